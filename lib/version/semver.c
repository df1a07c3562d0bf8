/* SemVer 2.0.0 precedence, with two front ends:
 *
 *  npm   - what node's `semver` package accepts in its default (non-loose)
 *          parse: `new SemVer(v)` = `v.trim()` matched against
 *          ^v?MAJOR.MINOR.PATCH(-PRE)?(+BUILD)?$ (re.js FULL). So surrounding
 *          white space (JavaScript's trim() set) and one lower-case `v` are
 *          accepted; `=`, `V` and "v 1.2.3" are loose-only. MAJOR, MINOR and
 *          PATCH must not exceed Number.MAX_SAFE_INTEGER (2^53-1).
 *  cargo - the Rust `semver` crate's Version::parse: no prefix, no white
 *          space, MAJOR, MINOR and PATCH fit in a u64.
 *
 * Both: numbers without leading zeros; PRE and BUILD are non-empty
 * dot-separated identifiers of [0-9A-Za-z-]; numeric PRE identifiers have no
 * leading zeros; BUILD is ignored for precedence (1.0.0+a == 1.0.0+b).
 *
 * Comparison is in place on the digit strings (no leading zeros, so longer is
 * bigger), so numbers of any length compare exactly. Where node is not exact
 * we are: node compares numeric prerelease identifiers of 2^53 and above as
 * doubles (1.0.0-9007199254740993 == 1.0.0-9007199254740992 in node). The
 * cargo order is Version::cmp_precedence (Rust's derived Ord on Version also
 * orders by build metadata; Cargo's matching does not). */
#include "util/internal.h"
#include "version/scheme.h"

enum sv_dialect { SV_NPM, SV_CARGO };

/* A parsed version: views into the caller's bytes. */
struct sv {
	const char *num[3]; /* major, minor, patch digits */
	size_t numn[3];
	const char *pre; /* prerelease identifiers (after '-'), pren == 0 if none */
	size_t pren;
};

