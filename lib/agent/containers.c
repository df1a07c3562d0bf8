/* Container discovery and attribution (see containers.h and
 * docs/agent-discovery.md).
 *
 * The state folders are kept in a cache of "entries" (one per container
 * folder: <runc root>/<id> or <containerd state>/io.containerd.runtime.v2.task/
 * <ns>/<id>), each remembering the signature (inode, size, mtime) of its state
 * files and what they said, so a rescan re-reads only what changed and counts
 * a malformed or dead entry once. Entries that describe a running init
 * process (pid alive and, for runc, its start time equal to state.json's
 * init_process_start) are merged by (id, pid) into the live view; the view is
 * compared with the previous one for the start and stop callbacks.
 *
 * Notifications: one epoll descriptor (cg_containers_fd) holding the inotify
 * descriptor (root folders, their missing ancestors, each container folder)
 * and a pidfd per live container, which becomes readable when its init exits:
 * a stop is noticed without polling even when runc leaves state.json behind. */
#include "util/internal.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "agent/containers.h"
#include "agent/pathnorm.h"
#include "image/bbolt.h"

#define CT_MAX_FILE ((size_t)4 << 20)   /* state.json, config.json, config.v2.json */
#define CT_MAX_SMALL ((size_t)64 << 10) /* /proc files, init.pid */
#define CT_MAX_LABELS 1024
#define CT_MAX_VALUE 4096
#define CT_MAX_ID 1024
#define CT_MAX_NS_DIRS 256 /* containerd namespaces per glob root */
#define CT_DEFAULT_MAX 65536

static const char *const default_runc_roots[] = {
	"/run/runc", "/run/containerd/runc/*", "/run/docker/runtime-runc/moby", "/run/crun",
	"/run/runc-crio",
};

enum rkind { R_RUNC, R_TASK };

/* A configured root: a folder, or "DIR/ *" (each subfolder of DIR is one). */
struct spec {
	char *pattern; /* without the trailing "/ *" */
	bool glob;
	enum rkind kind;
	int ctr_idx; /* containerd root (meta.db) paired with it, or -1 */
};

enum estatus { E_PENDING, E_BAD, E_DEAD, E_LIVE, E_OVER };

struct sig {
	unsigned long long ino, size, mtime;
};

/* What one container folder said. */
struct obs {
	struct cg_container c;
	unsigned long long start; /* /proc/PID/stat field 22 */
	int ctr_idx;
	char *ns; /* containerd namespace */
};

struct entry {
	char *path; /* the container folder */
	struct sig sig[2];
	enum estatus status;
	bool counted; /* its skip is counted already */
	bool watched;
	bool seen; /* scratch: found by the current rescan */
	struct obs o;
};

/* A container of the live view. */
struct known {
	struct cg_container c;
	unsigned long long start;
	int pidfd; /* -1 when pidfd_open failed: checked on each refresh */
	bool dead;
	bool mark; /* scratch for the diff */
};

enum wkind { W_ROOT, W_CONT, W_ANC };
struct watch {
	int wd;
	enum wkind kind;
	char *path;
};

struct cg_containers {
	struct spec *specs;
	size_t n_specs;
	char **ctr_roots;
	size_t n_ctr_roots;
	char *proc;
	char *cgroup2;
	char *docker_root;
	size_t max;
	int ep, in;
	struct watch *w;
	size_t nw;
	struct entry **e; /* sorted by path */
	size_t ne;
	struct known **live;
	size_t nlive;
	size_t skipped;
	bool dirty;
};

/* ---- small helpers ----------------------------------------------------------- */

static void set_str(char **dst, const char *s, size_t n)
{
	if (*dst || !s)
		return;
	*dst = strndup(s, n);
}

void cg_container_clear(struct cg_container *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->name);
	free(c->runtime);
	free(c->bundle);
	free(c->image);
	free(c->image_digest);
	free(c->pod);
	free(c->namespace);
	free(c->rootfs);
	memset(c, 0, sizeof(*c));
}

static char *xasprintf(const char *fmt, ...) CG_PRINTF(1, 2);
static char *xasprintf(const char *fmt, ...)
{
	struct cg_buf b = CG_BUF_INIT(1 << 16);
	va_list ap;
	cg_err_t rc;
	char *s;
	va_start(ap, fmt);
	rc = cg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc) {
		cg_buf_release(&b);
		return NULL;
	}
	s = cg_buf_detach(&b, NULL);
	cg_buf_release(&b);
	return s;
}

static bool read_file(const char *path, size_t max, struct cg_buf *b)
{
	cg_buf_init(b, max);
	if (cg_buf_read_file(b, AT_FDCWD, path, NULL) == CG_OK)
		return true;
	cg_buf_release(b);
	return false;
}

