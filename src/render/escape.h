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
