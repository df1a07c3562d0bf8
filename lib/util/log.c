#include "util/internal.h"

static cg_log_fn log_fn;
static void *log_ud;
static enum cg_log_level log_min = CG_LOG_INFO;

void cg_log_set(cg_log_fn fn, void *userdata, enum cg_log_level min_level)
{
	log_fn = fn;
	log_ud = userdata;
	log_min = min_level;
}

const char *cg_log_level_name(enum cg_log_level level)
{
	switch (level) {
	case CG_LOG_DEBUG: return "debug";
	case CG_LOG_INFO: return "info";
	case CG_LOG_WARN: return "warning";
	case CG_LOG_ERROR: return "error";
	}
	return "unknown";
}

void cg_log_(enum cg_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!log_fn || level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(level, msg, log_ud);
}
