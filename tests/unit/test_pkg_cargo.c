/* Cargo.lock collector (lib/pkg/cargo.c) and the TOML reader it shares with
 * poetry.lock and uv.lock (lib/pkg/toml_lite.c).
 *
 * Real inputs (tests/data/pkg/cargo/, see its README.md): one
 * workspace locked by this machine's cargo 1.95 in the four formats it
 * writes (v1 to v4), with a registry crate, a git crate, path members and a
 * pre-release; the expected table was produced by Python's tomllib. */
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"
#include "pkg/toml_lite.h"
#include "pkgtest.h"

extern const struct cg_pkg_collector cg_collector_cargo;
#define C	   (&cg_collector_cargo)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the TOML reader ---- */

struct dump {
	char s[4096];
	size_t n;
	int events;
};

static void dump_put(struct dump *d, const char *p, size_t n)
{
	if (n > sizeof(d->s) - 1 - d->n)
		n = sizeof(d->s) - 1 - d->n;
	memcpy(d->s + d->n, p, n);
	d->n += n;
	d->s[d->n] = '\0';
}

static void dump_path(struct dump *d, const struct cg_toml_str *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			dump_put(d, ".", 1);
		dump_put(d, path[i].p, path[i].len);
	}
}

static cg_err_t dump_event(void *ud, const struct cg_toml_event *ev)
{
	struct dump *d = ud;
	if (d->events++)
		dump_put(d, ";", 1);
	switch (ev->kind) {
	case CG_TOML_TABLE:
	case CG_TOML_ARRAY_TABLE:
		dump_put(d, ev->kind == CG_TOML_TABLE ? "[" : "[[",
			 ev->kind == CG_TOML_TABLE ? 1 : 2);
		dump_path(d, ev->table, ev->ntable);
		dump_put(d, ev->kind == CG_TOML_TABLE ? "]" : "]]",
			 ev->kind == CG_TOML_TABLE ? 1 : 2);
		break;
	case CG_TOML_STRING:
	case CG_TOML_SCALAR:
		dump_path(d, ev->key, ev->nkey);
		dump_put(d, "=", 1);
		if (ev->kind == CG_TOML_STRING)
			dump_put(d, "\"", 1);
		dump_put(d, ev->str.p, ev->str.len);
		if (ev->kind == CG_TOML_STRING)
			dump_put(d, "\"", 1);
		/* every string is NUL-terminated at its length */
		if (ev->str.p[ev->str.len] != '\0')
			dump_put(d, "!NUL", 4);
		break;
	case CG_TOML_ARRAY:
		dump_path(d, ev->key, ev->nkey);
		dump_put(d, "=[", 2);
		for (size_t i = 0; i < ev->nitems; i++) {
			if (i)
				dump_put(d, ",", 1);
			dump_put(d, ev->items[i].p, ev->items[i].len);
		}
		dump_put(d, "]", 1);
		if (ev->other_items)
			dump_put(d, "+", 1);
		break;
	}
	return CG_OK;
}

