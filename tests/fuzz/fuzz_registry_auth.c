/* Fuzz target: what a registry, a token server or a local docker config.json
 * can hand the docker:// source (lib/image/registry_auth.c). The first byte
 * picks the parser, the rest is its input:
 *   'c' a WWW-Authenticate value    't' a token response
 *   'a' a docker config.json        'r' an image reference (after "docker:")
 *   'b' base64 (decode, then encode and decode again: the same bytes)
 * anything else: every parser on the whole input. Results are checked for
 * the invariants the HTTP side relies on (tokens fit in a header, ...). */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "util/internal.h"
#include "image/registry_int.h"

static void challenge(const char *p, size_t n)
{
	struct cg_registry_challenge c;
	if (cg_registry_challenge_parse(p, n, &c, NULL) != CG_OK)
		return;
	if (c.scheme != CG_REG_AUTH_BASIC && c.scheme != CG_REG_AUTH_BEARER)
		abort();
	if (c.scheme == CG_REG_AUTH_BEARER && !c.realm[0])
		abort();
	if (strnlen(c.realm, sizeof(c.realm)) == sizeof(c.realm) ||
	    strnlen(c.service, sizeof(c.service)) == sizeof(c.service) ||
	    strnlen(c.scope, sizeof(c.scope)) == sizeof(c.scope) ||
	    strnlen(c.error, sizeof(c.error)) == sizeof(c.error))
		abort();
}

static void token(const char *p, size_t n)
{
	char *tok = NULL;
	int64_t exp = -1;
	if (cg_registry_token_parse(p, n, &tok, &exp, NULL) != CG_OK) {
		if (tok)
			abort();
		return;
	}
	size_t len = strlen(tok);
	if (len == 0 || len > CG_REG_TOKEN_MAX || exp < 0)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)tok[i] <= 0x20 || (unsigned char)tok[i] >= 0x7f)
			abort(); /* would break the Authorization header */
	free(tok);
}

static void config(const char *p, size_t n)
{
	static const char *const hosts[][2] = {
		{ "docker.io", "library/ubuntu" },
		{ "reg.example:5000", "team/x" },
		{ "127.0.0.1:5000", "a" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(hosts); i++) {
		struct cg_registry_cred c = { 0 };
		char helper[128];
		cg_err_t rc = cg_registry_config_lookup(p, n, hosts[i][0], hosts[i][1], &c, helper,
							sizeof(helper), NULL);
		if (rc == CG_OK && (!c.username || !c.password))
			abort();
		if (rc != CG_OK && (c.username || c.password))
			abort();
		cg_registry_cred_release(&c);
	}
}

static void reference(const char *p, size_t n)
{
	struct cg_registry_ref r;
	char *s = strndup(p, n);
	if (!s)
		return;
	if (cg_registry_ref_parse(s, &r, NULL) == CG_OK) {
		if (!r.host[0] || !r.api_host[0] || !r.repo[0] || (!r.tag[0] && !r.digest[0]))
			abort();
		if (r.digest[0] && !cg_digest_valid(r.digest))
			abort();
		/* the parts go into URLs unescaped: nothing but their alphabets */
		if (strpbrk(r.repo, "?#%@: \\") || strpbrk(r.tag, "?#%@:/ \\") ||
		    strpbrk(r.host, "?#%@/ \\"))
			abort();
	}
	free(s);
}

static void base64(const char *p, size_t n)
{
	unsigned char *dec = malloc(n + 1), *dec2 = malloc(n + 1);
	char *enc = malloc(n * 2 + 8);
	size_t dl = 0, dl2 = 0;
	if (dec && dec2 && enc && cg_base64_decode(p, n, dec, n + 1, &dl) == CG_OK) {
		if (cg_base64_encode(dec, dl, enc, n * 2 + 8) != CG_OK)
			abort();
		if (cg_base64_decode(enc, strlen(enc), dec2, n + 1, &dl2) != CG_OK || dl2 != dl ||
		    memcmp(dec, dec2, dl) != 0)
			abort();
	}
	free(dec);
	free(dec2);
	free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	if (size == 0)
		return 0;
	switch (data[0]) {
	case 'c': challenge(p, n); break;
	case 't': token(p, n); break;
	case 'a': config(p, n); break;
	case 'r': reference(p, n); break;
	case 'b': base64(p, n); break;
	default:
		challenge((const char *)data, size);
		token((const char *)data, size);
		config((const char *)data, size);
		reference((const char *)data, size);
		base64((const char *)data, size);
	}
	return 0;
}
