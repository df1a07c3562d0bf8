/* Container discovery (lib/agent/containers.c).
 *
 * Without root: state trees built in a temp folder whose "containers" are this
 * test process itself (its pid, start time, cgroup and namespaces are real),
 * malformed state files, containerd task folders, Docker's config.v2.json.
 * With root and runc: real busybox containers started with `runc run -d`
 * under a private --root: discovery after the inotify/pidfd notification with
 * the right pid, cgroup id, pid namespace and image annotation, the stop when
 * it is killed, and 200 short-lived containers while refreshing. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cguard/cguard.h>
#include "agent/containers.h"
#include "cgtest.h"

struct seen {
	int started, stopped;
	char last_id[128];
	pid_t last_pid;
	char image[256];
};

static void cb(enum cg_container_change what, const struct cg_container *c, void *arg)
{
	struct seen *s = arg;
	if (what == CG_CONTAINER_STARTED) {
		s->started++;
		snprintf(s->image, sizeof(s->image), "%s", c->image ? c->image : "");
	} else {
		s->stopped++;
	}
	snprintf(s->last_id, sizeof(s->last_id), "%s", c->id);
	s->last_pid = c->init_pid;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static unsigned long long self_start(void)
{
	char buf[1024], *p;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	for (int i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

static char tmp[256];

static void mktmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/cg-test-containers.XXXXXX");
	if (!mkdtemp(tmp))
		tmp[0] = '\0';
}

static void rmtmp(void)
{
	if (tmp[0])
		sh("rm -rf '%s'", tmp);
}

static void write_state(const char *root, const char *id, pid_t pid, unsigned long long start,
			const char *extra_labels)
{
	char path[512], text[4096];
	snprintf(path, sizeof(path), "%s/%s", root, id);
	mkdir(path, 0700);
	snprintf(text, sizeof(text),
		 "{\"id\":\"%s\",\"init_process_pid\":%d,\"init_process_start\":%llu,"
		 "\"created\":\"2026-01-01T00:00:00Z\",\"config\":{\"rootfs\":\"/tmp/x/rootfs\","
		 "\"labels\":[\"bundle=/tmp/x\"%s]},\"cgroup_paths\":{}}",
		 id, (int)pid, start, extra_labels);
	snprintf(path, sizeof(path), "%s/%s/state.json.tmp", root, id);
	write_file(path, text);
	{
		char final[512];
		snprintf(final, sizeof(final), "%s/%s/state.json", root, id);
		rename(path, final);
	}
}

static void t_fixture_self(struct cgt *t)
{
	char root[512], *roots[1];
	struct cg_containers_opts o = { 0 };
	struct cg_containers *c = NULL;
	struct cg_error err;
	struct seen s = { 0 };
	const struct cg_container *k;
	struct stat st;

	mktmp();
	snprintf(root, sizeof(root), "%s/runc", tmp);
	roots[0] = root;
	o.runc_roots = roots;
	o.n_runc_roots = 1;
	o.containerd_states = roots; /* nothing there */
	o.n_containerd_states = 0;
	CHECK(t, cg_containers_open(&o, &c, &err) == CG_OK);
	if (!c)
		return;
	/* the root does not exist yet: nothing, no error */
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 0);
	mkdir(root, 0700);
	write_state(root, "self", getpid(), self_start(),
		    ",\"io.cguard.image=docker.io/library/busybox:1.36\","
		    "\"io.cguard.image-digest=sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		    "\"io.kubernetes.cri.sandbox-name=web-1\",\"io.kubernetes.cri.sandbox-namespace=prod\"");
	/* a folder without state.json yet, a malformed one, a dead one, a
	 * reused pid (wrong start time), an id that does not match its folder */
	{
		char p[600];
		snprintf(p, sizeof(p), "%s/early", root);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/bad", root);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/bad/state.json", root);
		write_file(p, "{\"id\": \"bad\", \"init_process_pid\": ");
	}
	write_state(root, "reused", getpid(), self_start() + 1, "");
	write_state(root, "dead", 999999999, 1, "");
	write_state(root, "other", getpid(), self_start(), "");
	{
		char a[600], b[600];
		snprintf(a, sizeof(a), "%s/other", root);
		snprintf(b, sizeof(b), "%s/renamed", root);
		rename(a, b);
	}
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 1);
	CHECK_INT(t, cg_containers_skipped(c), 4); /* bad, reused, dead, renamed */
	k = cg_containers_by_id(c, "self");
	CHECK(t, k != NULL);
	if (k) {
		char cgpath[1100], line[1024];
		FILE *f = fopen("/proc/self/cgroup", "r");
		CHECK_INT(t, k->init_pid, getpid());
		CHECK_STR(t, k->image, "docker.io/library/busybox:1.36");
		CHECK_STR(t, k->image_digest,
			  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
		CHECK_STR(t, k->pod, "web-1");
		CHECK_STR(t, k->namespace, "prod");
		CHECK_STR(t, k->bundle, "/tmp/x");
		CHECK_STR(t, k->rootfs, "/tmp/x/rootfs");
		CHECK_STR(t, k->runtime, "runc");
		CHECK_STR(t, k->name, "self");
		CHECK(t, stat("/proc/self/ns/pid", &st) == 0 && st.st_ino == k->pidns);
		CHECK(t, stat("/proc/self/ns/mnt", &st) == 0 && st.st_ino == k->mntns);
		CHECK(t, cg_containers_by_pidns(c, k->pidns) == k);
		while (f && fgets(line, sizeof(line), f))
			if (strncmp(line, "0::", 3) == 0) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(cgpath, sizeof(cgpath), "/sys/fs/cgroup/unified%s", line + 3);
				if (stat(cgpath, &st) != 0) {
					snprintf(cgpath, sizeof(cgpath), "/sys/fs/cgroup%s", line + 3);
					if (stat(cgpath, &st) != 0)
						st.st_ino = 0;
				}
				CHECKF(t, st.st_ino == k->cgid, "cgid %llu, %.200s is %llu", k->cgid, cgpath,
				       (unsigned long long)st.st_ino);
				CHECK(t, cg_containers_by_cgid(c, k->cgid) == k);
			}
		if (f)
			fclose(f);
	}
	CHECK(t, cg_containers_at(c, 0) == k);
	CHECK(t, cg_containers_at(c, 1) == NULL);
	/* nothing changed: no callback, nothing re-counted */
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 1);
	CHECK_INT(t, s.stopped, 0);
	CHECK_INT(t, cg_containers_skipped(c), 4);
	/* state.json arrives in the early folder: it is retried */
	write_state(root, "early", getpid(), self_start(), "");
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 2);
	CHECK(t, cg_containers_by_id(c, "early") != NULL);
	/* runc delete removes the folder: a stop */
	sh("rm -rf '%s/self'", root);
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.stopped, 1);
	CHECK_STR(t, s.last_id, "self");
	CHECK(t, cg_containers_by_id(c, "self") == NULL);
	CHECK(t, cg_containers_by_id(c, "early") != NULL);
	cg_containers_close(c);
	rmtmp();
}

