/* Internal: one layer read as a stream. The blob is decompressed (gzip,
 * zstd or none, by magic), hashed twice (the compressed blob for its digest,
 * the tar stream for its diff_id), and walked entry by entry with libarchive;
 * nothing is written to disk. */
#ifndef CG_IMAGE_LAYER_H
#define CG_IMAGE_LAYER_H

#include <cguard/image.h>
#include "image/blob.h"
#include "util/digest.h"

enum cg_entry_type {
	CG_ENTRY_REG,
	CG_ENTRY_DIR,
	CG_ENTRY_SYMLINK,
	CG_ENTRY_HARDLINK,
	CG_ENTRY_OTHER,    /* devices, fifos, sockets */
	CG_ENTRY_WHITEOUT, /* ".wh.NAME": path is the removed NAME */
	CG_ENTRY_OPAQUE,   /* ".wh..wh..opq": path is the folder whose lower contents vanish */
};

struct cg_entry {
	const char *path; /* normalised: "/etc/passwd", never ".." or "//" */
	size_t path_len;
	enum cg_entry_type type;
	uint32_t mode;
	int64_t uid, gid;
	uint64_t size;
	const char *link; /* SYMLINK: the target as stored; HARDLINK: normalised target path */
};

struct cg_layer_visitor {
	/* 1: send this regular file's content through data()/end(); 0: skip it;
	 * an error code stops the walk (fill err). */
	int (*entry)(void *ud, const struct cg_entry *e, struct cg_error *err);
	cg_err_t (*data)(void *ud, const void *p, size_t n, struct cg_error *err);
	cg_err_t (*end)(void *ud, struct cg_error *err);
	/* Something in this layer was skipped (unsafe path, unreadable name). */
	void (*warn)(void *ud, const char *msg);
	void *ud;
	/* Optional: false when the rest of the current file is not needed
	 * (end() is still called). */
	bool (*more)(void *ud);
};

enum cg_compression { CG_COMP_NONE, CG_COMP_GZIP, CG_COMP_ZSTD };

struct cg_layer_stats {
	uint64_t compressed_bytes;
	uint64_t uncompressed_bytes;
	uint64_t entries;
	uint64_t skipped; /* entries skipped as unsafe or unreadable */
	enum cg_compression compression;
	char digest[CG_DIGEST_STR_LEN + 1];  /* of the blob as read */
	char diff_id[CG_DIGEST_STR_LEN + 1]; /* of the uncompressed tar */
};

/* The limits with defaults filled in. */
void cg_image_limits_resolve(const struct cg_image_limits *in, struct cg_image_limits *out);

/* Walk one layer. `entries_left` is shared across the image's layers (the
 * max_entries budget; decremented atomically). */
cg_err_t cg_layer_walk(struct cg_blob *blob, const struct cg_image_limits *lim,
		       uint64_t *entries_left, const struct cg_layer_visitor *v,
		       struct cg_layer_stats *st, struct cg_error *err);

/* Walk an open folder (fd, owned: closed here) as one layer; with overlay,
 * character devices 0/0 are whiteouts and folders with the overlay opaque
 * xattr are opaque (lib/image/src_rootfs.c). */
struct stat;
cg_err_t cg_dir_walk(int fd, const struct stat *sb, bool overlay,
		    const struct cg_image_limits *lim, uint64_t *entries_left,
		    const struct cg_layer_visitor *v, struct cg_layer_stats *st,
		    struct cg_error *err);
/* dir:ROOTFS as one layer. */
cg_err_t cg_rootfs_walk(const char *root, const struct cg_image_limits *lim,
			uint64_t *entries_left, const struct cg_layer_visitor *v,
			struct cg_layer_stats *st, struct cg_error *err);

/* Normalise an archive path into out (capacity cap): strip "./" and leading
 * "/", fold "//" and "/./", refuse ".." components. Returns the length, or 0
 * for the root itself, or -1 when the path is unsafe or too long. */
long cg_path_normalise(const char *in, size_t inlen, char *out, size_t cap);

#endif
