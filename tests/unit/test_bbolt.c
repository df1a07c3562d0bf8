/* The bbolt reader against bbolt itself: two databases written by
 * go.etcd.io/bbolt (tests/data/bbolt/gen.go: 512-byte pages with branch,
 * overflow and inline pages; containerd 1.6's real meta.db) dumped key by key
 * must equal the dumps bbolt wrote. Then each way of breaking a database
 * (meta pages, cycles, elements past their page, truncation, random bytes)
 * must fail cleanly, never hang or read out of bounds. */
#include "util/internal.h"
#include "image/bbolt.h"
#include "cgtest.h"


#define DATA CG_TEST_DATA "/bbolt/"
#define CORPUS CG_TEST_DATA "/../fuzz/corpus/fuzz_bbolt/"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
			p[n] = '\0';
			*len = (size_t)n;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

/* ---- a dump in gen.go's format ------------------------------------------- */

struct item {
	unsigned char *key, *val;
	size_t klen, vlen;
	bool bucket;
};

struct items {
	struct item *v;
	size_t n;
};

static int collect(void *ud, const unsigned char *k, size_t kl, const unsigned char *v, size_t vl,
		   bool b)
{
	struct items *it = ud;
	struct item *x;
	it->v = realloc(it->v, (it->n + 1) * sizeof(*it->v));
	if (!it->v)
		abort();
	x = &it->v[it->n++];
	x->key = malloc(kl + 1);
	x->val = malloc(vl + 1);
	if (!x->key || !x->val)
		abort();
	memcpy(x->key, k, kl);
	memcpy(x->val, v, vl);
	x->klen = kl;
	x->vlen = vl;
	x->bucket = b;
	return 0;
}

static void put_hex(struct cg_buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cg_buf_printf(out, "%02x", p[i]))
			abort();
}

static cg_err_t dump(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, int depth,
		     struct cg_buf *out, struct cg_error *err)
{
	struct items it = { 0 };
	cg_err_t rc = cg_bbolt_each(db, b, collect, &it, err);
	for (size_t i = 0; i < it.n && !rc; i++) {
		struct item *x = &it.v[i];
		if (cg_buf_printf(out, "%*s%c ", depth * 2, "", x->bucket ? 'B' : 'K'))
			abort();
		put_hex(out, x->key, x->klen);
		if (x->bucket) {
			struct cg_bbolt_bucket sub;
			if (cg_buf_append(out, "\n", 1))
				abort();
			rc = cg_bbolt_open_bucket(db, b, x->key, x->klen, &sub, err);
			if (!rc)
				rc = dump(db, &sub, depth + 1, out, err);
			cg_bbolt_bucket_release(&sub);
		} else {
			struct cg_bbolt_value v;
			if (cg_buf_append(out, " ", 1))
				abort();
			put_hex(out, x->val, x->vlen);
			if (cg_buf_append(out, "\n", 1))
				abort();
			/* the lookup finds what the walk found */
			rc = cg_bbolt_get(db, b, x->key, x->klen, &v, err);
			if (!rc && (v.bucket || v.len != x->vlen || memcmp(v.data, x->val, v.len)))
				rc = cg_error_set(err, CG_ERR_INTERNAL, "get differs from each");
			cg_bbolt_value_release(&v);
		}
	}
	for (size_t i = 0; i < it.n; i++) {
		free(it.v[i].key);
		free(it.v[i].val);
	}
	free(it.v);
	return rc;
}

static cg_err_t dump_db(const unsigned char *p, size_t len, struct cg_buf *out,
			struct cg_error *err)
{
	struct cg_bbolt *db = NULL;
	struct cg_bbolt_bucket root;
	cg_err_t rc = cg_bbolt_open_mem(p, len, &db, err);
	if (rc)
		return rc;
	cg_bbolt_root(db, &root);
	rc = dump(db, &root, 0, out, err);
	cg_bbolt_close(db);
	return rc;
}

