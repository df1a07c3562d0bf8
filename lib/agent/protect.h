/* File protection (RUN-04, RUN-10, POL-01): protected paths become read-only
 * bind mounts inside the container's own mount namespace, so the kernel refuses
 * writes (EROFS), renames and unlinks (EBUSY) while reads work. fanotify cannot
 * do this here: its permission events do not say whether an open is for writing. */
#ifndef CG_AGENT_PROTECT_H
#define CG_AGENT_PROTECT_H

#include <sys/types.h>
#include "agent/agent_int.h"

/* Make each of paths[0..n) (absolute, as the container sees them) read-only in
 * the mount namespace of pid. results[i] receives 0 or the errno of path i
 * (ENOENT: no such path in the container; ELOOP: a symlink, refused). Paths that
 * are already read-only mount points are left alone (results 0). Returns an
 * error only when the namespace cannot be entered at all. */
cg_err_t cg_protect_paths(pid_t pid, char *const *paths, size_t n, int *results,
			  struct cg_error *err);

#endif
