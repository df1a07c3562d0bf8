/* PyPI: PEP 440 versions, validated and ordered exactly as Python's
 * packaging.version.Version (packaging 22 and later; checked against 23.0),
 * and legacy versions as packaging 21.3 ordered them (see below).
 *
 * Accepted: what Version's regex accepts, i.e.
 *
 *   \s* v? (N!)? N(.N)* ([-_.]? PRE [-_.]? N?)? (-N | [-_.]? POST [-_.]? N?)?
 *       ([-_.]? dev [-_.]? N?)? (+ L([-_.]L)*)? \s*
 *
 * case-insensitively, with PRE one of a b c rc alpha beta pre preview, POST
 * one of post rev r, L one or more of [a-z0-9]. Numbers have any size: they are
 * compared as digit strings, never converted.
 *
 * Python matches str, not bytes, so the input is read as UTF-8 and the same
 * few non-ASCII characters Python accepts are accepted too: Unicode
 * whitespace around the version (str.isspace: U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and, through
 * re.IGNORECASE, U+0130 and U+0131 where an "i" is expected, U+017F where an
 * "s" is, U+212A where a "k" is. packaging then lower()s the letters, so
 * "prev\u0131ew" and "po\u017ft" become pre/post labels of their own (sorting between
 * "b" and "rc", and after "post") and local labels compare by the code points
 * of their lower()ed text (U+0130 lowers to "i" U+0307, U+212A to "k"). This
 * is what packaging does; it only matters for strings no index holds.
 *
 * Order (packaging's _cmpkey): epoch; release with trailing zeros dropped;
 * pre-release (a < b < rc; a dev release with no pre or post sorts before
 * every pre-release, a version without pre after all of them); post (none
 * first); dev (none last); local (none first, then segment-wise: numbers
 * numerically and above strings, strings by code point after lower(),
 * a shorter prefix first).
 *
 * Legacy versions: a string that is not PEP 440 is not refused but read as
 * packaging 21's LegacyVersion (the last packaging to have it; pip and
 * setuptools used it for years, OSV's PyPI data and osv-scalibr's vectors
 * hold such versions: "0.3m1", "2.0.0-final", "1.0beta6.1"). Its key is
 * setuptools' old parse_version: the lower-cased string split into numbers,
 * letter runs, "-" and other runs, "pre", "preview" and "rc" read as "c",
 * "dev" as "@", numbers zero-filled to 8 digits and compared as strings,
 * trailing zeros and "-" before a pre-release tag dropped. Every legacy
 * version sorts below every PEP 440 version. We refuse as legacy only what no
 * version can be: a blank string and non-ASCII text (LegacyVersion would take
 * them; packaging 22 and later refuse them, as they refuse every legacy
 * version).
 *
 * Bounds: at most PYPI_MAX_PARTS release numbers and local segments each, and
 * LEGACY_MAX_PARTS legacy parts. That is every one a CG_VERSION_MAX_LEN-byte
 * string can hold, so the bounds never turn away a version packaging accepts;
 * longer input is refused. */
#include "util/internal.h"
#include "version/scheme.h"

#define PYPI_MAX_PARTS 129   /* "1.1.1...": CG_VERSION_MAX_LEN / 2 + 1 */
#define LEGACY_MAX_PARTS 257 /* one a byte, and "*final" */

_Static_assert(PYPI_MAX_PARTS >= CG_VERSION_MAX_LEN / 2 + 1, "every short version fits");
_Static_assert(LEGACY_MAX_PARTS >= CG_VERSION_MAX_LEN + 1, "every short version fits");

_Static_assert(CG_VERSION_MAX_LEN < UINT16_MAX, "offsets are stored as uint16_t");

/* A number: its significant digits s[off, off+len) (len 0 is zero). */
struct pypi_num {
	uint16_t off, len;
};

/* A local segment: digits (significant ones only) or a label s[off, off+len). */
struct pypi_seg {
	uint16_t off, len;
	bool num;
};

/* Pre-release labels after lower(), in their string order. */
enum { PRE_NONE = -1, PRE_A, PRE_B, PRE_PREVIEW_I0307, PRE_PREVIEW_I0131, PRE_RC };
/* Post labels after lower(): "post" < "po\u017ft". */
enum { POST_NONE = -1, POST_POST, POST_LONG_S };

/* A part of a legacy version's key: a number zero-filled to 8 digits, "*"
 * and a run of letters or other characters (lower-cased), or "*" and a fixed
 * word. */
