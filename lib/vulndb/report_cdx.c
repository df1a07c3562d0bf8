/* CycloneDX 1.5 scan reports: the SBOM document `cguard image sbom -f
 * cyclonedx` writes (lib/image/sbom.c: metadata.component the image,
 * components with bom-refs) plus `vulnerabilities`, one per advisory, whose
 * affects[] name the component of every package instance it was found in.
 * Suppressed findings (the scan's filters) are not written. */
#include "util/internal.h"
#include "vulndb/report_int.h"
#include "image/sbom_int.h"

#define MAX_SHORT (4u << 10)   /* bytes of a description (the summary) */
#define MAX_TEXT (32u << 10)   /* bytes of a detail (the advisory's text) */
#define MAX_RECOMMEND 100      /* packages named in a recommendation */
#define MAX_URL CG_REPORT_MAX_URL
#define MAX_STRING (64u << 20) /* any string written: the buffers' cap */

/* ---- strings from feeds and images ------------------------------------------- */

/* Who publishes an advisory and where, by the prefix of its id; OSV's
 * page for the others. */
static const struct {
	const char *prefix, *name, *url;
} sources[] = {
	{ "CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/" },
	{ "GHSA-", "GitHub", "https://github.com/advisories/" },
	{ "DSA-", "Debian", "https://security-tracker.debian.org/tracker/" },
	{ "DLA-", "Debian", "https://security-tracker.debian.org/tracker/" },
	{ "DTSA-", "Debian", "https://security-tracker.debian.org/tracker/" },
	{ "TEMP-", "Debian", "https://security-tracker.debian.org/tracker/" },
	{ "RUSTSEC-", "RustSec", "https://rustsec.org/advisories/" },
	{ "GO-", "Go", "https://pkg.go.dev/vuln/" },
	{ "PYSEC-", "PyPA", "https://osv.dev/vulnerability/" },
	{ "ALSA-", "AlmaLinux", "https://osv.dev/vulnerability/" },
	{ "ALBA-", "AlmaLinux", "https://osv.dev/vulnerability/" },
	{ "ALEA-", "AlmaLinux", "https://osv.dev/vulnerability/" },
	{ "RHSA-", "Red Hat", "https://access.redhat.com/errata/" },
	{ "USN-", "Ubuntu", "https://ubuntu.com/security/notices/" },
};

/* A source object {"name", "url"} for an advisory id. */
static cg_json *source_json(const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *name = "OSV", *base = "https://osv.dev/vulnerability/";
	struct cg_buf url = CG_BUF_INIT(MAX_URL + 256);
	cg_json *o = cg_json_new_object();
	cg_err_t rc;

	for (size_t i = 0; i < CG_ARRAY_LEN(sources); i++)
		if (!strncmp(id, sources[i].prefix, strlen(sources[i].prefix))) {
			name = sources[i].name;
			base = sources[i].url;
			break;
		}
	rc = cg_buf_puts(&url, base);
	/* the id as one path segment */
	for (const char *p = id; !rc && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~:", c)) {
			rc = cg_buf_putc(&url, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			rc = cg_buf_append(&url, e, 3);
		}
	}
	if (rc || !o || cg_json_set_str(o, "name", name) ||
	    cg_json_set_str(o, "url", cg_buf_str(&url))) {
		cg_json_free(o);
		o = NULL;
	}
	cg_buf_release(&url);
	return o;
}

/* ---- advisories ---------------------------------------------------------------- */

/* ---- components of packages the inventory does not hold --------------------------- */

/* Findings of packages from elsewhere (no inventory, or an index past it:
 * an SBOM's packages) get a component each, "cguard:package:INDEX". */
static int item_by_pkg(const void *a, const void *b)
{
	const struct cg_finding_item *x = *(const struct cg_finding_item *const *)a;
	const struct cg_finding_item *y = *(const struct cg_finding_item *const *)b;
	return (x->pub.pkg_index > y->pub.pkg_index) - (x->pub.pkg_index < y->pub.pkg_index);
}

