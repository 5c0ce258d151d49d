#include "wire/sanitize.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

/* Deeper than this, a subtree is dropped: no real article nests so far, and
 * the walks are recursive. */
#define MAX_DEPTH 100
/* Columns of a table written as Markdown. */
#define MAX_COLS 64

enum kind { K_UNWRAP, K_DROP, K_KEEP };

static const char *const drop_tags[] = {
    "script",   "style",     "iframe", "frame",  "frameset", "object",   "embed",
    "applet",   "form",      "input",  "button", "select",   "textarea", "option",
    "noscript", "template",  "svg",    "math",   "head",     "title",    "meta",
    "link",     "base",      "audio",  "video",  "canvas",   "noembed",  "noframes",
    "xmp",      "plaintext", "param",  "source", "track",    "dialog",   "portal",
};

static const char *const keep_tags[] = {
    "p",     "br", "a",  "em",         "strong",     "b",       "i",     "u",     "s",
    "ul",    "ol", "li", "blockquote", "pre",        "code",    "h1",    "h2",    "h3",
    "h4",    "h5", "h6", "figure",     "figcaption", "img",     "table", "thead", "tbody",
    "tfoot", "tr", "th", "td",         "hr",         "caption",
};

/* Elements that are unwrapped but separate blocks of text. */
static const char *const block_tags[] = {
    "div",     "section", "article", "header",     "footer", "main",    "aside",
    "nav",     "address", "center",  "dl",         "dt",     "dd",      "details",
    "summary", "hgroup",  "figure",  "figcaption", "p",      "caption", "body",
};

static bool in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

static enum kind classify(const xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (in_list(drop_tags, ND_COUNT(drop_tags), name))
		return K_DROP;
	if (in_list(keep_tags, ND_COUNT(keep_tags), name))
		return K_KEEP;
	return K_UNWRAP;
}

static bool is_block(const char *name)
{
	return in_list(block_tags, ND_COUNT(block_tags), name);
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The scheme of u (lowercased into out, at most outlen-1 bytes), or false. */
static bool url_scheme(const char *u, char *out, size_t outlen)
{
	size_t i = 0;

	while ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
	       (i && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '-' || u[i] == '.')))
		i++;
	if (!i || u[i] != ':' || i >= outlen)
		return false;
	for (size_t j = 0; j < i; j++)
		out[j] = (char)(u[j] >= 'A' && u[j] <= 'Z' ? u[j] + 32 : u[j]);
	out[i] = '\0';
	return true;
}

static bool scheme_ok(const char *scheme, int allow_mailto)
{
	return !strcmp(scheme, "http") || !strcmp(scheme, "https") ||
	       (allow_mailto && !strcmp(scheme, "mailto"));
}

char *nd_sanitize_url(const char *url, const char *base, int allow_mailto)
{
	struct nd_buf b = ND_BUF_INIT;
	char scheme[16];
	size_t start = 0, end;
	char *res = NULL;

	if (!url)
		return NULL;
	end = strlen(url);
	/* Leading and trailing white space and controls go, as in a browser. */
	while (start < end && (unsigned char)url[start] <= 0x20)
		start++;
	while (end > start && (unsigned char)url[end - 1] <= 0x20)
		end--;
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c == ' ')
			nd_buf_adds(&b, "%20");
		else if (c < 0x20 || c == 0x7f)
			continue; /* tab, CR, LF, NUL... are dropped, even inside a scheme */
		else
			nd_buf_addch(&b, (char)c);
	}
	if (!b.len)
		goto out;
	if (url_scheme(b.buf, scheme, sizeof(scheme))) {
		if (scheme_ok(scheme, allow_mailto))
			res = nd_buf_detach(&b, NULL);
		goto out;
	}
	if (!b.buf[0] || url_scheme(b.buf, scheme, sizeof(scheme)) || !base || !*base)
		goto out;
	{
		xmlChar *abs = xmlBuildURI((const xmlChar *)b.buf, (const xmlChar *)base);

		if (abs && url_scheme((const char *)abs, scheme, sizeof(scheme)) &&
		    (!strcmp(scheme, "http") || !strcmp(scheme, "https")))
			res = nd_xstrdup((const char *)abs);
		xmlFree(abs);
	}
