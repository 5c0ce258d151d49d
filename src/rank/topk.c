/*
 * The lists: one per (window, scope), kept by the writer incrementally and
 * published to readers behind a seqlock (rank_int.h, docs/internals/rank.md).
 *
 * Writer side. A list holds up to ND__RANK_CAP entries, best first, and a
 * bound: the best any article outside the list could be. A delta only
 * raises scores, so list_update either moves a member up, lets an
 * outsider in (the evicted last entry becomes the bound) or raises the
 * bound to the outsider; the entries that beat the bound stay exactly the
 * top. Scores fall only when time moves: an hour leaving the 24h and 7d
 * windows, or a minute passing for 1h and trending, lowers members and
 * outsiders alike, so the members are rescored in place and the bound
 * stays valid; only when fewer than ND_RANK_MAX members still beat it is
 * the list recomputed from the candidates (rebuild). Trending scores can
 * also rise when the hour changes, so those lists are recomputed then,
 * from the articles with views in the last three hours.
 *
 * Reader side: see nd__rank_pub_read().
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "rank/rank_int.h"

/* Whether a comes before b: more score, then newer, then smaller id. */
static bool beats(const struct nd__rank_ent *a, const struct nd__rank_ent *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	if (a->pub != b->pub)
		return a->pub > b->pub;
	return a->id < b->id;
}

static int cmp_ent(const void *pa, const void *pb)
{
	const struct nd__rank_ent *a = pa, *b = pb;

	return beats(a, b) ? -1 : beats(b, a) ? 1 : 0;
}

static void reserve(struct nd__rank_list *l, uint32_t want)
{
	if (want <= l->cap)
		return;
	ND_ASSERT(want <= ND__RANK_CAP);
	l->cap = l->cap ? l->cap * 2 : 16;
	if (l->cap > ND__RANK_CAP || l->cap < want)
		l->cap = ND__RANK_CAP;
	l->e = nd_xrealloc(l->e, l->cap * sizeof(*l->e));
	l->set = nd_xrealloc(l->set, l->cap * sizeof(*l->set));
}

/* The place of art in l->set: its index, or where it would go. */
static uint32_t set_pos(const struct nd__rank_list *l, uint32_t art)
{
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->set[mid] < art)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool set_has(const struct nd__rank_list *l, uint32_t art)
{
	uint32_t i = set_pos(l, art);

	return i < l->n && l->set[i] == art;
}

/* Adds art to the set; call before l->n grows. */
static void set_add(struct nd__rank_list *l, uint32_t art)
{
	uint32_t i = set_pos(l, art);

	memmove(&l->set[i + 1], &l->set[i], (l->n - i) * sizeof(*l->set));
	l->set[i] = art;
}

