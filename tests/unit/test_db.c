/* The server store (lib/server): db.h on SQLite, and on PostgreSQL when
 * CG_TEST_PG_URL names a database (the test WIPES its public schema; the
 * integration test tests/integration/server_store_pg.sh starts a throwaway
 * server and sets it). Every case runs on each backend. */
#include "util/internal.h"
#include <sys/stat.h>
#include <unistd.h>
#include "server/db.h"
#include "server/db_int.h"
#include "cgtest.h"

static char tmpdir[256];
static unsigned dbno;

static int nbackends(void)
{
	const char *u = getenv("CG_TEST_PG_URL");
	return u && *u ? 2 : 1;
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

		OK(t, cg_db_begin_read(db, &e));
		CHECK_INT(t, count_users(db), 2);
		OK(t, cg_db_commit(db, &e));
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

static const struct cgt_case cases[] = {
	CGT_CASE(t_url),
	CGT_CASE(t_migrate),
	CGT_CASE(t_crud),
	CGT_CASE(t_transactions),
	CGT_CASE(t_two_connections),
	CGT_CASE(t_sqlite_file),
};

CGT_MAIN(cases)
