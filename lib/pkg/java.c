/* Java archives, purl type "maven": *.jar, *.war, *.ear, *.par, *.sar,
 * *.jpi, *.hpi (any case), read with libarchive's zip reader from memory
 * (the central directory, as java.util.zip reads them), nothing extracted.
 *
 * What an archive is, in order:
 *  1. every META-INF/maven/.../pom.properties it holds (Maven writes one per
 *     module it packages; shaded and fat jars carry those of what they
 *     bundle): groupId -> namespace, artifactId -> name, version. A missing
 *     groupId or artifactId is taken from the path
 *     META-INF/maven/GROUP/ARTIFACT/pom.properties. The file is read as
 *     java.util.Properties.load reads it (comments, ':' '=' or blank
 *     separators, continuation lines, \uXXXX and the other escapes).
 *     When none of them is the archive's own (guice's jar carries only the
 *     pom.properties of the cglib it shades), the manifest's own name and
 *     version (2, without the file name) are reported too, if it has them
 *     and no pom.properties has that artifactId.
 *  2. else the main section of META-INF/MANIFEST.MF (continuation lines,
 *     names compared without case) and the file name:
 *       version  Implementation-Version, else Bundle-Version, else the file
 *                name's;
 *       name     Implementation-Title, else Bundle-Name (unless it repeats
 *                Bundle-SymbolicName), when it is a Maven id
 *                ([A-Za-z0-9_.-]+; "Apache Commons IO" is not), else the
 *                file name's, else Bundle-SymbolicName (directives cut);
 *       group    Implementation-Vendor-Id when it looks like a group (Maven
 *                ids joined by dots) and Bundle-SymbolicName starts with it
 *                and a dot, else none;
 *     the file name: NAME-VERSION.jar, split before the last "-" a digit
 *     follows (log4j-1.2-api-2.17.1.jar: log4j-1.2-api, 2.17.1).
 *     Measured on the jars with one pom.properties of the machine this was
 *     written on (273): Implementation-Version gives the version 231 of 232
 *     times, Bundle-Version 225 of 231, the file name 205 of 212; the name
 *     comes right from Implementation-Title 9 of 9, Bundle-Name 10 of 11,
 *     the file name 192 of 212, Bundle-SymbolicName 21 of 230;
 *     Implementation-Vendor-Id is the groupId 1 of 16 times.
 * An archive without a name and a version is not reported.
 *
 * Nested archives (any entry with one of the suffixes: WEB-INF/lib/,
 * BOOT-INF/lib/, lib/ of wars, ears and fat jars, and anywhere else) are read
 * from memory the same way, reported with the path "OUTER!/ENTRY" (so
 * "/app/x.war!/WEB-INF/lib/y.jar!/lib/z.jar"), down to 3 levels below the
 * file. Limits, each reported by a warning naming it: an entry read is at
 * most 64 MiB (nested archives; metadata files 1 MiB), all entries read
 * from one file together at most 256 MiB uncompressed, at most 100000
 * entries in one file (nested ones included), 10000 packages per file.
 * A zip bomb hits one of them and what is past it is refused; the sizes the
 * zip declares are not trusted, the bytes read are counted. */
#include "util/internal.h"

#include <archive.h>
#include <archive_entry.h>

#include "pkg/pkgutil.h"

#define JAVA_MAX_SIZE ((size_t)64 << 20)      /* an archive, or a nested one */
#define JAVA_MAX_META ((size_t)1 << 20)       /* pom.properties, MANIFEST.MF */
#define JAVA_MAX_TOTAL ((uint64_t)256 << 20)  /* bytes read from one file */
#define JAVA_MAX_ENTRIES 100000
#define JAVA_MAX_PACKAGES 10000
#define JAVA_MAX_DEPTH 3
#define JAVA_MAX_POMS 1000
#define JAVA_MAX_ID 256                        /* groupId, artifactId */
#define JAVA_MAX_PATH 4096
#define JAVA_MAX_VALUE 1024                    /* one property or attribute */

