/* Java archives (lib/pkg/java.c).
 *
 * Inputs (tests/data/pkg/java/, written by make-jars.py there): three real
 * jars of Debian 12 (one with pom.properties, one with a manifest only, one
 * with a pom.properties whose artifactId is no file name), and small
 * archives assembled with Python's zipfile for the rules: Properties and
 * manifest syntax, the fallbacks, a war and an ear with nested jars down
 * past the depth limit, an executable jar with a script in front, broken
 * archives and three zip bombs (a nested entry past 64 MiB, one whose
 * declared size lies, seven of 40 MiB past the 256 MiB read per file).
 * When /usr/share/java exists, every jar there must read without a warning
 * (tests/integration/pkg_java.sh compares them with their poms). */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/stat.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_java;
#define C (&cg_collector_java)
#define REC_MAX 256

struct rec {
	char *lines[REC_MAX];
	size_t n;
	char *warns[REC_MAX];
	size_t nwarns;
	int bad;
	size_t fail_after;
	cg_err_t fail_with;
};

/* "/app/" is cut from the paths recorded. */
static const char *rel(const char *path)
{
	return strncmp(path, "/app/", 5) == 0 ? path + 5 : path;
}

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	char buf[2048];
	(void)files;
	if (r->fail_with != CG_OK && r->n >= r->fail_after)
		return r->fail_with;
	if (strcmp(p->type, "maven") != 0 || nfiles != 0 || p->flags || !p->path ||
	    p->layer != 2 || !p->name || !p->name[0] || !p->version || !p->version[0] ||
	    (p->namespace_ && !p->namespace_[0]) || p->epoch || p->src_name || p->arch)
		r->bad++;
	snprintf(buf, sizeof(buf), "%s\t%s\t%s\t%s", rel(p->path),
		 p->namespace_ ? p->namespace_ : "", p->name, p->version);
	if (r->n < REC_MAX)
		r->lines[r->n++] = strdup(buf);
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s\t%s", rel(path), msg);
	if (r->nwarns < REC_MAX)
		r->warns[r->nwarns++] = strdup(buf);
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	for (size_t i = 0; i < r->nwarns; i++)
		free(r->warns[i]);
	memset(r, 0, sizeof(*r));
}

static unsigned char *load(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/pkg/java/%s", CG_TEST_DATA, name);
	return pkgt_slurp(path, len);
}

static cg_err_t run(const struct cg_pkg_file *files, size_t n, struct rec *r)
{
	struct cg_pkg_sink sink = { rec_add, rec_warn, r };
	struct cg_error err;
	return C->collect(files, n, &sink, &err);
}

static cg_err_t run_one(const char *name, struct rec *r)
{
	char path[512];
	size_t len = 0;
	unsigned char *d = load(name, &len);
	struct cg_pkg_file f;
	cg_err_t rc;
	if (!d)
		return CG_ERR_IO;
	snprintf(path, sizeof(path), "/app/%s", name);
	f.path = path;
	f.layer = 2;
	f.data = d;
	f.len = len;
	rc = run(&f, 1, r);
	free(d);
	return rc;
}

