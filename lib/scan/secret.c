/* The secret scanner (IMG-09): credentials, tokens and private keys in file
 * contents and in ENV values, labels and history lines; sensitive files by
 * path and content. docs/secrets.md is the user's view; this is how it works:
 *
 *  - open() compiles the rule table (secret_rules.def) once: one POSIX ERE per
 *    rule and one Aho-Corasick automaton over every rule's keywords (a full
 *    DFA over byte classes, case-folded). The context is immutable after that.
 *  - feed() cuts the stream into lines without copying when a line lies in one
 *    chunk (a partial line is carried to the next chunk, so matches work
 *    across chunk boundaries). A line longer than CG_SECRET_LINE_WINDOW is
 *    scanned in windows overlapping by CG_SECRET_LINE_OVERLAP bytes.
 *  - Each window runs through the automaton once; a rule whose keyword did
 *    not occur is never tried, and a rule that is tried runs its regex from
 *    just before the first keyword hit. Private key blocks are recognised by a
 *    hand-written matcher that follows the BEGIN line to the base64 body.
 *  - A match is kept when the secret passes the entropy minimum, the global
 *    allow-list (documentation examples, dummy values), the rule's validator
 *    and, for generic rules, the placeholder filter; it is stored masked.
 *  - finish() knows the path: it drops generic findings outside
 *    configuration-like files and everything under documentation and test
 *    paths, turns facts (a private key was seen, an "auth" entry, ...) into
 *    sensitive-file findings and reports shadow entries of /etc/shadow. */
#include "util/internal.h"

#include <fnmatch.h>
#include <regex.h>

#include "scan/secret.h"

/* ---- Rule table ---- */

enum {
	F_I = 1u << 0,    /* REG_ICASE */
	F_GEN = 1u << 1,  /* generic: placeholder filter, comments skipped, loses on overlap */
	F_CONF = 1u << 2, /* files: configuration-like files only */
	F_FACT = 1u << 3, /* sets a fact, reports nothing */
	F_PK = 1u << 4,   /* private key block (hand-written matcher) */
};

enum {
	FX_NONE = 0,
	FX_PRIVKEY = 1u << 0,
	FX_PRIVKEY_ENC = 1u << 1,
	FX_AWS = 1u << 2,
	FX_DOCKER = 1u << 3,
	FX_NPM = 1u << 4,
	FX_PASSWORD = 1u << 5,
	FX_URLCRED = 1u << 6,
	FX_KUBE = 1u << 7,
	FX_GCP_SA = 1u << 8,
	FX_GCP_SAKEY = 1u << 9, /* derived: service account JSON with a private key */
	FX_PGPASS = 1u << 10,
	FX_HTPASSWD = 1u << 11,
	FX_SECRET = 1u << 12,
	FX_TOKEN = 1u << 13,
};

enum sec_check {
	CK_NONE,
	CK_B64PEM,      /* base64 that decodes to a PEM private key header */
	CK_UPPER,       /* upper case letters and digits only */
	CK_MIXED,       /* at least two of upper, lower, digit (not an identifier) */
	CK_JWT,         /* header and payload decode to JSON objects, header has "alg" */
	CK_URLPASS,     /* URL password: not a port, not an example host */
	CK_B64USERPASS, /* base64 "user:password" with a real password */
	CK_PASSWORD,    /* password value: not code, not a path, long enough */
	CK_SECRETVAL,   /* generic secret value: random-looking, has a digit */
};

struct sec_rule {
	const char *id, *type, *title, *keywords, *pattern;
	enum cg_threat_level level;
	double min_entropy;
	unsigned flags, fact;
	enum sec_check check;
};

#define LOW CG_THREAT_LOW
#define MEDIUM CG_THREAT_MEDIUM
#define HIGH CG_THREAT_HIGH
#define CRITICAL CG_THREAT_CRITICAL
/* Pattern building blocks (see secret_rules.def). */
#define G "\001"
#define B0 "(^|[^0-9A-Za-z_])"
#define B1 "([^0-9A-Za-z_]|$)"
#define AS "[\"']?[[:space:]]*[:=][=>]?[[:space:]]*[\"']?"

static const struct sec_rule rules[] = {
#define SECRET_RULE(id_, type_, level_, title_, kw_, pat_, ent_, flags_, fact_, check_) \
	{ id_, type_, title_, kw_, pat_, level_, ent_, flags_, fact_, check_ },
#define FILE_RULE(...)
#include "scan/secret_rules.def"
};

struct file_rule {
	const char *id, *type, *title, *glob;
	enum cg_threat_level level;
	unsigned facts;
};

static const struct file_rule file_rules[] = {
#define SECRET_RULE(...)
#define FILE_RULE(id_, type_, level_, title_, glob_, facts_) \
	{ id_, type_, title_, glob_, level_, facts_ },
#include "scan/secret_rules.def"
};

#undef LOW
#undef MEDIUM
#undef HIGH
#undef CRITICAL

#define NRULES CG_ARRAY_LEN(rules)
#define MAX_RULES 160
_Static_assert(CG_ARRAY_LEN(rules) <= MAX_RULES, "raise MAX_RULES");

/* Rules made in code: shadow entries, the ENV name and build-argument rules. */
static const char SHADOW_ID[] = "shadow-password-hash";
static const char ENVNAME_ID[] = "env-secret-name";
static const char BUILDARG_ID[] = "history-secret-arg";
#define CODE_RULES 3

/* Values known to be documentation examples (also anything with EXAMPLE). The
 * Azurite development key is public; split so no scanner flags this file. */
static const char *const allow_values[] = {
	"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"
	"/K1SZFPTOtr/KBHBeksoGMGw==",
	"czZCaGRSa3F0MzpnWDFm" "QmF0M2JW", /* RFC 6749 client s6BhdRkqt3 */
};

/* ---- Small helpers ---- */

static bool is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

static bool is_b64(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '+' || c == '/' || c == '=';
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive search of a NUL-terminated needle in (s, n). */
static const char *memcasemem(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return m == 0 ? s : NULL;
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && lower((unsigned char)s[i + j]) == (unsigned char)needle[j])
			j++;
		if (j == m)
			return s + i;
	}
	return NULL;
}

static bool caseeq(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);
	if (m != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)w[i])
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* log2 of a positive integer without libm: k = 2^e * m, m in [1, 2), and
 * ln m = 2 atanh((m - 1) / (m + 1)) by its series (|z| <= 1/3: 10 terms give
 * better than 1e-9). */
static double log2_int(size_t k)
{
	int e = 0;
	double m = (double)k, z, z2, t, ln = 0;
	while (m >= 2.0) {
		m /= 2.0;
		e++;
	}
	z = (m - 1.0) / (m + 1.0);
	z2 = z * z;
	t = z;
	for (int i = 1; i < 20; i += 2) {
		ln += t / i;
		t *= z2;
	}
	return e + 2.0 * ln / 0.69314718055994530942;
}

double cg_secret_entropy(const char *s, size_t n)
{
	size_t count[256] = { 0 };
	double h = 0, ln_n;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	/* H = log2 n - (1/n) sum c log2 c */
	ln_n = log2_int(n);
	for (size_t i = 0; i < 256; i++)
		if (count[i] > 1)
			h += (double)count[i] * log2_int(count[i]);
	return ln_n - h / (double)n;
}

void cg_secret_mask(const char *s, size_t n, char *out, size_t cap)
{
	size_t front = n >= 16 ? 4 : n >= 10 ? 2 : 0;
	size_t back = n >= 20 ? 4 : 0;
	size_t stars = n - front - back, o = 0;
	if (!out || cap == 0)
		return;
	if (stars > 32)
		stars = 32;
	for (size_t i = 0; i < front && o + 1 < cap; i++)
		out[o++] = (s[i] >= 0x21 && s[i] < 0x7f) ? s[i] : '?';
	for (size_t i = 0; i < stars && o + 1 < cap; i++)
		out[o++] = '*';
	for (size_t i = n - back; i < n && o + 1 < cap; i++)
		out[o++] = (s[i] >= 0x21 && s[i] < 0x7f) ? s[i] : '?';
	out[o] = '\0';
}

/* Decode up to `max` bytes of base64 (standard or URL alphabet, padding and
 * missing padding accepted); returns the decoded length. */
static size_t b64_decode(const char *s, size_t n, unsigned char *out, size_t max)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n && o < max; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* Does (s, n) contain a run of at least `min` base64 characters? Returns its
 * start or NULL; *len gets its length. */
static const char *b64_run(const char *s, size_t n, size_t min, size_t *len)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && is_b64((unsigned char)s[j]))
			j++;
		if (j - i >= min) {
			*len = j - i;
			return s + i;
		}
		i = j + 1;
	}
	return NULL;
}

/* ---- Noise control: examples, placeholders, paths ---- */

