#include "index/segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/index_int.h"

/* Segments and deletion sets alive, for nd_segment_live_count(). */
static atomic_long live_objects;

long nd_segment_live_count(void)
{
	return atomic_load(&live_objects);
}

/*
 * Sorts a[0..n) ascending: insertion sort for short runs (a document's
 * terms), quicksort with a median-of-three pivot above. Inlined with the
 * comparison, it is several times faster than qsort() on these sizes.
 */
#define SORT_BODY(T)                                                                               \
	while (n > 24) {                                                                           \
		T x = a[0], y = a[n / 2], z = a[n - 1], pivot, t;                                  \
		size_t i = 0, j = n - 1;                                                           \
		pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));     \
		for (;;) {                                                                         \
			while (a[i] < pivot)                                                       \
				i++;                                                               \
			while (a[j] > pivot)                                                       \
				j--;                                                               \
			if (i >= j)                                                                \
				break;                                                             \
			t = a[i];                                                                  \
			a[i++] = a[j];                                                             \
			a[j--] = t;                                                                \
		}                                                                                  \
		/* a[0..j] <= pivot <= a[j+1..n): recurse on the smaller side. A                   \
		 * median pivot always leaves both sides non-empty; the check only                 \
		 * guards against looping. */                                                      \
		if (j + 1 >= n)                                                                    \
			break;                                                                     \
		if (j + 1 < n - j - 1) {                                                           \
			SORT_SELF(a, j + 1);                                                       \
			a += j + 1;                                                                \
			n -= j + 1;                                                                \
		} else {                                                                           \
			SORT_SELF(a + j + 1, n - j - 1);                                           \
			n = j + 1;                                                                 \
		}                                                                                  \
	}                                                                                          \
	for (size_t i = 1; i < n; i++) {                                                           \
		T x = a[i];                                                                        \
		size_t j = i;                                                                      \
		for (; j && a[j - 1] > x; j--)                                                     \
			a[j] = a[j - 1];                                                           \
		a[j] = x;                                                                          \
	}

#define SORT_SELF nd__sort_u64
void nd__sort_u64(uint64_t *a, size_t n)
{
	SORT_BODY(uint64_t)
}
#undef SORT_SELF

#define SORT_SELF sort_u32
static void sort_u32(uint32_t *a, size_t n)
{
	SORT_BODY(uint32_t)
}
#undef SORT_SELF

static size_t pow2_at_least(size_t n)
{
	size_t cap = 1;

	while (cap < n)
		cap *= 2;
	return cap;
}

/* Grows *p, an array of *cap elements of size bytes, to hold need. */
static void grow_array(void **p, uint32_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*p = nd_xrealloc(*p, c * size);
	*cap = (uint32_t)c;
}

/*
 * The builder keeps each term's postings and positions in a byte vector of
 * its own: 24 bytes of header instead of nd_buf's 40, and the hot loop
 * writes varints straight into it with no NUL to keep up. Most terms are
 * rare, so vectors start at 8 bytes.
 */
struct bvec {
	uint8_t *p;
	size_t len, cap;
};

static inline uint8_t *bvec_room(struct bvec *v, size_t n)
{
	if (v->cap - v->len < n) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		while (cap - v->len < n)
			cap *= 2;
		v->p = nd_xrealloc(v->p, cap);
		v->cap = cap;
	}
	return v->p + v->len;
}

/* Points p at the end of the bytes written after bvec_room. */
static inline void bvec_end(struct bvec *v, const uint8_t *end)
{
	v->len = (size_t)(end - v->p);
}

/* Room for n bytes at the end of an nd_buf, written then with buf_end. */
static inline uint8_t *buf_room(struct nd_buf *b, size_t n)
{
	nd_buf_grow(b, n);
	return (uint8_t *)b->buf + b->len;
}

static inline void buf_end(struct nd_buf *b, const uint8_t *end)
{
	b->len = (size_t)(end - (const uint8_t *)b->buf);
	b->buf[b->len] = '\0';
}

/* ------------------------------------------------------------------ */
/* Builder */

struct bterm {
	uint64_t hash;
	uint32_t str_off, str_len;
	uint32_t df;
	uint32_t last_doc;  /* of its last posting, for the next gap */
	uint32_t cur_doc;   /* the document being added, when it holds the term */
	uint32_t cur_field; /* the field of its last position in cur_doc */
	uint32_t last_pos;  /* that position */
	uint32_t tf[ND_FIELD_COUNT];
	struct bvec post, pos;
};

struct nd_segment_builder {
	struct nd_bm25_params params;
	struct nd_buf strs;
	struct bterm *terms;
	uint32_t term_count, term_cap;
	uint32_t *dict; /* term id + 1, 0 empty */
	uint32_t dict_cap;
	uint32_t *keys;
	uint8_t *lens; /* nd_len_encode codes */
	uint64_t *fwd_off;
	uint32_t doc_count, doc_cap;
	struct nd_buf fwd;
	uint32_t *keyset; /* doc + 1, 0 empty */
	uint32_t keyset_cap;
	uint32_t *doc_terms; /* distinct terms of the document being added */
	uint32_t doc_terms_cap;
};