static bool is_digest(const char *s, size_t n)
{
	if (n != 71 || strncmp(s, "sha256:", 7) != 0)
		return false;
	for (size_t i = 7; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool id_ok(const char *s, size_t n)
{
	if (n == 0 || n > CT_MAX_ID || memchr(s, '/', n) || memchr(s, '\0', n))
		return false;
	return !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.');
}

/* ---- annotations --------------------------------------------------------------- */

enum afield { A_NAME, A_IMAGE, A_DIGEST, A_POD, A_NS, A__N };

struct annot {
	const char *key;
	enum afield f;
	int prio;
};
static const struct annot annots[] = {
	{ "io.cguard.image", A_IMAGE, 4 },
	{ "io.cguard.image-digest", A_DIGEST, 4 },
	{ "io.kubernetes.cri.image-name", A_IMAGE, 3 },
	{ "io.kubernetes.cri.sandbox-name", A_POD, 3 },
	{ "io.kubernetes.cri.sandbox-namespace", A_NS, 3 },
	{ "io.kubernetes.cri.container-name", A_NAME, 3 },
	{ "io.kubernetes.cri-o.ImageName", A_IMAGE, 2 },
	{ "io.kubernetes.cri-o.ImageRef", A_DIGEST, 2 },
	{ "io.kubernetes.pod.name", A_POD, 2 },
	{ "io.kubernetes.pod.namespace", A_NS, 2 },
	{ "io.kubernetes.container.name", A_NAME, 2 },
	{ "org.opencontainers.image.ref.name", A_IMAGE, 1 },
};

struct annot_state {
	const char *v[A__N];
	size_t len[A__N];
	int prio[A__N];
	bool crio;
	const char *bundle;
	size_t bundle_len;
};

static void annot_one(struct annot_state *st, const char *k, size_t kl, const char *v, size_t vl)
{
	if (vl == 0 || vl > CT_MAX_VALUE || memchr(v, '\0', vl))
		return;
	if (kl == 6 && memcmp(k, "bundle", 6) == 0) { /* runc's own label */
		st->bundle = v;
		st->bundle_len = vl;
		return;
	}
	if (kl > 19 && memcmp(k, "io.kubernetes.cri-o.", 20) == 0)
		st->crio = true;
	for (size_t i = 0; i < CG_ARRAY_LEN(annots); i++) {
		const struct annot *a = &annots[i];
		if (strlen(a->key) != kl || memcmp(a->key, k, kl) != 0)
			continue;
		if (a->f == A_DIGEST) { /* "sha256:..." or "repo@sha256:..." */
			const char *at = memrchr(v, '@', vl);
			if (at) {
				vl -= (size_t)(at + 1 - v);
				v = at + 1;
			}
			if (!is_digest(v, vl))
				return;
		}
		if (a->prio > st->prio[a->f]) {
			st->v[a->f] = v;
			st->len[a->f] = vl;
			st->prio[a->f] = a->prio;
		}
	}
}

static void annot_apply(const struct annot_state *st, struct cg_container *c)
{
	set_str(&c->name, st->v[A_NAME], st->len[A_NAME]);
	set_str(&c->image, st->v[A_IMAGE], st->len[A_IMAGE]);
	set_str(&c->image_digest, st->v[A_DIGEST], st->len[A_DIGEST]);
	set_str(&c->pod, st->v[A_POD], st->len[A_POD]);
	set_str(&c->namespace, st->v[A_NS], st->len[A_NS]);
	if (st->crio && !c->runtime)
		c->runtime = strdup("cri-o");
}

static cg_err_t parse_json(const char *text, size_t len, const char *what, cg_json **root,
			   struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = CT_MAX_FILE, .max_depth = 64 };
	cg_err_t rc;
	if (!text && len)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (len > CT_MAX_FILE)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: larger than %zu bytes", what,
				    CT_MAX_FILE);
	rc = cg_json_parse(text ? text : "", len, &lim, root, err);
	if (rc == CG_OK && !cg_json_is_object(*root)) {
		cg_json_free(*root);
		*root = NULL;
		rc = cg_error_set(err, CG_ERR_INVALID, "%s: not a JSON object", what);
	}
	return rc;
}

cg_err_t cg_runc_state_parse(const char *text, size_t len, struct cg_container *c,
			     unsigned long long *start, struct cg_error *err)
{
	struct annot_state st;
	cg_json *root = NULL, *cfg, *labels, *jid;
	const char *id, *rootfs;
	int64_t pid, st_start;
	size_t n;
	cg_err_t rc;

	if (!c || !start)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if ((rc = parse_json(text, len, "state.json", &root, err)))
		return rc;
	memset(&st, 0, sizeof(st));
	jid = cg_json_get(root, "id");
	id = cg_json_string(jid);
	if (!id || !id_ok(id, cg_json_string_len(jid)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "state.json: field \"id\": %s",
					 id ? "not a container id" : "missing"));
	if (!cg_json_get_int(root, "init_process_pid", &pid) || pid <= 0 || pid > INT32_MAX)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "state.json: field \"init_process_pid\": missing or out of range"));
	if (!cg_json_get_int(root, "init_process_start", &st_start) || st_start < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "state.json: field \"init_process_start\": missing or out of range"));
	cfg = cg_json_get(root, "config");
	labels = cg_json_get(cfg, "labels");
	if (labels && !cg_json_is_array(labels) && cg_json_type_of(labels) != CG_JSON_NULL)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "state.json: field \"config.labels\": not an array"));
	n = cg_json_array_len(labels);
	if (n > CT_MAX_LABELS)
		n = CT_MAX_LABELS; /* the rest are ignored */
	for (size_t i = 0; i < n; i++) {
		cg_json *l = cg_json_array_at(labels, i);
		const char *s = cg_json_string(l), *eq;
		size_t sl = cg_json_string_len(l);
		if (!s || !(eq = memchr(s, '=', sl)))
			continue;
		annot_one(&st, s, (size_t)(eq - s), eq + 1, sl - (size_t)(eq - s) - 1);
	}
	set_str(&c->id, id, strlen(id));
	if (!c->init_pid)
		c->init_pid = (pid_t)pid;
	*start = (unsigned long long)st_start;
	rootfs = cg_json_get_str(cfg, "rootfs");
	if (rootfs && rootfs[0] == '/' && strlen(rootfs) <= CT_MAX_VALUE)
		set_str(&c->rootfs, rootfs, strlen(rootfs));
	if (st.bundle && st.bundle[0] == '/')
		set_str(&c->bundle, st.bundle, st.bundle_len);
	annot_apply(&st, c);
	if (!c->id)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
done:
	cg_json_free(root);
	return rc;
}

cg_err_t cg_oci_config_annotations(const char *text, size_t len, struct cg_container *c,
				   struct cg_error *err)
{
	struct annot_state st;
	cg_json *root = NULL, *an;
	size_t count = 0;
	cg_err_t rc;

