/* cguard server: passwords, policy documents and their evaluation, first start. */
#include <argon2.h>
#include <openssl/rand.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/http.h"
#include "server/iam.h"
#include "util/banned.h"

const char *const iam_system_policies[3][3] = {
	{ IAM_SYS_ADMIN,
	  "{\"Statement\":[{\"Action\":[\"*\"],\"Effect\":\"Allow\"}],\"Version\":\"1.1\"}",
	  "Every action, including users, groups, IAM policies and the service authorisation" },
	{ IAM_SYS_FULL,
	  "{\"Statement\":[{\"Action\":[\"cgs:*:*\"],\"Effect\":\"Allow\"}],\"Version\":\"1.1\"}",
	  "Every cgs: action (not user and permission management)" },
	{ IAM_SYS_READONLY,
	  "{\"Statement\":[{\"Action\":[\"cgs:*:get\",\"cgs:*:list\"],\"Effect\":\"Allow\"}],"
	  "\"Version\":\"1.1\"}",
	  "Every cgs: get and list action" },
};

/* ---- passwords ------------------------------------------------------------- */

cg_err_t iam_hash_password(const char *pw, char out[IAM_HASH_MAX], struct cg_error *err)
{
	unsigned char salt[16];
	size_t len = strlen(pw);

	if (len < IAM_PASSWORD_MIN || len > IAM_PASSWORD_MAX)
		return cg_error_set(err, CG_ERR_INVALID, "password: %d to %d characters",
				    IAM_PASSWORD_MIN, IAM_PASSWORD_MAX);
	if (RAND_bytes(salt, sizeof salt) != 1)
		return cg_error_set(err, CG_ERR_IO, "no random bytes");
	int rc = argon2id_hash_encoded(IAM_ARGON_T, IAM_ARGON_M_KIB, IAM_ARGON_P, pw, len, salt,
				       sizeof salt, 32, out, IAM_HASH_MAX);
	if (rc != ARGON2_OK)
		return cg_error_set(err, CG_ERR_INTERNAL, "argon2: %s", argon2_error_message(rc));
	return CG_OK;
}

bool iam_verify_password(const char *encoded, const char *pw)
{
	if (!encoded || !pw || strncmp(encoded, "$argon2id$", 10) != 0)
		return false;
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[IAM_HASH_MAX];

static void make_dummy(void)
{
	char pw[65];
	if (srv_random_hex(pw, 32) != CG_OK)
		snprintf(pw, sizeof pw, "%s", "cguard-dummy-password-for-timing");
	if (iam_hash_password(pw, dummy_hash, NULL) != CG_OK)
		dummy_hash[0] = 0;
}

const char *iam_dummy_hash(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy_hash;
}

/* ---- policy documents ------------------------------------------------------ */

bool iam_action_name_ok(const char *a)
{
	size_t segs = 1, seglen = 0, len = strlen(a);
	if (len == 0 || len > 128)
		return false;
	if (strcmp(a, "*") == 0)
		return true;
	for (const char *p = a; *p; p++) {
		if (*p == ':') {
			if (seglen == 0)
				return false;
			segs++;
			seglen = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '*' || *p == '?' || *p == '_' || *p == '-'))
			return false;
		seglen++;
	}
	return seglen > 0 && segs >= 2 && segs <= 4;
}

bool iam_action_match(const char *pattern, const char *action)
{
	if (strcmp(pattern, "*") == 0)
		return true;
	const char *p = pattern, *a = action;
	for (;;) {
		const char *pe = strchr(p, ':'), *ae = strchr(a, ':');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t al = ae ? (size_t)(ae - a) : strlen(a);
		char ps[129], as[129];
		if (pl >= sizeof ps || al >= sizeof as)
			return false;
		memcpy(ps, p, pl);
		ps[pl] = 0;
		memcpy(as, a, al);
		as[al] = 0;
		if (!pe && strcmp(ps, "*") == 0)
			return true; /* a last "*" takes the remainder */
		if (fnmatch(ps, as, 0) != 0)
			return false;
		if (!pe && !ae)
			return true;
		if (!pe || !ae)
			return false;
		p = pe + 1;
		a = ae + 1;
	}
}

