/* ClamAV hash lists (lib/scan/hashdb.c): the accepted forms, every error with
 * its line number, the limits, and lookups by digest and size. */
#include "cgtest.h"
#include "scan/malware.h"

#define MD5_A	 "0123456789abcdef0123456789abcdef"
#define SHA1_A	 "0123456789abcdef0123456789abcdef01234567"
#define SHA256_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void unhex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i] && s[2 * i + 1]; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
		}
		out[i] = (uint8_t)v;
	}
}

static struct cg_hashdb *parse(struct cgt *t, const char *name, const char *text, cg_err_t want,
			       struct cg_error *err)
{
	struct cg_hashdb *db = NULL;
	cg_err_t rc;
	CHECK(t, cg_hashdb_new(&db) == CG_OK);
	if (!db)
		return NULL;
	rc = cg_hashdb_parse(db, name, text, strlen(text), err);
	CHECKF(t, rc == want, "%s: parse %d (%s), want %d", name, rc, err->msg, want);
	CHECK(t, cg_hashdb_seal(db) == CG_OK);
	return db;
}

static const char *lookup(const struct cg_hashdb *db, enum cg_hash_alg alg, const char *hex,
			  uint64_t size)
{
	uint8_t d[CG_HASH_MAX_LEN];
	unhex(hex, d);
	return cg_hashdb_lookup(db, alg, d, size);
}

static void t_valid(struct cgt *t)
{
	struct cg_error err;
	struct cg_hashdb *db =
	    parse(t, "main.hdb",
		  "# comment\n"
		  "\n" MD5_A ":68:Eicar-Test-Signature\n"
		  "FEDCBA9876543210FEDCBA9876543210:1024:Win.Trojan.Upper-1:73\r\n"
		  "00000000000000000000000000000000:*:Any.Size-1:73:255\n"
		  "11111111111111111111111111111111:5:No.Newline",
		  CG_OK, &err);
	if (!db)
		return;
	CHECK_INT(t, cg_hashdb_count(db), 4);
	CHECK_INT(t, cg_hashdb_algs(db), 1u << CG_HASH_MD5);
	CHECK_STR(t, lookup(db, CG_HASH_MD5, MD5_A, 68), "Eicar-Test-Signature");
	CHECK(t, lookup(db, CG_HASH_MD5, MD5_A, 69) == NULL);
	CHECK_STR(t, lookup(db, CG_HASH_MD5, "fedcba9876543210fedcba9876543210", 1024),
		  "Win.Trojan.Upper-1");
	CHECK_STR(t, lookup(db, CG_HASH_MD5, "00000000000000000000000000000000", 123456789),
		  "Any.Size-1");
	CHECK_STR(t, lookup(db, CG_HASH_MD5, "11111111111111111111111111111111", 5), "No.Newline");
	CHECK(t, lookup(db, CG_HASH_MD5, "22222222222222222222222222222222", 5) == NULL);
	CHECK(t, lookup(db, CG_HASH_SHA256, SHA256_A, 68) == NULL);
	/* a wildcard entry makes every size interesting */
	CHECK(t, cg_hashdb_size_wanted(db, 7));
	cg_hashdb_free(db);
}

static void t_sha(struct cgt *t)
{
	struct cg_error err;
	struct cg_hashdb *db =
	    parse(t, "x.hsb", SHA256_A ":100:Unix.Coinminer.X-1:73\n" SHA1_A ":200:Sha1.Y-2\n",
		  CG_OK, &err);
	if (!db)
		return;
	CHECK_INT(t, cg_hashdb_algs(db), (1u << CG_HASH_SHA256) | (1u << CG_HASH_SHA1));
	CHECK_STR(t, lookup(db, CG_HASH_SHA256, SHA256_A, 100), "Unix.Coinminer.X-1");
	CHECK_STR(t, lookup(db, CG_HASH_SHA1, SHA1_A, 200), "Sha1.Y-2");
	CHECK(t, lookup(db, CG_HASH_SHA1, SHA1_A, 100) == NULL);
	/* sizes: only 100 and 200 */
	CHECK(t, cg_hashdb_size_wanted(db, 100));
	CHECK(t, cg_hashdb_size_wanted(db, 200));
	CHECK(t, !cg_hashdb_size_wanted(db, 150));
	CHECK(t, !cg_hashdb_size_wanted(db, 0));
	cg_hashdb_free(db);
	/* an unknown extension takes all three, by length */
	db = parse(t, "list.txt", MD5_A ":1:A\n" SHA1_A ":1:B\n" SHA256_A ":1:C\n", CG_OK, &err);
	if (db) {
		CHECK_INT(t, cg_hashdb_count(db), 3);
		CHECK_STR(t, lookup(db, CG_HASH_SHA1, SHA1_A, 1), "B");
		cg_hashdb_free(db);
	}
}

