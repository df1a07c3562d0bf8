/* Composer (Packagist): composer/semver's VersionParser::normalize(), then
 * PHP's version_compare() on the two normalised strings, as
 * Comparator::compare() does (checked against composer/semver 3.3.2 and
 * PHP 8.2).
 *
 * What is accepted is exactly what normalize() accepts without throwing:
 *   1. PHP trim() (" \t\n\r\0\x0B"); an alias "X as Y" is read as X; a
 *      trailing "@stable", "@RC", "@beta", "@alpha" or "@dev" is dropped.
 *   2. "master", "trunk", "default" are the branches "dev-master", ...
 *   3. Anything starting with "dev-" (any case) is a branch "dev-NAME"; NAME
 *      is kept byte for byte and may be anything, even empty.
 *   4. Otherwise build metadata "+..." is dropped, and the rest must be
 *      - classical: v? M(.m(.p(.b)?)?)? MOD with M of 1-5 digits; missing
 *        parts are 0, so "1.2" is 1.2.0.0;
 *      - or a date: v? YYYY ([.:-]?NN){1,6} ([.:-]?N{1,3})? MOD, whose
 *        separators become dots ("2023-01-01" is 2023.01.01);
 *      - or a numeric branch: v? M(.m(.p(.b)?)?)? [.-]?dev where m, p, b may
 *        also be x, X or *: "1.x-dev" is 1.9999999.9999999.9999999-dev;
 *      with MOD = [._-]? (STAB ([.-]?N)*)? ([.-]?dev)?, case-insensitive,
 *      STAB = stable|beta|b|RC|alpha|a|patch|pl|p ("a" is alpha, "b" beta,
 *      "p"/"pl" patch; a lower-case "stable" means a plain release, any
 *      other spelling is kept as the word "stable").
 *
 * Order: version_compare() reads a normalised version as numbers and words
 * (split at ".", "-" and at digit/letter changes) and compares them in
 * turn: words rank dev < alpha < beta < RC < (a number) < patch, and the
 * word "stable" ranks below dev; numbers compare by value, saturated at
 * LONG_MAX (2^63-1) as strtol() does; when one side runs out, a further
 * number on the other makes that side greater, a further word makes it
 * smaller unless the word is "patch". So 1.0-dev < 1.0-alpha1 < 1.0-beta <
 * 1.0-RC1 < 1.0 < 1.0-patch1 and 1.0 == 1.0.0 == 1.00.
 *
 * Dev branches: composer orders a branch only against itself (two branches
 * are equal when their normalised names are identical and otherwise
 * incomparable), while version_compare() puts "dev-..." below every
 * version, because its first part "dev" ranks below a number. We keep both:
 * every branch sorts below every non-branch version, and branches sort among
 * themselves by the bytes of their normalised names (memcmp, a prefix
 * first), equal only when identical ("dev-Foo" != "dev-foo", "master" ==
 * "dev-master"). Numeric branches such as 1.x-dev are versions, not
 * branches.
 *
 * Bounds: at most COMPOSER_MAX_TOKENS parts; every part but the few that
 * normalize() adds takes a byte, so a CG_VERSION_MAX_LEN-byte string always
 * fits; longer input is refused. */
#include "util/internal.h"
#include "version/scheme.h"

#define COMPOSER_MAX_TOKENS 264 /* CG_VERSION_MAX_LEN + 8 */
#define COMPOSER_LONG_MAX INT64_MAX /* PHP's strtol() on LP64 */
#define BRANCH_X 9999999            /* what normalizeBranch() writes for x */

_Static_assert(COMPOSER_MAX_TOKENS >= CG_VERSION_MAX_LEN + 8, "every short version fits");

/* version_compare()'s ranks: unknown words -1, then dev, alpha, beta, RC,
 * a number (the special form "#"), patch ("p"/"pl"). */
enum {
	RANK_OTHER = -1,
	RANK_DEV = 0,
	RANK_ALPHA = 1,
	RANK_BETA = 2,
	RANK_RC = 3,
	RANK_NUM = 4,
	RANK_PATCH = 5,
};

struct ctok {
	int64_t val; /* numbers only */
	int8_t rank;
};

struct composer_version {
	bool branch;
	const char *name; /* branch: the name after "dev-" */
	size_t name_len;
	size_t ntok;
	struct ctok tok[COMPOSER_MAX_TOKENS];
};

/* A view of the string being normalised. */
struct cview {
	const unsigned char *p;
	size_t n;
};

static bool is_digit_at(struct cview v, size_t i)
{
	return i < v.n && v.p[i] >= '0' && v.p[i] <= '9';
}

