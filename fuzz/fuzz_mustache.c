/*
 * libFuzzer target: the Mustache engine (render/template.h). The input is
 * a template (a theme is admin-editable text): compiled, and when it
 * compiles, rendered with a fixed context that has every kind of value,
 * with partials "p" and "q" from the input too (a recursive partial must
 * end in ND_EINVAL, not a crash).
 */
#include <stdint.h>

#include "core/limits.h"
#include "render/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ctx_json[] =
    "{\"title\":\"<b>T&amp;</b>\",\"n\":3,\"f\":1.5,\"yes\":true,\"no\":false,\"nil\":null,"
    "\"list\":[{\"name\":\"a\",\"list\":[1,2]},{\"name\":\"b\"},\"s\",4],"
    "\"obj\":{\"name\":\"o\",\"obj\":{\"name\":\"deep\"}},\"empty\":[],\"html\":\"<i>x</i>\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	struct nd_tpl_set *set;
	struct nd_buf out;
	char *err = NULL;

	if (!ctx)
		ctx = json_loads(ctx_json, 0, NULL);
	set = nd_tpl_set_new();
	if (!set)
		return 0;
	if (nd_tpl_set_add(set, "page", (const char *)data, size, &err) == 0) {
		/* The same text as partials, so {{>p}} recurses into itself. */
		nd_tpl_set_add(set, "p", (const char *)data, size, NULL);
		nd_tpl_set_add(set, "q", "{{#list}}{{>p}}{{/list}}", 24, NULL);
		nd_buf_init(&out, 1024 * 1024);
		nd_tpl_render(set, "page", ctx, &out);
		nd_buf_release(&out);
	}
	free(err);
	nd_tpl_set_free(set);
	return 0;
}
