/* Runtime detection rules (lib/agent/rules.h): the rule documents of
 * rules/runtime/ (YAML or JSON) compiled into per-kind lists of predicates,
 * evaluated against sensor records without allocating unless a rule fires.
 * The format is documented in docs/runtime-rules.md. */
#include "util/internal.h"
#include "util/yaml.h"
#include "util/utf8.h"
#include "agent/rules.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

/* ---- limits -------------------------------------------------------------- */

#define RULES_FILE_MAX   ((size_t)1 << 20) /* one rule document */
#define RULES_FILES_MAX  64                /* files of a rules folder */
#define RULES_MAX        1024              /* rules of a ruleset */
#define RULE_ID_MAX      64
#define RULE_TEXT_MAX    1024              /* message, solution */
#define RULE_STR_MAX     256               /* a predicate's string */
#define RULE_LIST_MAX    128               /* items of a predicate's list */
#define RULE_UNLESS_MAX  16
#define RULE_MATCH_MAX   32                /* rules that can fire on one record */
#define RATE_SLOTS       4096              /* stateful rate counters (power of 2) */
#define RATE_PROBE       8

#define CMD_MAX          4096              /* command-line bytes matched */
#define BIGRAM_BITS      4096              /* a record's command-line byte pairs, hashed */
#define BIGRAM(a, b) ((unsigned short)((((unsigned char)(a)) * 67u + (unsigned char)(b)) & (BIGRAM_BITS - 1)))
#define KIND_MAX 17
#define BYTEBIT(c) (1ULL << ((unsigned char)(c) & 63))

/* ---- tables -------------------------------------------------------------- */

static const char *const kind_names[KIND_MAX] = {
	[CG_SEV_EXEC] = "exec",       [CG_SEV_FORK] = "fork",     [CG_SEV_EXIT] = "exit",
	[CG_SEV_OPEN] = "open",       [CG_SEV_SYSCALL] = "syscall", [CG_SEV_CONNECT] = "connect",
	[CG_SEV_ACCEPT] = "accept",   [CG_SEV_DUP] = "dup",       [CG_SEV_CHMOD] = "chmod",
	[CG_SEV_RENAME] = "rename",   [CG_SEV_UNLINK] = "unlink", [CG_SEV_LINK] = "link",
	[CG_SEV_SETUID] = "setuid",   [CG_SEV_MOUNT] = "mount",   [CG_SEV_LOST] = "lost",
	[CG_SEV_KILLED] = "killed",
};

#define KB(k) (1u << (k))
#define K_PATHS (KB(CG_SEV_EXEC) | KB(CG_SEV_OPEN) | KB(CG_SEV_CHMOD) | KB(CG_SEV_RENAME) | \
		 KB(CG_SEV_UNLINK) | KB(CG_SEV_LINK) | KB(CG_SEV_MOUNT) | KB(CG_SEV_KILLED))
#define K_NET (KB(CG_SEV_CONNECT) | KB(CG_SEV_ACCEPT) | KB(CG_SEV_DUP))
#define K_ALL 0x1fffeu

static const char *const categories[] = {
	"escape", "high-risk syscall", "abnormal process", "file anomaly",
	"container environment", "reverse shell", "privilege escalation", "key file change",
	"persistence", "account", "network",
};
static const char *const severities[] = { "critical", "high", "medium", "low", "info" };

/* x86_64 syscall numbers (the sensor reports x86_64 numbers; checked against
 * <sys/syscall.h> by tests/unit/test_rules.c on x86_64). */
struct sysname { const char *name; int nr; };
static const struct sysname syscalls[] = {
	{ "ptrace", 101 }, { "syslog", 103 }, { "setuid", 105 }, { "setgid", 106 },
	{ "setreuid", 113 }, { "setregid", 114 }, { "setresuid", 117 }, { "setresgid", 119 },
	{ "setfsuid", 122 }, { "setfsgid", 123 }, { "capset", 126 }, { "personality", 135 },
	{ "pivot_root", 155 }, { "chroot", 161 }, { "acct", 163 }, { "settimeofday", 164 },
	{ "mount", 165 }, { "umount2", 166 }, { "swapon", 167 }, { "swapoff", 168 },
	{ "reboot", 169 }, { "sethostname", 170 }, { "setdomainname", 171 }, { "iopl", 172 },
	{ "ioperm", 173 }, { "init_module", 175 }, { "delete_module", 176 },
	{ "quotactl", 179 }, { "clock_settime", 227 }, { "kexec_load", 246 },
	{ "add_key", 248 }, { "request_key", 249 }, { "keyctl", 250 }, { "unshare", 272 },
	{ "perf_event_open", 298 }, { "name_to_handle_at", 303 }, { "open_by_handle_at", 304 },
	{ "setns", 308 }, { "process_vm_readv", 310 }, { "process_vm_writev", 311 },
	{ "kcmp", 312 }, { "finit_module", 313 }, { "memfd_create", 319 },
	{ "kexec_file_load", 320 }, { "bpf", 321 }, { "userfaultfd", 323 },
	{ "io_uring_setup", 425 }, { "open_tree", 428 }, { "move_mount", 429 },
	{ "fsopen", 430 }, { "fsconfig", 431 }, { "fsmount", 432 }, { "fspick", 433 },
	{ "mount_setattr", 442 },
};
#define NR_MOUNT 165

struct bitname { const char *name; unsigned bit; };
static const struct bitname open_flags[] = {
	{ "O_WRONLY", O_WRONLY }, { "O_RDWR", O_RDWR }, { "O_CREAT", O_CREAT },
	{ "O_EXCL", O_EXCL }, { "O_NOCTTY", O_NOCTTY }, { "O_TRUNC", O_TRUNC },
	{ "O_APPEND", O_APPEND }, { "O_NONBLOCK", O_NONBLOCK }, { "O_DSYNC", O_DSYNC },
	{ "O_DIRECT", O_DIRECT }, { "O_DIRECTORY", O_DIRECTORY }, { "O_NOFOLLOW", O_NOFOLLOW },
	{ "O_NOATIME", O_NOATIME }, { "O_CLOEXEC", O_CLOEXEC }, { "O_SYNC", O_SYNC },
	{ "O_PATH", O_PATH }, { "O_TMPFILE", O_TMPFILE },
};
static const struct bitname mode_bits[] = {
	{ "S_ISUID", S_ISUID }, { "S_ISGID", S_ISGID }, { "S_ISVTX", S_ISVTX },
	{ "S_IWOTH", S_IWOTH }, { "S_IWGRP", S_IWGRP }, { "S_IXOTH", S_IXOTH },
};
/* mount(2) flags, for details only (values of <sys/mount.h>). */
static const struct bitname mount_flags[] = {
	{ "MS_RDONLY", 1 }, { "MS_NOSUID", 2 }, { "MS_NODEV", 4 }, { "MS_NOEXEC", 8 },
	{ "MS_REMOUNT", 32 }, { "MS_BIND", 4096 }, { "MS_MOVE", 8192 }, { "MS_REC", 16384 },
	{ "MS_PRIVATE", 1 << 18 }, { "MS_SLAVE", 1 << 19 }, { "MS_SHARED", 1 << 20 },
};
struct famname { const char *name; unsigned short fam; };
static const struct famname families[] = {
	{ "unix", AF_UNIX }, { "inet", AF_INET }, { "inet6", AF_INET6 },
	{ "netlink", AF_NETLINK }, { "packet", AF_PACKET },
};

/* ---- compiled predicates ------------------------------------------------- */

struct glob {
	char *pat;
	unsigned short lit;  /* length of the literal prefix (up to the first *?[\) */
	unsigned short suf;  /* length of the literal suffix (after the last *?]\) */
	unsigned short len;
	bool literal;        /* no metacharacter: plain comparison */
};

struct globs {
	struct glob *v;
	size_t n;
	uint64_t mask1, mask2; /* BYTEBIT of the globs' first / second bytes (all: a metachar) */
};
struct strs {                           /* lower-case substrings */
	char **v;
	size_t n;
	unsigned short *len;
	unsigned short (*bg)[2];        /* hashed first and last byte pairs */
};
struct ints { long long *v; size_t n; };
struct range { unsigned lo, hi; };
struct cidr { unsigned short fam; unsigned char a[16]; unsigned bits; };

enum tri { T_ANY = 0, T_FALSE, T_TRUE };

struct pred {
	uint32_t kinds;
	unsigned char write, success, sock, stdio_socket, host_sensitive, whitelisted,
		protected_path, in_container; /* enum tri */
	struct ints syscall;                    /* numbers */
	unsigned flags_any, mode_any;
	struct globs path, exe, exe_base, parent_exe_base, comm, arg, written_by;
	struct strs cmd, cmd_also;
	struct range *port; size_t n_port;
	unsigned short fam[8]; size_t n_fam;
	struct cidr *addr; size_t n_addr;
	struct ints uid, uid_not, new_uid;
};

enum rate_per { PER_CONTAINER, PER_PROCESS, PER_NODE };

struct rule {
	struct cg_rule_info info;
	char *file;
	bool manual;
	struct pred when;
	struct pred *unless; size_t n_unless;
	unsigned rate_count;               /* 0: no rate */
	unsigned long long rate_window;    /* ns */
	enum rate_per rate_per;
	char **supersedes; size_t n_supersedes;
	size_t *sup_idx;                   /* resolved, SIZE_MAX when unknown */
};

#define WRITE_SLOTS 4096 /* power of 2 */
struct write_slot {
	unsigned long long key;      /* container and path, hashed; 0: free */
	char name[40];               /* the writer's program base name (39 bytes) */
};

struct rate_slot {
	unsigned long long key, start;
	uint32_t rule;   /* rule index + 1; 0: free */
	uint32_t count;
};

/* An entry of a kind's index: the rule and cheap prefilters, so most rules are
 * passed over without touching their predicates. A mask has the bit (c & 63)
 * of every first byte of the rule's exe_base globs (all bits when a glob starts
 * with a metacharacter or there is none), likewise for the second byte of its
 * path globs (the first is always '/'). */
struct kent {
	uint64_t base_mask, path_mask;
	uint32_t rule;
	unsigned char write; /* enum tri */
};

struct cg_ruleset {
	struct rule **r;
	size_t n, cap;
	struct kent *bykind[KIND_MAX];
	size_t nkind[KIND_MAX];
	struct rate_slot *rate;
	bool track_writes;           /* a rule uses written_by */
	struct write_slot *writes;   /* who last write-opened a path, per container */
};

