/* Image-config checks (lib/scan/config.c): each build-history rule on lines as
 * the classic builder and BuildKit write them, the words-not-substrings rule,
 * and the config's baseline items. */
#include "cgtest.h"
#include <cguard/cguard.h>
#include "scan/config.h"

struct got {
	char rules[64][96];
	size_t n;
};

static cg_err_t add(void *ud, const struct cg_content_finding *f)
{
	struct got *g = ud;
	if (g->n < 64)
		snprintf(g->rules[g->n++], sizeof(g->rules[0]), "%s@%s", f->rule, f->where);
	return CG_OK;
}

static size_t count(const struct got *g, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++)
		n += !strncmp(g->rules[i], prefix, strlen(prefix));
	return n;
}

/* History of one line (JSON-escaped) through the checker: the rules that fired. */
static void one(struct cgt *t, const char *line, const char *want)
{
	struct got g = { .n = 0 };
	struct cg_content_sink sink = { add, NULL, &g };
	char doc[4096], got[1024] = "";
	cg_json *j = NULL;
	snprintf(doc, sizeof(doc),
		 "{\"config\": {\"User\": \"app\", \"Healthcheck\": {\"Test\": [\"CMD\", \"true\"]}},"
		 " \"history\": [{\"created_by\": \"%s\"}]}", line);
	if (cg_json_parse(doc, strlen(doc), NULL, &j, NULL) != CG_OK) {
		CHECKF(t, 0, "bad test JSON: %s", doc);
		return;
	}
	CHECK(t, cg_config_check(j, NULL, &sink, NULL) == CG_OK);
	for (size_t i = 0; i < g.n; i++) {
		char *at = strchr(g.rules[i], '@');
		if (at)
			*at = '\0';
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 g.rules[i]);
	}
	CHECKF(t, !strcmp(got, want), "%s: got '%s', want '%s'", line, got, want);
	cg_json_free(j);
}

static void t_history(struct cgt *t)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		/* curl | sh, in its shapes */
		{ "/bin/sh -c curl -fsSL https://get.example.com | sh", "history-curl-pipe-shell" },
		{ "RUN /bin/sh -c wget -qO- https://x.io/install.sh | bash -s -- --yes # buildkit",
		  "history-curl-pipe-shell" },
		{ "/bin/sh -c curl https://x | sudo -E bash -", "history-curl-pipe-shell history-sudo" },
		{ "/bin/sh -c sh -c \\\"$(curl -fsSL https://x/install.sh)\\\"", "history-curl-pipe-shell" },
		{ "/bin/sh -c curl -o /tmp/i.sh https://x && sha256sum -c s && sh /tmp/i.sh", "" },
		{ "/bin/sh -c echo curl | tee /etc/motd", "" },
		{ "/bin/sh -c /usr/local/bin/curl-config --version | sh-wrapper", "" },
		/* ADD */
		{ "/bin/sh -c #(nop) ADD https://example.com/app.tgz /opt/",
		  "history-add-url" },
		{ "ADD https://example.com/tool /usr/local/bin/tool # buildkit", "history-add-url" },
		{ "/bin/sh -c #(nop) ADD file:4f1ed3f8b1 in / ", "" },
		{ "ADD rootfs.tar.xz / # buildkit", "history-add-archive" },
		{ "COPY app.tar.gz /srv/ # buildkit", "" },
		/* chmod */
		{ "/bin/sh -c chmod -R 777 /var/www", "history-chmod-777" },
		{ "/bin/sh -c chmod o+w /srv/data && true", "history-chmod-777" },
		{ "/bin/sh -c chmod 755 /usr/local/bin/app", "" },
		{ "RUN /bin/sh -c chmod 777 /srv && apt-get install -y --no-install-recommends x # buildkit",
		  "history-chmod-777" },
		{ "RUN --mount=type=cache,target=/root/.cache /bin/sh -c chmod a+rwx /x # buildkit",
		  "history-chmod-777" },
		/* upgrades and recommends */
		{ "/bin/sh -c apt-get update && apt-get -y upgrade",
		  "history-package-upgrade" },
		{ "/bin/sh -c apt-get update && apt-get install -y curl",
		  "history-apt-recommends" },
		{ "/bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl", "" },
		{ "/bin/sh -c apk upgrade --no-cache", "history-package-upgrade" },
		{ "/bin/sh -c yum -y update && yum clean all", "history-package-upgrade" },
		{ "/bin/sh -c yum -y update openssl", "" },
		/* TLS verification off */
		{ "/bin/sh -c curl -k https://internal/x -o /x", "history-tls-verification-off" },
		{ "/bin/sh -c wget --no-check-certificate https://x", "history-tls-verification-off" },
		{ "/bin/sh -c pip install --trusted-host pypi.local flask",
		  "history-tls-verification-off" },
		{ "/bin/sh -c GIT_SSL_NO_VERIFY=1 git clone https://x", "history-tls-verification-off" },
		{ "/bin/sh -c npm config set strict-ssl false", "history-tls-verification-off" },
		{ "/bin/sh -c ls -k /", "" },
		/* secrets in build arguments and ENV */
		{ "|2 DB_PASSWORD=hunter2hunter2 VERSION=1.2 /bin/sh -c make",
		  "history-secret-build-arg" },
		{ "|1 API_TOKEN=$TOKEN /bin/sh -c make", "" },
		{ "/bin/sh -c #(nop)  ENV AWS_SECRET_ACCESS_KEY=abcd1234efgh5678", "history-secret-build-arg" },
		{ "ENV GITHUB_TOKEN= # buildkit", "" },
		/* sudo */
		{ "/bin/sh -c sudo apt-get install -y --no-install-recommends vim", "history-sudo" },
		{ "/bin/sh -c apt-get install -y --no-install-recommends sudo", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		one(t, cases[i].line, cases[i].want);
}

