/*
 * newsdesk user: the accounts of the admin (add, passwd, list, remove).
 * Passwords come from standard input, never from the command line (where
 * other users could read them in the process list): typed twice without
 * echo on a terminal, else the first line (for scripts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium/utils.h>

#include "admin/account.h"
#include "cli/cli_int.h"
#include "core/err.h"
#include "core/mem.h"
#include "store/store.h"

#define USAGE                                                                                      \
	"usage: newsdesk user add LOGIN [--role author|editor|admin] [--name \"Full Name\"]\n"     \
	"       newsdesk user passwd LOGIN\n"                                                      \
	"       newsdesk user list\n"                                                              \
	"       newsdesk user remove LOGIN\n"                                                      \
	"(password on standard input; --db PATH and --config FILE as for every command)\n"

/* Reads one line (without its end) into buf; false at end of input or on a too-long line. */
static bool read_line(char *buf, size_t size, size_t *len)
{
	size_t n;

	if (!fgets(buf, (int)size, stdin))
		return false;
	n = strlen(buf);
	if (n == size - 1 && buf[n - 1] != '\n')
		return false;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*len = n;
	return true;
}

/* Prompts on the terminal with echo off and reads a line. */
static bool prompt(const char *what, char *buf, size_t size, size_t *len)
{
	struct termios old, quiet;
	bool ok;

	fprintf(stderr, "%s: ", what);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old))
		return read_line(buf, size, len);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ok = read_line(buf, size, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return ok;
}

/* The new password into buf; 0, or 1 after a message. */
static int read_password(char *buf, size_t size, size_t *len)
{
	char again[ND_PASSWORD_MAX + 2];
	size_t n2;
	int rc = 0;

	if (!isatty(STDIN_FILENO)) {
		if (!read_line(buf, size, len)) {
			fprintf(stderr,
			        "newsdesk user: no password on standard input (one line, "
			        "at most %d bytes)\n",
			        ND_PASSWORD_MAX);
			return 1;
		}
		return 0;
	}
	if (!prompt("New password", buf, size, len) ||
	    !prompt("Same password again", again, sizeof(again), &n2)) {
		fprintf(stderr, "newsdesk user: no password given\n");
		rc = 1;
	} else if (n2 != *len || memcmp(buf, again, n2)) {
		fprintf(stderr, "newsdesk user: the two passwords differ\n");
		rc = 1;
	}
	sodium_memzero(again, sizeof(again));
	return rc;
}

struct list_ctx {
	struct nd_store *store;
	int64_t now;
	size_t count;
};

static int print_user(void *ctx, const struct nd_user_rec *u)
{
	struct list_ctx *l = ctx;
	struct nd_login_state st = {0};
	char created[32], last[32];

	nd_store_login_state(l->store, u->login, &st);
	nd__cli_day(u->created_at, created);
	nd__cli_day(u->last_login, last);
	if (!l->count++)
		printf("%-20s %-24s %-7s %-17s %-17s %s\n", "LOGIN", "NAME", "ROLE",
		       "CREATED (UTC)", "LAST LOGIN (UTC)", "LOCKED");
	printf("%-20s %-24s %-7s %-17s %-17s %s\n", u->login, *u->name ? u->name : "-",
	       nd_role_name(u->role), created, last,
	       u->disabled                ? "disabled"
	       : l->now < st.locked_until ? "locked"
	                                  : "no");
	return 0;
}

static int run(const char *sub, const char *login, const char *role_name, const char *name,
               struct nd_store *store)
{
	char pw[ND_PASSWORD_MAX + 2];
	enum nd_role role = ND_ROLE_EDITOR;
	const char *why = NULL;
	size_t len = 0;
	int rc = 0;

	if (!strcmp(sub, "list")) {
		struct list_ctx l = {store, (int64_t)time(NULL), 0};

		if (nd_store_each_user(store, print_user, &l))
			return 1;
		if (!l.count)
			printf(
			    "no users yet: add one with 'newsdesk user add LOGIN --role admin'\n");
		return 0;
	}
	if (!strcmp(sub, "remove")) {
		rc = nd_store_user_remove(store, login);
		if (rc == ND_ENOTFOUND)
			fprintf(stderr, "newsdesk user: no user '%s'\n", login);
		else if (!rc)
			printf("removed user '%s' with its sessions and tokens\n", login);
		return rc ? 1 : 0;
	}
	if (role_name && nd_role_parse(role_name, &role)) {
		fprintf(stderr, "newsdesk user: unknown role '%s' (author, editor or admin)\n",
		        role_name);
		return 2;
	}
	if (!nd_store_login_valid(login)) {
		fprintf(stderr,
		        "newsdesk user: login '%s' must be 1 to %d letters, digits or ._@- "
		        "starting with a letter or digit\n",
		        login, ND_STORE_LOGIN_MAX);
		return 2;
	}
	if (!strcmp(sub, "passwd")) {
		struct nd_account a;

		if ((rc = nd_account_get(store, login, &a)) == ND_ENOTFOUND) {
			fprintf(stderr, "newsdesk user: no user '%s'\n", login);
			return 1;
		}
	}
	if ((rc = read_password(pw, sizeof(pw), &len)) != 0)
		goto out;
	if (!strcmp(sub, "add"))
		rc = nd_account_add(store, login, name, role, pw, len, &why, NULL);
	else
		rc = nd_account_set_password(store, login, pw, len, &why);
	if (rc == ND_EEXIST)
		fprintf(stderr, "newsdesk user: there is already a user '%s'\n", login);
	else if (rc == ND_ENOTFOUND)
		fprintf(stderr, "newsdesk user: no user '%s'\n", login);
	else if (why)
		fprintf(stderr, "newsdesk user: %s\n", why);
	else if (rc)
		fprintf(stderr, "newsdesk user: cannot save user '%s': %s\n", login,
		        nd_strerror(rc));
	else if (!strcmp(sub, "add"))
		printf("added %s '%s'\n", nd_role_name(role), login);
	else
		printf("changed the password of '%s'\n", login);
	rc = rc ? 1 : 0;
out:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

int nd_cmd_user(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("user");
	static const char *const opts[] = {"--role", "--name"};
	const char *values[2] = {NULL, NULL}, *sub;
	struct nd_config cfg;
	struct nd_store *store = NULL;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos = 0, rc;

	nd_config_init(&cfg);
	if ((rc = nd__cli_take_options(&argc, argv, "user", opts, values, 2)) != 0)
		goto out;
	nd_config_release(&cfg);
	rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	sub = npos ? pos[0] : "";
	if (!((!strcmp(sub, "list") && npos == 1) ||
	      ((!strcmp(sub, "add") || !strcmp(sub, "passwd") || !strcmp(sub, "remove")) &&
	       npos == 2)) ||
	    ((values[0] || values[1]) && strcmp(sub, "add"))) {
		fputs(USAGE, stderr);
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	if (nd_store_open(cfg.db, &store)) {
		nd__cli_store_error("user", cfg.db);
		rc = 2;
		goto out;
	}
	rc = run(sub, npos > 1 ? pos[1] : "", values[0], values[1], store);
out:
	nd_store_close(store);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
