/* The sensor's user-space half: load the CO-RE eBPF programs (sensor.bpf.c via the
 * generated skeleton), read their ring buffer, manage the enforcement and filter
 * maps; fall back to sensor_fallback.c when BPF cannot load. See docs/sensor.md. */
#include "util/internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/sensor.h"
#include "agent/sensor_bpf.h"
#include "agent/sensor_int.h"
#include "sensor.skel.h"

#define DEFAULT_RINGBUF (8u << 20)
#define MAX_RINGBUF (1u << 30)
#define MAX_WHITELIST_PATHS 4096

static const char *const default_prefixes[] = {
	"/etc/", "/proc/", "/sys/", "/root/", "/var/run/", "/run/", "/dev/",
	"/boot/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/lib",
};

unsigned long long cg_sensor_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

unsigned long long cg_sensor_kdev(unsigned long long st_dev)
{
	return ((unsigned long long)major(st_dev) << 20) | (minor(st_dev) & 0xfffffu);
}

/* libbpf's messages go to the library's log callback, never to stderr. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	size_t len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = 0;
	if (level == LIBBPF_WARN)
		cg_warn("libbpf: %s", msg);
	else
		cg_debug("libbpf: %s", msg);
	return 0;
}
#pragma GCC diagnostic pop

static cg_err_t own_pidns(unsigned int *out, struct cg_error *err)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) != 0)
		return cg_error_set(err, CG_ERR_IO, "sensor: /proc/self/ns/pid: %s", strerror(errno));
	*out = (unsigned int)st.st_ino;
	return CG_OK;
}

/* tracefs, for the tracepoint ids libbpf reads: mounted when it is not. */
static const char *tracefs_events(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing/events",
					    "/sys/kernel/debug/tracing/events" };
	for (size_t i = 0; i < CG_ARRAY_LEN(dirs); i++)
		if (access(dirs[i], F_OK) == 0)
			return dirs[i];
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0 && access(dirs[0], F_OK) == 0)
		return dirs[0];
	return NULL;
}

cg_err_t cg_sensor_check_paths(char *const *paths, size_t n, struct cg_error *err)
{
	if (n > MAX_WHITELIST_PATHS)
		return cg_error_set(err, CG_ERR_LIMIT, "whitelist: %zu paths (at most %d)", n,
				    MAX_WHITELIST_PATHS);
	if (n && !paths)
		return cg_error_set(err, CG_ERR_ARG, "whitelist: no paths");
	for (size_t i = 0; i < n; i++) {
		size_t len = paths[i] ? strlen(paths[i]) : 0;
		if (len == 0 || paths[i][0] != '/')
			return cg_error_set(err, CG_ERR_ARG, "whitelist path %zu: not absolute", i);
		if (len >= CG_SEV_PATH_MAX)
			return cg_error_set(err, CG_ERR_LIMIT,
					    "whitelist path %zu: longer than %d bytes", i,
					    CG_SEV_PATH_MAX - 1);
	}
	return CG_OK;
}

static cg_err_t put_prefixes(struct cg_sensor *s, const char *const *p, size_t n,
			     struct cg_error *err)
{
	int fd = bpf_map__fd(s->skel->maps.sensitive_prefixes);
	struct cg_sensor_prefix_key k, next;
	unsigned char one = 1;
	bool more;

	if (n > CG_SENSOR_PREFIXES_MAX)
		return cg_error_set(err, CG_ERR_LIMIT, "sensitive prefixes: %zu (at most %d)", n,
				    CG_SENSOR_PREFIXES_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t len = p[i] ? strlen(p[i]) : 0;
		if (len == 0 || p[i][0] != '/' || len >= CG_SENSOR_PREFIX_MAX)
			return cg_error_set(err, CG_ERR_ARG,
					    "sensitive prefix %zu: must be absolute, 1..%d bytes", i,
					    CG_SENSOR_PREFIX_MAX - 1);
	}
	/* clear, then insert */
	more = bpf_map_get_next_key(fd, NULL, &k) == 0;
	while (more) {
		more = bpf_map_get_next_key(fd, &k, &next) == 0;
		bpf_map_delete_elem(fd, &k);
		if (more)
			k = next;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		k.prefixlen = (unsigned int)strlen(p[i]) * 8;
		memcpy(k.data, p[i], strlen(p[i]));
		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY) != 0)
			return cg_error_set(err, CG_ERR_IO, "sensitive prefix \"%s\": %s", p[i],
					    strerror(errno));
	}
	s->skel->bss->n_prefixes = (__u32)n;
	return CG_OK;
}