static void t_config(struct cgt *t)
{
	static const char doc[] =
		"{\"config\": {\"User\": \"\", \"ExposedPorts\": {\"22/tcp\": {}, \"8080/tcp\": {},"
		" \"6379/tcp\": {}}, \"Env\": [\"PATH=/usr/bin\", \"DB_PASSWORD=s3cr3tvalue\","
		" \"API_TOKEN=${TOKEN}\"], \"Labels\": {\"org.opencontainers.image.base.name\":"
		" \"docker.io/library/debian:latest\"}}, \"history\": []}";
	struct got g = { .n = 0 };
	struct cg_content_sink sink = { add, NULL, &g };
	cg_json *j = NULL;
	CHECK(t, cg_json_parse(doc, sizeof(doc) - 1, NULL, &j, NULL) == CG_OK);
	CHECK(t, cg_config_check(j, NULL, &sink, NULL) == CG_OK);
	CHECK_INT(t, count(&g, "baseline-user-root@config:User"), 1);
	CHECK_INT(t, count(&g, "baseline-no-healthcheck@config:Healthcheck"), 1);
	CHECK_INT(t, count(&g, "baseline-sensitive-port@config:ExposedPorts:22/tcp"), 1);
	CHECK_INT(t, count(&g, "baseline-sensitive-port@config:ExposedPorts:6379/tcp"), 1);
	CHECK_INT(t, count(&g, "baseline-sensitive-port"), 2);
	CHECK_INT(t, count(&g, "baseline-secret-in-env@env:DB_PASSWORD"), 1);
	CHECK_INT(t, count(&g, "baseline-secret-in-env"), 1);
	CHECK_INT(t, count(&g, "history-unpinned-base"), 1);
	CHECK_INT(t, g.n, 6);
	cg_json_free(j);

	/* a non-root user with a health check and a pinned base: nothing */
	{
		static const char ok[] =
			"{\"config\": {\"User\": \"1000:1000\", \"Healthcheck\": {\"Test\": [\"CMD\","
			" \"/hc\"]}, \"Labels\": {\"org.opencontainers.image.base.name\":"
			" \"debian:12\", \"org.opencontainers.image.base.digest\": \"sha256:ab\"}}}";
		struct got g2 = { .n = 0 };
		struct cg_content_sink s2 = { add, NULL, &g2 };
		CHECK(t, cg_json_parse(ok, sizeof(ok) - 1, NULL, &j, NULL) == CG_OK);
		CHECK(t, cg_config_check(j, NULL, &s2, NULL) == CG_OK);
		CHECKF(t, g2.n == 0, "%zu findings, first %s", g2.n, g2.n ? g2.rules[0] : "");
		cg_json_free(j);
	}
	/* root spelled otherwise; HEALTHCHECK NONE */
	{
		static const char root[] =
			"{\"config\": {\"User\": \"0:0\", \"Healthcheck\": {\"Test\": [\"NONE\"]}}}";
		struct got g3 = { .n = 0 };
		struct cg_content_sink s3 = { add, NULL, &g3 };
		CHECK(t, cg_json_parse(root, sizeof(root) - 1, NULL, &j, NULL) == CG_OK);
		CHECK(t, cg_config_check(j, NULL, &s3, NULL) == CG_OK);
		CHECK_INT(t, count(&g3, "baseline-user-root"), 1);
		CHECK_INT(t, count(&g3, "baseline-no-healthcheck"), 1);
		cg_json_free(j);
	}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_history),
	CGT_CASE(t_config),
};
CGT_MAIN(cases)
