/* A bounded, read-only bbolt reader (see bbolt.h). The on-disk format, as
 * go.etcd.io/bbolt writes it (little-endian):
 *
 *   page header (16)   id u64, flags u16, count u16, overflow u32; a page with
 *                      overflow n spans n+1 pages
 *   meta (pages 0, 1)  magic u32 0xED0CDAED, version u32 2, page size u32,
 *                      flags u32, root bucket {root u64, sequence u64},
 *                      freelist u64, high-water pgid u64, txid u64,
 *                      checksum u64 (FNV-1a 64 of the 56 bytes before it; 0 =
 *                      unchecked)
 *   branch element(16) pos u32, ksize u32, pgid u64; key at element + pos
 *   leaf element (16)  flags u32 (1 = nested bucket), pos u32, ksize u32,
 *                      vsize u32; key at element + pos, value after the key
 *   bucket value       {root u64, sequence u64}; root 0 = inline bucket, whose
 *                      leaf page follows the 16 bytes inside the value */
#include "util/internal.h"
#include "image/bbolt.h"
#include <sys/stat.h>
#include <unistd.h>

#define BB_MAGIC 0xED0CDAEDu
#define BB_VERSION 2
#define PAGE_HDR 16
#define ELEM_SIZE 16
#define BUCKET_HDR 16
#define META_SUM_LEN 56
#define META_LEN 64

#define FLAG_BRANCH 0x01
#define FLAG_LEAF 0x02
#define FLAG_META 0x04
#define LEAF_BUCKET 0x01

#define MAX_DEPTH 64               /* tree depth (a real one is < 10) */
#define MAX_PAGE_BYTES (64u << 20) /* one leaf page with its overflow pages */
#define MAX_BRANCH_BYTES (1u << 20) /* one branch page: MAX_DEPTH of them live at once */
#define MIN_PAGE_SIZE 512
#define MAX_PAGE_SIZE 65536

struct cg_bbolt {
	int fd;                   /* -1: in memory */
	const unsigned char *mem; /* in memory */
	uint64_t size;            /* bytes of the file */
	uint32_t psz;
	uint64_t root;   /* root bucket's page */
	uint64_t hwm;    /* first page id past the data (and inside the file) */
	uint64_t txid;
	uint64_t budget; /* page reads left in the current operation */
};

