#pragma once
/*
 * "Has this visitor viewed this article in the last W minutes? If not,
 * remember that it does now": the rule that makes reloads, back buttons and
 * a second tab count once (issue 4: 30 minutes).
 *
 * A fixed-size, lock-free table of 64-bit words, in buckets of 16 (two
 * cache lines). A (visitor, article) pair hashes, under a random per-table
 * seed, to one bucket and a fingerprint; the word holds the fingerprint,
 * the second of the view (modulo 2^24) and a state (claimed, done, dead).
 * No allocation after nd_dedupe_new and no lock: a call only ever retries
 * because a compare-and-swap lost to another thread.
 *
 * Exactly once: two threads asking about the same pair at the same moment
 * get one true between them (insert tentatively, look again, commit; see
 * dedupe.c).
 *
 * Full bucket: a new pair takes an empty or expired word, and if there is
 * none it evicts the oldest entry of its bucket. That reader's next view
 * of that article may then count again before its window ends: under
 * overload the table overcounts a little rather than refusing to count.
 * Evictions are counted (nd_dedupe_stats) so a table too small shows.
 *
 * Time is passed in as unix milliseconds and kept to the second. Entries
 * compare by their age modulo 2^24 s (194 days); nd_dedupe_sweep, run
 * every minute or so (at least every 60 days), clears expired ones so
 * that wrap never matters.
 * See docs/internals/visitor.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter/visitor.h"

#define ND_DEDUPE_BUCKET 16
/* The longest window the 24-bit clock can tell apart from a wrap. */
#define ND_DEDUPE_MAX_MINUTES (24 * 60 * 30)

struct nd_dedupe;

/* A table of slots entries (rounded up to a power of two, at least one
 * bucket of 16; 8 bytes each) remembering views for window_minutes
 * (1 .. ND_DEDUPE_MAX_MINUTES; anything else is a bug). Caller owns the
 * result; free it with nd_dedupe_free. */
struct nd_dedupe *nd_dedupe_new(size_t slots, int window_minutes);
/* Frees the table; no thread may be using it. NULL is a no-op. */
void nd_dedupe_free(struct nd_dedupe *d);

/* True when visitor v (borrowed for the call) has not viewed article in
 * the window ending at now_ms, and records the view at now_ms: count it.
 * False for a repeat within the window (the first view's time stands: a
 * reader reloading every minute is counted again once the window has
 * passed since the counted view). A view exactly window minutes after the
 * counted one counts again. Thread-safe. */
bool nd_dedupe_first(struct nd_dedupe *d, const struct nd_visitor *v, uint32_t article,
                     int64_t now_ms);

/* Clears every entry whose window has ended at now_ms. Thread-safe, and
 * safe to run while other threads call nd_dedupe_first; O(slots). */
void nd_dedupe_sweep(struct nd_dedupe *d, int64_t now_ms);

/* Entries held now (O(slots)) and evictions since the table was made, for
 * logs, /metrics and tests. Either pointer may be NULL. */
void nd_dedupe_stats(struct nd_dedupe *d, size_t *entries, uint64_t *evictions);
