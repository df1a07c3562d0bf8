/* The server store (lib/server): db.h on SQLite, and on PostgreSQL when
 * CG_TEST_PG_URL names a database (the test WIPES its public schema; the
 * integration test tests/integration/server_store_pg.sh starts a throwaway
 * server and sets it). Every case runs on each backend. */
#include "util/internal.h"
#include <sys/stat.h>
#include <unistd.h>
#include "server/db.h"
#include "server/db_int.h"
#include "server/audit.h"
#include "server/events.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include "cgtest.h"

static char tmpdir[256];
static unsigned dbno;

static int nbackends(void)
{
	const char *u = getenv("CG_TEST_PG_URL");
	return u && *u ? 2 : 1;
}

static void rm_tmpdir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_db: could not remove %s\n", tmpdir);
}

/* A fresh, migrated store of backend be (0 SQLite, 1 PostgreSQL). */
static struct cg_db *fresh(struct cgt *t, int be)
{
	struct cg_error e = { 0 };
	struct cg_db *db = NULL;
	char url[512];
	if (be == 0) {
		if (!tmpdir[0]) {
			snprintf(tmpdir, sizeof(tmpdir), "/tmp/cg-test-db.XXXXXX");
			if (!mkdtemp(tmpdir)) {
				CHECK(t, !"mkdtemp");
				return NULL;
			}
			atexit(rm_tmpdir);
		}
		snprintf(url, sizeof(url), "sqlite:%s/db%u.sqlite", tmpdir, ++dbno);
	} else {
		snprintf(url, sizeof(url), "%s", getenv("CG_TEST_PG_URL"));
	}
	if (cg_db_open(url, &db, &e)) {
		CHECKF(t, 0, "open %.200s: %.300s", be ? "postgres" : url, e.msg);
		return NULL;
	}
	if (be == 1 && cg_db_exec(db, "DROP SCHEMA public CASCADE", NULL, 0, NULL, &e) == CG_OK)
		(void)cg_db_exec(db, "CREATE SCHEMA public", NULL, 0, NULL, &e);
	if (be == 1) { /* the cached statements named dropped tables */
		cg_db_close(db);
		if (cg_db_open(url, &db, &e)) {
			CHECKF(t, 0, "reopen: %.300s", e.msg);
			return NULL;
		}
	}
	if (cg_db_migrate(db, &e)) {
		CHECKF(t, 0, "migrate: %.300s", e.msg);
		cg_db_close(db);
		return NULL;
	}
	return db;
}

#define EACH_DB(t, db)                                              \
	for (int be_ = 0; be_ < nbackends(); be_++)                 \
		for (struct cg_db *db = fresh((t), be_); db; cg_db_close(db), db = NULL)

#define OK(t, expr)                                                            \
	do {                                                                   \
		struct cg_error e_ = { 0 };                                    \
		cg_err_t rc_ = (expr);                                         \
		(void)e_;                                                      \
		CHECKF(t, rc_ == CG_OK, "%s: %s", #expr, cg_strerror(rc_));    \
	} while (0)

static const char *const tables[] = {
	"users", "groups", "group_members", "iam_policies", "group_policies", "sessions",
	"agency", "policies", "policy_images", "clusters", "nodes", "quota", "events",
	"audit", "audit_anchor", "schema_migrations",
};

static void t_migrate(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		int64_t v = -1;
		for (size_t i = 0; i < CG_ARRAY_LEN(tables); i++) {
			char sql[128];
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
			CHECKF(t, cg_db_query_int(db, sql, NULL, 0, &v, &e) == CG_OK, "%s: %.300s", tables[i], e.msg);
		}
		/* a second migrate applies nothing and fails nothing */
		CHECK(t, cg_db_migrate(db, &e) == CG_OK);
		CHECK(t, cg_db_query_int(db, "SELECT max(version) FROM schema_migrations", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, cg_db_schema_version());
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM schema_migrations", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, cg_db_schema_version());
	}
}

static void t_crud(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		struct cg_db_rows *r = NULL;
		int64_t ch = 0;
		struct cg_db_val ins[] = { CG_DB_TEXTV("u1"), CG_DB_TEXTV("alice"), CG_DB_INTV(1),
					   CG_DB_INTV(4102444800123LL), CG_DB_NULLV };
		CHECK(t, cg_db_exec(db, "INSERT INTO users (id, name, enabled, created, password_hash) "
				       "VALUES ($1, $2, $3, $4, $5)", ins, 5, &ch, &e) == CG_OK);
		CHECK_INT(t, ch, 1);
		/* a duplicate name is CG_ERR_EXISTS on both backends */
		ins[0] = CG_DB_TEXTV("u2");
		CHECK(t, cg_db_exec(db, "INSERT INTO users (id, name, enabled, created, password_hash) "
				       "VALUES ($1, $2, $3, $4, $5)", ins, 5, NULL, &e) == CG_ERR_EXISTS);
		/* a '$1' inside a literal is not a placeholder; a value with SQL in it is data */
		struct cg_db_val q[] = { CG_DB_TEXTV("alice"), CG_DB_TEXTV("x' OR '1'='1") };
		CHECK(t, cg_db_query(db, "SELECT id, name, '$1 and ''$2''' AS lit, created, password_hash, enabled "
				       "FROM users WHERE name = $1 OR name = $2", q, 2, &r, &e) == CG_OK);
		CHECK_INT(t, cg_db_rows_count(r), 1);
		CHECK_INT(t, cg_db_rows_cols(r), 6);
		CHECK_STR(t, cg_db_rows_name(r, 1), "name");
		CHECK_STR(t, cg_db_rows_text(r, 0, 0), "u1");
		CHECK_STR(t, cg_db_rows_text(r, 0, 2), "$1 and '$2'");
		CHECK_INT(t, cg_db_rows_int(r, 0, 3), 4102444800123LL);
		CHECK(t, cg_db_rows_null(r, 0, 4));
		CHECK_STR(t, cg_db_rows_text(r, 0, 4), "");
		CHECK(t, !cg_db_rows_null(r, 0, 5));
		CHECK_INT(t, cg_db_rows_len(r, 0, 1), 5);
		/* out of range cells are NULL, not a crash */
		CHECK(t, cg_db_rows_null(r, 5, 0) && cg_db_rows_null(r, 0, 9));
		cg_db_rows_free(r);
		r = NULL;
		/* text with an explicit length (not NUL-terminated) */
		struct cg_db_val up[] = { { .type = CG_DB_TEXT, .s = "bobXXX", .n = 3 }, CG_DB_TEXTV("u1") };
		CHECK(t, cg_db_exec(db, "UPDATE users SET name = $1 WHERE id = $2", up, 2, &ch, &e) == CG_OK);
		CHECK_INT(t, ch, 1);
		CHECK(t, cg_db_query(db, "SELECT name FROM users WHERE id = $1", &up[1], 1, &r, &e) == CG_OK);
		CHECK_STR(t, cg_db_rows_text(r, 0, 0), "bob");
		cg_db_rows_free(r);
		r = NULL;
		/* no row */
		int64_t v = 7;
		CHECK(t, cg_db_query_int(db, "SELECT enabled FROM users WHERE id = $1",
					 (struct cg_db_val[]){ CG_DB_TEXTV("nobody") }, 1, &v, &e) == CG_ERR_NOTFOUND);
		CHECK(t, cg_db_query(db, "SELECT id FROM users WHERE id = $1",
				     (struct cg_db_val[]){ CG_DB_TEXTV("nobody") }, 1, &r, &e) == CG_OK);
		CHECK_INT(t, cg_db_rows_count(r), 0);
		cg_db_rows_free(r);
		/* a bad statement is an error with a message, not a crash */
		CHECK(t, cg_db_exec(db, "SELEKT 1", NULL, 0, NULL, &e) != CG_OK);
		CHECK(t, strstr(e.msg, "SELEKT") != NULL);
		/* parameter count mismatch */
		CHECK(t, cg_db_exec(db, "DELETE FROM users WHERE id = $1", NULL, 0, NULL, &e) != CG_OK);
		/* a CHECK constraint */
		CHECK(t, cg_db_exec(db, "INSERT INTO agency (id, agreed) VALUES (2, 1)", NULL, 0, NULL, &e) == CG_ERR_INVALID);
		/* foreign keys cascade */
		OK(t, cg_db_exec(db, "INSERT INTO groups (id, name) VALUES ('g1', 'ops')", NULL, 0, NULL, &e));
		OK(t, cg_db_exec(db, "INSERT INTO group_members (group_id, user_id) VALUES ('g1', 'u1')", NULL, 0, NULL, &e));
		CHECK(t, cg_db_exec(db, "INSERT INTO group_members (group_id, user_id) VALUES ('g1', 'nobody')",
				    NULL, 0, NULL, &e) == CG_ERR_INVALID);
		OK(t, cg_db_exec(db, "DELETE FROM users WHERE id = 'u1'", NULL, 0, NULL, &e));
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM group_members", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 0);
	}
}

