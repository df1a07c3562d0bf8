/* The osv: feed parser (lib/vulndb/feed_osv.c) on real records copied to
 * tests/data/feeds/osv/ (see the README there), each checked field by field
 * against the file; on small inline inputs, one behaviour each; and, when
 * /work/shared/feeds/osv (or $CG_OSV_FEED) exists, over the whole feed,
 * compared with the counts tests/data/feeds/osv/osv_counts.py computes with
 * json + PyYAML. */
#define _GNU_SOURCE
#include <ftw.h>
#include <sys/stat.h>
#include <cguard/cguard.h>
#include "vulndb/advisory.h"
#include "cgtest.h"

extern const struct cg_feed_parser cg_feed_osv;

#define OSV_DATA CG_TEST_DATA "/feeds/osv"

/* ---- a sink that writes what it gets as text ----------------------------- */

struct rec {
	char *dump; /* every advisory, see dump_adv() */
	size_t len, cap;
	size_t nadv, naff, nranges, nevents, nversions, naliases, nrelated, nrefs, nsev;
	size_t nwithdrawn, nby_source, nsev_words;
	int warns;
	char last_warn[512];
	char summary[512];
	char details[2048];
	int fail_after; /* the add that returns CG_ERR_LIMIT (1 = the first) */
	bool quiet;	/* counts only */
};

static void put(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	char tmp[4096];
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (r->len + (size_t)n + 1 > r->cap) {
		size_t cap = (r->cap ? r->cap * 2 : 4096) + (size_t)n;
		char *p = realloc(r->dump, cap);
		if (!p)
			abort();
		r->dump = p;
		r->cap = cap;
	}
	memcpy(r->dump + r->len, tmp, (size_t)n + 1);
	r->len += (size_t)n;
}

static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit"};

/* id / aliases / related / dates / severities / references / affected, one
 * line each; versions as their count, first and last. */
static void dump_adv(struct rec *r, const struct cg_advisory *a)
{
	put(r, "id %s\n", a->id);
	put(r, "aliases");
	for (size_t i = 0; i < a->naliases; i++)
		put(r, " %s", a->aliases[i]);
	put(r, "\nrelated");
	for (size_t i = 0; i < a->nrelated; i++)
		put(r, " %s", a->related[i]);
	put(r, "\ndates %s %s withdrawn=%d\n", a->published ? a->published : "-",
	    a->modified ? a->modified : "-", a->withdrawn);
	for (size_t i = 0; i < a->nseverities; i++)
		put(r, "severity %s %s\n", a->severities[i].type, a->severities[i].score);
	for (size_t i = 0; i < a->nreferences; i++)
		put(r, "ref %s\n", a->references[i]);
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		put(r, "affected %s|%s|%s src=%d status=%d sev=%s\n", f->ecosystem, f->package,
		    f->purl ? f->purl : "-", f->by_source, (int)f->status,
		    f->severity ? f->severity : "-");
		for (size_t k = 0; k < f->nranges; k++) {
			put(r, " %s", f->ranges[k].type);
			for (size_t e = 0; e < f->ranges[k].nevents; e++)
				put(r, " %s:%s", kinds[f->ranges[k].events[e].kind],
				    f->ranges[k].events[e].version);
			put(r, "\n");
		}
		if (f->nversions)
			put(r, " versions %zu %s..%s\n", f->nversions, f->versions[0],
			    f->versions[f->nversions - 1]);
	}
}

static cg_err_t rec_add(void *ud, const struct cg_advisory *a)
{
	struct rec *r = ud;
	if (r->fail_after && (int)r->nadv + 1 >= r->fail_after)
		return CG_ERR_LIMIT;
	r->nadv++;
	r->naliases += a->naliases;
	r->nrelated += a->nrelated;
	r->nrefs += a->nreferences;
	r->nsev += a->nseverities;
	r->nwithdrawn += a->withdrawn;
	r->naff += a->naffected;
	for (size_t i = 0; i < a->naffected; i++) {
		const struct cg_adv_affected *f = &a->affected[i];
		r->nby_source += f->by_source;
		r->nsev_words += f->severity != NULL;
		r->nversions += f->nversions;
		r->nranges += f->nranges;
		for (size_t k = 0; k < f->nranges; k++)
			r->nevents += f->ranges[k].nevents;
	}
	if (r->quiet)
		return CG_OK;
	snprintf(r->summary, sizeof(r->summary), "%s", a->summary ? a->summary : "(null)");
	snprintf(r->details, sizeof(r->details), "%s", a->details ? a->details : "(null)");
	dump_adv(r, a);
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	if (getenv("CG_TEST_VERBOSE"))
		fprintf(stderr, "    warn %s: %s\n", path, msg);
	snprintf(r->last_warn, sizeof(r->last_warn), "%s", msg);
	r->warns++;
}

static void rec_reset(struct rec *r)
{
	free(r->dump);
	memset(r, 0, sizeof(*r));
}

static cg_err_t run(struct rec *r, const char *path, const void *data, size_t len)
{
	struct cg_adv_sink s = {rec_add, rec_warn, r};
	struct cg_error e;
	int fail_after = r->fail_after;
	bool quiet = r->quiet;
	rec_reset(r);
	r->fail_after = fail_after;
	r->quiet = quiet;
	return cg_feed_osv.parse(path, data, len, &s, &e);
}

