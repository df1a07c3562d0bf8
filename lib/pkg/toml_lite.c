/* A bounded reader of the TOML subset lock files use; see toml_lite.h.
 *
 * One pass over (ptr, len), nothing read past len. Decoded keys and strings
 * go to two capped buffers (the current header; the current key/value), kept
 * as offsets until an event is handed out, since a buffer may move when it
 * grows. Recursion (arrays, inline tables) is bounded by CG_TOML_MAX_DEPTH. */
#include "util/internal.h"

#include "pkg/pkgutil.h"
#include "pkg/toml_lite.h"
#include "util/utf8.h"

struct span {
	size_t off, len;
};

struct tl {
	const uint8_t *p;
	size_t len, pos, line;
	struct cg_buf hdr; /* the keys of the current header */
	struct span hkeys[CG_TOML_MAX_PATH];
	size_t nh;
	struct cg_buf val; /* the key path and strings of the current key/value */
	struct span keys[CG_TOML_MAX_PATH];
	size_t nk;
	struct span *items; /* string elements of the array being reported */
	struct cg_toml_str *items_str;
	size_t nitems, items_cap;
	bool other;
	cg_toml_fn fn;
	void *ud;
	struct cg_error *err;
};

static cg_err_t bad(struct tl *t, const char *what)
{
	return cg_error_set(t->err, CG_ERR_INVALID, "TOML line %zu: %s", t->line, what);
}

static cg_err_t over(struct tl *t, const char *what)
{
	return cg_error_set(t->err, CG_ERR_LIMIT, "TOML line %zu: %s", t->line, what);
}

static int peek(const struct tl *t, size_t k)
{
	return k < t->len - t->pos ? t->p[t->pos + k] : -1;
}

static cg_err_t put(struct tl *t, struct cg_buf *b, const void *p, size_t n)
{
	cg_err_t rc = cg_buf_append(b, p, n);
	if (rc == CG_ERR_LIMIT)
		return over(t, "value longer than CG_TOML_MAX_VALUE");
	if (rc != CG_OK)
		return cg_error_set(t->err, rc, "TOML: %s", cg_strerror(rc));
	return CG_OK;
}

