/* Maven: org.apache.maven.artifact.versioning.ComparableVersion, as in the
 * maven-artifact jar of Maven 3.8.7 (read from its bytecode), made a total order.
 *
 * Which Maven: 3.8.7, the jar on Debian 12 (libmaven3-core-java). Built with
 * CG_MAVEN_PAIRWISE=1 this file gives the jar's answer on all 98,119,036 pairs
 * of 14,009 real versions. Other Maven releases differ from it:
 *  - up to 3.8.6 (before MNG-7644) a word after '.' was not put in a list of
 *    its own: "1.0.0.RC1" was [1, 0, 0, rc, [1]], above "1.0.0-RC2". The
 *    vectors tests/data/versions/maven-versions-generated.txt were made with
 *    3.8.6 (this file without MNG-7644, raw, gives all 14,752 lines); 18 of
 *    them differ from 3.8.7 and are listed in tests/unit/test_version_maven.c.
 *  - 3.9.x after MNG-7714 (merged June 2023; not checked here, no such jar):
 *    "ga", "final", "release" still compare equal to "" but are no longer
 *    null, and normalize() drops a 0 only when it is last or is followed by a
 *    word or by a list that starts with a word. Then "1.0.final-x" <
 *    "1.0-sp1-x" (here: >) and "1.0-1" > "1-1" (here: =). Pairs with such
 *    versions are listed in tests/unit/test_version_maven.c.
 *  - MNG-7559 (merged into Maven's master in 2022, not into 3.8.x or 3.9.x):
 *    a word directly followed by digits ("rc1", also "rc-1") is one item;
 *    not followed.
 *
 * Parsing (ComparableVersion.parseVersion on the lower-cased string):
 *  - '.' ends an item; '-' ends an item and opens a sub-list; an empty item
 *    ("1..2", "1-", a leading '.') is the number 0;
 *  - a change from digits to letters ("1a") ends the number and opens a
 *    sub-list; a change from letters to digits ("a1") ends the word, opens a
 *    sub-list for it (unless the current list is still empty) and another one
 *    for what follows. A trailing word goes into a sub-list of its own unless
 *    the current list is empty ("1.0.x" is 1.0-x).
 *    So the lists nest as a chain: each list is some items and maybe, last,
 *    the next list.
 *  - numbers compare by value, of any size, with Maven's three kinds kept:
 *    IntItem (up to 9 digits once leading zeros are gone) < LongItem (up to 18)
 *    < BigIntegerItem. A run of zeros keeps its length ("0000000000" is a
 *    LongItem 0, above IntItem 0 but still "null", as in the jar);
 *  - words: alpha < beta < milestone < rc = cr < snapshot < "" = ga = final =
 *    release < sp < any other word, other words lexically (after lower-casing);
 *    a, b, m directly followed by a digit are alpha, beta, milestone;
 *  - normalize(): each list, deepest first, drops trailing "null" items
 *    (number 0, the "" word, an empty list), and a nested non-empty list does
 *    not stop it ("1.0-1" is 1-1).
 *
 * Comparing two lists item by item: number > list > word; a missing item
 * ("null", past the end of the shorter list) is compared with what the other
 * list has left: the first item there that is not null decides (number: above;
 * alpha..snapshot: below; sp or other word: above; a list: its own first
 * non-null item).
 *
 * Where we differ from the jar: ComparableVersion is not transitive, e.g. in
 * the jar 1.0.0-1 < 1.0.0.CR-1 < 1.0.0 < 1.0.0-1, because item against item
 * ("0" > list, "sp" < list) and item against the end of a list ("0" is null,
 * "sp" is above, "-alpha" below) do not agree. cguard needs a total order, so
 * at each position we first ask what the jar asks at the end of a list: is the
 * rest of this list above or below its end? Two rests on different sides of
 * the end are ordered that way; only rests on the same side go on to the jar's
 * item-against-item rule. This is the jar's answer for every pair except those
 * where the jar contradicts itself: the first difference is a word directly in
 * a list and followed by more items ("1.0.0.CR-1", "1.sp.1", "1.ga.1") set
 * against a list or a number 0, or zeros against "" with rests of different
 * sides. Build with -DCG_MAVEN_PAIRWISE=1 to get the jar's raw answers (for
 * cross-checking against the jar only: not an order).
 *
 * Validity (the jar accepts every string): we refuse the empty string, white
 * space, control characters, non-ASCII bytes (Java lower-cases and finds digits
 * in all of Unicode, which a byte comparison cannot follow and no real Maven
 * version needs), more than CG_VERSION_MAX_LEN bytes and more than
 * MVN_MAX_ITEMS items. */
