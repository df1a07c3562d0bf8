/* Internal: the parts of the docker:// source (src_registry.c) that read
 * untrusted text and need no network, in lib/image/registry_auth.c so that
 * the unit test and tests/fuzz/fuzz_registry_auth.c link them without
 * libcurl: image references, WWW-Authenticate challenges, token responses,
 * docker config.json credentials and base64. All take (ptr, len), bound
 * every field and never read past len. */
#ifndef CG_IMAGE_REGISTRY_INT_H
#define CG_IMAGE_REGISTRY_INT_H

#include <cguard/error.h>
#include "util/digest.h"

#define CG_REG_HOST_MAX 255   /* bytes of HOST[:PORT] */
#define CG_REG_REPO_MAX 255   /* bytes of a repository path (distribution's limit) */
#define CG_REG_TAG_MAX 128    /* bytes of a tag (distribution's limit) */
#define CG_REG_TOKEN_MAX 65536 /* bytes of a bearer token */

/* "//HOST[:PORT]/REPO[:TAG][@DIGEST]" (the reference after "docker:"), with
 * Docker Hub's naming: no host means docker.io, a one-part name on docker.io
 * is library/NAME, the tag defaults to latest unless a digest is given. */
struct cg_registry_ref {
	char host[CG_REG_HOST_MAX + 1];     /* as named: "127.0.0.1:5000", "docker.io" */
	char api_host[CG_REG_HOST_MAX + 1]; /* where the API is: registry-1.docker.io for docker.io */
	char repo[CG_REG_REPO_MAX + 1];     /* "library/debian" */
	char tag[CG_REG_TAG_MAX + 1];       /* "" when pulled by digest alone */
	char digest[CG_DIGEST_STR_LEN + 1]; /* "" unless @sha256:... */
};
cg_err_t cg_registry_ref_parse(const char *arg, struct cg_registry_ref *out, struct cg_error *err);
/* docker.io, index.docker.io and registry-1.docker.io are one registry. */
bool cg_registry_host_is_hub(const char *host, size_t n);

enum cg_registry_scheme { CG_REG_AUTH_NONE, CG_REG_AUTH_BASIC, CG_REG_AUTH_BEARER };

/* A WWW-Authenticate challenge (RFC 7235 with the auth-params of the
 * distribution token spec). */
struct cg_registry_challenge {
	enum cg_registry_scheme scheme;
	char realm[1024];
	char service[256];
	char scope[1024];
	char error[64]; /* error="insufficient_scope" and the like, or "" */
};
/* Parse a header value (one or several challenges, as in
 * `Basic realm="x", Bearer realm="y",service="z"`); a Bearer challenge is
 * preferred over a Basic one. CG_ERR_UNSUPPORTED when neither is offered,
 * CG_ERR_INVALID for broken syntax, CG_ERR_LIMIT for a too long parameter. */
cg_err_t cg_registry_challenge_parse(const char *p, size_t n, struct cg_registry_challenge *out,
				     struct cg_error *err);

/* A token server's answer: {"token": T} or {"access_token": T}, optional
 * "expires_in" (seconds, 0 when absent). The token must be 1..CG_REG_TOKEN_MAX
 * visible ASCII characters (it goes into a header). *token is heap memory. */
cg_err_t cg_registry_token_parse(const char *p, size_t n, char **token, int64_t *expires_in,
				 struct cg_error *err);

/* Credentials; cg_registry_cred_release wipes and frees them. */
struct cg_registry_cred {
	char *username;
	char *password;
};
void cg_registry_cred_release(struct cg_registry_cred *c);

/* Credentials for HOST (and REPO, for containers-auth.json keys naming a
 * namespace) from the text of a docker config.json: the longest matching key
 * of "auths" (with or without scheme and /v1/ suffix; Docker Hub aliases are
 * one host), its "auth" (base64 user:password) or else its
 * "username"/"password". CG_ERR_NOTFOUND when there is none. When
 * credHelpers or credsStore would serve the host, its name is put in
 * helper (cap bytes, "" otherwise): the caller warns, helpers are not run. */
cg_err_t cg_registry_config_lookup(const char *p, size_t n, const char *host, const char *repo,
				   struct cg_registry_cred *out, char *helper, size_t helper_cap,
				   struct cg_error *err);

/* base64 (RFC 4648, with padding). Encoding writes a NUL-terminated string
 * and fails with CG_ERR_LIMIT when cap is too small; decoding accepts
 * missing padding, rejects any other non-alphabet byte. */
cg_err_t cg_base64_encode(const void *in, size_t n, char *out, size_t cap);
cg_err_t cg_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap,
			  size_t *outlen);

/* Copy s[0..n) into out (cap bytes, NUL-terminated) replacing control and
 * non-ASCII bytes by '?' and cutting at cap-1: for server text in messages. */
void cg_registry_sanitize(const char *s, size_t n, char *out, size_t cap);

#endif
