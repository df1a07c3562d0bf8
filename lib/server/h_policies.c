/* cguard server: runtime policies (POL-01/02) and the agents' policy file. */
#include <stdio.h>
#include <string.h>

#include "server/http.h"
#include "util/banned.h"

#define POL_MAX_PATHS 1024
#define POL_MAX_IMAGES 1000
#define POL_PATH_MAX 4096
#define POL_IMAGE_MAX 512
#define FIND_POLICY "SELECT id, name FROM policies WHERE id = $1 OR name = $1"

static bool path_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n < 1 || n > POL_PATH_MAX || p[0] != '/' || !srv_name_ok(p, POL_PATH_MAX))
		return false;
	return true;
}

static bool image_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > POL_IMAGE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static int check_list(struct srv_req *r, cg_json *a, const char *field, size_t max,
		      bool (*ok)(const char *), const char *what)
{
	if (!cg_json_is_array(a))
		return srv_fail(r, 400, "InvalidPolicy", "%s: an array of %s", field, what);
	if (cg_json_array_len(a) > max)
		return srv_fail(r, 400, "InvalidPolicy", "%s: at most %zu entries", field, max);
	for (size_t i = 0; i < cg_json_array_len(a); i++)
		if (!ok(cg_json_string(cg_json_array_at(a, i))))
			return srv_fail(r, 400, "InvalidPolicy", "%s[%zu]: %s", field, i, what);
	return 0;
}

/* Validate the body as a policy; *doc gets the stored document (canonical). */
static int validate(struct srv_req *r, struct cg_buf *doc, const char **desc)
{
	static const char *const fields[] = { "name", "mode", "process_whitelist", "protected_paths",
					      "images", "description", NULL };
	int st;
	for (void *it = cg_json_iter(r->json); it; it = cg_json_iter_next(r->json, it)) {
		const char *k = cg_json_iter_key(it);
		bool known = false;
		for (size_t i = 0; fields[i]; i++)
			known |= strcmp(k, fields[i]) == 0;
		if (!known)
			return srv_fail(r, 400, "InvalidPolicy", "unknown field \"%.64s\"", k);
	}
	const char *name = cg_json_get_str(r->json, "name");
	const char *mode = cg_json_get_str(r->json, "mode");
	if (!srv_name_ok(name, 128))
		return srv_fail(r, 400, "InvalidPolicy", "name: 1 to 128 characters of text");
	if (!mode)
		mode = "alert";
	if (strcmp(mode, "alert") && strcmp(mode, "enforce"))
		return srv_fail(r, 400, "InvalidPolicy", "mode: \"alert\" or \"enforce\"");
	cg_json *wl = cg_json_get(r->json, "process_whitelist");
	cg_json *pp = cg_json_get(r->json, "protected_paths");
	cg_json *im = cg_json_get(r->json, "images");
	cg_json *empty = cg_json_new_array();
	if ((st = check_list(r, wl ? wl : empty, "process_whitelist", POL_MAX_PATHS, path_ok, "an absolute path")) ||
	    (st = check_list(r, pp ? pp : empty, "protected_paths", POL_MAX_PATHS, path_ok, "an absolute path")) ||
	    (im && (st = check_list(r, im, "images", POL_MAX_IMAGES, image_ok,
				    "an image reference or digest (printable, no spaces, at most 512 bytes)")))) {
		cg_json_free(empty);
		return st;
	}
	cg_json *d = cg_json_get(r->json, "description");
	*desc = cg_json_string(d);
	if (d && (!*desc || strlen(*desc) > 256 || (**desc && !srv_name_ok(*desc, 256)))) {
		cg_json_free(empty);
		return srv_fail(r, 400, "InvalidPolicy", "description: text of at most 256 bytes");
	}
	cg_json *o = srv_obj("name", srv_str(name), "mode", srv_str(mode), "process_whitelist",
			     cg_json_ref(wl ? wl : empty), "protected_paths", cg_json_ref(pp ? pp : empty),
			     NULL);
	cg_json_free(empty);
	cg_buf_init(doc, 8 << 20);
	cg_err_t e = o ? cg_json_dump(o, CG_JSON_COMPACT | CG_JSON_SORTED, doc) : CG_ERR_NOMEM;
	cg_json_free(o);
	if (e != CG_OK)
		return srv_fail(r, 500, "InternalError", "out of memory");
	return 0;
}