static int rb_record(void *ctx, void *data, size_t size)
{
	struct cg_sensor *s = ctx;
	if (size < sizeof(struct cg_sev))
		return 0;
	s->cb((const struct cg_sev *)data, s->cb_arg);
	s->delivered++;
	return 0;
}

static cg_err_t bpf_open(struct cg_sensor *s, size_t rb_bytes, struct cg_error *err)
{
	const char *events = tracefs_events();
	struct bpf_program *prog;
	char missing[512] = "", failed[512] = "";
	size_t mlen = 0, flen = 0;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int e;

	libbpf_set_print(libbpf_log);
	if (!events)
		return cg_error_set(err, CG_ERR_UNSUPPORTED,
				    "sensor: no tracefs (/sys/kernel/tracing) and it cannot be mounted");
	/* kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; later ones to the
	 * memory cgroup (then this may fail without harm) */
	(void)setrlimit(RLIMIT_MEMLOCK, &rl);

	s->skel = sensor_bpf__open();
	if (!s->skel)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "sensor: cannot open the BPF object: %s",
				    strerror(errno));
	s->skel->rodata->cfg_agent_tgid = (__u32)s->self;
	s->skel->rodata->cfg_host_pidns = s->host_pidns;
	s->skel->rodata->cfg_all = s->all;
	if (bpf_map__set_max_entries(s->skel->maps.events, (__u32)rb_bytes) != 0)
		return cg_error_set(err, CG_ERR_ARG, "sensor: ring buffer size %zu refused", rb_bytes);
	/* syscalls this kernel lacks have no tracepoint: do not load their programs */
	bpf_object__for_each_program(prog, s->skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		char dir[256];
		if (strncmp(sec, "tp/syscalls/", 12) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/syscalls/%s", events, sec + 12);
		if (access(dir, F_OK) == 0)
			continue;
		bpf_program__set_autoload(prog, false);
		if (strncmp(sec + 12, "sys_enter_", 10) == 0 && mlen + 40 < sizeof(missing))
			mlen += (size_t)snprintf(missing + mlen, sizeof(missing) - mlen, "%s%s",
						 mlen ? ", " : "", sec + 22);
	}
	e = sensor_bpf__load(s->skel);
	if (e)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "sensor: loading the BPF programs: %s",
				    strerror(-e));
	/* attached one by one: a system-call tracepoint this kernel refuses costs that
	 * call's records (listed in the coverage), not the sensor */
	bpf_object__for_each_program(prog, s->skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		struct bpf_link *link, **grown;
		if (!bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			e = errno;
			if (strncmp(sec, "tp/syscalls/", 12) != 0)
				return cg_error_set(err, CG_ERR_UNSUPPORTED,
						    "sensor: attaching %s: %s", sec, strerror(e));
			if (flen + 40 < sizeof(failed))
				flen += (size_t)snprintf(failed + flen, sizeof(failed) - flen,
							 "%s%s (%s)", flen ? ", " : "", sec + 12,
							 strerror(e));
			continue;
		}
		grown = realloc(s->links, (s->n_links + 1) * sizeof(*grown));
		if (!grown) {
			bpf_link__destroy(link);
			return cg_error_set(err, CG_ERR_NOMEM, "sensor: out of memory");
		}
		s->links = grown;
		s->links[s->n_links++] = link;
	}
	{
		cg_err_t rc = put_prefixes(s, default_prefixes,
					   CG_ARRAY_LEN(default_prefixes), err);
		if (rc)
			return rc;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), rb_record, s, NULL);
	if (!s->rb)
		return cg_error_set(err, CG_ERR_IO, "sensor: ring buffer: %s", strerror(errno));
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0)
		return cg_error_set(err, CG_ERR_IO, "sensor: cannot count the CPUs");
	if (mlen || flen)
		snprintf(s->coverage, sizeof(s->coverage), "%s%s%s%s%s",
			 mlen ? "system calls this kernel does not have (no tracepoint; the calls "
				"fail with ENOSYS, attempts are not seen): " : "",
			 missing, mlen && flen ? "; " : "",
			 flen ? "tracepoints the kernel refused (those calls are not seen): " : "",
			 failed);
	return CG_OK;
}

