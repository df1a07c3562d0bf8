/* The agent's on-disk event journal: see journal.h and docs/agent-uplink.md. */
#include "util/internal.h"
#include "agent/journal.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define SEG_SUFFIX ".jnl"
#define SEG_NAME_LEN 16
#define CURSOR_FILE "cursor"
#define CURSOR_TMP "cursor.tmp"
#define CURSOR_MAGIC "cguard-journal-cursor 1 "
#define CURSOR_MAX 128
#define READ_CHUNK ((size_t)256 << 10)
#define MAX_SEGMENTS 1000000

struct seg {
	uint64_t id;
	uint64_t size;   /* bytes of the file we trust (a torn last segment is truncated) */
	uint64_t nrec;   /* valid records */
	uint64_t nacked; /* of which acknowledged */
};

/* A buffered reader of one segment file. */
struct rd {
	int fd;
	uint64_t id;
	char *buf;
	size_t cap;
	uint64_t base;
	size_t have;
};

struct cg_journal {
	pthread_mutex_t mu;
	char *dir;
	int dirfd, lockfd, wfd;
	struct cg_journal_opts o;
	struct seg *segs; /* ascending ids; the last one is the active (appended) one */
	size_t nsegs, segs_cap;
	struct cg_journal_pos cur;
	uint64_t disk_bytes;
	bool dirty;
	uint64_t last_sync_ns;
	struct rd rd;
	struct cg_journal_stats st;
	bool cursor_moved; /* recovery moved it: written back */
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool pos_le(struct cg_journal_pos a, struct cg_journal_pos b)
{
	return a.seg < b.seg || (a.seg == b.seg && a.off <= b.off);
}

static void seg_name(uint64_t id, char out[32])
{
	snprintf(out, 32, "%016" PRIx64 SEG_SUFFIX, id);
}

static bool parse_seg_name(const char *name, uint64_t *id)
{
	uint64_t v = 0;
	if (strlen(name) != SEG_NAME_LEN + strlen(SEG_SUFFIX) ||
	    strcmp(name + SEG_NAME_LEN, SEG_SUFFIX) != 0)
		return false;
	for (size_t i = 0; i < SEG_NAME_LEN; i++) {
		char c = name[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*id = v;
	return v != 0;
}

static uint32_t rec_crc(uint32_t len, const void *p)
{
	unsigned char l[4] = { (unsigned char)len, (unsigned char)(len >> 8),
			       (unsigned char)(len >> 16), (unsigned char)(len >> 24) };
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, l, 4);
	c = crc32(c, (const Bytef *)p, (uInt)len);
	return (uint32_t)c;
}

static uint32_t get_u32le(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static struct seg *find_seg(struct cg_journal *j, uint64_t id)
{
	size_t lo = 0, hi = j->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (j->segs[mid].id == id)
			return &j->segs[mid];
		if (j->segs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- reading ----------------------------------------------------------------- */

static void rd_close(struct rd *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->id = 0;
	r->have = 0;
}

static cg_err_t rd_open(struct cg_journal *j, struct rd *r, uint64_t id, struct cg_error *err)
{
	char name[32];
	if (r->fd >= 0 && r->id == id)
		return CG_OK;
	rd_close(r);
	seg_name(id, name);
	r->fd = openat(j->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s/%s: %s", j->dir, name, strerror(errno));
	r->id = id;
	return CG_OK;
}

/* A pointer to n bytes at off of the open segment (off + n must lie inside what the
 * segment holds). NULL with err set when they cannot be read. */
static const char *rd_get(struct cg_journal *j, struct rd *r, uint64_t off, size_t n,
			  struct cg_error *err)
{
	size_t want = n > READ_CHUNK ? n : READ_CHUNK, got = 0;
	if (off >= r->base && off - r->base <= r->have && n <= r->have - (off - r->base))
		return r->buf + (off - r->base);
	if (want > r->cap) {
		char *nb = realloc(r->buf, want);
		if (!nb) {
			cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			return NULL;
		}
		r->buf = nb;
		r->cap = want;
	}
	r->base = off;
	r->have = 0;
	while (got < want) {
		ssize_t k = pread(r->fd, r->buf + got, want - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			cg_error_set(err, CG_ERR_IO, "%s: reading segment %" PRIu64 ": %s", j->dir,
				     r->id, strerror(errno));
			return NULL;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->have = got;
	if (got < n) {
		cg_error_set(err, CG_ERR_IO, "%s: segment %" PRIu64 " is shorter than expected",
			     j->dir, r->id);
		return NULL;
	}
	return r->buf;
}

enum rec_res { REC_OK, REC_BADCRC, REC_END, REC_TAIL, REC_ERR };

/* The record at off of a segment whose trusted size is size. */
static enum rec_res rec_at(struct cg_journal *j, struct rd *r, uint64_t off, uint64_t size,
			   const char **payload, uint32_t *len, struct cg_error *err)
{
	const char *h;
	uint32_t l, c;
	if (off >= size)
		return REC_END;
	if (size - off < CG_JOURNAL_HDR)
		return REC_TAIL;
	if (!(h = rd_get(j, r, off, CG_JOURNAL_HDR, err)))
		return REC_ERR;
	l = get_u32le(h);
	c = get_u32le(h + 4);
	if (l == 0 || l > j->o.max_record || size - off - CG_JOURNAL_HDR < l)
		return REC_TAIL;
	if (!(h = rd_get(j, r, off, CG_JOURNAL_HDR + (size_t)l, err)))
		return REC_ERR;
	*payload = h + CG_JOURNAL_HDR;
	*len = l;
	return rec_crc(l, *payload) == c ? REC_OK : REC_BADCRC;
}

/* ---- files ------------------------------------------------------------------- */

static cg_err_t sync_dir(struct cg_journal *j, struct cg_error *err)
{
	if (fsync(j->dirfd) < 0)
		return cg_error_set(err, CG_ERR_IO, "%s: fsync: %s", j->dir, strerror(errno));
	return CG_OK;
}

static cg_err_t sync_active(struct cg_journal *j, struct cg_error *err)
{
	if (!j->dirty || j->wfd < 0)
		return CG_OK;
	if (fdatasync(j->wfd) < 0)
		return cg_error_set(err, CG_ERR_IO, "%s: fdatasync: %s", j->dir, strerror(errno));
	j->dirty = false;
	j->last_sync_ns = now_ns();
	j->st.syncs++;
	return CG_OK;
}

static cg_err_t write_cursor(struct cg_journal *j, struct cg_error *err)
{
	char line[CURSOR_MAX];
	int n = snprintf(line, sizeof(line), CURSOR_MAGIC "%016" PRIx64 " %" PRIu64 "\n",
			 j->cur.seg, j->cur.off);
	int fd = openat(j->dirfd, CURSOR_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w;
	if (fd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s/" CURSOR_TMP ": %s", j->dir, strerror(errno));
	do
		w = write(fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w != n || fsync(fd) < 0) {
		int e = w < 0 ? errno : (w != n ? ENOSPC : errno);
		close(fd);
		return cg_error_set(err, CG_ERR_IO, "%s/" CURSOR_TMP ": %s", j->dir, strerror(e));
	}
	close(fd);
	if (renameat(j->dirfd, CURSOR_TMP, j->dirfd, CURSOR_FILE) < 0)
		return cg_error_set(err, CG_ERR_IO, "%s/" CURSOR_FILE ": %s", j->dir, strerror(errno));
	return sync_dir(j, err);
}

/* Read the cursor; a missing file is the start, an unreadable one too (flagged). */
static void read_cursor(struct cg_journal *j)
{
	char buf[CURSOR_MAX + 1], *end;
	size_t ml = strlen(CURSOR_MAGIC);
	ssize_t n;
	uint64_t seg, off;
	int fd = openat(j->dirfd, CURSOR_FILE, O_RDONLY | O_CLOEXEC);
	j->cur.seg = j->cur.off = 0;
	if (fd < 0) {
		if (errno != ENOENT)
			j->st.cursor_lost = true;
		return;
	}
	n = read(fd, buf, CURSOR_MAX);
	close(fd);
	if (n <= 0 || (size_t)n <= ml || memcmp(buf, CURSOR_MAGIC, ml) != 0)
		goto bad;
	buf[n] = '\0';
	if (!isxdigit((unsigned char)buf[ml]))
		goto bad;
	errno = 0;
	seg = strtoull(buf + ml, &end, 16);
	if (errno || end != buf + ml + SEG_NAME_LEN || *end != ' ' || !isdigit((unsigned char)end[1]))
		goto bad;
	off = strtoull(end + 1, &end, 10);
	if (errno || *end != '\n' || end + 1 != buf + n)
		goto bad;
	j->cur.seg = seg;
	j->cur.off = off;
	return;
bad:
	j->st.cursor_lost = true;
}

static cg_err_t push_seg(struct cg_journal *j, struct seg s, struct cg_error *err)
{
	if (j->nsegs == j->segs_cap) {
		size_t nc = j->segs_cap ? j->segs_cap * 2 : 16;
		struct seg *ns = realloc(j->segs, nc * sizeof(*ns));
		if (!ns)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		j->segs = ns;
		j->segs_cap = nc;
	}
	j->segs[j->nsegs++] = s;
	return CG_OK;
}

/* Remove the oldest segment's file and entry. */
static void remove_first(struct cg_journal *j)
{
	char name[32];
	seg_name(j->segs[0].id, name);
	if (j->rd.id == j->segs[0].id)
		rd_close(&j->rd);
	if (unlinkat(j->dirfd, name, 0) < 0 && errno != ENOENT)
		cg_warn("journal %s: cannot delete %s: %s", j->dir, name, strerror(errno));
	j->disk_bytes -= j->segs[0].size;
	memmove(j->segs, j->segs + 1, (j->nsegs - 1) * sizeof(*j->segs));
	j->nsegs--;
}

/* Bring the cursor to a segment that exists (the start of the next one when it
 * points at or past the end of a closed segment) and delete the segments before it. */
static void normalize(struct cg_journal *j)
{
	size_t i = 0;
	while (i < j->nsegs) {
		struct seg *s = &j->segs[i];
		if (j->cur.seg < s->id) {
			j->cur.seg = s->id;
			j->cur.off = 0;
		}
		if (j->cur.seg == s->id && (i + 1 == j->nsegs || j->cur.off < s->size))
			break;
		i++;
	}
	while (j->nsegs > 1 && j->segs[0].id < j->cur.seg)
		remove_first(j);
}

static cg_err_t open_active(struct cg_journal *j, bool create, struct cg_error *err)
{
	char name[32];
	struct seg *a = &j->segs[j->nsegs - 1];
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
	seg_name(a->id, name);
	j->wfd = openat(j->dirfd, name, flags, 0600);
	if (j->wfd < 0)
		return cg_error_set(err, CG_ERR_IO, "%s/%s: %s", j->dir, name, strerror(errno));
	return create ? sync_dir(j, err) : CG_OK;
}

/* Close the active segment (synced) and start the next one. */
static cg_err_t rotate(struct cg_journal *j, struct cg_error *err)
{
	cg_err_t rc;
	struct seg s = { j->segs[j->nsegs - 1].id + 1, 0, 0, 0 };
	if ((rc = sync_active(j, err)))
		return rc;
	if (j->nsegs >= MAX_SEGMENTS)
		return cg_error_set(err, CG_ERR_LIMIT, "%s: too many segments", j->dir);
	close(j->wfd);
	j->wfd = -1;
	if ((rc = push_seg(j, s, err)))
		return rc;
	if ((rc = open_active(j, true, err))) {
		j->nsegs--;
		return rc;
	}
	return CG_OK;
}

static void drop_first(struct cg_journal *j)
{
	struct seg *s = &j->segs[0];
	uint64_t before = j->cur.seg == s->id ? j->cur.off : 0;
	if (j->cur.seg <= s->id) {
		j->st.dropped_records += s->nrec - s->nacked;
		j->st.dropped_bytes += s->size > before ? s->size - before : 0;
		cg_warn("journal %s: full (%" PRIu64 " bytes): dropped %" PRIu64
			" unsent events, the oldest", j->dir, j->o.max_bytes, s->nrec - s->nacked);
	}
	remove_first(j);
	if (j->cur.seg < j->segs[0].id) {
		j->cur.seg = j->segs[0].id;
		j->cur.off = 0;
	}
}

/* ---- recovery ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static cg_err_t list_segments(struct cg_journal *j, uint64_t **ids, size_t *n, struct cg_error *err)
{
	int fd = dup(j->dirfd);
	DIR *d;
	struct dirent *de;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cg_error_set(err, CG_ERR_IO, "%s: %s", j->dir, strerror(errno));
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		uint64_t id;
		if (!parse_seg_name(de->d_name, &id))
			continue;
		if (*n >= MAX_SEGMENTS) {
			closedir(d);
			return cg_error_set(err, CG_ERR_LIMIT, "%s: more than %d segments", j->dir,
					    MAX_SEGMENTS);
		}
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			uint64_t *ni = realloc(*ids, nc * sizeof(*ni));
			if (!ni) {
				closedir(d);
				return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
			}
			*ids = ni;
			cap = nc;
		}
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	if (*n > 1)
		qsort(*ids, *n, sizeof(**ids), cmp_u64);
	return CG_OK;
}

/* Scan one segment: count its records, the acknowledged ones and the damage after
 * the cursor; a torn tail of the last segment is truncated. */
static cg_err_t scan_segment(struct cg_journal *j, struct seg *s, bool last, struct cg_error *err)
{
	char name[32];
	struct stat sb;
	uint64_t off = 0;
	cg_err_t rc;
	seg_name(s->id, name);
	if ((rc = rd_open(j, &j->rd, s->id, err)))
		return rc;
	j->rd.have = 0;
	if (fstat(j->rd.fd, &sb) < 0)
		return cg_error_set(err, CG_ERR_IO, "%s/%s: %s", j->dir, name, strerror(errno));
	s->size = (uint64_t)sb.st_size;
	for (;;) {
		const char *p;
		uint32_t len;
		bool after = s->id > j->cur.seg || (s->id == j->cur.seg && off >= j->cur.off);
		enum rec_res r = rec_at(j, &j->rd, off, s->size, &p, &len, err);
		if (r == REC_ERR)
			return CG_ERR_IO;
		if (r == REC_END)
			break;
		if (r == REC_TAIL) {
			if (after) {
				j->st.corrupt_records++;
				j->st.corrupt_bytes += s->size - off;
				cg_warn("journal %s/%s: unreadable from offset %" PRIu64
					" (%" PRIu64 " bytes, a torn write?): skipped",
					j->dir, name, off, s->size - off);
			}
			if (last) {
				int fd = openat(j->dirfd, name, O_WRONLY | O_CLOEXEC);
				if (fd < 0 || ftruncate(fd, (off_t)off) < 0 || fsync(fd) < 0) {
					int e = errno;
					if (fd >= 0)
						close(fd);
					return cg_error_set(err, CG_ERR_IO, "%s/%s: truncate: %s",
							    j->dir, name, strerror(e));
				}
				close(fd);
				rd_close(&j->rd);
				s->size = off;
			}
			break;
		}
		if (!after && s->id == j->cur.seg && off + CG_JOURNAL_HDR + len > j->cur.off) {
			/* a cursor inside a record (never written so: damage): back to the
			 * record's start, so it is sent again rather than lost */
			j->cur.off = off;
			j->cursor_moved = true;
			after = true;
		}
		off += CG_JOURNAL_HDR + (uint64_t)len;
		if (r == REC_BADCRC) {
			if (after) {
				j->st.corrupt_records++;
				j->st.corrupt_bytes += CG_JOURNAL_HDR + (uint64_t)len;
				cg_warn("journal %s/%s: record at offset %" PRIu64
					" has a bad checksum: skipped", j->dir, name,
					off - CG_JOURNAL_HDR - len);
			}
			continue;
		}
		s->nrec++;
		if (!after)
			s->nacked++;
	}
	return CG_OK;
}

static cg_err_t recover(struct cg_journal *j, struct cg_error *err)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	cg_err_t rc;
	bool fresh;

	read_cursor(j);
	if (j->st.cursor_lost)
		cg_warn("journal %s: the cursor file is unreadable: everything kept is sent again",
			j->dir);
	(void)unlinkat(j->dirfd, CURSOR_TMP, 0);
	if ((rc = list_segments(j, &ids, &n, err)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct seg s = { ids[i], 0, 0, 0 };
		if (ids[i] < j->cur.seg && i + 1 < n) { /* wholly acknowledged: delete */
			char name[32];
			seg_name(ids[i], name);
			(void)unlinkat(j->dirfd, name, 0);
			continue;
		}
		if ((rc = push_seg(j, s, err)))
			goto done;
	}
	for (size_t i = 0; i < j->nsegs; i++) {
		if ((rc = scan_segment(j, &j->segs[i], i + 1 == j->nsegs, err)))
			goto done;
		j->disk_bytes += j->segs[i].size;
	}
	rd_close(&j->rd);
	/* the cursor cannot be past what survived (a cursor is written after a sync,
	 * but a segment may have been damaged since) */
	if (j->nsegs && j->cur.seg == j->segs[j->nsegs - 1].id &&
	    j->cur.off > j->segs[j->nsegs - 1].size) {
		j->cur.off = j->segs[j->nsegs - 1].size;
		j->cursor_moved = true;
	}
	/* persisted now: records appended later must not count as acknowledged */
	if (j->cursor_moved) {
		cg_warn("journal %s: the cursor did not point at a record boundary: moved back",
			j->dir);
		if ((rc = write_cursor(j, err)))
			goto done;
	}
	/* the last segment goes on being appended to, unless it is before the cursor or full */
	fresh = !j->nsegs || j->segs[j->nsegs - 1].id < j->cur.seg ||
		j->segs[j->nsegs - 1].size >= j->o.segment_bytes;
	if (fresh) {
		uint64_t id = j->nsegs ? j->segs[j->nsegs - 1].id : 0;
		struct seg s = { 0, 0, 0, 0 };
		if (j->cur.seg > id)
			id = j->cur.seg;
		s.id = id + 1;
		if ((rc = push_seg(j, s, err)) || (rc = open_active(j, true, err)))
			goto done;
	} else if ((rc = open_active(j, false, err))) {
		goto done;
	}
	normalize(j);
done:
	free(ids);
	return rc;
}

/* ---- API ------------------------------------------------------------------------- */

cg_err_t cg_journal_open(const char *dir, const struct cg_journal_opts *opts,
			 struct cg_journal **out, struct cg_error *err)
{
	struct cg_journal *j = NULL;
	cg_err_t rc = CG_OK;
	*out = NULL;
	if (!dir || !*dir)
		return cg_error_set(err, CG_ERR_ARG, "journal: no folder given");
	if (!(j = calloc(1, sizeof(*j))))
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	j->dirfd = j->lockfd = j->wfd = j->rd.fd = -1;
	pthread_mutex_init(&j->mu, NULL);
	if (!(j->dir = strdup(dir)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	if (opts)
		j->o = *opts;
	if (!j->o.max_bytes)
		j->o.max_bytes = CG_JOURNAL_DEFAULT_MAX_BYTES;
	if (j->o.max_bytes < CG_JOURNAL_MIN_MAX_BYTES)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_ARG, "journal: a size cap of %" PRIu64
					 " bytes is below the minimum of %" PRIu64,
					 j->o.max_bytes, CG_JOURNAL_MIN_MAX_BYTES));
	if (!j->o.segment_bytes)
		j->o.segment_bytes = CG_JOURNAL_DEFAULT_SEGMENT;
	if (j->o.segment_bytes > j->o.max_bytes / 4)
		j->o.segment_bytes = j->o.max_bytes / 4;
	if (!j->o.max_record)
		j->o.max_record = CG_JOURNAL_DEFAULT_MAX_RECORD;
	if (j->o.max_record > j->o.segment_bytes - CG_JOURNAL_HDR)
		j->o.max_record = (uint32_t)(j->o.segment_bytes - CG_JOURNAL_HDR);
	if (!j->o.sync_ms)
		j->o.sync_ms = CG_JOURNAL_DEFAULT_SYNC_MS;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", dir, strerror(errno)));
	j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dirfd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s: %s", dir, strerror(errno)));
	j->lockfd = openat(j->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->lockfd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "%s/lock: %s", dir, strerror(errno)));
	if (flock(j->lockfd, LOCK_EX | LOCK_NB) < 0)
		CG_FAIL(rc, cg_error_set(err, errno == EWOULDBLOCK ? CG_ERR_EXISTS : CG_ERR_IO,
					 "%s: %s", dir,
					 errno == EWOULDBLOCK ? "the journal is in use by another process"
							      : strerror(errno)));
	if ((rc = recover(j, err)))
		goto done;
	j->last_sync_ns = now_ns();
	*out = j;
	j = NULL;
done:
	cg_journal_close(j);
	return rc;
}

static cg_err_t write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return CG_ERR_IO;
		if (w == 0) {
			errno = ENOSPC;
			return CG_ERR_IO;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return CG_OK;
}

cg_err_t cg_journal_append(struct cg_journal *j, const void *data, size_t len, struct cg_error *err)
{
	unsigned char h[CG_JOURNAL_HDR];
	struct iovec iov[2];
	uint64_t need;
	uint32_t c;
	cg_err_t rc = CG_OK;
	struct seg *a;
	if (!j || (!data && len))
		return cg_error_set(err, CG_ERR_ARG, "journal: bad argument");
	if (len == 0)
		return cg_error_set(err, CG_ERR_INVALID, "journal: an empty record");
	if (len > j->o.max_record)
		return cg_error_set(err, CG_ERR_LIMIT, "journal: a record of %zu bytes is above "
				    "the limit of %" PRIu32, len, j->o.max_record);
	need = CG_JOURNAL_HDR + (uint64_t)len;
	c = rec_crc((uint32_t)len, data);
	for (int i = 0; i < 4; i++) {
		h[i] = (unsigned char)(len >> (8 * i));
		h[4 + i] = (unsigned char)(c >> (8 * i));
	}
	pthread_mutex_lock(&j->mu);
	if (j->wfd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "journal %s: no active segment", j->dir));
	a = &j->segs[j->nsegs - 1];
	if (a->size > 0 && a->size + need > j->o.segment_bytes && (rc = rotate(j, err)))
		goto done;
	while (j->disk_bytes + need > j->o.max_bytes) {
		if (j->nsegs == 1) {
			if (!j->segs[0].size)
				break;
			if ((rc = rotate(j, err)))
				goto done;
			continue;
		}
		drop_first(j);
	}
	a = &j->segs[j->nsegs - 1];
	iov[0].iov_base = h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	if (write_all(j->wfd, iov, 2)) {
		int e = errno;
		j->rd.have = 0; /* the reader may have cached the partial bytes */
		/* never leave half a record behind */
		if (ftruncate(j->wfd, (off_t)a->size) < 0)
			cg_warn("journal %s: cannot undo a partial write: %s", j->dir, strerror(errno));
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "journal %s: write: %s", j->dir, strerror(e)));
	}
	a->size += need;
	a->nrec++;
	j->disk_bytes += need;
	j->st.appended++;
	j->dirty = true;
	if (j->o.sync_always || now_ns() - j->last_sync_ns >= (uint64_t)j->o.sync_ms * 1000000u)
		rc = sync_active(j, err);
done:
	pthread_mutex_unlock(&j->mu);
	return rc;
}

cg_err_t cg_journal_sync(struct cg_journal *j, struct cg_error *err)
{
	cg_err_t rc;
	pthread_mutex_lock(&j->mu);
	rc = sync_active(j, err);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

cg_err_t cg_journal_sync_due(struct cg_journal *j, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	pthread_mutex_lock(&j->mu);
	if (j->dirty && now_ns() - j->last_sync_ns >= (uint64_t)j->o.sync_ms * 1000000u)
		rc = sync_active(j, err);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

static cg_err_t batch_reserve(struct cg_journal_batch *b, size_t bytes, struct cg_error *err)
{
	if (b->n == b->rec_cap) {
		size_t nc = b->rec_cap ? b->rec_cap * 2 : 64;
		struct cg_journal_rec *nr = realloc(b->rec, nc * sizeof(*nr));
		if (!nr)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		b->rec = nr;
		b->rec_cap = nc;
	}
	if (b->bytes + bytes > b->buf_cap) {
		size_t nc = b->buf_cap ? b->buf_cap : 64 << 10;
		char *nb;
		while (nc < b->bytes + bytes)
			nc *= 2;
		if (!(nb = realloc(b->buf, nc)))
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		b->buf = nb;
		b->buf_cap = nc;
	}
	return CG_OK;
}

cg_err_t cg_journal_peek(struct cg_journal *j, size_t max_records, size_t max_bytes,
			 struct cg_journal_batch *b, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	size_t i;
	struct cg_journal_pos pos;
	bool stop = false;
	b->n = 0;
	b->bytes = 0;
	if (!max_records)
		max_records = 1;
	pthread_mutex_lock(&j->mu);
	normalize(j);
	pos = j->cur;
	for (i = 0; i < j->nsegs && !stop; i++) {
		struct seg *s = &j->segs[i];
		uint64_t off;
		if (s->id < pos.seg)
			continue;
		off = s->id == pos.seg ? pos.off : 0;
		pos.seg = s->id;
		pos.off = off;
		if ((rc = rd_open(j, &j->rd, s->id, err)))
			goto done;
		while (!stop) {
			const char *p;
			uint32_t len;
			enum rec_res r;
			if (b->n >= max_records) {
				stop = true;
				break;
			}
			r = rec_at(j, &j->rd, off, s->size, &p, &len, err);
			if (r == REC_ERR)
				CG_FAIL(rc, CG_ERR_IO);
			if (r == REC_END)
				break;
			if (r == REC_TAIL) { /* the rest of this segment is unreadable */
				pos.off = off = s->size;
				break;
			}
			if (r == REC_OK && b->n > 0 && b->bytes + len > max_bytes) {
				stop = true;
				break;
			}
			off += CG_JOURNAL_HDR + (uint64_t)len;
			pos.off = off;
			if (r == REC_BADCRC)
				continue;
			if ((rc = batch_reserve(b, len, err)))
				goto done;
			memcpy(b->buf + b->bytes, p, len);
			b->rec[b->n].data = NULL; /* set below: buf may move */
			b->rec[b->n].len = len;
			b->rec[b->n].end = pos;
			b->n++;
			b->bytes += len;
		}
	}
	b->end = pos;
	for (size_t k = 0, o = 0; k < b->n; k++) {
		b->rec[k].data = b->buf + o;
		o += b->rec[k].len;
	}
done:
	if (rc)
		b->n = b->bytes = 0;
	pthread_mutex_unlock(&j->mu);
	return rc;
}

cg_err_t cg_journal_ack(struct cg_journal *j, const struct cg_journal_batch *b, size_t n,
			struct cg_error *err)
{
	struct cg_journal_pos e;
	cg_err_t rc = CG_OK;
	if (!b || n > b->n)
		return cg_error_set(err, CG_ERR_ARG, "journal: acknowledging more than the batch");
	if (n == 0 && b->n)
		return CG_OK;
	e = n == b->n ? b->end : b->rec[n - 1].end;
	pthread_mutex_lock(&j->mu);
	if (pos_le(e, j->cur) || !j->nsegs || e.seg < j->segs[0].id)
		goto done; /* acknowledged already, or dropped meanwhile */
	for (size_t i = 0; i < n; i++) {
		struct seg *s;
		if (pos_le(b->rec[i].end, j->cur))
			continue;
		if ((s = find_seg(j, b->rec[i].end.seg)) && s->nacked < s->nrec)
			s->nacked++;
		j->st.acked++;
	}
	/* the cursor never points past durable data */
	if (e.seg == j->segs[j->nsegs - 1].id && (rc = sync_active(j, err)))
		goto done;
	j->cur = e;
	normalize(j);
	rc = write_cursor(j, err);
done:
	pthread_mutex_unlock(&j->mu);
	return rc;
}

void cg_journal_stats(struct cg_journal *j, struct cg_journal_stats *out)
{
	pthread_mutex_lock(&j->mu);
	*out = j->st;
	out->pending_records = 0;
	out->pending_bytes = 0;
	for (size_t i = 0; i < j->nsegs; i++) {
		const struct seg *s = &j->segs[i];
		out->pending_records += s->nrec - s->nacked;
		if (s->id > j->cur.seg)
			out->pending_bytes += s->size;
		else if (s->id == j->cur.seg && s->size > j->cur.off)
			out->pending_bytes += s->size - j->cur.off;
	}
	out->disk_bytes = j->disk_bytes;
	out->segments = j->nsegs;
	pthread_mutex_unlock(&j->mu);
}

void cg_journal_batch_free(struct cg_journal_batch *b)
{
	if (!b)
		return;
	free(b->rec);
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

void cg_journal_close(struct cg_journal *j)
{
	if (!j)
		return;
	if (j->wfd >= 0) {
		struct cg_error e = { 0 };
		if (sync_active(j, &e))
			cg_warn("journal: %s", e.msg);
		close(j->wfd);
	}
	rd_close(&j->rd);
	free(j->rd.buf);
	if (j->lockfd >= 0)
		close(j->lockfd); /* releases the flock */
	if (j->dirfd >= 0)
		close(j->dirfd);
	pthread_mutex_destroy(&j->mu);
	free(j->segs);
	free(j->dir);
	free(j);
}
