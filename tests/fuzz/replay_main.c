/* Replays a fuzz target's corpus without libFuzzer, so `make test` exercises
 * every committed input (and crash reproducer) with any compiler:
 *   replay DIR|FILE...   (default: tests/fuzz/corpus/<target name>/) */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int replay(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.') {
				char sub[4096];
				snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
				if (replay(sub, count) != 0)
					fprintf(stderr, "cannot read %s\n", sub);
			}
			free(ents[i]);
		}
		free(ents);
		return 0;
	}
	if (replay_file(path) != 0)
		return -1;
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (replay(argv[i], &count) != 0) {
				fprintf(stderr, "cannot read %s\n", argv[i]);
				return 1;
			}
	} else {
		const char *base = strrchr(argv[0], '/');
		char dir[4096];
		base = base ? base + 1 : argv[0];
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", CG_SOURCE_DIR, base);
		if (replay(dir, &count) != 0) {
			fprintf(stderr, "no corpus at %s\n", dir);
			return 1;
		}
	}
	printf("%s: replayed %d inputs\n", argv[0], count);
	return count > 0 ? 0 : 1;
}
