/* docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]: an image from any registry that
 * speaks the OCI distribution API (Docker Hub, distribution, Harbor, GHCR,
 * ...), over libcurl. Manifests are fetched whole (bounded by max_json_bytes)
 * and verified; blobs are streams: a curl transfer driven by the blob's
 * read() through curl_multi with a small buffer, so a layer is never held in
 * memory or written to disk. The caller verifies blob digests and diff_ids.
 *
 * Transport security, exactly:
 *  - By default HTTPS only, the certificate verified against the system CA
 *    store, plus the *.crt files of /etc/containers/certs.d/HOST[:PORT]/ and
 *    /etc/docker/certs.d/HOST[:PORT]/ (or of $CGUARD_CERTS_DIR/HOST[:PORT]/
 *    alone when that variable is set): the certs.d convention of docker and
 *    podman. Client certificates (.cert and .key files) are not used.
 *  - A HOST[:PORT] listed in opts->insecure_registries (as written in the
 *    reference; case does not matter) is first tried over HTTPS without
 *    certificate verification; when no TLS connection can be made there
 *    (a plain-HTTP server, nothing on the HTTPS port) it is spoken to over
 *    plain HTTP. That is what docker and containers/image do for insecure
 *    registries. Nothing else turns verification off or allows plain HTTP:
 *    token servers and redirect targets on other hosts are verified HTTPS,
 *    except that a registry reached over plain HTTP may name plain-HTTP ones.
 *
 * Authentication: anonymous first; on 401 the WWW-Authenticate challenge
 * decides: Basic sends the credentials, Bearer gets a token from the realm
 * (service and scope from the challenge, the credentials as Basic when there
 * are any) and sends it. Credentials come from opts->username/password or a
 * docker config.json (opts->authfile, else $DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json); credential helpers are not run (a warning says so).
 * Authorization goes only to the origin it is for: redirects are followed by
 * hand (at most 5) and drop it on another scheme, host or port. Secrets are
 * never logged nor put in messages, and are wiped from memory when freed.
 *
 * Retries: requests for manifests and tokens, and blob requests before
 * their first byte, are retried on 429, 5xx and dropped connections, at most
 * 3 times with backoff (0.5, 1, 2 s, or Retry-After up to 10 s). Timeouts:
 * 30 s to connect, abort below 1 KiB/s for 60 s, 120 s for a manifest or
 * token request. Bounded: 64 KiB of headers per response, manifests by
 * max_json_bytes, token answers 1 MiB, error bodies 4 KiB. */
#include "util/internal.h"
#include "util/digest.h"
#include "image/source.h"
#include "image/registry_int.h"
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ACCEPT_MANIFESTS                                             \
	"Accept: application/vnd.oci.image.manifest.v1+json, "       \
	"application/vnd.oci.image.index.v1+json, "                  \
	"application/vnd.docker.distribution.manifest.v2+json, "     \
	"application/vnd.docker.distribution.manifest.list.v2+json"

#define MAX_HEADER_BYTES (64 * 1024) /* all header lines of one response */
#define MAX_URL 8192
#define MAX_REDIRECTS 5
#define MAX_RETRIES 3
#define MAX_AUTH_ROUNDS 2
#define MAX_INDEX_DEPTH 4
#define TOKEN_MAX_BYTES ((size_t)1 << 20)
#define ERRBODY_MAX 4096
#define CONFIG_FILE_MAX ((size_t)4 << 20)
#define CA_MAX_BYTES ((size_t)1 << 20)
#define CA_MAX_FILES 16
#define CONNECT_TIMEOUT_S 30L
#define LOW_SPEED_BYTES 1024L
#define LOW_SPEED_TIME_S 60L
#define REQUEST_TIMEOUT_S 120L
#define PEND_SIZE (256 * 1024)          /* bytes a blob holds between reads */
#define PEND_MAX ((size_t)16 << 20)     /* one chunk from curl, at most */

struct cg_source {
	struct cg_registry_ref ref;
	char label[CG_REG_HOST_MAX + CG_REG_REPO_MAX + CG_REG_TAG_MAX + 80]; /* the image's name */
	char where[CG_REG_HOST_MAX + CG_REG_REPO_MAX + 2]; /* "HOST/REPO", for messages */
	char base[CG_REG_HOST_MAX + 16];   /* "https://HOST[:PORT]" */
	char origin[CG_REG_HOST_MAX + 32]; /* base as scheme://host:port, for comparisons */
	bool insecure;                     /* listed in opts->insecure_registries */
	bool plain_http;                   /* insecure and spoken to over HTTP */
	size_t max_json;
	struct cg_registry_cred cred;
	char *ca_pem;                      /* certs.d CAs, NULL when none */
	size_t ca_len;
	CURLSH *share;
	pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
	bool mutexes_ready;
	pthread_mutex_t auth_mu;
	char *authz;       /* "Authorization: ..." for the registry; under auth_mu */
	bool authz_bearer; /* authz holds a token (not Basic credentials) */
	unsigned auth_gen; /* bumped whenever authz changes */
};

/* ---- little helpers ----------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long backoff_ms(int attempt, long retry_after)
{
	if (retry_after >= 0)
		return retry_after > 10 ? 10000 : retry_after * 1000;
	return 500L << (attempt < 4 ? attempt : 4);
}

static bool retry_status(long status)
{
	return status == 429 || (status >= 500 && status <= 599);
}

static bool retry_curl(CURLcode cc)
{
	return cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	       cc == CURLE_GOT_NOTHING || cc == CURLE_PARTIAL_FILE || cc == CURLE_HTTP2 ||
	       cc == CURLE_HTTP2_STREAM;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* "scheme://host:port" of a URL (default port filled in), lowercased. */
