/* Internal: content scanners. A scanner reads files as the layer stream passes
 * (nothing is decompressed twice, nothing is written to disk): the image reader
 * asks want() for every regular file, and for each file wanted gives a fresh
 * state of state_size bytes, feed()s the content in order (feed returns false
 * when it needs no more), then finish() reports findings; release() always runs.
 * Rules are loaded once per scan by open() into a shared, read-only context
 * that every thread's states use at the same time (no locks: keep it
 * immutable after open()).
 *
 * Adding a scanner = one file lib/scan/<name>.c defining
 * `const struct cg_content_scanner cg_scanner_<name>` and one line in
 * lib/scan/scanners.def (the lead owns the registry and the wiring into
 * lib/image/image.c). */
#ifndef CG_SCAN_SCANNER_H
#define CG_SCAN_SCANNER_H

#include <cguard/content.h>
#include <cguard/error.h>

struct cg_content_sink {
	/* One finding (strings borrowed for the call). An error stops the scanner. */
	cg_err_t (*add)(void *ud, const struct cg_content_finding *f);
	/* A problem with one input (over a limit, unreadable): the scan goes on. */
	void (*warn)(void *ud, const char *path, const char *msg);
	void *ud;
};

struct cg_content_scanner {
	const char *name; /* "malware", "secret", ... as --scanners names it */
	cg_err_t (*open)(const struct cg_content_opts *opts, void **ctx, struct cg_error *err);
	void (*close)(void *ctx);
	/* Called for every regular file: keep it cheap (no allocation). */
	bool (*want)(const void *ctx, const char *path, size_t len, uint32_t mode, uint64_t size);
	size_t state_size;
	void (*begin)(const void *ctx, void *state);
	bool (*feed)(void *state, const void *p, size_t n);
	cg_err_t (*finish)(void *state, const char *path, int layer,
			   const struct cg_content_sink *sink, struct cg_error *err);
	void (*release)(void *state);
	/* finish() is the expensive part (a malware scan of the buffered file):
	 * the image reader may run it on another thread, so the layer goes on
	 * decompressing meanwhile. finish() must then use nothing of the layer's
	 * (it gets its path as a copy) and the sink it is given (thread-safe). */
	bool async_finish;
};

/* The registry (lib/scan/scanners.def), and the checks a scanner serves:
 * its findings of other kinds are dropped when those checks are off. */
size_t cg_content_scanner_count(void);
const struct cg_content_scanner *cg_content_scanner_at(size_t i);
unsigned cg_content_scanner_checks(const struct cg_content_scanner *s);
/* The check a finding belongs to. */
unsigned cg_content_kind_check(enum cg_content_kind k);

#endif