/* Removes art from the set; call before l->n shrinks. */
static void set_del(struct nd__rank_list *l, uint32_t art)
{
	uint32_t i = set_pos(l, art);

	ND_ASSERT(i < l->n && l->set[i] == art);
	memmove(&l->set[i], &l->set[i + 1], (l->n - i - 1) * sizeof(*l->set));
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* Refills the set from the entries. */
static void set_rebuild(struct nd__rank_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		l->set[i] = l->e[i].art;
	if (l->n > 1)
		qsort(l->set, l->n, sizeof(*l->set), cmp_u32);
}

static void raise_bound(struct nd__rank_list *l, const struct nd__rank_ent *x)
{
	if (!l->has_bound || beats(x, &l->bound)) {
		l->bound = *x;
		l->has_bound = true;
	}
}

/* The index of article art's entry at or after `from`, or UINT32_MAX. */
static uint32_t find(const struct nd__rank_list *l, uint32_t from, uint32_t art)
{
	for (uint32_t i = from; i < l->n; i++)
		if (l->e[i].art == art)
			return i;
	return UINT32_MAX;
}

/* How many entries beat x (binary search: e[] is sorted). */
static uint32_t rank_of(const struct nd__rank_list *l, const struct nd__rank_ent *x)
{
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (beats(&l->e[mid], x))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Inserts x (not a member) in order; l->n < ND__RANK_CAP. New entries
 * mostly land near the end, so the search starts there. */
static void insert_sorted(struct nd__rank_list *l, const struct nd__rank_ent *x)
{
	uint32_t i = l->n;

	reserve(l, l->n + 1);
	set_add(l, x->art);
	while (i > 0 && beats(x, &l->e[i - 1])) {
		l->e[i] = l->e[i - 1];
		i--;
	}
	l->e[i] = *x;
	l->n++;
}

static void remove_at(struct nd__rank_list *l, uint32_t i)
{
	set_del(l, l->e[i].art);
	memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof(*l->e));
	l->n--;
}

/* Moves e[i], whose score changed, to its place. */
static void reposition(struct nd__rank_list *l, uint32_t i)
{
	struct nd__rank_ent x = l->e[i];

	while (i > 0 && beats(&x, &l->e[i - 1])) {
		l->e[i] = l->e[i - 1];
		i--;
	}
	while (i + 1 < l->n && beats(&l->e[i + 1], &x)) {
		l->e[i] = l->e[i + 1];
		i++;
	}
	l->e[i] = x;
}

/*
 * Sets the score of article x->art in list l to x. up: the score is known
 * not to have dropped, so an article that cannot enter is not searched
 * for among the members.
 */
void nd__rank_list_update(struct nd__rank_list *l, const struct nd__rank_ent *x, bool up)
{
	uint32_t i;

	if (up && x->score <= 0)
		return;
	if (up && l->n == ND__RANK_CAP && !beats(x, &l->e[l->n - 1]) &&
	    l->e[l->n - 1].art != x->art) {
		/* It was outside (members all beat the last one, and its
		 * score did not drop) and stays outside. */
		raise_bound(l, x);
		return;
	}
	if (set_has(l, x->art)) {
		/* A member whose score did not drop is not better than x:
		 * it sits at or after x's place, usually right there (it
		 * passes only the entries its new views overtook). */
		i = find(l, up ? rank_of(l, x) : 0, x->art);
		ND_ASSERT(i != UINT32_MAX);
		if (x->score <= 0) {
			remove_at(l, i);
		} else {
			if (l->e[i].score == x->score && l->e[i].views == x->views &&
			    l->e[i].pub == x->pub)
				return;
			l->e[i] = *x;
			reposition(l, i);
		}
		l->dirty = true;
		return;
	}
	if (x->score <= 0)
		return;
	if (l->n < ND__RANK_CAP) {
		insert_sorted(l, x);
		l->dirty = true;
	} else if (beats(x, &l->e[l->n - 1])) {
		raise_bound(l, &l->e[l->n - 1]);
		remove_at(l, l->n - 1);
		insert_sorted(l, x);
		l->dirty = true;
	} else {
		raise_bound(l, x);
	}
}

/* Recomputes the members' scores after the clock moved; drops those at 0. */
void nd__rank_list_rescore(struct nd_rank *r, struct nd__rank_list *l, enum nd_rank_window w)
{
	uint32_t j = 0;
	bool changed = false;

	for (uint32_t i = 0; i < l->n; i++) {
		struct nd__rank_ent x = l->e[i];
		nd__rank_score(r, &r->art[x.art], w, &x.views, &x.score);
		if (x.score != l->e[i].score || x.views != l->e[i].views)
			changed = true;
		if (x.score > 0)
			l->e[j++] = x;
	}
	if (!changed)
		return;
	if (j < l->n) {
		l->n = j;
		set_rebuild(l);
	}
	/* Insertion sort: the order changes little. */
	for (uint32_t i = 1; i < l->n; i++) {
		struct nd__rank_ent x = l->e[i];
		uint32_t k = i;
		while (k > 0 && beats(&x, &l->e[k - 1])) {
			l->e[k] = l->e[k - 1];
			k--;
		}
		l->e[k] = x;
	}
	l->dirty = true;
}

/* How many leading entries are known to be the true top: those that beat
 * the bound. */
uint32_t nd__rank_list_valid(const struct nd__rank_list *l)
{
	uint32_t i = 0;

	if (!l->has_bound)
		return l->n;
	while (i < l->n && beats(&l->e[i], &l->bound))
		i++;
	return i;
}

void nd__rank_list_release(struct nd__rank_list *l)
{
	free(l->e);
	free(l->set);
	memset(l, 0, sizeof(*l));
}

/*
 * Rebuild: the lists being recomputed are used as min-heaps of at most
 * ND__RANK_CAP entries (the worst at the root) while the candidates are
 * offered, then sorted. The best rejected candidate is the new bound.
 */
static void heap_up(struct nd__rank_ent *e, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!beats(&e[p], &e[i]))
			break;
		struct nd__rank_ent t = e[p];
		e[p] = e[i];
		e[i] = t;
		i = p;
	}
}

