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
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_gem;
#define C	   (&cg_collector_gem)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

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

static void add_dir(struct cgt *t, struct pkgt_files *fs, const char *reldir, const char *vdir)
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
			CHECKF(t, pkgt_add_file(fs, rel, vpath, 1), "cannot read %.300s", rel);
		}
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
}

static void t_debian_specifications(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	add_dir(t, &fs, "pkg/gem/specifications", "/usr/lib/ruby/gems/3.1.0/specifications");
	add_dir(t, &fs, "pkg/gem/specifications/default",
		"/usr/lib/ruby/gems/3.1.0/specifications/default");
	CHECK_INT(t, fs.n, 10);
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/gem/specifications.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, pkgt_has(&r, "gem\tdigest\t3.1.0\t--\tRuby, BSD-2-Clause\t"));
	CHECK(t, pkgt_has(&r, "gem\trdoc\t6.4.1.1\t--\tRuby\t"));
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
}

static void t_lock_files(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	CHECK(t, pkgt_add_file(&fs, "pkg/gem/app/Gemfile.lock", "/srv/app/Gemfile.lock", 0));
	CHECK(t, pkgt_add_file(&fs, "pkg/gem/steep/Gemfile.lock",
			       "/usr/lib/ruby/gems/3.1.0/gems/rbs-2.1.0/steep/Gemfile.lock", 1));
	CHECK(t, pkgt_add_file(&fs, "pkg/gem/typeprof/Gemfile.lock",
			       "/usr/lib/ruby/gems/3.1.0/gems/typeprof-0.21.2/Gemfile.lock", 1));
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/gem/locks.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, pkgt_has(&r, "gem\tnatgem\t1.13.10\tL-\t\tx86_64-linux")); /* PATH gem, platform */
	CHECK(t, pkgt_has(&r, "gem\ttypeprof\t0.21.2\tL-\t\t"));	    /* PATH section */
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
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
	struct pkgt_rec r = {0};
	for (size_t i = 0; i < N_ELEMS(spec_cases); i++) {
		CHECK_INT(t,
			  pkgt_run_text(C, "/g/specifications/x-1.gemspec", spec_cases[i].text, &r),
			  CG_OK);
		CHECKF(t, r.n == (spec_cases[i].want ? 1u : 0u), "case %zu: %zu gems", i, r.n);
		if (spec_cases[i].want && r.n == 1)
			CHECKF(t, strcmp(r.lines[0], spec_cases[i].want) == 0,
			       "case %zu: got [%.300s] expected [%.300s]", i, r.lines[0],
			       spec_cases[i].want);
		CHECKF(t, r.warnings == spec_cases[i].warnings, "case %zu: %d warnings (%s)", i,
		       r.warnings, r.last_warn);
	}
	pkgt_rec_free(&r);
}

static void t_lock_cases(struct cgt *t)
{
	struct pkgt_rec r = {0};
	CHECK_INT(
	    t,
	    pkgt_run_text(
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
	CHECK(t, pkgt_has(&r, "gem\tfoo\t1.0.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "gem\tnokogiri\t1.16.7\tL-\t\tx86_64-linux-gnu"));
	CHECK(t, pkgt_has(&r, "gem\tnokogiri\t1.16.7\tL-\t\tarm64-darwin"));
	CHECK(t, pkgt_has(&r, "gem\tpg\t1.5.4\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "gem\trails\t7.1.0.beta1\tL-\t\t"));
	CHECK_INT(t, r.warnings, 0);
	/* specs outside a source section, or outside "specs:", are not gems */
	CHECK_INT(t,
		  pkgt_run_text(
		      C, "/app/gems.locked",
		      "DEPENDENCIES\n  specs:\n    a (1.0)\nGEM\n  remote: x\n    b (1.0)\n", &r),
		  CG_OK);
	CHECK_INT(t, r.n, 0);
	/* a bad spec is warned about and skipped */
	CHECK_INT(t,
		  pkgt_run_text(C, "/app/Gemfile.lock",
				"GEM\n  specs:\n    a/b (1.0)\n    c (2 0)\n", &r),
		  CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 2);
	pkgt_rec_free(&r);
}

static void t_sink_error_stops(struct cgt *t)
{
	struct pkgt_rec r = {0};
	r.fail_with = CG_ERR_IO;
	r.fail_after = 1;
	CHECK_INT(t,
		  pkgt_run_text(C, "/app/Gemfile.lock",
				"GEM\n  specs:\n    a (1.0)\n    b (1.0)\n    c (1.0)\n", &r),
		  CG_ERR_IO);
	CHECK_INT(t, r.n, 1);
	r.fail_after = 0;
	CHECK_INT(t, pkgt_run_text(C, "/s/specifications/a.gemspec", "# stub: a 1 ruby lib\n", &r),
		  CG_ERR_IO);
	r.fail_with = CG_OK;
	pkgt_rec_free(&r);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match),	    CGT_CASE(t_debian_specifications),
    CGT_CASE(t_lock_files), CGT_CASE(t_gemspec_cases),
    CGT_CASE(t_lock_cases), CGT_CASE(t_sink_error_stops),
};
CGT_MAIN(cases)