static bool url_origin(const char *url, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = false;
	if (!u)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		int n = snprintf(out, cap, "%s://%s:%s", scheme, host, port);
		ok = n > 0 && (size_t)n < cap;
		for (char *p = out; ok && *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* Log a URL without its query (pre-signed storage URLs carry signatures). */
static void log_get(const char *url)
{
	cg_debug("docker: GET %.*s", (int)strcspn(url, "?"), url);
}

static bool url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

static bool url_is_http(const char *url)
{
	return !strncasecmp(url, "http://", 7);
}

/* A short, printable "CODE: message" from a registry error body
 * ({"errors":[{"code":..,"message":..}]}), else "". */
static void registry_error(const struct cg_buf *body, char *out, size_t cap)
{
	struct cg_json_limits lim = { .max_bytes = ERRBODY_MAX * 4, .max_depth = 16,
				      .allow_duplicates = true };
	cg_json *doc = NULL;
	const cg_json *e;
	char code[64], msg[160];
	out[0] = '\0';
	if (!body->len || cg_json_parse(body->data, body->len, &lim, &doc, NULL) != CG_OK)
		return;
	e = cg_json_array_at(cg_json_get(doc, "errors"), 0);
	if (e) {
		const char *c = cg_json_get_str(e, "code"), *m = cg_json_get_str(e, "message");
		cg_registry_sanitize(c, c ? strlen(c) : 0, code, sizeof(code));
		cg_registry_sanitize(m, m ? strlen(m) : 0, msg, sizeof(msg));
		snprintf(out, cap, "%s%s%s", code, code[0] && msg[0] ? ": " : "", msg);
	}
	cg_json_free(doc);
}

/* ---- responses: headers and bodies ------------------------------------------- */

struct resp {
	long status;
	size_t header_bytes;
	bool headers_over;
	bool headers_done;              /* the final response's headers have all arrived */
	char www_auth[4096];
	bool www_auth_over;
	char digest[CG_DIGEST_STR_LEN + 1]; /* Docker-Content-Digest when sha256 */
	long retry_after;               /* seconds, -1 when absent */
	char location[MAX_URL];         /* the redirect target (absolute) */
	struct cg_buf body;
	bool body_over;
	char errbuf[CURL_ERROR_SIZE];
	CURL *easy;                     /* for CURLINFO in callbacks */
};

static void resp_reset_headers(struct resp *r)
{
	r->header_bytes = 0;
	r->headers_over = false;
	r->headers_done = false;
	r->www_auth[0] = '\0';
	r->www_auth_over = false;
	r->digest[0] = '\0';
	r->retry_after = -1;
}

static bool hdr_is(const char *line, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t nl = strlen(name);
	if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return false;
	*val = line + nl + 1;
	*vlen = n - nl - 1;
	while (*vlen && (**val == ' ' || **val == '\t'))
		(*val)++, (*vlen)--;
	while (*vlen && ((*val)[*vlen - 1] == '\r' || (*val)[*vlen - 1] == '\n' ||
			 (*val)[*vlen - 1] == ' ' || (*val)[*vlen - 1] == '\t'))
		(*vlen)--;
	return true;
}

static size_t header_cb(char *line, size_t size, size_t nitems, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nitems;
	const char *v;
	size_t vl;
	if (n >= 5 && !strncmp(line, "HTTP/", 5)) { /* a new response (1xx, or the final one) */
		resp_reset_headers(r);
	}
	r->header_bytes += n;
	if (r->header_bytes > MAX_HEADER_BYTES) {
		r->headers_over = true;
		return 0; /* abort the transfer */
	}
	if ((n == 2 && line[0] == '\r') || (n == 1 && line[0] == '\n')) {
		long code = 0;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200) {
			r->status = code;
			r->headers_done = true;
		}
		return n;
	}
	if (hdr_is(line, n, "WWW-Authenticate", &v, &vl)) {
		size_t have = strlen(r->www_auth);
		if (have + vl + 3 > sizeof(r->www_auth)) {
			r->www_auth_over = true;
		} else {
			if (have)
				memcpy(r->www_auth + have, ", ", 2), have += 2;
			memcpy(r->www_auth + have, v, vl);
			r->www_auth[have + vl] = '\0';
		}
	} else if (hdr_is(line, n, "Docker-Content-Digest", &v, &vl)) {
		if (vl == CG_DIGEST_STR_LEN) {
			memcpy(r->digest, v, vl);
			r->digest[vl] = '\0';
			if (!cg_digest_valid(r->digest))
				r->digest[0] = '\0';
		}
	} else if (hdr_is(line, n, "Retry-After", &v, &vl)) {
		long s = 0;
		size_t i;
		for (i = 0; i < vl && i < 6 && v[i] >= '0' && v[i] <= '9'; i++)
			s = s * 10 + (v[i] - '0');
		r->retry_after = i == vl && vl ? s : -1; /* an HTTP date: default backoff */
	}
	return n;
}

static size_t body_cb(char *p, size_t size, size_t nitems, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nitems;
	if (cg_buf_append(&r->body, p, n) != CG_OK) {
		r->body_over = true;
		return 0;
	}
	return n;
}

/* ---- curl handles ----------------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
	struct cg_source *s = ud;
	(void)h;
	(void)access;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&s->share_mu[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
	struct cg_source *s = ud;
	(void)h;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&s->share_mu[data]);
}

/* The headers of a request: Accept (may be NULL) and Authorization when
 * the URL's origin is the one the credentials are for. */
static cg_err_t make_headers(const char *url, const char *accept, const char *authz,
			     const char *authz_origin, struct curl_slist **out)
{
	struct curl_slist *h = NULL, *t;
	char origin[CG_REG_HOST_MAX + 300];
	*out = NULL;
	if (accept) {
		if (!(t = curl_slist_append(h, accept)))
			goto nomem;
		h = t;
	}
	if (authz && authz_origin && url_origin(url, origin, sizeof(origin)) &&
	    !strcmp(origin, authz_origin)) {
		if (!(t = curl_slist_append(h, authz)))
			goto nomem;
		h = t;
	}
	*out = h;
	return CG_OK;
nomem:
	curl_slist_free_all(h);
	return CG_ERR_NOMEM;
}

static void free_headers(struct curl_slist *h)
{
	/* the list may hold a secret */
	for (struct curl_slist *p = h; p; p = p->next)
		if (p->data)
			explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

/* An easy handle for url: protocols, timeouts, TLS for its origin. */
static CURL *easy_new(struct cg_source *s, const char *url, struct curl_slist *hdrs,
		      struct resp *r)
{
	CURL *e = curl_easy_init();
	char origin[CG_REG_HOST_MAX + 300];
	bool registry = url_origin(url, origin, sizeof(origin)) && !strcmp(origin, s->origin);
	if (!e)
		return NULL;
	r->easy = e;
	r->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_SHARE, s->share);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* by hand: see follow() */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "cguard/" CG_VERSION_STRING);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	if (registry && s->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (registry && s->ca_pem) {
		struct curl_blob blob = { s->ca_pem, s->ca_len, CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	return e;
}

/* A message for a failed transfer; TLS verification gets its own advice. */
static cg_err_t curl_fail(const struct cg_source *s, CURLcode cc, const struct resp *r,
			  const char *what, struct cg_error *err)
{
	char detail[CURL_ERROR_SIZE];
	cg_registry_sanitize(r->errbuf, strlen(r->errbuf), detail, sizeof(detail));
	if (!detail[0])
		snprintf(detail, sizeof(detail), "%s", curl_easy_strerror(cc));
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
		return cg_error_set(err, CG_ERR_DENIED,
				    "%s: TLS certificate verification failed for %s: %s (trust its CA "
				    "in /etc/docker/certs.d/%s/ca.crt, or pass --insecure-registry %s)",
				    what, s->ref.host, detail, s->ref.host, s->ref.host);
	if (cc == CURLE_SSL_CONNECT_ERROR && !s->insecure)
		return cg_error_set(err, CG_ERR_IO,
				    "%s: no TLS connection to %s: %s (a plain-HTTP registry needs "
				    "--insecure-registry %s)", what, s->ref.host, detail, s->ref.host);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return cg_error_set(err, CG_ERR_IO, "%s: timed out: %s", what, detail);
	return cg_error_set(err, CG_ERR_IO, "%s: %s", what, detail);
}

/* ---- buffered requests (manifests, tokens) -------------------------------------- */

/* Redirects: the target of r->location if allowed, in `url`. */
static cg_err_t follow(const struct cg_source *s, struct resp *r, char *url, int *redirects,
		       const char *what, struct cg_error *err)
{
	if (++*redirects > MAX_REDIRECTS)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d redirects", what,
				    MAX_REDIRECTS);
	if (!r->location[0])
		return cg_error_set(err, CG_ERR_INVALID, "%s: HTTP %ld redirect without a Location",
				    what, r->status);
	if (!url_is_https(r->location) && !(url_is_http(r->location) && s->plain_http))
		return cg_error_set(err, CG_ERR_DENIED,
				    "%s: refusing a redirect from HTTPS to a non-HTTPS URL", what);
	snprintf(url, MAX_URL, "%s", r->location);
	return CG_OK;
}

static void note_location(struct resp *r, CURL *e)
{
	char *loc = NULL;
	r->location[0] = '\0';
	if (is_redirect(r->status) && curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc && strlen(loc) < sizeof(r->location))
		memcpy(r->location, loc, strlen(loc) + 1);
}

/* GET url into r (body bounded by max), following redirects, retrying 429,
 * 5xx and dropped connections unless `probe`. authz goes to authz_origin only.
 * On CG_OK, r->status is the final status (any). */
static cg_err_t http_get(struct cg_source *s, const char *url0, const char *accept,
			 const char *authz, const char *authz_origin, size_t max, bool probe,
			 const char *what, struct resp *r, struct cg_error *err)
{
	char *url = malloc(MAX_URL);
	int redirects = 0;
	cg_err_t rc = CG_OK;

	if (!url)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	snprintf(url, MAX_URL, "%s", url0);
	for (int attempt = 0;; attempt++) {
		struct curl_slist *hdrs = NULL;
		CURL *e;
		CURLcode cc;

		cg_buf_release(&r->body);
		cg_buf_init(&r->body, max);
		r->body_over = false;
		r->status = 0;
		resp_reset_headers(r);
		if (make_headers(url, accept, authz, authz_origin, &hdrs))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		e = easy_new(s, url, hdrs, r);
		if (!e) {
			free_headers(hdrs);
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		}
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, probe ? CONNECT_TIMEOUT_S : REQUEST_TIMEOUT_S);
		log_get(url);
		cc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
		note_location(r, e);
		curl_easy_cleanup(e);
		r->easy = NULL;
		free_headers(hdrs);
		if (cc != CURLE_OK) {
			if (r->body_over || cc == CURLE_FILESIZE_EXCEEDED)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes",
							 what, max));
			if (r->headers_over)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
							 "%s: response headers larger than %d bytes",
							 what, MAX_HEADER_BYTES));
			if (!probe && retry_curl(cc) && attempt < MAX_RETRIES) {
				cg_debug("docker: %s: %s; retrying", what, curl_easy_strerror(cc));
				sleep_ms(backoff_ms(attempt, -1));
				continue;
			}
			CG_FAIL(rc, curl_fail(s, cc, r, what, err));
		}
		if (!probe && retry_status(r->status) && attempt < MAX_RETRIES) {
			cg_debug("docker: %s: HTTP %ld; retrying", what, r->status);
			sleep_ms(backoff_ms(attempt, r->retry_after));
			continue;
		}
		if (is_redirect(r->status)) {
			rc = follow(s, r, url, &redirects, what, err);
			if (rc)
				goto done;
			attempt = -1;
			continue;
		}
		break;
	}
