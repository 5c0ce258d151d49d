/*
 * Webhooks for writes that do not come through a request
 * (docs/internals/api-write.md, "Webhooks"): scheduled articles going live, and the
 * articles `serve`'s wire fetch saves.
 *
 * Going live changes nothing in the store (the article stays "scheduled",
 * its time has come), so no writer is there to send the event: the
 * snapshot watcher, which rebuilds the site at that second, calls
 * nd__golive with the new site. The store's meta keeps "webhook_live_until":
 * every scheduled article with published_at up to it has been announced.
 * A node claims the ones after it in one write transaction (which takes
 * the write lock, so two nodes or two runs cannot claim the same article),
 * moves the mark, commits, and only then queues the events. So each
 * article's "publish" is queued at most once per database, across
 * restarts and nodes; a crash between the commit and the delivery loses
 * it, as it would lose any queued event (the queue is in memory).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "handler/handler_int.h"
#include "site/snapshot.h"
#include "webhook/webhook.h"

#define UNTIL_KEY "webhook_live_until"
/* Articles that went live longer ago than this (a server down for days,
 * webhooks configured again after a while) are not announced any more. */
#define LATE_MAX (24 * 3600)

struct claim {
	int64_t after, upto;
	char **ids;
	size_t n;
};

/* Scheduled articles come newest first: stop at the first one announced. */
static int claim_cb(void *ctx, const struct nd_article_rec *r)
{
	struct claim *c = ctx;

	if (r->published_at <= c->after)
		return 1;
	if (r->published_at > c->upto)
		return 0;
	c->ids = nd_xrealloc(c->ids, (c->n + 1) * sizeof(*c->ids));
	c->ids[c->n++] = nd_xstrdup(r->ext_id);
	return 0;
}

static int walk(struct nd_store *s, struct claim *c)
{
	int rc = nd_store_each_article(s, ND_STATUS_SCHEDULED, c->upto, claim_cb, c);

	return rc == 1 ? 0 : rc;
}

static void claim_release(struct claim *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->ids[i]);
	free(c->ids);
	c->ids = NULL;
	c->n = 0;
}

size_t nd__golive(struct nd_app *app, int64_t now)
{
	struct claim c = {0, now, NULL, 0};
	struct nd_store *s = NULL;
	size_t queued = 0;
	int64_t until;
	int rc;

	if (!app->webhooks || nd_store_open(app->cfg->db, &s))
		goto out;
	rc = nd_store_meta_int_get(s, UNTIL_KEY, &until);
	if (rc == ND_ENOTFOUND) {
		/* The first run on this database: what went live before is not news. */
		nd_store_meta_int_set(s, UNTIL_KEY, now);
		goto out;
	}
	/* Most rebuilds have nothing new: find out without the write lock. */
	c.after = until > now - LATE_MAX ? until : now - LATE_MAX;
	if (rc || walk(s, &c) || !c.n)
		goto out;
	claim_release(&c);
	if (nd_store_begin(s))
		goto out;
	rc = nd_store_meta_int_get(s, UNTIL_KEY, &c.after);
	if (!rc) {
		c.after = c.after > now - LATE_MAX ? c.after : now - LATE_MAX;
		rc = walk(s, &c);
	}
	if (!rc && c.n)
		rc = nd_store_meta_int_set(s, UNTIL_KEY, now);
	if (rc)
		nd_store_rollback(s);
	else
		rc = nd_store_commit(s);
	if (rc) {
		claim_release(&c);
		nd_log(ND_LOG_WARN, "webhooks: the scheduled articles that went live could not be "
		                    "claimed; the next rebuild tries again");
		goto out;
	}
	for (size_t i = 0; i < c.n; i++) {
		json_t *doc = nd__article_doc(s, c.ids[i]);

		nd_log(ND_LOG_INFO, "scheduled article '%s' went live: webhook event publish",
		       c.ids[i]);
		if (doc) {
			nd__article_notify(app, ND_WEBHOOK_PUBLISH, c.ids[i], doc);
			queued++;
		}
		json_decref(doc);
	}
out:
	claim_release(&c);
	nd_store_close(s);
	return queued;
}

void nd_app_article_saved(struct nd_app *app, struct nd_store *s, const char *ext_id, bool existed,
                          int before)
{
	/* A wire item is stored published or kept as it was: before, it was
	 * live when published (the wire schedules nothing). */
	struct nd_article_state cur = {.exists = existed,
	                               .status = (enum nd_article_status)before,
	                               .live = existed && before == ND_STATUS_PUBLISHED};
	unsigned event;
	json_t *doc;

	if (!app->webhooks || !(event = nd__article_saved_event(s, ext_id, &cur)) ||
	    !(doc = nd__article_doc(s, ext_id)))
		return;
	nd__article_notify(app, event, ext_id, doc);
	json_decref(doc);
}