static cg_err_t run_str(struct rec *r, const char *path, const char *text)
{
	return run(r, path, text, strlen(text));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* Parse one committed file; the parse status, and the record in r. */
static cg_err_t run_file(struct rec *r, const char *rel)
{
	char path[512];
	size_t len = 0;
	char *data;
	cg_err_t rc;
	snprintf(path, sizeof(path), "%s/%s", OSV_DATA, rel);
	data = slurp(path, &len);
	if (!data) {
		fprintf(stderr, "  cannot read %s\n", path);
		return CG_ERR_IO;
	}
	rc = run(r, rel, data, len);
	free(data);
	return rc;
}

/* ---- real records, field by field ----------------------------------------- */

struct real_case {
	const char *file;
	const char *dump;    /* exactly */
	const char *summary; /* exactly */
	const char *details; /* a prefix */
};

static const struct real_case real_cases[] = {
    /* GHSA: a Go package with an ECOSYSTEM range; GHSA's severity word */
    {"ghsa/GHSA-v778-237x-gjrc.json",
     "id GHSA-v778-237x-gjrc\n"
     "aliases CVE-2024-45337\n"
     "related\n"
     "dates 2024-12-11T21:30:32Z 2024-12-12T13:13:13Z withdrawn=0\n"
     "severity CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N\n"
     "ref https://nvd.nist.gov/vuln/detail/CVE-2024-45337\n"
     "ref https://pkg.go.dev/vuln/GO-2024-3321\n"
     "affected Go|golang.org/x/crypto|- src=0 status=0 sev=HIGH\n"
     " ECOSYSTEM introduced:0 fixed:0.31.0\n",
     "Misuse of ServerConfig.PublicKeyCallback may cause authorization bypass in "
     "golang.org/x/crypto",
     "Applications and libraries which misuse the ServerConfig.PublicKeyCallback callback "
     "may be susceptible to an authorization bypass."},
    /* GHSA: two affected entries of one Packagist package */
    {"ghsa/GHSA-wjx8-cgrm-hh8p.json",
     "id GHSA-wjx8-cgrm-hh8p\n"
     "aliases CVE-2019-19745\n"
     "related\n"
     "dates 2019-12-17T22:53:10Z 2023-04-25T16:32:33Z withdrawn=0\n"
     "severity CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H\n"
     "ref https://github.com/contao/contao/security/advisories/GHSA-wjx8-cgrm-hh8p\n"
     "ref https://nvd.nist.gov/vuln/detail/CVE-2019-19745\n"
     "ref https://contao.org/en/news.html\n"
     "ref https://contao.org/en/security-advisories/unrestricted-file-uploads.html\n"
     "ref https://github.com/FriendsOfPHP/security-advisories/blob/master/contao/core-bundle/"
     "CVE-2019-19745.yaml\n"
     "ref https://github.com/contao/contao\n"
     "affected Packagist|contao/core-bundle|- src=0 status=0 sev=HIGH\n"
     " ECOSYSTEM introduced:4.0.0 fixed:4.4.46\n"
     "affected Packagist|contao/core-bundle|- src=0 status=0 sev=HIGH\n"
     " ECOSYSTEM introduced:4.5.0 fixed:4.8.6\n",
     "Unrestricted file uploads in Contao", "### Impact\n\nA back end user with access"},
    /* Go vulndb: SEMVER ranges, three intervals in order, and an open one */
    {"go/GO-2026-4806.json",
     "id GO-2026-4806\n"
     "aliases CVE-2026-33413 GHSA-q8m4-xhhv-38mg\n"
     "related\n"
     "dates 0001-01-01T00:00:00Z 0001-01-01T00:00:00Z withdrawn=0\n"
     "ref https://github.com/etcd-io/etcd/security/advisories/GHSA-q8m4-xhhv-38mg\n"
     "affected Go|go.etcd.io/etcd|- src=0 status=0 sev=-\n"
     " SEMVER introduced:0\n"
     "affected Go|go.etcd.io/etcd/v3|- src=0 status=0 sev=-\n"
     " SEMVER introduced:0 fixed:3.4.42 introduced:3.5.0-alpha.0 fixed:3.5.28 "
     "introduced:3.6.0-alpha.0 fixed:3.6.9\n",
     "Authorization bypasses in multiple APIs in go.etcd.io/etcd",
     "Authorization bypasses in multiple APIs in go.etcd.io/etcd"},
    /* PyPA YAML: withdrawn, versions[], introduced 0 and no fix (still AFFECTED) */
    {"pypa/PYSEC-2023-73.yaml",
     "id PYSEC-2023-73\n"
     "aliases CVE-2023-31655\n"
     "related\n"
     "dates 2023-05-18T20:15:00Z 2023-06-27T18:49:56.911238Z withdrawn=1\n"
     "ref https://github.com/RedisLabs/redisraft/issues/608\n"
     "ref https://github.com/RedisLabs/redisraft/issues/608\n"
     "ref https://github.com/RedisLabs/redisraft/issues/608\n"
     "affected PyPI|redis|pkg:pypi/redis src=0 status=0 sev=-\n"
     " ECOSYSTEM introduced:0\n"
     " versions 114 0.6.0..5.0.0rc1\n",
     "(null)", "redis-7.0.10 was discovered to contain a segmentation violation."},
    /* PyPA YAML: last_affected (the one in the feed), a folded plain scalar */
    {"pypa/PYSEC-2022-42969.yaml",
     "id PYSEC-2022-42969\n"
     "aliases CVE-2022-42969 GHSA-w596-4wvx-j9j6\n"
     "related\n"
     "dates 2022-11-04T11:00:00Z 2022-11-04T11:00:00Z withdrawn=0\n"
     "ref https://github.com/advisories/GHSA-w596-4wvx-j9j6\n"
     "ref https://nvd.nist.gov/vuln/detail/CVE-2022-42969\n"
     "ref https://github.com/pytest-dev/py/issues/287\n"
     "ref https://github.com/pytest-dev/py/issues/288\n"
     "ref https://github.com/pytest-dev/pytest/issues/10392\n"
     "affected PyPI|py|pkg:pypi/py src=0 status=0 sev=-\n"
     " ECOSYSTEM introduced:0 last_affected:1.11.0\n"
     " versions 65 0.8.0-alpha2..1.11.0\n",
     "(null)",
     "The py library through 1.11.0 for Python allows remote attackers to conduct a ReDoS "
     "(Regular expression Denial of Service) attack via a Subversion repository with crafted "
     "info data, because the InfoSvnCommand argument is mishandled."},
    /* PyPA YAML: a GIT range dropped, unquoted timestamps kept as text, CVSS */
    {"pypa/PYSEC-2023-236.yaml",
     "id PYSEC-2023-236\n"
     "aliases CVE-2023-47163\n"
     "related\n"
     "dates 2023-11-13T03:15:00Z 2023-11-16T20:25:23.801345Z withdrawn=0\n"
     "severity CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\n"
     "ref https://github.com/remarshal-project/remarshal/releases/tag/v0.17.1\n"
     "ref https://github.com/remarshal-project/remarshal/commit/"
     "fd6ac799a02f533c3fc243b49cdd6d21aa7ee494\n"
     "ref https://jvn.jp/en/jp/JVN86156389/\n"
     "affected PyPI|remarshal|pkg:pypi/remarshal src=0 status=0 sev=-\n"
     " ECOSYSTEM introduced:0 fixed:0.17.1\n"
     " versions 15 0.10.0..0.9.2\n",
     "(null)", "Remarshal prior to v0.17.1 expands YAML alias nodes unlimitedly, hence "},
    /* AlmaLinux 10: several binary rpms, epochs, CVEs in related, severity
     * from the summary */
    {"almalinux/almalinux10/ALSA-2026:9666.json",
     "id ALSA-2026:9666\n"
     "aliases\n"
     "related CVE-2026-3203 CVE-2026-3201\n"
     "dates 2026-04-22T00:00:00Z 2026-04-24T10:01:40Z withdrawn=0\n"
     "ref https://access.redhat.com/errata/RHSA-2026:9666\n"
     "ref https://access.redhat.com/security/cve/CVE-2026-3201\n"
     "ref https://access.redhat.com/security/cve/CVE-2026-3203\n"
     "ref https://bugzilla.redhat.com/2442639\n"
     "ref https://bugzilla.redhat.com/2442641\n"
     "ref https://errata.almalinux.org/10/ALSA-2026-9666.html\n"
     "affected AlmaLinux:10|wireshark|- src=0 status=0 sev=Moderate\n"
     " ECOSYSTEM introduced:0 fixed:1:4.4.2-4.el10_1.4\n"
     "affected AlmaLinux:10|wireshark-cli|- src=0 status=0 sev=Moderate\n"
     " ECOSYSTEM introduced:0 fixed:1:4.4.2-4.el10_1.4\n"
     "affected AlmaLinux:10|wireshark-devel|- src=0 status=0 sev=Moderate\n"
     " ECOSYSTEM introduced:0 fixed:1:4.4.2-4.el10_1.4\n",
     "Moderate: wireshark security update", "The wireshark packages contain a network"},
    /* AlmaLinux 9: a bug-fix advisory, binary package names */
    {"almalinux/almalinux9/ALBA-2022:8256.json",
     "id ALBA-2022:8256\n"
     "aliases\n"
     "related\n"
     "dates 2022-11-15T00:00:00Z 2023-06-19T09:29:32Z withdrawn=0\n"
     "ref https://access.redhat.com/errata/RHBA-2022:8256\n"
     "ref https://access.redhat.com/security/cve/CVE-2022-36369\n"
     "ref https://bugzilla.redhat.com/2170784\n"
     "ref https://errata.almalinux.org/9/ALBA-2022-8256.html\n"
     "affected AlmaLinux:9|qatzip|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:1.0.9-1.el9\n"
     "affected AlmaLinux:9|qatzip-devel|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:1.0.9-1.el9\n"
     "affected AlmaLinux:9|qatzip-libs|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:1.0.9-1.el9\n",
     "Important: qatzip bug fix and enhancement update", "For detailed information"},
    /* AlmaLinux 8: one module package three times (three module builds) */
    {"almalinux/almalinux8/ALSA-2021:4826.json",
     "id ALSA-2021:4826\n"
     "aliases\n"
     "related CVE-2021-42097 CVE-2021-42096\n"
     "dates 2021-11-23T20:17:35Z 2021-11-24T20:52:59Z withdrawn=0\n"
     "ref https://errata.almalinux.org/8/ALSA-2021-4826.html\n"
     "ref https://vulners.com/cve/CVE-2021-42096\n"
     "ref https://vulners.com/cve/CVE-2021-42097\n"
     "affected AlmaLinux:8|mailman|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:3:2.1.29-12.module_el8.5.0+26+48d4c9ee.2\n"
     "affected AlmaLinux:8|mailman|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:3:2.1.29-12.module_el8.5.0+2601+e8845b76.1\n"
     "affected AlmaLinux:8|mailman|- src=0 status=0 sev=Important\n"
     " ECOSYSTEM introduced:0 fixed:3:2.1.29-12.module_el8.5.0+2602+327eb9f3.2\n",
     "Important: mailman:2.1 security update", NULL},
    /* Debian (osv.dev fixture): a source package, by_source */
    {"debian/DSA-3029-1.json",
     "id DSA-3029-1\n"
     "aliases CVE-2014-3616\n"
     "related\n"
     "dates 2014-09-20T00:00:00Z 2014-09-20T08:18:07Z withdrawn=0\n"
     "ref https://www.debian.org/security/2014/dsa-3029\n"
     "affected Debian:7|nginx|- src=1 status=0 sev=-\n"
     " ECOSYSTEM introduced:0 fixed:1.2.1-2.2+wheezy3\n",
     "nginx - security update", "\nAntoine Delignat-Lavaud and Karthikeyan Bhargavan"},
};

static void t_real_records(struct cgt *t)
{
	struct rec r = {0};
	for (size_t i = 0; i < sizeof(real_cases) / sizeof(real_cases[0]); i++) {
		const struct real_case *c = &real_cases[i];
		cg_err_t rc = run_file(&r, c->file);
		CHECKF(t, rc == CG_OK && r.nadv == 1 && r.warns == 0,
		       "%s: rc %d, %zu records, %d warnings", c->file, rc, r.nadv, r.warns);
		CHECKF(t, r.dump && strcmp(r.dump, c->dump) == 0, "%s: got\n%s\nexpected\n%s",
		       c->file, r.dump ? r.dump : "(none)", c->dump);
		CHECKF(t, strcmp(r.summary, c->summary) == 0, "%s: summary \"%s\"", c->file,
		       r.summary);
		CHECKF(t, !c->details || strncmp(r.details, c->details, strlen(c->details)) == 0,
		       "%s: details \"%.80s\"", c->file, r.details);
	}
	rec_reset(&r);
}

/* A record of osv.dev's Debian set with only `upstream` and no affected. */
static void t_upstream_into_related(struct cgt *t)
{
	struct rec r = {0};
	CHECK_INT(t, run_file(&r, "debian/DLA-3623-1.json"), CG_OK);
	CHECK_INT(t, r.nadv, 1);
	CHECK_INT(t, r.nrelated, 44);
	CHECK_INT(t, r.naff, 0);
	CHECK(t, r.dump && strncmp(r.dump,
				   "id DLA-3623-1\naliases\nrelated CVE-2022-39189 "
				   "CVE-2022-4269 CVE-2023-1206 ",
				   60) == 0);
	CHECK(t, r.dump && strstr(r.dump, " CVE-2023-4921\ndates 2023-08-14T00:00:00Z "
					  "2025-10-13T15:48:05.749899Z withdrawn=0\n"));
	rec_reset(&r);
}

/* Two real records as a JSON array, as {"vulns": [...]}, and as two YAML
 * documents: each record is reported as on its own. */
static void t_arrays_and_streams(struct cgt *t)
{
	struct rec r = {0};
	size_t la = 0, lb = 0, ly = 0;
	char *a = slurp(OSV_DATA "/ghsa/GHSA-v778-237x-gjrc.json", &la);
	char *b = slurp(OSV_DATA "/go/GO-2026-4806.json", &lb);
	char *y = slurp(OSV_DATA "/pypa/PYSEC-2022-42969.yaml", &ly);
	char *buf = malloc(la + lb + ly * 2 + 64), *one = NULL;
	CHECK(t, a && b && y && buf);
	if (!a || !b || !y || !buf)
		goto done;
	/* the expected text: each file on its own */
	CHECK_INT(t, run(&r, "a.json", a, la), CG_OK);
	one = strdup(r.dump);
	CHECK_INT(t, run(&r, "b.json", b, lb), CG_OK);
	one = realloc(one, strlen(one) + r.len + 1);
	strcat(one, r.dump);

	snprintf(buf, la + lb + 64, "[%s,%s]", a, b);
	CHECK_INT(t, run_str(&r, "export.json", buf), CG_OK);
	CHECK_INT(t, r.nadv, 2);
	CHECK_STR(t, r.dump, one);
	snprintf(buf, la + lb + 64, "{\"vulns\": [%s,\n%s]}", a, b);
	CHECK_INT(t, run_str(&r, "query.json", buf), CG_OK);
	CHECK_INT(t, r.nadv, 2);
	CHECK_STR(t, r.dump, one);
	/* the same JSON with a byte order mark, and under a name with no suffix */
	snprintf(buf, la + 64, "\xef\xbb\xbf%s", a);
	CHECK_INT(t, run_str(&r, "bom.json", buf), CG_OK);
	CHECK_INT(t, r.nadv, 1);
	CHECK_INT(t, run_str(&r, "noext", a), CG_OK);
	CHECK_INT(t, r.nadv, 1);
	CHECK_INT(t, r.warns, 0);

	snprintf(buf, ly * 2 + 64, "%s---\n%s...\n", y, y);
	CHECK_INT(t, run_str(&r, "two.yaml", buf), CG_OK);
	CHECK_INT(t, r.nadv, 2);
	CHECK_INT(t, r.nevents, 4);
	CHECK_INT(t, r.nversions, 130);
	/* a YAML file of a list of records */
	CHECK_INT(t, run_str(&r, "list.yml", "- id: X-1\n  affected: []\n- id: X-2\n"), CG_OK);
	CHECK_INT(t, r.nadv, 2);
done:
	free(a);
	free(b);
	free(y);
	free(buf);
	free(one);
	rec_reset(&r);
}

/* Distro ecosystems by name: by_source and the severity word. */
static void t_distro_ecosystems(struct cgt *t)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"{\"id\":\"DEBIAN-CVE-2024-1\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:"
	     "12\","
	     "\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{"
	     "\"introduced\":"
	     "\"0\"},{\"fixed\":\"3.0.15-1~deb12u1\"}]}]}]}",
	     "affected Debian:12|openssl|- src=1 status=0 sev=-\n"
	     " ECOSYSTEM introduced:0 fixed:3.0.15-1~deb12u1\n"},
	    {"{\"id\":\"UBUNTU-CVE-2024-2\",\"severity\":[{\"type\":\"Ubuntu\",\"score\":"
	     "\"medium\"}],"
	     "\"affected\":[{\"package\":{\"ecosystem\":\"Ubuntu:22.04:LTS\",\"name\":\"curl\","
	     "\"purl\":\"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.16?arch=source&distro=jammy\"},"
	     "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
	     "\"7.81.0-1ubuntu1.16\"}]}],\"ecosystem_specific\":{\"binaries\":[{\"libcurl4\":"
	     "\"7.81.0-1ubuntu1.16\"}]}}]}",
	     "severity Ubuntu medium\n"
	     "affected Ubuntu:22.04:LTS|curl|pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.16?arch=source&"
	     "distro=jammy src=1 status=0 sev=medium\n"
	     " ECOSYSTEM introduced:0 fixed:7.81.0-1ubuntu1.16\n"},
	    {"{\"id\":\"ALPINE-CVE-2024-3\",\"affected\":[{\"package\":{\"ecosystem\":\"Alpine:v3."
	     "19\","
	     "\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{"
	     "\"introduced\":"
	     "\"0\"}]}]}]}",
	     "affected Alpine:v3.19|openssl|- src=1 status=0 sev=-\n"
	     " ECOSYSTEM introduced:0\n"},
	    {"{\"id\":\"RLSA-2024:4\",\"summary\":\"Critical: kernel security "
	     "update\",\"affected\":"
	     "[{\"package\":{\"ecosystem\":\"Rocky Linux:9\",\"name\":\"kernel-core\"},\"ranges\":"
	     "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":"
	     "\"5.14.0-427.13.1.el9_4\"}]}]}]}",
	     "affected Rocky Linux:9|kernel-core|- src=0 status=0 sev=Critical\n"
	     " ECOSYSTEM introduced:0 fixed:5.14.0-427.13.1.el9_4\n"},
	    /* the summary prefix is a Red Hat rebuild's only: not for PyPI */
	    {"{\"id\":\"PYSEC-1\",\"summary\":\"Low: x\",\"affected\":[{\"package\":{\"ecosystem\":"
	     "\"PyPI\",\"name\":\"x\"},\"versions\":[\"1.0\"]}]}",
	     "affected PyPI|x|- src=0 status=0 sev=-\n versions 1 1.0..1.0\n"},
	    /* affected-level words come first */
	    {"{\"id\":\"A-1\",\"database_specific\":{\"severity\":\"LOW\"},\"affected\":[{"
	     "\"package\":"
	     "{\"ecosystem\":\"npm\",\"name\":\"a\"},\"ecosystem_specific\":{\"severity\":\"high\"}"
	     "},"
	     "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"b\"},\"database_specific\":"
	     "{\"severity\":\"unimportant\"}},{\"package\":{\"ecosystem\":\"npm\",\"name\":\"c\"}}]"
	     "}",
	     "affected npm|a|- src=0 status=0 sev=high\n"
	     "affected npm|b|- src=0 status=0 sev=unimportant\n"
	     "affected npm|c|- src=0 status=0 sev=LOW\n"},
	};
	struct rec r = {0};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *aff;
		CHECK_INT(t, run_str(&r, "x.json", cases[i].text), CG_OK);
		CHECK_INT(t, r.nadv, 1);
		aff = r.dump
			  ? strstr(r.dump, strncmp(cases[i].want, "severity", 8) == 0 ? "severity"
										      : "affected")
			  : NULL;
		CHECKF(t, aff && strcmp(aff, cases[i].want) == 0, "case %zu: got\n%s", i,
		       r.dump ? r.dump : "(none)");
	}
	rec_reset(&r);
}

