/* Search: the /search page and GET /api/search, over the snapshot's index. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/mem.h"
#include "handler/handler_int.h"
#include "index/analyze.h"
#include "index/query.h"
#include "render/escape.h"

#define SNIPPET_LEN        240  /* bytes of body text around the first match */
#define SEARCH_MAX_RESULTS 1000 /* deepest result a page may reach */

struct marks {
	const struct nd_parsed_query *q;
	size_t *start, *end;
	size_t n, cap;
	struct nd_arena *a;
};

static void mark_term(void *ctx, const struct nd_term *t)
{
	struct marks *m = ctx;

	for (size_t i = 0; i < m->q->highlight_count; i++) {
		if (!nd_str_eq(m->q->highlight[i], (struct nd_str){t->p, t->len}))
			continue;
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 16;
			size_t *s = nd_arena_alloc(m->a, cap * sizeof(*s));
			size_t *e = nd_arena_alloc(m->a, cap * sizeof(*e));
			if (m->n) {
				memcpy(s, m->start, m->n * sizeof(*s));
				memcpy(e, m->end, m->n * sizeof(*e));
			}
			m->start = s;
			m->end = e;
			m->cap = cap;
		}
		m->start[m->n] = t->start;
		m->end[m->n++] = t->end;
		return;
	}
}

/* The article's body as plain text (the snapshot keeps only its HTML). */
static const char *body_text(const struct nd_site_article *a, struct nd_arena *arena)
{
	struct nd_buf b = ND_BUF_INIT;
	char *text;

	nd_html_to_text(&b, a->body_html, strlen(a->body_html));
	text = nd_arena_strndup(arena, b.buf, b.len);
	nd_buf_release(&b);
	return text;
}

/*
 * A piece of text around the first match with every match inside wrapped
 * in <mark>, HTML-escaped: safe to put in a page as it is.
 */
static char *snippet(struct nd_analyzer *an, const char *text, const struct nd_parsed_query *q,
                     struct nd_arena *a)
{
	struct marks m = {q, NULL, NULL, 0, 0, a};
	struct nd_buf out = ND_BUF_INIT;
	size_t len = strlen(text), from = 0, to, at;
	char *res;

	nd_analyze(an, text, len, 0, mark_term, &m);
	if (m.n && m.start[0] > SNIPPET_LEN / 4) {
		from = m.start[0] - SNIPPET_LEN / 4;
		while (from < m.start[0] && text[from - 1] != ' ')
			from++; /* start on a word */
	}
	to = from + SNIPPET_LEN < len ? from + SNIPPET_LEN : len;
	while (to < len && to > from && text[to] != ' ')
		to--; /* end on a word */
	if (to == from)
		to = len < from + SNIPPET_LEN ? len : from + SNIPPET_LEN;
	while (to > from && to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
		to--;
	if (from)
		nd_buf_adds(&out, "…");
	at = from;
	for (size_t i = 0; i < m.n; i++) {
		if (m.start[i] < at || m.end[i] > to)
			continue;
		nd_escape_html(&out, text + at, m.start[i] - at);
		nd_buf_adds(&out, "<mark>");
		nd_escape_html(&out, text + m.start[i], m.end[i] - m.start[i]);
		nd_buf_adds(&out, "</mark>");
		at = m.end[i];
	}
	nd_escape_html(&out, text + at, to - at);
	if (to < len)
		nd_buf_adds(&out, "…");
	res = nd_arena_strndup(a, out.buf, out.len);
	nd_buf_release(&out);
	return res;
}

/*
 * One analyser per worker thread, kept for the thread's life: making one
 * per request would cost a stemmer and its 512 KB stem cache every time.
 * The key's destructor frees it when libmicrohttpd's thread ends.
 */
static pthread_key_t analyzer_key;
static pthread_once_t analyzer_once = PTHREAD_ONCE_INIT;

static void free_analyzer(void *an)
{
	nd_analyzer_free(an);
}

static void make_key(void)
{
	if (pthread_key_create(&analyzer_key, free_analyzer))
		ND_BUG("cannot create the analyser thread key");
}

/* This thread's analyser for the site language (one language per process). */
static struct nd_analyzer *thread_analyzer(const char *language)
{
	struct nd_analyzer *an;