/* Several files into one db; duplicates: the first loaded wins. */
static void t_several(struct cgt *t)
{
	struct cg_error err;
	struct cg_hashdb *db = NULL;
	CHECK(t, cg_hashdb_new(&db) == CG_OK);
	if (!db)
		return;
	CHECK(t, cg_hashdb_parse(db, "a.hdb", MD5_A ":10:First\n", strlen(MD5_A ":10:First\n"),
				 &err) == CG_OK);
	CHECK(t, cg_hashdb_parse(db, "b.hdb", MD5_A ":10:Second\n" MD5_A ":11:Other\n",
				 strlen(MD5_A ":10:Second\n" MD5_A ":11:Other\n"), &err) == CG_OK);
	/* a failing file leaves nothing behind */
	CHECK(t, cg_hashdb_parse(db, "c.hdb", MD5_A ":12:Kept?\nbad\n",
				 strlen(MD5_A ":12:Kept?\nbad\n"), &err) == CG_ERR_INVALID);
	CHECK(t, cg_hashdb_seal(db) == CG_OK);
	CHECK_INT(t, cg_hashdb_count(db), 3);
	CHECK_STR(t, lookup(db, CG_HASH_MD5, MD5_A, 10), "First");
	CHECK_STR(t, lookup(db, CG_HASH_MD5, MD5_A, 11), "Other");
	CHECK(t, lookup(db, CG_HASH_MD5, MD5_A, 12) == NULL);
	CHECK(t, !cg_hashdb_size_wanted(db, 12));
	/* unsealed after another parse: no lookups until sealed again */
	CHECK(t, cg_hashdb_parse(db, "d.hdb", "", 0, &err) == CG_OK);
	CHECK(t, lookup(db, CG_HASH_MD5, MD5_A, 10) == NULL);
	CHECK(t, cg_hashdb_seal(db) == CG_OK);
	CHECK_STR(t, lookup(db, CG_HASH_MD5, MD5_A, 10), "First");
	cg_hashdb_free(db);
}