/* ---- freeing ------------------------------------------------------------- */

static void globs_free(struct globs *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].pat);
	free(g->v);
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->len);
	free(s->bg);
}

static void pred_free(struct pred *p)
{
	free(p->syscall.v);
	globs_free(&p->path);
	globs_free(&p->exe);
	globs_free(&p->exe_base);
	globs_free(&p->parent_exe_base);
	globs_free(&p->comm);
	globs_free(&p->arg);
	globs_free(&p->written_by);
	strs_free(&p->cmd);
	strs_free(&p->cmd_also);
	free(p->port);
	free(p->addr);
	free(p->uid.v);
	free(p->uid_not.v);
	free(p->new_uid.v);
}

static void rule_free(struct rule *r)
{
	if (!r)
		return;
	free((void *)(uintptr_t)r->info.id);
	free((void *)(uintptr_t)r->info.category);
	free((void *)(uintptr_t)r->info.severity);
	free((void *)(uintptr_t)r->info.mitre);
	free((void *)(uintptr_t)r->info.message);
	free((void *)(uintptr_t)r->info.solution);
	free(r->file);
	pred_free(&r->when);
	for (size_t i = 0; i < r->n_unless; i++)
		pred_free(&r->unless[i]);
	free(r->unless);
	for (size_t i = 0; i < r->n_supersedes; i++)
		free(r->supersedes[i]);
	free(r->supersedes);
	free(r->sup_idx);
	free(r);
}

void cg_rules_free(struct cg_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_free(rs->r[i]);
	free(rs->r);
	for (size_t k = 0; k < KIND_MAX; k++)
		free(rs->bykind[k]);
	free(rs->rate);
	free(rs->writes);
	free(rs);
}

size_t cg_rules_count(const struct cg_ruleset *rs)
{
	return rs ? rs->n : 0;
}

const struct cg_rule_info *cg_rules_get(const struct cg_ruleset *rs, const char *id)
{
	if (!rs || !id)
		return NULL;
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i]->info.id, id) == 0)
			return &rs->r[i]->info;
	return NULL;
}

/* ---- parsing ------------------------------------------------------------- */

/* Where a parse error is: "FILE: rule N (ID): ". */
struct where {
	const char *file;
	size_t index;
	const char *id;
};

static cg_err_t bad(struct cg_error *err, const struct where *w, const char *fmt, ...)
	CG_PRINTF(3, 4);
static cg_err_t bad(struct cg_error *err, const struct where *w, const char *fmt, ...)
{
	char msg[CG_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->id)
		return cg_error_set(err, CG_ERR_INVALID, "%s: rule %zu (%s): %s", w->file, w->index,
				    w->id, msg);
	return cg_error_set(err, CG_ERR_INVALID, "%s: rule %zu: %s", w->file, w->index, msg);
}

/* A printable, bounded string scalar. */
static const char *get_text(const cg_json *v, size_t max)
{
	const char *s = cg_json_string(v);
	size_t n;
	if (!s)
		return NULL;
	n = cg_json_string_len(v);
	if (n == 0 || n > max || strlen(s) != n || !cg_utf8_valid(s, n))
		return NULL;
	return s;
}

