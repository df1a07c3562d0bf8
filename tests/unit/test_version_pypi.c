/* PyPI versions: PEP 440 as packaging.version.Version orders and validates
 * them, and strings that are not PEP 440 as packaging 21's LegacyVersion.
 * Every expectation here was checked against packaging 23.0 and 21.3
 * (python3-packaging, and the copy vendored in Debian's pip wheel). */
#include <cguard/cguard.h>
#include "version/scheme.h"
#include "cgtest.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct rank_case {
	const char *v;
	int rank; /* ascending; equal ranks compare equal */
};

struct invalid_case {
	const char *v;
	const char *why; /* part of the reason */
};

struct pair_case {
	const char *a, *b;
	int want;
};

static const struct rank_case order[] = {
	{ "foo", 0 },
	{ "0.1-bulbasaur", 1 },
	{ "0.1-charmander", 2 },
	{ "0.3m1", 3 },
	{ "0.3m2", 4 },
	{ "0.7.1.fix1", 5 },
	{ "1.0beta6.1", 6 },
	{ "1.3.1-STAGING", 7 },
	{ "2.0.0-final", 8 },
	{ "2.0.1rc2-git", 9 },
	{ "2013-09-11T19-27-10", 10 },
	{ "0.dev0", 11 }, { "0.0.dev", 11 }, { "0-dev", 11 },
	{ "0", 12 },
	{ "1.0.dev0", 13 }, { "1.0.dev", 13 }, { "1.0-dev", 13 }, { "1.0DEV0", 13 },
	{ "1.0.0.dev0", 13 }, { "1.0_dev_0", 13 },
	{ "1.0.dev1", 14 },
	{ "1.0a0.dev0", 15 },
	{ "1.0a0", 16 }, { "1.0a", 16 }, { "1.0.alpha", 16 }, { "1.0-ALPHA-0", 16 },
	{ "1.0_a_0", 16 }, { "1.0a-0", 16 }, { "1.0a.", 16 },
	{ "1.0a1", 17 },
	{ "1.0a1.post0.dev0", 18 },
	{ "1.0a1.post0", 19 }, { "1.0a1-0", 19 }, { "1.0a1.r", 19 }, { "1.0a1-rev", 19 },
	{ "1.0a2", 20 },
	{ "1.0a10", 21 },
	{ "1.0b1", 22 }, { "1.0beta1", 22 }, { "1.0-B-1", 22 },
	{ "1.0prev\xc4\xb0" "ew1", 23 },
	{ "1.0prev\xc4\xb1" "ew1", 24 }, { "1.0PREV\xc4\xb1" "EW1", 24 },
	{ "1.0c1", 25 }, { "1.0rc1", 25 }, { "1.0pre1", 25 }, { "1.0preview1", 25 },
	{ "1.0-RC-1", 25 }, { "1.0.c.1", 25 },
	{ "1.0rc2", 26 },
	{ "1.0", 27 }, { "1.0.0", 27 }, { "v1.0", 27 }, { "V1.0", 27 }, { " 1.0\n", 27 },
	{ "1", 27 }, { "0!1.0", 27 }, { "\xc2\xa0" "1.0\xe2\x80\x83", 27 },
	{ "\x1c" "1.0\x1f", 27 }, { "1.0.00", 27 },
	{ "1.0+ABC", 28 }, { "1.0+abc", 28 },
	{ "1.0+abc.0", 29 }, { "1.0+abc-0", 29 }, { "1.0+abc_00", 29 },
	{ "1.0+abc.1", 30 },
	{ "1.0+abd", 31 },
	{ "1.0+i", 32 },
	{ "1.0+ia", 33 },
	{ "1.0+\xc4\xb0", 34 },
	{ "1.0+k", 35 }, { "1.0+K", 35 }, { "1.0+\xe2\x84\xaa", 35 },
	{ "1.0+z", 36 },
	{ "1.0+\xc4\xb1", 37 },
	{ "1.0+\xc5\xbf", 38 },
	{ "1.0+0", 39 }, { "1.0+000", 39 },
	{ "1.0+1.a", 40 },
	{ "1.0+2", 41 },
	{ "1.0+10", 42 }, { "1.0+010", 42 },
	{ "1.0.post0.dev0", 43 }, { "1.0-post-dev", 43 },
	{ "1.0.post0", 44 }, { "1.0-0", 44 }, { "1.0.r0", 44 }, { "1.0rev", 44 },
	{ "1.0-post", 44 }, { "1.0.post.", 44 },
	{ "1.0.post1", 45 }, { "1.0-1", 45 }, { "1.0r1", 45 }, { "1.0.POST.1", 45 },
	{ "1.0.post1+local", 46 },
	{ "1.0.post99", 47 },
	{ "1.0po\xc5\xbft0", 48 },
	{ "1.1.dev1", 49 },
	{ "1.1a1", 50 },
	{ "1.1", 51 },
	{ "1.99999999999999999999999999998", 52 },
	{ "1.99999999999999999999999999999", 53 },
	{ "1.100000000000000000000000000000", 54 },
	{ "2", 55 },
	{ "1!0.1", 56 }, { "01!0.1", 56 },
	{ "99999999999999999999999!0", 57 },
};
static const struct invalid_case invalid[] = {
	{ "   ", "empty" },
	{ "1.0\xc3\xa9", "not ASCII" },
	{ "\xc3\xa9", "not ASCII" },
	{ "1.0\xff", "not ASCII" },
};

