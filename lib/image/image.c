/* Opening an image and building its inventory: every layer read once (in
 * parallel), the merged view built with whiteouts, then the collectors. */
#include "util/internal.h"
#include "image/image_int.h"
#include "scan/config.h"
#include "scan/scanner.h"
#include "scan/secret.h"
#include <pthread.h>
#include <unistd.h>

#define MAX_THREADS 4

/* ---- opening --------------------------------------------------------------- */

static const struct cg_source_ops *const sources[] = {
#define CG_SOURCE(id) &cg_source_##id,
#include "image/sources.def"
#undef CG_SOURCE
};

static const char *json_str_at(const cg_json *o, const char *a, const char *b)
{
	return cg_json_get_str(b ? cg_json_get(o, a) : o, b ? b : a);
}

static cg_err_t read_config(struct cg_image *img, struct cg_error *err)
{
	const cg_json *ids;
	size_t n;
	cg_err_t rc = cg_blob_read_json(img->src, img->ops, &img->m.config, img->lim.max_json_bytes,
					&img->config, err);
	if (rc)
		return rc;
	if (!cg_json_is_object(img->config))
		return cg_error_set(err, CG_ERR_INVALID, "image config is not a JSON object");
	ids = cg_json_get(cg_json_get(img->config, "rootfs"), "diff_ids");
	n = cg_json_array_len(ids);
	if (!cg_json_is_array(ids))
		return cg_error_set(err, CG_ERR_INVALID, "image config has no rootfs.diff_ids");
	if (n != img->m.nlayers)
		return cg_error_set(err, CG_ERR_INVALID,
				    "image config lists %zu layers (diff_ids) but the manifest has %zu",
				    n, img->m.nlayers);
	img->diff_ids = calloc(n ? n : 1, sizeof(*img->diff_ids));
	if (!img->diff_ids)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *d = cg_json_string(cg_json_array_at(ids, i));
		if (!cg_digest_valid(d))
			return cg_error_set(err, CG_ERR_INVALID, "diff_ids[%zu] is not a sha256 digest", i);
		img->diff_ids[i] = d;
	}
	img->info.os = json_str_at(img->config, "os", NULL);
	img->info.arch = json_str_at(img->config, "architecture", NULL);
	img->info.variant = json_str_at(img->config, "variant", NULL);
	img->info.created = json_str_at(img->config, "created", NULL);
	img->info.user = json_str_at(img->config, "config", "User");
	img->info.config_digest = img->m.config.digest;
	return CG_OK;
}

cg_err_t cg_image_open(const char *ref, const struct cg_image_opts *opts, struct cg_image **out,
		       struct cg_error *err)
{
	struct cg_image *img = NULL;
	const char *colon;
	cg_err_t rc = CG_OK;
	size_t tlen;

	*out = NULL;
	if (!ref || !(colon = strchr(ref, ':')))
		return cg_error_set(err, CG_ERR_ARG,
				    "image reference '%s' has no transport (docker-archive:FILE, "
				    "oci:DIR[:TAG], oci-archive:FILE[:TAG], dir:ROOTFS, "
				    "docker://[HOST/]REPO[:TAG], docker-daemon:NAME, containerd:NAME, "
				    "containers-storage:NAME)",
				    ref ? ref : "");
	tlen = (size_t)(colon - ref);
	img = calloc(1, sizeof(*img));
	if (!img || !(img->ref = strdup(ref)))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	cg_image_limits_resolve(opts ? &opts->limits : NULL, &img->lim);
	img->checks = opts ? opts->checks & CG_CHECK_ALL : 0;
	if (opts && opts->content)
		img->content = *opts->content;
	img->progress = opts ? opts->progress : NULL;
	img->progress_ud = opts ? opts->progress_ud : NULL;
	img->threads = opts && opts->threads > 0 ? opts->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (img->threads < 1)
		img->threads = 1;
	if (img->threads > MAX_THREADS)
		img->threads = MAX_THREADS;
	img->info.ref = img->ref;

	if (tlen == 3 && !strncmp(ref, "dir", 3)) {
		img->rootfs = strdup(colon + 1);
		if (!img->rootfs)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
		if (!*img->rootfs || access(img->rootfs, R_OK | X_OK) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOTFOUND, "dir:%s: %s", img->rootfs,
						 *img->rootfs ? strerror(errno) : "no folder given"));
		img->info.transport = "dir";
		img->info.nlayers = 1;
		goto done;
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(sources); i++)
		if (strlen(sources[i]->transport) == tlen && !strncmp(sources[i]->transport, ref, tlen))
			img->ops = sources[i];
	if (!img->ops)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_UNSUPPORTED, "unknown or unsupported transport '%.*s'",
					 (int)tlen, ref));
	img->info.transport = img->ops->transport;
	rc = img->ops->open(colon + 1, opts, &img->lim, &img->src, &img->m, err);
	if (rc)
		goto done;
	if (img->m.nlayers > img->lim.max_layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_LIMIT, "image has %zu layers, more than max_layers (%zu)",
					 img->m.nlayers, img->lim.max_layers));
	rc = read_config(img, err);
	if (rc)
		goto done;
	img->info.name = img->m.name;
	img->info.manifest_digest = img->m.digest;
	img->info.nlayers = img->m.nlayers;
done:
	if (rc) {
		cg_image_free(img);
		return rc;
	}
	*out = img;
	return CG_OK;
}

void cg_image_free(struct cg_image *img)
{
	if (!img)
		return;
	if (img->ops && img->src)
		img->ops->close(img->src);
	cg_manifest_release(&img->m);
	cg_json_free(img->config);
	free(img->diff_ids);
	free(img->rootfs);
	free(img->ref);
	free(img);
}

void cg_image_get_info(const struct cg_image *img, struct cg_image_info *info)
{
	*info = img->info;
}

const cg_json *cg_image_config(const struct cg_image *img)
{
	return img->config;
}

