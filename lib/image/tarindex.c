#include "util/internal.h"
#include "image/layer.h"
#include "image/tarindex.h"
#include <unistd.h>

#define BLOCK 512
#define NAME_MAX_LEN 4096

struct reader {
	int fd;
	const unsigned char *mem;
	uint64_t size;
};

static bool read_at(const struct reader *r, uint64_t off, void *buf, size_t n)
{
	if (off > r->size || r->size - off < n)
		return false;
	if (r->mem) {
		memcpy(buf, r->mem + off, n);
		return true;
	}
	while (n) {
		ssize_t got = pread(r->fd, buf, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		buf = (char *)buf + got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	return true;
}

/* An octal field (or GNU base-256 when the high bit is set). */
static bool parse_number(const unsigned char *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return false; /* negative or huge */
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return false;
			v = (v << 8) | f[i];
		}
		*out = v;
		return true;
	}
	while (i < n && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned long sum = 0;
	if (!parse_number(h + 148, 8, &want))
		return false;
	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static bool all_zero(const unsigned char *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* Find "path=" (or linkpath=) in pax records. */
static bool pax_value(const unsigned char *d, size_t n, const char *key, char *out, size_t cap,
		      size_t *outlen)
{
	size_t pos = 0, klen = strlen(key);
	while (pos < n) {
		uint64_t rl = 0;
		size_t i = pos, sp;
		while (i < n && d[i] >= '0' && d[i] <= '9' && rl < (1u << 30))
			rl = rl * 10 + (uint64_t)(d[i++] - '0');
		if (i >= n || d[i] != ' ' || rl == 0 || rl > n - pos)
			return false;
		sp = i + 1;
		if (sp + klen + 1 <= pos + rl && !memcmp(d + sp, key, klen) && d[sp + klen] == '=') {
			size_t vs = sp + klen + 1, ve = pos + (size_t)rl - 1; /* drop '\n' */
			if (ve < vs || ve - vs >= cap)
				return false;
			memcpy(out, d + vs, ve - vs);
			out[ve - vs] = '\0';
			*outlen = ve - vs;
			return true;
		}
		pos += (size_t)rl;
	}
	return false;
}

static cg_err_t add_member(struct cg_tar_index *idx, size_t max, const char *raw, size_t rawlen,
			   const char *link, uint64_t off, uint64_t size, struct cg_error *err)
{
	char norm[NAME_MAX_LEN + 2];
	long n = cg_path_normalise(raw, rawlen, norm, sizeof(norm));
	struct cg_tar_member *m;
	if (n < 0)
		return cg_error_set(err, CG_ERR_INVALID, "archive member with an unsafe name: %.200s",
				    raw);
	if (n == 0)
		return CG_OK;
	if (idx->n == max)
		return cg_error_set(err, CG_ERR_LIMIT, "archive has more than %zu members", max);
	if (idx->n == idx->cap) {
		size_t nc = idx->cap ? idx->cap * 2 : 64;
		struct cg_tar_member *nm = realloc(idx->m, nc * sizeof(*nm));
		if (!nm)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		idx->m = nm;
		idx->cap = nc;
	}
	m = &idx->m[idx->n];
	m->name = strdup(norm);
	m->link = link ? strdup(link) : NULL;
	m->offset = off;
	m->size = size;
	if (!m->name || (link && !m->link)) {
		free(m->name);
		free(m->link);
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	idx->n++;
	return CG_OK;
}

static cg_err_t build(const struct reader *r, size_t max, struct cg_tar_index *idx,
		      struct cg_error *err)
{
	unsigned char h[BLOCK];
	char longname[NAME_MAX_LEN + 1], longlink[NAME_MAX_LEN + 1];
	size_t longname_len = 0;
	bool have_longname = false, have_longlink = false;
	uint64_t off = 0;
	cg_err_t rc = CG_OK;

	memset(idx, 0, sizeof(*idx));
	while (off < r->size) {
		uint64_t size, data_off, next;
		char type;
		if (!read_at(r, off, h, BLOCK))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive is truncated at byte %llu",
						 (unsigned long long)off));
		if (all_zero(h))
			break; /* end of archive */
		if (!checksum_ok(h))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "not a tar archive (bad header checksum at byte %llu)",
						 (unsigned long long)off));
		if (!parse_number(h + 124, 12, &size))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "bad member size at byte %llu",
						 (unsigned long long)off));
		type = (char)h[156];
		data_off = off + BLOCK;
		if (size > r->size - data_off)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID,
						 "member at byte %llu runs past the end of the archive",
						 (unsigned long long)off));
		next = data_off + ((size + BLOCK - 1) / BLOCK) * BLOCK;

		if (type == 'L' || type == 'K' || type == 'x') {
			unsigned char *d;
			if (size > NAME_MAX_LEN * 4)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT,
							 "extended header of %llu bytes",
							 (unsigned long long)size));
			d = malloc(size + 1);
			if (!d)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			if (!read_at(r, data_off, d, (size_t)size)) {
				free(d);
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive is truncated"));
			}
			d[size] = '\0';
			if (type == 'L') {
				longname_len = strnlen((char *)d, (size_t)size);
				if (longname_len > NAME_MAX_LEN) {
					free(d);
					CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "member name too long"));
				}
				memcpy(longname, d, longname_len);
				longname[longname_len] = '\0';
				have_longname = true;
			} else if (type == 'K') {
				size_t l = strnlen((char *)d, (size_t)size);
				if (l > NAME_MAX_LEN) {
					free(d);
					CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "link name too long"));
				}
				memcpy(longlink, d, l);
				longlink[l] = '\0';
				have_longlink = true;
			} else {
				size_t l;
				if (pax_value(d, (size_t)size, "path", longname, sizeof(longname), &l)) {
					longname_len = l;
					have_longname = true;
				}
				if (pax_value(d, (size_t)size, "linkpath", longlink, sizeof(longlink), &l))
					have_longlink = true;
			}
			free(d);
			off = next;
			if (off >= r->size)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive is truncated"));
			continue;
		}
		if (type == '0' || type == '\0' || type == '7' || type == '2') {
			char name[256 + 2];
			const char *nm = longname;
			size_t nlen = longname_len;
			char link[101];
			const char *lk = NULL;
			if (!have_longname) {
				size_t pl = strnlen((char *)h + 345, 155), bl = strnlen((char *)h, 100);
				size_t k = 0;
				if (pl && !memcmp(h + 257, "ustar", 5)) {
					memcpy(name, h + 345, pl);
					k = pl;
					name[k++] = '/';
				}
				memcpy(name + k, h, bl);
				k += bl;
				name[k] = '\0';
				nm = name;
				nlen = k;
			}
			if (type == '2') {
				if (have_longlink) {
					lk = longlink;
				} else {
					size_t ll = strnlen((char *)h + 157, 100);
					memcpy(link, h + 157, ll);
					link[ll] = '\0';
					lk = link;
				}
				size = 0;
			}
			rc = add_member(idx, max, nm, nlen, lk, data_off, size, err);
			if (rc)
				goto done;
		}
		have_longname = have_longlink = false;
		longname_len = 0;
		off = next;
	}
	if (off > r->size || have_longname || have_longlink)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INVALID, "archive is truncated"));
