/* The npm collector (lib/pkg/npm.c) on real inputs in tests/data/pkg/npm/
 * (see its README.md for how they were made): an installed node_modules tree
 * compared with `npm ls --all --parseable --long`, and lock files made by npm
 * (v1, v2, v3), yarn (v1, berry) and pnpm (v5.4, v6, v9) compared with the
 * reference inventory of make-expect.py (PyYAML, @yarnpkg/lockfile, json).
 *
 * t_installed reads another tree when CG_NPM_TREE (a directory holding
 * node_modules/) and CG_NPM_EXPECT (its `npm ls` lines, "dir name@version")
 * are set: tests/integration/pkg_npm.sh does that with packages it installs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/stat.h>
#include <cguard/cguard.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_npm;

/* ---- a recording sink ---- */

struct rec {
	char **lines; /* "ns/name@version FLAGS\tpath\tlicense|type|layer"; FLAGS: [L-][D-][I-] */
	size_t n, cap;
	int warns;
	int fail_after; /* >0: the n-th add fails with CG_ERR_LIMIT */
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	char buf[4096];
	(void)files;
	(void)nfiles;
	if (r->fail_after && (int)r->n + 1 >= r->fail_after)
		return CG_ERR_LIMIT;
	snprintf(buf, sizeof(buf), "%s%s%s@%s %c%c%c\t%s\t%s|%s|%d",
		 p->namespace_ ? p->namespace_ : "", p->namespace_ ? "/" : "", p->name, p->version,
		 p->flags & CG_PKG_FROM_LOCK ? 'L' : '-', p->flags & CG_PKG_DEV ? 'D' : '-',
		 p->flags & CG_PKG_INDIRECT ? 'I' : '-', p->path, p->license ? p->license : "",
		 p->type, p->layer);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->lines = realloc(r->lines, r->cap * sizeof(*r->lines));
	}
	r->lines[r->n++] = strdup(buf);
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	(void)path;
	pkgt_verbose_warn(path, msg);
	r->warns++;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* The first field ("name@version FLAGS") of each line, sorted. */
