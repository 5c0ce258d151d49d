#pragma once
/* Private to the handler module: the handlers and their shared helpers. */
#include <jansson.h>

#include "core/limits.h"
#include "handler/handler.h"
#include "route/route.h"
#include "site/site.h"
#include "store/store.h"

struct nd_app;

/* A handler: fills res for req and returns the HTTP status. site is
 * borrowed for the duration of the call (the caller holds the RCU lock). */
#define ND_HANDLER(name)                                                                           \
	int nd_handle_##name(struct nd_app *app, const struct nd_site *site,                       \
	                     struct nd_http_request *req, struct nd_http_response *res,            \
	                     const struct nd_route_match *m)

#define ND_ROUTE(method, pattern, name, cache, args) ND_HANDLER(name);
#include "route/routes.def"
#undef ND_ROUTE

/* Frees the readers' Recommendation blocks (recommend_show.c); NULL is fine. */
void nd__reader_blocks_free(struct nd_reader_blocks *t);

/* Reactions (reaction.c): reached through api_article_post and _delete,
 * which share their paths with the write API (api_write.c). */
ND_HANDLER(api_reaction);

/*
 * The write API's revision reads (api_write.c), reached through the GET
 * route of /api/articles/{id}: whether the rest of the path is
 * "{id}/revisions" or "{id}/revisions/{n}", and the handler for it (token
 * required; the answer says no-store, so the page cache keeps none).
 */
bool nd__api_revision_path(struct nd_http_request *req, const struct nd_route_match *m);

/*
 * Splits rest, the end of a path after ".../articles/" ("{id}/revisions",
 * "{id}/revisions/{n}", and with restore "{id}/revisions/{n}/restore"),
 * into *id (req's arena) and *n (0 for the list; 1 to 999999999). False
 * when rest has none of those shapes. Shared by the write API and the
 * admin's revision pages.
 */
bool nd__revision_path(struct nd_http_request *req, const struct nd_str *rest, bool restore,
                       char **id, int64_t *n);
int nd__api_revisions(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_route_match *m);

/*
 * Renders template tpl with ctx (consumed) plus the site-wide data every
 * page has ("site": name, navigation, asset URLs; "page" defaults), sets the
 * HTML content type, a validator (ETag) and cache headers, and answers
 * 304 when the client's copy is current. Returns status, or 500 when the
 * template fails.
 */
int nd__render_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                    struct nd_http_response *res, const char *tpl, json_t *ctx, int status);

/*
 * The Related list of a: up to limit articles, best first (related/
 * related.h), re-ranked by freshness and section. *scores (from req's
 * arena) gets their scores. Returns the count; items go to out.
 */
size_t nd__related(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                   const struct nd_site_article *a, size_t limit,
                   const struct nd_site_article **out, double *scores);

/*
 * The validators of a 200 answer made from the snapshot: an ETag (xxHash
 * of the body), Cache-Control "public, no-cache" and, when modified >= 0,
 * Last-Modified. Returns 304 (body emptied) when If-None-Match names the
 * ETag or, without If-None-Match, If-Modified-Since is at or after
 * modified; else 200.
 */
int nd__validate(struct nd_http_request *req, struct nd_http_response *res, int64_t modified);

/*
 * The page of article a (handler/content.c). preview: a's page for the
 * admin's preview (a need not be in site: a built from a form): no live
 * values (view count, reactions), no view counted, no Related, Ranking or
 * Recommendation, and robots noindex. Returns the status, as
 * nd__render_page.
 */
int nd__article_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, const struct nd_site_article *a, bool preview);

/* Renders the themed error page for status (404, 405, 410, 500...). */
int nd__render_error(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, int status, const char *message);

/* The card of an article for lists: title, url, description, section,
 * author, dates. Caller owns the result. */
json_t *nd__article_card(const struct nd_site_article *a);

/* Cards of list items [offset, offset+limit), newest first. */
json_t *nd__article_cards(const struct nd_site *site, const struct nd_site_list *list,
                          size_t offset, size_t limit);

/* The API shape of an article (id, slug, title, summary, section, author,
 * tags, url, published_at, updated_at). Caller owns the result. */
json_t *nd__article_json(struct nd_app *app, struct nd_http_request *req,
                         const struct nd_site_article *a);