enum { LEG_NUM, LEG_RAW, LEG_FINAL_DASH, LEG_C, LEG_AT, LEG_FINAL };

struct legacy_part {
	uint16_t off, len;
	uint8_t kind;
};

struct pypi_version {
	bool legacy;
	struct pypi_num epoch;
	int pre, post;
	bool dev, local;
	struct pypi_num pre_n, post_n, dev_n;
	size_t nrel, nloc, npart;
	union {
		struct {
			struct pypi_num rel[PYPI_MAX_PARTS];
			struct pypi_seg loc[PYPI_MAX_PARTS];
		};
		struct legacy_part part[LEGACY_MAX_PARTS];
	};
};

/* The non-ASCII characters Python's IGNORECASE folds onto a letter we match. */
enum { FOLD_NONE = 0, FOLD_I0130, FOLD_I0131, FOLD_S017F, FOLD_K212A };

/* One character at s[i]: its byte length (0 at the end), the ASCII letter or
 * digit it matches case-insensitively (lower case; 0 if none) and, for the
 * non-ASCII ones, which it is. */
struct pchar {
	unsigned len;
	unsigned fold;
	int special;
};

/* The non-ASCII part of pypi_char(), out of the hot path. */
static struct pchar pypi_char_utf8(const unsigned char *s, size_t left)
{
	struct pchar c = { 1, 0, FOLD_NONE };
	if (left >= 2 && s[0] == 0xC4 && (s[1] == 0xB0 || s[1] == 0xB1)) {
		c.len = 2;
		c.fold = 'i';
		c.special = s[1] == 0xB0 ? FOLD_I0130 : FOLD_I0131;
	} else if (left >= 2 && s[0] == 0xC5 && s[1] == 0xBF) {
		c.len = 2;
		c.fold = 's';
		c.special = FOLD_S017F;
	} else if (left >= 3 && s[0] == 0xE2 && s[1] == 0x84 && s[2] == 0xAA) {
		c.len = 3;
		c.fold = 'k';
		c.special = FOLD_K212A;
	}
	return c;
}

static inline struct pchar pypi_char(const unsigned char *s, size_t n, size_t i)
{
	struct pchar c = { 0, 0, FOLD_NONE };
	unsigned x;
	if (i >= n)
		return c;
	x = s[i];
	if (x >= 0x80)
		return pypi_char_utf8(s + i, n - i);
	c.len = 1;
	if (x >= '0' && x <= '9')
		c.fold = x;
	else if ((x | 0x20) >= 'a' && (x | 0x20) <= 'z')
		c.fold = x | 0x20;
	return c;
}

/* Length of the whitespace character (str.isspace) at s[i], or 0. */
static size_t pypi_space(const unsigned char *s, size_t n, size_t i)
{
	size_t left = n - i;
	unsigned c;
	if (i >= n)
		return 0;
	c = s[i];
	if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F))
		return 1;
	if (left >= 2 && c == 0xC2 && (s[i + 1] == 0x85 || s[i + 1] == 0xA0))
		return 2;
	if (left < 3)
		return 0;
	if (c == 0xE1 && s[i + 1] == 0x9A && s[i + 2] == 0x80) /* U+1680 */
		return 3;
	if (c == 0xE2 && s[i + 1] == 0x80 && /* U+2000-200A, 2028, 2029, 202F */
	    ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8A) || s[i + 2] == 0xA8 || s[i + 2] == 0xA9 ||
	     s[i + 2] == 0xAF))
		return 3;
	if (c == 0xE2 && s[i + 1] == 0x81 && s[i + 2] == 0x9F) /* U+205F */
		return 3;
	if (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80) /* U+3000 */
		return 3;
	return 0;
}

static bool is_digit(const unsigned char *s, size_t n, size_t i)
{
	return i < n && s[i] >= '0' && s[i] <= '9';
}

static bool is_sep(const unsigned char *s, size_t n, size_t i)
{
	return i < n && (s[i] == '-' || s[i] == '_' || s[i] == '.');
}

/* Read the digits at s[*i] into *num (significant ones) and advance. */
static void read_num(const unsigned char *s, size_t n, size_t *i, struct pypi_num *num)
{
	size_t start;
	while (*i < n && s[*i] == '0')
		(*i)++;
	start = *i;
	while (is_digit(s, n, *i))
		(*i)++;
	/* a run of zeros leaves start == *i: the number 0 */
	num->off = (uint16_t)start;
	num->len = (uint16_t)(*i - start);
}

