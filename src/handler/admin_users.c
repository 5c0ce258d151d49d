/*
 * The admin's users (issue 6, items 1 and 2), for admins only
 * (ND_ACT_USERS): GET/POST /admin/users (the list, add a user), GET
 * /admin/users/{login} (change the role, set a password), POST
 * .../role and .../password, GET/POST .../remove (asked first).
 *
 * Passwords follow `newsdesk user` (admin/account.h): the same policy and
 * hashing, and a new password ends every session of the account. A hash
 * holds a worker and 64 MB for about 0.1 s, so at most ND_ADMIN_HASHING
 * run at once, logins included. No one removes or demotes themself, and
 * the last admin stays one (nd_account_set_role, nd_account_remove).
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "admin/account.h"
#include "admin/role.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "handler/admin_int.h"

static const struct nd_admin_notice notices[] = {
    {"added", "Added the user %s."},
    {"role", "Changed the role of %s."},
    {"password", "Set a new password for %s; their sessions have ended."},
    {"removed", "Removed the user %s with their sessions and API tokens."},
};

#define MSG_LOGIN    "A login is 1 to 64 letters, digits or . _ @ - and starts with a letter or digit."
#define MSG_ROLE     "Choose a role: author, editor or admin."
#define MSG_DIFFER   "The two passwords differ: type the same one twice."
#define MSG_BUSY     "The server is busy hashing other passwords: try again in a moment."
#define MSG_NAME     "The name must be text of at most 200 bytes."
#define MSG_NO_USER  "There is no such user (removed meanwhile?)."
#define MSG_PASSWORD "Type the new password twice."

/* The role choices of a form, the one called current selected. */
static json_t *roles_json(enum nd_role current)
{
	static const enum nd_role all[] = {ND_ROLE_AUTHOR, ND_ROLE_EDITOR, ND_ROLE_ADMIN};
	json_t *a = json_array();

	for (size_t i = 0; i < ND_COUNT(all); i++)
		json_array_append_new(a, json_pack("{s:s, s:b}", "name", nd_role_name(all[i]),
		                                   "selected", all[i] == current));
	return a;
}

struct list_ctx {
	struct nd_http_request *req;
	struct nd_store *s;
	const struct nd_admin_user *me;
	json_t *users;
};

static json_t *user_json(struct nd_http_request *req, const struct nd_admin_user *me,
                         const struct nd_user_rec *u)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "login", u->login, "name", u->name,
	                 "role", nd_role_name(u->role), "created",
	                 nd__admin_time(req, u->created_at, "-"), "last_login",
	                 nd__admin_time(req, u->last_login, "never"), "disabled", u->disabled,
	                 "self", u->id == me->id);
}

static int list_user(void *ctx, const struct nd_user_rec *u)
{
	struct list_ctx *l = ctx;
	struct nd_login_state st = {0};
	json_t *o = user_json(l->req, l->me, u);

	if (!nd_store_login_state(l->s, u->login, &st) && nd__admin_now() < st.locked_until)
		json_object_set_new(o, "locked_until",
		                    json_string(nd__admin_time(l->req, st.locked_until, "")));
	json_array_append_new(l->users, o);
	return 0;
}

/* The list with the add form (form: what was typed, NULL: empty); error with status. */
static int users_page(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_admin_user *u, const char *error, int status)
{
	struct list_ctx l = {req, NULL, u, json_array()};
	enum nd_role role = ND_ROLE_AUTHOR;
	const char *login = error ? nd__admin_field(req, "login") : NULL;
	const char *name = error ? nd__admin_field(req, "name") : NULL;
	const char *notice = error ? NULL : nd__admin_notice(req, notices, ND_COUNT(notices));
	json_t *ctx;

	if (nd__admin_store(app, req, &l.s) || nd_store_each_user(l.s, list_user, &l)) {
		json_decref(l.users);
		return 503;
	}
	if (error)
		nd_role_parse(nd__admin_field(req, "role") ? nd__admin_field(req, "role") : "",
		              &role);
	/* Typed text is shown again only if it is text. */
	if (login && !nd_store_login_valid(login))
		login = NULL;
	if (name && (strlen(name) > ND_MAX_NAME || !nd_utf8_valid(name, strlen(name), NULL)))
		name = NULL;
	ctx = nd__admin_ctx(req, u, "Users", "users");
	json_object_set_new(ctx, "users", l.users);
	json_object_set_new(ctx, "roles", roles_json(role));
	json_object_set_new(
	    ctx, "form",
	    json_pack("{s:s, s:s}", "login", login ? login : "", "name", name ? name : ""));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	return nd__admin_render(app, req, res, "users", ctx, status);
}

ND_HANDLER(admin_users)
{
	struct nd_admin_user u;
	int status;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_USERS, &u)) != 0)
		return status;
	return users_page(app, req, res, &u, NULL, 200);
}

