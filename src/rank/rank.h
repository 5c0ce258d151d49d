#pragma once
/*
 * nd_rank: the Ranking lists (most read in the last hour, 24 hours and 7
 * days, and trending), site-wide and per section, kept up to date as views
 * arrive instead of being computed per request (docs/internals/rank.md).
 *
 * A pure in-memory engine: it knows no store, no clock and no HTTP. The
 * caller passes the catalogue (which articles exist and where), the view
 * deltas and the time; it reads the lists back.
 *
 *	struct nd_rank *r = nd_rank_new(NULL, now);
 *	nd_rank_set_articles(r, articles, n);        (at start, after each publish)
 *	nd_rank_add(r, deltas, nd, now);             (the flusher, about once a second)
 *	nd_rank_tick(r, now);                        (when there were no views)
 *
 *	struct nd_rank_item top[10];                 (any thread, no lock)
 *	size_t n = nd_rank_top(r, ND_RANK_24H, section_id, 10, top);
 *
 * Time is Unix seconds (UTC) and views are counted in hourly buckets
 * (hour = floor(t / 3600)); see "Windows" below for what each list counts.
 *
 * Threads. The writer calls (nd_rank_set_articles, nd_rank_add,
 * nd_rank_tick, nd_rank_stats) are serialised by a mutex inside, so the
 * flusher and the snapshot builder may both call them. Readers
 * (nd_rank_top, nd_rank_version) take no lock and never wait for a writer:
 * each list is published behind its own sequence counter (a seqlock), and
 * a reader copies the items out, retrying in the rare case that the writer
 * republished that very list while it was copying. A reader therefore
 * always sees one whole published list, never a mix of two.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"

/*
 * The lists. Every window is made of hourly buckets; H is the hour of the
 * last time passed in (`now`), m the minute within it (0 to 59).
 *
 * ND_RANK_1H: the views of hour H plus those of hour H-1 weighted by the
 *	part of the last 60 minutes that still falls in it:
 *	views(H) + floor(views(H-1) * (60 - m) / 60). It is an estimate of
 *	the views in the last 60 minutes that assumes the views of hour H-1
 *	were spread evenly over it; it needs nothing but the hourly buckets,
 *	so it is the same after a restart and on every node.
 * ND_RANK_24H: views in hours H-23 to H (the current hour and the 23
 *	before it).
 * ND_RANK_7D: views in hours H-167 to H.
 * ND_RANK_TRENDING: views in hours H-2 to H against the article's own
 *	earlier rate (see struct nd_rank_params for the formula); the item's
 *	views are those of the last three hours and its score the ratio.
 */
enum nd_rank_window { ND_RANK_1H, ND_RANK_24H, ND_RANK_7D, ND_RANK_TRENDING, ND_RANK_WINDOWS };

/* The most items one list holds: a request for more gets this many. */
#define ND_RANK_MAX 100
/* The scope of the whole site. Every listed article counts in it. */
#define ND_RANK_SITE 0
/* Hourly buckets the engine keeps: 7 days. */
#define ND_RANK_HOURS 168

/*
 * One article of the catalogue.
 * - id: the article's key (the store's row id); any value.
 * - published_at: Unix seconds; the newer article wins a tie, and trending
 *   reads the article's rate only from the hours since it was published.
 * - scopes: the ids of its section and of each ancestor section (any
 *   order, nscopes of them). An article counts in the site and in each of
 *   these. 0 (the site) and repeats are ignored.
 */
struct nd_rank_article {
	uint32_t id;
	int64_t published_at;
	uint32_t scopes[ND_MAX_SECTION_DEPTH];
	uint32_t nscopes;
};

/* views more views of article id in the hour `hour` (floor(t / 3600)). */
struct nd_rank_delta {
	uint32_t id;
	int64_t hour;
	uint32_t views;
};

/*
 * One entry of a list: the article, its views in the window and its score.
 * The score is the views (as a double) for 1h, 24h and 7d, and the
 * trending ratio for ND_RANK_TRENDING.
 */
struct nd_rank_item {
	uint32_t id;
	uint32_t views;
	double score;
};

/*
 * Trending. For an article published before hour H-2, with
 *	recent = its views in hours H-2 to H,
 *	base   = its views in hours H-167 to H-3,
 *	hours  = the number of those base hours since the hour it was published,
 *	span   = 2 + (m + 1) / 60, the hours the recent views had to happen in,
 *	expected = span * base / hours (0 when hours is 0),
 * the score is (recent + trend_prior) / (expected + trend_prior), and the
 * article is listed only when recent >= trend_min_views. An article that
 * keeps its usual pace scores about 1, one read three times more than usual
 * about 3. trend_prior acts as views the article is assumed to have had at
 * its usual pace: it damps small numbers, so 5 views of an article that
 * usually has 1 do not outrank 600 of one that usually has 200. An article
 * with no earlier hours (published in the last three) is measured against
 * the prior alone: (recent + prior) / prior.
 */
struct nd_rank_params {
	uint32_t trend_min_views; /* default 10 */
	double trend_prior;       /* default 20.0 views; must be > 0 */
};

/* Fills *p with the defaults. */
void nd_rank_params_init(struct nd_rank_params *p);

