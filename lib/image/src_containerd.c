/* containerd:NAME[@sha256:...] — an image in containerd's own stores, read
 * without containerd: the image record from the bbolt metadata database
 * ROOT/io.containerd.metadata.v1.bolt/meta.db (v1/<namespace>/images/<name>/
 * target/{digest,mediatype,size}), then the manifest, index, config and layer
 * blobs from the content store ROOT/io.containerd.content.v1.content/blobs/
 * sha256/<hex>, each opened beneath that folder and checked against its
 * digest as any other source's.
 *
 * How NAME is found in namespace NS (the first hit wins):
 *   1. NAME exactly as stored (ctr keeps any name: "foo/bar:2");
 *   2. NAME normalised as nerdctl and Docker do (refname.h):
 *      "busybox" -> "docker.io/library/busybox:latest";
 *   3. with "@sha256:D": NAME without the digest, exactly and normalised, if
 *      that image's target is D; then every image of the namespace with the
 *      same repository whose target is D. When a found image's target is an
 *      index that lists D, D is the manifest read.
 * An index is resolved by platform (--platform, default linux/amd64). */
#include "util/internal.h"
#include "util/digest.h"
#include "image/bbolt.h"
#include "image/refname.h"
#include "image/source.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_ROOT "/var/lib/containerd"
#define META_DB "io.containerd.metadata.v1.bolt/meta.db"
#define BLOBS "io.containerd.content.v1.content/blobs/sha256"
#define MAX_NAME 4096
#define MAX_SCAN 100000 /* images of a namespace looked at for step 3 */
#define MAX_LIST 8      /* names shown when nothing matches */
#define OPEN_TRIES 3    /* a writer may commit while we read: read again */

struct cg_source {
	int blobs_fd;
};

struct target {
	char digest[CG_DIGEST_STR_LEN + 1];
	char media_type[256];
	int64_t size;
	char *name; /* the stored name that matched */
};

static void src_close(struct cg_source *s)
{
	if (!s)
		return;
	if (s->blobs_fd >= 0)
		close(s->blobs_fd);
	free(s);
}

/* containerd's namespace rule: [A-Za-z0-9]+([._-][A-Za-z0-9]+)*, 76 bytes. */
static bool namespace_ok(const char *ns)
{
	size_t n = strlen(ns);
	if (n == 0 || n > 76)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = ns[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (alnum)
			continue;
		if ((c != '.' && c != '_' && c != '-') || i == 0 || i + 1 == n)
			return false;
		if (ns[i + 1] == '.' || ns[i + 1] == '_' || ns[i + 1] == '-')
			return false;
	}
	return true;
}

/* ---- the metadata database ------------------------------------------------- */

/* The target of images/<name>: CG_ERR_NOTFOUND when there is no such image. */
static cg_err_t read_target(struct cg_bbolt *db, const struct cg_bbolt_bucket *images,
			    const char *name, struct target *t, struct cg_error *err)
{
	struct cg_bbolt_bucket img = { 0 }, tb = { 0 };
	struct cg_bbolt_value v = { 0 };
	cg_err_t rc;

	memset(t, 0, sizeof(*t));
	rc = cg_bbolt_open_bucket(db, images, name, strlen(name), &img, err);
	if (rc)
		goto done;
	rc = cg_bbolt_open_bucket(db, &img, "target", 6, &tb, err);
	if (rc == CG_ERR_NOTFOUND)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "image '%.300s' has no target", name));
	if (rc)
		goto done;
	rc = cg_bbolt_get(db, &tb, "digest", 6, &v, err);
	if (rc == CG_OK && (v.len > CG_DIGEST_STR_LEN || !cg_digest_valid((char *)v.data)))
		rc = cg_error_set(err, CG_ERR_UNSUPPORTED, "image '%.300s': target digest '%.80s' "
				  "is not a sha256 digest", name, (char *)v.data);
	else if (rc == CG_ERR_NOTFOUND)
		rc = cg_error_set(err, CG_ERR_INVALID, "image '%.300s' has no target digest", name);
	if (rc)
		goto done;
	memcpy(t->digest, v.data, v.len + 1);
	cg_bbolt_value_release(&v);
	if (cg_bbolt_get(db, &tb, "mediatype", 9, &v, err) == CG_OK && !v.bucket)
		snprintf(t->media_type, sizeof(t->media_type), "%.*s", (int)v.len, (char *)v.data);
	cg_bbolt_value_release(&v);
	t->size = -1;
	if (cg_bbolt_get(db, &tb, "size", 4, &v, err) == CG_OK &&
	    (v.bucket || !cg_bbolt_varint(v.data, v.len, &t->size) || t->size < 0))
		t->size = -1;
	cg_bbolt_value_release(&v);
	t->name = strdup(name);
	if (!t->name)
		rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
