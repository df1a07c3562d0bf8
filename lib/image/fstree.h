/* Internal: the merged file tree of an image (layers applied in order, with
 * whiteouts and opaque folders), built after the layers were read. Nodes are
 * found by (parent, name) in one hash table; subtrees unlink in O(size). */
#ifndef CG_IMAGE_FSTREE_H
#define CG_IMAGE_FSTREE_H

#include "image/layer.h"
#include "util/arena.h"

struct cg_capture; /* buffered content of a file (image.c) */

struct cg_fsnode {
	struct cg_fsnode *parent, *child, *next, *prev; /* tree; children doubly linked */
	struct cg_fsnode *hnext;                        /* hash chain */
	const char *name;
	uint32_t name_len;
	uint8_t type;      /* enum cg_entry_type: REG, DIR, SYMLINK, OTHER (hardlinks become REG) */
	uint32_t mode;
	int layer;
	uint64_t size;
	const char *link;  /* symlink target */
	struct cg_capture *content;
	uint32_t owner;    /* 1 + index of the owning OS package, 0 for none */
};

struct cg_fstree {
	struct cg_arena arena;
	struct cg_fsnode root;
	struct cg_fsnode **buckets;
	size_t nbuckets, count;
};

cg_err_t cg_fstree_init(struct cg_fstree *t);
void cg_fstree_release(struct cg_fstree *t);

/* The node at a normalised path ("/a/b"), creating missing folders; NULL
 * when out of memory. An existing node is returned as it is. */
struct cg_fsnode *cg_fstree_insert(struct cg_fstree *t, const char *path, size_t len);
/* Lookup without following symlinks. */
struct cg_fsnode *cg_fstree_get(const struct cg_fstree *t, const char *path, size_t len);
/* Lookup following symlinks in every component (and in the last one when
 * follow_last), at most 40 of them, never leaving the root. */
struct cg_fsnode *cg_fstree_resolve(const struct cg_fstree *t, const char *path, size_t len,
				    bool follow_last);
/* Remove a node and everything below it (not the root). */
void cg_fstree_remove(struct cg_fstree *t, struct cg_fsnode *n);
/* Remove everything below a node. */
void cg_fstree_clear(struct cg_fstree *t, struct cg_fsnode *n);
/* The absolute path of a node into buf; false when it does not fit. */
bool cg_fstree_path(const struct cg_fsnode *n, char *buf, size_t cap);

/* Depth-first walk; fn returning non-zero stops it. */
int cg_fstree_walk(struct cg_fstree *t, int (*fn)(struct cg_fsnode *n, void *ud), void *ud);

#endif
