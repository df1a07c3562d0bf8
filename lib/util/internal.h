/* Included first by every file in lib/. System headers, the public API, the
 * internal utilities, and last the banned-function macros. */
#ifndef CG_UTIL_INTERNAL_H
#define CG_UTIL_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cguard/cguard.h>

#include "util/view.h"

#define CG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CG_STR_(x) #x
#define CG_STR(x) CG_STR_(x)

/* The one helper macro of the function shape: set status and jump to done. */
#define CG_FAIL(rc_var, code) \
	do {                  \
		(rc_var) = (code); \
		goto done;    \
	} while (0)

/* Internal logging (lib/util/log.c): goes to the callback set by the program. */
void cg_log_(enum cg_log_level level, const char *fmt, ...) CG_PRINTF(2, 3);
#define cg_debug(...) cg_log_(CG_LOG_DEBUG, __VA_ARGS__)
#define cg_info(...) cg_log_(CG_LOG_INFO, __VA_ARGS__)
#define cg_warn(...) cg_log_(CG_LOG_WARN, __VA_ARGS__)
#define cg_err(...) cg_log_(CG_LOG_ERROR, __VA_ARGS__)

#include "util/banned.h"

#endif
