/* Alpine secdb (https://secdb.alpinelinux.org/vX.Y/{main,community}.json and
 * the YAML form of the same document in alpinelinux/alpine-secdb):
 * {distroversion: "v3.11", reponame, urlprefix, apkurl, archs,
 *  packages: [{pkg: {name: ORIGIN, secfixes: {FIXED-VERSION: [ID...]}}}]}.
 *
 * Mapping:
 *  - distroversion vX.Y -> ecosystem "Alpine:vX.Y"; "edge" -> "Alpine:edge"
 *    (not an OSV release; edge has no number). Anything else: CG_ERR_INVALID.
 *  - pkg.name is the origin (APKBUILD pkgname): by_source = true.
 *  - every entry of secfixes[V] gives one advisory with one affected entry,
 *    status AFFECTED, ECOSYSTEM range {introduced "0", fixed V}; the key "0"
 *    means "never affected": NOT_AFFECTED without a range.
 *  - an entry is "ID [ID...] [text]": the first token that is an advisory id
 *    (CVE-YYYY-NNNN..., or PREFIX-rest such as XSA-214, TALOS-2017-0499,
 *    GHSA-...) is the id, further id tokens are aliases, other words are
 *    ignored. A token starting "CVE-" that is not CVE-YYYY-N{4,} is not an id
 *    ("CVE-2017-17434-1", "CVE-????-?????"); entries without an id are
 *    warned about and skipped. Invalid apk versions likewise.
 * The secdb carries no severity. YAML goes through libyaml's document loader
 * into the JSON tree (scalars become strings), with a cap on nodes. */
#include "util/internal.h"
#include "vulndb/advisory.h"
#include <yaml.h>

#define ALP_MAX_NODES	 (1u << 21)
#define ALP_MAX_DEPTH	 32
#define ALP_MAX_ALIASES	 64
#define ALP_MAX_ID	 128

struct yconv {
	yaml_document_t *doc;
	size_t nodes;
};

static cg_err_t y2j(struct yconv *y, int idx, int depth, cg_json **out)
{
	yaml_node_t *n = yaml_document_get_node(y->doc, idx);
	cg_json *j = NULL;
	cg_err_t rc = CG_OK;
	*out = NULL;
	if (!n)
		return CG_ERR_INVALID;
	if (depth > ALP_MAX_DEPTH || ++y->nodes > ALP_MAX_NODES)
		return CG_ERR_LIMIT;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		j = cg_json_new_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
		if (!j)
			return CG_ERR_INVALID; /* not UTF-8 (or out of memory) */
		break;
	case YAML_SEQUENCE_NODE:
		j = cg_json_new_array();
		if (!j)
			return CG_ERR_NOMEM;
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			cg_json *c;
			if ((rc = y2j(y, *it, depth + 1, &c)) != CG_OK)
				goto fail;
			if ((rc = cg_json_append(j, c)) != CG_OK)
				goto fail;
		}
		break;
	case YAML_MAPPING_NODE:
		j = cg_json_new_object();
		if (!j)
			return CG_ERR_NOMEM;
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
			char key[512];
			cg_json *c;
			if (!k || k->type != YAML_SCALAR_NODE || k->data.scalar.length >= sizeof(key) ||
			    memchr(k->data.scalar.value, '\0', k->data.scalar.length)) {
				rc = CG_ERR_INVALID;
				goto fail;
			}
			memcpy(key, k->data.scalar.value, k->data.scalar.length);
			key[k->data.scalar.length] = '\0';
			if ((rc = y2j(y, p->value, depth + 1, &c)) != CG_OK)
				goto fail;
			if ((rc = cg_json_set(j, key, c)) != CG_OK)
				goto fail;
		}
		break;
	default:
		return CG_ERR_INVALID;
	}
	*out = j;
	return CG_OK;
fail:
	cg_json_free(j);
	return rc == CG_ERR_NOMEM ? rc : (rc == CG_ERR_LIMIT ? rc : CG_ERR_INVALID);
}

static cg_err_t load_yaml(const unsigned char *data, size_t len, cg_json **out,
			  struct cg_error *err, const char *path)
{
	cg_err_t rc = CG_OK;
	yaml_parser_t parser;
	yaml_document_t doc;
	bool have_parser = false, have_doc = false;
	struct yconv y;
	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return CG_ERR_NOMEM;
	have_parser = true;
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: YAML: %s at line %zu", path,
					 parser.problem ? parser.problem : "error",
					 (size_t)parser.problem_mark.line + 1));
	have_doc = true;
	if (!yaml_document_get_root_node(&doc))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: empty YAML document", path));
	y.doc = &doc;
	y.nodes = 0;
	rc = y2j(&y, 1, 0, out);
	if (rc != CG_OK)
		CG_FAIL(rc, cg_error_set(err, rc, "%s: YAML document not usable (%s)", path,
					 cg_strerror(rc)));
done:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	return rc;
}

static bool alp_tok_is_id(const char *p, size_t n)
{
	size_t i = 0, dashes = 0;
	if (n < 3 || n > ALP_MAX_ID || p[0] < 'A' || p[0] > 'Z')
		return false;
	if (n >= 4 && memcmp(p, "CVE-", 4) == 0) {
		size_t d = 0;
		if (n < 13)
			return false;
		for (i = 4; i < 8; i++)
			if (p[i] < '0' || p[i] > '9')
				return false;
		if (p[8] != '-')
			return false;
		for (i = 9; i < n; i++, d++)
			if (p[i] < '0' || p[i] > '9')
				return false;
		return d >= 4;
	}
	while (i < n && ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
		i++;
	if (i == n || p[i] != '-')
		return false;
	for (; i < n; i++) {
		if (p[i] == '-') {
			if (i + 1 == n || p[i + 1] == '-')
				return false;
			dashes++;
		} else if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
			     (p[i] >= '0' && p[i] <= '9'))) {
			return false;
		}
	}
	return dashes >= 1;
}

static void alp_warn(const struct cg_adv_sink *sink, const char *path, const char *fmt, ...)
	CG_PRINTF(3, 4);
static void alp_warn(const struct cg_adv_sink *sink, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!sink->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink->warn(sink->ud, path, msg);
}

/* One secfixes entry: split into ids and emit. */
static cg_err_t alp_entry(const char *path, const char *eco, const char *pkg, const char *ver,
			  const char *entry, const struct cg_adv_sink *sink)
{
	char buf[ALP_MAX_ALIASES + 1][ALP_MAX_ID + 1];
	const char *aliases[ALP_MAX_ALIASES];
	size_t nids = 0, n = strlen(entry);
	struct cg_advisory adv;
	struct cg_adv_affected aff;
	struct cg_osv_event ev[2];
	struct cg_adv_range range;
	for (size_t i = 0; i < n && nids <= ALP_MAX_ALIASES;) {
		size_t j;
		while (i < n && (entry[i] == ' ' || entry[i] == '\t'))
			i++;
		for (j = i; j < n && entry[j] != ' ' && entry[j] != '\t'; j++)
			;
		if (j > i && alp_tok_is_id(entry + i, j - i)) {
			memcpy(buf[nids], entry + i, j - i);
			buf[nids][j - i] = '\0';
			nids++;
		}
		i = j;
	}
	if (nids == 0) {
		alp_warn(sink, path, "%s %s: no advisory id in '%.60s'", pkg, ver, entry);
		return CG_OK;
	}
	for (size_t i = 1; i < nids; i++)
		aliases[i - 1] = buf[i];
	memset(&adv, 0, sizeof(adv));
	memset(&aff, 0, sizeof(aff));
	aff.ecosystem = eco;
	aff.package = pkg;
	aff.by_source = true;
	if (strcmp(ver, "0") == 0) {
		aff.status = CG_ADV_NOT_AFFECTED;
	} else {
		aff.status = CG_ADV_AFFECTED;
		ev[0] = (struct cg_osv_event){ CG_OSV_INTRODUCED, "0" };
		ev[1] = (struct cg_osv_event){ CG_OSV_FIXED, ver };
		range = (struct cg_adv_range){ "ECOSYSTEM", ev, 2 };
		aff.ranges = &range;
		aff.nranges = 1;
	}
	adv.id = buf[0];
	adv.aliases = aliases;
	adv.naliases = nids - 1;
	adv.affected = &aff;
	adv.naffected = 1;
	return sink->add(sink->ud, &adv);
}