static char **rec_keys(const struct rec *r)
{
	char **k = calloc(r->n + 1, sizeof(*k));
	for (size_t i = 0; i < r->n; i++)
		k[i] = strndup(r->lines[i], strcspn(r->lines[i], "\t"));
	qsort(k, r->n, sizeof(*k), pkgt_cmp_str);
	return k;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* Lines of a text file, sorted. */
static char **read_lines(const char *path, size_t *n)
{
	size_t len, cap = 64;
	unsigned char *d = pkgt_slurp(path, &len);
	char **l = calloc(cap, sizeof(*l)), *s, *save = NULL;
	*n = 0;
	if (!d)
		return l;
	d[len] = '\0';
	for (s = strtok_r((char *)d, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		if (*n + 1 >= cap)
			l = realloc(l, (cap *= 2) * sizeof(*l));
		l[(*n)++] = strdup(s);
	}
	free(d);
	qsort(l, *n, sizeof(*l), pkgt_cmp_str);
	return l;
}

/* Compare two sorted lists; report the first few differences. */
static void check_lists(struct cgt *t, const char *what, char **got, size_t ngot, char **want,
			size_t nwant)
{
	size_t i = 0, j = 0;
	int shown = 0;
	CHECKF(t, ngot == nwant, "%s: %zu packages, expected %zu", what, ngot, nwant);
	while (i < ngot || j < nwant) {
		int d = i == ngot ? 1 : j == nwant ? -1 : strcmp(got[i], want[j]);
		if (d == 0) {
			i++, j++;
			continue;
		}
		CHECKF(t, shown++ >= 5, "%s: %s '%s'", what, d < 0 ? "unexpected" : "missing",
		       d < 0 ? got[i] : want[j]);
		if (d < 0)
			i++;
		else
			j++;
	}
}

/* Run the collector on one in-memory file. */
static cg_err_t run1(struct rec *r, const char *path, const void *data, size_t len)
{
	struct cg_pkg_file f = {path, 3, data, len};
	struct cg_pkg_sink s = {rec_add, rec_warn, r};
	struct cg_error e;
	return cg_collector_npm.collect(&f, 1, &s, &e);
}

/* ---- cases ---- */

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} v[] = {
	    {"/app/node_modules/lodash/package.json", true},
	    {"/app/node_modules/@babel/code-frame/package.json", true},
	    {"/usr/lib/node_modules/npm/node_modules/semver/package.json", true},
	    {"/app/node_modules/a/node_modules/b/package.json", true},
	    {"/app/node_modules/.pnpm/ms@2.0.0/node_modules/ms/package.json", true},
	    {"/node_modules/x/package.json", true},
	    {"/app/package.json", false},			     /* the project */
	    {"/app/node_modules/yargs/helpers/package.json", false}, /* inside a package */
	    {"/app/node_modules/@babel/package.json", false},	     /* a scope folder */
	    {"/app/node_modules/package.json", false},
	    {"/app/node_modules/.bin/package.json", false},
	    {"/app/node_modules/@s/x/lib/package.json", false},
	    {"/app/xnode_modules/x/package.json", false},
	    {"/app/node_modules/x/package.jsonx", false},
	    {"package.json", false},
	    {"/app/package-lock.json", true},
	    {"/app/npm-shrinkwrap.json", true},
	    {"/app/yarn.lock", true},
	    {"/app/pnpm-lock.yaml", true},
	    {"/app/node_modules/.package-lock.json", false}, /* npm's hidden lock */
	    {"/app/node_modules/x/npm-shrinkwrap.json", false},
	    {"/app/node_modules/x/yarn.lock", false},
	    {"/app/my-package-lock.json", false},
	    {"/app/yarn.lock.bak", false},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECKF(t, cg_collector_npm.match(v[i].path, strlen(v[i].path)) == v[i].want,
		       "match(%s) should be %d", v[i].path, v[i].want);
	CHECK(t, cg_collector_npm.max_size >= ((size_t)1 << 20));
}

struct tree {
	struct cg_pkg_file *f;
	size_t n, cap;
};

/* Every matched package.json under dir (symlinks not followed, as in an
 * image), as /app/<relative path>. */
static void walk(struct tree *tr, const char *root, const char *rel)
{
	struct dirent *de;
	char *dir;
	DIR *d;
	if (asprintf(&dir, "%s%s%s", root, *rel ? "/" : "", rel) < 0)
		return;
	d = opendir(dir);
	free(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *sub = NULL, *full = NULL, *img = NULL;
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0 ||
		    asprintf(&full, "%s/%s", root, sub) < 0 || asprintf(&img, "/app/%s", sub) < 0)
			break;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(tr, root, sub);
		} else if (S_ISREG(st.st_mode) && cg_collector_npm.match(img, strlen(img)) &&
			   strcmp(de->d_name, "package.json") == 0) { /* no lock files */
			if (tr->n == tr->cap) {
				tr->cap = tr->cap ? tr->cap * 2 : 64;
				tr->f = realloc(tr->f, tr->cap * sizeof(*tr->f));
			}
			tr->f[tr->n].path = img;
			tr->f[tr->n].layer = 1;
			tr->f[tr->n].data = pkgt_slurp(full, &tr->f[tr->n].len);
			tr->n++;
			img = NULL;
		}
		free(sub);
		free(full);
		free(img);
	}
	closedir(d);
}

