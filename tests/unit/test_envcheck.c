/* RUN-05 environment checks (lib/agent/envcheck.c): config.json fixtures of
 * tests/data/agent/, and (root, runc) real busybox containers of each variant
 * checked live through /proc/PID. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>
#include <cguard/cguard.h>
#include "agent/agent_int.h"
#include "cgtest.h"

#define EQ(t, a, b) CHECKF(t, strcmp((a), (b)) == 0, "got \"%.400s\", want \"%.400s\"", (a), (b))

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* The rule ids found, in order, joined by ','; details of the first finding
 * of rule `want` (compact, sorted) into det. */
static cg_err_t check(const char *text, size_t len, pid_t pid, char *ids, size_t cap,
		      const char *want, char *det, size_t dcap)
{
	struct cg_envfinding *f = NULL;
	size_t n = 0;
	cg_err_t rc = cg_envcheck(text, len, pid, &f, &n, NULL);
	ids[0] = '\0';
	if (det)
		det[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ids);
		snprintf(ids + l, cap - l, "%s%s", l ? "," : "", f[i].rule);
		if (want && det && !det[0] && strcmp(f[i].rule, want) == 0) {
			struct cg_buf b = CG_BUF_INIT(1 << 20);
			if (cg_json_dump(f[i].details, CG_JSON_COMPACT | CG_JSON_SORTED, &b) == CG_OK)
				snprintf(det, dcap, "%s", cg_buf_str(&b));
			cg_buf_release(&b);
		}
	}
	cg_envfindings_free(f, n);
	return rc;
}

static cg_err_t check_file(const char *name, pid_t pid, char *ids, size_t cap, const char *want,
			   char *det, size_t dcap)
{
	char path[512];
	size_t len;
	char *text;
	cg_err_t rc;
	snprintf(path, sizeof(path), "%s/agent/%s", CG_TEST_DATA, name);
	text = slurp(path, &len);
	if (!text)
		return CG_ERR_IO;
	rc = check(text, len, pid, ids, cap, want, det, dcap);
	free(text);
	return rc;
}

static void t_default_spec(struct cgt *t)
{
	char ids[1024], det[4096];
	/* runc spec's default: no seccomp, noNewPrivileges true, private pid,
	 * net, ipc, uts and mount namespaces, 3 default capabilities */
	CHECK(t, check_file("runc-spec-default.json", 0, ids, sizeof(ids), "env.seccomp_unconfined",
			    det, sizeof(det)) == CG_OK);
	EQ(t, ids, "env.seccomp_unconfined");
	EQ(t, det, "{\"config\":\"absent\"}");
}

static void t_privileged(struct cgt *t)
{
	char ids[1024], det[4096];
	CHECK(t, check_file("privileged.json", 0, ids, sizeof(ids), "env.privileged", det,
			    sizeof(det)) == CG_OK);
	/* no separate env.cap_added: the privileged finding counts them */
	EQ(t, ids, "env.privileged,env.seccomp_unconfined,env.no_new_privs_off");
	CHECK(t, strstr(det, "\"all_capabilities\":true") != NULL);
	CHECK(t, strstr(det, "\"all_devices\":true") != NULL);
	CHECK(t, strstr(det, "\"reasons\":[\"all capabilities\",\"all devices\",\"no seccomp\"]"));
	CHECK(t, strstr(det, "\"capabilities_beyond_default\":27") != NULL);
}

static void t_cap_added(struct cgt *t)
{
	char ids[1024], det[4096];
	CHECK(t, check_file("cap-added.json", 0, ids, sizeof(ids), "env.cap_added", det,
			    sizeof(det)) == CG_OK);
	EQ(t, ids, "env.cap_added");
	EQ(t, det, "{\"capabilities\":[\"CAP_NET_ADMIN\",\"CAP_SYS_ADMIN\"]}");
}

static void t_host_ns_mounts(struct cgt *t)
{
	char ids[1024], det[4096];
	CHECK(t, check_file("host-ns-mounts.json", 0, ids, sizeof(ids), "env.host_mount", det,
			    sizeof(det)) == CG_OK);
	/* /etc (through /tmp/../etc/./), docker.sock, /etc/shadow as /etc/hostname;
	 * not /etc/hosts, not the runtime's resolv.conf copy, not /srv/data */
	EQ(t, ids, "env.seccomp_unconfined,env.host_mount,env.host_mount,env.host_mount,"
			  "env.host_pid,env.host_network");
	EQ(t, det, "{\"destination\":\"/host-etc\",\"host_path\":\"/etc\",\"readonly\":true,"
			  "\"source\":\"/etc\"}");
	CHECK(t, check_file("host-ns-mounts.json", 0, ids, sizeof(ids), "env.host_pid", det,
			    sizeof(det)) == CG_OK);
	EQ(t, det, "{\"config\":\"absent\"}");
}

