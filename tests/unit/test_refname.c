/* Image names normalised as Docker's distribution/reference does
 * (ParseNormalizedNamed + TagNameOnly); the expected values are what
 * `docker pull`, nerdctl and containerd's refdocker write for these names. */
#include "util/internal.h"
#include "image/refname.h"
#include "cgtest.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void t_normalise(struct cgt *t)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} cases[] = {
		{ "busybox", "docker.io/library/busybox:latest" },
		{ "busybox:1.36", "docker.io/library/busybox:1.36" },
		{ "library/busybox", "docker.io/library/busybox:latest" },
		{ "docker.io/busybox", "docker.io/library/busybox:latest" },
		{ "index.docker.io/busybox:1", "docker.io/library/busybox:1" },
		{ "docker.io/library/busybox:latest", "docker.io/library/busybox:latest" },
		{ "cguard/test:1", "docker.io/cguard/test:1" },
		{ "ghcr.io/o/r", "ghcr.io/o/r:latest" },
		{ "localhost/app", "localhost/app:latest" },
		{ "localhost:5000/app:2", "localhost:5000/app:2" },
		{ "registry.local/a/b/c:v1.2-rc_3", "registry.local/a/b/c:v1.2-rc_3" },
		{ "Example.com/app", "Example.com/app:latest" }, /* upper case: a domain */
		{ "busybox@sha256:" D64, "docker.io/library/busybox@sha256:" D64 },
		{ "busybox:1@sha256:" D64, "docker.io/library/busybox:1@sha256:" D64 },
		{ "a__b/c.d/e--f", "docker.io/a__b/c.d/e--f:latest" },
		{ "localhost:5000", "docker.io/library/localhost:5000" }, /* a tag, as Docker reads it */
		{ "", NULL },
		{ "Busybox", NULL },            /* upper case in the path */
		{ "busybox:", NULL },           /* empty tag */
		{ "busybox:-x", NULL },         /* tag starting with '-' */
		{ "busybox@sha256:abc", NULL }, /* short digest */
		{ "busybox@md5:" D64, NULL },
		{ "a/../b", NULL },
		{ "a//b", NULL },
		{ "/a", NULL },
		{ "a/", NULL },
		{ "a___b", NULL },
		{ "a..b", NULL },
		{ "-a", NULL },
		{ "host:port/x", NULL }, /* a port must be digits */
		{ "exa mple/x", NULL },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		char out[600];
		bool ok = cg_refname_normalise(cases[i].in, out, sizeof(out));
		if (cases[i].want) {
			CHECKF(t, ok, "'%s' refused", cases[i].in);
			if (ok)
				CHECK_STR(t, out, cases[i].want);
		} else {
			CHECKF(t, !ok, "'%s' accepted as '%s'", cases[i].in, out);
		}
	}
}

static void t_parts(struct cgt *t)
{
	struct cg_refname r;
	char repo[600];
	CHECK(t, cg_refname_parse("quay.io/org/app:1@sha256:" D64, &r));
	CHECK_STR(t, r.domain, "quay.io");
	CHECK_STR(t, r.path, "org/app");
	CHECK_STR(t, r.tag, "1");
	CHECK_STR(t, r.digest, "sha256:" D64);
	CHECK(t, r.explicit_domain);
	CHECK(t, cg_refname_repository(&r, repo, sizeof(repo)));
	CHECK_STR(t, repo, "quay.io/org/app");
	CHECK(t, cg_refname_parse("nginx", &r));
	CHECK(t, !r.explicit_domain);
	CHECK_STR(t, r.tag, "");
	/* bounds: 255 bytes of name, 128 of tag; a small output buffer */
	{
		char name[400];
		memset(name, 'a', 255);
		memcpy(name, "h.io/", 5);
		name[255] = '\0';
		CHECK(t, cg_refname_parse(name, &r));
		name[255] = 'a';
		name[256] = '\0';
		CHECK(t, !cg_refname_parse(name, &r));
		memset(name, 0, sizeof(name));
		memcpy(name, "x:", 2);
		memset(name + 2, 't', 128);
		CHECK(t, cg_refname_parse(name, &r));
		name[130] = 't';
		CHECK(t, !cg_refname_parse(name, &r));
	}
	CHECK(t, !cg_refname_normalise("busybox", repo, 10));
	CHECK(t, !cg_refname_parse(NULL, &r));
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_normalise),
	CGT_CASE(t_parts),
};

CGT_MAIN(cases)