static void t_installed(struct cgt *t)
{
	const char *root = getenv("CG_NPM_TREE"), *exp = getenv("CG_NPM_EXPECT");
	char droot[512], dexp[512];
	struct tree tr = {0};
	struct rec r = {0};
	struct cg_pkg_sink s = {rec_add, rec_warn, &r};
	struct cg_error e;
	char **got, **want;
	size_t nwant;
	cg_err_t rc;

	if (!root || !exp) {
		snprintf(droot, sizeof(droot), "%s/pkg/npm/installed", CG_TEST_DATA);
		snprintf(dexp, sizeof(dexp), "%s/pkg/npm/installed.expect", CG_TEST_DATA);
		root = droot;
		exp = dexp;
	}
	walk(&tr, root, "");
	CHECKF(t, tr.n > 0, "no package.json found under %s", root);
	rc = cg_collector_npm.collect(tr.f, tr.n, &s, &e);
	CHECK_INT(t, rc, CG_OK);
	CHECK_INT(t, r.warns, 0);
	/* "dir name@version" like `npm ls --parseable --long` */
	got = calloc(r.n + 1, sizeof(*got));
	for (size_t i = 0; i < r.n; i++) {
		char nv[1024], path[2048], *tab = strchr(r.lines[i], '\t'), *end;
		snprintf(nv, sizeof(nv), "%.*s", (int)strcspn(r.lines[i], " "), r.lines[i]);
		snprintf(path, sizeof(path), "%.*s", tab ? (int)strcspn(tab + 1, "\t") : 0,
			 tab ? tab + 1 : "");
		end = strstr(path, "/package.json");
		if (end)
			*end = '\0';
		CHECKF(t, strstr(r.lines[i], " ---\t") != NULL, "installed package with flags: %s",
		       r.lines[i]);
		CHECKF(t, strstr(r.lines[i], "|npm|1") != NULL, "type/layer: %s", r.lines[i]);
		if (asprintf(&got[i], "%s %s", path + 5 /* "/app/" */, nv) < 0)
			got[i] = NULL;
	}
	qsort(got, r.n, sizeof(*got), pkgt_cmp_str);
	want = read_lines(exp, &nwant);
	CHECKF(t, nwant > 0, "no expectations in %s", exp);
	check_lists(t, "installed", got, r.n, want, nwant);
	free_list(got, r.n);
	free_list(want, nwant);
	for (size_t i = 0; i < tr.n; i++) {
		free((char *)tr.f[i].path);
		free((void *)tr.f[i].data);
	}
	free(tr.f);
	rec_free(&r);
}

/* Licenses and scopes from real package.json files of the tree. */
static void t_licenses(struct cgt *t)
{
	static const struct {
		const char *dir, *line;
	} v[] = {
	    {"json-schema", "json-schema@0.2.3 ---"},	 /* "licenses": [{type}, {type}] */
	    {"pause-stream", "pause-stream@0.0.11 ---"}, /* "license": ["MIT", "Apache2"] */
	    {"utils-merge", "utils-merge@1.0.1 ---"},	 /* "license" and "licenses" */
	    {"@babel/code-frame", "@babel/code-frame@7.29.7 ---"},
	};
	static const char *const lic[] = {"AFLv2.1 OR BSD|npm|3", "MIT OR Apache2|npm|3",
					  "MIT|npm|3", "MIT|npm|3"};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512], img[512];
		struct rec r = {0};
		size_t len;
		unsigned char *d;
		snprintf(path, sizeof(path), "%s/pkg/npm/installed/node_modules/%s/package.json",
			 CG_TEST_DATA, v[i].dir);
		snprintf(img, sizeof(img), "/srv/node_modules/%s/package.json", v[i].dir);
		d = pkgt_slurp(path, &len);
		CHECKF(t, d != NULL, "cannot read %s", path);
		CHECK_INT(t, run1(&r, img, d, len), CG_OK);
		CHECK_INT(t, r.n, 1);
		if (r.n == 1) {
			char want[600];
			snprintf(want, sizeof(want), "%s\t%s\t%s", v[i].line, img, lic[i]);
			CHECK_STR(t, r.lines[0], want);
		}
		free(d);
		rec_free(&r);
	}
}

