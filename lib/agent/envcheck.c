/* RUN-05: container environment checks of an OCI runtime config (config.json)
 * and, when the container runs, of its init process in /proc.
 *
 * Rules (ids of rules/runtime/, which hold severity and category):
 *   env.privileged          every capability the host can grant (config's
 *                           effective or bounding set, or the live CapEff), or
 *                           every device allowed by the device cgroup rules
 *   env.cap_added           capabilities beyond Docker's default set, named;
 *                           not reported when env.privileged fired for
 *                           capabilities (that finding carries the count)
 *   env.seccomp_unconfined  no (or an allow-everything) linux.seccomp, or
 *                           Seccomp: 0 in /proc/PID/status
 *   env.no_new_privs_off    process.noNewPrivileges false/absent, or
 *                           NoNewPrivs: 0 in /proc/PID/status
 *   env.host_mount          a bind mount of a dangerous host path (one finding
 *                           per mount), never /etc/hosts, /etc/resolv.conf,
 *                           /etc/hostname or the runtime's copies of them
 *   env.host_pid/_network/_ipc/_uts
 *                           the namespace is absent from linux.namespaces or
 *                           joins the host's, or /proc/PID/ns/X is the host's
 * See docs/agent-discovery.md. */
#include "util/internal.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent/agent_int.h"
#include "agent/pathnorm.h"

#define ENV_MAX_CONFIG ((size_t)4 << 20)
#define ENV_MAX_MOUNTS 4096
#define ENV_MAX_LIST 1024
#define ENV_PATH_MAX 4096

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define N_CAPS ((int)CG_ARRAY_LEN(cap_names))

/* Docker's default set (moby oci/caps/defaults.go). */
static const char *const docker_default[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

/* Host paths whose bind mount into a container is dangerous: the path and
 * everything under it ("/" only itself). */
static const char *const host_prefixes[] = {
	"/boot", "/dev", "/etc", "/sys", "/proc", "/var/run", "/run", "/root",
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/home", "/usr",
	"/lib", "/lib64", "/bin", "/sbin", "/var/run/docker.sock",
	"/run/containerd/containerd.sock", "/run/crio/crio.sock",
};
/* Never reported: the name files every runtime mounts. */
static const char *const name_files[] = { "/etc/hosts", "/etc/resolv.conf", "/etc/hostname" };
static const char *const name_bases[] = { "hosts", "resolv.conf", "hostname", "etc-hosts" };

static int cap_index(const char *s)
{
	char tmp[64];
	if (!s)
		return -1;
	if (strncasecmp(s, "CAP_", 4) != 0) { /* tolerate "SYS_ADMIN" */
		if (strlen(s) > sizeof(tmp) - 5)
			return -1;
		snprintf(tmp, sizeof(tmp), "CAP_%s", s);
		s = tmp;
	}
	for (int i = 0; i < N_CAPS; i++)
		if (strcasecmp(s, cap_names[i]) == 0)
			return i;
	return -1;
}

static uint64_t docker_default_mask(void)
{
	uint64_t m = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(docker_default); i++)
		m |= 1ull << cap_index(docker_default[i]);
	return m;
}

static uint64_t caps_of(const cg_json *caps, const char *set)
{
	cg_json *a = cg_json_get(caps, set);
	size_t n = cg_json_array_len(a);
	uint64_t m = 0;
	if (n > ENV_MAX_LIST)
		n = ENV_MAX_LIST;
	for (size_t i = 0; i < n; i++) {
		int k = cap_index(cg_json_string(cg_json_array_at(a, i)));
		if (k >= 0)
			m |= 1ull << k;
	}
	return m;
}

/* Read a small /proc file into b (bounded). */
static bool read_small(const char *path, struct cg_buf *b)
{
	cg_buf_reset(b);
	return cg_buf_read_file(b, AT_FDCWD, path, NULL) == CG_OK;
}

/* The mask of every capability the host can grant: this kernel's
 * cap_last_cap, and of those only the ones the agent's own bounding set holds
 * (a root without CAP_SYS_RESOURCE cannot give it to a container either). */
