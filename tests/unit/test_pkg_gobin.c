/* Go build information (lib/pkg/gobin.c).
 *
 * Real inputs (tests/data/pkg/gobin/, made by make-windows.py there): the
 * build-info blobs of Go >= 1.18 binaries (one built here with vendored
 * replacements, kubectl 1.28, a GOPATH-mode Debian runc, a Google-internal
 * toolchain build) behind a 16-byte "\x7fELF" prefix, and two Go 1.16
 * esbuild binaries (pointer format) reduced to small ELF files that map the
 * original bytes at their original addresses. Expected lists from
 * `go version -m` on the original binaries. Synthetic blobs cover the rules
 * of the module list, the stream's window boundaries and the limits. */
#define _GNU_SOURCE
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/gobin.h"
#include "pkgtest.h"

#define REC_MAX 512

struct rec {
	char *lines[REC_MAX];
	size_t n;
	int warnings;
	char last_warn[512];
	int bad;
	size_t fail_after;
	cg_err_t fail_with;
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	char buf[1200];
	(void)files;
	if (r->fail_with != CG_OK && r->n >= r->fail_after)
		return r->fail_with;
	if (strcmp(p->type, "golang") != 0 || nfiles != 0 || p->flags || !p->path ||
	    strcmp(p->path, "/bin/app") != 0 || p->layer != 3 || !p->name || !p->version ||
	    !p->name[0] || strchr(p->name, '/') || (p->namespace_ && !p->namespace_[0]) ||
	    p->epoch || p->src_name || p->arch)
		r->bad++;
	snprintf(buf, sizeof(buf), "%s%s%s\t%s", p->namespace_ ? p->namespace_ : "",
		 p->namespace_ ? "/" : "", p->name, p->version);
	if (r->n < REC_MAX)
		r->lines[r->n++] = strdup(buf);
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	if (!path || strcmp(path, "/bin/app") != 0)
		r->bad++;
	r->warnings++;
	snprintf(r->last_warn, sizeof(r->last_warn), "%s", msg);
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	memset(r, 0, sizeof(*r));
}

static cg_err_t parse(const void *data, size_t len, struct rec *r)
{
	struct cg_pkg_sink sink = { rec_add, rec_warn, r };
	return cg_gobin_parse(data, len, "/bin/app", 3, &sink);
}

/* Feed in chunks of `chunk` bytes (0: pseudo-random sizes from seed). */
static cg_err_t parse_chunked(const unsigned char *data, size_t len, size_t chunk, unsigned seed,
			      struct rec *r, size_t *fed)
{
	struct cg_pkg_sink sink = { rec_add, rec_warn, r };
	struct cg_gobin g;
	size_t off = 0;
	cg_gobin_init(&g);
	while (off < len) {
		size_t k = chunk;
		if (!k) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 8) % 9000;
		}
		if (k > len - off)
			k = len - off;
		off += k;
		if (!cg_gobin_feed(&g, data + off - k, k))
			break;
	}
	if (fed)
		*fed = off;
	return cg_gobin_finish(&g, "/bin/app", 3, &sink);
}

/* The recorded lines, in order, joined with '\n' (each line ends with one). */
static char *joined(const struct rec *r)
{
	size_t n = 1;
	char *s, *p;
	for (size_t i = 0; i < r->n; i++)
		n += strlen(r->lines[i]) + 1;
	p = s = malloc(n);
	for (size_t i = 0; s && i < r->n; i++)
		p += sprintf(p, "%s\n", r->lines[i]);
	if (s)
		*p = '\0';
	return s;
}

static bool has(const struct rec *r, const char *line)
{
	return pkgt_has_line(r->lines, r->n, line);
}

static const char *const windows[] = {
	"pkg/gobin/app-go1.19.bin",     "pkg/gobin/kubectl-go1.22.bin",  "pkg/gobin/nonrelease.bin",
	"pkg/gobin/gopath-go1.19.bin",  "pkg/gobin/esbuild-go1.16.elf", "pkg/gobin/esbuild-go1.16.3.elf",
};

/* Each real window gives exactly `go version -m`'s list, in its order. */
static void t_windows(struct cgt *t)
{
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		char rel[256];
		size_t len = 0, wlen = 0;
		unsigned char *d = pkgt_load(windows[i], &len), *want;
		struct rec r = { 0 };
		char *got;
		snprintf(rel, sizeof(rel), "%s.expected", windows[i]);
		want = pkgt_load(rel, &wlen);
		CHECKF(t, d && want, "cannot read %s", windows[i]);
		if (!d || !want) {
			free(d);
			free(want);
			continue;
		}
		want[wlen] = '\0';
		CHECK_INT(t, parse(d, len, &r), CG_OK);
		got = joined(&r);
		CHECKF(t, got && strcmp(got, (char *)want) == 0, "%s: got\n%s\nexpected\n%s",
		       windows[i], got, (char *)want);
		CHECK_INT(t, r.bad, 0);
		/* only the toolchain build that is no release warns */
		CHECK_INT(t, r.warnings, strstr(windows[i], "nonrelease") ? 1 : 0);
		free(got);
		rec_free(&r);
		free(d);
		free(want);
	}
}

