/* Internal: the image and inventory structures (lib/image/image.c,
 * inventory.c, sbom.c). */
#ifndef CG_IMAGE_INT_H
#define CG_IMAGE_INT_H

#include <cguard/image.h>
#include "image/fstree.h"
#include "image/source.h"
#include "pkg/collector.h"
#include "util/arena.h"

struct cg_image {
	char *ref;
	const struct cg_source_ops *ops;
	struct cg_source *src;
	struct cg_manifest m;
	cg_json *config;
	const char **diff_ids; /* borrowed from config */
	struct cg_image_limits lim;
	int threads;
	void (*progress)(void *ud, size_t done, size_t total);
	void *progress_ud;
	unsigned checks;                  /* enum cg_check bits */
	struct cg_content_opts content;   /* strings borrowed from the caller's options */
	struct cg_image_info info;
	char *rootfs; /* dir: transport */
};

/* Content of a file buffered for collectors. */
struct cg_capture {
	unsigned char *data;
	size_t len;
	uint64_t collectors; /* bit i: collector i of the table wants it */
	bool truncated;      /* over a collector's max_size: not read */
};

struct cg_inventory {
	struct cg_arena arena;
	struct cg_os_info os;
	bool have_os;
	struct cg_pkg *pkgs;
	size_t npkgs, cappkgs;
	char **warnings;
	size_t nwarnings, capwarnings;
	struct cg_fstree tree;
	struct cg_file_stats stats;
	struct cg_file_info *top;
	size_t ntop;
	struct cg_layer_stats *layers;
	size_t nlayers;
	struct cg_content_finding *content; /* strings in arena */
	size_t ncontent, capcontent;
};

/* The collectors, in table order (lib/pkg/collectors.def), plus the OS
 * identification pseudo-collector at index 0. */
size_t cg_collector_count(void);
const struct cg_pkg_collector *cg_collector_at(size_t i);

/* os-release and friends (lib/image/osrelease.c). */
bool cg_os_match(const char *path, size_t len);
void cg_os_identify(struct cg_inventory *inv, struct cg_fstree *t);

void cg_inventory_warn(struct cg_inventory *inv, const char *fmt, ...) CG_PRINTF(2, 3);

/* Baseline checks on the merged tree (lib/image/baseline.c). */
struct cg_content_sink;
cg_err_t cg_baseline_tree_(struct cg_inventory *inv, const struct cg_content_sink *sink,
			   struct cg_error *err);
/* The trusted-registry check (lib/image/baseimage.c). */
cg_err_t cg_registry_check_(const struct cg_image *img, const struct cg_content_sink *sink,
			    struct cg_error *err);

#endif
