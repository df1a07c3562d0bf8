/* The store interface (db.h): URL dispatch, transactions as savepoints, result
 * rows, placeholder translation and the migrations. The backends are
 * db_sqlite.c and db_pg.c; see docs/server-storage.md. */
#include "util/internal.h"
#include <time.h>
#include "server/db_int.h"

/* ---- result rows --------------------------------------------------------- */

struct cg_db_cell {
	size_t off, len;
	bool null;
};

struct cg_db_rows {
	size_t ncols, nrows, cap_rows;
	char **names;
	struct cg_db_cell *cells; /* nrows * ncols */
	struct cg_buf data;       /* every cell's text, each NUL-terminated */
};

cg_err_t cg_db_rows_new(size_t ncols, struct cg_db_rows **out)
{
	struct cg_db_rows *r;
	*out = NULL;
	if (ncols > CG_DB_PARAMS_MAX)
		return CG_ERR_LIMIT;
	if (!(r = calloc(1, sizeof(*r))))
		return CG_ERR_NOMEM;
	r->ncols = ncols;
	if (ncols && !(r->names = calloc(ncols, sizeof(char *)))) {
		free(r);
		return CG_ERR_NOMEM;
	}
	cg_buf_init(&r->data, CG_DB_ROWS_MAX_BYTES);
	*out = r;
	return CG_OK;
}

cg_err_t cg_db_rows_set_name(struct cg_db_rows *r, size_t col, const char *name)
{
	char *s;
	if (col >= r->ncols)
		return CG_ERR_ARG;
	if (!(s = strdup(name ? name : "")))
		return CG_ERR_NOMEM;
	free(r->names[col]);
	r->names[col] = s;
	return CG_OK;
}

cg_err_t cg_db_rows_add_row(struct cg_db_rows *r)
{
	if (r->nrows >= CG_DB_ROWS_MAX)
		return CG_ERR_LIMIT;
	if (r->nrows == r->cap_rows) {
		size_t ncap = r->cap_rows ? r->cap_rows * 2 : 16, bytes;
		struct cg_db_cell *c;
		if (!cg_size_mul(ncap, r->ncols ? r->ncols : 1, &bytes) ||
		    !cg_size_mul(bytes, sizeof(*c), &bytes))
			return CG_ERR_OVERFLOW;
		if (!(c = realloc(r->cells, bytes)))
			return CG_ERR_NOMEM;
		r->cells = c;
		r->cap_rows = ncap;
	}
	for (size_t i = 0; i < r->ncols; i++)
		r->cells[r->nrows * r->ncols + i] = (struct cg_db_cell){ 0, 0, true };
	r->nrows++;
	return CG_OK;
}

cg_err_t cg_db_rows_put(struct cg_db_rows *r, size_t col, const char *p, size_t len)
{
	struct cg_db_cell *c;
	cg_err_t rc;
	if (!r->nrows || col >= r->ncols)
		return CG_ERR_ARG;
	c = &r->cells[(r->nrows - 1) * r->ncols + col];
	if (!p) {
		*c = (struct cg_db_cell){ 0, 0, true };
		return CG_OK;
	}
	c->off = r->data.len;
	c->len = len;
	c->null = false;
	if ((rc = cg_buf_append(&r->data, p, len)) || (rc = cg_buf_putc(&r->data, '\0')))
		return rc;
	return CG_OK;
}

size_t cg_db_rows_count(const struct cg_db_rows *r)
{
	return r ? r->nrows : 0;
}

size_t cg_db_rows_cols(const struct cg_db_rows *r)
{
	return r ? r->ncols : 0;
}

const char *cg_db_rows_name(const struct cg_db_rows *r, size_t col)
{
	return r && col < r->ncols && r->names[col] ? r->names[col] : "";
}

static const struct cg_db_cell *cell(const struct cg_db_rows *r, size_t row, size_t col)
{
	if (!r || row >= r->nrows || col >= r->ncols)
		return NULL;
	return &r->cells[row * r->ncols + col];
}

bool cg_db_rows_null(const struct cg_db_rows *r, size_t row, size_t col)
{
	const struct cg_db_cell *c = cell(r, row, col);
	return !c || c->null;
}

const char *cg_db_rows_text(const struct cg_db_rows *r, size_t row, size_t col)
{
	const struct cg_db_cell *c = cell(r, row, col);
	return !c || c->null ? "" : r->data.data + c->off;
}

