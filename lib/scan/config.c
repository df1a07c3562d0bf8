/* Checks over an image's config (IMG-06 in part, IMG-10): the build history's
 * risky steps, and what the config itself says (user, health check, exposed
 * ports, ENV and labels handed to the secret scanner).
 *
 * History lines are what `docker history --no-trunc` shows: classic builder
 * lines "/bin/sh -c #(nop)  ENV A=b" (metadata) and "/bin/sh -c apt-get ..."
 * (RUN, build arguments before it as "|2 A=1 B=2 /bin/sh -c ..."), BuildKit
 * lines "RUN /bin/sh -c ... # buildkit", "ADD https://... /x # buildkit",
 * "ENV A=b". Each RUN is split into commands (at &&, ||, ;, newlines) and
 * pipeline stages (at |) and words (blanks; quotes removed): the rules look at
 * words, not substrings, so `curl` in a path or a comment does not fire.
 * This is a reading of shell text, not a shell: `eval`, variables and
 * functions are not expanded, and a rule may miss what they hide. */
#include "util/internal.h"
#include "scan/config.h"
#include <strings.h>

#define LINE_MAX_ 65536  /* a history line read (longer: cut, warned) */
#define WORDS_MAX 4096   /* words of one line */
#define WORD_MAX 1024
#define HISTORY_MAX 4096 /* history entries */

/* ---- words ------------------------------------------------------------------ */

enum sep { SEP_WORD, SEP_CMD, SEP_PIPE };

struct word {
	char *s;
	enum sep before; /* what separates it from the previous word */
};

struct words {
	struct word v[WORDS_MAX];
	size_t n;
	char buf[LINE_MAX_ + WORDS_MAX];
};

/* Split a shell line into words; quotes are removed, a backslash-newline is a
 * blank; `&&`, `||`, `;`, `&` and newlines end a command, `|` a stage. */
static void split(const char *s, size_t len, struct words *w)
{
	size_t o = 0, i = 0;
	enum sep pending = SEP_CMD;
	char q = 0;

	w->n = 0;
	while (i < len && w->n < WORDS_MAX) {
		char c = s[i];
		size_t start;
		if (!q && (c == ' ' || c == '\t' || c == '\r' || (c == '\\' && i + 1 < len &&
								   s[i + 1] == '\n'))) {
			i += c == '\\' ? 2 : 1;
			continue;
		}
		if (!q && (c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' ||
			   c == '`')) {
			bool pipe = c == '|' && !(i + 1 < len && s[i + 1] == '|');
			if (pending != SEP_CMD)
				pending = pipe ? SEP_PIPE : SEP_CMD;
			if ((c == '&' || c == '|') && i + 1 < len && s[i + 1] == c)
				i++;
			i++;
			continue;
		}
		start = o;
		while (i < len) {
			c = s[i];
			if (q) {
				if (c == q)
					q = 0;
				else if (o < sizeof(w->buf) - 1)
					w->buf[o++] = c;
				i++;
				continue;
			}
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' ||
			    c == '|' || c == '(' || c == ')' || c == '`')
				break;
			if (c == '"' || c == '\'')
				q = c;
			else if (c == '$' && i + 1 < len && s[i + 1] == '(')
				break; /* $( starts a sub-command */
			else if (o < sizeof(w->buf) - 1 && (o - start) < WORD_MAX)
				w->buf[o++] = c;
			i++;
		}
		if (i < len && s[i] == '$')
			i++;
		if (o == start && !(i < len))
			break;
		if (o == start)
			continue;
		w->buf[o++] = '\0';
		w->v[w->n].s = w->buf + start;
		w->v[w->n].before = pending;
		w->n++;
		pending = SEP_WORD;
	}
}

/* The command's name, skipping `sudo`, `env A=b`, `exec`, `time`, paths. */
static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

static bool is(const char *w, const char *name)
{
	return !strcmp(base_name(w), name);
}