static cg_err_t other_components(cg_json *doc, const struct cg_report_grouping *gr, size_t npkgs)
{
	const struct cg_finding_item **v = calloc(gr->n + 1, sizeof(*v));
	cg_json *comps = cg_json_get(doc, "components");
	cg_json *dep_on = cg_json_get(cg_json_array_at(cg_json_get(doc, "dependencies"), 0),
				      "dependsOn");
	struct cg_buf b = CG_BUF_INIT(1u << 16);
	size_t n = 0;
	cg_err_t rc = CG_OK;

	if (!v)
		CG_FAIL(rc, CG_ERR_NOMEM);
	for (size_t i = 0; i < gr->n; i++)
		if (gr->item[i]->pub.pkg_index >= npkgs)
			v[n++] = gr->item[i];
	qsort(v, n, sizeof(*v), item_by_pkg);
	for (size_t i = 0; i < n; i++) {
		const struct cg_finding *x = &v[i]->pub;
		struct cg_pkg p = { .type = x->pkg_type, .name = x->pkg_name,
				    .version = x->pkg_version, .path = x->pkg_path,
				    .layer = x->pkg_layer };
		char ref[64];
		cg_json *c;
		if (i && x->pkg_index == v[i - 1]->pub.pkg_index)
			continue;
		snprintf(ref, sizeof(ref), "cguard:package:%zu", x->pkg_index);
		cg_buf_reset(&b);
		if ((rc = cg_json_append(comps, c = cg_json_new_object())) ||
		    (rc = cg_json_set_str(c, "type", "library")) ||
		    (rc = cg_json_set(c, "name", cg_report_jstr_(x->pkg_name))) ||
		    (x->pkg_version && (rc = cg_json_set(c, "version", cg_report_jstr_(x->pkg_version)))) ||
		    (rc = cg_json_set_str(c, "bom-ref", ref)) ||
		    (rc = cg_json_append(dep_on, cg_json_new_string(ref))))
			goto done;
		if (x->pkg_type && x->pkg_name && x->pkg_version && !cg_pkg_purl(&p, NULL, &b) &&
		    (rc = cg_json_set(c, "purl", cg_report_jstr_(cg_buf_str(&b)))))
			goto done;
	}
done:
	free(v);
	cg_buf_release(&b);
	return rc;
}

/* ---- vulnerabilities ---------------------------------------------------------------- */

/* CycloneDX's severity words. */
static const char *cdx_severity(enum cg_finding_level l)
{
	static const char *const names[CG_LEVEL_COUNT] = {
		[CG_LEVEL_UNKNOWN] = "unknown", [CG_LEVEL_NEGLIGIBLE] = "info",
		[CG_LEVEL_LOW] = "low",         [CG_LEVEL_MEDIUM] = "medium",
		[CG_LEVEL_HIGH] = "high",       [CG_LEVEL_CRITICAL] = "critical",
	};
	return (size_t)l < CG_ARRAY_LEN(names) ? names[l] : "unknown";
}

/* The CVSS method of a severity entry, NULL when it is not CVSS. */
static const char *cvss_method(const struct cg_finding_severity *s)
{
	if (!s->type || !s->score || strncmp(s->type, "CVSS", 4))
		return NULL;
	if (!strncmp(s->score, "CVSS:4.0/", 9))
		return "CVSSv4";
	if (!strncmp(s->score, "CVSS:3.1/", 9))
		return "CVSSv31";
	if (!strncmp(s->score, "CVSS:3.0/", 9))
		return "CVSSv3";
	return !strcmp(s->type, "CVSS_V2") ? "CVSSv2" : NULL;
}

/* The rating scale of CVSS v3.x and v4.0; v2.0 has none: NVD's ranges. */
static const char *cvss_severity(unsigned score10, bool v2)
{
	if (score10 >= 90 && !v2)
		return "critical";
	if (score10 >= 70)
		return "high";
	if (score10 >= 40)
		return "medium";
	return score10 || v2 ? "low" : "none";
}

