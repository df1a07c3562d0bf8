/* The per-image policy file (POL-01/02): a JSON array of policy objects.
 *
 *   [{"name": "web", "mode": "enforce",
 *     "process_whitelist": ["/usr/sbin/nginx"],
 *     "protected_paths": ["/etc/nginx"],
 *     "images": ["nginx:1.25", "sha256:<64 hex>"]}]
 *
 * Untrusted: the text is bounded (CG_POLICY_MAX_BYTES), so are the number of
 * policies, entries per list and path lengths. Unknown fields are ignored
 * (the server adds "id", "description", "updated", ...). Paths are stored
 * normalised lexically, images normalised as Docker does (lib/image/refname.h),
 * bare digests in lower case. See docs/agent-discovery.md. */
#include "util/internal.h"
#include "agent/agent_int.h"
#include "agent/pathnorm.h"
#include "image/refname.h"

#define CG_POLICY_MAX_BYTES ((size_t)64 << 20)
#define CG_POLICY_MAX_POLICIES 4096
#define CG_POLICY_MAX_ENTRIES 4096
#define CG_POLICY_MAX_PATH 4096
#define CG_POLICY_MAX_NAME 128

bool cg_agent_path_normalise(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	if (!in || !out || n == 0 || in[0] != '/' || cap < n + 2 || memchr(in, '\0', n))
		return false;
	out[o++] = '/';
	while (i < n) {
		size_t start, len;
		while (i < n && in[i] == '/')
			i++;
		start = i;
		while (i < n && in[i] != '/')
			i++;
		len = i - start;
		if (len == 0 || (len == 1 && in[start] == '.'))
			continue;
		if (len == 2 && in[start] == '.' && in[start + 1] == '.') {
			/* drop the last component */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--; /* the slash before it */
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, in + start, len);
		o += len;
	}
	out[o] = '\0';
	return true;
}

static bool is_hex_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "sha256:<64 hex>" in any case: copy to out in lower case. */
static bool digest_normalise(const char *s, size_t n, char out[72])
{
	if (n != 71 || strncasecmp(s, "sha256:", 7) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[n] = '\0';
	return is_hex_lower(out + 7, 64);
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static void policy_clear(struct cg_policy *p)
{
	free(p->name);
	for (size_t i = 0; i < p->n_whitelist; i++)
		free(p->whitelist[i]);
	for (size_t i = 0; i < p->n_protected; i++)
		free(p->protected[i]);
	for (size_t i = 0; i < p->n_images; i++)
		free(p->images[i]);
	free(p->whitelist);
	free(p->protected);
	free(p->images);
	memset(p, 0, sizeof(*p));
}

void cg_policy_set_free(struct cg_policy_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		policy_clear(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool list_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

enum list_kind { LIST_PATHS, LIST_IMAGES };

/* Read one list field (absent: empty). Duplicates (after normalisation) are
 * kept once. */
static cg_err_t read_list(const cg_json *obj, const char *field, enum list_kind kind, size_t idx,
			  const char *pname, char ***out, size_t *nout, struct cg_error *err)
{
	cg_json *arr = cg_json_get(obj, field);
	char **v = NULL;
	size_t n = 0, len;
	char *tmp = NULL;
	cg_err_t rc = CG_OK;

	*out = NULL;
	*nout = 0;
	if (!arr || cg_json_type_of(arr) == CG_JSON_NULL)
		return CG_OK;
	if (!cg_json_is_array(arr))
		return cg_error_set(err, CG_ERR_INVALID, "policy %zu (\"%s\"): field \"%s\": not an array",
				    idx, pname, field);
	len = cg_json_array_len(arr);
	if (len > CG_POLICY_MAX_ENTRIES)
		return cg_error_set(err, CG_ERR_LIMIT,
				    "policy %zu (\"%s\"): field \"%s\": %zu entries, at most %d", idx,
				    pname, field, len, CG_POLICY_MAX_ENTRIES);
	if (len && !(v = calloc(len, sizeof(*v))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		cg_json *e = cg_json_array_at(arr, i);
		const char *s = cg_json_string(e);
		size_t sl = cg_json_string_len(e);
		if (!s)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "policy %zu (\"%s\"): field \"%s\"[%zu]: not a string",
						 idx, pname, field, i));
		if (memchr(s, '\0', sl))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "policy %zu (\"%s\"): field \"%s\"[%zu]: holds a NUL byte",
						 idx, pname, field, i));
		if (kind == LIST_PATHS) {
			if (sl == 0 || s[0] != '/')
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "policy %zu (\"%s\"): field \"%s\"[%zu]: \"%.200s\" is not an absolute path",
							 idx, pname, field, i, s));
			if (sl > CG_POLICY_MAX_PATH)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
							 "policy %zu (\"%s\"): field \"%s\"[%zu]: longer than %d bytes",
							 idx, pname, field, i, CG_POLICY_MAX_PATH));
			if (!(tmp = malloc(sl + 2)))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			if (!cg_agent_path_normalise(s, sl, tmp, sl + 2))
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "policy %zu (\"%s\"): field \"%s\"[%zu]: bad path",
							 idx, pname, field, i));
		} else {
			char d[72], ref[CG_REFNAME_MAX + 80];
			if (digest_normalise(s, sl, d)) {
				tmp = strdup(d);
			} else if (sl < CG_REFNAME_MAX && strncasecmp(s, "sha256:", 7) != 0 &&
				   cg_refname_normalise(s, ref, sizeof(ref))) {
				/* ("sha256:abc" would parse as repository "sha256", tag "abc") */
				tmp = strdup(ref);
			} else {
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "policy %zu (\"%s\"): field \"%s\"[%zu]: \"%.200s\" is neither an image reference nor a sha256:<64 hex> digest",
							 idx, pname, field, i, s));
			}
			if (!tmp)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		}
		if (list_has(v, n, tmp)) {
			free(tmp);
		} else {
			v[n++] = tmp;
		}
		tmp = NULL;
	}
	*out = v;
	*nout = n;
	v = NULL;
	n = 0;
