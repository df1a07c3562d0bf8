/* The node agent's uplink: journal -> batches -> the management server, plus
 * registration, heartbeats and policy fetches. See uplink.h and docs/agent-uplink.md.
 *
 * Transport (libcurl, as lib/vulndb/update.c and lib/image/src_registry.c): TLS
 * verification always on, the system CAs plus tls.ca_file; http and https only; no
 * redirects (a token must not follow one); connect and whole-request timeouts; answer
 * bodies bounded; one easy handle per thread so the connection is kept alive. */
#include "util/internal.h"
#include "agent/uplink.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define URL_MAX 2048
#define TOKEN_MAX 4096
#define ETAG_MAX 256
#define CA_MAX ((size_t)1 << 20)
#define SMALL_BODY_MAX ((size_t)64 << 10)
#define POLICY_BODY_MAX ((size_t)16 << 20)
#define EVENT_MAX ((size_t)64 << 10) /* the server's limit for one event */
#define SERVER_MAX_EVENTS 5000
#define SERVER_MAX_BYTES ((size_t)8 << 20)
#define MSG_SHOWN 200

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- HTTP ------------------------------------------------------------------------ */

struct http {
	CURL *e;
	unsigned connect_ms, timeout_ms;
	char *ca_pem;
	size_t ca_len;
	atomic_bool *abort_flag; /* set: the transfer in progress stops */
};

struct resp {
	long status;       /* 0: no HTTP answer */
	CURLcode cc;
	struct cg_buf body;
	char etag[ETAG_MAX];
	char errbuf[CURL_ERROR_SIZE];
};

static void resp_init(struct resp *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	cg_buf_init(&r->body, max);
}

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	if (cg_buf_append(&r->body, p, size * n))
		return 0;
	return size * n;
}

static size_t header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t len = size * n;
	if (len > 5 && strncasecmp(p, "etag:", 5) == 0) {
		size_t a = 5, b = len;
		while (a < b && (p[a] == ' ' || p[a] == '\t'))
			a++;
		while (b > a && (p[b - 1] == '\r' || p[b - 1] == '\n' || p[b - 1] == ' '))
			b--;
		if (b - a < sizeof(r->etag)) {
			memcpy(r->etag, p + a, b - a);
			r->etag[b - a] = '\0';
		}
	}
	return len;
}

static int progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct http *h = arg;
	(void)dt, (void)dn, (void)ut, (void)un;
	return h->abort_flag && atomic_load(h->abort_flag) ? 1 : 0;
}

