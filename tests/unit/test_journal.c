/* The agent's event journal (lib/agent/journal.h): append, peek, ack, reopen,
 * crash damage (a torn last record, a flipped byte, a lost cursor), the size cap,
 * many records across segment boundaries, acknowledged segments deleted. */
#include "util/internal.h"
#include "agent/journal.h"
#include "cgtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static void mktmp(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/cg-journal.XXXXXX");
	if (!mkdtemp(dir))
		abort();
}

static void rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static size_t count_segments(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, ".jnl") == 0;
	closedir(d);
	return n;
}

/* the path of the last (or first) segment file */
static void seg_path(const char *dir, bool last, char *out, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char best[64] = "";
	while (d && (de = readdir(d))) {
		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".jnl"))
			continue;
		if (!best[0] || (last ? strcmp(de->d_name, best) > 0 : strcmp(de->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	if (d)
		closedir(d);
	snprintf(out, n, "%s/%s", dir, best);
}

static void event(char *buf, size_t n, unsigned i)
{
	snprintf(buf, n, "{\"id\":\"ev-%08u\",\"type\":\"process\",\"pad\":\"%0*u\"}", i,
		 (int)(i % 50), 7u);
}

static int append_n(struct cg_journal *j, unsigned from, unsigned to)
{
	char buf[256];
	for (unsigned i = from; i < to; i++) {
		event(buf, sizeof(buf), i);
		if (cg_journal_append(j, buf, strlen(buf), NULL))
			return -1;
	}
	return 0;
}

/* Drain everything: check the records come in order from `from`, return how many. */
static long drain(struct cgt *t, struct cg_journal *j, unsigned from, size_t max, bool ack)
{
	struct cg_journal_batch b = { 0 };
	long got = 0;
	unsigned want = from;
	char buf[256];
	for (int guard = 0; guard < 100000; guard++) {
		CHECK(t, cg_journal_peek(j, max, 1 << 20, &b, NULL) == CG_OK);
		if (!b.n)
			break;
		for (size_t i = 0; i < b.n; i++, want++) {
			event(buf, sizeof(buf), want);
			if (b.rec[i].len != strlen(buf) || memcmp(b.rec[i].data, buf, b.rec[i].len)) {
				CHECKF(t, 0, "record %u differs: %.*s", want, (int)b.rec[i].len,
				       b.rec[i].data);
				cg_journal_batch_free(&b);
				return -1;
			}
		}
		got += (long)b.n;
		if (!ack)
			break;
		CHECK(t, cg_journal_ack(j, &b, b.n, NULL) == CG_OK);
	}
	cg_journal_batch_free(&b);
	return got;
}

static void t_append_peek_ack_reopen(struct cgt *t)
{
	char dir[64];
	struct cg_journal *j = NULL;
	struct cg_journal_batch b = { 0 };
	struct cg_journal_stats st;
	struct cg_error err = { 0 };
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, NULL, &j, &err) == CG_OK);
	CHECK(t, append_n(j, 0, 10) == 0);
	/* peek does not consume */
	CHECK(t, cg_journal_peek(j, 4, 1 << 20, &b, NULL) == CG_OK);
	CHECK_INT(t, b.n, 4);
	CHECK(t, cg_journal_peek(j, 4, 1 << 20, &b, NULL) == CG_OK);
	CHECK(t, b.n == 4 && b.rec[0].len > 10 && memcmp(b.rec[0].data, "{\"id\":\"ev-00000000\"", 19) == 0);
	/* ack the first 3 of them */
	CHECK(t, cg_journal_ack(j, &b, 3, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 7);
	CHECK_INT(t, st.appended, 10);
	/* a second open of the same folder is refused */
	{
		struct cg_journal *j2 = NULL;
		CHECK(t, cg_journal_open(dir, NULL, &j2, &err) == CG_ERR_EXISTS);
		CHECK(t, strstr(err.msg, "in use") != NULL);
	}
	cg_journal_close(j);
	/* reopen: the 7 unacknowledged ones, in order */
	CHECK(t, cg_journal_open(dir, NULL, &j, &err) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 7);
	CHECK_INT(t, st.corrupt_records, 0);
	CHECK_INT(t, drain(t, j, 3, 5, true), 7);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 0);
	CHECK_INT(t, st.pending_bytes, 0);
	/* appends after a reopen continue the sequence */
	CHECK(t, append_n(j, 10, 12) == 0);
	cg_journal_close(j);
	CHECK(t, cg_journal_open(dir, NULL, &j, &err) == CG_OK);
	CHECK_INT(t, drain(t, j, 10, 100, true), 2);
	/* acking the same (stale) batch again is harmless */
	CHECK(t, cg_journal_peek(j, 10, 1 << 20, &b, NULL) == CG_OK);
	CHECK_INT(t, b.n, 0);
	cg_journal_close(j);
	cg_journal_batch_free(&b);
	rmtree(dir);
}

