/* The osv: feed: OSV records (https://ossf.github.io/osv-schema/) in JSON
 * (one record per file as osv.dev, golang/vulndb, AlmaLinux/osv-database and
 * github/advisory-database write them; also a JSON array of records, or
 * {"vulns": [...]} as the OSV API answers) and in YAML (the PyPA advisory
 * database's PYSEC-*.yaml; a YAML stream may hold several documents).
 *
 * Mapping to struct cg_advisory (lib/vulndb/advisory.h):
 *  - id, aliases, related, summary, details, published, modified: as written
 *    (YAML timestamps are kept as their text, not re-formatted). `upstream`
 *    (OSV 1.7; Debian DLA/DSA and Rocky records name their CVEs there) is
 *    appended to `related`, duplicates dropped.
 *  - withdrawn: true when `withdrawn` holds a string (the date); the record is
 *    still reported.
 *  - severity[]: type and score. references[]: url.
 *  - affected[]: package ecosystem/name/purl; ranges of type ECOSYSTEM and
 *    SEMVER with their events in the feed's order; GIT ranges are skipped
 *    without a word, a range of an unknown type with a warning; versions[].
 *    Status is always CG_ADV_AFFECTED: a range "introduced 0" without a fix
 *    says "every version", which the matcher reads from the range itself.
 *    An entry without a package (OSV allows that for GIT-only entries) is not
 *    reported.
 *  - affected[].severity, the feed's own word, first found of:
 *    affected[].ecosystem_specific.severity, affected[].database_specific.
 *    severity, the record's database_specific.severity (GHSA: LOW, MODERATE,
 *    HIGH, CRITICAL), a severity[] entry of a vendor type (Ubuntu: "medium"),
 *    and for the Red Hat rebuilds (AlmaLinux, Rocky Linux), whose records
 *    carry no severity field, the summary's prefix "Critical:", "Important:",
 *    "Moderate:" or "Low:".
 *  - by_source: set for the ecosystems whose OSV records name source packages:
 *    Debian (DSA/DLA/DEBIAN-CVE: the tracker's source package), Ubuntu
 *    (source package, binaries in ecosystem_specific.binaries) and Alpine
 *    (the secdb origin). AlmaLinux and Rocky Linux records name binary rpms
 *    (AlmaLinux ALBA-2022:8256 lists qatzip, qatzip-devel and qatzip-libs),
 *    so by_source stays false for them.
 *
 * Bounds: the file size, the JSON wrapper's depth (64) and the same depth for
 * YAML; for YAML also the number of nodes, anchors and alias expansions (an
 * alias counts as many nodes as it expands to, so a billion-laughs file stops
 * at the node limit); per record the counts of aliases, affected entries,
 * ranges, events, versions, references and severities and the length of every
 * string. A record that breaks a bound or the schema is warned about and
 * skipped; a file that is not JSON/YAML or not records is CG_ERR_INVALID. */
#include "util/internal.h"
#include "util/arena.h"
#include "vulndb/advisory.h"

#include "util/yaml.h"

#define OSV_MAX_FILE	   ((size_t)32 << 20)
#define OSV_MAX_RECORDS	   200000
#define OSV_MAX_IDS	   1024 /* aliases, related (+ upstream) */
#define OSV_MAX_AFFECTED   8192
#define OSV_MAX_RANGES	   256
#define OSV_MAX_EVENTS	   1024
#define OSV_MAX_VERSIONS   65536
#define OSV_MAX_REFS	   4096
#define OSV_MAX_SEVERITIES 64
#define OSV_MAX_ID_LEN	   256
#define OSV_MAX_DATE_LEN   64
#define OSV_MAX_ECO_LEN	   128
#define OSV_MAX_NAME_LEN   1024
#define OSV_MAX_PURL_LEN   2048
#define OSV_MAX_URL_LEN	   4096
#define OSV_MAX_SUMMARY	   8192
#define OSV_MAX_DETAILS	   ((size_t)1 << 20)
#define OSV_MAX_SEV_TYPE   64
#define OSV_MAX_SEV_SCORE  1024
#define OSV_MAX_WORD	   64
#define OSV_MAX_WARN	   16

struct osv {
	const char *path;
	const struct cg_adv_sink *sink;
	struct cg_arena arena; /* one record's arrays */
	unsigned nwarn;
	size_t nrecords;
	char why[200]; /* why the current record is skipped */
};

