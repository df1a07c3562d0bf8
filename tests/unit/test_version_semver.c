/* npm and cargo: SemVer 2.0.0 as node's `semver` (default, non-loose parse)
 * and as the Rust `semver` crate's Version::parse.
 *
 * Every validity and order row below was run through the real
 * implementations (node semver 7.x via `semver.valid`/`semver.compare`; Rust
 * semver 1.0.14 via Version::parse and precedence) and agrees with them,
 * except the rows marked "not node", where node is imprecise and we are exact. */
#include <cguard/cguard.h>
#include "cgtest.h"

/* -1/0/1, or 2 when the comparison failed. */
static int vcmp(const char *eco, const char *a, const char *b)
{
	int r = 0;
	if (cg_version_cmp(eco, a, b, &r) != CG_OK)
		return 2;
	return r;
}

struct bad {
	const char *v;
	const char *why; /* a substring of the reason */
};

static void check_valid(struct cgt *t, const char *eco, const char *const *v, size_t n)
{
	const struct cg_version_scheme *s = cg_version_scheme_find(eco);
	for (size_t i = 0; i < n; i++) {
		struct cg_error err;
		cg_err_t rc = cg_version_validate(s, v[i], strlen(v[i]), &err);
		CHECKF(t, rc == CG_OK, "%s: '%s' should be valid: %s", eco, v[i],
		       cg_error_message(&err));
		CHECKF(t, vcmp(eco, v[i], v[i]) == 0, "%s: '%s' != itself", eco, v[i]);
	}
}

static void check_invalid(struct cgt *t, const char *eco, const struct bad *b, size_t n,
			  const char *good)
{
	const struct cg_version_scheme *s = cg_version_scheme_find(eco);
	for (size_t i = 0; i < n; i++) {
		struct cg_error err;
		int r;
		cg_err_t rc = cg_version_validate(s, b[i].v, strlen(b[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, b[i].why),
		       "%s: '%s' gave %s '%s', want invalid with '%s'", eco, b[i].v, cg_strerror(rc),
		       err.msg, b[i].why);
		rc = cg_version_cmp_n(s, good, strlen(good), b[i].v, strlen(b[i].v), &r, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, "b is not"),
		       "%s: cmp with '%s' gave %s '%s'", eco, b[i].v, cg_strerror(rc), err.msg);
	}
}

/* v[0] < v[1] < ... : every pair, both ways. */
static void check_chain(struct cgt *t, const char *eco, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0, got = vcmp(eco, v[i], v[j]);
			CHECKF(t, got == want, "%s: '%s' vs '%s' gave %d, want %d", eco, v[i], v[j],
			       got, want);
		}
}