/* Spot checks of what the expected lists say. */
static void t_window_details(struct cgt *t)
{
	size_t len = 0;
	unsigned char *d = pkgt_load("pkg/gobin/app-go1.19.bin", &len);
	struct rec r = { 0 };
	CHECK(t, d != NULL);
	if (!d)
		return;
	CHECK_INT(t, parse(d, len, &r), CG_OK);
	CHECK_INT(t, r.n, 5);
	CHECK(t, has(&r, "stdlib\t1.19.8"));
	CHECK(t, has(&r, "example.com/app\t"));             /* (devel) */
	CHECK(t, has(&r, "example.com/forkb\tv0.1.1-0.20230102030405-abcdefabcdef"));
	CHECK(t, !has(&r, "example.com/libb\tv0.1.0"));     /* replaced */
	CHECK(t, has(&r, "golang.org/x/mod\t"));            /* => ./third_party/mod */
	rec_free(&r);
	free(d);

	d = pkgt_load("pkg/gobin/nonrelease.bin", &len);
	CHECK(t, d != NULL);
	if (!d)
		return;
	CHECK_INT(t, parse(d, len, &r), CG_OK);
	CHECK(t, strstr(r.last_warn, "go1.22-20231128-RC02") != NULL);
	CHECK(t, !has(&r, "stdlib\t1.22.0"));
	rec_free(&r);
	free(d);
}

/* Any chunking gives the one-shot answer; a Go >= 1.18 blob needs no byte
 * past its end. */
static void t_chunks(struct cgt *t)
{
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		size_t len = 0, fed = 0;
		unsigned char *d = pkgt_load(windows[i], &len);
		struct rec r = { 0 };
		char *want;
		CHECK(t, d != NULL);
		if (!d)
			continue;
		CHECK_INT(t, parse(d, len, &r), CG_OK);
		want = joined(&r);
		rec_free(&r);
		for (size_t chunk = 0; chunk <= 70; chunk++) {
			char *got;
			CHECK_INT(t, parse_chunked(d, len, chunk, (unsigned)chunk, &r, &fed), CG_OK);
			got = joined(&r);
			CHECKF(t, got && want && strcmp(got, want) == 0, "%s chunk %zu differs",
			       windows[i], chunk);
			free(got);
			rec_free(&r);
		}
		free(want);
		free(d);
	}
}

/* ---- synthetic files ---- */

