/* The secret scanner (lib/scan/secret.c): one true positive per rule, true
 * negatives (documentation examples, placeholders, code), chunk boundaries
 * and long lines, masking, sensitive files, /etc/shadow, ENV names and build
 * arguments, limits.
 *
 * No secret-looking string is written in this file: every token is made at
 * run time from a template ("ghp_%a36" = "ghp_" and 36 pseudo-random
 * alphanumerics), so push protection and our own scanner stay quiet. */
#include <cguard/cguard.h>
#include "scan/secret.h"
#include "cgtest.h"

#ifndef CG_ARRAY_LEN
#define CG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- Templates ---- */

#ifndef TEST_SEED
#define TEST_SEED 0x9e3779b97f4a7c15ull
#endif
static uint64_t rng_state = TEST_SEED;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *alphabet(char cls)
{
	switch (cls) {
	case 'a': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	case 'A': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	case 'h': return "0123456789abcdef";
	case 'u': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	case 'U': return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	case 'l': return "abcdefghijklmnopqrstuvwxyz234567";
	case 'L': return "abcdefghijklmnopqrstuvwxyz0123456789";
	case 'd': return "0123456789";
	case 'b': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	case 'w': return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
	case 'g': return "abcdefgh0123456789";
	case 'B': return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
	}
	return "x";
}

/* Random parts of the last expansion (to check they never show up). */
static char parts[16][256];
static size_t nparts;

/* Expand "%<class><count>" (count 1..999), "%%" is a percent sign. */
static void expand(const char *tpl, char *out, size_t cap)
{
	size_t o = 0;
	nparts = 0;
	for (const char *t = tpl; *t && o + 1 < cap; t++) {
		if (*t == '%' && t[1] == '%') {
			out[o++] = '%';
			t++;
		} else if (*t == '%' && t[1] && t[2] >= '0' && t[2] <= '9') {
			const char *al = alphabet(t[1]);
			size_t al_n = strlen(al), n = 0, p = 0;
			t += 2;
			while (*t >= '0' && *t <= '9')
				n = n * 10 + (size_t)(*t++ - '0');
			t--;
			for (size_t i = 0; i < n && o + 1 < cap; i++) {
				char c = al[rnd((unsigned)al_n)];
				out[o++] = c;
				if (nparts < 16 && p + 1 < sizeof(parts[0]))
					parts[nparts][p++] = c;
			}
			if (nparts < 16) {
				parts[nparts][p] = '\0';
				nparts++;
			}
		} else {
			out[o++] = *t;
		}
	}
	out[o] = '\0';
}

static size_t b64(const unsigned char *in, size_t n, char *out, bool url)
{
	const char *al = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			     : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		out[o++] = al[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = al[(v >> 6) & 63];
		else if (!url)
			out[o++] = '=';
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static void b64s(const char *s, char *out, bool url)
{
	b64((const unsigned char *)s, strlen(s), out, url);
}

/* ---- A collecting sink ---- */

struct found {
	int kind, level;
	char rule[64], type[32], title[160], path[256], where[64], match[CG_SECRET_MASK_MAX];
	uint64_t line;
};

struct coll {
	struct found f[256];
	size_t n, warns;
	char warn_msg[256];
};

static cg_err_t coll_add(void *ud, const struct cg_content_finding *f)
{
	struct coll *c = ud;
	struct found *x;
	if (c->n >= 256)
		return CG_OK;
	x = &c->f[c->n++];
	memset(x, 0, sizeof(*x));
	x->kind = (int)f->kind;
	x->level = (int)f->level;
	x->line = f->line;
	snprintf(x->rule, sizeof(x->rule), "%s", f->rule ? f->rule : "(null)");
	snprintf(x->type, sizeof(x->type), "%s", f->type ? f->type : "(null)");
	snprintf(x->title, sizeof(x->title), "%s", f->title ? f->title : "(null)");
	snprintf(x->path, sizeof(x->path), "%s", f->path ? f->path : "");
	snprintf(x->where, sizeof(x->where), "%s", f->where ? f->where : "");
	snprintf(x->match, sizeof(x->match), "%s", f->match ? f->match : "");
	return CG_OK;
}

static void coll_warn(void *ud, const char *path, const char *msg)
{
	struct coll *c = ud;
	(void)path;
	c->warns++;
	snprintf(c->warn_msg, sizeof(c->warn_msg), "%s", msg);
}

static void *ctx_get(void)
{
	static void *ctx;
	struct cg_error err;
	if (!ctx && cg_scanner_secret.open(NULL, &ctx, &err) != CG_OK) {
		fprintf(stderr, "open: %s\n", err.msg);
		exit(1);
	}
	return ctx;
}

/* Scan `text` as the file `path`, fed in chunks of `chunk` bytes (0: one). */
static cg_err_t scan_file(const char *path, const char *text, size_t len, size_t chunk,
			  struct coll *c)
{
	const struct cg_content_scanner *s = &cg_scanner_secret;
	struct cg_content_sink sink = { coll_add, coll_warn, c };
	struct cg_error err;
	void *st = malloc(s->state_size);
	cg_err_t rc;
	memset(c, 0, sizeof(*c));
	if (!st)
		return CG_ERR_NOMEM;
	s->begin(ctx_get(), st);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		if (!s->feed(st, text + off, n))
			break;
	}
	rc = s->finish(st, path, 3, &sink, &err);
	s->release(st);
	free(st);
	return rc;
}

static cg_err_t scan_str(const char *path, const char *text, struct coll *c)
{
	return scan_file(path, text, strlen(text), 0, c);
}

static cg_err_t scan_text(const char *where, const char *text, struct coll *c)
{
	struct cg_content_sink sink = { coll_add, coll_warn, c };
	memset(c, 0, sizeof(*c));
	return cg_secret_scan_text(ctx_get(), where, text, strlen(text), &sink, NULL);
}

static const struct found *has_rule(const struct coll *c, const char *rule)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->f[i].rule, rule) == 0)
			return &c->f[i];
	return NULL;
}

/* No random part of the last expansion (12+ chars) shows in any finding: not
 * whole, and no 9 consecutive characters of it. */
static bool leaks(const struct coll *c)
{
	for (size_t k = 0; k < nparts; k++) {
		size_t pl = strlen(parts[k]);
		if (pl < 12)
			continue;
		for (size_t i = 0; i < c->n; i++) {
			const struct found *f = &c->f[i];
			const char *fields[] = { f->match, f->title, f->rule, f->where, f->type };
			for (size_t j = 0; j < CG_ARRAY_LEN(fields); j++)
				for (size_t o = 0; o + 9 <= pl; o++) {
					char sub[10];
					memcpy(sub, parts[k] + o, 9);
					sub[9] = '\0';
					if (strstr(fields[j], sub))
						return true;
				}
		}
	}
	return false;
}