static bool has_warn(const struct rec *r, const char *path, const char *part)
{
	size_t pl = strlen(path);
	for (size_t i = 0; i < r->nwarns; i++)
		if (strncmp(r->warns[i], path, pl) == 0 && r->warns[i][pl] == '\t' &&
		    strstr(r->warns[i] + pl + 1, part))
			return true;
	return false;
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
		{ "/usr/share/java/guava.jar", true },
		{ "/srv/app.war", true },
		{ "/srv/app.ear", true },
		{ "/x/a.par", true },
		{ "/x/a.sar", true },
		{ "/var/jenkins_home/plugins/git.jpi", true },
		{ "/var/jenkins_home/plugins/git.hpi", true },
		{ "/X/LIB-1.0.JAR", true },
		{ "/x/a.Jar", true },
		{ "/x/.jar", false },
		{ "/x/jar", false },
		{ "/x/a.jar.sha1", false },
		{ "/x/a.zip", false },
		{ "/x/a.jarx", false },
		{ "/x/ajar", false },
		{ "/x/a.class", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF(t, C->match(cases[i].path, strlen(cases[i].path)) == cases[i].want, "%s",
		       cases[i].path);
	CHECK(t, C->max_size == (size_t)64 << 20);
	CHECK_STR(t, C->name, "java");
}

/* Every archive: exactly these packages (path, group, name, version). */
static const struct {
	const char *file;
	const char *pkgs[12];
	const char *warns[4]; /* "path\tpart of the message" */
} files[] = {
	{ "error-prone-type-annotations.jar",
	  { "error-prone-type-annotations.jar\tcom.google.errorprone\terror_prone_type_annotations\t"
	    "2.18.0" }, { NULL } },
	{ "guice-multibindings.jar", { "guice-multibindings.jar\t\tguice-multibindings\t4.2.3" }, { NULL } },
	{ "geronimo-interceptor-3.0-spec.jar",
	  { "geronimo-interceptor-3.0-spec.jar\torg.apache.geronimo.specs\t"
	    "geronimo-interceptor_3.0_spec\t1.0.1" }, { NULL } },
	{ "props-edge.jar", { "props-edge.jar\torg.example\tedge\t1.2.3-beta" }, { NULL } },
	{ "pom-path-only.jar", { "pom-path-only.jar\torg.example.path\tpath-only\t0.0.1" }, { NULL } },
	{ "pom-invalid-2.0.jar",
	  { "pom-invalid-2.0.jar\t\tpom-invalid\t2.0" },
	  { "pom-invalid-2.0.jar\tmalformed properties file" } },
	{ "mf-only.jar", { "mf-only.jar\torg.example\tmf-only\t3.1" }, { NULL } },
	{ "mf-cont-9.9.jar", { "mf-cont-9.9.jar\t\tmf-continued\t4.5.6-SNAPSHOT" }, { NULL } },
	{ "bundle.jar", { "bundle.jar\t\torg.example.bundle\t5.0.0.v20240102" }, { NULL } },
	{ "asm-like-9.7.jar", { "asm-like-9.7.jar\t\tasm-like\t9.7" }, { NULL } },
	{ "plain-lib-0.9.1.jar", { "plain-lib-0.9.1.jar\t\tplain-lib\t0.9.1" }, { NULL } },
	{ "nothing.jar", { NULL }, { NULL } },
	{ "shaded-1.0.jar",
	  { "shaded-1.0.jar\torg.example\tshaded\t1.0",
	    "shaded-1.0.jar\tcom.google.guava\tguava\t31.1-jre" }, { NULL } },
	{ "shade-no-own.jar",
	  { "shade-no-own.jar\tcglib\tcglib\t3.2.12", "shade-no-own.jar\t\tshade-no-own\t7.0" }, { NULL } },
	{ "exec-1.0.jar", { "exec-1.0.jar\torg.example\texec\t1.0" }, { NULL } },
	{ "not-a-zip-1.0.jar", { NULL }, { "not-a-zip-1.0.jar\tnot a readable zip archive" } },
	{ "truncated-1.0.jar", { NULL }, { "truncated-1.0.jar\tnot a readable zip archive" } },
	{ "app.war",
	  { "app.war!/WEB-INF/lib/error-prone-type-annotations.jar\tcom.google.errorprone\t"
	    "error_prone_type_annotations\t2.18.0",
	    "app.war!/WEB-INF/lib/guice-multibindings.jar\t\tguice-multibindings\t4.2.3",
	    "app.war!/WEB-INF/lib/UPPER-1.5.JAR\t\tUPPER\t1.5",
	    "app.war!/WEB-INF/lib/fat-1.0.jar\t\tfat\t1.0",
	    "app.war!/WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/inner-2.0.jar\t\tinner\t2.0",
	    "app.war!/WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/inner-2.0.jar!/lib/deep-3.0.jar\t"
	    "org.example\tdeep\t3.0" },
	  { "app.war!/WEB-INF/lib/broken-1.0.jar\tnot a readable zip archive",
	    "app.war!/WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/inner-2.0.jar!/lib/deep-3.0.jar\t"
	    "lib/deeper-4.0.jar: archives nested deeper than 3 levels (depth limit)" } },
	{ "app.ear",
	  { "app.ear!/app.war!/WEB-INF/lib/error-prone-type-annotations.jar\t"
	    "com.google.errorprone\terror_prone_type_annotations\t2.18.0",
	    "app.ear!/app.war!/WEB-INF/lib/guice-multibindings.jar\t\tguice-multibindings\t4.2.3",
	    "app.ear!/app.war!/WEB-INF/lib/UPPER-1.5.JAR\t\tUPPER\t1.5",
	    "app.ear!/app.war!/WEB-INF/lib/fat-1.0.jar\t\tfat\t1.0",
	    "app.ear!/app.war!/WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/inner-2.0.jar\t\tinner\t2.0",
	    "app.ear!/lib/geronimo-interceptor-3.0-spec.jar\torg.apache.geronimo.specs\t"
	    "geronimo-interceptor_3.0_spec\t1.0.1" },
	  { "app.ear!/app.war!/WEB-INF/lib/broken-1.0.jar\tnot a readable zip archive",
	    "app.ear!/app.war!/WEB-INF/lib/fat-1.0.jar!/BOOT-INF/lib/inner-2.0.jar\t"
	    "lib/deep-3.0.jar: archives nested deeper than 3 levels (depth limit)" } },
	{ "bomb-size.jar",
	  { "bomb-size.jar!/lib/wrap-1.0.jar\t\twrap\t1.0" },
	  { "bomb-size.jar!/lib/wrap-1.0.jar\tlib/big-1.0.jar: larger than 67108864 bytes "
	    "(entry size limit)" } },
	{ "bomb-liar.jar",
	  { "bomb-liar.jar!/lib/wrap-1.0.jar\t\twrap\t1.0" },
	  { "bomb-liar.jar!/lib/wrap-1.0.jar\tlib/liar-1.0.jar: larger than 67108864 bytes "
	    "(entry size limit)" } },
	{ "bomb-total.jar",
	  { "bomb-total.jar!/lib/level1-1.0.jar\t\tlevel1\t1.0",
	    "bomb-total.jar!/lib/level1-1.0.jar!/lib/forty-0.jar\torg.example\tforty\t1.0",
	    "bomb-total.jar!/lib/level1-1.0.jar!/lib/forty-5.jar\torg.example\tforty\t1.0" },
	  { "bomb-total.jar!/lib/level1-1.0.jar\tlib/forty-6.jar: more than 268435456 "
	    "uncompressed bytes read from one archive (total size limit)" } },
};

static size_t count(const char *const *a, size_t max)
{
	size_t n = 0;
	while (n < max && a[n])
		n++;
	return n;
}

static void t_files(struct cgt *t)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct rec r = { 0 };
		size_t np = count(files[i].pkgs, 12), nw = count(files[i].warns, 4);
		CHECKF(t, run_one(files[i].file, &r) == CG_OK, "%s", files[i].file);
		/* bomb-total: six of the seven 40 MiB jars fit the budget */
		if (strcmp(files[i].file, "bomb-total.jar") == 0)
			np = 7;
		CHECKF(t, r.n == np, "%s: %zu packages, expected %zu", files[i].file, r.n, np);
		for (size_t k = 0; k < count(files[i].pkgs, 12); k++)
			CHECKF(t, pkgt_has_line(r.lines, r.n, files[i].pkgs[k]), "%s: missing [%s]",
			       files[i].file, files[i].pkgs[k]);
		CHECKF(t, r.nwarns == nw, "%s: %zu warnings, expected %zu (%s)", files[i].file,
		       r.nwarns, nw, r.nwarns ? r.warns[0] : "");
		for (size_t k = 0; k < nw; k++) {
			const char *tab = strchr(files[i].warns[k], '\t');
			char wpath[1024];
			snprintf(wpath, sizeof(wpath), "%.*s", (int)(tab - files[i].warns[k]),
				 files[i].warns[k]);
			CHECKF(t, has_warn(&r, wpath, tab + 1), "%s: no warning [%s]", files[i].file,
			       files[i].warns[k]);
		}
		CHECK_INT(t, r.bad, 0);
		rec_free(&r);
	}
}

