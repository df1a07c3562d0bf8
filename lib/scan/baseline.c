/* Baseline checks on account and access files (IMG-06), as the layers stream
 * past: /etc/passwd (a second uid 0, an empty password field), /etc/shadow
 * (empty passwords), sudoers (NOPASSWD), sshd_config (root login, empty
 * passwords, password logins). Findings of files a later layer replaced are
 * dropped by the image reader (baseline judges the final filesystem). The
 * file-tree checks (setuid files, world-writable paths, sshd installed,
 * package caches) are in lib/image/baseline.c. */
#include "util/internal.h"
#include "scan/scanner.h"
#include <strings.h>

#define BASELINE_FILE_MAX ((size_t)1 << 20)
#define LINE_MAX_ 4096
#define FINDINGS_MAX 64 /* per file */

enum bfile { B_PASSWD, B_SHADOW, B_SUDOERS, B_SSHD };

struct bstate {
	enum bfile kind;
	struct cg_buf buf;
	bool over;
};

static bool has_prefix(const char *p, size_t len, const char *pre)
{
	size_t n = strlen(pre);
	return len > n && !memcmp(p, pre, n);
}

static int kind_of(const char *p, size_t len)
{
	if (len == 11 && !memcmp(p, "/etc/passwd", 11))
		return B_PASSWD;
	if (len == 11 && !memcmp(p, "/etc/shadow", 11))
		return B_SHADOW;
	if ((len == 12 && !memcmp(p, "/etc/sudoers", 12)) || has_prefix(p, len, "/etc/sudoers.d/"))
		return B_SUDOERS;
	if ((len == 20 && !memcmp(p, "/etc/ssh/sshd_config", 20)) ||
	    (has_prefix(p, len, "/etc/ssh/sshd_config.d/") && len > 5 &&
	     !memcmp(p + len - 5, ".conf", 5)))
		return B_SSHD;
	return -1;
}

static cg_err_t b_open(const struct cg_content_opts *opts, void **ctx, struct cg_error *err)
{
	(void)opts;
	(void)err;
	*ctx = NULL;
	return CG_OK;
}

static void b_close(void *ctx)
{
	(void)ctx;
}

static bool b_want(const void *ctx, const char *path, size_t len, uint32_t mode, uint64_t size)
{
	(void)ctx;
	(void)mode;
	return size <= BASELINE_FILE_MAX && kind_of(path, len) >= 0;
}

static void b_begin(const void *ctx, void *state)
{
	struct bstate *s = state;
	(void)ctx;
	cg_buf_init(&s->buf, BASELINE_FILE_MAX);
}

static bool b_feed(void *state, const void *p, size_t n)
{
	struct bstate *s = state;
	if (cg_buf_append(&s->buf, p, n) != CG_OK) {
		s->over = true;
		return false;
	}
	return true;
}

struct rule {
	const char *id, *title, *advice;
	enum cg_threat_level level;
};

static const struct rule R_UID0 = {
	"baseline-second-uid0", "an account other than root has uid 0",
	"remove the account or give it its own uid: uid 0 is root", CG_THREAT_HIGH };
static const struct rule R_EMPTY = {
	"baseline-empty-password", "an account has an empty password",
	"lock it (passwd -l) or set a password; images need no interactive logins",
	CG_THREAT_HIGH };
static const struct rule R_NOPASSWD = {
	"baseline-sudo-nopasswd", "sudo grants commands without a password (NOPASSWD)",
	"remove sudo from the image, or the NOPASSWD rule (CIS Docker 4.x: no sudo in images)",
	CG_THREAT_MEDIUM };
static const struct rule R_ROOTLOGIN = {
	"baseline-ssh-root-login", "sshd permits root logins",
	"PermitRootLogin no (better: no sshd in a container)", CG_THREAT_HIGH };
static const struct rule R_SSHEMPTY = {
	"baseline-ssh-empty-passwords", "sshd permits empty passwords",
	"PermitEmptyPasswords no", CG_THREAT_HIGH };

struct out {
	const struct cg_content_sink *sink;
	const char *path;
	int layer;
	size_t n;
	cg_err_t rc;
};

static void report(struct out *o, const struct rule *r, size_t line, const char *detail)
{
	struct cg_content_finding f = { 0 };
	char title[256];
	if (o->rc || o->n >= FINDINGS_MAX)
		return;
	snprintf(title, sizeof(title), "%s%s%s", r->title, detail ? ": " : "", detail ? detail : "");
	f.kind = CG_CONTENT_BASELINE;
	f.rule = r->id;
	f.type = "account";
	f.level = r->level;
	f.title = title;
	f.path = o->path;
	f.layer = o->layer;
	f.line = line;
	f.advice = r->advice;
	o->rc = o->sink->add(o->sink->ud, &f);
	o->n++;
}