static const struct {
	const char *in, *want;
} toml_ok[] = {
    {"", ""},
    {"# only a comment", ""},
    {"a = \"x\"\n[t]\nb = 'y' # c\n", "a=\"x\";[t];b=\"y\""},
    {"\xef\xbb\xbfk = 1\r\n[[package]]\r\nname = \"n\"\r\n", "k=1;[[package]];name=\"n\""},
    {"s = \"q\\\"\\\\\\t|\\u00e9|\\U0001F600|\\e|\\x41\"",
     "s=\"q\"\\\t|\xc3\xa9|\xf0\x9f\x98\x80|\x1b|A\""},
    {"s = \"\"\"\nab \\\n   cd\"\"\"", "s=\"ab cd\""},
    {"s = \"\"\"one\r\ntwo\"\"\"", "s=\"one\ntwo\""},
    {"s = '''it's''''", "s=\"it's'\""},
    {"s = \"\"\"\"x\"\"\"\"\"", "s=\"\"x\"\"\""},
    {"s = 'C:\\no\\escape'", "s=\"C:\\no\\escape\""},
    {"source = { git = \"u\", rev = \"r\" }", "source.git=\"u\";source.rev=\"r\""},
    {"t = { a = { b = [\"x\"] }, c = 2, }", "t.a.b=[x];t.c=2"},
    {"a = [ \"x\", 1, { k = \"v\" }, [\"y\"], 'z', ] # c", "a=[x,z]+"},
    {"a = [\n  \"x\", # one\n\n  \"y\",\n]\nb = []", "a=[x,y];b=[]"},
    {"\"a.b\".c = 1\n'q' . r=2", "a.b.c=1;q.r=2"},
    {"d = 1979-05-27 07:32:00Z\ne = 2024-01-02", "d=1979-05-27 07:32:00Z;e=2024-01-02"},
    {"[[package]]\nname = \"a\"\n[package.source]\ntype = \"git\"\n[ x . \"y z\" ]",
     "[[package]];name=\"a\";[package.source];type=\"git\";[x.y z]"},
    {"f = [1.5, -3, +inf, true]", "f=[]+"},
    {"'' = ''\n\"\" = \"\"", "=\"\";=\"\""}, /* empty keys and strings (fuzz) */
};

static void t_toml_reads(struct cgt *t)
{
	for (size_t i = 0; i < N_ELEMS(toml_ok); i++) {
		struct dump d = {"", 0, 0};
		struct cg_error err;
		cg_err_t rc =
		    cg_toml_parse(toml_ok[i].in, strlen(toml_ok[i].in), dump_event, &d, &err);
		CHECKF(t, rc == CG_OK, "case %zu: %s", i, cg_error_message(&err));
		CHECKF(t, strcmp(d.s, toml_ok[i].want) == 0,
		       "case %zu: got [%.400s] expected [%.400s]", i, d.s, toml_ok[i].want);
	}
}

static const struct {
	const char *in;
	cg_err_t code;
	const char *line; /* "line N:" expected in the message */
} toml_bad[] = {
    {"a = \"unterminated", CG_ERR_INVALID, "line 1:"},
    {"a = 1\nb = \"x\" c", CG_ERR_INVALID, "line 2:"},
    {"[t\n", CG_ERR_INVALID, "line 1:"},
    {"[[t]\n", CG_ERR_INVALID, "line 1:"},
    {"a = [1, 2", CG_ERR_INVALID, "line 1:"},
    {"a = [1 2]", CG_ERR_INVALID, "line 1:"},
    {"a = {b = 1 c = 2}", CG_ERR_INVALID, "line 1:"},
    {"\n\na = \"\\q\"", CG_ERR_INVALID, "line 3:"},
    {"a = \"\\ud800\"", CG_ERR_INVALID, "line 1:"},
    {"a = \"\\u0000\"", CG_ERR_INVALID, "line 1:"},
    {"a = \"x\x01\"", CG_ERR_INVALID, "line 1:"},
    {"a = \"\xff\"", CG_ERR_INVALID, "line 1:"},
    {"a = \"\xc0\xaf\"", CG_ERR_INVALID, "line 1:"},
    {"a = ", CG_ERR_INVALID, "line 1:"},
    {"a = # c", CG_ERR_INVALID, "line 1:"},
    {"a = 1\r", CG_ERR_INVALID, "line 1:"},
    {"= 1", CG_ERR_INVALID, "line 1:"},
    {"a = \"x\ny\"", CG_ERR_INVALID, "line 1:"},
    {"a = '''x", CG_ERR_INVALID, "line 1:"},
    {"a = \"\"\"x\"\"\"\"\"\"", CG_ERR_INVALID, "line 1:"},
    {"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q = 1", CG_ERR_LIMIT, "line 1:"},
};

