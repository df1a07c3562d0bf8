/* Image sources on local files: an OCI layout in a folder (oci:), an OCI
 * layout in a tar (oci-archive:), and `docker save` output (docker-archive:,
 * both the classic layout and the OCI layout Docker 25+ writes beside it).
 * Archives are indexed once (member -> byte range) and never extracted;
 * folders are opened beneath their root only (openat2 RESOLVE_BENEATH). */
#include "util/internal.h"
#include "util/digest.h"
#include "image/source.h"
#include "image/tarindex.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_ARCHIVE_MEMBERS 1000000

struct cg_source {
	int dirfd;                /* oci: the layout folder, else -1 */
	int fd;                   /* archives: the tar file, else -1 */
	struct cg_tar_index idx;  /* archives */
};

void cg_layout_store_close(struct cg_source *s)
{
	if (!s)
		return;
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->fd >= 0)
		close(s->fd);
	cg_tar_index_release(&s->idx);
	free(s);
}

static cg_err_t store_open_dir(const char *path, struct cg_source **out, struct cg_error *err)
{
	struct cg_source *s = calloc(1, sizeof(*s));
	if (!s)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	s->fd = -1;
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		cg_err_t rc = cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO,
					   "%s: %s", path, strerror(errno));
		free(s);
		return rc;
	}
	*out = s;
	return CG_OK;
}

/* An archive store over an open file (the store owns fd from here on). */
static cg_err_t store_open_archive_fd(int fd, const char *label, struct cg_source **out,
				      struct cg_error *err)
{
	struct cg_source *s = calloc(1, sizeof(*s));
	struct stat st;
	unsigned char magic[4];
	cg_err_t rc = CG_OK;
	if (!s) {
		close(fd);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	s->dirfd = -1;
	s->fd = fd;
	if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: not a regular file", label));
	if (pread(s->fd, magic, 4, 0) == 4 &&
	    ((magic[0] == 0x1f && magic[1] == 0x8b) ||
	     (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_UNSUPPORTED,
					 "%s: a compressed archive; decompress it first (gzip -d / zstd -d)",
					 label));
	rc = cg_tar_index_build(s->fd, (uint64_t)st.st_size, MAX_ARCHIVE_MEMBERS, &s->idx, err);
	if (rc) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err ? err->msg : "");
		cg_error_set(err, rc, "%s: %s", label, tmp);
	}
done:
	if (rc) {
		cg_layout_store_close(s);
		return rc;
	}
	*out = s;
	return CG_OK;
}

static cg_err_t store_open_archive(const char *path, struct cg_source **out, struct cg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s", path,
				    strerror(errno));
	return store_open_archive_fd(fd, path, out, err);
}

static int openat_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* Open a file of the store by its path relative to the layout root. */
static cg_err_t store_open_path(struct cg_source *s, const char *rel, struct cg_blob **out,
				struct cg_error *err)
{
	if (s->dirfd >= 0) {
		struct stat st;
		int fd = openat_beneath(s->dirfd, rel);
		cg_err_t rc;
		if (fd < 0)
			return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO,
					    "%s: %s", rel, strerror(errno));
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return cg_error_set(err, CG_ERR_INVALID, "%s: not a regular file", rel);
		}
		rc = cg_blob_file_region_owned(fd, 0, (uint64_t)st.st_size, out);
		if (rc) {
			close(fd);
			return cg_error_set(err, rc, "out of memory");
		}
		return CG_OK;
	} else {
		const struct cg_tar_member *m = cg_tar_index_find(&s->idx, rel);
		if (!m)
			return cg_error_set(err, CG_ERR_NOTFOUND, "%s: not in the archive", rel);
		if (cg_blob_file_region(s->fd, m->offset, m->size, out))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		return CG_OK;
	}
}

static cg_err_t layout_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
				 struct cg_blob **out, struct cg_error *err)
{
	char path[128];
	const char *rel = ref->locator;
	if (cg_digest_valid(ref->locator)) {
		cg_err_t rc = cg_oci_blob_path(ref->locator, path, sizeof(path), err);
		if (rc)
			return rc;
		rel = path;
	}
	return store_open_path(s, rel, out, err);
}

