#include "util/internal.h"
#include "util/digest.h"
#include <openssl/evp.h>

cg_err_t cg_sha256_init(struct cg_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return CG_ERR_NOMEM;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return CG_ERR_INTERNAL;
	}
	h->ctx = c;
	return CG_OK;
}

void cg_sha256_update(struct cg_sha256 *h, const void *p, size_t n)
{
	if (h->ctx && n)
		EVP_DigestUpdate(h->ctx, p, n);
}

void cg_sha256_final(struct cg_sha256 *h, char out[CG_DIGEST_STR_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0;
	memcpy(out, "sha256:", 7);
	if (h->ctx && EVP_DigestFinal_ex(h->ctx, md, &len) == 1 && len == 32) {
		for (int i = 0; i < 32; i++) {
			out[7 + 2 * i] = hex[md[i] >> 4];
			out[8 + 2 * i] = hex[md[i] & 15];
		}
		out[CG_DIGEST_STR_LEN] = '\0';
	} else {
		out[0] = '\0';
	}
	cg_sha256_release(h);
}

void cg_sha256_release(struct cg_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

cg_err_t cg_sha256_hex(const void *p, size_t n, char out[CG_DIGEST_STR_LEN + 1])
{
	struct cg_sha256 h;
	cg_err_t rc = cg_sha256_init(&h);
	if (rc)
		return rc;
	cg_sha256_update(&h, p, n);
	cg_sha256_final(&h, out);
	return out[0] ? CG_OK : CG_ERR_INTERNAL;
}

bool cg_digest_valid(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != CG_DIGEST_STR_LEN)
		return false;
	for (const char *p = s + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}
