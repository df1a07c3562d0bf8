/* Fuzz target: the rpm database reader (lib/pkg/rpmdb*.c, rpmhdr.c).
 *
 * The low two bits of the first byte pick how the rest is read, so that short
 * inputs (scripts/run-fuzz uses -max_len 4096) reach every format:
 *   0  the bytes as a database, format by magic (SQLite, Berkeley DB, NDB)
 *   1  one header blob
 *   2  NDB, compact: a slot count n, n slots of 12 bytes (le32 pkgidx, blkoff
 *      counted from the end of the slot page, blkcnt), then the blob area; the
 *      target writes the 4096-byte slot page (bit 2: keep the blob area's odd
 *      length instead of padding it to 16)
 *   3  Berkeley DB, compact: pages 1.. of a hash database; the target writes
 *      the meta page (bit 2: big-endian, bit 3: checksummed pages, bits 4-5:
 *      page size 512 << k)
 * Every package handed out is checked: strings readable, file indexes in
 * range, joined paths equal to dirname + basename. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/rpmdb.h>

static void touch(const char *s)
{
	volatile size_t n = s ? strlen(s) : 0;
	(void)n;
}

static cg_err_t check_pkg(const struct cg_rpmdb_pkg *p, void *ud)
{
	(void)ud;
	if (!p->name)
		abort();
	touch(p->name);
	touch(p->version);
	touch(p->release);
	touch(p->arch);
	touch(p->sourcerpm);
	touch(p->license);
	touch(p->vendor);
	touch(p->modularitylabel);
	if (p->files_status != CG_RPMDB_FILES_OK && p->nfiles)
		abort();
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *d, *b;
		size_t dl;
		if (p->dirindexes[i] >= p->ndirs)
			abort();
		d = p->dirnames[p->dirindexes[i]];
		b = p->basenames[i];
		dl = strlen(d);
		if (p->paths &&
		    (strncmp(p->paths[i], d, dl) != 0 || strcmp(p->paths[i] + dl, b) != 0))
			abort();
	}
	return CG_OK;
}

static void le32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)x;
	p[1] = (uint8_t)(x >> 8);
	p[2] = (uint8_t)(x >> 16);
	p[3] = (uint8_t)(x >> 24);
}

static void be32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

/* mode 2: slot page + blob area */
static uint8_t *make_ndb(const uint8_t *d, size_t n, int keep_odd, size_t *len)
{
	size_t nslots, area, total;
	uint8_t *db;
	if (n < 1)
		return NULL;
	nslots = d[0] % 254;
	d++;
	n--;
	if (n < nslots * 12)
		nslots = n / 12;
	area = n - nslots * 12;
	total = 4096 + area;
	if (!keep_odd)
		total = (total + 15) / 16 * 16;
	db = calloc(1, total);
	if (!db)
		return NULL;
	memcpy(db, "RpmP", 4);
	le32(db + 8, 1);
	le32(db + 12, 1);
	le32(db + 16, (uint32_t)nslots + 1);
	for (size_t s = 2; s < 256; s++)
		memcpy(db + s * 16, "Slot", 4);
	for (size_t s = 0; s < nslots; s++) {
		const uint8_t *q = d + s * 12;
		uint32_t blkoff = (uint32_t)q[4] | (uint32_t)q[5] << 8 | (uint32_t)q[6] << 16 |
				  (uint32_t)q[7] << 24;
		memcpy(db + (2 + s) * 16 + 4, q, 12);
		le32(db + (2 + s) * 16 + 8, blkoff + 256);
	}
	memcpy(db + 4096, d + nslots * 12, area);
	*len = total;
	return db;
}

/* mode 3: meta page + pages */
static uint8_t *make_bdb(const uint8_t *d, size_t n, unsigned flags, size_t *len)
{
	uint32_t pagesize = 512u << ((flags >> 4) & 3);
	size_t npages = 1 + (n + pagesize - 1) / pagesize;
	int big = flags & 4;
	uint8_t *db = calloc(npages, pagesize);
	void (*w32)(uint8_t *, uint32_t) = big ? be32 : le32;
	if (!db)
		return NULL;
	w32(db + 12, 0x061561);
	w32(db + 16, 9);
	w32(db + 20, pagesize);
	db[25] = 8;
	db[26] = (flags & 8) ? 1 : 0;
	w32(db + 32, (uint32_t)npages - 1);
	if (n)
		memcpy(db + pagesize, d, n);
	*len = npages * pagesize;
	return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_rpmdb_options o = {
		.max_header_bytes = 1 << 20,
		.max_packages = 1000,
		.max_files = 10000,
		.max_path_bytes = 1 << 20,
	};
	struct cg_rpmdb_stats st;
	uint8_t *db = NULL;
	size_t len = 0;
	unsigned mode;
	cg_err_t rc;

	if (size < 1)
		return 0;
	mode = data[0] & 3;
	switch (mode) {
	case 0:
		rc = cg_rpmdb_read(data + 1, size - 1, &o, check_pkg, NULL, &st, NULL);
		o.flags = CG_RPMDB_WANT_PATHS;
		if (rc == CG_OK &&
		    cg_rpmdb_read(data + 1, size - 1, &o, check_pkg, NULL, &st, NULL) != CG_OK)
			abort(); /* the same bytes must read the same way */
		break;
	case 1:
		o.flags = CG_RPMDB_WANT_PATHS;
		rc = cg_rpmdb_read_header(data + 1, size - 1, &o, check_pkg, NULL, NULL);
		break;
	case 2:
		db = make_ndb(data + 1, size - 1, data[0] & 4, &len);
		if (db && cg_rpmdb_read(db, len, &o, check_pkg, NULL, &st, NULL) == CG_OK &&
		    st.packages + st.skipped > 254)
			abort(); /* one slot page holds 254 slots */
		break;
	default:
		db = make_bdb(data + 1, size - 1, data[0], &len);
		o.flags = CG_RPMDB_WANT_PATHS;
		if (db)
			rc = cg_rpmdb_read(db, len, &o, check_pkg, NULL, &st, NULL);
		break;
	}
	(void)rc;
	free(db);
	return 0;
}
