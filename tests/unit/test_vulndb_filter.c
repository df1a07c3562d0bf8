/* The scan filters' inputs: ignore files (text and YAML/JSON), --severity lists and
 * OpenVEX documents: what they accept, and the errors they give for what they do
 * not (an ignore rule read wrongly hides a real vulnerability). How the filters
 * apply to real findings is tested by tests/integration/scan_filters.sh. */
#include "cgtest.h"
#include <cguard/cguard.h>

static size_t ignore_rules(const char *text, cg_err_t *rc, char *msg, size_t cap)
{
	struct cg_ignore_list *l = NULL;
	struct cg_error err = { 0 };
	size_t n;
	*rc = cg_ignore_parse("t", text, strlen(text), &l, &err);
	snprintf(msg, cap, "%s", err.msg);
	n = cg_ignore_count(l);
	cg_ignore_free(l);
	return n;
}

static void t_ignore_text(struct cgt *t)
{
	static const struct {
		const char *text;
		size_t rules; /* when accepted */
		const char *error; /* a piece of the message when refused */
	} cases[] = {
		{ "", 0, NULL },
		{ "# only a comment\n\n   \n", 0, NULL },
		{ "CVE-2023-1234\n", 1, NULL },
		{ "CVE-2023-1234\r\nGHSA-abcd-efgh-ijkl pkg\n", 2, NULL },
		{ "ALSA-2024:1234 openssl exp:2026-12-31 # accepted until the upgrade\n", 1, NULL },
		{ "CVE-2023-1234 exp:2026-12-31 openssl\n", 1, NULL },
		{ "  CVE-2023-1234   # reason only\n", 1, NULL },
		{ "CVE-2023-1234 a b\n", 0, "line 1: unexpected 'b'" },
		{ "CVE-2023-1234 a exp:2026-01-01 c\n", 0, "line 1: more than ID" },
		{ "ok-1\nCVE-2023-1234 exp:2026-13-01\n", 0, "line 2: expiry '2026-13-01'" },
		{ "CVE-2023-1234 exp:2026-1-1\n", 0, "expiry '2026-1-1'" },
		{ "CVE-2023-1234 exp:2026-01-01 exp:2027-01-01\n", 0, "unexpected 'exp:2027" },
		{ "CVE-2023-1234;id\n", 0, "is not an advisory id" },
		{ "$(reboot)\n", 0, "is not an advisory id" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[512];
		cg_err_t rc;
		size_t n = ignore_rules(cases[i].text, &rc, msg, sizeof(msg));
		if (!cases[i].error) {
			CHECKF(t, rc == CG_OK && n == cases[i].rules, "case %zu: rc %d, %zu rules (%s)",
			       i, rc, n, msg);
		} else {
			CHECKF(t, rc == CG_ERR_INVALID && strstr(msg, cases[i].error) &&
					  !strncmp(msg, "t: ", 3),
			       "case %zu: rc %d, '%s'", i, rc, msg);
		}
	}
	{
		char nul[] = "CVE-1\0x\n";
		struct cg_ignore_list *l = NULL;
		CHECK(t, cg_ignore_parse("t", nul, sizeof(nul) - 1, &l, NULL) == CG_ERR_INVALID);
		CHECK(t, l == NULL);
	}
}

static void t_ignore_structured(struct cgt *t)
{
	static const struct {
		const char *text;
		size_t rules;
		const char *error;
	} cases[] = {
		{ "ignore:\n  - id: CVE-2023-1\n    package: curl\n    expires: 2026-12-31\n"
		  "    reason: accepted\n  - id: GHSA-x\n", 2, NULL },
		{ "---\nignore: []\n", 0, NULL },
		{ "{\"ignore\": [{\"id\": \"CVE-1\", \"reason\": \"r\"}]}", 1, NULL },
		{ "vulnerabilities:\n  - id: CVE-1\n    statement: s\n    expired_at: 2027-01-01\n", 1,
		  NULL },
		{ "ignore:\n  - id: CVE-1\n    purls: [pkg:npm/x]\n", 0, "entry 1: unknown key 'purls'" },
		{ "ignore:\n  - package: curl\n", 0, "entry 1: needs \"id\"" },
		{ "ignore:\n  - id: [CVE-1]\n", 0, "needs \"id\"" },
		{ "ignore:\n  - id: CVE-1\n    expires: tomorrow\n", 0, "expiry 'tomorrow'" },
		{ "ignore: CVE-1\n", 0, "is not a list" },
		{ "ignore:\n  - [a]\n", 0, "entry 1 is not a mapping" },
		{ "ignore:\n  - id: CVE-1\n  bad indent\n", 0, "yaml:" },
		{ "{\"ignore\": [}", 0, "t: " },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[512];
		cg_err_t rc;
		size_t n = ignore_rules(cases[i].text, &rc, msg, sizeof(msg));
		if (!cases[i].error)
			CHECKF(t, rc == CG_OK && n == cases[i].rules, "case %zu: rc %d, %zu rules (%s)",
			       i, rc, n, msg);
		else
			CHECKF(t, rc != CG_OK && strstr(msg, cases[i].error), "case %zu: rc %d, '%s'",
			       i, rc, msg);
	}
}

static void t_levels(struct cgt *t)
{
	static const struct {
		const char *spec;
		cg_err_t rc;
		unsigned levels;
	} cases[] = {
		{ "critical", CG_OK, 1u << CG_LEVEL_CRITICAL },
		{ "HIGH+", CG_OK, (1u << CG_LEVEL_HIGH) | (1u << CG_LEVEL_CRITICAL) },
		{ "low,unknown", CG_OK, (1u << CG_LEVEL_LOW) | (1u << CG_LEVEL_UNKNOWN) },
		{ "unknown+", CG_OK, 0x3f },
		{ "medium+,negligible", CG_OK, 0x38 | (1u << CG_LEVEL_NEGLIGIBLE) },
		{ "", CG_ERR_INVALID, 0 },
		{ "high,", CG_ERR_INVALID, 0 },
		{ ",high", CG_ERR_INVALID, 0 },
		{ "important", CG_ERR_INVALID, 0 },
		{ "high++", CG_ERR_INVALID, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned got = 0;
		cg_err_t rc = cg_scan_levels_parse(cases[i].spec, &got);
		CHECKF(t, rc == cases[i].rc && (rc || got == cases[i].levels),
		       "'%s': rc %d levels %#x", cases[i].spec, rc, got);
	}
}

static void t_vex(struct cgt *t)
{
	static const struct {
		const char *doc;
		size_t statements;
		const char *error;
	} cases[] = {
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
		  "{\"vulnerability\": {\"name\": \"CVE-1\", \"aliases\": [\"GHSA-1\"]},"
		  " \"products\": [{\"@id\": \"pkg:oci/x\", \"subcomponents\": [{\"@id\": \"pkg:deb/d/a\"}]}],"
		  " \"status\": \"not_affected\", \"justification\": \"component_not_present\"},"
		  "{\"vulnerability\": {\"name\": \"CVE-2\"}, \"products\": "
		  "[{\"identifiers\": {\"purl\": \"pkg:npm/a\"}}], \"status\": \"fixed\"}]}", 2, NULL },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"statements\": [{\"vulnerability\": "
		  "\"CVE-1\", \"products\": [\"pkg:npm/a\"], \"subcomponents\": [\"pkg:npm/b\"], "
		  "\"status\": \"affected\"}]}", 1, NULL },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": []}", 0, NULL },
		{ "{\"statements\": []}", 0, "not an OpenVEX document" },
		{ "{\"@context\": \"https://example.com\", \"statements\": []}", 0, "not an OpenVEX" },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}", 0, "\"statements\" missing" },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\":"
		  " {\"name\": \"CVE-1\"}, \"products\": [], \"status\": \"fixed\"}]}", 0,
		  "statement 1: products missing, empty" },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\":"
		  " {\"name\": \"CVE-1\"}, \"products\": [\"a\"], \"status\": \"NOT_AFFECTED\"}]}", 0,
		  "statement 1: status" },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{"
		  "\"products\": [\"a\"], \"status\": \"fixed\"}]}", 0, "vulnerability missing" },
		{ "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\":"
		  " \"CVE-1\", \"products\": [{\"@id\": 5}], \"status\": \"fixed\"}]}", 0, "product 1" },
		{ "[1, 2", 0, "VEX: " },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cg_vex *v = NULL;
		struct cg_error err = { 0 };
		cg_err_t rc = cg_vex_parse("VEX", cases[i].doc, strlen(cases[i].doc), &v, &err);
		if (!cases[i].error)
			CHECKF(t, rc == CG_OK && cg_vex_count(v) == cases[i].statements,
			       "case %zu: rc %d (%s)", i, rc, err.msg);
		else
			CHECKF(t, rc != CG_OK && !v && strstr(err.msg, cases[i].error),
			       "case %zu: rc %d '%s'", i, rc, err.msg);
		cg_vex_free(v);
	}
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_ignore_text),
	CGT_CASE(t_ignore_structured),
	CGT_CASE(t_levels),
	CGT_CASE(t_vex),
};
CGT_MAIN(cases)
