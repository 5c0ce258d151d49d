#include "render/escape.h"

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
