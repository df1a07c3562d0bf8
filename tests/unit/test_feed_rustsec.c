/* RustSec feed (lib/vulndb/feed_rustsec.c): real advisories from
 * tests/data/feeds/rustsec/ (see README.md) with the OSV events osv.dev
 * publishes for them, the conversion rules on synthetic requirements, and
 * whole-feed counts against tests/data/feeds/rustsec/count.py. */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_rustsec;
#define P    (&cg_feed_rustsec)
#define DATA CG_TEST_DATA "/feeds/rustsec"

static void t_match(struct cgt *t)
{
	CHECK(t, P->match("crates/tokio/RUSTSEC-2021-0072.md"));
	CHECK(t, P->match("advisory-db/crates/tokio/RUSTSEC-2021-0072.md"));
	CHECK(t, !P->match("rust/std/RUSTSEC-2021-0001.md"));
	CHECK(t, !P->match("x/rust/cargo/RUSTSEC-2019-0001.md"));
	CHECK(t, !P->match("crates/tokio/README.md"));
	CHECK_STR(t, P->type, "rustsec");
}

static void t_real(struct cgt *t)
{
	static const struct {
		const char *file, *id, *want;
	} cases[] = {
		{ "crates/tokio/RUSTSEC-2021-0072.md", "RUSTSEC-2021-0072",
		  "RUSTSEC-2021-0072 {CVE-2021-38191,GHSA-2grh-hm3w-w7hv} [] pub=2021-07-07 wd=0 | "
		  "crates.io tokio AFFECTED sev=- note=- [SEMVER i:0.3.0 f:1.5.1 i:1.6.0 f:1.6.3 "
		  "i:1.7.0 f:1.7.2 i:1.8.0 f:1.8.1]" },
		/* "^ 2.2.1" is [2.2.1, 3.0.0-0) */
		{ "crates/actix-http/RUSTSEC-2021-0081.md", "RUSTSEC-2021-0081",
		  "RUSTSEC-2021-0081 {CVE-2021-38512,GHSA-8928-2fgm-6x9x} [] pub=2021-06-16 wd=0 "
		  "CVSS_V3=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N | crates.io actix-http "
		  "AFFECTED sev=- note=- [SEMVER i:0 f:2.2.1 i:3.0.0-0 f:3.0.0-beta.9]" },
		/* "> 0.7.19": the least greater version */
		{ "crates/actix-web/RUSTSEC-2018-0019.md", "RUSTSEC-2018-0019",
		  "RUSTSEC-2018-0019 {CVE-2018-25024,CVE-2018-25025,CVE-2018-25026,GHSA-7x36-h62w-vw65,"
		  "GHSA-9qj6-4rfq-vm84,GHSA-fgfm-hqjw-3265,GHSA-w65j-g6c7-g3m4} [] pub=2018-06-08 "
		  "wd=0 | crates.io actix-web AFFECTED sev=- note=- [SEMVER i:0 f:0.7.20-0]" },
		{ "crates/anchor-lang/RUSTSEC-2026-0146.md", "RUSTSEC-2026-0146", NULL },
		{ "crates/tokio/RUSTSEC-2023-0005.md", "RUSTSEC-2023-0005",
		  "RUSTSEC-2023-0005 {GHSA-4q83-7cq4-p6wg} [] pub=2023-01-11 wd=0 | crates.io "
		  "tokio AFFECTED sev=- note=informational: unsound [SEMVER i:0.2.0 f:1.18.5 "
		  "i:1.19.0 f:1.20.4 i:1.21.0 f:1.24.2]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frec r = { .keep = true };
		struct cg_error err = { 0 };
		CHECKF(t, frec_parse(P, DATA, cases[i].file, &r, &err) == CG_OK, "%s: %s",
		       cases[i].file, err.msg);
		CHECK_INT(t, r.advisories, 1);
		if (cases[i].want)
			CHECK_STR(t, frec_find(&r, cases[i].id), cases[i].want);
		frec_release(&r);
	}
}

/* Title, details, references and a CVSS 4 vector, through a sink that looks. */
static const struct cg_advisory *seen;
static char seen_title[256], seen_details0[64], seen_ref[256], seen_sev[128];
static cg_err_t look(void *ud, const struct cg_advisory *a)
{
	(void)ud;
	seen = a;
	snprintf(seen_title, sizeof(seen_title), "%s", a->summary ? a->summary : "");
	snprintf(seen_details0, sizeof(seen_details0), "%.40s", a->details ? a->details : "");
	snprintf(seen_ref, sizeof(seen_ref), "%s", a->nreferences ? a->references[0] : "");
	snprintf(seen_sev, sizeof(seen_sev), "%s %s", a->nseverities ? a->severities[0].type : "",
		 a->nseverities ? a->severities[0].score : "");
	return CG_OK;
}

static void t_fields(struct cgt *t)
{
	size_t len;
	unsigned char *b = frec_load(DATA "/crates/anchor-lang/RUSTSEC-2026-0146.md", &len);
	struct cg_adv_sink sink = { look, NULL, NULL };
	struct cg_error err;
	CHECK(t, b != NULL);
	if (!b)
		return;
	CHECK_INT(t, P->parse("crates/anchor-lang/RUSTSEC-2026-0146.md", b, len, &sink, &err),
		  CG_OK);
	CHECK_STR(t, seen_title,
		  "`InterfaceAccount` allows account substitution between unexpected types");
	CHECK_STR(t, seen_sev,
		  "CVSS_V4 CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N");
	CHECK(t, seen_details0[0] != '\0' && seen_details0[0] != '#');
	free(b);
}

static void t_conversion(struct cgt *t)
{
	static const struct {
		const char *versions, *want;
	} cases[] = {
		{ "patched = []", "[SEMVER i:0]" },
		{ "patched = [\"=1.0\"]", "[SEMVER i:0 f:1.0.0 i:1.0.1-0]" },
		{ "patched = [\"~1.2\"]", "[SEMVER i:0 f:1.2.0 i:1.3.0-0]" },
		{ "patched = [\"^0.0.3\"]", "[SEMVER i:0 f:0.0.3 i:0.0.4-0]" },
		{ "patched = [\"0.2\"]", "[SEMVER i:0 f:0.2.0 i:0.3.0-0]" },
		{ "patched = [\">= 1.2.3-rc.1\"]\nunaffected = [\"<= 0.9.0-alpha\"]",
		  "[SEMVER i:0.9.0-alpha.0 f:1.2.3-rc.1]" },
		{ "patched = [\">= 2.0.0\"]\nunaffected = [\"> 1.0.0, < 1.5.0\"]",
		  "[SEMVER i:0 f:1.0.1-0 i:1.5.0 f:2.0.0]" },
		/* rejected as rustsec rejects them */
		{ "patched = [\">= 1.0\", \">= 2.0\"]", NULL },
		{ "patched = [\">= 1.0, >= 2.0\"]", NULL },
		{ "patched = [\"^1.0, < 3\"]", NULL },
		{ "patched = [\"1.*\"]", NULL },
		{ "patched = [\"> 2.0, < 1.0\"]", NULL },
		{ "patched = [\">= 01.0\"]", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char doc[1024];
		struct frec r = { .keep = true };
		struct cg_adv_sink sink = { frec_add, frec_warn, &r };
		struct cg_error err;
		const char *line;
		snprintf(doc, sizeof(doc),
			 "```toml\n[advisory]\nid = \"RUSTSEC-0000-0000\"\npackage = \"x\"\n"
			 "date = \"2024-01-01\"\n\n[versions]\n%s\n```\n\n# T\n\nD\n",
			 cases[i].versions);
		CHECKF(t, P->parse("crates/x/RUSTSEC-0000-0000.md", (const unsigned char *)doc,
				   strlen(doc), &sink, &err) == CG_OK,
		       "case %zu", i);
		line = frec_find(&r, "RUSTSEC-0000-0000");
		if (cases[i].want) {
			CHECKF(t, line && strstr(line, cases[i].want), "case %zu: %s", i,
			       line ? line : "(none)");
		} else {
			CHECKF(t, !line && r.warnings == 1, "case %zu: %s", i, line ? line : "");
		}
		frec_release(&r);
	}
}

static void t_malformed(struct cgt *t)
{
	static const char *const bad[] = {
		"# no toml\n",
		"```toml\n[advisory]\nid = \"X\"\n",
		"```toml\n[advisory]\nid = \"X\"\npackage = \"p\"\n```\n",
		"```toml\n[advisory]\npackage = \"p\"\n[versions]\n```\n",
		"```toml\n[advisory\n```\n",
		"```toml\n", /* found by fuzz_feed_rustsec: unterminated, empty */
		"```toml",
	};
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(t, P->parse("crates/x/RUSTSEC-1.md", (const unsigned char *)bad[i],
				   strlen(bad[i]), &sink, &err) == CG_ERR_INVALID,
		       "input %zu", i);
	CHECK_INT(t, r.advisories, 0);
	frec_release(&r);
}

/* advisory-db crates/: count.py gives 1205 advisories, 13 withdrawn, 476
 * informational, 2464 events, none rejected. */
static void t_whole_feed(struct cgt *t)
{
	struct frec r = { .keep = true };
	long files = 0, failed = 0, wd = 0, info = 0;
	if (!frec_have_shared("rustsec")) {
		CHECK(t, 1);
		return;
	}
	frec_walk(P, FEED_SHARED "/rustsec/advisory-db", "crates", &r, &files, &failed);
	CHECK_INT(t, files, 1205);
	CHECK_INT(t, failed, 0);
	CHECK_INT(t, r.advisories, 1205);
	CHECK_INT(t, r.events, 2464);
	CHECK_INT(t, r.warnings, 0);
	for (size_t i = 0; i < r.n; i++) {
		wd += strstr(r.lines[i], " wd=1") != NULL;
		info += strstr(r.lines[i], "note=informational: ") != NULL;
	}
	CHECK_INT(t, wd, 13);
	CHECK_INT(t, info, 476);
	frec_release(&r);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_match),	CGT_CASE(t_real),      CGT_CASE(t_fields),
	CGT_CASE(t_conversion), CGT_CASE(t_malformed), CGT_CASE(t_whole_feed),
};
CGT_MAIN(cases)
