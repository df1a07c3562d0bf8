/* The rpm database reader: the three real databases of tests/data/rpmdb/
 * against their expected.tsv, then headers, Berkeley DB, NDB and SQLite files
 * built here byte by byte (valid ones, and each way of breaking them), and
 * truncated and corrupted copies of the real databases. */
#include <cguard/cguard.h>
#include <cguard/rpmdb.h>
#include <sqlite3.h>
#include <time.h>
#include "cgtest.h"

/* ---- small helpers ---------------------------------------------------- */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct bytes {
	uint8_t *p;
	size_t len, cap;
};

static void b_put(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void b_zero(struct bytes *b, size_t n)
{
	static const uint8_t z[64];
	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);
		b_put(b, z, k);
		n -= k;
	}
}

static void put_be32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

static void put_le32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)x;
	p[1] = (uint8_t)(x >> 8);
	p[2] = (uint8_t)(x >> 16);
	p[3] = (uint8_t)(x >> 24);
}

static void b_be32(struct bytes *b, uint32_t x)
{
	uint8_t q[4];
	put_be32(q, x);
	b_put(b, q, 4);
}

static uint8_t *read_file(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	long n;
	uint8_t *p;
	snprintf(path, sizeof(path), "%s/rpmdb/%s", CG_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	p = malloc(n ? (size_t)n : 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- a collecting callback -------------------------------------------- */

struct got {
	size_t n;
	char lines[1024][256]; /* name epoch version release arch sourcerpm */
	char last_name[64], last_license[128], last_vendor[64], last_mod[64];
	uint64_t last_size;
	bool last_has_size, last_has_epoch;
	uint32_t last_epoch, last_hnum;
	enum cg_rpmdb_files last_status;
	size_t files;        /* files over all packages */
	char paths[512];     /* the last package's paths, '\n'-separated */
	bool bad_index;      /* some dirindexes[i] >= ndirs */
	int stop_after;      /* return CG_ERR_EXISTS after this many (0: never) */
};

static cg_err_t collect(const struct cg_rpmdb_pkg *p, void *ud)
{
	struct got *g = ud;
	if (g->n < 1024)
		snprintf(g->lines[g->n], sizeof(g->lines[0]), "%s\t%u\t%s\t%s\t%s\t%s", p->name,
			 p->epoch, p->version ? p->version : "(none)",
			 p->release ? p->release : "(none)", p->arch ? p->arch : "(none)",
			 p->sourcerpm ? p->sourcerpm : "(none)");
	g->n++;
	snprintf(g->last_name, sizeof(g->last_name), "%s", p->name);
	snprintf(g->last_license, sizeof(g->last_license), "%s", p->license ? p->license : "");
	snprintf(g->last_vendor, sizeof(g->last_vendor), "%s", p->vendor ? p->vendor : "");
	snprintf(g->last_mod, sizeof(g->last_mod), "%s",
		 p->modularitylabel ? p->modularitylabel : "");
	g->last_size = p->size;
	g->last_has_size = p->has_size;
	g->last_has_epoch = p->has_epoch;
	g->last_epoch = p->epoch;
	g->last_hnum = p->hnum;
	g->last_status = p->files_status;
	g->files += p->nfiles;
	g->paths[0] = '\0';
	for (size_t i = 0; i < p->nfiles; i++) {
		size_t at = strlen(g->paths);
		if (p->dirindexes[i] >= p->ndirs)
			g->bad_index = true;
		if (p->paths)
			snprintf(g->paths + at, sizeof(g->paths) - at, "%s\n", p->paths[i]);
		else
			snprintf(g->paths + at, sizeof(g->paths) - at, "%s%s\n",
				 p->dirnames[p->dirindexes[i]], p->basenames[i]);
	}
	if (g->stop_after && (int)g->n >= g->stop_after)
		return CG_ERR_EXISTS;
	return CG_OK;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* ---- the real databases ----------------------------------------------- */

static const struct real_db {
	const char *dir, *file;
	enum cg_rpmdb_format format;
	size_t packages, files;
} real_dbs[] = {
	/* file counts: rpm -qa --qf '[%{FILENAMES}\n]' (Debian's rpm 4.18); for the
	 * NDB one (no NDB backend there) on its headers loaded with rpmdb --importdb */
	{ "mariner-2.0-sqlite", "rpmdb.sqlite", CG_RPMDB_SQLITE, 129, 7269 },
	{ "libuuid-bdb", "Packages", CG_RPMDB_BDB, 1, 7 },
	{ "sle15-bci-ndb", "Packages.db", CG_RPMDB_NDB, 35, 2837 },
};

static void check_real(struct cgt *t, const struct real_db *r)
{
	char rel[256], line[512];
	struct got *g = calloc(1, sizeof(*g));
	struct cg_rpmdb_stats st;
	struct cg_error err;
	uint8_t *data, *copy;
	size_t len = 0, n = 0;
	FILE *f;
	cg_err_t rc;
	double t0;

	snprintf(rel, sizeof(rel), "%s/%s", r->dir, r->file);
	data = read_file(rel, &len);
	CHECKF(t, data != NULL, "cannot read %s", rel);
	if (!data || !g) {
		free(g);
		return;
	}
	copy = malloc(len);
	memcpy(copy, data, len);
	t0 = now_ms();
	rc = cg_rpmdb_read(data, len, NULL, collect, g, &st, &err);
	fprintf(stderr, "  %s: %zu packages, %zu files in %.2f ms\n", r->dir, st.packages, g->files,
		now_ms() - t0);
	CHECKF(t, rc == CG_OK, "%s: %s", rel, cg_error_message(&err));
	CHECK_INT(t, st.format, r->format);
	CHECK_INT(t, st.packages, r->packages);
	CHECKF(t, st.skipped == 0, "%s: skipped %zu: %s", rel, st.skipped, st.first_skip);
	CHECK_INT(t, g->files, r->files);
	CHECK(t, !g->bad_index);
	CHECKF(t, memcmp(copy, data, len) == 0, "%s: the input was modified", rel);

	/* exactly expected.tsv, both sorted */
	qsort(g->lines, g->n < 1024 ? g->n : 1024, sizeof(g->lines[0]), line_cmp);
	snprintf(rel, sizeof(rel), "%s/rpmdb/%s/expected.tsv", CG_TEST_DATA, r->dir);
	f = fopen(rel, "r");
	CHECKF(t, f != NULL, "cannot open %s", rel);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		CHECKF(t, n < g->n && strcmp(line, g->lines[n]) == 0, "%s line %zu: want '%s' got '%s'",
		       r->dir, n + 1, line, n < g->n ? g->lines[n] : "(end)");
		n++;
	}
	if (f)
		fclose(f);
	CHECK_INT(t, n, g->n);

	/* the explicit format gives the same; another format is refused */
	{
		struct cg_rpmdb_options o = { .format = r->format };
		struct cg_rpmdb_stats st2;
		rc = cg_rpmdb_read(data, len, &o, collect, g, &st2, NULL);
		CHECK(t, rc == CG_OK && st2.packages == r->packages);
		o.format = r->format == CG_RPMDB_NDB ? CG_RPMDB_BDB : CG_RPMDB_NDB;
		rc = cg_rpmdb_read(data, len, &o, collect, g, &st2, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, "bad magic"), "%s: forced: %s",
		       r->dir, err.msg);
	}
	free(copy);
	free(data);
	free(g);
}

static void t_real_sqlite(struct cgt *t)
{
	check_real(t, &real_dbs[0]);
}

static void t_real_bdb(struct cgt *t)
{
	check_real(t, &real_dbs[1]);
}

static void t_real_ndb(struct cgt *t)
{
	check_real(t, &real_dbs[2]);
}

/* libuuid's file list, in full, as Debian's rpm prints it */
static void t_real_paths(struct cgt *t)
{
	static const char want[] = "/usr/lib/.build-id\n"
				   "/usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647\n"
				   "/usr/lib64/libuuid.so.1\n"
				   "/usr/lib64/libuuid.so.1.3.0\n"
				   "/usr/share/licenses/libuuid\n"
				   "/usr/share/licenses/libuuid/COPYING\n"
				   "/usr/share/licenses/libuuid/COPYING.BSD-3\n";
	struct cg_rpmdb_options o = { .flags = CG_RPMDB_WANT_PATHS };
	struct got *g = calloc(1, sizeof(*g));
	size_t len = 0;
	uint8_t *data = read_file("libuuid-bdb/Packages", &len);
	CHECK(t, data && g);
	if (!data || !g)
		goto done;
	CHECK(t, cg_rpmdb_read(data, len, &o, collect, g, NULL, NULL) == CG_OK);
	CHECK_STR(t, g->paths, want);
	CHECK_STR(t, g->last_license, "BSD");
	CHECK_STR(t, g->last_vendor, "Red Hat, Inc.");
	CHECK(t, g->last_has_size && g->last_size == 35104);
	CHECK(t, !g->last_has_epoch);
	/* without WANT_PATHS the same list from dirnames + basenames */
	memset(g, 0, sizeof(*g));
	CHECK(t, cg_rpmdb_read(data, len, NULL, collect, g, NULL, NULL) == CG_OK);
	CHECK_STR(t, g->paths, want);
done:
	free(data);
	free(g);
}

/* ---- header blobs built here ------------------------------------------ */

enum { T_CHAR = 1, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRARR, T_I18N };

struct hent {
	uint32_t tag, type, count;
	const void *data;
	size_t len;
	bool dribble; /* placed after the region trailer */
};

#define STR(tag, s)          { tag, T_STRING, 1, s, sizeof(s), false }
#define ARR(tag, n, s)       { tag, T_STRARR, n, s, sizeof(s), false }
#define I32(tag, n, p)       { tag, T_INT32, n, p, 4 * (size_t)(n), false }

static size_t type_size(uint32_t type)
{
	return type == T_INT16 ? 2 : type == T_INT32 ? 4 : type == T_INT64 ? 8 : 1;
}

/* A valid header (as rpm's headerExport lays it out), with a region unless
 * `legacy`. Integer data is given in host order and written big-endian. */
static struct bytes hdr_make(const struct hent *e, size_t n, bool legacy)
{
	struct bytes ds = { 0 }, idx = { 0 }, out = { 0 };
	uint32_t il = (uint32_t)n + (legacy ? 0 : 1), trailer = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			size_t sz = type_size(e[i].type);
			uint8_t ent[16];
			if (e[i].dribble != (pass == 1))
				continue;
			while (ds.len % sz)
				b_zero(&ds, 1);
			put_be32(ent, e[i].tag);
			put_be32(ent + 4, e[i].type);
			put_be32(ent + 8, (uint32_t)ds.len);
			put_be32(ent + 12, e[i].count);
			b_put(&idx, ent, 16);
			if (sz > 1 && e[i].type != T_BIN) {
				const uint8_t *src = e[i].data;
				for (size_t k = 0; k + sz <= e[i].len; k += sz) {
					uint8_t q[8];
					for (size_t j = 0; j < sz; j++)
						q[j] = src[k + sz - 1 - j]; /* host (LE) to BE */
					b_put(&ds, q, sz);
				}
			} else {
				b_put(&ds, e[i].data, e[i].len);
			}
		}
		if (pass == 0 && !legacy) { /* the region trailer */
			uint32_t ril = 1;
			for (size_t i = 0; i < n; i++)
				ril += !e[i].dribble;
			trailer = (uint32_t)ds.len;
			b_be32(&ds, 63);
			b_be32(&ds, T_BIN);
			b_be32(&ds, (uint32_t)-(int32_t)(ril * 16));
			b_be32(&ds, 16);
		}
	}
	b_be32(&out, il);
	b_be32(&out, (uint32_t)ds.len);
	if (!legacy) {
		b_be32(&out, 63);
		b_be32(&out, T_BIN);
		b_be32(&out, trailer);
		b_be32(&out, 16);
	}
	b_put(&out, idx.p, idx.len);
	b_put(&out, ds.p, ds.len);
	free(ds.p);
	free(idx.p);
	return out;
}

