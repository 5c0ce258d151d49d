#pragma once
/*
 * nd_rank internals shared by the files of src/rank (docs/internals/rank.md
 * has the picture): window.c keeps the per-article sums and the hourly
 * logs, trending.c turns them into scores, topk.c keeps the lists and
 * publishes them, rank.c is the public API around them.
 *
 * Everything here except the published lists (struct nd__rank_pub and the
 * scope directory) belongs to the writer: it is touched only with
 * r->lock held.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rank/rank.h"

/* Entries a writer-side list may hold: the published ND_RANK_MAX plus
 * slack, so that articles dropping out of the top after an hour expires
 * can usually be replaced without recomputing the list. */
#define ND__RANK_CAP (ND_RANK_MAX + ND_RANK_MAX / 2)
/* Hours in the trending "recent" part of the window. */
#define ND__RANK_RECENT_HOURS 3
/* Scope slots fit in 16 bits: at most this many sections ever seen. */
#define ND__RANK_MAX_SCOPES 65535

/* nd__rank_art.flags */
#define ND__ART_LIVE   1u /* the slot is in use */
#define ND__ART_LISTED 2u /* in the catalogue */
#define ND__ART_DOWN   4u /* its trending base grew in this call */

/*
 * One article's counts (64 bytes). s3, s24 and s7d are its views in the
 * last 3, 24 and 168 hour buckets, kept exact as deltas come in and as
 * hours leave (window.c). The views of the current and previous hour,
 * which the 1h window needs, sit in a two-entry cache indexed by the
 * hour's parity: rviews[h & 1] holds hour h's views when rhour[h & 1] ==
 * (uint32_t)h, and rpos[h & 1] is that hour's record in its log, so that
 * a second delta for the same hour adds to it instead of appending.
 */
struct nd__rank_art {
	uint32_t id;
	uint32_t mark; /* == r->gen: already seen in this pass */
	int64_t published_at;
	uint32_t s3, s24, s7d;
	uint32_t rhour[2], rviews[2], rpos[2];
	uint16_t scope[ND_MAX_SECTION_DEPTH]; /* scope slots of its sections (not the site) */
	uint8_t nscope;
	uint8_t flags;
};

/* One record of an hourly log: views of article slot art in that hour. */
struct nd__rank_hent {
	uint32_t art;
	uint32_t views;
};

/*
 * The records of one hour bucket, in arrival order. One article may have
 * several records in one hour (a start-up load after live deltas); the
 * sums only need each view to be in exactly one record.
 */
struct nd__rank_hlog {
	struct nd__rank_hent *e;
	uint32_t n, cap;
	int64_t hour; /* the hour the records are for; INT64_MIN when unused */
};

/* An entry of a writer-side list. Order: score, newer pub, smaller id. */
struct nd__rank_ent {
	double score;
	int64_t pub;
	uint32_t id;
	uint32_t art;
	uint32_t views;
};

/*
 * The writer's list for one (window, scope): e[0..n) sorted best first,
 * with exact scores. bound, when has_bound, is at least as good as every
 * article with a score above 0 that is not in e[] (an upper bound in the
 * list's order). It only moves up: an article left out of a full list, or
 * evicted from it, raises it to itself; an outsider whose score falls
 * needs nothing. Without has_bound every article with a score is in e[].
 * So the entries that beat bound are exactly the best ones; when fewer
 * than ND_RANK_MAX do, the list is recomputed from the candidates
 * (rebuild). When the clock moves, a score falls (the members are
 * rescored, the bound still holds) except trending at the hour, which
 * can rise: those lists are rebuilt then.
 */
struct nd__rank_list {
	struct nd__rank_ent *e;
	uint32_t *set; /* the article slots of e[0..n), sorted: who is a member */
	uint32_t n, cap;
	struct nd__rank_ent bound;
	bool has_bound;
	bool dirty;   /* changed since it was last published */
	bool rebuild; /* to be recomputed in this call */
};

/*
 * A published list: a seqlock (even seq: stable; odd: being written) over
 * n packed items, w[i][0] = id << 32 | views, w[i][1] = the score's bits.
 * All fields are atomics so that a reader racing with the writer is
 * defined behaviour (it retries); see nd__rank_pub_read().
 */
struct nd__rank_pub {
	_Atomic uint32_t seq;
	_Atomic uint32_t n;
	_Atomic uint64_t w[ND_RANK_MAX][2];
};

/* The published lists of one scope. Allocated once, freed with the engine:
 * a reader may hold the pointer at any time. */
