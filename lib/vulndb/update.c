/* cguard db update: fetch the advisory feeds, verify them, unpack them safely
 * and build the database from them (include/cguard/vulndb_update.h,
 * docs/feeds.md).
 *
 * The cache (opts->cache_dir, default DBDIR/.cguard-feeds, created 0700):
 *   lock                          flock()ed by the update that runs
 *   state-<H>                     what the last build of database H was made from
 *   <TYPE>-<slug>-<H>/meta        validators (ETag, Last-Modified), sha256, name
 *   <TYPE>-<slug>-<H>/file/<NAME> the last good download, NAME from the URL
 *                                 (parsers such as debian-support read it)
 *   <TYPE>-<slug>-<H>/tree/       an archive's contents
 * A download goes to a temporary file beside them; it is renamed into file/
 * only when complete and verified, and an archive is unpacked into a fresh
 * temporary folder that replaces tree/ only when complete. meta is removed
 * before and rewritten after those renames, so a crash in between costs a
 * download, never a wrong cache.
 *
 * Transport (libcurl, as lib/image/src_registry.c): certificate verification
 * always on, the system CAs plus opts->ca_file; http:// only with a sha256 or
 * opts->allow_http; at most 5 redirects, from https:// to https:// only;
 * 30 s to connect, abort below 1 KiB/s for 60 s; the size cap enforced
 * while the bytes arrive (never written past); 429, 5xx, truncated and
 * dropped transfers retried twice. Credentials in a URL go to curl only; every
 * message shows the URL with "***" for them.
 *
 * Archives are recognised by their first bytes (zip, gzip, tar), not their
 * names, and unpacked by libarchive: entries that are not regular files or
 * folders are skipped; an absolute name, a ".." component, a control
 * character or more than 64 levels fail the feed before anything is written;
 * libarchive then writes with ARCHIVE_EXTRACT_SECURE_NODOTDOT and
 * ARCHIVE_EXTRACT_SECURE_SYMLINKS below the realpath() of the fresh folder.
 * (ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS cannot be passed: it would refuse
 * the absolute destination prefix; the entry's own name is checked instead,
 * which is what that flag checks.) Entries, unpacked bytes and the
 * unpacked/packed ratio are capped, counted while writing. */
#include "util/internal.h"
#include "util/digest.h"
#include <cguard/vulndb_update.h>
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_SIZE ((uint64_t)1 << 30)
#define DEFAULT_MAX_EXTRACT ((uint64_t)16 << 30)
#define DEFAULT_MAX_ENTRIES 4000000u
#define DEFAULT_MAX_RATIO 200u
#define RATIO_FLOOR ((uint64_t)64 << 20) /* the ratio is judged beyond this */
#define MAX_REDIRECTS 5L
#define MAX_RETRIES 2
#define CONNECT_TIMEOUT_S 30L
#define LOW_SPEED_BYTES 1024L
#define LOW_SPEED_TIME_S 60L
#define MAX_HEADER_BYTES (64 * 1024)
#define DISCARD_MAX ((uint64_t)1 << 20)  /* bodies of redirects we do not keep */
#define VALIDATOR_MAX 512                /* an ETag or Last-Modified value */
#define META_MAX ((size_t)16 << 10)
#define STATE_MAX ((size_t)4 << 10)
#define CA_MAX_BYTES ((size_t)1 << 20)
#define FILE_NAME_MAX 100                /* a download's name in file/ */
#define SLUG_MAX 48
#define ENTRY_NAME_MAX 1024
#define ENTRY_DEPTH_MAX 64
#define TREE_DEPTH_MAX (ENTRY_DEPTH_MAX + 8)
#define SHOWN_URL_MAX 512

/* ---- source lists ------------------------------------------------------------- */

void cg_vulndb_sources_init(struct cg_vulndb_sources *s)
{
	if (s)
		memset(s, 0, sizeof(*s));
}

static void truncate_to(struct cg_vulndb_sources *s, size_t n)
{
	while (s->n > n) {
		s->n--;
		free(s->v[s->n].url);
		s->v[s->n].url = NULL;
	}
}

