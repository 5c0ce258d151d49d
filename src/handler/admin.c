/*
 * The admin's shared parts: its state (templates, rate limits, the login
 * form's key), a store handle per request, the session of a request, CSRF
 * checks and the headers of every /admin answer. The pages themselves are
 * in admin_login.c. docs/internals/admin.md describes the design.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin/account.h"
#include "admin/role.h"
#include "admin/csrf.h"
#include "admin/session.h"
#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/ratelimit.h"
#include "handler/admin_int.h"
#include "render/escape.h"
#include "render/template.h"

int nd__admin_open(struct nd_app *app)
{
	const struct nd_config *cfg = app->cfg;
	struct nd_admin_web *a = nd_xcalloc(1, sizeof(*a));
	struct nd_store *s = NULL;
	char dir[4096];
	int rc;

	app->admin = a;
	/* The admin looks the same whatever the site's theme. */
	snprintf(dir, sizeof(dir), "%s/admin", nd_app_default_theme());
	a->tpl = nd_tpl_set_new();
	if ((rc = nd_tpl_set_load_dir(a->tpl, dir)) != 0) {
		nd_error(rc, "cannot load the admin templates '%s'", dir);
		goto out;
	}
	if ((rc = nd_store_open(cfg->db, &s)) != 0 ||
	    (rc = nd_store_secret(s, "admin_form_key", a->form_key, sizeof(a->form_key))) != 0)
		goto out;
	a->by_ip = nd_ratelimit_new(4096, cfg->login_limit_ip, cfg->login_limit_ip);
	a->by_login = nd_ratelimit_new(4096, cfg->login_limit_login, cfg->login_limit_login);
	a->session.idle_seconds = (int64_t)cfg->session_idle_minutes * 60;
	a->session.max_seconds = (int64_t)cfg->session_max_days * 86400;
	a->login.max_failures = cfg->login_max_failures;
	a->login.lock_seconds = cfg->login_lockout_seconds;
	a->secure = app->cfg->site_url && !strncmp(app->cfg->site_url, "https:", 6);
out:
	nd_store_close(s);
	return rc;
}

void nd__admin_close(struct nd_app *app)
{
	struct nd_admin_web *a = app->admin;

	if (!a)
		return;
	nd_tpl_set_free(a->tpl);
	nd_ratelimit_free(a->by_ip);
	nd_ratelimit_free(a->by_login);
	sodium_memzero(a->form_key, sizeof(a->form_key));
	free(a);
	app->admin = NULL;
}

int64_t nd__admin_now(void)
{
	return (int64_t)time(NULL);
}

static void close_store(void *s)
{
	nd_store_close(s);
}

/*
 * One handle per admin request: opening a SQLite connection costs well
 * under a millisecond, admin requests are few, and no lock is held while a
 * password is hashed (0.1 s). A pool can come when the write API needs it.
 */
int nd__admin_store(struct nd_app *app, struct nd_http_request *req, struct nd_store **out)
{
	int rc;

	*out = NULL;
	if ((rc = nd_store_open(app->cfg->db, out)) != 0)
		return rc;
	nd_arena_defer(req->arena, close_store, *out);
	return 0;
}

void nd__admin_headers(struct nd_http_response *res)
{
	nd_http_add_header(res, "Cache-Control", "no-store");
	nd_http_add_header(res, "X-Frame-Options", "DENY");
	/* The admin pages carry their own stylesheet inline and load only
	 * the admin's script file (never inline script); the editor's
	 * preview is a frame of this site; forms post only here. */
	nd_http_add_header(res, "Content-Security-Policy",
	                   "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
	                   "img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
	                   "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	nd_http_add_header(res, "Referrer-Policy", "same-origin");
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
}

const char *nd__admin_cookie(struct nd_app *app, struct nd_http_request *req, const char *name,
                             const char *value, int64_t max_age)
{
	return nd_arena_printf(req->arena,
	                       "%s=%s; Path=/admin; Max-Age=%lld; HttpOnly; "
	                       "SameSite=Strict%s",
	                       name, value, (long long)max_age,
	                       app->admin->secure ? "; Secure" : "");
}

int nd__admin_render(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const char *tpl, json_t *ctx, int status)
{
	int rc;

	json_object_set_new(ctx, "site_name", json_string(app->cfg->site_name));
	rc = nd_tpl_render(app->admin->tpl, tpl, ctx, &res->body);
	json_decref(ctx);
	if (rc) {
		nd_buf_reset(&res->body);
		return 500;
	}
	res->content_type = "text/html; charset=utf-8";
	return status;
}

/* "/admin/login?next=<path>" for the page asked for. */
static const char *login_url(struct nd_http_request *req)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *url;

	nd_buf_adds(&b, "/admin/login?next=");
	nd_escape_url(&b, req->path, req->path_len);
	url = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return url;
}

