/*
 * The admin's first pages: GET/POST /admin/login, GET /admin (who is
 * logged in), POST /admin/logout and /admin/logout-all. Every answer is
 * no-store and never framed (nd__admin_headers); the routes are NO_CACHE.
 *
 * Before login there is no session to key the CSRF token, so the login
 * form gets a random cookie (nd_lf) and its token is the HMAC of that
 * value under the server's form key: a page of another site can neither
 * read the cookie nor compute the token.
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/str.h"
#include "handler/admin_int.h"
#include "admin/role.h"

#define FORM_COOKIE_LEN 43 /* base64url of 32 random bytes */

/* Milliseconds on the monotonic clock, for the rate limits. */
static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The value of the login form's cookie: the request's, or a new one (set on res). */
static const char *form_cookie(struct nd_app *app, struct nd_http_request *req,
                               struct nd_http_response *res)
{
	const char *v = nd_http_cookie(req, ND_ADMIN_FORM_COOKIE);
	uint8_t raw[32];
	char *fresh;

	if (v && strlen(v) == FORM_COOKIE_LEN &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
	              "rstuvwxyz0123456789-_") == FORM_COOKIE_LEN)
		return v;
	randombytes_buf(raw, sizeof(raw));
	fresh = nd_arena_alloc(req->arena, FORM_COOKIE_LEN + 1);
	sodium_bin2base64(fresh, FORM_COOKIE_LEN + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	nd_http_add_header(res, "Set-Cookie",
	                   nd__admin_cookie(app, req, ND_ADMIN_FORM_COOKIE, fresh, 86400));
	return fresh;
}

/* Where to go after login: next when it is a page of the admin, else /admin. */
static const char *safe_next(const char *next)
{
	if (!next || strncmp(next, "/admin", 6) || (next[6] && next[6] != '/' && next[6] != '?') ||
	    strstr(next, "//") || strpbrk(next, "\\\r\n\t ") || strlen(next) > 512 ||
	    !nd_utf8_valid(next, strlen(next), NULL))
		return "/admin";
	return next;
}

static int login_page(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const char *next, const char *login, const char *error, int status)
{
	const char *cookie = form_cookie(app, req, res);
	char token[ND_CSRF_TOKEN_LEN + 1];
	json_t *ctx;

	nd_csrf_token(app->admin->form_key, cookie, strlen(cookie), token);
	/* Shown again in the form: only if it is text (JSON strings are UTF-8). */
	if (login &&
	    (strlen(login) > ND_STORE_LOGIN_MAX || !nd_utf8_valid(login, strlen(login), NULL)))
		login = NULL;
	ctx = json_pack("{s:s, s:s, s:s, s:s, s:b}", "title", "Log in", "csrf", token, "next",
	                safe_next(next), "login", login ? login : "", "narrow", 1);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return nd__admin_render(app, req, res, "login", ctx, status);
}

ND_HANDLER(admin_login_form)
{
	struct nd_admin_user user;
	struct nd_http_response probe = {0};
	int status;

	(void)site;
	(void)m;
	nd__admin_headers(res);
	/* Already logged in: straight to the admin. */
	status = nd__admin_session(app, req, &probe, &user);
	nd_buf_release(&probe.body);
	if (status == 0) {
		nd_http_add_header(res, "Location", safe_next(nd_http_query(req, "next")));
		return 303;
	}
	return login_page(app, req, res, nd_http_query(req, "next"), NULL, NULL, 200);
}

/* The lockout message: the time the lock ends ("14:05:00 UTC") and the minutes until then. */
static const char *locked_message(struct nd_http_request *req, int64_t until, int64_t now)
{
	const char *at = nd__admin_strftime(req, until, "%H:%M:%S UTC");
	int64_t mins = (until - now + 59) / 60;

	return nd_arena_printf(req->arena,
	                       "Too many failed logins: logging in with this name is blocked until "
	                       "%s (in %lld minute%s). Try again then.",
	                       at, (long long)mins, mins == 1 ? "" : "s");
}

