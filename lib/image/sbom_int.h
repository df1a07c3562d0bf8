/* Internal: the CycloneDX document of an inventory as a tree, for the scan
 * report (lib/vulndb/report_cdx.c) that adds its vulnerabilities to the very
 * document `cguard image sbom -f cyclonedx` writes. */
#ifndef CG_IMAGE_SBOM_INT_H
#define CG_IMAGE_SBOM_INT_H

#include <cguard/image.h>
#include <cguard/json.h>

/* The CycloneDX 1.5 document of the inventory (a new reference in *doc).
 * (*refs)[i] is the bom-ref of the component of package i of the inventory
 * (cg_inventory_pkg() index), borrowed from *doc; the array has
 * cg_inventory_pkg_count(inv) entries and is the caller's to free() (NULL
 * when there are no packages). img and inv may be NULL: the image is then
 * named "unknown", and there are no components. */
cg_err_t cg_sbom_cyclonedx_doc_(const struct cg_image *img, const struct cg_inventory *inv,
				cg_json **doc, const char ***refs, struct cg_error *err)
	CG_MUST_CHECK;

#endif
