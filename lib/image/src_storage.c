/* containers-storage:[[DRIVER@]ROOT[+RUNROOT][:OPTIONS]]NAME — an image in
 * the store podman, buildah, skopeo and CRI-O share, read from its files:
 *
 *   ROOT/<driver>-images/images.json   images: id, digest, names, top layer
 *   ROOT/<driver>-images/<id>/<key>    "big data": the manifest ("manifest",
 *                                      "manifest-<digest>") and the config
 *                                      (its digest), each in a file named by
 *                                      the key when the key is made of
 *                                      [.0-9a-z], else "=" + base64(key)
 *   ROOT/<driver>-layers/layers.json   layers: id, parent, diff-digest,
 *                                      compressed-diff-digest, compression
 *   ROOT/overlay/<layer>/diff          overlay: the layer's own changes;
 *                                      whiteouts are character devices 0/0,
 *                                      opaque folders have the xattr
 *                                      trusted.overlay.opaque (or
 *                                      user.overlay.opaque) = "y"
 *   ROOT/vfs/dir/<layer>               vfs: a full copy of the filesystem up
 *                                      to and including that layer
 *
 * Layers are folders, not tars: they are walked (never following symlinks,
 * opened beneath their folder) through the source's walk_layer op. For vfs
 * only the top layer's folder is read, as the merged filesystem (the lower
 * layers are reported empty, so every file belongs to the top layer). No
 * digest or diff_id can be computed from an unpacked layer: instead the
 * store's diff-digest of each layer must equal the config's diff_ids, and the
 * manifest and config are checked against their digests as usual.
 *
 * RUNROOT and OPTIONS are accepted and ignored. DRIVER is overlay (overlay2)
 * or vfs; without it the root's overlay store is searched, then its vfs one.
 * NAME is found as podman finds a local image:
 *   0. an image id ("sha256:" optional);
 *   1. a name exactly as stored;  2. NAME:latest;
 *   3. NAME normalised as Docker does (docker.io/library/NAME:latest);
 *   4. for a name without a domain: localhost/NAME[:latest];
 *   5. for a name without a domain: any stored name ending in /NAME[:latest];
 *   6. a unique prefix (3+ hex digits) of an image id.
 * With NAME@sha256:D, steps 2-5 compare repositories and the image's digest
 * (or one of its digests) must be D. The first step that matches wins; two
 * images matching at that step are an error. */
#include "util/internal.h"
#include "util/digest.h"
#include "image/refname.h"
#include "image/source.h"
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_ROOT "/var/lib/containers/storage"
#define MAX_STORE_JSON ((size_t)64 << 20) /* images.json, layers.json */
#define MAX_IMAGES 1000000
#define MAX_NAMES 10000    /* names of one image */
#define MAX_KEY 180        /* big-data keys */
#define NAME_CAP 1024

enum driver { DRV_OVERLAY, DRV_VFS };
static const char *const driver_names[] = { "overlay", "vfs" };

struct slayer {
	char id[65];
	char diff_digest[CG_DIGEST_STR_LEN + 1];
	char comp_digest[CG_DIGEST_STR_LEN + 1];
	int64_t comp_size;
	enum cg_compression comp;
};

struct cg_source {
	int root_fd;
	int image_fd;  /* ROOT/<driver>-images/<id> */
	int layers_fd; /* ROOT/overlay or ROOT/vfs/dir */
	enum driver drv;
	struct slayer *layers; /* bottom first */
	size_t nlayers;
};

static void src_close(struct cg_source *s)
{
	if (!s)
		return;
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->image_fd >= 0)
		close(s->image_fd);
	if (s->layers_fd >= 0)
		close(s->layers_fd);
	free(s->layers);
	free(s);
}

