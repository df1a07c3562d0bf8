/* cargo auditable data in ELF executables (lib/pkg/cargo_audit.c), streamed.
 *
 * Real input: tests/data/pkg/cargo_audit/hello-audit, a stripped C program
 * given a .dep-v0 section as cargo auditable writes it (see the README
 * there). Synthetic ELF files built here cover ELF32 and big-endian headers,
 * the region rules (too large, .dep-v0 inside a loaded segment, a truncated
 * file), malformed zlib and JSON, and chunk boundaries everywhere. */
#define _GNU_SOURCE
#include <zlib.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_stream_collector cg_stream_cargo_audit;

#define NLINES 64
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct rec {
	char lines[NLINES][300];
	size_t n;
	int warnings, bad;
	char last_warn[512];
	bool fed_out;   /* feed returned false */
	size_t fed;     /* bytes fed */
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	(void)files;
	if (strcmp(p->type, "cargo") != 0 || nfiles || !p->path || strcmp(p->path, "/usr/bin/app") ||
	    p->layer != 2 || p->namespace_ || p->epoch ||
	    (p->flags & ~(unsigned)(CG_PKG_DEV | CG_PKG_INDIRECT)))
		r->bad++;
	if (r->n < NLINES)
		snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%s %s %s%s", p->name, p->version,
			 (p->flags & CG_PKG_DEV) ? "D" : "-", (p->flags & CG_PKG_INDIRECT) ? "I" : "-");
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	pkgt_verbose_warn(path, msg);
	r->warnings++;
	snprintf(r->last_warn, sizeof(r->last_warn), "%s", msg);
}

/* Stream data in chunks of `chunk` bytes (0: one piece) through the
 * collector; fills r. */
static cg_err_t run(const unsigned char *data, size_t len, size_t chunk, struct rec *r)
{
	const struct cg_stream_collector *c = &cg_stream_cargo_audit;
	struct cg_pkg_sink sink = { rec_add, rec_warn, r };
	struct cg_error err;
	void *st = calloc(1, c->state_size);
	size_t off = 0;
	cg_err_t rc;

	memset(r, 0, sizeof(*r));
	if (!st)
		return CG_ERR_NOMEM;
	c->begin(st);
	while (off < len) {
		size_t k = chunk && chunk < len - off ? chunk : len - off;
		off += k;
		if (!c->feed(st, data + off - k, k)) {
			r->fed_out = true;
			break;
		}
	}
	r->fed = off;
	rc = c->finish(st, "/usr/bin/app", 2, &sink, &err);
	c->release(st);
	c->release(st); /* twice is fine */
	free(st);
	return rc;
}

static bool has(const struct rec *r, const char *line)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->lines[i], line) == 0)
			return true;
	return false;
}

static const char *const hello_expected[] = {
	"hello 0.1.0 --", "serde 1.0.193 --", "cc 1.0.83 D-", "serde_derive 1.0.193 DI",
	"mygit 0.2.0 -I",
};

static void t_real_binary(struct cgt *t)
{
	static const size_t chunks[] = { 0, 1, 3, 63, 64, 65, 1000, 4096, 8191 };
	size_t len = 0;
	unsigned char *d = pkgt_load("pkg/cargo_audit/hello-audit", &len);
	CHECK(t, d != NULL && len > 10000);
	if (!d)
		return;
	for (size_t c = 0; c < NELEM(chunks); c++) {
		struct rec r;
		CHECK_INT(t, run(d, len, chunks[c], &r), CG_OK);
		CHECKF(t, r.n == NELEM(hello_expected), "chunk %zu: %zu packages", chunks[c],
		       r.n);
		for (size_t i = 0; i < NELEM(hello_expected); i++)
			CHECKF(t, has(&r, hello_expected[i]), "chunk %zu: no %s", chunks[c],
			       hello_expected[i]);
		CHECK_INT(t, r.warnings, 0);
		CHECK_INT(t, r.bad, 0);
		/* the section headers end the file: everything is read */
		CHECK_INT(t, r.fed, len);
	}
	/* cut anywhere inside the region: a warning, no packages */
	{
		struct rec r;
		CHECK_INT(t, run(d, len - 10, 100, &r), CG_OK);
		CHECK_INT(t, (int)r.n, 0);
		CHECK_INT(t, r.warnings, 1);
		CHECK(t, strstr(r.last_warn, "ends at") != NULL);
	}
	free(d);
}

/* ---- synthetic ELF files ---- */

struct elf_opt {
	bool is64, be;
	size_t load_end;       /* the PT_LOAD's file end */
	uint64_t shoff_force;  /* nonzero: e_shoff written as this */
	const char *secname;   /* default ".dep-v0" */
	bool nobits;
};