/* Malformed records: warned and skipped, the file goes on. */
static void t_malformed_records(struct cgt *t)
{
	static const struct {
		const char *rec, *warn;
	} cases[] = {
	    {"{\"summary\":\"no id\"}", "no \"id\""},
	    {"{\"id\":\"A B\"}", "not an identifier"},
	    {"{\"id\":7}", "not a string"},
	    {"{\"id\":\"\"}", "empty"},
	    {"{\"id\":\"X\",\"aliases\":\"CVE-1\"}", "not an array"},
	    {"{\"id\":\"X\",\"aliases\":[1]}", "not an identifier"},
	    {"{\"id\":\"X\",\"modified\":20240101}", "not a string"},
	    {"{\"id\":\"X\",\"severity\":[{\"type\":\"CVSS_V3\"}]}", "no \"score\""},
	    {"{\"id\":\"X\",\"references\":[{\"type\":\"WEB\"}]}", "no \"url\""},
	    {"{\"id\":\"X\",\"affected\":[7]}", "not an object"},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"name\":\"a\"}}]}", "no \"ecosystem\""},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[]}]}]}",
	     "has no events"},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}"
	     "]}]}",
	     "one key"},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"removed\":\"1\"}]}]}]}",
	     "unknown event"},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":1}]}]}]}",
	     "no valid version"},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"ranges\":[{\"events\":[{\"fixed\":\"1\"}]}]}]}",
	     "no \"type\""},
	    {"{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},"
	     "\"versions\":[\"1 2\"]}]}",
	     "not a version"},
	};
	struct rec r = {0};
	char buf[1024];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* between two good records */
		snprintf(buf, sizeof(buf), "[{\"id\":\"GOOD-1\"},%s,{\"id\":\"GOOD-2\"}]",
			 cases[i].rec);
		CHECK_INT(t, run_str(&r, "m.json", buf), CG_OK);
		CHECKF(t, r.nadv == 2 && r.warns == 1 && strstr(r.last_warn, cases[i].warn),
		       "case %zu: %zu records, %d warnings, last \"%s\"", i, r.nadv, r.warns,
		       r.last_warn);
	}
	/* a version over CG_VERSION_MAX_LEN */
	{
		char v[CG_VERSION_MAX_LEN + 2];
		memset(v, '1', sizeof(v) - 1);
		v[sizeof(v) - 1] = '\0';
		snprintf(buf, sizeof(buf),
			 "{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":"
			 "\"npm\",\"name\":\"a\"},\"versions\":[\"%s\"]}]}",
			 v);
		CHECK_INT(t, run_str(&r, "m.json", buf), CG_OK);
		CHECK(t, r.nadv == 0 && r.warns == 1);
		v[sizeof(v) - 2] = '\0'; /* exactly the limit: fine */
		snprintf(buf, sizeof(buf),
			 "{\"id\":\"X\",\"affected\":[{\"package\":{\"ecosystem\":"
			 "\"npm\",\"name\":\"a\"},\"versions\":[\"%s\"]}]}",
			 v);
		CHECK_INT(t, run_str(&r, "m.json", buf), CG_OK);
		CHECK(t, r.nadv == 1 && r.warns == 0 && r.nversions == 1);
	}
	rec_reset(&r);
}

