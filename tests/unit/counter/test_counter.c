/*
 * Tests for src/counter/counter.c and shard.c: live counts before any flush,
 * exact flushes from several threads, hours across a boundary, reactions
 * acknowledged only once stored, totals that survive a reopen; and two
 * counters on one database as two nodes (docs/internals/node-sync.md): each
 * sees the other's views, reactions and reads after a flush, once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "counter/counter.h"
#include "helpers/temp_db.h"
#include "store/store.h"

struct fixture {
	struct temp_db db; /* SQLite, or PostgreSQL under ND_TEST_STORE=pg */
	char url[520];
	int64_t a, b; /* two articles' row ids */
	int64_t now;  /* the counter's clock */
	/* What on_flush saw. */
	pthread_mutex_t lock;
	int64_t flushed_views, flushed_by_hour[2];
	int64_t first_hour;
};

static int64_t fake_now(void *ctx)
{
	struct fixture *f = ctx;

	return __atomic_load_n(&f->now, __ATOMIC_RELAXED);
}

static void on_flush(void *ctx, const struct nd_view_delta *d, size_t n, int64_t now)
{
	struct fixture *f = ctx;

	(void)now;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < n; i++) {
		f->flushed_views += d[i].views;
		if (d[i].hour - f->first_hour >= 0 && d[i].hour - f->first_hour < 2)
			f->flushed_by_hour[d[i].hour - f->first_hour] += d[i].views;
	}
	pthread_mutex_unlock(&f->lock);
}

static int take_id(void *ctx, const struct nd_article_rec *r)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int64_t put(struct nd_store *s, const char *ext_id)
{
	struct nd_article_in in = {.ext_id = ext_id, .title = ext_id, .body = "Body."};
	bool created;
	int64_t id = 0;

	assert_int_equal(nd_store_article_put(s, &in, &created), 0);
	assert_int_equal(nd_store_article_get(s, ext_id, take_id, &id), 0);
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nd_store *s;

	if (!f || temp_db_make(&f->db, "counter"))
		return -1;
	snprintf(f->url, sizeof(f->url), "%s%s", temp_db_is_pg() ? "" : "sqlite:", f->db.url);
	if (nd_store_open(f->url, &s))
		return -1;
	f->a = put(s, "a");
	f->b = put(s, "b");
	nd_store_close(s);
	f->now = 1700000000 - 1700000000 % 3600 + 3599; /* the last second of an hour */
	f->first_hour = f->now / 3600;
	pthread_mutex_init(&f->lock, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	temp_db_remove(&f->db);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return 0;
}

static struct nd_counter *open_counter(struct fixture *f)
{
	struct nd_counter_options o = {.db_url = f->url,
	                               .flush_ms = 60000, /* only explicit flushes */
	                               .types = {"verygood", "sad"},
	                               .type_count = 2,
	                               .on_flush = on_flush,
	                               .on_flush_ctx = f,
	                               .now = fake_now,
	                               .now_ctx = f};
	struct nd_counter *c;

	assert_int_equal(nd_counter_open(&o, &c), 0);
	return c;
}

struct one_article {
	int64_t id, views;
};

static int take_views(void *ctx, int64_t article, int64_t views)
{
	struct one_article *o = ctx;

	if (article == o->id)
		o->views = views;
	return 0;
}

/* The views stored for article, read through a handle of its own. */
static int64_t stored_views(struct fixture *f, int64_t article)
{
	struct one_article o = {article, 0};
	struct nd_store *s;

	assert_int_equal(nd_store_open(f->url, &s), 0);
	assert_int_equal(nd_store_each_article_views(s, take_views, &o), 0);
	nd_store_close(s);
	return o.views;
}

static void test_live_before_flush(void **state)
{
	struct fixture *f = *state;
	struct nd_counter *c = open_counter(f);

	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 0);
	for (int i = 0; i < 5; i++)
		nd_counter_view(c, (uint32_t)f->a, f->now);
	nd_counter_view(c, (uint32_t)f->b, f->now);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 5);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->b), 1);
	assert_int_equal(stored_views(f, f->a), 0); /* nothing flushed yet */
	assert_int_equal(nd_counter_flush(c), 0);
	assert_int_equal(stored_views(f, f->a), 5);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 5); /* not counted twice */
	assert_int_equal(nd_counter_flush(c), 0);                 /* nothing new: no change */
	assert_int_equal(stored_views(f, f->a), 5);
	assert_int_equal(f->flushed_views, 6);
	nd_counter_close(c);

	/* Reopened: the stored totals are the base. */
	c = open_counter(f);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 5);
	nd_counter_view(c, (uint32_t)f->a, f->now);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 6);
	nd_counter_close(c); /* flushes what is left */
	assert_int_equal(stored_views(f, f->a), 6);
}

