#pragma once
/*
 * Engagement glue (issue 4): who the reader is, whether this request is a
 * view to count, and the live values the page's holes show. Owns the
 * counter (counter/counter.h), the bot list, the visitor keys, the dedupe
 * and pace tables, the reaction rate limits and the reading histories
 * with the recommendation model (handler/reading.h); one per app.
 *
 * A request is a view when it is a GET (not HEAD) of an article page, not
 * a prefetch or prerender, not from a User-Agent of the bot list, the
 * first by this visitor of this article in dedupe_minutes, and the visitor
 * is not reading faster than a person can (counter/pace.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "counter/visitor.h"
#include "handler/holes.h"
#include "http/http.h"

struct nd_config;
struct nd_engage;
struct nd_rank;
struct nd_site;

/* The reader of one request. */
struct nd_reader {
	struct nd_visitor v;                /* from the cookie, else the fallback hash */
	struct nd_visitor minted;           /* when a cookie is to be set: its visitor */
	char cookie[ND_VISITOR_COOKIE_MAX]; /* "" or the new cookie's value */
	bool bot;                           /* by User-Agent */
};

/* Opens everything (the counter's store handle from cfg->db, the visitor
 * secrets from the store). Errors: those of the store; logged. */
int nd_engage_open(const struct nd_config *cfg, struct nd_engage **out);
/* Flushes the counts and frees e (NULL: nothing). After the server stops. */
void nd_engage_close(struct nd_engage *e);

/* Identifies the reader of req; mints a cookie when it has no valid one. */
void nd_engage_reader(struct nd_engage *e, struct nd_http_request *req, struct nd_reader *r);

/* Counts a view of article by r when req is one (above). Returns whether
 * it was counted. A counted view also goes to r's reading history (unless
 * req declines tracking: handler/reading.h) and, when it came by a
 * Recommendation link (?ref=rec), counts as a click of that list. */
bool nd_engage_view(struct nd_engage *e, struct nd_http_request *req, const struct nd_reader *r,
                    uint32_t article);

/* Adds Set-Cookie for a minted cookie to res (HttpOnly, SameSite=Lax,
 * Secure when secure; a year). */
void nd_engage_set_cookie(struct nd_engage *e, struct nd_http_request *req,
                          struct nd_http_response *res, const struct nd_reader *r, bool secure);

/* The marker nonce of this process and the values its holes take. */
uint64_t nd_engage_nonce(const struct nd_engage *e);
const struct nd_hole_values *nd_engage_values(const struct nd_engage *e);

/* The reaction types: count, their slugs and button labels. */
size_t nd_engage_types(const struct nd_engage *e, const char *const **slugs,
                       const char *const **labels);

/* Gives the Ranking the catalogue of site when it has not had it yet
 * (once per snapshot; cheap otherwise). Any thread. */
void nd_engage_sync(struct nd_engage *e, const struct nd_site *site);

/* The Ranking (rank/rank.h), for lists. */
const struct nd_rank *nd_engage_rank(const struct nd_engage *e);

/*
 * The identity whose reading history r has (kind byte + id) into out:
 * the cookie's visitor, or the one minted now. false for a bot or a
 * reader known only by the fallback hash (no history).
 */
bool nd_engage_history_id(const struct nd_reader *r, uint8_t out[17]);

/* Reading histories and the recommendation model (handler/reading.h). */
struct nd_reading *nd_engage_reading(struct nd_engage *e);

/* The counter, for reactions. */
struct nd_counter *nd_engage_counter(struct nd_engage *e);

/* Rate limits for reactions: false (and *retry_after in seconds) when the
 * reader or its address has pressed too often. */
bool nd_engage_may_react(struct nd_engage *e, struct nd_http_request *req,
                         const struct nd_reader *r, int *retry_after);
