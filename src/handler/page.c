/* What every page shares: site data, cards, dates, pagination, rendering. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "render/template.h"

void nd__iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void nd__rfc822_time(int64_t t, char out[40])
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int64_t nd__parse_http_time(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4], zone[4], rest;
	int day, year, h, mi, sec;
	const char *comma = strchr(s, ',');
	const char *m;
	int64_t days;

	/* RFC 1123 only ("Sun, 06 Nov 1994 08:49:37 GMT"), as RFC 9110 has
	 * senders write it; the obsolete forms just fail validation. */
	if (!comma ||
	    sscanf(comma + 1, " %2d %3s %4d %2d:%2d:%2d %3s%c", &day, mon, &year, &h, &mi, &sec,
	           zone, &rest) != 7 ||
	    strcmp(zone, "GMT") || strlen(mon) != 3 || !(m = strstr(months, mon)) ||
	    (m - months) % 3 || day < 1 || day > 31 || year < 1970 || h > 23 || mi > 59 ||
	    sec > 60 || h < 0 || mi < 0 || sec < 0)
		return -1;
	{
		/* days from civil (Howard Hinnant), March-based years */
		int mo = (int)(m - months) / 3 + 1;
		int y = year - (mo <= 2);
		int era = y / 400;
		int yoe = y - era * 400;
		int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + day - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		days = (int64_t)era * 146097 + doe - 719468;
	}
	return days * 86400 + h * 3600 + mi * 60 + sec;
}

void nd__set_dates(json_t *obj, const char *key, int64_t t)
{
	char iso[32], human[64], name[64];
	time_t tt = (time_t)t;
	struct tm tm;

	nd__iso_time(t, iso);
	gmtime_r(&tt, &tm);
	strftime(human, sizeof(human), "%e %B %Y, %H:%M UTC", &tm);
	snprintf(name, sizeof(name), "%s_iso", key);
	json_object_set_new(obj, name, json_string(iso));
	snprintf(name, sizeof(name), "%s_human", key);
	json_object_set_new(obj, name, json_string(human[0] == ' ' ? human + 1 : human));
}

static json_t *link(const char *name, const char *url)
{
	return json_pack("{s:s, s:s}", "name", name, "url", url);
}

json_t *nd__article_card(const struct nd_site_article *a)
{
	json_t *card = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", a->ext_id, "title", a->title,
	                         "url", a->url, "description", a->description, "section",
	                         link(a->section->name, a->section->url));

	if (a->author)
		json_object_set_new(card, "author", link(a->author->name, a->author->url));
	if (*a->image)
		json_object_set_new(card, "image", json_string(a->image));
	nd__set_dates(card, "published", a->published_at);
	return card;
}

json_t *nd__article_cards(const struct nd_site *site, const struct nd_site_list *list,
                          size_t offset, size_t limit)
{
	json_t *arr = json_array();

	for (size_t i = offset; i < list->count && i < offset + limit; i++)
		json_array_append_new(arr, nd__article_card(&site->articles[list->items[i]]));
	return arr;
}

char *nd__absolute_url(struct nd_app *app, struct nd_http_request *req, const char *path)
{
	return nd_arena_printf(req->arena, "%s%s", app->base_url, path);
}

const char *nd__absolute_link(struct nd_app *app, struct nd_http_request *req, const char *url)
{
	if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
		return url;
	if (url[0] != '/')
		url = nd_arena_printf(req->arena, "/%s", url);
	return nd__absolute_url(app, req, url);
}

static json_t *site_context(struct nd_app *app, const struct nd_site *site, const char *current)
{
	const struct nd_config *cfg = app->cfg;
	json_t *nav = json_array();
	const char *css = nd__asset_url(app->assets, "style.css");
	const char *icon = nd__asset_url(app->assets, "favicon.svg");
	const char *reactions_js = nd__asset_url(app->assets, "reactions.js");

	for (size_t i = 0; i < site->section_count; i++) {
		const struct nd_site_section *s = &site->sections[i];
		json_t *item;

		if (s->parent || !s->articles.count)
			continue;
		item = link(s->name, s->url);
		if (current && nd_starts_with(current, s->route) &&
		    (current[strlen(s->route)] == '\0' || current[strlen(s->route)] == '/'))
			json_object_set_new(item, "current", json_true());
		json_array_append_new(nav, item);
	}
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:b, s:o, s:i}", "name", cfg->site_name,
	                 "description", cfg->site_description, "language", cfg->language, "css_url",
	                 css, "icon_url", icon, "reactions_js", reactions_js, "simulated",
	                 site->simulated_activity, "nav", nav, "year",
	                 (int)(1970 + site->built_at / 31556952));
}

/*
 * Adds header name unless the answer has it: an admin answer that ends on
 * the site's error page (a bare 503) keeps the admin's stricter policies,
 * never two of each.
 */
static void add_once(struct nd_http_response *res, const char *name, const char *value)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcasecmp(res->headers[i].name, name))
			return;
	nd_http_add_header(res, name, value);
}

