/* The derived fields of a finding: CVSS base scores computed from the vectors,
 * the level when the feed gave no word, the fix command, the fix urgency
 * (the rule is in include/cguard/vulndb.h and docs/scanning.md). */
#include "util/internal.h"
#include "vulndb/findings.h"
#include <strings.h>

const char *cg_finding_status_name(enum cg_finding_status s)
{
	switch (s) {
	case CG_FINDING_FIXED: return "fixed";
	case CG_FINDING_UNFIXED: return "unfixed";
	case CG_FINDING_EOL: return "end-of-life";
	}
	return "?";
}

static const char *const level_names[CG_LEVEL_COUNT] = {
	[CG_LEVEL_UNKNOWN] = "unknown", [CG_LEVEL_NEGLIGIBLE] = "negligible",
	[CG_LEVEL_LOW] = "low",         [CG_LEVEL_MEDIUM] = "medium",
	[CG_LEVEL_HIGH] = "high",       [CG_LEVEL_CRITICAL] = "critical",
};

const char *cg_finding_level_name(enum cg_finding_level l)
{
	return (size_t)l < CG_ARRAY_LEN(level_names) ? level_names[l] : "?";
}

cg_err_t cg_finding_level_parse(const char *name, enum cg_finding_level *out)
{
	for (size_t i = 0; name && out && i < CG_ARRAY_LEN(level_names); i++)
		if (!strcasecmp(name, level_names[i])) {
			*out = (enum cg_finding_level)i;
			return CG_OK;
		}
	return CG_ERR_INVALID;
}

const char *cg_finding_urgency_name(enum cg_finding_urgency u)
{
	switch (u) {
	case CG_URGENCY_NOW: return "fix-now";
	case CG_URGENCY_DEFER: return "can-defer";
	case CG_URGENCY_NOT_YET: return "no-fix-needed-yet";
	}
	return "?";
}

enum cg_finding_level cg_finding_level_of_word_(const char *w)
{
	static const struct {
		const char *word;
		enum cg_finding_level level;
	} words[] = {
		{ "critical", CG_LEVEL_CRITICAL }, { "high", CG_LEVEL_HIGH },
		{ "important", CG_LEVEL_HIGH },    { "medium", CG_LEVEL_MEDIUM },
		{ "moderate", CG_LEVEL_MEDIUM },   { "low", CG_LEVEL_LOW },
		{ "unimportant", CG_LEVEL_NEGLIGIBLE }, { "negligible", CG_LEVEL_NEGLIGIBLE },
	};
	for (size_t i = 0; w && i < CG_ARRAY_LEN(words); i++)
		if (!strcasecmp(w, words[i].word))
			return words[i].level;
	return CG_LEVEL_UNKNOWN;
}

/* ---- CVSS ------------------------------------------------------------------- */

static void derive_cvss(struct cg_finding *x)
{
	unsigned best = 0, best2 = 0;
	const char *vec = NULL, *vec2 = NULL;
	struct cg_finding_severity *sv = (struct cg_finding_severity *)x->severities;

	for (size_t i = 0; i < x->nseverities; i++) {
		struct cg_cvss c;
		sv[i].score10 = 0;
		if (strncmp(sv[i].type, "CVSS", 4) || !sv[i].score ||
		    cg_cvss_parse(sv[i].score, strlen(sv[i].score), &c, NULL) != CG_OK)
			continue;
		sv[i].score10 = c.score10;
		if (c.version == CG_CVSS_V2_0) {
			if (!vec2 || c.score10 > best2) {
				best2 = c.score10;
				vec2 = sv[i].score;
			}
		} else if (!vec || c.score10 > best) {
			best = c.score10;
			vec = sv[i].score;
		}
	}
	x->cvss_score10 = vec ? best : best2;
	x->cvss_vector = vec ? vec : vec2;
	if (x->level != CG_LEVEL_UNKNOWN || !x->cvss_vector)
		return;
	/* the v3.x/v4.0 rating scale; v2.0 has none: NVD's ranges (cvss.h) */
	if (x->cvss_score10 == 0)
		x->level = CG_LEVEL_NEGLIGIBLE;
	else if (x->cvss_score10 < 40)
		x->level = CG_LEVEL_LOW;
	else if (x->cvss_score10 < 70)
		x->level = CG_LEVEL_MEDIUM;
	else if (x->cvss_score10 < 90 || !vec)
		x->level = CG_LEVEL_HIGH;
	else
		x->level = CG_LEVEL_CRITICAL;
}

