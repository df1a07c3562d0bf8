/* The feed-source config of `cguard db update` (include/cguard/vulndb_update.h):
 * the config parser, --source arguments, the built-in defaults, URL redaction. */
#include "cgtest.h"
#include <cguard/cguard.h>
#include <cguard/vulndb_update.h>

static cg_err_t parse(struct cg_vulndb_sources *s, const char *text, struct cg_error *err)
{
	return cg_vulndb_sources_parse(s, text, strlen(text), "feeds.conf", err);
}

static void t_parse_lines(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_error err = {0};
	const char *conf =
	    "# cguard feeds\n"
	    "\n"
	    "osv https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip\n"
	    "  kev\thttps://example.org/kev.json   # trailing comment\r\n"
	    "debian-support http://mirror.example/ended.deb12 sha256="
	    "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\n"
	    "alpine https://example.org/a.json#frag-is-part-of-the-url"; /* no final newline */

	cg_vulndb_sources_init(&s);
	CHECK_INT(t, parse(&s, conf, &err), CG_OK);
	CHECK_INT(t, s.n, 4);
	if (s.n == 4) {
		CHECK_STR(t, s.v[0].type, "osv");
		CHECK_STR(t, s.v[0].url,
			  "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip");
		CHECK_INT(t, s.v[0].line, 3);
		CHECK(t, !s.v[0].has_sha256);
		CHECK(t, !s.v[0].builtin);
		CHECK_STR(t, s.v[1].type, "kev");
		CHECK_STR(t, s.v[1].url, "https://example.org/kev.json");
		CHECK_INT(t, s.v[1].line, 4);
		CHECK(t, s.v[2].has_sha256);
		/* normalised to lowercase */
		CHECK_STR(t, s.v[2].sha256,
			  "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
		CHECK_STR(t, s.v[3].url, "https://example.org/a.json#frag-is-part-of-the-url");
		CHECK_INT(t, s.v[3].line, 6);
	}
	cg_vulndb_sources_release(&s);
	CHECK(t, s.v == NULL && s.n == 0);
}

/* Each bad config: the error code and "feeds.conf:LINE: ..." in the message. */
static void t_parse_errors(struct cgt *t)
{
	static const struct {
		const char *text;
		cg_err_t code;
		const char *msg;
	} cases[] = {
	    {"osv\n", CG_ERR_INVALID, "feeds.conf:1: want TYPE URL [sha256=HEX]"},
	    {"# c\nosv https://a/x.zip extra\n", CG_ERR_INVALID,
	     "feeds.conf:2: the third field must be sha256=HEX"},
	    {"osv https://a/x sha256=00 x\n", CG_ERR_INVALID, "feeds.conf:1: too many fields"},
	    {"osv https://a/x sha256=0123\n", CG_ERR_INVALID, "feeds.conf:1: bad sha256"},
	    {"osv ftp://a/x.zip\n", CG_ERR_INVALID, "feeds.conf:1: not an http:// or https:// URL"},
	    {"osv https:///x.zip\n", CG_ERR_INVALID, "feeds.conf:1: URL without a host"},
	    {"osv https://user:pw@/x\n", CG_ERR_INVALID, "feeds.conf:1: URL without a host"},
	    {"osv https://a/\x01x\n", CG_ERR_INVALID, "feeds.conf:1: URL holds a blank"},
	    {"osv https://a/\xc3\xa9\n", CG_ERR_INVALID, "feeds.conf:1: URL holds a blank"},
	    {"OSV https://a/x\n", CG_ERR_INVALID, "feeds.conf:1: bad feed type"},
	    {"1osv https://a/x\n", CG_ERR_INVALID, "feeds.conf:1: bad feed type"},
	    {"osv.x https://a/x\n", CG_ERR_INVALID, "feeds.conf:1: bad feed type"},
	    {"abcdefghijabcdefghijabcdefghijab https://a/x\n", CG_ERR_INVALID,
	     "feeds.conf:1: bad feed type"},
	    {"osv https://a/x\nkev https://a/k\n\nosv https://a/x\n", CG_ERR_INVALID,
	     "feeds.conf:4: the same source twice (first on line 1)"},
	    {"osv https://a/x\nkev https://a/k\rmore\n", CG_ERR_INVALID,
	     "feeds.conf:2: URL holds a blank"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cg_vulndb_sources s;
		struct cg_error err = {0};
		cg_err_t rc;
		cg_vulndb_sources_init(&s);
		rc = parse(&s, cases[i].text, &err);
		CHECKF(t, rc == cases[i].code, "case %zu: rc %d, want %d", i, rc, cases[i].code);
		CHECKF(t, strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) == 0,
		       "case %zu: message '%s', want '%s...'", i, err.msg, cases[i].msg);
		/* a failed parse adds nothing */
		CHECKF(t, s.n == 0, "case %zu: %zu sources kept", i, s.n);
		cg_vulndb_sources_release(&s);
	}
}

static void t_parse_nul_and_failed_parse_keeps_list(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_error err = {0};
	static const char nul[] = "osv https://a/x\nkev https://a/\0k\n";

	cg_vulndb_sources_init(&s);
	CHECK_INT(t, parse(&s, "kev https://a/first\n", &err), CG_OK);
	CHECK_INT(t, cg_vulndb_sources_parse(&s, nul, sizeof(nul) - 1, "feeds.conf", &err),
		  CG_ERR_INVALID);
	CHECK_STR(t, err.msg, "feeds.conf:2: a NUL byte");
	/* the list is as it was before the failed parse */
	CHECK_INT(t, s.n, 1);
	CHECK_STR(t, s.v[0].url, "https://a/first");
	/* a duplicate across two parses is refused too */
	CHECK_INT(t, parse(&s, "kev https://a/first\n", &err), CG_ERR_INVALID);
	CHECK_INT(t, s.n, 1);
	cg_vulndb_sources_release(&s);
}

static void t_parse_limits(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_error err = {0};
	size_t n = CG_VULNDB_LINE_MAX + 64, k = 0;
	char *big = malloc(n + 1);
	char *many = malloc((size_t)(CG_VULNDB_SOURCES_MAX + 2) * 40);

	cg_vulndb_sources_init(&s);
	if (!big || !many) {
		CHECK(t, 0);
		goto done;
	}
	/* a line longer than the limit */
	memcpy(big, "osv https://a/", 14);
	memset(big + 14, 'x', n - 14);
	big[n] = '\0';
	CHECK_INT(t, parse(&s, big, &err), CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "feeds.conf:1: line longer than") != NULL);
	/* a URL longer than CG_VULNDB_URL_MAX on a line that fits */
	big[CG_VULNDB_URL_MAX + 100] = '\0';
	CHECK_INT(t, parse(&s, big, &err), CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "URL longer than") != NULL);
	/* one source more than the maximum */
	for (int i = 0; i <= CG_VULNDB_SOURCES_MAX; i++)
		k += (size_t)snprintf(many + k, 40, "osv https://a/%d\n", i);
	CHECK_INT(t, parse(&s, many, &err), CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "more than 1024 sources") != NULL);
	CHECK_INT(t, s.n, 0);
