#include "index/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/mem.h"
#include "index/index_int.h"
#include "index/postings.h"
#include "index/segment.h"

/*
 * Scores are exact integers. Each term's BM25F contribution (a double) is
 * multiplied by the query's scale, a power of two, and truncated; a
 * document's score is the sum of those integers. A power of two multiplies
 * without rounding, and integer sums do not depend on their order, so the
 * skipping search, which adds terms in whatever order suits it, gets
 * scores identical to the bit to the exhaustive scorer's and to those of
 * an index rebuilt from scratch. The scale puts the largest possible score
 * under 2^53, so every sum is also exactly a double; the precision lost is
 * 2^-53 of that largest score, as for a double.
 *
 * Bounds stay doubles: multiplied by the scale and by SLACK, which covers
 * the rounding of the bound arithmetic itself (block maxima rounded up
 * to floats, sums of doubles), so a bound is never below the score it bounds.
 */
#define SLACK (1.0 + 1e-9)

/* Docs per window of the disjunctive search (a bit set's worth). */
#define WINDOW 4096

/* A cursor on one query term (or phrase term) in the current segment. */
struct cur {
	struct nd_postings_cursor c;
	size_t qi;  /* its query term; SIZE_MAX for phrase terms */
	double wk;  /* weight * idf * (k1 + 1) */
	double wks; /* wk * scale */
	double ub;  /* scaled bound on its score anywhere in the segment */
	double wub; /* scaled bound in the current window */
};

/* A phrase of the query, with its terms' cursors in the current segment. */
struct phr {
	struct cur **curs;       /* in the phrase's order */
	struct cur **rare;       /* an excluded phrase's: the same, rarest first */
	const uint32_t *offsets; /* NULL: 0, 1, 2, ... */
	size_t count;
};

struct qhit {
	int64_t score;
	uint32_t key;
};

/* A bounded min-heap of the best hits so far: the root is the worst. */
struct heap {
	struct qhit *h;
	size_t n, k;
};

struct search {
	const struct nd_index *idx;
	const struct nd_query *q;
	double k1;
	double scale; /* 2^e, see the top of this file */
	double *wk;   /* per query term */
	bool conj;    /* a MUST term or a phrase drives the search */

	/* The segment being searched and its cursors. */
	const struct nd_segment *seg;
	const struct nd_segment_deletes *del;
	double xscale;
	struct cur *curs;
	struct cur **scored, **nots, **req, **should;
	size_t nscored, nnot, nreq, nshould;
	struct phr *phr;
	struct phr **reqphr, **notphr; /* required phrases; excluded ones that
	                                  can occur in the segment */
	size_t nreqphr, nnotphr;
	uint32_t **posbuf; /* per phrase term: its positions in the doc */
	uint32_t *poscap;
	double *prefix; /* sums of window bounds, by increasing bound */
	int64_t *acc;   /* per doc of the window */
	uint64_t *bits; /* docs of the window an essential term holds */
	uint32_t *cand; /* the window's docs still in the running */
	int64_t *cscore;

	struct heap heap;
	int64_t theta; /* the worst score of a full heap; -1 until full */
	uint64_t total, scored_docs;
};

static inline bool worse(int64_t s1, uint32_t k1, int64_t s2, uint32_t k2)
{
	return s1 < s2 || (s1 == s2 && k1 > k2);
}

/* Offers a hit; updates the threshold. */
static void offer(struct search *s, int64_t score, uint32_t key)
{
	struct heap *hp = &s->heap;
	size_t i;

	if (hp->n < hp->k) {
		i = hp->n++;
		while (i) {
			size_t p = (i - 1) / 2;
			if (!worse(score, key, hp->h[p].score, hp->h[p].key))
				break;
			hp->h[i] = hp->h[p];
			i = p;
		}
		hp->h[i] = (struct qhit){score, key};
	} else if (hp->k && worse(hp->h[0].score, hp->h[0].key, score, key)) {
		i = 0;
		for (;;) {
			size_t c = 2 * i + 1;
			if (c >= hp->n)
				break;
			if (c + 1 < hp->n && worse(hp->h[c + 1].score, hp->h[c + 1].key,
			                           hp->h[c].score, hp->h[c].key))
				c++;
			if (!worse(hp->h[c].score, hp->h[c].key, score, key))
				break;
			hp->h[i] = hp->h[c];
			i = c;
		}
		hp->h[i] = (struct qhit){score, key};
	} else {
		return;
	}
	if (hp->n == hp->k)
		s->theta = hp->h[0].score;
}