static uint64_t host_full_mask(void)
{
	struct cg_buf b = CG_BUF_INIT(65536);
	uint64_t m = (1ull << N_CAPS) - 1;
	if (read_small("/proc/sys/kernel/cap_last_cap", &b)) {
		char *end;
		long last = strtol(cg_buf_str(&b), &end, 10);
		if (end != cg_buf_str(&b) && last >= 0 && last < 63)
			m = (last + 1 >= N_CAPS) ? ((1ull << N_CAPS) - 1) : ((1ull << (last + 1)) - 1);
	}
	if (read_small("/proc/self/status", &b)) {
		const char *p = strstr(cg_buf_str(&b), "\nCapBnd:");
		if (p) {
			char *end;
			unsigned long long v = strtoull(p + 8, &end, 16);
			if (end != p + 8 && (v & m))
				m &= v;
		}
	}
	cg_buf_release(&b);
	return m;
}

struct live {
	bool ok;
	bool have_caps, have_nnp, have_seccomp;
	uint64_t cap_eff, cap_bnd;
	long long nnp, seccomp;
};

static bool status_field(const char *text, const char *key, int base, unsigned long long *out)
{
	size_t kl = strlen(key);
	const char *p = text;
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			char *end;
			errno = 0;
			*out = strtoull(p + kl + 1, &end, base);
			return end != p + kl + 1 && errno == 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static void read_live(pid_t pid, struct live *l)
{
	struct cg_buf b = CG_BUF_INIT(65536);
	char path[64];
	unsigned long long v;
	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!read_small(path, &b))
		goto done;
	l->ok = true;
	if (status_field(cg_buf_str(&b), "CapEff", 16, &v)) {
		l->cap_eff = v;
		l->have_caps = true;
		if (status_field(cg_buf_str(&b), "CapBnd", 16, &v))
			l->cap_bnd = v;
	}
	if (status_field(cg_buf_str(&b), "NoNewPrivs", 10, &v)) {
		l->nnp = (long long)v;
		l->have_nnp = true;
	}
	if (status_field(cg_buf_str(&b), "Seccomp", 10, &v)) {
		l->seccomp = (long long)v;
		l->have_seccomp = true;
	}
done:
	cg_buf_release(&b);
}

/* Findings under construction. */
struct out {
	struct cg_envfinding *v;
	size_t n;
};

static cg_err_t add(struct out *o, const char *rule, cg_json *details, struct cg_error *err)
{
	struct cg_envfinding *nv;
	if (!details)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	nv = realloc(o->v, (o->n + 1) * sizeof(*nv));
	if (!nv) {
		cg_json_free(details);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	o->v = nv;
	o->v[o->n].rule = rule;
	o->v[o->n].details = details;
	o->n++;
	return CG_OK;
}

/* Build {"k":v,...} without per-call error plumbing: NULL on failure. */
static cg_json *obj_set(cg_json *o, const char *k, cg_json *v)
{
	if (!o) {
		cg_json_free(v);
		return NULL;
	}
	if (cg_json_set(o, k, v) != CG_OK) {
		cg_json_free(o);
		return NULL;
	}
	return o;
}

static cg_json *cap_array(uint64_t m)
{
	cg_json *a = cg_json_new_array();
	for (int i = 0; a && i < N_CAPS; i++)
		if ((m & (1ull << i)) && cg_json_append(a, cg_json_new_string(cap_names[i])) != CG_OK) {
			cg_json_free(a);
			return NULL;
		}
	return a;
}

static cg_json *arr_add(cg_json *a, const char *s)
{
	if (a && cg_json_append(a, cg_json_new_string(s)) != CG_OK) {
		cg_json_free(a);
		return NULL;
	}
	return a;
}

static int popcount64(uint64_t m)
{
	return __builtin_popcountll(m);
}

/* Device cgroup rules allow every device: a wildcard allow rule (type "a" or
 * absent, no major/minor, access covering rwm or absent) with no deny rule
 * after it (rules apply in order, the last match wins). */
static bool all_devices_allowed(const cg_json *devices)
{
	size_t n = cg_json_array_len(devices);
	bool all = false;
	if (n > ENV_MAX_LIST)
		n = ENV_MAX_LIST;
	for (size_t i = 0; i < n; i++) {
		cg_json *d = cg_json_array_at(devices, i);
		bool allow = false;
		const char *type = cg_json_get_str(d, "type");
		const char *access = cg_json_get_str(d, "access");
		int64_t v;
		bool wild = (!type || strcmp(type, "a") == 0) &&
			    (!cg_json_get_int(d, "major", &v) || v < 0) &&
			    (!cg_json_get_int(d, "minor", &v) || v < 0);
		if (!cg_json_get_bool(d, "allow", &allow))
			continue;
		if (allow && wild && (!access || (strchr(access, 'r') && strchr(access, 'w') &&
						  strchr(access, 'm'))))
			all = true;
		else if (!allow)
			all = false;
	}
	return all;
}

/* linux.seccomp confines anything: present, and not "allow everything". */
static bool seccomp_confines(const cg_json *sc)
{
	const char *def;
	if (!sc || !cg_json_is_object(sc))
		return false;
	def = cg_json_get_str(sc, "defaultAction");
	if (def && strcmp(def, "SCMP_ACT_ALLOW") == 0 &&
	    cg_json_array_len(cg_json_get(sc, "syscalls")) == 0)
		return false;
	return true;
}

static bool is_bind(const cg_json *m)
{
	const char *type = cg_json_get_str(m, "type");
	cg_json *opts = cg_json_get(m, "options");
	size_t n = cg_json_array_len(opts);
	if (type && strcmp(type, "bind") == 0)
		return true;
	if (n > ENV_MAX_LIST)
		n = ENV_MAX_LIST;
	for (size_t i = 0; i < n; i++) {
		const char *o = cg_json_string(cg_json_array_at(opts, i));
		if (o && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0))
			return true;
	}
	return false;
}

