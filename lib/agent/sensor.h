/* The sensor: kernel events of container processes as struct cg_sev records.
 *
 * Primary: CO-RE eBPF (sensor.bpf.c, skeleton generated at build) on the sched
 * tracepoints and per-syscall tracepoints for the watched calls; filtering in the
 * kernel to processes outside the host's pid namespace (or, when the agent lists
 * cgroups, to those cgroups); one ring buffer; drops counted and reported as
 * CG_SEV_LOST records. Enforcement in the kernel: a per-cgroup process whitelist
 * (kill at exec with bpf_send_signal(SIGKILL) before the program's own code runs,
 * reported as CG_SEV_KILLED).
 *
 * Fallback when BPF cannot load: the netlink proc connector (exec/fork/exit) and
 * fanotify (opens, modifications); cg_sensor_coverage() says what is lost. */
#ifndef CG_AGENT_SENSOR_H
#define CG_AGENT_SENSOR_H

#include "agent/agent_int.h"

struct cg_sensor;

struct cg_sensor_opts {
	size_t ringbuf_bytes;      /* power of two; 0: 8 MiB */
	bool force_fallback;       /* do not try BPF (tests of the fallback) */
	bool all_processes;        /* also host processes (tests, benchmarks) */
};

enum cg_sensor_backend { CG_SENSOR_BPF, CG_SENSOR_FALLBACK };

cg_err_t cg_sensor_open(const struct cg_sensor_opts *o, struct cg_sensor **out,
			struct cg_error *err);
void cg_sensor_close(struct cg_sensor *s);
enum cg_sensor_backend cg_sensor_backend(const struct cg_sensor *s);
/* Human-readable list of what the running backend cannot see ("" with BPF). */
const char *cg_sensor_coverage(const struct cg_sensor *s);
/* A file descriptor that becomes readable when records are waiting (epoll it). */
int cg_sensor_fd(const struct cg_sensor *s);

typedef void (*cg_sensor_cb)(const struct cg_sev *ev, void *arg);
/* Deliver every waiting record to cb (non-blocking); returns how many, or -1
 * with err set. Drops are delivered as CG_SEV_LOST records. */
int cg_sensor_poll(struct cg_sensor *s, cg_sensor_cb cb, void *arg, struct cg_error *err);
/* Records lost so far (ring buffer full). */
unsigned long long cg_sensor_lost(const struct cg_sensor *s);

/* Kernel-side enforcement of a process whitelist for one container cgroup.
 * enforce=false removes it. paths: absolute program paths as the container sees
 * them (compared with the exec'ed filename after the kernel resolved it). */
cg_err_t cg_sensor_set_whitelist(struct cg_sensor *s, unsigned long long cgid, bool enforce,
				 char *const *paths, size_t n, struct cg_error *err);
/* Mark (dev, ino) objects as host-sensitive: opens of them from containers are
 * always reported (even read-only), whatever path reached them. */
cg_err_t cg_sensor_watch_object(struct cg_sensor *s, unsigned long long dev,
				unsigned long long ino, struct cg_error *err);

/* ---- added with the sensor's implementation ------------------------------------- */

/* Devices in records and in cg_sensor_watch_object() use the kernel's internal
 * encoding (super_block->s_dev = MKDEV(major, minor) = major << 20 | minor), not
 * stat()'s st_dev (glibc's makedev). This converts an st_dev to it. */
unsigned long long cg_sensor_kdev(unsigned long long st_dev);
/* Fallback backend: watch opens and writes on the filesystem holding path
 * (fanotify FAN_MARK_FILESYSTEM; events of traced processes only). A no-op with
 * BPF, which sees every open. */
cg_err_t cg_sensor_watch_path(struct cg_sensor *s, const char *path, struct cg_error *err);
/* Restrict the sensor to listed cgroups (on=true adds cgid, false removes it);
 * while the list is non-empty only its cgroups are reported, whatever their pid
 * namespace. The whitelist enforcement is independent of it. */
cg_err_t cg_sensor_restrict_cgroup(struct cg_sensor *s, unsigned long long cgid, bool on,
				   struct cg_error *err);
/* Replace the path prefixes whose read-only opens are reported (default: /etc/,
 * /proc/, /sys/, /root/, /var/run/, /run/, /dev/, /boot/, /usr/bin/, /usr/sbin/,
 * /bin/, /sbin/, /lib). Each 1..31 bytes, absolute; at most 64. */
cg_err_t cg_sensor_set_sensitive_prefixes(struct cg_sensor *s, const char *const *prefixes, size_t n,
					  struct cg_error *err);
/* Batch the reader's wake-ups: cg_sensor_fd() becomes readable only once bytes of
 * records wait (CG_SEV_KILLED records still wake it at once); 0 (the default) wakes
 * it for every record. With bytes > 0 the caller must also call cg_sensor_poll()
 * on a timer (an epoll timeout of 20-50 ms): a trickle of records below the mark
 * wakes nobody. Saves a wake-up per record under load (BPF only). */
cg_err_t cg_sensor_set_wakeup(struct cg_sensor *s, size_t bytes, struct cg_error *err);
/* Stop watching an object given to cg_sensor_watch_object (BPF; a no-op else). */
cg_err_t cg_sensor_unwatch_object(struct cg_sensor *s, unsigned long long dev,
				  unsigned long long ino);

#endif
