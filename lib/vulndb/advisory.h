/* Internal: the advisory model every feed parser produces (issue: vulnerability
 * database). A parser reads one feed file (bytes in memory, untrusted) and
 * reports advisories through a sink; the database builder (to come) merges
 * them into one SQLite file. Strings are valid only during the sink call:
 * the receiver copies what it keeps.
 *
 * Ecosystems are OSV's names (https://ossf.github.io/osv-schema/#affectedpackage-field):
 * "PyPI", "npm", "Go", "crates.io", "Maven", "RubyGems", "Packagist", "NuGet",
 * and for distributions "<Distro>:<release>" as OSV writes them: "Debian:12",
 * "Ubuntu:22.04", "Alpine:v3.19", "AlmaLinux:9", "Rocky Linux:9". Parsers of
 * distro-native feeds map to these names (Debian codename bookworm -> "Debian:12",
 * Alpine distroversion v3.11 -> "Alpine:v3.11"). For distributions the package
 * name is the SOURCE package (dpkg Source:, rpm source rpm name, apk origin)
 * when the feed keys by source, and `by_source` says so. */
#ifndef CG_VULNDB_ADVISORY_H
#define CG_VULNDB_ADVISORY_H

#include <cguard/error.h>
#include <cguard/version.h>

enum cg_adv_status {
	CG_ADV_AFFECTED = 0,     /* ranges/versions/fixed below say which versions */
	CG_ADV_UNFIXED = 1,      /* every version is affected and no fix exists yet */
	CG_ADV_NOT_AFFECTED = 2, /* the distro says this package is not affected */
	CG_ADV_EOL = 3,          /* the package gets no security support (any more) */
};

struct cg_adv_range {
	/* OSV range type: "ECOSYSTEM", "SEMVER" (GIT ranges are not reported) */
	const char *type;
	const struct cg_osv_event *events; /* in the feed's order */
	size_t nevents;
};

struct cg_adv_affected {
	const char *ecosystem; /* OSV ecosystem name, see above */
	const char *package;
	const char *purl;      /* when the feed gives one, else NULL */
	bool by_source;        /* package is a distro source package */
	enum cg_adv_status status;
	const struct cg_adv_range *ranges;
	size_t nranges;
	const char *const *versions; /* explicit affected versions (OSV `versions`) */
	size_t nversions;
	/* The distro's own view, where it has one: its urgency/severity word
	 * ("high", "unimportant", "not yet assigned"), and a note or reason
	 * ("no-dsa: minor issue", "end of life since 2024-06-10"). */
	const char *severity;
	const char *note;
};

struct cg_adv_severity {
	const char *type;  /* "CVSS_V2", "CVSS_V3", "CVSS_V4", or a vendor name ("Debian") */
	const char *score; /* the vector (CVSS) or the vendor's word */
};

struct cg_advisory {
	const char *id;                  /* CVE-..., GHSA-..., PYSEC-..., DSA-..., ALSA-..., RUSTSEC-... */
	const char *const *aliases;
	size_t naliases;
	const char *const *related;
	size_t nrelated;
	const char *summary;
	const char *details;
	const char *published;           /* RFC 3339 as in the feed, or NULL */
	const char *modified;
	bool withdrawn;                  /* parsers still report withdrawn ones; the builder drops them */
	const struct cg_adv_severity *severities;
	size_t nseverities;
	const char *const *references;   /* URLs */
	size_t nreferences;
	const struct cg_adv_affected *affected;
	size_t naffected;
	/* CISA Known Exploited Vulnerabilities (the kev: feed fills only id and these) */
	bool kev;
	const char *kev_date_added;
	const char *kev_due_date;
	bool kev_ransomware;             /* knownRansomwareCampaignUse == "Known" */
};

struct cg_adv_sink {
	cg_err_t (*add)(void *ud, const struct cg_advisory *a);
	/* A problem in one file or record that was skipped; parsing goes on. */
	void (*warn)(void *ud, const char *file, const char *msg);
	void *ud;
};

/* One feed format. parse() reads one file; a malformed record is warned
 * about and skipped; a malformed file returns CG_ERR_INVALID (the builder
 * counts and names it and goes on with the next file). */
struct cg_feed_parser {
	const char *type; /* the FEED prefix of `cguard db build`: "osv", "debian", ... */
	/* Is this file (path relative to the feed root) one this parser reads? */
	bool (*match)(const char *path);
	cg_err_t (*parse)(const char *path, const unsigned char *data, size_t len,
			  const struct cg_adv_sink *sink, struct cg_error *err);
};

#endif