struct nd_segment_builder *nd_segment_builder_new(const struct nd_bm25_params *params)
{
	struct nd_segment_builder *b = nd_xcalloc(1, sizeof(*b));

	b->params = params ? *params : ND_BM25_PARAMS_DEFAULT;
	nd_buf_init(&b->strs, 0);
	nd_buf_init(&b->fwd, 0);
	b->dict_cap = 1024;
	b->dict = nd_xcalloc(b->dict_cap, sizeof(*b->dict));
	b->keyset_cap = 64;
	b->keyset = nd_xcalloc(b->keyset_cap, sizeof(*b->keyset));
	b->fwd_off = nd_xcalloc(1, sizeof(*b->fwd_off));
	return b;
}

void nd_segment_builder_free(struct nd_segment_builder *b)
{
	if (!b)
		return;
	for (uint32_t i = 0; i < b->term_count; i++) {
		free(b->terms[i].post.p);
		free(b->terms[i].pos.p);
	}
	nd_buf_release(&b->strs);
	nd_buf_release(&b->fwd);
	free(b->terms);
	free(b->dict);
	free(b->keys);
	free(b->lens);
	free(b->fwd_off);
	free(b->keyset);
	free(b->doc_terms);
	free(b);
}

uint32_t nd_segment_builder_count(const struct nd_segment_builder *b)
{
	return b->doc_count;
}

static uint32_t key_slot(const uint32_t *set, uint32_t cap, const uint32_t *keys, uint32_t key)
{
	uint32_t mask = cap - 1;
	uint32_t i = (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 32) & mask;

	while (set[i] && keys[set[i] - 1] != key)
		i = (i + 1) & mask;
	return i;
}

bool nd_segment_builder_has_key(const struct nd_segment_builder *b, uint32_t key)
{
	return b->keyset[key_slot(b->keyset, b->keyset_cap, b->keys, key)] != 0;
}

static void keyset_add(struct nd_segment_builder *b, uint32_t doc)
{
	if ((size_t)(doc + 1) * 2 > b->keyset_cap) {
		uint32_t cap = b->keyset_cap * 2;
		uint32_t *set = nd_xcalloc(cap, sizeof(*set));
		for (uint32_t i = 0; i < b->keyset_cap; i++)
			if (b->keyset[i])
				set[key_slot(set, cap, b->keys, b->keys[b->keyset[i] - 1])] =
				    b->keyset[i];
		free(b->keyset);
		b->keyset = set;
		b->keyset_cap = cap;
	}
	b->keyset[key_slot(b->keyset, b->keyset_cap, b->keys, b->keys[doc])] = doc + 1;
}

static void dict_grow(struct nd_segment_builder *b)
{
	uint32_t cap = b->dict_cap * 2, mask = cap - 1;
	uint32_t *dict = nd_xcalloc(cap, sizeof(*dict));

	for (uint32_t id = 0; id < b->term_count; id++) {
		uint32_t i = (uint32_t)b->terms[id].hash & mask;
		while (dict[i])
			i = (i + 1) & mask;
		dict[i] = id + 1;
	}
	free(b->dict);
	b->dict = dict;
	b->dict_cap = cap;
}

/* The id of term s[0..len), added when new. */
static uint32_t intern(struct nd_segment_builder *b, const char *s, size_t len)
{
	uint64_t h = nd_hash(s, len);
	uint32_t mask = b->dict_cap - 1, i = (uint32_t)h & mask, slot, id;
	struct bterm *t;

	while ((slot = b->dict[i])) {
		t = &b->terms[slot - 1];
		if (t->hash == h && t->str_len == len && !memcmp(b->strs.buf + t->str_off, s, len))
			return slot - 1;
		i = (i + 1) & mask;
	}
	grow_array((void **)&b->terms, &b->term_cap, (size_t)b->term_count + 1, sizeof(*b->terms));
	id = b->term_count++;
	t = &b->terms[id];
	memset(t, 0, sizeof(*t));
	t->hash = h;
	t->str_off = (uint32_t)b->strs.len;
	t->str_len = (uint32_t)len;
	t->last_doc = ND_DOC_END;
	t->cur_doc = ND_DOC_END;
	nd_buf_add(&b->strs, s, len);
	b->dict[i] = id + 1;
	if ((size_t)b->term_count * 2 > b->dict_cap)
		dict_grow(b);
	return id;
}

