/* SARIF 2.1.0 scan reports (OASIS Standard, with errata 01): one run, one
 * rule per advisory, one result per finding (an advisory in one package
 * instance). What GitHub code scanning reads is there: the rules'
 * properties."security-severity" (the CVSS base score as a string), the
 * results' level and partialFingerprints (so a finding keeps its alert
 * across runs), and a location: the file inside the image the package was
 * found in. Suppressed findings (the scan's filters) are not written. */
#include "util/internal.h"
#include "vulndb/report_int.h"
#include "util/digest.h"

#define SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"
#define MAX_SHORT 1024          /* bytes of shortDescription (a summary) */
#define MAX_TEXT (16u << 10)    /* bytes of fullDescription (the details) */
#define MAX_HELP_ROWS 100       /* packages listed in a rule's help */
#define MAX_HELP_REFS 10        /* links listed in a rule's help */
#define MAX_URL CG_REPORT_MAX_URL
#define MAX_STRING (64u << 20) /* any string written: the buffers' cap */

/* ---- strings from feeds and images ------------------------------------------- */

/* A multiformatMessageString {"text": ...}. */
static cg_json *message(const char *text, size_t max)
{
	cg_json *m = cg_json_new_object();
	if (m && cg_json_set(m, "text", cg_report_jtext_(text, max))) {
		cg_json_free(m);
		return NULL;
	}
	return m;
}

/* Percent-encode what a URI path may not hold as it is (and ':', which
 * would make a relative reference's first segment a scheme; and '/' unless
 * keep_slash: one path segment). */
static cg_err_t uri_path(struct cg_buf *b, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	cg_err_t rc = CG_OK;
	for (; *s && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~!$&'()*+,;=@", c) || (c == '/' && keep_slash)) {
			rc = cg_buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			rc = cg_buf_append(b, e, 3);
		}
	}
	return rc;
}

/* Where an advisory is published, by the prefix of its id. */
static const struct {
	const char *prefix, *url;
} sources[] = {
	{ "CVE-", "https://nvd.nist.gov/vuln/detail/" },
	{ "GHSA-", "https://github.com/advisories/" },
	{ "DSA-", "https://security-tracker.debian.org/tracker/" },
	{ "DLA-", "https://security-tracker.debian.org/tracker/" },
	{ "DTSA-", "https://security-tracker.debian.org/tracker/" },
	{ "TEMP-", "https://security-tracker.debian.org/tracker/" },
	{ "RUSTSEC-", "https://rustsec.org/advisories/" },
	{ "GO-", "https://pkg.go.dev/vuln/" },
	{ "RHSA-", "https://access.redhat.com/errata/" },
	{ "USN-", "https://ubuntu.com/security/notices/" },
};

static cg_err_t advisory_url(struct cg_buf *b, const char *id)
{
	const char *base = "https://osv.dev/vulnerability/";
	cg_err_t rc;
	for (size_t i = 0; i < CG_ARRAY_LEN(sources); i++)
		if (!strncmp(id, sources[i].prefix, strlen(sources[i].prefix))) {
			base = sources[i].url;
			break;
		}
	if ((rc = cg_buf_puts(b, base)))
		return rc;
	return uri_path(b, id, false);
}

/* ---- advisories ---------------------------------------------------------------- */

static const char *sarif_level(enum cg_finding_level l)
{
	if (l >= CG_LEVEL_HIGH)
		return "error";
	return l == CG_LEVEL_MEDIUM ? "warning" : "note";
}

/* Markdown text (a table cell) of at most max bytes of s: punctuation that
 * means something there escaped, line breaks and other control characters
 * made spaces. */
static cg_err_t md_text(struct cg_buf *b, const char *s, size_t max)
{
	cg_err_t rc = CG_OK;
	for (const char *end = s + strnlen(s, max); s < end && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			rc = cg_buf_putc(b, ' ');
		else if (strchr("\\`*_{}[]<>()#!|~", c))
			rc = cg_buf_printf(b, "\\%c", c);
		else
			rc = cg_buf_putc(b, (char)c);
	}
	return rc;
}

/* help.text and help.markdown of a rule: the summary, then each package. */
static cg_err_t rule_help(const struct cg_report_grouping *gr, const struct cg_report_group *g, struct cg_buf *text,
			  struct cg_buf *md)
{
	const struct cg_finding *x = &g->first->pub;
	size_t nref = 0, rows;
	cg_err_t rc;

