/* lib/agent/sensor: the eBPF sensor and its fallback against a real runc container
 * (busybox rootfs built here). Needs root, runc and busybox; exits 77 (skipped) when
 * they are missing. */
#include "util/internal.h"
#include "cgtest.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/sensor.h"

static char tmp[64], bundle[128], rootfs[160], runc_root[128], ctr_id[64];
static pid_t init_pid;
static unsigned long long ctr_cgid;
static unsigned int ctr_pidns, ctr_mntns, host_pidns;
static bool started;

/* ---- helpers ------------------------------------------------------------------- */

static int run(const char *fmt, ...) CG_PRINTF(1, 2);
static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static unsigned long long ino_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void teardown(void)
{
	if (started) {
		run("runc --root %s kill %s KILL >/dev/null 2>&1", runc_root, ctr_id);
		run("runc --root %s delete -f %s >/dev/null 2>&1", runc_root, ctr_id);
	}
	if (tmp[0])
		run("rm -rf %s", tmp);
}

/* A busybox bundle and a running container (sleep), its cgroup id and namespaces. */
static bool container(void)
{
	static const char *const applets[] = { "sh", "cat", "ls", "echo", "true", "sleep",
					       "unshare", "nsenter", "chmod", "nc", "mount",
					       "touch", "id", "seq" };
	char path[512], buf[4096];
	FILE *f;
	size_t n;
	char *line;

	if (started)
		return true;
	snprintf(tmp, sizeof(tmp), "/tmp/cg-test-sensor.XXXXXX");
	if (!mkdtemp(tmp))
		return false;
	atexit(teardown);
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	snprintf(runc_root, sizeof(runc_root), "%s/runc", tmp);
	snprintf(ctr_id, sizeof(ctr_id), "cgsensor-%d", (int)getpid());
	if (run("mkdir -p %s/bin %s/etc %s/tmp %s/proc %s/sys %s/dev %s/mnt && cp /bin/busybox %s/bin/",
		rootfs, rootfs, rootfs, rootfs, rootfs, rootfs, rootfs, rootfs) != 0 ||
	    run("cp /bin/busybox %s/bin/busybox2", rootfs) != 0)
		return false;
	for (size_t i = 0; i < CG_ARRAY_LEN(applets); i++) {
		snprintf(path, sizeof(path), "%s/bin/%s", rootfs, applets[i]);
		if (symlink("busybox", path) != 0)
			return false;
	}
	snprintf(path, sizeof(path), "%s/etc/shadow", rootfs);
	write_file(path, "root:*:19000:0:99999:7:::\n");
	snprintf(path, sizeof(path), "%s/etc/hostname", rootfs);
	write_file(path, "sensor-test\n");
	snprintf(path, sizeof(path), "%s/tmp/secret", rootfs);
	write_file(path, "a host-sensitive object\n");
	snprintf(path, sizeof(path), "%s/tmp/plain", rootfs);
	write_file(path, "nothing special\n");
	if (run("cd %s && runc spec && jq '.process.terminal=false | .process.args=[\"/bin/sleep\",\"100000\"] "
		"| .root.readonly=false' config.json > config.new && mv config.new config.json",
		bundle) != 0)
		return false;
	if (run("runc --root %s run -d --bundle %s --pid-file %s/pid %s </dev/null >%s/run.log 2>&1",
		runc_root, bundle, tmp, ctr_id, tmp) != 0)
		return false;
	started = true;
	snprintf(path, sizeof(path), "%s/pid", tmp);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	init_pid = (pid_t)strtol(buf, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)init_pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	line = strstr(buf, "0::");
	if (!line)
		return false;
	line[3 + strcspn(line + 3, "\n")] = 0;
	snprintf(path, sizeof(path), "/sys/fs/cgroup/unified%s", line + 3);
	ctr_cgid = ino_of(path);
	if (!ctr_cgid) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		ctr_cgid = ino_of(path);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init_pid);
	ctr_pidns = (unsigned int)ino_of(path);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init_pid);
	ctr_mntns = (unsigned int)ino_of(path);
	host_pidns = (unsigned int)ino_of("/proc/self/ns/pid");
	return ctr_cgid && ctr_pidns && ctr_mntns;
}

