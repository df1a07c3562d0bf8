/* Internal: UTF-8 validation of untrusted bytes (ptr, len), nothing read past
 * len. Well-formed means RFC 3629: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. */
#ifndef CG_UTIL_UTF8_H
#define CG_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the one well-formed sequence at s[0..n), its code
 * point in *cp (may be NULL); 0 when there is none (n == 0 too). */
size_t cg_utf8_next(const void *s, size_t n, uint32_t *cp);

/* Is s[0..n) well-formed UTF-8? Control characters are allowed. */
bool cg_utf8_valid(const void *s, size_t n);

/* Is s[0..n) well-formed UTF-8 free of control characters: C0 (U+0000 to
 * U+001F; a tab is allowed when allow_tab), DEL (U+007F) and C1 (U+0080 to
 * U+009F)? Text for people, such as a license. */
bool cg_utf8_text(const void *s, size_t n, bool allow_tab);

#endif
