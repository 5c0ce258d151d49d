/*
 * Tests for src/recommend/history.c: per-visitor reading histories, newest
 * first, bounded, one entry per article, purged by age; and the sharded
 * hash table under them (backward-shift deletion), checked against a
 * plain reference model.
 */
#include "helpers/cmocka.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "recommend/history.h"

#define T0 1700000000

/*
 * A visitor as the server makes it: kind 'c' (cookie) and 16 id bytes.
 * The table hashes bytes 1..8: byte 1 (xor the kind) picks the home slot,
 * the top bits of byte 8 the shard; id spreads over bytes 9..16 and 2 so
 * that visitors with the same home and shard still differ.
 */
static void visitor(uint8_t v[ND_HISTORY_VISITOR_LEN], uint8_t home, uint8_t shard, uint32_t id)
{
	memset(v, 0, ND_HISTORY_VISITOR_LEN);
	v[0] = 'c';
	v[1] = home ^ 'c';
	v[2] = (uint8_t)id;
	v[8] = (uint8_t)(shard << 2);
	memcpy(v + 9, &id, sizeof(id));
}

static void plain(uint8_t v[ND_HISTORY_VISITOR_LEN], uint32_t id)
{
	visitor(v, (uint8_t)(id * 37), (uint8_t)id, id);
}

/* The history of v as "article@at ..." newest first, for readable failures. */
static void text_of(struct nd_histories *h, const uint8_t *v, char *out, size_t size)
{
	struct nd_history_item it[ND_HISTORY_MAX];
	size_t n = nd_histories_get(h, v, it, ND_HISTORY_MAX), len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(out + len, size - len, "%s%u@%u", i ? " " : "", it[i].article,
		                 it[i].at - T0);
		assert_true(k > 0 && (size_t)k < size - len);
		len += (size_t)k;
	}
}

static void history_is(struct nd_histories *h, const uint8_t *v, const char *want)
{
	char s[1024];

	text_of(h, v, s, sizeof(s));
	assert_string_equal(s, want);
}

static void stats_are(struct nd_histories *h, size_t visitors, size_t items)
{
	struct nd_histories_stats st;

	nd_histories_stats(h, &st);
	assert_int_equal(st.visitors, visitors);
	assert_int_equal(st.items, items);
}

/* 201 reads of different articles: 200 kept, the first one dropped. */
static void test_bound(void **state)
{
	struct nd_histories *h = nd_histories_new(ND_HISTORY_MAX);
	struct nd_history_item it[ND_HISTORY_MAX + 5];
	uint8_t v[ND_HISTORY_VISITOR_LEN];
	size_t n;

	(void)state;
	plain(v, 2);
	for (uint32_t i = 1; i <= 201; i++)
		nd_histories_add(h, v, 1000 + i, T0 + i);
	n = nd_histories_get(h, v, it, ND_HISTORY_MAX + 5);
	assert_int_equal(n, 200);
	assert_int_equal(it[0].article, 1201);
	assert_int_equal(it[0].at, T0 + 201);
	assert_int_equal(it[199].article, 1002); /* 1001, the oldest, went */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(it[i].article, 1201 - i);
	stats_are(h, 1, 200);
	/* Re-reading one inside the full history does not drop another. */
	nd_histories_add(h, v, 1100, T0 + 300);
	n = nd_histories_get(h, v, it, ND_HISTORY_MAX);
	assert_int_equal(n, 200);
	assert_int_equal(it[0].article, 1100);
	assert_int_equal(it[199].article, 1002);
	stats_are(h, 1, 200);
	nd_histories_free(h);

	/* The bound given is clamped to 1 .. ND_HISTORY_MAX. */
	h = nd_histories_new(0);
	nd_histories_add(h, v, 1, T0);
	nd_histories_add(h, v, 2, T0 + 1);
	assert_int_equal(nd_histories_get(h, v, it, 10), 1);
	assert_int_equal(it[0].article, 2);
	nd_histories_free(h);
	h = nd_histories_new(100000);
	for (uint32_t i = 1; i <= 250; i++)
		nd_histories_add(h, v, i, T0 + i);
	assert_int_equal(nd_histories_get(h, v, it, ND_HISTORY_MAX + 5), ND_HISTORY_MAX);
	nd_histories_free(h);
}

/* Newest first; reading an article again moves it to the front, with its
 * new time, once. */
static void test_reread_moves_to_front(void **state)
{
	struct nd_histories *h = nd_histories_new(3);
	uint8_t v[ND_HISTORY_VISITOR_LEN];

	(void)state;
	plain(v, 3);
	nd_histories_add(h, v, 1, T0 + 1);
	nd_histories_add(h, v, 2, T0 + 2);
	nd_histories_add(h, v, 3, T0 + 3);
	history_is(h, v, "3@3 2@2 1@1"); /* newest first */
	stats_are(h, 1, 3);
	nd_histories_add(h, v, 1, T0 + 4);
	history_is(h, v, "1@4 3@3 2@2");
	/* The newest again: no change but its time. */
	nd_histories_add(h, v, 1, T0 + 5);
	history_is(h, v, "1@5 3@3 2@2");
	/* Full (3): a new one drops the oldest, 2. */
	nd_histories_add(h, v, 4, T0 + 6);
	history_is(h, v, "4@6 1@5 3@3");
	/* The oldest re-read while full: nothing else is dropped. */
	nd_histories_add(h, v, 3, T0 + 7);
	history_is(h, v, "3@7 4@6 1@5");
	stats_are(h, 1, 3);
	nd_histories_free(h);
}