static const unsigned char info_start[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
					      0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const unsigned char info_end[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
					    0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };

static size_t put_uvarint(unsigned char *p, uint64_t x)
{
	size_t n = 0;
	while (x >= 0x80) {
		p[n++] = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	p[n++] = (unsigned char)x;
	return n;
}

/* An inline blob (header + version + framed module lines, padded to 16)
 * into out; framed = false leaves the sentinels out. Returns its length. */
static size_t blob(unsigned char *out, const char *vers, const char *mod, bool framed)
{
	size_t n = 0, vl = strlen(vers), ml = strlen(mod), fl = ml + (framed ? 32 : 0);
	memcpy(out, "\xff Go buildinf:", 14);
	out[14] = 8;
	out[15] = 2;
	memset(out + 16, 0, 16);
	n = 32;
	n += put_uvarint(out + n, vl);
	memcpy(out + n, vers, vl);
	n += vl;
	n += put_uvarint(out + n, fl);
	if (framed) {
		memcpy(out + n, info_start, 16);
		n += 16;
	}
	memcpy(out + n, mod, ml);
	n += ml;
	if (framed) {
		memcpy(out + n, info_end, 16);
		n += 16;
	}
	while (n % 16)
		out[n++] = 0;
	return n;
}

/* "\x7fELF" + zeros (no parseable ELF header: no segment rule) + blob. */
static size_t file_with(unsigned char *out, const char *vers, const char *mod)
{
	memset(out, 0, 16);
	memcpy(out, "\x7f" "ELF", 4);
	return 16 + blob(out + 16, vers, mod, true);
}

static unsigned char fbuf[1 << 16];

static void run_mod(struct cgt *t, const char *mod, struct rec *r)
{
	size_t n = file_with(fbuf, "go1.21.3", mod);
	CHECK_INT(t, parse(fbuf, n, r), CG_OK);
	CHECK_INT(t, r->bad, 0);
}

/* runtime/debug.ParseBuildInfo's reading, and what is reported. */
static void t_module_rules(struct cgt *t)
{
	struct rec r = { 0 };

	run_mod(t,
		"path\texample.com/cmd/x\n"
		"mod\texample.com\tv1.0.0\th1:abc=\n"
		"dep\tgithub.com/a/b/v2\tv2.3.4\th1:x=\n"
		"=>\tgithub.com/fork/b/v2\tv2.3.5\th1:y=\n"
		"dep\tgolang.org/x/text\tv0.14.0\n"
		"dep\tlocal/one\tv1.0.0\n"
		"=>\t../one\t(devel)\t\n"
		"dep\tlocal/two\tv1.0.0\n"
		"=>\tC:\\src\\two\t\t\n"
		"dep\tlocal/three\tv1.0.0\n"
		"=>\t.\\three\t(devel)\t\n"
		"dep\tlocal/four\tv1.0.0\n"
		"=>\t\\\\srv\\four\tv1.0.0\t\n"
		"dep\tlocal/five\tv1.0.0\n"
		"=>\t/abs/five\tv1.0.0\t\n"
		"dep\tlocal/six\tv1.0.0\n"
		"=>\t..\\six\tv1.0.0\t\n"
		"build\t-compiler=gc\n"
		"dep\tnoslash\tv0.1.0\n",
		&r);
	CHECK_INT(t, r.warnings, 0);
	CHECK_INT(t, r.n, 11);
	if (r.n == 11) {
		CHECK_STR(t, r.lines[0], "stdlib\t1.21.3");
		CHECK_STR(t, r.lines[1], "example.com\tv1.0.0");
		CHECK_STR(t, r.lines[2], "github.com/fork/b/v2\tv2.3.5");
		CHECK_STR(t, r.lines[3], "golang.org/x/text\tv0.14.0");
		CHECK_STR(t, r.lines[4], "local/one\t");
		CHECK_STR(t, r.lines[5], "local/two\t");
		CHECK_STR(t, r.lines[6], "local/three\t");
		CHECK_STR(t, r.lines[7], "local/four\t");
		CHECK_STR(t, r.lines[8], "local/five\t");
		CHECK_STR(t, r.lines[9], "local/six\t");
		CHECK_STR(t, r.lines[10], "noslash\tv0.1.0");
	}
	rec_free(&r);
}

static void t_module_rules2(struct cgt *t)
{
	struct rec r = { 0 };

	/* the last mod line is the main module; "=>" after other lines still
	 * replaces the last module; (devel) is an empty version */
	run_mod(t,
		"mod\tfirst\tv1.0.0\n"
		"dep\ta.b/c\tv1.0.0\n"
		"build\tx=y\n"
		"=>\ta.b/d\tv1.0.1\t\n"
		"mod\tsecond/main\t(devel)\t\n",
		&r);
	CHECK_INT(t, r.warnings, 0);
	CHECK_INT(t, r.n, 3);
	if (r.n == 3) {
		CHECK_STR(t, r.lines[1], "second/main\t");
		CHECK_STR(t, r.lines[2], "a.b/d\tv1.0.1");
	}
	rec_free(&r);

	/* malformed lines are skipped and counted in one warning */
	run_mod(t,
		"=>\torphan\tv1\t\n"
		"dep\tonly-one-column\n"
		"dep\ta/b\tv1\tsum\textra\n"
		"dep\tgood/one\tv1.2.3\n"
		"=>\ttwo\tcolumns\n"
		"dep\tsp ace/x\tv1\n"
		"dep\tctl/x\tv1\r\n"
		"dep\t/abs/x\tv1\n"
		"dep\ttrail/\tv1\n"
		"dep\tgood/two\tv2.0.0\n",
		&r);
	CHECK_INT(t, r.n, 3);
	CHECK(t, has(&r, "good/one\tv1.2.3"));
	CHECK(t, has(&r, "good/two\tv2.0.0"));
	CHECK_INT(t, r.warnings, 1);
	CHECK_STR(t, r.last_warn, "8 malformed Go module lines skipped");
	rec_free(&r);
}

/* Go strips the sentinels only when framed as cmd/go frames them. */
static void t_framing(struct cgt *t)
{
	struct rec r = { 0 };
	size_t n;

	memset(fbuf, 0, 16);
	memcpy(fbuf, "\x7f" "ELF", 4);
	n = 16 + blob(fbuf + 16, "go1.20", "mod\tm/x\tv1.0.0\n", false);
	CHECK_INT(t, parse(fbuf, n, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, has(&r, "stdlib\t1.20.0"));
	rec_free(&r);

	/* framed, but no '\n' right before the end sentinel */
	n = file_with(fbuf, "go1.20", "mod\tm/x\tv1.0.0\nx");
	CHECK_INT(t, parse(fbuf, n, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	rec_free(&r);

	/* empty module information */
	n = file_with(fbuf, "go1.20", "");
	CHECK_INT(t, parse(fbuf, n, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK_INT(t, r.warnings, 0);
	rec_free(&r);
}

/* The header is found at any 16-aligned offset, across window and chunk
 * boundaries, and nowhere else. */
static void t_offsets(struct cgt *t)
{
	static const size_t offs[] = { 16,    4096,  65536 - 64 - 16, 65536 - 64, 65536 - 48,
				       65536 - 32, 65536 - 16, 65536, 2 * 65472 - 16, 2 * 65472,
				       300000, 1048576 + 32 };
	unsigned char b[512];
	size_t bl = blob(b, "go1.21.3", "mod\tm/x\tv1.0.0\n", true);
	size_t total = 1200000;
	unsigned char *f = malloc(total);
	CHECK(t, f != NULL);
	if (!f)
		return;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (int shift = 0; shift < 2; shift++) {
			size_t at = offs[i] + (shift ? 8 : 0), fed = 0;
			struct rec r = { 0 };
			/* noise with many 0xff and a magic at an unaligned offset */
			for (size_t k = 0; k < total; k++)
				f[k] = (unsigned char)((k * 7) % 5 == 0 ? 0xff : k);
			memcpy(f, "\x7f" "ELF", 4);
			memcpy(f + 40 + 3, b, bl);
			memcpy(f + at, b, bl);
			for (unsigned chunk = 0; chunk < 3; chunk++) {
				size_t c = chunk == 0 ? 0 : chunk == 1 ? 4093 : 65536;
				CHECK_INT(t, parse_chunked(f, total, c, (unsigned)(at + chunk), &r, &fed),
					  CG_OK);
				CHECKF(t, r.n == (shift ? 0u : 2u), "at %zu chunk %zu: %zu packages",
				       at, c, r.n);
				if (!shift)
					CHECKF(t, fed < total && fed >= at + bl,
					       "at %zu: fed %zu of %zu", at, fed, total);
				rec_free(&r);
			}
		}
	}
	free(f);
}

/* A header that fails its checks does not stop the search. */
static void t_decoys(struct cgt *t)
{
	unsigned char b[512];
	size_t bl = blob(b, "go1.21.3", "mod\tm/x\tv1.0.0\n", true), n;
	struct rec r = { 0 };
	static const struct {
		unsigned char ptr, flags, pad;
	} bad[] = { { 3, 2, 0 }, { 8, 4, 0 }, { 8, 2, 1 }, { 0, 2, 0 }, { 16, 2, 0 } };

	memset(fbuf, 0, sizeof(fbuf));
	memcpy(fbuf, "\x7f" "ELF", 4);
	n = 16;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(fbuf + n, b, 32);
		fbuf[n + 14] = bad[i].ptr;
		fbuf[n + 15] = bad[i].flags;
		fbuf[n + 20] = bad[i].pad;
		n += 48;
	}
	memcpy(fbuf + n, b, bl);
	n += bl;
	CHECK_INT(t, parse(fbuf, n, &r), CG_OK);
	CHECK_INT(t, r.n, 2);
	CHECK(t, has(&r, "m/x\tv1.0.0"));
	rec_free(&r);
}

/* Put a minimal ELF64 header with one PT_LOAD (flags) over [off, off+len). */
static void elf64(unsigned char *f, uint32_t flags, uint64_t off, uint64_t len)
{
	memset(f, 0, 64 + 56);
	memcpy(f, "\x7f" "ELF", 4);
	f[4] = 2;
	f[5] = 1;
	f[32] = 64; /* e_phoff */
	f[54] = 56; /* e_phentsize */
	f[56] = 1;  /* e_phnum */
	f[64] = 1;  /* PT_LOAD */
	f[68] = (unsigned char)flags;
	for (int i = 0; i < 8; i++) {
		f[72 + i] = (unsigned char)(off >> (8 * i));
		f[80 + i] = (unsigned char)((off + 0x400000) >> (8 * i));
		f[96 + i] = (unsigned char)(len >> (8 * i));
	}
}

/* In an ELF file the header must lie in a writable PT_LOAD segment. */
static void t_elf_segment(struct cgt *t)
{
	unsigned char b[512];
	size_t bl = blob(b, "go1.21.3", "mod\tm/x\tv1.0.0\n", true);
	static const struct {
		uint32_t flags;
		uint64_t off, len;
		size_t want;
	} cases[] = {
		{ 6, 256, 4096, 2 }, /* RW over the blob */
		{ 4, 256, 4096, 0 }, /* read-only: a string in .rodata */
		{ 5, 256, 4096, 0 }, /* R+X */
		{ 6, 512, 4096, 0 }, /* writable, but not over it */
		{ 6, 256, 16, 0 },   /* over its start only */
		{ 6, 0, 288, 2 },    /* exactly the header's 32 bytes */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rec r = { 0 };
		memset(fbuf, 0, 4096);
		elf64(fbuf, cases[i].flags, cases[i].off, cases[i].len);
		memcpy(fbuf + 256, b, bl);
		CHECK_INT(t, parse(fbuf, 256 + bl, &r), CG_OK);
		CHECKF(t, r.n == cases[i].want, "case %zu: %zu packages", i, r.n);
		rec_free(&r);
	}
}

/* What is no executable is dropped after 4 bytes. */
static void t_not_executable(struct cgt *t)
{
	struct cg_gobin g;
	struct rec r = { 0 };
	struct cg_pkg_sink sink = { rec_add, rec_warn, &r };
	size_t n = file_with(fbuf, "go1.21.3", "mod\tm/x\tv1.0.0\n");
	static const char *const heads[] = { ("\x7f" "ELF"), "MZ\x90\x00", "\xfe\xed\xfa\xcf",
					     "\xcf\xfa\xed\xfe", "\x01\xdf\x00\x00" };
	memcpy(fbuf, "#!/b", 4);
	cg_gobin_init(&g);
	CHECK(t, cg_gobin_feed(&g, fbuf, 2));
	CHECK(t, !cg_gobin_feed(&g, fbuf + 2, n - 2));
	CHECK_INT(t, cg_gobin_finish(&g, "/bin/app", 3, &sink), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 0);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		memcpy(fbuf, heads[i], 4);
		CHECK_INT(t, parse(fbuf, n, &r), CG_OK);
		CHECKF(t, r.n == 2, "%zu: %zu packages", i, r.n);
		rec_free(&r);
	}
	/* shorter than 4 bytes, and empty */
	CHECK_INT(t, parse("\x7f" "EL", 3, &r), CG_OK);
	CHECK_INT(t, parse("", 0, &r), CG_OK);
	CHECK_INT(t, r.n + (size_t)r.warnings, 0);
}

/* A file that ends inside the blob: a warning, nothing reported. */
static void t_truncated(struct cgt *t)
{
	size_t n = file_with(fbuf, "go1.21.3", "mod\tm/x\tv1.0.0\ndep\ta/b\tv1.0.0\n");
	static const size_t cuts[] = { 16 + 32, 16 + 33, 16 + 40, 16 + 60, 16 + 90 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct rec r = { 0 };
		CHECK(t, cuts[i] < n);
		CHECK_INT(t, parse(fbuf, cuts[i], &r), CG_OK);
		CHECK_INT(t, r.n, 0);
		CHECK_INT(t, r.warnings, 1);
		CHECK_STR(t, r.last_warn, "truncated Go build information");
	}
	/* cut inside the 32-byte header: no build information at all */
	{
		struct rec r = { 0 };
		CHECK_INT(t, parse(fbuf, 16 + 31, &r), CG_OK);
		CHECK_INT(t, r.n + (size_t)r.warnings, 0);
	}
}

/* Version and module-information lengths past their limits. */
static void t_limits(struct cgt *t)
{
	struct rec r = { 0 };
	size_t n;
	unsigned char *big;

	/* module information declared larger than 1 MiB: stdlib only */
	memset(fbuf, 0, 64);
	memcpy(fbuf, "\x7f" "ELF", 4);
	memcpy(fbuf + 16, "\xff Go buildinf:\x08\x02", 16);
	n = 48;
	n += put_uvarint(fbuf + n, 8);
	memcpy(fbuf + n, "go1.21.3", 8);
	n += 8;
	n += put_uvarint(fbuf + n, CG_GOBIN_MAX_MODINFO + 1);
	CHECK_INT(t, parse(fbuf, n + 100, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, has(&r, "stdlib\t1.21.3"));
	CHECK_INT(t, r.warnings, 1);
	CHECK(t, strstr(r.last_warn, "larger than") != NULL);
	rec_free(&r);

	/* exactly 1 MiB of module information is read */
	big = malloc(CG_GOBIN_MAX_MODINFO + 4096);
	CHECK(t, big != NULL);
	if (big) {
		size_t ml = CG_GOBIN_MAX_MODINFO - 32, line = strlen("dep\ta/b\tv1.0.0\n"), k;
		char *mod = malloc(ml + 1);
		CHECK(t, mod != NULL);
		if (mod) {
			memset(mod, 'x', ml);
			mod[ml] = '\0';
			/* lines filling the rest, the last ending the text */
			for (k = 0; k + line <= ml; k += line)
				memcpy(mod + k, "dep\ta/b\tv1.0.0\n", line);
			memset(mod + k, '\n', ml - k);
			n = file_with(big, "go1.21.3", mod);
			CHECK_INT(t, parse_chunked(big, n, 0, 7, &r, NULL), CG_OK);
			CHECKF(t, r.n == REC_MAX, "%zu packages", r.n); /* 10000 reported, 512 kept */
			CHECK_INT(t, r.warnings, 1);
			CHECK(t, strstr(r.last_warn, "more than 10000 Go modules") != NULL);
			rec_free(&r);
			free(mod);
		}
		free(big);
	}

	/* a version longer than 1024 bytes, a varint that overflows */
	memset(fbuf, 0, 64);
	memcpy(fbuf, "\x7f" "ELF", 4);
	memcpy(fbuf + 16, "\xff Go buildinf:\x08\x02", 16);
	n = 48 + put_uvarint(fbuf + 48, 1025);
	memset(fbuf + n, 'g', 1100);
	CHECK_INT(t, parse(fbuf, n + 1100, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "malformed") != NULL);
	rec_free(&r);
	memset(fbuf + 48, 0xff, 12);
	CHECK_INT(t, parse(fbuf, 48 + 100, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "malformed") != NULL);
	rec_free(&r);

	/* a zero-length version: Go says no Go executable; so do we, quietly */
	fbuf[48] = 0;
	CHECK_INT(t, parse(fbuf, 48 + 100, &r), CG_OK);
	CHECK_INT(t, r.n + (size_t)r.warnings, 0);
}

/* The Go vulnerability database's stdlib versions (x/vuln GoTagToSemver). */
static void t_stdlib_version(struct cgt *t)
{
	static const struct {
		const char *tag, *want; /* want NULL: no version */
	} cases[] = {
		{ "go1.21.3", "1.21.3" },
		{ "go1.21.3 X:boringcrypto", "1.21.3" },
		{ "  go1.20\t", "1.20.0" },
		{ "go1.19", "1.19.0" },
		{ "go1", "1.0.0" },
		{ "go1.0", NULL },
		{ "go1.21rc2", "1.21.0-rc.2" },
		{ "go1.9beta1", "1.9.0-beta.1" },
		{ "go1.20-pre4", "1.20.0-pre.4" },
		{ "go1.2.1rc1", "1.2.1-rc.1" },
		{ "go1.16.3", "1.16.3" },
		{ "go01.02", "01.02.0" },
		{ "go1.22-20231128-RC02 cl/586117301", NULL },
		{ "devel +abcdef Tue Jan 1", NULL },
		{ "devel go1.22-abcdef", NULL },
		{ "go1.21.", NULL },
		{ "go1.21rc", NULL },
		{ "go1.21alpha1", NULL },
		{ "go1.2.3.4", NULL },
		{ "go1.", NULL },
		{ "go.1", NULL },
		{ "1.21.3", NULL },
		{ "v1.21.3", NULL },
		{ "", NULL },
		{ "   ", NULL },
	};
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = cg_gobin_stdlib_version(cases[i].tag, strlen(cases[i].tag), out,
						  sizeof(out));
		CHECKF(t, ok == (cases[i].want != NULL), "%s: %d", cases[i].tag, ok);
		if (ok && cases[i].want)
			CHECKF(t, strcmp(out, cases[i].want) == 0, "%s: %s, expected %s",
			       cases[i].tag, out, cases[i].want);
	}
	/* the output must fit */
	CHECK(t, cg_gobin_stdlib_version("go1.21.3", 8, out, 7));
	CHECK(t, !cg_gobin_stdlib_version("go1.21.3", 8, out, 6));
	CHECK(t, !cg_gobin_stdlib_version("go1.21rc2", 9, out, 11));
	CHECK(t, cg_gobin_stdlib_version("go1.21rc2", 9, out, 13));
	CHECK_STR(t, out, "1.21.0-rc.2");
	/* not NUL-terminated input: only len bytes are read */
	CHECK(t, cg_gobin_stdlib_version("go1.21.3garbage", 8, out, sizeof(out)));
	CHECK_STR(t, out, "1.21.3");
}

/* Pre-1.18: what one pass cannot find is warned about. */
static void t_pointer_format(struct cgt *t)
{
	size_t len = 0;
	unsigned char *d = pkgt_load("pkg/gobin/esbuild-go1.16.3.elf", &len), *v, *m;
	struct rec r = { 0 };
	CHECK(t, d != NULL);
	if (!d)
		return;
	/* the version string gone: nothing (the version decides) */
	v = memmem(d, len, "go1.16.3", 8);
	m = memmem(d, len, info_start, 16);
	CHECK(t, v && m);
	if (!v || !m) {
		free(d);
		return;
	}
	v[0] = 'x';
	CHECK_INT(t, parse(d, len, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "version string was not found") != NULL);
	rec_free(&r);
	v[0] = 'g';
	/* the module information not framed where it is pointed at */
	m[0] ^= 1;
	CHECK_INT(t, parse(d, len, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, has(&r, "stdlib\t1.16.3"));
	CHECK(t, strstr(r.last_warn, "module information was not found") != NULL);
	rec_free(&r);
	m[0] ^= 1;
	/* without its ELF header: a warning only */
	memcpy(d, "MZ\0\0", 4);
	CHECK_INT(t, parse(d, len, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "no ELF file") != NULL);
	rec_free(&r);
	/* cut before the string headers: truncated */
	memcpy(d, "\x7f" "ELF", 4);
	CHECK_INT(t, parse(d, len - 100, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_STR(t, r.last_warn, "truncated Go build information");
	rec_free(&r);
	free(d);
}

/* ---- synthetic pre-1.18 ELF files ---- */

struct ptrfile {
	bool is64, big;
	size_t voff, moff, hoff, shoff; /* file offsets of the five regions */
	size_t size;                    /* file size */
	uint64_t vlen_override;         /* != 0: the version length written */
	bool unmapped_version;          /* the buildVersion header points nowhere */
};

static void put(unsigned char *p, uint64_t x, unsigned n, bool big)
{
	for (unsigned i = 0; i < n; i++)
		p[big ? n - 1 - i : i] = (unsigned char)(x >> (8 * i));
}

#define VBASE 0x400000u

/* Write the file into f (pf->size bytes, zero elsewhere): ELF header and
 * four PT_LOADs (version R, modinfo R, header RW, string headers RW). */
static void make_ptr_elf(unsigned char *f, const struct ptrfile *pf, const char *vers,
			 const char *mod)
{
	unsigned ps = pf->is64 ? 8 : 4, ph = pf->is64 ? 56 : 32, phoff = pf->is64 ? 64 : 52;
	size_t vl = strlen(vers), ml = strlen(mod) + 32;
	const size_t off[4] = { pf->voff, pf->moff, pf->hoff, pf->shoff };
	const size_t len[4] = { vl + 100, ml, 32, 4 * ps }; /* .rodata goes on after it */
	const unsigned flags[4] = { 4, 4, 6, 6 };
	bool big = pf->big;

	memset(f, 0, pf->size);
	memcpy(f, "\x7f" "ELF", 4);
	f[4] = pf->is64 ? 2 : 1;
	f[5] = big ? 2 : 1;
	if (pf->is64) {
		put(f + 32, phoff, 8, big);
		put(f + 54, ph, 2, big);
		put(f + 56, 4, 2, big);
	} else {
		put(f + 28, phoff, 4, big);
		put(f + 42, ph, 2, big);
		put(f + 44, 4, 2, big);
	}
	for (int i = 0; i < 4; i++) {
		unsigned char *e = f + phoff + (size_t)i * ph;
		put(e, 1, 4, big);
		if (pf->is64) {
			put(e + 4, flags[i], 4, big);
			put(e + 8, off[i], 8, big);
			put(e + 16, VBASE + off[i], 8, big);
			put(e + 32, len[i], 8, big);
		} else {
			put(e + 4, off[i], 4, big);
			put(e + 8, VBASE + off[i], 4, big);
			put(e + 16, len[i], 4, big);
			put(e + 24, flags[i], 4, big);
		}
	}
	memcpy(f + pf->voff, vers, vl);
	memcpy(f + pf->moff, info_start, 16);
	memcpy(f + pf->moff + 16, mod, ml - 32);
	memcpy(f + pf->moff + ml - 16, info_end, 16);
	memcpy(f + pf->hoff, "\xff Go buildinf:", 14);
	f[pf->hoff + 14] = (unsigned char)ps;
	f[pf->hoff + 15] = big ? 1 : 0;
	put(f + pf->hoff + 16, pf->unmapped_version ? 0x10 : VBASE + pf->shoff, ps, big);
	put(f + pf->hoff + 16 + ps, VBASE + pf->shoff + 2 * ps, ps, big);
	put(f + pf->shoff, VBASE + pf->voff, ps, big);
	put(f + pf->shoff + ps, pf->vlen_override ? pf->vlen_override : vl, ps, big);
	put(f + pf->shoff + 2 * ps, VBASE + pf->moff, ps, big);
	put(f + pf->shoff + 3 * ps, ml, ps, big);
}

static const char long_vers[] = "go1.16.15-a-custom-build-with-a-long-suffix-0123456789";
static const char ptr_mod[] = "path\tx/cmd\nmod\tx\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:s=\n";

static size_t run_ptr(struct cgt *t, const struct ptrfile *pf, const char *vers, struct rec *r)
{
	unsigned char *f = malloc(pf->size);
	size_t n0;
	char *one;
	CHECK(t, f != NULL);
	if (!f)
		return 0;
	make_ptr_elf(f, pf, vers, ptr_mod);
	CHECK_INT(t, parse(f, pf->size, r), CG_OK);
	/* random chunks give the same */
	one = joined(r);
	n0 = r->n;
	{
		struct rec r2 = { 0 };
		char *two;
		CHECK_INT(t, parse_chunked(f, pf->size, 0, (unsigned)pf->voff, &r2, NULL), CG_OK);
		two = joined(&r2);
		CHECK(t, one && two && strcmp(one, two) == 0 && r2.warnings == r->warnings);
		free(two);
		rec_free(&r2);
	}
	free(one);
	free(f);
	return n0;
}

/* ELF32 and ELF64, both byte orders; version strings and module
 * information across the window boundaries; string headers in the kept
 * file start. */
static void t_pointer_synthetic(struct cgt *t)
{
	static const struct ptrfile layouts[] = {
		{ true, false, 600, 900, 1024, 2048, 4096, 0, false },
		{ false, false, 600, 900, 1024, 2048, 4096, 0, false },
		{ true, true, 600, 900, 1024, 2048, 4096, 0, false },
		{ false, true, 600, 900, 1024, 2048, 4096, 0, false },
		{ true, false, 600, 900, 8192, 3000, 9000, 0, false },  /* headers in the head */
		{ true, false, 5000, 70000, 200000, 900000, 1000000, 0, false },
	};
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct rec r = { 0 };
		run_ptr(t, &layouts[i], long_vers, &r);
		/* the whole long version string is read: it is no release */
		CHECKF(t, r.n == 2 && r.warnings == 1 && strstr(r.last_warn, long_vers),
		       "layout %zu: %zu packages, %d warnings (%s)", i, r.n, r.warnings, r.last_warn);
		CHECK(t, has(&r, "x\t"));
		CHECK(t, has(&r, "golang.org/x/sys\tv0.1.0"));
		rec_free(&r);
	}
	/* the version string and the module information at every position
	 * around the first two window boundaries */
	for (size_t b = 0; b < 2; b++) {
		size_t edge = 65472 * (b + 1);
		for (size_t v = edge - 70; v < edge + 70; v += 3) {
			struct ptrfile pf = { true, false, v, v + 200, 262144, 300000, 300100, 0,
					      false };
			struct rec r = { 0 };
			run_ptr(t, &pf, "go1.16.3", &r);
			CHECKF(t, r.n == 3 && has(&r, "stdlib\t1.16.3"), "at %zu: %zu packages (%s)", v,
			       r.n, r.last_warn);
			rec_free(&r);
			pf.voff = 1000;
			pf.moff = v;
			run_ptr(t, &pf, long_vers, &r);
			CHECKF(t, r.n == 2 && r.warnings == 1, "module information at %zu: %zu", v, r.n);
			rec_free(&r);
			pf.voff = v;
			pf.moff = 60000;
			run_ptr(t, &pf, long_vers + 0, &r);
			CHECKF(t, r.warnings == 1 && strstr(r.last_warn, "is no release"),
			       "long version at %zu: %d warnings (%s)", v, r.warnings, r.last_warn);
			rec_free(&r);
		}
	}
}

/* Pre-1.18 cases one pass cannot or must not read. */
static void t_pointer_limits(struct cgt *t)
{
	struct ptrfile pf = { true, false, 600, 900, 8192, 6000, 9000, 0, false };
	struct rec r = { 0 };

	/* string headers before the header, past the kept 4 KiB */
	run_ptr(t, &pf, "go1.16", &r);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "lie before") != NULL);
	rec_free(&r);

	/* a version longer than a remembered candidate */
	pf.shoff = 8500;
	pf.vlen_override = 65;
	run_ptr(t, &pf, "go1.16", &r);
	CHECK_INT(t, r.n, 0);
	CHECK(t, strstr(r.last_warn, "version string was not found") != NULL);
	rec_free(&r);

	/* a zero-length version, an unmapped version header: no Go binary */
	pf.vlen_override = 0;
	pf.unmapped_version = true;
	run_ptr(t, &pf, "go1.16", &r);
	CHECK_INT(t, r.n + (size_t)r.warnings, 0);
	rec_free(&r);

	/* more "go1.<digit>" strings before it than are remembered */
	{
		struct ptrfile many = { true, false, 30000, 31000, 40960, 41000, 42000, 0, false };
		unsigned char *f = malloc(many.size);
		CHECK(t, f != NULL);
		if (f) {
			make_ptr_elf(f, &many, "go1.16", ptr_mod);
			for (size_t k = 0; k < 300; k++)
				memcpy(f + 4096 + k * 80, "go1.9", 5);
			CHECK_INT(t, parse(f, many.size, &r), CG_OK);
			CHECK_INT(t, r.n, 0);
			CHECK(t, strstr(r.last_warn, "version string was not found") != NULL);
			rec_free(&r);
			free(f);
		}
	}
}

/* The sink's error stops the report and is returned. */
static void t_sink_error(struct cgt *t)
{
	size_t n = file_with(fbuf, "go1.21.3", "mod\tm/x\tv1.0.0\ndep\ta/b\tv1.0.0\n");
	struct rec r = { 0 };
	r.fail_with = CG_ERR_NOMEM;
	r.fail_after = 1;
	CHECK_INT(t, parse(fbuf, n, &r), CG_ERR_NOMEM);
	CHECK_INT(t, r.n, 1);
	rec_free(&r);
	{
		struct cg_gobin g;
		cg_gobin_init(&g);
		(void)cg_gobin_feed(&g, fbuf, n);
		CHECK_INT(t, cg_gobin_finish(&g, "/bin/app", 3, NULL), CG_ERR_ARG);
	}
}

/* Abandoning a stream releases what it holds (ASan's leak check). */
static void t_release(struct cgt *t)
{
	size_t n = file_with(fbuf, "go1.21.3", "mod\tm/x\tv1.0.0\n");
	struct cg_gobin g;
	cg_gobin_init(&g);
	CHECK(t, cg_gobin_feed(&g, fbuf, n - 30));
	cg_gobin_release(&g);
	cg_gobin_release(&g);
	CHECK(t, !cg_gobin_feed(&g, fbuf, 10));
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_windows),        CGT_CASE(t_window_details), CGT_CASE(t_chunks),
	CGT_CASE(t_module_rules),   CGT_CASE(t_module_rules2),  CGT_CASE(t_framing),
	CGT_CASE(t_offsets),        CGT_CASE(t_decoys),         CGT_CASE(t_elf_segment),
	CGT_CASE(t_not_executable), CGT_CASE(t_truncated),      CGT_CASE(t_limits),
	CGT_CASE(t_stdlib_version), CGT_CASE(t_pointer_format), CGT_CASE(t_pointer_synthetic),
	CGT_CASE(t_pointer_limits), CGT_CASE(t_sink_error),
	CGT_CASE(t_release),
};

CGT_MAIN(cases)
