/* The Debian security tracker: its JSON export and its text lists.
 *
 * Inputs (path relative to the feed root decides nothing but match(); parse()
 * sniffs the bytes):
 *  - the tracker JSON (https://security-tracker.debian.org/tracker/data/json):
 *    {source: {ID: {description, debianbug, releases: {codename: {status,
 *    fixed_version, urgency, nodsa, nodsa_reason, repositories}}}}}.
 *    One advisory per (source, ID) pair, with one affected entry per named
 *    release; the builder merges advisories that share an ID.
 *  - data/CVE/list: per CVE a header "CVE-N (text ...)" or "CVE-N [text]",
 *    then "- pkg VERSION|<tag> (extra)" for unstable, "[release] - pkg ..."
 *    overriding it for one release, "{DSA-.. DLA-..}" cross references and
 *    NOTE:/TODO:/NOT-FOR-US:/RESERVED/REJECTED lines.
 *  - data/DSA/list, data/DLA/list, data/DTSA/list: per advisory a header
 *    "[date] DSA-N-M pkg - title", "{CVE-...}" aliases and
 *    "[release] - pkg VERSION|<tag> (extra)" lines.
 *
 * Mapping (docs: the model in advisory.h):
 *  - releases: codename -> "Debian:<distro-info-data version>" (woody ->
 *    "Debian:3.0", etch -> "Debian:4.0", wheezy -> "Debian:7", bookworm ->
 *    "Debian:12", forky -> "Debian:14"); sid -> "Debian:sid" (not an OSV
 *    release: unstable has no number). Other names are warned and skipped.
 *  - In data/CVE/list the release-less "- pkg ..." line is the tracker's
 *    default for every release without its own "[release]" line (the tracker
 *    compares each release's version with it). It is reported under the
 *    release-less ecosystem "Debian" (OSV: any release) with note "sid
 *    (default for releases without their own line)"; a matcher prefers a
 *    "Debian:N" entry of the same package when one exists.
 *  - packages are source packages (by_source = true).
 *  - a version -> AFFECTED, ECOSYSTEM range {introduced "0", fixed V};
 *    version "0" (JSON) -> NOT_AFFECTED; <unfixed>, <undetermined>, JSON
 *    "open"/"undetermined" -> UNFIXED; <not-affected> -> NOT_AFFECTED;
 *    <end-of-life> and JSON "open" with urgency "end-of-life" -> EOL;
 *    <no-dsa>, <postponed>, <ignored> (JSON nodsa) -> UNFIXED with the note
 *    "no-dsa: <reason>" etc. <removed> and <itp> lines (package not in the
 *    release) give no entry.
 *  - urgency (CVE/list "(low; bug #N)", DSA "(high)", JSON "urgency") goes
 *    to severity with the tracker's "*" markers stripped.
 *  - CVE/list records with placeholder ids (CVE-2023-XXXX) are skipped: the
 *    id is not unique. NOT-FOR-US/RESERVED/REJECTED records have no package
 *    lines and give nothing. Records with no usable package line give
 *    nothing.
 *  - DSA/DLA/DTSA: id = "DSA-N-M", aliases = the CVE ids, summary = the
 *    header's "pkg - title", published = the header date as YYYY-MM-DD when it parses. */
#include "util/internal.h"
#include "util/arena.h"
#include "vulndb/advisory.h"

#define DEB_MAX_LINE	   65536
#define DEB_MAX_ALIASES	   4096
#define DEB_MAX_AFFECTED   1024
#define DEB_MAX_TOKEN	   512
#define DEB_MAX_RECORDS	   (1u << 22)

struct deb_aff {
	const char *eco;
	const char *pkg;
	const char *severity;
	const char *note;
	enum cg_adv_status status;
	struct cg_osv_event ev[2];
	struct cg_adv_range range;
};

