#include "render/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The extension registry is global inside cmark-gfm: fill it once. */
static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static cmark_node *parse(const char *md, size_t len)
{
	static const char *const exts[] = {"table", "strikethrough", "autolink", "tasklist"};
	cmark_parser *parser;
	cmark_node *doc;

	pthread_once(&once, register_extensions);
	/* No CMARK_OPT_UNSAFE: cmark-gfm then omits raw HTML and unsafe URLs. */
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (size_t i = 0; i < ND_COUNT(exts); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(parser, e);
	}
	cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return doc;
}

void nd_markdown_to_html(const char *md, size_t len, struct nd_buf *out)
{
	cmark_node *doc = parse(md, len);
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, NULL);

	nd_buf_adds(out, html);
	free(html);
	cmark_node_free(doc);
}

void nd_markdown_to_text(const char *md, size_t len, size_t max_len, struct nd_buf *out)
{
	cmark_node *doc = parse(md, len);
	cmark_iter *it = cmark_iter_new(doc);
	size_t start = out->len;
	bool in_script = false; /* between inline <script> or <style> tags */
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit;

		if (out->len - start > max_len)
			break;
		if (ev == CMARK_EVENT_EXIT &&
		    (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)) {
			nd_buf_addch(out, ' ');
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_HTML_INLINE && (lit = cmark_node_get_literal(n))) {
			/* Markup is dropped, and so is what a script or style holds. */
			if (!strncasecmp(lit, "<script", 7) || !strncasecmp(lit, "<style", 6))
				in_script = true;
			else if (!strncasecmp(lit, "</script", 8) ||
			         !strncasecmp(lit, "</style", 7))
				in_script = false;
		} else if (in_script) {
			continue;
		} else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
			nd_buf_addch(out, ' ');
		} else if ((t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) &&
		           (lit = cmark_node_get_literal(n))) {
			nd_buf_adds(out, lit);
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	nd_buf_cut_words(out, start, max_len);
}
