#pragma once
/*
 * nd_map: a string-keyed hash table of pointers (open addressing, linear
 * probing, xxHash3). Built once and then only read, as the site snapshot
 * does, it is safe to read from many threads at once. Keys are borrowed:
 * they must outlive the map (the snapshot keeps them in its arena).
 */
#include <stddef.h>
#include <stdint.h>

struct nd_map_slot {
	const char *key;
	size_t key_len;
	uint64_t hash;
	void *value;
};

struct nd_map {
	struct nd_map_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

#define ND_MAP_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* The next value of splitmix64 (Steele, Lea, Flood) from *state: a small
 * generator with the same sequence on every machine, for seeds and
 * deterministic simulations. Not for secrets. */
static inline uint64_t nd_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 64-bit hash of len bytes (xxHash3). */
uint64_t nd_hash(const void *p, size_t len);

/* Sets key (borrowed) to value, replacing an existing value. */
void nd_map_put(struct nd_map *m, const char *key, size_t key_len, void *value);
/* The value stored under key, or NULL. */
void *nd_map_get(const struct nd_map *m, const char *key, size_t key_len);
/* Frees the table (not the keys or values). */
void nd_map_release(struct nd_map *m);
