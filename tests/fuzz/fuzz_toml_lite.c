/* Fuzz target: the TOML reader (lib/pkg/toml_lite.c).
 *
 * Every event is checked (strings NUL-terminated at their length, no NUL
 * inside, valid UTF-8; paths within CG_TOML_MAX_PATH; key/values with a
 * key) and folded into a hash; a second parse of the same bytes must give
 * the same events, the same result and the same message. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "pkg/toml_lite.h"

struct acc {
	uint64_t hash;
	size_t events;
};

static void mix(struct acc *a, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		a->hash = (a->hash ^ s[i]) * 0x100000001b3ULL;
	a->hash = (a->hash ^ 0xff) * 0x100000001b3ULL;
}

static void check_str(struct acc *a, const struct cg_toml_str *s)
{
	const unsigned char *p = (const unsigned char *)s->p;
	if (!p || p[s->len] != '\0' || memchr(p, '\0', s->len))
		abort();
	for (size_t i = 0; i < s->len;) {
		unsigned c = p[i], need = c < 0x80	       ? 0
					  : (c & 0xe0) == 0xc0 ? 1
					  : (c & 0xf0) == 0xe0 ? 2
					  : (c & 0xf8) == 0xf0 ? 3
							       : 9;
		if (need == 9 || s->len - i - 1 < need)
			abort();
		for (unsigned k = 1; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
		i += need + 1;
	}
	mix(a, p, s->len);
}

static cg_err_t on_event(void *ud, const struct cg_toml_event *ev)
{
	struct acc *a = ud;
	a->events++;
	mix(a, &ev->kind, sizeof(ev->kind));
	if (ev->ntable > CG_TOML_MAX_PATH || ev->nkey > CG_TOML_MAX_PATH || ev->line == 0)
		abort();
	for (size_t i = 0; i < ev->ntable; i++)
		check_str(a, &ev->table[i]);
	if (ev->kind == CG_TOML_TABLE || ev->kind == CG_TOML_ARRAY_TABLE) {
		if (ev->ntable == 0 || ev->nkey != 0)
			abort();
		return CG_OK;
	}
	if (ev->nkey == 0)
		abort();
	for (size_t i = 0; i < ev->nkey; i++)
		check_str(a, &ev->key[i]);
	if (ev->kind == CG_TOML_STRING || ev->kind == CG_TOML_SCALAR) {
		check_str(a, &ev->str);
		if (ev->kind == CG_TOML_SCALAR && ev->str.len == 0)
			abort();
	} else if (ev->kind == CG_TOML_ARRAY) {
		if (ev->nitems > CG_TOML_MAX_ITEMS)
			abort();
		for (size_t i = 0; i < ev->nitems; i++)
			check_str(a, &ev->items[i]);
	} else {
		abort();
	}
	return CG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc a = {0xcbf29ce484222325ULL, 0}, b = {0xcbf29ce484222325ULL, 0};
	struct cg_error ea, eb;
	cg_err_t ra, rb;
	ra = cg_toml_parse(data, size, on_event, &a, &ea);
	rb = cg_toml_parse(data, size, on_event, &b, &eb);
	if (ra != rb || a.hash != b.hash || a.events != b.events)
		abort();
	if (ra != CG_OK && (ra != CG_ERR_INVALID && ra != CG_ERR_LIMIT && ra != CG_ERR_NOMEM))
		abort();
	if (ra != CG_OK && strcmp(ea.msg, eb.msg) != 0)
		abort();
	return 0;
}
