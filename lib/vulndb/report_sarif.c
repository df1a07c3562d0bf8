/* SARIF 2.1.0 scan reports (placeholder until written). */
#include "util/internal.h"
#include "vulndb/findings.h"

cg_err_t cg_report_sarif_(const struct cg_image *img, const struct cg_inventory *inv,
			  const struct cg_findings *f, struct cg_buf *out, struct cg_error *err)
{
	(void)img, (void)inv, (void)f, (void)out;
	return cg_error_set(err, CG_ERR_UNSUPPORTED, "SARIF reports are not written yet");
}
