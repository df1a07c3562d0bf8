/* The agent uplink (lib/agent/uplink.h) against a real HTTP peer: the python server
 * tests/integration/lib/uplink_peer.py, started, killed (SIGKILL) and restarted by
 * these tests. Delivery of 10,000 and 20,000 events exactly once, retry through 503s,
 * a refused event isolated by splitting, the server down then up, the server killed
 * during delivery, the agent restarted with events still journaled, heartbeats and
 * policy fetches with ETags, a revoked token, TLS with a private CA.
 *
 * Waits are bounded polls (never assertions on time). The tests/integration/uplink_server.sh
 * script runs the same delivery against the real `cguard server`. */
#include "util/internal.h"
#include "agent/uplink.h"
#include "cgtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define PEER CG_TEST_DATA "/../integration/lib/uplink_peer.py"
#define JOIN "join-secret"
#define AGENT "agent-secret"

struct peer {
	char dir[64];   /* state of the peer */
	char jdir[128]; /* the agent's journal */
	int port;
	pid_t pid;
	bool tls;
	char cert[160], key[160];
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void rmtree(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static bool peer_start(struct peer *p)
{
	char portfile[128], port[16], buf[32];
	snprintf(portfile, sizeof(portfile), "%s/port", p->dir);
	unlink(portfile);
	snprintf(port, sizeof(port), "%d", p->port);
	p->pid = fork();
	if (p->pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		if (p->tls)
			execlp("python3", "python3", PEER, "--state", p->dir, "--port", port,
			       "--port-file", portfile, "--tls-cert", p->cert, "--tls-key", p->key,
			       (char *)NULL);
		else
			execlp("python3", "python3", PEER, "--state", p->dir, "--port", port,
			       "--port-file", portfile, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) { /* up to 20 s */
		FILE *f = fopen(portfile, "r");
		if (f) {
			bool ok = fgets(buf, sizeof(buf), f) != NULL;
			fclose(f);
			if (ok) {
				p->port = (int)strtol(buf, NULL, 10);
				return p->port > 0;
			}
		}
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid)
			return false;
		sleep_ms(20);
	}
	return false;
}

static void peer_kill(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = 0;
}

static bool peer_new(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/cg-uplink.XXXXXX");
	if (!mkdtemp(p->dir))
		return false;
	snprintf(p->jdir, sizeof(p->jdir), "%s/journal", p->dir);
	return true;
}

static bool peer_up(struct peer *p)
{
	return peer_new(p) && peer_start(p);
}

static void peer_done(struct peer *p)
{
	peer_kill(p);
	rmtree(p->dir);
}

static void control(struct peer *p, const char *json)
{
	char tmp[128], path[128];
	FILE *f;
	snprintf(tmp, sizeof(tmp), "%s/control.json.tmp", p->dir);
	snprintf(path, sizeof(path), "%s/control.json", p->dir);
	if ((f = fopen(tmp, "w"))) {
		fputs(json, f);
		fclose(f);
		rename(tmp, path);
	}
}

static char *url_of(struct peer *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s://127.0.0.1:%d", p->tls ? "https" : "http", p->port);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids the peer stored: how many distinct, how many stored twice, and whether
 * every id prefix-0 .. prefix-(n-1) is there. */
struct idcount {
	long unique, twice, missing;
};

static struct idcount count_ids(struct peer *p, const char *prefix, unsigned n, const char *skip)
{
	struct idcount c = { 0, 0, 0 };
	char path[128], line[128], want[128];
	char **v = NULL;
	size_t nv = 0, cap = 0;
	FILE *f;
	snprintf(path, sizeof(path), "%s/ids.txt", p->dir);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (nv == cap) {
				cap = cap ? cap * 2 : 1024;
				v = realloc(v, cap * sizeof(*v));
			}
			v[nv++] = strdup(line);
		}
		fclose(f);
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_str);
	for (size_t i = 0; i < nv; i++) {
		if (i && strcmp(v[i], v[i - 1]) == 0)
			c.twice++;
		else
			c.unique++;
	}
	for (unsigned i = 0; i < n; i++) {
		char *key = want;
		snprintf(want, sizeof(want), "%s-%06u", prefix, i);
		if (skip && strstr(skip, want))
			continue;
		if (!nv || !bsearch(&key, v, nv, sizeof(*v), cmp_str))
			c.missing++;
	}
	for (size_t i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	return c;
}

static long count_lines(struct peer *p, const char *name, const char *needle)
{
	char path[160], line[4096];
	long n = 0;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !needle || strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* ---- logs ------------------------------------------------------------------------- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char logbuf[1 << 16];
static size_t loglen;

static void log_cb(enum cg_log_level level, const char *msg, void *ud)
{
	(void)level, (void)ud;
	pthread_mutex_lock(&log_mu);
	int n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
		loglen += (size_t)n;
	pthread_mutex_unlock(&log_mu);
}

static bool log_has(const char *s)
{
	bool r;
	pthread_mutex_lock(&log_mu);
	r = strstr(logbuf, s) != NULL;
	pthread_mutex_unlock(&log_mu);
	return r;
}

static void log_reset(void)
{
	pthread_mutex_lock(&log_mu);
	loglen = 0;
	logbuf[0] = '\0';
	pthread_mutex_unlock(&log_mu);
}

/* ---- helpers ------------------------------------------------------------------------ */

static void opts_for(struct peer *p, struct cg_uplink_opts *o, char *url, size_t un)
{
	memset(o, 0, sizeof(*o));
	o->server_url = url_of(p, url, un);
	o->token = AGENT;
	o->journal_dir = p->jdir;
	o->backoff_min_ms = 20;
	o->backoff_max_ms = 300;
	o->flush_interval_ms = 20;
}

static int push_range(struct cg_uplink *u, const char *prefix, unsigned from, unsigned to,
		      const char *poison)
{
	char line[256], id[64];
	for (unsigned i = from; i < to; i++) {
		int n;
		snprintf(id, sizeof(id), "%s-%06u", prefix, i);
		n = snprintf(line, sizeof(line),
			     "{\"id\":\"%s\",\"type\":\"process\",\"severity\":\"low\",\"seq\":%u%s}\n",
			     id, i, poison && strstr(poison, id) ? ",\"poison\":true" : "");
		if (cg_uplink_push(u, line, (size_t)n, NULL))
			return -1;
	}
	return 0;
}

#define WAIT_FOR(cond, secs)                                         \
	do {                                                         \
		for (int w_ = 0; w_ < (secs) * 50 && !(cond); w_++) \
			sleep_ms(20);                                \
	} while (0)

static struct cg_uplink_stats stats_of(struct cg_uplink *u)
{
	struct cg_uplink_stats s;
	cg_uplink_stats(u, &s);
	return s;
}

/* ---- cases ----------------------------------------------------------------------- */

static void t_register(struct cgt *t)
{
	struct peer p;
	char url[64], *tok = NULL, *node = NULL, *cl = NULL;
	struct cg_error err = { 0 };
	CHECK(t, peer_up(&p));
	CHECK(t, cg_uplink_register(NULL, url_of(&p, url, sizeof(url)), JOIN, "node-a", "1.0",
				    &tok, &node, &cl, &err) == CG_OK);
	CHECK_STR(t, tok, AGENT);
	CHECK_STR(t, node, "n-node-a");
	CHECK_STR(t, cl, "c-1");
	free(tok);
	free(node);
	free(cl);
	/* a wrong join token, a used-up quota: refused, the server's reason shown */
	CHECK(t, cg_uplink_register(NULL, url, "wrong", "node-a", "1.0", &tok, &node, &cl, &err) ==
		 CG_ERR_DENIED);
	CHECK(t, tok == NULL && strstr(err.msg, "bad join token"));
	control(&p, "{\"register_status\":403}");
	CHECK(t, cg_uplink_register(NULL, url, JOIN, "node-a", "1.0", &tok, &node, &cl, &err) ==
		 CG_ERR_DENIED);
	CHECK(t, strstr(err.msg, "quota is used up") != NULL);
	/* nobody listening */
	peer_kill(&p);
	CHECK(t, cg_uplink_register(NULL, url, JOIN, "node-a", "1.0", &tok, &node, &cl, &err) ==
		 CG_ERR_IO);
	CHECK(t, strstr(err.msg, "127.0.0.1") != NULL);
	/* bad arguments */
	CHECK(t, cg_uplink_register(NULL, "ftp://x", JOIN, "n", "1", &tok, &node, &cl, &err) == CG_ERR_ARG);
	CHECK(t, cg_uplink_register(NULL, url, "a\r\nX-Evil: 1", "n", "1", &tok, &node, &cl, &err) ==
		 CG_ERR_ARG);
	peer_done(&p);
}

static void t_bad_input(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct cg_error err = { 0 };
	char url[64];
	CHECK(t, peer_new(&p));
	p.port = 1; /* nothing listens: pushes only */
	opts_for(&p, &o, url, sizeof(url));
	o.token = "bad token";
	CHECK(t, cg_uplink_open(&o, &u, &err) == CG_ERR_ARG);
	o.token = AGENT;
	o.server_url = "127.0.0.1:8080";
	CHECK(t, cg_uplink_open(&o, &u, &err) == CG_ERR_ARG);
	CHECK(t, strstr(err.msg, "https://") != NULL);
	opts_for(&p, &o, url, sizeof(url));
	CHECK(t, cg_uplink_open(&o, &u, &err) == CG_OK);
	if (u) {
		CHECK(t, cg_uplink_push(u, "not json", 8, &err) == CG_ERR_INVALID);
		CHECK(t, cg_uplink_push(u, "{\"type\":\"x\"}", 12, &err) == CG_ERR_INVALID);
		CHECK(t, strstr(err.msg, "\"id\"") != NULL);
		CHECK(t, cg_uplink_push(u, "[1]", 3, &err) == CG_ERR_INVALID);
		CHECK(t, cg_uplink_push(u, "\n", 1, &err) == CG_ERR_INVALID);
		CHECK(t, cg_uplink_push(u, "{\"id\":\"a\"}\n", 11, &err) == CG_OK);
		CHECK_INT(t, cg_uplink_close(u, 0), 1);
	}
	peer_done(&p);
}

static void t_deliver_10000(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct cg_uplink_stats s;
	struct idcount c;
	char url[64];
	double t0, t1, t2;
	CHECK(t, peer_up(&p));
	opts_for(&p, &o, url, sizeof(url));
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	t0 = now_s();
	CHECK(t, push_range(u, "ev", 0, 10000, NULL) == 0);
	t1 = now_s();
	WAIT_FOR(stats_of(u).delivered >= 10000, 120);
	t2 = now_s();
	s = stats_of(u);
	CHECK_INT(t, s.delivered, 10000);
	CHECK_INT(t, s.accepted, 10000);
	CHECK_INT(t, s.rejected, 0);
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	c = count_ids(&p, "ev", 10000, NULL);
	CHECK_INT(t, c.unique, 10000);
	CHECK_INT(t, c.missing, 0);
	CHECK_INT(t, c.twice, 0);
	printf("push: 10000 events journaled in %.3f s (%.0f events/s); delivered to the python "
	       "peer in %.3f s (%.0f events/s, %" PRIu64 " requests)\n",
	       t1 - t0, 10000 / (t1 - t0), t2 - t0, 10000 / (t2 - t0), s.requests);
out:
	peer_done(&p);
}

static void t_retry_5xx(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct cg_uplink_stats s;
	char url[64];
	CHECK(t, peer_up(&p));
	control(&p, "{\"events_status\":503}");
	opts_for(&p, &o, url, sizeof(url));
	log_reset();
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "r", 0, 200, NULL) == 0);
	WAIT_FOR(stats_of(u).retries >= 4, 60);
	s = stats_of(u);
	CHECK(t, s.retries >= 4);
	CHECK_INT(t, s.delivered, 0);
	CHECK_INT(t, s.journal.pending_records, 200);
	CHECK(t, log_has("HTTP 503"));
	control(&p, "{\"events_status\":429}");
	WAIT_FOR(stats_of(u).last_status == 429, 60);
	control(&p, "{}");
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	CHECK_INT(t, count_ids(&p, "r", 200, NULL).missing, 0);
	CHECK(t, log_has("delivered again"));
out:
	peer_done(&p);
}

static void t_split_bad_event(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct cg_uplink_stats s;
	struct idcount c;
	char url[64];
	const char *poison = "b-000017 b-000250";
	CHECK(t, peer_up(&p));
	opts_for(&p, &o, url, sizeof(url));
	o.flush_interval_ms = 500; /* let the 300 events make one batch */
	log_reset();
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "b", 0, 300, poison) == 0);
	WAIT_FOR(stats_of(u).delivered + stats_of(u).rejected >= 300, 60);
	s = stats_of(u);
	CHECK_INT(t, s.rejected, 2);
	CHECK_INT(t, s.delivered, 298);
	CHECK(t, log_has("refused event b-000017") && log_has("refused event b-000250"));
	CHECK(t, log_has("events[0]: field \"poison\""));
	/* the heartbeat reports them as lost */
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	c = count_ids(&p, "b", 300, poison);
	CHECK_INT(t, c.unique, 298);
	CHECK_INT(t, c.missing, 0);
	CHECK_INT(t, c.twice, 0);