/* containerd: a task folder (config.json + init.pid) and the runc state of
 * the same container merge into one. */
static void t_fixture_containerd(struct cgt *t)
{
	char root[512], state[512], p[700], *roots[1], *states[1];
	struct cg_containers_opts o = { 0 };
	struct cg_containers *c = NULL;
	struct cg_error err;
	struct seen s = { 0 };
	const struct cg_container *k;

	mktmp();
	snprintf(root, sizeof(root), "%s/run/containerd/runc/k8s.io", tmp);
	snprintf(state, sizeof(state), "%s/state", tmp);
	sh("mkdir -p '%s' '%s/io.containerd.runtime.v2.task/k8s.io/abc'", root, state);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/abc/config.json", state);
	write_file(p, "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"annotations\":{"
		      "\"io.kubernetes.cri.container-name\":\"nginx\","
		      "\"io.kubernetes.cri.sandbox-name\":\"web-7f\","
		      "\"io.kubernetes.cri.sandbox-namespace\":\"default\","
		      "\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\"}}");
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/abc/init.pid", state);
	{
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		write_file(p, pid);
	}
	write_state(root, "abc", getpid(), self_start(), "");
	snprintf(p, sizeof(p), "%s/run/containerd/runc/*", tmp);
	roots[0] = p;
	states[0] = state;
	o.runc_roots = roots;
	o.n_runc_roots = 1;
	o.containerd_states = states;
	o.n_containerd_states = 1;
	o.containerd_roots = states; /* no meta.db there: no image digest */
	o.n_containerd_roots = 1;
	CHECK(t, cg_containers_open(&o, &c, &err) == CG_OK);
	if (!c)
		return;
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 1);
	k = cg_containers_by_id(c, "abc");
	CHECK(t, k != NULL);
	if (k) {
		CHECK_STR(t, k->runtime, "containerd");
		CHECK_STR(t, k->name, "nginx");
		CHECK_STR(t, k->pod, "web-7f");
		CHECK_STR(t, k->namespace, "default");
		CHECK_STR(t, k->image, "docker.io/library/nginx:1.25");
		CHECK(t, k->image_digest == NULL);
	}
	/* a malformed config.json in another task folder is skipped and counted */
	snprintf(p, sizeof(p), "mkdir -p '%s/io.containerd.runtime.v2.task/k8s.io/zzz'", state);
	sh("%s", p);
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/zzz/config.json", state);
	write_file(p, "{\"annotations\": [1,2]}");
	snprintf(p, sizeof(p), "%s/io.containerd.runtime.v2.task/k8s.io/zzz/init.pid", state);
	write_file(p, "1");
	CHECK(t, cg_containers_refresh(c, cb, &s, &err) == CG_OK);
	CHECK_INT(t, s.started, 1);
	CHECK_INT(t, cg_containers_skipped(c), 1);
	cg_containers_close(c);
	rmtmp();
}