	if (!c)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if ((rc = parse_json(text, len, "config.json", &root, err)))
		return rc;
	memset(&st, 0, sizeof(st));
	an = cg_json_get(root, "annotations");
	if (an && !cg_json_is_object(an) && cg_json_type_of(an) != CG_JSON_NULL)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
					 "config.json: field \"annotations\": not an object"));
	for (void *it = cg_json_iter(an); it && count < CT_MAX_LABELS;
	     it = cg_json_iter_next(an, it), count++) {
		const char *k = cg_json_iter_key(it);
		cg_json *v = cg_json_iter_value(it);
		if (cg_json_string(v))
			annot_one(&st, k, strlen(k), cg_json_string(v), cg_json_string_len(v));
	}
	annot_apply(&st, c);
	if (!c->rootfs) {
		const char *r = cg_json_get_str(cg_json_get(root, "root"), "path");
		if (r && *r && strlen(r) <= CT_MAX_VALUE) {
			if (r[0] == '/')
				c->rootfs = strdup(r);
			else if (c->bundle)
				c->rootfs = xasprintf("%s/%s", c->bundle, r);
		}
	}
done:
	cg_json_free(root);
	return rc;
}

cg_err_t cg_docker_config_parse(const char *text, size_t len, struct cg_container *c,
				struct cg_error *err)
{
	cg_json *root = NULL;
	const char *img, *id, *name;
	cg_err_t rc;

	if (!c)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if ((rc = parse_json(text, len, "config.v2.json", &root, err)))
		return rc;
	img = cg_json_get_str(cg_json_get(root, "Config"), "Image");
	if (img && *img && strlen(img) <= CT_MAX_VALUE)
		set_str(&c->image, img, strlen(img));
	id = cg_json_get_str(root, "Image");
	if (id && is_digest(id, strlen(id)))
		set_str(&c->image_digest, id, strlen(id));
	name = cg_json_get_str(root, "Name");
	if (name && name[0] == '/')
		name++;
	if (name && *name && strlen(name) <= CT_MAX_VALUE)
		set_str(&c->name, name, strlen(name));
	cg_json_free(root);
	return CG_OK;
}

/* ---- /proc ----------------------------------------------------------------------- */

/* Field 22 (starttime) of /proc/PID/stat; false when the process is gone or
 * a zombie. */
static bool proc_start(const char *proc, pid_t pid, unsigned long long *start)
{
	char path[PATH_MAX], buf[1024];
	const char *p;
	ssize_t n;
	int fd;
	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return false;
	p += 2;
	if (*p == 'Z' || *p == 'X' || *p == 'x')
		return false;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	{
		char *end;
		errno = 0;
		*start = strtoull(p, &end, 10);
		return end != p && errno == 0;
	}
}

static bool ns_inode(const char *proc, pid_t pid, const char *ns, unsigned int *out)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%d/ns/%s", proc, (int)pid, ns);
	if (stat(path, &st) != 0)
		return false;
	*out = (unsigned int)st.st_ino;
	return true;
}

static bool cgroup_id(const char *proc, const char *cg2, pid_t pid, unsigned long long *out)
{
	char path[PATH_MAX];
	struct cg_buf b;
	const char *p;
	bool ok = false;
	if (!cg2)
		return false;
	snprintf(path, sizeof(path), "%s/%d/cgroup", proc, (int)pid);
	if (!read_file(path, CT_MAX_SMALL, &b))
		return false;
	p = cg_buf_str(&b);
	while (p && *p) {
		if (strncmp(p, "0::/", 4) == 0) {
			const char *s = p + 3, *e = strchr(s, '\n');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			char norm[PATH_MAX];
			struct stat st;
			if (n + 2 <= sizeof(norm) && cg_agent_path_normalise(s, n, norm, sizeof(norm)) &&
			    snprintf(path, sizeof(path), "%s%s", cg2, strcmp(norm, "/") ? norm : "") <
				    (int)sizeof(path) &&
			    stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				*out = (unsigned long long)st.st_ino;
				ok = true;
			}
			break;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	cg_buf_release(&b);
	return ok;
}

/* Undo mountinfo's octal escapes (\040) in place. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* The first cgroup2 mount of /proc/self/mountinfo. */
static char *find_cgroup2(const char *proc)
{
	char path[PATH_MAX], *res = NULL;
	struct cg_buf b;
	char *line, *next;
	snprintf(path, sizeof(path), "%s/self/mountinfo", proc);
	if (!read_file(path, (size_t)16 << 20, &b))
		return NULL;
	for (line = b.data; line && *line && !res; line = next) {
		char *sep, *mp, *end;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		/* id parent maj:min root mountpoint ... */
		mp = line;
		for (int i = 0; i < 4 && mp; i++) {
			mp = strchr(mp, ' ');
			if (mp)
				mp++;
		}
		if (!mp || !(end = strchr(mp, ' ')))
			continue;
		*end = '\0';
		unescape(mp);
		res = strdup(mp);
	}
	cg_buf_release(&b);
	return res;
}

/* ---- inotify and epoll ----------------------------------------------------------- */

static void watch_add(struct cg_containers *t, const char *path, enum wkind kind)
{
	uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
			IN_MOVE_SELF | IN_ONLYDIR;
	int wd;
	if (kind == W_CONT)
		mask |= IN_CLOSE_WRITE;
	if (kind == W_ANC)
		mask = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;
	wd = inotify_add_watch(t->in, path, mask);
	if (wd < 0)
		return;
	for (size_t i = 0; i < t->nw; i++)
		if (t->w[i].wd == wd) {
			if (kind != W_ANC) /* a root or container folder wins */
				t->w[i].kind = kind;
			if (strcmp(t->w[i].path, path) != 0) {
				char *p = strdup(path);
				if (p) {
					free(t->w[i].path);
					t->w[i].path = p;
				}
			}
			return;
		}
	{
		struct watch *nw = realloc(t->w, (t->nw + 1) * sizeof(*nw));
		char *p = strdup(path);
		if (!nw || !p) {
			free(p);
			if (nw)
				t->w = nw;
			inotify_rm_watch(t->in, wd);
			return;
		}
		t->w = nw;
		t->w[t->nw].wd = wd;
		t->w[t->nw].kind = kind;
		t->w[t->nw].path = p;
		t->nw++;
	}
}

static void watch_forget(struct cg_containers *t, int wd)
{
	for (size_t i = 0; i < t->nw; i++)
		if (t->w[i].wd == wd) {
			free(t->w[i].path);
			t->w[i] = t->w[--t->nw];
			return;
		}
}

/* Watch the folder, or when it does not exist yet its nearest ancestor (to
 * notice it appear). */
static void watch_root(struct cg_containers *t, const char *path, enum wkind kind)
{
	char tmp[PATH_MAX];
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		watch_add(t, path, kind);
		return;
	}
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return;
	for (;;) {
		char *slash = strrchr(tmp, '/');
		if (!slash)
			return;
		if (slash == tmp) {
			tmp[1] = '\0';
		} else {
			*slash = '\0';
		}
		if (stat(tmp, &st) == 0 && S_ISDIR(st.st_mode)) {
			watch_add(t, tmp, W_ANC);
			return;
		}
		if (slash == tmp)
			return;
	}
}

/* Does an event under an ancestor watch concern a configured root? */
static bool anc_relevant(const struct cg_containers *t, const char *dir, const char *name)
{
	char p[PATH_MAX];
	size_t pl;
	if (snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", name) >= (int)sizeof(p))
		return true;
	pl = strlen(p);
	for (size_t i = 0; i < t->n_specs; i++) {
		const char *s = t->specs[i].pattern;
		if (strncmp(s, p, pl) == 0 && (s[pl] == '/' || s[pl] == '\0'))
			return true;
	}
	return false;
}

static void drain_inotify(struct cg_containers *t)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(t->in, buf, sizeof(buf));
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)(void *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				t->dirty = true;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				watch_forget(t, ev->wd);
				t->dirty = true;
				continue;
			}
			for (size_t i = 0; i < t->nw; i++) {
				if (t->w[i].wd != ev->wd)
					continue;
				if (t->w[i].kind != W_ANC ||
				    (ev->len && anc_relevant(t, t->w[i].path, ev->name)))
					t->dirty = true;
				break;
			}
		}
	}
}

