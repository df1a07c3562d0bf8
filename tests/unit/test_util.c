/* lib/util: errors, the capped buffer, checked views, the bounded tokenizer,
 * overflow-checked arithmetic, logging. */
#include "util/internal.h"
#include "cgtest.h"

static void t_strerror(struct cgt *t)
{
	struct cg_error e;
	CHECK_STR(t, cg_strerror(CG_OK), "success");
	CHECK_STR(t, cg_strerror(CG_ERR_LIMIT), "limit exceeded");
	CHECK_STR(t, cg_strerror((cg_err_t)9999), "unknown error");
	CHECK_STR(t, cg_strerror((cg_err_t)-1), "unknown error");
	/* every code up to the count has its own message */
	for (int c = 0; c < CG_ERR__COUNT; c++)
		CHECKF(t, strcmp(cg_strerror((cg_err_t)c), "unknown error") != 0, "code %d", c);
	CHECK_INT(t, cg_error_set(&e, CG_ERR_INVALID, "bad %s at %d", "thing", 7), CG_ERR_INVALID);
	CHECK_STR(t, cg_error_message(&e), "bad thing at 7");
	cg_error_clear(&e);
	CHECK_INT(t, e.code, CG_OK);
	CHECK_STR(t, cg_error_message(&e), "success");
	CHECK_INT(t, cg_error_set(NULL, CG_ERR_IO, "x"), CG_ERR_IO); /* NULL err is allowed */
	/* long messages are truncated, not overflowed */
	{
		char big[2000];
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		cg_error_set(&e, CG_ERR_IO, "%s", big);
		CHECK_INT(t, strlen(e.msg), CG_ERROR_MSG_MAX - 1);
	}
}

static void t_buf_basic(struct cgt *t)
{
	struct cg_buf b = CG_BUF_INIT(1 << 20);
	CHECK_STR(t, cg_buf_str(&b), "");
	CHECK_INT(t, cg_buf_puts(&b, "hello"), CG_OK);
	CHECK_INT(t, cg_buf_putc(&b, ' '), CG_OK);
	CHECK_INT(t, cg_buf_printf(&b, "%s %d", "world", 42), CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "hello world 42");
	CHECK_INT(t, b.len, 14);
	cg_buf_reset(&b);
	CHECK_STR(t, cg_buf_str(&b), "");
	for (int i = 0; i < 10000; i++)
		CHECK(t, cg_buf_printf(&b, "%04d", i) == CG_OK);
	CHECK_INT(t, b.len, 40000);
	CHECK(t, memcmp(b.data + 39996, "9999", 4) == 0);
	{
		size_t n;
		char *s = cg_buf_detach(&b, &n);
		CHECK_INT(t, n, 40000);
		CHECK_INT(t, strlen(s), 40000);
		CHECK(t, b.data == NULL && b.len == 0);
		free(s);
	}
	cg_buf_release(&b);
}

static void t_buf_cap(struct cgt *t)
{
	struct cg_buf b;
	cg_buf_init(&b, 8);
	CHECK_INT(t, cg_buf_puts(&b, "12345678"), CG_OK);
	CHECK_INT(t, cg_buf_putc(&b, '9'), CG_ERR_LIMIT);
	CHECK_STR(t, cg_buf_str(&b), "12345678"); /* unchanged after a refused append */
	CHECK_INT(t, cg_buf_printf(&b, "%d", 1), CG_ERR_LIMIT);
	CHECK_INT(t, b.len, 8);
	cg_buf_reset(&b);
	CHECK_INT(t, cg_buf_append(&b, "abc", SIZE_MAX), CG_ERR_LIMIT); /* no overflow */
	cg_buf_release(&b);
	cg_buf_init(&b, 0);
	CHECK_INT(t, cg_buf_putc(&b, 'x'), CG_ERR_LIMIT);
	CHECK_INT(t, cg_buf_append(&b, "", 0), CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "");
	cg_buf_release(&b);
}

static void t_size_arith(struct cgt *t)
{
	size_t r;
	CHECK(t, cg_size_add(1, 2, &r) && r == 3);
	CHECK(t, !cg_size_add(SIZE_MAX, 1, &r));
	CHECK(t, cg_size_mul(1000, 1000, &r) && r == 1000000);
	CHECK(t, !cg_size_mul(SIZE_MAX / 2 + 1, 2, &r));
}