/* All files in one call: the union, in the files' order. */
static void t_together(struct cgt *t)
{
	struct cg_pkg_file fs[sizeof(files) / sizeof(files[0])];
	unsigned char *data[sizeof(files) / sizeof(files[0])];
	char paths[sizeof(files) / sizeof(files[0])][256];
	size_t n = sizeof(files) / sizeof(files[0]), total = 0;
	struct rec r = { 0 };
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		data[i] = load(files[i].file, &len);
		CHECK(t, data[i] != NULL);
		snprintf(paths[i], sizeof(paths[i]), "/app/%s", files[i].file);
		fs[i].path = paths[i];
		fs[i].layer = 2;
		fs[i].data = data[i];
		fs[i].len = data[i] ? len : 0;
		total += strcmp(files[i].file, "bomb-total.jar") == 0 ? 7 : count(files[i].pkgs, 12);
	}
	CHECK_INT(t, run(fs, n, &r), CG_OK);
	CHECK_INT(t, r.n, total);
	CHECK_INT(t, r.bad, 0);
	rec_free(&r);
	/* the sink's error stops the scan and is returned */
	r.fail_with = CG_ERR_LIMIT;
	r.fail_after = 3;
	CHECK_INT(t, run(fs, n, &r), CG_ERR_LIMIT);
	CHECK_INT(t, r.n, 3);
	rec_free(&r);
	for (size_t i = 0; i < n; i++)
		free(data[i]);
}

