/* RSS and Atom into struct nd_wire_feed (libxml2, recovering, no network). */
#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "core/err.h"
#include "core/mem.h"
#include "wire/parse.h"
#include "wire/sanitize.h"

/* Items read from one feed; the rest are ignored. */
#define MAX_ITEMS 1000
/* Categories kept per item. */
#define MAX_ITEM_TAGS 20
/* Bytes of text gathered from one element. */
#define MAX_TEXT (4 * 1024 * 1024)

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

static const char *lname(const xmlNode *n)
{
	return (const char *)n->name;
}

static bool is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp(lname(n), name);
}

/*
 * The text of n and its descendants. An entity reference the document
 * declares itself is dropped, never expanded: one declared entity of 100
 * KB referenced a thousand times would make a 250 KB feed cost gigabytes
 * (libxml2's limits never see the copies made here), and real feeds do
 * not declare entities. One it does not declare is looked up among HTML's
 * (&nbsp; &eacute; ...), which feeds use all the time.
 */
static void gather(const xmlNode *n, struct nd_buf *b, int depth)
{
	if (depth > 100)
		return;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (b->len > MAX_TEXT)
			return;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				nd_buf_adds(b, (const char *)c->content);
		} else if (c->type == XML_ENTITY_REF_NODE) {
			xmlEntityPtr e = xmlGetDocEntity(c->doc, c->name);
			const htmlEntityDesc *h;
			utf8proc_uint8_t u8[4];

			if (!e && (h = htmlEntityLookup(c->name)))
				nd_buf_add(
				    b, (const char *)u8,
				    (size_t)utf8proc_encode_char((utf8proc_int32_t)h->value, u8));
		} else if (c->type == XML_ELEMENT_NODE) {
			gather(c, b, depth + 1);
		}
	}
}

static char *text_of(const xmlNode *n)
{
	struct nd_buf b = ND_BUF_INIT;

	gather(n, &b, 0);
	return nd_buf_detach(&b, NULL);
}

/* Collapses white space runs to one space and trims; consumes s. */
static char *collapse(char *s)
{
	size_t j = 0;
	bool space = false;

	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			space = j > 0;
			continue;
		}
		if (space)
			s[j++] = ' ';
		space = false;
		s[j++] = (char)c;
	}
	s[j] = '\0';
	if (!j) {
		free(s);
		return NULL;
	}
	return s;
}

/* HTML as plain text; consumes s. */
static char *html_text(char *s)
{
	struct nd_buf b = ND_BUF_INIT;

	if (!s)
		return NULL;
	if (!strpbrk(s, "<&"))
		return collapse(s);
	nd_sanitize_text(s, strlen(s), 0, &b);
	free(s);
	return collapse(nd_buf_detach(&b, NULL));
}

static char *escape_text(const char *s)
{
	struct nd_buf b = ND_BUF_INIT;

	for (; *s; s++) {
		if (*s == '<')
			nd_buf_adds(&b, "&lt;");
		else if (*s == '&')
			nd_buf_adds(&b, "&amp;");
		else if (*s == '>')
			nd_buf_adds(&b, "&gt;");
		else if (*s == '\n')
			nd_buf_adds(&b, "<br>");
		else
			nd_buf_addch(&b, *s);
	}
	return nd_buf_detach(&b, NULL);
}

/* The children of n serialised as markup (inline XHTML content). */
static char *inner_xml(const xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	char *res;

	for (xmlNode *c = n->children; c; c = c->next) {
		/* Atom's xhtml content is wrapped in one div: skip the wrapper. */
		if (c->type == XML_ELEMENT_NODE && !strcmp(lname(c), "div") && !c->next &&
		    c == n->children) {
			for (xmlNode *d = c->children; d; d = d->next)
				xmlNodeDump(xb, n->doc, d, 0, 0);
			break;
		}
		xmlNodeDump(xb, n->doc, c, 0, 0);
	}
	res = nd_xstrdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return res;
}

static bool has_element_child(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

static char *prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *res = v ? nd_xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return res;
}

/* Atom's type (or 0.3's mode) of a text construct: 't' text, 'h' html, 'x' xhtml. */
static char atom_type(const xmlNode *n)
{
	char *type = prop(n, "type"), *mode = prop(n, "mode");
	char k = 't';

	if (type && (!strcasecmp(type, "html") || !strcasecmp(type, "text/html")))
		k = 'h';
	else if (type && (!strcasecmp(type, "xhtml") || strstr(type, "xhtml")))
		k = 'x';
	if (mode && !strcasecmp(mode, "escaped"))
		k = 'h';
	else if (mode && !strcasecmp(mode, "xml"))
		k = 'x';
	if (k == 'x' && !has_element_child(n))
		k = 'h';
	free(type);
	free(mode);
	return k;
}

