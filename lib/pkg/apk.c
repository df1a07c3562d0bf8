/* Alpine packages: lib/apk/db/installed (P: name, V: version, A: arch,
 * o: origin, L: license, F: folder, R: file in the folder). */
#include "util/internal.h"
#include "pkg/collector.h"

#define APK_FILE_MAX ((size_t)64 << 20)
#define MAX_PACKAGES 200000
#define MAX_FILES_PER_PKG 500000
#define FIELD_MAX 1024

static bool apk_match(const char *path, size_t len)
{
	static const char a[] = "/lib/apk/db/installed", b[] = "/usr/lib/apk/db/installed";
	return (len == sizeof(a) - 1 && !memcmp(path, a, len)) ||
	       (len == sizeof(b) - 1 && !memcmp(path, b, len));
}

struct apk_pkg {
	char name[FIELD_MAX], version[FIELD_MAX], arch[FIELD_MAX], origin[FIELD_MAX];
	char license[FIELD_MAX], dir[4096];
	char **files;
	size_t nfiles, cap;
	bool overflow;
};

static void take(char *dst, size_t cap, struct cg_view v)
{
	size_t n = v.len < cap - 1 ? v.len : cap - 1;
	memcpy(dst, v.p, n);
	dst[n] = '\0';
}

static void reset(struct apk_pkg *p)
{
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	memset(p, 0, sizeof(*p));
}

static cg_err_t add_file(struct apk_pkg *p, struct cg_view name)
{
	size_t dl = strlen(p->dir);
	char *s;
	if (p->nfiles == MAX_FILES_PER_PKG) {
		p->overflow = true;
		return CG_OK;
	}
	if (p->nfiles == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 32;
		char **nf = realloc(p->files, nc * sizeof(*nf));
		if (!nf)
			return CG_ERR_NOMEM;
		p->files = nf;
		p->cap = nc;
	}
	s = malloc(dl + name.len + 3);
	if (!s)
		return CG_ERR_NOMEM;
	s[0] = '/';
	memcpy(s + 1, p->dir, dl);
	if (dl) {
		s[dl + 1] = '/';
		dl++;
	}
	memcpy(s + dl + 1, name.p, name.len);
	s[dl + 1 + name.len] = '\0';
	p->files[p->nfiles++] = s;
	return CG_OK;
}

static cg_err_t emit(struct apk_pkg *p, const struct cg_pkg_file *f, const struct cg_pkg_sink *sink)
{
	struct cg_pkg pkg = { 0 };
	if (!p->name[0] || !p->version[0]) {
		if (sink->warn)
			sink->warn(sink->ud, f->path, "record without P: or V: skipped");
		return CG_OK;
	}
	if (p->overflow && sink->warn)
		sink->warn(sink->ud, f->path, "a package lists more files than the reader takes");
	pkg.type = "apk";
	pkg.name = p->name;
	pkg.version = p->version;
	pkg.arch = p->arch[0] ? p->arch : NULL;
	pkg.src_name = p->origin[0] ? p->origin : NULL;
	pkg.license = p->license[0] ? p->license : NULL;
	pkg.path = f->path;
	pkg.layer = f->layer;
	pkg.flags = CG_PKG_OS;
	return sink->add(sink->ud, &pkg, (const char *const *)p->files, p->nfiles);
}

static cg_err_t parse(const struct cg_pkg_file *f, const struct cg_pkg_sink *sink)
{
	struct cg_cursor c;
	struct cg_view line;
	struct apk_pkg *p = calloc(1, sizeof(*p));
	size_t count = 0;
	cg_err_t rc = CG_OK;
	if (!p)
		return CG_ERR_NOMEM;
	cg_cursor_init(&c, f->data, f->len);
	for (;;) {
		bool more = cg_cursor_line(&c, 65536, &line);
		if (!more || line.len == 0) {
			if (p->name[0] || p->version[0]) {
				if (++count > MAX_PACKAGES)
					break;
				rc = emit(p, f, sink);
				if (rc)
					break;
			}
			reset(p);
			if (!more) {
				if (!cg_cursor_eof(&c) && sink->warn)
					sink->warn(sink->ud, f->path, "over-long line: rest of file skipped");
				break;
			}
			continue;
		}
		if (line.len < 2 || line.p[1] != ':')
			continue;
		{
			struct cg_view v = { line.p + 2, line.len - 2 };
			switch (line.p[0]) {
			case 'P': take(p->name, sizeof(p->name), v); break;
			case 'V': take(p->version, sizeof(p->version), v); break;
			case 'A': take(p->arch, sizeof(p->arch), v); break;
			case 'o': take(p->origin, sizeof(p->origin), v); break;
			case 'L': take(p->license, sizeof(p->license), v); break;
			case 'F': take(p->dir, sizeof(p->dir), v); break;
			case 'R':
				rc = add_file(p, v);
				if (rc)
					goto done;
				break;
			default: break;
			}
		}
	}
done:
	reset(p);
	free(p);
	return rc;
}

static cg_err_t apk_collect(const struct cg_pkg_file *files, size_t nfiles,
			    const struct cg_pkg_sink *sink, struct cg_error *err)
{
	for (size_t i = 0; i < nfiles; i++) {
		cg_err_t rc = parse(&files[i], sink);
		if (rc)
			return cg_error_set(err, rc, "%s: %s", files[i].path, cg_strerror(rc));
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_apk = {
	.name = "apk",
	.match = apk_match,
	.max_size = APK_FILE_MAX,
	.collect = apk_collect,
};
