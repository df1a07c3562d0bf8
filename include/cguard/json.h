/* The one JSON API of cguard: a thin wrapper over jansson (see
 * docs/ARCHITECTURE.md for why jansson). Nothing outside lib/util/json.c
 * includes <jansson.h>.
 *
 * Nodes are reference counted. Getters return borrowed references (valid as
 * long as the parent lives); constructors return new references; setters
 * take ("steal") the reference to the value they are given, even on failure. */
#ifndef CGUARD_JSON_H
#define CGUARD_JSON_H

#include <cguard/buf.h>
#include <cguard/common.h>
#include <cguard/error.h>

typedef struct json_t cg_json;

#define CG_JSON_DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define CG_JSON_DEFAULT_MAX_DEPTH 64

struct cg_json_limits {
	size_t max_bytes;      /* 0: CG_JSON_DEFAULT_MAX_BYTES */
	size_t max_depth;      /* 0: CG_JSON_DEFAULT_MAX_DEPTH */
	bool allow_duplicates; /* default: duplicate object keys are an error */
};

/* Parse p[0..n) (untrusted). CG_ERR_LIMIT when a limit is hit,
 * CG_ERR_INVALID with line/column in err for malformed text. */
CG_API cg_err_t cg_json_parse(const char *p, size_t n, const struct cg_json_limits *lim,
			      cg_json **out, struct cg_error *err) CG_MUST_CHECK;
/* Read and parse a whole file, bounded by lim->max_bytes. */
CG_API cg_err_t cg_json_parse_file(const char *path, const struct cg_json_limits *lim,
				   cg_json **out, struct cg_error *err) CG_MUST_CHECK;

CG_API cg_json *cg_json_ref(cg_json *j);
CG_API void cg_json_free(cg_json *j); /* drop a reference; NULL is fine */

enum cg_json_type {
	CG_JSON_OBJECT, CG_JSON_ARRAY, CG_JSON_STRING, CG_JSON_INTEGER,
	CG_JSON_REAL, CG_JSON_TRUE, CG_JSON_FALSE, CG_JSON_NULL,
};
CG_API enum cg_json_type cg_json_type_of(const cg_json *j);
CG_API bool cg_json_is_object(const cg_json *j);
CG_API bool cg_json_is_array(const cg_json *j);
CG_API bool cg_json_is_string(const cg_json *j);

/* Getters: NULL / false when j is NULL or of another type. */
CG_API cg_json *cg_json_get(const cg_json *obj, const char *key);
CG_API const char *cg_json_string(const cg_json *j);
CG_API size_t cg_json_string_len(const cg_json *j);
CG_API bool cg_json_int(const cg_json *j, int64_t *out);
CG_API bool cg_json_number(const cg_json *j, double *out); /* integer or real */
CG_API bool cg_json_bool(const cg_json *j, bool *out);
CG_API const char *cg_json_get_str(const cg_json *obj, const char *key);
CG_API bool cg_json_get_int(const cg_json *obj, const char *key, int64_t *out);
CG_API bool cg_json_get_bool(const cg_json *obj, const char *key, bool *out);

CG_API size_t cg_json_array_len(const cg_json *arr); /* 0 if not an array */
CG_API cg_json *cg_json_array_at(const cg_json *arr, size_t i);
CG_API size_t cg_json_object_len(const cg_json *obj);

/* Object iteration in insertion order:
 *   for (void *it = cg_json_iter(o); it; it = cg_json_iter_next(o, it)) ... */
CG_API void *cg_json_iter(const cg_json *obj);
CG_API void *cg_json_iter_next(const cg_json *obj, void *it);
CG_API const char *cg_json_iter_key(void *it);
CG_API cg_json *cg_json_iter_value(void *it);

/* Constructors: new references, NULL on allocation failure. */
CG_API cg_json *cg_json_new_object(void);
CG_API cg_json *cg_json_new_array(void);
CG_API cg_json *cg_json_new_string(const char *s); /* must be valid UTF-8 */
CG_API cg_json *cg_json_new_stringn(const char *s, size_t n);
CG_API cg_json *cg_json_new_int(int64_t v);
CG_API cg_json *cg_json_new_real(double v);
CG_API cg_json *cg_json_new_bool(bool v);
CG_API cg_json *cg_json_new_null(void);

/* Setters steal `val` (NULL val gives CG_ERR_NOMEM: chain constructors freely). */
CG_API cg_err_t cg_json_set(cg_json *obj, const char *key, cg_json *val) CG_MUST_CHECK;
CG_API cg_err_t cg_json_set_str(cg_json *obj, const char *key, const char *s) CG_MUST_CHECK;
CG_API cg_err_t cg_json_set_int(cg_json *obj, const char *key, int64_t v) CG_MUST_CHECK;
CG_API cg_err_t cg_json_set_bool(cg_json *obj, const char *key, bool v) CG_MUST_CHECK;
CG_API cg_err_t cg_json_append(cg_json *arr, cg_json *val) CG_MUST_CHECK;

enum cg_json_dump_flags {
	CG_JSON_COMPACT = 1 << 0, /* no spaces: {"a":1,"b":2} */
	CG_JSON_SORTED = 1 << 1,  /* keys sorted (canonical form with COMPACT) */
	CG_JSON_PRETTY = 1 << 2,  /* two-space indent */
};
/* Append the serialisation of j to out. */
CG_API cg_err_t cg_json_dump(const cg_json *j, unsigned flags, struct cg_buf *out) CG_MUST_CHECK;

#endif
