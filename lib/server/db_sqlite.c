/* The SQLite backend of db.h: one connection, WAL, a prepared-statement cache
 * keyed by the SQL text. See docs/server-storage.md for durability and threads. */
#include "util/internal.h"
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include "server/db_int.h"

#define STMT_CACHE 256 /* direct-mapped slots */

struct stmt_slot {
	char *sql; /* the key: the SQL as the caller wrote it */
	sqlite3_stmt *stmt;
};

struct sq {
	sqlite3 *db;
	struct stmt_slot cache[STMT_CACHE];
	struct cg_buf tmp; /* translated SQL */
};

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static cg_err_t sq_error(struct cg_db *db, int code, const char *what, const char *sql,
			 struct cg_error *err)
{
	struct sq *q = db->impl;
	int primary = code & 0xff;
	cg_err_t rc;
	switch (primary) {
	case SQLITE_CONSTRAINT:
		rc = code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
			     ? CG_ERR_EXISTS
			     : CG_ERR_INVALID;
		break;
	case SQLITE_NOMEM:
		rc = CG_ERR_NOMEM;
		break;
	case SQLITE_ERROR:
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		rc = CG_ERR_INTERNAL; /* a bad statement: a bug */
		break;
	case SQLITE_TOOBIG:
		rc = CG_ERR_LIMIT;
		break;
	default:
		rc = CG_ERR_IO;
		break;
	}
	return cg_error_set(err, rc, "database %s: %s: %s%s%.80s%s", db->where, what,
			    q && q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(code),
			    sql ? " (in \"" : "", sql ? sql : "", sql ? "\")" : "");
}

static cg_err_t sq_script(struct cg_db *db, const char *sql, struct cg_error *err)
{
	struct sq *q = db->impl;
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_error(db, sqlite3_extended_errcode(q->db), "exec", sql, err);
	return CG_OK;
}

static cg_err_t sq_open(struct cg_db *db, const char *path, struct cg_error *err)
{
	struct sq *q;
	int rc, fd;
	cg_err_t e;
	if (path[0] == '/' && path[1] == '/')
		path += 2; /* sqlite:///abs/path */
	if (!*path)
		return cg_error_set(err, CG_ERR_ARG, "database URL: sqlite: needs a path");
	if (!(q = calloc(1, sizeof(*q))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_buf_init(&q->tmp, CG_DB_SQL_MAX + 1024);
	db->impl = q;
	/* the file holds password hashes and tokens: 0600 from the start (SQLite
	 * gives its -wal and -shm files the database file's mode) */
	if (strcmp(path, ":memory:") != 0) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			e = cg_error_set(err, CG_ERR_IO, "database %s: %s", db->where, strerror(errno));
			goto fail;
		}
		close(fd);
	}
	rc = sqlite3_open_v2(path, &q->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		e = sq_error(db, rc, "open", NULL, err);
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, 10000);
	if ((e = sq_script(db,
			   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
			   /* the event indexes are wide: 64 MiB of page cache a connection,
			    * reads through mmap, checkpoints every 64 MiB of WAL */
			   "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; "
			   "PRAGMA wal_autocheckpoint=16384",
			   err)))
		goto fail;
	return CG_OK;
fail:
	sqlite3_close_v2(q->db);
	cg_buf_release(&q->tmp);
	free(q);
	db->impl = NULL;
	return e;
}

static void sq_close(struct cg_db *db)
{
	struct sq *q = db->impl;
	if (!q)
		return;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(q->cache[i].stmt);
		free(q->cache[i].sql);
	}
	sqlite3_close_v2(q->db);
	cg_buf_release(&q->tmp);
	free(q);
	db->impl = NULL;
}

