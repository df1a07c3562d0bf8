/* The docker:// source's parsers (lib/image/registry_auth.c): references with
 * Docker Hub's naming, WWW-Authenticate challenges, token responses, docker
 * config.json credentials, base64. */
#include "util/internal.h"
#include "image/registry_int.h"
#include "cgtest.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* CHECK_STR for long fields (messages cut at 200 bytes) */
#define CHECK_FIELD(t, got, want)                                                         \
	CHECKF(t, !strcmp((got), (want)), "%s == \"%.200s\", expected \"%.200s\"", #got, (got), \
	       (want))

static void t_ref_parse(struct cgt *t)
{
	static const struct {
		const char *in;
		const char *host, *api, *repo, *tag, *digest; /* host NULL: an error */
	} cases[] = {
		{ "//ubuntu", "docker.io", "registry-1.docker.io", "library/ubuntu", "latest", "" },
		{ "//ubuntu:22.04", "docker.io", "registry-1.docker.io", "library/ubuntu", "22.04", "" },
		{ "//library/ubuntu", "docker.io", "registry-1.docker.io", "library/ubuntu", "latest", "" },
		{ "//docker.io/ubuntu", "docker.io", "registry-1.docker.io", "library/ubuntu", "latest", "" },
		{ "//Index.Docker.io/foo/bar:1", "docker.io", "registry-1.docker.io", "foo/bar", "1", "" },
		{ "//foo/bar", "docker.io", "registry-1.docker.io", "foo/bar", "latest", "" },
		{ "//localhost/foo", "localhost", "localhost", "foo", "latest", "" },
		{ "//localhost:5000/a/b/c:t", "localhost:5000", "localhost:5000", "a/b/c", "t", "" },
		{ "//127.0.0.1:5000/repo:tag", "127.0.0.1:5000", "127.0.0.1:5000", "repo", "tag", "" },
		{ "//[::1]:5000/r", "[::1]:5000", "[::1]:5000", "r", "latest", "" },
		{ "//ghcr.io/o/img@sha256:" D64, "ghcr.io", "ghcr.io", "o/img", "", "sha256:" D64 },
		{ "//r:v1@sha256:" D64, "docker.io", "registry-1.docker.io", "library/r", "v1", "sha256:" D64 },
		{ "//quay.io/a.b/c_d__e-f:_X.y-Z", "quay.io", "quay.io", "a.b/c_d__e-f", "_X.y-Z", "" },
		{ "ubuntu", NULL, NULL, NULL, NULL, NULL },
		{ "//", NULL, NULL, NULL, NULL, NULL },
		{ "//Ubuntu", NULL, NULL, NULL, NULL, NULL },
		{ "//ghcr.io/Owner/x", NULL, NULL, NULL, NULL, NULL },
		{ "//a//b", NULL, NULL, NULL, NULL, NULL },
		{ "//a/-b", NULL, NULL, NULL, NULL, NULL },
		{ "//a/b-", NULL, NULL, NULL, NULL, NULL },
		{ "//host:99999/x", NULL, NULL, NULL, NULL, NULL },
		{ "//host:0/x", NULL, NULL, NULL, NULL, NULL },
		{ "//host:/x", NULL, NULL, NULL, NULL, NULL },
		{ "//-host.io/x", NULL, NULL, NULL, NULL, NULL },
		{ "//r:bad tag", NULL, NULL, NULL, NULL, NULL },
		{ "//r:.tag", NULL, NULL, NULL, NULL, NULL },
		{ "//r:", NULL, NULL, NULL, NULL, NULL },
		{ "//r@sha256:abc", NULL, NULL, NULL, NULL, NULL },
		{ "//r@sha512:" D64, NULL, NULL, NULL, NULL, NULL },
		{ "//r@sha256:" D64 "0", NULL, NULL, NULL, NULL, NULL },
		{ "//host.io/", NULL, NULL, NULL, NULL, NULL },
		{ "//host.io/r/../x", NULL, NULL, NULL, NULL, NULL },
		{ "//host.io/r?x=1", NULL, NULL, NULL, NULL, NULL },
		{ "//host.io/r#x", NULL, NULL, NULL, NULL, NULL },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		struct cg_registry_ref r;
		struct cg_error err = { 0 };
		cg_err_t rc = cg_registry_ref_parse(cases[i].in, &r, &err);
		if (!cases[i].host) {
			CHECKF(t, rc == CG_ERR_ARG && err.msg[0], "'%s' should be refused (rc %d)",
			       cases[i].in, rc);
			continue;
		}
		CHECKF(t, rc == CG_OK, "'%s': %s", cases[i].in, err.msg);
		CHECK_STR(t, r.host, cases[i].host);
		CHECK_STR(t, r.api_host, cases[i].api);
		CHECK_STR(t, r.repo, cases[i].repo);
		CHECK_STR(t, r.tag, cases[i].tag);
		CHECK_STR(t, r.digest, cases[i].digest);
	}
	{
		/* lengths: a 128-byte tag is fine, 129 is not; 255-byte repository paths */
		char in[600];
		struct cg_registry_ref r;
		snprintf(in, sizeof(in), "//h.io/r:%0128d", 0);
		CHECK_INT(t, cg_registry_ref_parse(in, &r, NULL), CG_OK);
		snprintf(in, sizeof(in), "//h.io/r:%0129d", 0);
		CHECK_INT(t, cg_registry_ref_parse(in, &r, NULL), CG_ERR_ARG);
		snprintf(in, sizeof(in), "//h.io/%0255d", 0);
		CHECK_INT(t, cg_registry_ref_parse(in, &r, NULL), CG_OK);
		snprintf(in, sizeof(in), "//h.io/%0256d", 0);
		CHECK_INT(t, cg_registry_ref_parse(in, &r, NULL), CG_ERR_ARG);
		/* library/ + 250 bytes passes 255 */
		snprintf(in, sizeof(in), "//%0250d", 0);
		CHECK_INT(t, cg_registry_ref_parse(in, &r, NULL), CG_ERR_ARG);
	}
}