/* Booleans: JSON true/false or the YAML scalars true/false/yes/no. */
static bool get_bool(const cg_json *v, bool *out)
{
	const char *s;
	if (cg_json_bool(v, out))
		return true;
	s = cg_json_string(v);
	if (!s)
		return false;
	if (!strcmp(s, "true") || !strcmp(s, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

/* Integers: JSON integers or decimal / 0x / 0o scalars, within [lo, hi]. */
static bool get_int(const cg_json *v, long long lo, long long hi, long long *out)
{
	int64_t i;
	const char *s;
	char *end;
	long long x;
	int base = 10;
	if (cg_json_int(v, &i)) {
		x = (long long)i;
	} else {
		s = cg_json_string(v);
		if (!s || !*s || strlen(s) > 24)
			return false;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1] == 'o') {
			base = 8;
			s += 2;
		}
		if (!*s || *s == '-' || *s == '+' || *s == ' ')
			return false;
		errno = 0;
		x = strtoll(s, &end, base);
		if (errno || *end)
			return false;
	}
	if (x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

/* Each item of a scalar-or-list value: fn(item, i). */
typedef cg_err_t (*item_fn)(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			    const struct where *w, const char *key);

static cg_err_t each_item(const cg_json *v, item_fn fn, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	size_t n;
	cg_err_t rc;
	if (!cg_json_is_array(v))
		return fn(v, 0, ud, err, w, key);
	n = cg_json_array_len(v);
	if (n == 0)
		return bad(err, w, "\"%s\": empty list", key);
	if (n > RULE_LIST_MAX)
		return bad(err, w, "\"%s\": more than %d items", key, RULE_LIST_MAX);
	for (size_t i = 0; i < n; i++)
		if ((rc = fn(cg_json_array_at(v, i), i, ud, err, w, key)) != CG_OK)
			return rc;
	return CG_OK;
}

static size_t list_len(const cg_json *v)
{
	return cg_json_is_array(v) ? cg_json_array_len(v) : 1;
}

static cg_err_t glob_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	struct globs *g = ud;
	const char *s = get_text(item, RULE_STR_MAX);
	struct glob *x;
	if (!s)
		return bad(err, w, "\"%s\" item %zu: not a string of 1 to %d bytes", key, i,
			   RULE_STR_MAX);
	x = &g->v[g->n];
	if (!(x->pat = strdup(s)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	g->n++;
	x->lit = (unsigned short)strcspn(s, "*?[\\");
	x->literal = s[x->lit] == '\0';
	{
		size_t n = strlen(s), k = n;
		while (k > 0 && !strchr("*?]\\", s[k - 1]))
			k--;
		x->suf = (unsigned short)(n - k);
		x->len = (unsigned short)n;
	}
	return CG_OK;
}

static cg_err_t parse_globs(const cg_json *v, struct globs *g, struct cg_error *err,
			    const struct where *w, const char *key)
{
	cg_err_t rc;
	if (!(g->v = calloc(list_len(v), sizeof(*g->v))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if ((rc = each_item(v, glob_item, g, err, w, key)) != CG_OK)
		return rc;
	for (size_t i = 0; i < g->n; i++) {
		g->mask1 |= g->v[i].lit >= 1 ? BYTEBIT(g->v[i].pat[0]) : ~0ULL;
		g->mask2 |= g->v[i].lit >= 2 ? BYTEBIT(g->v[i].pat[1])
			    : g->v[i].literal ? BYTEBIT(0) : ~0ULL;
	}
	return CG_OK;
}

static cg_err_t str_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			 const struct where *w, const char *key)
{
	struct strs *st = ud;
	const char *s = get_text(item, RULE_STR_MAX);
	char *c;
	if (!s)
		return bad(err, w, "\"%s\" item %zu: not a string of 1 to %d bytes", key, i,
			   RULE_STR_MAX);
	if (!(c = strdup(s)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	st->len[st->n] = (unsigned short)strlen(c);
	if (st->len[st->n] >= 2) {
		size_t l = st->len[st->n];
		st->bg[st->n][0] = BIGRAM(c[0], c[1]);
		st->bg[st->n][1] = BIGRAM(c[l - 2], c[l - 1]);
	}
	st->v[st->n++] = c;
	return CG_OK;
}

static cg_err_t parse_strs(const cg_json *v, struct strs *st, struct cg_error *err,
			   const struct where *w, const char *key)
{
	size_t n = list_len(v);
	if (!(st->v = calloc(n, sizeof(*st->v))) || !(st->len = calloc(n, sizeof(*st->len))) ||
	    !(st->bg = calloc(n, sizeof(*st->bg))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return each_item(v, str_item, st, err, w, key);
}

static cg_err_t int_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			 const struct where *w, const char *key)
{
	struct ints *x = ud;
	long long v;
	if (!get_int(item, 0, 0xffffffffLL, &v))
		return bad(err, w, "\"%s\" item %zu: not an integer from 0 to 4294967295", key, i);
	x->v[x->n++] = v;
	return CG_OK;
}

static cg_err_t parse_ints(const cg_json *v, struct ints *x, struct cg_error *err,
			   const struct where *w, const char *key)
{
	if (!(x->v = calloc(list_len(v), sizeof(*x->v))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return each_item(v, int_item, x, err, w, key);
}

static cg_err_t syscall_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			     const struct where *w, const char *key)
{
	struct ints *x = ud;
	const char *s = cg_json_string(item);
	for (size_t k = 0; s && k < CG_ARRAY_LEN(syscalls); k++) {
		if (!strcmp(s, syscalls[k].name)) {
			x->v[x->n++] = syscalls[k].nr;
			return CG_OK;
		}
	}
	return bad(err, w, "\"%s\" item %zu: unknown system call%s%.64s%s", key, i, s ? " \"" : "",
		   s ? s : "", s ? "\"" : "");
}

struct bits_ud { const struct bitname *t; size_t n; unsigned *out; };

static cg_err_t bits_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	struct bits_ud *b = ud;
	const char *s = cg_json_string(item);
	for (size_t k = 0; s && k < b->n; k++) {
		if (!strcmp(s, b->t[k].name)) {
			*b->out |= b->t[k].bit;
			return CG_OK;
		}
	}
	return bad(err, w, "\"%s\" item %zu: unknown name%s%.64s%s", key, i, s ? " \"" : "",
		   s ? s : "", s ? "\"" : "");
}

static cg_err_t port_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	struct pred *p = ud;
	long long lo, hi;
	const char *s = cg_json_string(item), *dash;
	if (s && (dash = strchr(s, '-')) && dash != s && dash - s < 8) {
		char a[8];
		cg_json *ja, *jb;
		bool ok;
		memcpy(a, s, (size_t)(dash - s));
		a[dash - s] = '\0';
		ja = cg_json_new_string(a);
		jb = cg_json_new_string(dash + 1);
		ok = ja && jb && get_int(ja, 0, 65535, &lo) && get_int(jb, 0, 65535, &hi) && lo <= hi;
		cg_json_free(ja);
		cg_json_free(jb);
		if (!ok)
			return bad(err, w, "\"%s\" item %zu: not a port range LO-HI", key, i);
	} else if (get_int(item, 0, 65535, &lo)) {
		hi = lo;
	} else {
		return bad(err, w, "\"%s\" item %zu: not a port (0 to 65535) or range", key, i);
	}
	p->port[p->n_port].lo = (unsigned)lo;
	p->port[p->n_port].hi = (unsigned)hi;
	p->n_port++;
	return CG_OK;
}

static cg_err_t fam_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			 const struct where *w, const char *key)
{
	struct pred *p = ud;
	const char *s = cg_json_string(item);
	for (size_t k = 0; s && k < CG_ARRAY_LEN(families); k++) {
		if (!strcmp(s, families[k].name)) {
			if (p->n_fam == CG_ARRAY_LEN(p->fam))
				return bad(err, w, "\"%s\": too many families", key);
			p->fam[p->n_fam++] = families[k].fam;
			return CG_OK;
		}
	}
	return bad(err, w, "\"%s\" item %zu: unknown family (unix, inet, inet6, netlink, packet)",
		   key, i);
}

static cg_err_t addr_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	struct pred *p = ud;
	const char *s = get_text(item, 64);
	char host[65];
	const char *slash;
	struct cidr *c = &p->addr[p->n_addr];
	long long bits = -1;
	size_t hl;
	if (!s)
		return bad(err, w, "\"%s\" item %zu: not an address", key, i);
	slash = strchr(s, '/');
	hl = slash ? (size_t)(slash - s) : strlen(s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, c->a) == 1)
		c->fam = AF_INET;
	else if (inet_pton(AF_INET6, host, c->a) == 1)
		c->fam = AF_INET6;
	else
		return bad(err, w, "\"%s\" item %zu: not an IPv4 or IPv6 address", key, i);
	if (slash) {
		cg_json *j = cg_json_new_string(slash + 1);
		bool ok = j && get_int(j, 0, c->fam == AF_INET ? 32 : 128, &bits);
		cg_json_free(j);
		if (!ok)
			return bad(err, w, "\"%s\" item %zu: bad prefix length", key, i);
	}
	c->bits = bits < 0 ? (c->fam == AF_INET ? 32u : 128u) : (unsigned)bits;
	p->n_addr++;
	return CG_OK;
}

static cg_err_t get_tri(const cg_json *v, unsigned char *out, struct cg_error *err,
			const struct where *w, const char *key)
{
	bool b;
	if (!get_bool(v, &b))
		return bad(err, w, "\"%s\": not a boolean", key);
	*out = b ? T_TRUE : T_FALSE;
	return CG_OK;
}

static cg_err_t kind_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			  const struct where *w, const char *key)
{
	uint32_t *kinds = ud;
	const char *s = cg_json_string(item);
	for (unsigned k = 1; s && k < KIND_MAX; k++) {
		if (!strcmp(s, kind_names[k])) {
			*kinds |= KB(k);
			return CG_OK;
		}
	}
	return bad(err, w, "\"%s\" item %zu: unknown kind (exec fork exit open syscall connect "
		   "accept dup chmod rename unlink link setuid mount lost killed)", key, i);
}

/* The predicates: name, the kinds they apply to. */
struct pdef { const char *name; uint32_t kinds; };
static const struct pdef pdefs[] = {
	{ "kind", K_ALL },
	{ "syscall", KB(CG_SEV_SYSCALL) | KB(CG_SEV_SETUID) | KB(CG_SEV_MOUNT) },
	{ "path", K_PATHS },
	{ "write", KB(CG_SEV_OPEN) | KB(CG_SEV_RENAME) | KB(CG_SEV_UNLINK) | KB(CG_SEV_LINK) |
		   KB(CG_SEV_CHMOD) },
	{ "flags_any", KB(CG_SEV_OPEN) },
	{ "mode_any", KB(CG_SEV_CHMOD) },
	{ "success", K_ALL },
	{ "exe", K_ALL },
	{ "exe_base", K_ALL },
	{ "parent_exe_base", K_ALL },
	{ "comm", K_ALL },
	{ "cmdline_contains", K_ALL },
	{ "cmdline_contains_also", K_ALL },
	{ "arg", K_ALL },
	{ "port", KB(CG_SEV_CONNECT) | KB(CG_SEV_ACCEPT) },
	{ "family", K_NET },
	{ "addr", KB(CG_SEV_CONNECT) },
	{ "sock", KB(CG_SEV_DUP) },
	{ "uid", K_ALL },
	{ "uid_not", K_ALL },
	{ "new_uid", KB(CG_SEV_SETUID) },
	{ "stdio_socket", KB(CG_SEV_EXEC) },
	{ "host_sensitive", KB(CG_SEV_OPEN) },
	{ "whitelisted", KB(CG_SEV_EXEC) | KB(CG_SEV_KILLED) },
	{ "protected_path", KB(CG_SEV_OPEN) | KB(CG_SEV_RENAME) | KB(CG_SEV_UNLINK) |
			    KB(CG_SEV_LINK) | KB(CG_SEV_CHMOD) },
	{ "in_container", K_ALL },
	{ "written_by", KB(CG_SEV_EXEC) },
};

/* Parse a predicate mapping. kinds: the rule's kinds (for `unless`, which has
 * no kind of its own); 0 when parsing `when` (kind comes from the mapping). */
static cg_err_t parse_pred(const cg_json *m, struct pred *p, uint32_t kinds, struct cg_error *err,
			   const struct where *w, const char *ctx)
{
	cg_err_t rc = CG_OK;
	const cg_json *v;
	if (!cg_json_is_object(m))
		return bad(err, w, "\"%s\": not a mapping", ctx);
	if (cg_json_object_len(m) > 32)
		return bad(err, w, "\"%s\": too many keys", ctx);
	/* kind first: the other keys are checked against it */
	if ((v = cg_json_get(m, "kind"))) {
		if (kinds)
			return bad(err, w, "\"%s\": \"kind\" belongs in \"when\"", ctx);
		if ((rc = each_item(v, kind_item, &p->kinds, err, w, "kind")) != CG_OK)
			return rc;
		kinds = p->kinds;
	} else if (!kinds) {
		return bad(err, w, "\"%s\": missing \"kind\"", ctx);
	} else {
		p->kinds = kinds;
	}
	for (void *it = cg_json_iter(m); it; it = cg_json_iter_next(m, it)) {
		const char *key = cg_json_iter_key(it);
		const struct pdef *d = NULL;
		v = cg_json_iter_value(it);
		for (size_t i = 0; i < CG_ARRAY_LEN(pdefs); i++)
			if (!strcmp(key, pdefs[i].name))
				d = &pdefs[i];
		if (!d)
			return bad(err, w, "\"%s\": unknown key \"%.64s\"", ctx, key);
		if (!(d->kinds & kinds))
			return bad(err, w, "\"%s\": \"%s\" does not apply to the rule's kinds", ctx, key);
		if (!strcmp(key, "kind"))
			continue;
		if (!strcmp(key, "syscall"))
			rc = (p->syscall.v = calloc(list_len(v), sizeof(long long)))
				     ? each_item(v, syscall_item, &p->syscall, err, w, key)
				     : CG_ERR_NOMEM;
		else if (!strcmp(key, "path"))
			rc = parse_globs(v, &p->path, err, w, key);
		else if (!strcmp(key, "exe"))
			rc = parse_globs(v, &p->exe, err, w, key);
		else if (!strcmp(key, "exe_base"))
			rc = parse_globs(v, &p->exe_base, err, w, key);
		else if (!strcmp(key, "parent_exe_base"))
			rc = parse_globs(v, &p->parent_exe_base, err, w, key);
		else if (!strcmp(key, "comm"))
			rc = parse_globs(v, &p->comm, err, w, key);
		else if (!strcmp(key, "arg"))
			rc = parse_globs(v, &p->arg, err, w, key);
		else if (!strcmp(key, "written_by"))
			rc = parse_globs(v, &p->written_by, err, w, key);
		else if (!strcmp(key, "cmdline_contains"))
			rc = parse_strs(v, &p->cmd, err, w, key);
		else if (!strcmp(key, "cmdline_contains_also"))
			rc = parse_strs(v, &p->cmd_also, err, w, key);
		else if (!strcmp(key, "write"))
			rc = get_tri(v, &p->write, err, w, key);
		else if (!strcmp(key, "success"))
			rc = get_tri(v, &p->success, err, w, key);
		else if (!strcmp(key, "sock"))
			rc = get_tri(v, &p->sock, err, w, key);
		else if (!strcmp(key, "stdio_socket"))
			rc = get_tri(v, &p->stdio_socket, err, w, key);
		else if (!strcmp(key, "host_sensitive"))
			rc = get_tri(v, &p->host_sensitive, err, w, key);
		else if (!strcmp(key, "whitelisted"))
			rc = get_tri(v, &p->whitelisted, err, w, key);
		else if (!strcmp(key, "protected_path"))
			rc = get_tri(v, &p->protected_path, err, w, key);
		else if (!strcmp(key, "in_container"))
			rc = get_tri(v, &p->in_container, err, w, key);
		else if (!strcmp(key, "flags_any")) {
			struct bits_ud b = { open_flags, CG_ARRAY_LEN(open_flags), &p->flags_any };
			rc = each_item(v, bits_item, &b, err, w, key);
		} else if (!strcmp(key, "mode_any")) {
			struct bits_ud b = { mode_bits, CG_ARRAY_LEN(mode_bits), &p->mode_any };
			rc = each_item(v, bits_item, &b, err, w, key);
		} else if (!strcmp(key, "port"))
			rc = (p->port = calloc(list_len(v), sizeof(*p->port)))
				     ? each_item(v, port_item, p, err, w, key)
				     : CG_ERR_NOMEM;
		else if (!strcmp(key, "family"))
			rc = each_item(v, fam_item, p, err, w, key);
		else if (!strcmp(key, "addr"))
			rc = (p->addr = calloc(list_len(v), sizeof(*p->addr)))
				     ? each_item(v, addr_item, p, err, w, key)
				     : CG_ERR_NOMEM;
		else if (!strcmp(key, "uid"))
			rc = parse_ints(v, &p->uid, err, w, key);
		else if (!strcmp(key, "uid_not"))
			rc = parse_ints(v, &p->uid_not, err, w, key);
		else if (!strcmp(key, "new_uid"))
			rc = parse_ints(v, &p->new_uid, err, w, key);
		if (rc == CG_ERR_NOMEM)
			return cg_error_set(err, rc, "out of memory");
		if (rc != CG_OK)
			return rc;
	}
	if (p->cmd_also.n && !p->cmd.n)
		return bad(err, w, "\"%s\": \"cmdline_contains_also\" without \"cmdline_contains\"", ctx);
	return CG_OK;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > RULE_ID_MAX || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return false;
	return strchr(s, '.') != NULL;
}

/* T1234 or T1234.123 */
static bool valid_mitre(const char *s)
{
	size_t n = strlen(s);
	if (n != 5 && n != 9)
		return false;
	if (s[0] != 'T')
		return false;
	for (size_t i = 1; i < 5; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (n == 9) {
		if (s[5] != '.')
			return false;
		for (size_t i = 6; i < 9; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
	}
	return true;
}

static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static cg_err_t dup_text(const cg_json *obj, const char *key, size_t max, bool required,
			 const char **out, struct cg_error *err, const struct where *w)
{
	const cg_json *v = cg_json_get(obj, key);
	const char *s;
	if (!v) {
		if (required)
			return bad(err, w, "missing \"%s\"", key);
		return CG_OK;
	}
	if (!(s = get_text(v, max)))
		return bad(err, w, "\"%s\": not a string of 1 to %zu bytes", key, max);
	if (!(*out = strdup(s)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	return CG_OK;
}

static cg_err_t parse_rate(const cg_json *m, struct rule *r, struct cg_error *err,
			   const struct where *w)
{
	long long count = 0, window = 0;
	const char *per = "container";
	if (!cg_json_is_object(m))
		return bad(err, w, "\"rate\": not a mapping");
	for (void *it = cg_json_iter(m); it; it = cg_json_iter_next(m, it)) {
		const char *key = cg_json_iter_key(it);
		const cg_json *v = cg_json_iter_value(it);
		if (!strcmp(key, "count")) {
			if (!get_int(v, 2, 100000, &count))
				return bad(err, w, "\"rate.count\": not an integer from 2 to 100000");
		} else if (!strcmp(key, "window_s")) {
			if (!get_int(v, 1, 86400, &window))
				return bad(err, w, "\"rate.window_s\": not an integer from 1 to 86400");
		} else if (!strcmp(key, "per")) {
			per = cg_json_string(v);
			if (!per || (strcmp(per, "container") && strcmp(per, "process") &&
				     strcmp(per, "node")))
				return bad(err, w, "\"rate.per\": not container, process or node");
		} else {
			return bad(err, w, "\"rate\": unknown key \"%.64s\"", key);
		}
	}
	if (!count || !window)
		return bad(err, w, "\"rate\": needs \"count\" and \"window_s\"");
	r->rate_count = (unsigned)count;
	r->rate_window = (unsigned long long)window * 1000000000ULL;
	r->rate_per = !strcmp(per, "process") ? PER_PROCESS
		      : !strcmp(per, "node")  ? PER_NODE
					      : PER_CONTAINER;
	return CG_OK;
}

static cg_err_t sup_item(const cg_json *item, size_t i, void *ud, struct cg_error *err,
			 const struct where *w, const char *key)
{
	struct rule *r = ud;
	const char *s = get_text(item, RULE_ID_MAX);
	if (!s || !valid_id(s))
		return bad(err, w, "\"%s\" item %zu: not a rule id", key, i);
	if (!(r->supersedes[r->n_supersedes] = strdup(s)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	r->sup_idx[r->n_supersedes++] = SIZE_MAX;
	return CG_OK;
}

static const char *const rule_keys[] = {
	"id", "category", "severity", "mitre", "message", "solution", "when", "unless",
	"manual", "rate", "supersedes",
};

static cg_err_t parse_rule(const cg_json *o, struct rule *r, struct cg_error *err,
			   struct where *w)
{
	cg_err_t rc;
	const cg_json *v;
	bool manual = false;
	if (!cg_json_is_object(o))
		return bad(err, w, "not a mapping");
	if ((rc = dup_text(o, "id", RULE_ID_MAX, true, &r->info.id, err, w)) != CG_OK)
		return rc;
	if (!valid_id(r->info.id))
		return bad(err, w, "\"id\": \"%s\" is not a dotted id of a-z 0-9 _ - (at most %d)",
			   r->info.id, RULE_ID_MAX);
	w->id = r->info.id;
	for (void *it = cg_json_iter(o); it; it = cg_json_iter_next(o, it))
		if (!one_of(cg_json_iter_key(it), rule_keys, CG_ARRAY_LEN(rule_keys)))
			return bad(err, w, "unknown key \"%.64s\"", cg_json_iter_key(it));
	if ((rc = dup_text(o, "category", 64, true, &r->info.category, err, w)) != CG_OK ||
	    (rc = dup_text(o, "severity", 16, true, &r->info.severity, err, w)) != CG_OK ||
	    (rc = dup_text(o, "mitre", 16, true, &r->info.mitre, err, w)) != CG_OK ||
	    (rc = dup_text(o, "message", RULE_TEXT_MAX, true, &r->info.message, err, w)) != CG_OK ||
	    (rc = dup_text(o, "solution", RULE_TEXT_MAX, true, &r->info.solution, err, w)) != CG_OK)
		return rc;
	if (!one_of(r->info.category, categories, CG_ARRAY_LEN(categories)))
		return bad(err, w, "\"category\": unknown category \"%.64s\"", r->info.category);
	if (!one_of(r->info.severity, severities, CG_ARRAY_LEN(severities)))
		return bad(err, w, "\"severity\": not critical, high, medium, low or info");
	if (!valid_mitre(r->info.mitre))
		return bad(err, w, "\"mitre\": not an ATT&CK technique id (T1234 or T1234.001)");
	if ((v = cg_json_get(o, "manual")) && !get_bool(v, &manual))
		return bad(err, w, "\"manual\": not a boolean");
	r->manual = manual;
	v = cg_json_get(o, "when");
	if (manual) {
		if (v || cg_json_get(o, "unless") || cg_json_get(o, "rate") ||
		    cg_json_get(o, "supersedes"))
			return bad(err, w, "a manual rule has no \"when\", \"unless\", \"rate\" or "
				   "\"supersedes\"");
		return CG_OK;
	}
	if (!v)
		return bad(err, w, "missing \"when\" (or \"manual: true\")");
	if ((rc = parse_pred(v, &r->when, 0, err, w, "when")) != CG_OK)
		return rc;
	if ((v = cg_json_get(o, "unless"))) {
		size_t n = list_len(v);
		if (n == 0 || n > RULE_UNLESS_MAX)
			return bad(err, w, "\"unless\": 1 to %d mappings", RULE_UNLESS_MAX);
		if (!(r->unless = calloc(n, sizeof(*r->unless))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			const cg_json *m = cg_json_is_array(v) ? cg_json_array_at(v, i) : v;
			r->n_unless++;
			if ((rc = parse_pred(m, &r->unless[i], r->when.kinds, err, w, "unless")) != CG_OK)
				return rc;
		}
	}
	if ((v = cg_json_get(o, "rate")) && (rc = parse_rate(v, r, err, w)) != CG_OK)
		return rc;
	if ((v = cg_json_get(o, "supersedes"))) {
		size_t n = list_len(v);
		if (!(r->supersedes = calloc(n ? n : 1, sizeof(char *))) ||
		    !(r->sup_idx = calloc(n ? n : 1, sizeof(size_t))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		if ((rc = each_item(v, sup_item, r, err, w, "supersedes")) != CG_OK)
			return rc;
	}
	return CG_OK;
}

/* Rebuild the per-kind index and resolve `supersedes` after rules were added. */
static cg_err_t reindex(struct cg_ruleset *rs, struct cg_error *err)
{
	for (size_t k = 1; k < KIND_MAX; k++) {
		size_t n = 0;
		struct kent *v;
		for (size_t i = 0; i < rs->n; i++)
			if (!rs->r[i]->manual && (rs->r[i]->when.kinds & KB(k)))
				n++;
		if (!(v = calloc(n ? n : 1, sizeof(*v))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		n = 0;
		for (size_t i = 0; i < rs->n; i++) {
			const struct pred *p = &rs->r[i]->when;
			if (rs->r[i]->manual || !(p->kinds & KB(k)))
				continue;
			v[n].rule = (uint32_t)i;
			v[n].write = p->write;
			v[n].base_mask = p->exe_base.n ? 0 : ~0ULL;
			for (size_t g = 0; g < p->exe_base.n; g++)
				v[n].base_mask |= p->exe_base.v[g].lit >= 1
						  ? BYTEBIT(p->exe_base.v[g].pat[0]) : ~0ULL;
			v[n].path_mask = p->path.n ? 0 : ~0ULL;
			for (size_t g = 0; g < p->path.n; g++)
				v[n].path_mask |= p->path.v[g].lit >= 2
						  ? BYTEBIT(p->path.v[g].pat[1]) : ~0ULL;
			n++;
		}
		free(rs->bykind[k]);
		rs->bykind[k] = v;
		rs->nkind[k] = n;
	}
	rs->track_writes = false;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = rs->r[i];
		rs->track_writes = rs->track_writes || r->when.written_by.n;
		for (size_t u = 0; u < r->n_unless; u++)
			rs->track_writes = rs->track_writes || r->unless[u].written_by.n;
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = rs->r[i];
		for (size_t s = 0; s < r->n_supersedes; s++) {
			r->sup_idx[s] = SIZE_MAX;
			for (size_t j = 0; j < rs->n; j++)
				if (j != i && !strcmp(rs->r[j]->info.id, r->supersedes[s]))
					r->sup_idx[s] = j;
		}
	}
	return CG_OK;
}

struct doc_ud {
	struct cg_ruleset *rs;
	const char *name;
	size_t index; /* rules seen in this document stream */
};

static cg_err_t add_rules(void *ud_, const cg_json *root, struct cg_error *err)
{
	struct doc_ud *ud = ud_;
	struct cg_ruleset *rs = ud->rs;
	size_t n;
	if (!cg_json_is_array(root))
		return cg_error_set(err, CG_ERR_INVALID, "%s: a rule document is a list of rules",
				    ud->name);
	n = cg_json_array_len(root);
	for (size_t i = 0; i < n; i++, ud->index++) {
		struct where w = { ud->name, ud->index, NULL };
		struct rule *r;
		cg_err_t rc;
		if (rs->n >= RULES_MAX)
			return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d rules", ud->name,
					    RULES_MAX);
		if (!(r = calloc(1, sizeof(*r))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		if ((rc = parse_rule(cg_json_array_at(root, i), r, err, &w)) != CG_OK) {
			rule_free(r);
			return rc;
		}
		if (cg_rules_get(rs, r->info.id)) {
			rc = bad(err, &w, "duplicate id");
			rule_free(r);
			return rc;
		}
		if (!(r->file = strdup(ud->name))) {
			rule_free(r);
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		}
		if (rs->n == rs->cap) {
			size_t cap = rs->cap ? rs->cap * 2 : 64;
			struct rule **nv = realloc(rs->r, cap * sizeof(*nv));
			if (!nv) {
				rule_free(r);
				return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			}
			rs->r = nv;
			rs->cap = cap;
		}
		rs->r[rs->n++] = r;
	}
	return CG_OK;
}

cg_err_t cg_rules_parse(const char *text, size_t len, const char *name, struct cg_ruleset **rs,
			struct cg_error *err)
{
	struct doc_ud ud;
	struct cg_ruleset *set;
	bool created = false;
	size_t before, i = 0;
	cg_err_t rc;

	if (!rs || (!text && len))
		return cg_error_set(err, CG_ERR_ARG, "cg_rules_parse: bad arguments");
	if (!name)
		name = "(rules)";
	if (len > RULES_FILE_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", name,
				    RULES_FILE_MAX);
	if (!*rs) {
		if (!(*rs = calloc(1, sizeof(**rs))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		created = true;
	}
	set = *rs;
	before = set->n;
	ud.rs = set;
	ud.name = name;
	ud.index = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && text[i] == '[') {
		struct cg_json_limits lim = { RULES_FILE_MAX, 16, false };
		cg_json *root = NULL;
		struct cg_error e2;
		rc = cg_json_parse(text, len, &lim, &root, &e2);
		if (rc != CG_OK)
			rc = cg_error_set(err, rc, "%s: %s", name, e2.msg);
		else
			rc = add_rules(&ud, root, err);
		cg_json_free(root);
	} else if (memchr(text ? text : "", '\0', len)) {
		rc = cg_error_set(err, CG_ERR_INVALID, "%s: NUL byte in a rule document", name);
	} else {
		struct cg_error e2;
		cg_error_clear(&e2);
		rc = cg_yaml_parse((const unsigned char *)(text ? text : ""), len, add_rules, &ud,
				   &e2);
		if (rc != CG_OK) {
			/* add_rules' messages already name the file */
			if (!strncmp(e2.msg, name, strlen(name)))
				cg_error_set(err, rc, "%s", e2.msg);
			else
				cg_error_set(err, rc, "%s: %s", name, e2.msg);
		}
	}
	if (rc == CG_OK)
		rc = reindex(set, err);
	if (rc != CG_OK) {
		/* nothing of a refused document stays */
		while (set->n > before)
			rule_free(set->r[--set->n]);
		if (created) {
			cg_rules_free(set);
			*rs = NULL;
		} else {
			reindex(set, NULL);
		}
	}
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static cg_err_t load_file(const char *path, const char *name, struct cg_ruleset **rs,
			  struct cg_error *err)
{
	struct cg_buf b;
	cg_err_t rc;
	cg_buf_init(&b, RULES_FILE_MAX);
	rc = cg_buf_read_file(&b, AT_FDCWD, path, err);
	if (rc == CG_ERR_LIMIT)
		rc = cg_error_set(err, rc, "%s: larger than %zu bytes", path, RULES_FILE_MAX);
	if (rc == CG_OK)
		rc = cg_rules_parse(b.data, b.len, name, rs, err);
	cg_buf_release(&b);
	return rc;
}

static bool rule_file_name(const char *n)
{
	size_t l = strlen(n);
	if (n[0] == '.')
		return false;
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

cg_err_t cg_rules_load(const char *path, struct cg_ruleset **out, struct cg_error *err)
{
	struct cg_ruleset *rs = NULL;
	struct stat st;
	cg_err_t rc = CG_OK;
	char *names[RULES_FILES_MAX];
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	if (!path || !out)
		return cg_error_set(err, CG_ERR_ARG, "cg_rules_load: bad arguments");
	*out = NULL;
	if (stat(path, &st) != 0)
		return cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		rc = load_file(path, path, &rs, err);
		goto check;
	}
	if (!(d = opendir(path)))
		return cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		if (!rule_file_name(de->d_name))
			continue;
		if (n == RULES_FILES_MAX) {
			rc = cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d rule files", path,
					  RULES_FILES_MAX);
			break;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == CG_OK; i++) {
		char full[4096];
		int l = snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (l < 0 || (size_t)l >= sizeof(full))
			rc = cg_error_set(err, CG_ERR_LIMIT, "%s/%s: path too long", path, names[i]);
		else
			rc = load_file(full, names[i], &rs, err);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (rc == CG_OK && !rs)
		rc = cg_error_set(err, CG_ERR_NOTFOUND, "%s: no rule files (*.yaml, *.yml, *.json)",
				  path);
check:
	/* every `supersedes` names a rule of the set */
	for (size_t i = 0; rc == CG_OK && rs && i < rs->n; i++)
		for (size_t s = 0; s < rs->r[i]->n_supersedes; s++)
			if (rs->r[i]->sup_idx[s] == SIZE_MAX) {
				rc = cg_error_set(err, CG_ERR_INVALID,
						  "%s: rule %s: \"supersedes\": no rule \"%s\"",
						  rs->r[i]->file, rs->r[i]->info.id,
						  rs->r[i]->supersedes[s]);
				break;
			}
	if (rc != CG_OK) {
		cg_rules_free(rs);
		return rc;
	}
	*out = rs;
	return CG_OK;
}

/* ---- evaluation ---------------------------------------------------------- */

/* What eval derives from a record once, for every rule. */
struct view {
	const struct cg_ruleset *rs;
	const struct cg_sev *ev;
	const struct cg_evctx *ctx;
	const char *path, *path2;  /* normalised, NUL-terminated */
	size_t path_len, path2_len;
	bool via_proc_root;        /* a /proc/PID/root/ prefix was stripped */
	const char *prog;          /* the program: exec path, ctx->exe, or comm */
	const char *prog_base;
	const char *parent_base;
	const char *cmdline;
	size_t prog_len, prog_base_len, parent_base_len, comm_len;
	/* the command line in lower case, made on first use (first CMD_MAX bytes) */
	bool lcmd_ready;
	size_t lcmd_len;
	uint64_t bigrams[BIGRAM_BITS / 64];
	char lcmd[CMD_MAX + 1];
	char comm[CG_SEV_COMM + 1];
	char pbuf[CG_SEV_PATH_MAX + 1], p2buf[CG_SEV_PATH_MAX + 1];
	char rawbuf[CG_SEV_PATH_MAX + 1];
};

static const char *base_of(const char *p)
{
	const char *s;
	if (!p)
		return NULL;
	s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Lexical normalisation of a record's path into out (CG_SEV_PATH_MAX + 1):
 * "//" and "/./" collapsed, "/.." resolved against the text, and a leading
 * /proc/(self|thread-self|PID)/root stripped (the process's own root or, with a
 * host pid namespace, another's: *via set). Judges the string only; the opened
 * object is judged by host_sensitive. */
static size_t norm_path(const char *in, size_t n, char *out, bool *via)
{
	size_t o = 0, i = 0;
	bool abs = n > 0 && in[0] == '/';
	*via = false;
	if (!memmem(in, n, "/.", 2) && !memmem(in, n, "//", 2) &&
	    !(n > 6 && !memcmp(in, "/proc/", 6))) {
		memcpy(out, in, n);
		out[n] = '\0';
		return n;
	}
	while (i < n) {
		size_t s = i, l;
		while (i < n && in[i] != '/')
			i++;
		l = i - s;
		if (i < n)
			i++; /* the slash */
		if (l == 0 || (l == 1 && in[s] == '.'))
			continue;
		if (l == 2 && in[s] == '.' && in[s + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the slash before the component */
			continue;
		}
		if (o > 0 || abs)
			out[o++] = '/';
		memcpy(out + o, in + s, l);
		o += l;
	}
	if (o == 0 && abs)
		out[o++] = '/';
	out[o] = '\0';
	/* /proc/X/root[/...] */
	if (o >= 11 && !memcmp(out, "/proc/", 6)) {
		const char *c = out + 6, *e = strchr(c, '/');
		size_t cl = e ? (size_t)(e - c) : 0;
		bool pid = cl > 0;
		for (size_t k = 0; k < cl; k++)
			if (c[k] < '0' || c[k] > '9')
				pid = false;
		if (e && (pid || (cl == 4 && !memcmp(c, "self", 4)) ||
			  (cl == 11 && !memcmp(c, "thread-self", 11))) &&
		    !strncmp(e, "/root", 5) && (e[5] == '/' || e[5] == '\0')) {
			const char *rest = e + 5;
			size_t rl = strlen(rest);
			*via = true;
			if (rl == 0) {
				out[0] = '/';
				out[1] = '\0';
				return 1;
			}
			memmove(out, rest, rl + 1);
			return rl;
		}
	}
	return o;
}

static void view_init(struct view *v, const struct cg_ruleset *rs, const struct cg_sev *ev,
		      const struct cg_evctx *ctx)
{
	static const struct cg_evctx none;
	size_t n;
	bool via2 = false;
	v->rs = rs;
	v->ev = ev;
	v->ctx = ctx ? ctx : &none;
	ctx = v->ctx;
	v->path = v->path2 = "";
	v->path_len = v->path2_len = 0;
	v->via_proc_root = false;
	if (KB(ev->kind) & K_PATHS) {
		n = strnlen(ev->path, CG_SEV_PATH_MAX);
		v->path_len = norm_path(ev->path, n, v->pbuf, &v->via_proc_root);
		v->path = v->pbuf;
		n = strnlen(ev->path2, CG_SEV_PATH_MAX);
		v->path2_len = norm_path(ev->path2, n, v->p2buf, &via2);
		v->path2 = v->p2buf;
		v->via_proc_root = v->via_proc_root || via2;
	}
	n = strnlen(ev->comm, CG_SEV_COMM);
	memcpy(v->comm, ev->comm, n);
	v->comm[n] = '\0';
	if (ev->kind == CG_SEV_EXEC || ev->kind == CG_SEV_KILLED) {
		/* the program as exec'ed, cleaned like any path ("//tmp/x" is
		 * /tmp/x); details keep the raw text */
		n = strnlen(ev->path, CG_SEV_PATH_MAX);
		memcpy(v->rawbuf, ev->path, n);
		v->rawbuf[n] = '\0';
		v->prog = n ? v->pbuf : (ctx->exe ? ctx->exe : v->comm);
	} else {
		v->prog = ctx->exe ? ctx->exe : v->comm;
	}
	v->prog_base = base_of(v->prog);
	v->parent_base = base_of(ctx->parent_exe);
	v->cmdline = ctx->cmdline;
	v->prog_len = strlen(v->prog);
	v->prog_base_len = strlen(v->prog_base);
	v->parent_base_len = v->parent_base ? strlen(v->parent_base) : 0;
	v->comm_len = strlen(v->comm);
	v->lcmd_ready = false;
}

static void view_lcmd(struct view *v)
{
	size_t n = 0;
	if (v->lcmd_ready)
		return;
	if (v->cmdline) {
		for (; n < CMD_MAX && v->cmdline[n]; n++) {
			char c = v->cmdline[n];
			v->lcmd[n] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
	}
	v->lcmd[n] = '\0';
	v->lcmd_len = n;
	v->lcmd_ready = true;
	memset(v->bigrams, 0, sizeof(v->bigrams));
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned short h = BIGRAM(v->lcmd[i], v->lcmd[i + 1]);
		v->bigrams[h / 64] |= 1ULL << (h % 64);
	}
}

static inline bool glob_match(const struct glob *g, const char *s, size_t n)
{
	if (g->literal)
		return n == g->lit && s[0] == g->pat[0] && !memcmp(g->pat, s, n);
	if (n < g->lit || (g->lit && s[0] != g->pat[0]) || memcmp(g->pat, s, g->lit))
		return false;
	if (g->suf && (n < g->suf || memcmp(g->pat + g->len - g->suf, s + n - g->suf, g->suf)))
		return false;
	return fnmatch(g->pat, s, 0) == 0;
}

static bool globs_match(const struct globs *gs, const char *s, size_t n)
{
	if (!s || !(gs->mask1 & BYTEBIT(s[0])))
		return false;
	for (size_t i = 0; i < gs->n; i++)
		if (glob_match(&gs->v[i], s, n))
			return true;
	return false;
}

/* Any argument (argv[1..], split at spaces) matches one of the globs. */
static bool args_match(const struct globs *gs, const char *cmd)
{
	char tok[RULE_STR_MAX + 1];
	const char *p;
	if (!cmd)
		return false;
	p = strchr(cmd, ' ');
	while (p) {
		const char *s, *e;
		size_t l;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		s = p;
		e = strchr(s, ' ');
		l = e ? (size_t)(e - s) : strlen(s);
		p = e;
		if (l > RULE_STR_MAX)
			continue;
		memcpy(tok, s, l);
		tok[l] = '\0';
		for (size_t i = 0; i < gs->n; i++)
			if (glob_match(&gs->v[i], tok, l))
				return true;
	}
	return false;
}

/* Substrings (lower case) of the lower-cased command line. */
static bool strs_match(const struct strs *st, struct view *v)
{
	if (!v->cmdline)
		return false;
	view_lcmd(v);
	for (size_t i = 0; i < st->n; i++) {
		if (st->len[i] >= 2) {
			unsigned short a = st->bg[i][0], b = st->bg[i][1];
			if (!(v->bigrams[a / 64] & (1ULL << (a % 64))) ||
			    !(v->bigrams[b / 64] & (1ULL << (b % 64))))
				continue; /* a byte pair of the needle is not in the line */
		}
		if (memmem(v->lcmd, v->lcmd_len, st->v[i], st->len[i]))
			return true;
	}
	return false;
}

static bool ints_has(const struct ints *x, long long v)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == v)
			return true;
	return false;
}

static bool tri_ok(unsigned char t, bool v)
{
	return t == T_ANY || (t == T_TRUE) == v;
}

static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned full = bits / 8, rem = bits % 8;
	if (memcmp(a, b, full))
		return false;
	if (rem) {
		unsigned char m = (unsigned char)(0xff << (8 - rem));
		if ((a[full] & m) != (b[full] & m))
			return false;
	}
	return true;
}

static bool addr_match(const struct pred *p, const struct cg_sev *ev)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	for (size_t i = 0; i < p->n_addr; i++) {
		const struct cidr *c = &p->addr[i];
		if (ev->family == AF_INET && c->fam == AF_INET && prefix_eq(ev->addr, c->a, c->bits))
			return true;
		if (ev->family == AF_INET6 && c->fam == AF_INET6 && prefix_eq(ev->addr, c->a, c->bits))
			return true;
		if (ev->family == AF_INET6 && c->fam == AF_INET && !memcmp(ev->addr, mapped, 12) &&
		    prefix_eq(ev->addr + 12, c->a, c->bits))
			return true;
	}
	return false;
}

static bool is_write(const struct cg_sev *ev)
{
	switch (ev->kind) {
	case CG_SEV_OPEN:
		return (ev->flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0 ||
		       (ev->flags & O_TMPFILE) == O_TMPFILE;
	case CG_SEV_RENAME: case CG_SEV_UNLINK: case CG_SEV_LINK: case CG_SEV_CHMOD:
		return true;
	default:
		return false;
	}
}

static unsigned chmod_mode(const struct cg_sev *ev)
{
	return ev->mode ? ev->mode : ev->flags;
}

static int record_nr(const struct cg_sev *ev)
{
	if (ev->nr < 0 && ev->kind == CG_SEV_MOUNT)
		return NR_MOUNT;
	return ev->nr;
}

static unsigned long long mix64(unsigned long long x);

/* The key of (container, cleaned path) in the writers table; never 0. */
static unsigned long long write_key(const struct cg_sev *ev, const char *path, size_t n)
{
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)path[i]) * 1099511628211ULL;
	h = mix64(h ^ mix64(ev->cgid ? ev->cgid : ev->pidns));
	return h ? h : 1;
}

/* Remember the program that write-opened a path (the last writer wins). */
static void note_write(struct cg_ruleset *rs, const struct view *v)
{
	unsigned long long key;
	struct write_slot *s;
	size_t n;
	if (!rs->writes && !(rs->writes = calloc(WRITE_SLOTS, sizeof(*rs->writes))))
		return;
	key = write_key(v->ev, v->path, v->path_len);
	s = &rs->writes[key & (WRITE_SLOTS - 1)];
	s->key = key;
	n = v->prog_base_len < sizeof(s->name) - 1 ? v->prog_base_len : sizeof(s->name) - 1;
	memcpy(s->name, v->prog_base, n);
	s->name[n] = '\0';
}

static bool written_by_match(const struct globs *gs, const struct view *v)
{
	unsigned long long key;
	const struct write_slot *s;
	if (!v->rs->writes)
		return false;
	key = write_key(v->ev, v->path, v->path_len);
	s = &v->rs->writes[key & (WRITE_SLOTS - 1)];
	return s->key == key && globs_match(gs, s->name, strlen(s->name));
}

/* Cheapest tests first. */
static bool pred_match(const struct pred *p, struct view *v)
{
	const struct cg_sev *ev = v->ev;
	const struct cg_evctx *ctx = v->ctx;
	if (!(p->kinds & KB(ev->kind)))
		return false;
	if (p->write && !tri_ok(p->write, is_write(ev)))
		return false;
	if (p->success && !tri_ok(p->success, ev->ret >= 0))
		return false;
	if (p->sock && !tri_ok(p->sock, ev->sock != 0))
		return false;
	if (p->stdio_socket && !tri_ok(p->stdio_socket, ctx->stdio_socket))
		return false;
	if (p->host_sensitive && !tri_ok(p->host_sensitive, ctx->host_sensitive))
		return false;
	if (p->protected_path && !tri_ok(p->protected_path, ctx->protected_path))
		return false;
	if (p->in_container && !tri_ok(p->in_container, ctx->container != NULL))
		return false;
	/* the whitelist is judged only where a policy applies */
	if (p->whitelisted && (!ctx->policy || !tri_ok(p->whitelisted, ctx->whitelisted)))
		return false;
	if (p->flags_any && !(ev->flags & p->flags_any))
		return false;
	if (p->mode_any && !(chmod_mode(ev) & p->mode_any))
		return false;
	if (p->syscall.n && !ints_has(&p->syscall, record_nr(ev)))
		return false;
	if (p->uid.n && !ints_has(&p->uid, ev->uid))
		return false;
	if (p->uid_not.n && ints_has(&p->uid_not, ev->uid))
		return false;
	if (p->new_uid.n && !ints_has(&p->new_uid, (long long)(unsigned)ev->args[0]))
		return false;
	if (p->n_fam) {
		bool ok = false;
		for (size_t i = 0; i < p->n_fam; i++)
			ok = ok || p->fam[i] == ev->family;
		if (!ok)
			return false;
	}
	if (p->n_port) {
		bool ok = false;
		for (size_t i = 0; i < p->n_port; i++)
			ok = ok || (ev->port >= p->port[i].lo && ev->port <= p->port[i].hi);
		if (!ok)
			return false;
	}
	if (p->n_addr && !addr_match(p, ev))
		return false;
	if (p->comm.n && !globs_match(&p->comm, v->comm, v->comm_len))
		return false;
	if (p->exe_base.n && !globs_match(&p->exe_base, v->prog_base, v->prog_base_len))
		return false;
	if (p->parent_exe_base.n &&
	    !globs_match(&p->parent_exe_base, v->parent_base, v->parent_base_len))
		return false;
	if (p->exe.n && !globs_match(&p->exe, v->prog, v->prog_len))
		return false;
	if (p->path.n) {
		bool ok = false;
		uint64_t b = BYTEBIT(v->path_len > 1 ? v->path[1] : 0);
		if (ev->kind == CG_SEV_RENAME || ev->kind == CG_SEV_LINK)
			b |= BYTEBIT(v->path2_len > 1 ? v->path2[1] : 0);
		if (!(p->path.mask2 & b))
			return false;
		for (size_t i = 0; i < p->path.n && !ok; i++) {
			ok = glob_match(&p->path.v[i], v->path, v->path_len);
			/* rename/link: either end; mount: the source only */
			if (!ok && (ev->kind == CG_SEV_RENAME || ev->kind == CG_SEV_LINK))
				ok = glob_match(&p->path.v[i], v->path2, v->path2_len);
		}
		if (!ok)
			return false;
	}
	if (p->arg.n && !args_match(&p->arg, v->cmdline))
		return false;
	if (p->written_by.n && !written_by_match(&p->written_by, v))
		return false;
	if (p->cmd.n && !strs_match(&p->cmd, v))
		return false;
	if (p->cmd_also.n && !strs_match(&p->cmd_also, v))
		return false;
	return true;
}

static unsigned long long mix64(unsigned long long x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Count one match of a rate rule; true when the count is reached (and the
 * window starts over). Fixed windows from the first match; the table is
 * bounded: a full probe sequence evicts its oldest window. */
static bool rate_hit(struct cg_ruleset *rs, size_t ri, const struct rule *r,
		     const struct cg_sev *ev, unsigned *count)
{
	unsigned long long key, h;
	struct rate_slot *victim = NULL, *s = NULL;
	if (!rs->rate && !(rs->rate = calloc(RATE_SLOTS, sizeof(*rs->rate))))
		return false;
	switch (r->rate_per) {
	case PER_PROCESS: key = (unsigned long long)(unsigned)ev->pid | (1ULL << 40); break;
	case PER_NODE: key = 0; break;
	default: key = ev->cgid ? ev->cgid : ((unsigned long long)ev->pidns | (1ULL << 41)); break;
	}
	h = mix64(key * 31 + ri);
	for (unsigned i = 0; i < RATE_PROBE; i++) {
		struct rate_slot *x = &rs->rate[(h + i) & (RATE_SLOTS - 1)];
		if (x->rule == ri + 1 && x->key == key) {
			s = x;
			break;
		}
		if (!victim || (victim->rule != 0 && (x->rule == 0 || x->start < victim->start)))
			victim = x;
	}
	if (!s) {
		s = victim;
		s->rule = (uint32_t)ri + 1;
		s->key = key;
		s->start = ev->ts;
		s->count = 0;
	}
	if (ev->ts < s->start || ev->ts - s->start > r->rate_window) {
		s->start = ev->ts;
		s->count = 0;
	}
	if (++s->count < r->rate_count)
		return false;
	*count = s->count;
	s->count = 0;
	s->start = ev->ts;
	return true;
}

/* ---- details ------------------------------------------------------------- */

/* A JSON string of untrusted bytes: invalid UTF-8 bytes become '?'. */
static cg_json *jstr(const char *s, size_t n)
{
	char *c;
	cg_json *j;
	size_t i = 0;
	if (cg_utf8_valid(s, n))
		return cg_json_new_stringn(s, n);
	if (!(c = malloc(n + 1)))
		return NULL;
	memcpy(c, s, n);
	while (i < n) {
		size_t l = cg_utf8_next(c + i, n - i, NULL);
		if (l == 0) {
			c[i] = '?';
			l = 1;
		}
		i += l;
	}
	j = cg_json_new_stringn(c, n);
	free(c);
	return j;
}

static cg_err_t set_s(cg_json *o, const char *key, const char *s)
{
	if (!s)
		return CG_OK;
	return cg_json_set(o, key, jstr(s, strlen(s)));
}

static cg_json *bit_names(const struct bitname *t, size_t n, unsigned v, bool open_acc)
{
	cg_json *a = cg_json_new_array();
	if (!a)
		return NULL;
	if (open_acc && (v & O_ACCMODE) == O_RDONLY && cg_json_append(a, cg_json_new_string("O_RDONLY")))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (t[i].bit == O_TMPFILE && open_acc) {
			if ((v & O_TMPFILE) == O_TMPFILE &&
			    cg_json_append(a, cg_json_new_string(t[i].name)))
				goto fail;
			continue;
		}
		if (open_acc && t[i].bit == O_DIRECTORY && (v & O_TMPFILE) == O_TMPFILE)
			continue;
		if ((v & t[i].bit) && cg_json_append(a, cg_json_new_string(t[i].name)))
			goto fail;
	}
	return a;
fail:
	cg_json_free(a);
	return NULL;
}

static const char *syscall_name(int nr)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(syscalls); i++)
		if (syscalls[i].nr == nr)
			return syscalls[i].name;
	return NULL;
}

static cg_err_t set_addr(cg_json *d, const struct cg_sev *ev)
{
	char a[INET6_ADDRSTRLEN + 8];
	cg_err_t rc = CG_OK;
	const char *fam = NULL;
	for (size_t i = 0; i < CG_ARRAY_LEN(families); i++)
		if (families[i].fam == ev->family)
			fam = families[i].name;
	if (fam)
		rc = cg_json_set_str(d, "family", fam);
	else
		rc = cg_json_set_int(d, "family", ev->family);
	if (rc)
		return rc;
	if (ev->family == AF_INET && inet_ntop(AF_INET, ev->addr, a, sizeof(a)))
		rc = cg_json_set_str(d, "address", a);
	else if (ev->family == AF_INET6 && inet_ntop(AF_INET6, ev->addr, a, sizeof(a)))
		rc = cg_json_set_str(d, "address", a);
	return rc ? rc : cg_json_set_int(d, "port", ev->port);
}

static char *octal(char *buf, size_t n, unsigned m)
{
	snprintf(buf, n, "%04o", m & 07777);
	return buf;
}

static cg_json *details_for(const struct view *v, const struct rule *r, unsigned rate_count)
{
	const struct cg_sev *ev = v->ev;
	const struct cg_evctx *ctx = v->ctx;
	cg_json *d = cg_json_new_object();
	const char *sc;
	char buf[64];
	cg_err_t rc = CG_OK;
	if (!d)
		return NULL;
	switch (ev->kind) {
	case CG_SEV_EXEC:
	case CG_SEV_KILLED:
		rc = set_s(d, "path", v->rawbuf);
		if (!rc && ctx->parent_exe)
			rc = set_s(d, "parent_exe", ctx->parent_exe);
		if (!rc && ctx->stdio_socket)
			rc = cg_json_set_bool(d, "stdio_socket", true);
		if (!rc && ctx->policy)
			rc = cg_json_set_bool(d, "whitelisted", ctx->whitelisted);
		if (!rc && ctx->policy && ctx->policy->name)
			rc = set_s(d, "policy", ctx->policy->name);
		break;
	case CG_SEV_OPEN:
		rc = set_s(d, "path", v->path);
		if (!rc)
			rc = cg_json_set(d, "flags", bit_names(open_flags, CG_ARRAY_LEN(open_flags),
								ev->flags, true));
		if (!rc && ev->ret < 0)
			rc = cg_json_set_int(d, "errno", -ev->ret);
		if (!rc && ctx->host_sensitive)
			rc = cg_json_set_bool(d, "host_sensitive", true);
		if (!rc && ctx->host_object)
			rc = set_s(d, "host_object", ctx->host_object);
		if (!rc && ctx->protected_path)
			rc = cg_json_set_bool(d, "protected_path", true);
		if (!rc && ev->ret >= 0 && (ev->dev || ev->ino)) {
			snprintf(buf, sizeof(buf), "%llu:%llu", ev->dev, ev->ino);
			rc = cg_json_set_str(d, "object", buf);
		}
		break;
	case CG_SEV_SYSCALL:
	case CG_SEV_SETUID:
		sc = syscall_name(ev->nr);
		rc = sc ? cg_json_set_str(d, "syscall", sc) : CG_OK;
		if (!rc)
			rc = cg_json_set_int(d, "nr", ev->nr);
		if (!rc && ev->kind == CG_SEV_SETUID) {
			rc = cg_json_set_int(d, "uid", ev->uid);
			if (!rc)
				rc = cg_json_set_int(d, "new_uid", (unsigned)ev->args[0]);
		} else if (!rc) {
			cg_json *a = cg_json_new_array();
			for (int i = 0; a && i < 4 && !rc; i++)
				rc = cg_json_append(a, cg_json_new_int(ev->args[i]));
			rc = rc ? (cg_json_free(a), rc) : cg_json_set(d, "args", a);
		}
		if (!rc)
			rc = cg_json_set_int(d, "ret", ev->ret);
		break;
	case CG_SEV_CONNECT:
	case CG_SEV_ACCEPT:
		rc = set_addr(d, ev);
		if (!rc && ev->kind == CG_SEV_CONNECT)
			rc = cg_json_set_int(d, "ret", ev->ret);
		break;
	case CG_SEV_DUP:
		rc = cg_json_set_int(d, "oldfd", ev->args[0]);
		if (!rc)
			rc = cg_json_set_int(d, "newfd", ev->args[1]);
		if (!rc)
			rc = cg_json_set_bool(d, "socket", ev->sock != 0);
		if (!rc && ev->family)
			rc = set_addr(d, ev);
		break;
	case CG_SEV_CHMOD:
		rc = set_s(d, "path", v->path);
		if (!rc)
			rc = cg_json_set_str(d, "mode", octal(buf, sizeof(buf), chmod_mode(ev)));
		if (!rc)
			rc = cg_json_set(d, "mode_bits", bit_names(mode_bits, 3, chmod_mode(ev), false));
		break;
	case CG_SEV_RENAME:
	case CG_SEV_LINK:
		rc = set_s(d, "from", v->path);
		if (!rc)
			rc = set_s(d, "to", v->path2);
		if (!rc && ctx->protected_path)
			rc = cg_json_set_bool(d, "protected_path", true);
		break;
	case CG_SEV_UNLINK:
		rc = set_s(d, "path", v->path);
		if (!rc && ctx->protected_path)
			rc = cg_json_set_bool(d, "protected_path", true);
		break;
	case CG_SEV_MOUNT:
		rc = set_s(d, "source", v->path);
		if (!rc)
			rc = set_s(d, "target", v->path2);
		if (!rc)
			rc = cg_json_set(d, "flags", bit_names(mount_flags, CG_ARRAY_LEN(mount_flags),
								(unsigned)ev->args[0], false));
		break;
	case CG_SEV_LOST:
		rc = cg_json_set_int(d, "lost", ev->args[0]);
		break;
	case CG_SEV_FORK:
		rc = cg_json_set_int(d, "child", ev->pid);
		break;
	default:
		break;
	}
	if (!rc && ev->ret < 0 && ev->kind != CG_SEV_OPEN && ev->kind != CG_SEV_SYSCALL &&
	    ev->kind != CG_SEV_SETUID && ev->kind != CG_SEV_CONNECT && ev->kind != CG_SEV_LOST &&
	    ev->kind != CG_SEV_DUP)
		rc = cg_json_set_int(d, "errno", -ev->ret);
	if (!rc && v->via_proc_root)
		rc = cg_json_set_bool(d, "via_proc_root", true);
	if (!rc && r->rate_count) {
		rc = cg_json_set_int(d, "count", rate_count);
		if (!rc)
			rc = cg_json_set_int(d, "window_s", (int64_t)(r->rate_window / 1000000000ULL));
	}
	if (rc) {
		cg_json_free(d);
		return NULL;
	}
	return d;
}

size_t cg_rules_eval(struct cg_ruleset *rs, const struct cg_sev *ev, const struct cg_evctx *ctx,
		     struct cg_alert *out, size_t max)
{
	struct view v;
	size_t hit[RULE_MATCH_MAX];
	unsigned counts[RULE_MATCH_MAX];
	size_t nh = 0, n = 0;
	const struct kent *idx;
	size_t ni;
	uint64_t base_bit, path_bits;
	bool wr;

	if (!rs || !ev || !out || max == 0 || ev->kind == 0 || ev->kind >= KIND_MAX)
		return 0;
	ni = rs->nkind[ev->kind];
	if (ni == 0)
		return 0;
	idx = rs->bykind[ev->kind];
	view_init(&v, rs, ev, ctx);
	base_bit = BYTEBIT(v.prog_base[0]);
	path_bits = BYTEBIT(v.path_len > 1 ? v.path[1] : 0);
	if (ev->kind == CG_SEV_RENAME || ev->kind == CG_SEV_LINK)
		path_bits |= BYTEBIT(v.path2_len > 1 ? v.path2[1] : 0);
	wr = is_write(ev);
	if (rs->track_writes && ev->kind == CG_SEV_OPEN && wr && ev->ret >= 0 && v.path_len)
		note_write(rs, &v);
	for (size_t i = 0; i < ni && nh < RULE_MATCH_MAX; i++) {
		const struct kent *e = &idx[i];
		const struct rule *r;
		bool excepted = false;
		unsigned cnt = 0;
		if (!(e->base_mask & base_bit) || !(e->path_mask & path_bits) ||
		    (e->write && !tri_ok(e->write, wr)))
			continue;
		r = rs->r[e->rule];
		if (!pred_match(&r->when, &v))
			continue;
		for (size_t u = 0; u < r->n_unless && !excepted; u++)
			excepted = pred_match(&r->unless[u], &v);
		if (excepted)
			continue;
		if (r->rate_count && !rate_hit(rs, e->rule, r, ev, &cnt))
			continue;
		counts[nh] = cnt;
		hit[nh++] = e->rule;
	}
	for (size_t i = 0; i < nh && n < max; i++) {
		const struct rule *r = rs->r[hit[i]];
		bool dropped = false;
		/* a more specific rule that fired takes over the general one */
		for (size_t j = 0; j < nh && !dropped; j++) {
			const struct rule *o = rs->r[hit[j]];
			for (size_t s = 0; s < o->n_supersedes && !dropped; s++)
				dropped = j != i && o->sup_idx[s] == hit[i];
		}
		if (dropped)
			continue;
		out[n].rule = &r->info;
		out[n].details = details_for(&v, r, counts[i]);
		n++;
	}
	return n;
}

/* ---- accounts ------------------------------------------------------------ */

/* Field f (0-based) of a colon-separated line [s, e). */
static bool field(const char *s, const char *e, unsigned f, const char **fs, size_t *fl)
{
	const char *p = s;
	for (unsigned i = 0; i < f; i++) {
		const char *c = memchr(p, ':', (size_t)(e - p));
		if (!c)
			return false;
		p = c + 1;
	}
	*fs = p;
	{
		const char *c = memchr(p, ':', (size_t)(e - p));
		*fl = c ? (size_t)(c - p) : (size_t)(e - p);
	}
	return true;
}

#define ACCOUNTS_MAX_LINES 65536
#define ACCOUNTS_MAX_LISTED 64

static cg_err_t note(cg_json *d, const char *key, const char *name, size_t nl)
{
	cg_json *a = cg_json_get(d, key);
	if (!a) {
		cg_err_t rc = cg_json_set(d, key, cg_json_new_array());
		if (rc)
			return rc;
		a = cg_json_get(d, key);
	}
	if (cg_json_array_len(a) >= ACCOUNTS_MAX_LISTED)
		return CG_OK;
	return cg_json_append(a, jstr(name, nl));
}

unsigned cg_rules_check_accounts(const char *passwd_text, size_t n, const char *shadow_text,
				 size_t m, cg_json **details)
{
	unsigned found = 0;
	cg_json *d;
	const char *texts[2] = { passwd_text, shadow_text };
	size_t lens[2] = { n, m };

	if (details)
		*details = NULL;
	if (!(d = cg_json_new_object()))
		return 0;
	for (int t = 0; t < 2; t++) {
		const char *p = texts[t], *end;
		size_t lines = 0;
		if (!p)
			continue;
		end = p + lens[t];
		while (p < end && lines++ < ACCOUNTS_MAX_LINES) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *e = nl ? nl : end;
			const char *name, *pw, *uid;
			size_t name_l, pw_l, uid_l;
			if (e > p && e[-1] == '\r')
				e--;
			if (e > p && *p != '#' && field(p, e, 0, &name, &name_l) && name_l > 0 &&
			    field(p, e, 1, &pw, &pw_l)) {
				/* empty password: passwd's field 2 empty, or shadow's */
				if (pw_l == 0) {
					found |= CG_ACCOUNT_EMPTY_PASSWORD;
					if (note(d, "empty_password", name, name_l))
						goto fail;
				}
				if (t == 0 && field(p, e, 2, &uid, &uid_l) && uid_l == 1 &&
				    uid[0] == '0' && !(name_l == 4 && !memcmp(name, "root", 4))) {
					found |= CG_ACCOUNT_UID0;
					if (note(d, "uid0", name, name_l))
						goto fail;
				}
			}
			p = nl ? nl + 1 : end;
		}
	}
	if (!found || !details) {
		cg_json_free(d);
		return found;
	}
	*details = d;
	return found;
fail:
	cg_json_free(d);
	return found;
}

/* ---- the event line ------------------------------------------------------ */

static cg_err_t set_opt(cg_json *o, const char *key, const char *s)
{
	return s && *s ? set_s(o, key, s) : CG_OK;
}

cg_err_t cg_event_json(const struct cg_rule_info *rule, const char *action, const char *node,
		       const struct cg_sev *ev, const struct cg_evctx *ctx, cg_json *details,
		       unsigned long long realtime_ns, cg_json **out)
{
	static const struct cg_evctx none;
	cg_json *o = NULL, *c = NULL, *p = NULL;
	unsigned char rnd[16];
	char id[33], tbuf[64], comm[CG_SEV_COMM + 1], exe[CG_SEV_PATH_MAX + 1];
	struct tm tm;
	time_t secs;
	cg_err_t rc;

	if (!out)
		return CG_ERR_ARG;
	*out = NULL;
	if (!rule || !action || !ev) {
		cg_json_free(details);
		return CG_ERR_ARG;
	}
	if (!ctx)
		ctx = &none;
	if (!(o = cg_json_new_object())) {
		cg_json_free(details);
		return CG_ERR_NOMEM;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		cg_json_free(o);
		cg_json_free(details);
		return CG_ERR_IO;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	secs = (time_t)(realtime_ns / 1000000000ULL);
	if (!gmtime_r(&secs, &tm)) {
		cg_json_free(o);
		cg_json_free(details);
		return CG_ERR_INVALID;
	}
	snprintf(tbuf, sizeof(tbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 realtime_ns % 1000000000ULL);
	rc = cg_json_set_str(o, "id", id);
	if (!rc)
		rc = cg_json_set_str(o, "time", tbuf);
	if (!rc)
		rc = set_opt(o, "node", node);
	if (!rc && ctx->container) {
		const struct cg_container *k = ctx->container;
		if (!(c = cg_json_new_object()))
			rc = CG_ERR_NOMEM;
		if (!rc)
			rc = set_opt(c, "id", k->id);
		if (!rc)
			rc = set_opt(c, "name", k->name);
		if (!rc)
			rc = set_opt(c, "image", k->image);
		if (!rc)
			rc = set_opt(c, "image_digest", k->image_digest);
		if (!rc)
			rc = set_opt(c, "pod", k->pod);
		if (!rc)
			rc = set_opt(c, "namespace", k->namespace);
		if (!rc) {
			rc = cg_json_set(o, "container", c);
			c = NULL;
		}
	}
	if (!rc) {
		size_t cl = strnlen(ev->comm, CG_SEV_COMM), el;
		const char *x = ctx->exe;
		memcpy(comm, ev->comm, cl);
		comm[cl] = '\0';
		if ((ev->kind == CG_SEV_EXEC || ev->kind == CG_SEV_KILLED) && ev->path[0]) {
			el = strnlen(ev->path, CG_SEV_PATH_MAX);
			memcpy(exe, ev->path, el);
			exe[el] = '\0';
			x = exe;
		}
		if (!(p = cg_json_new_object()))
			rc = CG_ERR_NOMEM;
		if (!rc)
			rc = cg_json_set_int(p, "pid", ev->pid);
		if (!rc)
			rc = cg_json_set_int(p, "ppid", ev->ppid);
		if (!rc)
			rc = cg_json_set_int(p, "uid", ev->uid);
		if (!rc && ev->euid != ev->uid)
			rc = cg_json_set_int(p, "euid", ev->euid);
		if (!rc)
			rc = set_opt(p, "exe", x);
		if (!rc)
			rc = set_opt(p, "comm", comm);
		if (!rc)
			rc = set_opt(p, "cmdline", ctx->cmdline);
		if (!rc) {
			rc = cg_json_set(o, "process", p);
			p = NULL;
		}
	}
	if (!rc)
		rc = set_s(o, "category", rule->category);
	if (!rc)
		rc = set_s(o, "rule", rule->id);
	if (!rc)
		rc = set_s(o, "severity", rule->severity);
	if (!rc)
		rc = set_s(o, "action", action);
	if (!rc)
		rc = set_s(o, "message", rule->message);
	if (!rc)
		rc = set_s(o, "solution", rule->solution);
	if (!rc)
		rc = set_s(o, "mitre", rule->mitre);
	if (!rc)
		rc = cg_json_set(o, "details", details ? cg_json_ref(details) : cg_json_new_object());
	cg_json_free(details);
	cg_json_free(c);
	cg_json_free(p);
	if (rc) {
		cg_json_free(o);
		return rc;
	}
	*out = o;
	return CG_OK;
}
