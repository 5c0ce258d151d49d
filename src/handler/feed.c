/*
 * Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, a section (its
 * own and its descendants' articles), a tag or an author, with each
 * article's full rendered body (docs/internals/feeds.md).
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "render/escape.h"

/* How many of the newest articles a feed carries. */
#define FEED_ITEMS 30

enum feed_format { FEED_RSS, FEED_ATOM, FEED_JSON };

static const struct {
	const char *suffix, *type, *name;
} formats[] = {
    [FEED_RSS] = {"/feed.xml", "application/rss+xml", "RSS"},
    [FEED_ATOM] = {"/atom.xml", "application/atom+xml", "Atom"},
    [FEED_JSON] = {"/feed.json", "application/feed+json", "JSON Feed"},
};

struct feed {
	enum feed_format format;
	const char *title, *description;
	const char *page, *self;         /* absolute URLs: the HTML page, this feed */
	const struct nd_site_list *list; /* NULL: every article of the site */
	size_t count;
	int64_t updated; /* the newest updated_at among the items */
};

static const struct nd_site_article *item(const struct nd_site *site, const struct feed *f,
                                          size_t i)
{
	return &site->articles[(f->list ? f->list : &site->front)->items[i]];
}

/* <name>text</name>, text escaped. */
static void el(struct nd_buf *b, const char *name, const char *text)
{
	nd_buf_addf(b, "<%s>", name);
	nd_escape_xml(b, text, strlen(text));
	nd_buf_addf(b, "</%s>\n", name);
}

static void xml_attr(struct nd_buf *b, const char *name, const char *value)
{
	nd_buf_addf(b, " %s=\"", name);
	nd_escape_xml(b, value, strlen(value));
	nd_buf_addch(b, '"');
}

static void rss(struct nd_app *app, struct nd_http_request *req, const struct nd_site *site,
                const struct feed *f, struct nd_buf *b)
{
	char date[40];

	nd_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	               "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	               "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
	el(b, "title", f->title);
	el(b, "link", f->page);
	el(b, "description", f->description);
	el(b, "language", app->cfg->language);
	nd__rfc822_time(f->updated, date);
	el(b, "lastBuildDate", date);
	el(b, "generator", "newsdesk");
	nd_buf_adds(b, "<atom:link rel=\"self\" type=\"application/rss+xml\"");
	xml_attr(b, "href", f->self);
	nd_buf_adds(b, "/>\n");
	for (size_t i = 0; i < f->count; i++) {
		const struct nd_site_article *a = item(site, f, i);
		const char *url = nd__absolute_url(app, req, a->url);

		nd_buf_adds(b, "<item>\n");
		el(b, "title", a->title);
		el(b, "link", url);
		nd_buf_adds(b, "<guid isPermaLink=\"true\">");
		nd_escape_xml(b, url, strlen(url));
		nd_buf_adds(b, "</guid>\n");
		nd__rfc822_time(a->published_at, date);
		el(b, "pubDate", date);
		if (a->author)
			el(b, "dc:creator", a->author->name);
		el(b, "category", a->section->path);
		for (size_t t = 0; t < a->tag_count; t++)
			el(b, "category", a->tags[t]->name);
		el(b, "description", a->description);
		el(b, "content:encoded", a->body_html);
		nd_buf_adds(b, "</item>\n");
	}
	nd_buf_adds(b, "</channel>\n</rss>\n");
}