/* ---- reading the layers ---------------------------------------------------- */

struct lentry {
	const char *path;
	const char *link;
	uint64_t size;
	uint32_t path_len;
	uint32_t mode;
	uint8_t type;
	struct cg_capture *cap;
};

struct walk_ctx;

#define MAX_STREAMS 32
#define MAX_SCANNERS 16
#define MAX_CONTENT_FINDINGS 100000 /* per image: the rest is counted, not kept */

struct active_stream {
	const struct cg_stream_collector *c;
	void *state;
	bool live;
};

struct active_scan {
	const struct cg_content_scanner *s;
	void *state;
	bool live;
};

struct layer_job {
	struct walk_ctx *ctx;
	size_t index;
	struct cg_arena arena;
	struct lentry *entries;
	size_t n, cap;
	struct cg_capture *cur;
	size_t cur_len;
	/* streaming collectors reading the current file */
	struct active_stream streams[MAX_STREAMS];
	size_t nstreams, nlive;
	const char *cur_path;
	/* what they found, judged after the merge */
	struct cg_pkg *pending;
	size_t npending, cappending;
	/* content scanners reading the current file, and their findings */
	struct active_scan scans[MAX_SCANNERS];
	size_t nscans, nscanlive;
	struct cg_content_finding *content;
	size_t ncontent, capcontent;
	struct cg_layer_stats stats;
	char **warnings;
	size_t nwarnings, capwarnings;
	cg_err_t rc;
	struct cg_error err;
};

struct walk_ctx {
	struct cg_image *img;
	struct layer_job *jobs;
	size_t njobs;
	size_t next;          /* next job to take (atomic) */
	uint64_t entries_left; /* shared budget (atomic) */
	uint64_t buffered;    /* bytes of captured content (atomic) */
	uint64_t total_bytes; /* uncompressed bytes so far (atomic) */
	size_t done;          /* layers read (atomic) */
	/* content scanners of this read, opened once, shared read-only */
	const struct cg_content_scanner *scan[MAX_SCANNERS];
	void *scan_ctx[MAX_SCANNERS];
	size_t nscan;
	unsigned checks;
	struct async_pool *pool; /* finish() of async scanners, or NULL */
	int failed;           /* some job failed: others stop early (atomic) */
};

static void job_warn(void *ud, const char *msg)
{
	struct layer_job *j = ud;
	char *copy;
	if (j->nwarnings == j->capwarnings) {
		size_t nc = j->capwarnings ? j->capwarnings * 2 : 8;
		char **nw;
		if (nc > 10000)
			return; /* enough said */
		nw = realloc(j->warnings, nc * sizeof(*nw));
		if (!nw)
			return;
		j->warnings = nw;
		j->capwarnings = nc;
	}
	copy = cg_arena_strdup(&j->arena, msg);
	if (copy)
		j->warnings[j->nwarnings++] = copy;
}

static int job_entry(void *ud, const struct cg_entry *e, struct cg_error *err)
{
	struct layer_job *j = ud;
	struct lentry *le;
	uint64_t mask = 0;
	size_t maxsize = 0;

	if (__atomic_load_n(&j->ctx->failed, __ATOMIC_RELAXED))
		return -(int)cg_error_set(err, CG_ERR_INTERNAL, "stopped: another layer failed");
	if (j->n == j->cap) {
		size_t nc = j->cap ? j->cap * 2 : 1024;
		struct lentry *ne = realloc(j->entries, nc * sizeof(*ne));
		if (!ne)
			return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		j->entries = ne;
		j->cap = nc;
	}
	le = &j->entries[j->n];
	memset(le, 0, sizeof(*le));
	le->path = cg_arena_strndup(&j->arena, e->path, e->path_len);
	le->link = e->link ? cg_arena_strdup(&j->arena, e->link) : NULL;
	if (!le->path || (e->link && !le->link))
		return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	le->path_len = (uint32_t)e->path_len;
	le->type = (uint8_t)e->type;
	le->mode = e->mode;
	le->size = e->size;
	j->n++;
	if (e->type != CG_ENTRY_REG)
		return 0;

	j->cur = NULL;
	j->nstreams = j->nlive = 0;
	j->cur_path = le->path;
	for (size_t i = 0; i < cg_stream_collector_count(); i++) {
		const struct cg_stream_collector *c = cg_stream_collector_at(i);
		struct active_stream *as;
		if (!c->want(le->path, le->path_len, e->mode, e->size))
			continue;
		as = &j->streams[j->nstreams];
		as->c = c;
		as->state = calloc(1, c->state_size ? c->state_size : 1);
		if (!as->state)
			return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		c->begin(as->state);
		as->live = true;
		j->nstreams++;
		j->nlive++;
	}

	j->nscans = j->nscanlive = 0;
	for (size_t i = 0; i < j->ctx->nscan; i++) {
		const struct cg_content_scanner *s = j->ctx->scan[i];
		struct active_scan *as;
		if (!s->want(j->ctx->scan_ctx[i], le->path, le->path_len, e->mode, e->size))
			continue;
		as = &j->scans[j->nscans];
		as->s = s;
		as->state = calloc(1, s->state_size ? s->state_size : 1);
		if (!as->state)
			return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		s->begin(j->ctx->scan_ctx[i], as->state);
		as->live = true;
		j->nscans++;
		j->nscanlive++;
	}

	for (size_t i = 0; i < cg_collector_count(); i++) {
		const struct cg_pkg_collector *c = cg_collector_at(i);
		if (c->match(le->path, le->path_len)) {
			mask |= (uint64_t)1 << i;
			if (c->max_size > maxsize)
				maxsize = c->max_size;
		}
	}
	if (!mask)
		return j->nstreams || j->nscans ? 1 : 0;
	le->cap = cg_arena_alloc(&j->arena, sizeof(*le->cap));
	if (!le->cap)
		return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	memset(le->cap, 0, sizeof(*le->cap));
	le->cap->collectors = mask;
	if (e->size > maxsize) {
		char msg[512];
		le->cap->truncated = true;
		snprintf(msg, sizeof(msg), "%.300s: %llu bytes, larger than the %zu its reader takes; "
			 "not read", le->path, (unsigned long long)e->size, maxsize);
		job_warn(j, msg);
		return j->nstreams || j->nscans ? 1 : 0;
	}
	if (__atomic_add_fetch(&j->ctx->buffered, e->size, __ATOMIC_RELAXED) >
	    j->ctx->img->lim.max_buffered_bytes)
		return -(int)cg_error_set(err, CG_ERR_LIMIT,
					  "package-database files exceed max_buffered_bytes (%zu)",
					  j->ctx->img->lim.max_buffered_bytes);
	le->cap->data = malloc(e->size ? e->size : 1);
	if (!le->cap->data)
		return -(int)cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	j->cur = le->cap;
	j->cur_len = e->size;
	return 1;
}

