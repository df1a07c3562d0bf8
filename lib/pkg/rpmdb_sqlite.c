/* rpm's SQLite package database (rpmdb.sqlite, rpm >= 4.16): the table
 * Packages(hnum INTEGER PRIMARY KEY, blob BLOB) holds one header per row.
 *
 * The bytes are opened with sqlite3_deserialize(SQLITE_DESERIALIZE_READONLY)
 * on a private connection: no file, no journal, no temp files. The file is
 * untrusted, and so is its schema, so the connection is locked down before
 * the schema is first read: defensive mode, untrusted schema, no triggers or
 * views, cell_size_check (without it SQLite 3.40 read a fuzzed page's bogus
 * cells differently from one run to the next), small limits and a VM-step
 * budget. Packages must be an ordinary table (not a view or a virtual table)
 * without generated columns; the table scan then runs under an authorizer
 * that allows reading Packages and calling length() and typeof() only. A file
 * shorter than its header says is refused as truncated.
 *
 * WAL-mode files (rpm's default: file header bytes 18 and 19 are 2) cannot be
 * opened from memory as they are; they are copied once with both bytes set to
 * 1 (rollback journal), which changes nothing else SQLite reads. */
#include "util/internal.h"
#include "pkg/rpmdb_internal.h"

#include <sqlite3.h>

/* VM instructions between two calls of the progress handler, and the number
 * of calls allowed: a table scan needs a few instructions per row. */
#define SQL_PROGRESS_OPS    1000
#define SQL_PROGRESS_BASE   10000u /* 10M instructions */
#define SQL_PROGRESS_PERPKG 1u     /* + 1000 per allowed package */

struct sqlctx {
	uint64_t ticks;
	uint64_t max_ticks;
};

static int progress(void *ud)
{
	struct sqlctx *s = ud;
	return ++s->ticks > s->max_ticks; /* non-zero interrupts the statement */
}

static bool name_is(const char *a, const char *b)
{
	return a && strcasecmp(a, b) == 0;
}

/* Only reads of the schema and of Packages, and the length() function. */
static int authorize(void *ud, int action, const char *a, const char *b, const char *db,
		     const char *trigger)
{
	(void)ud;
	(void)b;
	(void)db;
	if (trigger)
		return SQLITE_DENY;
	switch (action) {
	case SQLITE_SELECT:
		return SQLITE_OK;
	case SQLITE_READ:
		return name_is(a, "Packages") || name_is(a, "sqlite_master") ||
				       name_is(a, "sqlite_schema")
			       ? SQLITE_OK
			       : SQLITE_DENY;
	case SQLITE_FUNCTION:
		return name_is(b, "length") || name_is(b, "typeof") ? SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

static cg_err_t sql_error(struct cg_rpmdb_ctx *c, sqlite3 *db, int src, const char *what)
{
	cg_err_t code = CG_ERR_INVALID;
	switch (src & 0xff) {
	case SQLITE_NOMEM:
		code = CG_ERR_NOMEM;
		break;
	case SQLITE_INTERRUPT:
		return cg_error_set(c->err, CG_ERR_LIMIT,
				    "sqlite: %s: over the VM-step budget (hostile schema?)", what);
	case SQLITE_TOOBIG:
		code = CG_ERR_LIMIT;
		break;
	default:
		break;
	}
	return cg_error_set(c->err, code, "sqlite: %s: %s", what,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
}

static void set_limits(sqlite3 *db, const struct cg_rpmdb_lim *lim)
{
	/* the largest value: a header blob, or the schema's SQL text */
	size_t length = lim->max_header_bytes + 1;
	if (length < ((size_t)1 << 20))
		length = (size_t)1 << 20;
	if (length > INT_MAX / 2)
		length = INT_MAX / 2;
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)length);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 100000);
	sqlite3_limit(db, SQLITE_LIMIT_COLUMN, 200);
	sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100);
	sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 4);
	sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 25000);
	sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 8);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
	sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 8);
	sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
	sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
}

