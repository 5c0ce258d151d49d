/*
 * The write API's tokens in the admin (issue 6, item 5): GET /admin/tokens
 * lists one's own (an admin sees everyone's, with the owner), POST
 * /admin/tokens makes one and shows it once, on that answer (never in a
 * URL; the admin's answers are no-store), POST /admin/tokens/{id}/revoke
 * revokes one's own (an admin: any). The tokens themselves are
 * admin/token.h's, as for `newsdesk token`.
 */
#include <string.h>

#include <sodium.h>

#include "admin/role.h"
#include "admin/token.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "handler/admin_int.h"

static const struct nd_admin_notice notices[] = {
    {"revoked", "Revoked the token %s: it no longer works."},
};

struct list_ctx {
	struct nd_http_request *req;
	struct nd_store *s;
	const struct nd_admin_user *me;
	bool all; /* an admin: everyone's, with the owner */
	json_t *tokens;
};

static int login_cb(void *ctx, const struct nd_user_rec *rec)
{
	snprintf(ctx, ND_STORE_LOGIN_MAX + 1, "%s", rec->login);
	return 0;
}

static int list_token(void *ctx, const struct nd_token_rec *t)
{
	struct list_ctx *l = ctx;
	char owner[ND_STORE_LOGIN_MAX + 1] = "?";
	json_t *o;

	if (l->all)
		nd_store_user_get_id(l->s, t->user_id, login_cb, owner);
	o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)t->id, "name", t->name,
	              "created", nd__admin_time(l->req, t->created_at, "-"), "last_used",
	              nd__admin_time(l->req, t->last_used, "never"), "own",
	              t->user_id == l->me->id);
	if (l->all)
		json_object_set_new(o, "owner", json_string(owner));
	if (t->revoked_at)
		json_object_set_new(o, "revoked",
		                    json_string(nd__admin_time(l->req, t->revoked_at, "")));
	/* Newest first. */
	json_array_insert_new(l->tokens, 0, o);
	return 0;
}

/* The page: the list, the form, and (fresh, name) a token just made. */
static int tokens_page(struct nd_app *app, struct nd_http_request *req,
                       struct nd_http_response *res, const struct nd_admin_user *u,
                       const char *fresh, const char *error, int status)
{
	struct list_ctx l = {req, NULL, u, nd_role_may(u->role, ND_ACT_USERS), json_array()};
	const char *notice = nd__admin_notice(req, notices, ND_COUNT(notices));
	json_t *ctx;

	if (nd__admin_store(app, req, &l.s) ||
	    nd_store_each_token(l.s, l.all ? 0 : u->id, list_token, &l)) {
		json_decref(l.tokens);
		return 503;
	}
	ctx = nd__admin_ctx(req, u, "API tokens", "tokens");
	json_object_set_new(ctx, "has_tokens", json_boolean(json_array_size(l.tokens) > 0));
	json_object_set_new(ctx, "tokens", l.tokens);
	json_object_set_new(ctx, "all", json_boolean(l.all));
	if (fresh)
		json_object_set_new(
		    ctx, "fresh",
		    json_pack("{s:s, s:s}", "token", fresh, "name", nd__admin_field(req, "name")));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	else if (notice && !fresh)
		json_object_set_new(ctx, "notice", json_string(notice));
	return nd__admin_render(app, req, res, "tokens", ctx, status);
}

ND_HANDLER(admin_tokens)
{
	struct nd_admin_user u;
	int status;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	return tokens_page(app, req, res, &u, NULL, NULL, 200);
}

ND_HANDLER(admin_token_add)
{
	const char *name;
	char token[ND_TOKEN_LEN + 1];
	struct nd_admin_user u;
	struct nd_store *s;
	int64_t id = 0;
	int status, rc;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0 ||
	    (status = nd__admin_check_post(app, req, res, &u)) != 0)
		return status;
	name = nd__admin_field(req, "name");
	if (!name || !*name)
		return tokens_page(app, req, res, &u, NULL,
		                   "Give the token a name: what it is for (\"CI import\").", 400);
	if (nd__admin_store(app, req, &s))
		return 503;
	rc = nd_token_create(s, u.login, name, nd__admin_now(), token, &id);
	if (rc == ND_EINVAL)
		return tokens_page(app, req, res, &u, NULL,
		                   nd_arena_printf(req->arena,
		                                   "The name must be 1 to %d bytes of text, not "
		                                   "only spaces.",
		                                   ND_MAX_NAME),
		                   422);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' made API token %lld", u.login, (long long)id);
	/* Shown on this answer only: no redirect could carry it safely. */
	status = tokens_page(app, req, res, &u, token, NULL, 200);
	sodium_memzero(token, sizeof(token));
	return status;
}

struct find_ctx {
	int64_t id;
	int64_t owner; /* 0: not found */
	char name[ND_MAX_NAME + 1];
};

static int find_token(void *ctx, const struct nd_token_rec *t)
{
	struct find_ctx *f = ctx;

	if (t->id != f->id)
		return 0;
	f->owner = t->user_id;
	snprintf(f->name, sizeof(f->name), "%s", t->name);
	return 1; /* stops the walk */
}

ND_HANDLER(admin_token_revoke)
{
	struct nd_admin_user u;
	struct find_ctx f = {0};
	struct nd_store *s;
	int status, rc;

	(void)site;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0 ||
	    (status = nd__admin_check_post(app, req, res, &u)) != 0)
		return status;
	f.id = nd__admin_param_id(req, m, 0);
	if (nd__admin_store(app, req, &s))
		return 503;
	if (f.id && (rc = nd_store_each_token(s, 0, find_token, &f)) < 0)
		return 503;
	if (!f.owner)
		return tokens_page(app, req, res, &u, NULL, "There is no such token.", 404);
	if (f.owner != u.id && !nd_role_may(u.role, ND_ACT_USERS))
		return nd__admin_forbidden(app, req, res,
		                           "You may revoke only your own tokens; an admin may "
		                           "revoke anyone's.");
	if ((rc = nd_store_token_revoke(s, f.id, nd__admin_now())) == ND_ENOTFOUND)
		return tokens_page(app, req, res, &u, NULL, "There is no such token.", 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' revoked API token %lld", u.login, (long long)f.id);
	return nd__admin_done(req, res, "/admin/tokens", "revoked",
	                      nd_arena_strdup(req->arena, f.name));
}
