/* .NET packages, purl type "nuget": what an application was built with
 * (<app>.deps.json, beside the published application) and what a project's
 * lock file declares (packages.lock.json).
 *
 * deps.json: every "libraries" entry of type "package", keyed "Name/Version";
 * projects, reference assemblies and runtime packs are not NuGet packages
 * and are skipped. A package is CG_PKG_INDIRECT when the application's own
 * project entry (named as the file, "App" for App.deps.json, else the first
 * project) in the runtime target does not list it among its dependencies, as
 * NuGet counts them: dependencies of referenced projects are transitive. With
 * no project entry, no package is flagged.
 *
 * packages.lock.json: "dependencies" per target framework (and per runtime
 * identifier, "net8.0/linux-x64"), each package with its "resolved" version
 * and a type: Direct, Transitive, CentralTransitive (flagged
 * CG_PKG_INDIRECT) or Project (skipped). A package listed under several
 * targets is reported once per resolved version, direct if any target has it
 * direct. Lock-file packages carry CG_PKG_FROM_LOCK. NuGet has no
 * development dependencies in these files: CG_PKG_DEV is never set. */
#include "util/internal.h"
#include "pkg/pkgutil.h"

#define DOTNET_MAX_FILE	   ((size_t)32 << 20)
#define DOTNET_MAX_NAME	   256
#define DOTNET_MAX_PKGS	   200000
#define DOTNET_MAX_TARGETS 256
#define DOTNET_JSON_DEPTH  64

static cg_err_t dn_emit(struct cg_pkg_ctx *c, const char *name, size_t nlen, const char *ver,
			size_t vlen, unsigned flags)
{
	char nm[DOTNET_MAX_NAME + 1], vs[CG_VERSION_MAX_LEN + 1];
	struct cg_pkg p;

	if (c->stop)
		return CG_OK;
	if (!cg_pkg_token_ok(name, nlen, DOTNET_MAX_NAME) || memchr(name, '/', nlen) ||
	    !cg_pkg_token_ok(ver, vlen, CG_VERSION_MAX_LEN) || memchr(ver, '/', vlen)) {
		cg_pkg_ctx_warn(c, "bad package name or version '%.*s' '%.*s'",
				(int)(nlen < 64 ? nlen : 64), name ? name : "",
				(int)(vlen < 64 ? vlen : 64), ver ? ver : "");
		return CG_OK;
	}
	if (!cg_pkg_ctx_count(c, DOTNET_MAX_PKGS))
		return CG_OK;
	memcpy(nm, name, nlen);
	nm[nlen] = '\0';
	memcpy(vs, ver, vlen);
	vs[vlen] = '\0';
	memset(&p, 0, sizeof(p));
	p.type = "nuget";
	p.name = nm;
	p.version = vs;
	return cg_pkg_ctx_add(c, &p, flags);
}

/* ---- deps.json ---- */

static cg_err_t dn_deps(struct cg_pkg_ctx *c, const cg_json *root)
{
	const cg_json *libs = cg_json_get(root, "libraries"),
		      *targets = cg_json_get(root, "targets");
	const cg_json *target = NULL, *direct = NULL;
	bool have_root = false;
	const char *rt = cg_json_get_str(cg_json_get(root, "runtimeTarget"), "name");
	const char *base = cg_path_base(c->f->path, strlen(c->f->path));
	size_t stem = strlen(base) - 10; /* less ".deps.json" (dn_is_deps) */
	cg_err_t rc = CG_OK;

	if (!cg_json_is_object(libs)) {
		cg_pkg_ctx_warn(c, "no \"libraries\" object");
		return CG_OK;
	}
	target = rt ? cg_json_get(targets, rt) : NULL;
	if (!cg_json_is_object(target)) {
		void *it = cg_json_iter(targets);
		target = it ? cg_json_iter_value(it) : NULL;
	}
	/* the application's project: its dependencies are the direct ones */
	for (void *it = cg_json_iter(libs); it; it = cg_json_iter_next(libs, it)) {
		const char *type = cg_json_get_str(cg_json_iter_value(it), "type");
		const char *key = cg_json_iter_key(it);
		const cg_json *entry;
		if (!type || strcmp(type, "project") != 0)
			continue;
		entry = cg_json_get(target, key);
		if (!entry)
			continue;
		if (!have_root)
			direct = cg_json_get(entry, "dependencies");
		have_root = true;
		if (strncmp(key, base, stem) == 0 && key[stem] == '/') {
			direct = cg_json_get(entry, "dependencies");
			break;
		}
	}

	for (void *it = cg_json_iter(libs); it && !rc && !c->stop;
	     it = cg_json_iter_next(libs, it)) {
		const char *key = cg_json_iter_key(it), *slash, *type;
		const cg_json *lib = cg_json_iter_value(it);
		size_t klen = strlen(key), nlen;
		char name[DOTNET_MAX_NAME + 1];
		unsigned flags = 0;

		type = cg_json_get_str(lib, "type");
		if (!type) {
			cg_pkg_ctx_warn(c, "library '%.64s' has no type", key);
			continue;
		}
		if (strcmp(type, "package") != 0)
			continue;
		slash = memchr(key, '/', klen);
		if (!slash) {
			cg_pkg_ctx_warn(c, "library key is not \"Name/Version\": '%.64s'", key);
			continue;
		}
		nlen = (size_t)(slash - key);
		if (have_root && nlen <= DOTNET_MAX_NAME) {
			memcpy(name, key, nlen);
			name[nlen] = '\0';
			if (!cg_json_get(direct, name))
				flags |= CG_PKG_INDIRECT;
		}
		rc = dn_emit(c, key, nlen, slash + 1, klen - nlen - 1, flags);
	}
	return rc;
}

