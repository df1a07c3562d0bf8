/* docker-daemon:NAME[:TAG] — an image the Docker engine holds, through its
 * API on the engine's unix socket ($DOCKER_HOST when it is unix://PATH, else
 * /var/run/docker.sock). The engine exports images only as a `docker save`
 * stream (GET /images/{name}/get), which needs random access to read, so the
 * stream is spooled to an unlinked temporary file (O_TMPFILE in $TMPDIR or
 * /var/tmp, mode 0600, bounded by max_total_bytes; it vanishes when the
 * image is closed) and read as a docker-archive: layers are still streams,
 * and nothing is unpacked. */
#include "util/internal.h"
#include "image/source.h"
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define API "v1.41" /* Docker 20.10; later engines serve older API versions too */
#define ERRBODY_MAX 4096

struct spool {
	int fd;
	uint64_t written, max;
	bool over;
	int werrno;
	struct cg_buf body; /* the reply of a failed request */
	long status;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct spool *sp = ud;
	size_t n = size * nmemb, off = 0;
	if (sp->fd < 0 || sp->status != 200) {
		/* keep the start of an error reply; the rest is dropped */
		size_t keep = n < ERRBODY_MAX - sp->body.len ? n : ERRBODY_MAX - sp->body.len;
		if (cg_buf_append(&sp->body, p, keep) != CG_OK)
			return 0;
		return n;
	}
	if (sp->written + n > sp->max) {
		sp->over = true;
		return 0;
	}
	while (off < n) {
		ssize_t w = write(sp->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			sp->werrno = errno;
			return 0;
		}
		off += (size_t)w;
	}
	sp->written += n;
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct spool *sp = ud;
	size_t n = size * nmemb;
	if (n > 9 && !memcmp(p, "HTTP/", 5)) {
		const char *sp1 = memchr(p, ' ', n);
		if (sp1 && (size_t)(sp1 - p) + 4 <= n)
			sp->status = (sp1[1] - '0') * 100 + (sp1[2] - '0') * 10 + (sp1[3] - '0');
	}
	return n;
}

static const char *socket_path(void)
{
	const char *h = getenv("DOCKER_HOST");
	if (h && !strncmp(h, "unix://", 7) && h[7])
		return h + 7;
	return "/var/run/docker.sock";
}

/* GET path on the engine; 200 bodies go to sp->fd (or sp->body when fd < 0). */
static cg_err_t engine_get(const char *path, struct spool *sp, struct cg_error *err)
{
	CURL *c = curl_easy_init();
	char url[2048];
	CURLcode cc;
	const char *sock = socket_path();
	if (!c)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	snprintf(url, sizeof(url), "http://docker/" API "%s", path);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sp);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, sp);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	cc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (sp->over)
		return cg_error_set(err, CG_ERR_LIMIT,
				    "the engine's image export is larger than max_total_bytes (%llu)",
				    (unsigned long long)sp->max);
	if (sp->werrno)
		return cg_error_set(err, CG_ERR_IO, "spooling the image: %s", strerror(sp->werrno));
	if (cc != CURLE_OK)
		return cg_error_set(err, CG_ERR_IO, "Docker engine at %s: %s", sock,
				    curl_easy_strerror(cc));
	return CG_OK;
}

/* The engine's {"message": "..."} of a failed request. */
static const char *engine_message(struct spool *sp, char *out, size_t cap)
{
	cg_json *j = NULL;
	const char *m;
	snprintf(out, cap, "HTTP %ld", sp->status);
	if (cg_json_parse(cg_buf_str(&sp->body), sp->body.len, NULL, &j, NULL) == CG_OK &&
	    (m = cg_json_get_str(j, "message")))
		snprintf(out, cap, "%s", m);
	cg_json_free(j);
	return out;
}

static cg_err_t daemon_open(const char *arg, const struct cg_image_opts *opts,
			    const struct cg_image_limits *lim, struct cg_source **out,
			    struct cg_manifest *m, struct cg_error *err)
{
	struct spool sp = { -1, 0, lim->max_total_bytes, false, 0, CG_BUF_INIT(ERRBODY_MAX), 0 };
	char path[1200], msg[512], *esc = NULL;
	const char *tmp = getenv("TMPDIR");
	cg_err_t rc = CG_OK;
	int fd = -1;

	(void)opts;
	*out = NULL;
	if (!*arg || strlen(arg) > 512)
		return cg_error_set(err, CG_ERR_ARG, "docker-daemon: want an image name or id");
	esc = curl_easy_escape(NULL, arg, 0);
	if (!esc)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	/* does the engine know the image? (a clear error before any spooling) */
	snprintf(path, sizeof(path), "/images/%s/json", esc);
	rc = engine_get(path, &sp, err);
	if (rc)
		goto done;
	if (sp.status != 200) {
		rc = sp.status == 404 ? CG_ERR_NOTFOUND : CG_ERR_IO;
		CG_FAIL(rc, cg_error_set(err, rc, "Docker engine: %s",
					 engine_message(&sp, msg, sizeof(msg))));
	}
	fd = open(tmp && *tmp ? tmp : "/var/tmp", O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "cannot make a temporary file in %s: %s",
					 tmp && *tmp ? tmp : "/var/tmp", strerror(errno)));
	cg_buf_reset(&sp.body);
	sp.status = 0;
	sp.fd = fd;
	snprintf(path, sizeof(path), "/images/%s/get", esc);
	rc = engine_get(path, &sp, err);
	if (rc)
		goto done;
	if (sp.status != 200)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_IO, "Docker engine: export of %s failed: %s", arg,
					 engine_message(&sp, msg, sizeof(msg))));
	/* the export holds exactly this image: take its only entry */
	rc = cg_docker_archive_open_fd(fd, arg, NULL, lim, out, m, err);
	fd = -1; /* owned by the source now, or closed */
	if (!rc && !m->name)
		m->name = strdup(arg);
done:
	if (fd >= 0)
		close(fd);
	curl_free(esc);
	cg_buf_release(&sp.body);
	return rc;
}

const struct cg_source_ops cg_source_docker_daemon = {
	.transport = "docker-daemon",
	.open = daemon_open,
	.open_blob = cg_docker_archive_open_blob,
	.close = cg_layout_store_close,
};