/* Documentation examples and dummy values, for every rule. */
static bool is_dummy(const char *s, size_t n)
{
	static const char *const words[] = { "example", "placeholder", "dummy",
					     "sample",  "******", "000000", "123456789",
					     "abcdefgh", "your_", "your-",  "insert",
					     "redacted", "changeme" };
	size_t run = 1;
	/* "xxxxx" in one case: random mixed-case text holds "XxXxX" now and then */
	if (memmem(s, n, "xxxxx", 5) || memmem(s, n, "XXXXX", 5))
		return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(allow_values); i++)
		if (strlen(allow_values[i]) == n && memcmp(allow_values[i], s, n) == 0)
			return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(words); i++)
		if (memcasemem(s, n, words[i]))
			return true;
	for (size_t i = 1; i < n; i++) {
		run = s[i] == s[i - 1] ? run + 1 : 1;
		if (run >= 8)
			return true;
	}
	return false;
}

/* Placeholder values of generic rules: templating, variables, well-known
 * defaults, words that name the thing instead of being it. */
static bool is_placeholder(const char *v, size_t n)
{
	static const char *const exact[] = {
		"password", "passwd",  "pass",     "pwd",     "secret",   "token",   "none",
		"null",     "nil",     "true",     "false",   "undefined", "empty",  "required",
		"optional", "string",  "str",      "value",   "default",  "foo",     "bar",
		"baz",      "qux",     "foobar",   "admin",   "root",     "guest",   "user",
		"username", "anonymous", "demo",   "test",    "testing",  "secret123",
		"password123", "hunter2", "letmein", "qwerty", "123456",  "12345678", "abc123",
		"mypassword", "mysecret", "yes",   "no",      "on",       "off",     "enabled",
		"disabled", "unset",   "hidden",   "private", "prompt",   "ask",     "env",
		"auto",     "random",  "generated", "text",   "input",    "self",    "this",
		"pass123",  "apikey",  "api_key",  "key",     "secretkey", "secret_key",
		"todo",     "tbd",     "fixme",    "missing", "invalid",  "wrong",   "bad",
		"new",      "old",     "current",  "confirm", "sha256",   "md5",     "bcrypt",
	};
	static const char *const sub[] = {
		"changeme", "change_me", "change-me", "example", "dummy",  "placeholder",
		"your_",   "your-",    "yourpass",  "sample",    "redacted", "replace", "test",
		"fake",    "mock",     "<",         ">",         "{{",       "}}",      "${",
		"%(",      "#{",       "$(",        "****",      "...",
	};
	size_t i;
	/* strip trailing punctuation that ends a value in code or prose */
	while (n && (v[n - 1] == ')' || v[n - 1] == ']' || v[n - 1] == '}' || v[n - 1] == '.'))
		n--;
	if (n < 4)
		return true;
	switch (v[0]) {
	case '$': case '%': case '{': case '<': case '[': case '(': case '!': case '@':
	case '*': case '&': case '?': case '\\': case '|': case '#':
		return true;
	default:
		break;
	}
	for (i = 0; i < CG_ARRAY_LEN(exact); i++)
		if (caseeq(v, n, exact[i]))
			return true;
	if (memmem(v, n, "xxx", 3) || memmem(v, n, "XXX", 3))
		return true;
	for (i = 0; i < CG_ARRAY_LEN(sub); i++)
		if (memcasemem(v, n, sub[i]))
			return true;
	/* a single repeated character */
	for (i = 1; i < n && v[i] == v[0]; i++)
		;
	return i == n;
}

/* A value that is code, not data: a.b.c references, calls, paths. */
static bool looks_like_code(const char *v, size_t n)
{
	bool dot = false, digit = false;
	if (n && (v[0] == '/' || v[0] == '~' || (n > 1 && v[0] == '.' && v[1] == '/')))
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '(' || c == ')' || c == '[' || c == ']')
			return true;
		if (c == '.')
			dot = true;
		else if (c >= '0' && c <= '9')
			digit = true;
		else if (!is_word(c) && c != '-')
			return false;
	}
	/* identifiers (getPassword, self.password, DB_PASSWORD_VAR) */
	return !digit && (dot || n < 24);
}

static bool path_has(const char *p, size_t n, const char *s)
{
	size_t m = strlen(s);
	return m <= n && memmem(p, n, s, m) != NULL;
}

static const char *base_name(const char *p, size_t n, size_t *bn)
{
	const char *b = p;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '/')
			b = p + i + 1;
	*bn = n - (size_t)(b - p);
	return b;
}

/* Documentation, tests, examples: no findings there (after trivy's and
 * gitleaks' allow-lists). */
static bool path_is_allowed(const char *p, size_t n)
{
	static const char *const dirs[] = {
		"/usr/share/doc/",  "/usr/share/man/",    "/usr/share/info/", "/usr/share/locale/",
		"/usr/share/i18n/", "/usr/share/zoneinfo/", "/usr/share/common-licenses/",
		"/usr/share/help/", "/usr/share/gtk-doc/", "/test/",           "/tests/",
		"/testing/",        "/__tests__/",        "/testdata/",       "/test-data/",
		"/test_data/",      "/fixtures/",         "/__fixtures__/",   "/spec/",
		"/specs/",          "/example/",          "/examples/",       "/docs/",
		"/doc/",            "/samples/",          "/sample/",         "/__mocks__/",
		"/mocks/",          "/idlelib/idle_test/", "/site-packages/tests/",
	};
	static const char *const suffixes[] = {
		".md",      ".markdown", ".rst",   ".adoc", ".example", ".sample", ".template",
		".tmpl",    ".dist",     ".d.ts",  ".map",  ".test.js", ".spec.js", ".test.ts",
		".spec.ts", ".test.mjs", "_test.go", "_test.py", "_spec.rb", ".po", ".pot",
	};
	static const char *const prefixes[] = { "test_", "test.", "tests.", "spec.", "README",
						"CHANGELOG", "CHANGES", "HISTORY", "NEWS",
						"LICENSE", "COPYING", "AUTHORS", "PKG-INFO",
						"METADATA" };
	size_t bn;
	const char *b = base_name(p, n, &bn);
	if (memcasemem(b, bn, "example") || memcasemem(b, bn, "sample"))
		return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(dirs); i++)
		if (path_has(p, n, dirs[i]))
			return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(suffixes); i++)
		if (ends_with(b, bn, suffixes[i]))
			return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(prefixes); i++)
		if (bn >= strlen(prefixes[i]) && memcmp(b, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Files that are not text by their name. */
static bool path_is_binary(const char *p, size_t n)
{
	static const char *const suffixes[] = {
		".so",   ".a",     ".o",     ".png",  ".jpg",  ".jpeg", ".gif",  ".ico",  ".bmp",
		".webp", ".tif",   ".tiff",  ".gz",   ".tgz",  ".bz2",  ".xz",   ".zst",  ".lz4",
		".zip",  ".jar",   ".war",   ".ear",  ".whl",  ".egg",  ".7z",   ".rar",  ".deb",
		".rpm",  ".class", ".pyc",   ".pyo",  ".mo",   ".ttf",  ".otf",  ".woff", ".woff2",
		".eot",  ".pdf",   ".mp3",   ".mp4",  ".wav",  ".ogg",  ".avi",  ".mov",  ".db",
		".sqlite", ".bin", ".exe",   ".dll",  ".node", ".wasm", ".pack", ".idx",  ".icns",
		".psd",  ".jks",   ".keystore", ".p12", ".pfx", ".gpg", ".kbx",  ".cache", ".lzma",
	};
	size_t bn;
	const char *b = base_name(p, n, &bn);
	for (size_t i = 0; i < CG_ARRAY_LEN(suffixes); i++)
		if (ends_with(b, bn, suffixes[i]))
			return true;
	return path_has(b, bn, ".so.");
}

/* Configuration-like files, where generic password and secret assignments
 * are reported. */
static bool path_is_config(const char *p, size_t n)
{
	static const char *const exts[] = {
		".conf",  ".cfg",   ".cnf",      ".ini",      ".env",    ".properties", ".prop",
		".props", ".yaml",  ".yml",      ".json",     ".xml",    ".toml",       ".tfvars",
		".hcl",   ".config", ".cf",      ".settings", ".credentials", ".secrets", ".sh",
		".bash",  ".zsh",   ".profile",  ".vars",     ".npmrc",  ".pypirc",     ".netrc",
		".pgpass",
	};
	static const char *const names[] = { "Dockerfile", "credentials", "config", "secrets",
					     "wp-config.php", "settings.py", "local_settings.py",
					     "config.php", "docker-compose.override.yml" };
	size_t bn;
	const char *b = base_name(p, n, &bn);
	if (bn == 0)
		return false;
	if (b[0] == '.')
		return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(exts); i++)
		if (ends_with(b, bn, exts[i]))
			return true;
	for (size_t i = 0; i < CG_ARRAY_LEN(names); i++)
		if (caseeq(b, bn, names[i]) || (bn == strlen(names[i]) && !memcmp(b, names[i], bn)))
			return true;
	/* extension-less files under /etc (defaults, daemon configs) */
	return memchr(b, '.', bn) == NULL &&
	       (path_has(p, n, "/etc/") || (n > 4 && !memcmp(p, "etc/", 4)));
}

/* ---- Compiled context ---- */

struct ac_kw {
	uint16_t rule, len;
	bool cs;          /* case-sensitive: verified against `text` on a hit */
	int32_t next;     /* next keyword ending at the same node, -1 */
	const char *text; /* the keyword (in kwpool) */
};

struct sec_ctx {
	regex_t re[MAX_RULES];
	bool re_ok[MAX_RULES];
	uint8_t group[MAX_RULES]; /* the secret's group, 0: whole match */
	uint8_t nsub[MAX_RULES];
	uint64_t max_size;
	/* Aho-Corasick: go[state_row + class] = next_row | OUT_BIT */
	uint8_t cls[256];
	uint32_t ncls, nstates;
	uint32_t *go;
	int32_t *node_kw; /* first keyword ending at a node, -1 */
	int32_t *dict;    /* nearest proper suffix node with keywords, -1 */
	struct ac_kw *kws;
	size_t nkws;
	char *kwpool;
};

#define OUT_BIT 0x80000000u

/* Copy a pattern without its G marker, and find the secret's group number. */
static int pattern_prepare(const char *pat, char *out, size_t cap, unsigned *group)
{
	size_t o = 0;
	unsigned opens = 0;
	bool in_br = false;
	*group = 0;
	for (size_t i = 0; pat[i]; i++) {
		char c = pat[i];
		if (o + 2 >= cap)
			return -1;
		if (c == '\001') {
			*group = opens + 1;
			continue;
		}
		out[o++] = c;
		if (in_br) {
			char nx = pat[i + 1];
			if (c == '[' && (nx == ':' || nx == '.' || nx == '=')) {
				char end = nx;
				out[o++] = pat[++i];
				while (pat[i + 1] && !(pat[i + 1] == end && pat[i + 2] == ']')) {
					if (o + 2 >= cap)
						return -1;
					out[o++] = pat[++i];
				}
				if (pat[i + 1]) {
					if (o + 3 >= cap)
						return -1;
					out[o++] = pat[++i];
					out[o++] = pat[++i];
				}
			} else if (c == ']') {
				in_br = false;
			}
			continue;
		}
		if (c == '\\' && pat[i + 1]) {
			out[o++] = pat[++i];
		} else if (c == '[') {
			in_br = true;
			if (pat[i + 1] == '^')
				out[o++] = pat[++i];
			if (pat[i + 1] == ']')
				out[o++] = pat[++i];
		} else if (c == '(') {
			opens++;
		}
	}
	out[o] = '\0';
	return 0;
}

static void ctx_free(struct sec_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NRULES; i++)
		if (c->re_ok[i])
			regfree(&c->re[i]);
	free(c->go);
	free(c->node_kw);
	free(c->dict);
	free(c->kws);
	free(c->kwpool);
	free(c);
}