done:
	free(big);
	free(many);
	cg_vulndb_sources_release(&s);
}

static void t_parse_arg(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_error err = {0};
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char arg[256];

	cg_vulndb_sources_init(&s);
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, "kev=https://a/k.json", &err), CG_OK);
	snprintf(arg, sizeof(arg), "osv=http://a/x.zip sha256=%s", hex);
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, arg, &err), CG_OK);
	CHECK_INT(t, s.n, 2);
	if (s.n == 2) {
		CHECK_STR(t, s.v[0].type, "kev");
		CHECK_STR(t, s.v[0].url, "https://a/k.json");
		CHECK_INT(t, s.v[0].line, 0);
		CHECK(t, s.v[1].has_sha256);
		CHECK_STR(t, s.v[1].sha256, hex);
	}
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, "https://a/k.json", &err), CG_ERR_INVALID);
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, "kev=", &err), CG_ERR_INVALID);
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, "kev=https://a/y z", &err), CG_ERR_INVALID);
	/* credentials never appear in the message */
	CHECK_INT(t, cg_vulndb_sources_parse_arg(&s, "k ev=https://bob:hunter2@a/x", &err),
		  CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "hunter2") == NULL);
	CHECK(t, strstr(err.msg, "https://***@a/x") != NULL);
	CHECK_INT(t, cg_vulndb_sources_add(&s, "kev", "https://a/k.json", NULL, &err),
		  CG_ERR_INVALID); /* a duplicate */
	CHECK_INT(t, cg_vulndb_sources_add(&s, "kev", "https://a/k2.json", "zz", &err),
		  CG_ERR_INVALID);
	CHECK_INT(t, s.n, 2);
	cg_vulndb_sources_release(&s);
}

static void t_redact(struct cgt *t)
{
	static const char *const cases[][2] = {
	    {"https://user:pass@host/p?q#f", "https://***@host/p?q#f"},
	    {"http://token@host:8080/x", "http://***@host:8080/x"},
	    {"https://a:b@c@host/x", "https://***@host/x"},
	    {"https://host/path@not-userinfo", "https://host/path@not-userinfo"},
	    {"https://host/x?u=a@b", "https://host/x?u=a@b"},
	    {"no scheme at all", "no scheme at all"},
	    {"", ""},
	};
	char out[128], small[12];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cg_vulndb_url_redact(cases[i][0], out, sizeof(out));
		CHECK_STR(t, out, cases[i][1]);
	}
	/* truncated, still NUL-terminated and still without the secret */
	cg_vulndb_url_redact("https://user:secret@host/a/long/path", small, sizeof(small));
	CHECK_INT(t, strlen(small), sizeof(small) - 1);
	CHECK(t, strstr(small, "sec") == NULL);
}

