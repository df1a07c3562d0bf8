/* Every line of tests/data/versions/ (osv-scalibr's vectors, Apache-2.0):
 * "A <op> B" must compare as op, and the reverse as its inverse. */
#include <cguard/cguard.h>
#include "cgtest.h"

/* tests/data/versions/conflicts.tsv: documented lines where cguard follows the
 * ecosystem's own tool rather than the vector file. */
static const char *conflict_answer(const char *file, const char *line)
{
	static char buf[64 * 1024];
	static size_t len;
	static int loaded;
	char want[4096];
	const char *p, *end;
	if (!loaded) {
		FILE *f = fopen(CG_TEST_DATA "/versions/conflicts.tsv", "r");
		loaded = 1;
		if (f) {
			len = fread(buf, 1, sizeof(buf) - 1, f);
			buf[len] = '\0';
			fclose(f);
		}
	}
	snprintf(want, sizeof(want), "\n%s\t%s\t", file, line);
	p = strstr(buf, want);
	if (!p)
		return NULL;
	p += strlen(want);
	end = strchr(p, '\t');
	if (!end)
		return NULL;
	if (!strncmp(p, "invalid", 7))
		return "invalid";
	if (!strncmp(p, "-1", 2))
		return "-1";
	return *p == '0' ? "0" : "1";
}

static void run_file(struct cgt *t, const char *file, const char *eco)
{
	char path[512], line[2048];
	FILE *f;
	long n = 0;
	snprintf(path, sizeof(path), "%s/versions/%s", CG_TEST_DATA, file);
	f = fopen(path, "r");
	CHECKF(t, f != NULL, "cannot open %s", path);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char a[1024], b[1024], op;
		char *p1, *p2;
		int want, got = 2, back = 2;
		cg_err_t rc;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || !strncmp(line, "# ", 2) || !strncmp(line, "// ", 3))
			continue;
		/* "A <op> B": the op is the first " < ", " = " or " > " */
		p1 = strstr(line, " < ");
		p2 = strstr(line, " = ");
		if (!p1 || (p2 && p2 < p1))
			p1 = p2;
		p2 = strstr(line, " > ");
		if (!p1 || (p2 && p2 < p1))
			p1 = p2;
		CHECKF(t, p1 != NULL, "%s: unparsable line '%.300s'", file, line);
		if (!p1)
			continue;
		op = p1[1];
		snprintf(a, sizeof(a), "%.*s", (int)(p1 - line), line);
		snprintf(b, sizeof(b), "%s", p1 + 3);
		want = op == '<' ? -1 : op == '=' ? 0 : 1;
		{
			const char *c = conflict_answer(file, line);
			if (c) {
				rc = cg_version_cmp(eco, a, b, &got);
				if (!strcmp(c, "invalid"))
					CHECKF(t, rc == CG_ERR_INVALID, "%s: documented conflict '%.300s': want invalid, got %s %d",
					       file, line, cg_strerror(rc), got);
				else
					CHECKF(t, rc == CG_OK && got == atoi(c), "%s: documented conflict '%.300s': want %s, got %d",
					       file, line, c, got);
				continue;
			}
		}
		rc = cg_version_cmp(eco, a, b, &got);
		CHECKF(t, rc == CG_OK && got == want, "%s %s: '%.300s' %c '%.300s' gave %s %d", eco, file, a, op,
		       b, cg_strerror(rc), got);
		rc = cg_version_cmp(eco, b, a, &back);
		CHECKF(t, rc == CG_OK && back == -want, "%s %s: reverse of '%.300s' %c '%.300s' gave %d", eco,
		       file, a, op, b, back);
		n++;
	}
	fclose(f);
	CHECKF(t, n > 0, "%s: no vectors", file);
}

#define VECTORS(fn, file, eco) \
	static void fn(struct cgt *t) { run_file(t, file, eco); }

VECTORS(t_deb, "debian-versions.txt", "deb")
VECTORS(t_deb_generated, "debian-versions-generated.txt", "deb")
VECTORS(t_rpm, "redhat-versions.txt", "rpm")
VECTORS(t_apk, "alpine-versions.txt", "apk")
VECTORS(t_apk_generated, "alpine-versions-generated.txt", "apk")
VECTORS(t_pypi, "pypi-versions.txt", "pypi")
VECTORS(t_pypi_generated, "pypi-versions-generated.txt", "pypi")
VECTORS(t_maven, "maven-versions.txt", "maven")
VECTORS(t_maven_generated, "maven-versions-generated.txt", "maven")
VECTORS(t_gem, "rubygems-versions.txt", "gem")
VECTORS(t_gem_generated, "rubygems-versions-generated.txt", "gem")
VECTORS(t_npm, "semver-versions.txt", "npm")

static const struct cgt_case cases[] = {
	CGT_CASE(t_deb), CGT_CASE(t_deb_generated), CGT_CASE(t_rpm), CGT_CASE(t_apk),
	CGT_CASE(t_apk_generated), CGT_CASE(t_pypi), CGT_CASE(t_pypi_generated),
	CGT_CASE(t_maven), CGT_CASE(t_maven_generated), CGT_CASE(t_gem),
	CGT_CASE(t_gem_generated), CGT_CASE(t_npm),
};
CGT_MAIN(cases)