static int64_t count_users(struct cg_db *db)
{
	int64_t v = -1;
	if (cg_db_query_int(db, "SELECT count(*) FROM users", NULL, 0, &v, NULL))
		return -1;
	return v;
}

static void t_transactions(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		CHECK(t, cg_db_commit(db, &e) == CG_ERR_ARG);
		cg_db_rollback(db); /* no transaction: nothing */
		OK(t, cg_db_begin(db, &e));
		OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('a', 'a')", NULL, 0, NULL, &e));
		cg_db_rollback(db);
		CHECK_INT(t, count_users(db), 0);
		CHECK_INT(t, cg_db_depth(db), 0);

		OK(t, cg_db_begin(db, &e));
		OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('a', 'a')", NULL, 0, NULL, &e));
		OK(t, cg_db_begin(db, &e)); /* a savepoint */
		CHECK_INT(t, cg_db_depth(db), 2);
		OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('b', 'b')", NULL, 0, NULL, &e));
		/* a failed statement inside a savepoint, rolled back, leaves the outer work */
		CHECK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('c', 'a')", NULL, 0, NULL, &e) == CG_ERR_EXISTS);
		cg_db_rollback(db);
		OK(t, cg_db_begin(db, &e));
		OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('d', 'd')", NULL, 0, NULL, &e));
		OK(t, cg_db_commit(db, &e));
		OK(t, cg_db_commit(db, &e));
		CHECK_INT(t, cg_db_depth(db), 0);
		CHECK_INT(t, count_users(db), 2); /* a and d */

		/* PostgreSQL aborts a transaction at its first failed statement: a
		 * commit after one is an error, never a silent rollback */
		if (cg_db_kind(db) == CG_DB_POSTGRES) {
			OK(t, cg_db_begin(db, &e));
			OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('e', 'e')", NULL, 0, NULL, &e));
			CHECK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('f', 'a')", NULL, 0, NULL, &e) == CG_ERR_EXISTS);
			CHECK(t, cg_db_commit(db, &e) == CG_ERR_IO && strstr(e.msg, "rolled back"));
			CHECK_INT(t, cg_db_depth(db), 0);
			CHECK_INT(t, count_users(db), 2);
		}
		OK(t, cg_db_begin_read(db, &e));
		CHECK_INT(t, count_users(db), 2);
		OK(t, cg_db_commit(db, &e));
		OK(t, cg_db_checkpoint(db, &e));
	}
}

static void t_two_connections(struct cgt *t)
{
	/* one connection per thread: two handles on one store see each other's commits */
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		struct cg_db *db2 = NULL;
		char url[600];
		if (cg_db_kind(db) == CG_DB_SQLITE)
			snprintf(url, sizeof(url), "sqlite:%s/db%u.sqlite", tmpdir, dbno);
		else
			snprintf(url, sizeof(url), "%s", getenv("CG_TEST_PG_URL"));
		CHECK(t, cg_db_open(url, &db2, &e) == CG_OK);
		if (!db2)
			continue;
		OK(t, cg_db_migrate(db2, &e)); /* already applied: nothing */
		OK(t, cg_db_exec(db, "INSERT INTO users (id, name) VALUES ('a', 'a')", NULL, 0, NULL, &e));
		CHECK_INT(t, count_users(db2), 1);
		cg_db_close(db2);
	}
}

static void t_url(struct cgt *t)
{
	char out[200];
	struct cg_error e = { 0 };
	struct cg_db *db = NULL;
	cg_db_redact_url("postgres://bob:s3cret@127.0.0.1:5432/cg?sslmode=disable", out, sizeof(out));
	CHECK_STR(t, out, "postgres://bob:***@127.0.0.1:5432/cg?sslmode=disable");
	cg_db_redact_url("postgresql://h/db?user=x&password=s3cret&a=b", out, sizeof(out));
	CHECK_STR(t, out, "postgresql://h/db?user=x&password=***&a=b");
	cg_db_redact_url("sqlite:/var/lib/x.db", out, sizeof(out));
	CHECK_STR(t, out, "sqlite:/var/lib/x.db");
	CHECK(t, cg_db_open("mysql://x", &db, &e) == CG_ERR_ARG);
	CHECK(t, cg_db_open("sqlite:", &db, &e) == CG_ERR_ARG);
	/* a refused connection names the server but never the password */
	CHECK(t, cg_db_open("postgres://bob:s3cret@127.0.0.1:1/cg?connect_timeout=2", &db, &e) == CG_ERR_IO);
	CHECK(t, strstr(e.msg, "s3cret") == NULL);
	CHECK(t, strstr(e.msg, "127.0.0.1") != NULL);
	CHECK(t, db == NULL);
	struct cg_buf b = CG_BUF_INIT(1024);
	CHECK(t, cg_db_sql_to_qmark("SELECT '$1', \"$2\", $3 -- $4\n, $10 /* $5 */", &b) == CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "SELECT '$1', \"$2\", ?3 -- $4\n, ?10 /* $5 */");
	cg_buf_release(&b);
}

