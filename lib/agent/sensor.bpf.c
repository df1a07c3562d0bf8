/* The node agent's kernel sensor (CO-RE, libbpf). See docs/sensor.md.
 *
 * Programs: the sched tracepoints (exec, fork, exit) and one tracepoint per watched
 * system call (tp/syscalls/sys_enter_X, sys_exit_X for the calls whose result or
 * opened object matters). Records are struct cg_sev (lib/agent/agent_int.h), built
 * in a per-CPU scratch slot and copied into one ring buffer; a failed copy counts a
 * drop in a per-CPU counter that user space turns into CG_SEV_LOST records.
 *
 * Filtering: never the agent's own thread group; when user space listed cgroups
 * (use_cgroups), only those; otherwise only tasks whose pid namespace is not the
 * agent's (the host's), unless cfg_all. Enforcement: in sched_process_exec, a task
 * whose cgroup is in whitelist_on and whose exec'ed filename is not in whitelist
 * gets SIGKILL before its program runs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "agent/sensor_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SIGKILL 9
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_ISUID 04000
#define S_ISGID 02000

/* Set by user space before load (.rodata). */
const volatile __u32 cfg_agent_tgid = 0;
const volatile __u32 cfg_host_pidns = 0;
const volatile __u32 cfg_all = 0;
/* Set by user space at run time (.bss): restrict to the cgroups map; wake the
 * reader only once wake_bytes of records wait (0: for every record). */
volatile __u32 use_cgroups = 0;
volatile __u64 wake_bytes = 0;
/* entries in sensitive_objects (0: opens need no identity check) */
volatile __u32 n_objects = 0;
volatile __u32 n_prefixes = 0; /* entries of sensitive_prefixes: 0 skips the lookup */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* set from the options before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_sev);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_sensor_wl_key);
} wl_scratch SEC(".maps");

/* A syscall seen at entry whose record is made at exit: tid -> arguments. */
struct pending {
	__u64 a[4];
	__s32 nr;       /* 0: nothing pending */
	__u32 report;   /* decided at entry: report it */
	__u32 pidns;    /* the task's pid namespace, cached (it never changes) */
	__u32 pad;
};
/* per task (freed with it): cheaper than a hash keyed by tid, and nothing leaks
 * when a thread dies inside the call */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_SENSOR_CGROUPS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} whitelist_on SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_SENSOR_WHITELIST_MAX);
	__type(key, struct cg_sensor_wl_key);
	__type(value, __u8);
} whitelist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_SENSOR_OBJECTS_MAX);
	__type(key, struct cg_sensor_obj_key);
	__type(value, __u8);
} sensitive_objects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, CG_SENSOR_PREFIXES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct cg_sensor_prefix_key);
	__type(value, __u8);
} sensitive_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_SENSOR_CGROUPS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} cgroups SEC(".maps");

/* ---- helpers ---------------------------------------------------------------- */

/* The task's own (active) pid namespace: thread_pid->numbers[level].ns, what
 * /proc/PID/ns/pid shows (nsproxy->pid_ns_for_children differs after unshare). */
static __always_inline __u32 task_pidns(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level;
	struct upid up = {};

	if (!p)
		return 0;
	level = BPF_CORE_READ(p, level);
	if (level > 32)
		return 0;
	bpf_core_read(&up, sizeof(up), &p->numbers[level]);
	if (!up.ns)
		return 0;
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline bool traced_task(struct task_struct *t, __u32 tgid, __u64 cgid,
					__u32 *pidns)
{
	if (tgid == cfg_agent_tgid)
		return false;
	if (use_cgroups && !bpf_map_lookup_elem(&cgroups, &cgid))
		return false;
	*pidns = task_pidns(t);
	if (!use_cgroups && !cfg_all && *pidns == cfg_host_pidns)
		return false;
	return true;
}

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &zero);
	if (n)
		(*n)++;
}

static __always_inline void emit(struct cg_sev *e)
{
	__u64 flags = 0;

	if (e->kind == CG_SEV_KILLED)
		flags = BPF_RB_FORCE_WAKEUP;
	else if (wake_bytes && bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wake_bytes)
		flags = BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, e, sizeof(*e), flags))
		count_drop();
}

