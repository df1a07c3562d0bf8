/* The sensor's fallback when BPF cannot load: the netlink proc connector (fork, exec,
 * exit of every process) and fanotify (opens and writes on the filesystems the agent
 * asks to watch). Records carry what /proc says at the time the event is read, so a
 * process that is already gone leaves fields empty; the process whitelist is enforced
 * after the exec (kill(2) from here), not before it. See docs/sensor.md. */
#include "util/internal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/magic.h>
#include <linux/netlink.h>

#include "agent/sensor.h"
#include "agent/sensor_int.h"

#define MAX_EVENTS_PER_POLL 4096
#define PID_LIMIT (1u << 22) /* PID_MAX_LIMIT on 64-bit */
#define MAX_OBJECTS 8192

static const char fb_coverage[] =
	"eBPF unavailable, running on the proc connector and fanotify: no system-call "
	"detections (ptrace, setns, unshare, mount, pivot_root, chroot, open_by_handle_at, "
	"module loading, bpf, keyctl, memfd_create, userfaultfd, perf_event_open, iopl, "
	"setuid family, chmod with setuid bits, connect/accept, dup2 onto 0/1/2, rename, "
	"unlink, link); opens only on filesystems watched with cg_sensor_watch_path, "
	"attributed by pid after the fact; the exec'ed path is the resolved executable "
	"(symlinks followed), not the name given to execve; the process whitelist kills "
	"after the exec (the program runs until the kill lands), not before; processes "
	"that exit before /proc is read are reported with empty fields or not at all";

struct cg_sensor_fb {
	int nl, fan, ep;
	char cgroot[64];
	unsigned char *traced; /* bitmap by pid: a traced process we reported */
	struct { unsigned long long dev, ino; } *obj;
	size_t n_obj;
	unsigned long long lost;
};

static bool bit_get(const unsigned char *b, pid_t pid)
{
	return pid > 0 && (unsigned)pid < PID_LIMIT && (b[pid >> 3] & (1u << (pid & 7)));
}
static void bit_set(unsigned char *b, pid_t pid, bool on)
{
	if (pid <= 0 || (unsigned)pid >= PID_LIMIT)
		return;
	if (on)
		b[pid >> 3] |= (unsigned char)(1u << (pid & 7));
	else
		b[pid >> 3] &= (unsigned char)~(1u << (pid & 7));
}

/* Read a small /proc file into buf (NUL-terminated); length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static unsigned int ns_inode(pid_t pid, const char *ns)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, ns);
	return stat(p, &st) == 0 ? (unsigned int)st.st_ino : 0;
}

static unsigned long long cgroup_id(struct cg_sensor_fb *fb, pid_t pid)
{
	char p[64], buf[4096], full[4200];
	const char *line;
	struct stat st;
	size_t len;

	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	if (!fb->cgroot[0] || read_small(p, buf, sizeof(buf)) <= 0)
		return 0;
	line = strstr(buf, "0::");
	if (line != buf && line && line[-1] != '\n')
		line = NULL;
	if (!line)
		return 0;
	line += 3;
	len = strcspn(line, "\n");
	if ((size_t)snprintf(full, sizeof(full), "%s%.*s", fb->cgroot, (int)len, line) >=
	    sizeof(full))
		return 0;
	return stat(full, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static unsigned int status_field(const char *status, const char *name, int idx)
{
	const char *p = strstr(status, name);
	char *end;
	unsigned long v = 0;
	if (!p)
		return 0;
	p += strlen(name);
	for (int i = 0; i <= idx; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		v = strtoul(p, &end, 10);
		if (end == p)
			return 0;
		p = end;
	}
	return (unsigned int)v;
}

/* The path of a host-visible link target, relative to the process's root. */
static void rel_to_root(pid_t pid, const char *target, char *out, size_t size)
{
	char p[64], root[CG_SEV_PATH_MAX];
	ssize_t n;
	size_t rl;

	snprintf(p, sizeof(p), "/proc/%d/root", (int)pid);
	n = readlink(p, root, sizeof(root) - 1);
	rl = n > 0 ? (size_t)n : 0;
	root[rl] = 0;
	if (rl > 1 && strncmp(target, root, rl) == 0 && target[rl] == '/')
		target += rl;
	snprintf(out, size, "%s", target);
}