struct deb_ctx {
	const char *path;
	const struct cg_adv_sink *sink;
	struct cg_arena arena;
	const char *aliases[DEB_MAX_ALIASES];
	size_t naliases;
	const char *related[DEB_MAX_ALIASES];
	size_t nrelated;
	struct deb_aff aff[DEB_MAX_AFFECTED];
	size_t naff;
	struct cg_adv_affected out[DEB_MAX_AFFECTED];
	const char *refs[2];
	size_t nrefs;
	const char *id, *summary, *details, *published;
	const char *json_pkg; /* JSON: the source package of the issue */
	bool skip; /* the current record is not reported */
};

static const struct {
	const char *codename, *eco;
} deb_releases[] = {
	{ "buzz", "Debian:1.1" },     { "rex", "Debian:1.2" },       { "bo", "Debian:1.3" },
	{ "hamm", "Debian:2.0" },     { "slink", "Debian:2.1" },     { "potato", "Debian:2.2" },
	{ "woody", "Debian:3.0" },    { "sarge", "Debian:3.1" },     { "etch", "Debian:4.0" },
	{ "lenny", "Debian:5.0" },    { "squeeze", "Debian:6.0" },   { "wheezy", "Debian:7" },
	{ "jessie", "Debian:8" },     { "stretch", "Debian:9" },     { "buster", "Debian:10" },
	{ "bullseye", "Debian:11" },  { "bookworm", "Debian:12" },   { "trixie", "Debian:13" },
	{ "forky", "Debian:14" },     { "sid", "Debian:sid" },
};

static const char *deb_release_eco(const char *p, size_t n)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(deb_releases); i++)
		if (strlen(deb_releases[i].codename) == n &&
		    memcmp(deb_releases[i].codename, p, n) == 0)
			return deb_releases[i].eco;
	return NULL;
}

static void deb_warn(struct deb_ctx *c, const char *fmt, ...) CG_PRINTF(2, 3);
static void deb_warn(struct deb_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!c->sink->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->sink->warn(c->sink->ud, c->path, msg);
}

static void deb_reset(struct deb_ctx *c)
{
	cg_arena_release(&c->arena);
	c->naliases = c->nrelated = c->naff = c->nrefs = 0;
	c->id = c->summary = c->details = c->published = NULL;
	c->skip = false;
}

static bool is_sp(int ch)
{
	return ch == ' ' || ch == '\t';
}

static struct cg_view trim(struct cg_view v)
{
	while (v.len && (is_sp(v.p[0]) || v.p[0] == '\r'))
		v.p++, v.len--;
	while (v.len && (is_sp(v.p[v.len - 1]) || v.p[v.len - 1] == '\r'))
		v.len--;
	return v;
}

static bool starts(struct cg_view v, const char *s)
{
	size_t n = strlen(s);
	return v.len >= n && memcmp(v.p, s, n) == 0;
}

/* The next whitespace-separated token of *v (consumed). */
static bool next_word(struct cg_view *v, struct cg_view *w)
{
	size_t i = 0, j;
	while (i < v->len && is_sp(v->p[i]))
		i++;
	j = i;
	while (j < v->len && !is_sp(v->p[j]))
		j++;
	if (j == i)
		return false;
	w->p = v->p + i;
	w->len = j - i;
	v->p += j;
	v->len -= j;
	return true;
}

static char *dup_view(struct deb_ctx *c, struct cg_view v)
{
	return cg_arena_strndup(&c->arena, (const char *)v.p, v.len);
}

static bool printable(struct cg_view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < 0x21 || v.p[i] == 0x7f)
			return false;
	return v.len > 0;
}

/* Strip the tracker's "*" / "**" markers from an urgency word. */
static struct cg_view urgency_word(struct cg_view v)
{
	v = trim(v);
	while (v.len && v.p[v.len - 1] == '*')
		v.len--;
	return trim(v);
}

