/*
 * The admin's stats pages (issue 6, item 2; docs/internals/admin-stats.md):
 *
 *	GET /admin/stats                     the site
 *	GET /admin/stats/section/{id|path}   a section with its subsections
 *	GET /admin/stats/article/{ext_id}    one article
 *
 * each with ?days=7|30|90 (default 30). Every page has two SVG charts made
 * here (render/chart.h): views per hour over the last 48 hours and per day
 * over the chosen days, read from the store (view_hours and view_days,
 * nd_store_view_series). The counter flushes every second, so the store is
 * at most about a second behind. The Most read lists come from the Ranking
 * (rank/rank.h), which is in memory. Any logged-in role may look.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "admin/role.h"
#include "counter/counter.h"
#include "handler/admin_int.h"
#include "handler/engage.h"
#include "rank/rank.h"
#include "render/chart.h"
#include "render/escape.h"

#define HOURS     48 /* the hourly chart */
#define TOP_ITEMS 10 /* Most read lists */

static const int range_days[] = {7, 30, 90};

/* What a page shows, and when. */
struct span {
	int64_t now;
	int64_t hour;  /* the current hour */
	int64_t today; /* the current day */
	int days;      /* of the daily chart */
};

static void span_init(struct nd_http_request *req, struct span *sp)
{
	const char *q = nd_http_query(req, "days");

	sp->now = nd__admin_now();
	sp->hour = sp->now / 3600;
	sp->today = sp->now / 86400;
	sp->days = 30;
	for (size_t i = 0; q && i < sizeof(range_days) / sizeof(range_days[0]); i++) {
		char name[8];
		snprintf(name, sizeof(name), "%d", range_days[i]);
		if (!strcmp(q, name))
			sp->days = range_days[i];
	}
}

/* n as "12,345". */
static json_t *count_str(int64_t n)
{
	char out[32];

	nd_chart_format_count(n, out);
	return json_string(out);
}

static int64_t sum(const int64_t *v, size_t n)
{
	int64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += v[i];
	return t;
}

/* The SVG of one chart as a string. */
static json_t *chart_svg(const char *title, int64_t start, int64_t step, const int64_t *v, size_t n)
{
	struct nd_chart c = {
	    .title = title, .unit = "views", .start = start, .step = step, .values = v, .n = n};
	struct nd_buf b = ND_BUF_INIT;
	json_t *s;

	if (nd_chart_svg(&c, &b)) {
		nd_buf_release(&b);
		return NULL;
	}
	s = json_stringn(b.buf, b.len);
	nd_buf_release(&b);
	return s;
}

/*
 * Adds "charts" {hours, days}, the totals, "days" and the range switch
 * ("ranges": [{days, url, current}]) for the articles ids[0..n), or
 * the whole site when whole_site, to ctx. base is the page's URL. Returns
 * 0 or a store error.
 */
static int add_charts(struct nd_store *s, struct nd_http_request *req, const struct span *sp,
                      const int64_t *ids, size_t n, bool whole_site, const char *base, json_t *ctx)
{
	int64_t hours[HOURS] = {0}, days[90] = {0};
	int64_t from_day = sp->today - sp->days + 1;
	json_t *h, *d, *ranges;
	int rc;

	/* No articles (an empty section): no views, not the site's. */
	if ((whole_site || n) && ((rc = nd_store_view_series(s, ids, n, sp->hour - HOURS + 1,
	                                                     sp->hour + 1, 1, hours)) != 0 ||
	                          (rc = nd_store_view_series(s, ids, n, from_day * 24,
	                                                     (sp->today + 1) * 24, 24, days)) != 0))
		return rc;
	ranges = json_array();
	h = chart_svg("Views per hour, last 48 hours (UTC)", (sp->hour - HOURS + 1) * 3600, 3600,
	              hours, HOURS);
	d = chart_svg(nd_arena_printf(req->arena, "Views per day, last %d days (UTC)", sp->days),
	              from_day * 86400, 86400, days, (size_t)sp->days);
	json_object_set_new(ctx, "charts", json_pack("{s:o?, s:o?}", "hours", h, "days", d));
	json_object_set_new(ctx, "total_hours", count_str(sum(hours, HOURS)));
	json_object_set_new(ctx, "total_days", count_str(sum(days, (size_t)sp->days)));
	json_object_set_new(ctx, "this_hour", count_str(hours[HOURS - 1]));
	json_object_set_new(ctx, "days", json_integer(sp->days));
	for (size_t i = 0; i < sizeof(range_days) / sizeof(range_days[0]); i++)
		json_array_append_new(
		    ranges,
		    json_pack("{s:i, s:s, s:b}", "days", range_days[i], "url",
		              nd_arena_printf(req->arena, "%s?days=%d", base, range_days[i]),
		              "current", range_days[i] == sp->days));
	json_object_set_new(ctx, "ranges", ranges);
	return 0;
}