static cg_err_t validate_doc(const cg_json *doc, struct cg_error *err)
{
	if (!cg_json_is_object(doc))
		return cg_error_set(err, CG_ERR_INVALID, "policy document: not a JSON object");
	for (void *it = cg_json_iter(doc); it; it = cg_json_iter_next(doc, it)) {
		const char *k = cg_json_iter_key(it);
		if (strcmp(k, "Version") && strcmp(k, "Statement"))
			return cg_error_set(err, CG_ERR_INVALID, "policy document: unknown field \"%.64s\"", k);
	}
	const char *ver = cg_json_get_str(doc, "Version");
	if (!ver || strcmp(ver, "1.1") != 0)
		return cg_error_set(err, CG_ERR_INVALID, "policy document: field \"Version\" must be \"1.1\"");
	cg_json *st = cg_json_get(doc, "Statement");
	if (!cg_json_is_array(st) || cg_json_array_len(st) == 0)
		return cg_error_set(err, CG_ERR_INVALID, "policy document: field \"Statement\" must be a non-empty array");
	if (cg_json_array_len(st) > IAM_POLICY_MAX_STATEMENTS)
		return cg_error_set(err, CG_ERR_LIMIT, "policy document: more than %d statements",
				    IAM_POLICY_MAX_STATEMENTS);
	for (size_t i = 0; i < cg_json_array_len(st); i++) {
		cg_json *s = cg_json_array_at(st, i);
		if (!cg_json_is_object(s))
			return cg_error_set(err, CG_ERR_INVALID, "statement %zu: not an object", i);
		for (void *it = cg_json_iter(s); it; it = cg_json_iter_next(s, it)) {
			const char *k = cg_json_iter_key(it);
			if (strcmp(k, "Effect") && strcmp(k, "Action"))
				return cg_error_set(err, CG_ERR_INVALID, "statement %zu: unknown field \"%.64s\"", i, k);
		}
		const char *eff = cg_json_get_str(s, "Effect");
		if (!eff || (strcmp(eff, "Allow") && strcmp(eff, "Deny")))
			return cg_error_set(err, CG_ERR_INVALID, "statement %zu: field \"Effect\" must be \"Allow\" or \"Deny\"", i);
		cg_json *acts = cg_json_get(s, "Action");
		if (!cg_json_is_array(acts) || cg_json_array_len(acts) == 0)
			return cg_error_set(err, CG_ERR_INVALID, "statement %zu: field \"Action\" must be a non-empty array", i);
		if (cg_json_array_len(acts) > IAM_POLICY_MAX_ACTIONS)
			return cg_error_set(err, CG_ERR_LIMIT, "statement %zu: more than %d actions", i,
					    IAM_POLICY_MAX_ACTIONS);
		for (size_t j = 0; j < cg_json_array_len(acts); j++) {
			const char *a = cg_json_string(cg_json_array_at(acts, j));
			if (!a || !iam_action_name_ok(a))
				return cg_error_set(err, CG_ERR_INVALID,
						    "statement %zu: action %zu is not an action name (like \"cgs:cluster:list\")", i, j);
		}
	}
	return CG_OK;
}

cg_err_t iam_policy_validate(const char *text, size_t len, struct cg_error *err)
{
	struct cg_json_limits lim = { .max_bytes = IAM_POLICY_MAX_BYTES, .max_depth = 8 };
	cg_json *doc = NULL;
	cg_err_t e = cg_json_parse(text, len, &lim, &doc, err);
	if (e != CG_OK)
		return e;
	e = validate_doc(doc, err);
	cg_json_free(doc);
	return e;
}

enum iam_decision iam_evaluate(cg_json *const *docs, size_t n, const char *action)
{
	bool allow = false;
	for (size_t d = 0; d < n; d++) {
		cg_json *st = cg_json_get(docs[d], "Statement");
		for (size_t i = 0; i < cg_json_array_len(st); i++) {
			cg_json *s = cg_json_array_at(st, i);
			const char *eff = cg_json_get_str(s, "Effect");
			cg_json *acts = cg_json_get(s, "Action");
			if (!eff)
				continue;
			for (size_t j = 0; j < cg_json_array_len(acts); j++) {
				const char *a = cg_json_string(cg_json_array_at(acts, j));
				if (!a || !iam_action_match(a, action))
					continue;
				if (strcmp(eff, "Deny") == 0)
					return IAM_EXPLICIT_DENY;
				if (strcmp(eff, "Allow") == 0)
					allow = true;
			}
		}
	}
	return allow ? IAM_ALLOW : IAM_IMPLICIT_DENY;
}