static void t_challenge(struct cgt *t)
{
	static const struct {
		const char *in;
		cg_err_t rc;
		enum cg_registry_scheme scheme;
		const char *realm, *service, *scope, *error;
	} cases[] = {
		{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		  "scope=\"repository:library/ubuntu:pull\"",
		  CG_OK, CG_REG_AUTH_BEARER, "https://auth.docker.io/token", "registry.docker.io",
		  "repository:library/ubuntu:pull", "" },
		{ "Basic realm=\"registry\"", CG_OK, CG_REG_AUTH_BASIC, "registry", "", "", "" },
		{ "Basic realm=\"x\", Bearer realm=\"https://y\",service=\"s\"", CG_OK,
		  CG_REG_AUTH_BEARER, "https://y", "s", "", "" },
		{ "Bearer realm=\"https://first\", Bearer realm=\"https://second\"", CG_OK,
		  CG_REG_AUTH_BEARER, "https://first", "", "", "" },
		{ "bearer Realm = \"https://a/b\" , SERVICE= \"s\"", CG_OK, CG_REG_AUTH_BEARER,
		  "https://a/b", "s", "", "" },
		{ "Bearer realm=\"https://a/\\\"b\\\"\",error=\"insufficient_scope\"", CG_OK,
		  CG_REG_AUTH_BEARER, "https://a/\"b\"", "", "", "insufficient_scope" },
		{ "Bearer realm=\"https://r\",realm=\"https://evil\"", CG_OK, CG_REG_AUTH_BEARER,
		  "https://r", "", "", "" },
		{ "Bearer realm=\"https://r\",scope=\"repository:a:pull repository:b:pull\"", CG_OK,
		  CG_REG_AUTH_BEARER, "https://r", "", "repository:a:pull repository:b:pull", "" },
		{ "Negotiate abc==, Basic realm=\"r\"", CG_OK, CG_REG_AUTH_BASIC, "r", "", "", "" },
		{ "Negotiate YII+/w==", CG_ERR_UNSUPPORTED, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Basic", CG_OK, CG_REG_AUTH_BASIC, "", "", "", "" },
		{ "Basic realm=unquoted", CG_OK, CG_REG_AUTH_BASIC, "unquoted", "", "", "" },
		{ "Digest realm=\"r\", nonce=\"n\"", CG_ERR_UNSUPPORTED, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "", CG_ERR_UNSUPPORTED, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Bearer service=\"s\"", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Bearer realm=\"unterminated", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Bearer realm=\"a\\", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Bearer realm=\"a\001b\"", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "realm=\"x\"", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
		{ "Bearer realm=\"x\" ; y", CG_ERR_INVALID, CG_REG_AUTH_NONE, "", "", "", "" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		struct cg_registry_challenge c;
		struct cg_error err = { 0 };
		cg_err_t rc = cg_registry_challenge_parse(cases[i].in, strlen(cases[i].in), &c, &err);
		CHECKF(t, rc == cases[i].rc, "'%s': rc %d, want %d (%s)", cases[i].in, rc,
		       cases[i].rc, err.msg);
		if (rc != CG_OK)
			continue;
		CHECKF(t, c.scheme == cases[i].scheme, "'%s': scheme %d", cases[i].in, c.scheme);
		CHECK_FIELD(t, c.realm, cases[i].realm);
		CHECK_FIELD(t, c.service, cases[i].service);
		CHECK_FIELD(t, c.scope, cases[i].scope);
		CHECK_FIELD(t, c.error, cases[i].error);
	}
	{
		/* a realm longer than its field is a limit, not a silent cut */
		char in[1500];
		struct cg_registry_challenge c;
		int n = snprintf(in, sizeof(in), "Bearer realm=\"https://%01100d\"", 0);
		CHECK_INT(t, cg_registry_challenge_parse(in, (size_t)n, &c, NULL), CG_ERR_LIMIT);
		/* (ptr, len): bytes past len are not read */
		CHECK_INT(t, cg_registry_challenge_parse("Basic realm=\"r\"XXXX", 15, &c, NULL), CG_OK);
		CHECK_FIELD(t, c.realm, "r");
		CHECK_INT(t, cg_registry_challenge_parse("Bearer realm=\"r\"", 10, &c, NULL),
			  CG_ERR_INVALID);
	}
}

static void t_token(struct cgt *t)
{
	static const struct {
		const char *in;
		cg_err_t rc;
		const char *token;
		int64_t expires;
	} cases[] = {
		{ "{\"token\":\"abc.def.ghi\"}", CG_OK, "abc.def.ghi", 0 },
		{ "{\"access_token\":\"x\",\"expires_in\":300}", CG_OK, "x", 300 },
		{ "{\"token\":\"\",\"access_token\":\"y\"}", CG_OK, "y", 0 },
		{ "{\"token\":\"t\",\"access_token\":\"y\",\"expires_in\":-5}", CG_OK, "t", 0 },
		{ "{\"token\":\"a b\"}", CG_ERR_INVALID, NULL, 0 },
		{ "{\"token\":\"a\\r\\nX-Evil: 1\"}", CG_ERR_INVALID, NULL, 0 },
		{ "{\"token\":\"caf\\u00e9\"}", CG_ERR_INVALID, NULL, 0 },
		{ "{\"token\":\"a\\u0000b\"}", CG_ERR_INVALID, NULL, 0 },
		{ "{\"token\":123}", CG_ERR_INVALID, NULL, 0 },
		{ "{}", CG_ERR_INVALID, NULL, 0 },
		{ "[]", CG_ERR_INVALID, NULL, 0 },
		{ "<html>", CG_ERR_INVALID, NULL, 0 },
		{ "", CG_ERR_INVALID, NULL, 0 },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		char *tok = NULL;
		int64_t exp = -1;
		struct cg_error err = { 0 };
		cg_err_t rc = cg_registry_token_parse(cases[i].in, strlen(cases[i].in), &tok, &exp, &err);
		CHECKF(t, rc == cases[i].rc, "'%s': rc %d (%s)", cases[i].in, rc, err.msg);
		if (rc == CG_OK) {
			CHECK_STR(t, tok, cases[i].token);
			CHECK_INT(t, exp, cases[i].expires);
		} else {
			CHECK(t, tok == NULL);
		}
		free(tok);
	}
	{
		size_t n = CG_REG_TOKEN_MAX + 100;
		char *big = malloc(n + 32), *tok = NULL;
		int64_t exp;
		CHECK(t, big != NULL);
		if (!big)
			return;
		memcpy(big, "{\"token\":\"", 10);
		memset(big + 10, 'a', CG_REG_TOKEN_MAX + 1);
		memcpy(big + 10 + CG_REG_TOKEN_MAX + 1, "\"}", 3);
		CHECK_INT(t, cg_registry_token_parse(big, strlen(big), &tok, &exp, NULL), CG_ERR_LIMIT);
		memcpy(big + 10 + CG_REG_TOKEN_MAX, "\"}", 3);
		CHECK_INT(t, cg_registry_token_parse(big, strlen(big), &tok, &exp, NULL), CG_OK);
		CHECK_INT(t, tok ? strlen(tok) : 0, CG_REG_TOKEN_MAX);
		free(tok);
		free(big);
	}
}

static void t_config(struct cgt *t)
{
	/* "alice:pa:ss" "bob:b" "carol:c" "dave:d" */
	static const char cfg[] =
		"{\"auths\":{"
		"\"https://index.docker.io/v1/\":{\"auth\":\"YWxpY2U6cGE6c3M=\"},"
		"\"reg.example:5000\":{\"auth\":\"Ym9iOmI=\"},"
		"\"reg.example:5000/team\":{\"auth\":\"Y2Fyb2w6Yw==\"},"
		"\"http://other.example/v2/\":{\"username\":\"dave\",\"password\":\"d\"},"
		"\"bad.example\":{\"auth\":\"!!!!\"},"
		"\"nocolon.example\":{\"auth\":\"bm9jb2xvbg==\"},"
		"\"token.example\":{\"identitytoken\":\"x\"}"
		"},\"credHelpers\":{\"gcr.io\":\"gcloud\",\"reg.example:5000\":\"ecr-login\"},"
		"\"credsStore\":\"desktop\"}";
	static const struct {
		const char *host, *repo;
		cg_err_t rc;
		const char *user, *pass, *helper;
	} cases[] = {
		{ "docker.io", "library/ubuntu", CG_OK, "alice", "pa:ss", "" },
		{ "registry-1.docker.io", "x/y", CG_OK, "alice", "pa:ss", "" },
		{ "reg.example:5000", "other/x", CG_OK, "bob", "b", "credHelpers (docker-credential-ecr-login)" },
		{ "reg.example:5000", "team/x", CG_OK, "carol", "c", "credHelpers (docker-credential-ecr-login)" },
		{ "reg.example:5000", "team", CG_OK, "carol", "c", "credHelpers (docker-credential-ecr-login)" },
		{ "reg.example:5000", "teamx/y", CG_OK, "bob", "b", "credHelpers (docker-credential-ecr-login)" },
		{ "REG.example:5000", "a", CG_OK, "bob", "b", "credHelpers (docker-credential-ecr-login)" },
		{ "other.example", "a", CG_OK, "dave", "d", "" },
		{ "reg.example", "a", CG_ERR_NOTFOUND, NULL, NULL, "credsStore (docker-credential-desktop)" },
		{ "gcr.io", "p/i", CG_ERR_NOTFOUND, NULL, NULL, "credHelpers (docker-credential-gcloud)" },
		{ "bad.example", "a", CG_ERR_INVALID, NULL, NULL, "" },
		{ "nocolon.example", "a", CG_ERR_INVALID, NULL, NULL, "" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		struct cg_registry_cred c = { 0 };
		char helper[128];
		struct cg_error err = { 0 };
		cg_err_t rc = cg_registry_config_lookup(cfg, strlen(cfg), cases[i].host, cases[i].repo,
							&c, helper, sizeof(helper), &err);
		CHECKF(t, rc == cases[i].rc, "%s/%s: rc %d (%s)", cases[i].host, cases[i].repo, rc,
		       err.msg);
		if (rc == CG_OK) {
			CHECK_STR(t, c.username, cases[i].user);
			CHECK_STR(t, c.password, cases[i].pass);
		}
		if (rc != CG_ERR_INVALID)
			CHECK_STR(t, helper, cases[i].helper);
		cg_registry_cred_release(&c);
		CHECK(t, c.username == NULL && c.password == NULL);
	}
	{
		static const char only_id[] = "{\"auths\":{\"token.example\":{\"identitytoken\":\"x\"}}}";
		struct cg_registry_cred c = { 0 };
		char helper[128];
		CHECK_INT(t, cg_registry_config_lookup(only_id, strlen(only_id), "token.example", "a", &c,
						       helper, sizeof(helper), NULL), CG_ERR_NOTFOUND);
		CHECK_STR(t, helper, "an identitytoken");
		CHECK_INT(t, cg_registry_config_lookup("[1]", 3, "h", "r", &c, helper, sizeof(helper),
						       NULL), CG_ERR_INVALID);
		CHECK_INT(t, cg_registry_config_lookup("{", 1, "h", "r", &c, helper, sizeof(helper),
						       NULL), CG_ERR_INVALID);
		CHECK_INT(t, cg_registry_config_lookup("{}", 2, "h", "r", &c, helper, sizeof(helper),
						       NULL), CG_ERR_NOTFOUND);
	}
}

static void t_base64(struct cgt *t)
{
	static const struct {
		const char *raw, *enc;
	} rt[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "alice:s3cret pass", "YWxpY2U6czNjcmV0IHBhc3M=" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(rt); i++) {
		char enc[64];
		unsigned char dec[64];
		size_t n = 99;
		CHECK_INT(t, cg_base64_encode(rt[i].raw, strlen(rt[i].raw), enc, sizeof(enc)), CG_OK);
		CHECK_STR(t, enc, rt[i].enc);
		CHECK_INT(t, cg_base64_decode(rt[i].enc, strlen(rt[i].enc), dec, sizeof(dec), &n), CG_OK);
		CHECKF(t, n == strlen(rt[i].raw) && !memcmp(dec, rt[i].raw, n), "decode '%s'", rt[i].enc);
	}
	{
		unsigned char dec[8];
		size_t n;
		char small[4];
		CHECK_INT(t, cg_base64_decode("Zm8", 3, dec, sizeof(dec), &n), CG_OK); /* no padding */
		CHECK_INT(t, n, 2);
		CHECK_INT(t, cg_base64_decode("Zm9=", 4, dec, sizeof(dec), &n), CG_ERR_INVALID); /* bits */
		CHECK_INT(t, cg_base64_decode("Z", 1, dec, sizeof(dec), &n), CG_ERR_INVALID);
		CHECK_INT(t, cg_base64_decode("Zm 9v", 5, dec, sizeof(dec), &n), CG_ERR_INVALID);
		CHECK_INT(t, cg_base64_decode("Zm8=Zm8=", 8, dec, sizeof(dec), &n), CG_ERR_INVALID);
		CHECK_INT(t, cg_base64_decode("Zg===", 5, dec, sizeof(dec), &n), CG_ERR_INVALID);
		CHECK_INT(t, cg_base64_decode("Zm9vYmFy", 8, dec, 5, &n), CG_ERR_LIMIT);
		CHECK_INT(t, cg_base64_encode("foo", 3, small, sizeof(small)), CG_ERR_LIMIT);
		CHECK_INT(t, cg_base64_encode("fo", 2, small, sizeof(small)), CG_ERR_LIMIT);
	}
}

static void t_sanitize(struct cgt *t)
{
	char out[8];
	cg_registry_sanitize("a\x1b[2Jb\xff", 7, out, sizeof(out));
	CHECK_STR(t, out, "a?[2Jb?");
	cg_registry_sanitize("abcdefghij", 10, out, sizeof(out));
	CHECK_STR(t, out, "abcdefg");
	cg_registry_sanitize(NULL, 5, out, sizeof(out));
	CHECK_STR(t, out, "");
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_ref_parse), CGT_CASE(t_challenge), CGT_CASE(t_token),
	CGT_CASE(t_config),    CGT_CASE(t_base64),    CGT_CASE(t_sanitize),
};
CGT_MAIN(cases)