struct viewer {
	struct nd_counter *c;
	uint32_t article;
	int n;
	int64_t now;
};

static void *view_many(void *arg)
{
	struct viewer *v = arg;

	for (int i = 0; i < v->n; i++)
		nd_counter_view(v->c, v->article, v->now);
	return NULL;
}

static void test_threads_and_concurrent_flushes(void **state)
{
	struct fixture *f = *state;
	struct nd_counter *c = open_counter(f);
	pthread_t t[4];
	struct viewer v[4];

	for (int i = 0; i < 4; i++) {
		v[i] = (struct viewer){c, (uint32_t)(i % 2 ? f->a : f->b), 25000, f->now};
		pthread_create(&t[i], NULL, view_many, &v[i]);
	}
	/* Flushes while the threads count: nothing lost, nothing twice. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(nd_counter_flush(c), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->a), 50000);
	assert_int_equal(nd_counter_views(c, (uint32_t)f->b), 50000);
	assert_int_equal(nd_counter_flush(c), 0);
	assert_int_equal(stored_views(f, f->a), 50000);
	assert_int_equal(stored_views(f, f->b), 50000);
	assert_int_equal(f->flushed_views, 100000);
	nd_counter_close(c);
}

static void test_hour_boundary(void **state)
{
	struct fixture *f = *state;
	struct nd_counter *c = open_counter(f);

	/* 10:59:59 and 11:00:00 in one flush: two hours. */
	nd_counter_view(c, (uint32_t)f->a, f->now);
	nd_counter_view(c, (uint32_t)f->a, f->now);
	nd_counter_view(c, (uint32_t)f->a, f->now + 1);
	__atomic_store_n(&f->now, f->now + 1, __ATOMIC_RELAXED);
	assert_int_equal(nd_counter_flush(c), 0);
	assert_int_equal(f->flushed_by_hour[0], 2);
	assert_int_equal(f->flushed_by_hour[1], 1);
	nd_counter_close(c);
}

static void test_reactions(void **state)
{
	struct fixture *f = *state;
	struct nd_counter *c = open_counter(f);
	uint8_t me[17] = {'c', 1}, you[17] = {'c', 2};
	int r;

	assert_int_equal(nd_counter_type(c, "verygood", 8), 0);
	assert_int_equal(nd_counter_type(c, "sad", 3), 1);
	assert_int_equal(nd_counter_type(c, "angry", 5), -1);
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 0, me, ND_REACT_ADD, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 0, me, ND_REACT_ADD, &r), 0);
	assert_int_equal(r, 0); /* one per visitor */
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 0, you, ND_REACT_TOGGLE, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(nd_counter_reactions(c, (uint32_t)f->a, 0), 2);
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 0, you, ND_REACT_TOGGLE, &r), 0);
	assert_int_equal(r, -1); /* pressed again: taken back */
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 1, you, ND_REACT_REMOVE, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(nd_counter_reactions(c, (uint32_t)f->a, 0), 1);
	assert_int_equal(nd_counter_reactions(c, (uint32_t)f->a, 1), 0);
	assert_int_equal(nd_counter_react(c, 999999, 0, me, ND_REACT_ADD, &r), ND_ENOTFOUND);
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 5, me, ND_REACT_ADD, &r), ND_EINVAL);
	nd_counter_close(c);

	/* Acknowledged means stored: a new counter reads them back. */
	c = open_counter(f);
	assert_int_equal(nd_counter_reactions(c, (uint32_t)f->a, 0), 1);
	assert_int_equal(nd_counter_react(c, (uint32_t)f->a, 0, me, ND_REACT_TOGGLE, &r), 0);
	assert_int_equal(r, -1);
	assert_int_equal(nd_counter_reactions(c, (uint32_t)f->a, 0), 0);
	nd_counter_close(c);
}

