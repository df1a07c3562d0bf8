/* cguard db: build and inspect the vulnerability database. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: cguard db build --output FILE FEED...\n"
	"       cguard db update --db FILE [--config FILE | --source TYPE=URL...] [options]\n"
	"       cguard db info --db FILE [--json]\n"
	"       cguard db types\n"
	"\n"
	"build    Build the vulnerability database (one SQLite file) from advisory feeds.\n"
	"         FEED is TYPE:PATH, PATH a file or a folder read recursively; TYPE one of\n"
	"         the feed types below. A file that cannot be parsed is skipped, named\n"
	"         on stderr and counted; the database is written beside FILE and\n"
	"         replaces it only when complete.\n"
	"update   Download the advisory feeds (HTTPS, certificates verified; unchanged\n"
	"         feeds are not downloaded again), verify them, unpack archives safely\n"
	"         and build the database from them. The database is replaced only when\n"
	"         every feed was had (or, with --keep-going, from those that were) and\n"
	"         is kept as it is when nothing changed. Sources: --source, else the\n"
	"         --config file, else " CG_VULNDB_FEEDS_CONF " when it exists, else the\n"
	"         built-in public feeds (docs/feeds.md).\n"
	"info     What a database holds: build time, feeds, counts per ecosystem.\n"
	"\n"
	"  -o, --output FILE   the database to write (build)\n"
	"  -d, --db FILE       the database to read (info) or to update (update)\n"
	"      --json          info as JSON\n"
	"  -q, --quiet         build, update: no progress lines (errors still shown)\n"
	"  -h, --help          this text\n"
	"\n"
	"update options:\n"
	"  -c, --config FILE   sources, one a line: TYPE URL [sha256=HEX]; '#' comments\n"
	"  -s, --source 'TYPE=URL [sha256=HEX]'\n"
	"                      a source (repeatable); replaces the config and defaults\n"
	"      --cache DIR     downloads and validators (default: the database's folder\n"
	"                      + /.cguard-feeds)\n"
	"      --ca-file FILE  trust the CAs in this PEM file besides the system's\n"
	"      --max-size N    bytes per download (default 1G; K, M, G suffixes)\n"
	"      --max-extract N bytes unpacked per archive (default 16G)\n"
	"      --max-entries N entries per archive (default 4000000)\n"
	"      --allow-http    allow plain http:// sources without a sha256\n"
	"      --keep-going    build from the feeds that could be had (a failed feed's\n"
	"                      last good copy is used when there is one); exit 1\n"
	"      --force         rebuild even when no feed changed\n"
	"\n"
	"Feed types: see 'cguard db types'.\n"
	"Exit status: 0 done, 1 failed (or, for build, some files were skipped; for\n"
	"update, some feed failed), 2 bad command line.\n";

const struct cli_command cli_cmd_db;

static void on_warn(void *ud, const char *path, const char *msg)
{
	if (!*(int *)ud)
		fprintf(stderr, "cguard: %s: %s\n", path, msg);
}

static int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_vulndb_feed_stats *st;
	struct cg_error err = { 0 };
	const char *output = NULL;
	int c, quiet = 0, rc = CLI_OK;
	size_t n, skipped = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default:
			return cli_usage_error(&cli_cmd_db, "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (!output)
		return cli_usage_error(&cli_cmd_db, "--output is required");
	if (optind == argc)
		return cli_usage_error(&cli_cmd_db, "no FEED given");
	n = (size_t)(argc - optind);
	st = calloc(n, sizeof(*st));
	if (!st)
		return CLI_FAIL;
	if (cg_vulndb_build(output, (const char *const *)argv + optind, n, on_warn, &quiet, st, &err) !=
	    CG_OK) {
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		free(st);
		return err.code == CG_ERR_ARG || err.code == CG_ERR_UNSUPPORTED ? CLI_USAGE : CLI_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%-15s %6zu files  %7zu advisories  %4zu skipped  %s\n", st[i].type, st[i].files,
		       st[i].advisories, st[i].skipped, st[i].path);
		skipped += st[i].skipped;
	}
	printf("wrote %s\n", output);
	if (skipped)
		rc = CLI_FAIL;
	free(st);
	return rc;
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_buf out = CG_BUF_INIT((size_t)64 << 20);
	struct cg_error err = { 0 };
	const char *db = NULL;
	int c, json = 0, rc = CLI_FAIL;
	cg_json *j = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default:
			return cli_usage_error(&cli_cmd_db, "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (!db || optind != argc)
		return cli_usage_error(&cli_cmd_db, "info takes --db FILE");
	if (cg_vulndb_info(db, &out, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		goto done;
	}
	if (json) {
		fputs(cg_buf_str(&out), stdout);
		rc = CLI_OK;
		goto done;
	}
	if (cg_json_parse(out.data, out.len, NULL, &j, &err) != CG_OK)
		goto done;
	{
		int64_t schema = 0;
		(void)cg_json_get_int(j, "schema", &schema);
		printf("Database:   %s\nBuilt:      %s by cguard %s (schema %lld)\n", db,
		       cg_json_get_str(j, "built") ? cg_json_get_str(j, "built") : "?",
		       cg_json_get_str(j, "cguard") ? cg_json_get_str(j, "cguard") : "?",
		       (long long)schema);
	}
	{
		int64_t a = 0, k = 0, f = 0;
		(void)cg_json_get_int(j, "advisories", &a);
		(void)cg_json_get_int(j, "kev", &k);
		(void)cg_json_get_int(j, "affected", &f);
		printf("Advisories: %lld (%lld known exploited), affected packages: %lld\n", (long long)a,
		       (long long)k, (long long)f);
	}
	printf("Feeds:\n");
	for (size_t i = 0; i < cg_json_array_len(cg_json_get(j, "feeds")); i++) {
		const cg_json *f = cg_json_array_at(cg_json_get(j, "feeds"), i);
		int64_t files = 0, adv = 0, sk = 0;
		(void)cg_json_get_int(f, "files", &files);
		(void)cg_json_get_int(f, "advisories", &adv);
		(void)cg_json_get_int(f, "skipped", &sk);
		printf("  %-15s %6lld files %7lld advisories %4lld skipped  %s\n",
		       cg_json_get_str(f, "type"), (long long)files, (long long)adv, (long long)sk,
		       cg_json_get_str(f, "path"));
	}
	printf("Affected packages by ecosystem:\n");
	{
		const cg_json *e = cg_json_get(j, "affected_by_ecosystem");
		for (void *it = cg_json_iter(e); it; it = cg_json_iter_next(e, it)) {
			int64_t v = 0;
			(void)cg_json_int(cg_json_iter_value(it), &v);
			printf("  %-22s %lld\n", cg_json_iter_key(it), (long long)v);
		}
	}
	rc = CLI_OK;
done:
	cg_json_free(j);
	cg_buf_release(&out);
	return rc;
}

/* ---- update ------------------------------------------------------------------ */

