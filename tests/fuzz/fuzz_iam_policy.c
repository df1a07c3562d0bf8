/* Fuzz target: IAM policy documents (validation, then evaluation of every action
 * the route table uses) and action patterns (the input split at a newline into
 * pattern and action). */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include "server/http.h"
#include "server/iam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	if (iam_policy_validate(p, size, NULL) == CG_OK) {
		cg_json *d = NULL;
		if (cg_json_parse(p, size, NULL, &d, NULL) != CG_OK)
			abort(); /* validated text must parse */
		for (size_t i = 0; i < srv_n_routes; i++) {
			enum iam_decision x = iam_evaluate(&d, 1, srv_routes[i].action);
			if (x != IAM_ALLOW && x != IAM_EXPLICIT_DENY && x != IAM_IMPLICIT_DENY)
				abort();
		}
		cg_json_free(d);
	}
	const char *nl = memchr(p, '\n', size);
	if (nl && size < 512) {
		char pat[512], act[512];
		size_t a = (size_t)(nl - p), b = size - a - 1;
		if (memchr(p, 0, size))
			return 0;
		memcpy(pat, p, a);
		pat[a] = 0;
		memcpy(act, nl + 1, b);
		act[b] = 0;
		bool m = iam_action_match(pat, act);
		if (strcmp(pat, "*") == 0 && !m)
			abort();
		if (strcmp(pat, act) == 0 && iam_action_name_ok(pat) && !strpbrk(pat, "*?[") && !m)
			abort(); /* a plain name matches itself */
	}
	return 0;
}
