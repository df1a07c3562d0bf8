/* cguard image: read container images: sbom, and scan with the vulnerability DB. */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: cguard image sbom REF [--format F] [--output FILE] [--platform OS/ARCH]\n"
	"       cguard image scan REF --db FILE [--format F] [--output FILE] [...]\n"
	"\n"
	"sbom     The software inventory of an image: OS, packages (OS and language),\n"
	"         file information. Layers are read once as streams, never unpacked.\n"
	"scan     The inventory's packages matched against a vulnerability database\n"
	"         (`cguard db build`): one finding per advisory and package, sorted by\n"
	"         severity then id.\n"
	"\n"
	"REF is a skopeo-style reference:\n"
	"  docker-archive:FILE[:NAME:TAG|:@INDEX]   `docker save` output\n"
	"  oci:DIR[:TAG]                           an OCI image layout folder\n"
	"  oci-archive:FILE[:TAG]                  an OCI image layout in a tar\n"
	"  dir:ROOTFS                              a plain root filesystem folder\n"
	"  docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]  a registry (Docker Hub when no HOST)\n"
	"  docker-daemon:NAME[:TAG]                the Docker engine ($DOCKER_HOST or\n"
	"                                          /var/run/docker.sock)\n"
	"  containerd:NAME[@sha256:D]              an image in containerd's stores (read from\n"
	"                                          its files; containerd need not run)\n"
	"  containers-storage:[DRIVER@ROOT]NAME    podman/buildah/CRI-O storage (overlay, vfs)\n"
	"\n"
	"  -f, --format F       sbom: table (default), json, cyclonedx (1.5), spdx (2.3 JSON)\n"
	"                       scan: table (default), json, sarif (2.1.0), cyclonedx (1.5)\n"
	"  -d, --db FILE        scan: the vulnerability database\n"
	"      --scanners LIST  scan: what to check, comma-separated (default: all):\n"
	"                       vuln (needs --db), malware, secret, files (sensitive\n"
	"                       files), baseline, history (build steps)\n"
	"      --trusted-registry HOST  (repeatable) registries images may come from: an\n"
	"                       image from another is a baseline finding\n"
	"      --malware-rules DIR   yara rule files (.yar) instead of the built-in set\n"
	"      --hash-db FILE   (repeatable) ClamAV hash lists (.hdb MD5, .hsb SHA-256)\n"
	"scan filters (what they remove is counted, and listed apart in json):\n"
	"  -s, --severity S     only these levels: a list (critical,high) or a level and\n"
	"                       those above (medium+); levels: critical high medium low\n"
	"                       negligible unknown\n"
	"      --ignore-unfixed only findings with a fixed version\n"
	"      --ignore-file F  ignore rules: lines 'ID [PACKAGE] [exp:YYYY-MM-DD] [# reason]',\n"
	"                       or YAML/JSON {ignore: [{id, package, expires, reason}]}\n"
	"      --vex FILE       an OpenVEX document (repeatable): not_affected and fixed\n"
	"                       statements remove findings\n"
	"      --exit-code N    exit N when findings remain after the filters (a CI gate)\n"
	"      --db-max-age D   warn when the database is older than D days (default 7;\n"
	"                       0: never)\n"
	"  -o, --output FILE    write there instead of stdout\n"
	"      --platform P     for multi-platform images (default linux/amd64)\n"
	"      --threads N      layers read at once (default: CPUs, at most 4)\n"
	"      --containerd-root DIR       containerd: root (default /var/lib/containerd)\n"
	"      --containerd-namespace NS   containerd: namespace (default $CONTAINERD_NAMESPACE\n"
	"                                  or default)\n"
	"      --storage-root DIR          containers-storage: root (default\n"
	"                                  /var/lib/containers/storage)\n"
	"      --username U     registry user (docker://), the password from\n"
	"      --password-stdin   the first line of stdin, or from\n"
	"      --password P       the command line (other users can see it: avoid)\n"
	"      --authfile FILE  docker config.json with credentials (default\n"
	"                       $DOCKER_CONFIG/config.json, then ~/.docker/config.json)\n"
	"      --insecure-registry HOST[:PORT]  (repeatable) that registry over HTTPS\n"
	"                       without certificate checks, or over plain HTTP\n"
	"  -q, --quiet          no warnings on stderr\n"
	"  -h, --help           this text\n"
	"\n"
	"Progress goes to stderr when it is a terminal (not with --quiet).\n"
	"Exit status: 0 done (scan: findings or not, unless --exit-code), 1 the image, the\n"
	"database or a filter file could not be read, 2 bad command line, N (--exit-code)\n"
	"findings remain.\n";