struct upd_ui {
	int quiet;
	int keep_going;
};

static void on_update(void *ud, const struct cg_vulndb_update_info *in)
{
	const struct upd_ui *ui = ud;
	switch (in->event) {
	case CG_UPDATE_FETCH:
		break;
	case CG_UPDATE_DOWNLOADED:
		if (!ui->quiet)
			fprintf(stderr, "cguard: %s %s: downloaded %" PRIu64 " bytes\n", in->type,
				in->url, in->bytes);
		break;
	case CG_UPDATE_NOT_MODIFIED:
		if (!ui->quiet)
			fprintf(stderr, "cguard: %s %s: not modified\n", in->type, in->url);
		break;
	case CG_UPDATE_EXTRACTED:
		if (!ui->quiet)
			fprintf(stderr, "cguard: %s %s: unpacked %" PRIu64 " entries, %" PRIu64
				" bytes\n", in->type, in->url, in->entries, in->bytes);
		break;
	case CG_UPDATE_FAILED:
		/* without --keep-going the error ends the update and is shown once */
		if (ui->keep_going)
			fprintf(stderr, "cguard: %s %s: FAILED: %s\n", in->type, in->url,
				in->message);
		break;
	case CG_UPDATE_STALE:
		fprintf(stderr, "cguard: %s %s: using the last good copy\n", in->type, in->url);
		break;
	case CG_UPDATE_SKIPPED:
		if (!ui->quiet)
			fprintf(stderr, "cguard: %s %s: skipped: %s\n", in->type, in->url,
				in->message);
		break;
	case CG_UPDATE_BUILDING:
		if (!ui->quiet)
			fprintf(stderr, "cguard: building %s\n", in->path);
		break;
	case CG_UPDATE_FEED_BUILT:
		if (!ui->quiet)
			fprintf(stderr,
				"cguard: %-15s %6zu files  %7zu advisories  %4zu skipped  %s\n",
				in->type, in->files, in->advisories, in->skipped, in->url);
		break;
	case CG_UPDATE_FILE_SKIPPED:
		if (!ui->quiet)
			fprintf(stderr, "cguard: %s: %s\n", in->path, in->message);
		break;
	case CG_UPDATE_UP_TO_DATE:
	case CG_UPDATE_DONE:
		break;
	}
}

