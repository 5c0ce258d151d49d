#include "counter/counter.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "counter/shard.h"

/* Node log rows are kept this long (seconds), then pruned: a node that
 * cannot read the log for longer misses the other nodes' changes until it
 * restarts. */
#define LOG_AGE         3600
#define LOG_PRUNE_EVERY 60 /* seconds between prunes */
/* The flusher reads the other nodes' rows POLLS times per flush interval
 * (once with its flush), so they show within about one interval of their
 * commit rather than two. An idle read is one indexed SELECT. */
#define POLLS 4

/* A reaction waiting for the flusher; lives on the waiter's stack. */
struct pending {
	struct nd_reaction_op op;
	uint32_t article;
	size_t type;
	int rc;    /* the outcome: 0, ND_ESTORE, ND_ENOTFOUND */
	bool done; /* set by the flusher, under the lock */
	struct pending *next;
};

/* Totals per article, read by any thread: chunks made on first use and
 * published with release order, never moved (no reader can see a freed
 * array). Written by one thread at a time: open, then the flusher. */
struct totals {
	_Atomic(atomic_ullong *) chunk[ND_SHARD_DIR];
};

struct nd_counter {
	struct nd_counter_options o;
	struct nd_store *store; /* the flusher's handle */

	pthread_mutex_t shards_lock; /* adding a shard */
	_Atomic(struct nd_shard *) shards;
	pthread_key_t key; /* the calling thread's shard */

	struct totals views;                            /* stored views at open */
	struct totals reactions[ND_REACTION_TYPES_MAX]; /* live reaction counts */

	bool rescan;                  /* flusher: the last flush failed, look at every chunk */
	int64_t compacted_day;        /* flusher: the day hours were last folded into days */
	int64_t log_mark;             /* flusher: the last node log id read */
	int64_t log_pruned;           /* flusher: when the node log was last pruned */
	struct nd_history_rec *reads; /* flusher: the other nodes' reads of one flush */
	size_t nreads, reads_cap;

	pthread_mutex_t lock; /* below */
	pthread_cond_t wake, done;
	struct pending *queue;
	uint64_t flush_asked, flush_done; /* nd_counter_flush tickets */
	int last_rc;
	bool stop;
	pthread_t thread;
};

