/* bench/sensor: the eBPF sensor's cost on the workloads of issue 6, sensor off and on
 * in the same run (alternating, median of the rounds):
 *   - N fork+exec of /bin/true (default 20,000), every one reported (all_processes:
 *     the host's processes are traced as a container's would be);
 *   - M open/close pairs (default 2,000,000) of a file outside the sensitive
 *     prefixes: each open goes through the entry and exit programs and is filtered
 *     in the kernel (the common case for a container's opens);
 *   - the same opens with O_WRONLY|O_CREAT (reported: a record per open).
 * A thread drains the ring buffer while the workload runs; drops are reported.
 * Needs root: without it, says so and exits 0.
 *
 *   build/bench/sensor [EXECS [OPENS [ROUNDS]]]
 */
#include "util/internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/sensor.h"

static volatile int stop;
static unsigned long long seen;

/* CPU seconds (user + system) of the waited-for children: the workload runs in a
 * fresh process (this program re-executed with --worker), so it holds none of the
 * sensor's descriptors or mappings, like a container's processes; BPF programs run
 * in its context and count. Wall time on a shared machine mostly measures the other
 * jobs. The drain thread (the agent's share) is measured apart. */
static double children_cpu(void)
{
	struct rusage ch;
	getrusage(RUSAGE_CHILDREN, &ch);
	return (double)(ch.ru_utime.tv_sec + ch.ru_stime.tv_sec) +
	       (double)(ch.ru_utime.tv_usec + ch.ru_stime.tv_usec) / 1e6;
}

static const char *self_exe;

static double worker(const char *what, long n, const char *path)
{
	char num[32];
	double t0 = children_cpu();
	pid_t p;
	int st;

	snprintf(num, sizeof(num), "%ld", n);
	p = fork();
	if (p == 0) {
		execl(self_exe, self_exe, "--worker", what, num, path, (char *)NULL);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return children_cpu() - t0;
}

static double drain_cpu;

static void count(const struct cg_sev *e, void *arg)
{
	(void)e;
	(void)arg;
	seen++;
}

static void *drain(void *arg)
{
	struct cg_sensor *s = arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, cg_sensor_fd(s), &ev);
	while (!stop) {
		epoll_wait(ep, &out, 1, 50);
		cg_sensor_poll(s, count, NULL, NULL);
	}
	cg_sensor_poll(s, count, NULL, NULL);
	close(ep);
	{
		struct timespec ts;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		drain_cpu += (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	return NULL;
}

static int execs(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (p < 0 || waitpid(p, NULL, 0) != p)
			return 1;
	}
	return 0;
}

static int opens(long n, const char *path, int flags)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path, flags, 0600);
		if (fd < 0)
			return 1;
		close(fd);
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	long n_exec = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	long n_open = argc > 2 ? strtol(argv[2], NULL, 10) : 2000000;
	int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
	char path[64];
	double t[3][2][16];
	unsigned long long lost = 0, records = 0;
	static const char *const names[3] = { "fork+exec /bin/true", "open/close (read-only)",
					      "open/close (O_WRONLY, reported)" };
	long sizes[3];

	if (argc == 5 && strcmp(argv[1], "--worker") == 0) {
		long n = strtol(argv[3], NULL, 10);
		if (strcmp(argv[2], "exec") == 0)
			return execs(n);
		return opens(n, argv[4], strcmp(argv[2], "ro") == 0 ? O_RDONLY : O_WRONLY);
	}
	self_exe = "/proc/self/exe";
	if (geteuid() != 0) {
		printf("bench/sensor: needs root (BPF); skipped\n");
		return 0;
	}
	if (n_exec <= 0 || n_open <= 0 || rounds < 1 || rounds > 16) {
		fprintf(stderr, "usage: %s [EXECS [OPENS [ROUNDS<=16]]]\n", argv[0]);
		return 2;
	}
	sizes[0] = n_exec;
	sizes[1] = n_open;
	sizes[2] = n_open / 4;
	snprintf(path, sizeof(path), "/tmp/cg-bench-sensor.%d", (int)getpid());
	close(open(path, O_WRONLY | O_CREAT, 0600));

	for (int r = 0; r < rounds; r++) {
		for (int on = 0; on < 2; on++) {
			/* alternate the order so drift on a shared machine evens out */
			int with = (r % 2) ? !on : on;
			struct cg_sensor *s = NULL;
			struct cg_sensor_opts o = { .all_processes = getenv("CG_BENCH_HOST") == NULL };
			struct cg_error err;
			pthread_t th;

			if (with) {
				if (cg_sensor_open(&o, &s, &err) != CG_OK ||
				    cg_sensor_backend(s) != CG_SENSOR_BPF) {
					fprintf(stderr, "bench/sensor: no BPF sensor: %s\n", err.msg);
					cg_sensor_close(s);
					unlink(path);
					return 1;
				}
				stop = 0;
				seen = 0;
				/* the agent's setting: wake-ups batched, polled every 50 ms */
				if (cg_sensor_set_wakeup(s, 256 << 10, &err) != CG_OK)
					return 1;
				pthread_create(&th, NULL, drain, s);
			}
			t[0][with][r] = worker("exec", n_exec, path);
			t[1][with][r] = worker("ro", n_open, path);
			t[2][with][r] = worker("wo", sizes[2], path);
			if (with) {
				stop = 1;
				pthread_join(th, NULL);
				lost += cg_sensor_lost(s);
				records += seen;
				cg_sensor_close(s);
			}
		}
	}
	unlink(path);
	printf("bench/sensor: %d rounds, sensor off vs on (all_processes), median CPU seconds\n", rounds);
	for (int w = 0; w < 3; w++) {
		double off = median(t[w][0], rounds), on = median(t[w][1], rounds);
		printf("  %-34s n=%-8ld off %.3f s  on %.3f s  ratio %.3f  (%.2f us CPU/op on)\n",
		       names[w], sizes[w], off, on, on / off, on * 1e6 / (double)sizes[w]);
	}
	printf("  records delivered %llu, lost %llu; the reading thread used %.3f CPU s in all\n",
	       records, lost, drain_cpu);
	return 0;
}
