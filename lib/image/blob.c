#include "util/internal.h"
#include "image/blob.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

struct region_blob {
	struct cg_blob b;
	int fd;
	bool own_fd;
	uint64_t off, left;
};

static ssize_t region_read(struct cg_blob *b, void *buf, size_t n)
{
	struct region_blob *r = (struct region_blob *)b;
	ssize_t got;
	if (r->left == 0)
		return 0;
	if (n > r->left)
		n = (size_t)r->left;
	do
		got = pread(r->fd, buf, n, (off_t)r->off);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		snprintf(b->why, sizeof(b->why), "read: %s", strerror(errno));
		return -1;
	}
	if (got == 0) {
		snprintf(b->why, sizeof(b->why), "file ends %llu bytes early",
			 (unsigned long long)r->left);
		return -1;
	}
	r->off += (uint64_t)got;
	r->left -= (uint64_t)got;
	return got;
}

static void region_close(struct cg_blob *b)
{
	struct region_blob *r = (struct region_blob *)b;
	if (r->own_fd)
		close(r->fd);
	free(r);
}

cg_err_t cg_blob_file_region(int fd, uint64_t off, uint64_t len, struct cg_blob **out)
{
	struct region_blob *r = calloc(1, sizeof(*r));
	if (!r)
		return CG_ERR_NOMEM;
	r->b.read = region_read;
	r->b.close = region_close;
	r->fd = fd;
	r->off = off;
	r->left = len;
	*out = &r->b;
	return CG_OK;
}

cg_err_t cg_blob_file_region_owned(int fd, uint64_t off, uint64_t len, struct cg_blob **out)
{
	cg_err_t rc = cg_blob_file_region(fd, off, len, out);
	if (!rc)
		((struct region_blob *)*out)->own_fd = true;
	return rc;
}

cg_err_t cg_blob_file_open(int dirfd, const char *path, struct cg_blob **out, struct cg_error *err)
{
	struct stat st;
	struct cg_blob *b = NULL;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cg_err_t rc;
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s", path,
				    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cg_error_set(err, CG_ERR_INVALID, "%s: not a regular file", path);
	}
	rc = cg_blob_file_region_owned(fd, 0, (uint64_t)st.st_size, &b);
	if (rc) {
		close(fd);
		return cg_error_set(err, rc, "%s", cg_strerror(rc));
	}
	*out = b;
	return CG_OK;
}

cg_err_t cg_blob_read_all(struct cg_blob *b, struct cg_buf *out, const char *what,
			  struct cg_error *err)
{
	char chunk[16384];
	for (;;) {
		ssize_t n = b->read(b, chunk, sizeof(chunk));
		cg_err_t rc;
		if (n < 0)
			return cg_error_set(err, CG_ERR_IO, "%s: %s", what, b->why);
		if (n == 0)
			return CG_OK;
		rc = cg_buf_append(out, chunk, (size_t)n);
		if (rc == CG_ERR_LIMIT)
			return cg_error_set(err, rc, "%s: larger than the limit of %zu bytes", what,
					    out->max);
		if (rc)
			return cg_error_set(err, rc, "%s: %s", what, cg_strerror(rc));
	}
}