/* Not PEP 440, so legacy: below every PEP 440 version, the least of which
 * is 0.dev0. */
static const char *const legacy[] = {
	"1.0-", "1.0_1", "1.0+", "1.0+a.", "1.0..1", "1.0.", "a3", "trunk", "1.0 beta", "1!", "!1",
	"1.0-dev-1-", "v", "1.0+a+b", "1.0a1-", "2013-01-21T20:33:09+0100",
	"-class.-jw.util.version.Version-", "1.0\x7f",
};

/* Odd-looking but PEP 440 (trailing separators, spaces, 'v'). */
static const char *const pep440[] = {
	"1.0a.", "1.0-post", "1.0.post.", "1.0-dev-", "1.0a-", "v1", " 1 ", "1.0+a-b_c.d",
	"1.0.dev-", "0.dev0", "1.0a1-1", "1.0-1.dev2",
};

/* The legacy comparisons osv-scalibr's vectors hold, and the corners of
 * setuptools' old key (numbers zero-filled to 8 and compared as strings). */
static const struct pair_case pairs[] = {
	{ "2.0.1rc2-git", "0.8", -1 },
	{ "0.7.1.fix1", "0.7.4.svn.r2010", -1 },
	{ "0.7.4.svn.r2010", "0.6.4", -1 },
	{ "-class.-jw.util.version.Version-", "1.0.dev1", -1 },
	{ "0.9-horsea", "0.9-ivysaur", -1 },
	{ "0.3m9", "0.3m10", -1 },
	{ "1.0-final", "1.0", -1 },
	{ "1.0a", "1.0-final", 1 },
	{ "1.0-rc1-", "1.0-c1-", 0 },
	{ "1.0-pre", "1.0-preview", 0 },
	{ "x.1-a", "x.1a", 0 },
	{ "x.123456789", "x.99999999", -1 },
	{ "x.0001", "x.1", 0 },
	{ "1.00000000.x", "1.x", 0 },
	{ "1.000000000.x", "1.x", 1 },
	{ "1.0.-", "1.0-.", 0 },
	{ "1.0-dev0", "1.0-@0", 1 }, /* the first is PEP 440 (1.0.dev0) */
	{ "0.123456789", "0.99999999", 1 }, /* PEP 440: numbers */
};

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void t_order(struct cgt *t)
{
	for (size_t i = 0; i < COUNT(order); i++)
		for (size_t j = 0; j < COUNT(order); j++) {
			int r = 2;
			cg_err_t rc = cg_version_cmp("pypi", order[i].v, order[j].v, &r);
			int want = sign(order[i].rank - order[j].rank);
			CHECKF(t, rc == CG_OK && r == want, "'%s' vs '%s': %s %d, want %d",
			       order[i].v, order[j].v, cg_strerror(rc), r, want);
		}
}