static cg_err_t add_aff(struct deb_ctx *c, const char *eco, struct cg_view pkg,
			enum cg_adv_status st, struct cg_view version, struct cg_view sev,
			const char *note)
{
	struct deb_aff *a;
	if (c->naff >= DEB_MAX_AFFECTED) {
		deb_warn(c, "%s: more than %d package lines, rest dropped", c->id ? c->id : "?",
			 DEB_MAX_AFFECTED);
		return CG_OK;
	}
	a = &c->aff[c->naff];
	memset(a, 0, sizeof(*a));
	a->eco = eco;
	a->status = st;
	a->pkg = dup_view(c, pkg);
	a->note = note;
	if (!a->pkg)
		return CG_ERR_NOMEM;
	if (sev.len) {
		a->severity = dup_view(c, sev);
		if (!a->severity)
			return CG_ERR_NOMEM;
	}
	if (st == CG_ADV_AFFECTED) {
		a->ev[0].kind = CG_OSV_INTRODUCED;
		a->ev[0].version = "0";
		a->ev[1].kind = CG_OSV_FIXED;
		a->ev[1].version = dup_view(c, version);
		if (!a->ev[1].version)
			return CG_ERR_NOMEM;
		a->range.type = "ECOSYSTEM";
		a->range.events = a->ev;
		a->range.nevents = 2;
	}
	c->naff++;
	return CG_OK;
}

static cg_err_t deb_emit(struct deb_ctx *c)
{
	struct cg_advisory adv;
	if (c->skip || !c->id || c->naff == 0)
		return CG_OK;
	memset(&adv, 0, sizeof(adv));
	for (size_t i = 0; i < c->naff; i++) {
		struct cg_adv_affected *o = &c->out[i];
		const struct deb_aff *a = &c->aff[i];
		memset(o, 0, sizeof(*o));
		o->ecosystem = a->eco;
		o->package = a->pkg;
		o->by_source = true;
		o->status = a->status;
		if (a->status == CG_ADV_AFFECTED) {
			o->ranges = &a->range;
			o->nranges = 1;
		}
		o->severity = a->severity;
		o->note = a->note;
	}
	adv.id = c->id;
	adv.aliases = c->aliases;
	adv.naliases = c->naliases;
	adv.related = c->related;
	adv.nrelated = c->nrelated;
	adv.summary = c->summary;
	adv.details = c->details;
	adv.published = c->published;
	adv.references = c->refs;
	adv.nreferences = c->nrefs;
	adv.affected = c->out;
	adv.naffected = c->naff;
	return c->sink->add(c->sink->ud, &adv);
}

/* ---- the text lists ---- */

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec" };

static int month_of(struct cg_view w)
{
	if (w.len < 3)
		return 0;
	for (int i = 0; i < 12; i++) {
		bool eq = true;
		for (int k = 0; k < 3; k++)
			if ((w.p[k] | 0x20) != months[i][k])
				eq = false;
		if (eq)
			return i + 1;
	}
	return 0;
}

/* Leading decimal digits of w (at most 4), or -1. */
static int lead_num(struct cg_view w)
{
	int x = 0;
	size_t i = 0;
	while (i < w.len && i < 4 && w.p[i] >= '0' && w.p[i] <= '9')
		x = x * 10 + (w.p[i++] - '0');
	return i ? x : -1;
}

/* "29 Mar 2023" or "August 26th, 2005" -> "2023-03-29"; NULL otherwise. */
static const char *parse_date(struct deb_ctx *c, struct cg_view v)
{
	struct cg_view w1, w2, w3, rest = v;
	int d, m, y;
	char buf[16];
	if (!next_word(&rest, &w1) || !next_word(&rest, &w2) || !next_word(&rest, &w3))
		return NULL;
	if (lead_num(w1) >= 0) {
		d = lead_num(w1);
		m = month_of(w2);
	} else {
		m = month_of(w1);
		d = lead_num(w2);
	}
	y = lead_num(w3);
	if (w3.len != 4 || m == 0 || d < 1 || d > 31 || y < 1990 || y > 2999)
		return NULL;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	return cg_arena_strdup(&c->arena, buf);
}

static bool is_cve_id(struct cg_view w)
{
	size_t i, digits = 0;
	if (w.len < 13 || !starts(w, "CVE-"))
		return false;
	for (i = 4; i < 8; i++)
		if (w.p[i] < '0' || w.p[i] > '9')
			return false;
	if (w.p[8] != '-')
		return false;
	for (i = 9; i < w.len; i++, digits++)
		if (w.p[i] < '0' || w.p[i] > '9')
			return false;
	return digits >= 4 && digits <= 19;
}