/* A zeroed record for the current task, with its identity filled. */
static __always_inline struct cg_sev *fill(__u32 kind, int nr, struct task_struct *t,
					   __u64 pid_tgid, __u64 cgid, __u32 pidns)
{
	__u32 zero = 0;
	struct cg_sev *e = bpf_map_lookup_elem(&scratch, &zero);
	__u64 ug;

	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->nr = nr;
	e->ts = bpf_ktime_get_ns();
	e->cgid = cgid;
	e->pidns = pidns;
	e->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	ug = bpf_get_current_uid_gid();
	e->uid = (__u32)ug;
	e->gid = ug >> 32;
	e->euid = BPF_CORE_READ(t, cred, euid.val);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* Is the current task traced? Its pid namespace is cached in its task storage
 * (*slot, may be NULL), which saves the pointer chase on every system call. */
static __always_inline bool traced_current(__u32 tgid, __u64 cgid, __u32 *pidns,
					   struct pending **slot)
{
	struct task_struct *t;
	struct pending *p;

	if (tgid == cfg_agent_tgid)
		return false;
	if (use_cgroups && !bpf_map_lookup_elem(&cgroups, &cgid))
		return false;
	t = bpf_get_current_task_btf();
	p = bpf_task_storage_get(&pending, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (p) {
		if (!p->pidns)
			p->pidns = task_pidns(t);
		*pidns = p->pidns;
	} else {
		*pidns = task_pidns(t);
	}
	*slot = p;
	if (!use_cgroups && !cfg_all && *pidns == cfg_host_pidns)
		return false;
	return true;
}

/* The record for the current task when it is traced, else NULL. */
static __always_inline struct cg_sev *begin(__u32 kind, int nr)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 cgid = bpf_get_current_cgroup_id();
	struct pending *slot;
	__u32 pidns = 0;

	if (!traced_current(pid_tgid >> 32, cgid, &pidns, &slot))
		return NULL;
	return fill(kind, nr, t, pid_tgid, cgid, pidns);
}

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = NULL;
	unsigned int max;

	if (!fdt || fd < 0)
		return NULL;
	max = BPF_CORE_READ(fdt, max_fds);
	if (fd >= max)
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	if (!arr)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

/* The address family of a socket file (AF_INET...), 0 when f is no socket. */
static __always_inline __u16 sock_family(struct file *f)
{
	struct socket *so;
	__u32 mode;

	if (!f)
		return 0;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return 0;
	so = (struct socket *)BPF_CORE_READ(f, private_data);
	if (!so)
		return 0;
	return BPF_CORE_READ(so, sk, __sk_common.skc_family);
}

static __always_inline void user_str(char *dst, __u64 ptr)
{
	if (ptr)
		bpf_probe_read_user_str(dst, CG_SEV_PATH_MAX, (const void *)ptr);
}

/* ---- sched: exec, fork, exit ------------------------------------------------ */

static __always_inline bool is_self_exe(const char *p)
{
	return p[0] == '/' && p[1] == 'p' && p[2] == 'r' && p[3] == 'o' && p[4] == 'c' &&
	       p[5] == '/' && p[6] == 's' && p[7] == 'e' && p[8] == 'l' && p[9] == 'f' &&
	       p[10] == '/' && p[11] == 'e' && p[12] == 'x' && p[13] == 'e' && p[14] == '\0';
}

SEC("tp/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 cgid = bpf_get_current_cgroup_id();
	__u32 pidns = 0, zero = 0;
	unsigned int off = ctx->__data_loc_filename & 0xFFFF;
	struct cg_sensor_wl_key *k;
	struct cg_sev *e;
	bool enforce = bpf_map_lookup_elem(&whitelist_on, &cgid) != NULL;

	if (pid_tgid >> 32 == cfg_agent_tgid)
		return 0;
	if (!traced_task(t, pid_tgid >> 32, cgid, &pidns) && !enforce)
		return 0;
	if (enforce) {
		k = bpf_map_lookup_elem(&wl_scratch, &zero);
		if (!k)
			return 0;
		__builtin_memset(k, 0, sizeof(*k));
		k->cgid = cgid;
		bpf_probe_read_kernel_str(k->path, sizeof(k->path), (void *)ctx + off);
		/* "/proc/self/exe" re-executes the very file that was running (busybox
		 * runs its applets so): no new program, nothing to refuse */
		if (bpf_map_lookup_elem(&whitelist, k) || is_self_exe(k->path))
			enforce = false;
		else
			bpf_send_signal(SIGKILL);
		if (!pidns)
			pidns = task_pidns(t);
	}
	e = fill(enforce ? CG_SEV_KILLED : CG_SEV_EXEC, -1, t, pid_tgid, cgid, pidns);
	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->path, sizeof(e->path), (void *)ctx + off);
	{
		/* argv of the new program, NUL-separated, from its fresh stack: read
		 * here, not from /proc later, so short-lived programs keep theirs */
		struct mm_struct *mm = BPF_CORE_READ(t, mm);
		unsigned long as = BPF_CORE_READ(mm, arg_start), ae = BPF_CORE_READ(mm, arg_end);
		unsigned long n = ae > as ? ae - as : 0;
		if (n > sizeof(e->path2) - 1)
			n = sizeof(e->path2) - 1;
		if (bpf_probe_read_user(e->path2, n & (sizeof(e->path2) - 1), (void *)as) == 0)
			e->args[0] = (long long)(n & (sizeof(e->path2) - 1));
		/* the program's file: its identity, and memfd names for fileless
		 * programs run through fexecve (the filename is then /dev/fd/N) */
		struct file *xf = BPF_CORE_READ(mm, exe_file);
		const unsigned char *nm = BPF_CORE_READ(xf, f_path.dentry, d_name.name);
		char pre[8] = {};
		e->dev = BPF_CORE_READ(xf, f_inode, i_sb, s_dev);
		e->ino = BPF_CORE_READ(xf, f_inode, i_ino);
		/* a network socket on stdin/stdout/stderr (a reverse shell), judged
		 * now: the program may be gone when user space reads the record */
		for (int fd = 0; fd <= 2; fd++) {
			__u16 fam = sock_family(fd_file(t, fd));
			if (fam == 2 /* AF_INET */ || fam == 10 /* AF_INET6 */) {
				e->sock = 1;
				e->family = fam;
			}
		}
		if (nm && bpf_probe_read_kernel(pre, 6, nm) == 0 && pre[0] == 'm' && pre[1] == 'e' &&
		    pre[2] == 'm' && pre[3] == 'f' && pre[4] == 'd' && pre[5] == ':') {
			e->path[0] = '/';
			bpf_probe_read_kernel_str(e->path + 1, sizeof(e->path) - 1, nm);
		}
	}
	emit(e);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 cgid = bpf_get_current_cgroup_id();
	int cpid = BPF_CORE_READ(child, pid), ctgid = BPF_CORE_READ(child, tgid);
	__u32 pidns = 0;
	struct cg_sev *e;

	if (cpid != ctgid) /* a new thread, not a process */
		return 0;
	if (!traced_task(child, pid_tgid >> 32, cgid, &pidns))
		return 0;
	e = fill(CG_SEV_FORK, -1, child, pid_tgid, cgid, pidns);
	if (!e)
		return 0;
	e->pid = ctgid;
	e->tid = cpid;
	e->ppid = pid_tgid >> 32;
	emit(e);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int on_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *t;
	struct cg_sev *e;

	if ((__u32)pid_tgid != pid_tgid >> 32) /* thread-group leader only */
		return 0;
	e = begin(CG_SEV_EXIT, -1);
	if (!e)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	e->ret = BPF_CORE_READ(t, exit_code);
	emit(e);
	return 0;
}