out:
	peer_done(&p);
}

static void t_server_down_then_up(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	char url[64];
	CHECK(t, peer_up(&p));
	peer_kill(&p); /* keep the port number: it comes back there */
	opts_for(&p, &o, url, sizeof(url));
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "d", 0, 1000, NULL) == 0);
	WAIT_FOR(stats_of(u).retries >= 5, 60);
	CHECK(t, stats_of(u).retries >= 5);
	CHECK_INT(t, stats_of(u).last_status, 0);
	CHECK(t, peer_start(&p));
	CHECK_INT(t, cg_uplink_close(u, 60000), 0);
	CHECK_INT(t, count_ids(&p, "d", 1000, NULL).missing, 0);
	CHECK_INT(t, count_ids(&p, "d", 1000, NULL).twice, 0);
out:
	peer_done(&p);
}

static void t_kill_during_delivery(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct idcount c;
	char url[64];
	CHECK(t, peer_up(&p));
	control(&p, "{\"delay_ms\":10}"); /* 200 requests take 2 s at least: time to kill it */
	opts_for(&p, &o, url, sizeof(url));
	o.batch_max_events = 100;
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "k", 0, 20000, NULL) == 0);
	WAIT_FOR(count_lines(&p, "ids.txt", NULL) >= 3000, 60);
	peer_kill(&p);
	c = count_ids(&p, "k", 20000, NULL);
	CHECK(t, c.unique >= 3000 && c.unique < 20000);
	sleep_ms(200);
	CHECK(t, peer_start(&p));
	CHECK_INT(t, cg_uplink_close(u, 120000), 0);
	c = count_ids(&p, "k", 20000, NULL);
	CHECK_INT(t, c.unique, 20000);
	CHECK_INT(t, c.missing, 0);
	CHECK_INT(t, c.twice, 0);
