/* bench/vercmp: version comparisons per second per ecosystem, over real
 * version pairs (tests/data/versions/), single thread.
 *
 * Ratios printed against two things measured in the same run on the same
 * pairs: the floor (strcmp, which any comparator pays at least) and, where
 * the native library is installed, the peer the comparator must agree with
 * (libdpkg's parseversion+dpkg_version_compare, librpm's rpmvercmp).
 * Target (issue 2): at least 5 million comparisons/s per core for deb and
 * semver (npm). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cguard/cguard.h>

#ifdef HAVE_LIBDPKG
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>
#endif
#ifdef HAVE_LIBRPM
#include <rpm/rpmver.h>
#endif

#ifndef CG_SOURCE_DIR
#define CG_SOURCE_DIR "."
#endif

struct pairs {
	char **a, **b;
	size_t *alen, *blen;
	size_t n;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Versions from the vector files of one ecosystem, then random pairs. */
static int load(const char *prefix, const char *eco, struct pairs *p, size_t npairs)
{
	const struct cg_version_scheme *s = cg_version_scheme_find(eco);
	const char *files[] = { "-versions.txt", "-versions-generated.txt" };
	char **vs = NULL, line[4096], path[1024];
	size_t nv = 0, cap = 0;
	for (size_t fi = 0; fi < 2; fi++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/tests/data/versions/%s%s", CG_SOURCE_DIR, prefix,
			 files[fi]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *op;
			line[strcspn(line, "\n")] = '\0';
			if (!line[0] || line[0] == '#' || !strncmp(line, "//", 2))
				continue;
			for (op = line; *op; op++)
				if (op[0] == ' ' && strchr("<=>", op[1]) && op[1] && op[2] == ' ')
					break;
			if (!*op)
				continue;
			*op = '\0';
			for (int side = 0; side < 2; side++) {
				const char *v = side ? op + 3 : line;
				if (cg_version_validate(s, v, strlen(v), NULL) != CG_OK)
					continue;
				if (nv == cap) {
					cap = cap ? cap * 2 : 1024;
					vs = realloc(vs, cap * sizeof(*vs));
				}
				vs[nv++] = strdup(v);
			}
		}
		fclose(f);
	}
	if (nv < 2)
		return -1;
	srand(42);
	p->n = npairs;
	p->a = malloc(npairs * sizeof(char *));
	p->b = malloc(npairs * sizeof(char *));
	p->alen = malloc(npairs * sizeof(size_t));
	p->blen = malloc(npairs * sizeof(size_t));
	for (size_t i = 0; i < npairs; i++) {
		/* mostly neighbours in file order (same package, close versions) */
		size_t x = (size_t)rand() % nv;
		size_t y = (rand() % 4) ? (x + 1) % nv : (size_t)rand() % nv;
		p->a[i] = strdup(vs[x]);
		p->b[i] = strdup(vs[y]);
		p->alen[i] = strlen(p->a[i]);
		p->blen[i] = strlen(p->b[i]);
	}
	for (size_t i = 0; i < nv; i++)
		free(vs[i]);
	free(vs);
	return 0;
}

static void release(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->a[i]);
		free(p->b[i]);
	}
	free(p->a);
	free(p->b);
	free(p->alen);
	free(p->blen);
}

static volatile long sink;

/* Run fn over all pairs repeatedly for at least `secs`; comparisons/s. */
#define MEASURE(rate, secs, ...)                                         \
	do {                                                            \
		double t0 = now(), el;                                  \
		long count = 0;                                         \
		do {                                                    \
			for (size_t i = 0; i < p.n; i++) {              \
				__VA_ARGS__;                                 \
			}                                               \
			count += (long)p.n;                             \
		} while ((el = now() - t0) < (secs));                   \
		(rate) = (double)count / el;                            \
	} while (0)

int main(int argc, char **argv)
{
	static const char *const ecos[][2] = {
		{ "debian", "deb" }, { "redhat", "rpm" }, { "alpine", "apk" }, { "pypi", "pypi" },
		{ "semver", "npm" }, { "maven", "maven" }, { "rubygems", "gem" },
	};
	double secs = argc > 1 ? strtod(argv[1], NULL) : 0.5;
	int below = 0;
	printf("%-6s %12s %12s %8s %14s %8s\n", "eco", "cmp/s", "strcmp/s", "ratio", "native/s",
	       "speedup");
	for (size_t e = 0; e < sizeof(ecos) / sizeof(ecos[0]); e++) {
		const struct cg_version_scheme *s = cg_version_scheme_find(ecos[e][1]);
		struct pairs p;
		double ours, floor_rate, peer = 0;
		int r;
		if (load(ecos[e][0], ecos[e][1], &p, 20000) != 0) {
			printf("%-6s no vectors\n", ecos[e][1]);
			continue;
		}
		MEASURE(ours, secs, {
			if (cg_version_cmp_n(s, p.a[i], p.alen[i], p.b[i], p.blen[i], &r, NULL) == CG_OK)
				sink += r;
		});
		MEASURE(floor_rate, secs, sink += strcmp(p.a[i], p.b[i]));
#ifdef HAVE_LIBDPKG
		if (!strcmp(ecos[e][1], "deb"))
			MEASURE(peer, secs, {
				struct dpkg_version va, vb;
				struct dpkg_error de;
				if (parseversion(&va, p.a[i], &de) == 0 && parseversion(&vb, p.b[i], &de) == 0)
					sink += dpkg_version_compare(&va, &vb);
			});
#endif
#ifdef HAVE_LIBRPM
		if (!strcmp(ecos[e][1], "rpm"))
			MEASURE(peer, secs, sink += rpmvercmp(p.a[i], p.b[i]));
#endif
		printf("%-6s %12.0f %12.0f %8.2f", ecos[e][1], ours, floor_rate, ours / floor_rate);
		if (peer > 0)
			printf(" %14.0f %7.2fx", peer, ours / peer);
		printf("\n");
		if ((!strcmp(ecos[e][1], "deb") || !strcmp(ecos[e][1], "npm")) && ours < 5e6) {
			printf("  below the 5M/s target for %s\n", ecos[e][1]);
			below = 1;
		}
		release(&p);
	}
	printf("(ratio = our rate / strcmp rate on the same pairs; speedup = ours / native library)\n");
	(void)below; /* a benchmark reports; it does not fail on a noisy machine */
	return 0;
}