out:
	nd_buf_release(&b);
	return res;
}

static htmlDocPtr parse_html(const char *html, size_t len)
{
	if (!len)
		return NULL;
	if (len > INT_MAX)
		len = INT_MAX;
	return htmlReadMemory(html, (int)len, NULL, "UTF-8",
	                      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                          HTML_PARSE_NONET | HTML_PARSE_COMPACT);
}

static const char *attr(const xmlNode *n, const char *name, xmlChar **hold)
{
	*hold = xmlGetProp(n, (const xmlChar *)name);
	return (const char *)*hold;
}

static bool all_digits(const char *s)
{
	if (!s || !*s || strlen(s) > 4)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* --- HTML out --- */

static void esc_html(struct nd_buf *out, const char *s, bool quote)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': nd_buf_adds(out, "&amp;"); break;
		case '<': nd_buf_adds(out, "&lt;"); break;
		case '>': nd_buf_adds(out, "&gt;"); break;
		case '"':
			if (quote) {
				nd_buf_adds(out, "&quot;");
				break;
			}
			/* fall through */
		default: nd_buf_addch(out, *s);
		}
	}
}

static void html_attr(struct nd_buf *out, const char *name, const char *value)
{
	nd_buf_addf(out, " %s=\"", name);
	esc_html(out, value, true);
	nd_buf_addch(out, '"');
}

struct hctx {
	struct nd_buf *out;
	const char *base;
	int link; /* inside a kept <a> */
};

static void html_walk(struct hctx *c, const xmlNode *parent, int depth);

static void html_element(struct hctx *c, const xmlNode *n, int depth)
{
	const char *name = (const char *)n->name;
	enum kind k = classify(n);
	xmlChar *hold = NULL;
	char *url = NULL;

	if (k == K_DROP)
		return;
	if (!strcmp(name, "a")) {
		const char *href = attr(n, "href", &hold);

		url = c->link ? NULL : nd_sanitize_url(href, c->base, 1);
		xmlFree(hold);
		if (!url)
			k = K_UNWRAP; /* the text stays, the link goes */
	}
	if (!strcmp(name, "img")) {
		url = nd_sanitize_url(attr(n, "src", &hold), c->base, 0);
		xmlFree(hold);
		if (!url)
			return;
	}
	if (k == K_UNWRAP) {
		html_walk(c, n, depth + 1);
		return;
	}
	if (!strcmp(name, "h1"))
		name = "h2";
	nd_buf_addf(c->out, "<%s", name);
	if (!strcmp(name, "a")) {
		html_attr(c->out, "href", url);
	} else if (!strcmp(name, "img")) {
		html_attr(c->out, "src", url);
		if (attr(n, "alt", &hold))
			html_attr(c->out, "alt", (const char *)hold);
		xmlFree(hold);
	} else if (!strcmp(name, "td") || !strcmp(name, "th")) {
		if (all_digits(attr(n, "colspan", &hold)))
			html_attr(c->out, "colspan", (const char *)hold);
		xmlFree(hold);
		if (all_digits(attr(n, "rowspan", &hold)))
			html_attr(c->out, "rowspan", (const char *)hold);
		xmlFree(hold);
	} else if (!strcmp(name, "ol")) {
		if (all_digits(attr(n, "start", &hold)))
			html_attr(c->out, "start", (const char *)hold);
		xmlFree(hold);
	}
	nd_buf_addch(c->out, '>');
	free(url);
	if (!strcmp(name, "br") || !strcmp(name, "img") || !strcmp(name, "hr"))
		return; /* void elements: no content, no end tag */
	if (!strcmp(name, "a"))
		c->link++;
	html_walk(c, n, depth + 1);
	if (!strcmp(name, "a"))
		c->link--;
	nd_buf_addf(c->out, "</%s>", name);
}

static void html_walk(struct hctx *c, const xmlNode *parent, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (const xmlNode *n = parent->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				esc_html(c->out, (const char *)n->content, false);
		} else if (n->type == XML_ELEMENT_NODE) {
			html_element(c, n, depth);
		}
	}
}