	if ((rc = cg_buf_printf(text, "%s (%s)", x->id, cg_finding_level_name(x->level))) ||
	    (x->summary && (rc = cg_buf_printf(text, ": %.*s", MAX_SHORT, x->summary))) ||
	    (rc = cg_buf_puts(md, "**")) || (rc = md_text(md, x->id, MAX_SHORT)) ||
	    (rc = cg_buf_printf(md, "** (%s)", cg_finding_level_name(x->level))))
		return rc;
	if (x->summary &&
	    ((rc = cg_buf_puts(md, "\n\n")) || (rc = md_text(md, x->summary, MAX_SHORT))))
		return rc;
	if ((rc = cg_buf_puts(text, "\n")) ||
	    (rc = cg_buf_puts(md, "\n\n| Package | Installed | Fixed | Fix command |\n"
				  "| --- | --- | --- | --- |\n")))
		return rc;
	/* rows past MAX_HELP_ROWS or MAX_TEXT bytes are counted, not listed */
	for (rows = 0; !rc && rows < g->len && rows < MAX_HELP_ROWS && md->len < MAX_TEXT; rows++) {
		const struct cg_finding *y = &gr->item[g->start + rows]->pub;
		const char *inst = y->installed ? y->installed : y->pkg_version;
		rc = cg_buf_printf(text, "\nPackage %.*s, installed %.*s: %s%.*s", MAX_SHORT,
				   y->pkg_name, MAX_SHORT, inst,
				   y->fixed ? "fixed in " : "no fix yet", MAX_SHORT,
				   y->fixed ? y->fixed : "");
		if (!rc && y->fix_command)
			rc = cg_buf_printf(text, " (%s)", y->fix_command);
		if (!rc)
			rc = cg_buf_puts(md, "| ");
		if (!rc)
			rc = md_text(md, y->pkg_name, MAX_SHORT);
		if (!rc && y->package && strcmp(y->package, y->pkg_name) &&
		    !(rc = cg_buf_puts(md, " (source ")) &&
		    !(rc = md_text(md, y->package, MAX_SHORT)))
			rc = cg_buf_putc(md, ')');
		if (!rc && !(rc = cg_buf_puts(md, " | ")) && !(rc = md_text(md, inst, MAX_SHORT)) &&
		    !(rc = cg_buf_puts(md, " | ")))
			rc = md_text(md, y->fixed ? y->fixed : "no fix yet", MAX_SHORT);
		if (!rc)
			rc = cg_buf_puts(md, " | ");
		if (!rc && y->fix_command && !strchr(y->fix_command, '`'))
			rc = cg_buf_printf(md, "`%s`", y->fix_command);
		if (!rc)
			rc = cg_buf_puts(md, " |\n");
	}
	if (!rc && g->len > rows) {
		if (!(rc = cg_buf_printf(text, "\n... and %zu more", g->len - rows)))
			rc = cg_buf_printf(md, "\n... and %zu more\n", g->len - rows);
	}
	for (size_t i = 0; !rc && i < x->nreferences && nref < MAX_HELP_REFS; i++) {
		if (!cg_report_url_ok_(x->references[i]))
			continue;
		if (!nref++ && (rc = cg_buf_puts(md, "\nReferences:\n")))
			break;
		rc = cg_buf_printf(md, "- <%s>\n", x->references[i]);
	}
	return rc;
}