static bool is_shell(const char *w)
{
	static const char *const sh[] = { "sh", "bash", "zsh", "ash", "dash", "ksh", "python",
					  "python3", "perl", "ruby", "node", "php" };
	for (size_t i = 0; i < CG_ARRAY_LEN(sh); i++)
		if (is(w, sh[i]))
			return true;
	return false;
}

static bool is_fetch(const char *w)
{
	return is(w, "curl") || is(w, "wget") || is(w, "fetch");
}

/* ---- rules ------------------------------------------------------------------ */

struct ctx {
	const struct cg_config_check_opts *opts;
	const struct cg_content_sink *sink;
	struct cg_error *err;
	char where[64];
	cg_err_t rc;
};

struct rule {
	const char *id, *title, *advice;
	enum cg_threat_level level;
	enum cg_content_kind kind; /* HISTORY or BASELINE */
};

static const struct rule R_CURL_SH = {
	"history-curl-pipe-shell", "a download is piped into a shell",
	"download to a file, verify its checksum or signature, then run it",
	CG_THREAT_HIGH, CG_CONTENT_HISTORY };
static const struct rule R_ADD_URL = {
	"history-add-url", "ADD fetches a URL at build time",
	"download with a verified checksum (ADD --checksum=sha256:..., or curl + sha256sum -c) or "
	"COPY a vetted file", CG_THREAT_MEDIUM, CG_CONTENT_HISTORY };
static const struct rule R_ADD_ARCHIVE = {
	"history-add-archive", "ADD unpacks an archive",
	"use COPY and unpack explicitly, so what enters the image is visible", CG_THREAT_LOW, CG_CONTENT_HISTORY };
static const struct rule R_CHMOD_777 = {
	"history-chmod-777", "files are made writable by everyone (chmod 777 / o+w)",
	"give the least permissions needed (e.g. 755 for programs, 644 for files)",
	CG_THREAT_MEDIUM, CG_CONTENT_HISTORY };
static const struct rule R_UPGRADE = {
	"history-package-upgrade", "a blanket package upgrade in the build",
	"pin package versions or rebuild from an updated base image (CIS Docker 4.7)",
	CG_THREAT_LOW, CG_CONTENT_HISTORY };
static const struct rule R_RECOMMENDS = {
	"history-apt-recommends", "apt-get install without --no-install-recommends",
	"add --no-install-recommends: fewer packages, fewer vulnerabilities", CG_THREAT_LOW, CG_CONTENT_HISTORY };
static const struct rule R_SUDO = {
	"history-sudo", "sudo in a build step",
	"build steps run as root already; do not install or use sudo in images (CIS Docker 4.x)",
	CG_THREAT_MEDIUM, CG_CONTENT_HISTORY };
static const struct rule R_TLS = {
	"history-tls-verification-off", "TLS certificate verification is turned off",
	"keep verification on; add the needed CA to the trust store instead", CG_THREAT_HIGH, CG_CONTENT_HISTORY };
static const struct rule R_SECRET_ARG = {
	"history-secret-build-arg", "a secret-looking build argument or variable is recorded",
	"pass secrets with BuildKit secret mounts (RUN --mount=type=secret), never ARG/ENV",
	CG_THREAT_HIGH, CG_CONTENT_HISTORY };
static const struct rule R_UNPINNED = {
	"history-unpinned-base", "the base image is not pinned by digest",
	"FROM image@sha256:... (or a fixed tag your process updates)", CG_THREAT_LOW, CG_CONTENT_HISTORY };

static void report(struct ctx *c, const struct rule *r, const char *detail)
{
	struct cg_content_finding f = { 0 };
	char title[512];
	if (c->rc)
		return;
	snprintf(title, sizeof(title), "%s%s%s", r->title, detail ? ": " : "", detail ? detail : "");
	f.kind = r->kind;
	f.rule = r->id;
	f.type = f.kind == CG_CONTENT_BASELINE ? "config" : "build";
	f.level = r->level;
	f.title = title;
	f.layer = -1;
	f.where = c->where;
	f.advice = r->advice;
	c->rc = c->sink->add(c->sink->ud, &f);
	if (c->rc)
		cg_error_set(c->err, c->rc, "%s: %s", c->where, cg_strerror(c->rc));
}

