/* The docker:// source's parsers of untrusted text (see registry_int.h):
 * references, WWW-Authenticate challenges, token responses, docker
 * config.json credentials, base64. No network and no libcurl here. */
#include "util/internal.h"
#include "image/registry_int.h"

#define CONFIG_MAX_BYTES ((size_t)4 << 20) /* a docker config.json */
#define TOKEN_JSON_MAX_BYTES ((size_t)1 << 20)

static bool is_alnum_lower(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(unsigned char c)
{
	return is_alnum_lower(c) || (c >= 'A' && c <= 'Z');
}

static unsigned char to_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
			return false;
	return true;
}

void cg_registry_sanitize(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	if (!cap)
		return;
	for (size_t i = 0; s && i < n && k + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[k++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	out[k] = '\0';
}

/* ---- references -------------------------------------------------------------- */

bool cg_registry_host_is_hub(const char *host, size_t n)
{
	return ieq(host, n, "docker.io") || ieq(host, n, "index.docker.io") ||
	       ieq(host, n, "registry-1.docker.io");
}

/* HOST[:PORT] with HOST a name, an IPv4 address or [IPv6]. */
static bool host_valid(const char *h, size_t n)
{
	size_t i = 0, end = n;
	const char *colon;
	if (n == 0 || n > CG_REG_HOST_MAX)
		return false;
	if (h[0] == '[') {
		const char *close = memchr(h, ']', n);
		if (!close || close == h + 1)
			return false;
		for (i = 1; h + i < close; i++)
			if (!is_alnum((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return false;
		i = (size_t)(close - h) + 1;
		if (i < n && h[i] != ':')
			return false;
	} else {
		colon = memchr(h, ':', n);
		end = colon ? (size_t)(colon - h) : n;
		if (end == 0)
			return false;
		for (i = 0; i < end; i++)
			if (!is_alnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-')
				return false;
		if (h[0] == '-' || h[0] == '.' || h[end - 1] == '-')
			return false;
	}
	if (i < n) { /* ":PORT" */
		uint64_t port = 0;
		size_t digits = n - i - 1;
		if (digits == 0 || digits > 5)
			return false;
		for (size_t k = i + 1; k < n; k++) {
			if (h[k] < '0' || h[k] > '9')
				return false;
			port = port * 10 + (uint64_t)(h[k] - '0');
		}
		if (port == 0 || port > 65535)
			return false;
	}
	return true;
}

/* Repository path components: [a-z0-9]+ joined by '.', '_', '__' or '-'s. */
static const char *repo_problem(const char *r, size_t n)
{
	size_t start = 0;
	if (n == 0)
		return "empty repository name";
	if (n > CG_REG_REPO_MAX)
		return "repository name longer than 255 bytes";
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)r[i] : '/';
		if (c >= 'A' && c <= 'Z')
			return "repository names must be lowercase";
		if (c == '/') {
			if (i == start)
				return "empty path component in the repository name";
			if (!is_alnum_lower((unsigned char)r[start]) ||
			    !is_alnum_lower((unsigned char)r[i - 1]))
				return "repository path components start and end with a letter or digit";
			start = i + 1;
			continue;
		}
		if (!is_alnum_lower(c) && c != '.' && c != '_' && c != '-')
			return "repository names take only a-z, 0-9, '.', '_', '-' and '/'";
	}
	return NULL;
}

static bool tag_valid(const char *t, size_t n)
{
	if (n == 0 || n > CG_REG_TAG_MAX)
		return false;
	if (!is_alnum((unsigned char)t[0]) && t[0] != '_')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

cg_err_t cg_registry_ref_parse(const char *arg, struct cg_registry_ref *out, struct cg_error *err)
{
	const char *s, *at, *name, *rest, *slash, *last, *colon;
	size_t n, name_len, rest_len, repo_len;
	const char *why;
	bool hub;

	memset(out, 0, sizeof(*out));
	if (!arg || strncmp(arg, "//", 2) != 0)
		return cg_error_set(err, CG_ERR_ARG,
				    "docker: references look like docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]");
	s = arg + 2;
	n = strnlen(s, 2048);
	if (n == 0 || n >= 2048)
		return cg_error_set(err, CG_ERR_ARG, "docker: reference is empty or too long");
	at = memchr(s, '@', n);
	name = s;
	name_len = at ? (size_t)(at - s) : n;
	if (at) {
		if (!cg_digest_valid(at + 1))
			return cg_error_set(err, CG_ERR_ARG,
					    "docker: the digest must be sha256:<64 lowercase hex digits>");
		memcpy(out->digest, at + 1, CG_DIGEST_STR_LEN);
	}
	slash = memchr(name, '/', name_len);
	if (slash && (memchr(name, '.', (size_t)(slash - name)) ||
		      memchr(name, ':', (size_t)(slash - name)) ||
		      ieq(name, (size_t)(slash - name), "localhost"))) {
		size_t hl = (size_t)(slash - name);
		if (!host_valid(name, hl))
			return cg_error_set(err, CG_ERR_ARG, "docker: bad registry host '%.*s'",
					    (int)(hl > 100 ? 100 : hl), name);
		for (size_t i = 0; i < hl; i++)
			out->host[i] = (char)to_lower((unsigned char)name[i]);
		rest = slash + 1;
		rest_len = name_len - hl - 1;
	} else {
		memcpy(out->host, "docker.io", 10);
		rest = name;
		rest_len = name_len;
	}
	last = memrchr(rest, '/', rest_len);
	last = last ? last + 1 : rest;
	colon = memchr(last, ':', rest_len - (size_t)(last - rest));
	repo_len = colon ? (size_t)(colon - rest) : rest_len;
	if (colon) {
		size_t tl = rest_len - repo_len - 1;
		if (!tag_valid(colon + 1, tl))
			return cg_error_set(err, CG_ERR_ARG,
					    "docker: bad tag '%.*s' (letters, digits, '_', '.', '-'; at "
					    "most 128)", (int)(tl > 130 ? 130 : tl), colon + 1);
		memcpy(out->tag, colon + 1, tl);
	}
	why = repo_problem(rest, repo_len);
	if (why)
		return cg_error_set(err, CG_ERR_ARG, "docker: %s", why);
	hub = cg_registry_host_is_hub(out->host, strlen(out->host));
	if (hub && !memchr(rest, '/', repo_len)) {
		if (repo_len + 8 > CG_REG_REPO_MAX)
			return cg_error_set(err, CG_ERR_ARG, "docker: repository name too long");
		memcpy(out->repo, "library/", 8);
		memcpy(out->repo + 8, rest, repo_len);
	} else {
		memcpy(out->repo, rest, repo_len);
	}
	if (!out->tag[0] && !out->digest[0])
		memcpy(out->tag, "latest", 7);
	if (hub) {
		memcpy(out->host, "docker.io", 10);
		memcpy(out->api_host, "registry-1.docker.io", 21);
	} else {
		memcpy(out->api_host, out->host, strlen(out->host) + 1);
	}
	return CG_OK;
}

/* ---- WWW-Authenticate --------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token68(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-._~+/", c));
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/* Read a token or a quoted-string at p[*pos] into out (cap bytes). Returns
 * CG_OK, CG_ERR_INVALID (syntax) or CG_ERR_LIMIT (longer than cap-1); on
 * CG_ERR_LIMIT *pos still moves past the value. */
static cg_err_t read_value(const char *p, size_t n, size_t *pos, char *out, size_t cap)
{
	size_t i = *pos, k = 0;
	bool over = false;
	if (i < n && p[i] == '"') {
		for (i++;; i++) {
			unsigned char c;
			if (i >= n)
				return CG_ERR_INVALID; /* unterminated */
			c = (unsigned char)p[i];
			if (c == '"')
				break;
			if (c == '\\') {
				if (++i >= n)
					return CG_ERR_INVALID;
				c = (unsigned char)p[i];
			}
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return CG_ERR_INVALID;
			if (k + 1 < cap)
				out[k++] = (char)c;
			else
				over = true;
		}
		i++;
	} else {
		for (; i < n && is_tchar((unsigned char)p[i]); i++) {
			if (k + 1 < cap)
				out[k++] = p[i];
			else
				over = true;
		}
	}
	if (cap)
		out[k] = '\0';
	*pos = i;
	return over ? CG_ERR_LIMIT : CG_OK;
}

static void commit_challenge(const struct cg_registry_challenge *c, struct cg_registry_challenge *best)
{
	if (c->scheme == CG_REG_AUTH_BEARER && best->scheme != CG_REG_AUTH_BEARER)
		*best = *c;
	else if (c->scheme == CG_REG_AUTH_BASIC && best->scheme == CG_REG_AUTH_NONE)
		*best = *c;
}

cg_err_t cg_registry_challenge_parse(const char *p, size_t n, struct cg_registry_challenge *out,
				     struct cg_error *err)
{
	struct cg_registry_challenge cur;
	bool open = false;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	memset(&cur, 0, sizeof(cur));
	while (i < n) {
		size_t start, tok_len, after;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && is_tchar((unsigned char)p[i]))
			i++;
		if (i == start)
			return cg_error_set(err, CG_ERR_INVALID,
					    "WWW-Authenticate: unexpected byte 0x%02x at %zu",
					    (unsigned char)p[i], i);
		tok_len = i - start;
		after = skip_ws(p, n, i);
		if (open && after < n && p[after] == '=') {
			/* auth-param: NAME = (token | quoted-string) */
			char *dst = NULL, scratch[2];
			size_t cap = sizeof(scratch);
			const char *pname = p + start;
			cg_err_t rc;
			if (ieq(pname, tok_len, "realm")) {
				dst = cur.realm; cap = sizeof(cur.realm);
			} else if (ieq(pname, tok_len, "service")) {
				dst = cur.service; cap = sizeof(cur.service);
			} else if (ieq(pname, tok_len, "scope")) {
				dst = cur.scope; cap = sizeof(cur.scope);
			} else if (ieq(pname, tok_len, "error")) {
				dst = cur.error; cap = sizeof(cur.error);
			}
			if (dst && dst[0])
				dst = NULL; /* a repeated parameter: the first one counts */
			i = skip_ws(p, n, after + 1);
			rc = read_value(p, n, &i, dst ? dst : scratch, dst ? cap : sizeof(scratch));
			if (rc == CG_ERR_INVALID)
				return cg_error_set(err, rc, "WWW-Authenticate: bad value of '%.*s'",
						    (int)(tok_len > 40 ? 40 : tok_len), pname);
			if (rc == CG_ERR_LIMIT && dst && cur.scheme != CG_REG_AUTH_NONE)
				return cg_error_set(err, rc,
						    "WWW-Authenticate: '%.*s' longer than %zu bytes",
						    (int)tok_len, pname, cap - 1);
			if (rc == CG_ERR_LIMIT && dst)
				dst[0] = '\0';
			continue;
		}
		/* a new challenge: SCHEME [token68 | params] */
		commit_challenge(&cur, out);
		memset(&cur, 0, sizeof(cur));
		if (ieq(p + start, tok_len, "Bearer"))
			cur.scheme = CG_REG_AUTH_BEARER;
		else if (ieq(p + start, tok_len, "Basic"))
			cur.scheme = CG_REG_AUTH_BASIC;
		open = true;
		i = skip_ws(p, n, i);
		{
			/* a token68 (as in "Negotiate abc==") ends at the end or a comma */
			size_t k = i, e;
			while (k < n && is_token68((unsigned char)p[k]))
				k++;
			while (k < n && p[k] == '=')
				k++;
			e = skip_ws(p, n, k);
			if (k > i && (e >= n || p[e] == ','))
				i = k;
		}
	}
	commit_challenge(&cur, out);
	if (out->scheme == CG_REG_AUTH_NONE)
		return cg_error_set(err, CG_ERR_UNSUPPORTED,
				    "the registry asks for an authentication scheme other than Basic "
				    "or Bearer");
	if (out->scheme == CG_REG_AUTH_BEARER && !out->realm[0])
		return cg_error_set(err, CG_ERR_INVALID, "WWW-Authenticate: Bearer challenge without realm");
	return CG_OK;
}

/* ---- token responses ---------------------------------------------------------- */

static bool token_chars_ok(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return false;
	return true;
}

cg_err_t cg_registry_token_parse(const char *p, size_t n, char **token, int64_t *expires_in,
				 struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = TOKEN_JSON_MAX_BYTES, .max_depth = 16,
				      .allow_duplicates = true };
	cg_json *doc = NULL;
	const cg_json *t;
	const char *s;
	size_t len;
	int64_t exp = 0;
	cg_err_t rc;

	*token = NULL;
	*expires_in = 0;
	if (n > TOKEN_JSON_MAX_BYTES)
		return cg_error_set(err, CG_ERR_LIMIT, "token response larger than %zu bytes",
				    TOKEN_JSON_MAX_BYTES);
	rc = cg_json_parse(p, n, &lim, &doc, NULL);
	if (rc)
		return cg_error_set(err, CG_ERR_INVALID, "the token response is not JSON");
	if (!cg_json_is_object(doc))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "the token response is not a JSON object"));
	t = cg_json_get(doc, "token");
	if (!cg_json_string_len(t))
		t = cg_json_get(doc, "access_token");
	s = cg_json_string(t);
	len = cg_json_string_len(t);
	if (!s || len == 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "the token response has no token"));
	if (len > CG_REG_TOKEN_MAX)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "the token is longer than %d bytes",
					 CG_REG_TOKEN_MAX));
	if (!token_chars_ok(s, len))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "the token holds bytes that cannot go into a header"));
	if (cg_json_get_int(doc, "expires_in", &exp) && exp > 0)
		*expires_in = exp;
	*token = strndup(s, len);
	if (!*token)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