static uint64_t key_of(const char *what, const char *s)
{
	struct nd_buf b = ND_BUF_INIT;
	uint64_t h;

	nd_buf_adds(&b, what);
	for (; *s; s++)
		nd_buf_addch(&b, (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s);
	h = nd_hash(b.buf, b.len);
	nd_buf_release(&b);
	return h;
}

/*
 * The part of a client address one party holds: an IPv6 client gets a
 * whole /64 (2^64 addresses), so the limit per address would be no limit;
 * an IPv4 address (::ffff:a.b.c.d) stays whole.
 */
static void network_of(uint8_t addr[16])
{
	static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(addr, v4_mapped, sizeof(v4_mapped)))
		memset(addr + 8, 0, 8);
}

ND_HANDLER(admin_login)
{
	struct nd_admin_web *a = app->admin;
	const char *login = nd__admin_field(req, "login");
	const char *pw = nd__admin_field(req, "password");
	const char *next = nd__admin_field(req, "next");
	const char *cookie = nd_http_cookie(req, ND_ADMIN_FORM_COOKIE);
	const char *old = nd_http_cookie(req, ND_ADMIN_COOKIE);
	char token[ND_SESSION_TOKEN_LEN + 1];
	struct nd_account acct;
	struct nd_store *s;
	uint8_t addr[16];
	int64_t now = nd__admin_now(), until;
	int retry = 0, rc;

	(void)site;
	(void)m;
	nd__admin_headers(res);
	if (nd__cross_site(app, req))
		return nd__admin_forbidden(app, req, res, ND_ADMIN_CROSS_SITE);
	if (!cookie ||
	    !nd_csrf_verify(a->form_key, cookie, strlen(cookie), nd__admin_field(req, "csrf")))
		return nd__admin_forbidden(app, req, res, ND_ADMIN_BAD_CSRF);
	if (!login || !pw)
		return login_page(app, req, res, next, login, "Enter your login and password.",
		                  400);
	nd_http_client_addr(req, addr);
	network_of(addr);
	if (!nd_ratelimit_take(a->by_ip, nd_hash(addr, sizeof(addr)), mono_ms(), &retry) ||
	    !nd_ratelimit_take(a->by_login, key_of("login\n", login), mono_ms(), &retry)) {
		nd_http_add_header(res, "Retry-After", nd_arena_printf(req->arena, "%d", retry));
		return login_page(
		    app, req, res, next, login,
		    nd_arena_printf(req->arena,
		                    "Too many login attempts: wait %d second%s and try "
		                    "again.",
		                    retry, retry == 1 ? "" : "s"),
		    429);
	}
	if ((rc = nd__admin_store(app, req, &s)) != 0)
		return 503;
	if (atomic_fetch_add(&a->hashing, 1) >= ND_ADMIN_HASHING) {
		atomic_fetch_sub(&a->hashing, 1);
		nd_http_add_header(res, "Retry-After", "1");
		return login_page(app, req, res, next, login,
		                  "The server is busy with other logins: try again in a moment.",
		                  503);
	}
	rc = nd_account_login(s, login, pw, strlen(pw), now, &a->login, &acct, &until);
	atomic_fetch_sub(&a->hashing, 1);
	sodium_memzero(&acct.password, sizeof(acct.password));
	if (rc == ND_EBUSY) {
		nd_http_add_header(res, "Retry-After",
		                   nd_arena_printf(req->arena, "%lld", (long long)(until - now)));
		return login_page(app, req, res, next, login, locked_message(req, until, now), 429);
	}
	if (rc == ND_EINVAL)
		return login_page(app, req, res, next, login, "Wrong login or password.", 401);
	if (rc)
		return 503;
	/* A new session every login: a session id planted before (fixation) is never kept. */
	nd_session_end(s, old);
	nd_store_session_purge(s, now, now - a->session.idle_seconds, NULL);
	nd_store_login_purge(s, now, NULL);
	if (nd_session_create(s, acct.id, now, &a->session, token, NULL))
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' logged in", acct.login);
	nd_http_add_header(res, "Set-Cookie",
	                   nd__admin_cookie(app, req, ND_ADMIN_COOKIE,
	                                    nd_arena_strdup(req->arena, token),
	                                    a->session.max_seconds));
	nd_http_add_header(res, "Set-Cookie",
	                   nd__admin_cookie(app, req, ND_ADMIN_FORM_COOKIE, "", 0));
	sodium_memzero(token, sizeof(token));
	nd_http_add_header(res, "Location", safe_next(next));
	return 303;
}

