/* debian-security-support: the packages whose security support ended early
 * or is limited (/usr/share/debian-security-support/ of the package of the
 * same name).
 *
 *  - security-support-ended.debNN: "source last-version end-date [details]"
 *    per line, columns separated by blanks, '#' comments. Each line gives an
 *    advisory "DEBIAN-SUPPORT-ENDED-<NN>-<source>" with one affected entry
 *    under "Debian:<NN>": status EOL for EVERY version (no range: Debian's own
 *    check-support-status compares no versions, it alerts for every installed
 *    binary of a listed source; the version column only says which version was
 *    the last supported one, often an older release's), note "security support
 *    ended <date> (last supported version <v>): <details>", published = the end
 *    date.
 *  - security-support-limited: "source [details]". Each line gives
 *    "DEBIAN-SUPPORT-LIMITED-<source>" under the release-less "Debian" (the
 *    file ships in each release's package and names no release), status
 *    UNFIXED (support continues, limited), note "limited security support:
 *    <details>".
 * Sources are source packages (by_source). A few names are extended regular
 * expressions as the package's check-support-status reads them ("golang.*",
 * "php-horde.*"); they are reported as written and the note says so. */
#include "util/internal.h"
#include "vulndb/advisory.h"

#define SUP_MAX_LINE  4096
#define SUP_MAX_LINES 100000

static bool sup_sp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool sup_word(struct cg_view *v, struct cg_view *w)
{
	size_t i = 0, j;
	while (i < v->len && sup_sp(v->p[i]))
		i++;
	j = i;
	while (j < v->len && !sup_sp(v->p[j]))
		j++;
	if (j == i)
		return false;
	*w = (struct cg_view){ v->p + i, j - i };
	v->p += j;
	v->len -= j;
	return true;
}

static struct cg_view sup_trim(struct cg_view v)
{
	while (v.len && sup_sp(v.p[0]))
		v.p++, v.len--;
	while (v.len && sup_sp(v.p[v.len - 1]))
		v.len--;
	return v;
}

static bool sup_clean(struct cg_view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < 0x20 && v.p[i] != '\t')
			return false;
	return true;
}

static bool is_date(struct cg_view w)
{
	static const char shape[] = "dddd-dd-dd";
	if (w.len != 10)
		return false;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (w.p[i] < '0' || w.p[i] > '9') : w.p[i] != '-')
			return false;
	return true;
}

static bool has_regex_chars(struct cg_view w)
{
	for (size_t i = 0; i < w.len; i++)
		if (strchr("*?[]()|^$\\", w.p[i]))
			return true;
	return false;
}

/* "security-support-ended.deb12" -> "12"; NULL for the limited file. */
static bool sup_release(const char *path, char *rel, size_t relsz, bool *limited)
{
	const char *base = strrchr(path, '/');
	const char *num;
	size_t n;
	base = base ? base + 1 : path;
	*limited = strcmp(base, "security-support-limited") == 0;
	if (*limited)
		return true;
	if (strncmp(base, "security-support-ended.deb", 26) != 0)
		return false;
	num = base + 26;
	n = strlen(num);
	if (n == 0 || n >= relsz || n > 3 || strspn(num, "0123456789") != n)
		return false;
	memcpy(rel, num, n + 1);
	return true;
}

static bool support_match(const char *path)
{
	char rel[8];
	bool limited;
	return sup_release(path, rel, sizeof(rel), &limited);
}

static void sup_warn(const struct cg_adv_sink *sink, const char *path, size_t line,
		     const char *what)
{
	char msg[256];
	if (!sink->warn)
		return;
	snprintf(msg, sizeof(msg), "line %zu: %s", line, what);
	sink->warn(sink->ud, path, msg);
}