static bool secret_name(const char *name, size_t n)
{
	static const char *const keys[] = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY",
					    "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL" };
	char up[128];
	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	up[n] = '\0';
	for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++)
		if (strstr(up, keys[i]))
			return true;
	return false;
}

/* A value that is a placeholder, not a secret: empty, a variable, a path. */
static bool placeholder(const char *v)
{
	return !*v || *v == '$' || *v == '/' || !strcasecmp(v, "changeme") ||
	       !strcasecmp(v, "none") || !strcasecmp(v, "false") || !strcasecmp(v, "true") ||
	       strchr(v, '<') || (strlen(v) < 4);
}

/* Are the words stage..i-1 only a wrapper before word i ("sudo -E", "env A=b",
 * "exec", "nohup", "time")? Then word i is the stage's command. */
static bool wrapped(const struct words *w, size_t stage, size_t i)
{
	if (i == stage)
		return true;
	for (size_t k = stage; k < i; k++) {
		const char *s = w->v[k].s;
		if (!(is(s, "sudo") || is(s, "env") || is(s, "exec") || is(s, "nohup") ||
		      is(s, "time") || s[0] == '-' || (strchr(s, '=') && s[0] != '=')))
			return false;
	}
	return true;
}

/* One RUN (or a BuildKit RUN line). */
static void check_run(struct ctx *c, struct words *w)
{
	bool curl_sh = false, tls = false, chmod = false, upgrade = false, rec = false,
	     sudo = false;
	size_t cmd = 0;   /* index of the current command's first word */
	size_t stage = 0; /* and of the current pipeline stage's */

	for (size_t i = 0; i < w->n; i++) {
		const char *s = w->v[i].s, *st;
		if (w->v[i].before == SEP_CMD)
			cmd = i;
		if (w->v[i].before != SEP_WORD)
			stage = i;
		st = w->v[stage].s;
		/* a fetch earlier in this command, a shell in a later stage */
		if (stage > cmd && is_shell(s) && wrapped(w, stage, i) && !curl_sh) {
			for (size_t k = cmd; k < i; k++)
				if (is_fetch(w->v[k].s))
					curl_sh = true;
		}
		/* sh -c "$(curl ...)" and bash <(curl ...): a fetch right after a
		 * shell's -c or a process substitution */
		if (is_fetch(s) && i >= 1 && w->v[i].before == SEP_CMD) {
			for (size_t k = i; k-- > 0 && k + 3 > i;)
				if (is_shell(w->v[k].s) || !strcmp(w->v[k].s, "-c") ||
				    !strcmp(w->v[k].s, "<"))
					curl_sh = true;
		}
		if (i >= 1 && !strcmp(w->v[i - 1].s, "-c") &&
		    (strstr(s, "$(curl ") || strstr(s, "$(wget ") || strstr(s, "`curl ") ||
		     strstr(s, "`wget ")))
			curl_sh = true;
		if (is(s, "sudo") && w->v[i].before != SEP_WORD)
			sudo = true;
		if (is_fetch(st) && (!strcmp(s, "-k") || !strcmp(s, "--insecure") ||
				     !strcmp(s, "--no-check-certificate")))
			tls = true;
		if (!strncmp(s, "GIT_SSL_NO_VERIFY=", 18) && strcmp(s + 18, "0") && s[18])
			tls = true;
		if (!strncmp(s, "NODE_TLS_REJECT_UNAUTHORIZED=0", 30) ||
		    !strncmp(s, "PYTHONHTTPSVERIFY=0", 19))
			tls = true;
		if (!strcmp(s, "--trusted-host") || !strncmp(s, "--trusted-host=", 15) ||
		    !strcmp(s, "http.sslVerify") || !strcmp(s, "sslVerify=false") ||
		    !strncmp(s, "http.sslverify=false", 20) ||
		    (!strcmp(s, "strict-ssl") && i + 1 < w->n && !strcmp(w->v[i + 1].s, "false")))
			tls = true;
		if (is(st, "chmod") && i > stage &&
		    (!strcmp(s, "777") || !strcmp(s, "0777") || !strcmp(s, "666") ||
		     !strcmp(s, "a+rwx") || !strcmp(s, "o+w") || !strcmp(s, "a+w") ||
		     !strcmp(s, "ugo+rwx")))
			chmod = true;
		/* apt-get upgrade / dist-upgrade, apk upgrade, yum/dnf update|upgrade */
		if (i > stage && (is(st, "apt-get") || is(st, "apt")) &&
		    (!strcmp(s, "upgrade") || !strcmp(s, "dist-upgrade") || !strcmp(s, "full-upgrade")))
			upgrade = true;
		if (i > stage && is(st, "apk") && !strcmp(s, "upgrade"))
			upgrade = true;
		if (i > stage && (is(st, "yum") || is(st, "dnf") || is(st, "microdnf")) &&
		    (!strcmp(s, "update") || !strcmp(s, "upgrade")) &&
		    !(i + 1 < w->n && w->v[i + 1].before == SEP_WORD))
			upgrade = true;
		if (i > stage && is(st, "apt-get") && !strcmp(s, "install")) {
			bool norec = false;
			for (size_t k = stage; k < w->n && (k == stage || w->v[k].before == SEP_WORD); k++)
				if (!strcmp(w->v[k].s, "--no-install-recommends") ||
				    strstr(w->v[k].s, "Install-Recommends=false") ||
				    strstr(w->v[k].s, "Install-Recommends=0"))
					norec = true;
			if (!norec)
				rec = true;
		}
	}
	if (curl_sh)
		report(c, &R_CURL_SH, NULL);
	if (tls)
		report(c, &R_TLS, NULL);
	if (chmod)
		report(c, &R_CHMOD_777, NULL);
	if (upgrade)
		report(c, &R_UPGRADE, NULL);
	if (rec)
		report(c, &R_RECOMMENDS, NULL);
	if (sudo)
		report(c, &R_SUDO, NULL);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcasecmp(s + n - k, suf);
}