void cg_vulndb_sources_release(struct cg_vulndb_sources *s)
{
	if (!s)
		return;
	truncate_to(s, 0);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool type_ok(struct cg_view t)
{
	if (t.len == 0 || t.len > CG_VULNDB_TYPE_MAX || t.p[0] < 'a' || t.p[0] > 'z')
		return false;
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = t.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static bool prefix_ci(struct cg_view v, const char *pfx)
{
	size_t n = strlen(pfx);
	return v.len >= n && strncasecmp((const char *)v.p, pfx, n) == 0;
}

/* NULL when the URL is acceptable, else why not. */
static const char *url_problem(struct cg_view u)
{
	size_t start, end, host;

	if (u.len == 0)
		return "empty URL";
	if (u.len > CG_VULNDB_URL_MAX)
		return "URL longer than " CG_STR(CG_VULNDB_URL_MAX) " bytes";
	for (size_t i = 0; i < u.len; i++)
		if (u.p[i] < 0x21 || u.p[i] > 0x7e)
			return "URL holds a blank, control or non-ASCII byte (percent-encode it)";
	if (prefix_ci(u, "https://"))
		start = 8;
	else if (prefix_ci(u, "http://"))
		start = 7;
	else
		return "not an http:// or https:// URL";
	end = start;
	while (end < u.len && u.p[end] != '/' && u.p[end] != '?' && u.p[end] != '#')
		end++;
	host = start;
	for (size_t i = start; i < end; i++)
		if (u.p[i] == '@')
			host = i + 1;
	if (host >= end || u.p[host] == ':')
		return "URL without a host";
	return NULL;
}

static bool sha_parse(struct cg_view v, char out[65])
{
	if (v.len != 64)
		return false;
	for (size_t i = 0; i < 64; i++) {
		unsigned char c = v.p[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			out[i] = (char)c;
		else if (c >= 'A' && c <= 'F')
			out[i] = (char)(c - 'A' + 'a');
		else
			return false;
	}
	out[64] = '\0';
	return true;
}

/* Append after checks. On CG_ERR_INVALID or CG_ERR_LIMIT, *why says why and
 * *dup the line of an earlier equal source (0 when not a duplicate). */
static cg_err_t add_view(struct cg_vulndb_sources *s, struct cg_view type, struct cg_view url,
			 const struct cg_view *sha, size_t line, const char **why, size_t *dup)
{
	struct cg_vulndb_source *x;
	char hex[65];

	*why = NULL;
	*dup = 0;
	if (!type_ok(type)) {
		*why = "bad feed type (want [a-z][a-z0-9_-]*, at most " CG_STR(CG_VULNDB_TYPE_MAX)
		       " characters)";
		return CG_ERR_INVALID;
	}
	if ((*why = url_problem(url)))
		return CG_ERR_INVALID;
	if (sha && !sha_parse(*sha, hex)) {
		*why = "bad sha256 (want sha256= and 64 hex digits)";
		return CG_ERR_INVALID;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (cg_view_eq(type, s->v[i].type) && cg_view_eq(url, s->v[i].url)) {
			*why = "the same source twice";
			*dup = s->v[i].line;
			return CG_ERR_INVALID;
		}
	}
	if (s->n >= CG_VULNDB_SOURCES_MAX) {
		*why = "more than " CG_STR(CG_VULNDB_SOURCES_MAX) " sources";
		return CG_ERR_LIMIT;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct cg_vulndb_source *nv;
		if (nc > CG_VULNDB_SOURCES_MAX)
			nc = CG_VULNDB_SOURCES_MAX;
		nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return CG_ERR_NOMEM;
		s->v = nv;
		s->cap = nc;
	}
	x = &s->v[s->n];
	memset(x, 0, sizeof(*x));
	x->url = strndup((const char *)url.p, url.len);
	if (!x->url)
		return CG_ERR_NOMEM;
	memcpy(x->type, type.p, type.len);
	x->type[type.len] = '\0';
	if (sha) {
		x->has_sha256 = true;
		memcpy(x->sha256, hex, sizeof(hex));
	}
	x->line = line;
	s->n++;
	return CG_OK;
}

void cg_vulndb_url_redact(const char *url, char *out, size_t cap)
{
	const char *sep, *auth, *end, *at = NULL;

	if (!out || !cap)
		return;
	if (!url) {
		out[0] = '\0';
		return;
	}
	sep = strstr(url, "://");
	if (!sep || sep - url > 32) {
		snprintf(out, cap, "%s", url);
		return;
	}
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		snprintf(out, cap, "%s", url);
	else
		snprintf(out, cap, "%.*s***%s", (int)(auth - url), url, at);
}

/* A short printable copy of untrusted bytes, for messages. */
static void printable(const void *p, size_t n, char *out, size_t cap)
{
	const unsigned char *s = p;
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap; i++)
		out[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	if (cap)
		out[k < cap ? k : cap - 1] = '\0';
}

cg_err_t cg_vulndb_sources_add(struct cg_vulndb_sources *s, const char *type, const char *url,
			       const char *sha256, struct cg_error *err)
{
	struct cg_view sv;
	const char *why;
	char shown[SHOWN_URL_MAX], ty[CG_VULNDB_TYPE_MAX + 1];
	size_t dup;
	cg_err_t rc;

	if (!s || !type || !url)
		return cg_error_set(err, CG_ERR_ARG, "no source given");
	if (sha256)
		sv = cg_view_make(sha256, strlen(sha256));
	rc = add_view(s, cg_view_make(type, strlen(type)), cg_view_make(url, strlen(url)),
		      sha256 ? &sv : NULL, 0, &why, &dup);
	if (rc == CG_ERR_NOMEM)
		return cg_error_set(err, rc, "out of memory");
	if (rc) {
		cg_vulndb_url_redact(url, shown, sizeof(shown));
		printable(type, strlen(type), ty, sizeof(ty));
		return cg_error_set(err, rc, "source %s %s: %s", ty, shown, why);
	}
	return CG_OK;
}

/* Split v at blanks into at most max tokens; returns the count, or max + 1
 * when there are more. */
static size_t split_blanks(struct cg_view v, struct cg_view *tok, size_t max)
{
	size_t i = 0, n = 0;
	while (i < v.len) {
		size_t st;
		while (i < v.len && is_blank(v.p[i]))
			i++;
		if (i == v.len)
			break;
		if (n == max)
			return max + 1;
		st = i;
		while (i < v.len && !is_blank(v.p[i]))
			i++;
		tok[n++] = cg_view_make(v.p + st, i - st);
	}
	return n;
}

static bool sha_field(struct cg_view f, struct cg_view *hex)
{
	if (f.len < 7 || memcmp(f.p, "sha256=", 7) != 0)
		return false;
	*hex = cg_view_make(f.p + 7, f.len - 7);
	return true;
}

cg_err_t cg_vulndb_sources_parse(struct cg_vulndb_sources *s, const char *data, size_t len,
				 const char *name, struct cg_error *err)
{
	struct cg_cursor c;
	size_t n0, lineno = 0;
	cg_err_t rc = CG_OK;

	if (!s || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "no config given");
	name = name ? name : "config";
	n0 = s->n;
	cg_cursor_init(&c, data, len);
	while (!cg_cursor_eof(&c)) {
		struct cg_view line, tok[3], hex;
		const char *why;
		size_t ntok, dup;

		lineno++;
		if (!cg_cursor_line(&c, CG_VULNDB_LINE_MAX, &line))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
						 "%s:%zu: line longer than %d bytes", name, lineno,
						 CG_VULNDB_LINE_MAX));
		if (line.len && memchr(line.p, '\0', line.len))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s:%zu: a NUL byte", name,
						 lineno));
		for (size_t i = 0; i < line.len; i++) {
			if (line.p[i] == '#' && (i == 0 || is_blank(line.p[i - 1]))) {
				line.len = i;
				break;
			}
		}
		ntok = split_blanks(line, tok, CG_ARRAY_LEN(tok));
		if (ntok == 0)
			continue;
		if (ntok == 1)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s:%zu: want TYPE URL [sha256=HEX]", name,
						 lineno));
		if (ntok > CG_ARRAY_LEN(tok))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s:%zu: too many fields (want TYPE URL "
						 "[sha256=HEX])", name, lineno));
		if (ntok == 3 && !sha_field(tok[2], &hex))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "%s:%zu: the third field must be sha256=HEX", name,
						 lineno));
		rc = add_view(s, tok[0], tok[1], ntok == 3 ? &hex : NULL, lineno, &why, &dup);
		if (rc == CG_ERR_NOMEM)
			CG_FAIL(rc, cg_error_set(err, rc, "out of memory"));
		if (rc && dup)
			CG_FAIL(rc, cg_error_set(err, rc, "%s:%zu: %s (first on line %zu)", name,
						 lineno, why, dup));
		if (rc)
			CG_FAIL(rc, cg_error_set(err, rc, "%s:%zu: %s", name, lineno, why));
	}
done:
	if (rc)
		truncate_to(s, n0);
	return rc;
}

cg_err_t cg_vulndb_sources_parse_arg(struct cg_vulndb_sources *s, const char *arg,
				     struct cg_error *err)
{
	const char *eq, *why;
	struct cg_view tok[2], hex;
	char shown[SHOWN_URL_MAX];
	size_t ntok, dup;
	cg_err_t rc;

	if (!s || !arg)
		return cg_error_set(err, CG_ERR_ARG, "no source given");
	cg_vulndb_url_redact(arg, shown, sizeof(shown));
	eq = strchr(arg, '=');
	if (!eq)
		return cg_error_set(err, CG_ERR_INVALID, "source '%s': want TYPE=URL [sha256=HEX]",
				    shown);
	ntok = split_blanks(cg_view_make(eq + 1, strlen(eq + 1)), tok, CG_ARRAY_LEN(tok));
	if (ntok == 0 || ntok > CG_ARRAY_LEN(tok) || (ntok == 2 && !sha_field(tok[1], &hex)))
		return cg_error_set(err, CG_ERR_INVALID, "source '%s': want TYPE=URL [sha256=HEX]",
				    shown);
	rc = add_view(s, cg_view_make(arg, (size_t)(eq - arg)), tok[0], ntok == 2 ? &hex : NULL, 0,
		      &why, &dup);
	if (rc == CG_ERR_NOMEM)
		return cg_error_set(err, rc, "out of memory");
	if (rc)
		return cg_error_set(err, rc, "source '%s': %s", shown, why);
	return CG_OK;
}

/* Read a whole regular file into b (its cap bounds it). */
static cg_err_t read_bounded(const char *path, struct cg_buf *b, struct cg_error *err)
{
	return cg_buf_read_file(b, AT_FDCWD, path, err);
}

cg_err_t cg_vulndb_sources_load(struct cg_vulndb_sources *s, const char *path,
				struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(CG_VULNDB_CONF_MAX);
	size_t n0;
	cg_err_t rc;

	if (!s || !path)
		return cg_error_set(err, CG_ERR_ARG, "no config file given");
	n0 = s->n;
	rc = read_bounded(path, &b, err);
	if (!rc)
		rc = cg_vulndb_sources_parse(s, b.data, b.len, path, err);
	if (!rc && s->n == n0)
		rc = cg_error_set(err, CG_ERR_INVALID,
				  "%s: no sources in it (want lines of TYPE URL [sha256=HEX])",
				  path);
	cg_buf_release(&b);
	return rc;
}

/* ---- the built-in defaults: the real public feeds (docs/feeds.md) ------------- */

#define OSV_BASE "https://osv-vulnerabilities.storage.googleapis.com/"
#define ALPINE_BASE "https://secdb.alpinelinux.org/"
#define DEBSUP_BASE "https://salsa.debian.org/debian/debian-security-support/-/raw/master/"

/* OSV's per-ecosystem exports: OSV_BASE + urlencode(ECOSYSTEM) + "/all.zip". */
static const char *const osv_ecosystems[] = {
	"Debian", "Alpine", "AlmaLinux", "Rocky Linux", "Ubuntu", "PyPI", "npm",
	"Go", "Maven", "RubyGems", "crates.io", "Packagist", "NuGet",
};