struct nd__rank_scope_pub {
	uint32_t id;
	uint32_t slot;
	struct nd__rank_pub win[ND_RANK_WINDOWS];
};

/*
 * Scope id -> published lists, open addressing (linear probing) over
 * pointers, read without a lock: a slot goes from NULL to its final value
 * once (release store), and the writer replaces the whole directory with a
 * bigger copy when it is half full. Old directories are kept until
 * nd_rank_free (each is half the size of the next, so they cost at most as
 * much as the current one).
 */
struct nd__rank_dir {
	struct nd__rank_dir *retired; /* the next older directory */
	uint32_t mask;
	uint32_t count;
	_Atomic(struct nd__rank_scope_pub *) slot[];
};

struct nd__rank_scope {
	uint32_t id;
	struct nd__rank_list list[ND_RANK_WINDOWS];
	struct nd__rank_scope_pub *pub;
};

struct nd_rank {
	pthread_mutex_t lock; /* writers only */
	struct nd_rank_params p;
	int64_t now, hour; /* the clock and its hour bucket */
	int minute;

	struct nd__rank_art *art; /* slots; free ones have flags 0 */
	uint32_t nart, art_cap;
	uint32_t *free_art; /* free slots below nart */
	uint32_t nfree, free_cap;
	uint32_t *map; /* id -> slot + 1, linear probing; 0: empty */
	uint32_t map_mask, map_count;
	uint32_t nlisted;

	struct nd__rank_hlog log[ND_RANK_HOURS]; /* hour h at log[h mod 168] */
	uint32_t gen;                            /* for nd__rank_art.mark */
	uint32_t *touched;                       /* slots given deltas in this call */
	uint32_t ntouched, touched_cap;

	struct nd__rank_scope *scope; /* slot 0 is the site */
	uint32_t nscope, scope_cap;
	_Atomic(struct nd__rank_dir *) dir;
	_Atomic uint64_t version;

	/* Work for the end of this writer call (nd__rank_finish). */
	bool rescore[ND_RANK_WINDOWS];     /* members' scores may have dropped */
	bool rebuild_all[ND_RANK_WINDOWS]; /* every list of the window */

	uint64_t rebuilds, publishes;
};

/* The ring index of hour h in r->log (h may be negative). */
static inline uint32_t nd__rank_log_index(int64_t h)
{
	int64_t i = h % ND_RANK_HOURS;

	return (uint32_t)(i < 0 ? i + ND_RANK_HOURS : i);
}

/* window.c */
uint32_t nd__rank_art_find(const struct nd_rank *r, uint32_t id); /* slot or UINT32_MAX */
uint32_t nd__rank_art_get(struct nd_rank *r, uint32_t id);        /* adds a zero one */
void nd__rank_art_reserve(struct nd_rank *r, size_t n);           /* room for n slots */
void nd__rank_art_gc(struct nd_rank *r);
uint32_t nd__rank_next_gen(struct nd_rank *r);
uint32_t nd__rank_hour_views(const struct nd__rank_art *a, int64_t hour);
void nd__rank_advance(struct nd_rank *r, int64_t now_s);
void nd__rank_apply(struct nd_rank *r, const struct nd_rank_delta *d, size_t n);
size_t nd__rank_window_bytes(const struct nd_rank *r);

/* trending.c */
double nd__rank_trend_score(const struct nd_rank_params *p, uint32_t recent, uint32_t base,
                            int64_t base_hours, double span_hours);
void nd__rank_score(const struct nd_rank *r, const struct nd__rank_art *a, enum nd_rank_window w,
                    uint32_t *views, double *score);

/* topk.c */
void nd__rank_list_update(struct nd__rank_list *l, const struct nd__rank_ent *x, bool up);
void nd__rank_list_rescore(struct nd_rank *r, struct nd__rank_list *l, enum nd_rank_window w);
uint32_t nd__rank_list_valid(const struct nd__rank_list *l);
void nd__rank_list_release(struct nd__rank_list *l);
void nd__rank_rebuild(struct nd_rank *r, enum nd_rank_window w);
void nd__rank_finish(struct nd_rank *r);
size_t nd__rank_pub_read(const struct nd__rank_pub *pw, size_t limit, struct nd_rank_item *out);
struct nd__rank_scope_pub *nd__rank_dir_find(const struct nd__rank_dir *d, uint32_t scope);
uint32_t nd__rank_scope_get(struct nd_rank *r, uint32_t id); /* slot, adds one */