static void t_parsers(struct cgt *t)
{
	struct cg_container c = { 0 };
	unsigned long long start = 0;
	const char *docker = "{\"ID\":\"e1\",\"Name\":\"/brave_turing\",\"Image\":\"sha256:"
			     "1111111111111111111111111111111111111111111111111111111111111111\","
			     "\"Config\":{\"Image\":\"nginx:1.25\"}}";
	const char *crio = "{\"annotations\":{\"io.kubernetes.pod.name\":\"p\","
			   "\"io.kubernetes.pod.namespace\":\"ns\","
			   "\"io.kubernetes.container.name\":\"app\","
			   "\"io.kubernetes.cri-o.ImageName\":\"quay.io/x/y:2\","
			   "\"io.kubernetes.cri-o.ImageRef\":\"quay.io/x/y@sha256:"
			   "2222222222222222222222222222222222222222222222222222222222222222\"}}";
	CHECK(t, cg_docker_config_parse(docker, strlen(docker), &c, NULL) == CG_OK);
	CHECK_STR(t, c.name, "brave_turing");
	CHECK_STR(t, c.image, "nginx:1.25");
	CHECK_STR(t, c.image_digest,
		  "sha256:1111111111111111111111111111111111111111111111111111111111111111");
	cg_container_clear(&c);
	CHECK(t, cg_oci_config_annotations(crio, strlen(crio), &c, NULL) == CG_OK);
	CHECK_STR(t, c.runtime, "cri-o");
	CHECK_STR(t, c.pod, "p");
	CHECK_STR(t, c.namespace, "ns");
	CHECK_STR(t, c.name, "app");
	CHECK_STR(t, c.image, "quay.io/x/y:2");
	CHECK_STR(t, c.image_digest,
		  "sha256:2222222222222222222222222222222222222222222222222222222222222222");
	cg_container_clear(&c);
	/* hostile state.json */
	CHECK(t, cg_runc_state_parse("[]", 2, &c, &start, NULL) == CG_ERR_INVALID);
	CHECK(t, cg_runc_state_parse("{\"id\":\"../x\",\"init_process_pid\":1,"
				     "\"init_process_start\":1}", 57, &c, &start, NULL) ==
		 CG_ERR_INVALID);
	CHECK(t, cg_runc_state_parse("{\"id\":\"x\",\"init_process_pid\":-1,"
				     "\"init_process_start\":1}", 54, &c, &start, NULL) ==
		 CG_ERR_INVALID);
	CHECK(t, c.id == NULL);
	cg_container_clear(&c);
}

