/* The node agent's main loop (include/cguard/agent.h).
 *
 * One thread: epoll over the sensor's ring buffer, the discovery's inotify
 * descriptor and a 25 ms timer. A record goes: attribution (cgroup id, then
 * pid namespace) -> process table (program, command line, parent) -> context
 * (policy, whitelist, protected path, host-sensitive object, stdio sockets) ->
 * rules -> action -> one JSON line. Container starts run the environment checks
 * and apply the container's policy: the process whitelist goes into the kernel
 * (kill at exec) and protected paths become read-only bind mounts inside the
 * container. */
#include "util/internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <linux/openat2.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cguard/agent.h>

#include "agent/agent_int.h"
#include "agent/containers.h"
#include "agent/protect.h"
#include "agent/rules.h"
#include "agent/sensor.h"
#include "agent/uplink.h"
#include "scan/malware.h"

#ifndef CG_RULES_DIR
#define CG_RULES_DIR "rules"
#endif

#define AG_MAX_ALERTS 16
#define AG_PROC_CAP 65536u   /* process table slots (power of two) */
#define AG_LINE_MAX (256u << 10)
#define AG_CMDLINE_MAX 1024
#define AG_FILE_MAX ((size_t)4 << 20)
#define AG_HASH_CACHE 4096u


/* ---- the process table ------------------------------------------------------ */

struct ag_proc {
	int pid;                 /* 0: free slot */
	unsigned long long cgid;
	char exe[CG_SEV_PATH_MAX];
	char cmdline[AG_CMDLINE_MAX];
	char pexe[CG_SEV_PATH_MAX];
	unsigned char state;     /* PS_*: is it the runtime setting the container up? */
};

/* A process seen in a container is the runtime's own (runc init between fork
 * and the exec of the container's program: it makes keyrings, mounts, setns
 * calls that are no attack) until it or its ancestor execs a program. */
enum { PS_UNKNOWN = 0, PS_RUNTIME = 1, PS_WORKLOAD = 2 };

struct ag_proctab {
	struct ag_proc *slot; /* AG_PROC_CAP entries, open addressing */
	size_t used;
	size_t evicted;
};

static size_t pt_hash(int pid)
{
	return ((unsigned)pid * 2654435761u) & (AG_PROC_CAP - 1);
}

static struct ag_proc *pt_find(struct ag_proctab *t, int pid)
{
	size_t i = pt_hash(pid);
	for (size_t n = 0; n < AG_PROC_CAP; n++, i = (i + 1) & (AG_PROC_CAP - 1)) {
		if (t->slot[i].pid == pid)
			return &t->slot[i];
		if (t->slot[i].pid == 0)
			return NULL;
	}
	return NULL;
}

static void pt_del(struct ag_proctab *t, int pid)
{
	size_t i = pt_hash(pid), j;
	struct ag_proc *p = pt_find(t, pid);
	if (!p)
		return;
	i = (size_t)(p - t->slot);
	t->slot[i].pid = 0;
	t->used--;
	/* Backward-shift deletion keeps probe chains intact. */
	j = i;
	for (;;) {
		size_t k;
		j = (j + 1) & (AG_PROC_CAP - 1);
		if (t->slot[j].pid == 0)
			break;
		k = pt_hash(t->slot[j].pid);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slot[i] = t->slot[j];
			t->slot[j].pid = 0;
			i = j;
		}
	}
}

static struct ag_proc *pt_get(struct ag_proctab *t, int pid)
{
	struct ag_proc *p = pt_find(t, pid);
	size_t i;
	if (p)
		return p;
	if (t->used >= AG_PROC_CAP * 3 / 4) {
		/* Full: forget an arbitrary neighbour (processes whose exit was
		 * lost). Counted; their later records fall back to /proc. */
		size_t v = pt_hash(pid ^ 0x5bd1e995);
		while (t->slot[v].pid == 0)
			v = (v + 1) & (AG_PROC_CAP - 1);
		pt_del(t, t->slot[v].pid);
		t->evicted++;
	}
	i = pt_hash(pid);
	while (t->slot[i].pid != 0)
		i = (i + 1) & (AG_PROC_CAP - 1);
	memset(&t->slot[i], 0, sizeof(t->slot[i]));
	t->slot[i].pid = pid;
	t->used++;
	return &t->slot[i];
}

/* ---- per-container state ------------------------------------------------------ */

struct ag_cstate {
	char *id;
	unsigned long long cgid;
	pid_t init_pid;
	const struct cg_policy *policy;
	bool wl_kernel;          /* the whitelist is enforced in the kernel */
	bool protected_done;
	unsigned long long wdev[2], wino[2]; /* the container's shadow files, watched */
	int nw;
	bool env_pending;        /* the environment check waits for the first exec */
	unsigned long long env_due; /* monotonic ns: check the config alone then */
	unsigned long long account_due; /* monotonic ns; 0: none */
	char **reported;  size_t n_reported; /* account findings already reported */
};

struct ag_learn {
	char *image;
	char **exe; size_t n, cap;
};

struct ag_obj { unsigned long long dev, ino; char path[128]; };

struct ag_hcache { unsigned long long dev, ino, size, mtime; const char *name; bool used; };

struct agent {
	const struct cg_agent_opts *o;
	char node[256];
	int out_fd;
	bool out_owned;
	struct cg_sensor *sensor;
	struct cg_containers *ct;
	struct cg_ruleset *rules;
	struct cg_policy_set pol;
	struct cg_hashdb *hashdb;
	struct ag_hcache *hcache;
	struct ag_proctab pt;
	struct ag_cstate *cs; size_t n_cs, cap_cs;
	struct ag_obj *objs; size_t n_objs;
	struct ag_learn *learn; size_t n_learn, cap_learn;
	unsigned long long learn_end; /* monotonic ns; 0: not learning */
	unsigned long long last_refresh;
	unsigned int host_pidns;
	struct cg_uplink *uplink;
	/* policies from the server: handed over by the uplink's thread, applied by
	 * the loop (the only thread that touches policies and containers) */
	pthread_mutex_t pol_mu;
	char *pol_pending;
	size_t pol_pending_len;
	struct cg_buf line;
	long long mono_to_real;  /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	unsigned int lat_ms[1002]; /* kernel record -> line written, per ms; [1001]: more */
	/* counters */
	unsigned long long n_records, n_events, n_unattributed, n_kills, n_late_kills,
		n_denied, n_write_errors, n_lost;
};

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static unsigned long long real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Copy a NUL-terminated string into a fixed field, cut at the field's size. */
static void scopy(char *d, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(d, s, n);
	d[n] = '\0';
}

/* Read a small /proc file into buf (NUL-terminated); returns bytes or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, got = 0;
	if (fd < 0)
		return -1;
	while ((size_t)got < cap - 1) {
		n = read(fd, buf + got, cap - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

static void proc_fill(struct ag_proc *p, int pid)
{
	char path[64];
	ssize_t n;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_small(path, p->cmdline, sizeof(p->cmdline));
	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (p->cmdline[i] == '\0')
				p->cmdline[i] = ' ';
		while (n > 0 && p->cmdline[n - 1] == ' ')
			p->cmdline[--n] = '\0';
		/* keep it printable for the JSON line */
		for (ssize_t i = 0; i < n; i++)
			if ((unsigned char)p->cmdline[i] < 0x20)
				p->cmdline[i] = ' ';
	}
}

/* Is inode a TCP/UDP socket of pid's network namespace? (/proc/PID/net/{tcp,udp}[6]
 * list them; unix sockets and socketpairs are not network peers.) */