static void t_locks(struct cgt *t)
{
	static const struct {
		const char *dir, *file;
		size_t count, dev;
	} v[] = {
	    {"lock-v1", "package-lock.json", 126, 70}, {"lock-v2", "package-lock.json", 127, 70},
	    {"lock-v3", "package-lock.json", 127, 70}, {"yarn-v1", "yarn.lock", 130, 0},
	    {"yarn-berry", "yarn.lock", 149, 0},       {"pnpm-v5", "pnpm-lock.yaml", 129, 71},
	    {"pnpm-v6", "pnpm-lock.yaml", 128, 71},    {"pnpm-v9", "pnpm-lock.yaml", 128, 71},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[512], img[512], exp[512], **got, **want;
		struct rec r = {0};
		size_t len, nwant, dev = 0;
		unsigned char *d;
		snprintf(path, sizeof(path), "%s/pkg/npm/%s/%s", CG_TEST_DATA, v[i].dir, v[i].file);
		snprintf(exp, sizeof(exp), "%s/pkg/npm/%s/expect", CG_TEST_DATA, v[i].dir);
		snprintf(img, sizeof(img), "/srv/app/%s", v[i].file);
		d = pkgt_slurp(path, &len);
		CHECKF(t, d != NULL, "cannot read %s", path);
		CHECK_INT(t, run1(&r, img, d, len), CG_OK);
		CHECKF(t, r.warns == 0, "%s: %d warnings", v[i].dir, r.warns);
		CHECKF(t, r.n == v[i].count, "%s: %zu packages, expected %zu", v[i].dir, r.n,
		       v[i].count);
		for (size_t k = 0; k < r.n; k++) {
			char want[600];
			dev += strstr(r.lines[k], " LD") != NULL;
			snprintf(want, sizeof(want), "\t%s\t", img);
			CHECKF(t, strstr(r.lines[k], want) && strstr(r.lines[k], "|npm|3"),
			       "%s: path/type/layer of %s", v[i].dir, r.lines[k]);
		}
		CHECKF(t, dev == v[i].dev, "%s: %zu dev packages, expected %zu", v[i].dir, dev,
		       v[i].dev);
		got = rec_keys(&r);
		want = read_lines(exp, &nwant);
		check_lists(t, v[i].dir, got, r.n, want, nwant);
		free_list(got, r.n);
		free_list(want, nwant);
		free(d);
		rec_free(&r);
	}
}

/* Small inputs, one behaviour each: file name, text, the packages expected
 * ("name@version FLAGS" sorted, joined by ','), and whether a warning is. */
