/* The only file that includes <jansson.h>. */
#include "util/internal.h"
#include <jansson.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Nesting depth of JSON text, ignoring brackets inside strings. Cheap pass
 * before jansson (whose own limit is a compile-time 2048) so that the depth
 * limit is ours and configurable. */
static size_t json_depth(const char *p, size_t n, size_t stop_at)
{
	size_t depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max) {
				max = depth;
				if (max > stop_at)
					return max;
			}
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return max;
}

cg_err_t cg_json_parse(const char *p, size_t n, const struct cg_json_limits *lim, cg_json **out,
		       struct cg_error *err)
{
	size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : CG_JSON_DEFAULT_MAX_BYTES;
	size_t max_depth = lim && lim->max_depth ? lim->max_depth : CG_JSON_DEFAULT_MAX_DEPTH;
	size_t flags = (lim && lim->allow_duplicates) ? 0 : JSON_REJECT_DUPLICATES;
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (!p && n)
		return cg_error_set(err, CG_ERR_ARG, "json: NULL input");
	if (n > max_bytes)
		return cg_error_set(err, CG_ERR_LIMIT, "json: %zu bytes exceeds the limit of %zu", n,
				    max_bytes);
	if (json_depth(p, n, max_depth) > max_depth)
		return cg_error_set(err, CG_ERR_LIMIT, "json: nesting deeper than the limit of %zu",
				    max_depth);
	j = json_loadb(p ? p : "", n, flags, &jerr);
	if (!j) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return cg_error_set(err, CG_ERR_NOMEM, "json: out of memory");
		return cg_error_set(err, CG_ERR_INVALID, "json: %s at line %d column %d", jerr.text,
				    jerr.line, jerr.column);
	}
	*out = j;
	return CG_OK;
}

cg_err_t cg_json_parse_file(const char *path, const struct cg_json_limits *lim, cg_json **out,
			    struct cg_error *err)
{
	size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : CG_JSON_DEFAULT_MAX_BYTES;
	struct cg_buf b = CG_BUF_INIT(max_bytes);
	char chunk[65536];
	cg_err_t rc = CG_OK;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cg_error_set(err, errno == ENOENT ? CG_ERR_NOTFOUND : CG_ERR_IO, "%s: %s",
				    path, strerror(errno));
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		rc = cg_buf_append(&b, chunk, (size_t)r);
		if (rc) {
			if (rc == CG_ERR_LIMIT)
				cg_error_set(err, rc, "%s: larger than the limit of %zu bytes", path,
					     max_bytes);
			else
				cg_error_set(err, rc, "%s: %s", path, cg_strerror(rc));
			goto done;
		}
	}
	rc = cg_json_parse(cg_buf_str(&b), b.len, lim, out, err);
	if (rc && err) {
		char tmp[CG_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err->msg);
		cg_error_set(err, rc, "%s: %s", path, tmp);
	}
done:
	close(fd);
	cg_buf_release(&b);
	return rc;
}

cg_json *cg_json_ref(cg_json *j) { return json_incref(j); }
void cg_json_free(cg_json *j) { json_decref(j); }

enum cg_json_type cg_json_type_of(const cg_json *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return CG_JSON_OBJECT;
	case JSON_ARRAY: return CG_JSON_ARRAY;
	case JSON_STRING: return CG_JSON_STRING;
	case JSON_INTEGER: return CG_JSON_INTEGER;
	case JSON_REAL: return CG_JSON_REAL;
	case JSON_TRUE: return CG_JSON_TRUE;
	case JSON_FALSE: return CG_JSON_FALSE;
	case JSON_NULL: break;
	}
	return CG_JSON_NULL;
}

bool cg_json_is_object(const cg_json *j) { return j && json_is_object(j); }
bool cg_json_is_array(const cg_json *j) { return j && json_is_array(j); }
bool cg_json_is_string(const cg_json *j) { return j && json_is_string(j); }

cg_json *cg_json_get(const cg_json *obj, const char *key)
{
	return (obj && json_is_object(obj)) ? json_object_get(obj, key) : NULL;
}

const char *cg_json_string(const cg_json *j)
{
	return (j && json_is_string(j)) ? json_string_value(j) : NULL;
}

size_t cg_json_string_len(const cg_json *j)
{
	return (j && json_is_string(j)) ? json_string_length(j) : 0;
}

bool cg_json_int(const cg_json *j, int64_t *out)
{
	if (!j || !json_is_integer(j))
		return false;
	*out = (int64_t)json_integer_value(j);
	return true;
}