static void put(unsigned char *p, uint64_t v, unsigned n, bool be)
{
	for (unsigned i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* An ELF file: header, one PT_LOAD [0, load_end), at 0x200 the section
 * content, then .shstrtab, then 3 section headers. Returns its length. */
static size_t make_elf(unsigned char *out, size_t cap, const struct elf_opt *o,
		       const unsigned char *sec, size_t seclen)
{
	const char *name = o->secname ? o->secname : ".dep-v0";
	char strtab[64];
	size_t strlen_ = 0, shoff, shent = o->is64 ? 64 : 40, w = o->is64 ? 8 : 4, len;
	size_t stroff, name1, name2;
	bool be = o->be;
	unsigned char *sh;

	memset(out, 0, cap);
	strtab[strlen_++] = 0;
	name1 = strlen_;
	memcpy(strtab + strlen_, name, strlen(name) + 1);
	strlen_ += strlen(name) + 1;
	name2 = strlen_;
	memcpy(strtab + strlen_, ".shstrtab", 10);
	strlen_ += 10;
	memcpy(out + 0x200, sec, seclen);
	stroff = 0x200 + seclen;
	memcpy(out + stroff, strtab, strlen_);
	shoff = (stroff + strlen_ + 7) & ~(size_t)7;
	len = shoff + 3 * shent;
	if (len > cap)
		abort();
	memcpy(out, "\177ELF", 4);
	out[4] = o->is64 ? 2 : 1;
	out[5] = be ? 2 : 1;
	out[6] = 1;
	put(out + 16, 2, 2, be); /* ET_EXEC */
	if (o->is64) {
		put(out + 32, 64, 8, be);                          /* e_phoff */
		put(out + 40, o->shoff_force ? o->shoff_force : shoff, 8, be);
		put(out + 54, 56, 2, be);
		put(out + 56, 1, 2, be);
		put(out + 58, 64, 2, be);
		put(out + 60, 3, 2, be);
		put(out + 62, 2, 2, be);
		put(out + 64, 1, 4, be);                           /* PT_LOAD */
		put(out + 64 + 8, 0, 8, be);                       /* p_offset */
		put(out + 64 + 32, o->load_end, 8, be);            /* p_filesz */
	} else {
		put(out + 28, 52, 4, be);
		put(out + 32, o->shoff_force ? o->shoff_force : shoff, 4, be);
		put(out + 42, 32, 2, be);
		put(out + 44, 1, 2, be);
		put(out + 46, 40, 2, be);
		put(out + 48, 3, 2, be);
		put(out + 50, 2, 2, be);
		put(out + 52, 1, 4, be);
		put(out + 52 + 4, 0, 4, be);
		put(out + 52 + 16, o->load_end, 4, be);
	}
	/* [1] the section, [2] .shstrtab: name, type, flags, addr, offset, size */
	sh = out + shoff + shent;
	put(sh, name1, 4, be);
	put(sh + 4, o->nobits ? 8 : 1, 4, be);
	put(sh + 8 + 2 * w, 0x200, w, be);
	put(sh + 8 + 3 * w, seclen, w, be);
	sh += shent;
	put(sh, name2, 4, be);
	put(sh + 4, 3, 4, be);
	put(sh + 8 + 2 * w, stroff, w, be);
	put(sh + 8 + 3 * w, strlen_, w, be);
	return len;
}

static size_t zip(const char *json, unsigned char *out, size_t cap)
{
	uLongf n = cap;
	if (compress2(out, &n, (const unsigned char *)json, strlen(json), 9) != Z_OK)
		abort();
	return n;
}

static const char small_json[] =
	"{\"packages\":[{\"name\":\"app\",\"version\":\"1.2.3\",\"source\":\"local\","
	"\"dependencies\":[1],\"root\":true},{\"name\":\"libc\",\"version\":\"0.2.150\","
	"\"source\":\"crates.io\",\"dependencies\":[]}]}";

static void t_classes(struct cgt *t)
{
	static unsigned char elf[8192], z[2048];
	size_t zn = zip(small_json, z, sizeof(z));
	for (int v = 0; v < 4; v++) {
		struct elf_opt o = { .is64 = v & 1, .be = v & 2, .load_end = 0x180 };
		size_t len = make_elf(elf, sizeof(elf), &o, z, zn);
		for (size_t chunk = 0; chunk < 70; chunk += 7) {
			struct rec r;
			CHECK_INT(t, run(elf, len, chunk, &r), CG_OK);
			CHECKF(t, r.n == 2 && has(&r, "app 1.2.3 --") && has(&r, "libc 0.2.150 --"),
			       "class %d chunk %zu: %zu packages", v, chunk, r.n);
			CHECK_INT(t, r.warnings, 0);
			CHECK_INT(t, r.bad, 0);
		}
	}
}

static void t_region_rules(struct cgt *t)
{
	static unsigned char elf[8192], z[2048];
	size_t zn = zip(small_json, z, sizeof(z)), len;
	struct elf_opt o = { .is64 = true, .load_end = 0x180 };
	struct rec r;

	/* a huge non-loaded tail: one warning naming the limit, the reader
	 * stops after the program headers */
	o.shoff_force = (uint64_t)100 << 20;
	len = make_elf(elf, sizeof(elf), &o, z, zn);
	CHECK_INT(t, run(elf, len, 16, &r), CG_OK);
	CHECK_INT(t, (int)r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	CHECK(t, strstr(r.last_warn, "8388608") != NULL);
	CHECK(t, r.fed_out && r.fed <= 128);

	/* .dep-v0 inside a loaded segment: outside the buffered region */
	o.shoff_force = 0;
	o.load_end = 0x210;
	len = make_elf(elf, sizeof(elf), &o, z, zn);
	CHECK_INT(t, run(elf, len, 0, &r), CG_OK);
	CHECK_INT(t, (int)r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	CHECK(t, strstr(r.last_warn, ".dep-v0 lies outside") != NULL);

	/* another section name: nothing, silently */
	o.load_end = 0x180;
	o.secname = ".dep-v1";
	len = make_elf(elf, sizeof(elf), &o, z, zn);
	CHECK_INT(t, run(elf, len, 0, &r), CG_OK);
	CHECK_INT(t, (int)r.n + r.warnings, 0);

	/* SHT_NOBITS */
	o.secname = NULL;
	o.nobits = true;
	len = make_elf(elf, sizeof(elf), &o, z, zn);
	CHECK_INT(t, run(elf, len, 0, &r), CG_OK);
	CHECK_INT(t, (int)r.n, 0);
	CHECK_INT(t, r.warnings, 1);

	/* not ELF: feed says no after the first chunk */
	memcpy(elf, "\177ELG", 4);
	CHECK_INT(t, run(elf, len, 4, &r), CG_OK);
	CHECK(t, r.fed_out && r.fed == 4);
	CHECK_INT(t, (int)r.n + r.warnings, 0);
}

static void t_content(struct cgt *t)
{
	static const struct {
		const char *json; /* NULL: not zlib */
		int npkgs, warnings;
	} cases[] = {
		{ NULL, 0, 1 },
		{ "{\"packages\":[", 0, 1 },
		{ "{\"pkgs\":[]}", 0, 1 },
		{ "{\"packages\":[]}", 0, 0 },
		/* bad entries skipped with one warning, the rest kept */
		{ "{\"packages\":[{\"name\":\"a b\",\"version\":\"1\"},{\"name\":\"x\"},"
		  "{\"name\":\"ok\",\"version\":\"1.0.0\",\"dependencies\":[99,-1,\"x\"],\"root\":true}]}",
		  1, 1 },
		/* a NUL inside a name */
		{ "{\"packages\":[{\"name\":\"a\\u0000b\",\"version\":\"1\"}]}", 0, 1 },
	};
	static unsigned char elf[16384], z[8192];
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct elf_opt o = { .is64 = true, .load_end = 0x180 };
		size_t zn, len;
		struct rec r;
		if (cases[i].json) {
			zn = zip(cases[i].json, z, sizeof(z));
		} else {
			memcpy(z, "not zlib at all", 15);
			zn = 15;
		}
		len = make_elf(elf, sizeof(elf), &o, z, zn);
		CHECK_INT(t, run(elf, len, 5, &r), CG_OK);
		CHECKF(t, (int)r.n == cases[i].npkgs, "case %zu: %zu packages", i, r.n);
		CHECKF(t, r.warnings == cases[i].warnings, "case %zu: %d warnings (%s)", i,
		       r.warnings, r.last_warn);
		CHECK_INT(t, r.bad, 0);
	}
}

/* A zlib bomb: more than 8 MiB inflated. */
static void t_inflate_cap(struct cgt *t)
{
	size_t big = ((size_t)8 << 20) + 100, zcap = big / 100 + 1024, len;
	char *json = malloc(big + 1);
	unsigned char *z = malloc(zcap), *elf = malloc(zcap + 4096);
	struct elf_opt o = { .is64 = true, .load_end = 0x180 };
	uLongf zn = zcap;
	struct rec r;
	CHECK(t, json && z && elf);
	if (!json || !z || !elf)
		goto done;
	memset(json, ' ', big);
	json[big] = 0;
	CHECK(t, compress2(z, &zn, (unsigned char *)json, big, 9) == Z_OK);
	len = make_elf(elf, zcap + 4096, &o, z, zn);
	CHECK_INT(t, run(elf, len, 0, &r), CG_OK);
	CHECK_INT(t, (int)r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	CHECK(t, strstr(r.last_warn, "inflates to more than") != NULL);
done:
	free(json);
	free(z);
	free(elf);
}

static void t_want(struct cgt *t)
{
	const struct cg_stream_collector *c = &cg_stream_cargo_audit;
	CHECK(t, c->want("/usr/bin/app", 12, 0755, 100000));
	CHECK(t, !c->want("/usr/bin/app", 12, 0644, 100000));
	CHECK(t, !c->want("/usr/bin/app", 12, 0755, 100));
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_real_binary), CGT_CASE(t_classes), CGT_CASE(t_region_rules),
	CGT_CASE(t_content), CGT_CASE(t_inflate_cap), CGT_CASE(t_want),
};
CGT_MAIN(cases)
