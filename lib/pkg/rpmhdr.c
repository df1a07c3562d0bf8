/* The rpm header blob ("header image") as stored in a package database:
 *
 *   be32 il, be32 dl, il index entries of 16 bytes (be32 tag, type, offset,
 *   count), then dl bytes of data store.
 *
 * The first entry is normally a region tag (HEADERIMMUTABLE 63, or
 * HEADERIMAGE 61 / HEADERSIGNATURES 62) whose offset points at a 16-byte
 * trailer inside the data store; entries after the region ("dribbles", added
 * at install time) replace region entries of the same tag.
 *
 * The checks are those of rpm's lib/header.c: hdrblobInit (sizes),
 * hdrblobVerifyRegion (region tag and trailer), hdrblobVerifyInfo (each
 * entry: tag >= 100, known type, aligned, in range, sorted and not
 * overlapping, data fits, strings NUL-terminated) and hdrblobImport (the data
 * is packed tightly: the aligned lengths add up to dl). A header that rpm
 * would refuse is refused. Every read goes through a checked view. */
#include "util/internal.h"
#include "pkg/rpmdb_internal.h"

enum {
	TAG_HEADERIMAGE = 61,
	TAG_HEADERSIGNATURES = 62,
	TAG_HEADERIMMUTABLE = 63,
	TAG_HEADERI18NTABLE = 100,
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_SIZE = 1009,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
	TAG_LONGSIZE = 5009,
	TAG_MODULARITYLABEL = 5096,
};

enum {
	T_NULL = 0,
	T_CHAR = 1,
	T_INT8 = 2,
	T_INT16 = 3,
	T_INT32 = 4,
	T_INT64 = 5,
	T_STRING = 6,
	T_BIN = 7,
	T_STRING_ARRAY = 8,
	T_I18NSTRING = 9,
	T_MAX = T_I18NSTRING,
};

#define HDR_TAGS_MAX     0xffffu      /* rpm: HEADER_TAGS_MAX */
#define HDR_DATA_MAX     0x0fffffffu  /* rpm: HEADER_DATA_MAX */
#define HDR_BYTES_MAX    (256u << 20) /* rpm: headerMaxbytes */
#define ENTRY_SIZE       16u
#define REGION_TAG_COUNT 16u

static const uint8_t type_align[T_MAX + 1] = { 1, 1, 1, 2, 4, 8, 1, 1, 1, 1 };
static const int8_t type_size[T_MAX + 1] = { 0, 1, 1, 2, 4, 8, -1, 1, -1, -1 };

/* The tags we keep, in the order of `wanted`. */
enum {
	W_NAME, W_VERSION, W_RELEASE, W_EPOCH, W_SIZE, W_LONGSIZE, W_VENDOR, W_LICENSE, W_ARCH,
	W_SOURCERPM, W_MODULARITYLABEL, W_OLDFILENAMES, W_BASENAMES, W_DIRNAMES, W_DIRINDEXES,
	W__COUNT
};

static const uint32_t wanted[W__COUNT] = {
	[W_NAME] = TAG_NAME,
	[W_VERSION] = TAG_VERSION,
	[W_RELEASE] = TAG_RELEASE,
	[W_EPOCH] = TAG_EPOCH,
	[W_SIZE] = TAG_SIZE,
	[W_LONGSIZE] = TAG_LONGSIZE,
	[W_VENDOR] = TAG_VENDOR,
	[W_LICENSE] = TAG_LICENSE,
	[W_ARCH] = TAG_ARCH,
	[W_SOURCERPM] = TAG_SOURCERPM,
	[W_MODULARITYLABEL] = TAG_MODULARITYLABEL,
	[W_OLDFILENAMES] = TAG_OLDFILENAMES,
	[W_BASENAMES] = TAG_BASENAMES,
	[W_DIRNAMES] = TAG_DIRNAMES,
	[W_DIRINDEXES] = TAG_DIRINDEXES,
};

struct hentry {
	uint32_t tag;
	uint32_t type;
	int64_t offset; /* signed, as rpm reads it */
	uint32_t count;
	uint32_t len;   /* bytes of data, once verified */
};

struct hdr {
	struct cg_view index; /* il * 16 bytes */
	struct cg_view ds;    /* the data store, dl bytes */
	uint32_t il;
	uint32_t dl;
	struct hentry found[W__COUNT];
	bool have[W__COUNT];
};

