/* Python collector (lib/pkg/python.c).
 *
 * Real inputs (tests/data/pkg/python/, see its README.md):
 *   - the METADATA / PKG-INFO of all 30 distributions Debian 12 installs in
 *     /usr/lib/python3/dist-packages on this machine (headers as shipped,
 *     long descriptions cut); expected table from importlib.metadata;
 *   - requirements files shipped on this machine (google-cloud-sdk, pip's
 *     docs, pyenv) and two synthetic ones for pip's line syntax; expected
 *     table from pip 23.0.1's own req_file preprocessing and packaging;
 *   - poetry.lock (Poetry 1.1 and 1.7), uv.lock and Pipfile.lock from public
 *     projects; expected table from tomllib / json. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/stat.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_python;
#define C	   (&cg_collector_python)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
	    {"/usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA", true},
	    {"/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", true},
	    {"/usr/lib/python3/dist-packages/rpm-4.18.0.egg-info", true},
	    {"/usr/lib/python3.11/site-packages/x-1.0-py3.11.egg/EGG-INFO/PKG-INFO", true},
	    {"/app/requirements.txt", true},
	    {"/app/requirements-dev.txt", true},
	    {"/app/dev-requirements.txt", true},
	    {"/app/poetry.lock", true},
	    {"/app/Pipfile.lock", true},
	    {"/app/uv.lock", true},
	    {"/usr/lib/python3/dist-packages/pip-23.0.1.dist-info/RECORD", false},
	    {"/usr/lib/python3/dist-packages/six-1.16.0.egg-info/requires.txt", false},
	    {"/app/METADATA", false},
	    {"/app/x.dist-info.bak/METADATA", false},
	    {"/app/PKG-INFO", false},
	    {"/app/requirements.in", false},
	    {"/app/Pipfile", false},
	    {"/app/pyproject.toml", false},
	    {"/.egg-info", false},
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		CHECKF(t, C->match(cases[i].path, strlen(cases[i].path)) == cases[i].want, "%s",
		       cases[i].path);
	CHECK_STR(t, C->name, "python");
	CHECK(t, C->max_size >= ((size_t)1 << 20));
}

/* Every distribution of Debian's dist-packages, as importlib.metadata lists them. */
static void t_debian_dist_packages(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	char dir[512];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir), "%s/pkg/python/dist-packages", CG_TEST_DATA);
	n = scandir(dir, &ents, NULL, alphasort);
	CHECKF(t, n > 0, "cannot list %.400s", dir);
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		char rel[1024], vpath[1024], sub[1024];
		struct stat st;
		if (e[0] != '.') {
			snprintf(sub, sizeof(sub), "%.500s/%.400s", dir, e);
			if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
				const char *meta =
				    strstr(e, ".dist-info") ? "METADATA" : "PKG-INFO";
				snprintf(rel, sizeof(rel), "pkg/python/dist-packages/%s/%s", e,
					 meta);
				snprintf(vpath, sizeof(vpath),
					 "/usr/lib/python3/dist-packages/%s/%s", e, meta);
			} else {
				snprintf(rel, sizeof(rel), "pkg/python/dist-packages/%s", e);
				snprintf(vpath, sizeof(vpath), "/usr/lib/python3/dist-packages/%s",
					 e);
			}
			CHECKF(t, C->match(vpath, strlen(vpath)), "not matched: %.300s", vpath);
			CHECKF(t, pkgt_add_file(&fs, rel, vpath, 2), "cannot read %.300s", rel);
		}
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	CHECK_INT(t, fs.n, 30);
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/python/dist-packages.expected");
	CHECK_INT(t, r.warnings, 0);
	/* PEP 503 names, and the license chosen as documented */
	CHECK(t, pkgt_has(&r, "pypi\tlazr-restfulclient\t0.14.5\t--\tLGPL v3\t"));
	CHECK(t, pkgt_has(&r, "pypi\tpyyaml\t6.0\t--\tMIT\t"));
	CHECK(t, pkgt_has(&r, "pypi\tpackaging\t23.0\t--\tApache Software License, BSD License\t"));
	CHECK(t, pkgt_has(&r, "pypi\tcryptography\t38.0.4\t--\tBSD-3-Clause OR Apache-2.0\t"));
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
}