/* Takes one of the ND_ADMIN_HASHING places for a password hash; false when all are taken. */
static bool hashing_take(struct nd_app *app)
{
	if (atomic_fetch_add(&app->admin->hashing, 1) < ND_ADMIN_HASHING)
		return true;
	atomic_fetch_sub(&app->admin->hashing, 1);
	return false;
}

static void hashing_give(struct nd_app *app)
{
	atomic_fetch_sub(&app->admin->hashing, 1);
}

/*
 * The new password of a form (fields password and password2) into *pw:
 * NULL, or why not with *status (400 missing, 422 not the same or too
 * weak).
 */
static const char *form_password(struct nd_http_request *req, const char **pw, int *status)
{
	const char *p1 = nd__admin_field(req, "password"), *p2 = nd__admin_field(req, "password2");
	const char *why = NULL;

	*pw = NULL;
	*status = 400;
	if (!p1 || !p2 || !*p1)
		return MSG_PASSWORD;
	*status = 422;
	if (strcmp(p1, p2))
		return MSG_DIFFER;
	if (nd_password_check(p1, strlen(p1), &why))
		return why;
	*pw = p1;
	return NULL;
}

ND_HANDLER(admin_user_add)
{
	const char *login, *name, *role_name, *pw, *why = NULL, *error;
	struct nd_admin_user u;
	enum nd_role role;
	struct nd_store *s;
	int status, rc;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_USERS, &u)) != 0 ||
	    (status = nd__admin_check_post(app, req, res, &u)) != 0)
		return status;
	login = nd__admin_field(req, "login");
	name = nd__admin_field(req, "name");
	role_name = nd__admin_field(req, "role");
	if (!login || !*login || !role_name)
		return users_page(app, req, res, &u,
		                  "Fill in the login, the role and the password.", 400);
	if (!nd_store_login_valid(login))
		return users_page(app, req, res, &u, MSG_LOGIN, 422);
	if (nd_role_parse(role_name, &role))
		return users_page(app, req, res, &u, MSG_ROLE, 422);
	if (name && (strlen(name) > ND_MAX_NAME || !nd_utf8_valid(name, strlen(name), NULL)))
		return users_page(app, req, res, &u, MSG_NAME, 422);
	if ((error = form_password(req, &pw, &status)) != NULL)
		return users_page(app, req, res, &u, error, status);
	if (nd__admin_store(app, req, &s))
		return 503;
	if (!hashing_take(app)) {
		nd_http_add_header(res, "Retry-After", "1");
		return users_page(app, req, res, &u, MSG_BUSY, 503);
	}
	rc =
	    nd_account_add(s, login, name && *name ? name : NULL, role, pw, strlen(pw), &why, NULL);
	hashing_give(app);
	if (rc == ND_EEXIST)
		return users_page(
		    app, req, res, &u,
		    nd_arena_printf(req->arena, "There is already a user '%s'.", login), 409);
	if (rc == ND_EINVAL)
		return users_page(app, req, res, &u, why ? why : MSG_NAME, 422);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' added %s '%s'", u.login, nd_role_name(role), login);
	return nd__admin_done(req, res, "/admin/users", "added",
	                      nd_arena_strdup(req->arena, login));
}

/* The user named by the route's login into *a: 0, 404 (page set) or 503. */
static int target(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                  const struct nd_route_match *m, struct nd_account *a)
{
	const char *login = nd__admin_param(req, m, 0);
	struct nd_store *s;
	int rc;

	if (nd__admin_store(app, req, &s))
		return 503;
	rc = nd_store_login_valid(login) ? nd_account_get(s, login, a) : ND_ENOTFOUND;
	sodium_memzero(a->password, sizeof(a->password));
	if (rc == ND_ENOTFOUND) {
		json_t *ctx =
		    json_pack("{s:s, s:s}", "title", "No such user", "message",
		              nd_arena_printf(req->arena, "There is no user '%s'.", login));

		json_object_set_new(ctx, "narrow", json_true());
		return nd__admin_render(app, req, res, "message", ctx, 404);
	}
	return rc ? 503 : 0;
}

/* The page of user a (confirm: the removal question), with error and status. */
static int user_page(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const struct nd_admin_user *u, const struct nd_account *a, bool confirm,
                     const char *error, int status)
{
	json_t *ctx = nd__admin_ctx(req, u, confirm ? "Remove user" : "User", "users");

	json_object_set_new(ctx, "user",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "login", a->login,
	                              "name", a->name, "role", nd_role_name(a->role), "created",
	                              nd__admin_time(req, a->created_at, "-"), "last_login",
	                              nd__admin_time(req, a->last_login, "never"), "disabled",
	                              a->disabled, "self", a->id == u->id));
	json_object_set_new(ctx, "roles", roles_json(a->role));
	json_object_set_new(ctx, "confirm", json_boolean(confirm));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return nd__admin_render(app, req, res, "user", ctx, status);
}

