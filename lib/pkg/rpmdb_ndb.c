/* rpm's NDB package database (Packages.db, SUSE), after rpm's
 * lib/backend/ndb/rpmpkg.c. All numbers are little-endian.
 *
 *   header (32 bytes): "RpmP", version 0, generation, slotnpages, nextpkgidx
 *   slot area: slotnpages pages of 4096 bytes, 16-byte slots after the header:
 *       "Slot", pkgidx, blkoff, blkcnt   (blkoff 0: a free slot)
 *   blobs, in 16-byte blocks at blkoff * 16, blkcnt blocks long:
 *       "BlbS", pkgidx, timestamp, bloblen, the header blob, padding,
 *       adler32, bloblen, "BlbE"   (the tail ends the last block)
 *
 * As rpm does, a slot without magic, a slot pointing past the end of the
 * file or into the slot area, and overlapping blobs make the database
 * invalid; a blob whose head or tail is wrong is skipped. Like rpm's normal
 * read path the adler32 is not verified. Blobs are read in block order. */
#include "util/internal.h"
#include "pkg/rpmdb_internal.h"

#define NDB_HEADER_SIZE 32u
#define NDB_PAGE_SIZE   4096u
#define NDB_SLOT_SIZE   16u
#define NDB_BLK_SIZE    16u
#define NDB_HEAD_SIZE   16u
#define NDB_TAIL_SIZE   12u
#define NDB_VERSION     0u

#define MAGIC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define NDB_MAGIC       MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC      MAGIC('S', 'l', 'o', 't')
#define BLOBHEAD_MAGIC  MAGIC('B', 'l', 'b', 'S')
#define BLOBTAIL_MAGIC  MAGIC('B', 'l', 'b', 'E')

