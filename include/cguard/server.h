/* cguard server: the management server (REST API under /api/v1, identity and
 * permissions, audit trail, policies, clusters and agents, event ingest).
 * See docs/server.md. */
#ifndef CGUARD_SERVER_H
#define CGUARD_SERVER_H

#include <signal.h>
#include <cguard/common.h>
#include <cguard/error.h>
#include <cguard/buf.h>

/* One line per request (method, route pattern, status, ms, user); never holds
 * tokens, passwords, cookies or Authorization headers. */
typedef void (*cg_server_log_fn)(const char *line, void *ud);

struct cg_server_opts {
	const char *data_dir;   /* required unless db_url is a postgres:// URL */
	const char *listen;     /* "HOST:PORT", "[V6]:PORT" (default 127.0.0.1:8080) */
	const char *db_url;     /* default "sqlite:DATA_DIR/cguard.db" */
	const char *tls_cert;   /* PEM files: TLS when both are given */
	const char *tls_key;
	unsigned audit_retention_days; /* 0: 180 */
	unsigned threads;              /* worker threads, 0: 4 */
	unsigned connection_timeout;   /* seconds an idle/slow connection may live, 0: 30 */
	unsigned max_connections;      /* 0: 512 */
	unsigned session_idle_hours;   /* 0: 12 */
	unsigned heartbeat_interval;   /* seconds told to agents, 0: 30 */
	size_t max_body;               /* request body bytes, 0: 1 MiB */
	size_t max_event_body;         /* event batch bytes, 0: 8 MiB */
	cg_server_log_fn log;          /* request lines (NULL: none) */
	void *log_ud;
	/* Called once the server listens (port chosen): for tests and the cli. */
	void (*ready)(const char *addr, void *ud);
};

/* Run until *stop becomes non-zero (a signal handler sets it). */
CG_API cg_err_t cg_server_run(const struct cg_server_opts *opts, volatile sig_atomic_t *stop,
			      struct cg_error *err);

/* Verify the audit hash chain of the store at db_url (or DATA_DIR's default).
 * CG_OK when intact; CG_ERR_INTEGRITY with err naming the first bad record;
 * *checked (optional) gets the number of records verified. */
CG_API cg_err_t cg_server_audit_verify(const char *data_dir, const char *db_url,
				       uint64_t *checked, struct cg_error *err);

/* The route table as JSON: [{"method","path","action","audit","changes"}...]. */
CG_API cg_err_t cg_server_routes_json(struct cg_buf *out, struct cg_error *err);

#endif
