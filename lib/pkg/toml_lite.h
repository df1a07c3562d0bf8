/* Internal: a bounded reader of the TOML subset that lock files use
 * (Cargo.lock v1-v4, poetry.lock, uv.lock).
 *
 * Debian 12 ships no C TOML library (only C++ ones: cpptoml, toml11,
 * tomlplusplus), so this is a small tokenizer of our own. It reads:
 *   - comments, blank lines, LF and CRLF line ends, a leading UTF-8 BOM;
 *   - table headers [a.b] and array-of-tables headers [[a.b]];
 *   - keys: bare, "basic" and 'literal', dotted (a.b = 1);
 *   - values: the four string forms ("basic" with every TOML 1.0 escape plus
 *     1.1's \e and \xHH, 'literal', """multi-line""", '''multi-line'''),
 *     arrays (nested, multi-line, trailing comma, comments inside), inline
 *     tables (also over several lines and with a trailing comma, as TOML 1.1
 *     allows), and other scalars (integers, floats, booleans, dates), which
 *     are handed over as their raw token without being checked.
 * It is a reader, not a validator: duplicate keys, redefined tables and
 * badly formed numbers or dates are not detected. Everything else that is
 * malformed stops the parse with CG_ERR_INVALID and the line number.
 *
 * Events go to a callback in document order. An inline table is reported as
 * its key/values with the key path extended (source = { git = "u" } gives a
 * string event with key "source", "git"), which is what TOML means by it. An
 * array reports its string elements; arrays and inline tables inside an
 * array are parsed (and checked) but not reported, only flagged.
 *
 * Limits (each a CG_ERR_LIMIT naming it): CG_TOML_MAX_PATH keys in a header
 * or key path, CG_TOML_MAX_DEPTH nesting of arrays and inline tables,
 * CG_TOML_MAX_ITEMS strings kept per array, CG_TOML_MAX_VALUE decoded bytes
 * per key/value or header. Input size is the caller's limit. */
#ifndef CG_PKG_TOML_LITE_H
#define CG_PKG_TOML_LITE_H

#include <cguard/common.h>
#include <cguard/error.h>

#define CG_TOML_MAX_PATH  16
#define CG_TOML_MAX_DEPTH 32
#define CG_TOML_MAX_ITEMS 65536
#define CG_TOML_MAX_VALUE ((size_t)1 << 20)

/* A decoded string: NUL-terminated, valid UTF-8, no NUL inside. */
struct cg_toml_str {
	const char *p;
	size_t len;
};

enum cg_toml_kind {
	CG_TOML_TABLE,	     /* [a.b]: the header is in table */
	CG_TOML_ARRAY_TABLE, /* [[a.b]]: a new element of that array */
	CG_TOML_STRING,	     /* key = "...": decoded in str */
	CG_TOML_ARRAY,	     /* key = [...]: its string elements in items */
	CG_TOML_SCALAR,	     /* key = 3 / true / 1979-05-27: the raw token in str */
};

struct cg_toml_event {
	enum cg_toml_kind kind;
	size_t line;			 /* 1-based line of the header or of the value */
	const struct cg_toml_str *table; /* the current header's keys (none before the first) */
	size_t ntable;
	const struct cg_toml_str *key; /* key/values: the full key path below the table */
	size_t nkey;
	struct cg_toml_str str;		 /* STRING and SCALAR */
	const struct cg_toml_str *items; /* ARRAY: the string elements, in order */
	size_t nitems;
	bool other_items; /* ARRAY: it also held non-strings (not listed) */
};

/* Return CG_OK to go on; anything else stops the parse and is returned. */
typedef cg_err_t (*cg_toml_fn)(void *ud, const struct cg_toml_event *ev);

/* Parse data[0..len) and report every header and key/value to fn.
 * CG_ERR_INVALID (with "line N: ..." in err) for malformed input,
 * CG_ERR_LIMIT for a limit, CG_ERR_NOMEM, or the callback's own code. */
cg_err_t cg_toml_parse(const void *data, size_t len, cg_toml_fn fn, void *ud,
		       struct cg_error *err) CG_MUST_CHECK;

/* Is the path exactly the keys of `dotted` ("package", "source.git")? */
bool cg_toml_path_is(const struct cg_toml_str *path, size_t n, const char *dotted);

#endif
