/* Scan reports: table, JSON, SARIF 2.1.0 and CycloneDX 1.5 (report_sarif.c,
 * report_cdx.c). Suppressed findings (the scan's filters) are left out of
 * the findings and counted; JSON lists them apart with the reason. */
#include "util/internal.h"
#include "vulndb/findings.h"

#define MAX_NAME 512 /* a package name in a table cell */

static const char *const level_names[CG_LEVEL_COUNT] = {
	[CG_LEVEL_UNKNOWN] = "unknown", [CG_LEVEL_NEGLIGIBLE] = "negligible",
	[CG_LEVEL_LOW] = "low",         [CG_LEVEL_MEDIUM] = "medium",
	[CG_LEVEL_HIGH] = "high",       [CG_LEVEL_CRITICAL] = "critical",
};


cg_err_t cg_scan_format_parse(const char *name, enum cg_scan_format *out)
{
	if (name && !strcmp(name, "table"))
		*out = CG_SCAN_TABLE;
	else if (name && !strcmp(name, "json"))
		*out = CG_SCAN_JSON;
	else if (name && !strcmp(name, "sarif"))
		*out = CG_SCAN_SARIF;
	else if (name && !strcmp(name, "cyclonedx"))
		*out = CG_SCAN_CYCLONEDX;
	else
		return CG_ERR_UNSUPPORTED;
	return CG_OK;
}

static cg_json *str_or_null(const char *s)
{
	return s ? cg_json_new_string(s) : cg_json_new_null();
}

static cg_err_t finding_json(const struct cg_finding *x, cg_json *o)
{
	cg_json *al = cg_json_new_array(), *sv = cg_json_new_array(), *pk = cg_json_new_object();
	cg_json *rf = cg_json_new_array();
	cg_err_t rc = CG_OK;

	if (!al || !sv || !pk || !rf)
		CG_FAIL(rc, CG_ERR_NOMEM);
	for (size_t i = 0; !rc && i < x->naliases; i++)
		rc = cg_json_append(al, cg_json_new_string(x->aliases[i]));
	for (size_t i = 0; !rc && i < x->nseverities; i++) {
		cg_json *s = cg_json_new_object();
		rc = cg_json_append(sv, s);
		if (!rc)
			rc = cg_json_set_str(s, "type", x->severities[i].type);
		if (!rc)
			rc = cg_json_set_str(s, "score", x->severities[i].score);
		if (!rc && x->severities[i].score10)
			rc = cg_json_set(s, "base_score",
					 cg_json_new_real(x->severities[i].score10 / 10.0));
	}
	if (rc || (rc = cg_json_set_str(pk, "name", x->pkg_name)) ||
	    (rc = cg_json_set_str(pk, "version", x->pkg_version)) ||
	    (rc = cg_json_set_str(pk, "type", x->pkg_type)) ||
	    (rc = cg_json_set(pk, "path", str_or_null(x->pkg_path))) ||
	    (rc = cg_json_set_int(pk, "layer", x->pkg_layer)))
		goto done;
	if ((rc = cg_json_set_str(o, "id", x->id)) || (rc = cg_json_set(o, "aliases", al)))
		goto done;
	al = NULL;
	if ((rc = cg_json_set(o, "summary", str_or_null(x->summary))) ||
	    (rc = cg_json_set(o, "published", str_or_null(x->published))) ||
	    (rc = cg_json_set(o, "severities", sv)))
		goto done;
	sv = NULL;
	if ((rc = cg_json_set(o, "cvss_score", x->cvss_vector
						       ? cg_json_new_real(x->cvss_score10 / 10.0)
						       : cg_json_new_null())) ||
	    (rc = cg_json_set(o, "cvss_vector", str_or_null(x->cvss_vector))) ||
	    (rc = cg_json_set_str(o, "level", cg_finding_level_name(x->level))) ||
	    (rc = cg_json_set_bool(o, "kev", x->kev)) || (rc = cg_json_set(o, "package", pk)))
		goto done;
	pk = NULL;
	if ((rc = cg_json_set_str(o, "ecosystem", x->ecosystem)) ||
	    (rc = cg_json_set_str(o, "matched_name", x->package)) ||
	    (rc = cg_json_set_str(o, "installed", x->installed)) ||
	    (rc = cg_json_set(o, "fixed", str_or_null(x->fixed))) ||
	    (rc = cg_json_set_str(o, "status", cg_finding_status_name(x->status))) ||
	    (rc = cg_json_set(o, "severity", str_or_null(x->severity))) ||
	    (rc = cg_json_set(o, "note", str_or_null(x->note))) ||
	    (rc = cg_json_set_str(o, "urgency", cg_finding_urgency_name(x->urgency))) ||
	    (rc = cg_json_set(o, "fix_command", str_or_null(x->fix_command))) ||
	    (rc = cg_json_set(o, "details", str_or_null(x->details))))
		goto done;
	for (size_t i = 0; !rc && i < x->nreferences; i++)
		rc = cg_json_append(rf, cg_json_new_string(x->references[i]));
	if (rc || (rc = cg_json_set(o, "references", rf)))
		goto done;
	rf = NULL;
	if (x->suppressed && (rc = cg_json_set_str(o, "suppressed", x->suppressed)))
		goto done;
done:
	cg_json_free(al);
	cg_json_free(sv);
	cg_json_free(pk);
	cg_json_free(rf);
	return rc;
}