/* ---- system calls reported at entry ------------------------------------------ */

/* kind, with the user strings at argument indexes p1 and p2 (-1: none) */
/* Only the call's own arguments may be read: the verifier refuses a program that
 * reads past the tracepoint record (EACCES at attach), and loads through a moved
 * context pointer; so the n arguments are copied with constant offsets first. */
#define ARGS(a, ctx, n)                                            \
	do {                                                       \
		if ((n) > 0) a[0] = (ctx)->args[0];                \
		if ((n) > 1) a[1] = (ctx)->args[1];                \
		if ((n) > 2) a[2] = (ctx)->args[2];                \
		if ((n) > 3) a[3] = (ctx)->args[3];                \
		if ((n) > 4) a[4] = (ctx)->args[4];                \
		if ((n) > 5) a[5] = (ctx)->args[5];                \
	} while (0)

/* kind, with the user strings at argument indexes p1 and p2 (-1: none) */
static __always_inline int enter_rec(struct trace_event_raw_sys_enter *ctx, int n, __u32 kind,
				     int p1, int p2)
{
	struct cg_sev *e = begin(kind, (int)ctx->id);
	__u64 a[6] = {};

	if (!e)
		return 0;
	ARGS(a, ctx, n);
	e->args[0] = a[0];
	e->args[1] = a[1];
	e->args[2] = a[2];
	e->args[3] = a[3];
	if (p1 >= 0 && p1 < 6)
		user_str(e->path, a[p1]);
	if (p2 >= 0 && p2 < 6)
		user_str(e->path2, a[p2]);
	emit(e);
	return 0;
}

