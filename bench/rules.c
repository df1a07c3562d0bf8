/* bench/rules: nanoseconds per sensor record through cg_rules_eval with the
 * shipped rules (rules/runtime/), for a benign mix like a C build and a web
 * server (exec of compilers and shells, read-opens of libraries and config,
 * write-opens under /tmp and the build folder, forks, exits, connects,
 * accepts), and for a mix where one record in 16 fires a rule. Single thread.
 * Target (issue 6): tens of thousands of records per second at a small
 * fraction of a core, i.e. well under 10 us per record. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <cguard/cguard.h>
#include "agent/rules.h"

#ifndef CG_SOURCE_DIR
#define CG_SOURCE_DIR "."
#endif

struct item {
	unsigned kind;
	const char *path, *exe, *cmd, *parent;
	unsigned flags;
	unsigned short port;
};

static const struct item benign[] = {
	{ CG_SEV_EXEC, "/usr/bin/gcc", "/usr/bin/gcc", "gcc -O2 -c x.c -o x.o", "/usr/bin/make", 0, 0 },
	{ CG_SEV_EXEC, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", NULL, "cc1 -quiet x.c -o /tmp/cc.s", "/usr/bin/gcc", 0, 0 },
	{ CG_SEV_EXEC, "/bin/sh", NULL, "/bin/sh -c cc -c y.c", "/usr/bin/make", 0, 0 },
	{ CG_SEV_OPEN, "/etc/ld.so.cache", "/usr/bin/gcc", NULL, NULL, O_RDONLY | O_CLOEXEC, 0 },
	{ CG_SEV_OPEN, "/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/gcc", NULL, NULL, O_RDONLY | O_CLOEXEC, 0 },
	{ CG_SEV_OPEN, "/tmp/ccX1.s", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", NULL, NULL, O_WRONLY | O_CREAT | O_TRUNC, 0 },
	{ CG_SEV_OPEN, "/src/build/x.o", "/usr/bin/as", NULL, NULL, O_RDWR | O_CREAT | O_TRUNC, 0 },
	{ CG_SEV_OPEN, "/var/log/nginx/access.log", "/usr/sbin/nginx", NULL, NULL, O_WRONLY | O_APPEND, 0 },
	{ CG_SEV_OPEN, "/etc/resolv.conf", "/usr/bin/curl", NULL, NULL, O_RDONLY, 0 },
	{ CG_SEV_OPEN, "/usr/share/nginx/html/index.html", "/usr/sbin/nginx", NULL, NULL, O_RDONLY, 0 },
	{ CG_SEV_OPEN, "/proc/self/stat", "/bin/ps", NULL, NULL, O_RDONLY, 0 },
	{ CG_SEV_FORK, NULL, "/usr/bin/make", NULL, NULL, 0, 0 },
	{ CG_SEV_EXIT, NULL, "/usr/bin/gcc", NULL, NULL, 0, 0 },
	{ CG_SEV_ACCEPT, NULL, "/usr/sbin/nginx", NULL, NULL, 0, 80 },
	{ CG_SEV_CONNECT, NULL, "/app/server", NULL, NULL, 0, 5432 },
	{ CG_SEV_UNLINK, "/tmp/ccX1.s", "/usr/bin/gcc", NULL, NULL, 0, 0 },
};

static void fill(const struct item *it, struct cg_sev *ev, struct cg_evctx *ctx)
{
	memset(ev, 0, sizeof(*ev));
	memset(ctx, 0, sizeof(*ctx));
	ev->kind = it->kind;
	ev->nr = -1;
	ev->cgid = 99;
	ev->pid = 1000;
	ev->flags = it->flags;
	ev->port = it->port;
	ev->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.7", ev->addr);
	if (it->path)
		snprintf(ev->path, sizeof(ev->path), "%s", it->path);
	snprintf(ev->comm, sizeof(ev->comm), "%s", "proc");
	ctx->exe = it->kind == CG_SEV_EXEC ? it->path : it->exe;
	ctx->cmdline = it->cmd;
	ctx->parent_exe = it->parent;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust on a busy machine */
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double run(struct cg_ruleset *rs, struct cg_sev *evs, struct cg_evctx *ctxs, size_t n,
		  long iters, long *alerts)
{
	struct cg_alert a[8];
	double t0 = now();
	*alerts = 0;
	for (long i = 0; i < iters; i++) {
		size_t k = (size_t)i % n;
		evs[k].ts = (unsigned long long)i * 50000; /* 20,000 records/s */
		size_t m = cg_rules_eval(rs, &evs[k], &ctxs[k], a, 8);
		for (size_t j = 0; j < m; j++)
			cg_json_free(a[j].details);
		*alerts += (long)m;
	}
	return (now() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : CG_SOURCE_DIR "/rules/runtime";
	struct cg_ruleset *rs = NULL;
	struct cg_error err;
	enum { N = sizeof(benign) / sizeof(benign[0]) };
	struct cg_sev evs[N];
	struct cg_evctx ctxs[N];
	long iters = 2000000, alerts;
	double ns;

	if (cg_rules_load(dir, &rs, &err) != CG_OK) {
		fprintf(stderr, "bench/rules: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < N; i++)
		fill(&benign[i], &evs[i], &ctxs[i]);
	run(rs, evs, ctxs, N, 200000, &alerts); /* warm up */
	ns = run(rs, evs, ctxs, N, iters, &alerts);
	printf("bench/rules: %zu rules, benign exec/open/fork/net mix: %.0f ns per record "
	       "(%.2f M records/s), %ld alerts\n", cg_rules_count(rs), ns, 1e3 / ns, alerts);
	for (size_t i = 0; i < N; i++) {
		double one = run(rs, &evs[i], &ctxs[i], 1, 200000, &alerts);
		printf("  %-7s %-40.40s %5.0f ns\n", i < 3 ? "exec" : evs[i].kind == CG_SEV_OPEN ? "open" : "other",
		       benign[i].path ? benign[i].path : benign[i].exe, one);
	}
	/* one record in 16 is a write to /etc/crontab: the cost of building details */
	fill(&(struct item){ CG_SEV_OPEN, "/etc/crontab", "/bin/sh", NULL, NULL,
			     O_WRONLY | O_APPEND, 0 }, &evs[N - 1], &ctxs[N - 1]);
	ns = run(rs, evs, ctxs, N, iters, &alerts);
	printf("bench/rules: with 1 record in %d firing: %.0f ns per record, %ld alerts\n", N, ns,
	       alerts);
	cg_rules_free(rs);
	return 0;
}