done:
	free(url);
	return rc;
}

static void resp_release(struct resp *r)
{
	cg_buf_release(&r->body);
}

/* ---- authentication ------------------------------------------------------------- */

/* "Authorization: Basic base64(user:password)" into a new string. */
static char *basic_header(const struct cg_registry_cred *c)
{
	size_t ul = strlen(c->username), pl = strlen(c->password), raw_len, enc_cap;
	char *raw = NULL, *hdr = NULL;
	if (ul > 4096 || pl > 8192)
		return NULL;
	raw_len = ul + 1 + pl;
	enc_cap = (raw_len + 2) / 3 * 4 + 1;
	raw = malloc(raw_len + 1);
	hdr = malloc(enc_cap + 32);
	if (raw && hdr) {
		memcpy(raw, c->username, ul);
		raw[ul] = ':';
		memcpy(raw + ul + 1, c->password, pl);
		memcpy(hdr, "Authorization: Basic ", 21);
		if (cg_base64_encode(raw, raw_len, hdr + 21, enc_cap) != CG_OK) {
			free(hdr);
			hdr = NULL;
		}
	} else {
		free(hdr);
		hdr = NULL;
	}
	if (raw) {
		explicit_bzero(raw, raw_len);
		free(raw);
	}
	return hdr;
}

/* Append "&name=escaped(value)" to url (MAX_URL bytes). */
static bool url_param(CURL *e, char *url, const char *name, const char *value, size_t vlen)
{
	size_t have = strlen(url);
	char *esc = curl_easy_escape(e, value, (int)vlen);
	int n;
	if (!esc)
		return false;
	n = snprintf(url + have, MAX_URL - have, "%s%s=%s", strchr(url, '?') ? "&" : "?", name,
		     esc);
	curl_free(esc);
	return n > 0 && (size_t)n < MAX_URL - have;
}

