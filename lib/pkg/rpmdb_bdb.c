/* rpm's Berkeley DB package database (Packages: a DB_HASH file), read
 * without libdb. The layout is Berkeley DB's dbinc/db_page.h:
 *
 *   page 0, the hash meta page: magic 0x061561 at 12 (its byte order is the
 *   file's), version at 16, page size at 20, encrypt_alg at 24, type 8 at 25,
 *   metaflags at 26 (0x01: page checksums), last_pgno at 32.
 *   every page: a 26-byte header (pgno 8, prev 12, next 16, entries 20,
 *   hf_offset 22, level 24, type 25), 6 more bytes when pages carry checksums.
 *   hash pages (type 13, or 2 before DB 4.6): `entries` 16-bit offsets after
 *   the header, key/data items in pairs; item i spans [inp[i], inp[i-1])
 *   (inp[-1] = page size); its first byte is its type: 1 inline data,
 *   3 off-page (pgno at 4, total length at 8), 2 and 4 duplicates.
 *   overflow pages (type 7): hf_offset bytes of data after the header, then
 *   next_pgno.
 *
 * rpm stores each header under a 4-byte key, its header number; key 0 holds
 * rpm's own counter and is not a package. Every page is visited in file order
 * (hash pages of all buckets and their overflow chains), so no bucket
 * arithmetic is trusted. Each overflow page may serve one item only: a chain
 * that comes back to a page it (or an earlier item) used is a loop or a
 * shared chain and is rejected, which keeps the work linear in the file. */
#include "util/internal.h"
#include "pkg/rpmdb_internal.h"

#define BDB_HASH_MAGIC   0x061561u
#define BDB_BTREE_MAGIC  0x053162u
#define BDB_META_SIZE    512u
#define BDB_PAGE_HDR     26u
#define BDB_CHKSUM_HDR   32u /* SIZEOF_PAGE + sizeof(PG_CHKSUM) */
#define BDB_METAF_CHKSUM 0x01u

enum {
	P_HASH_UNSORTED = 2,
	P_OVERFLOW = 7,
	P_HASHMETA = 8,
	P_HASH = 13,
};

enum {
	H_KEYDATA = 1,
	H_DUPLICATE = 2,
	H_OFFPAGE = 3,
	H_OFFDUP = 4,
};

struct bdb {
	struct cg_rpmdb_ctx *c;
	struct cg_view v;
	bool be;          /* the file's byte order */
	uint32_t pagesize;
	uint32_t overhead; /* page header size */
	uint32_t npages;
	uint8_t *used;    /* overflow pages already read: one bit each */
	uint8_t *buf;     /* an overflow item put together */
	size_t cap;
};

static bool rd16(const struct bdb *d, struct cg_view v, size_t off, uint16_t *out)
{
	uint8_t a, b;
	if (!cg_view_u8(v, off, &a) || !cg_view_u8(v, off + 1, &b))
		return false;
	*out = d->be ? (uint16_t)(a << 8 | b) : (uint16_t)(b << 8 | a);
	return true;
}

static bool rd32(const struct bdb *d, struct cg_view v, size_t off, uint32_t *out)
{
	return d->be ? cg_view_u32be(v, off, out) : cg_view_u32le(v, off, out);
}

static bool page_get(const struct bdb *d, uint32_t pgno, struct cg_view *page)
{
	return pgno < d->npages &&
	       cg_view_sub(d->v, (size_t)pgno * d->pagesize, d->pagesize, page);
}

/* Set bit i of the used map; false if it was already set. */
static bool claim(uint8_t *map, uint32_t i)
{
	uint8_t bit = (uint8_t)(1u << (i % 8));
	if (map[i / 8] & bit)
		return false;
	map[i / 8] |= bit;
	return true;
}

/* Put together an off-page item of tlen bytes starting at page pgno
 * (Berkeley DB's __db_goff). NULL and *out set, or a reason to skip it. */