static void t_cases(struct cgt *t)
{
	static const struct {
		const char *file, *text, *want;
		bool warns;
	} v[] = {
	    /* package.json */
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\"}", "a@1.0.0 ---",
	     false},
	    {"node_modules/a/package.json", "{\"name\":\"a\"}", "", false},
	    {"node_modules/a/package.json", "{\"version\":\"1.0.0\"}", "", false},
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":1}", "", false},
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\",", "", true},
	    {"node_modules/a/package.json", "[1,2]", "", true},
	    {"node_modules/a/package.json", "", "", true},
	    {"node_modules/@s/a/package.json", "{\"name\":\"@s\",\"version\":\"1.0.0\"}", "", true},
	    {"node_modules/@s/a/package.json", "{\"name\":\"@s/\",\"version\":\"1\"}", "", true},
	    {"node_modules/@s/a/package.json", "{\"name\":\"@/a\",\"version\":\"1\"}", "", true},
	    {"node_modules/@s/a/package.json", "{\"name\":\"@s/a/b\",\"version\":\"1\"}", "", true},
	    {"node_modules/a/package.json", "{\"name\":\"a/b\",\"version\":\"1\"}", "", true},
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1 2\"}", "", true},
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"\"}", "", true},
	    {"node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1\",\"name\":\"b\"}",
	     "b@1 ---", false},
	    {"node_modules/a/package.json", "\xef\xbb\xbf{\"name\":\"a\",\"version\":\"1.0.0\"}",
	     "a@1.0.0 ---", false}, /* a byte order mark */
	    {"yarn.lock", "\xef\xbb\xbf# yarn lockfile v1\na@1:\n  version \"1.0.0\"\n",
	     "a@1.0.0 L--", false},
	    /* package-lock v1 */
	    {"package-lock.json",
	     "{\"lockfileVersion\":1,\"dependencies\":{\"a\":{\"version\":\"1.0.0\",\"dev\":true,"
	     "\"dependencies\":{\"b\":{\"version\":\"2.0.0\",\"dependencies\":{\"c\":{"
	     "\"version\":\"3.0.0\"}}}}},\"al\":{\"version\":\"npm:@s/real@4.0.0\"},"
	     "\"loc\":{\"version\":\"file:loc\"},\"bad\":{}}}",
	     "@s/real@4.0.0 L--,a@1.0.0 LD-,b@2.0.0 L--,c@3.0.0 L--", true},
	    /* package-lock v2/v3: direct, nested, link, alias, workspace */
	    {"package-lock.json",
	     "{\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":{\"a\":\"1\","
	     "\"al\":\"npm:z@1\",\"w\":\"*\"},\"devDependencies\":{\"d\":\"1\"}},"
	     "\"node_modules/a\":{\"version\":\"1.0.0\",\"license\":\"MIT\"},"
	     "\"node_modules/a/node_modules/b\":{\"version\":\"2.0.0\",\"dev\":true},"
	     "\"node_modules/al\":{\"name\":\"z\",\"version\":\"9.0.0\"},"
	     "\"node_modules/d\":{\"version\":\"1.0.0\",\"dev\":true},"
	     "\"node_modules/t\":{\"version\":\"1.0.0\"},"
	     "\"node_modules/w\":{\"resolved\":\"packages/w\",\"link\":true},"
	     "\"node_modules/x\":{\"resolved\":\"../outside\",\"link\":true},"
	     "\"packages/w\":{\"name\":\"w\",\"version\":\"0.1.0\",\"dependencies\":{\"t\":\"1\"}},"
	     "\"node_modules/nover\":{}}}",
	     "a@1.0.0 L--,b@2.0.0 LDI,d@1.0.0 LD-,t@1.0.0 L--,w@0.1.0 L--,z@9.0.0 L--", true},
	    {"package-lock.json", "{\"lockfileVersion\":3,\"packages\":[]}", "", true},
	    {"package-lock.json", "{\"lockfileVersion\":3}", "", false},
	    /* yarn v1 */
	    {"yarn.lock",
	     "# yarn lockfile v1\n\n\n\"@s/a@^1.0.0\", \"@s/a@^1.1.0\":\n  version \"1.2.0\"\n"
	     "  resolved \"https://r/a.tgz\"\n  dependencies:\n    b \"^2\"\n\n"
	     "b@^2, b@^2.1:\n  version \"2.1.0\"\n\n"
	     "al@npm:real@3:\n  version \"3.0.0\"\n\n"
	     "nover@1:\n  resolved \"x\"\n\n"
	     "\"loc@file:./loc\":\n  version \"0.1.0\"\n",
	     "@s/a@1.2.0 L--,b@2.1.0 L--,loc@0.1.0 L--,real@3.0.0 L--", true},
	    {"yarn.lock", "a@1:\r\n  version \"1.0.0\"\r\n", "a@1.0.0 L--", false},
	    {"yarn.lock", "a@1\n  version \"1.0.0\"\n", "", true},
	    {"yarn.lock", "\"a@1:\n  version \"1.0.0\"\n", "", true},
	    {"yarn.lock", "noat:\n  version \"1.0.0\"\n", "", true},
	    /* yarn berry */
	    {"yarn.lock",
	     "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"
	     "\"a@npm:^1, al@npm:a@^1\":\n  version: 1.5.0\n  resolution: \"a@npm:1.5.0\"\n"
	     "  dependencies:\n    b: \"npm:^2\"\n\n"
	     "\"r@patch:r@npm%3A1.0.0#~builtin<compat/r>\":\n  version: 1.0.0\n"
	     "  resolution: \"r@patch:r@npm%3A1.0.0#~builtin<compat/r>::version=1.0.0\"\n\n"
	     "\"r@npm:1.0.0\":\n  version: 1.0.0\n  resolution: \"r@npm:1.0.0\"\n\n"
	     "\"root@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: "
	     "\"root@workspace:.\"\n\n"
	     "\"l@link:../l::locator=root%40workspace%3A.\":\n  version: 0.0.0-use.local\n"
	     "  resolution: \"l@link:../l::locator=root%40workspace%3A.\"\n",
	     "a@1.5.0 L--,r@1.0.0 L--", false},
	    /* pnpm v5: scoped keys, peer suffixes merged, fields, dev */
	    {"pnpm-lock.yaml",
	     "lockfileVersion: 5.4\n\npackages:\n\n  /@s/a/1.0.0_react@18.0.0:\n"
	     "    resolution: {integrity: sha512-x}\n    dev: true\n\n"
	     "  /@s/a/1.0.0_react@17.0.0:\n    dev: false\n\n"
	     "  /b/2.0.0:\n    dev: true\n\n"
	     "  github.com/u/c/abc:\n    name: c\n    version: 3.0.0\n\n"
	     "  file:loc:\n    name: loc\n",
	     "@s/a@1.0.0 L--,b@2.0.0 LD-,c@3.0.0 L--", false},
	    /* three variants, dev mixed: merged whatever order they sort in */
	    {"pnpm-lock.yaml",
	     "lockfileVersion: 5.4\npackages:\n  /a/1.0.0_x@1:\n    dev: false\n"
	     "  /a/1.0.0_x@2:\n    dev: true\n  /a/1.0.0_x@3:\n    dev: false\n"
	     "  /b/1.0.0_x@1:\n    dev: true\n  /b/1.0.0_x@2:\n    dev: true\n"
	     "  /b/1.0.0_x@3:\n    dev: true\n",
	     "a@1.0.0 L--,b@1.0.0 LD-", false},
	    /* pnpm v6 */
	    {"pnpm-lock.yaml",
	     "lockfileVersion: '6.0'\n\npackages:\n\n  /@s/a@1.0.0(react@18.0.0):\n    dev: "
	     "false\n\n"
	     "  /b@2.0.0:\n    dev: true\n",
	     "@s/a@1.0.0 L--,b@2.0.0 LD-", false},
	    /* pnpm v9: dev from reachability, aliases, peers, links */
	    {"pnpm-lock.yaml",
	     "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"
	     "      p:\n        specifier: ^1\n        version: 1.0.0(q@2.0.0)\n"
	     "      al:\n        specifier: npm:z@1\n        version: z@1.0.0\n"
	     "      lk:\n        specifier: link:../lk\n        version: link:../lk\n"
	     "    devDependencies:\n      d:\n        specifier: ^1\n        version: 1.0.0\n\n"
	     "packages:\n\n  p@1.0.0:\n    resolution: {integrity: x}\n\n  q@2.0.0:\n"
	     "    resolution: {integrity: x}\n\n  z@1.0.0:\n    resolution: {integrity: x}\n\n"
	     "  d@1.0.0:\n    resolution: {integrity: x}\n\n  e@1.0.0:\n"
	     "    resolution: {integrity: x}\n\n  '@s/shared@1.0.0':\n"
	     "    resolution: {integrity: x}\n\n  orphan@1.0.0:\n    resolution: {integrity: x}\n\n"
	     "snapshots:\n\n  p@1.0.0(q@2.0.0):\n    dependencies:\n      q: 2.0.0\n"
	     "      '@s/shared': 1.0.0\n\n  q@2.0.0: {}\n\n  z@1.0.0: {}\n\n"
	     "  d@1.0.0:\n    dependencies:\n      e: 1.0.0\n      '@s/shared': 1.0.0\n\n"
	     "  e@1.0.0: {}\n\n  '@s/shared@1.0.0': {}\n\n  orphan@1.0.0: {}\n",
	     "@s/shared@1.0.0 L--,d@1.0.0 LD-,e@1.0.0 LD-,orphan@1.0.0 L--,p@1.0.0 L--,"
	     "q@2.0.0 L--,z@1.0.0 L--",
	     false},
	    {"pnpm-lock.yaml", "packages:\n  /a/1.0.0:\n    dev: true\n", "", true},
	    /* several documents: the last is the project's */
	    {"pnpm-lock.yaml",
	     "---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n"
	     "packages:\n  pnpm@10.0.0:\n    resolution: {integrity: x}\n\n---\n"
	     "lockfileVersion: 5.4\npackages:\n  /a/1.0.0:\n    dev: true\n",
	     "a@1.0.0 LD-", false},
	    {"pnpm-lock.yaml", "lockfileVersion: 5.4\npackages:\n  /noversion:\n", "", false},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[256], got[4096] = "";
		struct rec r = {0};
		char **k;
		cg_err_t rc;
		snprintf(path, sizeof(path), "/app/%s", v[i].file);
		CHECKF(t, cg_collector_npm.match(path, strlen(path)), "case %zu: no match", i);
		rc = run1(&r, path, v[i].text, strlen(v[i].text));
		CHECKF(t, rc == CG_OK, "case %zu: %s", i, cg_strerror(rc));
		k = rec_keys(&r);
		for (size_t j = 0, o = 0; j < r.n && o < sizeof(got); j++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s", j ? "," : "", k[j]);
		CHECKF(t, strcmp(got, v[i].want) == 0, "case %zu (%s): got '%s', want '%s'", i,
		       v[i].file, got, v[i].want);
		CHECKF(t, (r.warns > 0) == v[i].warns, "case %zu (%s): %d warnings", i, v[i].file,
		       r.warns);
		free_list(k, r.n);
		rec_free(&r);
	}
}