/* Get a token from the challenge's realm; under auth_mu. */
static cg_err_t fetch_token(struct cg_source *s, const struct cg_registry_challenge *ch,
			    char **token, struct cg_error *err)
{
	struct resp r = { 0 };
	char *url = NULL, *basic = NULL, realm_origin[CG_REG_HOST_MAX + 300], rlabel[200];
	char default_scope[CG_REG_REPO_MAX + 32];
	const char *scope = ch->scope;
	CURL *esc = NULL;
	int64_t expires = 0;
	cg_err_t rc = CG_OK;

	*token = NULL;
	cg_registry_sanitize(ch->realm, strlen(ch->realm), rlabel, sizeof(rlabel));
	if (!url_origin(ch->realm, realm_origin, sizeof(realm_origin)) || strchr(ch->realm, ' '))
		return cg_error_set(err, CG_ERR_INVALID, "%s: the token realm '%s' is not a URL",
				    s->ref.host, rlabel);
	if (!url_is_https(ch->realm) &&
	    !(url_is_http(ch->realm) && (s->plain_http || !strcmp(realm_origin, s->origin))))
		return cg_error_set(err, CG_ERR_DENIED,
				    "%s: refusing the token realm '%s': not HTTPS", s->ref.host, rlabel);
	if (!scope[0]) {
		snprintf(default_scope, sizeof(default_scope), "repository:%s:pull", s->ref.repo);
		scope = default_scope;
	}
	url = malloc(MAX_URL);
	esc = curl_easy_init();
	if (!url || !esc)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((size_t)snprintf(url, MAX_URL, "%s", ch->realm) >= MAX_URL)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: token realm too long", s->ref.host));
	if (ch->service[0] && !url_param(esc, url, "service", ch->service, strlen(ch->service)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: token URL too long", s->ref.host));
	/* several scopes are separated by spaces: one parameter each */
	for (const char *p = scope; *p;) {
		size_t len = strcspn(p, " ");
		if (len && !url_param(esc, url, "scope", p, len))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: token URL too long", s->ref.host));
		p += len;
		while (*p == ' ')
			p++;
	}
	if (s->cred.username) {
		if (!url_param(esc, url, "account", s->cred.username, strlen(s->cred.username)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: token URL too long", s->ref.host));
		basic = basic_header(&s->cred);
		if (!basic)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "credentials too long or out of memory"));
	}
	cg_debug("docker: token from %s", rlabel);
	rc = http_get(s, url, NULL, basic, realm_origin, TOKEN_MAX_BYTES, false, "token request",
		      &r, err);
	if (rc)
		goto done;
	if (r.status == 401 || r.status == 403) {
		if (s->cred.username)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
						 "%s: authentication failed: the token server refused "
						 "the username or password (HTTP %ld)",
						 s->ref.host, r.status));
		CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
					 "%s: the token server refused anonymous access (HTTP %ld): "
					 "give --username and --password-stdin, or an --authfile",
					 s->ref.host, r.status));
	}
	if (r.status != 200)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: the token server %s answered HTTP %ld",
					 s->ref.host, rlabel, r.status));
	rc = cg_registry_token_parse(r.body.data ? r.body.data : "", r.body.len, token, &expires,
				     err);
	if (rc) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", s->ref.host, tmp);
	}
done:
	if (r.body.data)
		explicit_bzero(r.body.data, r.body.len);
	resp_release(&r);
	free_secret(basic);
	if (esc)
		curl_easy_cleanup(esc);
	if (url) {
		explicit_bzero(url, MAX_URL);
		free(url);
	}
	return rc;
}

static void set_authz(struct cg_source *s, char *hdr, bool bearer)
{
	free_secret(s->authz);
	s->authz = hdr;
	s->authz_bearer = bearer;
	s->auth_gen++;
}

/* Answer a 401 whose challenge is r->www_auth; gen is the auth_gen the
 * refused request was made with (another thread may have answered already). */
static cg_err_t authenticate(struct cg_source *s, const struct resp *r, unsigned gen,
			     struct cg_error *err)
{
	struct cg_registry_challenge ch;
	char *token = NULL, *hdr = NULL;
	cg_err_t rc = CG_OK;

	pthread_mutex_lock(&s->auth_mu);
	if (s->auth_gen != gen)
		goto done; /* answered meanwhile: try again with the new one */
	if (!r->www_auth[0] || r->www_auth_over)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
					 "%s: HTTP 401 without a usable WWW-Authenticate challenge",
					 s->ref.host));
	rc = cg_registry_challenge_parse(r->www_auth, strlen(r->www_auth), &ch, err);
	if (rc) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", s->ref.host, tmp));
	}
	if (ch.scheme == CG_REG_AUTH_BASIC) {
		if (!s->cred.username)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
						 "%s: the registry requires authentication: give "
						 "--username and --password-stdin, or an --authfile",
						 s->ref.host));
		if (s->authz && !s->authz_bearer)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
						 "%s: authentication failed: the registry refused the "
						 "username or password", s->ref.host));
		hdr = basic_header(&s->cred);
		if (!hdr)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "credentials too long or out of memory"));
		set_authz(s, hdr, false);
		goto done;
	}
	if (s->authz_bearer && !strcmp(ch.error, "insufficient_scope"))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
					 "%s: access denied (insufficient_scope): the repository does "
					 "not exist or %s", s->where,
					 s->cred.username ? "these credentials may not pull it"
							  : "needs credentials (--username, --authfile)"));
	rc = fetch_token(s, &ch, &token, err);
	if (rc)
		goto done;
	{
		size_t tl = strlen(token);
		hdr = malloc(tl + 32);
		if (!hdr)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		memcpy(hdr, "Authorization: Bearer ", 22);
		memcpy(hdr + 22, token, tl + 1);
		set_authz(s, hdr, true);
	}
done:
	free_secret(token);
	pthread_mutex_unlock(&s->auth_mu);
	return rc;
}

static char *authz_snapshot(struct cg_source *s, unsigned *gen)
{
	char *copy = NULL;
	pthread_mutex_lock(&s->auth_mu);
	*gen = s->auth_gen;
	if (s->authz)
		copy = strdup(s->authz);
	pthread_mutex_unlock(&s->auth_mu);
	return copy;
}

