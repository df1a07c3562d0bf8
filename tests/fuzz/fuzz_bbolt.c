/* Fuzz target: the bbolt reader on a database held in memory. Every bucket
 * is walked (nested buckets too, at most 8 deep and 20000 keys in all), each
 * key found by the walk is looked up again, and containerd's image path is
 * looked up the way src_containerd.c does. */
#include "fuzz.h"
#include "util/internal.h"
#include "image/bbolt.h"

#define MAX_KEYS 20000
#define MAX_NEST 8

struct key {
	unsigned char k[256];
	size_t klen;
	bool bucket;
};

struct walk {
	struct key keys[64]; /* the first keys of one bucket */
	size_t n;
	size_t *budget;
};

static int visit(void *ud, const unsigned char *k, size_t kl, const unsigned char *v, size_t vl,
		 bool b)
{
	struct walk *w = ud;
	(void)v;
	(void)vl;
	if (*w->budget == 0)
		return 1;
	(*w->budget)--;
	if (w->n < 64 && kl <= sizeof(w->keys[0].k)) {
		memcpy(w->keys[w->n].k, k, kl);
		w->keys[w->n].klen = kl;
		w->keys[w->n].bucket = b;
		w->n++;
	}
	return 0;
}

static void walk(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, int depth, size_t *budget)
{
	struct walk *w = calloc(1, sizeof(*w));
	if (!w)
		return;
	w->budget = budget;
	if (cg_bbolt_each(db, b, visit, w, NULL) == CG_OK || w->n) {
		for (size_t i = 0; i < w->n; i++) {
			struct cg_bbolt_bucket sub;
			struct cg_bbolt_value v;
			if (cg_bbolt_get(db, b, w->keys[i].k, w->keys[i].klen, &v, NULL) == CG_OK) {
				int64_t x;
				(void)cg_bbolt_varint(v.data, v.len, &x);
				cg_bbolt_value_release(&v);
			}
			if (!w->keys[i].bucket || depth >= MAX_NEST)
				continue;
			if (cg_bbolt_open_bucket(db, b, w->keys[i].k, w->keys[i].klen, &sub, NULL) ==
			    CG_OK) {
				walk(db, &sub, depth + 1, budget);
				cg_bbolt_bucket_release(&sub);
			}
		}
	}
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const path[] = { "v1", "default", "images", "docker.io/library/small:1",
					    "target", NULL };
	struct cg_bbolt *db = NULL;
	struct cg_bbolt_bucket root, b;
	size_t budget = MAX_KEYS, depth;
	if (cg_bbolt_open_mem(data, size, &db, NULL) != CG_OK)
		return 0;
	cg_bbolt_root(db, &root);
	walk(db, &root, 0, &budget);
	if (cg_bbolt_open_path(db, path, &b, &depth, NULL) == CG_OK) {
		struct cg_bbolt_value v;
		if (cg_bbolt_get(db, &b, "digest", 6, &v, NULL) == CG_OK)
			cg_bbolt_value_release(&v);
		cg_bbolt_bucket_release(&b);
	}
	cg_bbolt_close(db);
	return 0;
}
