/* Common macros of the public API. */
#ifndef CGUARD_COMMON_H
#define CGUARD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define CG_API __attribute__((visibility("default")))
#define CG_MUST_CHECK __attribute__((warn_unused_result))
#define CG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CG_API
#define CG_MUST_CHECK
#define CG_PRINTF(fmt, args)
#endif

#endif