static cg_err_t load_ca(const char *path, char **pem, size_t *len, struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(CA_MAX);
	cg_err_t rc = cg_buf_read_file(&b, AT_FDCWD, path, err);
	if (!rc && (!b.len || !memmem(b.data, b.len, "-----BEGIN CERTIFICATE-----", 27)))
		rc = cg_error_set(err, CG_ERR_INVALID, "%s: no PEM certificate in it", path);
	if (!rc) {
		*len = b.len;
		if (!(*pem = cg_buf_detach(&b, NULL)))
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	cg_buf_release(&b);
	return rc;
}

static cg_err_t http_init(struct http *h, const struct cg_uplink_tls *tls, struct cg_error *err)
{
	cg_err_t rc;
	memset(h, 0, sizeof(*h));
	h->connect_ms = tls && tls->connect_timeout_ms ? tls->connect_timeout_ms : 10000;
	h->timeout_ms = tls && tls->timeout_ms ? tls->timeout_ms : 60000;
	if (tls && tls->ca_file && *tls->ca_file &&
	    (rc = load_ca(tls->ca_file, &h->ca_pem, &h->ca_len, err)))
		return rc;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return cg_error_set(err, CG_ERR_INTERNAL, "curl_global_init failed");
	if (!(h->e = curl_easy_init()))
		return cg_error_set(err, CG_ERR_NOMEM, "curl_easy_init failed");
	return CG_OK;
}

static void http_free(struct http *h)
{
	if (h->e)
		curl_easy_cleanup(h->e);
	free(h->ca_pem);
	memset(h, 0, sizeof(*h));
}

/* One request. r->status is 0 when no HTTP answer came (r->cc, r->errbuf say why).
 * Returns CG_ERR_NOMEM only; every transport outcome is in r. */
static cg_err_t http_do(struct http *h, const char *method, const char *url, const char *bearer,
			const char *body, size_t blen, const char *if_none_match, struct resp *r)
{
	struct curl_slist *hdrs = NULL, *t;
	struct cg_buf auth = CG_BUF_INIT(TOKEN_MAX + 64);
	char inm[ETAG_MAX + 32];
	CURL *e = h->e;
	cg_err_t rc = CG_OK;
	static const char *const fixed[] = { "Accept: application/json",
					     "Content-Type: application/json", "Expect:" };

	for (size_t i = 0; i < CG_ARRAY_LEN(fixed); i++) {
		if (!(t = curl_slist_append(hdrs, fixed[i])))
			CG_FAIL(rc, CG_ERR_NOMEM);
		hdrs = t;
	}
	if (bearer) {
		if (cg_buf_printf(&auth, "Authorization: Bearer %s", bearer) ||
		    !(t = curl_slist_append(hdrs, auth.data)))
			CG_FAIL(rc, CG_ERR_NOMEM);
		hdrs = t;
	}
	if (if_none_match && *if_none_match) {
		snprintf(inm, sizeof(inm), "If-None-Match: %s", if_none_match);
		if (!(t = curl_slist_append(hdrs, inm)))
			CG_FAIL(rc, CG_ERR_NOMEM);
		hdrs = t;
	}
	curl_easy_reset(e); /* keeps the live connection */
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "cguard-agent/" CG_VERSION_STRING);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_pem) {
		struct curl_blob blob = { h->ca_pem, h->ca_len, CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	r->cc = curl_easy_perform(e);
	if (r->cc == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	else
		r->status = 0;
	if (!r->errbuf[0] && r->cc != CURLE_OK)
		snprintf(r->errbuf, sizeof(r->errbuf), "%s", curl_easy_strerror(r->cc));
	/* the header held the token: do not leave it in freed memory */
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
done:
	curl_slist_free_all(hdrs);
	if (auth.data)
		explicit_bzero(auth.data, auth.len);
	cg_buf_release(&auth);
	return rc;
}

/* The server's {"code","message"} as a short printable string. */
static void server_message(const struct resp *r, char *out, size_t n)
{
	cg_json *j = NULL;
	const char *m = NULL;
	size_t k = 0;
	if (r->body.len && !cg_json_parse(r->body.data, r->body.len, NULL, &j, NULL))
		m = cg_json_get_str(j, "message");
	if (!m)
		m = r->body.len ? r->body.data : "";
	for (size_t i = 0; m[i] && k + 1 < n && i < MSG_SHOWN; i++)
		out[k++] = (m[i] >= 0x20 && m[i] < 0x7f) ? m[i] : '?';
	out[k] = '\0';
	cg_json_free(j);
}

static bool token_ok(const char *t)
{
	size_t n = 0;
	if (!t)
		return false;
	for (; t[n]; n++)
		if (t[n] <= 0x20 || t[n] >= 0x7f || n >= TOKEN_MAX)
			return false;
	return n > 0;
}

/* server_url + path into a new string; the base is checked here. */
static cg_err_t make_url(const char *base, const char *path, char **out, struct cg_error *err)
{
	size_t n;
	struct cg_buf b = CG_BUF_INIT(URL_MAX + 64);
	*out = NULL;
	if (!base || (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0))
		return cg_error_set(err, CG_ERR_ARG, "server URL: must start with https:// or http://");
	n = strlen(base);
	if (n > URL_MAX)
		return cg_error_set(err, CG_ERR_ARG, "server URL: longer than %d bytes", URL_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)base[i] <= 0x20 || base[i] == 0x7f || base[i] == '?' || base[i] == '#')
			return cg_error_set(err, CG_ERR_ARG, "server URL: a space, control character, "
					    "query or fragment at byte %zu", i);
	while (n > 8 && base[n - 1] == '/')
		n--;
	if (cg_buf_append(&b, base, n) || cg_buf_puts(&b, path) || !(*out = cg_buf_detach(&b, NULL))) {
		cg_buf_release(&b);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

/* ---- registration ---------------------------------------------------------------- */

static cg_err_t dup_field(cg_json *j, const char *key, char **out, struct cg_error *err)
{
	const char *s = cg_json_get_str(j, key);
	if (!s || !*s)
		return cg_error_set(err, CG_ERR_INVALID, "registration answer: no \"%s\"", key);
	if (!(*out = strdup(s)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return CG_OK;
}

cg_err_t cg_uplink_register(const struct cg_uplink_tls *tls, const char *server_url,
			    const char *join_token, const char *node, const char *version,
			    char **agent_token, char **node_id, char **cluster_id,
			    struct cg_error *err)
{
	struct http h = { 0 };
	struct resp r;
	struct cg_buf body = CG_BUF_INIT(64 << 10);
	cg_json *req = NULL, *ans = NULL;
	char *url = NULL, host[256] = "", msg[MSG_SHOWN + 1];
	cg_err_t rc = CG_OK;

	resp_init(&r, SMALL_BODY_MAX);
	*agent_token = *node_id = *cluster_id = NULL;
	if (!token_ok(join_token))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "join token: empty, too long, or holding "
					 "spaces or control characters"));
	if (!node || !*node)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "register: no node name"));
	if ((rc = make_url(server_url, "/api/v1/agents/register", &url, err)) ||
	    (rc = http_init(&h, tls, err)))
		goto done;
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	if (!(req = cg_json_new_object()) || cg_json_set(req, "node", cg_json_new_string(node)) ||
	    cg_json_set(req, "version", cg_json_new_string(version ? version : CG_VERSION_STRING)) ||
	    cg_json_set(req, "hostname", cg_json_new_string(host)) ||
	    cg_json_dump(req, CG_JSON_COMPACT, &body))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "register: the node name or hostname "
					 "is not valid UTF-8 or too long"));
	if ((rc = http_do(&h, "POST", url, join_token, body.data, body.len, NULL, &r)))
		CG_FAIL(rc, cg_error_set(err, rc, "out of memory"));
	if (r.status == 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "register: %s: %s", url, r.errbuf));
	server_message(&r, msg, sizeof(msg));
	if (r.status == 401 || r.status == 403)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED, "register: the server refused the join "
					 "token (HTTP %ld): %s", r.status, msg));
	if (r.status != 201 && r.status != 200)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "register: HTTP %ld from %s: %s", r.status,
					 url, msg));
	if ((rc = cg_json_parse(r.body.data ? r.body.data : "", r.body.len, NULL, &ans, err)))
		goto done;
	if ((rc = dup_field(ans, "token", agent_token, err)) ||
	    (rc = dup_field(ans, "node_id", node_id, err)) ||
	    (rc = dup_field(ans, "cluster_id", cluster_id, err)))
		goto done;
	if (!token_ok(*agent_token))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "registration answer: the token holds "
					 "spaces or control characters"));
