#include "counter/pace.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>
#include <time.h>
#include <xxhash.h>

#include "core/mem.h"

/*
 * A word: fingerprint (31 bits) | flagged (1) | time (unix ms mod 2^32).
 * Unflagged, time is the moment the visitor's bucket is empty again (the
 * "theoretical arrival time" of generic cell rate): a view moves it to
 * max(time, now) + one page, and the bucket holds (time - now) / page
 * pages. Flagged, time is when the flag ends. Zero is an empty word.
 *
 * Times compare by their signed 32-bit difference from now (+-24.8 days).
 * A legitimate time is never further ahead than the burst (or the flag
 * hour) plus a little clock skew between threads, so a word claiming more
 * is stale from before a wrap and is read as idle.
 */
#define F_BIT     (UINT64_C(1) << 32)
#define FP_SHIFT  33
#define MAX_SLOTS ((size_t)1 << 32)
#define SKEW_MS   (60 * 1000)

struct nd_pace {
	_Atomic uint64_t *slots; /* aligned to a cache line */
	void *raw;               /* what to free */
	size_t bucket_mask;
	uint64_t seed;
	int64_t page_ms; /* drain time of one page */
	int64_t limit;   /* burst * page_ms: more in the bucket flags */
	_Atomic uint64_t flagged;
};

struct nd_pace *nd_pace_new(size_t slots, int burst, int seconds_per_page)
{
	struct nd_pace *p = nd_xcalloc(1, sizeof(*p));
	size_t n = ND_PACE_BUCKET;

	if (burst <= 0)
		burst = ND_PACE_BURST;
	if (seconds_per_page <= 0)
		seconds_per_page = ND_PACE_SECONDS;
	p->page_ms = (int64_t)seconds_per_page * 1000;
	p->limit = (int64_t)burst * p->page_ms;
	ND_ASSERT(p->limit + p->page_ms <= (INT64_C(1) << 30));
	while (n < slots && n < MAX_SLOTS)
		n *= 2;
	p->raw = nd_xcalloc(n * sizeof(uint64_t) + 64, 1);
	p->slots = (_Atomic uint64_t *)(((uintptr_t)p->raw + 63) & ~(uintptr_t)63);
	p->bucket_mask = n / ND_PACE_BUCKET - 1;
	if (getrandom(&p->seed, sizeof(p->seed), 0) != sizeof(p->seed))
		p->seed = (uint64_t)(uintptr_t)p ^ (uint64_t)time(NULL);
	return p;
}

void nd_pace_free(struct nd_pace *p)
{
	if (!p)
		return;
	free(p->raw);
	free(p);
}

/* The signed distance a - b between two clock readings mod 2^32. */
static int64_t ahead(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	return d < (UINT32_C(1) << 31) ? (int64_t)d : (int64_t)d - (INT64_C(1) << 32);
}

static uint64_t fp_of(uint64_t e)
{
	return e >> FP_SHIFT;
}

/* How far ahead of now the entry's time is, when it still means
 * something: the fill of an unflagged bucket in ms, or what is left of a
 * flag. 0 when the entry is idle (drained, flag over, or stale). */
static int64_t live_ms(const struct nd_pace *p, uint64_t e, uint32_t now)
{
	int64_t a = ahead((uint32_t)e, now);
	int64_t max = (e & F_BIT) ? ND_PACE_FLAG_MS : p->limit + p->page_ms;

	return (a > 0 && a <= max + SKEW_MS) ? a : 0;
}

static _Atomic uint64_t *bucket_of(const struct nd_pace *p, const struct nd_visitor *v,
                                   uint64_t *fp)
{
	uint8_t key[1 + ND_VISITOR_ID_LEN];
	uint64_t h;

	key[0] = v->kind;
	memcpy(key + 1, v->id, ND_VISITOR_ID_LEN);
	h = XXH3_64bits_withSeed(key, sizeof(key), p->seed);
	*fp = h >> FP_SHIFT;
	if (!*fp)
		*fp = 1;
	return p->slots + (h & p->bucket_mask) * ND_PACE_BUCKET;
}