void nd_sanitize_html(const char *html, size_t len, const char *base_url, struct nd_buf *out)
{
	htmlDocPtr doc = parse_html(html, len);
	struct hctx c = {out, base_url, 0};

	if (!doc)
		return;
	html_walk(&c, (const xmlNode *)doc, 0);
	xmlFreeDoc(doc);
}

/* --- Text out --- */

struct tctx {
	struct nd_buf *out;
	bool space;
};

static void text_add(struct tctx *c, const char *s)
{
	for (; *s; s++) {
		if (is_space((unsigned char)*s)) {
			c->space = true;
			continue;
		}
		if (c->space && c->out->len)
			nd_buf_addch(c->out, ' ');
		c->space = false;
		nd_buf_addch(c->out, *s);
	}
}

static const char *const inline_tags[] = {
    "a",     "em",  "strong", "b",   "i",    "u",      "s",   "code", "span", "font",
    "small", "big", "sub",    "sup", "abbr", "cite",   "q",   "mark", "time", "kbd",
    "samp",  "var", "del",    "ins", "tt",   "strike", "dfn", "bdi",  "bdo",
};

static void text_walk(struct tctx *c, const xmlNode *parent, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (const xmlNode *n = parent->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				text_add(c, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && classify(n) != K_DROP) {
			/* Block elements separate words; inline ones do not. */
			bool block =
			    !in_list(inline_tags, ND_COUNT(inline_tags), (const char *)n->name);

			if (block)
				c->space = true;
			text_walk(c, n, depth + 1);
			if (block)
				c->space = true;
		}
	}
}

void nd_sanitize_text(const char *html, size_t len, size_t max_len, struct nd_buf *out)
{
	htmlDocPtr doc = parse_html(html, len);
	size_t start = out->len;
	struct nd_buf tmp = ND_BUF_INIT;
	struct tctx c = {&tmp, false};

	if (!doc)
		return;
	text_walk(&c, (const xmlNode *)doc, 0);
	xmlFreeDoc(doc);
	nd_buf_add(out, tmp.buf, tmp.len);
	nd_buf_release(&tmp);
	if (max_len)
		nd_buf_cut_words(out, start, max_len);
}

/* --- Markdown out --- */

struct md {
	struct nd_buf *out;
	struct nd_buf prefix; /* written after each newline: "> ", "   " */
	struct nd_buf open;   /* emphasis and link openers not yet written */
	const char *base;
	size_t nl_plen;  /* prefix length in force when the break was asked */
	int nl;          /* newlines owed before the next content */
	bool any;        /* something was written */
	bool fresh;      /* nothing written since a list marker */
	bool space;      /* a space owed before the next content */
	bool br;         /* a hard line break owed */
	bool bol;        /* at the start of a line, after its prefix */
	int lead;        /* 0: line start, 1: only digits so far, 2: other */
	int inline_only; /* in a heading, cell, link or emphasis: blocks are spaces */
	bool cell;       /* in a table cell: '|' ends the cell */
	int link;        /* inside a written link */
	int list;        /* list nesting */
};

static void md_init(struct md *m, struct nd_buf *out, const char *base)
{
	memset(m, 0, sizeof(*m));
	m->out = out;
	m->base = base;
	nd_buf_init(&m->prefix, 0);
	nd_buf_init(&m->open, 0);
	m->bol = true;
}

static void md_release(struct md *m)
{
	nd_buf_release(&m->prefix);
	nd_buf_release(&m->open);
}

static void md_block(struct md *m, int nl)
{
	if (m->inline_only) {
		m->space = true;
		return;
	}
	m->space = m->br = false;
	if (!m->any || m->fresh)
		return;
	if (!m->nl || m->prefix.len < m->nl_plen)
		m->nl_plen = m->prefix.len;
	if (nl > m->nl)
		m->nl = nl;
}

/* Writes the prefix's first plen bytes, without trailing spaces when
 * the line stays blank. */