/* The records the tests look at: our container's, the host's (which must not be
 * there by default), and the synthetic ones. Other containers on the machine (other
 * tests running at the same time) are left out. */
struct recs {
	struct cg_sev *v;
	size_t n, cap;
	bool keep_all;
};

static void keep(const struct cg_sev *e, void *arg)
{
	struct recs *r = arg;
	if (!r->keep_all && e->cgid != ctr_cgid && e->pidns != host_pidns &&
	    e->kind != CG_SEV_LOST && e->kind != CG_SEV_KILLED)
		return;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 256;
		struct cg_sev *g = realloc(r->v, nc * sizeof(*g));
		if (!g)
			return;
		r->v = g;
		r->cap = nc;
	}
	r->v[r->n++] = *e;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll the sensor until it has been quiet for quiet_ms (or max_ms passed). */
static void collect(struct cg_sensor *s, struct recs *r, int quiet_ms, int max_ms)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	long long start = now_ms(), last = start;
	struct cg_error err;

	epoll_ctl(ep, EPOLL_CTL_ADD, cg_sensor_fd(s), &ev);
	while (now_ms() - start < max_ms) {
		size_t before = r->n;
		epoll_wait(ep, &out, 1, 20);
		cg_sensor_poll(s, keep, r, &err);
		if (r->n > before)
			last = now_ms();
		else if (now_ms() - last >= quiet_ms)
			break;
	}
	close(ep);
}

static const struct cg_sev *find(const struct recs *r, unsigned kind, int nr, const char *path)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct cg_sev *e = &r->v[i];
		if (e->kind != kind || e->cgid != ctr_cgid)
			continue;
		if (nr >= 0 && e->nr != nr)
			continue;
		if (path && strcmp(e->path, path) != 0)
			continue;
		return e;
	}
	return NULL;
}

static unsigned long long kdev_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? cg_sensor_kdev(st.st_dev) : 0;
}

/* ---- cases --------------------------------------------------------------------- */

static void t_arguments(struct cgt *t)
{
	struct cg_sensor_opts o = { .ringbuf_bytes = 5000 };
	struct cg_sensor *s = NULL;
	struct cg_error err;
	char *rel[] = { "bin/sh" }, long_path[300];
	char *lp[] = { long_path };

	CHECK_INT(t, cg_sensor_open(&o, &s, &err), CG_ERR_ARG);
	CHECK(t, s == NULL);
	CHECK(t, strstr(err.msg, "power of two") != NULL);
	CHECK(t, cg_sensor_kdev(makedev(8, 1)) == ((8ull << 20) | 1));
	CHECK(t, cg_sensor_kdev(makedev(259, 300)) == ((259ull << 20) | 300));

	o.ringbuf_bytes = 0;
	o.force_fallback = true;
	if (cg_sensor_open(&o, &s, &err) != CG_OK) {
		CHECKF(t, 0, "fallback open: %s", err.msg);
		return;
	}
	CHECK_INT(t, cg_sensor_set_whitelist(s, 1, true, rel, 1, &err), CG_ERR_ARG);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = 0;
	CHECK_INT(t, cg_sensor_set_whitelist(s, 1, true, lp, 1, &err), CG_ERR_LIMIT);
	CHECK_INT(t, cg_sensor_watch_path(s, "relative", &err), CG_ERR_ARG);
	cg_sensor_close(s);
}