/* Build the keyword automaton. */
static cg_err_t ac_build(struct sec_ctx *c, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	size_t total = 0, nk = 0, pool_off = 0;
	uint32_t nnodes = 1, *trie = NULL, *queue = NULL;
	int32_t *fail = NULL;

	for (size_t r = 0; r < NRULES; r++) {
		const char *k = rules[r].keywords;
		total += strlen(k) + 1;
		nk++;
		for (; *k; k++)
			nk += *k == '|';
	}
	c->kws = calloc(nk, sizeof(*c->kws));
	c->kwpool = malloc(total);
	if (!c->kws || !c->kwpool)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "secret: out of memory"));
	/* classes: every byte of a keyword (either case) gets one */
	memset(c->cls, 0, sizeof(c->cls));
	c->ncls = 1;
	for (size_t r = 0; r < NRULES; r++) {
		for (const char *k = rules[r].keywords; *k; k++) {
			unsigned char ch = lower((unsigned char)*k);
			if (*k == '|' || (*k == '=' && (k == rules[r].keywords || k[-1] == '|')))
				continue;
			if (!c->cls[ch]) {
				c->cls[ch] = (uint8_t)c->ncls++;
				if (ch >= 'a' && ch <= 'z')
					c->cls[ch - 32] = c->cls[ch];
			}
		}
	}
	/* keywords */
	for (size_t r = 0; r < NRULES; r++) {
		const char *k = rules[r].keywords;
		while (*k) {
			const char *e = strchr(k, '|');
			size_t n = e ? (size_t)(e - k) : strlen(k);
			bool cs = n > 0 && k[0] == '=';
			struct ac_kw *kw = &c->kws[c->nkws];
			if (cs) {
				k++;
				n--;
			}
			if (n == 0 || n > 64) {
				rc = cg_error_set(err, CG_ERR_INTERNAL,
						  "secret: rule %s: bad keyword", rules[r].id);
				goto done;
			}
			memcpy(c->kwpool + pool_off, k, n);
			c->kwpool[pool_off + n] = '\0';
			kw->rule = (uint16_t)r;
			kw->len = (uint16_t)n;
			kw->cs = cs;
			kw->text = c->kwpool + pool_off;
			kw->next = -1;
			pool_off += n + 1;
			c->nkws++;
			k += n;
			if (*k == '|')
				k++;
		}
	}
	/* trie */
	{
		size_t maxn = 1;
		for (size_t i = 0; i < c->nkws; i++)
			maxn += c->kws[i].len;
		trie = malloc(maxn * c->ncls * sizeof(*trie));
		c->node_kw = malloc(maxn * sizeof(*c->node_kw));
		c->dict = malloc(maxn * sizeof(*c->dict));
		fail = malloc(maxn * sizeof(*fail));
		queue = malloc(maxn * sizeof(*queue));
		if (!trie || !c->node_kw || !c->dict || !fail || !queue)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "secret: out of memory"));
		for (size_t i = 0; i < maxn * c->ncls; i++)
			trie[i] = UINT32_MAX;
		for (size_t i = 0; i < maxn; i++)
			c->node_kw[i] = c->dict[i] = -1;
		for (size_t i = 0; i < c->nkws; i++) {
			const char *lit = c->kws[i].text;
			uint32_t s = 0;
			for (size_t j = 0; j < c->kws[i].len; j++) {
				uint32_t cl = c->cls[lower((unsigned char)lit[j])];
				uint32_t *t = &trie[s * c->ncls + cl];
				if (*t == UINT32_MAX)
					*t = nnodes++;
				s = *t;
			}
			c->kws[i].next = c->node_kw[s];
			c->node_kw[s] = (int32_t)i;
		}
		/* breadth first: failure links, dictionary links, full transitions */
		{
			size_t qh = 0, qt = 0;
			fail[0] = 0;
			for (uint32_t cl = 0; cl < c->ncls; cl++) {
				uint32_t *t = &trie[cl];
				if (*t == UINT32_MAX) {
					*t = 0;
				} else {
					fail[*t] = 0;
					queue[qt++] = *t;
				}
			}
			while (qh < qt) {
				uint32_t u = queue[qh++];
				for (uint32_t cl = 0; cl < c->ncls; cl++) {
					uint32_t *t = &trie[u * c->ncls + cl];
					uint32_t f = trie[(uint32_t)fail[u] * c->ncls + cl];
					if (*t == UINT32_MAX) {
						*t = f;
						continue;
					}
					fail[*t] = (int32_t)f;
					c->dict[*t] = c->node_kw[f] >= 0 ? (int32_t)f : c->dict[f];
					queue[qt++] = *t;
				}
			}
		}
		c->nstates = nnodes;
		c->go = malloc((size_t)nnodes * c->ncls * sizeof(*c->go));
		if (!c->go)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "secret: out of memory"));
		for (uint32_t s = 0; s < nnodes; s++) {
			for (uint32_t cl = 0; cl < c->ncls; cl++) {
				uint32_t t = trie[s * c->ncls + cl];
				uint32_t e = t * c->ncls;
				if (c->node_kw[t] >= 0 || c->dict[t] >= 0)
					e |= OUT_BIT;
				c->go[s * c->ncls + cl] = e;
			}
		}
	}
done:
	free(trie);
	free(fail);
	free(queue);
	return rc;
}

