/* Debian packages: /var/lib/dpkg/status (and status.d/ of distroless images),
 * with the files each package owns from info/<pkg>[:<arch>].list (or
 * status.d/<pkg>.md5sums). */
#include "util/internal.h"
#include "pkg/collector.h"

#define DPKG_FILE_MAX ((size_t)64 << 20)
#define MAX_PACKAGES 200000
#define MAX_FILES_PER_PKG 500000
#define MAX_LINE (1 << 20)
#define FIELD_MAX 1024

static const char ADMIN[] = "/var/lib/dpkg/";

static bool dpkg_match(const char *path, size_t len)
{
	const size_t al = sizeof(ADMIN) - 1;
	if (len <= al || memcmp(path, ADMIN, al) != 0)
		return false;
	path += al;
	len -= al;
	if (len == 6 && !memcmp(path, "status", 6))
		return true;
	if (len > 9 && !memcmp(path, "status.d/", 9))
		return memchr(path + 9, '/', len - 9) == NULL;
	if (len > 5 && !memcmp(path, "info/", 5))
		return memchr(path + 5, '/', len - 5) == NULL && cg_path_has_suffix(path, len, ".list");
	return false;
}

struct para {
	char package[FIELD_MAX], version[FIELD_MAX], arch[FIELD_MAX], source[FIELD_MAX];
	char status[FIELD_MAX];
	bool has_status;
};

static void set_field(char *dst, struct cg_view v)
{
	size_t n = v.len < FIELD_MAX - 1 ? v.len : FIELD_MAX - 1;
	while (n && (v.p[0] == ' ' || v.p[0] == '\t'))
		v.p++, v.len--, n = v.len < FIELD_MAX - 1 ? v.len : FIELD_MAX - 1;
	while (n && (v.p[n - 1] == ' ' || v.p[n - 1] == '\t'))
		n--;
	memcpy(dst, v.p, n);
	dst[n] = '\0';
}

static bool field_is(struct cg_view line, const char *key, struct cg_view *val)
{
	size_t k = strlen(key);
	if (line.len <= k || memcmp(line.p, key, k) != 0 || line.p[k] != ':')
		return false;
	val->p = line.p + k + 1;
	val->len = line.len - k - 1;
	return true;
}

/* A file of `files` whose path is exactly dir + name + suffix. */
static const struct cg_pkg_file *find_file(const struct cg_pkg_file *files, size_t n,
					   const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].path, want))
			return &files[i];
	return NULL;
}

/* The paths listed in a .list (one absolute path a line) or .md5sums
 * ("<md5>  relative/path") file. Caller frees each and the array. */