/* "{CVE-1 CVE-2}" (DSA) or "{DSA-1-1 DLA-2-1}" (CVE/list). */
static cg_err_t parse_xrefs(struct deb_ctx *c, struct cg_view v, bool to_aliases)
{
	struct cg_view w;
	const char **arr = to_aliases ? c->aliases : c->related;
	size_t *n = to_aliases ? &c->naliases : &c->nrelated;
	v = trim(v);
	if (v.len < 2 || v.p[v.len - 1] != '}') {
		deb_warn(c, "%s: unterminated {...} line", c->id ? c->id : "?");
		return CG_OK;
	}
	v.p++, v.len -= 2;
	while (next_word(&v, &w)) {
		char *s;
		if (!printable(w) || w.len > DEB_MAX_TOKEN)
			continue;
		if (*n >= DEB_MAX_ALIASES) {
			deb_warn(c, "%s: too many cross references", c->id ? c->id : "?");
			break;
		}
		s = dup_view(c, w);
		if (!s)
			return CG_ERR_NOMEM;
		arr[(*n)++] = s;
	}
	return CG_OK;
}

static const struct {
	const char *tag;
	enum cg_adv_status st;
	bool noted;	/* the tag goes into the note */
	bool dropped;	/* no entry at all */
} deb_tags[] = {
	{ "unfixed", CG_ADV_UNFIXED, false, false },
	{ "undetermined", CG_ADV_UNFIXED, true, false },
	{ "not-affected", CG_ADV_NOT_AFFECTED, false, false },
	{ "end-of-life", CG_ADV_EOL, false, false },
	{ "no-dsa", CG_ADV_UNFIXED, true, false },
	{ "postponed", CG_ADV_UNFIXED, true, false },
	{ "ignored", CG_ADV_UNFIXED, true, false },
	{ "removed", CG_ADV_NOT_AFFECTED, false, true },
	{ "itp", CG_ADV_NOT_AFFECTED, false, true },
};

/* "pkg VERSION (extra)" or "pkg <tag> (reason)" after "- ". eco NULL: the
 * release-less default line of data/CVE/list. */