/* Detaching a tracepoint waits for an RCU grace period (several, for the faultable
 * system-call tracepoints): ~70 ms each, 4.5 s for all of them one after the other.
 * Detached from a few threads at once, the waits share grace periods. */
struct detach_job {
	struct bpf_link **links;
	size_t n;
};

static void *detach_links(void *arg)
{
	struct detach_job *j = arg;
	for (size_t i = 0; i < j->n; i++)
		bpf_link__destroy(j->links[i]);
	return NULL;
}

static void bpf_close(struct cg_sensor *s)
{
	enum { THREADS = 16 };
	pthread_t th[THREADS];
	struct detach_job jobs[THREADS];
	bool started[THREADS] = { false };
	size_t per = (s->n_links + THREADS - 1) / THREADS, at = 0;

	for (int i = 0; i < THREADS && at < s->n_links; i++) {
		jobs[i].links = s->links + at;
		jobs[i].n = s->n_links - at < per ? s->n_links - at : per;
		at += jobs[i].n;
		started[i] = pthread_create(&th[i], NULL, detach_links, &jobs[i]) == 0;
		if (!started[i])
			detach_links(&jobs[i]);
	}
	for (int i = 0; i < THREADS; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	free(s->links);
	s->links = NULL;
	s->n_links = 0;
	ring_buffer__free(s->rb);
	s->rb = NULL;
	sensor_bpf__destroy(s->skel);
	s->skel = NULL;
}

cg_err_t cg_sensor_open(const struct cg_sensor_opts *o, struct cg_sensor **out,
			struct cg_error *err)
{
	struct cg_sensor *s;
	struct cg_error why = { CG_OK, "" };
	size_t rb = o && o->ringbuf_bytes ? o->ringbuf_bytes : DEFAULT_RINGBUF;
	cg_err_t rc;

	if (!out)
		return cg_error_set(err, CG_ERR_ARG, "sensor: no output");
	*out = NULL;
	if (rb < 4096 || rb > MAX_RINGBUF || (rb & (rb - 1)) != 0 ||
	    rb % (size_t)sysconf(_SC_PAGESIZE) != 0)
		return cg_error_set(err, CG_ERR_ARG,
				    "sensor: ring buffer size %zu: must be a power of two, a "
				    "multiple of the page size, at most 1 GiB",
				    rb);
	s = calloc(1, sizeof(*s));
	if (!s)
		return cg_error_set(err, CG_ERR_NOMEM, "sensor: out of memory");
	s->all = o && o->all_processes;
	s->self = getpid();
	rc = own_pidns(&s->host_pidns, err);
	if (rc)
		goto fail;
	if (!(o && o->force_fallback)) {
		rc = bpf_open(s, rb, &why);
		if (rc == CG_OK) {
			s->backend = CG_SENSOR_BPF;
			*out = s;
			return CG_OK;
		}
		bpf_close(s);
		cg_warn("sensor: eBPF unavailable (%s); using the proc connector and fanotify",
			why.msg);
	}
	s->backend = CG_SENSOR_FALLBACK;
	rc = cg_sensor_fb_open(s, err);
	if (rc)
		goto fail;
	*out = s;
	return CG_OK;
fail:
	cg_sensor_close(s);
	return rc;
}

void cg_sensor_close(struct cg_sensor *s)
{
	if (!s)
		return;
	bpf_close(s);
	cg_sensor_fb_close(s);
	for (size_t i = 0; i < s->n_wl; i++) {
		for (size_t j = 0; j < s->wl[i].n; j++)
			free(s->wl[i].paths[j]);
		free(s->wl[i].paths);
	}
	free(s->wl);
	free(s->restrict_cgids);
	free(s);
}

enum cg_sensor_backend cg_sensor_backend(const struct cg_sensor *s)
{
	return s->backend;
}

const char *cg_sensor_coverage(const struct cg_sensor *s)
{
	return s->coverage;
}

int cg_sensor_fd(const struct cg_sensor *s)
{
	if (s->backend == CG_SENSOR_BPF)
		return ring_buffer__epoll_fd(s->rb);
	return cg_sensor_fb_fd(s);
}

static unsigned long long read_drops(struct cg_sensor *s)
{
	unsigned long long total = 0;
	__u64 *v = calloc((size_t)s->ncpus, sizeof(*v));
	__u32 zero = 0;

	if (!v)
		return s->lost;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.drops), &zero, v) == 0)
		for (int i = 0; i < s->ncpus; i++)
			total += v[i];
	free(v);
	return total;
}

