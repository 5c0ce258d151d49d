/*
 * Story folding: MinHash signatures of shingles, LSH banding to find
 * candidate copies, union-find to keep the clusters (dedup.h and
 * docs/internals/related-eval.md).
 */
#include "related/dedup.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"

/* LSH: ND_DEDUP_BANDS bands of ND_DEDUP_ROWS values each; a pair of
 * documents is a candidate when all the values of one band agree. */
#define ND_DEDUP_BANDS 32
#define ND_DEDUP_ROWS  3

_Static_assert(ND_DEDUP_BANDS *ND_DEDUP_ROWS <= ND_MINHASH_K, "bands use more values than exist");
_Static_assert(ND_SHINGLE_TERMS >= 2, "a shingle needs two terms or more");

/*
 * The ND_MINHASH_K hash functions: h_i(s) = the high 32 bits of
 * mult[i] * s + add[i] (mod 2^64), multiply-shift hashing of the shingle's
 * 64-bit xxHash3. Seeded with splitmix64 from fixed constants, so a
 * signature is the same in every run and on every machine.
 */
static uint64_t mult[ND_MINHASH_K], add[ND_MINHASH_K];
static pthread_once_t perm_once = PTHREAD_ONCE_INIT;

static void perm_init(void)
{
	uint64_t state = 0x6e657773646b6d68ULL; /* "newsdkmh" */

	for (size_t i = 0; i < ND_MINHASH_K; i++) {
		mult[i] = nd_splitmix64(&state) | 1;
		add[i] = nd_splitmix64(&state);
	}
}

void nd_minhash_builder_init(struct nd_minhash_builder *b)
{
	pthread_once(&perm_once, perm_init);
	for (size_t i = 0; i < ND_MINHASH_K; i++)
		b->min[i] = UINT32_MAX;
	memset(b->prev, 0, sizeof(b->prev));
	b->run = 0;
	b->shingles = 0;
}

/* Folds one shingle hash into the minima. */
static void add_shingle(struct nd_minhash_builder *b, uint64_t s)
{
	for (size_t i = 0; i < ND_MINHASH_K; i++) {
		uint32_t h = (uint32_t)((mult[i] * s + add[i]) >> 32);
		if (h < b->min[i])
			b->min[i] = h;
	}
	b->shingles++;
}

void nd_minhash_builder_add(struct nd_minhash_builder *b, const char *term, size_t len)
{
	uint64_t h = nd_hash(term, len);

	if (b->run >= ND_SHINGLE_TERMS - 1) {
		uint64_t s[ND_SHINGLE_TERMS];
		memcpy(s, b->prev, sizeof(b->prev));
		s[ND_SHINGLE_TERMS - 1] = h;
		add_shingle(b, nd_hash(s, sizeof(s)));
	}
	memmove(b->prev, b->prev + 1, sizeof(b->prev) - sizeof(b->prev[0]));
	b->prev[ND_SHINGLE_TERMS - 2] = h;
	b->run++;
}

void nd_minhash_builder_break(struct nd_minhash_builder *b)
{
	/* A short run is one shingle of the terms it has; its hash covers
	 * fewer bytes, so it never equals a full shingle's. */
	if (b->run > 0 && b->run < ND_SHINGLE_TERMS) {
		size_t n = b->run;
		add_shingle(b, nd_hash(b->prev + (ND_SHINGLE_TERMS - 1 - n), n * sizeof(uint64_t)));
	}
	memset(b->prev, 0, sizeof(b->prev));
	b->run = 0;
}

void nd_minhash_term_cb(void *builder, const struct nd_term *t)
{
	if (!(t->flags & ND_TERM_STOP))
		nd_minhash_builder_add(builder, t->p, t->len);
}

void nd_minhash_builder_finish(struct nd_minhash_builder *b, struct nd_minhash *out)
{
	nd_minhash_builder_break(b);
	for (size_t i = 0; i < ND_MINHASH_K; i++)
		out->v[i] = b->shingles ? (uint16_t)b->min[i] : 0;
	out->shingles = b->shingles;
}