done:
	cg_bbolt_value_release(&v);
	cg_bbolt_bucket_release(&tb);
	cg_bbolt_bucket_release(&img);
	return rc;
}

struct names {
	char **v;
	size_t n, cap;
	size_t total;
	const char *repo; /* when set: keep only names of this repository */
	bool oom;
};

static int collect_name(void *ud, const unsigned char *k, size_t kl, const unsigned char *val,
			size_t vl, bool is_bucket)
{
	struct names *ns = ud;
	char name[MAX_NAME];
	(void)val;
	(void)vl;
	if (!is_bucket || kl == 0 || kl >= sizeof(name) || memchr(k, '\0', kl))
		return 0;
	if (++ns->total > MAX_SCAN)
		return 1;
	memcpy(name, k, kl);
	name[kl] = '\0';
	if (ns->repo) {
		struct cg_refname r;
		char repo[CG_REFNAME_MAX * 2];
		if (!cg_refname_parse(name, &r) || !cg_refname_repository(&r, repo, sizeof(repo)) ||
		    strcmp(repo, ns->repo))
			return 0;
	} else if (ns->n >= MAX_LIST) {
		return 0;
	}
	if (ns->n == ns->cap) {
		size_t nc = ns->cap ? ns->cap * 2 : 8;
		char **nv = realloc(ns->v, nc * sizeof(*nv));
		if (!nv) {
			ns->oom = true;
			return 1;
		}
		ns->v = nv;
		ns->cap = nc;
	}
	ns->v[ns->n] = strdup(name);
	if (!ns->v[ns->n]) {
		ns->oom = true;
		return 1;
	}
	ns->n++;
	return 0;
}

static void names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

