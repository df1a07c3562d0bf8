/* Internal: streaming SHA-256 (OpenSSL) and "sha256:<hex>" digest strings. */
#ifndef CG_UTIL_DIGEST_H
#define CG_UTIL_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <cguard/error.h>

#define CG_DIGEST_STR_LEN 71 /* "sha256:" + 64 hex */

struct cg_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

cg_err_t cg_sha256_init(struct cg_sha256 *h);
void cg_sha256_update(struct cg_sha256 *h, const void *p, size_t n);
/* Finish into out ("sha256:<64 hex>", NUL-terminated) and release. */
void cg_sha256_final(struct cg_sha256 *h, char out[CG_DIGEST_STR_LEN + 1]);
void cg_sha256_release(struct cg_sha256 *h);
/* One-shot helper. */
cg_err_t cg_sha256_hex(const void *p, size_t n, char out[CG_DIGEST_STR_LEN + 1]);

/* Is s a well-formed "sha256:<64 lowercase hex>" digest? */
bool cg_digest_valid(const char *s);

#endif