done:
	if (rc) {
		free(*agent_token);
		free(*node_id);
		free(*cluster_id);
		*agent_token = *node_id = *cluster_id = NULL;
	}
	if (r.body.data)
		explicit_bzero(r.body.data, r.body.len);
	cg_buf_release(&r.body);
	cg_buf_release(&body);
	cg_json_free(req);
	cg_json_free(ans);
	http_free(&h);
	free(url);
	return rc;
}

/* ---- the sender ------------------------------------------------------------------ */

struct range {
	size_t lo, hi;
};

struct cg_uplink {
	struct cg_uplink_opts o;
	char *token, *url_events, *url_heartbeat, *url_policies;
	struct cg_journal *j;
	struct http h;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool closing;
	uint64_t deadline;
	atomic_bool abort_now;
	/* under mu */
	uint64_t containers, agent_lost;
	char sensor[32];
	struct cg_uplink_stats st;
	/* the sender thread's own */
	unsigned hb_interval_s;
	unsigned idle_ms; /* min(flush interval, journal sync window) */
	uint64_t backoff_ms;
	unsigned seed;
	unsigned failures; /* consecutive failed event POSTs */
	char seen_etag[ETAG_MAX], inm_etag[ETAG_MAX];
	struct range *ranges;
	size_t nranges, ranges_cap;
	struct cg_buf body;
};