const struct cli_command cli_cmd_image;

static int write_out(const char *path, const struct cg_buf *b)
{
	size_t off = 0;
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (fd < 0) {
		fprintf(stderr, "cguard: %s: %s\n", path, strerror(errno));
		return CLI_FAIL;
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "cguard: writing %s: %s\n", path ? path : "stdout",
				strerror(errno));
			if (path)
				close(fd);
			return CLI_FAIL;
		}
		off += (size_t)n;
	}
	if (path && close(fd) != 0) {
		fprintf(stderr, "cguard: %s: %s\n", path, strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static bool progress_on;

static void on_progress(void *ud, size_t done, size_t total)
{
	(void)ud;
	fprintf(stderr, "\r\033[Kcguard: reading the image: layer %zu of %zu read\r", done, total);
}

/* A warning when the database was built more than max_age days ago. */
static void warn_db_age(const char *path, long max_age)
{
	struct cg_buf b = CG_BUF_INIT(1 << 20);
	cg_json *j = NULL;
	const char *built;
	struct tm tm = { 0 };
	char *end;

	if (cg_vulndb_info(path, &b, NULL) == CG_OK &&
	    cg_json_parse(b.data, b.len, NULL, &j, NULL) == CG_OK &&
	    (built = cg_json_get_str(j, "built")) &&
	    (end = strptime(built, "%Y-%m-%dT%H:%M:%SZ", &tm)) && !*end) {
		double days = difftime(time(NULL), timegm(&tm)) / 86400.0;
		if (days > (double)max_age)
			fprintf(stderr,
				"cguard: warning: the vulnerability database was built %.0f days ago "
				"(%s): update it (cguard db update) or findings will be missed\n",
				days, built);
	}
	cg_json_free(j);
	cg_buf_release(&b);
}

/* Content findings the CI gate counts: those of a level --severity keeps (the
 * threat levels map onto the finding levels of the same names). */
static size_t content_left(const struct cg_inventory *inv, unsigned levels)
{
	static const enum cg_finding_level map[] = {
		[CG_THREAT_LOW] = CG_LEVEL_LOW, [CG_THREAT_MEDIUM] = CG_LEVEL_MEDIUM,
		[CG_THREAT_HIGH] = CG_LEVEL_HIGH, [CG_THREAT_CRITICAL] = CG_LEVEL_CRITICAL,
	};
	size_t n = 0;
	for (size_t i = 0; i < cg_inventory_content_count(inv); i++) {
		const struct cg_content_finding *c = cg_inventory_content_at(inv, i);
		if ((size_t)c->level < sizeof(map) / sizeof(map[0]) &&
		    (!levels || (levels & (1u << map[c->level]))))
			n++;
	}
	return n;
}

/* sbom and scan: the same image options; scan also reads --db. */
static int cmd_read(int argc, char **argv, bool scan)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "containerd-root", required_argument, NULL, 'C' },
		{ "containerd-namespace", required_argument, NULL, 'N' },
		{ "storage-root", required_argument, NULL, 'S' },
		{ "username", required_argument, NULL, 0x100 },
		{ "password", required_argument, NULL, 0x101 },
		{ "password-stdin", no_argument, NULL, 0x102 },
		{ "authfile", required_argument, NULL, 0x103 },
		{ "insecure-registry", required_argument, NULL, 0x104 },
		{ "severity", required_argument, NULL, 's' },
		{ "ignore-unfixed", no_argument, NULL, 0x110 },
		{ "ignore-file", required_argument, NULL, 0x111 },
		{ "vex", required_argument, NULL, 0x112 },
		{ "exit-code", required_argument, NULL, 0x113 },
		{ "db-max-age", required_argument, NULL, 0x114 },
		{ "scanners", required_argument, NULL, 0x115 },
		{ "trusted-registry", required_argument, NULL, 0x116 },
		{ "malware-rules", required_argument, NULL, 0x117 },
		{ "hash-db", required_argument, NULL, 0x118 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *insecure[32];
	char password[4096] = "";
	int password_stdin = 0;
	struct cg_image_opts io = { 0 };
	struct cg_image *img = NULL;
	struct cg_inventory *inv = NULL;
	struct cg_buf out = CG_BUF_INIT((size_t)1 << 30);
	struct cg_error err = { 0 };
	enum cg_sbom_format fmt = CG_SBOM_TABLE;
	enum cg_scan_format sfmt = CG_SCAN_TABLE;
	struct cg_vulndb *db = NULL;
	struct cg_findings *findings = NULL;
	const char *output = NULL, *dbpath = NULL, *ignore_path = NULL, *vex_paths[16];
	struct cg_scan_filter flt = { 0 };
	struct cg_ignore_list *ignore = NULL;
	struct cg_vex *vex[16] = { NULL };
	size_t nvex = 0;
	long exit_code = 0, max_age = 7;
	bool vuln = true, scanners_given = false;
	struct cg_content_opts copts = { 0 };
	const char *trusted[32], *hashdbs[32];
	int c, rc = CLI_FAIL, quiet = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:d:o:s:qh", opts, NULL)) != -1) {
		if (!scan && (c == 's' || (c >= 0x110 && c <= 0x118)))
			return cli_usage_error(&cli_cmd_image, "'%s' is an option of scan",
					       argv[optind - 1]);
		switch (c) {
		case 'f':
			if ((scan ? cg_scan_format_parse(optarg, &sfmt)
				  : cg_sbom_format_parse(optarg, &fmt)) != CG_OK)
				return cli_usage_error(&cli_cmd_image, "unknown format '%s'", optarg);
			break;
		case 'd':
			if (!scan)
				return cli_usage_error(&cli_cmd_image, "--db is an option of scan");
			dbpath = optarg;
			break;
		case 'o': output = optarg; break;
		case 's':
			if (cg_scan_levels_parse(optarg, &flt.levels) != CG_OK)
				return cli_usage_error(&cli_cmd_image, "--severity: bad level list '%s'",
						       optarg);
			break;
		case 0x110: flt.ignore_unfixed = true; break;
		case 0x117:
			copts.rules_dir = optarg;
			io.content = &copts;
			break;
		case 0x118:
			if (copts.nhash_dbs == sizeof(hashdbs) / sizeof(hashdbs[0]))
				return cli_usage_error(&cli_cmd_image, "too many --hash-db");
			hashdbs[copts.nhash_dbs++] = optarg;
			copts.hash_dbs = hashdbs;
			io.content = &copts;
			break;
		case 0x116:
			if (copts.ntrusted == sizeof(trusted) / sizeof(trusted[0]))
				return cli_usage_error(&cli_cmd_image, "too many --trusted-registry");
			trusted[copts.ntrusted++] = optarg;
			copts.trusted_registries = trusted;
			io.content = &copts;
			break;
		case 0x115:
			if (cg_checks_parse(optarg, &io.checks, &vuln) != CG_OK)
				return cli_usage_error(&cli_cmd_image, "--scanners: bad list '%s'", optarg);
			scanners_given = true;
			break;
		case 0x111: ignore_path = optarg; break;
		case 0x112:
			if (nvex == sizeof(vex_paths) / sizeof(vex_paths[0]))
				return cli_usage_error(&cli_cmd_image, "too many --vex");
			vex_paths[nvex++] = optarg;
			break;
		case 0x113:
		case 0x114: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || !*optarg || n < (c == 0x113 ? 1 : 0) || n > (c == 0x113 ? 125 : 36500))
				return cli_usage_error(&cli_cmd_image, "%s takes %s", argv[optind - 1],
						       c == 0x113 ? "1 to 125" : "0 to 36500 days");
			*(c == 0x113 ? &exit_code : &max_age) = n;
			break;
		}
		case 'p': io.platform = optarg; break;
		case 't': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64)
				return cli_usage_error(&cli_cmd_image, "--threads takes 1 to 64");
			io.threads = (int)n;
			break;
		}
		case 'q': quiet = 1; break;
		case 0x100: io.username = optarg; break;
		case 0x101: io.password = optarg; break;
		case 0x102: password_stdin = 1; break;
		case 0x103: io.authfile = optarg; break;
		case 0x104:
			if (io.ninsecure == sizeof(insecure) / sizeof(insecure[0]))
				return cli_usage_error(&cli_cmd_image, "too many --insecure-registry");
			insecure[io.ninsecure++] = optarg;
			io.insecure_registries = insecure;
			break;
		case 'C': io.containerd_root = optarg; break;
		case 'N': io.containerd_namespace = optarg; break;
		case 'S': io.storage_root = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default:
			return cli_usage_error(&cli_cmd_image, "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cli_cmd_image, "%s takes one image reference", argv[0]);
	if (scan && !scanners_given)
		io.checks = CG_CHECK_ALL;
	if (scan && vuln && !dbpath)
		return cli_usage_error(&cli_cmd_image, "scan needs --db FILE (or --scanners without vuln)");
	if (password_stdin) {
		if (io.password)
			return cli_usage_error(&cli_cmd_image,
					       "--password and --password-stdin exclude each other");
		if (!fgets(password, sizeof(password), stdin)) {
			fprintf(stderr, "cguard: --password-stdin: nothing on stdin\n");
			return CLI_FAIL;
		}
		password[strcspn(password, "\r\n")] = '\0';
		io.password = password;
	}
	if (io.password && !io.username)
		return cli_usage_error(&cli_cmd_image, "a password needs --username");
	if (scan && vuln && cg_vulndb_open(dbpath, &db, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		goto done;
	}
	if (scan && vuln && !quiet && max_age)
		warn_db_age(dbpath, max_age);
	if (ignore_path && cg_ignore_load(ignore_path, &ignore, &err) != CG_OK) {
		fprintf(stderr, "cguard: --ignore-file %s\n", cg_error_message(&err));
		goto done;
	}
	for (size_t i = 0; i < nvex; i++)
		if (cg_vex_load(vex_paths[i], &vex[i], &err) != CG_OK) {
			fprintf(stderr, "cguard: --vex %s\n", cg_error_message(&err));
			goto done;
		}
	if (!quiet && isatty(2)) {
		io.progress = on_progress;
		progress_on = true;
		fputs("cguard: reading the image\r", stderr);
	}
	if (cg_image_open(argv[optind], &io, &img, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s: %s\n", argv[optind], cg_error_message(&err));
		goto done;
	}
	if (cg_image_inventory(img, &inv, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s: %s\n", argv[optind], cg_error_message(&err));
		goto done;
	}
	if (progress_on)
		fprintf(stderr, "\r\033[Kcguard: matching %zu packages\r",
			cg_inventory_pkg_count(inv));
	if (scan && !vuln && !(findings = cg_findings_new())) {
		fprintf(stderr, "cguard: out of memory\n");
		goto done;
	}
	if (scan && vuln && cg_vulndb_match(db, inv, &findings, &err) != CG_OK) {
		if (progress_on)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		goto done;
	}
	if (progress_on)
		fputs("\r\033[K", stderr);
	if (!quiet)
		for (size_t i = 0; i < cg_inventory_warning_count(inv); i++)
			fprintf(stderr, "cguard: warning: %s\n", cg_inventory_warning(inv, i));
	if (scan) {
		flt.ignore = ignore;
		flt.vex = (const struct cg_vex *const *)vex;
		flt.nvex = nvex;
		if (cg_findings_filter(findings, &flt, img, inv, &err) != CG_OK) {
			fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
			goto done;
		}
		if (!quiet && cg_findings_expired_rules(findings))
			fprintf(stderr, "cguard: warning: %zu ignore rule matches past their expiry "
				"date (the findings are reported)\n",
				cg_findings_expired_rules(findings));
		if (cg_findings_write(img, inv, findings, sfmt, &out, &err) != CG_OK) {
			fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
			goto done;
		}
	}
	if (!scan && cg_inventory_write(img, inv, fmt, &out, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		goto done;
	}
	rc = write_out(output, &out);
	if (rc == CLI_OK && scan && exit_code &&
	    (cg_findings_count(findings) > cg_findings_suppressed(findings) ||
	     content_left(inv, flt.levels)))
		rc = (int)exit_code;
done:
	cg_ignore_free(ignore);
	for (size_t i = 0; i < nvex; i++)
		cg_vex_free(vex[i]);
	cg_buf_release(&out);
	explicit_bzero(password, sizeof(password));
	cg_findings_free(findings);
	cg_inventory_free(inv);
	cg_image_free(img);
	cg_vulndb_close(db);
	return rc;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_image, "missing subcommand");
	if (!strcmp(argv[1], "sbom") || !strcmp(argv[1], "scan"))
		return cmd_read(argc - 1, argv + 1, !strcmp(argv[1], "scan"));
	return cli_usage_error(&cli_cmd_image, "unknown subcommand '%s'", argv[1]);
}

const struct cli_command cli_cmd_image = {
	.name = "image",
	.summary = "read container images: software inventory, SBOM, vulnerability scan",
	.usage = usage,
	.run = run,
};