static const uint32_t epoch7 = 7;
static const uint32_t size32 = 1234;
static const uint64_t size64 = 5000000000ull;
static const uint32_t dirindexes3[3] = { 0, 1, 0 };

/* a typical header: what an rpm database holds */
static const struct hent base_hdr[] = {
	STR(1000, "hello"),
	STR(1001, "2.10"),
	STR(1002, "3.fc40"),
	I32(1003, 1, &epoch7),
	I32(1009, 1, &size32),
	STR(1011, "Fedora Project"),
	STR(1014, "GPL-3.0-or-later"),
	STR(1022, "x86_64"),
	STR(1044, "hello-2.10-3.fc40.src.rpm"),
	I32(1116, 3, dirindexes3),
	ARR(1117, 3, "hello\0hello.1.gz\0README"),
	ARR(1118, 2, "/usr/bin/\0/usr/share/man/man1/"),
	STR(5096, "hello:2:1:abc"),
};

static cg_err_t parse(const struct bytes *b, struct got *g, struct cg_error *err)
{
	struct cg_rpmdb_options o = { .flags = CG_RPMDB_WANT_PATHS };
	memset(g, 0, sizeof(*g));
	return cg_rpmdb_read_header(b->p, b->len, &o, collect, g, err);
}

static void t_header_fields(struct cgt *t)
{
	struct got *g = calloc(1, sizeof(*g));
	struct cg_error err;
	struct bytes b = hdr_make(base_hdr, NELEM(base_hdr), false);
	CHECKF(t, parse(&b, g, &err) == CG_OK, "%s", err.msg);
	CHECK_STR(t, g->lines[0], "hello\t7\t2.10\t3.fc40\tx86_64\thello-2.10-3.fc40.src.rpm");
	CHECK(t, g->last_has_epoch && g->last_epoch == 7);
	CHECK(t, g->last_has_size && g->last_size == 1234);
	CHECK_STR(t, g->last_license, "GPL-3.0-or-later");
	CHECK_STR(t, g->last_vendor, "Fedora Project");
	CHECK_STR(t, g->last_mod, "hello:2:1:abc");
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_OK);
	CHECK_STR(t, g->paths, "/usr/bin/hello\n/usr/share/man/man1/hello.1.gz\n/usr/bin/README\n");
	free(b.p);

	/* the same without a region (a legacy v3 header) */
	b = hdr_make(base_hdr, NELEM(base_hdr), true);
	CHECKF(t, parse(&b, g, &err) == CG_OK, "%s", err.msg);
	CHECK_STR(t, g->last_name, "hello");
	free(b.p);
	free(g);
}

static void t_header_dribbles(struct cgt *t)
{
	/* install-time entries after the region replace the region's ones;
	 * LONGSIZE wins over SIZE; i18n strings give their first string */
	struct hent e[] = {
		STR(1000, "old"),
		STR(1001, "1"),
		{ 1004, T_I18N, 2, "summary\0resume", 15, false },
		I32(1009, 1, &size32),
		{ 1000, T_STRING, 1, "new", 4, true },
		{ 5009, T_INT64, 1, &size64, 8, true },
		{ 1022, T_I18N, 2, "noarch\0x", 9, true },
	};
	struct got *g = calloc(1, sizeof(*g));
	struct cg_error err;
	struct bytes b = hdr_make(e, NELEM(e), false);
	CHECKF(t, parse(&b, g, &err) == CG_OK, "%s", err.msg);
	CHECK_STR(t, g->lines[0], "new\t0\t1\t(none)\tnoarch\t(none)");
	CHECK(t, g->last_size == 5000000000ull);
	CHECK(t, !g->last_has_epoch);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_OK);
	free(b.p);
	free(g);
}