int nd_segment_builder_add(struct nd_segment_builder *b, uint32_t key,
                           const struct nd_index_doc *doc)
{
	uint32_t d = b->doc_count, ndt = 0, prev;
	size_t ntok = 0, bytes = 0;
	uint8_t *p;

	/* Check everything first, so a refused document leaves no trace. */
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		const struct nd_index_token *tok = doc->tokens[f];
		for (size_t i = 0; i < doc->count[f]; i++) {
			if (!tok[i].term.len)
				return nd_error(ND_EINVAL, "empty term in document %u", key);
			if (tok[i].term.len > ND_INDEX_TERM_MAX)
				return nd_error(ND_ETOOBIG, "term of %zu bytes in document %u",
				                tok[i].term.len, key);
			if (i && tok[i].pos < tok[i - 1].pos)
				return nd_error(ND_EINVAL, "positions go back in document %u", key);
			bytes += tok[i].term.len;
		}
		if (doc->count[f] > UINT32_MAX)
			return nd_error(ND_ETOOBIG, "field of %zu terms in document %u",
			                doc->count[f], key);
		ntok += doc->count[f];
	}
	if (nd_segment_builder_has_key(b, key))
		return nd_error(ND_EEXIST, "document %u added twice to one segment", key);
	if (d >= ND_SEGMENT_MAX_DOCS || ntok > ND_SEGMENT_MAX_TERMS - b->term_count ||
	    bytes > UINT32_MAX - b->strs.len)
		return nd_error(ND_ETOOBIG, "segment full at document %u", key);

	grow_array((void **)&b->doc_terms, &b->doc_terms_cap, ntok, sizeof(*b->doc_terms));
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		const struct nd_index_token *tok = doc->tokens[f];
		for (size_t i = 0; i < doc->count[f]; i++) {
			uint32_t id = intern(b, tok[i].term.p, tok[i].term.len);
			struct bterm *t = &b->terms[id];

			if (t->cur_doc != d) {
				t->cur_doc = d;
				t->tf[ND_FIELD_TITLE] = t->tf[ND_FIELD_BODY] = 0;
				t->cur_field = (uint32_t)f;
				t->last_pos = 0;
				b->doc_terms[ndt++] = id;
			} else if (t->cur_field != (uint32_t)f) {
				t->cur_field = (uint32_t)f;
				t->last_pos = 0;
			}
			/* Title positions come before body positions, each field
			 * delta-coded from 0: exactly a position chunk. */
			p = bvec_room(&t->pos, 5);
			bvec_end(&t->pos, nd_varint_put(p, tok[i].pos - t->last_pos));
			t->last_pos = tok[i].pos;
			t->tf[f]++;
		}
	}

	sort_u32(b->doc_terms, ndt);
	p = buf_room(&b->fwd, (size_t)ndt * ND_POSTINGS_VINT_MAX);
	prev = ND_DOC_END;
	for (uint32_t j = 0; j < ndt; j++) {
		uint32_t id = b->doc_terms[j];
		struct bterm *t = &b->terms[id];
		uint32_t tt = t->tf[ND_FIELD_TITLE], tb = t->tf[ND_FIELD_BODY];
		uint8_t *q;

		p = nd_postings_put_vint(p, id - prev, tt, tb);
		prev = id;
		q = bvec_room(&t->post, ND_POSTINGS_VINT_MAX);
		bvec_end(&t->post, nd_postings_put_vint(q, d - t->last_doc, tt, tb));
		t->last_doc = d;
		t->df++;
	}
	buf_end(&b->fwd, p);

	if (d == b->doc_cap) {
		b->doc_cap = b->doc_cap ? b->doc_cap * 2 : 64;
		b->fwd_off =
		    nd_xrealloc(b->fwd_off, ((size_t)b->doc_cap + 1) * sizeof(*b->fwd_off));
		b->keys = nd_xrealloc(b->keys, (size_t)b->doc_cap * sizeof(*b->keys));
		b->lens = nd_xrealloc(b->lens, (size_t)b->doc_cap * ND_FIELD_COUNT);
	}
	b->keys[d] = key;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		b->lens[(size_t)d * ND_FIELD_COUNT + f] = nd_len_encode(doc->count[f]);
	}
	b->fwd_off[d + 1] = b->fwd.len;
	b->doc_count++;
	keyset_add(b, d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Encoding a segment from sources: a builder, or segments to merge */

/* What the encoder reads: a builder's contents or a segment, with its
 * deletions, and how its docs and terms map into the new segment. */
struct src {
	uint32_t ndocs, nterms;
	const uint32_t *keys;
	const uint8_t *lens;
	const uint64_t *fwd_off;
	const uint8_t *fwd;
	const struct nd_segment *seg;
	const struct nd_segment_builder *bld;
	const struct nd_segment_deletes *del;
	uint32_t *doc_map;  /* its doc -> new doc, ND_DOC_END when deleted */
	uint32_t *term_map; /* its term -> new term, ND_TERM_NONE when gone */
};

static void src_from_segment(struct src *s, const struct nd_segment *seg,
                             const struct nd_segment_deletes *del)
{
	memset(s, 0, sizeof(*s));
	s->ndocs = seg->doc_count;
	s->nterms = seg->term_count;
	s->keys = seg->keys;
	s->lens = seg->lens;
	s->fwd_off = seg->fwd_off;
	s->fwd = seg->fwd;
	s->seg = seg;
	s->del = del;
}

static void src_from_builder(struct src *s, const struct nd_segment_builder *b)
{
	memset(s, 0, sizeof(*s));
	s->ndocs = b->doc_count;
	s->nterms = b->term_count;
	s->keys = b->keys;
	s->lens = b->lens;
	s->fwd_off = b->fwd_off;
	s->fwd = (const uint8_t *)b->fwd.buf;
	s->bld = b;
}

static const char *src_term(const struct src *s, uint32_t t, uint32_t *len, uint64_t *hash,
                            uint32_t *df)
{
	if (s->bld) {
		const struct bterm *bt = &s->bld->terms[t];
		*len = bt->str_len;
		*hash = bt->hash;
		*df = bt->df;
		return s->bld->strs.buf + bt->str_off;
	}
	const struct nd_segment_term *st = &s->seg->terms[t];
	*len = st->str_len;
	*hash = nd_hash(s->seg->strs + st->str_off, st->str_len);
	*df = st->df;
	return s->seg->strs + st->str_off;
}

static void src_list(const struct src *s, uint32_t t, struct nd_postings_list *l)
{
	if (s->bld) {
		const struct bterm *bt = &s->bld->terms[t];
		memset(l, 0, sizeof(*l));
		l->post = bt->post.p;
		l->pos = bt->pos.p;
		l->df = bt->df;
		return;
	}
	nd_segment_list(s->seg, t, l);
}

/* Rounds x up to a float, so a stored bound is never below the real one. */
static float round_up(double x)
{
	float f = (float)x;

	if ((double)f < x)
		f = nextafterf(f, INFINITY);
	return f;
}

/* Writes the postings of one term after another into the new streams. */
struct enc {
	/* x = sum of w[f] * tf / (c1 + c2[f] * len) */
	double w[ND_FIELD_COUNT], c1, c2[ND_FIELD_COUNT];
	const uint8_t *lens; /* of the new documents */
	struct nd_buf post, pos;
	struct nd_postings_block *blocks;
	uint32_t block_count, block_cap;
	int err;
	/* The term being written and its pending block. */
	struct nd_segment_term *term;
	uint32_t df, n, prev;
	uint64_t pos_block; /* the pending block's first position byte */
	double bmax, tmax;
	uint32_t docs[ND_POSTINGS_BLOCK];
	uint32_t tf[ND_FIELD_COUNT][ND_POSTINGS_BLOCK];
};

static void enc_begin(struct enc *e, struct nd_segment_term *term)
{
	e->term = term;
	term->post_off = e->post.len;
	term->pos_off = e->pos.len;
	term->block_off = e->block_count;
	e->df = 0;
	e->n = 0;
	e->prev = ND_DOC_END;
	e->bmax = e->tmax = 0;
}

/* Writes the pending block, with a block table entry when the list has a
 * table (packed when it is full, a varint run otherwise). */
static void enc_flush(struct enc *e, bool table)
{
	uint64_t rel = e->post.len - e->term->post_off;
	uint8_t *p;

	if (table) {
		struct nd_postings_block *bl;
		if (rel > UINT32_MAX || e->pos_block > UINT32_MAX)
			e->err = ND_ETOOBIG;
		grow_array((void **)&e->blocks, &e->block_cap, (size_t)e->block_count + 1,
		           sizeof(*e->blocks));
		bl = &e->blocks[e->block_count++];
		bl->last_doc = e->docs[e->n - 1];
		bl->post_off = (uint32_t)rel;
		bl->pos_off = (uint32_t)e->pos_block;
		bl->max_x = round_up(e->bmax);
	}
	if (table && e->n == ND_POSTINGS_BLOCK) {
		p = buf_room(&e->post, ND_POSTINGS_PACKED_MAX);
		p += nd_postings_pack_block(p, e->prev, e->docs, e->tf[ND_FIELD_TITLE],
		                            e->tf[ND_FIELD_BODY]);
	} else {
		uint32_t prev = e->prev;
		p = buf_room(&e->post, (size_t)e->n * ND_POSTINGS_VINT_MAX);
		for (uint32_t i = 0; i < e->n; i++) {
			p = nd_postings_put_vint(p, e->docs[i] - prev, e->tf[ND_FIELD_TITLE][i],
			                         e->tf[ND_FIELD_BODY][i]);
			prev = e->docs[i];
		}
	}
	buf_end(&e->post, p);
	e->prev = e->docs[e->n - 1];
	if (e->bmax > e->tmax)
		e->tmax = e->bmax;
	e->bmax = 0;
	e->n = 0;
}

static void enc_add(struct enc *e, uint32_t doc, uint32_t tf_title, uint32_t tf_body,
                    const uint8_t *chunk, size_t len)
{
	uint32_t tf[ND_FIELD_COUNT] = {tf_title, tf_body};
	double x = 0;

	/* A full block is written when the next posting shows the list goes
	 * on: a list of at most one block is a varint run without a table. */
	if (e->n == ND_POSTINGS_BLOCK)
		enc_flush(e, true);
	if (!e->n)
		e->pos_block = e->pos.len - e->term->pos_off;
	nd_buf_add(&e->pos, chunk, len);
	e->docs[e->n] = doc;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		e->tf[f][e->n] = tf[f];
		if (tf[f])
			x += e->w[f] * tf[f] /
			     (e->c1 +
			      e->c2[f] * nd_len_decode(e->lens[(size_t)doc * ND_FIELD_COUNT + f]));
	}
	if (x > e->bmax)
		e->bmax = x;
	e->n++;
	e->df++;
}