/* The start of every page of one user: begin, (post: CSRF,) the user. */
static int user_begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_route_match *m, bool post, struct nd_admin_user *u,
                      struct nd_account *a)
{
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_USERS, u)) != 0 ||
	    (post && (status = nd__admin_check_post(app, req, res, u)) != 0))
		return status;
	return target(app, req, res, m, a);
}

/* GET of a user's page, or (confirm) of the question whether to remove them. */
static int user_get(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                    const struct nd_route_match *m, bool confirm)
{
	struct nd_admin_user u;
	struct nd_account a;
	int status;

	if ((status = user_begin(app, req, res, m, false, &u, &a)) != 0)
		return status;
	return user_page(app, req, res, &u, &a, confirm, NULL, 200);
}

ND_HANDLER(admin_user)
{
	(void)site;
	return user_get(app, req, res, m, false);
}

ND_HANDLER(admin_user_role)
{
	const char *role_name, *why = NULL;
	struct nd_admin_user u;
	struct nd_account a;
	enum nd_role role;
	struct nd_store *s;
	int status, rc;

	(void)site;
	if ((status = user_begin(app, req, res, m, true, &u, &a)) != 0)
		return status;
	role_name = nd__admin_field(req, "role");
	if (!role_name || nd_role_parse(role_name, &role))
		return user_page(app, req, res, &u, &a, false, MSG_ROLE, role_name ? 422 : 400);
	if (nd__admin_store(app, req, &s))
		return 503;
	rc = nd_account_set_role(s, u.id, a.id, role, &why);
	if (rc == ND_EBUSY && why)
		return user_page(app, req, res, &u, &a, false, why, 409);
	if (rc == ND_ENOTFOUND)
		return user_page(app, req, res, &u, &a, false, MSG_NO_USER, 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' made '%s' %s", u.login, a.login, nd_role_name(role));
	return nd__admin_done(req, res, "/admin/users", "role",
	                      nd_arena_strdup(req->arena, a.login));
}

ND_HANDLER(admin_user_password)
{
	const char *pw, *why = NULL, *error;
	struct nd_admin_user u;
	struct nd_account a;
	struct nd_store *s;
	int status, rc;

	(void)site;
	if ((status = user_begin(app, req, res, m, true, &u, &a)) != 0)
		return status;
	if ((error = form_password(req, &pw, &status)) != NULL)
		return user_page(app, req, res, &u, &a, false, error, status);
	if (nd__admin_store(app, req, &s))
		return 503;
	if (!hashing_take(app)) {
		nd_http_add_header(res, "Retry-After", "1");
		return user_page(app, req, res, &u, &a, false, MSG_BUSY, 503);
	}
	/* Ends every session of the account, like `newsdesk user passwd`. */
	rc = nd_account_set_password(s, a.login, pw, strlen(pw), &why);
	hashing_give(app);
	if (rc == ND_ENOTFOUND)
		return user_page(app, req, res, &u, &a, false, MSG_NO_USER, 404);
	if (rc == ND_EINVAL)
		return user_page(app, req, res, &u, &a, false, why ? why : MSG_PASSWORD, 422);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' set a new password for '%s'", u.login, a.login);
	if (a.id == u.id) {
		/* This session has ended with the others: log in again. */
		nd_http_add_header(res, "Set-Cookie",
		                   nd__admin_cookie(app, req, ND_ADMIN_COOKIE, "", 0));
		nd_http_add_header(res, "Location", "/admin/login");
		return 303;
	}
	return nd__admin_done(req, res, "/admin/users", "password",
	                      nd_arena_strdup(req->arena, a.login));
}

ND_HANDLER(admin_user_remove_form)
{
	(void)site;
	return user_get(app, req, res, m, true);
}

ND_HANDLER(admin_user_remove)
{
	struct nd_admin_user u;
	struct nd_account a;
	struct nd_store *s;
	const char *why = NULL;
	int status, rc;

	(void)site;
	if ((status = user_begin(app, req, res, m, true, &u, &a)) != 0)
		return status;
	if (nd__admin_store(app, req, &s))
		return 503;
	rc = nd_account_remove(s, u.id, a.id, &why);
	if (rc == ND_EBUSY && why)
		return user_page(app, req, res, &u, &a, true, why, 409);
	if (rc == ND_ENOTFOUND)
		return user_page(app, req, res, &u, &a, true, MSG_NO_USER, 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' removed user '%s'", u.login, a.login);
	return nd__admin_done(req, res, "/admin/users", "removed",
	                      nd_arena_strdup(req->arena, a.login));
}
