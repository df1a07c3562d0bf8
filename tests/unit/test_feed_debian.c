/* Debian security tracker feed (lib/vulndb/feed_debian.c).
 *
 * Real inputs: tests/data/feeds/debian/ (see their README.md),
 * exact values asserted for specific records; then, when the offline feed
 * copy /work/shared/feeds exists (CI), every file of it, with counts
 * computed independently by tests/data/feeds/debian/count.py. */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_debian;
#define DATA CG_TEST_DATA "/feeds/debian"

static void parse_one(struct cgt *t, const struct cg_feed_parser *p, const char *root,
		      const char *rel, struct frec *r)
{
	struct cg_error err = { 0 };
	cg_err_t rc = frec_parse(p, root, rel, r, &err);
	CHECKF(t, rc == CG_OK, "%s: %s", rel, err.msg);
}

static void t_match(struct cgt *t)
{
	const struct cg_feed_parser *p = &cg_feed_debian;
	CHECK(t, p->match("security-tracker/data/CVE/list"));
	CHECK(t, p->match("data/DSA/list"));
	CHECK(t, p->match("x/data/DLA/list"));
	CHECK(t, p->match("data/DTSA/list"));
	CHECK(t, p->match("tracker/json"));
	CHECK(t, p->match("input/debian.json"));
	CHECK(t, !p->match("data/CVE/list.orig"));
	CHECK(t, !p->match("data/DSA/README"));
	CHECK(t, !p->match("vuln/npm/1.json"));
	CHECK_STR(t, p->type, "debian");
}

static void t_dsa_list(struct cgt *t)
{
	struct frec r = { .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "DSA-list", &r);
	CHECK_INT(t, r.warnings, 0);
	CHECK_STR(t, frec_find(&r, "DSA-5380-1"),
		  "DSA-5380-1 {CVE-2023-1393} [] pub=2023-03-29 wd=0 | Debian:11 xorg-server(src) "
		  "AFFECTED sev=- note=- [ECOSYSTEM i:0 f:2:1.20.11-1+deb11u6]");
	/* no aliases: a regression update */
	CHECK_STR(t, frec_find(&r, "DSA-5356-2"),
		  "DSA-5356-2 {} [] pub=2023-03-17 wd=0 | Debian:11 sox(src) AFFECTED sev=- "
		  "note=- [ECOSYSTEM i:0 f:14.4.2+git20190427-2+deb11u2]");
	CHECK(t, frec_find(&r, "DSA-5377-1") &&
		       strstr(frec_find(&r, "DSA-5377-1"),
			      "{CVE-2023-1528,CVE-2023-1529,CVE-2023-1530,CVE-2023-1531,"
			      "CVE-2023-1532,CVE-2023-1533,CVE-2023-1534}"));
	frec_release(&r);
}

static void t_dla_dtsa_list(struct cgt *t)
{
	struct frec r = { .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "DLA-list", &r);
	CHECK(t, frec_find(&r, "DLA-3380-1") &&
		       strstr(frec_find(&r, "DLA-3380-1"),
			      "pub=2023-04-01 wd=0 | Debian:10 firmware-nonfree(src) AFFECTED sev=- "
			      "note=- [ECOSYSTEM i:0 f:20190114+really20220913-0+deb10u1]"));
	frec_release(&r);
	r = (struct frec){ .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "DTSA-list", &r);
	/* "[August 26th, 2005]", "(high)" after the version */
	CHECK_STR(t, frec_find(&r, "DTSA-1-1"),
		  "DTSA-1-1 {CVE-2005-2626,CVE-2005-2627} [] pub=2005-08-26 wd=0 | Debian:4.0 "
		  "kismet(src) AFFECTED sev=high note=- [ECOSYSTEM i:0 f:2005.08.R1-0.1etch1]");
	frec_release(&r);
}

