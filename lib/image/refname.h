/* Internal: image names as Docker, nerdctl and podman write them
 * ("busybox", "library/busybox:1.36", "ghcr.io/o/r@sha256:..."), parsed and
 * normalised the way github.com/distribution/reference does
 * (ParseNormalizedNamed, then TagNameOnly):
 *
 *   - the first component is a domain when it has a '.' or a ':', is
 *     "localhost", or has an upper-case letter; else the domain is docker.io;
 *   - "index.docker.io" is docker.io; on docker.io a one-component path gets
 *     "library/";
 *   - a name with neither tag nor digest gets ":latest".
 *
 * Bounded: a name longer than 255 bytes (Docker's limit) or that breaks the
 * grammar (lower-case path components of [a-z0-9] joined by '.', '_', "__"
 * or '-'; tags [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests sha256:<64 hex>)
 * is refused. */
#ifndef CG_IMAGE_REFNAME_H
#define CG_IMAGE_REFNAME_H

#include <stdbool.h>
#include <stddef.h>

#define CG_REFNAME_MAX 256

struct cg_refname {
	char domain[CG_REFNAME_MAX]; /* "docker.io" when the name has none */
	char path[CG_REFNAME_MAX];   /* "library/busybox" */
	char tag[129];               /* "" when none */
	char digest[72];             /* "sha256:..." or "" */
	bool explicit_domain;        /* the name gave its domain */
};

/* Parse a name: false when it is not a valid reference. */
bool cg_refname_parse(const char *s, struct cg_refname *out);

/* The normalised name: "domain/path[:tag][@digest]", with ":latest" added
 * when there is neither tag nor digest. False when it does not fit. */
bool cg_refname_format(const struct cg_refname *r, char *out, size_t cap);

/* "domain/path" only. */
bool cg_refname_repository(const struct cg_refname *r, char *out, size_t cap);

/* Parse and format in one step. */
bool cg_refname_normalise(const char *s, char *out, size_t cap);

#endif