static void check_add(struct ctx *c, struct words *w, size_t first)
{
	for (size_t i = first; i < w->n; i++) {
		const char *s = w->v[i].s;
		if (!strncmp(s, "--", 2))
			continue;
		if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8)) {
			report(c, &R_ADD_URL, NULL);
			return;
		}
		if (has_suffix(s, ".tar") || has_suffix(s, ".tar.gz") || has_suffix(s, ".tgz") ||
		    has_suffix(s, ".tar.xz") || has_suffix(s, ".tar.bz2") || has_suffix(s, ".txz")) {
			report(c, &R_ADD_ARCHIVE, NULL);
			return;
		}
		break; /* only the first source says it */
	}
}

/* "|2 A=1 B=2 /bin/sh -c ..." (classic builder's build arguments): the line
 * starts with '|' (split() took it for a pipe), then the count, then N=V words. */
static void check_build_args(struct ctx *c, const char *line, struct words *w, size_t *first)
{
	size_t i = 1;
	if (line[0] != '|' || !w->n)
		return;
	for (; i < w->n && strchr(w->v[i].s, '=') && w->v[i].s[0] != '/'; i++) {
		const char *eq = strchr(w->v[i].s, '=');
		char name[64];
		if ((c->opts && c->opts->scan_text) || !secret_name(w->v[i].s, (size_t)(eq - w->v[i].s)) || placeholder(eq + 1))
			continue;
		snprintf(name, sizeof(name), "build argument %.*s",
			 (int)((size_t)(eq - w->v[i].s) > 40 ? 40 : eq - w->v[i].s), w->v[i].s);
		report(c, &R_SECRET_ARG, name);
	}
	*first = i;
}

