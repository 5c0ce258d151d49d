/* Live values in pages: hole markers and the reaction buttons' context. */
#include <string.h>

#include "core/arena.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/holes.h"
#include "render/escape.h"

const char *nd__hole(struct nd_app *app, struct nd_http_request *req, char kind, uint32_t key,
                     uint32_t sub)
{
	char *m = nd_arena_alloc(req->arena, ND_HOLE_MAX);

	nd_hole_marker(nd_engage_nonce(app->engage), (enum nd_hole_kind)kind, key, sub, m);
	return m;
}

json_t *nd__reactions_ctx(struct nd_app *app, struct nd_http_request *req,
                          const struct nd_site_article *a)
{
	const char *const *slugs, *const *labels;
	size_t n = nd_engage_types(app->engage, &slugs, &labels);
	const char *action;
	json_t *items;

	if (!n)
		return NULL;
	/* The form posts to the API, which answers a form with 303 back here. */
	{
		struct nd_buf b = ND_BUF_INIT;

		nd_buf_adds(&b, "/api/articles/");
		nd_escape_url(&b, a->ext_id, strlen(a->ext_id));
		nd_buf_adds(&b, "/reactions");
		action = nd_arena_strndup(req->arena, b.buf, b.len);
		nd_buf_release(&b);
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:s, s:s, s:s}", "type", slugs[i], "label", labels[i], "count",
		              nd__hole(app, req, ND_HOLE_REACTION, a->key, (uint32_t)i), "action",
		              action));
	return json_pack("{s:o}", "items", items);
}