static cg_err_t rule_json(const struct cg_report_grouping *gr, const struct cg_report_group *g, cg_json *r)
{
	const struct cg_finding *x = &g->first->pub;
	enum cg_finding_level level = CG_LEVEL_UNKNOWN;
	unsigned cvss = 0;
	bool have_cvss = false, kev = false;
	struct cg_buf text = CG_BUF_INIT(MAX_STRING), md = CG_BUF_INIT(MAX_STRING);
	struct cg_buf uri = CG_BUF_INIT(MAX_URL + 256);
	cg_json *props = cg_json_new_object(), *tags = cg_json_new_array(), *o;
	cg_err_t rc = CG_OK;

	if (!props || !tags)
		CG_FAIL(rc, CG_ERR_NOMEM);
	for (size_t i = 0; i < g->len; i++) {
		const struct cg_finding *y = &gr->item[g->start + i]->pub;
		if (y->level > level)
			level = y->level;
		if (y->cvss_vector && (!have_cvss || y->cvss_score10 > cvss)) {
			cvss = y->cvss_score10;
			have_cvss = true;
		}
		kev |= y->kev;
	}
	for (size_t i = 0; i < x->nreferences && !uri.len; i++)
		if (cg_report_url_ok_(x->references[i]) && (rc = cg_buf_puts(&uri, x->references[i])))
			goto done;
	if (!uri.len && (rc = advisory_url(&uri, x->id)))
		goto done;
	if ((rc = rule_help(gr, g, &text, &md)))
		goto done;
	if ((rc = cg_json_set(r, "id", cg_report_jstr_(x->id))) ||
	    (rc = cg_json_set(r, "name", cg_report_jstr_(x->id))) ||
	    (rc = cg_json_set(r, "shortDescription",
			      message(x->summary ? x->summary : x->id, MAX_SHORT))) ||
	    (rc = cg_json_set(r, "fullDescription",
			      message(x->details ? x->details : x->summary ? x->summary : x->id,
				      MAX_TEXT))) ||
	    (rc = cg_json_set(r, "helpUri", cg_report_jstr_(cg_buf_str(&uri)))))
		goto done;
	o = message(cg_buf_str(&text), MAX_TEXT);
	if ((rc = cg_json_set(r, "help", o)) ||
	    (rc = cg_json_set(o, "markdown", cg_report_jtext_(cg_buf_str(&md), 2 * MAX_TEXT))))
		goto done;
	o = cg_json_new_object();
	if ((rc = cg_json_set(r, "defaultConfiguration", o)) ||
	    (rc = cg_json_set_str(o, "level", sarif_level(level))))
		goto done;
	if ((rc = cg_json_append(tags, cg_json_new_string("vulnerability"))) ||
	    (rc = cg_json_append(tags, cg_json_new_string("security"))) ||
	    (rc = cg_json_append(tags, cg_json_new_string(cg_finding_level_name(level)))) ||
	    (kev && (rc = cg_json_append(tags, cg_json_new_string("known-exploited")))))
		goto done;
	if (have_cvss) {
		char score[16];
		snprintf(score, sizeof(score), "%u.%u", cvss / 10, cvss % 10);
		if ((rc = cg_json_set_str(props, "security-severity", score)))
			goto done;
	}
	rc = cg_json_set(props, "tags", tags);
	tags = NULL;
	if (rc || (rc = cg_json_set(r, "properties", props)))
		goto done;
	props = NULL;
done:
	cg_json_free(props);
	cg_json_free(tags);
	cg_buf_release(&text);
	cg_buf_release(&md);
	cg_buf_release(&uri);
	return rc;
}

/* ---- results ----------------------------------------------------------------------- */

static cg_err_t result_message(const struct cg_finding *x, struct cg_buf *b)
{
	cg_err_t rc = cg_buf_printf(b, "Package %s %s", x->pkg_name, x->pkg_version);
	if (!rc && x->package && strcmp(x->package, x->pkg_name))
		rc = cg_buf_printf(b, " (source %s)", x->package);
	if (!rc)
		rc = cg_buf_printf(b, " is affected by %s (%s).", x->id,
				   cg_finding_level_name(x->level));
	if (rc)
		return rc;
	if (x->status == CG_FINDING_FIXED && x->fixed)
		rc = cg_buf_printf(b, " Fixed in %s.", x->fixed);
	else if (x->status == CG_FINDING_EOL)
		rc = cg_buf_puts(b, " No fix: the package gets no security support.");
	else
		rc = cg_buf_puts(b, " No fix yet.");
	if (!rc && x->kev)
		rc = cg_buf_puts(b, " Known to be exploited (CISA KEV).");
	return rc;
}

/* What identifies a finding across runs: advisory, package, version, path. */
static cg_err_t fingerprint(const struct cg_finding *x, char out[CG_DIGEST_STR_LEN + 1])
{
	struct cg_buf b = CG_BUF_INIT(MAX_STRING);
	cg_err_t rc = cg_buf_printf(&b, "%s|%s|%s|%s", x->id, x->pkg_name, x->pkg_version,
				    x->pkg_path ? x->pkg_path : "");
	if (!rc)
		rc = cg_sha256_hex(b.data, b.len, out);
	cg_buf_release(&b);
	return rc;
}

