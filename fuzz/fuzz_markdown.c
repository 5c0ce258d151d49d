/*
 * libFuzzer target: Markdown rendering (render/markdown.h), both paths: the
 * article body as HTML and the plain-text excerpt.
 */
#include <stdint.h>

#include "render/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_buf out;

	nd_buf_init(&out, 16 * 1024 * 1024);
	nd_markdown_to_html((const char *)data, size, &out);
	nd_buf_reset(&out);
	nd_markdown_to_text((const char *)data, size, 200, &out);
	nd_buf_release(&out);
	return 0;
}