static void check_dump(struct cgt *t, const char *dbpath, const char *dumppath)
{
	size_t len, wlen;
	unsigned char *p = slurp(dbpath, &len), *want = slurp(dumppath, &wlen);
	struct cg_buf out = CG_BUF_INIT(1 << 24);
	struct cg_error err = { 0 };
	cg_err_t rc;
	CHECKF(t, p && want, "cannot read %s or %s", dbpath, dumppath);
	if (!p || !want)
		goto done;
	rc = dump_db(p, len, &out, &err);
	CHECKF(t, rc == CG_OK, "%s: %s", dbpath, err.msg);
	CHECK_INT(t, out.len, wlen);
	CHECKF(t, out.len == wlen && memcmp(out.data, want, wlen) == 0, "%s: dump differs", dbpath);
done:
	cg_buf_release(&out);
	free(p);
	free(want);
}

static void t_generated_512(struct cgt *t)
{
	check_dump(t, DATA "gen512.db", DATA "gen512.dump");
}

static void t_containerd_meta(struct cgt *t)
{
	check_dump(t, CORPUS "containerd-1.6.db", DATA "containerd.dump");
}

/* containerd's layout: v1/<ns>/images/<name>/target/{digest,mediatype,size} */
static void t_containerd_lookup(struct cgt *t)
{
	static const char *const path[] = { "v1", "default", "images", "docker.io/library/small:1",
					    "target", NULL };
	static const char *const missing[] = { "v1", "nope", "images", NULL };
	size_t len, depth = 99;
	unsigned char *p = slurp(CORPUS "containerd-1.6.db", &len);
	struct cg_bbolt *db = NULL;
	struct cg_bbolt_bucket b = { 0 }, root;
	struct cg_bbolt_value v = { 0 };
	struct cg_error err = { 0 };
	int64_t size = 0;

	CHECK(t, p != NULL);
	if (!p)
		return;
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_OK);
	if (!db)
		goto done;
	CHECK_INT(t, cg_bbolt_page_size(db), 4096);
	CHECK_INT(t, cg_bbolt_open_path(db, path, &b, &depth, &err), CG_OK);
	CHECK_INT(t, depth, 5);
	CHECK_INT(t, cg_bbolt_get(db, &b, "digest", 6, &v, &err), CG_OK);
	CHECK_STR(t, (char *)v.data,
		  "sha256:346472f0cb34b718d78546ffc9345a00727b1652370f95de82e40a588e00aeec");
	cg_bbolt_value_release(&v);
	CHECK_INT(t, cg_bbolt_get(db, &b, "size", 4, &v, &err), CG_OK);
	CHECK(t, cg_bbolt_varint(v.data, v.len, &size));
	CHECK_INT(t, size, 401);
	cg_bbolt_value_release(&v);
	CHECK_INT(t, cg_bbolt_get(db, &b, "nothing", 7, &v, &err), CG_ERR_NOTFOUND);
	CHECK_INT(t, cg_bbolt_get(db, &b, "", 0, &v, &err), CG_ERR_NOTFOUND);
	CHECK_INT(t, cg_bbolt_get(db, &b, "zzzzzzzzzzzz", 12, &v, &err), CG_ERR_NOTFOUND);
	cg_bbolt_bucket_release(&b);
	CHECK_INT(t, cg_bbolt_open_path(db, missing, &b, &depth, &err), CG_ERR_NOTFOUND);
	CHECK_INT(t, depth, 1);
	/* a value is not a bucket */
	cg_bbolt_root(db, &root);
	CHECK_INT(t, cg_bbolt_open_bucket(db, &root, "v1", 2, &b, &err), CG_OK);
	CHECK_INT(t, cg_bbolt_open_bucket(db, &b, "version", 7, &root, &err), CG_ERR_INVALID);
	cg_bbolt_bucket_release(&b);
done:
	cg_bbolt_close(db);
	free(p);
}

/* ---- broken databases ---------------------------------------------------- */