/* ---- open / close -------------------------------------------------------------------- */

static cg_err_t add_spec(struct cg_containers *t, const char *pat, enum rkind kind, int ctr_idx,
			 struct cg_error *err)
{
	size_t n = strlen(pat);
	char *norm;
	bool glob = false;
	if (n >= 2 && pat[n - 1] == '*' && pat[n - 2] == '/') {
		glob = true;
		n -= 2;
	}
	if (n == 0 || pat[0] != '/' || n >= PATH_MAX)
		return cg_error_set(err, CG_ERR_ARG, "container state root \"%s\": not an absolute path",
				    pat);
	if (!(norm = malloc(n + 2)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	if (!cg_agent_path_normalise(pat, n, norm, n + 2)) {
		free(norm);
		return cg_error_set(err, CG_ERR_ARG, "container state root \"%s\": bad path", pat);
	}
	t->specs[t->n_specs].pattern = norm;
	t->specs[t->n_specs].glob = glob;
	t->specs[t->n_specs].kind = kind;
	t->specs[t->n_specs].ctr_idx = ctr_idx;
	t->n_specs++;
	return CG_OK;
}

cg_err_t cg_containers_open(const struct cg_containers_opts *o, struct cg_containers **out,
			    struct cg_error *err)
{
	struct cg_containers_opts def = { 0 };
	struct cg_containers *t;
	static const char *const def_state = "/run/containerd";
	static const char *const def_root = "/var/lib/containerd";
	size_t nr, ns, nroots;
	cg_err_t rc = CG_OK;

	if (!out)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	*out = NULL;
	if (!o)
		o = &def;
	if (!(t = calloc(1, sizeof(*t))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	t->ep = t->in = -1;
	nr = o->runc_roots ? o->n_runc_roots : CG_ARRAY_LEN(default_runc_roots);
	ns = o->containerd_states ? o->n_containerd_states : 1;
	nroots = o->containerd_roots ? o->n_containerd_roots : 1;
	t->max = o->max_containers ? o->max_containers : CT_DEFAULT_MAX;
	if (!(t->specs = calloc(nr + ns + 1, sizeof(*t->specs))) ||
	    !(t->ctr_roots = calloc(nroots + 1, sizeof(*t->ctr_roots))) ||
	    !(t->proc = strdup(o->proc ? o->proc : "/proc")) ||
	    !(t->docker_root = strdup("/var/lib/docker")))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t i = 0; i < nroots; i++) {
		const char *r = o->containerd_roots ? o->containerd_roots[i] : def_root;
		if (!r || !(t->ctr_roots[i] = strdup(r)))
			CG_FAIL(rc, cg_error_set(err, r ? CG_ERR_NOMEM : CG_ERR_ARG,
						 r ? "out of memory" : "containerd root %zu: NULL", i));
		t->n_ctr_roots++;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *r = o->runc_roots ? o->runc_roots[i] : default_runc_roots[i];
		if (!r)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "runc root %zu: NULL", i));
		if ((rc = add_spec(t, r, R_RUNC, strstr(r, "containerd") && t->n_ctr_roots ? 0 : -1,
				   err)))
			goto done;
	}
	for (size_t i = 0; i < ns; i++) {
		const char *s = o->containerd_states ? o->containerd_states[i] : def_state;
		char *p;
		if (!s)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "containerd state %zu: NULL", i));
		if (!(p = xasprintf("%s/io.containerd.runtime.v2.task/*", s)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		rc = add_spec(t, p, R_TASK, i < t->n_ctr_roots ? (int)i : -1, err);
		free(p);
		if (rc)
			goto done;
	}
	if (o->cgroup2) {
		if (!(t->cgroup2 = strdup(o->cgroup2)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	} else {
		t->cgroup2 = find_cgroup2(t->proc); /* NULL: no cgroup ids (v1 only) */
	}
	t->in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->in < 0 || t->ep < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "inotify/epoll: %s", strerror(errno)));
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		if (epoll_ctl(t->ep, EPOLL_CTL_ADD, t->in, &ev) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "epoll_ctl: %s", strerror(errno)));
	}
	t->dirty = true; /* the first refresh scans everything */
	*out = t;
	t = NULL;
