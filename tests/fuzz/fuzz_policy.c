/* Fuzz target: the policy file parser, then cg_policy_for with a few image
 * names and with the input's own first bytes as a name and a digest. */
#include "fuzz.h"
#include "util/internal.h"
#include "agent/agent_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const images[] = {
		"nginx", "docker.io/library/nginx:latest", "busybox@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "a/b/c:d",
	};
	struct cg_policy_set s;
	char own[96];
	size_t n = size < sizeof(own) - 1 ? size : sizeof(own) - 1;
	memcpy(own, data, n);
	own[n] = '\0';
	if (cg_policy_parse((const char *)data, size, &s, NULL) != CG_OK) {
		if (s.v || s.n)
			abort();
		return 0;
	}
	for (size_t i = 0; i < s.n; i++)
		if (!s.v[i].name || !s.v[i].name[0])
			abort();
	for (size_t i = 0; i < CG_ARRAY_LEN(images); i++) {
		const struct cg_policy *p = cg_policy_for(&s, images[i], NULL);
		if (p && (p < s.v || p >= s.v + s.n))
			abort();
		(void)cg_policy_for(&s, NULL, images[i]);
	}
	(void)cg_policy_for(&s, own, own);
	cg_policy_set_free(&s);
	return 0;
}