/* Wait on the condition variable until `until` (monotonic ms) or a close. */
static void wait_until(struct cg_uplink *u, uint64_t until)
{
	struct timespec ts;
	pthread_mutex_lock(&u->mu);
	if (u->closing && u->deadline < until)
		until = u->deadline;
	if (!u->closing || now_ms() < until) {
		ts.tv_sec = (time_t)(until / 1000);
		ts.tv_nsec = (long)(until % 1000) * 1000000L;
		pthread_cond_timedwait(&u->cv, &u->mu, &ts);
	}
	pthread_mutex_unlock(&u->mu);
}

static uint64_t next_backoff(struct cg_uplink *u)
{
	uint64_t min = u->o.backoff_min_ms, max = u->o.backoff_max_ms, d;
	u->backoff_ms = u->backoff_ms ? u->backoff_ms * 2 : min;
	if (u->backoff_ms > max)
		u->backoff_ms = max;
	d = u->backoff_ms + (u->backoff_ms / 2 ? (uint64_t)rand_r(&u->seed) % (u->backoff_ms / 2 + 1) : 0);
	return d > max ? max : d;
}

static void set_status_code(struct cg_uplink *u, long status)
{
	pthread_mutex_lock(&u->mu);
	u->st.last_status = status;
	if (status == 401 || status == 403)
		u->st.auth_failed = true;
	else if (status >= 200 && status < 300)
		u->st.auth_failed = false;
	pthread_mutex_unlock(&u->mu);
}

static void fetch_policies(struct cg_uplink *u, const char *hb_etag)
{
	struct resp r;
	cg_json *j = NULL;
	resp_init(&r, POLICY_BODY_MAX);
	if (http_do(&u->h, "GET", u->url_policies, u->token, NULL, 0, u->inm_etag, &r))
		goto done;
	set_status_code(u, r.status);
	if (r.status == 304) {
		snprintf(u->seen_etag, sizeof(u->seen_etag), "%s", hb_etag);
		goto done;
	}
	if (r.status != 200) {
		if (r.status)
			cg_warn("uplink: policies: HTTP %ld", r.status);
		else
			cg_warn("uplink: policies: %s", r.errbuf);
		goto done;
	}
	pthread_mutex_lock(&u->mu);
	u->st.policy_fetches++;
	pthread_mutex_unlock(&u->mu);
	if (cg_json_parse(r.body.data ? r.body.data : "", r.body.len, NULL, &j, NULL) ||
	    !cg_json_is_array(j)) {
		cg_warn("uplink: policies: the answer is not a JSON array: ignored");
		goto done;
	}
	if (u->o.on_policies)
		u->o.on_policies(r.body.data, r.body.len, u->o.cb_arg);
	pthread_mutex_lock(&u->mu);
	u->st.policy_updates++;
	pthread_mutex_unlock(&u->mu);
	snprintf(u->inm_etag, sizeof(u->inm_etag), "%s", r.etag[0] ? r.etag : hb_etag);
	snprintf(u->seen_etag, sizeof(u->seen_etag), "%s", hb_etag);
done:
	cg_json_free(j);
	cg_buf_release(&r.body);
}

