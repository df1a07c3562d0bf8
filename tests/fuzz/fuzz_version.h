/* One fuzz target per version scheme (tests/fuzz/fuzz_version_<eco>.c sets
 * FUZZ_ECOSYSTEM and includes this). The input is split on '\n' into up to
 * three versions a, b, c. Checked on every input:
 *  - no crash, no read past the given lengths (the strings are not
 *    NUL-terminated copies: each is its own exact-size heap block),
 *  - cmp succeeds exactly when validate accepts both sides,
 *  - reflexivity cmp(a,a) == 0 and antisymmetry cmp(a,b) == -cmp(b,a),
 *  - transitivity: a<=b and b<=c imply a<=c; a==b implies cmp(a,c)==cmp(b,c). */
#include "fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cguard/version.h>

#define FUZZ_FAIL(...)                                                 \
	do {                                                           \
		fprintf(stderr, "fuzz_version[" FUZZ_ECOSYSTEM "]: " __VA_ARGS__); \
		abort();                                               \
	} while (0)

static const struct cg_version_scheme *scheme(void)
{
	static const struct cg_version_scheme *s;
	if (!s)
		s = cg_version_scheme_find(FUZZ_ECOSYSTEM);
	if (!s)
		FUZZ_FAIL("unknown ecosystem\n");
	return s;
}

static int cmp(const char *a, size_t an, const char *b, size_t bn, int *ok)
{
	int r = 0;
	*ok = cg_version_cmp_n(scheme(), a, an, b, bn, &r, NULL) == CG_OK;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[3] = { "", "", "" };
	size_t len[3] = { 0, 0, 0 };
	char *copy[3] = { NULL, NULL, NULL };
	size_t start = 0, n = 0;
	int valid[3], ok, ab, ba, bc, ac, aa;

	for (size_t i = 0; i <= size && n < 3; i++) {
		if (i == size || data[i] == '\n') {
			len[n] = i - start;
			copy[n] = malloc(len[n] ? len[n] : 1);
			if (!copy[n])
				goto done;
			memcpy(copy[n], data + start, len[n]);
			part[n] = copy[n];
			n++;
			start = i + 1;
		}
	}
	for (int i = 0; i < 3; i++)
		valid[i] = cg_version_validate(scheme(), part[i], len[i], NULL) == CG_OK;

	aa = cmp(part[0], len[0], part[0], len[0], &ok);
	if (ok != valid[0])
		FUZZ_FAIL("cmp(a,a) ok=%d but validate(a)=%d\n", ok, valid[0]);
	if (ok && aa != 0)
		FUZZ_FAIL("cmp(a,a) = %d\n", aa);
	ab = cmp(part[0], len[0], part[1], len[1], &ok);
	if (ok != (valid[0] && valid[1]))
		FUZZ_FAIL("cmp(a,b) ok=%d, validate %d %d\n", ok, valid[0], valid[1]);
	if (!ok)
		goto done;
	ba = cmp(part[1], len[1], part[0], len[0], &ok);
	if (!ok || ab != -ba)
		FUZZ_FAIL("antisymmetry: cmp(a,b)=%d cmp(b,a)=%d\n", ab, ba);
	if (!valid[2])
		goto done;
	bc = cmp(part[1], len[1], part[2], len[2], &ok);
	ac = cmp(part[0], len[0], part[2], len[2], &ok);
	if (ab <= 0 && bc <= 0 && ac > 0)
		FUZZ_FAIL("transitivity: a<=b, b<=c but a>c\n");
	if (ab >= 0 && bc >= 0 && ac < 0)
		FUZZ_FAIL("transitivity: a>=b, b>=c but a<c\n");
	if (ab == 0 && ac != bc)
		FUZZ_FAIL("a==b but cmp(a,c)=%d cmp(b,c)=%d\n", ac, bc);
done:
	for (int i = 0; i < 3; i++)
		free(copy[i]);
	return 0;
}