static uint64_t rd64(const unsigned char *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

static void wr64(unsigned char *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

static void wr32(unsigned char *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

static void t_meta_pages(struct cgt *t)
{
	size_t len;
	unsigned char *p = slurp(DATA "gen512.db", &len);
	struct cg_bbolt *db = NULL;
	struct cg_error err = { 0 };
	struct cg_buf out = CG_BUF_INIT(1 << 24);
	uint64_t tx0, tx1;
	size_t newer;
	CHECK(t, p && len > 1024);
	if (!p)
		return;
	tx0 = rd64(p + 16 + 48);
	tx1 = rd64(p + 512 + 16 + 48);
	newer = tx0 > tx1 ? 0 : 512;
	/* the newer meta with a bad checksum: the older one is used */
	p[newer + 16 + 56] ^= 1;
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_OK);
	if (db)
		CHECK_INT(t, cg_bbolt_txid(db), tx0 > tx1 ? tx1 : tx0);
	cg_bbolt_close(db);
	db = NULL;
	/* meta 0 torn: meta 1 is found at its page size */
	p[newer + 16 + 56] ^= 1;
	memset(p, 0xff, 64);
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_OK);
	if (db)
		CHECK_INT(t, cg_bbolt_page_size(db), 512);
	cg_bbolt_close(db);
	db = NULL;
	/* both broken */
	p[512 + 16] ^= 0xff;
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "not a bbolt database") != NULL);
	/* too short, empty, NULL */
	CHECK_INT(t, cg_bbolt_open_mem(p, 100, &db, &err), CG_ERR_INVALID);
	CHECK_INT(t, cg_bbolt_open_mem(NULL, 0, &db, &err), CG_ERR_INVALID);
	free(p);
	/* a bad page size in an otherwise valid meta (checksum 0 = unchecked) */
	p = slurp(DATA "gen512.db", &len);
	if (!p)
		return;
	for (size_t m = 0; m < 1024; m += 512) {
		wr32(p + m + 16 + 8, 100);
		wr64(p + m + 16 + 56, 0);
	}
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_ERR_INVALID);
	/* a root page past the end */
	free(p);
	p = slurp(DATA "gen512.db", &len);
	for (size_t m = 0; m < 1024; m += 512) {
		wr64(p + m + 16 + 16, 100000);
		wr64(p + m + 16 + 56, 0);
	}
	CHECK_INT(t, cg_bbolt_open_mem(p, len, &db, &err), CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "out of range") != NULL);
	cg_buf_release(&out);
	free(p);
}

/* The first page of a kind (1 branch, 2 leaf) at or after page `from`. */
static size_t find_page(const unsigned char *p, size_t len, unsigned flags, size_t from)
{
	for (size_t i = from; (i + 1) * 512 <= len; i++) {
		const unsigned char *pg = p + i * 512;
		if (rd64(pg) == i && pg[8] == flags)
			return i;
	}
	return 0;
}