static void t_sqlite_file(struct cgt *t)
{
	/* the store file is private (it holds password hashes) and in WAL mode */
	struct cg_error e = { 0 };
	struct cg_db *db = fresh(t, 0);
	struct cg_db_rows *r = NULL;
	char path[300];
	struct stat st;
	if (!db)
		return;
	snprintf(path, sizeof(path), "%s/db%u.sqlite", tmpdir, dbno);
	CHECK(t, stat(path, &st) == 0 && (st.st_mode & 077) == 0);
	CHECK(t, cg_db_query(db, "PRAGMA journal_mode", NULL, 0, &r, &e) == CG_OK);
	CHECK_STR(t, cg_db_rows_text(r, 0, 0), "wal");
	cg_db_rows_free(r);
	cg_db_close(db);
}


/* ---- audit --------------------------------------------------------------- */

static cg_json *parse(const char *s)
{
	cg_json *j = NULL;
	return cg_json_parse(s, strlen(s), NULL, &j, NULL) ? NULL : j;
}


static const char *const users_[] = { "alice", "bob", "carol" };

/* n records, each in a transaction with a change, as the server writes them */
static void audit_fill(struct cgt *t, struct cg_db *db, int n, int64_t time0)
{
	for (int i = 0; i < n; i++) {
		struct cg_error e = { 0 };
		char id[32], name[48];
		cg_json *req = NULL;
		snprintf(id, sizeof(id), "p%d", time0 == 1000000 ? 1000 + i : i);
		snprintf(name, sizeof(name), "policy %s", id + 1);
		CHECK(t, (req = parse("{\"name\":\"x\",\"mode\":\"alert\"}")) != NULL);
		struct cg_audit_rec r = {
			.trace_id = id,
			.time_ms = time0 ? time0 + i * 1000 : 0,
			.event_name = i % 3 == 0 ? "addPolicy" : i % 3 == 1 ? "modifyPolicy" : "deletePolicy",
			.event_type = i % 2 ? "ApiCall" : "ConsoleAction",
			.source = i % 2 ? "api" : "console",
			.user_name = users_[i % 3],
			.source_ip = "127.0.0.1",
			.resource_type = "policy",
			.resource_id = id,
			.resource_name = name,
			.request = req,
			.result_code = i % 4 == 3 ? 403 : 200,
			.level = i % 5 == 4 ? "warning" : NULL,
		};
		CHECK(t, cg_db_begin(db, &e) == CG_OK);
		struct cg_db_val v[2] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name) };
		CHECK(t, cg_db_exec(db, "INSERT INTO policies (id, name, mode, document) VALUES ($1, $2, 'alert', '{}')",
				    v, 2, NULL, &e) == CG_OK);
		CHECKF(t, cg_audit_append(db, &r, &e) == CG_OK, "append: %.300s", e.msg);
		CHECK(t, cg_db_commit(db, &e) == CG_OK);
		cg_json_free(req);
	}
}

static cg_err_t verify(struct cg_db *db, uint64_t *bad, char *why, size_t n)
{
	struct cg_error e = { 0 };
	return cg_audit_verify(db, bad, why, n, &e);
}

static void t_audit_chain(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		char why[300];
		uint64_t bad = 99;
		int64_t v = 0;
		CHECK(t, verify(db, &bad, why, sizeof(why)) == CG_OK); /* empty */
		audit_fill(t, db, 10, 0);
		CHECKF(t, verify(db, &bad, why, sizeof(why)) == CG_OK, "%s", why);
		CHECK_STR(t, why, "10 records intact from seq 1");
		CHECK_INT(t, bad, 0);
		/* the change and its record commit together: a rolled-back call leaves neither */
		CHECK(t, cg_db_begin(db, &e) == CG_OK);
		struct cg_audit_rec r = { .event_name = "addUser", .event_type = "ApiCall", .user_name = "admin" };
		CHECK(t, cg_audit_append(db, &r, &e) == CG_OK);
		cg_db_rollback(db);
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM audit", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 10);
		/* outside a transaction an append is its own; seq has no gap */
		CHECK(t, cg_audit_append(db, &r, &e) == CG_OK);
		CHECK(t, cg_db_query_int(db, "SELECT max(seq) FROM audit", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 11);
		CHECK(t, verify(db, &bad, why, sizeof(why)) == CG_OK);
		/* a generated trace id, the default level */
		struct cg_db_rows *rows = NULL;
		CHECK(t, cg_db_query(db, "SELECT trace_id, level, request FROM audit WHERE seq = 11", NULL, 0, &rows, &e) == CG_OK);
		CHECK_INT(t, strlen(cg_db_rows_text(rows, 0, 0)), 32);
		CHECK_STR(t, cg_db_rows_text(rows, 0, 1), "normal");
		CHECK(t, cg_db_rows_null(rows, 0, 2));
		cg_db_rows_free(rows);
		/* bad records are refused, naming the field */
		struct cg_audit_rec b1 = { .event_name = "x", .event_type = "Hack" };
		CHECK(t, cg_audit_append(db, &b1, &e) == CG_ERR_INVALID && strstr(e.msg, "event_type"));
		struct cg_audit_rec b2 = { .event_name = "x", .event_type = "ApiCall", .level = "panic" };
		CHECK(t, cg_audit_append(db, &b2, &e) == CG_ERR_INVALID && strstr(e.msg, "level"));
		struct cg_audit_rec b3 = { .event_type = "ApiCall" };
		CHECK(t, cg_audit_append(db, &b3, &e) == CG_ERR_INVALID && strstr(e.msg, "event_name"));
		struct cg_audit_rec b4 = { .event_name = "x", .event_type = "ApiCall", .user_name = "\xff\xfe" };
		CHECK(t, cg_audit_append(db, &b4, &e) == CG_ERR_INVALID && strstr(e.msg, "user_name"));
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM audit", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 11);
	}
}