/* Is v[i] one of the (up to three) characters of set? */
static bool in_set(struct cview v, size_t i, const char *set)
{
	if (i >= v.n)
		return false;
	for (; *set; set++)
		if (v.p[i] == (unsigned char)*set)
			return true;
	return false;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Does the lower-case word w start at v[i], ignoring ASCII case? */
static bool word_at(struct cview v, size_t i, const char *w)
{
	for (; *w; w++, i++)
		if (i >= v.n || lower(v.p[i]) != (unsigned char)*w)
			return false;
	return true;
}

/* PCRE's \s without /u: space, \t, \n, \v, \f, \r. */
static bool pcre_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool php_trim_char(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\v';
}

static struct cview php_trim(struct cview v)
{
	while (v.n && php_trim_char(v.p[0])) {
		v.p++;
		v.n--;
	}
	while (v.n && php_trim_char(v.p[v.n - 1]))
		v.n--;
	return v;
}

static const char *push(struct composer_version *out, int rank, int64_t val)
{
	if (out->ntok == COMPOSER_MAX_TOKENS)
		return "more than " CG_STR(COMPOSER_MAX_TOKENS) " parts";
	out->tok[out->ntok].rank = (int8_t)rank;
	out->tok[out->ntok].val = val;
	out->ntok++;
	return NULL;
}

/* The digit run at v[*i] as a number token, saturated like strtol(). */
static const char *push_num(struct cview v, size_t *i, struct composer_version *out)
{
	int64_t x = 0;
	while (is_digit_at(v, *i)) {
		int d = v.p[*i] - '0';
		if (x > (COMPOSER_LONG_MAX - d) / 10)
			x = COMPOSER_LONG_MAX;
		else
			x = x * 10 + d;
		(*i)++;
	}
	return push(out, RANK_NUM, x);
}

static size_t digit_run(struct cview v, size_t i)
{
	size_t k = i;
	while (is_digit_at(v, k))
		k++;
	return k - i;
}

/* The stability word at v[i]; the longest alternative, since a shorter one
 * that starts a longer one ("b" of "beta") can never complete the match. */
static size_t match_stab(struct cview v, size_t i, int *rank, bool *plain_stable)
{
	static const struct {
		const char *w;
		int rank;
	} words[] = {
		{ "stable", RANK_OTHER }, { "alpha", RANK_ALPHA }, { "patch", RANK_PATCH },
		{ "beta", RANK_BETA },    { "pl", RANK_PATCH },    { "rc", RANK_RC },
		{ "a", RANK_ALPHA },      { "b", RANK_BETA },      { "p", RANK_PATCH },
	};
	if (i >= v.n)
		return 0;
	switch (lower(v.p[i])) { /* the common miss, decided by the first byte */
	case 's':
	case 'a':
	case 'b':
	case 'p':
	case 'r':
		break;
	default:
		return 0;
	}
	for (size_t j = 0; j < CG_ARRAY_LEN(words); j++) {
		if (word_at(v, i, words[j].w)) {
			size_t len = strlen(words[j].w);
			*rank = words[j].rank;
			*plain_stable = len == 6 && memcmp(v.p + i, "stable", 6) == 0;
			return len;
		}
	}
	return 0;
}

/* Is v[k, n) exactly [.-]?dev (any case)? */
static bool dev_tail(struct cview v, size_t k)
{
	if (in_set(v, k, ".-"))
		k++;
	return word_at(v, k, "dev") && k + 3 == v.n;
}

/* The modifier [._-]?(STAB([.-]?\d+)*+)?([.-]?dev)?$ at v[i]: appends its
 * parts to out. 1 on a match, 0 if it does not match, -1 on a limit. */
static int modifier(struct cview v, size_t i, struct composer_version *out, const char **why)
{
	size_t s = i + in_set(v, i, "._-"), len, k, mark = out->ntok;
	int rank;
	bool plain_stable;

	if ((len = match_stab(v, s, &rank, &plain_stable))) {
		if ((*why = push(out, rank, 0)))
			return -1;
		k = s + len;
		for (;;) { /* ([.-]?\d+)*+ */
			size_t q = k + in_set(v, k, ".-");
			if (!is_digit_at(v, q))
				break;
			k = q;
			if ((*why = push_num(v, &k, out)))
				return -1;
		}
		if (k != v.n) {
			if (!dev_tail(v, k))
				return 0;
			if ((*why = push(out, RANK_DEV, 0)))
				return -1;
		}
		if (plain_stable) /* "stable": the plain version, even with -dev */
			out->ntok = mark;
		return 1;
	}
	/* no stability: "", one of [._-], or [._-]?[.-]?dev */
	if (i == v.n || (s == v.n && s == i + 1))
		return 1;
	if (dev_tail(v, i) || (s == i + 1 && dev_tail(v, s))) {
		if ((*why = push(out, RANK_DEV, 0)))
			return -1;
		return 1;
	}
	return 0;
}

/* v? M(.m(.p(.b)?)?)? MOD, M of 1-5 digits. */
static int parse_classical(struct cview v, struct composer_version *out, const char **why)
{
	size_t i = in_set(v, 0, "vV"), run, parts = 1;
	out->ntok = 0;
	run = digit_run(v, i);
	if (run < 1 || run > 5)
		return 0;
	if ((*why = push_num(v, &i, out)))
		return -1;
	while (parts < 4 && i + 1 < v.n && v.p[i] == '.' && is_digit_at(v, i + 1)) {
		i++;
		if ((*why = push_num(v, &i, out)))
			return -1;
		parts++;
	}
	for (; parts < 4; parts++)
		if ((*why = push(out, RANK_NUM, 0)))
			return -1;
	return modifier(v, i, out, why);
}

/* Does v[i, e) match \d{4}(?:[.:-]?\d{2}){g,6}(?:[.:-]?\d{1,3})? after g
 * pairs so far (g counts from 1 once the first pair is in)? */
static bool date_rest(struct cview v, size_t i, size_t e, int pairs)
{
	size_t q;
	if (pairs >= 1) { /* the optional tail, then the end */
		if (i == e)
			return true;
		q = i + in_set(v, i, ".:-");
		if (q < e && e - q <= 3 && digit_run(v, q) >= e - q)
			return true;
	}
	if (pairs == 6)
		return false;
	for (int sep = 0; sep <= 1; sep++) {
		q = i + (size_t)sep;
		if (sep && !in_set(v, i, ".:-"))
			continue;
		if (q + 2 <= e && is_digit_at(v, q) && is_digit_at(v, q + 1) &&
		    date_rest(v, q + 2, e, pairs + 1))
			return true;
	}
	return false;
}

/* v? DATE MOD: DATE ends at the last digit of the leading run of digits and
 * [.:-] (MOD cannot hold a digit before a stability word). */
static int parse_date(struct cview v, struct composer_version *out, const char **why)
{
	size_t i = in_set(v, 0, "vV"), k, e = 0;
	out->ntok = 0;
	for (k = i; k < v.n && (is_digit_at(v, k) || in_set(v, k, ".:-")); k++)
		if (is_digit_at(v, k))
			e = k + 1;
	if (e < i + 4 || digit_run(v, i) < 4 || !date_rest(v, i + 4, e, 0))
		return 0;
	for (k = i; k < e;) {
		if (is_digit_at(v, k)) {
			if ((*why = push_num(v, &k, out)))
				return -1;
		} else {
			k++;
		}
	}
	return modifier(v, e, out, why);
}

/* (.*?)[.-]?dev$ whose first group normalizeBranch() reads as numeric:
 * v?N(.(N|x|X|*)){0,3} after trim(). */
static int parse_numeric_branch(struct cview v, struct composer_version *out, const char **why)
{
	struct cview name = v;
	size_t i, parts = 1;
	if (v.n < 3 || !word_at(v, v.n - 3, "dev"))
		return 0;
	name.n = v.n - 3;
	if (name.n && in_set(v, name.n - 1, ".-"))
		name.n--;
	name = php_trim(name);
	out->ntok = 0;
	i = in_set(name, 0, "vV");
	if (!is_digit_at(name, i))
		return 0;
	if ((*why = push_num(name, &i, out)))
		return -1;
	while (parts < 4 && i + 1 < name.n && name.p[i] == '.') {
		i++;
		if (is_digit_at(name, i)) {
			if ((*why = push_num(name, &i, out)))
				return -1;
		} else if (in_set(name, i, "xX*")) {
			i++;
			if ((*why = push(out, RANK_NUM, BRANCH_X)))
				return -1;
		} else {
			return 0;
		}
		parts++;
	}
	if (i != name.n)
		return 0;
	for (; parts < 4; parts++)
		if ((*why = push(out, RANK_NUM, BRANCH_X)))
			return -1;
	if ((*why = push(out, RANK_DEV, 0)))
		return -1;
	return 1;
}

static const char *composer_parse(const char *str, size_t n, struct composer_version *out)
{
	struct cview v = { (const unsigned char *)str, n };
	const char *why = NULL;
	int r;

	out->branch = false;
	out->ntok = 0;
	if (n > CG_VERSION_MAX_LEN)
		return "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes";
	if (n && memchr(str, '\0', n)) /* trim() would drop it at the ends; we never take it */
		return "contains a NUL byte";
	v = php_trim(v);
	if (v.n == 0)
		return "empty";

	/* alias "X as Y": X is the version ({^([^,\s]++) ++as ++([^,\s]++)$}) */
	{
		size_t x = 0, k;
		while (x < v.n && v.p[x] != ',' && !pcre_space(v.p[x]))
			x++;
		k = x;
		while (k < v.n && v.p[k] == ' ')
			k++;
		if (x > 0 && k > x && k + 2 <= v.n && v.p[k] == 'a' && v.p[k + 1] == 's') {
			size_t y = k + 2, z;
			while (y < v.n && v.p[y] == ' ')
				y++;
			for (z = y; z < v.n && v.p[z] != ',' && !pcre_space(v.p[z]); z++)
				;
			if (y > k + 2 && z == v.n && z > y)
				v.n = x;
		}
	}

	/* a stability flag @stable|RC|beta|alpha|dev at the end */
	if (memchr(v.p, '@', v.n)) {
		static const char *const flags[] = { "stable", "rc", "beta", "alpha", "dev" };
		for (size_t j = 0; j < CG_ARRAY_LEN(flags); j++) {
			size_t len = strlen(flags[j]);
			if (v.n > len && v.p[v.n - len - 1] == '@' &&
			    word_at(v, v.n - len, flags[j])) {
				v.n -= len + 1;
				break;
			}
		}
	}

	/* branches */
	if ((v.n == 6 && !memcmp(v.p, "master", 6)) || (v.n == 5 && !memcmp(v.p, "trunk", 5)) ||
	    (v.n == 7 && !memcmp(v.p, "default", 7))) {
		out->branch = true;
		out->name = (const char *)v.p;
		out->name_len = v.n;
		return NULL;
	}
	if (word_at(v, 0, "dev-")) {
		out->branch = true;
		out->name = (const char *)v.p + 4;
		out->name_len = v.n - 4;
		return NULL;
	}

	/* build metadata: {^([^,\s+]++)\+[^\s]++$} */
	{
		size_t x = 0, k;
		while (x < v.n && v.p[x] != ',' && v.p[x] != '+' && !pcre_space(v.p[x]))
			x++;
		if (x > 0 && x + 1 < v.n && v.p[x] == '+') {
			for (k = x + 1; k < v.n && !pcre_space(v.p[k]); k++)
				;
			if (k == v.n)
				v.n = x;
		}
	}

	if ((r = parse_classical(v, out, &why)) || (r = parse_date(v, out, &why)) ||
	    (r = parse_numeric_branch(v, out, &why)))
		return r < 0 ? why : NULL;
	if (v.n >= 3 && word_at(v, v.n - 3, "dev"))
		return "a -dev suffix needs a numeric branch (or write dev-NAME)";
	return "not a version or branch composer can normalize";
}

static int tok_cmp(const struct ctok *x, const struct ctok *y)
{
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->rank == RANK_NUM && x->val != y->val)
		return x->val < y->val ? -1 : 1;
	return 0;
}