static void osv_warn(struct osv *o, const char *fmt, ...) CG_PRINTF(2, 3);
static void osv_warn(struct osv *o, const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	if (!o->sink->warn || o->nwarn > OSV_MAX_WARN)
		return;
	if (o->nwarn++ == OSV_MAX_WARN) {
		o->sink->warn(o->sink->ud, o->path, "more problems in this file not reported");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	o->sink->warn(o->sink->ud, o->path, msg);
}

/* Record the reason a record is skipped; returns CG_ERR_INVALID. */
static cg_err_t bad(struct osv *o, const char *fmt, ...) CG_PRINTF(2, 3);
static cg_err_t bad(struct osv *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
	return CG_ERR_INVALID;
}

/* ---- typed access to one record ---------------------------------------- */

static bool is_absent(const cg_json *j)
{
	return !j || cg_json_type_of(j) == CG_JSON_NULL;
}

/* A string field: *out = NULL when absent or null; CG_ERR_INVALID when it is
 * not a string, holds a NUL, is empty while `required`, or exceeds max. */
static cg_err_t get_str(struct osv *o, const cg_json *obj, const char *key, size_t max,
			bool required, const char **out)
{
	const cg_json *j = cg_json_get(obj, key);
	const char *s;
	size_t n;
	*out = NULL;
	if (is_absent(j)) {
		if (required)
			return bad(o, "no \"%s\"", key);
		return CG_OK;
	}
	s = cg_json_string(j);
	if (!s)
		return bad(o, "\"%s\" is not a string", key);
	n = cg_json_string_len(j);
	if (strlen(s) != n)
		return bad(o, "\"%s\" holds a NUL byte", key);
	if (n > max)
		return bad(o, "\"%s\" is longer than %zu bytes", key, max);
	if (n == 0 && required)
		return bad(o, "\"%s\" is empty", key);
	*out = s;
	return CG_OK;
}

/* An identifier or version token: non-empty, no blanks or control bytes. */
static bool token_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* An array field (absent or null: n = 0). */
static cg_err_t get_array(struct osv *o, const cg_json *obj, const char *key, size_t max,
			  const cg_json **arr, size_t *n)
{
	const cg_json *j = cg_json_get(obj, key);
	*arr = NULL;
	*n = 0;
	if (is_absent(j))
		return CG_OK;
	if (!cg_json_is_array(j))
		return bad(o, "\"%s\" is not an array", key);
	*n = cg_json_array_len(j);
	if (*n > max)
		return bad(o, "\"%s\" has %zu entries, more than the limit of %zu", key, *n, max);
	*arr = j;
	return CG_OK;
}

static void *arena_array(struct osv *o, size_t n, size_t size)
{
	size_t bytes;
	if (n == 0)
		return NULL;
	if (!cg_size_mul(n, size, &bytes))
		return NULL;
	return cg_arena_alloc(&o->arena, bytes);
}

/* Append the strings of array `key` (ids) to list[*n..cap), dropping
 * duplicates of what is there. */
static cg_err_t id_list(struct osv *o, const cg_json *rec, const char *key, const char **list,
			size_t *n, size_t cap)
{
	const cg_json *arr;
	size_t len;
	cg_err_t rc = get_array(o, rec, key, OSV_MAX_IDS, &arr, &len);
	if (rc != CG_OK)
		return rc;
	for (size_t i = 0; i < len; i++) {
		const cg_json *e = cg_json_array_at(arr, i);
		const char *s = cg_json_string(e);
		bool dup = false;
		if (!s || strlen(s) != cg_json_string_len(e) ||
		    cg_json_string_len(e) > OSV_MAX_ID_LEN || !token_ok(s))
			return bad(o, "\"%s\"[%zu] is not an identifier", key, i);
		for (size_t k = 0; k < *n && !dup; k++)
			dup = strcmp(list[k], s) == 0;
		if (dup)
			continue;
		if (*n >= cap)
			return bad(o, "more than %zu \"%s\" identifiers", cap, key);
		list[(*n)++] = s;
	}
	return CG_OK;
}

/* ---- ecosystems ----------------------------------------------------------- */

/* Does ecosystem `eco` ("Debian:12", "Rocky Linux:9") belong to `distro`? */
static bool eco_is(const char *eco, const char *distro)
{
	size_t n = strlen(distro);
	return strncmp(eco, distro, n) == 0 && (eco[n] == '\0' || eco[n] == ':');
}

/* Ecosystems whose OSV records name source packages. */
static bool eco_by_source(const char *eco)
{
	static const char *const src[] = {"Debian", "Ubuntu", "Alpine"};
	for (size_t i = 0; i < CG_ARRAY_LEN(src); i++)
		if (eco_is(eco, src[i]))
			return true;
	return false;
}

/* Red Hat rebuilds: the severity is the summary's prefix. */
static bool eco_summary_severity(const char *eco)
{
	return eco_is(eco, "AlmaLinux") || eco_is(eco, "Rocky Linux");
}

/* "Important: openssl security update" -> "Important". */
static const char *summary_severity(const char *summary)
{
	static const char *const words[] = {"Critical", "Important", "Moderate", "Low"};
	if (!summary)
		return NULL;
	for (size_t i = 0; i < CG_ARRAY_LEN(words); i++) {
		size_t n = strlen(words[i]);
		if (strncmp(summary, words[i], n) == 0 && summary[n] == ':')
			return words[i];
	}
	return NULL;
}

/* A severity word from obj[key].severity, if it is a short string. */
static const char *specific_severity(const cg_json *obj, const char *key)
{
	const cg_json *j = cg_json_get(cg_json_get(obj, key), "severity");
	const char *s = cg_json_string(j);
	if (!s || !*s || strlen(s) != cg_json_string_len(j) || cg_json_string_len(j) > OSV_MAX_WORD)
		return NULL;
	return s;
}

/* ---- one record ------------------------------------------------------------ */

static cg_err_t event_of(struct osv *o, const cg_json *ev, struct cg_osv_event *out)
{
	static const struct {
		const char *key;
		enum cg_osv_event_kind kind;
	} kinds[] = {
	    {"introduced", CG_OSV_INTRODUCED},
	    {"fixed", CG_OSV_FIXED},
	    {"last_affected", CG_OSV_LAST_AFFECTED},
	    {"limit", CG_OSV_LIMIT},
	};
	void *it;
	const char *key, *v;
	const cg_json *val;
	if (!cg_json_is_object(ev) || cg_json_object_len(ev) != 1)
		return bad(o, "an event is not an object with one key");
	it = cg_json_iter(ev);
	key = cg_json_iter_key(it);
	val = cg_json_iter_value(it);
	for (size_t i = 0; i < CG_ARRAY_LEN(kinds); i++) {
		if (strcmp(key, kinds[i].key) != 0)
			continue;
		v = cg_json_string(val);
		if (!v || strlen(v) != cg_json_string_len(val) ||
		    cg_json_string_len(val) > CG_VERSION_MAX_LEN || !token_ok(v))
			return bad(o, "event \"%s\" has no valid version", key);
		out->kind = kinds[i].kind;
		out->version = v;
		return CG_OK;
	}
	return bad(o, "unknown event \"%.40s\"", key);
}

/* The ranges of one affected entry: ECOSYSTEM and SEMVER kept, GIT dropped. */
static cg_err_t ranges_of(struct osv *o, const cg_json *aff, struct cg_adv_affected *out)
{
	const cg_json *arr;
	size_t n, kept = 0;
	struct cg_adv_range *ranges;
	cg_err_t rc = get_array(o, aff, "ranges", OSV_MAX_RANGES, &arr, &n);
	if (rc != CG_OK)
		return rc;
	ranges = arena_array(o, n, sizeof(*ranges));
	if (n && !ranges)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const cg_json *r = cg_json_array_at(arr, i), *evs;
		const char *type;
		size_t nev;
		struct cg_osv_event *events;
		if (!cg_json_is_object(r))
			return bad(o, "a range is not an object");
		rc = get_str(o, r, "type", 32, true, &type);
		if (rc != CG_OK)
			return rc;
		rc = get_array(o, r, "events", OSV_MAX_EVENTS, &evs, &nev);
		if (rc != CG_OK)
			return rc;
		if (strcmp(type, "GIT") == 0)
			continue;
		if (strcmp(type, "ECOSYSTEM") != 0 && strcmp(type, "SEMVER") != 0) {
			osv_warn(o, "range type \"%s\" is not read", type);
			continue;
		}
		if (nev == 0)
			return bad(o, "a %s range has no events", type);
		events = arena_array(o, nev, sizeof(*events));
		if (!events)
			return CG_ERR_NOMEM;
		for (size_t k = 0; k < nev; k++) {
			rc = event_of(o, cg_json_array_at(evs, k), &events[k]);
			if (rc != CG_OK)
				return rc;
		}
		ranges[kept].type = type;
		ranges[kept].events = events;
		ranges[kept].nevents = nev;
		kept++;
	}
	out->ranges = kept ? ranges : NULL;
	out->nranges = kept;
	return CG_OK;
}