/* The Alpine releases with security support (each gets main and community). */
static const char *const alpine_releases[] = { "v3.22", "v3.23", "v3.24" };

static const struct {
	const char *type, *url;
} default_sources[] = {
	{ "debian", "https://security-tracker.debian.org/tracker/data/json" },
	{ "kev", "https://www.cisa.gov/sites/default/files/feeds/"
		 "known_exploited_vulnerabilities.json" },
	{ "rustsec", "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz" },
	{ "debian-support", DEBSUP_BASE "security-support-ended.deb10" },
	{ "debian-support", DEBSUP_BASE "security-support-ended.deb11" },
	{ "debian-support", DEBSUP_BASE "security-support-ended.deb12" },
	{ "debian-support", DEBSUP_BASE "security-support-ended.deb13" },
	{ "debian-support", DEBSUP_BASE "security-support-limited" },
	{ "nodejs", "https://github.com/nodejs/security-wg/archive/refs/heads/main.tar.gz" },
};

/* Percent-encode everything but RFC 3986's unreserved characters. */
static bool url_encode(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~", *p);
		if (k + 4 > cap)
			return false;
		if (plain) {
			out[k++] = (char)*p;
		} else {
			out[k++] = '%';
			out[k++] = hex[*p >> 4];
			out[k++] = hex[*p & 15];
		}
	}
	out[k] = '\0';
	return true;
}

static cg_err_t add_default(struct cg_vulndb_sources *s, const char *type, const char *url,
			    struct cg_error *err)
{
	cg_err_t rc = cg_vulndb_sources_add(s, type, url, NULL, err);
	if (!rc)
		s->v[s->n - 1].builtin = true;
	return rc;
}

cg_err_t cg_vulndb_sources_defaults(struct cg_vulndb_sources *s, struct cg_error *err)
{
	char enc[128], url[256];
	size_t n0;
	cg_err_t rc = CG_OK;

	if (!s)
		return cg_error_set(err, CG_ERR_ARG, "no source list");
	n0 = s->n;
	for (size_t i = 0; i < CG_ARRAY_LEN(osv_ecosystems) && !rc; i++) {
		if (!url_encode(osv_ecosystems[i], enc, sizeof(enc)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "ecosystem name too long"));
		snprintf(url, sizeof(url), OSV_BASE "%s/all.zip", enc);
		rc = add_default(s, "osv", url, err);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(alpine_releases) && !rc; i++) {
		snprintf(url, sizeof(url), ALPINE_BASE "%s/main.json", alpine_releases[i]);
		rc = add_default(s, "alpine", url, err);
		snprintf(url, sizeof(url), ALPINE_BASE "%s/community.json", alpine_releases[i]);
		if (!rc)
			rc = add_default(s, "alpine", url, err);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(default_sources) && !rc; i++)
		rc = add_default(s, default_sources[i].type, default_sources[i].url, err);
done:
	if (rc)
		truncate_to(s, n0);
	return rc;
}

/* ---- small file-system helpers ------------------------------------------------ */

static char *path_join(const char *a, const char *b)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Remove name (below dfd) and everything in it, without following links. */
static int rm_at(int dfd, const char *name, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd, rc = 0;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth > TREE_DEPTH_MAX)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_at(dirfd(d), de->d_name, depth + 1))
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

static void rm_tree(const char *path)
{
	if (path && rm_at(AT_FDCWD, path, 0) != 0)
		cg_debug("db update: could not remove all of %s", path);
}

/* mkdir -p with mode 0700 for what it creates. */
static cg_err_t make_dirs(const char *path, struct cg_error *err)
{
	char *p = strdup(path);
	cg_err_t rc = CG_OK;
	size_t n;

	if (!p)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	n = strlen(p);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "creating %s: %s", p,
						 strerror(errno)));
		if (i < n)
			p[i] = '/';
	}
	if (!is_dir(path))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: not a folder", path));
done:
	free(p);
	return rc;
}

/* "<64 hex>" of a file's contents. */
static cg_err_t hash_file(const char *path, char out[65], uint64_t *size, struct cg_error *err)
{
	char chunk[65536], dig[CG_DIGEST_STR_LEN + 1];
	struct cg_sha256 h = { NULL };
	cg_err_t rc;
	uint64_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno));
	if ((rc = cg_sha256_init(&h)))
		CG_FAIL(rc, cg_error_set(err, rc, "sha256: %s", cg_strerror(rc)));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno)));
		if (n == 0)
			break;
		cg_sha256_update(&h, chunk, (size_t)n);
		total += (uint64_t)n;
	}
	cg_sha256_final(&h, dig);
	if (!dig[0])
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "sha256 failed"));
	memcpy(out, dig + 7, 65);
	if (size)
		*size = total;
done:
	cg_sha256_release(&h);
	close(fd);
	return rc;
}

/* ---- the per-source cache entry ----------------------------------------------- */

struct meta {
	char etag[VALIDATOR_MAX + 1];
	char lastmod[VALIDATOR_MAX + 1];
	char sha256[65];    /* of file/NAME; "" when there is no good copy */
	char extracted[65]; /* the sha256 tree/ was unpacked from, "" when none */
	char name[FILE_NAME_MAX + 1];
	bool archive;
};

static bool hex64(const char *s, size_t n)
{
	char tmp[65];
	return sha_parse(cg_view_make(s, n), tmp) && !memcmp(tmp, s, 64);
}

/* A download's name in file/: the URL path's last segment, reduced to
 * [A-Za-z0-9._-], not starting with a dot, at most FILE_NAME_MAX bytes (the
 * end kept, where the extension is). */
static void url_file_name(const char *url, char out[FILE_NAME_MAX + 1])
{
	const char *p = strstr(url, "://"), *end, *seg;
	size_t n;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "?#");
	seg = end;
	while (seg > p && seg[-1] != '/')
		seg--;
	if (seg == p) /* only a host */
		seg = end;
	n = (size_t)(end - seg);
	if (n > FILE_NAME_MAX) {
		seg = end - FILE_NAME_MAX;
		n = FILE_NAME_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		char c = seg[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		out[i] = ok ? c : '_';
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, FILE_NAME_MAX + 1, "download");
	else if (out[0] == '.')
		out[0] = '_';
}

static bool file_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > FILE_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool value_ok(struct cg_view v)
{
	if (v.len == 0 || v.len > VALIDATOR_MAX)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < 0x20 || v.p[i] > 0x7e)
			return false;
	return true;
}

/* The cache folder's name for a source: TYPE-SLUG-HASH, the slug from host
 * and path (never the credentials), the hash over type and the whole URL. */
static cg_err_t entry_key(const struct cg_vulndb_source *s, char *out, size_t cap)
{
	char dig[CG_DIGEST_STR_LEN + 1], slug[SLUG_MAX + 1];
	const char *p = strstr(s->url, "://"), *auth, *at;
	struct cg_buf b = CG_BUF_INIT(CG_VULNDB_URL_MAX + CG_VULNDB_TYPE_MAX + 2);
	size_t k = 0;
	cg_err_t rc;

	if ((rc = cg_buf_printf(&b, "%s\n%s", s->type, s->url)) ||
	    (rc = cg_sha256_hex(b.data, b.len, dig))) {
		cg_buf_release(&b);
		return rc;
	}
	cg_buf_release(&b);
	auth = p ? p + 3 : s->url;
	at = auth;
	for (const char *q = auth; *q && !strchr("/?#", *q); q++)
		if (*q == '@')
			at = q + 1;
	for (const char *q = at; *q && k < SLUG_MAX; q++) {
		char c = *q;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-';
		if (!ok && k && slug[k - 1] == '_')
			continue;
		slug[k++] = ok ? c : '_';
	}
	slug[k] = '\0';
	if (snprintf(out, cap, "%s-%s-%.16s", s->type, slug, dig + 7) >= (int)cap)
		return CG_ERR_OVERFLOW;
	return CG_OK;
}