int nd__render_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                    struct nd_http_response *res, const char *tpl, json_t *ctx, int status)
{
	json_t *page = json_object_get(ctx, "page");
	int rc;

	if (!page) {
		page = json_object();
		json_object_set_new(ctx, "page", page);
	}
	if (!json_object_get(page, "canonical"))
		json_object_set_new(page, "canonical",
		                    json_string(nd__absolute_url(app, req, req->path)));
	if (!json_object_get(page, "description"))
		json_object_set_new(page, "description", json_string(app->cfg->site_description));
	json_object_set_new(ctx, "site", site_context(app, site, req->path));
	/* A page that runs no script (the admin's preview: its CSP allows
	 * none) does not name the site's. */
	if (json_is_true(json_object_get(page, "no_script")))
		json_object_del(json_object_get(ctx, "site"), "reactions_js");
	/* Every page names the site's feeds; a section, tag or author page
	 * has put its own first. */
	{
		json_t *feeds = json_object_get(page, "feeds");
		json_t *own = nd__feed_links(app, req, "", app->cfg->site_name);
		if (!feeds) {
			feeds = json_array();
			json_object_set_new(page, "feeds", feeds);
		}
		json_array_extend(feeds, own);
		json_decref(own);
	}

	rc = nd_tpl_render(app->tpl, tpl, ctx, &res->body);
	json_decref(ctx);
	if (rc) {
		nd_log(ND_LOG_ERROR, "rendering template '%s' for '%s' failed: %s", tpl, req->path,
		       nd_strerror(rc));
		nd_buf_reset(&res->body);
		return 500;
	}
	res->content_type = "text/html; charset=utf-8";
	add_once(res, "X-Content-Type-Options", "nosniff");
	add_once(res, "Referrer-Policy", "strict-origin-when-cross-origin");
	add_once(res, "Content-Security-Policy", ND_HTTP_DEFAULT_CSP);
	if (status != 200)
		return status;
	/* A page with live values gets its validator once they are filled in
	 * (handler/dispatch.c). */
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, ND_HDR_HOLES))
			return 200;
	/* Pages change whenever the store does, so the client revalidates each
	 * time and gets 304 while its copy is still current. */
	return nd__validate(req, res, -1);
}

int nd__validate(struct nd_http_request *req, struct nd_http_response *res, int64_t modified)
{
	const char *etag = nd_arena_printf(
	    req->arena, "\"%016llx\"", (unsigned long long)nd_hash(res->body.buf, res->body.len));
	const char *inm = nd_http_header(req, "If-None-Match");
	const char *ims = nd_http_header(req, "If-Modified-Since");
	bool current;

	nd_http_add_header(res, "ETag", etag);
	nd_http_add_header(res, "Cache-Control", "public, no-cache");
	if (modified >= 0) {
		char date[40];

		nd__rfc822_time(modified, date);
		nd_http_add_header(res, "Last-Modified", nd_arena_strdup(req->arena, date));
	}
	/* If-Modified-Since counts only without If-None-Match (RFC 9110). */
	current = inm ? nd_http_etag_matches(inm, etag)
	              : modified >= 0 && ims && nd__parse_http_time(ims) >= modified;
	if (current) {
		nd_buf_reset(&res->body);
		return 304;
	}
	return 200;
}

int nd__render_error(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, int status, const char *message)
{
	json_t *ctx = json_pack("{s:i, s:s, s:s, s:{s:s, s:s}}", "status", status, "reason",
	                        nd_http_reason(status), "message", message, "page", "title",
	                        nd_http_reason(status), "robots", "noindex");
	int rc;

	nd_buf_reset(&res->body);
	rc = nd__render_page(app, site, req, res, "error", ctx, status);
	if (rc == 500 && status != 500)
		return 500;
	return status;
}

int nd__paginate(struct nd_app *app, struct nd_http_request *req, json_t *ctx, const char *base_url,
                 size_t total, size_t *offset)
{
	size_t per = (size_t)app->cfg->page_size;
	size_t pages = total ? (total + per - 1) / per : 1;
	const char *arg = nd_http_query(req, "page");
	long page = 1;
	json_t *p;

	if (arg) {
		char *end;
		page = strtol(arg, &end, 10);
		if (*end || end == arg || page < 1 || page > ND_MAX_PAGE_NUMBER)
			return 404;
	}
	if ((size_t)page > pages)
		return 404;
	*offset = (size_t)(page - 1) * per;
	p = json_pack("{s:i, s:i, s:I}", "page", (int)page, "pages", (int)pages, "total",
	              (json_int_t)total);
	if (page > 1)
		json_object_set_new(p, "prev_url",
		                    json_string(page == 2
		                                    ? base_url
		                                    : nd_arena_printf(req->arena, "%s?page=%ld",
		                                                      base_url, page - 1)));
	if ((size_t)page < pages)
		json_object_set_new(
		    p, "next_url",
		    json_string(nd_arena_printf(req->arena, "%s?page=%ld", base_url, page + 1)));
	if (pages > 1)
		json_object_set_new(ctx, "pagination", p);
	else
		json_decref(p);
	return 0;
}

int nd__send_json(struct nd_http_request *req, struct nd_http_response *res, json_t *doc,
                  int status)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	nd_buf_reset(&res->body);
	if (!text) {
		nd_log(ND_LOG_ERROR, "encoding the JSON answer to '%s' failed", req->path);
		return 500;
	}
	nd_buf_adds(&res->body, text);
	nd_buf_addch(&res->body, '\n');
	free(text);
	if (nd_buf_err(&res->body)) {
		nd_log(ND_LOG_ERROR, "the JSON answer to '%s' is over %d bytes", req->path,
		       ND_MAX_PAGE);
		nd_buf_reset(&res->body);
		return 500;
	}
	res->content_type = "application/json";
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	nd_http_add_header(res, "Cache-Control", "public, no-cache");
	return status;
}

int nd__api_error(struct nd_http_request *req, struct nd_http_response *res, int status,
                  const char *message)
{
	return nd__send_json(
	    req, res, json_pack("{s:{s:i, s:s}}", "error", "status", status, "message", message),
	    status);
}