/* each kind of tampering is caught, naming the right record */
static void t_audit_tamper(struct cgt *t)
{
	static const struct {
		const char *what;
		const char *sql[3];
		uint64_t bad;
	} cases[] = {
		{ "edit a field", { "UPDATE audit SET user_name = 'mallory' WHERE seq = 4" }, 4 },
		{ "edit the request", { "UPDATE audit SET request = '{}' WHERE seq = 7" }, 7 },
		{ "edit the result", { "UPDATE audit SET result_code = 200 WHERE seq = 4" }, 4 },
		{ "edit the time", { "UPDATE audit SET time = time + 1 WHERE seq = 9" }, 9 },
		{ "delete one", { "DELETE FROM audit WHERE seq = 6" }, 6 },
		{ "delete the first", { "DELETE FROM audit WHERE seq = 1" }, 1 },
		{ "swap two records", { "UPDATE audit SET seq = -1 WHERE seq = 3", "UPDATE audit SET seq = 3 WHERE seq = 5",
					"UPDATE audit SET seq = 5 WHERE seq = -1" }, 3 },
		{ "replace a record with a rehashed one", { "UPDATE audit SET hash = '0000000000000000000000000000000000000000000000000000000000000001' WHERE seq = 2" }, 2 },
		{ "move the anchor", { "UPDATE audit_anchor SET hash = 'ab' WHERE id = 1" }, 1 },
		{ "set NULL", { "UPDATE audit SET prev_hash = '' WHERE seq = 8" }, 8 },
	};
	for (size_t c = 0; c < CG_ARRAY_LEN(cases); c++) {
		EACH_DB(t, db) {
			struct cg_error e = { 0 };
			char why[300] = "";
			uint64_t bad = 0;
			audit_fill(t, db, 10, 0);
			for (int k = 0; k < 3 && cases[c].sql[k]; k++)
				CHECKF(t, cg_db_exec(db, cases[c].sql[k], NULL, 0, NULL, &e) == CG_OK, "%s: %.300s", cases[c].what, e.msg);
			cg_err_t rc = cg_audit_verify(db, &bad, why, sizeof(why), &e);
			CHECKF(t, rc == CG_ERR_INTEGRITY && bad == cases[c].bad, "%s on %s: rc %d, bad %llu (want %llu): %s",
			       cases[c].what, cg_db_kind(db) == CG_DB_SQLITE ? "sqlite" : "postgres", rc,
			       (unsigned long long)bad, (unsigned long long)cases[c].bad, why);
			CHECK(t, strstr(e.msg, "audit chain broken") != NULL);
		}
	}
}

static void t_audit_prune(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		char why[300] = "";
		uint64_t bad = 0;
		int64_t gone = -1, v = 0;
		audit_fill(t, db, 5, 1000000);         /* old: 1000000..1004000 */
		audit_fill(t, db, 5, 4102444800000LL); /* 2100 */
		CHECK(t, cg_audit_prune(db, 1000000, &gone, &e) == CG_OK); /* nothing older */
		CHECK_INT(t, gone, 0);
		CHECK(t, cg_audit_prune(db, 2000000, &gone, &e) == CG_OK);
		CHECK_INT(t, gone, 5);
		CHECK(t, cg_db_query_int(db, "SELECT seq FROM audit_anchor", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 5);
		CHECKF(t, verify(db, &bad, why, sizeof(why)) == CG_OK, "%s", why);
		CHECK_STR(t, why, "6 records intact from seq 6"); /* 5 kept + the prune record */
		/* the prune is itself audited */
		struct cg_audit_filter f = { .event_name = "pruneAuditRecords" };
		cg_json *page = NULL;
		CHECK(t, cg_audit_query(db, &f, &page, &e) == CG_OK);
		CHECK_INT(t, cg_json_array_len(cg_json_get(page, "items")), 1);
		cg_json *req = cg_json_get(cg_json_array_at(cg_json_get(page, "items"), 0), "request");
		CHECK(t, cg_json_get_int(req, "deleted", &v) && v == 5);
		CHECK(t, cg_json_get_int(req, "anchor_seq", &v) && v == 5);
		cg_json_free(page);
		/* a second prune moves the anchor again; still verifiable */
		CHECK(t, cg_audit_prune(db, 4102444802000LL, &gone, &e) == CG_OK);
		CHECK_INT(t, gone, 2);
		CHECKF(t, verify(db, &bad, why, sizeof(why)) == CG_OK, "%s", why);
		/* hiding old records by deleting them and moving the anchor is caught */
		struct cg_db_rows *r = NULL;
		CHECK(t, cg_db_query(db, "SELECT seq, hash FROM audit ORDER BY seq LIMIT 1", NULL, 0, &r, &e) == CG_OK);
		int64_t s0 = cg_db_rows_int(r, 0, 0);
		struct cg_db_val p[2] = { CG_DB_INTV(s0), CG_DB_TEXTV(cg_db_rows_text(r, 0, 1)) };
		CHECK(t, cg_db_exec(db, "DELETE FROM audit WHERE seq <= $1", p, 1, NULL, &e) == CG_OK);
		CHECK(t, cg_db_exec(db, "UPDATE audit_anchor SET seq = $1, hash = $2", p, 2, NULL, &e) == CG_OK);
		cg_db_rows_free(r);
		CHECK(t, verify(db, &bad, why, sizeof(why)) == CG_ERR_INTEGRITY);
		CHECK_INT(t, bad, s0 + 1);
		CHECK(t, strstr(why, "anchor") != NULL);
	}
}

struct writer {
	const char *url;
	int n, failures;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct cg_db *db = NULL;
	if (cg_db_open(w->url, &db, NULL)) {
		w->failures = w->n;
		return NULL;
	}
	for (int i = 0; i < w->n; i++) {
		struct cg_audit_rec r = { .event_name = "addUser", .event_type = "ApiCall", .user_name = w->url };
		if (cg_db_begin(db, NULL) || cg_audit_append(db, &r, NULL) || cg_db_commit(db, NULL)) {
			cg_db_rollback(db);
			w->failures++;
		}
	}
	cg_db_close(db);
	return NULL;
}

static void t_audit_concurrent(struct cgt *t)
{
	/* two connections appending at once cannot fork the chain */
	EACH_DB(t, db) {
		char url[600];
		struct writer w[3];
		pthread_t th[3];
		int64_t v = 0;
		char why[300];
		uint64_t bad;
		if (cg_db_kind(db) == CG_DB_SQLITE)
			snprintf(url, sizeof(url), "sqlite:%s/db%u.sqlite", tmpdir, dbno);
		else
			snprintf(url, sizeof(url), "%s", getenv("CG_TEST_PG_URL"));
		for (int i = 0; i < 3; i++) {
			w[i] = (struct writer){ url, 100, 0 };
			pthread_create(&th[i], NULL, writer_main, &w[i]);
		}
		for (int i = 0; i < 3; i++) {
			pthread_join(th[i], NULL);
			CHECK_INT(t, w[i].failures, 0);
		}
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM audit", NULL, 0, &v, NULL) == CG_OK);
		CHECK_INT(t, v, 300);
		CHECKF(t, verify(db, &bad, why, sizeof(why)) == CG_OK, "%s", why);
	}
}

