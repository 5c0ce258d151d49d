#pragma once
/*
 * What visitors read, for the Recommendation list (issue 5): the reading
 * histories (recommend/history.h) and the live model (recommend/model.h),
 * kept current from the views the engagement glue counts, persisted in the
 * store's reading_history table and replayed from it at start.
 *
 * Writes to the store are batched: nd_reading_view queues the row, and
 * nd_reading_flush (on the counter's flusher thread, after each flush)
 * writes the queue in one transaction and, once a day, purges what is
 * older than history_days or beyond a visitor's newest ND_HISTORY_MAX. So
 * after kill -9 at most one flush interval of history is lost, as with the
 * view counts.
 */
#include <stdbool.h>
#include <stdint.h>

#include "recommend/history.h"
#include "recommend/model.h"
#include "store/store.h"

struct nd_http_request;
struct nd_reading;

/*
 * Loads the histories of the last history_days from s (replaying them into
 * the co-visitation model) and purges the older rows. db_url: the store
 * the flusher writes to (its own handle). s may be NULL: nothing is loaded
 * (the caller calls nd_reading_load) and the purge runs with the first
 * flush. Errors: those of the store.
 */
int nd_reading_open(struct nd_store *s, const char *db_url, int history_days, int64_t now,
                    struct nd_reading **out);

/* Replays s's histories of the last history_days into rd, as
 * nd_reading_open does (reads only: fits in nd_store_read_begin). */
int nd_reading_load(struct nd_reading *rd, struct nd_store *s, int64_t now);

/* Several nodes: the store rows rd writes from now on are logged as
 * node's (nd_store_nodelog_as), for the other nodes. */
void nd_reading_log_as(struct nd_reading *rd, int64_t node);

/* Another node's reads r[0..n), oldest first: the histories and the model
 * take them as this node's own, and they are not stored again. */
void nd_reading_remote(struct nd_reading *rd, const struct nd_history_rec *r, size_t n);

/* Writes what is queued and frees rd (NULL: nothing). After the last flush. */
void nd_reading_close(struct nd_reading *rd);

/*
 * Whether req's reader asks not to be tracked (DNT: 1 or Sec-GPC: 1): no
 * history is kept for them and their lists are not personal.
 */
bool nd_reading_declined(struct nd_http_request *req);

/*
 * visitor read article at now: the model, the history, the store queue.
 * first: the visitor's cookie is minted by this very answer. A client that
 * never sends cookies back would then leave a new one-entry history on
 * every page, so a first view only goes to a fixed-size table
 * (FIRST_SLOTS, overwritten when full) and joins the history when the
 * visitor comes back with the cookie within a day.
 */
void nd_reading_view(struct nd_reading *rd, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                     uint32_t article, int64_t now, bool first);

/*
 * The history of visitor, newest first, at most max entries into out;
 * for a reader whose only read is a first view still waiting (above),
 * that one. Returns how many.
 */
size_t nd_reading_history(struct nd_reading *rd, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                          struct nd_history_item *out, size_t max, int64_t now);

/* views more views of article (all readers): the popularity signal. */
void nd_reading_views(struct nd_reading *rd, uint32_t article, uint32_t views, int64_t at);

/* On the flusher thread: writes the queue, purges once a day. */
void nd_reading_flush(struct nd_reading *rd, int64_t now);

struct nd_histories *nd_reading_histories(struct nd_reading *rd);
struct nd_recs_model *nd_reading_model(struct nd_reading *rd);
