/*
 * Co-visitation counts over user baskets (covisit.h): a hash table of
 * item pairs, open addressing with linear probing.
 */
#include "recommend/covisit.h"

#include <math.h>
#include <stdlib.h>

#include "core/hash.h"
#include "core/mem.h"

struct pair_slot {
	uint64_t key; /* (low << 32 | high) + 1; 0 marks an empty slot */
	uint32_t count;
};

struct nd_recs_covisit {
	size_t n_items;
	uint32_t *single; /* n(x) */
	struct pair_slot *slots;
	size_t cap, used; /* cap a power of two */
};

static uint64_t pair_key(uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	return ((uint64_t)a << 32 | b) + 1;
}

static size_t slot_of(const struct nd_recs_covisit *cv, uint64_t key)
{
	size_t i = (size_t)nd_hash(&key, sizeof(key)) & (cv->cap - 1);

	while (cv->slots[i].key && cv->slots[i].key != key)
		i = (i + 1) & (cv->cap - 1);
	return i;
}

static void grow(struct nd_recs_covisit *cv)
{
	struct pair_slot *old = cv->slots;
	size_t old_cap = cv->cap;

	cv->cap = old_cap ? 2 * old_cap : 1024;
	cv->slots = nd_xcalloc(cv->cap, sizeof(*cv->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			cv->slots[slot_of(cv, old[i].key)] = old[i];
	free(old);
}

static void add_pair(struct nd_recs_covisit *cv, uint32_t a, uint32_t b)
{
	uint64_t key = pair_key(a, b);
	size_t i;

	if (2 * (cv->used + 1) > cv->cap)
		grow(cv);
	i = slot_of(cv, key);
	if (!cv->slots[i].key) {
		cv->slots[i].key = key;
		cv->used++;
	}
	cv->slots[i].count++;
}

static int by_item(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct basket {
	uint32_t *items;
	size_t count, cap;
};

static void basket_add(struct basket *b, uint32_t item)
{
	if (b->count == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->items = nd_xrealloc(b->items, b->cap * sizeof(*b->items));
	}
	b->items[b->count++] = item;
}

/* Fills the baskets: each user's history once, plus their train clicks. */
static void fill(struct basket *baskets, uint8_t *seen, const struct nd_mind_log *log, int clicks)
{
	for (size_t i = 0; i < log->count; i++) {
		const struct nd_mind_impression *imp = &log->imps[i];
		struct basket *b = &baskets[imp->user];

		if (!seen[imp->user]) {
			seen[imp->user] = 1;
			for (uint32_t j = 0; j < imp->n_history; j++)
				basket_add(b, imp->history[j]);
		}
		if (clicks)
			for (uint32_t j = 0; j < imp->n_items; j++)
				if (imp->clicked[j])
					basket_add(b, imp->items[j]);
	}
}

struct nd_recs_covisit *nd_recs_covisit_new(const struct nd_mind_log *train,
                                            const struct nd_mind_log *test, size_t n_items,
                                            size_t n_users)
{
	struct nd_recs_covisit *cv = nd_xcalloc(1, sizeof(*cv));
	struct basket *baskets = nd_xcalloc(n_users + 1, sizeof(*baskets));
	uint8_t *seen = nd_xcalloc(n_users + 1, 1);

	cv->n_items = n_items;
	cv->single = nd_xcalloc(n_items + 1, sizeof(*cv->single));
	grow(cv);
	fill(baskets, seen, train, 1);
	fill(baskets, seen, test, 0);
	for (size_t u = 0; u < n_users; u++) {
		struct basket *b = &baskets[u];
		size_t n = 0;

		if (!b->count)
			continue;
		qsort(b->items, b->count, sizeof(*b->items), by_item);
		for (size_t i = 0; i < b->count; i++) /* unique */
			if (!n || b->items[n - 1] != b->items[i])
				b->items[n++] = b->items[i];
		for (size_t i = 0; i < n; i++) {
			cv->single[b->items[i]]++;
			for (size_t j = i + 1; j < n; j++)
				add_pair(cv, b->items[i], b->items[j]);
		}
		free(b->items);
	}
	free(baskets);
	free(seen);
	return cv;
}

void nd_recs_covisit_free(struct nd_recs_covisit *cv)
{
	if (!cv)
		return;
	free(cv->single);
	free(cv->slots);
	free(cv);
}

uint32_t nd_recs_covisit_count(const struct nd_recs_covisit *cv, uint32_t a, uint32_t b)
{
	size_t i;

	if (a >= cv->n_items || b >= cv->n_items)
		return 0;
	if (a == b)
		return cv->single[a];
	i = slot_of(cv, pair_key(a, b));
	return cv->slots[i].key ? cv->slots[i].count : 0;
}

double nd_recs_covisit_score(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_covisit *cv = model;
	double sum = 0;

	if (item >= cv->n_items || !cv->single[item])
		return 0;
	for (uint32_t i = 0; i < imp->n_history; i++) {
		uint32_t h = imp->history[i], n;

		if (h == item)
			continue;
		n = nd_recs_covisit_count(cv, h, item);
		if (n)
			sum += n / sqrt((double)cv->single[h] * cv->single[item]);
	}
	return sum;
}
