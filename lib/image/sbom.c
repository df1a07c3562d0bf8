/* Writing an inventory: cguard's own JSON, CycloneDX 1.5, SPDX 2.3, and a
 * table for people. Package URLs per the purl specification. */
#include "util/internal.h"
#include "image/image_int.h"
#include "image/sbom_int.h"
#include "util/utf8.h"
#include <strings.h>
#include <sys/random.h>
#include <time.h>

/* ---- purl ---------------------------------------------------------------- */

static cg_err_t pct(struct cg_buf *b, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		cg_err_t rc;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~' || c == ':' || (keep_slash && c == '/')) {
			rc = cg_buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			rc = cg_buf_append(b, e, 3);
		}
		if (rc)
			return rc;
	}
	return CG_OK;
}

static cg_err_t qual(struct cg_buf *out, char *sep, const char *key, const char *v)
{
	cg_err_t rc;
	if (!v || !*v)
		return CG_OK;
	if ((rc = cg_buf_putc(out, *sep)) || (rc = cg_buf_puts(out, key)) ||
	    (rc = cg_buf_putc(out, '=')) || (rc = pct(out, v, false)))
		return rc;
	*sep = '&';
	return CG_OK;
}

/* The purl namespace of an OS package: the distro id (rhel, centos, ...). */
static const char *os_namespace(const struct cg_pkg *p, const struct cg_os_info *os)
{
	if (os && os->id)
		return os->id;
	if (!strcmp(p->type, "deb"))
		return "debian";
	if (!strcmp(p->type, "apk"))
		return "alpine";
	return NULL;
}

cg_err_t cg_pkg_purl(const struct cg_pkg *p, const struct cg_os_info *os, struct cg_buf *out)
{
	const char *ns = p->namespace_;
	char sep = '?';
	cg_err_t rc;
	bool is_os = p->flags & CG_PKG_OS;
	const char *name = p->name;
	char lower[512];

	if (is_os)
		ns = os_namespace(p, os);
	/* purl types whose names are case-insensitive are lowercased; PyPI
	 * also folds '_' to '-' */
	if (!strcmp(p->type, "pypi") || !strcmp(p->type, "npm") || !strcmp(p->type, "composer") ||
	    !strcmp(p->type, "golang")) {
		size_t i;
		for (i = 0; name[i] && i + 1 < sizeof(lower); i++) {
			char c = name[i];
			if (c >= 'A' && c <= 'Z' && strcmp(p->type, "golang"))
				c = (char)(c - 'A' + 'a');
			if (c == '_' && !strcmp(p->type, "pypi"))
				c = '-';
			lower[i] = c;
		}
		lower[i] = '\0';
		name = lower;
	}
	if ((rc = cg_buf_puts(out, "pkg:")) || (rc = cg_buf_puts(out, p->type)) ||
	    (rc = cg_buf_putc(out, '/')))
		return rc;
	if (ns && *ns) {
		if ((rc = pct(out, ns, true)) || (rc = cg_buf_putc(out, '/')))
			return rc;
	}
	if ((rc = pct(out, name, false)))
		return rc;
	if (p->version && *p->version) {
		if ((rc = cg_buf_putc(out, '@')) || (rc = pct(out, p->version, false)))
			return rc;
	}
	/* qualifiers in lexical order of their keys */
	if ((rc = qual(out, &sep, "arch", p->arch)))
		return rc;
	if (is_os && os && os->id && os->version_id) {
		char distro[160];
		snprintf(distro, sizeof(distro), "%s-%s", os->id, os->version_id);
		if ((rc = qual(out, &sep, "distro", distro)))
			return rc;
	}
	if ((rc = qual(out, &sep, "epoch", p->epoch)))
		return rc;
	if (p->src_name && strcmp(p->src_name, p->name) && !strcmp(p->type, "deb")) {
		char upstream[600];
		if (p->src_version)
			snprintf(upstream, sizeof(upstream), "%s@%s", p->src_name, p->src_version);
		else
			snprintf(upstream, sizeof(upstream), "%s", p->src_name);
		if ((rc = qual(out, &sep, "upstream", upstream)))
			return rc;
	}
	return CG_OK;
}

/* ---- helpers ------------------------------------------------------------- */

static void uuid4(char out[37])
{
	unsigned char r[16];
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0, sizeof(r));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o] = '\0';
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *image_name(const struct cg_image *img)
{
	return img->info.name ? img->info.name : img->ref;
}

/* Build a JSON string safely from possibly non-UTF-8 bytes (package data is
 * untrusted): invalid bytes become U+FFFD. */
static cg_json *jstr(const char *s)
{
	cg_json *j;
	struct cg_buf b = CG_BUF_INIT(1 << 20);
	size_t n, len;
	if (!s)
		return cg_json_new_null();
	j = cg_json_new_string(s);
	if (j)
		return j;
	/* not valid UTF-8: replace what is not */
	n = strlen(s);
	for (size_t i = 0; i < n; i += len ? len : 1) {
		len = cg_utf8_next(s + i, n - i, NULL);
		if (len ? cg_buf_append(&b, s + i, len) : cg_buf_puts(&b, "\xef\xbf\xbd"))
			break;
	}
	j = cg_json_new_stringn(cg_buf_str(&b), b.len);
	cg_buf_release(&b);
	return j;
}