/* ENTER(call, number of its arguments, kind, path argument, path2 argument) */
#define ENTER(name, n, kind, p1, p2)                                        \
	SEC("tp/syscalls/sys_enter_" #name)                                  \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)              \
	{                                                                    \
		return enter_rec(ctx, n, kind, p1, p2);                      \
	}

ENTER(ptrace, 4, CG_SEV_SYSCALL, -1, -1)
ENTER(setns, 2, CG_SEV_SYSCALL, -1, -1)
ENTER(unshare, 1, CG_SEV_SYSCALL, -1, -1)
ENTER(umount, 2, CG_SEV_SYSCALL, 0, -1) /* umount2: the event is named sys_enter_umount */
ENTER(pivot_root, 2, CG_SEV_SYSCALL, 0, 1)
ENTER(chroot, 1, CG_SEV_SYSCALL, 0, -1)
ENTER(open_by_handle_at, 3, CG_SEV_SYSCALL, -1, -1)
ENTER(name_to_handle_at, 5, CG_SEV_SYSCALL, 1, -1)
ENTER(init_module, 3, CG_SEV_SYSCALL, 2, -1)
ENTER(finit_module, 3, CG_SEV_SYSCALL, 1, -1)
ENTER(delete_module, 2, CG_SEV_SYSCALL, 0, -1)
ENTER(bpf, 3, CG_SEV_SYSCALL, -1, -1)
ENTER(reboot, 4, CG_SEV_SYSCALL, -1, -1)
ENTER(kexec_load, 4, CG_SEV_SYSCALL, -1, -1)
ENTER(kexec_file_load, 5, CG_SEV_SYSCALL, 3, -1)
ENTER(keyctl, 5, CG_SEV_SYSCALL, -1, -1)
ENTER(add_key, 5, CG_SEV_SYSCALL, 0, 1)
ENTER(request_key, 4, CG_SEV_SYSCALL, 0, 1)
ENTER(process_vm_writev, 6, CG_SEV_SYSCALL, -1, -1)
ENTER(memfd_create, 2, CG_SEV_SYSCALL, 0, -1)
ENTER(userfaultfd, 1, CG_SEV_SYSCALL, -1, -1)
ENTER(perf_event_open, 5, CG_SEV_SYSCALL, -1, -1)
ENTER(iopl, 1, CG_SEV_SYSCALL, -1, -1)
ENTER(ioperm, 3, CG_SEV_SYSCALL, -1, -1)
ENTER(rename, 2, CG_SEV_RENAME, 0, 1)
ENTER(renameat, 4, CG_SEV_RENAME, 1, 3)
ENTER(renameat2, 5, CG_SEV_RENAME, 1, 3)
ENTER(unlink, 1, CG_SEV_UNLINK, 0, -1)
ENTER(unlinkat, 3, CG_SEV_UNLINK, 1, -1)
ENTER(rmdir, 1, CG_SEV_UNLINK, 0, -1)
ENTER(link, 2, CG_SEV_LINK, 0, 1)
ENTER(linkat, 5, CG_SEV_LINK, 1, 3)
ENTER(symlink, 2, CG_SEV_LINK, 0, 1)
ENTER(symlinkat, 3, CG_SEV_LINK, 0, 2)

/* setuid family: uid/euid are the values before the call, args the requested ids */
ENTER(setuid, 1, CG_SEV_SETUID, -1, -1)
ENTER(setgid, 1, CG_SEV_SETUID, -1, -1)
ENTER(setreuid, 2, CG_SEV_SETUID, -1, -1)
ENTER(setregid, 2, CG_SEV_SETUID, -1, -1)
ENTER(setresuid, 3, CG_SEV_SETUID, -1, -1)
ENTER(setresgid, 3, CG_SEV_SETUID, -1, -1)
ENTER(setfsuid, 1, CG_SEV_SETUID, -1, -1)
ENTER(setfsgid, 1, CG_SEV_SETUID, -1, -1)

/* mount: path = source, path2 = target, flags = mount flags, args[1] = the first 8
 * bytes of the filesystem type (NUL padded), args[0] the raw source pointer */
SEC("tp/syscalls/sys_enter_mount")
int enter_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct cg_sev *e = begin(CG_SEV_MOUNT, (int)ctx->id);
	__u64 fstype = 0, a[6] = {};

	if (!e)
		return 0;
	ARGS(a, ctx, 5);
	user_str(e->path, a[0]);
	user_str(e->path2, a[1]);
	if (a[2])
		bpf_probe_read_user_str(&fstype, sizeof(fstype), (const void *)a[2]);
	e->args[0] = a[0];
	e->args[1] = fstype;
	e->args[2] = a[2];
	e->args[3] = a[3];
	e->flags = a[3];
	emit(e);
	return 0;
}