static cg_err_t result_locations(const struct cg_finding *x, const char *image,
				 const struct cg_inventory *inv, cg_json *r)
{
	/* each node is handed to its parent as soon as it is made */
	cg_json *locs = cg_json_new_array(), *loc, *logical, *o;
	struct cg_buf b = CG_BUF_INIT(1u << 16);
	const char *path = x->pkg_path;
	cg_err_t rc;

	if ((rc = cg_json_set(r, "locations", locs)) ||
	    (rc = cg_json_append(locs, loc = cg_json_new_object())))
		goto done;
	while (path && *path == '/')
		path++;
	if (path && *path) {
		cg_json *phys, *art;
		if ((rc = cg_json_set(loc, "physicalLocation", phys = cg_json_new_object())) ||
		    (rc = cg_json_set(phys, "artifactLocation", art = cg_json_new_object())) ||
		    (rc = uri_path(&b, path, true)) ||
		    (rc = cg_json_set_str(art, "uri", cg_buf_str(&b))) ||
		    (rc = cg_json_set_str(art, "uriBaseId", "ROOTPATH")))
			goto done;
	}
	if ((rc = cg_json_set(loc, "logicalLocations", logical = cg_json_new_array())) ||
	    (rc = cg_json_append(logical, o = cg_json_new_object())) ||
	    (rc = cg_json_set(o, "name", cg_report_jstr_(x->pkg_name))) ||
	    (rc = cg_json_set_str(o, "kind", "package")))
		goto done;
	if (inv && x->pkg_index < cg_inventory_pkg_count(inv)) {
		const struct cg_pkg *p = cg_inventory_pkg(inv, x->pkg_index);
		cg_buf_reset(&b);
		if ((rc = cg_pkg_purl(p, cg_inventory_os(inv), &b)) ||
		    (rc = cg_json_set(o, "fullyQualifiedName", cg_report_jstr_(cg_buf_str(&b)))))
			goto done;
	}
	if (image) {
		o = cg_json_new_object();
		if ((rc = cg_json_append(logical, o)) ||
		    (rc = cg_json_set(o, "name", cg_report_jstr_(image))) ||
		    (rc = cg_json_set_str(o, "kind", "image")))
			goto done;
	}
done:
	cg_buf_release(&b);
	return rc;
}

static cg_err_t result_json(const struct cg_finding *x, size_t rule, const char *image,
			    const struct cg_inventory *inv, cg_json *r)
{
	struct cg_buf msg = CG_BUF_INIT(MAX_STRING);
	char fp[CG_DIGEST_STR_LEN + 1];
	cg_json *o, *p = cg_json_new_object();
	cg_err_t rc = CG_OK;

	if (!p)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if ((rc = result_message(x, &msg)) || (rc = fingerprint(x, fp)))
		goto done;
	if ((rc = cg_json_set(r, "ruleId", cg_report_jstr_(x->id))) ||
	    (rc = cg_json_set_int(r, "ruleIndex", (int64_t)rule)) ||
	    (rc = cg_json_set_str(r, "level", sarif_level(x->level))) ||
	    (rc = cg_json_set(r, "message", message(cg_buf_str(&msg), MAX_TEXT))) ||
	    (rc = result_locations(x, image, inv, r)))
		goto done;
	o = cg_json_new_object();
	if ((rc = cg_json_set(r, "partialFingerprints", o)) ||
	    (rc = cg_json_set_str(o, "cguard/v1", fp + strlen("sha256:"))))
		goto done;
	if ((rc = cg_json_set(p, "package", cg_report_jstr_(x->pkg_name))) ||
	    (rc = cg_json_set(p, "package_version", cg_report_jstr_(x->pkg_version))) ||
	    (rc = cg_json_set(p, "package_type", cg_report_jstr_(x->pkg_type))) ||
	    (rc = cg_json_set(p, "ecosystem", cg_report_jstr_(x->ecosystem))) ||
	    (rc = cg_json_set(p, "matched_name", cg_report_jstr_(x->package))) ||
	    (rc = cg_json_set(p, "installed", cg_report_jstr_(x->installed))) ||
	    (rc = cg_json_set(p, "fixed", cg_report_jstr_(x->fixed))) ||
	    (rc = cg_json_set_str(p, "status", cg_finding_status_name(x->status))) ||
	    (rc = cg_json_set_str(p, "urgency", cg_finding_urgency_name(x->urgency))) ||
	    (rc = cg_json_set(p, "fix_command", cg_report_jstr_(x->fix_command))) ||
	    (rc = cg_json_set_bool(p, "kev", x->kev)) ||
	    (rc = cg_json_set_int(p, "layer", x->pkg_layer)) ||
	    (rc = cg_json_set(p, "cvss_vector", cg_report_jstr_(x->cvss_vector))))
		goto done;
	rc = cg_json_set(r, "properties", p);
	p = NULL;
done:
	cg_json_free(p);
	cg_buf_release(&msg);
	return rc;
}

