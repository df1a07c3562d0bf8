/* Software packages found in an image: the inventory's unit.
 *
 * Package-database and manifest parsers (lib/pkg/) report packages through a
 * sink; whoever receives them copies what it keeps (the strings of a
 * struct cg_pkg are only valid during the call). */
#ifndef CGUARD_PKG_H
#define CGUARD_PKG_H

#include <cguard/common.h>
#include <cguard/error.h>

enum cg_pkg_flags {
	CG_PKG_OS = 1 << 0,          /* installed by the OS package manager (deb, rpm, apk) */
	CG_PKG_OWNED_BY_OS = 1 << 1, /* a language package whose files an OS package owns */
	CG_PKG_DEV = 1 << 2,         /* a development-only dependency (lock files say so) */
	CG_PKG_FROM_LOCK = 1 << 3,   /* declared by a lock or manifest file, not seen installed */
	CG_PKG_INDIRECT = 1 << 4,    /* a transitive dependency */
};

struct cg_pkg {
	const char *type;        /* purl type: deb rpm apk npm pypi golang maven gem cargo composer nuget */
	const char *namespace_;  /* purl namespace or NULL: maven groupId, npm @scope, composer vendor */
	const char *name;
	const char *version;     /* the ecosystem's own syntax; rpm: VERSION-RELEASE (epoch apart) */
	const char *epoch;       /* rpm only: the epoch digits, or NULL for none */
	const char *src_name;    /* deb Source:, rpm source package, apk origin; NULL: same as name */
	const char *src_version; /* the source package's version when it differs, else NULL */
	const char *arch;
	const char *license;
	const char *vendor;
	const char *modularity;  /* rpm modularitylabel */
	const char *path;        /* the file it was found in, absolute inside the image */
	int layer;               /* index of that file's layer (0 = bottom), -1 when not known */
	unsigned flags;          /* enum cg_pkg_flags */
};

struct cg_pkg_sink {
	/* One package; `files` are the absolute paths it owns (OS packages;
	 * nfiles may be 0). Returning an error stops the parser. */
	cg_err_t (*add)(void *ud, const struct cg_pkg *pkg, const char *const *files, size_t nfiles);
	/* A problem with one input file (malformed, over a limit): the parser
	 * skips what it cannot read and goes on. May be NULL. */
	void (*warn)(void *ud, const char *path, const char *msg);
	void *ud;
};

#endif