static int cmp_hits(const void *a, const void *b)
{
	const struct qhit *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->key > y->key) - (x->key < y->key);
}

/* The BM25F score of one term in doc, given its tfs, as the integer the
 * scores add up (index.h, the top of this file). */
/*
 * The BM25F score of one term in a document with these tfs and length
 * codes, as the integer scores add up (index.h, the top of this file):
 * wks is the term's weight * idf * (k1 + 1) * scale. Every path scores
 * through this one function, so the same inputs give the same bits
 * whatever the caller.
 */
static inline int64_t score_of(const struct search *s, double wks, uint32_t tf_title,
                               uint32_t tf_body, const uint8_t *code)
{
	return (int64_t)(wks * nd__sat(s->idx, tf_title, tf_body, code));
}

static inline int64_t term_score(const struct search *s, double wks, uint32_t doc,
                                 uint32_t tf_title, uint32_t tf_body)
{
	return score_of(s, wks, tf_title, tf_body, s->seg->lens + (size_t)doc * ND_FIELD_COUNT);
}

static inline int64_t cur_score(const struct search *s, struct cur *c)
{
	return term_score(s, c->wks, c->c.doc, nd_postings_tf(&c->c, ND_FIELD_TITLE),
	                  nd_postings_tf(&c->c, ND_FIELD_BODY));
}

/*
 * A scaled bound on a term's score from a block-max x. The segment made x
 * with its own average lengths ref; tf / (1 - b + b * len / avg) is at
 * most max(1, avg / ref) times tf / (1 - b + b * len / ref), so x times
 * the largest such factor over the fields (xscale) bounds the x of the
 * index's averages, however they moved since the segment was built.
 */
static inline double bound(const struct search *s, double wk, float max_x)
{
	double x = s->xscale * max_x;

	if (max_x < 0)
		return 0;
	return wk * x / (s->k1 + x) * s->scale * SLACK;
}

/* Whether a document whose score is at most score + rest can still enter
 * the top k (ties included: the key decides then). */
static inline bool can_enter(const struct search *s, int64_t score, double rest)
{
	return (double)score + rest >= (double)s->theta;
}

/*
 * The least score a document needs to enter the top k when at most rest
 * more can be added to it: score + rest >= theta, in integers. rest holds
 * SLACK already, so rounding here cannot lose a document that could enter.
 */
static inline int64_t min_score(const struct search *s, double rest)
{
	double t = (double)s->theta - rest;

	if (t <= 0)
		return INT64_MIN;
	if (t >= 9.2e18)
		return INT64_MAX;
	return (int64_t)ceil(t);
}

static uint32_t *posbuf(struct search *s, size_t j, uint32_t n)
{
	if (s->poscap[j] < n) {
		s->poscap[j] = n * 2;
		s->posbuf[j] = nd_xrealloc(s->posbuf[j], (size_t)s->poscap[j] * sizeof(uint32_t));
	}
	return s->posbuf[j];
}

/* Whether phrase ph occurs in the doc all its cursors stand on. */
static bool phrase_match(struct search *s, const struct phr *ph)
{
	uint32_t n[ND_QUERY_TERMS_MAX], at[ND_QUERY_TERMS_MAX];

	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		size_t j;

		for (j = 0; j < ph->count; j++)
			if (!nd_postings_tf(&ph->curs[j]->c, f))
				break;
		if (j < ph->count)
			continue;
		for (j = 0; j < ph->count; j++) {
			struct nd_postings_cursor *c = &ph->curs[j]->c;
			n[j] = nd_postings_positions(c, f, posbuf(s, j, nd_postings_tf(c, f)));
			at[j] = 0;
		}
		/* For each start, every other term must sit at its offset;
		 * targets only grow with the start, so each list is walked
		 * once. */
		for (uint32_t i0 = 0; i0 < n[0]; i0++) {
			int64_t base =
			    (int64_t)s->posbuf[0][i0] - (ph->offsets ? ph->offsets[0] : 0);
			for (j = 1; j < ph->count; j++) {
				int64_t want = base + (ph->offsets ? ph->offsets[j] : (int64_t)j);
				const uint32_t *pj = s->posbuf[j];
				while (at[j] < n[j] && pj[at[j]] < want)
					at[j]++;
				if (at[j] == n[j])
					goto next_field;
				if (pj[at[j]] != want)
					break;
			}
			if (j == ph->count)
				return true;
		}
	next_field:;
	}
	return false;
}

