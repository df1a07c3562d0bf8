/* Debian version comparison (lib/version/deb.c). Every expected result below
 * was checked against dpkg 1.21.23 (libdpkg's parseversion() and
 * dpkg_version_compare(), and `dpkg --compare-versions` on amd64). */
#include <cguard/cguard.h>
#include "cgtest.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

struct pair {
	const char *a, *b;
	int want; /* a <=> b */
};

struct bad {
	const char *v;
	size_t n; /* 0: strlen(v) */
	const char *why;
};

static const struct cg_version_scheme *deb(void)
{
	return cg_version_scheme_find("deb");
}

static int cmp(struct cgt *t, const char *a, size_t an, const char *b, size_t bn)
{
	struct cg_error err;
	int r = 2;
	cg_err_t rc = cg_version_cmp_n(deb(), a, an, b, bn, &r, &err);
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

static void check_bad(struct cgt *t, const struct bad *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cg_error err;
		size_t len = b[i].n ? b[i].n : strlen(b[i].v);
		int r = 2;
		cg_err_t rc = cg_version_validate(deb(), b[i].v, len, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, b[i].why), "'%s': %s, want '%s'",
		       b[i].v, rc ? err.msg : "valid", b[i].why);
		rc = cg_version_cmp_n(deb(), "1.0", 3, b[i].v, len, &r, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, "b is not"), "cmp with '%s': %s",
		       b[i].v, err.msg);
		rc = cg_version_cmp_n(deb(), b[i].v, len, "1.0", 3, &r, &err);
		CHECKF(t, rc == CG_ERR_INVALID && strstr(err.msg, "a is not"), "cmp with '%s': %s",
		       b[i].v, err.msg);
	}
}

static void t_deb_basic(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.1", -1 },
		{ "1.9", "1.10", -1 },
		{ "1.0", "1.0.1", -1 },
		{ "1.0", "1.00", 0 },
		{ "1.0", "1.0-0", 0 }, /* no revision is revision "" == "0" */
		{ "1.0-1", "1.0-01", 0 },
		{ "1.0-1", "1.0-2", -1 },
		{ "1.0-a", "1.0-1", 1 },   /* a letter beats a digit run */
		{ "1.0-1-1", "1.0-1", 1 }, /* the last '-' splits: upstream 1.0-1 */
		{ "1-2-3", "1-2-3", 0 },
		{ "1.0", "1.0a", -1 },
		{ "1.0a", "1.0+", -1 },   /* letters sort before other characters */
		{ "1.0+", "1.0.", -1 },   /* '+' < '.' by ASCII */
		{ "1.0", "1.0+b1", -1 },
		{ "2.7.4+reloaded2-13ubuntu1", "2.7.4+reloaded2-13+deb9u1", -1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_deb_tilde(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~", "1.0", -1 },
		{ "1.0~~", "1.0~~a", -1 },
		{ "1.0~~", "1.0~", -1 },
		{ "1.0~rc1-1", "1.0-1", -1 },
		{ "1.0-1~bpo1", "1.0-1", -1 },
		{ "1.2.3-1~deb7u1", "1.2.3-1", -1 },
		{ "~1", "1", -1 },
	};
	check_pairs(t, p, N_(p));
}

static void t_deb_epoch(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1:1.0", "2.0", 1 },
		{ "0:1.0", "1.0", 0 },
		{ "2:1.0", "10:1.0", -1 },
		{ "00000000000000000000000000001:1.0", "1:1.0", 0 },
		{ "2147483647:1", "2147483646:9", 1 }, /* INT_MAX is allowed */
		/* the epoch is read by strtol(): a sign and leading \n\v\f\r pass */
		{ "+1:1.0", "1:1.0", 0 },
		{ "-0:1.0", "1.0", 0 },
		{ "\n1:1.0", "1:1.0", 0 },
		{ "\v1:1.0", "0:9", 1 },
		/* a ':' in the upstream version needs an epoch */
		{ "1:1.0:2", "1:1.0", 1 },
	};
	check_pairs(t, p, N_(p));
}