static void check_line(struct ctx *c, const char *line, size_t len, struct words *w)
{
	size_t first = 0;
	const char *ins;

	split(line, len, w);
	check_build_args(c, line, w, &first);
	/* skip "/bin/sh -c" */
	if (first + 1 < w->n && is_shell(w->v[first].s) && !strcmp(w->v[first + 1].s, "-c"))
		first += 2;
	if (first >= w->n)
		return;
	ins = w->v[first].s;
	if (!strcmp(ins, "#") && first + 1 < w->n) /* "#(nop)" was split at '(' */
		ins = w->v[++first].s;
	if (!strcmp(ins, "nop") && first + 1 < w->n)
		ins = w->v[++first].s;
	if (!strcmp(ins, "ADD")) {
		check_add(c, w, first + 1);
	} else if (!strcmp(ins, "ENV") || !strcmp(ins, "ARG")) {
		for (size_t i = first + 1; i < w->n; i++) {
			const char *eq = strchr(w->v[i].s, '=');
			char name[64];
			if (!eq || (c->opts && c->opts->scan_text) ||
			    !secret_name(w->v[i].s, (size_t)(eq - w->v[i].s)) || placeholder(eq + 1))
				continue;
			snprintf(name, sizeof(name), "%s %.*s", ins,
				 (int)((size_t)(eq - w->v[i].s) > 40 ? 40 : eq - w->v[i].s), w->v[i].s);
			report(c, &R_SECRET_ARG, name);
		}
	} else if (!strcmp(ins, "COPY") || !strcmp(ins, "LABEL") || !strcmp(ins, "CMD") ||
		   !strcmp(ins, "ENTRYPOINT") || !strcmp(ins, "EXPOSE") || !strcmp(ins, "USER") ||
		   !strcmp(ins, "WORKDIR") || !strcmp(ins, "VOLUME") || !strcmp(ins, "HEALTHCHECK") ||
		   !strcmp(ins, "SHELL") || !strcmp(ins, "STOPSIGNAL") || !strcmp(ins, "ONBUILD") ||
		   !strcmp(ins, "MAINTAINER")) {
		/* metadata */
	} else {
		if (!strcmp(ins, "RUN")) {
			first++;
			while (first < w->n && w->v[first].s[0] == '-' && w->v[first].s[1] == '-')
				first++; /* RUN --mount=..., --network=... */
			if (first + 1 < w->n && is_shell(w->v[first].s) &&
			    !strcmp(w->v[first + 1].s, "-c"))
				first += 2;
		}
		/* the rest is shell text: re-split from there is not needed, the
		 * words already are the command's */
		memmove(w->v, w->v + first, (w->n - first) * sizeof(w->v[0]));
		w->n -= first;
		if (w->n)
			w->v[0].before = SEP_CMD;
		check_run(c, w);
	}
}

/* ---- the config ------------------------------------------------------------- */

static const struct {
	unsigned port;
	const char *what;
} risky_ports[] = {
	{ 21, "FTP" },          { 22, "SSH" },          { 23, "Telnet" },
	{ 135, "MS RPC" },      { 139, "NetBIOS" },     { 445, "SMB" },
	{ 2375, "Docker API without TLS" }, { 2376, "Docker API" },
	{ 3306, "MySQL" },      { 3389, "RDP" },        { 5432, "PostgreSQL" },
	{ 5900, "VNC" },        { 6379, "Redis" },      { 9200, "Elasticsearch" },
	{ 10250, "kubelet" },   { 11211, "memcached" }, { 27017, "MongoDB" },
};

static const struct rule B_ROOT = {
	"baseline-user-root", "the image runs as root",
	"add a USER with a non-zero uid (CIS Docker 4.1)", CG_THREAT_MEDIUM, CG_CONTENT_BASELINE };