static bool entry_read(const struct cg_view *v, size_t at, struct hentry *e)
{
	uint32_t off;
	if (!cg_view_u32be(*v, at, &e->tag) || !cg_view_u32be(*v, at + 4, &e->type) ||
	    !cg_view_u32be(*v, at + 8, &off) || !cg_view_u32be(*v, at + 12, &e->count))
		return false;
	e->offset = (int32_t)off;
	e->len = 0;
	return true;
}

static bool entry_at(const struct hdr *h, uint32_t i, struct hentry *e)
{
	return entry_read(&h->index, (size_t)i * ENTRY_SIZE, e);
}

/* Bytes taken by `count` NUL-terminated strings at ds[off..]; -1 when they do
 * not all end inside the data store. */
static int64_t strings_len(struct cg_view ds, size_t off, uint32_t count)
{
	size_t pos = off;
	if (count == 0 || off >= ds.len)
		return -1;
	while (count--) {
		const uint8_t *nul;
		if (pos >= ds.len)
			return -1;
		nul = memchr(ds.p + pos, '\0', ds.len - pos);
		if (!nul)
			return -1;
		pos = (size_t)(nul - ds.p) + 1;
	}
	return (int64_t)(pos - off);
}

/* rpm's dataLength() for on-disk data: bytes of the entry, -1 if it does not
 * fit (offset already known to be in [0, dl]). */
static int64_t data_length(const struct hdr *h, const struct hentry *e)
{
	uint64_t n;
	switch (e->type) {
	case T_STRING:
		if (e->count != 1)
			return -1;
		return strings_len(h->ds, (size_t)e->offset, 1);
	case T_STRING_ARRAY:
	case T_I18NSTRING:
		return strings_len(h->ds, (size_t)e->offset, e->count);
	default:
		n = (uint64_t)(uint8_t)type_size[e->type] * e->count;
		if (n > h->dl - (uint64_t)e->offset)
			return -1;
		return (int64_t)n;
	}
}

/* rpm's alignDiff(): padding before data of `type` at running size `at`. */
static uint64_t align_diff(uint32_t type, uint64_t at)
{
	int size = type_size[type];
	if (size > 1) {
		uint64_t diff = (uint64_t)size - at % (uint64_t)size;
		if (diff != (uint64_t)size)
			return diff;
	}
	return 0;
}

#define BAD(...)                                          \
	do {                                              \
		snprintf(why, whylen, __VA_ARGS__);       \
		return CG_ERR_INVALID;                    \
	} while (0)

/* hdrblobVerifyRegion: *has_region, *ril (entries covered by the region) and
 * *rdl (bytes of data covered by it, trailer included). */
static cg_err_t verify_region(const struct hdr *h, bool *has_region, uint32_t *ril, int64_t *rdl,
			      char *why, size_t whylen)
{
	struct hentry e0, tr;
	int64_t toff;
	*has_region = false;
	*ril = h->il;
	*rdl = 0;
	if (!entry_at(h, 0, &e0))
		BAD("no index entry");
	if (e0.tag != TAG_HEADERIMMUTABLE && e0.tag != TAG_HEADERIMAGE &&
	    e0.tag != TAG_HEADERSIGNATURES)
		return CG_OK; /* a legacy header without a region: checked entry by entry */
	if (e0.type != T_BIN || e0.count != REGION_TAG_COUNT)
		BAD("region tag %u: bad type %u or count %u", e0.tag, e0.type, e0.count);
	/* rpm accepts offset + 16 in [0, dl]; a trailer before the data store
	 * is nonsense, so the offset must also be >= 0. */
	if (e0.offset < 0 || e0.offset + REGION_TAG_COUNT > h->dl)
		BAD("region trailer offset %lld out of range", (long long)e0.offset);
	if (!entry_read(&h->ds, (size_t)e0.offset, &tr))
		BAD("region trailer out of range");
	*rdl = e0.offset + REGION_TAG_COUNT;
	toff = -tr.offset;
	if (tr.tag != e0.tag || tr.type != T_BIN || tr.count != REGION_TAG_COUNT)
		BAD("region trailer: bad tag %u type %u count %u", tr.tag, tr.type, tr.count);
	if (toff < 0 || toff % ENTRY_SIZE || toff / ENTRY_SIZE > h->il || *rdl > h->dl)
		BAD("region size: ril %lld il %u rdl %lld dl %u", (long long)(toff / ENTRY_SIZE),
		    h->il, (long long)*rdl, h->dl);
	*has_region = true;
	/* hdrblobImport: a region whose tag offset is 0 covers every entry. */
	*ril = e0.offset != 0 ? (uint32_t)(toff / ENTRY_SIZE) : h->il;
	if (*ril == 0)
		BAD("region covers no entries");
	return CG_OK;
}