static void read_meta(const char *dir, struct meta *m)
{
	struct cg_buf b = CG_BUF_INIT(META_MAX);
	struct cg_cursor c;
	struct cg_view line;
	char *path = path_join(dir, "meta");

	memset(m, 0, sizeof(*m));
	if (!path || read_bounded(path, &b, NULL) != CG_OK)
		goto done;
	cg_cursor_init(&c, b.data, b.len);
	while (cg_cursor_line(&c, VALIDATOR_MAX + 32, &line)) {
		const uint8_t *sp = memchr(line.p, ' ', line.len);
		struct cg_view k, v;
		if (!sp)
			continue;
		k = cg_view_make(line.p, (size_t)(sp - line.p));
		v = cg_view_make(sp + 1, line.len - k.len - 1);
		if (!value_ok(v))
			continue;
		if (cg_view_eq(k, "etag"))
			memcpy(m->etag, v.p, v.len), m->etag[v.len] = '\0';
		else if (cg_view_eq(k, "last-modified"))
			memcpy(m->lastmod, v.p, v.len), m->lastmod[v.len] = '\0';
		else if (cg_view_eq(k, "sha256") && hex64((const char *)v.p, v.len))
			memcpy(m->sha256, v.p, 64), m->sha256[64] = '\0';
		else if (cg_view_eq(k, "extracted") && hex64((const char *)v.p, v.len))
			memcpy(m->extracted, v.p, 64), m->extracted[64] = '\0';
		else if (cg_view_eq(k, "name") && file_name_ok((const char *)v.p, v.len))
			memcpy(m->name, v.p, v.len), m->name[v.len] = '\0';
		else if (cg_view_eq(k, "archive"))
			m->archive = cg_view_eq(v, "1");
	}
	if (!m->sha256[0] || !m->name[0])
		memset(m, 0, sizeof(*m)); /* no usable copy */
done:
	free(path);
	cg_buf_release(&b);
}

/* Write a small file atomically (temporary file, fsync, rename). */
static cg_err_t write_file_atomic(const char *path, const char *data, size_t len,
				  struct cg_error *err)
{
	char *tmp = NULL;
	size_t off = 0;
	cg_err_t rc = CG_OK;
	int fd = -1;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp, strerror(errno)));
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp,
						 w < 0 ? strerror(errno) : "short write"));
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp, strerror(errno)));
	close(fd);
	fd = -1;
	if (rename(tmp, path) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "renaming %s: %s", tmp, strerror(errno)));
done:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static cg_err_t write_meta(const char *dir, const struct meta *m, const char *shown_url,
			   struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(META_MAX);
	char *path = path_join(dir, "meta");
	cg_err_t rc = path ? CG_OK : CG_ERR_NOMEM;

	if (!rc)
		rc = cg_buf_printf(&b, "# cguard db update cache entry for %s\n", shown_url);
	if (!rc && m->etag[0])
		rc = cg_buf_printf(&b, "etag %s\n", m->etag);
	if (!rc && m->lastmod[0])
		rc = cg_buf_printf(&b, "last-modified %s\n", m->lastmod);
	if (!rc)
		rc = cg_buf_printf(&b, "sha256 %s\nname %s\narchive %d\n", m->sha256, m->name,
				   m->archive ? 1 : 0);
	if (!rc && m->extracted[0])
		rc = cg_buf_printf(&b, "extracted %s\n", m->extracted);
	if (rc)
		rc = cg_error_set(err, rc, "cache meta: %s", cg_strerror(rc));
	else
		rc = write_file_atomic(path, b.data, b.len, err);
	free(path);
	cg_buf_release(&b);
	return rc;
}

/* Temporary files left by an update that did not finish. */
static void clean_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "dl.tmp.", 7) || !strncmp(de->d_name, "tree.tmp.", 9) ||
		    !strncmp(de->d_name, "tree.old.", 9) || !strncmp(de->d_name, "meta.tmp.", 9))
			rm_at(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/* ---- downloading ----------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct dl {
	int fd;
	uint64_t bytes, max, discarded;
	bool over, werr, discard_over, headers_over;
	int werrno;
	size_t header_bytes;
	struct cg_sha256 h;
	char etag[VALIDATOR_MAX + 1];
	char lastmod[VALIDATOR_MAX + 1];
	char errbuf[CURL_ERROR_SIZE];
	CURL *easy;
};

static void take_header(const char *line, size_t n, const char *name, char *out)
{
	size_t nl = strlen(name);
	struct cg_view v;
	if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return;
	v = cg_view_make(line + nl + 1, n - nl - 1);
	while (v.len && is_blank(v.p[0]))
		v.p++, v.len--;
	while (v.len && (v.p[v.len - 1] == '\r' || v.p[v.len - 1] == '\n' ||
			 is_blank(v.p[v.len - 1])))
		v.len--;
	if (value_ok(v)) {
		memcpy(out, v.p, v.len);
		out[v.len] = '\0';
	}
}

static size_t dl_header(char *line, size_t size, size_t nitems, void *ud)
{
	struct dl *d = ud;
	size_t n = size * nitems;
	if (n >= 5 && !strncmp(line, "HTTP/", 5)) { /* a new response: a redirect's or the last */
		d->etag[0] = '\0';
		d->lastmod[0] = '\0';
	}
	d->header_bytes += n;
	if (d->header_bytes > MAX_HEADER_BYTES) {
		d->headers_over = true;
		return 0;
	}
	take_header(line, n, "ETag", d->etag);
	take_header(line, n, "Last-Modified", d->lastmod);
	return n;
}

