#include "counter/dedupe.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>
#include <time.h>
#include <xxhash.h>

#include "core/mem.h"

/*
 * A word: fingerprint (38 bits) | state (2) | second of the view mod 2^24.
 * Zero is an empty word; a fingerprint is never zero, so no entry is.
 * Buckets are 16 aligned words; a pair lives anywhere in its bucket.
 *
 * Why states. "Look for the pair; if absent, claim a free word" is not
 * atomic over a bucket: thread A may claim word 3 while thread B, whose
 * look at word 3 came before, claims word 7 (say word 2 had been swept
 * between the two looks, so their choices differed), and both would
 * count. So a claim is tentative (CLAIM): after its compare-and-swap, a
 * thread looks at the bucket again. Every access is sequentially
 * consistent, so of two threads that each wrote a word and then read the
 * other's, at least one sees the other's write (the Dekker pattern). Then:
 *
 *   - a DONE entry of the pair elsewhere: someone counted; withdraw;
 *   - a CLAIM of the pair at a lower position: it has priority; withdraw;
 *   - a CLAIM at a higher position: kill it (CAS CLAIM -> DEAD);
 *   - then commit our own word (CAS CLAIM -> DONE). If that fails, a
 *     lower claim killed ours: it counts, we do not.
 *
 * A killed claim stays DEAD until its owner has seen its commit fail and
 * clears it. Were it cleared at once, a third thread could claim the same
 * word for the same pair in the same second, which is the very same
 * value, and the first owner's commit would succeed on it (ABA).
 *
 * Exactly one commit succeeds: the lowest claim is never killed, and of
 * two claims that both reach their commit, the later one's second look
 * would have seen the other (DONE, or CLAIM and lower), or killed it,
 * which makes the other's commit fail.
 *
 * CLAIM and DEAD words are never chosen for a new claim (until expired:
 * an owner stalled for a whole window), and a CLAIM of the pair in the
 * first look is a repeat: its owner, or a lower claim of the same pair,
 * will count it.
 */
#define T_BITS    24
#define T_MASK    ((UINT32_C(1) << T_BITS) - 1)
#define T_HALF    (UINT32_C(1) << (T_BITS - 1))
#define S_SHIFT   T_BITS
#define S_MASK    (UINT64_C(3) << S_SHIFT)
#define CLAIM     (UINT64_C(0) << S_SHIFT)
#define DONE      (UINT64_C(1) << S_SHIFT)
#define DEAD      (UINT64_C(2) << S_SHIFT)
#define FP_SHIFT  (T_BITS + 2)
#define MAX_SLOTS ((size_t)1 << 30) /* bucket bits and fingerprint bits stay disjoint */
/* An entry up to this far in the future is taken as written now: threads
 * read the clock at slightly different moments. */
#define SKEW_S 3600

_Static_assert(ND_DEDUPE_MAX_MINUTES * 60 < T_HALF - SKEW_S, "window fits the clock");

/* tests/unit/counter/test_dedupe.c includes this file and defines HOOK to
 * play another thread's steps at these two points of nd_dedupe_first. */
#ifndef HOOK
#define HOOK(stage, bucket, m, mine) ((void)0)
#endif
#define AFTER_CLAIM   1
#define BEFORE_COMMIT 2

struct nd_dedupe {
	_Atomic uint64_t *slots; /* aligned to 128 bytes */
	void *raw;               /* what to free */
	size_t bucket_mask;
	uint64_t seed;
	uint32_t window_s;
	_Atomic uint64_t evictions;
};

struct nd_dedupe *nd_dedupe_new(size_t slots, int window_minutes)
{
	struct nd_dedupe *d = nd_xcalloc(1, sizeof(*d));
	size_t n = ND_DEDUPE_BUCKET;

	ND_ASSERT(window_minutes >= 1 && window_minutes <= ND_DEDUPE_MAX_MINUTES);
	while (n < slots && n < MAX_SLOTS)
		n *= 2;
	/* Buckets on 128-byte boundaries: the two cache lines of a bucket
	 * are then one pair for the adjacent-line prefetcher. */
	d->raw = nd_xcalloc(n * sizeof(uint64_t) + 128, 1);
	d->slots = (_Atomic uint64_t *)(((uintptr_t)d->raw + 127) & ~(uintptr_t)127);
	d->bucket_mask = n / ND_DEDUPE_BUCKET - 1;
	/* A random seed: clients choose their cookies and articles, not where
	 * they land. */
	if (getrandom(&d->seed, sizeof(d->seed), 0) != sizeof(d->seed))
		d->seed = (uint64_t)(uintptr_t)d ^ (uint64_t)time(NULL);
	d->window_s = (uint32_t)window_minutes * 60;
	return d;
}

void nd_dedupe_free(struct nd_dedupe *d)
{
	if (!d)
		return;
	free(d->raw);
	free(d);
}

static uint32_t clock_of(int64_t now_ms)
{
	/* Floor division, so a time before 1970 (tests) still ticks evenly. */
	int64_t s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);

	return (uint32_t)s & T_MASK;
}

/* Seconds from the entry's view to t; an entry slightly in the future is
 * age 0, and one far in the "future" is a stale entry from before a wrap
 * of the clock, returned as older than any window. */
static uint32_t age_of(uint64_t e, uint32_t t)
{
	uint32_t age = (t - (uint32_t)(e & T_MASK)) & T_MASK;

	if (age >= T_HALF)
		return ((UINT32_C(1) << T_BITS) - age <= SKEW_S) ? 0 : T_MASK;
	return age;
}

static bool fresh(const struct nd_dedupe *d, uint64_t e, uint32_t t)
{
	return age_of(e, t) < d->window_s;
}