static int openat_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static cg_err_t read_json_at(int dirfd, const char *rel, size_t max, cg_json **out,
			     struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(max);
	struct cg_json_limits lim = { .max_bytes = max };
	struct cg_blob *blob = NULL;
	struct stat st;
	cg_err_t rc;
	int fd = openat_beneath(dirfd, rel, O_RDONLY);

	*out = NULL;
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND :
				    errno == EACCES ? CG_ERR_DENIED : CG_ERR_IO, "%s: %s", rel,
				    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cg_error_set(err, CG_ERR_INVALID, "%s: not a regular file", rel);
	}
	if (cg_blob_file_region_owned(fd, 0, (uint64_t)st.st_size, &blob)) {
		close(fd);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	rc = cg_blob_read_all(blob, &b, rel, err);
	if (!rc)
		rc = cg_json_parse(cg_buf_str(&b), b.len, &lim, out, err);
	if (rc && rc != CG_ERR_NOMEM && rc != CG_ERR_LIMIT) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", rel, tmp);
	}
	cg_blob_close(blob);
	cg_buf_release(&b);
	return rc;
}

/* containers/storage's makeBigDataBaseName. */
static bool bigdata_file(const char *key, char *out, size_t cap)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(key), o = 0;
	bool plain = n > 0;
	if (n == 0 || n > MAX_KEY)
		return false;
	for (size_t i = 0; i < n && plain; i++)
		plain = key[i] == '.' || (key[i] >= '0' && key[i] <= '9') ||
			(key[i] >= 'a' && key[i] <= 'z');
	if (plain)
		return (size_t)snprintf(out, cap, "%s", key) < cap;
	if (cap < 2 + (n + 2) / 3 * 4)
		return false;
	out[o++] = '=';
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)key[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)(unsigned char)key[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)key[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return true;
}

/* ---- the reference ------------------------------------------------------- */

struct sref {
	char driver[32]; /* "" when not given */
	char root[PATH_MAX];
	const char *name;
};

static cg_err_t parse_ref(const char *arg, const char *default_root, struct sref *r,
			  struct cg_error *err)
{
	memset(r, 0, sizeof(*r));
	r->name = arg;
	snprintf(r->root, sizeof(r->root), "%s", default_root);
	if (arg[0] == '[') {
		const char *close_ = strchr(arg, ']'), *spec = arg + 1, *at, *end;
		if (!close_)
			return cg_error_set(err, CG_ERR_ARG, "containers-storage: '[' without ']'");
		r->name = close_ + 1;
		at = memchr(spec, '@', (size_t)(close_ - spec));
		if (at) {
			if (at == spec || at + 1 == close_ ||
			    (size_t)(at - spec) >= sizeof(r->driver))
				return cg_error_set(err, CG_ERR_ARG, "containers-storage: want "
						    "[DRIVER@ROOT+RUNROOT]NAME");
			memcpy(r->driver, spec, (size_t)(at - spec));
			spec = at + 1;
		}
		/* ":options" then "+runroot" peeled off the end, as containers/image does */
		end = memchr(spec, ':', (size_t)(close_ - spec));
		if (!end)
			end = close_;
		{
			const char *plus = memchr(spec, '+', (size_t)(end - spec));
			if (plus)
				end = plus;
		}
		if (end > spec) {
			if ((size_t)(end - spec) >= sizeof(r->root))
				return cg_error_set(err, CG_ERR_ARG, "containers-storage: root too long");
			memcpy(r->root, spec, (size_t)(end - spec));
			r->root[end - spec] = '\0';
		}
	}
	if (!*r->name)
		return cg_error_set(err, CG_ERR_ARG, "containers-storage: wants an image name or id "
				    "(containers-storage:[DRIVER@ROOT]NAME)");
	if (strlen(r->name) >= NAME_CAP)
		return cg_error_set(err, CG_ERR_ARG, "containers-storage: name too long");
	return CG_OK;
}

/* ---- finding the image ---------------------------------------------------- */

