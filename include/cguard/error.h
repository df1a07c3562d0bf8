/* One error type for the whole library.
 *
 * Every fallible function returns cg_err_t. CG_OK is 0; everything else is a
 * failure. Codes are never renumbered: new codes are appended. Functions that
 * can say more take an optional `struct cg_error *` (NULL is allowed) that
 * receives a human-readable message. */
#ifndef CGUARD_ERROR_H
#define CGUARD_ERROR_H

#include <cguard/common.h>

typedef enum cg_err {
	CG_OK = 0,
	CG_ERR_NOMEM = 1,       /* out of memory */
	CG_ERR_INVALID = 2,     /* malformed input (bad version, bad JSON, ...) */
	CG_ERR_LIMIT = 3,       /* a configured limit was hit (size, depth, count) */
	CG_ERR_IO = 4,          /* read/write/open failed; errno in the message */
	CG_ERR_NOTFOUND = 5,    /* a named thing does not exist */
	CG_ERR_UNSUPPORTED = 6, /* valid but not handled (unknown ecosystem, ...) */
	CG_ERR_ARG = 7,         /* the caller passed a bad argument */
	CG_ERR_OVERFLOW = 8,    /* integer overflow in size arithmetic */
	CG_ERR_INTERNAL = 9,    /* an impossible state: a bug */
	CG_ERR_DENIED = 10,     /* permission denied / not authorised */
	CG_ERR_EXISTS = 11,     /* already exists */
	CG_ERR_INTEGRITY = 12,  /* digest, signature or hash-chain mismatch */
	CG_ERR__COUNT
} cg_err_t;

#define CG_ERROR_MSG_MAX 512

/* Optional detail for an error: the code and a message. */
struct cg_error {
	cg_err_t code;
	char msg[CG_ERROR_MSG_MAX];
};

/* A static, never-NULL description of a code. */
CG_API const char *cg_strerror(cg_err_t code);

/* Fill `err` (if not NULL) with code and a formatted message; returns code. */
CG_API cg_err_t cg_error_set(struct cg_error *err, cg_err_t code, const char *fmt, ...)
	CG_PRINTF(3, 4);

/* Clear `err` (if not NULL) to CG_OK and an empty message. */
CG_API void cg_error_clear(struct cg_error *err);

/* The message if one was set, else cg_strerror(code). */
CG_API const char *cg_error_message(const struct cg_error *err);

#endif