static int64_t page_total(struct cgt *t, struct cg_db *db, const struct cg_audit_filter *f)
{
	struct cg_error e = { 0 };
	cg_json *page = NULL;
	int64_t v = -1;
	CHECKF(t, cg_audit_query(db, f, &page, &e) == CG_OK, "%.300s", e.msg);
	cg_json_get_int(page, "total", &v);
	cg_json_free(page);
	return v;
}

static void t_audit_query(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		cg_json *page = NULL;
		int64_t v;
		audit_fill(t, db, 30, 1700000000000LL);
		CHECK_INT(t, page_total(t, db, NULL), 30);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .event_type = "ApiCall" }), 15);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .source = "console" }), 15);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource_type = "policy" }), 30);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource_type = "cluster" }), 0);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .event_name = "addPolicy" }), 10);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource_id = "p7" }), 1);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource_name = "policy 7" }), 1);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource = "policy 8" }), 1);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource = "p8" }), 1);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .user_name = "bob" }), 10);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .level = "warning" }), 6);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .trace_id = "p3" }), 1);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .from_ms = 1700000010000LL, .to_ms = 1700000019000LL }), 10);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .user_name = "bob", .event_type = "ApiCall", .level = "normal" }), 4);
		/* SQL in a filter is a value */
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .user_name = "bob' OR '1'='1" }), 0);
		CHECK_INT(t, page_total(t, db, &(struct cg_audit_filter){ .resource = "x\") OR 1=1 --" }), 0);
		/* pages, newest first or oldest first */
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .limit = 4, .offset = 2 }, &page, &e) == CG_OK);
		cg_json *items = cg_json_get(page, "items");
		CHECK_INT(t, cg_json_array_len(items), 4);
		CHECK(t, cg_json_get_int(cg_json_array_at(items, 0), "seq", &v) && v == 28);
		CHECK(t, cg_json_get_int(page, "total", &v) && v == 30);
		CHECK(t, cg_json_get_bool(page, "total_exact", &(bool){ false }));
		CHECK_STR(t, cg_json_get_str(cg_json_get(cg_json_array_at(items, 0), "request"), "mode"), "alert");
		CHECK_INT(t, strlen(cg_json_get_str(cg_json_array_at(items, 0), "hash")), 64);
		cg_json_free(page);
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .limit = 2, .ascending = true }, &page, &e) == CG_OK);
		CHECK(t, cg_json_get_int(cg_json_array_at(cg_json_get(page, "items"), 1), "seq", &v) && v == 2);
		cg_json_free(page);
		/* bad filters are refused by name */
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .limit = 1001 }, &page, &e) == CG_ERR_INVALID && strstr(e.msg, "limit"));
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .level = "x" }, &page, &e) == CG_ERR_INVALID && strstr(e.msg, "level"));
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .event_type = "x" }, &page, &e) == CG_ERR_INVALID);
		CHECK(t, cg_audit_query(db, &(struct cg_audit_filter){ .from_ms = 5, .to_ms = 4 }, &page, &e) == CG_ERR_INVALID);
		CHECK(t, page == NULL);
	}
}

static cg_err_t to_buf(void *ctx, const char *p, size_t n)
{
	return cg_buf_append(ctx, p, n);
}

static void t_audit_export(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		struct cg_buf b = CG_BUF_INIT(1 << 24);
		size_t lines = 0;
		audit_fill(t, db, 1203, 1700000000000LL); /* more than one export page */
		struct cg_audit_rec r = { .event_name = "addUser", .event_type = "ApiCall",
					  .user_name = "=cmd|' /C calc'!A0", .resource_name = "a, \"b\"\nc",
					  .time_ms = 1700000000000LL };
		CHECK(t, cg_audit_append(db, &r, &e) == CG_OK);
		CHECK(t, cg_audit_export(db, NULL, CG_AUDIT_JSONL, to_buf, &b, &e) == CG_OK);
		for (const char *p = cg_buf_str(&b); (p = strchr(p, '\n')); p++)
			lines++;
		CHECK_INT(t, lines, 1204);
		/* every line is a record */
		const char *last = strrchr(cg_buf_str(&b), '{');
		cg_json *j = NULL;
		CHECK(t, cg_json_parse(last, strlen(last), NULL, &j, NULL) == CG_OK);
		CHECK_STR(t, cg_json_get_str(j, "user_name"), "=cmd|' /C calc'!A0");
		cg_json_free(j);
		cg_buf_reset(&b);
		CHECK(t, cg_audit_export(db, &(struct cg_audit_filter){ .event_name = "addUser" }, CG_AUDIT_CSV, to_buf, &b, &e) == CG_OK);
		const char *csv = cg_buf_str(&b);
		CHECK(t, strncmp(csv, "seq,time,trace_id,event_name,event_type,source,user_name,", 57) == 0);
		CHECK(t, strstr(csv, ",1204,2023-11-14T22:13:20.000Z,") == NULL); /* seq first */
		CHECK(t, strstr(csv, "\r\n1204,2023-11-14T22:13:20.000Z,") != NULL);
		CHECK(t, strstr(csv, ",\"'=cmd|' /C calc'!A0\",") != NULL);
		CHECK(t, strstr(csv, ",\"a, \"\"b\"\"\nc\",") != NULL);
		cg_buf_release(&b);
		/* CSV cells */
		struct cg_buf c = CG_BUF_INIT(1024);
		CHECK(t, cg_csv_cell(&c, "plain", 5, true) == CG_OK);
		CHECK(t, cg_csv_cell(&c, "|-1", 3, true) == CG_OK);
		CHECK(t, cg_csv_cell(&c, "-1", 2, false) == CG_OK);
		CHECK(t, cg_csv_cell(&c, "@SUM(A1)", 8, true) == CG_OK);
		CHECK(t, cg_csv_cell(&c, "+1", 2, true) == CG_OK);
		CHECK_STR(t, cg_buf_str(&c), "plain|-1-1\"'@SUM(A1)\"\"'+1\"");
		cg_buf_release(&c);
		/* a write error stops the export */
		CHECK(t, cg_audit_export_fd(db, NULL, CG_AUDIT_CSV, -1, &e) == CG_ERR_IO);
	}
}

/* ---- events -------------------------------------------------------------- */


static const char *const cats[] = { "escape", "reverse shell", "file anomaly" };
static const char *const sevs[] = { "critical", "high", "low" };