/* The visitor's word in bucket b, or else the word a new visitor should
 * take (empty, else idle, else the unflagged one with the least in it;
 * -1 when all are flagged). *found says which; *seen is the word's value. */
static int find(const struct nd_pace *p, _Atomic uint64_t *b, uint64_t fp, uint32_t now,
                uint64_t *seen, bool *found)
{
	int64_t least = 0;
	int victim = -1;

	*found = false;
	for (int i = 0; i < ND_PACE_BUCKET; i++) {
		uint64_t e = atomic_load(&b[i]);
		int64_t live;

		if (e && fp_of(e) == fp) {
			*found = true;
			*seen = e;
			return i;
		}
		live = e ? live_ms(p, e, now) : -1; /* empty beats idle */
		if (live > 0 && (e & F_BIT))
			continue;
		if (victim < 0 || live < least) {
			victim = i;
			least = live;
			*seen = e;
		}
	}
	return victim;
}

bool nd_pace_allow(struct nd_pace *p, const struct nd_visitor *v, int64_t now_ms)
{
	uint32_t now = (uint32_t)(uint64_t)now_ms;
	uint64_t fp, seen = 0, next;
	_Atomic uint64_t *b = bucket_of(p, v, &fp);
	bool found, allow;
	int i;

	do {
		int64_t fill = 0;

		i = find(p, b, fp, now, &seen, &found);
		if (i < 0)
			return true; /* a bucket of flagged visitors: fail open */
		if (found) {
			fill = live_ms(p, seen, now);
			if (seen & F_BIT) {
				if (fill > 0)
					return false;
				fill = 0; /* the flag is over: start afresh */
			}
		}
		fill += p->page_ms;
		allow = fill <= p->limit;
		if (allow)
			next = fp << FP_SHIFT | (uint32_t)(now + (uint32_t)fill);
		else
			next = fp << FP_SHIFT | F_BIT | (uint32_t)(now + (uint32_t)ND_PACE_FLAG_MS);
	} while (!atomic_compare_exchange_strong(&b[i], &seen, next));
	if (!allow)
		atomic_fetch_add(&p->flagged, 1);
	return allow;
}

bool nd_pace_flagged(struct nd_pace *p, const struct nd_visitor *v, int64_t now_ms)
{
	uint32_t now = (uint32_t)(uint64_t)now_ms;
	uint64_t fp, seen = 0;
	_Atomic uint64_t *b = bucket_of(p, v, &fp);
	bool found;

	find(p, b, fp, now, &seen, &found);
	return found && (seen & F_BIT) && live_ms(p, seen, now) > 0;
}

void nd_pace_sweep(struct nd_pace *p, int64_t now_ms)
{
	uint32_t now = (uint32_t)(uint64_t)now_ms;
	size_t n = (p->bucket_mask + 1) * ND_PACE_BUCKET;

	for (size_t i = 0; i < n; i++) {
		uint64_t e = atomic_load_explicit(&p->slots[i], memory_order_relaxed);

		/* Only what is surely over: a time ahead of now is left,
		 * however far, since the sweeper's clock may lag the writers'.
		 * A word that changed meanwhile is in use: the CAS leaves it. */
		if (e && ahead((uint32_t)e, now) <= 0)
			atomic_compare_exchange_strong(&p->slots[i], &e, 0);
	}
}

void nd_pace_stats(struct nd_pace *p, size_t *entries, uint64_t *flagged)
{
	size_t n = (p->bucket_mask + 1) * ND_PACE_BUCKET, used = 0;

	if (entries) {
		for (size_t i = 0; i < n; i++)
			used += atomic_load_explicit(&p->slots[i], memory_order_relaxed) != 0;
		*entries = used;
	}
	if (flagged)
		*flagged = atomic_load(&p->flagged);
}
