#include "index/index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/mem.h"
#include "index/index_int.h"

double nd__idf(uint64_t n, uint64_t df)
{
	return log(1.0 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

int nd_bm25_params_check(const struct nd_bm25_params *p)
{
	if (!(p->k1 >= 0 && p->k1 <= 100))
		return nd_error(ND_EINVAL, "BM25 k1 %g is not in [0, 100]", p->k1);
	if (!(p->b >= 0 && p->b <= 1))
		return nd_error(ND_EINVAL, "BM25 b %g is not in [0, 1]", p->b);
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		if (!(p->field_weight[f] >= 0 && p->field_weight[f] <= 1000))
			return nd_error(ND_EINVAL, "BM25 field weight %g is not in [0, 1000]",
			                p->field_weight[f]);
	return 0;
}

/* Makes a value from parts (consumed: the array and its references).
 * Parts without live documents are dropped here, so no value holds one. */
static struct nd_index *make(const struct nd_bm25_params *params, struct nd__index_part *parts,
                             size_t count)
{
	struct nd_index *idx = nd_xcalloc(1, sizeof(*idx));
	size_t n = 0;

	idx->params = *params;
	for (size_t i = 0; i < count; i++) {
		struct nd__index_part *p = &parts[i];
		uint32_t dead = p->del ? p->del->count : 0;

		p->live = p->seg->doc_count - dead;
		if (!p->live) {
			nd_segment_deletes_unref(p->del);
			nd_segment_unref(p->seg);
			continue;
		}
		p->stats = nd_xcalloc((size_t)p->seg->term_count + 1, sizeof(*p->stats));
		idx->doc_count += p->live;
		idx->deleted_count += dead;
		for (int f = 0; f < ND_FIELD_COUNT; f++)
			idx->len_sum[f] += p->seg->len_sum[f] - (p->del ? p->del->len_sum[f] : 0);
		parts[n++] = *p;
	}
	idx->parts = parts;
	idx->part_count = n;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		idx->avg_len[f] =
		    idx->len_sum[f] ? (double)idx->len_sum[f] / (double)idx->doc_count : 1.0;
		for (unsigned code = 0; code < 256; code++)
			idx->inv_norm[f][code] =
			    1.0 / (1 - params->b +
			           params->b * nd_len_decode((uint8_t)code) / idx->avg_len[f]);
	}
	for (uint32_t tf = 0; tf <= ND__SAT_TF; tf++) {
		for (unsigned code = 0; code < 256; code++) {
			uint8_t codes[ND_FIELD_COUNT] = {0, (uint8_t)code};
			idx->sat_body[tf][code] = nd__sat_direct(idx, 0, tf, codes);
		}
	}
	return idx;
}

/* A copy of idx's parts with a reference taken on each, and room for
 * extra more. */
static struct nd__index_part *copy_parts(const struct nd_index *idx, size_t extra)
{
	struct nd__index_part *parts = nd_xcalloc(idx->part_count + extra + 1, sizeof(*parts));

	for (size_t i = 0; i < idx->part_count; i++) {
		parts[i] = idx->parts[i];
		parts[i].stats = NULL; /* the new value's own, made by make() */
		nd_segment_ref(parts[i].seg);
		if (parts[i].del)
			nd_segment_deletes_ref(parts[i].del);
	}
	return parts;
}

struct nd_index *nd_index_new_empty(const struct nd_bm25_params *params)
{
	struct nd_bm25_params p = params ? *params : ND_BM25_PARAMS_DEFAULT;

	ND_ASSERT(nd_bm25_params_check(&p) == 0);
	return make(&p, nd_xcalloc(1, sizeof(struct nd__index_part)), 0);
}

void nd_index_free(struct nd_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->part_count; i++) {
		nd_segment_deletes_unref(idx->parts[i].del);
		nd_segment_unref(idx->parts[i].seg);
		free(idx->parts[i].stats);
	}
	free(idx->parts);
	free(idx);
}

/* Deletes, in parts[0..count), the live documents whose keys are in
 * keys[0..n): each touched part gets a new deletion set. */