static void t_container_events(struct cgt *t)
{
	struct cg_sensor_opts o = { 0 };
	struct cg_sensor *s = NULL;
	struct cg_error err;
	struct recs r = { 0 };
	const struct cg_sev *e;
	char path[512], secret[512];
	int rc;

	if (!container()) {
		CHECKF(t, 0, "could not start the test container (see %s/run.log)", tmp);
		return;
	}
	if (cg_sensor_open(&o, &s, &err) != CG_OK) {
		CHECKF(t, 0, "open: %s", err.msg);
		return;
	}
	CHECKF(t, cg_sensor_backend(s) == CG_SENSOR_BPF, "BPF backend (coverage: %s)",
	       cg_sensor_coverage(s));
	snprintf(secret, sizeof(secret), "%s/tmp/secret", rootfs);
	CHECK_INT(t, cg_sensor_watch_object(s, kdev_of(secret), ino_of(secret), &err), CG_OK);

	/* host processes: never reported by default */
	CHECK_INT(t, run("/bin/true && cat /etc/hostname >/dev/null && echo x > %s/host-write", tmp), 0);
	/* the container: a program, key files, namespace calls, setuid bit, mount, a
	 * connection, relative exec, a host-sensitive object, dup2 onto stdin */
	rc = run("runc --root %s exec %s /bin/sh -c '"
		 "echo x >> /etc/shadow; cat /etc/hostname >/dev/null; unshare -m true; "
		 "nsenter -t 1 -m true; touch /tmp/f; chmod u+s /tmp/f; "
		 "mount -t tmpfs none /mnt; nc -w 1 127.0.0.1 9 </dev/null; "
		 "cat /tmp/secret /tmp/plain >/dev/null; "
		 "cd /bin && ./true; exec 3</etc/hostname; exec 0<&3; true' >/dev/null 2>&1",
		 runc_root, ctr_id);
	CHECK_INT(t, rc, 0);
	collect(s, &r, 200, 5000);

	e = find(&r, CG_SEV_EXEC, -1, "/bin/sh");
	CHECK(t, e != NULL);
	if (e) {
		CHECK_INT(t, e->pidns, ctr_pidns);
		CHECK_INT(t, e->mntns, ctr_mntns);
		CHECK_STR(t, e->comm, "sh");
		CHECK(t, e->pid > 0 && e->tid == e->pid && e->ppid > 0);
		CHECK_INT(t, e->uid, 0);
		CHECK(t, e->ts > 0);
	}
	/* the write-open of the shadow file: the object opened, as stat() sees it */
	e = find(&r, CG_SEV_OPEN, -1, "/etc/shadow");
	CHECK(t, e != NULL);
	if (e) {
		snprintf(path, sizeof(path), "%s/etc/shadow", rootfs);
		CHECK(t, (e->flags & O_ACCMODE) == O_WRONLY && (e->flags & O_APPEND));
		CHECK(t, e->ret >= 0);
		CHECK_INT(t, e->ino, ino_of(path));
		CHECK_INT(t, e->dev, kdev_of(path));
		CHECK_INT(t, e->nr, 257); /* openat */
	}
	/* a read-only open under a sensitive prefix */
	e = find(&r, CG_SEV_OPEN, -1, "/etc/hostname");
	CHECK(t, e != NULL && (e->flags & O_ACCMODE) == O_RDONLY);
	/* a read-only open of a watched object (by identity); not of its neighbour */
	e = find(&r, CG_SEV_OPEN, -1, "/tmp/secret");
	CHECK(t, e != NULL && e->ino == ino_of(secret));
	CHECK(t, find(&r, CG_SEV_OPEN, -1, "/tmp/plain") == NULL);
	/* unshare(CLONE_NEWNS), setns */
	e = find(&r, CG_SEV_SYSCALL, 272, NULL);
	CHECK(t, e != NULL && e->args[0] == CLONE_NEWNS);
	CHECK(t, find(&r, CG_SEV_SYSCALL, 308, NULL) != NULL);
	/* chmod u+s */
	e = find(&r, CG_SEV_CHMOD, -1, "/tmp/f");
	CHECK(t, e != NULL && (e->mode & S_ISUID));
	/* mount: source, target, the filesystem type packed in args[1] */
	e = find(&r, CG_SEV_MOUNT, 165, "none");
	CHECK(t, e != NULL && strcmp(e->path2, "/mnt") == 0 &&
		 memcmp(&e->args[1], "tmpfs", 6) == 0);
	/* connect to 127.0.0.1:9 (refused: ret < 0) */
	e = find(&r, CG_SEV_CONNECT, 42, NULL);
	CHECK(t, e != NULL);
	if (e) {
		CHECK_INT(t, e->family, 2);
		CHECK_INT(t, e->port, 9);
		CHECK(t, e->addr[0] == 127 && e->addr[1] == 0 && e->addr[2] == 0 && e->addr[3] == 1);
		CHECK(t, e->ret < 0);
	}
	/* a relative exec is reported as given to execve */
	CHECK(t, find(&r, CG_SEV_EXEC, -1, "./true") != NULL);
	/* dup2(3, 0): not a socket */
	{
		bool dup0 = false;
		for (size_t i = 0; i < r.n; i++)
			if (r.v[i].kind == CG_SEV_DUP && r.v[i].cgid == ctr_cgid &&
			    r.v[i].args[1] == 0 && r.v[i].args[0] == 3 && r.v[i].sock == 0)
				dup0 = true;
		CHECK(t, dup0);
	}
	/* exit of the shell, with its wait status */
	CHECK(t, find(&r, CG_SEV_EXIT, -1, NULL) != NULL);
	/* nothing from the host pid namespace */
	{
		size_t host = 0;
		for (size_t i = 0; i < r.n; i++)
			if (r.v[i].pidns == host_pidns)
				host++;
		CHECK_INT(t, host, 0);
	}
	CHECK_INT(t, cg_sensor_lost(s), 0);
	free(r.v);
	cg_sensor_close(s);
}