struct want {
	const char *raw;
	char bare[NAME_CAP];          /* raw without "@digest" */
	char tagged[NAME_CAP + 8];    /* bare, ":latest" added when it has no tag */
	char norm[NAME_CAP];          /* Docker-normalised bare ("" when not a reference) */
	char local[NAME_CAP + 24];    /* "localhost/" + tagged, when raw has no domain */
	char suffix[NAME_CAP + 16];   /* "/" + tagged, when raw has no domain */
	char digest[CG_DIGEST_STR_LEN + 1];
	bool hex;                     /* raw could be an id or id prefix */
};

static bool has_tag(const char *s)
{
	const char *slash = strrchr(s, '/');
	return strchr(slash ? slash : s, ':') != NULL;
}

/* A name without its tag (and digest). */
static void repo_of(const char *name, char *out, size_t cap)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);
	const char *slash = memrchr(name, '/', n);
	const char *colon = memrchr(slash ? slash : name, ':', n - (size_t)((slash ? slash : name) - name));
	if (colon)
		n = (size_t)(colon - name);
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), name);
}

static void want_init(struct want *w, const char *raw)
{
	const char *at = strchr(raw, '@');
	struct cg_refname rn;
	bool rn_ok;
	size_t n = strlen(raw);

	memset(w, 0, sizeof(*w));
	w->raw = raw;
	snprintf(w->bare, sizeof(w->bare), "%.*s", (int)(at ? (size_t)(at - raw) : n), raw);
	if (at && cg_digest_valid(at + 1))
		snprintf(w->digest, sizeof(w->digest), "%s", at + 1);
	snprintf(w->tagged, sizeof(w->tagged), "%s%s", w->bare,
		 has_tag(w->bare) || w->digest[0] ? "" : ":latest");
	rn_ok = cg_refname_parse(w->bare, &rn);
	if (rn_ok && !cg_refname_format(&rn, w->norm, sizeof(w->norm)))
		w->norm[0] = '\0';
	if (rn_ok && w->digest[0] && !rn.tag[0])
		cg_refname_repository(&rn, w->norm, sizeof(w->norm));
	if (rn_ok && !rn.explicit_domain) {
		snprintf(w->local, sizeof(w->local), "localhost/%s", w->tagged);
		snprintf(w->suffix, sizeof(w->suffix), "/%s", w->tagged);
	}
	w->hex = n >= 3 && n <= 64;
	for (size_t i = 0; i < n && w->hex; i++)
		w->hex = (raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f');
}

static bool image_has_digest(const cg_json *img, const char *d)
{
	const char *main_ = cg_json_get_str(img, "digest");
	const cg_json *list = cg_json_get(img, "digests");
	if (main_ && !strcmp(main_, d))
		return true;
	for (size_t i = 0; i < cg_json_array_len(list) && i < MAX_NAMES; i++) {
		const char *x = cg_json_string(cg_json_array_at(list, i));
		if (x && !strcmp(x, d))
			return true;
	}
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return b && a > b && !strcmp(s + a - b, suffix);
}

/* The step (0-6) at which this stored name matches, or 99. */
static int name_step(const struct want *w, const cg_json *img, const char *name)
{
	char repo[NAME_CAP];
	if (!strcmp(name, w->raw))
		return 1;
	if (!w->digest[0]) {
		if (!strcmp(name, w->tagged))
			return 2;
		if (w->norm[0] && !strcmp(name, w->norm))
			return 3;
		if (w->local[0] && !strcmp(name, w->local))
			return 4;
		if (w->suffix[0] && ends_with(name, w->suffix))
			return 5;
		return 99;
	}
	/* NAME@D: the repository (and the tag, when given) and the digest */
	if (!image_has_digest(img, w->digest))
		return 99;
	if (has_tag(w->bare)) {
		char bare_name[NAME_CAP];
		snprintf(bare_name, sizeof(bare_name), "%s", name);
		if (strchr(bare_name, '@'))
			*strchr(bare_name, '@') = '\0';
		if (!strcmp(bare_name, w->bare))
			return 2;
		if (w->norm[0] && !strcmp(bare_name, w->norm))
			return 3;
		if (w->local[0] && !strcmp(bare_name, w->local))
			return 4;
		return w->suffix[0] && ends_with(bare_name, w->suffix) ? 5 : 99;
	}
	repo_of(name, repo, sizeof(repo));
	if (!strcmp(repo, w->bare))
		return 2;
	if (w->norm[0] && !strcmp(repo, w->norm))
		return 3;
	if (w->local[0] && !strcmp(repo, w->local))
		return 4;
	return w->suffix[0] && ends_with(repo, w->suffix) ? 5 : 99;
}

static int image_step(const struct want *w, const cg_json *img, const char **matched)
{
	const char *id = cg_json_get_str(img, "id");
	const cg_json *names = cg_json_get(img, "names");
	int best = 99;
	*matched = NULL;
	if (!id)
		return 99;
	if (!strcmp(id, w->raw) || (!strncmp(w->raw, "sha256:", 7) && !strcmp(id, w->raw + 7)))
		return 0;
	for (size_t i = 0; i < cg_json_array_len(names) && i < MAX_NAMES; i++) {
		const char *n = cg_json_string(cg_json_array_at(names, i));
		int step;
		if (!n)
			continue;
		step = name_step(w, img, n);
		if (step < best) {
			best = step;
			*matched = n;
		}
	}
	if (best == 99 && w->hex && !strncmp(id, w->raw, strlen(w->raw)))
		best = 6;
	return best;
}

/* Search one driver's images.json. CG_ERR_NOTFOUND when nothing matches. */
static cg_err_t find_image(const cg_json *images, const struct want *w, const cg_json **out,
			   const char **matched, struct cg_error *err)
{
	const cg_json *best = NULL, *other = NULL;
	int best_step = 99;
	size_t n = cg_json_array_len(images);

	*out = NULL;
	*matched = NULL;
	if (!cg_json_is_array(images))
		return cg_error_set(err, CG_ERR_INVALID, "images.json is not an array");
	if (n > MAX_IMAGES)
		return cg_error_set(err, CG_ERR_LIMIT, "images.json lists more than %d images",
				    MAX_IMAGES);
	for (size_t i = 0; i < n; i++) {
		const cg_json *img = cg_json_array_at(images, i);
		const char *m;
		int step = image_step(w, img, &m);
		if (step < best_step) {
			best_step = step;
			best = img;
			other = NULL;
			*matched = m;
		} else if (step == best_step && step != 99) {
			other = img;
		}
	}
	if (!best)
		return CG_ERR_NOTFOUND;
	if (other)
		return cg_error_set(err, CG_ERR_ARG, "'%s' matches several images (%.12s and %.12s, "
				    "...): give the full name or the id", w->raw,
				    cg_json_get_str(best, "id"), cg_json_get_str(other, "id"));
	*out = best;
	return CG_OK;
}

/* Up to 8 stored names, for the error when nothing matches. */
static void list_names(const cg_json *images, char *out, size_t cap)
{
	size_t len = 0, shown = 0, total = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cg_json_array_len(images) && i < MAX_IMAGES; i++) {
		const cg_json *names = cg_json_get(cg_json_array_at(images, i), "names");
		for (size_t k = 0; k < cg_json_array_len(names) && k < MAX_NAMES; k++) {
			const char *n = cg_json_string(cg_json_array_at(names, k));
			int wr;
			if (!n)
				continue;
			total++;
			if (shown >= 8 || len >= cap)
				continue;
			wr = snprintf(out + len, cap - len, "%s'%.200s'", shown ? ", " : "", n);
			if (wr < 0)
				break;
			len += (size_t)wr;
			shown++;
		}
	}
	if (!total)
		snprintf(out, cap, "none with a name");
	else if (total > shown && len < cap)
		snprintf(out + len, cap - len, ", ... (%zu names)", total);
}