done:
	cg_json_free(doc);
	return rc;
}

/* ---- docker config.json --------------------------------------------------------- */

void cg_registry_cred_release(struct cg_registry_cred *c)
{
	if (c->username) {
		explicit_bzero(c->username, strlen(c->username));
		free(c->username);
	}
	if (c->password) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	c->username = c->password = NULL;
}

static bool host_equal(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (cg_registry_host_is_hub(a, an) && cg_registry_host_is_hub(b, bn))
		return true;
	return ieq(a, an, b);
}

/* How well a key of "auths" or "credHelpers" names host/repo: -1 not at all,
 * 0 the host, else the length of the repository prefix it names. */
static long key_score(const char *key, const char *host, const char *repo)
{
	size_t kl = strlen(key), hl;
	const char *slash;
	if (kl >= 8 && !strncasecmp(key, "https://", 8))
		key += 8, kl -= 8;
	else if (kl >= 7 && !strncasecmp(key, "http://", 7))
		key += 7, kl -= 7;
	while (kl && key[kl - 1] == '/')
		kl--;
	slash = memchr(key, '/', kl);
	hl = slash ? (size_t)(slash - key) : kl;
	if (!host_equal(key, hl, host))
		return -1;
	if (!slash)
		return 0;
	{
		const char *path = slash + 1;
		size_t pl = kl - hl - 1, rl = repo ? strlen(repo) : 0;
		if (ieq(path, pl, "v1") || ieq(path, pl, "v2"))
			return 0;
		if (pl == 0)
			return 0;
		if (pl <= rl && !memcmp(path, repo, pl) && (pl == rl || repo[pl] == '/'))
			return (long)pl;
		return -1;
	}
}