/* ---- the store ------------------------------------------------------------- */

cg_err_t iam_user_allowed(struct cg_db *db, const char *user_id, const char *action,
			  enum iam_decision *out, struct cg_error *err)
{
	struct cg_db_rows *rs = NULL;
	struct cg_db_val v[1] = { CG_DB_TEXTV(user_id) };
	cg_err_t e = cg_db_query(db,
				 "SELECT DISTINCT p.id, p.document FROM group_members m "
				 "JOIN group_policies gp ON gp.group_id = m.group_id "
				 "JOIN iam_policies p ON p.id = gp.policy_id WHERE m.user_id = $1",
				 v, 1, &rs, err);
	if (e != CG_OK)
		return e;
	size_t n = cg_db_rows_count(rs), k = 0;
	cg_json **docs = calloc(n ? n : 1, sizeof *docs);
	if (!docs) {
		cg_db_rows_free(rs);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct cg_json_limits lim = { .max_bytes = IAM_POLICY_MAX_BYTES, .max_depth = 8 };
		cg_json *d = NULL;
		if (cg_json_parse(cg_db_rows_text(rs, i, 1), cg_db_rows_len(rs, i, 1), &lim, &d,
				  NULL) == CG_OK) {
			if (validate_doc(d, NULL) == CG_OK)
				docs[k++] = d;
			else
				cg_json_free(d);
		}
	}
	*out = iam_evaluate(docs, k, action);
	for (size_t i = 0; i < k; i++)
		cg_json_free(docs[i]);
	free(docs);
	cg_db_rows_free(rs);
	return CG_OK;
}

static cg_err_t ensure_system_policies(struct cg_db *db, int64_t now, struct cg_error *err)
{
	for (size_t i = 0; i < 3; i++) {
		struct cg_db_val v[4] = { CG_DB_TEXTV(iam_system_policies[i][0]),
					  CG_DB_TEXTV(iam_system_policies[i][1]),
					  CG_DB_TEXTV(iam_system_policies[i][2]), CG_DB_INTV(now) };
		int64_t id;
		cg_err_t e = cg_db_query_int(db, "SELECT id FROM iam_policies WHERE name = $1", v, 1,
					     &id, err);
		if (e == CG_ERR_NOTFOUND) {
			char id[33];
			snprintf(id, sizeof id, "system-%zu", i + 1);
			struct cg_db_val w[5] = { v[0], v[1], v[2], v[3], CG_DB_TEXTV(id) };
			e = cg_db_exec(db,
				       "INSERT INTO iam_policies (id, name, type, document, description, created, updated) "
				       "VALUES ($5, $1, 'system', $2, $3, $4, $4)",
				       w, 5, NULL, err);
		} else if (e == CG_OK) {
			e = cg_db_exec(db,
				       "UPDATE iam_policies SET type = 'system', document = $2, description = $3 "
				       "WHERE name = $1 AND (document <> $2 OR type <> 'system')",
				       v, 3, NULL, err);
		}
		if (e != CG_OK)
			return e;
	}
	return CG_OK;
}

