/* PHP packages, purl type "composer": what Composer installed
 * (<vendor-dir>/composer/installed.json; Composer 1 writes an array of
 * packages, Composer 2 {"packages": [...], "dev-package-names": [...]}) and
 * what composer.lock declares ("packages", and "packages-dev" flagged
 * CG_PKG_DEV). Lock-file packages carry CG_PKG_FROM_LOCK; an installed
 * package named in "dev-package-names" carries CG_PKG_DEV.
 *
 * "vendor/name" gives namespace "vendor" and name "name". The version is
 * reported as the file writes it ("v1.2.3", "2.x-dev", "dev-main"), nothing
 * stripped. A license array (alternatives, in Composer's terms) is joined
 * with " OR ". composer.lock files under a vendor/ folder belong to installed
 * packages' sources and are not read. A lock file does not say which
 * packages are direct, so CG_PKG_INDIRECT is not set. */
#include "util/internal.h"
#include "pkg/pkgutil.h"

#define COMPOSER_MAX_FILE    ((size_t)32 << 20)
#define COMPOSER_MAX_NAME    256
#define COMPOSER_MAX_LICENSE 512
#define COMPOSER_MAX_PKGS    200000
#define COMPOSER_JSON_DEPTH  64

/* "license": "MIT" or ["MIT", "GPL-2.0-only"] (alternatives). */
static const char *cz_license(const cg_json *pkg, char *buf, size_t cap)
{
	const cg_json *l = cg_json_get(pkg, "license");
	size_t len = 0, n = cg_json_is_array(l) ? cg_json_array_len(l) : 1;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 64; i++) {
		const cg_json *e = cg_json_is_array(l) ? cg_json_array_at(l, i) : l;
		const char *s = cg_json_string(e);
		size_t sl = cg_json_string_len(e), sep = len ? 4 : 0;
		bool ok = s && sl && len + sep + sl + 1 <= cap;
		for (size_t k = 0; ok && k < sl; k++)
			ok = (unsigned char)s[k] >= 0x20 && s[k] != 0x7f;
		if (!ok)
			continue;
		if (sep)
			memcpy(buf + len, " OR ", 4);
		memcpy(buf + len + sep, s, sl);
		len += sep + sl;
		buf[len] = '\0';
	}
	return len ? buf : NULL;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cg_err_t cz_emit(struct cg_pkg_ctx *c, const cg_json *pkg, unsigned flags)
{
	char vendor[COMPOSER_MAX_NAME + 1], lic[COMPOSER_MAX_LICENSE + 1];
	const cg_json *nj = cg_json_get(pkg, "name"), *vj = cg_json_get(pkg, "version");
	const char *name = cg_json_string(nj), *ver = cg_json_string(vj), *slash;
	size_t nlen = cg_json_string_len(nj), vlen = cg_json_string_len(vj);
	struct cg_pkg p;

	if (c->stop)
		return CG_OK;
	if (!cg_json_is_object(pkg)) {
		cg_pkg_ctx_warn(c, "a package is not an object");
		return CG_OK;
	}
	if (!cg_pkg_token_ok(name, nlen, COMPOSER_MAX_NAME) || !(slash = memchr(name, '/', nlen)) ||
	    slash == name || slash == name + nlen - 1 ||
	    memchr(slash + 1, '/', nlen - (size_t)(slash - name) - 1)) {
		cg_pkg_ctx_warn(c, "package name is not \"vendor/name\": '%.64s'",
				name ? name : "(none)");
		return CG_OK;
	}
	if (!cg_pkg_token_ok(ver, vlen, CG_VERSION_MAX_LEN)) {
		cg_pkg_ctx_warn(c, "package '%.64s' has no valid version", name);
		return CG_OK;
	}
	if (!cg_pkg_ctx_count(c, COMPOSER_MAX_PKGS))
		return CG_OK;
	memcpy(vendor, name, (size_t)(slash - name));
	vendor[slash - name] = '\0';
	memset(&p, 0, sizeof(p));
	p.type = "composer";
	p.namespace_ = vendor;
	p.name = slash + 1;
	p.version = ver;
	p.license = cz_license(pkg, lic, sizeof(lic));
	return cg_pkg_ctx_add(c, &p, flags);
}

