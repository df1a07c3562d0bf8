/* UTF-8 validation; see utf8.h. */
#include "util/internal.h"

#include "util/utf8.h"

size_t cg_utf8_next(const void *s, size_t n, uint32_t *cp)
{
	const uint8_t *p = s;
	uint32_t c, min;
	size_t need;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		need = 0, min = 0;
	} else if ((c & 0xe0) == 0xc0) {
		need = 1, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n - 1 < need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp)
		*cp = c;
	return need + 1;
}

/* Every sequence of s[0..n) well-formed and, when text, no control character. */
static bool check(const uint8_t *s, size_t n, bool text, bool allow_tab)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (!(k = cg_utf8_next(s + i, n - i, &cp)))
			return false;
		if (text &&
		    ((cp < 0x20 && !(allow_tab && cp == '\t')) || (cp >= 0x7f && cp < 0xa0)))
			return false;
		i += k;
	}
	return true;
}

bool cg_utf8_valid(const void *s, size_t n)
{
	return check(s, n, false, false);
}

bool cg_utf8_text(const void *s, size_t n, bool allow_tab)
{
	return check(s, n, true, allow_tab);
}