/* Pagination for a list of total items at ?page=N: sets *offset and adds a
 * "pagination" object to ctx. Returns 0, or 404 when the page is past the
 * end (page 1 of an empty list is fine). */
int nd__paginate(struct nd_app *app, struct nd_http_request *req, json_t *ctx, const char *base_url,
                 size_t total, size_t *offset);

/* t as "2026-11-28T18:00:00Z" (RFC 3339, UTC) into out. */
void nd__iso_time(int64_t t, char out[32]);

/* t as "Sat, 28 Nov 2026 18:00:00 GMT": RFC 822 (four-digit year, as
 * RFC 1123 has it), which is also the HTTP date format. Locale-free. */
void nd__rfc822_time(int64_t t, char out[40]);

/* An HTTP date ("Sat, 28 Nov 2026 18:00:00 GMT") as Unix seconds, or -1. */
int64_t nd__parse_http_time(const char *s);

/* "2026-11-28T18:00:00Z" and "28 November 2026, 18:00 UTC" into ctx keys
 * key_iso and key_human. */
void nd__set_dates(json_t *obj, const char *key, int64_t t);

/*
 * Feeds (handler/feed.c). nd__feed_format: which feed path[0..len) names
 * by its ending ("/feed.xml" 0: RSS, "/atom.xml" 1: Atom, "/feed.json" 2:
 * JSON Feed), with the length of the path before it in *prefix_len; -1
 * when none. nd__section_feed answers a section's feed ("/world/feed.xml"),
 * or returns 0 when the path names no feed. nd__feed_links: the
 * autodiscovery links of the feeds of the page at base ("" for the site):
 * [{type, title, href}].
 */
int nd__feed_format(const char *path, size_t len, size_t *prefix_len);
int nd__section_feed(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res);
json_t *nd__feed_links(struct nd_app *app, struct nd_http_request *req, const char *base,
                       const char *title);

/*
 * Sitemaps (handler/sitemap.c): the articles (newest first) are split into
 * files of per URLs, "articles-1.xml" the newest. nd__sitemap_parts: how
 * many files count articles take (0 for none). nd__sitemap_part: the
 * articles [*from, *to) of file n (1-based); false when there is no file n.
 */
size_t nd__sitemap_parts(size_t count, size_t per);
bool nd__sitemap_part(size_t count, size_t per, size_t n, size_t *from, size_t *to);

/* An article page's metadata (handler/meta.c) into its "page" context:
 * "article" {published, modified, section, tags[]} for OpenGraph, an
 * absolute "image", and "jsonld" [{json}]: the NewsArticle and
 * BreadcrumbList blocks, safe to put raw inside <script>. */
void nd__article_meta(struct nd_app *app, struct nd_http_request *req,
                      const struct nd_site_article *a, json_t *page);

/* The absolute URL of path: the app's base URL (site_url, or the address
 * served on) + path. Never from the Host header, which the client writes. */
char *nd__absolute_url(struct nd_app *app, struct nd_http_request *req, const char *path);

/* A link from an import (an image) made absolute: kept when it starts
 * with http:// or https://, else taken as a path of the site. */
const char *nd__absolute_link(struct nd_app *app, struct nd_http_request *req, const char *url);

/*
 * Live values (handler/holes.h): the marker of a hole of kind for article
 * key (sub: the reaction type), from req's arena, and the internal headers
 * that make the dispatcher fill a page's holes ("html" or "json") and count
 * a view of an article (its key). The dispatcher takes them off before the
 * answer goes out; a cached page keeps them in its meta.
 */
const char *nd__hole(struct nd_app *app, struct nd_http_request *req, char kind, uint32_t key,
                     uint32_t sub);
#define ND_HDR_HOLES "X-Nd-Holes"
#define ND_HDR_COUNT "X-Nd-Count"

/* The reaction buttons of article key for a page context: {items: [{type,
 * label, count (a hole), action}]}, or NULL when none are configured. */
json_t *nd__reactions_ctx(struct nd_app *app, struct nd_http_request *req,
                          const struct nd_site_article *a);

/* The Ranking window called name ("24h"; rank/rank.h), or -1. */
int nd__rank_window(const char *name);

/* Appends the Ranking block of window w within scope (a section id, 0: the
 * site) to out: nothing when the list is empty. */