static cg_err_t refused(const struct cg_source *s, struct cg_error *err)
{
	if (s->cred.username)
		return cg_error_set(err, CG_ERR_DENIED,
				    "%s: authentication failed: the registry refused the credentials",
				    s->ref.host);
	return cg_error_set(err, CG_ERR_DENIED,
			    "%s: the registry requires authentication: give --username and "
			    "--password-stdin, or an --authfile", s->ref.host);
}

/* GET a registry URL with authentication (answering up to 2 challenges). */
static cg_err_t api_get(struct cg_source *s, const char *url, const char *accept, size_t max,
			const char *what, struct resp *r, struct cg_error *err)
{
	for (int round = 0;; round++) {
		unsigned gen;
		char *authz = authz_snapshot(s, &gen);
		cg_err_t rc = http_get(s, url, accept, authz, s->origin, max, false, what, r, err);
		free_secret(authz);
		if (rc || r->status != 401)
			return rc;
		if (round == MAX_AUTH_ROUNDS)
			return refused(s, err);
		rc = authenticate(s, r, gen, err);
		if (rc)
			return rc;
	}
}

/* ---- manifests ------------------------------------------------------------------ */

static cg_err_t http_status_error(const struct cg_source *s, const char *what, long status,
				  const struct cg_buf *body, struct cg_error *err)
{
	char rerr[256];
	registry_error(body, rerr, sizeof(rerr));
	if (status == 404)
		return cg_error_set(err, CG_ERR_NOTFOUND, "%s not found in %s (HTTP 404%s%s)", what,
				    s->where, rerr[0] ? ": " : "", rerr);
	if (status == 401 || status == 403)
		return cg_error_set(err, CG_ERR_DENIED, "%s of %s: access denied (HTTP %ld%s%s)",
				    what, s->where, status, rerr[0] ? ": " : "", rerr);
	return cg_error_set(err, CG_ERR_IO, "%s of %s: HTTP %ld%s%s", what, s->where, status,
			    rerr[0] ? ": " : "", rerr);
}

/* Fetch a manifest (tag or digest) and check it against want_digest (may be
 * NULL) and the registry's Docker-Content-Digest; its digest into digest. */
static cg_err_t get_manifest(struct cg_source *s, const char *reference, const char *want_digest,
			     cg_json **doc, char digest[CG_DIGEST_STR_LEN + 1], struct cg_error *err)
{
	struct resp r = { 0 };
	struct cg_json_limits lim = { .max_bytes = s->max_json };
	char url[MAX_URL], what[CG_REG_TAG_MAX + CG_DIGEST_STR_LEN + 32];
	cg_err_t rc;

	*doc = NULL;
	snprintf(what, sizeof(what), reference == want_digest ? "manifest %s" : "manifest '%s'",
		 reference);
	if ((size_t)snprintf(url, sizeof(url), "%s/v2/%s/manifests/%s", s->base, s->ref.repo,
			     reference) >= sizeof(url))
		return cg_error_set(err, CG_ERR_LIMIT, "URL too long");
	rc = api_get(s, url, ACCEPT_MANIFESTS, s->max_json, what, &r, err);
	if (rc)
		goto done;
	if (r.status != 200)
		CG_FAIL(rc, http_status_error(s, what, r.status, &r.body, err));
	rc = cg_sha256_hex(r.body.data ? r.body.data : "", r.body.len, digest);
	if (rc)
		CG_FAIL(rc, cg_error_set(err, rc, "sha256 failed"));
	if (want_digest && strcmp(digest, want_digest) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY,
					 "%s: digest mismatch: the content is %s", what, digest));
	if (r.digest[0] && strcmp(r.digest, digest) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY,
					 "%s: digest mismatch: the registry says %s, the content is %s",
					 what, r.digest, digest));
	rc = cg_json_parse(r.body.data ? r.body.data : "", r.body.len, &lim, doc, err);
	if (rc) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", what, tmp);
	}
done:
	resp_release(&r);
	return rc;
}

/* ---- blobs: a curl transfer driven by read() ----------------------------------- */

struct reg_blob {
	struct cg_blob b;
	struct cg_source *s;
	CURLM *multi;
	CURL *easy;
	struct curl_slist *hdrs;
	char url[MAX_URL];
	char digest[CG_DIGEST_STR_LEN + 1];
	struct resp r;      /* headers; r.body collects an error body (bounded) */
	unsigned char *pend; /* bytes received, not yet read */
	size_t pend_cap, pend_off, pend_len;
	int64_t want;       /* the size the manifest gives, -1 unknown */
	uint64_t got;
	bool body_seen, paused, done, too_big;
	CURLcode result;
	int retries, auth_rounds, redirects;
	unsigned auth_gen;
};

static size_t blob_write_cb(char *p, size_t size, size_t nitems, void *ud)
{
	struct reg_blob *rb = ud;
	size_t n = size * nitems;
	if (!rb->body_seen) {
		rb->body_seen = true;
		if (!rb->r.headers_done)
			curl_easy_getinfo(rb->easy, CURLINFO_RESPONSE_CODE, &rb->r.status);
	}
	if (rb->r.status != 200) { /* an error page: keep its start for the message */
		size_t room = rb->r.body.max - rb->r.body.len;
		if (cg_buf_append(&rb->r.body, p, n < room ? n : room) != CG_OK)
			return 0;
		return n;
	}
	if (rb->want >= 0 && rb->got + n > (uint64_t)rb->want) {
		rb->too_big = true;
		return 0;
	}
	if (rb->pend_off + rb->pend_len + n > rb->pend_cap && rb->pend_len + n <= rb->pend_cap) {
		memmove(rb->pend, rb->pend + rb->pend_off, rb->pend_len);
		rb->pend_off = 0;
	}
	if (rb->pend_off + rb->pend_len + n > rb->pend_cap) {
		unsigned char *np;
		if (rb->pend_len) {
			rb->paused = true; /* curl keeps the chunk until we unpause */
			return CURL_WRITEFUNC_PAUSE;
		}
		if (n > PEND_MAX) {
			rb->too_big = true;
			return 0;
		}
		np = realloc(rb->pend, n);
		if (!np)
			return 0;
		rb->pend = np;
		rb->pend_cap = n;
		rb->pend_off = 0;
	}
	memcpy(rb->pend + rb->pend_off + rb->pend_len, p, n);
	rb->pend_len += n;
	rb->got += n;
	return n;
}

static void blob_stop(struct reg_blob *rb)
{
	if (rb->easy) {
		curl_multi_remove_handle(rb->multi, rb->easy);
		curl_easy_cleanup(rb->easy);
		rb->easy = NULL;
	}
	free_headers(rb->hdrs);
	rb->hdrs = NULL;
}