static cg_err_t parse_pkg_line(struct deb_ctx *c, const char *eco, struct cg_view v)
{
	struct cg_view pkg, what, extra = { NULL, 0 }, sev = { NULL, 0 };
	const char *note = NULL;
	enum cg_adv_status st = CG_ADV_AFFECTED;
	const char *id = c->id ? c->id : "?";
	size_t open;
	if (!next_word(&v, &pkg) || !printable(pkg) || pkg.len > DEB_MAX_TOKEN) {
		deb_warn(c, "%s: package line without a package", id);
		return CG_OK;
	}
	v = trim(v);
	/* the parenthesised extra, if any, is the tail of the line */
	for (open = 0; open < v.len && v.p[open] != '('; open++)
		;
	if (open < v.len) {
		extra.p = v.p + open + 1;
		extra.len = v.len - open - 1;
		extra = trim(extra);
		if (extra.len && extra.p[extra.len - 1] == ')')
			extra.len--;
		extra = trim(extra);
		v.len = open;
	}
	what = trim(v);
	if (what.len == 0) {
		deb_warn(c, "%s: %.*s: no version or tag", id, (int)pkg.len, (const char *)pkg.p);
		return CG_OK;
	}
	if (what.p[0] == '<') {
		size_t i;
		if (what.p[what.len - 1] != '>') {
			deb_warn(c, "%s: %.*s: malformed tag", id, (int)pkg.len,
				 (const char *)pkg.p);
			return CG_OK;
		}
		for (i = 0; i < CG_ARRAY_LEN(deb_tags); i++)
			if (strlen(deb_tags[i].tag) == what.len - 2 &&
			    memcmp(deb_tags[i].tag, what.p + 1, what.len - 2) == 0)
				break;
		if (i == CG_ARRAY_LEN(deb_tags)) {
			deb_warn(c, "%s: %.*s: unknown tag %.*s", id, (int)pkg.len,
				 (const char *)pkg.p, (int)what.len, (const char *)what.p);
			return CG_OK;
		}
		if (deb_tags[i].dropped)
			return CG_OK;
		st = deb_tags[i].st;
		if (st == CG_ADV_UNFIXED && !deb_tags[i].noted && extra.len) {
			/* "- ant <unfixed> (unimportant)": the urgency */
			sev = urgency_word(extra);
			extra.len = 0;
		} else if (st == CG_ADV_UNFIXED && !deb_tags[i].noted) {
			extra.len = 0;
		}
		if (deb_tags[i].noted || extra.len) {
			char buf[1024];
			if (deb_tags[i].noted && extra.len)
				snprintf(buf, sizeof(buf), "%s: %.*s", deb_tags[i].tag,
					 (int)(extra.len > 900 ? 900 : extra.len),
					 (const char *)extra.p);
			else if (deb_tags[i].noted)
				snprintf(buf, sizeof(buf), "%s", deb_tags[i].tag);
			else
				snprintf(buf, sizeof(buf), "%.*s",
					 (int)(extra.len > 900 ? 900 : extra.len),
					 (const char *)extra.p);
			note = cg_arena_strdup(&c->arena, buf);
			if (!note)
				return CG_ERR_NOMEM;
		}
	} else {
		struct cg_view w, rest = what;
		struct cg_error verr;
		if (!next_word(&rest, &w) || trim(rest).len != 0 || !printable(w) ||
		    cg_version_validate(cg_version_scheme_find("deb"), (const char *)w.p, w.len,
					&verr) != CG_OK) {
			deb_warn(c, "%s: %.*s: bad version '%.*s'", id, (int)pkg.len,
				 (const char *)pkg.p, (int)(what.len > 80 ? 80 : what.len),
				 (const char *)what.p);
			return CG_OK;
		}
		what = w;
		/* "(low; bug #990901)", "(bug #264972)", "(medium)" */
		while (extra.len) {
			struct cg_view item = extra;
			size_t k;
			for (k = 0; k < extra.len && extra.p[k] != ';'; k++)
				;
			item.len = k;
			item = trim(item);
			if (item.len && !starts(item, "bug"))
				sev = urgency_word(item);
			if (k >= extra.len)
				break;
			extra.p += k + 1;
			extra.len -= k + 1;
		}
	}
	if (!eco) {
		eco = "Debian";
		if (!note)
			note = "sid (default for releases without their own line)";
	}
	return add_aff(c, eco, pkg, st, what, sev, note);
}

/* "[release] - pkg ..." */
static cg_err_t parse_release_line(struct deb_ctx *c, struct cg_view v)
{
	size_t close;
	const char *eco;
	struct cg_view rel;
	for (close = 1; close < v.len && v.p[close] != ']'; close++)
		;
	if (close >= v.len) {
		deb_warn(c, "%s: unterminated [release]", c->id ? c->id : "?");
		return CG_OK;
	}
	rel.p = v.p + 1;
	rel.len = close - 1;
	eco = deb_release_eco((const char *)rel.p, rel.len);
	if (!eco) {
		deb_warn(c, "%s: unknown release '%.*s'", c->id ? c->id : "?",
			 (int)(rel.len > 40 ? 40 : rel.len), (const char *)rel.p);
		return CG_OK;
	}
	v.p += close + 1;
	v.len -= close + 1;
	v = trim(v);
	if (!starts(v, "- ")) {
		deb_warn(c, "%s: [%s] line without '- pkg'", c->id ? c->id : "?", eco);
		return CG_OK;
	}
	v.p += 2, v.len -= 2;
	return parse_pkg_line(c, eco, v);
}

