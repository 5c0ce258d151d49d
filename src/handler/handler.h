#pragma once
/*
 * The web application: routes each request (route/routes.def) to the
 * handler of its page or endpoint, renders pages from the theme's Mustache
 * templates with data from the current site snapshot, and serves the
 * theme's static assets.
 */
#include <stdatomic.h>

#include "http/http.h"

struct nd_config;
struct nd_snapshot;
struct nd_tpl_set;
struct nd_assets;
struct nd_engage;
struct nd_admin_web;

struct nd_reader_blocks;

struct nd_app {
	const struct nd_config *cfg; /* borrowed, outlives the app */
	struct nd_snapshot *snap;    /* borrowed, outlives the app */
	struct nd_tpl_set *tpl;
	struct nd_assets *assets;
	char *theme_dir;
	char *base_url;               /* "https://news.example.com", no trailing slash */
	struct nd_engage *engage;     /* views, reactions, visitors (handler/engage.h) */
	struct nd_admin_web *admin;   /* the admin's state (handler/admin.c) */
	struct nd_webhooks *webhooks; /* NULL: none configured (webhook/webhook.h) */
	/* Readers' last Recommendation blocks (handler/recommend_show.c),
	 * made on first use. */
	_Atomic(struct nd_reader_blocks *) reader_blocks;
};

/*
 * Loads the theme (cfg->theme, or the built-in default theme): compiles its
 * templates and reads its static/ folder into memory. Errors: ND_EIO when
 * the theme folder cannot be read, ND_ESYNTAX for a broken template,
 * ND_EINVAL when a required template (layout, home, section, article, list,
 * error) is missing; messages logged. Also opens the counters
 * (handler/engage.h) on cfg->db: the errors of the store.
 */
int nd_app_init(struct nd_app *app, const struct nd_config *cfg, struct nd_snapshot *snap);
void nd_app_release(struct nd_app *app);

/*
 * Sets the base of absolute URLs (canonical links, the API's url): site_url
 * when configured, else http://HOST:port of the address served on (a
 * wildcard address becomes "localhost", with a warning that site_url should
 * be set). Call once the server is bound, with the port it got.
 */
void nd_app_set_base_url(struct nd_app *app, int port);

/* The nd_http_handler_fn that serves the site; ctx is the struct nd_app. */
int nd_app_handle(void *ctx, struct nd_http_request *req, struct nd_http_response *res);

/* The nd_http_accepts_body_fn of the site: a request whose method and
 * path match a route other than GET has its body read, up to
 * ND_MAX_FORM_BODY (reactions, the admin's forms) or ND_MAX_API_BODY (the
 * write API's articles). */
size_t nd_app_accepts_body(void *ctx, const char *method, const char *path);

/*
 * Queues the webhook event of a save made outside a request (`serve`'s
 * wire fetch): ext_id as now stored in s, which existed before or not and
 * then had status before (enum nd_article_status). The event is the write
 * API's (publish, update, unpublish, none for drafts). Nothing without
 * webhooks. handler/webhook_events.c; docs/internals/api-write.md.
 */
struct nd_store;
void nd_app_article_saved(struct nd_app *app, struct nd_store *s, const char *ext_id, bool existed,
                          int before);

/* The folder of the default theme that ships with newsdesk. */
const char *nd_app_default_theme(void);
