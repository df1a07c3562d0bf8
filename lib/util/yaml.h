/* Internal: YAML read into the JSON wrapper's trees, so one tree walker serves
 * both formats. Scalars become strings ("null", "~" and an empty plain scalar
 * become null; no other type resolution: `introduced: 0` is the string "0",
 * timestamps stay text). Aliases share the anchored node, which must be
 * complete (no recursion); each expansion counts the anchored node's size
 * against the node limit (4 Mi nodes: no "billion laughs"). Nesting is capped at
 * 64, anchors at 1,024, aliases at 4,096, keys at 1,024 bytes; merge keys ("<<")
 * are ordinary keys. */
#ifndef CG_UTIL_YAML_H
#define CG_UTIL_YAML_H

#include <cguard/json.h>
#include <cguard/error.h>

/* Called with each non-empty document's root, borrowed for the call. */
typedef cg_err_t (*cg_yaml_doc_fn)(void *ud, const cg_json *root, struct cg_error *err);

/* Parse a YAML stream of len bytes; fn for each document, in order; stops at
 * fn's first error. CG_ERR_INVALID with the line for bad YAML, CG_ERR_LIMIT past
 * a limit. */
cg_err_t cg_yaml_parse(const unsigned char *data, size_t len, cg_yaml_doc_fn fn, void *ud,
		       struct cg_error *err);

#endif