done:
	cg_containers_close(t);
	return rc;
}

static void obs_clear(struct obs *o)
{
	cg_container_clear(&o->c);
	free(o->ns);
	memset(o, 0, sizeof(*o));
}

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	obs_clear(&e->o);
	free(e->path);
	free(e);
}

static void known_free(struct known *k)
{
	if (!k)
		return;
	if (k->pidfd >= 0)
		close(k->pidfd); /* also leaves the epoll set */
	cg_container_clear(&k->c);
	free(k);
}

void cg_containers_close(struct cg_containers *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_specs; i++)
		free(t->specs[i].pattern);
	free(t->specs);
	for (size_t i = 0; i < t->n_ctr_roots; i++)
		free(t->ctr_roots[i]);
	free(t->ctr_roots);
	for (size_t i = 0; i < t->nw; i++)
		free(t->w[i].path);
	free(t->w);
	for (size_t i = 0; i < t->ne; i++)
		entry_free(t->e[i]);
	free(t->e);
	for (size_t i = 0; i < t->nlive; i++)
		known_free(t->live[i]);
	free(t->live);
	free(t->proc);
	free(t->cgroup2);
	free(t->docker_root);
	if (t->in >= 0)
		close(t->in);
	if (t->ep >= 0)
		close(t->ep);
	free(t);
}

int cg_containers_fd(const struct cg_containers *t)
{
	return t ? t->ep : -1;
}

size_t cg_containers_skipped(const struct cg_containers *t)
{
	return t ? t->skipped : 0;
}

cg_err_t cg_containers_set_docker_root(struct cg_containers *t, const char *dir,
				       struct cg_error *err)
{
	char *d;
	if (!t || !dir || dir[0] != '/')
		return cg_error_set(err, CG_ERR_ARG, "docker root: not an absolute path");
	if (!(d = strdup(dir)))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	free(t->docker_root);
	t->docker_root = d;
	return CG_OK;
}

void cg_containers_pid_exited(struct cg_containers *t, pid_t pid)
{
	if (!t || pid <= 0)
		return;
	for (size_t i = 0; i < t->nlive; i++)
		if (t->live[i]->c.init_pid == pid)
			t->live[i]->dead = true;
}

/* ---- scanning --------------------------------------------------------------------------- */