#define SET(obj, key, val)                           \
	do {                                         \
		if ((rc = cg_json_set(obj, key, val))) \
			goto done;                   \
	} while (0)
#define ADD(arr, val)                               \
	do {                                        \
		if ((rc = cg_json_append(arr, val))) \
			goto done;                  \
	} while (0)

static cg_json *purl_json(const struct cg_pkg *p, const struct cg_os_info *os)
{
	struct cg_buf b = CG_BUF_INIT(8192);
	cg_json *j = NULL;
	if (cg_pkg_purl(p, os, &b) == CG_OK)
		j = jstr(cg_buf_str(&b));
	cg_buf_release(&b);
	return j;
}

static const char *layer_digest(const struct cg_image *img, const struct cg_inventory *inv, int i)
{
	if (i < 0 || (size_t)i >= inv->nlayers)
		return NULL;
	if (img->diff_ids)
		return img->diff_ids[i];
	return NULL;
}

/* ---- cguard JSON ------------------------------------------------------------ */

/* An ENV entry whose name suggests a secret keeps its name only. */
static bool env_sensitive(const char *kv)
{
	static const char *const words[] = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY",
					     "API_KEY", "PRIVATE", "CREDENTIAL", "ACCESS_KEY" };
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
	char up[128];
	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (size_t i = 0; i < n; i++)
		up[i] = (kv[i] >= 'a' && kv[i] <= 'z') ? (char)(kv[i] - 32) : kv[i];
	up[n] = '\0';
	for (size_t i = 0; i < CG_ARRAY_LEN(words); i++)
		if (strstr(up, words[i]))
			return true;
	return false;
}

/* The parts of the image config an operator reads (IMG-01): user, env
 * (values of secret-looking names masked), entrypoint, cmd, ports,
 * volumes, labels, healthcheck, and the history with each step's layer. */
static cg_err_t config_json(const struct cg_image *img, cg_json *im)
{
	const cg_json *cfg = cg_json_get(img->config, "config");
	const cg_json *hist = cg_json_get(img->config, "history");
	static const char *const keep[][2] = {
		{ "User", "user" }, { "Entrypoint", "entrypoint" }, { "Cmd", "cmd" },
		{ "WorkingDir", "working_dir" }, { "Labels", "labels" },
		{ "Healthcheck", "healthcheck" }, { "StopSignal", "stop_signal" },
	};
	cg_json *c, *env, *ports, *vols, *h;
	cg_err_t rc = CG_OK;
	int layer = 0;

	if (!img->config)
		return CG_OK;
	c = cg_json_new_object();
	SET(im, "config", c);
	for (size_t i = 0; i < CG_ARRAY_LEN(keep); i++) {
		cg_json *v = cg_json_get(cfg, keep[i][0]);
		if (v)
			SET(c, keep[i][1], cg_json_ref(v));
	}
	env = cg_json_new_array();
	SET(c, "env", env);
	for (size_t i = 0; i < cg_json_array_len(cg_json_get(cfg, "Env")); i++) {
		const char *kv = cg_json_string(cg_json_array_at(cg_json_get(cfg, "Env"), i));
		if (!kv)
			continue;
		if (env_sensitive(kv)) {
			char masked[160];
			const char *eq = strchr(kv, '=');
			snprintf(masked, sizeof(masked), "%.*s=*****", eq ? (int)(eq - kv) : 100, kv);
			ADD(env, jstr(masked));
		} else {
			ADD(env, jstr(kv));
		}
	}
	ports = cg_json_new_array();
	SET(c, "exposed_ports", ports);
	for (void *it = cg_json_iter(cg_json_get(cfg, "ExposedPorts")); it;
	     it = cg_json_iter_next(cg_json_get(cfg, "ExposedPorts"), it))
		ADD(ports, jstr(cg_json_iter_key(it)));
	vols = cg_json_new_array();
	SET(c, "volumes", vols);
	for (void *it = cg_json_iter(cg_json_get(cfg, "Volumes")); it;
	     it = cg_json_iter_next(cg_json_get(cfg, "Volumes"), it))
		ADD(vols, jstr(cg_json_iter_key(it)));
	h = cg_json_new_array();
	SET(im, "history", h);
	for (size_t i = 0; i < cg_json_array_len(hist); i++) {
		const cg_json *e = cg_json_array_at(hist, i);
		cg_json *o = cg_json_new_object();
		bool empty = false;
		ADD(h, o);
		if (cg_json_get_str(e, "created"))
			SET(o, "created", jstr(cg_json_get_str(e, "created")));
		if (cg_json_get_str(e, "created_by"))
			SET(o, "created_by", jstr(cg_json_get_str(e, "created_by")));
		if (cg_json_get_str(e, "comment"))
			SET(o, "comment", jstr(cg_json_get_str(e, "comment")));
		(void)cg_json_get_bool(e, "empty_layer", &empty);
		/* steps that made no layer do not advance the layer index */
		if (!empty && (size_t)layer < img->m.nlayers)
			SET(o, "layer", cg_json_new_int(layer++));
		else
			SET(o, "layer", cg_json_new_null());
	}
done:
	return rc;
}