/* ---- layers ------------------------------------------------------------------ */

static const cg_json *layer_by_id(const cg_json *layers, const char *id)
{
	for (size_t i = 0; i < cg_json_array_len(layers); i++) {
		const cg_json *l = cg_json_array_at(layers, i);
		const char *lid = cg_json_get_str(l, "id");
		if (lid && !strcmp(lid, id))
			return l;
	}
	return NULL;
}

static void copy_digest(char *dst, const char *d)
{
	dst[0] = '\0';
	if (cg_digest_valid(d))
		memcpy(dst, d, CG_DIGEST_STR_LEN + 1);
}

/* The chain from the image's top layer down, stored bottom first. */
static cg_err_t load_layers(struct cg_source *s, const cg_json *img,
			    const struct cg_image_limits *lim, struct cg_error *err)
{
	char rel[64];
	cg_json *doc = NULL;
	const char *cur = cg_json_get_str(img, "layer");
	size_t n = 0;
	cg_err_t rc;

	if (!cur || !*cur)
		return CG_OK; /* an image without layers */
	snprintf(rel, sizeof(rel), "%s-layers/layers.json", driver_names[s->drv]);
	rc = read_json_at(s->root_fd, rel, MAX_STORE_JSON, &doc, err);
	if (rc)
		return rc;
	if (!cg_json_is_array(doc))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s is not an array", rel));
	s->layers = calloc(lim->max_layers + 1, sizeof(*s->layers));
	if (!s->layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	while (cur && *cur) {
		const cg_json *l = layer_by_id(doc, cur);
		const cg_json *flags;
		struct slayer *sl = &s->layers[n];
		int64_t v;
		bool incomplete = false;
		if (n > lim->max_layers)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "image has more than max_layers "
						 "(%zu) layers (or a cycle of parents)",
						 lim->max_layers));
		if (!is_hex64(cur))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "layer id '%.80s' is not 64 hex "
						 "digits", cur));
		if (!l)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "layer %s is not in %s", cur, rel));
		flags = cg_json_get(l, "flags");
		if (cg_json_get_bool(flags, "incomplete", &incomplete) && incomplete)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "layer %s is incomplete (an "
						 "interrupted pull?)", cur));
		memcpy(sl->id, cur, 65);
		copy_digest(sl->diff_digest, cg_json_get_str(l, "diff-digest"));
		copy_digest(sl->comp_digest, cg_json_get_str(l, "compressed-diff-digest"));
		sl->comp_size = cg_json_get_int(l, "compressed-size", &v) && v >= 0 ? v : 0;
		sl->comp = CG_COMP_NONE;
		if (cg_json_get_int(l, "compression", &v))
			sl->comp = v == 2 ? CG_COMP_GZIP : v == 4 ? CG_COMP_ZSTD : CG_COMP_NONE;
		n++;
		cur = cg_json_get_str(l, "parent");
		if (n > lim->max_layers && cur && *cur)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "image has more than max_layers "
						 "(%zu) layers (or a cycle of parents)",
						 lim->max_layers));
	}
	for (size_t i = 0; i < n / 2; i++) {
		struct slayer t = s->layers[i];
		s->layers[i] = s->layers[n - 1 - i];
		s->layers[n - 1 - i] = t;
	}
	s->nlayers = n;