/* ---- True positives: one (or more) per rule ---- */

struct tp {
	const char *rule, *path, *tpl;
};

#define CONF "/app/settings.conf"
static const struct tp tps[] = {
	{ "aws-access-key-id", CONF, "aws_access_key_id = AKIA%u16" },
	{ "aws-access-key-id", "/app/main.py", "key = 'ASIA%u16'" },
	{ "aws-secret-access-key", CONF, "aws_secret_access_key = %b40" },
	{ "aws-secret-access-key", "/app/deploy.sh", "export AWS_SECRET_ACCESS_KEY=\"%b40\"" },
	{ "aws-mws-key", CONF, "mws = amzn.mws.%h8-%h4-%h4-%h4-%h12" },
	{ "gcp-api-key", "/srv/www/app.js", "const k = \"AIza%w35\";" },
	{ "gcp-oauth-client-secret", CONF, "client_secret=GOCSPX-%w28" },
	{ "gcp-oauth-access-token", CONF, "token: ya29.%w60" },
	{ "azure-storage-connection-string", CONF,
	  "conn=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=%b86==;"
	  "EndpointSuffix=core.windows.net" },
	{ "azure-storage-account-key", CONF, "AZURE_STORAGE_KEY=%b86==" },
	{ "azure-shared-access-key", CONF,
	  "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;"
	  "SharedAccessKey=%b43=" },
	{ "azure-sas-token", CONF,
	  "url: https://acme.blob.core.windows.net/c?sv=2021-08-06&ss=b&srt=co&sp=rl"
	  "&se=2030-01-01&sig=%b43%%3D" },
	{ "azure-ad-client-secret", CONF, "AZURE_CLIENT_SECRET=\"%a3%d1Q~%w32\"" },
	{ "azure-devops-pat", CONF, "AZURE_DEVOPS_PAT=%l52" },
	{ "alibaba-access-key-id", CONF, "ak: LTAI%a16" },
	{ "alibaba-access-key-secret", CONF, "access_key_secret: %a30" },
	{ "tencent-secret-id", CONF, "SecretId=AKID%a32" },
	{ "tencent-secret-key", CONF, "TENCENTCLOUD_SECRET_KEY=%a32" },
	{ "huawei-access-key", CONF, "HUAWEICLOUD_ACCESS_KEY=%U20" },
	{ "huawei-secret-key", CONF, "HUAWEICLOUD_SECRET_KEY=%a40" },
	{ "github-pat", "/app/run.py", "gh = 'ghp_%a36'" },
	{ "github-oauth", CONF, "t=gho_%a36" },
	{ "github-user-to-server", CONF, "t=ghu_%a36" },
	{ "github-server-to-server", CONF, "t=ghs_%a36" },
	{ "github-refresh-token", CONF, "t=ghr_%a36" },
	{ "github-fine-grained-pat", CONF, "t=github_pat_%a22_%a59" },
	{ "gitlab-pat", CONF, "t=glpat-%w20" },
	{ "gitlab-runner-token", CONF, "t=glrt-%w20" },
	{ "gitlab-runner-registration-token", CONF, "t=GR1348941%w20" },
	{ "gitlab-pipeline-trigger-token", CONF, "t=glptt-%h40" },
	{ "gitlab-deploy-token", CONF, "t=gldt-%w20" },
	{ "gitlab-feed-token", CONF, "t=glft-%w20" },
	{ "gitlab-oauth-app-secret", CONF, "t=gloas-%w64" },
	{ "gitlab-scim-token", CONF, "t=glsoat-%w20" },
	{ "gitlab-cicd-job-token", CONF, "t=glcbt-%a3_%w20" },
	{ "gitlab-incoming-mail-token", CONF, "t=glimt-%w25" },
	{ "gitlab-agent-token", CONF, "t=glagent-%w50" },
	{ "bitbucket-app-password", CONF, "p=ATBB%a32" },
	{ "atlassian-api-token", CONF, "t=ATATT3%w186" },
	{ "atlassian-legacy-token", CONF, "JIRA_API_TOKEN=%a24" },
	{ "slack-bot-token", CONF, "SLACK=xoxb-%d12-%d12-%a24" },
	{ "slack-user-token", CONF, "SLACK=xoxp-%d12-%d12-%d12-%h32" },
	{ "slack-app-token", CONF, "SLACK=xapp-1-A%U10-%d13-%h64" },
	{ "slack-legacy-token", CONF, "SLACK=xoxs-%d10-%d10-%d10-%h64" },
	{ "slack-config-token", CONF, "SLACK=xoxe.xoxp-1-%U160" },
	{ "slack-webhook-url", CONF, "hook: https://hooks.slack.com/services/T%U8/B%U8/%a24" },
	{ "telegram-bot-token", CONF, "BOT=%d10:AA%w33" },
	{ "discord-bot-token", CONF, "DISCORD_BOT_TOKEN=M%w23.%w6.%w27" },
	{ "discord-webhook-url", CONF, "hook: https://discord.com/api/webhooks/%d18/%w68" },
	{ "twilio-api-key", CONF, "sid=SK%h32" },
	{ "twilio-auth-token", CONF, "TWILIO_AUTH_TOKEN=%h32" },
	{ "sendgrid-api-key", CONF, "key=SG.%w22.%w43" },
	{ "mailgun-api-key", CONF, "MAILGUN=key-%h32" },
	{ "mailchimp-api-key", CONF, "mc=%h32-us14" },
	{ "brevo-api-key", CONF, "k=xkeysib-%h64-%a16" },
	{ "stripe-secret-key", CONF, "STRIPE=sk_live_%a24" },
	{ "stripe-restricted-key", CONF, "STRIPE=rk_live_%a24" },
	{ "stripe-webhook-secret", CONF, "STRIPE_WH=whsec_%a32" },
	{ "square-access-token", CONF, "SQ=EAAA%w40" },
	{ "square-oauth-secret", CONF, "SQ=sq0csp-%w43" },
	{ "braintree-access-token", CONF, "BT=access_token$production$%L16$%h32" },
	{ "paypal-client-secret", CONF, "PAYPAL_CLIENT_SECRET=%w80" },
	{ "shopify-access-token", CONF, "t=shpat_%h32" },
	{ "shopify-custom-access-token", CONF, "t=shpca_%h32" },
	{ "shopify-private-app-token", CONF, "t=shppa_%h32" },
	{ "shopify-shared-secret", CONF, "t=shpss_%h32" },
	{ "shippo-api-token", CONF, "t=shippo_live_%h40" },
	{ "easypost-api-key", CONF, "t=EZAK%a54" },
	{ "flutterwave-secret-key", CONF, "t=FLWSECK_TEST-%g32-X" },
	{ "npm-access-token", CONF, "NPM_TOKEN=npm_%a36" },
	{ "npmrc-auth", "/root/.npmrc", "//registry.npmjs.org/:_authToken=%h8-%h4-%h4-%h4-%h12" },
	{ "pypi-upload-token", CONF, "password = pypi-AgEIcHlwaS5vcmc%w70" },
	{ "rubygems-api-token", CONF, ":rubygems_api_key: rubygems_%h48" },
	{ "nuget-api-key", CONF, "k=oy2%L43" },
	{ "clojars-api-token", CONF, "k=CLOJARS_%L60" },
	{ "dockerhub-pat", CONF, "DOCKER_PAT=dckr_pat_%w27" },
	{ "docker-config-auth", "/root/.docker/config.json",
	  "{\"auths\": {\"registry.acme.io\": {\"auth\": \"@USERPASS@\"}}}" },
	{ "docker-config-identitytoken", "/root/.docker/config.json",
	  "{\"auths\": {\"acr.io\": {\"identitytoken\": \"%w40\"}}}" },
	{ "artifactory-api-key", CONF, "k=AKCp%a69" },
	{ "heroku-api-key", CONF, "HEROKU_API_KEY=%h8-%h4-%h4-%h4-%h12" },
	{ "heroku-api-key-v2", CONF, "k=HRKU-AA%w58" },
	{ "digitalocean-pat", CONF, "k=dop_v1_%h64" },
	{ "digitalocean-oauth-token", CONF, "k=doo_v1_%h64" },
	{ "digitalocean-refresh-token", CONF, "k=dor_v1_%h64" },
	{ "openai-api-key", CONF, "OPENAI_API_KEY=sk-proj-%w40T3BlbkFJ%w40" },
	{ "anthropic-api-key", CONF, "ANTHROPIC_API_KEY=sk-ant-api03-%w93AA" },
	{ "huggingface-token", CONF, "HF=hf_%A34" },
	{ "vault-service-token", CONF, "VAULT=hvs.%w95" },
	{ "vault-batch-token", CONF, "VAULT=hvb.%w140" },
	{ "vault-legacy-token", CONF, "VAULT_TOKEN=s.%a24" },
	{ "terraform-cloud-token", CONF, "token = \"%a14.atlasv1.%w65\"" },
	{ "databricks-token", CONF, "DATABRICKS=dapi%h32" },
	{ "linear-api-key", CONF, "k=lin_api_%a40" },
	{ "newrelic-user-api-key", CONF, "k=NRAK-%U27" },
	{ "newrelic-insert-key", CONF, "k=NRII-%w32" },
	{ "sentry-token", CONF, "k=sntryu_%h64" },
	{ "grafana-cloud-token", CONF, "k=glc_%b40" },
	{ "grafana-service-account-token", CONF, "k=glsa_%a32_%h8" },
	{ "postman-api-token", CONF, "k=PMAK-%h24-%h34" },
	{ "pulumi-access-token", CONF, "k=pul-%h40" },
	{ "doppler-token", CONF, "k=dp.pt.%L43" },
	{ "dynatrace-token", CONF, "k=dt0c01.%U24.%U64" },
	{ "planetscale-token", CONF, "k=pscale_tkn_%w40" },
	{ "prefect-api-token", CONF, "k=pnu_%a36" },
	{ "readme-api-token", CONF, "k=rdme_%L70" },
	{ "contentful-token", CONF, "k=CFPAT-%w43" },
	{ "adafruit-io-key", CONF, "k=aio_%a28" },
	{ "age-secret-key", CONF, "AGE-SECRET-KEY-1%B58" },
	{ "facebook-access-token", CONF, "fb=EAAM%a110" },
	{ "mapbox-secret-token", CONF, "MAPBOX=sk.eyJ1Ijoi%w30.%w22" },
	{ "okta-api-token", CONF, "OKTA_API_TOKEN=00%w40" },
	{ "cloudflare-api-token", CONF, "CLOUDFLARE_API_TOKEN=%w40" },
	{ "kubernetes-client-key", "/root/.kube/config", "    client-key-data: @PEMB64@" },
	{ "private-key-base64", CONF, "key: @PEMB64@" },
	{ "jwt", "/app/main.js", "const t = '@JWT@';" },
	{ "url-credentials", CONF, "DATABASE_URL=postgres://app:%a15%d1@db.internal:5432/app" },
	{ "url-credentials", "/app/requirements.txt",
	  "--extra-index-url https://deploy:%a20@pypi.acme.io/simple" },
	{ "http-basic-auth", CONF, "Authorization: Basic @BASIC@" },
	{ "http-bearer-token", CONF, "Authorization: Bearer %w40" },
	{ "generic-password", CONF, "db_password = %a10%d1%a4" },
	{ "generic-password", "/app/config.yaml", "  password: \"%a10%d1%a4\"" },
	{ "generic-password", "/app/.env", "MYSQL_ROOT_PASSWORD=%a10%d1%a4" },
	{ "generic-password", "/etc/app/db.json", "{\"password\": \"%a10%d1%a4\"}" },
	{ "generic-password-xml", "/opt/app/settings.xml", "<password>%a12%d1</password>" },
	{ "generic-secret", CONF, "client_secret: %a32%d1" },
	{ "private-key-putty", "/home/u/key.ppk", "PuTTY-User-Key-File-3: ssh-ed25519" },
	/* private keys: bodies made at run time */
	{ "private-key-rsa", "/root/.ssh/id_rsa", "@PEM:RSA PRIVATE KEY@" },
	{ "private-key-ec", "/etc/ssl/private/ec.key", "@PEM:EC PRIVATE KEY@" },
	{ "private-key-dsa", "/etc/ssl/private/dsa.key", "@PEM:DSA PRIVATE KEY@" },
	{ "private-key-pkcs8", "/app/tls.key", "@PEM:PRIVATE KEY@" },
	{ "private-key-encrypted", "/app/tls.key", "@PEM:ENCRYPTED PRIVATE KEY@" },
	{ "private-key-encrypted", "/app/legacy.pem", "@PEMENC@" },
	{ "private-key-openssh", "/root/.ssh/id_ed25519", "@SSH:none@" },
	{ "private-key-encrypted", "/root/.ssh/id_ed25519", "@SSH:aes256-ctr@" },
	{ "private-key-pgp", "/root/secret.asc", "@PGP@" },
	{ "private-key-pkcs8", "/app/sa.json", "@GCPSA@" },
	{ "private-key-rsa", "/app/key.go", "@PEMGO@" },
};