static void sig_of(const char *path, struct sig *s)
{
	struct stat st;
	memset(s, 0, sizeof(*s));
	if (stat(path, &st) == 0) {
		s->ino = st.st_ino;
		s->size = (unsigned long long)st.st_size;
		s->mtime = (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			   (unsigned long long)st.st_mtim.tv_nsec;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp((*(struct entry *const *)a)->path, (*(struct entry *const *)b)->path);
}

static struct entry *entry_find(struct cg_containers *t, const char *path)
{
	size_t lo = 0, hi = t->ne;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->e[mid]->path, path);
		if (c == 0)
			return t->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const char *runtime_of(const struct spec *s, const char *root)
{
	if (s->kind == R_TASK || strstr(root, "/containerd/"))
		return "containerd";
	if (strstr(root, "/docker/") || strstr(root, "/moby"))
		return "docker";
	if (strstr(root, "crio") || strstr(root, "cri-o"))
		return "cri-o";
	if (strstr(root, "/crun"))
		return "crun";
	return "runc";
}

static void skip(struct cg_containers *t, struct entry *e, enum estatus st)
{
	e->status = st;
	if (!e->counted) {
		e->counted = true;
		t->skipped++;
	}
}

/* Read a container folder into e->o (when its files changed). */
static void examine(struct cg_containers *t, const struct spec *s, const char *root,
		    const char *name, struct entry *e)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	struct sig s1, s2;
	struct cg_buf b;
	unsigned long long start;

	if (s->kind == R_RUNC) {
		snprintf(p1, sizeof(p1), "%s/state.json", e->path);
		p2[0] = '\0';
	} else {
		snprintf(p1, sizeof(p1), "%s/init.pid", e->path);
		snprintf(p2, sizeof(p2), "%s/config.json", e->path);
	}
	sig_of(p1, &s1);
	if (p2[0])
		sig_of(p2, &s2);
	else
		memset(&s2, 0, sizeof(s2));
	if (s1.ino == 0 || (p2[0] && s2.ino == 0)) {
		/* not written yet (or gone): look again on the next notification */
		obs_clear(&e->o);
		e->status = E_PENDING;
		memset(e->sig, 0, sizeof(e->sig));
		return;
	}
	if (e->status != E_PENDING && memcmp(&e->sig[0], &s1, sizeof(s1)) == 0 &&
	    memcmp(&e->sig[1], &s2, sizeof(s2)) == 0) {
		/* unchanged: only check that a live one still runs */
		if (e->status == E_LIVE && (!proc_start(t->proc, e->o.c.init_pid, &start) ||
					    start != e->o.start))
			skip(t, e, E_DEAD);
		return;
	}
	obs_clear(&e->o);
	e->sig[0] = s1;
	e->sig[1] = s2;
	e->counted = false;
	e->o.ctr_idx = s->ctr_idx;
	if (s->kind == R_RUNC) {
		if (!read_file(p1, CT_MAX_FILE, &b)) {
			skip(t, e, E_BAD);
			return;
		}
		if (cg_runc_state_parse(b.data, b.len, &e->o.c, &e->o.start, NULL) != CG_OK ||
		    strcmp(e->o.c.id, name) != 0) {
			cg_buf_release(&b);
			obs_clear(&e->o);
			skip(t, e, E_BAD);
			return;
		}
		cg_buf_release(&b);
		if (strcmp(runtime_of(s, root), "containerd") == 0) {
			const char *base = strrchr(root, '/');
			e->o.ns = strdup(base ? base + 1 : root);
		}
	} else {
		char *end;
		long pid;
		if (!read_file(p1, CT_MAX_SMALL, &b)) {
			skip(t, e, E_BAD);
			return;
		}
		bool bad;
		errno = 0;
		pid = strtol(cg_buf_str(&b), &end, 10);
		bad = errno || end == cg_buf_str(&b);
		while (*end == '\n' || *end == ' ')
			end++;
		bad = bad || *end || pid <= 0 || pid > INT32_MAX;
		cg_buf_release(&b);
		if (bad) {
			skip(t, e, E_BAD);
			return;
		}
		e->o.c.init_pid = (pid_t)pid;
		e->o.c.id = strdup(name);
		e->o.c.bundle = strdup(e->path);
		{
			const char *base = strrchr(root, '/');
			e->o.ns = strdup(base ? base + 1 : root);
		}
		if (!read_file(p2, CT_MAX_FILE, &b)) {
			obs_clear(&e->o);
			skip(t, e, E_BAD);
			return;
		}
		if (cg_oci_config_annotations(b.data, b.len, &e->o.c, NULL) != CG_OK) {
			cg_buf_release(&b);
			obs_clear(&e->o);
			skip(t, e, E_BAD);
			return;
		}
		cg_buf_release(&b);
		if (!proc_start(t->proc, e->o.c.init_pid, &e->o.start)) {
			skip(t, e, E_DEAD);
			return;
		}
	}
	if (!e->o.c.runtime)
		e->o.c.runtime = strdup(runtime_of(s, root));
	if (!e->o.c.id || !e->o.c.runtime) {
		obs_clear(&e->o);
		skip(t, e, E_BAD);
		return;
	}
	if (!proc_start(t->proc, e->o.c.init_pid, &start) || start != e->o.start) {
		skip(t, e, E_DEAD); /* exited already, or its pid was reused */
		return;
	}
	e->status = E_LIVE;
}

struct scan {
	struct entry **v;
	size_t n, cap;
};

static void scan_root(struct cg_containers *t, const struct spec *s, const char *root,
		      struct scan *sc)
{
	DIR *d = opendir(root);
	struct dirent *de;
	size_t budget = t->max * 2 + 1024;
	if (!d)
		return;
	watch_add(t, root, W_ROOT);
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct entry *e;
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (budget-- == 0) {
			t->skipped++;
			break;
		}
		if (!id_ok(de->d_name, strlen(de->d_name)) ||
		    snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >= (int)sizeof(path))
			continue;
		if (sc->n == sc->cap) {
			size_t nc = sc->cap ? sc->cap * 2 : 64;
			struct entry **nv = realloc(sc->v, nc * sizeof(*nv));
			if (!nv)
				break;
			sc->v = nv;
			sc->cap = nc;
		}
		e = entry_find(t, path);
		if (e) {
			if (e->seen)
				continue; /* two specs naming one folder */
		} else {
			if (!(e = calloc(1, sizeof(*e))) || !(e->path = strdup(path))) {
				free(e);
				break;
			}
			e->status = E_PENDING;
		}
		if (!e->watched) {
			watch_add(t, path, W_CONT);
			e->watched = true;
		}
		e->seen = true;
		examine(t, s, root, de->d_name, e);
		sc->v[sc->n++] = e;
	}
	closedir(d);
}

static void scan_spec(struct cg_containers *t, const struct spec *s, struct scan *sc)
{
	if (!s->glob) {
		watch_root(t, s->pattern, W_ROOT);
		scan_root(t, s, s->pattern, sc);
		return;
	}
	watch_root(t, s->pattern, W_ROOT);
	{
		DIR *d = opendir(s->pattern);
		struct dirent *de;
		size_t count = 0;
		if (!d)
			return;
		while ((de = readdir(d)) && count < CT_MAX_NS_DIRS) {
			char path[PATH_MAX];
			if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", s->pattern, de->d_name) >=
			    (int)sizeof(path))
				continue;
			count++;
			scan_root(t, s, path, sc);
		}
		closedir(d);
	}
}

/* ---- the live view ------------------------------------------------------------------------ */

static void fill(char **dst, const char *src)
{
	if (!*dst && src)
		*dst = strdup(src);
}

static void merge_into(struct cg_container *dst, const struct cg_container *src)
{
	fill(&dst->name, src->name);
	fill(&dst->bundle, src->bundle);
	fill(&dst->image, src->image);
	fill(&dst->image_digest, src->image_digest);
	fill(&dst->pod, src->pod);
	fill(&dst->namespace, src->namespace);
	fill(&dst->rootfs, src->rootfs);
}

/* Image name and digest from containerd's metadata: v1/<ns>/containers/<id>
 * "image", then v1/<ns>/images/<image>/target "digest". */