/* Whether the required phrases occur in the doc their cursors stand on. */
static bool phrases_match(struct search *s)
{
	for (size_t i = 0; i < s->nreqphr; i++)
		if (!phrase_match(s, s->reqphr[i]))
			return false;
	return true;
}

/*
 * Whether doc is excluded: it holds a NOT term, or an excluded phrase
 * occurs in it. A phrase's cursors are moved to doc rarest first, and its
 * positions read only when every one of its terms is there. Docs must not
 * decrease between calls (the cursors only move forward).
 */
static bool excluded_slow(struct search *s, uint32_t doc)
{
	for (size_t i = 0; i < s->nnot; i++)
		if (nd_postings_advance(&s->nots[i]->c, doc) == doc)
			return true;
	for (size_t i = 0; i < s->nnotphr; i++) {
		struct phr *ph = s->notphr[i];
		size_t j = 0;

		while (j < ph->count && nd_postings_advance(&ph->rare[j]->c, doc) == doc)
			j++;
		if (j == ph->count && phrase_match(s, ph))
			return true;
	}
	return false;
}

/* The same, inline for the common query that excludes nothing. */
static inline bool excluded(struct search *s, uint32_t doc)
{
	return (s->nnot || s->nnotphr) && excluded_slow(s, doc);
}

/* Moves ph's cursors to the first doc >= target that holds all its terms
 * (leapfrogging, rarest first) and returns it, or ND_DOC_END. */
static uint32_t phrase_next(struct phr *ph, uint32_t target)
{
	uint32_t doc = target;
	size_t j = 0, agree = 0;

	while (agree < ph->count) {
		uint32_t d = nd_postings_advance(&ph->rare[j]->c, doc);
		if (d == ND_DOC_END)
			return ND_DOC_END;
		agree = d == doc ? agree + 1 : 1;
		doc = d;
		j = j + 1 < ph->count ? j + 1 : 0;
	}
	return doc;
}

static void open_cur(const struct search *s, struct cur *c, const struct nd_segment *seg,
                     uint32_t t, size_t qi, double wk)
{
	struct nd_postings_list l;

	nd_segment_list(seg, t, &l);
	nd_postings_open(&c->c, &l);
	c->qi = qi;
	c->wk = wk;
	c->wks = wk * s->scale;
}

/*
 * Opens the cursors of s's query on segment part. Returns false when no
 * document of the segment can match (a required term is missing).
 */
