/* Baseline checks on the final file tree (IMG-06): setuid/setgid files beyond
 * the ones distributions ship, world-writable files and folders, an installed
 * sshd, package-manager caches left behind. (Account and access files are
 * read as they stream past: lib/scan/baseline.c; the config's items:
 * lib/scan/config.c.) */
#include "util/internal.h"
#include "image/image_int.h"
#include "scan/scanner.h"

#define LISTED_MAX 20 /* files named per rule; the rest counted in one more finding */

/* setuid/setgid programs the distributions install (Debian, Ubuntu, Alpine,
 * RHEL family), under /usr (merged /usr: /bin and /sbin are the same). */
static const char *const suid_ok[] = {
	"bin/passwd", "bin/chsh", "bin/chfn", "bin/gpasswd", "bin/newgrp", "bin/su",
	"bin/mount", "bin/umount", "bin/sudo", "bin/sudoedit", "bin/chage", "bin/expiry",
	"bin/crontab", "bin/wall", "bin/write", "bin/bsd-write", "bin/ssh-agent", "bin/at",
	"bin/pkexec", "bin/fusermount", "bin/fusermount3", "bin/newuidmap", "bin/newgidmap",
	"bin/ping", "bin/ping6", "bin/traceroute6.iputils", "bin/dotlockfile", "bin/Xorg.wrap",
	"bin/staprun", "bin/locate", "bin/mlocate", "bin/plocate", "bin/screen",
	"sbin/unix_chkpwd", "sbin/pam_extrausers_chkpwd", "sbin/pam_timestamp_check",
	"sbin/userhelper", "sbin/usernetctl", "sbin/mount.nfs", "sbin/exim4", "sbin/postdrop",
	"sbin/postqueue", "sbin/mount.cifs", "sbin/grub2-set-bootflag",
	"lib/dbus-1.0/dbus-daemon-launch-helper", "libexec/dbus-1/dbus-daemon-launch-helper",
	"lib/openssh/ssh-keysign", "libexec/openssh/ssh-keysign",
	"lib/policykit-1/polkit-agent-helper-1", "lib/polkit-1/polkit-agent-helper-1",
	"libexec/polkit-agent-helper-1", "libexec/utempter/utempter",
	"lib/x86_64-linux-gnu/utempter/utempter", "lib/aarch64-linux-gnu/utempter/utempter",
	"lib/eject/dmcrypt-get-device", "lib/xorg/Xorg.wrap",
};

/* Programs that give a shell (or arbitrary file access) to whoever runs them:
 * a setuid copy of one is a backdoor. */
static const char *const shells[] = {
	"sh", "bash", "dash", "zsh", "ash", "ksh", "csh", "tcsh", "busybox", "python",
	"python2", "python3", "perl", "ruby", "php", "node", "lua", "vi", "vim", "find", "env",
	"awk", "gawk", "nmap", "less", "more", "cp", "tar", "nice", "socat", "nc",
};

struct walk {
	const struct cg_content_sink *sink;
	size_t suid, ww_file, ww_dir;
	bool sshd;
	size_t apt_debs, apt_lists, apk, rpmcache;
	uint64_t cache_bytes;
	cg_err_t rc;
};

static void report(struct walk *w, const char *rule, enum cg_threat_level level,
		   const char *title, const char *path, int layer, const char *advice)
{
	struct cg_content_finding f = { 0 };
	if (w->rc)
		return;
	f.kind = CG_CONTENT_BASELINE;
	f.rule = rule;
	f.type = "filesystem";
	f.level = level;
	f.title = title;
	f.path = path;
	f.layer = layer;
	f.advice = advice;
	w->rc = w->sink->add(w->sink->ud, &f);
}

static bool suid_allowed(const char *path)
{
	const char *rel = !strncmp(path, "/usr/", 5) ? path + 5 : path + 1;
	for (size_t i = 0; i < CG_ARRAY_LEN(suid_ok); i++)
		if (!strcmp(rel, suid_ok[i]))
			return true;
	return false;
}

static bool is_shell(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	for (size_t i = 0; i < CG_ARRAY_LEN(shells); i++) {
		size_t n = strlen(shells[i]);
		/* "python3.11", "bash5" count too */
		if (!strncmp(b, shells[i], n) &&
		    (!b[n] || (b[n] >= '0' && b[n] <= '9') || b[n] == '.'))
			return true;
	}
	return false;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1];
}