static void heartbeat(struct cg_uplink *u)
{
	struct resp r;
	struct cg_buf body = CG_BUF_INIT(4096);
	struct cg_journal_stats js;
	uint64_t containers, lost;
	char sensor[32];
	cg_json *ans = NULL;
	const char *etag;
	int64_t iv;
	bool prot = false, have_prot;

	resp_init(&r, SMALL_BODY_MAX);
	cg_journal_stats(u->j, &js);
	pthread_mutex_lock(&u->mu);
	containers = u->containers;
	lost = u->agent_lost + js.dropped_records + u->st.rejected;
	snprintf(sensor, sizeof(sensor), "%s", u->sensor);
	pthread_mutex_unlock(&u->mu);
	/* the sensor is named once the agent said which one runs */
	if (cg_buf_printf(&body, "{\"containers\":%" PRIu64 ",\"events_lost\":%" PRIu64
			  "%s%s%s,\"journal_bytes\":%" PRIu64 "}",
			  containers, lost, strcmp(sensor, "unknown") ? ",\"sensor\":\"" : "",
			  strcmp(sensor, "unknown") ? sensor : "",
			  strcmp(sensor, "unknown") ? "\"" : "", js.pending_bytes) ||
	    http_do(&u->h, "POST", u->url_heartbeat, u->token, body.data, body.len, NULL, &r))
		goto done;
	set_status_code(u, r.status);
	if (r.status != 200) {
		char msg[MSG_SHOWN + 1];
		server_message(&r, msg, sizeof(msg));
		pthread_mutex_lock(&u->mu);
		u->st.heartbeat_failures++;
		pthread_mutex_unlock(&u->mu);
		if (r.status == 401 || r.status == 403)
			cg_err("uplink: heartbeat: the server refuses the agent token (HTTP %ld: %s): "
			       "revoked? re-register the node", r.status, msg);
		else if (r.status)
			cg_warn("uplink: heartbeat: HTTP %ld: %s", r.status, msg);
		else
			cg_warn("uplink: heartbeat: %s", r.errbuf);
		goto done;
	}
	if (cg_json_parse(r.body.data ? r.body.data : "", r.body.len, NULL, &ans, NULL) ||
	    !cg_json_is_object(ans)) {
		cg_warn("uplink: heartbeat: the answer is not a JSON object");
		goto done;
	}
	have_prot = cg_json_get_bool(ans, "protected", &prot);
	if (cg_json_get_int(ans, "heartbeat_interval", &iv) && iv >= 1 && iv <= 86400)
		u->hb_interval_s = (unsigned)iv;
	pthread_mutex_lock(&u->mu);
	u->st.heartbeats++;
	if (have_prot)
		u->st.protected_ = prot;
	u->st.heartbeat_interval_s = u->hb_interval_s;
	pthread_mutex_unlock(&u->mu);
	if (have_prot && u->o.on_heartbeat)
		u->o.on_heartbeat(prot, u->o.cb_arg);
	etag = cg_json_get_str(ans, "policy_etag");
	if (etag && *etag && strlen(etag) < ETAG_MAX && strcmp(etag, u->seen_etag) != 0)
		fetch_policies(u, etag);
done:
	cg_json_free(ans);
	cg_buf_release(&r.body);
	cg_buf_release(&body);
}

/* The id of a journaled event, for messages (the event was checked at push). */
static void event_id(const char *p, size_t n, char *out, size_t on)
{
	cg_json *j = NULL;
	const char *id = NULL;
	if (!cg_json_parse(p, n, NULL, &j, NULL))
		id = cg_json_get_str(j, "id");
	snprintf(out, on, "%.100s", id ? id : "?");
	cg_json_free(j);
}

enum outcome { SENT, SPLIT, RETRY };