/* Identity of a process; false when it is gone or not traced. */
static bool fill_proc(struct cg_sensor *s, pid_t pid, struct cg_sev *e)
{
	struct cg_sensor_fb *fb = s->fb;
	char p[64], status[4096];
	size_t i;

	if (pid == s->self)
		return false;
	e->pid = e->tid = pid;
	e->ts = cg_sensor_now_ns();
	e->pidns = ns_inode(pid, "pid");
	e->mntns = ns_inode(pid, "mnt");
	e->cgid = cgroup_id(fb, pid);
	if (!e->pidns)
		return false;
	if (s->n_restrict) {
		for (i = 0; i < s->n_restrict && s->restrict_cgids[i] != e->cgid; i++)
			;
		if (i == s->n_restrict)
			return false;
	} else if (!s->all && e->pidns == s->host_pidns) {
		return false;
	}
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	if (read_small(p, status, sizeof(status)) > 0) {
		e->ppid = (int)status_field(status, "\nPPid:", 0);
		e->uid = status_field(status, "\nUid:", 0);
		e->euid = status_field(status, "\nUid:", 1);
		e->gid = status_field(status, "\nGid:", 0);
	}
	snprintf(p, sizeof(p), "/proc/%d/comm", (int)pid);
	if (read_small(p, e->comm, sizeof(e->comm)) > 0)
		e->comm[strcspn(e->comm, "\n")] = 0;
	return true;
}

/* Is the program pid runs one of the whitelist's (same file, as the container sees
 * the listed paths)? */
static bool whitelisted(pid_t pid, const struct cg_sensor_wl *w)
{
	char p[CG_SEV_PATH_MAX + 64];
	struct stat exe, st;

	snprintf(p, sizeof(p), "/proc/%d/exe", (int)pid);
	if (stat(p, &exe) != 0)
		return true; /* gone: nothing to kill */
	for (size_t i = 0; i < w->n; i++) {
		snprintf(p, sizeof(p), "/proc/%d/root%s", (int)pid, w->paths[i]);
		if (stat(p, &st) == 0 && st.st_dev == exe.st_dev && st.st_ino == exe.st_ino)
			return true;
	}
	return false;
}

static int deliver(struct cg_sensor *s, struct cg_sev *e, cg_sensor_cb cb, void *arg)
{
	cb(e, arg);
	(void)s;
	return 1;
}

static int proc_event(struct cg_sensor *s, const struct proc_event *pe, cg_sensor_cb cb,
		      void *arg)
{
	struct cg_sensor_fb *fb = s->fb;
	struct cg_sev e;
	char p[64], target[CG_SEV_PATH_MAX];
	ssize_t n;

	memset(&e, 0, sizeof(e));
	e.nr = -1;
	switch (pe->what) {
	case PROC_EVENT_FORK:
		if (pe->event_data.fork.child_pid != pe->event_data.fork.child_tgid)
			return 0;
		if (!fill_proc(s, pe->event_data.fork.child_tgid, &e))
			return 0;
		e.kind = CG_SEV_FORK;
		e.ppid = pe->event_data.fork.parent_tgid;
		bit_set(fb->traced, e.pid, true);
		return deliver(s, &e, cb, arg);
	case PROC_EVENT_EXEC:
		if (!fill_proc(s, pe->event_data.exec.process_tgid, &e))
			return 0;
		e.kind = CG_SEV_EXEC;
		snprintf(p, sizeof(p), "/proc/%d/exe", e.pid);
		n = readlink(p, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			rel_to_root(e.pid, target, e.path, sizeof(e.path));
		}
		bit_set(fb->traced, e.pid, true);
		for (size_t i = 0; i < s->n_wl; i++) {
			if (s->wl[i].cgid == e.cgid && e.cgid && !whitelisted(e.pid, &s->wl[i])) {
				kill(e.pid, SIGKILL);
				e.kind = CG_SEV_KILLED;
				break;
			}
		}
		return deliver(s, &e, cb, arg);
	case PROC_EVENT_EXIT:
		if (pe->event_data.exit.process_pid != pe->event_data.exit.process_tgid)
			return 0;
		if (!bit_get(fb->traced, pe->event_data.exit.process_tgid))
			return 0;
		bit_set(fb->traced, pe->event_data.exit.process_tgid, false);
		e.kind = CG_SEV_EXIT;
		e.pid = e.tid = pe->event_data.exit.process_tgid;
		e.ppid = pe->event_data.exit.parent_tgid;
		e.ret = pe->event_data.exit.exit_code;
		e.ts = cg_sensor_now_ns();
		return deliver(s, &e, cb, arg);
	default:
		return 0;
	}
}

