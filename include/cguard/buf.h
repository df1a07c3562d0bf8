/* The one growable byte/string buffer (after curl's dynbuf, git's strbuf).
 *
 * Invariants: `data` is NULL or points to `cap` bytes with data[len] == '\0';
 * `len` never exceeds `max`, the cap fixed at init. An append that would pass
 * the cap fails with CG_ERR_LIMIT and leaves the buffer unchanged. */
#ifndef CGUARD_BUF_H
#define CGUARD_BUF_H

#include <stdarg.h>
#include <cguard/common.h>
#include <cguard/error.h>

struct cg_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

#define CG_BUF_INIT(max_) { NULL, 0, 0, (max_) }

CG_API void cg_buf_init(struct cg_buf *b, size_t max);
CG_API void cg_buf_release(struct cg_buf *b);
/* Empty the buffer, keeping its memory. */
CG_API void cg_buf_reset(struct cg_buf *b);
CG_API cg_err_t cg_buf_append(struct cg_buf *b, const void *p, size_t n) CG_MUST_CHECK;
CG_API cg_err_t cg_buf_puts(struct cg_buf *b, const char *s) CG_MUST_CHECK;
CG_API cg_err_t cg_buf_putc(struct cg_buf *b, char c) CG_MUST_CHECK;
CG_API cg_err_t cg_buf_printf(struct cg_buf *b, const char *fmt, ...) CG_PRINTF(2, 3) CG_MUST_CHECK;
CG_API cg_err_t cg_buf_vprintf(struct cg_buf *b, const char *fmt, va_list ap)
	CG_PRINTF(2, 0) CG_MUST_CHECK;
/* The contents as a string ("" when empty; never NULL). */
CG_API const char *cg_buf_str(const struct cg_buf *b);
/* Hand the heap string to the caller (free() it); the buffer becomes empty.
 * Returns NULL only on allocation failure. */
CG_API char *cg_buf_detach(struct cg_buf *b, size_t *len);
/* Append a regular file's contents (path relative to dirfd; AT_FDCWD for the
 * working directory), up to the buffer's cap: CG_ERR_LIMIT past it, CG_ERR_IO
 * (message names the path) when it cannot be read or is not a regular file. */
struct cg_error;
CG_API cg_err_t cg_buf_read_file(struct cg_buf *b, int dirfd, const char *path,
				 struct cg_error *err) CG_MUST_CHECK;

#endif
