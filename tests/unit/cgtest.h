/* A tiny unit-test harness. Each test file lists its cases and calls
 * CGT_MAIN(cases); the binary prints one line per failure and ends with
 * "NAME: N passed, N failed" (scripts/run-tests adds the totals up).
 *
 *   static void t_something(struct cgt *t) { CHECK(t, 1 + 1 == 2); }
 *   static const struct cgt_case cases[] = { CGT_CASE(t_something) };
 *   CGT_MAIN(cases)
 */
#ifndef CGTEST_H
#define CGTEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CG_TEST_DATA
#define CG_TEST_DATA "tests/data"
#endif

struct cgt {
	const char *name;
	int failures;  /* failed checks in the current case */
	long checks;   /* checks made in the current case */
};

struct cgt_case {
	const char *name;
	void (*fn)(struct cgt *t);
};

#define CGT_CASE(fn) { #fn, fn }

static inline void cgt_fail_(struct cgt *t, const char *file, int line, const char *what)
{
	if (t->failures < 20)
		fprintf(stderr, "  FAIL %s: %s:%d: %s\n", t->name, file, line, what);
	t->failures++;
}

#define CHECK(t, cond)                                              \
	do {                                                        \
		(t)->checks++;                                      \
		if (!(cond))                                        \
			cgt_fail_((t), __FILE__, __LINE__, #cond);  \
	} while (0)

/* CHECK with a printf-style explanation on failure. */
#define CHECKF(t, cond, ...)                                        \
	do {                                                        \
		(t)->checks++;                                      \
		if (!(cond)) {                                      \
			char cgt_msg_[1024];                        \
			snprintf(cgt_msg_, sizeof(cgt_msg_), __VA_ARGS__); \
			cgt_fail_((t), __FILE__, __LINE__, cgt_msg_); \
		}                                                   \
	} while (0)

#define CHECK_INT(t, a, b)                                                          \
	CHECKF(t, (long long)(a) == (long long)(b), "%s == %lld, expected %s == %lld", #a, \
	       (long long)(a), #b, (long long)(b))

#define CHECK_STR(t, a, b)                                                             \
	do {                                                                           \
		const char *cgt_a_ = (a), *cgt_b_ = (b);                               \
		CHECKF(t, cgt_a_ && cgt_b_ && strcmp(cgt_a_, cgt_b_) == 0,             \
		       "%s == \"%s\", expected \"%s\"", #a, cgt_a_ ? cgt_a_ : "(null)", \
		       cgt_b_ ? cgt_b_ : "(null)");                                     \
	} while (0)

static inline int cgt_run_(const char *prog, const struct cgt_case *cases, size_t n, int argc,
			   char **argv)
{
	int passed = 0, failed = 0;
	const char *base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	for (size_t i = 0; i < n; i++) {
		struct cgt t = { cases[i].name, 0, 0 };
		if (argc > 1) { /* run only the named cases */
			int want = 0;
			for (int a = 1; a < argc; a++)
				want |= strcmp(argv[a], cases[i].name) == 0;
			if (!want)
				continue;
		}
		cases[i].fn(&t);
		if (t.failures) {
			failed++;
			fprintf(stderr, "  not ok %s (%d of %ld checks failed)\n", t.name, t.failures,
				t.checks);
		} else if (t.checks == 0) {
			failed++;
			fprintf(stderr, "  not ok %s (made no checks)\n", t.name);
		} else {
			passed++;
		}
	}
	printf("%s: %d passed, %d failed\n", base, passed, failed);
	return failed ? 1 : 0;
}

#define CGT_MAIN(cases)                                                                  \
	int main(int argc, char **argv)                                                  \
	{                                                                                \
		return cgt_run_(argv[0], cases, sizeof(cases) / sizeof(cases[0]), argc, argv); \
	}

#endif