static void t_whitelist(struct cgt *t)
{
	struct cg_sensor_opts o = { 0 };
	struct cg_sensor *s = NULL;
	struct cg_error err;
	struct recs r = { 0 };
	char *list[] = { "/bin/cat", "/bin/sh" };
	char path[512], buf[64] = "";
	const struct cg_sev *e;
	FILE *f;

	if (!container()) {
		CHECKF(t, 0, "could not start the test container");
		return;
	}
	if (cg_sensor_open(&o, &s, &err) != CG_OK) {
		CHECKF(t, 0, "open: %s", err.msg);
		return;
	}
	/* only this container's records: other containers on the machine (a
	 * benchmark, another test) must not crowd the 200 kills out of collect() */
	CHECK_INT(t, cg_sensor_restrict_cgroup(s, ctr_cgid, true, &err), CG_OK);
	CHECK_INT(t, cg_sensor_set_whitelist(s, ctr_cgid, true, list, 2, &err), CG_OK);
	/* listed: runs */
	CHECK_INT(t, run("runc --root %s exec %s /bin/cat /etc/hostname >/dev/null 2>&1", runc_root,
			 ctr_id), 0);
	/* not listed: killed before it runs (SIGKILL: 128 + 9) */
	CHECK_INT(t, run("runc --root %s exec %s /bin/ls / >/dev/null 2>&1", runc_root, ctr_id), 137);
	/* escapes: 200 execs of an unlisted program from a listed shell; none may run */
	snprintf(path, sizeof(path), "%s/escapes", tmp);
	run("runc --root %s exec %s /bin/sh -c 'n=0; i=0; while [ $i -lt 200 ]; do "
	    "i=$((i+1)); /bin/ls / >/dev/null 2>&1 && n=$((n+1)); done; echo $n' >%s 2>/dev/null",
	    runc_root, ctr_id, path);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	CHECKF(t, strcmp(buf, "0\n") == 0, "unlisted programs that ran: \"%s\"", buf);
	collect(s, &r, 200, 5000);
	e = find(&r, CG_SEV_KILLED, -1, "/bin/ls");
	CHECK(t, e != NULL && e->pidns == ctr_pidns);
	CHECK(t, find(&r, CG_SEV_EXEC, -1, "/bin/cat") != NULL);
	{
		size_t killed = 0;
		for (size_t i = 0; i < r.n; i++)
			killed += r.v[i].kind == CG_SEV_KILLED && r.v[i].cgid == ctr_cgid;
		CHECK_INT(t, killed, 201);
	}
	/* a changed list: /bin/ls now allowed, /bin/cat no longer */
	list[0] = "/bin/ls";
	CHECK_INT(t, cg_sensor_set_whitelist(s, ctr_cgid, true, list, 2, &err), CG_OK);
	CHECK_INT(t, run("runc --root %s exec %s /bin/ls / >/dev/null 2>&1", runc_root, ctr_id), 0);
	CHECK_INT(t, run("runc --root %s exec %s /bin/cat /etc/hostname >/dev/null 2>&1", runc_root,
			 ctr_id), 137);
	/* off: everything runs again */
	CHECK_INT(t, cg_sensor_set_whitelist(s, ctr_cgid, false, NULL, 0, &err), CG_OK);
	CHECK_INT(t, run("runc --root %s exec %s /bin/cat /etc/hostname >/dev/null 2>&1", runc_root,
			 ctr_id), 0);

	/* restricted to another cgroup: our container is not reported; then to ours */
	collect(s, &r, 100, 2000);
	r.n = 0;
	CHECK_INT(t, cg_sensor_restrict_cgroup(s, ctr_cgid, false, &err), CG_OK);
	CHECK_INT(t, cg_sensor_restrict_cgroup(s, 1, true, &err), CG_OK);
	CHECK_INT(t, run("runc --root %s exec %s /bin/ls / >/dev/null 2>&1", runc_root, ctr_id), 0);
	collect(s, &r, 100, 2000);
	CHECK(t, find(&r, CG_SEV_EXEC, -1, "/bin/ls") == NULL);
	CHECK_INT(t, cg_sensor_restrict_cgroup(s, ctr_cgid, true, &err), CG_OK);
	CHECK_INT(t, run("runc --root %s exec %s /bin/ls / >/dev/null 2>&1", runc_root, ctr_id), 0);
	collect(s, &r, 100, 2000);
	CHECK(t, find(&r, CG_SEV_EXEC, -1, "/bin/ls") != NULL);
	free(r.v);
	cg_sensor_close(s);
}