out:
	peer_done(&p);
}

static void t_agent_restart(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	char url[64];
	CHECK(t, peer_up(&p));
	peer_kill(&p);
	opts_for(&p, &o, url, sizeof(url));
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "a", 0, 500, NULL) == 0);
	/* the agent stops while the server is down: everything stays journaled */
	CHECK_INT(t, cg_uplink_close(u, 100), 500);
	CHECK(t, peer_start(&p));
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK_INT(t, stats_of(u).journal.pending_records, 500);
	CHECK(t, push_range(u, "a", 500, 600, NULL) == 0);
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	CHECK_INT(t, count_ids(&p, "a", 600, NULL).missing, 0);
	CHECK_INT(t, count_ids(&p, "a", 600, NULL).twice, 0);
out:
	peer_done(&p);
}

struct polcb {
	pthread_mutex_t mu;
	int calls, hb;
	bool prot;
	char last[256];
};

static void on_pol(const char *json, size_t len, void *arg)
{
	struct polcb *c = arg;
	pthread_mutex_lock(&c->mu);
	c->calls++;
	snprintf(c->last, sizeof(c->last), "%.*s", (int)len, json);
	pthread_mutex_unlock(&c->mu);
}

static void on_hb(bool prot, void *arg)
{
	struct polcb *c = arg;
	pthread_mutex_lock(&c->mu);
	c->hb++;
	c->prot = prot;
	pthread_mutex_unlock(&c->mu);
}

