/* lib/image internals: path normalisation, the merged tree (symlinks, loops,
 * removal), the archive index, platforms and index selection. */
#include "util/internal.h"
#include "image/fstree.h"
#include "image/layer.h"
#include "image/source.h"
#include "image/tarindex.h"
#include "cgtest.h"

static void t_normalise(struct cgt *t)
{
	static const struct { const char *in; const char *out; } ok[] = {
		{ "./etc/passwd", "/etc/passwd" }, { "/etc//x/./y/", "/etc/x/y" },
		{ "usr/bin", "/usr/bin" },         { "./", "" },
		{ "a/.../b", "/a/.../b" },         { ".wh.x", "/.wh.x" },
	};
	static const char *const bad[] = { "../etc", "a/../../b", "a/..", "..", "x/../y" };
	char out[64];
	for (size_t i = 0; i < CG_ARRAY_LEN(ok); i++) {
		long n = cg_path_normalise(ok[i].in, strlen(ok[i].in), out, sizeof(out));
		CHECKF(t, n >= 0 && !strcmp(out, ok[i].out), "%s -> %s (%ld)", ok[i].in, out, n);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(bad); i++)
		CHECKF(t, cg_path_normalise(bad[i], strlen(bad[i]), out, sizeof(out)) < 0, "%s", bad[i]);
	CHECK(t, cg_path_normalise("a\0b", 3, out, sizeof(out)) < 0);
	CHECK(t, cg_path_normalise("abcdefgh", 8, out, 8) < 0); /* does not fit */
}

static struct cg_fsnode *put(struct cg_fstree *tr, const char *path, int type, const char *link)
{
	struct cg_fsnode *n = cg_fstree_insert(tr, path, strlen(path));
	n->type = (uint8_t)type;
	n->link = link;
	return n;
}

static void t_tree(struct cgt *t)
{
	struct cg_fstree tr;
	struct cg_fsnode *bash, *n;
	char path[128];
	CHECK_INT(t, cg_fstree_init(&tr), CG_OK);
	bash = put(&tr, "/usr/bin/bash", CG_ENTRY_REG, NULL);
	put(&tr, "/bin", CG_ENTRY_SYMLINK, "usr/bin"); /* usrmerge */
	put(&tr, "/etc/os-release", CG_ENTRY_SYMLINK, "../usr/lib/os-release");
	put(&tr, "/usr/lib/os-release", CG_ENTRY_REG, NULL);
	put(&tr, "/loop/a", CG_ENTRY_SYMLINK, "b");
	put(&tr, "/loop/b", CG_ENTRY_SYMLINK, "a");
	put(&tr, "/escape", CG_ENTRY_SYMLINK, "../../../../usr/bin/bash");
	CHECK(t, cg_fstree_resolve(&tr, "/bin/bash", 9, false) == bash);
	CHECK(t, cg_fstree_get(&tr, "/bin/bash", 9) == NULL); /* no symlinks without resolve */
	n = cg_fstree_resolve(&tr, "/etc/os-release", 15, true);
	CHECK(t, n && cg_fstree_path(n, path, sizeof(path)) && !strcmp(path, "/usr/lib/os-release"));
	n = cg_fstree_resolve(&tr, "/etc/os-release", 15, false);
	CHECK(t, n && n->type == CG_ENTRY_SYMLINK);
	CHECK(t, cg_fstree_resolve(&tr, "/loop/a", 7, true) == NULL); /* a loop ends */
	CHECK(t, cg_fstree_resolve(&tr, "/escape", 7, true) == bash); /* ".." stops at the root */
	/* removing a folder removes what is below it, and lookups stop finding it */
	cg_fstree_remove(&tr, cg_fstree_get(&tr, "/usr", 4));
	CHECK(t, cg_fstree_get(&tr, "/usr/bin/bash", 13) == NULL);
	CHECK(t, cg_fstree_resolve(&tr, "/bin/bash", 9, false) == NULL);
	CHECK(t, cg_fstree_get(&tr, "/etc/os-release", 15) != NULL);
	/* a file where a folder is needed is replaced by a folder */
	put(&tr, "/f", CG_ENTRY_REG, NULL);
	n = put(&tr, "/f/g", CG_ENTRY_REG, NULL);
	CHECK(t, n && cg_fstree_get(&tr, "/f", 2)->type == CG_ENTRY_DIR);
	/* many nodes: the hash table grows and everything stays findable */
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/many/d%d/f%d", i % 37, i);
		put(&tr, path, CG_ENTRY_REG, NULL);
	}
	for (int i = 0; i < 5000; i += 499) {
		snprintf(path, sizeof(path), "/many/d%d/f%d", i % 37, i);
		CHECKF(t, cg_fstree_get(&tr, path, strlen(path)) != NULL, "%s", path);
	}
	cg_fstree_clear(&tr, cg_fstree_get(&tr, "/many", 5));
	CHECK(t, cg_fstree_get(&tr, "/many/d0/f0", 11) == NULL);
	CHECK(t, cg_fstree_get(&tr, "/many", 5) != NULL);
	cg_fstree_release(&tr);
}