/* A page (with its overflow pages): fetched, or an inline bucket's page. */
struct page {
	unsigned char *buf;
	size_t len;
	uint16_t flags, count;
	bool owned;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* Read exactly n bytes at off: false past the end or on an error. */
static bool read_at(const struct cg_bbolt *db, uint64_t off, void *buf, size_t n)
{
	uint64_t end;
	size_t done = 0;
	if (__builtin_add_overflow(off, (uint64_t)n, &end) || end > db->size)
		return false;
	if (db->fd < 0) {
		memcpy(buf, db->mem + off, n);
		return true;
	}
	while (done < n) {
		ssize_t got = pread(db->fd, (char *)buf + done, n - done, (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		done += (size_t)got;
	}
	return true;
}

static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

struct meta {
	bool valid;
	uint32_t psz;
	uint64_t root, hwm, txid;
};

/* The meta page at `off`, valid only when it says its page size is `want`
 * (0: any acceptable size). */
static struct meta read_meta(const struct cg_bbolt *db, uint64_t off, uint32_t want)
{
	unsigned char b[PAGE_HDR + META_LEN];
	struct meta m = { 0 };
	const unsigned char *mp = b + PAGE_HDR;
	uint64_t sum;
	if (!read_at(db, off, b, sizeof(b)))
		return m;
	if (!(le16(b + 8) & FLAG_META) || le32(mp) != BB_MAGIC || le32(mp + 4) != BB_VERSION)
		return m;
	sum = le64(mp + META_SUM_LEN);
	if (sum != 0 && sum != fnv1a64(mp, META_SUM_LEN))
		return m;
	m.psz = le32(mp + 8);
	if (m.psz < MIN_PAGE_SIZE || m.psz > MAX_PAGE_SIZE || (m.psz & (m.psz - 1)) ||
	    (want && m.psz != want))
		return m;
	m.root = le64(mp + 16);
	m.hwm = le64(mp + 40);
	m.txid = le64(mp + 48);
	m.valid = true;
	return m;
}

static cg_err_t setup(struct cg_bbolt *db, struct cg_error *err)
{
	static const uint32_t sizes[] = { 4096, 512, 1024, 2048, 8192, 16384, 32768, 65536 };
	struct meta m0 = read_meta(db, 0, 0), m1 = { 0 }, *m;
	uint64_t pages;

	if (m0.valid) {
		m1 = read_meta(db, m0.psz, m0.psz);
	} else {
		/* meta 0 is torn: find meta 1 at each possible page size */
		for (size_t i = 0; i < CG_ARRAY_LEN(sizes) && !m1.valid; i++)
			m1 = read_meta(db, sizes[i], sizes[i]);
	}
	if (!m0.valid && !m1.valid)
		return cg_error_set(err, CG_ERR_INVALID, "not a bbolt database (no valid meta page)");
	m = !m1.valid || (m0.valid && m0.txid >= m1.txid) ? &m0 : &m1;
	db->psz = m->psz;
	db->txid = m->txid;
	pages = db->size / db->psz;
	db->hwm = m->hwm < pages ? m->hwm : pages;
	if (m->root < 2 || m->root >= db->hwm)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: root page %llu out of range",
				    (unsigned long long)m->root);
	db->root = m->root;
	return CG_OK;
}

cg_err_t cg_bbolt_open_fd(int fd, struct cg_bbolt **out, struct cg_error *err)
{
	struct cg_bbolt *db;
	struct stat st;
	cg_err_t rc;
	*out = NULL;
	if (fstat(fd, &st) != 0)
		return cg_error_set(err, CG_ERR_IO, "bbolt: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: not a regular file");
	db = calloc(1, sizeof(*db));
	if (!db)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	db->fd = fd;
	db->size = (uint64_t)st.st_size;
	rc = setup(db, err);
	if (rc) {
		free(db);
		return rc;
	}
	*out = db;
	return CG_OK;
}

cg_err_t cg_bbolt_open_mem(const void *p, size_t len, struct cg_bbolt **out,
			   struct cg_error *err)
{
	struct cg_bbolt *db = calloc(1, sizeof(*db));
	cg_err_t rc;
	*out = NULL;
	if (!db)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	db->fd = -1;
	db->mem = p;
	db->size = p ? len : 0;
	rc = setup(db, err);
	if (rc) {
		free(db);
		return rc;
	}
	*out = db;
	return CG_OK;
}

void cg_bbolt_close(struct cg_bbolt *db)
{
	free(db);
}

uint32_t cg_bbolt_page_size(const struct cg_bbolt *db)
{
	return db->psz;
}

uint64_t cg_bbolt_txid(const struct cg_bbolt *db)
{
	return db->txid;
}

/* ---- pages --------------------------------------------------------------- */

static void page_release(struct page *pg)
{
	if (pg->owned)
		free(pg->buf);
	memset(pg, 0, sizeof(*pg));
}

/* Every element of a branch or leaf page lies inside the page. */
static cg_err_t page_check(const struct page *pg, struct cg_error *err)
{
	size_t need = PAGE_HDR + (size_t)pg->count * ELEM_SIZE;
	if (!(pg->flags & (FLAG_BRANCH | FLAG_LEAF)) ||
	    (pg->flags & (FLAG_BRANCH | FLAG_LEAF)) == (FLAG_BRANCH | FLAG_LEAF))
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: page is neither branch nor leaf "
				    "(flags 0x%x)", pg->flags);
	if (need > pg->len)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: %u elements do not fit the page",
				    pg->count);
	return CG_OK;
}