static cg_err_t secret_open(const struct cg_content_opts *opts, void **out, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct sec_ctx *c = NULL;
	char pat[2048];

	if (!out)
		return cg_error_set(err, CG_ERR_ARG, "secret: bad arguments");
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "secret: out of memory"));
	c->max_size = opts && opts->max_file_size ? opts->max_file_size : CG_SECRET_MAX_FILE_SIZE;
	for (size_t i = 0; i < NRULES; i++) {
		unsigned g = 0;
		int flags = REG_EXTENDED | ((rules[i].flags & F_I) ? REG_ICASE : 0);
		int e;
		if (!rules[i].pattern)
			continue;
		if (pattern_prepare(rules[i].pattern, pat, sizeof(pat), &g) != 0)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL,
						 "secret: rule %s: pattern too long", rules[i].id));
		e = regcomp(&c->re[i], pat, flags);
		if (e != 0) {
			char msg[128];
			regerror(e, &c->re[i], msg, sizeof(msg));
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "secret: rule %s: %s",
						 rules[i].id, msg));
		}
		c->re_ok[i] = true;
		if (g > c->re[i].re_nsub || c->re[i].re_nsub > 9)
			CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL,
						 "secret: rule %s: bad groups", rules[i].id));
		c->group[i] = (uint8_t)g;
		c->nsub[i] = (uint8_t)c->re[i].re_nsub;
	}
	if ((rc = ac_build(c, err)) != CG_OK)
		goto done;
	*out = c;
	c = NULL;
done:
	ctx_free(c);
	return rc;
}

static void secret_close(void *ctx)
{
	ctx_free(ctx);
}

size_t cg_secret_rule_count(void)
{
	size_t n = CODE_RULES;
	for (size_t i = 0; i < NRULES; i++)
		n += !(rules[i].flags & F_FACT);
	/* file rules: count distinct ids */
	for (size_t i = 0; i < CG_ARRAY_LEN(file_rules); i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(file_rules[i].id, file_rules[j].id) == 0;
		n += !seen;
	}
	return n;
}

/* ---- Scanning ---- */

#define CAND_SHADOW 0xffff
#define MAX_SPANS 32
#define PK_PRE 256 /* a rule's regex starts this far before its first keyword */

struct sec_cand {
	uint16_t rule; /* rules[] index or CAND_SHADOW */
	uint8_t aux;   /* shadow: the number of ':' on the line */
	bool skip;     /* superseded (history: by the build-argument rule) */
	uint64_t line;
	uint64_t soff, eoff; /* the secret's bytes in the stream */
	char match[CG_SECRET_MASK_MAX];
};

struct sec_pk { /* a private key BEGIN line waiting for its body */
	bool pending;
	bool enc;
	int rule;
	unsigned hdr;
	uint64_t line, off;
	char label[48];
};

struct sec_scan {
	const struct sec_ctx *ctx;
	uint64_t line;   /* current line, 1-based */
	uint64_t off;    /* stream offset of the current line's start */
	uint64_t bytes;  /* bytes fed */
	unsigned facts;
	bool binary, truncated, stopped;
	/* carried partial line */
	size_t carry_len;
	bool carry_cont;     /* carry[] continues a long line (starts with overlap) */
	uint64_t carry_off;  /* stream offset of carry[0] */
	struct sec_pk pk;
	/* per window */
	uint32_t serial;
	uint32_t stamp[MAX_RULES];
	int32_t first[MAX_RULES];
	uint16_t hits[MAX_RULES];
	size_t nhits;
	struct { size_t s, e; } spans[MAX_SPANS];
	size_t nspans;
	/* results */
	struct sec_cand cand[CG_SECRET_MAX_FINDINGS];
	size_t ncand, dropped;
	char carry[CG_SECRET_LINE_WINDOW + 1];
	char scratch[CG_SECRET_LINE_WINDOW + 1];
};

struct sec_state {
	const struct sec_ctx *ctx;
	struct sec_scan *sc;
	cg_err_t rc;
};

/* Replace long random-looking runs (a token used as a URL user name, ...)
 * in context text by their masked form; copy printable ASCII only. */
static size_t excerpt_put(char *out, size_t o, size_t cap, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && o + 1 < cap) {
		size_t j = i;
		bool digit = false, alpha = false;
		while (j < n && (is_b64((unsigned char)s[j]) || s[j] == '_' || s[j] == '-' ||
				 s[j] == '.')) {
			digit |= s[j] >= '0' && s[j] <= '9';
			alpha |= (s[j] | 32) >= 'a' && (s[j] | 32) <= 'z';
			j++;
		}
		if (j - i >= 16 && digit && alpha) {
			char m[64];
			cg_secret_mask(s + i, j - i, m, sizeof(m));
			for (size_t k = 0; m[k] && o + 1 < cap; k++)
				out[o++] = m[k];
			i = j;
			continue;
		}
		if (j == i)
			j = i + 1;
		for (; i < j && o + 1 < cap; i++)
			out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	out[o] = '\0';
	return o;
}

static void cand_add(struct sec_scan *sc, uint16_t rule, uint8_t aux, uint64_t line,
		     uint64_t soff, uint64_t eoff, const char *match)
{
	struct sec_cand *c;
	for (size_t i = 0; i < sc->ncand; i++) {
		c = &sc->cand[i];
		if (c->rule == rule && c->line == line && strcmp(c->match, match) == 0)
			return;
	}
	if (sc->ncand >= CG_SECRET_MAX_FINDINGS) {
		sc->dropped++;
		return;
	}
	c = &sc->cand[sc->ncand++];
	c->rule = rule;
	c->aux = aux;
	c->skip = false;
	c->line = line;
	c->soff = soff;
	c->eoff = eoff;
	snprintf(c->match, sizeof(c->match), "%s", match);
}

/* Build the masked excerpt: context before the secret (at most 40 bytes), the
 * masked secret, context after it (at most 24 bytes). */
static void excerpt(const char *p, size_t ms, size_t me, size_t ss, size_t se, char *out,
		    size_t cap)
{
	char m[CG_SECRET_MASK_MAX];
	size_t o = 0;
	if (ss - ms > 40)
		ms = ss - 40;
	while (ms < ss && (p[ms] == ' ' || p[ms] == '\t'))
		ms++;
	if (me - se > 24)
		me = se + 24;
	while (me > se && (p[me - 1] == ' ' || p[me - 1] == '\t' || p[me - 1] == '\r'))
		me--;
	o = excerpt_put(out, 0, cap, p + ms, ss - ms);
	cg_secret_mask(p + ss, se - ss, m, sizeof(m));
	for (size_t k = 0; m[k] && o + 1 < cap; k++)
		out[o++] = m[k];
	out[o] = '\0';
	excerpt_put(out, o, cap, p + se, me - se);
}

/* ---- Validators ---- */

static bool check_jwt(const char *s, size_t n)
{
	unsigned char buf[256];
	const char *dot = memchr(s, '.', n);
	size_t k;
	if (!dot)
		return false;
	k = b64_decode(s, (size_t)(dot - s), buf, sizeof(buf) - 1);
	buf[k] = 0;
	if (k < 8 || buf[0] != '{' || !memmem(buf, k, "\"alg\"", 5))
		return false;
	k = b64_decode(dot + 1, n - (size_t)(dot + 1 - s), buf, 16);
	return k >= 2 && buf[0] == '{';
}

static bool check_userpass(const char *s, size_t n)
{
	unsigned char buf[192];
	size_t k = b64_decode(s, n, buf, sizeof(buf));
	unsigned char *colon;
	if (k < 3 || k >= sizeof(buf))
		return false;
	for (size_t i = 0; i < k; i++)
		if (buf[i] < 0x20 || buf[i] >= 0x7f)
			return false;
	colon = memchr(buf, ':', k);
	if (!colon || colon == buf)
		return false;
	colon++;
	return !is_placeholder((const char *)colon, k - (size_t)(colon - buf)) &&
	       !is_dummy((const char *)colon, k - (size_t)(colon - buf));
}

static bool check_mixed(const char *s, size_t n)
{
	bool up = false, lo = false, dg = false;
	const char *u = memchr(s, '_', n);
	if (u) { /* skip the prefix */
		n -= (size_t)(u + 1 - s);
		s = u + 1;
	}
	for (size_t i = 0; i < n; i++) {
		up |= s[i] >= 'A' && s[i] <= 'Z';
		lo |= s[i] >= 'a' && s[i] <= 'z';
		dg |= s[i] >= '0' && s[i] <= '9';
	}
	return up + lo + dg >= 2;
}