static void t_toml_rejects(struct cgt *t)
{
	for (size_t i = 0; i < N_ELEMS(toml_bad); i++) {
		struct dump d = {"", 0, 0};
		struct cg_error err;
		cg_err_t rc =
		    cg_toml_parse(toml_bad[i].in, strlen(toml_bad[i].in), dump_event, &d, &err);
		CHECKF(t, rc == toml_bad[i].code, "case %zu: %s, expected %s", i, cg_strerror(rc),
		       cg_strerror(toml_bad[i].code));
		CHECKF(t, rc == CG_OK || strstr(err.msg, toml_bad[i].line),
		       "case %zu: message '%s' lacks '%s'", i, err.msg, toml_bad[i].line);
	}
}

static void t_toml_limits(struct cgt *t)
{
	char deep[256];
	size_t n = 0, items;
	struct dump d = {"", 0, 0};
	struct cg_error err;
	char *big;
	cg_err_t rc;

	/* nesting: CG_TOML_MAX_DEPTH (32) arrays are read, 33 are a limit */
	for (int depth = 32; depth <= 33; depth++) {
		n = (size_t)snprintf(deep, sizeof(deep), "a = ");
		for (int i = 0; i < depth; i++)
			deep[n++] = '[';
		for (int i = 0; i < depth; i++)
			deep[n++] = ']';
		rc = cg_toml_parse(deep, n, dump_event, &d, &err);
		CHECKF(t, rc == (depth == 32 ? CG_OK : CG_ERR_LIMIT), "%d nested arrays: %s", depth,
		       cg_strerror(rc));
	}

	/* an array of CG_TOML_MAX_ITEMS strings is read, one more is a limit */
	for (items = CG_TOML_MAX_ITEMS; items <= CG_TOML_MAX_ITEMS + 1; items++) {
		size_t len = 6 + items * 4 + 2, o = 0;
		big = malloc(len);
		CHECK(t, big != NULL);
		if (!big)
			return;
		o += (size_t)snprintf(big, len, "a = [");
		for (size_t i = 0; i < items; i++) {
			memcpy(big + o, "\"\",", 3);
			o += 3;
		}
		big[o++] = ']';
		d.events = 0;
		d.n = 0;
		rc = cg_toml_parse(big, o, dump_event, &d, &err);
		CHECKF(t, rc == (items == CG_TOML_MAX_ITEMS ? CG_OK : CG_ERR_LIMIT),
		       "%zu items: %s", items, cg_strerror(rc));
		free(big);
	}

	/* a string longer than CG_TOML_MAX_VALUE */
	big = malloc(CG_TOML_MAX_VALUE + 16);
	CHECK(t, big != NULL);
	if (!big)
		return;
	memcpy(big, "a = \"", 5);
	memset(big + 5, 'x', CG_TOML_MAX_VALUE + 1);
	big[CG_TOML_MAX_VALUE + 6] = '"';
	rc = cg_toml_parse(big, CG_TOML_MAX_VALUE + 7, dump_event, &d, &err);
	CHECKF(t, rc == CG_ERR_LIMIT, "long string: %s", cg_strerror(rc));
	free(big);
}

static cg_err_t stop_at_second(void *ud, const struct cg_toml_event *ev)
{
	int *n = ud;
	(void)ev;
	return ++*n == 2 ? CG_ERR_INTERNAL : CG_OK;
}

static void t_toml_callback_stops(struct cgt *t)
{
	const char *in = "a = 1\nb = 2\nc = 3\n";
	int n = 0;
	cg_err_t rc = cg_toml_parse(in, strlen(in), stop_at_second, &n, NULL);
	CHECK_INT(t, rc, CG_ERR_INTERNAL);
	CHECK_INT(t, n, 2);
	CHECK_INT(t, cg_toml_parse(NULL, 3, stop_at_second, &n, NULL), CG_ERR_ARG);
	CHECK(t, cg_toml_path_is((struct cg_toml_str[]){{"package", 7}, {"source", 6}}, 2,
				 "package.source"));
	CHECK(t, !cg_toml_path_is((struct cg_toml_str[]){{"package", 7}}, 1, "package.source"));
	CHECK(t, !cg_toml_path_is((struct cg_toml_str[]){{"package", 7}, {"x", 1}}, 2, "package"));
}