#include "util/internal.h"
#include "version/scheme.h"

#ifndef CG_MAVEN_PAIRWISE
#define CG_MAVEN_PAIRWISE 0
#endif

/* Most items one version may have (before normalize(); each '.', '-', and
 * digit/letter change adds one). Real versions have well under 20. */
#define MVN_MAX_ITEMS 64

/* Item kinds, numbers in the jar's order among themselves. */
enum mvn_kind { MVN_INT, MVN_LONG, MVN_BIG, MVN_WORD };

/* Word ranks: the jar's QUALIFIERS list, then every other word. */
enum mvn_qual { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_OTHER };

struct mvn_item {
	uint16_t off, len; /* number: its digits without leading zeros (len 0: zero);
			      Q_OTHER word: its bytes */
	uint8_t kind;	   /* enum mvn_kind */
	uint8_t qual;	   /* enum mvn_qual, for words */
	int8_t rest;	   /* -1/+1: this item and all after it, against the end */
};

/* A parsed version: the chain of lists flattened. List d holds items
 * item[start[d] .. start[d] + len[d]) and, when d + 1 < nlist, list d + 1 last. */
struct mvn {
	const char *s;
	unsigned nitem, nlist;
	uint8_t start[MVN_MAX_ITEMS + 1];
	uint8_t len[MVN_MAX_ITEMS + 1];
	struct mvn_item item[MVN_MAX_ITEMS];
};

static const char too_many[] = "more than " CG_STR(MVN_MAX_ITEMS) " items";

static inline bool mvn_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline unsigned char mvn_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Does s[0..n) equal the lower-case word w, ignoring ASCII case? */
static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (w[i] == '\0' || mvn_lower((unsigned char)s[i]) != (unsigned char)w[i])
			return false;
	return w[i] == '\0';
}

static const struct {
	const char *word;
	enum mvn_qual q;
} mvn_words[] = {
    {"alpha", Q_ALPHA}, {"beta", Q_BETA},     {"milestone", Q_MILESTONE},
    {"rc", Q_RC},	{"cr", Q_RC},	      {"snapshot", Q_SNAPSHOT},
    {"ga", Q_RELEASE},	{"final", Q_RELEASE}, {"release", Q_RELEASE},
    {"sp", Q_SP},
};

static bool open_list(struct mvn *v)
{
	if (v->nlist > MVN_MAX_ITEMS)
		return false;
	v->start[v->nlist] = (uint8_t)v->nitem;
	v->len[v->nlist] = 0;
	v->nlist++;
	return true;
}

static struct mvn_item *new_item(struct mvn *v)
{
	struct mvn_item *it;
	if (v->nitem >= MVN_MAX_ITEMS)
		return NULL;
	it = &v->item[v->nitem++];
	v->len[v->nlist - 1]++;
	it->off = it->len = 0;
	it->kind = MVN_INT;
	it->qual = 0;
	it->rest = 0;
	return it;
}

/* The number s[b..e) (b < e, all digits): parseItem(true, ...). */
static bool add_number(struct mvn *v, size_t b, size_t e)
{
	struct mvn_item *it = new_item(v);
	size_t z = b, javalen;
	if (!it)
		return false;
	while (z < e && v->s[z] == '0')
		z++;
	/* stripLeadingZeroes() leaves an all-zero string as it is */
	javalen = z == e ? e - b : e - z;
	it->kind = javalen <= 9 ? MVN_INT : javalen <= 18 ? MVN_LONG : MVN_BIG;
	it->off = (uint16_t)z;
	it->len = (uint16_t)(e - z);
	return true;
}

