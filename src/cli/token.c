/*
 * newsdesk token: the write API's bearer tokens (add, list, revoke). A new
 * token is printed once, on standard output; the store keeps only its
 * hash (admin/token.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium/utils.h>

#include "admin/token.h"
#include "cli/cli_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"

#define USAGE                                                                                      \
	"usage: newsdesk token add LOGIN --name NAME\n"                                            \
	"       newsdesk token list [LOGIN]\n"                                                     \
	"       newsdesk token revoke ID\n"                                                        \
	"(--db PATH and --config FILE as for every command)\n"

struct list_ctx {
	struct nd_store *store;
	size_t count;
};

static int login_cb(void *ctx, const struct nd_user_rec *rec)
{
	snprintf(ctx, ND_STORE_LOGIN_MAX + 1, "%s", rec->login);
	return 0;
}

static int print_token(void *ctx, const struct nd_token_rec *t)
{
	struct list_ctx *l = ctx;
	char login[ND_STORE_LOGIN_MAX + 1] = "?", created[32], used[32], revoked[32];

	nd_store_user_get_id(l->store, t->user_id, login_cb, login);
	nd__cli_day(t->created_at, created);
	nd__cli_day(t->last_used, used);
	nd__cli_day(t->revoked_at, revoked);
	if (!l->count++)
		printf("%-6s %-20s %-24s %-17s %-17s %s\n", "ID", "USER", "NAME", "CREATED (UTC)",
		       "LAST USED (UTC)", "REVOKED");
	printf("%-6" PRId64 " %-20s %-24s %-17s %-17s %s\n", t->id, login, t->name, created, used,
	       t->revoked_at ? revoked : "no");
	return 0;
}

static int user_id_cb(void *ctx, const struct nd_user_rec *rec)
{
	*(int64_t *)ctx = rec->id;
	return 0;
}

static int run(const char *sub, const char *arg, const char *name, struct nd_store *store)
{
	if (!strcmp(sub, "list")) {
		struct list_ctx l = {store, 0};
		int64_t user_id = 0;

		if (*arg && nd_store_user_get(store, arg, user_id_cb, &user_id)) {
			fprintf(stderr, "newsdesk token: no user '%s'\n", arg);
			return 1;
		}
		if (nd_store_each_token(store, user_id, print_token, &l))
			return 1;
		if (!l.count)
			printf("no tokens yet: make one with 'newsdesk token add LOGIN --name "
			       "NAME'\n");
		return 0;
	}
	if (!strcmp(sub, "revoke")) {
		char *end;
		long long id = strtoll(arg, &end, 10);
		int rc;

		if (end == arg || *end || id <= 0) {
			fprintf(stderr, "newsdesk token: '%s' is not a token id\n", arg);
			return 2;
		}
		rc = nd_store_token_revoke(store, (int64_t)id, (int64_t)time(NULL));
		if (rc == ND_ENOTFOUND)
			fprintf(stderr, "newsdesk token: no token %lld\n", id);
		else if (!rc)
			printf("revoked token %lld\n", id);
		return rc ? 1 : 0;
	}
	{
		char token[ND_TOKEN_LEN + 1];
		int64_t id = 0;
		int rc;

		if (!name) {
			fprintf(stderr, "newsdesk token: 'add' needs --name NAME (what the token "
			                "is for)\n");
			return 2;
		}
		rc = nd_token_create(store, arg, name, (int64_t)time(NULL), token, &id);
		if (rc == ND_ENOTFOUND) {
			fprintf(stderr, "newsdesk token: no user '%s'\n", arg);
			return 1;
		}
		if (rc == ND_EINVAL) {
			fprintf(stderr,
			        "newsdesk token: the name must be 1 to %d bytes of text, not "
			        "blank\n",
			        ND_MAX_NAME);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "newsdesk token: cannot make a token: %s\n",
			        nd_strerror(rc));
			return 1;
		}
		printf("%s\n", token);
		fprintf(stderr, "token %" PRId64 " for '%s': copy it now, it is not shown again\n",
		        id, arg);
		sodium_memzero(token, sizeof(token));
		return 0;
	}
}

int nd_cmd_token(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("token");
	const char *name = NULL, *sub;
	struct nd_config cfg;
	struct nd_store *store = NULL;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos = 0, rc;

	nd_config_init(&cfg);
	if ((rc = nd__cli_take_options(&argc, argv, "token", (const char *const[]){"--name"}, &name,
	                               1)) != 0)
		goto out;
	nd_config_release(&cfg);
	rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	sub = npos ? pos[0] : "";
	if (!((!strcmp(sub, "list") && npos <= 2) ||
	      ((!strcmp(sub, "add") || !strcmp(sub, "revoke")) && npos == 2)) ||
	    (name && strcmp(sub, "add"))) {
		fputs(USAGE, stderr);
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	if (nd_store_open(cfg.db, &store)) {
		nd__cli_store_error("token", cfg.db);
		rc = 2;
		goto out;
	}
	rc = run(sub, npos > 1 ? pos[1] : "", name, store);
out:
	nd_store_close(store);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
