/*
 * Sitemaps (sitemaps.org 0.9): /sitemap.xml, an index of the article files
 * /sitemaps/articles-N.xml (ND_SITEMAP_URLS each, newest first), of
 * /sitemaps/sections.xml (home, sections, tags, authors) and of the Google
 * News sitemap /sitemaps/news.xml (docs/internals/feeds.md).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "render/escape.h"

#define URLSET                                                                                     \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""

size_t nd__sitemap_parts(size_t count, size_t per)
{
	return per ? (count + per - 1) / per : 0;
}

bool nd__sitemap_part(size_t count, size_t per, size_t n, size_t *from, size_t *to)
{
	if (n < 1 || n > nd__sitemap_parts(count, per))
		return false;
	*from = (n - 1) * per;
	*to = *from + per < count ? *from + per : count;
	return true;
}

/* <url> (or <sitemap>) with loc and lastmod; path is percent-encoded. */
static void entry(struct nd_app *app, struct nd_http_request *req, struct nd_buf *b, const char *el,
                  const char *path, int64_t lastmod)
{
	const char *loc = nd__absolute_url(app, req, path);
	char date[32];

	nd_buf_addf(b, "<%s><loc>", el);
	nd_escape_xml(b, loc, strlen(loc));
	nd_buf_adds(b, "</loc>");
	if (lastmod > 0) {
		nd__iso_time(lastmod, date);
		nd_buf_addf(b, "<lastmod>%s</lastmod>", date);
	}
	nd_buf_addf(b, "</%s>\n", el);
}

static int64_t newest_update(const struct nd_site *site, const struct nd_site_list *l)
{
	int64_t t = 0;

	for (size_t i = 0; i < l->count; i++)
		if (site->articles[l->items[i]].updated_at > t)
			t = site->articles[l->items[i]].updated_at;
	return t;
}

static int64_t range_update(const struct nd_site *site, size_t from, size_t to)
{
	int64_t t = 0;

	for (size_t i = from; i < to; i++)
		if (site->articles[i].updated_at > t)
			t = site->articles[i].updated_at;
	return t;
}

/* How many articles are in the news sitemap at now: the first ones,
 * published in the last ND_NEWS_SITEMAP_AGE seconds. */
static size_t news_count(const struct nd_site *site, int64_t now)
{
	size_t n = 0;

	while (n < site->article_count && n < ND_NEWS_SITEMAP_URLS &&
	       site->articles[n].published_at >= now - ND_NEWS_SITEMAP_AGE)
		n++;
	return n;
}

static int send_xml(struct nd_http_request *req, struct nd_http_response *res)
{
	if (nd_buf_err(&res->body)) {
		nd_log(ND_LOG_ERROR, "the sitemap '%s' is over %d bytes", req->path,
		       ND_MAX_SITEMAP);
		nd_buf_reset(&res->body);
		return 500;
	}
	res->content_type = "application/xml; charset=utf-8";
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	return nd__validate(req, res, -1);
}

ND_HANDLER(sitemap_index)
{
	struct nd_buf *b = &res->body;
	size_t parts = nd__sitemap_parts(site->article_count, ND_SITEMAP_URLS);

	(void)m;
	nd_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	entry(app, req, b, "sitemap", "/sitemaps/sections.xml",
	      site->article_count ? range_update(site, 0, site->article_count) : 0);
	for (size_t n = 1; n <= parts; n++) {
		size_t from = 0, to = 0;

		nd__sitemap_part(site->article_count, ND_SITEMAP_URLS, n, &from, &to);
		entry(app, req, b, "sitemap",
		      nd_arena_printf(req->arena, "/sitemaps/articles-%zu.xml", n),
		      range_update(site, from, to));
	}
	/* Cached with the snapshot, so listed whenever the snapshot has
	 * articles; an empty news sitemap is still a valid answer to crawlers. */
	if (site->article_count)
		entry(app, req, b, "sitemap", "/sitemaps/news.xml", 0);
	nd_buf_adds(b, "</sitemapindex>\n");
	return send_xml(req, res);
}

static void sections_urlset(struct nd_app *app, const struct nd_site *site,
                            struct nd_http_request *req, struct nd_buf *b)
{
	size_t urls = 1;