static cg_err_t read_json_file(struct cg_source *s, const char *rel, size_t max, cg_json **out,
			       struct cg_error *err)
{
	struct cg_blob_ref ref = { (char *)rel, NULL, NULL, -1 };
	return cg_blob_read_json(s, &cg_source_oci, &ref, max, out, err);
}

/* Split "PATH[:REF]" at the first ':' (as skopeo does). */
static cg_err_t split_ref(const char *arg, char **path, char **ref, struct cg_error *err)
{
	const char *colon = strchr(arg, ':');
	*ref = NULL;
	*path = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
	if (colon && colon[1]) {
		*ref = strdup(colon + 1);
		if (!*ref) {
			free(*path);
			*path = NULL;
		}
	}
	if (!*path)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (!**path) {
		free(*path);
		free(*ref);
		return cg_error_set(err, CG_ERR_ARG, "missing path in the image reference");
	}
	return CG_OK;
}

/* Choose a descriptor of an index: by tag when given; the only entry of a
 * one-entry index; else by platform. */
static cg_err_t choose(const cg_json *index, const struct cg_platform *plat, const char *tag,
		       struct cg_blob_ref *out, struct cg_error *err)
{
	const cg_json *list = cg_json_get(index, "manifests");
	if (!tag && cg_json_array_len(list) == 1) {
		const cg_json *d = cg_json_array_at(list, 0);
		const cg_json *pf = cg_json_get(d, "platform");
		const char *os = cg_json_get_str(pf, "os");
		const char *arch = cg_json_get_str(pf, "architecture");
		if (os && arch && (strcmp(os, plat->os) || strcmp(arch, plat->arch)))
			return cg_error_set(err, CG_ERR_NOTFOUND,
					    "the image is for %.30s/%.30s, not %s/%s (see --platform)",
					    os, arch, plat->os, plat->arch);
		return cg_descriptor_parse(d, "index entry", out, err);
	}
	return cg_index_select(index, plat, tag, out, err);
}

/* OCI layout: index.json -> (tag or platform) -> manifest, resolving nested
 * indexes (at most 4 deep). */
static cg_err_t oci_resolve(struct cg_source *s, const char *tag, const struct cg_image_opts *opts,
			    const struct cg_image_limits *lim, struct cg_manifest *m,
			    struct cg_error *err)
{
	struct cg_platform plat;
	cg_json *doc = NULL, *layout = NULL;
	struct cg_blob_ref ref = { 0 };
	enum cg_manifest_kind kind;
	cg_err_t rc;

	rc = cg_platform_parse(opts ? opts->platform : NULL, &plat, err);
	if (rc)
		return rc;
	rc = read_json_file(s, "oci-layout", 4096, &layout, err);
	if (rc == CG_ERR_NOTFOUND)
		return cg_error_set(err, CG_ERR_INVALID, "not an OCI layout (no oci-layout file)");
	if (rc)
		return rc;
	if (!cg_json_get_str(layout, "imageLayoutVersion"))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "oci-layout has no imageLayoutVersion"));
	rc = read_json_file(s, "index.json", lim->max_json_bytes, &doc, err);
	if (rc)
		goto done;
	if (tag) {
		m->name = strdup(tag);
		if (!m->name)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	for (int depth = 0;; depth++) {
		if (depth > 4)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "indexes nested more than 4 deep"));
		rc = cg_manifest_kind(doc, &kind, err);
		if (rc)
			goto done;
		if (kind == CG_MANIFEST_IMAGE)
			break;
		cg_blob_ref_release(&ref);
		rc = depth == 0 ? choose(doc, &plat, tag, &ref, err)
				: cg_index_select(doc, &plat, NULL, &ref, err);
		if (rc)
			goto done;
		cg_json_free(doc);
		doc = NULL;
		rc = cg_blob_read_json(s, &cg_source_oci, &ref, lim->max_json_bytes, &doc, err);
		if (rc)
			goto done;
		free(m->digest);
		m->digest = strdup(ref.digest);
		if (!m->digest)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	rc = cg_manifest_from_json(doc, m, err);
done:
	cg_blob_ref_release(&ref);
	cg_json_free(doc);
	cg_json_free(layout);
	return rc;
}

/* ---- oci: and oci-archive: ------------------------------------------------ */