static void t_legacy(struct cgt *t)
{
	for (size_t i = 0; i < COUNT(legacy); i++) {
		int r = 2;
		cg_err_t rc = cg_version_cmp("pypi", legacy[i], "0.dev0", &r);
		CHECKF(t, rc == CG_OK && r < 0, "'%s' should be a legacy version: %s %d", legacy[i],
		       cg_strerror(rc), r);
	}
	for (size_t i = 0; i < COUNT(pep440); i++) {
		int r = 2;
		cg_err_t rc = cg_version_cmp("pypi", pep440[i], "0.dev0", &r);
		CHECKF(t, rc == CG_OK && r >= 0, "'%s' should be PEP 440: %s %d", pep440[i],
		       cg_strerror(rc), r);
	}
}

static void t_pairs(struct cgt *t)
{
	for (size_t i = 0; i < COUNT(pairs); i++) {
		int r = 2, back = 2;
		cg_err_t rc = cg_version_cmp("pypi", pairs[i].a, pairs[i].b, &r);
		cg_err_t rc2 = cg_version_cmp("pypi", pairs[i].b, pairs[i].a, &back);
		int want = pairs[i].want;
		CHECKF(t, rc == CG_OK && rc2 == CG_OK && r == want && back == -want,
		       "'%s' vs '%s': %d/%d, want %d", pairs[i].a, pairs[i].b, r, back, want);
	}
}

static void t_invalid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("pypi");
	char longest[CG_VERSION_MAX_LEN + 2];
	struct cg_error err;
	int r;

	for (size_t i = 0; i < COUNT(invalid); i++) {
		cg_err_t rc = cg_version_validate(s, invalid[i].v, strlen(invalid[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(cg_error_message(&err), invalid[i].why),
		       "'%s': %s, want a reason with '%s'", invalid[i].v, cg_error_message(&err),
		       invalid[i].why);
		CHECK_INT(t, cg_version_cmp("pypi", invalid[i].v, "1.0", &r), CG_ERR_INVALID);
		CHECK_INT(t, cg_version_cmp("pypi", "1.0", invalid[i].v, &r), CG_ERR_INVALID);
	}
	CHECK_INT(t, cg_version_validate(s, "", 0, &err), CG_ERR_INVALID);
	CHECK_INT(t, cg_version_validate(s, "1.0\0", 4, &err), CG_ERR_INVALID);
	CHECK(t, strstr(cg_error_message(&err), "NUL") != NULL);
	/* the scheme's own checker, without the library's length and NUL checks */
	CHECK(t, cg_scheme_pypi.check("1.0\0", 4) != NULL);
	CHECK(t, cg_scheme_pypi.check("", 0) != NULL);

	/* 256 bytes is the limit: 128 release numbers fit, 257 bytes do not */
	memset(longest, 0, sizeof(longest));
	for (size_t i = 0; i < 255; i++)
		longest[i] = i % 2 ? '.' : '1';
	CHECK_INT(t, strlen(longest), 255);
	CHECK_INT(t, cg_version_validate(s, longest, 255, &err), CG_OK);
	CHECK_INT(t, cg_version_cmp("pypi", longest, "1.1", &r), CG_OK);
	CHECK_INT(t, r, 1);
	longest[255] = '0'; /* "...1.10": still 256 bytes */
	CHECK_INT(t, cg_version_validate(s, longest, 256, &err), CG_OK);
	longest[256] = '0';
	CHECK_INT(t, cg_version_validate(s, longest, 257, &err), CG_ERR_INVALID);
	CHECK(t, strstr(cg_error_message(&err), "longer than 256") != NULL);
	CHECK(t, cg_scheme_pypi.check(longest, 257) != NULL);
}

/* Strings are (pointer, length): nothing past the length is read. */
static void t_lengths(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("pypi");
	const char buf[] = "1.0a1.post2+abc";
	int r = 2;
	CHECK_INT(t, cg_version_cmp_n(s, buf, 3, "1.0", 3, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, buf, 5, "1.0a1", 5, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, buf, 11, buf, 15, &r, NULL), CG_OK);
	CHECK_INT(t, r, -1);
	/* "1.0a1.post2+" is not PEP 440 but a legacy version */
	CHECK_INT(t, cg_version_cmp_n(s, buf, 12, "0.dev0", 6, &r, NULL), CG_OK);
	CHECK_INT(t, r, -1);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_order), CGT_CASE(t_legacy), CGT_CASE(t_pairs),
	CGT_CASE(t_invalid), CGT_CASE(t_lengths),
};
CGT_MAIN(cases)