/* The cached statement for sql, prepared on a miss (evicting the slot's). */
static cg_err_t sq_stmt(struct cg_db *db, const char *sql, sqlite3_stmt **out,
			struct cg_error *err)
{
	struct sq *q = db->impl;
	struct stmt_slot *s = &q->cache[hash_sql(sql) % STMT_CACHE];
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	char *key;
	int rc;
	if (s->sql && strcmp(s->sql, sql) == 0) {
		*out = s->stmt;
		return CG_OK;
	}
	cg_buf_reset(&q->tmp);
	if (cg_db_sql_to_qmark(sql, &q->tmp))
		return cg_error_set(err, CG_ERR_LIMIT, "database: statement too long");
	rc = sqlite3_prepare_v3(q->db, cg_buf_str(&q->tmp), (int)q->tmp.len + 1,
				SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return sq_error(db, sqlite3_extended_errcode(q->db), "prepare", sql, err);
	if (!st)
		return cg_error_set(err, CG_ERR_ARG, "database: empty statement");
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		sqlite3_finalize(st);
		return cg_error_set(err, CG_ERR_ARG, "database: more than one statement in \"%.80s\"",
				    sql);
	}
	if (!(key = strdup(sql))) {
		sqlite3_finalize(st);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	sqlite3_finalize(s->stmt);
	free(s->sql);
	s->sql = key;
	s->stmt = st;
	*out = st;
	return CG_OK;
}

static cg_err_t sq_run(struct cg_db *db, const char *sql, const struct cg_db_val *p, size_t n,
		       struct cg_db_rows **rows, int64_t *changes, struct cg_error *err)
{
	struct sq *q = db->impl;
	struct cg_db_rows *r = NULL;
	sqlite3_stmt *st = NULL;
	cg_err_t rc;
	int src, ncols;
	if ((rc = sq_stmt(db, sql, &st, err)))
		return rc;
	if ((size_t)sqlite3_bind_parameter_count(st) != n) {
		rc = cg_error_set(err, CG_ERR_ARG, "database: statement takes %d parameters, %zu given (\"%.80s\")",
				  sqlite3_bind_parameter_count(st), n, sql);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		int idx = (int)i + 1;
		size_t len = p[i].n;
		switch (p[i].type) {
		case CG_DB_NULL:
			src = sqlite3_bind_null(st, idx);
			break;
		case CG_DB_INT:
			src = sqlite3_bind_int64(st, idx, p[i].i);
			break;
		case CG_DB_TEXT:
			if (!p[i].s) {
				src = sqlite3_bind_null(st, idx);
				break;
			}
			if (!len)
				len = strlen(p[i].s);
			if (len > INT_MAX)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "database: parameter %zu too long", i + 1));
			src = sqlite3_bind_text(st, idx, p[i].s, (int)len, SQLITE_STATIC);
			break;
		case CG_DB_BLOB:
			if (len > INT_MAX)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "database: parameter %zu too long", i + 1));
			src = sqlite3_bind_blob(st, idx, p[i].s ? p[i].s : "", (int)len, SQLITE_STATIC);
			break;
		default:
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "database: parameter %zu: bad type", i + 1));
		}
		if (src != SQLITE_OK)
			CG_FAIL(rc, sq_error(db, src, "bind", sql, err));
	}
	ncols = sqlite3_column_count(st);
	if (rows) {
		if (cg_db_rows_new((size_t)ncols, &r))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		for (int c = 0; c < ncols; c++)
			if (cg_db_rows_set_name(r, (size_t)c, sqlite3_column_name(st, c)))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!r)
			continue;
		if ((rc = cg_db_rows_add_row(r)))
			CG_FAIL(rc, cg_error_set(err, rc, "database: result larger than %zu rows", CG_DB_ROWS_MAX));
		for (int c = 0; c < ncols; c++) {
			int t = sqlite3_column_type(st, c);
			const char *v = NULL;
			size_t len = 0;
			if (t == SQLITE_BLOB) {
				v = sqlite3_column_blob(st, c);
				len = (size_t)sqlite3_column_bytes(st, c);
				if (!v)
					v = "";
			} else if (t != SQLITE_NULL) {
				v = (const char *)sqlite3_column_text(st, c);
				len = (size_t)sqlite3_column_bytes(st, c);
				if (!v)
					CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			}
			if ((rc = cg_db_rows_put(r, (size_t)c, v, len)))
				CG_FAIL(rc, cg_error_set(err, rc, "database: result larger than %zu bytes",
							 CG_DB_ROWS_MAX_BYTES));
		}
	}
	if (src != SQLITE_DONE)
		CG_FAIL(rc, sq_error(db, sqlite3_extended_errcode(q->db), "step", sql, err));
	if (changes)
		*changes = (int64_t)sqlite3_changes64(q->db);
done:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc) {
		cg_db_rows_free(r);
		r = NULL;
	}
	if (rows)
		*rows = r;
	return rc;
}

/* Migrations: each runs in a BEGIN IMMEDIATE transaction that re-reads
 * schema_migrations first, so the write lock is the migration lock. */
static cg_err_t sq_lock(struct cg_db *db, struct cg_error *err)
{
	(void)db;
	(void)err;
	return CG_OK;
}

static void sq_unlock(struct cg_db *db)
{
	(void)db;
}

const struct cg_db_ops cg_db_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.run = sq_run,
	.script = sq_script,
	.lock = sq_lock,
	.unlock = sq_unlock,
	.begin_write = "BEGIN IMMEDIATE",
	.begin_read = "BEGIN DEFERRED",
	.serial_pk = "INTEGER PRIMARY KEY",
	.int64_pk = "INTEGER PRIMARY KEY",
};
