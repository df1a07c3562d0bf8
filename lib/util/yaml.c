/* YAML into the JSON wrapper's trees (lib/util/yaml.h): one converter for every
 * YAML input (OSV records, ignore files, ...). */
#include "util/internal.h"
#include "util/yaml.h"
#include <yaml.h>

#define YAML_MAX_DEPTH	 64
#define YAML_MAX_NODES	 ((size_t)4 << 20)
#define YAML_MAX_ANCHORS 1024
#define YAML_MAX_ALIASES 4096
#define YAML_MAX_KEY	 1024

/* libyaml's events are built into the same tree the JSON wrapper gives, so
 * one mapping serves both. Scalars become strings ("null", "~" and an empty
 * plain scalar become null; no other type resolution: `introduced: 0` is the
 * string "0", timestamps stay text). Aliases share the anchored node, which
 * must be complete (no recursion); each expansion counts the anchored node's
 * size against the node limit. Merge keys ("<<") are ordinary keys. */
struct yframe {
	cg_json *node;
	char *key;    /* a mapping's pending key */
	char *anchor; /* to register at the end */
	size_t start; /* nodes count at the start */
};

struct yanchor {
	char *name;
	cg_json *node;
	size_t size;
};

struct ybuild {
	struct yframe stack[YAML_MAX_DEPTH];
	size_t depth;
	struct yanchor anchors[YAML_MAX_ANCHORS];
	size_t nanchors;
	size_t nodes, aliases;
	cg_json *root;
};

static void ybuild_reset(struct ybuild *b)
{
	for (size_t i = 0; i < b->depth; i++) {
		cg_json_free(b->stack[i].node);
		free(b->stack[i].key);
		free(b->stack[i].anchor);
	}
	for (size_t i = 0; i < b->nanchors; i++) {
		free(b->anchors[i].name);
		cg_json_free(b->anchors[i].node);
	}
	cg_json_free(b->root);
	b->depth = b->nanchors = b->nodes = b->aliases = 0;
	b->root = NULL;
}

static cg_err_t yanchor_add(struct ybuild *b, char **name, cg_json *node, size_t size,
			    struct cg_error *err)
{
	struct yanchor *slot = NULL;
	for (size_t i = 0; i < b->nanchors && !slot; i++)
		if (strcmp(b->anchors[i].name, *name) == 0)
			slot = &b->anchors[i]; /* redefined: the later one wins */
	if (!slot) {
		if (b->nanchors >= YAML_MAX_ANCHORS)
			return cg_error_set(err, CG_ERR_LIMIT, "yaml: more than %d anchors",
					    YAML_MAX_ANCHORS);
		slot = &b->anchors[b->nanchors++];
		slot->name = *name;
		*name = NULL;
	} else {
		cg_json_free(slot->node);
		free(*name);
		*name = NULL;
	}
	slot->node = cg_json_ref(node);
	slot->size = size;
	return CG_OK;
}

/* Attach a finished node (reference stolen) to the open collection or make it
 * the root. In a mapping, every other node is a key and must be a scalar. */
static cg_err_t yattach(struct ybuild *b, cg_json *node, struct cg_error *err)
{
	struct yframe *top;
	cg_err_t rc;
	if (!node)
		return cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
	if (b->depth == 0) {
		cg_json_free(b->root);
		b->root = node;
		return CG_OK;
	}
	top = &b->stack[b->depth - 1];
	if (cg_json_is_array(top->node))
		return cg_json_append(top->node, node) == CG_OK
			   ? CG_OK
			   : cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
	if (!top->key) {
		const char *s = cg_json_string(node);
		size_t n = cg_json_string_len(node);
		if (cg_json_type_of(node) == CG_JSON_NULL) {
			s = "";
			n = 0;
		}
		if (!s || strlen(s) != n || n > YAML_MAX_KEY) {
			cg_json_free(node);
			return cg_error_set(err, CG_ERR_INVALID,
					    "yaml: a mapping key is not a "
					    "short scalar");
		}
		top->key = strdup(s);
		cg_json_free(node);
		return top->key ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
	}
	rc = cg_json_set(top->node, top->key, node);
	free(top->key);
	top->key = NULL;
	return rc == CG_OK ? CG_OK : cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
}

static cg_err_t ycount(struct ybuild *b, size_t n, struct cg_error *err)
{
	if (!cg_size_add(b->nodes, n, &b->nodes) || b->nodes > YAML_MAX_NODES)
		return cg_error_set(err, CG_ERR_LIMIT,
				    "yaml: more than %zu nodes (aliases "
				    "included)",
				    YAML_MAX_NODES);
	return CG_OK;
}

static cg_json *yscalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag &&
	    (n == 0 || (n == 1 && v[0] == '~') ||
	     (n == 4 && (memcmp(v, "null", 4) == 0 || memcmp(v, "Null", 4) == 0 ||
			 memcmp(v, "NULL", 4) == 0))))
		return cg_json_new_null();
	return cg_json_new_stringn(v, n);
}

