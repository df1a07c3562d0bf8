/* cguard db: build and inspect the vulnerability database. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: cguard db build --output FILE FEED...\n"
	"       cguard db info --db FILE [--json]\n"
	"       cguard db types\n"
	"\n"
	"build    Build the vulnerability database (one SQLite file) from advisory feeds.\n"
	"         FEED is TYPE:PATH, PATH a file or a folder read recursively; TYPE one of\n"
	"         the feed types below. A file that cannot be parsed is skipped, named\n"
	"         on stderr and counted; the database is written beside FILE and\n"
	"         replaces it only when complete.\n"
	"info     What a database holds: build time, feeds, counts per ecosystem.\n"
	"\n"
	"  -o, --output FILE   the database to write (build)\n"
	"  -d, --db FILE       the database to read (info)\n"
	"      --json          info as JSON\n"
	"  -q, --quiet         build: no line per skipped file\n"
	"  -h, --help          this text\n"
	"\n"
	"Feed types: see 'cguard db types'.\n"
	"Exit status: 0 done, 1 failed (or, for build, some files were skipped), 2 bad\n"
	"command line.\n";

const struct cli_command cli_cmd_db;

static void on_warn(void *ud, const char *path, const char *msg)
{
	if (!*(int *)ud)
		fprintf(stderr, "cguard: skipped %s: %s\n", path, msg);
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

static int run(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_db, "missing subcommand");
	if (!strcmp(argv[1], "build"))
		return cmd_build(argc - 1, argv + 1);
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
