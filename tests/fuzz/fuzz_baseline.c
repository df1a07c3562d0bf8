/* Fuzz target: the account and access files of the baseline scanner
 * (lib/scan/baseline.c): the input as /etc/passwd, /etc/shadow, a sudoers file
 * and sshd_config (the first byte picks one), fed in chunks whose sizes come
 * from the input. Every finding is a baseline finding with a rule, a title and
 * its line. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "scan/scanner.h"

extern const struct cg_content_scanner cg_scanner_baseline;

static cg_err_t add(void *ud, const struct cg_content_finding *f)
{
	(void)ud;
	if (f->kind != CG_CONTENT_BASELINE || !f->rule || !f->title || !f->line || !f->path)
		abort();
	return CG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/etc/passwd", "/etc/shadow", "/etc/sudoers.d/app",
					     "/etc/ssh/sshd_config" };
	const struct cg_content_scanner *s = &cg_scanner_baseline;
	struct cg_content_sink sink = { add, NULL, NULL };
	const char *path;
	void *ctx = NULL, *state;
	size_t off = 1, chunk;

	if (size < 2)
		return 0;
	path = paths[data[0] % 4];
	chunk = 1 + data[1] % 64;
	if (s->open(NULL, &ctx, NULL) != CG_OK)
		abort();
	if (!s->want(ctx, path, strlen(path), 0644, size - off)) {
		s->close(ctx); /* over the scanner's size cap */
		return 0;
	}
	state = calloc(1, s->state_size);
	if (!state)
		return 0;
	s->begin(ctx, state);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (!s->feed(state, data + off, n))
			break;
		off += n;
	}
	if (s->finish(state, path, 0, &sink, NULL) != CG_OK)
		abort();
	s->release(state);
	free(state);
	s->close(ctx);
	return 0;
}