/* The packages of one array; `dev` (sorted names) marks dev packages. */
static cg_err_t cz_array(struct cg_pkg_ctx *c, const cg_json *arr, unsigned flags,
			 const char *const *dev, size_t ndev)
{
	size_t n = cg_json_array_len(arr);
	cg_err_t rc = CG_OK;

	for (size_t i = 0; i < n && !rc && !c->stop; i++) {
		const cg_json *pkg = cg_json_array_at(arr, i);
		const char *name = cg_json_get_str(pkg, "name");
		unsigned fl = flags;
		if (ndev && name && bsearch(&name, dev, ndev, sizeof(*dev), cmp_cstr))
			fl |= CG_PKG_DEV;
		rc = cz_emit(c, pkg, fl);
	}
	return rc;
}

static cg_err_t cz_installed(struct cg_pkg_ctx *c, const cg_json *root)
{
	const cg_json *pkgs = root, *devn;
	const char **dev = NULL;
	size_t ndev = 0;
	cg_err_t rc = CG_OK;

	if (cg_json_is_object(root)) { /* Composer 2 */
		pkgs = cg_json_get(root, "packages");
		devn = cg_json_get(root, "dev-package-names");
		if (cg_json_array_len(devn)) {
			size_t n = cg_json_array_len(devn), bytes;
			if (!cg_size_mul(n, sizeof(*dev), &bytes))
				return CG_ERR_OVERFLOW;
			dev = malloc(bytes);
			if (!dev)
				return CG_ERR_NOMEM;
			for (size_t i = 0; i < n; i++)
				if (cg_json_string(cg_json_array_at(devn, i)))
					dev[ndev++] = cg_json_string(cg_json_array_at(devn, i));
			qsort(dev, ndev, sizeof(*dev), cmp_cstr);
		}
	}
	if (!cg_json_is_array(pkgs))
		cg_pkg_ctx_warn(c, "no \"packages\" array");
	else
		rc = cz_array(c, pkgs, 0, dev, ndev);
	free(dev);
	return rc;
}

static cg_err_t cz_lock(struct cg_pkg_ctx *c, const cg_json *root)
{
	const cg_json *pkgs = cg_json_get(root, "packages"),
		      *devp = cg_json_get(root, "packages-dev");
	cg_err_t rc = CG_OK;

	if (!cg_json_is_object(root) || !cg_json_is_array(pkgs)) {
		cg_pkg_ctx_warn(c, "no \"packages\" array");
		return CG_OK;
	}
	rc = cz_array(c, pkgs, CG_PKG_FROM_LOCK, NULL, 0);
	if (!rc && devp && !cg_json_is_array(devp))
		cg_pkg_ctx_warn(c, "\"packages-dev\" is not an array");
	else if (!rc)
		rc = cz_array(c, devp, CG_PKG_FROM_LOCK | CG_PKG_DEV, NULL, 0);
	return rc;
}

static bool cz_is_installed(const char *path, size_t len)
{
	return cg_path_has_suffix(path, len, "/composer/installed.json");
}

static bool cz_is_lock(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	return (size_t)(path + len - base) == 13 && memcmp(base, "composer.lock", 13) == 0 &&
	       memmem(path, len, "/vendor/", 8) == NULL;
}

static bool composer_match(const char *path, size_t len)
{
	return cz_is_installed(path, len) || cz_is_lock(path, len);
}

static cg_err_t cz_file(struct cg_pkg_ctx *c, const char *path, size_t plen)
{
	struct cg_json_limits lim = {COMPOSER_MAX_FILE, COMPOSER_JSON_DEPTH, true};
	bool installed = cz_is_installed(path, plen);
	cg_json *root = NULL;
	cg_err_t rc;

	if (!installed && !cz_is_lock(path, plen))
		return CG_OK;
	rc = cg_pkg_ctx_json(c, &lim, false, &root);
	if (rc || !root)
		return rc;
	rc = installed ? cz_installed(c, root) : cz_lock(c, root);
	cg_json_free(root);
	return rc;
}

static cg_err_t composer_collect(const struct cg_pkg_file *files, size_t nfiles,
				 const struct cg_pkg_sink *sink, struct cg_error *err)
{
	return cg_pkg_each_file("composer", files, nfiles, sink, err, cz_file);
}

const struct cg_pkg_collector cg_collector_composer = {
    .name = "composer",
    .match = composer_match,
    .max_size = COMPOSER_MAX_FILE,
    .collect = composer_collect,
};