static bool open_segment(struct search *s, const struct nd__index_part *part)
{
	const struct nd_query *q = s->q;
	const struct nd_segment *seg = part->seg;
	struct cur *c = s->curs;

	s->seg = seg;
	s->del = part->del;
	s->xscale = 1;
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		if (s->idx->avg_len[f] / seg->ref_len[f] > s->xscale)
			s->xscale = s->idx->avg_len[f] / seg->ref_len[f];
	s->nscored = s->nnot = s->nreq = s->nshould = s->nreqphr = s->nnotphr = 0;
	for (size_t i = 0; i < q->term_count; i++) {
		const struct nd_query_term *qt = &q->terms[i];
		uint32_t t = nd_segment_lookup(seg, qt->term.p, qt->term.len);

		if (t == ND_TERM_NONE) {
			if (qt->op == ND_QUERY_MUST)
				return false;
			continue;
		}
		open_cur(s, c, seg, t, i, s->wk[i]);
		if (qt->op == ND_QUERY_NOT) {
			s->nots[s->nnot++] = c;
		} else {
			c->ub = bound(s, c->wk, c->c.list.max_x);
			s->scored[s->nscored++] = c;
			if (qt->op == ND_QUERY_MUST)
				s->req[s->nreq++] = c;
			else
				s->should[s->nshould++] = c;
		}
		c++;
	}
	for (size_t i = 0; i < q->phrase_count; i++) {
		const struct nd_query_phrase *ph = &q->phrases[i];
		struct phr *p = &s->phr[i];
		struct cur *first = c;
		size_t j;

		p->offsets = ph->offsets;
		p->count = ph->count;
		for (j = 0; j < ph->count; j++) {
			uint32_t t = nd_segment_lookup(seg, ph->terms[j].p, ph->terms[j].len);
			if (t == ND_TERM_NONE)
				break;
			open_cur(s, c, seg, t, SIZE_MAX, 0);
			p->curs[j] = c++;
		}
		if (!ph->exclude) {
			if (j < ph->count)
				return false;
			for (j = 0; j < ph->count; j++)
				s->req[s->nreq++] = p->curs[j];
			s->reqphr[s->nreqphr++] = p;
		} else if (j < ph->count) {
			c = first; /* a term the segment lacks: it cannot occur here */
		} else {
			for (j = 0; j < ph->count; j++) {
				struct cur *x = p->curs[j];
				size_t r = j;
				for (; r && p->rare[r - 1]->c.list.df > x->c.list.df; r--)
					p->rare[r] = p->rare[r - 1];
				p->rare[r] = x;
			}
			s->notphr[s->nnotphr++] = p;
		}
	}
	return true;
}

/* c's scaled bound over docs [lo, hi] (0 when it holds none there). */
static double window_bound(struct search *s, struct cur *c, uint32_t lo, uint32_t hi)
{
	/* A one-block list is decoded already: move it, which is cheap and
	 * tells whether it holds a doc in the window at all. */
	if (!c->c.list.blocks && c->c.doc < lo)
		nd_postings_advance(&c->c, lo);
	return bound(s, c->wk, nd_postings_range_max(&c->c, lo, hi));
}

/* Adds c's scores for its docs in [lo, hi] to the window's accumulators,
 * straight from the decoded blocks. */
static void accumulate(struct search *s, struct cur *cur, uint32_t lo, uint32_t hi)
{
	struct nd_postings_cursor *c = &cur->c;
	const uint8_t *lens = s->seg->lens;

	nd_postings_advance(c, lo);
	while (c->doc <= hi) {
		uint32_t i = c->i, n = c->n;

		if (c->tf_packed)
			nd__postings_unpack_tfs(c);
		for (; i < n && c->docs[i] <= hi; i++) {
			uint32_t d = c->docs[i], k = d - lo;
			s->bits[k >> 6] |= (uint64_t)1 << (k & 63);
			s->acc[k] +=
			    score_of(s, cur->wks, c->tf[ND_FIELD_TITLE][i], c->tf[ND_FIELD_BODY][i],
			             lens + (size_t)d * ND_FIELD_COUNT);
		}
		if (i < n) {
			c->i = i;
			c->doc = c->docs[i];
			break;
		}
		c->i = n - 1;
		nd_postings_next(c);
	}
}

/*
 * Disjunctive queries: MaxScore (Turtle and Flood) over windows of WINDOW
 * docs, with block-max bounds (as Lucene's MaxScoreBulkScorer). Per window,
 * each term's bound is the largest block bound it has there; terms are
 * sorted by it, and the shortest prefix whose bounds sum under the
 * threshold is "non-essential": a doc holding only those cannot enter the
 * top k. A window where every term is non-essential is skipped without
 * decoding anything. Otherwise the essential terms are added term at a
 * time into the window's accumulators; the docs they hold become a
 * candidate list, and each non-essential term in turn, largest bound
 * first, is probed (advance) for the candidates still in the running: a
 * candidate whose score plus the bounds of the terms not yet probed is
 * under the threshold leaves the list. Term at a time, each cursor only
 * walks forward, and the work per window is a few tight loops.
 */
