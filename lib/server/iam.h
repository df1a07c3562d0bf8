/* cguard server: identity and permissions (IAM-01..05).
 *
 * Passwords: argon2id (libargon2), m=19 MiB, t=2, p=1 (OWASP's first choice),
 * stored in the encoded form that carries its parameters. Tokens: 256 random
 * bits as 64 hex chars, stored as their SHA-256. Policies: the SPEC's JSON
 * documents {"Version":"1.1","Statement":[{"Effect","Action":[...]}]}; action
 * patterns match per ':'-separated segment, each segment an fnmatch(3) glob
 * ("cgs:*:list"), "*" alone matches every action, and a last segment "*" also
 * matches any deeper remainder. Evaluation: an explicit Deny wins, then an Allow,
 * else deny. */
#ifndef CG_SERVER_IAM_H
#define CG_SERVER_IAM_H

#include <cguard/cguard.h>
#include "server/db.h"

#define IAM_ARGON_T 2
#define IAM_ARGON_M_KIB (19 * 1024)
#define IAM_ARGON_P 1
#define IAM_HASH_MAX 160
#define IAM_PASSWORD_MIN 8
#define IAM_PASSWORD_MAX 1024
#define IAM_LOCK_FAILURES 5
#define IAM_LOCK_MS (15 * 60 * 1000LL)
#define IAM_POLICY_MAX_BYTES 65536
#define IAM_POLICY_MAX_STATEMENTS 100
#define IAM_POLICY_MAX_ACTIONS 200
#define IAM_DEFAULT_QUOTA "1000" /* protected nodes until PUT /api/v1/quota */

/* The system policies (names and documents). */
#define IAM_SYS_ADMIN "CGS Administrator"
#define IAM_SYS_FULL "CGS FullAccess"
#define IAM_SYS_READONLY "CGS ReadOnlyAccess"
extern const char *const iam_system_policies[3][3]; /* {name, document, description} */

cg_err_t iam_hash_password(const char *pw, char out[IAM_HASH_MAX], struct cg_error *err);
/* true when pw matches the encoded hash (constant time in argon2). */
bool iam_verify_password(const char *encoded, const char *pw);
/* A hash of a random password: verified against for unknown users so that an
 * unknown name costs what a wrong password costs. */
const char *iam_dummy_hash(void);

/* ---- policy documents ------------------------------------------------------ */
enum iam_decision { IAM_IMPLICIT_DENY, IAM_ALLOW, IAM_EXPLICIT_DENY };

/* Validate a policy document (untrusted text). err names the statement and field. */
cg_err_t iam_policy_validate(const char *text, size_t len, struct cg_error *err);
/* Does an action pattern match an action? */
bool iam_action_match(const char *pattern, const char *action);
/* Evaluate action against parsed documents: Deny > Allow > implicit deny. */
enum iam_decision iam_evaluate(cg_json *const *docs, size_t n, const char *action);
/* Is the action a well-formed name (segments of [A-Za-z0-9*?_-], 2..4 of them)? */
bool iam_action_name_ok(const char *a);

/* ---- the store ------------------------------------------------------------- */
/* First start: the system policies, group admin, user admin (password from env
 * CGUARD_ADMIN_PASSWORD or random, written to DATA_DIR/initial-admin-password). */
cg_err_t iam_bootstrap(struct cg_db *db, const char *data_dir, struct cg_error *err);
/* The decision for user_id and action (reads the user's groups' policies). */
cg_err_t iam_user_allowed(struct cg_db *db, const char *user_id, const char *action,
			  enum iam_decision *out, struct cg_error *err);

#endif
