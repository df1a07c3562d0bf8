/* The content-scanner registry (scanners.def) and the names of checks,
 * kinds and levels. */
#include "util/internal.h"
#include "scan/scanner.h"
#include <strings.h>

#define CG_SCANNER(id, checks) extern const struct cg_content_scanner cg_scanner_##id;
#include "scan/scanners.def"
#undef CG_SCANNER

static const struct {
	const struct cg_content_scanner *s;
	unsigned checks;
} scanners[] = {
#define CG_SCANNER(id, checks) { &cg_scanner_##id, (checks) },
#include "scan/scanners.def"
#undef CG_SCANNER
	{ NULL, 0 },
};

size_t cg_content_scanner_count(void)
{
	return CG_ARRAY_LEN(scanners) - 1;
}

const struct cg_content_scanner *cg_content_scanner_at(size_t i)
{
	for (size_t k = 0; scanners[k].s; k++) /* the table may hold only the sentinel */
		if (k == i)
			return scanners[k].s;
	return NULL;
}

unsigned cg_content_scanner_checks(const struct cg_content_scanner *s)
{
	for (size_t k = 0; scanners[k].s; k++)
		if (scanners[k].s == s)
			return scanners[k].checks;
	return 0;
}

static const struct {
	const char *name;
	unsigned check;
	enum cg_content_kind kind;
} checks[] = {
	{ "malware", CG_CHECK_MALWARE, CG_CONTENT_MALWARE },
	{ "secret", CG_CHECK_SECRET, CG_CONTENT_SECRET },
	{ "files", CG_CHECK_FILES, CG_CONTENT_FILE },
	{ "baseline", CG_CHECK_BASELINE, CG_CONTENT_BASELINE },
	{ "history", CG_CHECK_HISTORY, CG_CONTENT_HISTORY },
};

unsigned cg_content_kind_check(enum cg_content_kind k)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(checks); i++)
		if (checks[i].kind == k)
			return checks[i].check;
	return 0;
}

const char *cg_content_kind_name(enum cg_content_kind k)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(checks); i++)
		if (checks[i].kind == k)
			return checks[i].name;
	return "?";
}

const char *cg_threat_level_name(enum cg_threat_level l)
{
	switch (l) {
	case CG_THREAT_LOW: return "low";
	case CG_THREAT_MEDIUM: return "medium";
	case CG_THREAT_HIGH: return "high";
	case CG_THREAT_CRITICAL: return "critical";
	}
	return "?";
}

cg_err_t cg_checks_parse(const char *list, unsigned *out, bool *vuln)
{
	unsigned m = 0;
	bool v = false;
	if (!list || !out || !vuln || !*list)
		return CG_ERR_INVALID;
	while (*list) {
		size_t n = strcspn(list, ","), i;
		if (!n)
			return CG_ERR_INVALID;
		if (n == 4 && !strncasecmp(list, "vuln", 4)) {
			v = true;
		} else {
			for (i = 0; i < CG_ARRAY_LEN(checks); i++)
				if (strlen(checks[i].name) == n && !strncasecmp(list, checks[i].name, n))
					break;
			if (i == CG_ARRAY_LEN(checks))
				return CG_ERR_INVALID;
			m |= checks[i].check;
		}
		list += n;
		if (*list == ',' && !*++list)
			return CG_ERR_INVALID;
	}
	*out = m;
	*vuln = v;
	return CG_OK;
}
