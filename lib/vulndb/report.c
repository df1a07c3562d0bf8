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
	cg_err_t rc = CG_OK;

	if (!al || !sv || !pk)
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
	if ((rc = cg_json_set_str(o, "level", cg_finding_level_name(x->level))) ||
	    (rc = cg_json_set_bool(o, "kev", x->kev)) || (rc = cg_json_set(o, "package", pk)))
		goto done;
	pk = NULL;
	if ((rc = cg_json_set_str(o, "ecosystem", x->ecosystem)) ||
	    (rc = cg_json_set_str(o, "matched_name", x->package)) ||
	    (rc = cg_json_set_str(o, "installed", x->installed)) ||
	    (rc = cg_json_set(o, "fixed", str_or_null(x->fixed))) ||
	    (rc = cg_json_set_str(o, "status", cg_finding_status_name(x->status))) ||
	    (rc = cg_json_set(o, "severity", str_or_null(x->severity))) ||
	    (rc = cg_json_set(o, "note", str_or_null(x->note))))
		goto done;
done:
	cg_json_free(al);
	cg_json_free(sv);
	cg_json_free(pk);
	return rc;
}

static cg_err_t write_json(const struct cg_image *img, const struct cg_inventory *inv,
			   const struct cg_findings *f, struct cg_buf *out)
{
	cg_json *o = cg_json_new_object(), *im = cg_json_new_object(), *arr = cg_json_new_array();
	cg_json *counts = cg_json_new_object(), *bs = cg_json_new_object(), *bl = cg_json_new_object();
	const struct cg_os_info *os = inv ? cg_inventory_os(inv) : NULL;
	size_t by_status[3] = { 0 }, by_level[CG_ARRAY_LEN(level_names)] = { 0 };
	cg_err_t rc = CG_OK;

	if (!o || !im || !arr || !counts || !bs || !bl)
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
		if ((rc = cg_json_append(arr, fo)) || (rc = finding_json(x, fo)))
			goto done;
		if ((size_t)x->status < CG_ARRAY_LEN(by_status))
			by_status[x->status]++;
		if ((size_t)x->level < CG_ARRAY_LEN(by_level))
			by_level[x->level]++;
	}
	if ((rc = cg_json_set(o, "findings", arr)))
		goto done;
	arr = NULL;
	for (int s = 0; s < 3 && !rc; s++)
		rc = cg_json_set_int(bs, cg_finding_status_name((enum cg_finding_status)s),
				     (int64_t)by_status[s]);
	for (size_t l = CG_ARRAY_LEN(level_names); !rc && l-- > 0;)
		rc = cg_json_set_int(bl, level_names[l], (int64_t)by_level[l]);
	if (rc || (rc = cg_json_set_int(counts, "findings", (int64_t)f->n)) ||
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
	if (!(rc = cg_json_dump(o, CG_JSON_PRETTY, out)))
		rc = cg_buf_putc(out, '\n');
done:
	cg_json_free(o);
	cg_json_free(im);
	cg_json_free(arr);
	cg_json_free(counts);
	cg_json_free(bs);
	cg_json_free(bl);
	return rc;
}

/* One table row. PACKAGE names the database's package when it differs (the
 * source package); INSTALLED is the version compared (the source version). */
static void table_row(const struct cg_finding *x, const char **cell, char *pk, size_t pkcap)
{
	if (x->package && strcmp(x->package, x->pkg_name))
		snprintf(pk, pkcap, "%s (%s)", x->pkg_name, x->package);
	else
		snprintf(pk, pkcap, "%s", x->pkg_name);
	cell[0] = x->id;
	cell[1] = cg_finding_level_name(x->level);
	cell[2] = cg_finding_status_name(x->status);
	cell[3] = pk;
	cell[4] = x->installed ? x->installed : x->pkg_version;
	cell[5] = x->fixed ? x->fixed : "-";
	cell[6] = x->kev ? "yes" : "";
}

static cg_err_t write_table(const struct cg_findings *f, struct cg_buf *out)
{
	static const char *const head[] = { "ID", "LEVEL", "STATUS", "PACKAGE", "INSTALLED",
					    "FIXED", "KEV" };
	const char *cell[CG_ARRAY_LEN(head)];
	size_t w[CG_ARRAY_LEN(head)];
	char pk[2 * MAX_NAME + 8];
	cg_err_t rc = CG_OK;

	for (size_t c = 0; c < CG_ARRAY_LEN(head); c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < f->n; i++) {
		table_row(&f->v[i].pub, cell, pk, sizeof(pk));
		for (size_t c = 0; c < CG_ARRAY_LEN(head); c++)
			if (strlen(cell[c]) > w[c])
				w[c] = strlen(cell[c]) > 60 ? 60 : strlen(cell[c]);
	}
	for (size_t i = 0; !rc && i <= f->n; i++) {
		if (i)
			table_row(&f->v[i - 1].pub, cell, pk, sizeof(pk));
		else
			memcpy(cell, head, sizeof(cell));
		for (size_t c = 0; !rc && c < CG_ARRAY_LEN(head); c++)
			rc = c + 1 < CG_ARRAY_LEN(head)
				     ? cg_buf_printf(out, "%-*s  ", (int)w[c], cell[c])
				     : cg_buf_printf(out, "%s", cell[c]);
		/* no trailing blanks */
		while (!rc && out->len && out->data[out->len - 1] == ' ')
			out->data[--out->len] = '\0';
		if (!rc)
			rc = cg_buf_putc(out, '\n');
	}
	if (!rc)
		rc = cg_buf_printf(out, "\n%zu findings in %zu packages matched (%zu not mappable, %zu "
				   "database entries skipped: versions that do not parse)\n",
				   f->n, f->packages, f->unmapped, f->skipped);
	return rc;
}

cg_err_t cg_findings_write(const struct cg_image *img, const struct cg_inventory *inv,
			   const struct cg_findings *f, enum cg_scan_format fmt, struct cg_buf *out,
			   struct cg_error *err)
{
	cg_err_t rc;
	if (!f || !out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	rc = fmt == CG_SCAN_JSON ? write_json(img, inv, f, out) : write_table(f, out);
	if (rc)
		return cg_error_set(err, rc, "writing the report: %s", cg_strerror(rc));
	return CG_OK;
}
