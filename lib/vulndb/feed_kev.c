/* CISA Known Exploited Vulnerabilities (known_exploited_vulnerabilities.json):
 * {catalogVersion, count, vulnerabilities: [{cveID, vendorProject, product,
 * dateAdded, dueDate, knownRansomwareCampaignUse, cwes, ...}]}.
 *
 * Each entry gives an advisory with only the id and the kev fields (kev =
 * true, kev_date_added, kev_due_date, kev_ransomware for "Known"); the
 * builder attaches them to the advisories of the same CVE from other feeds.
 * An entry without a cveID is warned about and skipped. */
#include "util/internal.h"
#include "vulndb/advisory.h"

#define KEV_MAX_ENTRIES 1000000

static bool kev_match(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strcmp(base, "known_exploited_vulnerabilities.json") == 0;
}

static bool kev_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static cg_err_t kev_parse(const char *path, const unsigned char *data, size_t len,
			  const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	cg_json *root = NULL;
	cg_json *vulns;
	struct cg_json_limits lim = { 0, 16, true };
	struct cg_error jerr;
	size_t n;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "kev feed: bad arguments");
	path = path ? path : "";
	rc = cg_json_parse((const char *)data, len, &lim, &root, &jerr);
	if (rc != CG_OK)
		CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", path, cg_error_message(&jerr)));
	vulns = cg_json_get(root, "vulnerabilities");
	if (!cg_json_is_array(vulns))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no vulnerabilities array", path));
	n = cg_json_array_len(vulns);
	if (n > KEV_MAX_ENTRIES)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d entries", path,
					 KEV_MAX_ENTRIES));
	for (size_t i = 0; i < n; i++) {
		cg_json *v = cg_json_array_at(vulns, i);
		const char *id = cg_json_get_str(v, "cveID");
		const char *ransom = cg_json_get_str(v, "knownRansomwareCampaignUse");
		struct cg_advisory adv;
		if (!id || !kev_id_ok(id)) {
			if (sink->warn) {
				char msg[96];
				snprintf(msg, sizeof(msg), "entry %zu: no usable cveID", i);
				sink->warn(sink->ud, path, msg);
			}
			continue;
		}
		memset(&adv, 0, sizeof(adv));
		adv.id = id;
		adv.kev = true;
		adv.kev_date_added = cg_json_get_str(v, "dateAdded");
		adv.kev_due_date = cg_json_get_str(v, "dueDate");
		adv.kev_ransomware = ransom && strcmp(ransom, "Known") == 0;
		if ((rc = sink->add(sink->ud, &adv)) != CG_OK)
			goto done;
	}
done:
	cg_json_free(root);
	return rc;
}

const struct cg_feed_parser cg_feed_kev = {
	.type = "kev",
	.match = kev_match,
	.parse = kev_parse,
};
