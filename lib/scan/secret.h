/* Internal: the secret scanner (IMG-09). Credentials, tokens and private keys
 * in file contents (CG_CONTENT_SECRET), sensitive files by path and content
 * (CG_CONTENT_FILE: private key files, .aws/credentials, /etc/shadow entries
 * with usable hashes, ...), and the same rules over text that is not a file
 * (ENV values, labels, history lines). The rule table is
 * lib/scan/secret_rules.def; docs/secrets.md describes rules, levels, noise
 * control and limits.
 *
 * The compiled context (open()) is immutable and shared by threads; each
 * file has its own state. Nothing a scanner reports contains a secret: the
 * `match` of a finding is masked (see cg_secret_mask()). */
#ifndef CG_SCAN_SECRET_H
#define CG_SCAN_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "scan/scanner.h"

/* Limits (each reported by name when hit, through the sink's warn()). */
#define CG_SECRET_MAX_FILE_SIZE (1u << 20) /* default content size cap per file */
#define CG_SECRET_LINE_WINDOW	16384	   /* longer lines are scanned in windows */
#define CG_SECRET_LINE_OVERLAP	1024	   /* ... overlapping by this many bytes */
#define CG_SECRET_MAX_MATCH	1024	   /* longest match (or secret) accepted */
#define CG_SECRET_MAX_FINDINGS	64	   /* findings per file or text */
#define CG_SECRET_MASK_MAX	160	   /* longest masked excerpt, NUL included */

extern const struct cg_content_scanner cg_scanner_secret;

/* Scan text that is not a file: ENV values, labels, history lines. `where`
 * names the place ("env:NAME", "label:KEY", "history:N"); findings carry it
 * with path NULL and layer -1. `ctx` comes from cg_scanner_secret.open().
 *
 * For "env:NAME" the variable name is a rule of its own: a name with
 * PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, ... and a value that is neither
 * empty nor a placeholder is a finding when no other rule matched the value.
 * `text` is the value (a leading "NAME=" is skipped). For "history:N" every
 * NAME=VALUE word is checked the same way (build arguments and ENV steps). */
cg_err_t cg_secret_scan_text(const void *ctx, const char *where, const char *text, size_t len,
			     const struct cg_content_sink *sink,
			     struct cg_error *err) CG_MUST_CHECK;

/* The number of built-in rules (content rules and sensitive-file rules). */
size_t cg_secret_rule_count(void);

/* Mask a secret for display: at most the first and last 4 characters stay
 * (fewer for short secrets, none under 10), the rest becomes '*' (at most 32
 * of them). Writes a NUL-terminated string of at most `cap` bytes. */
void cg_secret_mask(const char *s, size_t n, char *out, size_t cap);

/* Shannon entropy of the bytes, in bits per byte. */
double cg_secret_entropy(const char *s, size_t n);

#endif