static cg_err_t ratings_json(const struct cg_report_grouping *gr, const struct cg_report_group *g, cg_json *ratings)
{
	const struct cg_finding *x = &g->first->pub;
	cg_err_t rc = CG_OK;

	/* the advisory's scores, from the source of the advisory */
	for (size_t i = 0; !rc && i < x->nseverities; i++) {
		const struct cg_finding_severity *s = &x->severities[i];
		const char *m = cvss_method(s);
		cg_json *r, *src;
		/* (a CVSS entry whose vector is of no known version is left out) */
		if (!s->type || !s->score || (!m && !strncmp(s->type, "CVSS", 4)))
			continue;
		if ((rc = cg_json_append(ratings, r = cg_json_new_object())))
			break;
		if (!m) {
			/* a vendor's word: its name is the source */
			enum cg_finding_level l = cg_finding_level_of_word_(s->score);
			if ((rc = cg_json_set(r, "source", src = cg_json_new_object())) ||
			    (rc = cg_json_set(src, "name", cg_report_jstr_(s->type))) ||
			    (rc = cg_json_set_str(r, "severity", cdx_severity(l))) ||
			    (rc = cg_json_set_str(r, "method", "other")))
				break;
			continue;
		}
		if ((rc = cg_json_set(r, "source", source_json(x->id))) ||
		    (s->score10 &&
		     (rc = cg_json_set(r, "score", cg_json_new_real(s->score10 / 10.0)))))
			break;
		if ((rc = cg_json_set_str(r, "severity",
					  cvss_severity(s->score10, !strcmp(m, "CVSSv2")))) ||
		    (rc = cg_json_set_str(r, "method", m)) ||
		    (rc = cg_json_set(r, "vector", cg_report_jstr_(s->score))))
			break;
	}
	/* the feeds' words for each ecosystem ("Debian:11": "unimportant"), once each */
	for (size_t i = 0; !rc && i < g->len; i++) {
		const struct cg_finding *y = &gr->item[g->start + i]->pub, *z;
		bool seen = false;
		cg_json *r, *src;
		if (!y->severity)
			continue;
		for (size_t k = 0; k < i && !seen; k++) {
			z = &gr->item[g->start + k]->pub;
			seen = z->severity && !strcmp(z->severity, y->severity) && z->ecosystem &&
			       y->ecosystem && !strcmp(z->ecosystem, y->ecosystem);
		}
		if (seen)
			continue;
		if ((rc = cg_json_append(ratings, r = cg_json_new_object())) ||
		    (rc = cg_json_set(r, "source", src = cg_json_new_object())) ||
		    (rc = cg_json_set(src, "name", cg_report_jstr_(y->ecosystem ? y->ecosystem : x->id))) ||
		    (rc = cg_json_set_str(r, "severity",
					  cdx_severity(cg_finding_level_of_word_(y->severity)))) ||
		    (rc = cg_json_set_str(r, "method", "other")) ||
		    (rc = cg_json_set(r, "justification", cg_report_jtext_(y->severity, MAX_SHORT))))
			break;
	}
	return rc;
}

/* Two digits at s, at most max; -1 when they are not. */
static int two_digits(const char *s, int max)
{
	int v;
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v <= max ? v : -1;
}

/* A date-time of RFC 3339 from the feed's "YYYY-MM-DD[THH:MM:SS[.frac](Z|+HH:MM)]",
 * false for anything else. */
static bool published(const char *s, char *out, size_t cap)
{
	size_t i = 10;
	for (int k = 0; k < 4; k++)
		if (!(s[k] >= '0' && s[k] <= '9'))
			return false;
	if (s[4] != '-' || two_digits(s + 5, 12) < 1 || s[7] != '-' || two_digits(s + 8, 31) < 1)
		return false;
	if (!s[i])
		return (size_t)snprintf(out, cap, "%sT00:00:00Z", s) < cap;
	if (s[10] != 'T' || two_digits(s + 11, 23) < 0 || s[13] != ':' ||
	    two_digits(s + 14, 59) < 0 || s[16] != ':' || two_digits(s + 17, 60) < 0)
		return false;
	i = 19;
	if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (!(s[i] == 'Z' && !s[i + 1]) &&
	    !((s[i] == '+' || s[i] == '-') && two_digits(s + i + 1, 23) >= 0 && s[i + 3] == ':' &&
	      two_digits(s + i + 4, 59) >= 0 && !s[i + 6]))
		return false;
	return (size_t)snprintf(out, cap, "%s", s) < cap;
}