static cg_err_t oci_open_common(bool archive, const char *arg, const struct cg_image_opts *opts,
				const struct cg_image_limits *lim, struct cg_source **out,
				struct cg_manifest *m, struct cg_error *err)
{
	char *path = NULL, *tag = NULL;
	struct cg_source *s = NULL;
	cg_err_t rc = split_ref(arg, &path, &tag, err);
	if (rc)
		return rc;
	rc = archive ? store_open_archive(path, &s, err) : store_open_dir(path, &s, err);
	if (rc)
		goto done;
	rc = oci_resolve(s, tag, opts, lim, m, err);
done:
	if (rc) {
		cg_layout_store_close(s);
		s = NULL;
	}
	*out = s;
	free(path);
	free(tag);
	return rc;
}

static cg_err_t oci_dir_open(const char *arg, const struct cg_image_opts *opts,
			     const struct cg_image_limits *lim, struct cg_source **out,
			     struct cg_manifest *m, struct cg_error *err)
{
	return oci_open_common(false, arg, opts, lim, out, m, err);
}

static cg_err_t oci_archive_open(const char *arg, const struct cg_image_opts *opts,
				 const struct cg_image_limits *lim, struct cg_source **out,
				 struct cg_manifest *m, struct cg_error *err)
{
	return oci_open_common(true, arg, opts, lim, out, m, err);
}

const struct cg_source_ops cg_source_oci = {
	.transport = "oci",
	.open = oci_dir_open,
	.open_blob = layout_open_blob,
	.close = cg_layout_store_close,
};

const struct cg_source_ops cg_source_oci_archive = {
	.transport = "oci-archive",
	.open = oci_archive_open,
	.open_blob = layout_open_blob,
	.close = cg_layout_store_close,
};

/* ---- docker-archive: -------------------------------------------------------- */

/* "blobs/sha256/<hex>" or "<hex>.json" or "<hex>/layer.tar" -> a digest
 * when the name carries one (the content is verified against it). */
static char *digest_from_name(const char *name, bool is_layer)
{
	char d[CG_DIGEST_STR_LEN + 1];
	const char *hex = NULL;
	if (!strncmp(name, "blobs/sha256/", 13) && strlen(name) == 13 + 64)
		hex = name + 13;
	else if (!is_layer && strlen(name) == 64 + 5 && !strcmp(name + 64, ".json"))
		hex = name;
	if (!hex)
		return NULL;
	snprintf(d, sizeof(d), "sha256:%.64s", hex);
	return cg_digest_valid(d) ? strdup(d) : NULL;
}

/* A docker reference in its full form: "cguard/test:1" and
 * "docker.io/cguard/test:1" are one name, "ubuntu" is
 * "docker.io/library/ubuntu:latest". */
static void docker_ref_normalise(const char *in, char *out, size_t cap)
{
	const char *slash = strchr(in, '/');
	const char *last = strrchr(in, '/');
	bool has_domain = slash && (memchr(in, '.', (size_t)(slash - in)) ||
				    memchr(in, ':', (size_t)(slash - in)) ||
				    ((size_t)(slash - in) == 9 && !strncmp(in, "localhost", 9)));
	bool has_tag = strchr(last ? last : in, ':') || strchr(in, '@');
	snprintf(out, cap, "%s%s%s%s", has_domain ? "" : "docker.io/",
		 !has_domain && !slash ? "library/" : "", in, has_tag ? "" : ":latest");
}

static bool docker_ref_equal(const char *a, const char *b)
{
	char na[1024], nb[1024];
	docker_ref_normalise(a, na, sizeof(na));
	docker_ref_normalise(b, nb, sizeof(nb));
	return !strcmp(na, nb);
}

/* The image `want` ("NAME:TAG", "@N" or NULL for the only one) of a docker
 * save archive already opened as store s. */
static cg_err_t docker_archive_resolve(struct cg_source *s, const char *label, const char *want,
				       const struct cg_image_limits *lim, struct cg_manifest *m,
				       struct cg_error *err)
{
	cg_json *doc = NULL;
	const cg_json *entry = NULL, *layers;
	size_t n;
	cg_err_t rc;

