#include "core/hash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/mem.h"

uint64_t nd_hash(const void *p, size_t len)
{
	return XXH3_64bits(p, len);
}

static void insert(struct nd_map_slot *slots, size_t cap, const struct nd_map_slot *s)
{
	size_t i = s->hash & (cap - 1);

	while (slots[i].key)
		i = (i + 1) & (cap - 1);
	slots[i] = *s;
}

void nd_map_put(struct nd_map *m, const char *key, size_t key_len, void *value)
{
	uint64_t h = nd_hash(key, key_len);
	size_t i;

	/* Keep the load factor under 1/2 so probes stay short. */
	if ((m->count + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct nd_map_slot *slots = nd_xcalloc(cap, sizeof(*slots));
		for (i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				insert(slots, cap, &m->slots[i]);
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1)) {
		struct nd_map_slot *s = &m->slots[i];
		if (s->hash == h && s->key_len == key_len && !memcmp(s->key, key, key_len)) {
			s->value = value;
			return;
		}
	}
	m->slots[i] = (struct nd_map_slot){key, key_len, h, value};
	m->count++;
}

void *nd_map_get(const struct nd_map *m, const char *key, size_t key_len)
{
	uint64_t h;

	if (!m->cap)
		return NULL;
	h = nd_hash(key, key_len);
	for (size_t i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1)) {
		const struct nd_map_slot *s = &m->slots[i];
		if (s->hash == h && s->key_len == key_len && !memcmp(s->key, key, key_len))
			return s->value;
	}
	return NULL;
}

void nd_map_release(struct nd_map *m)
{
	free(m->slots);
	*m = (struct nd_map)ND_MAP_INIT;
}
