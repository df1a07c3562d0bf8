/* Node.js security-wg feed (lib/vulndb/feed_nodejs.c): node-semver range
 * conversion on synthetic advisories (the events, then versions inside and
 * outside evaluated with cg_version_osv_affected), real advisories from
 * tests/data/feeds/nodejs/ (see README.md), whole-feed counts against
 * tests/data/feeds/nodejs/count.py, and an oracle mode for
 * tests/integration/feed_nodejs_semver.sh:
 *
 *   CG_NODEJS_ORACLE=FILE test_feed_nodejs t_oracle
 *
 * FILE has lines "PATH<TAB>KIND<TAB>VERSION<TAB>WANT" (KIND npm or core, WANT 1, 0
 * or "invalid" when node-semver rejects a range of the file); the case parses
 * each file with the parser and checks that the union of its ranges gives WANT
 * for VERSION (an advisory skipped as affecting nothing: WANT must be 0), and
 * that an advisory node-semver rejects is skipped. */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_nodejs;
#define P    (&cg_feed_nodejs)
#define DATA CG_TEST_DATA "/feeds/nodejs"

/* ---- a sink that keeps the ranges of the last advisory ---- */

#define CAP_EVENTS 512
#define CAP_RANGES 64

static struct {
	int advisories, warnings;
	char id[64], last_warn[400];
	size_t nranges, nev[CAP_RANGES];
	struct cg_osv_event ev[CAP_RANGES][CAP_EVENTS / 4];
	char ver[CAP_EVENTS][260];
	size_t nver;
} cap;

static cg_err_t cap_add(void *ud, const struct cg_advisory *a)
{
	(void)ud;
	cap.advisories++;
	snprintf(cap.id, sizeof(cap.id), "%s", a->id);
	cap.nranges = 0;
	cap.nver = 0;
	for (size_t i = 0; i < a->naffected; i++)
		for (size_t k = 0; k < a->affected[i].nranges && cap.nranges < CAP_RANGES; k++) {
			const struct cg_adv_range *r = &a->affected[i].ranges[k];
			size_t n = 0;
			for (size_t e = 0;
			     e < r->nevents && e < CAP_EVENTS / 4 && cap.nver < CAP_EVENTS; e++) {
				snprintf(cap.ver[cap.nver], sizeof(cap.ver[0]), "%s",
					 r->events[e].version);
				cap.ev[cap.nranges][n].kind = r->events[e].kind;
				cap.ev[cap.nranges][n].version = cap.ver[cap.nver++];
				n++;
			}
			cap.nev[cap.nranges++] = n;
		}
	return CG_OK;
}

static void cap_warn(void *ud, const char *file, const char *msg)
{
	(void)ud;
	(void)file;
	cap.warnings++;
	snprintf(cap.last_warn, sizeof(cap.last_warn), "%s", msg);
}

static void cap_reset(void)
{
	memset(&cap, 0, sizeof(cap));
}