	nd_buf_adds(b, URLSET ">\n");
	entry(app, req, b, "url", "/",
	      site->article_count ? range_update(site, 0, site->article_count) : 0);
	for (size_t i = 0; i < site->section_count && urls < ND_SITEMAP_URLS; i++) {
		const struct nd_site_section *s = &site->sections[i];

		if (s->articles.count) {
			entry(app, req, b, "url", s->url, newest_update(site, &s->articles));
			urls++;
		}
	}
	for (int k = 0; k < 2; k++) {
		const struct nd_site_person *p = k ? site->authors : site->tags;
		size_t count = k ? site->author_count : site->tag_count;

		for (size_t i = 0; i < count && urls < ND_SITEMAP_URLS; i++) {
			if (p[i].articles.count) {
				entry(app, req, b, "url", p[i].url,
				      newest_update(site, &p[i].articles));
				urls++;
			}
		}
	}
	nd_buf_adds(b, "</urlset>\n");
}

ND_HANDLER(sitemap)
{
	const struct nd_str name = m->params[0];
	struct nd_buf *b = &res->body;
	size_t n = 0, from, to;
	char tail[8];

	res->body.max = ND_MAX_SITEMAP;
	if (name.len == 12 && !memcmp(name.p, "sections.xml", 12)) {
		sections_urlset(app, site, req, b);
		return send_xml(req, res);
	}
	/* "articles-N.xml": N a plain decimal without leading zeros. */
	if (name.len > 13 && name.len < 30 && !memcmp(name.p, "articles-", 9) && name.p[9] >= '1' &&
	    name.p[9] <= '9') {
		char num[32];
		int used = 0;

		memcpy(num, name.p, name.len);
		num[name.len] = '\0';
		if (sscanf(num, "articles-%zu%4s%n", &n, tail, &used) != 2 ||
		    strcmp(tail, ".xml") || (size_t)used != name.len)
			n = 0;
	}
	if (!nd__sitemap_part(site->article_count, ND_SITEMAP_URLS, n, &from, &to))
		return nd__render_error(app, site, req, res, 404, "There is no such sitemap.");
	nd_buf_adds(b, URLSET ">\n");
	for (size_t i = from; i < to; i++)
		entry(app, req, b, "url", site->articles[i].url, site->articles[i].updated_at);
	nd_buf_adds(b, "</urlset>\n");
	return send_xml(req, res);
}

ND_HANDLER(sitemap_news)
{
	struct nd_buf *b = &res->body;
	size_t count = news_count(site, (int64_t)time(NULL));
	const char *lang = app->cfg->language;
	char code[8];
	size_t k = 0;

	(void)m;
	/* Google News wants an ISO 639 code ("en"), or zh-cn / zh-tw. */
	for (; lang[k] && lang[k] != '-' && lang[k] != '_' && k < 3; k++)
		code[k] = (char)(lang[k] | 0x20);
	code[k] = '\0';
	if (!strcmp(code, "zh") && (!strcasecmp(lang, "zh-tw") || !strcasecmp(lang, "zh-cn")))
		snprintf(code, sizeof(code), "zh-%c%c", lang[3] | 0x20, lang[4] | 0x20);
	nd_buf_adds(b, URLSET " xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
	for (size_t i = 0; i < count; i++) {
		const struct nd_site_article *a = &site->articles[i];
		const char *loc = nd__absolute_url(app, req, a->url);
		char date[32];

		nd__iso_time(a->published_at, date);
		nd_buf_adds(b, "<url><loc>");
		nd_escape_xml(b, loc, strlen(loc));
		nd_buf_adds(b, "</loc><news:news><news:publication><news:name>");
		nd_escape_xml(b, app->cfg->site_name, strlen(app->cfg->site_name));
		nd_buf_addf(b,
		            "</news:name><news:language>%s</news:language></news:publication>"
		            "<news:publication_date>%s</news:publication_date><news:title>",
		            code, date);
		nd_escape_xml(b, a->title, strlen(a->title));
		nd_buf_adds(b, "</news:title></news:news></url>\n");
	}
	nd_buf_adds(b, "</urlset>\n");
	return send_xml(req, res);
}