static bool inet_socket(int pid, unsigned long long inode)
{
	static const char *const tabs[] = {"tcp", "tcp6", "udp", "udp6"};
	char path[64], line[512];
	for (size_t t = 0; t < CG_ARRAY_LEN(tabs); t++) {
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, tabs[t]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			char *p = line, *end;
			int field = 0;
			while (*p && field < 9) {
				while (*p == ' ')
					p++;
				while (*p && *p != ' ')
					p++;
				field++;
			}
			while (*p == ' ')
				p++;
			errno = 0;
			if (strtoull(p, &end, 10) == inode && end != p && errno == 0) {
				fclose(f);
				return true;
			}
		}
		fclose(f);
	}
	return false;
}

/* Is fd 0, 1 or 2 of pid a network socket (a reverse shell's stdio)? */
static bool stdio_is_socket(int pid)
{
	char path[64], link[64];
	for (int fd = 0; fd <= 2; fd++) {
		ssize_t n;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 8) {
			char *end;
			unsigned long long ino;
			link[n] = '\0';
			if (strncmp(link, "socket:[", 8) != 0)
				continue;
			errno = 0;
			ino = strtoull(link + 8, &end, 10);
			if (errno == 0 && *end == ']' && inet_socket(pid, ino))
				return true;
		}
	}
	return false;
}

/* Is pid, first seen now, the container runtime's own process? runc's init runs
 * as "runc:[N:INIT]" from the runc binary or a sealed memfd copy of it. */
static bool is_runtime_proc(int pid, const char *comm)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;
	/* the name the kernel recorded with the record: /proc may already show
	 * the container's program */
	if (comm && strncmp(comm, "runc:[", 6) == 0)
		return true;
	if (comm && comm[0])
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_small(path, buf, sizeof(buf)) > 0 && strncmp(buf, "runc:[", 6) == 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "memfd:runc_cloned") != NULL || strcmp(buf, "/usr/sbin/runc") == 0 ||
	       strcmp(buf, "/usr/bin/runc") == 0 || strcmp(buf, "/usr/local/sbin/runc") == 0 ||
	       strcmp(buf, "/usr/local/bin/runc") == 0;
}

/* The kernel's s_dev encoding (MKDEV: major << 20 | minor). */
static unsigned long long kdev(dev_t d)
{
	return ((unsigned long long)major(d) << 20) | minor(d);
}

/* ---- output -------------------------------------------------------------------- */

static void write_line(struct agent *a, const struct cg_buf *b)
{
	if (a->out_fd >= 0) {
		const char *p = b->data;
		size_t left = b->len;
		while (left) {
			ssize_t w = write(a->out_fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				a->n_write_errors++;
				break;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	if (a->uplink) {
		struct cg_error e;
		/* the journal takes the line without its newline */
		if (cg_uplink_push(a->uplink, b->data, b->len - 1, &e) != CG_OK) {
			a->n_write_errors++;
			cg_warn("agent: journal: %s", cg_error_message(&e));
		}
	}
}

static void emit(struct agent *a, const struct cg_rule_info *rule, const char *action,
		 const struct cg_sev *ev, const struct cg_evctx *ctx, cg_json *details)
{
	cg_json *j = NULL;
	unsigned long long when = ev->ts ? ev->ts + (unsigned long long)a->mono_to_real : real_ns();
	if (!rule) {
		cg_json_free(details);
		return;
	}
	/* cg_event_json takes details over, also when it fails */
	if (cg_event_json(rule, action, a->node, ev, ctx, details, when, &j) != CG_OK) {
		cg_warn("agent: event %s: cannot build the event", rule->id);
		return;
	}
	cg_buf_reset(&a->line);
	if (cg_json_dump(j, CG_JSON_COMPACT, &a->line) == CG_OK &&
	    cg_buf_putc(&a->line, '\n') == CG_OK) {
		write_line(a, &a->line);
		a->n_events++;
		if (ev->ts) {
			unsigned long long now = mono_ns(), ms;
			ms = now > ev->ts ? (now - ev->ts) / 1000000ull : 0;
			a->lat_ms[ms > 1000 ? 1001 : ms]++;
		}
	} else {
		cg_warn("agent: event %s: cannot serialise it", rule->id);
	}
	cg_json_free(j);
}

static void emit_id(struct agent *a, const char *rule_id, const char *action,
		    const struct cg_sev *ev, const struct cg_evctx *ctx, cg_json *details)
{
	const struct cg_rule_info *r = cg_rules_get(a->rules, rule_id);
	if (!r)
		cg_warn("agent: no rule %s in the rule set", rule_id);
	emit(a, r, action, ev, ctx, details);
}

/* ---- containers ----------------------------------------------------------------- */

static struct ag_cstate *cs_find(struct agent *a, const char *id)
{
	for (size_t i = 0; i < a->n_cs; i++)
		if (strcmp(a->cs[i].id, id) == 0)
			return &a->cs[i];
	return NULL;
}

static void cs_clear(struct ag_cstate *s)
{
	free(s->id);
	for (size_t i = 0; i < s->n_reported; i++)
		free(s->reported[i]);
	free(s->reported);
	memset(s, 0, sizeof(*s));
}

static bool path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp(path, prefix, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && prefix[0] == '/');
}

static bool on_whitelist(const struct cg_policy *p, const char *exe)
{
	for (size_t i = 0; i < p->n_whitelist; i++)
		if (strcmp(p->whitelist[i], exe) == 0)
			return true;
	return false;
}

/* A synthetic record for events about a container as a whole. */
static void container_sev(const struct cg_container *c, struct cg_sev *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->nr = -1;
	ev->cgid = c->cgid;
	ev->pidns = c->pidns;
	ev->mntns = c->mntns;
	ev->pid = c->init_pid;
	ev->tid = c->init_pid;
}

static void apply_policy(struct agent *a, const struct cg_container *c, struct ag_cstate *s)
{
	const struct cg_policy *p = cg_policy_for(&a->pol, c->image, c->image_digest);
	struct cg_error e;
	bool enforce;

	if (s->wl_kernel && (!p || p != s->policy))
		(void)cg_sensor_set_whitelist(a->sensor, s->cgid, false, NULL, 0, NULL);
	s->wl_kernel = false;
	s->policy = p;
	if (!p)
		return;
	enforce = p->mode == CG_POLICY_ENFORCE;
	if (enforce && p->n_whitelist && c->cgid) {
		if (cg_sensor_set_whitelist(a->sensor, c->cgid, true, p->whitelist, p->n_whitelist,
					    &e) == CG_OK)
			s->wl_kernel = cg_sensor_backend(a->sensor) == CG_SENSOR_BPF;
		else
			cg_warn("agent: container %s: whitelist: %s", c->id, cg_error_message(&e));
	}
	if (enforce && p->n_protected && !s->protected_done && c->init_pid > 0) {
		int *res = calloc(p->n_protected, sizeof(int));
		if (res && cg_protect_paths(c->init_pid, p->protected, p->n_protected, res, &e) ==
				   CG_OK) {
			for (size_t i = 0; i < p->n_protected; i++) {
				if (res[i] == 0)
					continue;
				cg_warn("agent: container %s: cannot protect %s: %s", c->id,
					p->protected[i], strerror(res[i]));
			}
			s->protected_done = true;
		} else if (res) {
			cg_warn("agent: container %s: protection: %s", c->id, cg_error_message(&e));
		}
		free(res);
	}
}

static void run_envcheck(struct agent *a, const struct cg_container *c, bool live)
{
	struct cg_buf cfg = CG_BUF_INIT(AG_FILE_MAX);
	struct cg_envfinding *f = NULL;
	size_t n = 0;
	struct cg_error e;
	char path[PATH_MAX];
	struct cg_sev ev;
	struct cg_evctx ctx = {.container = c};
	struct ag_proc *p;

	struct ag_cstate *s = cs_find(a, c->id);
	if (s)
		s->env_pending = false;
	if (!c->bundle)
		return;
	snprintf(path, sizeof(path), "%s/config.json", c->bundle);
	if (cg_buf_read_file(&cfg, AT_FDCWD, path, &e) != CG_OK) {
		cg_warn("agent: container %s: %s", c->id, cg_error_message(&e));
		cg_buf_release(&cfg);
		return;
	}
	if (cg_envcheck(cfg.data, cfg.len, live ? c->init_pid : 0, &f, &n, &e) != CG_OK) {
		cg_warn("agent: container %s: environment check: %s", c->id, cg_error_message(&e));
	} else {
		container_sev(c, &ev);
		p = c->init_pid > 0 ? pt_find(&a->pt, c->init_pid) : NULL;
		if (p) {
			ctx.exe = p->exe;
			ctx.cmdline = p->cmdline;
		}
		for (size_t i = 0; i < n; i++) {
			emit_id(a, f[i].rule, "alert", &ev, &ctx, f[i].details);
			f[i].details = NULL;
		}
	}
	cg_envfindings_free(f, n);
	cg_buf_release(&cfg);
}

static bool host_obj_known(const struct agent *a, unsigned long long dev, unsigned long long ino)
{
	for (size_t i = 0; i < a->n_objs; i++)
		if (a->objs[i].dev == dev && a->objs[i].ino == ino)
			return true;
	return false;
}

/* The container's own /etc/shadow and /etc/gshadow are watched by inode, so
 * their read-only opens reach the rules (account.shadow_read) while no other
 * read-only open leaves the kernel. Opened inside the container's root
 * (RESOLVE_IN_ROOT: its symlinks cannot lead out). */
static void watch_container_objects(struct agent *a, const struct cg_container *c,
				    struct ag_cstate *s)
{
	static const char *const files[] = {"etc/shadow", "etc/gshadow"};
	char path[64];
	int root;

	if (c->init_pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c->init_pid);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return;
	for (size_t i = 0; i < CG_ARRAY_LEN(files) && s->nw < 2; i++) {
		struct open_how how;
		struct stat st;
		int fd;
		memset(&how, 0, sizeof(how));
		how.flags = O_PATH | O_CLOEXEC;
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, root, files[i], &how, sizeof(how));
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    !host_obj_known(a, kdev(st.st_dev), st.st_ino) &&
		    cg_sensor_watch_object(a->sensor, kdev(st.st_dev), st.st_ino, NULL) == CG_OK) {
			s->wdev[s->nw] = kdev(st.st_dev);
			s->wino[s->nw] = st.st_ino;
			s->nw++;
		}
		close(fd);
	}
	close(root);
}

