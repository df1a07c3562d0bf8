/* Version comparison for every ecosystem cguard matches.
 *
 * Ecosystems are named by their purl type: deb, rpm, apk, pypi, npm, cargo,
 * golang, maven, gem, composer, nuget. Each has a comparator that is exact for
 * that ecosystem's own tool (dpkg, rpmvercmp, apk, PEP 440, SemVer 2.0, Go
 * modules, Maven ComparableVersion, Gem::Version, Composer, NuGet) and says
 * whether a string is a valid version of that ecosystem. */
#ifndef CGUARD_VERSION_H
#define CGUARD_VERSION_H

#include <cguard/common.h>
#include <cguard/error.h>

/* Longest version string any comparator accepts (longer is invalid). */
#define CG_VERSION_MAX_LEN 256

struct cg_version_scheme;

/* The scheme for a purl type ("deb", "npm", ...), or NULL if unknown. */
CG_API const struct cg_version_scheme *cg_version_scheme_find(const char *purl_type);
/* Schemes by index, 0..count-1 (for listing). */
CG_API size_t cg_version_scheme_count(void);
CG_API const struct cg_version_scheme *cg_version_scheme_at(size_t i);
CG_API const char *cg_version_scheme_name(const struct cg_version_scheme *s);

/* Compare two NUL-terminated versions of `ecosystem` (a purl type).
 * On success *result is -1, 0 or 1 (a < b, a == b, a > b).
 * CG_ERR_UNSUPPORTED for an unknown ecosystem, CG_ERR_INVALID when either
 * string is not a valid version of the ecosystem. */
CG_API cg_err_t cg_version_cmp(const char *ecosystem, const char *a, const char *b,
			       int *result) CG_MUST_CHECK;

/* The same with lengths (strings need not be NUL-terminated) and an optional
 * error message naming which side is invalid and why. */
CG_API cg_err_t cg_version_cmp_n(const struct cg_version_scheme *s, const char *a, size_t alen,
				 const char *b, size_t blen, int *result,
				 struct cg_error *err) CG_MUST_CHECK;

/* CG_OK if `v` is a valid version of the scheme, else CG_ERR_INVALID with the
 * reason in err. */
CG_API cg_err_t cg_version_validate(const struct cg_version_scheme *s, const char *v, size_t len,
				    struct cg_error *err) CG_MUST_CHECK;

/* OSV range events (https://ossf.github.io/osv-schema/#affectedrangesevents-fields). */
enum cg_osv_event_kind {
	CG_OSV_INTRODUCED,    /* version "0" means: from the beginning */
	CG_OSV_FIXED,
	CG_OSV_LAST_AFFECTED,
	CG_OSV_LIMIT,         /* version "*" means: no limit */
};

struct cg_osv_event {
	enum cg_osv_event_kind kind;
	const char *version; /* NUL-terminated */
};

/* Is `version` affected by an OSV ECOSYSTEM/SEMVER range given by its events
 * (in any order)? Follows the OSV schema's evaluation exactly: events are
 * sorted by version, `introduced` opens, `fixed` closes (exclusive),
 * `last_affected` closes (inclusive), and the version must be below some
 * `limit` when limits are present. Invalid event versions are an error. */
CG_API cg_err_t cg_version_osv_affected(const struct cg_version_scheme *s, const char *version,
					const struct cg_osv_event *events, size_t nevents,
					bool *affected, struct cg_error *err) CG_MUST_CHECK;

#endif
