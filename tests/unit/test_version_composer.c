/* Composer versions: composer/semver's VersionParser::normalize(), then PHP's
 * version_compare() on the normalised strings. Every expectation here was
 * checked against composer/semver 3.3.2 on PHP 8.2, except the order between
 * two different dev branches, which composer leaves undefined and the scheme
 * defines (byte order of the names). */
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
	{ "dev-Foo", 0 },
	{ "dev-bar", 1 },
	{ "dev-feature/x", 2 },
	{ "dev-master", 3 }, { "master", 3 }, { "DEV-master", 3 }, { "dev-master@dev", 3 },
	{ "dev-master as 1.0", 3 },
	{ "dev-master2", 4 },
	{ "dev-trunk", 5 }, { "trunk", 5 },
	{ "1.0-STABLE", 6 }, { "1.0-Stable", 6 },
	{ "1.0-dev", 7 }, { "1.0.0-dev", 7 }, { "1.0dev", 7 }, { "1.0.0.0-DEV", 7 },
	{ "1.0_dev", 7 }, { "1.0-.dev", 7 },
	{ "1.0-alpha", 8 }, { "1.0a", 8 }, { "1.0.0-ALPHA", 8 }, { "1.0-a", 8 },
	{ "1.0-alpha0", 9 }, { "1.0a0", 9 },
	{ "1.0-alpha1-dev", 10 }, { "1.0a1.dev", 10 },
	{ "1.0-alpha1", 11 }, { "1.0a1", 11 }, { "1.0.0-ALPHA.1", 11 }, { "v1.0.0-alpha-1", 11 },
	{ "1.0-alpha01", 11 },
	{ "1.0-alpha1.1", 12 }, { "1.0a1-1", 12 },
	{ "1.0-alpha2", 13 },
	{ "1.0-beta", 14 }, { "1.0b", 14 }, { "1.0.0-BETA", 14 },
	{ "1.0-RC1", 15 }, { "1.0rc1", 15 }, { "v1.0.0-rc.1", 15 }, { "1.0.0RC1", 15 },
	{ "1.0", 16 }, { "1.0.0", 16 }, { "1.0.0.0", 16 }, { "v1.0", 16 }, { "V1.0", 16 },
	{ "1.0-stable", 16 }, { "1.0-stable-dev", 16 }, { "1.0+build.5", 16 }, { "1.0@beta", 16 },
	{ "1.0 as 2.0", 16 }, { " 1.0 ", 16 }, { "1.00", 16 }, { "1.0-", 16 }, { "1.0.", 16 },
	{ "01.0", 16 },
	{ "1.0-patch1", 17 }, { "1.0-pl1", 17 }, { "1.0p1", 17 }, { "1.0.0-PL1", 17 },
	{ "1.0.0.1", 18 },
	{ "1.0.1", 19 },
	{ "1.5", 20 },
	{ "1.9223372036854775807", 21 }, { "1.9223372036854775808", 21 },
	{ "1.99999999999999999999", 21 },
	{ "2.0", 22 },
	{ "2023-01-01", 23 }, { "2023.01-01", 23 }, { "2023:01:01", 23 },
	{ "2023.01.01", 24 },
	{ "12345", 25 },
	{ "123456", 26 },
};
static const struct invalid_case invalid[] = {
	{ "   ", "empty" },
	{ "foo", "not a version" },
	{ "1.0-1", "not a version" },
	{ "1.0.0.0.0", "not a version" },
	{ "1.0+", "not a version" },
	{ "1.0-beta.", "not a version" },
	{ "Master", "not a version" },
	{ "1.0 beta", "not a version" },
	{ "12345678901234567.0", "not a version" },
	{ "123456.0.0.0", "not a version" },
	{ "dev", "needs a numeric branch" },
	{ "feature-dev", "needs a numeric branch" },
	{ "1.0.0.0.0-dev", "needs a numeric branch" },
	{ "1.0._dev", "needs a numeric branch" },
};
static const struct pair_case pairs[] = {
	{ "1.x-dev", "1.99", 1 },
	{ "1.x-dev", "2.0", -1 },
	{ "1.0.x-dev", "1.0 -dev", 0 },
	{ "1.0.x-dev", "1.0.9999999", 1 },
	{ "1.0.x-dev", "1.1", -1 },
	{ "v1.0.*-dev", "1.0.x-dev", 0 },
	{ "123456", "123456.0", -1 },
	{ "dev-zzz", "0.0.0-dev", -1 },
	{ "dev-", "dev-a", -1 },
	{ "1.0.0-beta.1.2", "1.0-beta1-2", 0 },
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
			cg_err_t rc = cg_version_cmp("composer", order[i].v, order[j].v, &r);
			int want = sign(order[i].rank - order[j].rank);
			CHECKF(t, rc == CG_OK && r == want, "'%s' vs '%s': %s %d, want %d",
			       order[i].v, order[j].v, cg_strerror(rc), r, want);
		}
}