/* (Re)start the transfer of rb->url with the current credentials. */
static cg_err_t blob_start(struct reg_blob *rb, struct cg_error *err)
{
	char *authz;
	cg_err_t rc;
	blob_stop(rb);
	cg_buf_reset(&rb->r.body);
	resp_reset_headers(&rb->r);
	rb->r.status = 0;
	rb->pend_off = rb->pend_len = 0;
	rb->got = 0;
	rb->body_seen = rb->paused = rb->done = rb->too_big = false;
	rb->result = CURLE_OK;
	authz = authz_snapshot(rb->s, &rb->auth_gen);
	rc = make_headers(rb->url, NULL, authz, rb->s->origin, &rb->hdrs);
	free_secret(authz);
	if (rc)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	rb->easy = easy_new(rb->s, rb->url, rb->hdrs, &rb->r);
	if (!rb->easy)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	curl_easy_setopt(rb->easy, CURLOPT_WRITEFUNCTION, blob_write_cb);
	curl_easy_setopt(rb->easy, CURLOPT_WRITEDATA, rb);
	if (rb->want >= 0)
		curl_easy_setopt(rb->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rb->want);
	if (curl_multi_add_handle(rb->multi, rb->easy) != CURLM_OK)
		return cg_error_set(err, CG_ERR_NOMEM, "curl_multi_add_handle failed");
	log_get(rb->url);
	return CG_OK;
}

/* Move the transfer on: unpause, perform, wait a little for the socket. */
static cg_err_t blob_step(struct reg_blob *rb)
{
	int running = 0, left = 0;
	CURLMsg *msg;
	if (rb->paused && rb->pend_len == 0) {
		rb->paused = false;
		curl_easy_pause(rb->easy, CURLPAUSE_CONT); /* may call blob_write_cb */
		return CG_OK;
	}
	if (curl_multi_perform(rb->multi, &running) != CURLM_OK)
		return CG_ERR_IO;
	while ((msg = curl_multi_info_read(rb->multi, &left))) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == rb->easy) {
			rb->done = true;
			rb->result = msg->data.result;
			if (rb->result == CURLE_FILESIZE_EXCEEDED)
				rb->too_big = true;
			if (!rb->r.headers_done)
				curl_easy_getinfo(rb->easy, CURLINFO_RESPONSE_CODE, &rb->r.status);
			note_location(&rb->r, rb->easy);
		}
	}
	if (!rb->done && rb->pend_len == 0 && !rb->paused &&
	    curl_multi_poll(rb->multi, NULL, 0, 1000, NULL) != CURLM_OK)
		return CG_ERR_IO;
	return CG_OK;
}

/* Drive the transfer until the body flows (200) or the request has an end:
 * follow redirects, answer a 401, retry 429/5xx/dropped connections. */
static cg_err_t blob_settle(struct reg_blob *rb, struct cg_error *err)
{
	struct cg_source *s = rb->s;
	char what[CG_DIGEST_STR_LEN + 8];
	snprintf(what, sizeof(what), "blob %s", rb->digest);
	for (;;) {
		cg_err_t rc;
		bool flowing;
		while (!rb->done && !(rb->r.headers_done && rb->r.status == 200)) {
			if (blob_step(rb))
				return cg_error_set(err, CG_ERR_IO, "%s: curl_multi failed", what);
		}
		flowing = rb->r.status == 200 &&
			  (!rb->done || rb->result == CURLE_OK || rb->got || rb->too_big);
		if (flowing)
			return CG_OK; /* errors past this point are read()'s */
		if (rb->done && rb->result != CURLE_OK && !rb->r.headers_done) {
			if (rb->r.headers_over)
				return cg_error_set(err, CG_ERR_LIMIT,
						    "%s: response headers larger than %d bytes", what,
						    MAX_HEADER_BYTES);
			if (!retry_curl(rb->result) || rb->retries >= MAX_RETRIES)
				return curl_fail(s, rb->result, &rb->r, what, err);
			sleep_ms(backoff_ms(rb->retries++, -1));
		} else if (is_redirect(rb->r.status)) {
			rc = follow(s, &rb->r, rb->url, &rb->redirects, what, err);
			if (rc)
				return rc;
		} else if (rb->r.status == 401) {
			if (rb->auth_rounds++ >= MAX_AUTH_ROUNDS)
				return refused(s, err);
			/* wait for the whole (small) answer: its headers are complete */
			rc = authenticate(s, &rb->r, rb->auth_gen, err);
			if (rc)
				return rc;
		} else if (retry_status(rb->r.status) && rb->retries < MAX_RETRIES) {
			sleep_ms(backoff_ms(rb->retries++, rb->r.retry_after));
		} else if (!rb->done) {
			continue; /* an error answer: read its body for the message */
		} else if (rb->result != CURLE_OK) {
			return curl_fail(s, rb->result, &rb->r, what, err);
		} else {
			return http_status_error(s, what, rb->r.status, &rb->r.body, err);
		}
		rc = blob_start(rb, err);
		if (rc)
			return rc;
	}
}

static ssize_t blob_read(struct cg_blob *b, void *buf, size_t n)
{
	struct reg_blob *rb = (struct reg_blob *)b;
	for (;;) {
		if (rb->pend_len) {
			size_t k = n < rb->pend_len ? n : rb->pend_len;
			memcpy(buf, rb->pend + rb->pend_off, k);
			rb->pend_off += k;
			rb->pend_len -= k;
			if (!rb->pend_len)
				rb->pend_off = 0;
			return (ssize_t)k;
		}
		if (rb->done) {
			if (rb->too_big || rb->result == CURLE_FILESIZE_EXCEEDED) {
				snprintf(b->why, sizeof(b->why),
					 "the registry sends more than the %lld bytes the manifest gives",
					 (long long)rb->want);
				return -1;
			}
			if (rb->result != CURLE_OK) {
				char detail[CURL_ERROR_SIZE];
				cg_registry_sanitize(rb->r.errbuf, strlen(rb->r.errbuf), detail,
						     sizeof(detail));
				snprintf(b->why, sizeof(b->why), "download failed after %llu bytes: %.200s",
					 (unsigned long long)rb->got,
					 detail[0] ? detail : curl_easy_strerror(rb->result));
				return -1;
			}
			if (rb->want >= 0 && rb->got != (uint64_t)rb->want) {
				snprintf(b->why, sizeof(b->why),
					 "the registry sent %llu bytes, the manifest gives %lld",
					 (unsigned long long)rb->got, (long long)rb->want);
				return -1;
			}
			return 0;
		}
		if (blob_step(rb)) {
			snprintf(b->why, sizeof(b->why), "curl_multi failed");
			return -1;
		}
	}
}