static void enc_end(struct enc *e)
{
	if (e->n)
		enc_flush(e, e->df > ND_POSTINGS_BLOCK);
	e->term->df = e->df;
	e->term->max_x = round_up(e->tmax);
}

/* A chain of (source, term) pairs that map to one new term, in source
 * order. */
struct ent {
	uint32_t src, term, next;
};

static void segment_free(struct nd_segment *seg)
{
	free(seg->keys);
	free(seg->key_docs);
	free(seg->lens);
	free(seg->fwd_off);
	free(seg->fwd);
	free(seg->strs);
	free(seg->terms);
	free(seg->dict);
	free(seg->blocks);
	free(seg->post);
	free(seg->pos);
	free(seg);
	atomic_fetch_sub(&live_objects, 1);
}

/* Step 1: the documents, numbered in source order. */
static int encode_docs(struct nd_segment *seg, struct src *srcs, size_t nsrc)
{
	uint64_t ndocs = 0, *order;
	uint32_t nd = 0;

	for (size_t i = 0; i < nsrc; i++)
		ndocs += srcs[i].ndocs - (srcs[i].del ? srcs[i].del->count : 0);
	if (ndocs > ND_SEGMENT_MAX_DOCS)
		return nd_error(ND_ETOOBIG, "a segment of %llu documents",
		                (unsigned long long)ndocs);
	seg->doc_count = (uint32_t)ndocs;
	seg->keys = nd_xmalloc(ndocs * sizeof(*seg->keys));
	seg->key_docs = nd_xmalloc(ndocs * sizeof(*seg->key_docs));
	seg->lens = nd_xmalloc(ndocs * ND_FIELD_COUNT + 1);
	seg->fwd_off = nd_xmalloc((ndocs + 1) * sizeof(*seg->fwd_off));
	for (size_t i = 0; i < nsrc; i++) {
		struct src *s = &srcs[i];
		s->doc_map = nd_xmalloc((size_t)s->ndocs * sizeof(*s->doc_map) + 1);
		for (uint32_t d = 0; d < s->ndocs; d++) {
			if (nd_segment_deleted(s->del, d)) {
				s->doc_map[d] = ND_DOC_END;
				continue;
			}
			s->doc_map[d] = nd;
			seg->keys[nd] = s->keys[d];
			for (int f = 0; f < ND_FIELD_COUNT; f++) {
				uint8_t code = s->lens[(size_t)d * ND_FIELD_COUNT + f];
				seg->lens[(size_t)nd * ND_FIELD_COUNT + f] = code;
				seg->len_sum[f] += nd_len_decode(code);
			}
			nd++;
		}
	}
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		seg->ref_len[f] = seg->len_sum[f] ? (double)seg->len_sum[f] / ndocs : 1.0;

	order = nd_xmalloc(ndocs * sizeof(*order) + 1);
	for (uint32_t d = 0; d < nd; d++)
		order[d] = (uint64_t)seg->keys[d] << 32 | d;
	nd__sort_u64(order, nd);
	for (uint32_t d = 0; d < nd; d++) {
		/* Builders refuse a key twice and an index value holds each
		 * key once, so sources never repeat a key. */
		ND_ASSERT(!d || order[d] >> 32 != order[d - 1] >> 32);
		seg->key_docs[d] = (uint32_t)order[d];
	}
	free(order);
	return 0;
}

