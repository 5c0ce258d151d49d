#pragma once
/*
 * Per-thread view counters (private to counter/). Each serving thread owns
 * one shard and is its only writer: a view is a relaxed load and store of
 * its own slot, no lock and no shared read-modify-write. Slots hold the
 * views counted since start, by the parity of the hour they fell in, so
 * the flusher, which only reads them, knows each view's hour: at hour H a
 * slot of parity H & 1 holds views of H, the other parity's of H - 1 (a
 * flush runs every second, so nothing older is left unread).
 *
 * Slots live in chunks of ND_SHARD_CHUNK articles, made by the owner on
 * first use and published with release order; a directory of
 * ND_SHARD_DIR chunks covers article ids below 2^24.
 */
#include <stdatomic.h>
#include <stdint.h>

#define ND_SHARD_CHUNK_BITS 12
#define ND_SHARD_CHUNK      (1u << ND_SHARD_CHUNK_BITS)
#define ND_SHARD_DIR        4096u
#define ND_SHARD_MAX_ID     (ND_SHARD_CHUNK * ND_SHARD_DIR)

struct nd_shard {
	_Atomic(atomic_uint *) chunk[2][ND_SHARD_DIR]; /* [hour parity][article >> bits] */
	atomic_ullong dirty[ND_SHARD_DIR / 64];        /* chunks written since the flusher looked */
	/* Flusher-owned: how much of each slot it has written to the store. */
	uint32_t *marks[2][ND_SHARD_DIR];
	struct nd_shard *next; /* the counter's list, newest first */
};

/* Adds one view of article (< ND_SHARD_MAX_ID) in hour. Owner only. */
void nd_shard_add(struct nd_shard *s, uint32_t article, int64_t hour);

/* Views of article since start, both parities (any thread). */
uint64_t nd_shard_views(const struct nd_shard *s, uint32_t article);

/* Frees the chunks of s and s. */
void nd_shard_free(struct nd_shard *s);
