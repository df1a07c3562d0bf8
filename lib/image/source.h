/* Internal: image sources behind one ops table (skopeo transport names).
 * A source resolves a reference to a manifest (config + ordered layers) and
 * opens blobs as streams. */
#ifndef CG_IMAGE_SOURCE_H
#define CG_IMAGE_SOURCE_H

#include <cguard/image.h>
#include "image/blob.h"
#include "image/layer.h"

struct cg_blob_ref {
	char *locator;    /* where the source finds it: a path in the archive or folder, a digest */
	char *digest;     /* expected "sha256:..." of the blob, or NULL when the source cannot say */
	char *media_type; /* NULL when unknown */
	int64_t size;     /* -1 when unknown */
};

struct cg_manifest {
	char *media_type;
	char *digest;     /* of the manifest itself, when known */
	char *name;       /* "repo:tag" when the source knows one */
	struct cg_blob_ref config;
	struct cg_blob_ref *layers;
	size_t nlayers;
};

void cg_manifest_release(struct cg_manifest *m);
void cg_blob_ref_release(struct cg_blob_ref *r);

struct cg_source;

struct cg_source_ops {
	const char *transport;
	/* Open `arg` (the reference after "transport:") and fill the manifest. */
	cg_err_t (*open)(const char *arg, const struct cg_image_opts *opts,
			 const struct cg_image_limits *lim, struct cg_source **out,
			 struct cg_manifest *m, struct cg_error *err);
	cg_err_t (*open_blob)(struct cg_source *s, const struct cg_blob_ref *ref,
			      struct cg_blob **out, struct cg_error *err);
	/* Optional, for stores that keep layers unpacked (containers-storage):
	 * walk layer `index` of the manifest as a folder, called instead of
	 * open_blob + cg_layer_walk, from several threads at once. There is no
	 * tar to hash, so the layer's digest and diff_id are not verified; the
	 * source fills st->digest and st->diff_id with what its store recorded. */
	cg_err_t (*walk_layer)(struct cg_source *s, size_t index, const struct cg_image_limits *lim,
			       uint64_t *entries_left, const struct cg_layer_visitor *v,
			       struct cg_layer_stats *st, struct cg_error *err);
	void (*close)(struct cg_source *s);
};

#define CG_SOURCE(id) extern const struct cg_source_ops cg_source_##id;
#include "image/sources.def"
#undef CG_SOURCE

/* ---- src_layout.c: a docker save archive behind an open file ------------- */

/* Open the image `want` (NULL: the only one) of a docker save archive read
 * from fd (owned by the source from here on); label names it in messages.
 * The source's open_blob/close are the two functions below. */
cg_err_t cg_docker_archive_open_fd(int fd, const char *label, const char *want,
				   const struct cg_image_limits *lim, struct cg_source **out,
				   struct cg_manifest *m, struct cg_error *err);
cg_err_t cg_docker_archive_open_blob(struct cg_source *s, const struct cg_blob_ref *ref,
				     struct cg_blob **out, struct cg_error *err);
void cg_layout_store_close(struct cg_source *s);

/* ---- manifest.c: parsers shared by the sources (all bounded, untrusted) --- */

/* Parse "os/arch[/variant]" (NULL: linux/amd64). */
struct cg_platform {
	char os[32], arch[32], variant[32];
};
cg_err_t cg_platform_parse(const char *s, struct cg_platform *p, struct cg_error *err);

enum cg_manifest_kind {
	CG_MANIFEST_IMAGE, /* OCI image manifest or Docker v2 schema 2 */
	CG_MANIFEST_INDEX, /* OCI index or Docker manifest list */
};

/* Which kind a manifest document is (by mediaType, else by shape). */
cg_err_t cg_manifest_kind(const cg_json *doc, enum cg_manifest_kind *kind, struct cg_error *err);

/* From an index: the descriptor of the image manifest for the platform
 * (nested indexes are returned as they are: the caller resolves again).
 * `tag`, when not NULL, selects by org.opencontainers.image.ref.name. */
cg_err_t cg_index_select(const cg_json *index, const struct cg_platform *plat, const char *tag,
			 struct cg_blob_ref *out, struct cg_error *err);

/* A descriptor {mediaType, digest, size} (locator = digest). */
cg_err_t cg_descriptor_parse(const cg_json *d, const char *what, struct cg_blob_ref *out,
			     struct cg_error *err);

/* An image manifest's config and layers (locator = digest). */
cg_err_t cg_manifest_from_json(const cg_json *doc, struct cg_manifest *m, struct cg_error *err);

/* Locator for a digest in an OCI layout: "blobs/sha256/<hex>". */
cg_err_t cg_oci_blob_path(const char *digest, char *out, size_t cap, struct cg_error *err);

/* Read and parse a blob as JSON, bounded by max bytes, checking its digest
 * when ref->digest is set. */
cg_err_t cg_blob_read_json(struct cg_source *s, const struct cg_source_ops *ops,
			   const struct cg_blob_ref *ref, size_t max, cg_json **out,
			   struct cg_error *err);

/* Duplicate helpers that fail cleanly. */
char *cg_strdup_or_null(const char *s);

#endif