static cg_err_t write_json(const struct cg_image *img, const struct cg_inventory *inv,
			   struct cg_buf *out, struct cg_error *err)
{
	cg_json *root = cg_json_new_object(), *im = cg_json_new_object(), *layers = cg_json_new_array();
	cg_json *pkgs = cg_json_new_array(), *files = cg_json_new_object(), *top = cg_json_new_array();
	cg_json *warns = cg_json_new_array();
	const struct cg_os_info *os = cg_inventory_os(inv);
	cg_err_t rc = CG_OK;

	if (!root || !im || !layers || !pkgs || !files || !top || !warns) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	SET(im, "reference", jstr(img->ref));
	SET(im, "transport", jstr(img->info.transport));
	SET(im, "name", jstr(img->info.name));
	SET(im, "manifest_digest", jstr(img->info.manifest_digest));
	SET(im, "config_digest", jstr(img->info.config_digest));
	SET(im, "os", jstr(img->info.os));
	SET(im, "architecture", jstr(img->info.arch));
	if ((rc = config_json(img, im)))
		goto done;
	for (size_t i = 0; i < inv->nlayers; i++) {
		const struct cg_layer_stats *ls = &inv->layers[i];
		cg_json *l = cg_json_new_object();
		static const char *const comp[] = { "none", "gzip", "zstd" };
		ADD(layers, l);
		SET(l, "index", cg_json_new_int((int64_t)i));
		if (!img->rootfs) {
			SET(l, "digest", jstr(ls->digest));
			SET(l, "diff_id", jstr(ls->diff_id));
			SET(l, "compression", jstr(comp[ls->compression]));
			SET(l, "size", cg_json_new_int((int64_t)ls->compressed_bytes));
		}
		SET(l, "uncompressed_size", cg_json_new_int((int64_t)ls->uncompressed_bytes));
		SET(l, "entries", cg_json_new_int((int64_t)ls->entries));
	}
	SET(im, "layers", layers);
	layers = NULL;
	SET(root, "image", im);
	im = NULL;
	if (os) {
		cg_json *o = cg_json_new_object();
		SET(root, "os", o);
		SET(o, "id", jstr(os->id));
		SET(o, "version_id", jstr(os->version_id));
		SET(o, "codename", jstr(os->codename));
		SET(o, "pretty_name", jstr(os->pretty_name));
		SET(o, "distroless", cg_json_new_bool(os->distroless));
	} else {
		SET(root, "os", cg_json_new_null());
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct cg_pkg *p = &inv->pkgs[i];
		cg_json *o = cg_json_new_object();
		ADD(pkgs, o);
		SET(o, "type", jstr(p->type));
		if (p->namespace_)
			SET(o, "namespace", jstr(p->namespace_));
		SET(o, "name", jstr(p->name));
		SET(o, "version", jstr(p->version));
		if (p->epoch)
			SET(o, "epoch", jstr(p->epoch));
		if (p->src_name)
			SET(o, "source_name", jstr(p->src_name));
		if (p->src_version)
			SET(o, "source_version", jstr(p->src_version));
		if (p->arch)
			SET(o, "arch", jstr(p->arch));
		if (p->license)
			SET(o, "license", jstr(p->license));
		if (p->vendor)
			SET(o, "vendor", jstr(p->vendor));
		if (p->modularity)
			SET(o, "modularity_label", jstr(p->modularity));
		SET(o, "purl", purl_json(p, os));
		SET(o, "path", jstr(p->path));
		SET(o, "layer", cg_json_new_int(p->layer));
		if (layer_digest(img, inv, p->layer))
			SET(o, "layer_diff_id", jstr(layer_digest(img, inv, p->layer)));
		SET(o, "os_package", cg_json_new_bool(p->flags & CG_PKG_OS));
		if (p->flags & CG_PKG_OWNED_BY_OS)
			SET(o, "owned_by_os_package", cg_json_new_bool(true));
		if (p->flags & CG_PKG_FROM_LOCK)
			SET(o, "from_lock_file", cg_json_new_bool(true));
		if (p->flags & CG_PKG_DEV)
			SET(o, "dev", cg_json_new_bool(true));
	}
	SET(root, "packages", pkgs);
	pkgs = NULL;
	SET(files, "owned_files", cg_json_new_int((int64_t)inv->stats.owned_files));
	SET(files, "owned_bytes", cg_json_new_int((int64_t)inv->stats.owned_bytes));
	SET(files, "unowned_files", cg_json_new_int((int64_t)inv->stats.unowned_files));
	SET(files, "unowned_bytes", cg_json_new_int((int64_t)inv->stats.unowned_bytes));
	for (size_t i = 0; i < inv->ntop; i++) {
		cg_json *o = cg_json_new_object();
		ADD(top, o);
		SET(o, "path", jstr(inv->top[i].path));
		SET(o, "size", cg_json_new_int((int64_t)inv->top[i].size));
		SET(o, "layer", cg_json_new_int(inv->top[i].layer));
	}
	SET(files, "top_unowned", top);
	top = NULL;
	SET(root, "files", files);
	files = NULL;
	for (size_t i = 0; i < inv->nwarnings; i++)
		ADD(warns, jstr(inv->warnings[i]));
	SET(root, "warnings", warns);
	warns = NULL;
	rc = cg_json_dump(root, CG_JSON_PRETTY, out);
	if (!rc)
		rc = cg_buf_putc(out, '\n');
done:
	cg_json_free(root);
	cg_json_free(im);
	cg_json_free(layers);
	cg_json_free(pkgs);
	cg_json_free(files);
	cg_json_free(top);
	cg_json_free(warns);
	return rc ? cg_error_set(err, rc, "writing JSON: %s", cg_strerror(rc)) : CG_OK;
}