static cg_err_t recommendation(const struct cg_report_grouping *gr, const struct cg_report_group *g, struct cg_buf *b)
{
	cg_err_t rc = CG_OK;
	size_t i;
	for (i = 0; !rc && i < g->len && i < MAX_RECOMMEND && b->len < MAX_TEXT; i++) {
		const struct cg_finding *y = &gr->item[g->start + i]->pub;
		if (i && (rc = cg_buf_puts(b, "; ")))
			break;
		if (y->status == CG_FINDING_FIXED && y->fixed)
			rc = cg_buf_printf(b, "Upgrade %s to %s", y->pkg_name, y->fixed);
		else if (y->status == CG_FINDING_EOL)
			rc = cg_buf_printf(b, "Replace %s: it gets no security support",
					   y->pkg_name);
		else
			rc = cg_buf_printf(b, "No fix for %s yet", y->pkg_name);
		if (!rc && y->fix_command)
			rc = cg_buf_printf(b, " (%s)", y->fix_command);
	}
	if (!rc && g->len > i)
		rc = cg_buf_printf(b, "; and %zu more", g->len - i);
	return rc;
}

static cg_err_t property(cg_json *props, const char *name, const char *value)
{
	cg_json *p;
	cg_err_t rc;
	if ((rc = cg_json_append(props, p = cg_json_new_object())) ||
	    (rc = cg_json_set_str(p, "name", name)))
		return rc;
	return cg_json_set(p, "value", cg_report_jstr_(value));
}

static cg_err_t vuln_json(const struct cg_report_grouping *gr, const struct cg_report_group *g,
			  const char *const *refs, size_t npkgs, cg_json *v)
{
	const struct cg_finding *x = &g->first->pub;
	struct cg_buf b = CG_BUF_INIT(MAX_STRING);
	enum cg_finding_urgency urgency = CG_URGENCY_NOT_YET;
	bool kev = false, status[3] = { false };
	char date[64];
	cg_json *a, *o, *props;
	cg_err_t rc;

	if ((rc = cg_buf_printf(&b, "vulnerability:%s", x->id)) ||
	    (rc = cg_json_set(v, "bom-ref", cg_report_jstr_(cg_buf_str(&b)))) ||
	    (rc = cg_json_set(v, "id", cg_report_jstr_(x->id))) ||
	    (rc = cg_json_set(v, "source", source_json(x->id))))
		goto done;
	if (x->naliases) {
		if ((rc = cg_json_set(v, "references", a = cg_json_new_array())))
			goto done;
		for (size_t i = 0; i < x->naliases; i++) {
			if (!strcmp(x->aliases[i], x->id))
				continue;
			if ((rc = cg_json_append(a, o = cg_json_new_object())) ||
			    (rc = cg_json_set(o, "id", cg_report_jstr_(x->aliases[i]))) ||
			    (rc = cg_json_set(o, "source", source_json(x->aliases[i]))))
				goto done;
		}
	}
	/* no ratings: none written */
	if (!(a = cg_json_new_array()))
		CG_FAIL(rc, CG_ERR_NOMEM);
	rc = ratings_json(gr, g, a);
	if (!rc && cg_json_array_len(a))
		rc = cg_json_set(v, "ratings", cg_json_ref(a));
	cg_json_free(a);
	if (rc)
		goto done;
	if ((x->summary && (rc = cg_json_set(v, "description", cg_report_jtext_(x->summary, MAX_SHORT)))) ||
	    (x->details && (rc = cg_json_set(v, "detail", cg_report_jtext_(x->details, MAX_TEXT)))))
		goto done;
	cg_buf_reset(&b);
	if ((rc = recommendation(gr, g, &b)) ||
	    (rc = cg_json_set(v, "recommendation", cg_report_jtext_(cg_buf_str(&b), MAX_TEXT))))
		goto done;
	if (x->published && published(x->published, date, sizeof(date)) &&
	    (rc = cg_json_set_str(v, "published", date)))
		goto done;
	if ((rc = cg_json_set(v, "advisories", a = cg_json_new_array())))
		goto done;
	for (size_t i = 0; i < x->nreferences; i++)
		if (cg_report_url_ok_(x->references[i]) &&
		    ((rc = cg_json_append(a, o = cg_json_new_object())) ||
		     (rc = cg_json_set_str(o, "url", x->references[i]))))
			goto done;
	if (!cg_json_array_len(a)) {
		/* no usable reference: the source's page */
		cg_json *src = source_json(x->id);
		rc = cg_json_append(a, o = cg_json_new_object());
		if (!rc)
			rc = cg_json_set(o, "url", cg_json_ref(cg_json_get(src, "url")));
		cg_json_free(src);
		if (rc)
			goto done;
	}
	if ((rc = cg_json_set(v, "affects", a = cg_json_new_array())))
		goto done;
	for (size_t i = 0; i < g->len; i++) {
		const struct cg_finding *y = &gr->item[g->start + i]->pub;
		char ref[64];
		cg_json *vs, *ver;
		/* the inventory's component, or other_components()' */
		snprintf(ref, sizeof(ref), "cguard:package:%zu", y->pkg_index);
		if ((rc = cg_json_append(a, o = cg_json_new_object())) ||
		    (rc = cg_json_set(o, "ref",
				      cg_report_jstr_(y->pkg_index < npkgs ? refs[y->pkg_index] : ref))))
			goto done;
		if (y->pkg_version &&
		    ((rc = cg_json_set(o, "versions", vs = cg_json_new_array())) ||
		     (rc = cg_json_append(vs, ver = cg_json_new_object())) ||
		     (rc = cg_json_set(ver, "version", cg_report_jstr_(y->pkg_version))) ||
		     (rc = cg_json_set_str(ver, "status", "affected"))))
			goto done;
		if (y->urgency < urgency)
			urgency = y->urgency;
		kev |= y->kev;
		if ((size_t)y->status < CG_ARRAY_LEN(status))
			status[y->status] = true;
	}
	if ((rc = cg_json_set(v, "properties", props = cg_json_new_array())) ||
	    (rc = property(props, "cguard:urgency", cg_finding_urgency_name(urgency))))
		goto done;
	for (size_t s = 0; s < CG_ARRAY_LEN(status); s++)
		if (status[s] &&
		    (rc = property(props, "cguard:status",
				   cg_finding_status_name((enum cg_finding_status)s))))
			goto done;
	rc = property(props, "cguard:kev", kev ? "true" : "false");
done:
	cg_buf_release(&b);
	return rc;
}