/* Does the word w (lower-case ASCII) start at s[i], case-insensitively as
 * Python's re sees it? Returns its byte length (0 if not) and the special
 * characters it used in *special (at most one in our words). */
static size_t match_word(const unsigned char *s, size_t n, size_t i, const char *w, int *special)
{
	size_t k = i;
	*special = FOLD_NONE;
	if (i >= n || (s[i] < 0x80 && (s[i] | 0x20) != (unsigned char)w[0]))
		return 0; /* the common miss, decided by the first byte */
	for (; *w; w++) {
		struct pchar c = pypi_char(s, n, k);
		if (!c.len || c.fold != (unsigned char)*w)
			return 0;
		if (c.special)
			*special = c.special;
		k += c.len;
	}
	return k - i;
}

/* The longest pre-release label at s[i] (alternatives of one regex group; a
 * shorter one that is the start of a longer one never leads to a match). */
static size_t match_pre(const unsigned char *s, size_t n, size_t i, int *rank)
{
	static const struct {
		const char *w;
		int rank;
	} words[] = {
		{ "preview", PRE_RC }, { "alpha", PRE_A }, { "beta", PRE_B }, { "pre", PRE_RC },
		{ "rc", PRE_RC },      { "a", PRE_A },     { "b", PRE_B },    { "c", PRE_RC },
	};
	if (i >= n || (s[i] < 0x80 && !pypi_char(s, n, i).fold))
		return 0;
	for (size_t j = 0; j < CG_ARRAY_LEN(words); j++) {
		int special;
		size_t len = match_word(s, n, i, words[j].w, &special);
		if (!len)
			continue;
		*rank = words[j].rank;
		/* lower() keeps U+0131 and turns U+0130 into "i" U+0307: neither
		 * is then "preview", so the label is its own string */
		if (special == FOLD_I0130)
			*rank = PRE_PREVIEW_I0307;
		else if (special == FOLD_I0131)
			*rank = PRE_PREVIEW_I0131;
		return len;
	}
	return 0;
}

static size_t match_post(const unsigned char *s, size_t n, size_t i, int *rank)
{
	static const char *const words[] = { "post", "rev", "r" };
	if (i >= n || (s[i] < 0x80 && !pypi_char(s, n, i).fold))
		return 0;
	for (size_t j = 0; j < CG_ARRAY_LEN(words); j++) {
		int special;
		size_t len = match_word(s, n, i, words[j], &special);
		if (len) {
			*rank = special == FOLD_S017F ? POST_LONG_S : POST_POST;
			return len;
		}
	}
	return 0;
}

/* After a label: the optional separator, then the optional number (the
 * regex takes the separator even when no number follows). */
static void read_label_num(const unsigned char *s, size_t n, size_t *i, struct pypi_num *num)
{
	if (is_sep(s, n, *i))
		(*i)++;
	num->off = 0;
	num->len = 0;
	if (is_digit(s, n, *i))
		read_num(s, n, i, num);
}

static const char *parse_local(const unsigned char *s, size_t n, size_t *i, struct pypi_version *v)
{
	size_t k = *i + 1; /* past '+' */
	for (;;) {
		struct pypi_seg *seg;
		size_t start = k;
		bool digits = true;
		struct pchar c;
		while ((c = pypi_char(s, n, k)).fold) {
			digits = digits && c.fold >= '0' && c.fold <= '9';
			k += c.len;
		}
		if (k == start)
			break; /* '+' or a separator not followed by a segment */
		if (v->nloc == PYPI_MAX_PARTS)
			return "more than " CG_STR(PYPI_MAX_PARTS) " local version segments";
		seg = &v->loc[v->nloc++];
		seg->num = digits;
		if (digits)
			while (start < k && s[start] == '0')
				start++;
		seg->off = (uint16_t)start;
		seg->len = (uint16_t)(k - start);
		*i = k;
		if (!is_sep(s, n, k))
			break;
		k++;
	}
	if (v->nloc == 0)
		return "'+' is not followed by a local version label";
	v->local = true;
	return NULL;
}

