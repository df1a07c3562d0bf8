/* Internal: what db.c shares with its backends (db_sqlite.c, db_pg.c).
 *
 * db.c owns the public functions of db.h: it parses the URL, picks the backend's
 * ops table, keeps the transaction depth (nested transactions are savepoints),
 * builds result rows and runs the migrations. A backend runs one statement
 * (with $N placeholders as written; SQLite translates them), runs a script of
 * several statements without parameters, and takes the migration lock. */
#ifndef CG_SERVER_DB_INT_H
#define CG_SERVER_DB_INT_H

#include "server/db.h"

/* Bounds of one materialised result. */
#define CG_DB_ROWS_MAX_BYTES ((size_t)256 << 20)
#define CG_DB_ROWS_MAX ((size_t)1 << 20)
/* Bound on one statement's text and parameter count. */
#define CG_DB_SQL_MAX ((size_t)1 << 20)
#define CG_DB_PARAMS_MAX 1000u

struct cg_db_ops {
	const char *name;
	cg_err_t (*open)(struct cg_db *db, const char *target, struct cg_error *err);
	void (*close)(struct cg_db *db);
	/* One statement. rows (optional) receives the result (NULL when the
	 * statement returns none); changes (optional) the rows changed. */
	cg_err_t (*run)(struct cg_db *db, const char *sql, const struct cg_db_val *p, size_t n,
			struct cg_db_rows **rows, int64_t *changes, struct cg_error *err);
	/* Several statements, no parameters, no result (migrations, BEGIN...). */
	cg_err_t (*script)(struct cg_db *db, const char *sql, struct cg_error *err);
	/* The migration lock (held across the migrations' transactions). */
	cg_err_t (*lock)(struct cg_db *db, struct cg_error *err);
	void (*unlock)(struct cg_db *db);
	/* Dialect words. */
	const char *begin_write; /* "BEGIN IMMEDIATE" | "BEGIN" */
	const char *begin_read;  /* "BEGIN" | "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" */
	const char *serial_pk;   /* autoincrementing 64-bit key */
	const char *int64_pk;    /* a 64-bit key the caller assigns */
};

struct cg_db {
	const struct cg_db_ops *ops;
	enum cg_db_kind kind;
	unsigned depth;        /* open transactions (1 = BEGIN, >1 savepoints) */
	char where[200];       /* the URL with any password redacted, for messages */
	void *impl;            /* the backend's state */
};

extern const struct cg_db_ops cg_db_sqlite_ops;
extern const struct cg_db_ops cg_db_pg_ops;

/* Result builder used by the backends. */
cg_err_t cg_db_rows_new(size_t ncols, struct cg_db_rows **out);
cg_err_t cg_db_rows_set_name(struct cg_db_rows *r, size_t col, const char *name);
cg_err_t cg_db_rows_add_row(struct cg_db_rows *r);
/* Set a cell of the last row (p NULL: SQL NULL). */
cg_err_t cg_db_rows_put(struct cg_db_rows *r, size_t col, const char *p, size_t len);

/* Copy sql into out with $N placeholders turned into ?N, outside quotes and
 * comments (SQLite). */
cg_err_t cg_db_sql_to_qmark(const char *sql, struct cg_buf *out);

/* Write url into out with the password (user:PASS@, password=...) masked. */
void cg_db_redact_url(const char *url, char *out, size_t outlen);

#endif
