/* One layer, one pass: blob -> (gzip|zstd|none) -> tar entries. */
#include "util/internal.h"
#include "image/layer.h"
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CHUNK (64 * 1024)
#define OUT_CHUNK (128 * 1024)
#define RATIO_GRACE ((uint64_t)64 << 20) /* the ratio check starts after 64 MiB */

void cg_image_limits_resolve(const struct cg_image_limits *in, struct cg_image_limits *out)
{
	static const struct cg_image_limits def = {
		.max_layer_bytes = (uint64_t)16 << 30,
		.max_total_bytes = (uint64_t)64 << 30,
		.max_ratio = 2000,
		.max_entries = 4000000,
		.max_layers = 1000,
		.max_path = 4096,
		.max_json_bytes = (size_t)8 << 20,
		.max_buffered_bytes = (size_t)256 << 20,
	};
	*out = def;
	if (!in)
		return;
#define TAKE(f) if (in->f) out->f = in->f
	TAKE(max_layer_bytes);
	TAKE(max_total_bytes);
	TAKE(max_ratio);
	TAKE(max_entries);
	TAKE(max_layers);
	TAKE(max_path);
	TAKE(max_json_bytes);
	TAKE(max_buffered_bytes);
#undef TAKE
}

long cg_path_normalise(const char *in, size_t inlen, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	if (cap < 2)
		return -1;
	while (i < inlen) {
		size_t start, n;
		while (i < inlen && in[i] == '/')
			i++;
		start = i;
		while (i < inlen && in[i] != '/')
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && in[start] == '.'))
			continue;
		if (n == 2 && in[start] == '.' && in[start + 1] == '.')
			return -1;
		if (memchr(in + start, '\0', n))
			return -1;
		if (o + 1 + n + 1 > cap)
			return -1;
		out[o++] = '/';
		memcpy(out + o, in + start, n);
		o += n;
	}
	out[o] = '\0';
	return (long)o;
}

struct pipeline {
	struct cg_blob *blob;
	const struct cg_image_limits *lim;
	struct cg_sha256 raw_hash, tar_hash;
	enum cg_compression comp;
	z_stream z;
	bool z_init, z_done;
	ZSTD_DCtx *zd;
	size_t zstd_last; /* last ZSTD_decompressStream return: 0 = frame complete */
	unsigned char in[IN_CHUNK];
	size_t in_pos, in_len;
	bool in_eof, out_eof;
	unsigned char out[OUT_CHUNK];
	uint64_t raw_bytes, tar_bytes;
	cg_err_t rc;
	char why[256];
};

static bool pipe_fail(struct pipeline *p, cg_err_t rc, const char *fmt, ...) CG_PRINTF(3, 4);
static bool pipe_fail(struct pipeline *p, cg_err_t rc, const char *fmt, ...)
{
	va_list ap;
	if (p->rc)
		return false;
	p->rc = rc;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return false;
}

/* Refill the input buffer when it is empty; false on a read error. */
static bool pipe_fill(struct pipeline *p)
{
	ssize_t n;
	if (p->in_pos < p->in_len || p->in_eof)
		return true;
	n = p->blob->read(p->blob, p->in, sizeof(p->in));
	if (n < 0)
		return pipe_fail(p, CG_ERR_IO, "reading the blob: %s", p->blob->why);
	p->in_pos = 0;
	p->in_len = (size_t)n;
	if (n == 0)
		p->in_eof = true;
	cg_sha256_update(&p->raw_hash, p->in, (size_t)n);
	p->raw_bytes += (uint64_t)n;
	return true;
}

static bool pipe_account(struct pipeline *p, size_t n)
{
	p->tar_bytes += n;
	if (p->tar_bytes > p->lim->max_layer_bytes)
		return pipe_fail(p, CG_ERR_LIMIT,
				 "layer is larger than max_layer_bytes (%llu bytes uncompressed)",
				 (unsigned long long)p->lim->max_layer_bytes);
	if (p->comp != CG_COMP_NONE && p->tar_bytes > RATIO_GRACE &&
	    p->tar_bytes / (p->raw_bytes ? p->raw_bytes : 1) > p->lim->max_ratio)
		return pipe_fail(p, CG_ERR_LIMIT,
				 "compression ratio above max_ratio (%llu): a decompression bomb?",
				 (unsigned long long)p->lim->max_ratio);
	return true;
}