void nd_minhash_article(struct nd_analyzer *an, const char *title, size_t title_len,
                        const char *body, size_t body_len, struct nd_minhash *out)
{
	struct nd_minhash_builder b;

	nd_minhash_builder_init(&b);
	if (title_len)
		nd_analyze(an, title, title_len, 0, nd_minhash_term_cb, &b);
	nd_minhash_builder_break(&b);
	if (body_len)
		nd_analyze(an, body, body_len, 0, nd_minhash_term_cb, &b);
	nd_minhash_builder_finish(&b, out);
}

static unsigned agree(const struct nd_minhash *a, const struct nd_minhash *b)
{
	unsigned n = 0;

	for (size_t i = 0; i < ND_MINHASH_K; i++)
		n += a->v[i] == b->v[i];
	return n;
}

double nd_minhash_similarity(const struct nd_minhash *a, const struct nd_minhash *b)
{
	if (!a->shingles || !b->shingles)
		return 0;
	return (double)agree(a, b) / ND_MINHASH_K;
}

/* One document of a set. */
struct slot {
	uint32_t key;
	uint32_t parent; /* union-find; a root is its own parent */
	uint32_t size;   /* at a root: documents in the cluster */
	uint32_t min;    /* at a root: the smallest key, the cluster id */
	uint32_t seen;   /* the slot (+1) whose candidates last included this one */
};

struct nd_dedup {
	double threshold;
	unsigned need; /* values that must agree */
	size_t count, cap;
	struct slot *slots;
	struct nd_minhash *sigs;
	/* Key to slot: open addressing, slot + 1 (0 = empty), map_cap a power
	 * of two at least twice count. */
	uint32_t *map;
	size_t map_cap;
	/* Per band, buckets heads of chains through next (both slot + 1,
	 * 0 = end); a chain holds every document whose band hashes to the
	 * bucket. next[slot * ND_DEDUP_BANDS + band]. */
	uint32_t *heads, *next;
	size_t buckets; /* per band, a power of two */
};

static uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t band_hash(const struct nd_minhash *mh, size_t band)
{
	uint64_t x = 0;

	for (size_t r = 0; r < ND_DEDUP_ROWS; r++)
		x = x << 16 | mh->v[band * ND_DEDUP_ROWS + r];
	return fmix64(x);
}

static int band_equal(const struct nd_minhash *a, const struct nd_minhash *b, size_t band)
{
	const uint16_t *x = a->v + band * ND_DEDUP_ROWS, *y = b->v + band * ND_DEDUP_ROWS;

	return !memcmp(x, y, ND_DEDUP_ROWS * sizeof(*x));
}

struct nd_dedup *nd_dedup_new(double threshold)
{
	struct nd_dedup *d = nd_xcalloc(1, sizeof(*d));

	if (threshold == 0)
		threshold = ND_DEDUP_THRESHOLD;
	ND_ASSERT(threshold > 0 && threshold <= 1);
	d->threshold = threshold;
	/* The smallest count of agreeing values whose share reaches the
	 * threshold; the epsilon keeps 0.5 * 128 at 64, not 65. */
	d->need = (unsigned)ceil(threshold * ND_MINHASH_K - 1e-9);
	return d;
}

void nd_dedup_free(struct nd_dedup *d)
{
	if (!d)
		return;
	free(d->slots);
	free(d->sigs);
	free(d->map);
	free(d->heads);
	free(d->next);
	free(d);
}

size_t nd_dedup_count(const struct nd_dedup *d)
{
	return d->count;
}

double nd_dedup_threshold(const struct nd_dedup *d)
{
	return d->threshold;
}

static size_t key_pos(uint32_t key, size_t cap)
{
	return (size_t)fmix64(key) & (cap - 1);
}

/* The slot of key, or -1. */
static long find_slot(const struct nd_dedup *d, uint32_t key)
{
	if (!d->map_cap)
		return -1;
	for (size_t i = key_pos(key, d->map_cap); d->map[i]; i = (i + 1) & (d->map_cap - 1))
		if (d->slots[d->map[i] - 1].key == key)
			return (long)d->map[i] - 1;
	return -1;
}

static void map_insert(uint32_t *map, size_t cap, uint32_t key, uint32_t slot)
{
	size_t i = key_pos(key, cap);

	while (map[i])
		i = (i + 1) & (cap - 1);
	map[i] = slot + 1;
}

/* Puts slot s at the head of its bucket in every band. Empty documents
 * stay out: they are copies of nothing. */