int cg_sensor_poll(struct cg_sensor *s, cg_sensor_cb cb, void *arg, struct cg_error *err)
{
	int r;

	if (!s || !cb) {
		cg_error_set(err, CG_ERR_ARG, "sensor poll: no sensor or callback");
		return -1;
	}
	if (s->backend == CG_SENSOR_FALLBACK)
		return cg_sensor_fb_poll(s, cb, arg, err);
	s->cb = cb;
	s->cb_arg = arg;
	s->delivered = 0;
	r = ring_buffer__consume(s->rb);
	if (r < 0 && r != -EINTR) {
		cg_error_set(err, CG_ERR_IO, "sensor: reading the ring buffer: %s", strerror(-r));
		return -1;
	}
	s->lost = read_drops(s);
	if (s->lost > s->lost_reported) {
		struct cg_sev ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = CG_SEV_LOST;
		ev.nr = -1;
		ev.ts = cg_sensor_now_ns();
		ev.args[0] = (long long)(s->lost - s->lost_reported);
		s->lost_reported = s->lost;
		cb(&ev, arg);
		s->delivered++;
	}
	return s->delivered;
}

unsigned long long cg_sensor_lost(const struct cg_sensor *s)
{
	return s->lost;
}

/* ---- the user-space copy of the whitelists (the fallback enforces from it) ---- */

static struct cg_sensor_wl *wl_find(struct cg_sensor *s, unsigned long long cgid)
{
	for (size_t i = 0; i < s->n_wl; i++)
		if (s->wl[i].cgid == cgid)
			return &s->wl[i];
	return NULL;
}

static void wl_remove(struct cg_sensor *s, unsigned long long cgid)
{
	struct cg_sensor_wl *w = wl_find(s, cgid);
	if (!w)
		return;
	for (size_t j = 0; j < w->n; j++)
		free(w->paths[j]);
	free(w->paths);
	*w = s->wl[--s->n_wl];
}

static cg_err_t wl_store(struct cg_sensor *s, unsigned long long cgid, char *const *paths,
			 size_t n, struct cg_error *err)
{
	struct cg_sensor_wl nw = { cgid, NULL, 0 }, *grown;

	if (n) {
		nw.paths = calloc(n, sizeof(char *));
		if (!nw.paths)
			return cg_error_set(err, CG_ERR_NOMEM, "whitelist: out of memory");
	}
	for (; nw.n < n; nw.n++) {
		nw.paths[nw.n] = strdup(paths[nw.n]);
		if (!nw.paths[nw.n]) {
			for (size_t j = 0; j < nw.n; j++)
				free(nw.paths[j]);
			free(nw.paths);
			return cg_error_set(err, CG_ERR_NOMEM, "whitelist: out of memory");
		}
	}
	grown = realloc(s->wl, (s->n_wl + 1) * sizeof(*s->wl));
	if (!grown) {
		for (size_t j = 0; j < nw.n; j++)
			free(nw.paths[j]);
		free(nw.paths);
		return cg_error_set(err, CG_ERR_NOMEM, "whitelist: out of memory");
	}
	s->wl = grown;
	wl_remove(s, cgid);
	s->wl[s->n_wl++] = nw;
	return CG_OK;
}