static cg_err_t cprop(cg_json *props, const char *num, const char *field, const char *value)
{
	char key[96];
	if (!value)
		return CG_OK;
	snprintf(key, sizeof(key), "cguard:content:%s:%s", num, field);
	return property(props, key, value);
}

/* Image content findings where CycloneDX has a place for them: each file with a
 * finding is a component of type "file" (its path as name, bom-ref
 * "cguard:file:N", MD5/SHA-256 hashes when known), the findings as its
 * properties "cguard:content:N:FIELD" (kind, rule, type, level, title, line,
 * layer, removed). Config findings (history, ENV) have no component: they
 * are the image's, properties of metadata.component. */
static cg_err_t content_cdx(const struct cg_inventory *inv, const struct cg_findings *f,
			   cg_json *doc)
{
	cg_json *comps = cg_json_get(doc, "components");
	cg_json *meta = cg_json_get(cg_json_get(doc, "metadata"), "component");
	size_t n = cg_inventory_content_count(inv), nfile = 0;
	cg_err_t rc = CG_OK;

	if (!n)
		return CG_OK;
	if (!comps && (rc = cg_json_set(doc, "components", comps = cg_json_new_array())))
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct cg_content_finding *c = cg_inventory_content_at(inv, i);
		cg_json *target = meta, *props;
		char key[96], num[32];
		if (!cg_content_shown_(f, c))
			continue;
		if (c->path) {
			/* the file's component, made at its first finding */
			target = NULL;
			for (size_t k = 0; k < cg_json_array_len(comps) && !target; k++) {
				const char *r = cg_json_get_str(cg_json_array_at(comps, k), "bom-ref");
				const char *nm = cg_json_get_str(cg_json_array_at(comps, k), "name");
				if (r && !strncmp(r, "cguard:file:", 12) && nm && !strcmp(nm, c->path))
					target = cg_json_array_at(comps, k);
			}
			if (!target) {
				cg_json *h;
				snprintf(key, sizeof(key), "cguard:file:%zu", nfile++);
				if ((rc = cg_json_append(comps, target = cg_json_new_object())) ||
				    (rc = cg_json_set_str(target, "type", "file")) ||
				    (rc = cg_json_set_str(target, "bom-ref", key)) ||
				    (rc = cg_json_set(target, "name", cg_report_jstr_(c->path))))
					break;
				if (c->md5 || c->sha256) {
					if ((rc = cg_json_set(target, "hashes", h = cg_json_new_array())))
						break;
					if (c->md5 && !(rc = cg_json_append(h, props = cg_json_new_object())) &&
					    !(rc = cg_json_set_str(props, "alg", "MD5")))
						rc = cg_json_set(props, "content", cg_report_jstr_(c->md5));
					if (!rc && c->sha256 &&
					    !(rc = cg_json_append(h, props = cg_json_new_object())) &&
					    !(rc = cg_json_set_str(props, "alg", "SHA-256")))
						rc = cg_json_set(props, "content", cg_report_jstr_(c->sha256));
					if (rc)
						break;
				}
			}
		}
		if (!target)
			continue;
		if (!(props = cg_json_get(target, "properties")) &&
		    (rc = cg_json_set(target, "properties", props = cg_json_new_array())))
			break;
		snprintf(num, sizeof(num), "%zu", i);
		{
			char line[32], layer[32];
			snprintf(line, sizeof(line), "%llu", (unsigned long long)c->line);
			snprintf(layer, sizeof(layer), "%d", c->layer);
			rc = cprop(props, num, "kind", cg_content_kind_name(c->kind));
			if (!rc) rc = cprop(props, num, "rule", c->rule);
			if (!rc) rc = cprop(props, num, "type", c->type);
			if (!rc) rc = cprop(props, num, "level", cg_threat_level_name(c->level));
			if (!rc) rc = cprop(props, num, "title", c->title);
			if (!rc) rc = cprop(props, num, "where", c->where);
			if (!rc && c->line) rc = cprop(props, num, "line", line);
			if (!rc && c->path) rc = cprop(props, num, "layer", layer);
			if (!rc && c->path) rc = cprop(props, num, "removed", c->removed ? "true" : "false");
		}
	}
	return rc;
}