static void heap_down(struct nd__rank_ent *e, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t c = 2 * i + 1, worst = i;
		if (c < n && beats(&e[worst], &e[c]))
			worst = c;
		if (c + 1 < n && beats(&e[worst], &e[c + 1]))
			worst = c + 1;
		if (worst == i)
			return;
		struct nd__rank_ent t = e[worst];
		e[worst] = e[i];
		e[i] = t;
		i = worst;
	}
}

static void heap_offer(struct nd__rank_list *l, const struct nd__rank_ent *x)
{
	if (!l->rebuild)
		return;
	if (l->n < ND__RANK_CAP) {
		reserve(l, l->n + 1);
		l->e[l->n] = *x;
		heap_up(l->e, l->n++);
	} else if (beats(x, &l->e[0])) {
		raise_bound(l, &l->e[0]);
		l->e[0] = *x;
		heap_down(l->e, l->n, 0);
	} else {
		raise_bound(l, x);
	}
}

static void offer(struct nd_rank *r, uint32_t slot, enum nd_rank_window w)
{
	const struct nd__rank_art *a = &r->art[slot];
	struct nd__rank_ent x;

	if (!(a->flags & ND__ART_LISTED))
		return;
	nd__rank_score(r, a, w, &x.views, &x.score);
	if (x.score <= 0)
		return;
	x.pub = a->published_at;
	x.id = a->id;
	x.art = slot;
	heap_offer(&r->scope[0].list[w], &x);
	for (uint32_t k = 0; k < a->nscope; k++)
		heap_offer(&r->scope[a->scope[k]].list[w], &x);
}

/* Recomputes every list of window w flagged `rebuild`. */
void nd__rank_rebuild(struct nd_rank *r, enum nd_rank_window w)
{
	bool any = false;

	for (uint32_t s = 0; s < r->nscope; s++) {
		struct nd__rank_list *l = &r->scope[s].list[w];
		if (l->rebuild) {
			l->n = 0;
			l->has_bound = false;
			any = true;
		}
	}
	if (!any)
		return;
	if (w == ND_RANK_1H || w == ND_RANK_TRENDING) {
		/* Only articles with views in the last 2 (3) hours score. */
		int64_t from = r->hour - (w == ND_RANK_1H ? 1 : ND__RANK_RECENT_HOURS - 1);
		uint32_t gen = nd__rank_next_gen(r);
		for (int64_t h = from; h <= r->hour; h++) {
			const struct nd__rank_hlog *lg = &r->log[nd__rank_log_index(h)];
			if (lg->hour != h)
				continue;
			for (uint32_t i = 0; i < lg->n; i++) {
				uint32_t slot = lg->e[i].art;
				if (r->art[slot].mark == gen)
					continue;
				r->art[slot].mark = gen;
				offer(r, slot, w);
			}
		}
	} else {
		for (uint32_t slot = 0; slot < r->nart; slot++)
			offer(r, slot, w);
	}
	for (uint32_t s = 0; s < r->nscope; s++) {
		struct nd__rank_list *l = &r->scope[s].list[w];
		if (!l->rebuild)
			continue;
		if (l->n > 1)
			qsort(l->e, l->n, sizeof(*l->e), cmp_ent);
		set_rebuild(l);
		l->rebuild = false;
		l->dirty = true;
		r->rebuilds++;
	}
}

/*
 * Writes list l's first ND_RANK_MAX entries to pw unless they are what pw
 * already holds. Only the writer writes pw, so reading it back needs no
 * care. The seqlock write side (Boehm, "Can seqlocks get along with
 * programming language memory models?", 2012): an odd sequence number,
 * a release fence, the data, then the next even number with release.
 */