/* ---- real runc containers -------------------------------------------------------- */

static char bundle[600], runc_root[600];

static bool have_runc(void)
{
	return geteuid() == 0 && sh("command -v runc >/dev/null 2>&1 && test -x /bin/busybox") == 0;
}

/* A busybox bundle whose config runs ARGS (a JSON array). */
static bool make_bundle(const char *args, const char *annot)
{
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(runc_root, sizeof(runc_root), "%s/runc", tmp);
	return sh("set -e; mkdir -p '%s/rootfs/bin'; cd '%s'; cp /bin/busybox rootfs/bin/;"
		  "for a in $(rootfs/bin/busybox --list); do [ $a = busybox ] || ln -sf busybox rootfs/bin/$a; done;"
		  "runc spec; jq '.process.args=%s | .process.terminal=false | .annotations={%s}' config.json > c.tmp;"
		  "mv c.tmp config.json",
		  bundle, bundle, args, annot) == 0;
}

static struct timespec now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static double ms_since(struct timespec a)
{
	struct timespec b = now();
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

/* Wait on the descriptor and refresh until cond holds (at most 10 s). */
#define WAIT_FOR(c, s, cond)                                                 \
	do {                                                                 \
		struct timespec t0_ = now();                                 \
		while (!(cond) && ms_since(t0_) < 10000) {                   \
			struct pollfd p_ = { cg_containers_fd(c), POLLIN, 0 };  \
			poll(&p_, 1, 1000);                                  \
			(void)cg_containers_refresh(c, cb, s, NULL);         \
		}                                                            \
	} while (0)

static void t_runc_real(struct cgt *t)
{
	char *roots[1], pidfile[700], p[700];
	struct cg_containers_opts o = { 0 };
	struct cg_containers *c = NULL;
	struct seen s = { 0 };
	const struct cg_container *k;
	struct timespec t0;
	double start_ms, stop_ms;
	pid_t pid = 0;

	if (!have_runc()) {
		printf("t_runc_real: skipped (needs root, runc, jq and busybox-static)\n");
		return;
	}
	mktmp();
	CHECK(t, make_bundle("[\"sleep\",\"600\"]",
			     "\"io.cguard.image\":\"registry.local/tools/busybox:1.36\""));
	roots[0] = runc_root;
	o.runc_roots = roots;
	o.n_runc_roots = 1;
	o.n_containerd_states = 0;
	o.containerd_states = roots;
	CHECK(t, cg_containers_open(&o, &c, NULL) == CG_OK);
	if (!c)
		goto out;
	CHECK(t, cg_containers_refresh(c, cb, &s, NULL) == CG_OK);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", tmp);
	t0 = now();
	CHECK(t, sh("cd '%s' && runc --root '%s' run -d --pid-file '%s' c1 </dev/null >/dev/null 2>&1",
		    bundle, runc_root, pidfile) == 0);
	WAIT_FOR(c, &s, s.started == 1);
	start_ms = ms_since(t0);
	{
		FILE *f = fopen(pidfile, "r");
		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = 0;
			fclose(f);
		}
	}
	CHECK_INT(t, s.started, 1);
	k = cg_containers_by_id(c, "c1");
	CHECK(t, k != NULL);
	if (k) {
		struct stat st;
		char cg[700];
		CHECK_INT(t, k->init_pid, pid);
		CHECK_STR(t, k->image, "registry.local/tools/busybox:1.36");
		CHECK_STR(t, k->bundle, bundle);
		snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)pid);
		CHECK(t, stat(p, &st) == 0 && st.st_ino == k->pidns);
		snprintf(p, sizeof(p), "/proc/self/ns/pid");
		CHECK(t, stat(p, &st) == 0 && st.st_ino != k->pidns);
		/* runc's cgroup for the container: <cgroup2>/c1 on this host */
		snprintf(cg, sizeof(cg), "sh -c 'grep ^0:: /proc/%d/cgroup | cut -d: -f3'", (int)pid);
		{
			FILE *f = popen(cg, "r");
			char line[512] = "";
			if (f) {
				if (!fgets(line, sizeof(line), f))
					line[0] = '\0';
				pclose(f);
			}
			line[strcspn(line, "\n")] = '\0';
			snprintf(cg, sizeof(cg), "/sys/fs/cgroup/unified%s", line);
			if (stat(cg, &st) != 0)
				snprintf(cg, sizeof(cg), "/sys/fs/cgroup%s", line);
			CHECK(t, stat(cg, &st) == 0 && st.st_ino == k->cgid);
		}
	}
	/* kill it: runc leaves state.json behind; the pidfd tells */
	t0 = now();
	sh("runc --root '%s' kill c1 KILL", runc_root);
	WAIT_FOR(c, &s, s.stopped == 1);
	stop_ms = ms_since(t0);
	CHECK_INT(t, s.stopped, 1);
	CHECK(t, cg_containers_by_id(c, "c1") == NULL);
	printf("runc: start noticed after %.1f ms (runc run included), stop after %.1f ms\n",
	       start_ms, stop_ms);
	sh("runc --root '%s' delete -f c1 >/dev/null 2>&1", runc_root);
	CHECK(t, cg_containers_refresh(c, cb, &s, NULL) == CG_OK);
	CHECK_INT(t, s.stopped, 1);
	CHECK_INT(t, s.started, 1);
	cg_containers_close(c);