/* "/admin/stats/article/<ext_id escaped>". */
static const char *article_stats_url(struct nd_http_request *req, const char *ext_id)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *url;

	nd_buf_adds(&b, "/admin/stats/article/");
	nd_escape_url(&b, ext_id, strlen(ext_id));
	url = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return url;
}

/* The Most read list of window w in scope: [{title, url, stats_url, section, views}]. */
static json_t *top_list(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                        enum nd_rank_window w, uint32_t scope)
{
	struct nd_rank_item items[ND_RANK_MAX];
	json_t *arr = json_array();
	size_t n;

	if (!app->engage)
		return arr;
	nd_engage_sync(app->engage, site);
	/* Articles unpublished since the list was made are skipped: ask for more. */
	n = nd_rank_top(nd_engage_rank(app->engage), w, scope, TOP_ITEMS + 10, items);
	for (size_t i = 0; i < n && json_array_size(arr) < TOP_ITEMS; i++) {
		const struct nd_site_article *a = nd_site_article_by_key(site, items[i].id);

		if (!a)
			continue;
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:s, s:s, s:o}", "title", a->title, "url", a->url,
		                   "stats_url", article_stats_url(req, a->ext_id), "section",
		                   a->section->path, "views", count_str(items[i].views)));
	}
	return arr;
}

/* "top": the Most read lists of the last 24 hours and 7 days in scope,
 * [{title, any, items: [...]}]. */
static void add_tops(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     uint32_t scope, json_t *ctx)
{
	static const struct {
		enum nd_rank_window w;
		const char *title;
	} lists[] = {{ND_RANK_24H, "last 24 hours"}, {ND_RANK_7D, "last 7 days"}};
	json_t *top = json_array();

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_t *items = top_list(app, site, req, lists[i].w, scope);
		json_array_append_new(top,
		                      json_pack("{s:s, s:b, s:o}", "title", lists[i].title, "any",
		                                json_array_size(items) > 0, "items", items));
	}
	json_object_set_new(ctx, "top", top);
}

/* Per-section views in a range: each article's views go to its section and every ancestor. */
struct section_sums {
	const struct nd_site *site;
	int64_t *views; /* by index in site->sections */
};

static int section_add(void *ctx, int64_t article_id, int64_t views)
{
	struct section_sums *ss = ctx;
	const struct nd_site_article *a;

	if (article_id <= 0 || article_id > UINT32_MAX ||
	    !(a = nd_site_article_by_key(ss->site, (uint32_t)article_id)))
		return 0;
	for (const struct nd_site_section *x = a->section; x; x = x->parent)
		ss->views[x - ss->site->sections] += views;
	return 0;
}

/*
 * A table of sections with their views over the page's days: every
 * section (parent NULL and all false) or the children of parent.
 */
static int section_table(struct nd_store *s, const struct nd_site *site,
                         struct nd_http_request *req, const struct span *sp,
                         const struct nd_site_section *parent, bool all, json_t **out)
{
	struct section_sums ss = {
	    site, nd_arena_alloc(req->arena, sizeof(int64_t) * (site->section_count + 1))};
	json_t *arr;
	int rc;

	*out = NULL;
	memset(ss.views, 0, sizeof(int64_t) * (site->section_count + 1));
	if ((rc = nd_store_each_article_range_views(s, (sp->today - sp->days + 1) * 24,
	                                            (sp->today + 1) * 24, section_add, &ss)) != 0)
		return rc;
	arr = json_array();
	for (size_t i = 0; i < site->section_count; i++) {
		const struct nd_site_section *x = &site->sections[i];

		if (!all && x->parent != parent)
			continue;
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:s, s:i, s:o, s:i}", "name", x->name, "path",
		                   x->path, "stats_url",
		                   nd_arena_printf(req->arena, "/admin/stats/section/%lld",
		                                   (long long)x->id),
		                   "depth", x->depth, "views", count_str(ss.views[i]), "articles",
		                   (json_int_t)x->articles.count));
	}
	*out = arr;
	return 0;
}

/* The page for a missing section or article: 404. */
static int not_found(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const struct nd_admin_user *u, const char *message)
{
	json_t *ctx = nd__admin_ctx(req, u, "Not found", "stats");

	json_object_set_new(ctx, "message", json_string(message));
	return nd__admin_render(app, req, res, "stats_missing", ctx, 404);
}