/* ---- the log ------------------------------------------------------------------------ */

static cg_err_t run_properties(const struct cg_image *img, const struct cg_inventory *inv,
			       const struct cg_findings *f, cg_json *run)
{
	const struct cg_os_info *os = inv ? cg_inventory_os(inv) : NULL;
	cg_json *p = cg_json_new_object(), *o;
	cg_err_t rc;

	if ((rc = cg_json_set(run, "properties", p)))
		return rc;
	if (img) {
		struct cg_image_info ii;
		cg_image_get_info(img, &ii);
		o = cg_json_new_object();
		if ((rc = cg_json_set(p, "image", o)) ||
		    (rc = cg_json_set(o, "ref", cg_report_jstr_(ii.ref))) ||
		    (rc = cg_json_set(o, "transport", cg_report_jstr_(ii.transport))) ||
		    (rc = cg_json_set(o, "name", cg_report_jstr_(ii.name))) ||
		    (rc = cg_json_set(o, "manifest_digest", cg_report_jstr_(ii.manifest_digest))) ||
		    (rc = cg_json_set(o, "config_digest", cg_report_jstr_(ii.config_digest))) ||
		    (rc = cg_json_set(o, "os", cg_report_jstr_(ii.os))) ||
		    (rc = cg_json_set(o, "arch", cg_report_jstr_(ii.arch))))
			return rc;
	}
	if (os) {
		o = cg_json_new_object();
		if ((rc = cg_json_set(p, "os", o)) || (rc = cg_json_set(o, "id", cg_report_jstr_(os->id))) ||
		    (rc = cg_json_set(o, "version_id", cg_report_jstr_(os->version_id))) ||
		    (rc = cg_json_set(o, "codename", cg_report_jstr_(os->codename))))
			return rc;
	}
	o = cg_json_new_object();
	if ((rc = cg_json_set(p, "counts", o)) ||
	    (rc = cg_json_set_int(o, "findings", (int64_t)(f->n - f->suppressed))) ||
	    (rc = cg_json_set_int(o, "suppressed", (int64_t)f->suppressed)) ||
	    (rc = cg_json_set_int(o, "packages_matched", (int64_t)f->packages)) ||
	    (rc = cg_json_set_int(o, "packages_unmapped", (int64_t)f->unmapped)) ||
	    (rc = cg_json_set_int(o, "entries_skipped", (int64_t)f->skipped)))
		return rc;
	return CG_OK;
}

/* ---- image content findings ------------------------------------------------ */

static const char *content_level(enum cg_threat_level l)
{
	return l >= CG_THREAT_HIGH ? "error" : l == CG_THREAT_MEDIUM ? "warning" : "note";
}

/* One rule per content rule id (the first finding's title and advice), then
 * a result per finding: the file inside the image, or the config item. */
