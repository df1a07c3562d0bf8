/* Go module versions, ordered as golang.org/x/mod/semver.Compare.
 *
 * Grammar (x/mod/semver): vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]], numbers
 * without leading zeros and of any length, PRE and BUILD non-empty
 * dot-separated [0-9A-Za-z-] identifiers, numeric PRE identifiers without
 * leading zeros.
 *
 *  - Shorthands: x/mod accepts v1 and v1.2 and compares them as v1.0.0 and
 *    v1.2.0 (no PRE or BUILD after a shorthand). We do the same, so v1 == v1.0.0;
 *    that go.mod requires canonical versions is not this comparator's business.
 *  - BUILD is ignored, so +incompatible does not change the order.
 *  - Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5,
 *    v1.2.4-0.2019..., v1.2.3-pre.0.2019...) are ordinary prereleases, which
 *    is exactly how Go orders them.
 *
 * Prefixes, as golang.org/x/vuln compares versions (internal/semver Less and
 * Valid): the `v` may be missing or be `go`. The Go vulnerability database's
 * OSV files carry SEMVER versions without the `v` ("1.2.3"), and stdlib and
 * toolchain versions come from binaries as "go1.21.3", so all three spellings
 * of one version compare equal. With the `go` prefix the Go release tags that
 * are not SemVer are also read as x/vuln's GoTagToSemver reads them:
 * go1.21rc2 = 1.21.0-rc.2, go1.9beta1 = 1.9.0-beta.1, go1.20-pre4 =
 * 1.20.0-pre.4 (so go1.21rc2 < go1.21.0). As there, the tag reading comes
 * first: go1.2.1-pre2 is 1.2.1-pre.2, not 1.2.1-pre2. A binary's Go version
 * with experiments ("go1.21.3 X:boringcrypto") must be cut at the space by
 * the caller. A "V" prefix, white space and "vgo1.2" are invalid. */
#include "util/internal.h"
#include "version/scheme.h"

struct gv {
	const char *num[3]; /* major, minor, patch digits ("0" for a shorthand) */
	size_t numn[3];
	const char *pre; /* prerelease (after '-'); pren == 0 if none */
	size_t pren;
	/* A Go release tag's prerelease ("rc2"): the kind is pre[0..tagkind) and
	 * the number the rest; two identifiers. 0 for an ordinary prerelease. */
	size_t tagkind;
};

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* Digits at s[*i..): false when there are none or they have a leading zero. */
static bool take_num(const char *s, size_t n, size_t *i, const char **num, size_t *numn)
{
	size_t start = *i;
	while (*i < n && is_digit(s[*i]))
		(*i)++;
	*num = s + start;
	*numn = *i - start;
	return *numn != 0 && !(*numn > 1 && s[start] == '0');
}

/* Dot-separated identifiers from s[*i] to the first byte that is neither an
 * identifier character nor '.'. */
static const char *take_idents(const char *s, size_t n, size_t *i, bool pre)
{
	const char *why = NULL;
	size_t p = *i;
	for (;;) {
		size_t start = p;
		bool num = true;
		while (p < n && is_ident(s[p]))
			num &= is_digit(s[p++]);
		if (p == start && p < n && s[p] != '.' && !(pre && s[p] == '+'))
			CG_FAIL(why, pre ? "invalid character in the prerelease"
					 : "invalid character in the build metadata");
		if (p == start)
			CG_FAIL(why,
				pre ? "empty prerelease identifier" : "empty build identifier");
		if (pre && num && p - start > 1 && s[start] == '0')
			CG_FAIL(why, "numeric prerelease identifier with a leading zero");
		if (p == n || s[p] != '.')
			break;
		p++;
	}
done:
	*i = p;
	return why;
}

/* x/mod/semver's grammar on s[0..n) (the prefix already removed). */
static const char *parse_semver(const char *s, size_t n, struct gv *v)
{
	const char *why = NULL;
	size_t i = 0;

	v->pre = NULL;
	v->pren = 0;
	v->tagkind = 0;
	if (n == 0)
		CG_FAIL(why, "no version number");
	if (!take_num(s, n, &i, &v->num[0], &v->numn[0]))
		CG_FAIL(why, v->numn[0] ? "leading zero in the major version"
					: "major version is not a number");
	v->num[1] = v->num[2] = "0";
	v->numn[1] = v->numn[2] = 1;
	if (i == n)
		goto done; /* vMAJOR */
	if (s[i] != '.')
		CG_FAIL(why, "expected '.' after the major version");
	i++;
	if (!take_num(s, n, &i, &v->num[1], &v->numn[1]))
		CG_FAIL(why, v->numn[1] ? "leading zero in the minor version"
					: "minor version is not a number");
	if (i == n)
		goto done; /* vMAJOR.MINOR */
	if (s[i] != '.')
		CG_FAIL(why, s[i] == '-' || s[i] == '+'
				     ? "prerelease or build after a MAJOR.MINOR shorthand"
				     : "expected '.' after the minor version");
	i++;
	if (!take_num(s, n, &i, &v->num[2], &v->numn[2]))
		CG_FAIL(why, v->numn[2] ? "leading zero in the patch version"
					: "patch version is not a number");
	if (i < n && s[i] == '-') {
		size_t start = ++i;
		why = take_idents(s, n, &i, true);
		if (why)
			goto done;
		if (i < n && s[i] != '+')
			CG_FAIL(why, "invalid character in the prerelease");
		v->pre = s + start;
		v->pren = i - start;
	}
	if (i < n && s[i] == '+') {
		i++;
		why = take_idents(s, n, &i, false);
		if (why)
			goto done;
		if (i < n)
			CG_FAIL(why, "invalid character in the build metadata");
	}
	if (i < n)
		CG_FAIL(why, "extra characters after the version");
done:
	return why;
}

