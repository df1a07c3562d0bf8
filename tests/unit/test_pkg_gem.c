/* Gem collector (lib/pkg/gem.c).
 *
 * Real inputs (tests/data/pkg/gem/, see its README.md): gemspecs
 * Debian 12's ruby3.1 and ruby-* packages install (installed, default and
 * rubygems-integration ones, digest's with NUL-separated stub extensions);
 * the Gemfile.lock files Debian ships inside rbs and typeprof, and one
 * written by this machine's Bundler 2.3.7 (a PATH gem with a platform).
 * Expected tables from Gem::Specification.load and Bundler::LockfileParser. */
#define _GNU_SOURCE
#include <dirent.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "cgtest.h"

extern const struct cg_pkg_collector cg_collector_gem;
#define C	   (&cg_collector_gem)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers: a recording sink, file loading, expected-table comparison ---- */

#define REC_MAX 4096

struct rec {
	char *lines[REC_MAX];
	size_t n;
	int warnings;
	char last_warn[512];
	int bad; /* packages with a wrong path, layer or flag */
	const struct cg_pkg_file *files;
	size_t nfiles;
	size_t fail_after; /* with fail_with: the add that fails */
	cg_err_t fail_with;
};

static cg_err_t rec_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct rec *r = ud;
	char buf[2048];
	bool path_ok = false;
	(void)files;
	if (r->fail_with != CG_OK && r->n >= r->fail_after)
		return r->fail_with;
	for (size_t i = 0; i < r->nfiles; i++)
		if (p->path == r->files[i].path && p->layer == r->files[i].layer)
			path_ok = true;
	if (!path_ok || nfiles != 0 || (p->flags & ~(unsigned)(CG_PKG_FROM_LOCK | CG_PKG_DEV)) ||
	    !p->type || !p->name || !p->version || p->epoch || p->src_name || p->namespace_)
		r->bad++;
	snprintf(buf, sizeof(buf), "%s\t%s\t%s\t%c%c\t%s\t%s", p->type, p->name, p->version,
		 (p->flags & CG_PKG_FROM_LOCK) ? 'L' : '-', (p->flags & CG_PKG_DEV) ? 'D' : '-',
		 p->license ? p->license : "", p->arch ? p->arch : "");
	if (r->n < REC_MAX)
		r->lines[r->n++] = strdup(buf);
	return CG_OK;
}

static void rec_warn(void *ud, const char *path, const char *msg)
{
	struct rec *r = ud;
	(void)path;
	r->warnings++;
	snprintf(r->last_warn, sizeof(r->last_warn), "%s", msg);
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	memset(r, 0, sizeof(*r));
}

/* Run the collector over files; fills r (which it clears first). */
static cg_err_t run(const struct cg_pkg_collector *c, const struct cg_pkg_file *files, size_t n,
		    struct rec *r)
{
	struct cg_pkg_sink sink = {rec_add, rec_warn, r};
	struct cg_error err;
	size_t fail_after = r->fail_after;
	cg_err_t fail_with = r->fail_with;
	rec_free(r);
	r->fail_after = fail_after;
	r->fail_with = fail_with;
	r->files = files;
	r->nfiles = n;
	return c->collect(files, n, &sink, &err);
}

/* One in-memory file at a virtual path. */
static cg_err_t run_text(const struct cg_pkg_collector *c, const char *path, const char *text,
			 struct rec *r)
{
	struct cg_pkg_file f = {path, 0, (const unsigned char *)text, strlen(text)};
	return run(c, &f, 1, r);
}