static void check_equal(struct cgt *t, const char *eco, const char *const (*p)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		CHECKF(t, vcmp(eco, p[i][0], p[i][1]) == 0, "%s: '%s' == '%s'", eco, p[i][0],
		       p[i][1]);
		CHECKF(t, vcmp(eco, p[i][1], p[i][0]) == 0, "%s: '%s' == '%s'", eco, p[i][1],
		       p[i][0]);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- npm ----------------------------------------------------------------- */

static const char *const npm_valid[] = {
	"1.2.3", "v1.2.3", "0.0.0", "1.2.3-0a", "1.2.3+01", "1.2.3-alpha.1+build.001",
	"9007199254740991.0.0", /* Number.MAX_SAFE_INTEGER */
	"1.2.3-9007199254740992", /* prerelease numbers have no limit */
	"1.2.3-123456789012345678901234567890", "1.0.0-x-y-z.--",
	"1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
	"1.0.0-0A.is.legal", "2.0.0-rc.1+build.123",
	/* semver trims with String.prototype.trim(): ASCII and Unicode white space */
	" 1.2.3 ", "\t1.2.3\n", "\xc2\xa0" "1.2.3", "\xef\xbb\xbf" "1.2.3", "1.2.3\xe3\x80\x80",
	"\xe2\x80\xa8" "1.2.3\xe2\x80\xa9",
};

static const struct bad npm_invalid[] = {
	{ "", "empty" },
	{ "   ", "empty" },
	{ "=1.2.3", "loose" }, /* `=` is in LOOSEPLAIN only, not in FULLPLAIN */
	{ "V1.2.3", "major version is not a number" },
	{ "v 1.2.3", "major version is not a number" },
	{ "vv1.2.3", "major version is not a number" },
	{ "-1.2.3", "major version is not a number" },
	{ "+1.2.3", "major version is not a number" },
	{ "^1.2.3", "major version is not a number" }, /* a range, not a version */
	{ "~1.2.3", "major version is not a number" },
	{ ">=1.2.3", "major version is not a number" },
	{ "1", "expected '.' after the major" },
	{ "1.2", "expected '.' after the minor" },
	{ "999999999999999999999999999991", "2^53-1" },
	{ "1.2.x", "patch version is not a number" },
	{ "01.2.3", "leading zero" },
	{ "1.02.3", "leading zero" },
	{ "1.2.03", "leading zero" },
	{ "1.2.3-01", "leading zero" },
	{ "1.2.3-a.00", "leading zero" },
	{ "1.2.3-", "empty prerelease identifier" },
	{ "1.2.3-a..b", "empty prerelease identifier" },
	{ "1.2.3-a.", "empty prerelease identifier" },
	{ "1.2.3-+", "empty prerelease identifier" },
	{ "1.2.3+", "empty build identifier" },
	{ "1.2.3+a..b", "empty build identifier" },
	{ "1.2.3++a", "invalid character in the build" },
	{ "1.2.3.4", "extra characters" },
	{ "1.1.3.4.5", "extra characters" },
	{ "1.2.3+a+b", "extra characters" },
	{ "9007199254740992.0.0", "2^53-1" },
	{ "1.9007199254740992.0", "2^53-1" },
	{ "1.2.3_a", "invalid character" },
	{ "1.2.3-a_b", "invalid character" },
	{ "1.2.3-a b", "invalid character" },
	{ "1.2.3 -a", "invalid character" },
	{ "1.2.3 || 2.0.0", "invalid character" },
	{ "1.2.3-\xc3\xa9", "invalid character in the prerelease" },
	{ "1.2.3+\xc3\xa9", "invalid character in the build" },
	/* U+0085 and U+180E are not white space to JavaScript's trim() */
	{ "\xc2\x85" "1.2.3", "major version is not a number" },
	{ "\xe1\xa0\x8e" "1.2.3", "major version is not a number" },
};

static const char *const npm_order[] = {
	"0.0.0-0", "0.0.0-0.0", "0.0.0-1", "0.0.0-9", "0.0.0-10", "0.0.0--", "0.0.0-0a",
	"0.0.0-A", "0.0.0-Z", "0.0.0-a", "0.0.0-a.0", "0.0.0-a.-", "0.0.0-a.a", "0.0.0-aa",
	"0.0.0", "0.0.1", "0.1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
	"1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0",
	"1.9.0", "1.10.0", "1.10.1", "2.0.0", "10.0.0", "100.0.0", "9007199254740991.0.0",
};

static const char *const npm_equal[][2] = {
	{ "1.2.3", "v1.2.3" },
	{ "1.2.3+a", "1.2.3+b" }, /* build metadata is not precedence */
	{ " 1.2.3", "1.2.3" },
	{ "1.2.3-a+x", "1.2.3-a+y" },
	{ "v1.2.3-beta+exp.sha.5114f85", "1.2.3-beta" },
	{ "1.0.0+a.1", "1.0.0" },
};

static void t_npm_valid(struct cgt *t)
{
	check_valid(t, "npm", npm_valid, N(npm_valid));
}

static void t_npm_invalid(struct cgt *t)
{
	check_invalid(t, "npm", npm_invalid, N(npm_invalid), "1.0.0");
}

static void t_npm_order(struct cgt *t)
{
	check_chain(t, "npm", npm_order, N(npm_order));
	check_equal(t, "npm", npm_equal, N(npm_equal));
}

/* Numbers of any length compare exactly, as digit strings. */
static void t_npm_big_numbers(struct cgt *t)
{
	/* not node: node compares prerelease numbers >= 2^53 as doubles, so it
	 * says these are equal; we say what SemVer says */
	CHECK_INT(t, vcmp("npm", "1.0.0-9007199254740993", "1.0.0-9007199254740992"), 1);
	CHECK_INT(t, vcmp("npm", "1.0.0-123456789012345678901234567890",
			  "1.0.0-123456789012345678901234567891"),
		  -1);
	CHECK_INT(t, vcmp("npm", "1.0.0-9007199254740993.a", "1.0.0-9007199254740992.b"), 1);
	/* node agrees here (below 2^53 both ways) */
	CHECK_INT(t, vcmp("npm", "1.0.0-9007199254740991", "1.0.0-9007199254740992"), -1);
	CHECK_INT(t, vcmp("npm", "9007199254740991.0.0", "9007199254740990.9.9"), 1);
}

/* The lines of tests/data/versions/semver-versions.txt that node rejects: they
 * test osv-scalibr's lenient parser, not node's. */
static void t_npm_not_node(struct cgt *t)
{
	int r;
	CHECK_INT(t, cg_version_cmp("npm", "1.1.3.4.5", "1.1.3.4.5", &r), CG_ERR_INVALID);
	CHECK_INT(t, cg_version_cmp("npm", "999999999999999999999999999991",
				    "999999999999999999999999999999", &r),
		  CG_ERR_INVALID);
	CHECK_INT(t, cg_version_cmp("npm", "999999999999999999999999999991.0.0", "1.0.0", &r),
		  CG_ERR_INVALID);
}

static void t_npm_limits(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("npm");
	char v[300];
	struct cg_error err;
	int r;
	/* node's MAX_LENGTH is 256 as well */
	memset(v, 'a', sizeof(v));
	memcpy(v, "1.2.3-", 6);
	CHECK_INT(t, cg_version_validate(s, v, 256, &err), CG_OK);
	CHECK_INT(t, cg_version_validate(s, v, 257, &err), CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "longer than") != NULL);
	/* bytes past len are never read: "1.2.3" out of "1.2.3-x" */
	CHECK_INT(t, cg_version_cmp_n(s, "1.2.3-x", 5, "1.2.3", 5, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, "1.2.3-x", 6, "1.2.3", 5, &r, NULL), CG_ERR_INVALID);
	/* an embedded NUL is invalid, not the end of the string */
	CHECK_INT(t, cg_version_cmp_n(s, "1.2.3\0", 6, "1.2.3", 5, &r, &err), CG_ERR_INVALID);
	CHECK_INT(t, cg_version_cmp_n(s, "", 0, "1.2.3", 5, &r, &err), CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "empty") != NULL);
}

