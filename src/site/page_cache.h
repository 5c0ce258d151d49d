#pragma once
/*
 * A cache of finished responses that lives and dies with one site
 * snapshot: everything a page shows comes from the snapshot, so a page
 * rendered once is right until the snapshot is replaced, and replacing the
 * snapshot drops the cache with it. That is the whole invalidation rule.
 *
 * Lock-free: readers find entries with atomic loads, writers claim empty
 * slots with compare-and-swap; entries are never changed or removed until
 * the cache is freed, which happens only after no reader can hold it (the
 * snapshot's RCU grace period). A fixed number of slots (open addressing)
 * and a byte budget bound its memory; when either is used up, new pages
 * are simply not cached.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_page_cache;

/* One cached response: opaque bytes to the cache. Borrowed, valid until
 * the cache is freed. */
struct nd_page {
	uint64_t hash;
	const char *key;
	size_t key_len;
	const char *meta; /* what the caller stored besides the body */
	size_t meta_len;
	const char *body;
	size_t body_len;
	void *aux; /* what nd_page_cache_put_aux stored, else NULL */
	void (*aux_release)(void *aux);
};

/* A cache of at most slots entries (rounded up to a power of two; at most
 * half are used, to keep probes short) and max_bytes of keys and bodies.
 * Caller owns it. */
struct nd_page_cache *nd_page_cache_new(size_t slots, size_t max_bytes);
/* Frees every entry; the caller guarantees no reader holds one. */
void nd_page_cache_free(struct nd_page_cache *c);

/* The entry for key, or NULL. */
const struct nd_page *nd_page_cache_get(struct nd_page_cache *c, const char *key, size_t key_len);

/* Stores copies of key, meta and body. Returns false when the cache is
 * full (slots or bytes); a key stored meanwhile by another thread keeps
 * its first value. */
bool nd_page_cache_put(struct nd_page_cache *c, const char *key, size_t key_len, const char *meta,
                       size_t meta_len, const char *body, size_t body_len);

/*
 * Stores copies of key and meta with aux, an object of the caller's that
 * the cache holds until it is freed, then hands to aux_release (the
 * caller's reference counting lets a response use aux after the cache is
 * gone). aux_bytes counts in the byte budget. Returns the entry for key:
 * the new one (its aux is aux: the cache took it over), or one another
 * thread stored first (its own aux; aux was not taken); NULL when the cache
 * is full (aux was not taken).
 */
const struct nd_page *nd_page_cache_put_aux(struct nd_page_cache *c, const char *key,
                                            size_t key_len, const char *meta, size_t meta_len,
                                            void *aux, size_t aux_bytes,
                                            void (*aux_release)(void *aux));

/* Entries and bytes held, for logs and tests. */
void nd_page_cache_stats(struct nd_page_cache *c, size_t *entries, size_t *bytes);
