#pragma once
/*
 * The behavioural bot rule of issue 4: "one visitor fetching article pages
 * faster than a person reads" is not counted.
 *
 * A leaky bucket per visitor. Each first view of an article (one that
 * nd_dedupe_first let through: a reload must not feed the bucket) pours in
 * one page; the bucket drains one page every seconds_per_page. A view that
 * brings it above burst pages flags the visitor for an hour, and no view
 * of a flagged visitor counts. A reader who opens ten tabs from the home
 * page is at ten pages and passes; a crawler holding one cookie and
 * fetching a page a second gains five sixths of a page per page with the
 * defaults and is flagged at its 24th page.
 *
 * Kept as generic cell rate (one "bucket empty at" time per visitor, to
 * the millisecond), in a fixed-size lock-free table of 64-bit words in
 * buckets of 8 (one cache line): fingerprint (31 bits) | flagged (1) |
 * time (ms mod 2^32). No allocation after nd_pace_new, no lock.
 *
 * Full bucket: a new visitor takes an empty or idle word (bucket drained,
 * not flagged: that state is the same as no entry), else the unflagged
 * entry with the least in it; if every word is a flagged visitor, the view
 * counts unwatched (fail open). See docs/internals/visitor.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter/visitor.h"

#define ND_PACE_BUCKET  8
#define ND_PACE_BURST   20
#define ND_PACE_SECONDS 6
#define ND_PACE_FLAG_MS (3600 * 1000)

struct nd_pace;

/* A table of slots visitors (rounded up to a power of two, at least one
 * bucket of 8; 8 bytes each). burst (pages) and seconds_per_page, when 0
 * or less, take ND_PACE_BURST and ND_PACE_SECONDS; (burst + 1) times
 * seconds_per_page must stay under 12 days (larger is a bug). Caller owns
 * the result; free it with nd_pace_free. */
struct nd_pace *nd_pace_new(size_t slots, int burst, int seconds_per_page);
/* Frees the table; no thread may be using it. NULL is a no-op. */
void nd_pace_free(struct nd_pace *p);

/* Pours one page for visitor v (borrowed for the call) at now_ms (unix
 * milliseconds) and returns whether the view counts: false while v is
 * flagged, and for the view that takes it above the burst, which flags it
 * until now_ms + ND_PACE_FLAG_MS. A view of a flagged visitor does not
 * extend the flag. Call it once per view that dedupe counted. Thread-safe.
 *
 * Two first views of one new visitor at the same moment on two threads
 * may make two entries; the second then goes unused until swept, and the
 * visitor's bucket misses one page (errs towards counting). */
bool nd_pace_allow(struct nd_pace *p, const struct nd_visitor *v, int64_t now_ms);

/* True when v is flagged at now_ms; changes nothing. Thread-safe. */
bool nd_pace_flagged(struct nd_pace *p, const struct nd_visitor *v, int64_t now_ms);

/* Clears every idle entry (drained and not flagged) at now_ms, so words
 * are free for new visitors and old times never meet a wrapped clock.
 * Run it every minute or so (at least every 12 days). Thread-safe; O(slots). */
void nd_pace_sweep(struct nd_pace *p, int64_t now_ms);

/* Entries held now (O(slots)) and visitors flagged since the table was
 * made. Either pointer may be NULL. */
void nd_pace_stats(struct nd_pace *p, size_t *entries, uint64_t *flagged);
