/* cguard server: event queries (RUN-08) over lib/server/events.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/events.h"
#include "server/http.h"
#include "util/banned.h"

int h_ev_list(struct srv_req *r)
{
	static const char *const params[] = { "category", "node", "cluster", "container", "image", "severity",
					      "rule", "action", "since", "from", "to", "limit", "cursor", NULL };
	struct cg_event_filter f = { 0 };
	struct cg_error err = { 0 };
	cg_json *page = NULL;
	int st;
	if ((st = srv_query_check(r, params)))
		return st;
	f.category = srv_query(r, "category");
	f.node = srv_query(r, "node");
	f.cluster_id = srv_query(r, "cluster");
	f.container = srv_query(r, "container");
	f.image = srv_query(r, "image");
	f.severity = srv_query(r, "severity");
	f.rule = srv_query(r, "rule");
	f.action = srv_query(r, "action");
	f.cursor = srv_query(r, "cursor");
	const char *since = srv_query(r, "since"), *from = srv_query(r, "from"), *to = srv_query(r, "to");
	const char *lim = srv_query(r, "limit");
	if (since) {
		char *end;
		long d = strtol(since, &end, 10);
		if (end == since || strcmp(end, "d") != 0 || d < 1 || d > CG_EVENTS_DAYS_MAX)
			return srv_fail(r, 400, "InvalidParameter", "since: 1d, 3d, 7d ... up to %dd", CG_EVENTS_DAYS_MAX);
		f.last_days = (int)d;
	}
	if (from && !srv_parse_time(from, &f.from_ms))
		return srv_fail(r, 400, "InvalidParameter", "from: an RFC 3339 time");
	if (to && !srv_parse_time(to, &f.to_ms))
		return srv_fail(r, 400, "InvalidParameter", "to: an RFC 3339 time");
	if (lim) {
		char *end;
		long n = strtol(lim, &end, 10);
		if (*end || n < 1 || n > CG_EVENTS_PAGE_MAX)
			return srv_fail(r, 400, "InvalidParameter", "limit: an integer from 1 to %d", CG_EVENTS_PAGE_MAX);
		f.limit = (size_t)n;
	}
	cg_err_t e = cg_events_query(r->db, &f, &page, &err);
	if (e == CG_ERR_INVALID)
		return srv_fail(r, 400, "InvalidParameter", "%s", cg_error_message(&err));
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, page);
}

int h_ev_stats(struct srv_req *r)
{
	static const char *const params[] = { "days", NULL };
	struct cg_error err = { 0 };
	cg_json *out = NULL;
	int st, days = 30;
	if ((st = srv_query_check(r, params)))
		return st;
	const char *d = srv_query(r, "days");
	if (d) {
		char *end;
		long n = strtol(d, &end, 10);
		if (*end || n < 1 || n > CG_EVENTS_DAYS_MAX)
			return srv_fail(r, 400, "InvalidParameter", "days: 1 to %d", CG_EVENTS_DAYS_MAX);
		days = (int)n;
	}
	cg_err_t e = cg_events_daily_counts(r->db, days, 0, &out, &err);
	if (e != CG_OK)
		return srv_fail_err(r, e, &err);
	return srv_json(r, 200, out);
}