/* ---- the collector ---- */

static void t_match(struct cgt *t)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
	    {"/app/Cargo.lock", true},	       {"/Cargo.lock", true},
	    {"/usr/src/x/y/Cargo.lock", true}, {"/app/cargo.lock", false},
	    {"/app/Cargo.lock.orig", false},   {"/app/Cargo.toml", false},
	    {"/app/myCargo.lock", false},
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		CHECKF(t, C->match(cases[i].path, strlen(cases[i].path)) == cases[i].want, "%s",
		       cases[i].path);
	CHECK(t, C->max_size >= ((size_t)1 << 20));
	CHECK_STR(t, C->name, "cargo");
}

static void t_workspace_v1_to_v4(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	static const char *v[] = {"1", "2", "3", "4"};
	for (int i = 0; i < 4; i++) {
		char rel[128], vpath[128];
		snprintf(rel, sizeof(rel), "pkg/cargo/workspace-v%s.Cargo.lock", v[i]);
		snprintf(vpath, sizeof(vpath), "/src/v%s/Cargo.lock", v[i]);
		CHECKF(t, pkgt_add_file(&fs, rel, vpath, i), "cannot read %s", rel);
	}
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_OK);
	pkgt_check_expected(t, &r, "pkg/cargo/workspace.expected");
	CHECK_INT(t, r.warnings, 0);
	CHECK(t, pkgt_has(&r, "cargo\tutil-core\t2.0.0-rc.1\tL-\t\t"));
	pkgt_rec_free(&r);
	pkgt_files_free(&fs);
}

