/* cguard agent: the node agent (include/cguard/agent.h). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cguard/agent.h>

#include "cli.h"

static const char usage[] =
	"usage: cguard agent [--events FILE] [--policy FILE] [options]\n"
	"\n"
	"Watch the containers of this node (runc, containerd, Docker, CRI-O), check\n"
	"their environment at start, detect attacks inside them with an eBPF sensor,\n"
	"enforce per-image policies (process whitelist: kill at exec; protected paths:\n"
	"read-only), and write one JSON event per line. Runs as root until SIGINT or\n"
	"SIGTERM; SIGHUP re-reads the policy file.\n"
	"\n"
	"  -e, --events FILE        append events to FILE (\"-\": standard output)\n"
	"  -p, --policy FILE        per-image policies (a JSON array; see docs/agent.md)\n"
	"      --rules PATH         runtime rules file or folder (default: built-in)\n"
	"      --node NAME          node name in events (default: the host name)\n"
	"      --runc-root DIR      a runc state root to watch (repeatable; default:\n"
	"                           /run/runc, /run/containerd/runc/*, /run/docker/...)\n"
	"      --containerd-state DIR   containerd --state folder (repeatable)\n"
	"      --containerd-root DIR    containerd --root folder (image names; repeatable)\n"
	"      --hashes FILE        ClamAV .hdb/.hsb hash list: programs started in\n"
	"                           containers are checked against it (repeatable)\n"
	"      --ringbuf BYTES      kernel ring buffer size (power of two, default 8 MiB)\n"
	"      --fallback           do not use eBPF (proc connector + fanotify)\n"
	"      --learn SECONDS      learning mode: record the programs each image runs\n"
	"      --learn-out FILE     ... and write the proposed policies there\n"
	"      --check-policy       validate the --policy file and exit\n"
	"      --stats FILE         keep counters (records, events, drops, kills) in FILE\n"
	"      --server URL         send events to a cguard server (with --token)\n"
	"      --token TOKEN        the agent's token (or CGUARD_AGENT_TOKEN)\n"
	"      --join-token TOKEN   register with the cluster's join token (or\n"
	"                           CGUARD_JOIN_TOKEN); the agent token is kept in\n"
	"                           --token-file (default JOURNAL/agent-token) for restarts\n"
	"      --token-file FILE    where the agent token is kept\n"
	"      --journal DIR        the on-disk event journal (default /var/lib/cguard/journal)\n"
	"      --ca-file FILE       CA certificates for the server's TLS certificate\n"
	"  -v, --verbose            log debug messages\n"
	"  -h, --help               this text\n";

const struct cli_command cli_cmd_agent;

static volatile sig_atomic_t g_stop, g_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_reload = 1;
	else
		g_stop = 1;
}

static void log_stderr(enum cg_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "cguard agent: %s: %s\n", cg_log_level_name(level), msg);
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -1;
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

static int run(int argc, char **argv)
{
	enum { O_RULES = 256, O_NODE, O_RUNC, O_CSTATE, O_CROOT, O_HASH, O_RING, O_FALLBACK,
	       O_LEARN, O_LEARN_OUT, O_STATS, O_SERVER, O_TOKEN, O_JOURNAL, O_CA, O_CHECK, O_JOIN, O_TOKFILE };
	static const struct option lo[] = {
		{"events", required_argument, NULL, 'e'},
		{"policy", required_argument, NULL, 'p'},
		{"rules", required_argument, NULL, O_RULES},
		{"node", required_argument, NULL, O_NODE},
		{"runc-root", required_argument, NULL, O_RUNC},
		{"containerd-state", required_argument, NULL, O_CSTATE},
		{"containerd-root", required_argument, NULL, O_CROOT},
		{"hashes", required_argument, NULL, O_HASH},
		{"ringbuf", required_argument, NULL, O_RING},
		{"fallback", no_argument, NULL, O_FALLBACK},
		{"learn", required_argument, NULL, O_LEARN},
		{"learn-out", required_argument, NULL, O_LEARN_OUT},
		{"stats", required_argument, NULL, O_STATS},
		{"server", required_argument, NULL, O_SERVER},
		{"token", required_argument, NULL, O_TOKEN},
		{"journal", required_argument, NULL, O_JOURNAL},
		{"ca-file", required_argument, NULL, O_CA},
		{"check-policy", no_argument, NULL, O_CHECK},
		{"join-token", required_argument, NULL, O_JOIN},
		{"token-file", required_argument, NULL, O_TOKFILE},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cg_agent_opts o = {0};
	struct cg_error err;
	struct sigaction sa;
	enum cg_log_level lvl = CG_LOG_INFO;
	int c, rc = CLI_OK;
	bool check_only = false;

	o.journal_dir = "/var/lib/cguard/journal";
	while ((c = getopt_long(argc, argv, "e:p:vh", lo, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'e': o.events_path = optarg; break;
		case 'p': o.policy_path = optarg; break;
		case O_RULES: o.rules_path = optarg; break;
		case O_NODE: o.node = optarg; break;
		case O_RUNC:
			if (push(&o.runc_roots, &o.n_runc_roots, optarg)) rc = CLI_FAIL;
			break;
		case O_CSTATE:
			if (push(&o.containerd_states, &o.n_containerd_states, optarg)) rc = CLI_FAIL;
			break;
		case O_CROOT:
			if (push(&o.containerd_roots, &o.n_containerd_roots, optarg)) rc = CLI_FAIL;
			break;
		case O_HASH:
			if (push(&o.hash_lists, &o.n_hash_lists, optarg)) rc = CLI_FAIL;
			break;
		case O_RING:
			o.ringbuf_bytes = strtoull(optarg, &end, 10);
			if (*end || o.ringbuf_bytes < 4096 || (o.ringbuf_bytes & (o.ringbuf_bytes - 1)))
				return cli_usage_error(&cli_cmd_agent,
						       "--ringbuf: a power of two of at least 4096");
			break;
		case O_FALLBACK: o.force_fallback = true; break;
		case O_LEARN: {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v == 0 || v > 30 * 86400)
				return cli_usage_error(&cli_cmd_agent, "--learn: seconds, 1..2592000");
			o.learn_seconds = (unsigned)v;
			break;
		}
		case O_LEARN_OUT: o.learn_out = optarg; break;
		case O_STATS: o.stats_path = optarg; break;
		case O_SERVER: o.server_url = optarg; break;
		case O_TOKEN: o.token = optarg; break;
		case O_JOURNAL: o.journal_dir = optarg; break;
		case O_CA: o.ca_file = optarg; break;
		case O_CHECK: check_only = true; break;
		case O_JOIN: o.join_token = optarg; break;
		case O_TOKFILE: o.token_file = optarg; break;
		case 'v': lvl = CG_LOG_DEBUG; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_usage_error(&cli_cmd_agent, "unknown option");
		}
	}
	if (rc != CLI_OK) {
		fprintf(stderr, "cguard agent: out of memory\n");
		goto out;
	}
	if (optind < argc) {
		rc = cli_usage_error(&cli_cmd_agent, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (check_only) {
		size_t n = 0;
		if (!o.policy_path) {
			rc = cli_usage_error(&cli_cmd_agent, "--check-policy needs --policy FILE");
			goto out;
		}
		if (cg_agent_check_policy(o.policy_path, &n, &err) != CG_OK) {
			fprintf(stderr, "cguard agent: %s: %s\n", o.policy_path, cg_error_message(&err));
			rc = CLI_FAIL;
		} else {
			printf("%s: %zu polic%s, valid\n", o.policy_path, n, n == 1 ? "y" : "ies");
		}
		goto out;
	}
	if (o.learn_seconds && !o.learn_out) {
		rc = cli_usage_error(&cli_cmd_agent, "--learn needs --learn-out FILE");
		goto out;
	}
	if (!o.token)
		o.token = getenv("CGUARD_AGENT_TOKEN");
	if (!o.join_token)
		o.join_token = getenv("CGUARD_JOIN_TOKEN");
	if (!o.events_path && !o.server_url && !o.learn_out) {
		rc = cli_usage_error(&cli_cmd_agent, "say where events go: --events FILE or --server URL");
		goto out;
	}
	cg_log_set(log_stderr, NULL, lvl);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cg_agent_run(&o, &g_stop, &g_reload, &err) != CG_OK) {
		fprintf(stderr, "cguard agent: %s\n", cg_error_message(&err));
		rc = CLI_FAIL;
	}
out:
	free(o.runc_roots);
	free(o.containerd_states);
	free(o.containerd_roots);
	free(o.hash_lists);
	return rc;
}

const struct cli_command cli_cmd_agent = {
	.name = "agent",
	.summary = "the node agent: container discovery, runtime detection and enforcement",
	.usage = usage,
	.run = run,
};