static int set_images(struct srv_req *r, const char *pid, cg_json *images, bool add)
{
	struct cg_error err = { 0 };
	for (size_t i = 0; i < cg_json_array_len(images); i++) {
		const char *img = cg_json_string(cg_json_array_at(images, i));
		struct cg_db_val v[2] = { CG_DB_TEXTV(pid), CG_DB_TEXTV(img) };
		if (add) {
			struct cg_db_rows *rs = NULL;
			cg_err_t e = cg_db_query(r->db,
						 "SELECT p.name FROM policy_images i JOIN policies p ON p.id = i.policy_id "
						 "WHERE i.image = $2 AND i.policy_id <> $1",
						 v, 2, &rs, &err);
			if (e != CG_OK)
				return srv_fail_err(r, e, &err);
			if (cg_db_rows_count(rs)) {
				int st = srv_fail(r, 409, "Conflict", "image %s already has policy %s", img,
						  cg_db_rows_text(rs, 0, 0));
				cg_db_rows_free(rs);
				return st;
			}
			cg_db_rows_free(rs);
		}
		cg_err_t e = cg_db_exec(r->db,
					add ? "INSERT INTO policy_images (policy_id, image) SELECT $1, $2 WHERE NOT EXISTS "
					      "(SELECT 1 FROM policy_images WHERE policy_id = $1 AND image = $2)"
					    : "DELETE FROM policy_images WHERE policy_id = $1 AND image = $2",
					v, 2, NULL, &err);
		if (e != CG_OK)
			return srv_fail_err(r, e, &err);
	}
	return 0;
}

/* The policy's answer object: its document's fields, images, and metadata. */
static cg_json *policy_object(struct srv_req *r, const char *id)
{
	struct cg_db_rows *rs = NULL, *is = NULL;
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	cg_json *o = NULL, *doc = NULL, *imgs = cg_json_new_array();
	if (cg_db_query(r->db,
			"SELECT id, description, version AS version_i, created AS created_ts, updated AS updated_ts, "
			"document AS _doc FROM policies WHERE id = $1",
			v, 1, &rs, NULL) != CG_OK ||
	    cg_db_query(r->db, "SELECT image FROM policy_images WHERE policy_id = $1 ORDER BY image", v, 1,
			&is, NULL) != CG_OK || cg_db_rows_count(rs) != 1 || !imgs)
		goto out;
	o = srv_row_object(rs, 0);
	if (!o || cg_json_parse(cg_db_rows_text(rs, 0, 5), cg_db_rows_len(rs, 0, 5), NULL, &doc, NULL) != CG_OK)
		goto fail;
	for (void *it = cg_json_iter(doc); it; it = cg_json_iter_next(doc, it))
		if (cg_json_set(o, cg_json_iter_key(it), cg_json_ref(cg_json_iter_value(it))) != CG_OK)
			goto fail;
	cg_json_free(doc);
	doc = NULL;
	for (size_t i = 0; i < cg_db_rows_count(is); i++)
		if (cg_json_append(imgs, srv_str(cg_db_rows_text(is, i, 0))) != CG_OK)
			goto fail;
	if (cg_json_set(o, "images", imgs) != CG_OK) {
		imgs = NULL;
		goto fail;
	}
	imgs = NULL;
	goto out;
fail:
	cg_json_free(doc);
	cg_json_free(o);
	o = NULL;
out:
	cg_json_free(imgs);
	cg_db_rows_free(rs);
	cg_db_rows_free(is);
	return o;
}

int h_pol_list(struct srv_req *r)
{
	static const struct srv_filter f[] = { { "name", "name = $?" }, { "mode", "mode = $?" },
					       { "image", "id IN (SELECT policy_id FROM policy_images WHERE image = $?)" },
					       { NULL, NULL } };
	static const char *const sort[] = { "name", "name", "created", "created", "updated", "updated",
					    "mode", "mode", NULL };
	int st = srv_list_run(r, "id", "policies", NULL, 0, f, sort, "name", false, "id");
	if (st != 200)
		return st;
	cg_json *items = cg_json_get(r->resp, "items"), *out = cg_json_new_array();
	for (size_t i = 0; out && i < cg_json_array_len(items); i++) {
		cg_json *p = policy_object(r, cg_json_get_str(cg_json_array_at(items, i), "id"));
		if (cg_json_append(out, p) != CG_OK) {
			cg_json_free(out);
			out = NULL;
		}
	}
	if (!out || cg_json_set(r->resp, "items", out) != CG_OK)
		return srv_fail(r, 500, "InternalError", "out of memory");
	return 200;
}

