/* Debian versions: dpkg's parseversion() and verrevcmp() (lib/dpkg/parsehelp.c
 * and lib/dpkg/version.c of dpkg 1.21), compared in place.
 *
 * Syntax: [epoch:]upstream[-revision]. Blanks (space, tab) around the string
 * are trimmed; the first ':' ends the epoch; the last '-' after it starts the
 * revision.
 *
 * Validity is exactly what `dpkg --compare-versions` accepts, which is what
 * parseversion() does not call an error:
 *  - errors (invalid here): an empty or all-blank string; blanks inside;
 *    an epoch that is empty, not a number, negative or above INT_MAX; nothing
 *    after the ':'; an empty revision after the last '-'; an empty upstream.
 *    The epoch is read as strtol() reads it, so "+1:0" has epoch 1, "-0:0"
 *    epoch 0, and "\n1:0" (a line feed is not a blank) epoch 1, as in dpkg.
 *  - warnings (valid here, compared as dpkg compares them): an upstream
 *    version that does not start with a digit ("a1.0", "~1"), and characters
 *    outside [0-9A-Za-z.+~:-] in the upstream version or outside
 *    [0-9A-Za-z.+~] in the revision ("1.0_1", "1.0-1_2"). dpkg prints
 *    "version 'x' has bad syntax" and goes on comparing; so do we, silently.
 * The `dpkg --compare-versions` special cases "" and "<unknown>" (the blank
 * version) are front-end conveniences, not parseversion(): "" is invalid here
 * and "<unknown>" is an ordinary (warned-about) version.
 *
 * Order: epochs numerically, then verrevcmp() on the upstream versions, then
 * on the revisions (a missing revision is ""; "1.0" == "1.0-0"). verrevcmp()
 * alternates non-digit runs, compared character by character with
 * '~' < end < letters < everything else, and digit runs compared as numbers
 * of any length (leading zeros skipped, the longer run wins, else the first
 * differing digit). Bytes 0x80-0xff weigh what they weigh in dpkg built
 * with a signed char (amd64, i386; an unsigned-char dpkg such as arm64's
 * would put them after ASCII punctuation instead of before it). */
#include "util/internal.h"
#include "version/scheme.h"

struct deb_ver {
	long epoch;
	const char *up; /* upstream version */
	size_t upn;
	const char *rev; /* revision, revn == 0 when there is none */
	size_t revn;
};

static inline bool deb_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool deb_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* The bytes deb_parse() looks at. */
static const bool deb_special[256] = {
	['\0'] = true, ['\t'] = true, [' '] = true, [':'] = true, ['-'] = true,
};

/* dpkg's order() by byte: the weight of a character of a non-digit run, 0
 * for digits (which end the run, as the end of the string does). Letters weigh
 * their code, '~' -1, anything else its char value + 256, with a signed char:
 * 0x80-0xff weigh 128-255, below ASCII punctuation (257-382). */
