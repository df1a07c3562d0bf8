/* cguard server: the audit record of each change, and the audit routes
 * (AUD-01..03) over lib/server/audit.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/audit.h"
#include "server/http.h"
#include "util/banned.h"

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

cg_err_t srv_audit(struct srv_req *r, const char *event, const char *level, int result,
		   struct cg_error *err)
{
	const struct srv_route *rt = r->route;
	cg_json *req = r->audit_request ? cg_json_ref(r->audit_request) : srv_redact(r->json);
	const char *res_type = nz(r->res_type), *res_id = nz(r->res_id);
	char type_buf[32] = "";
	if (!res_type && rt) {
		/* a refused call: the resource is the path's collection and first parameter */
		const char *p = rt->path + strlen("/api/v1/");
		size_t n = strcspn(p, "/");
		if (n >= sizeof type_buf)
			n = sizeof type_buf - 1;
		memcpy(type_buf, p, n);
		type_buf[n] = 0;
		res_type = type_buf;
		if (!res_id && r->n_params)
			res_id = r->params[0];
	}
	struct cg_audit_rec rec = {
		.trace_id = r->trace_id,
		.event_name = event ? event : (r->audit_event ? r->audit_event : (rt && rt->audit[0] ? rt->audit : "apiCall")),
		.event_type = "ApiCall",
		.source = rt && (rt->flags & (RF_AGENT | RF_JOIN)) ? "agent" : "api",
		.user_name = nz(r->user_name),
		.source_ip = nz(r->source_ip),
		.resource_type = res_type,
		.resource_id = res_id,
		.resource_name = nz(r->res_name),
		.request = req,
		.result_code = result,
		.level = level ? level : "normal",
	};
	cg_err_t e = cg_audit_append(r->db, &rec, err);
	cg_json_free(req);
	return e;
}

/* ---- queries ------------------------------------------------------------------ */

static const char *const audit_params[] = {
	"event_type", "source", "resource_type", "event_name", "resource_id", "resource_name",
	"resource", "user", "level", "trace_id", "since", "from", "to", "limit", "offset", "order",
	"format", NULL
};

/* since: 1h, 1d, 7d, 30d... (hours or days) */
static bool parse_since(const char *s, int64_t *ms)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (n <= 0 || n > 3650 || end == s || end[1])
		return false;
	if (*end == 'h')
		*ms = (int64_t)n * 3600000;
	else if (*end == 'd')
		*ms = (int64_t)n * 86400000;
	else
		return false;
	return true;
}

static int audit_filter(struct srv_req *r, struct cg_audit_filter *f)
{
	int st;
	if ((st = srv_query_check(r, audit_params)))
		return st;
	memset(f, 0, sizeof *f);
	f->event_type = srv_query(r, "event_type");
	f->source = srv_query(r, "source");
	f->resource_type = srv_query(r, "resource_type");
	f->event_name = srv_query(r, "event_name");
	f->resource_id = srv_query(r, "resource_id");
	f->resource_name = srv_query(r, "resource_name");
	f->resource = srv_query(r, "resource");
	f->user_name = srv_query(r, "user");
	f->level = srv_query(r, "level");
	f->trace_id = srv_query(r, "trace_id");
	const char *since = srv_query(r, "since"), *from = srv_query(r, "from"), *to = srv_query(r, "to");
	const char *lim = srv_query(r, "limit"), *off = srv_query(r, "offset"), *ord = srv_query(r, "order");
	if (since) {
		int64_t d;
		if (!parse_since(since, &d))
			return srv_fail(r, 400, "InvalidParameter", "since: like 1h, 1d, 7d or 30d");
		f->from_ms = srv_now_ms() - d;
	}
	if (from && !srv_parse_time(from, &f->from_ms))
		return srv_fail(r, 400, "InvalidParameter", "from: an RFC 3339 time");
	if (to && !srv_parse_time(to, &f->to_ms))
		return srv_fail(r, 400, "InvalidParameter", "to: an RFC 3339 time");
	if (lim) {
		char *end;
		long n = strtol(lim, &end, 10);
		if (*end || n < 1 || n > CG_AUDIT_PAGE_MAX)
			return srv_fail(r, 400, "InvalidParameter", "limit: an integer from 1 to %d", CG_AUDIT_PAGE_MAX);
		f->limit = (size_t)n;
	}
	if (off) {
		char *end;
		long n = strtol(off, &end, 10);
		if (*end || n < 0 || n > 1000000)
			return srv_fail(r, 400, "InvalidParameter", "offset: an integer from 0 to 1000000");
		f->offset = (size_t)n;
	}
	if (ord) {
		if (strcmp(ord, "asc") && strcmp(ord, "desc"))
			return srv_fail(r, 400, "InvalidParameter", "order: asc or desc");
		f->ascending = strcmp(ord, "asc") == 0;
	}
	return 0;
}

int h_aud_list(struct srv_req *r)
{
	struct cg_audit_filter f;
	struct cg_error err = { 0 };
	cg_json *page = NULL;
	int st;
	if ((st = audit_filter(r, &f)))
		return st;
	if (srv_query(r, "format"))
		return srv_fail(r, 400, "InvalidParameter", "format: only for /api/v1/audit/export");
	cg_err_t e = cg_audit_query(r->db, &f, &page, &err);
	if (e == CG_ERR_INVALID)
		return srv_fail(r, 400, "InvalidParameter", "%s", cg_error_message(&err));
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, page);
}

static cg_err_t to_buf(void *ctx, const char *p, size_t n)
{
	return cg_buf_append(ctx, p, n);
}

int h_aud_export(struct srv_req *r)
{
	struct cg_audit_filter f;
	struct cg_error err = { 0 };
	int st;
	if ((st = audit_filter(r, &f)))
		return st;
	const char *fmt = srv_query(r, "format");
	enum cg_audit_format af;
	if (!fmt || strcmp(fmt, "jsonl") == 0) {
		af = CG_AUDIT_JSONL;
		r->raw_type = "application/x-ndjson";
	} else if (strcmp(fmt, "csv") == 0) {
		af = CG_AUDIT_CSV;
		r->raw_type = "text/csv; charset=utf-8";
	} else {
		return srv_fail(r, 400, "InvalidParameter", "format: jsonl or csv");
	}
	cg_err_t e = cg_audit_export(r->db, &f, af, to_buf, &r->raw, &err);
	if (e != CG_OK) {
		r->raw_type = NULL;
		if (e == CG_ERR_LIMIT)
			return srv_fail(r, 413, "TooLarge", "the export is larger than %zu bytes: narrow the filters",
					r->raw.max);
		if (e == CG_ERR_INVALID)
			return srv_fail(r, 400, "InvalidParameter", "%s", cg_error_message(&err));
		return srv_fail_err(r, e, &err);
	}
	return 200;
}

int h_aud_verify(struct srv_req *r)
{
	struct cg_error err = { 0 };
	uint64_t bad = 0;
	char why[512] = "";
	cg_err_t e = cg_audit_verify(r->db, &bad, why, sizeof why, &err);
	if (e != CG_OK && e != CG_ERR_INTEGRITY)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, srv_obj("intact", cg_json_new_bool(e == CG_OK), "bad_seq",
				       e == CG_OK ? cg_json_new_null() : cg_json_new_int((int64_t)bad), "message",
				       srv_str(why), NULL));
}