/* Ranges: GIT dropped silently, an unknown type dropped with a warning, a
 * package-less (GIT-only) entry not reported; `limit` read. */
static void t_range_types(struct cgt *t)
{
	struct rec r = {0};
	CHECK_INT(
	    t,
	    run_str(&r, "r.json",
		    "{\"id\":\"OSV-1\",\"affected\":[{\"ranges\":[{\"type\":\"GIT\",\"repo\":"
		    "\"https://x\",\"events\":[{\"introduced\":\"abc\"}]}]},{\"package\":"
		    "{\"ecosystem\":\"crates.io\",\"name\":\"c\"},\"ranges\":[{\"type\":\"GIT\","
		    "\"events\":[{\"introduced\":\"0\"}]},{\"type\":\"FUTURE\",\"events\":[]},"
		    "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},{\"limit\":"
		    "\"2.0.0\"}]}]}]}"),
	    CG_OK);
	CHECK_INT(t, r.nadv, 1);
	CHECK_INT(t, r.warns, 1);
	CHECK(t, strstr(r.last_warn, "FUTURE") != NULL);
	CHECK(t, r.dump && strstr(r.dump, "affected crates.io|c|- src=0 status=0 sev=-\n"
					  " SEMVER introduced:1.0.0 limit:2.0.0\n"));
	CHECK_INT(t, r.naff, 1);
	CHECK_INT(t, r.nranges, 1);
	/* duplicates among aliases and between related and upstream are dropped */
	CHECK_INT(t,
		  run_str(&r, "d.json",
			  "{\"id\":\"D\",\"aliases\":[\"A\",\"A\",\"B\"],\"related\":"
			  "[\"C\"],\"upstream\":[\"C\",\"E\"]}"),
		  CG_OK);
	CHECK(t, r.dump && strncmp(r.dump, "id D\naliases A B\nrelated C E\n", 29) == 0);
	rec_reset(&r);
}