static void t_requirements_files(struct cgt *t)
{
	static const char *names[] = {
	    "boto-requirements.txt",
	    "gcs-oauth2-boto-plugin-requirements.txt",
	    "httplib2-requirements-test.txt",
	    "pip-docs-requirements.txt",
	    "pyenv-python-build-requirements.txt",
	    "requests-requirements-dev.txt",
	    "synthetic-crlf-requirements.txt",
	    "synthetic-requirements-tricky.txt",
	};
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	for (size_t i = 0; i < N_ELEMS(names); i++) {
		char rel[256], vpath[256];
		snprintf(rel, sizeof(rel), "pkg/python/requirements/%s", names[i]);
		snprintf(vpath, sizeof(vpath), "/srv/app%zu/%s", i, names[i]);
		CHECKF(t, pkgt_add_file(&fs, rel, vpath, (int)i), "cannot read %s", rel);
	}
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/python/requirements.expected");
	CHECK_INT(t, r.warnings, 0);
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
}

static void t_lock_files(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	CHECK(t, pkgt_add_file(&fs, "pkg/python/poetry-1.1/poetry.lock", "/a/poetry.lock", 0));
	CHECK(t, pkgt_add_file(&fs, "pkg/python/poetry-1.7/poetry.lock", "/b/poetry.lock", 1));
	CHECK(t, pkgt_add_file(&fs, "pkg/python/uv/uv.lock", "/c/uv.lock", 2));
	CHECK(t, pkgt_add_file(&fs, "pkg/python/pipenv/Pipfile.lock", "/d/Pipfile.lock", 3));
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/python/locks.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, pkgt_has(&r, "pypi\tblack\t20.8b1\tLD\t\t"));		   /* category = "dev" */
	CHECK(t, pkgt_has(&r, "pypi\ttyping-extensions\t4.12.2\tL-\t\t")); /* no category */
	CHECK(t, pkgt_has(&r, "pypi\tcurs-valutar-bnr\t0.1.0\tL-\t\t"));   /* uv's virtual root */
	CHECK(t, pkgt_has(&r, "pypi\tpyasn1\t0.4.4\tL-\t\t"));		   /* Pipfile default */
	CHECK(t, pkgt_has(&r, "pypi\tbabel\t2.8.0\tLD\t\t"));		   /* Pipfile develop */
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
}

static const struct {
	const char *path, *text;
	const char *want; /* the one package, or NULL for none */
	int warnings;
} meta_cases[] = {
    {"/s/a-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: A_b.C\nVersion: 1.0\n\nbody",
     "pypi\ta-b-c\t1.0\t--\t\t", 0},
    /* keys are case-insensitive, the first value wins, values are trimmed */
    {"/s/a.egg-info", "name:   Foo  \r\nVERSION: 2.0\r\nName: Bar\r\nversion: 3\r\n",
     "pypi\tfoo\t2.0\t--\t\t", 0},
    /* the headers end at the first blank line: a Version in the body does not count */
    {"/s/a.egg-info", "Name: foo\n\nVersion: 1.0\n", NULL, 1},
    /* ... and at a line that is not a header (the email parser starts the body) */
    {"/s/a.egg-info", "Name: foo\nthis is not a header\nVersion: 1.0\n", NULL, 1},
    {"/s/a.egg-info", "Name: foo\nBad Key: x\nVersion: 1.0\n", NULL, 1},
    /* continuation lines belong to the previous header */
    {"/s/a.egg-info", "Name: foo\nDescription: a\n        Version: 9\n        |\nVersion: 1.0\n",
     "pypi\tfoo\t1.0\t--\t\t", 0},
    /* License-Expression first, then a one-line License, then classifiers */
    {"/s/a.egg-info", "Name: x\nVersion: 1\nLicense: MIT License\nLicense-Expression: MIT\n",
     "pypi\tx\t1\t--\tMIT\t", 0},
    {"/s/a.egg-info",
     "Name: x\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n",
     "pypi\tx\t1\t--\tMIT License\t", 0},
    {"/s/a.egg-info",
     "Name: x\nVersion: 1\nLicense: Copyright (c) someone\n        Permission is hereby granted\n"
     "Classifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved\n"
     "Classifier: License :: Public Domain\n",
     "pypi\tx\t1\t--\tBSD License, Public Domain\t", 0},
    {"/s/a.egg-info", "Name: x\nVersion: 1\nLicense: bad\x01text\n", "pypi\tx\t1\t--\t\t", 0},
    {"/s/a.egg-info", "\xef\xbb\xbfName: bom\nVersion: 1\n", "pypi\tbom\t1\t--\t\t", 0},
    /* invalid names and versions are skipped with a warning */
    {"/s/a.egg-info", "Name: -x\nVersion: 1\n", NULL, 1},
    {"/s/a.egg-info", "Name: x y\nVersion: 1\n", NULL, 1},
    {"/s/a.egg-info", "Name: x\nVersion: 1 2\n", NULL, 1},
    {"/s/a.egg-info", "Name: x\nVersion: \n", NULL, 1},
    {"/s/a.egg-info", "Version: 1\n", NULL, 1},
    {"/s/a.egg-info", "", NULL, 1},
    {"/s/a.egg-info", "\x89PNG\r\n\x1a\n\0\0", NULL, 1},
};

