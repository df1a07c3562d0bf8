/* Runtime detection rules: data in rules/runtime/ (YAML files), evaluated against
 * sensor records (struct cg_sev) in the context of their container, process and
 * policy. See docs/runtime-rules.md for the rule format. */
#ifndef CG_AGENT_RULES_H
#define CG_AGENT_RULES_H

#include "agent/agent_int.h"

struct cg_ruleset;

/* What every rule says about itself (strings owned by the ruleset). */
struct cg_rule_info {
	const char *id;        /* "escape.open_by_handle_at" */
	const char *category;  /* escape, high-risk syscall, abnormal process, file anomaly,
				* container environment, reverse shell, privilege escalation,
				* key file change, persistence, account, network */
	const char *severity;  /* critical, high, medium, low, info */
	const char *mitre;     /* "T1611" */
	const char *message;
	const char *solution;
};

/* What the agent knows around one record. Everything may be NULL/false. */
struct cg_evctx {
	const struct cg_container *container;
	const struct cg_policy *policy;
	const char *exe;         /* the process's program (container path) */
	const char *cmdline;     /* argv joined by spaces, bounded */
	const char *parent_exe;
	bool stdio_socket;       /* EXEC: the new program's fd 0, 1 or 2 is a socket */
	bool host_sensitive;     /* OPEN: the object is a watched host-sensitive object */
	const char *host_object; /* ... and its host path */
	bool whitelisted;        /* EXEC: the program is on the policy's whitelist */
	bool protected_path;     /* OPEN/RENAME/UNLINK/...: path is in protected_paths */
};

struct cg_alert {
	const struct cg_rule_info *rule;
	cg_json *details; /* owned by the caller after eval (cg_json_free) */
};

/* Load every *.yaml / *.yml / *.json of dir (sorted), or one file. Malformed
 * rules are refused naming file, rule index and reason; duplicates ids refused. */
cg_err_t cg_rules_load(const char *path, struct cg_ruleset **out, struct cg_error *err);
/* Parse one rule document (untrusted text) into rs (created when *rs is NULL). */
cg_err_t cg_rules_parse(const char *text, size_t len, const char *name, struct cg_ruleset **rs,
			struct cg_error *err);
void cg_rules_free(struct cg_ruleset *rs);
size_t cg_rules_count(const struct cg_ruleset *rs);
const struct cg_rule_info *cg_rules_get(const struct cg_ruleset *rs, const char *id);

/* Judge one record: appends up to max alerts to out, returns how many. Stateful
 * rules (rates: brute force, fork bombs; sequences) keep their state inside rs,
 * keyed by container and process. Not thread-safe. */
size_t cg_rules_eval(struct cg_ruleset *rs, const struct cg_sev *ev, const struct cg_evctx *ctx,
		     struct cg_alert *out, size_t max);

/* The event line of SPEC RUN-08 / issue 6: time, node, container{...}, process{...},
 * category, rule, severity, action ("alert"|"killed"|"denied"), message, solution,
 * mitre, details. Takes details over (the caller's reference), also on failure. */
cg_err_t cg_event_json(const struct cg_rule_info *rule, const char *action, const char *node,
		       const struct cg_sev *ev, const struct cg_evctx *ctx, cg_json *details,
		       unsigned long long realtime_ns, cg_json **out);

/* Added by the rules engine (not part of the first interface):
 * The account check the agent runs after a write to a container's /etc/passwd or
 * /etc/shadow (read through /proc/PID/root): the texts are untrusted and bounded
 * by n and m (either may be NULL). Returns CG_ACCOUNT_* bits; when any is set and
 * details is not NULL, *details is a new object {"uid0": [names],
 * "empty_password": [names]} (at most 64 names each) for account.uid0 /
 * account.empty_password. */
#define CG_ACCOUNT_UID0 1u           /* an account other than root with uid 0 */
#define CG_ACCOUNT_EMPTY_PASSWORD 2u /* an account with an empty password field */
unsigned cg_rules_check_accounts(const char *passwd_text, size_t n, const char *shadow_text,
				 size_t m, cg_json **details);

#endif
