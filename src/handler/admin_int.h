#pragma once
/* Shared by the admin's handler files (admin.c, admin_login.c) only. */
#include <stdbool.h>
#include <stdint.h>

#include "admin/account.h"
#include "admin/csrf.h"
#include "admin/session.h"
#include "handler/handler_int.h"

/* The session cookie and the login form's cookie (its CSRF key's message). */
#define ND_ADMIN_COOKIE      "nd_s"
#define ND_ADMIN_FORM_COOKIE "nd_lf"

#define ND_ADMIN_BAD_CSRF                                                                          \
	"This form has expired or did not come from this site (its security token is missing or "  \
	"wrong). Go back, reload the page and send it again."
#define ND_ADMIN_CROSS_SITE "Forms of the admin can only be sent from this site's own pages."

#define ND_ADMIN_HASHING 2

struct nd_ratelimit;
struct nd_tpl_set;

struct nd_admin_web {
	struct nd_tpl_set *tpl;        /* themes/default/admin/ */
	struct nd_ratelimit *by_ip;    /* login attempts per address */
	struct nd_ratelimit *by_login; /* login attempts per login name */
	/* Password checks under way, at most ND_ADMIN_HASHING at once: each
	 * holds a worker thread and 64 MB for about 0.1 s, so a burst of
	 * logins must not take every worker from the readers. */
	_Atomic int hashing;
	uint8_t form_key[ND_CSRF_KEY_LEN]; /* the login form's CSRF key, in the store */
	struct nd_session_policy session;
	struct nd_login_policy login;
	bool secure; /* site_url is https: cookies get Secure */
};

/* Unix seconds now. */
int64_t nd__admin_now(void);

/* A Set-Cookie value for name=value under /admin, from req's arena (max_age 0: delete). */
const char *nd__admin_cookie(struct nd_app *app, struct nd_http_request *req, const char *name,
                             const char *value, int64_t max_age);

/* Form field name of a urlencoded POST (req's arena), or NULL (absent, malformed, NUL). */
const char *nd__admin_field(struct nd_http_request *req, const char *name);

/* The 403 page with message. */
int nd__admin_forbidden(struct nd_app *app, struct nd_http_request *req,
                        struct nd_http_response *res, const char *message);

/*
 * --- Small helpers of the people and taxonomy pages (admin_notice.c):
 * admin_users.c, admin_tokens.c, admin_taxonomy.c ---
 */

/* A notice after a successful POST: code in the redirect's query ("done")
 * and a sentence with one %s, the query's "name" (escaped when shown). */
struct nd_admin_notice {
	const char *code;
	const char *format;
};

/* Sets Location to path?done=code&name=subject (URL-escaped) and returns 303. */
int nd__admin_done(struct nd_http_request *req, struct nd_http_response *res, const char *path,
                   const char *code, const char *subject);

/* The notice named by this request's query among table[0..n), or NULL (req's arena). */
const char *nd__admin_notice(struct nd_http_request *req, const struct nd_admin_notice *table,
                             size_t n);

/* Route parameter i as a string (req's arena), and as an id: > 0, or 0 when not a number. */
const char *nd__admin_param(struct nd_http_request *req, const struct nd_route_match *m, size_t i);
int64_t nd__admin_param_id(struct nd_http_request *req, const struct nd_route_match *m, size_t i);

/* A form field as an id (> 0), 0 when absent or not a number. */
int64_t nd__admin_field_id(struct nd_http_request *req, const char *name);

/* t (UTC) formatted by strftime's fmt, from req's arena; "" when it cannot be. */
const char *nd__admin_strftime(struct nd_http_request *req, int64_t t, const char *fmt);

/* t as "28 November 2026, 18:00 UTC" (req's arena); never when t is 0. */
const char *nd__admin_time(struct nd_http_request *req, int64_t t, const char *never);

/*
 * The revisions pages (admin_revisions.c), reached through the editor's
 * routes "/admin/articles/..." (m->params[0]: the rest of the path):
 *
 *	GET  /admin/articles/{id}/revisions              the list, newest first
 *	GET  /admin/articles/{id}/revisions/{n}          one, diffed against the current
 *	POST /admin/articles/{id}/revisions/{n}/restore  save it again (CSRF)
 *
 * nd__admin_revision_path: whether the rest is one of the GET shapes
 * (restore false) or the POST one (restore true). The handlers answer
 * only paths it accepted; they return the status with res set.
 */
/*
 * The rows of the admin's article list (admin_articles.c) for the
 * articles matching q, as the list shows them to user u: [{id, title,
 * status, section, author, owner, updated, edit_url (when u may edit),
 * published and view_url, or scheduled}] into *rows (caller owns), and
 * the number matching in all into *total. The store's errors.
 */
struct nd_article_query;
int nd__admin_article_rows(struct nd_http_request *req, struct nd_store *s,
                           const struct nd_admin_user *u, const struct nd_article_query *q,
                           json_t **rows, int64_t *total);

bool nd__admin_revision_path(struct nd_http_request *req, const struct nd_route_match *m,
                             bool restore);
int nd__admin_revisions_get(struct nd_app *app, struct nd_http_request *req,
                            struct nd_http_response *res, const struct nd_route_match *m);
int nd__admin_revision_restore(struct nd_app *app, struct nd_http_request *req,
                               struct nd_http_response *res, const struct nd_route_match *m);

/*
 * The lines of a diff from a to b for the revision page: [{op ("same",
 * "del", "add"), mark (" ", "-", "+"), old, new (line numbers, absent on
 * the other side), text}], unchanged runs cut to context lines around each
 * change and the cut replaced by {gap: N lines}. An empty array when a
 * equals b. Caller owns the result.
 */
json_t *nd__admin_diff_rows(const char *a, const char *b, size_t context);