/* chmod family: only modes with setuid/setgid bits */
static __always_inline int chmod_rec(struct trace_event_raw_sys_enter *ctx, int n, int path_arg,
				     int mode_arg)
{
	__u64 a[6] = {};
	__u32 mode;

	ARGS(a, ctx, n);
	mode = a[mode_arg > 1 ? 2 : 1];
	struct cg_sev *e;

	if (!(mode & (S_ISUID | S_ISGID)))
		return 0;
	e = begin(CG_SEV_CHMOD, (int)ctx->id);
	if (!e)
		return 0;
	e->mode = mode;
	e->args[0] = a[0];
	e->args[1] = a[1];
	e->args[2] = a[2];
	if (path_arg >= 0)
		user_str(e->path, a[path_arg > 0 ? 1 : 0]);
	emit(e);
	return 0;
}
SEC("tp/syscalls/sys_enter_chmod")
int enter_chmod(struct trace_event_raw_sys_enter *ctx) { return chmod_rec(ctx, 2, 0, 1); }
SEC("tp/syscalls/sys_enter_fchmod")
int enter_fchmod(struct trace_event_raw_sys_enter *ctx) { return chmod_rec(ctx, 2, -1, 1); }
SEC("tp/syscalls/sys_enter_fchmodat")
int enter_fchmodat(struct trace_event_raw_sys_enter *ctx) { return chmod_rec(ctx, 3, 1, 2); }
SEC("tp/syscalls/sys_enter_fchmodat2")
int enter_fchmodat2(struct trace_event_raw_sys_enter *ctx) { return chmod_rec(ctx, 4, 1, 2); }

/* dup2/dup3 onto 0, 1 or 2: sock = 1 when the old descriptor is a socket */
static __always_inline int dup_rec(struct trace_event_raw_sys_enter *ctx)
{
	long oldfd = ctx->args[0], newfd = ctx->args[1];
	struct task_struct *t;
	struct file *f;
	struct cg_sev *e;
	__u32 mode;

	if (newfd < 0 || newfd > 2)
		return 0;
	e = begin(CG_SEV_DUP, (int)ctx->id);
	if (!e)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	f = fd_file(t, oldfd);
	if (f) {
		mode = BPF_CORE_READ(f, f_inode, i_mode);
		e->sock = (mode & S_IFMT) == S_IFSOCK;
		e->mode = mode;
		/* family left 0 on purpose: inetd-style servers (busybox httpd) dup
		 * every accepted socket onto 0/1; the reverse shell is judged at the
		 * exec of a shell with a network socket on its stdio */
	}
	e->args[0] = oldfd;
	e->args[1] = newfd;
	emit(e);
	return 0;
}
SEC("tp/syscalls/sys_enter_dup2")
int enter_dup2(struct trace_event_raw_sys_enter *ctx) { return dup_rec(ctx); }
SEC("tp/syscalls/sys_enter_dup3")
int enter_dup3(struct trace_event_raw_sys_enter *ctx) { return dup_rec(ctx); }