done:
	free(tmp);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

static cg_err_t parse_one(const cg_json *o, size_t idx, struct cg_policy *p, struct cg_error *err)
{
	const char *name, *mode;
	size_t nl;
	cg_err_t rc;

	if (!cg_json_is_object(o))
		return cg_error_set(err, CG_ERR_INVALID, "policy %zu: not an object", idx);
	name = cg_json_get_str(o, "name");
	if (!name)
		return cg_error_set(err, CG_ERR_INVALID, "policy %zu: field \"name\": %s", idx,
				    cg_json_get(o, "name") ? "not a string" : "missing");
	nl = cg_json_string_len(cg_json_get(o, "name"));
	if (memchr(name, '\0', nl))
		return cg_error_set(err, CG_ERR_INVALID, "policy %zu: field \"name\": holds a NUL byte",
				    idx);
	if (nl == 0 || utf8_chars(name, nl) > CG_POLICY_MAX_NAME)
		return cg_error_set(err, CG_ERR_INVALID,
				    "policy %zu: field \"name\": must be 1 to %d characters", idx,
				    CG_POLICY_MAX_NAME);
	mode = cg_json_get_str(o, "mode");
	if (!mode)
		return cg_error_set(err, CG_ERR_INVALID, "policy %zu (\"%s\"): field \"mode\": %s",
				    idx, name, cg_json_get(o, "mode") ? "not a string" : "missing");
	if (strcmp(mode, "alert") == 0)
		p->mode = CG_POLICY_ALERT;
	else if (strcmp(mode, "enforce") == 0)
		p->mode = CG_POLICY_ENFORCE;
	else
		return cg_error_set(err, CG_ERR_INVALID,
				    "policy %zu (\"%s\"): field \"mode\": \"%.64s\" is not \"alert\" or \"enforce\"",
				    idx, name, mode);
	if (!(p->name = strdup(name)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if ((rc = read_list(o, "process_whitelist", LIST_PATHS, idx, name, &p->whitelist,
			    &p->n_whitelist, err)))
		return rc;
	if ((rc = read_list(o, "protected_paths", LIST_PATHS, idx, name, &p->protected,
			    &p->n_protected, err)))
		return rc;
	return read_list(o, "images", LIST_IMAGES, idx, name, &p->images, &p->n_images, err);
}

cg_err_t cg_policy_parse(const char *text, size_t len, struct cg_policy_set *out,
			 struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = CG_POLICY_MAX_BYTES, .max_depth = 16 };
	struct cg_policy_set s = { NULL, 0 };
	cg_json *root = NULL;
	size_t n;
	cg_err_t rc = CG_OK;

	if (!out || (!text && len))
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	out->v = NULL;
	out->n = 0;
	if (len > CG_POLICY_MAX_BYTES)
		return cg_error_set(err, CG_ERR_LIMIT, "policy file: larger than %zu bytes",
				    CG_POLICY_MAX_BYTES);
	if ((rc = cg_json_parse(text ? text : "", len, &lim, &root, err))) {
		if (err) {
			char tmp[CG_ERROR_MSG_MAX];
			snprintf(tmp, sizeof(tmp), "%s", err->msg);
			cg_error_set(err, rc, "policy file: %s", tmp);
		}
		return rc;
	}
	if (!cg_json_is_array(root))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "policy file: not a JSON array"));
	n = cg_json_array_len(root);
	if (n > CG_POLICY_MAX_POLICIES)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "policy file: %zu policies, at most %d", n,
					 CG_POLICY_MAX_POLICIES));
	if (n && !(s.v = calloc(n, sizeof(*s.v))))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t i = 0; i < n; i++) {
		rc = parse_one(cg_json_array_at(root, i), i, &s.v[i], err);
		s.n = i + 1; /* so that cleanup frees what was filled */
		if (rc)
			goto done;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s.v[j].name, s.v[i].name) == 0)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "policy %zu: field \"name\": \"%s\" is also the name of policy %zu",
							 i, s.v[i].name, j));
	}
	*out = s;
	s.v = NULL;
	s.n = 0;