static bool publish(struct nd__rank_pub *pw, const struct nd__rank_list *l)
{
	uint32_t n = l->n < ND_RANK_MAX ? l->n : ND_RANK_MAX, seq;
	uint64_t w[ND_RANK_MAX][2];
	bool same = atomic_load_explicit(&pw->n, memory_order_relaxed) == n;

	for (uint32_t i = 0; i < n; i++) {
		w[i][0] = (uint64_t)l->e[i].id << 32 | l->e[i].views;
		memcpy(&w[i][1], &l->e[i].score, sizeof(w[i][1]));
		same = same &&
		       atomic_load_explicit(&pw->w[i][0], memory_order_relaxed) == w[i][0] &&
		       atomic_load_explicit(&pw->w[i][1], memory_order_relaxed) == w[i][1];
	}
	if (same)
		return false;
	seq = atomic_load_explicit(&pw->seq, memory_order_relaxed);
	atomic_store_explicit(&pw->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&pw->n, n, memory_order_relaxed);
	for (uint32_t i = 0; i < n; i++) {
		atomic_store_explicit(&pw->w[i][0], w[i][0], memory_order_relaxed);
		atomic_store_explicit(&pw->w[i][1], w[i][1], memory_order_relaxed);
	}
	atomic_store_explicit(&pw->seq, seq + 2, memory_order_release);
	return true;
}

/*
 * The end of every writer call: rescore the lists whose hours expired,
 * apply the touched articles' new scores, recompute what needs it, then
 * publish what changed.
 */
void nd__rank_finish(struct nd_rank *r)
{
	bool published = false;

	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		if (!r->rescore[w] || r->rebuild_all[w])
			continue;
		for (uint32_t s = 0; s < r->nscope; s++)
			nd__rank_list_rescore(r, &r->scope[s].list[w], (enum nd_rank_window)w);
	}
	for (uint32_t t = 0; t < r->ntouched; t++) {
		uint32_t slot = r->touched[t];
		struct nd__rank_art *a = &r->art[slot];
		bool trend_up = !(a->flags & ND__ART_DOWN);
		struct nd__rank_ent x;

		a->flags &= (uint8_t)~ND__ART_DOWN;
		if (!(a->flags & ND__ART_LISTED))
			continue;
		x.pub = a->published_at;
		x.id = a->id;
		x.art = slot;
		for (int w = 0; w < ND_RANK_WINDOWS; w++) {
			bool up = w != ND_RANK_TRENDING || trend_up;
			if (r->rebuild_all[w])
				continue;
			nd__rank_score(r, a, (enum nd_rank_window)w, &x.views, &x.score);
			nd__rank_list_update(&r->scope[0].list[w], &x, up);
			for (uint32_t k = 0; k < a->nscope; k++)
				nd__rank_list_update(&r->scope[a->scope[k]].list[w], &x, up);
		}
	}
	r->ntouched = 0;
	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		for (uint32_t s = 0; s < r->nscope; s++) {
			struct nd__rank_list *l = &r->scope[s].list[w];
			if (r->rebuild_all[w] ||
			    (l->dirty && l->has_bound && nd__rank_list_valid(l) < ND_RANK_MAX))
				l->rebuild = true;
		}
		nd__rank_rebuild(r, (enum nd_rank_window)w);
		r->rescore[w] = r->rebuild_all[w] = false;
	}
	for (uint32_t s = 0; s < r->nscope; s++) {
		for (int w = 0; w < ND_RANK_WINDOWS; w++) {
			struct nd__rank_list *l = &r->scope[s].list[w];
			if (!l->dirty)
				continue;
			l->dirty = false;
			if (publish(&r->scope[s].pub->win[w], l)) {
				r->publishes++;
				published = true;
			}
		}
	}
	if (published)
		atomic_fetch_add_explicit(&r->version, 1, memory_order_release);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/*
 * The seqlock read side: an even sequence number (acquire), the data
 * (relaxed atomic loads, so a race with the writer is defined: it just
 * gives values that are thrown away), an acquire fence, and the same
 * number again. A changed number means the writer published this list
 * meanwhile: copy again. The writer publishes a list at most once per call
 * (about once a second), so a retry is rare and a reader never waits on
 * a lock.
 */
size_t nd__rank_pub_read(const struct nd__rank_pub *pw, size_t limit, struct nd_rank_item *out)
{
	for (;;) {
		uint32_t s1 = atomic_load_explicit(&pw->seq, memory_order_acquire), n;
		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		n = atomic_load_explicit(&pw->n, memory_order_relaxed);
		if (n > limit)
			n = (uint32_t)limit;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t w0 = atomic_load_explicit(&pw->w[i][0], memory_order_relaxed);
			uint64_t w1 = atomic_load_explicit(&pw->w[i][1], memory_order_relaxed);
			out[i].id = (uint32_t)(w0 >> 32);
			out[i].views = (uint32_t)w0;
			memcpy(&out[i].score, &w1, sizeof(w1));
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&pw->seq, memory_order_relaxed) == s1)
			return n;
	}
}