/* The record-wide severity word (see the top of the file), for one ecosystem. */
struct rec_words {
	const char *db;	    /* database_specific.severity */
	const char *vendor; /* a severity[] entry of a vendor type */
	const char *summary;
};

static cg_err_t affected_of(struct osv *o, const cg_json *aff, const struct rec_words *w,
			    struct cg_adv_affected *out, bool *keep)
{
	const cg_json *pkg = cg_json_get(aff, "package"), *arr;
	const char **versions;
	size_t n;
	cg_err_t rc;

	*keep = false;
	memset(out, 0, sizeof(*out));
	if (!cg_json_is_object(aff))
		return bad(o, "an affected entry is not an object");
	if (is_absent(pkg))
		return CG_OK; /* GIT-only entries may have no package */
	if (!cg_json_is_object(pkg))
		return bad(o, "\"package\" is not an object");
	if ((rc = get_str(o, pkg, "ecosystem", OSV_MAX_ECO_LEN, true, &out->ecosystem)) != CG_OK ||
	    (rc = get_str(o, pkg, "name", OSV_MAX_NAME_LEN, true, &out->package)) != CG_OK ||
	    (rc = get_str(o, pkg, "purl", OSV_MAX_PURL_LEN, false, &out->purl)) != CG_OK)
		return rc;
	if (out->purl && !*out->purl)
		out->purl = NULL;
	out->by_source = eco_by_source(out->ecosystem);
	out->status = CG_ADV_AFFECTED;
	rc = ranges_of(o, aff, out);
	if (rc != CG_OK)
		return rc;
	rc = get_array(o, aff, "versions", OSV_MAX_VERSIONS, &arr, &n);
	if (rc != CG_OK)
		return rc;
	versions = arena_array(o, n, sizeof(*versions));
	if (n && !versions)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const cg_json *v = cg_json_array_at(arr, i);
		const char *s = cg_json_string(v);
		if (!s || strlen(s) != cg_json_string_len(v) ||
		    cg_json_string_len(v) > CG_VERSION_MAX_LEN || !token_ok(s))
			return bad(o, "versions[%zu] is not a version", i);
		versions[i] = s;
	}
	out->versions = versions;
	out->nversions = n;

	out->severity = specific_severity(aff, "ecosystem_specific");
	if (!out->severity)
		out->severity = specific_severity(aff, "database_specific");
	if (!out->severity)
		out->severity = w->db;
	if (!out->severity)
		out->severity = w->vendor;
	if (!out->severity && eco_summary_severity(out->ecosystem))
		out->severity = w->summary;
	*keep = true;
	return CG_OK;
}

