#include "counter/shard.h"

#include <stdlib.h>

#include "core/mem.h"

void nd_shard_add(struct nd_shard *s, uint32_t article, int64_t hour)
{
	unsigned p = (unsigned)(hour & 1), d = article >> ND_SHARD_CHUNK_BITS;
	atomic_uint *chunk = atomic_load_explicit(&s->chunk[p][d], memory_order_relaxed);
	atomic_uint *slot;

	if (!chunk) {
		chunk = nd_xcalloc(ND_SHARD_CHUNK, sizeof(*chunk));
		/* Release: a reader that sees the pointer sees zeroed slots. */
		atomic_store_explicit(&s->chunk[p][d], chunk, memory_order_release);
	}
	slot = &chunk[article & (ND_SHARD_CHUNK - 1)];
	/* One writer: a load and a store, no locked instruction. */
	atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
	if (!(atomic_load_explicit(&s->dirty[d / 64], memory_order_relaxed) & (1ull << (d % 64))))
		atomic_fetch_or_explicit(&s->dirty[d / 64], 1ull << (d % 64), memory_order_relaxed);
}

uint64_t nd_shard_views(const struct nd_shard *s, uint32_t article)
{
	unsigned d = article >> ND_SHARD_CHUNK_BITS;
	uint64_t n = 0;

	for (int p = 0; p < 2; p++) {
		atomic_uint *chunk = atomic_load_explicit(&((struct nd_shard *)s)->chunk[p][d],
		                                          memory_order_acquire);
		if (chunk)
			n += atomic_load_explicit(&chunk[article & (ND_SHARD_CHUNK - 1)],
			                          memory_order_relaxed);
	}
	return n;
}

void nd_shard_free(struct nd_shard *s)
{
	if (!s)
		return;
	for (int p = 0; p < 2; p++) {
		for (unsigned d = 0; d < ND_SHARD_DIR; d++) {
			free(atomic_load_explicit(&s->chunk[p][d], memory_order_relaxed));
			free(s->marks[p][d]);
		}
	}
	free(s);
}