static void run_or(struct search *s)
{
	struct cur **sc = s->scored;
	size_t n = s->nscored;
	uint32_t lo = 0, width = 64;

	/* Windows start small and double: the threshold is -1 until k docs
	 * were seen, and a window's partition is fixed at its start. */
	for (; lo != ND_DOC_END; width = width < WINDOW ? width * 2 : WINDOW) {
		uint32_t hi, next = ND_DOC_END, nwords, ncand;
		size_t p = 0;
		int64_t need;

		/* Start at the first doc a term can hold, when all are past lo. */
		for (size_t i = 0; i < n; i++)
			if (sc[i]->c.doc < next)
				next = sc[i]->c.doc;
		if (next == ND_DOC_END)
			break;
		if (next > lo)
			lo = next;
		/* Cursors left behind (never essential, never probed) must
		 * not walk the windows past the segment's end. */
		if (lo >= s->seg->doc_count)
			break;
		hi = lo <= ND_DOC_END - width ? lo + (width - 1) : ND_DOC_END - 1;

		for (size_t i = 0; i < n; i++) {
			struct cur *x = sc[i];
			size_t j = i;
			x->wub = window_bound(s, x, lo, hi);
			for (; j && sc[j - 1]->wub > x->wub; j--)
				sc[j] = sc[j - 1];
			sc[j] = x;
		}
		s->prefix[0] = 0;
		for (size_t i = 0; i < n; i++)
			s->prefix[i + 1] = s->prefix[i] + sc[i]->wub;
		while (p < n && !can_enter(s, 0, s->prefix[p + 1]))
			p++;
		if (p < n)
			memset(s->bits, 0, (width + 63) / 64 * sizeof(*s->bits));

		/* The essential terms, term at a time. */
		for (size_t i = p; i < n; i++)
			accumulate(s, sc[i], lo, hi);

		if (p == n) {
			lo = hi + 1;
			continue;
		}
		nwords = (width + 63) / 64;

		/* Their docs, into a list: drop the deleted and excluded ones,
		 * and those the non-essential terms cannot lift to the
		 * threshold. */
		need = min_score(s, s->prefix[p]);
		ncand = 0;
		for (uint32_t w = 0; w < nwords; w++) {
			for (uint64_t b = s->bits[w]; b; b &= b - 1) {
				uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(b), doc = lo + k;
				int64_t score = s->acc[k];

				s->acc[k] = 0;
				if (nd_segment_deleted(s->del, doc) || excluded(s, doc))
					continue;
				s->total++;
				if (score >= need) {
					s->cand[ncand] = doc;
					s->cscore[ncand++] = score;
				}
			}
		}

		/* The non-essential terms, largest bound first, each probed for
		 * the docs still in the running, the list shrinking as their
		 * bounds leave the sum (term at a time again: one cursor walks
		 * forward through the window). */
		for (size_t j = p; j-- > 0 && ncand;) {
			struct cur *c = sc[j];
			uint32_t kept = 0;

			need = min_score(s, s->prefix[j + 1]);
			for (uint32_t i = 0; i < ncand; i++) {
				uint32_t doc = s->cand[i];
				int64_t score = s->cscore[i];
				if (score < need)
					continue;
				if (nd_postings_advance(&c->c, doc) == doc)
					score += cur_score(s, c);
				s->cand[kept] = doc;
				s->cscore[kept++] = score;
			}
			ncand = kept;
		}

		for (uint32_t i = 0; i < ncand; i++) {
			s->scored_docs++;
			offer(s, s->cscore[i], s->seg->keys[s->cand[i]]);
		}
		lo = hi + 1;
	}
}

/*
 * Conjunctive queries: the required cursors (MUST terms and phrase terms)
 * leapfrog to documents they all hold, rarest first; each such document is
 * filtered (deletions, NOT terms and excluded phrases, required phrases)
 * and counted, and the SHOULD terms are probed only when their bounds can
 * still lift it into the top k.
 */
