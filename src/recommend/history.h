#pragma once
/*
 * Reading histories: per visitor, the articles read, newest first, at most
 * max_items of them (one entry per article: reading it again moves it to
 * the front). In memory, for the Recommendation list; the caller persists
 * them (store/store.h, reading_history) and replays them at start.
 *
 *	struct nd_histories *h = nd_histories_new(200);
 *	nd_histories_add(h, visitor, article, now);            (each counted view)
 *	n = nd_histories_get(h, visitor, items, 200);          (newest first)
 *	nd_histories_purge(h, now - 90 * 86400);               (once a day)
 *
 * Threads: every call may come from any thread. Visitors are spread over
 * shards, each behind its own mutex held only for the copy, so readers and
 * writers of different visitors rarely meet.
 */
#include <stddef.h>
#include <stdint.h>

/* The most entries a history keeps (the bound). */
#define ND_HISTORY_MAX 200
/* Bytes of a visitor: a kind byte and 16 id bytes (counter/visitor.h). */
#define ND_HISTORY_VISITOR_LEN 17

struct nd_history_item {
	uint32_t article; /* the store's row id */
	uint32_t at;      /* unix seconds (to 2106) */
};

struct nd_histories;

/* A new empty set of histories of at most max_items (1 .. ND_HISTORY_MAX,
 * clamped) each. Never fails; free with nd_histories_free(). */
struct nd_histories *nd_histories_new(size_t max_items);

/* Frees h; NULL is a no-op. */
void nd_histories_free(struct nd_histories *h);

/*
 * Records that visitor read article at time at (unix seconds). The entry
 * goes to the front; an earlier entry of the same article is dropped, and
 * the oldest entry when the history is full. An entry older than the
 * newest one (replaying a store out of order) still goes to the front: the
 * caller feeds entries in time order.
 */
void nd_histories_add(struct nd_histories *h, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                      uint32_t article, int64_t at);

/* Copies at most max entries of visitor's history into out, newest first;
 * returns how many (0 for a visitor never seen). */
size_t nd_histories_get(struct nd_histories *h, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                        struct nd_history_item *out, size_t max);

/* Drops every entry older than before (at < before); a visitor left with
 * none is forgotten. Returns how many entries went. */
size_t nd_histories_purge(struct nd_histories *h, int64_t before);

struct nd_histories_stats {
	size_t visitors, items;
	size_t bytes; /* held by the tables and the entries */
};

void nd_histories_stats(struct nd_histories *h, struct nd_histories_stats *out);