/* "a, b, c" of up to MAX_LIST names of a bucket (keys that are buckets). */
static void list_names(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, char *out, size_t cap)
{
	struct names ns = { 0 };
	size_t len = 0;
	out[0] = '\0';
	if (cg_bbolt_each(db, b, collect_name, &ns, NULL) != CG_OK && ns.n == 0) {
		snprintf(out, cap, "(unreadable)");
		return;
	}
	for (size_t i = 0; i < ns.n && len < cap; i++) {
		int w = snprintf(out + len, cap - len, "%s'%.200s'", i ? ", " : "", ns.v[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len < cap && ns.total > ns.n)
		snprintf(out + len, cap - len, ", ... (%zu in all)", ns.total);
	if (!ns.n)
		snprintf(out, cap, "none");
	names_release(&ns);
}

/* Steps 1 to 3 of the header. *want_digest is set to D when D is to be
 * found inside the target (an index). */
static cg_err_t find_image(struct cg_bbolt *db, const char *root, const char *ns_name,
			   const char *arg, struct target *t, char *want_digest,
			   struct cg_error *err)
{
	const char *path[] = { "v1", ns_name, "images", NULL };
	struct cg_bbolt_bucket images = { 0 }, parent = { 0 };
	struct names scan = { 0 };
	struct target fallback = { 0 };
	char cands[4][MAX_NAME], tried[1200], repo[CG_REFNAME_MAX * 2] = "";
	const char *at = strchr(arg, '@');
	size_t ncands = 0, depth = 0;
	struct cg_refname rn;
	bool have_rn = false;
	cg_err_t rc;

	want_digest[0] = '\0';
	rc = cg_bbolt_open_path(db, path, &images, &depth, err);
	if (rc == CG_ERR_NOTFOUND) {
		const char *v1[] = { "v1", NULL };
		char list[600];
		if (depth == 0)
			return cg_error_set(err, CG_ERR_INVALID, "%s: not containerd metadata (no v1 "
					    "bucket in %s)", root, META_DB);
		if (depth == 2)
			return cg_error_set(err, CG_ERR_NOTFOUND, "no image '%s' in containerd "
					    "namespace '%s' (it has no images)", arg, ns_name);
		if (cg_bbolt_open_path(db, v1, &parent, NULL, NULL) == CG_OK)
			list_names(db, &parent, list, sizeof(list));
		else
			snprintf(list, sizeof(list), "none");
		cg_bbolt_bucket_release(&parent);
		return cg_error_set(err, CG_ERR_NOTFOUND, "containerd namespace '%s' does not exist "
				    "in %s (namespaces: %s; see --containerd-namespace)", ns_name,
				    root, list);
	}
	if (rc)
		return rc;

	/* the candidate names, in order, without repeats */
	snprintf(cands[ncands++], MAX_NAME, "%s", arg);
	if (cg_refname_normalise(arg, cands[ncands], MAX_NAME) && strcmp(cands[ncands], cands[0]))
		ncands++;
	if (at) {
		snprintf(cands[ncands], MAX_NAME, "%.*s", (int)(at - arg), arg);
		if (cands[ncands][0])
			ncands++;
		if (cands[ncands - 1][0] &&
		    cg_refname_normalise(cands[ncands - 1], cands[ncands], MAX_NAME) &&
		    strcmp(cands[ncands], cands[ncands - 1]))
			ncands++;
		have_rn = cg_refname_parse(arg, &rn) && cg_refname_repository(&rn, repo, sizeof(repo));
	}
	tried[0] = '\0';
	for (size_t i = 0; i < ncands; i++) {
		size_t tl = strlen(tried);
		snprintf(tried + tl, sizeof(tried) - tl, "%s'%.200s'", i ? ", " : "", cands[i]);
		rc = read_target(db, &images, cands[i], t, err);
		if (rc == CG_ERR_NOTFOUND)
			continue;
		if (rc)
			goto done;
		/* a name without the digest asked for must point at it */
		if (!at || strchr(cands[i], '@') || !strcmp(t->digest, at + 1))
			goto done;
		if (!fallback.name)
			fallback = *t;
		else
			free(t->name);
		memset(t, 0, sizeof(*t));
	}
	/* step 3: any image of the repository whose target is the digest */
	if (at && have_rn) {
		scan.repo = repo;
		rc = cg_bbolt_each(db, &images, collect_name, &scan, err);
		if (rc)
			goto done;
		if (scan.oom)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		for (size_t i = 0; i < scan.n; i++) {
			rc = read_target(db, &images, scan.v[i], t, err);
			if (rc == CG_ERR_NOTFOUND)
				continue;
			if (rc)
				goto done;
			if (!strcmp(t->digest, rn.digest))
				goto done;
			free(t->name);
			memset(t, 0, sizeof(*t));
		}
	}
	/* a name whose target may be an index that lists the digest */
	if (fallback.name) {
		*t = fallback;
		fallback.name = NULL;
		snprintf(want_digest, CG_DIGEST_STR_LEN + 1, "%s", at + 1);
		rc = CG_OK;
		goto done;
	}
	{
		char list[600];
		list_names(db, &images, list, sizeof(list));
		rc = cg_error_set(err, CG_ERR_NOTFOUND, "no image '%s' in containerd namespace '%s' "
				  "(tried %s%s; images there: %s)", arg, ns_name, tried,
				  at ? " and its repository's images by digest" : "", list);
	}
done:
	free(fallback.name);
	names_release(&scan);
	cg_bbolt_bucket_release(&images);
	return rc;
}

static cg_err_t lookup(const char *root, const char *ns, const char *arg, struct target *t,
		       char *want_digest, struct cg_error *err)
{
	char path[PATH_MAX];
	struct cg_bbolt *db = NULL;
	cg_err_t rc = CG_OK;
	int fd = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, META_DB) >= sizeof(path))
		return cg_error_set(err, CG_ERR_ARG, "containerd root path too long");
	for (int attempt = 0; attempt < OPEN_TRIES; attempt++) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND :
					    errno == EACCES ? CG_ERR_DENIED : CG_ERR_IO,
					    "%s: %s (is the containerd root %s?)", path,
					    strerror(errno), root);
		rc = cg_bbolt_open_fd(fd, &db, err);
		if (!rc)
			rc = find_image(db, root, ns, arg, t, want_digest, err);
		cg_bbolt_close(db);
		db = NULL;
		close(fd);
		if (rc != CG_ERR_INVALID && rc != CG_ERR_IO)
			break;
		free(t->name);
		t->name = NULL;
	}
	if (rc == CG_ERR_INVALID || rc == CG_ERR_IO) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", path, tmp);
	}
	return rc;
}

