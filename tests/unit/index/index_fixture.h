#pragma once
/*
 * Shared by the index tests: a seeded random generator and random corpora
 * of documents with a skewed (Zipf-like) vocabulary, so some terms are in
 * most documents and have many blocks while most are rare.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "index/index.h"

static inline uint64_t fx_rand(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n). */
static inline uint32_t fx_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((fx_rand(s) >> 32) * n >> 32);
}

static inline double fx_unit(uint64_t *s)
{
	return (double)(fx_rand(s) >> 11) / 9007199254740992.0;
}

#define FX_WORD_MAX 16

struct fx_vocab {
	char (*words)[FX_WORD_MAX];
	uint32_t count;
};

static inline void fx_vocab_init(struct fx_vocab *v, uint32_t count)
{
	v->words = nd_xcalloc(count, FX_WORD_MAX);
	v->count = count;
	for (uint32_t i = 0; i < count; i++)
		snprintf(v->words[i], FX_WORD_MAX, "w%u", i);
}

static inline void fx_vocab_release(struct fx_vocab *v)
{
	free(v->words);
}

/* A skewed pick: low ids are much more frequent. */
static inline uint32_t fx_pick(uint64_t *s, const struct fx_vocab *v)
{
	double u = fx_unit(s);
	return (uint32_t)(v->count * u * u * u);
}

/* A document whose tokens point into the vocabulary. */
struct fx_doc {
	uint32_t key;
	struct nd_index_token *tok[ND_FIELD_COUNT];
	size_t n[ND_FIELD_COUNT];
};

/* Fills d with up to max_title / max_body random tokens; positions step by
 * 1 or, now and then, 2 (a dropped stop word) or 0 (a repeat). */
static inline void fx_doc_random(struct fx_doc *d, uint64_t *s, const struct fx_vocab *v,
                                 uint32_t key, uint32_t max_title, uint32_t max_body)
{
	uint32_t max[ND_FIELD_COUNT] = {max_title, max_body};

	d->key = key;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		uint32_t pos = 0;
		d->n[f] = max[f] ? fx_below(s, max[f] + 1) : 0;
		d->tok[f] = nd_xcalloc(d->n[f] + 1, sizeof(*d->tok[f]));
		for (size_t i = 0; i < d->n[f]; i++) {
			uint32_t w = fx_pick(s, v), r = fx_below(s, 20);
			d->tok[f][i].term.p = v->words[w];
			d->tok[f][i].term.len = strlen(v->words[w]);
			pos += i == 0 ? 0 : r == 0 ? 2 : r == 1 ? 0 : 1;
			d->tok[f][i].pos = pos;
		}
	}
}

/* A document from two strings of space-separated words, positions 0.. */
static inline void fx_doc_text(struct fx_doc *d, uint32_t key, const char *title, const char *body)
{
	const char *text[ND_FIELD_COUNT] = {title, body};

	d->key = key;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		const char *p = text[f];
		size_t n = 0;
		d->tok[f] = nd_xcalloc(strlen(p) + 1, sizeof(*d->tok[f]));
		while (*p) {
			const char *e;
			while (*p == ' ')
				p++;
			if (!*p)
				break;
			for (e = p; *e && *e != ' '; e++)
				;
			d->tok[f][n].term.p = p;
			d->tok[f][n].term.len = (size_t)(e - p);
			d->tok[f][n].pos = (uint32_t)n;
			n++;
			p = e;
		}
		d->n[f] = n;
	}
}

static inline struct nd_index_doc fx_doc_view(const struct fx_doc *d)
{
	struct nd_index_doc doc;

	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		doc.tokens[f] = d->tok[f];
		doc.count[f] = d->n[f];
	}
	return doc;
}

static inline void fx_doc_release(struct fx_doc *d)
{
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		free(d->tok[f]);
}

/* tf of word in field f of d. */
static inline uint32_t fx_tf(const struct fx_doc *d, int f, const char *word)
{
	uint32_t n = 0;
	size_t len = strlen(word);

	for (size_t i = 0; i < d->n[f]; i++)
		if (d->tok[f][i].term.len == len && !memcmp(d->tok[f][i].term.p, word, len))
			n++;
	return n;
}

/* An index of docs[0..n) made through one writer commit from empty. */
static inline struct nd_index *fx_index(const struct nd_bm25_params *params,
                                        const struct fx_doc *docs, size_t n)
{
	struct nd_index *empty = nd_index_new_empty(params), *idx = NULL;
	struct nd_index_writer *w = nd_index_writer_new(empty);

	for (size_t i = 0; i < n; i++) {
		struct nd_index_doc doc = fx_doc_view(&docs[i]);
		if (nd_index_writer_add(w, docs[i].key, &doc))
			abort();
	}
	if (nd_index_writer_commit(w, &idx))
		abort();
	nd_index_free(empty);
	return idx;
}
