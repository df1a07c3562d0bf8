/* debian-security-support lists (lib/vulndb/feed_debian_support.c) over the
 * real files in tests/data/feeds/debian-support/ (see README.md); every
 * non-comment line is one advisory (16 and 32 lines, counted with grep). */
#include "cgtest.h"
#include "feedrec.h"

extern const struct cg_feed_parser cg_feed_debian_support;

static void parse_one(struct cgt *t, const struct cg_feed_parser *p, const char *root,
		      const char *rel, struct frec *r)
{
	struct cg_error err = { 0 };
	cg_err_t rc = frec_parse(p, root, rel, r, &err);
	CHECKF(t, rc == CG_OK, "%s: %s", rel, err.msg);
}

/* debian-security-support */
static void t_support(struct cgt *t)
{
	struct frec r = { .keep = true };
	const struct cg_feed_parser *p = &cg_feed_debian_support;
	CHECK(t, p->match("debian-security-support/security-support-ended.deb12"));
	CHECK(t, p->match("security-support-limited"));
	CHECK(t, !p->match("security-support-ended.debx"));
	CHECK(t, !p->match("copyright"));
	parse_one(t, p, CG_TEST_DATA "/feeds/debian-support", "security-support-ended.deb12",
		  &r);
	CHECK_INT(t, r.n, 16);
	CHECK_INT(t, r.warnings, 0);
	CHECK_STR(t, frec_find(&r, "DEBIAN-SUPPORT-ENDED-12-suricata"),
		  "DEBIAN-SUPPORT-ENDED-12-suricata {} [] pub=2026-04-30 wd=0 | Debian:12 "
		  "suricata(src) EOL sev=- note=security support ended 2026-04-30 (last supported "
		  "version 1:6.0.10-1): Upstream "
		  "security support ended in Aug 2024 and backporting fixes is now unfeasible. "
		  "See: https://bugs.debian.org/1134367");
	/* version 0: every version, no range; the name is a regular expression */
	CHECK_STR(t, frec_find(&r, "DEBIAN-SUPPORT-ENDED-12-php-horde.*"),
		  "DEBIAN-SUPPORT-ENDED-12-php-horde.* {} [] pub=2025-03-22 wd=0 | Debian:12 "
		  "php-horde.*(src) EOL sev=- note=security support ended 2025-03-22: "
		  "https://lists.debian.org/debian-lts/2025/03/msg00012.html; incompatible with "
		  "PHP8 (package name is a regular expression)");
	frec_release(&r);
	r = (struct frec){ .keep = true };
	parse_one(t, p, CG_TEST_DATA "/feeds/debian-support", "security-support-limited", &r);
	CHECK_INT(t, r.n, 32);
	CHECK_STR(t, frec_find(&r, "DEBIAN-SUPPORT-LIMITED-binutils"),
		  "DEBIAN-SUPPORT-LIMITED-binutils {} [] pub=- wd=0 | Debian binutils(src) "
		  "UNFIXED sev=- note=limited security support: Only suitable for trusted "
		  "content; see "
		  "https://lists.debian.org/msgid-search/87lfqsomtg.fsf@mid.deneb.enyo.de");
	frec_release(&r);
}


static void t_malformed(struct cgt *t)
{
	static const char lines[] =
		"# comment\n\nfoo 1.0-1 2024-01-01 details here\nbar 1.0\nbaz 1.0 2024-01-01x\n"
		"qux 1.0 24-01-01\n";
	struct frec r = { .keep = true };
	struct cg_adv_sink sink = { frec_add, frec_warn, &r };
	struct cg_error err;
	CHECK_INT(t, cg_feed_debian_support.parse("security-support-ended.deb13",
						  (const unsigned char *)lines, strlen(lines),
						  &sink, &err),
		  CG_OK);
	CHECK_INT(t, r.advisories, 1);
	CHECK_INT(t, r.warnings, 3);
	CHECK_STR(t, frec_find(&r, "DEBIAN-SUPPORT-ENDED-13-foo"),
		  "DEBIAN-SUPPORT-ENDED-13-foo {} [] pub=2024-01-01 wd=0 | Debian:13 foo(src) EOL "
		  "sev=- note=security support ended 2024-01-01 (last supported version 1.0-1): "
		  "details here");
	CHECK_INT(t, cg_feed_debian_support.parse("README", (const unsigned char *)lines,
						  strlen(lines), &sink, &err),
		  CG_ERR_INVALID);
	frec_release(&r);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_support),
	CGT_CASE(t_malformed),
};
CGT_MAIN(cases)