/* An Atom text construct as HTML. */
static char *atom_html(const xmlNode *n)
{
	char *t;

	switch (atom_type(n)) {
	case 'x': return inner_xml(n);
	case 'h': return text_of(n);
	default:
		t = text_of(n);
		{
			char *h = escape_text(t);
			free(t);
			return h;
		}
	}
}

/* An Atom text construct as plain text. */
static char *atom_text(const xmlNode *n)
{
	switch (atom_type(n)) {
	case 'x': return html_text(inner_xml(n));
	case 'h': return html_text(text_of(n));
	default: return collapse(text_of(n));
	}
}

/* RSS description-like content: HTML, escaped or in CDATA, or inline markup. */
static char *rss_html(const xmlNode *n)
{
	return has_element_child(n) ? inner_xml(n) : text_of(n);
}

/* The base URL in force at n (xml:base, else the document's URL); caller owns. */
static char *base_of(const xmlNode *n)
{
	xmlChar *b = xmlNodeGetBase(n->doc, n);
	char *res = b ? nd_xstrdup((const char *)b) : NULL;

	xmlFree(b);
	return res;
}

static char *resolve(const char *href, const xmlNode *at)
{
	char *base = base_of(at), *res;
	char *h = href ? collapse(nd_xstrdup(href)) : NULL;

	res = h ? nd_sanitize_url(h, base, 0) : NULL;
	free(h);
	free(base);
	return res;
}

static void set(char **field, char *value)
{
	if (!value)
		return;
	if (*field) {
		free(value);
		return;
	}
	*field = value;
}

static void set_date(int64_t *field, const xmlNode *n)
{
	char *t = text_of(n);
	char *c = collapse(t);
	int64_t v;

	if (!*field && c && nd_wire_date_parse(c, &v) == 0 && v > 0)
		*field = v;
	free(c);
}

static void add_tag(struct nd_wire_item *it, char *name)
{
	name = name ? html_text(name) : NULL;
	if (!name)
		return;
	for (size_t i = 0; i < it->tag_count; i++)
		if (!strcasecmp(it->tags[i], name)) {
			free(name);
			return;
		}
	if (it->tag_count == MAX_ITEM_TAGS || strlen(name) > 100) {
		free(name);
		return;
	}
	it->tags = nd_xrealloc(it->tags, (it->tag_count + 1) * sizeof(char *));
	it->tags[it->tag_count++] = name;
}

/* "editor@example.com (Jane Doe)" -> "Jane Doe"; consumes s. */
static char *author_name(char *s)
{
	char *open, *close;

	s = s ? html_text(s) : NULL;
	if (!s)
		return NULL;
	open = strchr(s, '(');
	close = strrchr(s, ')');
	if (open && close > open + 1 && strchr(s, '@') && strchr(s, '@') < open) {
		char *name = collapse(nd_xstrndup(open + 1, (size_t)(close - open - 1)));
		if (name) {
			free(s);
			return name;
		}
	}
	return s;
}

static void atom_author(char **field, const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (is(c, "name"))
			set(field, author_name(text_of(c)));
}

static void atom_link(char **field, const xmlNode *n, int *rank)
{
	char *rel = prop(n, "rel"), *href = prop(n, "href"), *type = prop(n, "type");
	int r = 0;

	/* rel="alternate" (or none), text/html preferred: the page of the item. */
	if (!rel || !strcmp(rel, "alternate"))
		r = !type || strstr(type, "html") ? 3 : 2;
	if (href && r > *rank) {
		char *abs = resolve(href, n);
		if (abs) {
			free(*field);
			*field = abs;
			*rank = r;
		}
	}
	free(rel);
	free(href);
	free(type);
}