static void delete_in(struct nd__index_part *parts, size_t count, const uint32_t *keys, size_t n)
{
	uint32_t *docs = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < count && n; i++) {
		struct nd__index_part *p = &parts[i];
		size_t found = 0;

		for (size_t j = 0; j < n; j++) {
			uint32_t d = nd_segment_find_key(p->seg, keys[j]);
			if (d == ND_DOC_END || nd_segment_deleted(p->del, d))
				continue;
			if (found == cap) {
				cap = cap ? cap * 2 : 64;
				docs = nd_xrealloc(docs, cap * sizeof(*docs));
			}
			docs[found++] = d;
		}
		if (found) {
			struct nd_segment_deletes *del =
			    nd_segment_deletes_add(p->seg, p->del, docs, found);
			nd_segment_deletes_unref(p->del);
			p->del = del;
		}
	}
	free(docs);
}

int nd_index_add_segment(const struct nd_index *idx, struct nd_segment *seg, struct nd_index **out)
{
	struct nd__index_part *parts;

	if (seg->b != idx->params.b ||
	    seg->weight[ND_FIELD_TITLE] != idx->params.field_weight[ND_FIELD_TITLE] ||
	    seg->weight[ND_FIELD_BODY] != idx->params.field_weight[ND_FIELD_BODY]) {
		nd_segment_unref(seg);
		return nd_error(ND_EINVAL,
		                "segment built with other BM25 parameters than the index's");
	}
	parts = copy_parts(idx, 1);
	delete_in(parts, idx->part_count, seg->keys, seg->doc_count);
	parts[idx->part_count] = (struct nd__index_part){seg, NULL, 0, NULL};
	*out = make(&idx->params, parts, idx->part_count + 1);
	return 0;
}

int nd_index_delete_keys(const struct nd_index *idx, const uint32_t *keys, size_t count,
                         struct nd_index **out)
{
	struct nd__index_part *parts = copy_parts(idx, 0);

	delete_in(parts, idx->part_count, keys, count);
	*out = make(&idx->params, parts, idx->part_count);
	return 0;
}

/* The merge level of a segment with live documents: floor(log_F(live)). */
static int level_of(uint32_t live)
{
	int level = 0;

	while (live >= ND_INDEX_MERGE_FACTOR) {
		live /= ND_INDEX_MERGE_FACTOR;
		level++;
	}
	return level;
}

/* Marks in pick[] the parts the merge policy merges (index.h). */
static void policy(const struct nd_index *idx, bool *pick)
{
	size_t n = idx->part_count, left = n, picked = 0;
	int count[16] = {0};

	for (size_t i = 0; i < n; i++) {
		const struct nd__index_part *p = &idx->parts[i];
		if (p->del && (uint64_t)p->del->count * 2 > p->seg->doc_count) {
			pick[i] = true;
			left--;
			picked++;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!pick[i])
			count[level_of(idx->parts[i].live)]++;
	for (size_t i = 0; i < n; i++) {
		if (!pick[i] && count[level_of(idx->parts[i].live)] >= ND_INDEX_MERGE_FACTOR) {
			pick[i] = true;
			left--;
			picked++;
		}
	}
	/* Still too many: fold the smallest into the merge. */
	while (left + (picked ? 1 : 0) > ND_INDEX_MAX_SEGMENTS) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!pick[i] && (best == n || idx->parts[i].live < idx->parts[best].live))
				best = i;
		pick[best] = true;
		left--;
		picked++;
	}
}