static void t_inline(struct cgt *t)
{
	char ids[1024], det[4096];
	const char *joined = "{\"process\":{\"noNewPrivileges\":true},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
			     "\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"},{\"type\":\"network\"},"
			     "{\"type\":\"ipc\",\"path\":\"/nonexistent/ns\"},{\"type\":\"uts\"}]}}";
	const char *devs = "{\"process\":{\"noNewPrivileges\":true},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
			   "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}],"
			   "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3}]}}}";
	const char *devs2 = "{\"process\":{\"noNewPrivileges\":true},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},"
			    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}],"
			    "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"a\",\"access\":\"rwm\"}]}}}";
	/* joining the agent's own pid namespace is the host's; an unknown path is not */
	CHECK(t, check(joined, strlen(joined), 0, ids, sizeof(ids), "env.host_pid", det,
		       sizeof(det)) == CG_OK);
	EQ(t, ids, "env.host_pid");
	EQ(t, det, "{\"config\":\"host\",\"path\":\"/proc/self/ns/pid\"}");
	CHECK(t, check(devs, strlen(devs), 0, ids, sizeof(ids), NULL, NULL, 0) == CG_OK);
	EQ(t, ids, "");
	CHECK(t, check(devs2, strlen(devs2), 0, ids, sizeof(ids), "env.privileged", det,
		       sizeof(det)) == CG_OK);
	EQ(t, ids, "env.privileged");
	CHECK(t, strstr(det, "\"reasons\":[\"all devices\"]") != NULL);
	/* hostile input: clear errors, nothing appended */
	CHECK(t, check("[]", 2, 0, ids, sizeof(ids), NULL, NULL, 0) == CG_ERR_INVALID);
	CHECK(t, check("{\"a\":", 5, 0, ids, sizeof(ids), NULL, NULL, 0) == CG_ERR_INVALID);
	CHECK(t, check("{\"process\":7,\"linux\":[],\"mounts\":{}}", 36, 0, ids, sizeof(ids), NULL,
		       NULL, 0) == CG_OK);
	EQ(t, ids, "env.seccomp_unconfined,env.no_new_privs_off,env.host_pid,"
			  "env.host_network,env.host_ipc,env.host_uts");
}

/* ---- real runc containers --------------------------------------------------------- */

static char tmp[256];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Run a busybox container whose config is runc spec's default edited by the
 * jq filter, check it live, and return the rule ids. */
static bool run_variant(struct cgt *t, const char *name, const char *jq, char *ids, size_t cap,
			const char *want, char *det, size_t dcap)
{
	char b[512], cfg[600], pidf[600];
	size_t len;
	char *text;
	int pid = 0;
	FILE *f;
	snprintf(b, sizeof(b), "%s/%s", tmp, name);
	if (sh("set -e; mkdir -p '%s/rootfs/bin'; cd '%s'; cp /bin/busybox rootfs/bin/;"
	       "for a in $(rootfs/bin/busybox --list); do [ $a = busybox ] || ln -sf busybox rootfs/bin/$a; done;"
	       "runc spec; jq '.process.args=[\"sleep\",\"600\"] | .process.terminal=false | %s' config.json > c.tmp;"
	       "mv c.tmp config.json; runc --root '%s/runc' run -d --pid-file '%s/pid' '%s' </dev/null >'%s/log' 2>&1",
	       b, b, jq, tmp, b, name, b) != 0) {
		CHECKF(t, 0, "variant %s: runc run failed", name);
		sh("cat '%s/log' >&2", b);
		return false;
	}
	snprintf(pidf, sizeof(pidf), "%s/pid", b);
	if ((f = fopen(pidf, "r"))) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	snprintf(cfg, sizeof(cfg), "%s/config.json", b);
	text = slurp(cfg, &len);
	CHECK(t, pid > 0 && text);
	if (pid > 0 && text)
		CHECK(t, check(text, len, pid, ids, cap, want, det, dcap) == CG_OK);
	free(text);
	sh("runc --root '%s/runc' delete -f '%s' >/dev/null 2>&1", tmp, name);
	return true;
}

