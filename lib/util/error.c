#include "util/internal.h"

static const char *const messages[CG_ERR__COUNT] = {
	[CG_OK] = "success",
	[CG_ERR_NOMEM] = "out of memory",
	[CG_ERR_INVALID] = "invalid input",
	[CG_ERR_LIMIT] = "limit exceeded",
	[CG_ERR_IO] = "input/output error",
	[CG_ERR_NOTFOUND] = "not found",
	[CG_ERR_UNSUPPORTED] = "not supported",
	[CG_ERR_ARG] = "invalid argument",
	[CG_ERR_OVERFLOW] = "arithmetic overflow",
	[CG_ERR_INTERNAL] = "internal error",
	[CG_ERR_DENIED] = "permission denied",
	[CG_ERR_EXISTS] = "already exists",
	[CG_ERR_INTEGRITY] = "integrity check failed",
};

const char *cg_strerror(cg_err_t code)
{
	if ((unsigned)code >= CG_ERR__COUNT || !messages[code])
		return "unknown error";
	return messages[code];
}

cg_err_t cg_error_set(struct cg_error *err, cg_err_t code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->msg[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void cg_error_clear(struct cg_error *err)
{
	if (err) {
		err->code = CG_OK;
		err->msg[0] = '\0';
	}
}

const char *cg_error_message(const struct cg_error *err)
{
	if (!err)
		return "";
	if (err->msg[0])
		return err->msg;
	return cg_strerror(err->code);
}