static cg_err_t page_fetch(struct cg_bbolt *db, uint64_t id, struct page *pg, struct cg_error *err)
{
	unsigned char hdr[PAGE_HDR];
	uint64_t off, npages, len;
	uint32_t overflow;
	cg_err_t rc;

	memset(pg, 0, sizeof(*pg));
	if (db->budget == 0)
		return cg_error_set(err, CG_ERR_LIMIT, "bbolt: more page reads than the file has pages "
				    "(a cyclic tree?)");
	db->budget--;
	if (id < 2 || id >= db->hwm)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: page %llu out of range",
				    (unsigned long long)id);
	off = id * db->psz; /* id < size / psz: no overflow */
	if (!read_at(db, off, hdr, sizeof(hdr)))
		return cg_error_set(err, CG_ERR_IO, "bbolt: cannot read page %llu",
				    (unsigned long long)id);
	if (le64(hdr) != id)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: page %llu says it is page %llu",
				    (unsigned long long)id, (unsigned long long)le64(hdr));
	overflow = le32(hdr + 12);
	npages = (uint64_t)overflow + 1;
	if (npages > db->hwm - id || npages > MAX_PAGE_BYTES / db->psz ||
	    ((hdr[8] & FLAG_BRANCH) && npages > MAX_BRANCH_BYTES / db->psz))
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: page %llu overflows by %u pages",
				    (unsigned long long)id, overflow);
	len = npages * db->psz;
	pg->buf = malloc((size_t)len);
	if (!pg->buf)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	pg->owned = true;
	pg->len = (size_t)len;
	if (!read_at(db, off, pg->buf, pg->len)) {
		page_release(pg);
		return cg_error_set(err, CG_ERR_IO, "bbolt: cannot read page %llu",
				    (unsigned long long)id);
	}
	pg->flags = le16(pg->buf + 8);
	pg->count = le16(pg->buf + 10);
	rc = page_check(pg, err);
	if (rc)
		page_release(pg);
	return rc;
}

/* The root page of a bucket: fetched, or its inline page borrowed. */
static cg_err_t bucket_page(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, struct page *pg,
			    struct cg_error *err)
{
	cg_err_t rc;
	if (b->root)
		return page_fetch(db, b->root, pg, err);
	memset(pg, 0, sizeof(*pg));
	if (!b->inline_page || b->inline_len < PAGE_HDR)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: inline bucket too short");
	pg->buf = b->inline_page;
	pg->len = b->inline_len;
	pg->flags = le16(pg->buf + 8);
	pg->count = le16(pg->buf + 10);
	rc = page_check(pg, err);
	if (!rc && !(pg->flags & FLAG_LEAF))
		rc = cg_error_set(err, CG_ERR_INVALID, "bbolt: inline bucket is not a leaf");
	return rc;
}

struct elem {
	const unsigned char *key, *val;
	size_t klen, vlen;
	uint32_t flags;  /* leaf */
	uint64_t child;  /* branch */
};

/* Element i of a checked page, with its key (and value) inside the page. */
static cg_err_t elem_at(const struct page *pg, size_t i, struct elem *e, struct cg_error *err)
{
	size_t eoff = PAGE_HDR + i * ELEM_SIZE; /* inside the page: page_check */
	const unsigned char *p = pg->buf + eoff;
	uint64_t koff, kend, vend;
	memset(e, 0, sizeof(*e));
	if (pg->flags & FLAG_BRANCH) {
		koff = (uint64_t)eoff + le32(p);
		kend = koff + le32(p + 4);
		e->child = le64(p + 8);
		vend = kend;
	} else {
		e->flags = le32(p);
		koff = (uint64_t)eoff + le32(p + 4);
		kend = koff + le32(p + 8);
		vend = kend + le32(p + 12);
	}
	if (vend > pg->len)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: element %zu lies past its page", i);
	e->key = pg->buf + koff;
	e->klen = (size_t)(kend - koff);
	e->val = pg->buf + kend;
	e->vlen = (size_t)(vend - kend);
	return CG_OK;
}

static int key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static void begin_op(struct cg_bbolt *db)
{
	db->budget = db->hwm + 1;
}