static int64_t clock_now(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static void totals_set(struct totals *t, uint32_t id, uint64_t v)
{
	atomic_ullong *chunk =
	    atomic_load_explicit(&t->chunk[id >> ND_SHARD_CHUNK_BITS], memory_order_relaxed);

	if (!chunk) {
		chunk = nd_xcalloc(ND_SHARD_CHUNK, sizeof(*chunk));
		atomic_store_explicit(&t->chunk[id >> ND_SHARD_CHUNK_BITS], chunk,
		                      memory_order_release);
	}
	atomic_store_explicit(&chunk[id & (ND_SHARD_CHUNK - 1)], v, memory_order_relaxed);
}

static uint64_t totals_get(const struct totals *t, uint32_t id)
{
	atomic_ullong *chunk;

	if (id >= ND_SHARD_MAX_ID)
		return 0;
	chunk = atomic_load_explicit(&((struct totals *)t)->chunk[id >> ND_SHARD_CHUNK_BITS],
	                             memory_order_acquire);
	return chunk ? atomic_load_explicit(&chunk[id & (ND_SHARD_CHUNK - 1)], memory_order_relaxed)
	             : 0;
}

/* Adds n (which may be negative) to article id's total, never below 0. */
static void totals_add(struct totals *t, uint32_t id, int64_t n)
{
	uint64_t v = totals_get(t, id);

	totals_set(t, id, n < 0 && (uint64_t)-n > v ? 0 : v + (uint64_t)n);
}

static void totals_free(struct totals *t)
{
	for (unsigned d = 0; d < ND_SHARD_DIR; d++)
		free(atomic_load_explicit(&t->chunk[d], memory_order_relaxed));
}

static int load_view(void *ctx, int64_t article, int64_t views)
{
	struct nd_counter *c = ctx;

	if (article > 0 && article < ND_SHARD_MAX_ID && views > 0)
		totals_set(&c->views, (uint32_t)article, (uint64_t)views);
	return 0;
}

static int load_reaction(void *ctx, int64_t article, const char *type, int64_t count)
{
	struct nd_counter *c = ctx;
	int i = nd_counter_type(c, type, strlen(type));

	/* A type no longer configured keeps its rows, unshown. */
	if (i >= 0 && article > 0 && article < ND_SHARD_MAX_ID && count > 0)
		totals_set(&c->reactions[i], (uint32_t)article, (uint64_t)count);
	return 0;
}

/* The calling thread's shard, made and listed on its first view. */
static struct nd_shard *my_shard(struct nd_counter *c)
{
	struct nd_shard *s = pthread_getspecific(c->key);

	if (s)
		return s;
	s = nd_xcalloc(1, sizeof(*s));
	pthread_mutex_lock(&c->shards_lock);
	s->next = atomic_load_explicit(&c->shards, memory_order_relaxed);
	atomic_store_explicit(&c->shards, s, memory_order_release);
	pthread_mutex_unlock(&c->shards_lock);
	pthread_setspecific(c->key, s);
	return s;
}

void nd_counter_view(struct nd_counter *c, uint32_t article, int64_t now)
{
	if (!article || article >= ND_SHARD_MAX_ID)
		return;
	nd_shard_add(my_shard(c), article, now / 3600);
}

uint64_t nd_counter_views(const struct nd_counter *c, uint32_t article)
{
	uint64_t n = totals_get(&c->views, article);

	if (article >= ND_SHARD_MAX_ID)
		return n;
	for (const struct nd_shard *s =
	         atomic_load_explicit(&((struct nd_counter *)c)->shards, memory_order_acquire);
	     s; s = s->next)
		n += nd_shard_views(s, article);
	return n;
}

int nd_counter_type(const struct nd_counter *c, const char *slug, size_t len)
{
	for (size_t i = 0; i < c->o.type_count; i++)
		if (strlen(c->o.types[i]) == len && !memcmp(c->o.types[i], slug, len))
			return (int)i;
	return -1;
}

size_t nd_counter_type_count(const struct nd_counter *c)
{
	return c->o.type_count;
}

const char *nd_counter_type_slug(const struct nd_counter *c, size_t i)
{
	return i < c->o.type_count ? c->o.types[i] : NULL;
}

uint64_t nd_counter_reactions(const struct nd_counter *c, uint32_t article, size_t type)
{
	return type < c->o.type_count ? totals_get(&c->reactions[type], article) : 0;
}

/* ------------------------------------------------------------------ */
/* The flusher */

struct deltas {
	struct nd_view_delta *d;
	size_t n, cap;
	/* Where each delta's count came from, to advance the marks on commit. */
	uint32_t **mark;
	uint32_t *to;
};

static void deltas_push(struct deltas *ds, int64_t article, int64_t hour, uint32_t views,
                        uint32_t *mark, uint32_t to)
{
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? 2 * ds->cap : 256;
		ds->d = nd_xrealloc(ds->d, ds->cap * sizeof(*ds->d));
		ds->mark = nd_xrealloc(ds->mark, ds->cap * sizeof(*ds->mark));
		ds->to = nd_xrealloc(ds->to, ds->cap * sizeof(*ds->to));
	}
	ds->d[ds->n] = (struct nd_view_delta){article, hour, views};
	ds->mark[ds->n] = mark;
	ds->to[ds->n++] = to;
}

/* Chunk d of parity p of shard s, whose views fell in hour, into ds. */
static void collect_chunk(struct nd_shard *s, unsigned d, int p, int64_t hour, struct deltas *ds)
{
	atomic_uint *chunk = atomic_load_explicit(&s->chunk[p][d], memory_order_acquire);
	uint32_t *marks;

	if (!chunk)
		return;
	if (!s->marks[p][d])
		s->marks[p][d] = nd_xcalloc(ND_SHARD_CHUNK, sizeof(*marks));
	marks = s->marks[p][d];
	for (uint32_t i = 0; i < ND_SHARD_CHUNK; i++) {
		uint32_t now = atomic_load_explicit(&chunk[i], memory_order_relaxed);

		/* Unsigned: right across a wrap of the slot too. */
		if (now != marks[i])
			deltas_push(ds, (int64_t)d * ND_SHARD_CHUNK + i, hour, now - marks[i],
			            &marks[i], now);
	}
}

/*
 * The views every shard counted since the last committed flush, by article
 * and hour, into ds. Several shards' views of one article and hour are
 * several deltas: the store adds them up. Only chunks marked dirty are
 * read, or all after a failed flush (their dirty bits were taken).
 */