/* Produce the next chunk of the tar stream; *len 0 at the end. */
static bool pipe_produce(struct pipeline *p, const void **buf, size_t *len)
{
	*len = 0;
	if (p->out_eof)
		return true;
	if (!pipe_fill(p))
		return false;
	switch (p->comp) {
	case CG_COMP_NONE:
		if (p->in_eof) {
			p->out_eof = true;
			return true;
		}
		*buf = p->in + p->in_pos;
		*len = p->in_len - p->in_pos;
		p->in_pos = p->in_len;
		break;
	case CG_COMP_GZIP:
		while (*len == 0) {
			int zr;
			if (!pipe_fill(p))
				return false;
			if (p->z_done) {
				/* after a member: another member, zero padding, or the end */
				if (p->in_eof) {
					p->out_eof = true;
					return true;
				}
				if (p->in[p->in_pos] == 0) {
					size_t k = p->in_pos;
					while (k < p->in_len && p->in[k] == 0)
						k++;
					p->in_pos = k;
					continue;
				}
				if (inflateReset(&p->z) != Z_OK)
					return pipe_fail(p, CG_ERR_INVALID, "gzip: cannot reset");
				p->z_done = false;
			}
			if (p->in_eof)
				return pipe_fail(p, CG_ERR_INVALID, "gzip stream is truncated");
			p->z.next_in = p->in + p->in_pos;
			p->z.avail_in = (uInt)(p->in_len - p->in_pos);
			p->z.next_out = p->out;
			p->z.avail_out = sizeof(p->out);
			zr = inflate(&p->z, Z_NO_FLUSH);
			p->in_pos = p->in_len - p->z.avail_in;
			*len = sizeof(p->out) - p->z.avail_out;
			if (zr == Z_STREAM_END)
				p->z_done = true;
			else if (zr == Z_MEM_ERROR)
				return pipe_fail(p, CG_ERR_NOMEM, "gzip: out of memory");
			else if (zr != Z_OK && zr != Z_BUF_ERROR)
				return pipe_fail(p, CG_ERR_INVALID, "gzip: %s",
						 p->z.msg ? p->z.msg : "corrupt data");
		}
		*buf = p->out;
		break;
	case CG_COMP_ZSTD:
		while (*len == 0) {
			ZSTD_inBuffer zin;
			ZSTD_outBuffer zout = { p->out, sizeof(p->out), 0 };
			if (!pipe_fill(p))
				return false;
			if (p->in_eof) {
				if (p->zstd_last != 0)
					return pipe_fail(p, CG_ERR_INVALID, "zstd stream is truncated");
				p->out_eof = true;
				return true;
			}
			zin.src = p->in + p->in_pos;
			zin.size = p->in_len - p->in_pos;
			zin.pos = 0;
			p->zstd_last = ZSTD_decompressStream(p->zd, &zout, &zin);
			if (ZSTD_isError(p->zstd_last))
				return pipe_fail(p, CG_ERR_INVALID, "zstd: %s",
						 ZSTD_getErrorName(p->zstd_last));
			p->in_pos += zin.pos;
			*len = zout.pos;
		}
		*buf = p->out;
		break;
	}
	cg_sha256_update(&p->tar_hash, *buf, *len);
	return pipe_account(p, *len);
}

static la_ssize_t archive_read_cb(struct archive *a, void *client, const void **buf)
{
	struct pipeline *p = client;
	size_t len = 0;
	if (!pipe_produce(p, buf, &len)) {
		archive_set_error(a, EIO, "%s", p->why);
		return -1;
	}
	return (la_ssize_t)len;
}

