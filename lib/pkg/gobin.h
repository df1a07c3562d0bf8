/* Internal: the Go toolchain and modules a Go executable was built with,
 * read from its build information in one pass (lib/pkg/gobin.c).
 *
 * Go binaries are tens of MB, so the image reader does not buffer them: it
 * streams a candidate file (any regular file; the parser gives up after 4
 * bytes when it is no ELF, PE, Mach-O or XCOFF file) through cg_gobin_feed()
 * in chunks of any size and calls cg_gobin_finish() at the end:
 *
 *	struct cg_gobin g;
 *	cg_gobin_init(&g);
 *	while (more data && cg_gobin_feed(&g, p, n))
 *		...;
 *	rc = cg_gobin_finish(&g, path, layer, sink);
 *
 * cg_gobin_feed() returns false once it needs no more of the file (it found
 * everything, or the file is no executable): the reader may stop feeding.
 * cg_gobin_finish() reports the packages and releases the state; a reader
 * that abandons a file calls cg_gobin_release() instead. Memory: the state
 * holds a 64 KiB search window plus the captured build information (at most
 * CG_GOBIN_MAX_MODINFO bytes of module lines), allocated on the first feed of
 * an executable.
 *
 * Packages (purl type "golang", path = the binary, no flags):
 *  - the standard library: name "stdlib", version as the Go vulnerability
 *    database writes it ("go1.21.3" -> "1.21.3", "go1.21rc2" -> "1.21.0-rc.2");
 *  - the main module and every dependency: namespace and name split at the
 *    last "/" of the module path (pkg:golang/golang.org/x/mod@v0.7.0), with
 *    "=>" replacements applied (the replacement is what was compiled). */
#ifndef CG_PKG_GOBIN_H
#define CG_PKG_GOBIN_H

#include <cguard/pkg.h>

/* Most bytes of module information ("path", "mod", "dep" ... lines) read. */
#define CG_GOBIN_MAX_MODINFO ((size_t)1 << 20)

struct cg_gobin_work;

/* Caller-owned state of one file; the fields are private to gobin.c. */
struct cg_gobin {
	uint64_t off;             /* bytes of the file seen so far */
	int state;
	bool nomem;
	unsigned char ident[4];   /* the file's first bytes */
	struct cg_gobin_work *w;  /* NULL until the file looks like an executable */
};

void cg_gobin_init(struct cg_gobin *st);

/* The next n bytes of the file. True while more input is wanted. */
bool cg_gobin_feed(struct cg_gobin *st, const void *p, size_t n);

/* End of the file (or of the part the reader fed): report what was found
 * through sink (problems through sink->warn, with `path`) and release the
 * state. Returns CG_ERR_NOMEM or the sink's error, else CG_OK. */
cg_err_t cg_gobin_finish(struct cg_gobin *st, const char *path, int layer,
			 const struct cg_pkg_sink *sink) CG_MUST_CHECK;

/* Release the state without reporting (safe to call twice). */
void cg_gobin_release(struct cg_gobin *st);

/* The whole file at once (tests, tools): init + feed + finish. */
cg_err_t cg_gobin_parse(const void *data, size_t len, const char *path, int layer,
			const struct cg_pkg_sink *sink) CG_MUST_CHECK;

/* The Go vulnerability database's version of a Go release tag, as
 * golang.org/x/vuln's GoTagToSemver without its "v": the tag is cut at the
 * first white space ("go1.21.3 X:boringcrypto"), then go1 -> 1.0.0,
 * goM.N[.P][(beta|rc|-pre)K] -> M.N.(P|0)[-(beta|rc|pre).K]. False (nothing
 * written) for anything else ("devel ...", "go1.0", custom builds) or when
 * out (of size cap) is too small. */
bool cg_gobin_stdlib_version(const char *tag, size_t len, char *out, size_t cap);

#endif