/* ---- content findings ------------------------------------------------------- */

static cg_err_t content_one_json(const struct cg_content_finding *c, cg_json *o)
{
	cg_err_t rc;
	if ((rc = cg_json_set_str(o, "kind", cg_content_kind_name(c->kind))) ||
	    (rc = cg_json_set(o, "rule", str_or_null(c->rule))) ||
	    (rc = cg_json_set(o, "type", str_or_null(c->type))) ||
	    (rc = cg_json_set_str(o, "level", cg_threat_level_name(c->level))) ||
	    (rc = cg_json_set(o, "title", str_or_null(c->title))) ||
	    (rc = cg_json_set(o, "path", str_or_null(c->path))) ||
	    (rc = cg_json_set_int(o, "layer", c->layer)) ||
	    (rc = cg_json_set(o, "where", str_or_null(c->where))))
		return rc;
	if (c->line && (rc = cg_json_set_int(o, "line", (int64_t)c->line)))
		return rc;
	if ((rc = cg_json_set(o, "match", str_or_null(c->match))) ||
	    (rc = cg_json_set(o, "md5", str_or_null(c->md5))) ||
	    (rc = cg_json_set(o, "sha256", str_or_null(c->sha256))) ||
	    (rc = cg_json_set(o, "advice", str_or_null(c->advice))) ||
	    (rc = cg_json_set_bool(o, "removed", c->removed)))
		return rc;
	return CG_OK;
}

static cg_err_t content_json(const struct cg_inventory *inv, const struct cg_findings *f,
			     cg_json *o)
{
	cg_json *arr = cg_json_new_array();
	cg_err_t rc = arr ? CG_OK : CG_ERR_NOMEM;
	for (size_t i = 0; !rc && i < cg_inventory_content_count(inv); i++) {
		cg_json *c;
		if (!cg_content_shown_(f, cg_inventory_content_at(inv, i)))
			continue;
		c = cg_json_new_object();
		if (!(rc = cg_json_append(arr, c)))
			rc = content_one_json(cg_inventory_content_at(inv, i), c);
	}
	if (!rc)
		return cg_json_set(o, "content", arr);
	cg_json_free(arr);
	return rc;
}