static int visit(struct cg_fsnode *n, void *ud)
{
	struct walk *w = ud;
	char path[4096], title[4200];

	if (w->rc)
		return 1;
	if (n->type != CG_ENTRY_REG && n->type != CG_ENTRY_DIR)
		return 0;
	if (!cg_fstree_path(n, path, sizeof(path)))
		return 0;
	if (n->type == CG_ENTRY_REG && (n->mode & 06000) && !suid_allowed(path)) {
		bool sh = is_shell(path);
		if (w->suid++ < LISTED_MAX) {
			snprintf(title, sizeof(title), "%s%s file %s",
				 sh ? "a shell or file tool with " : "",
				 (n->mode & 04000) ? "setuid" : "setgid", path);
			report(w, sh ? "baseline-setuid-shell" : "baseline-setuid", sh ? CG_THREAT_CRITICAL
								   : CG_THREAT_MEDIUM,
			       title, path, n->layer,
			       sh ? "remove it: anyone can run it to become its owner (root)"
				  : "remove the setuid/setgid bit unless the program needs it "
				    "(chmod u-s,g-s); CIS Docker 4.8");
		}
	}
	if ((n->mode & 0002) && !(n->type == CG_ENTRY_DIR && (n->mode & 01000))) {
		bool dir = n->type == CG_ENTRY_DIR;
		size_t *count = dir ? &w->ww_dir : &w->ww_file;
		if ((*count)++ < LISTED_MAX) {
			snprintf(title, sizeof(title), "world-writable %s %s",
				 dir ? "folder (no sticky bit)" : "file", path);
			report(w, dir ? "baseline-world-writable-dir" : "baseline-world-writable-file",
			       CG_THREAT_MEDIUM, title, path, n->layer,
			       "remove write access for others (chmod o-w), or set the sticky bit "
			       "on shared folders");
		}
	}
	if (n->type != CG_ENTRY_REG)
		return 0;
	if (!strcmp(path, "/usr/sbin/sshd") || !strcmp(path, "/sbin/sshd"))
		w->sshd = true;
	if (under(path, "/var/cache/apt/archives") && n->size &&
	    strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".deb")) {
		w->apt_debs++;
		w->cache_bytes += n->size;
	} else if (under(path, "/var/lib/apt/lists") && !under(path, "/var/lib/apt/lists/partial") &&
		   strcmp(path, "/var/lib/apt/lists/lock") && n->size) {
		w->apt_lists++;
		w->cache_bytes += n->size;
	} else if (under(path, "/var/cache/apk") && n->size) {
		w->apk++;
		w->cache_bytes += n->size;
	} else if ((under(path, "/var/cache/yum") || under(path, "/var/cache/dnf")) && n->size) {
		w->rpmcache++;
		w->cache_bytes += n->size;
	}
	return 0;
}

cg_err_t cg_baseline_tree_(struct cg_inventory *inv, const struct cg_content_sink *sink,
			   struct cg_error *err)
{
	struct walk w = { 0 };
	char title[256];

	w.sink = sink;
	cg_fstree_walk(&inv->tree, visit, &w);
	if (!w.rc && w.suid > LISTED_MAX) {
		snprintf(title, sizeof(title), "%zu more setuid/setgid files", w.suid - LISTED_MAX);
		report(&w, "baseline-setuid", CG_THREAT_MEDIUM, title, NULL, -1,
		       "remove setuid/setgid bits the programs do not need");
	}
	if (!w.rc && w.ww_file + w.ww_dir > 2 * LISTED_MAX) {
		snprintf(title, sizeof(title), "%zu world-writable files and folders in all",
			 w.ww_file + w.ww_dir);
		report(&w, "baseline-world-writable-file", CG_THREAT_MEDIUM, title, NULL, -1,
		       "remove write access for others (chmod o-w)");
	}
	if (!w.rc && w.sshd)
		report(&w, "baseline-sshd-installed", CG_THREAT_MEDIUM,
		       "an SSH server is installed (/usr/sbin/sshd)", "/usr/sbin/sshd", -1,
		       "do not run sshd in containers; use the runtime's exec (CIS Docker 4.3: only "
		       "needed packages)");
	if (!w.rc && (w.apt_debs || w.apt_lists || w.apk || w.rpmcache)) {
		snprintf(title, sizeof(title),
			 "package-manager caches left in the image: %zu files, %llu KiB",
			 w.apt_debs + w.apt_lists + w.apk + w.rpmcache,
			 (unsigned long long)(w.cache_bytes >> 10));
		report(&w, "baseline-package-cache", CG_THREAT_LOW, title, NULL, -1,
		       "clean in the same RUN step: apt-get clean && rm -rf /var/lib/apt/lists/*, "
		       "apk add --no-cache, dnf clean all");
	}
	if (w.rc)
		return cg_error_set(err, w.rc, "baseline: %s", cg_strerror(w.rc));
	return CG_OK;
}
