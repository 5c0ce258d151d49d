#include "recommend/history.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define SHARDS 64 /* a power of two */

/* One visitor: its entries oldest first (the newest is last, so adding is
 * an append), capacity grown by doubling up to the bound. */
struct slot {
	uint8_t visitor[ND_HISTORY_VISITOR_LEN];
	uint8_t used;
	uint16_t n, cap;
	struct nd_history_item *items;
};

/* Open addressing with linear probing; deletion shifts back (no
 * tombstones), so a purge leaves the table as if those visitors never
 * came. */
struct shard {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t cap, count; /* cap: a power of two */
	size_t items;
};

struct nd_histories {
	size_t max;
	struct shard shards[SHARDS];
};

/* The visitor id is random (cookie) or a keyed hash (fallback): its bytes
 * are already uniform, so they are the hash. Byte 0 is the kind. */
static uint64_t hash_of(const uint8_t v[ND_HISTORY_VISITOR_LEN])
{
	uint64_t x;

	memcpy(&x, v + 1, sizeof(x));
	return x ^ v[0];
}

static struct shard *shard_of(struct nd_histories *h, uint64_t hash)
{
	return &h->shards[(hash >> 58) & (SHARDS - 1)];
}

struct nd_histories *nd_histories_new(size_t max_items)
{
	struct nd_histories *h = nd_xcalloc(1, sizeof(*h));

	h->max = max_items < 1 ? 1 : max_items > ND_HISTORY_MAX ? ND_HISTORY_MAX : max_items;
	for (size_t i = 0; i < SHARDS; i++)
		pthread_mutex_init(&h->shards[i].lock, NULL);
	return h;
}

void nd_histories_free(struct nd_histories *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < SHARDS; i++) {
		struct shard *s = &h->shards[i];

		for (size_t j = 0; j < s->cap; j++)
			free(s->slots[j].items);
		free(s->slots);
		pthread_mutex_destroy(&s->lock);
	}
	free(h);
}

/* The slot of v in s, or the empty one where it would go. */
static struct slot *find(struct shard *s, const uint8_t *v, uint64_t hash)
{
	size_t mask = s->cap - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask)
		if (!s->slots[i].used || !memcmp(s->slots[i].visitor, v, ND_HISTORY_VISITOR_LEN))
			return &s->slots[i];
}

static void grow(struct shard *s)
{
	struct slot *old = s->slots;
	size_t old_cap = s->cap;

	s->cap = old_cap ? old_cap * 2 : 64;
	s->slots = nd_xcalloc(s->cap, sizeof(*s->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].used)
			*find(s, old[i].visitor, hash_of(old[i].visitor)) = old[i];
	free(old);
}

void nd_histories_add(struct nd_histories *h, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                      uint32_t article, int64_t at)
{
	uint64_t hash = hash_of(visitor);
	struct shard *s = shard_of(h, hash);
	struct slot *slot;
	uint32_t when = at < 0 ? 0 : at > UINT32_MAX ? UINT32_MAX : (uint32_t)at;

	pthread_mutex_lock(&s->lock);
	if ((s->count + 1) * 10 > s->cap * 7)
		grow(s);
	slot = find(s, visitor, hash);
	if (!slot->used) {
		memcpy(slot->visitor, visitor, ND_HISTORY_VISITOR_LEN);
		slot->used = 1;
		s->count++;
	}
	/* Reading an article again moves it to the front. */
	for (size_t i = 0; i < slot->n; i++)
		if (slot->items[i].article == article) {
			memmove(&slot->items[i], &slot->items[i + 1],
			        (slot->n - i - 1) * sizeof(*slot->items));
			slot->n--;
			s->items--;
			break;
		}
	if (slot->n == h->max) {
		memmove(&slot->items[0], &slot->items[1], (slot->n - 1) * sizeof(*slot->items));
		slot->n--;
		s->items--;
	}
	if (slot->n == slot->cap) {
		size_t cap = slot->cap ? (size_t)slot->cap * 2 : 4;

		slot->cap = (uint16_t)(cap > h->max ? h->max : cap);
		slot->items = nd_xrealloc(slot->items, slot->cap * sizeof(*slot->items));
	}
	slot->items[slot->n++] = (struct nd_history_item){article, when};
	s->items++;
	pthread_mutex_unlock(&s->lock);
}

size_t nd_histories_get(struct nd_histories *h, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                        struct nd_history_item *out, size_t max)
{
	uint64_t hash = hash_of(visitor);
	struct shard *s = shard_of(h, hash);
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	if (s->cap) {
		struct slot *slot = find(s, visitor, hash);

		for (size_t i = slot->n; slot->used && i > 0 && n < max; i--)
			out[n++] = slot->items[i - 1];
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Empties slot i and shifts the entries after it back into place. */
static void remove_at(struct shard *s, size_t i)
{
	size_t mask = s->cap - 1;

	free(s->slots[i].items);
	s->slots[i] = (struct slot){0};
	s->count--;
	for (size_t j = (i + 1) & mask; s->slots[j].used; j = (j + 1) & mask) {
		size_t home = hash_of(s->slots[j].visitor) & mask;

		/* Move j into the hole when its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->slots[i] = s->slots[j];
			s->slots[j] = (struct slot){0};
			i = j;
		}
	}
}

size_t nd_histories_purge(struct nd_histories *h, int64_t before)
{
	size_t dropped = 0;

	for (size_t k = 0; k < SHARDS; k++) {
		struct shard *s = &h->shards[k];

		pthread_mutex_lock(&s->lock);
		for (size_t i = 0; i < s->cap;) {
			struct slot *slot = &s->slots[i];
			size_t old = 0;

			while (slot->used && old < slot->n && (int64_t)slot->items[old].at < before)
				old++;
			if (old) {
				memmove(slot->items, slot->items + old,
				        (slot->n - old) * sizeof(*slot->items));
				slot->n = (uint16_t)(slot->n - old);
				s->items -= old;
				dropped += old;
			}
			/* A shift may move another visitor into slot i: look again. */
			if (slot->used && !slot->n)
				remove_at(s, i);
			else
				i++;
		}
		pthread_mutex_unlock(&s->lock);
	}
	return dropped;
}

void nd_histories_stats(struct nd_histories *h, struct nd_histories_stats *out)
{
	*out = (struct nd_histories_stats){0, 0, sizeof(*h)};
	for (size_t k = 0; k < SHARDS; k++) {
		struct shard *s = &h->shards[k];

		pthread_mutex_lock(&s->lock);
		out->visitors += s->count;
		out->items += s->items;
		out->bytes += s->cap * sizeof(struct slot);
		for (size_t i = 0; i < s->cap; i++)
			out->bytes += s->slots[i].cap * sizeof(struct nd_history_item);
		pthread_mutex_unlock(&s->lock);
	}
}
