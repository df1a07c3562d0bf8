/* Internal: a small read-only reader of bbolt databases (containerd's
 * io.containerd.metadata.v1.bolt/meta.db). It reads the two meta pages,
 * takes the valid one with the higher txid, and walks branch and leaf pages
 * (with their overflow pages) and nested buckets, inline ones included. The
 * freelist is ignored. Pages are read one at a time with pread (never
 * mapped), each checked: its id, its type, every element inside the page,
 * page ids below the meta's high-water mark and inside the file. Every
 * operation has a page budget (the number of pages in the file), so a
 * corrupt or cyclic tree ends with CG_ERR_INVALID or CG_ERR_LIMIT.
 *
 * No lock is taken: a writer (containerd) may commit while we read. bbolt
 * never overwrites the pages of the last committed transaction, but it may
 * reuse older ones; a reader that sees a torn view gets CG_ERR_INVALID and
 * may simply open the database again. */
#ifndef CG_IMAGE_BBOLT_H
#define CG_IMAGE_BBOLT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cguard/error.h>

struct cg_bbolt;

/* A bucket: its root page, or for an inline bucket a copy of its page. */
struct cg_bbolt_bucket {
	uint64_t root;
	unsigned char *inline_page; /* owned; NULL unless inline */
	size_t inline_len;
};

/* A value looked up by key (a copy, NUL-terminated past len). */
struct cg_bbolt_value {
	unsigned char *data;
	size_t len;
	bool bucket; /* the key names a nested bucket (data is its header) */
};

/* Open a database file (fd borrowed: it must stay open until close). */
cg_err_t cg_bbolt_open_fd(int fd, struct cg_bbolt **out, struct cg_error *err) CG_MUST_CHECK;
/* Open a database held in memory (borrowed; for tests and fuzzing). */
cg_err_t cg_bbolt_open_mem(const void *p, size_t len, struct cg_bbolt **out,
			   struct cg_error *err) CG_MUST_CHECK;
void cg_bbolt_close(struct cg_bbolt *db);

/* The page size and the txid of the meta page in use. */
uint32_t cg_bbolt_page_size(const struct cg_bbolt *db);
uint64_t cg_bbolt_txid(const struct cg_bbolt *db);

/* The root bucket (its keys are the top-level buckets). */
void cg_bbolt_root(const struct cg_bbolt *db, struct cg_bbolt_bucket *out);
void cg_bbolt_bucket_release(struct cg_bbolt_bucket *b);

/* Look up a key: CG_ERR_NOTFOUND when it is absent. */
cg_err_t cg_bbolt_get(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, const void *key,
		      size_t klen, struct cg_bbolt_value *out, struct cg_error *err) CG_MUST_CHECK;
void cg_bbolt_value_release(struct cg_bbolt_value *v);

/* Open the nested bucket `name` of b: CG_ERR_NOTFOUND when absent,
 * CG_ERR_INVALID when the key holds a plain value. */
cg_err_t cg_bbolt_open_bucket(struct cg_bbolt *db, const struct cg_bbolt_bucket *b,
			      const void *name, size_t len, struct cg_bbolt_bucket *out,
			      struct cg_error *err) CG_MUST_CHECK;

/* Open a path of nested buckets from the root ("v1", "default", "images",
 * NULL). On CG_ERR_NOTFOUND, *depth_found (when not NULL) is how many
 * names of the path exist. */
cg_err_t cg_bbolt_open_path(struct cg_bbolt *db, const char *const *names,
			    struct cg_bbolt_bucket *out, size_t *depth_found,
			    struct cg_error *err) CG_MUST_CHECK;

/* Visit every key of a bucket in key order. key and val point into a page
 * buffer valid during the call only; for a nested bucket val is its header
 * (and inline page). The visitor returns nonzero to stop early; it must not
 * call into db. */
typedef int (*cg_bbolt_visit_fn)(void *ud, const unsigned char *key, size_t klen,
				 const unsigned char *val, size_t vlen, bool is_bucket);
cg_err_t cg_bbolt_each(struct cg_bbolt *db, const struct cg_bbolt_bucket *b, cg_bbolt_visit_fn fn,
		       void *ud, struct cg_error *err) CG_MUST_CHECK;

/* Go's binary.Varint (zigzag), as containerd stores sizes: false when the
 * bytes are not exactly one varint of at most 10 bytes. */
bool cg_bbolt_varint(const unsigned char *p, size_t len, int64_t *out);

#endif
