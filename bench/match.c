/* bench/match: cg_vulndb_match() alone, in milliseconds per 2,000 packages, on
 * inventories read once beforehand (bench/db.sh builds the database and the
 * inventories and runs this; without arguments it only says so).
 *
 *	match DB NAME=REF...   REF as `cguard image` takes it (dir:ROOTFS, oci:DIR, ...)
 *
 * Two figures per inventory, medians:
 *   first  a new database handle for each run (what one `cguard image scan`
 *          pays: statements prepared, pages mapped, name indexes loaded);
 *   again  the same handle matched again (a server that keeps it open).
 * Both are wall times printed with their ratio to the target, 20 ms per 2,000
 * packages; `again` also as CPU time, which a busy machine does not inflate.
 * The operating system's page cache is warm in both. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cguard/cguard.h>

#define TARGET_MS 20.0
#define RUNS_FIRST 7
#define RUNS_AGAIN 21

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return v[n / 2];
}

/* One timed match: wall time, and the CPU time into *cpu; -1 on error. */
static double run(struct cg_vulndb *db, const struct cg_inventory *inv, size_t *nfind,
		  size_t *skipped, double *cpu)
{
	struct cg_findings *f = NULL;
	struct cg_error err = { 0 };
	double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID), t;
	if (cg_vulndb_match(db, inv, &f, &err) != CG_OK) {
		fprintf(stderr, "match: %s\n", err.msg);
		return -1;
	}
	t = clock_ms(CLOCK_MONOTONIC) - t0;
	*cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	*nfind = cg_findings_count(f);
	*skipped = cg_findings_skipped(f);
	cg_findings_free(f);
	return t;
}

static int bench(const char *dbpath, const char *name, const char *ref)
{
	struct cg_image *img = NULL;
	struct cg_inventory *inv = NULL;
	struct cg_vulndb *db = NULL;
	struct cg_error err = { 0 };
	double first[RUNS_FIRST], again[RUNS_AGAIN], cpu[RUNS_AGAIN], scale, mf, ma, mc, c;
	size_t npkg, nfind = 0, skipped = 0;
	int rc = 1;

	if (cg_image_open(ref, NULL, &img, &err) != CG_OK ||
	    cg_image_inventory(img, &inv, &err) != CG_OK) {
		fprintf(stderr, "%s: %s\n", ref, err.msg);
		goto done;
	}
	npkg = cg_inventory_pkg_count(inv);
	if (!npkg)
		goto done;
	for (int i = 0; i < RUNS_FIRST; i++) {
		if (cg_vulndb_open(dbpath, &db, &err) != CG_OK) {
			fprintf(stderr, "%s: %s\n", dbpath, err.msg);
			goto done;
		}
		if ((first[i] = run(db, inv, &nfind, &skipped, &c)) < 0)
			goto done;
		cg_vulndb_close(db);
		db = NULL;
	}
	if (cg_vulndb_open(dbpath, &db, &err) != CG_OK || run(db, inv, &nfind, &skipped, &c) < 0)
		goto done;
	for (int i = 0; i < RUNS_AGAIN; i++)
		if ((again[i] = run(db, inv, &nfind, &skipped, &cpu[i])) < 0)
			goto done;
	scale = 2000.0 / (double)npkg;
	mf = median(first, RUNS_FIRST) * scale;
	ma = median(again, RUNS_AGAIN) * scale;
	mc = median(cpu, RUNS_AGAIN) * scale;
	printf("%-12s %8zu %9zu %8zu %9.2f %6.2f %9.2f %6.2f %8.2f\n", name, npkg, nfind, skipped,
	       mf, mf / TARGET_MS, ma, ma / TARGET_MS, mc);
	rc = 0;
done:
	cg_vulndb_close(db);
	cg_inventory_free(inv);
	cg_image_free(img);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;
	if (argc < 3) {
		printf("bench/match: run by bench/db.sh (it needs a database and inventories)\n");
		return 0;
	}
	printf("%-12s %8s %9s %8s %9s %6s %9s %6s %8s\n", "inventory", "packages", "findings",
	       "skipped", "first ms", "x20ms", "again ms", "x20ms", "cpu ms");
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "%s: want NAME=REF\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		rc |= bench(argv[1], argv[i], eq + 1);
	}
	printf("(ms per 2,000 packages, medians: of %d runs with a new handle each (first), of %d"
	       " on one handle (again), wall time;\n cpu ms: the CPU time of `again`, which other"
	       " work on the machine does not inflate; x20ms = ratio to the 20 ms target)\n",
	       RUNS_FIRST, RUNS_AGAIN);
	return rc;
}