/* hdrblobVerifyInfo and hdrblobImport's packing check, in one pass over the
 * entries; also remembers the entries of the wanted tags (the last of a tag
 * wins: dribbles come after the region and replace its entries). */
static cg_err_t verify_entries(struct hdr *h, bool has_region, int64_t rdl, char *why,
			       size_t whylen)
{
	int64_t end = 0;
	uint64_t packed = 0;
	for (uint32_t i = has_region ? 1 : 0; i < h->il; i++) {
		struct hentry e;
		int64_t len;
		if (!entry_at(h, i, &e))
			BAD("entry %u out of range", i);
		if (end > e.offset)
			BAD("entry %u (tag %u): data overlaps the previous entry", i, e.tag);
		if (e.tag < TAG_HEADERI18NTABLE)
			BAD("entry %u: bad tag %u", i, e.tag);
		if (e.type > T_MAX)
			BAD("entry %u (tag %u): bad type %u", i, e.tag, e.type);
		if (e.offset < 0 || e.offset > h->dl)
			BAD("entry %u (tag %u): offset %lld out of range", i, e.tag,
			    (long long)e.offset);
		if (e.offset & (type_align[e.type] - 1))
			BAD("entry %u (tag %u): offset %lld not aligned", i, e.tag,
			    (long long)e.offset);
		len = data_length(h, &e);
		if (len <= 0 || e.offset + len > h->dl)
			BAD("entry %u (tag %u type %u count %u): data does not fit", i, e.tag, e.type,
			    e.count);
		end = e.offset + len;
		/* rpm >= 4.16: no entry's data may cover the region trailer */
		if (has_region && end > rdl - (int64_t)REGION_TAG_COUNT && e.offset < rdl)
			BAD("entry %u (tag %u): data overlaps the region trailer", i, e.tag);
		e.len = (uint32_t)len;
		packed += align_diff(e.type, packed) + (uint64_t)len;
		for (size_t w = 0; w < W__COUNT; w++) {
			if (wanted[w] == e.tag) {
				h->found[w] = e;
				h->have[w] = true;
				break;
			}
		}
	}
	if (has_region)
		packed += REGION_TAG_COUNT;
	if (packed != h->dl)
		BAD("data store of %u bytes, entries account for %llu", h->dl,
		    (unsigned long long)packed);
	return CG_OK;
}