/* Is v affected by the union of the captured ranges? -1 on an error. */
static int cap_affected(const char *v)
{
	const struct cg_version_scheme *s = cg_version_scheme_find("npm");
	bool any = false;
	for (size_t r = 0; r < cap.nranges; r++) {
		bool hit = false;
		if (cg_version_osv_affected(s, v, cap.ev[r], cap.nev[r], &hit, NULL) != CG_OK)
			return -1;
		any |= hit;
	}
	return any;
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
	    {"vuln/npm/1.json", true},
	    {"vuln/core/172.json", true},
	    {"npm/467.json", true},
	    {"core/1.json", true},
	    {"12.json", true}, /* the npm/ folder as the root */
	    {"x/y/npm/5.json", true},
	    {"vuln/npm/index.json", false},
	    {"vuln/core/index.json", false},
	    {"vuln/deps/1.json", false},
	    {"vuln/npm/01.json", false},
	    {"vuln/npm/1.json.bak", false},
	    {"vuln/npm/a1.json", false},
	    {"package.json", false},
	    {"vuln/mpn/1.json", false},
	    {"vuln/npm/.json", false},
	    {"vuln/npm/", false},
	    {"xnpm/1.json", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF(t, P->match(cases[i].path) == cases[i].want, "%s", cases[i].path);
	CHECK_STR(t, P->type, "nodejs");
}

/* ---- range conversion ---- */

struct conv_case {
	const char *vuln, *patched; /* NULL: the field is absent */
	const char *want;	    /* the ranges as feedrec prints them; NULL: skipped */
	const char *in[6], *out[6]; /* versions affected / not affected */
};

static const struct conv_case npm_cases[] = {
    {"<=1.5.1",
     ">=1.5.2",
     "[SEMVER i:0 la:1.5.1]",
     {"0.0.0", "1.5.1", "1.5.1-beta", "1.0.0+b"},
     {"1.5.2-0", "1.5.2", "2.0.0"}},
    {"<1.6.5 || < 2.1.7 > 2.0.0",
     NULL,
     "[SEMVER i:0 f:1.6.5] [SEMVER i:2.0.1-0 f:2.1.7]",
     {"1.6.4", "2.0.1-alpha", "2.0.1", "2.1.6"},
     {"1.6.5", "2.0.0", "2.1.7", "1.9.9"}},
    {">= 15.0.0 <= 16.1.0",
     NULL,
     "[SEMVER i:15.0.0 la:16.1.0]",
     {"15.0.0", "16.1.0", "16.0.9"},
     {"14.9.9", "15.0.0-rc.1", "16.1.1-0", "16.1.1"}},
    {"*", NULL, "[SEMVER i:0]", {"0.0.0-0", "0.0.1", "99.0.0"}, {NULL}},
    {"", NULL, "[SEMVER i:0]", {"0.0.0-0", "1.0.0"}, {NULL}},
    {"x", NULL, "[SEMVER i:0]", {"1.0.0"}, {NULL}},
    {">=*", NULL, "[SEMVER i:0]", {"1.0.0"}, {NULL}},
    {"=3.0.0-rc.1",
     NULL,
     "[SEMVER i:3.0.0-rc.1 la:3.0.0-rc.1]",
     {"3.0.0-rc.1"},
     {"3.0.0-rc.0", "3.0.0-rc.1.0", "3.0.0-rc.2", "3.0.0"}},
    {"2.1.0-M1 || 2.1.0-M2",
     NULL,
     "[SEMVER i:2.1.0-M1 la:2.1.0-M1] [SEMVER i:2.1.0-M2 la:2.1.0-M2]",
     {"2.1.0-M1", "2.1.0-M2"},
     {"2.1.0-M10", "2.1.0", "2.1.0-M3"}},
    {"<=0.9.4 || 1.0.0",
     NULL,
     "[SEMVER i:0 la:0.9.4] [SEMVER i:1.0.0 la:1.0.0]",
     {"0.9.4", "1.0.0"},
     {"0.9.5", "1.0.0-rc", "1.0.1"}},
    {"<=v2.0.0-alpha7",
     NULL,
     "[SEMVER i:0 la:2.0.0-alpha7]",
     {"2.0.0-alpha7", "1.9.0"},
     {"2.0.0-alpha8", "2.0.0"}},
    {">= 0.2.0 <= 0.9.6 || ~0.8.0-pre",
     NULL,
     "[SEMVER i:0.2.0 la:0.9.6] [SEMVER i:0.8.0-pre f:0.9.0-0]",
     {"0.2.0", "0.8.0-pre"},
     {"0.1.9", "0.9.7"}},
    {"2.0.x || 2.1.x",
     NULL,
     "[SEMVER i:2.0.0-0 f:2.1.0-0] [SEMVER i:2.1.0-0 f:2.2.0-0]",
     {"2.0.0-0", "2.0.9", "2.1.0-rc.1", "2.1.99"},
     {"1.9.9", "2.2.0-0", "2.2.0"}},
    {"<= 1.0", NULL, "[SEMVER i:0 f:1.1.0-0]", {"1.0.99", "0.1.0"}, {"1.1.0-0", "1.1.0"}},
    {"<3.11 || >= 4 <4.5",
     NULL,
     "[SEMVER i:0 f:3.11.0-0] [SEMVER i:4.0.0-0 f:4.5.0-0]",
     {"3.10.9", "4.0.0-alpha", "4.4.9"},
     {"3.11.0-0", "3.99.0", "4.5.0"}},
    /* caret and tilde (includePrerelease: -0 lower bounds except ^M.m.p, M > 0, and ~) */
    {"^1.2.0",
     NULL,
     "[SEMVER i:1.2.0 f:2.0.0-0]",
     {"1.2.0", "1.99.0-beta"},
     {"1.2.0-beta", "2.0.0-0"}},
    {"^0.2.3", NULL, "[SEMVER i:0.2.3-0 f:0.3.0-0]", {"0.2.3-0", "0.2.9"}, {"0.2.2", "0.3.0"}},
    {"^0.0.3", NULL, "[SEMVER i:0.0.3-0 f:0.0.4-0]", {"0.0.3"}, {"0.0.4-0", "0.0.2"}},
    {"^1.2", NULL, "[SEMVER i:1.2.0-0 f:2.0.0-0]", {"1.2.0-0"}, {"1.1.9", "2.0.0"}},
    {"^0.x", NULL, "[SEMVER i:0 f:1.0.0-0]", {"0.0.0-0", "0.99.0"}, {"1.0.0-0"}},
    {"^ 1.2.3-beta.2",
     NULL,
     "[SEMVER i:1.2.3-beta.2 f:2.0.0-0]",
     {"1.2.3-beta.2"},
     {"1.2.3-beta.1"}},
    {"~1.2.3", NULL, "[SEMVER i:1.2.3 f:1.3.0-0]", {"1.2.3", "1.2.9"}, {"1.2.3-0", "1.3.0-0"}},
    {"~1", NULL, "[SEMVER i:1.0.0 f:2.0.0-0]", {"1.9.0"}, {"1.0.0-0", "2.0.0"}},
    {"~> 1.2", NULL, "[SEMVER i:1.2.0 f:1.3.0-0]", {"1.2.5"}, {"1.3.0"}},
    /* hyphen ranges */
    {"1.2.3 - 2.3.4",
     NULL,
     "[SEMVER i:1.2.3-0 f:2.3.5-0]",
     {"1.2.3-0", "2.3.4"},
     {"1.2.2", "2.3.5-0"}},
    {"1.2 - 2.3", NULL, "[SEMVER i:1.2.0-0 f:2.4.0-0]", {"2.3.99"}, {"2.4.0-0"}},
    {"1.2.3 - 2.3.4-beta",
     NULL,
     "[SEMVER i:1.2.3-0 la:2.3.4-beta]",
     {"2.3.4-beta"},
     {"2.3.4-beta.0", "2.3.4"}},
    {"1.2.3+b - 2", NULL, "[SEMVER i:1.2.3 f:3.0.0-0]", {"1.2.3"}, {"1.2.3-0"}},
    {"* - 2", NULL, "[SEMVER i:0 f:3.0.0-0]", {"0.0.1"}, {"3.0.0"}},
    /* exclusive lower bounds: the least greater version */
    {">1.2.3", NULL, "[SEMVER i:1.2.4-0]", {"1.2.4-0", "9.0.0"}, {"1.2.3", "1.2.3+b"}},
    {">1.2.3-rc.1",
     NULL,
     "[SEMVER i:1.2.3-rc.1.0]",
     {"1.2.3-rc.1.0", "1.2.3-rc.2"},
     {"1.2.3-rc.1"}},
    {">1.2", NULL, "[SEMVER i:1.3.0-0]", {"1.3.0-0"}, {"1.2.99"}},
    {">=1.x", NULL, "[SEMVER i:1.0.0-0]", {"1.0.0-0"}, {"0.99.0"}},
    {"> =1.2.3", NULL, NULL, {NULL}, {NULL}}, /* node: >=, rejected here */
    {"1.2.3+build", NULL, "[SEMVER i:1.2.3 la:1.2.3]", {"1.2.3", "1.2.3+other"}, {"1.2.4"}},
    {"<0.0.0", ">=0.0.0", "[SEMVER i:0 f:0.0.0]", {"0.0.0-alpha"}, {"0.0.0", "1.0.0"}},
    {"<=99.999.99999", "<0.0.0", "[SEMVER i:0 la:99.999.99999]", {"99.999.99999"}, {"100.0.0"}},
    {">2.0.0 <1.0.0 || 3.0.0", NULL, "[SEMVER i:3.0.0 la:3.0.0]", {"3.0.0"}, {"1.5.0"}},
    {">2.0.0 <1.0.0", NULL, NULL, {NULL}, {NULL}},
    {"<*", NULL, NULL, {NULL}, {NULL}},
    {">1.0.0 <1.0.1-0", NULL, NULL, {NULL}, {NULL}}, /* empty: nothing between */
    {"1 || ", NULL, "[SEMVER i:1.0.0-0 f:2.0.0-0] [SEMVER i:0]", {"5.0.0"}, {NULL}},
    /* rejected by node-semver (or not handled): skipped */
    {">=1.2.3 - 2", NULL, NULL, {NULL}, {NULL}},
    {"1.2.3.4", NULL, NULL, {NULL}, {NULL}},
    {"01.2.3", NULL, NULL, {NULL}, {NULL}},
    {"=>1.2.3", NULL, NULL, {NULL}, {NULL}},
    {"a.b.c", NULL, NULL, {NULL}, {NULL}},
    {"1.2.3 -", NULL, NULL, {NULL}, {NULL}},
    {"1.2-beta", NULL, NULL, {NULL}, {NULL}},
    {"==1.2.3", NULL, NULL, {NULL}, {NULL}},
    {"1 || 2 | 3", NULL, NULL, {NULL}, {NULL}},
    {"~ >1.2", NULL, NULL, {NULL}, {NULL}},
    {"1.2.3-01", NULL, NULL, {NULL}, {NULL}},
    {"1.2.3-a..b", NULL, NULL, {NULL}, {NULL}},
    {"<9007199254740992.0.0", NULL, NULL, {NULL}, {NULL}},
    {"^9007199254740991.0.0", NULL, NULL, {NULL}, {NULL}},
    {"<=9007199254740991.1.9007199254740991", NULL, NULL, {NULL}, {NULL}},
    {NULL, NULL, NULL, {NULL}, {NULL}}, /* neither field */
    /* patched_versions only: the complement */
    {NULL, ">= 1.4.0", "[SEMVER i:0 f:1.4.0]", {"1.3.9", "1.4.0-rc"}, {"1.4.0"}},
    {NULL, "> 3.0.0", "[SEMVER i:0 la:3.0.0]", {"3.0.0"}, {"3.0.1-0"}},
    {NULL,
     "~1.6.5 || >=1.7.2",
     "[SEMVER i:0 f:1.6.5 i:1.7.0-0 f:1.7.2]",
     {"1.6.4", "1.7.0-0", "1.7.1"},
     {"1.6.5", "1.6.99", "1.7.2"}},
    {NULL,
     "<=1.0.0 || >=2.0.0",
     "[SEMVER i:1.0.1-0 f:2.0.0]",
     {"1.0.1-0", "1.9.9"},
     {"1.0.0", "2.0.0"}},
    {NULL, "<0.0.0", "[SEMVER i:0.0.0]", {"0.0.0", "5.0.0"}, {"0.0.0-rc"}},
    {NULL, "<2 || >=1.5.0", NULL, {NULL}, {NULL}}, /* everything is patched */
    {NULL, "*", NULL, {NULL}, {NULL}},
};

static const struct conv_case core_cases[] = {
    {"8.x || 7.x",
     "^8.1.4 || ^7.10.1",
     "[SEMVER i:8.0.0-0 f:8.1.4] [SEMVER i:7.0.0-0 f:7.10.1]",
     {"8.0.0-pre", "8.1.3", "7.0.0", "7.10.0"},
     {"8.1.4", "8.9.0", "7.10.1", "9.0.0"}},
    {">=6.0.0 <6.2.0 || 5.x || 4.x",
     "^4.4.6 || ^5.12.0",
     "[SEMVER i:6.0.0 f:6.2.0] [SEMVER i:5.0.0-0 f:5.12.0] [SEMVER i:4.0.0-0 f:4.4.6]",
     {"6.1.0", "5.11.9", "4.4.5", "5.12.0-rc"},
     {"6.2.0", "5.12.0", "4.4.6", "3.0.0"}},
    {"<= 10",
     "^6.14.4 || ^8.11.4 || >= 10.9.0",
     "[SEMVER i:0 f:6.14.4 i:7.0.0-0 f:8.11.4 i:9.0.0-0 f:10.9.0]",
     {"0.10.0", "6.14.3", "7.0.0", "9.5.0", "10.8.0"},
     {"6.14.4", "6.20.0", "8.11.4", "10.9.0", "11.0.0"}},
    {"8.5.0", "^8.6.0", "[SEMVER i:8.5.0 la:8.5.0]", {"8.5.0"}, {"8.5.1", "8.4.0"}},
    {"5.x", NULL, "[SEMVER i:5.0.0-0 f:6.0.0-0]", {"5.0.0"}, {"6.0.0"}},
    {NULL, "^20.1.0", "[SEMVER i:0 f:20.1.0 i:21.0.0-0]", {"18.0.0", "21.0.0"}, {"20.1.0"}},
    {"18.x", "^18.9.1 || 18.x", NULL, {NULL}, {NULL}}, /* all patched */
};

static void run_conv(struct cgt *t, const struct conv_case *cs, size_t n, bool core)
{
	for (size_t i = 0; i < n; i++) {
		const struct conv_case *c = &cs[i];
		char doc[1024], f1[300] = "", f2[300] = "";
		struct frec r = {.keep = true};
		struct cg_adv_sink sink = {frec_add, frec_warn, &r};
		struct cg_adv_sink csink = {cap_add, cap_warn, NULL};
		struct cg_error err;
		const char *line, *ranges;
		if (c->vuln)
			snprintf(f1, sizeof(f1), ", \"%s\": \"%s\"",
				 core ? "vulnerable" : "vulnerable_versions", c->vuln);
		if (c->patched)
			snprintf(f2, sizeof(f2), ", \"%s\": \"%s\"",
				 core ? "patched" : "patched_versions", c->patched);
		snprintf(doc, sizeof(doc), "{\"%s\": []%s%s%s}", core ? "cve" : "cves", f1, f2,
			 core ? "" : ", \"id\": 7, \"module_name\": \"x\"");
		CHECKF(t,
		       P->parse(core ? "core/7.json" : "npm/7.json", (const unsigned char *)doc,
				strlen(doc), &sink, &err) == CG_OK,
		       "case %zu: %s", i, err.msg);
		line = frec_find(&r, core ? "NSWG-COR-7" : "NSWG-ECO-7");
		ranges = line ? strstr(line, " [SEMVER") : NULL;
		if (!c->want) {
			CHECKF(t, !line && r.warnings == 1, "case %zu '%s': %s", i,
			       c->vuln ? c->vuln : "-", line ? line : "");
			frec_release(&r);
			continue;
		}
		CHECKF(t, ranges && strcmp(ranges + 1, c->want) == 0, "case %zu '%s': %s", i,
		       c->vuln ? c->vuln : c->patched, line ? line : "(skipped)");
		frec_release(&r);
		cap_reset();
		CHECK(t, P->parse(core ? "core/7.json" : "npm/7.json", (const unsigned char *)doc,
				  strlen(doc), &csink, &err) == CG_OK);
		for (size_t k = 0; k < 6 && c->in[k]; k++)
			CHECKF(t, cap_affected(c->in[k]) == 1,
			       "case %zu '%s': %s should be affected", i,
			       c->vuln ? c->vuln : c->patched, c->in[k]);
		for (size_t k = 0; k < 6 && c->out[k]; k++)
			CHECKF(t, cap_affected(c->out[k]) == 0,
			       "case %zu '%s': %s should not be affected", i,
			       c->vuln ? c->vuln : c->patched, c->out[k]);
	}
}

static void t_conversion_npm(struct cgt *t)
{
	run_conv(t, npm_cases, sizeof(npm_cases) / sizeof(npm_cases[0]), false);
}

static void t_conversion_core(struct cgt *t)
{
	run_conv(t, core_cases, sizeof(core_cases) / sizeof(core_cases[0]), true);
}

/* ---- real advisories ---- */

static void t_real(struct cgt *t)
{
	static const struct {
		const char *file, *id, *want;
	} cases[] = {
	    {"vuln/npm/1.json", "CVE-2014-7205",
	     "CVE-2014-7205 {NSWG-ECO-1} [] pub=2014-09-27 wd=0 "
	     "CVSS_V3=CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N | npm bassmaster AFFECTED "
	     "sev=- note=- [SEMVER i:0 la:1.5.1]"},
	    /* a malformed CVE id is dropped (and warned about) */
	    {"vuln/npm/12.json", "NSWG-ECO-12", NULL},
	    {"vuln/npm/41.json", "NSWG-ECO-41", NULL},
	    {"vuln/npm/49.json", NULL, "[SEMVER i:0 f:1.6.5] [SEMVER i:2.0.1-0 f:2.1.7]"},
	    {"vuln/npm/305.json", NULL, "[SEMVER i:0.2.0 la:0.9.6] [SEMVER i:0.8.0-pre f:0.9.0-0]"},
	    {"vuln/npm/309.json", NULL, "[SEMVER i:2.2.6 f:2.47.0] [SEMVER i:2.51.1-0 la:2.67.0]"},
	    {"vuln/npm/477.json", NULL, "[SEMVER i:0]"},
	    {"vuln/core/1.json", "CVE-2017-1000381",
	     "CVE-2017-1000381 {NSWG-COR-1} [] pub=- wd=0 | Node.js node AFFECTED sev=high "
	     "note=- [SEMVER i:8.0.0-0 f:8.1.4] [SEMVER i:7.0.0-0 f:7.10.1] "
	     "[SEMVER i:4.0.0-0 f:4.8.4] [SEMVER i:6.0.0-0 f:6.11.1] [SEMVER i:5.0.0-0 f:6.0.0-0]"},
	    {"vuln/core/2.json", "NSWG-COR-2",
	     "NSWG-COR-2 {} [] pub=- wd=0 | Node.js node AFFECTED sev=- note=- [SEMVER "
	     "i:4.0.0-0 f:4.8.4] [SEMVER i:5.0.0-0 f:6.0.0-0] [SEMVER i:6.0.0-0 f:6.11.1] "
	     "[SEMVER i:7.0.0-0 f:7.10.1] [SEMVER i:8.0.0-0 f:8.1.4]"},
	    {"vuln/core/18.json", "CVE-2016-5325",
	     "CVE-2016-5325 {NSWG-COR-18} [] pub=- wd=0 "
	     "CVSS_V3=CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N | Node.js node AFFECTED "
	     "sev=medium note=- [SEMVER i:6.0.0-0 f:6.7.0] [SEMVER i:4.0.0-0 f:4.6.0] "
	     "[SEMVER i:5.0.0-0 f:6.0.0-0]"},
	    {"vuln/core/80.json", NULL, "note=environments: win32"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frec r = {.keep = true};
		struct cg_error err = {0};
		CHECKF(t, frec_parse(P, DATA, cases[i].file, &r, &err) == CG_OK, "%s: %s",
		       cases[i].file, err.msg);
		CHECK_INT(t, r.advisories, 1);
		if (cases[i].id && cases[i].want)
			CHECK_STR(t, frec_find(&r, cases[i].id), cases[i].want);
		else if (cases[i].id)
			CHECKF(t, frec_find(&r, cases[i].id), "%s: no %s", cases[i].file,
			       cases[i].id);
		else if (r.n)
			CHECKF(t, strstr(r.lines[0], cases[i].want), "%s: %s", cases[i].file,
			       r.lines[0]);
		frec_release(&r);
	}
}

/* Ids, aliases, texts and references, through a sink that looks. */
static char seen[6][300];
static cg_err_t look(void *ud, const struct cg_advisory *a)
{
	(void)ud;
	snprintf(seen[0], sizeof(seen[0]), "%s", a->id);
	seen[1][0] = '\0';
	for (size_t i = 0; i < a->naliases; i++)
		frec_cat(seen[1], sizeof(seen[1]), a->aliases[i]), frec_cat(seen[1], 300, " ");
	snprintf(seen[2], sizeof(seen[2]), "%.60s", a->summary ? a->summary : "-");
	snprintf(seen[3], sizeof(seen[3]), "%s",
		 a->details
		     ? (strstr(a->details, "\n\nRecommendation: ") ? "recommendation" : a->details)
		     : "-");
	snprintf(seen[4], sizeof(seen[4]), "%zu %s", a->nreferences,
		 a->nreferences ? a->references[a->nreferences - 1] : "-");
	snprintf(seen[5], sizeof(seen[5]), "%s", a->modified ? a->modified : "-");
	return CG_OK;
}

static void t_fields(struct cgt *t)
{
	struct cg_adv_sink sink = {look, cap_warn, NULL};
	struct cg_error err;
	size_t len;
	unsigned char *b = frec_load(DATA "/vuln/npm/41.json", &len);
	CHECK(t, b != NULL);
	if (b) {
		CHECK_INT(t, P->parse("vuln/npm/41.json", b, len, &sink, &err), CG_OK);
		CHECK_STR(t, seen[0], "NSWG-ECO-41");
		CHECK_STR(t, seen[1], "CVE-2013-7451 CVE-2013-7452 CVE-2013-7453 CVE-2013-7454 ");
		CHECK_STR(t, seen[2], "Multiple XSS Filter Bypasses");
		CHECK_STR(t, seen[3], "recommendation");
		CHECK_STR(t, seen[4],
			  "2 http://blog.kotowicz.net/2012/07/"
			  "codeigniter-210-xssclean-cross-site.html)");
		CHECK_STR(t, seen[5], "2016-04-29");
	}
	free(b);
	cap_reset();
	b = frec_load(DATA "/vuln/npm/12.json", &len);
	CHECK(t, b != NULL);
	if (b) {
		CHECK_INT(t, P->parse("vuln/npm/12.json", b, len, &sink, &err), CG_OK);
		CHECK_STR(t, seen[0], "NSWG-ECO-12");
		CHECK_STR(t, seen[1], "");
		CHECK_INT(t, cap.warnings, 1);
		CHECK(t, strstr(cap.last_warn, "CVE-2014-4671A") != NULL);
	}
	free(b);
	b = frec_load(DATA "/vuln/core/1.json", &len);
	CHECK(t, b != NULL);
	if (b) {
		CHECK_INT(t, P->parse("vuln/core/1.json", b, len, &sink, &err), CG_OK);
		CHECK_STR(t, seen[2], "memory overread when parsing invalid NAPTR responses");
		CHECK_STR(
		    t, seen[4],
		    "1 https://nodejs.org/en/blog/vulnerability/july-2017-security-releases/");
	}
	free(b);
}

static void t_malformed(struct cgt *t)
{
	static const struct {
		const char *path, *doc;
	} bad[] = {
	    {"npm/1.json", ""},
	    {"npm/1.json", "[]"},
	    {"npm/1.json", "{\"vulnerable_versions\": \"*\"}"}, /* no module_name */
	    {"npm/1.json", "{\"module_name\": \"a b\", \"vulnerable_versions\": \"*\"}"},
	    {"npm/1.json", "{\"module_name\": 3, \"vulnerable_versions\": \"*\"}"},
	    {"npm/1.json", "{\"module_name\": \"a\", \"vulnerable_versions\": 1}"},
	    {"npm/1.json",
	     "{\"module_name\": \"a\", \"id\": \"1\", \"vulnerable_versions\": \"*\"}"},
	    {"npm/1.json", "{\"module_name\": \"a\", \"id\": -1, \"vulnerable_versions\": \"*\"}"},
	    {"npm/1.json",
	     "{\"module_name\": \"a\", \"cves\": [1], \"vulnerable_versions\": \"*\"}"},
	    {"npm/1.json", "{\"module_name\": \"a\", \"cves\": \"CVE-2020-1234\"}"},
	    {"npm/1.json", "{\"module_name\": \"a\", \"vulnerable_versions\": \"1\\u0000\"}"},
	    {"npm/1.json", "{\"module_name\": \"a\", \"module_name\": \"b\"}"},
	    {"core/1.json", "{\"cve\": [], \"vulnerable\": \"*\", \"ref\": 5}"},
	    {"core/1.json", "{\"cve\": [], \"vulnerable\": \"*\", \"affectedEnvironments\": 1}"},
	    {"deps/1.json", "{\"cve\": [], \"vulnerable\": \"*\"}"},
	};
	struct frec r = {.keep = true};
	struct cg_adv_sink sink = {frec_add, frec_warn, &r};
	struct cg_error err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(t,
		       P->parse(bad[i].path, (const unsigned char *)bad[i].doc, strlen(bad[i].doc),
				&sink, &err) == CG_ERR_INVALID,
		       "input %zu", i);
	CHECK_INT(t, r.advisories, 0);
	CHECK_INT(t, r.warnings, 0);
	frec_release(&r);
}

static long count_str(const char *s, const char *what)
{
	long n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* tests/data/feeds/nodejs: "python3 count.py tests/data/feeds/nodejs" gives 22
 * files, 22 advisories (15 npm, 7 core), 1 warning, 12 with a CVE id, 43 ranges,
 * 89 events, 15 CVSS vectors. */
static void t_data_dir(struct cgt *t)
{
	struct frec r = {.keep = true};
	long files = 0, failed = 0, cve_ids = 0, npm = 0, ranges = 0, sev = 0;
	frec_walk(P, DATA, "vuln", &r, &files, &failed);
	CHECK_INT(t, files, 22);
	CHECK_INT(t, failed, 0);
	CHECK_INT(t, r.advisories, 22);
	CHECK_INT(t, r.warnings, 1);
	CHECK_INT(t, r.events, 89);
	for (size_t i = 0; i < r.n; i++) {
		cve_ids += strncmp(r.lines[i], "CVE-", 4) == 0;
		npm += strstr(r.lines[i], "| npm ") != NULL;
		ranges += count_str(r.lines[i], " [SEMVER ");
		sev += strstr(r.lines[i], " CVSS_V3=CVSS:3.") != NULL;
	}
	CHECK_INT(t, npm, 15);
	CHECK_INT(t, cve_ids, 12);
	CHECK_INT(t, ranges, 43);
	CHECK_INT(t, sev, 15);
	frec_release(&r);
}

/* The whole feed, walked from the repository root (index.json and deps/ are
 * not matched): "python3 count.py /work/shared/feeds/npm/nodejs-security-wg"
 * gives 638 files and advisories (467 npm, 171 core), none skipped, 1 warning
 * (npm/12.json's "CVE-2014-4671A"), 312 with a CVE id, 966 ranges, 1926 events,
 * 459 CVSS vectors (npm/504.json's "I:U" is not one). Its --dump output equals
 * the parser's ranges advisory by advisory. */
static void t_whole_feed(struct cgt *t)
{
	struct frec r = {.keep = true};
	long files = 0, failed = 0, cve_ids = 0, npm = 0, core = 0, sev = 0, ranges = 0;
	if (!frec_have_shared("npm/nodejs-security-wg/vuln")) {
		CHECK(t, 1);
		return;
	}
	frec_walk(P, FEED_SHARED "/npm/nodejs-security-wg", "", &r, &files, &failed);
	CHECK_INT(t, files, 638);
	CHECK_INT(t, failed, 0);
	CHECK_INT(t, r.advisories, 638);
	CHECK_INT(t, r.warnings, 1);
	CHECK_INT(t, r.events, 1926);
	CHECK_INT(t, r.bad, 0);
	for (size_t i = 0; i < r.n; i++) {
		cve_ids += strncmp(r.lines[i], "CVE-", 4) == 0;
		npm += strstr(r.lines[i], "| npm ") != NULL;
		core += strstr(r.lines[i], "| Node.js node ") != NULL;
		sev += strstr(r.lines[i], " CVSS_V3=CVSS:3.") != NULL;
		ranges += count_str(r.lines[i], " [SEMVER ");
	}
	CHECK_INT(t, npm, 467);
	CHECK_INT(t, core, 171);
	CHECK_INT(t, cve_ids, 312);
	CHECK_INT(t, ranges, 966);
	CHECK_INT(t, sev, 459);
	frec_release(&r);
}

/* ---- oracle mode (tests/integration/feed_nodejs_semver.sh) ---- */

static void t_oracle(struct cgt *t)
{
	const char *fn = getenv("CG_NODEJS_ORACLE");
	FILE *f;
	char line[4096], cur[2048] = "";
	long checks = 0, agree = 0, differ = 0, invalid_skipped = 0, invalid_taken = 0,
	     valid_skipped = 0, empty = 0;
	bool skipped = false, nothing = false;
	if (!fn) {
		CHECK(t, 1); /* only when asked */
		return;
	}
	f = fopen(fn, "r");
	CHECKF(t, f != NULL, "cannot open %s", fn);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *path = line, *kind, *ver, *want, *nl;
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		kind = strchr(path, '\t');
		ver = kind ? strchr(kind + 1, '\t') : NULL;
		want = ver ? strchr(ver + 1, '\t') : NULL;
		if (!want)
			continue;
		*kind++ = *ver++ = *want++ = '\0';
		if (strcmp(path, cur) != 0) {
			size_t len;
			unsigned char *b = frec_load(path, &len);
			struct cg_adv_sink sink = {cap_add, cap_warn, NULL};
			struct cg_error err;
			char rel[64];
			const char *base = strrchr(path, '/');
			snprintf(rel, sizeof(rel), "%.8s/%.40s", kind, base ? base + 1 : path);
			snprintf(cur, sizeof(cur), "%.2000s", path);
			cap_reset();
			CHECKF(t, b && P->parse(rel, b, len, &sink, &err) == CG_OK, "%.300s", path);
			free(b);
			skipped = cap.advisories == 0;
			/* skipped as matching nothing: node-semver must agree */
			nothing = skipped && strstr(cap.last_warn, ": no version is affected:");
			empty += nothing;
			if (strcmp(want, "invalid") == 0) {
				CHECKF(t, skipped,
				       "%.300s: node-semver rejects its range, we did not", path);
				invalid_skipped += skipped;
				invalid_taken += !skipped;
			} else if (skipped && !nothing) {
				valid_skipped++;
				fprintf(stderr, "  note: %.300s skipped: %s\n", path,
					cap.last_warn);
			}
		}
		if ((skipped && !nothing) || strcmp(want, "invalid") == 0)
			continue;
		checks++;
		if ((nothing ? 0 : cap_affected(ver)) == (want[0] == '1')) {
			agree++;
		} else {
			differ++;
			CHECKF(t, 0, "%.300s: version %.300s: node-semver says %.10s", path, ver,
			       want);
		}
	}
	fclose(f);
	printf("oracle: %ld checks, %ld agree, %ld differ; ranges node-semver rejects: %ld "
	       "skipped, %ld taken; skipped as affecting nothing: %ld; advisories skipped "
	       "that node-semver accepts: %ld\n",
	       checks, agree, differ, invalid_skipped, invalid_taken, empty, valid_skipped);
	CHECK(t, checks > 0);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match),	  CGT_CASE(t_conversion_npm), CGT_CASE(t_conversion_core),
    CGT_CASE(t_real),	  CGT_CASE(t_fields),	      CGT_CASE(t_malformed),
    CGT_CASE(t_data_dir), CGT_CASE(t_whole_feed),     CGT_CASE(t_oracle),
};
CGT_MAIN(cases)
