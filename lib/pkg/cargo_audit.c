/* Rust crates compiled into an ELF executable, read from the dependency
 * list `cargo auditable` embeds, as a streaming collector.
 *
 * cargo auditable stores zlib-compressed JSON (auditable-serde's VersionInfo:
 * {"packages":[{"name","version","source","kind","dependencies","root"}]})
 * in a non-allocated ELF section named ".dep-v0" (sh_flags 0, so the linker
 * places it after the loaded segments, among .comment, .shstrtab and the
 * debug sections). The reader, in one pass:
 *  1. the ELF header (ELF32/ELF64, either byte order), then the program
 *     headers (at most CA_MAX_HEAD bytes from the start of the file): the end
 *     of the loaded part is the largest p_offset + p_filesz of a PT_LOAD;
 *  2. the region [min(that end, e_shoff), e_shoff + e_shnum * e_shentsize),
 *     the non-allocated sections and the section header table, is buffered
 *     when it is at most CA_MAX_REGION bytes (else one warning, no packages:
 *     unstripped binaries with large debug information);
 *  3. at the end, the section headers are read from the buffer, ".dep-v0"
 *     found by name through .shstrtab (both must lie in the buffer), its
 *     content inflated (at most CA_MAX_JSON bytes) and parsed as JSON.
 * A file that is no ELF costs 4 bytes; an ELF without ".dep-v0" costs the
 * buffered region and no warning.
 *
 * Packages: purl type "cargo", name and version, path = the binary. Every
 * package is reported, the root crate too (like gobin.c reports the main
 * module; its source is usually "local"), whatever its source ("crates.io",
 * "registry", "git", "local", "other": the version is what Cargo.lock had).
 * Flags: CG_PKG_DEV for kind "build" (build-time dependencies, proc macros
 * and build scripts, compiled into the build, not into the binary: they ran
 * on the build machine only); CG_PKG_INDIRECT for a package that is neither
 * a root nor a direct dependency of a root. */
#include "util/internal.h"

#include <limits.h>
#include <zlib.h>

#include <cguard/json.h>

#include "pkg/collector.h"
#include "pkg/pkgutil.h"

#define CA_MIN_SIZE 1024
#define CA_MAX_FILE ((uint64_t)4 << 30)
#define CA_MAX_HEAD ((size_t)64 << 10)   /* ELF header + program headers */
#define CA_MAX_REGION ((size_t)8 << 20)  /* non-allocated tail + section headers */
#define CA_MAX_JSON ((size_t)8 << 20)    /* inflated .dep-v0 */
#define CA_MAX_PACKAGES 20000
#define CA_MAX_TOKEN 256

#define PT_LOAD_ 1
#define SHT_NOBITS_ 8
#define SHN_XINDEX_ 0xffff

enum ca_phase {
	CA_IDENT,  /* reading the first 64 bytes */
	CA_PHDRS,  /* reading up to the end of the program headers */
	CA_REGION, /* buffering the region */
	CA_DONE,   /* nothing more wanted */
};

enum ca_result {
	CA_NONE,      /* no ELF, or nothing to report, no warning */
	CA_COMPLETE,  /* region buffered: parse it */
	CA_PROBLEM,   /* a warning, in msg */
	CA_NOMEM,
};

struct ca_state {
	uint64_t off;            /* bytes of the file seen so far */
	int phase;
	int result;
	bool is64, be;
	unsigned char *head;     /* the first hlen bytes of the file */
	size_t hlen, hwant;
	uint64_t phoff, shoff;
	uint32_t phnum, phentsize, shnum, shentsize, shstrndx;
	uint64_t rstart, rend;   /* the region */
	unsigned char *reg;      /* its bytes, rend - rstart of them when complete */
	size_t rlen;
	char msg[160];
};

/* ---- byte order ---- */

static uint64_t rd(const struct ca_state *s, const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[s->be ? n - 1 - i : i] << (8 * i);
	return v;
}

static void problem(struct ca_state *s, const char *fmt, ...) CG_PRINTF(2, 3);
static void problem(struct ca_state *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	s->result = CA_PROBLEM;
	s->phase = CA_DONE;
}

