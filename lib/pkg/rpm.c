/* RPM packages: the rpm database (SQLite, Berkeley DB or NDB; read by
 * lib/pkg/rpmdb*.c) under /var/lib/rpm or /usr/lib/sysimage/rpm. */
#include "util/internal.h"
#include "pkg/collector.h"
#include <cguard/rpmdb.h>

#define RPMDB_FILE_MAX ((size_t)512 << 20)

static const char *const db_files[] = {
	/* in order of preference when a folder holds more than one */
	"rpmdb.sqlite", "Packages.db", "Packages",
};
static const char *const db_dirs[] = { "/var/lib/rpm/", "/usr/lib/sysimage/rpm/" };

static int db_rank(const char *path, size_t len)
{
	for (size_t d = 0; d < CG_ARRAY_LEN(db_dirs); d++) {
		size_t dl = strlen(db_dirs[d]);
		if (len <= dl || memcmp(path, db_dirs[d], dl))
			continue;
		for (size_t f = 0; f < CG_ARRAY_LEN(db_files); f++)
			if (len - dl == strlen(db_files[f]) && !memcmp(path + dl, db_files[f], len - dl))
				return (int)f;
	}
	return -1;
}

static bool rpm_match(const char *path, size_t len)
{
	return db_rank(path, len) >= 0;
}

struct rpm_ctx {
	const struct cg_pkg_file *file;
	const struct cg_pkg_sink *sink;
};

/* "bash-5.1.8-1.cm2.src.rpm" -> name "bash", version "5.1.8-1.cm2". */
static bool split_srpm(const char *srpm, char *name, char *ver, size_t cap)
{
	size_t n = strlen(srpm);
	const char *r, *v;
	if (n > 8 && !strcmp(srpm + n - 8, ".src.rpm"))
		n -= 8;
	else if (n > 10 && !strcmp(srpm + n - 10, ".nosrc.rpm"))
		n -= 10;
	else
		return false;
	if (n >= cap)
		return false;
	memcpy(name, srpm, n);
	name[n] = '\0';
	r = strrchr(name, '-');
	if (!r || r == name)
		return false;
	name[r - name] = '\0';
	v = strrchr(name, '-');
	if (!v || v == name)
		return false;
	snprintf(ver, cap, "%s-%s", v + 1, r + 1);
	name[v - name] = '\0';
	return true;
}

static cg_err_t on_pkg(const struct cg_rpmdb_pkg *p, void *ud)
{
	struct rpm_ctx *c = ud;
	struct cg_pkg pkg = { 0 };
	char version[1024], epoch[16], sname[512], sver[512];
	if (!p->version || !p->release || !p->arch)
		return CG_OK; /* gpg-pubkey pseudo-packages have no arch */
	snprintf(version, sizeof(version), "%s-%s", p->version, p->release);
	pkg.type = "rpm";
	pkg.name = p->name;
	pkg.version = version;
	if (p->has_epoch) {
		snprintf(epoch, sizeof(epoch), "%u", p->epoch);
		pkg.epoch = epoch;
	}
	if (p->sourcerpm && split_srpm(p->sourcerpm, sname, sver, sizeof(sname))) {
		pkg.src_name = sname;
		pkg.src_version = sver;
	}
	pkg.arch = p->arch;
	pkg.license = p->license;
	pkg.vendor = p->vendor;
	pkg.modularity = p->modularitylabel;
	pkg.path = c->file->path;
	pkg.layer = c->file->layer;
	pkg.flags = CG_PKG_OS;
	if (p->files_status != CG_RPMDB_FILES_OK && c->sink->warn)
		c->sink->warn(c->sink->ud, c->file->path, "a package's file list could not be read");
	return c->sink->add(c->sink->ud, &pkg, p->paths, p->paths ? p->nfiles : 0);
}

static cg_err_t rpm_collect(const struct cg_pkg_file *files, size_t nfiles,
			    const struct cg_pkg_sink *sink, struct cg_error *err)
{
	struct cg_rpmdb_options opt = { .flags = CG_RPMDB_WANT_PATHS };
	const struct cg_pkg_file *best = NULL;
	int best_rank = 99;
	/* one database per image: the preferred format of the first folder found */
	for (size_t i = 0; i < nfiles; i++) {
		int r = db_rank(files[i].path, strlen(files[i].path));
		if (r >= 0 && r < best_rank) {
			best = &files[i];
			best_rank = r;
		}
	}
	if (best) {
		struct rpm_ctx c = { best, sink };
		struct cg_rpmdb_stats st;
		struct cg_error e;
		cg_err_t rc = cg_rpmdb_read(best->data, best->len, &opt, on_pkg, &c, &st, &e);
		if (rc == CG_ERR_NOMEM)
			return cg_error_set(err, rc, "%s: out of memory", best->path);
		if (rc && sink->warn) {
			char msg[CG_ERROR_MSG_MAX + 64];
			snprintf(msg, sizeof(msg), "rpm database not fully read: %s", cg_error_message(&e));
			sink->warn(sink->ud, best->path, msg);
		} else if (st.skipped && sink->warn) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%zu rpm header(s) skipped: %s", st.skipped, st.first_skip);
			sink->warn(sink->ud, best->path, msg);
		}
	}
	return CG_OK;
}

const struct cg_pkg_collector cg_collector_rpm = {
	.name = "rpm",
	.match = rpm_match,
	.max_size = RPMDB_FILE_MAX,
	.collect = rpm_collect,
};