static int calls_of(struct polcb *c, bool hb)
{
	int n;
	pthread_mutex_lock(&c->mu);
	n = hb ? c->hb : c->calls;
	pthread_mutex_unlock(&c->mu);
	return n;
}

static void t_heartbeat_policies(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct polcb cb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char url[64];
	CHECK(t, peer_up(&p));
	control(&p, "{\"heartbeat_interval\":1,\"etag\":\"v1\",\"policy\":[{\"name\":\"p1\","
		    "\"mode\":\"alert\",\"process_whitelist\":[],\"protected_paths\":[],"
		    "\"images\":[\"nginx\"]}]}");
	opts_for(&p, &o, url, sizeof(url));
	o.on_policies = on_pol;
	o.on_heartbeat = on_hb;
	o.cb_arg = &cb;
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	cg_uplink_set_status(u, 3, 7, "bpf");
	WAIT_FOR(calls_of(&cb, false) >= 1, 30);
	CHECK_INT(t, calls_of(&cb, false), 1);
	CHECK(t, strstr(cb.last, "\"p1\"") != NULL);
	/* the server's interval (1 s) replaces ours: three more heartbeats come, and
	 * with the same policy_etag no policy is fetched again */
	WAIT_FOR(calls_of(&cb, true) >= 4, 30);
	CHECK(t, calls_of(&cb, true) >= 4);
	CHECK(t, cb.prot);
	CHECK_INT(t, stats_of(u).heartbeat_interval_s, 1);
	CHECK_INT(t, count_lines(&p, "policy.log", NULL), 1);
	CHECK(t, count_lines(&p, "heartbeats.jsonl", "\"containers\": 3") >= 1);
	CHECK(t, count_lines(&p, "heartbeats.jsonl", "\"sensor\": \"bpf\"") >= 1);
	CHECK(t, count_lines(&p, "heartbeats.jsonl", "\"events_lost\": 7") >= 1);
	/* a new policy version: fetched with If-None-Match of the old one, handed over */
	control(&p, "{\"heartbeat_interval\":1,\"etag\":\"v2\",\"policy\":[{\"name\":\"p2\","
		    "\"mode\":\"enforce\",\"process_whitelist\":[\"/bin/sh\"],\"protected_paths\":[],"
		    "\"images\":[\"nginx\"]}]}");
	WAIT_FOR(calls_of(&cb, false) >= 2, 30);
	CHECK_INT(t, calls_of(&cb, false), 2);
	CHECK(t, strstr(cb.last, "\"p2\"") != NULL);
	CHECK_INT(t, count_lines(&p, "policy.log", "200 \"v1\""), 1);
	CHECK_INT(t, stats_of(u).policy_updates, 2);
	cg_uplink_close(u, 1000);
out:
	peer_done(&p);
}