static const char *overflow_get(struct bdb *d, uint32_t pgno, uint32_t tlen, struct cg_view *out,
				bool *nomem)
{
	uint32_t usable = d->pagesize - d->overhead;
	size_t need = tlen, at = 0;
	*nomem = false;
	if (tlen == 0)
		return "empty off-page item";
	if (tlen > d->c->lim.max_header_bytes)
		return "off-page item over max_header_bytes";
	if ((uint64_t)tlen > (uint64_t)d->npages * usable)
		return "off-page item longer than the file";
	if (tlen > d->cap) {
		uint8_t *p = realloc(d->buf, tlen);
		if (!p) {
			*nomem = true;
			return "out of memory";
		}
		d->buf = p;
		d->cap = tlen;
	}
	while (need > 0) {
		struct cg_view page;
		uint8_t type;
		uint16_t n;
		uint32_t next;
		if (pgno == 0)
			return "overflow chain ends early";
		if (!page_get(d, pgno, &page))
			return "overflow page out of range";
		if (!claim(d->used, pgno))
			return "overflow chain loops or shares a page";
		if (!cg_view_u8(page, 25, &type) || type != P_OVERFLOW)
			return "overflow chain reaches a page that is not an overflow page";
		if (!rd16(d, page, 22, &n) || !rd32(d, page, 16, &next))
			return "overflow page header out of range";
		if (n == 0 || n > usable)
			return "overflow page with a bad length";
		if (n > need)
			n = (uint16_t)need;
		memcpy(d->buf + at, page.p + d->overhead, n);
		at += n;
		need -= n;
		pgno = next;
	}
	*out = cg_view_make(d->buf, tlen);
	return NULL;
}

/* Item i of a hash page: [start, end) inside the page. */
static bool item_get(const struct bdb *d, struct cg_view page, uint16_t nent, uint16_t i,
		     struct cg_view *item)
{
	uint16_t start, end;
	size_t lo = (size_t)d->overhead + (size_t)nent * 2;
	if (!rd16(d, page, d->overhead + (size_t)i * 2, &start))
		return false;
	if (i == 0) {
		if (d->pagesize > UINT16_MAX) { /* 64K pages: the end is 65536 */
			if (start < lo)
				return false;
			return cg_view_sub(page, start, d->pagesize - start, item) && item->len > 0;
		}
		end = (uint16_t)d->pagesize;
	} else if (!rd16(d, page, d->overhead + (size_t)(i - 1) * 2, &end)) {
		return false;
	}
	if (start < lo || start >= end || end > d->pagesize)
		return false;
	return cg_view_sub(page, start, (size_t)end - start, item);
}

/* The key's header number: a 4-byte inline key in the file's byte order. */
static bool key_hnum(const struct bdb *d, struct cg_view key, uint32_t *hnum)
{
	uint8_t type;
	*hnum = 0;
	if (!cg_view_u8(key, 0, &type) || type != H_KEYDATA || key.len != 5)
		return false;
	return rd32(d, key, 1, hnum);
}

static cg_err_t hash_page(struct bdb *d, uint32_t pgno, struct cg_view page)
{
	uint16_t nent;
	cg_err_t rc;
	if (!rd16(d, page, 20, &nent))
		return cg_rpmdb_skip(d->c, 0, "bdb: page %u: header out of range", pgno);
	if (nent % 2 || (size_t)d->overhead + (size_t)nent * 2 > d->pagesize)
		return cg_rpmdb_skip(d->c, 0, "bdb: page %u: bad entry count %u", pgno, nent);
	for (uint16_t i = 0; i < nent; i += 2) {
		struct cg_view key, data, blob;
		uint32_t hnum = 0, opgno, tlen;
		uint8_t type;
		const char *why;
		bool nomem, keyok;
		if (!item_get(d, page, nent, i, &key) || !item_get(d, page, nent, i + 1, &data)) {
			rc = cg_rpmdb_skip(d->c, 0, "bdb: page %u: item %u out of range", pgno, i);
			if (rc != CG_OK)
				return rc;
			continue;
		}
		keyok = key_hnum(d, key, &hnum);
		if (keyok && hnum == 0)
			continue; /* rpm's counter record */
		if (!cg_view_u8(data, 0, &type))
			return cg_error_set(d->c->err, CG_ERR_INTERNAL, "bdb: empty item");
		switch (type) {
		case H_KEYDATA:
			rc = cg_rpmdb_emit(d->c, data.p + 1, data.len - 1, hnum);
			break;
		case H_OFFPAGE:
			if (!rd32(d, data, 4, &opgno) || !rd32(d, data, 8, &tlen)) {
				rc = cg_rpmdb_skip(d->c, hnum, "bdb: page %u: short off-page item",
						   pgno);
				break;
			}
			why = overflow_get(d, opgno, tlen, &blob, &nomem);
			if (nomem)
				return cg_error_set(d->c->err, CG_ERR_NOMEM, "bdb: out of memory");
			if (why)
				rc = cg_rpmdb_skip(d->c, hnum, "bdb: %s", why);
			else
				rc = cg_rpmdb_emit(d->c, blob.p, blob.len, hnum);
			break;
		default:
			rc = cg_rpmdb_skip(d->c, hnum, "bdb: page %u: item type %u is not a header",
					   pgno, type);
			break;
		}
		if (rc != CG_OK)
			return rc;
	}
	return CG_OK;
}