int h_pol_create(struct srv_req *r)
{
	struct cg_buf doc = CG_BUF_INIT(0);
	struct cg_error err = { 0 };
	const char *desc;
	char id[33];
	int st;
	if ((st = srv_body_object(r)) || (st = validate(r, &doc, &desc))) {
		cg_buf_release(&doc);
		return st;
	}
	const char *name = cg_json_get_str(r->json, "name");
	const char *mode = cg_json_get_str(r->json, "mode");
	srv_new_id(id);
	srv_res(r, "policy", id, name);
	int64_t now = srv_now_s();
	struct cg_db_val v[6] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), CG_DB_TEXTV(mode ? mode : "alert"),
				  CG_DB_TEXTV(doc.data), desc ? CG_DB_TEXTV(desc) : CG_DB_NULLV,
				  CG_DB_INTV(now) };
	cg_err_t e = cg_db_exec(r->db,
				"INSERT INTO policies (id, name, mode, document, description, created, updated, version) "
				"VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
				v, 6, NULL, &err);
	cg_buf_release(&doc);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "policy %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	if ((st = set_images(r, id, cg_json_get(r->json, "images"), true)))
		return st;
	return srv_json(r, 201, policy_object(r, id));
}

int h_pol_get(struct srv_req *r)
{
	char id[65];
	int st;
	if ((st = srv_lookup(r, FIND_POLICY, r->params[0], "policy", id, NULL)))
		return st;
	return srv_json(r, 200, policy_object(r, id));
}

int h_pol_update(struct srv_req *r)
{
	struct cg_buf doc = CG_BUF_INIT(0);
	struct cg_error err = { 0 };
	const char *desc;
	char id[65], old[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_POLICY, r->params[0], "policy", id, old)))
		return st;
	srv_res(r, "policy", id, old);
	if ((st = srv_body_object(r)) || (st = validate(r, &doc, &desc))) {
		cg_buf_release(&doc);
		return st;
	}
	const char *name = cg_json_get_str(r->json, "name");
	const char *mode = cg_json_get_str(r->json, "mode");
	srv_res(r, "policy", id, name);
	struct cg_db_val v[6] = { CG_DB_TEXTV(id), CG_DB_TEXTV(name), CG_DB_TEXTV(mode ? mode : "alert"),
				  CG_DB_TEXTV(doc.data), desc ? CG_DB_TEXTV(desc) : CG_DB_NULLV,
				  CG_DB_INTV(srv_now_s()) };
	cg_err_t e = cg_db_exec(r->db,
				"UPDATE policies SET name = $2, mode = $3, document = $4, "
				"description = COALESCE($5, description), updated = $6, version = version + 1 WHERE id = $1",
				v, 6, NULL, &err);
	cg_buf_release(&doc);
	if (e == CG_ERR_EXISTS)
		return srv_fail(r, 409, "Conflict", "policy %s exists", name);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	cg_json *images = cg_json_get(r->json, "images");
	if (images) {
		struct cg_db_val w[1] = { CG_DB_TEXTV(id) };
		if ((e = cg_db_exec(r->db, "DELETE FROM policy_images WHERE policy_id = $1", w, 1, NULL, &err)) != CG_OK)
			return srv_fail_err(r, e, &err);
		if ((st = set_images(r, id, images, true)))
			return st;
	}
	return srv_json(r, 200, policy_object(r, id));
}

