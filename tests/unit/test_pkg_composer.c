/* The composer collector (lib/pkg/composer.c) on the samples of
 * tests/data/pkg/composer/ (written from Composer's formats: there is no
 * composer on the build machine; see the README there) and on small inline
 * inputs, one behaviour each. */
#include <cguard/cguard.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_composer;

struct rec {
	char lines[64][512]; /* "vendor/name@version FLAGS license|path|layer" */
	size_t n;
	int warns, fail_after;
	const char *type_seen;
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	(void)files;
	(void)nfiles;
	if (r->fail_after && (int)r->n + 1 >= r->fail_after)
		return CG_ERR_LIMIT;
	if (r->n < 64)
		snprintf(r->lines[r->n], sizeof(r->lines[0]), "%s/%s@%s %c%c%c %s|%s|%d",
			 p->namespace_ ? p->namespace_ : "(null)", p->name, p->version,
			 p->flags & CG_PKG_FROM_LOCK ? 'L' : '-', p->flags & CG_PKG_DEV ? 'D' : '-',
			 p->flags & CG_PKG_INDIRECT ? 'I' : '-', p->license ? p->license : "",
			 p->path, p->layer);
	r->type_seen = strcmp(p->type, "composer") == 0 ? "composer" : p->type;
	r->n++;
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	(void)path;
	pkgt_verbose_warn(path, msg);
	((struct rec *)ud)->warns++;
}

static cg_err_t run1(struct rec *r, const char *path, const void *data, size_t len)
{
	struct cg_pkg_file f = {path, 2, data, len};
	struct cg_pkg_sink s = {rec_add, rec_warn, r};
	struct cg_error e;
	memset(r, 0, sizeof(*r));
	return cg_collector_composer.collect(&f, 1, &s, &e);
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} v[] = {
	    {"/var/www/vendor/composer/installed.json", true},
	    {"/app/lib/composer/installed.json", true}, /* a custom vendor-dir */
	    {"/var/www/composer.lock", true},
	    {"/composer.lock", true},
	    {"/var/www/vendor/acme/tool/composer.lock", false}, /* a dependency's own */
	    {"/var/www/vendor/composer/installed.php", false},
	    {"/var/www/installed.json", false},
	    {"/var/www/composer.json", false},
	    {"/var/www/mycomposer.lock", false},
	    {"/var/www/composer.lock.bak", false},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECKF(t, cg_collector_composer.match(v[i].path, strlen(v[i].path)) == v[i].want,
		       "match(%s) should be %d", v[i].path, v[i].want);
	CHECK(t, cg_collector_composer.max_size >= ((size_t)1 << 20));
}

static void t_files(struct cgt *t)
{
	static const struct {
		const char *file, *image_path, *expect;
		size_t count;
	} v[] = {
	    {"app/vendor/composer/installed.json", "/var/www/vendor/composer/installed.json",
	     "app/installed.expect", 14},
	    {"app/composer.lock", "/var/www/composer.lock", "app/lock.expect", 14},
	    {"legacy/vendor/composer/installed.json", "/srv/vendor/composer/installed.json",
	     "legacy/installed.expect", 4},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512], *d, *exp, *line, *save = NULL, suffix[300];
		static struct rec r;
		size_t len, elen, k = 0;
		snprintf(path, sizeof(path), "%s/pkg/composer/%s", CG_TEST_DATA, v[i].file);
		d = (char *)pkgt_slurp(path, &len);
		CHECKF(t, d != NULL, "cannot read %s", path);
		CHECK_INT(t, run1(&r, v[i].image_path, d, len), CG_OK);
		CHECKF(t, r.warns == 0, "%s: %d warnings", v[i].file, r.warns);
		CHECKF(t, r.n == v[i].count, "%s: %zu packages, expected %zu", v[i].file, r.n,
		       v[i].count);
		CHECK_STR(t, r.type_seen, "composer");
		snprintf(suffix, sizeof(suffix), "|%s|2", v[i].image_path);
		for (size_t j = 0; j < r.n && j < 64; j++) {
			char *bar = strchr(r.lines[j], '|');
			CHECKF(t, bar && strcmp(bar, suffix) == 0, "%s: path/layer of '%s'",
			       v[i].file, r.lines[j]);
			if (bar)
				*bar = '\0';
		}
		qsort(r.lines, r.n < 64 ? r.n : 64, sizeof(r.lines[0]), pkgt_cmp_line);
		snprintf(path, sizeof(path), "%s/pkg/composer/%s", CG_TEST_DATA, v[i].expect);
		exp = (char *)pkgt_slurp(path, &elen);
		CHECKF(t, exp != NULL, "cannot read %s", path);
		for (line = exp ? strtok_r(exp, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save), k++)
			CHECKF(t, k < r.n && strcmp(r.lines[k], line) == 0,
			       "%s: got '%s', want '%s'", v[i].file,
			       k < r.n ? r.lines[k] : "(none)", line);
		CHECK_INT(t, k, r.n);
		free(exp);
		free(d);
	}
}