/* "[29 Mar 2023] DSA-5380-1 xorg-server - security update" */
static cg_err_t parse_dsa_header(struct deb_ctx *c, struct cg_view v)
{
	size_t close;
	struct cg_view date, rest, id, w;
	for (close = 1; close < v.len && v.p[close] != ']'; close++)
		;
	if (close >= v.len) {
		deb_warn(c, "malformed header '%.*s'", (int)(v.len > 80 ? 80 : v.len),
			 (const char *)v.p);
		c->skip = true;
		return CG_OK;
	}
	date.p = v.p + 1;
	date.len = close - 1;
	rest.p = v.p + close + 1;
	rest.len = v.len - close - 1;
	if (!next_word(&rest, &id) || id.len > DEB_MAX_TOKEN || !printable(id) ||
	    !(starts(id, "DSA-") || starts(id, "DLA-") || starts(id, "DTSA-"))) {
		deb_warn(c, "malformed header '%.*s'", (int)(v.len > 80 ? 80 : v.len),
			 (const char *)v.p);
		c->skip = true;
		return CG_OK;
	}
	c->id = dup_view(c, id);
	if (!c->id)
		return CG_ERR_NOMEM;
	c->published = parse_date(c, date);
	/* "pkg - title" as OSV's DSA records word their summary */
	w = trim(rest);
	w = trim(w);
	if (w.len) {
		c->summary = dup_view(c, w);
		if (!c->summary)
			return CG_ERR_NOMEM;
	}
	return CG_OK;
}

/* "CVE-2021-36373 (When reading ...)" / "CVE-2023-XXXX [text]" */
static cg_err_t parse_cve_header(struct deb_ctx *c, struct cg_view v)
{
	struct cg_view id, rest = v;
	if (!next_word(&rest, &id) || !is_cve_id(id)) {
		c->skip = true; /* placeholder ids (CVE-2023-XXXX) and garbage */
		return CG_OK;
	}
	c->id = dup_view(c, id);
	if (!c->id)
		return CG_ERR_NOMEM;
	rest = trim(rest);
	if (rest.len >= 2 && ((rest.p[0] == '(' && rest.p[rest.len - 1] == ')') ||
			      (rest.p[0] == '[' && rest.p[rest.len - 1] == ']'))) {
		rest.p++, rest.len -= 2;
		rest = trim(rest);
	}
	if (rest.len) {
		c->summary = dup_view(c, rest);
		if (!c->summary)
			return CG_ERR_NOMEM;
	}
	return CG_OK;
}

static cg_err_t parse_list(struct deb_ctx *c, const unsigned char *data, size_t len, bool cve_list,
			   struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct cg_cursor cur;
	struct cg_view line;
	size_t lineno = 0;
	bool in_record = false;
	cg_cursor_init(&cur, data, len);
	while (!cg_cursor_eof(&cur)) {
		struct cg_view body;
		if (!cg_cursor_line(&cur, DEB_MAX_LINE, &line))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: line %zu longer than %d",
						 c->path, lineno + 1, DEB_MAX_LINE));
		if (++lineno > DEB_MAX_RECORDS)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: too many lines", c->path));
		if (memchr(line.p, '\0', line.len))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: line %zu: NUL byte",
						 c->path, lineno));
		body = trim(line);
		if (body.len == 0)
			continue;
		if (!is_sp(line.p[0])) { /* a header */
			if (in_record && (rc = deb_emit(c)) != CG_OK)
				goto done;
			deb_reset(c);
			in_record = true;
			if (cve_list ? !starts(body, "CVE-") : body.p[0] != '[') {
				if (lineno == 1)
					CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
								 "%s: not a tracker list", c->path));
				deb_warn(c, "line %zu: unexpected header", lineno);
				c->skip = true;
				continue;
			}
			rc = cve_list ? parse_cve_header(c, body) : parse_dsa_header(c, body);
			if (rc != CG_OK)
				goto done;
			if (!cve_list && c->skip && lineno == 1)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "%s: not a DSA/DLA/DTSA list", c->path));
			continue;
		}
		if (!in_record) {
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s: line %zu: indented line before any header",
						 c->path, lineno));
		}
		if (c->skip)
			continue;
		if (body.p[0] == '{')
			rc = parse_xrefs(c, body, !cve_list);
		else if (body.p[0] == '[')
			rc = parse_release_line(c, body);
		else if (cve_list && starts(body, "- "))
			rc = parse_pkg_line(c, NULL, (struct cg_view){ body.p + 2, body.len - 2 });
		else if (starts(body, "NOT-FOR-US:") || cg_view_eq(body, "RESERVED") ||
			 cg_view_eq(body, "REJECTED"))
			c->naff = 0, c->skip = true;
		else if (!starts(body, "NOTE:") && !starts(body, "TODO:"))
			deb_warn(c, "%s: line %zu: not understood", c->id ? c->id : "?", lineno);
		if (rc != CG_OK)
			goto done;
	}
	if (in_record)
		rc = deb_emit(c);
