#pragma once
/* Private to the CLI: subcommands and the shared option parser. */
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

struct nd_cli_cmd {
	const char *name;
	const char *args;    /* usage after the options, e.g. "FILE.jsonl|-" */
	const char *summary; /* one line for `newsdesk --help` */
	int (*run)(int argc, char **argv);
};

/* A subcommand's own boolean flag, e.g. --strict. */
struct nd_cli_flag {
	const char *name; /* "strict" */
	bool *value;
	const char *help;
};

/*
 * Fills cfg (defaults < --config FILE or NEWSDESK_CONFIG < NEWSDESK_* <
 * flags) and collects positional arguments into pos (argv order, *npos of
 * them; pos must have room for argc entries). Flags are "--name VALUE" or
 * "--name=VALUE" for options, "--name" for the command's own flags.
 * Returns 0; 1 after printing --help; 2 after printing a usage error to
 * stderr. cfg must be released by the caller in every case.
 */
int nd__cli_parse(const struct nd_cli_cmd *cmd, const struct nd_cli_flag *flags, int argc,
                  char **argv, struct nd_config *cfg, char **pos, int *npos);

/* The table entry of subcommand name (for its usage line); never NULL for
 * the names in the table. */
const struct nd_cli_cmd *nd__cli_cmd(const char *name);

struct nd_store;
/* Seeds simulated reader activity into the demo store at time now
 * (cli/demo_activity.c). 0 or the store's error. */
/*
 * Takes the options opts[0..n) ("--role"; each with a value, as "--role X"
 * or "--role=X") out of argv, for subcommands whose arguments the shared
 * parser does not know; values[i] gets each one's value. 0, or 2 (usage,
 * reported as "newsdesk CMD: ...") for an option without its value.
 */
int nd__cli_take_options(int *argc, char **argv, const char *cmd, const char *const *opts,
                         const char **values, size_t n);

/* t (unix seconds) as "2026-11-29 13:45" UTC, or "never" for 0. */
void nd__cli_day(int64_t t, char out[32]);

int nd__demo_activity(struct nd_store *s, int64_t now);

int nd_cmd_serve(int argc, char **argv);
int nd_cmd_import(int argc, char **argv);
int nd_cmd_demo(int argc, char **argv);
int nd_cmd_fetch(int argc, char **argv);
int nd_cmd_eval(int argc, char **argv);
int nd_cmd_user(int argc, char **argv);
int nd_cmd_token(int argc, char **argv);
int nd_cmd_migrate(int argc, char **argv);

/* Prints "newsdesk CMD: cannot open store 'DB'" to stderr, a password in DB
 * shown as "***" (nd_store_url_shown). */
void nd__cli_store_error(const char *cmd, const char *db);
