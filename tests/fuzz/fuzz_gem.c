/* Fuzz target: the gem collector (lib/pkg/gem.c) on one file.
 *
 * The low bit of the first byte picks the path: 0 a gemspec under
 * specifications/, 1 a Gemfile.lock. Every gem handed out is checked: a
 * RubyGems name, a version and platform of printable ASCII, a license of
 * valid UTF-8 without control characters. */
#include "fuzz.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include <cguard/pkg.h>
#include "pkg/collector.h"

extern const struct cg_pkg_collector cg_collector_gem;

static void check_token(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			abort();
}

static cg_err_t add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	size_t n;
	(void)files;
	++*(size_t *)ud;
	if (strcmp(p->type, "gem") != 0 || nfiles != 0 || !p->path ||
	    (p->flags & ~(unsigned)CG_PKG_FROM_LOCK))
		abort();
	check_token(p->name, 128);
	for (const char *c = p->name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
			abort();
	check_token(p->version, 256);
	if (p->arch)
		check_token(p->arch, 64);
	if (p->license) {
		const unsigned char *s = (const unsigned char *)p->license;
		n = strlen(p->license);
		if (n == 0 || n > 512)
			abort();
		for (size_t i = 0; i < n;) {
			unsigned c = s[i], need = c < 0x80	       ? 0
						  : (c & 0xe0) == 0xc0 ? 1
						  : (c & 0xf0) == 0xe0 ? 2
						  : (c & 0xf8) == 0xf0 ? 3
								       : 9;
			if (need == 9 || c < 0x20 || c == 0x7f || n - i - 1 < need)
				abort();
			for (unsigned k = 1; k <= need; k++)
				if ((s[i + k] & 0xc0) != 0x80)
					abort();
			i += need + 1;
		}
	}
	return CG_OK;
}

static void warn(void *ud, const char *path, const char *msg)
{
	(void)ud;
	if (!path || !msg || !msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[2] = {"/usr/lib/ruby/gems/3.1.0/specifications/a-1.gemspec",
					     "/app/Gemfile.lock"};
	size_t count = 0;
	struct cg_pkg_sink sink = {add, warn, &count};
	struct cg_pkg_file f;
	struct cg_error err;
	if (size < 1)
		return 0;
	f.path = paths[data[0] & 1];
	f.layer = 0;
	f.data = data + 1;
	f.len = size - 1;
	if (cg_collector_gem.collect(&f, 1, &sink, &err) != CG_OK)
		abort();
	/* a gemspec gives at most one gem */
	if ((data[0] & 1) == 0 && count > 1)
		abort();
	return 0;
}