static void unwatch_container_objects(struct agent *a, struct ag_cstate *s)
{
	for (int k = 0; k < s->nw; k++) {
		bool shared = false;
		for (size_t i = 0; i < a->n_cs && !shared; i++)
			for (int m = 0; &a->cs[i] != s && m < a->cs[i].nw; m++)
				if (a->cs[i].wdev[m] == s->wdev[k] && a->cs[i].wino[m] == s->wino[k])
					shared = true;
		if (!shared)
			(void)cg_sensor_unwatch_object(a->sensor, s->wdev[k], s->wino[k]);
	}
	s->nw = 0;
}

static void on_container(enum cg_container_change what, const struct cg_container *c, void *arg)
{
	struct agent *a = arg;
	struct ag_cstate *s = cs_find(a, c->id);

	if (what == CG_CONTAINER_STOPPED) {
		if (!s)
			return;
		if (s->wl_kernel)
			(void)cg_sensor_set_whitelist(a->sensor, s->cgid, false, NULL, 0, NULL);
		unwatch_container_objects(a, s);
		cs_clear(s);
		*s = a->cs[--a->n_cs];
		cg_debug("agent: container %s stopped", c->id);
		return;
	}
	if (s)
		return;
	if (a->n_cs == a->cap_cs) {
		size_t nc = a->cap_cs ? a->cap_cs * 2 : 64;
		struct ag_cstate *v = realloc(a->cs, nc * sizeof(*v));
		if (!v)
			return;
		a->cs = v;
		a->cap_cs = nc;
	}
	s = &a->cs[a->n_cs];
	memset(s, 0, sizeof(*s));
	s->id = strdup(c->id);
	if (!s->id)
		return;
	a->n_cs++;
	s->cgid = c->cgid;
	s->init_pid = c->init_pid;
	cg_debug("agent: container %s started (pid %d, image %s)", c->id, (int)c->init_pid,
		 c->image ? c->image : "?");
	apply_policy(a, c, s);
	watch_container_objects(a, c, s);
	if (c->init_pid > 0 && is_runtime_proc(c->init_pid, NULL)) {
		/* created, not started: runc init still holds every capability; check
		 * the live settings at the first exec (or the config alone later) */
		s->env_pending = true;
		s->env_due = mono_ns() + 2000000000ull;
	} else {
		run_envcheck(a, c, c->init_pid > 0);
	}
}

static void refresh(struct agent *a)
{
	struct cg_error e;
	a->last_refresh = mono_ns();
	if (cg_containers_refresh(a->ct, on_container, a, &e) != CG_OK)
		cg_warn("agent: discovery: %s", cg_error_message(&e));
}

static const struct cg_container *attribute(struct agent *a, const struct cg_sev *ev)
{
	const struct cg_container *c = cg_containers_by_cgid(a->ct, ev->cgid);
	if (!c && ev->pidns != a->host_pidns)
		c = cg_containers_by_pidns(a->ct, ev->pidns);
	if (!c && ev->pidns != a->host_pidns && mono_ns() - a->last_refresh > 50000000ull) {
		/* A container the inotify notification has not told us about yet. */
		refresh(a);
		c = cg_containers_by_cgid(a->ct, ev->cgid);
		if (!c)
			c = cg_containers_by_pidns(a->ct, ev->pidns);
	}
	return c;
}

/* ---- host-sensitive objects -------------------------------------------------------- */

static const char *const host_sensitive[] = {
	"/etc/shadow", "/etc/gshadow", "/etc/passwd", "/etc/group", "/etc/sudoers",
	"/etc/crontab", "/etc/ssh/sshd_config", "/etc/ld.so.preload",
	"/root/.ssh/authorized_keys", "/root/.ssh/id_rsa", "/root/.ssh/id_ed25519",
	"/root/.bash_history", "/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf",
	"/var/lib/kubelet/config.yaml", "/var/lib/kubelet/pki/kubelet-client-current.pem",
	"/run/containerd/containerd.sock", "/var/run/docker.sock", "/run/docker.sock",
	"/run/crio/crio.sock", "/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc",
	"/usr/bin/containerd", "/usr/bin/containerd-shim-runc-v2", "/usr/bin/dockerd",
	"/usr/bin/kubelet",
};


