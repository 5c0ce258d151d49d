#include "render/escape.h"

#include <stdbool.h>
#include <string.h>

void nd_escape_html(struct nd_buf *out, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		nd_buf_add(out, s + start, i - start);
		nd_buf_adds(out, rep);
		start = i + 1;
	}
	nd_buf_add(out, s + start, len - start);
}

void nd_escape_url(struct nd_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			nd_buf_addch(out, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			nd_buf_add(out, enc, 3);
		}
	}
}

/* The length of the valid UTF-8 sequence at s (at most len bytes) and its
 * code point in *cp, or 0 when the bytes there are not valid UTF-8. */
static size_t utf8_char(const unsigned char *s, size_t len, unsigned *cp)
{
	size_t n;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, c &= 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, c &= 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

void nd_escape_xml(struct nd_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = utf8_char(u + i, len - i, &cp);
		const char *rep = NULL;

		if (!n) { /* an invalid byte: dropped */
			i++;
			continue;
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
		    cp == 0xFFFF) {
			i += n;
			continue;
		}
		switch (cp) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default: break;
		}
		if (rep)
			nd_buf_adds(out, rep);
		else
			nd_buf_add(out, s + i, n);
		i += n;
	}
}

void nd_escape_json_script(struct nd_buf *out, const char *json, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *rep = NULL;
		size_t skip = 1;

		switch (json[i]) {
		case '<': rep = "\\u003c"; break;
		case '>': rep = "\\u003e"; break;
		case '&': rep = "\\u0026"; break;
		case '\xE2':
			if (i + 2 < len && json[i + 1] == '\x80' &&
			    (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
				rep = json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
				skip = 3;
			}
			break;
		default: break;
		}
		if (!rep)
			continue;
		nd_buf_add(out, json + start, i - start);
		nd_buf_adds(out, rep);
		i += skip - 1;
		start = i + 1;
	}
	nd_buf_add(out, json + start, len - start);
}

/* Whether the tag named at p (after '<' or "</") separates words. */
static bool block_tag(const char *p, const char *end)
{
	static const char *const names[] = {
	    "p",  "br", "li", "ul",  "ol",  "h1",         "h2",         "h3",
	    "h4", "h5", "h6", "div", "pre", "blockquote", "table",      "tr",
	    "td", "th", "hr", "dd",  "dt",  "figure",     "figcaption", "section"};
	size_t n = 0;

	while (p + n < end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')))
		n++;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncmp(p, names[i], n))
			return true;
	return false;
}

/* Appends code point c as UTF-8 (nothing for a surrogate or past U+10FFFF). */
static void add_utf8(struct nd_buf *out, unsigned long c)
{
	if (c < 0x80) {
		nd_buf_addch(out, (char)c);
	} else if (c < 0x800) {
		nd_buf_addch(out, (char)(0xC0 | c >> 6));
		nd_buf_addch(out, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		if (c >= 0xD800 && c <= 0xDFFF)
			return;
		nd_buf_addch(out, (char)(0xE0 | c >> 12));
		nd_buf_addch(out, (char)(0x80 | (c >> 6 & 0x3F)));
		nd_buf_addch(out, (char)(0x80 | (c & 0x3F)));
	} else if (c <= 0x10FFFF) {
		nd_buf_addch(out, (char)(0xF0 | c >> 18));
		nd_buf_addch(out, (char)(0x80 | (c >> 12 & 0x3F)));
		nd_buf_addch(out, (char)(0x80 | (c >> 6 & 0x3F)));
		nd_buf_addch(out, (char)(0x80 | (c & 0x3F)));
	}
}

/* Decodes the entity at p ('&'); the bytes it takes, 0 when it is none
 * of ours (the '&' is then kept as text). */
static size_t entity(struct nd_buf *out, const char *p, const char *end)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
	    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	const char *q = p + 2;
	unsigned long c = 0;
	int base = 10, digits = 0;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);

		if ((size_t)(end - p) >= n && !strncmp(p, named[i].name, n)) {
			nd_buf_addch(out, named[i].c);
			return n;
		}
	}
	if (end - p < 4 || p[1] != '#')
		return 0;
	if (*q == 'x' || *q == 'X') {
		base = 16;
		q++;
	}
	for (; q < end && digits < 7; q++, digits++) {
		int d = *q >= '0' && *q <= '9'                 ? *q - '0'
		        : base == 16 && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
		        : base == 16 && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10
		                                               : -1;
		if (d < 0)
			break;
		c = c * (unsigned long)base + (unsigned long)d;
	}
	if (!digits || q >= end || *q != ';')
		return 0;
	add_utf8(out, c);
	return (size_t)(q + 1 - p);
}

void nd_html_to_text(struct nd_buf *out, const char *html, size_t len)
{
	const char *p = html, *end = html + len;
	size_t start = out->len;
	bool space = true; /* no space at the start */

	while (p < end) {
		if (*p == '<') {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			const char *name = p + 1 + (p + 1 < end && p[1] == '/');

			if (!gt)
				break;
			if (block_tag(name, gt) && !space) {
				nd_buf_addch(out, ' ');
				space = true;
			}
			p = gt + 1;
		} else if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			if (!space)
				nd_buf_addch(out, ' ');
			space = true;
			p++;
		} else if (*p == '&') {
			size_t n = entity(out, p, end);

			if (!n)
				nd_buf_addch(out, *p);
			p += n ? n : 1;
			space = false;
		} else {
			nd_buf_addch(out, *p++);
			space = false;
		}
	}
	if (out->len > start && out->buf[out->len - 1] == ' ')
		nd_buf_truncate(out, out->len - 1);
}
