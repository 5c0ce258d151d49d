#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/*
 * White box: the file under test is included so that HOOK can play
 * another thread's steps between ours (after our claim, before our
 * commit), deterministically. The other tests use the same code as a
 * black box.
 */
static void (*hook)(int stage, _Atomic uint64_t *b, int m, uint64_t mine);
#define HOOK(stage, b, m, mine)                                                                    \
	do {                                                                                       \
		if (hook)                                                                          \
			hook(stage, b, m, mine);                                                   \
	} while (0)
#include "counter/dedupe.c"

#define SEC  INT64_C(1000)
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
/* 2024-03-10T12:00:00Z */
#define T0 INT64_C(1710072000000)

static struct nd_visitor visitor(uint32_t n, uint8_t kind)
{
	struct nd_visitor v;

	memset(&v, 0, sizeof(v));
	memcpy(v.id, &n, sizeof(n));
	v.id[15] = 0x5a;
	v.kind = kind;
	return v;
}

static void test_repeat_within_window(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(1 << 12, 30);
	struct nd_visitor v = visitor(1, ND_VISITOR_COOKIE);
	int counted = 0;

	assert_true(nd_dedupe_first(d, &v, 7, T0));
	assert_false(nd_dedupe_first(d, &v, 7, T0));
	assert_false(nd_dedupe_first(d, &v, 7, T0 + SEC));
	assert_false(nd_dedupe_first(d, &v, 7, T0 + 29 * MIN + 59 * SEC));
	/* Exactly 30 minutes after the counted view: counted again, and that
	 * view starts the next window. */
	assert_true(nd_dedupe_first(d, &v, 7, T0 + 30 * MIN));
	assert_false(nd_dedupe_first(d, &v, 7, T0 + 30 * MIN + SEC));
	assert_false(nd_dedupe_first(d, &v, 7, T0 + 59 * MIN + 59 * SEC));
	assert_true(nd_dedupe_first(d, &v, 7, T0 + 60 * MIN));

	/* Ten reloads in a minute: one view. */
	for (int i = 0; i < 10; i++)
		counted += nd_dedupe_first(d, &v, 8, T0 + i * 6 * SEC);
	assert_int_equal(counted, 1);

	/* Reloading every minute for two hours counts once per 30 minutes:
	 * the counted view's time stands, repeats do not extend it. */
	counted = 0;
	for (int m = 0; m < 120; m++)
		counted += nd_dedupe_first(d, &v, 9, T0 + m * MIN);
	assert_int_equal(counted, 4);
	nd_dedupe_free(d);
}

static void test_pairs_independent(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(1 << 12, 30);
	struct nd_visitor a = visitor(1, ND_VISITOR_COOKIE), b = visitor(2, ND_VISITOR_COOKIE);
	struct nd_visitor a_hash = visitor(1, ND_VISITOR_HASH);

	assert_true(nd_dedupe_first(d, &a, 1, T0));
	assert_true(nd_dedupe_first(d, &a, 2, T0));
	assert_true(nd_dedupe_first(d, &b, 1, T0));
	/* Same 16 bytes, other kind: another visitor. */
	assert_true(nd_dedupe_first(d, &a_hash, 1, T0));
	assert_false(nd_dedupe_first(d, &a, 1, T0 + MIN));
	assert_false(nd_dedupe_first(d, &a, 2, T0 + MIN));
	assert_false(nd_dedupe_first(d, &b, 1, T0 + MIN));
	assert_false(nd_dedupe_first(d, &a_hash, 1, T0 + MIN));

	/* 100 visitors on one article, then each again: 100, then 0. */
	int counted = 0;
	for (uint32_t i = 0; i < 100; i++) {
		struct nd_visitor v = visitor(1000 + i, ND_VISITOR_COOKIE);
		counted += nd_dedupe_first(d, &v, 42, T0 + i * SEC);
	}
	assert_int_equal(counted, 100);
	for (uint32_t i = 0; i < 100; i++) {
		struct nd_visitor v = visitor(1000 + i, ND_VISITOR_COOKIE);
		assert_false(nd_dedupe_first(d, &v, 42, T0 + 10 * MIN));
	}
	/* One visitor, 1000 articles. */
	counted = 0;
	for (uint32_t art = 0; art < 1000; art++)
		counted += nd_dedupe_first(d, &a, 10000 + art, T0);
	assert_int_equal(counted, 1000);

	uint64_t evictions;
	nd_dedupe_stats(d, NULL, &evictions);
	assert_int_equal(evictions, 0);
	nd_dedupe_free(d);
}

