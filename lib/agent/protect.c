/* Read-only bind mounts inside a container's mount namespace (see protect.h).
 *
 * A forked child (single-threaded, as setns(CLONE_NEWNS) requires) enters the
 * container's mount namespace; its root and working folder become that
 * namespace's root, which is the container's root after runc's pivot_root, so
 * the paths are the container's own. For each path: refuse symlinks (the
 * container controls them), bind-mount the path onto itself, remount it
 * read-only keeping the flags of the mount it lives on. The child only makes
 * async-signal-safe calls and reports one errno per path through a pipe. */
#include "util/internal.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/protect.h"

#define PROTECT_MAX_PATHS 4096

static int protect_one(const char *path)
{
	struct stat st;
	struct statvfs sv;
	unsigned long keep = 0;
	if (lstat(path, &st) != 0)
		return errno;
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	if (statvfs(path, &sv) == 0) {
		if (sv.f_flag & ST_NOSUID)
			keep |= MS_NOSUID;
		if (sv.f_flag & ST_NODEV)
			keep |= MS_NODEV;
		if (sv.f_flag & ST_NOEXEC)
			keep |= MS_NOEXEC;
		if (sv.f_flag & ST_RDONLY) {
			/* Already read-only: a mount of its own (ours from an earlier
			 * run, or the runtime's readonlyPaths) or a read-only fs. */
			return 0;
		}
	}
	if (mount(path, path, NULL, MS_BIND, NULL) != 0)
		return errno;
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) != 0) {
		int e = errno;
		umount2(path, MNT_DETACH);
		return e;
	}
	return 0;
}

cg_err_t cg_protect_paths(pid_t pid, char *const *paths, size_t n, int *results,
			  struct cg_error *err)
{
	char nspath[64];
	int nsfd, pfd[2];
	pid_t child;
	int status = 0;
	size_t got = 0;

	if (pid <= 0 || n > PROTECT_MAX_PATHS || (n && (!paths || !results)))
		return cg_error_set(err, CG_ERR_ARG, "protect: bad arguments");
	for (size_t i = 0; i < n; i++)
		results[i] = 0;
	if (n == 0)
		return CG_OK;
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/mnt", (int)pid);
	nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return cg_error_set(err, CG_ERR_IO, "protect: %s: %s", nspath, strerror(errno));
	{
		/* Never make host mounts: the container must have a mount namespace
		 * of its own. */
		struct stat a, b;
		if (fstat(nsfd, &a) != 0 || stat("/proc/self/ns/mnt", &b) != 0 ||
		    a.st_ino == b.st_ino) {
			close(nsfd);
			return cg_error_set(err, CG_ERR_DENIED,
					    "protect: pid %d shares the agent's mount namespace",
					    (int)pid);
		}
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		int e = errno;
		close(nsfd);
		return cg_error_set(err, CG_ERR_IO, "protect: pipe: %s", strerror(e));
	}
	child = fork();
	if (child < 0) {
		int e = errno;
		close(nsfd);
		close(pfd[0]);
		close(pfd[1]);
		return cg_error_set(err, CG_ERR_IO, "protect: fork: %s", strerror(e));
	}
	if (child == 0) {
		close(pfd[0]);
		if (setns(nsfd, CLONE_NEWNS) != 0) {
			int e = errno;
			for (size_t i = 0; i < n; i++)
				if (write(pfd[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
					break;
			_exit(1); /* the forked helper ends: never back into the caller's code */
		}
		for (size_t i = 0; i < n; i++) {
			int e = paths[i] && paths[i][0] == '/' ? protect_one(paths[i]) : EINVAL;
			if (write(pfd[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
				_exit(1); /* the forked helper ends (its parent stopped reading) */
		}
		_exit(0); /* the forked helper ends: never back into the caller's code */
	}
	close(nsfd);
	close(pfd[1]);
	while (got < n) {
		ssize_t r = read(pfd[0], &results[got], sizeof(int));
		if (r == (ssize_t)sizeof(int))
			got++;
		else if (r < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	close(pfd[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (got < n) {
		for (size_t i = got; i < n; i++)
			results[i] = EIO;
		return cg_error_set(err, CG_ERR_IO, "protect: the helper process of pid %d failed",
				    (int)pid);
	}
	return CG_OK;
}
