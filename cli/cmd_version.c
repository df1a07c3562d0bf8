/* cguard version: compare and check version strings of any ecosystem. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LINE_MAX_BYTES 8192

static const char usage[] =
	"usage: cguard version compare --ecosystem E [A B]\n"
	"       cguard version check --ecosystem E VERSION...\n"
	"       cguard version list\n"
	"\n"
	"compare  Compare A with B, or with no A B read lines 'A<TAB>B' on stdin.\n"
	"         Prints one line per comparison: -1 (A < B), 0 (equal), 1 (A > B), or\n"
	"         'invalid: REASON'. Exit status 0 when every line was compared, 1 if not.\n"
	"check    Say for each VERSION whether it is valid in ecosystem E.\n"
	"list     List the ecosystems (purl types) and the rules each one follows.\n"
	"\n"
	"  -e, --ecosystem E   deb, rpm, apk, pypi, npm, cargo, golang, maven, gem,\n"
	"                      composer or nuget\n"
	"  -h, --help          this text\n";

const struct cli_command cli_cmd_version;

static int compare_pair(const struct cg_version_scheme *s, const char *a, size_t an,
			const char *b, size_t bn)
{
	struct cg_error err;
	int r;
	if (cg_version_cmp_n(s, a, an, b, bn, &r, &err) != CG_OK) {
		printf("invalid: %s\n", cg_error_message(&err));
		return 0;
	}
	printf("%d\n", r);
	return 1;
}

static int compare_stdin(const struct cg_version_scheme *s)
{
	static char line[LINE_MAX_BYTES];
	int all_ok = 1;
	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		char *tab;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			int c;
			while ((c = getchar()) != EOF && c != '\n')
				;
			printf("invalid: line longer than %d bytes\n", LINE_MAX_BYTES - 2);
			all_ok = 0;
			continue;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		tab = memchr(line, '\t', n);
		if (!tab) {
			printf("invalid: no TAB between the two versions\n");
			all_ok = 0;
			continue;
		}
		if (!compare_pair(s, line, (size_t)(tab - line), tab + 1, n - (size_t)(tab - line) - 1))
			all_ok = 0;
	}
	fflush(stdout);
	return all_ok ? CLI_OK : CLI_FAIL;
}

static int cmd_list(void)
{
	static const char *const titles[][2] = {
		{ "deb", "dpkg (Debian, Ubuntu)" },        { "rpm", "rpmvercmp with epoch" },
		{ "apk", "apk-tools (Alpine)" },           { "pypi", "PEP 440" },
		{ "npm", "SemVer 2.0 as node-semver" },     { "cargo", "SemVer 2.0 as the semver crate" },
		{ "golang", "Go module versions" },        { "maven", "Maven ComparableVersion" },
		{ "gem", "RubyGems Gem::Version" },        { "composer", "Composer semver" },
		{ "nuget", "NuGet.Versioning" },
	};
	for (size_t i = 0; i < cg_version_scheme_count(); i++) {
		const char *name = cg_version_scheme_name(cg_version_scheme_at(i));
		const char *title = "";
		for (size_t j = 0; j < sizeof(titles) / sizeof(titles[0]); j++)
			if (!strcmp(titles[j][0], name))
				title = titles[j][1];
		printf("%-9s %s\n", name, title);
	}
	return CLI_OK;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ecosystem", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cg_version_scheme *s = NULL;
	const char *eco = NULL, *sub;
	int c, rc = CLI_OK;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_version, "missing subcommand");
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			eco = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_OK;
		default:
			return cli_usage_error(&cli_cmd_version, "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (!strcmp(sub, "list")) {
		if (optind != argc || eco)
			return cli_usage_error(&cli_cmd_version, "list takes no arguments");
		return cmd_list();
	}
	if (strcmp(sub, "compare") != 0 && strcmp(sub, "check") != 0)
		return cli_usage_error(&cli_cmd_version, "unknown subcommand '%s'", sub);
	if (!eco)
		return cli_usage_error(&cli_cmd_version, "--ecosystem is required");
	s = cg_version_scheme_find(eco);
	if (!s)
		return cli_usage_error(&cli_cmd_version,
				       "unknown ecosystem '%s' (see 'cguard version list')", eco);

	if (!strcmp(sub, "compare")) {
		if (optind == argc)
			return compare_stdin(s);
		if (argc - optind != 2)
			return cli_usage_error(&cli_cmd_version, "compare takes two versions or none");
		return compare_pair(s, argv[optind], strlen(argv[optind]), argv[optind + 1],
				    strlen(argv[optind + 1])) ? CLI_OK : CLI_FAIL;
	}
	if (optind == argc)
		return cli_usage_error(&cli_cmd_version, "check needs at least one version");
	for (int i = optind; i < argc; i++) {
		struct cg_error err;
		if (cg_version_validate(s, argv[i], strlen(argv[i]), &err) == CG_OK) {
			printf("%s\tvalid\n", argv[i]);
		} else {
			printf("%s\tinvalid: %s\n", argv[i], cg_error_message(&err));
			rc = CLI_FAIL;
		}
	}
	return rc;
}

const struct cli_command cli_cmd_version = {
	.name = "version",
	.summary = "compare and check package versions of any ecosystem",
	.usage = usage,
	.run = run,
};