static int copy_user(void *ctx, const struct nd_user_rec *rec)
{
	struct nd_admin_user *u = ctx;

	if (rec->disabled)
		return ND_ENOTFOUND;
	u->id = rec->id;
	snprintf(u->login, sizeof(u->login), "%s", rec->login);
	snprintf(u->name, sizeof(u->name), "%s", rec->name);
	u->role = rec->role;
	return 0;
}

int nd__admin_session(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      struct nd_admin_user *user)
{
	const char *token = nd_http_cookie(req, ND_ADMIN_COOKIE);
	struct nd_store *s;
	int rc;

	memset(user, 0, sizeof(*user));
	if (!token)
		goto login;
	if ((rc = nd__admin_store(app, req, &s)) != 0)
		return 503;
	rc = nd_session_find(s, token, nd__admin_now(), &app->admin->session, &user->session);
	if (!rc)
		rc = nd_store_user_get_id(s, user->session.user_id, copy_user, user);
	if (rc == ND_ENOTFOUND)
		goto login;
	if (rc)
		return 503;
	return 0;
login:
	nd_http_add_header(res, "Location", login_url(req));
	return 303;
}

const char *nd__admin_csrf(struct nd_http_request *req, const struct nd_admin_user *user)
{
	char *tok = nd_arena_alloc(req->arena, ND_CSRF_TOKEN_LEN + 1);

	nd_csrf_token(user->session.csrf, NULL, 0, tok);
	return tok;
}

const char *nd__admin_field(struct nd_http_request *req, const char *name)
{
	struct nd_str v;

	if (!req->body || !nd_http_content_type_is(req, "application/x-www-form-urlencoded") ||
	    nd_form_get(req->body, req->body_len, name, req->arena, &v) || memchr(v.p, '\0', v.len))
		return NULL;
	return v.p;
}

int nd__admin_forbidden(struct nd_app *app, struct nd_http_request *req,
                        struct nd_http_response *res, const char *message)
{
	json_t *ctx =
	    json_pack("{s:s, s:s, s:b}", "title", "Forbidden", "message", message, "narrow", 1);

	return nd__admin_render(app, req, res, "message", ctx, 403);
}

int nd__admin_check_post(struct nd_app *app, struct nd_http_request *req,
                         struct nd_http_response *res, const struct nd_admin_user *user)
{
	if (nd__cross_site(app, req))
		return nd__admin_forbidden(app, req, res, ND_ADMIN_CROSS_SITE);
	if (!nd_csrf_verify(user->session.csrf, NULL, 0, nd__admin_field(req, "csrf")))
		return nd__admin_forbidden(app, req, res, ND_ADMIN_BAD_CSRF);
	return 0;
}

int nd__admin_begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                    enum nd_action action, struct nd_admin_user *user)
{
	int status;

	nd__admin_headers(res);
	if ((status = nd__admin_session(app, req, res, user)) != 0)
		return status;
	if (!nd_role_may(user->role, action))
		return nd__admin_forbidden(app, req, res,
		                           nd_arena_printf(req->arena, "The role %s may not %s.",
		                                           nd_role_name(user->role),
		                                           nd_action_name(action)));
	return 0;
}

json_t *nd__admin_ctx(struct nd_http_request *req, const struct nd_admin_user *user,
                      const char *title, const char *section)
{
	json_t *ctx = json_pack(
	    "{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:b, s:b, s:b, s:b}}", "title", title, "csrf",
	    nd__admin_csrf(req, user), "me", "login", user->login, "name",
	    *user->name ? user->name : user->login, "role", nd_role_name(user->role), "may",
	    "edit_any", nd_role_may(user->role, ND_ACT_EDIT_ANY), "publish",
	    nd_role_may(user->role, ND_ACT_PUBLISH), "users", nd_role_may(user->role, ND_ACT_USERS),
	    "settings", nd_role_may(user->role, ND_ACT_SETTINGS));

	if (section)
		json_object_set_new(ctx, nd_arena_printf(req->arena, "nav_%s", section),
		                    json_true());
	return ctx;
}
