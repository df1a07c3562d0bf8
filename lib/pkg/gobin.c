/* Go executables: the toolchain and modules they were built with, read from
 * the build information the Go linker embeds, in one pass over the file.
 *
 * What Go itself reads (debug/buildinfo, `go version -m`): a 32-byte header
 * at a 16-byte aligned address near the start of the data segment,
 *   "\xff Go buildinf:" (14 bytes), pointer size (4|8), flags,
 * then
 *  - Go >= 1.18 (flags & 2): 16 zero bytes and two uvarint-length strings
 *    inline, the Go version and the module information;
 *  - Go 1.13-1.17: two pointers (flags & 1: big-endian) to the Go string
 *    headers {data, len} of runtime.buildVersion and runtime.modinfo.
 * The module information is framed by two 16-byte sentinels (cmd/go's
 * modload infoStart and infoEnd), stripped when present exactly as Go strips
 * them (at least 33 bytes and a '\n' before the end sentinel, else there is
 * no module information), and then read as runtime/debug.ParseBuildInfo
 * reads it: "mod" (the main module), "dep", and "=>" replacing the module of
 * the line before.
 *
 * Streaming. The file comes in chunks, nothing is buffered whole. A 64 KiB
 * window slides over the file (64 bytes overlap, so a pattern that crosses a
 * chunk or window boundary is seen once) and is searched for the header at
 * 16-byte aligned file offsets (section file offsets keep the address
 * alignment in ELF, PE and Mach-O). A candidate must have a pointer size of 4
 * or 8, flags <= 3, zero padding in the inline format, and in an ELF file lie
 * in a writable PT_LOAD segment (where .go.buildinfo lives; the magic also
 * occurs in read-only data of binaries that contain debug/buildinfo). From
 * there the blob is captured until both strings are complete; then feed()
 * says it wants no more.
 *
 * The pre-1.18 format needs random access: the version and module strings
 * lie in .rodata, before the header; the string headers in .data, after it.
 * One pass still reads it for ELF files: the first 4 KiB are kept (ELF and
 * program headers, to map addresses to file offsets), every "go1.<digit>"
 * in the file before the header is remembered with its offset (at most 256,
 * 64 bytes each), and the first region that starts with the infoStart
 * sentinel is captured up to infoEnd. When the two string headers stream by,
 * the version must be a remembered candidate at exactly the mapped offset
 * and the module information exactly the captured region; otherwise a
 * warning says what was not found. Pre-1.18 PE and Mach-O files are only
 * warned about.
 *
 * Reporting: see gobin.h. Departures from `go version -m`, on purpose:
 *  - "(devel)" (the main module built from its own tree) is reported as an
 *    empty version, i.e. unknown;
 *  - a replacement by a local directory (a path starting "./", "../", "/",
 *    ".\", "..\", "\" or "X:", or a replacement without a version) keeps the
 *    module path and reports an empty version: the code is a local copy
 *    whose version nothing states;
 *  - Go rejects the whole module list at its first malformed line; here the
 *    line is skipped and counted in one warning.
 * The standard library is reported under the Go vulnerability database's
 * name "stdlib" with its SEMVER version (without "v", as in OSV: "1.21.3");
 * a Go version that is no release tag ("devel ...", custom builds) gives no
 * stdlib package and a warning. */
#include "util/internal.h"

#include "pkg/gobin.h"
#include "pkg/pkgutil.h"

#define GOBIN_HEAD 4096          /* file start kept: ELF and program headers */
#define GOBIN_WIN 65536          /* search window */
#define GOBIN_OVERLAP 64         /* bytes a window keeps of the one before */
#define GOBIN_CANDS 256          /* "go1." candidates remembered (pre-1.18) */
#define GOBIN_CAND_LEN 64
#define GOBIN_MAX_VERS 1024      /* longest Go version string */
#define GOBIN_MAX_SEGS 64        /* program headers read */
#define GOBIN_MAX_MODULES 10000
#define GOBIN_MAX_PATH 512
#define GOBIN_HDR 32

/* GOBIN_BLOB_MAX: header + two varints + version + module information. */
#define GOBIN_BLOB_MAX (GOBIN_HDR + 10 + GOBIN_MAX_VERS + 10 + CG_GOBIN_MAX_MODINFO)

