/* Manifests, indexes, platforms: the parts every source shares. */
#include "util/internal.h"
#include "util/digest.h"
#include "image/source.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

char *cg_strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void cg_blob_ref_release(struct cg_blob_ref *r)
{
	free(r->locator);
	free(r->digest);
	free(r->media_type);
	r->locator = r->digest = r->media_type = NULL;
}

void cg_manifest_release(struct cg_manifest *m)
{
	free(m->media_type);
	free(m->digest);
	free(m->name);
	cg_blob_ref_release(&m->config);
	for (size_t i = 0; i < m->nlayers; i++)
		cg_blob_ref_release(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static bool copy_field(char *dst, size_t cap, const char *s, size_t start, size_t end)
{
	if (end - start >= cap || end == start)
		return false;
	memcpy(dst, s + start, end - start);
	dst[end - start] = '\0';
	return true;
}

cg_err_t cg_platform_parse(const char *s, struct cg_platform *p, struct cg_error *err)
{
	size_t n, a, b;
	memset(p, 0, sizeof(*p));
	if (!s || !*s)
		s = "linux/amd64";
	n = strlen(s);
	a = strcspn(s, "/");
	if (a == n)
		return cg_error_set(err, CG_ERR_ARG, "platform '%s': want OS/ARCH[/VARIANT]", s);
	b = a + 1 + strcspn(s + a + 1, "/");
	if (!copy_field(p->os, sizeof(p->os), s, 0, a) ||
	    !copy_field(p->arch, sizeof(p->arch), s, a + 1, b) ||
	    (b < n && !copy_field(p->variant, sizeof(p->variant), s, b + 1, n)) ||
	    strchr(p->variant, '/'))
		return cg_error_set(err, CG_ERR_ARG, "platform '%s': want OS/ARCH[/VARIANT]", s);
	return CG_OK;
}

cg_err_t cg_manifest_kind(const cg_json *doc, enum cg_manifest_kind *kind, struct cg_error *err)
{
	const char *mt = cg_json_get_str(doc, "mediaType");
	int64_t schema = 0;
	if (!cg_json_is_object(doc))
		return cg_error_set(err, CG_ERR_INVALID, "manifest is not a JSON object");
	if (cg_json_get_int(doc, "schemaVersion", &schema) && schema == 1)
		return cg_error_set(err, CG_ERR_UNSUPPORTED,
				    "Docker schema 1 manifests are not supported (deprecated since 2017)");
	if (mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))) {
		*kind = CG_MANIFEST_INDEX;
		return CG_OK;
	}
	if (mt && (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST))) {
		*kind = CG_MANIFEST_IMAGE;
		return CG_OK;
	}
	if (mt)
		return cg_error_set(err, CG_ERR_UNSUPPORTED, "unsupported manifest media type '%.100s'",
				    mt);
	/* OCI allows mediaType to be absent: decide by shape */
	if (cg_json_is_array(cg_json_get(doc, "manifests"))) {
		*kind = CG_MANIFEST_INDEX;
		return CG_OK;
	}
	if (cg_json_is_object(cg_json_get(doc, "config")) &&
	    cg_json_is_array(cg_json_get(doc, "layers"))) {
		*kind = CG_MANIFEST_IMAGE;
		return CG_OK;
	}
	return cg_error_set(err, CG_ERR_INVALID, "neither an image manifest nor an index");
}