/* ---- SPDX license expressions ----------------------------------------------- */

/* License ids of the SPDX License List that packages commonly declare, in
 * strcasecmp order (ids match case-insensitively; this is their spelling).
 * An id missing here is written as a name, which is never wrong: CycloneDX
 * license.id and SPDX expressions admit listed ids only. */
static const char *const spdx_ids[] = {
	"0BSD", "AFL-2.1", "AFL-3.0", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0",
	"AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.0", "Apache-1.1", "Apache-2.0",
	"APSL-2.0", "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware",
	"BlueOak-1.0.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-3-Clause",
	"BSD-3-Clause-Clear", "BSD-4-Clause", "BSD-Source-Code", "BSL-1.0", "bzip2-1.0.6",
	"CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0",
	"CDDL-1.1", "CPL-1.0", "curl", "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2",
	"FSFAP", "FSFUL", "FSFULLR", "FTL", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only",
	"GFDL-1.3-or-later", "GPL-1.0", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0",
	"GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-only", "GPL-3.0-or-later", "HPND",
	"ICU", "IJG", "ISC", "JSON", "LGPL-2.0", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1",
	"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later",
	"Libpng", "libpng-2.0", "libtiff", "LPPL-1.3c", "MirOS", "MIT", "MIT-0", "MIT-CMU",
	"MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-PL", "NCSA", "NTP", "OFL-1.1",
	"OLDAP-2.8", "OpenSSL", "PHP-3.0", "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0",
	"Python-2.0.1", "Ruby", "Sleepycat", "SSPL-1.0", "TCL", "Unicode-3.0", "Unicode-DFS-2015",
	"Unicode-DFS-2016", "Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL", "X11", "Zlib",
	"ZPL-2.1"
};

static const char *const spdx_exceptions[] = {
	"Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
	"Bootloader-exception", "Classpath-exception-2.0", "Font-exception-2.0",
	"GCC-exception-2.0", "GCC-exception-3.1", "LGPL-3.0-linking-exception",
	"Libtool-exception", "Linux-syscall-note", "LLVM-exception",
	"OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception", "Qt-GPL-exception-1.0",
	"Qt-LGPL-exception-1.1", "Swift-exception", "Universal-FOSS-exception-1.0",
	"WxWindows-exception-3.1"
};

