/* golang: Go module versions ordered as golang.org/x/mod/semver.Compare, with
 * the prefixes golang.org/x/vuln accepts ("v", "go" or none) and Go release
 * tags read as x/vuln's GoTagToSemver reads them.
 *
 * Every row was run through x/mod/semver (v0.7.0) plus x/vuln's prefix and tag
 * handling, and agrees. */
#include <cguard/cguard.h>
#include "cgtest.h"

static int vcmp(const char *a, const char *b)
{
	int r = 0;
	if (cg_version_cmp("golang", a, b, &r) != CG_OK)
		return 2;
	return r;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const valid[] = {
	"v1.2.3", "v0.0.0", "v1", "v1.2", /* x/mod's shorthands */
	"v0.0.0-20191109021931-daa7c04131f5",           /* pseudo-versions */
	"v1.2.4-0.20191109021931-daa7c04131f5",         /* after a release */
	"v1.2.3-pre.0.20191109021931-daa7c04131f5",     /* after a prerelease */
	"v2.0.0+incompatible",
	"v2.2.5-rc6.0.20190621200032-0ddffe484adc+incompatible",
	"v123456789012345678901234567890.0.0",          /* any size */
	"v1.2.3-01a", "v1.2.3+01",
	"1.2.3", "1", "0",                              /* OSV: no "v" */
	"go1", "go1.21", "go1.21.3", "go1.2.3-beta.1+x", /* "go" + semver */
	"go1.21rc2", "go1.9beta1", "go1.20-pre4", "go1.21.3rc1", /* Go release tags */
};

struct bad {
	const char *v;
	const char *why;
};

static const struct bad invalid[] = {
	{ "", "empty" },
	{ "v", "no version number" },
	{ "go", "no version number" },
	{ "V1.2.3", "major version is not a number" },
	{ "=v1.2.3", "major version is not a number" },
	{ "v 1.2.3", "major version is not a number" },
	{ " v1.2.3", "major version is not a number" },
	{ "gov1.2.3", "major version is not a number" },
	{ "vgo1.2.3", "major version is not a number" },
	{ "v.1.2", "major version is not a number" },
	{ "v1.2-pre", "after a MAJOR.MINOR shorthand" }, /* x/mod: no suffix on a shorthand */
	{ "v1.2+meta", "after a MAJOR.MINOR shorthand" },
	{ "v1-pre", "expected '.' after the major" },
	{ "v1.", "minor version is not a number" },
	{ "v1.2.", "patch version is not a number" },
	{ "v01.2.3", "leading zero in the major" },
	{ "v1.02.3", "leading zero in the minor" },
	{ "v1.2.03", "leading zero in the patch" },
	{ "v1.2.3-01", "leading zero" },
	{ "v1.2.3-", "empty prerelease identifier" },
	{ "v1.2.3+", "empty build identifier" },
	{ "v1.2.3-a..b", "empty prerelease identifier" },
	{ "v1.2.3+a..b", "empty build identifier" },
	{ "v1.2.3.4", "extra characters" },
	{ "v1.2.3 ", "extra characters" },
	{ "v1.2.3-a_b", "invalid character in the prerelease" },
	{ "v1.2.3-\xc3\xa9", "invalid character in the prerelease" },
	{ "v1.2.3+a+b", "invalid character in the build" },
	{ "go1.21rc", "expected '.' after the minor" },   /* a tag needs its number */
	{ "go1.21rc01", "expected '.' after the minor" }, /* would be rc.01 */
	{ "go1.21alpha1", "expected '.' after the minor" },
	{ "go01.2", "leading zero in the major" },
	{ "go1.21.3 X:boringcrypto", "extra characters" }, /* the caller splits fields */
};

/* Strictly increasing. */
static const char *const order[] = {
	"v0.0.0-20190101000000-aaaaaaaaaaaa",
	"v0.0.0-20200101000000-aaaaaaaaaaaa",
	"v0.0.0",
	"v0.1.0",
	"v1.0.0-0",
	"v1.0.0-9",
	"v1.0.0-10",
	"v1.0.0-A",
	"v1.0.0-a",
	"v1.0.0-pre",
	"v1.0.0-pre.0.20200101000000-abcdefabcdef", /* pseudo-version after v1.0.0-pre */
	"v1.0.0-pre.1",
	"v1.0.0-rc.1",
	"v1.0.0",
	"v1.0.1-0.20200101000000-abcdefabcdef", /* pseudo-version after v1.0.0 */
	"v1.0.1",
	"v1.2.0",
	"v1.10.0",
	"v2.0.0-rc.1+incompatible",
	"v2.0.0+incompatible",
	"v10.0.0",
	"v123456789012345678901234567890.0.0",
};

/* Go release tags, strictly increasing. */
static const char *const tags[] = {
	"go1.19", "go1.19.1", "go1.20-pre4", "go1.20",     "go1.21rc1", "go1.21rc2",
	"go1.21.0", "go1.21.3", "go1.22beta1", "go1.22rc1", "go1.22.0",
};

static const char *const equal[][2] = {
	{ "v1", "v1.0.0" },
	{ "v1.2", "v1.2.0" },
	{ "v2.0.0+incompatible", "v2.0.0" }, /* build metadata is ignored */
	{ "v1.2.3+a", "v1.2.3+b" },
	{ "1.2.3", "v1.2.3" },
	{ "go1.2.3", "v1.2.3" },
	{ "go1.21rc2", "v1.21.0-rc.2" },
	{ "go1.9beta1", "1.9.0-beta.1" },
	{ "go1.20-pre4", "1.20.0-pre.4" },
	/* a tag first, as GoTagToSemver: so not v1.2.1-pre2 (see t_tag_first) */
	{ "go1.2.1-pre2", "v1.2.1-pre.2" },
	{ "go1.21", "v1.21.0" },
	{ "go1", "v1.0.0" },
	{ "0", "v0.0.0" },
};

static void t_valid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("golang");
	for (size_t i = 0; i < N(valid); i++) {
		struct cg_error err;
		cg_err_t rc = cg_version_validate(s, valid[i], strlen(valid[i]), &err);
		CHECKF(t, rc == CG_OK, "'%s' should be valid: %s", valid[i],
		       cg_error_message(&err));
		CHECKF(t, vcmp(valid[i], valid[i]) == 0, "'%s' != itself", valid[i]);
	}
}