/* A descriptor (mediaType, digest, size) into a blob ref. */
cg_err_t cg_descriptor_parse(const cg_json *d, const char *what, struct cg_blob_ref *out,
			    struct cg_error *err)
{
	const char *digest = cg_json_get_str(d, "digest");
	const char *mt = cg_json_get_str(d, "mediaType");
	int64_t size = -1;
	memset(out, 0, sizeof(*out));
	if (!cg_json_is_object(d))
		return cg_error_set(err, CG_ERR_INVALID, "%s: descriptor is not an object", what);
	if (!cg_digest_valid(digest))
		return cg_error_set(err, CG_ERR_INVALID, "%s: missing or unsupported digest '%.100s'",
				    what, digest ? digest : "");
	if (cg_json_get(d, "size") && (!cg_json_get_int(d, "size", &size) || size < 0))
		return cg_error_set(err, CG_ERR_INVALID, "%s: bad size", what);
	out->size = size;
	out->digest = strdup(digest);
	out->locator = strdup(digest);
	out->media_type = cg_strdup_or_null(mt);
	if (!out->digest || !out->locator || (mt && !out->media_type)) {
		cg_blob_ref_release(out);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

cg_err_t cg_index_select(const cg_json *index, const struct cg_platform *plat, const char *tag,
			 struct cg_blob_ref *out, struct cg_error *err)
{
	const cg_json *list = cg_json_get(index, "manifests");
	size_t n = cg_json_array_len(list);
	const cg_json *best = NULL;
	int best_score = 0;
	if (!cg_json_is_array(list))
		return cg_error_set(err, CG_ERR_INVALID, "index has no manifests array");
	if (n == 0)
		return cg_error_set(err, CG_ERR_NOTFOUND, "index lists no manifests");
	for (size_t i = 0; i < n; i++) {
		const cg_json *d = cg_json_array_at(list, i);
		const cg_json *pf = cg_json_get(d, "platform");
		const char *ref = cg_json_get_str(cg_json_get(d, "annotations"),
						  "org.opencontainers.image.ref.name");
		int score;
		if (tag) {
			if (ref && !strcmp(ref, tag)) {
				best = d;
				break;
			}
			continue;
		}
		if (!pf) {
			score = 1; /* no platform given: usable when nothing better exists */
		} else {
			const char *os = cg_json_get_str(pf, "os");
			const char *arch = cg_json_get_str(pf, "architecture");
			const char *var = cg_json_get_str(pf, "variant");
			if (!os || !arch || strcmp(os, plat->os) || strcmp(arch, plat->arch))
				continue; /* also skips attestations (unknown/unknown) */
			if (plat->variant[0])
				score = var && !strcmp(var, plat->variant) ? 3 : 0;
			else
				score = var ? 2 : 3;
			if (!score)
				continue;
		}
		if (score > best_score) {
			best = d;
			best_score = score;
		}
	}
	if (!best) {
		if (tag)
			return cg_error_set(err, CG_ERR_NOTFOUND, "no manifest tagged '%s' in the index",
					    tag);
		return cg_error_set(err, CG_ERR_NOTFOUND, "no manifest for platform %s/%s%s%s",
				    plat->os, plat->arch, plat->variant[0] ? "/" : "", plat->variant);
	}
	return cg_descriptor_parse(best, "index entry", out, err);
}

cg_err_t cg_manifest_from_json(const cg_json *doc, struct cg_manifest *m, struct cg_error *err)
{
	const cg_json *layers = cg_json_get(doc, "layers");
	size_t n = cg_json_array_len(layers);
	cg_err_t rc;
	if (!cg_json_is_array(layers))
		return cg_error_set(err, CG_ERR_INVALID, "manifest has no layers array");
	rc = cg_descriptor_parse(cg_json_get(doc, "config"), "config", &m->config, err);
	if (rc)
		return rc;
	m->layers = calloc(n ? n : 1, sizeof(*m->layers));
	if (!m->layers)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char what[32];
		snprintf(what, sizeof(what), "layer %zu", i);
		rc = cg_descriptor_parse(cg_json_array_at(layers, i), what, &m->layers[i], err);
		if (rc)
			return rc;
		m->nlayers++;
	}
	if (!m->media_type) {
		const char *mt = cg_json_get_str(doc, "mediaType");
		m->media_type = strdup(mt ? mt : MT_OCI_MANIFEST);
		if (!m->media_type)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

cg_err_t cg_oci_blob_path(const char *digest, char *out, size_t cap, struct cg_error *err)
{
	if (!cg_digest_valid(digest))
		return cg_error_set(err, CG_ERR_INVALID, "bad digest '%.100s'", digest ? digest : "");
	if ((size_t)snprintf(out, cap, "blobs/sha256/%s", digest + 7) >= cap)
		return cg_error_set(err, CG_ERR_INTERNAL, "path buffer too small");
	return CG_OK;
}

cg_err_t cg_blob_read_json(struct cg_source *s, const struct cg_source_ops *ops,
			   const struct cg_blob_ref *ref, size_t max, cg_json **out,
			   struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(max);
	struct cg_blob *blob = NULL;
	struct cg_json_limits lim = { .max_bytes = max };
	char got[CG_DIGEST_STR_LEN + 1];
	cg_err_t rc;

	*out = NULL;
	rc = ops->open_blob(s, ref, &blob, err);
	if (rc)
		goto done;
	rc = cg_blob_read_all(blob, &b, ref->locator, err);
	if (rc)
		goto done;
	if (ref->digest) {
		rc = cg_sha256_hex(b.data ? b.data : "", b.len, got);
		if (rc)
			CG_FAIL(rc, cg_error_set(err, rc, "sha256 failed"));
		if (strcmp(got, ref->digest) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY,
						 "%s: digest mismatch: content is %s", ref->locator,
						 got));
	}
	rc = cg_json_parse(cg_buf_str(&b), b.len, &lim, out, err);
done:
	cg_blob_close(blob);
	cg_buf_release(&b);
	return rc;
}