static const char *spdx_find(const char *const *tbl, size_t n, const char *s, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncasecmp(s, tbl[mid], len);
		if (!c && tbl[mid][len])
			c = -1;
		if (!c)
			return tbl[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The canonical form of a declared license in out: 1 when it is one listed
 * license id, 2 when it is an SPDX license expression of listed ids
 * ("MIT OR Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
 * 0 when it is neither ("GPLv2+", "BSD", "LicenseRef-x": nothing defines it). */
static int spdx_license(const char *s, char *out, size_t cap)
{
	enum { OPERAND, AFTER_ID, EXCEPTION, AFTER_GROUP } st = OPERAND;
	size_t o = 0, depth = 0, ntok = 0;
	bool plus = false;

	if (!cap)
		return 0;
	out[0] = '\0';
	for (const char *p = s; *p;) {
		const char *tok = p, *put = NULL;
		size_t len = 1, plen, sep;
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p != '(' && *p != ')')
			while (tok[len] && !strchr(" \t()", tok[len]))
				len++;
		p += len;
		plus = false;
		if (*tok == '(') {
			if (st != OPERAND)
				return 0;
			put = "(";
			depth++;
		} else if (*tok == ')') {
			if ((st != AFTER_ID && st != AFTER_GROUP) || !depth)
				return 0;
			put = ")";
			depth--;
			st = AFTER_GROUP;
		} else if (st == EXCEPTION) {
			put = spdx_find(spdx_exceptions, CG_ARRAY_LEN(spdx_exceptions), tok, len);
			st = AFTER_GROUP;
		} else if (st == OPERAND) {
			plus = len > 1 && tok[len - 1] == '+';
			put = spdx_find(spdx_ids, CG_ARRAY_LEN(spdx_ids), tok, len - plus);
			st = AFTER_ID;
		} else if ((len == 3 && !strncasecmp(tok, "AND", 3)) ||
			   (len == 2 && !strncasecmp(tok, "OR", 2))) {
			put = len == 3 ? "AND" : "OR";
			st = OPERAND;
		} else if (len == 4 && !strncasecmp(tok, "WITH", 4) && st == AFTER_ID) {
			put = "WITH";
			st = EXCEPTION;
		}
		if (!put)
			return 0;
		/* one space between tokens, none inside parentheses */
		sep = o && out[o - 1] != '(' && *put != ')';
		plen = strlen(put);
		if (o + sep + plen + plus >= cap)
			return 0;
		if (sep)
			out[o++] = ' ';
		memcpy(out + o, put, plen);
		o += plen;
		if (plus)
			out[o++] = '+';
		out[o] = '\0';
		ntok++;
	}
	if ((st != AFTER_ID && st != AFTER_GROUP) || depth)
		return 0;
	return ntok == 1 && !plus ? 1 : 2;
}

/* ---- CycloneDX 1.5 ------------------------------------------------------------ */

cg_err_t cg_sbom_cyclonedx_doc_(const struct cg_image *img, const struct cg_inventory *inv,
				cg_json **doc, const char ***refs, struct cg_error *err)
{
	cg_json *root = cg_json_new_object(), *meta = cg_json_new_object();
	cg_json *comps = cg_json_new_array(), *deps = cg_json_new_array();
	cg_json *tools = NULL, *tool = NULL, *main = NULL, *dep_main = NULL, *dep_on = NULL;
	const struct cg_os_info *os = inv ? cg_inventory_os(inv) : NULL;
	size_t npkgs = inv ? inv->npkgs : 0;
	const char **bom_refs = NULL;
	char uuid[37], urn[64], ts[32];
	cg_err_t rc = CG_OK;
	struct cg_buf ref = CG_BUF_INIT(8192);
	const char *main_ref = "image";
	cg_json *meta_own = meta; /* until the document holds it */

	*doc = NULL;
	*refs = NULL;
	if (!root || !meta || !comps || !deps ||
	    (npkgs && !(bom_refs = calloc(npkgs, sizeof(*bom_refs))))) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	uuid4(uuid);
	snprintf(urn, sizeof(urn), "urn:uuid:%s", uuid);
	now_iso(ts);
	SET(root, "bomFormat", cg_json_new_string("CycloneDX"));
	SET(root, "specVersion", cg_json_new_string("1.5"));
	SET(root, "serialNumber", cg_json_new_string(urn));
	SET(root, "version", cg_json_new_int(1));
	meta_own = NULL;
	SET(root, "metadata", meta);
	SET(meta, "timestamp", cg_json_new_string(ts));
	tools = cg_json_new_object();
	SET(meta, "tools", tools);
	{
		cg_json *list = cg_json_new_array();
		SET(tools, "components", list);
		tool = cg_json_new_object();
		ADD(list, tool);
		SET(tool, "type", cg_json_new_string("application"));
		SET(tool, "name", cg_json_new_string("cguard"));
		SET(tool, "version", cg_json_new_string(CG_VERSION_STRING));
	}
	main = cg_json_new_object();
	SET(meta, "component", main);
	SET(main, "bom-ref", cg_json_new_string(main_ref));
	SET(main, "type", cg_json_new_string("container"));
	/* no image (a scan of packages from elsewhere): a name all the same */
	SET(main, "name", jstr(img ? image_name(img) : "unknown"));
	if (img && (img->info.manifest_digest || img->info.config_digest))
		SET(main, "version", jstr(img->info.manifest_digest ? img->info.manifest_digest
								     : img->info.config_digest));
	dep_main = cg_json_new_object();
	ADD(deps, dep_main);
	SET(dep_main, "ref", cg_json_new_string(main_ref));
	dep_on = cg_json_new_array();
	SET(dep_main, "dependsOn", dep_on);

	if (os) {
		cg_json *c = cg_json_new_object();
		ADD(comps, c);
		SET(c, "bom-ref", cg_json_new_string("os"));
		SET(c, "type", cg_json_new_string("operating-system"));
		SET(c, "name", jstr(os->id));
		if (os->version_id)
			SET(c, "version", jstr(os->version_id));
		if (os->pretty_name)
			SET(c, "description", jstr(os->pretty_name));
		ADD(dep_on, cg_json_new_string("os"));
	}
	for (size_t i = 0; i < npkgs; i++) {
		const struct cg_pkg *p = &inv->pkgs[i];
		cg_json *c = cg_json_new_object(), *props;
		char idx[48], layer[16], spdx[512];
		ADD(comps, c);
		cg_buf_reset(&ref);
		if ((rc = cg_pkg_purl(p, os, &ref)))
			goto done;
		/* a purl may repeat (one npm package in two folders): bom-refs may not */
		snprintf(idx, sizeof(idx), "%cpackage-id=%zu", strchr(cg_buf_str(&ref), '?') ? '&' : '?', i);
		SET(c, "type", cg_json_new_string("library"));
		SET(c, "name", jstr(p->name));
		if (p->namespace_ && strcmp(p->type, "npm"))
			SET(c, "group", jstr(p->namespace_));
		else if (p->namespace_)
			SET(c, "group", jstr(p->namespace_));
		if (p->version)
			SET(c, "version", jstr(p->version));
		SET(c, "purl", jstr(cg_buf_str(&ref)));
		if ((rc = cg_buf_puts(&ref, idx)))
			goto done;
		SET(c, "bom-ref", jstr(cg_buf_str(&ref)));
		bom_refs[i] = cg_json_get_str(c, "bom-ref"); /* borrowed from the document */
		ADD(dep_on, jstr(cg_buf_str(&ref)));
		if (p->license && *p->license) {
			cg_json *lics = cg_json_new_array(), *l = cg_json_new_object();
			int kind = spdx_license(p->license, spdx, sizeof(spdx));
			SET(c, "licenses", lics);
			ADD(lics, l);
			if (kind == 2) {
				SET(l, "expression", jstr(spdx));
			} else {
				cg_json *lic = cg_json_new_object();
				SET(l, "license", lic);
				SET(lic, kind ? "id" : "name", jstr(kind ? spdx : p->license));
			}
		}
		props = cg_json_new_array();
		SET(c, "properties", props);
#define PROP(k, v)                                                   \
	do {                                                         \
		cg_json *pr = cg_json_new_object();                  \
		ADD(props, pr);                                      \
		SET(pr, "name", cg_json_new_string(k));              \
		SET(pr, "value", jstr(v));                           \
	} while (0)
		PROP("cguard:package:type", p->type);
		if (p->path)
			PROP("cguard:package:path", p->path);
		snprintf(layer, sizeof(layer), "%d", p->layer);
		PROP("cguard:package:layer", layer);
		if (img && layer_digest(img, inv, p->layer))
			PROP("cguard:package:layer_diff_id", layer_digest(img, inv, p->layer));
		if (p->src_name)
			PROP("cguard:package:source_name", p->src_name);
		if (p->src_version)
			PROP("cguard:package:source_version", p->src_version);
		if (p->flags & CG_PKG_OWNED_BY_OS)
			PROP("cguard:package:owned_by_os_package", "true");
#undef PROP
	}
	SET(root, "components", comps);
	comps = NULL;
	SET(root, "dependencies", deps);
	deps = NULL;
	*doc = root;
	*refs = bom_refs;
	root = NULL;
	bom_refs = NULL;
done:
	cg_buf_release(&ref);
	cg_json_free(root);
	cg_json_free(meta_own);
	cg_json_free(comps);
	cg_json_free(deps);
	free(bom_refs);
	return rc ? cg_error_set(err, rc, "writing CycloneDX: %s", cg_strerror(rc)) : CG_OK;
}

static cg_err_t write_cyclonedx(const struct cg_image *img, const struct cg_inventory *inv,
				struct cg_buf *out, struct cg_error *err)
{
	cg_json *doc = NULL;
	const char **refs = NULL;
	cg_err_t rc = cg_sbom_cyclonedx_doc_(img, inv, &doc, &refs, err);

	if (rc)
		return rc;
	rc = cg_json_dump(doc, CG_JSON_PRETTY, out);
	if (!rc)
		rc = cg_buf_putc(out, '\n');
	cg_json_free(doc);
	free(refs);
	return rc ? cg_error_set(err, rc, "writing CycloneDX: %s", cg_strerror(rc)) : CG_OK;
}

/* ---- SPDX 2.3 --------------------------------------------------------------- */

static cg_err_t write_spdx(const struct cg_image *img, const struct cg_inventory *inv,
			   struct cg_buf *out, struct cg_error *err)
{
	cg_json *root = cg_json_new_object(), *pkgs = cg_json_new_array(), *rels = cg_json_new_array();
	cg_json *ci = NULL, *creators = NULL, *im = NULL;
	const struct cg_os_info *os = cg_inventory_os(inv);
	struct cg_buf ref = CG_BUF_INIT(8192);
	char uuid[37], ns[128], ts[32];
	cg_err_t rc = CG_OK;

	if (!root || !pkgs || !rels) {
		rc = CG_ERR_NOMEM;
		goto done;
	}
	uuid4(uuid);
	now_iso(ts);
	snprintf(ns, sizeof(ns), "https://cguard.invalid/spdx/image/%s", uuid);
	SET(root, "spdxVersion", cg_json_new_string("SPDX-2.3"));
	SET(root, "dataLicense", cg_json_new_string("CC0-1.0"));
	SET(root, "SPDXID", cg_json_new_string("SPDXRef-DOCUMENT"));
	SET(root, "name", jstr(image_name(img)));
	SET(root, "documentNamespace", cg_json_new_string(ns));
	ci = cg_json_new_object();
	SET(root, "creationInfo", ci);
	SET(ci, "created", cg_json_new_string(ts));
	creators = cg_json_new_array();
	SET(ci, "creators", creators);
	ADD(creators, cg_json_new_string("Tool: cguard-" CG_VERSION_STRING));

	im = cg_json_new_object();
	ADD(pkgs, im);
	SET(im, "SPDXID", cg_json_new_string("SPDXRef-Image"));
	SET(im, "name", jstr(image_name(img)));
	if (img->info.manifest_digest || img->info.config_digest)
		SET(im, "versionInfo", jstr(img->info.manifest_digest ? img->info.manifest_digest
								       : img->info.config_digest));
	SET(im, "downloadLocation", cg_json_new_string("NOASSERTION"));
	SET(im, "filesAnalyzed", cg_json_new_bool(false));
	SET(im, "primaryPackagePurpose", cg_json_new_string("CONTAINER"));
	{
		cg_json *r = cg_json_new_object();
		ADD(rels, r);
		SET(r, "spdxElementId", cg_json_new_string("SPDXRef-DOCUMENT"));
		SET(r, "relationshipType", cg_json_new_string("DESCRIBES"));
		SET(r, "relatedSpdxElement", cg_json_new_string("SPDXRef-Image"));
	}
	if (os) {
		cg_json *o = cg_json_new_object(), *r = cg_json_new_object();
		ADD(pkgs, o);
		SET(o, "SPDXID", cg_json_new_string("SPDXRef-OperatingSystem"));
		SET(o, "name", jstr(os->id));
		if (os->version_id)
			SET(o, "versionInfo", jstr(os->version_id));
		SET(o, "downloadLocation", cg_json_new_string("NOASSERTION"));
		SET(o, "filesAnalyzed", cg_json_new_bool(false));
		SET(o, "primaryPackagePurpose", cg_json_new_string("OPERATING_SYSTEM"));
		ADD(rels, r);
		SET(r, "spdxElementId", cg_json_new_string("SPDXRef-Image"));
		SET(r, "relationshipType", cg_json_new_string("CONTAINS"));
		SET(r, "relatedSpdxElement", cg_json_new_string("SPDXRef-OperatingSystem"));
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct cg_pkg *p = &inv->pkgs[i];
		cg_json *o = cg_json_new_object(), *refs, *er, *r;
		char id[64], spdx[512], note[1100];
		int kind;
		snprintf(id, sizeof(id), "SPDXRef-Package-%zu", i);
		ADD(pkgs, o);
		SET(o, "SPDXID", cg_json_new_string(id));
		SET(o, "name", jstr(p->name));
		if (p->version)
			SET(o, "versionInfo", jstr(p->version));
		SET(o, "downloadLocation", cg_json_new_string("NOASSERTION"));
		SET(o, "filesAnalyzed", cg_json_new_bool(false));
		SET(o, "licenseConcluded", cg_json_new_string("NOASSERTION"));
		kind = p->license ? spdx_license(p->license, spdx, sizeof(spdx)) : 0;
		SET(o, "licenseDeclared", jstr(kind ? spdx : "NOASSERTION"));
		if (!kind && p->license && *p->license) {
			/* not SPDX ("GPLv2+", "BSD"): said in words, not as an expression */
			snprintf(note, sizeof(note), "declared license: %.1000s", p->license);
			SET(o, "licenseComments", jstr(note));
		}
		SET(o, "copyrightText", cg_json_new_string("NOASSERTION"));
		if (p->path)
			SET(o, "sourceInfo", jstr(p->path));
		refs = cg_json_new_array();
		SET(o, "externalRefs", refs);
		er = cg_json_new_object();
		ADD(refs, er);
		cg_buf_reset(&ref);
		if ((rc = cg_pkg_purl(p, os, &ref)))
			goto done;
		SET(er, "referenceCategory", cg_json_new_string("PACKAGE-MANAGER"));
		SET(er, "referenceType", cg_json_new_string("purl"));
		SET(er, "referenceLocator", jstr(cg_buf_str(&ref)));
		r = cg_json_new_object();
		ADD(rels, r);
		SET(r, "spdxElementId", cg_json_new_string("SPDXRef-Image"));
		SET(r, "relationshipType", cg_json_new_string("CONTAINS"));
		SET(r, "relatedSpdxElement", cg_json_new_string(id));
	}
	SET(root, "packages", pkgs);
	pkgs = NULL;
	SET(root, "relationships", rels);
	rels = NULL;
	rc = cg_json_dump(root, CG_JSON_PRETTY, out);
	if (!rc)
		rc = cg_buf_putc(out, '\n');
done:
	cg_buf_release(&ref);
	cg_json_free(root);
	cg_json_free(pkgs);
	cg_json_free(rels);
	return rc ? cg_error_set(err, rc, "writing SPDX: %s", cg_strerror(rc)) : CG_OK;
}

/* ---- table ---------------------------------------------------------------- */

static int pkg_order(const void *a, const void *b)
{
	const struct cg_pkg *x = *(const struct cg_pkg *const *)a, *y = *(const struct cg_pkg *const *)b;
	int c = strcmp(x->type, y->type);
	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->version, y->version);
	return c;
}

static void human_size(uint64_t n, char *out, size_t cap)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(out, cap, "%.1f %s", v, unit[u]);
}

