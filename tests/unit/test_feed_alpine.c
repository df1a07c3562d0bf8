/* Alpine secdb feed (lib/vulndb/feed_alpine.c): JSON and YAML.
 * Real inputs in tests/data/feeds/alpine/ (see README.md); whole-feed counts
 * against tests/data/feeds/alpine/count.py when /work/shared/feeds exists. */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_alpine;
#define P    (&cg_feed_alpine)
#define DATA CG_TEST_DATA "/feeds/alpine"

static void t_match(struct cgt *t)
{
	CHECK(t, P->match("v3.11/main.yaml"));
	CHECK(t, P->match("v3.19/community.json"));
	CHECK(t, P->match("testdata/311-main.json"));
	CHECK(t, !P->match("README.md"));
	CHECK(t, !P->match("v3.11/main.yml.bak"));
	CHECK_STR(t, P->type, "alpine");
}

static void t_yaml(struct cgt *t)
{
	struct frec r = { .keep = true };
	struct cg_error err = { 0 };
	CHECKF(t, frec_parse(P, DATA, "v3.8-main.yaml", &r, &err) == CG_OK, "%s", err.msg);
	/* rsync's CVE-2017-17434-1/-2 are not ids: warned and skipped */
	CHECK_INT(t, r.advisories, 13); /* count.py: 13, 4 of them "0", 2 skipped */
	CHECK_INT(t, r.warnings, 2);
	/* the "0" key: never affected */
	CHECK_STR(t, frec_find(&r, "CVE-2016-0682"),
		  "CVE-2016-0682 {} [] pub=- wd=0 | Alpine:v3.8 db(src) NOT_AFFECTED sev=- note=-");
	CHECK_STR(t, frec_find(&r, "CVE-2016-6258"),
		  "CVE-2016-6258 {XSA-182} [] pub=- wd=0 | Alpine:v3.8 xen(src) AFFECTED sev=- "
		  "note=- [ECOSYSTEM i:0 f:4.7.0-r0]");
	CHECK_STR(t, frec_find(&r, "CVE-2017-16548"),
		  "CVE-2017-16548 {} [] pub=- wd=0 | Alpine:v3.8 rsync(src) AFFECTED sev=- note=- "
		  "[ECOSYSTEM i:0 f:3.1.2-r7]");
	frec_release(&r);
	r = (struct frec){ .keep = true };
	CHECKF(t, frec_parse(P, DATA, "v3.15-main.yaml", &r, &err) == CG_OK, "%s", err.msg);
	CHECK_INT(t, r.advisories, 13);
	CHECK_STR(t, frec_find(&r, "CVE-2022-37434"),
		  "CVE-2022-37434 {} [] pub=- wd=0 | Alpine:v3.15 zlib(src) AFFECTED sev=- note=- "
		  "[ECOSYSTEM i:0 f:1.2.12-r2]");
	frec_release(&r);
}

static void t_json(struct cgt *t)
{
	struct frec r = { .keep = true };
	struct cg_error err = { 0 };
	CHECKF(t, frec_parse(P, DATA, "311-main.json", &r, &err) == CG_OK, "%s", err.msg);
	CHECK_INT(t, r.advisories, 2);
	CHECK_STR(t, frec_find(&r, "CVE-2018-8011"),
		  "CVE-2018-8011 {} [] pub=- wd=0 | Alpine:v3.11 apache2(src) AFFECTED sev=- "
		  "note=- [ECOSYSTEM i:0 f:2.4.34-r0]");
	frec_release(&r);
	/* "2.8.0-r0": {} is empty, not an error */
	r = (struct frec){ .keep = true };
	CHECKF(t, frec_parse(P, DATA, "312-main.json", &r, &err) == CG_OK, "%s", err.msg);
	CHECK_INT(t, r.advisories, 1);
	CHECK_INT(t, r.warnings, 0);
	frec_release(&r);
}

static void t_malformed(struct cgt *t)
{
	static const char *const bad[] = {
		"{\"distroversion\": \"3.11\", \"packages\": []}",
		"{\"distroversion\": \"v3.11\"}",
		"distroversion: v3.1.1\npackages: []\n",
		"a: [b\n",
		"",
	};
	static const char mixed[] =
		"distroversion: edge\npackages:\n- pkg:\n    name: foo\n    secfixes:\n"
		"      1.0-r0:\n      - CVE-2024-0001 XSA-1 some text\n      - just text\n"
		"      not a version!:\n      - CVE-2024-0002\n- pkg:\n    secfixes: {}\n";
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(t, P->parse("x", (const unsigned char *)bad[i], strlen(bad[i]), &sink,
				   &err) == CG_ERR_INVALID,
		       "input %zu", i);
	CHECK_INT(t, P->parse("x", (const unsigned char *)mixed, strlen(mixed), &sink, &err),
		  CG_OK);
	CHECK_INT(t, r.advisories, 1);
	CHECK_INT(t, r.warnings, 3); /* "just text", the bad version, the nameless package */
	CHECK_STR(t, frec_find(&r, "CVE-2024-0001"),
		  "CVE-2024-0001 {XSA-1} [] pub=- wd=0 | Alpine:edge foo(src) AFFECTED sev=- "
		  "note=- [ECOSYSTEM i:0 f:1.0-r0]");
	frec_release(&r);
}

/* alpine-secdb v3.3..v3.11 (19 YAML files): count.py gives 11999 advisories,
 * 5 of them NOT_AFFECTED, 29 entries without an id. */
static void t_whole_feed(struct cgt *t)
{
	struct frec r = { 0 };
	long files = 0, failed = 0;
	if (!frec_have_shared("alpine")) {
		CHECK(t, 1);
		return;
	}
	frec_walk(P, FEED_SHARED "/alpine", "alpine-secdb-v3.3-v3.11", &r, &files, &failed);
	CHECK_INT(t, files, 18);
	CHECK_INT(t, failed, 0);
	CHECK_INT(t, r.advisories, 11999);
	CHECK_INT(t, r.by_status[CG_ADV_NOT_AFFECTED], 5);
	CHECK_INT(t, r.warnings, 29);
	CHECK_INT(t, r.bad, 0);
	frec_release(&r);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_match), CGT_CASE(t_yaml), CGT_CASE(t_json), CGT_CASE(t_malformed),
	CGT_CASE(t_whole_feed),
};
CGT_MAIN(cases)