/* "123", "64K", "1M", "2G", "1T" (powers of 1024; "KiB" and "KB" read the same). */
static int parse_size(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;
	unsigned shift = 0;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int cmd_update(int argc, char **argv)
{
	enum {
		O_CACHE = 256, O_CA, O_MAXSIZE, O_MAXEXTRACT, O_MAXENTRIES, O_HTTP, O_KEEP, O_FORCE
	};
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "source", required_argument, NULL, 's' },
		{ "cache", required_argument, NULL, O_CACHE },
		{ "ca-file", required_argument, NULL, O_CA },
		{ "max-size", required_argument, NULL, O_MAXSIZE },
		{ "max-extract", required_argument, NULL, O_MAXEXTRACT },
		{ "max-entries", required_argument, NULL, O_MAXENTRIES },
		{ "allow-http", no_argument, NULL, O_HTTP },
		{ "keep-going", no_argument, NULL, O_KEEP },
		{ "force", no_argument, NULL, O_FORCE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_vulndb_sources src;
	struct cg_vulndb_update_opts uo;
	struct cg_vulndb_update_stats st;
	struct upd_ui ui = { 0, 0 };
	struct cg_error err = { 0 };
	const char *db = NULL, *config = NULL;
	int c, nsource = 0, rc = CLI_FAIL;

	memset(&uo, 0, sizeof(uo));
	memset(&st, 0, sizeof(st));
	cg_vulndb_sources_init(&src);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:c:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 's':
			nsource++;
			if (cg_vulndb_sources_parse_arg(&src, optarg, &err) != CG_OK) {
				rc = cli_usage_error(&cli_cmd_db, "%s", cg_error_message(&err));
				goto done;
			}
			break;
		case O_CACHE: uo.cache_dir = optarg; break;
		case O_CA: uo.ca_file = optarg; break;
		case O_MAXSIZE:
		case O_MAXEXTRACT:
		case O_MAXENTRIES: {
			uint64_t v;
			if (parse_size(optarg, &v) != 0) {
				rc = cli_usage_error(&cli_cmd_db, "'%s' is not a positive number",
						     optarg);
				goto done;
			}
			if (c == O_MAXSIZE)
				uo.max_size = v;
			else if (c == O_MAXEXTRACT)
				uo.max_extract = v;
			else
				uo.max_entries = v;
			break;
		}
		case O_HTTP: uo.allow_http = true; break;
		case O_KEEP: uo.keep_going = true; ui.keep_going = 1; break;
		case O_FORCE: uo.force = true; break;
		case 'q': ui.quiet = 1; break;
		case 'h': fputs(usage, stdout); rc = CLI_OK; goto done;
		default:
			rc = cli_usage_error(&cli_cmd_db, "unknown or incomplete option '%s'",
					     argv[optind - 1]);
			goto done;
		}
	}
	if (!db || optind != argc) {
		rc = cli_usage_error(&cli_cmd_db, "update takes --db FILE and options only");
		goto done;
	}
	if (nsource && config) {
		rc = cli_usage_error(&cli_cmd_db, "--source and --config do not go together");
		goto done;
	}
	if (!nsource) {
		cg_err_t lrc;
		if (config)
			lrc = cg_vulndb_sources_load(&src, config, &err);
		else if (access(CG_VULNDB_FEEDS_CONF, F_OK) == 0)
			lrc = cg_vulndb_sources_load(&src, CG_VULNDB_FEEDS_CONF, &err);
		else
			lrc = cg_vulndb_sources_defaults(&src, &err);
		if (lrc != CG_OK) {
			fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
			rc = lrc == CG_ERR_INVALID || lrc == CG_ERR_LIMIT ? CLI_USAGE : CLI_FAIL;
			goto done;
		}
	}
	uo.progress = on_update;
	uo.ud = &ui;
	if (cg_vulndb_update(db, &src, &uo, &st, &err) != CG_OK) {
		fprintf(stderr, "cguard: %s\n", cg_error_message(&err));
		if (err.code == CG_ERR_ARG || err.code == CG_ERR_UNSUPPORTED)
			rc = CLI_USAGE;
		goto done;
	}
	if (st.built)
		printf("wrote %s: %zu feeds, %zu downloaded, %zu not modified, %zu failed%s\n", db,
		       st.sources - st.failed + st.stale, st.downloaded, st.not_modified, st.failed,
		       st.files_skipped ? " (some files skipped)" : "");
	else
		printf("%s is up to date: %zu feeds not modified\n", db, st.not_modified);
	rc = st.failed ? CLI_FAIL : CLI_OK;
done:
	cg_vulndb_sources_release(&src);
	return rc;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_db, "missing subcommand");
	if (!strcmp(argv[1], "build"))
		return cmd_build(argc - 1, argv + 1);
	if (!strcmp(argv[1], "update"))
		return cmd_update(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "types") && argc == 2) {
		for (size_t i = 0; cg_vulndb_feed_type(i); i++)
			printf("%s\n", cg_vulndb_feed_type(i));
		return CLI_OK;
	}
	return cli_usage_error(&cli_cmd_db, "unknown subcommand '%s'", argv[1]);
}

const struct cli_command cli_cmd_db = {
	.name = "db",
	.summary = "build and inspect the vulnerability database",
	.usage = usage,
	.run = run,
};