static void md_prefix(struct md *m, size_t plen, bool blank)
{
	if (blank)
		while (plen && m->prefix.buf[plen - 1] == ' ')
			plen--;
	nd_buf_add(m->out, m->prefix.buf, plen);
}

/* Pays what is owed before content: newlines, a hard break, a space, openers. */
static void md_flush(struct md *m)
{
	if (!m->any) {
		md_prefix(m, m->prefix.len, false);
		m->nl = 0;
		m->bol = true;
		m->lead = 0;
	}
	if (m->nl) {
		for (int i = 0; i < m->nl; i++) {
			nd_buf_addch(m->out, '\n');
			if (i < m->nl - 1)
				md_prefix(m, m->nl_plen, true);
		}
		md_prefix(m, m->prefix.len, false);
		m->nl = 0;
		m->bol = true;
		m->lead = 0;
		m->br = m->space = false;
	}
	if (m->br && !m->bol) {
		nd_buf_adds(m->out, "\\\n");
		md_prefix(m, m->prefix.len, false);
		m->bol = true;
		m->lead = 0;
		m->space = false;
	}
	m->br = false;
	if (m->space && !m->bol)
		nd_buf_addch(m->out, ' ');
	m->space = false;
	if (m->open.len) {
		nd_buf_add(m->out, m->open.buf, m->open.len);
		nd_buf_reset(&m->open);
		m->lead = 2;
	}
	m->any = true;
	m->fresh = false;
	m->bol = false;
}

/* Markdown-escaped text; white space collapses unless keep_space. */
static void md_text(struct md *m, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_space(c)) {
			m->space = true;
			continue;
		}
		md_flush(m);
		if (strchr("\\`*_[]<>!|~&#", c) && c) {
			nd_buf_addch(m->out, '\\');
		} else if (m->lead == 0 && strchr("-+=", c)) {
			nd_buf_addch(m->out, '\\');
		} else if (m->lead == 1 && (c == '.' || c == ')')) {
			nd_buf_addch(m->out, '\\');
		}
		nd_buf_addch(m->out, (char)c);
		if (c >= '0' && c <= '9')
			m->lead = m->lead == 2 ? 2 : 1;
		else
			m->lead = 2;
	}
}

/* A URL as a link destination: the characters Markdown would read are
 * percent-encoded. */
static void md_url(struct nd_buf *out, const char *u)
{
	for (; *u; u++) {
		switch (*u) {
		case '(': nd_buf_adds(out, "%28"); break;
		case ')': nd_buf_adds(out, "%29"); break;
		case '<': nd_buf_adds(out, "%3C"); break;
		case '>': nd_buf_adds(out, "%3E"); break;
		case '\\': nd_buf_adds(out, "%5C"); break;
		case '|': nd_buf_adds(out, "%7C"); break;
		case '"': nd_buf_adds(out, "%22"); break;
		case '`': nd_buf_adds(out, "%60"); break;
		case ' ': nd_buf_adds(out, "%20"); break;
		default: nd_buf_addch(out, *u);
		}
	}
}

/* Text with white space collapsed, for code spans and alt text. */
static char *collapsed_text(const xmlNode *n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	struct nd_buf b = ND_BUF_INIT;
	struct tctx c = {&b, false};

	if (raw)
		text_add(&c, (const char *)raw);
	xmlFree(raw);
	return nd_buf_detach(&b, NULL);
}

static size_t longest_run(const char *s, char ch)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == ch ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

static void md_walk(struct md *m, const xmlNode *parent, int depth);

/* Opens an emphasis or link lazily: written only when content follows. */
static size_t md_open(struct md *m, const char *delim)
{
	size_t at = m->open.len;

	nd_buf_adds(&m->open, delim);
	return at;
}

/* Closes what md_open opened; returns false when nothing was written in
 * between (the opener is then withdrawn). */
static bool md_close(struct md *m, size_t at, const char *delim)
{
	if (m->open.len > at) {
		nd_buf_truncate(&m->open, at);
		return false;
	}
	if (delim)
		nd_buf_adds(m->out, delim);
	m->lead = 2;
	return true;
}

