/* Internal: bounded access to untrusted bytes.
 *
 *  - overflow-checked size arithmetic (cg_size_add/mul),
 *  - a checked byte view (struct cg_view): every read is bounds-checked and
 *    fails instead of reading past the end,
 *  - a cursor over a view with a bounded tokenizer. */
#ifndef CG_UTIL_VIEW_H
#define CG_UTIL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* true and *out = a + b, or false on overflow. */
static inline bool cg_size_add(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

static inline bool cg_size_mul(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* A read-only window onto bytes owned by someone else. */
struct cg_view {
	const uint8_t *p;
	size_t len;
};

static inline struct cg_view cg_view_make(const void *p, size_t len)
{
	struct cg_view v = { (const uint8_t *)p, p ? len : 0 };
	return v;
}

/* Sub-view [off, off+n); false if it does not fit. */
static inline bool cg_view_sub(struct cg_view v, size_t off, size_t n, struct cg_view *out)
{
	size_t end;
	if (!cg_size_add(off, n, &end) || end > v.len)
		return false;
	out->p = v.p + off;
	out->len = n;
	return true;
}

static inline bool cg_view_u8(struct cg_view v, size_t off, uint8_t *out)
{
	if (off >= v.len)
		return false;
	*out = v.p[off];
	return true;
}

static inline bool cg_view_u16be(struct cg_view v, size_t off, uint16_t *out)
{
	if (off > v.len || v.len - off < 2)
		return false;
	*out = (uint16_t)(((unsigned)v.p[off] << 8) | v.p[off + 1]);
	return true;
}

static inline bool cg_view_u32be(struct cg_view v, size_t off, uint32_t *out)
{
	if (off > v.len || v.len - off < 4)
		return false;
	*out = ((uint32_t)v.p[off] << 24) | ((uint32_t)v.p[off + 1] << 16) |
	       ((uint32_t)v.p[off + 2] << 8) | v.p[off + 3];
	return true;
}

static inline bool cg_view_u32le(struct cg_view v, size_t off, uint32_t *out)
{
	if (off > v.len || v.len - off < 4)
		return false;
	*out = ((uint32_t)v.p[off + 3] << 24) | ((uint32_t)v.p[off + 2] << 16) |
	       ((uint32_t)v.p[off + 1] << 8) | v.p[off];
	return true;
}

static inline bool cg_view_u64le(struct cg_view v, size_t off, uint64_t *out)
{
	uint32_t lo, hi;
	if (!cg_view_u32le(v, off, &lo) || !cg_view_u32le(v, off + 4, &hi))
		return false;
	*out = ((uint64_t)hi << 32) | lo;
	return true;
}

/* A cursor: a view plus a read position. */
struct cg_cursor {
	struct cg_view v;
	size_t pos;
};

static inline void cg_cursor_init(struct cg_cursor *c, const void *p, size_t len)
{
	c->v = cg_view_make(p, len);
	c->pos = 0;
}

static inline size_t cg_cursor_left(const struct cg_cursor *c)
{
	return c->v.len - c->pos;
}

static inline bool cg_cursor_eof(const struct cg_cursor *c)
{
	return c->pos >= c->v.len;
}

/* Bounded tokenizer: the next token up to (not including) `delim` or the end.
 * The delimiter is consumed. Fails (returns false, cursor unchanged) when the
 * cursor is at the end or the token is longer than `max`. */
static inline bool cg_cursor_token(struct cg_cursor *c, char delim, size_t max, struct cg_view *tok)
{
	const uint8_t *start, *hit;
	size_t left, n;
	if (cg_cursor_eof(c))
		return false;
	start = c->v.p + c->pos;
	left = cg_cursor_left(c);
	hit = memchr(start, (unsigned char)delim, left);
	n = hit ? (size_t)(hit - start) : left;
	if (n > max)
		return false;
	tok->p = start;
	tok->len = n;
	c->pos += n + (hit ? 1 : 0);
	return true;
}

/* The next line (without "\n" and a trailing "\r"); false at the end or when
 * the line exceeds `max`. */
static inline bool cg_cursor_line(struct cg_cursor *c, size_t max, struct cg_view *line)
{
	if (!cg_cursor_token(c, '\n', max, line))
		return false;
	if (line->len && line->p[line->len - 1] == '\r')
		line->len--;
	return true;
}

/* Does view v equal the NUL-terminated string s? */
static inline bool cg_view_eq(struct cg_view v, const char *s)
{
	size_t n = strlen(s);
	return v.len == n && (n == 0 || memcmp(v.p, s, n) == 0);
}

/* Parse an unsigned decimal number filling the whole view; false on empty,
 * non-digit or overflow. */
static inline bool cg_view_to_u64(struct cg_view v, uint64_t *out)
{
	uint64_t x = 0;
	if (v.len == 0)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		unsigned d = (unsigned)v.p[i] - '0';
		if (d > 9 || __builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, d, &x))
			return false;
	}
	*out = x;
	return true;
}

#endif