static bool has_opt(const cg_json *m, const char *want)
{
	cg_json *opts = cg_json_get(m, "options");
	size_t n = cg_json_array_len(opts);
	if (n > ENV_MAX_LIST)
		n = ENV_MAX_LIST;
	for (size_t i = 0; i < n; i++) {
		const char *o = cg_json_string(cg_json_array_at(opts, i));
		if (o && strcmp(o, want) == 0)
			return true;
	}
	return false;
}

static bool under(const char *path, const char *prefix)
{
	size_t pl = strlen(prefix);
	return strncmp(path, prefix, pl) == 0 && (path[pl] == '\0' || path[pl] == '/');
}

/* The dangerous prefix a normalised host path falls under, or NULL. */
static const char *dangerous(const char *src)
{
	if (strcmp(src, "/") == 0)
		return "/";
	for (size_t i = 0; i < CG_ARRAY_LEN(host_prefixes); i++)
		if (under(src, host_prefixes[i]))
			return host_prefixes[i];
	return NULL;
}

static bool name_file_mount(const char *src, const char *dst)
{
	const char *base = strrchr(src, '/');
	bool dst_name = false;
	for (size_t i = 0; i < CG_ARRAY_LEN(name_files); i++) {
		if (strcmp(src, name_files[i]) == 0)
			return true;
		if (dst && strcmp(dst, name_files[i]) == 0)
			dst_name = true;
	}
	if (!dst_name || !base)
		return false;
	for (size_t i = 0; i < CG_ARRAY_LEN(name_bases); i++)
		if (strcmp(base + 1, name_bases[i]) == 0)
			return true;
	return false;
}

static cg_err_t check_mounts(const cg_json *mounts, struct out *o, struct cg_error *err)
{
	size_t n = cg_json_array_len(mounts);
	char src[ENV_PATH_MAX + 2], dst[ENV_PATH_MAX + 2], real[PATH_MAX];
	cg_err_t rc;
	if (n > ENV_MAX_MOUNTS)
		n = ENV_MAX_MOUNTS;
	for (size_t i = 0; i < n; i++) {
		cg_json *m = cg_json_array_at(mounts, i);
		cg_json *js = cg_json_get(m, "source"), *jd = cg_json_get(m, "destination");
		const char *s = cg_json_string(js), *d = cg_json_string(jd), *hit, *hit_real = NULL;
		size_t sl = cg_json_string_len(js), dl = cg_json_string_len(jd);
		bool have_dst;
		if (!s || !is_bind(m) || sl > ENV_PATH_MAX || sl == 0 || s[0] != '/')
			continue;
		if (!cg_agent_path_normalise(s, sl, src, sizeof(src)))
			continue;
		have_dst = d && dl <= ENV_PATH_MAX && cg_agent_path_normalise(d, dl, dst, sizeof(dst));
		if (name_file_mount(src, have_dst ? dst : NULL))
			continue;
		hit = dangerous(src);
		/* a symlink on the host leading somewhere dangerous */
		if (realpath(src, real) && strcmp(real, src) != 0) {
			if (name_file_mount(real, have_dst ? dst : NULL))
				continue;
			hit_real = dangerous(real);
		}
		if (!hit && !hit_real)
			continue;
		cg_json *det = cg_json_new_object();
		det = obj_set(det, "source", cg_json_new_string(src));
		if (hit_real)
			det = obj_set(det, "resolved", cg_json_new_string(real));
		det = obj_set(det, "destination", have_dst ? cg_json_new_string(dst)
							   : cg_json_new_null());
		det = obj_set(det, "host_path", cg_json_new_string(hit ? hit : hit_real));
		det = obj_set(det, "readonly", cg_json_new_bool(has_opt(m, "ro")));
		if ((rc = add(o, "env.host_mount", det, err)))
			return rc;
	}
	return CG_OK;
}