static cg_err_t record_of(struct osv *o, const cg_json *rec, struct cg_advisory *a)
{
	const cg_json *arr;
	const char *withdrawn, **ids;
	size_t n, nrel, nups;
	struct cg_adv_severity *sev;
	struct cg_adv_affected *aff;
	struct rec_words w = {NULL, NULL, NULL};
	cg_err_t rc;

	memset(a, 0, sizeof(*a));
	if (!cg_json_is_object(rec))
		return bad(o, "a record is not an object");
	if ((rc = get_str(o, rec, "id", OSV_MAX_ID_LEN, true, &a->id)) != CG_OK)
		return rc;
	if (!token_ok(a->id))
		return bad(o, "\"id\" is not an identifier");
	if ((rc = get_str(o, rec, "summary", OSV_MAX_SUMMARY, false, &a->summary)) != CG_OK ||
	    (rc = get_str(o, rec, "details", OSV_MAX_DETAILS, false, &a->details)) != CG_OK ||
	    (rc = get_str(o, rec, "published", OSV_MAX_DATE_LEN, false, &a->published)) != CG_OK ||
	    (rc = get_str(o, rec, "modified", OSV_MAX_DATE_LEN, false, &a->modified)) != CG_OK ||
	    (rc = get_str(o, rec, "withdrawn", OSV_MAX_DATE_LEN, false, &withdrawn)) != CG_OK)
		return rc;
	a->withdrawn = withdrawn && *withdrawn;

	/* aliases; related + upstream */
	if ((rc = get_array(o, rec, "aliases", OSV_MAX_IDS, &arr, &n)) != CG_OK)
		return rc;
	ids = arena_array(o, n, sizeof(*ids));
	if (n && !ids)
		return CG_ERR_NOMEM;
	a->aliases = ids;
	if ((rc = id_list(o, rec, "aliases", ids, &a->naliases, n)) != CG_OK)
		return rc;
	if ((rc = get_array(o, rec, "related", OSV_MAX_IDS, &arr, &nrel)) != CG_OK ||
	    (rc = get_array(o, rec, "upstream", OSV_MAX_IDS, &arr, &nups)) != CG_OK)
		return rc;
	ids = arena_array(o, nrel + nups, sizeof(*ids));
	if (nrel + nups && !ids)
		return CG_ERR_NOMEM;
	a->related = ids;
	if ((rc = id_list(o, rec, "related", ids, &a->nrelated, nrel + nups)) != CG_OK ||
	    (rc = id_list(o, rec, "upstream", ids, &a->nrelated, nrel + nups)) != CG_OK)
		return rc;

	/* severity */
	if ((rc = get_array(o, rec, "severity", OSV_MAX_SEVERITIES, &arr, &n)) != CG_OK)
		return rc;
	sev = arena_array(o, n, sizeof(*sev));
	if (n && !sev)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const cg_json *s = cg_json_array_at(arr, i);
		if (!cg_json_is_object(s))
			return bad(o, "severity[%zu] is not an object", i);
		if ((rc = get_str(o, s, "type", OSV_MAX_SEV_TYPE, true, &sev[i].type)) != CG_OK ||
		    (rc = get_str(o, s, "score", OSV_MAX_SEV_SCORE, true, &sev[i].score)) != CG_OK)
			return rc;
		if (!w.vendor && strncmp(sev[i].type, "CVSS_", 5) != 0 &&
		    strlen(sev[i].score) <= OSV_MAX_WORD)
			w.vendor = sev[i].score;
	}
	a->severities = sev;
	a->nseverities = n;

	/* references */
	if ((rc = get_array(o, rec, "references", OSV_MAX_REFS, &arr, &n)) != CG_OK)
		return rc;
	ids = arena_array(o, n, sizeof(*ids));
	if (n && !ids)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const cg_json *r = cg_json_array_at(arr, i);
		if (!cg_json_is_object(r))
			return bad(o, "references[%zu] is not an object", i);
		if ((rc = get_str(o, r, "url", OSV_MAX_URL_LEN, true, &ids[i])) != CG_OK)
			return rc;
	}
	a->references = ids;
	a->nreferences = n;

	/* affected */
	w.db = specific_severity(rec, "database_specific");
	w.summary = summary_severity(a->summary);
	if ((rc = get_array(o, rec, "affected", OSV_MAX_AFFECTED, &arr, &n)) != CG_OK)
		return rc;
	aff = arena_array(o, n, sizeof(*aff));
	if (n && !aff)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		bool keep;
		rc = affected_of(o, cg_json_array_at(arr, i), &w, &aff[a->naffected], &keep);
		if (rc != CG_OK)
			return rc;
		if (keep)
			a->naffected++;
	}
	a->affected = a->naffected ? aff : NULL;
	return CG_OK;
}

