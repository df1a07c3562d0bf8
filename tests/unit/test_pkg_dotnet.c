/* The dotnet collector (lib/pkg/dotnet.c) on the samples of
 * tests/data/pkg/dotnet/ (written from the deps.json and packages.lock.json
 * formats: there is no dotnet SDK on the build machine; see the README
 * there) and on small inline inputs, one behaviour each. */
#include <cguard/cguard.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_dotnet;

struct rec {
	char lines[64][512]; /* "name@version FLAGS|path|layer|type|namespace" */
	size_t n;
	int warns, fail_after;
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	(void)files;
	(void)nfiles;
	if (r->fail_after && (int)r->n + 1 >= r->fail_after)
		return CG_ERR_LIMIT;
	if (r->n < 64)
		snprintf(r->lines[r->n], sizeof(r->lines[0]), "%s@%s %c%c%c|%s|%d|%s|%s", p->name,
			 p->version, p->flags & CG_PKG_FROM_LOCK ? 'L' : '-',
			 p->flags & CG_PKG_DEV ? 'D' : '-', p->flags & CG_PKG_INDIRECT ? 'I' : '-',
			 p->path, p->layer, p->type, p->namespace_ ? p->namespace_ : "");
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
	struct cg_pkg_file f = {path, 4, data, len};
	struct cg_pkg_sink s = {rec_add, rec_warn, r};
	struct cg_error e;
	memset(r, 0, sizeof(*r));
	return cg_collector_dotnet.collect(&f, 1, &s, &e);
}