/* Ways to break base_hdr after it is built: patch a big-endian u32 at an
 * offset (into the index when < 0x10000 is meant as "entry i field f"), or
 * change the length. Each must be refused with a message naming why. */
struct hmut {
	const char *name;
	long entry, field; /* entry index (0 = region tag) and field (0 tag .. 3 count); -2: il,
			    * -3: dl, -1: none */
	uint32_t value;
	bool add;          /* add value to the field instead of setting it */
	long truncate;     /* bytes to cut from the end (or -n to add) */
	long ds_byte;      /* data-store byte to set to `byte` (-1: none; -2: the last) */
	uint8_t byte;
	const char *want;  /* substring of the message */
};

static void t_header_invalid(struct cgt *t)
{
	static const struct hmut muts[] = {
		{ "il zero", -2, 0, 0, false, 0, -1, 0, "index count 0" },
		{ "il huge", -2, 0, 0x10000, false, 0, -1, 0, "index count 65536" },
		{ "dl huge", -3, 0, 0x10000000, false, 0, -1, 0, "data size" },
		{ "short by one", -1, 0, 0, false, 1, -1, 0, "header size" },
		{ "long by one", -1, 0, 0, false, -1, -1, 0, "header size" },
		{ "region type", 0, 1, T_STRING, false, 0, -1, 0, "region tag 63" },
		{ "region count", 0, 3, 17, false, 0, -1, 0, "region tag 63" },
		{ "region offset", 0, 2, 0x7ffffff0, false, 0, -1, 0, "region trailer offset" },
		{ "region offset negative", 0, 2, 0xfffffff0, false, 0, -1, 0, "region trailer offset" },
		{ "tag below 100", 1, 0, 99, false, 0, -1, 0, "bad tag 99" },
		{ "type 10", 1, 1, 10, false, 0, -1, 0, "bad type 10" },
		{ "type null", 1, 1, 0, false, 0, -1, 0, "does not fit" },
		{ "misaligned int32", 4, 2, 1, true, 0, -1, 0, "not aligned" },
		{ "int32 overlapping", 4, 2, 0, false, 0, -1, 0, "overlaps" },
		{ "offset past dl", 13, 2, 0x00fffff0, false, 0, -1, 0, "offset" },
		{ "string count 2", 1, 3, 2, false, 0, -1, 0, "does not fit" },
		{ "string array count 0", 11, 3, 0, false, 0, -1, 0, "does not fit" },
		{ "string array count huge", 11, 3, 0xffffffff, false, 0, -1, 0, "does not fit" },
		{ "int32 count huge", 10, 3, 0x40000000, false, 0, -1, 0, "does not fit" },
		{ "unterminated last string", -1, 0, 0, false, 0, -2, 'x', "region trailer" },
		{ "name retagged", 1, 0, 1999, false, 0, -1, 0, "no NAME" },
		{ "name unterminated", -1, 0, 0, false, 0, 5, 'x', "overlaps" },
	};
	struct got *g = calloc(1, sizeof(*g));
	for (size_t m = 0; m < NELEM(muts); m++) {
		const struct hmut *mu = &muts[m];
		struct bytes b = hdr_make(base_hdr, NELEM(base_hdr), false);
		struct cg_error err;
		uint32_t il = (uint32_t)NELEM(base_hdr) + 1;
		size_t ds = 8 + (size_t)il * 16;
		cg_err_t rc;
		if (mu->entry >= 0) {
			uint8_t *f = b.p + 8 + mu->entry * 16 + mu->field * 4;
			uint32_t old = (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 |
				       (uint32_t)f[2] << 8 | f[3];
			put_be32(f, mu->add ? old + mu->value : mu->value);
		}
		else if (mu->entry == -2)
			put_be32(b.p, mu->value);
		else if (mu->entry == -3)
			put_be32(b.p + 4, mu->value);
		if (mu->truncate > 0)
			b.len -= (size_t)mu->truncate;
		else if (mu->truncate < 0)
			b_zero(&b, (size_t)-mu->truncate);
		if (mu->ds_byte == -2) {
			/* the NUL of the last string (modularitylabel), just before the trailer */
			b.p[b.len - 17] = mu->byte;
		} else if (mu->ds_byte >= 0) {
			b.p[ds + (size_t)mu->ds_byte] = mu->byte;
		}
		rc = parse(&b, g, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, mu->want), "%s: rc %d '%s'",
		       mu->name, rc, err.msg);
		CHECKF(t, g->n == 0, "%s: callback called", mu->name);
		free(b.p);
	}
	free(g);
}

static void t_header_types(struct cgt *t)
{
	/* EPOCH as INT16, SIZE as CHAR: numbers of any integer type; NAME as a
	 * number is no name */
	static const uint16_t epoch16 = 9;
	struct hent e[] = { STR(1000, "typed"), { 1003, T_INT16, 1, &epoch16, 2, false },
			    { 1009, T_CHAR, 1, "\x2a", 1, false } };
	struct hent bad[] = { I32(1000, 1, &epoch7), STR(1001, "1") };
	struct got *g = calloc(1, sizeof(*g));
	struct cg_error err;
	struct bytes b = hdr_make(e, 3, false);
	CHECKF(t, parse(&b, g, &err) == CG_OK, "%s", err.msg);
	CHECK(t, g->last_has_epoch && g->last_epoch == 9);
	CHECK(t, g->last_has_size && g->last_size == 42);
	free(b.p);
	b = hdr_make(bad, 2, false);
	CHECK(t, parse(&b, g, &err) == CG_ERR_INVALID && strstr(err.msg, "no NAME"));
	free(b.p);
	/* a region trailer that claims no entries */
	b = hdr_make(e, 3, false);
	put_be32(b.p + b.len - 8, 0);
	CHECKF(t, parse(&b, g, &err) == CG_ERR_INVALID && strstr(err.msg, "covers no entries"),
	       "%s", err.msg);
	free(b.p);
	free(g);
}

static void t_header_gap(struct cgt *t)
{
	/* an unused byte in the data store: rpm's hdrblobImport refuses it */
	struct hent e[] = { STR(1000, "gap"), STR(1001, "1") };
	struct got *g = calloc(1, sizeof(*g));
	struct cg_error err;
	struct bytes b = hdr_make(e, 2, true);
	/* move VERSION one byte later and grow dl by one */
	uint32_t dl = ((uint32_t)b.p[4] << 24 | (uint32_t)b.p[5] << 16 | (uint32_t)b.p[6] << 8 |
		       b.p[7]);
	struct bytes c = { 0 };
	b_put(&c, b.p, b.len);
	put_be32(c.p + 4, dl + 1);
	put_be32(c.p + 8 + 16 + 8, 5); /* "gap\0" is 4 bytes: offset 5 leaves one gap byte */
	b_zero(&c, 1);
	memmove(c.p + 8 + 32 + 5, c.p + 8 + 32 + 4, 2);
	c.p[8 + 32 + 4] = 0;
	CHECK(t, parse(&b, g, &err) == CG_OK);
	CHECKF(t, parse(&c, g, &err) == CG_ERR_INVALID && strstr(err.msg, "account for"), "%s",
	       err.msg);
	free(b.p);
	free(c.p);
	free(g);
}