static bool check_urlpass(const char *s, size_t n, const char *m, size_t mn)
{
	const char *at = memchr(m, '@', mn);
	size_t hn;
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		digits &= s[i] >= '0' && s[i] <= '9';
	if (digits && n <= 5)
		return false; /* host:port */
	if (!at)
		return false;
	hn = mn - (size_t)(at + 1 - m);
	if (memcasemem(at + 1, hn, "example") || memcasemem(at + 1, hn, "host") == at + 1 ||
	    memcasemem(at + 1, hn, "domain") || memcasemem(at + 1, hn, "server.com") ||
	    memcasemem(at + 1, hn, "foo") || memcasemem(at + 1, hn, "test"))
		return false;
	/* the user name part must not be a placeholder either */
	{
		const char *sch = memmem(m, mn, "://", 3);
		if (sch) {
			const char *u = sch + 3;
			size_t un = (size_t)(s - 1 - u);
			if (s > u && (un == 0 || u[0] == '$' || memcasemem(u, un, "user") == u ||
				      memcasemem(u, un, "<") || memcasemem(u, un, "{")))
				return false;
		}
	}
	return true;
}

static bool check_secretval(const char *s, size_t n)
{
	bool digit = false, alpha = false;
	for (size_t i = 0; i < n; i++) {
		digit |= s[i] >= '0' && s[i] <= '9';
		alpha |= (s[i] | 32) >= 'a' && (s[i] | 32) <= 'z';
	}
	return digit && alpha && !looks_like_code(s, n);
}

static bool run_check(enum sec_check ck, const char *s, size_t n, const char *m, size_t mn)
{
	switch (ck) {
	case CK_NONE:
		return true;
	case CK_B64PEM: {
		unsigned char buf[64];
		size_t k = b64_decode(s, n, buf, sizeof(buf));
		return memmem(buf, k, "PRIVATE KEY", 11) != NULL;
	}
	case CK_UPPER:
		for (size_t i = 0; i < n; i++)
			if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
				return false;
		return true;
	case CK_MIXED:
		return check_mixed(s, n);
	case CK_JWT:
		return check_jwt(s, n);
	case CK_URLPASS:
		return check_urlpass(s, n, m, mn);
	case CK_B64USERPASS:
		return check_userpass(s, n);
	case CK_PASSWORD:
		return n >= 5 && n <= 128 && !looks_like_code(s, n);
	case CK_SECRETVAL:
		return check_secretval(s, n);
	}
	return false;
}

/* ---- Private key blocks ---- */

static int pk_rule(const char *label, size_t n)
{
	static const struct { const char *label, *id; } map[] = {
		{ "RSA PRIVATE KEY", "private-key-rsa" },
		{ "EC PRIVATE KEY", "private-key-ec" },
		{ "DSA PRIVATE KEY", "private-key-dsa" },
		{ "OPENSSH PRIVATE KEY", "private-key-openssh" },
		{ "PGP PRIVATE KEY BLOCK", "private-key-pgp" },
		{ "PRIVATE KEY", "private-key-pkcs8" },
		{ "ENCRYPTED PRIVATE KEY", "private-key-encrypted" },
		{ "SSH2 ENCRYPTED PRIVATE KEY", "private-key-encrypted" },
		{ "ANY PRIVATE KEY", "private-key-pkcs8" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(map); i++) {
		if (strlen(map[i].label) == n && memcmp(map[i].label, label, n) == 0) {
			for (size_t r = 0; r < NRULES; r++)
				if (strcmp(rules[r].id, map[i].id) == 0)
					return (int)r;
		}
	}
	return -1;
}

static int rule_index(const char *id)
{
	for (size_t r = 0; r < NRULES; r++)
		if (strcmp(rules[r].id, id) == 0)
			return (int)r;
	return -1;
}

/* A key body was found: report the block (encrypted ones as their own rule). */
static void pk_report(struct sec_scan *sc, const char *body, size_t blen)
{
	struct sec_pk *pk = &sc->pk;
	char m[CG_SECRET_MASK_MAX];
	int r = pk->rule;
	if (strcmp(pk->label, "OPENSSH PRIVATE KEY") == 0 && blen >= 32) {
		/* "openssh-key-v1\0", u32 length, cipher name */
		unsigned char b[48];
		size_t k = b64_decode(body, blen, b, sizeof(b));
		if (k >= 23 && memcmp(b, "openssh-key-v1", 15) == 0) {
			uint32_t cl = ((uint32_t)b[15] << 24) | ((uint32_t)b[16] << 16) |
				      ((uint32_t)b[17] << 8) | b[18];
			if (!(cl == 4 && memcmp(b + 19, "none", 4) == 0))
				pk->enc = true;
		}
	}
	if (pk->enc)
		r = rule_index("private-key-encrypted");
	if (r < 0)
		return;
	sc->facts |= rules[r].fact;
	snprintf(m, sizeof(m), "-----BEGIN %s----- ****", pk->label);
	cand_add(sc, (uint16_t)r, 0, pk->line, pk->off, pk->off + 1, m);
}

/* Skip what separates the BEGIN line from the body inside string literals. */
static size_t pk_skip_sep(const char *p, size_t i, size_t n)
{
	while (i < n) {
		char c = p[i];
		if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '+' || c == ',' ||
		    c == '`' || c == '\r')
			i++;
		else if (c == '\\' && i + 1 < n && (p[i + 1] == 'n' || p[i + 1] == 'r'))
			i += 2;
		else
			break;
	}
	return i;
}

/* A body line (or the rest of a BEGIN line) for a pending key: headers,
 * blank lines, then at least 40 base64 characters. Returns true while the
 * key is still pending. */
static bool pk_body(struct sec_scan *sc, const char *p, size_t n)
{
	struct sec_pk *pk = &sc->pk;
	size_t i = pk_skip_sep(p, 0, n), blen;
	const char *b;
	for (int guard = 0; guard < 8; guard++) {
		const char *colon;
		if (i >= n)
			return ++pk->hdr <= 4; /* a blank line (PGP armor) */
		colon = memchr(p + i, ':', n - i);
		if (colon && colon - (p + i) < 24 && colon > p + i) {
			/* an RFC 1421 / armor header: Proc-Type, DEK-Info, Version, Comment */
			const char *hs = p + i;
			size_t hn = (size_t)(colon - hs);
			bool hdr = true;
			for (size_t k = 0; k < hn; k++) {
				char hc = (char)(hs[k] | 32);
				hdr &= (hc >= 'a' && hc <= 'z') || hs[k] == '-';
			}
			if (hdr) {
				const char *nl = memmem(colon, n - (size_t)(colon - p), "\\n", 2);
				if (memmem(hs, n - i, "ENCRYPTED", 9) && hn == 9 &&
				    memcmp(hs, "Proc-Type", 9) == 0)
					pk->enc = true;
				if (++pk->hdr > 6)
					return false;
				if (!nl)
					return true; /* the header was the whole line */
				i = pk_skip_sep(p, (size_t)(nl - p), n);
				continue;
			}
		}
		break;
	}
	b = b64_run(p + i, n - i, 40, &blen);
	if (b && b == p + i) {
		pk_report(sc, b, blen);
		pk->pending = false;
		return false;
	}
	pk->pending = false;
	return false;
}

/* A "-----BEGIN ...PRIVATE KEY...-----" header in a window. */
static void pk_scan(struct sec_scan *sc, const char *p, size_t n, size_t skip, uint64_t base,
		    bool line_end)
{
	size_t i = 0;
	while (i + 11 < n) {
		const char *h = memmem(p + i, n - i, "-----BEGIN ", 11);
		const char *ls, *le;
		size_t after;
		int r;
		if (!h)
			return;
		ls = h + 11;
		le = memmem(ls, (size_t)(p + n - ls), "-----", 5);
		i = (size_t)(ls - p);
		if (!le || le - ls > 40 || (size_t)(le + 5 - p) <= skip)
			continue;
		r = pk_rule(ls, (size_t)(le - ls));
		if (r < 0)
			continue;
		memset(&sc->pk, 0, sizeof(sc->pk));
		sc->pk.rule = r;
		sc->pk.line = sc->line;
		sc->pk.off = base + (uint64_t)(h - p);
		snprintf(sc->pk.label, sizeof(sc->pk.label), "%.*s", (int)(le - ls), ls);
		after = pk_skip_sep(p, (size_t)(le + 5 - p), n);
		if (after >= n) {
			sc->pk.pending = line_end; /* the body is on the next line */
			return;
		}
		sc->pk.pending = true;
		if (pk_body(sc, p + after, n - after) && !line_end)
			sc->pk.pending = false;
		i = (size_t)(le - p);
	}
}