static int store_failed(struct nd_app *app, struct nd_http_request *req,
                        struct nd_http_response *res, const struct nd_admin_user *u)
{
	json_t *ctx = nd__admin_ctx(req, u, "Stats unavailable", "stats");

	json_object_set_new(ctx, "message",
	                    json_string("The view counts cannot be read from the store right now. "
	                                "Try again in a moment."));
	return nd__admin_render(app, req, res, "stats_missing", ctx, 503);
}

static int add_total(void *ctx, int64_t id, int64_t views)
{
	(void)id;
	*(int64_t *)ctx += views;
	return 0;
}

ND_HANDLER(admin_stats)
{
	struct nd_admin_user u;
	struct nd_store *s;
	struct span sp;
	bool simulated;
	int64_t total = 0;
	json_t *ctx, *sections;
	int status;

	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	span_init(req, &sp);
	simulated = site->simulated_activity;
	ctx = nd__admin_ctx(req, &u, "Stats", "stats");
	json_object_set_new(ctx, "simulated", json_boolean(simulated));
	if (nd__admin_store(app, req, &s) || nd_store_read_begin(s) ||
	    add_charts(s, req, &sp, NULL, 0, true, "/admin/stats", ctx) ||
	    nd_store_each_article_views(s, add_total, &total) ||
	    section_table(s, site, req, &sp, NULL, true, &sections)) {
		json_decref(ctx);
		return store_failed(app, req, res, &u);
	}
	nd_store_read_end(s);
	json_object_set_new(ctx, "total_all", count_str(total));
	json_object_set_new(ctx, "any_sections", json_boolean(json_array_size(sections) > 0));
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "article_count", count_str((int64_t)site->article_count));
	add_tops(app, site, req, ND_RANK_SITE, ctx);
	return nd__admin_render(app, req, res, "stats", ctx, 200);
}

/* The section named by the rest of the path: its id, or its path ("world/europe"). */
static const struct nd_site_section *
section_named(const struct nd_site *site, struct nd_http_request *req, const struct nd_str *rest)
{
	const char *p = rest->p;
	size_t len = rest->len;
	char *path;

	while (len && p[len - 1] == '/')
		len--;
	if (len && strspn(p, "0123456789") >= len) {
		long long id = strtoll(nd_arena_strndup(req->arena, p, len), NULL, 10);
		for (size_t i = 0; i < site->section_count; i++)
			if (site->sections[i].id == id)
				return &site->sections[i];
		return NULL;
	}
	path = nd_arena_printf(req->arena, "/%.*s", (int)len, p);
	return nd_site_section_at(site, path, strlen(path));
}

ND_HANDLER(admin_stats_section)
{
	const struct nd_site_section *sec;
	struct nd_admin_user u;
	struct nd_store *s;
	struct span sp;
	bool simulated;
	int64_t *ids;
	size_t n = 0;
	json_t *ctx, *subs, *trail = json_array();
	const char *base;
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0) {
		json_decref(trail);
		return status;
	}
	if (!(sec = section_named(site, req, &m->params[0]))) {
		json_decref(trail);
		return not_found(app, req, res, &u,
		                 nd_arena_printf(req->arena, "There is no section '%.*s'.",
		                                 (int)m->params[0].len, m->params[0].p));
	}
	span_init(req, &sp);
	simulated = site->simulated_activity;
	/* Every article of the section or below it, copies of a story included. */
	ids = nd_arena_alloc(req->arena, sizeof(int64_t) * (site->article_count + 1));
	for (size_t i = 0; i < site->article_count; i++)
		for (const struct nd_site_section *x = site->articles[i].section; x; x = x->parent)
			if (x == sec) {
				ids[n++] = site->articles[i].id;
				break;
			}
	for (const struct nd_site_section *x = sec->parent; x; x = x->parent)
		json_array_insert_new(
		    trail, 0,
		    json_pack("{s:s, s:s}", "name", x->name, "stats_url",
		              nd_arena_printf(req->arena, "/admin/stats/section/%lld",
		                              (long long)x->id)));
	base = nd_arena_printf(req->arena, "/admin/stats/section/%lld", (long long)sec->id);
	ctx = nd__admin_ctx(req, &u, nd_arena_printf(req->arena, "Stats: %s", sec->path), "stats");
	json_object_set_new(ctx, "simulated", json_boolean(simulated));
	json_object_set_new(ctx, "section",
	                    json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", sec->name, "path",
	                              sec->path, "url", sec->url, "articles", count_str((int64_t)n),
	                              "trail", trail));
	if (nd__admin_store(app, req, &s) || nd_store_read_begin(s) ||
	    add_charts(s, req, &sp, ids, n, false, base, ctx) ||
	    section_table(s, site, req, &sp, sec, false, &subs)) {
		json_decref(ctx);
		return store_failed(app, req, res, &u);
	}
	nd_store_read_end(s);
	json_object_set_new(ctx, "any_subsections", json_boolean(json_array_size(subs) > 0));
	json_object_set_new(ctx, "subsections", subs);
	add_tops(app, site, req, (uint32_t)sec->id, ctx);
	return nd__admin_render(app, req, res, "stats_section", ctx, 200);
}