static void t_auth_revoked(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	char url[64];
	CHECK(t, peer_up(&p));
	control(&p, "{\"token_valid\":false}");
	opts_for(&p, &o, url, sizeof(url));
	log_reset();
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	CHECK(t, push_range(u, "v", 0, 10, NULL) == 0);
	WAIT_FOR(stats_of(u).auth_failed && stats_of(u).retries >= 2, 30);
	CHECK(t, stats_of(u).auth_failed);
	CHECK_INT(t, stats_of(u).delivered, 0);
	CHECK(t, log_has("revoked"));
	control(&p, "{}");
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	CHECK_INT(t, count_ids(&p, "v", 10, NULL).missing, 0);
	/* the token never reaches the log */
	CHECK(t, !log_has(AGENT));
out:
	peer_done(&p);
}

static void t_journal_full_reported(struct cgt *t)
{
	struct peer p;
	struct cg_uplink *u = NULL;
	struct cg_uplink_opts o;
	struct cg_uplink_stats s;
	char url[64], want[64];
	CHECK(t, peer_up(&p));
	control(&p, "{\"heartbeat_interval\":1}");
	peer_kill(&p);
	opts_for(&p, &o, url, sizeof(url));
	o.journal_max_bytes = 64 << 10; /* ~600 of these events */
	CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
	if (!u)
		goto out;
	/* the server is down and the journal full: the oldest go, the newest stay */
	CHECK(t, push_range(u, "f", 0, 3000, NULL) == 0);
	s = stats_of(u);
	CHECK(t, s.journal.dropped_records > 0);
	CHECK_INT(t, s.journal.dropped_records + s.journal.pending_records, 3000);
	CHECK(t, s.journal.disk_bytes <= o.journal_max_bytes);
	cg_uplink_set_status(u, 0, 5, "fallback");
	CHECK(t, peer_start(&p));
	/* delivered: the newest; reported: the drops plus the agent's own 5 */
	WAIT_FOR(stats_of(u).journal.pending_records == 0 &&
		 count_lines(&p, "heartbeats.jsonl", NULL) > 0, 60);
	snprintf(want, sizeof(want), "\"events_lost\": %" PRIu64, s.journal.dropped_records + 5);
	WAIT_FOR(count_lines(&p, "heartbeats.jsonl", want) > 0, 30);
	CHECKF(t, count_lines(&p, "heartbeats.jsonl", want) > 0, "no heartbeat with %s", want);
	CHECK_INT(t, count_ids(&p, "f", 0, NULL).unique, s.journal.pending_records);
	CHECK_INT(t, cg_uplink_close(u, 30000), 0);
	{
		char id[32];
		snprintf(id, sizeof(id), "f-%06u", 2999);
		CHECK_INT(t, count_lines(&p, "ids.txt", id), 1);
	}
out:
	peer_done(&p);
}