static void md_code(struct md *m, const xmlNode *n)
{
	char *text = collapsed_text(n);
	size_t ticks = longest_run(text, '`') + 1;
	bool pad = text[0] == '`' || (*text && text[strlen(text) - 1] == '`');

	if (*text) {
		md_flush(m);
		for (size_t i = 0; i < ticks; i++)
			nd_buf_addch(m->out, '`');
		if (pad)
			nd_buf_addch(m->out, ' ');
		/* In a table cell GFM splits on '|' before it reads code
		 * spans: escaped, it stays in the span (GFM unescapes it). */
		for (const char *p = text; *p; p++) {
			if (*p == '|' && m->cell)
				nd_buf_addch(m->out, '\\');
			nd_buf_addch(m->out, *p);
		}
		if (pad)
			nd_buf_addch(m->out, ' ');
		for (size_t i = 0; i < ticks; i++)
			nd_buf_addch(m->out, '`');
		m->lead = 2;
	}
	free(text);
}

static void md_pre(struct md *m, const xmlNode *n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	const char *s = raw ? (const char *)raw : "";
	size_t len = strlen(s), fence = longest_run(s, '`') + 1;

	if (m->inline_only) {
		xmlFree(raw);
		md_code(m, n);
		return;
	}
	if (fence < 3)
		fence = 3;
	if (*s == '\n')
		s++, len--;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	md_block(m, 2);
	md_flush(m);
	for (size_t i = 0; i < fence; i++)
		nd_buf_addch(m->out, '`');
	/* CommonMark ends a line at \n, \r\n and a lone \r: each gets the
	 * container's prefix, or the rest would leave the fence as live
	 * Markdown. Other control characters go. */
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && s[j] != '\n' && s[j] != '\r')
			j++;
		nd_buf_addch(m->out, '\n');
		md_prefix(m, m->prefix.len, false);
		for (size_t k = i; k < j; k++)
			if ((unsigned char)s[k] >= 0x20 || s[k] == '\t')
				nd_buf_addch(m->out, s[k]);
		i = j + (j + 1 < len && s[j] == '\r' && s[j + 1] == '\n' ? 2 : 1);
	}
	nd_buf_addch(m->out, '\n');
	md_prefix(m, m->prefix.len, false);
	for (size_t i = 0; i < fence; i++)
		nd_buf_addch(m->out, '`');
	xmlFree(raw);
	md_block(m, 2);
}

static void md_img(struct md *m, const xmlNode *n)
{
	xmlChar *hold = NULL;
	char *url = nd_sanitize_url(attr(n, "src", &hold), m->base, 0);
	struct nd_buf alt = ND_BUF_INIT;

	xmlFree(hold);
	if (!url)
		return;
	if (attr(n, "alt", &hold)) {
		struct tctx c = {&alt, false};
		text_add(&c, (const char *)hold);
	}
	xmlFree(hold);
	md_flush(m);
	nd_buf_adds(m->out, "![");
	for (const char *s = alt.buf; *s; s++) {
		if (strchr("\\`*_[]<>!|~&", *s))
			nd_buf_addch(m->out, '\\');
		nd_buf_addch(m->out, *s);
	}
	nd_buf_adds(m->out, "](");
	md_url(m->out, url);
	nd_buf_addch(m->out, ')');
	m->lead = 2;
	nd_buf_release(&alt);
	free(url);
}

static void md_li(struct md *m, const xmlNode *n, bool ordered, int *number, int depth)
{
	char marker[16];
	size_t plen = m->prefix.len;
	int w;

	if (m->inline_only) {
		m->space = true;
		md_walk(m, n, depth + 1);
		m->space = true;
		return;
	}
	if (ordered)
		w = snprintf(marker, sizeof(marker), "%d. ", (*number)++);
	else
		w = snprintf(marker, sizeof(marker), "- ");
	md_block(m, 1);
	m->fresh = false;
	md_flush(m);
	nd_buf_adds(m->out, marker);
	for (int i = 0; i < w; i++)
		nd_buf_addch(&m->prefix, ' ');
	m->fresh = true;
	m->bol = true;
	m->lead = 0;
	md_walk(m, n, depth + 1);
	nd_buf_truncate(&m->prefix, plen);
	m->fresh = false;
	md_block(m, 1);
}