static void read_item(const xmlNode *item, bool atom, struct nd_wire_item *it)
{
	int link_rank = 0;
	char *guid_link = NULL;
	char *about = prop(item, "about");

	memset(it, 0, sizeof(*it));
	it->base = base_of(item);
	for (const xmlNode *c = item->children; c; c = c->next) {
		const char *n = lname(c);

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp(n, "title")) {
			set(&it->title, atom ? atom_text(c) : html_text(text_of(c)));
		} else if (!strcmp(n, "link")) {
			if (atom || xmlHasProp(c, (const xmlChar *)"href")) {
				atom_link(&it->link, c, &link_rank);
			} else if (link_rank < 4) {
				char *t = text_of(c), *abs = resolve(t, c);
				free(t);
				if (abs) {
					free(it->link);
					it->link = abs;
					link_rank = 4;
				}
			}
		} else if (!strcmp(n, "guid") || (atom && !strcmp(n, "id"))) {
			char *g = collapse(text_of(c));
			char *perma = prop(c, "isPermaLink");
			if (g && !atom && (!perma || strcasecmp(perma, "false"))) {
				/* An item may repeat its guid: the last one counts. */
				free(guid_link);
				guid_link = resolve(g, c);
			}
			set(&it->guid, g);
			free(perma);
		} else if (!strcmp(n, "encoded") || (atom && !strcmp(n, "content"))) {
			char *h = atom ? atom_html(c) : rss_html(c);
			if (h && *h) {
				free(it->content);
				it->content = h;
				free(it->base);
				it->base = base_of(c);
			} else {
				free(h);
			}
		} else if (!strcmp(n, "description") || (atom && !strcmp(n, "summary"))) {
			char *h = atom ? atom_html(c) : rss_html(c);
			set(&it->summary, h && *h ? h : (free(h), NULL));
			if (!it->content) {
				free(it->base);
				it->base = base_of(c);
			}
		} else if (!strcmp(n, "pubDate") || !strcmp(n, "published") ||
		           !strcmp(n, "issued") || !strcmp(n, "created") ||
		           (!strcmp(n, "date") && !atom)) {
			set_date(&it->published, c);
		} else if (!strcmp(n, "updated") || !strcmp(n, "modified")) {
			set_date(&it->updated, c);
		} else if (!strcmp(n, "author") && atom) {
			atom_author(&it->author, c);
		} else if (!strcmp(n, "author") || !strcmp(n, "creator")) {
			set(&it->author, author_name(text_of(c)));
		} else if (!strcmp(n, "category") || !strcmp(n, "subject")) {
			char *term = atom ? prop(c, "term") : NULL;
			add_tag(it, term ? term : text_of(c));
		}
	}
	if (!it->published)
		it->published = it->updated;
	if (!it->link && guid_link)
		it->link = guid_link;
	else
		free(guid_link);
	if (!it->guid && about)
		it->guid = collapse(about);
	else
		free(about);
}

static void read_channel(const xmlNode *ch, bool atom, struct nd_wire_feed *f, char **author)
{
	int rank = 0;

	for (const xmlNode *c = ch->children; c; c = c->next) {
		if (is(c, "title"))
			set(&f->title, atom ? atom_text(c) : html_text(text_of(c)));
		else if (is(c, "link") && (atom || xmlHasProp(c, (const xmlChar *)"href")))
			atom_link(&f->link, c, &rank);
		else if (is(c, "link") && !f->link) {
			char *t = text_of(c);
			f->link = resolve(t, c);
			free(t);
		} else if (atom && is(c, "author"))
			atom_author(author, c);
	}
}

static void add_item(struct nd_wire_feed *f, const xmlNode *n, bool atom, const char *author)
{
	struct nd_wire_item *it;

	if (f->item_count == MAX_ITEMS)
		return;
	f->items = nd_xrealloc(f->items, (f->item_count + 1) * sizeof(*f->items));
	it = &f->items[f->item_count++];
	read_item(n, atom, it);
	if (!it->author && author)
		it->author = nd_xstrdup(author);
}

/*
 * HTML's named entities are undefined in XML, yet feeds use them all the
 * time (&nbsp; &eacute; &mdash;): libxml2 would drop them. Each &NAME; that
 * is one of HTML's and not one of XML's five is rewritten as a character
 * reference before parsing; *out gets the new text (caller owns), or NULL
 * when there was nothing to rewrite. A document that declares an entity
 * under an HTML name gets HTML's meaning for it.
 */
