#pragma once
/*
 * Counters: article views and reactions, counted in memory by the threads
 * that serve the pages and flushed to the store about once a second
 * (docs/internals/counter.md).
 *
 * Views: each thread adds to its own shard (no lock, no shared write on
 * the hot path); the live count of an article is its stored total at
 * start plus every shard's views since, so it is exact before any flush.
 * A flusher thread writes the views since its last flush, by hour, in one
 * transaction (nd_store_counts_apply) and hands the same deltas to the
 * on_flush hook (the Ranking). A flush that fails is retried with the next
 * one; after kill -9 at most the views since the last flush are lost.
 *
 * Reactions: a reaction is queued for the flusher, which applies it in its
 * next transaction (woken at once), and nd_counter_react returns only when
 * that transaction has committed: an acknowledged reaction is durable.
 *
 * Deciding whether a request is a view (bots, repeats, prefetch) is the
 * caller's job (counter/bots.h, counter/visitor.h, counter/dedupe.h).
 *
 * Several nodes on one database (issue 7; docs/internals/node-sync.md):
 * each counter is a node with a random id. Its flushes log what they store
 * (the store's node log); after each flush it reads what the other nodes
 * logged since its last look and adds it to its live counts, to what it
 * hands on_flush, and (reads) to on_read. So every node's counts include
 * every node's views and reactions about one flush interval later. At open
 * the stored totals and the log's end are read in one snapshot: nothing is
 * counted twice or missed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Hourly view buckets are kept this many days, then folded into days
 * (the flusher does it once a day). */
#define ND_COUNTER_HOUR_DAYS 30

/* Most reaction types a site may configure. */
#define ND_REACTION_TYPES_MAX 8

struct nd_counter;

/* Called on the flusher thread after each committed flush with its view
 * deltas (article, hour, views), the other nodes' included; ctx is the
 * caller's. */
typedef void (*nd_counter_flushed_fn)(void *ctx, const struct nd_view_delta *d, size_t n,
                                      int64_t now);

/* Called on the flusher thread, before on_flush, with the reading-history
 * rows the other nodes stored since the last call, oldest first. */
typedef void (*nd_counter_read_fn)(void *ctx, const struct nd_history_rec *r, size_t n);

/* Called once by nd_counter_open inside the snapshot it reads the totals
 * and the node log's end in, with its store handle (reads only): what the
 * caller loads there is consistent with what the log will bring next. A
 * non-zero return fails the open and is returned. */
typedef int (*nd_counter_load_fn)(void *ctx, struct nd_store *s);

struct nd_counter_options {
	const char *db_url;                       /* the flusher opens its own handle */
	int flush_ms;                             /* between flushes; default 1000 */
	const char *types[ND_REACTION_TYPES_MAX]; /* reaction type slugs ("verygood") */
	size_t type_count;
	nd_counter_flushed_fn on_flush; /* NULL: none */
	void *on_flush_ctx;
	/* The clock, unix seconds (NULL: time()); tests move it by hand. */
	int64_t (*now)(void *ctx);
	void *now_ctx;
	/* Several nodes: this node's id in the node log (> 0; 0: a random
	 * one), what to load with the totals, and where the other nodes'
	 * reads go (NULL: none). */
	int64_t node;
	nd_counter_load_fn on_load;
	void *on_load_ctx;
	nd_counter_read_fn on_read;
	void *on_read_ctx;
};

/*
 * Loads the stored totals (views and reaction counts) and starts the
 * flusher. Errors: those of nd_store_open and of reading the totals.
 */
int nd_counter_open(const struct nd_counter_options *o, struct nd_counter **out);

/* This node's id in the node log. */
int64_t nd_counter_node(const struct nd_counter *c);

/* Flushes what is left, stops the flusher and frees c (NULL: nothing). */
void nd_counter_close(struct nd_counter *c);

/* Counts one view of article (its store row id) at unix time now. Any
 * thread; wait-free after the thread's first call. */
void nd_counter_view(struct nd_counter *c, uint32_t article, int64_t now);

/* The live view count of article: stored at start + counted here since +
 * the other nodes' since, as far as the last flush read them. */
uint64_t nd_counter_views(const struct nd_counter *c, uint32_t article);

/* The index of reaction type slug (len bytes) in the options, or -1. */
int nd_counter_type(const struct nd_counter *c, const char *slug, size_t len);

/* How many reaction types there are, and the slug of type i. */
size_t nd_counter_type_count(const struct nd_counter *c);
const char *nd_counter_type_slug(const struct nd_counter *c, size_t i);

/* The live count of reaction type i on article. */
uint64_t nd_counter_reactions(const struct nd_counter *c, uint32_t article, size_t type);

/*
 * Applies a reaction of visitor (kind byte + 16 id bytes) and waits until
 * it is durable. *result: +1 added, -1 taken back, 0 nothing changed.
 * Errors: ND_ENOTFOUND when the article is gone, ND_ESTORE when the store
 * failed (the reaction was not saved), ND_EINVAL for a bad type.
 */
int nd_counter_react(struct nd_counter *c, uint32_t article, size_t type, const uint8_t visitor[17],
                     enum nd_react_op op, int *result);

/* Runs a flush now and waits for it (tests, shutdown). 0 or its error. */
int nd_counter_flush(struct nd_counter *c);