/* Step 2: the dictionary, every term with a live document. Fills *ents
 * and *heads with each new term's chain of source terms. */
static int encode_terms(struct nd_segment *seg, struct src *srcs, size_t nsrc, uint64_t **hashes,
                        struct ent **ents, uint32_t **heads)
{
	size_t total = 0, cap, nents = 0;
	uint32_t *dict, *tails, nt = 0;
	struct nd_buf strs = ND_BUF_INIT;

	for (size_t i = 0; i < nsrc; i++)
		total += srcs[i].nterms;
	cap = pow2_at_least(total * 2 + 2);
	dict = nd_xcalloc(cap, sizeof(*dict));
	seg->terms = nd_xcalloc(total + 1, sizeof(*seg->terms));
	*hashes = nd_xmalloc((total + 1) * sizeof(**hashes));
	*ents = nd_xmalloc((total + 1) * sizeof(**ents));
	*heads = nd_xmalloc((total + 1) * sizeof(**heads));
	tails = nd_xmalloc((total + 1) * sizeof(*tails));

	for (size_t si = 0; si < nsrc; si++) {
		struct src *s = &srcs[si];
		s->term_map = nd_xmalloc((size_t)s->nterms * sizeof(*s->term_map) + 1);
		for (uint32_t t = 0; t < s->nterms; t++) {
			uint32_t len, df, slot, id;
			uint64_t h;
			const char *str = src_term(s, t, &len, &h, &df);
			size_t i = h & (cap - 1);

			if (df == nd_segment_deletes_df(s->del, t)) {
				s->term_map[t] = ND_TERM_NONE;
				continue;
			}
			while ((slot = dict[i])) {
				const struct nd_segment_term *nt_ = &seg->terms[slot - 1];
				if ((*hashes)[slot - 1] == h && nt_->str_len == len &&
				    !memcmp(strs.buf + nt_->str_off, str, len))
					break;
				i = (i + 1) & (cap - 1);
			}
			if (slot) {
				id = slot - 1;
				(*ents)[tails[id]].next = (uint32_t)nents;
			} else {
				id = nt++;
				dict[i] = id + 1;
				(*hashes)[id] = h;
				seg->terms[id].str_off = (uint32_t)strs.len;
				seg->terms[id].str_len = len;
				nd_buf_add(&strs, str, len);
				(*heads)[id] = (uint32_t)nents;
			}
			tails[id] = (uint32_t)nents;
			(*ents)[nents++] = (struct ent){(uint32_t)si, t, UINT32_MAX};
			s->term_map[t] = id;
		}
	}
	free(dict);
	free(tails);
	seg->term_count = nt;
	seg->strs = nd_buf_detach(&strs, &seg->strs_len);
	if (seg->strs_len > UINT32_MAX)
		return nd_error(ND_ETOOBIG, "a segment with %zu bytes of terms", seg->strs_len);
	return 0;
}