static void watch_host_objects(struct agent *a)
{
	a->objs = calloc(CG_ARRAY_LEN(host_sensitive), sizeof(*a->objs));
	if (!a->objs)
		return;
	for (size_t i = 0; i < CG_ARRAY_LEN(host_sensitive); i++) {
		struct stat st;
		struct cg_error e;
		struct ag_obj *o = &a->objs[a->n_objs];
		if (stat(host_sensitive[i], &st) != 0)
			continue;
		o->dev = kdev(st.st_dev);
		o->ino = st.st_ino;
		snprintf(o->path, sizeof(o->path), "%s", host_sensitive[i]);
		if (cg_sensor_watch_object(a->sensor, o->dev, o->ino, &e) != CG_OK) {
			cg_warn("agent: cannot watch %s: %s", o->path, cg_error_message(&e));
			continue;
		}
		a->n_objs++;
	}
}

static const char *host_object(struct agent *a, const struct cg_sev *ev)
{
	if (!ev->ino)
		return NULL;
	for (size_t i = 0; i < a->n_objs; i++)
		if (a->objs[i].ino == ev->ino && a->objs[i].dev == ev->dev)
			return a->objs[i].path;
	return NULL;
}

/* ---- paths ----------------------------------------------------------------------------- */

/* Lexically normalise an absolute path in place ("//", ".", ".."). */
static void normalise(char *p)
{
	char *out = p, *in = p;
	if (*p != '/')
		return;
	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		char *seg = in;
		size_t n = strcspn(seg, "/");
		in += n;
		if (n == 1 && seg[0] == '.')
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/* The container path a record names: absolute as given, or relative to the
 * process's working folder (read from /proc, the container's root stripped). */
static void container_path(const struct cg_container *c, int pid, const char *in, char *out,
			   size_t cap)
{
	if (in[0] == '/' || !c || !c->rootfs) {
		snprintf(out, cap, "%s", in);
	} else {
		char link[64], cwd[PATH_MAX];
		ssize_t n;
		size_t rl = strlen(c->rootfs);
		snprintf(link, sizeof(link), "/proc/%d/cwd", pid);
		n = readlink(link, cwd, sizeof(cwd) - 1);
		if (n <= 0) {
			snprintf(out, cap, "%s", in);
			return;
		}
		cwd[n] = '\0';
		const char *base = cwd;
		if (strncmp(cwd, c->rootfs, rl) == 0 && (cwd[rl] == '/' || cwd[rl] == '\0'))
			base = cwd + rl;
		if ((size_t)snprintf(out, cap, "%s/%s", base, in) >= cap)
			out[cap - 1] = '\0';
	}
	normalise(out);
}

static bool is_protected(const struct cg_policy *p, const char *path)
{
	if (!p)
		return false;
	for (size_t i = 0; i < p->n_protected; i++)
		if (path_under(path, p->protected[i]))
			return true;
	return false;
}

/* ---- learning mode ---------------------------------------------------------------------- */

static void learn_add(struct agent *a, const struct cg_container *c, const char *exe)
{
	const char *img = c->image_digest && !c->image ? c->image_digest : c->image;
	struct ag_learn *l = NULL;
	if (!img || !exe || exe[0] != '/')
		return;
	for (size_t i = 0; i < a->n_learn; i++)
		if (strcmp(a->learn[i].image, img) == 0)
			l = &a->learn[i];
	if (!l) {
		if (a->n_learn == a->cap_learn) {
			size_t nc = a->cap_learn ? a->cap_learn * 2 : 16;
			struct ag_learn *v = realloc(a->learn, nc * sizeof(*v));
			if (!v)
				return;
			a->learn = v;
			a->cap_learn = nc;
		}
		l = &a->learn[a->n_learn];
		memset(l, 0, sizeof(*l));
		l->image = strdup(img);
		if (!l->image)
			return;
		a->n_learn++;
	}
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->exe[i], exe) == 0)
			return;
	if (l->n >= 4096)
		return;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->exe, nc * sizeof(*v));
		if (!v)
			return;
		l->exe = v;
		l->cap = nc;
	}
	l->exe[l->n] = strdup(exe);
	if (l->exe[l->n])
		l->n++;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Write the proposed policies: one alert-mode policy per image watched. */
static void learn_write(struct agent *a)
{
	cg_json *arr = cg_json_new_array();
	struct cg_buf out = CG_BUF_INIT((size_t)64 << 20);
	char tmp[PATH_MAX];
	int fd;
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < a->n_learn; i++) {
		struct ag_learn *l = &a->learn[i];
		cg_json *pol = cg_json_new_object(), *wl = cg_json_new_array(),
			*imgs = cg_json_new_array();
		char name[160];
		qsort(l->exe, l->n, sizeof(*l->exe), cmp_str);
		snprintf(name, sizeof(name), "learned:%.120s", l->image);
		for (size_t k = 0; wl && k < l->n; k++)
			ok = ok && cg_json_append(wl, cg_json_new_string(l->exe[k])) == CG_OK;
		ok = ok && pol && imgs && cg_json_append(imgs, cg_json_new_string(l->image)) == CG_OK;
		ok = ok && cg_json_set_str(pol, "name", name) == CG_OK &&
		     cg_json_set_str(pol, "mode", "alert") == CG_OK &&
		     cg_json_set(pol, "process_whitelist", cg_json_ref(wl)) == CG_OK &&
		     cg_json_set(pol, "protected_paths", cg_json_new_array()) == CG_OK &&
		     cg_json_set(pol, "images", cg_json_ref(imgs)) == CG_OK &&
		     cg_json_append(arr, cg_json_ref(pol)) == CG_OK;
		cg_json_free(wl);
		cg_json_free(imgs);
		cg_json_free(pol);
	}
	ok = ok && cg_json_dump(arr, CG_JSON_PRETTY, &out) == CG_OK && cg_buf_putc(&out, '\n') == CG_OK;
	cg_json_free(arr);
	if (!ok || !a->o->learn_out) {
		cg_buf_release(&out);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", a->o->learn_out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		bool wrote = write(fd, out.data, out.len) == (ssize_t)out.len && fsync(fd) == 0;
		close(fd);
		if (wrote && rename(tmp, a->o->learn_out) == 0)
			cg_info("agent: learning ended: proposed policies for %zu image(s) in %s",
				a->n_learn, a->o->learn_out);
		else
			unlink(tmp);
	} else {
		cg_warn("agent: %s: %s", tmp, strerror(errno));
	}
	cg_buf_release(&out);
}

/* ---- accounts (new uid-0 or empty-password entries) ---------------------------------- */

static bool cs_reported(struct ag_cstate *s, const char *key)
{
	char **v;
	for (size_t i = 0; i < s->n_reported; i++)
		if (strcmp(s->reported[i], key) == 0)
			return true;
	v = realloc(s->reported, (s->n_reported + 1) * sizeof(*v));
	if (!v)
		return true;
	s->reported = v;
	s->reported[s->n_reported] = strdup(key);
	if (s->reported[s->n_reported])
		s->n_reported++;
	return false;
}