done:
	cg_json_free(doc);
	return rc;
}

/* ---- manifest and config ----------------------------------------------------- */

static cg_err_t ref_for_key(const cg_json *img, const char *key, struct cg_blob_ref *r,
			    struct cg_error *err)
{
	const char *d = cg_json_get_str(cg_json_get(img, "big-data-digests"), key);
	memset(r, 0, sizeof(*r));
	r->size = -1;
	r->locator = strdup(key);
	r->digest = cg_digest_valid(d) ? strdup(d) : NULL;
	if (!r->locator || (cg_digest_valid(d) && !r->digest)) {
		cg_blob_ref_release(r);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

static bool has_key(const cg_json *img, const char *key)
{
	const cg_json *names = cg_json_get(img, "big-data-names");
	for (size_t i = 0; i < cg_json_array_len(names) && i < MAX_NAMES; i++) {
		const char *k = cg_json_string(cg_json_array_at(names, i));
		if (k && !strcmp(k, key))
			return true;
	}
	return false;
}

/* The manifest ("manifest", through an index to "manifest-<digest>") into m:
 * config and media type; the layers come from layers.json. */
static cg_err_t read_manifest(struct cg_source *s, const cg_json *img,
			      const struct cg_image_opts *opts, const struct cg_image_limits *lim,
			      struct cg_manifest *m, struct cg_error *err)
{
	struct cg_platform plat;
	struct cg_blob_ref ref = { 0 };
	struct cg_manifest tmp = { 0 };
	cg_json *doc = NULL;
	enum cg_manifest_kind kind;
	const char *id = cg_json_get_str(img, "id");
	const char *digest = cg_json_get_str(img, "digest");
	cg_err_t rc;

	rc = cg_platform_parse(opts ? opts->platform : NULL, &plat, err);
	if (rc)
		return rc;
	if (!has_key(img, "manifest")) {
		/* no manifest stored (an image committed locally, an old store):
		 * the config is the big data named by the image id */
		char key[80];
		snprintf(key, sizeof(key), "sha256:%s", id);
		rc = ref_for_key(img, key, &m->config, err);
		if (!rc && !m->config.digest && !(m->config.digest = strdup(key)))
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		if (!rc && cg_digest_valid(digest) && !(m->digest = strdup(digest)))
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		return rc;
	}
	rc = ref_for_key(img, "manifest", &ref, err);
	for (int depth = 0; !rc; depth++) {
		char key[100];
		if (depth > 4)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "indexes nested more than 4 deep"));
		cg_json_free(doc);
		doc = NULL;
		rc = cg_blob_read_json(s, &cg_source_containers_storage, &ref, lim->max_json_bytes,
				       &doc, err);
		if (rc)
			goto done;
		rc = cg_manifest_kind(doc, &kind, err);
		if (rc || kind == CG_MANIFEST_IMAGE)
			break;
		cg_blob_ref_release(&ref);
		rc = cg_index_select(doc, &plat, NULL, &ref, err);
		if (rc)
			goto done;
		snprintf(key, sizeof(key), "manifest-%s", ref.digest);
		if (!has_key(img, key))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "the image's index lists %s for "
						 "%s/%s, which the store does not hold", ref.digest,
						 plat.os, plat.arch));
		free(ref.locator);
		ref.locator = strdup(key);
		if (!ref.locator)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		digest = NULL;
	}
	if (rc)
		goto done;
	rc = cg_manifest_from_json(doc, &tmp, err);
	if (rc)
		goto done;
	/* the config's big-data key is its digest: the descriptor's locator */
	m->config = tmp.config;
	memset(&tmp.config, 0, sizeof(tmp.config));
	m->media_type = tmp.media_type;
	tmp.media_type = NULL;
	m->digest = cg_strdup_or_null(ref.digest ? ref.digest : digest);
	if ((ref.digest || digest) && !m->digest)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (!has_key(img, m->config.digest))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "the store holds no config %s for "
					 "image %.12s", m->config.digest, id));