static cg_err_t job_data(void *ud, const void *p, size_t n, struct cg_error *err)
{
	struct layer_job *j = ud;
	if (j->cur) {
		if (n > j->cur_len - j->cur->len)
			return cg_error_set(err, CG_ERR_INVALID, "tar entry has more data than its size");
		memcpy(j->cur->data + j->cur->len, p, n);
		j->cur->len += n;
	}
	for (size_t i = 0; i < j->nstreams; i++) {
		struct active_stream *as = &j->streams[i];
		if (as->live && !as->c->feed(as->state, p, n)) {
			as->live = false;
			j->nlive--;
		}
	}
	for (size_t i = 0; i < j->nscans; i++) {
		struct active_scan *as = &j->scans[i];
		if (as->live && !as->s->feed(as->state, p, n)) {
			as->live = false;
			j->nscanlive--;
		}
	}
	return CG_OK;
}

static bool job_more(void *ud)
{
	struct layer_job *j = ud;
	return j->cur != NULL || j->nlive > 0 || j->nscanlive > 0;
}

/* *q = *p with every string of p copied into a (a sink's strings live only
 * during the call). */
static cg_err_t pkg_copy(struct cg_arena *a, struct cg_pkg *q, const struct cg_pkg *p)
{
	*q = *p;
#define COPY(f) if (p->f && !(q->f = cg_arena_strdup(a, p->f))) return CG_ERR_NOMEM
	COPY(type);
	COPY(namespace_);
	COPY(name);
	COPY(version);
	COPY(epoch);
	COPY(src_name);
	COPY(src_version);
	COPY(arch);
	COPY(license);
	COPY(vendor);
	COPY(modularity);
	COPY(path);
#undef COPY
	return CG_OK;
}

/* The sink of streaming collectors: keep the packages until the merge says
 * whether their file is visible. */
static cg_err_t pending_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t n)
{
	struct layer_job *j = ud;
	struct cg_arena *a = &j->arena;
	struct cg_pkg *q;
	(void)files;
	(void)n;
	if (j->npending == j->cappending) {
		size_t nc = j->cappending ? j->cappending * 2 : 16;
		struct cg_pkg *np = realloc(j->pending, nc * sizeof(*np));
		if (!np)
			return CG_ERR_NOMEM;
		j->pending = np;
		j->cappending = nc;
	}
	q = &j->pending[j->npending];
	if (pkg_copy(a, q, p))
		return CG_ERR_NOMEM;
	j->npending++;
	return CG_OK;
}

static void pending_warn(void *ud, const char *path, const char *msg)
{
	char line[1024];
	snprintf(line, sizeof(line), "%.400s: %.500s", path, msg);
	job_warn(ud, line);
}

/* A content finding's strings copied into a (a sink's strings live only during
 * the call). */
static cg_err_t content_copy(struct cg_arena *a, struct cg_content_finding *q,
			     const struct cg_content_finding *p)
{
	*q = *p;
#define COPY(f) if (p->f && !(q->f = cg_arena_strdup(a, p->f))) return CG_ERR_NOMEM
	COPY(rule);
	COPY(type);
	COPY(title);
	COPY(path);
	COPY(where);
	COPY(match);
	COPY(md5);
	COPY(sha256);
	COPY(advice);
#undef COPY
	return CG_OK;
}

/* Append to a findings array (kept in an arena), dropping kinds whose check
 * is off. */
static cg_err_t content_push(struct cg_arena *a, struct cg_content_finding **v, size_t *n,
			     size_t *cap, unsigned checks, const struct cg_content_finding *f)
{
	if (!(checks & cg_content_kind_check(f->kind)))
		return CG_OK;
	if (*n >= MAX_CONTENT_FINDINGS)
		return CG_OK;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct cg_content_finding *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return CG_ERR_NOMEM;
		*v = nv;
		*cap = nc;
	}
	if (content_copy(a, &(*v)[*n], f))
		return CG_ERR_NOMEM;
	(*n)++;
	return CG_OK;
}

static cg_err_t job_content_add(void *ud, const struct cg_content_finding *f)
{
	struct layer_job *j = ud;
	return content_push(&j->arena, &j->content, &j->ncontent, &j->capcontent, j->ctx->checks,
			    f);
}

/* ---- asynchronous finish() ------------------------------------------------
 * A scanner whose finish() is expensive (async_finish: the malware scan of a
 * buffered file) has it run by a small pool, so the layer thread goes on
 * reading the stream. The queue is bounded (a full queue makes the layer thread
 * wait: the buffered files in flight stay few). Findings and warnings of the
 * pool go to lists of their own, under one lock, merged after the layers. */
#define ASYNC_QUEUE 8
#define ASYNC_THREADS 4

struct async_item {
	const struct cg_content_scanner *s;
	void *state;
	char *path;
	int layer;
};

