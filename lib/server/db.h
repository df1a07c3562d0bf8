/* The server's one store interface over SQLite and PostgreSQL.
 *
 * SQL is written once, in the common subset of both dialects, with numbered
 * placeholders $1..$n (the SQLite backend binds them as ?1..?n). Values are typed
 * (text, 64-bit integer, null, blob); results are fully materialised rows (the
 * server's queries are paginated and bounded). Transactions nest as savepoints.
 * Migrations are numbered SQL files compiled in (migrations.def) and applied at
 * open under a lock, each in its own transaction, recorded in schema_migrations. */
#ifndef CG_SERVER_DB_H
#define CG_SERVER_DB_H

#include <cguard/cguard.h>

struct cg_db;

enum cg_db_kind { CG_DB_SQLITE, CG_DB_POSTGRES };

enum cg_db_type { CG_DB_NULL, CG_DB_TEXT, CG_DB_INT, CG_DB_BLOB };

struct cg_db_val {
	enum cg_db_type type;
	const char *s; /* TEXT (NUL-terminated unless n given), BLOB */
	size_t n;      /* TEXT/BLOB length; 0 with TEXT means strlen(s) */
	int64_t i;     /* INT */
};
#define CG_DB_TEXTV(str) ((struct cg_db_val){ .type = CG_DB_TEXT, .s = (str) })
#define CG_DB_INTV(v) ((struct cg_db_val){ .type = CG_DB_INT, .i = (v) })
#define CG_DB_NULLV ((struct cg_db_val){ .type = CG_DB_NULL })

/* url: "sqlite:PATH" or a "postgres://" / "postgresql://" URL (libpq). */
cg_err_t cg_db_open(const char *url, struct cg_db **out, struct cg_error *err);
void cg_db_close(struct cg_db *db);
enum cg_db_kind cg_db_kind(const struct cg_db *db);

/* Apply the compiled-in migrations that are not applied yet. */
cg_err_t cg_db_migrate(struct cg_db *db, struct cg_error *err);

cg_err_t cg_db_begin(struct cg_db *db, struct cg_error *err);
cg_err_t cg_db_commit(struct cg_db *db, struct cg_error *err);
void cg_db_rollback(struct cg_db *db);

/* Run a statement. *changes (optional) gets the number of rows changed. */
cg_err_t cg_db_exec(struct cg_db *db, const char *sql, const struct cg_db_val *params,
		    size_t n, int64_t *changes, struct cg_error *err);

struct cg_db_rows;
cg_err_t cg_db_query(struct cg_db *db, const char *sql, const struct cg_db_val *params,
		     size_t n, struct cg_db_rows **out, struct cg_error *err);
size_t cg_db_rows_count(const struct cg_db_rows *r);
size_t cg_db_rows_cols(const struct cg_db_rows *r);
const char *cg_db_rows_name(const struct cg_db_rows *r, size_t col);
bool cg_db_rows_null(const struct cg_db_rows *r, size_t row, size_t col);
/* Text of a cell ("" for NULL), its length, and as an integer (0 for NULL). */
const char *cg_db_rows_text(const struct cg_db_rows *r, size_t row, size_t col);
size_t cg_db_rows_len(const struct cg_db_rows *r, size_t row, size_t col);
int64_t cg_db_rows_int(const struct cg_db_rows *r, size_t row, size_t col);
void cg_db_rows_free(struct cg_db_rows *r);

/* Convenience: a single integer (first row, first column), CG_ERR_NOTFOUND when
 * there is no row. */
cg_err_t cg_db_query_int(struct cg_db *db, const char *sql, const struct cg_db_val *params,
			 size_t n, int64_t *out, struct cg_error *err);

/* ---- added by the storage layer (branch db) ------------------------------ */

/* A read-only snapshot transaction (SQLite: BEGIN DEFERRED, which does not
 * block writers under WAL; PostgreSQL: REPEATABLE READ READ ONLY). cg_db_begin
 * is the write transaction: SQLite BEGIN IMMEDIATE (writers are serialised at
 * begin, so a read-then-write never fails with SQLITE_BUSY halfway). Commit and
 * roll back as usual. */
cg_err_t cg_db_begin_read(struct cg_db *db, struct cg_error *err);
/* Open transactions (0: none; 1: a transaction; more: savepoints). */
unsigned cg_db_depth(const struct cg_db *db);
/* SQLite: copy the write-ahead log into the database file now (PASSIVE: never
 * waits for readers or writers), so the ingest path does not pay for it; a
 * server runs this from a background thread every few seconds. PostgreSQL:
 * nothing (the server checkpoints itself). */
cg_err_t cg_db_checkpoint(struct cg_db *db, struct cg_error *err);
/* The highest migration version compiled in. */
int cg_db_schema_version(void);

#endif
