/* Fuzz target: the agent journal's recovery (lib/agent/journal.c) over files that
 * may be torn, corrupted or made up. The input is split at each "SEG|" marker: the
 * first piece is the `cursor` file, the next ones segment files 1, 2, 3, ...
 *
 * Properties: opening never fails on damaged content (only on I/O); every record
 * peek() returns is within max_record and the batch limits; acknowledging
 * everything leaves nothing pending; a record appended after that is, after a
 * reopen, the only one pending and comes back byte for byte. */
#define _GNU_SOURCE
#include "fuzz.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cguard/cguard.h>
#include "agent/journal.h"

static char dir[64];

static void clear_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
}

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	int fd;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	if (n && write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cg_journal_opts o = { .max_bytes = 1 << 20, .max_record = 4096 };
	struct cg_journal *j = NULL;
	struct cg_journal_batch b = { 0 };
	struct cg_journal_stats st;
	const uint8_t *p = data, *end = data + size;
	unsigned seg = 0;
	static const char rec[] = "{\"id\":\"after-recovery\"}";

	if (!dir[0]) {
		/* tmpfs when there is one: the journal fsyncs a lot */
		snprintf(dir, sizeof(dir), "%s/cg-fuzz-journal.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	clear_dir();
	while (p <= end && seg < 8) {
		const uint8_t *m = memmem(p, (size_t)(end - p), "SEG|", 4);
		const uint8_t *stop = m ? m : end;
		char name[32];
		if (seg == 0)
			snprintf(name, sizeof(name), "cursor");
		else
			snprintf(name, sizeof(name), "%016x.jnl", seg);
		put(name, p, (size_t)(stop - p));
		seg++;
		if (!m)
			break;
		p = m + 4;
	}
	if (cg_journal_open(dir, &o, &j, NULL) != CG_OK)
		abort();
	for (int guard = 0;; guard++) {
		if (guard > 100000 || cg_journal_peek(j, 7, 2000, &b, NULL) != CG_OK)
			abort();
		if (b.n == 0)
			break;
		for (size_t i = 0; i < b.n; i++)
			if (b.rec[i].len == 0 || b.rec[i].len > 4096)
				abort();
		if (b.n > 7 || (b.n > 1 && b.bytes > 2000))
			abort();
		if (cg_journal_ack(j, &b, b.n, NULL) != CG_OK)
			abort();
	}
	if (cg_journal_ack(j, &b, 0, NULL) != CG_OK)
		abort();
	cg_journal_stats(j, &st);
	if (st.pending_records != 0)
		abort();
	if (cg_journal_append(j, rec, sizeof(rec) - 1, NULL) != CG_OK)
		abort();
	cg_journal_close(j);
	j = NULL;
	if (cg_journal_open(dir, &o, &j, NULL) != CG_OK)
		abort();
	cg_journal_stats(j, &st);
	if (st.pending_records != 1 || cg_journal_peek(j, 100, 1 << 20, &b, NULL) != CG_OK ||
	    b.n != 1 || b.rec[0].len != sizeof(rec) - 1 || memcmp(b.rec[0].data, rec, b.rec[0].len))
		abort();
	cg_journal_close(j);
	cg_journal_batch_free(&b);
	return 0;
}