cg_err_t cg_rpmdb_read_bdb(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len)
{
	struct bdb d;
	uint32_t magic, version, last_pgno, pgno0;
	uint8_t encrypt, type, metaflags;
	cg_err_t rc = CG_OK;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.v = cg_view_make(data, len);
	if (len < BDB_META_SIZE)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "bdb: %zu bytes, shorter than a meta page (truncated?)", len));
	if (!cg_view_u32le(d.v, 12, &magic))
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID, "bdb: no meta page"));
	d.be = magic != BDB_HASH_MAGIC && magic != BDB_BTREE_MAGIC;
	if (!rd32(&d, d.v, 12, &magic) || !rd32(&d, d.v, 16, &version) ||
	    !rd32(&d, d.v, 20, &d.pagesize) || !rd32(&d, d.v, 32, &last_pgno) ||
	    !rd32(&d, d.v, 8, &pgno0) || !cg_view_u8(d.v, 24, &encrypt) ||
	    !cg_view_u8(d.v, 25, &type) || !cg_view_u8(d.v, 26, &metaflags))
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID, "bdb: meta page truncated"));
	if (magic == BDB_BTREE_MAGIC)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED,
					 "bdb: a btree file (an rpm index?), not the Packages hash"));
	if (magic != BDB_HASH_MAGIC || type != P_HASHMETA || pgno0 != 0)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID, "bdb: not a hash meta page"));
	if (version < 7 || version > 9)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED, "bdb: hash version %u",
					 version));
	if (encrypt != 0)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED, "bdb: encrypted database"));
	if (d.pagesize < 512 || d.pagesize > 65536 || (d.pagesize & (d.pagesize - 1)))
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID, "bdb: bad page size %u",
					 d.pagesize));
	d.overhead = metaflags & BDB_METAF_CHKSUM ? BDB_CHKSUM_HDR : BDB_PAGE_HDR;
	if (last_pgno == UINT32_MAX || (uint64_t)(last_pgno + 1u) * d.pagesize > len)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "bdb: meta page says %llu pages of %u bytes, the file has %zu "
					 "bytes (truncated?)",
					 (unsigned long long)last_pgno + 1, d.pagesize, len));
	d.npages = last_pgno + 1;
	d.used = calloc((size_t)d.npages / 8 + 1, 1);
	if (!d.used)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_NOMEM, "bdb: out of memory"));

	for (uint32_t pgno = 1; pgno < d.npages; pgno++) {
		struct cg_view page;
		if (!page_get(&d, pgno, &page) || !cg_view_u8(page, 25, &type))
			CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INTERNAL, "bdb: page %u", pgno));
		if (type != P_HASH && type != P_HASH_UNSORTED)
			continue;
		if ((rc = hash_page(&d, pgno, page)) != CG_OK)
			goto done;
	}
done:
	free(d.used);
	free(d.buf);
	return rc;
}