static void t_defaults(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_error err = {0};
	size_t osv = 0, alpine = 0, sup = 0;
	int rocky = 0, tracker = 0, kev = 0, rustsec = 0, nodejs = 0, https = 1, builtin = 1;

	cg_vulndb_sources_init(&s);
	CHECK_INT(t, cg_vulndb_sources_defaults(&s, &err), CG_OK);
	for (size_t i = 0; i < s.n; i++) {
		const char *u = s.v[i].url;
		https &= strncmp(u, "https://", 8) == 0;
		builtin &= s.v[i].builtin;
		if (!strcmp(s.v[i].type, "osv")) {
			osv++;
			CHECK(t, strncmp(u, "https://osv-vulnerabilities.storage.googleapis.com/",
					 51) == 0);
			CHECK(t, strcmp(u + strlen(u) - 8, "/all.zip") == 0);
		}
		rocky |= !strcmp(u, "https://osv-vulnerabilities.storage.googleapis.com/"
				    "Rocky%20Linux/all.zip");
		alpine += !strcmp(s.v[i].type, "alpine");
		sup += !strcmp(s.v[i].type, "debian-support");
		tracker |= !strcmp(u, "https://security-tracker.debian.org/tracker/data/json");
		kev |= !strcmp(u, "https://www.cisa.gov/sites/default/files/feeds/"
				  "known_exploited_vulnerabilities.json");
		rustsec |= !strcmp(s.v[i].type, "rustsec") && strstr(u, "rustsec/advisory-db") &&
			   strstr(u, ".tar.gz");
		nodejs |= !strcmp(s.v[i].type, "nodejs") && strstr(u, "nodejs/security-wg");
	}
	CHECK_INT(t, osv, 13);
	CHECK(t, rocky);
	CHECK(t, alpine >= 4 && alpine % 2 == 0); /* main and community per release */
	CHECK_INT(t, sup, 5);			  /* deb10..deb13 and limited */
	CHECK(t, tracker && kev && rustsec && nodejs);
	CHECK(t, https);
	CHECK(t, builtin);
	cg_vulndb_sources_release(&s);
}

static void t_update_refuses_early(struct cgt *t)
{
	struct cg_vulndb_sources s;
	struct cg_vulndb_update_stats st;
	struct cg_error err = {0};
	char dir[] = "/tmp/cgt-update-XXXXXX", db[64];

	cg_vulndb_sources_init(&s);
	if (!mkdtemp(dir)) {
		CHECK(t, 0);
		return;
	}
	snprintf(db, sizeof(db), "%s/v.db", dir);
	/* nothing to do */
	CHECK_INT(t, cg_vulndb_update(db, &s, NULL, &st, &err), CG_ERR_ARG);
	/* plain http without a sha256: refused before any connection (port 9 is discard) */
	CHECK_INT(t, cg_vulndb_sources_add(&s, "kev", "http://127.0.0.1:9/k.json", NULL, &err),
		  CG_OK);
	CHECK_INT(t, cg_vulndb_update(db, &s, NULL, &st, &err), CG_ERR_DENIED);
	CHECK(t, strstr(err.msg, "plain http:// without a sha256 is refused") != NULL);
	/* a type no parser has */
	cg_vulndb_sources_release(&s);
	CHECK_INT(t, cg_vulndb_sources_add(&s, "nvd", "https://127.0.0.1:9/n.json", NULL, &err),
		  CG_OK);
	CHECK_INT(t, cg_vulndb_update(db, &s, NULL, &st, &err), CG_ERR_UNSUPPORTED);
	CHECK(t, strstr(err.msg, "unknown feed type 'nvd'") != NULL);
	/* ... but as a built-in default it is skipped, and then nothing is left */
	s.v[0].builtin = true;
	CHECK_INT(t, cg_vulndb_update(db, &s, NULL, &st, &err), CG_ERR_UNSUPPORTED);
	CHECK_INT(t, st.skipped, 1);
	CHECK(t, access(db, F_OK) != 0);
	cg_vulndb_sources_release(&s);
	rmdir(dir);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_parse_lines),
    CGT_CASE(t_parse_errors),
    CGT_CASE(t_parse_nul_and_failed_parse_keeps_list),
    CGT_CASE(t_parse_limits),
    CGT_CASE(t_parse_arg),
    CGT_CASE(t_redact),
    CGT_CASE(t_defaults),
    CGT_CASE(t_update_refuses_early),
};

CGT_MAIN(cases)
