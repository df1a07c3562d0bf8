/* Internal: the pieces of the rpm database reader (lib/pkg/rpmdb*.c,
 * lib/pkg/rpmhdr.c). rpmdb.c detects the format and runs one reader; a
 * reader finds the header blobs of its format and hands each one to
 * cg_rpmdb_emit(), which parses it (rpmhdr.c) and calls the user's callback. */
#ifndef CG_PKG_RPMDB_INTERNAL_H
#define CG_PKG_RPMDB_INTERNAL_H

#include <cguard/rpmdb.h>

/* The options with every default filled in. */
struct cg_rpmdb_lim {
	unsigned flags;
	size_t max_db_bytes;
	size_t max_header_bytes;
	size_t max_packages;
	size_t max_files;
	size_t max_path_bytes;
};

/* Grow-only arrays reused from one header to the next (freed once). */
struct cg_rpmhdr_scratch {
	const char **base;
	uint32_t *base_len;
	size_t cap_base;
	const char **dirs;
	uint32_t *dir_len;
	size_t cap_dirs;
	uint32_t *dirindexes;
	size_t cap_idx;
	const char **paths;
	size_t cap_paths;
	char *pathbuf;
	size_t cap_pathbuf;
};

void cg_rpmhdr_scratch_release(struct cg_rpmhdr_scratch *s);

/* Parse one header blob (no magic) into *pkg, whose pointers then point into
 * blob and the scratch arrays. CG_ERR_INVALID with a short reason in why[],
 * or CG_ERR_NOMEM. pkg->hnum is left 0. */
cg_err_t cg_rpmhdr_parse(const uint8_t *blob, size_t len, const struct cg_rpmdb_lim *lim,
			 struct cg_rpmhdr_scratch *s, struct cg_rpmdb_pkg *pkg, char *why,
			 size_t whylen);

/* The state of one cg_rpmdb_read(). */
struct cg_rpmdb_ctx {
	struct cg_rpmdb_lim lim;
	cg_rpmdb_pkg_fn fn;
	void *ud;
	struct cg_rpmdb_stats *stats; /* never NULL */
	size_t records;               /* records seen: packages + skipped */
	struct cg_rpmhdr_scratch scratch;
	struct cg_error *err;
};

/* A record's header blob: parse it and call the callback, or skip and count
 * it when it is invalid or larger than max_header_bytes. Returns CG_OK, or
 * the error that must end the read (CG_ERR_LIMIT past max_packages,
 * CG_ERR_NOMEM, the callback's code), with err set. */
cg_err_t cg_rpmdb_emit(struct cg_rpmdb_ctx *c, const uint8_t *blob, size_t len, uint32_t hnum);

/* A record a reader could not turn into a header blob: count it as skipped.
 * Returns CG_OK, or CG_ERR_LIMIT past max_packages (err set). */
cg_err_t cg_rpmdb_skip(struct cg_rpmdb_ctx *c, uint32_t hnum, const char *fmt, ...)
	CG_PRINTF(3, 4);

/* The readers: data[0..len) has the format's magic. Errors set c->err. */
cg_err_t cg_rpmdb_read_sqlite(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len);
cg_err_t cg_rpmdb_read_bdb(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len);
cg_err_t cg_rpmdb_read_ndb(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len);

#endif