done:
	cg_manifest_release(&tmp);
	cg_blob_ref_release(&ref);
	cg_json_free(doc);
	return rc;
}

/* The store's diff-digests must be the config's diff_ids. */
static cg_err_t check_diff_ids(struct cg_source *s, const struct cg_manifest *m,
			       const struct cg_image_limits *lim, struct cg_error *err)
{
	cg_json *cfg = NULL;
	const cg_json *ids;
	cg_err_t rc = cg_blob_read_json(s, &cg_source_containers_storage, &m->config,
					lim->max_json_bytes, &cfg, err);
	if (rc)
		return rc;
	ids = cg_json_get(cg_json_get(cfg, "rootfs"), "diff_ids");
	if (cg_json_array_len(ids) != s->nlayers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "the config lists %zu layers, the "
					 "store's layer chain has %zu", cg_json_array_len(ids),
					 s->nlayers));
	for (size_t i = 0; i < s->nlayers; i++) {
		const char *d = cg_json_string(cg_json_array_at(ids, i));
		if (s->layers[i].diff_digest[0] && (!d || strcmp(d, s->layers[i].diff_digest)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY, "layer %zu: the store's layer "
						 "%.12s has diff-digest %s, the config says %.80s",
						 i, s->layers[i].id, s->layers[i].diff_digest,
						 d ? d : "nothing"));
	}
