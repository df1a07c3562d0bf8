/* Internal: the shape of one ecosystem's comparator.
 *
 * Adding an ecosystem = one file lib/version/<name>.c defining
 * `const struct cg_version_scheme cg_scheme_<name>` and one line in
 * lib/version/schemes.def. */
#ifndef CG_VERSION_SCHEME_H
#define CG_VERSION_SCHEME_H

#include <cguard/version.h>

struct cg_version_scheme {
	const char *name;  /* purl type */
	const char *title; /* what it follows, e.g. "dpkg verrevcmp" */
	/* NULL when s[0..n) is a valid version; else a short static reason
	 * ("empty", "epoch is not a number", ...). Never reads past n. */
	const char *(*check)(const char *s, size_t n);
	/* Compare a[0..an) with b[0..bn). Returns 0 and stores <0, 0 or >0 in
	 * *res; returns -1 if either is invalid (the caller then asks check()
	 * which one and why). Must be a total order over valid versions
	 * (antisymmetric, transitive) and must not allocate on the heap. */
	int (*cmp)(const char *a, size_t an, const char *b, size_t bn, int *res);
};

#define CG_SCHEME(id) extern const struct cg_version_scheme cg_scheme_##id;
#include "version/schemes.def"
#undef CG_SCHEME

#endif
