/* cguard server: /healthz, /metrics (Prometheus text) and the OpenAPI document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/http.h"
#include "util/banned.h"

/* docs/openapi.json, compiled in */
__asm__(".section .rodata\n"
	".balign 16\n"
	"srv_openapi_start:\n"
	".incbin \"docs/openapi.json\"\n"
	"srv_openapi_end:\n"
	".byte 0\n"
	".previous\n");
extern const char srv_openapi_start[], srv_openapi_end[];

int h_healthz(struct srv_req *r)
{
	int64_t one = 0;
	if (cg_db_query_int(r->db, "SELECT 1", NULL, 0, &one, NULL) != CG_OK || one != 1) {
		__atomic_fetch_add(&r->srv->m.db_errors, 1, __ATOMIC_RELAXED);
		return srv_fail(r, 503, "Unavailable", "the store does not answer");
	}
	return srv_json(r, 200, srv_obj("status", srv_str("ok"), NULL));
}

int h_openapi(struct srv_req *r)
{
	if (cg_buf_append(&r->raw, srv_openapi_start, (size_t)(srv_openapi_end - srv_openapi_start)) != CG_OK)
		return srv_fail(r, 500, "InternalError", "out of memory");
	r->raw_type = "application/json";
	return 200;
}

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int h_metrics(struct srv_req *r)
{
	struct srv_metrics *m = &r->srv->m;
	struct cg_buf *b = &r->raw;
	cg_err_t e = CG_OK;
	int64_t online = 0, nodes = 0;
	struct cg_db_val v[1] = { CG_DB_INTV(srv_now_s() - 3 * (int64_t)r->srv->o.heartbeat_interval) };
	if (cg_db_query_int(r->db, "SELECT COUNT(*) FROM nodes WHERE last_heartbeat >= $1", v, 1, &online, NULL) != CG_OK ||
	    cg_db_query_int(r->db, "SELECT COUNT(*) FROM nodes", NULL, 0, &nodes, NULL) != CG_OK)
		__atomic_fetch_add(&m->db_errors, 1, __ATOMIC_RELAXED);

	e |= cg_buf_puts(b, "# HELP cguard_http_requests_total HTTP requests by route and status.\n"
			    "# TYPE cguard_http_requests_total counter\n");
	for (size_t i = 0; i <= srv_n_routes; i++)
		for (size_t k = 0; k < SRV_STATUS_SLOTS; k++) {
			uint64_t n = ld(&m->req[i * SRV_STATUS_SLOTS + k]);
			if (!n)
				continue;
			char st[8];
			if (srv_status_codes[k])
				snprintf(st, sizeof st, "%d", srv_status_codes[k]);
			else
				snprintf(st, sizeof st, "other");
			e |= cg_buf_printf(b, "cguard_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %" PRIu64 "\n",
					   i < srv_n_routes ? srv_method_name(srv_routes[i].method) : "",
					   i < srv_n_routes ? srv_routes[i].path : "unmatched", st, n);
		}
	e |= cg_buf_puts(b, "# HELP cguard_http_request_duration_seconds Request latency.\n"
			    "# TYPE cguard_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < 12; i++) {
		cum += ld(&m->lat_bucket[i]);
		if (i < 11)
			e |= cg_buf_printf(b, "cguard_http_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
					   srv_lat_bounds_ms[i] / 1000.0, cum);
		else
			e |= cg_buf_printf(b, "cguard_http_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
	}
	e |= cg_buf_printf(b, "cguard_http_request_duration_seconds_sum %.6f\n", (double)ld(&m->lat_sum_us) / 1e6);
	e |= cg_buf_printf(b, "cguard_http_request_duration_seconds_count %" PRIu64 "\n", ld(&m->lat_count));
	e |= cg_buf_printf(b, "# HELP cguard_events_ingested_total Events stored from agents.\n"
			      "# TYPE cguard_events_ingested_total counter\n"
			      "cguard_events_ingested_total %" PRIu64 "\n"
			      "# HELP cguard_events_duplicate_total Events received again (already stored).\n"
			      "# TYPE cguard_events_duplicate_total counter\n"
			      "cguard_events_duplicate_total %" PRIu64 "\n"
			      "# HELP cguard_agents_online Agents with a heartbeat within three intervals.\n"
			      "# TYPE cguard_agents_online gauge\n"
			      "cguard_agents_online %" PRId64 "\n"
			      "# HELP cguard_nodes Registered nodes.\n"
			      "# TYPE cguard_nodes gauge\n"
			      "cguard_nodes %" PRId64 "\n"
			      "# HELP cguard_login_failures_total Failed sign-ins.\n"
			      "# TYPE cguard_login_failures_total counter\n"
			      "cguard_login_failures_total %" PRIu64 "\n"
			      "# HELP cguard_db_errors_total Store errors.\n"
			      "# TYPE cguard_db_errors_total counter\n"
			      "cguard_db_errors_total %" PRIu64 "\n",
			      ld(&m->events_accepted), ld(&m->events_duplicate), online, nodes,
			      ld(&m->logins_failed), ld(&m->db_errors));
	if (e != CG_OK)
		return srv_fail(r, 500, "InternalError", "out of memory");
	r->raw_type = "text/plain; version=0.0.4";
	return 200;
}