static void blob_close(struct cg_blob *b)
{
	struct reg_blob *rb = (struct reg_blob *)b;
	if (!rb)
		return;
	blob_stop(rb);
	if (rb->multi)
		curl_multi_cleanup(rb->multi);
	cg_buf_release(&rb->r.body);
	free(rb->pend);
	free(rb);
}

static cg_err_t registry_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
				   struct cg_blob **out, struct cg_error *err)
{
	struct reg_blob *rb = NULL;
	cg_err_t rc;

	*out = NULL;
	if (!cg_digest_valid(ref->locator))
		return cg_error_set(err, CG_ERR_INVALID, "blob locator '%.80s' is not a sha256 digest",
				    ref->locator ? ref->locator : "");
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	rb->b.read = blob_read;
	rb->b.close = blob_close;
	rb->s = s;
	rb->want = ref->size;
	memcpy(rb->digest, ref->locator, CG_DIGEST_STR_LEN + 1);
	cg_buf_init(&rb->r.body, ERRBODY_MAX);
	rb->pend = malloc(PEND_SIZE);
	rb->pend_cap = PEND_SIZE;
	rb->multi = curl_multi_init();
	if (!rb->pend || !rb->multi)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((size_t)snprintf(rb->url, sizeof(rb->url), "%s/v2/%s/blobs/%s", s->base, s->ref.repo,
			     ref->locator) >= sizeof(rb->url))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "URL too long"));
	rc = blob_start(rb, err);
	if (rc)
		goto done;
	rc = blob_settle(rb, err);
done:
	if (rc) {
		blob_close(&rb->b);
		return rc;
	}
	*out = &rb->b;
	return CG_OK;
}

/* ---- credentials and CAs ------------------------------------------------------------ */

/* Read a whole small file (bounded); CG_ERR_NOTFOUND when it is missing. */
static cg_err_t read_small_file(const char *path, size_t max, struct cg_buf *out,
				struct cg_error *err)
{
	char chunk[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cg_err_t rc = CG_OK;
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s", path,
				    strerror(errno));
	cg_buf_init(out, max);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno)));
		if (n == 0)
			break;
		if (cg_buf_append(out, chunk, (size_t)n) != CG_OK)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", path,
						 max));
	}
done:
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

static cg_err_t load_credentials(struct cg_source *s, const struct cg_image_opts *opts,
				 struct cg_error *err)
{
	struct cg_buf file = CG_BUF_INIT(0);
	char path[4096], helper[128];
	const char *env;
	bool named = opts && opts->authfile;
	cg_err_t rc;

	if (opts && opts->username) {
		if (!opts->password)
			return cg_error_set(err, CG_ERR_ARG, "a registry username needs a password");
		s->cred.username = strdup(opts->username);
		s->cred.password = strdup(opts->password);
		if (!s->cred.username || !s->cred.password)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		return CG_OK;
	}
	if (opts && opts->password)
		return cg_error_set(err, CG_ERR_ARG, "a registry password needs a username");
	if (named)
		snprintf(path, sizeof(path), "%s", opts->authfile);
	else if ((env = getenv("DOCKER_CONFIG")) && *env)
		snprintf(path, sizeof(path), "%s/config.json", env);
	else if ((env = getenv("HOME")) && *env)
		snprintf(path, sizeof(path), "%s/.docker/config.json", env);
	else
		return CG_OK;
	rc = read_small_file(path, CONFIG_FILE_MAX, &file, err);
	if (rc == CG_ERR_NOTFOUND && !named) {
		cg_error_clear(err);
		return CG_OK;
	}
	if (rc)
		goto done;
	rc = cg_registry_config_lookup(file.data ? file.data : "", file.len, s->ref.host,
				       s->ref.repo, &s->cred, helper, sizeof(helper), err);
	if (rc == CG_ERR_NOTFOUND) {
		if (helper[0])
			cg_warn("%s: the credentials for %s are in %s, which cguard does not use; "
				"going on without credentials", path, s->ref.host, helper);
		cg_error_clear(err);
		rc = CG_OK;
	} else if (rc) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", path, tmp);
	} else if (helper[0]) {
		cg_warn("%s: %s for %s is not used; taking its 'auths' entry", path, helper,
			s->ref.host);
	}
	if (!rc)
		cg_debug("docker: %s for %s from %s", s->cred.username ? "credentials" : "no credentials",
			 s->ref.host, path);
done:
	if (file.data)
		explicit_bzero(file.data, file.len);
	cg_buf_release(&file);
	return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The *.crt files of the certs.d folders for the host, concatenated. */
static cg_err_t load_cas(struct cg_source *s, struct cg_error *err)
{
	static const char *const defaults[] = { "/etc/containers/certs.d", "/etc/docker/certs.d" };
	const char *env = getenv("CGUARD_CERTS_DIR");
	const char *const *roots = defaults;
	size_t nroots = CG_ARRAY_LEN(defaults), files = 0;
	struct cg_buf pem = CG_BUF_INIT(CA_MAX_BYTES);
	cg_err_t rc = CG_OK;

	if (env && *env) {
		roots = &env;
		nroots = 1;
	}
	for (size_t i = 0; i < nroots; i++) {
		char dir[4096];
		struct dirent **names = NULL;
		int n;
		snprintf(dir, sizeof(dir), "%s/%s", roots[i], s->ref.host);
		n = scandir(dir, &names, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			char path[4096 + 256];
			struct cg_buf one = CG_BUF_INIT(0);
			struct stat st;
			if (!rc && ends_with(names[k]->d_name, ".crt")) {
				snprintf(path, sizeof(path), "%s/%s", dir, names[k]->d_name);
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
					if (++files > CA_MAX_FILES)
						rc = cg_error_set(err, CG_ERR_LIMIT,
								  "%s: more than %d CA files", dir,
								  CA_MAX_FILES);
					if (!rc)
						rc = read_small_file(path, CA_MAX_BYTES, &one, err);
					if (!rc && (cg_buf_append(&pem, one.data, one.len) ||
						    cg_buf_putc(&pem, '\n')))
						rc = cg_error_set(err, CG_ERR_LIMIT,
								  "%s: CA files larger than %zu bytes",
								  dir, CA_MAX_BYTES);
					if (!rc)
						cg_debug("docker: trusting the CAs of %s", path);
				}
			}
			cg_buf_release(&one);
			free(names[k]);
		}
		free(names);
	}
	if (!rc && pem.len) {
		s->ca_len = pem.len;
		s->ca_pem = cg_buf_detach(&pem, NULL);
		if (!s->ca_pem)
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	cg_buf_release(&pem);
	return rc;
}