/* Fill the @...@ placeholders of a template (after expand()). */
static void build(const char *tpl, char *out, size_t cap)
{
	char body[4096], a[4096], b[1024], pem[4096];
	expand(tpl, out, cap);
	/* a PEM body: 64-character base64 lines from random bytes */
	if (strstr(out, "@PEM") || strstr(out, "@PGP@") || strstr(out, "@GCPSA@")) {
		unsigned char raw[600];
		char enc[1024];
		size_t o = 0, n;
		raw[0] = 0x30;
		raw[1] = 0x82;
		for (size_t i = 2; i < sizeof(raw); i++)
			raw[i] = (unsigned char)rnd(256);
		n = b64(raw, sizeof(raw), enc, false);
		for (size_t i = 0; i < n; i += 64) {
			size_t k = n - i < 64 ? n - i : 64;
			memcpy(body + o, enc + i, k);
			o += k;
			body[o++] = '\n';
		}
		body[o] = '\0';
		nparts = 0;
		for (size_t i = 0; i + 64 <= n && nparts < 4; i += 64) {
			memcpy(parts[nparts], enc + i, 64);
			parts[nparts++][64] = '\0';
		}
	}
	if (strncmp(out, "@PEM:", 5) == 0) {
		char label[64];
		int ll = (int)(strchr(out + 5, '@') - out - 5);
		snprintf(label, sizeof(label), "%.*s", ll, out + 5);
		snprintf(out, cap, "-----BEGIN %s-----\n%s-----END %s-----\n", label, body, label);
	} else if (strcmp(out, "@PEMENC@") == 0) {
		snprintf(out, cap,
			 "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
			 "DEK-Info: AES-128-CBC,%s\n\n%s-----END RSA PRIVATE KEY-----\n",
			 "0123456789ABCDEF0123456789ABCDEF", body);
	} else if (strncmp(out, "@SSH:", 5) == 0) {
		unsigned char raw[400];
		char enc[800];
		const char *cipher = strcmp(out, "@SSH:none@") == 0 ? "none" : "aes256-ctr";
		size_t cl = strlen(cipher), n = 0, o = 0, k;
		memcpy(raw, "openssh-key-v1", 15);
		n = 15;
		raw[n++] = 0;
		raw[n++] = 0;
		raw[n++] = 0;
		raw[n++] = (unsigned char)cl;
		memcpy(raw + n, cipher, cl);
		n += cl;
		while (n < sizeof(raw))
			raw[n++] = (unsigned char)rnd(256);
		k = b64(raw, n, enc, false);
		o = (size_t)snprintf(out, cap, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
		for (size_t i = 0; i < k && o + 80 < cap; i += 70) {
			size_t m = k - i < 70 ? k - i : 70;
			memcpy(out + o, enc + i, m);
			o += m;
			out[o++] = '\n';
		}
		snprintf(out + o, cap - o, "-----END OPENSSH PRIVATE KEY-----\n");
		nparts = 1;
		memcpy(parts[0], enc + 70, 70);
		parts[0][70] = '\0';
	} else if (strcmp(out, "@PGP@") == 0) {
		snprintf(out, cap,
			 "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n%s"
			 "-----END PGP PRIVATE KEY BLOCK-----\n", body);
	} else if (strcmp(out, "@GCPSA@") == 0) {
		/* the key as one JSON string with \n escapes */
		size_t o = 0;
		char esc[4096];
		for (const char *s = body; *s && o + 3 < sizeof(esc); s++) {
			if (*s == '\n') {
				esc[o++] = '\\';
				esc[o++] = 'n';
			} else {
				esc[o++] = *s;
			}
		}
		esc[o] = '\0';
		snprintf(out, cap,
			 "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme\",\n"
			 "  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n%s-----END PRIVATE KEY"
			 "-----\\n\",\n"
			 "  \"client_email\": \"sa@acme.iam.gserviceaccount.com\"\n}\n",
			 esc);
	} else if (strcmp(out, "@PEMGO@") == 0) {
		/* a key in a Go raw string */
		snprintf(out, cap, "var key = `-----BEGIN RSA PRIVATE KEY-----\n%s"
			 "-----END RSA PRIVATE KEY-----`\n", body);
	}
	if (strstr(out, "@PEMB64@")) {
		char *at = strstr(out, "@PEMB64@");
		char rest[256];
		snprintf(pem, sizeof(pem),
			 "-----BEGIN RSA PRIVATE KEY-----\n%.3000s-----END RSA PRIVATE KEY-----\n",
			 body);
		b64s(pem, a, false);
		snprintf(rest, sizeof(rest), "%s", at + 8);
		snprintf(at, cap - (size_t)(at - out), "%.2000s%s", a, rest);
		nparts = 1;
		memcpy(parts[0], a + 60, 60);
		parts[0][60] = '\0';
	}
	if (strstr(out, "@USERPASS@") || strstr(out, "@BASIC@")) {
		char *at = strstr(out, "@USERPASS@");
		if (!at)
			at = strstr(out, "@BASIC@");
		size_t ml = strstr(out, "@USERPASS@") ? 10 : 7;
		char rest[256], up[128];
		expand("deploy:%a20", up, sizeof(up));
		b64s(up, a, false);
		snprintf(rest, sizeof(rest), "%s", at + ml);
		snprintf(at, cap - (size_t)(at - out), "%s%s", a, rest);
		nparts = 1;
		snprintf(parts[0], sizeof(parts[0]), "%.24s", a + 8);
	}
	if (strstr(out, "@JWT@")) {
		char *at = strstr(out, "@JWT@");
		char rest[256], payload[128], sig[128], tok[1024];
		expand("{\"sub\":\"%a12\",\"iat\":1700000000}", payload, sizeof(payload));
		b64s("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", a, true);
		b64s(payload, b, true);
		expand("%w43", sig, sizeof(sig));
		snprintf(tok, sizeof(tok), "%.300s.%.300s.%.300s", a, b, sig);
		snprintf(rest, sizeof(rest), "%s", at + 5);
		snprintf(at, cap - (size_t)(at - out), "%s%s", tok, rest);
		nparts = 1;
		snprintf(parts[0], sizeof(parts[0]), "%s", sig);
	}
}

static void t_true_positives(struct cgt *t)
{
	char text[8192];
	struct coll c;
	for (size_t i = 0; i < CG_ARRAY_LEN(tps); i++) {
		const struct found *f;
		build(tps[i].tpl, text, sizeof(text));
		CHECK_INT(t, scan_str(tps[i].path, text, &c), CG_OK);
		f = has_rule(&c, tps[i].rule);
		CHECKF(t, f != NULL, "%s: no finding in %s (%zu others, first %s): %.120s",
		       tps[i].rule, tps[i].path, c.n, c.n ? c.f[0].rule : "-", text);
		CHECKF(t, !leaks(&c), "%s: a finding shows the secret", tps[i].rule);
		if (!f)
			continue;
		CHECKF(t, f->kind == CG_CONTENT_SECRET && f->level >= CG_THREAT_LOW &&
				  f->level <= CG_THREAT_CRITICAL && f->line >= 1 && f->match[0] &&
				  strcmp(f->path, tps[i].path) == 0 && f->type[0] && f->title[0],
		       "%s: bad finding fields", tps[i].rule);
		CHECKF(t, strchr(f->match, '*') != NULL, "%s: match not masked: %s", tps[i].rule,
		       f->match);
	}
}

/* Every reporting rule of the table has a true positive above. */
static void t_every_rule_tested(struct cgt *t)
{
	static const struct {
		const char *id, *flags;
	} all[] = {
#define SECRET_RULE(id_, type_, level_, title_, kw_, pat_, ent_, flags_, fact_, check_) \
	{ id_, #flags_ },
#define FILE_RULE(...)
#include "scan/secret_rules.def"
	};
	size_t n = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(all); i++) {
		bool found = false;
		if (strstr(all[i].flags, "F_FACT"))
			continue;
		n++;
		for (size_t j = 0; j < CG_ARRAY_LEN(tps) && !found; j++)
			found = strcmp(tps[j].rule, all[i].id) == 0;
		CHECKF(t, found, "rule %s has no true positive", all[i].id);
	}
	CHECKF(t, n >= 80, "only %zu content rules", n);
	CHECKF(t, cg_secret_rule_count() >= 80, "rule count %zu", cg_secret_rule_count());
}

/* ---- True negatives ---- */

static void t_true_negatives(struct cgt *t)
{
	static const struct {
		const char *path, *tpl;
	} tns[] = {
		/* AWS documentation examples */
		{ CONF, "aws_access_key_id = AKIAIOSFODNN7EXAMPLE" },
		{ CONF, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
		/* placeholders */
		{ CONF, "password=changeme" },
		{ CONF, "password=${DB_PASSWORD}" },
		{ CONF, "password = <your password>" },
		{ CONF, "password: your_password_here" },
		{ CONF, "password = \"xxxxxxxx\"" },
		{ CONF, "password: example123" },
		{ CONF, "password=dummy" },
		{ CONF, "\"password\": \"test1234\"" },
		{ CONF, "password: {{ .Values.db.password }}" },
		{ CONF, "password = %(db_password)s" },
		{ CONF, "password: !vault |" },
		{ CONF, "password=" },
		{ CONF, "# password=Sup3rS3cretValue" },
		{ CONF, "password_file = /run/secrets/db" },
		{ CONF, "password = os.environ" },
		{ CONF, "password: self.password" },
		{ CONF, "api_key: aaaaaaaaaaaaaaaaaaaaaaaa" },
		{ CONF, "secret: my-kubernetes-secret-name" },
		{ CONF, "DATABASE_URL=postgres://user:password@localhost/db" },
		{ CONF, "DATABASE_URL=postgres://app:${DB_PASS}@db/app" },
		{ CONF, "url = http://admin:admin@example.com/" },
		{ CONF, "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
		{ CONF, "token = ghp_000000000000000000000000000000000000" },
		{ "/app/a.js", "token: eyJ%w30.eyJ%w30.%w30" }, /* header is not JSON with alg */
		{ CONF, "sk_test_%a24" },                /* Stripe test mode key: not reported */
		/* code that names key blocks without holding one */
		{ "/app/pem.py", "if line == '-----BEGIN RSA PRIVATE KEY-----':\n    start()\n" },
		{ "/app/pem.py", "HEADER = \"-----BEGIN PRIVATE KEY-----\\n\" + body\n" },
		{ "/app/cert.pem",
		  "-----BEGIN CERTIFICATE-----\nMIIB%b60\n-----END CERTIFICATE-----\n" },
		/* generic rules only in configuration files */
		{ "/app/main.py", "db_password = \"%a10%d1%a4\"" },
		{ "/app/index.js", "client_secret: '%a32%d1'," },
		/* documentation and tests */
		{ "/usr/share/doc/app/README", "t=ghp_%a36" },
		{ "/app/node_modules/x/test/fixtures.js", "t=ghp_%a36" },
		{ "/app/tests/conf.ini", "password = %a10%d1%a4" },
		{ "/app/docs/setup.md", "t=ghp_%a36" },
		{ "/app/config.example.yml", "password: %a10%d1%a4" },
		/* a word boundary is needed */
		{ CONF, "xghp_%a36" },
		{ CONF, "AKIA%u16ABC" },
	};
	char text[4096];
	struct coll c;
	for (size_t i = 0; i < CG_ARRAY_LEN(tns); i++) {
		build(tns[i].tpl, text, sizeof(text));
		CHECK_INT(t, scan_str(tns[i].path, text, &c), CG_OK);
		CHECKF(t, c.n == 0, "case %zu (%s: %s): %zu findings, first %s %s", i, tns[i].path,
		       tns[i].tpl, c.n, c.n ? c.f[0].rule : "", c.n ? c.f[0].match : "");
	}
}

/* A specific rule wins over a generic one on the same text. */
static void t_specific_wins(struct cgt *t)
{
	char text[512];
	struct coll c;
	build("github_password = ghp_%a36", text, sizeof(text));
	CHECK_INT(t, scan_str(CONF, text, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
	CHECK(t, has_rule(&c, "github-pat") != NULL);
}

/* ---- Chunk boundaries and long lines ---- */

static void t_chunks(struct cgt *t)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 7, 13, 64, 100, 4096 };
	char text[16384], line[2048];
	struct coll whole, part;
	size_t o = 0;
	const char *const tpls[] = {
		"# config\n",
		"aws_access_key_id = AKIA%u16\n",
		"aws_secret_access_key = %b40\r\n",
		"token: ghp_%a36\n",
		"@PEM:RSA PRIVATE KEY@",
		"db_password = %a10%d1%a4\n",
		"url: https://hooks.slack.com/services/T%U8/B%U8/%a24\n",
		"last line without newline: sk_live_%a24",
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(tpls); i++) {
		build(tpls[i], line, sizeof(line));
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s", line);
	}
	CHECK_INT(t, scan_file(CONF, text, o, 0, &whole), CG_OK);
	CHECK_INT(t, whole.n, 7);
	for (size_t s = 0; s < CG_ARRAY_LEN(sizes); s++) {
		CHECK_INT(t, scan_file(CONF, text, o, sizes[s], &part), CG_OK);
		CHECKF(t, part.n == whole.n, "chunk %zu: %zu findings, expected %zu", sizes[s],
		       part.n, whole.n);
		for (size_t i = 0; i < part.n && i < whole.n; i++)
			CHECKF(t, strcmp(part.f[i].rule, whole.f[i].rule) == 0 &&
					  strcmp(part.f[i].match, whole.f[i].match) == 0 &&
					  part.f[i].line == whole.f[i].line,
			       "chunk %zu: finding %zu differs", sizes[s], i);
	}
	/* line numbers */
	{
		const struct found *a = has_rule(&whole, "aws-access-key-id");
		const struct found *k = has_rule(&whole, "private-key-rsa");
		CHECK(t, a && a->line == 2);
		CHECK(t, k && k->line == 5);
	}
	CHECK(t, has_rule(&whole, "stripe-secret-key") != NULL);
}

static void t_long_lines(struct cgt *t)
{
	/* minified code: one line of 200 KiB with tokens at window edges */
	size_t n = 200 * 1024, at[] = { 10, 16384 - 20, 16384 - 1024 + 5, 16384 * 3 - 1030,
					  100000, 200 * 1024 - 45 };
	char *text = malloc(n + 1), tok[64];
	struct coll whole, part;
	for (size_t i = 0; i < n; i++)
		text[i] = "abcdefghij ;,(){}=+"[rnd(19)];
	for (size_t i = 0; i < CG_ARRAY_LEN(at); i++) {
		expand("\"ghp_%a36\"", tok, sizeof(tok));
		memcpy(text + at[i], tok, strlen(tok));
	}
	text[n] = '\0';
	CHECK_INT(t, scan_file("/app/bundle.min.js", text, n, 0, &whole), CG_OK);
	CHECK_INT(t, whole.n, CG_ARRAY_LEN(at));
	CHECK_INT(t, scan_file("/app/bundle.min.js", text, n, 777, &part), CG_OK);
	CHECK_INT(t, part.n, whole.n);
	CHECK_INT(t, scan_file("/app/bundle.min.js", text, n, 1, &part), CG_OK);
	CHECK_INT(t, part.n, whole.n);
	for (size_t i = 0; i < whole.n; i++)
		CHECK_INT(t, whole.f[i].line, 1);
	free(text);
}

/* ---- Masking ---- */

static void t_mask(struct cgt *t)
{
	char out[CG_SECRET_MASK_MAX];
	cg_secret_mask("AKIAIOSFODNN7EXAMPLE", 20, out, sizeof(out));
	CHECK_STR(t, out, "AKIA************MPLE");
	cg_secret_mask("hunter22", 8, out, sizeof(out));
	CHECK_STR(t, out, "********");
	cg_secret_mask("abcdefghijkl", 12, out, sizeof(out));
	CHECK_STR(t, out, "ab**********");
	cg_secret_mask("", 0, out, sizeof(out));
	CHECK_STR(t, out, "");
	cg_secret_mask("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", 52, out, 10);
	CHECK_INT(t, strlen(out), 9);
	CHECK(t, cg_secret_entropy("aaaa", 4) == 0);
	CHECK(t, cg_secret_entropy("abcd", 4) > 1.99 && cg_secret_entropy("abcd", 4) < 2.01);
}

/* A token used as the user name of a URL is masked too. */
static void t_mask_context(struct cgt *t)
{
	char text[512];
	struct coll c;
	build("remote = https://ghp_%a36:x-oauth-basic@github.com/acme/app.git", text,
	      sizeof(text));
	CHECK_INT(t, scan_str("/app/.git/config", text, &c), CG_OK);
	CHECK(t, has_rule(&c, "github-pat") != NULL);
	CHECK(t, !leaks(&c));
}

/* ---- Sensitive files ---- */

static void t_files(struct cgt *t)
{
	static const struct {
		const char *path, *tpl, *rule; /* rule NULL: no FILE finding */
		int level;
	} cases[] = {
		{ "/root/.ssh/id_rsa", "@PEM:RSA PRIVATE KEY@", "private-key-file",
		  CG_THREAT_CRITICAL },
		{ "/home/app/.ssh/id_ed25519", "@SSH:aes256-ctr@", "private-key-file-encrypted",
		  CG_THREAT_MEDIUM },
		{ "/etc/ssl/private/server.key", "@PEM:PRIVATE KEY@", "private-key-file",
		  CG_THREAT_CRITICAL },
		{ "/etc/ssl/certs/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB%b60\n", NULL, 0 },
		{ "/etc/ssh/ssh_host_ed25519_key", "@SSH:none@", "ssh-host-key", CG_THREAT_HIGH },
		{ "/root/.aws/credentials",
		  "[default]\naws_access_key_id = AKIA%u16\naws_secret_access_key = %b40\n",
		  "aws-credentials-file", CG_THREAT_CRITICAL },
		{ "/root/.aws/credentials", "[default]\nregion = eu-west-1\n", NULL, 0 },
		{ "/root/.docker/config.json",
		  "{\"auths\": {\"registry.acme.io\": {\"auth\": \"@USERPASS@\"}}}",
		  "docker-config-credentials", CG_THREAT_HIGH },
		{ "/root/.docker/config.json", "{\"auths\": {}, \"credsStore\": \"desktop\"}", NULL,
		  0 },
		{ "/root/.git-credentials", "https://deploy:%a20@github.com\n", "git-credentials",
		  CG_THREAT_HIGH },
		{ "/root/.pgpass", "db.internal:5432:app:app:%a16\n", "pgpass", CG_THREAT_HIGH },
		{ "/root/.netrc", "machine api.acme.io login deploy password %a16\n", "netrc",
		  CG_THREAT_HIGH },
		{ "/root/.kube/config",
		  "apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-key-data: @PEMB64@\n",
		  "kubeconfig", CG_THREAT_HIGH },
		{ "/root/.kube/config",
		  "apiVersion: v1\nusers:\n- name: a\n  user:\n    token: %w40\n",
		  "kubeconfig", CG_THREAT_HIGH },
		{ "/app/.env", "DB_PASSWORD=%a10%d1%a4\nDEBUG=1\n", "dotenv", CG_THREAT_MEDIUM },
		{ "/app/.env", "DEBUG=1\nPORT=8080\n", NULL, 0 },
		{ "/infra/prod.tfstate", "{\"version\": 4, \"resources\": []}\n", "terraform-state",
		  CG_THREAT_HIGH },
		{ "/root/.npmrc", "//registry.npmjs.org/:_authToken=%h8-%h4-%h4-%h4-%h12\n",
		  "npmrc-credentials", CG_THREAT_HIGH },
		{ "/root/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", NULL, 0 },
		{ "/root/.pypirc",
		  "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc%w70\n",
		  "pypirc-credentials", CG_THREAT_HIGH },
		{ "/app/sa.json", "@GCPSA@", "gcp-service-account-file", CG_THREAT_CRITICAL },
		{ "/etc/nginx/.htpasswd", "admin:$apr1$%a8$%a22\n", "htpasswd", CG_THREAT_MEDIUM },
		{ "/root/.vault-token", "hvs.%w95\n", "vault-token-file", CG_THREAT_HIGH },
	};
	char text[8192];
	struct coll c;
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		const struct found *f = NULL;
		size_t nfile = 0;
		build(cases[i].tpl, text, sizeof(text));
		CHECK_INT(t, scan_str(cases[i].path, text, &c), CG_OK);
		for (size_t k = 0; k < c.n; k++) {
			if (c.f[k].kind == CG_CONTENT_FILE) {
				f = &c.f[k];
				nfile++;
			}
		}
		CHECKF(t, !leaks(&c), "%s: a finding shows the secret", cases[i].path);
		if (!cases[i].rule) {
			CHECKF(t, nfile == 0, "%s: unexpected %s", cases[i].path, f ? f->rule : "");
			continue;
		}
		CHECKF(t, nfile == 1 && f && strcmp(f->rule, cases[i].rule) == 0 &&
				  f->level == cases[i].level && strcmp(f->path, cases[i].path) == 0,
		       "%s: expected %s, got %zu file findings (%s)", cases[i].path, cases[i].rule,
		       nfile, f ? f->rule : "-");
	}
}

static void t_want(struct cgt *t)
{
	const struct cg_content_scanner *s = &cg_scanner_secret;
	void *ctx = ctx_get();
#define W(p, size) s->want(ctx, p, strlen(p), 0100644, size)
	CHECK(t, W("/app/config.yaml", 100));
	CHECK(t, W("/usr/bin/script", 100));
	CHECK(t, !W("/app/config.yaml", 0));
	CHECK(t, !W("/app/big.json", (uint64_t)CG_SECRET_MAX_FILE_SIZE + 1));
	CHECK(t, !W("/usr/lib/x86_64-linux-gnu/libc.so.6", 100));
	CHECK(t, !W("/usr/share/icons/a.png", 100));
	CHECK(t, !W("/usr/share/doc/bash/README", 100));
	CHECK(t, !W("/app/node_modules/x/test/a.js", 100));
	CHECK(t, W("/app/keystore.jks", 100));  /* sensitive by name alone */
	CHECK(t, W("/app/cert.p12", 100));
	CHECK(t, W("/etc/shadow", 100));
	CHECK(t, W("/root/.ssh/id_rsa", 100));
#undef W
}

static void t_binary(struct cgt *t)
{
	char text[512];
	struct coll c;
	build("\x7f" "ELF\x02\x01\x01%a10", text, sizeof(text));
	{
		size_t n = strlen(text);
		char buf[1024];
		memcpy(buf, text, n);
		buf[n++] = '\0';
		build("ghp_%a36\n", text, sizeof(text));
		memcpy(buf + n, text, strlen(text));
		n += strlen(text);
		CHECK_INT(t, scan_file("/usr/bin/tool", buf, n, 0, &c), CG_OK);
		CHECK_INT(t, c.n, 0);
		/* a keystore by name is reported without reading it */
		CHECK_INT(t, scan_file("/app/keystore.jks", buf, n, 0, &c), CG_OK);
		CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "java-keystore") == 0);
	}
}