/* One event object; day/hour relative to 2026-11-20T00:00:00Z. */
static cg_json *event(int i, int day, const char *node)
{
	char buf[1024], t[40];
	cg_rfc3339_format(1795132800000LL + (int64_t)day * 86400000 + (int64_t)i * 1000, t, sizeof(t));
	snprintf(buf, sizeof(buf),
		 "{\"id\":\"ev-%d-%d\",\"time\":\"%s\",\"node\":\"%s\","
		 "\"container\":{\"id\":\"c%d\",\"name\":\"web-%d\",\"image\":\"nginx:1.%d\",\"image_digest\":\"sha256:00\","
		 "\"pod\":\"p\",\"namespace\":\"default\"},"
		 "\"process\":{\"pid\":%d,\"ppid\":1,\"uid\":0,\"exe\":\"/bin/sh\",\"cmdline\":\"sh -c id\"},"
		 "\"category\":\"%s\",\"rule\":\"r.%d\",\"severity\":\"%s\",\"action\":\"%s\",\"message\":\"m\","
		 "\"solution\":\"s\",\"mitre\":\"T1611\",\"details\":{\"k\":[1,2]}}",
		 day, i, t, node, i % 4, i % 4, i % 2, 100 + i, cats[i % 3], i % 5, sevs[i % 3],
		 i % 7 == 0 ? "killed" : "alert");
	return parse(buf);
}

static cg_json *batch(int from, int n, int day, const char *node)
{
	cg_json *a = cg_json_new_array();
	for (int i = from; i < from + n; i++)
		if (cg_json_append(a, event(i, day, node)))
			return NULL;
	return a;
}

static int64_t events_count(struct cg_db *db)
{
	int64_t v = -1;
	(void)cg_db_query_int(db, "SELECT count(*) FROM events", NULL, 0, &v, NULL);
	return v;
}

static void t_events_ingest(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		size_t acc = 9, dup = 9;
		cg_json *b = batch(0, 3, 0, "n1");
		CHECK(t, cg_events_ingest(db, b, NULL, "cl1", &acc, &dup, &e) == CG_OK);
		CHECK(t, acc == 3 && dup == 0);
		/* a retried batch stores nothing twice */
		CHECK(t, cg_events_ingest(db, b, NULL, "cl1", &acc, &dup, &e) == CG_OK);
		CHECK(t, acc == 0 && dup == 3);
		CHECK_INT(t, events_count(db), 3);
		cg_json_free(b);
		/* one bad event refuses the batch, naming index and field; nothing stored */
		static const struct {
			const char *patch, *want;
		} bad[] = {
			{ "{\"severity\":\"urgent\"}", "event 2: field \"severity\"" },
			{ "{\"id\":\"a b\"}", "event 2: field \"id\"" },
			{ "{\"id\":\"\"}", "event 2: field \"id\"" },
			{ "{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", "event 2: field \"id\"" },
			{ "{\"id\":7}", "event 2: field \"id\"" },
			{ "{\"id\":null}", "event 2: field \"id\"" },
			{ "{\"time\":\"yesterday\"}", "event 2: field \"time\"" },
			{ "{\"time\":\"2026-02-30T00:00:00Z\"}", "event 2: field \"time\"" },
			{ "{\"time\":1795132800}", "event 2: field \"time\"" },
			{ "{\"container\":[]}", "event 2: field \"container\"" },
			{ "{\"container\":{\"image\":5}}", "event 2: field \"container.image\"" },
			{ "{\"process\":{\"pid\":-1}}", "event 2: field \"process.pid\"" },
			{ "{\"process\":{\"pid\":\"1\"}}", "event 2: field \"process.pid\"" },
			{ "{\"details\":\"x\"}", "event 2: field \"details\"" },
			{ "{\"action\":\"DROP TABLE\"}", "event 2: field \"action\"" },
			{ "{\"category\":[1]}", "event 2: field \"category\"" },
		};
		for (size_t k = 0; k < CG_ARRAY_LEN(bad); k++) {
			cg_json *bb = batch(10, 4, 0, "n1"), *p = parse(bad[k].patch);
			cg_json *ev = cg_json_array_at(bb, 2);
			for (void *it = cg_json_iter(p); it; it = cg_json_iter_next(p, it))
				if (cg_json_set(ev, cg_json_iter_key(it), cg_json_ref(cg_json_iter_value(it))))
					CHECK(t, 0);
			cg_err_t rc = cg_events_ingest(db, bb, "n1", NULL, &acc, &dup, &e);
			CHECKF(t, rc == CG_ERR_INVALID && strstr(e.msg, bad[k].want), "%s: %d %s", bad[k].patch, rc, e.msg);
			CHECK(t, acc == 0 && dup == 0);
			CHECK_INT(t, events_count(db), 3);
			cg_json_free(bb);
			cg_json_free(p);
		}
		/* missing required fields */
		cg_json *bb = parse("[{\"time\":\"2026-01-01T00:00:00Z\"}]");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_INVALID && strstr(e.msg, "event 0: field \"id\": required"));
		cg_json_free(bb);
		bb = parse("[{\"id\":\"x\"}]");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_INVALID && strstr(e.msg, "\"time\": required"));
		cg_json_free(bb);
		bb = parse("{\"id\":\"x\"}");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_INVALID && strstr(e.msg, "array"));
		cg_json_free(bb);
		bb = parse("[1]");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_INVALID && strstr(e.msg, "event 0"));
		cg_json_free(bb);
		/* bounds: the batch size and each event's size */
		bb = batch(0, CG_EVENTS_BATCH_MAX + 1, 1, "n1");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_LIMIT);
		cg_json_free(bb);
		bb = batch(100, 2, 0, "n1");
		{
			char *big = malloc(CG_EVENT_MAX_BYTES);
			memset(big, 'a', CG_EVENT_MAX_BYTES - 1);
			big[CG_EVENT_MAX_BYTES - 1] = '\0';
			CHECK(t, cg_json_set(cg_json_get(cg_json_array_at(bb, 1), "details"), "blob", cg_json_new_string(big)) == CG_OK);
			free(big);
		}
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_ERR_LIMIT && strstr(e.msg, "event 1"));
		CHECK_INT(t, events_count(db), 3);
		cg_json_free(bb);
		/* a duplicate inside one batch; the node of the token wins over the event's */
		bb = batch(200, 2, 0, "spoofed");
		CHECK(t, cg_json_append(bb, event(200, 0, "spoofed")) == CG_OK);
		CHECK(t, cg_events_ingest(db, bb, "n2", "cl2", &acc, &dup, &e) == CG_OK);
		CHECK(t, acc == 2 && dup == 1);
		int64_t v = 0;
		CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM events WHERE node = 'n2' AND cluster_id = 'cl2'", NULL, 0, &v, &e) == CG_OK);
		CHECK_INT(t, v, 2);
		cg_json_free(bb);
		/* the stored body is the event; the columns are its fields */
		struct cg_db_rows *r = NULL;
		CHECK(t, cg_db_query(db, "SELECT image, pid, exe, severity, time FROM events WHERE id = 'ev-0-1'", NULL, 0, &r, &e) == CG_OK);
		CHECK_STR(t, cg_db_rows_text(r, 0, 0), "nginx:1.1");
		CHECK_INT(t, cg_db_rows_int(r, 0, 1), 101);
		CHECK_STR(t, cg_db_rows_text(r, 0, 2), "/bin/sh");
		CHECK_STR(t, cg_db_rows_text(r, 0, 3), "high");
		CHECK_INT(t, cg_db_rows_int(r, 0, 4), 1795132801000LL);
		cg_db_rows_free(r);
		/* an empty batch is fine */
		bb = parse("[]");
		CHECK(t, cg_events_ingest(db, bb, NULL, NULL, &acc, &dup, &e) == CG_OK && acc == 0);
		cg_json_free(bb);
	}
}