/*
 * The newsroom's desk on the admin's first page: the user's drafts, the
 * scheduled queue and the latest published, each the few most recently
 * updated with its count and a link to the whole list. Store errors.
 */
static int desk(struct nd_app *app, struct nd_http_request *req, const struct nd_admin_user *u,
                json_t *ctx)
{
	static const struct {
		const char *key, *title, *more;
		enum nd_article_status status;
		bool mine;
	} lists[] = {
	    {"drafts", "Your drafts", "/admin/articles?status=draft&mine=1", ND_STATUS_DRAFT, true},
	    {"scheduled", "Scheduled", "/admin/articles?status=scheduled", ND_STATUS_SCHEDULED,
	     false},
	    {"published", "Latest published", "/admin/articles?status=published",
	     ND_STATUS_PUBLISHED, false},
	};
	json_t *out = json_array();
	struct nd_store *s;
	int rc;

	json_object_set_new(ctx, "desk", out);
	if ((rc = nd__admin_store(app, req, &s)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct nd_article_query q = {.status = (int)lists[i].status,
		                             .owner_user_id = lists[i].mine ? u->id : 0,
		                             .limit = 5};
		json_t *rows;
		int64_t total;

		if ((rc = nd__admin_article_rows(req, s, u, &q, &rows, &total)) != 0)
			return rc;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:I, s:o, s:b}", "key",
		                                     lists[i].key, "title", lists[i].title, "more",
		                                     lists[i].more, "total", (json_int_t)total,
		                                     "rows", rows, "empty", total == 0));
	}
	return 0;
}

ND_HANDLER(admin_home)
{
	static const enum nd_action shown[] = {ND_ACT_EDIT_OWN, ND_ACT_EDIT_ANY, ND_ACT_PUBLISH,
	                                       ND_ACT_USERS, ND_ACT_SETTINGS};
	struct nd_admin_user u;
	json_t *ctx, *may;
	int status;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	may = json_array();
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		json_array_append_new(may,
		                      json_pack("{s:s, s:b}", "action", nd_action_name(shown[i]),
		                                "allowed", nd_role_may(u.role, shown[i])));
	ctx = nd__admin_ctx(req, &u, "Admin", "home");
	json_object_set_new(ctx, "abilities", may);
	if (desk(app, req, &u, ctx))
		json_object_set_new(ctx, "error",
		                    json_string("The articles cannot be read just now; reload "
		                                "the page to try again."));
	return nd__admin_render(app, req, res, "home", ctx, 200);
}

/* Ends this session (all: every session of its user) and goes to the login page. */
static int logout(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                  bool all)
{
	struct nd_admin_user u;
	struct nd_store *s;
	int status, rc;

	nd__admin_headers(res);
	if ((status = nd__admin_session(app, req, res, &u)) != 0)
		return status;
	if ((status = nd__admin_check_post(app, req, res, &u)) != 0)
		return status;
	if ((rc = nd__admin_store(app, req, &s)) != 0)
		return 503;
	rc = all ? nd_store_session_delete_user(s, u.id, NULL)
	         : nd_store_session_delete(s, u.session.id);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' logged out%s", u.login, all ? " everywhere" : "");
	nd_http_add_header(res, "Set-Cookie", nd__admin_cookie(app, req, ND_ADMIN_COOKIE, "", 0));
	nd_http_add_header(res, "Location", "/admin/login");
	return 303;
}

ND_HANDLER(admin_logout)
{
	(void)site;
	(void)m;
	return logout(app, req, res, false);
}

ND_HANDLER(admin_logout_all)
{
	(void)site;
	(void)m;
	return logout(app, req, res, true);
}