/* Numeric branches: x is 9999999; and normalize()'s stranger corners. */
static void t_pairs(struct cgt *t)
{
	for (size_t i = 0; i < COUNT(pairs); i++) {
		int r = 2, back = 2;
		cg_err_t rc = cg_version_cmp("composer", pairs[i].a, pairs[i].b, &r);
		cg_err_t rc2 = cg_version_cmp("composer", pairs[i].b, pairs[i].a, &back);
		int want = pairs[i].want;
		CHECKF(t, rc == CG_OK && rc2 == CG_OK && r == want && back == -want,
		       "'%s' vs '%s': %d/%d, want %d", pairs[i].a, pairs[i].b, r, back, want);
	}
}

static void t_invalid(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("composer");
	char longest[CG_VERSION_MAX_LEN + 2];
	struct cg_error err;
	int r;

	for (size_t i = 0; i < COUNT(invalid); i++) {
		cg_err_t rc = cg_version_validate(s, invalid[i].v, strlen(invalid[i].v), &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(cg_error_message(&err), invalid[i].why),
		       "'%s': %s, want a reason with '%s'", invalid[i].v, cg_error_message(&err),
		       invalid[i].why);
		CHECK_INT(t, cg_version_cmp("composer", invalid[i].v, "1.0", &r), CG_ERR_INVALID);
		CHECK_INT(t, cg_version_cmp("composer", "1.0", invalid[i].v, &r), CG_ERR_INVALID);
	}
	CHECK_INT(t, cg_version_validate(s, "", 0, &err), CG_ERR_INVALID);
	/* trim() would strip a NUL at the end; we refuse it everywhere */
	CHECK(t, cg_scheme_composer.check("1.0\0", 4) != NULL);
	CHECK(t, cg_scheme_composer.check("\0" "1.0", 4) != NULL);
	CHECK_INT(t, cg_version_cmp_n(s, "1.0\0", 4, "1.0", 3, &r, NULL), CG_ERR_INVALID);

	/* a branch name of 252 bytes fits in 256; 257 bytes do not */
	memset(longest, 0, sizeof(longest));
	memcpy(longest, "dev-", 4);
	memset(longest + 4, 'b', 252);
	CHECK_INT(t, cg_version_validate(s, longest, 256, &err), CG_OK);
	CHECK_INT(t, cg_version_cmp("composer", longest, "dev-c", &r), CG_OK);
	CHECK_INT(t, r, -1);
	longest[256] = 'b';
	CHECK_INT(t, cg_version_validate(s, longest, 257, &err), CG_ERR_INVALID);
	CHECK(t, strstr(cg_error_message(&err), "longer than 256") != NULL);
	CHECK(t, cg_scheme_composer.check(longest, 257) != NULL);
	/* the most parts 256 bytes can hold: 1.0-beta1.1.1... */
	memset(longest, 0, sizeof(longest));
	memcpy(longest, "1.0-beta1", 9);
	for (size_t i = 9; i + 1 < 256; i += 2)
		memcpy(longest + i, ".1", 2);
	CHECK_INT(t, cg_version_validate(s, longest, strlen(longest), &err), CG_OK);
	CHECK_INT(t, cg_version_cmp("composer", longest, "1.0-beta1.1", &r), CG_OK);
	CHECK_INT(t, r, 1);
}

/* Strings are (pointer, length): nothing past the length is read. */
static void t_lengths(struct cgt *t)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("composer");
	const char buf[] = "v1.2.3-RC1-dev";
	int r = 2;
	CHECK_INT(t, cg_version_cmp_n(s, buf, 6, "1.2.3", 5, &r, NULL), CG_OK);
	CHECK_INT(t, r, 0);
	CHECK_INT(t, cg_version_cmp_n(s, buf, 10, buf, 14, &r, NULL), CG_OK);
	CHECK_INT(t, r, 1);
	/* "v1.2.3-RC1-d" is not a version */
	CHECK_INT(t, cg_version_cmp_n(s, buf, 12, "1", 1, &r, NULL), CG_ERR_INVALID);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_order), CGT_CASE(t_pairs), CGT_CASE(t_invalid), CGT_CASE(t_lengths),
};
CGT_MAIN(cases)