static void ca_free(struct ca_state *s)
{
	free(s->head);
	free(s->reg);
	s->head = s->reg = NULL;
}

/* ---- the header phases ---- */

/* The ELF header is in head[0..64): read it, set hwant to the end of the
 * program headers. False when the file is done with. */
static bool ca_ehdr(struct ca_state *s)
{
	const unsigned char *h = s->head;
	uint64_t phend;

	if (memcmp(h, "\177ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
		s->phase = CA_DONE;
		return false;
	}
	s->is64 = h[4] == 2;
	s->be = h[5] == 2;
	if (s->is64) {
		s->phoff = rd(s, h + 32, 8);
		s->shoff = rd(s, h + 40, 8);
		s->phentsize = (uint32_t)rd(s, h + 54, 2);
		s->phnum = (uint32_t)rd(s, h + 56, 2);
		s->shentsize = (uint32_t)rd(s, h + 58, 2);
		s->shnum = (uint32_t)rd(s, h + 60, 2);
		s->shstrndx = (uint32_t)rd(s, h + 62, 2);
	} else {
		s->phoff = rd(s, h + 28, 4);
		s->shoff = rd(s, h + 32, 4);
		s->phentsize = (uint32_t)rd(s, h + 42, 2);
		s->phnum = (uint32_t)rd(s, h + 44, 2);
		s->shentsize = (uint32_t)rd(s, h + 46, 2);
		s->shnum = (uint32_t)rd(s, h + 48, 2);
		s->shstrndx = (uint32_t)rd(s, h + 50, 2);
	}
	if (s->shoff == 0 || s->shnum == 0 || s->shstrndx == 0 || s->shstrndx == SHN_XINDEX_) {
		/* no section headers (or extended numbering, which only
		 * objects with 65280+ sections use): nothing to find */
		s->phase = CA_DONE;
		return false;
	}
	if (s->shentsize < (s->is64 ? 64u : 40u) || s->shstrndx >= s->shnum) {
		problem(s, "ELF section header table is malformed (entry size %u, %u entries, "
			"names in %u)", s->shentsize, s->shnum, s->shstrndx);
		return false;
	}
	if (s->phnum == 0) {
		s->hwant = 64;
		return true;
	}
	if (s->phentsize < (s->is64 ? 56u : 32u)) {
		problem(s, "ELF program header entry size %u is too small", s->phentsize);
		return false;
	}
	phend = s->phoff + (uint64_t)s->phnum * s->phentsize;
	if (phend < s->phoff || phend > CA_MAX_HEAD) {
		problem(s, "ELF program headers end past %zu bytes; not read", CA_MAX_HEAD);
		return false;
	}
	s->hwant = phend > 64 ? (size_t)phend : 64;
	return true;
}

/* All of head[0..hwant) is in: compute the region, copy what of it the head
 * already holds. False when the file is done with. */
static bool ca_region(struct ca_state *s)
{
	uint64_t load_end = 0, shend, size;

	for (uint32_t i = 0; i < s->phnum; i++) {
		const unsigned char *ph = s->head + s->phoff + (uint64_t)i * s->phentsize;
		uint64_t off, filesz, end;
		if (rd(s, ph, 4) != PT_LOAD_)
			continue;
		off = s->is64 ? rd(s, ph + 8, 8) : rd(s, ph + 4, 4);
		filesz = s->is64 ? rd(s, ph + 32, 8) : rd(s, ph + 16, 4);
		end = off + filesz;
		if (end < off) {
			problem(s, "ELF PT_LOAD segment %u overflows", i);
			return false;
		}
		if (end > load_end)
			load_end = end;
	}
	shend = s->shoff + (uint64_t)s->shnum * s->shentsize;
	if (shend < s->shoff) {
		problem(s, "ELF section header table overflows");
		return false;
	}
	s->rstart = load_end < s->shoff ? load_end : s->shoff;
	s->rend = shend;
	size = s->rend - s->rstart;
	if (size > CA_MAX_REGION) {
		problem(s, "%llu bytes of non-loaded sections and section headers, more than "
			"the %zu read for cargo-auditable data; not read",
			(unsigned long long)size, CA_MAX_REGION);
		return false;
	}
	s->reg = malloc(size ? (size_t)size : 1);
	if (!s->reg) {
		s->result = CA_NOMEM;
		s->phase = CA_DONE;
		return false;
	}
	if (s->rstart < s->hlen) {
		size_t k = s->hlen - (size_t)s->rstart;
		if (k > size)
			k = (size_t)size;
		memcpy(s->reg, s->head + s->rstart, k);
		s->rlen = k;
	}
	free(s->head);
	s->head = NULL;
	if (s->rlen == size) {
		s->result = CA_COMPLETE;
		s->phase = CA_DONE;
		return false;
	}
	s->phase = CA_REGION;
	return true;
}

static bool ca_feed(void *state, const void *data, size_t n)
{
	struct ca_state *s = state;
	const unsigned char *p = data;

	while (n > 0 && s->phase != CA_DONE) {
		if (s->phase == CA_IDENT || s->phase == CA_PHDRS) {
			size_t want = s->phase == CA_IDENT ? 64 : s->hwant, k;
			if (!s->head) {
				s->head = malloc(CA_MAX_HEAD);
				if (!s->head) {
					s->result = CA_NOMEM;
					s->phase = CA_DONE;
					break;
				}
			}
			k = want - s->hlen < n ? want - s->hlen : n;
			memcpy(s->head + s->hlen, p, k);
			s->hlen += k;
			s->off += k;
			p += k;
			n -= k;
			/* no ELF: stop after 4 bytes */
			if (s->hlen >= 4 && s->hlen < 64 && memcmp(s->head, "\177ELF", 4) != 0) {
				s->phase = CA_DONE;
				break;
			}
			if (s->hlen < want)
				continue;
			if (s->phase == CA_IDENT) {
				if (!ca_ehdr(s))
					break;
				s->phase = CA_PHDRS;
				if (s->hlen < s->hwant)
					continue;
			}
			if (!ca_region(s))
				break;
		} else {
			uint64_t end = s->off + n, skip, k;
			if (end <= s->rstart + s->rlen) {
				s->off = end;
				break;
			}
			skip = s->rstart + s->rlen - s->off; /* < n */
			k = n - skip;
			if (k > s->rend - s->rstart - s->rlen)
				k = s->rend - s->rstart - s->rlen;
			memcpy(s->reg + s->rlen, p + skip, (size_t)k);
			s->rlen += (size_t)k;
			s->off = end;
			if (s->rlen == s->rend - s->rstart) {
				s->result = CA_COMPLETE;
				s->phase = CA_DONE;
			}
			break;
		}
	}
	if (s->phase == CA_DONE && s->result != CA_COMPLETE)
		ca_free(s); /* keep nothing we will not use */
	return s->phase != CA_DONE;
}

/* ---- the region: section headers, .dep-v0, inflate ---- */

/* The section headers of the buffered region: *dep and *dlen the content of
 * ".dep-v0", NULL when there is none. False with s->msg on malformed input. */
static bool ca_find_dep(struct ca_state *s, const unsigned char **dep, size_t *dlen)
{
	const unsigned char *sh, *str;
	uint64_t stroff, strsize, base = s->shoff - s->rstart;
	size_t esz = s->shentsize;
	static const char want[] = ".dep-v0";

	*dep = NULL;
	*dlen = 0;
	sh = s->reg + base + (size_t)s->shstrndx * esz;
	stroff = s->is64 ? rd(s, sh + 24, 8) : rd(s, sh + 16, 4);
	strsize = s->is64 ? rd(s, sh + 32, 8) : rd(s, sh + 20, 4);
	if (stroff < s->rstart || stroff > s->rend || strsize > s->rend - stroff) {
		problem(s, "ELF section names (.shstrtab) lie outside the non-loaded part of the "
			"file; not read");
		return false;
	}
	str = s->reg + (stroff - s->rstart);
	for (uint32_t i = 1; i < s->shnum; i++) {
		uint64_t name, off, size;
		uint32_t type;
		sh = s->reg + base + (size_t)i * esz;
		name = rd(s, sh, 4);
		if (name >= strsize || strsize - name < sizeof(want) ||
		    memcmp(str + name, want, sizeof(want)) != 0)
			continue;
		type = (uint32_t)rd(s, sh + 4, 4);
		off = s->is64 ? rd(s, sh + 24, 8) : rd(s, sh + 16, 4);
		size = s->is64 ? rd(s, sh + 32, 8) : rd(s, sh + 20, 4);
		if (type == SHT_NOBITS_ || size == 0) {
			problem(s, "ELF section .dep-v0 is empty");
			return false;
		}
		if (off < s->rstart || off > s->rend || size > s->rend - off) {
			problem(s, "ELF section .dep-v0 lies outside the non-loaded part of the file; "
				"not read");
			return false;
		}
		*dep = s->reg + (off - s->rstart);
		*dlen = (size_t)size;
		return true;
	}
	return true;
}

/* Inflate zlib data into a new buffer (*out, *olen), at most CA_MAX_JSON bytes. */
static int ca_inflate(struct ca_state *s, const unsigned char *in, size_t n, unsigned char **out,
		      size_t *olen)
{
	z_stream z;
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0;
	int zr, rc = CA_PROBLEM;

	*out = NULL;
	*olen = 0;
	if (n > UINT_MAX) {
		problem(s, ".dep-v0 is too large");
		return CA_PROBLEM;
	}
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return CA_NOMEM;
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)n;
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 16384;
			unsigned char *nb;
			if (cap == CA_MAX_JSON) {
				problem(s, ".dep-v0 inflates to more than %zu bytes; not read",
					CA_MAX_JSON);
				goto done;
			}
			if (nc > CA_MAX_JSON)
				nc = CA_MAX_JSON;
			nb = realloc(buf, nc);
			if (!nb) {
				rc = CA_NOMEM;
				goto done;
			}
			buf = nb;
			cap = nc;
		}
		z.next_out = buf + len;
		z.avail_out = (unsigned)(cap - len);
		zr = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			rc = CA_NOMEM;
			goto done;
		}
		if (zr != Z_OK && !(zr == Z_BUF_ERROR && z.avail_out == 0)) {
			problem(s, ".dep-v0 is not valid zlib data (%s)",
				z.msg ? z.msg : "truncated");
			goto done;
		}
	}
	*out = buf;
	*olen = len;
	buf = NULL;
	rc = CA_COMPLETE;