static void t_tarindex(struct cgt *t)
{
	char path[512];
	FILE *f;
	static unsigned char buf[65536];
	size_t n;
	struct cg_tar_index idx;
	const struct cg_tar_member *m;
	snprintf(path, sizeof(path), "%s/../fuzz/corpus/fuzz_tarindex/pax_symlink.tar", CG_TEST_DATA);
	f = fopen(path, "rb");
	CHECK(t, f != NULL);
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK_INT(t, cg_tar_index_build_mem(buf, n, 100, &idx, NULL), CG_OK);
	m = cg_tar_index_find(&idx, "manifest.json");
	CHECK(t, m && m->size == strlen("[{\"Config\":\"a.json\",\"Layers\":[\"x/layer.tar\"]}]") && !memcmp(buf + m->offset, "[{\"Config\"", 10));
	/* a symlinked member (docker save's repeated layers) leads to its target */
	m = cg_tar_index_find(&idx, "./x/layer.tar");
	CHECK(t, m && m->size == 3 && !memcmp(buf + m->offset, "abc", 3));
	CHECK(t, cg_tar_index_find(&idx, "nope") == NULL);
	cg_tar_index_release(&idx);
	/* truncated and garbage archives are errors */
	CHECK_INT(t, cg_tar_index_build_mem(buf, 700, 100, &idx, NULL), CG_ERR_INVALID);
	memset(buf, 'x', 1024);
	CHECK_INT(t, cg_tar_index_build_mem(buf, 1024, 100, &idx, NULL), CG_ERR_INVALID);
}

static void t_platform_index(struct cgt *t)
{
	static const char doc[] =
		"{\"manifests\":["
		"{\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
		"{\"digest\":\"sha256:2222222222222222222222222222222222222222222222222222222222222222\","
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
		"{\"digest\":\"sha256:3333333333333333333333333333333333333333333333333333333333333333\","
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		"{\"digest\":\"sha256:4444444444444444444444444444444444444444444444444444444444444444\","
		"\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
	struct cg_platform p;
	struct cg_blob_ref r;
	enum cg_manifest_kind kind;
	cg_json *j;
	CHECK_INT(t, cg_json_parse(doc, sizeof(doc) - 1, NULL, &j, NULL), CG_OK);
	CHECK(t, cg_manifest_kind(j, &kind, NULL) == CG_OK && kind == CG_MANIFEST_INDEX);
	CHECK_INT(t, cg_platform_parse(NULL, &p, NULL), CG_OK);
	CHECK(t, !strcmp(p.os, "linux") && !strcmp(p.arch, "amd64"));
	CHECK(t, cg_index_select(j, &p, NULL, &r, NULL) == CG_OK && r.digest[7] == '3');
	cg_blob_ref_release(&r);
	CHECK_INT(t, cg_platform_parse("linux/arm64", &p, NULL), CG_OK);
	CHECK(t, cg_index_select(j, &p, NULL, &r, NULL) == CG_OK && r.digest[7] == '2');
	cg_blob_ref_release(&r);
	CHECK_INT(t, cg_platform_parse("linux/arm/v6", &p, NULL), CG_OK);
	CHECK_INT(t, cg_index_select(j, &p, NULL, &r, NULL), CG_ERR_NOTFOUND);
	CHECK_INT(t, cg_platform_parse("linux", &p, NULL), CG_ERR_ARG);
	CHECK_INT(t, cg_platform_parse("linux/arm/v7/x", &p, NULL), CG_ERR_ARG);
	cg_json_free(j);
	/* schema 1 is refused by name */
	CHECK_INT(t, cg_json_parse("{\"schemaVersion\":1}", 19, NULL, &j, NULL), CG_OK);
	CHECK_INT(t, cg_manifest_kind(j, &kind, NULL), CG_ERR_UNSUPPORTED);
	cg_json_free(j);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_normalise), CGT_CASE(t_tree), CGT_CASE(t_tarindex), CGT_CASE(t_platform_index),
};
CGT_MAIN(cases)