/* The window is elapsed time: hour, day and the table's own clock wrap
 * (2^24 s) change nothing. */
static void window_across(struct nd_dedupe *d, uint32_t art, int64_t first, int window_min)
{
	struct nd_visitor v = visitor(art, ND_VISITOR_COOKIE);
	int64_t w = window_min * MIN;

	assert_true(nd_dedupe_first(d, &v, art, first));
	assert_false(nd_dedupe_first(d, &v, art, first + w / 2));
	assert_false(nd_dedupe_first(d, &v, art, first + w - SEC));
	assert_true(nd_dedupe_first(d, &v, art, first + w));
}

static void test_window_boundaries(void **state)
{
	const int64_t midnight = INT64_C(1710115200000); /* 2024-03-11T00:00:00Z */
	const int64_t wrap = (INT64_C(1) << 24) * 100 * SEC;
	struct nd_dedupe *d = nd_dedupe_new(1 << 12, 30);

	/* 23:45 -> 00:14:59 is a repeat, 00:15:00 counts. */
	window_across(d, 1, midnight - 15 * MIN, 30);
	/* 10:59:59 and 11:00:00. */
	window_across(d, 2, midnight + 11 * HOUR - SEC, 30);
	window_across(d, 3, midnight + 11 * HOUR - 29 * MIN, 30);
	/* New Year's Eve into 2025, and a leap day. */
	window_across(d, 4, INT64_C(1735689600000) - 10 * MIN, 30);
	window_across(d, 5, INT64_C(1709251200000) - 1 * MIN, 30); /* 2024-03-01 */
	/* Around a wrap of the table's 24-bit clock of seconds. */
	window_across(d, 6, wrap - 10 * MIN, 30);
	window_across(d, 7, wrap - SEC, 30);
	window_across(d, 8, wrap - 30 * MIN, 30);
	/* Milliseconds do not matter past the second they fall in. */
	window_across(d, 9, T0 + 999, 30);
	nd_dedupe_free(d);

	/* Other windows: 1 minute, 1 day. */
	d = nd_dedupe_new(64, 1);
	window_across(d, 1, midnight - 30 * SEC, 1);
	nd_dedupe_free(d);
	d = nd_dedupe_new(64, 24 * 60);
	window_across(d, 1, midnight + 7 * HOUR, 24 * 60);
	nd_dedupe_free(d);
}

/* A table of 16 slots is one bucket: every pair lands in it. */
static void test_full_table_evicts_oldest(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(1, 30);
	struct nd_visitor v[18];
	size_t entries;
	uint64_t evictions;

	for (uint32_t i = 0; i < 18; i++)
		v[i] = visitor(i, ND_VISITOR_COOKIE);
	for (int i = 0; i < 16; i++)
		assert_true(nd_dedupe_first(d, &v[i], 1, T0 + i * SEC));
	nd_dedupe_stats(d, &entries, &evictions);
	assert_int_equal(entries, 16);
	assert_int_equal(evictions, 0);

	/* A 17th pair evicts the oldest entry (visitor 0) and counts. */
	assert_true(nd_dedupe_first(d, &v[16], 1, T0 + 20 * SEC));
	nd_dedupe_stats(d, &entries, &evictions);
	assert_int_equal(entries, 16);
	assert_int_equal(evictions, 1);
	for (int i = 1; i <= 16; i++)
		assert_false(nd_dedupe_first(d, &v[i], 1, T0 + 21 * SEC));
	/* The evicted pair counts again inside its window: the documented
	 * overcount of a table too small. It evicts the next oldest. */
	assert_true(nd_dedupe_first(d, &v[0], 1, T0 + 22 * SEC));
	assert_true(nd_dedupe_first(d, &v[1], 1, T0 + 23 * SEC));
	nd_dedupe_stats(d, NULL, &evictions);
	assert_int_equal(evictions, 3);
	for (int i = 3; i <= 16; i++)
		assert_false(nd_dedupe_first(d, &v[i], 1, T0 + 24 * SEC));

	/* Once the window has passed, new pairs take expired entries: no
	 * eviction, and nothing fresh is lost. At T0 + 30:05 the entries of
	 * visitors 3..5 (T0 + 3..5 s) have expired, visitor 6's has not. */
	struct nd_visitor n1 = visitor(100, ND_VISITOR_COOKIE),
	                  n2 = visitor(101, ND_VISITOR_COOKIE);
	struct nd_visitor n3 = visitor(102, ND_VISITOR_COOKIE);
	assert_true(nd_dedupe_first(d, &n1, 1, T0 + 30 * MIN + 5 * SEC));
	assert_true(nd_dedupe_first(d, &n2, 1, T0 + 30 * MIN + 5 * SEC));
	assert_true(nd_dedupe_first(d, &n3, 1, T0 + 30 * MIN + 5 * SEC));
	nd_dedupe_stats(d, &entries, &evictions);
	assert_int_equal(evictions, 3);
	assert_int_equal(entries, 16);
	for (int i = 6; i <= 16; i++)
		assert_false(nd_dedupe_first(d, &v[i], 1, T0 + 30 * MIN + 5 * SEC));
	nd_dedupe_free(d);
}