static cg_err_t write_json(const struct cg_image *img, const struct cg_inventory *inv,
			   const struct cg_findings *f, struct cg_buf *out)
{
	cg_json *o = cg_json_new_object(), *im = cg_json_new_object(), *arr = cg_json_new_array();
	cg_json *counts = cg_json_new_object(), *bs = cg_json_new_object(), *bl = cg_json_new_object();
	const struct cg_os_info *os = inv ? cg_inventory_os(inv) : NULL;
	cg_json *sup = cg_json_new_array(), *bu = cg_json_new_object();
	size_t by_status[3] = { 0 }, by_level[CG_ARRAY_LEN(level_names)] = { 0 }, by_urgency[3] = { 0 };
	cg_err_t rc = CG_OK;

	if (!o || !im || !arr || !counts || !bs || !bl || !sup || !bu)
		CG_FAIL(rc, CG_ERR_NOMEM);
	if (img) {
		struct cg_image_info ii;
		cg_image_get_info(img, &ii);
		if ((rc = cg_json_set(im, "ref", str_or_null(ii.ref))) ||
		    (rc = cg_json_set(im, "transport", str_or_null(ii.transport))) ||
		    (rc = cg_json_set(im, "name", str_or_null(ii.name))) ||
		    (rc = cg_json_set(im, "manifest_digest", str_or_null(ii.manifest_digest))) ||
		    (rc = cg_json_set(im, "config_digest", str_or_null(ii.config_digest))) ||
		    (rc = cg_json_set(im, "os", str_or_null(ii.os))) ||
		    (rc = cg_json_set(im, "arch", str_or_null(ii.arch))))
			goto done;
	}
	if ((rc = cg_json_set(o, "image", im)))
		goto done;
	im = NULL;
	if (os) {
		cg_json *oj = cg_json_new_object();
		if ((rc = cg_json_set(o, "os", oj)) || (rc = cg_json_set(oj, "id", str_or_null(os->id))) ||
		    (rc = cg_json_set(oj, "version_id", str_or_null(os->version_id))) ||
		    (rc = cg_json_set(oj, "codename", str_or_null(os->codename))))
			goto done;
	} else if ((rc = cg_json_set(o, "os", cg_json_new_null()))) {
		goto done;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct cg_finding *x = &f->v[i].pub;
		cg_json *fo = cg_json_new_object();
		if ((rc = cg_json_append(x->suppressed ? sup : arr, fo)) || (rc = finding_json(x, fo)))
			goto done;
		if (x->suppressed)
			continue;
		if ((size_t)x->status < CG_ARRAY_LEN(by_status))
			by_status[x->status]++;
		if ((size_t)x->level < CG_ARRAY_LEN(by_level))
			by_level[x->level]++;
		if ((size_t)x->urgency < CG_ARRAY_LEN(by_urgency))
			by_urgency[x->urgency]++;
	}
	if ((rc = cg_json_set(o, "findings", arr)))
		goto done;
	arr = NULL;
	if ((rc = cg_json_set(o, "suppressed", sup)))
		goto done;
	sup = NULL;
	for (int u = 0; u < 3 && !rc; u++)
		rc = cg_json_set_int(bu, cg_finding_urgency_name((enum cg_finding_urgency)u),
				     (int64_t)by_urgency[u]);
	if (rc || (rc = cg_json_set(counts, "by_urgency", bu)))
		goto done;
	bu = NULL;
	for (int s = 0; s < 3 && !rc; s++)
		rc = cg_json_set_int(bs, cg_finding_status_name((enum cg_finding_status)s),
				     (int64_t)by_status[s]);
	for (size_t l = CG_ARRAY_LEN(level_names); !rc && l-- > 0;)
		rc = cg_json_set_int(bl, level_names[l], (int64_t)by_level[l]);
	if (rc || (rc = cg_json_set_int(counts, "findings", (int64_t)(f->n - f->suppressed))) ||
	    (rc = cg_json_set_int(counts, "suppressed", (int64_t)f->suppressed)) ||
	    (rc = cg_json_set_int(counts, "ignore_rules_expired", (int64_t)f->expired_rules)) ||
	    (rc = cg_json_set(counts, "by_status", bs)))
		goto done;
	bs = NULL;
	if ((rc = cg_json_set(counts, "by_level", bl)))
		goto done;
	bl = NULL;
	if ((rc = cg_json_set_int(counts, "packages_matched", (int64_t)f->packages)) ||
	    (rc = cg_json_set_int(counts, "packages_unmapped", (int64_t)f->unmapped)) ||
	    (rc = cg_json_set_int(counts, "entries_skipped", (int64_t)f->skipped)) ||
	    (rc = cg_json_set(o, "counts", counts)))
		goto done;
	counts = NULL;
	if (inv && (rc = content_json(inv, f, o)))
		goto done;
	if (img || inv) {
		struct cg_base_image b;
		cg_json *bj = cg_json_new_object();
		cg_image_base(img, inv, &b);
		if ((rc = cg_json_set(o, "base_image", bj)) ||
		    (rc = cg_json_set(bj, "os", str_or_null(b.os))) ||
		    (rc = cg_json_set(bj, "name", str_or_null(b.name))) ||
		    (rc = cg_json_set(bj, "digest", str_or_null(b.digest))) ||
		    (rc = cg_json_set_int(bj, "layers", (int64_t)b.layers)) ||
		    (rc = cg_json_set(bj, "registry", str_or_null(b.registry[0] ? b.registry : NULL))))
			goto done;
	}
	if (!(rc = cg_json_dump(o, CG_JSON_PRETTY, out)))
		rc = cg_buf_putc(out, '\n');
done:
	cg_json_free(o);
	cg_json_free(im);
	cg_json_free(arr);
	cg_json_free(counts);
	cg_json_free(bs);
	cg_json_free(bl);
	cg_json_free(sup);
	cg_json_free(bu);
	return rc;
}

