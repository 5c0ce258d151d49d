#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "store/store.h"

static const struct nd_cli_cmd commands[] = {
    {"serve", "", "serve the site over HTTP", nd_cmd_serve},
    {"import", "FILE.jsonl|-", "import articles from JSON Lines", nd_cmd_import},
    {"fetch", "", "fetch the wire feeds of the config ([feed NAME] sections)", nd_cmd_fetch},
    {"demo", "", "create the demo site (real news from the ECB+ corpus)", nd_cmd_demo},
    {"eval", "related --docs FILE.jsonl --story-field F [--topic-field G] [--limit N]",
     "measure Related against labelled data, next to a TF-IDF baseline", nd_cmd_eval},
    {"user", "add LOGIN [--role R] [--name N] | passwd LOGIN | list | remove LOGIN",
     "manage the accounts of the admin (password on standard input)", nd_cmd_user},
    {"token", "add LOGIN --name NAME | list [LOGIN] | revoke ID",
     "manage the write API's tokens (shown once when made)", nd_cmd_token},
    {"migrate", "--from URL --to URL",
     "copy a whole site into a fresh store (SQLite and PostgreSQL, either way)", nd_cmd_migrate},
};

static const struct nd_cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: newsdesk COMMAND [OPTIONS]\n       newsdesk --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'newsdesk COMMAND --help' lists the options of a command.\n");
}

static void print_cmd_help(const struct nd_cli_cmd *cmd, const struct nd_cli_flag *flags)
{
	printf("usage: newsdesk %s [OPTIONS]%s%s\n\n%s.\n\noptions:\n", cmd->name,
	       *cmd->args ? " " : "", cmd->args, cmd->summary);
	printf("  --%-20s %s\n", "config FILE", "read options from this INI file");
	for (const struct nd_cli_flag *f = flags; f && f->name; f++)
		printf("  --%-20s %s\n", f->name, f->help);
	nd_config_print_help(stdout);
	printf("\nEvery option can also be set in the config file or as NEWSDESK_NAME in the "
	       "environment;\nflags win over the environment, which wins over the file.\n");
}

static bool is_flag(const struct nd_cli_flag *flags, const char *arg)
{
	for (const struct nd_cli_flag *f = flags; f && f->name; f++)
		if (!strcmp(arg + 2, f->name))
			return true;
	return false;
}

int nd__cli_parse(const struct nd_cli_cmd *cmd, const struct nd_cli_flag *flags, int argc,
                  char **argv, struct nd_config *cfg, char **pos, int *npos)
{
	const char *config = getenv("NEWSDESK_CONFIG");
	char *err = NULL;

	nd_config_init(cfg);
	*npos = 0;
	/* First pass: help and the config file, which the rest builds on. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_cmd_help(cmd, flags);
			return 1;
		}
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			config = argv[i] + 9;
	}
	if (config && *config && nd_config_load_file(cfg, config, &err))
		goto bad;
	if (nd_config_load_env(cfg, &err))
		goto bad;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i], *eq;
		char name[64];
		const char *value;

		if (strncmp(arg, "--", 2) || !arg[2]) {
			if (!strcmp(arg, "--")) {
				while (++i < argc)
					pos[(*npos)++] = argv[i];
				break;
			}
			pos[(*npos)++] = arg;
			continue;
		}
		if (is_flag(flags, arg)) {
			for (const struct nd_cli_flag *f = flags; f->name; f++)
				if (!strcmp(arg + 2, f->name))
					*f->value = true;
			continue;
		}
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s",
		         (int)(eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)), arg + 2);
		if (!strcmp(name, "config")) {
			if (!eq)
				i++;
			continue;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "newsdesk %s: option '--%s' needs a value\n", cmd->name,
			        name);
			return 2;
		}
		if (nd_config_set(cfg, name, value, &err))
			goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "newsdesk %s: %s\n", cmd->name, err);
	free(err);
	return 2;
}

int nd_cli_main(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("newsdesk %s\n", ND_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	cmd = find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "newsdesk: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return cmd->run(argc - 1, argv + 1);
}

const struct nd_cli_cmd *nd__cli_cmd(const char *name)
{
	return find(name);
}

int nd__cli_take_options(int *argc, char **argv, const char *cmd, const char *const *opts,
                         const char **values, size_t n)
{
	int k = 1;

	for (int i = 1; i < *argc; i++) {
		const char *rest = NULL;
		size_t o = 0;

		for (; o < n && !rest; o++)
			if (!strncmp(argv[i], opts[o], strlen(opts[o])))
				rest = argv[i] + strlen(opts[o]);
		if (!rest || (*rest && *rest != '=')) {
			argv[k++] = argv[i];
			continue;
		}
		if (*rest == '=') {
			values[o - 1] = rest + 1;
		} else if (i + 1 < *argc) {
			values[o - 1] = argv[++i];
		} else {
			fprintf(stderr, "newsdesk %s: option '%s' needs a value\n", cmd, argv[i]);
			return 2;
		}
	}
	*argc = k;
	return 0;
}

void nd__cli_day(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		snprintf(out, 32, "never");
	else
		strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

void nd__cli_store_error(const char *cmd, const char *db)
{
	char *shown = nd_store_url_shown(db);

	fprintf(stderr, "newsdesk %s: cannot open store '%s'\n", cmd, shown);
	free(shown);
}