static void t_drops(struct cgt *t)
{
	struct cg_sensor_opts o = { .ringbuf_bytes = 4096, .all_processes = true };
	struct cg_sensor *s = NULL;
	struct cg_error err;
	struct recs r = { .keep_all = true };
	long long lost = 0;

	if (cg_sensor_open(&o, &s, &err) != CG_OK) {
		CHECKF(t, 0, "open: %s", err.msg);
		return;
	}
	CHECK(t, cg_sensor_backend(s) == CG_SENSOR_BPF);
	/* a fork+exec storm with nobody reading */
	for (int i = 0; i < 300; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	collect(s, &r, 100, 1000);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].kind == CG_SEV_LOST)
			lost += r.v[i].args[0];
	CHECKF(t, lost > 0, "CG_SEV_LOST records: %lld lost", lost);
	CHECK(t, cg_sensor_lost(s) == (unsigned long long)lost);
	/* the ring holds 4096 bytes: only a handful of the storm's records got through */
	{
		size_t execs = 0;
		for (size_t i = 0; i < r.n; i++)
			execs += r.v[i].kind == CG_SEV_EXEC && r.v[i].ppid == getpid() &&
				 strcmp(r.v[i].path, "/bin/true") == 0;
		CHECKF(t, execs < 300, "%zu of 300 execs reported", execs);
	}
	free(r.v);
	cg_sensor_close(s);
}

