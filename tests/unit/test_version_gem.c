/* RubyGems versions: Gem::Version's correct? and <=>. Every expectation here
 * was checked against RubyGems 3.3.15 (Ruby 3.1), except the relaxation the
 * scheme documents: a first component with letters ("1beta"), which RubyGems
 * refuses and osv-scalibr's vectors use; those were checked against
 * Gem::Version#<=> on the same segments. */
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

static const struct rank_case order[] = {
	{ "0.0.a", 0 }, { "0.a", 0 },
	{ "0", 1 }, { "0.0", 1 }, { " ", 1 }, { "00", 1 }, { "0.0.0", 1 }, { "\t0\n", 1 },
	{ "1.B", 2 },
	{ "1.Z", 3 },
	{ "1.a", 4 }, { "1.0.a", 4 }, { "1.0.a.0", 4 }, { "1.a.0.0", 4 },
	{ "1.a.1", 5 },
	{ "1.b", 6 },
	{ "1.beta", 7 }, { "1beta", 7 }, { "1.0.beta", 7 },
	{ "1.gamma", 8 }, { "1gamma", 8 },
	{ "1-a", 9 }, { "1.pre.a", 9 },
	{ "1--1", 10 }, { "1.pre.pre.1", 10 },
	{ "1.pre", 11 }, { "1.0.pre", 11 },
	{ "1-1", 12 }, { "1.pre.1", 12 },
	{ "1.rc1", 13 }, { "1.rc.1", 13 }, { "1rc1", 13 },
	{ "1", 14 }, { "1.0", 14 }, { "1.0.0", 14 }, { " 1\t", 14 }, { "01", 14 },
	{ "1.0.1.a", 15 },
	{ "1.0.1", 16 },
	{ "1.1a", 17 }, { "1.1.a", 17 },
	{ "1.1", 18 },
	{ "1.2.4.beta", 19 },
	{ "1.2.4", 20 },
	{ "3.2", 21 },
	{ "3.10", 22 },
	{ "999999999999999999999999999991", 23 },
	{ "999999999999999999999999999999", 24 },
	{ "1000000000000000000000000000000", 25 },
};
static const struct invalid_case invalid[] = {
	{ "a", "does not start with a digit" },
	{ ".1", "does not start with a digit" },
	{ "-1", "does not start with a digit" },
	{ "1.", "empty segment" },
	{ "1..2", "empty segment" },
	{ "1-", "empty segment" },
	{ "1.-1", "empty segment" },
	{ "1.0 beta", "unexpected character" },
	{ "1_0", "unexpected character" },
	{ "1.0+x", "unexpected character" },
	{ "1.0\xc3\xa9", "unexpected character" },
	{ "1.0\xa0", "unexpected character" },
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
			cg_err_t rc = cg_version_cmp("gem", order[i].v, order[j].v, &r);
			int want = sign(order[i].rank - order[j].rank);
			CHECKF(t, rc == CG_OK && r == want, "'%s' vs '%s': %s %d, want %d",
			       order[i].v, order[j].v, cg_strerror(rc), r, want);
		}
}

static void t_invalid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("gem");
	char longest[CG_VERSION_MAX_LEN + 2];
	struct cg_error err;
	int r;

	for (size_t i = 0; i < COUNT(invalid); i++) {
		cg_err_t rc = cg_version_validate(s, invalid[i].v, strlen(invalid[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(cg_error_message(&err), invalid[i].why),
		       "'%s': %s, want a reason with '%s'", invalid[i].v, cg_error_message(&err),
		       invalid[i].why);
		CHECK_INT(t, cg_version_cmp("gem", invalid[i].v, "1.0", &r), CG_ERR_INVALID);
		CHECK_INT(t, cg_version_cmp("gem", "1.0", invalid[i].v, &r), CG_ERR_INVALID);
	}
	/* Gem::Version.new("") is "0", but the library refuses empty versions */
	CHECK_INT(t, cg_version_validate(s, "", 0, &err), CG_ERR_INVALID);
	CHECK(t, cg_scheme_gem.check("", 0) != NULL);
	CHECK(t, cg_scheme_gem.check("1\0", 2) != NULL);

	/* 256 segments fit ("1-----...", each "-" is the segment "pre"); 257
	 * bytes do not */
	memset(longest, 0, sizeof(longest));
	memset(longest, '-', 256);
	longest[0] = '1';
	CHECK_INT(t, cg_version_validate(s, longest, 256, &err), CG_OK);
	CHECK_INT(t, cg_version_cmp("gem", longest, "1.a.1.a", &r), CG_OK);
	CHECK_INT(t, r, 1);
	CHECK_INT(t, cg_version_cmp("gem", longest, "1.pre.pre.pre", &r), CG_OK);
	CHECK_INT(t, r, -1);
	longest[256] = '-';
	CHECK_INT(t, cg_version_validate(s, longest, 257, &err), CG_ERR_INVALID);
	CHECK(t, strstr(cg_error_message(&err), "longer than 256") != NULL);
	CHECK(t, cg_scheme_gem.check(longest, 257) != NULL);
}

/* Strings are (pointer, length): nothing past the length is read. */
static void t_lengths(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("gem");
	const char buf[] = "1.0.0-rc.1";
	int r = 2;
	CHECK_INT(t, cg_version_cmp_n(s, buf, 1, "1.0", 3, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, buf, 10, buf, 5, &r, NULL), CG_OK);
	CHECK_INT(t, r, -1);
	/* "1.0.0-" is not a version */
	CHECK_INT(t, cg_version_cmp_n(s, buf, 6, "1", 1, &r, NULL), CG_ERR_INVALID);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_order),
	CGT_CASE(t_invalid),
	CGT_CASE(t_lengths),
};
CGT_MAIN(cases)