static void t_header_files(struct cgt *t)
{
	static const uint32_t idx_bad[3] = { 0, 2, 0 };
	struct hent e[] = {
		STR(1000, "f"),
		I32(1116, 3, dirindexes3),
		ARR(1117, 3, "a\0b\0c"),
		ARR(1118, 2, "/x/\0/y/"),
	};
	struct got *g = calloc(1, sizeof(*g));
	struct cg_rpmdb_options o = { .flags = CG_RPMDB_WANT_PATHS };
	struct cg_error err;
	struct bytes b;

	/* dirindex out of range */
	e[1].data = idx_bad;
	b = hdr_make(e, 4, false);
	CHECK(t, parse(&b, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_INVALID);
	CHECK_INT(t, g->files, 0);
	free(b.p);
	e[1].data = dirindexes3;

	/* counts disagree */
	e[1].count = 2;
	e[1].len = 8;
	b = hdr_make(e, 4, false);
	CHECK(t, parse(&b, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_INVALID);
	free(b.p);
	e[1].count = 3;
	e[1].len = 12;

	/* dirnames missing */
	b = hdr_make(e, 3, false);
	CHECK(t, parse(&b, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_INVALID);
	free(b.p);

	/* over max_files, over max_path_bytes, and just fitting */
	b = hdr_make(e, 4, false);
	o.max_files = 2;
	memset(g, 0, sizeof(*g));
	CHECK(t, cg_rpmdb_read_header(b.p, b.len, &o, collect, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_LIMIT);
	o.max_files = 3;
	o.max_path_bytes = 14; /* "/x/a" "/y/b" "/x/c" with NULs: 15 */
	memset(g, 0, sizeof(*g));
	CHECK(t, cg_rpmdb_read_header(b.p, b.len, &o, collect, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_LIMIT);
	o.max_path_bytes = 15;
	memset(g, 0, sizeof(*g));
	CHECK(t, cg_rpmdb_read_header(b.p, b.len, &o, collect, g, &err) == CG_OK);
	CHECK_INT(t, g->last_status, CG_RPMDB_FILES_OK);
	CHECK_STR(t, g->paths, "/x/a\n/y/b\n/x/c\n");
	free(b.p);

	/* old-style OLDFILENAMES */
	{
		struct hent old[] = { STR(1000, "old"), ARR(1027, 2, "/etc/a\0/etc/b c") };
		b = hdr_make(old, 2, false);
		CHECK(t, parse(&b, g, &err) == CG_OK);
		CHECK_INT(t, g->last_status, CG_RPMDB_FILES_OK);
		CHECK_STR(t, g->paths, "/etc/a\n/etc/b c\n");
		free(b.p);
	}
	/* BASENAMES present: OLDFILENAMES is ignored */
	{
		struct hent both[] = { STR(1000, "both"), ARR(1027, 1, "/old"), I32(1116, 1, dirindexes3),
				       ARR(1117, 1, "new"), ARR(1118, 1, "/") };
		b = hdr_make(both, 5, false);
		CHECK(t, parse(&b, g, &err) == CG_OK);
		CHECK_STR(t, g->paths, "/new\n");
		free(b.p);
	}
	free(g);
}

/* a header with the largest index rpm allows parses in bounded time */
static void t_header_huge_index(struct cgt *t)
{
	size_t n = 0xffff - 1;
	struct hent *e = calloc(n, sizeof(*e));
	struct got *g = calloc(1, sizeof(*g));
	struct cg_error err;
	struct bytes b;
	double t0;
	e[0] = (struct hent)STR(1000, "many");
	for (size_t i = 1; i < n; i++)
		e[i] = (struct hent){ (uint32_t)(10000 + i), T_CHAR, 1, "x", 1, false };
	b = hdr_make(e, n, false);
	t0 = now_ms();
	CHECKF(t, parse(&b, g, &err) == CG_OK, "%s", err.msg);
	CHECKF(t, now_ms() - t0 < 1000, "took %.0f ms", now_ms() - t0);
	CHECK_STR(t, g->last_name, "many");
	free(b.p);
	free(e);
	free(g);
}

/* ---- Berkeley DB files built here ------------------------------------- */

struct bdbw {
	uint8_t *p;
	uint32_t pagesize, npages, overhead;
	bool be;
};

static void w16(struct bdbw *w, size_t off, uint16_t x)
{
	w->p[off] = (uint8_t)(w->be ? x >> 8 : x);
	w->p[off + 1] = (uint8_t)(w->be ? x : x >> 8);
}

static void w32(struct bdbw *w, size_t off, uint32_t x)
{
	if (w->be)
		put_be32(w->p + off, x);
	else
		put_le32(w->p + off, x);
}

static void bdb_init(struct bdbw *w, uint32_t pagesize, uint32_t npages, bool be, bool chksum)
{
	w->pagesize = pagesize;
	w->npages = npages;
	w->be = be;
	w->overhead = chksum ? 32 : 26;
	w->p = calloc(npages, pagesize);
	w32(w, 12, 0x061561);
	w32(w, 16, 9);
	w32(w, 20, pagesize);
	w->p[25] = 8;
	w->p[26] = chksum ? 1 : 0;
	w32(w, 32, npages - 1);
}

/* A hash page holding the given items (each: type byte + payload). */
static void bdb_hash_page(struct bdbw *w, uint32_t pgno, const struct bytes *items, size_t n)
{
	size_t base = (size_t)pgno * w->pagesize, at = w->pagesize;
	w32(w, base + 8, pgno);
	w16(w, base + 20, (uint16_t)n);
	w->p[base + 25] = 13;
	for (size_t i = 0; i < n; i++) {
		at -= items[i].len;
		memcpy(w->p + base + at, items[i].p, items[i].len);
		w16(w, base + w->overhead + i * 2, (uint16_t)at);
	}
	w16(w, base + 22, (uint16_t)at);
}

/* Overflow pages first..; returns the page after the last one used. */
static uint32_t bdb_overflow(struct bdbw *w, uint32_t first, const uint8_t *p, size_t len)
{
	uint32_t pg = first, usable = w->pagesize - w->overhead;
	while (len) {
		size_t base = (size_t)pg * w->pagesize, n = len < usable ? len : usable;
		w32(w, base + 8, pg);
		w32(w, base + 16, len > n ? pg + 1 : 0);
		w16(w, base + 22, (uint16_t)n);
		w->p[base + 25] = 7;
		memcpy(w->p + base + w->overhead, p, n);
		p += n;
		len -= n;
		pg++;
	}
	return pg;
}

static struct bytes item_key(struct bdbw *w, uint32_t hnum)
{
	struct bytes b = { 0 };
	uint8_t q[5] = { 1 };
	if (w->be)
		put_be32(q + 1, hnum);
	else
		put_le32(q + 1, hnum);
	b_put(&b, q, 5);
	return b;
}

static struct bytes item_inline(const struct bytes *hdr)
{
	struct bytes b = { 0 };
	uint8_t type = 1;
	b_put(&b, &type, 1);
	b_put(&b, hdr->p, hdr->len);
	return b;
}

static struct bytes item_offpage(struct bdbw *w, uint32_t pgno, uint32_t tlen)
{
	struct bytes b = { 0 };
	uint8_t q[12] = { 3 };
	if (w->be) {
		put_be32(q + 4, pgno);
		put_be32(q + 8, tlen);
	} else {
		put_le32(q + 4, pgno);
		put_le32(q + 8, tlen);
	}
	b_put(&b, q, 12);
	return b;
}

/* A 512-byte-page database: page 1 holds the counter record, an inline
 * header and two off-page headers on pages 2.. */
static void bdb_build(struct bdbw *w, bool be, bool chksum, struct bytes *hdrs, uint32_t *after)
{
	struct bytes items[8];
	uint32_t pg;
	bdb_init(w, 512, 32, be, chksum);
	items[0] = item_key(w, 0);
	items[1] = item_key(w, 9);
	items[2] = item_key(w, 1);
	items[3] = item_inline(&hdrs[0]);
	items[4] = item_key(w, 2);
	items[5] = item_offpage(w, 2, (uint32_t)hdrs[1].len);
	pg = bdb_overflow(w, 2, hdrs[1].p, hdrs[1].len);
	items[6] = item_key(w, 3);
	items[7] = item_offpage(w, pg, (uint32_t)hdrs[2].len);
	*after = bdb_overflow(w, pg, hdrs[2].p, hdrs[2].len);
	bdb_hash_page(w, 1, items, 8);
	for (int i = 0; i < 8; i++)
		free(items[i].p);
}

static void small_headers(struct bytes *h)
{
	struct hent a[] = { STR(1000, "inline"), STR(1001, "1"), STR(1002, "1") };
	struct hent b[] = { STR(1000, "offpage"), STR(1001, "2"), STR(1002, "2"),
			    STR(1014, "a license long enough to need two overflow pages of 512 "
				      "bytes: .........................................................."
				      "................................................................"
				      "................................................................"
				      "................................................................"
				      "................................................................"
				      "................................................................"
				      "................................................") };
	struct hent c[] = { STR(1000, "third"), STR(1001, "3"), STR(1002, "3") };
	h[0] = hdr_make(a, 3, false);
	h[1] = hdr_make(b, 4, false);
	h[2] = hdr_make(c, 3, false);
}

static cg_err_t read_db(const uint8_t *p, size_t len, struct got *g, struct cg_rpmdb_stats *st,
			struct cg_error *err)
{
	memset(g, 0, sizeof(*g));
	return cg_rpmdb_read(p, len, NULL, collect, g, st, err);
}

static void t_bdb_valid(struct cgt *t)
{
	struct bytes h[3];
	struct got *g = calloc(1, sizeof(*g));
	small_headers(h);
	for (int v = 0; v < 4; v++) {
		struct bdbw w;
		struct cg_rpmdb_stats st;
		struct cg_error err;
		uint32_t after;
		bdb_build(&w, v & 1, v & 2, h, &after);
		CHECKF(t, after > 3 && after < 32, "layout %u", after);
		CHECKF(t, read_db(w.p, (size_t)w.npages * w.pagesize, g, &st, &err) == CG_OK, "%s",
		       err.msg);
		CHECK_INT(t, st.format, CG_RPMDB_BDB);
		CHECKF(t, st.packages == 3 && st.skipped == 0, "variant %d: %zu packages %zu skipped (%s)",
		       v, st.packages, st.skipped, st.first_skip);
		/* the counter record (key 0, value 9) is neither a package nor skipped */
		CHECK(t, g->n == 3 && strcmp(g->lines[0], "inline\t0\t1\t1\t(none)\t(none)") == 0 &&
				 strncmp(g->lines[1], "offpage\t", 8) == 0 &&
				 strncmp(g->lines[2], "third\t", 6) == 0);
		CHECK_INT(t, g->last_hnum, 3);
		free(w.p);
	}
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

/* break the database built by bdb_build and read it */
struct bdbmut {
	const char *name;
	void (*fn)(struct bdbw *w, uint32_t after);
	cg_err_t rc;
	size_t packages, skipped;
	const char *want; /* in err.msg (rc != OK) or stats.first_skip */
};

static void m_loop(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 2 * 512 + 16, 2); /* page 2 -> page 2 */
}

static uint16_t r16(const struct bdbw *w, size_t off)
{
	return w->be ? (uint16_t)(w->p[off] << 8 | w->p[off + 1])
		     : (uint16_t)(w->p[off + 1] << 8 | w->p[off]);
}

/* where item i of hash page 1 starts */
static size_t item_at(const struct bdbw *w, int i)
{
	return 512 + r16(w, 512 + 26 + (size_t)i * 2);
}

static void m_shared(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, item_at(w, 7) + 4, 2); /* key 3's value -> key 2's chain */
}

static void m_outside(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 2 * 512 + 16, 1000);
}

static void m_not_overflow(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 2 * 512 + 16, 1); /* into the hash page */
}

static void m_early_end(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 2 * 512 + 16, 0);
}

static void m_tlen_huge(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, item_at(w, 5) + 8, 0xffffffff);
}

