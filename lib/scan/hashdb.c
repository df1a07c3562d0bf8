/* ClamAV hash signature lists (.hdb, .hsb): parsing and lookups. The format
 * and the lifecycle are in malware.h.
 *
 * Entries live in one array sorted by (algorithm, digest) and are found by
 * binary search; the sizes of all entries are kept in a second sorted array so
 * that the scanner can tell from a file's size alone, before reading it,
 * whether any entry could match (the usual answer is no: hashing is skipped).
 * Names are stored once in a string pool and referenced by offset. */
#include "util/internal.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "scan/malware.h"

#define HDB_MAX_FILE	((size_t)512 << 20) /* bytes of one database file */
#define HDB_MAX_LINE	1024		    /* bytes of one line */
#define HDB_MAX_NAME	256		    /* bytes of one malware name */
#define HDB_MAX_ENTRIES ((size_t)16 << 20)  /* entries in all files together */
#define HDB_MAX_NAMES	((size_t)1 << 30)   /* bytes of all names together */
#define HDB_MAX_FIELDS	5		    /* hash, size, name, MinFL, MaxFL */

struct hdb_entry {
	uint8_t digest[CG_HASH_MAX_LEN];
	uint64_t size;
	uint32_t name; /* offset into the name pool */
	uint8_t alg;
	bool any_size;
};

struct cg_hashdb {
	struct hdb_entry *e;
	size_t n, cap;
	struct cg_buf names; /* NUL-separated names */
	uint64_t *sizes;     /* sorted, unique: sizes of the fixed-size entries */
	size_t nsizes;
	size_t nany; /* entries of any size */
	unsigned algs;
	bool sealed;
};

/* Which hashes a file may hold, from its extension. */
enum hdb_kind {
	HDB_ANY, /* MD5, SHA-1 or SHA-256, by the length of the hash */
	HDB_MD5, /* .hdb, .hdu */
	HDB_SHA, /* .hsb, .hsu: SHA-1 or SHA-256 */
};

static const size_t hash_lens[CG_HASH__COUNT] = {16, 20, 32};

size_t cg_hash_len(enum cg_hash_alg alg)
{
	return (unsigned)alg < CG_HASH__COUNT ? hash_lens[alg] : 0;
}

cg_err_t cg_hashdb_new(struct cg_hashdb **out)
{
	struct cg_hashdb *db = calloc(1, sizeof(*db));
	*out = NULL;
	if (!db)
		return CG_ERR_NOMEM;
	cg_buf_init(&db->names, HDB_MAX_NAMES);
	*out = db;
	return CG_OK;
}

void cg_hashdb_free(struct cg_hashdb *db)
{
	if (!db)
		return;
	free(db->e);
	free(db->sizes);
	cg_buf_release(&db->names);
	free(db);
}

size_t cg_hashdb_count(const struct cg_hashdb *db)
{
	return db ? db->n : 0;
}