done:
	if (rc)
		cg_tar_index_release(idx);
	return rc;
}

cg_err_t cg_tar_index_build(int fd, uint64_t size, size_t max_members, struct cg_tar_index *idx,
			    struct cg_error *err)
{
	struct reader r = { fd, NULL, size };
	return build(&r, max_members, idx, err);
}

cg_err_t cg_tar_index_build_mem(const void *data, size_t size, size_t max_members,
				struct cg_tar_index *idx, struct cg_error *err)
{
	struct reader r = { -1, data, size };
	return build(&r, max_members, idx, err);
}

static const struct cg_tar_member *find_exact(const struct cg_tar_index *idx, const char *norm)
{
	/* the last member of a name wins, as when extracting */
	for (size_t i = idx->n; i-- > 0;)
		if (!strcmp(idx->m[i].name, norm))
			return &idx->m[i];
	return NULL;
}

const struct cg_tar_member *cg_tar_index_find(const struct cg_tar_index *idx, const char *name)
{
	char norm[NAME_MAX_LEN + 2], joined[2 * NAME_MAX_LEN + 4];
	long n = cg_path_normalise(name, strlen(name), norm, sizeof(norm));
	for (int hops = 0; n > 0 && hops <= 8; hops++) {
		const struct cg_tar_member *m = find_exact(idx, norm);
		const char *slash;
		if (!m || !m->link)
			return m;
		/* resolve the symlink relative to the member's folder */
		if (m->link[0] == '/') {
			snprintf(joined, sizeof(joined), "%s", m->link);
		} else {
			slash = strrchr(m->name, '/');
			snprintf(joined, sizeof(joined), "%.*s/%s", (int)(slash - m->name), m->name,
				 m->link);
		}
		/* fold "dir/../" (docker save links layers as ../ID/layer.tar) */
		{
			char out[sizeof(joined)];
			size_t o = 0;
			const char *p = joined;
			while (*p) {
				const char *e;
				size_t len;
				while (*p == '/')
					p++;
				e = p + strcspn(p, "/");
				len = (size_t)(e - p);
				if (len == 2 && p[0] == '.' && p[1] == '.') {
					while (o > 0 && out[o - 1] != '/')
						o--;
					if (o > 0)
						o--;
				} else if (len && !(len == 1 && p[0] == '.')) {
					out[o++] = '/';
					memcpy(out + o, p, len);
					o += len;
				}
				p = e;
			}
			out[o] = '\0';
			n = cg_path_normalise(out, o, norm, sizeof(norm));
		}
	}
	return NULL;
}

void cg_tar_index_release(struct cg_tar_index *idx)
{
	for (size_t i = 0; i < idx->n; i++) {
		free(idx->m[i].name);
		free(idx->m[i].link);
	}
	free(idx->m);
	memset(idx, 0, sizeof(*idx));
}
