/* libcguard: the whole public API. */
#ifndef CGUARD_CGUARD_H
#define CGUARD_CGUARD_H

#include <cguard/common.h>
#include <cguard/error.h>
#include <cguard/buf.h>
#include <cguard/json.h>
#include <cguard/log.h>
#include <cguard/version.h>
#include <cguard/pkg.h>
#include <cguard/content.h>
#include <cguard/image.h>
#include <cguard/rpmdb.h>
#include <cguard/vulndb.h>
#include <cguard/vulndb_update.h>
#include <cguard/cvss.h>
#include <cguard/agent.h>

#define CG_VERSION_STRING "0.1.0"

/* The library's version string. */
CG_API const char *cg_library_version(void);

#endif