static void atom(struct nd_app *app, struct nd_http_request *req, const struct nd_site *site,
                 const struct feed *f, struct nd_buf *b)
{
	char date[32];

	nd_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	xml_attr(b, "xml:lang", app->cfg->language);
	nd_buf_adds(b, ">\n");
	el(b, "title", f->title);
	el(b, "subtitle", f->description);
	el(b, "id", f->page);
	nd_buf_adds(b, "<link rel=\"alternate\" type=\"text/html\"");
	xml_attr(b, "href", f->page);
	nd_buf_adds(b, "/>\n<link rel=\"self\" type=\"application/atom+xml\"");
	xml_attr(b, "href", f->self);
	nd_buf_adds(b, "/>\n");
	nd__iso_time(f->updated, date);
	el(b, "updated", date);
	nd_buf_adds(b, "<author>");
	el(b, "name", app->cfg->site_name);
	nd_buf_adds(b, "</author>\n<generator>newsdesk</generator>\n");
	for (size_t i = 0; i < f->count; i++) {
		const struct nd_site_article *a = item(site, f, i);
		const char *url = nd__absolute_url(app, req, a->url);

		nd_buf_adds(b, "<entry>\n");
		el(b, "title", a->title);
		el(b, "id", url);
		nd_buf_adds(b, "<link rel=\"alternate\" type=\"text/html\"");
		xml_attr(b, "href", url);
		nd_buf_adds(b, "/>\n");
		nd__iso_time(a->published_at, date);
		el(b, "published", date);
		nd__iso_time(a->updated_at, date);
		el(b, "updated", date);
		if (a->author) {
			nd_buf_adds(b, "<author>");
			el(b, "name", a->author->name);
			el(b, "uri", nd__absolute_url(app, req, a->author->url));
			nd_buf_adds(b, "</author>\n");
		}
		nd_buf_adds(b, "<category");
		xml_attr(b, "term", a->section->path);
		nd_buf_adds(b, "/>\n");
		for (size_t t = 0; t < a->tag_count; t++) {
			nd_buf_adds(b, "<category");
			xml_attr(b, "term", a->tags[t]->name);
			nd_buf_adds(b, "/>\n");
		}
		el(b, "summary", a->description);
		nd_buf_adds(b, "<content type=\"html\">");
		nd_escape_xml(b, a->body_html, strlen(a->body_html));
		nd_buf_adds(b, "</content>\n</entry>\n");
	}
	nd_buf_adds(b, "</feed>\n");
}

static void json_feed(struct nd_app *app, struct nd_http_request *req, const struct nd_site *site,
                      const struct feed *f, struct nd_buf *b)
{
	json_t *items = json_array();
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "version",
	                        "https://jsonfeed.org/version/1.1", "title", f->title,
	                        "home_page_url", f->page, "feed_url", f->self, "description",
	                        f->description, "language", app->cfg->language, "items", items);
	char *text;

	for (size_t i = 0; i < f->count; i++) {
		const struct nd_site_article *a = item(site, f, i);
		const char *url = nd__absolute_url(app, req, a->url);
		char published[32], modified[32];
		json_t *tags = json_array(), *it;

		nd__iso_time(a->published_at, published);
		nd__iso_time(a->updated_at, modified);
		for (size_t t = 0; t < a->tag_count; t++)
			json_array_append_new(tags, json_string(a->tags[t]->name));
		it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", url, "url", url,
		               "title", a->title, "content_html", a->body_html, "summary",
		               a->description, "date_published", published, "date_modified",
		               modified, "tags", tags);
		if (a->author)
			json_object_set_new(it, "authors",
			                    json_pack("[{s:s, s:s}]", "name", a->author->name,
			                              "url",
			                              nd__absolute_url(app, req, a->author->url)));
		if (*a->image)
			json_object_set_new(it, "image",
			                    json_string(nd__absolute_link(app, req, a->image)));
		json_array_append_new(items, it);
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text) {
		nd_buf_adds(b, text);
		nd_buf_addch(b, '\n');
		free(text);
	}
}

/* Sends feed f with its validators; 304 when the client's copy is current. */
static int send_feed(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, struct feed *f)
{
	if (f->count > FEED_ITEMS)
		f->count = FEED_ITEMS;
	f->updated = f->count ? 0 : site->built_at;
	for (size_t i = 0; i < f->count; i++)
		if (item(site, f, i)->updated_at > f->updated)
			f->updated = item(site, f, i)->updated_at;
	nd_buf_reset(&res->body);
	if (f->format == FEED_RSS)
		rss(app, req, site, f, &res->body);
	else if (f->format == FEED_ATOM)
		atom(app, req, site, f, &res->body);
	else
		json_feed(app, req, site, f, &res->body);
	if (nd_buf_err(&res->body) || !res->body.len) {
		nd_log(ND_LOG_ERROR, "the feed '%s' could not be made (over %d bytes?)", req->path,
		       ND_MAX_PAGE);
		nd_buf_reset(&res->body);
		return 500;
	}
	res->content_type =
	    nd_arena_printf(req->arena, "%s; charset=utf-8", formats[f->format].type);
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	return nd__validate(req, res, f->updated);
}

