#pragma once
/*
 * Escaping for the places our output lands. Each appends to out.
 */
#include <stddef.h>

#include "core/buf.h"

/* HTML text and attribute values: & < > " ' become entities. */
void nd_escape_html(struct nd_buf *out, const char *s, size_t len);

/* One URL path segment or query value: everything but unreserved
 * characters (RFC 3986 ALPHA DIGIT - . _ ~) is percent-encoded. */
void nd_escape_url(struct nd_buf *out, const char *s, size_t len);

/*
 * XML text and attribute values (XML 1.0): & < > " ' become entities, and
 * what XML 1.0 cannot carry is dropped: control characters other than tab,
 * newline and carriage return, U+FFFE, U+FFFF, surrogates and invalid UTF-8
 * bytes. The output is always well-formed UTF-8 text.
 */
void nd_escape_xml(struct nd_buf *out, const char *s, size_t len);

/*
 * JSON text (as jansson writes it) made safe inside an HTML <script>
 * element: '<', '>', '&', U+2028 and U+2029 become \u003c, \u003e,
 * \u0026, \u2028 and \u2029. Outside strings JSON has none of them, so
 * the result is the same JSON value, and "</script>" or "<!--" cannot end
 * or change the element.
 */
void nd_escape_json_script(struct nd_buf *out, const char *json, size_t len);

/*
 * Appends the text of HTML that newsdesk made itself (rendered Markdown,
 * sanitised feed HTML) to out: tags dropped, a space where a block element
 * (p, li, h1-h6, br, td, ...) starts or ends so words do not run together,
 * the entities escaping writes (&amp; &lt; &gt; &quot; &#39;, and numeric
 * ones) decoded, other entities kept as written, every run of white space
 * made one space, none at either end. Not a general HTML parser: such HTML
 * holds no comments, scripts or attributes with '>' unescaped.
 */
void nd_html_to_text(struct nd_buf *out, const char *html, size_t len);