struct async_pool {
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull;
	struct async_item q[ASYNC_QUEUE];
	size_t head, n;
	bool stop;
	pthread_t th[ASYNC_THREADS];
	int nth;
	unsigned checks;
	/* results, under lock */
	struct cg_arena arena;
	struct cg_content_finding *content;
	size_t ncontent, capcontent;
	char **warnings;
	size_t nwarnings, capwarnings;
	cg_err_t rc;
	struct cg_error err;
};

static cg_err_t content_push(struct cg_arena *a, struct cg_content_finding **v, size_t *n,
			     size_t *cap, unsigned checks, const struct cg_content_finding *f);

static cg_err_t pool_add(void *ud, const struct cg_content_finding *f)
{
	struct async_pool *p = ud;
	cg_err_t rc;
	pthread_mutex_lock(&p->lock);
	rc = content_push(&p->arena, &p->content, &p->ncontent, &p->capcontent, p->checks, f);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static void pool_warn(void *ud, const char *path, const char *msg)
{
	struct async_pool *p = ud;
	char line[1024], *copy;
	snprintf(line, sizeof(line), "%.400s: %.500s", path, msg);
	pthread_mutex_lock(&p->lock);
	if (p->nwarnings == p->capwarnings && p->capwarnings < 10000) {
		size_t nc = p->capwarnings ? p->capwarnings * 2 : 8;
		char **nw = realloc(p->warnings, nc * sizeof(*nw));
		if (nw) {
			p->warnings = nw;
			p->capwarnings = nc;
		}
	}
	if (p->nwarnings < p->capwarnings && (copy = cg_arena_strdup(&p->arena, line)))
		p->warnings[p->nwarnings++] = copy;
	pthread_mutex_unlock(&p->lock);
}

static void *pool_worker(void *arg)
{
	struct async_pool *p = arg;
	struct cg_content_sink sink = { pool_add, pool_warn, p };
	for (;;) {
		struct async_item it;
		struct cg_error err = { 0 };
		cg_err_t rc;
		pthread_mutex_lock(&p->lock);
		while (!p->n && !p->stop)
			pthread_cond_wait(&p->nonempty, &p->lock);
		if (!p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		it = p->q[p->head];
		p->head = (p->head + 1) % ASYNC_QUEUE;
		p->n--;
		pthread_cond_signal(&p->nonfull);
		pthread_mutex_unlock(&p->lock);
		rc = it.s->finish(it.state, it.path, it.layer, &sink, &err);
		it.s->release(it.state);
		free(it.state);
		free(it.path);
		if (rc) {
			pthread_mutex_lock(&p->lock);
			if (!p->rc) {
				p->rc = rc;
				p->err = err;
			}
			pthread_mutex_unlock(&p->lock);
		}
	}
}

static struct async_pool *pool_start(unsigned checks, int threads)
{
	struct async_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->nonempty, NULL);
	pthread_cond_init(&p->nonfull, NULL);
	p->checks = checks;
	for (int i = 0; i < threads && i < ASYNC_THREADS; i++)
		if (pthread_create(&p->th[p->nth], NULL, pool_worker, p) == 0)
			p->nth++;
	return p;
}

/* Hand a file's finish() to the pool (the state and the path become its);
 * false when it has no thread: the caller finishes it itself. */
static bool pool_put(struct async_pool *p, const struct cg_content_scanner *s, void *state,
		     const char *path, int layer)
{
	char *copy;
	if (!p || !p->nth || !(copy = strdup(path)))
		return false;
	pthread_mutex_lock(&p->lock);
	while (p->n == ASYNC_QUEUE)
		pthread_cond_wait(&p->nonfull, &p->lock);
	p->q[(p->head + p->n) % ASYNC_QUEUE] = (struct async_item){ s, state, copy, layer };
	p->n++;
	pthread_cond_signal(&p->nonempty);
	pthread_mutex_unlock(&p->lock);
	return true;
}

/* Finish the queue and stop the threads (the results stay). */
static void pool_drain(struct async_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->nonempty);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	p->nth = 0;
}

static void pool_free(struct async_pool *p)
{
	if (!p)
		return;
	pool_drain(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->nonempty);
	pthread_cond_destroy(&p->nonfull);
	free(p->content);
	free(p->warnings);
	cg_arena_release(&p->arena);
	free(p);
}

static cg_err_t job_end(void *ud, struct cg_error *err)
{
	struct layer_job *j = ud;
	struct cg_pkg_sink sink = { pending_add, pending_warn, j };
	cg_err_t rc = CG_OK;
	j->cur = NULL;
	for (size_t i = 0; i < j->nstreams; i++) {
		struct active_stream *as = &j->streams[i];
		if (!rc)
			rc = as->c->finish(as->state, j->cur_path, (int)j->index, &sink, err);
		as->c->release(as->state);
		free(as->state);
		as->state = NULL;
	}
	j->nstreams = j->nlive = 0;
	{
		struct cg_content_sink cs = { job_content_add, pending_warn, j };
		for (size_t i = 0; i < j->nscans; i++) {
			struct active_scan *as = &j->scans[i];
			if (!rc && as->s->async_finish &&
			    pool_put(j->ctx->pool, as->s, as->state, j->cur_path, (int)j->index)) {
				as->state = NULL; /* the pool's now */
				continue;
			}
			if (!rc)
				rc = as->s->finish(as->state, j->cur_path, (int)j->index, &cs, err);
			as->s->release(as->state);
			free(as->state);
			as->state = NULL;
		}
		j->nscans = j->nscanlive = 0;
	}
	return rc;
}