static unsigned char *load(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	unsigned char *buf = NULL;
	long n;
	snprintf(path, sizeof(path), "%s/%s", CG_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The recorded packages must be exactly the lines of an expected file
 * (tab-separated: type name version flags license arch), as multisets. */
static void check_expected(struct cgt *t, struct rec *r, const char *rel)
{
	size_t len = 0, nwant = 0, i;
	unsigned char *data = load(rel, &len);
	char *want[REC_MAX], *p;
	CHECKF(t, data != NULL, "cannot read %s", rel);
	if (!data)
		return;
	data[len] = '\0';
	for (p = (char *)data; *p && nwant < REC_MAX;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			want[nwant++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	qsort(want, nwant, sizeof(*want), cmp_str);
	qsort(r->lines, r->n, sizeof(*r->lines), cmp_str);
	CHECKF(t, r->n == nwant, "%s: %zu packages, expected %zu", rel, r->n, nwant);
	for (i = 0; i < r->n && i < nwant; i++) {
		CHECKF(t, strcmp(r->lines[i], want[i]) == 0, "%s: got [%.300s] expected [%.300s]",
		       rel, r->lines[i], want[i]);
		if (strcmp(r->lines[i], want[i]) != 0)
			break;
	}
	CHECKF(t, r->bad == 0, "%s: %d packages with a wrong path, layer or flag", rel, r->bad);
	free(data);
}

/* Is line (type name version flags license arch) among the recorded? */
static bool has(const struct rec *r, const char *line)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->lines[i], line) == 0)
			return true;
	return false;
}

/* The loaded files of a test, freed together. */
struct files {
	struct cg_pkg_file f[256];
	unsigned char *data[256];
	char *path[256];
	size_t n;
};

static bool add_file(struct files *fs, const char *rel, const char *vpath, int layer)
{
	size_t len = 0;
	unsigned char *d;
	if (fs->n >= 256 || !(d = load(rel, &len)))
		return false;
	fs->data[fs->n] = d;
	fs->path[fs->n] = strdup(vpath);
	fs->f[fs->n].path = fs->path[fs->n];
	fs->f[fs->n].layer = layer;
	fs->f[fs->n].data = d;
	fs->f[fs->n].len = len;
	fs->n++;
	return true;
}

static void files_free(struct files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->data[i]);
		free(fs->path[i]);
	}
	fs->n = 0;
}

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
	    {"/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", true},
	    {"/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", true},
	    {"/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec", true},
	    {"/app/vendor/bundle/ruby/3.1.0/specifications/rack-2.2.8.gemspec", true},
	    {"/app/Gemfile.lock", true},
	    {"/app/gems.locked", true},
	    {"/app/rack.gemspec", false},
	    {"/app/vendor/bundle/ruby/3.1.0/bundler/gems/foo-abc/foo.gemspec", false},
	    {"/usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec", false},
	    {"/x/default/json.gemspec", false},
	    {"/app/Gemfile", false},
	    {"/app/Gemfile.lock.bak", false},
	    {"specifications/a.gemspec", true},
	    {"a.gemspec", false},
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		CHECKF(t, C->match(cases[i].path, strlen(cases[i].path)) == cases[i].want, "%s",
		       cases[i].path);
	CHECK_STR(t, C->name, "gem");
}