static void t_cve_list(struct cgt *t)
{
	struct frec r = { .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "CVE-list", &r);
	/* CVE-2023-XXXX placeholders, TODO-only and NOT-FOR-US records give nothing */
	CHECK_INT(t, r.n, 2);
	CHECK_STR(t, frec_find(&r, "CVE-2021-36373"),
		  "CVE-2021-36373 {} [] pub=- wd=0 | Debian ant(src) UNFIXED sev=unimportant "
		  "note=sid (default for releases without their own line)");
	CHECK_STR(t, frec_find(&r, "CVE-2021-36367"),
		  "CVE-2021-36367 {} [] pub=- wd=0 | Debian putty(src) AFFECTED sev=low "
		  "note=sid (default for releases without their own line) [ECOSYSTEM i:0 "
		  "f:0.75-3] | Debian:11 putty(src) UNFIXED sev=- note=no-dsa: Minor issue | "
		  "Debian:10 putty(src) UNFIXED sev=- note=no-dsa: Minor issue");
	CHECK(t, !frec_find(&r, "CVE-2021-36383"));
	CHECK(t, !frec_find(&r, "CVE-2023-XXXX"));
	frec_release(&r);
}

static void t_tracker_json(struct cgt *t)
{
	struct frec r = { .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "tracker.json", &r);
	CHECK_INT(t, r.n, 6);
	CHECK_INT(t, r.affected, 25);
	/* status open + urgency end-of-life -> EOL; resolved -> fixed */
	CHECK_STR(t, frec_find(&r, "CVE-2022-0456"),
		  "CVE-2022-0456 {} [] pub=- wd=0 | Debian:12 chromium(src) AFFECTED sev=not yet "
		  "assigned note=- [ECOSYSTEM i:0 f:98.0.4758.80-1] | Debian:11 chromium(src) "
		  "AFFECTED sev=not yet assigned note=- [ECOSYSTEM i:0 f:98.0.4758.80-1~deb11u1] | "
		  "Debian:10 chromium(src) EOL sev=- note=- | Debian:sid chromium(src) AFFECTED "
		  "sev=not yet assigned note=- [ECOSYSTEM i:0 f:98.0.4758.80-1] | Debian:9 "
		  "chromium(src) EOL sev=- note=-");
	/* fixed_version "0": not affected; the "high**" markers stripped */
	CHECK(t, strstr(frec_find(&r, "CVE-2007-2383"),
			"| Debian:8 prototypejs(src) NOT_AFFECTED sev=unimportant note=- |"));
	CHECK(t, strstr(frec_find(&r, "CVE-2008-7220"),
			"Debian:9 prototypejs(src) AFFECTED sev=high note=- [ECOSYSTEM i:0 "
			"f:1.6.0.2-1]"));
	frec_release(&r);
	r = (struct frec){ .keep = true };
	parse_one(t, &cg_feed_debian, DATA, "tracker-mock.json", &r);
	CHECK(t, strstr(frec_find(&r, "CVE-2016-1585"),
			"| Debian:12 apparmor(src) UNFIXED sev=unimportant note=- |"));
	frec_release(&r);
}

static void t_json_nodsa(struct cgt *t)
{
	static const char js[] =
		"{\"openssl\": {\"CVE-2024-0001\": {\"description\": \"d\", \"releases\": {"
		"\"bookworm\": {\"status\": \"open\", \"urgency\": \"low\", \"nodsa\": \"Minor "
		"issue\", \"nodsa_reason\": \"postponed\"},"
		"\"trixie\": {\"status\": \"undetermined\", \"urgency\": \"not yet assigned\"},"
		"\"experimental\": {\"status\": \"open\"},"
		"\"forky\": {\"status\": \"resolved\", \"fixed_version\": \"bad version!\"}}}}}";
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	CHECK_INT(t, cg_feed_debian.parse("json", (const unsigned char *)js, strlen(js), &sink,
					  &err),
		  CG_OK);
	CHECK_STR(t, frec_find(&r, "CVE-2024-0001"),
		  "CVE-2024-0001 {} [] pub=- wd=0 | Debian:12 openssl(src) UNFIXED sev=low "
		  "note=no-dsa: Minor issue (postponed) | Debian:13 openssl(src) UNFIXED sev=not "
		  "yet assigned note=undetermined");
	CHECK_INT(t, r.warnings, 2); /* experimental, the bad version */
	frec_release(&r);
}

