/* Reading rpm package databases from bytes in memory.
 *
 * rpm keeps one "header blob" per installed package, in one of three on-disk
 * formats; all three are read from a caller's buffer, nothing touches disk:
 *
 *   CG_RPMDB_SQLITE  rpmdb.sqlite, table Packages(hnum, blob): rpm >= 4.16
 *                    (Fedora >= 33, RHEL/CentOS >= 9, CBL-Mariner, Amazon Linux 2023)
 *   CG_RPMDB_BDB     Packages, a Berkeley DB hash file: RHEL/CentOS <= 8, Amazon
 *                    Linux 2, older SUSE (both byte orders, 512..64K pages)
 *   CG_RPMDB_NDB     Packages.db, rpm's own "ndb" format: SUSE / openSUSE
 *
 * Every header blob is checked the way rpm's hdrblobInit/hdrblobImport check
 * it (sizes, region tag and trailer, tag/type/offset/count of every entry,
 * alignment, strings NUL-terminated inside the data store, no overlap, tight
 * packing). A record that fails is skipped and counted in the stats, the rest
 * are still read; only a broken database structure (bad magic, truncated
 * file, a corrupt slot table, SQLite reporting corruption) or a hit limit ends
 * the read with an error.
 *
 * Limits (each with a default; each reported by name when hit):
 *   max_db_bytes      input size (CG_ERR_LIMIT)
 *   max_header_bytes  one header blob; a larger one is skipped and counted
 *   max_packages      records in the database (CG_ERR_LIMIT)
 *   max_files         files (and directories) of one package; above it the
 *                     package is still reported, without files (files_status)
 *   max_path_bytes    joined paths of one package (CG_RPMDB_WANT_PATHS only)
 * Time is linear in the input: every Berkeley DB overflow page is read at most
 * once per database (loops and shared chains are detected), NDB blobs may not
 * overlap, and SQLite runs one plain table scan under a VM-step budget.
 *
 * SQLite databases in WAL mode (rpm's default) are copied once so that the
 * two journal-mode bytes of the file header can say "rollback"; the copy is
 * what SQLite reads. Transactions still sitting in an rpmdb.sqlite-wal file
 * are not seen (pass a checkpointed database). */
#ifndef CGUARD_RPMDB_H
#define CGUARD_RPMDB_H

#include <cguard/common.h>
#include <cguard/error.h>

enum cg_rpmdb_format {
	CG_RPMDB_AUTO = 0, /* detect by magic */
	CG_RPMDB_SQLITE = 1,
	CG_RPMDB_BDB = 2,
	CG_RPMDB_NDB = 3,
};

#define CG_RPMDB_DEFAULT_MAX_DB_BYTES     ((size_t)1 << 30)  /* 1 GiB */
#define CG_RPMDB_DEFAULT_MAX_HEADER_BYTES ((size_t)64 << 20) /* rpm itself allows 256 MiB */
#define CG_RPMDB_DEFAULT_MAX_PACKAGES     ((size_t)100000)
#define CG_RPMDB_DEFAULT_MAX_FILES        ((size_t)1000000)
#define CG_RPMDB_DEFAULT_MAX_PATH_BYTES   ((size_t)64 << 20)

enum cg_rpmdb_flags {
	/* Also give each package's full file paths (pkg->paths), joined in a
	 * scratch buffer bounded by max_path_bytes. */
	CG_RPMDB_WANT_PATHS = 1 << 0,
};

struct cg_rpmdb_options {
	enum cg_rpmdb_format format; /* CG_RPMDB_AUTO: by magic */
	unsigned flags;              /* enum cg_rpmdb_flags */
	size_t max_db_bytes;         /* each 0: its CG_RPMDB_DEFAULT_* */
	size_t max_header_bytes;
	size_t max_packages;
	size_t max_files;
	size_t max_path_bytes;
};

enum cg_rpmdb_files {
	CG_RPMDB_FILES_OK = 0,      /* the file list below is complete (possibly empty) */
	CG_RPMDB_FILES_INVALID = 1, /* the file tags disagree (counts, types, indexes): none given */
	CG_RPMDB_FILES_LIMIT = 2,   /* over max_files or max_path_bytes: none given */
};