/* The word s[b..e) (b < e): new StringItem(..., followed_by_digit). */
static bool add_word(struct mvn *v, size_t b, size_t e, bool followed_by_digit)
{
	struct mvn_item *it = new_item(v);
	const char *w = v->s + b;
	size_t n = e - b;
	if (!it)
		return false;
	it->kind = MVN_WORD;
	it->qual = Q_OTHER;
	it->off = (uint16_t)b;
	it->len = (uint16_t)n;
	if (followed_by_digit && n == 1) {
		unsigned char c = mvn_lower((unsigned char)w[0]);
		if (c == 'a' || c == 'b' || c == 'm') {
			it->qual = c == 'a' ? Q_ALPHA : c == 'b' ? Q_BETA : Q_MILESTONE;
			return true;
		}
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(mvn_words); i++) {
		if (word_is(w, n, mvn_words[i].word)) {
			it->qual = (uint8_t)mvn_words[i].q;
			break;
		}
	}
	return true;
}

/* The item s[b..e): a number when the last character class was digits. */
static bool add_token(struct mvn *v, size_t b, size_t e, bool digits)
{
	if (b == e) /* IntItem.ZERO */
		return new_item(v) != NULL;
	return digits ? add_number(v, b, e) : add_word(v, b, e, false);
}

/* Item against the end of a list (Item.compareTo(null)): -1, 0 (null) or 1. */
static int null_sign(const struct mvn_item *it)
{
	if (it->kind != MVN_WORD)
		return it->len != 0;
	return it->qual < Q_RELEASE ? -1 : it->qual > Q_RELEASE;
}

/* ListItem.normalize() on every list, deepest first, then pack the items
 * that are left and note for each whether it and the rest are above or below
 * the end. */
static void normalize(struct mvn *v)
{
	unsigned w = 0;
	int rest = 0;

	for (unsigned d = v->nlist; d-- > 0;) {
		/* an empty last list is null */
		if (d + 2 == v->nlist && v->len[d + 1] == 0)
			v->nlist = d + 1;
		while (v->len[d] && null_sign(&v->item[v->start[d] + v->len[d] - 1]) == 0)
			v->len[d]--;
	}
	for (unsigned d = 0; d < v->nlist; d++) {
		unsigned from = v->start[d];
		v->start[d] = (uint8_t)w;
		for (unsigned i = 0; i < v->len[d]; i++)
			v->item[w++] = v->item[from + i];
	}
	v->nitem = w;
	for (unsigned i = w; i-- > 0;) {
		int ns = null_sign(&v->item[i]);
		if (ns)
			rest = ns;
		v->item[i].rest = (int8_t)rest;
	}
}

/* ComparableVersion.parseVersion() into *v; NULL or why s[0..n) is invalid. */
static const char *mvn_parse(const char *s, size_t n, struct mvn *v)
{
	const char *why = NULL;
	size_t start = 0;
	bool digits = false;

	v->s = s;
	v->nitem = 0;
	v->nlist = 0;
	if (!s || n == 0)
		CG_FAIL(why, "empty");
	if (n > CG_VERSION_MAX_LEN)
		CG_FAIL(why, "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			CG_FAIL(why, "contains white space");
		if (c < 0x20 || c == 0x7f)
			CG_FAIL(why, "contains a control character");
		if (c >= 0x80)
			CG_FAIL(why, "contains a non-ASCII byte");
	}
	(void)open_list(v); /* the root list */

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' || c == '-') {
			if (!add_token(v, start, i, digits))
				CG_FAIL(why, too_many);
			start = i + 1;
			if (c == '-' && !open_list(v))
				CG_FAIL(why, too_many);
		} else if (mvn_digit(c)) {
			if (!digits && i > start) {
				if (v->len[v->nlist - 1] && !open_list(v))
					CG_FAIL(why, too_many);
				if (!add_word(v, start, i, true) || !open_list(v))
					CG_FAIL(why, too_many);
				start = i;
			}
			digits = true;
		} else {
			if (digits && i > start) {
				if (!add_number(v, start, i) || !open_list(v))
					CG_FAIL(why, too_many);
				start = i;
			}
			digits = false;
		}
	}
	if (n > start) {
		if (!digits && v->len[v->nlist - 1] && !open_list(v))
			CG_FAIL(why, too_many);
		if (!add_token(v, start, n, digits))
			CG_FAIL(why, too_many);
	}
	normalize(v);