/* file, JSON text, packages expected (sorted, ','-joined), a warning or not */
static void t_cases(struct cgt *t)
{
	static const struct {
		const char *file, *text, *want;
		bool warns;
	} v[] = {
	    {"composer.lock",
	     "{\"packages\":[{\"name\":\"a/b\",\"version\":\"v1.0\",\"license\":\"MIT\"}]}",
	     "a/b@v1.0 L-- MIT", false},
	    {"composer.lock",
	     "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1.0\",\"license\":[\"MIT\",7,\"\","
	     "\"GPL-2.0-only\"]}],\"packages-dev\":[{\"name\":\"c/d\",\"version\":\"dev-x\"}]}",
	     "a/b@1.0 L-- MIT OR GPL-2.0-only,c/d@dev-x LD- ", false},
	    {"composer.lock",
	     "{\"packages\":[{\"name\":\"ab\",\"version\":\"1\"},{\"name\":\"a/b/c\","
	     "\"version\":\"1\"},{\"name\":\"/b\",\"version\":\"1\"},{\"name\":\"a/"
	     "\",\"version\":\"1\"},"
	     "{\"name\":\"a "
	     "b/c\",\"version\":\"1\"},{\"version\":\"1\"},[],\"x\",{\"name\":\"a/b\"},"
	     "{\"name\":\"a/b\",\"version\":\"\"},{\"name\":\"a/b\",\"version\":\"1 2\"},"
	     "{\"name\":\"a/b\",\"version\":2},{\"name\":\"ok/ok\",\"version\":\"2.0.0\"}]}",
	     "ok/ok@2.0.0 L-- ", true},
	    {"composer.lock", "{\"packages\":{}}", "", true},
	    {"composer.lock", "\xef\xbb\xbf{\"packages\":[{\"name\":\"a/b\",\"version\":\"1\"}]}",
	     "a/b@1 L-- ", false},
	    {"composer.lock", "{\"packages\":[],\"packages-dev\":{}}", "", true},
	    {"composer.lock", "[]", "", true},
	    {"composer.lock", "{\"packages\":[", "", true},
	    {"composer.lock", "", "", true},
	    {"vendor/composer/installed.json",
	     "[{\"name\":\"a/b\",\"version\":\"1.0.0\"},{\"name\":\"c/d\",\"version\":\"2.0.0\"}]",
	     "a/b@1.0.0 --- ,c/d@2.0.0 --- ", false},
	    {"vendor/composer/installed.json",
	     "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1.0.0\"},{\"name\":\"c/"
	     "d\",\"version\":"
	     "\"2.0.0\"}],\"dev\":true,\"dev-package-names\":[\"c/d\",5,\"x/y\"]}",
	     "a/b@1.0.0 --- ,c/d@2.0.0 -D- ", false},
	    {"vendor/composer/installed.json", "{\"packages\":{\"name\":\"a/b\"}}", "", true},
	    {"vendor/composer/installed.json", "\"text\"", "", true},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		static struct rec r;
		char path[256], got[2048] = "";
		cg_err_t rc;
		snprintf(path, sizeof(path), "/app/%s", v[i].file);
		rc = run1(&r, path, v[i].text, strlen(v[i].text));
		CHECKF(t, rc == CG_OK, "case %zu: %s", i, cg_strerror(rc));
		for (size_t j = 0; j < r.n && j < 64; j++)
			*strchr(r.lines[j], '|') = '\0';
		qsort(r.lines, r.n < 64 ? r.n : 64, sizeof(r.lines[0]), pkgt_cmp_line);
		for (size_t j = 0, o = 0; j < r.n && j < 64 && o < sizeof(got); j++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s", j ? "," : "",
					      r.lines[j]);
		CHECKF(t, strcmp(got, v[i].want) == 0, "case %zu: got '%s', want '%s'", i, got,
		       v[i].want);
		CHECKF(t, (r.warns > 0) == v[i].warns, "case %zu: %d warnings", i, r.warns);
	}
}

/* A sink error stops the collector and is returned; other files after it are
 * not read. Unmatched paths are ignored. Warnings are capped. */
static void t_limits(struct cgt *t)
{
	static struct rec r;
	static const char lock[] =
	    "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1\"},{\"name\":\"c/d\","
	    "\"version\":\"2\"},{\"name\":\"e/f\",\"version\":\"3\"}]}";
	const unsigned char *d = (const unsigned char *)lock;
	struct cg_pkg_file f[3] = {{"/app/composer.lock", 0, d, strlen(lock)},
				   {"/app/README.md", 0, d, strlen(lock)},
				   {"/b/composer.lock", 0, d, strlen(lock)}};
	struct cg_pkg_sink s = {rec_add, rec_warn, &r};
	struct cg_error e;
	char *big;
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	CHECK_INT(t, cg_collector_composer.collect(f, 3, &s, &e), CG_OK);
	CHECK_INT(t, r.n, 6);
	memset(&r, 0, sizeof(r));
	r.fail_after = 2;
	CHECK_INT(t, cg_collector_composer.collect(f, 3, &s, &e), CG_ERR_LIMIT);
	CHECK_INT(t, r.n, 1);

	big = malloc(100000);
	n += (size_t)snprintf(big, 100000, "{\"packages\":[");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, 100000 - n,
				      "%s{\"name\":\"bad%d\",\"version\":\"1\"}", i ? "," : "", i);
	n += (size_t)snprintf(big + n, 100000 - n, "]}");
	CHECK_INT(t, run1(&r, "/app/composer.lock", big, n), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, r.warns > 0 && r.warns <= 17);
	free(big);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match),
    CGT_CASE(t_files),
    CGT_CASE(t_cases),
    CGT_CASE(t_limits),
};

CGT_MAIN(cases)