static void containerd_image(const char *root, const char *ns, struct cg_container *c)
{
	char path[PATH_MAX];
	int fd;
	if (!root || !ns || !c->id ||
	    snprintf(path, sizeof(path), "%s/io.containerd.metadata.v1.bolt/meta.db", root) >=
		    (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int attempt = 0; attempt < 3; attempt++) {
		struct cg_bbolt *db = NULL;
		struct cg_bbolt_bucket b = { 0 };
		struct cg_bbolt_value v = { 0 };
		char *image = NULL;
		cg_err_t rc;
		const char *cpath[] = { "v1", ns, "containers", c->id, NULL };
		if ((rc = cg_bbolt_open_fd(fd, &db, NULL)))
			goto next;
		if ((rc = cg_bbolt_open_path(db, cpath, &b, NULL, NULL)))
			goto next;
		rc = cg_bbolt_get(db, &b, "image", 5, &v, NULL);
		cg_bbolt_bucket_release(&b);
		if (rc)
			goto next;
		if (!v.bucket && v.len && v.len <= CT_MAX_VALUE && !memchr(v.data, '\0', v.len))
			image = strndup((const char *)v.data, v.len);
		cg_bbolt_value_release(&v);
		if (image) {
			const char *ipath[] = { "v1", ns, "images", image, "target", NULL };
			fill(&c->image, image);
			if ((rc = cg_bbolt_open_path(db, ipath, &b, NULL, NULL)) == CG_OK) {
				if ((rc = cg_bbolt_get(db, &b, "digest", 6, &v, NULL)) == CG_OK) {
					if (!v.bucket && is_digest((const char *)v.data, v.len))
						fill(&c->image_digest, (const char *)v.data);
					cg_bbolt_value_release(&v);
				}
				cg_bbolt_bucket_release(&b);
			}
			free(image);
		}
		rc = CG_OK;
	next:
		cg_bbolt_close(db);
		if (rc != CG_ERR_INVALID)
			break; /* only a torn read is worth another try */
	}
	close(fd);
}

static void docker_image(const char *root, struct cg_container *c)
{
	char path[PATH_MAX];
	struct cg_buf b;
	if (!root || !c->id ||
	    snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, c->id) >=
		    (int)sizeof(path))
		return;
	if (!read_file(path, CT_MAX_FILE, &b))
		return;
	(void)cg_docker_config_parse(b.data, b.len, c, NULL);
	cg_buf_release(&b);
}

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* A new container: copy the observation, find its ids, open its pidfd. */
static struct known *make_known(struct cg_containers *t, const struct obs *o)
{
	struct known *k = calloc(1, sizeof(*k));
	unsigned long long start;
	struct timespec ts;
	if (!k)
		return NULL;
	k->pidfd = -1;
	k->start = o->start;
	k->c.init_pid = o->c.init_pid;
	fill(&k->c.id, o->c.id);
	fill(&k->c.runtime, o->c.runtime);
	merge_into(&k->c, &o->c);
	if (!k->c.id || !k->c.runtime)
		goto fail;
	if (strcmp(k->c.runtime, "containerd") == 0 && (!k->c.image || !k->c.image_digest) &&
	    o->ctr_idx >= 0 && (size_t)o->ctr_idx < t->n_ctr_roots)
		containerd_image(t->ctr_roots[o->ctr_idx], o->ns, &k->c);
	if (strcmp(k->c.runtime, "docker") == 0)
		docker_image(t->docker_root, &k->c);
	if (!k->c.name)
		fill(&k->c.name, k->c.id);
	k->pidfd = pidfd_open_(k->c.init_pid);
	/* the pidfd is ours only if the process is still the one we saw */
	if (!proc_start(t->proc, k->c.init_pid, &start) || start != k->start)
		goto fail;
	if (t->cgroup2 && !cgroup_id(t->proc, t->cgroup2, k->c.init_pid, &k->c.cgid))
		goto fail;
	if (!ns_inode(t->proc, k->c.init_pid, "pid", &k->c.pidns) ||
	    !ns_inode(t->proc, k->c.init_pid, "mnt", &k->c.mntns))
		goto fail;
	clock_gettime(CLOCK_REALTIME, &ts);
	k->c.started = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
	if (k->pidfd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = k };
		if (epoll_ctl(t->ep, EPOLL_CTL_ADD, k->pidfd, &ev) != 0) {
			close(k->pidfd);
			k->pidfd = -1;
		}
	}
	return k;
fail:
	known_free(k);
	return NULL;
}