/* ---- the source ----------------------------------------------------------------- */

static void registry_close(struct cg_source *s)
{
	if (!s)
		return;
	if (s->share)
		curl_share_cleanup(s->share);
	if (s->mutexes_ready) {
		for (size_t i = 0; i < CG_ARRAY_LEN(s->share_mu); i++)
			pthread_mutex_destroy(&s->share_mu[i]);
		pthread_mutex_destroy(&s->auth_mu);
	}
	free_secret(s->authz);
	cg_registry_cred_release(&s->cred);
	free(s->ca_pem);
	free(s);
}

static bool listed_insecure(const struct cg_registry_ref *ref, const struct cg_image_opts *opts)
{
	size_t hl = strlen(ref->host);
	for (size_t i = 0; opts && opts->insecure_registries && i < opts->ninsecure; i++) {
		const char *h = opts->insecure_registries[i];
		if (!h)
			continue;
		if ((strlen(h) == hl && !strncasecmp(h, ref->host, hl)) ||
		    (cg_registry_host_is_hub(h, strlen(h)) && cg_registry_host_is_hub(ref->host, hl)))
			return true;
	}
	return false;
}

static cg_err_t set_base(struct cg_source *s, const char *scheme, struct cg_error *err)
{
	snprintf(s->base, sizeof(s->base), "%s://%s", scheme, s->ref.api_host);
	if (!url_origin(s->base, s->origin, sizeof(s->origin)))
		return cg_error_set(err, CG_ERR_ARG, "docker: bad registry host '%s'", s->ref.api_host);
	return CG_OK;
}

/* Insecure registries: HTTPS without verification if a TLS connection can
 * be made, else plain HTTP. */
static cg_err_t choose_scheme(struct cg_source *s, struct cg_error *err)
{
	struct resp r = { 0 };
	char url[CG_REG_HOST_MAX + 32];
	struct cg_error probe_err = { 0 };
	cg_err_t rc;
	snprintf(url, sizeof(url), "%s/v2/", s->base);
	rc = http_get(s, url, NULL, NULL, NULL, 64 * 1024, true, "probe", &r, &probe_err);
	resp_release(&r);
	if (rc == CG_ERR_IO) {
		cg_debug("docker: %s: no TLS (%s); using plain HTTP", s->ref.host, probe_err.msg);
		s->plain_http = true;
		return set_base(s, "http", err);
	}
	return CG_OK; /* HTTPS answers (any status), or a limit: go on with HTTPS */
}

static cg_err_t registry_open(const char *arg, const struct cg_image_opts *opts,
			      const struct cg_image_limits *lim, struct cg_source **out,
			      struct cg_manifest *m, struct cg_error *err)
{
	struct cg_source *s = NULL;
	struct cg_platform plat;
	struct cg_blob_ref sel = { 0 };
	cg_json *doc = NULL;
	char digest[CG_DIGEST_STR_LEN + 1];
	enum cg_manifest_kind kind;
	cg_err_t rc;

	*out = NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return cg_error_set(err, CG_ERR_INTERNAL, "curl_global_init failed");
	rc = cg_platform_parse(opts ? opts->platform : NULL, &plat, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	rc = cg_registry_ref_parse(arg, &s->ref, err);
	if (rc)
		goto done;
	snprintf(s->where, sizeof(s->where), "%s/%s", s->ref.host, s->ref.repo);
	snprintf(s->label, sizeof(s->label), "%s/%s%s%s%s%s", s->ref.host, s->ref.repo,
		 s->ref.tag[0] ? ":" : "", s->ref.tag, s->ref.digest[0] ? "@" : "", s->ref.digest);
	s->max_json = lim->max_json_bytes;
	s->insecure = listed_insecure(&s->ref, opts);
	for (size_t i = 0; i < CG_ARRAY_LEN(s->share_mu); i++)
		pthread_mutex_init(&s->share_mu[i], NULL);
	pthread_mutex_init(&s->auth_mu, NULL);
	s->mutexes_ready = true;
	s->share = curl_share_init();
	if (!s->share)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
	curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	rc = load_credentials(s, opts, err);
	if (rc)
		goto done;
	rc = load_cas(s, err);
	if (rc)
		goto done;
	rc = set_base(s, "https", err);
	if (rc)
		goto done;
	if (s->insecure) {
		rc = choose_scheme(s, err);
		if (rc)
			goto done;
	}

	rc = get_manifest(s, s->ref.digest[0] ? s->ref.digest : s->ref.tag,
			  s->ref.digest[0] ? s->ref.digest : NULL, &doc, digest, err);
	if (rc)
		goto done;
	for (int depth = 0;; depth++) {
		if (depth > MAX_INDEX_DEPTH)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "indexes nested more than %d deep",
						 MAX_INDEX_DEPTH));
		rc = cg_manifest_kind(doc, &kind, err);
		if (rc)
			goto done;
		if (kind == CG_MANIFEST_IMAGE)
			break;
		cg_blob_ref_release(&sel);
		rc = cg_index_select(doc, &plat, NULL, &sel, err);
		if (rc) {
			char tmp[CG_ERROR_MSG_MAX];
			snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
			CG_FAIL(rc, cg_error_set(err, rc, "%s (see --platform)", tmp));
		}
		cg_json_free(doc);
		doc = NULL;
		rc = get_manifest(s, sel.digest, sel.digest, &doc, digest, err);
		if (rc)
			goto done;
	}
	rc = cg_manifest_from_json(doc, m, err);
	if (rc)
		goto done;
	m->digest = strdup(digest);
	m->name = strdup(s->label);
	if (!m->digest || !m->name)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
done:
	cg_blob_ref_release(&sel);
	cg_json_free(doc);
	if (rc) {
		registry_close(s);
		return rc;
	}
	*out = s;
	return CG_OK;
}

const struct cg_source_ops cg_source_docker = {
	.transport = "docker",
	.open = registry_open,
	.open_blob = registry_open_blob,
	.close = registry_close,
};