static void bands_insert(struct nd_dedup *d, uint32_t s)
{
	if (!d->sigs[s].shingles)
		return;
	for (size_t j = 0; j < ND_DEDUP_BANDS; j++) {
		size_t b = j * d->buckets + (band_hash(&d->sigs[s], j) & (d->buckets - 1));
		d->next[(size_t)s * ND_DEDUP_BANDS + j] = d->heads[b];
		d->heads[b] = s + 1;
	}
}

/* Makes room for one more document: doubles the slots and rebuilds the
 * key map and the band buckets at their new sizes. */
static void grow(struct nd_dedup *d)
{
	size_t cap = d->cap ? d->cap * 2 : 64;

	ND_ASSERT(cap < UINT32_MAX);
	d->slots = nd_xrealloc(d->slots, cap * sizeof(*d->slots));
	d->sigs = nd_xrealloc(d->sigs, cap * sizeof(*d->sigs));
	d->next = nd_xrealloc(d->next, cap * ND_DEDUP_BANDS * sizeof(*d->next));
	d->cap = cap;

	free(d->map);
	d->map_cap = cap * 2;
	d->map = nd_xcalloc(d->map_cap, sizeof(*d->map));
	for (size_t s = 0; s < d->count; s++)
		map_insert(d->map, d->map_cap, d->slots[s].key, (uint32_t)s);

	free(d->heads);
	d->buckets = cap;
	d->heads = nd_xcalloc(d->buckets * ND_DEDUP_BANDS, sizeof(*d->heads));
	for (size_t s = 0; s < d->count; s++)
		bands_insert(d, (uint32_t)s);
}

/* The root of s, halving the path on the way (only while adding). */
static uint32_t find_root(struct nd_dedup *d, uint32_t s)
{
	while (d->slots[s].parent != s) {
		d->slots[s].parent = d->slots[d->slots[s].parent].parent;
		s = d->slots[s].parent;
	}
	return s;
}

static uint32_t find_root_const(const struct nd_dedup *d, uint32_t s)
{
	while (d->slots[s].parent != s)
		s = d->slots[s].parent;
	return s;
}

/* Joins the clusters of roots a and b (union by size); returns the new
 * root. */
static uint32_t join(struct nd_dedup *d, uint32_t a, uint32_t b)
{
	struct slot *sa, *sb;

	if (d->slots[a].size < d->slots[b].size) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	sa = &d->slots[a];
	sb = &d->slots[b];
	sb->parent = a;
	sa->size += sb->size;
	if (sb->min < sa->min)
		sa->min = sb->min;
	return a;
}

int nd_dedup_add(struct nd_dedup *d, uint32_t doc, const struct nd_minhash *mh,
                 uint32_t *cluster_out)
{
	uint32_t s, root;

	if (find_slot(d, doc) >= 0)
		return ND_EEXIST;
	if (d->count == d->cap)
		grow(d);
	s = (uint32_t)d->count++;
	d->slots[s] = (struct slot){doc, s, 1, doc, 0};
	d->sigs[s] = *mh;
	map_insert(d->map, d->map_cap, doc, s);
	root = s;

	/* Every candidate is confirmed once against the whole signature, even
	 * when it shares several bands; one already in our cluster needs no
	 * check. */
	if (mh->shingles) {
		for (size_t j = 0; j < ND_DEDUP_BANDS; j++) {
			size_t b = j * d->buckets + (band_hash(mh, j) & (d->buckets - 1));
			for (uint32_t c = d->heads[b]; c;
			     c = d->next[(size_t)(c - 1) * ND_DEDUP_BANDS + j]) {
				uint32_t o = c - 1, r;
				if (d->slots[o].seen == s + 1 || !band_equal(&d->sigs[o], mh, j))
					continue;
				d->slots[o].seen = s + 1;
				r = find_root(d, o);
				if (r != root && agree(&d->sigs[o], mh) >= d->need)
					root = join(d, root, r);
			}
		}
	}
	bands_insert(d, s);
	if (cluster_out)
		*cluster_out = d->slots[root].min;
	return 0;
}

uint32_t nd_dedup_cluster_of(const struct nd_dedup *d, uint32_t doc)
{
	long s = find_slot(d, doc);

	if (s < 0)
		return doc;
	return d->slots[find_root_const(d, (uint32_t)s)].min;
}