static int lock_down(sqlite3 *db)
{
	static const int off[] = {
		SQLITE_DBCONFIG_ENABLE_TRIGGER,
#ifdef SQLITE_DBCONFIG_ENABLE_VIEW
		SQLITE_DBCONFIG_ENABLE_VIEW,
#endif
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
		SQLITE_DBCONFIG_TRUSTED_SCHEMA,
#endif
		SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
		SQLITE_DBCONFIG_ENABLE_FKEY,
	};
	int rc;
	for (size_t i = 0; i < CG_ARRAY_LEN(off); i++)
		if ((rc = sqlite3_db_config(db, off[i], 0, (int *)NULL)) != SQLITE_OK)
			return rc;
#ifdef SQLITE_DBCONFIG_DEFENSIVE
	if ((rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL)) != SQLITE_OK)
		return rc;
#endif
	/* SQLite's advice for untrusted files ("Defense against the dark arts"):
	 * check each cell's size against its page, no memory map */
	return sqlite3_exec(db,
			    "PRAGMA temp_store = MEMORY; PRAGMA query_only = 1; "
			    "PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0;",
			    NULL, NULL, NULL);
}

/* Packages must be an ordinary table without generated (computed) columns:
 * a computed blob could cost any amount of time per row while the file
 * stays tiny. */
static cg_err_t check_columns(struct cg_rpmdb_ctx *c, sqlite3 *db)
{
	static const char q[] = "SELECT name, hidden FROM pragma_table_xinfo('Packages')";
	sqlite3_stmt *st = NULL;
	cg_err_t rc = CG_OK;
	int src;

	src = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "reading the columns of Packages"));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 1) != 0)
			CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED,
						 "sqlite: Packages has a generated or hidden column "
						 "'%.64s'",
						 (const char *)sqlite3_column_text(st, 0)));
	}
	if (src != SQLITE_DONE)
		CG_FAIL(rc, sql_error(c, db, src, "reading the columns of Packages"));
done:
	sqlite3_finalize(st);
	return rc;
}

/* Packages must be an ordinary table. */
static cg_err_t check_schema(struct cg_rpmdb_ctx *c, sqlite3 *db)
{
	static const char q[] = "SELECT type, sql FROM sqlite_master WHERE name = 'Packages' "
				"COLLATE NOCASE";
	sqlite3_stmt *st = NULL;
	bool found = false;
	cg_err_t rc = CG_OK;
	int src;

	src = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "reading the schema"));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);
		if (!type || strcmp(type, "table") != 0 || !sql ||
		    strncasecmp(sql, "CREATE TABLE", 12) != 0)
			CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED,
						 "sqlite: Packages is not an ordinary table"));
		found = true;
	}
	if (src != SQLITE_DONE)
		CG_FAIL(rc, sql_error(c, db, src, "reading the schema"));
	if (!found)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "sqlite: no Packages table (not an rpm database)"));
	rc = check_columns(c, db);
done:
	sqlite3_finalize(st);
	return rc;
}

static cg_err_t scan(struct cg_rpmdb_ctx *c, sqlite3 *db)
{
	/* Blobs over the limit are not even loaded: length() reads only the
	 * record header. */
	static const char q[] = "SELECT hnum, CASE WHEN length(blob) <= ?1 THEN blob END, "
				"length(blob), typeof(blob) = 'blob' FROM Packages";
	sqlite3_stmt *st = NULL;
	cg_err_t rc = CG_OK;
	int src;

	src = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "Packages(hnum, blob)"));
	src = sqlite3_bind_int64(st, 1, (sqlite3_int64)c->lim.max_header_bytes);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "binding"));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 key = sqlite3_column_int64(st, 0);
		sqlite3_int64 size = sqlite3_column_int64(st, 2);
		uint32_t hnum = key >= 0 && key <= UINT32_MAX ? (uint32_t)key : 0;
		const void *blob;
		int n;
		if (key < 0 || key > UINT32_MAX)
			rc = cg_rpmdb_skip(c, 0, "sqlite: hnum %lld out of range", (long long)key);
		else if (!sqlite3_column_int(st, 3))
			rc = cg_rpmdb_skip(c, hnum, "sqlite: blob is not a BLOB");
		else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			rc = cg_rpmdb_skip(c, hnum,
					   "sqlite: header of %lld bytes is over max_header_bytes",
					   (long long)size);
		else {
			blob = sqlite3_column_blob(st, 1);
			n = sqlite3_column_bytes(st, 1);
			if (!blob && n == 0)
				rc = cg_rpmdb_skip(c, hnum, "sqlite: empty blob");
			else if (!blob)
				CG_FAIL(rc, sql_error(c, db, sqlite3_errcode(db), "reading a blob"));
			else
				rc = cg_rpmdb_emit(c, blob, (size_t)n, hnum);
		}
		if (rc != CG_OK)
			goto done;
	}
	if (src != SQLITE_DONE)
		CG_FAIL(rc, sql_error(c, db, src, "scanning Packages"));
