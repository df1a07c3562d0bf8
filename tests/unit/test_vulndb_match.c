/* The matcher: ecosystem mapping (OS releases, source and binary names, language
 * ecosystems and their names) and range judging, on a small database built here from
 * OSV records, a Debian CVE list and a debian-security-support file. */
#include <cguard/cguard.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "cgtest.h"

static char dir[] = "/tmp/cg-test-match.XXXXXX";
static struct cg_vulndb *db;

static void put(const char *name, const char *text)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

#define OSV(id, eco, name, ranges, versions)                                          \
	"{\"id\":\"" id "\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\"s " id "\"," \
	"\"aliases\":[\"CVE-" id "\"],\"affected\":[{\"package\":{\"ecosystem\":\"" eco  \
	"\",\"name\":\"" name "\"},\"ranges\":[" ranges "],\"versions\":[" versions "]}]}"
#define R(ev) "{\"type\":\"ECOSYSTEM\",\"events\":[" ev "]}"

static void build(void)
{
	struct cg_error err = { 0 };
	char feeds[4][600], out[512];
	const char *fv[4];


	if (!mkdtemp(dir))
		return;
	snprintf(out, sizeof(out), "%s/osv", dir);
	mkdir(out, 0700);
	snprintf(out, sizeof(out), "%s/data", dir);
	mkdir(out, 0700);
	snprintf(out, sizeof(out), "%s/data/CVE", dir);
	mkdir(out, 0700);
	/* Debian: a source package, release and release-less entries */
	put("osv/D1.json", OSV("D1", "Debian:12", "foo", R("{\"introduced\":\"0\"},{\"fixed\":\"1.0-2\"}"), ""));
	put("osv/D2.json", OSV("D2", "Debian", "foo", R("{\"introduced\":\"0\"},{\"fixed\":\"1.0-5\"}"), ""));
	put("osv/D3.json", OSV("D3", "Debian:12", "libfoo1", R("{\"introduced\":\"0\"},{\"fixed\":\"9.0\"}"), ""));
	put("osv/D4.json", OSV("D4", "Debian:sid", "foo", R("{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}"), ""));
	/* D5: a release entry (not affected) hides the release-less default line */
	put("data/CVE/list",
	    "CVE-2024-0001 (x)\n"
	    "\t- foo 1.0-9\n"
	    "\t[bookworm] - foo <not-affected> (vulnerable code not present)\n"
	    "CVE-2024-0002 (y)\n"
	    "\t- foo <unfixed> (low)\n"
	    "CVE-2024-0003 (z)\n"
	    "\t- bar 1.0-1\n"
	    "\t[bookworm] - bar <end-of-life> (gone)\n");
	put("security-support-ended.deb12",
	    "baz 2.0-1 2024-01-01 No more support\n");
	/* Ubuntu, Alpine, AlmaLinux */
	put("osv/U1.json", OSV("U1", "Ubuntu:22.04:LTS", "qux", R("{\"introduced\":\"0\"},{\"fixed\":\"1.2-1ubuntu1\"}"), ""));
	put("osv/A1.json", OSV("A1", "Alpine:v3.19", "openssl", R("{\"introduced\":\"0\"},{\"fixed\":\"3.1.4-r1\"}"), ""));
	put("osv/R1.json", OSV("R1", "AlmaLinux:8", "mailman", R("{\"introduced\":\"0\"},{\"fixed\":\"3:2.1.29-12.el8\"}"), ""));
	/* languages: PEP 503 names, several ranges, explicit versions, a bad event */
	put("osv/P1.json", OSV("P1", "PyPI", "Foo_Bar.baz",
			       R("{\"introduced\":\"1.0\"},{\"fixed\":\"1.5\"},{\"introduced\":\"2.0\"},{\"fixed\":\"2.3\"}"),
			       "\"0.9\""));
	put("osv/P2.json", OSV("P2", "PyPI", "foo-bar-baz", R("{\"introduced\":\"0\"},{\"last_affected\":\"2.1\"}"), ""));
	put("osv/P3.json", OSV("P3", "PyPI", "foo.bar.baz", R("{\"introduced\":\"3.0\"}"), ""));
	put("osv/N1.json", OSV("N1", "npm", "@scope/pkg", R("{\"introduced\":\"0\"},{\"fixed\":\"1.2.3\"}"), ""));
	put("osv/N2.json", OSV("N2", "npm", "@scope/pkg", R("{\"introduced\":\"0\"},{\"fixed\":\"not!a!version\"}"), ""));
	put("osv/G1.json", OSV("G1", "Go", "golang.org/x/crypto", R("{\"introduced\":\"0\"},{\"fixed\":\"0.31.0\"}"), ""));
	put("osv/G2.json", OSV("G2", "Go", "stdlib", R("{\"introduced\":\"0\"},{\"fixed\":\"1.21.5\"}"), ""));
	put("osv/M1.json", OSV("M1", "Maven", "org.apache.logging.log4j:log4j-core", R("{\"introduced\":\"2.0\"},{\"fixed\":\"2.15.0\"}"), ""));
	put("osv/C1.json", OSV("C1", "Packagist", "vendor/thing", R("{\"introduced\":\"0\"},{\"fixed\":\"1.1\"}"), ""));
	put("osv/W1.json", OSV("W1", "NuGet", "Newtonsoft.Json", R("{\"introduced\":\"0\"},{\"fixed\":\"13.0.1\"}"), ""));
	/* KEV through an alias: G1's alias CVE-G1 is in the catalogue */
	put("known_exploited_vulnerabilities.json",
	    "{\"vulnerabilities\":[{\"cveID\":\"CVE-G1\",\"dateAdded\":\"2025-01-01\","
	    "\"dueDate\":\"2025-01-22\",\"knownRansomwareCampaignUse\":\"Unknown\"}]}");
	/* one advisory, two entries for one package: one finding, the union */
	put("osv/X1.json",
	    "{\"id\":\"X1\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":["
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"dup\"},\"ranges\":[" R("{\"introduced\":\"0\"},{\"fixed\":\"1.4.0\"}") "]},"
	    "{\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"dup\"},\"ranges\":[" R("{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}") "]}]}");
	snprintf(feeds[0], sizeof(feeds[0]), "osv:%s/osv", dir);
	snprintf(feeds[1], sizeof(feeds[1]), "debian:%s/data/CVE/list", dir);
	snprintf(feeds[2], sizeof(feeds[2]), "debian-support:%s/security-support-ended.deb12", dir);
	snprintf(feeds[3], sizeof(feeds[3]), "kev:%s/known_exploited_vulnerabilities.json", dir);
	for (int i = 0; i < 4; i++)
		fv[i] = feeds[i];
	snprintf(out, sizeof(out), "%s/v.db", dir);
	if (cg_vulndb_build(out, fv, 4, NULL, NULL, NULL, &err) != CG_OK ||
	    cg_vulndb_open(out, &db, &err) != CG_OK)
		fprintf(stderr, "build/open: %s\n", cg_error_message(&err));
}

/* Match one package; "ID status fixed|-" lines sorted by id, into out. */
static size_t run(const struct cg_os_info *os, const struct cg_pkg *p, char *out, size_t cap,
		  size_t *skipped)
{
	struct cg_findings *f = cg_findings_new();
	struct cg_error err = { 0 };
	size_t n = 0, o = 0;
	out[0] = '\0';
	if (!f || !db)
		return (size_t)-1;
	if (cg_vulndb_match_pkg(db, os, p, 7, f, &err) != CG_OK) {
		fprintf(stderr, "match: %s\n", cg_error_message(&err));
		cg_findings_free(f);
		return (size_t)-1;
	}
	cg_findings_sort(f);
	n = cg_findings_count(f);
	for (size_t i = 0; i < n; i++) {
		const struct cg_finding *x = cg_findings_at(f, i);
		int k = snprintf(out + o, cap - o, "%s%s %s %s", i ? "," : "", x->id,
				 cg_finding_status_name(x->status), x->fixed ? x->fixed : "-");
		if (k > 0 && (size_t)k < cap - o)
			o += (size_t)k;
	}
	if (skipped)
		*skipped = cg_findings_skipped(f);
	cg_findings_free(f);
	return n;
}

static const struct cg_os_info deb12 = { .id = "debian", .version_id = "12", .codename = "bookworm" };

static void t_debian(struct cgt *t)
{
	static const struct {
		const char *name, *src, *srcver, *ver, *want;
	} cases[] = {
		/* by-source entries by the source name and version; D3 names libfoo1 as a
		 * source package, so the binary libfoo1 (built from foo) does not match it;
		 * D2 and CVE-2024-0002 are release-less lines of advisories without a
		 * Debian:12 entry for foo, so they apply */
		{ "libfoo1", "foo", "1.0-1", "1.0-1+b1", "CVE-2024-0002 unfixed -,D1 fixed 1.0-2,D2 fixed 1.0-5" },
		{ "libfoo1", "foo", NULL, "1.0-1", "CVE-2024-0002 unfixed -,D1 fixed 1.0-2,D2 fixed 1.0-5" },
		/* without Source: the name is the source package's */
		{ "libfoo1", NULL, NULL, "1.0-1", "D3 fixed 9.0" },
		/* at the fix of D1 (source version), below D2's */
		{ "libfoo1", "foo", "1.0-2", "9.0", "CVE-2024-0002 unfixed -,D2 fixed 1.0-5" },
		{ "foo", NULL, NULL, "1.0-5", "CVE-2024-0002 unfixed -" },
		/* end of life: a tracker line without range, the support list too */
		{ "bar", NULL, NULL, "1.0-0", "CVE-2024-0003 end-of-life -" },
		{ "libbaz", "baz", NULL, "2.0-1", "DEBIAN-SUPPORT-ENDED-12-baz end-of-life -" },
		/* support ended: every version, as Debian's check-support-status reads
		 * it (the version column is only the last supported one) */
		{ "libbaz", "baz", NULL, "2.0-2", "DEBIAN-SUPPORT-ENDED-12-baz end-of-life -" },
	};
	char got[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cg_pkg p = { .type = "deb", .name = cases[i].name, .src_name = cases[i].src,
				    .src_version = cases[i].srcver, .version = cases[i].ver,
				    .flags = CG_PKG_OS };
		run(&deb12, &p, got, sizeof(got), NULL);
		CHECKF(t, !strcmp(got, cases[i].want), "%s %s: got '%s', want '%s'", cases[i].name,
		       cases[i].ver, got, cases[i].want);
	}
	/* CVE-2024-0001: its bookworm line says not affected, so the default line
	 * (fixed 1.0-9) must not apply; sid has no release line: the default does */
	{
		struct cg_os_info sid = { .id = "debian", .codename = "trixie" };
		struct cg_pkg p = { .type = "deb", .name = "foo", .version = "1.0-3", .flags = CG_PKG_OS };
		run(&sid, &p, got, sizeof(got), NULL);
		CHECK_STR(t, got, "CVE-2024-0002 unfixed -,CVE-2024-0001 fixed 1.0-9,D2 fixed 1.0-5,D4 fixed 2.0-1");
	}
}

static void t_finding_fields(struct cgt *t)
{
	struct cg_findings *f = cg_findings_new();
	struct cg_pkg p = { .type = "deb", .name = "libfoo1", .src_name = "foo", .src_version = "1.0-1",
			    .version = "1.0-1+b1", .path = "/var/lib/dpkg/status", .layer = 2,
			    .flags = CG_PKG_OS };
	const struct cg_finding *x = NULL;
	CHECK(t, f && db && cg_vulndb_match_pkg(db, &deb12, &p, 3, f, NULL) == CG_OK);
	cg_findings_sort(f);
	for (size_t i = 0; i < cg_findings_count(f); i++)
		if (!strcmp(cg_findings_at(f, i)->id, "D1"))
			x = cg_findings_at(f, i);
	CHECK(t, x != NULL);
	if (x) {
		CHECK_STR(t, x->ecosystem, "Debian:12");
		CHECK_STR(t, x->package, "foo");
		CHECK_STR(t, x->installed, "1.0-1");
		CHECK_STR(t, x->pkg_version, "1.0-1+b1");
		CHECK_STR(t, x->pkg_path, "/var/lib/dpkg/status");
		CHECK_INT(t, x->pkg_layer, 2);
		CHECK_INT(t, x->pkg_index, 3);
		CHECK_STR(t, x->summary, "s D1");
		CHECK_INT(t, x->naliases, 1);
		CHECK(t, x->naliases == 1 && !strcmp(x->aliases[0], "CVE-D1"));
	}
	/* sorted: the low-urgency CVE first (level), then by id */
	CHECK(t, cg_findings_count(f) > 0 && !strcmp(cg_findings_at(f, 0)->id, "CVE-2024-0002"));
	CHECK_INT(t, cg_findings_at(f, 0) ? (int)cg_findings_at(f, 0)->level : -1, CG_LEVEL_LOW);
	cg_findings_free(f);
}

static void t_os_packages(struct cgt *t)
{
	struct cg_os_info ubu = { .id = "ubuntu", .version_id = "22.04" };
	struct cg_os_info alp = { .id = "alpine", .version_id = "3.19.1" };
	struct cg_os_info alma = { .id = "almalinux", .version_id = "8.9" };
	struct cg_os_info rhel = { .id = "rhel", .version_id = "8.9" };
	struct cg_pkg qux = { .type = "deb", .name = "libqux", .src_name = "qux", .version = "1.2-1",
			      .flags = CG_PKG_OS };
	struct cg_pkg ssl = { .type = "apk", .name = "libcrypto3", .src_name = "openssl",
			      .version = "3.1.4-r0", .flags = CG_PKG_OS };
	struct cg_pkg mm = { .type = "rpm", .name = "mailman", .epoch = "3", .version = "2.1.29-11.el8",
			     .src_name = "mailman-srpm", .flags = CG_PKG_OS }; /* by binary name */
	char got[256];
	run(&ubu, &qux, got, sizeof(got), NULL);
	CHECK_STR(t, got, "U1 fixed 1.2-1ubuntu1");
	run(&alp, &ssl, got, sizeof(got), NULL);
	CHECK_STR(t, got, "A1 fixed 3.1.4-r1");
	ssl.version = "3.1.4-r1";
	run(&alp, &ssl, got, sizeof(got), NULL);
	CHECK_STR(t, got, "");
	run(&alma, &mm, got, sizeof(got), NULL);
	CHECK_STR(t, got, "R1 fixed 3:2.1.29-12.el8");
	mm.epoch = NULL; /* epoch 0 is below epoch 3 whatever the version */
	mm.version = "9.9-1.el8";
	run(&alma, &mm, got, sizeof(got), NULL);
	CHECK_STR(t, got, "R1 fixed 3:2.1.29-12.el8");
	mm.epoch = "3";
	mm.version = "2.1.29-12.el8";
	run(&alma, &mm, got, sizeof(got), NULL);
	CHECK_STR(t, got, "");
	/* unmapped: an rpm distribution without an OSV ecosystem, or no OS at all */
	{
		struct cg_findings *f = cg_findings_new();
		CHECK(t, f && db && cg_vulndb_match_pkg(db, &rhel, &mm, 0, f, NULL) == CG_OK);
		CHECK(t, f && db && cg_vulndb_match_pkg(db, NULL, &qux, 1, f, NULL) == CG_OK);
		CHECK_INT(t, cg_findings_unmapped(f), 2);
		CHECK_INT(t, cg_findings_count(f), 0);
		cg_findings_free(f);
	}
}

static void t_languages(struct cgt *t)
{
	static const struct {
		const char *type, *ns, *name, *ver, *want;
		unsigned flags;
		size_t skipped;
	} cases[] = {
		/* PEP 503 on both sides: Foo_Bar.baz, foo-bar-baz, foo.bar.baz are one name;
		 * several ranges; an explicit version outside them; last_affected */
		{ "pypi", NULL, "FOO-bar_baz", "2.0.5", "P1 fixed 2.3,P2 unfixed -", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "1.2", "P1 fixed 1.5,P2 unfixed -", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "1.5", "P2 unfixed -", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "0.9", "P1 unfixed -,P2 unfixed -", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "2.3", "", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "3.1", "P3 unfixed -", 0, 0 },
		{ "pypi", NULL, "foo-bar-baz", "1.2", "", CG_PKG_OWNED_BY_OS, 0 },
		/* N2's fixed event does not parse: skipped and counted, never guessed */
		{ "npm", "@scope", "pkg", "1.2.2", "N1 fixed 1.2.3", 0, 1 },
		{ "npm", "@scope", "pkg", "not a version", "", 0, 2 },
		{ "npm", NULL, "pkg", "1.2.2", "", 0, 0 },
		{ "golang", "golang.org/x", "crypto", "v0.30.0", "G1 fixed 0.31.0", 0, 0 },
		{ "golang", NULL, "stdlib", "1.21.4", "G2 fixed 1.21.5", 0, 0 },
		{ "maven", "org.apache.logging.log4j", "log4j-core", "2.14.1", "M1 fixed 2.15.0", 0, 0 },
		{ "maven", "org.apache.logging.log4j", "log4j-core", "1.2", "", 0, 0 },
		{ "composer", "vendor", "thing", "1.0.1", "C1 fixed 1.1", 0, 0 },
		{ "nuget", NULL, "newtonsoft.json", "12.0.3", "W1 fixed 13.0.1", 0, 0 },
		/* two entries of one record: 1.3.0 leaves one but is still inside the
		 * other, so the fix is 1.4.0 (the union's) */
		{ "cargo", NULL, "dup", "1.0.0", "X1 fixed 1.4.0", 0, 0 },
		{ "cargo", NULL, "dup", "1.3.5", "X1 fixed 1.4.0", 0, 0 },
	};
	char got[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cg_pkg p = { .type = cases[i].type, .namespace_ = cases[i].ns,
				    .name = cases[i].name, .version = cases[i].ver,
				    .flags = cases[i].flags };
		size_t skipped = 99;
		run(&deb12, &p, got, sizeof(got), &skipped);
		CHECKF(t, !strcmp(got, cases[i].want), "%s %s %s: got '%s', want '%s'", cases[i].type,
		       cases[i].name, cases[i].ver, got, cases[i].want);
		CHECKF(t, skipped == cases[i].skipped, "%s %s %s: skipped %zu, want %zu",
		       cases[i].type, cases[i].name, cases[i].ver, skipped, cases[i].skipped);
	}
}

static void t_open_errors(struct cgt *t)
{
	struct cg_vulndb *x = NULL;
	struct cg_error err = { 0 };
	char path[512];
	CHECK_INT(t, cg_vulndb_open("/nonexistent/v.db", &x, &err), CG_ERR_NOTFOUND);
	snprintf(path, sizeof(path), "%s/data/CVE/list", dir);
	CHECK(t, cg_vulndb_open(path, &x, &err) != CG_OK && x == NULL);
	CHECK(t, strstr(err.msg, "not a cguard vulnerability database") != NULL);
}

static void t_cleanup(struct cgt *t)
{
	char cmd[600];
	cg_vulndb_close(db);
	db = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(t, system(cmd) == 0);
}

static void t_setup(struct cgt *t)
{
	build();
	CHECK(t, db != NULL);
}

/* A finding is known exploited when its advisory or one of its aliases is in KEV. */
static void t_kev_alias(struct cgt *t)
{
	struct cg_pkg g = { .type = "golang", .name = "golang.org/x/crypto", .version = "0.30.0" };
	struct cg_pkg n = { .type = "npm", .namespace_ = "@scope", .name = "pkg", .version = "1.0.0" };
	struct cg_findings *f = cg_findings_new();
	const struct cg_finding *x;
	CHECK(t, f && db);
	if (!f || !db)
		return;
	CHECK(t, cg_vulndb_match_pkg(db, NULL, &g, 0, f, NULL) == CG_OK);
	CHECK(t, cg_vulndb_match_pkg(db, NULL, &n, 1, f, NULL) == CG_OK);
	cg_findings_sort(f);
	CHECK_INT(t, cg_findings_count(f), 2);
	x = cg_findings_at(f, 0);
	CHECK(t, x && !strcmp(x->id, "G1") && x->kev);
	CHECK(t, x && x->urgency == CG_URGENCY_NOW); /* fixed and exploited */
	x = cg_findings_at(f, 1);
	CHECK(t, x && !strcmp(x->id, "N1") && !x->kev);
	cg_findings_free(f);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_setup),   CGT_CASE(t_debian),      CGT_CASE(t_finding_fields),
	CGT_CASE(t_os_packages), CGT_CASE(t_languages), CGT_CASE(t_kev_alias),
	CGT_CASE(t_open_errors),
	CGT_CASE(t_cleanup),
};
CGT_MAIN(cases)