/* ---- Shadow-like lines ---- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* name:hash:... with a usable hash (not *, !, !!, !hash, empty, x). */
static void colon_line(struct sec_scan *sc, const char *p, size_t n, unsigned colons)
{
	const char *f[10];
	size_t fl[10], nf = 0, i = 0, s = 0;
	for (i = 0; i <= n && nf < 10; i++) {
		if (i == n || p[i] == ':') {
			f[nf] = p + s;
			fl[nf++] = i - s;
			s = i + 1;
		}
	}
	if (nf < 2 || fl[0] == 0 || fl[0] > 64)
		return;
	for (i = 0; i < fl[0]; i++) {
		unsigned char c = (unsigned char)f[0][i];
		if (!(is_word(c) || c == '.' || c == '-' || (c == '$' && i + 1 == fl[0])))
			return;
	}
	if (colons == 4) { /* .pgpass: host:port:db:user:password */
		if (fl[4] > 0 && !(fl[4] == 1 && f[4][0] == '*'))
			sc->facts |= FX_PGPASS;
		return;
	}
	if (fl[1] < 13 || f[1][0] == '*' || f[1][0] == '!' || fl[1] > 512)
		return;
	for (i = 0; i < fl[1]; i++)
		if ((unsigned char)f[1][i] <= ' ' || (unsigned char)f[1][i] >= 0x7f)
			return;
	if (colons == 1) {
		sc->facts |= FX_HTPASSWD;
		return;
	}
	if (colons == 8) /* shadow: fields 3..8 numbers or empty */
		for (i = 2; i < 8; i++)
			if (!all_digits(f[i], fl[i]))
				return;
	if (f[1][0] != '$' && fl[1] != 13)
		return; /* neither crypt(3) "$id$" nor DES */
	{
		char m[CG_SECRET_MASK_MAX];
		size_t idl = 0;
		if (f[1][0] == '$') {
			const char *e = memchr(f[1] + 1, '$', fl[1] - 1);
			idl = e ? (size_t)(e - f[1]) + 1 : 0;
		}
		if (idl > 8)
			idl = 0;
		snprintf(m, sizeof(m), "%.*s:%.*s****", (int)fl[0], f[0], (int)idl, f[1]);
		cand_add(sc, CAND_SHADOW, (uint8_t)colons, sc->line, 0, 0, m);
	}
}

/* ---- One window of a line ---- */

static bool overlaps_span(const struct sec_scan *sc, size_t s, size_t e)
{
	for (size_t i = 0; i < sc->nspans; i++)
		if (s < sc->spans[i].e && sc->spans[i].s < e)
			return true;
	return false;
}

static bool is_comment_line(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= n)
		return false;
	/* "//" and "--" only with a space after them: "//registry..." in .npmrc and
	 * "--extra-index-url" in requirements.txt are data */
	return p[i] == '#' || p[i] == ';' ||
	       (i + 2 < n && p[i] == '/' && p[i + 1] == '/' && p[i + 2] == ' ') ||
	       (i + 3 < n && !memcmp(p + i, "<!--", 4)) ||
	       (i + 1 < n && p[i] == '*' && p[i + 1] == ' ') ||
	       (i + 2 < n && p[i] == '-' && p[i + 1] == '-' && p[i + 2] == ' ');
}

static void run_rule(struct sec_scan *sc, size_t r, const char *p, size_t n, size_t skip,
		     uint64_t base, bool comment, bool line_end)
{
	const struct sec_ctx *c = sc->ctx;
	const struct sec_rule *ru = &rules[r];
	regmatch_t pm[10];
	size_t pos = sc->first[r] > PK_PRE ? (size_t)sc->first[r] - PK_PRE : 0;
	unsigned g = c->group[r];
	int guard = 0;

	if ((ru->flags & F_GEN) && comment)
		return;
	while (pos < n && guard++ < 16) {
		size_t ms, me, ss, se;
		char m[CG_SECRET_MASK_MAX];
		if (regexec(&c->re[r], sc->scratch + pos, (size_t)c->nsub[r] + 1, pm,
			    pos ? REG_NOTBOL : 0) != 0)
			break;
		if (pm[g].rm_so < 0)
			break;
		ms = pos + (size_t)pm[0].rm_so;
		me = pos + (size_t)pm[0].rm_eo;
		ss = pos + (size_t)pm[g].rm_so;
		se = pos + (size_t)pm[g].rm_eo;
		pos = se > pos ? se : pos + 1;
		/* seen by the previous window; or cut by this window's end (the next
		 * one, starting CG_SECRET_LINE_OVERLAP bytes earlier, sees it whole) */
		if (se <= ss || se <= skip || (!line_end && se >= n))
			continue;
		if (se - ss > CG_SECRET_MAX_MATCH) /* measured and shown up to the cap */
			se = ss + CG_SECRET_MAX_MATCH;
		if (ru->min_entropy > 0 && cg_secret_entropy(p + ss, se - ss) < ru->min_entropy)
			continue;
		if (!(ru->flags & F_FACT) && is_dummy(p + ss, se - ss))
			continue;
		if ((ru->flags & F_GEN) && is_placeholder(p + ss, se - ss))
			continue;
		if (!run_check(ru->check, p + ss, se - ss, p + ms, me - ms))
			continue;
		sc->facts |= ru->fact;
		/* one finding per secret: the first rule in table order */
		if ((ru->flags & F_FACT) || overlaps_span(sc, ss, se))
			continue;
		if (sc->nspans < MAX_SPANS) {
			sc->spans[sc->nspans].s = ss;
			sc->spans[sc->nspans].e = se;
			sc->nspans++;
		}
		excerpt(p, ms, me, ss, se, m, sizeof(m));
		cand_add(sc, (uint16_t)r, 0, sc->line, base + ss, base + se, m);
	}
}

static void ac_hit(struct sec_scan *sc, const char *p, uint32_t node, size_t end)
{
	const struct sec_ctx *c = sc->ctx;
	for (int32_t t = (int32_t)node; t >= 0; t = c->dict[t]) {
		for (int32_t k = c->node_kw[t]; k >= 0; k = c->kws[k].next) {
			const struct ac_kw *kw = &c->kws[k];
			size_t start = end + 1 - kw->len;
			if (kw->cs && memcmp(p + start, kw->text, kw->len) != 0)
				continue;
			if (sc->stamp[kw->rule] != sc->serial) {
				sc->stamp[kw->rule] = sc->serial;
				sc->first[kw->rule] = (int32_t)start;
				sc->hits[sc->nhits++] = kw->rule;
			}
		}
	}
}

static void window(struct sec_scan *sc, const char *p, size_t n, size_t skip, uint64_t base,
		   bool line_start, bool line_end)
{
	const struct sec_ctx *c = sc->ctx;
	uint32_t s = 0;
	unsigned colons = 0;
	bool any_re = false, any_pk = false;

	if (line_end && n && p[n - 1] == '\r')
		n--;
	sc->serial++;
	sc->nhits = 0;
	sc->nspans = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t e = c->go[s + c->cls[(unsigned char)p[i]]];
		colons += p[i] == ':';
		s = e & ~OUT_BIT;
		if (e & OUT_BIT)
			ac_hit(sc, p, s / c->ncls, i);
	}
	if (line_start && line_end && (colons == 1 || colons == 3 || colons == 4 || colons == 8))
		colon_line(sc, p, n, colons);
	if (sc->pk.pending && line_start)
		sc->pk.pending = pk_body(sc, p, n) && line_end;
	if (sc->nhits == 0)
		return;
	/* rules in table order: specific ones before the generic ones */
	for (size_t i = 1; i < sc->nhits; i++) {
		uint16_t v = sc->hits[i];
		size_t j = i;
		while (j > 0 && sc->hits[j - 1] > v) {
			sc->hits[j] = sc->hits[j - 1];
			j--;
		}
		sc->hits[j] = v;
	}
	for (size_t i = 0; i < sc->nhits; i++) {
		if (rules[sc->hits[i]].flags & F_PK)
			any_pk = true;
		else
			any_re = true;
	}
	if (any_pk)
		pk_scan(sc, p, n, skip, base, line_end);
	if (!any_re)
		return;
	memcpy(sc->scratch, p, n);
	sc->scratch[n] = '\0';
	for (size_t i = 0; i < n; i++) /* regexec stops at NUL */
		if (sc->scratch[i] == '\0')
			sc->scratch[i] = ' ';
	{
		bool comment = line_start && is_comment_line(p, n);
		for (size_t i = 0; i < sc->nhits; i++)
			if (!(rules[sc->hits[i]].flags & F_PK) && c->re_ok[sc->hits[i]])
				run_rule(sc, sc->hits[i], p, n, skip, base, comment, line_end);
	}
}

/* A whole line present in memory, possibly longer than one window. */
static void line_inplace(struct sec_scan *sc, const char *p, size_t n, uint64_t base)
{
	const size_t W = CG_SECRET_LINE_WINDOW, OV = CG_SECRET_LINE_OVERLAP;
	size_t pos = 0;
	if (n <= W) {
		window(sc, p, n, 0, base, true, true);
		return;
	}
	window(sc, p, W, 0, base, true, false);
	pos = W - OV;
	while (n - pos > W) {
		window(sc, p + pos, W, OV, base + pos, false, false);
		pos += W - OV;
	}
	window(sc, p + pos, n - pos, OV, base + pos, false, true);
}

