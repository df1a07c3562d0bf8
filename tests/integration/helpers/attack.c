/* Attack actions for the agent's integration tests, run inside real runc
 * containers. Static, one subcommand per action; each makes the real system
 * call an attacker would (most fail for lack of privilege: the agent must see
 * the attempt). Not part of cguard. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int connect_to(const char *ip, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int s = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s);
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "";
	if (!strcmp(a, "shocker")) {
		struct { unsigned int bytes; int type; unsigned char f[8]; } h = {8, 1, {2, 0, 0, 0, 0, 0, 0, 0}};
		long r = syscall(SYS_open_by_handle_at, AT_FDCWD, &h, O_RDONLY);
		printf("open_by_handle_at: %ld %s\n", r, strerror(errno));
	} else if (!strcmp(a, "name_to_handle")) {
		char buf[128];
		int mnt;
		struct { unsigned int bytes; int type; } *h = (void *)buf;
		h->bytes = 64;
		syscall(SYS_name_to_handle_at, AT_FDCWD, "/etc/hostname", h, &mnt, 0);
	} else if (!strcmp(a, "ptrace")) {
		pid_t c = fork();
		if (c == 0) {
			pause();
			_exit(0);
		}
		usleep(100000);
		long r = ptrace(PTRACE_ATTACH, c, 0, 0);
		printf("ptrace: %ld %s\n", r, strerror(errno));
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
	} else if (!strcmp(a, "vmwrite")) {
		pid_t c = fork();
		static char target[16];
		if (c == 0) {
			pause();
			_exit(0);
		}
		usleep(100000);
		struct iovec l = {"pwned", 5}, r = {target, 5};
		long n = syscall(SYS_process_vm_writev, c, &l, 1, &r, 1, 0);
		printf("process_vm_writev: %ld\n", n);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
	} else if (!strcmp(a, "memfd")) {
		/* fileless: copy a program into a memfd and run it */
		int fd = (int)syscall(SYS_memfd_create, "payload", 0), in = open("/bin/busybox", O_RDONLY);
		char buf[65536];
		ssize_t n;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)n) != n)
				return 1;
		char *args[] = {"true", NULL}, *env[] = {NULL};
		fexecve(fd, args, env);
		return 1;
	} else if (!strcmp(a, "setuid0")) {
		int r = setuid(0);
		printf("setuid(0) as %d: %d %s\n", (int)getuid(), r, strerror(errno));
	} else if (!strcmp(a, "revshell") && argc > 2) {
		int s = connect_to("127.0.0.1", atoi(argv[2]));
		if (s < 0)
			return 1;
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
		return 1;
	} else if (!strcmp(a, "connect") && argc > 3) {
		int n = argc > 4 ? atoi(argv[4]) : 1;
		for (int i = 0; i < n; i++) {
			int s = connect_to(argv[2], atoi(argv[3]));
			if (s >= 0)
				close(s);
		}
	} else if (!strcmp(a, "module")) {
		long r = syscall(SYS_init_module, NULL, 0, "");
		long r2 = syscall(SYS_finit_module, -1, "", 0);
		printf("init_module: %ld %ld\n", r, r2);
	} else if (!strcmp(a, "bpf")) {
		union bpf_attr at;
		memset(&at, 0, sizeof(at));
		long r = syscall(SYS_bpf, BPF_PROG_LOAD, &at, sizeof(at));
		printf("bpf: %ld\n", r);
	} else if (!strcmp(a, "keyctl")) {
		long r = syscall(SYS_add_key, "user", "cguard-test", "x", 1, -3 /* session */);
		printf("add_key: %ld\n", r);
	} else if (!strcmp(a, "userfaultfd")) {
		long r = syscall(SYS_userfaultfd, 0);
		printf("userfaultfd: %ld\n", r);
	} else if (!strcmp(a, "mount_cgroup")) {
		mkdir("/tmp/cg", 0700);
		int r = mount("cgroup", "/tmp/cg", "cgroup", 0, "rdma");
		printf("mount cgroup: %d %s\n", r, strerror(errno));
	} else if (!strcmp(a, "release_agent")) {
		int fd = open("/sys/fs/cgroup/release_agent", O_WRONLY);
		printf("release_agent: %d %s\n", fd, strerror(errno));
	} else if (!strcmp(a, "runc_exe")) {
		int fd = open("/proc/self/exe", O_WRONLY | O_TRUNC);
		printf("open /proc/self/exe for writing: %d %s\n", fd, strerror(errno));
	} else if (!strcmp(a, "reboot")) {
		long r = syscall(SYS_reboot, 0, 0, 0, NULL);
		printf("reboot: %ld\n", r);
	} else if (!strcmp(a, "setns")) {
		int fd = open("/proc/1/ns/mnt", O_RDONLY);
		int r = setns(fd, 0);
		printf("setns: %d %s\n", r, strerror(errno));
	} else if (!strcmp(a, "chroot")) {
		int r = chroot("/tmp");
		printf("chroot: %d\n", r);
	} else if (!strcmp(a, "perf")) {
		long r = syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
		printf("perf_event_open: %ld\n", r);
	} else if (!strcmp(a, "forkexec") && argc > 3) {
		/* benchmark load: N fork+exec of a program, one after another */
		int n = atoi(argv[2]);
		for (int i = 0; i < n; i++) {
			pid_t c = fork();
			if (c == 0) {
				execl(argv[3], argv[3], (char *)NULL);
				_exit(127);
			}
			waitpid(c, NULL, 0);
		}
	} else if (!strcmp(a, "openloop") && argc > 3) {
		/* benchmark load: N open/close pairs of a file */
		long n = atol(argv[2]);
		for (long i = 0; i < n; i++) {
			int fd = open(argv[3], O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
	} else {
		fprintf(stderr, "usage: attack ACTION\n");
		return 2;
	}
	return 0;
}