static cg_err_t write_table(const struct cg_image *img, const struct cg_inventory *inv,
			    struct cg_buf *out, struct cg_error *err)
{
	const struct cg_os_info *os = cg_inventory_os(inv);
	const struct cg_pkg **sorted = calloc(inv->npkgs ? inv->npkgs : 1, sizeof(*sorted));
	char a[32], b[32];
	cg_err_t rc = CG_OK;
	size_t wn = 4, wv = 7;

	if (!sorted)
		return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < inv->npkgs; i++) {
		sorted[i] = &inv->pkgs[i];
		if (strlen(inv->pkgs[i].name) > wn)
			wn = strlen(inv->pkgs[i].name);
		if (strlen(inv->pkgs[i].version) > wv)
			wv = strlen(inv->pkgs[i].version);
	}
	if (wn > 40)
		wn = 40;
	if (wv > 40)
		wv = 40;
	qsort(sorted, inv->npkgs, sizeof(*sorted), pkg_order);
#define OUT(...)                                               \
	do {                                                   \
		if ((rc = cg_buf_printf(out, __VA_ARGS__)))    \
			goto done;                             \
	} while (0)
	OUT("Image:    %s\n", image_name(img));
	if (img->info.config_digest)
		OUT("Image ID: %s\n", img->info.config_digest);
	if (os)
		OUT("OS:       %s%s%s%s\n", os->pretty_name ? os->pretty_name : os->id,
		    os->version_id && !os->pretty_name ? " " : "",
		    os->version_id && !os->pretty_name ? os->version_id : "",
		    os->distroless ? " (distroless)" : "");
	else
		OUT("OS:       unknown\n");
	OUT("Layers:   %zu\nPackages: %zu\n\n", inv->nlayers, inv->npkgs);
	OUT("%-*s  %-*s  %-8s  %s\n", (int)wn, "NAME", (int)wv, "VERSION", "TYPE", "PATH");
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct cg_pkg *p = sorted[i];
		char name[512];
		if (p->namespace_ && strcmp(p->type, "npm") == 0)
			snprintf(name, sizeof(name), "%s/%s", p->namespace_, p->name);
		else if (p->namespace_)
			snprintf(name, sizeof(name), "%s:%s", p->namespace_, p->name);
		else
			snprintf(name, sizeof(name), "%s", p->name);
		OUT("%-*s  %-*s  %-8s  %s\n", (int)wn, name, (int)wv, p->version, p->type,
		    (p->flags & CG_PKG_OS) ? "" : p->path);
	}
	human_size(inv->stats.owned_bytes, a, sizeof(a));
	human_size(inv->stats.unowned_bytes, b, sizeof(b));
	OUT("\nFiles owned by OS packages: %llu (%s); not owned: %llu (%s)\n",
	    (unsigned long long)inv->stats.owned_files, a, (unsigned long long)inv->stats.unowned_files,
	    b);
	if (inv->ntop) {
		OUT("Largest files no package owns:\n");
		for (size_t i = 0; i < inv->ntop && i < 10; i++) {
			human_size(inv->top[i].size, a, sizeof(a));
			OUT("  %10s  %s\n", a, inv->top[i].path);
		}
	}
	if (inv->nwarnings)
		OUT("\n%zu warning(s); the json format lists them.\n", inv->nwarnings);