/* Step 3: forward lists in the new term ids. A merge maps the first
 * source's terms in order, so only later sources' lists get re-sorted. */
static void encode_forward(struct nd_segment *seg, struct src *srcs, size_t nsrc)
{
	struct nd_buf fwd = ND_BUF_INIT;
	uint64_t *ids = NULL;
	uint32_t(*tfs)[ND_FIELD_COUNT] = NULL, cap = 0, nd = 0;

	seg->fwd_off[0] = 0;
	for (size_t si = 0; si < nsrc; si++) {
		struct src *s = &srcs[si];
		for (uint32_t d = 0; d < s->ndocs; d++) {
			const uint8_t *p = s->fwd + s->fwd_off[d],
			              *end = s->fwd + s->fwd_off[d + 1];
			uint32_t n = 0, term = ND_DOC_END, prev = ND_DOC_END;
			bool sorted = true;
			uint8_t *q;

			if (s->doc_map[d] == ND_DOC_END)
				continue;
			while (p < end) {
				uint32_t gap, id;
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					ids = nd_xrealloc(ids, cap * sizeof(*ids));
					tfs = nd_xrealloc(tfs, cap * sizeof(*tfs));
				}
				p = nd_postings_get_vint(p, &gap, &tfs[n][0], &tfs[n][1]);
				term += gap;
				id = s->term_map[term];
				ND_ASSERT(id != ND_TERM_NONE);
				if (n && id < (uint32_t)(ids[n - 1] >> 32))
					sorted = false;
				ids[n] = (uint64_t)id << 32 | n;
				n++;
			}
			if (!sorted)
				nd__sort_u64(ids, n);
			q = buf_room(&fwd, (size_t)n * ND_POSTINGS_VINT_MAX);
			for (uint32_t j = 0; j < n; j++) {
				/* The low half is the entry's place before sorting. */
				uint32_t id = (uint32_t)(ids[j] >> 32), k = (uint32_t)ids[j];
				q = nd_postings_put_vint(q, id - prev, tfs[k][0], tfs[k][1]);
				prev = id;
			}
			buf_end(&fwd, q);
			seg->fwd_off[++nd] = fwd.len;
		}
	}
	free(ids);
	free(tfs);
	seg->fwd_len = fwd.len;
	seg->fwd = (uint8_t *)nd_buf_detach(&fwd, NULL);
}

/* Step 4: every term's postings and positions, copied posting by posting
 * from its sources with the new doc numbers. */
static int encode_postings(struct nd_segment *seg, struct src *srcs, const struct ent *ents,
                           const uint32_t *heads)
{
	struct enc *e = nd_xcalloc(1, sizeof(*e));
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));
	int rc;

	e->c1 = 1 - seg->b;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		e->w[f] = seg->weight[f];
		e->c2[f] = seg->b / seg->ref_len[f];
	}
	e->lens = seg->lens;
	nd_buf_init(&e->post, 0);
	nd_buf_init(&e->pos, 0);
	for (uint32_t t = 0; t < seg->term_count; t++) {
		enc_begin(e, &seg->terms[t]);
		for (uint32_t k = heads[t]; k != UINT32_MAX; k = ents[k].next) {
			const struct src *s = &srcs[ents[k].src];
			struct nd_postings_list l;

			src_list(s, ents[k].term, &l);
			nd_postings_open(c, &l);
			for (uint32_t doc = c->doc; doc != ND_DOC_END; doc = nd_postings_next(c)) {
				uint32_t nd = s->doc_map[doc];
				const uint8_t *chunk;
				size_t len;

				if (nd == ND_DOC_END)
					continue;
				chunk = nd_postings_chunk(c, &len);
				enc_add(e, nd, nd_postings_tf(c, ND_FIELD_TITLE),
				        nd_postings_tf(c, ND_FIELD_BODY), chunk, len);
			}
		}
		enc_end(e);
		ND_ASSERT(e->df > 0);
	}
	rc = e->err;
	if (rc)
		nd_error(rc, "a term's postings pass 4 GB");
	/* Padding: the bit unpacker reads 64 bits at a time. */
	nd_buf_add(&e->post, "\0\0\0\0\0\0\0\0", ND_POSTINGS_PAD);
	nd_buf_add(&e->pos, "\0\0\0\0\0\0\0\0", ND_POSTINGS_PAD);
	seg->post = (uint8_t *)nd_buf_detach(&e->post, &seg->post_len);
	seg->pos = (uint8_t *)nd_buf_detach(&e->pos, &seg->pos_len);
	seg->blocks = e->blocks;
	seg->block_count = e->block_count;
	free(c);
	free(e);
	return rc;
}

