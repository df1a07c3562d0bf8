/* OSV range evaluation (introduced / fixed / last_affected / limit) over the
 * ecosystems' own orders. */
#include <cguard/cguard.h>
#include "cgtest.h"

#define I(v) { CG_OSV_INTRODUCED, v }
#define F(v) { CG_OSV_FIXED, v }
#define L(v) { CG_OSV_LAST_AFFECTED, v }
#define LIM(v) { CG_OSV_LIMIT, v }

struct range_case {
	const char *eco;
	struct cg_osv_event ev[6];
	size_t nev;
	const char *version;
	int want; /* 1 affected, 0 not, -1 error */
};

static const struct range_case cases_tbl[] = {
	/* the common shape: from the beginning up to a fix */
	{ "npm", { I("0"), F("1.2.3") }, 2, "0.0.1", 1 },
	{ "npm", { I("0"), F("1.2.3") }, 2, "1.2.3-rc.1", 1 },
	{ "npm", { I("0"), F("1.2.3") }, 2, "1.2.3", 0 },
	{ "npm", { I("0"), F("1.2.3") }, 2, "1.10.0", 0 },
	/* last_affected is inclusive */
	{ "npm", { I("1.0.0"), L("1.2.0") }, 2, "1.2.0", 1 },
	{ "npm", { I("1.0.0"), L("1.2.0") }, 2, "1.2.1", 0 },
	{ "npm", { I("1.0.0"), L("1.2.0") }, 2, "0.9.0", 0 },
	/* two ranges in one, given out of order */
	{ "npm", { F("2.2.0"), I("2.0.0"), F("1.1.0"), I("1.0.0") }, 4, "1.5.0", 0 },
	{ "npm", { F("2.2.0"), I("2.0.0"), F("1.1.0"), I("1.0.0") }, 4, "2.1.9", 1 },
	{ "npm", { F("2.2.0"), I("2.0.0"), F("1.1.0"), I("1.0.0") }, 4, "1.0.0", 1 },
	{ "npm", { F("2.2.0"), I("2.0.0"), F("1.1.0"), I("1.0.0") }, 4, "0.5.0", 0 },
	{ "npm", { F("2.2.0"), I("2.0.0"), F("1.1.0"), I("1.0.0") }, 4, "3.0.0", 0 },
	/* introduced only: every later version */
	{ "npm", { I("0") }, 1, "99.0.0", 1 },
	{ "npm", { I("2.0.0") }, 1, "1.9.9", 0 },
	/* an empty range (introduced and fixed at the same version) */
	{ "npm", { I("1.0.0"), F("1.0.0") }, 2, "1.0.0", 0 },
	/* limits: affected only below some limit */
	{ "npm", { I("0"), LIM("2.0.0") }, 2, "1.9.0", 1 },
	{ "npm", { I("0"), LIM("2.0.0") }, 2, "2.0.0", 0 },
	{ "npm", { I("0"), LIM("*") }, 2, "7.0.0", 1 },
	/* no events: nothing is affected */
	{ "npm", { { 0, NULL } }, 0, "1.0.0", 0 },
	/* Debian: a backported fix in a stable update */
	{ "deb", { I("0"), F("2.36-9+deb12u4") }, 2, "2.36-9+deb12u3", 1 },
	{ "deb", { I("0"), F("2.36-9+deb12u4") }, 2, "2.36-9+deb12u4", 0 },
	{ "deb", { I("0"), F("1:2.0-1") }, 2, "3.0-1", 1 }, /* the epoch wins */
	{ "deb", { I("0"), F("1.0-1") }, 2, "1.0~rc1-1", 1 },
	/* PyPI: pre-releases of the fixed version are still affected */
	{ "pypi", { I("0"), F("2.0") }, 2, "2.0rc1", 1 },
	{ "pypi", { I("0"), F("2.0") }, 2, "2.0.post1", 0 },
	/* invalid versions are errors, not guesses */
	{ "npm", { I("0"), F("not a version") }, 2, "1.0.0", -1 },
	{ "npm", { I("0"), F("1.2.3") }, 2, "1.x", -1 },
};

static void t_osv_ranges(struct cgt *t)
{
	for (size_t i = 0; i < sizeof(cases_tbl) / sizeof(cases_tbl[0]); i++) {
		const struct range_case *c = &cases_tbl[i];
		struct cg_error err;
		bool affected = false;
		cg_err_t rc = cg_version_osv_affected(cg_version_scheme_find(c->eco), c->version, c->ev,
						      c->nev, &affected, &err);
		if (c->want < 0)
			CHECKF(t, rc == CG_ERR_INVALID, "case %zu (%s %s): want an invalid-version error, got %s",
			       i, c->eco, c->version, cg_strerror(rc));
		else
			CHECKF(t, rc == CG_OK && affected == (c->want == 1),
			       "case %zu (%s %s): rc=%s affected=%d want %d (%s)", i, c->eco, c->version,
			       cg_strerror(rc), affected, c->want, rc ? cg_error_message(&err) : "");
	}
}

static void t_api_errors(struct cgt *t)
{
	int r = 7;
	bool a;
	struct cg_osv_event ev[] = { I("0") };
	CHECK_INT(t, cg_version_cmp("cobol", "1", "2", &r), CG_ERR_UNSUPPORTED);
	CHECK_INT(t, r, 7); /* untouched on failure */
	CHECK_INT(t, cg_version_cmp("deb", NULL, "2", &r), CG_ERR_ARG);
	CHECK(t, cg_version_scheme_find(NULL) == NULL);
	CHECK(t, cg_version_scheme_at(cg_version_scheme_count()) == NULL);
	CHECK_INT(t, cg_version_osv_affected(NULL, "1", ev, 1, &a, NULL), CG_ERR_ARG);
	/* every scheme is findable by its own name */
	for (size_t i = 0; i < cg_version_scheme_count(); i++) {
		const struct cg_version_scheme *s = cg_version_scheme_at(i);
		CHECK(t, cg_version_scheme_find(cg_version_scheme_name(s)) == s);
	}
	CHECK_INT(t, cg_version_scheme_count(), 11);
}

static void t_length_limit(struct cgt *t)
{
	char big[CG_VERSION_MAX_LEN + 2];
	struct cg_error err;
	int r;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 0; i < cg_version_scheme_count(); i++) {
		const struct cg_version_scheme *s = cg_version_scheme_at(i);
		CHECKF(t, cg_version_cmp_n(s, big, strlen(big), "1", 1, &r, &err) == CG_ERR_INVALID,
		       "%s accepted a %zu-byte version", cg_version_scheme_name(s), strlen(big));
		CHECK(t, strstr(err.msg, "longer than") != NULL);
		/* an embedded NUL is never part of a valid version */
		CHECK_INT(t, cg_version_validate(s, "1\0002", 3, NULL), CG_ERR_INVALID);
		CHECK_INT(t, cg_version_validate(s, "", 0, NULL), CG_ERR_INVALID);
	}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_osv_ranges), CGT_CASE(t_api_errors), CGT_CASE(t_length_limit),
};
CGT_MAIN(cases)