/* POST events [lo, hi) of the batch. */
static enum outcome post_range(struct cg_uplink *u, const struct cg_journal_batch *b, size_t lo,
			       size_t hi)
{
	struct resp r;
	enum outcome out = RETRY;
	cg_json *ans = NULL;
	char msg[MSG_SHOWN + 1];
	resp_init(&r, SMALL_BODY_MAX);
	cg_buf_reset(&u->body);
	if (cg_buf_puts(&u->body, "{\"events\":["))
		goto done;
	for (size_t i = lo; i < hi; i++)
		if ((i > lo && cg_buf_putc(&u->body, ',')) ||
		    cg_buf_append(&u->body, b->rec[i].data, b->rec[i].len))
			goto done;
	if (cg_buf_puts(&u->body, "]}") ||
	    http_do(&u->h, "POST", u->url_events, u->token, u->body.data, u->body.len, NULL, &r))
		goto done;
	set_status_code(u, r.status);
	pthread_mutex_lock(&u->mu);
	u->st.requests++;
	pthread_mutex_unlock(&u->mu);
	if (r.status == 200) {
		int64_t acc = 0, dup = 0;
		if (!cg_json_parse(r.body.data ? r.body.data : "", r.body.len, NULL, &ans, NULL)) {
			(void)cg_json_get_int(ans, "accepted", &acc);
			(void)cg_json_get_int(ans, "duplicates", &dup);
		}
		pthread_mutex_lock(&u->mu);
		u->st.delivered += hi - lo;
		u->st.accepted += acc > 0 ? (uint64_t)acc : 0;
		u->st.duplicates += dup > 0 ? (uint64_t)dup : 0;
		pthread_mutex_unlock(&u->mu);
		if (u->failures)
			cg_info("uplink: events delivered again after %u failed attempts", u->failures);
		u->failures = 0;
		u->backoff_ms = 0;
		out = SENT;
		goto done;
	}
	server_message(&r, msg, sizeof(msg));
	if (r.status == 400 || r.status == 413) {
		if (hi - lo > 1) {
			cg_debug("uplink: HTTP %ld for %zu events: splitting the batch", r.status, hi - lo);
			out = SPLIT;
		} else {
			char id[128];
			event_id(b->rec[lo].data, b->rec[lo].len, id, sizeof(id));
			cg_warn("uplink: the server refused event %s (HTTP %ld: %s): dropped", id,
				r.status, msg);
			pthread_mutex_lock(&u->mu);
			u->st.rejected++;
			pthread_mutex_unlock(&u->mu);
			out = SENT; /* resolved: dropped */
		}
		u->backoff_ms = 0;
		goto done;
	}
	pthread_mutex_lock(&u->mu);
	u->st.retries++;
	pthread_mutex_unlock(&u->mu);
	if (u->failures == 0 || u->failures % 20 == 0) {
		if (r.status == 401 || r.status == 403)
			cg_err("uplink: the server refuses the agent token (HTTP %ld: %s): revoked? "
			       "events stay journaled; retrying", r.status, msg);
		else if (r.status)
			cg_warn("uplink: events: HTTP %ld: %s: retrying with backoff", r.status, msg);
		else
			cg_warn("uplink: events: %s: retrying with backoff", r.errbuf);
	}
	u->failures++;
done:
	cg_json_free(ans);
	cg_buf_release(&r.body);
	return out;
}

static bool push_range(struct cg_uplink *u, size_t at, struct range r)
{
	if (u->nranges == u->ranges_cap) {
		size_t nc = u->ranges_cap ? u->ranges_cap * 2 : 16;
		struct range *nr = realloc(u->ranges, nc * sizeof(*nr));
		if (!nr)
			return false;
		u->ranges = nr;
		u->ranges_cap = nc;
	}
	memmove(u->ranges + at + 1, u->ranges + at, (u->nranges - at) * sizeof(*u->ranges));
	u->ranges[at] = r;
	u->nranges++;
	return true;
}

static void *sender(void *arg)
{
	struct cg_uplink *u = arg;
	struct cg_journal_batch b = { 0 };
	struct cg_error e = { 0 };
	uint64_t next_hb = 0, retry_at = 0;
	bool have = false;

	for (;;) {
		uint64_t now = now_ms();
		bool closing;
		pthread_mutex_lock(&u->mu);
		closing = u->closing;
		if (closing && now >= u->deadline) {
			pthread_mutex_unlock(&u->mu);
			break;
		}
		pthread_mutex_unlock(&u->mu);
		if (cg_journal_sync_due(u->j, &e))
			cg_warn("uplink: %s", e.msg);
		if (!closing && now >= next_hb) {
			heartbeat(u);
			next_hb = now_ms() + (uint64_t)u->hb_interval_s * 1000u;
			continue;
		}
		if (now < retry_at) {
			wait_until(u, closing ? retry_at : (retry_at < next_hb ? retry_at : next_hb));
			continue;
		}
		if (!have) {
			if (cg_journal_peek(u->j, u->o.batch_max_events, u->o.batch_max_bytes, &b, &e)) {
				cg_warn("uplink: %s", e.msg);
				retry_at = now_ms() + next_backoff(u);
				continue;
			}
			if (!b.n) {
				if (cg_journal_ack(u->j, &b, 0, &e)) /* skipped damage at the end */
					cg_warn("uplink: %s", e.msg);
				if (closing)
					break; /* everything delivered */
				now = now_ms() + u->idle_ms;
				wait_until(u, now < next_hb ? now : next_hb);
				continue;
			}
			have = true;
			u->nranges = 0;
			if (!push_range(u, 0, (struct range){ 0, b.n })) {
				have = false;
				retry_at = now_ms() + next_backoff(u);
				continue;
			}
		}
		{
			struct range r = u->ranges[0];
			switch (post_range(u, &b, r.lo, r.hi)) {
			case SENT:
				memmove(u->ranges, u->ranges + 1, (u->nranges - 1) * sizeof(*u->ranges));
				u->nranges--;
				if (cg_journal_ack(u->j, &b, u->nranges ? r.hi : b.n, &e))
					cg_warn("uplink: %s", e.msg);
				if (!u->nranges)
					have = false;
				break;
			case SPLIT: {
				size_t mid = r.lo + (r.hi - r.lo) / 2;
				u->ranges[0].hi = mid;
				if (!push_range(u, 1, (struct range){ mid, r.hi })) {
					u->ranges[0].hi = r.hi;
					retry_at = now_ms() + next_backoff(u);
				}
				break;
			}
			case RETRY:
				retry_at = now_ms() + next_backoff(u);
				/* unless a split is under way, the next try takes the journal as
				 * it is then: the size cap may have dropped what this batch held
				 * (counted as lost, so not to be sent) and newer events came */
				if (u->nranges == 1 && u->ranges[0].lo == 0 && u->ranges[0].hi == b.n)
					have = false;
				break;
			}
		}
	}
	cg_journal_batch_free(&b);
	return NULL;
}