int nd__feed_format(const char *path, size_t len, size_t *prefix_len)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t n = strlen(formats[i].suffix);

		if (len >= n && !memcmp(path + len - n, formats[i].suffix, n)) {
			*prefix_len = len - n;
			return (int)i;
		}
	}
	return -1;
}

json_t *nd__feed_links(struct nd_app *app, struct nd_http_request *req, const char *base,
                       const char *title)
{
	json_t *links = json_array();

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		json_array_append_new(
		    links, json_pack("{s:s, s:s, s:s}", "type", formats[i].type, "title",
		                     nd_arena_printf(req->arena, "%s (%s)", title, formats[i].name),
		                     "href",
		                     nd__absolute_url(app, req,
		                                      nd_arena_printf(req->arena, "%s%s", base,
		                                                      formats[i].suffix))));
	return links;
}

int nd__section_feed(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res)
{
	size_t n;
	int format = nd__feed_format(req->path, req->path_len, &n);
	const struct nd_site_section *s;
	struct feed f;

	if (format < 0)
		return 0;
	s = nd_site_section_at(site, req->path, n);
	if (!s || !s->articles.count)
		return nd__render_error(app, site, req, res, 404,
		                        "There is no feed at this address.");
	f = (struct feed){
	    .format = (enum feed_format)format,
	    .title = nd_arena_printf(req->arena, "%s · %s", s->name, app->cfg->site_name),
	    .description =
	        nd_arena_printf(req->arena, "Latest %s news from %s", s->name, app->cfg->site_name),
	    .page = nd__absolute_url(app, req, s->url),
	    .self = nd__absolute_url(
	        app, req, nd_arena_printf(req->arena, "%s%s", s->url, formats[format].suffix)),
	    .list = &s->articles,
	    .count = s->articles.count,
	};
	return send_feed(app, site, req, res, &f);
}

/* The site's feeds, and those of a tag or an author ("/tag/:slug/..."). */
ND_HANDLER(feed)
{
	size_t n;
	int format = nd__feed_format(req->path, req->path_len, &n);
	struct feed f = {.format = (enum feed_format)format};
	const char *base = ""; /* the page's path, percent-encoded; "" for the home page */

	if (format < 0)
		return nd__render_error(app, site, req, res, 404,
		                        "There is no feed at this address.");
	if (!m->count) {
		f.title = app->cfg->site_name;
		f.description = app->cfg->site_description;
		f.page = nd__absolute_url(app, req, "/");
		f.count = site->front.count;
	} else {
		bool tag = !strncmp(req->path, "/tag/", 5);
		const struct nd_site_person *p =
		    nd_map_get(tag ? &site->tag_by_slug : &site->author_by_slug, m->params[0].p,
		               m->params[0].len);

		if (!p || !p->articles.count)
			return nd__render_error(app, site, req, res, 404,
			                        "There is no feed at this address.");
		f.title = nd_arena_printf(req->arena, "%s · %s", p->name, app->cfg->site_name);
		f.description = nd_arena_printf(req->arena, "%s %s on %s",
		                                tag ? "Articles tagged" : "Articles by", p->name,
		                                app->cfg->site_name);
		f.page = nd__absolute_url(app, req, p->url);
		base = p->url;
		f.list = &p->articles;
		f.count = p->articles.count;
	}
	f.self = nd__absolute_url(
	    app, req, nd_arena_printf(req->arena, "%s%s", base, formats[format].suffix));
	return send_feed(app, site, req, res, &f);
}