/* Find key in the bucket; on success *pg holds the leaf and *e the element. */
static cg_err_t find(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, const void *key,
		     size_t klen, struct page *pg, struct elem *e, struct cg_error *err)
{
	cg_err_t rc = bucket_page(db, b, pg, err);
	for (int depth = 0; !rc; depth++) {
		size_t idx = 0;
		uint64_t child;
		if (pg->flags & FLAG_LEAF) {
			for (size_t i = 0; i < pg->count; i++) {
				int c;
				rc = elem_at(pg, i, e, err);
				if (rc)
					break;
				c = key_cmp(e->key, e->klen, key, klen);
				if (c == 0)
					return CG_OK;
				if (c > 0)
					break;
			}
			if (!rc)
				rc = CG_ERR_NOTFOUND;
			break;
		}
		if (depth >= MAX_DEPTH) {
			rc = cg_error_set(err, CG_ERR_LIMIT, "bbolt: tree deeper than %d", MAX_DEPTH);
			break;
		}
		if (pg->count == 0) {
			rc = cg_error_set(err, CG_ERR_INVALID, "bbolt: empty branch page");
			break;
		}
		/* the last element whose key is <= the key (else the first) */
		for (size_t i = 0; i < pg->count; i++) {
			rc = elem_at(pg, i, e, err);
			if (rc)
				break;
			if (key_cmp(e->key, e->klen, key, klen) > 0)
				break;
			idx = i;
		}
		if (rc)
			break;
		rc = elem_at(pg, idx, e, err);
		if (rc)
			break;
		child = e->child;
		page_release(pg);
		rc = page_fetch(db, child, pg, err);
	}
	page_release(pg);
	return rc;
}