static void t_malformed(struct cgt *t)
{
	static const char *const bad[] = {
		"hello world\n",
		"{\"a\": [1, 2]",
		"[1, 2]",
		"\t[bullseye] - foo 1.0\n",
	};
	static const char tags[] =
		"CVE-2024-1234 (x)\n\t- foo <frob>\n\t[bookworm] - foo <removed>\n"
		"\t[bullseye] - foo 1.0 (medium)\n\t[bogus] - foo 1.0\n\t[buster] - foo\n"
		"\t[stretch] - foo <end-of-life> (EOL in stretch)\n\tgarbage\n";
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(t, cg_feed_debian.parse("x", (const unsigned char *)bad[i], strlen(bad[i]),
					       &sink, &err) == CG_ERR_INVALID,
		       "input %zu", i);
	r.warnings = 0;
	CHECK_INT(t, cg_feed_debian.parse("data/CVE/list", (const unsigned char *)tags,
					  strlen(tags), &sink, &err),
		  CG_OK);
	CHECK_STR(t, frec_find(&r, "CVE-2024-1234"),
		  "CVE-2024-1234 {} [] pub=- wd=0 | Debian:11 foo(src) AFFECTED sev=medium "
		  "note=- [ECOSYSTEM i:0 f:1.0] | Debian:9 foo(src) EOL sev=- note=EOL in "
		  "stretch");
	CHECK_INT(t, r.warnings, 4); /* <frob>, [bogus], no version, garbage */
	frec_release(&r);
}

/* Whole offline feed copy against tests/data/feeds/debian/count.py:
 *   DLA 3530 adv 3535 aff (3534 affected, 1 EOL); DSA 5383 / 6988 (6926, 3 unfixed,
 *   55 not-affected, 4 EOL); DTSA 207 / 208. */
static void t_whole_feed(struct cgt *t)
{
	static const struct {
		const char *rel;
		long adv, aff, st[4];
	} want[] = {
		{ "security-tracker-2023-04-02/data/DLA/list", 3530, 3535, { 3534, 0, 0, 1 } },
		{ "security-tracker-2023-04-02/data/DSA/list", 5383, 6988, { 6926, 3, 55, 4 } },
		{ "security-tracker-2023-04-02/data/DTSA/list", 207, 208, { 208, 0, 0, 0 } },
		{ "fixtures/vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json", 6,
		  25, { 19, 0, 4, 2 } },
	};
	if (!frec_have_shared("debian")) {
		CHECK(t, 1);
		return;
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct frec r = { 0 };
		parse_one(t, &cg_feed_debian, FEED_SHARED "/debian", want[i].rel, &r);
		CHECKF(t, r.advisories == want[i].adv && r.affected == want[i].aff,
		       "%s: %ld advisories, %ld affected", want[i].rel, r.advisories, r.affected);
		for (int s = 0; s < 4; s++)
			CHECKF(t, r.by_status[s] == want[i].st[s], "%s: status %d: %ld", want[i].rel,
			       s, r.by_status[s]);
		CHECK_INT(t, r.warnings, 0);
		CHECK_INT(t, r.bad, 0);
		frec_release(&r);
	}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_match),	    CGT_CASE(t_dsa_list),   CGT_CASE(t_dla_dtsa_list),
	CGT_CASE(t_cve_list),	    CGT_CASE(t_tracker_json), CGT_CASE(t_json_nodsa),
	CGT_CASE(t_malformed),	    CGT_CASE(t_whole_feed),
};
CGT_MAIN(cases)