static void t_cycles_and_bounds(struct cgt *t)
{
	size_t len, br, lf;
	unsigned char *p = slurp(DATA "gen512.db", &len);
	struct cg_buf out = CG_BUF_INIT(1 << 24);
	struct cg_error err = { 0 };
	cg_err_t rc;
	CHECK(t, p != NULL);
	if (!p)
		return;
	br = find_page(p, len, 1, 2);
	CHECK(t, br > 0);
	/* a branch whose children are itself */
	for (size_t i = 0; i < (size_t)(p[br * 512 + 10] | p[br * 512 + 11] << 8); i++)
		wr64(p + br * 512 + 16 + i * 16 + 8, br);
	rc = dump_db(p, len, &out, &err);
	CHECKF(t, rc == CG_ERR_LIMIT, "cycle: %d %s", rc, err.msg);
	free(p);

	/* a leaf element whose value lies past the page */
	p = slurp(DATA "gen512.db", &len);
	lf = find_page(p, len, 2, 2);
	CHECK(t, lf > 0);
	wr32(p + lf * 512 + 16 + 12, 1000000);
	cg_buf_reset(&out);
	rc = dump_db(p, len, &out, &err);
	CHECKF(t, rc == CG_ERR_INVALID, "element past page: %d %s", rc, err.msg);
	/* a page id that does not match its place */
	free(p);
	p = slurp(DATA "gen512.db", &len);
	wr64(p + lf * 512, lf + 1);
	cg_buf_reset(&out);
	rc = dump_db(p, len, &out, &err);
	CHECKF(t, rc == CG_ERR_INVALID, "page id: %d %s", rc, err.msg);
	/* a huge overflow count */
	free(p);
	p = slurp(DATA "gen512.db", &len);
	wr32(p + lf * 512 + 12, 0xffffffffu);
	cg_buf_reset(&out);
	rc = dump_db(p, len, &out, &err);
	CHECKF(t, rc == CG_ERR_INVALID, "overflow: %d %s", rc, err.msg);
	/* every truncation of the file fails cleanly or reads a prefix */
	free(p);
	p = slurp(DATA "gen512.db", &len);
	for (size_t cut = 0; cut < len; cut += 97) {
		cg_buf_reset(&out);
		rc = dump_db(p, cut, &out, &err);
		CHECKF(t, rc == CG_OK || rc == CG_ERR_INVALID || rc == CG_ERR_IO, "cut %zu: %d", cut, rc);
	}
	cg_buf_release(&out);
	free(p);
}

/* Random damage: whatever happens, it ends (the sanitizer build checks the
 * reads), and an undamaged copy still dumps. */
static void t_random_damage(struct cgt *t)
{
	size_t len;
	unsigned char *orig = slurp(DATA "gen512.db", &len), *p;
	struct cg_buf out = CG_BUF_INIT(1 << 24);
	struct cg_error err = { 0 };
	uint64_t seed = 42;
	int ok = 0, bad = 0;
	CHECK(t, orig != NULL);
	if (!orig)
		return;
	p = malloc(len);
	for (int round = 0; round < 400 && p; round++) {
		memcpy(p, orig, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			p[(seed >> 33) % len] = (unsigned char)(seed >> 13);
		}
		cg_buf_reset(&out);
		if (dump_db(p, len, &out, &err) == CG_OK)
			ok++;
		else
			bad++;
	}
	CHECK_INT(t, ok + bad, 400);
	CHECKF(t, ok > 0 && bad > 0, "ok %d bad %d", ok, bad);
	cg_buf_reset(&out);
	CHECK_INT(t, dump_db(orig, len, &out, &err), CG_OK);
	cg_buf_release(&out);
	free(p);
	free(orig);
}

static void t_varint(struct cgt *t)
{
	static const struct {
		const char *bytes;
		size_t len;
		bool ok;
		int64_t want;
	} cases[] = {
		{ "\x00", 1, true, 0 },
		{ "\x01", 1, true, -1 },
		{ "\x02", 1, true, 1 },
		{ "\xa2\x06", 2, true, 401 },
		{ "\xd8\x05", 2, true, 364 },
		{ "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10, true, INT64_MAX },
		{ "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10, true, INT64_MIN },
		{ "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10, false, 0 },
		{ "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11, false, 0 },
		{ "\x80", 1, false, 0 },
		{ "", 0, false, 0 },
		{ "\x02\x00", 2, false, 0 }, /* trailing bytes */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 12345;
		bool ok = cg_bbolt_varint((const unsigned char *)cases[i].bytes, cases[i].len, &got);
		CHECKF(t, ok == cases[i].ok, "case %zu: ok %d", i, ok);
		if (ok && cases[i].ok)
			CHECKF(t, got == cases[i].want, "case %zu: %lld", i, (long long)got);
	}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_generated_512),
	CGT_CASE(t_containerd_meta),
	CGT_CASE(t_containerd_lookup),
	CGT_CASE(t_meta_pages),
	CGT_CASE(t_cycles_and_bounds),
	CGT_CASE(t_random_damage),
	CGT_CASE(t_varint),
};

CGT_MAIN(cases)