static char *html_entities(const char *data, size_t len, size_t *out_len)
{
	struct nd_buf b = ND_BUF_INIT;
	size_t done = 0;

	for (size_t i = 0; i < len; i++) {
		char name[16];
		size_t n = 0;
		const htmlEntityDesc *h;

		if (data[i] != '&')
			continue;
		while (n < sizeof(name) - 1 && i + 1 + n < len &&
		       ((data[i + 1 + n] >= 'a' && data[i + 1 + n] <= 'z') ||
		        (data[i + 1 + n] >= 'A' && data[i + 1 + n] <= 'Z') ||
		        (n && data[i + 1 + n] >= '0' && data[i + 1 + n] <= '9'))) {
			name[n] = data[i + 1 + n];
			n++;
		}
		if (!n || i + 1 + n >= len || data[i + 1 + n] != ';')
			continue;
		name[n] = '\0';
		if (!strcmp(name, "amp") || !strcmp(name, "lt") || !strcmp(name, "gt") ||
		    !strcmp(name, "quot") || !strcmp(name, "apos"))
			continue;
		if (!(h = htmlEntityLookup((const xmlChar *)name)))
			continue;
		nd_buf_add(&b, data + done, i - done);
		nd_buf_addf(&b, "&#%u;", h->value);
		done = i + n + 2;
		i = done - 1;
	}
	if (!done)
		return NULL;
	nd_buf_add(&b, data + done, len - done);
	return nd_buf_detach(&b, out_len);
}

static xmlDocPtr read_doc(const char *data, size_t len, const char *url, const char *charset,
                          struct nd_buf *why)
{
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	/* RECOVER: keep what parses of a broken feed. NONET and no NOENT or
	 * DTDLOAD: no external entity or DTD is ever fetched or expanded. */
	int opts = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	           XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
	xmlDocPtr doc;

	if (!ctx)
		ND_BUG("out of memory");
	doc = xmlCtxtReadMemory(ctx, data, (int)len, url, charset, opts);
	if ((!doc || !xmlDocGetRootElement(doc)) && charset) {
		xmlFreeDoc(doc);
		doc = xmlCtxtReadMemory(ctx, data, (int)len, url, NULL, opts);
	}
	if (doc && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		if (e && e->message) {
			size_t ml = strlen(e->message);
			while (ml && e->message[ml - 1] == '\n')
				ml--;
			nd_buf_addf(why, "not XML: %.*s at line %d", (int)ml, e->message, e->line);
		} else {
			nd_buf_adds(why, "not XML");
		}
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}

int nd_wire_parse(const char *data, size_t len, const char *url, const char *charset,
                  struct nd_wire_feed *out, struct nd_buf *why)
{
	struct nd_wire_feed f = {0};
	xmlDocPtr doc;
	xmlNode *root;
	char *author = NULL, *fixed;
	size_t fixed_len = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pthread_once(&once, init_libxml);
	if (!len || len > INT_MAX / 2) {
		nd_buf_adds(why, len ? "document too large" : "empty document");
		return len ? ND_ETOOBIG : ND_ESYNTAX;
	}
	fixed = html_entities(data, len, &fixed_len);
	if (fixed)
		data = fixed, len = fixed_len;
	doc = read_doc(data, len, url, charset && *charset ? charset : NULL, why);
	free(fixed);
	if (!doc)
		return ND_ESYNTAX;
	root = xmlDocGetRootElement(doc);
	if (is(root, "feed")) {
		read_channel(root, true, &f, &author);
		for (xmlNode *c = root->children; c; c = c->next)
			if (is(c, "entry"))
				add_item(&f, c, true, author);
	} else if (is(root, "rss") || is(root, "channel") || is(root, "RDF")) {
		bool rdf = is(root, "RDF");
		for (xmlNode *c = root->children; c; c = c->next) {
			xmlNode *ch = is(root, "channel") ? root : c;
			if (is(ch, "channel")) {
				read_channel(ch, false, &f, &author);
				for (xmlNode *d = ch->children; d; d = d->next)
					if (is(d, "item"))
						add_item(&f, d, false, NULL);
			}
			if (rdf && is(c, "item"))
				add_item(&f, c, false, NULL);
			if (ch == root)
				break;
		}
	} else {
		nd_buf_addf(why, "root element '%s' is not RSS, RDF or Atom", lname(root));
		rc = ND_EINVAL;
	}
	free(author);
	xmlFreeDoc(doc);
	if (rc)
		nd_wire_feed_release(&f);
	else
		*out = f;
	return rc;
}

void nd_wire_feed_release(struct nd_wire_feed *f)
{
	for (size_t i = 0; i < f->item_count; i++) {
		struct nd_wire_item *it = &f->items[i];
		free(it->guid);
		free(it->title);
		free(it->link);
		free(it->author);
		free(it->content);
		free(it->summary);
		free(it->base);
		for (size_t j = 0; j < it->tag_count; j++)
			free(it->tags[j]);
		free(it->tags);
	}
	free(f->items);
	free(f->title);
	free(f->link);
	memset(f, 0, sizeof(*f));
}
