/* Helpers of the report writers (report_sarif.c, report_cdx.c): strings from
 * feeds and images made fit for JSON, URL checks, findings grouped by
 * advisory. */
#include "util/internal.h"
#include "vulndb/report_int.h"
#include "util/utf8.h"

#define MAX_STRING (64u << 20) /* any string written: the buffers' cap */

/* A JSON string from untrusted bytes: at most max bytes (cut between two
 * characters, " [...]" added), bytes that are not UTF-8 replaced by U+FFFD.
 * NULL only when out of memory. */
cg_json *cg_report_jtext_(const char *s, size_t max)
{
	struct cg_buf b = CG_BUF_INIT(MAX_STRING);
	size_t n = strlen(s), len;
	cg_json *j = NULL;
	cg_err_t rc = CG_OK;

	if (n <= max && cg_utf8_valid(s, n))
		return cg_json_new_stringn(s, n);
	for (size_t i = 0; !rc && i < n; i += len ? len : 1) {
		len = cg_utf8_next(s + i, n - i, NULL);
		if (b.len + (len ? len : 3) > max) {
			rc = cg_buf_puts(&b, " [...]");
			break;
		}
		rc = len ? cg_buf_append(&b, s + i, len) : cg_buf_puts(&b, "\xef\xbf\xbd");
	}
	if (!rc)
		j = cg_json_new_stringn(cg_buf_str(&b), b.len);
	cg_buf_release(&b);
	return j;
}

cg_json *cg_report_jstr_(const char *s)
{
	return s ? cg_report_jtext_(s, (size_t)-1) : cg_json_new_null();
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Is s an absolute http(s) URL that every URI check accepts (references
 * come from feeds: anything else is left out)? */
bool cg_report_url_ok_(const char *s)
{
	size_t n = strlen(s), i;
	if (n > CG_REPORT_MAX_URL)
		return false;
	if (!strncmp(s, "https://", 8))
		i = 8;
	else if (!strncmp(s, "http://", 7))
		i = 7;
	else
		return false;
	if (!s[i] || s[i] == '/' || s[i] == '?' || s[i] == '#')
		return false;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c))
			return false;
		if (c == '%' && !(is_hex(s[i + 1]) && is_hex(s[i + 2])))
			return false;
	}
	return true;
}

static int item_by_id(const void *a, const void *b)
{
	const struct cg_finding_item *x = *(const struct cg_finding_item *const *)a;
	const struct cg_finding_item *y = *(const struct cg_finding_item *const *)b;
	int c = strcmp(x->pub.id, y->pub.id);
	return c ? c : (x > y) - (x < y);
}

static int group_by_first(const void *a, const void *b)
{
	const struct cg_report_group *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

void cg_report_grouping_release_(struct cg_report_grouping *gr)
{
	free(gr->item);
	free(gr->g);
	free(gr->group_of);
}

cg_err_t cg_report_grouping_init_(struct cg_report_grouping *gr, const struct cg_findings *f)
{
	size_t n = 0;
	memset(gr, 0, sizeof(*gr));
	gr->item = calloc(f->n + 1, sizeof(*gr->item));
	gr->g = calloc(f->n + 1, sizeof(*gr->g));
	gr->group_of = calloc(f->n + 1, sizeof(*gr->group_of));
	if (!gr->item || !gr->g || !gr->group_of)
		return CG_ERR_NOMEM;
	for (size_t i = 0; i < f->n; i++)
		if (!f->v[i].pub.suppressed)
			gr->item[n++] = &f->v[i];
	gr->n = n;
	qsort(gr->item, n, sizeof(*gr->item), item_by_id);
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(gr->item[i]->pub.id, gr->item[i - 1]->pub.id))
			gr->g[gr->ngroups++] = (struct cg_report_group){ gr->item[i], i, 0 };
		gr->g[gr->ngroups - 1].len++;
	}
	qsort(gr->g, gr->ngroups, sizeof(*gr->g), group_by_first);
	for (size_t k = 0; k < gr->ngroups; k++)
		for (size_t i = 0; i < gr->g[k].len; i++)
			gr->group_of[gr->item[gr->g[k].start + i] - f->v] = k;
	return CG_OK;
}