void nd__ranking_block(struct nd_app *app, const struct nd_site *site, int w, uint32_t scope,
                       struct nd_buf *out);

/* One item of a Recommendation list. */
struct nd_recs_result {
	const struct nd_site_article *article;
	double score;
	const char *reason; /* "covisit", "content", "popular" or "fresh" */
};

/*
 * The Recommendation list (handler/recommend.c): at most limit articles
 * for the reader whose history is visitor's (NULL: not personal, only the
 * context), on the page of current (NULL: the home page), best first.
 * Returns how many went to out.
 */
size_t nd__recommend(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     const uint8_t *visitor, const struct nd_site_article *current, size_t limit,
                     struct nd_recs_result *out);

/* Keeps a's Related list rel[0..n) (scores: their scores) for the
 * Recommendation list's content signal; at most ND__RELATED_KEEP used. */
#define ND__RELATED_KEEP 16
void nd__recommend_keep_related(struct nd_app *app, const struct nd_site_article *a,
                                const struct nd_site_article **rel, const double *scores, size_t n);

/* Appends the Recommendation block (theme template "recommendation") for
 * visitor on the page of article key current (0: home) to out; nothing
 * when the list is empty or recommend_count is 0. shown: a reader (not a
 * bot) gets it, so its items count as shown for the click-through rate. */
void nd__recommend_block(struct nd_app *app, const struct nd_site *site,
                         struct nd_http_request *req, const uint8_t *visitor, uint32_t current,
                         bool shown, struct nd_buf *out);

/* Query argument name as an integer in [0, max]: def when absent, -1 when
 * malformed or out of range. */
long nd__query_long(struct nd_http_request *req, const char *name, long def, long max);

/* The API's error answer: {"error": {"status": N, "message": "..."}}. */
int nd__api_error(struct nd_http_request *req, struct nd_http_response *res, int status,
                  const char *message);

/* Sends a JSON document (consumed) with the given status. */
int nd__send_json(struct nd_http_request *req, struct nd_http_response *res, json_t *doc,
                  int status);

/* Static assets of the theme. */
int nd__assets_load(const char *dir, struct nd_assets **out);
void nd__assets_free(struct nd_assets *assets);
/* "/static/style.css?v=1a2b3c4d" for a file of the theme, or NULL. */
const char *nd__asset_url(const struct nd_assets *assets, const char *name);

/*
 * Whether the request comes from another site (handler/reaction.c): a
 * Sec-Fetch-Site other than same-origin or none, or an Origin (else a
 * Referer) whose origin is not the site's (site_url, else the Host the
 * request came to). A request with none of them (a script) is not.
 */
bool nd__cross_site(struct nd_app *app, struct nd_http_request *req);

/* --- The admin (handler/admin.c): sessions, CSRF, pages under /admin --- */

struct nd_store;

/* The logged-in user of an admin request. */
struct nd_admin_user {
	int64_t id;
	char login[ND_STORE_LOGIN_MAX + 1];
	char name[ND_MAX_NAME + 1];
	enum nd_role role;
	struct nd_session_rec session;
};

/*
 * --- Article writes (handler/article_write.c), shared by the write API
 * and the admin's editor ---
 */

/* What the store has of an article before a write. */
struct nd_article_state {
	bool exists;
	int64_t owner; /* users.id of its owner; 0: none */
	enum nd_article_status status;
	/* Shown by the site now: published, or scheduled with its time come
	 * (the site's own rule, site.c). */
	bool live;
};

/* The state of the article with ext_id id (exists false when there is none); store errors. */
int nd__article_state(struct nd_store *s, const char *id, struct nd_article_state *st);

/*
 * Whether role (user user_id) may leave the article (cur: as it is) with
 * status (a delete counts as ND_STATUS_DRAFT): NULL when it may, else why
 * not (req's arena), for a 403. Without ND_ACT_EDIT_ANY only one's own
 * articles; without ND_ACT_PUBLISH only drafts, before and after.
 */
const char *nd__article_refusal(struct nd_http_request *req, enum nd_role role, int64_t user_id,
                                const struct nd_article_state *cur, enum nd_article_status status);

/* A revision in the import's shape plus "revision", "saved_at" and
 * "saved_by"; full false: only id, revision, title, status and who/when. */