static const char *pep440_parse(const char *str, size_t n, struct pypi_version *v)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	const char *why = NULL;

	v->legacy = false;
	v->epoch.off = v->epoch.len = 0;
	v->pre = PRE_NONE;
	v->post = POST_NONE;
	v->dev = v->local = false;
	v->nrel = v->nloc = 0;
	if (n > CG_VERSION_MAX_LEN)
		return "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes";
	while ((k = pypi_space(s, n, i)))
		i += k;
	if (i == n)
		return "empty";
	if (s[i] == 'v' || s[i] == 'V')
		i++;
	if (!is_digit(s, n, i))
		return "does not start with a release number";
	read_num(s, n, &i, &v->rel[0]);
	if (i < n && s[i] == '!') {
		v->epoch = v->rel[0];
		i++;
		if (!is_digit(s, n, i))
			return "no release number after the epoch";
		read_num(s, n, &i, &v->rel[0]);
	}
	v->nrel = 1;
	while (i + 1 < n && s[i] == '.' && is_digit(s, n, i + 1)) {
		if (v->nrel == PYPI_MAX_PARTS)
			return "more than " CG_STR(PYPI_MAX_PARTS) " release numbers";
		i++;
		read_num(s, n, &i, &v->rel[v->nrel++]);
	}

	/* pre-release: [-_.]? label [-_.]? N? */
	k = i + is_sep(s, n, i);
	if ((len = match_pre(s, n, k, &v->pre))) {
		i = k + len;
		read_label_num(s, n, &i, &v->pre_n);
	}

	/* post-release: -N, or [-_.]? label [-_.]? N? */
	if (i < n && s[i] == '-' && is_digit(s, n, i + 1)) {
		v->post = POST_POST;
		i++;
		read_num(s, n, &i, &v->post_n);
	} else {
		k = i + is_sep(s, n, i);
		if ((len = match_post(s, n, k, &v->post))) {
			i = k + len;
			read_label_num(s, n, &i, &v->post_n);
		}
	}

	/* dev release: [-_.]? dev [-_.]? N? */
	k = i + is_sep(s, n, i);
	{
		int special;
		if ((len = match_word(s, n, k, "dev", &special))) {
			v->dev = true;
			i = k + len;
			read_label_num(s, n, &i, &v->dev_n);
		}
	}

	if (i < n && s[i] == '+' && (why = parse_local(s, n, &i, v)))
		return why;
	while ((k = pypi_space(s, n, i)))
		i += k;
	if (i != n)
		return s[i] >= 0x80 ? "non-ASCII character" : "unexpected character";
	return NULL;
}

/* ---- legacy versions (packaging < 22, LegacyVersion) ------------------- */

static const char *const legacy_words[] = {
	[LEG_FINAL_DASH] = "final-", [LEG_C] = "c", [LEG_AT] = "@", [LEG_FINAL] = "final",
};

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static size_t part_len(const struct legacy_part *p)
{
	if (p->kind == LEG_NUM)
		return p->len < 8 ? 8 : p->len;
	if (p->kind == LEG_RAW)
		return 1u + p->len;
	return 1u + strlen(legacy_words[p->kind]);
}

/* Character j (< part_len) of the part's key string. */
static unsigned char part_char(const char *s, const struct legacy_part *p, size_t j)
{
	if (p->kind == LEG_NUM) {
		size_t pad = p->len < 8 ? 8u - p->len : 0;
		return j < pad ? '0' : (unsigned char)s[p->off + j - pad];
	}
	if (j == 0)
		return '*';
	if (p->kind == LEG_RAW)
		return ascii_lower((unsigned char)s[p->off + j - 1]);
	return (unsigned char)legacy_words[p->kind][j - 1];
}

