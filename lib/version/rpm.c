/* RPM versions: rpmvercmp() of rpm 4.18 (rpmio/rpmvercmp.c) on each part of
 * [epoch:]version[-release], split as rpm's parseEVR() splits and ordered as
 * rpm.labelCompare() orders, all in place.
 *
 * Split: the leading digits are the epoch when a ':' follows them (":1.0" has
 * epoch 0); otherwise there is no epoch and any ':' belongs to the version
 * ("a:1" is the version "a:1"). The release is what follows the last '-'
 * after the epoch.
 *
 * Order: epoch (a missing one is 0), then version, then release, each with
 * rpmvercmp(); a missing release sorts below every release, "" included
 * ("1" < "1-" < "1-0"), which is labelCompare()'s rule and keeps the order
 * total (librpm's rpmdsCompare() instead lets a missing release match any,
 * which is a range test, not an order).
 *
 * rpmvercmp(): separators (everything but ASCII letters, digits, '~' and '^')
 * only split; the strings are walked as runs of digits (compared as numbers of
 * any length) and runs of letters (compared bytewise), a digit run beating a
 * letter run; '~' sorts below everything, the end included ("1.0~rc1" <
 * "1.0"); '^' sorts above the end but below any run ("1.0" < "1.0^git1" <
 * "1.0.1"); when all runs agree, the string with something left wins.
 *
 * Validity: rpm itself accepts any string. Here a version must be non-empty,
 * hold no white space, control character or DEL (rpmbuild refuses those), and
 * have a non-empty version part ("1:" and "-1" are refused). Anything else is
 * compared as rpm compares it, bytes 0x80-0xff included (they separate, like
 * '.'). */
#include "util/internal.h"
#include "version/scheme.h"

struct rpm_evr {
	const char *e; /* epoch digits; "0" when there is none */
	size_t en;
	const char *v;
	size_t vn;
	const char *r; /* NULL when there is no release */
	size_t rn;
};

static inline bool rpm_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool rpm_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static inline bool rpm_alnum(unsigned char c)
{
	return rpm_digit(c) || rpm_alpha(c);
}

/* Digit strings as numbers: leading zeros skipped, the longer wins, then the
 * bytes. */
static int rpm_numcmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int r;
	while (an && *a == '0')
		a++, an--;
	while (bn && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	r = an ? memcmp(a, b, an) : 0;
	return (r > 0) - (r < 0);
}

/* rpmvercmp() over a[0..an) and b[0..bn); the end of a range is rpm's NUL. */
static int rpm_vercmp(const char *as, size_t an, const char *bs, size_t bn)
{
	const unsigned char *a = (const unsigned char *)as, *b = (const unsigned char *)bs;
	size_t i = 0, j = 0;

	if (an == bn && (an == 0 || memcmp(a, b, an) == 0))
		return 0;

	while (i < an || j < bn) {
		size_t si, sj;
		int r;
		bool isnum;

		while (i < an && !rpm_alnum(a[i]) && a[i] != '~' && a[i] != '^')
			i++;
		while (j < bn && !rpm_alnum(b[j]) && b[j] != '~' && b[j] != '^')
			j++;

		/* '~' sorts before everything else */
		if ((i < an && a[i] == '~') || (j < bn && b[j] == '~')) {
			if (i >= an || a[i] != '~')
				return 1;
			if (j >= bn || b[j] != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		/* '^' too, except that the end of a string sorts before it */
		if ((i < an && a[i] == '^') || (j < bn && b[j] == '^')) {
			if (i >= an)
				return -1;
			if (j >= bn)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (i >= an || j >= bn)
			break;

		/* the run of a's kind at a and at b */
		si = i;
		sj = j;
		isnum = rpm_digit(a[i]);
		if (isnum) {
			while (i < an && rpm_digit(a[i]))
				i++;
			while (j < bn && rpm_digit(b[j]))
				j++;
		} else {
			while (i < an && rpm_alpha(a[i]))
				i++;
			while (j < bn && rpm_alpha(b[j]))
				j++;
		}
		/* b's run is of the other kind: a digit run is newer */
		if (j == sj)
			return isnum ? 1 : -1;
		if (isnum) {
			r = rpm_numcmp(a + si, i - si, b + sj, j - sj);
		} else {
			size_t la = i - si, lb = j - sj;
			r = memcmp(a + si, b + sj, la < lb ? la : lb);
			if (!r)
				r = la == lb ? 0 : la < lb ? -1 : 1;
		}
		if (r)
			return r < 0 ? -1 : 1;
	}
	if (i >= an && j >= bn)
		return 0;
	return i >= an ? -1 : 1;
}

/* parseEVR() with the validity rules above: NULL or the reason. */
static const char *rpm_parse(const char *str, size_t n, struct rpm_evr *p)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, d, vstart, hyphen = SIZE_MAX;

	if (n == 0)
		return "empty";
	for (d = 0; d < n && rpm_digit(s[d]); d++)
		;
	for (i = d; i < n; i++) {
		if (s[i] <= ' ' || s[i] == 0x7f)
			return s[i] == ' ' ? "contains a space" : "contains a control character";
		if (s[i] == '-')
			hyphen = i;
	}
	if (d < n && s[d] == ':') {
		p->e = d ? str : "0";
		p->en = d ? d : 1;
		vstart = d + 1;
	} else {
		p->e = "0";
		p->en = 1;
		vstart = 0;
	}
	if (hyphen != SIZE_MAX) {
		p->v = str + vstart;
		p->vn = hyphen - vstart;
		p->r = str + hyphen + 1;
		p->rn = n - hyphen - 1;
	} else {
		p->v = str + vstart;
		p->vn = n - vstart;
		p->r = NULL;
		p->rn = 0;
	}
	if (p->vn == 0)
		return "version is empty";
	return NULL;
}

static const char *rpm_check(const char *s, size_t n)
{
	struct rpm_evr p;
	return rpm_parse(s, n, &p);
}

static int rpm_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct rpm_evr pa, pb;
	int r;

	if (rpm_parse(a, an, &pa) || rpm_parse(b, bn, &pb))
		return -1;
	r = rpm_numcmp((const unsigned char *)pa.e, pa.en, (const unsigned char *)pb.e, pb.en);
	if (!r)
		r = rpm_vercmp(pa.v, pa.vn, pb.v, pb.vn);
	if (!r) {
		if (pa.r && pb.r)
			r = rpm_vercmp(pa.r, pa.rn, pb.r, pb.rn);
		else
			r = (pa.r != NULL) - (pb.r != NULL);
	}
	*res = r;
	return 0;
}

const struct cg_version_scheme cg_scheme_rpm = {
	.name = "rpm",
	.title = "rpmvercmp (rpm 4.18) with epoch:version-release",
	.check = rpm_check,
	.cmp = rpm_cmp,
};