done:
	return rc;
}

/* ---- the tracker JSON ---- */

static cg_err_t json_release(struct deb_ctx *c, const char *name, const cg_json *r)
{
	const char *eco = deb_release_eco(name, strlen(name));
	const char *status = cg_json_get_str(r, "status");
	const char *fixed = cg_json_get_str(r, "fixed_version");
	const char *urg = cg_json_get_str(r, "urgency");
	const char *nodsa = cg_json_get_str(r, "nodsa");
	const char *reason = cg_json_get_str(r, "nodsa_reason");
	struct cg_view sev = { NULL, 0 }, ver = { NULL, 0 };
	struct cg_view pkg = cg_view_make(c->json_pkg, strlen(c->json_pkg));
	enum cg_adv_status st;
	const char *note = NULL;
	if (!eco) {
		deb_warn(c, "%s: unknown release '%.40s'", c->id, name);
		return CG_OK;
	}
	if (!cg_json_is_object(r) || !status) {
		deb_warn(c, "%s/%s: release without a status", c->id, name);
		return CG_OK;
	}
	if (urg) {
		sev = urgency_word(cg_view_make(urg, strlen(urg)));
		if (cg_view_eq(sev, "end-of-life"))
			sev.len = 0;
	}
	if (strcmp(status, "resolved") == 0) {
		struct cg_error verr;
		if (!fixed || !*fixed) {
			deb_warn(c, "%s/%s: resolved without a fixed_version", c->id, name);
			return CG_OK;
		}
		if (strcmp(fixed, "0") == 0) {
			st = CG_ADV_NOT_AFFECTED;
		} else if (cg_version_validate(cg_version_scheme_find("deb"), fixed,
					       strlen(fixed), &verr) != CG_OK) {
			deb_warn(c, "%s/%s: bad fixed_version '%.80s'", c->id, name, fixed);
			return CG_OK;
		} else {
			st = CG_ADV_AFFECTED;
			ver = cg_view_make(fixed, strlen(fixed));
		}
	} else if (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0) {
		st = CG_ADV_UNFIXED;
		if (urg && strcmp(urg, "end-of-life") == 0)
			st = CG_ADV_EOL;
		else if (strcmp(status, "undetermined") == 0)
			note = "undetermined";
	} else {
		deb_warn(c, "%s/%s: unknown status '%.40s'", c->id, name, status);
		return CG_OK;
	}
	if (st == CG_ADV_UNFIXED && nodsa) {
		char buf[1024];
		if (*nodsa && reason && *reason)
			snprintf(buf, sizeof(buf), "no-dsa: %.400s (%.400s)", nodsa, reason);
		else if (*nodsa)
			snprintf(buf, sizeof(buf), "no-dsa: %.400s", nodsa);
		else if (reason && *reason)
			snprintf(buf, sizeof(buf), "no-dsa (%.400s)", reason);
		else
			snprintf(buf, sizeof(buf), "no-dsa");
		note = cg_arena_strdup(&c->arena, buf);
		if (!note)
			return CG_ERR_NOMEM;
	}
	return add_aff(c, eco, pkg, st, ver, sev, note);
}

