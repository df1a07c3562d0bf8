/* Internal: a blob is a readable byte stream (a layer, a config, a manifest)
 * from any source: a region of a local file, a file in a folder, an HTTP body. */
#ifndef CG_IMAGE_BLOB_H
#define CG_IMAGE_BLOB_H

#include <sys/types.h>
#include <cguard/error.h>

struct cg_blob {
	/* Read up to n bytes: >0 bytes read, 0 at the end, -1 on error (with
	 * the reason in `why`). */
	ssize_t (*read)(struct cg_blob *b, void *buf, size_t n);
	void (*close)(struct cg_blob *b);
	char why[256];
};

/* A blob over bytes [off, off+len) of an open file (pread; the fd is
 * borrowed and may be shared by several blobs read in parallel). */
cg_err_t cg_blob_file_region(int fd, uint64_t off, uint64_t len, struct cg_blob **out);
/* The same, and the blob closes fd when it is closed. */
cg_err_t cg_blob_file_region_owned(int fd, uint64_t off, uint64_t len, struct cg_blob **out);
/* A blob over a whole file; path opened with O_NOFOLLOW. */
cg_err_t cg_blob_file_open(int dirfd, const char *path, struct cg_blob **out, struct cg_error *err);

static inline void cg_blob_close(struct cg_blob *b)
{
	if (b)
		b->close(b);
}

/* Read a whole blob into out (capped by out->max); CG_ERR_LIMIT past it. */
cg_err_t cg_blob_read_all(struct cg_blob *b, struct cg_buf *out, const char *what,
			  struct cg_error *err);

#endif