/*
 * A new engine with no articles and no views, its clock at now_s. p (may
 * be NULL for the defaults) is copied. Never fails; caller owns the result
 * and frees it with nd_rank_free().
 */
struct nd_rank *nd_rank_new(const struct nd_rank_params *p, int64_t now_s);

/* Frees r and everything it holds. No reader may be inside nd_rank_top()
 * any more. NULL is a no-op. */
void nd_rank_free(struct nd_rank *r);

/*
 * Replaces the catalogue with a[0..n) (copied; a may be freed after the
 * call). Only catalogued articles are listed: an article that is left out
 * (unpublished) disappears from every list at once. The views recorded
 * for every article are kept, also for one left out, so it comes back with
 * its counts if it is published again within the 7 days. An id that comes
 * twice keeps its last entry. Every list is rebuilt and published before
 * the call returns. Cost: O(n + articles with views in the last 7 days).
 */
void nd_rank_set_articles(struct nd_rank *r, const struct nd_rank_article *a, size_t n);

/*
 * Moves the clock to now_s (see nd_rank_tick) and then records the deltas
 * d[0..n) (borrowed for the call). A delta for an hour after the current
 * one counts in the current hour (two clocks a little apart); one older
 * than 7 days, or with 0 views, changes nothing. Deltas for articles not
 * in the catalogue are recorded too, and count as soon as a catalogue
 * lists them. The flusher calls this about once a second with what it has
 * counted since its last call; at start the caller passes the stored
 * hourly buckets of the last 7 days (hours >= nd_rank_first_hour(now)) in
 * one call or several. Changed lists are published before it returns.
 * Counts are 32-bit: fewer than 2^32 views per article in 7 days.
 */
void nd_rank_add(struct nd_rank *r, const struct nd_rank_delta *d, size_t n, int64_t now_s);

/*
 * Moves the clock to now_s: hours that leave a window are taken out of it,
 * and the 1h and trending scores, which also depend on the minute, are
 * brought up to date when the minute changed. A time before the current
 * one is ignored (the clock never goes back). Changed lists are published
 * before it returns.
 */
void nd_rank_tick(struct nd_rank *r, int64_t now_s);

/*
 * Copies the best min(limit, ND_RANK_MAX) articles of window w within
 * scope (a section id, or ND_RANK_SITE) into out[] (caller-owned, room
 * for that many), best first, and returns how many it copied (limit 0:
 * none, out untouched): fewer when fewer articles have views in the
 * window (or reach trend_min_views), 0 for a scope no catalogued article
 * is in. Order: score, then the newer publication time, then the smaller
 * id. The lists are those of the last writer call: they move with the
 * clock only when nd_rank_add or nd_rank_tick is called. Any thread, any
 * time between nd_rank_new and nd_rank_free; no lock, no allocation.
 */
size_t nd_rank_top(const struct nd_rank *r, enum nd_rank_window w, uint32_t scope, size_t limit,
                   struct nd_rank_item *out);

/*
 * A number that grows each time a writer call changes any published list
 * (a cache of rendered Ranking blocks can be keyed on it). Any thread.
 */
uint64_t nd_rank_version(const struct nd_rank *r);

/* Figures for the benchmark and for /metrics. */
struct nd_rank_stats {
	size_t articles;     /* known: catalogued or with views in the last 7 days */
	size_t listed;       /* in the catalogue */
	size_t scopes;       /* the site and every section seen */
	size_t hour_entries; /* (article, hour) records in the hourly logs */
	size_t bytes;        /* heap memory held */
	uint64_t rebuilds;   /* lists recomputed from all candidates */
	uint64_t publishes;  /* lists republished */
	int64_t now;         /* the clock */
};

/* Fills *out. Takes the writer mutex. */
void nd_rank_stats(struct nd_rank *r, struct nd_rank_stats *out);

/*
 * Bucket arithmetic (UTC, exact for negative times too).
 */

/* floor(t / 3600): the hour bucket of Unix time t. */
int64_t nd_rank_hour(int64_t t);

/* floor(t / 86400): the day of Unix time t. */
int64_t nd_rank_day(int64_t t);

/* The day an hour bucket falls in (floor(hour / 24)). */
int64_t nd_rank_day_of_hour(int64_t hour);

/* The minute within its hour of Unix time t, 0 to 59. */
int nd_rank_minute(int64_t t);

/*
 * The oldest hour bucket window w reads at time now (ND_RANK_1H: H-1,
 * 24H: H-23, 7D and TRENDING: H-167). Views in earlier hours count in no
 * list: nd_rank_first_hour(now, ND_RANK_7D) is where a start-up load
 * begins.
 */
int64_t nd_rank_first_hour(int64_t now, enum nd_rank_window w);

/* Whether the views of hour bucket `hour` count (in part, for the 1h
 * window) in window w at time now. */
bool nd_rank_hour_in_window(int64_t hour, int64_t now, enum nd_rank_window w);

/* The 1h views at time now of an article with cur views in the current
 * hour and prev in the one before: cur + floor(prev * (60 - m) / 60). */
uint32_t nd_rank_1h_views(uint32_t cur, uint32_t prev, int64_t now);
