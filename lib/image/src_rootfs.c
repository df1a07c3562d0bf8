/* Folders read as layers: dir:ROOTFS (a plain root filesystem) and the
 * unpacked layers of containers-storage (overlay diff folders, whose
 * whiteouts are character devices 0/0 and opaque folders an xattr). The walk
 * never follows symlinks (every open is O_NOFOLLOW, relative to its parent
 * folder's descriptor), stays on the filesystem it starts on (like find
 * -xdev: a live root's /proc and /sys are not read), and is bounded in depth,
 * path length, entries and bytes. */
#include "util/internal.h"
#include "image/layer.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_DEPTH 256 /* folders */


struct dwalk {
	const struct cg_image_limits *lim;
	uint64_t *entries_left;
	const struct cg_layer_visitor *v;
	struct cg_layer_stats *st;
	struct cg_error *err;
	bool overlay; /* whiteouts and opaque folders as overlayfs writes them */
	dev_t dev;
	char *path; /* "/a/b", with room for max_path */
	size_t len;
};

static void dwarn(struct dwalk *w, const char *what)
{
	char msg[512];
	w->st->skipped++;
	snprintf(msg, sizeof(msg), "%.300s: %s", w->path[0] ? w->path : "/", what);
	if (w->v->warn)
		w->v->warn(w->v->ud, msg);
}

static cg_err_t feed(struct dwalk *w, int dfd, const char *name, uint64_t size)
{
	char buf[65536];
	uint64_t left = size;
	cg_err_t rc = CG_OK;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		dwarn(w, strerror(errno));
		return w->v->end(w->v->ud, w->err);
	}
	while (left) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the file shrank: keep what was read */
		rc = w->v->data(w->v->ud, buf, (size_t)n, w->err);
		if (rc)
			break;
		left -= (uint64_t)n;
		if (w->v->more && !w->v->more(w->v->ud))
			break; /* nobody needs the rest of this file */
	}
	close(fd);
	return rc ? rc : w->v->end(w->v->ud, w->err);
}

static bool is_opaque(int fd)
{
	static const char *const names[] = { "trusted.overlay.opaque", "user.overlay.opaque" };
	for (size_t i = 0; i < CG_ARRAY_LEN(names); i++) {
		char v[4];
		ssize_t n = fgetxattr(fd, names[i], v, sizeof(v));
		if (n == 1 && v[0] == 'y')
			return true;
	}
	return false;
}

static cg_err_t emit(struct dwalk *w, struct cg_entry *e, int *want)
{
	*want = w->v->entry(w->v->ud, e, w->err);
	return *want < 0 ? (cg_err_t)-*want : CG_OK;
}

static cg_err_t take_entry(struct dwalk *w)
{
	if (__atomic_fetch_sub(w->entries_left, 1, __ATOMIC_RELAXED) == 0) {
		__atomic_fetch_add(w->entries_left, 1, __ATOMIC_RELAXED);
		return cg_error_set(w->err, CG_ERR_LIMIT, "more than max_entries (%llu) files",
				    (unsigned long long)w->lim->max_entries);
	}
	w->st->entries++;
	return CG_OK;
}