/* Append to the carried partial line, scanning full windows as they fill. */
static void carry_add(struct sec_scan *sc, const char *p, size_t n, uint64_t off)
{
	const size_t W = CG_SECRET_LINE_WINDOW, OV = CG_SECRET_LINE_OVERLAP;
	if (sc->carry_len == 0 && !sc->carry_cont)
		sc->carry_off = off;
	while (n) {
		size_t k = W - sc->carry_len;
		if (k > n)
			k = n;
		memcpy(sc->carry + sc->carry_len, p, k);
		sc->carry_len += k;
		p += k;
		n -= k;
		if (sc->carry_len == W && n) {
			window(sc, sc->carry, W, sc->carry_cont ? OV : 0, sc->carry_off,
			       !sc->carry_cont, false);
			memmove(sc->carry, sc->carry + W - OV, OV);
			sc->carry_len = OV;
			sc->carry_off += W - OV;
			sc->carry_cont = true;
		}
	}
}

static void carry_flush(struct sec_scan *sc)
{
	if (sc->carry_len || sc->carry_cont)
		window(sc, sc->carry, sc->carry_len, sc->carry_cont ? CG_SECRET_LINE_OVERLAP : 0,
		       sc->carry_off, !sc->carry_cont, true);
	sc->carry_len = 0;
	sc->carry_cont = false;
}

static void scan_bytes(struct sec_scan *sc, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n;
		if (nl && sc->carry_len == 0 && !sc->carry_cont) {
			line_inplace(sc, p, seg, sc->off);
		} else {
			carry_add(sc, p, seg, sc->off);
			if (nl)
				carry_flush(sc);
		}
		if (nl) {
			sc->line++;
			sc->off += seg + 1;
			p += seg + 1;
			n -= seg + 1;
		} else {
			sc->off += seg;
			p += seg;
			n -= seg;
		}
	}
}

static void scan_init(struct sec_scan *sc, const struct sec_ctx *ctx)
{
	memset(sc, 0, offsetof(struct sec_scan, cand));
	sc->ncand = sc->dropped = 0;
	sc->ctx = ctx;
	sc->line = 1;
}

/* ---- Scanner operations ---- */

static bool secret_want(const void *ctx, const char *path, size_t len, uint32_t mode,
			uint64_t size)
{
	const struct sec_ctx *c = ctx;
	char buf[4096];
	(void)mode;
	if (!c || !path || size == 0 || size > c->max_size || len == 0 || len >= sizeof(buf))
		return false;
	if (path_is_allowed(path, len))
		return false;
	if (!path_is_binary(path, len))
		return true;
	/* a binary name: only when a path-only sensitive-file rule names it */
	memcpy(buf, path, len);
	buf[len] = '\0';
	for (size_t i = 0; i < CG_ARRAY_LEN(file_rules); i++)
		if (file_rules[i].facts == 0 && fnmatch(file_rules[i].glob, buf, 0) == 0)
			return true;
	return false;
}

static void secret_begin(const void *ctx, void *state)
{
	struct sec_state *st = state;
	memset(st, 0, sizeof(*st));
	st->ctx = ctx;
	if (!ctx) {
		st->rc = CG_ERR_ARG;
		return;
	}
	st->sc = malloc(sizeof(*st->sc));
	if (!st->sc) {
		st->rc = CG_ERR_NOMEM;
		return;
	}
	scan_init(st->sc, ctx);
}

static bool secret_feed(void *state, const void *p, size_t n)
{
	struct sec_state *st = state;
	struct sec_scan *sc = st->sc;
	if (!sc || st->rc != CG_OK || sc->stopped)
		return false;
	if (!p || n == 0)
		return true;
	if (sc->bytes < 8192) { /* binary: a NUL in the first 8 KiB */
		size_t k = 8192 - sc->bytes;
		if (memchr(p, '\0', k < n ? k : n)) {
			sc->binary = true;
			sc->stopped = true;
			sc->bytes += n;
			return false;
		}
	}
	if (sc->bytes + n > st->ctx->max_size) {
		n = sc->bytes < st->ctx->max_size ? (size_t)(st->ctx->max_size - sc->bytes) : 0;
		sc->truncated = true;
		sc->stopped = true;
	}
	sc->bytes += n;
	scan_bytes(sc, p, n);
	return !sc->stopped;
}

static cg_err_t emit(const struct cg_content_sink *sink, enum cg_content_kind kind,
		     const char *rule, const char *type, enum cg_threat_level level,
		     const char *title, const char *path, int layer, const char *where,
		     uint64_t line, const char *match)
{
	struct cg_content_finding f;
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.rule = rule;
	f.type = type;
	f.level = level;
	f.title = title;
	f.path = path;
	f.layer = layer;
	f.where = where;
	f.line = line;
	f.match = match;
	return sink->add(sink->ud, &f);
}

static bool path_is_shadow(const char *p, size_t n, bool group)
{
	static const char *const shadow[] = { "/etc/shadow", "/etc/shadow-", "/etc/shadow.bak",
					      "/etc/shadow.old" };
	static const char *const gshadow[] = { "/etc/gshadow", "/etc/gshadow-" };
	const char *const *list = group ? gshadow : shadow;
	size_t cnt = group ? CG_ARRAY_LEN(gshadow) : CG_ARRAY_LEN(shadow);
	for (size_t i = 0; i < cnt; i++)
		if (ends_with(p, n, list[i]) || (n == strlen(list[i]) - 1 &&
						 memcmp(p, list[i] + 1, n) == 0))
			return true;
	return false;
}

/* Report what a scan found. `path` is NULL for text (then `where` is set). */
static cg_err_t report(struct sec_scan *sc, const char *path, int layer, const char *where,
		       const struct cg_content_sink *sink, struct cg_error *err, size_t *nreported)
{
	cg_err_t rc = CG_OK;
	size_t pn = path ? strlen(path) : 0;
	bool conf = !path || path_is_config(path, pn);
	char title[160];

	*nreported = 0;
	for (size_t i = 0; i < sc->ncand; i++) {
		const struct sec_cand *c = &sc->cand[i];
		if (c->skip)
			continue;
		if (c->rule == CAND_SHADOW) {
			size_t nl = strcspn(c->match, ":");
			if (!path || !path_is_shadow(path, pn, c->aux == 3))
				continue;
			if (c->aux != 8 && c->aux != 3)
				continue;
			snprintf(title, sizeof(title), "Usable password hash for %s '%.*s'",
				 c->aux == 3 ? "group" : "account", (int)(nl > 64 ? 64 : nl),
				 c->match);
			rc = emit(sink, CG_CONTENT_FILE, SHADOW_ID, "PasswordHash", CG_THREAT_HIGH,
				  title, path, layer, where, c->line, c->match);
		} else {
			const struct sec_rule *r = &rules[c->rule];
			if ((r->flags & F_CONF) && !conf)
				continue;
			rc = emit(sink, CG_CONTENT_SECRET, r->id, r->type, r->level, r->title, path,
				  layer, where, c->line, c->match);
		}
		if (rc != CG_OK)
			return cg_error_set(err, rc, "secret: the sink refused a finding");
		++*nreported;
	}
	if (path) {
		unsigned facts = sc->facts;
		char buf[4096];
		if ((facts & FX_GCP_SA) && (facts & FX_PRIVKEY))
			facts |= FX_GCP_SAKEY;
		if (pn < sizeof(buf)) {
			memcpy(buf, path, pn + 1);
			for (size_t i = 0; i < CG_ARRAY_LEN(file_rules); i++) {
				const struct file_rule *fr = &file_rules[i];
				bool ok = fr->facts ? (facts & fr->facts) != 0 : sc->bytes > 0;
				if (!ok || fnmatch(fr->glob, buf, 0) != 0)
					continue;
				rc = emit(sink, CG_CONTENT_FILE, fr->id, fr->type, fr->level,
					  fr->title, path, layer, NULL, 0, NULL);
				if (rc != CG_OK)
					return cg_error_set(err, rc,
							    "secret: the sink refused a finding");
				++*nreported;
				break;
			}
		}
	}
	if (sc->dropped && sink->warn) {
		char msg[128];
		snprintf(msg, sizeof(msg),
			 "secret: findings-per-file limit (%d) hit, %zu more not reported",
			 CG_SECRET_MAX_FINDINGS, sc->dropped);
		sink->warn(sink->ud, path ? path : where, msg);
	}
	return rc;
}