/* ---- API ------------------------------------------------------------------------- */

static void uplink_free(struct cg_uplink *u)
{
	if (!u)
		return;
	cg_journal_close(u->j);
	http_free(&u->h);
	if (u->token) {
		explicit_bzero(u->token, strlen(u->token));
		free(u->token);
	}
	free(u->url_events);
	free(u->url_heartbeat);
	free(u->url_policies);
	free(u->ranges);
	cg_buf_release(&u->body);
	pthread_cond_destroy(&u->cv);
	pthread_mutex_destroy(&u->mu);
	free(u);
}

cg_err_t cg_uplink_open(const struct cg_uplink_opts *o, struct cg_uplink **out,
			struct cg_error *err)
{
	struct cg_uplink *u;
	struct cg_journal_opts jo = { 0 };
	pthread_condattr_t ca;
	cg_err_t rc = CG_OK;

	*out = NULL;
	if (!o || !o->journal_dir)
		return cg_error_set(err, CG_ERR_ARG, "uplink: no journal folder");
	if (!token_ok(o->token))
		return cg_error_set(err, CG_ERR_ARG, "uplink: the agent token is empty, too long, "
				    "or holds spaces or control characters");
	if (!(u = calloc(1, sizeof(*u))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&u->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&u->cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&u->abort_now, false);
	u->o = *o;
	u->o.token = u->o.server_url = u->o.journal_dir = NULL;
	u->o.tls.ca_file = NULL;
	if (!u->o.batch_max_events)
		u->o.batch_max_events = 500;
	if (u->o.batch_max_events > SERVER_MAX_EVENTS)
		u->o.batch_max_events = SERVER_MAX_EVENTS;
	if (!u->o.batch_max_bytes)
		u->o.batch_max_bytes = (size_t)4 << 20;
	if (u->o.batch_max_bytes > SERVER_MAX_BYTES - EVENT_MAX - 64)
		u->o.batch_max_bytes = SERVER_MAX_BYTES - EVENT_MAX - 64;
	if (!u->o.flush_interval_ms)
		u->o.flush_interval_ms = 200;
	if (!u->o.heartbeat_interval_s)
		u->o.heartbeat_interval_s = 30;
	if (!u->o.backoff_min_ms)
		u->o.backoff_min_ms = 200;
	if (!u->o.backoff_max_ms)
		u->o.backoff_max_ms = 30000;
	if (u->o.backoff_max_ms < u->o.backoff_min_ms)
		u->o.backoff_max_ms = u->o.backoff_min_ms;
	u->hb_interval_s = u->o.heartbeat_interval_s;
	u->idle_ms = u->o.flush_interval_ms;
	if (!u->o.journal_sync_always) {
		unsigned w = o->journal_sync_ms ? o->journal_sync_ms : CG_JOURNAL_DEFAULT_SYNC_MS;
		if (w < u->idle_ms)
			u->idle_ms = w;
	}
	u->st.heartbeat_interval_s = u->hb_interval_s;
	u->seed = (unsigned)(now_ms() ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)u);
	snprintf(u->sensor, sizeof(u->sensor), "unknown");
	/* a batch body: the events, commas, the wrapper */
	cg_buf_init(&u->body, u->o.batch_max_bytes + EVENT_MAX + u->o.batch_max_events + 64);
	if (!(u->token = strdup(o->token)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((rc = make_url(o->server_url, "/api/v1/agents/events", &u->url_events, err)) ||
	    (rc = make_url(o->server_url, "/api/v1/agents/heartbeat", &u->url_heartbeat, err)) ||
	    (rc = make_url(o->server_url, "/api/v1/agents/policies", &u->url_policies, err)) ||
	    (rc = http_init(&u->h, &o->tls, err)))
		goto done;
	u->h.abort_flag = &u->abort_now;
	jo.max_bytes = o->journal_max_bytes;
	jo.sync_ms = o->journal_sync_ms;
	jo.sync_always = o->journal_sync_always;
	jo.max_record = (uint32_t)EVENT_MAX;
	if ((rc = cg_journal_open(o->journal_dir, &jo, &u->j, err)))
		goto done;
	if (pthread_create(&u->thread, NULL, sender, u) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "uplink: cannot start the sender thread"));
	u->started = true;
	*out = u;
	u = NULL;
done:
	uplink_free(u);
	return rc;
}

cg_err_t cg_uplink_push(struct cg_uplink *u, const char *line, size_t len, struct cg_error *err)
{
	cg_json *j = NULL;
	const char *id;
	struct cg_json_limits lim = { .max_bytes = EVENT_MAX };
	cg_err_t rc;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (!len)
		return cg_error_set(err, CG_ERR_INVALID, "uplink: an empty event");
	if (len > EVENT_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "uplink: an event of %zu bytes is above the "
				    "limit of %zu", len, EVENT_MAX);
	if ((rc = cg_json_parse(line, len, &lim, &j, err)))
		return rc;
	id = cg_json_get_str(j, "id");
	rc = !cg_json_is_object(j) ? cg_error_set(err, CG_ERR_INVALID, "uplink: an event is not a "
						   "JSON object")
	     : (!id || !*id) ? cg_error_set(err, CG_ERR_INVALID, "uplink: an event without a string \"id\"")
			     : CG_OK;
	cg_json_free(j);
	if (rc)
		return rc;
	return cg_journal_append(u->j, line, len, err);
}

void cg_uplink_set_status(struct cg_uplink *u, uint64_t containers, uint64_t events_lost,
			  const char *sensor)
{
	pthread_mutex_lock(&u->mu);
	u->containers = containers;
	u->agent_lost = events_lost;
	if (sensor && (strcmp(sensor, "bpf") == 0 || strcmp(sensor, "fallback") == 0))
		snprintf(u->sensor, sizeof(u->sensor), "%s", sensor);
	pthread_mutex_unlock(&u->mu);
}

void cg_uplink_stats(struct cg_uplink *u, struct cg_uplink_stats *out)
{
	struct cg_journal_stats js;
	cg_journal_stats(u->j, &js);
	pthread_mutex_lock(&u->mu);
	*out = u->st;
	pthread_mutex_unlock(&u->mu);
	out->journal = js;
}

uint64_t cg_uplink_close(struct cg_uplink *u, unsigned timeout_ms)
{
	struct cg_journal_stats js;
	if (!u)
		return 0;
	if (u->started) {
		pthread_mutex_lock(&u->mu);
		u->closing = true;
		u->deadline = now_ms() + timeout_ms;
		pthread_cond_broadcast(&u->cv);
		pthread_mutex_unlock(&u->mu);
		/* a transfer still running at the deadline is aborted */
		for (;;) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(u->thread, NULL, &ts) == 0)
				break;
			if (now_ms() >= u->deadline)
				atomic_store(&u->abort_now, true);
		}
	}
	cg_journal_stats(u->j, &js);
	uplink_free(u);
	return js.pending_records;
}