/* Empty and tiny inputs, and every prefix of a real jar: no crash, at
 * most a warning, never a package from a prefix without a central
 * directory. */
static void t_prefixes(struct cgt *t)
{
	size_t len = 0;
	unsigned char *d = load("shaded-1.0.jar", &len);
	struct cg_pkg_file f = { "/app/x-1.0.jar", 2, NULL, 0 };
	struct rec r = { 0 };
	CHECK(t, d != NULL);
	if (!d)
		return;
	CHECK_INT(t, run(&f, 1, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.nwarns, 1);
	rec_free(&r);
	for (size_t k = 1; k < len; k++) {
		f.data = d;
		f.len = k;
		CHECK_INT(t, run(&f, 1, &r), CG_OK);
		CHECKF(t, r.n == 0, "prefix %zu: %zu packages", k, r.n);
		rec_free(&r);
	}
	f.len = len;
	CHECK_INT(t, run(&f, 1, &r), CG_OK);
	CHECK_INT(t, r.n, 2);
	rec_free(&r);
	free(d);
}

static void t_bad_args(struct cgt *t)
{
	struct cg_error err;
	struct cg_pkg_sink sink = { NULL, NULL, NULL };
	CHECK_INT(t, C->collect(NULL, 1, &sink, &err), CG_ERR_ARG);
	CHECK_INT(t, C->collect(NULL, 0, NULL, &err), CG_ERR_ARG);
}

/* This machine's Java packages, when there are some: read cleanly. */
static void t_usr_share_java(struct cgt *t)
{
	DIR *dir = opendir("/usr/share/java");
	struct dirent *de;
	size_t njars = 0, npkgs = 0;
	if (!dir) {
		CHECK(t, true); /* nothing to read here */
		return;
	}
	while ((de = readdir(dir))) {
		char path[1024];
		struct stat st;
		size_t len = 0, nl = strlen(de->d_name);
		unsigned char *d;
		struct cg_pkg_file f;
		struct rec r = { 0 };
		snprintf(path, sizeof(path), "/usr/share/java/%s", de->d_name);
		if (!C->match(path, strlen(path)) || lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > (off_t)C->max_size || nl < 5)
			continue;
		d = pkgt_slurp(path, &len);
		if (!d)
			continue;
		f.path = path;
		f.layer = 2;
		f.data = d;
		f.len = len;
		CHECKF(t, run(&f, 1, &r) == CG_OK, "%s", path);
		CHECKF(t, r.nwarns == 0, "%.400s: %.400s", path, r.nwarns ? r.warns[0] : "");
		CHECK_INT(t, r.bad, 0);
		njars++;
		npkgs += r.n;
		rec_free(&r);
		free(d);
	}
	closedir(dir);
	CHECK(t, njars == 0 || npkgs > 0);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_match),     CGT_CASE(t_files),    CGT_CASE(t_together),
	CGT_CASE(t_prefixes),  CGT_CASE(t_bad_args), CGT_CASE(t_usr_share_java),
};

CGT_MAIN(cases)