/* Table cells come from images and feeds: control bytes (a terminal escape
 * sequence in a package name) are shown as '?', and cells are cut at 60
 * columns' worth of bytes. */
#define CELL_MAX 60

static void cell_copy(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	for (; s && *s && o + 1 < cap && (o < CELL_MAX || cap > CELL_MAX + 1); s++)
		out[o++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	out[o] = '\0';
}

enum { C_ID, C_LEVEL, C_CVSS, C_URGENCY, C_STATUS, C_PACKAGE, C_INSTALLED, C_FIXED, C_KEV, C__N };

/* One table row. PACKAGE names the database's package when it differs (the
 * source package); INSTALLED is the version compared (the source version). */
static void table_row(const struct cg_finding *x, char cell[C__N][CELL_MAX + 1])
{
	char pk[2 * MAX_NAME + 8], score[16];
	if (x->package && strcmp(x->package, x->pkg_name))
		snprintf(pk, sizeof(pk), "%s (%s)", x->pkg_name, x->package);
	else
		snprintf(pk, sizeof(pk), "%s", x->pkg_name);
	if (x->cvss_vector)
		snprintf(score, sizeof(score), "%u.%u", x->cvss_score10 / 10, x->cvss_score10 % 10);
	else
		snprintf(score, sizeof(score), "-");
	cell_copy(cell[C_ID], CELL_MAX + 1, x->id);
	cell_copy(cell[C_LEVEL], CELL_MAX + 1, cg_finding_level_name(x->level));
	cell_copy(cell[C_CVSS], CELL_MAX + 1, score);
	cell_copy(cell[C_URGENCY], CELL_MAX + 1, cg_finding_urgency_name(x->urgency));
	cell_copy(cell[C_STATUS], CELL_MAX + 1, cg_finding_status_name(x->status));
	cell_copy(cell[C_PACKAGE], CELL_MAX + 1, pk);
	cell_copy(cell[C_INSTALLED], CELL_MAX + 1, x->installed ? x->installed : x->pkg_version);
	cell_copy(cell[C_FIXED], CELL_MAX + 1, x->fixed ? x->fixed : "-");
	cell_copy(cell[C_KEV], CELL_MAX + 1, x->kev ? "yes" : "");
}

static cg_err_t put_row(struct cg_buf *out, char cell[C__N][CELL_MAX + 1], const size_t *w)
{
	cg_err_t rc = CG_OK;
	for (size_t c = 0; !rc && c < C__N; c++)
		rc = c + 1 < C__N ? cg_buf_printf(out, "%-*s  ", (int)w[c], cell[c])
				  : cg_buf_printf(out, "%s", cell[c]);
	/* no trailing blanks */
	while (!rc && out->len && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	return rc ? rc : cg_buf_putc(out, '\n');
}

static cg_err_t write_table(const struct cg_findings *f, struct cg_buf *out)
{
	static const char *const head[C__N] = { "ID", "LEVEL", "CVSS", "URGENCY", "STATUS",
						"PACKAGE", "INSTALLED", "FIXED", "KEV" };
	char cell[C__N][CELL_MAX + 1];
	size_t w[C__N], by_urgency[3] = { 0 }, ncmd = 0;
	cg_err_t rc = CG_OK;

	for (size_t c = 0; c < C__N; c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].pub.suppressed)
			continue;
		table_row(&f->v[i].pub, cell);
		for (size_t c = 0; c < C__N; c++)
			if (strlen(cell[c]) > w[c])
				w[c] = strlen(cell[c]);
		if ((size_t)f->v[i].pub.urgency < 3)
			by_urgency[f->v[i].pub.urgency]++;
	}
	for (size_t c = 0; c < C__N; c++)
		cell_copy(cell[c], CELL_MAX + 1, head[c]);
	rc = put_row(out, cell, w);
	for (size_t i = 0; !rc && i < f->n; i++) {
		if (f->v[i].pub.suppressed)
			continue;
		table_row(&f->v[i].pub, cell);
		rc = put_row(out, cell, w);
	}
	/* what to run for the fix-now findings, each command once */
	for (size_t i = 0; !rc && i < f->n; i++) {
		const struct cg_finding *x = &f->v[i].pub;
		bool seen = false;
		if (x->suppressed || x->urgency != CG_URGENCY_NOW || !x->fix_command)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !f->v[k].pub.suppressed && f->v[k].pub.urgency == CG_URGENCY_NOW &&
			       f->v[k].pub.fix_command &&
			       !strcmp(f->v[k].pub.fix_command, x->fix_command);
		if (seen)
			continue;
		if (!ncmd++)
			rc = cg_buf_puts(out, "\nFix now:\n");
		if (!rc)
			rc = cg_buf_printf(out, "  %s\n", x->fix_command);
	}
	if (!rc)
		rc = cg_buf_printf(out,
				   "\n%zu findings (fix now %zu, can defer %zu, no fix needed yet %zu; "
				   "%zu suppressed by filters) in %zu packages matched (%zu not "
				   "mappable, %zu database entries skipped: versions that do not "
				   "parse)\n",
				   f->n - f->suppressed, by_urgency[0], by_urgency[1], by_urgency[2],
				   f->suppressed, f->packages, f->unmapped, f->skipped);
	return rc;
}