static bool in_list(char *const *paths, size_t n, const char *p)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], p) == 0)
			return true;
	return false;
}

cg_err_t cg_sensor_set_whitelist(struct cg_sensor *s, unsigned long long cgid, bool enforce,
				 char *const *paths, size_t n, struct cg_error *err)
{
	struct cg_sensor_wl_key *k = NULL, *stale = NULL;
	size_t n_stale = 0, cap_stale = 0;
	unsigned char one = 1;
	int fd_on, fd_wl;
	cg_err_t rc = CG_OK;

	if (!s)
		return cg_error_set(err, CG_ERR_ARG, "whitelist: no sensor");
	if (enforce && (rc = cg_sensor_check_paths(paths, n, err)) != CG_OK)
		return rc;
	if (!enforce) {
		wl_remove(s, cgid);
		n = 0;
	} else if ((rc = wl_store(s, cgid, paths, n, err)) != CG_OK) {
		return rc;
	}
	if (s->backend != CG_SENSOR_BPF)
		return CG_OK;

	fd_on = bpf_map__fd(s->skel->maps.whitelist_on);
	fd_wl = bpf_map__fd(s->skel->maps.whitelist);
	k = calloc(2, sizeof(*k));
	if (!k)
		return cg_error_set(err, CG_ERR_NOMEM, "whitelist: out of memory");
	if (!enforce)
		bpf_map_delete_elem(fd_on, &cgid);
	/* the new entries first, then switch on, then remove what is no longer listed:
	 * a listed program is never killed while the list changes */
	for (size_t i = 0; i < n; i++) {
		memset(&k[0], 0, sizeof(k[0]));
		k[0].cgid = cgid;
		memcpy(k[0].path, paths[i], strlen(paths[i]));
		if (bpf_map_update_elem(fd_wl, &k[0], &one, BPF_ANY) != 0)
			CG_FAIL(rc, cg_error_set(err, errno == E2BIG ? CG_ERR_LIMIT : CG_ERR_IO,
						 "whitelist \"%s\": %s", paths[i],
						 strerror(errno)));
	}
	if (enforce && bpf_map_update_elem(fd_on, &cgid, &one, BPF_ANY) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "whitelist: switching on: %s",
					 strerror(errno)));
	if (bpf_map_get_next_key(fd_wl, NULL, &k[0]) == 0) {
		do {
			if (k[0].cgid == cgid && !in_list(paths, n, k[0].path)) {
				if (n_stale == cap_stale) {
					size_t nc = cap_stale ? cap_stale * 2 : 16;
					struct cg_sensor_wl_key *g = realloc(stale, nc * sizeof(*g));
					if (!g)
						CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM,
									 "whitelist: out of memory"));
					stale = g;
					cap_stale = nc;
				}
				stale[n_stale++] = k[0];
			}
			if (bpf_map_get_next_key(fd_wl, &k[0], &k[1]) != 0)
				break;
			k[0] = k[1];
		} while (1);
	}
	for (size_t i = 0; i < n_stale; i++)
		bpf_map_delete_elem(fd_wl, &stale[i]);
done:
	free(stale);
	free(k);
	return rc;
}

