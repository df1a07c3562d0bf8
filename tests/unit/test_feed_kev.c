/* CISA KEV feed (lib/vulndb/feed_kev.c): a subset of the real catalogue in
 * tests/data/feeds/kev/ (see README.md), and the whole catalogue when
 * /work/shared/feeds exists (1404 entries, 293 "Known" ransomware use, as
 * python3's json module counts them). */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_kev;
#define P (&cg_feed_kev)

static void t_subset(struct cgt *t)
{
	struct frec r = { .keep = true };
	struct cg_error err = { 0 };
	CHECK(t, P->match("cisa-kev/known_exploited_vulnerabilities.json"));
	CHECK(t, !P->match("cisa-kev/known_exploited_vulnerabilities_schema.json"));
	CHECK_STR(t, P->type, "kev");
	CHECKF(t, frec_parse(P, CG_TEST_DATA "/feeds/kev", "known_exploited_vulnerabilities.json",
			     &r, &err) == CG_OK,
	       "%s", err.msg);
	CHECK_INT(t, r.advisories, 6);
	CHECK_INT(t, r.affected, 0);
	CHECK_STR(t, frec_find(&r, "CVE-2021-44228"),
		  "CVE-2021-44228 {} [] pub=- wd=0 kev=2021-12-10,2021-12-24,1");
	CHECK_STR(t, frec_find(&r, "CVE-2025-48384"),
		  "CVE-2025-48384 {} [] pub=- wd=0 kev=2025-08-25,2025-09-15,0");
	frec_release(&r);
}

static void t_malformed(struct cgt *t)
{
	static const char *const bad[] = { "[]", "{\"vulnerabilities\": {}}", "{", "" };
	static const char skip[] =
		"{\"vulnerabilities\": [{\"cveID\": 5}, {\"dateAdded\": \"x\"}, "
		"{\"cveID\": \"CVE-1 2\"}, {\"cveID\": \"CVE-2024-1\"}]}";
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(t, P->parse("k", (const unsigned char *)bad[i], strlen(bad[i]), &sink,
				   &err) == CG_ERR_INVALID,
		       "input %zu", i);
	CHECK_INT(t, P->parse("k", (const unsigned char *)skip, strlen(skip), &sink, &err), CG_OK);
	CHECK_INT(t, r.advisories, 1);
	CHECK_INT(t, r.warnings, 3);
	CHECK_STR(t, frec_find(&r, "CVE-2024-1"), "CVE-2024-1 {} [] pub=- wd=0 kev=-,-,0");
	frec_release(&r);
}

static void t_whole_feed(struct cgt *t)
{
	struct frec r = { .keep = true };
	struct cg_error err = { 0 };
	long known = 0;
	if (!frec_have_shared("kev")) {
		CHECK(t, 1);
		return;
	}
	CHECKF(t, frec_parse(P, FEED_SHARED "/kev/cisa-kev", "known_exploited_vulnerabilities.json",
			     &r, &err) == CG_OK,
	       "%s", err.msg);
	CHECK_INT(t, r.advisories, 1404);
	for (size_t i = 0; i < r.n; i++)
		known += strstr(r.lines[i], ",1") != NULL;
	CHECK_INT(t, known, 293);
	frec_release(&r);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_subset),
	CGT_CASE(t_malformed),
	CGT_CASE(t_whole_feed),
};
CGT_MAIN(cases)