/* Report one record. CG_OK also when it was skipped (and warned about). */
static cg_err_t one_record(struct osv *o, const cg_json *rec)
{
	struct cg_advisory a;
	cg_err_t rc;
	if (o->nrecords >= OSV_MAX_RECORDS)
		return CG_ERR_LIMIT;
	o->nrecords++;
	o->why[0] = '\0';
	rc = record_of(o, rec, &a);
	if (rc == CG_OK)
		rc = o->sink->add(o->sink->ud, &a);
	else if (rc == CG_ERR_INVALID) {
		const char *id = cg_json_get_str(rec, "id");
		osv_warn(o, "record %.80s skipped: %s", id ? id : "(no id)", o->why);
		rc = CG_OK;
	}
	cg_arena_release(&o->arena);
	return rc;
}

/* The root of a document: a record, an array of records, or {"vulns": [...]}. */
static cg_err_t records_of(struct osv *o, const cg_json *root, struct cg_error *err)
{
	const cg_json *list = NULL;
	cg_err_t rc = CG_OK;
	if (cg_json_is_array(root))
		list = root;
	else if (cg_json_is_object(root) && !cg_json_get(root, "id") &&
		 cg_json_is_array(cg_json_get(root, "vulns")))
		list = cg_json_get(root, "vulns");
	else if (cg_json_is_object(root))
		rc = one_record(o, root);
	else
		return cg_error_set(err, CG_ERR_INVALID, "%s: not an OSV record", o->path);
	for (size_t i = 0, n = cg_json_array_len(list); list && i < n && rc == CG_OK; i++)
		rc = one_record(o, cg_json_array_at(list, i));
	if (rc == CG_ERR_LIMIT)
		return cg_error_set(err, rc, "%s: more than %d records", o->path, OSV_MAX_RECORDS);
	if (rc != CG_OK)
		return cg_error_set(err, rc, "%s: %s", o->path, cg_strerror(rc));
	return CG_OK;
}