static void run_job(struct layer_job *j)
{
	struct cg_image *img = j->ctx->img;
	struct cg_layer_visitor v = { job_entry, job_data, job_end, job_warn, j, job_more };
	struct cg_blob *blob = NULL;

	if (img->rootfs) {
		j->rc = cg_rootfs_walk(img->rootfs, &img->lim, &j->ctx->entries_left, &v, &j->stats,
				       &j->err);
		return;
	}
	if (img->ops->walk_layer) { /* an unpacked layer: a folder, no tar to hash */
		j->rc = img->ops->walk_layer(img->src, j->index, &img->lim, &j->ctx->entries_left, &v,
					     &j->stats, &j->err);
	} else if (!(j->rc = img->ops->open_blob(img->src, &img->m.layers[j->index], &blob,
						   &j->err))) {
		j->rc = cg_layer_walk(blob, &img->lim, &j->ctx->entries_left, &v, &j->stats, &j->err);
		cg_blob_close(blob);
	}
	if (j->rc)
		return;
	if (__atomic_add_fetch(&j->ctx->total_bytes, j->stats.uncompressed_bytes, __ATOMIC_RELAXED) >
	    img->lim.max_total_bytes) {
		j->rc = cg_error_set(&j->err, CG_ERR_LIMIT,
				     "layers are larger than max_total_bytes (%llu) uncompressed",
				     (unsigned long long)img->lim.max_total_bytes);
		return;
	}
	if (img->ops->walk_layer)
		return;
	if (img->m.layers[j->index].digest &&
	    strcmp(img->m.layers[j->index].digest, j->stats.digest) != 0) {
		j->rc = cg_error_set(&j->err, CG_ERR_INTEGRITY,
				     "digest mismatch: the manifest says %s, the content is %s",
				     img->m.layers[j->index].digest, j->stats.digest);
		return;
	}
	if (strcmp(img->diff_ids[j->index], j->stats.diff_id) != 0)
		j->rc = cg_error_set(&j->err, CG_ERR_INTEGRITY,
				     "diff_id mismatch: the config says %s, the content is %s",
				     img->diff_ids[j->index], j->stats.diff_id);
}

static void *worker(void *arg)
{
	struct walk_ctx *ctx = arg;
	for (;;) {
		size_t i = __atomic_fetch_add(&ctx->next, 1, __ATOMIC_RELAXED);
		if (i >= ctx->njobs)
			return NULL;
		run_job(&ctx->jobs[i]);
		if (ctx->jobs[i].rc)
			__atomic_store_n(&ctx->failed, 1, __ATOMIC_RELAXED);
		else if (ctx->img->progress)
			ctx->img->progress(ctx->img->progress_ud,
					   __atomic_add_fetch(&ctx->done, 1, __ATOMIC_RELAXED),
					   ctx->njobs);
	}
}

static void release_jobs(struct walk_ctx *ctx)
{
	for (size_t i = 0; ctx->jobs && i < ctx->njobs; i++) {
		struct layer_job *j = &ctx->jobs[i];
		for (size_t k = 0; k < j->n; k++)
			if (j->entries[k].cap)
				free(j->entries[k].cap->data);
		for (size_t k = 0; k < j->nstreams; k++) { /* a walk that failed mid-file */
			j->streams[k].c->release(j->streams[k].state);
			free(j->streams[k].state);
		}
		for (size_t k = 0; k < j->nscans; k++) {
			j->scans[k].s->release(j->scans[k].state);
			free(j->scans[k].state);
		}
		free(j->content);
		free(j->entries);
		free(j->pending);
		free(j->warnings);
		cg_arena_release(&j->arena);
	}
	free(ctx->jobs);
	ctx->jobs = NULL;
	pool_free(ctx->pool); /* finishes what is queued: the scanners are still open */
	ctx->pool = NULL;
	for (size_t i = 0; i < ctx->nscan; i++)
		ctx->scan[i]->close(ctx->scan_ctx[i]);
	ctx->nscan = 0;
}

/* ---- merging ------------------------------------------------------------- */

static cg_err_t merge_layer(struct cg_inventory *inv, struct layer_job *j, struct cg_error *err)
{
	struct cg_fstree *t = &inv->tree;
	/* whiteouts and opaque folders of a layer hide what lies below it only */
	for (size_t k = 0; k < j->n; k++) {
		struct lentry *e = &j->entries[k];
		struct cg_fsnode *n;
		if (e->type != CG_ENTRY_WHITEOUT && e->type != CG_ENTRY_OPAQUE)
			continue;
		n = cg_fstree_get(t, e->path, e->path_len);
		if (!n)
			continue;
		if (e->type == CG_ENTRY_WHITEOUT)
			cg_fstree_remove(t, n);
		else
			cg_fstree_clear(t, n);
	}
	for (size_t k = 0; k < j->n; k++) {
		struct lentry *e = &j->entries[k];
		struct cg_fsnode *n, *target = NULL;
		if (e->type == CG_ENTRY_WHITEOUT || e->type == CG_ENTRY_OPAQUE)
			continue;
		if (e->type == CG_ENTRY_HARDLINK)
			target = cg_fstree_get(t, e->link, strlen(e->link));
		n = cg_fstree_insert(t, e->path, e->path_len);
		if (!n)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		if (e->type != CG_ENTRY_DIR && n->child)
			cg_fstree_clear(t, n); /* a file replaces a folder */
		n->layer = (int)j->index;
		n->mode = e->mode;
		n->owner = 0;
		n->link = NULL;
		if (e->type == CG_ENTRY_HARDLINK) {
			n->type = CG_ENTRY_REG;
			n->size = target && target->type == CG_ENTRY_REG ? target->size : 0;
			n->content = target && target->type == CG_ENTRY_REG ? target->content : NULL;
			continue;
		}
		n->type = e->type;
		n->size = e->size;
		n->content = e->cap;
		if (e->type == CG_ENTRY_SYMLINK) {
			n->link = cg_arena_strdup(&t->arena, e->link ? e->link : "");
			if (!n->link)
				return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
		}
	}
	return CG_OK;
}

/* ---- collectors ---------------------------------------------------------- */