/* A Go release tag after "go": MAJOR.MINOR[.PATCH](beta|rc|-pre)N. */
static bool parse_gotag(const char *s, size_t n, struct gv *v)
{
	static const char *const kinds[] = { "beta", "rc", "-pre" };
	size_t i = 0, k;
	const char *num;
	size_t numn;

	if (!take_num(s, n, &i, &v->num[0], &v->numn[0]) || i == n || s[i] != '.')
		return false;
	i++;
	if (!take_num(s, n, &i, &v->num[1], &v->numn[1]))
		return false;
	v->num[2] = "0";
	v->numn[2] = 1;
	if (i < n && s[i] == '.') {
		i++;
		if (!take_num(s, n, &i, &v->num[2], &v->numn[2]))
			return false;
	}
	for (k = 0; k < CG_ARRAY_LEN(kinds); k++) {
		size_t kl = strlen(kinds[k]);
		if (n - i > kl && memcmp(s + i, kinds[k], kl) == 0)
			break;
	}
	if (k == CG_ARRAY_LEN(kinds))
		return false;
	if (s[i] == '-')
		i++; /* "-pre4" is the prerelease "pre.4" */
	v->pre = s + i;
	v->tagkind = k == 0 ? 4 : k == 1 ? 2 : 3;
	i += v->tagkind;
	if (!take_num(s, n, &i, &num, &numn) || i != n)
		return false;
	v->pren = (size_t)(s + n - v->pre);
	return true;
}

static const char *gv_parse(const char *s, size_t n, struct gv *v)
{
	if (!s)
		n = 0;
	if (n >= 2 && s[0] == 'g' && s[1] == 'o') {
		/* a release tag first, as GoTagToSemver: go1.2.3-pre4 is 1.2.3-pre.4 */
		if (parse_gotag(s + 2, n - 2, v))
			return NULL;
		return parse_semver(s + 2, n - 2, v);
	}
	if (n && s[0] == 'v') {
		s++;
		n--;
	}
	return parse_semver(s, n, v);
}

/* ---- comparison ---------------------------------------------------------- */

static inline int cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

/* Walks the identifiers of a prerelease; i == n + 1 at the end. */
struct pre_it {
	const char *p;
	size_t n, i, tagkind;
};

static bool pre_next(struct pre_it *it, const char **id, size_t *idn)
{
	const char *dot;
	size_t end;
	if (it->i > it->n)
		return false;
	if (it->tagkind) {
		if (it->i == 0) {
			*id = it->p;
			*idn = it->tagkind;
			it->i = it->tagkind;
		} else {
			*id = it->p + it->tagkind;
			*idn = it->n - it->tagkind;
			it->i = it->n + 1;
		}
		return true;
	}
	dot = memchr(it->p + it->i, '.', it->n - it->i);
	end = dot ? (size_t)(dot - it->p) : it->n;
	*id = it->p + it->i;
	*idn = end - it->i;
	it->i = end + 1;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static int cmp_pre(const struct gv *x, const struct gv *y)
{
	struct pre_it a = { x->pre, x->pren, 0, x->tagkind };
	struct pre_it b = { y->pre, y->pren, 0, y->tagkind };
	if (x->pren == 0 || y->pren == 0)
		return (x->pren == 0) - (y->pren == 0);
	for (;;) {
		const char *da, *db;
		size_t dan, dbn;
		bool ha = pre_next(&a, &da, &dan), hb = pre_next(&b, &db, &dbn);
		bool na, nb;
		int c;
		if (!ha || !hb)
			return ha - hb;
		na = all_digits(da, dan);
		nb = all_digits(db, dbn);
		if (na != nb)
			return na ? -1 : 1;
		if (na) {
			c = cmp_digits(da, dan, db, dbn);
		} else {
			c = memcmp(da, db, dan < dbn ? dan : dbn);
			if (c == 0 && dan != dbn)
				c = dan < dbn ? -1 : 1;
		}
		if (c)
			return c;
	}
}

static const char *golang_check(const char *s, size_t n)
{
	struct gv v;
	return gv_parse(s, n, &v);
}

static int golang_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct gv x, y;
	int c = 0;
	if (gv_parse(a, an, &x) || gv_parse(b, bn, &y))
		return -1;
	for (int k = 0; k < 3 && c == 0; k++)
		c = cmp_digits(x.num[k], x.numn[k], y.num[k], y.numn[k]);
	*res = c ? c : cmp_pre(&x, &y);
	return 0;
}

const struct cg_version_scheme cg_scheme_golang = {
	.name = "golang",
	.title = "Go modules (golang.org/x/mod/semver)",
	.check = golang_check,
	.cmp = golang_cmp,
};
