/* Fuzz target: ClamAV hash lists (cg_hashdb_parse, lib/scan/hashdb.c). The
 * first byte picks the file name (.hdb, .hsb, another extension, an
 * unsupported ClamAV type); the rest is the file, parsed from a heap copy of
 * exactly its size so that any read past the end is caught. Checks: an error
 * has a code and a message and leaves the list as it was; after sealing,
 * every digest that parsed is found again for its size, and lookups of other
 * digests, of every algorithm and of odd sizes, are safe. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/malware.h"

static const char *const names[] = {"f.hdb", "f.hsb", "f.txt", "f.HSU", "f.mdb", "noext"};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_hashdb: %s\n", what);
		abort();
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Look up again each line that looks like an entry ("HEX:SIZE:..."). */
static void relookup(const struct cg_hashdb *db, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i, hexlen = 0;
		uint8_t d[CG_HASH_MAX_LEN];
		uint64_t size = 0;
		int okhex = 1;
		while (i < n && p[i] != '\n')
			i++;
		while (start + hexlen < i && p[start + hexlen] != ':')
			hexlen++;
		if ((hexlen == 32 || hexlen == 40 || hexlen == 64) && start + hexlen < i) {
			size_t k = start + hexlen + 1;
			int digits = 0;
			for (size_t j = 0; j < hexlen / 2; j++) {
				int hi = hexval(p[start + 2 * j]),
				    lo = hexval(p[start + 2 * j + 1]);
				okhex &= hi >= 0 && lo >= 0;
				d[j] = (uint8_t)((hi & 15) << 4 | (lo & 15));
			}
			while (k < i && p[k] >= '0' && p[k] <= '9' && digits < 19) {
				size = size * 10 + (uint64_t)(p[k++] - '0');
				digits++;
			}
			if (okhex && digits && k < i && p[k] == ':') {
				enum cg_hash_alg alg = hexlen == 32   ? CG_HASH_MD5
						       : hexlen == 40 ? CG_HASH_SHA1
								      : CG_HASH_SHA256;
				check(cg_hashdb_lookup(db, alg, d, size) != NULL,
				      "entry not found again");
				check(cg_hashdb_size_wanted(db, size),
				      "size of an entry not wanted");
			}
		}
		i++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_hashdb *db = NULL;
	struct cg_error err = {0, ""};
	const char *name;
	uint8_t *copy;
	uint8_t zero[CG_HASH_MAX_LEN] = {0};
	cg_err_t rc;

	if (size < 1)
		return 0;
	name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	data++;
	size--;
	copy = malloc(size ? size : 1);
	if (!copy || cg_hashdb_new(&db) != CG_OK) {
		free(copy);
		return 0;
	}
	if (size)
		memcpy(copy, data, size);
	rc = cg_hashdb_parse(db, name, copy, size, &err);
	if (rc != CG_OK) {
		check(rc > CG_OK && rc < CG_ERR__COUNT, "bad error code");
		check(err.code == rc && err.msg[0] != '\0', "error without a message");
		check(cg_hashdb_count(db) == 0, "a failed parse kept entries");
	}
	check(cg_hashdb_seal(db) == CG_OK, "seal failed");
	if (rc == CG_OK && (name[2] == 'h' || name[2] == 'H' || name[2] == 't' || name[0] == 'n'))
		relookup(db, copy, size);
	for (int a = 0; a <= CG_HASH__COUNT; a++) {
		(void)cg_hashdb_lookup(db, (enum cg_hash_alg)a, zero, 0);
		(void)cg_hashdb_lookup(db, (enum cg_hash_alg)a, zero, UINT64_MAX);
	}
	(void)cg_hashdb_size_wanted(db, UINT64_MAX);
	cg_hashdb_free(db);
	free(copy);
	return 0;
}