/* ---- the content store ----------------------------------------------------- */

static cg_err_t src_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
			      struct cg_blob **out, struct cg_error *err)
{
	struct stat st;
	const char *d = ref->digest ? ref->digest : ref->locator;
	int fd;
	*out = NULL;
	if (!cg_digest_valid(d))
		return cg_error_set(err, CG_ERR_INVALID, "bad digest '%.100s'", d ? d : "");
	/* 64 hex digits: a plain name beneath the blobs folder */
	fd = openat(s->blobs_fd, d + 7, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return cg_error_set(err, CG_ERR_NOTFOUND,
					    "blob %s is not in containerd's content store (a layer "
					    "discarded after unpacking, or a platform not pulled?)",
					    d);
		return cg_error_set(err, CG_ERR_IO, "blob %s: %s", d, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cg_error_set(err, CG_ERR_INVALID, "blob %s: not a regular file", d);
	}
	if (ref->size >= 0 && (uint64_t)st.st_size != (uint64_t)ref->size) {
		close(fd);
		return cg_error_set(err, CG_ERR_INTEGRITY, "blob %s: %lld bytes, the descriptor "
				    "says %lld", d, (long long)st.st_size, (long long)ref->size);
	}
	if (cg_blob_file_region_owned(fd, 0, (uint64_t)st.st_size, out)) {
		close(fd);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

/* The descriptor of `digest` in an index, if listed. */
static bool index_find(const cg_json *index, const char *digest, struct cg_blob_ref *out,
		       struct cg_error *err)
{
	const cg_json *list = cg_json_get(index, "manifests");
	for (size_t i = 0; i < cg_json_array_len(list); i++) {
		const cg_json *d = cg_json_array_at(list, i);
		const char *dg = cg_json_get_str(d, "digest");
		if (dg && !strcmp(dg, digest))
			return cg_descriptor_parse(d, "index entry", out, err) == CG_OK;
	}
	return false;
}

/* target -> (index -> platform or wanted digest)* -> image manifest */
static cg_err_t resolve(struct cg_source *s, const struct target *t, const char *want_digest,
			const struct cg_image_opts *opts, const struct cg_image_limits *lim,
			struct cg_manifest *m, struct cg_error *err)
{
	struct cg_platform plat;
	struct cg_blob_ref ref = { 0 };
	cg_json *doc = NULL;
	enum cg_manifest_kind kind;
	cg_err_t rc;

	rc = cg_platform_parse(opts ? opts->platform : NULL, &plat, err);
	if (rc)
		return rc;
	ref.locator = strdup(t->digest);
	ref.digest = strdup(t->digest);
	ref.media_type = t->media_type[0] ? strdup(t->media_type) : NULL;
	ref.size = t->size;
	if (!ref.locator || !ref.digest || (t->media_type[0] && !ref.media_type))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (int depth = 0;; depth++) {
		if (depth > 4)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "indexes nested more than 4 deep"));
		cg_json_free(doc);
		doc = NULL;
		rc = cg_blob_read_json(s, &cg_source_containerd, &ref, lim->max_json_bytes, &doc, err);
		if (rc)
			goto done;
		free(m->digest);
		m->digest = strdup(ref.digest);
		if (!m->digest)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		rc = cg_manifest_kind(doc, &kind, err);
		if (rc)
			goto done;
		if (kind == CG_MANIFEST_IMAGE)
			break;
		cg_blob_ref_release(&ref);
		if (want_digest[0] && index_find(doc, want_digest, &ref, err))
			continue;
		if (want_digest[0] && depth == 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "image '%s' is %s, which neither "
						 "is nor lists %s", t->name, t->digest, want_digest));
		rc = cg_index_select(doc, &plat, NULL, &ref, err);
		if (rc)
			goto done;
	}
	if (want_digest[0] && strcmp(m->digest, want_digest) && strcmp(t->digest, want_digest))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "image '%s' is %s, not %s", t->name,
					 t->digest, want_digest));
	rc = cg_manifest_from_json(doc, m, err);