struct captured {
	struct cg_fsnode **nodes;
	size_t n, cap;
};

static int gather(struct cg_fsnode *n, void *ud)
{
	struct captured *c = ud;
	if (n->type != CG_ENTRY_REG || !n->content)
		return 0;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct cg_fsnode **nn = realloc(c->nodes, nc * sizeof(*nn));
		if (!nn)
			return 1;
		c->nodes = nn;
		c->cap = nc;
	}
	c->nodes[c->n++] = n;
	return 0;
}

void cg_inventory_warn(struct cg_inventory *inv, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	char *copy;
	if (inv->nwarnings == inv->capwarnings) {
		size_t nc = inv->capwarnings ? inv->capwarnings * 2 : 16;
		char **nw;
		if (nc > 100000)
			return;
		nw = realloc(inv->warnings, nc * sizeof(*nw));
		if (!nw)
			return;
		inv->warnings = nw;
		inv->capwarnings = nc;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	copy = cg_arena_strdup(&inv->arena, msg);
	if (copy)
		inv->warnings[inv->nwarnings++] = copy;
}

static void sink_warn(void *ud, const char *path, const char *msg)
{
	cg_inventory_warn(ud, "%s: %s", path, msg);
}

static cg_err_t sink_add(void *ud, const struct cg_pkg *p, const char *const *files, size_t nfiles)
{
	struct cg_inventory *inv = ud;
	struct cg_arena *a = &inv->arena;
	struct cg_pkg *q;
	if (!p->type || !p->name || !p->version)
		return CG_OK; /* incomplete: the collector should have warned */
	if (inv->npkgs == inv->cappkgs) {
		size_t nc = inv->cappkgs ? inv->cappkgs * 2 : 64;
		struct cg_pkg *np = realloc(inv->pkgs, nc * sizeof(*np));
		if (!np)
			return CG_ERR_NOMEM;
		inv->pkgs = np;
		inv->cappkgs = nc;
	}
	q = &inv->pkgs[inv->npkgs];
	if (pkg_copy(a, q, p))
		return CG_ERR_NOMEM;
	if (!(q->flags & CG_PKG_OS) && q->path) {
		const struct cg_fsnode *n = cg_fstree_resolve(&inv->tree, q->path, strlen(q->path), true);
		if (n && n->owner)
			q->flags |= CG_PKG_OWNED_BY_OS;
	}
	for (size_t i = 0; i < nfiles; i++) {
		struct cg_fsnode *n = cg_fstree_resolve(&inv->tree, files[i], strlen(files[i]), false);
		if (n && n->type != CG_ENTRY_DIR && !n->owner)
			n->owner = (uint32_t)inv->npkgs + 1;
	}
	inv->npkgs++;
	return CG_OK;
}

static cg_err_t run_collectors(struct cg_inventory *inv, struct cg_error *err)
{
	struct captured cap = { 0 };
	struct cg_pkg_file *files = NULL;
	struct cg_pkg_sink sink = { sink_add, sink_warn, inv };
	cg_err_t rc = CG_OK;

	if (cg_fstree_walk(&inv->tree, gather, &cap))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	files = calloc(cap.n ? cap.n : 1, sizeof(*files));
	if (!files)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	for (size_t c = 0; c < cg_collector_count(); c++) {
		const struct cg_pkg_collector *col = cg_collector_at(c);
		size_t nf = 0;
		if (!col->collect)
			continue;
		for (size_t i = 0; i < cap.n; i++) {
			struct cg_fsnode *n = cap.nodes[i];
			char path[4200];
			if (!(n->content->collectors & ((uint64_t)1 << c)) || n->content->truncated)
				continue;
			if (!cg_fstree_path(n, path, sizeof(path)))
				continue;
			files[nf].path = cg_arena_strdup(&inv->arena, path);
			if (!files[nf].path)
				CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
			files[nf].layer = n->layer;
			files[nf].data = n->content->data;
			files[nf].len = n->content->len;
			nf++;
		}
		if (!nf)
			continue;
		rc = col->collect(files, nf, &sink, err);
		if (rc)
			goto done;
	}
done:
	free(files);
	free(cap.nodes);
	return rc;
}

/* ---- file information (IMG-08) ------------------------------------------- */

#define TOP_UNOWNED 50

static int file_stats(struct cg_fsnode *n, void *ud)
{
	struct cg_inventory *inv = ud;
	n->content = NULL; /* buffers are released after the collectors */
	if (n->type != CG_ENTRY_REG)
		return 0;
	if (n->owner) {
		inv->stats.owned_files++;
		inv->stats.owned_bytes += n->size;
		return 0;
	}
	inv->stats.unowned_files++;
	inv->stats.unowned_bytes += n->size;
	/* keep the largest TOP_UNOWNED in a small sorted array (largest first) */
	if (inv->ntop == TOP_UNOWNED && n->size <= inv->top[TOP_UNOWNED - 1].size)
		return 0;
	{
		size_t i = inv->ntop < TOP_UNOWNED ? inv->ntop++ : TOP_UNOWNED - 1;
		while (i > 0 && inv->top[i - 1].size < n->size) {
			inv->top[i] = inv->top[i - 1];
			i--;
		}
		inv->top[i].size = n->size;
		inv->top[i].layer = n->layer;
		inv->top[i].owner = NULL;
		inv->top[i].path = (const char *)n; /* the node until the paths are filled in */
	}
	return 0;
}

static cg_err_t finish_stats(struct cg_inventory *inv, struct cg_error *err)
{
	inv->top = calloc(TOP_UNOWNED, sizeof(*inv->top));
	if (!inv->top)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	cg_fstree_walk(&inv->tree, file_stats, inv);
	for (size_t i = 0; i < inv->ntop; i++) {
		char path[4200];
		const struct cg_fsnode *n = (const struct cg_fsnode *)inv->top[i].path;
		if (!cg_fstree_path(n, path, sizeof(path)))
			path[0] = '\0';
		inv->top[i].path = cg_arena_strdup(&inv->arena, path);
		if (!inv->top[i].path)
			return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	}
	return CG_OK;
}

/* ---- the whole pass -------------------------------------------------------- */

/* ---- content checks of the config -------------------------------------- */

static cg_err_t inv_content_add(void *ud, const struct cg_content_finding *f)
{
	struct cg_inventory *inv = ud;
	return content_push(&inv->arena, &inv->content, &inv->ncontent, &inv->capcontent,
			    CG_CHECK_ALL, f);
}

static void inv_content_warn(void *ud, const char *path, const char *msg)
{
	cg_inventory_warn(ud, "%.400s: %.500s", path, msg);
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Content findings in one order, whatever the threads' timing: by layer, place
 * (path or config item), kind, rule, line. */
static int content_cmp(const void *x, const void *y)
{
	const struct cg_content_finding *a = x, *b = y;
	int r;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	if ((r = strcmp0(a->path ? a->path : a->where, b->path ? b->path : b->where)))
		return r;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((r = strcmp0(a->rule, b->rule)))
		return r;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* One file, one finding per thing: a sensitive file (a private key file) is not
 * reported again as a secret of the same type found in its content. */
static void dedupe_content(struct cg_inventory *inv)
{
	size_t kept = 0;
	for (size_t i = 0; i < inv->ncontent; i++) {
		const struct cg_content_finding *c = &inv->content[i];
		bool dup = false;
		for (size_t k = 0; c->kind == CG_CONTENT_SECRET && c->path && !dup &&
				   k < inv->ncontent; k++) {
			const struct cg_content_finding *o = &inv->content[k];
			dup = o->kind == CG_CONTENT_FILE && o->path && o->layer == c->layer &&
			      o->type && c->type && !strcmp(o->type, c->type) &&
			      !strcmp(o->path, c->path);
		}
		if (!dup)
			inv->content[kept++] = *c;
	}
	inv->ncontent = kept;
	if (inv->ncontent > 1)
		qsort(inv->content, inv->ncontent, sizeof(*inv->content), content_cmp);
}

/* The secret scanner's text entry point, for ENV values, labels and history. */
static cg_err_t scan_text(void *ud, const char *where, const char *text, size_t len,
			  const struct cg_content_sink *sink, struct cg_error *err)
{
	return cg_secret_scan_text(ud, where, text, len, sink, err);
}

/* The config's checks (build history, user, health check, ports, ENV; their
 * secrets when the secret check is on) and the final tree's baseline. */
static cg_err_t config_checks(struct cg_image *img, struct cg_inventory *inv,
			      const struct walk_ctx *ctx, struct cg_error *err)
{
	struct cg_content_sink sink = { inv_content_add, inv_content_warn, inv };
	struct cg_config_check_opts co = { NULL, NULL };
	unsigned want = img->checks & (CG_CHECK_HISTORY | CG_CHECK_BASELINE | CG_CHECK_SECRET);
	size_t first = inv->ncontent, kept = first;
	cg_err_t rc;

	if (!want)
		return CG_OK;
	for (size_t i = 0; i < ctx->nscan; i++)
		if (ctx->scan[i] == &cg_scanner_secret && (img->checks & CG_CHECK_SECRET)) {
			co.scan_text = scan_text;
			co.ud = ctx->scan_ctx[i];
		}
	if ((img->checks & CG_CHECK_BASELINE) && ((rc = cg_baseline_tree_(inv, &sink, err)) ||
						   (rc = cg_registry_check_(img, &sink, err))))
		return rc;
	rc = img->config ? cg_config_check(img->config, &co, &sink, err) : CG_OK;
	if (rc)
		return rc;
	/* keep the kinds asked for */
	for (size_t i = first; i < inv->ncontent; i++)
		if (want & cg_content_kind_check(inv->content[i].kind))
			inv->content[kept++] = inv->content[i];
	inv->ncontent = kept;
	return CG_OK;
}

cg_err_t cg_image_inventory(struct cg_image *img, struct cg_inventory **out, struct cg_error *err)
{
	struct walk_ctx ctx = { 0 };
	struct cg_inventory *inv = NULL;
	pthread_t th[MAX_THREADS];
	int nth = 0;
	cg_err_t rc = CG_OK;

	*out = NULL;
	inv = calloc(1, sizeof(*inv));
	if (!inv || cg_fstree_init(&inv->tree))
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	ctx.img = img;
	ctx.checks = img->checks;
	for (size_t i = 0; i < cg_content_scanner_count() && ctx.checks; i++) {
		const struct cg_content_scanner *s = cg_content_scanner_at(i);
		if (!(cg_content_scanner_checks(s) & ctx.checks))
			continue;
		if (ctx.nscan == MAX_SCANNERS)
			break;
		if ((rc = s->open(&img->content, &ctx.scan_ctx[ctx.nscan], err)))
			goto done;
		ctx.scan[ctx.nscan++] = s;
		if (s->async_finish && !ctx.pool &&
		    !(ctx.pool = pool_start(ctx.checks, img->threads)))
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	}
	ctx.njobs = img->rootfs ? 1 : img->m.nlayers;
	ctx.entries_left = img->lim.max_entries;
	ctx.jobs = calloc(ctx.njobs ? ctx.njobs : 1, sizeof(*ctx.jobs));
	inv->layers = calloc(ctx.njobs ? ctx.njobs : 1, sizeof(*inv->layers));
	if (!ctx.jobs || !inv->layers)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "out of memory"));
	inv->nlayers = ctx.njobs;
	for (size_t i = 0; i < ctx.njobs; i++) {
		ctx.jobs[i].ctx = &ctx;
		ctx.jobs[i].index = i;
	}
	for (int i = 0; i < img->threads && (size_t)i < ctx.njobs; i++) {
		if (pthread_create(&th[nth], NULL, worker, &ctx) != 0)
			break;
		nth++;
	}
	if (nth == 0)
		worker(&ctx);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pool_drain(ctx.pool);
	if (ctx.pool && ctx.pool->rc)
		CG_FAIL(rc, cg_error_set(err, ctx.pool->rc, "%s", ctx.pool->err.msg));

	/* the first failing layer (in layer order) is the error */
	for (size_t i = 0; i < ctx.njobs; i++) {
		struct layer_job *j = &ctx.jobs[i];
		if (j->rc && !(j->rc == CG_ERR_INTERNAL && strstr(j->err.msg, "another layer failed"))) {
			rc = cg_error_set(err, j->rc, "layer %zu: %s", i, j->err.msg);
			goto done;
		}
	}
	for (size_t i = 0; i < ctx.njobs; i++) {
		struct layer_job *j = &ctx.jobs[i];
		inv->layers[i] = j->stats;
		for (size_t k = 0; k < j->nwarnings; k++)
			cg_inventory_warn(inv, "layer %zu: %s", i, j->warnings[k]);
		rc = merge_layer(inv, j, err);
		if (rc)
			goto done;
	}
	cg_os_identify(inv, &inv->tree);
	rc = run_collectors(inv, err);
	if (rc)
		goto done;
	/* packages from streamed files count only where that file is visible */
	for (size_t i = 0; i < ctx.njobs; i++) {
		struct layer_job *j = &ctx.jobs[i];
		for (size_t k = 0; k < j->npending; k++) {
			const struct cg_pkg *p = &j->pending[k];
			const struct cg_fsnode *n = cg_fstree_get(&inv->tree, p->path, strlen(p->path));
			if (!n || n->type != CG_ENTRY_REG || n->layer != (int)i)
				continue;
			rc = sink_add(inv, p, NULL, 0);
			if (rc)
				CG_FAIL(rc, cg_error_set(err, rc, "out of memory"));
		}
	}
	/* content findings: every layer's (a file a later layer removed still
	 * ships in the image), marked when the final filesystem does not show it */
	for (size_t i = 0; i < ctx.njobs && !rc; i++) {
		struct layer_job *j = &ctx.jobs[i];
		for (size_t k = 0; k < j->ncontent && !rc; k++) {
			struct cg_content_finding f = j->content[k];
			const struct cg_fsnode *n =
				f.path ? cg_fstree_get(&inv->tree, f.path, strlen(f.path)) : NULL;
			f.removed = f.path && (!n || n->type != CG_ENTRY_REG || n->layer != (int)i);
			/* baseline judges the final filesystem; malware and secrets in a
			 * replaced file still ship in the image */
			if (f.removed && f.kind == CG_CONTENT_BASELINE)
				continue;
			rc = content_push(&inv->arena, &inv->content, &inv->ncontent,
					  &inv->capcontent, ctx.checks, &f);
		}
	}
	for (size_t k = 0; ctx.pool && k < ctx.pool->ncontent && !rc; k++) {
		struct cg_content_finding f = ctx.pool->content[k];
		const struct cg_fsnode *n =
			f.path ? cg_fstree_get(&inv->tree, f.path, strlen(f.path)) : NULL;
		f.removed = f.path && (!n || n->type != CG_ENTRY_REG || n->layer != f.layer);
		if (f.removed && f.kind == CG_CONTENT_BASELINE)
			continue;
		rc = content_push(&inv->arena, &inv->content, &inv->ncontent, &inv->capcontent,
				  ctx.checks, &f);
	}
	for (size_t k = 0; ctx.pool && k < ctx.pool->nwarnings; k++)
		cg_inventory_warn(inv, "%s", ctx.pool->warnings[k]);
	if (rc)
		CG_FAIL(rc, cg_error_set(err, rc, "out of memory"));
	dedupe_content(inv);
	if ((rc = config_checks(img, inv, &ctx, err)))
		goto done;
	rc = finish_stats(inv, err);
done:
	release_jobs(&ctx);
	if (rc) {
		cg_inventory_free(inv);
		return rc;
	}
	*out = inv;
	return CG_OK;
}

void cg_inventory_free(struct cg_inventory *inv)
{
	if (!inv)
		return;
	free(inv->pkgs);
	free(inv->warnings);
	free(inv->top);
	free(inv->layers);
	free(inv->content);
	cg_fstree_release(&inv->tree);
	cg_arena_release(&inv->arena);
	free(inv);
}

const struct cg_os_info *cg_inventory_os(const struct cg_inventory *inv)
{
	return inv->have_os ? &inv->os : NULL;
}

size_t cg_inventory_pkg_count(const struct cg_inventory *inv)
{
	return inv->npkgs;
}

const struct cg_pkg *cg_inventory_pkg(const struct cg_inventory *inv, size_t i)
{
	return i < inv->npkgs ? &inv->pkgs[i] : NULL;
}

size_t cg_inventory_content_count(const struct cg_inventory *inv)
{
	return inv ? inv->ncontent : 0;
}

const struct cg_content_finding *cg_inventory_content_at(const struct cg_inventory *inv, size_t i)
{
	return inv && i < inv->ncontent ? &inv->content[i] : NULL;
}

size_t cg_inventory_warning_count(const struct cg_inventory *inv)
{
	return inv->nwarnings;
}

const char *cg_inventory_warning(const struct cg_inventory *inv, size_t i)
{
	return i < inv->nwarnings ? inv->warnings[i] : NULL;
}

void cg_inventory_file_stats(const struct cg_inventory *inv, struct cg_file_stats *st)
{
	*st = inv->stats;
}

size_t cg_inventory_top_unowned(const struct cg_inventory *inv, struct cg_file_info *out,
				size_t max)
{
	size_t n = inv->ntop < max ? inv->ntop : max;
	memcpy(out, inv->top, n * sizeof(*out));
	return n;
}