/* The first string of a string-typed entry (NUL-terminated: verified), or NULL. */
static const char *get_str(const struct hdr *h, int w)
{
	const struct hentry *e = &h->found[w];
	if (!h->have[w])
		return NULL;
	if (e->type != T_STRING && e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
		return NULL;
	return (const char *)h->ds.p + e->offset;
}

/* The first number of an integer-typed entry. */
static bool get_num(const struct hdr *h, int w, uint64_t *out)
{
	const struct hentry *e = &h->found[w];
	size_t off = (size_t)(h->have[w] ? e->offset : 0);
	uint8_t b;
	uint16_t s;
	uint32_t x, y;
	if (!h->have[w])
		return false;
	switch (e->type) {
	case T_CHAR:
	case T_INT8:
		if (!cg_view_u8(h->ds, off, &b))
			return false;
		*out = b;
		return true;
	case T_INT16:
		if (!cg_view_u16be(h->ds, off, &s))
			return false;
		*out = s;
		return true;
	case T_INT32:
		if (!cg_view_u32be(h->ds, off, &x))
			return false;
		*out = x;
		return true;
	case T_INT64:
		if (!cg_view_u32be(h->ds, off, &x) || !cg_view_u32be(h->ds, off + 4, &y))
			return false;
		*out = ((uint64_t)x << 32) | y;
		return true;
	default:
		return false;
	}
}

/* Grow-only scratch arrays: each helper makes room for n elements. */
static cg_err_t grow_strs(const char ***ptrs, uint32_t **lens, size_t *cap, size_t n)
{
	const char **p;
	uint32_t *l;
	if (n <= *cap)
		return CG_OK;
	if (n > SIZE_MAX / sizeof(*p))
		return CG_ERR_OVERFLOW;
	p = realloc(*ptrs, n * sizeof(*p));
	if (!p)
		return CG_ERR_NOMEM;
	*ptrs = p;
	if (lens) {
		l = realloc(*lens, n * sizeof(*l));
		if (!l)
			return CG_ERR_NOMEM; /* *cap unchanged: both are grown again next time */
		*lens = l;
	}
	*cap = n;
	return CG_OK;
}

static cg_err_t grow_u32(uint32_t **arr, size_t *cap, size_t n)
{
	uint32_t *p;
	if (n <= *cap)
		return CG_OK;
	if (n > SIZE_MAX / sizeof(*p))
		return CG_ERR_OVERFLOW;
	p = realloc(*arr, n * sizeof(*p));
	if (!p)
		return CG_ERR_NOMEM;
	*arr = p;
	*cap = n;
	return CG_OK;
}

static cg_err_t grow_chars(char **arr, size_t *cap, size_t n)
{
	char *p;
	if (n <= *cap)
		return CG_OK;
	p = realloc(*arr, n);
	if (!p)
		return CG_ERR_NOMEM;
	*arr = p;
	*cap = n;
	return CG_OK;
}

/* The strings of a verified string-array entry into ptrs/lens. */
static void split_strings(const struct hdr *h, const struct hentry *e, const char **ptrs,
			  uint32_t *lens)
{
	const char *p = (const char *)h->ds.p + e->offset;
	const char *end = p + e->len;
	for (uint32_t i = 0; i < e->count; i++) {
		size_t n = strnlen(p, (size_t)(end - p));
		ptrs[i] = p;
		lens[i] = (uint32_t)n;
		p += n + 1;
	}
}

static bool is_string_array(const struct hentry *e)
{
	return e->type == T_STRING_ARRAY;
}

/* Fill the file list of pkg; files_status tells what came of it. */
static cg_err_t get_files(const struct hdr *h, const struct cg_rpmdb_lim *lim,
			  struct cg_rpmhdr_scratch *s, struct cg_rpmdb_pkg *pkg)
{
	static const char *const root_dir[1] = { "" };
	static const uint32_t root_len[1] = { 0 };
	const struct hentry *eb = &h->found[W_BASENAMES], *ed = &h->found[W_DIRNAMES],
			    *ei = &h->found[W_DIRINDEXES];
	const char *const *dirs;
	const uint32_t *dir_len;
	size_t nfiles, ndirs;
	cg_err_t rc;

	pkg->files_status = CG_RPMDB_FILES_INVALID;
	if (h->have[W_BASENAMES] || h->have[W_DIRNAMES] || h->have[W_DIRINDEXES]) {
		/* BASENAMES replaces OLDFILENAMES (rpm: a dribble BASENAMES deletes it) */
		if (!h->have[W_BASENAMES] || !h->have[W_DIRNAMES] || !h->have[W_DIRINDEXES])
			return CG_OK;
		if (!is_string_array(eb) || !is_string_array(ed) || ei->type != T_INT32 ||
		    ei->count != eb->count)
			return CG_OK;
		nfiles = eb->count;
		ndirs = ed->count;
		if (nfiles > lim->max_files || ndirs > lim->max_files) {
			pkg->files_status = CG_RPMDB_FILES_LIMIT;
			return CG_OK;
		}
		if ((rc = grow_strs(&s->base, &s->base_len, &s->cap_base, nfiles)) ||
		    (rc = grow_strs(&s->dirs, &s->dir_len, &s->cap_dirs, ndirs)) ||
		    (rc = grow_u32(&s->dirindexes, &s->cap_idx, nfiles)))
			return rc;
		split_strings(h, eb, s->base, s->base_len);
		split_strings(h, ed, s->dirs, s->dir_len);
		for (size_t i = 0; i < nfiles; i++) {
			uint32_t x;
			if (!cg_view_u32be(h->ds, (size_t)ei->offset + i * 4, &x) || x >= ndirs)
				return CG_OK;
			s->dirindexes[i] = x;
		}
		dirs = s->dirs;
		dir_len = s->dir_len;
	} else if (h->have[W_OLDFILENAMES]) {
		const struct hentry *eo = &h->found[W_OLDFILENAMES];
		if (!is_string_array(eo))
			return CG_OK;
		nfiles = eo->count;
		ndirs = 1;
		if (nfiles > lim->max_files) {
			pkg->files_status = CG_RPMDB_FILES_LIMIT;
			return CG_OK;
		}
		if ((rc = grow_strs(&s->base, &s->base_len, &s->cap_base, nfiles)) ||
		    (rc = grow_u32(&s->dirindexes, &s->cap_idx, nfiles)))
			return rc;
		split_strings(h, eo, s->base, s->base_len);
		memset(s->dirindexes, 0, nfiles * sizeof(uint32_t));
		dirs = root_dir;
		dir_len = root_len;
	} else {
		pkg->files_status = CG_RPMDB_FILES_OK;
		return CG_OK;
	}

	if (lim->flags & CG_RPMDB_WANT_PATHS) {
		size_t total = 0, at = 0;
		for (size_t i = 0; i < nfiles; i++) {
			size_t n = (size_t)dir_len[s->dirindexes[i]] + s->base_len[i] + 1;
			if (!cg_size_add(total, n, &total) || total > lim->max_path_bytes) {
				pkg->files_status = CG_RPMDB_FILES_LIMIT;
				return CG_OK;
			}
		}
		if ((rc = grow_strs(&s->paths, NULL, &s->cap_paths, nfiles)) ||
		    (rc = grow_chars(&s->pathbuf, &s->cap_pathbuf, total)))
			return rc;
		for (size_t i = 0; i < nfiles; i++) {
			uint32_t d = s->dirindexes[i];
			s->paths[i] = s->pathbuf + at;
			memcpy(s->pathbuf + at, dirs[d], dir_len[d]);
			at += dir_len[d];
			memcpy(s->pathbuf + at, s->base[i], s->base_len[i]);
			at += s->base_len[i];
			s->pathbuf[at++] = '\0';
		}
		pkg->paths = (const char *const *)s->paths;
	}
	pkg->nfiles = nfiles;
	pkg->basenames = (const char *const *)s->base;
	pkg->dirindexes = s->dirindexes;
	pkg->ndirs = ndirs;
	pkg->dirnames = dirs;
	pkg->files_status = CG_RPMDB_FILES_OK;
	return CG_OK;
}

cg_err_t cg_rpmhdr_parse(const uint8_t *blob, size_t len, const struct cg_rpmdb_lim *lim,
			 struct cg_rpmhdr_scratch *s, struct cg_rpmdb_pkg *pkg, char *why,
			 size_t whylen)
{
	struct cg_view v = cg_view_make(blob, len);
	struct hdr h;
	uint64_t pvlen, num;
	uint32_t il, dl, ril;
	int64_t rdl;
	bool has_region;
	cg_err_t rc;

	memset(pkg, 0, sizeof(*pkg));
	memset(&h, 0, sizeof(h));
	if (!cg_view_u32be(v, 0, &il) || !cg_view_u32be(v, 4, &dl))
		BAD("header of %zu bytes is too short", len);
	if (il == 0 || il > HDR_TAGS_MAX)
		BAD("header index count %u out of range", il);
	if (dl > HDR_DATA_MAX)
		BAD("header data size %u out of range", dl);
	pvlen = 8 + (uint64_t)il * ENTRY_SIZE + dl;
	if (pvlen >= HDR_BYTES_MAX || pvlen != len)
		BAD("header size %zu, index says 8 + 16 * %u + %u", len, il, dl);
	if (!cg_view_sub(v, 8, (size_t)il * ENTRY_SIZE, &h.index) ||
	    !cg_view_sub(v, 8 + (size_t)il * ENTRY_SIZE, dl, &h.ds))
		BAD("header out of range");
	h.il = il;
	h.dl = dl;

	if ((rc = verify_region(&h, &has_region, &ril, &rdl, why, whylen)) != CG_OK)
		return rc;
	(void)ril; /* entries after ril are dribbles; last-of-a-tag-wins covers them */
	if ((rc = verify_entries(&h, has_region, rdl, why, whylen)) != CG_OK)
		return rc;

	pkg->name = get_str(&h, W_NAME);
	if (!pkg->name)
		BAD("no NAME tag");
	pkg->version = get_str(&h, W_VERSION);
	pkg->release = get_str(&h, W_RELEASE);
	pkg->arch = get_str(&h, W_ARCH);
	pkg->sourcerpm = get_str(&h, W_SOURCERPM);
	pkg->license = get_str(&h, W_LICENSE);
	pkg->vendor = get_str(&h, W_VENDOR);
	pkg->modularitylabel = get_str(&h, W_MODULARITYLABEL);
	if (get_num(&h, W_EPOCH, &num)) {
		pkg->has_epoch = true;
		pkg->epoch = (uint32_t)num;
	}
	if (get_num(&h, W_LONGSIZE, &num) || get_num(&h, W_SIZE, &num)) {
		pkg->has_size = true;
		pkg->size = num;
	}
	return get_files(&h, lim, s, pkg);
}

void cg_rpmhdr_scratch_release(struct cg_rpmhdr_scratch *s)
{
	free(s->base);
	free(s->base_len);
	free(s->dirs);
	free(s->dir_len);
	free(s->dirindexes);
	free(s->paths);
	free(s->pathbuf);
	memset(s, 0, sizeof(*s));
}