int nd_index_merge(const struct nd_index *idx, enum nd_index_merge_mode mode, struct nd_index **out)
{
	size_t n = idx->part_count, m = 0, k = 0;
	bool *pick = nd_xcalloc(n + 1, sizeof(*pick));
	struct nd_segment **segs = NULL, *merged = NULL;
	struct nd_segment_deletes **dels = NULL;
	struct nd__index_part *parts = NULL;
	size_t *order = NULL;
	int rc = 0;

	if (mode == ND_INDEX_MERGE_ALL) {
		for (size_t i = 0; i < n; i++)
			pick[i] = n > 1 || idx->parts[i].del;
	} else {
		policy(idx, pick);
	}
	for (size_t i = 0; i < n; i++)
		m += pick[i];
	if (!m) {
		*out = make(&idx->params, copy_parts(idx, 0), n);
		goto out;
	}

	/* Largest first: its forward lists then keep their term order. */
	order = nd_xmalloc(m * sizeof(*order));
	for (size_t i = 0; i < n; i++) {
		if (!pick[i])
			continue;
		size_t j = k++;
		for (; j && idx->parts[order[j - 1]].live < idx->parts[i].live; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	segs = nd_xmalloc(m * sizeof(*segs));
	dels = nd_xmalloc(m * sizeof(*dels));
	for (size_t j = 0; j < m; j++) {
		segs[j] = idx->parts[order[j]].seg;
		dels[j] = idx->parts[order[j]].del;
	}
	if ((rc = nd_segment_merge(segs, dels, m, &merged)))
		goto out;

	parts = nd_xcalloc(n - m + 2, sizeof(*parts));
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (pick[i])
			continue;
		parts[k] = idx->parts[i];
		nd_segment_ref(parts[k].seg);
		if (parts[k].del)
			nd_segment_deletes_ref(parts[k].del);
		k++;
	}
	parts[k++] = (struct nd__index_part){merged, NULL, 0, NULL};
	*out = make(&idx->params, parts, k);
out:
	free(pick);
	free(order);
	free(segs);
	free(dels);
	return rc;
}

void nd_index_get_stats(const struct nd_index *idx, struct nd_index_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->doc_count = idx->doc_count;
	out->deleted_count = idx->deleted_count;
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		out->len_sum[f] = idx->len_sum[f];
		out->avg_len[f] = idx->avg_len[f];
	}
	out->segment_count = idx->part_count;
	out->memory_bytes = sizeof(*idx) + idx->part_count * sizeof(*idx->parts);
	for (size_t i = 0; i < idx->part_count; i++)
		out->memory_bytes +=
		    nd_segment_memory(idx->parts[i].seg) +
		    nd_segment_deletes_memory(idx->parts[i].seg, idx->parts[i].del);
}

const struct nd_bm25_params *nd_index_params(const struct nd_index *idx)
{
	return &idx->params;
}

/* The part and doc of the live document key, or NULL. */
static const struct nd__index_part *find_live(const struct nd_index *idx, uint32_t key,
                                              uint32_t *doc)
{
	for (size_t i = 0; i < idx->part_count; i++) {
		const struct nd__index_part *p = &idx->parts[i];
		uint32_t d = nd_segment_find_key(p->seg, key);
		if (d != ND_DOC_END && !nd_segment_deleted(p->del, d)) {
			*doc = d;
			return p;
		}
	}
	return NULL;
}

bool nd_index_has_key(const struct nd_index *idx, uint32_t key)
{
	uint32_t doc;

	return find_live(idx, key, &doc) != NULL;
}

uint64_t nd_index_df(const struct nd_index *idx, const char *term, size_t len)
{
	uint64_t df = 0;

	for (size_t i = 0; i < idx->part_count; i++) {
		const struct nd__index_part *p = &idx->parts[i];
		uint32_t t = nd_segment_lookup(p->seg, term, len);
		if (t != ND_TERM_NONE)
			df += p->seg->terms[t].df - nd_segment_deletes_df(p->del, t);
	}
	return df;
}

double nd_index_idf(const struct nd_index *idx, uint64_t df)
{
	return nd__idf(idx->doc_count, df);
}

/* Term t of part's df in the whole of idx and its idf, from the part's
 * stats (filled here on first use). */
static void term_stats(const struct nd_index *idx, const struct nd__index_part *part, uint32_t t,
                       struct nd_str term, uint64_t *df_out, double *idf_out)
{
	struct nd__term_stats *st = &part->stats[t];
	unsigned df_plus1 = atomic_load_explicit(&st->df_plus1, memory_order_acquire);
	uint64_t df = 0, bits;
	double idf;

	if (df_plus1) {
		bits = atomic_load_explicit(&st->idf_bits, memory_order_relaxed);
		memcpy(idf_out, &bits, sizeof(bits));
		*df_out = df_plus1 - 1;
		return;
	}
	/* Its own segment by id; the others by lookup. */
	for (size_t i = 0; i < idx->part_count; i++) {
		const struct nd__index_part *p = &idx->parts[i];
		uint32_t pt = p == part ? t : nd_segment_lookup(p->seg, term.p, term.len);
		if (pt != ND_TERM_NONE)
			df += p->seg->terms[pt].df - nd_segment_deletes_df(p->del, pt);
	}
	idf = nd__idf(idx->doc_count, df);
	memcpy(&bits, &idf, sizeof(bits));
	atomic_store_explicit(&st->idf_bits, bits, memory_order_relaxed);
	atomic_store_explicit(&st->df_plus1, (unsigned)df + 1, memory_order_release);
	*df_out = df;
	*idf_out = idf;
}

