/* The base image of an image (IMG-15) and the registry check. */
#include "util/internal.h"
#include "image/image_int.h"
#include "image/refname.h"
#include "scan/scanner.h"
#include <strings.h>

static bool starts_cmd(const char *line)
{
	static const char *const heads[] = { "CMD ", "ENTRYPOINT ", "/bin/sh -c #(nop)  CMD ",
					     "/bin/sh -c #(nop) CMD ", "/bin/sh -c #(nop)  ENTRYPOINT ",
					     "/bin/sh -c #(nop) ENTRYPOINT " };
	for (size_t i = 0; i < CG_ARRAY_LEN(heads); i++)
		if (!strncmp(line, heads[i], strlen(heads[i])))
			return true;
	return false;
}

void cg_image_base(const struct cg_image *img, const struct cg_inventory *inv,
		   struct cg_base_image *out)
{
	const cg_json *cfg = img ? cg_image_config(img) : NULL;
	const cg_json *labels = cg_json_get(cg_json_get(cfg, "config"), "Labels");
	const cg_json *hist = cg_json_get(cfg, "history");
	const struct cg_os_info *os = inv ? cg_inventory_os(inv) : NULL;
	struct cg_image_info ii;
	struct cg_refname rn;
	size_t nonempty = 0, n = cg_json_array_len(hist);

	memset(out, 0, sizeof(*out));
	out->os = os ? (os->pretty_name ? os->pretty_name : os->id) : NULL;
	out->name = cg_json_get_str(labels, "org.opencontainers.image.base.name");
	out->digest = cg_json_get_str(labels, "org.opencontainers.image.base.digest");
	/* the base ends at its CMD/ENTRYPOINT; an image whose only CMD is its
	 * last step has no separate base we can tell */
	for (size_t i = 0; i < n && i < 4096; i++) {
		const cg_json *h = cg_json_array_at(hist, i);
		const char *line = cg_json_get_str(h, "created_by");
		bool empty = false;
		if (!cg_json_get_bool(h, "empty_layer", &empty) || !empty)
			nonempty++;
		if (line && starts_cmd(line)) {
			if (i + 1 < n)
				out->layers = nonempty;
			break;
		}
	}
	if (img) {
		cg_image_get_info(img, &ii);
		/* an OCI layout's or a folder's name says a registry only when it
		 * names one; the other transports' names are registry references */
		if (ii.name && cg_refname_parse(ii.name, &rn) &&
		    (rn.explicit_domain || !ii.transport ||
		     (strcmp(ii.transport, "oci") && strcmp(ii.transport, "oci-archive") &&
		      strcmp(ii.transport, "dir"))))
			snprintf(out->registry, sizeof(out->registry), "%s", rn.domain);
	}
}

/* An image from a registry not on the trusted list (when one is given). */
cg_err_t cg_registry_check_(const struct cg_image *img, const struct cg_content_sink *sink,
			    struct cg_error *err)
{
	struct cg_base_image b;
	struct cg_content_finding f = { 0 };
	char title[512];
	cg_err_t rc;

	if (!img->content.ntrusted)
		return CG_OK;
	cg_image_base(img, NULL, &b);
	for (size_t i = 0; b.registry[0] && i < img->content.ntrusted; i++)
		if (!strcasecmp(b.registry, img->content.trusted_registries[i]))
			return CG_OK;
	snprintf(title, sizeof(title), "the image comes from %s%s, not a trusted registry",
		 b.registry[0] ? "registry " : "", b.registry[0] ? b.registry : "an unknown source");
	f.kind = CG_CONTENT_BASELINE;
	f.rule = "baseline-untrusted-registry";
	f.type = "source";
	f.level = CG_THREAT_HIGH;
	f.title = title;
	f.layer = -1;
	f.where = "image:name";
	f.advice = "pull images only from the registries on the trusted list (CIS Docker 4.2)";
	if ((rc = sink->add(sink->ud, &f)))
		return cg_error_set(err, rc, "%s", cg_strerror(rc));
	return CG_OK;
}