static void m_zero_len(struct bdbw *w, uint32_t a)
{
	(void)a;
	w16(w, 2 * 512 + 22, 0);
}

static void m_odd_entries(struct bdbw *w, uint32_t a)
{
	(void)a;
	w16(w, 512 + 20, 7);
}

static void m_entries_huge(struct bdbw *w, uint32_t a)
{
	(void)a;
	w16(w, 512 + 20, 0xfffe);
}

static void m_item_offset(struct bdbw *w, uint32_t a)
{
	(void)a;
	w16(w, 512 + 26 + 2, 0xffff); /* item 1 starts past the page */
}

static void m_dup(struct bdbw *w, uint32_t a)
{
	(void)a;
	w->p[item_at(w, 3)] = 2; /* key 1's inline header becomes an H_DUPLICATE set */
}

static void m_tlen_zero(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, item_at(w, 5) + 8, 0);
}

static void m_tlen_file(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, item_at(w, 5) + 8, 100000); /* more than 32 pages can hold */
}

static void m_pagesize(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 20, 1000);
}

static void m_last_pgno(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 32, 0xfffffffe);
}

static void m_btree(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 12, 0x053162);
}

static void m_encrypted(struct bdbw *w, uint32_t a)
{
	(void)a;
	w->p[24] = 1;
}

static void m_version(struct bdbw *w, uint32_t a)
{
	(void)a;
	w32(w, 16, 42);
}

static void m_meta_type(struct bdbw *w, uint32_t a)
{
	(void)a;
	w->p[25] = 9;
}