static void t_runc_variants(struct cgt *t)
{
	char ids[1024], det[4096];
	const char *allcaps =
		"[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_DAC_READ_SEARCH\",\"CAP_FOWNER\",\"CAP_FSETID\",\"CAP_KILL\","
		"\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\",\"CAP_LINUX_IMMUTABLE\",\"CAP_NET_BIND_SERVICE\","
		"\"CAP_NET_BROADCAST\",\"CAP_NET_ADMIN\",\"CAP_NET_RAW\",\"CAP_IPC_LOCK\",\"CAP_IPC_OWNER\",\"CAP_SYS_MODULE\","
		"\"CAP_SYS_RAWIO\",\"CAP_SYS_CHROOT\",\"CAP_SYS_PTRACE\",\"CAP_SYS_PACCT\",\"CAP_SYS_ADMIN\",\"CAP_SYS_BOOT\","
		"\"CAP_SYS_NICE\",\"CAP_SYS_TIME\",\"CAP_SYS_TTY_CONFIG\",\"CAP_MKNOD\",\"CAP_LEASE\",\"CAP_AUDIT_WRITE\","
		"\"CAP_AUDIT_CONTROL\",\"CAP_SETFCAP\",\"CAP_MAC_OVERRIDE\",\"CAP_MAC_ADMIN\",\"CAP_SYSLOG\",\"CAP_WAKE_ALARM\","
		"\"CAP_BLOCK_SUSPEND\",\"CAP_AUDIT_READ\",\"CAP_PERFMON\",\"CAP_BPF\",\"CAP_CHECKPOINT_RESTORE\"]";
	char jq[4096];

	if (geteuid() != 0 || sh("command -v runc >/dev/null && command -v jq >/dev/null && test -x /bin/busybox") != 0) {
		printf("t_runc_variants: skipped (needs root, runc, jq, busybox-static)\n");
		return;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/cg-test-envcheck.XXXXXX");
	if (!mkdtemp(tmp))
		return;
	/* the default is seccomp unconfined, live too */
	if (run_variant(t, "default", ".", ids, sizeof(ids), "env.seccomp_unconfined", det, sizeof(det))) {
		EQ(t, ids, "env.seccomp_unconfined");
		EQ(t, det, "{\"config\":\"absent\",\"process_seccomp_mode\":0}");
	}
	/* every capability root here holds (it lacks CAP_SYS_RESOURCE, which
	 * runc cannot grant): privileged, read live from CapEff too */
	snprintf(jq, sizeof(jq), ".process.capabilities |= with_entries(.value = %s)", allcaps);
	if (run_variant(t, "allcaps", jq, ids, sizeof(ids), "env.privileged", det, sizeof(det))) {
		EQ(t, ids, "env.privileged,env.seccomp_unconfined");
		CHECK(t, strstr(det, "\"all_capabilities\":true") != NULL);
	}
	/* a seccomp profile: no seccomp finding (live Seccomp: 2) */
	if (run_variant(t, "seccomp",
			".linux.seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
			"\"syscalls\":[{\"names\":[\"acct\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
			ids, sizeof(ids), NULL, NULL, 0))
		EQ(t, ids, "");
	if (run_variant(t, "nnp", ".process.noNewPrivileges=false", ids, sizeof(ids),
			"env.no_new_privs_off", det, sizeof(det))) {
		EQ(t, ids, "env.seccomp_unconfined,env.no_new_privs_off");
		EQ(t, det, "{\"config\":false,\"process\":false}");
	}
	if (run_variant(t, "hostpid", ".linux.namespaces |= map(select(.type != \"pid\"))", ids,
			sizeof(ids), "env.host_pid", det, sizeof(det))) {
		EQ(t, ids, "env.seccomp_unconfined,env.host_pid");
		EQ(t, det, "{\"config\":\"absent\",\"process\":\"host\"}");
	}
	if (run_variant(t, "hostetc",
			".mounts += [{\"destination\":\"/host/etc\",\"type\":\"bind\",\"source\":\"/etc\",\"options\":[\"rbind\",\"ro\"]}]",
			ids, sizeof(ids), "env.host_mount", det, sizeof(det))) {
		EQ(t, ids, "env.seccomp_unconfined,env.host_mount");
		EQ(t, det, "{\"destination\":\"/host/etc\",\"host_path\":\"/etc\",\"readonly\":true,\"source\":\"/etc\"}");
	}
	if (run_variant(t, "hosts",
			".mounts += [{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/etc/hosts\",\"options\":[\"bind\",\"ro\"]},"
			"{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":\"/etc/resolv.conf\",\"options\":[\"bind\",\"ro\"]}]",
			ids, sizeof(ids), NULL, NULL, 0))
		EQ(t, ids, "env.seccomp_unconfined");
	sh("rm -rf '%s'", tmp);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_default_spec),
	CGT_CASE(t_privileged),
	CGT_CASE(t_cap_added),
	CGT_CASE(t_host_ns_mounts),
	CGT_CASE(t_inline),
	CGT_CASE(t_runc_variants),
};
CGT_MAIN(cases)
