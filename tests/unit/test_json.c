/* The JSON wrapper: limits, errors, getters, builders, canonical dumps. */
#include <cguard/cguard.h>
#include "cgtest.h"

static void t_parse_get(struct cgt *t)
{
	static const char doc[] =
		"{\"name\":\"bash\",\"n\":9007199254740993,\"ok\":true,\"list\":[1,\"x\",null],"
		"\"nested\":{\"k\":\"v\"}}";
	cg_json *j = NULL;
	int64_t n = 0;
	bool b = false;
	CHECK_INT(t, cg_json_parse(doc, sizeof(doc) - 1, NULL, &j, NULL), CG_OK);
	CHECK_STR(t, cg_json_get_str(j, "name"), "bash");
	/* 64-bit integers survive exactly (a reason for jansson over cJSON) */
	CHECK(t, cg_json_get_int(j, "n", &n) && n == 9007199254740993LL);
	CHECK(t, cg_json_get_bool(j, "ok", &b) && b);
	CHECK(t, !cg_json_get_int(j, "name", &n)); /* wrong type */
	CHECK(t, cg_json_get_str(j, "missing") == NULL);
	CHECK_INT(t, cg_json_array_len(cg_json_get(j, "list")), 3);
	CHECK_STR(t, cg_json_string(cg_json_array_at(cg_json_get(j, "list"), 1)), "x");
	CHECK(t, cg_json_array_at(cg_json_get(j, "list"), 3) == NULL);
	CHECK_STR(t, cg_json_get_str(cg_json_get(j, "nested"), "k"), "v");
	CHECK(t, cg_json_get(NULL, "x") == NULL);
	CHECK(t, cg_json_get_str(cg_json_get(j, "list"), "x") == NULL); /* not an object */
	{
		int keys = 0;
		for (void *it = cg_json_iter(j); it; it = cg_json_iter_next(j, it))
			keys++;
		CHECK_INT(t, keys, 5);
	}
	cg_json_free(j);
}

static void t_parse_errors(struct cgt *t)
{
	struct cg_error e;
	cg_json *j = (cg_json *)1;
	CHECK_INT(t, cg_json_parse("{\"a\":", 5, NULL, &j, &e), CG_ERR_INVALID);
	CHECK(t, j == NULL);
	CHECKF(t, strstr(e.msg, "line 1") != NULL, "message: %s", e.msg);
	CHECK_INT(t, cg_json_parse("", 0, NULL, &j, &e), CG_ERR_INVALID);
	CHECK_INT(t, cg_json_parse("{\"a\":1,\"a\":2}", 13, NULL, &j, &e), CG_ERR_INVALID);
	{
		struct cg_json_limits lim = { .allow_duplicates = true };
		CHECK_INT(t, cg_json_parse("{\"a\":1,\"a\":2}", 13, &lim, &j, &e), CG_OK);
		cg_json_free(j);
	}
	/* NUL inside the text, invalid UTF-8 */
	CHECK_INT(t, cg_json_parse("{\"a\":\"\0\"}", 9, NULL, &j, &e), CG_ERR_INVALID);
	CHECK_INT(t, cg_json_parse("\"\xff\"", 3, NULL, &j, &e), CG_ERR_INVALID);
}

static void t_limits(struct cgt *t)
{
	struct cg_json_limits lim = { .max_bytes = 16, .max_depth = 3 };
	struct cg_error e;
	cg_json *j = NULL;
	char deep[4001];
	CHECK_INT(t, cg_json_parse("[1,2,3,4,5,6,7,8,9]", 19, &lim, &j, &e), CG_ERR_LIMIT);
	CHECK(t, strstr(e.msg, "limit") != NULL);
	CHECK_INT(t, cg_json_parse("[[[1]]]", 7, &lim, &j, &e), CG_OK);
	cg_json_free(j);
	CHECK_INT(t, cg_json_parse("[[[[1]]]]", 9, &lim, &j, &e), CG_ERR_LIMIT);
	/* brackets inside strings do not count */
	CHECK_INT(t, cg_json_parse("[\"[[[[\\\"[[\"]", 12, &lim, &j, &e), CG_OK);
	cg_json_free(j);
	/* 2000 levels with the default limit: refused without recursion */
	memset(deep, '[', 2000);
	memset(deep + 2000, ']', 2000);
	deep[4000] = '\0';
	CHECK_INT(t, cg_json_parse(deep, 4000, NULL, &j, &e), CG_ERR_LIMIT);
}

static void t_build_dump(struct cgt *t)
{
	cg_json *o = cg_json_new_object(), *arr = cg_json_new_array();
	struct cg_buf b = CG_BUF_INIT(1 << 16);
	CHECK_INT(t, cg_json_set_str(o, "z", "last"), CG_OK);
	CHECK_INT(t, cg_json_set_int(o, "a", -5), CG_OK);
	CHECK_INT(t, cg_json_set_bool(o, "m", false), CG_OK);
	CHECK_INT(t, cg_json_append(arr, cg_json_new_string("q\"uote")), CG_OK);
	CHECK_INT(t, cg_json_set(o, "arr", arr), CG_OK);
	CHECK_INT(t, cg_json_set(o, "x", NULL), CG_ERR_NOMEM); /* a failed constructor */
	CHECK_INT(t, cg_json_set(arr, "k", cg_json_new_null()), CG_ERR_ARG); /* not an object */
	CHECK_INT(t, cg_json_dump(o, CG_JSON_COMPACT | CG_JSON_SORTED, &b), CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "{\"a\":-5,\"arr\":[\"q\\\"uote\"],\"m\":false,\"z\":\"last\"}");
	cg_buf_reset(&b);
	CHECK_INT(t, cg_json_dump(o, CG_JSON_COMPACT, &b), CG_OK);
	CHECK_STR(t, cg_buf_str(&b), "{\"z\":\"last\",\"a\":-5,\"m\":false,\"arr\":[\"q\\\"uote\"]}");
	cg_buf_release(&b);
	/* a dump larger than the buffer's cap fails with LIMIT */
	cg_buf_init(&b, 10);
	CHECK_INT(t, cg_json_dump(o, CG_JSON_COMPACT, &b), CG_ERR_LIMIT);
	cg_buf_release(&b);
	cg_json_free(o);
}

static void t_parse_file(struct cgt *t)
{
	char path[] = "/tmp/cgtest-json-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct cg_json_limits lim = { .max_bytes = 10 };
	struct cg_error e;
	cg_json *j = NULL;
	fputs("{\"key\": \"value\"}", f);
	fclose(f);
	CHECK_INT(t, cg_json_parse_file(path, NULL, &j, &e), CG_OK);
	CHECK_STR(t, cg_json_get_str(j, "key"), "value");
	cg_json_free(j);
	CHECK_INT(t, cg_json_parse_file(path, &lim, &j, &e), CG_ERR_LIMIT);
	CHECK(t, strstr(e.msg, path) != NULL);
	unlink(path);
	CHECK_INT(t, cg_json_parse_file(path, NULL, &j, &e), CG_ERR_NOTFOUND);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_parse_get), CGT_CASE(t_parse_errors), CGT_CASE(t_limits),
	CGT_CASE(t_build_dump), CGT_CASE(t_parse_file),
};
CGT_MAIN(cases)
