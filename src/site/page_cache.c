#include "site/page_cache.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>
#include <time.h>
#include <xxhash.h>

#include "core/mem.h"

struct nd_page_cache {
	uint64_t seed; /* random: keys chosen by clients cannot be made to collide */
	_Atomic(struct nd_page *) *slots;
	size_t mask;
	size_t max_entries;
	size_t max_bytes;
	atomic_size_t entries;
	atomic_size_t bytes;
};

struct nd_page_cache *nd_page_cache_new(size_t slots, size_t max_bytes)
{
	struct nd_page_cache *c = nd_xcalloc(1, sizeof(*c));
	size_t n = 16;

	while (n < slots)
		n *= 2;
	c->slots = nd_xcalloc(n, sizeof(*c->slots));
	if (getrandom(&c->seed, sizeof(c->seed), 0) != sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c ^ (uint64_t)time(NULL);
	c->mask = n - 1;
	c->max_entries = n / 2;
	c->max_bytes = max_bytes;
	return c;
}

void nd_page_cache_free(struct nd_page_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= c->mask; i++) {
		struct nd_page *p = atomic_load_explicit(&c->slots[i], memory_order_relaxed);

		if (p && p->aux_release)
			p->aux_release(p->aux);
		free(p);
	}
	free(c->slots);
	free(c);
}

static bool same(const struct nd_page *p, uint64_t hash, const char *key, size_t len)
{
	return p->hash == hash && p->key_len == len && !memcmp(p->key, key, len);
}

static uint64_t hash(const struct nd_page_cache *c, const char *key, size_t len)
{
	return XXH3_64bits_withSeed(key, len, c->seed);
}

const struct nd_page *nd_page_cache_get(struct nd_page_cache *c, const char *key, size_t key_len)
{
	uint64_t h = hash(c, key, key_len);

	for (size_t i = h & c->mask;; i = (i + 1) & c->mask) {
		/* Acquire pairs with the release in put: a visible pointer means
		 * a fully written entry. */
		struct nd_page *p = atomic_load_explicit(&c->slots[i], memory_order_acquire);
		if (!p)
			return NULL;
		if (same(p, h, key, key_len))
			return p;
	}
}

/* Stores a new entry; the entry for key (maybe another thread's), or NULL when full. */
static const struct nd_page *put(struct nd_page_cache *c, const char *key, size_t key_len,
                                 const char *meta, size_t meta_len, const char *body,
                                 size_t body_len, void *aux, size_t aux_bytes,
                                 void (*aux_release)(void *))
{
	size_t size = sizeof(struct nd_page) + key_len + meta_len + body_len;
	size_t charged = size + aux_bytes;
	struct nd_page *p;
	char *data;

	/* Reserve budget first, so racing writers cannot overshoot together. */
	if (atomic_fetch_add(&c->entries, 1) >= c->max_entries)
		goto full;
	if (atomic_fetch_add(&c->bytes, charged) + charged > c->max_bytes) {
		atomic_fetch_sub(&c->bytes, charged);
		goto full;
	}
	p = nd_xmalloc(size);
	data = (char *)(p + 1);
	memcpy(data, key, key_len);
	memcpy(data + key_len, meta, meta_len);
	if (body_len)
		memcpy(data + key_len + meta_len, body, body_len);
	*p =
	    (struct nd_page){hash(c, key, key_len),     data,     key_len, data + key_len, meta_len,
	                     data + key_len + meta_len, body_len, aux,     aux_release};
	for (size_t i = p->hash & c->mask;; i = (i + 1) & c->mask) {
		struct nd_page *expected = NULL;
		if (atomic_compare_exchange_strong_explicit(
		        &c->slots[i], &expected, p, memory_order_release, memory_order_acquire))
			return p;
		if (same(expected, p->hash, key, key_len)) {
			/* Another thread cached this page first: keep its copy. */
			atomic_fetch_sub(&c->bytes, charged);
			atomic_fetch_sub(&c->entries, 1);
			free(p);
			return expected;
		}
	}
full:
	atomic_fetch_sub(&c->entries, 1);
	return NULL;
}

bool nd_page_cache_put(struct nd_page_cache *c, const char *key, size_t key_len, const char *meta,
                       size_t meta_len, const char *body, size_t body_len)
{
	return put(c, key, key_len, meta, meta_len, body, body_len, NULL, 0, NULL) != NULL;
}

const struct nd_page *nd_page_cache_put_aux(struct nd_page_cache *c, const char *key,
                                            size_t key_len, const char *meta, size_t meta_len,
                                            void *aux, size_t aux_bytes,
                                            void (*aux_release)(void *aux))
{
	return put(c, key, key_len, meta, meta_len, NULL, 0, aux, aux_bytes, aux_release);
}

void nd_page_cache_stats(struct nd_page_cache *c, size_t *entries, size_t *bytes)
{
	*entries = atomic_load(&c->entries);
	*bytes = atomic_load(&c->bytes);
}