static void test_sweep(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(1 << 10, 30);
	size_t entries;

	for (uint32_t i = 0; i < 100; i++) {
		struct nd_visitor v = visitor(i, ND_VISITOR_COOKIE);
		assert_true(nd_dedupe_first(d, &v, i % 7, T0 + (i < 60 ? 0 : 20 * MIN)));
	}
	nd_dedupe_stats(d, &entries, NULL);
	assert_int_equal(entries, 100);
	nd_dedupe_sweep(d, T0 + 29 * MIN);
	nd_dedupe_stats(d, &entries, NULL);
	assert_int_equal(entries, 100);
	/* At T0 + 30 min the first 60 have expired; the other 40 remain and
	 * are still repeats. */
	nd_dedupe_sweep(d, T0 + 30 * MIN);
	nd_dedupe_stats(d, &entries, NULL);
	assert_int_equal(entries, 40);
	for (uint32_t i = 60; i < 100; i++) {
		struct nd_visitor v = visitor(i, ND_VISITOR_COOKIE);
		assert_false(nd_dedupe_first(d, &v, i % 7, T0 + 31 * MIN));
	}
	for (uint32_t i = 0; i < 60; i++) {
		struct nd_visitor v = visitor(i, ND_VISITOR_COOKIE);
		assert_true(nd_dedupe_first(d, &v, i % 7, T0 + 31 * MIN));
	}
	nd_dedupe_sweep(d, T0 + 2 * HOUR);
	nd_dedupe_stats(d, &entries, NULL);
	assert_int_equal(entries, 0);
	/* An entry from long ago, never swept, whose time reads as two hours
	 * in the future after wraps of the 24-bit clock, is stale, not fresh. */
	struct nd_visitor v = visitor(1, ND_VISITOR_COOKIE);
	assert_true(nd_dedupe_first(d, &v, 1, T0));
	assert_true(nd_dedupe_first(d, &v, 1, T0 + 3 * (INT64_C(1) << 24) * SEC - 2 * HOUR));
	/* But an entry a few seconds ahead (another thread read the clock a
	 * little later) is fresh. */
	assert_true(nd_dedupe_first(d, &v, 2, T0 + 10 * SEC));
	assert_false(nd_dedupe_first(d, &v, 2, T0));
	nd_dedupe_sweep(d, T0);
	assert_false(nd_dedupe_first(d, &v, 2, T0 + SEC));
	nd_dedupe_free(d);
}

/*
 * Threads racing on one (visitor, article) pair count it exactly once.
 * Each round, every thread asks about the round's pair at the same
 * moment; a tiny table (one or four buckets) keeps every word busy, and a
 * sweeper clears expired words meanwhile, so threads see the bucket
 * change between their looks.
 */
#define RACERS 4
#define ROUNDS 3000

struct race {
	struct nd_dedupe *d;
	pthread_barrier_t barrier;
	_Atomic int counted[ROUNDS];
	_Atomic int64_t now;
	_Atomic bool done;
	int pairs_per_round;
};

struct racer_arg {
	struct race *r;
	int index;
};

static void *racer(void *arg)
{
	struct racer_arg *a = arg;
	struct race *r = a->r;

	for (int round = 0; round < ROUNDS; round++) {
		int64_t now = T0 + round * 20 * SEC; /* the 1-minute window expires */

		pthread_barrier_wait(&r->barrier);
		atomic_store(&r->now, now);
		for (int p = 0; p < r->pairs_per_round; p++) {
			/* Each thread walks the round's pairs from a different one. */
			int q = (p + a->index) % r->pairs_per_round;
			struct nd_visitor v = visitor((uint32_t)(round * 8 + q), ND_VISITOR_COOKIE);

			if (nd_dedupe_first(r->d, &v, (uint32_t)q, now))
				atomic_fetch_add(&r->counted[round], 1 << (8 * q));
		}
	}
	return NULL;
}

