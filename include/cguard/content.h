/* Image content checks (issue: content checks in the single pass): malware,
 * secrets and sensitive files, baseline, build-history risks. Each check
 * reports findings of one shape. */
#ifndef CGUARD_CONTENT_H
#define CGUARD_CONTENT_H

#include <cguard/common.h>
#include <cguard/error.h>
#include <stdbool.h>
#include <stdint.h>

enum cg_content_kind {
	CG_CONTENT_MALWARE = 0,  /* a yara rule or a hash list matched a file */
	CG_CONTENT_SECRET = 1,   /* a credential in a file, ENV, a label or history */
	CG_CONTENT_FILE = 2,     /* a sensitive file (private key, .aws/credentials, ...) */
	CG_CONTENT_BASELINE = 3, /* a configuration weakness (CIS Docker 4.x and ours) */
	CG_CONTENT_HISTORY = 4,  /* a risky build step in the image's history */
};

enum cg_threat_level {
	CG_THREAT_LOW = 1,
	CG_THREAT_MEDIUM = 2,
	CG_THREAT_HIGH = 3,
	CG_THREAT_CRITICAL = 4,
};

/* One content finding. Strings are owned by whoever hands it out. */
struct cg_content_finding {
	enum cg_content_kind kind;
	const char *rule;   /* rule id: "aws-access-key-id", a yara rule name, "hash:md5" ... */
	const char *type;   /* malware: Trojan, Worm, Virus, Adware, Miner, Webshell, HackTool,
			     * Rootkit, Ransomware; secrets: the provider ("AWS", "GitHub", ...);
			     * others: a category */
	enum cg_threat_level level;
	const char *title;  /* one line for people */
	const char *path;   /* absolute path inside the image; NULL for config findings */
	int layer;          /* layer index; -1 for config findings */
	const char *where;  /* non-file locations: "env:NAME", "label:KEY", "history:N" */
	uint64_t line;      /* secrets: 1-based line of the match; 0 when none */
	const char *match;  /* secrets: the matched text MASKED (never the secret itself) */
	const char *md5, *sha256; /* malware: hex digests of the whole file, or NULL */
	const char *advice; /* baseline/history: the hardening advice, or NULL */
	bool removed;       /* the file is not in the final filesystem (a later layer deleted
			     * or replaced it), but its bytes still ship in the image */
};

/* The checks an image read runs besides the inventory (cg_image_opts.checks),
 * one bit each; `cguard image scan --scanners` names them. */
enum cg_check {
	CG_CHECK_MALWARE = 1u << 0,  /* "malware" */
	CG_CHECK_SECRET = 1u << 1,   /* "secret": credentials in files, ENV, labels, history */
	CG_CHECK_FILES = 1u << 2,    /* "files": sensitive files */
	CG_CHECK_BASELINE = 1u << 3, /* "baseline" */
	CG_CHECK_HISTORY = 1u << 4,  /* "history" */
};
#define CG_CHECK_ALL 0x1fu

/* Options of the content checks (NULL members: defaults). */
struct cg_content_opts {
	const char *rules_dir;       /* malware: a folder of .yar rule files [built-in set] */
	const char *const *hash_dbs; /* malware: ClamAV .hdb/.hsb files */
	size_t nhash_dbs;
	uint64_t max_file_size;      /* larger files are not read by content rules [each
				      * check's own] */
	/* baseline: registries images may come from ("registry.example:5000",
	 * "docker.io"); when given, an image from elsewhere (or of unknown origin)
	 * is a finding (IMG-15). */
	const char *const *trusted_registries;
	size_t ntrusted;
};

/* Parse a --scanners list ("vuln,malware,secret,baseline,history,files"): the
 * check bits into *checks, and whether "vuln" is named into *vuln. */
CG_API cg_err_t cg_checks_parse(const char *list, unsigned *checks, bool *vuln) CG_MUST_CHECK;
CG_API const char *cg_content_kind_name(enum cg_content_kind k); /* "malware", ... */
CG_API const char *cg_threat_level_name(enum cg_threat_level l); /* "high", ... */

#endif