/* 1: digit, 2: letter or '-' (the SemVer identifier characters). */
static const unsigned char ident_class[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['-'] = 2,
	['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2,
	['H'] = 2, ['I'] = 2, ['J'] = 2, ['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2,
	['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2, ['U'] = 2,
	['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2, ['Z'] = 2,
	['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2, ['g'] = 2,
	['h'] = 2, ['i'] = 2, ['j'] = 2, ['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2,
	['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2, ['u'] = 2,
	['v'] = 2, ['w'] = 2, ['x'] = 2, ['y'] = 2, ['z'] = 2,
};

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* ---- JavaScript's String.prototype.trim() -------------------------------- */

/* The non-ASCII white space and line terminators trim() removes (the list in
 * semver's internal/constants.js), UTF-8 encoded. */
static const char *const js_space[] = {
	"\xc2\xa0",     /* U+00A0 */
	"\xe1\x9a\x80", /* U+1680 */
	"\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84",
	"\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
	"\xe2\x80\x8a", /* U+2000..U+200A */
	"\xe2\x80\xa8", /* U+2028 */
	"\xe2\x80\xa9", /* U+2029 */
	"\xe2\x80\xaf", /* U+202F */
	"\xe2\x81\x9f", /* U+205F */
	"\xe3\x80\x80", /* U+3000 */
	"\xef\xbb\xbf", /* U+FEFF */
};

static inline bool ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Length of the white space character that starts (at_end: ends) s[0..n). */
static size_t js_space_len(const char *s, size_t n, bool at_end)
{
	char c = at_end ? s[n - 1] : s[0];
	if (ascii_space(c))
		return 1;
	if ((unsigned char)c < 0x80)
		return 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(js_space); i++) {
		size_t k = strlen(js_space[i]);
		if (k <= n && memcmp(at_end ? s + n - k : s, js_space[i], k) == 0)
			return k;
	}
	return 0;
}

static void js_trim(const char **s, size_t *n)
{
	size_t k;
	while (*n && (k = js_space_len(*s, *n, false)) != 0) {
		*s += k;
		*n -= k;
	}
	while (*n && (k = js_space_len(*s, *n, true)) != 0)
		*n -= k;
}

/* ---- parsing ------------------------------------------------------------- */

/* Dot-separated identifiers from s[*i] up to the first byte that is neither an
 * identifier character nor '.'; *i is left there. */
static const char *scan_idents(const char *s, size_t n, size_t *i, bool pre)
{
	const char *why = NULL;
	size_t p = *i;
	for (;;) {
		size_t start = p;
		unsigned cls = 0, c;
		while (p < n && (c = ident_class[(unsigned char)s[p]]) != 0) {
			cls |= c;
			p++;
		}
		if (p == start && p < n && s[p] != '.' && !(pre && s[p] == '+'))
			CG_FAIL(why, pre ? "invalid character in the prerelease"
					 : "invalid character in the build metadata");
		if (p == start)
			CG_FAIL(why,
				pre ? "empty prerelease identifier" : "empty build identifier");
		if (pre && cls == 1 && s[start] == '0' && p - start > 1)
			CG_FAIL(why, "numeric prerelease identifier with a leading zero");
		if (p == n || s[p] != '.')
			break;
		p++;
	}
done:
	*i = p;
	return why;
}

/* Is the digit string s[0..len), without leading zeros, above max? */
static inline bool digits_above(const char *s, size_t len, const char *max)
{
	size_t ml = strlen(max);
	return len > ml || (len == ml && memcmp(s, max, ml) > 0);
}

/* Always inlined, so that each dialect gets its own copy (twice as fast). */
static inline __attribute__((always_inline)) const char *
sv_parse(const char *s, size_t n, enum sv_dialect d, struct sv *v)
{
	static const char *const bad_num[3] = {
		"major version is not a number",
		"minor version is not a number",
		"patch version is not a number",
	};
	static const char *const no_dot[2] = {
		"expected '.' after the major version",
		"expected '.' after the minor version",
	};
	const char *why = NULL;
	size_t i = 0;

	if (!s)
		n = 0;
	if (d == SV_NPM) {
		js_trim(&s, &n);
		if (n && s[0] == 'v') {
			s++;
			n--;
		}
	}
	if (n == 0)
		CG_FAIL(why, "empty");
	if (s[0] == '=' && d == SV_NPM)
		CG_FAIL(why, "a leading '=' is accepted only by node's loose parse");
	if ((s[0] == 'v' || s[0] == 'V') && d == SV_CARGO)
		CG_FAIL(why, "a leading 'v' is not allowed");
	for (int k = 0; k < 3; k++) {
		size_t start = i, len;
		while (i < n && is_digit(s[i]))
			i++;
		len = i - start;
		if (len == 0)
			CG_FAIL(why, bad_num[k]);
		if (len > 1 && s[start] == '0')
			CG_FAIL(why, "leading zero in a version number");
		if (d == SV_NPM && digits_above(s + start, len, "9007199254740991"))
			CG_FAIL(why, "number above 2^53-1 (node's Number.MAX_SAFE_INTEGER)");
		if (d == SV_CARGO && digits_above(s + start, len, "18446744073709551615"))
			CG_FAIL(why, "number does not fit in 64 bits");
		v->num[k] = s + start;
		v->numn[k] = len;
		if (k < 2) {
			if (i == n || s[i] != '.')
				CG_FAIL(why, no_dot[k]);
			i++;
		}
	}
	v->pre = NULL;
	v->pren = 0;
	if (i < n && s[i] == '-') {
		size_t start = ++i;
		why = scan_idents(s, n, &i, true);
		if (why)
			goto done;
		v->pre = s + start;
		v->pren = i - start;
	}
	if (i < n && s[i] == '+') {
		i++;
		why = scan_idents(s, n, &i, false);
		if (why)
			goto done;
	}
	if (i != n)
		why = s[i] == '.' || s[i] == '-' || s[i] == '+' || ident_class[(unsigned char)s[i]]
			      ? "extra characters after the version"
			      : "invalid character";
done:
	return why;
}

/* ---- precedence ---------------------------------------------------------- */

/* Digit strings without leading zeros: the longer is bigger. */
static inline int cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

/* Prerelease identifiers left to right: numeric < alphanumeric, numeric by
 * value, alphanumeric by ASCII; more identifiers win a tie. An empty
 * prerelease (a release) is above every prerelease. */
static int cmp_pre(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	if (an == 0 || bn == 0)
		return (an == 0) - (bn == 0);
	if (an == bn && memcmp(a, b, an) == 0)
		return 0;
	for (;;) {
		size_t ai = i, bj = j, al, bl;
		bool anum = true, bnum = true;
		int c;
		while (i < an && a[i] != '.')
			anum &= is_digit(a[i++]);
		while (j < bn && b[j] != '.')
			bnum &= is_digit(b[j++]);
		al = i - ai;
		bl = j - bj;
		if (anum != bnum)
			return anum ? -1 : 1;
		if (anum) {
			c = cmp_digits(a + ai, al, b + bj, bl);
		} else {
			c = memcmp(a + ai, b + bj, al < bl ? al : bl);
			if (c == 0 && al != bl)
				c = al < bl ? -1 : 1;
		}
		if (c)
			return c;
		if (i >= an || j >= bn)
			return (i < an) - (j < bn);
		i++;
		j++;
	}
}

static int sv_cmp(const struct sv *x, const struct sv *y)
{
	for (int k = 0; k < 3; k++) {
		int c = cmp_digits(x->num[k], x->numn[k], y->num[k], y->numn[k]);
		if (c)
			return c;
	}
	return cmp_pre(x->pre, x->pren, y->pre, y->pren);
}

static inline __attribute__((always_inline)) int
sv_cmp_dialect(enum sv_dialect d, const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct sv x, y;
	if (sv_parse(a, an, d, &x) || sv_parse(b, bn, d, &y))
		return -1;
	*res = sv_cmp(&x, &y);
	return 0;
}

/* ---- the schemes --------------------------------------------------------- */

static const char *npm_check(const char *s, size_t n)
{
	struct sv v;
	return sv_parse(s, n, SV_NPM, &v);
}

static int npm_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	return sv_cmp_dialect(SV_NPM, a, an, b, bn, res);
}

static const char *cargo_check(const char *s, size_t n)
{
	struct sv v;
	return sv_parse(s, n, SV_CARGO, &v);
}

static int cargo_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	return sv_cmp_dialect(SV_CARGO, a, an, b, bn, res);
}

const struct cg_version_scheme cg_scheme_npm = {
	.name = "npm",
	.title = "SemVer 2.0.0 as node's semver (strict parse)",
	.check = npm_check,
	.cmp = npm_cmp,
};

const struct cg_version_scheme cg_scheme_cargo = {
	.name = "cargo",
	.title = "SemVer 2.0.0 as Rust's semver crate",
	.check = cargo_check,
	.cmp = cargo_cmp,
};