/* Step 5: the hash table from term bytes to id. */
static void encode_dict(struct nd_segment *seg, const uint64_t *hashes)
{
	size_t cap = pow2_at_least((size_t)seg->term_count * 2 + 1);

	seg->dict = nd_xcalloc(cap, sizeof(*seg->dict));
	seg->dict_mask = (uint32_t)(cap - 1);
	for (uint32_t t = 0; t < seg->term_count; t++) {
		size_t i = hashes[t] & seg->dict_mask;
		while (seg->dict[i])
			i = (i + 1) & seg->dict_mask;
		seg->dict[i] = t + 1;
	}
}

static int encode(struct src *srcs, size_t nsrc, const struct nd_segment *like,
                  const struct nd_bm25_params *params, struct nd_segment **out)
{
	struct nd_segment *seg = nd_xcalloc(1, sizeof(*seg));
	uint64_t *hashes = NULL;
	struct ent *ents = NULL;
	uint32_t *heads = NULL;
	int rc;

	atomic_init(&seg->refs, 1);
	atomic_fetch_add(&live_objects, 1);
	seg->b = like ? like->b : params->b;
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		seg->weight[f] = like ? like->weight[f] : params->field_weight[f];
	if ((rc = encode_docs(seg, srcs, nsrc)))
		goto out;
	if ((rc = encode_terms(seg, srcs, nsrc, &hashes, &ents, &heads)))
		goto out;
	encode_forward(seg, srcs, nsrc);
	if ((rc = encode_postings(seg, srcs, ents, heads)))
		goto out;
	encode_dict(seg, hashes);
	seg->terms = nd_xrealloc(seg->terms, ((size_t)seg->term_count + 1) * sizeof(*seg->terms));
	*out = seg;
out:
	for (size_t i = 0; i < nsrc; i++) {
		free(srcs[i].doc_map);
		free(srcs[i].term_map);
	}
	free(hashes);
	free(ents);
	free(heads);
	if (rc)
		segment_free(seg);
	return rc;
}

int nd_segment_builder_finish(struct nd_segment_builder *b, struct nd_segment **out)
{
	struct src s;
	int rc;

	src_from_builder(&s, b);
	rc = encode(&s, 1, NULL, &b->params, out);
	nd_segment_builder_free(b);
	return rc;
}