static void collect(struct nd_counter *c, int64_t hour, struct deltas *ds)
{
	for (struct nd_shard *s = atomic_load_explicit(&c->shards, memory_order_acquire); s;
	     s = s->next) {
		for (unsigned w = 0; w < ND_SHARD_DIR / 64; w++) {
			uint64_t bits =
			    atomic_exchange_explicit(&s->dirty[w], 0, memory_order_acquire);

			if (c->rescan)
				bits = ~0ull;
			for (; bits; bits &= bits - 1) {
				unsigned d = w * 64 + (unsigned)__builtin_ctzll(bits);

				for (int p = 0; p < 2; p++)
					collect_chunk(s, d, p, (hour & 1) == p ? hour : hour - 1,
					              ds);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* The other nodes (docs/internals/node-sync.md) */

struct absorb {
	struct nd_counter *c;
	struct deltas *ds;
};

/* One node log row: another node's views, reaction or read joins ours. */
static int absorb_row(void *ctx, const struct nd_nodelog_rec *r)
{
	struct absorb *a = ctx;
	struct nd_counter *c = a->c;
	uint32_t id = (uint32_t)r->article_id;
	int type;

	c->log_mark = r->id;
	if (r->node == c->o.node)
		return 0;
	if (r->kind == ND_NODELOG_VIEWS) {
		for (size_t i = 0; i < r->nviews; i++) {
			const struct nd_view_delta *d = &r->views[i];

			if (d->article_id <= 0 || d->article_id >= ND_SHARD_MAX_ID || !d->views ||
			    d->hour < 0)
				continue;
			totals_add(&c->views, (uint32_t)d->article_id, d->views);
			deltas_push(a->ds, d->article_id, d->hour, d->views, NULL, 0);
		}
		return 0;
	}
	if (r->article_id <= 0 || r->article_id >= ND_SHARD_MAX_ID)
		return 0;
	switch (r->kind) {
	case ND_NODELOG_VIEWS: break;
	case ND_NODELOG_REACTION:
		/* A type this node does not show is not counted, as at open. */
		if ((type = nd_counter_type(c, r->type, strlen(r->type))) >= 0)
			totals_add(&c->reactions[type], id, r->reaction);
		break;
	case ND_NODELOG_READ:
		if (c->nreads == c->reads_cap) {
			c->reads_cap = c->reads_cap ? 2 * c->reads_cap : 64;
			c->reads = nd_xrealloc(c->reads, c->reads_cap * sizeof(*c->reads));
		}
		c->reads[c->nreads].article_id = r->article_id;
		c->reads[c->nreads].at = r->at;
		memcpy(c->reads[c->nreads++].visitor, r->visitor, ND_STORE_VISITOR_LEN);
		break;
	}
	return 0;
}

/*
 * What the other nodes logged since the last look: their views into the
 * totals and ds (for on_flush), their reactions into the counts, their
 * reads to on_read. The mark moves with each row, so a walk cut short by
 * an error resumes after the last row it applied. Once a minute, rows older
 * than LOG_AGE go.
 */
static void absorb(struct nd_counter *c, struct deltas *ds, int64_t now, bool report)
{
	struct absorb a = {c, ds};
	int rc = nd_store_nodelog_since(c->store, c->log_mark, c->o.node, absorb_row, &a);

	if (rc && report)
		nd_log(ND_LOG_ERROR, "counter: reading the other nodes' counts failed: %s",
		       nd_strerror(rc));
	if (c->nreads && c->o.on_read)
		c->o.on_read(c->o.on_read_ctx, c->reads, c->nreads);
	c->nreads = 0;
	if (now - c->log_pruned >= LOG_PRUNE_EVERY) {
		c->log_pruned = now;
		if ((rc = nd_store_nodelog_prune(c->store, LOG_AGE, NULL)) != 0)
			nd_log(ND_LOG_WARN, "counter: pruning the node log failed: %s",
			       nd_strerror(rc));
	}
}

/*
 * One flush: the views since the last one and the queued reactions, in one
 * transaction. On success the marks move and the reactions' counts change;
 * on failure nothing moves (the views go with the next flush) and every
 * reaction waiter hears ND_ESTORE. Called with c->lock held; drops it
 * around the store work.
 */
static int flush_locked(struct nd_counter *c)
{
	struct pending *batch = c->queue, *p;
	struct nd_reaction_op *ops = NULL;
	struct deltas ds = {0};
	int64_t now = c->o.now(c->o.now_ctx);
	size_t nops = 0;
	int rc;

	c->queue = NULL;
	pthread_mutex_unlock(&c->lock);

	collect(c, now / 3600, &ds);
	for (p = batch; p; p = p->next)
		nops++;
	ops = nd_xcalloc(nops + 1, sizeof(*ops));
	nops = 0;
	for (p = batch; p; p = p->next)
		ops[nops++] = p->op;
	rc = ds.n || nops ? nd_store_counts_apply(c->store, ds.d, ds.n, ops, nops) : 0;
	if (rc) {
		nd_log(ND_LOG_ERROR,
		       "counter: flushing %zu view counts and %zu reactions failed: %s", ds.n, nops,
		       nd_strerror(rc));
		c->rescan = true;
	} else {
		c->rescan = false;
		for (size_t i = 0; i < ds.n; i++)
			*ds.mark[i] = ds.to[i];
		absorb(c, &ds, now, true);
		if (c->o.on_flush)
			c->o.on_flush(c->o.on_flush_ctx, ds.d, ds.n, now);
	}

	/* Once a day (and at start): hours older than ND_COUNTER_HOUR_DAYS
	 * become days. */
	if (!rc && now / 86400 != c->compacted_day) {
		int crc =
		    nd_store_views_compact(c->store, (now / 86400 - ND_COUNTER_HOUR_DAYS) * 24);

		if (crc)
			nd_log(ND_LOG_WARN, "counter: folding old hours into days failed: %s",
			       nd_strerror(crc));
		else
			c->compacted_day = now / 86400;
	}

	pthread_mutex_lock(&c->lock);
	nops = 0;
	for (p = batch; p; p = p->next) {
		const struct nd_reaction_op *op = &ops[nops++];

		p->rc = rc ? ND_ESTORE : op->result == ND_ENOTFOUND ? ND_ENOTFOUND : 0;
		p->op.result = op->result;
		if (!rc && (op->result == 1 || op->result == -1))
			totals_set(&c->reactions[p->type], p->article,
			           totals_get(&c->reactions[p->type], p->article) +
			               (uint64_t)(int64_t)op->result);
		p->done = true;
	}
	free(ops);
	free(ds.d);
	free(ds.mark);
	free(ds.to);
	return rc;
}

/*
 * The stored totals, the node log's end and the caller's on_load, in one
 * snapshot: the log rows after the mark are exactly the changes the totals
 * lack.
 */
static int load(struct nd_counter *c)
{
	int rc = nd_store_read_begin(c->store), end;

	if (rc)
		return rc;
	if ((rc = nd_store_nodelog_mark(c->store, &c->log_mark)) == 0 &&
	    (rc = nd_store_each_article_views(c->store, load_view, c)) == 0 &&
	    (rc = nd_store_each_reaction_count(c->store, load_reaction, c)) == 0 && c->o.on_load)
		rc = c->o.on_load(c->o.on_load_ctx, c->store);
	end = nd_store_read_end(c->store);
	return rc ? rc : end;
}

/* A random node id > 0 (the clock's when the system has no random bytes). */
static int64_t random_node(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)clock();
	v &= (uint64_t)INT64_MAX;
	return v ? (int64_t)v : 1;
}

int64_t nd_counter_node(const struct nd_counter *c)
{
	return c->o.node;
}

/* base + ms. */
static struct timespec after_ms(struct timespec base, int ms)
{
	base.tv_sec += ms / 1000;
	base.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (base.tv_nsec >= 1000000000L) {
		base.tv_sec++;
		base.tv_nsec -= 1000000000L;
	}
	return base;
}

/*
 * A look at the other nodes' rows between flushes (docs/internals/
 * node-sync.md). Called with c->lock held; drops it around the store work.
 * on_flush hears only of what it found, so a node alone sees no extra
 * calls. A failure is left for the next flush to report.
 */
static void poll_locked(struct nd_counter *c)
{
	struct deltas ds = {0};
	int64_t now = c->o.now(c->o.now_ctx);

	pthread_mutex_unlock(&c->lock);
	absorb(c, &ds, now, false);
	if (ds.n && c->o.on_flush)
		c->o.on_flush(c->o.on_flush_ctx, ds.d, ds.n, now);
	free(ds.d);
	free(ds.mark);
	free(ds.to);
	pthread_mutex_lock(&c->lock);
}

static void *flusher(void *arg)
{
	struct nd_counter *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct timespec start, until;
		uint64_t asked;
		bool stop;

		/* Wait first: a flush is due flush_ms after the last one (or
		 * after the start), at once when asked, when a reaction waits
		 * or at stop. Meanwhile, POLLS - 1 looks at the other nodes'
		 * rows. */
		clock_gettime(CLOCK_REALTIME, &start);
		for (int k = 1;; k++) {
			until = after_ms(start, (int)((int64_t)c->o.flush_ms * k / POLLS));
			while (!c->queue && c->flush_asked == c->flush_done && !c->stop &&
			       pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT)
				;
			if (k >= POLLS || c->queue || c->flush_asked != c->flush_done || c->stop)
				break;
			poll_locked(c);
		}
		asked = c->flush_asked;
		stop = c->stop;
		c->last_rc = flush_locked(c);
		c->flush_done = asked;
		pthread_cond_broadcast(&c->done);
		if (stop)
			break;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int nd_counter_react(struct nd_counter *c, uint32_t article, size_t type, const uint8_t visitor[17],
                     enum nd_react_op op, int *result)
{
	/* On the heap: the flusher holds it in its queue until done. */
	struct pending *p = nd_xcalloc(1, sizeof(*p));
	int rc;

	*result = 0;
	if (type >= c->o.type_count) {
		free(p);
		return nd_error(ND_EINVAL, "no reaction type %zu", type);
	}
	p->op = (struct nd_reaction_op){.article_id = article,
	                                .type = c->o.types[type],
	                                .op = op,
	                                .at = c->o.now(c->o.now_ctx)};
	memcpy(p->op.visitor, visitor, sizeof(p->op.visitor));
	p->article = article;
	p->type = type;
	pthread_mutex_lock(&c->lock);
	p->next = c->queue;
	c->queue = p;
	pthread_cond_signal(&c->wake);
	while (!p->done)
		pthread_cond_wait(&c->done, &c->lock);
	pthread_mutex_unlock(&c->lock);
	*result = p->rc ? 0 : p->op.result;
	rc = p->rc;
	free(p);
	return rc;
}

int nd_counter_flush(struct nd_counter *c)
{
	uint64_t ticket;
	int rc;

	pthread_mutex_lock(&c->lock);
	ticket = ++c->flush_asked;
	pthread_cond_signal(&c->wake);
	while (c->flush_done < ticket)
		pthread_cond_wait(&c->done, &c->lock);
	rc = c->last_rc;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int nd_counter_open(const struct nd_counter_options *o, struct nd_counter **out)
{
	struct nd_counter *c = nd_xcalloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	c->o = *o;
	if (c->o.flush_ms <= 0)
		c->o.flush_ms = 1000;
	if (!c->o.now)
		c->o.now = clock_now;
	if (c->o.node <= 0)
		c->o.node = random_node();
	ND_ASSERT(c->o.type_count <= ND_REACTION_TYPES_MAX);
	if ((rc = nd_store_open(o->db_url, &c->store)) ||
	    (rc = nd_store_nodelog_as(c->store, c->o.node)) || (rc = load(c)))
		goto fail;
	c->log_pruned = c->o.now(c->o.now_ctx) - LOG_PRUNE_EVERY;
	pthread_mutex_init(&c->shards_lock, NULL);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->done, NULL);
	if (pthread_key_create(&c->key, NULL) || pthread_create(&c->thread, NULL, flusher, c))
		ND_BUG("counter: cannot start the flusher thread");
	*out = c;
	return 0;
fail:
	nd_store_close(c->store);
	totals_free(&c->views);
	for (size_t i = 0; i < ND_REACTION_TYPES_MAX; i++)
		totals_free(&c->reactions[i]);
	free(c);
	return rc;
}

void nd_counter_close(struct nd_counter *c)
{
	struct nd_shard *s, *next;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	for (s = atomic_load_explicit(&c->shards, memory_order_relaxed); s; s = next) {
		next = s->next;
		nd_shard_free(s);
	}
	pthread_key_delete(c->key);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->shards_lock);
	nd_store_close(c->store);
	totals_free(&c->views);
	for (size_t i = 0; i < ND_REACTION_TYPES_MAX; i++)
		totals_free(&c->reactions[i]);
	free(c->reads);
	free(c);
}