size_t cg_db_rows_len(const struct cg_db_rows *r, size_t row, size_t col)
{
	const struct cg_db_cell *c = cell(r, row, col);
	return !c || c->null ? 0 : c->len;
}

int64_t cg_db_rows_int(const struct cg_db_rows *r, size_t row, size_t col)
{
	const struct cg_db_cell *c = cell(r, row, col);
	const char *s;
	char *end;
	long long v;
	if (!c || c->null)
		return 0;
	s = r->data.data + c->off;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno) {
		/* a REAL (e.g. an average) or text: truncate what strtod reads */
		double d = strtod(s, &end);
		if (end == s || d != d)
			return 0;
		if (d >= 9.2e18)
			return INT64_MAX;
		if (d <= -9.2e18)
			return INT64_MIN;
		return (int64_t)d;
	}
	return (int64_t)v;
}

void cg_db_rows_free(struct cg_db_rows *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	free(r->cells);
	cg_buf_release(&r->data);
	free(r);
}

/* ---- SQL text helpers ---------------------------------------------------- */

cg_err_t cg_db_sql_to_qmark(const char *sql, struct cg_buf *out)
{
	const char *p = sql;
	cg_err_t rc = CG_OK;
	while (*p && !rc) {
		if (*p == '\'' || *p == '"') { /* a literal or quoted name: '' doubles */
			char q = *p;
			const char *e = p + 1;
			while (*e && !(*e == q && e[1] != q)) {
				if (*e == q) /* doubled quote */
					e++;
				e++;
			}
			if (*e)
				e++;
			rc = cg_buf_append(out, p, (size_t)(e - p));
			p = e;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');
			e = e ? e : p + strlen(p);
			rc = cg_buf_append(out, p, (size_t)(e - p));
			p = e;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			e = e ? e + 2 : p + strlen(p);
			rc = cg_buf_append(out, p, (size_t)(e - p));
			p = e;
		} else if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
			rc = cg_buf_putc(out, '?');
			p++;
		} else {
			rc = cg_buf_putc(out, *p++);
		}
	}
	return rc;
}

void cg_db_redact_url(const char *url, char *out, size_t outlen)
{
	struct cg_buf b = CG_BUF_INIT(4096);
	const char *scheme = strstr(url, "://"), *at = NULL, *p;
	cg_err_t rc = CG_OK;
	if (scheme) {
		const char *auth = scheme + 3;
		size_t authlen = strcspn(auth, "/?#");
		for (size_t i = 0; i < authlen; i++)
			if (auth[i] == '@')
				at = auth + i; /* the last '@' of the authority */
		if (at) {
			const char *colon = memchr(auth, ':', (size_t)(at - auth));
			if (colon) {
				rc = cg_buf_append(&b, url, (size_t)(colon + 1 - url));
				if (!rc)
					rc = cg_buf_puts(&b, "***");
				url = at;
			}
		}
	}
	/* password=... in a query string or a keyword/value string */
	p = url;
	while (!rc && *p) {
		const char *k = strstr(p, "password=");
		if (!k) {
			rc = cg_buf_puts(&b, p);
			break;
		}
		k += strlen("password=");
		rc = cg_buf_append(&b, p, (size_t)(k - p));
		if (!rc)
			rc = cg_buf_puts(&b, "***");
		p = k + strcspn(k, "& ");
	}
	snprintf(out, outlen, "%s", rc ? "(url)" : cg_buf_str(&b));
	cg_buf_release(&b);
}

/* ---- open, close, transactions ------------------------------------------- */