static void check_accounts(struct agent *a, struct ag_cstate *s)
{
	const struct cg_container *c = cg_containers_by_id(a->ct, s->id);
	struct cg_buf pw = CG_BUF_INIT(AG_FILE_MAX), sh = CG_BUF_INIT(AG_FILE_MAX);
	char path[96];
	cg_json *found = NULL;
	struct cg_sev ev;
	struct cg_evctx ctx = {.container = c};

	s->account_due = 0;
	if (!c || c->init_pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/root/etc/passwd", (int)c->init_pid);
	if (cg_buf_read_file(&pw, AT_FDCWD, path, NULL) != CG_OK)
		goto done;
	snprintf(path, sizeof(path), "/proc/%d/root/etc/shadow", (int)c->init_pid);
	if (cg_buf_read_file(&sh, AT_FDCWD, path, NULL) != CG_OK)
		cg_buf_reset(&sh); /* no shadow file: passwd alone */
	if (!cg_rules_check_accounts(pw.data ? pw.data : "", pw.len, sh.data ? sh.data : "",
				     sh.len, &found) || !found)
		goto done;
	container_sev(c, &ev);
	{
		static const struct { const char *key, *rule; } kinds[] = {
			{"uid0", "account.uid0"}, {"empty_password", "account.empty_password"}};
		for (size_t k = 0; k < CG_ARRAY_LEN(kinds); k++) {
			cg_json *names = cg_json_get(found, kinds[k].key), *fresh = cg_json_new_array();
			cg_json *d;
			if (!fresh)
				continue;
			for (size_t i = 0; i < cg_json_array_len(names); i++) {
				const char *user = cg_json_string(cg_json_array_at(names, i));
				char key[300];
				if (!user)
					continue;
				snprintf(key, sizeof(key), "%s:%s", kinds[k].rule, user);
				if (!cs_reported(s, key) &&
				    cg_json_append(fresh, cg_json_new_string(user)) != CG_OK)
					break;
			}
			if (!cg_json_array_len(fresh)) {
				cg_json_free(fresh);
				continue;
			}
			d = cg_json_new_object();
			if (d && (cg_json_set(d, "accounts", fresh) != CG_OK ||
				  cg_json_set_str(d, "file", "/etc/passwd") != CG_OK)) {
				cg_json_free(d);
				d = NULL;
			} else if (!d) {
				cg_json_free(fresh);
			}
			emit_id(a, kinds[k].rule, "alert", &ev, &ctx, d);
		}
	}
done:
	cg_json_free(found);
	cg_buf_release(&pw);
	cg_buf_release(&sh);
}

/* ---- malware by file hash --------------------------------------------------------------- */

/* Open the program a record names: through /proc/PID/exe while the process
 * lives, else by its path inside the container's root (openat2 RESOLVE_IN_ROOT,
 * so the container's symlinks cannot point outside it), checked to be the very
 * file the kernel exec'ed (device and inode of the record). */
static int open_program(const struct ag_cstate *s, const struct cg_sev *ev, const char *exe)
{
	char path[64];
	int fd, root;
	struct open_how how;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/exe", ev->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || !s || s->init_pid <= 0 || !exe || exe[0] != '/')
		return fd;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)s->init_pid);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, root, exe + 1, &how, sizeof(how));
	close(root);
	if (fd >= 0 && ev->ino &&
	    (fstat(fd, &st) != 0 || st.st_ino != ev->ino || kdev(st.st_dev) != ev->dev)) {
		close(fd);
		return -1;
	}
	return fd;
}