cg_err_t cg_report_cyclonedx_(const struct cg_image *img, const struct cg_inventory *inv,
			      const struct cg_findings *f, struct cg_buf *out, struct cg_error *err)
{
	struct cg_report_grouping gr;
	cg_json *doc = NULL, *vulns;
	const char **refs = NULL;
	size_t npkgs = inv ? cg_inventory_pkg_count(inv) : 0;
	cg_err_t rc = cg_report_grouping_init_(&gr, f);

	if (rc)
		goto done;
	if ((rc = cg_sbom_cyclonedx_doc_(img, inv, &doc, &refs, err))) {
		cg_report_grouping_release_(&gr);
		return rc;
	}
	if ((rc = other_components(doc, &gr, npkgs)) || (inv && (rc = content_cdx(inv, f, doc))) ||
	    (rc = cg_json_set(doc, "vulnerabilities", vulns = cg_json_new_array())))
		goto done;
	for (size_t k = 0; k < gr.ngroups; k++) {
		cg_json *v;
		if ((rc = cg_json_append(vulns, v = cg_json_new_object())) ||
		    (rc = vuln_json(&gr, &gr.g[k], refs, npkgs, v)))
			goto done;
	}
	if (!(rc = cg_json_dump(doc, CG_JSON_PRETTY, out)))
		rc = cg_buf_putc(out, '\n');
done:
	cg_report_grouping_release_(&gr);
	cg_json_free(doc);
	free(refs);
	return rc ? cg_error_set(err, rc, "writing CycloneDX: %s", cg_strerror(rc)) : CG_OK;
}