static cg_err_t secret_finish(void *state, const char *path, int layer,
			      const struct cg_content_sink *sink, struct cg_error *err)
{
	struct sec_state *st = state;
	struct sec_scan *sc = st->sc;
	size_t pn, nrep = 0;
	if (st->rc != CG_OK)
		return cg_error_set(err, st->rc, "secret: %s", cg_strerror(st->rc));
	if (!sink || !sink->add || !sc)
		return cg_error_set(err, CG_ERR_ARG, "secret: bad arguments");
	path = path ? path : "";
	pn = strlen(path);
	if (!sc->binary)
		carry_flush(sc);
	if (path_is_allowed(path, pn))
		return CG_OK;
	if (sc->binary) {
		sc->ncand = 0;
		sc->facts = 0;
	}
	if (sc->truncated && sink->warn) {
		char msg[96];
		snprintf(msg, sizeof(msg),
			 "secret: content size cap (%llu bytes) hit, rest not scanned",
			 (unsigned long long)st->ctx->max_size);
		sink->warn(sink->ud, path, msg);
	}
	return report(sc, path, layer, NULL, sink, err, &nrep);
}

static void secret_release(void *state)
{
	struct sec_state *st = state;
	if (!st)
		return;
	free(st->sc);
	st->sc = NULL;
}

/* ---- Text that is not a file ---- */

/* Does a variable name say it holds a secret? Words split on '_', '-', '.'. */
static bool name_is_secret(const char *s, size_t n)
{
	static const char *const words[] = { "password", "passwd", "passphrase", "pass",
					     "pwd",      "secret", "secrets",    "token",
					     "apikey",   "accesskey", "secretkey", "privatekey",
					     "authtoken", "accesstoken", "credentials" };
	static const char *const pairs[][2] = { { "api", "key" },     { "access", "key" },
						{ "private", "key" }, { "auth", "key" },
						{ "client", "secret" }, { "signing", "key" },
						{ "encryption", "key" }, { "master", "key" } };
	static const char *const stop_last[] = {
		"file",   "path",    "dir",      "url",      "uri",     "host",     "port",
		"name",   "type",    "length",   "len",      "size",    "ttl",      "timeout",
		"expiry", "expires", "expiration", "enabled", "enable",  "disabled", "header",
		"version", "algorithm", "alg",    "mode",     "format",  "region",   "user",
		"username", "id",    "lifetime", "prefix",   "field",   "endpoint", "method",
		"policy", "location", "count",   "min",      "max",     "required", "issuer",
		"audience", "scope", "env",      "var",      "hash",    "salt",     "rounds",
		"command", "cmd",    "script",   "store",    "provider", "manager", "strategy",
		"backend", "source", "arn",      "ref",
	};
	char w[16][32];
	size_t nw = 0, i = 0;
	bool hit = false;
	if (caseeq(s, n, "pwd") || caseeq(s, n, "oldpwd"))
		return false;
	while (i < n && nw < 16) {
		size_t j = i, k = 0;
		while (j < n && s[j] != '_' && s[j] != '-' && s[j] != '.')
			j++;
		if (j > i) {
			for (k = 0; k < j - i && k < 31; k++)
				w[nw][k] = (char)lower((unsigned char)s[i + k]);
			w[nw][k] = '\0';
			nw++;
		}
		i = j + 1;
	}
	if (nw == 0)
		return false;
	for (i = 0; i < CG_ARRAY_LEN(stop_last); i++)
		if (strcmp(w[nw - 1], stop_last[i]) == 0)
			return false;
	for (i = 0; i < nw && !hit; i++) {
		for (size_t k = 0; k < CG_ARRAY_LEN(words) && !hit; k++)
			hit = strcmp(w[i], words[k]) == 0;
		for (size_t k = 0; i + 1 < nw && k < CG_ARRAY_LEN(pairs) && !hit; k++)
			hit = strcmp(w[i], pairs[k][0]) == 0 && strcmp(w[i + 1], pairs[k][1]) == 0;
	}
	return hit;
}

static bool value_is_secret(const char *v, size_t n)
{
	while (n && (v[0] == ' ' || v[0] == '"' || v[0] == '\''))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '"' || v[n - 1] == '\'' || v[n - 1] == '\r' ||
		     v[n - 1] == '\n'))
		n--;
	if (n < 4 || n > CG_SECRET_MAX_MATCH || is_placeholder(v, n) || is_dummy(v, n))
		return false;
	if (v[0] == '/' || all_digits(v, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20)
			return false;
	return true;
}

static cg_err_t name_finding(const struct cg_content_sink *sink, const char *id,
			     const char *title, const char *where, const char *v, size_t n,
			     struct cg_error *err)
{
	char m[CG_SECRET_MASK_MAX];
	cg_err_t rc;
	while (n && (v[0] == '"' || v[0] == '\''))
		v++, n--;
	while (n && (v[n - 1] == '"' || v[n - 1] == '\''))
		n--;
	cg_secret_mask(v, n, m, sizeof(m));
	rc = emit(sink, CG_CONTENT_SECRET, id, "Generic", CG_THREAT_HIGH, title, NULL, -1, where, 0,
		  m);
	return rc == CG_OK ? CG_OK : cg_error_set(err, rc, "secret: the sink refused a finding");
}

struct span {
	size_t s, e;
};

/* NAME=VALUE words of a history line (build arguments "|2 A=1 B=2 /bin/sh -c
 * ...", ENV steps) whose name says secret and whose value is one. A specific
 * rule's finding on the value wins; generic findings on it give way. */
static size_t history_args(struct sec_scan *sc, const char *text, size_t len, struct span *out,
			   size_t max)
{
	size_t i = 0, n = 0;
	while (i < len && n < max) {
		size_t s, e, eq;
		bool ident = true, taken = false;
		while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
			i++;
		s = i;
		while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
			i++;
		e = i;
		for (eq = s; eq < e && text[eq] != '='; eq++)
			ident &= is_word((unsigned char)text[eq]);
		if (eq == s || eq >= e || !ident || !name_is_secret(text + s, eq - s) ||
		    !value_is_secret(text + eq + 1, e - eq - 1))
			continue;
		for (size_t k = 0; k < sc->ncand && !taken; k++) {
			struct sec_cand *c = &sc->cand[k];
			if (c->rule == CAND_SHADOW || c->eoff <= eq + 1 || e <= c->soff)
				continue;
			if (rules[c->rule].flags & F_GEN)
				c->skip = true;
			else
				taken = true;
		}
		if (taken)
			continue;
		out[n].s = eq + 1;
		out[n].e = e;
		n++;
	}
	return n;
}

cg_err_t cg_secret_scan_text(const void *ctx, const char *where, const char *text, size_t len,
			     const struct cg_content_sink *sink, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct sec_scan *sc = NULL;
	size_t nrep = 0, wn, ntok = 0;
	const char *name = NULL;
	size_t name_len = 0;
	struct span toks[16];

	if (!ctx || !where || !sink || !sink->add || (!text && len))
		return cg_error_set(err, CG_ERR_ARG, "secret: bad arguments");
	wn = strlen(where);
	if (wn > 4 && memcmp(where, "env:", 4) == 0) {
		name = where + 4;
		name_len = wn - 4;
		/* a value given as NAME=VALUE */
		if (len > name_len && memcmp(text, name, name_len) == 0 && text[name_len] == '=') {
			text += name_len + 1;
			len -= name_len + 1;
		}
	}
	if (len > ((const struct sec_ctx *)ctx)->max_size) {
		if (sink->warn)
			sink->warn(sink->ud, where,
				   "secret: text larger than the size cap, truncated");
		len = (size_t)((const struct sec_ctx *)ctx)->max_size;
	}
	sc = malloc(sizeof(*sc));
	if (!sc)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_NOMEM, "secret: out of memory"));
	scan_init(sc, ctx);
	if (len)
		scan_bytes(sc, text, len);
	carry_flush(sc);
	/* one line of text: no line numbers */
	if (!memchr(text ? text : "", '\n', len ? len : 0))
		for (size_t i = 0; i < sc->ncand; i++)
			sc->cand[i].line = 0;
	if (wn > 8 && memcmp(where, "history:", 8) == 0)
		ntok = history_args(sc, text, len, toks, CG_ARRAY_LEN(toks));
	if ((rc = report(sc, NULL, -1, where, sink, err, &nrep)) != CG_OK)
		goto done;
	if (name && nrep == 0 && name_is_secret(name, name_len) && value_is_secret(text, len)) {
		rc = name_finding(sink, ENVNAME_ID, "Secret in an environment variable", where,
				  text, len, err);
		goto done;
	}
	for (size_t i = 0; i < ntok && rc == CG_OK; i++)
		rc = name_finding(sink, BUILDARG_ID, "Secret in a build argument or ENV step",
				  where, text + toks[i].s, toks[i].e - toks[i].s, err);
done:
	free(sc);
	return rc;
}

const struct cg_content_scanner cg_scanner_secret = {
	.name = "secret",
	.open = secret_open,
	.close = secret_close,
	.want = secret_want,
	.state_size = sizeof(struct sec_state),
	.begin = secret_begin,
	.feed = secret_feed,
	.finish = secret_finish,
	.release = secret_release,
};