/* ---- /etc/shadow ---- */

static void t_shadow(struct cgt *t)
{
	char text[2048];
	struct coll c;
	build("root:$y$j9T$%b22$%b43:19700:0:99999:7:::\n"
	      "daemon:*:19700:0:99999:7:::\n"
	      "bin:!:19700:0:99999:7:::\n"
	      "app:!!:19700::::::\n"
	      "locked:!$6$%a16$%b86:19700:0:99999:7:::\n"
	      "empty::19700:0:99999:7:::\n"
	      "legacy:%a13:19700:0:99999:7:::\n"
	      "web:$6$%a16$%b86:19700:0:99999:7:::\n",
	      text, sizeof(text));
	CHECK_INT(t, scan_str("/etc/shadow", text, &c), CG_OK);
	CHECK_INT(t, c.n, 3);
	CHECK(t, !leaks(&c));
	if (c.n == 3) {
		CHECK_STR(t, c.f[0].rule, "shadow-password-hash");
		CHECK_INT(t, c.f[0].kind, CG_CONTENT_FILE);
		CHECK_INT(t, c.f[0].line, 1);
		CHECK_STR(t, c.f[0].match, "root:$y$****");
		CHECK(t, strstr(c.f[0].title, "root") != NULL);
		CHECK_INT(t, c.f[1].line, 7);
		CHECK_STR(t, c.f[2].match, "web:$6$****");
	}
	/* the same lines elsewhere are not shadow entries */
	CHECK_INT(t, scan_str("/app/data.txt", text, &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_str("/etc/shadow", "root:*:19700:0:99999:7:::\n", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	/* gshadow group passwords */
	build("adm:*::root\nstaff:$6$%a16$%b86::\n", text, sizeof(text));
	CHECK_INT(t, scan_str("/etc/gshadow", text, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
}

/* ---- ENV, labels, history ---- */

static void t_env(struct cgt *t)
{
	char v[512];
	struct coll c;
	expand("%a10%d1%a4", v, sizeof(v));
	CHECK_INT(t, scan_text("env:DB_PASSWORD", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "env-secret-name") == 0 &&
			 strcmp(c.f[0].where, "env:DB_PASSWORD") == 0 && c.f[0].path[0] == '\0' &&
			 c.f[0].line == 0 && c.f[0].kind == CG_CONTENT_SECRET);
	CHECK(t, !leaks(&c));
	CHECK_INT(t, scan_text("env:MYSQL_ROOT_PASSWORD", v, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
	CHECK_INT(t, scan_text("env:JWT_SECRET", v, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
	CHECK_INT(t, scan_text("env:STRIPE_API_KEY", v, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
	CHECK_INT(t, scan_text("env:RABBITMQ_DEFAULT_PASS", v, &c), CG_OK);
	CHECK_INT(t, c.n, 1);
	/* given as NAME=VALUE */
	{
		char nv[600];
		snprintf(nv, sizeof(nv), "AUTH_TOKEN=%s", v);
		CHECK_INT(t, scan_text("env:AUTH_TOKEN", nv, &c), CG_OK);
		CHECK_INT(t, c.n, 1);
	}
	/* names and values that are not secrets */
	CHECK_INT(t, scan_text("env:DB_PASSWORD_FILE", "/run/secrets/db", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:DB_PASSWORD", "changeme", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:DB_PASSWORD", "", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:DB_PASSWORD", "${DB_PASSWORD}", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:TOKENIZERS_PARALLELISM", "false", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D", &c),
		  CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:PWD", "/root", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:TOKEN_TTL", "3600", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("env:PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	/* a value a specific rule knows: that rule, not the name rule */
	expand("ghp_%a36", v, sizeof(v));
	CHECK_INT(t, scan_text("env:GITHUB_TOKEN", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "github-pat") == 0 &&
			 strcmp(c.f[0].where, "env:GITHUB_TOKEN") == 0);
	CHECK(t, !leaks(&c));
	/* any name, a value that is a credential */
	expand("postgres://app:%a16%d1@db:5432/app", v, sizeof(v));
	CHECK_INT(t, scan_text("env:DATABASE_URL", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "url-credentials") == 0);
}

static void t_labels_history(struct cgt *t)
{
	char v[512];
	struct coll c;
	CHECK_INT(t, scan_text("label:maintainer", "ops@acme.io", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	expand("org.acme.deploy-token=glpat-%w20", v, sizeof(v));
	CHECK_INT(t, scan_text("label:org.acme.deploy", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "gitlab-pat") == 0);
	/* build arguments and ENV steps in history */
	expand("|2 NPM_TOKEN=%a20%d1 BUILD=1 /bin/sh -c npm ci", v, sizeof(v));
	CHECK_INT(t, scan_text("history:3", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "history-secret-arg") == 0 &&
			 strcmp(c.f[0].where, "history:3") == 0);
	CHECK(t, !leaks(&c));
	expand("/bin/sh -c #(nop)  ENV ADMIN_PASSWORD=%a12%d1", v, sizeof(v));
	CHECK_INT(t, scan_text("history:4", v, &c), CG_OK);
	CHECKF(t, c.n == 1, "%zu findings: %s", c.n, v);
	CHECK_INT(t, scan_text("history:5", "/bin/sh -c apt-get update && apt-get install -y curl",
			       &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_text("history:6", "|1 GITHUB_TOKEN=$GITHUB_TOKEN /bin/sh -c make", &c),
		  CG_OK);
	CHECK_INT(t, c.n, 0);
	/* a token in a RUN line: its rule once, not the argument rule too */
	expand("|1 GH_TOKEN=ghp_%a36 /bin/sh -c git clone https://x", v, sizeof(v));
	CHECK_INT(t, scan_text("history:7", v, &c), CG_OK);
	CHECK(t, c.n == 1 && strcmp(c.f[0].rule, "github-pat") == 0);
	/* multi-line text: line numbers within the text */
	expand("RUN a\nRUN b ghp_%a36\n", v, sizeof(v));
	CHECK_INT(t, scan_text("history:8", v, &c), CG_OK);
	CHECK(t, c.n == 1 && c.f[0].line == 2);
}

/* ---- Limits and bad input ---- */

static void t_limits(struct cgt *t)
{
	size_t cap = 100 * 64;
	char *text = malloc(cap), line[128];
	size_t o = 0;
	struct coll c;
	for (int i = 0; i < 100; i++) {
		expand("ghp_%a36", line, sizeof(line));
		o += (size_t)snprintf(text + o, cap - o, "t%d = %s\n", i, line);
	}
	CHECK_INT(t, scan_file(CONF, text, o, 0, &c), CG_OK);
	CHECK_INT(t, c.n, CG_SECRET_MAX_FINDINGS);
	CHECK(t, c.warns == 1 && strstr(c.warn_msg, "limit") != NULL);
	free(text);
}

static void t_bad_input(struct cgt *t)
{
	struct cg_content_sink sink = { coll_add, coll_warn, NULL };
	struct coll c;
	struct cg_error err;
	const struct cg_content_scanner *s = &cg_scanner_secret;
	void *st = malloc(s->state_size);
	sink.ud = &c;
	memset(&c, 0, sizeof(c));
	CHECK_INT(t, cg_secret_scan_text(NULL, "env:X", "a", 1, &sink, &err), CG_ERR_ARG);
	CHECK_INT(t, cg_secret_scan_text(ctx_get(), NULL, "a", 1, &sink, &err), CG_ERR_ARG);
	CHECK_INT(t, cg_secret_scan_text(ctx_get(), "env:X", NULL, 1, &sink, &err), CG_ERR_ARG);
	CHECK_INT(t, cg_secret_scan_text(ctx_get(), "env:X", NULL, 0, &sink, &err), CG_OK);
	/* an empty file, a file of newlines, a header with nothing after it */
	CHECK_INT(t, scan_str(CONF, "", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_str(CONF, "\n\n\n\r\n", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	CHECK_INT(t, scan_str("/a/id_rsa", "-----BEGIN RSA PRIVATE KEY-----", &c), CG_OK);
	CHECK_INT(t, c.n, 0);
	/* no feed at all */
	s->begin(ctx_get(), st);
	CHECK_INT(t, s->finish(st, "/etc/shadow", 0, &sink, &err), CG_OK);
	s->release(st);
	free(st);
}

/* Threads share one context: open() compiled everything, states are private. */
static void t_two_contexts(struct cgt *t)
{
	void *a = NULL, *b = NULL;
	struct cg_content_opts o = { 0 };
	struct cg_error err;
	o.max_file_size = 64;
	CHECK_INT(t, cg_scanner_secret.open(&o, &a, &err), CG_OK);
	CHECK_INT(t, cg_scanner_secret.open(NULL, &b, &err), CG_OK);
	CHECK(t, !cg_scanner_secret.want(a, "/a.conf", 7, 0100644, 65));
	CHECK(t, cg_scanner_secret.want(b, "/a.conf", 7, 0100644, 65));
	cg_scanner_secret.close(a);
	cg_scanner_secret.close(b);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_true_positives),
	CGT_CASE(t_every_rule_tested),
	CGT_CASE(t_true_negatives),
	CGT_CASE(t_specific_wins),
	CGT_CASE(t_chunks),
	CGT_CASE(t_long_lines),
	CGT_CASE(t_mask),
	CGT_CASE(t_mask_context),
	CGT_CASE(t_files),
	CGT_CASE(t_want),
	CGT_CASE(t_binary),
	CGT_CASE(t_shadow),
	CGT_CASE(t_env),
	CGT_CASE(t_labels_history),
	CGT_CASE(t_limits),
	CGT_CASE(t_bad_input),
	CGT_CASE(t_two_contexts),
};

CGT_MAIN(cases)