done:
	cg_policy_set_free(&s);
	cg_json_free(root);
	return rc;
}

/* The digest named by a container's image string, if it carries one. */
static bool image_digest_of(const char *image, char d[72])
{
	const char *at;
	if (!image)
		return false;
	if (digest_normalise(image, strlen(image), d))
		return true;
	at = strrchr(image, '@');
	return at && digest_normalise(at + 1, strlen(at + 1), d);
}

const struct cg_policy *cg_policy_for(const struct cg_policy_set *s, const char *image,
				      const char *digest)
{
	char d1[72], d2[72], ref[CG_REFNAME_MAX + 80];
	bool have1, have2, have_ref = false;

	if (!s)
		return NULL;
	have1 = digest && digest_normalise(digest, strlen(digest), d1);
	have2 = image_digest_of(image, d2);
	/* 1. digests: an entry that is a digest, or a reference pinned by digest */
	if (have1 || have2) {
		for (size_t i = 0; i < s->n; i++) {
			const struct cg_policy *p = &s->v[i];
			for (size_t j = 0; j < p->n_images; j++) {
				const char *e = p->images[j], *at = strrchr(e, '@');
				const char *ed = at ? at + 1 : (strncmp(e, "sha256:", 7) == 0 ? e : NULL);
				if (ed && ((have1 && strcmp(ed, d1) == 0) ||
					   (have2 && strcmp(ed, d2) == 0)))
					return p;
			}
		}
	}
	/* 2. the normalised reference (tag defaulting to latest); entries pinned
	 * to a digest do not match by name */
	if (image && strlen(image) < CG_REFNAME_MAX && !digest_normalise(image, strlen(image), d2)) {
		struct cg_refname r;
		/* an image named by digest only has no tag to match */
		if (cg_refname_parse(image, &r) && (r.tag[0] || !r.digest[0])) {
			r.digest[0] = '\0';
			have_ref = cg_refname_format(&r, ref, sizeof(ref));
		}
	}
	if (!have_ref)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct cg_policy *p = &s->v[i];
		for (size_t j = 0; j < p->n_images; j++)
			if (!strchr(p->images[j], '@') && strncmp(p->images[j], "sha256:", 7) != 0 &&
			    strcmp(p->images[j], ref) == 0)
				return p;
	}
	return NULL;
}