static cg_err_t yaml_doc(void *ud, const cg_json *root, struct cg_error *err)
{
	return records_of(ud, root, err);
}

static cg_err_t parse_yaml(struct osv *o, const unsigned char *data, size_t len,
			   struct cg_error *err)
{
	cg_err_t rc = cg_yaml_parse(data, len, yaml_doc, o, err);
	if (rc != CG_OK) {
		char msg[CG_ERROR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : cg_strerror(rc));
		return cg_error_set(err, rc, "%s: %s", o->path, msg);
	}
	if (o->nrecords == 0)
		return cg_error_set(err, CG_ERR_INVALID, "%s: no OSV record", o->path);
	return CG_OK;
}

/* ---- the parser ---------------------------------------------------------- */

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

static bool osv_match(const char *path)
{
	const char *base;
	size_t n;
	if (!path)
		return false;
	/* no hidden files or folders (".git/", ".id-allocator") */
	for (const char *p = path; *p; p++)
		if (*p == '.' && (p == path || p[-1] == '/'))
			return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	n = strlen(base);
	return has_suffix(base, n, ".json") || has_suffix(base, n, ".yaml") ||
	       has_suffix(base, n, ".yml");
}

/* YAML by the name (.yaml/.yml); JSON by the name (.json); otherwise by the
 * first byte that is not blank. */
static bool is_yaml(const char *path, const unsigned char *data, size_t len)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t n;
	base = base ? base + 1 : (path ? path : "");
	n = strlen(base);
	if (has_suffix(base, n, ".yaml") || has_suffix(base, n, ".yml"))
		return true;
	if (has_suffix(base, n, ".json"))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
			continue;
		return data[i] != '{' && data[i] != '[';
	}
	return true;
}

static cg_err_t osv_parse(const char *path, const unsigned char *data, size_t len,
			  const struct cg_adv_sink *sink, struct cg_error *err)
{
	struct osv o;
	struct cg_json_limits lim = {OSV_MAX_FILE, 0, true};
	cg_json *root = NULL;
	cg_err_t rc = CG_OK;

	memset(&o, 0, sizeof(o));
	o.path = path ? path : "(osv)";
	o.sink = sink;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "osv: bad arguments");
	if (len > OSV_MAX_FILE)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: %zu bytes, more than the limit of %zu",
				    o.path, len, OSV_MAX_FILE);
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
		data += 3; /* a UTF-8 byte order mark (libyaml would take it too) */
		len -= 3;
	}
	if (is_yaml(path, data, len)) {
		rc = parse_yaml(&o, data, len, err);
		goto done;
	}
	rc = cg_json_parse((const char *)data, len, &lim, &root, err);
	if (rc != CG_OK) {
		char msg[CG_ERROR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : cg_strerror(rc));
		CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", o.path, msg));
	}
	rc = records_of(&o, root, err);
done:
	cg_json_free(root);
	cg_arena_release(&o.arena);
	return rc;
}

const struct cg_feed_parser cg_feed_osv = {
    .type = "osv",
    .match = osv_match,
    .parse = osv_parse,
};
