#include "util/internal.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void cg_buf_init(struct cg_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void cg_buf_release(struct cg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void cg_buf_reset(struct cg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for `extra` more bytes plus the NUL. */
static cg_err_t buf_grow(struct cg_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;
	if (!cg_size_add(b->len, extra, &need) || need > b->max)
		return CG_ERR_LIMIT;
	if (!cg_size_add(need, 1, &need))
		return CG_ERR_OVERFLOW;
	if (need <= b->cap)
		return CG_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need) {
		if (!cg_size_mul(ncap, 2, &ncap)) {
			ncap = need;
			break;
		}
	}
	if (ncap > b->max + 1)
		ncap = b->max + 1 > need ? b->max + 1 : need;
	p = realloc(b->data, ncap);
	if (!p)
		return CG_ERR_NOMEM;
	b->data = p;
	b->cap = ncap;
	return CG_OK;
}

cg_err_t cg_buf_append(struct cg_buf *b, const void *p, size_t n)
{
	cg_err_t rc = buf_grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CG_OK;
}

cg_err_t cg_buf_puts(struct cg_buf *b, const char *s)
{
	return cg_buf_append(b, s, strlen(s));
}

cg_err_t cg_buf_putc(struct cg_buf *b, char c)
{
	return cg_buf_append(b, &c, 1);
}

cg_err_t cg_buf_vprintf(struct cg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	cg_err_t rc;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return CG_ERR_INVALID;
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CG_OK;
}

cg_err_t cg_buf_printf(struct cg_buf *b, const char *fmt, ...)
{
	va_list ap;
	cg_err_t rc;
	va_start(ap, fmt);
	rc = cg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *cg_buf_str(const struct cg_buf *b)
{
	return b->data ? b->data : "";
}

char *cg_buf_detach(struct cg_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p) {
		p = malloc(1);
		if (!p)
			return NULL;
		p[0] = '\0';
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

cg_err_t cg_buf_read_file(struct cg_buf *b, int dirfd, const char *path, struct cg_error *err)
{
	char chunk[65536];
	struct stat st;
	cg_err_t rc = CG_OK;
	int fd;

	if (!b || !path)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s",
				    path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: not a regular file", path));
	if ((uint64_t)st.st_size > b->max)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", path,
					 b->max));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno)));
		if (n == 0)
			break;
		if ((rc = cg_buf_append(b, chunk, (size_t)n)))
			CG_FAIL(rc, cg_error_set(err, rc, "%s: larger than %zu bytes", path, b->max));
	}
done:
	close(fd);
	return rc;
}