static cg_err_t rescan(struct cg_containers *t, struct known ***newlive, size_t *nnew)
{
	struct scan sc = { NULL, 0, 0 };
	struct obs **cand = NULL;
	size_t ncand = 0;
	struct known **nl = NULL;
	size_t nn = 0;

	for (size_t i = 0; i < t->n_specs; i++)
		scan_spec(t, &t->specs[i], &sc);
	/* entries not seen any more: their folders are gone */
	for (size_t i = 0; i < t->ne; i++)
		if (!t->e[i]->seen)
			entry_free(t->e[i]);
	for (size_t i = 0; i < sc.n; i++)
		sc.v[i]->seen = false;
	free(t->e);
	t->e = sc.v;
	t->ne = sc.n;
	if (t->ne > 1)
		qsort(t->e, t->ne, sizeof(*t->e), entry_cmp);

	/* live observations, merged by (id, pid): containerd's task folder and
	 * its runc state describe one container */
	cand = calloc(t->ne + 1, sizeof(*cand));
	nl = calloc(t->ne + 1, sizeof(*nl));
	if (!cand || !nl) {
		free(cand);
		free(nl);
		return CG_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->ne; i++) {
		struct entry *e = t->e[i];
		bool merged = false;
		if (e->status != E_LIVE && e->status != E_OVER)
			continue;
		for (size_t j = 0; j < ncand && !merged; j++) {
			struct obs *c = cand[j];
			if (c->c.init_pid != e->o.c.init_pid || strcmp(c->c.id, e->o.c.id) != 0)
				continue;
			merged = true;
			merge_into(&c->c, &e->o.c);
			if (strcmp(e->o.c.runtime, "containerd") == 0 &&
			    strcmp(c->c.runtime, "containerd") != 0) {
				char *r = strdup("containerd");
				if (r) {
					free(c->c.runtime);
					c->c.runtime = r;
				}
			}
			if (c->ctr_idx < 0)
				c->ctr_idx = e->o.ctr_idx;
			if (!c->ns && e->o.ns)
				c->ns = strdup(e->o.ns);
		}
		if (merged)
			continue;
		if (ncand >= t->max) {
			skip(t, e, E_OVER);
			continue;
		}
		if (e->status == E_OVER)
			e->status = E_LIVE;
		cand[ncand++] = &e->o;
	}
	/* compare with the old view */
	for (size_t i = 0; i < t->nlive; i++)
		t->live[i]->mark = false;
	for (size_t j = 0; j < ncand; j++) {
		struct obs *o = cand[j];
		struct known *k = NULL;
		for (size_t i = 0; i < t->nlive && !k; i++) {
			struct known *x = t->live[i];
			if (!x->mark && !x->dead && x->c.init_pid == o->c.init_pid &&
			    x->start == o->start && strcmp(x->c.id, o->c.id) == 0)
				k = x;
		}
		if (k) {
			k->mark = true;
			merge_into(&k->c, &o->c);
			nl[nn++] = k;
		} else if ((k = make_known(t, o))) {
			k->mark = true;
			nl[nn++] = k;
		} else {
			t->skipped++; /* vanished while we looked */
		}
	}
	free(cand);
	*newlive = nl;
	*nnew = nn;
	return CG_OK;
}

static int known_is_new(struct known *k, struct known **old, size_t nold)
{
	for (size_t i = 0; i < nold; i++)
		if (old[i] == k)
			return 0;
	return 1;
}

cg_err_t cg_containers_refresh(struct cg_containers *t, cg_containers_cb cb, void *arg,
			       struct cg_error *err)
{
	struct epoll_event evs[64];
	struct known **nl = NULL;
	size_t nn = 0;
	int n;

	if (!t)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	/* what the descriptors say */
	while ((n = epoll_wait(t->ep, evs, (int)CG_ARRAY_LEN(evs), 0)) > 0) {
		bool more = n == (int)CG_ARRAY_LEN(evs);
		for (int i = 0; i < n; i++) {
			struct known *k = evs[i].data.ptr;
			if (!k) {
				drain_inotify(t);
				continue;
			}
			k->dead = true;
			/* leave the set now, or it stays readable */
			epoll_ctl(t->ep, EPOLL_CTL_DEL, k->pidfd, NULL);
			close(k->pidfd);
			k->pidfd = -1;
		}
		if (!more)
			break;
	}
	/* containers without a pidfd: look at /proc */
	for (size_t i = 0; i < t->nlive; i++) {
		struct known *k = t->live[i];
		unsigned long long start;
		if (k->pidfd < 0 && !k->dead &&
		    (!proc_start(t->proc, k->c.init_pid, &start) || start != k->start))
			k->dead = true;
	}
	if (t->dirty) {
		t->dirty = false;
		if (rescan(t, &nl, &nn) != CG_OK)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	} else {
		bool any = false;
		for (size_t i = 0; i < t->nlive && !any; i++)
			any = t->live[i]->dead;
		if (!any)
			return CG_OK;
		if (!(nl = calloc(t->nlive + 1, sizeof(*nl))))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < t->nlive; i++) {
			t->live[i]->mark = !t->live[i]->dead;
			if (t->live[i]->mark)
				nl[nn++] = t->live[i];
		}
	}
	/* a dead container's entry must not come back on the next rescan */
	for (size_t i = 0; i < t->nlive; i++) {
		struct known *k = t->live[i];
		if (!k->dead)
			continue;
		for (size_t j = 0; j < t->ne; j++)
			if (t->e[j]->status == E_LIVE && t->e[j]->o.c.init_pid == k->c.init_pid &&
			    t->e[j]->o.start == k->start)
				t->e[j]->status = E_DEAD, t->e[j]->counted = true;
	}
	/* stops, then starts */
	for (size_t i = 0; i < t->nlive; i++)
		if (!t->live[i]->mark && cb)
			cb(CG_CONTAINER_STOPPED, &t->live[i]->c, arg);
	for (size_t i = 0; i < nn; i++)
		if (known_is_new(nl[i], t->live, t->nlive) && cb)
			cb(CG_CONTAINER_STARTED, &nl[i]->c, arg);
	for (size_t i = 0; i < t->nlive; i++)
		if (!t->live[i]->mark)
			known_free(t->live[i]);
	free(t->live);
	t->live = nl;
	t->nlive = nn;
	return CG_OK;
}

/* ---- lookups ---------------------------------------------------------------------------------- */

const struct cg_container *cg_containers_by_cgid(struct cg_containers *t, unsigned long long cgid)
{
	for (size_t i = 0; t && cgid && i < t->nlive; i++)
		if (t->live[i]->c.cgid == cgid)
			return &t->live[i]->c;
	return NULL;
}

const struct cg_container *cg_containers_by_pidns(struct cg_containers *t, unsigned int pidns)
{
	for (size_t i = 0; t && pidns && i < t->nlive; i++)
		if (t->live[i]->c.pidns == pidns)
			return &t->live[i]->c;
	return NULL;
}

const struct cg_container *cg_containers_by_id(struct cg_containers *t, const char *id)
{
	for (size_t i = 0; t && id && i < t->nlive; i++)
		if (strcmp(t->live[i]->c.id, id) == 0)
			return &t->live[i]->c;
	return NULL;
}

const struct cg_container *cg_containers_at(struct cg_containers *t, size_t i)
{
	return t && i < t->nlive ? &t->live[i]->c : NULL;
}