static cg_err_t content_sarif(const struct cg_inventory *inv, const struct cg_findings *f,
			      const char *image, size_t rule0, cg_json *rules, cg_json *results)
{
	size_t n = cg_inventory_content_count(inv);
	size_t *rule_of = calloc(n ? n : 1, sizeof(*rule_of));
	size_t nrules = 0;
	cg_err_t rc = rule_of ? CG_OK : CG_ERR_NOMEM;

	for (size_t i = 0; !rc && i < n; i++) {
		const struct cg_content_finding *c = cg_inventory_content_at(inv, i);
		cg_json *r, *props, *tags;
		if (!cg_content_shown_(f, c))
			continue;
		char id[256];
		size_t k = 0;
		for (; k < i; k++)
			if (cg_content_shown_(f, cg_inventory_content_at(inv, k)) &&
			    !strcmp(cg_inventory_content_at(inv, k)->rule, c->rule))
				break;
		if (k < i) {
			rule_of[i] = rule_of[k];
			continue;
		}
		rule_of[i] = rule0 + nrules++;
		snprintf(id, sizeof(id), "cguard/%s/%s", cg_content_kind_name(c->kind), c->rule);
		r = cg_json_new_object();
		if ((rc = cg_json_append(rules, r)) || (rc = cg_json_set(r, "id", cg_report_jstr_(id))) ||
		    (rc = cg_json_set(r, "shortDescription", message(c->title, MAX_SHORT))) ||
		    (c->advice && (rc = cg_json_set(r, "help", message(c->advice, MAX_TEXT)))) ||
		    (rc = cg_json_set(r, "defaultConfiguration", props = cg_json_new_object())) ||
		    (rc = cg_json_set_str(props, "level", content_level(c->level))) ||
		    (rc = cg_json_set(r, "properties", props = cg_json_new_object())) ||
		    (rc = cg_json_set(props, "tags", tags = cg_json_new_array())) ||
		    (rc = cg_json_append(tags, cg_json_new_string("security"))) ||
		    (rc = cg_json_append(tags, cg_json_new_string(cg_content_kind_name(c->kind)))) ||
		    (rc = cg_json_set_str(props, "security-severity",
					  c->level == CG_THREAT_CRITICAL ? "9.5" :
					  c->level == CG_THREAT_HIGH ? "8.0" :
					  c->level == CG_THREAT_MEDIUM ? "5.5" : "2.0")))
			break;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const struct cg_content_finding *c = cg_inventory_content_at(inv, i);
		struct cg_buf b = CG_BUF_INIT(1u << 16);
		cg_json *r = cg_json_new_object(), *locs, *loc, *logical, *o, *props, *fps;
		const char *path = c->path;
		char fp[CG_DIGEST_STR_LEN + 1];

		if (!cg_content_shown_(f, c)) {
			cg_json_free(r);
			cg_buf_release(&b);
			continue;
		}
		if ((rc = cg_json_append(results, r)) ||
		    (rc = cg_json_set_str(r, "ruleId", "")) ||
		    (rc = cg_json_set_int(r, "ruleIndex", (int64_t)rule_of[i])) ||
		    (rc = cg_json_set_str(r, "level", content_level(c->level))) ||
		    (rc = cg_json_set(r, "message", message(c->title, MAX_SHORT))) ||
		    (rc = cg_json_set(r, "locations", locs = cg_json_new_array())) ||
		    (rc = cg_json_append(locs, loc = cg_json_new_object()))) {
			cg_buf_release(&b);
			break;
		}
		{
			char id[256];
			snprintf(id, sizeof(id), "cguard/%s/%s", cg_content_kind_name(c->kind), c->rule);
			rc = cg_json_set(r, "ruleId", cg_report_jstr_(id));
		}
		while (!rc && path && *path == '/')
			path++;
		if (!rc && path && *path) {
			cg_json *phys, *art, *reg;
			if (!(rc = cg_json_set(loc, "physicalLocation", phys = cg_json_new_object())) &&
			    !(rc = cg_json_set(phys, "artifactLocation", art = cg_json_new_object())) &&
			    !(rc = uri_path(&b, path, true)) &&
			    !(rc = cg_json_set_str(art, "uri", cg_buf_str(&b))) &&
			    !(rc = cg_json_set_str(art, "uriBaseId", "ROOTPATH")) && c->line &&
			    !(rc = cg_json_set(phys, "region", reg = cg_json_new_object())))
				rc = cg_json_set_int(reg, "startLine", (int64_t)c->line);
		}
		if (!rc && (c->where || image)) {
			if (!(rc = cg_json_set(loc, "logicalLocations", logical = cg_json_new_array())) &&
			    c->where && !(rc = cg_json_append(logical, o = cg_json_new_object())) &&
			    !(rc = cg_json_set(o, "name", cg_report_jstr_(c->where))))
				rc = cg_json_set_str(o, "kind", "configuration");
			if (!rc && image && !(rc = cg_json_append(logical, o = cg_json_new_object())) &&
			    !(rc = cg_json_set(o, "name", cg_report_jstr_(image))))
				rc = cg_json_set_str(o, "kind", "image");
		}
		cg_buf_reset(&b);
		if (!rc)
			rc = cg_buf_printf(&b, "%s|%s|%s|%s|%llu", c->rule, c->path ? c->path : "",
					   c->where ? c->where : "", c->match ? c->match : "",
					   (unsigned long long)c->line);
		if (!rc && !(rc = cg_sha256_hex(b.data, b.len, fp)) &&
		    !(rc = cg_json_set(r, "partialFingerprints", fps = cg_json_new_object())))
			rc = cg_json_set_str(fps, "cguard/v1", fp + 7);
		if (!rc && !(rc = cg_json_set(r, "properties", props = cg_json_new_object())) &&
		    !(rc = cg_json_set_str(props, "kind", cg_content_kind_name(c->kind))) &&
		    !(rc = cg_json_set(props, "type", cg_report_jstr_(c->type))) &&
		    !(rc = cg_json_set_int(props, "layer", c->layer)) &&
		    !(rc = cg_json_set_bool(props, "removed", c->removed)) &&
		    (!c->match || !(rc = cg_json_set(props, "match", cg_report_jstr_(c->match)))) &&
		    (!c->md5 || !(rc = cg_json_set(props, "md5", cg_report_jstr_(c->md5)))))
			rc = c->sha256 ? cg_json_set(props, "sha256", cg_report_jstr_(c->sha256)) : CG_OK;
		cg_buf_release(&b);
	}
	free(rule_of);
	return rc;
}