static size_t dl_write(char *p, size_t size, size_t nitems, void *ud)
{
	struct dl *d = ud;
	size_t n = size * nitems, off = 0;
	long code = 0;

	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) { /* the body of a redirect: not kept */
		d->discarded += n;
		if (d->discarded > DISCARD_MAX) {
			d->discard_over = true;
			return 0;
		}
		return n;
	}
	if (n > d->max - d->bytes) { /* never write past the cap */
		d->over = true;
		return 0;
	}
	while (off < n) {
		ssize_t w = write(d->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			d->werr = true;
			d->werrno = w < 0 ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	cg_sha256_update(&d->h, p, n);
	d->bytes += n;
	return n;
}

struct upd {
	const struct cg_vulndb_update_opts *o;
	uint64_t max_size, max_extract, max_entries;
	unsigned max_ratio;
	char *cache;
	char *ca_pem;
	size_t ca_len;
	struct cg_vulndb_update_stats *st;
};

static bool url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

static bool retry_status(long status)
{
	return status == 429 || (status >= 500 && status <= 599);
}

static bool retry_curl(CURLcode cc)
{
	return cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	       cc == CURLE_GOT_NOTHING || cc == CURLE_PARTIAL_FILE || cc == CURLE_HTTP2 ||
	       cc == CURLE_HTTP2_STREAM;
}

static void sleep_s(long s)
{
	struct timespec ts = { s, 0 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reset d for a new attempt. */
static cg_err_t dl_reset(struct dl *d)
{
	cg_sha256_release(&d->h);
	d->bytes = d->discarded = 0;
	d->over = d->werr = d->discard_over = d->headers_over = false;
	d->werrno = 0;
	d->header_bytes = 0;
	d->etag[0] = d->lastmod[0] = d->errbuf[0] = '\0';
	if (ftruncate(d->fd, 0) != 0 || lseek(d->fd, 0, SEEK_SET) != 0)
		return CG_ERR_IO;
	return cg_sha256_init(&d->h);
}

/* One GET of s->url into d->fd; conditional on cond when not NULL. On CG_OK
 * *status is 200 (new content in the file) or 304 (cond still holds). */
static cg_err_t http_get(struct upd *u, const struct cg_vulndb_source *s, const struct meta *cond,
			 struct dl *d, long *status, struct cg_error *err)
{
	char hdr[VALIDATOR_MAX + 32];
	cg_err_t rc = CG_OK;

	for (int attempt = 0;; attempt++) {
		struct curl_slist *hdrs = NULL, *t;
		CURL *e = NULL;
		CURLcode cc;
		long code = 0, redirects = 0;
		bool retry = false;

		if (dl_reset(d))
			return cg_error_set(err, CG_ERR_IO, "temporary file: %s", strerror(errno));
		if (cond && cond->etag[0]) {
			snprintf(hdr, sizeof(hdr), "If-None-Match: %s", cond->etag);
			if (!(t = curl_slist_append(hdrs, hdr)))
				goto nomem;
			hdrs = t;
		}
		if (cond && cond->lastmod[0]) {
			snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s", cond->lastmod);
			if (!(t = curl_slist_append(hdrs, hdr)))
				goto nomem;
			hdrs = t;
		}
		if (!(e = curl_easy_init()))
			goto nomem;
		d->easy = e;
		curl_easy_setopt(e, CURLOPT_URL, s->url);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
		/* from https:// only to https://; a plain-http source (allowed
		 * by a sha256 or allow_http) may be sent on to https:// */
		curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
				 url_is_https(s->url) ? "https" : "http,https");
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
		curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(e, CURLOPT_USERAGENT, "cguard/" CG_VERSION_STRING);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, d->errbuf);
		curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
		if (u->ca_pem) {
			struct curl_blob blob = { u->ca_pem, u->ca_len, CURL_BLOB_COPY };
			curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
			curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
		}
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, dl_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, d);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, dl_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, d);
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->max);
		cc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
		curl_easy_cleanup(e);
		d->easy = NULL;
		curl_slist_free_all(hdrs);
		hdrs = NULL;

		if (d->over || cc == CURLE_FILESIZE_EXCEEDED)
			return cg_error_set(err, CG_ERR_LIMIT,
					    "larger than the size limit of %llu bytes",
					    (unsigned long long)d->max);
		if (d->werr)
			return cg_error_set(err, CG_ERR_IO, "writing the download: %s",
					    strerror(d->werrno));
		if (d->headers_over)
			return cg_error_set(err, CG_ERR_LIMIT,
					    "response headers larger than %d bytes",
					    MAX_HEADER_BYTES);
		if (d->discard_over)
			return cg_error_set(err, CG_ERR_LIMIT,
					    "a redirect body larger than %llu bytes",
					    (unsigned long long)DISCARD_MAX);
		if (cc == CURLE_HTTP_RETURNED_ERROR)
			retry = retry_status(code);
		else if (cc != CURLE_OK)
			retry = retry_curl(cc);
		else if (retry_status(code))
			retry = true;
		if (retry && attempt < MAX_RETRIES) {
			cg_debug("db update: %s: %s; retrying", s->type,
				 cc ? curl_easy_strerror(cc) : "server error");
			sleep_s(1L << attempt);
			continue;
		}
		if (cc == CURLE_OK && code == 200) {
			*status = 200;
			return CG_OK;
		}
		if (cc == CURLE_OK && code == 304) {
			if (!cond)
				return cg_error_set(err, CG_ERR_INVALID, "HTTP 304 to a request "
						    "that was not conditional");
			*status = 304;
			return CG_OK;
		}
		if (cc == CURLE_OK)
			return cg_error_set(err, CG_ERR_IO, "unexpected HTTP status %ld", code);
		if (cc == CURLE_HTTP_RETURNED_ERROR)
			return cg_error_set(err,
					    code == 404 || code == 410 ? CG_ERR_NOTFOUND
					    : code == 401 || code == 403 ? CG_ERR_DENIED
					    : CG_ERR_IO, "HTTP %ld%s", code,
					    code == 404 || code == 410 ? " (not found)" : "");
		{
			char detail[CURL_ERROR_SIZE];
			printable(d->errbuf, strlen(d->errbuf), detail, sizeof(detail));
			if (!detail[0])
				snprintf(detail, sizeof(detail), "%s", curl_easy_strerror(cc));
			switch (cc) {
			case CURLE_PEER_FAILED_VERIFICATION:
			case CURLE_SSL_CACERT_BADFILE:
			case CURLE_SSL_ISSUER_ERROR:
				return cg_error_set(err, CG_ERR_DENIED,
						    "TLS certificate verification failed: %s "
						    "(trust the server's CA with a CA file)",
						    detail);
			case CURLE_UNSUPPORTED_PROTOCOL:
				if (redirects > 0)
					return cg_error_set(err, CG_ERR_DENIED,
							    "refusing a redirect from https:// to "
							    "another protocol (%s)", detail);
				break;
			case CURLE_TOO_MANY_REDIRECTS:
				return cg_error_set(err, CG_ERR_LIMIT, "more than %ld redirects",
						    MAX_REDIRECTS);
			case CURLE_PARTIAL_FILE:
				return cg_error_set(err, CG_ERR_IO, "download truncated: %s",
						    detail);
			default:
				break;
			}
			return cg_error_set(err, CG_ERR_IO, "%s", detail);
		}
	nomem:
		curl_slist_free_all(hdrs);
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
done:
	return rc;
}

/* ---- archives -------------------------------------------------------------------- */

enum akind { A_NONE, A_ZIP, A_GZIP, A_TAR };

static enum akind sniff(const char *path)
{
	uint8_t b[512];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return A_NONE;
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
	    ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6)))
		return A_ZIP;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return A_GZIP;
	if (n >= 262 && !memcmp(b + 257, "ustar", 5))
		return A_TAR;
	return A_NONE;
}

static bool named_archive(const char *name)
{
	static const char *const sfx[] = { ".zip", ".tar.gz", ".tgz", ".tar" };
	size_t n = strlen(name);
	for (size_t i = 0; i < CG_ARRAY_LEN(sfx); i++) {
		size_t k = strlen(sfx[i]);
		if (n >= k && !strcasecmp(name + n - k, sfx[i]))
			return true;
	}
	return false;
}

/* NULL when an entry's name may be written below the folder, else why not;
 * *root is set for names that are the folder itself ("", ".", "./"). */
static const char *entry_problem(const char *name, bool *root)
{
	size_t n, depth = 0, comp = 0;
	bool only_dots = true;

	*root = false;
	if (!name)
		return "an entry without a name";
	n = strlen(name);
	if (n > ENTRY_NAME_MAX)
		return "a name longer than " CG_STR(ENTRY_NAME_MAX) " bytes";
	if (name[0] == '/')
		return "an absolute path";
	for (size_t i = 0; i <= n; i++) {
		if (i < n && (unsigned char)name[i] < 0x20)
			return "a control character in the name";
		if (i < n && name[i] != '/') {
			comp++;
			continue;
		}
		if (comp == 2 && name[i - 1] == '.' && name[i - 2] == '.')
			return "a '..' component";
		if (comp && !(comp == 1 && name[i - 1] == '.')) {
			only_dots = false;
			if (++depth > ENTRY_DEPTH_MAX)
				return "more than " CG_STR(ENTRY_DEPTH_MAX) " levels of folders";
		}
		comp = 0;
	}
	*root = only_dots;
	return NULL;
}

