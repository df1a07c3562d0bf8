/* Fuzz target: one layer through the whole reading path (decompression by
 * magic, digests, libarchive's tar reader, path normalisation, whiteouts)
 * with small limits, then the merged tree built from what it recorded. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "util/internal.h"
#include "image/fstree.h"
#include "image/layer.h"

struct mem_blob {
	struct cg_blob b;
	const uint8_t *p;
	size_t left;
};

static ssize_t mem_read(struct cg_blob *b, void *buf, size_t n)
{
	struct mem_blob *m = (struct mem_blob *)b;
	if (n > m->left)
		n = m->left;
	/* odd chunk sizes exercise the stream boundaries */
	if (n > 777)
		n = 777;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

static void mem_close(struct cg_blob *b) { (void)b; }

struct rec {
	struct cg_fstree t;
	size_t bytes;
};

static int on_entry(void *ud, const struct cg_entry *e, struct cg_error *err)
{
	struct rec *r = ud;
	struct cg_fsnode *n;
	(void)err;
	if (e->type == CG_ENTRY_WHITEOUT || e->type == CG_ENTRY_OPAQUE) {
		n = cg_fstree_get(&r->t, e->path, e->path_len);
		if (n && e->type == CG_ENTRY_WHITEOUT)
			cg_fstree_remove(&r->t, n);
		else if (n)
			cg_fstree_clear(&r->t, n);
		return 0;
	}
	n = cg_fstree_insert(&r->t, e->path, e->path_len);
	if (!n)
		return -(int)CG_ERR_NOMEM;
	if (e->type != CG_ENTRY_DIR && n->child)
		cg_fstree_clear(&r->t, n);
	n->type = e->type == CG_ENTRY_HARDLINK ? CG_ENTRY_REG : e->type;
	if (e->type == CG_ENTRY_SYMLINK)
		n->link = cg_arena_strdup(&r->t.arena, e->link);
	/* a symlink lookup on every entry: loops and escapes must stay bounded */
	(void)cg_fstree_resolve(&r->t, e->path, e->path_len, true);
	return e->type == CG_ENTRY_REG ? 1 : 0;
}

static cg_err_t on_data(void *ud, const void *p, size_t n, struct cg_error *err)
{
	(void)p;
	(void)err;
	((struct rec *)ud)->bytes += n;
	return CG_OK;
}

static cg_err_t on_end(void *ud, struct cg_error *err)
{
	(void)ud;
	(void)err;
	return CG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_image_limits in = { .max_layer_bytes = 8 << 20, .max_entries = 10000,
				      .max_path = 512, .max_ratio = 100 };
	struct cg_image_limits lim;
	struct mem_blob m = { { mem_read, mem_close, { 0 } }, data, size };
	struct rec r;
	struct cg_layer_visitor v = { on_entry, on_data, on_end, NULL, &r, NULL };
	struct cg_layer_stats st;
	struct cg_error err;
	uint64_t left;
	cg_image_limits_resolve(&in, &lim);
	left = lim.max_entries;
	if (cg_fstree_init(&r.t))
		return 0;
	r.bytes = 0;
	(void)cg_layer_walk(&m.b, &lim, &left, &v, &st, &err);
	cg_fstree_release(&r.t);
	return 0;
}