/* ---- cargo --------------------------------------------------------------- */

static const char *const cargo_valid[] = {
	"1.2.3", "0.0.0", "18446744073709551615.0.0", "1.18446744073709551615.18446744073709551615",
	"1.2.3-alpha.1+001", "1.0.0-x-y-z.--", "1.2.3-123456789012345678901234567890",
	"1.0.0+0.build.1-rc.10000aaa-kk-0.1", "1.2.3+01.00",
};

static const struct bad cargo_invalid[] = {
	{ "", "empty" },
	{ "v1.2.3", "leading 'v'" },
	{ "V1.2.3", "leading 'v'" },
	{ "=1.2.3", "major version is not a number" },
	{ " 1.2.3", "major version is not a number" }, /* no trimming in Rust */
	{ "1.2.3 ", "invalid character" },
	{ "1.2.3\t", "invalid character" },
	{ "18446744073709551616.0.0", "64 bits" },
	{ "1.2.99999999999999999999", "64 bits" },
	{ "01.2.3", "leading zero" },
	{ "1.00.3", "leading zero" },
	{ "1.2.3-01", "leading zero" },
	{ "1.2.3-a.00", "leading zero" },
	{ "1.2", "expected '.' after the minor" },
	{ "1", "expected '.' after the major" },
	{ "1.2.3.4", "extra characters" },
	{ "1.2.3-", "empty prerelease identifier" },
	{ "1.2.3+", "empty build identifier" },
	{ "1.2.3-a..b", "empty prerelease identifier" },
	{ "1.2.3+a..b", "empty build identifier" },
	{ "1.2.3-a_b", "invalid character" },
	{ "1.2.3-\xc3\xa9", "invalid character in the prerelease" },
	{ "1.2.3+a+b", "extra characters" },
	{ "^1.2.3", "major version is not a number" }, /* a requirement, not a version */
};

static const char *const cargo_order[] = {
	"0.0.0-0", "0.0.0-0.0", "0.0.0-1", "0.0.0-9", "0.0.0-10", "0.0.0--", "0.0.0-0a",
	"0.0.0-A", "0.0.0-Z", "0.0.0-a", "0.0.0-a.0", "0.0.0-a.-", "0.0.0-a.a", "0.0.0-aa",
	"0.0.0", "0.0.1", "0.1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
	"1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0",
	"1.9.0", "1.10.0", "2.0.0", "10.0.0", "18446744073709551615.0.0",
	/* Rust compares prerelease numbers by length, then digits: exact at any size */
};