done:
	cg_json_free(cfg);
	return rc;
}

static cg_err_t src_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
			      struct cg_blob **out, struct cg_error *err)
{
	char file[300];
	struct stat st;
	int fd;
	*out = NULL;
	if (!ref->locator || !bigdata_file(ref->locator, file, sizeof(file)))
		return cg_error_set(err, CG_ERR_INVALID, "bad big-data key '%.100s'",
				    ref->locator ? ref->locator : "");
	fd = openat_beneath(s->image_fd, file, O_RDONLY);
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO,
				    "big data '%s' (%s): %s", ref->locator, file, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cg_error_set(err, CG_ERR_INVALID, "big data '%s': not a regular file",
				    ref->locator);
	}
	if (cg_blob_file_region_owned(fd, 0, (uint64_t)st.st_size, out)) {
		close(fd);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

/* ---- opening ------------------------------------------------------------------ */

static cg_err_t open_driver_dirs(struct cg_source *s, const char *id, struct cg_error *err)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "%s-images/%s", driver_names[s->drv], id);
	s->image_fd = openat_beneath(s->root_fd, rel, O_RDONLY | O_DIRECTORY);
	if (s->image_fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s", rel,
				    strerror(errno));
	s->layers_fd = openat_beneath(s->root_fd, s->drv == DRV_VFS ? "vfs/dir" : "overlay",
				      O_RDONLY | O_DIRECTORY);
	if (s->layers_fd < 0 && (errno != ENOENT || s->nlayers))
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s",
				    s->drv == DRV_VFS ? "vfs/dir" : "overlay", strerror(errno));
	return CG_OK;
}

static cg_err_t src_open(const char *arg, const struct cg_image_opts *opts,
			 const struct cg_image_limits *lim, struct cg_source **out,
			 struct cg_manifest *m, struct cg_error *err)
{
	struct sref r;
	struct want *w = NULL;
	struct cg_source *s = NULL;
	cg_json *images = NULL;
	const cg_json *img = NULL;
	const char *matched = NULL, *id;
	enum driver drivers[2];
	size_t ndrivers = 0, nstores = 0;
	char seen[1400] = "";
	cg_err_t rc;

