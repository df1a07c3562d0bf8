/* NuGet versions, as NuGet.Versioning's NuGetVersion.TryParse and
 * VersionComparer.Default (NuGet.Client, src/NuGet.Core/NuGet.Versioning).
 *
 * Parsing (NuGetVersionFactory.TryParse + SemanticVersion.ParseSections):
 *  - the string is trimmed (.NET String.Trim: char.IsWhiteSpace);
 *  - it splits at the first '-' or '+' into the version part, the release
 *    labels (after '-', up to the first '+') and the metadata (after '+');
 *  - the version part is System.Version.TryParse'd (a lone number gets ".0"):
 *    1 to 4 dot-separated int32 numbers >= 0, each parsed with
 *    NumberStyles.Integer, so leading zeros ("01" == "1") and white space
 *    around a number ("1. 2" == "1.2") are allowed; missing parts are 0, so
 *    1 == 1.0 == 1.0.0 == 1.0.0.0;
 *  - labels: non-empty, [0-9A-Za-z-], no leading zero in an all-digit label;
 *    metadata: non-empty dot-separated [0-9A-Za-z-] parts, leading zeros fine.
 *
 * Order (VersionComparer.Compare, VersionComparison.Default): major, minor,
 * patch, revision (the legacy 4th part), then a release is above any version
 * with labels, then labels left to right: a label that int.TryParse reads (an
 * optional '-' and digits within int32, so "-1" is -1 and "2147483648" is
 * not a number) compares as a number and below any other label; other labels
 * compare ordinally ignoring case (OrdinalIgnoreCase). More labels win a tie.
 * Metadata is ignored. int.TryParse uses the current culture's negative sign;
 * we assume the invariant '-'. */
#include "util/internal.h"
#include "version/scheme.h"

struct nv {
	uint32_t part[4]; /* major, minor, patch, revision */
	const char *pre;  /* release labels (after '-'); pren == 0 if none */
	size_t pren;
};

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* NumberStyles.AllowLeadingWhite/AllowTrailingWhite: U+0009..U+000D, U+0020. */
static inline bool num_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ---- .NET String.Trim() --------------------------------------------------- */

/* char.IsWhiteSpace beyond ASCII, UTF-8 encoded. */
static const char *const net_space[] = {
	"\xc2\x85",     /* U+0085 */
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
};

static size_t net_space_len(const char *s, size_t n, bool at_end)
{
	char c = at_end ? s[n - 1] : s[0];
	if (num_space(c))
		return 1;
	if ((unsigned char)c < 0x80)
		return 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(net_space); i++) {
		size_t k = strlen(net_space[i]);
		if (k <= n && memcmp(at_end ? s + n - k : s, net_space[i], k) == 0)
			return k;
	}
	return 0;
}

static void net_trim(const char **s, size_t *n)
{
	size_t k;
	while (*n && (k = net_space_len(*s, *n, false)) != 0) {
		*s += k;
		*n -= k;
	}
	while (*n && (k = net_space_len(*s, *n, true)) != 0)
		*n -= k;
}

/* ---- parsing ------------------------------------------------------------- */

/* One System.Version component s[0..n): white space, digits, white space. */
static const char *parse_part(const char *s, size_t n, uint32_t *out)
{
	const char *why = NULL;
	size_t i = 0, start;
	uint64_t v = 0;
	while (i < n && num_space(s[i]))
		i++;
	start = i;
	while (i < n && is_digit(s[i])) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > INT32_MAX)
			CG_FAIL(why, "version number above 2147483647");
		i++;
	}
	if (i == start)
		CG_FAIL(why, n == 0 ? "empty version number" : "version number is not a number");
	while (i < n && num_space(s[i]))
		i++;
	if (i != n)
		CG_FAIL(why, "version number is not a number");
	*out = (uint32_t)v;
done:
	return why;
}

/* Dot-separated parts of s[0..n); labels may not have leading zeros. */
static const char *check_parts(const char *s, size_t n, bool labels)
{
	const char *why = NULL;
	size_t i = 0;
	for (;;) {
		size_t start = i;
		bool num = true;
		while (i < n && s[i] != '.') {
			if (!is_ident(s[i]))
				CG_FAIL(why, labels ? "invalid character in a release label"
						    : "invalid character in the metadata");
			num &= is_digit(s[i]);
			i++;
		}
		if (i == start)
			CG_FAIL(why, labels ? "empty release label" : "empty metadata part");
		if (labels && num && i - start > 1 && s[start] == '0')
			CG_FAIL(why, "numeric release label with a leading zero");
		if (i == n)
			break;
		i++;
	}
done:
	return why;
}