static bool pipe_start(struct pipeline *p)
{
	if (!pipe_fill(p))
		return false;
	p->comp = CG_COMP_NONE;
	if (p->in_len >= 2 && p->in[0] == 0x1f && p->in[1] == 0x8b) {
		p->comp = CG_COMP_GZIP;
		if (inflateInit2(&p->z, 15 + 16) != Z_OK)
			return pipe_fail(p, CG_ERR_NOMEM, "gzip: cannot initialise");
		p->z_init = true;
	} else if (p->in_len >= 4 && p->in[0] == 0x28 && p->in[1] == 0xb5 && p->in[2] == 0x2f &&
		   p->in[3] == 0xfd) {
		p->comp = CG_COMP_ZSTD;
		p->zd = ZSTD_createDCtx();
		if (!p->zd)
			return pipe_fail(p, CG_ERR_NOMEM, "zstd: cannot initialise");
		/* a window above 128 MiB is refused: bounded memory */
		ZSTD_DCtx_setParameter(p->zd, ZSTD_d_windowLogMax, 27);
		p->zstd_last = 1;
	}
	return true;
}

/* Read what is left of both streams so that both digests cover everything. */
static bool pipe_drain(struct pipeline *p)
{
	const void *buf;
	size_t len;
	do {
		if (!pipe_produce(p, &buf, &len))
			return false;
	} while (len);
	while (!p->in_eof) {
		p->in_pos = p->in_len;
		if (!pipe_fill(p))
			return false;
	}
	return true;
}

static const char *base_name(const char *path, size_t len)
{
	const char *p = path + len;
	while (p > path && p[-1] != '/')
		p--;
	return p;
}

static cg_err_t visit_entry(struct archive *a, struct archive_entry *ae, char *path, char *link,
			    const struct cg_image_limits *lim, const struct cg_layer_visitor *v,
			    struct cg_layer_stats *st, struct cg_error *err)
{
	const char *name = archive_entry_pathname(ae);
	const char *hard = archive_entry_hardlink(ae);
	struct cg_entry e = { 0 };
	long n;
	int want;
	char msg[CG_ERROR_MSG_MAX];

	n = name ? cg_path_normalise(name, strlen(name), path, lim->max_path + 1) : -1;
	if (n < 0) {
		st->skipped++;
		if (v->warn) {
			snprintf(msg, sizeof(msg), "skipped entry with an unsafe or unreadable path: %.200s",
				 name ? name : "(undecodable)");
			v->warn(v->ud, msg);
		}
		return CG_OK;
	}
	if (n == 0)
		return CG_OK; /* the root folder itself */
	e.path = path;
	e.path_len = (size_t)n;
	e.mode = (uint32_t)archive_entry_mode(ae) & 07777;
	e.uid = archive_entry_uid(ae);
	e.gid = archive_entry_gid(ae);
	e.size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 ?
			 (uint64_t)archive_entry_size(ae) : 0;

	{
		const char *b = base_name(path, (size_t)n);
		if (strncmp(b, ".wh.", 4) == 0) {
			if (strcmp(b, ".wh..wh..opq") == 0) {
				e.type = CG_ENTRY_OPAQUE;
				e.path_len = (size_t)(b - path) - 1; /* the folder, "" for the root */
			} else {
				/* remove ".wh." from the last component */
				size_t off = (size_t)(b - path);
				memmove(path + off, path + off + 4, (size_t)n - off - 4 + 1);
				e.path_len = (size_t)n - 4;
				e.type = CG_ENTRY_WHITEOUT;
				if (b[0] == '\0' || strcmp(b, ".") == 0 || strcmp(b, "..") == 0) {
					st->skipped++;
					return CG_OK;
				}
			}
			path[e.path_len] = '\0';
			e.size = 0;
			want = v->entry(v->ud, &e, err);
			return want < 0 ? (cg_err_t)-want : CG_OK;
		}
	}

	if (hard) {
		long hn = cg_path_normalise(hard, strlen(hard), link, lim->max_path + 1);
		if (hn <= 0) {
			st->skipped++;
			if (v->warn) {
				snprintf(msg, sizeof(msg), "skipped hardlink %.200s to an unsafe target",
					 path);
				v->warn(v->ud, msg);
			}
			return CG_OK;
		}
		e.type = CG_ENTRY_HARDLINK;
		e.link = link;
		e.size = 0;
	} else {
		switch (archive_entry_filetype(ae)) {
		case AE_IFREG: e.type = CG_ENTRY_REG; break;
		case AE_IFDIR: e.type = CG_ENTRY_DIR; e.size = 0; break;
		case AE_IFLNK:
			e.type = CG_ENTRY_SYMLINK;
			e.link = archive_entry_symlink(ae);
			if (!e.link)
				e.link = "";
			e.size = 0;
			break;
		default: e.type = CG_ENTRY_OTHER; e.size = 0; break;
		}
	}