static int composer_order(const struct composer_version *x, const struct composer_version *y)
{
	size_t i;
	if (x->branch != y->branch)
		return x->branch ? -1 : 1;
	if (x->branch) {
		size_t m = x->name_len < y->name_len ? x->name_len : y->name_len;
		int c = m ? memcmp(x->name, y->name, m) : 0;
		if (c)
			return c < 0 ? -1 : 1;
		return (x->name_len > y->name_len) - (x->name_len < y->name_len);
	}
	for (i = 0; i < x->ntok && i < y->ntok; i++) {
		int c = tok_cmp(&x->tok[i], &y->tok[i]);
		if (c)
			return c;
	}
	/* one ran out: the other's next part decides, a number or "patch" up */
	if (i < x->ntok)
		return x->tok[i].rank >= RANK_NUM ? 1 : -1;
	if (i < y->ntok)
		return y->tok[i].rank >= RANK_NUM ? -1 : 1;
	return 0;
}

static const char *composer_check(const char *s, size_t n)
{
	struct composer_version v;
	return composer_parse(s, n, &v);
}

static int composer_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct composer_version x, y;
	if (composer_parse(a, an, &x) || composer_parse(b, bn, &y))
		return -1;
	*res = composer_order(&x, &y);
	return 0;
}

const struct cg_version_scheme cg_scheme_composer = {
	.name = "composer",
	.title = "composer/semver normalize + version_compare",
	.check = composer_check,
	.cmp = composer_cmp,
};