static const struct rule B_HEALTH = {
	"baseline-no-healthcheck", "no HEALTHCHECK",
	"add a HEALTHCHECK so the runtime can tell a hung container (CIS Docker 4.6)",
	CG_THREAT_LOW, CG_CONTENT_BASELINE };
static const struct rule B_PORT = {
	"baseline-sensitive-port", "a sensitive port is exposed",
	"do not expose administration or database ports; publish only the service port",
	CG_THREAT_MEDIUM, CG_CONTENT_BASELINE };
static const struct rule B_ENV_SECRET = {
	"baseline-secret-in-env", "a secret-looking ENV variable has a value",
	"pass secrets at run time (secrets, mounted files), never in the image (CIS Docker 4.10)",
	CG_THREAT_HIGH, CG_CONTENT_BASELINE };

static void check_config(struct ctx *c, const cg_json *cfg)
{
	const char *user = cg_json_get_str(cfg, "User");
	const cg_json *hc = cg_json_get(cfg, "Healthcheck");
	const cg_json *ports = cg_json_get(cfg, "ExposedPorts");
	const cg_json *env = cg_json_get(cfg, "Env");
	const cg_json *labels = cg_json_get(cfg, "Labels");
	char detail[128];

	snprintf(c->where, sizeof(c->where), "config:User");
	if (!user || !*user || !strcmp(user, "root") || !strcmp(user, "0") ||
	    !strncmp(user, "0:", 2) || !strncmp(user, "root:", 5))
		report(c, &B_ROOT, NULL);
	snprintf(c->where, sizeof(c->where), "config:Healthcheck");
	if (!cg_json_is_object(hc))
		report(c, &B_HEALTH, NULL);
	else {
		const cg_json *t = cg_json_get(hc, "Test");
		const char *t0 = cg_json_string(cg_json_array_at(t, 0));
		if (t0 && !strcmp(t0, "NONE"))
			report(c, &B_HEALTH, "HEALTHCHECK NONE");
	}
	if (cg_json_is_object(ports)) {
		for (void *it = cg_json_iter(ports); it && !c->rc; it = cg_json_iter_next(ports, it)) {
			const char *k = cg_json_iter_key(it);
			uint64_t p;
			size_t n = strcspn(k, "/");
			if (!cg_view_to_u64(cg_view_make(k, n), &p))
				continue;
			for (size_t i = 0; i < CG_ARRAY_LEN(risky_ports); i++)
				if (risky_ports[i].port == p) {
					snprintf(c->where, sizeof(c->where), "config:ExposedPorts:%.32s", k);
					snprintf(detail, sizeof(detail), "%s (%s)", k, risky_ports[i].what);
					report(c, &B_PORT, detail);
				}
		}
	}
	for (size_t i = 0; i < cg_json_array_len(env) && !c->rc; i++) {
		const char *e = cg_json_string(cg_json_array_at(env, i));
		const char *eq = e ? strchr(e, '=') : NULL;
		size_t kn;
		if (!eq)
			continue;
		kn = (size_t)(eq - e);
		snprintf(c->where, sizeof(c->where), "env:%.*s", (int)(kn > 48 ? 48 : kn), e);
		/* with the secret scanner on, its env-secret-name rule says this */
		if (!(c->opts && c->opts->scan_text) && secret_name(e, kn) && !placeholder(eq + 1))
			report(c, &B_ENV_SECRET, NULL);
		if (!c->rc && c->opts && c->opts->scan_text)
			c->rc = c->opts->scan_text(c->opts->ud, c->where, eq + 1, strlen(eq + 1),
						   c->sink, c->err);
	}
	if (cg_json_is_object(labels) && c->opts && c->opts->scan_text)
		for (void *it = cg_json_iter(labels); it && !c->rc; it = cg_json_iter_next(labels, it)) {
			const char *v = cg_json_string(cg_json_iter_value(it));
			snprintf(c->where, sizeof(c->where), "label:%.48s", cg_json_iter_key(it));
			if (v)
				c->rc = c->opts->scan_text(c->opts->ud, c->where, v, strlen(v), c->sink,
							   c->err);
		}
	if (cg_json_is_object(labels)) {
		const char *base = cg_json_get_str(labels, "org.opencontainers.image.base.name");
		const char *digest = cg_json_get_str(labels, "org.opencontainers.image.base.digest");
		snprintf(c->where, sizeof(c->where), "label:org.opencontainers.image.base.name");
		if (base && !digest && !strstr(base, "@sha256:")) {
			const char *colon = strrchr(base, ':');
			bool latest = !colon || strchr(colon, '/') || !strcmp(colon, ":latest");
			snprintf(detail, sizeof(detail), "%.100s%s", base,
				 latest ? " (no tag or latest)" : "");
			report(c, &R_UNPINNED, detail);
		}
	}
}