	want = v->entry(v->ud, &e, err);
	if (want < 0)
		return (cg_err_t)-want;
	if (want > 0 && e.type == CG_ENTRY_REG) {
		cg_err_t rc;
		for (;;) {
			const void *buf;
			size_t len;
			la_int64_t off;
			int r = archive_read_data_block(a, &buf, &len, &off);
			if (r == ARCHIVE_EOF)
				break;
			if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
				return cg_error_set(err, CG_ERR_INVALID, "%s: %s", path,
						    archive_error_string(a));
			rc = v->data(v->ud, buf, len, err);
			if (rc)
				return rc;
			if (v->more && !v->more(v->ud))
				break; /* libarchive skips the rest at the next header */
		}
		return v->end(v->ud, err);
	}
	return CG_OK;
}

cg_err_t cg_layer_walk(struct cg_blob *blob, const struct cg_image_limits *lim,
		       uint64_t *entries_left, const struct cg_layer_visitor *v,
		       struct cg_layer_stats *st, struct cg_error *err)
{
	struct pipeline *p = NULL;
	struct archive *a = NULL;
	struct archive_entry *ae;
	char *path = NULL, *link = NULL;
	cg_err_t rc = CG_OK;
	int r;

	memset(st, 0, sizeof(*st));
	p = calloc(1, sizeof(*p));
	path = malloc(lim->max_path + 2);
	link = malloc(lim->max_path + 2);
	if (!p || !path || !link)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	p->blob = blob;
	p->lim = lim;
	if (cg_sha256_init(&p->raw_hash) || cg_sha256_init(&p->tar_hash))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "cannot start sha256"));
	if (!pipe_start(p))
		CG_FAIL(rc, cg_error_set(err, p->rc, "%s", p->why));
	st->compression = p->comp;

	/* An empty blob, or an empty stream inside it, is an empty layer. */
	if (p->in_eof)
		goto finish;
	a = archive_read_new();
	if (!a)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	archive_read_support_format_tar(a);
	if (archive_read_open(a, p, NULL, archive_read_cb, NULL) != ARCHIVE_OK) {
		if (p->rc)
			CG_FAIL(rc, cg_error_set(err, p->rc, "%s", p->why));
		if (p->tar_bytes == 0)
			goto finish; /* compressed empty stream */
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "not a tar stream: %s",
					 archive_error_string(a)));
	}
	while ((r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			if (p->rc)
				CG_FAIL(rc, cg_error_set(err, p->rc, "%s", p->why));
			if (p->tar_bytes == 0 && st->entries == 0)
				goto finish;
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "corrupt tar stream: %s",
						 archive_error_string(a)));
		}
		if (__atomic_fetch_sub(entries_left, 1, __ATOMIC_RELAXED) == 0) {
			__atomic_fetch_add(entries_left, 1, __ATOMIC_RELAXED);
			CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
						 "image has more than max_entries (%llu) files",
						 (unsigned long long)lim->max_entries));
		}
		st->entries++;
		rc = visit_entry(a, ae, path, link, lim, v, st, err);
		if (rc) {
			if (p->rc) /* the stream failed under the visitor */
				cg_error_set(err, p->rc, "%s", p->why);
			goto done;
		}
	}
finish:
	if (!pipe_drain(p))
		CG_FAIL(rc, cg_error_set(err, p->rc, "%s", p->why));
	st->compressed_bytes = p->raw_bytes;
	st->uncompressed_bytes = p->tar_bytes;
	cg_sha256_final(&p->raw_hash, st->digest);
	cg_sha256_final(&p->tar_hash, st->diff_id);
done:
	if (a)
		archive_read_free(a);
	if (p) {
		cg_sha256_release(&p->raw_hash);
		cg_sha256_release(&p->tar_hash);
		if (p->z_init)
			inflateEnd(&p->z);
		ZSTD_freeDCtx(p->zd);
		free(p);
	}
	free(path);
	free(link);
	return rc;
}