static void t_metadata_cases(struct cgt *t)
{
	struct pkgt_rec r = {0};
	for (size_t i = 0; i < N_ELEMS(meta_cases); i++) {
		struct cg_pkg_file f = {meta_cases[i].path, 0,
					(const unsigned char *)meta_cases[i].text,
					strlen(meta_cases[i].text)};
		if (i == N_ELEMS(meta_cases) - 1)
			f.len = 10; /* with its NUL bytes */
		CHECK_INT(t, pkgt_run(C, &f, 1, &r), CG_OK);
		CHECKF(t, r.n == (meta_cases[i].want ? 1u : 0u), "case %zu: %zu packages", i, r.n);
		if (meta_cases[i].want && r.n == 1)
			CHECKF(t, strcmp(r.lines[0], meta_cases[i].want) == 0,
			       "case %zu: got [%.300s] expected [%.300s]", i, r.lines[0],
			       meta_cases[i].want);
		CHECKF(t, r.warnings == meta_cases[i].warnings, "case %zu: %d warnings (%s)", i,
		       r.warnings, r.last_warn);
	}
	pkgt_rec_free(&r);
}

static const struct {
	const char *text, *want; /* want: "name version" of the one pin, or NULL */
} req_cases[] = {
    {"requests==2.31.0", "requests 2.31.0"},
    {"Requests == 2.31.0   ", "requests 2.31.0"},
    {"flask[async, dotenv]==2.3.3", "flask 2.3.3"},
    {"zope.interface===6.0", "zope-interface 6.0"},
    {"foo===1.0+local.7", "foo 1.0+local.7"},
    {"Django (==4.2.5)", "django 4.2.5"},
    {"a==1.0;python_version<'3.8'", "a 1.0"},
    {"a==1.0 --hash=sha256:abc --hash=sha256:def", "a 1.0"},
    {"a==1.0 \\\n    --hash=sha256:abc", "a 1.0"},
    {"a==1.0 # pinned", "a 1.0"},
    {"a==1!2.0.post1.dev3", "a 1!2.0.post1.dev3"},
    {"a==1.0#frag", NULL},
    {"a==1.*", NULL},
    {"a>=1.0", NULL},
    {"a~=1.0", NULL},
    {"a!=1.0", NULL},
    {"a==1.0,!=1.1", NULL},
    {"a", NULL},
    {"a @ https://x/a-1.0.whl", NULL},
    {"-e .", NULL},
    {"-r base.txt", NULL},
    {"--index-url https://pypi.org/simple", NULL},
    {"./pkg", NULL},
    {"https://x/a-1.0.tar.gz", NULL},
    {"git+https://x/a.git#egg=a", NULL},
    {"# a==1.0", NULL},
    {"a==${VERSION}", NULL},
    {"a[x==1.0", NULL},
    {"-a==1.0", NULL},
    {"a.==1.0", NULL},
    {"", NULL},
};