static cg_err_t write_password_file(const char *dir, const char *pw, struct cg_error *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/initial-admin-password", dir) >= (int)sizeof path)
		return cg_error_set(err, CG_ERR_ARG, "data folder path too long");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s: %s", path, strerror(errno));
	size_t len = strlen(pw);
	bool ok = write(fd, pw, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	ok = (fsync(fd) == 0) && ok;
	close(fd);
	if (!ok) {
		unlink(path);
		return cg_error_set(err, CG_ERR_IO, "%s: write failed", path);
	}
	return CG_OK;
}

static cg_err_t text_of(struct cg_db *db, const char *sql, char out[65])
{
	struct cg_db_rows *rs = NULL;
	cg_err_t e = cg_db_query(db, sql, NULL, 0, &rs, NULL);
	if (e != CG_OK)
		return e;
	if (cg_db_rows_count(rs) == 0) {
		cg_db_rows_free(rs);
		return CG_ERR_NOTFOUND;
	}
	snprintf(out, 65, "%s", cg_db_rows_text(rs, 0, 0));
	cg_db_rows_free(rs);
	return CG_OK;
}

cg_err_t iam_bootstrap(struct cg_db *db, const char *data_dir, struct cg_error *err)
{
	int64_t now = srv_now_s(), users = 0;
	char hash[IAM_HASH_MAX], pwbuf[65], uid[33], gid[65], pid[65];
	const char *pw = getenv("CGUARD_ADMIN_PASSWORD");
	bool wrote = false;
	cg_err_t e = cg_db_begin(db, err);
	if (e != CG_OK)
		return e;
	e = ensure_system_policies(db, now, err);
	if (e == CG_OK)
		e = cg_db_exec(db, "INSERT INTO quota (id, total, state, expires) SELECT 1, " IAM_DEFAULT_QUOTA
			       ", 'normal', 0 WHERE NOT EXISTS (SELECT 1 FROM quota WHERE id = 1)", NULL, 0, NULL, err);
	if (e == CG_OK)
		e = cg_db_exec(db, "INSERT INTO agency (id, agreed, agreed_by, agreed_at) SELECT 1, 0, NULL, 0 "
			       "WHERE NOT EXISTS (SELECT 1 FROM agency WHERE id = 1)", NULL, 0, NULL, err);
	if (e == CG_OK)
		e = cg_db_query_int(db, "SELECT COUNT(*) FROM users", NULL, 0, &users, err);
	if (e != CG_OK || users > 0)
		goto out;
	if (!pw || !*pw) {
		if (!data_dir) {
			e = cg_error_set(err, CG_ERR_ARG,
					 "first start without a data folder: set CGUARD_ADMIN_PASSWORD");
			goto out;
		}
		e = srv_random_hex(pwbuf, 12);
		if (e != CG_OK)
			goto out;
		pw = pwbuf;
		e = write_password_file(data_dir, pw, err);
		if (e != CG_OK)
			goto out;
		wrote = true;
	}
	e = iam_hash_password(pw, hash, err);
	if (e != CG_OK)
		goto out;
	{
		srv_new_id(uid);
		struct cg_db_val v[4] = { CG_DB_TEXTV("admin"), CG_DB_TEXTV(hash), CG_DB_INTV(now),
					  CG_DB_TEXTV(uid) };
		e = cg_db_exec(db,
			       "INSERT INTO users (id, name, password_hash, enabled, failed_logins, locked_until, created, updated) "
			       "VALUES ($4, $1, $2, 1, 0, 0, $3, $3)",
			       v, 4, NULL, err);
		if (e != CG_OK)
			goto out;
		e = text_of(db, "SELECT id FROM groups WHERE name = 'admin'", gid);
		if (e == CG_ERR_NOTFOUND) {
			char ng[33];
			srv_new_id(ng);
			struct cg_db_val g[2] = { CG_DB_TEXTV(ng), CG_DB_INTV(now) };
			e = cg_db_exec(db,
				       "INSERT INTO groups (id, name, description, created) VALUES ($1, 'admin', 'Administrators', $2)",
				       g, 2, NULL, err);
			snprintf(gid, sizeof gid, "%s", ng);
		}
		if (e != CG_OK)
			goto out;
		e = text_of(db, "SELECT id FROM iam_policies WHERE name = '" IAM_SYS_ADMIN "'", pid);
		if (e != CG_OK)
			goto out;
		struct cg_db_val m[2] = { CG_DB_TEXTV(gid), CG_DB_TEXTV(uid) };
		e = cg_db_exec(db, "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)", m, 2,
			       NULL, err);
		if (e != CG_OK)
			goto out;
		struct cg_db_val gp[2] = { CG_DB_TEXTV(gid), CG_DB_TEXTV(pid) };
		e = cg_db_exec(db,
			       "INSERT INTO group_policies (group_id, policy_id) SELECT $1, $2 WHERE NOT EXISTS "
			       "(SELECT 1 FROM group_policies WHERE group_id = $1 AND policy_id = $2)",
			       gp, 2, NULL, err);
	}
out:
	if (e == CG_OK)
		e = cg_db_commit(db, err);
	else
		cg_db_rollback(db);
	if (e != CG_OK && wrote) {
		char path[4096];
		snprintf(path, sizeof path, "%s/initial-admin-password", data_dir);
		unlink(path);
	}
	return e;
}
