/* Internal: a bump allocator freed in one step (one per layer walk, one per
 * inventory). Not thread-safe: one owner at a time. */
#ifndef CG_UTIL_ARENA_H
#define CG_UTIL_ARENA_H

#include <stddef.h>

struct cg_arena_chunk;

struct cg_arena {
	struct cg_arena_chunk *head;
	size_t used;  /* bytes handed out */
	size_t total; /* bytes allocated from malloc */
};

#define CG_ARENA_INIT { NULL, 0, 0 }

/* n bytes aligned for any type, or NULL when out of memory. */
void *cg_arena_alloc(struct cg_arena *a, size_t n);
/* Copy of s[0..n) with a NUL added; NULL when out of memory. */
char *cg_arena_strndup(struct cg_arena *a, const char *s, size_t n);
/* Copy of a NUL-terminated string (NULL in, NULL out). */
char *cg_arena_strdup(struct cg_arena *a, const char *s);
void cg_arena_release(struct cg_arena *a);

#endif