static size_t items(cg_json *page)
{
	return cg_json_array_len(cg_json_get(page, "items"));
}

static int64_t ev_total(struct cgt *t, struct cg_db *db, struct cg_event_filter f)
{
	struct cg_error e = { 0 };
	cg_json *page = NULL;
	int64_t v = -1;
	CHECKF(t, cg_events_query(db, &f, &page, &e) == CG_OK, "%.300s", e.msg);
	cg_json_get_int(page, "total", &v);
	CHECK_INT(t, (int64_t)items(page), v < 100 ? v : 100);
	cg_json_free(page);
	return v;
}

static void t_events_query(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		size_t acc = 0, dup = 0;
		const int64_t now = 1795132800000LL + 10LL * 86400000 + 3600000; /* day 10, 01:00 */
		/* 60 events on each of days 0, 5, 8 and 9 (node n1), 60 on day 10 (n2) */
		int days[] = { 0, 5, 8, 9, 10 };
		for (size_t d = 0; d < CG_ARRAY_LEN(days); d++) {
			cg_json *b = batch(0, 60, days[d], d == 4 ? "n2" : "n1");
			CHECK(t, cg_events_ingest(db, b, NULL, "cl", &acc, &dup, &e) == CG_OK && acc == 60);
			cg_json_free(b);
		}
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ 0 }), 300);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .category = "escape" }), 100);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .node = "n2" }), 60);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .cluster_id = "cl" }), 300);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .severity = "low" }), 100);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .rule = "r.3" }), 60);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .action = "killed" }), 45);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .image = "nginx:1.0" }), 150);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .container = "c1" }), 75);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .container = "web-1" }), 75);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .last_days = 1, .now_ms = now }), 60);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .last_days = 3, .now_ms = now }), 180);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .last_days = 7, .now_ms = now }), 240);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .from_ms = 1795132800000LL, .to_ms = 1795132800000LL + 9999 }), 10);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .category = "escape", .node = "n1", .severity = "critical", .last_days = 7, .now_ms = now }), 60);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .category = "escape' OR 1=1 --" }), 0);
		CHECK_INT(t, ev_total(t, db, (struct cg_event_filter){ .container = "%" }), 0);
		/* every page newest first, by cursor, nothing twice, nothing missed */
		struct cg_event_filter f = { .limit = 70 };
		int64_t prev_time = INT64_MAX, seen = 0, t0 = 0;
		char cursor[64] = "";
		for (int pg = 0; pg < 10; pg++) {
			cg_json *page = NULL;
			f.cursor = cursor[0] ? cursor : NULL;
			CHECK(t, cg_events_query(db, &f, &page, &e) == CG_OK);
			for (size_t i = 0; i < items(page); i++) {
				cg_json *it = cg_json_array_at(cg_json_get(page, "items"), i);
				CHECK(t, cg_rfc3339_parse(cg_json_get_str(it, "time"), strlen(cg_json_get_str(it, "time")), &t0) == CG_OK);
				CHECK(t, t0 <= prev_time);
				prev_time = t0;
				seen++;
			}
			const char *next = cg_json_get_str(page, "next");
			snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
			if (pg == 0) { /* items are the stored events plus where they came from */
				cg_json *it = cg_json_array_at(cg_json_get(page, "items"), 0);
				int64_t v;
				CHECK_STR(t, cg_json_get_str(it, "node"), "n2");
				CHECK_STR(t, cg_json_get_str(it, "cluster_id"), "cl");
				CHECK(t, cg_json_get_int(it, "seq", &v) && v > 0);
				CHECK(t, cg_json_get_int(cg_json_get(it, "process"), "pid", &v) && v == 159);
				CHECK(t, cg_json_get_bool(page, "total_exact", &(bool){ false }));
			}
			cg_json_free(page);
			if (!next)
				break;
		}
		CHECK_INT(t, seen, 300);
		/* bad filters by name */
		cg_json *page = NULL;
		CHECK(t, cg_events_query(db, &(struct cg_event_filter){ .cursor = "1.2'; DROP TABLE events" }, &page, &e) == CG_ERR_INVALID && strstr(e.msg, "cursor"));
		CHECK(t, cg_events_query(db, &(struct cg_event_filter){ .cursor = "-1.2" }, &page, &e) == CG_ERR_INVALID);
		CHECK(t, cg_events_query(db, &(struct cg_event_filter){ .limit = 1001 }, &page, &e) == CG_ERR_INVALID && strstr(e.msg, "limit"));
		CHECK(t, cg_events_query(db, &(struct cg_event_filter){ .last_days = 91 }, &page, &e) == CG_ERR_INVALID);
		CHECK(t, cg_events_query(db, &(struct cg_event_filter){ .from_ms = 9, .to_ms = 1 }, &page, &e) == CG_ERR_INVALID);
		CHECK(t, page == NULL);
		CHECK_INT(t, events_count(db), 300);
		/* prune */
		int64_t gone = 0;
		CHECK(t, cg_events_prune(db, 1795132800000LL + 86400000, &gone, &e) == CG_OK);
		CHECK_INT(t, gone, 60);
	}
}