cg_err_t cg_bbolt_get(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, const void *key,
		      size_t klen, struct cg_bbolt_value *out, struct cg_error *err)
{
	struct page pg = { 0 };
	struct elem e;
	cg_err_t rc;
	memset(out, 0, sizeof(*out));
	begin_op(db);
	rc = find(db, b, key, klen, &pg, &e, err);
	if (rc)
		return rc;
	out->data = malloc(e.vlen + 1);
	if (!out->data) {
		page_release(&pg);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	memcpy(out->data, e.val, e.vlen);
	out->data[e.vlen] = '\0';
	out->len = e.vlen;
	out->bucket = e.flags & LEAF_BUCKET;
	page_release(&pg);
	return CG_OK;
}

void cg_bbolt_value_release(struct cg_bbolt_value *v)
{
	free(v->data);
	memset(v, 0, sizeof(*v));
}

void cg_bbolt_root(const struct cg_bbolt *db, struct cg_bbolt_bucket *out)
{
	memset(out, 0, sizeof(*out));
	out->root = db->root;
}

void cg_bbolt_bucket_release(struct cg_bbolt_bucket *b)
{
	free(b->inline_page);
	memset(b, 0, sizeof(*b));
}

/* A bucket from its header (and inline page). */
static cg_err_t bucket_from_value(const unsigned char *v, size_t len, struct cg_bbolt_bucket *out,
				  struct cg_error *err)
{
	memset(out, 0, sizeof(*out));
	if (len < BUCKET_HDR)
		return cg_error_set(err, CG_ERR_INVALID, "bbolt: bucket header too short");
	out->root = le64(v);
	if (out->root)
		return CG_OK;
	out->inline_len = len - BUCKET_HDR;
	out->inline_page = malloc(out->inline_len ? out->inline_len : 1);
	if (!out->inline_page)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	memcpy(out->inline_page, v + BUCKET_HDR, out->inline_len);
	return CG_OK;
}

cg_err_t cg_bbolt_open_bucket(struct cg_bbolt *db, const struct cg_bbolt_bucket *b,
			      const void *name, size_t len, struct cg_bbolt_bucket *out,
			      struct cg_error *err)
{
	struct page pg = { 0 };
	struct elem e;
	cg_err_t rc;
	memset(out, 0, sizeof(*out));
	begin_op(db);
	rc = find(db, b, name, len, &pg, &e, err);
	if (rc)
		return rc;
	if (!(e.flags & LEAF_BUCKET))
		rc = cg_error_set(err, CG_ERR_INVALID, "bbolt: '%.*s' is a value, not a bucket",
				  (int)(len < 100 ? len : 100), (const char *)name);
	else
		rc = bucket_from_value(e.val, e.vlen, out, err);
	page_release(&pg);
	return rc;
}

cg_err_t cg_bbolt_open_path(struct cg_bbolt *db, const char *const *names,
			    struct cg_bbolt_bucket *out, size_t *depth_found,
			    struct cg_error *err)
{
	struct cg_bbolt_bucket cur;
	size_t i;
	cg_bbolt_root(db, &cur);
	for (i = 0; names[i]; i++) {
		struct cg_bbolt_bucket next;
		cg_err_t rc = cg_bbolt_open_bucket(db, &cur, names[i], strlen(names[i]), &next, err);
		cg_bbolt_bucket_release(&cur);
		if (rc) {
			if (depth_found)
				*depth_found = i;
			memset(out, 0, sizeof(*out));
			return rc;
		}
		cur = next;
	}
	if (depth_found)
		*depth_found = i;
	*out = cur;
	return CG_OK;
}

struct each_ctx {
	struct cg_bbolt *db;
	cg_bbolt_visit_fn fn;
	void *ud;
	struct cg_error *err;
	/* in-order: the last key seen, to refuse trees that are not sorted */
	unsigned char *last;
	size_t last_len;
	bool have_last;
};

/* 1 when the visitor stopped, 0 to go on, <0 on an error (-code). */
static int each_page(struct each_ctx *c, struct page *pg, int depth)
{
	for (size_t i = 0; i < pg->count; i++) {
		struct elem e;
		cg_err_t rc = elem_at(pg, i, &e, c->err);
		int r;
		if (rc)
			return -(int)rc;
		if (pg->flags & FLAG_BRANCH) {
			struct page child;
			if (depth >= MAX_DEPTH)
				return -(int)cg_error_set(c->err, CG_ERR_LIMIT, "bbolt: tree deeper than %d",
							  MAX_DEPTH);
			rc = page_fetch(c->db, e.child, &child, c->err);
			if (rc)
				return -(int)rc;
			r = each_page(c, &child, depth + 1);
			page_release(&child);
			if (r)
				return r;
			continue;
		}
		if (c->have_last && key_cmp(e.key, e.klen, c->last, c->last_len) <= 0)
			return -(int)cg_error_set(c->err, CG_ERR_INVALID, "bbolt: keys out of order");
		if (e.klen > c->last_len || !c->last) {
			unsigned char *nl = realloc(c->last, e.klen ? e.klen : 1);
			if (!nl)
				return -(int)cg_error_set(c->err, CG_ERR_NOMEM, "out of memory");
			c->last = nl;
		}
		memcpy(c->last, e.key, e.klen);
		c->last_len = e.klen;
		c->have_last = true;
		if (c->fn(c->ud, e.key, e.klen, e.val, e.vlen, e.flags & LEAF_BUCKET))
			return 1;
	}
	return 0;
}

cg_err_t cg_bbolt_each(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, cg_bbolt_visit_fn fn,
		       void *ud, struct cg_error *err)
{
	struct each_ctx c = { db, fn, ud, err, NULL, 0, false };
	struct page pg = { 0 };
	cg_err_t rc;
	int r;
	begin_op(db);
	rc = bucket_page(db, b, &pg, err);
	if (rc)
		return rc;
	r = each_page(&c, &pg, 0);
	page_release(&pg);
	free(c.last);
	return r < 0 ? (cg_err_t)-r : CG_OK;
}

bool cg_bbolt_varint(const unsigned char *p, size_t len, int64_t *out)
{
	uint64_t ux = 0;
	for (size_t i = 0; i < len && i < 10; i++) {
		if (i == 9 && p[i] > 1)
			return false; /* overflows 64 bits */
		ux |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			if (i + 1 != len)
				return false;
			*out = (int64_t)(ux >> 1);
			if (ux & 1)
				*out = ~*out;
			return true;
		}
	}
	return false;
}