static void t_tls(struct cgt *t)
{
	struct peer p;
	char url[64], cmd[512], *tok = NULL, *node = NULL, *cl = NULL;
	struct cg_uplink_tls tls = { 0 };
	struct cg_error err = { 0 };
	CHECK(t, peer_new(&p));
	p.tls = true;
	snprintf(p.cert, sizeof(p.cert), "%s/cert.pem", p.dir);
	snprintf(p.key, sizeof(p.key), "%s/key.pem", p.dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 1 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
		 p.key, p.cert);
	if (system(cmd) != 0) {
		printf("t_tls: no openssl: skipped\n");
		CHECK(t, 1);
		goto out;
	}
	CHECK(t, peer_start(&p));
	/* without our CA: verification fails */
	CHECK(t, cg_uplink_register(NULL, url_of(&p, url, sizeof(url)), JOIN, "n", "1", &tok,
				    &node, &cl, &err) == CG_ERR_IO);
	tls.ca_file = p.cert;
	CHECK(t, cg_uplink_register(&tls, url, JOIN, "n", "1", &tok, &node, &cl, &err) == CG_OK);
	CHECK_STR(t, tok, AGENT);
	free(tok);
	free(node);
	free(cl);
	/* and events over TLS */
	{
		struct cg_uplink *u = NULL;
		struct cg_uplink_opts o;
		opts_for(&p, &o, url, sizeof(url));
		o.tls.ca_file = p.cert;
		CHECK(t, cg_uplink_open(&o, &u, NULL) == CG_OK);
		if (u) {
			CHECK(t, push_range(u, "s", 0, 100, NULL) == 0);
			CHECK_INT(t, cg_uplink_close(u, 30000), 0);
			CHECK_INT(t, count_ids(&p, "s", 100, NULL).missing, 0);
		}
	}
out:
	peer_done(&p);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_register),
	CGT_CASE(t_bad_input),
	CGT_CASE(t_deliver_10000),
	CGT_CASE(t_retry_5xx),
	CGT_CASE(t_split_bad_event),
	CGT_CASE(t_server_down_then_up),
	CGT_CASE(t_kill_during_delivery),
	CGT_CASE(t_agent_restart),
	CGT_CASE(t_heartbeat_policies),
	CGT_CASE(t_auth_revoked),
	CGT_CASE(t_journal_full_reported),
	CGT_CASE(t_tls),
};

/* ---- driver mode: the integration script's agent against the real server ----------
 *
 *   test_uplink --drive register URL JOIN NODE
 *       prints the agent token
 *   test_uplink --drive push URL TOKEN JOURNAL PREFIX FROM TO WAIT_MS [CA_FILE]
 *       journals events PREFIX-FROM .. PREFIX-(TO-1) (in the server's event format),
 *       waits up to WAIT_MS for them all to be delivered, closes (flushing for the
 *       rest of WAIT_MS) and prints "pending N delivered N rejected N retries N
 *       seconds S rate R"; UPLINK_BATCH=N sets batch_max_events */