static void t_fallback(struct cgt *t)
{
	struct cg_sensor_opts o = { .force_fallback = true };
	struct cg_sensor *s = NULL;
	struct cg_error err;
	struct recs r = { 0 };
	char *list[] = { "/bin/cat" };
	char path[512], buf[64] = "";
	const struct cg_sev *exec = NULL, *killed = NULL, *wr = NULL;
	FILE *f;

	if (!container()) {
		CHECKF(t, 0, "could not start the test container");
		return;
	}
	if (cg_sensor_open(&o, &s, &err) != CG_OK) {
		CHECKF(t, 0, "open: %s", err.msg);
		return;
	}
	CHECK(t, cg_sensor_backend(s) == CG_SENSOR_FALLBACK);
	CHECK(t, strstr(cg_sensor_coverage(s), "kills after the exec") != NULL);
	CHECK_INT(t, cg_sensor_watch_path(s, rootfs, &err), CG_OK);
	run("runc --root %s exec %s /bin/sh -c 'echo x > /tmp/fb; exec /bin/sleep 1' >/dev/null 2>&1 &",
	    runc_root, ctr_id);
	for (long long end = now_ms() + 4000; now_ms() < end && !(exec && wr);) {
		collect(s, &r, 50, 200);
		for (size_t i = 0; i < r.n; i++) {
			if (r.v[i].cgid != ctr_cgid)
				continue;
			if (r.v[i].kind == CG_SEV_EXEC && strcmp(r.v[i].path, "/bin/busybox") == 0 &&
			    strcmp(r.v[i].comm, "sleep") == 0)
				exec = &r.v[i];
			if (r.v[i].kind == CG_SEV_OPEN && strcmp(r.v[i].path, "/tmp/fb") == 0 &&
			    r.v[i].flags == O_WRONLY)
				wr = &r.v[i];
		}
	}
	/* the exec'ed file, resolved (/bin/sleep is a link to busybox), in the container */
	CHECK(t, exec != NULL);
	if (exec) {
		CHECK_INT(t, exec->pidns, ctr_pidns);
		CHECK_INT(t, exec->mntns, ctr_mntns);
	}
	CHECK(t, wr != NULL);
	if (wr) {
		snprintf(path, sizeof(path), "%s/tmp/fb", rootfs);
		CHECK_INT(t, wr->ino, ino_of(path));
		CHECK_INT(t, wr->dev, kdev_of(path));
	}
	/* the whitelist from user space: killed after the exec. The fallback compares
	 * files, so a program must be another file than the listed ones (every busybox
	 * applet is the same file) */
	r.n = 0;
	CHECK_INT(t, cg_sensor_set_whitelist(s, ctr_cgid, true, list, 1, &err), CG_OK);
	snprintf(path, sizeof(path), "%s/fbrc", tmp);
	run("(runc --root %s exec %s /bin/busybox2 sleep 5 >/dev/null 2>&1; echo $? > %s) &", runc_root, ctr_id,
	    path);
	for (long long end = now_ms() + 4000; now_ms() < end && !killed;) {
		collect(s, &r, 50, 200);
		for (size_t i = 0; i < r.n; i++)
			if (r.v[i].kind == CG_SEV_KILLED && r.v[i].cgid == ctr_cgid)
				killed = &r.v[i];
	}
	CHECK(t, killed != NULL);
	for (long long end = now_ms() + 6000; now_ms() < end; usleep(50000)) {
		f = fopen(path, "r");
		if (f) {
			bool got = fgets(buf, sizeof(buf), f) != NULL;
			fclose(f);
			if (got)
				break;
		}
	}
	CHECK_STR(t, buf, "137\n");
	free(r.v);
	cg_sensor_close(s);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_arguments),
	CGT_CASE(t_container_events),
	CGT_CASE(t_whitelist),
	CGT_CASE(t_drops),
	CGT_CASE(t_fallback),
};

int main(int argc, char **argv)
{
	if (geteuid() != 0 || run("command -v runc >/dev/null && command -v jq >/dev/null && "
				  "test -x /bin/busybox") != 0) {
		printf("test_sensor: needs root, runc, jq and /bin/busybox (busybox-static)\n");
		printf("test_sensor: 0 passed, 0 failed, %zu skipped\n", CG_ARRAY_LEN(cases));
		return 77;
	}
	return cgt_run_(argv[0], cases, CG_ARRAY_LEN(cases), argc, argv);
}