cg_err_t cg_db_open(const char *url, struct cg_db **out, struct cg_error *err)
{
	struct cg_db *db;
	const char *target;
	cg_err_t rc;
	*out = NULL;
	if (!url || !*url)
		return cg_error_set(err, CG_ERR_ARG, "database URL: empty");
	if (strlen(url) > 4096)
		return cg_error_set(err, CG_ERR_LIMIT, "database URL: longer than 4096 bytes");
	if (!(db = calloc(1, sizeof(*db))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_db_redact_url(url, db->where, sizeof(db->where));
	if (strncmp(url, "sqlite:", 7) == 0) {
		db->ops = &cg_db_sqlite_ops;
		db->kind = CG_DB_SQLITE;
		target = url + 7;
	} else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		db->ops = &cg_db_pg_ops;
		db->kind = CG_DB_POSTGRES;
		target = url;
	} else {
		free(db);
		return cg_error_set(err, CG_ERR_ARG,
				    "database URL: want sqlite:PATH or postgres://..., not \"%.40s\"",
				    strncmp(url, "post", 4) ? url : "postgres...");
	}
	if ((rc = db->ops->open(db, target, err))) {
		free(db);
		return rc;
	}
	*out = db;
	return CG_OK;
}

void cg_db_close(struct cg_db *db)
{
	if (!db)
		return;
	if (db->depth) {
		db->depth = 1;
		cg_db_rollback(db);
	}
	db->ops->close(db);
	free(db);
}

enum cg_db_kind cg_db_kind(const struct cg_db *db)
{
	return db->kind;
}

static cg_err_t begin_with(struct cg_db *db, const char *begin, struct cg_error *err)
{
	char sp[48];
	cg_err_t rc;
	if (db->depth >= 64)
		return cg_error_set(err, CG_ERR_LIMIT, "database: transactions nested deeper than 64");
	if (db->depth == 0) {
		rc = db->ops->script(db, begin, err);
	} else {
		snprintf(sp, sizeof(sp), "SAVEPOINT cg_sp%u", db->depth);
		rc = db->ops->script(db, sp, err);
	}
	if (!rc)
		db->depth++;
	return rc;
}

cg_err_t cg_db_begin(struct cg_db *db, struct cg_error *err)
{
	return begin_with(db, db->ops->begin_write, err);
}

cg_err_t cg_db_begin_read(struct cg_db *db, struct cg_error *err)
{
	return begin_with(db, db->ops->begin_read, err);
}

unsigned cg_db_depth(const struct cg_db *db)
{
	return db->depth;
}

cg_err_t cg_db_commit(struct cg_db *db, struct cg_error *err)
{
	char sp[48];
	cg_err_t rc;
	if (!db->depth)
		return cg_error_set(err, CG_ERR_ARG, "database: commit without a transaction");
	if (db->depth == 1) {
		rc = db->ops->script(db, "COMMIT", err);
		if (rc) { /* the transaction is gone either way (or must be rolled back) */
			db->ops->script(db, "ROLLBACK", NULL);
			db->depth = 0;
			return rc;
		}
	} else {
		snprintf(sp, sizeof(sp), "RELEASE SAVEPOINT cg_sp%u", db->depth - 1);
		if ((rc = db->ops->script(db, sp, err)))
			return rc;
	}
	db->depth--;
	return CG_OK;
}

void cg_db_rollback(struct cg_db *db)
{
	char sp[96];
	if (!db || !db->depth)
		return;
	if (db->depth == 1) {
		db->ops->script(db, "ROLLBACK", NULL);
	} else {
		snprintf(sp, sizeof(sp), "ROLLBACK TO SAVEPOINT cg_sp%u; RELEASE SAVEPOINT cg_sp%u",
			 db->depth - 1, db->depth - 1);
		db->ops->script(db, sp, NULL);
	}
	db->depth--;
}

cg_err_t cg_db_checkpoint(struct cg_db *db, struct cg_error *err)
{
	if (db->kind != CG_DB_SQLITE)
		return CG_OK;
	return db->ops->script(db, "PRAGMA wal_checkpoint(PASSIVE)", err);
}

/* ---- statements ---------------------------------------------------------- */

static cg_err_t check_args(const char *sql, size_t n, struct cg_error *err)
{
	if (!sql)
		return cg_error_set(err, CG_ERR_ARG, "database: no SQL");
	if (strlen(sql) > CG_DB_SQL_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "database: statement longer than %zu bytes",
				    CG_DB_SQL_MAX);
	if (n > CG_DB_PARAMS_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "database: more than %u parameters",
				    CG_DB_PARAMS_MAX);
	return CG_OK;
}

cg_err_t cg_db_exec(struct cg_db *db, const char *sql, const struct cg_db_val *params, size_t n,
		    int64_t *changes, struct cg_error *err)
{
	cg_err_t rc;
	if (changes)
		*changes = 0;
	if ((rc = check_args(sql, n, err)))
		return rc;
	return db->ops->run(db, sql, params, n, NULL, changes, err);
}

cg_err_t cg_db_query(struct cg_db *db, const char *sql, const struct cg_db_val *params, size_t n,
		     struct cg_db_rows **out, struct cg_error *err)
{
	cg_err_t rc;
	*out = NULL;
	if ((rc = check_args(sql, n, err)))
		return rc;
	if ((rc = db->ops->run(db, sql, params, n, out, NULL, err)))
		return rc;
	if (!*out && cg_db_rows_new(0, out))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return CG_OK;
}

cg_err_t cg_db_query_int(struct cg_db *db, const char *sql, const struct cg_db_val *params,
			 size_t n, int64_t *out, struct cg_error *err)
{
	struct cg_db_rows *r = NULL;
	cg_err_t rc;
	*out = 0;
	if ((rc = cg_db_query(db, sql, params, n, &r, err)))
		return rc;
	if (!cg_db_rows_count(r) || !cg_db_rows_cols(r)) {
		cg_db_rows_free(r);
		return cg_error_set(err, CG_ERR_NOTFOUND, "database: no row");
	}
	*out = cg_db_rows_int(r, 0, 0);
	cg_db_rows_free(r);
	return CG_OK;
}

/* ---- migrations ---------------------------------------------------------- */

struct migration {
	int version;
	const char *name;
	const char *sql;
};

static const struct migration migrations[] = {
#define CG_MIGRATION(v, name, sql) { v, name, sql },
#include "server/migrations.def"
#undef CG_MIGRATION
};

int cg_db_schema_version(void)
{
	return migrations[CG_ARRAY_LEN(migrations) - 1].version;
}

/* The migration's SQL with the dialect tokens replaced. */
static cg_err_t dialect_sql(struct cg_db *db, const char *sql, struct cg_buf *out)
{
	static const char *const tokens[] = { "@SERIAL_PK@", "@INT64_PK@" };
	const char *with[] = { db->ops->serial_pk, db->ops->int64_pk };
	const char *p = sql;
	cg_err_t rc = CG_OK;
	while (*p && !rc) {
		size_t i;
		for (i = 0; i < CG_ARRAY_LEN(tokens); i++)
			if (strncmp(p, tokens[i], strlen(tokens[i])) == 0)
				break;
		if (i < CG_ARRAY_LEN(tokens)) {
			rc = cg_buf_puts(out, with[i]);
			p += strlen(tokens[i]);
		} else {
			rc = cg_buf_putc(out, *p++);
		}
	}
	return rc;
}

cg_err_t cg_db_migrate(struct cg_db *db, struct cg_error *err)
{
	struct cg_buf sql = CG_BUF_INIT(CG_DB_SQL_MAX);
	bool locked = false;
	cg_err_t rc;
	if (db->depth)
		return cg_error_set(err, CG_ERR_ARG, "database: migrate inside a transaction");
	if ((rc = db->ops->lock(db, err)))
		goto done;
	locked = true;
	if ((rc = db->ops->script(db,
				  "CREATE TABLE IF NOT EXISTS schema_migrations ("
				  "version INTEGER PRIMARY KEY, applied BIGINT)",
				  err)))
		goto done;
	for (size_t i = 0; i < CG_ARRAY_LEN(migrations); i++) {
		const struct migration *m = &migrations[i];
		struct cg_db_val v[2] = { CG_DB_INTV(m->version), CG_DB_INTV((int64_t)time(NULL)) };
		int64_t have = 0;
		if ((rc = cg_db_begin(db, err)))
			goto done;
		rc = cg_db_query_int(db, "SELECT count(*) FROM schema_migrations WHERE version = $1",
				     v, 1, &have, err);
		if (!rc && have) {
			rc = cg_db_commit(db, err);
			if (rc)
				goto done;
			continue;
		}
		cg_buf_reset(&sql);
		if (!rc && (rc = dialect_sql(db, m->sql, &sql)))
			cg_error_set(err, rc, "migration %d: too long", m->version);
		if (!rc && (rc = db->ops->script(db, cg_buf_str(&sql), err))) {
			struct cg_error e2;
			cg_error_set(&e2, rc, "migration %03d_%s: %s", m->version, m->name,
				     cg_error_message(err));
			if (err)
				*err = e2;
		}
		if (!rc)
			rc = cg_db_exec(db,
					"INSERT INTO schema_migrations (version, applied) VALUES ($1, $2)",
					v, 2, NULL, err);
		if (rc) {
			cg_db_rollback(db);
			goto done;
		}
		if ((rc = cg_db_commit(db, err)))
			goto done;
	}
done:
	if (locked)
		db->ops->unlock(db);
	cg_buf_release(&sql);
	return rc;
}