done:
	return why;
}

static const char *mvn_check(const char *s, size_t n)
{
	struct mvn v;
	return mvn_parse(s, n, &v);
}

/* Two leaf items, the jar's Item.compareTo(): number > word. */
static int item_cmp(const struct mvn *va, const struct mvn_item *a, const struct mvn *vb,
		    const struct mvn_item *b)
{
	if (a->kind != MVN_WORD && b->kind != MVN_WORD) {
		int r;
		if (a->kind != b->kind)
			return a->kind < b->kind ? -1 : 1;
		if (a->len != b->len)
			return a->len < b->len ? -1 : 1;
		r = memcmp(va->s + a->off, vb->s + b->off, a->len);
		return (r > 0) - (r < 0);
	}
	if (a->kind != MVN_WORD)
		return 1;
	if (b->kind != MVN_WORD)
		return -1;
	if (a->qual != b->qual)
		return a->qual < b->qual ? -1 : 1;
	if (a->qual != Q_OTHER)
		return 0;
	/* other words: String.compareTo() of the lower-cased words */
	for (size_t i = 0; i < a->len && i < b->len; i++) {
		unsigned char x = mvn_lower((unsigned char)va->s[a->off + i]);
		unsigned char y = mvn_lower((unsigned char)vb->s[b->off + i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return (a->len > b->len) - (a->len < b->len);
}

enum mvn_elem { E_END, E_ITEM, E_LIST };

/* What list d of v holds at position k, and the side of the rest from there. */
static enum mvn_elem elem_at(const struct mvn *v, unsigned d, unsigned k, int *rest)
{
	unsigned i = v->start[d] + k;
	if (k < v->len[d] || (k == v->len[d] && d + 1 < v->nlist)) {
		*rest = v->item[i].rest; /* a nested list starts at the next packed item */
		return k < v->len[d] ? E_ITEM : E_LIST;
	}
	*rest = 0;
	return E_END;
}

/* ListItem.compareTo() down the two chains. */
static int mvn_compare(const struct mvn *a, const struct mvn *b)
{
	unsigned d = 0, k = 0;
	/* each step moves one position or one list deeper */
	for (unsigned steps = 0; steps <= 2u * (MVN_MAX_ITEMS + 1); steps++) {
		int ra, rb, r;
		enum mvn_elem ea = elem_at(a, d, k, &ra);
		enum mvn_elem eb = elem_at(b, d, k, &rb);

		/* the end of a list against the rest of the other (the jar) */
		if (ea == E_END || eb == E_END)
			return (ra > rb) - (ra < rb);
		/* rests on both sides of the end: the same answer (our total order) */
		if (!CG_MAVEN_PAIRWISE && ra != rb)
			return ra < rb ? -1 : 1;
		if (ea == E_LIST && eb == E_LIST) {
			d++;
			k = 0;
			continue;
		}
		if (ea == E_LIST) /* list against an item: above a word, below a number */
			return b->item[b->start[d] + k].kind == MVN_WORD ? 1 : -1;
		if (eb == E_LIST)
			return a->item[a->start[d] + k].kind == MVN_WORD ? -1 : 1;
		r = item_cmp(a, &a->item[a->start[d] + k], b, &b->item[b->start[d] + k]);
		if (r)
			return r;
		k++;
	}
	return 0; /* not reached: the chains are at most MVN_MAX_ITEMS long */
}

static int mvn_cmp(const char *a, size_t an, const char *b, size_t bn, int *res)
{
	struct mvn va, vb;
	if (mvn_parse(a, an, &va) || mvn_parse(b, bn, &vb))
		return -1;
	*res = mvn_compare(&va, &vb);
	return 0;
}

const struct cg_version_scheme cg_scheme_maven = {
    .name = "maven",
    .title = "Maven ComparableVersion (3.8.7), made transitive",
    .check = mvn_check,
    .cmp = mvn_cmp,
};