/* One installed package. Every pointer points into the header being read (or
 * a scratch buffer) and is valid only during the callback: copy what you keep. */
struct cg_rpmdb_pkg {
	uint32_t hnum;            /* the record's key: SQLite hnum, BDB key, NDB pkgidx */
	const char *name;         /* NAME (1000); never NULL */
	const char *version;      /* VERSION (1001); this and the others: NULL when absent */
	const char *release;      /* RELEASE (1002) */
	const char *arch;         /* ARCH (1022); absent for gpg-pubkey pseudo-packages */
	const char *sourcerpm;    /* SOURCERPM (1044), e.g. "bash-5.1.8-1.cm2.src.rpm" */
	const char *license;      /* LICENSE (1014) */
	const char *vendor;       /* VENDOR (1011) */
	const char *modularitylabel; /* MODULARITYLABEL (5096) */
	bool has_epoch;
	uint32_t epoch;           /* EPOCH (1003); 0 when !has_epoch */
	bool has_size;
	uint64_t size;            /* installed size: LONGSIZE (5009), else SIZE (1009) */

	/* Files: path i is dirnames[dirindexes[i]] followed by basenames[i]
	 * (BASENAMES 1117, DIRNAMES 1118, DIRINDEXES 1116). A header with only
	 * the old OLDFILENAMES (1027) is given as ndirs == 1, dirnames[0] == ""
	 * and the full paths in basenames. Each dirindexes[i] < ndirs. */
	enum cg_rpmdb_files files_status;
	size_t nfiles;
	const char *const *basenames;
	const uint32_t *dirindexes;
	size_t ndirs;
	const char *const *dirnames;
	/* With CG_RPMDB_WANT_PATHS: the nfiles joined paths; else NULL. */
	const char *const *paths;
};

struct cg_rpmdb_stats {
	enum cg_rpmdb_format format; /* the format read (detected or given) */
	size_t packages;             /* packages handed to the callback */
	size_t skipped;              /* records that were not valid headers (or over a limit) */
	char first_skip[160];        /* why the first one was skipped ("" if none) */
};

/* Called once per valid package. Return CG_OK to go on; any other code stops
 * the read, and cg_rpmdb_read returns that code. */
typedef cg_err_t (*cg_rpmdb_pkg_fn)(const struct cg_rpmdb_pkg *pkg, void *userdata);

/* Read every package of the database in data[0..len) (untrusted; not modified,
 * not kept after the call). `opt` may be NULL (defaults, format by magic);
 * `stats` and `err` may be NULL. Returns CG_OK when the whole database was
 * read (some records may have been skipped: see stats), CG_ERR_INVALID for a
 * broken database, CG_ERR_UNSUPPORTED for a valid but unhandled one (e.g. a
 * Berkeley DB btree file, an encrypted one, an unknown NDB version),
 * CG_ERR_LIMIT for a hit limit, CG_ERR_NOMEM, or the callback's code. On an
 * error the callback may already have been called for some packages. */
CG_API cg_err_t cg_rpmdb_read(const void *data, size_t len, const struct cg_rpmdb_options *opt,
			      cg_rpmdb_pkg_fn fn, void *userdata, struct cg_rpmdb_stats *stats,
			      struct cg_error *err) CG_MUST_CHECK;

/* Parse one header blob, as stored in a database (no 8-byte magic: it starts
 * with the index count), and call fn once. CG_ERR_INVALID (reason in err)
 * when it is not a valid header; opt->format is ignored. */
CG_API cg_err_t cg_rpmdb_read_header(const void *blob, size_t len,
				     const struct cg_rpmdb_options *opt, cg_rpmdb_pkg_fn fn,
				     void *userdata, struct cg_error *err) CG_MUST_CHECK;

/* The format of data[0..len) by its magic; CG_ERR_INVALID when none matches. */
CG_API cg_err_t cg_rpmdb_detect(const void *data, size_t len, enum cg_rpmdb_format *format,
				struct cg_error *err) CG_MUST_CHECK;

/* "auto", "sqlite", "bdb", "ndb" (never NULL). */
CG_API const char *cg_rpmdb_format_name(enum cg_rpmdb_format format);

#endif