static int read_netlink(struct cg_sensor *s, cg_sensor_cb cb, void *arg, int *budget)
{
	struct cg_sensor_fb *fb = s->fb;
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	int count = 0;

	while (*budget > 0) {
		ssize_t n = recv(fb->nl, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		if (n < 0) {
			if (errno == ENOBUFS) { /* the socket overflowed: records lost */
				fb->lost++;
				continue;
			}
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct cn_msg *cn;
			struct proc_event pe;
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(struct proc_event)))
				continue;
			cn = NLMSG_DATA(h);
			if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
				continue;
			/* the event is 4-byte aligned in the message: copied out */
			memset(&pe, 0, sizeof(pe));
			memcpy(&pe, cn->data,
			       h->nlmsg_len - NLMSG_LENGTH(sizeof(struct cn_msg)) < sizeof(pe)
				       ? h->nlmsg_len - NLMSG_LENGTH(sizeof(struct cn_msg))
				       : sizeof(pe));
			count += proc_event(s, &pe, cb, arg);
			(*budget)--;
		}
	}
	return count;
}

static bool watched_object(struct cg_sensor_fb *fb, unsigned long long dev,
			   unsigned long long ino)
{
	for (size_t i = 0; i < fb->n_obj; i++)
		if (fb->obj[i].dev == dev && fb->obj[i].ino == ino)
			return true;
	return false;
}

static int read_fanotify(struct cg_sensor *s, cg_sensor_cb cb, void *arg, int *budget)
{
	struct cg_sensor_fb *fb = s->fb;
	char buf[4096] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	int count = 0;

	if (fb->fan < 0)
		return 0;
	while (*budget > 0) {
		ssize_t n = read(fb->fan, buf, sizeof(buf));
		struct fanotify_event_metadata *m;
		if (n <= 0)
			break;
		for (m = (struct fanotify_event_metadata *)buf; FAN_EVENT_OK(m, n);
		     m = FAN_EVENT_NEXT(m, n)) {
			struct cg_sev e;
			struct stat st;
			char p[64], target[CG_SEV_PATH_MAX];
			ssize_t l;
			bool write = (m->mask & (FAN_MODIFY | FAN_CLOSE_WRITE)) != 0;

			(*budget)--;
			if (m->mask & FAN_Q_OVERFLOW) {
				fb->lost++;
				continue;
			}
			if (m->fd < 0)
				continue;
			memset(&e, 0, sizeof(e));
			e.nr = -1;
			if (fill_proc(s, m->pid, &e) && fstat(m->fd, &st) == 0) {
				e.kind = CG_SEV_OPEN;
				e.dev = cg_sensor_kdev(st.st_dev);
				e.ino = st.st_ino;
				e.flags = write ? O_WRONLY : O_RDONLY;
				e.args[0] = (long long)m->mask;
				snprintf(p, sizeof(p), "/proc/self/fd/%d", m->fd);
				l = readlink(p, target, sizeof(target) - 1);
				if (l > 0) {
					target[l] = 0;
					rel_to_root(e.pid, target, e.path, sizeof(e.path));
				}
				if (write || watched_object(fb, e.dev, e.ino) ||
				    strncmp(e.path, "/etc/", 5) == 0)
					count += deliver(s, &e, cb, arg);
			}
			close(m->fd);
		}
	}
	return count;
}

