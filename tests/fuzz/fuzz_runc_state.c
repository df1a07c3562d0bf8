/* Fuzz target: the discovery parsers on the same input: runc's state.json,
 * an OCI config.json's annotations (containerd task bundles, CRI/CRI-O) and
 * Docker's config.v2.json. */
#include "fuzz.h"
#include "util/internal.h"
#include "agent/containers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_container c;
	unsigned long long start = 0;
	memset(&c, 0, sizeof(c));
	if (cg_runc_state_parse((const char *)data, size, &c, &start, NULL) == CG_OK) {
		if (!c.id || c.init_pid <= 0 || strchr(c.id, '/'))
			abort();
	}
	(void)cg_oci_config_annotations((const char *)data, size, &c, NULL);
	cg_container_clear(&c);
	c.bundle = strdup("/b");
	(void)cg_oci_config_annotations((const char *)data, size, &c, NULL);
	(void)cg_docker_config_parse((const char *)data, size, &c, NULL);
	if (c.image_digest && strlen(c.image_digest) != 71)
		abort();
	cg_container_clear(&c);
	return 0;
}
