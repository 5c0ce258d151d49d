#pragma once
/*
 * The HTML sanitiser: untrusted HTML (a wire feed's item content) in, only
 * what an allow-list keeps out. libxml2's HTML parser (htmlReadMemory, never
 * touching the network) turns any input, however broken, into a tree; the
 * tree is walked and each element is either
 *
 *	kept      p br a[href] em strong b i u s ul ol li blockquote pre code
 *	          h1-h6 (h1 becomes h2) figure figcaption img[src alt]
 *	          table thead tbody tfoot tr th td hr, with only the attributes
 *	          named here;
 *	dropped   with everything inside it: script style iframe frame
 *	          frameset object embed applet form input button select textarea
 *	          noscript template svg math head title meta link base audio
 *	          video canvas;
 *	unwrapped (its children kept in its place) any other element: div,
 *	          span, font, article, section, ...
 *
 * Comments, processing instructions and every attribute not listed above
 * (on*, style, class, id, ...) go. A link or image URL is kept only when,
 * after the parser has decoded its entities and after control characters
 * and white space are removed (browsers ignore those inside a scheme), it
 * is http: or https: (a link may also be mailto:), or relative and
 * resolvable against base_url to http(s). So "JaVa&#x09;script:",
 * "&#106;avascript:", " data:", "vbscript:" never get through. A link with
 * a refused URL keeps its text; an image with one goes.
 *
 * Two outputs of the same walk:
 *	nd_sanitize_html()      well-formed HTML (every element closed, text
 *	                        and attributes escaped)
 *	nd_sanitize_markdown()  Markdown with the same structure, for article
 *	                        bodies: newsdesk renders bodies with cmark-gfm
 *	                        in safe mode, which drops raw HTML, so the
 *	                        sanitised tree is written as Markdown (text
 *	                        backslash-escaped, so it is never read as markup)
 *	nd_sanitize_text()      the text alone, white space collapsed, for
 *	                        titles and summaries
 * All are thread-safe and never fail except through out's sticky size
 * limit; input that is not HTML at all comes out as escaped text.
 */
#include <stddef.h>

#include "core/buf.h"

/*
 * Appends the sanitised HTML of html[0..len) (UTF-8) to out. base_url
 * (borrowed, may be NULL) resolves relative links and images; without it
 * they are refused.
 */
void nd_sanitize_html(const char *html, size_t len, const char *base_url, struct nd_buf *out);

/* Appends the sanitised html[0..len) to out as Markdown (see above). */
void nd_sanitize_markdown(const char *html, size_t len, const char *base_url, struct nd_buf *out);

/*
 * Appends the text of html[0..len) to out: entities decoded, markup and
 * what the dropped elements hold removed, runs of white space as one space,
 * trimmed; cut after max_len bytes at a word boundary with "…" (0: no cut).
 */
void nd_sanitize_text(const char *html, size_t len, size_t max_len, struct nd_buf *out);

/*
 * Whether url (NUL-terminated) is safe as a link or image target, and its
 * absolute form: control characters and white space are removed, relative
 * URLs resolved against base (may be NULL), and the scheme must be http or
 * https (or mailto when allow_mailto). On success returns a string the
 * caller owns (free()); else NULL.
 */
char *nd_sanitize_url(const char *url, const char *base, int allow_mailto);