unsigned cg_hashdb_algs(const struct cg_hashdb *db)
{
	return db ? db->algs : 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static cg_err_t kind_of(const char *name, enum hdb_kind *kind, struct cg_error *err)
{
	static const char *const other[] = {".mdb", ".msb", ".imp", ".ndb", ".ldb", ".cdb",
					    ".fp",  ".sfp", ".cvd", ".cld", ".cud"};
	const char *dot = strrchr(base_name(name), '.');
	*kind = HDB_ANY;
	if (!dot)
		return CG_OK;
	if (strcasecmp(dot, ".hdb") == 0 || strcasecmp(dot, ".hdu") == 0) {
		*kind = HDB_MD5;
	} else if (strcasecmp(dot, ".hsb") == 0 || strcasecmp(dot, ".hsu") == 0) {
		*kind = HDB_SHA;
	} else {
		for (size_t i = 0; i < CG_ARRAY_LEN(other); i++)
			if (strcasecmp(dot, other[i]) == 0)
				return cg_error_set(
				    err, CG_ERR_UNSUPPORTED,
				    "%s: ClamAV %s databases are not file hash lists "
				    "(use .hdb or .hsb; unpack .cvd files with "
				    "sigtool --unpack)",
				    name, dot);
	}
	return CG_OK;
}

static int hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a hash field into e->digest and e->alg. */
static bool parse_hash(struct cg_view f, enum hdb_kind kind, struct hdb_entry *e, const char **why)
{
	size_t n = f.len / 2;
	if (f.len == 32 && kind != HDB_SHA) {
		e->alg = CG_HASH_MD5;
	} else if (f.len == 40 && kind != HDB_MD5) {
		e->alg = CG_HASH_SHA1;
	} else if (f.len == 64 && kind != HDB_MD5) {
		e->alg = CG_HASH_SHA256;
	} else {
		*why = kind == HDB_MD5 ? "the hash is not an MD5 (32 hex digits)"
		       : kind == HDB_SHA
			   ? "the hash is not a SHA-1 or SHA-256 (40 or 64 hex digits)"
			   : "the hash is not an MD5, SHA-1 or SHA-256 (32, 40 or 64 "
			     "hex digits)";
		return false;
	}
	memset(e->digest, 0, sizeof(e->digest));
	for (size_t i = 0; i < n; i++) {
		int hi = hex_val(f.p[2 * i]), lo = hex_val(f.p[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "the hash has a character that is not a hex digit";
			return false;
		}
		e->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool name_ok(struct cg_view f, const char **why)
{
	if (f.len == 0) {
		*why = "the malware name is empty";
		return false;
	}
	if (f.len > HDB_MAX_NAME) {
		*why = "the malware name is longer than " CG_STR(HDB_MAX_NAME) " bytes";
		return false;
	}
	for (size_t i = 0; i < f.len; i++)
		if (f.p[i] < 0x20 || f.p[i] > 0x7e) {
			*why = "the malware name has a byte that is not printable ASCII";
			return false;
		}
	return true;
}

static cg_err_t add_entry(struct cg_hashdb *db, const struct hdb_entry *e)
{
	if (db->n == db->cap) {
		size_t ncap = db->cap ? db->cap * 2 : 256, bytes;
		struct hdb_entry *p;
		if (ncap > HDB_MAX_ENTRIES)
			ncap = HDB_MAX_ENTRIES;
		if (ncap <= db->n)
			return CG_ERR_LIMIT;
		if (!cg_size_mul(ncap, sizeof(*p), &bytes))
			return CG_ERR_OVERFLOW;
		p = realloc(db->e, bytes);
		if (!p)
			return CG_ERR_NOMEM;
		db->e = p;
		db->cap = ncap;
	}
	db->e[db->n++] = *e;
	return CG_OK;
}

/* Parse one line (no newline) into an entry; false and *why on an error. */
static bool parse_line(struct cg_view line, enum hdb_kind kind, struct hdb_entry *e,
		       struct cg_view *name, const char **why)
{
	struct cg_cursor c;
	struct cg_view f[HDB_MAX_FIELDS];
	size_t nf = 0;
	uint64_t num;

	cg_cursor_init(&c, line.p, line.len);
	while (!cg_cursor_eof(&c)) {
		if (nf == HDB_MAX_FIELDS) {
			*why =
			    "too many ':'-separated fields (want hash:size:name[:MinFL[:MaxFL]])";
			return false;
		}
		if (!cg_cursor_token(&c, ':', HDB_MAX_LINE, &f[nf++]))
			break;
	}
	/* a trailing ':' leaves an empty last field */
	if (line.len && line.p[line.len - 1] == ':') {
		if (nf == HDB_MAX_FIELDS) {
			*why =
			    "too many ':'-separated fields (want hash:size:name[:MinFL[:MaxFL]])";
			return false;
		}
		f[nf++] = cg_view_make(line.p + line.len, 0);
	}
	if (nf < 3) {
		*why = "too few ':'-separated fields (want hash:size:name)";
		return false;
	}
	if (!parse_hash(f[0], kind, e, why))
		return false;
	if (cg_view_eq(f[1], "*")) {
		e->any_size = true;
		e->size = 0;
	} else if (cg_view_to_u64(f[1], &num)) {
		e->any_size = false;
		e->size = num;
	} else {
		*why = "the file size is not a decimal number or '*'";
		return false;
	}
	if (!name_ok(f[2], why))
		return false;
	for (size_t i = 3; i < nf; i++)
		if (!cg_view_to_u64(f[i], &num)) {
			*why = "the functionality level (MinFL/MaxFL) is not a decimal number";
			return false;
		}
	*name = f[2];
	return true;
}

cg_err_t cg_hashdb_parse(struct cg_hashdb *db, const char *name, const void *p, size_t len,
			 struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	enum hdb_kind kind;
	struct cg_cursor c;
	struct cg_view line;
	size_t start_n, start_names, lineno = 0;
	unsigned algs = 0;

	if (!db || !name || (!p && len))
		return cg_error_set(err, CG_ERR_ARG, "hash database: bad arguments");
	start_n = db->n;
	start_names = db->names.len;
	rc = kind_of(name, &kind, err);
	if (rc)
		goto done;
	if (len > HDB_MAX_FILE) {
		rc = cg_error_set(err, CG_ERR_LIMIT,
				  "%s: larger than the hash database limit "
				  "(%zu MiB)",
				  name, HDB_MAX_FILE >> 20);
		goto done;
	}
	cg_cursor_init(&c, p, len);
	while (!cg_cursor_eof(&c)) {
		struct hdb_entry e;
		struct cg_view nm;
		const char *why = NULL;
		size_t off;

		lineno++;
		if (!cg_cursor_line(&c, HDB_MAX_LINE, &line)) {
			rc = cg_error_set(err, CG_ERR_INVALID, "%s:%zu: line longer than %d bytes",
					  name, lineno, HDB_MAX_LINE);
			goto done;
		}
		if (line.len == 0 || line.p[0] == '#')
			continue;
		if (!parse_line(line, kind, &e, &nm, &why)) {
			rc = cg_error_set(err, CG_ERR_INVALID, "%s:%zu: %s", name, lineno, why);
			goto done;
		}
		off = db->names.len;
		if (off > UINT32_MAX) {
			rc =
			    cg_error_set(err, CG_ERR_LIMIT, "%s:%zu: too many names", name, lineno);
			goto done;
		}
		e.name = (uint32_t)off;
		rc = cg_buf_append(&db->names, nm.p, nm.len);
		if (!rc)
			rc = cg_buf_putc(&db->names, '\0');
		if (!rc)
			rc = add_entry(db, &e);
		if (rc) {
			rc = cg_error_set(err, rc, "%s:%zu: %s", name, lineno,
					  rc == CG_ERR_NOMEM ? "out of memory"
							     : "over the hash database limits (16M "
							       "entries, 1 GiB of names)");
			goto done;
		}
		algs |= 1u << e.alg;
	}
	db->algs |= algs;
	db->sealed = false;
done:
	if (rc && db) {
		db->n = start_n;
		db->names.len = start_names;
		if (db->names.data)
			db->names.data[start_names] = '\0';
	}
	return rc;
}

cg_err_t cg_hashdb_load(struct cg_hashdb *db, const char *path, struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(HDB_MAX_FILE);
	cg_err_t rc;

	if (!db || !path)
		return cg_error_set(err, CG_ERR_ARG, "hash database: bad arguments");
	rc = cg_buf_read_file(&b, AT_FDCWD, path, err);
	if (rc == CG_ERR_LIMIT)
		rc = cg_error_set(err, rc, "%s: larger than the hash database limit (%zu MiB)",
				  path, HDB_MAX_FILE >> 20);
	if (!rc)
		rc = cg_hashdb_parse(db, path, b.data, b.len, err);
	cg_buf_release(&b);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct hdb_entry *x = a, *y = b;
	int d;
	if (x->alg != y->alg)
		return x->alg < y->alg ? -1 : 1;
	d = memcmp(x->digest, y->digest, CG_HASH_MAX_LEN);
	if (d)
		return d;
	/* the file order decides among equal digests: the first one wins */
	return x->name < y->name ? -1 : x->name > y->name;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

cg_err_t cg_hashdb_seal(struct cg_hashdb *db)
{
	uint64_t *sizes = NULL;
	size_t n = 0;

	if (!db)
		return CG_ERR_ARG;
	if (db->n) {
		qsort(db->e, db->n, sizeof(*db->e), cmp_entry);
		sizes = malloc(db->n * sizeof(*sizes)); /* n * 48 did not overflow */
		if (!sizes)
			return CG_ERR_NOMEM;
	}
	db->nany = 0;
	for (size_t i = 0; i < db->n; i++) {
		if (db->e[i].any_size)
			db->nany++;
		else
			sizes[n++] = db->e[i].size;
	}
	if (n)
		qsort(sizes, n, sizeof(*sizes), cmp_u64);
	if (n > 1) {
		size_t w = 1;
		for (size_t i = 1; i < n; i++)
			if (sizes[i] != sizes[w - 1])
				sizes[w++] = sizes[i];
		n = w;
	}
	free(db->sizes);
	db->sizes = sizes;
	db->nsizes = n;
	db->sealed = true;
	return CG_OK;
}

bool cg_hashdb_size_wanted(const struct cg_hashdb *db, uint64_t size)
{
	size_t lo = 0, hi;
	if (!db || !db->sealed)
		return false;
	if (db->nany)
		return true;
	hi = db->nsizes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (db->sizes[mid] == size)
			return true;
		if (db->sizes[mid] < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const char *cg_hashdb_lookup(const struct cg_hashdb *db, enum cg_hash_alg alg,
			     const uint8_t *digest, uint64_t size)
{
	struct hdb_entry key;
	size_t lo = 0, hi, len = cg_hash_len(alg);

	if (!db || !db->sealed || !len || !(db->algs & (1u << alg)))
		return NULL;
	memset(&key, 0, sizeof(key));
	key.alg = (uint8_t)alg;
	memcpy(key.digest, digest, len);
	/* the first entry >= (alg, digest) */
	hi = db->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct hdb_entry *m = &db->e[mid];
		int d = m->alg != key.alg ? (m->alg < key.alg ? -1 : 1)
					  : memcmp(m->digest, key.digest, CG_HASH_MAX_LEN);
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < db->n; i++) {
		const struct hdb_entry *m = &db->e[i];
		if (m->alg != key.alg || memcmp(m->digest, key.digest, CG_HASH_MAX_LEN) != 0)
			break;
		if (m->any_size || m->size == size)
			return db->names.data + m->name;
	}
	return NULL;
}

/* Hash an open file with every algorithm the list holds and look it up (used
 * by the node agent on programs as they start). */
cg_err_t cg_hashdb_match_fd(const struct cg_hashdb *db, int fd, uint64_t size,
			    const char **name, struct cg_error *err)
{
	EVP_MD_CTX *md[CG_HASH__COUNT] = {NULL};
	static const char *const algname[CG_HASH__COUNT] = {"md5", "sha1", "sha256"};
	unsigned algs = cg_hashdb_algs(db);
	unsigned char buf[65536];
	cg_err_t rc = CG_OK;
	uint64_t seen = 0;

	*name = NULL;
	if (!cg_hashdb_size_wanted(db, size))
		return CG_OK;
	for (int a = 0; a < CG_HASH__COUNT; a++) {
		if (!(algs & (1u << a)))
			continue;
		md[a] = EVP_MD_CTX_new();
		if (!md[a] || EVP_DigestInit_ex(md[a], EVP_get_digestbyname(algname[a]), NULL) != 1)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "hash: cannot start %s", algname[a]));
	}
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof(buf), (off_t)seen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "hash: read: %s", strerror(errno)));
		if (r == 0)
			break;
		seen += (uint64_t)r;
		for (int a = 0; a < CG_HASH__COUNT; a++)
			if (md[a])
				EVP_DigestUpdate(md[a], buf, (size_t)r);
	}
	for (int a = 0; a < CG_HASH__COUNT && !*name; a++) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned len = 0;
		if (!md[a] || EVP_DigestFinal_ex(md[a], d, &len) != 1)
			continue;
		*name = cg_hashdb_lookup(db, (enum cg_hash_alg)a, d, seen);
	}
done:
	for (int a = 0; a < CG_HASH__COUNT; a++)
		EVP_MD_CTX_free(md[a]);
	return rc;
}