json_t *nd__revision_json(const struct nd_revision_rec *r, bool full);

/* The article with ext_id id as stored, in the import's shape (its latest
 * revision, the article's own updated_at); NULL when the store fails. */
json_t *nd__article_doc(struct nd_store *s, const char *id);

/*
 * The webhook event of a write that took the article from before to after
 * (NULL: deleted): publish when it became live, update when it stayed so,
 * unpublish when it stopped being so; 0 for none (drafts, a schedule not
 * yet come). nd__article_saved_event: the same, after reading the state
 * of article id as the write left it (0 when the store fails).
 */
unsigned nd__article_event(const struct nd_article_state *before,
                           const struct nd_article_state *after);
unsigned nd__article_saved_event(struct nd_store *s, const char *id,
                                 const struct nd_article_state *before);

/* Queues webhook event for article id whose document is doc (borrowed). */
void nd__article_notify(struct nd_app *app, unsigned event, const char *id, json_t *doc);

/*
 * Webhooks of writes made outside requests (handler/webhook_events.c).
 * nd__golive: queues "publish" for each scheduled article whose time came
 * after the last one announced and is at or before now (the time the new
 * snapshot was built), at most once per database (docs/internals/
 * api-write.md, "Webhooks"); does nothing without webhooks. Returns how
 * many it queued.
 */
size_t nd__golive(struct nd_app *app, int64_t now);
/* Deletes the article id (in state cur) and, when it was published, queues
 * the webhook unpublish event; returns nd_store_article_delete's result. */
int nd__article_delete(struct nd_app *app, struct nd_store *s, const char *id,
                       const struct nd_article_state *cur);

/* Sets up the admin's state in app (templates, rate limits, form key); store errors. */
int nd__admin_open(struct nd_app *app);
void nd__admin_close(struct nd_app *app);

/*
 * A store handle for this request, opened on first use and closed when
 * the request's arena is freed. 0, or the store's error (then 503).
 */
int nd__admin_store(struct nd_app *app, struct nd_http_request *req, struct nd_store **out);

/*
 * The user logged in on req (the nd_s cookie's live session). Returns 0
 * and fills *user; else an HTTP status with res ready to send: 303 to
 * /admin/login?next=<this page> when there is no live session, 503 when
 * the store fails. Every admin page that needs a user starts with it.
 */
int nd__admin_session(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      struct nd_admin_user *user);

/* The CSRF token of user's session for the hidden field "csrf" (req's arena). */
const char *nd__admin_csrf(struct nd_http_request *req, const struct nd_admin_user *user);

/*
 * Checks a POST of user's: same origin (nd__cross_site) and a form field
 * "csrf" that is the session's token. 0, or 403 with the error page set.
 */
int nd__admin_check_post(struct nd_app *app, struct nd_http_request *req,
                         struct nd_http_response *res, const struct nd_admin_user *user);

/* Sets the headers every /admin answer carries: no-store, no framing. Each
 * admin handler calls it first, once. */
void nd__admin_headers(struct nd_http_response *res);

/*
 * Renders admin template tpl (themes/default/admin/, the same for every
 * theme) with ctx (consumed) plus "site_name", as an HTML page with
 * status (headers: nd__admin_headers, set by the caller). Returns status,
 * or 500.
 */
int nd__admin_render(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const char *tpl, json_t *ctx, int status);

/*
 * The start of every admin page but login: the admin headers, the session
 * (nd__admin_session) and the permission to do action (admin/role.h).
 * Returns 0 with *user set; else the status of an answer ready to send
 * (303 to the login page, 403 naming what the role may not do, 503).
 */
enum nd_action;
int nd__admin_begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                    enum nd_action action, struct nd_admin_user *user);

/*
 * The context every admin page starts from: "title", "csrf", "me" {login,
 * name, role}, the role's permissions "may" {edit_any, publish, users,
 * settings} for the navigation and buttons, and "nav_<section>": true for
 * the page's place in the navigation (section: "articles", "new",
 * "sections", "stats", "users", "tokens", "home"). Caller owns the result.
 */
json_t *nd__admin_ctx(struct nd_http_request *req, const struct nd_admin_user *user,
                      const char *title, const char *section);