static void run_conj(struct search *s)
{
	struct cur **req = s->req;
	size_t n = s->nreq;
	double should_ub = 0;
	uint32_t doc;

	for (size_t i = 1; i < n; i++) {
		struct cur *x = req[i];
		size_t j = i;
		for (; j && req[j - 1]->c.list.df > x->c.list.df; j--)
			req[j] = req[j - 1];
		req[j] = x;
	}
	for (size_t i = 0; i < s->nshould; i++)
		should_ub += s->should[i]->ub;

	doc = req[0]->c.doc;
	while (doc != ND_DOC_END) {
		int64_t score = 0;
		size_t i;

		for (i = 0; i < n; i++) {
			uint32_t d = nd_postings_advance(&req[i]->c, doc);
			if (d != doc) {
				doc = d;
				break;
			}
		}
		if (i < n)
			continue;
		if (nd_segment_deleted(s->del, doc) || excluded(s, doc) || !phrases_match(s))
			goto next;
		s->total++;
		for (i = 0; i < n; i++)
			if (req[i]->qi != SIZE_MAX)
				score += cur_score(s, req[i]);
		if (!can_enter(s, score, should_ub))
			goto next;
		for (i = 0; i < s->nshould; i++) {
			struct cur *c = s->should[i];
			if (nd_postings_advance(&c->c, doc) == doc)
				score += cur_score(s, c);
		}
		s->scored_docs++;
		offer(s, score, s->seg->keys[doc]);
	next:
		doc = nd_postings_next(&req[0]->c);
	}
}

/* Counts the matches of a disjunctive query in the current segment: the
 * union of its SHOULD lists, minus NOT lists, the docs where an excluded
 * phrase occurs (positions read only for docs of the union that hold all
 * its terms) and deletions, as a bitmap. Leaves the cursors at their
 * ends. */
static uint64_t count_or(struct search *s)
{
	size_t words = ((size_t)s->seg->doc_count + 63) / 64;
	uint64_t *bits = nd_xcalloc(words + 1, sizeof(*bits)), total = 0;

	for (size_t i = 0; i < s->nscored + s->nnot; i++) {
		bool set = i < s->nscored;
		struct cur *c = set ? s->scored[i] : s->nots[i - s->nscored];

		for (uint32_t d = c->c.doc; d != ND_DOC_END; d = nd_postings_next(&c->c)) {
			if (set)
				bits[d >> 6] |= (uint64_t)1 << (d & 63);
			else
				bits[d >> 6] &= ~((uint64_t)1 << (d & 63));
		}
	}
	for (size_t i = 0; i < s->nnotphr; i++) {
		struct phr *ph = s->notphr[i];

		for (uint32_t d = phrase_next(ph, 0); d != ND_DOC_END; d = phrase_next(ph, d + 1))
			if ((bits[d >> 6] >> (d & 63) & 1) && phrase_match(s, ph))
				bits[d >> 6] &= ~((uint64_t)1 << (d & 63));
	}
	for (size_t w = 0; w < words; w++)
		total += (uint64_t)__builtin_popcountll(bits[w] & ~(s->del ? s->del->bits[w] : 0));
	free(bits);
	return total;
}

/*
 * The exhaustive scorer of one segment: every scored term's whole list is
 * added into a per-document accumulator, then every document is checked
 * against the query's rules.
 */
static void run_exhaustive(struct search *s)
{
	uint32_t ndocs = s->seg->doc_count;
	int64_t *acc = nd_xcalloc((size_t)ndocs + 1, sizeof(*acc));
	uint32_t *must = nd_xcalloc((size_t)ndocs + 1, sizeof(*must));
	uint8_t *flags = nd_xcalloc((size_t)ndocs + 1, 1); /* 1: scored term, 2: excluded */
	size_t nmust = 0;

	for (size_t i = 0; i < s->nscored; i++) {
		struct cur *c = s->scored[i];
		bool is_must = s->q->terms[c->qi].op == ND_QUERY_MUST;
		nmust += is_must;
		for (uint32_t d = c->c.doc; d != ND_DOC_END; d = nd_postings_next(&c->c)) {
			acc[d] += cur_score(s, c);
			must[d] += is_must;
			flags[d] |= 1;
		}
	}
	for (size_t i = 0; i < s->nnot; i++) {
		struct cur *c = s->nots[i];
		for (uint32_t d = c->c.doc; d != ND_DOC_END; d = nd_postings_next(&c->c))
			flags[d] |= 2;
	}
	for (size_t i = 0; i < s->nnotphr; i++) {
		struct phr *ph = s->notphr[i];
		for (uint32_t d = phrase_next(ph, 0); d != ND_DOC_END; d = phrase_next(ph, d + 1))
			if (phrase_match(s, ph))
				flags[d] |= 2;
	}
	for (uint32_t d = 0; d < ndocs; d++) {
		if (nd_segment_deleted(s->del, d) || (flags[d] & 2))
			continue;
		if (s->conj) {
			size_t j;
			if (must[d] != nmust)
				continue;
			for (j = 0; j < s->nreq; j++)
				if (s->req[j]->qi == SIZE_MAX &&
				    nd_postings_advance(&s->req[j]->c, d) != d)
					break;
			if (j < s->nreq || !phrases_match(s))
				continue;
		} else if (!(flags[d] & 1)) {
			continue;
		}
		s->total++;
		s->scored_docs++;
		offer(s, acc[d], s->seg->keys[d]);
	}
	free(acc);
	free(must);
	free(flags);
}

