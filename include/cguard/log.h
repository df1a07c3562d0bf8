/* Logging: the library never prints. A program installs a callback; without
 * one, log messages are dropped. */
#ifndef CGUARD_LOG_H
#define CGUARD_LOG_H

#include <cguard/common.h>

enum cg_log_level { CG_LOG_DEBUG, CG_LOG_INFO, CG_LOG_WARN, CG_LOG_ERROR };

typedef void (*cg_log_fn)(enum cg_log_level level, const char *msg, void *userdata);

/* Install (or with NULL remove) the process-wide log callback and the lowest
 * level passed to it. Not thread-safe against concurrent logging: call it
 * once at start. */
CG_API void cg_log_set(cg_log_fn fn, void *userdata, enum cg_log_level min_level);

CG_API const char *cg_log_level_name(enum cg_log_level level);

#endif