struct nsdef {
	const char *oci;   /* linux.namespaces type */
	const char *proc;  /* /proc/PID/ns/ name */
	const char *rule;
};
static const struct nsdef nsdefs[] = {
	{ "pid", "pid", "env.host_pid" },
	{ "network", "net", "env.host_network" },
	{ "ipc", "ipc", "env.host_ipc" },
	{ "uts", "uts", "env.host_uts" },
};

/* The host's namespace of a kind: /proc/1/ns/X, or (when pid 1 is not
 * readable, as inside some sandboxes) the agent's own. */
static bool host_ns(const char *name, struct stat *st)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/1/ns/%s", name);
	if (stat(p, st) == 0)
		return true;
	snprintf(p, sizeof(p), "/proc/self/ns/%s", name);
	return stat(p, st) == 0;
}

static cg_err_t check_namespaces(const cg_json *linux_, pid_t pid, struct out *o,
				 struct cg_error *err)
{
	cg_json *nss = cg_json_get(linux_, "namespaces");
	size_t n = cg_json_array_len(nss);
	cg_err_t rc;
	if (n > ENV_MAX_LIST)
		n = ENV_MAX_LIST;
	for (size_t k = 0; k < CG_ARRAY_LEN(nsdefs); k++) {
		const char *cfg = "absent"; /* absent | private | host | joined */
		const char *joined = NULL;
		const char *live = NULL; /* host | private */
		struct stat hs, ps;
		bool have_host = host_ns(nsdefs[k].proc, &hs);
		for (size_t i = 0; i < n; i++) {
			cg_json *e = cg_json_array_at(nss, i);
			const char *t = cg_json_get_str(e, "type"), *path;
			if (!t || strcmp(t, nsdefs[k].oci) != 0)
				continue;
			path = cg_json_get_str(e, "path");
			if (!path || !*path) {
				cfg = "private";
			} else {
				joined = path;
				cfg = "joined";
				if (have_host && stat(path, &ps) == 0 && ps.st_ino == hs.st_ino &&
				    ps.st_dev == hs.st_dev)
					cfg = "host";
			}
		}
		if (pid > 0 && have_host) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, nsdefs[k].proc);
			if (stat(p, &ps) == 0)
				live = (ps.st_ino == hs.st_ino && ps.st_dev == hs.st_dev) ? "host"
											   : "private";
		}
		if (strcmp(cfg, "absent") != 0 && strcmp(cfg, "host") != 0 &&
		    !(live && strcmp(live, "host") == 0))
			continue;
		cg_json *det = cg_json_new_object();
		det = obj_set(det, "config", cg_json_new_string(cfg));
		if (joined)
			det = obj_set(det, "path", cg_json_new_string(joined));
		if (live)
			det = obj_set(det, "process", cg_json_new_string(live));
		if ((rc = add(o, nsdefs[k].rule, det, err)))
			return rc;
	}
	return CG_OK;
}