static void md_list(struct md *m, const xmlNode *n, int depth)
{
	bool ordered = !strcmp((const char *)n->name, "ol");
	xmlChar *hold = NULL;
	int number = 1;

	if (ordered && all_digits(attr(n, "start", &hold)))
		number = atoi((const char *)hold);
	xmlFree(hold);
	md_block(m, m->list ? 1 : 2);
	m->list++;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "li"))
			md_li(m, c, ordered, &number, depth);
		else if (c->type == XML_ELEMENT_NODE && classify(c) != K_DROP) {
			/* Stray content between items: an item of its own. */
			md_li(m, c, ordered, &number, depth);
		}
	}
	m->list--;
	md_block(m, m->list ? 1 : 2);
}

/* One table cell as Markdown inline text. */
static void md_cell(struct md *m, const xmlNode *cell, struct nd_buf *out, int depth)
{
	struct md sub;

	md_init(&sub, out, m->base);
	sub.inline_only = 1;
	sub.cell = true;
	md_walk(&sub, cell, depth + 1);
	md_release(&sub);
}

struct row {
	struct nd_buf cells[MAX_COLS];
	size_t n;
};

static void collect_rows(struct md *m, const xmlNode *t, struct row **rows, size_t *nrows,
                         int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (const xmlNode *c = t->children; c; c = c->next) {
		const char *name = (const char *)c->name;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp(name, "thead") || !strcmp(name, "tbody") || !strcmp(name, "tfoot")) {
			collect_rows(m, c, rows, nrows, depth + 1);
		} else if (!strcmp(name, "tr") && *nrows < 1000) {
			struct row *r;

			*rows = nd_xrealloc(*rows, (*nrows + 1) * sizeof(**rows));
			r = &(*rows)[(*nrows)++];
			r->n = 0;
			for (const xmlNode *d = c->children; d; d = d->next) {
				if (d->type != XML_ELEMENT_NODE ||
				    (strcmp((const char *)d->name, "td") &&
				     strcmp((const char *)d->name, "th")) ||
				    r->n == MAX_COLS)
					continue;
				nd_buf_init(&r->cells[r->n], 0);
				md_cell(m, d, &r->cells[r->n], depth + 1);
				r->n++;
			}
		}
	}
}

static void md_table(struct md *m, const xmlNode *n, int depth)
{
	struct row *rows = NULL;
	size_t nrows = 0, ncols = 0;

	if (m->inline_only) {
		m->space = true;
		md_walk(m, n, depth + 1);
		m->space = true;
		return;
	}
	collect_rows(m, n, &rows, &nrows, depth);
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].n > ncols)
			ncols = rows[i].n;
	if (ncols) {
		md_block(m, 2);
		for (size_t i = 0; i < nrows; i++) {
			if (i)
				m->nl = 1, m->nl_plen = m->prefix.len;
			md_flush(m);
			nd_buf_addch(m->out, '|');
			for (size_t j = 0; j < ncols; j++) {
				nd_buf_addch(m->out, ' ');
				if (j < rows[i].n)
					nd_buf_add(m->out, rows[i].cells[j].buf,
					           rows[i].cells[j].len);
				nd_buf_adds(m->out, " |");
			}
			if (!i) {
				nd_buf_addch(m->out, '\n');
				md_prefix(m, m->prefix.len, false);
				nd_buf_addch(m->out, '|');
				for (size_t j = 0; j < ncols; j++)
					nd_buf_adds(m->out, " --- |");
			}
		}
		md_block(m, 2);
	}
	for (size_t i = 0; i < nrows; i++)
		for (size_t j = 0; j < rows[i].n; j++)
			nd_buf_release(&rows[i].cells[j]);
	free(rows);
}