#define W(c)                                                                   \
	((c) >= '0' && (c) <= '9'                                  ? 0          \
	 : ((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z') ? (c)        \
	 : (c) == '~'                                               ? -1         \
	 : (c) >= 128                                               ? (c)        \
								    : (c) + 256)
#define W4(c) W(c), W(c + 1), W(c + 2), W(c + 3)
#define W16(c) W4(c), W4(c + 4), W4(c + 8), W4(c + 12)
#define W64(c) W16(c), W16(c + 16), W16(c + 32), W16(c + 48)
static const int16_t deb_weight[256] = { W64(0), W64(64), W64(128), W64(192) };
#undef W
#undef W4
#undef W16
#undef W64

/* verrevcmp() over a[0..an) and b[0..bn); the end of a range acts as dpkg's
 * terminating NUL. */
static int deb_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		int first_diff = 0;

		/* Both indices move together; they stop at a digit or the end,
		 * and a pair of different weights returns, so neither passes its
		 * end (only digits and the end weigh 0). */
		while ((i < an && !deb_digit(pa[i])) || (j < bn && !deb_digit(pb[j]))) {
			int ac = i < an ? deb_weight[pa[i]] : 0;
			int bc = j < bn ? deb_weight[pb[j]] : 0;
			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		while (i < an && pa[i] == '0')
			i++;
		while (j < bn && pb[j] == '0')
			j++;
		while (i < an && j < bn && deb_digit(pa[i]) && deb_digit(pb[j])) {
			if (!first_diff)
				first_diff = pa[i] - pb[j];
			i++;
			j++;
		}
		if (i < an && deb_digit(pa[i]))
			return 1;
		if (j < bn && deb_digit(pb[j]))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* The epoch s[0..n) (the text before the first ':') as strtol(s, &end, 10)
 * reads it, with parseversion()'s checks. */
static const char *deb_epoch(const unsigned char *s, size_t n, long *epoch)
{
	size_t i = 0, digits;
	bool neg = false, big = false;
	long v = 0;

	while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
		i++; /* strtol skips isspace(); blanks are gone, \n\v\f\r are not */
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	digits = i;
	for (; i < n && deb_digit(s[i]); i++) {
		if (!big && (__builtin_mul_overflow(v, 10, &v) ||
			     __builtin_add_overflow(v, s[i] - '0', &v) || v > INT_MAX))
			big = true;
	}
	if (i == digits)
		return "epoch in version is empty";
	if (i != n)
		return "epoch in version is not number";
	if (neg && (v != 0 || big))
		return "epoch in version is negative";
	if (big)
		return "epoch in version is too big";
	*epoch = v;
	return NULL;
}

/* parseversion(): NULL and *v filled, or the reason s[0..n) is an error. */
static const char *deb_parse(const char *str, size_t n, struct deb_ver *v)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *colon = NULL, *hyphen = NULL, *up;
	size_t start = 0, end, i;
	const char *why;

	while (start < n && deb_blank(s[start]))
		start++;
	if (start == n)
		return "version string is empty";
	/* One pass: the first ':', the last '-', the first blank, no NUL. */
	for (i = start; i < n; i++) {
		unsigned char c = s[i];
		if (!deb_special[c])
			continue;
		if (c == ':') {
			if (!colon)
				colon = s + i;
		} else if (c == '-') {
			hyphen = s + i;
		} else {
			break; /* a blank or NUL */
		}
	}
	end = i;
	for (; i < n; i++) {
		if (s[i] == '\0')
			return "contains a NUL byte";
		if (!deb_blank(s[i]))
			return "version string has embedded spaces";
	}

	v->epoch = 0;
	up = s + start;
	if (colon) {
		why = deb_epoch(s + start, (size_t)(colon - (s + start)), &v->epoch);
		if (why)
			return why;
		if (colon + 1 == s + end)
			return "nothing after colon in version number";
		up = colon + 1;
	}
	if (hyphen && hyphen < up)
		hyphen = NULL; /* a '-' in the epoch: not a revision separator */
	if (hyphen) {
		if (hyphen + 1 == s + end)
			return "revision number is empty";
		v->rev = (const char *)hyphen + 1;
		v->revn = (size_t)(s + end - (hyphen + 1));
		v->up = (const char *)up;
		v->upn = (size_t)(hyphen - up);
	} else {
		v->rev = "";
		v->revn = 0;
		v->up = (const char *)up;
		v->upn = (size_t)(s + end - up);
	}
	if (v->upn == 0)
		return "version number is empty";
	return NULL;
}

static const char *deb_check(const char *s, size_t n)
{
	struct deb_ver v;
	return deb_parse(s, n, &v);
}

static int deb_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct deb_ver va, vb;
	int r;

	if (deb_parse(a, an, &va))
		return -1;
	if (an == bn && memcmp(a, b, an) == 0) { /* the same bytes */
		*res = 0;
		return 0;
	}
	if (deb_parse(b, bn, &vb))
		return -1;
	if (va.epoch != vb.epoch) {
		*res = va.epoch < vb.epoch ? -1 : 1;
		return 0;
	}
	r = deb_verrevcmp(va.up, va.upn, vb.up, vb.upn);
	if (!r)
		r = deb_verrevcmp(va.rev, va.revn, vb.rev, vb.revn);
	*res = r;
	return 0;
}

const struct cg_version_scheme cg_scheme_deb = {
	.name = "deb",
	.title = "dpkg verrevcmp",
	.check = deb_check,
	.cmp = deb_cmp,
};