static void t_invalid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("golang");
	for (size_t i = 0; i < N(invalid); i++) {
		struct cg_error err;
		int r;
		cg_err_t rc = cg_version_validate(s, invalid[i].v, strlen(invalid[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, invalid[i].why),
		       "'%s' gave %s '%s', want invalid with '%s'", invalid[i].v, cg_strerror(rc),
		       err.msg, invalid[i].why);
		CHECKF(t, cg_version_cmp("golang", invalid[i].v, "v1.0.0", &r) == CG_ERR_INVALID,
		       "cmp with '%s' did not fail", invalid[i].v);
	}
}

static void check_chain(struct cgt *t, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0, got = vcmp(v[i], v[j]);
			CHECKF(t, got == want, "'%s' vs '%s' gave %d, want %d", v[i], v[j], got,
			       want);
		}
}

static void t_order(struct cgt *t)
{
	check_chain(t, order, N(order));
}

static void t_go_tags(struct cgt *t)
{
	check_chain(t, tags, N(tags));
	/* the three spellings of one version are interchangeable in any order */
	CHECK_INT(t, vcmp("go1.21rc2", "1.21.0"), -1);
	CHECK_INT(t, vcmp("1.21.0-rc.1", "go1.21rc2"), -1);
	CHECK_INT(t, vcmp("v1.21.0-rc.3", "go1.21rc2"), 1);
}