static const unsigned char go_magic[14] = "\xff Go buildinf:";
/* cmd/go/internal/modload: infoStart and infoEnd */
static const unsigned char info_start[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
					      0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const unsigned char info_end[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
					    0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };

enum gobin_state {
	GS_IDENT,  /* reading the first 4 bytes */
	GS_SEARCH, /* sliding the window */
	GS_INLINE, /* capturing an inline (>= 1.18) blob */
	GS_PTR,    /* pre-1.18: waiting for the two string headers */
	GS_DONE,   /* found what there is to find */
	GS_NONE,   /* no executable, or out of memory */
};

enum mi_state { MI_NONE, MI_CAPTURE, MI_COMPLETE, MI_OVER };

struct seg {
	uint32_t type, flags;
	uint64_t off, vaddr, filesz;
};

struct cand {
	uint64_t off;
	size_t len;
	unsigned char s[GOBIN_CAND_LEN];
};

struct cg_gobin_work {
	unsigned char head[GOBIN_HEAD];
	size_t head_len;
	bool elf_done, elf;
	struct seg seg[GOBIN_MAX_SEGS];
	size_t nseg;

	unsigned char win[GOBIN_WIN];
	size_t win_len;
	uint64_t win_off; /* file offset of win[0] */

	struct cand cand[GOBIN_CANDS];
	size_t ncand;

	unsigned char *mi; /* region from the first infoStart sentinel */
	size_t mi_len, mi_cap;
	uint64_t mi_off;
	enum mi_state mi_state;

	unsigned char *bi; /* the blob from its magic */
	size_t bi_len, bi_cap;
	uint64_t bi_off;

	/* pre-1.18: the string headers of buildVersion [0] and modinfo [1] */
	unsigned ptr_size;
	bool ptr_big;
	uint64_t sh_off[2];
	unsigned char sh[2][16];
	size_t sh_got[2];
	bool sh_bad[2]; /* address not in the file: the string is "" */

	/* the result: views into bi, cand or mi */
	const unsigned char *vers, *mod;
	size_t vers_len, mod_len;
	bool mod_too_big;
	const char *problem; /* static text for a warning */
};

static bool active(const struct cg_gobin *st)
{
	return st->state == GS_SEARCH || st->state == GS_INLINE || st->state == GS_PTR;
}

/* ---- small readers ---- */

static uint64_t rd(const unsigned char *p, unsigned n, bool big)
{
	uint64_t x = 0;
	for (unsigned i = 0; i < n; i++)
		x |= (uint64_t)p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
	return x;
}

/* encoding/binary.Uvarint at buf[*pos..len): 1 and *pos advanced, 0 when
 * the buffer ends first, -1 on overflow. */
static int uvarint(const unsigned char *buf, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t x = 0;
	unsigned s = 0;
	for (size_t i = 0; i < 10; i++) {
		unsigned char b;
		if (*pos + i >= len)
			return 0;
		b = buf[*pos + i];
		if (b < 0x80) {
			if (i == 9 && b > 1)
				return -1;
			*out = x | (uint64_t)b << s;
			*pos += i + 1;
			return 1;
		}
		x |= (uint64_t)(b & 0x7f) << s;
		s += 7;
	}
	return -1;
}

static bool grow(unsigned char **buf, size_t *cap, size_t need, size_t max)
{
	size_t ncap = *cap ? *cap : 4096;
	unsigned char *nb;
	if (need <= *cap)
		return true;
	if (need > max)
		return false;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	nb = realloc(*buf, ncap);
	if (!nb)
		return false;
	*buf = nb;
	*cap = ncap;
	return true;
}

/* ---- ELF program headers ---- */

static void parse_elf(struct cg_gobin_work *w)
{
	const unsigned char *h = w->head;
	size_t n = w->head_len;
	uint64_t phoff, phent, phnum;
	bool big, is64;

	w->elf_done = true;
	if (n < 52 || memcmp(h, "\x7f" "ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) ||
	    (h[5] != 1 && h[5] != 2))
		return;
	is64 = h[4] == 2;
	big = h[5] == 2;
	if (is64) {
		if (n < 64)
			return;
		phoff = rd(h + 32, 8, big);
		phent = rd(h + 54, 2, big);
		phnum = rd(h + 56, 2, big);
	} else {
		phoff = rd(h + 28, 4, big);
		phent = rd(h + 42, 2, big);
		phnum = rd(h + 44, 2, big);
	}
	if (phent < (is64 ? 56u : 32u) || phoff >= n)
		return;
	for (uint64_t i = 0; i < phnum && w->nseg < GOBIN_MAX_SEGS; i++) {
		const unsigned char *e;
		struct seg *s = &w->seg[w->nseg];
		if (phent > (n - phoff) / (i + 1)) /* (i + 1) * phent > n - phoff */
			break;
		e = h + phoff + i * phent;
		s->type = (uint32_t)rd(e, 4, big);
		if (is64) {
			s->flags = (uint32_t)rd(e + 4, 4, big);
			s->off = rd(e + 8, 8, big);
			s->vaddr = rd(e + 16, 8, big);
			s->filesz = rd(e + 32, 8, big);
		} else {
			s->off = rd(e + 4, 4, big);
			s->vaddr = rd(e + 8, 4, big);
			s->filesz = rd(e + 16, 4, big);
			s->flags = (uint32_t)rd(e + 24, 4, big);
		}
		w->nseg++;
	}
	w->elf = true;
}

/* Go's elfExe.ReadData: the first program header whose file image holds
 * addr; all `size` bytes must be there. */
static bool map_addr(const struct cg_gobin_work *w, uint64_t addr, uint64_t size, uint64_t *off)
{
	for (size_t i = 0; i < w->nseg; i++) {
		const struct seg *s = &w->seg[i];
		uint64_t rel = addr - s->vaddr;
		if (s->filesz == 0 || addr < s->vaddr || rel >= s->filesz)
			continue;
		if (size > s->filesz - rel || __builtin_add_overflow(s->off, rel, off))
			return false;
		return true;
	}
	return false;
}

/* In an ELF file the header lies in a writable PT_LOAD segment. */
static bool in_data_segment(const struct cg_gobin_work *w, uint64_t off)
{
	if (!w->elf)
		return true;
	for (size_t i = 0; i < w->nseg; i++) {
		const struct seg *s = &w->seg[i];
		if (s->type == 1 && (s->flags & 2) && off >= s->off && off - s->off < s->filesz &&
		    s->filesz - (off - s->off) >= GOBIN_HDR)
			return true;
	}
	return false;
}

/* ---- captures of bytes as they stream by ---- */

/* Copy what of [at, at+n) falls in the window [t, t+len) into dst, whose
 * first *got bytes are there already. */
static void take(unsigned char *dst, size_t len, size_t *got, uint64_t t, const unsigned char *p,
		 size_t n, uint64_t at)
{
	uint64_t from = t + *got, end;
	if (*got >= len || __builtin_add_overflow(at, n, &end) || from < at || from >= end)
		return;
	size_t k = (size_t)(end - from) < len - *got ? (size_t)(end - from) : len - *got;
	memcpy(dst + *got, p + (from - at), k);
	*got += k;
}

static void mi_append(struct cg_gobin *st, const unsigned char *p, size_t n)
{
	struct cg_gobin_work *w = st->w;
	size_t room = CG_GOBIN_MAX_MODINFO - w->mi_len, k = n < room ? n : room;
	size_t from;
	const unsigned char *hit;

	if (k && !grow(&w->mi, &w->mi_cap, w->mi_len + k, CG_GOBIN_MAX_MODINFO)) {
		st->nomem = true;
		w->mi_state = MI_OVER;
		return;
	}
	if (k)
		memcpy(w->mi + w->mi_len, p, k);
	from = w->mi_len > 16 + 15 ? w->mi_len - 15 : 16;
	w->mi_len += k;
	if (w->mi_len > from &&
	    (hit = memmem(w->mi + from, w->mi_len - from, info_end, sizeof(info_end)))) {
		w->mi_len = (size_t)(hit - w->mi) + sizeof(info_end);
		w->mi_state = MI_COMPLETE;
	} else if (w->mi_len >= CG_GOBIN_MAX_MODINFO) {
		w->mi_state = MI_OVER;
	}
}

static void finish_strings(struct cg_gobin_work *w);

/* The inline blob: 1 complete, 0 *need bytes (at least) wanted, -1 bad. */
static int inline_parse(struct cg_gobin_work *w, size_t *need)
{
	size_t pos = GOBIN_HDR, vpos;
	uint64_t u;
	int r;

	r = uvarint(w->bi, w->bi_len, &pos, &u);
	if (r == 0) {
		*need = GOBIN_HDR + 10;
		return 0;
	}
	if (r < 0 || u > GOBIN_MAX_VERS) {
		w->problem = "malformed Go build information (version length)";
		return -1;
	}
	if (u == 0)
		return -1; /* Go: no version, not a Go executable */
	if (w->bi_len - pos < u) {
		*need = pos + (size_t)u;
		return 0;
	}
	vpos = pos;
	pos += (size_t)u;
	w->vers = w->bi + vpos;
	w->vers_len = (size_t)u;
	r = uvarint(w->bi, w->bi_len, &pos, &u);
	if (r == 0) {
		*need = pos + 10;
		return 0;
	}
	if (r < 0) {
		w->problem = "malformed Go build information (module information length)";
		return -1;
	}
	if (u > CG_GOBIN_MAX_MODINFO) {
		w->mod_too_big = true;
		return 1;
	}
	if (w->bi_len - pos < u) {
		*need = pos + (size_t)u;
		return 0;
	}
	w->mod = w->bi + pos;
	w->mod_len = (size_t)u;
	return 1;
}

/* Append to the inline blob what it still needs of p[0..n); finish it. */
static void inline_feed(struct cg_gobin *st, const unsigned char *p, size_t n)
{
	struct cg_gobin_work *w = st->w;
	for (;;) {
		size_t need = 0, k;
		int r = inline_parse(w, &need);
		if (r != 0) {
			if (r < 0)
				w->vers = NULL;
			st->state = GS_DONE;
			return;
		}
		if (!n)
			return;
		if (need > GOBIN_BLOB_MAX)
			need = GOBIN_BLOB_MAX;
		if (need <= w->bi_len) { /* cannot happen: parse asked for more */
			w->problem = "malformed Go build information";
			w->vers = NULL;
			st->state = GS_DONE;
			return;
		}
		k = need - w->bi_len < n ? need - w->bi_len : n;
		if (!grow(&w->bi, &w->bi_cap, w->bi_len + k, GOBIN_BLOB_MAX)) {
			st->nomem = true;
			st->state = GS_NONE;
			return;
		}
		memcpy(w->bi + w->bi_len, p, k);
		w->bi_len += k;
		p += k;
		n -= k;
	}
}

/* Pre-1.18: take string-header bytes from p[0..n) at file offset at; once
 * both are there (or cannot come any more), resolve the strings. */
static void ptr_feed(struct cg_gobin *st, const unsigned char *p, size_t n, uint64_t at)
{
	struct cg_gobin_work *w = st->w;
	size_t hl = 2 * (size_t)w->ptr_size;
	bool done = true;
	for (int i = 0; i < 2; i++) {
		if (w->sh_bad[i])
			continue;
		if (n)
			take(w->sh[i], hl, &w->sh_got[i], w->sh_off[i], p, n, at);
		if (w->sh_got[i] < hl)
			done = false;
	}
	if (done) {
		finish_strings(w);
		st->state = GS_DONE;
	}
}

static const struct cand *find_cand(const struct cg_gobin_work *w, uint64_t off)
{
	for (size_t i = 0; i < w->ncand; i++)
		if (w->cand[i].off == off)
			return &w->cand[i];
	return NULL;
}

/* Pre-1.18: both string headers are read (or known absent): find the
 * strings they point to among what was kept. */
static void finish_strings(struct cg_gobin_work *w)
{
	unsigned ps = w->ptr_size;
	uint64_t addr, len, off;
	const struct cand *c;

	if (w->sh_bad[0])
		return; /* Go: no version, not a Go executable */
	addr = rd(w->sh[0], ps, w->ptr_big);
	len = rd(w->sh[0] + ps, ps, w->ptr_big);
	if (len == 0 || !map_addr(w, addr, len, &off))
		return;
	c = find_cand(w, off);
	if (!c || c->len < len) {
		w->problem = "Go < 1.18 binary: its Go version string was not found in one pass";
		return;
	}
	w->vers = c->s;
	w->vers_len = (size_t)len;

	if (w->sh_bad[1])
		return;
	addr = rd(w->sh[1], ps, w->ptr_big);
	len = rd(w->sh[1] + ps, ps, w->ptr_big);
	if (len == 0 || !map_addr(w, addr, len, &off))
		return;
	if (len > CG_GOBIN_MAX_MODINFO) {
		w->mod_too_big = true;
		return;
	}
	if (w->mi_state == MI_NONE || w->mi_off != off || w->mi_len < len) {
		w->problem = "Go < 1.18 binary: its module information was not found in one pass";
		return;
	}
	w->mod = w->mi;
	w->mod_len = (size_t)len;
}

static void ptr_start(struct cg_gobin *st)
{
	struct cg_gobin_work *w = st->w;
	const unsigned char *h = w->bi;
	unsigned ps = h[14];

	w->ptr_size = ps;
	w->ptr_big = h[15] != 0;
	if (!w->elf) {
		w->problem = "Go < 1.18 binary that is no ELF file: its build information is not read";
		st->state = GS_DONE;
		return;
	}
	for (int i = 0; i < 2; i++) {
		uint64_t addr = rd(h + 16 + (size_t)i * ps, ps, w->ptr_big);
		if (!map_addr(w, addr, 2 * ps, &w->sh_off[i])) {
			w->sh_bad[i] = true;
			continue;
		}
		take(w->sh[i], 2 * ps, &w->sh_got[i], w->sh_off[i], w->head, w->head_len, 0);
		take(w->sh[i], 2 * ps, &w->sh_got[i], w->sh_off[i], w->bi, w->bi_len, w->bi_off);
		/* before the header and not kept: out of reach in one pass */
		if (w->sh_got[i] < 2 * ps && w->sh_off[i] + w->sh_got[i] < st->off) {
			w->problem = "Go < 1.18 binary: its string headers lie before its build "
				     "information and are not read in one pass";
			st->state = GS_DONE;
			return;
		}
	}
	st->state = GS_PTR;
	ptr_feed(st, NULL, 0, st->off);
}

/* ---- the search ---- */

static bool header_ok(const struct cg_gobin_work *w, const unsigned char *h, uint64_t off)
{
	if ((h[14] != 4 && h[14] != 8) || h[15] > 3)
		return false;
	if (h[15] & 2)
		for (int i = 16; i < GOBIN_HDR; i++)
			if (h[i])
				return false;
	return in_data_segment(w, off);
}

static void add_cands(struct cg_gobin_work *w, size_t end)
{
	size_t lim = end + 3 < w->win_len ? end + 3 : w->win_len, i = 0;
	const unsigned char *hit;
	while (w->ncand < GOBIN_CANDS && i < lim &&
	       (hit = memmem(w->win + i, lim - i, "go1.", 4))) {
		size_t j = (size_t)(hit - w->win), k;
		i = j + 1;
		if (w->win_len - j < 5 || w->win[j + 4] < '0' || w->win[j + 4] > '9')
			continue;
		k = w->win_len - j < GOBIN_CAND_LEN ? w->win_len - j : GOBIN_CAND_LEN;
		w->cand[w->ncand].off = w->win_off + j;
		w->cand[w->ncand].len = k;
		memcpy(w->cand[w->ncand].s, w->win + j, k);
		w->ncand++;
	}
}

static void find_sentinel(struct cg_gobin *st, size_t end)
{
	struct cg_gobin_work *w = st->w;
	size_t lim = end + 15 < w->win_len ? end + 15 : w->win_len;
	const unsigned char *hit;
	if (w->mi_state != MI_NONE || !lim)
		return;
	hit = memmem(w->win, lim, info_start, sizeof(info_start));
	if (!hit)
		return;
	w->mi_off = w->win_off + (size_t)(hit - w->win);
	w->mi_state = MI_CAPTURE;
	mi_append(st, hit, w->win_len - (size_t)(hit - w->win));
}

/* Search window positions [0, limit). */
static void scan(struct cg_gobin *st, size_t limit)
{
	struct cg_gobin_work *w = st->w;
	size_t i = (size_t)((16 - (w->win_off & 15)) & 15), end = limit;
	bool found = false;

	if (!w->elf_done)
		parse_elf(w);
	for (; i < limit; i += 16) {
		if (w->win[i] != 0xff || w->win_len - i < GOBIN_HDR ||
		    memcmp(w->win + i, go_magic, sizeof(go_magic)) != 0 ||
		    !header_ok(w, w->win + i, w->win_off + i))
			continue;
		found = true;
		end = i;
		break;
	}
	find_sentinel(st, end);
	add_cands(w, end);
	if (!found)
		return;
	w->bi_off = w->win_off + i;
	if (!grow(&w->bi, &w->bi_cap, w->win_len - i, GOBIN_BLOB_MAX)) {
		st->nomem = true;
		st->state = GS_NONE;
		return;
	}
	memcpy(w->bi, w->win + i, w->win_len - i);
	w->bi_len = w->win_len - i;
	if (w->bi[15] & 2) {
		st->state = GS_INLINE;
		inline_feed(st, NULL, 0);
	} else {
		ptr_start(st);
	}
}

/* Bytes p[0..n) at file offset st->off, before they enter the window. */
static void side(struct cg_gobin *st, const unsigned char *p, size_t n)
{
	struct cg_gobin_work *w = st->w;
	uint64_t at = st->off;
	if (at < GOBIN_HEAD) {
		size_t k = GOBIN_HEAD - (size_t)at < n ? GOBIN_HEAD - (size_t)at : n;
		memcpy(w->head + at, p, k);
		w->head_len = (size_t)at + k;
	}
	if (w->mi_state == MI_CAPTURE)
		mi_append(st, p, n);
	if (st->state == GS_INLINE)
		inline_feed(st, p, n);
	else if (st->state == GS_PTR)
		ptr_feed(st, p, n, at);
}

static void process(struct cg_gobin *st, const unsigned char *p, size_t n)
{
	struct cg_gobin_work *w = st->w;
	while (n && active(st)) {
		size_t k = n;
		bool searching = st->state == GS_SEARCH;
		if (searching && GOBIN_WIN - w->win_len < k)
			k = GOBIN_WIN - w->win_len;
		side(st, p, k);
		if (searching) {
			memcpy(w->win + w->win_len, p, k);
			w->win_len += k;
		}
		st->off += k;
		p += k;
		n -= k;
		if (searching && st->state == GS_SEARCH && w->win_len == GOBIN_WIN) {
			scan(st, GOBIN_WIN - GOBIN_OVERLAP);
			memmove(w->win, w->win + GOBIN_WIN - GOBIN_OVERLAP, GOBIN_OVERLAP);
			w->win_off += GOBIN_WIN - GOBIN_OVERLAP;
			w->win_len = GOBIN_OVERLAP;
		}
	}
}

static bool is_executable(const unsigned char *b)
{
	return memcmp(b, "\x7f" "ELF", 4) == 0 || (b[0] == 'M' && b[1] == 'Z') ||
	       (b[0] == 0xfe && b[1] == 0xed && b[2] == 0xfa && (b[3] == 0xce || b[3] == 0xcf)) ||
	       ((b[0] == 0xce || b[0] == 0xcf) && b[1] == 0xfa && b[2] == 0xed && b[3] == 0xfe) ||
	       (b[0] == 0x01 && (b[1] == 0xdf || b[1] == 0xf7));
}

void cg_gobin_init(struct cg_gobin *st)
{
	memset(st, 0, sizeof(*st));
	st->state = GS_IDENT;
}

bool cg_gobin_feed(struct cg_gobin *st, const void *data, size_t n)
{
	const unsigned char *p = data;
	if (!st || (!p && n))
		return false;
	if (st->state == GS_IDENT && n) {
		size_t k = 4 - (size_t)st->off < n ? 4 - (size_t)st->off : n;
		memcpy(st->ident + st->off, p, k);
		st->off += k;
		p += k;
		n -= k;
		if (st->off < 4)
			return true;
		if (!is_executable(st->ident)) {
			st->state = GS_NONE;
			return false;
		}
		st->w = calloc(1, sizeof(*st->w));
		if (!st->w) {
			st->nomem = true;
			st->state = GS_NONE;
			return false;
		}
		st->state = GS_SEARCH;
		st->off = 0;
		process(st, st->ident, 4);
	}
	if (active(st))
		process(st, p, n);
	return st->state == GS_IDENT || active(st);
}

void cg_gobin_release(struct cg_gobin *st)
{
	if (!st)
		return;
	if (st->w) {
		free(st->w->mi);
		free(st->w->bi);
		free(st->w);
		st->w = NULL;
	}
	st->state = GS_NONE;
}

/* ---- the Go version ---- */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static size_t digits(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	return j - i;
}

bool cg_gobin_stdlib_version(const char *tag, size_t len, char *out, size_t cap)
{
	size_t i = 0, start, n, d, mm_end, patch = 0, pre_kind = 0, pre_num = 0, kind_len = 0;
	size_t pos = 0, need;
	const char *kind = NULL;

	while (i < len && is_space((unsigned char)tag[i]))
		i++;
	start = i;
	while (i < len && !is_space((unsigned char)tag[i]))
		i++;
	tag += start;
	n = i - start;
	if (n == 3 && memcmp(tag, "go1", 3) == 0) {
		if (cap < sizeof("1.0.0"))
			return false;
		memcpy(out, "1.0.0", sizeof("1.0.0"));
		return true;
	}
	if (n == 5 && memcmp(tag, "go1.0", 5) == 0)
		return false;
	/* ^go(\d+\.\d+)(\.\d+|)((beta|rc|-pre)(\d+))?$ */
	if (n < 2 || tag[0] != 'g' || tag[1] != 'o')
		return false;
	i = 2;
	if (!(d = digits(tag, n, i)))
		return false;
	i += d;
	if (i >= n || tag[i] != '.')
		return false;
	i++;
	if (!(d = digits(tag, n, i)))
		return false;
	i += d;
	mm_end = i;
	if (i < n && tag[i] == '.') {
		if (!(d = digits(tag, n, i + 1)))
			return false;
		patch = i;
		i += 1 + d;
	}
	if (i < n) {
		static const char *const kinds[] = { "beta", "rc", "-pre" };
		for (size_t k = 0; k < CG_ARRAY_LEN(kinds) && !kind; k++) {
			size_t kl = strlen(kinds[k]);
			if (n - i > kl && memcmp(tag + i, kinds[k], kl) == 0 &&
			    (d = digits(tag, n, i + kl)) && i + kl + d == n) {
				kind = kinds[k];
				kind_len = kl;
				pre_kind = i;
				pre_num = i + kl;
			}
		}
		if (!kind)
			return false;
	}
	/* "M.N" + (".P" | ".0") + ["-" kind "." num] */
	need = (mm_end - 2) + (patch ? (pre_kind ? pre_kind : n) - patch : 2) +
	       (kind ? 1 + kind_len + 1 + (n - pre_num) : 0) + 1;
	if (need > cap)
		return false;
	memcpy(out, tag + 2, mm_end - 2);
	pos = mm_end - 2;
	if (patch) {
		size_t pend = pre_kind ? pre_kind : n;
		memcpy(out + pos, tag + patch, pend - patch);
		pos += pend - patch;
	} else {
		memcpy(out + pos, ".0", 2);
		pos += 2;
	}
	if (kind) {
		if (kind[0] != '-')
			out[pos++] = '-';
		memcpy(out + pos, kind, kind_len);
		pos += kind_len;
		out[pos++] = '.';
		memcpy(out + pos, tag + pre_num, n - pre_num);
		pos += n - pre_num;
	}
	out[pos] = '\0';
	return true;
}

/* ---- reporting ---- */

struct gomod {
	struct cg_view path, ver, rpath, rver;
	bool rep;
};

struct report {
	const char *path;
	int layer;
	const struct cg_pkg_sink *sink;
	cg_err_t sink_rc;
	size_t bad;
};

static void CG_PRINTF(2, 3) warnf(const struct report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_pkg_vwarn(r->sink, r->path, 320, fmt, ap);
	va_end(ap);
}

/* Printable ASCII without space: module paths and versions. */
static bool token_ok(struct cg_view v, size_t max)
{
	return v.len == 0 || cg_pkg_ascii_token((const char *)v.p, v.len, max);
}

/* An excerpt of untrusted bytes for a message: printable ASCII, '?' else. */
static void excerpt(const unsigned char *p, size_t n, char *out, size_t cap)
{
	size_t k = n < cap - 1 ? n : cap - 1;
	for (size_t i = 0; i < k; i++)
		out[i] = (p[i] >= ' ' && p[i] < 0x7f) ? (char)p[i] : '?';
	out[k] = '\0';
}

/* cmd/go modfile.IsDirectoryPath */
static bool is_dir_path(struct cg_view v)
{
	const char *s = (const char *)v.p;
	size_t n = v.len;
	return (n >= 2 && memcmp(s, "./", 2) == 0) || (n >= 3 && memcmp(s, "../", 3) == 0) ||
	       (n >= 1 && s[0] == '/') || (n >= 2 && memcmp(s, ".\\", 2) == 0) ||
	       (n >= 3 && memcmp(s, "..\\", 3) == 0) || (n >= 1 && s[0] == '\\') ||
	       (n >= 2 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
		s[1] == ':');
}

static cg_err_t add_pkg(struct report *r, const char *ns, const char *name, const char *ver)
{
	struct cg_pkg pkg;
	cg_err_t rc;
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "golang";
	pkg.namespace_ = ns;
	pkg.name = name;
	pkg.version = ver;
	pkg.path = r->path;
	pkg.layer = r->layer;
	rc = r->sink->add(r->sink->ud, &pkg, NULL, 0);
	if (rc != CG_OK)
		r->sink_rc = rc;
	return rc;
}

static cg_err_t emit_module(struct report *r, const struct gomod *m)
{
	struct cg_view path = m->path, ver = m->ver;
	char ns[GOBIN_MAX_PATH + 1], name[GOBIN_MAX_PATH + 1], v[CG_VERSION_MAX_LEN + 1];
	const unsigned char *slash;

	if (m->rep) {
		if (is_dir_path(m->rpath) || m->rver.len == 0 || cg_view_eq(m->rver, "(devel)")) {
			ver.len = 0;
		} else {
			path = m->rpath;
			ver = m->rver;
		}
	}
	if (cg_view_eq(ver, "(devel)"))
		ver.len = 0;
	if (!path.len || !token_ok(path, GOBIN_MAX_PATH) || !token_ok(ver, CG_VERSION_MAX_LEN) ||
	    path.p[path.len - 1] == '/' || path.p[0] == '/') {
		r->bad++;
		return CG_OK;
	}
	slash = memrchr(path.p, '/', path.len);
	if (slash) {
		size_t nl = (size_t)(slash - path.p);
		memcpy(ns, path.p, nl);
		ns[nl] = '\0';
		memcpy(name, slash + 1, path.len - nl - 1);
		name[path.len - nl - 1] = '\0';
	} else {
		memcpy(name, path.p, path.len);
		name[path.len] = '\0';
	}
	memcpy(v, ver.p, ver.len);
	v[ver.len] = '\0';
	return add_pkg(r, slash ? ns : NULL, name, v);
}

/* strings.Split(s, "\t") into at most 3 columns; the count (4 = more). */
static int split_tabs(struct cg_view s, struct cg_view col[3])
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= s.len; i++) {
		if (i < s.len && s.p[i] != '\t')
			continue;
		if (n == 3)
			return 4;
		col[n].p = s.p + start;
		col[n].len = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

static bool has_prefix(struct cg_view v, const char *pre, struct cg_view *rest)
{
	size_t n = strlen(pre);
	if (v.len < n || memcmp(v.p, pre, n) != 0)
		return false;
	rest->p = v.p + n;
	rest->len = v.len - n;
	return true;
}

/* runtime/debug.ParseBuildInfo over the stripped module information; the
 * main module and the dependencies in their order. */
static cg_err_t report_modules(struct report *r, const unsigned char *mod, size_t len)
{
	struct gomod main_mod, *deps = NULL, *last = NULL;
	size_t ndeps = 0, capdeps = 0;
	bool have_main = false, capped = false;
	const unsigned char *p = mod, *end = mod + len;
	cg_err_t rc = CG_OK;

	memset(&main_mod, 0, sizeof(main_mod));
	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cg_view line, rest, col[3];
		int n;
		if (!nl)
			break;
		line.p = p;
		line.len = (size_t)(nl - p);
		p = nl + 1;
		if (has_prefix(line, "mod\t", &rest) || has_prefix(line, "dep\t", &rest)) {
			struct gomod *m;
			bool is_main = line.p[0] == 'm';
			n = split_tabs(rest, col);
			if (n != 2 && n != 3) {
				r->bad++;
				last = NULL;
				continue;
			}
			if (is_main) {
				m = &main_mod;
				have_main = true;
			} else {
				if (ndeps >= GOBIN_MAX_MODULES) {
					capped = true;
					last = NULL;
					continue;
				}
				if (ndeps == capdeps) {
					size_t nc = capdeps ? capdeps * 2 : 64;
					struct gomod *nd = realloc(deps, nc * sizeof(*deps));
					if (!nd)
						CG_FAIL(rc, CG_ERR_NOMEM);
					deps = nd;
					capdeps = nc;
				}
				m = &deps[ndeps++];
			}
			memset(m, 0, sizeof(*m));
			m->path = col[0];
			m->ver = col[1];
			last = m;
		} else if (has_prefix(line, "=>\t", &rest)) {
			n = split_tabs(rest, col);
			if (n != 3 || !last) {
				r->bad++;
				last = NULL;
				continue;
			}
			last->rep = true;
			last->rpath = col[0];
			last->rver = col[1];
			last = NULL;
		}
	}
	if (have_main && (rc = emit_module(r, &main_mod)) != CG_OK)
		goto done;
	for (size_t i = 0; i < ndeps; i++)
		if ((rc = emit_module(r, &deps[i])) != CG_OK)
			goto done;
	if (capped)
		warnf(r, "more than %d Go modules: the rest is skipped", GOBIN_MAX_MODULES);
done:
	free(deps);
	return rc;
}

static cg_err_t report(struct cg_gobin_work *w, struct report *r)
{
	char ver[64], ex[80];
	const unsigned char *mod = w->mod;
	size_t mlen = w->mod_len;
	cg_err_t rc;

	if (w->problem)
		warnf(r, "%s", w->problem);
	if (!w->vers || !w->vers_len)
		return CG_OK;
	if (cg_gobin_stdlib_version((const char *)w->vers, w->vers_len, ver, sizeof(ver))) {
		if ((rc = add_pkg(r, NULL, "stdlib", ver)) != CG_OK)
			return rc;
	} else {
		excerpt(w->vers, w->vers_len, ex, sizeof(ex));
		warnf(r, "Go version \"%s\" is no release: the standard library is not reported", ex);
	}
	if (w->mod_too_big)
		warnf(r, "Go module information larger than %zu bytes: modules not reported",
		      CG_GOBIN_MAX_MODINFO);
	/* Go: strip the sentinels, or there is no module information */
	if (!mod || mlen < 33 || mod[mlen - 17] != '\n')
		return CG_OK;
	if ((rc = report_modules(r, mod + 16, mlen - 32)) != CG_OK)
		return rc;
	if (r->bad)
		warnf(r, "%zu malformed Go module lines skipped", r->bad);
	return CG_OK;
}

cg_err_t cg_gobin_finish(struct cg_gobin *st, const char *path, int layer,
			 const struct cg_pkg_sink *sink)
{
	struct report r = { path ? path : "", layer, sink, CG_OK, 0 };
	struct cg_gobin_work *w;
	cg_err_t rc = CG_OK;

	if (!st)
		return CG_ERR_ARG;
	if (!sink || !sink->add)
		CG_FAIL(rc, CG_ERR_ARG);
	w = st->w;
	if (st->nomem)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (!w || st->state == GS_NONE || st->state == GS_IDENT)
		goto done;
	if (st->state == GS_SEARCH)
		scan(st, w->win_len);
	if (st->nomem)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (st->state == GS_INLINE || st->state == GS_PTR) {
		/* the file ended first */
		w->vers = NULL;
		w->mod = NULL;
		w->problem = "truncated Go build information";
		st->state = GS_DONE;
	}
	if (st->state == GS_DONE)
		rc = report(w, &r);
done:
	cg_gobin_release(st);
	return rc;
}

cg_err_t cg_gobin_parse(const void *data, size_t len, const char *path, int layer,
			const struct cg_pkg_sink *sink)
{
	struct cg_gobin st;
	cg_gobin_init(&st);
	cg_gobin_feed(&st, data, len);
	return cg_gobin_finish(&st, path, layer, sink);
}
