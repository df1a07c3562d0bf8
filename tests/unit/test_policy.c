/* The policy file (lib/agent/policy.c, POL-01/02): parsing, validation with
 * errors that name the policy and field, and cg_policy_for's matching order. */
#include <cguard/cguard.h>
#include "agent/agent_int.h"
#include "cgtest.h"

#define EQ(t, a, b) CHECKF(t, (a) && strcmp((a), (b)) == 0, "got \"%.400s\", want \"%.400s\"", (a) ? (a) : "(null)", (b))

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static const char *pol_name(const struct cg_policy *p)
{
	return p ? p->name : "(none)";
}

static void t_file(struct cgt *t)
{
	struct cg_policy_set s = { 0 };
	struct cg_error err;
	size_t len;
	char *text = slurp(CG_TEST_DATA "/agent/policies.json", &len);
	CHECK(t, text != NULL);
	if (!text)
		return;
	CHECK(t, cg_policy_parse(text, len, &s, &err) == CG_OK);
	free(text);
	CHECK_INT(t, s.n, 4);
	if (s.n != 4)
		return;
	EQ(t, s.v[0].name, "web");
	CHECK(t, s.v[0].mode == CG_POLICY_ENFORCE);
	CHECK(t, s.v[1].mode == CG_POLICY_ALERT);
	/* normalised, duplicates (after normalisation) once */
	CHECK_INT(t, s.v[0].n_whitelist, 2);
	EQ(t, s.v[0].whitelist[0], "/usr/sbin/nginx");
	EQ(t, s.v[0].whitelist[1], "/bin/sh");
	EQ(t, s.v[0].protected[0], "/etc/nginx");
	EQ(t, s.v[0].images[0], "docker.io/library/nginx:latest");
	EQ(t, s.v[0].images[1], "registry.local:5000/team/web:2.1");
	EQ(t, s.v[1].images[0], "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_INT(t, s.v[3].n_images, 0);
	CHECK_INT(t, s.v[3].n_whitelist, 0);

	/* by reference: tag defaults to latest, docker.io/library added; the
	 * first policy in the file wins */
	EQ(t, pol_name(cg_policy_for(&s, "nginx", NULL)), "web");
	EQ(t, pol_name(cg_policy_for(&s, "docker.io/library/nginx:latest", NULL)), "web");
	EQ(t, pol_name(cg_policy_for(&s, "index.docker.io/library/nginx", NULL)), "web");
	EQ(t, pol_name(cg_policy_for(&s, "nginx:1.25", NULL)), "(none)");
	EQ(t, pol_name(cg_policy_for(&s, "registry.local:5000/team/web:2.1", NULL)), "web");
	EQ(t, pol_name(cg_policy_for(&s, "alpine:3.19", NULL)), "nginx-too");
	EQ(t, pol_name(cg_policy_for(&s, "docker.io/alpine:3.19", NULL)), "nginx-too");
	/* digest first: it beats an earlier policy's name match */
	EQ(t, pol_name(cg_policy_for(&s, "nginx",
				      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")),
	   "pinned");
	EQ(t, pol_name(cg_policy_for(&s, NULL,
				      "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")),
	   "pinned");
	EQ(t, pol_name(cg_policy_for(&s, "busybox@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
				      NULL)),
	   "pinned");
	/* an entry pinned to a digest does not match by name alone */
	EQ(t, pol_name(cg_policy_for(&s, "busybox", NULL)), "(none)");
	/* an unknown digest falls back to the name */
	EQ(t, pol_name(cg_policy_for(&s, "nginx",
				      "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc")),
	   "web");
	EQ(t, pol_name(cg_policy_for(&s, "Not A Ref!", NULL)), "(none)");
	EQ(t, pol_name(cg_policy_for(&s, NULL, NULL)), "(none)");
	cg_policy_set_free(&s);
}

struct bad {
	const char *text;
	cg_err_t code;
	const char *msg; /* a part of the message */
};

static void t_errors(struct cgt *t)
{
	static const struct bad bad[] = {
		{ "{}", CG_ERR_INVALID, "not a JSON array" },
		{ "[1]", CG_ERR_INVALID, "policy 0: not an object" },
		{ "[{\"mode\":\"alert\"}]", CG_ERR_INVALID, "policy 0: field \"name\": missing" },
		{ "[{\"name\":\"\",\"mode\":\"alert\"}]", CG_ERR_INVALID, "policy 0: field \"name\": must be 1 to 128" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\"},{\"name\":\"b\",\"mode\":\"block\"}]", CG_ERR_INVALID,
		  "policy 1 (\"b\"): field \"mode\": \"block\" is not" },
		{ "[{\"name\":\"a\"}]", CG_ERR_INVALID, "policy 0 (\"a\"): field \"mode\": missing" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\"},{\"name\":\"a\",\"mode\":\"alert\"}]", CG_ERR_INVALID,
		  "policy 1: field \"name\": \"a\" is also the name of policy 0" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"process_whitelist\":[\"bin/sh\"]}]", CG_ERR_INVALID,
		  "policy 0 (\"a\"): field \"process_whitelist\"[0]: \"bin/sh\" is not an absolute path" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"protected_paths\":\"/etc\"}]", CG_ERR_INVALID,
		  "field \"protected_paths\": not an array" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"protected_paths\":[\"/etc\",3]}]", CG_ERR_INVALID,
		  "field \"protected_paths\"[1]: not a string" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"protected_paths\":[\"/etc/a\\u0000b\"]}]", CG_ERR_INVALID,
		  "" /* jansson refuses \u0000 */ },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"images\":[\"Bad Image\"]}]", CG_ERR_INVALID,
		  "field \"images\"[0]: \"Bad Image\" is neither" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\",\"images\":[\"sha256:abc\"]}]", CG_ERR_INVALID,
		  "field \"images\"[0]" },
		{ "[{\"name\":\"a\",\"mode\":\"alert\"", CG_ERR_INVALID, "policy file:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_policy_set s = { 0 };
		struct cg_error err = { 0 };
		cg_err_t rc = cg_policy_parse(bad[i].text, strlen(bad[i].text), &s, &err);
		CHECKF(t, rc == bad[i].code, "case %zu: rc %d", i, (int)rc);
		CHECKF(t, strstr(err.msg, bad[i].msg) != NULL, "case %zu: message \"%s\"", i, err.msg);
		CHECK(t, s.v == NULL && s.n == 0);
	}
}

static void t_limits(struct cgt *t)
{
	struct cg_buf b = CG_BUF_INIT(64 << 20);
	struct cg_policy_set s = { 0 };
	struct cg_error err;
	char name[200];
	/* a 129-character name, a 4097-byte path, 4097 entries */
	memset(name, 'x', 129);
	name[129] = '\0';
	CHECK(t, cg_buf_printf(&b, "[{\"name\":\"%s\",\"mode\":\"alert\"}]", name) == CG_OK);
	CHECK(t, cg_policy_parse(b.data, b.len, &s, &err) == CG_ERR_INVALID);
	cg_buf_reset(&b);
	/* 128 characters of 3 bytes each is fine */
	CHECK(t, cg_buf_puts(&b, "[{\"name\":\"") == CG_OK);
	for (int i = 0; i < 128; i++)
		CHECK(t, cg_buf_puts(&b, "\xe2\x82\xac") == CG_OK);
	CHECK(t, cg_buf_puts(&b, "\",\"mode\":\"alert\"}]") == CG_OK);
	CHECK(t, cg_policy_parse(b.data, b.len, &s, &err) == CG_OK);
	cg_policy_set_free(&s);
	cg_buf_reset(&b);
	CHECK(t, cg_buf_puts(&b, "[{\"name\":\"a\",\"mode\":\"alert\",\"protected_paths\":[\"/") == CG_OK);
	for (int i = 0; i < 4096; i++)
		CHECK(t, cg_buf_putc(&b, 'p') == CG_OK);
	CHECK(t, cg_buf_puts(&b, "\"]}]") == CG_OK);
	CHECK(t, cg_policy_parse(b.data, b.len, &s, &err) == CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "longer than 4096 bytes") != NULL);
	cg_buf_reset(&b);
	CHECK(t, cg_buf_puts(&b, "[{\"name\":\"a\",\"mode\":\"alert\",\"process_whitelist\":[") == CG_OK);
	for (int i = 0; i < 4097; i++)
		CHECK(t, cg_buf_printf(&b, "%s\"/bin/p%d\"", i ? "," : "", i) == CG_OK);
	CHECK(t, cg_buf_puts(&b, "]}]") == CG_OK);
	CHECK(t, cg_policy_parse(b.data, b.len, &s, &err) == CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "4097 entries, at most 4096") != NULL);
	cg_buf_release(&b);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_file),
	CGT_CASE(t_errors),
	CGT_CASE(t_limits),
};
CGT_MAIN(cases)