static int part_cmp(const char *a, const struct legacy_part *x, const char *b,
		    const struct legacy_part *y)
{
	size_t lx = part_len(x), ly = part_len(y);
	for (size_t j = 0; j < lx && j < ly; j++) {
		unsigned char cx = part_char(a, x, j), cy = part_char(b, y, j);
		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	return (lx > ly) - (lx < ly);
}

/* The number 0 zero-filled: "00000000" exactly (nine zeros are not it). */
static bool part_is_zero(const char *s, const struct legacy_part *p)
{
	if (p->kind != LEG_NUM || p->len > 8)
		return false;
	for (size_t j = 0; j < p->len; j++)
		if (s[p->off + j] != '0')
			return false;
	return true;
}

/* Append a part as _legacy_cmpkey does: before a "*" part, drop "*final-"
 * parts if it sorts before "*final", then drop zeros. */
static const char *legacy_emit(const char *s, struct pypi_version *v, uint8_t kind, size_t off,
			       size_t len)
{
	static const struct legacy_part final = { 0, 0, LEG_FINAL };
	struct legacy_part p = { (uint16_t)off, (uint16_t)len, kind };
	if (kind != LEG_NUM) {
		if (part_cmp(s, &p, s, &final) < 0)
			while (v->npart && v->part[v->npart - 1].kind == LEG_FINAL_DASH)
				v->npart--;
		while (v->npart && part_is_zero(s, &v->part[v->npart - 1]))
			v->npart--;
	}
	if (v->npart == LEGACY_MAX_PARTS)
		return "more than " CG_STR(LEGACY_MAX_PARTS) " legacy version parts";
	v->part[v->npart++] = p;
	return NULL;
}

static bool legacy_word_is(const char *s, size_t off, size_t len, const char *w)
{
	if (strlen(w) != len)
		return false;
	for (size_t j = 0; j < len; j++)
		if (ascii_lower((unsigned char)s[off + j]) != (unsigned char)w[j])
			return false;
	return true;
}

/* A string that is not PEP 440, keyed as packaging 21's LegacyVersion:
 * re.split(r"(\d+|[a-z]+|\.|-)", version.lower()) with pre, preview, rc ->
 * c, dev -> @, - -> final-; numbers zero-filled to 8, the rest prefixed
 * with "*", and "*final" at the end. */
static const char *legacy_parse(const char *s, size_t n, struct pypi_version *v)
{
	size_t i = 0, blank = 0;
	const char *why = NULL;
	v->legacy = true;
	v->npart = 0;
	for (size_t j = 0; j < n; j++) {
		unsigned char c = (unsigned char)s[j];
		if (c == 0 || c >= 0x80)
			return c ? "not PEP 440, and not ASCII as a legacy version must be"
				 : "contains a NUL byte";
		blank += c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
	}
	if (blank == n)
		return "empty";
	while (i < n && !why) {
		unsigned char c = ascii_lower((unsigned char)s[i]);
		size_t start = i;
		if (c >= '0' && c <= '9') {
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			why = legacy_emit(s, v, LEG_NUM, start, i - start);
		} else if (c >= 'a' && c <= 'z') {
			uint8_t kind = LEG_RAW;
			while (i < n && (c = ascii_lower((unsigned char)s[i])) >= 'a' && c <= 'z')
				i++;
			if (legacy_word_is(s, start, i - start, "pre") ||
			    legacy_word_is(s, start, i - start, "preview") ||
			    legacy_word_is(s, start, i - start, "rc"))
				kind = LEG_C;
			else if (legacy_word_is(s, start, i - start, "dev"))
				kind = LEG_AT;
			why = legacy_emit(s, v, kind, start, i - start);
		} else if (c == '.') {
			i++;
		} else if (c == '-') {
			i++;
			why = legacy_emit(s, v, LEG_FINAL_DASH, start, 0);
		} else {
			while (i < n && (c = ascii_lower((unsigned char)s[i])) != '.' && c != '-' &&
			       !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z'))
				i++;
			why = legacy_emit(s, v, LEG_RAW, start, i - start);
		}
	}
	return why ? why : legacy_emit(s, v, LEG_FINAL, 0, 0);
}

/* PEP 440 first; a string that is not PEP 440 is a legacy version. */
static const char *pypi_parse(const char *s, size_t n, struct pypi_version *v)
{
	if (n > CG_VERSION_MAX_LEN)
		return "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes";
	if (!pep440_parse(s, n, v))
		return NULL;
	return legacy_parse(s, n, v);
}

static int num_cmp(const char *a, struct pypi_num x, const char *b, struct pypi_num y)
{
	int c;
	if (x.len != y.len)
		return x.len < y.len ? -1 : 1;
	c = memcmp(a + x.off, b + y.off, x.len);
	return (c > 0) - (c < 0);
}

static int int_cmp(int a, int b)
{
	return (a > b) - (a < b);
}

/* Code points of a local label after Python's str.lower(). */
struct cp_iter {
	const unsigned char *p;
	size_t i, n;
	unsigned pending;
};

static unsigned next_cp(struct cp_iter *it)
{
	unsigned c;
	if (it->pending) {
		c = it->pending;
		it->pending = 0;
		return c;
	}
	if (it->i >= it->n)
		return 0;
	c = it->p[it->i];
	if (c < 0x80) {
		it->i++;
		return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	}
	{
		struct pchar pc = pypi_char(it->p, it->n, it->i);
		it->i += pc.len ? pc.len : 1;
		switch (pc.special) {
		case FOLD_I0130:
			it->pending = 0x307;
			return 'i';
		case FOLD_I0131:
			return 0x131;
		case FOLD_S017F:
			return 0x17F;
		case FOLD_K212A:
			return 'k';
		default:
			return 0xFFFD; /* cannot happen: the parser admitted it */
		}
	}
}

static int label_cmp(const char *a, struct pypi_seg x, const char *b, struct pypi_seg y)
{
	struct cp_iter ia = { (const unsigned char *)a + x.off, 0, x.len, 0 };
	struct cp_iter ib = { (const unsigned char *)b + y.off, 0, y.len, 0 };
	for (size_t guard = 0; guard <= 2u * CG_VERSION_MAX_LEN; guard++) {
		unsigned ca = next_cp(&ia), cb = next_cp(&ib);
		if (ca != cb)
			return ca < cb ? -1 : 1; /* the end (0) sorts first */
		if (!ca)
			return 0;
	}
	return 0;
}

static int pypi_order(const char *a, const struct pypi_version *x, const char *b,
		      const struct pypi_version *y)
{
	size_t nx = x->nrel, ny = y->nrel;
	int c, cx, cy;

	/* a legacy version has epoch -1: below every PEP 440 version */
	if (x->legacy || y->legacy) {
		if (x->legacy != y->legacy)
			return x->legacy ? -1 : 1;
		for (size_t i = 0; i < x->npart && i < y->npart; i++)
			if ((c = part_cmp(a, &x->part[i], b, &y->part[i])))
				return c;
		return (x->npart > y->npart) - (x->npart < y->npart);
	}

	if ((c = num_cmp(a, x->epoch, b, y->epoch)))
		return c;
	/* release without trailing zeros, as tuples */
	while (nx && x->rel[nx - 1].len == 0)
		nx--;
	while (ny && y->rel[ny - 1].len == 0)
		ny--;
	for (size_t i = 0; i < nx && i < ny; i++)
		if ((c = num_cmp(a, x->rel[i], b, y->rel[i])))
			return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;

	/* _pre: -inf for a bare dev release, +inf without pre, else (label, n) */
	cx = x->pre != PRE_NONE ? 1 : (x->post == POST_NONE && x->dev) ? 0 : 2;
	cy = y->pre != PRE_NONE ? 1 : (y->post == POST_NONE && y->dev) ? 0 : 2;
	if ((c = int_cmp(cx, cy)))
		return c;
	if (cx == 1 && ((c = int_cmp(x->pre, y->pre)) || (c = num_cmp(a, x->pre_n, b, y->pre_n))))
		return c;

	/* _post: -inf without post */
	if ((c = int_cmp(x->post != POST_NONE, y->post != POST_NONE)))
		return c;
	if (x->post != POST_NONE &&
	    ((c = int_cmp(x->post, y->post)) || (c = num_cmp(a, x->post_n, b, y->post_n))))
		return c;

	/* _dev: +inf without dev */
	if ((c = int_cmp(!x->dev, !y->dev)))
		return c;
	if (x->dev && (c = num_cmp(a, x->dev_n, b, y->dev_n)))
		return c;

	/* _local: -inf without local; numbers above labels */
	if ((c = int_cmp(x->local, y->local)) || !x->local)
		return c;
	for (size_t i = 0; i < x->nloc && i < y->nloc; i++) {
		const struct pypi_seg *p = &x->loc[i], *q = &y->loc[i];
		if ((c = int_cmp(p->num, q->num)))
			return c;
		if (p->num) {
			struct pypi_num u = { p->off, p->len }, w = { q->off, q->len };
			c = num_cmp(a, u, b, w);
		} else {
			c = label_cmp(a, *p, b, *q);
		}
		if (c)
			return c;
	}
	return (x->nloc > y->nloc) - (x->nloc < y->nloc);
}

static const char *pypi_check(const char *s, size_t n)
{
	struct pypi_version v;
	return pypi_parse(s, n, &v);
}

static int pypi_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct pypi_version x, y;
	if (pypi_parse(a, an, &x) || pypi_parse(b, bn, &y))
		return -1;
	*res = pypi_order(a, &x, b, &y);
	return 0;
}

const struct cg_version_scheme cg_scheme_pypi = {
	.name = "pypi",
	.title = "PEP 440 (packaging.version.Version; LegacyVersion below it)",
	.check = pypi_check,
	.cmp = pypi_cmp,
};