	rc = read_json_file(s, "manifest.json", lim->max_json_bytes, &doc, err);
	if (rc == CG_ERR_NOTFOUND)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "%s: not a docker-archive (no manifest.json)", label));
	if (rc)
		goto done;
	n = cg_json_array_len(doc);
	if (!cg_json_is_array(doc) || n == 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "manifest.json lists no images"));
	if (!want) {
		if (n > 1)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG,
						 "the archive holds %zu images: name one as "
						 "docker-archive:FILE:NAME:TAG or FILE:@INDEX", n));
		entry = cg_json_array_at(doc, 0);
	} else if (want[0] == '@') {
		uint64_t i;
		if (!cg_view_to_u64(cg_view_make(want + 1, strlen(want + 1)), &i) || i >= n)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "no image %s in the archive", want));
		entry = cg_json_array_at(doc, (size_t)i);
	} else {
		for (size_t i = 0; i < n && !entry; i++) {
			const cg_json *tags = cg_json_get(cg_json_array_at(doc, i), "RepoTags");
			for (size_t k = 0; k < cg_json_array_len(tags); k++) {
				const char *t = cg_json_string(cg_json_array_at(tags, k));
				if (t && docker_ref_equal(t, want))
					entry = cg_json_array_at(doc, i);
			}
		}
		if (!entry)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "no image tagged '%s' in the archive",
						 want));
	}
	{
		const char *cfg = cg_json_get_str(entry, "Config");
		const char *tag0 = cg_json_string(cg_json_array_at(cg_json_get(entry, "RepoTags"), 0));
		if (!cfg)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "manifest.json entry has no Config"));
		m->config.locator = strdup(cfg);
		m->config.digest = digest_from_name(cfg, false);
		m->config.size = -1;
		m->media_type = strdup("application/vnd.docker.distribution.manifest.v2+json");
		m->name = cg_strdup_or_null(want && want[0] != '@' ? want : tag0);
		if (!m->config.locator || !m->media_type)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	layers = cg_json_get(entry, "Layers");
	n = cg_json_array_len(layers);
	if (!cg_json_is_array(layers))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "manifest.json entry has no Layers"));
	if (n > lim->max_layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "image has %zu layers, more than max_layers (%zu)",
					 n, lim->max_layers));
	m->layers = calloc(n ? n : 1, sizeof(*m->layers));
	if (!m->layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t i = 0; i < n; i++) {
		const char *l = cg_json_string(cg_json_array_at(layers, i));
		struct cg_blob_ref *r = &m->layers[i];
		if (!l)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "Layers[%zu] is not a string", i));
		r->locator = strdup(l);
		r->digest = digest_from_name(l, true);
		r->size = -1;
		m->nlayers++;
		if (!r->locator)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
done:
	cg_json_free(doc);
	return rc;
}

static cg_err_t docker_archive_open(const char *arg, const struct cg_image_opts *opts,
				    const struct cg_image_limits *lim, struct cg_source **out,
				    struct cg_manifest *m, struct cg_error *err)
{
	char *path = NULL, *want = NULL;
	struct cg_source *s = NULL;
	cg_err_t rc;

	(void)opts;
	rc = split_ref(arg, &path, &want, err);
	if (rc)
		return rc;
	rc = store_open_archive(path, &s, err);
	if (!rc)
		rc = docker_archive_resolve(s, path, want, lim, m, err);
	free(path);
	free(want);
	if (rc) {
		cg_layout_store_close(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

cg_err_t cg_docker_archive_open_fd(int fd, const char *label, const char *want,
				   const struct cg_image_limits *lim, struct cg_source **out,
				   struct cg_manifest *m, struct cg_error *err)
{
	struct cg_source *s = NULL;
	cg_err_t rc = store_open_archive_fd(fd, label, &s, err);
	if (!rc)
		rc = docker_archive_resolve(s, label, want, lim, m, err);
	if (rc) {
		cg_layout_store_close(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

/* docker-archive locators are member paths (and "blobs/sha256/..." paths are
 * member paths too), so open them as such. */
cg_err_t cg_docker_archive_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
				     struct cg_blob **out, struct cg_error *err)
{
	return store_open_path(s, ref->locator, out, err);
}

const struct cg_source_ops cg_source_docker_archive = {
	.transport = "docker-archive",
	.open = docker_archive_open,
	.open_blob = cg_docker_archive_open_blob,
	.close = cg_layout_store_close,
};