static void t_requirement_lines(struct cgt *t)
{
	struct pkgt_rec r = {0};
	for (size_t i = 0; i < N_ELEMS(req_cases); i++) {
		char want[256];
		CHECK_INT(t, pkgt_run_text(C, "/app/requirements.txt", req_cases[i].text, &r),
			  CG_OK);
		CHECKF(t, r.n == (req_cases[i].want ? 1u : 0u), "'%s': %zu packages",
		       req_cases[i].text, r.n);
		if (req_cases[i].want && r.n == 1) {
			const char *sp = strchr(req_cases[i].want, ' ');
			snprintf(want, sizeof(want), "pypi\t%.*s\t%s\tL-\t\t",
				 (int)(sp - req_cases[i].want), req_cases[i].want, sp + 1);
			CHECKF(t, strcmp(r.lines[0], want) == 0, "'%s': got [%.300s]",
			       req_cases[i].text, r.lines[0]);
		}
		CHECK_INT(t, r.warnings, 0);
	}
	pkgt_rec_free(&r);
}

/* Poetry 2 records the groups of each package; Poetry 1.x a category. */
static void t_poetry_groups(struct cgt *t)
{
	struct pkgt_rec r = {0};
	CHECK_INT(t,
		  pkgt_run_text(
		      C, "/app/poetry.lock",
		      "# This file is automatically @generated by Poetry 2.1.1 and should not be "
		      "changed by hand.\n\n"
		      "[[package]]\nname = \"six\"\nversion = \"1.17.0\"\noptional = false\n"
		      "groups = [\"main\"]\nmarkers = \"sys_platform == \\\"win32\\\"\"\n"
		      "files = [\n    {file = \"six-1.17.0.tar.gz\", hash = \"sha256:ff\"},\n]\n\n"
		      "[[package]]\nname = \"pytest\"\nversion = \"8.3.4\"\ngroups = [\"dev\"]\n\n"
		      "[package.dependencies]\niniconfig = \"*\"\n\n"
		      "[[package]]\nname = \"Sphinx\"\nversion = \"7.0\"\ngroups = [\"docs\", "
		      "\"main\"]\n\n"
		      "[[package]]\nname = \"mkdocs\"\nversion = \"1.6\"\ngroups = [\"docs\"]\n\n"
		      "[[package]]\nname = \"old\"\nversion = \"0.1\"\ncategory = \"main\"\n\n"
		      "[[package]]\nname = \"noversion\"\n\n"
		      "[metadata]\nlock-version = \"2.1\"\npython-versions = \">=3.13\"\n",
		      &r),
		  CG_OK);
	CHECK_INT(t, r.n, 5);
	CHECK(t, pkgt_has(&r, "pypi\tsix\t1.17.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tpytest\t8.3.4\tLD\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tsphinx\t7.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tmkdocs\t1.6\tLD\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\told\t0.1\tL-\t\t"));
	CHECK_INT(t, r.warnings, 1); /* the package without a version */
	/* uv: a member without a version is the project's own, silently skipped */
	CHECK_INT(
	    t,
	    pkgt_run_text(C, "/app/uv.lock",
			  "version = 1\n[[package]]\nname = \"me\"\nsource = { editable = \".\" }\n"
			  "[[package]]\nname = \"anyio\"\nversion = \"4.8.0\"\n"
			  "source = { registry = \"https://pypi.org/simple\" }\n",
			  &r),
	    CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, pkgt_has(&r, "pypi\tanyio\t4.8.0\tL-\t\t"));
	CHECK_INT(t, r.warnings, 0);
	pkgt_rec_free(&r);
}