/* What the article page needs of an article that is not on the site (draft, unpublished). */
struct stored {
	int64_t id, published_at;
	char title[ND_MAX_TITLE + 1];
	enum nd_article_status status;
};

static int copy_stored(void *ctx, const struct nd_article_rec *rec)
{
	struct stored *st = ctx;

	st->id = rec->id;
	st->published_at = rec->published_at;
	st->status = rec->status;
	snprintf(st->title, sizeof(st->title), "%s", rec->title);
	return 0;
}

/* [{label, count}] of the configured reaction types on article id. */
static json_t *reaction_list(struct nd_app *app, int64_t id)
{
	const char *const *slugs, *const *labels;
	struct nd_counter *c = app->engage ? nd_engage_counter(app->engage) : NULL;
	json_t *arr = json_array();
	size_t n;

	if (!c)
		return arr;
	n = nd_engage_types(app->engage, &slugs, &labels);
	for (size_t i = 0; i < n; i++) {
		int t = nd_counter_type(c, slugs[i], strlen(slugs[i]));
		if (t < 0)
			continue;
		json_array_append_new(
		    arr, json_pack(
		             "{s:s, s:s, s:o}", "slug", slugs[i], "label", labels[i], "count",
		             count_str((int64_t)nd_counter_reactions(c, (uint32_t)id, (size_t)t))));
	}
	return arr;
}

ND_HANDLER(admin_stats_article)
{
	char *ext_id = nd_arena_strndup(req->arena, m->params[0].p, m->params[0].len);
	const struct nd_site_article *a = nd_map_get(&site->by_ext_id, ext_id, strlen(ext_id));
	struct stored st = {0};
	struct nd_admin_user u;
	struct nd_store *s = NULL;
	struct nd_counter *counter;
	struct span sp;
	bool simulated;
	json_t *ctx, *art;
	struct nd_buf edit = ND_BUF_INIT;
	int status, rc;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	if (nd__admin_store(app, req, &s))
		return store_failed(app, req, res, &u);
	if (a) {
		st.id = a->id;
		st.published_at = a->published_at;
		st.status = ND_STATUS_PUBLISHED;
		snprintf(st.title, sizeof(st.title), "%s", a->title);
	} else if ((rc = nd_store_article_get(s, ext_id, copy_stored, &st)) == ND_ENOTFOUND) {
		return not_found(
		    app, req, res, &u,
		    nd_arena_printf(req->arena, "There is no article with the id '%s'.", ext_id));
	} else if (rc) {
		return store_failed(app, req, res, &u);
	}
	span_init(req, &sp);
	simulated = site->simulated_activity;
	nd_buf_adds(&edit, "/admin/articles/");
	nd_escape_url(&edit, ext_id, strlen(ext_id));
	art = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "title", st.title, "ext_id", ext_id,
	                "edit_url", nd_arena_strndup(req->arena, edit.buf, edit.len), "status",
	                nd_status_name(st.status), "url", a ? a->url : NULL);
	nd_buf_release(&edit);
	if (a)
		json_object_set_new(
		    art, "section",
		    json_pack("{s:s, s:s}", "path", a->section->path, "stats_url",
		              nd_arena_printf(req->arena, "/admin/stats/section/%lld",
		                              (long long)a->section->id)));
	if (st.published_at > 0)
		nd__set_dates(art, "published", st.published_at);
	counter = app->engage ? nd_engage_counter(app->engage) : NULL;
	json_object_set_new(
	    art, "views",
	    count_str(counter ? (int64_t)nd_counter_views(counter, (uint32_t)st.id) : 0));
	json_object_set_new(art, "reactions", reaction_list(app, st.id));
	ctx = nd__admin_ctx(req, &u, nd_arena_printf(req->arena, "Stats: %s", st.title), "stats");
	json_object_set_new(ctx, "simulated", json_boolean(simulated));
	json_object_set_new(ctx, "article", art);
	if (nd_store_read_begin(s) ||
	    add_charts(s, req, &sp, &st.id, 1, false, article_stats_url(req, ext_id), ctx)) {
		json_decref(ctx);
		return store_failed(app, req, res, &u);
	}
	nd_store_read_end(s);
	return nd__admin_render(app, req, res, "stats_article", ctx, 200);
}
