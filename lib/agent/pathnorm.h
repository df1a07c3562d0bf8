/* Internal to the agent: lexical path normalisation shared by envcheck.c and
 * policy.c (implemented in policy.c). */
#ifndef CG_AGENT_PATHNORM_H
#define CG_AGENT_PATHNORM_H

#include <stdbool.h>
#include <stddef.h>

/* Normalise an absolute path lexically: duplicate slashes collapsed, "."
 * dropped, ".." removes the previous component ("/.." stays "/"), no trailing
 * slash (except "/" itself). in[0..n) may not hold NUL. The result is never
 * longer than the input; out must hold n + 2 bytes. False when the path is not
 * absolute or holds a NUL. */
bool cg_agent_path_normalise(const char *in, size_t n, char *out, size_t cap);

#endif
