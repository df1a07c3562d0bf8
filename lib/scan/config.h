/* Internal: checks over an image's config (lib/scan/config.c): build-history
 * risks (IMG-10) and the config's own baseline items (IMG-06: user, health
 * check, exposed ports, secrets in ENV names). */
#ifndef CG_SCAN_CONFIG_H
#define CG_SCAN_CONFIG_H

#include <cguard/json.h>
#include "scan/scanner.h"

struct cg_config_check_opts {
	/* Secret scanning of ENV values, labels and history lines (the secret
	 * scanner's text entry point), or NULL. where: "env:NAME", "label:KEY",
	 * "history:N". */
	cg_err_t (*scan_text)(void *ud, const char *where, const char *text, size_t len,
			      const struct cg_content_sink *sink, struct cg_error *err);
	void *ud;
};

/* Check an OCI/Docker image config (the whole JSON document: "config",
 * "history", ...). NULL config (a plain folder): nothing to check. */
cg_err_t cg_config_check(const cg_json *config, const struct cg_config_check_opts *opts,
			 const struct cg_content_sink *sink, struct cg_error *err);

#endif