done:
	sqlite3_finalize(st);
	return rc;
}

/* The file header's page count, when SQLite would trust it (the
 * version-valid-for number at 92 equals the change counter at 24), must fit
 * in the bytes: a truncated file is said so instead of half read. */
static cg_err_t check_size(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len)
{
	struct cg_view v = cg_view_make(data, len);
	uint16_t ps16;
	uint32_t npages, change, valid_for;
	uint64_t pagesize;
	if (!cg_view_u16be(v, 16, &ps16) || !cg_view_u32be(v, 24, &change) ||
	    !cg_view_u32be(v, 28, &npages) || !cg_view_u32be(v, 92, &valid_for))
		return cg_error_set(c->err, CG_ERR_INVALID, "sqlite: file header truncated");
	pagesize = ps16 == 1 ? 65536 : ps16;
	if (pagesize < 512 || (pagesize & (pagesize - 1)))
		return cg_error_set(c->err, CG_ERR_INVALID, "sqlite: bad page size %u", ps16);
	if (npages && change == valid_for && npages * pagesize > len)
		return cg_error_set(c->err, CG_ERR_INVALID,
				    "sqlite: the header says %u pages of %llu bytes, the file has %zu "
				    "bytes (truncated?)",
				    npages, (unsigned long long)pagesize, len);
	return CG_OK;
}

cg_err_t cg_rpmdb_read_sqlite(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len)
{
	struct sqlctx sc = { 0, 0 };
	sqlite3 *db = NULL;
	unsigned char *copy = NULL, *bytes;
	cg_err_t rc = CG_OK;
	int src;

	if (len < 100)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "sqlite: %zu bytes, shorter than the file header", len));
	if ((uint64_t)len > (uint64_t)INT64_MAX)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_LIMIT, "sqlite: too large"));
	if ((rc = check_size(c, data, len)) != CG_OK)
		goto done;
	if (data[18] == 2 || data[19] == 2) {
		/* WAL mode: rollback mode in a private copy */
		copy = malloc(len);
		if (!copy)
			CG_FAIL(rc, cg_error_set(c->err, CG_ERR_NOMEM, "sqlite: out of memory"));
		memcpy(copy, data, len);
		copy[18] = 1;
		copy[19] = 1;
		bytes = copy;
	} else {
		/* SQLITE_DESERIALIZE_READONLY: SQLite never writes to the buffer */
		bytes = (unsigned char *)(uintptr_t)data;
	}

	src = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "opening"));
	set_limits(db, &c->lim);
	if ((src = lock_down(db)) != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "configuring"));
	src = sqlite3_deserialize(db, "main", bytes, (sqlite3_int64)len, (sqlite3_int64)len,
				  SQLITE_DESERIALIZE_READONLY);
	if (src != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "opening the bytes"));
	sc.max_ticks = SQL_PROGRESS_BASE + (uint64_t)SQL_PROGRESS_PERPKG * c->lim.max_packages;
	sqlite3_progress_handler(db, SQL_PROGRESS_OPS, progress, &sc);
	if ((rc = check_schema(c, db)) != CG_OK)
		goto done;
	/* from here on only the table scan */
	if ((src = sqlite3_set_authorizer(db, authorize, NULL)) != SQLITE_OK)
		CG_FAIL(rc, sql_error(c, db, src, "configuring"));
	rc = scan(c, db);
done:
	sqlite3_close(db);
	free(copy);
	return rc;
}