int h_pol_delete(struct srv_req *r)
{
	struct cg_error err = { 0 };
	char id[65], name[SRV_NAME_MAX * 2];
	int st;
	if ((st = srv_lookup(r, FIND_POLICY, r->params[0], "policy", id, name)))
		return st;
	srv_res(r, "policy", id, name);
	struct cg_db_val v[1] = { CG_DB_TEXTV(id) };
	cg_err_t e = cg_db_exec(r->db, "DELETE FROM policy_images WHERE policy_id = $1", v, 1, NULL, &err);
	if (e == CG_OK)
		e = cg_db_exec(r->db, "DELETE FROM policies WHERE id = $1", v, 1, NULL, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, srv_obj("id", srv_str(id), "name", srv_str(name), NULL));
}

static int apply(struct srv_req *r, bool add)
{
	char id[65], name[SRV_NAME_MAX * 2];
	struct cg_error err = { 0 };
	int st;
	if ((st = srv_lookup(r, FIND_POLICY, r->params[0], "policy", id, name)))
		return st;
	srv_res(r, "policy", id, name);
	if ((st = srv_body_object(r)))
		return st;
	cg_json *images = cg_json_get(r->json, "images");
	if (!images || cg_json_array_len(images) == 0)
		return srv_fail(r, 400, "InvalidRequest", "images: a non-empty array of image references or digests");
	if ((st = check_list(r, images, "images", POL_MAX_IMAGES, image_ok,
			     "an image reference or digest (printable, no spaces, at most 512 bytes)")) ||
	    (st = set_images(r, id, images, add)))
		return st;
	struct cg_db_val v[2] = { CG_DB_TEXTV(id), CG_DB_INTV(srv_now_s()) };
	cg_err_t e = cg_db_exec(r->db, "UPDATE policies SET updated = $2, version = version + 1 WHERE id = $1",
				v, 2, NULL, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, policy_object(r, id));
}

int h_pol_apply(struct srv_req *r) { return apply(r, true); }
int h_pol_unapply(struct srv_req *r) { return apply(r, false); }

/* ---- the agents' policy file --------------------------------------------------- */

cg_err_t srv_agent_policies(struct cg_db *db, struct cg_buf *out, char etag[80], struct cg_error *err);

cg_err_t srv_agent_policies(struct cg_db *db, struct cg_buf *out, char etag[80], struct cg_error *err)
{
	struct cg_db_rows *ps = NULL, *is = NULL;
	cg_json *arr = cg_json_new_array();
	cg_err_t e = arr ? CG_OK : CG_ERR_NOMEM;
	if (e == CG_OK)
		e = cg_db_query(db, "SELECT id, document FROM policies ORDER BY name, id", NULL, 0, &ps, err);
	if (e == CG_OK)
		e = cg_db_query(db, "SELECT policy_id, image FROM policy_images ORDER BY policy_id, image", NULL, 0,
				&is, err);
	for (size_t i = 0; e == CG_OK && i < cg_db_rows_count(ps); i++) {
		cg_json *d = NULL, *imgs = cg_json_new_array();
		const char *pid = cg_db_rows_text(ps, i, 0);
		if (cg_json_parse(cg_db_rows_text(ps, i, 1), cg_db_rows_len(ps, i, 1), NULL, &d, err) != CG_OK ||
		    !imgs) {
			cg_json_free(d);
			cg_json_free(imgs);
			e = CG_ERR_INTERNAL;
			break;
		}
		for (size_t k = 0; k < cg_db_rows_count(is); k++)
			if (strcmp(cg_db_rows_text(is, k, 0), pid) == 0 &&
			    cg_json_append(imgs, srv_str(cg_db_rows_text(is, k, 1))) != CG_OK)
				e = CG_ERR_NOMEM;
		if (e == CG_OK && cg_json_set(d, "images", imgs) != CG_OK)
			e = CG_ERR_NOMEM;
		else if (e != CG_OK)
			cg_json_free(imgs);
		if (e == CG_OK && cg_json_append(arr, d) != CG_OK)
			e = CG_ERR_NOMEM;
		else if (e != CG_OK)
			cg_json_free(d);
	}
	if (e == CG_OK)
		e = cg_json_dump(arr, CG_JSON_COMPACT | CG_JSON_SORTED, out);
	if (e == CG_OK) {
		char h[65];
		srv_sha256_hex(out->data, out->len, h);
		snprintf(etag, 80, "\"%.32s\"", h);
	}
	cg_json_free(arr);
	cg_db_rows_free(ps);
	cg_db_rows_free(is);
	return e;
}