static void test_get(void **state)
{
	struct nd_histories *h = nd_histories_new(200);
	struct nd_history_item it[4] = {{77, 77}, {77, 77}, {77, 77}, {77, 77}};
	uint8_t v[ND_HISTORY_VISITOR_LEN], other[ND_HISTORY_VISITOR_LEN];

	(void)state;
	plain(v, 4);
	plain(other, 5);
	/* Nobody at all yet (the shard has no table). */
	assert_int_equal(nd_histories_get(h, v, it, 4), 0);
	for (uint32_t i = 1; i <= 5; i++)
		nd_histories_add(h, v, i, T0 + i);
	/* max smaller than n: the newest max, and nothing past them written. */
	assert_int_equal(nd_histories_get(h, v, it, 2), 2);
	assert_int_equal(it[0].article, 5);
	assert_int_equal(it[1].article, 4);
	assert_int_equal(it[2].article, 77);
	assert_int_equal(nd_histories_get(h, v, it, 0), 0);
	/* A visitor never seen (its shard has a table, or not). */
	assert_int_equal(nd_histories_get(h, other, it, 4), 0);
	visitor(other, v[1] ^ 'c', v[8] >> 2, 99); /* same home and shard as v */
	assert_int_equal(nd_histories_get(h, other, it, 4), 0);
	/* Times are clamped to what 32 bits hold. */
	nd_histories_add(h, other, 1, -5);
	nd_histories_add(h, other, 2, (int64_t)UINT32_MAX + 10);
	assert_int_equal(nd_histories_get(h, other, it, 4), 2);
	assert_int_equal(it[0].at, UINT32_MAX);
	assert_int_equal(it[1].at, 0);
	nd_histories_free(h);
	nd_histories_free(NULL);
}

/* Purge by age: partly (the newer entries stay, in order), wholly (the
 * visitor is forgotten), and the others stay as they were. */
static void test_purge(void **state)
{
	struct nd_histories *h = nd_histories_new(200);
	uint8_t a[ND_HISTORY_VISITOR_LEN], b[ND_HISTORY_VISITOR_LEN], c[ND_HISTORY_VISITOR_LEN];
	struct nd_history_item it[8];

	(void)state;
	/* a, b and c all want the same slot of the same shard: b and c sit
	 * after a in its probe run. */
	visitor(a, 5, 9, 1);
	visitor(b, 5, 9, 2);
	visitor(c, 5, 9, 3);
	nd_histories_add(h, a, 1, T0 + 10);
	nd_histories_add(h, b, 1, T0 + 10);
	nd_histories_add(h, b, 2, T0 + 30);
	nd_histories_add(h, c, 3, T0 + 50);
	nd_histories_add(h, a, 2, T0 + 20);
	nd_histories_add(h, a, 3, T0 + 40);
	stats_are(h, 3, 6);

	/* Before T0 + 20: a's 1@10 and b's 1@10; 20 itself stays (at < before). */
	assert_int_equal(nd_histories_purge(h, T0 + 20), 2);
	history_is(h, a, "3@40 2@20");
	history_is(h, b, "2@30");
	stats_are(h, 3, 4);

	/* Before T0 + 35: a keeps 3@40, b goes entirely, c stays. */
	assert_int_equal(nd_histories_purge(h, T0 + 35), 2);
	assert_int_equal(nd_histories_get(h, b, it, 8), 0);
	history_is(h, a, "3@40");
	history_is(h, c, "3@50");
	stats_are(h, 2, 2);

	/* Nothing that old left: nothing goes. */
	assert_int_equal(nd_histories_purge(h, T0 + 35), 0);
	/* a goes; c, moved back into a's slot, is still found. */
	assert_int_equal(nd_histories_purge(h, T0 + 45), 1);
	assert_int_equal(nd_histories_get(h, a, it, 8), 0);
	history_is(h, c, "3@50");
	stats_are(h, 1, 1);
	/* A visitor forgotten starts again from nothing. */
	nd_histories_add(h, b, 9, T0 + 60);
	history_is(h, b, "9@60");
	assert_int_equal(nd_histories_purge(h, T0 + 1000), 2);
	stats_are(h, 0, 0);
	nd_histories_free(h);
}