static void print_log(enum cg_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "uplink %s: %s\n", cg_log_level_name(level), msg);
}

static int drive(int argc, char **argv)
{
	struct cg_error err = { 0 };
	cg_log_set(print_log, NULL, CG_LOG_INFO);
	if (argc == 6 && strcmp(argv[2], "register") == 0) {
		char *tok = NULL, *node = NULL, *cl = NULL;
		if (cg_uplink_register(NULL, argv[3], argv[4], argv[5], "test", &tok, &node, &cl, &err)) {
			fprintf(stderr, "register: %s\n", cg_error_message(&err));
			return 1;
		}
		printf("%s\n", tok);
		free(tok);
		free(node);
		free(cl);
		return 0;
	}
	if ((argc == 10 || argc == 11) && strcmp(argv[2], "push") == 0) {
		struct cg_uplink_opts o = { .server_url = argv[3], .token = argv[4],
					    .journal_dir = argv[5] };
		struct cg_uplink *u = NULL;
		struct cg_uplink_stats st;
		unsigned from = (unsigned)strtoul(argv[7], NULL, 10);
		unsigned to = (unsigned)strtoul(argv[8], NULL, 10);
		unsigned wait = (unsigned)strtoul(argv[9], NULL, 10);
		char line[512], now[32];
		time_t tt = time(NULL);
		struct tm tm;
		double t0, t1, deadline;
		uint64_t left;
		gmtime_r(&tt, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (argc == 11)
			o.tls.ca_file = argv[10];
		o.backoff_max_ms = 2000;
		if (getenv("UPLINK_BATCH")) /* for measurements */
			o.batch_max_events = (size_t)strtoul(getenv("UPLINK_BATCH"), NULL, 10);
		if (cg_uplink_open(&o, &u, &err)) {
			fprintf(stderr, "open: %s\n", cg_error_message(&err));
			return 1;
		}
		cg_uplink_set_status(u, 1, 0, "fallback");
		t0 = now_s();
		for (unsigned i = from; i < to; i++) {
			static const char *const cat[] = { "process", "file", "network" };
			static const char *const sev[] = { "low", "medium", "high", "critical" };
			int n = snprintf(line, sizeof(line),
					 "{\"id\":\"%s-%06u\",\"time\":\"%s\",\"category\":\"%s\","
					 "\"rule\":\"r.test\",\"severity\":\"%s\",\"action\":\"alert\","
					 "\"message\":\"uplink test %u\",\"container\":{\"id\":\"c1\","
					 "\"name\":\"web\",\"image\":\"nginx:1.25\"},"
					 "\"process\":{\"pid\":%u,\"exe\":\"/bin/sh\"}}",
					 argv[6], i, now, cat[i % 3], sev[i % 4], i, 100 + i % 1000);
			if (cg_uplink_push(u, line, (size_t)n, &err)) {
				fprintf(stderr, "push: %s\n", cg_error_message(&err));
				cg_uplink_close(u, 0);
				return 1;
			}
		}
		deadline = t0 + wait / 1000.0;
		for (;;) {
			cg_uplink_stats(u, &st);
			if (st.journal.pending_records == 0 || now_s() >= deadline)
				break;
			sleep_ms(10);
		}
		t1 = now_s();
		cg_uplink_stats(u, &st);
		left = cg_uplink_close(u, now_s() < deadline ? (unsigned)((deadline - now_s()) * 1000) : 0);
		printf("pending %" PRIu64 " delivered %" PRIu64 " rejected %" PRIu64 " retries %" PRIu64
		       " seconds %.3f rate %.0f\n", left, st.delivered, st.rejected, st.retries,
		       t1 - t0, to > from ? (to - from) / (t1 - t0) : 0.0);
		return 0;
	}
	fprintf(stderr, "usage: see tests/unit/test_uplink.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "--drive") == 0)
		return drive(argc, argv);
	cg_log_set(log_cb, NULL, CG_LOG_DEBUG);
	return cgt_run_(argv[0], cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