cg_err_t cg_envcheck(const char *config_json, size_t len, pid_t pid,
		     struct cg_envfinding **out, size_t *n, struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = ENV_MAX_CONFIG, .max_depth = 64 };
	struct out o = { NULL, 0 };
	cg_json *root = NULL, *proc, *linux_, *caps;
	struct live l;
	uint64_t full, cfg_eff, cfg_bnd, cfg_all, extra, dflt = docker_default_mask();
	bool caps_full_cfg, caps_full_live, devs_all, sc_cfg, nnp = false, have_nnp;
	cg_err_t rc = CG_OK;

	if (!out || !n || (!config_json && len))
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	if (len > ENV_MAX_CONFIG)
		return cg_error_set(err, CG_ERR_LIMIT, "config.json: larger than %zu bytes",
				    ENV_MAX_CONFIG);
	if ((rc = cg_json_parse(config_json ? config_json : "", len, &lim, &root, err)))
		return rc;
	if (!cg_json_is_object(root))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "config.json: not a JSON object"));
	proc = cg_json_get(root, "process");
	linux_ = cg_json_get(root, "linux");
	caps = cg_json_get(proc, "capabilities");
	if (pid > 0)
		read_live(pid, &l);
	else
		memset(&l, 0, sizeof(l));

	/* capabilities and devices */
	full = host_full_mask();
	cfg_eff = caps_of(caps, "effective");
	cfg_bnd = caps_of(caps, "bounding");
	cfg_all = cfg_eff | cfg_bnd | caps_of(caps, "permitted") | caps_of(caps, "ambient");
	caps_full_cfg = (cfg_eff & full) == full || (cfg_bnd & full) == full;
	caps_full_live = l.have_caps && (l.cap_eff & full) == full;
	devs_all = all_devices_allowed(cg_json_get(cg_json_get(linux_, "resources"), "devices"));
	sc_cfg = seccomp_confines(cg_json_get(linux_, "seccomp"));
	extra = (cfg_all | (l.have_caps ? (l.cap_eff | l.cap_bnd) : 0)) & ~dflt &
		((1ull << N_CAPS) - 1);
	if (caps_full_cfg || caps_full_live || devs_all) {
		cg_json *det = cg_json_new_object(), *why = cg_json_new_array();
		if (caps_full_cfg || caps_full_live)
			why = arr_add(why, "all capabilities");
		if (devs_all)
			why = arr_add(why, "all devices");
		if (!sc_cfg || (l.have_seccomp && l.seccomp == 0))
			why = arr_add(why, "no seccomp");
		det = obj_set(det, "reasons", why);
		det = obj_set(det, "all_capabilities", cg_json_new_bool(caps_full_cfg || caps_full_live));
		det = obj_set(det, "all_devices", cg_json_new_bool(devs_all));
		det = obj_set(det, "seccomp", cg_json_new_bool(sc_cfg && !(l.have_seccomp && l.seccomp == 0)));
		det = obj_set(det, "capabilities_beyond_default", cg_json_new_int(popcount64(extra)));
		if ((rc = add(&o, "env.privileged", det, err)))
			goto done;
	}
	if (extra && !caps_full_cfg && !caps_full_live) {
		cg_json *det = obj_set(cg_json_new_object(), "capabilities", cap_array(extra));
		if ((rc = add(&o, "env.cap_added", det, err)))
			goto done;
	}

	/* seccomp */
	if (!sc_cfg || (l.have_seccomp && l.seccomp == 0)) {
		cg_json *det = cg_json_new_object();
		det = obj_set(det, "config", cg_json_new_string(
			cg_json_get(linux_, "seccomp") ? (sc_cfg ? "confined" : "allow all") : "absent"));
		if (l.have_seccomp)
			det = obj_set(det, "process_seccomp_mode", cg_json_new_int(l.seccomp));
		if ((rc = add(&o, "env.seccomp_unconfined", det, err)))
			goto done;
	}

	/* no_new_privileges */
	have_nnp = cg_json_get_bool(proc, "noNewPrivileges", &nnp);
	if (!nnp || (l.have_nnp && l.nnp == 0)) {
		cg_json *det = cg_json_new_object();
		det = obj_set(det, "config", have_nnp ? cg_json_new_bool(nnp) : cg_json_new_null());
		if (l.have_nnp)
			det = obj_set(det, "process", cg_json_new_bool(l.nnp != 0));
		if ((rc = add(&o, "env.no_new_privs_off", det, err)))
			goto done;
	}

	if ((rc = check_mounts(cg_json_get(root, "mounts"), &o, err)))
		goto done;
	if ((rc = check_namespaces(linux_, pid, &o, err)))
		goto done;

	{
		struct cg_envfinding *nv = realloc(*out, (*n + o.n + 1) * sizeof(*nv));
		if (!nv)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		if (o.n)
			memcpy(nv + *n, o.v, o.n * sizeof(*nv));
		*out = nv;
		*n += o.n;
		free(o.v);
		o.v = NULL;
		o.n = 0;
	}
done:
	cg_envfindings_free(o.v, o.n);
	cg_json_free(root);
	return rc;
}

void cg_envfindings_free(struct cg_envfinding *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		cg_json_free(f[i].details);
	free(f);
}
