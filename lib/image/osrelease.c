/* Which OS an image is: os-release (freedesktop.org format) first, then the
 * distributions' own release files. */
#include "util/internal.h"
#include "image/image_int.h"

#define OS_FILE_MAX (64 * 1024)

static const char *const os_files[] = {
	"/etc/os-release",      "/usr/lib/os-release",    "/etc/alpine-release",
	"/etc/debian_version",  "/etc/redhat-release",    "/etc/centos-release",
	"/etc/system-release",  "/etc/fedora-release",    "/etc/oracle-release",
	"/etc/rocky-release",   "/etc/almalinux-release", "/etc/SuSE-release",
	"/etc/lsb-release",
};

bool cg_os_match(const char *path, size_t len)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(os_files); i++)
		if (strlen(os_files[i]) == len && !memcmp(os_files[i], path, len))
			return true;
	return false;
}

const struct cg_pkg_collector cg_collector_osrelease = {
	.name = "osrelease",
	.match = cg_os_match,
	.max_size = OS_FILE_MAX,
	.collect = NULL, /* read by cg_os_identify() from the merged view */
};

/* The value of KEY in os-release text, unquoted and unescaped, into out. */
static bool os_value(const unsigned char *d, size_t n, const char *key, char *out, size_t cap)
{
	struct cg_cursor c;
	struct cg_view line;
	size_t klen = strlen(key);
	cg_cursor_init(&c, d, n);
	while (!cg_cursor_eof(&c)) {
		size_t i, o = 0;
		char q = 0;
		if (!cg_cursor_line(&c, 4096, &line)) {
			/* skip an over-long line */
			struct cg_view skip;
			if (!cg_cursor_token(&c, '\n', SIZE_MAX, &skip))
				break;
			continue;
		}
		i = 0;
		while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
			i++;
		if (line.len - i <= klen || memcmp(line.p + i, key, klen) || line.p[i + klen] != '=')
			continue;
		i += klen + 1;
		if (i < line.len && (line.p[i] == '"' || line.p[i] == '\''))
			q = (char)line.p[i++];
		for (; i < line.len && o + 1 < cap; i++) {
			char ch = (char)line.p[i];
			if (q && ch == q)
				break;
			if (q == '"' && ch == '\\' && i + 1 < line.len)
				ch = (char)line.p[++i];
			if (!q && (ch == ' ' || ch == '\t' || ch == '#'))
				break;
			if ((unsigned char)ch < 0x20)
				continue;
			out[o++] = ch;
		}
		out[o] = '\0';
		return o > 0;
	}
	return false;
}

static const struct cg_fsnode *content_of(struct cg_fstree *t, const char *path)
{
	const struct cg_fsnode *n = cg_fstree_resolve(t, path, strlen(path), true);
	return n && n->type == CG_ENTRY_REG && n->content && !n->content->truncated ? n : NULL;
}

static bool exists(struct cg_fstree *t, const char *path)
{
	return cg_fstree_resolve(t, path, strlen(path), true) != NULL;
}

/* The first run of digits and dots in s ("CentOS Linux release 7.9.2009" -> "7.9.2009"). */
static void version_in(const unsigned char *d, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	while (i < n && !(d[i] >= '0' && d[i] <= '9'))
		i++;
	while (i < n && o + 1 < cap && ((d[i] >= '0' && d[i] <= '9') || d[i] == '.'))
		out[o++] = (char)d[i++];
	while (o && out[o - 1] == '.')
		o--;
	out[o] = '\0';
}

void cg_os_identify(struct cg_inventory *inv, struct cg_fstree *t)
{
	struct cg_arena *a = &inv->arena;
	struct cg_os_info *os = &inv->os;
	const struct cg_fsnode *n;
	char v[256];

	memset(os, 0, sizeof(*os));
	n = content_of(t, "/etc/os-release");
	if (!n)
		n = content_of(t, "/usr/lib/os-release");
	if (n) {
		const unsigned char *d = n->content->data;
		size_t len = n->content->len;
		if (os_value(d, len, "ID", v, sizeof(v)))
			os->id = cg_arena_strdup(a, v);
		if (os_value(d, len, "VERSION_ID", v, sizeof(v)))
			os->version_id = cg_arena_strdup(a, v);
		if (os_value(d, len, "VERSION_CODENAME", v, sizeof(v)))
			os->codename = cg_arena_strdup(a, v);
		if (os_value(d, len, "PRETTY_NAME", v, sizeof(v)))
			os->pretty_name = cg_arena_strdup(a, v);
		if (os_value(d, len, "ID_LIKE", v, sizeof(v)))
			os->id_like = cg_arena_strdup(a, v);
	}
	/* Alpine's own file is more precise (3.19.1 and os-release agree);
	 * Debian testing/sid have no VERSION_ID: take debian_version. */
	if ((!os->id || !strcmp(os->id, "alpine")) && (n = content_of(t, "/etc/alpine-release"))) {
		version_in(n->content->data, n->content->len, v, sizeof(v));
		if (!os->id)
			os->id = "alpine";
		if (!os->version_id && v[0])
			os->version_id = cg_arena_strdup(a, v);
	}
	if ((!os->id || (!strcmp(os->id, "debian") && !os->version_id)) &&
	    (n = content_of(t, "/etc/debian_version"))) {
		size_t k = 0;
		if (!os->id)
			os->id = "debian";
		while (k < n->content->len && k + 1 < sizeof(v) && n->content->data[k] > ' ')
			v[k] = (char)n->content->data[k], k++;
		v[k] = '\0';
		if (k && strchr(v, '/')) { /* "trixie/sid": testing or unstable, no version */
			if (!os->codename)
				os->codename = cg_arena_strdup(a, v);
		} else if (k) {
			os->version_id = cg_arena_strdup(a, v);
		}
	}
	if (!os->id) {
		static const struct { const char *file, *id; } rel[] = {
			{ "/etc/centos-release", "centos" },    { "/etc/rocky-release", "rocky" },
			{ "/etc/almalinux-release", "almalinux" }, { "/etc/oracle-release", "ol" },
			{ "/etc/fedora-release", "fedora" },    { "/etc/redhat-release", "rhel" },
			{ "/etc/system-release", "amzn" },      { "/etc/SuSE-release", "sles" },
		};
		for (size_t i = 0; i < CG_ARRAY_LEN(rel) && !os->id; i++) {
			if (!(n = content_of(t, rel[i].file)))
				continue;
			os->id = rel[i].id;
			version_in(n->content->data, n->content->len, v, sizeof(v));
			if (v[0])
				os->version_id = cg_arena_strdup(a, v);
		}
	}
	if (!os->id)
		return;
	/* no shell and no package manager: a distroless image */
	os->distroless = !exists(t, "/bin/sh") && !exists(t, "/usr/bin/apt-get") &&
			 !exists(t, "/sbin/apk") && !exists(t, "/usr/bin/rpm") &&
			 !exists(t, "/bin/busybox");
	inv->have_os = true;
}
