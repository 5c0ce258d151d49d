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
