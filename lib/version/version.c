/* Version schemes: lookup, dispatch, and OSV range evaluation. */
#include "util/internal.h"
#include "version/scheme.h"

static const struct cg_version_scheme *const schemes[] = {
#define CG_SCHEME(id) &cg_scheme_##id,
#include "version/schemes.def"
#undef CG_SCHEME
};

size_t cg_version_scheme_count(void)
{
	return CG_ARRAY_LEN(schemes);
}

const struct cg_version_scheme *cg_version_scheme_at(size_t i)
{
	return i < CG_ARRAY_LEN(schemes) ? schemes[i] : NULL;
}

const struct cg_version_scheme *cg_version_scheme_find(const char *purl_type)
{
	if (!purl_type)
		return NULL;
	for (size_t i = 0; i < CG_ARRAY_LEN(schemes); i++)
		if (strcmp(schemes[i]->name, purl_type) == 0)
			return schemes[i];
	return NULL;
}

const char *cg_version_scheme_name(const struct cg_version_scheme *s)
{
	return s ? s->name : NULL;
}

static const char *check_len(const struct cg_version_scheme *s, const char *v, size_t n)
{
	if (n == 0)
		return "empty";
	if (n > CG_VERSION_MAX_LEN)
		return "longer than " CG_STR(CG_VERSION_MAX_LEN) " bytes";
	if (memchr(v, '\0', n))
		return "contains a NUL byte";
	return s->check(v, n);
}

cg_err_t cg_version_validate(const struct cg_version_scheme *s, const char *v, size_t len,
			     struct cg_error *err)
{
	const char *why;
	if (!s || (!v && len))
		return cg_error_set(err, CG_ERR_ARG, "no scheme or version");
	why = check_len(s, v ? v : "", len);
	if (why)
		return cg_error_set(err, CG_ERR_INVALID, "not a valid %s version: %s", s->name, why);
	return CG_OK;
}

cg_err_t cg_version_cmp_n(const struct cg_version_scheme *s, const char *a, size_t alen,
			  const char *b, size_t blen, int *result, struct cg_error *err)
{
	int r;
	if (!s || !a || !b || !result)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (alen && blen && alen <= CG_VERSION_MAX_LEN && blen <= CG_VERSION_MAX_LEN &&
	    !memchr(a, '\0', alen) && !memchr(b, '\0', blen) && s->cmp(a, alen, b, blen, &r) == 0) {
		*result = (r > 0) - (r < 0);
		return CG_OK;
	}
	{
		const char *why = check_len(s, a, alen);
		const char *which = "a";
		if (!why) {
			why = check_len(s, b, blen);
			which = "b";
		}
		if (!why) /* a comparator refused a pair its checker accepts: a bug */
			return cg_error_set(err, CG_ERR_INTERNAL, "%s comparator refused valid versions",
					    s->name);
		return cg_error_set(err, CG_ERR_INVALID, "%s is not a valid %s version: %s", which,
				    s->name, why);
	}
}

cg_err_t cg_version_cmp(const char *ecosystem, const char *a, const char *b, int *result)
{
	const struct cg_version_scheme *s = cg_version_scheme_find(ecosystem);
	if (!s)
		return CG_ERR_UNSUPPORTED;
	if (!a || !b || !result)
		return CG_ERR_ARG;
	return cg_version_cmp_n(s, a, strlen(a), b, strlen(b), result, NULL);
}

/* ---- OSV ranges ---------------------------------------------------------- */

/* "0" for introduced and "*" for limit are sentinels, not versions. */
static bool event_is_zero(const struct cg_osv_event *e)
{
	return e->kind == CG_OSV_INTRODUCED && strcmp(e->version, "0") == 0;
}

static bool event_is_inf(const struct cg_osv_event *e)
{
	return e->kind == CG_OSV_LIMIT && strcmp(e->version, "*") == 0;
}

/* Compare version v with event e's version, honouring the sentinels. */
static cg_err_t cmp_event(const struct cg_version_scheme *s, const char *v, size_t vn,
			  const struct cg_osv_event *e, int *res, struct cg_error *err)
{
	if (event_is_zero(e)) {
		*res = 1; /* every version is above "0" (an introduced 0 always holds) */
		return CG_OK;
	}
	if (event_is_inf(e)) {
		*res = -1;
		return CG_OK;
	}
	return cg_version_cmp_n(s, v, vn, e->version, strlen(e->version), res, err);
}

cg_err_t cg_version_osv_affected(const struct cg_version_scheme *s, const char *version,
				 const struct cg_osv_event *events, size_t nevents, bool *affected,
				 struct cg_error *err)
{
	size_t vn;
	bool has_limit = false, below_limit = false;
	/* The newest event at or below `version`, by the OSV ordering: its kind
	 * decides. Ties between events of one version: introduced < fixed. */
	const struct cg_osv_event *best = NULL;
	int r;
	cg_err_t rc;

	if (!s || !version || (!events && nevents) || !affected)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*affected = false;
	vn = strlen(version);
	rc = cg_version_validate(s, version, vn, err);
	if (rc)
		return rc;

	for (size_t i = 0; i < nevents; i++) {
		const struct cg_osv_event *e = &events[i];
		if (!e->version)
			return cg_error_set(err, CG_ERR_INVALID, "OSV event %zu has no version", i);
		if (!event_is_zero(e) && !event_is_inf(e)) {
			rc = cg_version_validate(s, e->version, strlen(e->version), err);
			if (rc)
				return rc;
		}
		if (e->kind == CG_OSV_LIMIT) {
			has_limit = true;
			rc = cmp_event(s, version, vn, e, &r, err);
			if (rc)
				return rc;
			if (r < 0)
				below_limit = true;
		}
	}
	if (has_limit && !below_limit)
		return CG_OK;

	/* Walk the events in version order and keep the state after the last one
	 * that applies to `version`:
	 *   introduced V: affected from V on       (applies when version >= V)
	 *   fixed V:      not affected from V on   (applies when version >= V)
	 *   last_affected V: not affected above V  (applies when version >  V)
	 * An event "applies" at a position in the sorted order; the state is the
	 * kind of the greatest applicable event, with the OSV tie order
	 * (an introduced and a fixed at the same version: the fix wins). */
	for (size_t i = 0; i < nevents; i++) {
		const struct cg_osv_event *e = &events[i];
		if (e->kind == CG_OSV_LIMIT)
			continue;
		rc = cmp_event(s, version, vn, e, &r, err);
		if (rc)
			return rc;
		if (e->kind == CG_OSV_LAST_AFFECTED ? r <= 0 : r < 0)
			continue; /* does not apply yet */
		if (!best) {
			best = e;
			continue;
		}
		/* Is e later than best in the sorted order? */
		{
			int c;
			if (event_is_zero(e))
				c = event_is_zero(best) ? 0 : -1;
			else if (event_is_zero(best))
				c = 1;
			else {
				rc = cg_version_cmp_n(s, e->version, strlen(e->version), best->version,
						      strlen(best->version), &c, err);
				if (rc)
					return rc;
			}
			if (c > 0 || (c == 0 && e->kind != CG_OSV_INTRODUCED))
				best = e;
		}
	}
	*affected = best && best->kind == CG_OSV_INTRODUCED;
	return CG_OK;
}