done:
	cg_blob_ref_release(&ref);
	cg_json_free(doc);
	return rc;
}

static cg_err_t src_open(const char *arg, const struct cg_image_opts *opts,
			 const struct cg_image_limits *lim, struct cg_source **out,
			 struct cg_manifest *m, struct cg_error *err)
{
	const char *root = opts && opts->containerd_root ? opts->containerd_root : DEFAULT_ROOT;
	const char *ns = opts && opts->containerd_namespace ? opts->containerd_namespace : NULL;
	struct target t = { 0 };
	struct cg_source *s = NULL;
	char want_digest[CG_DIGEST_STR_LEN + 1] = "";
	char path[PATH_MAX];
	cg_err_t rc;

	*out = NULL;
	if (!ns)
		ns = getenv("CONTAINERD_NAMESPACE");
	if (!ns || !*ns)
		ns = "default";
	if (!namespace_ok(ns))
		return cg_error_set(err, CG_ERR_ARG, "'%.100s' is not a containerd namespace name", ns);
	if (!*arg || strlen(arg) >= MAX_NAME)
		return cg_error_set(err, CG_ERR_ARG, "containerd: wants an image name "
				    "(containerd:NAME[@sha256:DIGEST])");
	if (!*root)
		return cg_error_set(err, CG_ERR_ARG, "empty containerd root");
	rc = lookup(root, ns, arg, &t, want_digest, err);
	if (rc)
		goto done;
	s = calloc(1, sizeof(*s));
	if (!s)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, BLOBS) >= sizeof(path))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "containerd root path too long"));
	s->blobs_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->blobs_fd < 0)
		CG_FAIL(rc, cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO,
					 "%s: %s", path, strerror(errno)));
	rc = resolve(s, &t, want_digest, opts, lim, m, err);
	if (rc)
		goto done;
	m->name = t.name;
	t.name = NULL;
done:
	free(t.name);
	if (rc) {
		src_close(s);
		return rc;
	}
	*out = s;
	return CG_OK;
}

const struct cg_source_ops cg_source_containerd = {
	.transport = "containerd",
	.open = src_open,
	.open_blob = src_open_blob,
	.close = src_close,
};
