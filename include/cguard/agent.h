/* The node agent ("shield"): watches the containers of one node, judges what
 * their processes do against the runtime rules and the per-image policies, acts
 * (alert, kill, deny) and writes one JSON event per line. See docs/agent.md. */
#ifndef CGUARD_AGENT_H
#define CGUARD_AGENT_H

#include <signal.h>
#include <cguard/common.h>
#include <cguard/error.h>

struct cg_agent_opts {
	const char *node;          /* node name in events; NULL: the host name */
	const char *events_path;   /* --events FILE: one JSON object a line ("-": stdout) */
	const char *policy_path;   /* --policy FILE (re-read on SIGHUP); NULL: none */
	const char *rules_path;    /* runtime rules (file or folder); NULL: built-in */
	char **runc_roots;        size_t n_runc_roots;        /* NULL: the defaults */
	char **containerd_states; size_t n_containerd_states;
	char **containerd_roots;  size_t n_containerd_roots;
	char **hash_lists;        size_t n_hash_lists;        /* ClamAV .hdb/.hsb lists */
	size_t ringbuf_bytes;      /* 0: 8 MiB */
	bool force_fallback;       /* skip eBPF: proc connector + fanotify */
	unsigned learn_seconds;    /* > 0: learning mode for that long */
	const char *learn_out;     /* where the proposed policies are written */
	const char *stats_path;    /* counters written here at exit (JSON), optional */
	/* Uplink to the management server (issue 7): NULL server_url = standalone. */
	const char *server_url;
	const char *token;         /* the agent token; or ... */
	const char *join_token;    /* ... register with the cluster's join token, once */
	const char *token_file;    /* where the agent token is kept (0600); NULL: in journal_dir */
	const char *journal_dir;
	const char *ca_file;
};

/* Run until *stop becomes non-zero (a signal handler sets it) or a fatal error.
 * SIGHUP (delivered to the process) re-reads the policy file. */
CG_API cg_err_t cg_agent_run(const struct cg_agent_opts *o, volatile sig_atomic_t *stop,
			     volatile sig_atomic_t *reload, struct cg_error *err);

/* Read and validate a policy file (the --policy format) without running:
 * *n receives the number of policies. */
CG_API cg_err_t cg_agent_check_policy(const char *path, size_t *n, struct cg_error *err);

#endif