/* ---- packages.lock.json ---- */

struct dn_ref {
	const char *name, *ver;
	bool direct;
};

static int dn_cmp(const void *a, const void *b)
{
	const struct dn_ref *x = a, *y = b;
	int d = strcasecmp(x->name, y->name);
	return d ? d : strcmp(x->ver, y->ver);
}

static cg_err_t dn_lock(struct cg_pkg_ctx *c, const cg_json *root)
{
	const cg_json *tfms = cg_json_get(root, "dependencies");
	struct dn_ref *refs = NULL;
	size_t n = 0, cap = 0, ntargets = 0;
	cg_err_t rc = CG_OK;

	if (!cg_json_is_object(tfms)) {
		cg_pkg_ctx_warn(c, "no \"dependencies\" object");
		return CG_OK;
	}
	for (void *t = cg_json_iter(tfms); t; t = cg_json_iter_next(tfms, t)) {
		const cg_json *deps = cg_json_iter_value(t);
		if (++ntargets > DOTNET_MAX_TARGETS) {
			cg_pkg_ctx_warn(c, "more than %d target frameworks: the rest is not read",
					DOTNET_MAX_TARGETS);
			break;
		}
		for (void *it = cg_json_iter(deps); it; it = cg_json_iter_next(deps, it)) {
			const cg_json *d = cg_json_iter_value(it);
			const char *type = cg_json_get_str(d, "type"),
				   *ver = cg_json_get_str(d, "resolved");
			if (type && strcmp(type, "Project") == 0)
				continue;
			if (!type || !ver) {
				cg_pkg_ctx_warn(c, "'%.64s' has no type or resolved version",
						cg_json_iter_key(it));
				continue;
			}
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64, bytes;
				struct dn_ref *p;
				if (n >= DOTNET_MAX_PKGS) {
					cg_pkg_ctx_warn(
					    c, "more than %d packages: the rest is not read",
					    DOTNET_MAX_PKGS);
					goto emit;
				}
				if (!cg_size_mul(ncap, sizeof(*refs), &bytes))
					CG_FAIL(rc, CG_ERR_OVERFLOW);
				p = realloc(refs, bytes);
				if (!p)
					CG_FAIL(rc, CG_ERR_NOMEM);
				refs = p;
				cap = ncap;
			}
			refs[n].name = cg_json_iter_key(it);
			refs[n].ver = ver;
			refs[n].direct = strcmp(type, "Direct") == 0;
			n++;
		}
	}
emit:
	if (n)
		qsort(refs, n, sizeof(*refs), dn_cmp);
	for (size_t i = 0; i < n && !rc && !c->stop; i++) {
		bool direct = refs[i].direct;
		while (i + 1 < n && dn_cmp(&refs[i], &refs[i + 1]) == 0) {
			i++;
			direct = direct || refs[i].direct;
		}
		rc =
		    dn_emit(c, refs[i].name, strlen(refs[i].name), refs[i].ver, strlen(refs[i].ver),
			    CG_PKG_FROM_LOCK | (direct ? 0 : CG_PKG_INDIRECT));
	}
done:
	free(refs);
	return rc;
}

/* ---- the collector ---- */

static bool dn_is_deps(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	size_t blen = (size_t)(path + len - base);
	return blen > 10 && memcmp(base + blen - 10, ".deps.json", 10) == 0;
}

static bool dn_is_lock(const char *path, size_t len)
{
	const char *base = cg_path_base(path, len);
	return (size_t)(path + len - base) == 18 && memcmp(base, "packages.lock.json", 18) == 0;
}

static bool dotnet_match(const char *path, size_t len)
{
	return dn_is_deps(path, len) || dn_is_lock(path, len);
}

static cg_err_t dn_file(struct cg_pkg_ctx *c, const char *path, size_t plen)
{
	struct cg_json_limits lim = {DOTNET_MAX_FILE, DOTNET_JSON_DEPTH, true};
	bool deps = dn_is_deps(path, plen);
	cg_json *root = NULL;
	cg_err_t rc;

	if (!deps && !dn_is_lock(path, plen))
		return CG_OK;
	rc = cg_pkg_ctx_json(c, &lim, true, &root);
	if (rc || !root)
		return rc;
	rc = deps ? dn_deps(c, root) : dn_lock(c, root);
	cg_json_free(root);
	return rc;
}

static cg_err_t dotnet_collect(const struct cg_pkg_file *files, size_t nfiles,
			       const struct cg_pkg_sink *sink, struct cg_error *err)
{
	return cg_pkg_each_file("dotnet", files, nfiles, sink, err, dn_file);
}

const struct cg_pkg_collector cg_collector_dotnet = {
    .name = "dotnet",
    .match = dotnet_match,
    .max_size = DOTNET_MAX_FILE,
    .collect = dotnet_collect,
};