static void t_legacy_root_and_patch(struct cgt *t)
{
	struct pkgt_rec r = {0};
	/* the [root] format (Cargo before lock v1 had [[package]] for the root) */
	CHECK_INT(
	    t,
	    pkgt_run_text(
		C, "/a/Cargo.lock",
		"[root]\nname = \"app\"\nversion = \"1.0.0\"\ndependencies = [\n"
		" \"libc 0.2.18 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n"
		"[[package]]\nname = \"libc\"\nversion = \"0.2.18\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
		"[metadata]\n\"checksum libc 0.2.18 "
		"(registry+https://github.com/rust-lang/crates.io-index)\" = \"a5\"\n",
		&r),
	    CG_OK);
	CHECK_INT(t, r.n, 2);
	CHECK(t, pkgt_has(&r, "cargo\tapp\t1.0.0\tL-\t\t"));
	CHECK(t, pkgt_has(&r, "cargo\tlibc\t0.2.18\tL-\t\t"));
	CHECK_INT(t, r.warnings, 0);
	/* [[patch.unused]] is not part of the build */
	CHECK_INT(t,
		  pkgt_run_text(C, "/a/Cargo.lock",
				"version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n"
				"[[patch.unused]]\nname = \"b\"\nversion = \"2.0.0\"\n",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK(t, pkgt_has(&r, "cargo\ta\t1.0.0\tL-\t\t"));
	pkgt_rec_free(&r);
}

static void t_malformed(struct cgt *t)
{
	struct pkgt_rec r = {0};
	/* a package without a version is warned about; the others are kept */
	CHECK_INT(
	    t,
	    pkgt_run_text(
		C, "/a/Cargo.lock",
		"[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\n",
		&r),
	    CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK_INT(t, r.warnings, 1);
	CHECKF(t, strstr(r.last_warn, "line 1") != NULL, "warning: %s", r.last_warn);
	/* a fault half-way keeps what came before it and names the line */
	CHECK_INT(t,
		  pkgt_run_text(C, "/a/Cargo.lock",
				"[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n"
				"[[package]]\nname = \"b\nversion = \"1.0.0\"\n",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK_INT(t, r.warnings, 1);
	CHECKF(t, strstr(r.last_warn, "line 6") != NULL, "warning: %s", r.last_warn);
	/* names with spaces or a version with a space are not reported */
	CHECK_INT(t,
		  pkgt_run_text(C, "/a/Cargo.lock",
				"[[package]]\nname = \"a b\"\nversion = \"1.0.0\"\n"
				"[[package]]\nname = \"c\"\nversion = \"1.0 0\"\n",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 2);
	/* a format version from the future is read, with a warning */
	CHECK_INT(t,
		  pkgt_run_text(C, "/a/Cargo.lock",
				"version = 9\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 1);
	CHECK_INT(t, r.warnings, 1);
	/* not TOML at all */
	CHECK_INT(t,
		  pkgt_run_text(C, "/a/Cargo.lock",
				"\x7f"
				"ELF\x02\x01\x01",
				&r),
		  CG_OK);
	CHECK_INT(t, r.n, 0);
	CHECK_INT(t, r.warnings, 1);
	pkgt_rec_free(&r);
}

static void t_sink_error_stops(struct cgt *t)
{
	struct pkgt_files fs = {0};
	struct pkgt_rec r = {0};
	CHECK(t, pkgt_add_file(&fs, "pkg/cargo/workspace-v4.Cargo.lock", "/a/Cargo.lock", 0));
	CHECK(t, pkgt_add_file(&fs, "pkg/cargo/workspace-v3.Cargo.lock", "/b/Cargo.lock", 1));
	r.fail_after = 2;
	r.fail_with = CG_ERR_NOMEM;
	CHECK_INT(t, pkgt_run(C, fs.f, fs.n, &r), CG_ERR_NOMEM);
	CHECK_INT(t, r.n, 2);
	r.fail_with = CG_OK;
	pkgt_files_free(&fs);
	pkgt_rec_free(&r);
}

static void t_package_cap(struct cgt *t)
{
	size_t n = 100001, cap = n * 48 + 64, o = 0;
	char *big = malloc(cap);
	struct pkgt_rec r = {0};
	struct cg_pkg_file f;
	CHECK(t, big != NULL);
	if (!big)
		return;
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(big + o, cap - o,
				      "[[package]]\nname = \"c%zu\"\nversion = \"1.0.0\"\n", i);
	f.path = "/big/Cargo.lock";
	f.layer = 0;
	f.data = (const unsigned char *)big;
	f.len = o;
	CHECK_INT(t, pkgt_run(C, &f, 1, &r), CG_OK);
	CHECK_INT(t, r.warnings, 1);
	CHECKF(t, strstr(r.last_warn, "100000") != NULL, "warning: %s", r.last_warn);
	free(big);
	pkgt_rec_free(&r);
}

static void t_bad_arguments(struct cgt *t)
{
	struct cg_error err;
	struct cg_pkg_sink no_add = {NULL, NULL, NULL};
	struct pkgt_rec r = {0};
	CHECK_INT(t, C->collect(NULL, 0, NULL, &err), CG_ERR_ARG);
	CHECK_INT(t, C->collect(NULL, 1, &no_add, &err), CG_ERR_ARG);
	CHECK_INT(t, pkgt_run(C, NULL, 0, &r), CG_OK);
	CHECK_INT(t, r.n, 0);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_toml_reads),
    CGT_CASE(t_toml_rejects),
    CGT_CASE(t_toml_limits),
    CGT_CASE(t_toml_callback_stops),
    CGT_CASE(t_match),
    CGT_CASE(t_workspace_v1_to_v4),
    CGT_CASE(t_legacy_root_and_patch),
    CGT_CASE(t_malformed),
    CGT_CASE(t_sink_error_stops),
    CGT_CASE(t_package_cap),
    CGT_CASE(t_bad_arguments),
};
CGT_MAIN(cases)
