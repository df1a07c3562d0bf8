/* cguard server: the management server, and the audit trail's verifier. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cguard/server.h>
#include "cli.h"

static const char usage[] =
	"usage: cguard server --data DIR [--listen ADDR] [--db URL] [options]\n"
	"       cguard server audit-verify (--data DIR | --db URL)\n"
	"\n"
	"Run the management server: the REST API under /api/v1 (docs/server.md,\n"
	"docs/openapi.json), /healthz and /metrics. On first start it creates the user\n"
	"admin with the password in CGUARD_ADMIN_PASSWORD, or a random one written once\n"
	"to DIR/initial-admin-password (mode 0600).\n"
	"\n"
	"audit-verify  Check the audit trail's hash chain: exit 0 when intact, 1 naming\n"
	"              the first bad record.\n"
	"\n"
	"  -d, --data DIR              the server's folder (the SQLite store by default)\n"
	"  -l, --listen ADDR           HOST:PORT or [V6]:PORT (default 127.0.0.1:8080)\n"
	"      --db URL                sqlite:PATH or postgres://... (default sqlite:DIR/cguard.db)\n"
	"      --tls-cert FILE         PEM certificate (with --tls-key: HTTPS)\n"
	"      --tls-key FILE          PEM private key\n"
	"      --audit-retention-days N  keep audit records N days (default 180)\n"
	"      --threads N             worker threads (default 4)\n"
	"      --connection-timeout S  close idle or slow connections after S seconds (30)\n"
	"      --heartbeat-interval S  agents' heartbeat interval (30); offline after 3 missed\n"
	"      --session-idle-hours H  sessions end after H hours unused (12)\n"
	"  -q, --quiet                 no request log lines on stderr\n"
	"  -h, --help                  this text\n"
	"\n"
	"Exit status: 0 stopped by SIGINT/SIGTERM (or audit intact), 1 failed, 2 bad\n"
	"command line.\n";

const struct cli_command cli_cmd_server;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void log_line(const char *line, void *ud)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	if (*(int *)ud)
		return;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s\n", ts, line);
}

static void on_ready(const char *addr, void *ud)
{
	(void)ud;
	fprintf(stderr, "cguard server: listening on %s\n", addr);
}

static int uint_arg(const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v == 0 || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *db = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'b': db = optarg; break;
		default: return cli_usage_error(&cli_cmd_server, "bad option for audit-verify");
		}
	}
	if ((!data && !db) || optind != argc)
		return cli_usage_error(&cli_cmd_server, "audit-verify needs --data DIR or --db URL");
	struct cg_error err = { 0 };
	cg_err_t e = cg_server_audit_verify(data, db, NULL, &err);
	if (e == CG_OK) {
		printf("audit trail intact: %s\n", cg_error_message(&err));
		return CLI_OK;
	}
	fprintf(stderr, "cguard server audit-verify: %s\n", cg_error_message(&err));
	return CLI_FAIL;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'b' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "audit-retention-days", required_argument, NULL, 'R' },
		{ "threads", required_argument, NULL, 'T' },
		{ "connection-timeout", required_argument, NULL, 'O' },
		{ "heartbeat-interval", required_argument, NULL, 'H' },
		{ "session-idle-hours", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_server_opts o = { 0 };
	int c, quiet = 0;

	if (argc >= 2 && strcmp(argv[1], "audit-verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "routes") == 0) {
		/* hidden: the route table as JSON (the tests' role table comes from it) */
		struct cg_buf b = CG_BUF_INIT(1 << 20);
		if (cg_server_routes_json(&b, NULL) != CG_OK)
			return CLI_FAIL;
		printf("%s\n", cg_buf_str(&b));
		cg_buf_release(&b);
		return CLI_OK;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:l:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.data_dir = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'b': o.db_url = optarg; break;
		case 'C': o.tls_cert = optarg; break;
		case 'K': o.tls_key = optarg; break;
		case 'q': quiet = 1; break;
		case 'R':
			if (uint_arg(optarg, 36500, &o.audit_retention_days))
				return cli_usage_error(&cli_cmd_server, "--audit-retention-days: 1 to 36500");
			break;
		case 'T':
			if (uint_arg(optarg, 64, &o.threads))
				return cli_usage_error(&cli_cmd_server, "--threads: 1 to 64");
			break;
		case 'O':
			if (uint_arg(optarg, 3600, &o.connection_timeout))
				return cli_usage_error(&cli_cmd_server, "--connection-timeout: 1 to 3600");
			break;
		case 'H':
			if (uint_arg(optarg, 3600, &o.heartbeat_interval))
				return cli_usage_error(&cli_cmd_server, "--heartbeat-interval: 1 to 3600");
			break;
		case 'S':
			if (uint_arg(optarg, 24 * 365, &o.session_idle_hours))
				return cli_usage_error(&cli_cmd_server, "--session-idle-hours: 1 to 8760");
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_OK;
		default:
			return cli_usage_error(&cli_cmd_server, "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage_error(&cli_cmd_server, "unexpected argument %s", argv[optind]);
	if (!o.data_dir && !o.db_url)
		return cli_usage_error(&cli_cmd_server, "give --data DIR (or --db URL)");
	o.log = log_line;
	o.log_ud = &quiet;
	o.ready = on_ready;

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct cg_error err = { 0 };
	cg_err_t e = cg_server_run(&o, &stop_flag, &err);
	if (e != CG_OK) {
		fprintf(stderr, "cguard server: %s\n", cg_error_message(&err));
		return CLI_FAIL;
	}
	fprintf(stderr, "cguard server: stopped\n");
	return CLI_OK;
}

const struct cli_command cli_cmd_server = {
	.name = "server",
	.summary = "run the management server (REST API, IAM, audit trail, agents)",
	.usage = usage,
	.run = run,
};
