/* RPM version comparison (lib/version/rpm.c). Every expected result below was
 * checked against rpm 4.18's Python binding: rpm.ver(s) for the split and
 * rpm.labelCompare((e, v, r), (e, v, r)) for the order. */
#include <cguard/cguard.h>
#include "cgtest.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

struct pair {
	const char *a, *b;
	int want; /* a <=> b */
};

static const struct cg_version_scheme *rpm(void)
{
	return cg_version_scheme_find("rpm");
}

static int cmp(struct cgt *t, const char *a, size_t an, const char *b, size_t bn)
{
	struct cg_error err;
	int r = 2;
	cg_err_t rc = cg_version_cmp_n(rpm(), a, an, b, bn, &r, &err);
	CHECKF(t, rc == CG_OK, "'%.*s' vs '%.*s': %s", (int)an, a, (int)bn, b,
	       cg_error_message(&err));
	return r;
}

static void check_pairs(struct cgt *t, const struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t an = strlen(p[i].a), bn = strlen(p[i].b);
		int r = cmp(t, p[i].a, an, p[i].b, bn);
		int back = cmp(t, p[i].b, bn, p[i].a, an);
		CHECKF(t, r == p[i].want && back == -p[i].want, "'%s' vs '%s': %d/%d, want %d",
		       p[i].a, p[i].b, r, back, p[i].want);
		CHECKF(t, cmp(t, p[i].a, an, p[i].a, an) == 0, "'%s' vs itself", p[i].a);
	}
}

static void t_rpm_segments(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.0.1", -1 },
		{ "1.9", "1.10", -1 },
		{ "1.0a", "1.0.1", -1 }, /* a letter run loses to a digit run */
		{ "1.0", "1.0a", -1 },   /* something left over wins */
		{ "10", "9a", 1 },
		{ "a", "1", -1 },
		{ "1a", "1.a", 0 },      /* separators only split */
		{ "1.0", "1_0", 0 },
		{ "1..0", "1.0", 0 },
		{ "1.0.\xe9", "1.0", 0 }, /* non-ASCII bytes are separators */
		{ "1.0\xe9" "a", "1.0.a", 0 },
		{ "1.0001", "1.1", 0 },
		{ "1.0aa", "1.0a", 1 },
		{ "10b2", "10a1", 1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_rpm_tilde_caret(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc1~git", 1 },
		{ "1.0~", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0^", "1.0", 1 },          /* '^' beats the end */
		{ "1.0^git1", "1.0.1", -1 },   /* but loses to any run */
		{ "1.0^git1", "1.01", -1 },
		{ "1.0^git1", "1.0~rc1", 1 },
		{ "1.0~rc1^git1", "1.0~rc1", 1 },
		{ "1.0^git1~pre", "1.0^git1", -1 },
		{ "1.0^20160101^git1", "1.0^20160102", -1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_rpm_evr(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1:1.0", "2.0", 1 },
		{ "0:1.0", "1.0", 0 },          /* a missing epoch is 0 */
		{ ":1.0", "1.0", 0 },           /* an empty one too */
		{ "01:1.0", "1:1.0", 0 },
		{ "00000000000000000000001:1", "1:1", 0 },
		{ "99999999999999999999999:1", "99999999999999999999998:2", 1 },
		{ "a:1", "1", -1 },             /* not an epoch: version "a:1" */
		{ "b~1:1", "a1:1", 1 },
		{ "1.0", "1.0-1", -1 },         /* a missing release sorts first */
		{ "1.0", "1.0-", -1 },
		{ "1.0-", "1.0-0", -1 },
		{ "1.0-1", "1.0-1.el8", -1 },
		{ "1.0-1.el8", "1.0-1.el8_1", -1 },
		{ "1.0-1.el8_1", "1.0-1.el8.1", 0 },
		{ "1.0-1-2", "1.0-1", 1 },      /* the last '-' splits: version 1.0-1 */
		{ "1.0-1-2", "1.0-2", 1 },
		{ "0:3.10.0-229.el7", "0:3.10.0-229.1.2.ael7b", -1 },
		{ "1:1.26.0-14.el8_3", "1:1.26.0-14.el8", 1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_rpm_long_digits(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.123456789012345678901234567890", "1.123456789012345678901234567891", -1 },
		{ "1.0000000000000000000000000000001", "1.1", 0 },
		{ "18446744073709551616", "18446744073709551615", 1 },
		{ "1-99999999999999999999999999999999", "1-100000000000000000000000000000000", -1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_rpm_invalid(struct cgt *t)
{
	static const struct {
		const char *v;
		size_t n;
		const char *why;
	} b[] = {
		{ "", 0, "empty" },
		{ "1.0 ", 0, "space" },
		{ " 1.0", 0, "space" },
		{ "1.0-1 el8", 0, "space" },
		{ "1.0\t", 0, "control" },
		{ "1.0\n", 0, "control" },
		{ "1.0\x7f", 0, "control" },
		{ "1.0\0" "1", 5, "NUL" },
		{ "1:", 0, "version is empty" },
		{ "-1", 0, "version is empty" },
		{ "1:-1", 0, "version is empty" },
	};
	for (size_t i = 0; i < N_(b); i++) {
		struct cg_error err;
		size_t len = b[i].n ? b[i].n : strlen(b[i].v);
		int r = 2;
		cg_err_t rc = cg_version_validate(rpm(), b[i].v, len, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, b[i].why), "'%s': %s, want '%s'",
		       b[i].v, rc ? err.msg : "valid", b[i].why);
		rc = cg_version_cmp_n(rpm(), "1.0", 3, b[i].v, len, &r, &err);
		CHECKF(t, rc == CG_ERR_INVALID, "cmp with '%s' gave %d", b[i].v, rc);
	}
	/* rpm accepts almost anything */
	CHECK(t, cg_version_validate(rpm(), "+", 1, NULL) == CG_OK);
	CHECK(t, cg_version_validate(rpm(), "1-", 2, NULL) == CG_OK);
	CHECK(t, cg_version_validate(rpm(), "1.1.\xce\xb1", 6, NULL) == CG_OK);
}

/* A total order (see test_version_deb.c). */
static void t_rpm_total_order(struct cgt *t)
{
	static const char alphabet[] = "0019.~^-:a_";
	char v[300][8];
	size_t lens[300], n = 0;
	uint32_t x = 777;
	long bad = 0;

	while (n < 300) {
		size_t len = 1 + (x >> 7) % 7;
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			v[n][k] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		x = x * 1103515245u + 12345u;
		if (cg_version_validate(rpm(), v[n], len, NULL) == CG_OK)
			lens[n++] = len;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int ij = cmp(t, v[i], lens[i], v[j], lens[j]);
			if (ij != -cmp(t, v[j], lens[j], v[i], lens[i]))
				bad++;
			if (ij > 0)
				continue;
			for (size_t k = 0; k < n; k += 13)
				if (cmp(t, v[j], lens[j], v[k], lens[k]) <= 0 &&
				    cmp(t, v[i], lens[i], v[k], lens[k]) > 0)
					bad++;
		}
	CHECKF(t, bad == 0, "%ld order violations", bad);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_rpm_segments), CGT_CASE(t_rpm_tilde_caret), CGT_CASE(t_rpm_evr),
	CGT_CASE(t_rpm_long_digits), CGT_CASE(t_rpm_invalid), CGT_CASE(t_rpm_total_order),
};
CGT_MAIN(cases)