static cg_err_t support_parse(const char *path, const unsigned char *data, size_t len,
			      const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	char rel[8] = "", eco[16], *id = NULL, *pkg = NULL, *note = NULL;
	char *date = NULL;
	bool limited = false;
	struct cg_cursor cur;
	struct cg_view line;
	size_t lineno = 0;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "debian-support feed: bad arguments");
	if (!path || !sup_release(path, rel, sizeof(rel), &limited))
		return cg_error_set(err, CG_ERR_INVALID,
				    "%s: not a security-support-ended.debNN or -limited file",
				    path ? path : "");
	snprintf(eco, sizeof(eco), limited ? "Debian" : "Debian:%s", rel);
	id = malloc(SUP_MAX_LINE + 64);
	pkg = malloc(SUP_MAX_LINE + 1);
	note = malloc(SUP_MAX_LINE + 128);
	date = malloc(16);
	if (!id || !pkg || !note || !date)
		CG_FAIL(rc, CG_ERR_NOMEM);
	cg_cursor_init(&cur, data, len);
	while (!cg_cursor_eof(&cur)) {
		struct cg_view rest, wpkg, wver = { NULL, 0 }, wdate = { NULL, 0 }, details;
		struct cg_advisory adv;
		struct cg_adv_affected aff;
		struct cg_error verr;
		bool rx, zero;
		if (!cg_cursor_line(&cur, SUP_MAX_LINE, &line))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: line %zu too long", path,
						 lineno + 1));
		if (++lineno > SUP_MAX_LINES)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: too many lines", path));
		rest = sup_trim(line);
		if (rest.len == 0 || rest.p[0] == '#')
			continue;
		if (!sup_clean(rest)) {
			sup_warn(sink, path, lineno, "control characters");
			continue;
		}
		if (!sup_word(&rest, &wpkg))
			continue;
		if (!limited && (!sup_word(&rest, &wver) || !sup_word(&rest, &wdate) ||
				 !is_date(wdate))) {
			sup_warn(sink, path, lineno, "expected: source version YYYY-MM-DD details");
			continue;
		}
		if (!limited && !(wver.len == 1 && wver.p[0] == '0') &&
		    cg_version_validate(cg_version_scheme_find("deb"), (const char *)wver.p,
					wver.len, &verr) != CG_OK) {
			sup_warn(sink, path, lineno, "bad version");
			continue;
		}
		details = sup_trim(rest);
		rx = has_regex_chars(wpkg);
		zero = !limited && wver.len == 1 && wver.p[0] == '0';
		memcpy(pkg, wpkg.p, wpkg.len);
		pkg[wpkg.len] = '\0';
		if (limited)
			snprintf(id, SUP_MAX_LINE + 64, "DEBIAN-SUPPORT-LIMITED-%s", pkg);
		else
			snprintf(id, SUP_MAX_LINE + 64, "DEBIAN-SUPPORT-ENDED-%s-%s", rel, pkg);
		if (limited)
			snprintf(note, SUP_MAX_LINE + 128, "limited security support%s%.*s%s",
				 details.len ? ": " : "", (int)details.len,
				 (const char *)details.p,
				 rx ? " (package name is a regular expression)" : "");
		else
			snprintf(note, SUP_MAX_LINE + 128,
				 "security support ended %.10s%s%.*s%s%s%.*s%s",
				 (const char *)wdate.p, zero ? "" : " (last supported version ",
				 zero ? 0 : (int)wver.len, (const char *)wver.p, zero ? "" : ")",
				 details.len ? ": " : "",
				 (int)details.len, (const char *)details.p,
				 rx ? " (package name is a regular expression)" : "");
		memset(&adv, 0, sizeof(adv));
		memset(&aff, 0, sizeof(aff));
		aff.ecosystem = eco;
		aff.package = pkg;
		aff.by_source = true;
		aff.note = note;
		if (limited) {
			aff.status = CG_ADV_UNFIXED;
		} else {
			aff.status = CG_ADV_EOL;
			memcpy(date, wdate.p, 10);
			date[10] = '\0';
			adv.published = date;
		}
		adv.id = id;
		adv.summary = note;
		adv.affected = &aff;
		adv.naffected = 1;
		if ((rc = sink->add(sink->ud, &adv)) != CG_OK)
			goto done;
	}
done:
	free(id);
	free(pkg);
	free(note);
	free(date);
	return rc;
}

const struct cg_feed_parser cg_feed_debian_support = {
	.type = "debian-support",
	.match = support_match,
	.parse = support_parse,
};
