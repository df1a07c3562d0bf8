/* Internal: an index of an uncompressed tar file on disk (docker save
 * archives, OCI archives): member name -> byte range, so that members can be
 * read as independent streams (in parallel) without extracting anything. */
#ifndef CG_IMAGE_TARINDEX_H
#define CG_IMAGE_TARINDEX_H

#include <stdint.h>
#include <cguard/error.h>

struct cg_tar_member {
	char *name;   /* normalised: "/blobs/sha256/..." */
	char *link;   /* symlink target as stored, or NULL for a regular file */
	uint64_t offset, size;
};

struct cg_tar_index {
	struct cg_tar_member *m;
	size_t n, cap;
};

/* Index the tar read through pread on fd (size bytes). At most max_members
 * members; names longer than 4096 bytes or unsafe are an error. */
cg_err_t cg_tar_index_build(int fd, uint64_t size, size_t max_members, struct cg_tar_index *idx,
			    struct cg_error *err);
/* Index a tar held in memory (for tests and fuzzing). */
cg_err_t cg_tar_index_build_mem(const void *data, size_t size, size_t max_members,
				struct cg_tar_index *idx, struct cg_error *err);
/* The regular file named `name` (normalised first; symlinks followed, at
 * most 8), or NULL. */
const struct cg_tar_member *cg_tar_index_find(const struct cg_tar_index *idx, const char *name);
void cg_tar_index_release(struct cg_tar_index *idx);

#endif
