/* Reading container images: every source (skopeo transport names), layers
 * as streams (never unpacked to disk), whiteouts applied, and the software
 * inventory (packages, OS, files) built in one pass. */
#ifndef CGUARD_IMAGE_H
#define CGUARD_IMAGE_H

#include <cguard/content.h>
#include <cguard/buf.h>
#include <cguard/common.h>
#include <cguard/error.h>
#include <cguard/json.h>
#include <cguard/pkg.h>

/* Limits for hostile images; 0 in a field means the default in brackets.
 * Each limit that is hit is reported by name. */
struct cg_image_limits {
	uint64_t max_layer_bytes;   /* uncompressed bytes of one layer [16 GiB] */
	uint64_t max_total_bytes;   /* uncompressed bytes of all layers [64 GiB] */
	uint64_t max_ratio;         /* uncompressed/compressed ratio of a layer past 64 MiB [2000] */
	uint64_t max_entries;       /* tar entries over all layers [4,000,000] */
	size_t max_layers;          /* layers of one image [1000] */
	size_t max_path;            /* bytes of one path [4096] */
	size_t max_json_bytes;      /* manifest, index, config [8 MiB] */
	size_t max_buffered_bytes;  /* package-database file contents held at once [256 MiB] */
};

struct cg_image_opts {
	const char *platform;       /* "os/arch[/variant]" for indexes [linux/amd64] */
	const char *username;       /* registry credentials (docker://) */
	const char *password;
	const char *authfile;       /* docker config.json with registry credentials */
	const char *const *insecure_registries; /* hosts allowed without TLS verification */
	size_t ninsecure;
	const char *storage_root;   /* containers-storage: root [/var/lib/containers/storage] */
	const char *containerd_root;      /* containerd: root [/var/lib/containerd] */
	const char *containerd_namespace; /* containerd: namespace [default] */
	int threads;                /* layers read at once [number of CPUs, at most 4] */
	struct cg_image_limits limits;
	/* Called by cg_image_inventory() each time a layer has been read
	 * (done of total), from the reading threads: it must be thread-safe
	 * and quick. NULL: none. */
	void (*progress)(void *ud, size_t done, size_t total);
	void *progress_ud;
	/* Content checks run in the same pass (enum cg_check bits; 0: none),
	 * and their options (NULL: defaults). Their findings:
	 * cg_inventory_content_count() / cg_inventory_content_at(). */
	unsigned checks;
	const struct cg_content_opts *content;
};

struct cg_image;

/* Open an image by reference ("docker-archive:FILE", "oci:DIR[:TAG]",
 * "oci-archive:FILE[:TAG]", "dir:ROOTFS", ...). Reads the manifest and the
 * config; layers are read by cg_image_inventory(). */
CG_API cg_err_t cg_image_open(const char *ref, const struct cg_image_opts *opts,
			      struct cg_image **out, struct cg_error *err) CG_MUST_CHECK;
CG_API void cg_image_free(struct cg_image *img);

/* What the image says of itself. Strings stay valid while img lives. */
struct cg_image_info {
	const char *ref;             /* as given */
	const char *transport;       /* "docker-archive", "oci", ... */
	const char *name;            /* repository/tag when known, else NULL */
	const char *manifest_digest; /* "sha256:..." when known */
	const char *config_digest;   /* the image id */
	const char *os, *arch, *variant;
	const char *user;
	const char *created;
	size_t nlayers;
};
CG_API void cg_image_get_info(const struct cg_image *img, struct cg_image_info *info);
/* The parsed image config (OCI/Docker config JSON), borrowed; NULL for dir:. */
CG_API const cg_json *cg_image_config(const struct cg_image *img);

struct cg_os_info {
	const char *id;          /* os-release ID: debian, ubuntu, alpine, rhel, ... */
	const char *version_id;  /* "12", "3.19.1", "9.3" */
	const char *codename;    /* VERSION_CODENAME when given */
	const char *pretty_name;
	const char *id_like;
	bool distroless;         /* no shell and no package manager, only a package list */
};

/* One file of the merged view (after whiteouts). */
struct cg_file_info {
	const char *path;
	uint64_t size;
	int layer;
	const char *owner; /* name of the OS package owning it, or NULL */
};

struct cg_inventory;

/* Read every layer once and build the inventory: OS, packages (OS and
 * language), file ownership. Problems with single files are warnings
 * (cg_inventory_warning); hitting a limit or a corrupt layer is an error. */
CG_API cg_err_t cg_image_inventory(struct cg_image *img, struct cg_inventory **out,
				   struct cg_error *err) CG_MUST_CHECK;
CG_API void cg_inventory_free(struct cg_inventory *inv);

CG_API const struct cg_os_info *cg_inventory_os(const struct cg_inventory *inv); /* NULL: unknown */
CG_API size_t cg_inventory_pkg_count(const struct cg_inventory *inv);
CG_API const struct cg_pkg *cg_inventory_pkg(const struct cg_inventory *inv, size_t i);
/* The base image (IMG-15): the OS the layers hold, the base's name when the
 * image says it (the org.opencontainers.image.base.name label), and how many
 * of the first layers are the base's (by the history: up to the first CMD or
 * ENTRYPOINT, where base images end; 0 when the history does not say).
 * Strings borrowed from img and inv. registry: the domain of the image's own
 * name ("docker.io" for Docker Hub), NULL when the image has no name. */
struct cg_base_image {
	const char *os;       /* os-release PRETTY_NAME (or ID VERSION_ID), or NULL */
	const char *name;     /* or NULL */
	const char *digest;   /* org.opencontainers.image.base.digest, or NULL */
	size_t layers;
	char registry[256];   /* "" when unknown */
};
CG_API void cg_image_base(const struct cg_image *img, const struct cg_inventory *inv,
			  struct cg_base_image *out);

CG_API size_t cg_inventory_content_count(const struct cg_inventory *inv);
CG_API const struct cg_content_finding *cg_inventory_content_at(const struct cg_inventory *inv,
								size_t i);
CG_API size_t cg_inventory_warning_count(const struct cg_inventory *inv);
CG_API const char *cg_inventory_warning(const struct cg_inventory *inv, size_t i);

/* IMG-08 file information. */
struct cg_file_stats {
	uint64_t owned_files, owned_bytes;     /* owned by an OS package */
	uint64_t unowned_files, unowned_bytes; /* regular files no OS package owns */
};
CG_API void cg_inventory_file_stats(const struct cg_inventory *inv, struct cg_file_stats *st);
/* The largest unowned regular files, largest first (at most `max`). */
CG_API size_t cg_inventory_top_unowned(const struct cg_inventory *inv, struct cg_file_info *out,
				       size_t max);

enum cg_sbom_format { CG_SBOM_JSON, CG_SBOM_CYCLONEDX, CG_SBOM_SPDX, CG_SBOM_TABLE };
CG_API cg_err_t cg_sbom_format_parse(const char *name, enum cg_sbom_format *out);
/* Write the inventory in a format. */
CG_API cg_err_t cg_inventory_write(const struct cg_image *img, const struct cg_inventory *inv,
				   enum cg_sbom_format fmt, struct cg_buf *out,
				   struct cg_error *err) CG_MUST_CHECK;

/* The package URL of a package in the context of an OS (for the distro
 * qualifier of OS packages). */
CG_API cg_err_t cg_pkg_purl(const struct cg_pkg *p, const struct cg_os_info *os,
			    struct cg_buf *out) CG_MUST_CHECK;

#endif