/* The n-th ':' field of a line (0-based) into out (bounded, control bytes
 * out); false when the line has fewer fields. */
static bool field(struct cg_view line, size_t idx, char *out, size_t cap)
{
	size_t start = 0, k = 0, o = 0;
	for (size_t i = 0; i <= line.len; i++) {
		if (i < line.len && line.p[i] != ':')
			continue;
		if (k++ == idx) {
			for (size_t j = start; j < i && o + 1 < cap; j++)
				out[o++] = (unsigned char)line.p[j] < 0x20 ? '?' : line.p[j];
			out[o] = '\0';
			return true;
		}
		start = i + 1;
	}
	return false;
}

/* The first word of an sshd_config line, and its value. */
static bool ssh_option(struct cg_view line, const char *key, const char *value)
{
	size_t i = 0, k = strlen(key), v = strlen(value);
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
		i++;
	if (line.len - i < k || strncasecmp((const char *)line.p + i, key, k))
		return false;
	i += k;
	if (i >= line.len || (line.p[i] != ' ' && line.p[i] != '\t' && line.p[i] != '='))
		return false;
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t' || line.p[i] == '='))
		i++;
	return line.len - i >= v && !strncasecmp((const char *)line.p + i, value, v) &&
	       (line.len - i == v || line.p[i + v] == ' ' || line.p[i + v] == '\t' ||
		line.p[i + v] == '\r' || line.p[i + v] == '#');
}

static cg_err_t b_finish(void *state, const char *path, int layer,
			 const struct cg_content_sink *sink, struct cg_error *err)
{
	struct bstate *s = state;
	struct out o = { sink, path, layer, 0, CG_OK };
	struct cg_cursor cur;
	struct cg_view line;
	size_t lineno = 0;

	if (s->over) {
		if (sink->warn)
			sink->warn(sink->ud, path, "larger than 1 MiB: baseline checks skipped");
		return CG_OK;
	}
	s->kind = (enum bfile)kind_of(path, strlen(path));
	cg_cursor_init(&cur, s->buf.data, s->buf.len);
	while (!o.rc && !cg_cursor_eof(&cur)) {
		char name[64], pw[8], uid[16];
		if (!cg_cursor_line(&cur, LINE_MAX_, &line))
			break; /* an overlong line: the rest is not a config file */
		lineno++;
		if (!line.len || line.p[0] == '#')
			continue;
		switch (s->kind) {
		case B_PASSWD:
			if (!field(line, 0, name, sizeof(name)) || !field(line, 1, pw, sizeof(pw)) ||
			    !field(line, 2, uid, sizeof(uid)))
				break;
			if (!strcmp(uid, "0") && strcmp(name, "root"))
				report(&o, &R_UID0, lineno, name);
			if (!pw[0])
				report(&o, &R_EMPTY, lineno, name);
			break;
		case B_SHADOW:
			if (field(line, 0, name, sizeof(name)) && field(line, 1, pw, sizeof(pw)) &&
			    !pw[0])
				report(&o, &R_EMPTY, lineno, name);
			break;
		case B_SUDOERS: {
			bool nopasswd = false;
			for (size_t i = 0; i + 9 <= line.len && !nopasswd; i++)
				nopasswd = !memcmp(line.p + i, "NOPASSWD:", 9);
			if (nopasswd)
				report(&o, &R_NOPASSWD, lineno, NULL);
			break;
		}
		case B_SSHD:
			if (ssh_option(line, "PermitRootLogin", "yes"))
				report(&o, &R_ROOTLOGIN, lineno, NULL);
			if (ssh_option(line, "PermitEmptyPasswords", "yes"))
				report(&o, &R_SSHEMPTY, lineno, NULL);
			break;
		}
	}
	if (o.rc)
		return cg_error_set(err, o.rc, "%s: %s", path, cg_strerror(o.rc));
	return CG_OK;
}

static void b_release(void *state)
{
	struct bstate *s = state;
	cg_buf_release(&s->buf);
}

const struct cg_content_scanner cg_scanner_baseline = {
	.name = "baseline",
	.open = b_open,
	.close = b_close,
	.want = b_want,
	.state_size = sizeof(struct bstate),
	.begin = b_begin,
	.feed = b_feed,
	.finish = b_finish,
	.release = b_release,
};
