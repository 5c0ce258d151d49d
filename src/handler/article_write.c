/*
 * What every writer of articles shares (the write API, api_write.c, and
 * the admin's editor): the state of an article before a write, who may
 * make it, the article as stored in the import's shape, and the webhook
 * event a write makes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/role.h"
#include "core/arena.h"
#include "core/err.h"
#include "handler/handler_int.h"
#include "webhook/webhook.h"

static int state_cb(void *ctx, const struct nd_article_rec *rec)
{
	struct nd_article_state *c = ctx;

	c->exists = true;
	c->owner = rec->owner_user_id;
	c->status = rec->status;
	c->live = rec->status == ND_STATUS_PUBLISHED ||
	          (rec->status == ND_STATUS_SCHEDULED && rec->published_at <= (int64_t)time(NULL));
	return 0;
}

int nd__article_state(struct nd_store *s, const char *id, struct nd_article_state *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = nd_store_article_get(s, id, state_cb, st);
	return rc == ND_ENOTFOUND ? 0 : rc;
}

const char *nd__article_refusal(struct nd_http_request *req, enum nd_role role, int64_t user_id,
                                const struct nd_article_state *cur, enum nd_article_status status)
{
	const char *name = nd_role_name(role);

	if (cur->exists && cur->owner != user_id && !nd_role_may(role, ND_ACT_EDIT_ANY))
		return nd_arena_printf(req->arena, "the role %s may change only its own articles",
		                       name);
	if (!nd_role_may(role, ND_ACT_PUBLISH) &&
	    (status != ND_STATUS_DRAFT || (cur->exists && cur->status != ND_STATUS_DRAFT)))
		return nd_arena_printf(req->arena,
		                       "the role %s may not publish, schedule or unpublish: "
		                       "it writes drafts only (\"status\": \"draft\")",
		                       name);
	return NULL;
}

static json_t *time_json(int64_t t)
{
	char iso[32];

	nd__iso_time(t, iso);
	return json_string(iso);
}

json_t *nd__revision_json(const struct nd_revision_rec *r, bool full)
{
	json_t *o = json_object(), *tags;

	json_object_set_new(o, "id", json_string(r->ext_id));
	json_object_set_new(o, "revision", json_integer(r->n));
	json_object_set_new(o, "title", json_string(r->title));
	json_object_set_new(o, "status", json_string(nd_status_name(r->status)));
	json_object_set_new(o, "saved_at", time_json(r->created_at));
	json_object_set_new(o, "saved_by", r->user_id ? json_integer(r->user_id) : json_null());
	if (!full)
		return o;
	tags = json_array();
	for (size_t i = 0; i < r->tag_count; i++)
		json_array_append_new(tags, json_string(r->tags[i]));
	json_object_set_new(o, "slug", json_string(r->slug));
	json_object_set_new(o, "summary", json_string(r->summary));
	json_object_set_new(o, "body", json_string(r->body));
	json_object_set_new(o, "section", json_string(r->section));
	json_object_set_new(o, "author", *r->author ? json_string(r->author) : json_null());
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "language", json_string(r->language));
	if (*r->image)
		json_object_set_new(o, "image", json_string(r->image));
	if (*r->source_url)
		json_object_set_new(o, "source_url", json_string(r->source_url));
	json_object_set_new(o, "published_at", time_json(r->published_at));
	json_object_set_new(o, "updated_at", time_json(r->updated_at));
	return o;
}

static int doc_cb(void *ctx, const struct nd_revision_rec *r)
{
	*(json_t **)ctx = nd__revision_json(r, true);
	return 0;
}

static int updated_cb(void *ctx, const struct nd_article_rec *rec)
{
	json_t *doc = ctx;

	json_object_set_new(doc, "updated_at", time_json(rec->updated_at));
	json_object_set_new(doc, "slug", json_string(rec->slug));
	return 0;
}

json_t *nd__article_doc(struct nd_store *s, const char *id)
{
	json_t *doc = NULL;

	if (nd_store_revision_get(s, id, 0, doc_cb, &doc) || !doc)
		return NULL;
	json_object_del(doc, "revision");
	json_object_del(doc, "saved_at");
	json_object_del(doc, "saved_by");
	nd_store_article_get(s, id, updated_cb, doc);
	return doc;
}

unsigned nd__article_event(const struct nd_article_state *before,
                           const struct nd_article_state *after)
{
	bool was = before->exists && before->live;
	bool is = after && after->exists && after->live;

	return is ? (was ? ND_WEBHOOK_UPDATE : ND_WEBHOOK_PUBLISH) : was ? ND_WEBHOOK_UNPUBLISH : 0;
}

unsigned nd__article_saved_event(struct nd_store *s, const char *id,
                                 const struct nd_article_state *before)
{
	struct nd_article_state after;

	return nd__article_state(s, id, &after) ? 0 : nd__article_event(before, &after);
}

void nd__article_notify(struct nd_app *app, unsigned event, const char *id, json_t *doc)
{
	char at[32], *text;
	json_t *payload;

	if (!app->webhooks || !event)
		return;
	nd__iso_time((int64_t)time(NULL), at);
	payload = json_pack("{s:s, s:s, s:s, s:O}", "event", nd_webhook_event_name(event), "id", id,
	                    "at", at, "article", doc);
	text = json_dumps(payload, JSON_COMPACT);
	if (text)
		nd_webhooks_emit(app->webhooks, event, id, text);
	free(text);
	json_decref(payload);
}

int nd__article_delete(struct nd_app *app, struct nd_store *s, const char *id,
                       const struct nd_article_state *cur)
{
	json_t *doc = nd__article_event(cur, NULL) && app->webhooks ? nd__article_doc(s, id) : NULL;
	int rc = nd_store_article_delete(s, id);

	if (!rc && doc)
		nd__article_notify(app, ND_WEBHOOK_UNPUBLISH, id, doc);
	json_decref(doc);
	return rc;
}