static const char *hash_verdict(struct agent *a, const struct ag_cstate *cs, const struct cg_sev *ev,
				const char *exe)
{
	struct stat st;
	const char *name = NULL;
	struct ag_hcache *h;
	int fd;
	struct cg_error e;

	if (!a->hashdb)
		return NULL;
	fd = open_program(cs, ev, exe);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	h = &a->hcache[(st.st_ino * 31 + st.st_dev) & (AG_HASH_CACHE - 1)];
	if (h->used && h->dev == st.st_dev && h->ino == st.st_ino &&
	    h->size == (unsigned long long)st.st_size &&
	    h->mtime == (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
				(unsigned long long)st.st_mtim.tv_nsec) {
		close(fd);
		return h->name;
	}
	if (cg_hashdb_match_fd(a->hashdb, fd, (uint64_t)st.st_size, &name, &e) != CG_OK) {
		cg_debug("agent: hash of pid %d: %s", ev->pid, cg_error_message(&e));
		close(fd);
		return NULL;
	}
	close(fd);
	h->used = true;
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	h->size = (unsigned long long)st.st_size;
	h->mtime = (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
		   (unsigned long long)st.st_mtim.tv_nsec;
	h->name = name;
	return name;
}

/* ---- one record ----------------------------------------------------------------------------- */

static bool is_write_open(const struct cg_sev *ev)
{
	return ev->kind == CG_SEV_OPEN && (ev->flags & (01 | 02 | 0100 | 01000));
}

static void on_record(const struct cg_sev *ev, void *arg)
{
	struct agent *a = arg;
	const struct cg_container *c;
	struct ag_cstate *s;
	struct ag_proc *p, *pp;
	struct cg_evctx ctx;
	struct cg_alert al[AG_MAX_ALERTS];
	char cpath[PATH_MAX];
	size_t n;

	a->n_records++;
	switch (ev->kind) {
	case CG_SEV_EXIT:
		pt_del(&a->pt, ev->pid);
		for (size_t i = 0; i < a->n_cs; i++)
			if (a->cs[i].init_pid == ev->pid) {
				refresh(a); /* the container stopped */
				break;
			}
		return;
	case CG_SEV_LOST: {
		cg_json *d = cg_json_new_object();
		struct cg_evctx none = {0};
		a->n_lost += (unsigned long long)ev->args[0];
		if (d && cg_json_set_int(d, "lost", ev->args[0]) != CG_OK) {
			cg_json_free(d);
			d = NULL;
		}
		emit_id(a, "agent.events_lost", "alert", ev, &none, d);
		return;
	}
	default:
		break;
	}

	c = attribute(a, ev);
	if (!c) {
		if (ev->pidns != a->host_pidns) {
			a->n_unattributed++;
			cg_debug("agent: record of pid %d (cgroup %llu, pidns %u) has no container",
				 ev->pid, ev->cgid, ev->pidns);
		}
		if (ev->kind == CG_SEV_FORK)
			return;
		if (ev->pidns == a->host_pidns)
			return; /* host processes are not judged */
	}
	s = c ? cs_find(a, c->id) : NULL;

	if (ev->kind == CG_SEV_FORK) {
		/* pid is the child; inherit the parent's program */
		struct ag_proc *parent = pt_find(&a->pt, ev->ppid);
		p = pt_get(&a->pt, ev->pid);
		p->cgid = ev->cgid;
		if (parent) {
			memcpy(p->exe, parent->exe, sizeof(p->exe));
			memcpy(p->cmdline, parent->cmdline, sizeof(p->cmdline));
			memcpy(p->pexe, parent->pexe, sizeof(p->pexe));
			p->state = parent->state;
		}
		if (p->state == PS_UNKNOWN)
			p->state = is_runtime_proc(ev->pid, ev->comm) ? PS_RUNTIME : PS_WORKLOAD;
		return;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.container = c;
	ctx.policy = s ? s->policy : NULL;
	p = pt_find(&a->pt, ev->pid);
	if (ev->kind == CG_SEV_EXEC || ev->kind == CG_SEV_KILLED) {
		pp = pt_find(&a->pt, ev->ppid);
		p = pt_get(&a->pt, ev->pid);
		p->cgid = ev->cgid;
		if (pp)
			memcpy(p->pexe, pp->exe, sizeof(p->pexe));
		else if (p->exe[0])
			memcpy(p->pexe, p->exe, sizeof(p->pexe)); /* exec replaces the forked copy */
		if (!strcmp(ev->path, "/proc/self/exe") && p->exe[0]) {
			/* the same file again (busybox runs its applets so) */
			scopy(cpath, sizeof(cpath), p->exe);
		} else if (!strncmp(ev->path, "/dev/fd/", 8) || !strncmp(ev->path, "/proc/", 6)) {
			/* fexecve/execveat of a descriptor: name the file behind it
			 * ("/memfd:NAME (deleted)" for fileless programs) */
			char link[64];
			ssize_t r;
			snprintf(link, sizeof(link), "/proc/%d/exe", ev->pid);
			r = readlink(link, cpath, sizeof(cpath) - 1);
			if (r > 0)
				cpath[r] = '\0';
			else
				scopy(cpath, sizeof(cpath), ev->path);
		} else {
			container_path(c, ev->pid, ev->path, cpath, sizeof(cpath));
		}
		scopy(p->exe, sizeof(p->exe), cpath);
		p->state = PS_WORKLOAD;
		p->cmdline[0] = '\0';
		if (ev->args[0] > 0 && ev->args[0] < (long long)sizeof(ev->path2)) {
			/* argv as the kernel saw it at exec */
			size_t n = (size_t)ev->args[0];
			while (n && ev->path2[n - 1] == '\0')
				n--;
			for (size_t i = 0; i < n && i < sizeof(p->cmdline) - 1; i++) {
				unsigned char ch = (unsigned char)ev->path2[i];
				p->cmdline[i] = ch == '\0' || ch < 0x20 ? ' ' : (char)ch;
				p->cmdline[i + 1] = '\0';
			}
		}
		if (!p->cmdline[0] && ev->kind == CG_SEV_EXEC)
			proc_fill(p, ev->pid);
		if (!p->cmdline[0])
			scopy(p->cmdline, sizeof(p->cmdline), ev->path);
	} else if (!p) {
		p = pt_get(&a->pt, ev->pid);
		p->cgid = ev->cgid;
		{
			char link[64];
			ssize_t r;
			snprintf(link, sizeof(link), "/proc/%d/exe", ev->pid);
			r = readlink(link, cpath, sizeof(cpath) - 1);
			if (r > 0) {
				cpath[r] = '\0';
				if (c && c->rootfs && strncmp(cpath, c->rootfs, strlen(c->rootfs)) == 0)
					scopy(p->exe, sizeof(p->exe), cpath + strlen(c->rootfs));
				else
					scopy(p->exe, sizeof(p->exe), cpath);
			}
		}
		proc_fill(p, ev->pid);
	}
	if (p->state == PS_UNKNOWN)
		p->state = is_runtime_proc(ev->pid, ev->comm) ? PS_RUNTIME : PS_WORKLOAD;
	if (p->state == PS_RUNTIME)
		return; /* the runtime setting the container up */
	if (ev->kind == CG_SEV_EXEC && s && s->env_pending && ev->pid == s->init_pid)
		run_envcheck(a, c, true); /* the container's program runs: settings are final */
	ctx.exe = p->exe[0] ? p->exe : NULL;
	ctx.cmdline = p->cmdline[0] ? p->cmdline : NULL;
	ctx.parent_exe = p->pexe[0] ? p->pexe : NULL;

	if (ev->kind == CG_SEV_KILLED) {
		/* the kernel refused a program off the whitelist */
		cg_json *d = cg_json_new_object();
		a->n_kills++;
		if (d && (cg_json_set_str(d, "program", p->exe) != CG_OK ||
			  cg_json_set_str(d, "enforced_by", "kernel") != CG_OK)) {
			cg_json_free(d);
			d = NULL;
		}
		emit_id(a, "process.not_whitelisted", "killed", ev, &ctx, d);
		return;
	}
	if (ev->kind == CG_SEV_EXEC) {
		/* the eBPF sensor judged stdio at exec; the fallback cannot */
		ctx.stdio_socket = cg_sensor_backend(a->sensor) == CG_SENSOR_BPF
					   ? ev->sock != 0
					   : stdio_is_socket(ev->pid);
		ctx.whitelisted = ctx.policy && on_whitelist(ctx.policy, p->exe);
		if (c && a->learn_end)
			learn_add(a, c, p->exe);
		if (a->hashdb && c) {
			const char *mw = hash_verdict(a, s, ev, p->exe);
			if (mw) {
				cg_json *d = cg_json_new_object();
				if (d && (cg_json_set_str(d, "signature", mw) != CG_OK ||
					  cg_json_set_str(d, "program", p->exe) != CG_OK)) {
					cg_json_free(d);
					d = NULL;
				}
				emit_id(a, "malware.hash", "alert", ev, &ctx, d);
			}
		}
	}
	if (ev->path[0] && ev->kind != CG_SEV_EXEC && ev->kind != CG_SEV_CONNECT) {
		container_path(c, ev->pid, ev->path, cpath, sizeof(cpath));
		ctx.protected_path = is_protected(ctx.policy, cpath);
		if (!ctx.protected_path && ev->path2[0] &&
		    (ev->kind == CG_SEV_RENAME || ev->kind == CG_SEV_LINK)) {
			char c2[PATH_MAX];
			container_path(c, ev->pid, ev->path2, c2, sizeof(c2));
			ctx.protected_path = is_protected(ctx.policy, c2);
		}
	}
	if (ev->kind == CG_SEV_OPEN) {
		ctx.host_object = host_object(a, ev);
		ctx.host_sensitive = ctx.host_object != NULL;
		if (s && ev->ret >= 0 && is_write_open(ev)) {
			container_path(c, ev->pid, ev->path, cpath, sizeof(cpath));
			if (!strcmp(cpath, "/etc/passwd") || !strcmp(cpath, "/etc/shadow"))
				s->account_due = mono_ns() + 300000000ull;
		}
	}

	n = cg_rules_eval(a->rules, ev, &ctx, al, AG_MAX_ALERTS);
	for (size_t i = 0; i < n; i++) {
		const char *action = "alert";
		const struct cg_rule_info *r = al[i].rule;
		bool enforce = ctx.policy && ctx.policy->mode == CG_POLICY_ENFORCE;
		if (!strcmp(r->id, "process.not_whitelisted") && enforce) {
			if (s && s->wl_kernel) {
				/* the kernel kills it and reports CG_SEV_KILLED */
				cg_json_free(al[i].details);
				continue;
			}
			if (kill(ev->pid, SIGKILL) == 0) {
				action = "killed";
				a->n_late_kills++;
			}
		} else if (!strcmp(r->id, "file.protected_write") && enforce && ev->ret < 0) {
			action = "denied";
			a->n_denied++;
		}
		emit(a, r, action, ev, &ctx, al[i].details);
	}
}

/* ---- policies --------------------------------------------------------------------------------- */

static cg_err_t load_policy_text(struct agent *a, const char *text, size_t len, const char *from,
				 struct cg_error *err)
{
	struct cg_policy_set ns = {0};
	cg_err_t rc = cg_policy_parse(text, len, &ns, err);
	if (rc != CG_OK)
		return rc;
	/* drop the old pointers before freeing the old set */
	for (size_t i = 0; i < a->n_cs; i++) {
		if (a->cs[i].wl_kernel)
			(void)cg_sensor_set_whitelist(a->sensor, a->cs[i].cgid, false, NULL, 0, NULL);
		a->cs[i].wl_kernel = false;
		a->cs[i].policy = NULL;
	}
	cg_policy_set_free(&a->pol);
	a->pol = ns;
	for (size_t i = 0; i < a->n_cs; i++) {
		const struct cg_container *c = cg_containers_by_id(a->ct, a->cs[i].id);
		if (c)
			apply_policy(a, c, &a->cs[i]);
	}
	cg_info("agent: %zu polic%s from %s", ns.n, ns.n == 1 ? "y" : "ies", from);
	return CG_OK;
}

static cg_err_t load_policy_file(struct agent *a, struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT((size_t)16 << 20);
	cg_err_t rc;
	if (!a->o->policy_path)
		return CG_OK;
	rc = cg_buf_read_file(&b, AT_FDCWD, a->o->policy_path, err);
	if (rc == CG_OK)
		rc = load_policy_text(a, b.data ? b.data : "", b.len, a->o->policy_path, err);
	cg_buf_release(&b);
	return rc;
}

cg_err_t cg_agent_check_policy(const char *path, size_t *n, struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT((size_t)16 << 20);
	struct cg_policy_set ps = {0};
	cg_err_t rc = cg_buf_read_file(&b, AT_FDCWD, path, err);
	if (rc == CG_OK)
		rc = cg_policy_parse(b.data ? b.data : "", b.len, &ps, err);
	if (rc == CG_OK)
		*n = ps.n;
	cg_policy_set_free(&ps);
	cg_buf_release(&b);
	return rc;
}

/* Runs on the uplink's sender thread: only hand the text over. */
static void on_server_policies(const char *json, size_t len, void *arg)
{
	struct agent *a = arg;
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, json, len);
	copy[len] = '\0';
	pthread_mutex_lock(&a->pol_mu);
	free(a->pol_pending);
	a->pol_pending = copy;
	a->pol_pending_len = len;
	pthread_mutex_unlock(&a->pol_mu);
}

/* On the loop's thread: apply policies the server sent since the last tick. */
static void apply_server_policies(struct agent *a)
{
	char *text;
	size_t len;
	struct cg_error e;
	pthread_mutex_lock(&a->pol_mu);
	text = a->pol_pending;
	len = a->pol_pending_len;
	a->pol_pending = NULL;
	pthread_mutex_unlock(&a->pol_mu);
	if (!text)
		return;
	if (load_policy_text(a, text, len, "the server", &e) != CG_OK)
		cg_warn("agent: policies from the server refused: %s", cg_error_message(&e));
	free(text);
}

/* The agent token: given, kept in the token file from an earlier registration,
 * or obtained now by registering with the join token (and then kept). */
static cg_err_t agent_token(struct agent *a, char **out, struct cg_error *err)
{
	const struct cg_agent_opts *o = a->o;
	char path[PATH_MAX];
	struct cg_buf b = CG_BUF_INIT(4096);
	char *tok = NULL, *node_id = NULL, *cluster_id = NULL;
	struct cg_uplink_tls tls = {0};
	cg_err_t rc;
	int fd;

	if (o->token) {
		*out = strdup(o->token);
		return *out ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	if (o->token_file)
		snprintf(path, sizeof(path), "%s", o->token_file);
	else
		snprintf(path, sizeof(path), "%s/agent-token", o->journal_dir ? o->journal_dir : ".");
	if (cg_buf_read_file(&b, AT_FDCWD, path, NULL) == CG_OK && b.len) {
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			b.data[--b.len] = '\0';
		*out = cg_buf_detach(&b, NULL);
		return *out ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	cg_buf_release(&b);
	if (!o->join_token)
		return cg_error_set(err, CG_ERR_ARG,
				    "no agent token: give --token, or --join-token to register");
	tls.ca_file = o->ca_file;
	rc = cg_uplink_register(&tls, o->server_url, o->join_token, a->node, CG_VERSION_STRING,
				&tok, &node_id, &cluster_id, err);
	free(node_id);
	free(cluster_id);
	if (rc != CG_OK)
		return rc;
	if (o->journal_dir && !o->token_file)
		(void)mkdir(o->journal_dir, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, tok, strlen(tok)) != (ssize_t)strlen(tok) || fsync(fd) != 0) {
		cg_warn("agent: registered, but cannot keep the token in %s: %s", path, strerror(errno));
	} else {
		cg_info("agent: registered with the server; token kept in %s", path);
	}
	if (fd >= 0)
		close(fd);
	*out = tok;
	return CG_OK;
}

/* ---- setup and loop ---------------------------------------------------------------------------- */

/* The latency (ms) under which a share q of the timed events were written. */
static int lat_quantile(const struct agent *a, double q)
{
	unsigned long long total = 0, seen = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(a->lat_ms); i++)
		total += a->lat_ms[i];
	if (!total)
		return -1;
	for (size_t i = 0; i < CG_ARRAY_LEN(a->lat_ms); i++) {
		seen += a->lat_ms[i];
		if ((double)seen >= q * (double)total)
			return (int)i;
	}
	return 1001;
}

static void write_stats(struct agent *a)
{
	char buf[1024];
	int n, fd;
	if (!a->o->stats_path)
		return;
	n = snprintf(buf, sizeof(buf),
		     "{\"records\":%llu,\"events\":%llu,\"lost\":%llu,\"unattributed\":%llu,"
		     "\"kills\":%llu,\"late_kills\":%llu,\"denied\":%llu,\"write_errors\":%llu,"
		     "\"containers\":%zu,\"processes_evicted\":%zu,\"skipped_state\":%zu,"
		     "\"latency_ms_p50\":%d,\"latency_ms_p99\":%d,\"latency_ms_max\":%d}\n",
		     a->n_records, a->n_events, a->n_lost, a->n_unattributed, a->n_kills,
		     a->n_late_kills, a->n_denied, a->n_write_errors, a->n_cs, a->pt.evicted,
		     a->ct ? cg_containers_skipped(a->ct) : 0, lat_quantile(a, 0.5),
		     lat_quantile(a, 0.99), lat_quantile(a, 1.0));
	fd = open(a->o->stats_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, buf, (size_t)n) != n)
		cg_warn("agent: %s: short write", a->o->stats_path);
	close(fd);
}

static void agent_free(struct agent *a)
{
	if (a->uplink)
		cg_uplink_close(a->uplink, 5000); /* its thread is gone after this */
	free(a->pol_pending);
	pthread_mutex_destroy(&a->pol_mu);
	for (size_t i = 0; i < a->n_cs; i++)
		cs_clear(&a->cs[i]);
	free(a->cs);
	for (size_t i = 0; i < a->n_learn; i++) {
		for (size_t k = 0; k < a->learn[i].n; k++)
			free(a->learn[i].exe[k]);
		free(a->learn[i].exe);
		free(a->learn[i].image);
	}
	free(a->learn);
	free(a->objs);
	free(a->pt.slot);
	free(a->hcache);
	cg_hashdb_free(a->hashdb);
	cg_policy_set_free(&a->pol);
	cg_rules_free(a->rules);
	cg_containers_close(a->ct);
	cg_sensor_close(a->sensor);
	if (a->out_owned && a->out_fd >= 0)
		close(a->out_fd);
	cg_buf_release(&a->line);
}

cg_err_t cg_agent_run(const struct cg_agent_opts *o, volatile sig_atomic_t *stop,
		      volatile sig_atomic_t *reload, struct cg_error *err)
{
	struct agent a;
	struct cg_sensor_opts so = {0};
	struct cg_containers_opts co = {0};
	struct epoll_event evs[8], ee;
	struct stat st;
	int ep = -1, tfd = -1;
	cg_err_t rc = CG_OK;
	const char *rules = o->rules_path ? o->rules_path : CG_RULES_DIR "/runtime";
	unsigned long long last_stats = 0;
	char *token = NULL;

	memset(&a, 0, sizeof(a));
	pthread_mutex_init(&a.pol_mu, NULL);
	a.o = o;
	a.out_fd = -1;
	cg_buf_init(&a.line, AG_LINE_MAX);
	if (o->node)
		snprintf(a.node, sizeof(a.node), "%s", o->node);
	else if (gethostname(a.node, sizeof(a.node) - 1) != 0)
		snprintf(a.node, sizeof(a.node), "unknown");
	a.mono_to_real = (long long)real_ns() - (long long)mono_ns();
	if (stat("/proc/self/ns/pid", &st) == 0)
		a.host_pidns = (unsigned int)st.st_ino;

	a.pt.slot = calloc(AG_PROC_CAP, sizeof(*a.pt.slot));
	if (!a.pt.slot)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "agent: out of memory"));

	rc = cg_rules_load(rules, &a.rules, err);
	if (rc != CG_OK)
		goto done;
	if (o->n_hash_lists) {
		rc = cg_hashdb_new(&a.hashdb);
		for (size_t i = 0; rc == CG_OK && i < o->n_hash_lists; i++)
			rc = cg_hashdb_load(a.hashdb, o->hash_lists[i], err);
		if (rc == CG_OK)
			rc = cg_hashdb_seal(a.hashdb);
		if (rc != CG_OK)
			goto done;
		a.hcache = calloc(AG_HASH_CACHE, sizeof(*a.hcache));
		if (!a.hcache)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "agent: out of memory"));
	}

	if (o->events_path && strcmp(o->events_path, "-") == 0) {
		a.out_fd = STDOUT_FILENO;
	} else if (o->events_path) {
		a.out_fd = open(o->events_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (a.out_fd < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "agent: %s: %s", o->events_path,
						 strerror(errno)));
		a.out_owned = true;
	}

	so.ringbuf_bytes = o->ringbuf_bytes;
	so.force_fallback = o->force_fallback;
	rc = cg_sensor_open(&so, &a.sensor, err);
	if (rc != CG_OK)
		goto done;
	if (cg_sensor_backend(a.sensor) != CG_SENSOR_BPF)
		cg_warn("agent: eBPF unavailable, running on the fallback sensor; not covered: %s",
			cg_sensor_coverage(a.sensor));
	watch_host_objects(&a);
	{
		/* No read-only open is judged by its path: host objects (above) and
		 * each container's shadow files (at its start) are watched by inode,
		 * so the kernel skips the path lookup for every other open. */
		if (cg_sensor_set_sensitive_prefixes(a.sensor, NULL, 0, err) != CG_OK)
			goto done;
	}
	/* Wake for 32 KiB of records (about 50), else on the 25 ms tick: one wake-up
	 * per record costs the host more than the records themselves under an exec
	 * storm; the tick bounds the latency. */
	if (cg_sensor_backend(a.sensor) == CG_SENSOR_BPF &&
	    cg_sensor_set_wakeup(a.sensor, (size_t)32 << 10, err) != CG_OK)
		goto done;

	co.runc_roots = o->runc_roots;
	co.n_runc_roots = o->n_runc_roots;
	co.containerd_states = o->containerd_states;
	co.n_containerd_states = o->n_containerd_states;
	co.containerd_roots = o->containerd_roots;
	co.n_containerd_roots = o->n_containerd_roots;
	rc = cg_containers_open(&co, &a.ct, err);
	if (rc != CG_OK)
		goto done;
	rc = load_policy_file(&a, err);
	if (rc != CG_OK)
		goto done;

	if (o->server_url) {
		struct cg_uplink_opts uo = {0};
		rc = agent_token(&a, &token, err);
		if (rc != CG_OK)
			goto done;
		uo.server_url = o->server_url;
		uo.token = token;
		uo.journal_dir = o->journal_dir;
		uo.tls.ca_file = o->ca_file;
		uo.on_policies = on_server_policies;
		uo.cb_arg = &a;
		rc = cg_uplink_open(&uo, &a.uplink, err);
		if (rc != CG_OK)
			goto done;
		cg_uplink_set_status(a.uplink, 0, 0,
				     cg_sensor_backend(a.sensor) == CG_SENSOR_BPF ? "bpf" : "fallback");
	}

	if (o->learn_seconds)
		a.learn_end = mono_ns() + (unsigned long long)o->learn_seconds * 1000000000ull;
	refresh(&a);

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ep < 0 || tfd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "agent: epoll: %s", strerror(errno)));
	{
		struct itimerspec it = {{0, 25000000}, {0, 25000000}};
		timerfd_settime(tfd, 0, &it, NULL);
	}
	memset(&ee, 0, sizeof(ee));
	ee.events = EPOLLIN;
	ee.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, cg_sensor_fd(a.sensor), &ee);
	ee.data.u32 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, cg_containers_fd(a.ct), &ee);
	ee.data.u32 = 3;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ee);
	cg_info("agent: running on node %s (%s sensor, %zu rules, %zu containers)", a.node,
		cg_sensor_backend(a.sensor) == CG_SENSOR_BPF ? "eBPF" : "fallback",
		cg_rules_count(a.rules), a.n_cs);

	while (!*stop) {
		int n = epoll_wait(ep, evs, (int)CG_ARRAY_LEN(evs), 500);
		unsigned long long now;
		if (n < 0 && errno != EINTR)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "agent: epoll_wait: %s", strerror(errno)));
		for (int i = 0; i < n; i++) {
			struct cg_error e;
			if (evs[i].data.u32 == 1) {
				if (cg_sensor_poll(a.sensor, on_record, &a, &e) < 0)
					cg_warn("agent: sensor: %s", cg_error_message(&e));
			} else if (evs[i].data.u32 == 2) {
				refresh(&a);
			} else {
				uint64_t ticks;
				if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					cg_debug("agent: timer: %s", strerror(errno));
				/* records below the sensor's wake-up threshold */
				if (cg_sensor_poll(a.sensor, on_record, &a, &e) < 0)
					cg_warn("agent: sensor: %s", cg_error_message(&e));
			}
		}
		if (a.uplink)
			apply_server_policies(&a);
		if (reload && *reload) {
			struct cg_error e;
			*reload = 0;
			if (load_policy_file(&a, &e) != CG_OK)
				cg_warn("agent: policy file not reloaded, the old one stays: %s",
					cg_error_message(&e));
		}
		now = mono_ns();
		for (size_t i = 0; i < a.n_cs; i++) {
			if (a.cs[i].account_due && now >= a.cs[i].account_due)
				check_accounts(&a, &a.cs[i]);
			if (a.cs[i].env_pending && now >= a.cs[i].env_due) {
				const struct cg_container *c = cg_containers_by_id(a.ct, a.cs[i].id);
				if (c)
					run_envcheck(&a, c, !is_runtime_proc(c->init_pid, NULL));
				a.cs[i].env_pending = false;
			}
		}
		if (a.learn_end && now >= a.learn_end) {
			learn_write(&a);
			a.learn_end = 0;
		}
		if (now - a.last_refresh > 5000000000ull)
			refresh(&a); /* safety net for missed notifications: cheap */
		if (a.uplink)
			cg_uplink_set_status(a.uplink, a.n_cs, cg_sensor_lost(a.sensor),
					     cg_sensor_backend(a.sensor) == CG_SENSOR_BPF ? "bpf"
											: "fallback");
		if (now - last_stats > 1000000000ull) {
			write_stats(&a);
			last_stats = now;
		}
	}
	/* drain what the kernel still holds */
	(void)cg_sensor_poll(a.sensor, on_record, &a, NULL);
	if (a.learn_end)
		learn_write(&a);
done:
	write_stats(&a);
	if (ep >= 0)
		close(ep);
	if (tfd >= 0)
		close(tfd);
	agent_free(&a);
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return rc;
}