static uint64_t fp_of(uint64_t e)
{
	return e >> FP_SHIFT;
}

/* The first look at a bucket. Returns -2 when the pair has a fresh DONE
 * or CLAIM entry: a repeat. Otherwise returns the word to claim, with its
 * value in *seen and whether it holds a fresh entry in *evict: an empty
 * word, else the oldest expired one, else the oldest fresh DONE one.
 * Returns -1 when every word is a claim in progress (or a dead one). */
static int first_look(const struct nd_dedupe *d, _Atomic uint64_t *b, uint64_t fp, uint32_t t,
                      uint64_t *seen, bool *evict)
{
	uint32_t victim_age = 0;
	int victim = -1;

	for (int i = 0; i < ND_DEDUPE_BUCKET; i++) {
		uint64_t e = atomic_load(&b[i]);
		uint32_t age;

		if (!e) {
			if (victim < 0 || *seen) {
				victim = i;
				*seen = 0;
				*evict = false;
			}
			continue;
		}
		age = age_of(e, t);
		if (age < d->window_s && (e & S_MASK) != DONE) {
			if (fp_of(e) == fp && (e & S_MASK) == CLAIM)
				return -2;
			continue; /* a claim in progress, or a dead one */
		}
		if (age < d->window_s && fp_of(e) == fp)
			return -2;
		if (victim < 0 || (*seen && age > victim_age)) {
			victim = i;
			*seen = e;
			victim_age = age;
			*evict = age < d->window_s;
		}
	}
	return victim;
}

/* Clears our own claim (mine) at b, whether still a CLAIM or killed. */
static void unclaim(_Atomic uint64_t *b, uint64_t mine)
{
	uint64_t e = mine;

	if (!atomic_compare_exchange_strong(b, &e, 0)) {
		e = mine | DEAD;
		atomic_compare_exchange_strong(b, &e, 0);
	}
}

bool nd_dedupe_first(struct nd_dedupe *d, const struct nd_visitor *v, uint32_t article,
                     int64_t now_ms)
{
	uint8_t key[1 + ND_VISITOR_ID_LEN + 4];
	uint32_t t = clock_of(now_ms);
	uint64_t h, fp, mine, seen, claim;
	_Atomic uint64_t *b;
	bool evict;
	int m;

	key[0] = v->kind;
	memcpy(key + 1, v->id, ND_VISITOR_ID_LEN);
	memcpy(key + 1 + ND_VISITOR_ID_LEN, &article, 4);
	h = XXH3_64bits_withSeed(key, sizeof(key), d->seed);
	b = d->slots + (h & d->bucket_mask) * ND_DEDUPE_BUCKET;
	fp = h >> FP_SHIFT;
	if (!fp)
		fp = 1;
	mine = fp << FP_SHIFT | CLAIM | t;

	do {
		seen = 0;
		evict = false;
		m = first_look(d, b, fp, t, &seen, &evict);
		if (m == -2)
			return false;
		if (m == -1) {
			/* Sixteen claims in progress at once: count, unremembered. */
			atomic_fetch_add(&d->evictions, 1);
			return true;
		}
	} while (!atomic_compare_exchange_strong(&b[m], &seen, mine));
	if (evict)
		atomic_fetch_add(&d->evictions, 1);
	HOOK(AFTER_CLAIM, b, m, mine);

	/* Second look, now that our claim is visible (see the top of the
	 * file). */
	for (int j = 0; j < ND_DEDUPE_BUCKET; j++) {
		uint64_t e;

		if (j == m)
			continue;
		e = atomic_load(&b[j]);
		while (fp_of(e) == fp && (e & S_MASK) != DEAD && fresh(d, e, t)) {
			if ((e & S_MASK) == DONE || j < m) {
				unclaim(&b[m], mine);
				return false;
			}
			/* A later claim of the same pair: kill it. On failure e
			 * holds the word's new value; look at that. */
			if (atomic_compare_exchange_strong(&b[j], &e, (e & ~S_MASK) | DEAD))
				break;
		}
	}
	HOOK(BEFORE_COMMIT, b, m, mine);
	claim = mine;
	if (atomic_compare_exchange_strong(&b[m], &claim, (mine & ~S_MASK) | DONE))
		return true;
	unclaim(&b[m], mine);
	return false;
}

void nd_dedupe_sweep(struct nd_dedupe *d, int64_t now_ms)
{
	uint32_t t = clock_of(now_ms);
	size_t n = (d->bucket_mask + 1) * ND_DEDUPE_BUCKET;

	for (size_t i = 0; i < n; i++) {
		uint64_t e = atomic_load_explicit(&d->slots[i], memory_order_relaxed);
		uint32_t age = (t - (uint32_t)(e & T_MASK)) & T_MASK;

		/* Only what is surely past: an entry that reads as written
		 * after t is left, however far ahead, since the sweeper's
		 * clock may lag the writers' (a thread descheduled between
		 * reading the clock and sweeping). A word that changed
		 * meanwhile was just written: the failed CAS leaves it. */
		if (e && age >= d->window_s && age < T_HALF)
			atomic_compare_exchange_strong(&d->slots[i], &e, 0);
	}
}

void nd_dedupe_stats(struct nd_dedupe *d, size_t *entries, uint64_t *evictions)
{
	size_t n = (d->bucket_mask + 1) * ND_DEDUPE_BUCKET, used = 0;

	if (entries) {
		for (size_t i = 0; i < n; i++)
			used += atomic_load_explicit(&d->slots[i], memory_order_relaxed) != 0;
		*entries = used;
	}
	if (evictions)
		*evictions = atomic_load(&d->evictions);
}