static void t_errors(struct cgt *t)
{
	static const struct {
		const char *name, *text;
		cg_err_t rc;
		const char *msg;
	} bad[] = {
	    {"a.hdb", "# ok\n" MD5_A ":1:A\nzz:1:B\n", CG_ERR_INVALID,
	     "a.hdb:3: the hash is not an MD5"},
	    {"a.hdb", SHA256_A ":1:A\n", CG_ERR_INVALID, "a.hdb:1: the hash is not an MD5"},
	    {"a.hsb", MD5_A ":1:A\n", CG_ERR_INVALID,
	     "a.hsb:1: the hash is not a SHA-1 or SHA-256"},
	    {"a.txt", "abc:1:A\n", CG_ERR_INVALID, "a.txt:1: the hash is not an MD5, SHA-1"},
	    {"a.hdb", "0123456789abcdef0123456789abcdeg:1:A\n", CG_ERR_INVALID, "not a hex digit"},
	    {"a.hdb", MD5_A ":-1:A\n", CG_ERR_INVALID, "a.hdb:1: the file size"},
	    {"a.hdb", MD5_A ":99999999999999999999999:A\n", CG_ERR_INVALID, "the file size"},
	    {"a.hdb", MD5_A "::A\n", CG_ERR_INVALID, "the file size"},
	    {"a.hdb", MD5_A ":1:\n", CG_ERR_INVALID, "a.hdb:1: the malware name is empty"},
	    {"a.hdb", MD5_A ":1:A\tB\n", CG_ERR_INVALID, "not printable ASCII"},
	    {"a.hdb", MD5_A ":1\n", CG_ERR_INVALID, "too few"},
	    {"a.hdb", MD5_A "\n", CG_ERR_INVALID, "too few"},
	    {"a.hdb", MD5_A ":1:A:x\n", CG_ERR_INVALID, "functionality level"},
	    {"a.hdb", MD5_A ":1:A:1:2:3\n", CG_ERR_INVALID, "too many"},
	    {"a.hdb", MD5_A ":1:A:1:2:\n", CG_ERR_INVALID, "too many"},
	    {"a.hdb", MD5_A ":1:A:\n", CG_ERR_INVALID, "functionality level"},
	    {"a.hdb", "\n\n\n\n" MD5_A ":1:A\0B\n", CG_ERR_INVALID, "a.hdb:5:"},
	    {"main.mdb", MD5_A ":1:A\n", CG_ERR_UNSUPPORTED, "main.mdb: ClamAV .mdb databases"},
	    {"daily.ndb", "x\n", CG_ERR_UNSUPPORTED, ".ndb"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_hashdb *db = NULL;
		struct cg_error err = {0, ""};
		size_t len = strlen(bad[i].text);
		cg_err_t rc;
		if (strstr(bad[i].msg, "a.hdb:5:"))
			len += 3; /* the line with a NUL: read on through "\0B\n" */
		CHECK(t, cg_hashdb_new(&db) == CG_OK);
		if (!db)
			return;
		rc = cg_hashdb_parse(db, bad[i].name, bad[i].text, len, &err);
		CHECKF(t, rc == bad[i].rc, "bad[%zu]: rc %d, want %d (%s)", i, rc, bad[i].rc,
		       err.msg);
		CHECKF(t, strstr(err.msg, bad[i].msg) != NULL,
		       "bad[%zu]: message \"%s\", want \"%s\"", i, err.msg, bad[i].msg);
		CHECK_INT(t, cg_hashdb_count(db), 0);
		cg_hashdb_free(db);
	}
}

static void t_limits(struct cgt *t)
{
	struct cg_error err;
	struct cg_hashdb *db = NULL;
	char line[2048];
	size_t n;

	CHECK(t, cg_hashdb_new(&db) == CG_OK);
	if (!db)
		return;
	/* a name of 256 bytes is fine, 257 is not */
	n = (size_t)snprintf(line, sizeof(line), "%s:1:", MD5_A);
	memset(line + n, 'N', 256);
	line[n + 256] = '\n';
	CHECK(t, cg_hashdb_parse(db, "a.hdb", line, n + 257, &err) == CG_OK);
	memset(line + n, 'N', 257);
	line[n + 257] = '\n';
	CHECK(t, cg_hashdb_parse(db, "a.hdb", line, n + 258, &err) == CG_ERR_INVALID);
	CHECK(t, strstr(err.msg, "longer than 256") != NULL);
	/* a line of more than 1024 bytes */
	memset(line, '#', 1500);
	line[1500] = '\n';
	CHECK(t, cg_hashdb_parse(db, "a.hdb", line, 1501, &err) == CG_ERR_INVALID);
	CHECKF(t, strstr(err.msg, "a.hdb:1: line longer than 1024") != NULL, "%s", err.msg);
	/* a file over the size limit is refused before reading a line */
	CHECK(t, cg_hashdb_parse(db, "a.hdb", line, (size_t)600 << 20, &err) == CG_ERR_LIMIT);
	CHECK_INT(t, cg_hashdb_count(db), 1);
	CHECK(t, cg_hashdb_parse(NULL, "a.hdb", "", 0, &err) == CG_ERR_ARG);
	CHECK(t, cg_hashdb_load(db, "/nonexistent/x.hdb", &err) == CG_ERR_NOTFOUND);
	cg_hashdb_free(db);
	/* NULL and unsealed dbs answer nothing */
	CHECK(t, !cg_hashdb_size_wanted(NULL, 1));
	CHECK(t, lookup(NULL, CG_HASH_MD5, MD5_A, 1) == NULL);
	CHECK_INT(t, cg_hash_len(CG_HASH_SHA1), 20);
	CHECK_INT(t, cg_hash_len(CG_HASH__COUNT), 0);
}

/* Many entries: every one is found, lookups of absent digests are not. */
static void t_many(struct cgt *t)
{
	struct cg_error err;
	struct cg_hashdb *db = NULL;
	char *text = malloc(20000 * 64);
	size_t len = 0;
	int missing = 0, wrong = 0;

	CHECK(t, text != NULL && cg_hashdb_new(&db) == CG_OK);
	if (!text || !db) {
		free(text);
		cg_hashdb_free(db);
		return;
	}
	for (unsigned i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, 64, "%08x%08x%08x%08x:%u:N%u\n",
					i * 2654435761u, i, ~i, i ^ 0x5a5a5a5au, i % 97, i);
	CHECK(t, cg_hashdb_parse(db, "many.hdb", text, len, &err) == CG_OK);
	CHECK(t, cg_hashdb_seal(db) == CG_OK);
	CHECK_INT(t, cg_hashdb_count(db), 20000);
	for (unsigned i = 0; i < 20000; i++) {
		char hex[33], want[16];
		const char *got;
		snprintf(hex, sizeof(hex), "%08x%08x%08x%08x", i * 2654435761u, i, ~i,
			 i ^ 0x5a5a5a5au);
		snprintf(want, sizeof(want), "N%u", i);
		got = lookup(db, CG_HASH_MD5, hex, i % 97);
		if (!got)
			missing++;
		else if (strcmp(got, want) != 0)
			wrong++;
		snprintf(hex, sizeof(hex), "%08x%08x%08x%08x", i * 2654435761u, i, ~i,
			 i ^ 0x5a5a5a5bu);
		if (lookup(db, CG_HASH_MD5, hex, i % 97))
			wrong++;
	}
	CHECK_INT(t, missing, 0);
	CHECK_INT(t, wrong, 0);
	CHECK(t, cg_hashdb_size_wanted(db, 96));
	CHECK(t, !cg_hashdb_size_wanted(db, 97));
	cg_hashdb_free(db);
	free(text);
}

static const struct cgt_case cases[] = {
    CGT_CASE(t_valid),	CGT_CASE(t_sha),    CGT_CASE(t_several),
    CGT_CASE(t_errors), CGT_CASE(t_limits), CGT_CASE(t_many),
};

CGT_MAIN(cases)