static cg_err_t parse_json(struct deb_ctx *c, const unsigned char *data, size_t len,
			   struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	cg_json *root = NULL;
	struct cg_json_limits lim = { 0, 16, true };
	struct cg_error jerr;
	rc = cg_json_parse((const char *)data, len, &lim, &root, &jerr);
	if (rc != CG_OK)
		CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", c->path, cg_error_message(&jerr)));
	if (!cg_json_is_object(root))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: not a JSON object", c->path));
	for (void *it = cg_json_iter(root); it; it = cg_json_iter_next(root, it)) {
		const char *src = cg_json_iter_key(it);
		cg_json *cves = cg_json_iter_value(it);
		if (!cg_json_is_object(cves) || !*src || strlen(src) > DEB_MAX_TOKEN) {
			deb_warn(c, "source '%.60s': not an object of issues", src);
			continue;
		}
		for (void *jt = cg_json_iter(cves); jt; jt = cg_json_iter_next(cves, jt)) {
			const char *id = cg_json_iter_key(jt);
			cg_json *cve = cg_json_iter_value(jt);
			cg_json *rels = cg_json_get(cve, "releases");
			int64_t bug;
			deb_reset(c);
			if (!cg_json_is_object(cve) || !*id || strlen(id) > DEB_MAX_TOKEN) {
				deb_warn(c, "%.60s/%.60s: not an issue object", src, id);
				continue;
			}
			c->id = id;
			c->json_pkg = src;
			if (cg_json_is_array(rels) && cg_json_array_len(rels) == 0)
				continue; /* "releases": [] (removed packages) */
			if (!cg_json_is_object(rels)) {
				deb_warn(c, "%s/%.60s: no releases", src, id);
				continue;
			}
			for (void *rt = cg_json_iter(rels); rt; rt = cg_json_iter_next(rels, rt))
				if ((rc = json_release(c, cg_json_iter_key(rt),
						       cg_json_iter_value(rt))) != CG_OK)
					goto done;
			c->details = cg_json_get_str(cve, "description");
			if (c->details && !*c->details)
				c->details = NULL;
			if (cg_json_get_int(cve, "debianbug", &bug) && bug > 0) {
				char buf[64];
				snprintf(buf, sizeof(buf), "https://bugs.debian.org/%lld",
					 (long long)bug);
				c->refs[0] = cg_arena_strdup(&c->arena, buf);
				if (!c->refs[0])
					CG_FAIL(rc, CG_ERR_NOMEM);
				c->nrefs = 1;
			}
			if ((rc = deb_emit(c)) != CG_OK)
				goto done;
		}
	}
done:
	cg_json_free(root);
	return rc;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static bool debian_match(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return ends_with(path, "data/CVE/list") || ends_with(path, "data/DSA/list") ||
	       ends_with(path, "data/DLA/list") || ends_with(path, "data/DTSA/list") ||
	       strcmp(base, "json") == 0 || strcmp(base, "debian.json") == 0 ||
	       strstr(base, "security_tracker") != NULL ||
	       strstr(base, "security-tracker") != NULL;
}

static cg_err_t debian_parse(const char *path, const unsigned char *data, size_t len,
			     const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct deb_ctx *c = NULL;
	size_t i = 0;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "debian feed: bad arguments");
	c = calloc(1, sizeof(*c));
	if (!c)
		return CG_ERR_NOMEM;
	c->path = path ? path : "";
	c->sink = sink;
	while (i < len && (is_sp(data[i]) || data[i] == '\n' || data[i] == '\r'))
		i++;
	if (i < len && data[i] == '{') {
		rc = parse_json(c, data, len, err);
	} else {
		/* the CVE list starts with a CVE header, the others with "[date]" */
		bool cve_list = i + 4 <= len && memcmp(data + i, "CVE-", 4) == 0;
		if (i < len && data[i] != '[' && !cve_list)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s: neither tracker JSON nor a tracker list",
						 c->path));
		rc = parse_list(c, data, len, cve_list, err);
	}
done:
	if (c)
		cg_arena_release(&c->arena);
	free(c);
	return rc;
}

const struct cg_feed_parser cg_feed_debian = {
	.type = "debian",
	.match = debian_match,
	.parse = debian_parse,
};