/* The bytes reported follow the entries' storage: 4 entries, then 8. */
static void test_stats_bytes(void **state)
{
	struct nd_histories *h = nd_histories_new(200);
	struct nd_histories_stats s0, s1, s5;
	uint8_t v[ND_HISTORY_VISITOR_LEN];

	(void)state;
	nd_histories_stats(h, &s0);
	assert_int_equal(s0.visitors, 0);
	assert_int_equal(s0.items, 0);
	assert_true(s0.bytes > 0);
	plain(v, 6);
	nd_histories_add(h, v, 1, T0);
	nd_histories_stats(h, &s1);
	/* A table of slots for the shard plus room for 4 entries. */
	assert_true(s1.bytes > s0.bytes + 4 * sizeof(struct nd_history_item));
	for (uint32_t i = 2; i <= 5; i++)
		nd_histories_add(h, v, i, T0 + i);
	nd_histories_stats(h, &s5);
	assert_int_equal(s5.items, 5);
	assert_int_equal(s5.bytes - s1.bytes, 4 * sizeof(struct nd_history_item));
	nd_histories_free(h);
}

/* --- A reference model and random operations --- */

#define RV     300 /* visitors */
#define RMAX   6   /* entries per history: small, so the bound is hit often */
#define ROUNDS 20000

struct ref {
	uint8_t id[ND_HISTORY_VISITOR_LEN];
	size_t n;
	struct nd_history_item it[RMAX]; /* newest first */
};

static void ref_add(struct ref *r, uint32_t article, uint32_t at)
{
	size_t k = 0;

	/* Drop an earlier entry of article; then the oldest when full. */
	for (size_t i = 0; i < r->n; i++)
		if (r->it[i].article != article)
			r->it[k++] = r->it[i];
	r->n = k;
	if (r->n == RMAX)
		r->n--;
	memmove(r->it + 1, r->it, r->n * sizeof(r->it[0]));
	r->it[0] = (struct nd_history_item){article, at};
	r->n++;
}

static size_t ref_purge(struct ref *r, uint32_t before)
{
	size_t k = 0, n = r->n;

	for (size_t i = 0; i < n; i++)
		if (r->it[i].at >= before)
			r->it[k++] = r->it[i];
	r->n = k;
	return n - k;
}

static void ref_check(struct nd_histories *h, const struct ref *r)
{
	struct nd_history_item it[RMAX + 1];
	size_t n = nd_histories_get(h, r->id, it, RMAX + 1);

	assert_int_equal(n, r->n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(it[i].article, r->it[i].article);
		assert_int_equal(it[i].at, r->it[i].at);
	}
}

/*
 * Random reads and purges over many visitors crowded into four shards and
 * a few home slots (the last slot of each table size among them, so probe
 * runs wrap): after every purge each visitor's history equals the
 * reference's, and so do the counts. Backward-shift deletion that lost or
 * stranded a visitor would show as a history gone or doubled.
 */
static void test_random_against_reference(void **state)
{
	static const uint8_t homes[] = {0x3f, 0x7f, 0xff, 0x00, 0x01, 0x3e, 0x40, 0x80};
	struct nd_histories *h = nd_histories_new(RMAX);
	struct ref *ref = calloc(RV, sizeof(*ref));
	uint64_t seed = 12345;
	uint32_t now = T0;

	(void)state;
	for (uint32_t i = 0; i < RV; i++) {
		uint64_t x = nd_splitmix64(&seed);

		visitor(ref[i].id, homes[x % sizeof(homes)], (uint8_t)((x >> 8) % 4), i);
	}
	for (int round = 0; round < ROUNDS; round++) {
		uint64_t x = nd_splitmix64(&seed);

		now += (uint32_t)(x % 3);
		if (x % 1000 < 3) {
			/* Purge the oldest part: sometimes a little, sometimes most. */
			uint32_t before = now - (uint32_t)((x >> 16) % 400);
			size_t want = 0, visitors = 0, items = 0;

			for (size_t i = 0; i < RV; i++)
				want += ref_purge(&ref[i], before);
			assert_int_equal(nd_histories_purge(h, before), want);
			for (size_t i = 0; i < RV; i++) {
				ref_check(h, &ref[i]);
				visitors += ref[i].n > 0;
				items += ref[i].n;
			}
			stats_are(h, visitors, items);
		} else {
			/* Some visitors read a lot, most a little. */
			size_t who = (x >> 8) % 7 ? (x >> 16) % RV : (x >> 16) % 10;
			uint32_t article = (uint32_t)((x >> 32) % 12) + 1;

			nd_histories_add(h, ref[who].id, article, now);
			ref_add(&ref[who], article, now);
			ref_check(h, &ref[who]);
		}
	}
	/* And everything goes in the end. */
	{
		size_t want = 0;

		for (size_t i = 0; i < RV; i++)
			want += ref[i].n;
		assert_int_equal(nd_histories_purge(h, (int64_t)now + 1), want);
		stats_are(h, 0, 0);
	}
	free(ref);
	nd_histories_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bound),       cmocka_unit_test(test_reread_moves_to_front),
	    cmocka_unit_test(test_get),         cmocka_unit_test(test_purge),
	    cmocka_unit_test(test_stats_bytes), cmocka_unit_test(test_random_against_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