/* ------------------------------------------------------------------ */
/* Two nodes: two counters on one database */

/* What one node's hooks saw. */
struct node_seen {
	pthread_mutex_t lock;
	int64_t views, views_a, hour_first; /* on_flush: every delta, of article a, of hour 0 */
	int64_t a, first_hour;
	size_t reads;
	struct nd_history_rec last_read;
	int loads;
};

static void node_flushed(void *ctx, const struct nd_view_delta *d, size_t n, int64_t now)
{
	struct node_seen *w = ctx;

	(void)now;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < n; i++) {
		w->views += d[i].views;
		if (d[i].article_id == w->a)
			w->views_a += d[i].views;
		if (d[i].hour == w->first_hour)
			w->hour_first += d[i].views;
	}
	pthread_mutex_unlock(&w->lock);
}

static void node_read(void *ctx, const struct nd_history_rec *r, size_t n)
{
	struct node_seen *w = ctx;

	pthread_mutex_lock(&w->lock);
	w->reads += n;
	if (n)
		w->last_read = r[n - 1];
	pthread_mutex_unlock(&w->lock);
}

static int node_load(void *ctx, struct nd_store *s)
{
	struct node_seen *w = ctx;
	int64_t mark = -1;

	/* Inside the open's snapshot: the store answers reads. */
	assert_int_equal(nd_store_nodelog_mark(s, &mark), 0);
	assert_true(mark >= 0);
	w->loads++;
	return 0;
}

static struct nd_counter *open_node_every(struct fixture *f, struct node_seen *w, int64_t node,
                                          int flush_ms)
{
	struct nd_counter_options o = {.db_url = f->url,
	                               .flush_ms = flush_ms,
	                               .types = {"verygood", "sad"},
	                               .type_count = 2,
	                               .on_flush = node_flushed,
	                               .on_flush_ctx = w,
	                               .now = fake_now,
	                               .now_ctx = f,
	                               .node = node,
	                               .on_load = node_load,
	                               .on_load_ctx = w,
	                               .on_read = node_read,
	                               .on_read_ctx = w};
	struct nd_counter *c;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	w->a = f->a;
	w->first_hour = f->first_hour;
	assert_int_equal(nd_counter_open(&o, &c), 0);
	assert_int_equal(w->loads, 1);
	return c;
}

/* A node that flushes only when told. */
static struct nd_counter *open_node(struct fixture *f, struct node_seen *w, int64_t node)
{
	return open_node_every(f, w, node, 60000);
}

static void close_node(struct nd_counter *c, struct node_seen *w)
{
	nd_counter_close(c);
	pthread_mutex_destroy(&w->lock);
}

static uint64_t views2(struct nd_counter *c, int64_t article)
{
	return nd_counter_views(c, (uint32_t)article);
}