/* ---- system calls reported at exit ---------------------------------------------- */

static __always_inline int remember(int nr, __u64 a0, __u64 a1, __u64 a2, __u64 a3,
				    __u32 report, struct pending *p)
{
	if (!p)
		return 0;
	p->nr = nr;
	p->report = report;
	p->a[0] = a0;
	p->a[1] = a1;
	p->a[2] = a2;
	p->a[3] = a3;
	return 0;
}

/* The slot of the current task when it is traced, else NULL. */
static __always_inline struct pending *traced_slot(void)
{
	struct pending *p = NULL;
	__u32 pidns;

	if (!traced_current(bpf_get_current_pid_tgid() >> 32, bpf_get_current_cgroup_id(),
			    &pidns, &p))
		return NULL;
	return p;
}

/* The pending entry of this thread (copied out and cleared), or false. */
static __always_inline bool take(struct pending *out)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pending *p = bpf_task_storage_get(&pending, t, 0, 0);
	if (!p || !p->nr)
		return false;
	*out = *p;
	p->nr = 0;
	return true;
}

/* Does the absolute path at user address ptr begin with a sensitive prefix? */
static __always_inline bool sensitive_path(__u64 ptr)
{
	struct cg_sensor_prefix_key pk = {};

	if (!ptr || !n_prefixes)
		return false;
	bpf_probe_read_user_str(pk.data, sizeof(pk.data), (const void *)ptr);
	pk.prefixlen = CG_SENSOR_PREFIX_MAX * 8;
	return pk.data[0] == '/' && bpf_map_lookup_elem(&sensitive_prefixes, &pk);
}

/* The entry half of an open: decide what can be decided now (write flags; the path,
 * unless objects are watched: then the exit half looks at the object first). */
static __always_inline int open_enter(int nr, __u64 path, __u64 flags, __u64 dirfd,
				      __u64 mode)
{
	struct pending *p = traced_slot();
	__u32 report;

	if (!p)
		return 0;
	report = (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
	if (!report && !n_objects) {
		if (!sensitive_path(path))
			return 0;
		report = 1;
	}
	return remember(nr, path, flags, dirfd, mode, report, p);
}

/* open family: a[0] = path pointer, a[1] = flags, a[2] = dirfd, a[3] = mode */
SEC("tp/syscalls/sys_enter_open")
int enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->id, ctx->args[0], ctx->args[1], -100, ctx->args[2]);
}
SEC("tp/syscalls/sys_enter_creat")
int enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->id, ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC, -100, ctx->args[1]);
}
SEC("tp/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->id, ctx->args[1], ctx->args[2], ctx->args[0], ctx->args[3]);
}
SEC("tp/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	if (ctx->args[2])
		bpf_probe_read_user(&how, sizeof(how), (const void *)ctx->args[2]);
	return open_enter(ctx->id, ctx->args[1], how.flags, ctx->args[0], how.mode);
}