struct jctx {
	const struct cg_pkg_sink *sink;
	int layer;
	uint64_t budget;   /* bytes left to read from this file */
	size_t entries;    /* entries seen in this file */
	size_t packages;
	cg_err_t rc;       /* a sink error or CG_ERR_NOMEM: stop */
	bool warned_budget, warned_entries, warned_depth, warned_packages;
};

struct jpom {
	char *g, *a, *v;
};

enum mf_attr {
	MF_IMPL_TITLE,
	MF_IMPL_VERSION,
	MF_IMPL_VENDOR_ID,
	MF_BUNDLE_NAME,
	MF_BUNDLE_SYMBOLIC,
	MF_BUNDLE_VERSION,
	MF__COUNT
};

static const char *const mf_names[MF__COUNT] = {
	"Implementation-Title", "Implementation-Version", "Implementation-Vendor-Id",
	"Bundle-Name",          "Bundle-SymbolicName",    "Bundle-Version",
};

/* What one archive says about itself. */
struct jinfo {
	struct jpom *poms;
	size_t npoms, cappoms;
	bool poms_capped;
	char *mf[MF__COUNT];
};

static void CG_PRINTF(3, 4) warnf(struct jctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cg_pkg_vwarn(c->sink, path, 512, fmt, ap);
	va_end(ap);
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool ieq(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static bool has_isuffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && ieq(s + n - k, k, suf);
}

static bool is_archive_name(const char *s, size_t n)
{
	static const char *const sufs[] = { ".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi" };
	const char *base = cg_path_base(s, n);
	if ((size_t)(s + n - base) <= 4) /* ".jar" alone is no archive name */
		return false;
	for (size_t i = 0; i < CG_ARRAY_LEN(sufs); i++)
		if (has_isuffix(s, n, sufs[i]))
			return true;
	return false;
}

/* Maven's id pattern [A-Za-z0-9_\-.]+ */
static bool maven_id(const char *s, size_t n)
{
	if (n == 0 || n > JAVA_MAX_ID)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

/* A group: at least two ids joined by dots, no empty part. */
static bool plausible_group(const char *s)
{
	size_t n = strlen(s);
	return maven_id(s, n) && strchr(s, '.') && s[0] != '.' && s[n - 1] != '.' &&
	       !strstr(s, "..");
}

/* A version: printable ASCII without spaces. */
static bool version_ok(const char *s, size_t n)
{
	if (n == 0 || n > CG_VERSION_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static cg_err_t report(struct jctx *c, const char *path, const char *g, const char *a,
		       const char *v)
{
	struct cg_pkg pkg;
	cg_err_t rc;
	if (c->packages >= JAVA_MAX_PACKAGES) {
		if (!c->warned_packages)
			warnf(c, path, "more than %d Java packages in one file: the rest is skipped",
			      JAVA_MAX_PACKAGES);
		c->warned_packages = true;
		return CG_OK;
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "maven";
	pkg.namespace_ = g;
	pkg.name = a;
	pkg.version = v;
	pkg.path = path;
	pkg.layer = c->layer;
	rc = c->sink->add(c->sink->ud, &pkg, NULL, 0);
	if (rc != CG_OK)
		c->rc = rc;
	c->packages++;
	return rc;
}

/* ---- java.util.Properties ---- */

struct prop_out {
	const char *key;
	char *val; /* malloc'd, the last value of key */
};

static bool is_pws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\f';
}

/* Append a code point as UTF-8 (surrogates written as they come, as
 * 3-byte sequences: they only fail the id and version checks later). */
static bool put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
	unsigned char b[3];
	size_t k;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	}
	if (cap - *n < k)
		return false;
	memcpy(out + *n, b, k);
	*n += k;
	return true;
}

/* One logical line's key or value (raw bytes src[0..n), the line
 * continuations already removed) unescaped into out (NUL-terminated).
 * False on a bad \u escape or when it does not fit. */
static bool unescape(const char *src, size_t n, char *out, size_t cap, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = src[i];
		if (ch == '\\' && i + 1 < n) {
			ch = src[++i];
			if (ch == 'u') {
				uint32_t cp = 0;
				if (n - i - 1 < 4)
					return false;
				for (int k = 0; k < 4; k++) {
					int h = cg_pkg_hexval(src[i + 1 + k]);
					if (h < 0)
						return false;
					cp = cp << 4 | (uint32_t)h;
				}
				i += 4;
				if (!put_utf8(out, cap - 1, &o, cp))
					return false;
				continue;
			}
			ch = ch == 't' ? '\t' : ch == 'n' ? '\n' : ch == 'r' ? '\r' : ch == 'f' ? '\f' : ch;
		} else if (ch == '\\') {
			continue; /* a lone backslash at the end is dropped */
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = ch;
	}
	out[o] = '\0';
	*outlen = o;
	return true;
}

/* java.util.Properties.LineReader.readLine: the next logical line (natural
 * lines joined where one ends with an odd number of backslashes, the
 * backslash dropped and the next line's leading blanks skipped; blank and
 * comment lines skipped) into line; its length, or -1 at the end. */
static long props_line(const char *d, size_t len, size_t *pos, char *line)
{
	size_t i = *pos, n = 0;
	bool skip_ws = true, comment = false, newline = true, appended = false, bs = false;
	bool skip_lf = false;

	for (;;) {
		char ch;
		if (i >= len) {
			*pos = i;
			if (n == 0 || comment)
				return -1;
			return (long)(n - (bs ? 1 : 0));
		}
		ch = d[i++];
		if (skip_lf) {
			skip_lf = false;
			if (ch == '\n')
				continue;
		}
		if (skip_ws) {
			if (is_pws(ch))
				continue;
			if (!appended && (ch == '\r' || ch == '\n'))
				continue;
			skip_ws = false;
			appended = false;
		}
		if (newline) {
			newline = false;
			if (ch == '#' || ch == '!') {
				comment = true;
				continue;
			}
		}
		if (ch != '\n' && ch != '\r') {
			line[n++] = ch;
			bs = ch == '\\' ? !bs : false;
			continue;
		}
		if (comment || n == 0) {
			comment = false;
			newline = true;
			skip_ws = true;
			n = 0;
			continue;
		}
		if (i >= len) {
			*pos = i;
			return (long)(n - (bs ? 1 : 0));
		}
		if (!bs) {
			if (ch == '\r' && d[i] == '\n')
				i++;
			*pos = i;
			return (long)n;
		}
		n--;
		skip_ws = true;
		appended = true;
		bs = false;
		if (ch == '\r')
			skip_lf = true;
	}
}

/* Properties.load over data; for each wanted key keep its last value.
 * False when the file is malformed (a bad \u escape, as Java refuses it)
 * or a wanted value is longer than JAVA_MAX_VALUE. */
static bool props_parse(const char *d, size_t len, struct prop_out *want, size_t nwant,
			bool *nomem)
{
	size_t pos = 0;
	char *line = malloc(len + 1), *key = malloc(len + 1);
	bool ok = true;
	long ll;

	if (!line || !key) {
		*nomem = true;
		ok = false;
		goto done;
	}
	while (ok && (ll = props_line(d, len, &pos, line)) >= 0) {
		size_t n = (size_t)ll, klen = 0, vstart = n, kl;
		bool sep = false, bs = false;
		while (klen < n) {
			char ch = line[klen];
			if ((ch == '=' || ch == ':') && !bs) {
				vstart = klen + 1;
				sep = true;
				break;
			} else if (is_pws(ch) && !bs) {
				vstart = klen + 1;
				break;
			}
			bs = ch == '\\' ? !bs : false;
			klen++;
		}
		while (vstart < n) {
			char ch = line[vstart];
			if (!is_pws(ch)) {
				if (!sep && (ch == '=' || ch == ':'))
					sep = true;
				else
					break;
			}
			vstart++;
		}
		if (!unescape(line, klen, key, len + 1, &kl)) {
			ok = false;
			break;
		}
		for (size_t w = 0; w < nwant; w++) {
			char *val;
			size_t vl;
			if (strlen(want[w].key) != kl || memcmp(want[w].key, key, kl) != 0)
				continue;
			val = malloc(JAVA_MAX_VALUE + 1);
			if (!val) {
				*nomem = true;
				ok = false;
				break;
			}
			if (!unescape(line + vstart, n - vstart, val, JAVA_MAX_VALUE + 1, &vl)) {
				free(val);
				ok = false;
				break;
			}
			free(want[w].val);
			want[w].val = val;
		}
		/* the values of other keys must still be well-formed */
		if (ok) {
			for (size_t k = vstart; k + 1 < n; k++) {
				if (line[k] != '\\')
					continue;
				if (line[k + 1] == 'u') {
					for (int h = 0; h < 4; h++)
						if (k + 2 + (size_t)h >= n ||
						    cg_pkg_hexval(line[k + 2 + h]) < 0)
							ok = false;
				}
				k++;
			}
		}
	}
done:
	free(line);
	free(key);
	return ok;
}

/* ---- MANIFEST.MF ---- */

/* The main section's attributes of interest, values trimmed. An attribute
 * longer than JAVA_MAX_VALUE is dropped and makes the result false. */
static bool manifest_parse(const char *d, size_t len, char *out[MF__COUNT], bool *nomem)
{
	size_t i = 0, curlen = 0;
	int cur = -1; /* the attribute being continued */
	bool cut[MF__COUNT] = { false }, ok = true;

	while (i < len) {
		size_t start = i, end, n, nl, vs;
		const char *colon;
		while (i < len && d[i] != '\n' && d[i] != '\r')
			i++;
		end = i;
		if (i < len && d[i] == '\r')
			i++;
		if (i < len && d[i] == '\n' && (end == i || d[i - 1] == '\r'))
			i++;
		n = end - start;
		if (n == 0)
			break; /* the end of the main section */
		if (d[start] == ' ') { /* continues the attribute before */
			size_t k = n - 1;
			if (cur < 0)
				continue;
			if (curlen + k > JAVA_MAX_VALUE) {
				cut[cur] = true;
				k = JAVA_MAX_VALUE - curlen;
			}
			memcpy(out[cur] + curlen, d + start + 1, k);
			curlen += k;
			out[cur][curlen] = '\0';
			continue;
		}
		cur = -1;
		colon = memchr(d + start, ':', n);
		if (!colon)
			continue;
		nl = (size_t)(colon - (d + start));
		vs = nl + 1;
		if (vs < n && d[start + vs] == ' ')
			vs++;
		for (int a = 0; a < MF__COUNT; a++) {
			size_t k = n - vs;
			if (!ieq(d + start, nl, mf_names[a]))
				continue;
			if (!out[a] && !(out[a] = malloc(JAVA_MAX_VALUE + 1))) {
				*nomem = true;
				return false;
			}
			cut[a] = false;
			if (k > JAVA_MAX_VALUE) {
				cut[a] = true;
				k = JAVA_MAX_VALUE;
			}
			memcpy(out[a], d + start + vs, k);
			out[a][k] = '\0';
			cur = a;
			curlen = k;
		}
	}
	for (int a = 0; a < MF__COUNT; a++) {
		char *s = out[a];
		size_t n, b = 0;
		if (!s)
			continue;
		if (cut[a]) {
			free(s);
			out[a] = NULL;
			ok = false;
			continue;
		}
		n = strlen(s);
		while (n && (unsigned char)s[n - 1] <= ' ')
			n--;
		while (b < n && (unsigned char)s[b] <= ' ')
			b++;
		memmove(s, s + b, n - b);
		s[n - b] = '\0';
	}
	return ok;
}

/* ---- one archive ---- */

static void jinfo_free(struct jinfo *ji)
{
	for (size_t i = 0; i < ji->npoms; i++) {
		free(ji->poms[i].g);
		free(ji->poms[i].a);
		free(ji->poms[i].v);
	}
	free(ji->poms);
	for (int a = 0; a < MF__COUNT; a++)
		free(ji->mf[a]);
	memset(ji, 0, sizeof(*ji));
}

enum read_res { READ_OK, READ_TOO_BIG, READ_BUDGET, READ_ERROR, READ_NOMEM };

/* The current entry's bytes, at most `max` and within the budget. */
static enum read_res read_entry(struct jctx *c, struct archive *a, struct archive_entry *e,
				size_t max, unsigned char **out, size_t *outlen)
{
	size_t cap, n = 0, bufcap;
	unsigned char *buf = NULL;
	bool budget_bound = false;
	la_ssize_t r;
	int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;

	cap = max;
	if (c->budget < cap) {
		cap = (size_t)c->budget;
		budget_bound = true;
	}
	if (declared > (int64_t)cap)
		return budget_bound && (uint64_t)declared <= max ? READ_BUDGET : READ_TOO_BIG;
	/* the declared size is a hint for the first allocation, no more */
	bufcap = declared >= 0 && declared < (1 << 20) ? (size_t)declared + 1 : (size_t)1 << 20;
	if (bufcap > cap + 1)
		bufcap = cap + 1;
	buf = malloc(bufcap ? bufcap : 1);
	if (!buf)
		return READ_NOMEM;
	for (;;) {
		if (n == bufcap) {
			size_t nc = bufcap * 2 > cap + 1 ? cap + 1 : bufcap * 2;
			unsigned char *nb;
			if (nc <= bufcap)
				break; /* cap + 1 bytes read: over the limit */
			nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				return READ_NOMEM;
			}
			buf = nb;
			bufcap = nc;
		}
		r = archive_read_data(a, buf + n, bufcap - n);
		if (r < 0) {
			free(buf);
			return READ_ERROR;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	c->budget -= n > c->budget ? c->budget : n;
	if (n > cap) {
		free(buf);
		return budget_bound ? READ_BUDGET : READ_TOO_BIG;
	}
	*out = buf;
	*outlen = n;
	return READ_OK;
}

/* Warn for a read that failed; false when the archive must be left. */
static bool read_failed(struct jctx *c, const char *path, const char *name, enum read_res rr,
			size_t max, struct archive *a)
{
	switch (rr) {
	case READ_OK:
		return true;
	case READ_NOMEM:
		c->rc = CG_ERR_NOMEM;
		return false;
	case READ_TOO_BIG:
		warnf(c, path, "%s: larger than %zu bytes (entry size limit): skipped", name, max);
		return true;
	case READ_BUDGET:
		if (!c->warned_budget)
			warnf(c, path, "%s: more than %llu uncompressed bytes read from one archive "
				       "(total size limit): the rest is skipped",
			      name, (unsigned long long)JAVA_MAX_TOTAL);
		c->warned_budget = true;
		return false;
	case READ_ERROR:
		warnf(c, path, "%s: unreadable entry: %s", name,
		      archive_error_string(a) ? archive_error_string(a) : "error");
		return true;
	}
	return true;
}

/* An entry name for a path or a message: printable ASCII kept, '?' else. */
static void clean_name(const char *s, char *out, size_t cap)
{
	size_t i;
	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = ((unsigned char)s[i] < ' ' || (unsigned char)s[i] == 0x7f) ? '?' : s[i];
	out[i] = '\0';
}

static cg_err_t scan_archive(struct jctx *c, const unsigned char *data, size_t len,
			     const char *path, int depth);

/* META-INF/maven/G/A/pom.properties (at least two parts between). */
static bool is_pom_props(const char *name, size_t n, const char **g, size_t *gl, const char **a,
			 size_t *al)
{
	static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
	const char *mid, *slash, *end;
	if (n < sizeof(pre) - 1 + sizeof(suf) - 1 + 3 || memcmp(name, pre, sizeof(pre) - 1) != 0 ||
	    memcmp(name + n - (sizeof(suf) - 1), suf, sizeof(suf) - 1) != 0)
		return false;
	mid = name + sizeof(pre) - 1;
	end = name + n - (sizeof(suf) - 1);
	slash = memchr(mid, '/', (size_t)(end - mid));
	if (!slash || slash == mid || slash + 1 >= end)
		return false;
	*g = mid;
	*gl = (size_t)(slash - mid);
	*a = slash + 1;
	*al = (size_t)(end - slash - 1);
	return true;
}

static void take_pom(struct jctx *c, struct jinfo *ji, const char *path, const char *name,
		     const unsigned char *d, size_t n, const char *pg, size_t pgl, const char *pa,
		     size_t pal)
{
	struct prop_out want[3] = { { "groupId", NULL }, { "artifactId", NULL },
				    { "version", NULL } };
	bool nomem = false, ok;
	char *g = NULL, *a = NULL, *v = NULL;

	ok = props_parse((const char *)d, n, want, 3, &nomem);
	if (nomem) {
		c->rc = CG_ERR_NOMEM;
		goto done;
	}
	if (!ok) {
		warnf(c, path, "%s: malformed properties file: skipped", name);
		goto done;
	}
	g = want[0].val ? want[0].val : strndup(pg, pgl);
	a = want[1].val ? want[1].val : strndup(pa, pal);
	v = want[2].val;
	want[0].val = want[1].val = want[2].val = NULL;
	if (!g || !a) {
		c->rc = CG_ERR_NOMEM;
		goto done;
	}
	if (!v || !maven_id(g, strlen(g)) || !maven_id(a, strlen(a)) || !version_ok(v, strlen(v))) {
		warnf(c, path, "%s: no valid groupId, artifactId and version: skipped", name);
		goto done;
	}
	if (ji->npoms >= JAVA_MAX_POMS) {
		if (!ji->poms_capped)
			warnf(c, path, "more than %d pom.properties: the rest is skipped",
			      JAVA_MAX_POMS);
		ji->poms_capped = true;
		goto done;
	}
	if (ji->npoms == ji->cappoms) {
		size_t nc = ji->cappoms ? ji->cappoms * 2 : 4;
		struct jpom *np = realloc(ji->poms, nc * sizeof(*np));
		if (!np) {
			c->rc = CG_ERR_NOMEM;
			goto done;
		}
		ji->poms = np;
		ji->cappoms = nc;
	}
	ji->poms[ji->npoms].g = g;
	ji->poms[ji->npoms].a = a;
	ji->poms[ji->npoms].v = v;
	ji->npoms++;
	g = a = v = NULL;
done:
	for (int i = 0; i < 3; i++)
		free(want[i].val);
	free(g);
	free(a);
	free(v);
}

/* NAME-VERSION.ext split before the last "-<digit>". */
static bool name_from_file(const char *path, char *name, size_t ncap, char *ver, size_t vcap)
{
	const char *base = strrchr(path, '/'), *dot, *cut = NULL;
	size_t bl;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot)
		return false;
	bl = (size_t)(dot - base);
	for (size_t i = 1; i + 1 < bl; i++)
		if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9')
			cut = base + i;
	if (!cut || (size_t)(cut - base) >= ncap || (size_t)(dot - cut - 1) >= vcap)
		return false;
	memcpy(name, base, (size_t)(cut - base));
	name[cut - base] = '\0';
	memcpy(ver, cut + 1, (size_t)(dot - cut - 1));
	ver[dot - cut - 1] = '\0';
	return maven_id(name, strlen(name)) && version_ok(ver, strlen(ver));
}

static const char *token_attr(const struct jinfo *ji, enum mf_attr a)
{
	const char *s = ji->mf[a];
	return s && maven_id(s, strlen(s)) ? s : NULL;
}

/* The manifest's own name: Implementation-Title, else Bundle-Name, when
 * it is a Maven id; a Bundle-Name that only repeats the symbolic name
 * ("org.objectweb.asm") is none. */
static const char *manifest_name(const struct jinfo *ji, const char *bsn)
{
	const char *n = token_attr(ji, MF_IMPL_TITLE);
	if (n)
		return n;
	n = token_attr(ji, MF_BUNDLE_NAME);
	return n && !(bsn && strcmp(n, bsn) == 0) ? n : NULL;
}

static const char *version_attr(const struct jinfo *ji)
{
	const char *v = ji->mf[MF_IMPL_VERSION];
	if (v && version_ok(v, strlen(v)))
		return v;
	v = ji->mf[MF_BUNDLE_VERSION];
	return v && version_ok(v, strlen(v)) ? v : NULL;
}

/* Bundle-SymbolicName without its directives, into out (cap bytes). */
static const char *symbolic_name(const struct jinfo *ji, char *out, size_t cap)
{
	const char *s = ji->mf[MF_BUNDLE_SYMBOLIC], *semi;
	size_t n;
	if (!s)
		return NULL;
	semi = strchr(s, ';');
	n = semi ? (size_t)(semi - s) : strlen(s);
	while (n && (unsigned char)s[n - 1] <= ' ')
		n--;
	if (n >= cap)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return maven_id(out, n) ? out : NULL;
}

/* Implementation-Vendor-Id names an organisation more often than the
 * groupId (1 of 16 jars on the machine this was written on): it is taken
 * only when it looks like a group and Bundle-SymbolicName starts with it. */
static const char *group_attr(const struct jinfo *ji, const char *bsn)
{
	const char *g = ji->mf[MF_IMPL_VENDOR_ID];
	size_t n;
	if (!g || !bsn || !plausible_group(g))
		return NULL;
	n = strlen(g);
	return strncmp(bsn, g, n) == 0 && bsn[n] == '.' ? g : NULL;
}

/* The identity of an archive without pom.properties. */
static cg_err_t report_fallback(struct jctx *c, const struct jinfo *ji, const char *path)
{
	char fname[JAVA_MAX_ID + 1], fver[CG_VERSION_MAX_LEN + 1], bsnbuf[JAVA_MAX_VALUE + 1];
	const char *name, *ver, *bsn = symbolic_name(ji, bsnbuf, sizeof(bsnbuf));
	bool have_file = name_from_file(path, fname, sizeof(fname), fver, sizeof(fver));

	ver = version_attr(ji);
	if (!ver && have_file)
		ver = fver;
	name = manifest_name(ji, bsn);
	if (!name && have_file)
		name = fname;
	if (!name)
		name = bsn;
	if (!name || !ver)
		return CG_OK;
	return report(c, path, group_attr(ji, bsn), name, ver);
}

/* An archive with pom.properties none of which is its own (guice's jar
 * carries only the pom.properties of the cglib it shades): the manifest's
 * own name and version, when it states both, are reported too. */
static cg_err_t report_own(struct jctx *c, const struct jinfo *ji, const char *path)
{
	char bsnbuf[JAVA_MAX_VALUE + 1];
	const char *bsn = symbolic_name(ji, bsnbuf, sizeof(bsnbuf));
	const char *name = manifest_name(ji, bsn), *ver = version_attr(ji);
	if (!name || !ver)
		return CG_OK;
	for (size_t i = 0; i < ji->npoms; i++)
		if (ieq(ji->poms[i].a, strlen(ji->poms[i].a), name))
			return CG_OK;
	return report(c, path, group_attr(ji, bsn), name, ver);
}

static cg_err_t scan_archive(struct jctx *c, const unsigned char *data, size_t len,
			     const char *path, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct jinfo ji;
	cg_err_t rc = CG_OK;
	char *sub = NULL;

	memset(&ji, 0, sizeof(ji));
	if (!a)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		warnf(c, path, "not a readable zip archive: %s",
		      archive_error_string(a) ? archive_error_string(a) : "unknown error");
		goto done;
	}
	for (;;) {
		const char *name, *pg, *pa;
		size_t nl, pgl, pal, dlen = 0;
		unsigned char *d = NULL;
		enum read_res rr;
		char cname[JAVA_MAX_PATH];
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_FATAL) {
			warnf(c, path, "unreadable zip archive: %s",
			      archive_error_string(a) ? archive_error_string(a) : "error");
			break;
		}
		if (++c->entries > JAVA_MAX_ENTRIES) {
			if (!c->warned_entries)
				warnf(c, path, "more than %d zip entries in one file (entry count "
					       "limit): the rest is skipped",
				      JAVA_MAX_ENTRIES);
			c->warned_entries = true;
			break;
		}
		if (r < ARCHIVE_WARN)
			continue;
		name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		nl = strlen(name);
		clean_name(name, cname, sizeof(cname));
		if (is_pom_props(name, nl, &pg, &pgl, &pa, &pal)) {
			rr = read_entry(c, a, e, JAVA_MAX_META, &d, &dlen);
			if (rr == READ_OK)
				take_pom(c, &ji, path, cname, d, dlen, pg, pgl, pa, pal);
		} else if (ieq(name, nl, "META-INF/MANIFEST.MF")) {
			bool nomem = false;
			rr = read_entry(c, a, e, JAVA_MAX_META, &d, &dlen);
			if (rr == READ_OK && !manifest_parse((const char *)d, dlen, ji.mf, &nomem)) {
				if (nomem)
					c->rc = CG_ERR_NOMEM;
				else
					warnf(c, path, "%s: attribute longer than %d bytes: ignored",
					      cname, JAVA_MAX_VALUE);
			}
		} else if (is_archive_name(name, nl)) {
			size_t pl = strlen(path);
			if (depth >= JAVA_MAX_DEPTH) {
				if (!c->warned_depth)
					warnf(c, path, "%s: archives nested deeper than %d levels "
						       "(depth limit): skipped",
					      cname, JAVA_MAX_DEPTH);
				c->warned_depth = true;
				continue;
			}
			if (pl + 2 + strlen(cname) + 1 > JAVA_MAX_PATH) {
				warnf(c, path, "%s: path longer than %d bytes: skipped", cname,
				      JAVA_MAX_PATH);
				continue;
			}
			rr = read_entry(c, a, e, JAVA_MAX_SIZE, &d, &dlen);
			if (rr == READ_OK) {
				sub = malloc(pl + 2 + strlen(cname) + 1);
				if (!sub) {
					free(d);
					CG_FAIL(rc, CG_ERR_NOMEM);
				}
				memcpy(sub, path, pl);
				memcpy(sub + pl, "!/", 2);
				memcpy(sub + pl + 2, cname, strlen(cname) + 1);
				rc = scan_archive(c, d, dlen, sub, depth + 1);
				free(sub);
				sub = NULL;
			}
		} else {
			continue;
		}
		free(d);
		if (!read_failed(c, path, cname, rr, is_archive_name(name, nl) ? JAVA_MAX_SIZE :
										  JAVA_MAX_META, a))
			break;
		if (rc != CG_OK || c->rc != CG_OK)
			break;
	}
	if (rc == CG_OK && c->rc == CG_OK) {
		if (ji.npoms) {
			for (size_t i = 0; i < ji.npoms && rc == CG_OK; i++)
				rc = report(c, path, ji.poms[i].g, ji.poms[i].a, ji.poms[i].v);
			if (rc == CG_OK)
				rc = report_own(c, &ji, path);
		} else {
			rc = report_fallback(c, &ji, path);
		}
	}
done:
	if (rc == CG_OK)
		rc = c->rc;
	jinfo_free(&ji);
	if (a)
		archive_read_free(a);
	return rc;
}

/* ---- the collector ---- */

static bool java_match(const char *path, size_t len)
{
	return is_archive_name(path, len);
}

static cg_err_t java_collect(const struct cg_pkg_file *files, size_t nfiles,
			     const struct cg_pkg_sink *sink, struct cg_error *err)
{
	if (!sink || !sink->add || (!files && nfiles))
		return cg_error_set(err, CG_ERR_ARG, "java: no sink or no files");
	for (size_t i = 0; i < nfiles; i++) {
		struct jctx c;
		cg_err_t rc;
		memset(&c, 0, sizeof(c));
		c.sink = sink;
		c.layer = files[i].layer;
		c.budget = JAVA_MAX_TOTAL;
		rc = scan_archive(&c, files[i].data, files[i].len, files[i].path, 0);
		if (rc != CG_OK)
			return cg_error_set(err, rc, "%s: %s", files[i].path,
					    rc == CG_ERR_NOMEM ? "out of memory"
							       : "the package sink failed");
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_java = {
	.name = "java",
	.match = java_match,
	.max_size = JAVA_MAX_SIZE,
	.collect = java_collect,
};