cg_err_t cg_sensor_fb_open(struct cg_sensor *s, struct cg_error *err)
{
	struct cg_sensor_fb *fb;
	struct sockaddr_nl sa;
	struct epoll_event ev;
	struct statfs sfs;
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	enum { MSG_LEN = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op)) };
	char msg[NLMSG_SPACE(MSG_LEN)] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h = (struct nlmsghdr *)msg;
	struct cn_msg *cn = NLMSG_DATA(h);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;

	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return cg_error_set(err, CG_ERR_NOMEM, "sensor fallback: out of memory");
	s->fb = fb;
	fb->nl = fb->fan = fb->ep = -1;
	snprintf(s->coverage, sizeof(s->coverage), "%s", fb_coverage);
	for (size_t i = 0; i < CG_ARRAY_LEN(roots); i++)
		if (statfs(roots[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(fb->cgroot, sizeof(fb->cgroot), "%s", roots[i]);
			break;
		}
	fb->traced = calloc(PID_LIMIT / 8, 1);
	if (!fb->traced)
		return cg_error_set(err, CG_ERR_NOMEM, "sensor fallback: out of memory");

	fb->nl = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (fb->nl < 0)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "sensor fallback: proc connector: %s",
				    strerror(errno));
	{
		int rcvbuf = 4 << 20;
		(void)setsockopt(fb->nl, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = CN_IDX_PROC;
	if (bind(fb->nl, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "sensor fallback: proc connector: %s",
				    strerror(errno));
	memset(msg, 0, sizeof(msg));
	h->nlmsg_len = MSG_LEN;
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_pid = 0;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fb->nl, msg, MSG_LEN, 0) < 0)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "sensor fallback: proc connector: %s",
				    strerror(errno));

	fb->fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
				O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fb->fan < 0)
		cg_warn("sensor fallback: fanotify unavailable (%s): no open events",
			strerror(errno));

	fb->ep = epoll_create1(EPOLL_CLOEXEC);
	if (fb->ep < 0)
		return cg_error_set(err, CG_ERR_IO, "sensor fallback: epoll: %s", strerror(errno));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = fb->nl;
	if (epoll_ctl(fb->ep, EPOLL_CTL_ADD, fb->nl, &ev) != 0)
		return cg_error_set(err, CG_ERR_IO, "sensor fallback: epoll: %s", strerror(errno));
	if (fb->fan >= 0) {
		ev.data.fd = fb->fan;
		if (epoll_ctl(fb->ep, EPOLL_CTL_ADD, fb->fan, &ev) != 0)
			return cg_error_set(err, CG_ERR_IO, "sensor fallback: epoll: %s",
					    strerror(errno));
	}
	return CG_OK;
}

void cg_sensor_fb_close(struct cg_sensor *s)
{
	struct cg_sensor_fb *fb = s->fb;
	if (!fb)
		return;
	if (fb->nl >= 0)
		close(fb->nl);
	if (fb->fan >= 0)
		close(fb->fan);
	if (fb->ep >= 0)
		close(fb->ep);
	free(fb->traced);
	free(fb->obj);
	free(fb);
	s->fb = NULL;
}

int cg_sensor_fb_fd(const struct cg_sensor *s)
{
	return s->fb ? s->fb->ep : -1;
}

int cg_sensor_fb_poll(struct cg_sensor *s, cg_sensor_cb cb, void *arg, struct cg_error *err)
{
	struct cg_sensor_fb *fb = s->fb;
	int budget = MAX_EVENTS_PER_POLL, count = 0;

	(void)err;
	count += read_netlink(s, cb, arg, &budget);
	count += read_fanotify(s, cb, arg, &budget);
	if (fb->lost > s->lost_reported) {
		struct cg_sev e;
		memset(&e, 0, sizeof(e));
		e.kind = CG_SEV_LOST;
		e.nr = -1;
		e.ts = cg_sensor_now_ns();
		e.args[0] = (long long)(fb->lost - s->lost_reported);
		s->lost_reported = fb->lost;
		cb(&e, arg);
		count++;
	}
	s->lost = fb->lost;
	return count;
}

cg_err_t cg_sensor_fb_watch_path(struct cg_sensor *s, const char *path, struct cg_error *err)
{
	struct cg_sensor_fb *fb = s->fb;
	if (fb->fan < 0)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "watch \"%s\": no fanotify", path);
	if (fanotify_mark(fb->fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
			  FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, AT_FDCWD, path) != 0)
		return cg_error_set(err, CG_ERR_IO, "watch \"%s\": %s", path, strerror(errno));
	return CG_OK;
}

cg_err_t cg_sensor_fb_watch_object(struct cg_sensor *s, unsigned long long dev,
				   unsigned long long ino, struct cg_error *err)
{
	struct cg_sensor_fb *fb = s->fb;
	void *g;
	if (watched_object(fb, dev, ino))
		return CG_OK;
	if (fb->n_obj >= MAX_OBJECTS)
		return cg_error_set(err, CG_ERR_LIMIT, "watch object: more than %d", MAX_OBJECTS);
	g = realloc(fb->obj, (fb->n_obj + 1) * sizeof(*fb->obj));
	if (!g)
		return cg_error_set(err, CG_ERR_NOMEM, "watch object: out of memory");
	fb->obj = g;
	fb->obj[fb->n_obj].dev = dev;
	fb->obj[fb->n_obj].ino = ino;
	fb->n_obj++;
	return CG_OK;
}