static void test_nodes_views(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node(f, &wb, 0);

	assert_true(nd_counter_node(na) > 0 && nd_counter_node(nb) > 0);
	assert_true(nd_counter_node(na) != nd_counter_node(nb));
	for (int i = 0; i < 3; i++)
		nd_counter_view(na, (uint32_t)f->a, f->now);
	for (int i = 0; i < 5; i++)
		nd_counter_view(nb, (uint32_t)f->a, f->now);
	nd_counter_view(nb, (uint32_t)f->b, f->now);
	/* Before any flush each node knows its own. */
	assert_int_equal(views2(na, f->a), 3);
	assert_int_equal(views2(nb, f->a), 5);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0); /* writes its own, reads A's */
	assert_int_equal(views2(nb, f->a), 8);
	assert_int_equal(views2(na, f->a), 3);
	assert_int_equal(nd_counter_flush(na), 0); /* reads B's */
	assert_int_equal(views2(na, f->a), 8);
	assert_int_equal(views2(na, f->b), 1);
	assert_int_equal(views2(nb, f->b), 1);
	/* Again: nothing is counted twice, by either. */
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(views2(na, f->a), 8);
	assert_int_equal(views2(nb, f->a), 8);
	assert_int_equal(stored_views(f, f->a), 8);
	/* The Ranking's hook saw every node's views once, with their hour. */
	assert_int_equal(wa.views, 9);
	assert_int_equal(wb.views, 9);
	assert_int_equal(wa.views_a, 8);
	assert_int_equal(wb.hour_first, 9);
	assert_int_equal(wa.reads + wb.reads, 0);
	close_node(na, &wa);
	close_node(nb, &wb);
}

static void test_nodes_ten_thousand(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node(f, &wb, 0);
	pthread_t t[4];
	struct viewer v[4];

	/* 10,000 views over both nodes and both articles, counted by four
	 * threads while both flush. */
	v[0] = (struct viewer){na, (uint32_t)f->a, 3000, f->now};
	v[1] = (struct viewer){na, (uint32_t)f->b, 1500, f->now};
	v[2] = (struct viewer){nb, (uint32_t)f->a, 2500, f->now};
	v[3] = (struct viewer){nb, (uint32_t)f->b, 3000, f->now};
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, view_many, &v[i]);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(nd_counter_flush(na), 0);
		assert_int_equal(nd_counter_flush(nb), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(views2(na, f->a) + views2(na, f->b), 10000);
	assert_int_equal(views2(nb, f->a) + views2(nb, f->b), 10000);
	assert_int_equal(views2(na, f->a), 5500);
	assert_int_equal(views2(nb, f->b), 4500);
	assert_int_equal(stored_views(f, f->a) + stored_views(f, f->b), 10000);
	assert_int_equal(wa.views, 10000);
	assert_int_equal(wb.views, 10000);
	close_node(na, &wa);
	close_node(nb, &wb);
}

