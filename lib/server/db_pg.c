/* The PostgreSQL backend of db.h over libpq: one connection, text-format
 * parameters, a prepared-statement cache keyed by the SQL text. The URL's
 * password never appears in a message (db->where is redacted). */
#include "util/internal.h"
#include <libpq-fe.h>
#include "server/db_int.h"

#define STMT_CACHE 256
#define MIGRATION_LOCK "7165190437296422913" /* pg_advisory_lock key: "cguard" */

struct stmt_slot {
	char *sql;
	char name[24];
};

struct pg {
	PGconn *conn;
	struct stmt_slot cache[STMT_CACHE];
	unsigned next_name;
	struct cg_buf vals; /* converted parameter values */
};

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void notice_drop(void *arg, const char *message)
{
	(void)arg;
	cg_debug("postgres: %s", message);
}

static cg_err_t pg_error(struct cg_db *db, const PGresult *res, const char *what,
			 const char *sql, struct cg_error *err)
{
	struct pg *g = db->impl;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	cg_err_t rc = CG_ERR_IO;
	size_t ml;
	if (!msg)
		msg = g && g->conn ? PQerrorMessage(g->conn) : "no connection";
	if (state) {
		if (strcmp(state, "23505") == 0)
			rc = CG_ERR_EXISTS;
		else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
			rc = CG_ERR_INVALID;
		else if (strncmp(state, "42", 2) == 0 || strncmp(state, "08P01", 5) == 0)
			rc = CG_ERR_INTERNAL;
		else if (strncmp(state, "54", 2) == 0)
			rc = CG_ERR_LIMIT;
	}
	ml = strlen(msg);
	while (ml && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
		ml--;
	return cg_error_set(err, rc, "database %s: %s: %.*s%s%s%.80s%s", db->where, what, (int)ml,
			    msg, state ? " " : "", sql ? " (in \"" : "", sql ? sql : "",
			    sql ? "\")" : "");
}

static void cache_clear(struct pg *g)
{
	for (size_t i = 0; i < STMT_CACHE; i++) {
		free(g->cache[i].sql);
		g->cache[i].sql = NULL;
	}
}

static cg_err_t pg_open(struct cg_db *db, const char *url, struct cg_error *err)
{
	struct pg *g;
	if (!(g = calloc(1, sizeof(*g))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_buf_init(&g->vals, (size_t)64 << 20);
	db->impl = g;
	g->conn = PQconnectdb(url);
	if (!g->conn || PQstatus(g->conn) != CONNECTION_OK) {
		const char *m = g->conn ? PQerrorMessage(g->conn) : "out of memory";
		size_t ml = strlen(m);
		while (ml && m[ml - 1] == '\n')
			ml--;
		cg_error_set(err, CG_ERR_IO, "database %s: connect: %.*s", db->where, (int)ml, m);
		PQfinish(g->conn);
		cg_buf_release(&g->vals);
		free(g);
		db->impl = NULL;
		return err ? err->code : CG_ERR_IO;
	}
	PQsetNoticeProcessor(g->conn, notice_drop, NULL);
	return CG_OK;
}

static void pg_close(struct cg_db *db)
{
	struct pg *g = db->impl;
	if (!g)
		return;
	cache_clear(g);
	PQfinish(g->conn);
	cg_buf_release(&g->vals);
	free(g);
	db->impl = NULL;
}

/* A lost connection is reset once, outside a transaction (inside one the
 * transaction is gone: the caller sees the error and retries). */
static void pg_revive(struct cg_db *db)
{
	struct pg *g = db->impl;
	if (PQstatus(g->conn) == CONNECTION_OK || db->depth)
		return;
	PQreset(g->conn);
	cache_clear(g);
}

static cg_err_t pg_script(struct cg_db *db, const char *sql, struct cg_error *err)
{
	struct pg *g = db->impl;
	PGresult *res;
	cg_err_t rc = CG_OK;
	ExecStatusType st;
	pg_revive(db);
	res = PQexec(g->conn, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_error(db, res, "exec", sql, err);
	else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* a statement of the transaction failed earlier: PostgreSQL rolled it
		 * all back and says so only in the command tag */
		rc = cg_error_set(err, CG_ERR_IO,
				  "database %s: commit: the transaction was rolled back (a statement in it failed)",
				  db->where);
	PQclear(res);
	return rc;
}

static cg_err_t pg_stmt(struct cg_db *db, const char *sql, size_t n, const char **name,
			struct cg_error *err)
{
	struct pg *g = db->impl;
	struct stmt_slot *s = &g->cache[hash_sql(sql) % STMT_CACHE];
	char nm[24];
	PGresult *res;
	char *key;
	if (s->sql && strcmp(s->sql, sql) == 0) {
		*name = s->name;
		return CG_OK;
	}
	snprintf(nm, sizeof(nm), "cg%u", g->next_name++);
	res = PQprepare(g->conn, nm, sql, (int)n, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		cg_err_t rc = pg_error(db, res, "prepare", sql, err);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	if (!(key = strdup(sql)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (s->sql) { /* evict: free the server's statement too (best effort) */
		char dsql[48];
		snprintf(dsql, sizeof(dsql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(g->conn, dsql));
		free(s->sql);
	}
	s->sql = key;
	memcpy(s->name, nm, sizeof(nm));
	*name = s->name;
	return CG_OK;
}

static cg_err_t pg_run(struct cg_db *db, const char *sql, const struct cg_db_val *p, size_t n,
		       struct cg_db_rows **rows, int64_t *changes, struct cg_error *err)
{
	struct pg *g = db->impl;
	const char **values = NULL;
	size_t *offs = NULL; /* offsets into g->vals; SIZE_MAX: use p[i].s; SIZE_MAX-1: NULL */
	struct cg_db_rows *r = NULL;
	PGresult *res = NULL;
	const char *name = NULL;
	ExecStatusType st;
	cg_err_t rc = CG_OK;
	static const char hex[] = "0123456789abcdef";

	pg_revive(db);
	if ((rc = pg_stmt(db, sql, n, &name, err)))
		return rc;
	if (n && (!(values = calloc(n, sizeof(*values))) || !(offs = calloc(n, sizeof(*offs)))))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	cg_buf_reset(&g->vals);
	for (size_t i = 0; i < n && !rc; i++) {
		size_t len = p[i].n;
		switch (p[i].type) {
		case CG_DB_NULL:
			offs[i] = SIZE_MAX - 1;
			break;
		case CG_DB_INT:
			offs[i] = g->vals.len;
			rc = cg_buf_printf(&g->vals, "%lld%c", (long long)p[i].i, '\0');
			break;
		case CG_DB_TEXT:
			if (!p[i].s) {
				offs[i] = SIZE_MAX - 1;
				break;
			}
			if (!len) {
				offs[i] = SIZE_MAX;
				break;
			}
			if (memchr(p[i].s, '\0', len))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "database: parameter %zu holds a NUL byte", i + 1));
			offs[i] = g->vals.len;
			if (!(rc = cg_buf_append(&g->vals, p[i].s, len)))
				rc = cg_buf_putc(&g->vals, '\0');
			break;
		case CG_DB_BLOB: /* bytea's text input: \x + hex */
			offs[i] = g->vals.len;
			rc = cg_buf_puts(&g->vals, "\\x");
			for (size_t k = 0; k < len && !rc; k++) {
				char h[2] = { hex[(unsigned char)p[i].s[k] >> 4], hex[(unsigned char)p[i].s[k] & 15] };
				rc = cg_buf_append(&g->vals, h, 2);
			}
			if (!rc)
				rc = cg_buf_putc(&g->vals, '\0');
			break;
		default:
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "database: parameter %zu: bad type", i + 1));
		}
	}
	if (rc)
		CG_FAIL(rc, cg_error_set(err, rc, "database: parameters larger than %zu bytes", g->vals.max));
	for (size_t i = 0; i < n; i++)
		values[i] = offs[i] == SIZE_MAX	      ? p[i].s
			    : offs[i] == SIZE_MAX - 1 ? NULL
						      : g->vals.data + offs[i];
	res = PQexecPrepared(g->conn, name, (int)n, values, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK) {
		if (changes) {
			const char *t = PQcmdTuples(res);
			*changes = *t ? (int64_t)strtoll(t, NULL, 10) : 0;
		}
	} else if (st == PGRES_TUPLES_OK) {
		int nr = PQntuples(res), nc = PQnfields(res);
		if (changes)
			*changes = nr;
		if (rows) {
			if (cg_db_rows_new((size_t)nc, &r))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			for (int c = 0; c < nc; c++)
				if (cg_db_rows_set_name(r, (size_t)c, PQfname(res, c)))
					CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			for (int i = 0; i < nr; i++) {
				if ((rc = cg_db_rows_add_row(r)))
					CG_FAIL(rc, cg_error_set(err, rc, "database: result larger than %zu rows",
								 CG_DB_ROWS_MAX));
				for (int c = 0; c < nc; c++) {
					if (PQgetisnull(res, i, c))
						continue;
					if (PQftype(res, c) == 17) { /* bytea */
						size_t bl = 0;
						unsigned char *b = PQunescapeBytea(
							(const unsigned char *)PQgetvalue(res, i, c), &bl);
						if (!b)
							CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
						rc = cg_db_rows_put(r, (size_t)c, (const char *)b, bl);
						PQfreemem(b);
					} else {
						rc = cg_db_rows_put(r, (size_t)c, PQgetvalue(res, i, c),
								    (size_t)PQgetlength(res, i, c));
					}
					if (rc)
						CG_FAIL(rc, cg_error_set(err, rc, "database: result larger than %zu bytes",
									 CG_DB_ROWS_MAX_BYTES));
				}
			}
		}
	} else {
		rc = pg_error(db, res, "exec", sql, err);
	}
done:
	PQclear(res);
	free(values);
	free(offs);
	if (rc) {
		cg_db_rows_free(r);
		r = NULL;
	}
	if (rows)
		*rows = r;
	return rc;
}

static cg_err_t pg_lock(struct cg_db *db, struct cg_error *err)
{
	return pg_script(db, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", err);
}

static void pg_unlock(struct cg_db *db)
{
	pg_script(db, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")", NULL);
}

const struct cg_db_ops cg_db_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.run = pg_run,
	.script = pg_script,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.begin_write = "BEGIN",
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	.serial_pk = "BIGSERIAL PRIMARY KEY",
	.int64_pk = "BIGINT PRIMARY KEY",
};