static void *sweeper(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->done))
		nd_dedupe_sweep(r->d, atomic_load(&r->now));
	return NULL;
}

static void race(size_t slots, int pairs_per_round)
{
	static struct race r;
	struct racer_arg args[RACERS];
	pthread_t t[RACERS], sw;
	int expect = 0;

	memset(&r, 0, sizeof(r));
	r.d = nd_dedupe_new(slots, 1);
	r.pairs_per_round = pairs_per_round;
	atomic_store(&r.now, T0);
	pthread_barrier_init(&r.barrier, NULL, RACERS);
	pthread_create(&sw, NULL, sweeper, &r);
	for (int i = 0; i < RACERS; i++) {
		args[i].r = &r;
		args[i].index = i;
		pthread_create(&t[i], NULL, racer, &args[i]);
	}
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&r.done, true);
	pthread_join(sw, NULL);
	for (int q = 0; q < pairs_per_round; q++)
		expect += 1 << (8 * q);
	for (int round = 0; round < ROUNDS; round++) {
		if (atomic_load(&r.counted[round]) != expect) {
			uint64_t ev;
			nd_dedupe_stats(r.d, NULL, &ev);
			fprintf(stderr, "slots %zu pairs %d round %d: %x, evictions %lu\n", slots,
			        pairs_per_round, round, atomic_load(&r.counted[round]),
			        (unsigned long)ev);
		}
		assert_int_equal(atomic_load(&r.counted[round]), expect);
	}
	pthread_barrier_destroy(&r.barrier);
	nd_dedupe_free(r.d);
}

static void test_race_same_pair_counts_once(void **state)
{
	race(1 << 12, 1);
	race(16, 1);
	race(16, 3);
	race(64, 3);
}

/* The interleavings of the exactly-once protocol, one by one. Tables of
 * 16 slots are one bucket; "B" is another thread counting the same pair. */
static int hook_stage, hook_at;
static uint64_t hook_write;
static struct nd_dedupe *hook_table;

/* Writes hook_write at word hook_at (relative: m + hook_at, or absolute
 * when hook_at < 0: -1 - hook_at) at stage hook_stage. */
static void write_word(int stage, _Atomic uint64_t *b, int m, uint64_t mine)
{
	if (stage != hook_stage)
		return;
	int at = hook_at >= 0 ? m + hook_at : -1 - hook_at;
	atomic_store(&b[at], hook_write ? hook_write : mine);
}

/* Slot 0 expired (a victim), slot 1 fresh: the next claim is at slot 2
 * and slot 0 is free for B's lower claim. */
static struct nd_dedupe *lower_free(void)
{
	struct nd_dedupe *d = nd_dedupe_new(16, 30);
	struct nd_visitor x = visitor(900, ND_VISITOR_COOKIE), y = visitor(901, ND_VISITOR_COOKIE);

	assert_true(nd_dedupe_first(d, &x, 1, T0 - 40 * MIN));
	assert_true(nd_dedupe_first(d, &y, 1, T0));
	return d;
}

static uint64_t word(struct nd_dedupe *d, int i)
{
	return atomic_load(&d->slots[i]);
}

static void test_protocol_lower_claim_wins(void **state)
{
	struct nd_dedupe *d = lower_free();
	struct nd_visitor p = visitor(1, ND_VISITOR_COOKIE);
	uint64_t bs_claim;

	/* B claims slot 0 while we claim slot 2: ours withdraws. */
	hook = write_word;
	hook_stage = AFTER_CLAIM;
	hook_at = -1; /* slot 0 */
	hook_write = 0;
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	hook = NULL;
	bs_claim = word(d, 0);
	assert_int_equal(bs_claim & S_MASK, CLAIM);
	assert_int_equal(word(d, 2), 0);
	/* Meanwhile anyone else asking sees B's claim: a repeat. B commits. */
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	atomic_store(&d->slots[0], bs_claim | DONE);
	assert_false(nd_dedupe_first(d, &p, 7, T0 + MIN));
	nd_dedupe_free(d);
}

