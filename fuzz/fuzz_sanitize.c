/*
 * libFuzzer target: the HTML sanitiser (wire/sanitize.h), each of its
 * outputs (HTML, Markdown, text) and its URL check, on feed-item HTML.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char base[] = "https://example.org/news/item.html";
	const char *html = (const char *)data;
	struct nd_buf out;
	char *s;

	nd_buf_init(&out, 16 * 1024 * 1024);
	nd_sanitize_html(html, size, base, &out);
	nd_buf_reset(&out);
	nd_sanitize_markdown(html, size, base, &out);
	nd_buf_reset(&out);
	nd_sanitize_text(html, size, 300, &out);
	nd_buf_release(&out);

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	free(nd_sanitize_url(s, base, 1));
	free(s);
	return 0;
}