#undef OUT
done:
	free(sorted);
	return rc ? cg_error_set(err, rc, "writing the table: %s", cg_strerror(rc)) : CG_OK;
}

cg_err_t cg_sbom_format_parse(const char *name, enum cg_sbom_format *out)
{
	static const struct { const char *name; enum cg_sbom_format f; } tbl[] = {
		{ "json", CG_SBOM_JSON }, { "cyclonedx", CG_SBOM_CYCLONEDX },
		{ "spdx", CG_SBOM_SPDX }, { "spdx-json", CG_SBOM_SPDX }, { "table", CG_SBOM_TABLE },
	};
	for (size_t i = 0; name && i < CG_ARRAY_LEN(tbl); i++)
		if (!strcmp(name, tbl[i].name)) {
			*out = tbl[i].f;
			return CG_OK;
		}
	return CG_ERR_UNSUPPORTED;
}

cg_err_t cg_inventory_write(const struct cg_image *img, const struct cg_inventory *inv,
			    enum cg_sbom_format fmt, struct cg_buf *out, struct cg_error *err)
{
	switch (fmt) {
	case CG_SBOM_JSON: return write_json(img, inv, out, err);
	case CG_SBOM_CYCLONEDX: return write_cyclonedx(img, inv, out, err);
	case CG_SBOM_SPDX: return write_spdx(img, inv, out, err);
	case CG_SBOM_TABLE: return write_table(img, inv, out, err);
	}
	return cg_error_set(err, CG_ERR_ARG, "unknown format");
}