static void t_pipfile_cases(struct cgt *t)
{
	struct pkgt_rec r = {0};
	CHECK_INT(
	    t,
	    pkgt_run_text(
		C, "/app/Pipfile.lock",
		"{\"_meta\": {}, \"default\": {\"Requests\": {\"version\": \"==2.0\"},"
		" \"six\": {\"version\": \"==1.0\"}, \"e\": {\"editable\": true, \"path\": \".\"},"
		" \"arb\": {\"version\": \"===1.0\"}, \"rng\": {\"version\": \">=1\"}},"
		" \"develop\": {\"six\": {\"version\": \"==1.0\"}, \"pytest\": {\"version\": "
		"\"==8.0\"},"
		" \"bad name\": {\"version\": \"==1\"}}}",
		&r),
	    CG_OK);
	CHECK_INT(t, r.n, 4);
	CHECK(t, pkgt_has(&r, "pypi\trequests\t2.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tsix\t1.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tarb\t1.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "pypi\tpytest\t8.0\tLD\t\t"));
	CHECK_INT(t, r.warnings, 1);
	/* duplicate keys are accepted (real files have them), JSON errors warned */
	CHECK_INT(t,
		  pkgt_run_text(C, "/app/Pipfile.lock",
				"{\"default\": {\"a\": {\"version\": \"==1\"}}, \"default\": {}}",
				&r),
		  CG_OK);
	CHECK_INT(t, r.warnings, 0);
	CHECK_INT(t, pkgt_run_text(C, "/app/Pipfile.lock", "{\"default\": {\"a\": ", &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	CHECK_INT(t, pkgt_run_text(C, "/app/Pipfile.lock", "[1, 2]", &r), CG_OK);
	CHECK_INT(t, r.warnings, 1);
	CHECK_INT(t, pkgt_run_text(C, "/app/Pipfile.lock", "{\"default\": []}", &r), CG_OK);
	CHECK_INT(t, r.warnings, 1);
	pkgt_rec_free(&r);
}

static void t_malformed_toml(struct cgt *t)
{
	struct pkgt_rec r = {0};
	CHECK_INT(t,
		  pkgt_run_text(C, "/app/poetry.lock",
				"[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n"
				"[[package]]\nname = \"b\"\nversion = \"1.0\ndescription = \"x\"\n",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK_INT(t, r.warnings, 1);
	CHECKF(t, strstr(r.last_warn, "line 7") != NULL, "warning: %s", r.last_warn);
	CHECK_INT(t, pkgt_run_text(C, "/app/uv.lock", "[[package]\n", &r), CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	pkgt_rec_free(&r);
}

static void t_sink_error_stops(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	static const char *paths[] = {"/a/poetry.lock", "/a/requirements.txt", "/a/Pipfile.lock",
				      "/a/x.egg-info"};
	static const char *texts[] = {"[[package]]\nname = \"a\"\nversion = \"1\"\n", "a==1\n",
				      "{\"default\": {\"a\": {\"version\": \"==1\"}}}",
				      "Name: a\nVersion: 1\n"};
	(void)fs;
	for (size_t i = 0; i < N_ELEMS(paths); i++) {
		r.fail_after = 0;
		r.fail_with = CG_ERR_IO;
		CHECKF(t, pkgt_run_text(C, paths[i], texts[i], &r) == CG_ERR_IO, "%s", paths[i]);
	}
	r.fail_with = CG_OK;
	pkgt_rec_free(&r);
}

static void t_caps(struct cgt *t)
{
	size_t n = 100001, cap = n * 16 + 16, o = 0;
	char *big = malloc(cap);
	struct pkgt_rec r = {0};
	struct cg_pkg_file f;
	CHECK(t, big != NULL);
	if (!big)
		return;
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(big + o, cap - o, "p%zu==1\n", i);
	f.path = "/big/requirements.txt";
	f.layer = 0;
	f.data = (const unsigned char *)big;
	f.len = o;
	CHECK_INT(t, pkgt_run(C, &f, 1, &r), CG_OK);
	CHECK_INT(t, r.warnings, 1);
	CHECKF(t, strstr(r.last_warn, "100000") != NULL, "warning: %s", r.last_warn);
	/* a continued line longer than 64 KiB is skipped with a warning */
	o = (size_t)snprintf(big, cap, "a==1 \\\n");
	memset(big + o, 'x', 70000);
	o += 70000;
	o += (size_t)snprintf(big + o, cap - o, " \\\n--hash=x\nb==2\n");
	f.len = o;
	CHECK_INT(t, pkgt_run(C, &f, 1, &r), CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, pkgt_has(&r, "pypi\tb\t2\tL-\t\t"));
	CHECK_INT(t, r.warnings, 1);
	free(big);
	pkgt_rec_free(&r);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_match),
    CGT_CASE(t_debian_dist_packages),
    CGT_CASE(t_requirements_files),
    CGT_CASE(t_lock_files),
    CGT_CASE(t_metadata_cases),
    CGT_CASE(t_requirement_lines),
    CGT_CASE(t_poetry_groups),
    CGT_CASE(t_pipfile_cases),
    CGT_CASE(t_malformed_toml),
    CGT_CASE(t_sink_error_stops),
    CGT_CASE(t_caps),
};
CGT_MAIN(cases)
