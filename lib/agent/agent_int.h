/* The node agent's internal interfaces, shared by its parts:
 *
 *   sensor.c      eBPF (fallback: proc connector + fanotify) -> struct cg_sev
 *   containers.c  discovery of containers, cgroup id / pid ns -> struct cg_container
 *   envcheck.c    RUN-05 checks of a container's config.json and /proc
 *   policy.c      the per-image policy file (POL-01/02)
 *   rules.c       rules/runtime/ data, evaluation of struct cg_sev -> alerts
 *   agent.c       the main loop: ties them together, enforcement, the event file
 *
 * Events flow one way: the sensor fills struct cg_sev (a fixed-size record that is
 * also the ring buffer's wire format, so sensor.bpf.c includes this header's
 * CG_SEV_* part with __KERNEL__/bpf types), containers.c attributes it, rules.c
 * judges it, agent.c writes the JSON line and acts. */
#ifndef CG_AGENT_INT_H
#define CG_AGENT_INT_H

/* ---- the wire format, shared with the BPF program ------------------------ */

#define CG_SEV_PATH_MAX 256
#define CG_SEV_COMM 16

enum cg_sev_kind {
	CG_SEV_EXEC = 1,    /* sched_process_exec: path = filename ("/memfd:NAME" for a
			     * memfd program); path2 = argv (NUL-separated, args[0]
			     * bytes, cut at 255); dev/ino = the program file; sock=1
			     * and family when fd 0, 1 or 2 is a TCP/UDP socket;
			     * enforce may kill */
	CG_SEV_FORK = 2,    /* sched_process_fork: pid = child, ppid = parent */
	CG_SEV_EXIT = 3,    /* sched_process_exit (thread-group leader only) */
	CG_SEV_OPEN = 4,    /* open/openat/openat2 (exit): path, flags, ret=fd or -errno,
			     * dev/ino of the object opened when ret >= 0 */
	CG_SEV_SYSCALL = 5, /* a watched high-risk syscall: nr, args[] */
	CG_SEV_CONNECT = 6, /* connect: family, port, addr (v4 in addr[0..3]); ret */
	CG_SEV_ACCEPT = 7,  /* accept/accept4 returned: port = local port */
	CG_SEV_DUP = 8,     /* dup2/dup3 onto fd 0/1/2: args[0]=oldfd, args[1]=newfd,
			     * sock=1 when oldfd is a socket (family: 0, see the sensor) */
	CG_SEV_CHMOD = 9,   /* chmod/fchmod/fchmodat with S_ISUID/S_ISGID: path, mode */
	CG_SEV_RENAME = 10, /* rename/renameat/renameat2: path -> path2 */
	CG_SEV_UNLINK = 11, /* unlink/unlinkat/rmdir: path */
	CG_SEV_LINK = 12,   /* link/linkat/symlink/symlinkat: path -> path2 */
	CG_SEV_SETUID = 13, /* setuid/setreuid/setresuid/setgid...: uid before, args[0] new */
	CG_SEV_MOUNT = 14,  /* mount: path = source, path2 = target, args[0] = flags */
	CG_SEV_LOST = 15,   /* synthetic: args[0] = records dropped since the last report */
	CG_SEV_KILLED = 16, /* the kernel side killed an exec (whitelist enforce): path */
};

/* One record: fixed layout (no pointers), host byte order. */
struct cg_sev {
	unsigned int kind;       /* enum cg_sev_kind */
	int nr;                  /* syscall number (x86_64) when meaningful, else -1 */
	unsigned long long ts;   /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) */
	unsigned long long cgid; /* cgroup v2 id (bpf_get_current_cgroup_id) */
	unsigned int pidns;      /* pid namespace inode of the task */
	unsigned int mntns;      /* mount namespace inode */
	int pid;                 /* thread-group id (what user space calls pid) */
	int tid;
	int ppid;                /* real parent's tgid */
	unsigned int uid, euid, gid;
	unsigned int flags;      /* open flags, chmod mode, mount flags... */
	unsigned int mode;
	long long ret;           /* syscall return, when the record is made at exit */
	long long args[4];
	unsigned long long dev, ino; /* the object (open: the opened file) */
	unsigned short family, port; /* connect/accept, port in host order */
	unsigned char addr[16];
	unsigned int sock;       /* DUP: oldfd is a socket */
	unsigned int pad;
	char comm[CG_SEV_COMM];
	char path[CG_SEV_PATH_MAX];
	char path2[CG_SEV_PATH_MAX];
};

#ifndef __bpf__
/* ---- user space only ------------------------------------------------------- */
#include <stdio.h>
#include <sys/types.h>
#include <cguard/cguard.h>

_Static_assert(sizeof(struct cg_sev) == 680, "struct cg_sev is the ring buffer's wire format");

/* A container the agent knows about. Strings are owned by the struct. */
struct cg_container {
	char *id;           /* runtime id (64-hex for containerd/docker, any for runc) */
	char *name;         /* a display name: k8s container name, docker name, or id */
	char *runtime;      /* "runc", "containerd", "docker", "cri-o" */
	char *bundle;       /* OCI bundle folder (holds config.json) */
	char *image;        /* image reference, when known */
	char *image_digest; /* sha256:..., when known */
	char *pod, *namespace; /* Kubernetes, when known */
	char *rootfs;       /* absolute root path as seen from the host */
	pid_t init_pid;
	unsigned long long cgid; /* cgroup v2 id (inode of its cgroup2 folder) */
	unsigned int pidns, mntns;
	unsigned long long started; /* CLOCK_REALTIME ns when the agent saw it */
};

/* Free the strings of c (not c itself). */
void cg_container_clear(struct cg_container *c);

/* ---- RUN-05: environment checks ---------------------------------------------- */

/* One finding of the environment check: a rule id of rules/runtime/ (category
 * "container environment"), and details (a JSON object, owned). */
struct cg_envfinding {
	const char *rule;   /* static: "env.privileged", "env.cap_added", ... */
	cg_json *details;   /* e.g. {"capabilities":["CAP_SYS_ADMIN"]} */
};

/* Check an OCI runtime config (config.json text, untrusted, bounded) and, when
 * pid > 0, the live process (/proc/PID/status, ns/NAME, mountinfo). Appends
 * findings to *out (realloc'd array, *n entries). */
cg_err_t cg_envcheck(const char *config_json, size_t len, pid_t pid,
		     struct cg_envfinding **out, size_t *n, struct cg_error *err);
void cg_envfindings_free(struct cg_envfinding *f, size_t n);

/* ---- POL-01/02: the policy file ---------------------------------------------- */

enum cg_policy_mode { CG_POLICY_ALERT, CG_POLICY_ENFORCE };

struct cg_policy {
	char *name;
	enum cg_policy_mode mode;
	char **whitelist;  size_t n_whitelist;  /* absolute program paths */
	char **protected;  size_t n_protected;  /* absolute paths inside the container */
	char **images;     size_t n_images;     /* references or sha256 digests */
};

struct cg_policy_set {
	struct cg_policy *v;
	size_t n;
};

/* Parse the policy file format (a JSON array of policy objects). Untrusted:
 * every field checked, bounded; on error nothing is returned and err names the
 * policy index and field. */
cg_err_t cg_policy_parse(const char *text, size_t len, struct cg_policy_set *out,
			 struct cg_error *err);
void cg_policy_set_free(struct cg_policy_set *s);
/* The policy that applies to a container (by digest first, then reference with
 * and without tag/registry normalisation), or NULL. */
const struct cg_policy *cg_policy_for(const struct cg_policy_set *s, const char *image,
				      const char *digest);

#endif /* !__bpf__ */
#endif