/* "Image: NAME / Base: OS (the first N layers), from BASE NAME" after the table. */
static cg_err_t write_base(const struct cg_image *img, const struct cg_inventory *inv,
			   struct cg_buf *out)
{
	struct cg_base_image b;
	struct cg_image_info ii = { 0 };
	char name[CELL_MAX + 1], os[CELL_MAX + 1], base[CELL_MAX + 1];
	cg_err_t rc;
	if (!img && !inv)
		return CG_OK;
	if (img)
		cg_image_get_info(img, &ii);
	cg_image_base(img, inv, &b);
	cell_copy(name, sizeof(name), ii.name ? ii.name : ii.ref);
	cell_copy(os, sizeof(os), b.os ? b.os : "unknown OS");
	cell_copy(base, sizeof(base), b.name);
	rc = cg_buf_printf(out, "\nImage: %s\nBase:  %s", name[0] ? name : "-", os);
	if (!rc && b.layers)
		rc = cg_buf_printf(out, " (the first %zu layer%s)", b.layers, b.layers == 1 ? "" : "s");
	if (!rc && b.name)
		rc = cg_buf_printf(out, ", from %s", base);
	return rc ? rc : cg_buf_putc(out, '\n');
}

/* Image content findings: one line each, sorted by level as found. */
static cg_err_t write_content_table(const struct cg_inventory *inv, const struct cg_findings *f,
				    struct cg_buf *out)
{
	cg_err_t rc = cg_buf_puts(out, "\nImage content:\n");
	for (int lv = CG_THREAT_CRITICAL; !rc && lv >= CG_THREAT_LOW; lv--)
		for (size_t i = 0; !rc && i < cg_inventory_content_count(inv); i++) {
			const struct cg_content_finding *c = cg_inventory_content_at(inv, i);
			char where[CELL_MAX + 1], title[2 * CELL_MAX], rule[CELL_MAX + 1];
			if ((int)c->level != lv || !cg_content_shown_(f, c))
				continue;
			cell_copy(where, sizeof(where), c->path ? c->path : c->where);
			cell_copy(title, sizeof(title), c->title);
			cell_copy(rule, sizeof(rule), c->rule);
			rc = cg_buf_printf(out, "  %-8s  %-8s  %s  %s%s  [%s]", cg_threat_level_name(c->level),
					   cg_content_kind_name(c->kind), title, where,
					   c->removed ? " (removed by a later layer)" : "", rule);
			if (!rc && c->layer >= 0)
				rc = cg_buf_printf(out, " layer %d", c->layer);
			if (!rc)
				rc = cg_buf_putc(out, '\n');
		}
	return rc;
}

cg_err_t cg_findings_write(const struct cg_image *img, const struct cg_inventory *inv,
			   const struct cg_findings *f, enum cg_scan_format fmt, struct cg_buf *out,
			   struct cg_error *err)
{
	cg_err_t rc;
	if (!f || !out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	switch (fmt) {
	case CG_SCAN_SARIF: return cg_report_sarif_(img, inv, f, out, err);
	case CG_SCAN_CYCLONEDX: return cg_report_cyclonedx_(img, inv, f, out, err);
	case CG_SCAN_JSON: rc = write_json(img, inv, f, out); break;
	default:
		rc = write_table(f, out);
		if (!rc)
			rc = write_base(img, inv, out);
		if (!rc && inv && cg_inventory_content_count(inv))
			rc = write_content_table(inv, f, out);
		break;
	}
	if (rc)
		return cg_error_set(err, rc, "writing the report: %s", cg_strerror(rc));
	return CG_OK;
}