static void t_bdb_hostile(struct cgt *t)
{
	static const struct bdbmut muts[] = {
		{ "overflow loop", m_loop, CG_OK, 2, 1, "loops" },
		{ "shared chain", m_shared, CG_OK, 2, 1, "loops or shares" },
		{ "chain leaves the file", m_outside, CG_OK, 2, 1, "out of range" },
		{ "chain into a hash page", m_not_overflow, CG_OK, 2, 1, "not an overflow page" },
		{ "chain ends early", m_early_end, CG_OK, 2, 1, "ends early" },
		{ "huge tlen", m_tlen_huge, CG_OK, 2, 1, "max_header_bytes" },
		{ "overflow page of length 0", m_zero_len, CG_OK, 2, 1, "bad length" },
		{ "duplicate set", m_dup, CG_OK, 2, 1, "item type 2 is not a header" },
		{ "tlen 0", m_tlen_zero, CG_OK, 2, 1, "empty off-page item" },
		{ "tlen past the file", m_tlen_file, CG_OK, 2, 1, "longer than the file" },
		{ "odd entry count", m_odd_entries, CG_OK, 0, 1, "bad entry count" },
		{ "entry count past the page", m_entries_huge, CG_OK, 0, 1, "bad entry count" },
		{ "item offset past the page", m_item_offset, CG_OK, 2, 2, "out of range" },
		{ "page size 1000", m_pagesize, CG_ERR_INVALID, 0, 0, "bad page size" },
		{ "last_pgno huge", m_last_pgno, CG_ERR_INVALID, 0, 0, "truncated" },
		{ "btree", m_btree, CG_ERR_UNSUPPORTED, 0, 0, "btree" },
		{ "encrypted", m_encrypted, CG_ERR_UNSUPPORTED, 0, 0, "encrypted" },
		{ "version", m_version, CG_ERR_UNSUPPORTED, 0, 0, "version 42" },
		{ "meta type", m_meta_type, CG_ERR_INVALID, 0, 0, "not a hash meta page" },
	};
	struct bytes h[3];
	struct got *g = calloc(1, sizeof(*g));
	small_headers(h);
	for (size_t m = 0; m < NELEM(muts); m++) {
		for (int be = 0; be < 2; be++) {
			struct bdbw w;
			struct cg_rpmdb_stats st;
			struct cg_error err;
			uint32_t after;
			cg_err_t rc;
			double t0;
			bdb_build(&w, be, false, h, &after);
			muts[m].fn(&w, after);
			t0 = now_ms();
			rc = read_db(w.p, (size_t)w.npages * w.pagesize, g, &st, &err);
			CHECKF(t, rc == muts[m].rc, "%s (be %d): rc %d %s", muts[m].name, be, rc,
			       err.msg);
			if (rc == CG_OK)
				CHECKF(t, st.packages == muts[m].packages &&
						  st.skipped == muts[m].skipped &&
						  strstr(st.first_skip, muts[m].want),
				       "%s (be %d): %zu packages, %zu skipped, '%s'", muts[m].name, be,
				       st.packages, st.skipped, st.first_skip);
			else
				CHECKF(t, strstr(err.msg, muts[m].want), "%s: '%s'", muts[m].name,
				       err.msg);
			CHECKF(t, now_ms() - t0 < 100, "%s: slow", muts[m].name);
			free(w.p);
		}
	}
	/* truncated: the meta page promises 32 pages */
	{
		struct bdbw w;
		struct cg_error err;
		struct cg_rpmdb_stats st;
		uint32_t after;
		bdb_build(&w, false, false, h, &after);
		for (size_t cut = 0; cut < (size_t)w.npages * w.pagesize; cut += 97) {
			cg_err_t rc = read_db(w.p, cut, g, &st, &err);
			CHECKF(t, rc == CG_ERR_INVALID, "cut at %zu: rc %d", cut, rc);
		}
		free(w.p);
	}
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

/* ---- NDB files built here --------------------------------------------- */

static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* slot page(s), then the blobs of hdrs in order (pkgidx i + 1) */
static struct bytes ndb_build(const struct bytes *hdrs, size_t n, uint32_t slotnpages)
{
	struct bytes b = { 0 };
	b_zero(&b, (size_t)slotnpages * 4096);
	memcpy(b.p, "RpmP", 4);
	put_le32(b.p + 8, 1);
	put_le32(b.p + 12, slotnpages);
	put_le32(b.p + 16, (uint32_t)n + 1);
	for (size_t s = 2; s < (size_t)slotnpages * 256; s++)
		memcpy(b.p + s * 16, "Slot", 4);
	for (size_t i = 0; i < n; i++) {
		size_t start = b.len, blkcnt = (16 + hdrs[i].len + 12 + 15) / 16;
		size_t slot = 2 + (n - 1 - i); /* slots in reverse order of the blobs */
		uint8_t q[16];
		memcpy(q, "BlbS", 4);
		put_le32(q + 4, (uint32_t)i + 1);
		put_le32(q + 8, 1700000000);
		put_le32(q + 12, (uint32_t)hdrs[i].len);
		b_put(&b, q, 16);
		b_put(&b, hdrs[i].p, hdrs[i].len);
		b_zero(&b, blkcnt * 16 - 16 - hdrs[i].len - 12);
		put_le32(q, adler32(b.p + start, b.len - start));
		put_le32(q + 4, (uint32_t)hdrs[i].len);
		memcpy(q + 8, "BlbE", 4);
		b_put(&b, q, 12);
		put_le32(b.p + slot * 16 + 4, (uint32_t)i + 1);
		put_le32(b.p + slot * 16 + 8, (uint32_t)(start / 16));
		put_le32(b.p + slot * 16 + 12, (uint32_t)blkcnt);
	}
	return b;
}

static void t_ndb_valid(struct cgt *t)
{
	struct bytes h[3], db;
	struct got *g = calloc(1, sizeof(*g));
	struct cg_rpmdb_stats st;
	struct cg_error err;
	small_headers(h);
	for (uint32_t pages = 1; pages <= 3; pages += 2) {
		db = ndb_build(h, 3, pages);
		CHECKF(t, read_db(db.p, db.len, g, &st, &err) == CG_OK, "%s", err.msg);
		CHECK(t, st.format == CG_RPMDB_NDB && st.packages == 3 && st.skipped == 0);
		/* read in blob order, not slot order */
		CHECK(t, g->n == 3 && strncmp(g->lines[0], "inline\t", 7) == 0 &&
				 strncmp(g->lines[2], "third\t", 6) == 0);
		CHECK_INT(t, g->last_hnum, 3);
		free(db.p);
	}
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

struct ndbmut {
	const char *name;
	size_t off;    /* little-endian u32 to set */
	uint32_t value;
	long cut;      /* bytes to cut from the end */
	cg_err_t rc;
	size_t packages, skipped;
	const char *want;
};

static void t_ndb_hostile(struct cgt *t)
{
	/* one slot page; slots 2, 3, 4 point at blobs 3, 2, 1; blob 1 at 4096 */
	static const struct ndbmut muts[] = {
		{ "version 1", 4, 1, 0, CG_ERR_UNSUPPORTED, 0, 0, "version 1" },
		{ "no slot pages", 12, 0, 0, CG_ERR_INVALID, 0, 0, "slot pages" },
		{ "slot pages past the end", 12, 0xffffffff, 0, CG_ERR_INVALID, 0, 0, "slot pages" },
		{ "slot magic", 32, 0x12345678, 0, CG_ERR_INVALID, 0, 0, "no magic" },
		{ "slot past the end", 4 * 16 + 12, 0x10000000, 0, CG_ERR_INVALID, 0, 0, "past the end" },
		{ "slot in the slot area", 4 * 16 + 8, 10, 0, CG_ERR_INVALID, 0, 0, "corrupt" },
		{ "slot pkgidx 0", 4 * 16 + 4, 0, 0, CG_ERR_INVALID, 0, 0, "corrupt" },
		{ "blobs overlap", 3 * 16 + 8, 256 + 1, 0, CG_ERR_INVALID, 0, 0, "overlap" },
		{ "blob head magic", 4096, 0, 0, CG_OK, 2, 1, "head magic" },
		{ "blob of another package", 4096 + 4, 7, 0, CG_OK, 2, 1, "another package" },
		{ "blob length", 4096 + 12, 3, 0, CG_OK, 2, 1, "disagrees with its slot" },
		{ "free slot", 4 * 16 + 8, 0, 0, CG_OK, 2, 0, "" },
		{ "blob of one block", 4 * 16 + 12, 1, 0, CG_OK, 2, 1, "blob too small" },
		{ "truncated by one block", 0, 0, 16, CG_ERR_INVALID, 0, 0, "past the end" },
		{ "truncated by one byte", 0, 0, 1, CG_ERR_INVALID, 0, 0, "not a multiple" },
		{ "truncated into the slots", 0, 0, -1, CG_ERR_INVALID, 0, 0, "slot pages" },
	};
	struct bytes h[3];
	struct got *g = calloc(1, sizeof(*g));
	small_headers(h);
	for (size_t m = 0; m < NELEM(muts); m++) {
		const struct ndbmut *mu = &muts[m];
		struct bytes db = ndb_build(h, 3, 1);
		struct cg_rpmdb_stats st;
		struct cg_error err;
		size_t len = db.len;
		cg_err_t rc;
		if (mu->off)
			put_le32(db.p + mu->off, mu->value);
		if (mu->cut > 0)
			len -= (size_t)mu->cut;
		else if (mu->cut < 0)
			len = 4000;
		rc = read_db(db.p, len, g, &st, &err);
		CHECKF(t, rc == mu->rc, "%s: rc %d %s", mu->name, rc, err.msg);
		if (rc == CG_OK)
			CHECKF(t, st.packages == mu->packages && st.skipped == mu->skipped &&
					  strstr(st.first_skip, mu->want),
			       "%s: %zu packages, %zu skipped, '%s'", mu->name, st.packages, st.skipped,
			       st.first_skip);
		else
			CHECKF(t, strstr(err.msg, mu->want), "%s: '%s'", mu->name, err.msg);
		free(db.p);
	}
	/* more slots than max_packages */
	{
		struct bytes db = ndb_build(h, 3, 1);
		struct cg_rpmdb_options o = { .max_packages = 2 };
		struct cg_error err;
		CHECK(t, cg_rpmdb_read(db.p, db.len, &o, collect, g, NULL, &err) == CG_ERR_LIMIT);
		CHECK(t, strstr(err.msg, "max_packages") != NULL);
		free(db.p);
	}
	/* the blob tail */
	{
		struct bytes db = ndb_build(h, 1, 1);
		struct cg_rpmdb_stats st;
		db.p[db.len - 1] = 'X';
		CHECK(t, read_db(db.p, db.len, g, &st, NULL) == CG_OK && st.skipped == 1 &&
				 strstr(st.first_skip, "tail magic"));
		db.p[db.len - 1] = 'E';
		put_le32(db.p + db.len - 8, 1);
		CHECK(t, read_db(db.p, db.len, g, &st, NULL) == CG_OK && st.skipped == 1 &&
				 strstr(st.first_skip, "tail length"));
		free(db.p);
	}
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

/* ---- SQLite files built here ------------------------------------------ */

/* A database made with SQLite itself: `schema`, then each blob inserted
 * with `insert` (?1 = the blob). Returns malloc'ed bytes. */
static uint8_t *sqlite_build(const char *schema, const char *insert, const struct bytes *blobs,
			     size_t n, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 size = 0;
	unsigned char *ser;
	uint8_t *out = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA page_size = 1024", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	if (insert && sqlite3_prepare_v2(db, insert, -1, &st, NULL) != SQLITE_OK)
		goto done;
	for (size_t i = 0; insert && i < n; i++) {
		sqlite3_bind_blob(st, 1, blobs[i].p, (int)blobs[i].len, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto done;
		sqlite3_reset(st);
	}
	ser = sqlite3_serialize(db, "main", &size, 0);
	if (ser) {
		out = malloc((size_t)size);
		memcpy(out, ser, (size_t)size);
		sqlite3_free(ser);
		*len = (size_t)size;
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

#define RPM_SCHEMA \
	"CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT," \
	"blob BLOB NOT NULL);"
#define RPM_INSERT "INSERT INTO Packages (blob) VALUES (?1)"

static void t_sqlite_valid(struct cgt *t)
{
	struct bytes h[3];
	struct got *g = calloc(1, sizeof(*g));
	struct cg_rpmdb_stats st;
	struct cg_error err;
	size_t len = 0;
	uint8_t *db, *copy;
	small_headers(h);
	db = sqlite_build(RPM_SCHEMA, RPM_INSERT, h, 3, &len);
	CHECK(t, db != NULL);
	if (!db)
		goto done;
	CHECKF(t, read_db(db, len, g, &st, &err) == CG_OK, "%s", err.msg);
	CHECK(t, st.format == CG_RPMDB_SQLITE && st.packages == 3 && st.skipped == 0);
	CHECK_INT(t, g->last_hnum, 3);
	/* WAL mode in the file header: read from a private copy, input untouched */
	db[18] = db[19] = 2;
	copy = malloc(len);
	memcpy(copy, db, len);
	CHECKF(t, read_db(db, len, g, &st, &err) == CG_OK && st.packages == 3, "%s", err.msg);
	CHECK(t, memcmp(copy, db, len) == 0);
	free(copy);
	/* over max_header_bytes: skipped without loading */
	{
		struct cg_rpmdb_options o = { .max_header_bytes = 100 };
		memset(g, 0, sizeof(*g));
		CHECK(t, cg_rpmdb_read(db, len, &o, collect, g, &st, &err) == CG_OK);
		CHECKF(t, st.packages == 2 && st.skipped == 1 && strstr(st.first_skip, "max_header"),
		       "%zu %zu %s", st.packages, st.skipped, st.first_skip);
	}
	free(db);
done:
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

static void t_sqlite_hostile(struct cgt *t)
{
	static const struct sqlcase {
		const char *name, *schema, *insert;
		cg_err_t rc;
		size_t packages, skipped;
		const char *want;
	} cases[] = {
		{ "no Packages table", "CREATE TABLE Other (x);", NULL, CG_ERR_INVALID, 0, 0,
		  "no Packages table" },
		{ "Packages is a view", "CREATE TABLE t (hnum, blob); CREATE VIEW Packages AS SELECT "
					"* FROM t;",
		  NULL, CG_ERR_UNSUPPORTED, 0, 0, "not an ordinary table" },
		{ "recursive view", "CREATE VIEW Packages(hnum, blob) AS WITH RECURSIVE c(x) AS "
				    "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, x FROM c;",
		  NULL, CG_ERR_UNSUPPORTED, 0, 0, "not an ordinary table" },
		{ "no blob column", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, x);", NULL,
		  CG_ERR_INVALID, 0, 0, "no such column" },
		{ "generated blob", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, x, blob AS "
				    "(zeroblob(100000000)));",
		  "INSERT INTO Packages (x) VALUES (?1)", CG_ERR_UNSUPPORTED, 0, 0, "generated" },
		{ "slow generated blob", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, x, blob AS "
					 "(hex(zeroblob(30000000))));",
		  "INSERT INTO Packages (x) VALUES (?1)", CG_ERR_UNSUPPORTED, 0, 0, "generated" },
		{ "text blobs", RPM_SCHEMA, "INSERT INTO Packages (blob) VALUES (CAST(?1 AS TEXT))",
		  CG_OK, 0, 3, "not a BLOB" },
		{ "trigger in schema", RPM_SCHEMA "CREATE TABLE log(x); CREATE TRIGGER tr AFTER "
						  "INSERT ON Packages BEGIN INSERT INTO log "
						  "VALUES (1); END;",
		  RPM_INSERT, CG_OK, 3, 0, "" },
		{ "negative hnum", RPM_SCHEMA,
		  "INSERT INTO Packages (hnum, blob) VALUES (-1 - (SELECT count(*) FROM Packages), ?1)",
		  CG_OK, 0, 3, "out of range" },
		{ "empty blobs", RPM_SCHEMA, "INSERT INTO Packages (blob) VALUES (zeroblob(0))",
		  CG_OK, 0, 3, "empty blob" },
		{ "garbage blobs", RPM_SCHEMA, "INSERT INTO Packages (blob) VALUES (randomblob(64))",
		  CG_OK, 0, 3, "record 1: " },
	};
	struct bytes h[3];
	struct got *g = calloc(1, sizeof(*g));
	small_headers(h);
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct sqlcase *sc = &cases[i];
		struct cg_rpmdb_stats st;
		struct cg_error err;
		size_t len = 0;
		uint8_t *db = sqlite_build(sc->schema, sc->insert, h, 3, &len);
		cg_err_t rc;
		double t0 = now_ms();
		CHECKF(t, db != NULL, "%s: cannot build", sc->name);
		if (!db)
			continue;
		rc = read_db(db, len, g, &st, &err);
		CHECKF(t, rc == sc->rc, "%s: rc %d %s", sc->name, rc, err.msg);
		if (rc == CG_OK)
			CHECKF(t, st.packages == sc->packages && st.skipped == sc->skipped &&
					  strstr(st.first_skip, sc->want),
			       "%s: %zu packages, %zu skipped, '%s'", sc->name, st.packages,
			       st.skipped, st.first_skip);
		else
			CHECKF(t, strstr(err.msg, sc->want), "%s: '%s'", sc->name, err.msg);
		CHECKF(t, now_ms() - t0 < 1000, "%s: slow", sc->name);
		free(db);
	}
	/* corrupt pages and truncation: an error, never a crash */
	{
		size_t len = 0;
		uint8_t *db = sqlite_build(RPM_SCHEMA, RPM_INSERT, h, 3, &len);
		struct cg_rpmdb_stats st;
		cg_err_t rc;
		CHECK(t, db != NULL);
		for (size_t cut = 100; db && cut < len; cut += 512) {
			rc = read_db(db, cut, g, &st, NULL);
			CHECKF(t, rc == CG_ERR_INVALID, "cut at %zu: rc %d", cut, rc);
		}
		for (size_t i = 1024; db && i < len; i += 7) {
			uint8_t save = db[i];
			db[i] ^= 0x5a;
			rc = read_db(db, len, g, &st, NULL);
			CHECKF(t, rc != CG_ERR_INTERNAL && rc != CG_ERR_ARG, "flip at %zu: rc %d", i,
			       rc);
			db[i] = save;
		}
		free(db);
	}
	for (int i = 0; i < 3; i++)
		free(h[i].p);
	free(g);
}

/* ---- limits, arguments, detection ------------------------------------- */

static cg_err_t stop_cb(const struct cg_rpmdb_pkg *p, void *ud)
{
	return collect(p, ud);
}

static void t_limits(struct cgt *t)
{
	struct got *g = calloc(1, sizeof(*g));
	struct cg_rpmdb_options o = { 0 };
	struct cg_rpmdb_stats st;
	struct cg_error err;
	enum cg_rpmdb_format f;
	size_t len = 0;
	uint8_t *data = read_file("mariner-2.0-sqlite/rpmdb.sqlite", &len);
	CHECK(t, data != NULL);
	if (!data)
		goto done;
	o.max_packages = 10;
	CHECK(t, cg_rpmdb_read(data, len, &o, collect, g, &st, &err) == CG_ERR_LIMIT);
	CHECKF(t, strstr(err.msg, "max_packages") && st.packages == 10, "%s", err.msg);
	o.max_packages = 0;
	o.max_db_bytes = len - 1;
	CHECK(t, cg_rpmdb_read(data, len, &o, collect, g, &st, &err) == CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "max_db_bytes") != NULL);
	o.max_db_bytes = 0;
	o.max_header_bytes = 1000;
	CHECK(t, cg_rpmdb_read(data, len, &o, collect, g, &st, &err) == CG_OK);
	CHECK(t, st.packages == 0 && st.skipped == 129);
	/* the callback stops the read with its own code */
	memset(g, 0, sizeof(*g));
	g->stop_after = 5;
	CHECK(t, cg_rpmdb_read(data, len, NULL, stop_cb, g, &st, &err) == CG_ERR_EXISTS);
	CHECK(t, g->n == 5 && st.packages == 4);
	/* arguments and detection */
	CHECK(t, cg_rpmdb_read(NULL, 5, NULL, collect, g, NULL, NULL) == CG_ERR_ARG);
	CHECK(t, cg_rpmdb_read(data, len, NULL, NULL, g, NULL, NULL) == CG_ERR_ARG);
	CHECK(t, cg_rpmdb_read("", 0, NULL, collect, g, NULL, &err) == CG_ERR_INVALID);
	CHECK(t, cg_rpmdb_read("hello world, not a db", 21, NULL, collect, g, NULL, &err) ==
			 CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "not an rpm database") != NULL);
	o.max_header_bytes = 0;
	o.format = (enum cg_rpmdb_format)42;
	CHECK(t, cg_rpmdb_read(data, len, &o, collect, g, NULL, NULL) == CG_ERR_ARG);
	CHECK(t, cg_rpmdb_detect(data, len, &f, NULL) == CG_OK && f == CG_RPMDB_SQLITE);
	CHECK(t, cg_rpmdb_detect("RpmP", 4, &f, NULL) == CG_OK && f == CG_RPMDB_NDB);
	CHECK_STR(t, cg_rpmdb_format_name(CG_RPMDB_BDB), "bdb");
	CHECK_STR(t, cg_rpmdb_format_name(CG_RPMDB_AUTO), "auto");
	CHECK(t, cg_rpmdb_read_header(data, 7, NULL, collect, g, &err) == CG_ERR_INVALID);
done:
	free(data);
	free(g);
}

/* ---- the real databases, truncated and corrupted ---------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void t_real_mangled(struct cgt *t)
{
	struct got *g = calloc(1, sizeof(*g));
	for (size_t r = 0; r < NELEM(real_dbs); r++) {
		char rel[256];
		size_t len = 0, runs = 0;
		uint8_t *data;
		double t0 = now_ms(), worst = 0;
		snprintf(rel, sizeof(rel), "%s/%s", real_dbs[r].dir, real_dbs[r].file);
		data = read_file(rel, &len);
		CHECK(t, data != NULL);
		if (!data)
			continue;
		/* truncations: every length class from tiny to all-but-one byte */
		for (size_t cut = 1; cut < len; cut = cut * 3 / 2 + 1, runs++) {
			struct cg_rpmdb_stats st;
			double t1 = now_ms();
			cg_err_t rc = read_db(data, len - cut, g, &st, NULL);
			CHECKF(t, rc != CG_ERR_INTERNAL && rc != CG_ERR_NOMEM, "%s cut %zu: rc %d",
			       rel, cut, rc);
			CHECK(t, st.packages <= real_dbs[r].packages);
			if (now_ms() - t1 > worst)
				worst = now_ms() - t1;
		}
		/* random byte corruption, 3 bytes at a time */
		for (int k = 0; k < 150; k++, runs++) {
			size_t at[3];
			uint8_t save[3];
			struct cg_rpmdb_stats st;
			double t1 = now_ms();
			cg_err_t rc;
			for (int j = 0; j < 3; j++) {
				at[j] = rnd() % len;
				save[j] = data[at[j]];
				data[at[j]] = (uint8_t)rnd();
			}
			rc = read_db(data, len, g, &st, NULL);
			CHECKF(t, rc != CG_ERR_INTERNAL && rc != CG_ERR_NOMEM, "%s flip: rc %d", rel,
			       rc);
			for (int j = 2; j >= 0; j--)
				data[at[j]] = save[j];
			if (now_ms() - t1 > worst)
				worst = now_ms() - t1;
		}
		fprintf(stderr, "  %s: %zu mangled reads in %.0f ms (slowest %.1f ms)\n",
			real_dbs[r].dir, runs, now_ms() - t0, worst);
		free(data);
	}
	free(g);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_real_sqlite),     CGT_CASE(t_real_bdb),       CGT_CASE(t_real_ndb),
	CGT_CASE(t_real_paths),      CGT_CASE(t_header_fields),  CGT_CASE(t_header_dribbles),
	CGT_CASE(t_header_invalid),  CGT_CASE(t_header_types),   CGT_CASE(t_header_gap),     CGT_CASE(t_header_files),
	CGT_CASE(t_header_huge_index), CGT_CASE(t_bdb_valid),    CGT_CASE(t_bdb_hostile),
	CGT_CASE(t_ndb_valid),       CGT_CASE(t_ndb_hostile),    CGT_CASE(t_sqlite_valid),
	CGT_CASE(t_sqlite_hostile),  CGT_CASE(t_limits),         CGT_CASE(t_real_mangled),
};
CGT_MAIN(cases)