static const char *nv_parse(const char *s, size_t n, struct nv *v)
{
	const char *why = NULL;
	size_t vend = 0, i, k;

	if (!s)
		n = 0;
	net_trim(&s, &n);
	if (n == 0)
		CG_FAIL(why, "empty");
	while (vend < n && s[vend] != '-' && s[vend] != '+')
		vend++;
	if (vend == 0)
		CG_FAIL(why, "no version number before the label or metadata");

	/* System.Version: 2 to 4 parts, or one that NuGet completes with ".0" */
	memset(v->part, 0, sizeof(v->part));
	for (i = 0, k = 0;; k++) {
		const char *dot;
		size_t end;
		if (k == 4)
			CG_FAIL(why, "more than 4 version numbers");
		dot = memchr(s + i, '.', vend - i);
		end = dot ? (size_t)(dot - s) : vend;
		why = parse_part(s + i, end - i, &v->part[k]);
		if (why)
			goto done;
		if (!dot)
			break;
		i = end + 1;
	}

	v->pre = NULL;
	v->pren = 0;
	i = vend;
	if (i < n && s[i] == '-') {
		const char *plus = memchr(s + i + 1, '+', n - i - 1);
		size_t end = plus ? (size_t)(plus - s) : n;
		why = check_parts(s + i + 1, end - i - 1, true);
		if (why)
			goto done;
		v->pre = s + i + 1;
		v->pren = end - i - 1;
		i = end;
	}
	if (i < n) /* s[i] == '+' */
		why = check_parts(s + i + 1, n - i - 1, false);
done:
	return why;
}

/* ---- comparison ---------------------------------------------------------- */

/* int.TryParse(label): an optional '-' and digits, within int32. */
static bool label_int(const char *s, size_t n, int64_t *out)
{
	size_t i = s[0] == '-';
	int64_t v = 0;
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return false;
	}
	if (s[0] == '-')
		v = -v;
	if (v > INT32_MAX)
		return false;
	*out = v;
	return true;
}

static inline unsigned char upper(char c)
{
	return (unsigned char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
}

static int cmp_label(const char *a, size_t an, const char *b, size_t bn)
{
	int64_t x, y;
	bool xn = label_int(a, an, &x), yn = label_int(b, bn, &y);
	size_t m = an < bn ? an : bn;
	if (xn && yn)
		return (x > y) - (x < y);
	if (xn || yn)
		return xn ? -1 : 1;
	for (size_t i = 0; i < m; i++) {
		unsigned char ca = upper(a[i]), cb = upper(b[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return (an > bn) - (an < bn);
}

static int cmp_labels(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	if (an == 0 || bn == 0)
		return (an == 0) - (bn == 0);
	for (;;) {
		const char *da = memchr(a + i, '.', an - i), *db = memchr(b + j, '.', bn - j);
		size_t ae = da ? (size_t)(da - a) : an, be = db ? (size_t)(db - b) : bn;
		int c = cmp_label(a + i, ae - i, b + j, be - j);
		if (c)
			return c;
		if (!da || !db)
			return (da != NULL) - (db != NULL);
		i = ae + 1;
		j = be + 1;
	}
}

static const char *nuget_check(const char *s, size_t n)
{
	struct nv v;
	return nv_parse(s, n, &v);
}

static int nuget_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct nv x, y;
	int c = 0;
	if (nv_parse(a, an, &x) || nv_parse(b, bn, &y))
		return -1;
	for (int k = 0; k < 4 && c == 0; k++)
		c = (x.part[k] > y.part[k]) - (x.part[k] < y.part[k]);
	*res = c ? c : cmp_labels(x.pre, x.pren, y.pre, y.pren);
	return 0;
}

const struct cg_version_scheme cg_scheme_nuget = {
	.name = "nuget",
	.title = "NuGet.Versioning NuGetVersion",
	.check = nuget_check,
	.cmp = nuget_cmp,
};