/* Is the line an ENV step whose every NAME=VALUE is in the config's Env as it
 * is? Then the value's secrets are reported once, at env:NAME, not again at
 * the history line. (w is reused: split again here.) */
static bool env_in_config(const char *line, size_t len, struct words *w, const cg_json *cfg)
{
	const cg_json *env = cg_json_get(cfg, "Env");
	size_t i = 0, n = 0;
	split(line, len, w);
	while (i < w->n && strcmp(w->v[i].s, "ENV"))
		i++;
	if (i == w->n || i > 5)
		return false;
	for (i++; i < w->n; i++) {
		bool found = false;
		if (!strcmp(w->v[i].s, "#") || !strcmp(w->v[i].s, "buildkit"))
			continue;
		if (!strchr(w->v[i].s, '='))
			return false;
		for (size_t k = 0; !found && k < cg_json_array_len(env); k++) {
			const char *e = cg_json_string(cg_json_array_at(env, k));
			found = e && !strcmp(e, w->v[i].s);
		}
		if (!found)
			return false;
		n++;
	}
	return n > 0;
}

cg_err_t cg_config_check(const cg_json *config, const struct cg_config_check_opts *opts,
			 const struct cg_content_sink *sink, struct cg_error *err)
{
	struct ctx c = { opts, sink, err, "", CG_OK };
	const cg_json *hist, *cfg;
	struct words *w;
	size_t n;

	if (!sink || !sink->add)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (!config)
		return CG_OK;
	if (!cg_json_is_object(config))
		return cg_error_set(err, CG_ERR_INVALID, "image config: not an object");
	w = malloc(sizeof(*w));
	if (!w)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cfg = cg_json_get(config, "config");
	if (cg_json_is_object(cfg))
		check_config(&c, cfg);
	else if (!c.rc) {
		snprintf(c.where, sizeof(c.where), "config:User");
		report(&c, &B_ROOT, NULL);
		snprintf(c.where, sizeof(c.where), "config:Healthcheck");
		report(&c, &B_HEALTH, NULL);
	}
	hist = cg_json_get(config, "history");
	n = cg_json_array_len(hist);
	if (n > HISTORY_MAX && sink->warn) {
		sink->warn(sink->ud, "history", "more than 4096 entries: the rest is not checked");
		n = HISTORY_MAX;
	}
	for (size_t i = 0; i < n && !c.rc; i++) {
		const cg_json *h = cg_json_array_at(hist, i);
		const char *line = cg_json_get_str(h, "created_by");
		size_t len;
		if (!line)
			continue;
		len = strlen(line);
		if (len > LINE_MAX_) {
			if (sink->warn)
				sink->warn(sink->ud, "history", "a line longer than 64 KiB: cut");
			len = LINE_MAX_;
		}
		snprintf(c.where, sizeof(c.where), "history:%zu", i);
		check_line(&c, line, len, w);
		if (!c.rc && opts && opts->scan_text && !env_in_config(line, len, w, cfg))
			c.rc = opts->scan_text(opts->ud, c.where, line, len, sink, err);
	}
	free(w);
	return c.rc;
}