int nd_index_doc_info(const struct nd_index *idx, uint32_t key, struct nd_arena *a,
                      struct nd_index_doc_info *out)
{
	const struct nd__index_part *part;
	struct nd_segment_fwd it;
	uint32_t doc, t, tf[ND_FIELD_COUNT];
	size_t n = 0, cap;

	if (!(part = find_live(idx, key, &doc)))
		return ND_ENOTFOUND;
	/* Counted first: an entry of the forward list may be one byte. */
	cap = 0;
	nd_segment_fwd_open(part->seg, doc, &it);
	while (nd_segment_fwd_next(&it, &t, tf))
		cap++;
	out->terms = nd_arena_alloc(a, (cap + 1) * sizeof(*out->terms));
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		out->len[f] = nd_segment_len(part->seg, doc, f);
	nd_segment_fwd_open(part->seg, doc, &it);
	while (nd_segment_fwd_next(&it, &t, tf)) {
		struct nd_index_doc_term *dt = &out->terms[n++];

		ND_ASSERT(n <= cap);
		dt->term = nd_segment_term_str(part->seg, t);
		for (int f = 0; f < ND_FIELD_COUNT; f++)
			dt->tf[f] = tf[f];
		term_stats(idx, part, t, dt->term, &dt->df, &dt->idf);
	}
	out->term_count = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writer */

struct nd_index_writer {
	const struct nd_index *base;
	struct nd_index *cur;           /* the writer's own value, or NULL: base */
	struct nd_segment_builder *bld; /* adds not yet in a segment, or NULL */
	uint32_t *dels;                 /* deletes not yet applied */
	size_t del_count, del_cap;
	int err; /* sticky: a flush failed */
};

struct nd_index_writer *nd_index_writer_new(const struct nd_index *base)
{
	struct nd_index_writer *w = nd_xcalloc(1, sizeof(*w));

	w->base = base;
	return w;
}

void nd_index_writer_free(struct nd_index_writer *w)
{
	if (!w)
		return;
	nd_index_free(w->cur);
	nd_segment_builder_free(w->bld);
	free(w->dels);
	free(w);
}

static const struct nd_index *writer_value(const struct nd_index_writer *w)
{
	return w->cur ? w->cur : w->base;
}

static void writer_set(struct nd_index_writer *w, struct nd_index *next)
{
	nd_index_free(w->cur);
	w->cur = next;
}

/* Applies the pending deletes, then the builder's documents, in that
 * order: an add made after a delete of the same key must win. */
static int writer_flush(struct nd_index_writer *w)
{
	struct nd_index *next;
	struct nd_segment *seg;
	int rc;

	if (w->err)
		return w->err;
	if (w->del_count) {
		nd_index_delete_keys(writer_value(w), w->dels, w->del_count, &next);
		writer_set(w, next);
		w->del_count = 0;
	}
	if (w->bld && nd_segment_builder_count(w->bld)) {
		rc = nd_segment_builder_finish(w->bld, &seg);
		w->bld = NULL;
		if (!rc)
			rc = nd_index_add_segment(writer_value(w), seg, &next);
		if (rc)
			return w->err = rc;
		writer_set(w, next);
	}
	return 0;
}

int nd_index_writer_add(struct nd_index_writer *w, uint32_t key, const struct nd_index_doc *doc)
{
	int rc;

	if (w->err)
		return w->err;
	if (w->bld && nd_segment_builder_has_key(w->bld, key) && (rc = writer_flush(w)))
		return rc;
	if (!w->bld)
		w->bld = nd_segment_builder_new(&writer_value(w)->params);
	return nd_segment_builder_add(w->bld, key, doc);
}

void nd_index_writer_delete(struct nd_index_writer *w, uint32_t key)
{
	if (w->bld && nd_segment_builder_has_key(w->bld, key) && writer_flush(w))
		return;
	if (w->del_count == w->del_cap) {
		w->del_cap = w->del_cap ? w->del_cap * 2 : 64;
		w->dels = nd_xrealloc(w->dels, w->del_cap * sizeof(*w->dels));
	}
	w->dels[w->del_count++] = key;
}

int nd_index_writer_commit(struct nd_index_writer *w, struct nd_index **out)
{
	int rc;

	if (!(rc = writer_flush(w)))
		rc = nd_index_merge(writer_value(w), ND_INDEX_MERGE_POLICY, out);
	nd_index_writer_free(w);
	return rc;
}