static char *yanchor_name(const yaml_char_t *a)
{
	return a ? strdup((const char *)a) : NULL;
}

/* One event; *doc_done is set at a document's end (b->root holds it). */
static cg_err_t yevent(struct ybuild *b, const yaml_event_t *ev, bool *doc_done,
		       struct cg_error *err)
{
	cg_err_t rc;
	*doc_done = false;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		ybuild_reset(b);
		return CG_OK;
	case YAML_DOCUMENT_END_EVENT:
		*doc_done = true;
		return CG_OK;
	case YAML_SCALAR_EVENT: {
		cg_json *node;
		char *anchor;
		if ((rc = ycount(b, 1, err)) != CG_OK)
			return rc;
		node = yscalar(ev);
		if (!node)
			return cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
		if (ev->data.scalar.anchor) {
			anchor = yanchor_name(ev->data.scalar.anchor);
			if (!anchor) {
				cg_json_free(node);
				return cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
			}
			rc = yanchor_add(b, &anchor, node, 1, err);
			free(anchor);
			if (rc != CG_OK) {
				cg_json_free(node);
				return rc;
			}
		}
		return yattach(b, node, err);
	}
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		for (size_t i = 0; i < b->nanchors; i++) {
			if (strcmp(b->anchors[i].name, name) != 0)
				continue;
			if (++b->aliases > YAML_MAX_ALIASES)
				return cg_error_set(err, CG_ERR_LIMIT, "yaml: more than %d aliases",
						    YAML_MAX_ALIASES);
			if ((rc = ycount(b, b->anchors[i].size, err)) != CG_OK)
				return rc;
			return yattach(b, cg_json_ref(b->anchors[i].node), err);
		}
		return cg_error_set(err, CG_ERR_INVALID,
				    "yaml: alias to an unknown or unfinished "
				    "anchor");
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		struct yframe *f;
		const yaml_char_t *anchor = ev->type == YAML_SEQUENCE_START_EVENT
						? ev->data.sequence_start.anchor
						: ev->data.mapping_start.anchor;
		if (b->depth >= YAML_MAX_DEPTH)
			return cg_error_set(err, CG_ERR_LIMIT, "yaml: nesting deeper than %d",
					    YAML_MAX_DEPTH);
		if ((rc = ycount(b, 1, err)) != CG_OK)
			return rc;
		f = &b->stack[b->depth];
		memset(f, 0, sizeof(*f));
		f->node = ev->type == YAML_SEQUENCE_START_EVENT ? cg_json_new_array()
								: cg_json_new_object();
		f->anchor = yanchor_name(anchor);
		f->start = b->nodes;
		if (!f->node || (anchor && !f->anchor)) {
			cg_json_free(f->node);
			free(f->anchor);
			return cg_error_set(err, CG_ERR_NOMEM, "yaml: out of memory");
		}
		b->depth++;
		return CG_OK;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct yframe f;
		if (b->depth == 0)
			return cg_error_set(err, CG_ERR_INTERNAL, "yaml: unbalanced events");
		f = b->stack[--b->depth];
		free(f.key); /* a key without a value (libyaml always gives one) */
		rc = CG_OK;
		if (f.anchor)
			rc = yanchor_add(b, &f.anchor, f.node, b->nodes - f.start + 1, err);
		free(f.anchor);
		if (rc != CG_OK) {
			cg_json_free(f.node);
			return rc;
		}
		return yattach(b, f.node, err);
	}
	default:
		return CG_OK;
	}
}

cg_err_t cg_yaml_parse(const unsigned char *data, size_t len, cg_yaml_doc_fn fn, void *ud,
		       struct cg_error *err)
{
	yaml_parser_t parser;
	struct ybuild *b = NULL;
	bool parser_ok = false, done = false;
	cg_err_t rc = CG_OK;

	if (!data && len)
		return cg_error_set(err, CG_ERR_ARG, "NULL argument");
	b = calloc(1, sizeof(*b));
	if (!b)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (!yaml_parser_initialize(&parser))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	parser_ok = true;
	yaml_parser_set_input_string(&parser, data ? data : (const unsigned char *)"", len);
	while (!done) {
		yaml_event_t ev;
		bool doc_done;
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "yaml: %s at line %zu",
						 parser.problem ? parser.problem : "error",
						 (size_t)parser.problem_mark.line + 1));
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = yevent(b, &ev, &doc_done, err);
		yaml_event_delete(&ev);
		if (rc != CG_OK)
			goto done;
		if (doc_done) {
			if (!b->root || cg_json_type_of(b->root) == CG_JSON_NULL)
				continue; /* an empty document ("---" alone) */
			rc = fn(ud, b->root, err);
			ybuild_reset(b);
			if (rc != CG_OK)
				goto done;
		}
	}
done:
	if (parser_ok)
		yaml_parser_delete(&parser);
	if (b)
		ybuild_reset(b);
	free(b);
	return rc;
}
