/* dir:ROOTFS — a plain root filesystem folder read as one layer. The walk
 * never follows symlinks (every open is O_NOFOLLOW, relative to its parent
 * folder's descriptor), stays on the root's filesystem (like find -xdev: a
 * live root's /proc and /sys are not read), and is bounded in depth. */
#include "util/internal.h"
#include "image/layer.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 256

struct rwalk {
	const struct cg_image_limits *lim;
	uint64_t *entries_left;
	const struct cg_layer_visitor *v;
	struct cg_layer_stats *st;
	struct cg_error *err;
	dev_t dev;
	char *path; /* current path, normalised, with room for max_path */
	size_t len;
};

static cg_err_t feed_content(struct rwalk *w, int dfd, const char *name, uint64_t size)
{
	char buf[65536];
	uint64_t left = size;
	cg_err_t rc = CG_OK;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%.300s: cannot read: %s", w->path, strerror(errno));
		if (w->v->warn)
			w->v->warn(w->v->ud, msg);
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
		w->st->uncompressed_bytes += (uint64_t)n;
		if (w->v->more && !w->v->more(w->v->ud))
			break;
	}
	close(fd);
	return rc ? rc : w->v->end(w->v->ud, w->err);
}

static cg_err_t walk_dir(struct rwalk *w, int dfd, int depth)
{
	DIR *d;
	struct dirent *de;
	cg_err_t rc = CG_OK;

	if (depth > MAX_DEPTH)
		return cg_error_set(w->err, CG_ERR_LIMIT, "%s: folders nested deeper than %d", w->path,
				    MAX_DEPTH);
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cg_error_set(w->err, CG_ERR_IO, "%s: %s", w->path, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct cg_entry e = { 0 };
		struct stat st;
		size_t nl = strlen(de->d_name), saved = w->len;
		char link[4097];
		int want;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (st.st_dev != w->dev)
			continue;
		if (w->len + 1 + nl > w->lim->max_path) {
			w->st->skipped++;
			continue;
		}
		if (__atomic_fetch_sub(w->entries_left, 1, __ATOMIC_RELAXED) == 0) {
			__atomic_fetch_add(w->entries_left, 1, __ATOMIC_RELAXED);
			CG_FAIL(rc, cg_error_set(w->err, CG_ERR_LIMIT,
						 "more than max_entries (%llu) files",
						 (unsigned long long)w->lim->max_entries));
		}
		w->st->entries++;
		w->path[w->len++] = '/';
		memcpy(w->path + w->len, de->d_name, nl + 1);
		w->len += nl;
		e.path = w->path;
		e.path_len = w->len;
		e.mode = st.st_mode & 07777;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		if (S_ISREG(st.st_mode)) {
			e.type = CG_ENTRY_REG;
			e.size = (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			e.type = CG_ENTRY_DIR;
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t ll = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
			e.type = CG_ENTRY_SYMLINK;
			link[ll > 0 ? ll : 0] = '\0';
			e.link = link;
		} else {
			e.type = CG_ENTRY_OTHER;
		}
		want = w->v->entry(w->v->ud, &e, w->err);
		if (want < 0)
			CG_FAIL(rc, (cg_err_t)-want);
		if (want > 0 && e.type == CG_ENTRY_REG) {
			rc = feed_content(w, dirfd(d), de->d_name, e.size);
			if (rc)
				goto done;
		} else if (e.type == CG_ENTRY_DIR) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				rc = walk_dir(w, sub, depth + 1);
				if (rc)
					goto done;
			}
		}
		w->len = saved;
		w->path[w->len] = '\0';
	}
done:
	closedir(d);
	return rc;
}

cg_err_t cg_rootfs_walk(const char *root, const struct cg_image_limits *lim,
			uint64_t *entries_left, const struct cg_layer_visitor *v,
			struct cg_layer_stats *st, struct cg_error *err)
{
	struct rwalk w = { lim, entries_left, v, st, err, 0, NULL, 0 };
	struct stat sb;
	int fd;
	cg_err_t rc;
	memset(st, 0, sizeof(*st));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_error_set(err, CG_ERR_NOTFOUND, "%s: %s", root, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return cg_error_set(err, CG_ERR_IO, "%s: %s", root, strerror(errno));
	}
	w.dev = sb.st_dev;
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