static int check_query(const struct nd_query *q, size_t *nterms)
{
	size_t n = q->term_count;

	if (q->term_count > ND_QUERY_TERMS_MAX)
		return nd_error(ND_ETOOBIG, "a query of %zu terms", q->term_count);
	for (size_t i = 0; i < q->term_count; i++) {
		const struct nd_query_term *t = &q->terms[i];
		if (t->op != ND_QUERY_SHOULD && t->op != ND_QUERY_MUST && t->op != ND_QUERY_NOT)
			return nd_error(ND_EINVAL, "query term %zu has no valid op", i);
		if (t->op != ND_QUERY_NOT && !(t->weight > 0 && t->weight < 1e300))
			return nd_error(ND_EINVAL, "query term %zu has weight %g", i, t->weight);
	}
	for (size_t i = 0; i < q->phrase_count; i++) {
		if (!q->phrases[i].count)
			return nd_error(ND_EINVAL, "phrase %zu of a query is empty", i);
		if (q->phrases[i].count > ND_QUERY_TERMS_MAX - n)
			return nd_error(ND_ETOOBIG, "a query of more than %d terms",
			                ND_QUERY_TERMS_MAX);
		n += q->phrases[i].count;
	}
	*nterms = n;
	return 0;
}

static int search(const struct nd_index *idx, const struct nd_query *q, size_t k,
                  struct nd_arena *a, struct nd_hits *out, bool exhaustive)
{
	struct search s = {0};
	size_t nterms = 0, maxphr = 1, nshould = 0, nmust = 0, nreqphr = 0;
	size_t *order = NULL;
	double maxscore = 0;
	int rc, e;