static void t_equal(struct cgt *t)
{
	for (size_t i = 0; i < N(equal); i++) {
		CHECKF(t, vcmp(equal[i][0], equal[i][1]) == 0, "'%s' == '%s'", equal[i][0],
		       equal[i][1]);
		CHECKF(t, vcmp(equal[i][1], equal[i][0]) == 0, "'%s' == '%s'", equal[i][1],
		       equal[i][0]);
	}
}

/* A disagreement found against x/vuln and fixed: "go1.2.1-pre2" is both a Go
 * tag and (without "go") a SemVer version; GoTagToSemver reads the tag, which
 * makes it 1.2.1-pre.2 and so below v1.2.1-pre2. */
static void t_tag_first(struct cgt *t)
{
	CHECK_INT(t, vcmp("go1.2.1-pre2", "v1.2.1-pre2"), -1);
	CHECK_INT(t, vcmp("go1.2.1-pre2+x", "v1.2.1-pre2"), 0); /* not a tag: plain semver */
}

/* The numbers are digit strings: no overflow, no limit but the length. */
static void t_big(struct cgt *t)
{
	CHECK_INT(t, vcmp("v99999999999999999999.0.0", "v100000000000000000000.0.0"), -1);
	CHECK_INT(t, vcmp("v1.0.0-18446744073709551616", "v1.0.0-18446744073709551615"), 1);
	CHECK_INT(t, vcmp("v1.0.0-123456789012345678901234567890", "v1.0.0-a"), -1);
}

static void t_limits(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("golang");
	int r;
	CHECK_INT(t, cg_version_cmp_n(s, "v1.2.3-x", 6, "v1.2.3", 6, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, "v1.2.3\0", 7, "v1.2.3", 6, &r, NULL), CG_ERR_INVALID);
	CHECK_INT(t, cg_version_cmp_n(s, "go", 1, "v1", 2, &r, NULL), CG_ERR_INVALID); /* "g" */
}

/* Antisymmetry for every pair, transitivity for every triple. */
static void t_total_order(struct cgt *t)
{
	static const char *const prefix[] = { "v", "", "go" };
	static const char *const core[] = { "0", "1", "1.0", "1.0.0", "1.0.1", "1.10.0" };
	static const char *const suffix[] = { "", "-0", "-1", "-10", "-a", "-A", "-a.1", "--",
					      "-0.20200101000000-abcdefabcdef", "+incompatible",
					      "rc1", "beta2", "-pre1" };
	static char buf[400][48];
	static const char *v[400];
	static int c[400][400];
	size_t n = 0;
	for (size_t p = 0; p < N(prefix); p++)
		for (size_t i = 0; i < N(core); i++)
			for (size_t j = 0; j < N(suffix) && n < 400; j++) {
				int r;
				snprintf(buf[n], sizeof(buf[n]), "%s%s%s", prefix[p], core[i],
					 suffix[j]);
				if (cg_version_cmp("golang", buf[n], buf[n], &r) == CG_OK)
					v[n] = buf[n], n++; /* keep the valid ones */
			}
	CHECKF(t, n > 100, "only %zu valid versions", n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			c[i][j] = vcmp(v[i], v[j]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			CHECKF(t, c[i][j] != 2 && c[i][j] == -c[j][i], "'%s' vs '%s'", v[i], v[j]);
			for (size_t k = 0; k < n; k++)
				if (c[i][j] <= 0 && c[j][k] <= 0 && c[i][k] > 0)
					CHECKF(t, 0, "'%s' <= '%s' <= '%s' not transitive", v[i],
					       v[j], v[k]);
		}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_valid),     CGT_CASE(t_invalid), CGT_CASE(t_order),	CGT_CASE(t_go_tags),
	CGT_CASE(t_equal),     CGT_CASE(t_tag_first), CGT_CASE(t_big), CGT_CASE(t_limits),
	CGT_CASE(t_total_order),
};
CGT_MAIN(cases)