/* Cut each line at its first '|', sort, join with ','. */
static void joined(struct rec *r, char *out, size_t cap)
{
	size_t o = 0, n = r->n < 64 ? r->n : 64;
	out[0] = '\0';
	for (size_t j = 0; j < n; j++)
		*strchr(r->lines[j], '|') = '\0';
	qsort(r->lines, n, sizeof(r->lines[0]), pkgt_cmp_line);
	for (size_t j = 0; j < n && o < cap; j++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", j ? "," : "", r->lines[j]);
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} v[] = {
	    {"/app/MyWebApp.deps.json", true},
	    {"/usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.9/Microsoft.NETCore.App.deps.json",
	     true},
	    {"/src/MyWebApp/packages.lock.json", true},
	    {"/app/.deps.json", false},
	    {"/app/deps.json", false},
	    {"/app/MyWebApp.runtimeconfig.json", false},
	    {"/app/MyWebApp.deps.json.bak", false},
	    {"/src/packages.config", false},
	    {"/src/my-packages.lock.json", false},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECKF(t, cg_collector_dotnet.match(v[i].path, strlen(v[i].path)) == v[i].want,
		       "match(%s) should be %d", v[i].path, v[i].want);
	CHECK(t, cg_collector_dotnet.max_size >= ((size_t)1 << 20));
}

static void t_files(struct cgt *t)
{
	static const struct {
		const char *file, *image_path, *expect;
		size_t count;
	} v[] = {
	    {"app/MyWebApp.deps.json", "/app/MyWebApp.deps.json", "app/expect", 8},
	    {"lock-v1/packages.lock.json", "/src/packages.lock.json", "lock-v1/expect", 9},
	    {"lock-v2/packages.lock.json", "/src/packages.lock.json", "lock-v2/expect", 9},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512], *d, *exp, *line, *save = NULL, suffix[300];
		static struct rec r;
		size_t len, elen, k = 0;
		snprintf(path, sizeof(path), "%s/pkg/dotnet/%s", CG_TEST_DATA, v[i].file);
		d = (char *)pkgt_slurp(path, &len);
		CHECKF(t, d != NULL, "cannot read %s", path);
		CHECK_INT(t, run1(&r, v[i].image_path, d, len), CG_OK);
		CHECKF(t, r.warns == 0, "%s: %d warnings", v[i].file, r.warns);
		CHECKF(t, r.n == v[i].count, "%s: %zu packages, expected %zu", v[i].file, r.n,
		       v[i].count);
		snprintf(suffix, sizeof(suffix), "|%s|4|nuget|", v[i].image_path);
		for (size_t j = 0; j < r.n && j < 64; j++) {
			char *bar = strchr(r.lines[j], '|');
			CHECKF(t, bar && strcmp(bar, suffix) == 0, "%s: path/layer/type of '%s'",
			       v[i].file, r.lines[j]);
			if (bar)
				*bar = '\0';
		}
		qsort(r.lines, r.n < 64 ? r.n : 64, sizeof(r.lines[0]), pkgt_cmp_line);
		snprintf(path, sizeof(path), "%s/pkg/dotnet/%s", CG_TEST_DATA, v[i].expect);
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

static void t_cases(struct cgt *t)
{
	static const struct {
		const char *file, *text, *want;
		bool warns;
	} v[] = {
	    /* deps.json: the project named as the file decides what is direct */
	    {"Api.deps.json",
	     "{\"runtimeTarget\":{\"name\":\"T\"},\"targets\":{\"T\":{"
	     "\"Lib/1.0.0\":{\"dependencies\":{\"B\":\"2.0.0\"}},"
	     "\"Api/1.0.0\":{\"dependencies\":{\"A\":\"1.0.0\",\"Lib\":\"1.0.0\"}}}},"
	     "\"libraries\":{\"Lib/1.0.0\":{\"type\":\"project\"},\"Api/"
	     "1.0.0\":{\"type\":\"project\"},"
	     "\"A/1.0.0\":{\"type\":\"package\"},\"B/2.0.0\":{\"type\":\"package\"},"
	     "\"R/1.0\":{\"type\":\"reference\"},\"P/1.0\":{\"type\":\"runtimepack\"}}}",
	     "A@1.0.0 ---,B@2.0.0 --I", false},
	    /* no runtimeTarget: the first target; no project: no flags known */
	    {"x.deps.json",
	     "{\"targets\":{\"T\":{}},\"libraries\":{\"A/1.0.0\":{\"type\":\"package\"}}}",
	     "A@1.0.0 ---", false},
	    /* a project with no dependencies: every package is indirect */
	    {"x.deps.json",
	     "{\"targets\":{\"T\":{\"x/1\":{}}},\"libraries\":{\"x/1\":{\"type\":\"project\"},"
	     "\"A/1.0.0\":{\"type\":\"package\"}}}",
	     "A@1.0.0 --I", false},
	    {"x.deps.json",
	     "{\"libraries\":{\"NoSlash\":{\"type\":\"package\"},\"A/\":{\"type\":\"package\"},"
	     "\"/1\":{\"type\":\"package\"},\"A/1/2\":{\"type\":\"package\"},\"A/1\":{},"
	     "\"A B/1\":{\"type\":\"package\"},\"Ok/1.2.3\":{\"type\":\"package\"}}}",
	     "Ok@1.2.3 ---", true},
	    {"x.deps.json", "{\"libraries\":[]}", "", true},
	    {"x.deps.json", "[]", "", true},
	    {"x.deps.json", "{\"libraries\":", "", true},
	    /* packages.lock.json */
	    {"packages.lock.json",
	     "{\"version\":1,\"dependencies\":{\"net6.0\":{\"A\":{\"type\":\"Transitive\","
	     "\"resolved\":\"1.0.0\"},\"P\":{\"type\":\"Project\"},\"B\":{\"type\":\"Direct\"},"
	     "\"C\":{\"resolved\":\"1\"},\"D\":{\"type\":\"CentralTransitive\",\"resolved\":\"4.0."
	     "0\"}},"
	     "\"net8.0\":{\"a\":{\"type\":\"Direct\",\"resolved\":\"1.0.0\"}}}}",
	     "D@4.0.0 L-I,a@1.0.0 L--", true},
	    {"packages.lock.json", "{\"version\":1}", "", true},
	    {"packages.lock.json",
	     "\xef\xbb\xbf{\"version\":1,\"dependencies\":{\"net6.0\":{\"A\":{\"type\":\"Direct\","
	     "\"resolved\":\"1.0.0\"}}}}",
	     "A@1.0.0 L--", false},
	    {"packages.lock.json", "{\"version\":1,\"dependencies\":{\"net6.0\":[]}}", "", false},
	    {"packages.lock.json", "\"x\"", "", true},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		static struct rec r;
		char path[256], got[2048];
		cg_err_t rc;
		snprintf(path, sizeof(path), "/app/%s", v[i].file);
		rc = run1(&r, path, v[i].text, strlen(v[i].text));
		CHECKF(t, rc == CG_OK, "case %zu: %s", i, cg_strerror(rc));
		joined(&r, got, sizeof(got));
		CHECKF(t, strcmp(got, v[i].want) == 0, "case %zu: got '%s', want '%s'", i, got,
		       v[i].want);
		CHECKF(t, (r.warns > 0) == v[i].warns, "case %zu: %d warnings", i, r.warns);
	}
}

static void t_limits(struct cgt *t)
{
	static struct rec r;
	char *big;
	size_t n = 0, len;
	char path[512], *d;

	snprintf(path, sizeof(path), "%s/pkg/dotnet/lock-v1/packages.lock.json", CG_TEST_DATA);
	d = (char *)pkgt_slurp(path, &len);
	memset(&r, 0, sizeof(r));
	r.fail_after = 3;
	{
		struct cg_pkg_file f = {"/src/packages.lock.json", 0, (const unsigned char *)d,
					len};
		struct cg_pkg_sink s = {rec_add, rec_warn, &r};
		struct cg_error e;
		CHECK_INT(t, cg_collector_dotnet.collect(&f, 1, &s, &e), CG_ERR_LIMIT);
	}
	CHECK_INT(t, r.n, 2);
	free(d);

	big = malloc(100000);
	n += (size_t)snprintf(big, 100000, "{\"libraries\":{");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, 100000 - n, "%s\"bad%d\":{\"type\":\"package\"}",
				      i ? "," : "", i);
	n += (size_t)snprintf(big + n, 100000 - n, "}}");
	CHECK_INT(t, run1(&r, "/app/a.deps.json", big, n), CG_OK);
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