int nd_segment_merge(struct nd_segment *const *segs, struct nd_segment_deletes *const *dels,
                     size_t count, struct nd_segment **out)
{
	struct src *srcs = nd_xcalloc(count + 1, sizeof(*srcs));
	int rc;

	for (size_t i = 0; i < count; i++) {
		ND_ASSERT(segs[i]->b == segs[0]->b);
		for (int f = 0; f < ND_FIELD_COUNT; f++)
			ND_ASSERT(segs[i]->weight[f] == segs[0]->weight[f]);
		src_from_segment(&srcs[i], segs[i], dels ? dels[i] : NULL);
	}
	rc = encode(srcs, count, count ? segs[0] : NULL, &ND_BM25_PARAMS_DEFAULT, out);
	free(srcs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reading a segment */

struct nd_segment *nd_segment_ref(struct nd_segment *seg)
{
	atomic_fetch_add_explicit(&seg->refs, 1, memory_order_relaxed);
	return seg;
}

void nd_segment_unref(struct nd_segment *seg)
{
	if (seg && atomic_fetch_sub_explicit(&seg->refs, 1, memory_order_acq_rel) == 1)
		segment_free(seg);
}

uint32_t nd_segment_lookup(const struct nd_segment *seg, const char *term, size_t len)
{
	uint32_t slot;
	size_t i;

	if (!seg->term_count)
		return ND_TERM_NONE;
	for (i = nd_hash(term, len) & seg->dict_mask; (slot = seg->dict[i]);
	     i = (i + 1) & seg->dict_mask) {
		const struct nd_segment_term *t = &seg->terms[slot - 1];
		if (t->str_len == len && !memcmp(seg->strs + t->str_off, term, len))
			return slot - 1;
	}
	return ND_TERM_NONE;
}

void nd_segment_list(const struct nd_segment *seg, uint32_t t, struct nd_postings_list *out)
{
	const struct nd_segment_term *st = &seg->terms[t];

	out->post = seg->post + st->post_off;
	out->pos = seg->pos + st->pos_off;
	out->blocks = st->df > ND_POSTINGS_BLOCK ? seg->blocks + st->block_off : NULL;
	out->df = st->df;
	out->max_x = st->max_x;
}

uint32_t nd_segment_find_key(const struct nd_segment *seg, uint32_t key)
{
	size_t lo = 0, hi = seg->doc_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = seg->keys[seg->key_docs[mid]];
		if (k < key)
			lo = mid + 1;
		else if (k > key)
			hi = mid;
		else
			return seg->key_docs[mid];
	}
	return ND_DOC_END;
}

void nd_segment_fwd_open(const struct nd_segment *seg, uint32_t doc, struct nd_segment_fwd *it)
{
	it->p = seg->fwd + seg->fwd_off[doc];
	it->end = seg->fwd + seg->fwd_off[doc + 1];
	it->term = ND_DOC_END;
}

bool nd_segment_fwd_next(struct nd_segment_fwd *it, uint32_t *term, uint32_t tf[ND_FIELD_COUNT])
{
	uint32_t gap;

	if (it->p >= it->end)
		return false;
	it->p = nd_postings_get_vint(it->p, &gap, &tf[ND_FIELD_TITLE], &tf[ND_FIELD_BODY]);
	it->term += gap;
	*term = it->term;
	return true;
}

size_t nd_segment_memory(const struct nd_segment *seg)
{
	size_t n = seg->doc_count;

	return sizeof(*seg) + n * (sizeof(*seg->keys) + sizeof(*seg->key_docs) + ND_FIELD_COUNT) +
	       (n + 1) * sizeof(*seg->fwd_off) + seg->fwd_len + seg->strs_len +
	       ((size_t)seg->term_count + 1) * sizeof(*seg->terms) +
	       ((size_t)seg->dict_mask + 1) * sizeof(*seg->dict) +
	       seg->block_count * sizeof(*seg->blocks) + seg->post_len + seg->pos_len;
}

/* ------------------------------------------------------------------ */
/* Deletion sets */

struct nd_segment_deletes *nd_segment_deletes_add(const struct nd_segment *seg,
                                                  const struct nd_segment_deletes *old,
                                                  const uint32_t *docs, size_t count)
{
	struct nd_segment_deletes *del = nd_xcalloc(1, sizeof(*del));
	size_t words = ((size_t)seg->doc_count + 63) / 64, n = 0, cap = 256, i, j, k;
	uint64_t *terms = nd_xmalloc(cap * sizeof(*terms));

	atomic_init(&del->refs, 1);
	atomic_fetch_add(&live_objects, 1);
	del->bits = nd_xcalloc(words + 1, sizeof(*del->bits));
	if (old) {
		memcpy(del->bits, old->bits, words * sizeof(*del->bits));
		del->count = old->count;
		for (int f = 0; f < ND_FIELD_COUNT; f++)
			del->len_sum[f] = old->len_sum[f];
	}
	for (i = 0; i < count; i++) {
		uint32_t d = docs[i], t, tf[ND_FIELD_COUNT];
		struct nd_segment_fwd it;

		ND_ASSERT(d < seg->doc_count);
		if (nd_segment_deleted(del, d))
			continue;
		del->bits[d >> 6] |= (uint64_t)1 << (d & 63);
		del->count++;
		for (int f = 0; f < ND_FIELD_COUNT; f++)
			del->len_sum[f] += nd_segment_len(seg, d, f);
		nd_segment_fwd_open(seg, d, &it);
		while (nd_segment_fwd_next(&it, &t, tf)) {
			if (n == cap) {
				cap *= 2;
				terms = nd_xrealloc(terms, cap * sizeof(*terms));
			}
			terms[n++] = t;
		}
	}
	nd__sort_u64(terms, n);

	/* Merge the new terms (sorted, repeated once per document) into the
	 * old counts. */
	k = (old ? old->df_count : 0) + n;
	del->df_terms = nd_xmalloc((k + 1) * sizeof(*del->df_terms));
	del->df_dead = nd_xmalloc((k + 1) * sizeof(*del->df_dead));
	i = j = k = 0;
	while ((old && i < old->df_count) || j < n) {
		uint32_t t, c = 0;
		if (j >= n || (old && i < old->df_count && old->df_terms[i] <= terms[j]))
			t = old->df_terms[i];
		else
			t = (uint32_t)terms[j];
		if (old && i < old->df_count && old->df_terms[i] == t)
			c += old->df_dead[i++];
		while (j < n && terms[j] == t) {
			c++;
			j++;
		}
		del->df_terms[k] = t;
		del->df_dead[k] = c;
		k++;
	}
	del->df_count = (uint32_t)k;
	free(terms);
	return del;
}

struct nd_segment_deletes *nd_segment_deletes_ref(struct nd_segment_deletes *del)
{
	atomic_fetch_add_explicit(&del->refs, 1, memory_order_relaxed);
	return del;
}

void nd_segment_deletes_unref(struct nd_segment_deletes *del)
{
	if (del && atomic_fetch_sub_explicit(&del->refs, 1, memory_order_acq_rel) == 1) {
		free(del->bits);
		free(del->df_terms);
		free(del->df_dead);
		free(del);
		atomic_fetch_sub(&live_objects, 1);
	}
}

size_t nd_segment_deletes_memory(const struct nd_segment *seg, const struct nd_segment_deletes *del)
{
	if (!del)
		return 0;
	return sizeof(*del) + (((size_t)seg->doc_count + 63) / 64 + 1) * sizeof(*del->bits) +
	       (size_t)del->df_count * (sizeof(*del->df_terms) + sizeof(*del->df_dead));
}

uint32_t nd_segment_deletes_df(const struct nd_segment_deletes *del, uint32_t t)
{
	size_t lo = 0, hi;

	if (!del)
		return 0;
	hi = del->df_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (del->df_terms[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < del->df_count && del->df_terms[lo] == t ? del->df_dead[lo] : 0;
}