static void t_limits(struct cgt *t)
{
	char dir[64];
	struct cg_journal *j = NULL;
	struct cg_journal_opts o = { .max_bytes = 1 << 20, .max_record = 1000 };
	struct cg_error err = { 0 };
	char big[1001];
	memset(big, 'x', sizeof(big));
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, &o, &j, &err) == CG_OK);
	CHECK(t, cg_journal_append(j, big, 1001, &err) == CG_ERR_LIMIT);
	CHECK(t, strstr(err.msg, "1001") != NULL);
	CHECK(t, cg_journal_append(j, big, 0, &err) == CG_ERR_INVALID);
	CHECK(t, cg_journal_append(j, big, 1000, &err) == CG_OK);
	cg_journal_close(j);
	o.max_bytes = 1000;
	CHECK(t, cg_journal_open(dir, &o, &j, &err) == CG_ERR_ARG);
	CHECK(t, j == NULL);
	rmtree(dir);
}

static void t_torn_last_record(struct cgt *t)
{
	char dir[64], seg[256];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	struct stat sb;
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 20) == 0);
	cg_journal_close(j);
	/* a crash in the middle of writing record 19: cut 10 bytes off its payload */
	seg_path(dir, true, seg, sizeof(seg));
	CHECK(t, stat(seg, &sb) == 0);
	CHECK(t, truncate(seg, sb.st_size - 10) == 0);
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.corrupt_records, 1);
	CHECK_INT(t, st.pending_records, 19);
	/* new appends go after the last good record and are read back */
	CHECK(t, append_n(j, 19, 25) == 0);
	CHECK_INT(t, drain(t, j, 0, 7, true), 25);
	cg_journal_close(j);
	/* reopen: nothing pending, nothing corrupt any more (the tail was truncated) */
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.corrupt_records, 0);
	CHECK_INT(t, st.pending_records, 0);
	cg_journal_close(j);
	/* a tear inside the header itself */
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 3) == 0);
	cg_journal_close(j);
	seg_path(dir, true, seg, sizeof(seg));
	{
		int fd = open(seg, O_WRONLY | O_APPEND);
		CHECK(t, fd >= 0 && write(fd, "\x20\x00\x00", 3) == 3);
		close(fd);
	}
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.corrupt_records, 1);
	CHECK_INT(t, drain(t, j, 0, 100, true), 3);
	cg_journal_close(j);
	rmtree(dir);
}

static void t_flipped_byte(struct cgt *t)
{
	char dir[64], seg[256], buf[256];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	struct cg_journal_batch b = { 0 };
	long off = 0;
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 10) == 0);
	cg_journal_close(j);
	/* flip a byte in the payload of record 4 */
	for (unsigned i = 0; i < 4; i++) {
		event(buf, sizeof(buf), i);
		off += 8 + (long)strlen(buf);
	}
	seg_path(dir, true, seg, sizeof(seg));
	{
		int fd = open(seg, O_RDWR);
		unsigned char c = 0;
		CHECK(t, fd >= 0 && pread(fd, &c, 1, off + 8 + 3) == 1);
		c ^= 0x20;
		CHECK(t, pwrite(fd, &c, 1, off + 8 + 3) == 1);
		close(fd);
	}
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.corrupt_records, 1);
	CHECK_INT(t, st.pending_records, 9);
	/* 0..3 then 5..9: the bad one is skipped, the rest kept */
	CHECK(t, cg_journal_peek(j, 100, 1 << 20, &b, NULL) == CG_OK);
	CHECK_INT(t, b.n, 9);
	if (b.n == 9) {
		event(buf, sizeof(buf), 3);
		CHECK(t, b.rec[3].len == strlen(buf) && !memcmp(b.rec[3].data, buf, b.rec[3].len));
		event(buf, sizeof(buf), 5);
		CHECK(t, b.rec[4].len == strlen(buf) && !memcmp(b.rec[4].data, buf, b.rec[4].len));
	}
	CHECK(t, cg_journal_ack(j, &b, b.n, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 0);
	cg_journal_close(j);
	cg_journal_batch_free(&b);
	rmtree(dir);
}

static void t_lost_cursor(struct cgt *t)
{
	char dir[64], p[256];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	FILE *f;
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 10) == 0);
	{
		struct cg_journal_batch b = { 0 };
		CHECK(t, cg_journal_peek(j, 5, 1 << 20, &b, NULL) == CG_OK);
		CHECK(t, cg_journal_ack(j, &b, b.n, NULL) == CG_OK);
		cg_journal_batch_free(&b);
	}
	cg_journal_close(j);
	snprintf(p, sizeof(p), "%s/cursor", dir);
	CHECK(t, (f = fopen(p, "w")) != NULL);
	if (f) {
		fputs("garbage\n", f);
		fclose(f);
	}
	/* an unreadable cursor sends everything again (duplicates, never loss) */
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK(t, st.cursor_lost);
	CHECK_INT(t, st.pending_records, 10);
	CHECK_INT(t, drain(t, j, 0, 3, true), 10);
	cg_journal_close(j);
	rmtree(dir);
}

