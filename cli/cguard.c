/* cguard: one binary, subcommands from one table (commands.def). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_command *const commands[] = {
#define CLI_COMMAND(id) &cli_cmd_##id,
#include "commands.def"
#undef CLI_COMMAND
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *f)
{
	fprintf(f, "usage: cguard [--version] [--help] <command> [<args>]\n\n"
		   "cguard is a container security service: image scanning, runtime protection,\n"
		   "admission control and audit, in one self-hostable system.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nRun 'cguard <command> --help' for the options of a command.\n");
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		fprintf(stderr, "cguard %s: ", cmd->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(cmd->usage, stderr);
	return CLI_USAGE;
}

static void log_to_stderr(enum cg_log_level level, const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "cguard: %s: %s\n", cg_log_level_name(level), msg);
}

int main(int argc, char **argv)
{
	const char *name;

	cg_log_set(log_to_stderr, NULL, getenv("CGUARD_DEBUG") ? CG_LOG_DEBUG : CG_LOG_INFO);
	if (argc < 2) {
		print_help(stderr);
		return CLI_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (!strcmp(commands[i]->name, argv[2])) {
					fputs(commands[i]->usage, stdout);
					return CLI_OK;
				}
			fprintf(stderr, "cguard: no such command '%s'\n", argv[2]);
			return CLI_USAGE;
		}
		print_help(stdout);
		return CLI_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("cguard %s\n", cg_library_version());
		return CLI_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i]->name, name) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1)) {
			fputs(commands[i]->usage, stdout);
			return CLI_OK;
		}
		return commands[i]->run(argc - 1, argv + 1);
	}
	if (name[0] == '-')
		fprintf(stderr, "cguard: unknown option '%s'\n\n", name);
	else
		fprintf(stderr, "cguard: '%s' is not a cguard command\n\n", name);
	print_help(stderr);
	return CLI_USAGE;
}
