/* Image names: Docker's normalisation (see refname.h). */
#include "util/internal.h"
#include "util/digest.h"
#include "image/refname.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.' || s[i] == '_') {
			size_t run = 0;
			while (i + run < n && s[i + run] == s[i])
				run++;
			if (run > (s[i] == '_' ? 2u : 1u))
				return false;
			i += run;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool path_ok(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!path_component_ok(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* A host name or address, optionally with ":port" (IPv6 literals are not
 * accepted). */
static bool domain_ok(const char *s, size_t n)
{
	size_t host = n;
	const char *colon = memchr(s, ':', n);
	if (colon) {
		size_t p = (size_t)(colon - s) + 1;
		host = (size_t)(colon - s);
		if (p >= n)
			return false;
		for (; p < n; p++)
			if (s[p] < '0' || s[p] > '9')
				return false;
	}
	if (host == 0 || !is_alnum(s[0]) || !is_alnum(s[host - 1]))
		return false;
	for (size_t i = 0; i < host; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static bool tag_ok(const char *s, size_t n)
{
	if (n == 0 || n > 128 || !(is_alnum(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* Docker's splitDockerDomain: is the first component a domain? */
static bool domain_like(const char *s, size_t n)
{
	if (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !memcmp(s, "localhost", 9)))
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	return false;
}

static bool copy_n(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

bool cg_refname_parse(const char *s, struct cg_refname *out)
{
	const char *at, *slash, *name_end, *last_slash, *colon;
	size_t len, first;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return false;
	len = strnlen(s, CG_REFNAME_MAX + 80);
	if (len > CG_REFNAME_MAX + 72)
		return false;
	at = strchr(s, '@');
	name_end = at ? at : s + len;
	if (at) {
		if (!copy_n(out->digest, sizeof(out->digest), at + 1, strlen(at + 1)) ||
		    !cg_digest_valid(out->digest))
			return false;
	}
	if (name_end == s)
		return false;
	/* a tag is after the last ':' that follows the last '/' */
	last_slash = memrchr(s, '/', (size_t)(name_end - s));
	colon = memrchr(last_slash ? last_slash : s, ':',
			(size_t)(name_end - (last_slash ? last_slash : s)));
	if (colon) {
		if (!tag_ok(colon + 1, (size_t)(name_end - colon - 1)) ||
		    !copy_n(out->tag, sizeof(out->tag), colon + 1, (size_t)(name_end - colon - 1)))
			return false;
		name_end = colon;
	}
	if ((size_t)(name_end - s) > 255)
		return false;
	slash = memchr(s, '/', (size_t)(name_end - s));
	first = slash ? (size_t)(slash - s) : 0;
	if (slash && domain_like(s, first)) {
		if (!domain_ok(s, first) || !copy_n(out->domain, sizeof(out->domain), s, first))
			return false;
		out->explicit_domain = true;
		s = slash + 1;
	} else {
		memcpy(out->domain, "docker.io", 10);
	}
	if (!strcmp(out->domain, "index.docker.io"))
		memcpy(out->domain, "docker.io", 10);
	if (!path_ok(s, (size_t)(name_end - s)))
		return false;
	if (!strcmp(out->domain, "docker.io") && !memchr(s, '/', (size_t)(name_end - s))) {
		if (!copy_n(out->path, sizeof(out->path) - 8, s, (size_t)(name_end - s)))
			return false;
		memmove(out->path + 8, out->path, strlen(out->path) + 1);
		memcpy(out->path, "library/", 8);
	} else if (!copy_n(out->path, sizeof(out->path), s, (size_t)(name_end - s))) {
		return false;
	}
	return true;
}

bool cg_refname_repository(const struct cg_refname *r, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", r->domain, r->path);
	return n > 0 && (size_t)n < cap;
}

bool cg_refname_format(const struct cg_refname *r, char *out, size_t cap)
{
	bool latest = !r->tag[0] && !r->digest[0];
	int n = snprintf(out, cap, "%s/%s%s%s%s%s", r->domain, r->path,
			 r->tag[0] || latest ? ":" : "", latest ? "latest" : r->tag,
			 r->digest[0] ? "@" : "", r->digest);
	return n > 0 && (size_t)n < cap;
}

bool cg_refname_normalise(const char *s, char *out, size_t cap)
{
	struct cg_refname r;
	return cg_refname_parse(s, &r) && cg_refname_format(&r, out, cap);
}