	pthread_once(&analyzer_once, make_key);
	an = pthread_getspecific(analyzer_key);
	if (!an) {
		an = nd_analyzer_new(language);
		pthread_setspecific(analyzer_key, an);
	}
	return an;
}

struct results {
	const char *q;       /* as typed */
	const char *problem; /* a sentence for the reader, or NULL */
	int status;
	uint64_t total;
	json_t *items; /* article shapes, or cards, with "snippet" */
};

/* Runs q for results [offset, offset + limit); json builds each item. */
static void run(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                size_t offset, size_t limit, bool api, struct results *r)
{
	struct nd_analyzer *an = thread_analyzer(app->cfg->language);
	struct nd_parsed_query pq;
	struct nd_buf why = ND_BUF_INIT;
	struct nd_hits hits;
	int rc;

	r->items = json_array();
	r->total = 0;
	r->problem = NULL;
	r->status = 200;
	rc = nd_query_parse(an, r->q, strlen(r->q), req->arena, &pq, &why);
	if (rc) {
		r->problem = nd_arena_strndup(req->arena, why.buf, why.len);
		r->status = rc == ND_ETOOBIG ? 414 : 400;
		goto out;
	}
	if (!site->index || offset >= SEARCH_MAX_RESULTS)
		goto out;
	rc = nd_index_search(site->index, &pq.query, offset + limit, req->arena, &hits);
	if (rc) {
		r->problem = "The search could not be run.";
		r->status = 400;
		goto out;
	}
	r->total = hits.total;
	for (size_t i = offset; i < hits.count; i++) {
		const struct nd_site_article *a = nd_site_article_by_key(site, hits.items[i].key);
		json_t *item;

		if (!a)
			continue;
		item = api ? nd__article_json(app, req, a) : nd__article_card(a);
		json_object_set_new(
		    item, "snippet",
		    json_string(snippet(an, body_text(a, req->arena), &pq, req->arena)));
		json_object_set_new(item, "score", json_real(hits.items[i].score));
		json_array_append_new(r->items, item);
	}
out:
	nd_buf_release(&why);
}

ND_HANDLER(api_search)
{
	const char *q = nd_http_query(req, "q");
	const char *ls = nd_http_query(req, "limit"), *os = nd_http_query(req, "offset");
	long limit = ls ? strtol(ls, NULL, 10) : 10, offset = os ? strtol(os, NULL, 10) : 0;
	struct results r = {q ? q : "", NULL, 200, 0, NULL};

	(void)m;
	if (limit < 0 || limit > 100 || offset < 0 || offset > SEARCH_MAX_RESULTS)
		return nd__send_json(req, res,
		                     json_pack("{s:{s:i, s:s}}", "error", "status", 400, "message",
		                               "'limit' must be 0 to 100 and 'offset' 0 to 1000"),
		                     400);
	run(app, site, req, (size_t)offset, (size_t)limit, true, &r);
	if (r.problem) {
		json_decref(r.items);
		return nd__send_json(
		    req, res,
		    json_pack("{s:{s:i, s:s}}", "error", "status", r.status, "message", r.problem),
		    r.status);
	}
	return nd__send_json(req, res,
	                     json_pack("{s:s, s:I, s:i, s:i, s:o}", "query", r.q, "total",
	                               (json_int_t)r.total, "offset", (int)offset, "limit",
	                               (int)limit, "items", r.items),
	                     200);
}

ND_HANDLER(search)
{
	const char *q = nd_http_query(req, "q");
	struct results r = {q ? q : "", NULL, 200, 0, NULL};
	size_t per = (size_t)app->cfg->page_size, offset = 0;
	json_t *ctx = json_object();
	int rc;

	(void)m;
	if (*r.q) {
		/* The page number is checked against the total after the search. */
		const char *ps = nd_http_query(req, "page");
		long page = ps ? strtol(ps, NULL, 10) : 1;
		if (page < 1 || (size_t)(page - 1) * per >= SEARCH_MAX_RESULTS)
			page = 1;
		offset = (size_t)(page - 1) * per;
		run(app, site, req, offset, per, false, &r);
		if (!r.problem) {
			struct nd_buf base = ND_BUF_INIT;
			nd_buf_adds(&base, "/search?q=");
			nd_escape_url(&base, r.q, strlen(r.q));
			rc = nd__paginate(app, req, ctx, base.buf, (size_t)r.total, &offset);
			nd_buf_release(&base);
			(void)rc; /* a page past the end shows "no results", not 404 */
		}
		json_object_set_new(ctx, "results", r.items);
		json_object_set_new(ctx, "has_results", json_boolean(json_array_size(r.items) > 0));
		json_object_set_new(ctx, "total", json_integer((json_int_t)r.total));
		json_object_set_new(ctx, "searched", json_true());
		if (r.problem)
			json_object_set_new(ctx, "problem", json_string(r.problem));
	}
	json_object_set_new(ctx, "q", json_string(r.q));
	json_object_set_new(
	    ctx, "page",
	    json_pack("{s:s, s:s}", "title",
	              *r.q ? nd_arena_printf(req->arena, "Search: %s", r.q) : "Search", "robots",
	              "noindex"));
	return nd__render_page(app, site, req, res, "search", ctx, r.problem ? r.status : 200);
}