	*out = NULL;
	rc = parse_ref(arg, opts && opts->storage_root ? opts->storage_root : DEFAULT_ROOT, &r,
		       err);
	if (rc)
		return rc;
	if (!r.driver[0]) {
		drivers[ndrivers++] = DRV_OVERLAY;
		drivers[ndrivers++] = DRV_VFS;
	} else if (!strcmp(r.driver, "overlay") || !strcmp(r.driver, "overlay2")) {
		drivers[ndrivers++] = DRV_OVERLAY;
	} else if (!strcmp(r.driver, "vfs")) {
		drivers[ndrivers++] = DRV_VFS;
	} else {
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "containers-storage: the %s driver is not "
				    "supported (overlay and vfs are)", r.driver);
	}
	w = calloc(1, sizeof(*w));
	s = calloc(1, sizeof(*s));
	if (!w || !s)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	s->image_fd = s->layers_fd = -1;
	s->root_fd = open(r.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0)
		CG_FAIL(rc, cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND :
					 errno == EACCES ? CG_ERR_DENIED : CG_ERR_IO,
					 "containers-storage root %s: %s", r.root, strerror(errno)));
	want_init(w, r.name);
	for (size_t i = 0; i < ndrivers && !img; i++) {
		char rel[64], list[600];
		size_t len = strlen(seen);
		snprintf(rel, sizeof(rel), "%s-images/images.json", driver_names[drivers[i]]);
		cg_json_free(images);
		images = NULL;
		rc = read_json_at(s->root_fd, rel, MAX_STORE_JSON, &images, err);
		if (rc == CG_ERR_NOTFOUND)
			continue;
		if (rc)
			goto done;
		nstores++;
		rc = find_image(images, w, &img, &matched, err);
		if (rc == CG_OK) {
			s->drv = drivers[i];
			break;
		}
		if (rc != CG_ERR_NOTFOUND)
			goto done;
		list_names(images, list, sizeof(list));
		snprintf(seen + len, sizeof(seen) - len, "%s%s: %s", len ? "; " : "",
			 driver_names[drivers[i]], list);
	}
	if (!nstores)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "no containers-storage at %s (no "
					 "%s-images/images.json%s)", r.root, driver_names[drivers[0]],
					 ndrivers == 2 ? " or vfs-images/images.json" : ""));
	if (!img)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "no image '%s' in containers-storage "
					 "%s (%s)", r.name, r.root, seen));
	id = cg_json_get_str(img, "id");
	if (!is_hex64(id))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "image id '%.80s' is not 64 hex digits",
					 id ? id : ""));
	rc = load_layers(s, img, lim, err);
	if (rc)
		goto done;
	rc = open_driver_dirs(s, id, err);
	if (rc)
		goto done;
	rc = read_manifest(s, img, opts, lim, m, err);
	if (rc)
		goto done;
	rc = check_diff_ids(s, m, lim, err);
	if (rc)
		goto done;
	m->layers = calloc(s->nlayers ? s->nlayers : 1, sizeof(*m->layers));
	if (!m->layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t i = 0; i < s->nlayers; i++) {
		m->layers[i].size = -1;
		m->layers[i].locator = strdup(s->layers[i].id);
		m->nlayers++;
		if (!m->layers[i].locator)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	if (!matched)
		matched = cg_json_string(cg_json_array_at(cg_json_get(img, "names"), 0));
	m->name = cg_strdup_or_null(matched);
	if (matched && !m->name)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
done:
	cg_json_free(images);
	free(w);
	if (rc) {
		src_close(s);
		return rc;
	}
	*out = s;
	return CG_OK;
}

static cg_err_t src_walk_layer(struct cg_source *s, size_t index, const struct cg_image_limits *lim,
			       uint64_t *entries_left, const struct cg_layer_visitor *v,
			       struct cg_layer_stats *st, struct cg_error *err)
{
	const struct slayer *l;
	char rel[80];
	struct stat sb;
	int fd;

	memset(st, 0, sizeof(*st));
	if (index >= s->nlayers)
		return cg_error_set(err, CG_ERR_INTERNAL, "no layer %zu", index);
	l = &s->layers[index];
	memcpy(st->digest, l->comp_digest, sizeof(st->digest));
	memcpy(st->diff_id, l->diff_digest, sizeof(st->diff_id));
	st->compressed_bytes = (uint64_t)l->comp_size;
	st->compression = l->comp;
	if (s->drv == DRV_VFS && index + 1 < s->nlayers)
		return CG_OK; /* vfs: the top layer's folder holds them all */
	snprintf(rel, sizeof(rel), s->drv == DRV_VFS ? "%s" : "%s/diff", l->id);
	fd = openat_beneath(s->layers_fd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s/%s: %s",
				    s->drv == DRV_VFS ? "vfs/dir" : "overlay", rel, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return cg_error_set(err, CG_ERR_IO, "%s: %s", rel, strerror(errno));
	}
	return cg_dir_walk(fd, &sb, s->drv == DRV_OVERLAY, lim, entries_left, v, st, err);
}

const struct cg_source_ops cg_source_containers_storage = {
	.transport = "containers-storage",
	.open = src_open,
	.open_blob = src_open_blob,
	.walk_layer = src_walk_layer,
	.close = src_close,
};