static void t_view(struct cgt *t)
{
	static const uint8_t d[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct cg_view v = cg_view_make(d, sizeof(d)), s;
	uint32_t u32;
	uint16_t u16;
	uint64_t u64;
	uint8_t u8;
	CHECK(t, cg_view_u32be(v, 0, &u32) && u32 == 0x01020304);
	CHECK(t, cg_view_u32le(v, 0, &u32) && u32 == 0x04030201);
	CHECK(t, cg_view_u16be(v, 7, &u16) && u16 == 0x0809);
	CHECK(t, !cg_view_u16be(v, 8, &u16));
	CHECK(t, !cg_view_u32be(v, 6, &u32));
	CHECK(t, !cg_view_u32be(v, SIZE_MAX - 1, &u32));
	CHECK(t, cg_view_u64le(v, 1, &u64) && u64 == 0x0908070605040302ULL);
	CHECK(t, !cg_view_u64le(v, 2, &u64));
	CHECK(t, cg_view_u8(v, 8, &u8) && u8 == 9);
	CHECK(t, !cg_view_u8(v, 9, &u8));
	CHECK(t, cg_view_sub(v, 2, 3, &s) && s.len == 3 && s.p[0] == 3);
	CHECK(t, cg_view_sub(v, 9, 0, &s) && s.len == 0);
	CHECK(t, !cg_view_sub(v, 8, 2, &s));
	CHECK(t, !cg_view_sub(v, SIZE_MAX, 2, &s)); /* off + n overflows */
	CHECK(t, cg_view_make(NULL, 5).len == 0);
}

static void t_tokenizer(struct cgt *t)
{
	static const char text[] = "Package: bash\r\nVersion: 5.2-1\n\nlast";
	struct cg_cursor c;
	struct cg_view line, tok;
	uint64_t n;
	cg_cursor_init(&c, text, sizeof(text) - 1);
	CHECK(t, cg_cursor_line(&c, 100, &line) && cg_view_eq(line, "Package: bash"));
	CHECK(t, cg_cursor_line(&c, 100, &line) && cg_view_eq(line, "Version: 5.2-1"));
	CHECK(t, cg_cursor_line(&c, 100, &line) && line.len == 0);
	CHECK(t, !cg_cursor_line(&c, 3, &line)); /* "last" is longer than 3 */
	CHECK(t, cg_cursor_line(&c, 4, &line) && cg_view_eq(line, "last"));
	CHECK(t, !cg_cursor_line(&c, 100, &line) && cg_cursor_eof(&c));

	cg_cursor_init(&c, "a,,bc", 5);
	CHECK(t, cg_cursor_token(&c, ',', 8, &tok) && cg_view_eq(tok, "a"));
	CHECK(t, cg_cursor_token(&c, ',', 8, &tok) && cg_view_eq(tok, ""));
	CHECK(t, cg_cursor_token(&c, ',', 8, &tok) && cg_view_eq(tok, "bc"));
	CHECK(t, !cg_cursor_token(&c, ',', 8, &tok));

	CHECK(t, cg_view_to_u64(cg_view_make("18446744073709551615", 20), &n) && n == UINT64_MAX);
	CHECK(t, !cg_view_to_u64(cg_view_make("18446744073709551616", 20), &n));
	CHECK(t, !cg_view_to_u64(cg_view_make("12a", 3), &n));
	CHECK(t, !cg_view_to_u64(cg_view_make("", 0), &n));
}

struct log_capture {
	int calls;
	enum cg_log_level last;
	char msg[128];
};

static void capture(enum cg_log_level level, const char *msg, void *ud)
{
	struct log_capture *c = ud;
	c->calls++;
	c->last = level;
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static void t_log(struct cgt *t)
{
	struct log_capture c = { 0 };
	cg_warn("dropped: no callback");
	cg_log_set(capture, &c, CG_LOG_WARN);
	cg_info("below the level");
	CHECK_INT(t, c.calls, 0);
	cg_warn("layer %d skipped", 3);
	CHECK_INT(t, c.calls, 1);
	CHECK_INT(t, c.last, CG_LOG_WARN);
	CHECK_STR(t, c.msg, "layer 3 skipped");
	cg_log_set(NULL, NULL, CG_LOG_INFO);
	cg_err("dropped again");
	CHECK_INT(t, c.calls, 1);
	CHECK_STR(t, cg_log_level_name(CG_LOG_ERROR), "error");
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_strerror), CGT_CASE(t_buf_basic), CGT_CASE(t_buf_cap), CGT_CASE(t_size_arith),
	CGT_CASE(t_view),     CGT_CASE(t_tokenizer), CGT_CASE(t_log),
};
CGT_MAIN(cases)