static void truncate_to(struct cg_buf *b, size_t n)
{
	if (b->data && n <= b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

static size_t utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

static void skip_ws(struct tl *t)
{
	while (t->pos < t->len && (t->p[t->pos] == ' ' || t->p[t->pos] == '\t'))
		t->pos++;
}

static bool at_newline(const struct tl *t)
{
	int c = peek(t, 0);
	return c == '\n' || (c == '\r' && peek(t, 1) == '\n');
}

static void eat_newline(struct tl *t)
{
	t->pos += t->p[t->pos] == '\r' ? 2 : 1;
	t->line++;
}

/* A comment runs to the end of the line (the newline is not consumed). */
static void skip_comment(struct tl *t)
{
	const uint8_t *nl;
	if (peek(t, 0) != '#')
		return;
	nl = memchr(t->p + t->pos, '\n', t->len - t->pos);
	t->pos = nl ? (size_t)(nl - t->p) : t->len;
	if (t->pos > 0 && t->pos < t->len && t->p[t->pos - 1] == '\r')
		t->pos--;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static cg_err_t skip_ws_nl(struct tl *t)
{
	for (;;) {
		skip_ws(t);
		skip_comment(t);
		if (t->pos >= t->len)
			return CG_OK;
		if (at_newline(t)) {
			eat_newline(t);
			continue;
		}
		if (t->p[t->pos] == '\r')
			return bad(t, "carriage return without a line feed");
		return CG_OK;
	}
}

/* After the backslash of a basic string: one escape, appended to b. */
static cg_err_t parse_escape(struct tl *t, struct cg_buf *b, bool multi)
{
	int c = peek(t, 0);
	uint8_t out[4];
	size_t ndigits = 0;
	uint32_t cp = 0;
	switch (c) {
	case 'b':
		out[0] = '\b';
		break;
	case 't':
		out[0] = '\t';
		break;
	case 'n':
		out[0] = '\n';
		break;
	case 'f':
		out[0] = '\f';
		break;
	case 'r':
		out[0] = '\r';
		break;
	case 'e':
		out[0] = 0x1b;
		break;
	case '"':
		out[0] = '"';
		break;
	case '\\':
		out[0] = '\\';
		break;
	case 'x':
		ndigits = 2;
		break;
	case 'u':
		ndigits = 4;
		break;
	case 'U':
		ndigits = 8;
		break;
	default:
		if (multi && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
			/* line-ending backslash: drop whitespace and newlines after it */
			skip_ws(t);
			if (!at_newline(t))
				return bad(t, "backslash followed by spaces but no newline");
			for (;;) {
				skip_ws(t);
				if (!at_newline(t))
					return CG_OK;
				eat_newline(t);
			}
		}
		return bad(t, "unknown escape in a string");
	}
	t->pos++;
	if (ndigits == 0)
		return put(t, b, out, 1);
	for (size_t i = 0; i < ndigits; i++) {
		int h = cg_pkg_hexval(peek(t, 0));
		if (h < 0)
			return bad(t, "bad hex digits in an escape");
		cp = (cp << 4) | (uint32_t)h;
		t->pos++;
	}
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return bad(t, "escape is not a usable Unicode scalar value");
	return put(t, b, out, utf8_encode(cp, out));
}

static bool plain_byte(uint8_t c, uint8_t quote, bool literal)
{
	if (c == quote || (c == '\\' && !literal) || c == 0x7f)
		return false;
	return c >= 0x20 || c == '\t';
}

/* At an opening quote: a string of any of the four kinds (the multi-line
 * ones only where allow_multi), decoded into b plus a NUL. */
static cg_err_t parse_string(struct tl *t, struct cg_buf *b, struct span *out, bool allow_multi)
{
	uint8_t q = t->p[t->pos];
	bool literal = q == '\'';
	bool multi = allow_multi && peek(t, 1) == q && peek(t, 2) == q;
	size_t start = b->len, startline = t->line;
	cg_err_t rc;

	t->pos += multi ? 3 : 1;
	if (multi && at_newline(t))
		eat_newline(t);
	for (;;) {
		uint8_t c;
		size_t run;
		if (t->pos >= t->len) {
			t->line = startline;
			return bad(t, "unterminated string");
		}
		c = t->p[t->pos];
		if (c == q) {
			size_t n = 1;
			if (!multi) {
				t->pos++;
				break;
			}
			while (n < 6 && peek(t, n) == q)
				n++;
			if (n >= 3) {
				/* up to two quotes just inside the closing delimiter */
				if (n == 6)
					return bad(t, "too many quotes closing a string");
				if ((rc = put(t, b, t->p + t->pos, n - 3)) != CG_OK)
					return rc;
				t->pos += n;
				break;
			}
			if ((rc = put(t, b, t->p + t->pos, n)) != CG_OK)
				return rc;
			t->pos += n;
			continue;
		}
		if (c == '\\' && !literal) {
			t->pos++;
			if ((rc = parse_escape(t, b, multi)) != CG_OK)
				return rc;
			continue;
		}
		if (at_newline(t)) {
			if (!multi)
				return bad(t, "newline in a single-line string");
			eat_newline(t);
			if ((rc = put(t, b, "\n", 1)) != CG_OK)
				return rc;
			continue;
		}
		if (!plain_byte(c, q, literal))
			return bad(t, "control character in a string");
		run = 1;
		while (t->pos + run < t->len && plain_byte(t->p[t->pos + run], q, literal))
			run++;
		if ((rc = put(t, b, t->p + t->pos, run)) != CG_OK)
			return rc;
		t->pos += run;
	}
	if (b->len > start && !cg_utf8_valid(b->data + start, b->len - start))
		return bad(t, "string is not valid UTF-8");
	out->off = start;
	out->len = b->len - start;
	return put(t, b, "", 1);
}

static bool bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A key, dotted or not, appended to segs[*n...] (decoded into b). */
static cg_err_t parse_key(struct tl *t, struct cg_buf *b, struct span *segs, size_t *n)
{
	cg_err_t rc;
	for (;;) {
		int c;
		skip_ws(t);
		if (*n >= CG_TOML_MAX_PATH)
			return over(t, "key path longer than CG_TOML_MAX_PATH");
		c = peek(t, 0);
		if (c == '"' || c == '\'') {
			if ((rc = parse_string(t, b, &segs[*n], false)) != CG_OK)
				return rc;
		} else {
			size_t start = t->pos;
			while (bare_key_char(peek(t, 0)))
				t->pos++;
			if (t->pos == start)
				return bad(t, "expected a key");
			segs[*n].off = b->len;
			segs[*n].len = t->pos - start;
			if ((rc = put(t, b, t->p + start, t->pos - start)) != CG_OK ||
			    (rc = put(t, b, "", 1)) != CG_OK)
				return rc;
		}
		(*n)++;
		skip_ws(t);
		if (peek(t, 0) != '.')
			return CG_OK;
		t->pos++;
	}
}

static bool scalar_char(int c)
{
	return bare_key_char(c) || c == '+' || c == '.' || c == ':';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A number, boolean or date: its raw token (kept in val when keep). */
static cg_err_t parse_scalar(struct tl *t, struct span *out, bool keep)
{
	size_t start = t->pos;
	cg_err_t rc;
	while (scalar_char(peek(t, 0)))
		t->pos++;
	/* "1979-05-27 07:32:00": a date and a time may be separated by a space */
	if (t->pos - start == 10 && t->p[start + 4] == '-' && peek(t, 0) == ' ' &&
	    is_digit(peek(t, 1))) {
		t->pos++;
		while (scalar_char(peek(t, 0)))
			t->pos++;
	}
	if (t->pos == start)
		return bad(t, "expected a value");
	if (!keep)
		return CG_OK;
	out->off = t->val.len;
	out->len = t->pos - start;
	if ((rc = put(t, &t->val, t->p + start, t->pos - start)) != CG_OK)
		return rc;
	return put(t, &t->val, "", 1);
}

static cg_err_t emit(struct tl *t, enum cg_toml_kind kind, size_t line, const struct span *s)
{
	struct cg_toml_str table[CG_TOML_MAX_PATH], key[CG_TOML_MAX_PATH];
	struct cg_toml_event ev;
	bool kv = kind != CG_TOML_TABLE && kind != CG_TOML_ARRAY_TABLE;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.line = line;
	for (size_t i = 0; i < t->nh; i++) {
		table[i].p = t->hdr.data + t->hkeys[i].off;
		table[i].len = t->hkeys[i].len;
	}
	ev.table = table;
	ev.ntable = t->nh;
	if (kv) {
		for (size_t i = 0; i < t->nk; i++) {
			key[i].p = t->val.data + t->keys[i].off;
			key[i].len = t->keys[i].len;
		}
		ev.key = key;
		ev.nkey = t->nk;
	}
	if (s) {
		ev.str.p = t->val.data + s->off;
		ev.str.len = s->len;
	}
	if (kind == CG_TOML_ARRAY) {
		for (size_t i = 0; i < t->nitems; i++) {
			t->items_str[i].p = t->val.data + t->items[i].off;
			t->items_str[i].len = t->items[i].len;
		}
		ev.items = t->items_str;
		ev.nitems = t->nitems;
		ev.other_items = t->other;
	}
	return t->fn(t->ud, &ev);
}

static cg_err_t grow_items(struct tl *t)
{
	size_t cap = t->items_cap ? t->items_cap * 2 : 64;
	struct span *a;
	struct cg_toml_str *b;
	if (cap > CG_TOML_MAX_ITEMS)
		cap = CG_TOML_MAX_ITEMS;
	a = realloc(t->items, cap * sizeof(*a));
	if (!a)
		return cg_error_set(t->err, CG_ERR_NOMEM, "TOML: out of memory");
	t->items = a;
	b = realloc(t->items_str, cap * sizeof(*b));
	if (!b)
		return cg_error_set(t->err, CG_ERR_NOMEM, "TOML: out of memory");
	t->items_str = b;
	t->items_cap = cap;
	return CG_OK;
}

static cg_err_t parse_value(struct tl *t, unsigned depth, bool emit_it);

static cg_err_t parse_array(struct tl *t, unsigned depth, bool emit_it)
{
	size_t line = t->line;
	cg_err_t rc;

	t->pos++;
	if (emit_it) {
		t->nitems = 0;
		t->other = false;
	}
	for (;;) {
		int c;
		if ((rc = skip_ws_nl(t)) != CG_OK)
			return rc;
		if (t->pos >= t->len)
			return bad(t, "unterminated array");
		c = t->p[t->pos];
		if (c == ']') {
			t->pos++;
			break;
		}
		if (emit_it && (c == '"' || c == '\'')) {
			if (t->nitems >= CG_TOML_MAX_ITEMS)
				return over(t, "array longer than CG_TOML_MAX_ITEMS");
			if (t->nitems == t->items_cap && (rc = grow_items(t)) != CG_OK)
				return rc;
			if ((rc = parse_string(t, &t->val, &t->items[t->nitems], true)) != CG_OK)
				return rc;
			t->nitems++;
		} else {
			if (emit_it)
				t->other = true;
			if ((rc = parse_value(t, depth + 1, false)) != CG_OK)
				return rc;
		}
		if ((rc = skip_ws_nl(t)) != CG_OK)
			return rc;
		c = peek(t, 0);
		if (c == ',') {
			t->pos++;
			continue;
		}
		if (c == ']') {
			t->pos++;
			break;
		}
		return bad(t, "expected ',' or ']' in an array");
	}
	return emit_it ? emit(t, CG_TOML_ARRAY, line, NULL) : CG_OK;
}

static cg_err_t parse_inline_table(struct tl *t, unsigned depth, bool emit_it)
{
	size_t nk0 = t->nk;
	cg_err_t rc;

	t->pos++;
	if ((rc = skip_ws_nl(t)) != CG_OK)
		return rc;
	if (peek(t, 0) == '}') {
		t->pos++;
		return CG_OK;
	}
	for (;;) {
		size_t mark = t->val.len;
		int c;
		if ((rc = parse_key(t, &t->val, t->keys, &t->nk)) != CG_OK)
			return rc;
		if (peek(t, 0) != '=')
			return bad(t, "expected '=' in an inline table");
		t->pos++;
		skip_ws(t);
		if ((rc = parse_value(t, depth + 1, emit_it)) != CG_OK)
			return rc;
		t->nk = nk0;
		truncate_to(&t->val, mark);
		if ((rc = skip_ws_nl(t)) != CG_OK)
			return rc;
		c = peek(t, 0);
		if (c == ',') {
			t->pos++;
			if ((rc = skip_ws_nl(t)) != CG_OK)
				return rc;
			if (peek(t, 0) == '}') { /* trailing comma (TOML 1.1) */
				t->pos++;
				return CG_OK;
			}
			continue;
		}
		if (c == '}') {
			t->pos++;
			return CG_OK;
		}
		return bad(t, "expected ',' or '}' in an inline table");
	}
}

static cg_err_t parse_value(struct tl *t, unsigned depth, bool emit_it)
{
	size_t mark = t->val.len, line = t->line;
	struct span s;
	int c = peek(t, 0);
	cg_err_t rc;

	if (depth > CG_TOML_MAX_DEPTH)
		return over(t, "nesting deeper than CG_TOML_MAX_DEPTH");
	if (c == '"' || c == '\'') {
		rc = parse_string(t, &t->val, &s, true);
		if (rc == CG_OK && emit_it)
			rc = emit(t, CG_TOML_STRING, line, &s);
	} else if (c == '[') {
		rc = parse_array(t, depth, emit_it);
	} else if (c == '{') {
		rc = parse_inline_table(t, depth, emit_it);
	} else {
		rc = parse_scalar(t, &s, emit_it);
		if (rc == CG_OK && emit_it)
			rc = emit(t, CG_TOML_SCALAR, line, &s);
	}
	truncate_to(&t->val, mark);
	return rc;
}

static cg_err_t parse_header(struct tl *t)
{
	bool array = peek(t, 1) == '[';
	size_t line = t->line;
	cg_err_t rc;

	t->pos += array ? 2 : 1;
	cg_buf_reset(&t->hdr);
	t->nh = 0;
	if ((rc = parse_key(t, &t->hdr, t->hkeys, &t->nh)) != CG_OK)
		return rc;
	if (peek(t, 0) != ']' || (array && peek(t, 1) != ']'))
		return bad(t, array ? "expected ']]' closing a table header"
				    : "expected ']' closing a table header");
	t->pos += array ? 2 : 1;
	return emit(t, array ? CG_TOML_ARRAY_TABLE : CG_TOML_TABLE, line, NULL);
}

static cg_err_t parse_keyval(struct tl *t)
{
	cg_err_t rc;
	cg_buf_reset(&t->val);
	t->nk = 0;
	if ((rc = parse_key(t, &t->val, t->keys, &t->nk)) != CG_OK)
		return rc;
	if (peek(t, 0) != '=')
		return bad(t, "expected '=' after a key");
	t->pos++;
	skip_ws(t);
	if (t->pos >= t->len || at_newline(t) || peek(t, 0) == '#')
		return bad(t, "missing value after '='");
	return parse_value(t, 1, true);
}

cg_err_t cg_toml_parse(const void *data, size_t len, cg_toml_fn fn, void *ud, struct cg_error *err)
{
	struct tl t;
	cg_err_t rc = CG_OK;

	memset(&t, 0, sizeof(t));
	if (!fn || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "cg_toml_parse: no callback or no data");
	t.p = data;
	t.len = len;
	t.line = 1;
	t.fn = fn;
	t.ud = ud;
	t.err = err;
	cg_buf_init(&t.hdr, CG_TOML_MAX_VALUE);
	cg_buf_init(&t.val, CG_TOML_MAX_VALUE);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		t.pos = 3;
	while (t.pos < t.len) {
		int c;
		skip_ws(&t);
		skip_comment(&t);
		if (t.pos >= t.len)
			break;
		if (at_newline(&t)) {
			eat_newline(&t);
			continue;
		}
		c = t.p[t.pos];
		if (c == '[')
			rc = parse_header(&t);
		else
			rc = parse_keyval(&t);
		if (rc != CG_OK)
			goto done;
		skip_ws(&t);
		skip_comment(&t);
		if (t.pos < t.len) {
			if (!at_newline(&t))
				CG_FAIL(rc, bad(&t, "expected the end of the line"));
			eat_newline(&t);
		}
	}
done:
	cg_buf_release(&t.hdr);
	cg_buf_release(&t.val);
	free(t.items);
	free(t.items_str);
	return rc;
}

bool cg_toml_path_is(const struct cg_toml_str *path, size_t n, const char *dotted)
{
	size_t i = 0;
	const char *s = dotted;
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		if (i >= n || path[i].len != l || memcmp(path[i].p, s, l) != 0)
			return false;
		i++;
		if (!dot)
			return i == n;
		s = dot + 1;
	}
}