/* Files that are not OSV records, bounds, and the sink's error. */
static void t_bad_files_and_bounds(struct cgt *t)
{
	struct rec r = {0};
	char *big;
	size_t n;
	static const struct {
		const char *path, *text;
		cg_err_t rc;
	} files[] = {
	    {"a.json", "", CG_ERR_INVALID},
	    {"a.json", "42", CG_ERR_INVALID},
	    {"a.json", "{\"id\":", CG_ERR_INVALID},
	    {"a.yaml", "", CG_ERR_INVALID},
	    {"a.yaml", "just text", CG_ERR_INVALID},
	    {"a.yaml", "id: [unclosed\n", CG_ERR_INVALID},
	    {"a.yaml", "? [a, b]\n: c\n", CG_ERR_INVALID},		   /* a complex key */
	    {"a.yaml", "&a [1, *a]\n", CG_ERR_INVALID},			   /* recursion */
	    {"a.yaml", "id: X\nrelated: [*nope]\n", CG_ERR_INVALID},	   /* unknown anchor */
	    {"a.yaml", "id: X\nrelated: &r [A, B]\naliases: *r\n", CG_OK}, /* a plain alias */
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		CHECKF(t, run_str(&r, files[i].path, files[i].text) == files[i].rc,
		       "file %zu: expected %d", i, files[i].rc);
	CHECK(t, r.dump && strncmp(r.dump, "id X\naliases A B\nrelated A B\n", 29) == 0);

	/* billion laughs: stopped by the node count */
	{
		char bomb[2048];
		size_t off = 0;
		off += (size_t)snprintf(bomb + off, sizeof(bomb) - off,
					"a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
		for (int i = 1; i < 10; i++)
			off += (size_t)snprintf(
			    bomb + off, sizeof(bomb) - off,
			    "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
			    "*a%d]\n",
			    i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		CHECK_INT(t, run_str(&r, "bomb.yaml", bomb), CG_ERR_LIMIT);
		CHECK_INT(t, r.nadv, 0);
	}
	/* too many aliases, each small */
	{
		size_t cap = 4100 * 4 + 64, off = 0;
		char *s = malloc(cap);
		off += (size_t)snprintf(s + off, cap - off, "id: X\nv: &v x\nr: [");
		for (int i = 0; i < 4100; i++)
			off += (size_t)snprintf(s + off, cap - off, "*v,");
		snprintf(s + off, cap - off, "]\n");
		CHECK_INT(t, run_str(&r, "aliases.yaml", s), CG_ERR_LIMIT);
		free(s);
	}
	/* nesting: JSON by the wrapper's limit, YAML by ours (both 64) */
	big = malloc(4096);
	for (n = 0; n < 100; n++)
		big[n] = '[';
	memset(big + 100, ']', 100);
	big[200] = '\0';
	CHECK_INT(t, run_str(&r, "deep.json", big), CG_ERR_LIMIT);
	CHECK_INT(t, run_str(&r, "deep.yaml", big), CG_ERR_LIMIT);
	big[30] = big[170] = '\0'; /* 30 deep: fine, and not records */
	CHECK_INT(t, run_str(&r, "deep.yaml", big + 0), CG_ERR_INVALID);
	free(big);
	/* the file size, before anything is read */
	big = calloc(1, ((size_t)32 << 20) + 1);
	CHECK(t, big != NULL);
	if (big) {
		CHECK_INT(t, run(&r, "big.json", big, ((size_t)32 << 20) + 1), CG_ERR_LIMIT);
		free(big);
	}
	/* count bounds: 1025 events in a range */
	{
		size_t cap = 1025 * 20 + 256, off = 0;
		char *s = malloc(cap);
		off +=
		    (size_t)snprintf(s + off, cap - off,
				     "{\"id\":\"X\",\"affected\":[{\"package\":"
				     "{\"ecosystem\":\"npm\",\"name\":\"a\"},\"ranges\":[{\"type\":"
				     "\"SEMVER\",\"events\":[");
		for (int i = 0; i < 1025; i++)
			off += (size_t)snprintf(s + off, cap - off, "%s{\"fixed\":\"%d\"}",
						i ? "," : "", i);
		snprintf(s + off, cap - off, "]}]}]}");
		CHECK_INT(t, run_str(&r, "events.json", s), CG_OK);
		CHECK(t, r.nadv == 0 && r.warns == 1 && strstr(r.last_warn, "limit of 1024"));
		free(s);
	}
	/* the sink's error stops the file and comes back as is */
	r.fail_after = 2;
	CHECK_INT(t, run_str(&r, "f.json", "[{\"id\":\"A\"},{\"id\":\"B\"},{\"id\":\"C\"}]"),
		  CG_ERR_LIMIT);
	CHECK_INT(t, r.nadv, 1);
	rec_reset(&r);
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
	    {"go-vulndb/data/osv/GO-2026-4806.json", true},
	    {"almalinux-osv-database/advisories/almalinux9/ALBA-2022:8256.json", true},
	    {"pypi-pypa-advisory-database/vulns/redis/PYSEC-2023-73.yaml", true},
	    {"x/RUSTSEC-2024-1.yml", true},
	    {"GHSA-x.json", true},
	    {"pypi-pypa-advisory-database/vulns/.id-allocator", false},
	    {"pypi-pypa-advisory-database/README.md", false},
	    {"almalinux-osv-database/LICENSE", false},
	    {".git/config.json", false},
	    {"a/.hidden/b.json", false},
	    {"a/.b.yaml", false},
	    {"a/b.json.gz", false},
	    {"a/json", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF(t, cg_feed_osv.match(cases[i].path) == cases[i].want, "%s", cases[i].path);
	CHECK_STR(t, cg_feed_osv.type, "osv");
}

/* ---- the whole feed --------------------------------------------------------- */

static struct {
	const char *root;
	size_t rootlen, files, failed;
	struct rec r;
	struct cgt *t;
} feed;

static int feed_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + feed.rootlen + 1;
	struct cg_adv_sink s = {rec_add, rec_warn, &feed.r};
	struct cg_error e;
	size_t len = 0;
	char *data;
	int warns = feed.r.warns;
	(void)st;
	(void)ftw;
	if (type != FTW_F || strlen(path) <= feed.rootlen || !cg_feed_osv.match(rel))
		return 0;
	feed.files++;
	data = slurp(path, &len);
	if (!data || cg_feed_osv.parse(rel, (const unsigned char *)data, len, &s, &e) != CG_OK ||
	    feed.r.warns != warns) {
		if (feed.failed++ < 5)
			fprintf(stderr, "  %s: %s\n", rel, data ? e.msg : "unreadable");
	}
	free(data);
	return 0;
}

static bool have_pyyaml(void)
{
	return system("python3 -c 'import yaml' >/dev/null 2>&1") == 0;
}

static void t_whole_feed(struct cgt *t)
{
	const char *root = getenv("CG_OSV_FEED");
	char cmd[1024], line[256];
	struct stat st;
	FILE *p;
	size_t nkeys = 0;
	if (!root)
		root = CG_TEST_DATA "/../../../shared/feeds/osv";
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("  t_whole_feed: %s not present, whole-feed pass skipped\n", root);
		root = OSV_DATA; /* the committed subset still gets the comparison */
	}
	memset(&feed, 0, sizeof(feed));
	feed.root = root;
	feed.rootlen = strlen(root);
	feed.r.quiet = true;
	feed.t = t;
	CHECK(t, nftw(root, feed_file, 16, FTW_PHYS) == 0);
	CHECK(t, feed.files > 0);
	CHECKF(t, feed.failed == 0, "%zu of %zu files failed or warned", feed.failed, feed.files);
	printf("  t_whole_feed: %s: %zu files, %zu advisories (%zu withdrawn), %zu affected, "
	       "%zu ranges, %zu events, %zu versions\n",
	       root, feed.files, feed.r.nadv, feed.r.nwithdrawn, feed.r.naff, feed.r.nranges,
	       feed.r.nevents, feed.r.nversions);
	if (!have_pyyaml()) {
		printf("  t_whole_feed: python3-yaml missing, counts not compared\n");
		goto done;
	}
	snprintf(cmd, sizeof(cmd), "python3 '%s/osv_counts.py' '%s'", OSV_DATA, root);
	p = popen(cmd, "r");
	CHECK(t, p != NULL);
	if (!p)
		goto done;
	while (fgets(line, sizeof(line), p)) {
		static const struct {
			const char *key;
			size_t off;
		} keys[] = {
		    {"advisories", offsetof(struct rec, nadv)},
		    {"withdrawn", offsetof(struct rec, nwithdrawn)},
		    {"aliases", offsetof(struct rec, naliases)},
		    {"related", offsetof(struct rec, nrelated)},
		    {"references", offsetof(struct rec, nrefs)},
		    {"severities", offsetof(struct rec, nsev)},
		    {"affected", offsetof(struct rec, naff)},
		    {"by_source", offsetof(struct rec, nby_source)},
		    {"severity_words", offsetof(struct rec, nsev_words)},
		    {"ranges", offsetof(struct rec, nranges)},
		    {"events", offsetof(struct rec, nevents)},
		    {"versions", offsetof(struct rec, nversions)},
		};
		char *sp = strchr(line, ' ');
		long long want;
		if (!sp)
			continue;
		*sp = '\0';
		want = strtoll(sp + 1, NULL, 10);
		if (strcmp(line, "files") == 0) {
			CHECKF(t, (long long)feed.files == want, "files: %zu, python %lld",
			       feed.files, want);
			nkeys++;
			continue;
		}
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t got;
			if (strcmp(line, keys[i].key) != 0)
				continue;
			memcpy(&got, (const char *)&feed.r + keys[i].off, sizeof(got));
			CHECKF(t, (long long)got == want, "%s: %zu, python %lld", line, got, want);
			nkeys++;
		}
	}
	{
		int status = pclose(p);
		CHECK_INT(t, status, 0);
	}
	CHECK_INT(t, nkeys, 13);
done:
	rec_reset(&feed.r);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_real_records),	      CGT_CASE(t_upstream_into_related),
    CGT_CASE(t_arrays_and_streams),   CGT_CASE(t_distro_ecosystems),
    CGT_CASE(t_malformed_records),    CGT_CASE(t_range_types),
    CGT_CASE(t_bad_files_and_bounds), CGT_CASE(t_match),
    CGT_CASE(t_whole_feed),
};

CGT_MAIN(cases)