static void t_many_across_segments(struct cgt *t)
{
	char dir[64];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	/* 64 KiB segments: 20,000 records of ~100 bytes make ~35 of them */
	struct cg_journal_opts o = { .max_bytes = 64 << 20, .segment_bytes = 64 << 10 };
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, &o, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 20000) == 0);
	cg_journal_stats(j, &st);
	CHECK(t, st.segments > 20);
	CHECK_INT(t, st.pending_records, 20000);
	CHECK_INT(t, count_segments(dir), st.segments);
	/* ack half, reopen: acknowledged segments are gone, the rest comes back in order */
	{
		struct cg_journal_batch b = { 0 };
		long acked = 0;
		while (acked < 10000) {
			CHECK(t, cg_journal_peek(j, 500, 1 << 20, &b, NULL) == CG_OK);
			CHECK(t, cg_journal_ack(j, &b, b.n, NULL) == CG_OK);
			acked += (long)b.n;
		}
		CHECK_INT(t, acked, 10000);
		cg_journal_batch_free(&b);
	}
	cg_journal_close(j);
	CHECK(t, count_segments(dir) < st.segments / 2 + 2);
	CHECK(t, cg_journal_open(dir, &o, &j, NULL) == CG_OK);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 10000);
	CHECK_INT(t, drain(t, j, 10000, 333, true), 10000);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.pending_records, 0);
	CHECK_INT(t, st.segments, 1);
	CHECK_INT(t, count_segments(dir), 1);
	cg_journal_close(j);
	rmtree(dir);
}

static void t_size_cap_drops_oldest(struct cgt *t)
{
	char dir[64], buf[256];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	struct cg_journal_batch b = { 0 };
	struct cg_journal_opts o = { .max_bytes = 256 << 10 };
	unsigned n = 10000; /* ~1 MiB of records into a 256 KiB journal */
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, &o, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, n) == 0);
	cg_journal_stats(j, &st);
	CHECK(t, st.disk_bytes <= o.max_bytes);
	CHECK(t, st.dropped_records > 0);
	CHECK_INT(t, st.dropped_records + st.pending_records, n);
	/* what is kept is the newest: the last record appended is there, the first is not */
	CHECK(t, cg_journal_peek(j, 100000, 64 << 20, &b, NULL) == CG_OK);
	CHECK_INT(t, b.n, st.pending_records);
	if (b.n) {
		event(buf, sizeof(buf), n - 1);
		CHECK(t, b.rec[b.n - 1].len == strlen(buf) &&
			 !memcmp(b.rec[b.n - 1].data, buf, b.rec[b.n - 1].len));
		event(buf, sizeof(buf), (unsigned)(n - b.n));
		CHECK(t, b.rec[0].len == strlen(buf) && !memcmp(b.rec[0].data, buf, b.rec[0].len));
	}
	cg_journal_close(j);
	/* the cap holds across a reopen too */
	CHECK(t, cg_journal_open(dir, &o, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, n, n + 2000) == 0);
	cg_journal_stats(j, &st);
	CHECK(t, st.disk_bytes <= o.max_bytes);
	cg_journal_close(j);
	cg_journal_batch_free(&b);
	rmtree(dir);
}

static void t_batch_limits(struct cgt *t)
{
	char dir[64];
	struct cg_journal *j = NULL;
	struct cg_journal_batch b = { 0 };
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, NULL, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 100) == 0);
	CHECK(t, cg_journal_peek(j, 1000, 500, &b, NULL) == CG_OK);
	CHECK(t, b.n > 0 && b.n < 20 && b.bytes <= 500);
	/* a record larger than max_bytes still comes alone */
	CHECK(t, cg_journal_peek(j, 1000, 1, &b, NULL) == CG_OK);
	CHECK_INT(t, b.n, 1);
	/* acking part of a batch */
	CHECK(t, cg_journal_peek(j, 10, 1 << 20, &b, NULL) == CG_OK);
	CHECK(t, cg_journal_ack(j, &b, 4, NULL) == CG_OK);
	CHECK(t, cg_journal_ack(j, &b, 11, NULL) == CG_ERR_ARG);
	CHECK_INT(t, drain(t, j, 4, 50, true), 96);
	cg_journal_close(j);
	cg_journal_batch_free(&b);
	rmtree(dir);
}

static void t_sync_always(struct cgt *t)
{
	char dir[64];
	struct cg_journal *j = NULL;
	struct cg_journal_stats st;
	struct cg_journal_opts o = { .sync_always = true };
	mktmp(dir, sizeof(dir));
	CHECK(t, cg_journal_open(dir, &o, &j, NULL) == CG_OK);
	CHECK(t, append_n(j, 0, 5) == 0);
	cg_journal_stats(j, &st);
	CHECK_INT(t, st.syncs, 5);
	CHECK(t, cg_journal_sync(j, NULL) == CG_OK);
	cg_journal_close(j);
	rmtree(dir);
}

static const struct cgt_case cases[] = {
	CGT_CASE(t_append_peek_ack_reopen),
	CGT_CASE(t_limits),
	CGT_CASE(t_torn_last_record),
	CGT_CASE(t_flipped_byte),
	CGT_CASE(t_lost_cursor),
	CGT_CASE(t_many_across_segments),
	CGT_CASE(t_size_cap_drops_oldest),
	CGT_CASE(t_batch_limits),
	CGT_CASE(t_sync_always),
};
CGT_MAIN(cases)
