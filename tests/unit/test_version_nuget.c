/* nuget: NuGet.Versioning's NuGetVersion.TryParse and VersionComparer.Default.
 *
 * Rows marked [N] are the version strings of NuGet.Client's own tests
 * (test/NuGet.Core.Tests/NuGet.Versioning.Test: NuGetVersionTest.cs,
 * VersionComparerTests.cs, VersionParsingTests.cs, SemVer201SpecTests.cs;
 * Apache-2.0), with the outcome those tests assert. The others follow from
 * NuGet's and .NET's source (NuGetVersionFactory.cs, SemanticVersionFactory.cs,
 * VersionComparer.cs, System.Version and int parsing with
 * NumberStyles.Integer); no .NET runtime was at hand to run them. */
#include <cguard/cguard.h>
#include "cgtest.h"

static int vcmp(const char *a, const char *b)
{
	int r = 0;
	if (cg_version_cmp("nuget", a, b, &r) != CG_OK)
		return 2;
	return r;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const valid[] = {
	/* [N] */
	"2", "2.0", "2.0.0", "2.0.0.0", "1.0.0-Beta", "1.0.0-Beta.2", "1.0.0+MetaOnly",
	"1.0.0-Beta+Meta", "1.0.0-RC.X+MetaAA", "1.0.0-RC.X.35.A.3455+Meta-A-B-C",
	"1.2.3-X.y3+0", "1.2.3-0", "3.4.0.3-RC-3", "1.022", "1.3.42.10133", "  1.022-Beta",
	"23.2.3-Alpha  ", "    1.3.42.10133-PreRelease  ", "1.0.0009.01-1.1+A", "01.42.0+metadata",
	"0.1.2--", "0.1.2--B-C-", "0.1.2--B2.-.C.-A0-", "0.1.2-02A", "0.1.2+02.02-02",
	"0.1.2+000000", "0.1.2----+----", "1.3.2-CTP-2-Refresh-Alpha", "22.3.07     ",
	/* from the source */
	"1. 2.3", "1.2. 3", "1.0 -beta", /* int parsing allows white space around numbers */
	"2147483647.0",                  /* int.MaxValue */
	"0000000000000000000001.0",      /* leading zeros do not overflow */
	"\xc2\xa0" "1.0\xe3\x80\x80",    /* String.Trim: U+00A0, U+3000 */
	"\xc2\x85" "1.0",                /* U+0085 is white space to .NET */
	"1.0.0--1", "1.0.0--2147483648", "1.0.0-2147483648",
};

struct bad {
	const char *v;
	const char *why;
};

static const struct bad invalid[] = {
	/* [N] */
	{ "1beta", "not a number" },
	{ "$version$", "not a number" },
	{ "1.2Av^c", "not a number" },
	{ "1.2..", "empty version number" },
	{ "1.2.3.4.5", "more than 4" },
	{ "1.2.3.Beta", "not a number" },
	{ "1.2.3.4This version is full of awesomeness!!", "not a number" },
	{ "So.is.this", "not a number" },
	{ "1.34.2Alpha", "not a number" },
	{ "1.34.2Release Candidate", "not a number" },
	{ "1.4.7-", "empty release label" },
	{ "1.4.7-*", "invalid character in a release label" },
	{ "1.4.7+*", "invalid character in the metadata" },
	{ "1.4.7-AA.01^", "invalid character in a release label" },
	{ "1.4.7-AA.0A^", "invalid character in a release label" },
	{ "1.4.7-A^A", "invalid character in a release label" },
	{ "1.4.7+AA.01^", "invalid character in the metadata" },
	{ "-1.2.3", "no version number" },
	{ "0.1.2-Alpha..2", "empty release label" },
	{ "0.1.2-Alpha.", "empty release label" },
	{ "0.1.2-.AA", "empty release label" },
	{ "0.1.2-alp=ha", "invalid character in a release label" },
	{ "0.1.2-a&444", "invalid character in a release label" },
	{ "0.1.2-02", "leading zero" },
	{ "0.1.2-2.02", "leading zero" },
	{ "0.1.2-2.A.02", "leading zero" },
	{ "0.1.2+\xc3\x84\xc3\x84", "invalid character in the metadata" },
	{ "0.1.2+2+A", "invalid character in the metadata" },
	{ "0.1.2+02A.", "empty metadata part" },
	{ "0.1.2+02..A", "empty metadata part" },
	{ "0.1.2+", "empty metadata part" },
	/* from the source */
	{ "   ", "empty" },
	{ "2147483648", "above 2147483647" },
	{ "1.2147483648", "above 2147483647" },
	{ "1.0.0.99999999999999999999", "above 2147483647" },
	{ "v1.0.0", "not a number" },
	{ "1 2.0", "not a number" },
	{ "1.+2", "empty version number" },
	{ "1.0.0-a b", "invalid character in a release label" },
	{ "\xef\xbb\xbf" "1.0", "not a number" }, /* U+FEFF is not white space to .NET */
	{ "\xc2\xa0" "1.0.\xc2\xa0" "1", "not a number" }, /* only ASCII around numbers */
};

/* [N] a < b */
static const char *const less[][2] = {
	{ "0.0.0", "1.0.0" },
	{ "1.0.0", "1.1.0" },
	{ "1.0.0", "1.0.1" },
	{ "1.999.9999", "2.1.1" },
	{ "1.0.0-BETA", "1.0.0-beta2" },
	{ "1.0.0-beta+AA", "1.0.0+aa" },
	{ "1.0.0-BETA", "1.0.0-beta.1+AA" },
	{ "1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa" },
	{ "1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc" },
	{ "1.0", "1.0.1" },
	{ "1.23", "1.231" },
	{ "1.4.5.6", "1.45.6" },
	{ "1.4.5.6", "1.4.5.60" },
	{ "1.01", "1.10" },
	{ "1.01-alpha", "1.10-beta" },
	{ "1.01.0-RC-1", "1.10.0-rc-2" },
	{ "1.01-RC-1", "1.01" },
	{ "1.01", "1.2-preview" },
	{ "1.2.3", "1.2.4" },
	{ "1.2.3", "2.0.0" },
	{ "9.9.9", "10.1.1" },
	{ "1.2.3-alpha", "1.2.3" },
	{ "1.2.3-2", "1.2.3-3" },
	{ "1.2.3-1.9", "1.2.3-1.50" },
	{ "1.2.3-2A", "1.2.3-3A" },
	{ "1.2.3-1.50A", "1.2.3-1.9A" },
	{ "1.2.3-999999", "1.2.3-Z" },
	{ "1.2.3-A.999999", "1.2.3-A.56-2" },
	{ "1.2.3-a", "1.2.3-a.2" },
	{ "1.2.3-a.2.3.4", "1.2.3-a.2.3.4.5" },
};

static const char *const equal[][2] = {
	/* [N] */
	{ "1.0.0", "1.0.0" },
	{ "1.0.0-BETA", "1.0.0-beta" },
	{ "1.0.0-BETA+AA", "1.0.0-beta+aa" },
	{ "1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa" },
	{ "1.0", "1.0.0.0" },
	{ "1.23.01", "1.23.1" },
	{ "1.45.6", "1.45.6.0" },
	{ "1.45.6-Alpha", "1.45.6-Alpha" },
	{ "1.6.2-BeTa", "1.6.02-beta" },
	{ "22.3.07     ", "22.3.07" },
	{ "2", "2.0.0" },
	{ "2.0.0.0", "2.0" },
	{ "1.2.3-a", "1.2.3-A" },
	{ "1.2.3-A-b2-C", "1.2.3-a-B2-c" },
	/* from the source */
	{ "1.0.0+a", "1.0.0+b" },       /* metadata is ignored */
	{ "1. 2", "1.2" },
	{ "\xc2\xa0" "1.0", "1" },
	{ "1.0.0--0", "1.0.0-0" },      /* int.TryParse("-0") == 0 */
	{ "1.0.0-a.-0", "1.0.0-a.0" },
};

/* From the source, strictly increasing: the legacy 4th part sits between
 * patch and the labels; labels int.TryParse reads (within int32, with an
 * optional '-') are numbers below every other label; other labels compare
 * ordinally ignoring case ('-' < digits < letters). */
static const char *const order[] = {
	"0.0.0",
	"1.0.0--2147483648",
	"1.0.0--1",
	"1.0.0-0",
	"1.0.0-1",
	"1.0.0-2147483647",
	"1.0.0--",          /* "-": not a number */
	"1.0.0---",
	"1.0.0--a",
	"1.0.0-0a",
	"1.0.0-2147483648", /* too big for int: compared as text */
	"1.0.0-a",
	"1.0.0-B",
	"1.0.0-c",
	"1.0.0-c.-1",
	"1.0.0-c.0",
	"1.0.0-c.a",
	"1.0.0",
	"1.0.0.1-beta",
	"1.0.0.1",
	"1.0.1",
	"1.1",
	"1.1.0.1",
	"2",
	"2147483647.0",
	"2147483647.2147483647.2147483647.2147483647",
};

static void t_valid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("nuget");
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
	const struct cg_version_scheme *s = cg_version_scheme_find("nuget");
	for (size_t i = 0; i < N(invalid); i++) {
		struct cg_error err;
		int r;
		cg_err_t rc = cg_version_validate(s, invalid[i].v, strlen(invalid[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, invalid[i].why),
		       "'%s' gave %s '%s', want invalid with '%s'", invalid[i].v, cg_strerror(rc),
		       err.msg, invalid[i].why);
		CHECKF(t, cg_version_cmp("nuget", "1.0", invalid[i].v, &r) == CG_ERR_INVALID,
		       "cmp with '%s' did not fail", invalid[i].v);
	}
}

static void t_less(struct cgt *t)
{
	for (size_t i = 0; i < N(less); i++) {
		CHECKF(t, vcmp(less[i][0], less[i][1]) == -1, "'%s' < '%s'", less[i][0],
		       less[i][1]);
		CHECKF(t, vcmp(less[i][1], less[i][0]) == 1, "'%s' > '%s'", less[i][1],
		       less[i][0]);
	}
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

static void t_order(struct cgt *t)
{
	for (size_t i = 0; i < N(order); i++)
		for (size_t j = 0; j < N(order); j++) {
			int want = i < j ? -1 : i > j ? 1 : 0, got = vcmp(order[i], order[j]);
			CHECKF(t, got == want, "'%s' vs '%s' gave %d, want %d", order[i], order[j],
			       got, want);
		}
}

static void t_limits(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("nuget");
	int r;
	CHECK_INT(t, cg_version_cmp_n(s, "1.0-x", 3, "1.0.0.0", 7, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, "1.0\0", 4, "1.0", 3, &r, NULL), CG_ERR_INVALID);
}

/* Antisymmetry for every pair, transitivity for every triple. */
static void t_total_order(struct cgt *t)
{
	static const char *const core[] = { "1", "1.0", "1.0.0.0", "1.0.0.1", "01.0", "1.10",
					    " 1.0.1" };
	static const char *const label[] = { "", "-0", "--1", "-1", "-a", "-A", "-a.1", "--",
					     "-2147483648", "-0a", "-a.-0" };
	static const char *const meta[] = { "", "+x", "+00" };
	static char buf[300][40];
	static const char *v[300];
	static int c[300][300];
	size_t n = 0;
	for (size_t i = 0; i < N(core); i++)
		for (size_t j = 0; j < N(label); j++)
			for (size_t k = 0; k < N(meta) && n < 300; k++, n++) {
				snprintf(buf[n], sizeof(buf[n]), "%s%s%s", core[i], label[j],
					 meta[k]);
				v[n] = buf[n];
			}
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
	CGT_CASE(t_valid), CGT_CASE(t_invalid), CGT_CASE(t_less),	  CGT_CASE(t_equal),
	CGT_CASE(t_order), CGT_CASE(t_limits),	CGT_CASE(t_total_order),
};
CGT_MAIN(cases)