static const char *const cargo_big[] = {
	"1.0.0-9007199254740992", "1.0.0-9007199254740993", "1.0.0-99999999999999999999",
	"1.0.0-100000000000000000000", "1.0.0-123456789012345678901234567890",
	"1.0.0-123456789012345678901234567891",
};

static const char *const cargo_equal[][2] = {
	/* Version::cmp_precedence; Rust's derived Ord also orders by build */
	{ "1.2.3+a", "1.2.3+b" },
	{ "1.2.3-a+x", "1.2.3-a+y" },
	{ "1.0.0+a.1", "1.0.0" },
};

static void t_cargo_valid(struct cgt *t)
{
	check_valid(t, "cargo", cargo_valid, N(cargo_valid));
}

static void t_cargo_invalid(struct cgt *t)
{
	check_invalid(t, "cargo", cargo_invalid, N(cargo_invalid), "1.0.0");
}

static void t_cargo_order(struct cgt *t)
{
	check_chain(t, "cargo", cargo_order, N(cargo_order));
	check_chain(t, "cargo", cargo_big, N(cargo_big));
	check_equal(t, "cargo", cargo_equal, N(cargo_equal));
}

/* ---- both: a total order ------------------------------------------------- */

/* Antisymmetry for every pair and transitivity for every triple of a set
 * built from pieces that meet at the edges of the rules. */
static void check_total(struct cgt *t, const char *eco, const char *const *prefix, size_t np)
{
	static const char *const core[] = { "0.0.0", "1.0.0", "1.0.1", "1.10.0" };
	static const char *const pre[] = { "", "-0", "-1", "-10", "-a", "-A", "-a.1", "-a.a",
					   "-1.a", "--", "-0a", "-a-b" };
	static const char *const build[] = { "", "+x", "+0.01" };
	static char buf[300][32];
	static const char *v[300];
	static int c[300][300];
	size_t n = 0, bad = 0;
	for (size_t p = 0; p < np; p++)
		for (size_t i = 0; i < N(core); i++)
			for (size_t j = 0; j < N(pre); j++)
				for (size_t k = 0; k < N(build) && n < 300; k++, n++) {
					snprintf(buf[n], sizeof(buf[n]), "%s%s%s%s", prefix[p],
						 core[i], pre[j], build[k]);
					v[n] = buf[n];
				}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			c[i][j] = vcmp(eco, v[i], v[j]);
			if (c[i][j] == 2)
				bad++;
		}
	CHECKF(t, bad == 0, "%s: %zu comparisons failed", eco, bad);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			CHECKF(t, c[i][j] == -c[j][i], "%s: '%s' vs '%s' not antisymmetric", eco,
			       v[i], v[j]);
			for (size_t k = 0; k < n; k++)
				if (c[i][j] <= 0 && c[j][k] <= 0 && c[i][k] > 0)
					CHECKF(t, 0, "%s: '%s' <= '%s' <= '%s' but not transitive",
					       eco, v[i], v[j], v[k]);
		}
}

static void t_total_order(struct cgt *t)
{
	static const char *const npm_prefix[] = { "", "v" };
	static const char *const cargo_prefix[] = { "" };
	check_total(t, "npm", npm_prefix, N(npm_prefix));
	check_total(t, "cargo", cargo_prefix, N(cargo_prefix));
}

static void t_schemes(struct cgt *t)
{
	const struct cg_version_scheme *n = cg_version_scheme_find("npm");
	const struct cg_version_scheme *c = cg_version_scheme_find("cargo");
	CHECK(t, n != NULL && c != NULL && n != c);
	CHECK_STR(t, cg_version_scheme_name(n), "npm");
	CHECK_STR(t, cg_version_scheme_name(c), "cargo");
	/* one order, two grammars */
	CHECK_INT(t, vcmp("npm", "v1.0.0", "1.0.0"), 0);
	CHECK_INT(t, vcmp("cargo", "v1.0.0", "1.0.0"), 2);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_npm_valid),	     CGT_CASE(t_npm_invalid),	CGT_CASE(t_npm_order),
	CGT_CASE(t_npm_big_numbers), CGT_CASE(t_npm_not_node),	CGT_CASE(t_npm_limits),
	CGT_CASE(t_cargo_valid),     CGT_CASE(t_cargo_invalid), CGT_CASE(t_cargo_order),
	CGT_CASE(t_total_order),     CGT_CASE(t_schemes),
};
CGT_MAIN(cases)