static bool alp_release(const char *dv, char *eco, size_t ecosz)
{
	size_t n = strlen(dv), dots = 0;
	if (strcmp(dv, "edge") == 0) {
		snprintf(eco, ecosz, "Alpine:edge");
		return true;
	}
	if (n < 4 || n > 12 || dv[0] != 'v' || dv[1] == '.' || dv[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (dv[i] == '.') {
			if (dv[i - 1] == '.')
				return false;
			dots++;
		} else if (dv[i] < '0' || dv[i] > '9') {
			return false;
		}
	}
	if (dots != 1)
		return false;
	snprintf(eco, ecosz, "Alpine:%s", dv);
	return true;
}

static bool alpine_match(const char *path)
{
	size_t n = strlen(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!((n > 5 && strcmp(path + n - 5, ".json") == 0) ||
	      (n > 5 && strcmp(path + n - 5, ".yaml") == 0)))
		return false;
	/* secdb names its files after the repository */
	return strncmp(base, "main.", 5) == 0 || strncmp(base, "community.", 10) == 0 ||
	       strstr(base, "-main.") || strstr(base, "-community.");
}

static cg_err_t alpine_parse(const char *path, const unsigned char *data, size_t len,
			     const struct cg_adv_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	cg_json *root = NULL, *pkgs;
	const char *dv;
	char eco[32];
	size_t i = 0, npkgs;
	if (!sink || !sink->add || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "alpine feed: bad arguments");
	path = path ? path : "";
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
		i++;
	if (i < len && data[i] == '{') {
		struct cg_json_limits lim = { 0, 16, true };
		struct cg_error jerr;
		rc = cg_json_parse((const char *)data, len, &lim, &root, &jerr);
		if (rc != CG_OK)
			CG_FAIL(rc, cg_error_set(err, rc, "%s: %s", path, cg_error_message(&jerr)));
	} else if ((rc = load_yaml(data, len, &root, err, path)) != CG_OK) {
		goto done;
	}
	dv = cg_json_get_str(root, "distroversion");
	if (!dv || !alp_release(dv, eco, sizeof(eco)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no usable distroversion", path));
	pkgs = cg_json_get(root, "packages");
	if ((cg_json_is_object(pkgs) && cg_json_object_len(pkgs) == 0) ||
	    (cg_json_is_string(pkgs) && !*cg_json_string(pkgs)))
		goto done; /* an empty repository: "packages": {} or "packages:" */
	if (!cg_json_is_array(pkgs))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "%s: no packages list", path));
	npkgs = cg_json_array_len(pkgs);
	for (size_t p = 0; p < npkgs; p++) {
		cg_json *pkg = cg_json_get(cg_json_array_at(pkgs, p), "pkg");
		const char *name = cg_json_get_str(pkg, "name");
		cg_json *fixes = cg_json_get(pkg, "secfixes");
		if (!name || !*name || strlen(name) > 256) {
			alp_warn(sink, path, "package %zu: no name", p);
			continue;
		}
		if (!fixes || cg_json_type_of(fixes) == CG_JSON_NULL ||
		    (cg_json_is_string(fixes) && !*cg_json_string(fixes)))
			continue; /* "secfixes:" with nothing under it */
		if (!cg_json_is_object(fixes)) {
			alp_warn(sink, path, "%s: secfixes is not a mapping", name);
			continue;
		}
		for (void *it = cg_json_iter(fixes); it; it = cg_json_iter_next(fixes, it)) {
			const char *ver = cg_json_iter_key(it);
			cg_json *ids = cg_json_iter_value(it);
			struct cg_error verr;
			size_t nids;
			if (strcmp(ver, "0") != 0 &&
			    cg_version_validate(cg_version_scheme_find("apk"), ver, strlen(ver),
						&verr) != CG_OK) {
				alp_warn(sink, path, "%s: bad version '%.60s'", name, ver);
				continue;
			}
			if (!cg_json_is_array(ids)) {
				if (cg_json_type_of(ids) != CG_JSON_NULL &&
				    !(cg_json_is_string(ids) && !*cg_json_string(ids)) &&
				    !(cg_json_is_object(ids) && cg_json_object_len(ids) == 0))
					alp_warn(sink, path, "%s %s: not a list", name, ver);
				continue;
			}
			nids = cg_json_array_len(ids);
			for (size_t k = 0; k < nids; k++) {
				const char *e = cg_json_string(cg_json_array_at(ids, k));
				if (!e) {
					alp_warn(sink, path, "%s %s: entry %zu not a string", name,
						 ver, k);
					continue;
				}
				if ((rc = alp_entry(path, eco, name, ver, e, sink)) != CG_OK)
					goto done;
			}
		}
	}
done:
	cg_json_free(root);
	return rc;
}

const struct cg_feed_parser cg_feed_alpine = {
	.type = "alpine",
	.match = alpine_match,
	.parse = alpine_parse,
};