static void test_nodes_reactions(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node(f, &wb, 0);
	uint8_t me[17] = {'c', 1}, you[17] = {'c', 2};
	int r;

	assert_int_equal(nd_counter_react(na, (uint32_t)f->a, 0, me, ND_REACT_ADD, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(nd_counter_react(nb, (uint32_t)f->a, 0, you, ND_REACT_ADD, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(nd_counter_react(nb, (uint32_t)f->a, 1, you, ND_REACT_ADD, &r), 0);
	/* B's reaction flush read A's: both. */
	assert_int_equal(nd_counter_reactions(nb, (uint32_t)f->a, 0), 2);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_reactions(na, (uint32_t)f->a, 0), 2);
	assert_int_equal(nd_counter_reactions(na, (uint32_t)f->a, 1), 1);
	/* Taken back on the other node than it was given on. */
	assert_int_equal(nd_counter_react(nb, (uint32_t)f->a, 0, me, ND_REACT_TOGGLE, &r), 0);
	assert_int_equal(r, -1);
	/* Given again on A, which already has it: no change, nothing logged. */
	assert_int_equal(nd_counter_react(na, (uint32_t)f->a, 0, you, ND_REACT_ADD, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(nd_counter_reactions(na, (uint32_t)f->a, 0), 1);
	assert_int_equal(nd_counter_reactions(nb, (uint32_t)f->a, 0), 1);
	assert_int_equal(nd_counter_reactions(na, (uint32_t)f->a, 1), 1);
	assert_int_equal(nd_counter_reactions(nb, (uint32_t)f->a, 1), 1);
	close_node(na, &wa);
	close_node(nb, &wb);
}

static void test_nodes_restart(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb, wc;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node(f, &wb, 0), *nc;
	uint8_t me[17] = {'c', 1};
	int r;

	for (int i = 0; i < 4; i++)
		nd_counter_view(na, (uint32_t)f->a, f->now);
	assert_int_equal(nd_counter_react(na, (uint32_t)f->a, 0, me, ND_REACT_ADD, &r), 0);
	assert_int_equal(nd_counter_flush(na), 0);
	/* B stops before reading A's flush; a new B starts from the totals,
	 * which hold A's views: the log rows before its start are not
	 * counted again. */
	close_node(nb, &wb);
	nb = open_node(f, &wb, 0);
	assert_int_equal(views2(nb, f->a), 4);
	assert_int_equal(nd_counter_reactions(nb, (uint32_t)f->a, 0), 1);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(views2(nb, f->a), 4);
	assert_int_equal(nd_counter_reactions(nb, (uint32_t)f->a, 0), 1);
	assert_int_equal(wb.views, 0);
	/* What A counts next does reach it. */
	for (int i = 0; i < 2; i++)
		nd_counter_view(na, (uint32_t)f->a, f->now);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(views2(nb, f->a), 6);
	assert_int_equal(wb.views, 2);
	/* A node restarted under the same id also starts right. */
	nc = open_node(f, &wc, nd_counter_node(na));
	assert_int_equal(views2(nc, f->a), 6);
	assert_int_equal(nd_counter_flush(nc), 0);
	assert_int_equal(views2(nc, f->a), 6);
	close_node(nc, &wc);
	close_node(na, &wa);
	close_node(nb, &wb);
}

static void test_nodes_reads(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node(f, &wb, 0);
	struct nd_history_rec h[2] = {{{'c', 7}, f->a, f->now - 60}, {{'c', 7}, f->b, f->now}};
	struct nd_store *s;

	/* A's reading histories are written on a handle of A's node. */
	assert_int_equal(nd_store_open(f->url, &s), 0);
	assert_int_equal(nd_store_nodelog_as(s, nd_counter_node(na)), 0);
	assert_int_equal(nd_store_history_add(s, h, 2), 0);
	assert_int_equal(nd_store_history_add(s, h, 2), 0); /* not new: not logged */
	nd_store_close(s);
	assert_int_equal(nd_counter_flush(na), 0);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(wa.reads, 0); /* its own */
	assert_int_equal(wb.reads, 2);
	assert_memory_equal(wb.last_read.visitor, h[1].visitor, 17);
	assert_int_equal(wb.last_read.article_id, f->b);
	assert_int_equal(wb.last_read.at, f->now);
	assert_int_equal(nd_counter_flush(nb), 0);
	assert_int_equal(wb.reads, 2); /* once */
	close_node(na, &wa);
	close_node(nb, &wb);
}

/* Between its flushes a node looks at the others' rows four times per
 * interval: B, flushing every 4 s, sees A's flush within about 1 s. */
static void test_nodes_poll(void **state)
{
	struct fixture *f = *state;
	struct node_seen wa, wb;
	struct nd_counter *na = open_node(f, &wa, 0), *nb = open_node_every(f, &wb, 0, 12000);
	struct timespec t0, t;
	double waited = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 3; i++)
		nd_counter_view(na, (uint32_t)f->a, f->now);
	assert_int_equal(nd_counter_flush(na), 0);
	while (views2(nb, f->a) < 3 && waited < 10) {
		usleep(20000);
		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
	}
	/* Generous (ASan on a busy machine once took over 3.5 s), but under
	 * B's 12 s flush interval: the poll, not B's flush, brought them. */
	assert_int_equal(views2(nb, f->a), 3);
	assert_true(waited < 10);
	pthread_mutex_lock(&wb.lock);
	assert_int_equal(wb.views, 3); /* the Ranking heard of them too */
	pthread_mutex_unlock(&wb.lock);
	close_node(na, &wa);
	close_node(nb, &wb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_live_before_flush, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads_and_concurrent_flushes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hour_boundary, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_views, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_ten_thousand, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_reactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nodes_poll, setup, teardown),
	};

	nd_log_level = ND_LOG_NONE;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
