#include "util/internal.h"
#include "util/arena.h"

#define CHUNK_MIN ((size_t)64 * 1024)
#define ALIGN 16

struct cg_arena_chunk {
	struct cg_arena_chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

void *cg_arena_alloc(struct cg_arena *a, size_t n)
{
	struct cg_arena_chunk *c = a->head;
	size_t need;
	if (!cg_size_add(n, ALIGN - 1, &need))
		return NULL;
	need &= ~(size_t)(ALIGN - 1);
	if (!c || c->size - c->used < need) {
		size_t size = need > CHUNK_MIN ? need : CHUNK_MIN, bytes;
		if (!cg_size_add(size, sizeof(*c), &bytes))
			return NULL;
		c = malloc(bytes);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += bytes;
	}
	c->used += need;
	a->used += need;
	return c->data + c->used - need;
}

char *cg_arena_strndup(struct cg_arena *a, const char *s, size_t n)
{
	size_t need;
	char *p;
	if (!cg_size_add(n, 1, &need))
		return NULL;
	p = cg_arena_alloc(a, need);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *cg_arena_strdup(struct cg_arena *a, const char *s)
{
	return s ? cg_arena_strndup(a, s, strlen(s)) : NULL;
}

void cg_arena_release(struct cg_arena *a)
{
	struct cg_arena_chunk *c = a->head;
	while (c) {
		struct cg_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = a->total = 0;
}