bool cg_json_number(const cg_json *j, double *out)
{
	if (!j || !json_is_number(j))
		return false;
	*out = json_number_value(j);
	return true;
}

bool cg_json_bool(const cg_json *j, bool *out)
{
	if (!j || !json_is_boolean(j))
		return false;
	*out = json_is_true(j);
	return true;
}

const char *cg_json_get_str(const cg_json *obj, const char *key)
{
	return cg_json_string(cg_json_get(obj, key));
}

bool cg_json_get_int(const cg_json *obj, const char *key, int64_t *out)
{
	return cg_json_int(cg_json_get(obj, key), out);
}

bool cg_json_get_bool(const cg_json *obj, const char *key, bool *out)
{
	return cg_json_bool(cg_json_get(obj, key), out);
}

size_t cg_json_array_len(const cg_json *arr)
{
	return (arr && json_is_array(arr)) ? json_array_size(arr) : 0;
}

cg_json *cg_json_array_at(const cg_json *arr, size_t i)
{
	return (arr && json_is_array(arr)) ? json_array_get(arr, i) : NULL;
}

size_t cg_json_object_len(const cg_json *obj)
{
	return (obj && json_is_object(obj)) ? json_object_size(obj) : 0;
}

void *cg_json_iter(const cg_json *obj)
{
	return (obj && json_is_object(obj)) ? json_object_iter((json_t *)obj) : NULL;
}

void *cg_json_iter_next(const cg_json *obj, void *it)
{
	return json_object_iter_next((json_t *)obj, it);
}

const char *cg_json_iter_key(void *it) { return json_object_iter_key(it); }
cg_json *cg_json_iter_value(void *it) { return json_object_iter_value(it); }

cg_json *cg_json_new_object(void) { return json_object(); }
cg_json *cg_json_new_array(void) { return json_array(); }
cg_json *cg_json_new_string(const char *s) { return s ? json_string(s) : NULL; }
cg_json *cg_json_new_stringn(const char *s, size_t n) { return s ? json_stringn(s, n) : NULL; }
cg_json *cg_json_new_int(int64_t v) { return json_integer((json_int_t)v); }
cg_json *cg_json_new_real(double v) { return json_real(v); }
cg_json *cg_json_new_bool(bool v) { return json_boolean(v); }
cg_json *cg_json_new_null(void) { return json_null(); }

cg_err_t cg_json_set(cg_json *obj, const char *key, cg_json *val)
{
	if (!val)
		return CG_ERR_NOMEM;
	if (!obj || !json_is_object(obj) || !key) {
		json_decref(val);
		return CG_ERR_ARG;
	}
	return json_object_set_new(obj, key, val) ? CG_ERR_NOMEM : CG_OK;
}

cg_err_t cg_json_set_str(cg_json *obj, const char *key, const char *s)
{
	return cg_json_set(obj, key, s ? json_string(s) : json_null());
}

cg_err_t cg_json_set_int(cg_json *obj, const char *key, int64_t v)
{
	return cg_json_set(obj, key, json_integer((json_int_t)v));
}

cg_err_t cg_json_set_bool(cg_json *obj, const char *key, bool v)
{
	return cg_json_set(obj, key, json_boolean(v));
}

cg_err_t cg_json_append(cg_json *arr, cg_json *val)
{
	if (!val)
		return CG_ERR_NOMEM;
	if (!arr || !json_is_array(arr)) {
		json_decref(val);
		return CG_ERR_ARG;
	}
	return json_array_append_new(arr, val) ? CG_ERR_NOMEM : CG_OK;
}

struct dump_ctx {
	struct cg_buf *out;
	cg_err_t rc;
};

static int dump_cb(const char *p, size_t n, void *data)
{
	struct dump_ctx *c = data;
	c->rc = cg_buf_append(c->out, p, n);
	return c->rc ? -1 : 0;
}

cg_err_t cg_json_dump(const cg_json *j, unsigned flags, struct cg_buf *out)
{
	/* 15 significant digits: 9.8 prints as 9.8, not 9.8000000000000007 */
	size_t jf = JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
	struct dump_ctx c = { out, CG_OK };
	if (!j)
		return CG_ERR_ARG;
	if (flags & CG_JSON_COMPACT)
		jf |= JSON_COMPACT;
	if (flags & CG_JSON_SORTED)
		jf |= JSON_SORT_KEYS;
	if (flags & CG_JSON_PRETTY)
		jf |= JSON_INDENT(2);
	if (json_dump_callback(j, dump_cb, &c, jf) != 0)
		return c.rc ? c.rc : CG_ERR_NOMEM;
	return CG_OK;
}