static cg_err_t cred_from_entry(const cg_json *e, struct cg_registry_cred *out, struct cg_error *err)
{
	const char *auth = cg_json_get_str(e, "auth");
	size_t alen = cg_json_string_len(cg_json_get(e, "auth"));
	if (auth && alen) {
		unsigned char *dec;
		size_t dlen = 0;
		const char *colon;
		cg_err_t rc;
		if (alen > 8192)
			return cg_error_set(err, CG_ERR_LIMIT, "an 'auth' entry is too long");
		dec = malloc(alen + 1);
		if (!dec)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		rc = cg_base64_decode(auth, alen, dec, alen, &dlen);
		dec[rc ? 0 : dlen] = '\0';
		colon = rc ? NULL : memchr(dec, ':', dlen);
		if (!colon || colon == (char *)dec || memchr(dec, '\0', dlen)) {
			explicit_bzero(dec, alen + 1);
			free(dec);
			return cg_error_set(err, CG_ERR_INVALID,
					    "an 'auth' entry is not base64 of USER:PASSWORD");
		}
		out->username = strndup((char *)dec, (size_t)(colon - (char *)dec));
		out->password = strndup(colon + 1, dlen - (size_t)(colon - (char *)dec) - 1);
		explicit_bzero(dec, alen + 1);
		free(dec);
	} else {
		const char *u = cg_json_get_str(e, "username");
		const char *pw = cg_json_get_str(e, "password");
		if (!u || !*u || !pw)
			return CG_ERR_NOTFOUND;
		out->username = strdup(u);
		out->password = strdup(pw);
	}
	if (!out->username || !out->password) {
		cg_registry_cred_release(out);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

cg_err_t cg_registry_config_lookup(const char *p, size_t n, const char *host, const char *repo,
				   struct cg_registry_cred *out, char *helper, size_t helper_cap,
				   struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = CONFIG_MAX_BYTES, .max_depth = 32,
				      .allow_duplicates = true };
	cg_json *doc = NULL;
	const cg_json *auths, *helpers, *best = NULL;
	const char *store;
	long best_score = -1;
	size_t count = 0;
	cg_err_t rc;

	out->username = out->password = NULL;
	if (helper_cap)
		helper[0] = '\0';
	if (n > CONFIG_MAX_BYTES)
		return cg_error_set(err, CG_ERR_LIMIT, "larger than %zu bytes", CONFIG_MAX_BYTES);
	rc = cg_json_parse(p, n, &lim, &doc, err);
	if (rc)
		return rc;
	if (!cg_json_is_object(doc))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "not a JSON object"));
	auths = cg_json_get(doc, "auths");
	for (void *it = cg_json_iter(auths); it && count < 10000; it = cg_json_iter_next(auths, it)) {
		long sc = key_score(cg_json_iter_key(it), host, repo);
		count++;
		if (sc > best_score && cg_json_is_object(cg_json_iter_value(it))) {
			best_score = sc;
			best = cg_json_iter_value(it);
		}
	}
	helpers = cg_json_get(doc, "credHelpers");
	count = 0;
	for (void *it = cg_json_iter(helpers); it && count < 10000; it = cg_json_iter_next(helpers, it)) {
		const char *name = cg_json_string(cg_json_iter_value(it));
		count++;
		if (name && key_score(cg_json_iter_key(it), host, repo) >= 0 && helper_cap) {
			snprintf(helper, helper_cap, "credHelpers (docker-credential-%.64s)", name);
			break;
		}
	}
	rc = best ? cred_from_entry(best, out, err) : CG_ERR_NOTFOUND;
	store = cg_json_get_str(doc, "credsStore");
	if (rc == CG_ERR_NOTFOUND && helper_cap && !helper[0]) {
		if (store && *store)
			snprintf(helper, helper_cap, "credsStore (docker-credential-%.64s)", store);
		else if (best && cg_json_get_str(best, "identitytoken"))
			snprintf(helper, helper_cap, "an identitytoken");
	}