/* Unpack archive `path` into a fresh folder below dir; its path in *out. */
static cg_err_t extract(struct upd *u, const char *path, enum akind kind, const char *dir,
			char **out, uint64_t *nentries, uint64_t *nbytes, struct cg_error *err)
{
	struct archive *a = NULL, *w = NULL;
	struct archive_entry *e;
	char *tmpl = NULL, *real = NULL, *full = NULL, shown[160];
	uint64_t entries = 0, total = 0, packed = 0, skipped = 0;
	struct stat st;
	cg_err_t rc = CG_OK;
	int r;

	*out = NULL;
	if (stat(path, &st) == 0)
		packed = (uint64_t)st.st_size;
	if (!(tmpl = path_join(dir, "tree.tmp.XXXXXX")) || !(full = malloc(PATH_MAX)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		tmpl = NULL;
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "creating a folder in %s: %s", dir,
					 strerror(errno)));
	}
	if (!(real = realpath(tmpl, NULL)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmpl, strerror(errno)));
	if (!(a = archive_read_new()) || !(w = archive_write_disk_new()))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (kind == A_ZIP) {
		r = archive_read_support_format_zip(a);
	} else {
		r = archive_read_support_format_tar(a);
		if (r == ARCHIVE_OK && kind == A_GZIP)
			r = archive_read_support_filter_gzip(a);
	}
	if (r != ARCHIVE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "libarchive: %s",
					 archive_error_string(a)));
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					  ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "not a readable archive: %s",
					 archive_error_string(a)));
	for (;;) {
		const char *name, *why;
		bool root;
		mode_t ft;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive: %s",
						 archive_error_string(a)));
		if (++entries > u->max_entries)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
						 "archive has more than %llu entries",
						 (unsigned long long)u->max_entries));
		name = archive_entry_pathname(e);
		ft = archive_entry_filetype(e);
		if ((why = entry_problem(name, &root))) {
			printable(name ? name : "", name ? strlen(name) : 0, shown, sizeof(shown));
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "unsafe entry '%s' in the archive: %s", shown,
						 why));
		}
		if (archive_entry_hardlink(e) || archive_entry_symlink(e) ||
		    (ft != AE_IFREG && ft != AE_IFDIR) || root) {
			skipped++; /* links, devices, the archive's root: not written */
			continue;
		}
		if (snprintf(full, PATH_MAX, "%s/%s", real, name) >= PATH_MAX)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "archive entry path too long"));
		archive_entry_set_pathname(e, full);
		archive_entry_set_perm(e, ft == AE_IFDIR ? 0755 : 0644);
		if (archive_write_header(w, e) < ARCHIVE_WARN) {
			printable(name, strlen(name), shown, sizeof(shown));
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive entry '%s': %s",
						 shown, archive_error_string(w)));
		}
		while (ft == AE_IFREG) {
			const void *buf;
			size_t sz;
			la_int64_t off;
			r = archive_read_data_block(a, &buf, &sz, &off);
			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_WARN) {
				printable(name, strlen(name), shown, sizeof(shown));
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
							 "archive entry '%s': %s", shown,
							 archive_error_string(a)));
			}
			if (off < 0 || (uint64_t)off > u->max_extract ||
			    sz > u->max_extract - (uint64_t)off || sz > u->max_extract - total)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
							 "archive unpacks to more than %llu bytes",
							 (unsigned long long)u->max_extract));
			total += sz;
			if (total > RATIO_FLOOR && total / u->max_ratio > packed)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
							 "archive unpacks to more than %u times "
							 "its size of %llu bytes (a zip bomb?)",
							 u->max_ratio, (unsigned long long)packed));
			if (archive_write_data_block(w, buf, sz, off) < ARCHIVE_WARN)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "writing %s: %s", full,
							 archive_error_string(w)));
		}
		if (archive_write_finish_entry(w) < ARCHIVE_WARN)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "writing %s: %s", full,
						 archive_error_string(w)));
	}
	if (archive_write_close(w) < ARCHIVE_WARN)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "unpacking: %s", archive_error_string(w)));
	if (skipped)
		cg_debug("db update: %llu archive entries that are not files or folders skipped",
			 (unsigned long long)skipped);
	*nentries = entries;
	*nbytes = total;
	*out = tmpl;
	tmpl = NULL;
done:
	if (a)
		archive_read_free(a);
	if (w)
		archive_write_free(w);
	if (tmpl) {
		rm_tree(tmpl);
		free(tmpl);
	}
	free(real);
	free(full);
	return rc;
}

/* Put the folder `fresh` in place of dir/tree. */
static cg_err_t swap_tree(const char *dir, const char *fresh, struct cg_error *err)
{
	char *tree = path_join(dir, "tree"), *old = path_join(dir, "tree.old.XXXXXX");
	cg_err_t rc = CG_OK;
	bool moved = false;

	if (!tree || !old)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (is_dir(tree)) {
		if (!mkdtemp(old) || rename(tree, old) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "moving %s: %s", tree,
						 strerror(errno)));
		moved = true;
	}
	if (rename(fresh, tree) != 0) {
		rc = cg_error_set(err, CG_ERR_IO, "renaming %s: %s", fresh, strerror(errno));
		if (moved && rename(old, tree) == 0)
			moved = false;
		goto done;
	}
	if (moved)
		rm_tree(old);
done:
	free(tree);
	free(old);
	return rc;
}

/* ---- one source ------------------------------------------------------------------ */

struct feed {
	char *dir;        /* cache/<key> */
	char *path;       /* what the build reads: file/NAME or tree; NULL when not had */
	char sha256[65];  /* of the content */
	bool usable;      /* a known feed type (or a default that is skipped when not) */
	bool failed;
};

static void emit(const struct upd *u, enum cg_vulndb_update_event ev, size_t idx,
		 const struct cg_vulndb_source *s, const char *path, const char *msg,
		 uint64_t bytes, uint64_t entries)
{
	struct cg_vulndb_update_info in;
	char url[SHOWN_URL_MAX];

	if (!u->o->progress)
		return;
	memset(&in, 0, sizeof(in));
	in.event = ev;
	in.index = s ? idx : SIZE_MAX;
	if (s) {
		in.type = s->type;
		cg_vulndb_url_redact(s->url, url, sizeof(url));
		in.url = url;
	}
	in.path = path;
	in.message = msg;
	in.bytes = bytes;
	in.entries = entries;
	u->o->progress(u->o->ud, &in);
}

/* The cached copy's path when it is complete and (for archives) unpacked
 * from the same bytes; NULL otherwise. */
static char *cached_path(const char *dir, const struct meta *m)
{
	char *file, *p = NULL;
	if (!m->sha256[0])
		return NULL;
	if (m->archive) {
		p = path_join(dir, "tree");
		if (p && (strcmp(m->extracted, m->sha256) != 0 || !is_dir(p))) {
			free(p);
			p = NULL;
		}
		return p;
	}
	if (asprintf(&file, "%s/file/%s", dir, m->name) < 0)
		return NULL;
	if (!is_file(file)) {
		free(file);
		return NULL;
	}
	return file;
}

/* Unpack the cached archive file again (tree/ missing or from other bytes). */
static cg_err_t reextract(struct upd *u, size_t idx, const struct cg_vulndb_source *s,
			  const char *dir, struct meta *m, const char *file, const char *shown,
			  struct cg_error *err)
{
	char *fresh = NULL, *tree = NULL;
	uint64_t entries = 0, bytes = 0;
	enum akind kind = sniff(file);
	cg_err_t rc;

	if (kind == A_NONE)
		return cg_error_set(err, CG_ERR_INVALID, "the cached copy is not an archive");
	if ((rc = extract(u, file, kind, dir, &fresh, &entries, &bytes, err)))
		return rc;
	m->extracted[0] = '\0';
	if (!(rc = write_meta(dir, m, shown, err)) && !(rc = swap_tree(dir, fresh, err))) {
		memcpy(m->extracted, m->sha256, sizeof(m->extracted));
		rc = write_meta(dir, m, shown, err);
	}
	if (!rc && (tree = path_join(dir, "tree")))
		emit(u, CG_UPDATE_EXTRACTED, idx, s, tree, NULL, bytes, entries);
	if (rc)
		rm_tree(fresh);
	free(fresh);
	free(tree);
	return rc;
}

static cg_err_t fetch_source(struct upd *u, size_t idx, const struct cg_vulndb_source *s,
			     struct feed *f, struct cg_error *err)
{
	struct meta m, nm;
	struct dl d;
	char shown[SHOWN_URL_MAX], dig[CG_DIGEST_STR_LEN + 1];
	char *tmp = NULL, *filedir = NULL, *file = NULL, *fresh = NULL, *old = NULL;
	uint64_t entries = 0, ubytes = 0;
	long status = 0;
	enum akind kind;
	cg_err_t rc = CG_OK;