static void add_dir(struct cgt *t, struct files *fs, const char *reldir, const char *vdir)
{
	char dir[512];
	struct dirent **ents;
	int n;
	snprintf(dir, sizeof(dir), "%s/%s", CG_TEST_DATA, reldir);
	n = scandir(dir, &ents, NULL, alphasort);
	CHECKF(t, n > 0, "cannot list %.400s", dir);
	for (int i = 0; i < n; i++) {
		if (strstr(ents[i]->d_name, ".gemspec")) {
			char rel[700], vpath[700];
			snprintf(rel, sizeof(rel), "%s/%.256s", reldir, ents[i]->d_name);
			snprintf(vpath, sizeof(vpath), "%s/%.256s", vdir, ents[i]->d_name);
			CHECKF(t, C->match(vpath, strlen(vpath)), "not matched: %.300s", vpath);
			CHECKF(t, add_file(fs, rel, vpath, 1), "cannot read %.300s", rel);
		}
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
}

static void t_debian_specifications(struct cgt *t)
{
	struct files fs = {0};
	struct rec r = {0};
	add_dir(t, &fs, "pkg/gem/specifications", "/usr/lib/ruby/gems/3.1.0/specifications");
	add_dir(t, &fs, "pkg/gem/specifications/default",
		"/usr/lib/ruby/gems/3.1.0/specifications/default");
	CHECK_INT(t, fs.n, 10);
	CHECK_INT(t, run(C, fs.f, fs.n, &r), CG_OK);
	check_expected(t, &r, "pkg/gem/specifications.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, has(&r, "gem\tdigest\t3.1.0\t--\tRuby, BSD-2-Clause\t"));
	CHECK(t, has(&r, "gem\trdoc\t6.4.1.1\t--\tRuby\t"));
	files_free(&fs);
	rec_free(&r);
}

static void t_lock_files(struct cgt *t)
{
	struct files fs = {0};
	struct rec r = {0};
	CHECK(t, add_file(&fs, "pkg/gem/app/Gemfile.lock", "/srv/app/Gemfile.lock", 0));
	CHECK(t, add_file(&fs, "pkg/gem/steep/Gemfile.lock",
			  "/usr/lib/ruby/gems/3.1.0/gems/rbs-2.1.0/steep/Gemfile.lock", 1));
	CHECK(t, add_file(&fs, "pkg/gem/typeprof/Gemfile.lock",
			  "/usr/lib/ruby/gems/3.1.0/gems/typeprof-0.21.2/Gemfile.lock", 1));
	CHECK_INT(t, run(C, fs.f, fs.n, &r), CG_OK);
	check_expected(t, &r, "pkg/gem/locks.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, has(&r, "gem\tnatgem\t1.13.10\tL-\t\tx86_64-linux")); /* PATH gem, platform */
	CHECK(t, has(&r, "gem\ttypeprof\t0.21.2\tL-\t\t"));	       /* PATH section */
	files_free(&fs);
	rec_free(&r);
}

static const struct {
	const char *text, *want; /* want: the one gem, or NULL */
	int warnings;
} spec_cases[] = {
    /* the stub line wins (RubyGems reads it first) */
    {"# -*- encoding: utf-8 -*-\n# stub: nokogiri 1.13.10 x86_64-linux lib\n\n"
     "Gem::Specification.new do |s|\n  s.name = \"other\".freeze\n  s.version = \"9\"\n"
     "  s.licenses = [\"MIT\".freeze]\nend\n",
     "gem\tnokogiri\t1.13.10\t--\tMIT\tx86_64-linux", 0},
    {"# stub: rake 13.0.6 ruby lib\n", "gem\trake\t13.0.6\t--\t\t", 0},
    /* RubyGems 1.x wrote %q{} and no stub line */
    {"Gem::Specification.new do |s|\n  s.name = %q{rack}\n  s.version = \"1.1.0\"\n"
     "  s.platform = %q{java}\n  s.license = %q{MIT}\nend\n",
     "gem\track\t1.1.0\t--\tMIT\tjava", 0},
    /* another block variable; other receivers are ignored */
    {"Gem::Specification.new do |spec|\n  x.name = \"no\"\n  spec.name = 'a-b_c.d'\n"
     "  spec.version = \"2.0.0.pre1\" if spec.respond_to? :version=\n"
     "  spec.licenses = [\"Ruby\".freeze, \"BSD-2-Clause\".freeze, \"Ruby\".freeze]\nend\n",
     "gem\ta-b_c.d\t2.0.0.pre1\t--\tRuby, BSD-2-Clause, Ruby\t", 0},
    /* escapes that to_ruby writes */
    {"Gem::Specification.new do |s|\n s.name = \"x\"\n s.version = \"1\"\n"
     " s.license = \"Caf\\u00E9 \\\"L\\\"\".freeze\nend\n",
     "gem\tx\t1\t--\tCaf\xc3\xa9 \"L\"\t", 0},
    /* no literal name: interpolation, constants, a comparison */
    {"Gem::Specification.new do |s|\n s.name = \"#{NAME}\"\n s.version = \"1\"\nend\n", NULL, 1},
    {"Gem::Specification.new do |s|\n s.name = \"x\"\n s.version = Foo::VERSION\nend\n", NULL, 1},
    {"Gem::Specification.new do |s|\n s.name == \"x\"\n s.version = \"1\"\nend\n", NULL, 1},
    {"Gem::Specification.new do |s|\n s.name = \"x\" + y\n s.version = \"1\"\nend\n", NULL, 1},
    /* bad names and versions */
    {"# stub: a/b 1.0 ruby lib\n", NULL, 1},
    {"# stub: a\n", NULL, 1},
    {"", NULL, 1},
};

static void t_gemspec_cases(struct cgt *t)
{
	struct rec r = {0};
	for (size_t i = 0; i < N_ELEMS(spec_cases); i++) {
		CHECK_INT(t, run_text(C, "/g/specifications/x-1.gemspec", spec_cases[i].text, &r),
			  CG_OK);
		CHECKF(t, r.n == (spec_cases[i].want ? 1u : 0u), "case %zu: %zu gems", i, r.n);
		if (spec_cases[i].want && r.n == 1)
			CHECKF(t, strcmp(r.lines[0], spec_cases[i].want) == 0,
			       "case %zu: got [%.300s] expected [%.300s]", i, r.lines[0],
			       spec_cases[i].want);
		CHECKF(t, r.warnings == spec_cases[i].warnings, "case %zu: %d warnings (%s)", i,
		       r.warnings, r.last_warn);
	}
	rec_free(&r);
}

static void t_lock_cases(struct cgt *t)
{
	struct rec r = {0};
	CHECK_INT(
	    t,
	    run_text(
		C, "/app/Gemfile.lock",
		"GIT\r\n  remote: https://github.com/x/foo.git\r\n  revision: abc\r\n"
		"  specs:\r\n    foo (1.0.0)\r\n      bar (>= 1)\r\n\r\n"
		"GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n"
		"    nokogiri (1.16.7-x86_64-linux-gnu)\r\n      racc (~> 1.4)\r\n"
		"    nokogiri (1.16.7-arm64-darwin)\r\n    pg (1.5.4)\r\n"
		"    rails (7.1.0.beta1)\r\n    noversion\r\n     bad (1.0)\r\n\r\n"
		"PLATFORMS\r\n  x86_64-linux\r\n\r\nDEPENDENCIES\r\n  foo!\r\n  pg (1.5.4)\r\n\r\n"
		"CHECKSUMS\r\n  pg (1.5.4) sha256=00\r\n\r\nBUNDLED WITH\r\n   2.5.0\r\n",
		&r),
	    CG_OK);
	CHECK_INT(t, r.n, 5);
	CHECK(t, has(&r, "gem\tfoo\t1.0.0\tL-\t\t"));
	CHECK(t, has(&r, "gem\tnokogiri\t1.16.7\tL-\t\tx86_64-linux-gnu"));
	CHECK(t, has(&r, "gem\tnokogiri\t1.16.7\tL-\t\tarm64-darwin"));
	CHECK(t, has(&r, "gem\tpg\t1.5.4\tL-\t\t"));
	CHECK(t, has(&r, "gem\trails\t7.1.0.beta1\tL-\t\t"));
	CHECK_INT(t, r.warnings, 0);
	/* specs outside a source section, or outside "specs:", are not gems */
	CHECK_INT(t,
		  run_text(C, "/app/gems.locked",
			   "DEPENDENCIES\n  specs:\n    a (1.0)\nGEM\n  remote: x\n    b (1.0)\n",
			   &r),
		  CG_OK);
	CHECK_INT(t, r.n, 0);
	/* a bad spec is warned about and skipped */
	CHECK_INT(
	    t, run_text(C, "/app/Gemfile.lock", "GEM\n  specs:\n    a/b (1.0)\n    c (2 0)\n", &r),
	    CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 2);
	rec_free(&r);
}

static void t_sink_error_stops(struct cgt *t)
{
	struct rec r = {0};
	r.fail_with = CG_ERR_IO;
	r.fail_after = 1;
	CHECK_INT(t,
		  run_text(C, "/app/Gemfile.lock",
			   "GEM\n  specs:\n    a (1.0)\n    b (1.0)\n    c (1.0)\n", &r),
		  CG_ERR_IO);
	CHECK_INT(t, r.n, 1);
	r.fail_after = 0;
	CHECK_INT(t, run_text(C, "/s/specifications/a.gemspec", "# stub: a 1 ruby lib\n", &r),
		  CG_ERR_IO);
	r.fail_with = CG_OK;
	rec_free(&r);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match),	    CGT_CASE(t_debian_specifications),
    CGT_CASE(t_lock_files), CGT_CASE(t_gemspec_cases),
    CGT_CASE(t_lock_cases), CGT_CASE(t_sink_error_stops),
};
CGT_MAIN(cases)