/* ---- the fix command -------------------------------------------------------- */

/* Names and versions come from untrusted feeds and images: a command is
 * offered only when every character is one that needs no shell quoting. */
static bool shell_safe(const char *s)
{
	if (!s || !*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._+:~@/-^", *s)))
			return false;
	return true;
}

static char *fix_command(struct cg_findings *f, const struct cg_finding *x, bool *oom)
{
	const char *t = x->pkg_type, *n = x->pkg_name, *v = x->fixed;
	char buf[1024];
	int r = -1;

	if (x->status != CG_FINDING_FIXED || !v || !t || !shell_safe(n) || !shell_safe(v))
		return NULL;
	if (!strcmp(t, "deb")) {
		/* the fixed version is the source package's; the binary has the same
		 * version unless it is versioned on its own */
		if (x->installed && x->pkg_version && !strcmp(x->installed, x->pkg_version))
			r = snprintf(buf, sizeof(buf), "apt-get install --only-upgrade %s=%s", n, v);
		else
			r = snprintf(buf, sizeof(buf), "apt-get install --only-upgrade %s", n);
	} else if (!strcmp(t, "apk")) {
		r = snprintf(buf, sizeof(buf), "apk add --upgrade %s=%s", n, v);
	} else if (!strcmp(t, "rpm")) {
		if (!strncmp(v, "0:", 2))
			v += 2;
		r = snprintf(buf, sizeof(buf), "dnf upgrade %s-%s", n, v);
	} else if (!strcmp(t, "pypi")) {
		r = snprintf(buf, sizeof(buf), "pip install %s==%s", n, v);
	} else if (!strcmp(t, "npm")) {
		r = snprintf(buf, sizeof(buf), "npm install %s@%s", x->package ? x->package : n, v);
	} else if (!strcmp(t, "golang")) {
		r = snprintf(buf, sizeof(buf), "go get %s@%s%s", x->package ? x->package : n,
			     v[0] == 'v' ? "" : "v", v);
	} else if (!strcmp(t, "cargo")) {
		r = snprintf(buf, sizeof(buf), "cargo update -p %s --precise %s", n, v);
	} else if (!strcmp(t, "gem")) {
		r = snprintf(buf, sizeof(buf), "gem install %s -v %s", n, v);
	} else if (!strcmp(t, "composer")) {
		r = snprintf(buf, sizeof(buf), "composer require %s:%s",
			     x->package ? x->package : n, v);
	} else if (!strcmp(t, "nuget")) {
		r = snprintf(buf, sizeof(buf), "dotnet add package %s --version %s", n, v);
	} else if (!strcmp(t, "maven") && x->package && strchr(x->package, ':')) {
		r = snprintf(buf, sizeof(buf),
			     "mvn versions:use-dep-version -Dincludes=%s -DdepVersion=%s "
			     "-DforceVersion=true", x->package, v);
	}
	if (r < 0 || (size_t)r >= sizeof(buf) || (x->package && !shell_safe(x->package)))
		return NULL;
	{
		char *c = cg_arena_strdup(&f->arena, buf);
		if (!c)
			*oom = true;
		return c;
	}
}

/* ---- urgency ---------------------------------------------------------------- */

static enum cg_finding_urgency urgency(const struct cg_finding *x)
{
	bool serious = x->kev || x->level >= CG_LEVEL_HIGH;
	if (x->level == CG_LEVEL_NEGLIGIBLE && !x->kev)
		return CG_URGENCY_NOT_YET;
	if (x->status == CG_FINDING_FIXED)
		return serious ? CG_URGENCY_NOW : CG_URGENCY_DEFER;
	if (x->status == CG_FINDING_EOL)
		return x->kev ? CG_URGENCY_NOW : CG_URGENCY_DEFER;
	return serious ? CG_URGENCY_DEFER : CG_URGENCY_NOT_YET;
}

bool cg_finding_derive_(struct cg_findings *f, struct cg_finding *x)
{
	bool oom = false;
	derive_cvss(x);
	x->fix_command = fix_command(f, x, &oom);
	x->urgency = urgency(x);
	return !oom;
}
