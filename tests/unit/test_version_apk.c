/* Alpine version comparison (lib/version/apk.c). The expected results are
 * apk-tools 2.10's apk_version_compare() (Alpine 3.10), except where a test
 * says it follows one of the deviations documented in apk.c. */
#include <cguard/cguard.h>
#include "cgtest.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

struct pair {
	const char *a, *b;
	int want; /* a <=> b */
};

static const struct cg_version_scheme *apk(void)
{
	return cg_version_scheme_find("apk");
}

static int cmp(struct cgt *t, const char *a, size_t an, const char *b, size_t bn)
{
	struct cg_error err;
	int r = 2;
	cg_err_t rc = cg_version_cmp_n(apk(), a, an, b, bn, &r, &err);
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

static void t_apk_suffixes(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1_alpha", "1_beta", -1 },
		{ "1_beta", "1_pre", -1 },
		{ "1_pre", "1_rc", -1 },
		{ "1_rc", "1", -1 },
		{ "1", "1_cvs", -1 },
		{ "1_cvs", "1_svn", -1 },
		{ "1_svn", "1_git", -1 },
		{ "1_git", "1_hg", -1 },
		{ "1_hg", "1_p", -1 },
		/* pre-release suffixes are worth less than 0: their numbers must
		 * still count (a bug in an early version of apk.c) */
		{ "1_alpha2", "1_alpha", 1 },
		{ "1_alpha2", "1_alpha10", -1 },
		{ "1_rc1-r0", "1_rc1-r1", -1 },
		{ "1_pre1", "1_pre", 1 },
		{ "1_p1_p2", "1_p1", 1 },
		{ "1_", "1_cvs", 0 }, /* apk: an empty suffix at the end is worth 0 */
		{ "3.9_pre20060124", "0.01", 1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_apk_numbers(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.9", "1.10", -1 },
		{ "006", "6", 0 },        /* the first number is numeric */
		{ "1.05", "1.5", -1 },    /* after '.', leading zeros weigh -count */
		{ "1.0", "1.00", 1 },
		{ "1.0.4", "1.00", 1 },
		{ "1.0", "1", 1 },
		{ "1.06-r6", "006", -1 },
		/* any length (apk-tools' int wraps above 2^31) */
		{ "1.123456789012345678901234567890", "1.123456789012345678901234567891", -1 },
		{ "2.1.9.200602141850", "2.1.9.2006021418", 1 },
		{ "1.2147483648", "1.2147483647", 1 },
		{ "1-r4294967296", "1-r1", 1 },
		{ "99999999999999999999", "100000000000000000000", -1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_apk_letters_revisions(struct cgt *t)
{
	static const struct pair p[] = {
		/* the next token's kind when values agree: '.' > letter >
		 * post-suffix > revision > end */
		{ "1.1", "1a", 1 },
		{ "1a", "1_p", 1 },
		{ "1_p", "1-r1", 1 },
		{ "1-r1", "1", 1 },
		{ "1-r", "1-r0", 0 },
		{ "1-r1", "1-r01", 0 },
		{ "1.0", "1.0b", -1 },
		{ "2.5.1-r8", "2.5.1a-r1", -1 },
		/* 2.10 reads digits after a letter (apk-tools >= 2.12 refuses them) */
		{ "5.7.1p1", "5.7.1p2", -1 },
		{ "5.7.1p1-r0", "5.7.1p1-r1", -1 },
		{ "6.6.2p1", "6.6.2_p1", 1 },
	};
	check_pairs(t, p, N_(p));
}

/* Where apk.c follows the reference vectors instead of 2.10. */
static void t_apk_deviations(struct cgt *t)
{
	static const struct pair p[] = {
		/* 1: a malformed rest sorts below the end (2.10: above) */
		{ "1-r-0", "1-r0", -1 },
		{ "1-r-1", "1-r0", -1 },
		{ "1.2.0A", "1.2.0d", -1 },
		{ "1_prefoo", "1_pre", -1 },
		{ "1_blah", "1_rc", -1 },
		{ "1_blah", "1", -1 },   /* an unknown suffix counts as pre-release */
		{ "1_blah", "1_beta", 1 },
		{ "1-ruff2", "1-ruff1", 0 }, /* equal once malformed */
		{ "1-r0-1", "1-r-2", 0 },
		/* 2: "-r" then a letter is malformed at the '-' */
		{ "1", "1-ruff", 1 },
		{ "1-ruff2", "1--ruff1", 0 },
		/* 3: '.' then a letter sorts just above a malformed rest */
		{ "0.r1", "0r2", -1 },
		{ "0.8.21.r2", "0.8.21r2", -1 },
		{ "0.8.21.r2", "0.8.21.r1", 1 },
		{ "1.a", "1", -1 },
	};
	check_pairs(t, p, N_(p));
}

/* What `apk version -t` compares although apk_version_validate() refuses. */
static void t_apk_lenient(struct cgt *t)
{
	static const struct pair p[] = {
		{ "a", "b", -1 },
		{ ".1", "1", -1 },
		{ ".2", ".1", 1 },
		{ "xyz10", "xyz10", 0 },
		{ "1.0bc", "1.0", 1 },
		{ "23_foo", "4_beta", 1 },
	};
	static const struct {
		const char *v;
		size_t n;
		const char *why;
	} b[] = {
		{ "", 0, "empty" },
		{ "1 0", 0, "space" },
		{ "1.0\n", 0, "control" },
		{ "1.0\xc3\xa9", 0, "non-ASCII" },
		{ "1.0\0" "1", 5, "NUL" },
	};
	check_pairs(t, p, N_(p));
	for (size_t i = 0; i < N_(b); i++) {
		struct cg_error err;
		size_t len = b[i].n ? b[i].n : strlen(b[i].v);
		int r = 2;
		cg_err_t rc = cg_version_validate(apk(), b[i].v, len, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, b[i].why), "'%s': %s, want '%s'",
		       b[i].v, rc ? err.msg : "valid", b[i].why);
		rc = cg_version_cmp_n(apk(), b[i].v, len, "1", 1, &r, &err);
		CHECKF(t, rc == CG_ERR_INVALID, "cmp with '%s' gave %d", b[i].v, rc);
	}
}

/* A total order, on strings made of apk's tokens and junk. */
static void t_apk_total_order(struct cgt *t)
{
	static const char *const parts[] = { "0",  "1",	 "00", "01", ".",   "_alpha", "_p",
					     "_rc", "_cvs", "_",  "_x", "-r",  "-r1",    "-",
					     "a",  "p",	 "r",  "A",  "~1" };
	char v[300][40];
	size_t lens[300], n = 0;
	uint32_t x = 4242;
	long bad = 0;

	while (n < 300) {
		size_t len = 0, k = 1 + (x >> 9) % 5;
		while (k--) {
			const char *s;
			x = x * 1103515245u + 12345u;
			s = parts[(x >> 16) % N_(parts)];
			memcpy(v[n] + len, s, strlen(s));
			len += strlen(s);
		}
		x = x * 1103515245u + 12345u;
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
	CGT_CASE(t_apk_suffixes),  CGT_CASE(t_apk_numbers),   CGT_CASE(t_apk_letters_revisions),
	CGT_CASE(t_apk_deviations), CGT_CASE(t_apk_lenient), CGT_CASE(t_apk_total_order),
};
CGT_MAIN(cases)