	memset(&d, 0, sizeof(d));
	d.fd = -1;
	d.max = u->max_size;
	cg_vulndb_url_redact(s->url, shown, sizeof(shown));
	if (mkdir(f->dir, 0700) != 0 && errno != EEXIST)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "creating %s: %s", f->dir,
					 strerror(errno)));
	clean_leftovers(f->dir);
	read_meta(f->dir, &m);
	if (!(filedir = path_join(f->dir, "file")) ||
	    asprintf(&old, "%s/%s", filedir, m.name) < 0 ||
	    !(tmp = path_join(f->dir, "dl.tmp.XXXXXX")))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (m.sha256[0] && !is_file(old))
		memset(&m, 0, sizeof(m));
	d.fd = mkostemp(tmp, O_CLOEXEC);
	if (d.fd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp, strerror(errno)));
	emit(u, CG_UPDATE_FETCH, idx, s, NULL, NULL, 0, 0);
	for (int round = 0; round < 2; round++) {
		char have[65];
		rc = http_get(u, s, m.sha256[0] ? &m : NULL, &d, &status, err);
		if (rc || status != 304)
			break;
		/* 304: the cached copy must still be what meta says */
		if (hash_file(old, have, NULL, NULL) == CG_OK && !strcmp(have, m.sha256))
			break;
		cg_debug("db update: the cached copy of %s changed; downloading it again", shown);
		memset(&m, 0, sizeof(m));
	}
	if (rc)
		goto done;
	if (status == 304) {
		if (s->has_sha256 && strcmp(m.sha256, s->sha256))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY,
						 "sha256 mismatch: the server's copy is "
						 "unchanged (HTTP 304) and is %s, want %s",
						 m.sha256, s->sha256));
		f->path = cached_path(f->dir, &m);
		if (!f->path && m.archive) {
			if ((rc = reextract(u, idx, s, f->dir, &m, old, shown, err)))
				goto done;
			f->path = cached_path(f->dir, &m);
		}
		if (!f->path)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "the cached copy in %s is gone",
						 f->dir));
		memcpy(f->sha256, m.sha256, sizeof(f->sha256));
		u->st->not_modified++;
		emit(u, CG_UPDATE_NOT_MODIFIED, idx, s, f->path, NULL, 0, 0);
		goto done;
	}
	/* new content */
	cg_sha256_final(&d.h, dig);
	if (!dig[0])
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "sha256 failed"));
	if (fsync(d.fd) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", tmp, strerror(errno)));
	memset(&nm, 0, sizeof(nm));
	memcpy(nm.sha256, dig + 7, 65);
	if (s->has_sha256 && strcmp(nm.sha256, s->sha256))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTEGRITY,
					 "sha256 mismatch: the download (%llu bytes) is %s, "
					 "want %s", (unsigned long long)d.bytes, nm.sha256,
					 s->sha256));
	url_file_name(s->url, nm.name);
	kind = sniff(tmp);
	if (kind == A_NONE && named_archive(nm.name))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "named like an archive (%s) but is not a zip, tar or "
					 "tar.gz archive", nm.name));
	nm.archive = kind != A_NONE;
	if (nm.archive && (rc = extract(u, tmp, kind, f->dir, &fresh, &entries, &ubytes, err)))
		goto done;
	memcpy(nm.etag, d.etag, sizeof(nm.etag));
	memcpy(nm.lastmod, d.lastmod, sizeof(nm.lastmod));
	/* replace the cached copy: meta out first, then the files, then meta in */
	if (asprintf(&file, "%s/%s", filedir, nm.name) < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	{
		char *mp = path_join(f->dir, "meta");
		if (!mp)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		if (unlink(mp) != 0 && errno != ENOENT) {
			rc = cg_error_set(err, CG_ERR_IO, "%s: %s", mp, strerror(errno));
			free(mp);
			goto done;
		}
		free(mp);
	}
	if (mkdir(filedir, 0700) != 0 && errno != EEXIST)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "creating %s: %s", filedir,
					 strerror(errno)));
	if (m.name[0] && strcmp(m.name, nm.name))
		unlink(old);
	if (rename(tmp, file) != 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "renaming %s: %s", tmp, strerror(errno)));
	free(tmp);
	tmp = NULL;
	if (fresh) {
		if ((rc = swap_tree(f->dir, fresh, err)))
			goto done;
		memcpy(nm.extracted, nm.sha256, sizeof(nm.extracted));
	}
	if ((rc = write_meta(f->dir, &nm, shown, err)))
		goto done;
	memcpy(f->sha256, nm.sha256, sizeof(f->sha256));
	u->st->downloaded++;
	emit(u, CG_UPDATE_DOWNLOADED, idx, s, file, NULL, d.bytes, 0);
	if (fresh) {
		f->path = path_join(f->dir, "tree");
		emit(u, CG_UPDATE_EXTRACTED, idx, s, f->path, NULL, ubytes, entries);
	} else {
		f->path = file;
		file = NULL;
	}
	if (!f->path)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
done:
	cg_sha256_release(&d.h);
	if (d.fd >= 0)
		close(d.fd);
	if (tmp && d.fd >= 0)
		unlink(tmp);
	if (fresh && is_dir(fresh))
		rm_tree(fresh);
	free(fresh);
	free(tmp);
	free(filedir);
	free(file);
	free(old);
	return rc;
}

/* keep_going: the last good copy of a source that failed now, if any. */
static void use_stale(struct upd *u, size_t idx, const struct cg_vulndb_source *s, struct feed *f,
		      const char *why)
{
	struct meta m;
	read_meta(f->dir, &m);
	if (s->has_sha256 && strcmp(m.sha256, s->sha256))
		return;
	f->path = cached_path(f->dir, &m);
	if (!f->path)
		return;
	memcpy(f->sha256, m.sha256, sizeof(f->sha256));
	u->st->stale++;
	emit(u, CG_UPDATE_STALE, idx, s, f->path, why, 0, 0);
}

/* ---- the update ------------------------------------------------------------------ */

static bool known_type(const char *type)
{
	for (size_t i = 0; cg_vulndb_feed_type(i); i++)
		if (!strcmp(cg_vulndb_feed_type(i), type))
			return true;
	return false;
}

static void build_warn(void *ud, const char *path, const char *msg)
{
	struct upd *u = ud;
	u->st->files_skipped++;
	emit(u, CG_UPDATE_FILE_SKIPPED, 0, NULL, path, msg, 0, 0);
}

/* What the database would be built from, and the database file as it is:
 * equal to the state file of the last build means nothing to do. */