static cg_err_t read_list(const struct cg_pkg_file *f, bool md5sums, char ***out, size_t *count,
			  const struct cg_pkg_sink *sink)
{
	struct cg_cursor c;
	struct cg_view line;
	char **v = NULL;
	size_t n = 0, cap = 0;
	cg_cursor_init(&c, f->data, f->len);
	while (cg_cursor_line(&c, 8192, &line)) {
		const unsigned char *p = line.p;
		size_t len = line.len;
		char *s;
		if (md5sums) {
			const unsigned char *sp = memchr(p, ' ', len);
			if (!sp)
				continue;
			while (sp < p + len && *sp == ' ')
				sp++;
			len -= (size_t)(sp - p);
			p = sp;
		}
		if (!len || (!md5sums && p[0] != '/'))
			continue;
		if (n == MAX_FILES_PER_PKG) {
			if (sink->warn)
				sink->warn(sink->ud, f->path, "more files than the reader takes; rest ignored");
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nv = realloc(v, nc * sizeof(*nv));
			if (!nv)
				goto nomem;
			v = nv;
			cap = nc;
		}
		s = malloc(len + 2);
		if (!s)
			goto nomem;
		if (md5sums) {
			s[0] = '/';
			memcpy(s + 1, p, len);
			s[len + 1] = '\0';
		} else {
			memcpy(s, p, len);
			s[len] = '\0';
		}
		v[n++] = s;
	}
	*out = v;
	*count = n;
	return CG_OK;
nomem:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return CG_ERR_NOMEM;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static cg_err_t emit(const struct para *p, const struct cg_pkg_file *src, bool from_status_d,
		     const struct cg_pkg_file *files, size_t nfiles, const struct cg_pkg_sink *sink)
{
	struct cg_pkg pkg = { 0 };
	char src_name[FIELD_MAX], src_ver[FIELD_MAX], want[FIELD_MAX * 3];
	const struct cg_pkg_file *list = NULL;
	char **owned = NULL;
	size_t nowned = 0;
	cg_err_t rc;

	if (!p->package[0] || !p->version[0]) {
		if (sink->warn && (p->package[0] || p->version[0]))
			sink->warn(sink->ud, src->path, "paragraph without Package or Version skipped");
		return CG_OK;
	}
	if (p->has_status) {
		/* "want flag status": only installed (or half-configured) packages */
		const char *last = strrchr(p->status, ' ');
		last = last ? last + 1 : p->status;
		if (strcmp(last, "installed") && strcmp(last, "half-configured") &&
		    strcmp(last, "triggers-awaited") && strcmp(last, "triggers-pending"))
			return CG_OK;
	}
	pkg.type = "deb";
	pkg.name = p->package;
	pkg.version = p->version;
	pkg.arch = p->arch[0] ? p->arch : NULL;
	pkg.path = src->path;
	pkg.layer = src->layer;
	pkg.flags = CG_PKG_OS;
	if (p->source[0]) {
		/* "Source: name" or "Source: name (version)" */
		const char *paren = strchr(p->source, '(');
		size_t nl = paren ? (size_t)(paren - p->source) : strlen(p->source);
		while (nl && p->source[nl - 1] == ' ')
			nl--;
		memcpy(src_name, p->source, nl);
		src_name[nl] = '\0';
		pkg.src_name = src_name;
		if (paren) {
			const char *close = strchr(paren, ')');
			size_t vl = close ? (size_t)(close - paren - 1) : strlen(paren + 1);
			memcpy(src_ver, paren + 1, vl);
			src_ver[vl] = '\0';
			pkg.src_version = src_ver;
		}
	}
	if (from_status_d) {
		snprintf(want, sizeof(want), "%sstatus.d/%s.md5sums", ADMIN, p->package);
		list = find_file(files, nfiles, want);
	} else {
		snprintf(want, sizeof(want), "%sinfo/%s:%s.list", ADMIN, p->package, p->arch);
		list = find_file(files, nfiles, want);
		if (!list) {
			snprintf(want, sizeof(want), "%sinfo/%s.list", ADMIN, p->package);
			list = find_file(files, nfiles, want);
		}
	}
	if (list) {
		rc = read_list(list, from_status_d, &owned, &nowned, sink);
		if (rc)
			return rc;
	}
	rc = sink->add(sink->ud, &pkg, (const char *const *)owned, nowned);
	free_list(owned, nowned);
	return rc;
}

static cg_err_t parse_status(const struct cg_pkg_file *f, bool from_status_d,
			     const struct cg_pkg_file *files, size_t nfiles,
			     const struct cg_pkg_sink *sink, size_t *count)
{
	struct cg_cursor c;
	struct cg_view line, val;
	struct para *p = calloc(1, sizeof(*p));
	cg_err_t rc = CG_OK;
	if (!p)
		return CG_ERR_NOMEM;
	cg_cursor_init(&c, f->data, f->len);
	for (;;) {
		bool more = cg_cursor_line(&c, MAX_LINE, &line);
		if (!more && !cg_cursor_eof(&c)) {
			if (sink->warn)
				sink->warn(sink->ud, f->path, "line longer than 1 MiB: rest of file skipped");
		}
		if (!more || line.len == 0) {
			if (p->package[0] || p->version[0]) {
				if (++*count > MAX_PACKAGES) {
					if (sink->warn)
						sink->warn(sink->ud, f->path, "too many packages; rest skipped");
					break;
				}
				rc = emit(p, f, from_status_d, files, nfiles, sink);
				if (rc)
					break;
			}
			memset(p, 0, sizeof(*p));
			if (!more)
				break;
			continue;
		}
		if (line.p[0] == ' ' || line.p[0] == '\t')
			continue; /* continuation of a multi-line field */
		if (field_is(line, "Package", &val))
			set_field(p->package, val);
		else if (field_is(line, "Version", &val))
			set_field(p->version, val);
		else if (field_is(line, "Architecture", &val))
			set_field(p->arch, val);
		else if (field_is(line, "Source", &val))
			set_field(p->source, val);
		else if (field_is(line, "Status", &val)) {
			set_field(p->status, val);
			p->has_status = true;
		}
	}
	free(p);
	return rc;
}

static cg_err_t dpkg_collect(const struct cg_pkg_file *files, size_t nfiles,
			     const struct cg_pkg_sink *sink, struct cg_error *err)
{
	size_t count = 0;
	for (size_t i = 0; i < nfiles; i++) {
		const char *rel = files[i].path + sizeof(ADMIN) - 1;
		bool status_d = !strncmp(rel, "status.d/", 9);
		cg_err_t rc;
		if (strcmp(rel, "status") != 0 &&
		    !(status_d && !cg_path_has_suffix(rel, strlen(rel), ".md5sums")))
			continue;
		rc = parse_status(&files[i], status_d, files, nfiles, sink, &count);
		if (rc)
			return cg_error_set(err, rc, "%s: %s", files[i].path, cg_strerror(rc));
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_dpkg = {
	.name = "dpkg",
	.match = dpkg_match,
	.max_size = DPKG_FILE_MAX,
	.collect = dpkg_collect,
};