/* Digit runs of any length compare exactly (dpkg never converts them). */
static void t_deb_long_digits(struct cgt *t)
{
	static const struct pair p[] = {
		{ "1.123456789012345678901234567890", "1.123456789012345678901234567891", -1 },
		{ "1.0000000000000000000000000000001", "1.1", 0 },
		{ "1.99999999999999999999999999999", "1.100000000000000000000000000000", -1 },
		{ "18446744073709551616", "18446744073709551615", 1 },
		{ "1-99999999999999999999999999999999", "1-100000000000000000000000000000000", -1 },
	};
	check_pairs(t, p, N_(p));
}

/* What dpkg only warns about compares; blanks around are trimmed. */
static void t_deb_warnings_accepted(struct cgt *t)
{
	static const struct pair p[] = {
		{ "a1.0", "1.0", 1 },       /* does not start with a digit */
		{ "<unknown>", "1", 1 },    /* a plain version here, not dpkg's blank */
		{ "1.0_1", "1.0.1", 1 },    /* '_' is not allowed: compared by ASCII */
		{ "1.0-1_2", "1.0-1", 1 },  /* nor in the revision */
		{ " 1.0 ", "1.0", 0 },
		{ "\t1.0", "1.0\t", 0 },
		/* bytes >= 0x80 weigh as dpkg's signed char: between letters and
		 * ASCII punctuation */
		{ "1.0\xe9", "1.0+", -1 },
		{ "1.0\xe9", "1.0z", 1 },
		{ "1.0\x80", "1.0\xff", -1 },
	};
	check_pairs(t, p, N_(p));
	CHECK(t, cg_version_validate(deb(), "a1.0", 4, NULL) == CG_OK);
}

static void t_deb_invalid(struct cgt *t)
{
	static const struct bad b[] = {
		{ "", 0, "empty" },
		{ "  ", 0, "version string is empty" },
		{ "1 0", 0, "embedded spaces" },
		{ "1.0 x", 0, "embedded spaces" },
		{ "1.0\t-1", 0, "embedded spaces" },
		{ "1.0\0" "1", 5, "NUL" },
		{ ":1", 0, "epoch in version is empty" },
		{ "-:1", 0, "epoch in version is empty" },
		{ "+:1", 0, "epoch in version is empty" },
		{ "a:1", 0, "epoch in version is empty" },
		{ "1a:1", 0, "epoch in version is not number" },
		{ "1.0-1:2", 0, "epoch in version is not number" },
		{ "-1:1", 0, "epoch in version is negative" },
		{ "-99999999999999999999:1", 0, "epoch in version is negative" },
		{ "2147483648:1", 0, "epoch in version is too big" },
		{ "99999999999999999999999:1", 0, "epoch in version is too big" },
		{ "1:", 0, "nothing after colon" },
		{ "1.0-", 0, "revision number is empty" },
		{ "1:1.0-", 0, "revision number is empty" },
		{ "-1", 0, "version number is empty" },
		{ "1:-1", 0, "version number is empty" },
	};
	check_bad(t, b, N_(b));
}

/* A total order: sorting a pseudo-random set must leave every pair in order,
 * and a <=> b must be -(b <=> a). */
static void t_deb_total_order(struct cgt *t)
{
	static const char alphabet[] = "0019.~+-:az";
	char v[300][8];
	size_t lens[300], n = 0;
	uint32_t x = 12345;
	long bad = 0;

	while (n < 300) {
		size_t len = 1 + (x >> 7) % 7;
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			v[n][k] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		x = x * 1103515245u + 12345u;
		if (cg_version_validate(deb(), v[n], len, NULL) == CG_OK)
			lens[n++] = len;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int ij = cmp(t, v[i], lens[i], v[j], lens[j]);
			int ji = cmp(t, v[j], lens[j], v[i], lens[i]);
			if (ij != -ji)
				bad++;
			if (ij > 0)
				continue;
			for (size_t k = 0; k < n; k += 13) /* i <= j <= k implies i <= k */
				if (cmp(t, v[j], lens[j], v[k], lens[k]) <= 0 &&
				    cmp(t, v[i], lens[i], v[k], lens[k]) > 0)
					bad++;
		}
	CHECKF(t, bad == 0, "%ld order violations", bad);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_deb_basic),	     CGT_CASE(t_deb_tilde),
	CGT_CASE(t_deb_epoch),	     CGT_CASE(t_deb_long_digits),
	CGT_CASE(t_deb_warnings_accepted), CGT_CASE(t_deb_invalid),
	CGT_CASE(t_deb_total_order),
};
CGT_MAIN(cases)