done:
	inflateEnd(&z);
	free(buf);
	return rc;
}

/* ---- the JSON ---- */

static bool ca_index(const cg_json *v, size_t n, size_t *out)
{
	int64_t i;
	if (!cg_json_int(v, &i) || i < 0 || (uint64_t)i >= n)
		return false;
	*out = (size_t)i;
	return true;
}

static cg_err_t ca_report(const char *json, size_t n, const char *path,
			  int layer, const struct cg_pkg_sink *sink)
{
	struct cg_json_limits lim = { .max_bytes = CA_MAX_JSON, .max_depth = 16 };
	struct cg_error jerr = { 0 };
	cg_json *root = NULL, *pkgs;
	unsigned char *direct = NULL;
	size_t np, bad = 0;
	cg_err_t rc;

	rc = cg_json_parse(json, n, &lim, &root, &jerr);
	if (rc == CG_ERR_NOMEM)
		goto done;
	if (rc) {
		cg_pkg_warnf(sink, path, 256, ".dep-v0 is not valid JSON: %s", jerr.msg);
		rc = CG_OK;
		goto done;
	}
	pkgs = cg_json_get(root, "packages");
	if (!cg_json_is_array(pkgs)) {
		cg_pkg_warnf(sink, path, 256, ".dep-v0 has no \"packages\" array");
		goto done;
	}
	np = cg_json_array_len(pkgs);
	if (np > CA_MAX_PACKAGES) {
		cg_pkg_warnf(sink, path, 256, ".dep-v0 lists %zu packages, more than %d; not read",
			     np, CA_MAX_PACKAGES);
		goto done;
	}
	/* direct[i]: 1 a root, 2 a dependency of a root */
	direct = calloc(np ? np : 1, 1);
	if (!direct) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < np; i++) {
		cg_json *p = cg_json_array_at(pkgs, i), *deps = cg_json_get(p, "dependencies");
		bool isroot = false;
		size_t nd = cg_json_array_len(deps), k;
		if (!cg_json_get_bool(p, "root", &isroot) || !isroot)
			continue;
		direct[i] = 1;
		for (size_t d = 0; d < nd; d++)
			if (ca_index(cg_json_array_at(deps, d), np, &k) && !direct[k])
				direct[k] = 2;
	}
	for (size_t i = 0; i < np; i++) {
		cg_json *p = cg_json_array_at(pkgs, i);
		const char *name = cg_json_get_str(p, "name"), *ver = cg_json_get_str(p, "version");
		const char *kind = cg_json_get_str(p, "kind");
		struct cg_pkg pkg;
		if (!name || !ver || !cg_pkg_ascii_token(name, strlen(name), CA_MAX_TOKEN) ||
		    !cg_pkg_ascii_token(ver, strlen(ver), CA_MAX_TOKEN) ||
		    strlen(name) != cg_json_string_len(cg_json_get(p, "name")) ||
		    strlen(ver) != cg_json_string_len(cg_json_get(p, "version"))) {
			bad++;
			continue;
		}
		memset(&pkg, 0, sizeof(pkg));
		pkg.type = "cargo";
		pkg.name = name;
		pkg.version = ver;
		pkg.path = path;
		pkg.layer = layer;
		if (kind && strcmp(kind, "build") == 0)
			pkg.flags |= CG_PKG_DEV;
		if (!direct[i])
			pkg.flags |= CG_PKG_INDIRECT;
		rc = sink->add(sink->ud, &pkg, NULL, 0);
		if (rc)
			goto done;
	}
	if (bad)
		cg_pkg_warnf(sink, path, 256, ".dep-v0: %zu packages without a valid name and "
			     "version skipped", bad);