static cg_err_t state_text(const char *db, const struct cg_vulndb_sources *src,
			   const struct feed *feeds, struct cg_buf *out)
{
	struct cg_buf in = CG_BUF_INIT((size_t)1 << 20);
	char dig[CG_DIGEST_STR_LEN + 1];
	struct stat st;
	cg_err_t rc;

	rc = cg_buf_printf(&in, "cguard %s schema %d\n", CG_VERSION_STRING, CG_VULNDB_SCHEMA);
	for (size_t i = 0; !rc && i < src->n; i++)
		if (feeds[i].path)
			rc = cg_buf_printf(&in, "%s\t%s\t%s\n", src->v[i].type, feeds[i].path,
					   feeds[i].sha256);
	if (!rc)
		rc = cg_sha256_hex(in.data, in.len, dig);
	cg_buf_release(&in);
	if (rc)
		return rc;
	if (stat(db, &st) != 0)
		return CG_ERR_NOTFOUND;
	return cg_buf_printf(out, "inputs %s\ndb %llu %lld.%09ld %llu\n", dig + 7,
			     (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
			     st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

static char *state_path(const char *cache, const char *db)
{
	char dig[CG_DIGEST_STR_LEN + 1], cwd[PATH_MAX], *abs = NULL, *p = NULL;
	if (db[0] == '/') {
		abs = strdup(db);
	} else if (getcwd(cwd, sizeof(cwd))) {
		if (asprintf(&abs, "%s/%s", cwd, db) < 0)
			abs = NULL;
	}
	if (abs && cg_sha256_hex(abs, strlen(abs), dig) == CG_OK &&
	    asprintf(&p, "%s/state-%.16s", cache, dig + 7) < 0)
		p = NULL;
	free(abs);
	return p;
}

static cg_err_t load_ca(struct upd *u, const char *path, struct cg_error *err)
{
	struct cg_buf b = CG_BUF_INIT(CA_MAX_BYTES);
	cg_err_t rc = read_bounded(path, &b, err);
	if (!rc && (!b.len || !memmem(b.data, b.len, "-----BEGIN CERTIFICATE-----", 27)))
		rc = cg_error_set(err, CG_ERR_INVALID, "%s: no PEM certificate in it", path);
	if (!rc) {
		u->ca_len = b.len;
		u->ca_pem = cg_buf_detach(&b, NULL);
		if (!u->ca_pem)
			rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	cg_buf_release(&b);
	return rc;
}

cg_err_t cg_vulndb_update(const char *db, const struct cg_vulndb_sources *src,
			  const struct cg_vulndb_update_opts *opts,
			  struct cg_vulndb_update_stats *stats, struct cg_error *err)
{
	static const struct cg_vulndb_update_opts no_opts;
	struct cg_vulndb_update_stats st_local;
	struct upd u;
	struct feed *feeds = NULL;
	struct cg_vulndb_feed_stats *bst = NULL;
	struct cg_buf state = CG_BUF_INIT(STATE_MAX), old_state = CG_BUF_INIT(STATE_MAX);
	char **specs = NULL;
	char *spath = NULL, shown[SHOWN_URL_MAX];
	size_t nspecs = 0, usable = 0;
	cg_err_t rc = CG_OK;
	int lock_fd = -1;

	memset(&u, 0, sizeof(u));
	u.o = opts ? opts : &no_opts;
	u.st = stats ? stats : &st_local;
	memset(u.st, 0, sizeof(*u.st));
	if (!db || !*db)
		return cg_error_set(err, CG_ERR_ARG, "no database file given");
	if (!src || !src->n)
		return cg_error_set(err, CG_ERR_ARG, "no feed sources given");
	u.max_size = u.o->max_size ? u.o->max_size : DEFAULT_MAX_SIZE;
	u.max_extract = u.o->max_extract ? u.o->max_extract : DEFAULT_MAX_EXTRACT;
	u.max_entries = u.o->max_entries ? u.o->max_entries : DEFAULT_MAX_ENTRIES;
	u.max_ratio = u.o->max_ratio ? u.o->max_ratio : DEFAULT_MAX_RATIO;
	if (u.max_size > (uint64_t)INT64_MAX)
		u.max_size = (uint64_t)INT64_MAX;

	feeds = calloc(src->n, sizeof(*feeds));
	specs = calloc(src->n, sizeof(*specs));
	if (!feeds || !specs)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));

	/* refuse what cannot work before anything is downloaded */
	for (size_t i = 0; i < src->n; i++) {
		const struct cg_vulndb_source *s = &src->v[i];
		cg_vulndb_url_redact(s->url, shown, sizeof(shown));
		if (!s->url || !s->type[0])
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "source %zu: empty", i + 1));
		if (!known_type(s->type)) {
			if (s->builtin) {
				u.st->skipped++;
				emit(&u, CG_UPDATE_SKIPPED, i, s, NULL,
				     "this cguard has no parser for the feed type", 0, 0);
				continue;
			}
			CG_FAIL(rc, cg_error_set(err, CG_ERR_UNSUPPORTED,
						 "source %s %s: unknown feed type '%s' (see "
						 "'cguard db types')", s->type, shown, s->type));
		}
		if (!url_is_https(s->url) && !s->has_sha256 && !u.o->allow_http)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_DENIED,
						 "source %s %s: plain http:// without a sha256 is "
						 "refused (use https://, give sha256=HEX, or allow "
						 "plain HTTP)", s->type, shown));
		feeds[i].usable = true;
		usable++;
	}
	if (!usable)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_UNSUPPORTED,
					 "no source of a known feed type"));
	u.st->sources = usable;

	/* the cache, locked against a concurrent update */
	if (u.o->cache_dir && *u.o->cache_dir) {
		u.cache = strdup(u.o->cache_dir);
	} else {
		const char *slash = strrchr(db, '/');
		if (asprintf(&u.cache, "%.*s/.cguard-feeds",
			     slash ? (int)(slash - db) : 1, slash ? db : ".") < 0)
			u.cache = NULL;
	}
	if (!u.cache)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((rc = make_dirs(u.cache, err)))
		goto done;
	{
		char *lp = path_join(u.cache, "lock");
		if (!lp)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		free(lp);
		if (lock_fd < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s/lock: %s", u.cache,
						 strerror(errno)));
		if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO,
						 "another 'cguard db update' is using the cache %s",
						 u.cache));
	}
	if (u.o->ca_file && *u.o->ca_file && (rc = load_ca(&u, u.o->ca_file, err)))
		goto done;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "curl_global_init failed"));

	/* fetch */
	for (size_t i = 0; i < src->n; i++) {
		const struct cg_vulndb_source *s = &src->v[i];
		struct cg_error ferr = { 0 };
		char key[CG_VULNDB_TYPE_MAX + SLUG_MAX + 24];
		cg_err_t frc;

		if (!feeds[i].usable)
			continue;
		cg_vulndb_url_redact(s->url, shown, sizeof(shown));
		if (entry_key(s, key, sizeof(key)) || !(feeds[i].dir = path_join(u.cache, key)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		frc = fetch_source(&u, i, s, &feeds[i], &ferr);
		if (!frc)
			continue;
		feeds[i].failed = true;
		u.st->failed++;
		emit(&u, CG_UPDATE_FAILED, i, s, NULL, cg_error_message(&ferr), 0, 0);
		if (!u.o->keep_going)
			CG_FAIL(rc, cg_error_set(err, frc, "%s %s: %s", s->type, shown,
						 cg_error_message(&ferr)));
		use_stale(&u, i, s, &feeds[i], cg_error_message(&ferr));
	}

	/* build */
	for (size_t i = 0; i < src->n; i++) {
		char *spec = NULL;
		if (!feeds[i].path)
			continue;
		if (asprintf(&spec, "%s:%s", src->v[i].type, feeds[i].path) < 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		specs[nspecs++] = spec;
	}
	if (!nspecs)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "no feed could be obtained; the database "
					 "is left as it was"));
	spath = state_path(u.cache, db);
	if (!u.o->force && !u.st->failed && spath && state_text(db, src, feeds, &state) == CG_OK &&
	    read_bounded(spath, &old_state, NULL) == CG_OK && state.len == old_state.len &&
	    !memcmp(state.data, old_state.data, state.len)) {
		emit(&u, CG_UPDATE_UP_TO_DATE, 0, NULL, db, NULL, 0, 0);
		goto done;
	}
	emit(&u, CG_UPDATE_BUILDING, 0, NULL, db, NULL, 0, 0);
	if (!(bst = calloc(nspecs, sizeof(*bst))))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if ((rc = cg_vulndb_build(db, (const char *const *)specs, nspecs, build_warn, &u, bst,
				  err)))
		goto done;
	u.st->built = true;
	for (size_t i = 0, k = 0; i < src->n && k < nspecs; i++) {
		struct cg_vulndb_update_info in;
		char url[SHOWN_URL_MAX];
		if (!feeds[i].path)
			continue;
		if (u.o->progress) {
			memset(&in, 0, sizeof(in));
			in.event = CG_UPDATE_FEED_BUILT;
			in.index = i;
			in.type = src->v[i].type;
			cg_vulndb_url_redact(src->v[i].url, url, sizeof(url));
			in.url = url;
			in.path = feeds[i].path;
			in.files = bst[k].files;
			in.advisories = bst[k].advisories;
			in.skipped = bst[k].skipped;
			u.o->progress(u.o->ud, &in);
		}
		k++;
	}
	/* remember what it was built from (a partial build is redone next time) */
	cg_buf_reset(&state);
	if (spath) {
		if (!u.st->failed && state_text(db, src, feeds, &state) == CG_OK)
			(void)write_file_atomic(spath, state.data, state.len, NULL);
		else
			unlink(spath);
	}
	emit(&u, CG_UPDATE_DONE, 0, NULL, db, NULL, 0, 0);
done:
	if (lock_fd >= 0)
		close(lock_fd);
	for (size_t i = 0; feeds && i < src->n; i++) {
		free(feeds[i].dir);
		free(feeds[i].path);
	}
	for (size_t i = 0; i < nspecs; i++)
		free(specs[i]);
	free(specs);
	free(feeds);
	free(bst);
	free(spath);
	free(u.cache);
	free(u.ca_pem);
	cg_buf_release(&state);
	cg_buf_release(&old_state);
	return rc;
}