done:
	cg_json_free(doc);
	return rc;
}

/* ---- base64 ----------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

cg_err_t cg_base64_encode(const void *in, size_t n, char *out, size_t cap)
{
	const unsigned char *s = in;
	size_t need, k = 0;
	if (n > (SIZE_MAX - 3) / 4 * 3 - 3)
		return CG_ERR_OVERFLOW;
	need = (n + 2) / 3 * 4 + 1;
	if (need > cap)
		return CG_ERR_LIMIT;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[k++] = b64[(v >> 18) & 63];
		out[k++] = b64[(v >> 12) & 63];
		out[k++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[k++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[k] = '\0';
	return CG_OK;
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

cg_err_t cg_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap,
			  size_t *outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0, end = n, pad = 0;
	while (end > 0 && in[end - 1] == '=' && pad < 2) {
		end--;
		pad++;
	}
	if ((end + pad) % 4 != 0 && pad)
		return CG_ERR_INVALID;
	if (end % 4 == 1)
		return CG_ERR_INVALID;
	for (size_t i = 0; i < end; i++) {
		int v = b64_val((unsigned char)in[i]);
		if (v < 0)
			return CG_ERR_INVALID;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k >= cap)
				return CG_ERR_LIMIT;
			out[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return CG_ERR_INVALID; /* non-zero leftover bits */
	*outlen = k;
	return CG_OK;
}