done:
	free(direct);
	cg_json_free(root);
	return rc;
}

/* ---- the collector ---- */

static bool ca_want(const char *path, size_t len, uint32_t mode, uint64_t size)
{
	(void)path;
	(void)len;
	return (mode & 0111) && size >= CA_MIN_SIZE && size <= CA_MAX_FILE;
}

static void ca_begin(void *state)
{
	memset(state, 0, sizeof(struct ca_state));
}

static void ca_release(void *state)
{
	ca_free(state);
}

static cg_err_t ca_finish(void *state, const char *path, int layer,
			  const struct cg_pkg_sink *sink, struct cg_error *err)
{
	struct ca_state *s = state;
	const unsigned char *dep;
	unsigned char *json = NULL;
	size_t dlen, jlen;
	cg_err_t rc = CG_OK;
	int r;

	if (s->phase == CA_REGION)
		problem(s, "the file ends at %llu bytes, before the end of its section headers (%llu)",
			(unsigned long long)s->off, (unsigned long long)s->rend);
	if (s->result == CA_NOMEM) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	if (s->result != CA_COMPLETE)
		goto done;
	if (!ca_find_dep(s, &dep, &dlen) || !dep)
		goto done;
	r = ca_inflate(s, dep, dlen, &json, &jlen);
	if (r == CA_NOMEM) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	if (r != CA_COMPLETE)
		goto done;
	rc = ca_report((const char *)json, jlen, path, layer, sink);
done:
	if (s->result == CA_PROBLEM)
		cg_pkg_warnf(sink, path, 256, "%s", s->msg);
	free(json);
	ca_free(s);
	return rc ? cg_error_set(err, rc, "%s: %s", path, cg_strerror(rc)) : CG_OK;
}

const struct cg_stream_collector cg_stream_cargo_audit = {
	.name = "cargo-audit",
	.want = ca_want,
	.state_size = sizeof(struct ca_state),
	.begin = ca_begin,
	.feed = ca_feed,
	.finish = ca_finish,
	.release = ca_release,
};
