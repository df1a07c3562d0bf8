/* The cguard command: shared declarations of the files in cli/. */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <cguard/cguard.h>

/* Exit statuses of every subcommand. */
enum {
	CLI_OK = 0,
	CLI_FAIL = 1,  /* the operation failed (or, for checks, found something) */
	CLI_USAGE = 2, /* bad command line */
};

struct cli_command {
	const char *name;
	const char *summary; /* one line for `cguard --help` */
	const char *usage;   /* full text for `cguard NAME --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

/* Print usage of `cmd` to stderr and return CLI_USAGE (for bad flags). */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when argv holds -h/--help before any "--". */
int cli_wants_help(int argc, char **argv);

#define CLI_COMMAND(id) extern const struct cli_command cli_cmd_##id;
#include "commands.def"
#undef CLI_COMMAND

#endif