cg_err_t cg_sensor_watch_object(struct cg_sensor *s, unsigned long long dev,
				unsigned long long ino, struct cg_error *err)
{
	struct cg_sensor_obj_key k = { dev, ino };
	unsigned char one = 1;

	if (!s)
		return cg_error_set(err, CG_ERR_ARG, "watch object: no sensor");
	if (s->backend != CG_SENSOR_BPF)
		return cg_sensor_fb_watch_object(s, dev, ino, err);
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.sensitive_objects), &k, &one,
				BPF_NOEXIST) != 0) {
		if (errno == EEXIST)
			return CG_OK;
		return cg_error_set(err, errno == E2BIG ? CG_ERR_LIMIT : CG_ERR_IO,
				    "watch object %llu:%llu: %s", dev, ino, strerror(errno));
	}
	/* from now on every open's object is looked at */
	s->skel->bss->n_objects++;
	return CG_OK;
}

cg_err_t cg_sensor_unwatch_object(struct cg_sensor *s, unsigned long long dev,
				  unsigned long long ino)
{
	struct cg_sensor_obj_key k = { dev, ino };

	if (!s || s->backend != CG_SENSOR_BPF)
		return CG_OK;
	if (bpf_map_delete_elem(bpf_map__fd(s->skel->maps.sensitive_objects), &k) == 0 &&
	    s->skel->bss->n_objects)
		s->skel->bss->n_objects--;
	return CG_OK;
}

cg_err_t cg_sensor_watch_path(struct cg_sensor *s, const char *path, struct cg_error *err)
{
	if (!s || !path || path[0] != '/')
		return cg_error_set(err, CG_ERR_ARG, "watch path: an absolute path is needed");
	if (s->backend == CG_SENSOR_BPF)
		return CG_OK;
	return cg_sensor_fb_watch_path(s, path, err);
}

cg_err_t cg_sensor_restrict_cgroup(struct cg_sensor *s, unsigned long long cgid, bool on,
				   struct cg_error *err)
{
	size_t i;

	if (!s)
		return cg_error_set(err, CG_ERR_ARG, "restrict cgroup: no sensor");
	for (i = 0; i < s->n_restrict && s->restrict_cgids[i] != cgid; i++)
		;
	if (on && i == s->n_restrict) {
		unsigned long long *g;
		if (s->n_restrict >= CG_SENSOR_CGROUPS_MAX)
			return cg_error_set(err, CG_ERR_LIMIT, "restrict cgroup: more than %d",
					    CG_SENSOR_CGROUPS_MAX);
		g = realloc(s->restrict_cgids, (s->n_restrict + 1) * sizeof(*g));
		if (!g)
			return cg_error_set(err, CG_ERR_NOMEM, "restrict cgroup: out of memory");
		s->restrict_cgids = g;
		s->restrict_cgids[s->n_restrict++] = cgid;
	} else if (!on && i < s->n_restrict) {
		s->restrict_cgids[i] = s->restrict_cgids[--s->n_restrict];
	}
	if (s->backend == CG_SENSOR_BPF) {
		unsigned char one = 1;
		int fd = bpf_map__fd(s->skel->maps.cgroups);
		if (on && bpf_map_update_elem(fd, &cgid, &one, BPF_ANY) != 0)
			return cg_error_set(err, CG_ERR_IO, "restrict cgroup: %s", strerror(errno));
		if (!on)
			bpf_map_delete_elem(fd, &cgid);
		s->skel->bss->use_cgroups = s->n_restrict > 0;
	}
	return CG_OK;
}

cg_err_t cg_sensor_set_sensitive_prefixes(struct cg_sensor *s, const char *const *prefixes, size_t n,
					  struct cg_error *err)
{
	if (!s || (n && !prefixes))
		return cg_error_set(err, CG_ERR_ARG, "sensitive prefixes: bad arguments");
	if (s->backend != CG_SENSOR_BPF)
		return CG_OK; /* the fallback reports every open it is given to watch */
	return put_prefixes(s, prefixes, n, err);
}

cg_err_t cg_sensor_set_wakeup(struct cg_sensor *s, size_t bytes, struct cg_error *err)
{
	if (!s)
		return cg_error_set(err, CG_ERR_ARG, "wakeup: no sensor");
	if (s->backend == CG_SENSOR_BPF)
		s->skel->bss->wake_bytes = bytes;
	return CG_OK;
}