static void test_protocol_higher_claim_killed(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(16, 30);
	struct nd_visitor p = visitor(1, ND_VISITOR_COOKIE);

	/* We claim slot 0, B claims slot 5: we kill B's claim and count. */
	hook = write_word;
	hook_stage = AFTER_CLAIM;
	hook_at = 5;
	hook_write = 0;
	assert_true(nd_dedupe_first(d, &p, 7, T0));
	hook = NULL;
	uint64_t mine = word(d, 0) & ~S_MASK;
	assert_int_equal(word(d, 0), mine | DONE);
	assert_int_equal(word(d, 5), mine | DEAD);
	/* B's commit fails; B clears its dead claim and does not count. */
	uint64_t e = mine;
	assert_false(atomic_compare_exchange_strong(&d->slots[5], &e, mine | DONE));
	unclaim(&d->slots[5], mine);
	assert_int_equal(word(d, 5), 0);
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	nd_dedupe_free(d);
}

static void test_protocol_done_elsewhere(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(16, 30);
	struct nd_visitor p = visitor(1, ND_VISITOR_COOKIE);
	uint64_t mine;

	/* Learn the pair's word in this table: count it, then forget it. */
	assert_true(nd_dedupe_first(d, &p, 7, T0));
	mine = word(d, 0) & ~S_MASK;
	atomic_store(&d->slots[0], 0);

	/* B claimed slot 3 and committed before our second look (its own
	 * second look ran before our claim): we withdraw. */
	hook = write_word;
	hook_stage = AFTER_CLAIM;
	hook_at = 3;
	hook_write = mine | DONE;
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	hook = NULL;
	assert_int_equal(word(d, 0), 0);
	assert_int_equal(word(d, 3), mine | DONE);
	nd_dedupe_free(d);
}

/* B claims lower and kills our claim after our second look: our commit
 * fails, we count nothing and clear our word; B counts. While our word is
 * dead, no claim may reuse it (the ABA guard): another pair's claim
 * evicts a live entry rather than take it. */
static uint64_t other_word(uint64_t fp, uint64_t state, int64_t ms)
{
	return fp << FP_SHIFT | state | clock_of(ms);
}

static void kill_before_commit(int stage, _Atomic uint64_t *b, int m, uint64_t mine)
{
	struct nd_visitor z = visitor(555, ND_VISITOR_COOKIE);
	uint64_t was3 = atomic_load(&b[3]);

	if (stage != BEFORE_COMMIT)
		return;
	assert_int_equal(m, 2);
	atomic_store(&b[0], mine);        /* B's claim */
	atomic_store(&b[m], mine | DEAD); /* B kills ours */
	hook = NULL;
	assert_true(nd_dedupe_first(hook_table, &z, 7, T0));
	assert_int_equal(atomic_load(&b[m]), mine | DEAD);
	assert_true(atomic_load(&b[3]) != was3);
}

static void test_protocol_killed_before_commit(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(16, 30);
	struct nd_visitor p = visitor(1, ND_VISITOR_COOKIE);
	uint64_t evictions;

	/* Slot 0 expired, slot 1 another pair's claim in progress, slot 2
	 * empty (ours), the rest fresh: no word is free once ours is dead. */
	atomic_store(&d->slots[0], other_word(11, DONE, T0 - HOUR));
	atomic_store(&d->slots[1], other_word(12, CLAIM, T0));
	for (int i = 3; i < 16; i++)
		atomic_store(&d->slots[i], other_word(100 + (uint64_t)i, DONE, T0 + SEC));
	hook_table = d;
	hook = kill_before_commit;
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	hook = NULL;
	assert_int_equal(word(d, 2), 0);
	assert_int_equal(word(d, 0) & S_MASK, CLAIM);
	nd_dedupe_stats(d, NULL, &evictions);
	assert_int_equal(evictions, 1); /* z's */
	/* B commits: one count in all. */
	atomic_store(&d->slots[0], word(d, 0) | DONE);
	assert_false(nd_dedupe_first(d, &p, 7, T0));
	nd_dedupe_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_repeat_within_window),
	    cmocka_unit_test(test_pairs_independent),
	    cmocka_unit_test(test_window_boundaries),
	    cmocka_unit_test(test_full_table_evicts_oldest),
	    cmocka_unit_test(test_sweep),
	    cmocka_unit_test(test_protocol_lower_claim_wins),
	    cmocka_unit_test(test_protocol_higher_claim_killed),
	    cmocka_unit_test(test_protocol_done_elsewhere),
	    cmocka_unit_test(test_protocol_killed_before_commit),
	    cmocka_unit_test(test_race_same_pair_counts_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