static cg_err_t walk_dir(struct dwalk *w, int dfd, int depth)
{
	DIR *d;
	struct dirent *de;
	cg_err_t rc = CG_OK;

	if (depth > MAX_DEPTH) {
		close(dfd);
		return cg_error_set(w->err, CG_ERR_LIMIT, "%s: folders nested deeper than %d", w->path,
				    MAX_DEPTH);
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cg_error_set(w->err, CG_ERR_IO, "%s: %s", w->path, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct cg_entry e = { 0 };
		struct stat st;
		size_t nl = strlen(de->d_name), saved = w->len;
		const char *name = de->d_name;
		char link[4097];
		int want = 0, sub = -1;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != w->dev)
			continue;
		if (w->len + 1 + nl > w->lim->max_path) {
			dwarn(w, "a name under this folder makes the path longer than max_path");
			continue;
		}
		rc = take_entry(w);
		if (rc)
			goto done;
		w->path[w->len++] = '/';
		memcpy(w->path + w->len, name, nl + 1);
		w->len += nl;
		e.path = w->path;
		e.path_len = w->len;
		e.mode = st.st_mode & 07777;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		if (w->overlay && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
			e.type = CG_ENTRY_WHITEOUT;
		} else if (w->overlay && S_ISREG(st.st_mode) && !strcmp(name, ".wh..wh..opq")) {
			e.type = CG_ENTRY_OPAQUE; /* AUFS style: the folder ("" the root) is opaque */
			e.path_len = saved;
			w->path[saved] = '\0';
		} else if (w->overlay && S_ISREG(st.st_mode) && !strncmp(name, ".wh.", 4) &&
			   strcmp(name, ".wh.") && strcmp(name, ".wh..") && strcmp(name, ".wh...")) {
			e.type = CG_ENTRY_WHITEOUT; /* AUFS style: ".wh.NAME" removes NAME */
			memmove(w->path + saved + 1, w->path + saved + 5, nl - 3);
			w->len -= 4;
			e.path_len = w->len;
		} else if (S_ISREG(st.st_mode)) {
			e.type = CG_ENTRY_REG;
			e.size = (uint64_t)st.st_size;
			w->st->uncompressed_bytes += e.size;
			if (w->st->uncompressed_bytes > w->lim->max_layer_bytes)
				CG_FAIL(rc, cg_error_set(w->err, CG_ERR_LIMIT, "layer is larger than "
							 "max_layer_bytes (%llu)",
							 (unsigned long long)w->lim->max_layer_bytes));
		} else if (S_ISDIR(st.st_mode)) {
			e.type = CG_ENTRY_DIR;
			sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				dwarn(w, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t ll = readlinkat(dirfd(d), name, link, sizeof(link) - 1);
			e.type = CG_ENTRY_SYMLINK;
			link[ll > 0 ? ll : 0] = '\0';
			e.link = link;
		} else {
			e.type = CG_ENTRY_OTHER;
		}
		rc = emit(w, &e, &want);
		if (!rc && w->overlay && sub >= 0 && is_opaque(sub)) {
			struct cg_entry o = e;
			o.type = CG_ENTRY_OPAQUE;
			rc = take_entry(w);
			if (!rc)
				rc = emit(w, &o, &want);
			want = 0;
		}
		if (!rc && want > 0 && e.type == CG_ENTRY_REG)
			rc = feed(w, dirfd(d), name, e.size);
		if (!rc && sub >= 0) {
			rc = walk_dir(w, sub, depth + 1);
			sub = -1;
		}
		if (sub >= 0)
			close(sub);
		if (rc)
			goto done;
		w->len = saved;
		w->path[w->len] = '\0';
	}
done:
	closedir(d);
	return rc;
}

cg_err_t cg_dir_walk(int fd, const struct stat *sb, bool overlay,
		    const struct cg_image_limits *lim, uint64_t *entries_left,
		    const struct cg_layer_visitor *v, struct cg_layer_stats *st,
		    struct cg_error *err)
{
	struct dwalk w = { lim, entries_left, v, st, err, overlay, sb->st_dev, NULL, 0 };
	cg_err_t rc;
	w.path = malloc(lim->max_path + 2);
	if (!w.path) {
		close(fd);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	w.path[0] = '\0';
	rc = walk_dir(&w, fd, 0);
	free(w.path);
	return rc;
}

cg_err_t cg_rootfs_walk(const char *root, const struct cg_image_limits *lim,
			uint64_t *entries_left, const struct cg_layer_visitor *v,
			struct cg_layer_stats *st, struct cg_error *err)
{
	struct stat sb;
	int fd;
	memset(st, 0, sizeof(*st));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_error_set(err, CG_ERR_NOTFOUND, "%s: %s", root, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return cg_error_set(err, CG_ERR_IO, "%s: %s", root, strerror(errno));
	}
	return cg_dir_walk(fd, &sb, false, lim, entries_left, v, st, err);
}