	if ((rc = check_query(q, &nterms)))
		return rc;
	s.idx = idx;
	s.q = q;
	s.k1 = idx->params.k1;
	s.wk = nd_xcalloc(q->term_count + 1, sizeof(*s.wk));
	for (size_t i = 0; i < q->term_count; i++) {
		const struct nd_query_term *t = &q->terms[i];
		if (t->op == ND_QUERY_NOT)
			continue;
		nmust += t->op == ND_QUERY_MUST;
		nshould += t->op == ND_QUERY_SHOULD;
		s.wk[i] = t->weight *
		          nd__idf(idx->doc_count, nd_index_df(idx, t->term.p, t->term.len)) *
		          (s.k1 + 1);
		maxscore += s.wk[i];
	}
	/* A term scores below wk (x / (k1 + x) < 1), so every score is below
	 * maxscore, and maxscore * scale below 2^53. */
	e = 52 - (maxscore > 0 ? ilogb(maxscore) : 0);
	s.scale = ldexp(1.0, e < 1000 ? e : 1000); /* absurdly small weights: less precision */
	for (size_t i = 0; i < q->phrase_count; i++) {
		if (q->phrases[i].count > maxphr)
			maxphr = q->phrases[i].count;
		nreqphr += !q->phrases[i].exclude;
	}
	s.conj = nmust || nreqphr;
	s.theta = k ? -1 : INT64_MAX;
	s.heap.k = k < idx->doc_count ? k : (size_t)idx->doc_count;
	s.heap.h = nd_xmalloc((s.heap.k + 1) * sizeof(*s.heap.h));
	s.curs = nd_xmalloc((nterms + 1) * sizeof(*s.curs));
	s.scored = nd_xmalloc((nterms + 1) * 4 * sizeof(*s.scored));
	s.nots = s.scored + nterms + 1;
	s.req = s.nots + nterms + 1;
	s.should = s.req + nterms + 1;
	s.prefix = nd_xmalloc((nterms + 1) * sizeof(*s.prefix));
	s.phr = nd_xcalloc(q->phrase_count + 1, sizeof(*s.phr));
	s.reqphr = nd_xmalloc((q->phrase_count + 1) * 2 * sizeof(*s.reqphr));
	s.notphr = s.reqphr + q->phrase_count + 1;
	for (size_t i = 0; i < q->phrase_count; i++) {
		size_t n = q->phrases[i].count;
		s.phr[i].curs = nd_xcalloc(n * 2, sizeof(*s.phr[i].curs));
		s.phr[i].rare = s.phr[i].curs + n;
	}
	s.posbuf = nd_xcalloc(maxphr, sizeof(*s.posbuf));
	s.poscap = nd_xcalloc(maxphr, sizeof(*s.poscap));
	if (!exhaustive && !s.conj) {
		s.acc = nd_xcalloc(WINDOW, sizeof(*s.acc));
		s.bits = nd_xmalloc(WINDOW / 8);
		s.cand = nd_xmalloc(WINDOW * sizeof(*s.cand));
		s.cscore = nd_xmalloc(WINDOW * sizeof(*s.cscore));
	}

	/* Large segments first, so the threshold rises early. */
	order = nd_xmalloc((idx->part_count + 1) * sizeof(*order));
	for (size_t i = 0; i < idx->part_count; i++) {
		size_t j = i;
		for (; j && idx->parts[order[j - 1]].live < idx->parts[i].live; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (size_t i = 0; (s.conj || nshould) && i < idx->part_count; i++) {
		if (!open_segment(&s, &idx->parts[order[i]]))
			continue;
		if (exhaustive) {
			run_exhaustive(&s);
		} else if (s.conj) {
			run_conj(&s);
		} else if (q->exact_total) {
			/* run_or counts only what it visits: the exact count
			 * replaces that, and the cursors start over. */
			uint64_t before = s.total, exact = count_or(&s);
			open_segment(&s, &idx->parts[order[i]]);
			run_or(&s);
			s.total = before + exact;
		} else {
			run_or(&s);
		}
	}

	qsort(s.heap.h, s.heap.n, sizeof(*s.heap.h), cmp_hits);
	out->items = nd_arena_alloc(a, (s.heap.n + 1) * sizeof(*out->items));
	for (size_t i = 0; i < s.heap.n; i++)
		out->items[i] =
		    (struct nd_hit){s.heap.h[i].key, (double)s.heap.h[i].score / s.scale};
	out->count = s.heap.n;
	out->total = s.total;
	out->total_exact = exhaustive || s.conj || q->exact_total || !nshould;
	out->scored = s.scored_docs;

	for (size_t i = 0; i < maxphr; i++)
		free(s.posbuf[i]);
	for (size_t i = 0; i < q->phrase_count; i++)
		free(s.phr[i].curs);
	free(s.posbuf);
	free(s.poscap);
	free(s.phr);
	free(s.reqphr);
	free(s.prefix);
	free(s.scored);
	free(s.curs);
	free(s.acc);
	free(s.bits);
	free(s.cand);
	free(s.cscore);
	free(s.heap.h);
	free(s.wk);
	free(order);
	return 0;
}

int nd_index_search(const struct nd_index *idx, const struct nd_query *q, size_t k,
                    struct nd_arena *a, struct nd_hits *out)
{
	return search(idx, q, k, a, out, false);
}

int nd_index_search_exhaustive(const struct nd_index *idx, const struct nd_query *q, size_t k,
                               struct nd_arena *a, struct nd_hits *out)
{
	return search(idx, q, k, a, out, true);
}