static void t_events_daily(struct cgt *t)
{
	EACH_DB(t, db) {
		struct cg_error e = { 0 };
		size_t acc = 0, dup = 0;
		const int64_t now = 1795132800000LL + 10LL * 86400000 + 3600000;
		int days[] = { 0, 5, 8, 9, 10, 10 };
		for (size_t d = 0; d < CG_ARRAY_LEN(days); d++) {
			cg_json *b = batch((int)d * 100, 30, days[d], "n1");
			CHECK(t, cg_events_ingest(db, b, NULL, NULL, &acc, &dup, &e) == CG_OK);
			/* a retried batch does not count twice */
			CHECK(t, cg_events_ingest(db, b, NULL, NULL, &acc, &dup, &e) == CG_OK && acc == 0);
			cg_json_free(b);
		}
		cg_json *out = NULL;
		CHECK(t, cg_events_daily_counts(db, 7, now, &out, &e) == CG_OK);
		cg_json *dl = cg_json_get(out, "days"), *series = cg_json_get(out, "series");
		CHECK_INT(t, cg_json_array_len(dl), 7);
		CHECK_STR(t, cg_json_string(cg_json_array_at(dl, 0)), "2026-11-24");
		CHECK_STR(t, cg_json_string(cg_json_array_at(dl, 6)), "2026-11-30");
		CHECK_INT(t, cg_json_array_len(series), 3);
		cg_json *s0 = cg_json_array_at(series, 0);
		CHECK_STR(t, cg_json_get_str(s0, "category"), "escape");
		int64_t want[7] = { 0, 10, 0, 0, 10, 10, 20 }, v;
		for (int k = 0; k < 7; k++)
			CHECKF(t, cg_json_int(cg_json_array_at(cg_json_get(s0, "counts"), (size_t)k), &v) && v == want[k],
			       "day %d: %lld", k, (long long)v);
		cg_json_free(out);
		CHECK(t, cg_events_daily_counts(db, 30, now, &out, &e) == CG_OK);
		CHECK_INT(t, cg_json_array_len(cg_json_get(out, "days")), 30);
		CHECK(t, cg_json_int(cg_json_array_at(cg_json_get(cg_json_array_at(cg_json_get(out, "series"), 0), "counts"), 19), &v) && v == 10);
		cg_json_free(out);
		out = NULL;
		CHECK(t, cg_events_daily_counts(db, 0, now, &out, &e) == CG_ERR_INVALID);
		CHECK(t, cg_events_daily_counts(db, 91, now, &out, &e) == CG_ERR_INVALID);
		CHECK(t, out == NULL);
		/* an empty store: days, no series */
		CHECK(t, cg_events_daily_counts(db, 3, 86400000LL * 3, &out, &e) == CG_OK);
		CHECK_INT(t, cg_json_array_len(cg_json_get(out, "series")), 0);
		CHECK_STR(t, cg_json_string(cg_json_array_at(cg_json_get(out, "days"), 2)), "1970-01-04");
		cg_json_free(out);
	}
}


/* An acknowledged commit survives SIGKILL of the process (WAL with
 * synchronous=NORMAL: the commit is in the WAL file in the page cache; only a
 * power loss can take the last ones). A child ingests batches and reports each
 * commit on a pipe; the parent kills it mid-stream and counts what is stored. */
static void t_sqlite_sigkill(struct cgt *t)
{
	struct cg_db *db = fresh(t, 0);
	char url[300];
	int p[2];
	pid_t pid;
	long acked = 0, v;
	int64_t stored = 0;
	if (!db)
		return;
	snprintf(url, sizeof(url), "sqlite:%s/db%u.sqlite", tmpdir, dbno);
	cg_db_close(db);
	CHECK(t, pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		struct cg_db *c = NULL;
		close(p[0]);
		if (cg_db_open(url, &c, NULL))
			_exit(1);
		for (int b = 0; b < 100000; b++) {
			cg_json *bb = batch(b * 50, 50, 0, "n1");
			size_t acc = 0, dup = 0;
			if (cg_events_ingest(c, bb, NULL, NULL, &acc, &dup, NULL))
				_exit(1);
			cg_json_free(bb);
			long n = (long)(b + 1) * 50;
			if (write(p[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (acked < 2000 && read(p[0], &v, sizeof(v)) == sizeof(v))
		acked = v;
	kill(pid, SIGKILL);
	while (read(p[0], &v, sizeof(v)) == sizeof(v)) /* acks sent before the kill */
		acked = v;
	waitpid(pid, NULL, 0);
	close(p[0]);
	CHECK(t, acked >= 2000);
	CHECK(t, cg_db_open(url, &db, NULL) == CG_OK);
	if (!db)
		return;
	CHECK(t, cg_db_query_int(db, "SELECT count(*) FROM events", NULL, 0, &stored, NULL) == CG_OK);
	CHECKF(t, stored >= acked, "%lld stored, %ld acknowledged", (long long)stored, acked);
	cg_db_close(db);
}

static void t_rfc3339(struct cgt *t)
{
	static const struct {
		const char *s;
		int64_t ms; /* -1: invalid */
	} v[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-25T18:20:41.123Z", 1795630841123LL },
		{ "2026-11-25T18:20:41.1234567Z", 1795630841123LL },
		{ "2026-11-25T18:20:41.1Z", 1795630841100LL },
		{ "2026-11-25t18:20:41z", 1795630841000LL },
		{ "2026-11-25T20:20:41+02:00", 1795630841000LL },
		{ "2026-11-25T16:20:41.5-02:00", 1795630841500LL },
		{ "2024-02-29T00:00:00Z", 1709164800000LL },
		{ "2016-12-31T23:59:60Z", 1483228799000LL },
		{ "2023-02-29T00:00:00Z", -1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "1970-01-01T00:30:00+01:00", -1 },
		{ "2026-11-25T18:20:41", -1 },
		{ "2026-11-25 18:20:41Z", -1 },
		{ "2026-13-25T18:20:41Z", -1 },
		{ "2026-11-25T24:00:00Z", -1 },
		{ "2026-11-25T18:20:41.Z", -1 },
		{ "2026-11-25T18:20:41.1234567890Z", -1 },
		{ "2026-11-25T18:20:41+0200", -1 },
		{ "2026-11-25T18:20:41Zjunk", -1 },
		{ "+026-11-25T18:20:41Z", -1 },
		{ "", -1 },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(v); i++) {
		int64_t ms = -1;
		cg_err_t rc = cg_rfc3339_parse(v[i].s, strlen(v[i].s), &ms);
		if (v[i].ms < 0)
			CHECKF(t, rc != CG_OK, "%s accepted", v[i].s);
		else
			CHECKF(t, rc == CG_OK && ms == v[i].ms, "%s: %lld", v[i].s, (long long)ms);
	}
	char out[40];
	cg_rfc3339_format(1795630841123LL, out, sizeof(out));
	CHECK_STR(t, out, "2026-11-25T18:20:41.123Z");
	cg_rfc3339_format(0, out, sizeof(out));
	CHECK_STR(t, out, "1970-01-01T00:00:00.000Z");
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_url),
	CGT_CASE(t_migrate),
	CGT_CASE(t_crud),
	CGT_CASE(t_transactions),
	CGT_CASE(t_two_connections),
	CGT_CASE(t_sqlite_file),
	CGT_CASE(t_rfc3339),
	CGT_CASE(t_audit_chain),
	CGT_CASE(t_audit_tamper),
	CGT_CASE(t_audit_prune),
	CGT_CASE(t_audit_concurrent),
	CGT_CASE(t_audit_query),
	CGT_CASE(t_audit_export),
	CGT_CASE(t_events_ingest),
	CGT_CASE(t_events_query),
	CGT_CASE(t_events_daily),
	CGT_CASE(t_sqlite_sigkill),
};

CGT_MAIN(cases)
