/* The node agent's uplink to the management server (docs/agent-uplink.md).
 *
 *   agent loop --cg_uplink_push--> journal (disk) <--peek/ack-- sender thread --HTTP--> server
 *
 * cg_uplink_push() only appends to the journal (lib/agent/journal.h): it never
 * waits for the network. One sender thread takes batches from the journal, POSTs
 * {"events":[...]} to /api/v1/agents/events and acknowledges the journal only when
 * the server answers 200 (it answers after its commit). Connection errors, 5xx and
 * 429 are retried with exponential backoff and jitter; a 400 or 413 splits the batch
 * in halves until the event the server refuses is alone, which is then dropped
 * (counted, logged, reported in the heartbeat's events_lost); 401/403 back off and
 * set auth_failed. The same thread sends heartbeats and, when a heartbeat's
 * policy_etag changes, fetches the policies (If-None-Match) for on_policies().
 *
 * The library never prints: retries, drops and refusals go to the cg_log callback.
 * The token is never logged. TLS is always verified (system CAs plus tls.ca_file). */
#ifndef CG_AGENT_UPLINK_H
#define CG_AGENT_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cguard/cguard.h>
#include "agent/journal.h"

struct cg_uplink_tls {
	const char *ca_file;         /* PEM CA certificates added to the system ones */
	unsigned connect_timeout_ms; /* 0: 10 s */
	unsigned timeout_ms;         /* a whole request; 0: 60 s */
};

/* Register this node with a join token (POST /api/v1/agents/register). On success
 * the three strings are malloc'd (free() them). CG_ERR_DENIED for 401/403 (the
 * server's message says why: quota used up, expired, frozen, bad token), CG_ERR_IO
 * when the server cannot be reached, CG_ERR_INVALID for an answer we cannot read. */
cg_err_t cg_uplink_register(const struct cg_uplink_tls *tls, const char *server_url,
			    const char *join_token, const char *node, const char *version,
			    char **agent_token, char **node_id, char **cluster_id,
			    struct cg_error *err) CG_MUST_CHECK;

struct cg_uplink_opts {
	const char *server_url;        /* http[s]://host[:port], no path */
	const char *token;             /* the agent token from registration */
	const char *journal_dir;
	uint64_t journal_max_bytes;    /* 0: 256 MiB */
	unsigned journal_sync_ms;      /* 0: 100 ms */
	bool journal_sync_always;      /* --journal-sync always */
	size_t batch_max_events;       /* 0: 500 (the server takes 5000) */
	size_t batch_max_bytes;        /* 0: 4 MiB (the server takes 8 MiB) */
	unsigned flush_interval_ms;    /* how long an idle sender sleeps; 0: 200 */
	unsigned heartbeat_interval_s; /* 0: 30; the server's answer replaces it */
	unsigned backoff_min_ms;       /* 0: 200 */
	unsigned backoff_max_ms;       /* 0: 30000 */
	struct cg_uplink_tls tls;
	/* new policies (the agent's --policy file format), from the sender thread */
	void (*on_policies)(const char *json, size_t len, void *arg);
	/* each heartbeat answer: the cluster's protection state */
	void (*on_heartbeat)(bool protected_, void *arg);
	void *cb_arg;
};

struct cg_uplink_stats {
	uint64_t delivered;        /* events the server acknowledged (accepted + duplicates) */
	uint64_t accepted, duplicates;
	uint64_t rejected;         /* events the server refused alone with 400/413: dropped */
	uint64_t requests;         /* event POSTs */
	uint64_t retries;          /* event POSTs that failed and were retried */
	uint64_t heartbeats, heartbeat_failures, policy_fetches, policy_updates;
	long last_status;          /* HTTP status of the last request; 0: no answer */
	bool auth_failed;          /* the server refuses the agent token (401/403) */
	bool protected_;           /* from the last heartbeat */
	unsigned heartbeat_interval_s;
	struct cg_journal_stats journal;
};

struct cg_uplink;

/* Open the journal (recovering what an earlier run left) and start the sender. */
cg_err_t cg_uplink_open(const struct cg_uplink_opts *o, struct cg_uplink **out,
			struct cg_error *err) CG_MUST_CHECK;

/* Journal one event: a JSON object with a string "id" (a trailing newline is
 * removed). CG_ERR_INVALID for anything else, CG_ERR_LIMIT above 64 KiB (the
 * server's limit for one event). Never
 * waits for the network. */
cg_err_t cg_uplink_push(struct cg_uplink *u, const char *line, size_t len,
			struct cg_error *err) CG_MUST_CHECK;

/* What the next heartbeats report. sensor: "bpf" or "fallback" (copied).
 * events_lost is the agent's own count; the uplink adds the journal's drops and
 * the events the server refused. */
void cg_uplink_set_status(struct cg_uplink *u, uint64_t containers, uint64_t events_lost,
			  const char *sensor);

void cg_uplink_stats(struct cg_uplink *u, struct cg_uplink_stats *out);

/* Try to deliver what is journaled for up to timeout_ms, then stop the sender and
 * close the journal; what is still unsent stays there for the next start. Returns
 * the number of events left unsent. NULL is fine. */
uint64_t cg_uplink_close(struct cg_uplink *u, unsigned timeout_ms);

#endif
