#pragma once
/*
 * Webhooks: on publish, update and unpublish of an article, a JSON payload
 * is POSTed to each "[webhook NAME]" of the config that wants the event
 * (config/config.h), signed with HMAC-SHA256 under the webhook's secret:
 *
 *	X-Newsdesk-Event: publish
 *	X-Newsdesk-Delivery: 42                (webhook_deliveries.id)
 *	X-Newsdesk-Signature: sha256=<hex of HMAC-SHA256(secret, body)>
 *
 * Sending happens on one background thread (libcurl, 10 s timeout), so a
 * slow receiver never holds a request. A delivery that gets no 2xx answer
 * is tried again after 1, 2, 4 and 8 seconds (ND_WEBHOOK_TRIES in all);
 * each attempt is written to webhook_deliveries (store.h). Deliveries
 * still queued when the server stops are marked failed ("shut down").
 */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define ND_WEBHOOK_TRIES 5
/* "sha256=" and 64 hex digits, and the NUL. */
#define ND_WEBHOOK_SIG_LEN (7 + 64 + 1)

struct nd_webhooks;

/* The signature header's value of body under secret, into out. */
void nd_webhook_sign(const char *secret, const char *body, size_t len,
                     char out[ND_WEBHOOK_SIG_LEN]);

/*
 * Starts the sender for cfg->webhooks (borrowed: cfg must outlive it) on
 * the store cfg->db. *out is NULL when no webhook is configured (every
 * call below then does nothing). ND_EIO when libcurl or the thread cannot
 * start.
 */
int nd_webhooks_start(const struct nd_config *cfg, struct nd_webhooks **out);
/* Stops the thread (an attempt under way finishes) and frees w; NULL is a no-op. */
void nd_webhooks_stop(struct nd_webhooks *w);

/*
 * Queues event (one enum nd_webhook_event bit) for the article ext_id with
 * payload (JSON text, copied) to every webhook that wants it. Never blocks
 * on the network.
 */
void nd_webhooks_emit(struct nd_webhooks *w, unsigned event, const char *ext_id,
                      const char *payload);