struct slot {
	uint32_t pkgidx;
	uint32_t blkoff;
	uint32_t blkcnt;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

/* Walk the slot area: count used slots, or (slots != NULL) fill them. */
static cg_err_t scan_slots(struct cg_rpmdb_ctx *c, struct cg_view v, uint32_t slotnpages,
			   struct slot *slots, size_t *nslots)
{
	uint64_t fileblks = v.len / NDB_BLK_SIZE;
	uint64_t minblkoff = (uint64_t)slotnpages * (NDB_PAGE_SIZE / NDB_BLK_SIZE);
	size_t n = 0;
	for (size_t off = NDB_HEADER_SIZE; off < (size_t)slotnpages * NDB_PAGE_SIZE;
	     off += NDB_SLOT_SIZE) {
		uint32_t magic, pkgidx, blkoff, blkcnt;
		if (!cg_view_u32le(v, off, &magic) || !cg_view_u32le(v, off + 4, &pkgidx) ||
		    !cg_view_u32le(v, off + 8, &blkoff) || !cg_view_u32le(v, off + 12, &blkcnt))
			return cg_error_set(c->err, CG_ERR_INVALID, "ndb: slot area truncated");
		if (magic != SLOT_MAGIC)
			return cg_error_set(c->err, CG_ERR_INVALID, "ndb: slot %zu has no magic",
					    off / NDB_SLOT_SIZE);
		if (blkoff == 0)
			continue; /* free */
		if ((uint64_t)blkoff + blkcnt > fileblks)
			return cg_error_set(c->err, CG_ERR_INVALID,
					    "ndb: slot %zu points past the end of the file (truncated?)",
					    off / NDB_SLOT_SIZE);
		if (pkgidx == 0 || blkcnt == 0 || blkoff < minblkoff)
			return cg_error_set(c->err, CG_ERR_INVALID, "ndb: slot %zu is corrupt",
					    off / NDB_SLOT_SIZE);
		if (slots) {
			slots[n].pkgidx = pkgidx;
			slots[n].blkoff = blkoff;
			slots[n].blkcnt = blkcnt;
		}
		n++;
	}
	*nslots = n;
	return CG_OK;
}

/* One blob (rpmpkgReadBlob without the adler32): the header blob inside, or
 * a reason to skip it. */
static const char *blob_get(struct cg_view v, const struct slot *s, struct cg_view *out)
{
	uint64_t start = (uint64_t)s->blkoff * NDB_BLK_SIZE;
	uint64_t size = (uint64_t)s->blkcnt * NDB_BLK_SIZE;
	uint32_t magic, pkgidx, bloblen, tlen, tmagic;
	struct cg_view b;
	if (!cg_view_sub(v, (size_t)start, (size_t)size, &b))
		return "blob out of range";
	if (s->blkcnt < (NDB_HEAD_SIZE + NDB_TAIL_SIZE + NDB_BLK_SIZE - 1) / NDB_BLK_SIZE)
		return "blob too small";
	if (!cg_view_u32le(b, 0, &magic) || magic != BLOBHEAD_MAGIC)
		return "bad blob head magic";
	if (!cg_view_u32le(b, 4, &pkgidx) || pkgidx != s->pkgidx)
		return "blob belongs to another package";
	if (!cg_view_u32le(b, 12, &bloblen) ||
	    s->blkcnt != ((uint64_t)NDB_HEAD_SIZE + bloblen + NDB_TAIL_SIZE + NDB_BLK_SIZE - 1) /
				  NDB_BLK_SIZE)
		return "blob length disagrees with its slot";
	if (!cg_view_u32le(b, b.len - 8, &tlen) || !cg_view_u32le(b, b.len - 4, &tmagic))
		return "blob tail out of range";
	if (tlen != bloblen)
		return "blob tail length disagrees";
	if (tmagic != BLOBTAIL_MAGIC)
		return "bad blob tail magic";
	if (!cg_view_sub(b, NDB_HEAD_SIZE, bloblen, out))
		return "blob out of range";
	return NULL;
}

cg_err_t cg_rpmdb_read_ndb(struct cg_rpmdb_ctx *c, const uint8_t *data, size_t len)
{
	struct cg_view v = cg_view_make(data, len);
	uint32_t magic, version, slotnpages;
	struct slot *slots = NULL;
	size_t nslots = 0, nfilled = 0;
	cg_err_t rc = CG_OK;

	if (!cg_view_u32le(v, 0, &magic) || magic != NDB_MAGIC || !cg_view_u32le(v, 4, &version) ||
	    !cg_view_u32le(v, 12, &slotnpages))
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID, "ndb: header truncated"));
	if (version != NDB_VERSION)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_UNSUPPORTED, "ndb: version %u (want %u)",
					 version, NDB_VERSION));
	if (slotnpages == 0 || slotnpages > len / NDB_PAGE_SIZE)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "ndb: %u slot pages do not fit in %zu bytes (truncated?)",
					 slotnpages, len));
	if (len % NDB_BLK_SIZE)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
					 "ndb: size %zu is not a multiple of %u (truncated?)", len,
					 NDB_BLK_SIZE));
	if ((rc = scan_slots(c, v, slotnpages, NULL, &nslots)) != CG_OK)
		goto done;
	if (nslots > c->lim.max_packages)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_LIMIT,
					 "ndb: %zu packages, more than max_packages (%zu)", nslots,
					 c->lim.max_packages));
	if (nslots == 0)
		goto done;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_NOMEM, "ndb: out of memory"));
	if ((rc = scan_slots(c, v, slotnpages, slots, &nfilled)) != CG_OK)
		goto done;
	if (nfilled != nslots)
		CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INTERNAL, "ndb: slot count changed"));
	qsort(slots, nslots, sizeof(*slots), slot_cmp);
	for (size_t i = 1; i < nslots; i++)
		if (slots[i].blkoff < (uint64_t)slots[i - 1].blkoff + slots[i - 1].blkcnt)
			CG_FAIL(rc, cg_error_set(c->err, CG_ERR_INVALID,
						 "ndb: blobs of packages %u and %u overlap",
						 slots[i - 1].pkgidx, slots[i].pkgidx));
	for (size_t i = 0; i < nslots; i++) {
		struct cg_view blob;
		const char *why = blob_get(v, &slots[i], &blob);
		if (why)
			rc = cg_rpmdb_skip(c, slots[i].pkgidx, "ndb: %s", why);
		else
			rc = cg_rpmdb_emit(c, blob.p, blob.len, slots[i].pkgidx);
		if (rc != CG_OK)
			goto done;
	}
done:
	free(slots);
	return rc;
}