out:
	rmtmp();
}

/* 200 containers that exit at once, started while refreshing: no crash, every
 * start that was reported is matched by a stop, nothing stays in the view. */
static void t_runc_storm(struct cgt *t)
{
	char *roots[1];
	struct cg_containers_opts o = { 0 };
	struct cg_containers *c = NULL;
	struct seen s = { 0 };
	pid_t child;
	int status = 0;

	if (!have_runc()) {
		printf("t_runc_storm: skipped (needs root and runc)\n");
		return;
	}
	mktmp();
	CHECK(t, make_bundle("[\"true\"]", ""));
	roots[0] = runc_root;
	o.runc_roots = roots;
	o.n_runc_roots = 1;
	o.containerd_states = roots;
	CHECK(t, cg_containers_open(&o, &c, NULL) == CG_OK);
	if (!c)
		goto out;
	CHECK(t, cg_containers_refresh(c, cb, &s, NULL) == CG_OK);
	child = fork();
	if (child == 0) {
		char cmd[2048];
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && for i in $(seq 1 200); do runc --root '%s' run s$i </dev/null >/dev/null 2>&1; done",
			 bundle, runc_root);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(child, &status, WNOHANG) == 0) {
		struct pollfd p = { cg_containers_fd(c), POLLIN, 0 };
		poll(&p, 1, 100);
		CHECK(t, cg_containers_refresh(c, cb, &s, NULL) == CG_OK);
	}
	CHECK(t, WIFEXITED(status));
	CHECK(t, cg_containers_refresh(c, cb, &s, NULL) == CG_OK);
	printf("storm: 200 containers of `true`: %d starts seen, %d stops, %zu skipped\n",
	       s.started, s.stopped, cg_containers_skipped(c));
	CHECK_INT(t, s.started, s.stopped);
	CHECK(t, s.started <= 200);
	CHECK(t, cg_containers_at(c, 0) == NULL);
	cg_containers_close(c);
out:
	rmtmp();
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_parsers),
	CGT_CASE(t_fixture_self),
	CGT_CASE(t_fixture_containerd),
	CGT_CASE(t_runc_real),
	CGT_CASE(t_runc_storm),
};
CGT_MAIN(cases)
