/* Container discovery and attribution.
 *
 * Sources: runc state folders (<root>/<id>/state.json: default roots /run/runc,
 * /run/containerd/runc/<ns>, /run/docker/runtime-runc/moby, /run/runc-crio ...),
 * containerd task state (<state>/io.containerd.runtime.v2.task/<ns>/<id>/
 * config.json) and its metadata (bbolt meta.db: image name and digest; the
 * lib/image/bbolt.h reader), CRI annotations in config.json
 * (io.kubernetes.cri.sandbox-name/-namespace, io.kubernetes.pod.*,
 * io.kubernetes.cri.image-name, org.opencontainers.image.*), Docker's
 * config.v2.json when present. A container is attributed by its cgroup v2 id
 * (inode of its cgroup2 folder, equal to bpf_get_current_cgroup_id()) and its
 * pid namespace inode. inotify on the state folders notices starts and stops
 * within a second; a full rescan only on those notifications or on an unknown
 * cgroup id (rate-limited). */
#ifndef CG_AGENT_CONTAINERS_H
#define CG_AGENT_CONTAINERS_H

#include "agent/agent_int.h"

struct cg_containers;

struct cg_containers_opts {
	char **runc_roots;        size_t n_runc_roots;       /* NULL: the defaults */
	char **containerd_states; size_t n_containerd_states; /* NULL: /run/containerd */
	char **containerd_roots;  size_t n_containerd_roots;  /* NULL: /var/lib/containerd */
	const char *proc;         /* NULL: "/proc" */
	const char *cgroup2;      /* NULL: auto (/sys/fs/cgroup/unified or /sys/fs/cgroup) */
	size_t max_containers;    /* 0: 65536; more are skipped and counted */
};

enum cg_container_change { CG_CONTAINER_STARTED, CG_CONTAINER_STOPPED };
typedef void (*cg_containers_cb)(enum cg_container_change what, const struct cg_container *c,
				 void *arg);

cg_err_t cg_containers_open(const struct cg_containers_opts *o, struct cg_containers **out,
			    struct cg_error *err);
void cg_containers_close(struct cg_containers *t);
/* inotify descriptor: readable when a state folder changed. */
int cg_containers_fd(const struct cg_containers *t);
/* Consume notifications (if any) and rescan what changed; calls cb for each start
 * and stop. Malformed state files are skipped and counted, never fatal. */
cg_err_t cg_containers_refresh(struct cg_containers *t, cg_containers_cb cb, void *arg,
			       struct cg_error *err);
/* Lookups (NULL when unknown). */
const struct cg_container *cg_containers_by_cgid(struct cg_containers *t,
						 unsigned long long cgid);
const struct cg_container *cg_containers_by_pidns(struct cg_containers *t, unsigned int pidns);
const struct cg_container *cg_containers_by_id(struct cg_containers *t, const char *id);
/* Iterate all known containers: i from 0 while it returns non-NULL. */
const struct cg_container *cg_containers_at(struct cg_containers *t, size_t i);
/* How many state entries were skipped (malformed, vanished, over the cap). */
size_t cg_containers_skipped(const struct cg_containers *t);

/* ---- added by containers.c (not part of the first interface) ------------- */

/* Docker's state root (default /var/lib/docker: containers/<id>/config.v2.json
 * gives the image name, image id and container name). Call before refresh. */
cg_err_t cg_containers_set_docker_root(struct cg_containers *t, const char *dir,
				       struct cg_error *err);
/* The agent saw pid exit: when it is a container's init, the next refresh
 * reports the stop (no rescan needed). */
void cg_containers_pid_exited(struct cg_containers *t, pid_t pid);

/* The parsers behind discovery (untrusted input, at most 4 MiB; exposed for
 * tests and fuzzing). They fill NULL fields of c only, never overwrite.
 * runc's state.json: id, init_pid, bundle (label "bundle="), rootfs and the
 * annotations runc keeps as "key=value" labels; *start is init_process_start. */
cg_err_t cg_runc_state_parse(const char *text, size_t len, struct cg_container *c,
			     unsigned long long *start, struct cg_error *err);
/* An OCI config.json's annotations (a containerd task's bundle). */
cg_err_t cg_oci_config_annotations(const char *text, size_t len, struct cg_container *c,
				   struct cg_error *err);
/* Docker's config.v2.json: Config.Image, Image (the image id), Name. */
cg_err_t cg_docker_config_parse(const char *text, size_t len, struct cg_container *c,
				struct cg_error *err);

#endif