/* A sink error stops the collector and comes back; a line over the limit is
 * skipped with a warning; warnings are capped per file. */
static void t_limits(struct cgt *t)
{
	struct rec r = {0};
	size_t len, n = 0;
	unsigned char *d;
	static const char *const kinds[] = {
	    "lock-v1/package-lock.json", "yarn-v1/yarn.lock",
	    "yarn-berry/yarn.lock",	 "pnpm-v5/pnpm-lock.yaml",
	    "pnpm-v9/pnpm-lock.yaml",	 "installed/node_modules/qs/package.json",
	};
	char path[512], img[600], *big;
	cg_err_t rc;

	snprintf(path, sizeof(path), "%s/pkg/npm/lock-v3/package-lock.json", CG_TEST_DATA);
	d = pkgt_slurp(path, &len);
	r.fail_after = 5;
	rc = run1(&r, "/app/package-lock.json", d, len);
	CHECK_INT(t, rc, CG_ERR_LIMIT);
	CHECK_INT(t, r.n, 4);
	rec_free(&r);
	free(d);
	/* the same for every other kind of file */
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "%s/pkg/npm/%s", CG_TEST_DATA, kinds[i]);
		d = pkgt_slurp(path, &len);
		snprintf(img, sizeof(img), "/app%s", strchr(kinds[i], '/'));
		r.fail_after = 1;
		rc = run1(&r, img, d, len);
		CHECKF(t, rc == CG_ERR_LIMIT && r.n == 0, "%s: sink error gave %s after %zu",
		       kinds[i], cg_strerror(rc), r.n);
		rec_free(&r);
		free(d);
	}

	/* an overlong line, then a good entry */
	big = malloc(200000);
	n += (size_t)snprintf(big, 200000, "a@1:\n  version \"1.0.0\"\n\"");
	memset(big + n, 'x', 70000);
	n += 70000;
	n += (size_t)snprintf(big + n, 200000 - n,
			      "@1\":\n  version \"1\"\nb@2:\n  version \"2.0.0\"\n");
	rc = run1(&r, "/app/yarn.lock", big, n);
	CHECK_INT(t, rc, CG_OK);
	CHECK_INT(t, r.n, 2);
	CHECK(t, r.warns >= 1);
	rec_free(&r);

	/* 1000 bad entries: at most NPM_MAX_WARN + 1 warnings */
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, 200000 - n, "x%d:\n  version \"1\"\n", i);
	rc = run1(&r, "/app/yarn.lock", big, n);
	CHECK_INT(t, rc, CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK(t, r.warns > 0 && r.warns <= 17);
	rec_free(&r);
	free(big);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match), CGT_CASE(t_installed), CGT_CASE(t_licenses),
    CGT_CASE(t_locks), CGT_CASE(t_cases),     CGT_CASE(t_limits),
};

CGT_MAIN(cases)
