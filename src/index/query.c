#include "index/query.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "index/analyze.h"

struct parse {
	struct nd_arena *a;
	struct nd_query_term *terms;
	size_t nterms, cap;
	struct nd_query_phrase *phrases;
	size_t nphrases, pcap;
	struct nd_str *hl;
	size_t nhl, hcap;
	/* the part being analysed */
	enum nd_query_op op;
	struct nd_str *words;
	uint32_t *offsets;
	size_t nwords, wcap, ocap;
};

#define PUSH(arr, n, cap, a)                                                                       \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			size_t c_ = (cap) ? (cap)*2 : 8;                                           \
			void *p_ = nd_arena_alloc((a), c_ * sizeof(*(arr)));                       \
			if (n)                                                                     \
				memcpy(p_, (arr), (n) * sizeof(*(arr)));                           \
			(arr) = p_;                                                                \
			(cap) = c_;                                                                \
		}                                                                                  \
	} while (0)

static void on_term(void *ctx, const struct nd_term *t)
{
	struct parse *p = ctx;

	if (t->flags & ND_TERM_STOP)
		return; /* articles are indexed without stop words */
	PUSH(p->words, p->nwords, p->wcap, p->a);
	PUSH(p->offsets, p->nwords, p->ocap, p->a);
	p->words[p->nwords] = (struct nd_str){nd_arena_strndup(p->a, t->p, t->len), t->len};
	p->offsets[p->nwords] = t->pos;
	p->nwords++;
}

static void add_term(struct parse *p, struct nd_str w, enum nd_query_op op)
{
	for (size_t i = 0; i < p->nterms; i++)
		if (p->terms[i].op == op && nd_str_eq(p->terms[i].term, w))
			return;
	PUSH(p->terms, p->nterms, p->cap, p->a);
	p->terms[p->nterms++] = (struct nd_query_term){w, 1.0, op};
	if (op != ND_QUERY_NOT) {
		PUSH(p->hl, p->nhl, p->hcap, p->a);
		p->hl[p->nhl++] = w;
	}
}

/* Analyses one word or quoted phrase and adds what it means. */
static void add_part(struct parse *p, struct nd_analyzer *an, const char *s, size_t len,
                     bool phrase, bool exclude)
{
	p->words = NULL;
	p->offsets = NULL;
	p->nwords = p->wcap = p->ocap = 0;
	nd_analyze(an, s, len, ND_ANALYZE_KEEP_STOP, on_term, p);
	if (!p->nwords)
		return;
	if (exclude && (!phrase || p->nwords == 1)) {
		/* -word (each of its words, if it analyses into several), or
		 * -"word": a phrase of one word is just that word */
		for (size_t i = 0; i < p->nwords; i++)
			add_term(p, p->words[i], ND_QUERY_NOT);
		return;
	}
	/* A required phrase's words are scored (and highlighted) as MUST
	 * terms; an excluded phrase's words are neither: excluding them one by
	 * one would leave out articles holding them apart. */
	if (!exclude)
		for (size_t i = 0; i < p->nwords; i++)
			add_term(p, p->words[i], ND_QUERY_MUST);
	if (phrase && p->nwords > 1) {
		uint32_t first = p->offsets[0];
		for (size_t i = 0; i < p->nwords; i++)
			p->offsets[i] -= first;
		PUSH(p->phrases, p->nphrases, p->pcap, p->a);
		p->phrases[p->nphrases++] =
		    (struct nd_query_phrase){p->words, p->offsets, p->nwords, exclude};
	}
}

int nd_query_parse(struct nd_analyzer *an, const char *text, size_t len, struct nd_arena *a,
                   struct nd_parsed_query *out, struct nd_buf *why)
{
	struct parse p;
	size_t i = 0, bad, nterms;
	bool any_positive = false;

	memset(&p, 0, sizeof(p));
	p.a = a;
	if (len > ND_MAX_QUERY) {
		nd_buf_addf(why, "The search is too long: %zu bytes, at most %d.", len,
		            ND_MAX_QUERY);
		return ND_ETOOBIG;
	}
	if (!nd_utf8_valid(text, len, &bad)) {
		nd_buf_addf(why, "The search is not valid text (bad byte at %zu).", bad + 1);
		return ND_EINVAL;
	}
	for (size_t k = 0; k < len; k++) {
		if ((unsigned char)text[k] < 0x20 && text[k] != '\t') {
			nd_buf_adds(why, "The search holds control characters.");
			return ND_EINVAL;
		}
	}
	while (i < len) {
		bool exclude = false, phrase = false;
		size_t start, end;

		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (text[i] == '-' && i + 1 < len && text[i + 1] != ' ') {
			exclude = true;
			i++;
		}
		if (text[i] == '"') {
			phrase = true;
			start = ++i;
			while (i < len && text[i] != '"')
				i++;
			end = i;
			if (i < len)
				i++; /* the closing quote; an unclosed one runs to the end */
		} else {
			start = i;
			while (i < len && text[i] != ' ' && text[i] != '\t')
				i++;
			end = i;
		}
		add_part(&p, an, text + start, end - start, phrase, exclude);
	}
	/* Excluded phrases are not positive either: only exclusions search
	 * for nothing. */
	for (size_t k = 0; k < p.nterms; k++)
		any_positive |= p.terms[k].op != ND_QUERY_NOT;
	if (!any_positive) {
		nd_buf_adds(why, len ? "Nothing to search for: add a word that is not left out "
		                       "or too common to index."
		                     : "Type some words to search for.");
		return ND_EINVAL;
	}
	nterms = p.nterms; /* phrase terms count too (search.h) */
	for (size_t k = 0; k < p.nphrases; k++)
		nterms += p.phrases[k].count;
	if (nterms > ND_QUERY_TERMS_MAX) {
		nd_buf_addf(why, "The search has too many words (at most %d).", ND_QUERY_TERMS_MAX);
		return ND_ETOOBIG;
	}
	out->query = (struct nd_query){p.terms, p.nterms, p.phrases, p.nphrases, true};
	out->highlight = p.hl;
	out->highlight_count = p.nhl;
	return 0;
}
