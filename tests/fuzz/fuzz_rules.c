/* Fuzz target: runtime rule documents (lib/agent/rules.c). The input is parsed
 * as a rule document (YAML or JSON); when it is accepted, one record of every
 * kind, with paths, command line and addresses taken from the input, is judged
 * and each alert turned into an event line. The input is also read as
 * /etc/passwd + /etc/shadow by the account check. Every alert names a rule of
 * the set; a refused document leaves no set. */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <cguard/cguard.h>
#include "agent/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_ruleset *rs = NULL;
	struct cg_error err;
	const char *text = (const char *)data;
	cg_json *det = NULL;
	size_t half = size / 2;

	(void)cg_rules_check_accounts(text, half, text + half, size - half, &det);
	cg_json_free(det);

	if (cg_rules_parse(text, size, "fuzz.yaml", &rs, &err) != CG_OK) {
		if (rs || !err.msg[0])
			abort();
		return 0;
	}
	if (!rs)
		abort();
	for (unsigned kind = 0; kind <= 17; kind++) {
		struct cg_sev ev;
		struct cg_evctx ctx;
		struct cg_alert a[8];
		char cmd[128];
		size_t n, cl = size < sizeof(cmd) - 1 ? size : sizeof(cmd) - 1;
		memset(&ev, 0, sizeof(ev));
		memset(&ctx, 0, sizeof(ctx));
		ev.kind = kind;
		ev.nr = (int)(size % 340);
		ev.ts = (unsigned long long)size * 1000000ULL;
		ev.flags = (unsigned)size * 2654435761u;
		ev.mode = ev.flags;
		ev.family = (unsigned short)(size % 2 ? 2 : 10);
		ev.port = (unsigned short)size;
		ev.sock = (unsigned)(size & 1);
		ev.args[0] = size % 3 ? 0 : 1000;
		ev.uid = (unsigned)(size % 5);
		memcpy(ev.path, data + (size > sizeof(ev.path) ? size - sizeof(ev.path) : 0),
		       size < sizeof(ev.path) ? size : sizeof(ev.path)); /* may be unterminated */
		memcpy(ev.path2, data, size < sizeof(ev.path2) ? size : sizeof(ev.path2));
		memcpy(ev.comm, data, size < sizeof(ev.comm) ? size : sizeof(ev.comm));
		memcpy(ev.addr, data, size < sizeof(ev.addr) ? size : sizeof(ev.addr));
		memcpy(cmd, data, cl);
		cmd[cl] = '\0';
		ctx.cmdline = cmd;
		ctx.exe = cmd;
		ctx.parent_exe = cmd;
		ctx.stdio_socket = ctx.host_sensitive = ctx.protected_path = size & 2;
		n = cg_rules_eval(rs, &ev, &ctx, a, 8);
		if (n > 8)
			abort();
		for (size_t i = 0; i < n; i++) {
			cg_json *line = NULL;
			if (!a[i].rule || cg_rules_get(rs, a[i].rule->id) != a[i].rule)
				abort();
			if (cg_event_json(a[i].rule, "alert", "n", &ev, &ctx, a[i].details, 0, &line) == CG_OK) {
				struct cg_buf b = CG_BUF_INIT(1 << 20);
				if (cg_json_dump(line, CG_JSON_COMPACT, &b) != CG_OK)
					abort();
				cg_buf_release(&b);
			}
			cg_json_free(line);
		}
	}
	cg_rules_free(rs);
	return 0;
}