cg_err_t cg_report_sarif_(const struct cg_image *img, const struct cg_inventory *inv,
			  const struct cg_findings *f, struct cg_buf *out, struct cg_error *err)
{
	struct cg_report_grouping gr;
	cg_json *root = cg_json_new_object(), *rules = cg_json_new_array();
	cg_json *results = cg_json_new_array(), *runs, *run, *tool, *driver, *bases, *base;
	const char *image = NULL;
	cg_err_t rc = cg_report_grouping_init_(&gr, f);

	if (rc || !root || !rules || !results)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (img) {
		struct cg_image_info ii;
		cg_image_get_info(img, &ii);
		image = ii.name ? ii.name : ii.ref;
	}
	for (size_t k = 0; k < gr.ngroups; k++) {
		cg_json *r = cg_json_new_object();
		if ((rc = cg_json_append(rules, r)) || (rc = rule_json(&gr, &gr.g[k], r)))
			goto done;
	}
	for (size_t i = 0; i < f->n; i++) {
		cg_json *r;
		if (f->v[i].pub.suppressed)
			continue;
		r = cg_json_new_object();
		if ((rc = cg_json_append(results, r)) ||
		    (rc = result_json(&f->v[i].pub, gr.group_of[i], image, inv, r)))
			goto done;
	}
	if (inv && (rc = content_sarif(inv, f, image, gr.ngroups, rules, results)))
		goto done;
	/* each node is handed to its parent as soon as it is made */
	if ((rc = cg_json_set_str(root, "$schema", SCHEMA_URI)) ||
	    (rc = cg_json_set_str(root, "version", "2.1.0")) ||
	    (rc = cg_json_set(root, "runs", runs = cg_json_new_array())) ||
	    (rc = cg_json_append(runs, run = cg_json_new_object())) ||
	    (rc = cg_json_set(run, "tool", tool = cg_json_new_object())) ||
	    (rc = cg_json_set(tool, "driver", driver = cg_json_new_object())) ||
	    (rc = cg_json_set_str(driver, "name", "cguard")) ||
	    (rc = cg_json_set_str(driver, "version", CG_VERSION_STRING)) ||
	    (rc = cg_json_set_str(driver, "semanticVersion", CG_VERSION_STRING)))
		goto done;
	rc = cg_json_set(driver, "rules", rules);
	rules = NULL;
	if (rc)
		goto done;
	/* locations are paths inside the image, from its root */
	if ((rc = cg_json_set(run, "originalUriBaseIds", bases = cg_json_new_object())) ||
	    (rc = cg_json_set(bases, "ROOTPATH", base = cg_json_new_object())) ||
	    (rc = cg_json_set_str(base, "uri", "file:///")) ||
	    (rc = cg_json_set(base, "description",
			      message("The root of the image's file system", MAX_SHORT))))
		goto done;
	rc = cg_json_set(run, "results", results);
	results = NULL;
	if (rc || (rc = run_properties(img, inv, f, run)))
		goto done;
	if (!(rc = cg_json_dump(root, CG_JSON_PRETTY, out)))
		rc = cg_buf_putc(out, '\n');
done:
	cg_report_grouping_release_(&gr);
	cg_json_free(root);
	cg_json_free(rules);
	cg_json_free(results);
	return rc ? cg_error_set(err, rc, "writing SARIF: %s", cg_strerror(rc)) : CG_OK;
}