static void md_element(struct md *m, const xmlNode *n, int depth)
{
	const char *name = (const char *)n->name;
	enum kind k = classify(n);
	xmlChar *hold = NULL;

	if (k == K_DROP)
		return;
	if (k == K_UNWRAP || !strcmp(name, "u") || !strcmp(name, "caption")) {
		bool block = is_block(name);

		if (block)
			md_block(m, 2);
		md_walk(m, n, depth + 1);
		if (block)
			md_block(m, 2);
		return;
	}
	if (!strcmp(name, "p") || !strcmp(name, "figure") || !strcmp(name, "figcaption")) {
		md_block(m, 2);
		md_walk(m, n, depth + 1);
		md_block(m, 2);
	} else if (!strcmp(name, "br")) {
		if (m->inline_only)
			m->space = true;
		else
			m->br = true;
	} else if (!strcmp(name, "hr")) {
		md_block(m, 2);
		if (!m->inline_only) {
			md_flush(m);
			nd_buf_adds(m->out, "* * *");
		}
		md_block(m, 2);
	} else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
		int level = name[1] == '1' ? 2 : name[1] - '0';

		md_block(m, 2);
		if (!m->inline_only) {
			md_flush(m);
			for (int i = 0; i < level; i++)
				nd_buf_addch(m->out, '#');
			nd_buf_addch(m->out, ' ');
			m->bol = true;
			m->lead = 2;
		}
		m->inline_only++;
		md_walk(m, n, depth + 1);
		m->inline_only--;
		md_block(m, 2);
	} else if (!strcmp(name, "blockquote")) {
		size_t plen = m->prefix.len;

		md_block(m, 2);
		if (!m->inline_only)
			nd_buf_adds(&m->prefix, "> ");
		md_walk(m, n, depth + 1);
		nd_buf_truncate(&m->prefix, plen);
		md_block(m, 2);
	} else if (!strcmp(name, "ul") || !strcmp(name, "ol")) {
		md_list(m, n, depth);
	} else if (!strcmp(name, "li")) {
		int number = 1;
		md_li(m, n, false, &number, depth);
	} else if (!strcmp(name, "pre")) {
		md_pre(m, n);
	} else if (!strcmp(name, "code")) {
		md_code(m, n);
	} else if (!strcmp(name, "img")) {
		md_img(m, n);
	} else if (!strcmp(name, "table") || !strcmp(name, "thead") || !strcmp(name, "tbody") ||
	           !strcmp(name, "tfoot") || !strcmp(name, "tr") || !strcmp(name, "td") ||
	           !strcmp(name, "th")) {
		if (!strcmp(name, "table"))
			md_table(m, n, depth);
		else {
			m->space = true;
			md_walk(m, n, depth + 1);
			m->space = true;
		}
	} else if (!strcmp(name, "a")) {
		char *url = m->link ? NULL : nd_sanitize_url(attr(n, "href", &hold), m->base, 1);
		size_t at;

		xmlFree(hold);
		if (!url) {
			md_walk(m, n, depth + 1);
			return;
		}
		at = md_open(m, "[");
		m->link++;
		m->inline_only++;
		md_walk(m, n, depth + 1);
		m->inline_only--;
		m->link--;
		if (md_close(m, at, "](")) {
			md_url(m->out, url);
			nd_buf_addch(m->out, ')');
		}
		free(url);
	} else {
		/* em i strong b s: emphasis, delimiters hugging the text */
		const char *d = !strcmp(name, "em") || !strcmp(name, "i") ? "*"
		                : !strcmp(name, "s")                      ? "~~"
		                                                          : "**";
		size_t at = md_open(m, d);

		m->inline_only++;
		md_walk(m, n, depth + 1);
		m->inline_only--;
		md_close(m, at, d);
	}
}

static void md_walk(struct md *m, const xmlNode *parent, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (const xmlNode *n = parent->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				md_text(m, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			md_element(m, n, depth);
		}
	}
}

void nd_sanitize_markdown(const char *html, size_t len, const char *base_url, struct nd_buf *out)
{
	htmlDocPtr doc = parse_html(html, len);
	struct md m;

	if (!doc)
		return;
	md_init(&m, out, base_url);
	md_walk(&m, (const xmlNode *)doc, 0);
	md_release(&m);
	xmlFreeDoc(doc);
}