static __always_inline int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct cg_sensor_obj_key ok = {};
	struct pending p;
	struct cg_sev *e;
	struct inode *ino = NULL;
	bool report;
	long ret = ctx->ret;

	if (!take(&p))
		return 0;
	report = p.report;
	if (ret >= 0) {
		struct file *f = fd_file(t, ret);
		if (f)
			ino = BPF_CORE_READ(f, f_inode);
		if (ino) {
			ok.ino = BPF_CORE_READ(ino, i_ino);
			ok.dev = BPF_CORE_READ(ino, i_sb, s_dev);
			if (!report && bpf_map_lookup_elem(&sensitive_objects, &ok))
				report = true;
		}
	}
	if (!report && n_objects) /* the entry half left the path to us */
		report = sensitive_path(p.a[0]);
	if (!report)
		return 0;
	e = fill(CG_SEV_OPEN, p.nr, t, bpf_get_current_pid_tgid(), bpf_get_current_cgroup_id(),
		 task_pidns(t));
	if (!e)
		return 0;
	e->flags = p.a[1];
	e->mode = p.a[3];
	e->ret = ret;
	e->args[0] = (__s64)(int)p.a[2]; /* dirfd */
	e->args[1] = p.a[1];
	e->dev = ok.dev;
	e->ino = ok.ino;
	user_str(e->path, p.a[0]);
	emit(e);
	return 0;
}
SEC("tp/syscalls/sys_exit_open")
int exit_open(struct trace_event_raw_sys_exit *ctx) { return open_exit(ctx); }
SEC("tp/syscalls/sys_exit_creat")
int exit_creat(struct trace_event_raw_sys_exit *ctx) { return open_exit(ctx); }
SEC("tp/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx) { return open_exit(ctx); }
SEC("tp/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx) { return open_exit(ctx); }

/* connect: a[0] = fd, a[1] = sockaddr pointer, a[2] = length */
SEC("tp/syscalls/sys_enter_connect")
int enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return remember(ctx->id, ctx->args[0], ctx->args[1], ctx->args[2], 0, 1, traced_slot());
}
SEC("tp/syscalls/sys_exit_connect")
int exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct pending p;
	struct cg_sev *e;
	__u16 family = 0, port = 0;
	const void *sa;

	if (!take(&p))
		return 0;
	sa = (const void *)p.a[1];
	if (!sa || bpf_probe_read_user(&family, sizeof(family), sa))
		return 0;
	if (family != AF_INET && family != AF_INET6 && family != AF_UNIX)
		return 0;
	e = fill(CG_SEV_CONNECT, p.nr, t, bpf_get_current_pid_tgid(), bpf_get_current_cgroup_id(),
		 task_pidns(t));
	if (!e)
		return 0;
	e->ret = ctx->ret;
	e->family = family;
	e->args[0] = p.a[0];
	if (family == AF_UNIX) {
		bpf_probe_read_user_str(e->path, 108, sa + 2);
	} else {
		bpf_probe_read_user(&port, sizeof(port), sa + 2);
		e->port = bpf_ntohs(port);
		if (family == AF_INET)
			bpf_probe_read_user(e->addr, 4, sa + 4);
		else
			bpf_probe_read_user(e->addr, 16, sa + 8);
	}
	emit(e);
	return 0;
}

/* accept/accept4: at exit, the new socket's local port and peer address */
SEC("tp/syscalls/sys_enter_accept")
int enter_accept(struct trace_event_raw_sys_enter *ctx)
{
	return remember(ctx->id, ctx->args[0], 0, 0, 0, 1, traced_slot());
}
SEC("tp/syscalls/sys_enter_accept4")
int enter_accept4(struct trace_event_raw_sys_enter *ctx)
{
	return remember(ctx->id, ctx->args[0], 0, 0, 0, 1, traced_slot());
}
static __always_inline int accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct pending p;
	struct cg_sev *e;
	struct file *f;
	struct socket *sock;
	struct sock *sk;

	if (!take(&p))
		return 0;
	if (ctx->ret < 0)
		return 0;
	e = fill(CG_SEV_ACCEPT, p.nr, t, bpf_get_current_pid_tgid(), bpf_get_current_cgroup_id(),
		 task_pidns(t));
	if (!e)
		return 0;
	e->ret = ctx->ret;
	e->args[0] = p.a[0];
	f = fd_file(t, ctx->ret);
	sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (sk) {
		e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
		e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
		e->args[1] = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (e->family == AF_INET)
			BPF_CORE_READ_INTO(e->addr, sk, __sk_common.skc_daddr);
		else if (e->family == AF_INET6)
			BPF_CORE_READ_INTO(e->addr, sk, __sk_common.skc_v6_daddr);
	}
	emit(e);
	return 0;
}
SEC("tp/syscalls/sys_exit_accept")
int exit_accept(struct trace_event_raw_sys_exit *ctx) { return accept_exit(ctx); }
SEC("tp/syscalls/sys_exit_accept4")
int exit_accept4(struct trace_event_raw_sys_exit *ctx) { return accept_exit(ctx); }
