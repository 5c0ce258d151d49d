/*
 * nd_bench_flush: how fast a store takes the counter's flushes
 * (nd_store_counts_apply: views by article and hour, in one transaction),
 * as one node or as several flushing into the same database at once.
 *
 *	nd_bench_flush URL [ARTICLES [BATCH [SECONDS [NODES]]]]
 *
 * URL is any store (a SQLite path, postgres://...). It gets ARTICLES
 * articles (default 1,000; those there are kept), then NODES threads
 * (default 1), each with a store handle of its own as a node has, apply
 * batches of BATCH deltas (default 500: about what one node flushes per
 * second from 500 articles read) on random articles of the current hour,
 * for SECONDS (default 5). Prints batches/s, deltas/s and the batch time's
 * p50/p99 per node count; the figures go to stdout, progress to stderr.
 */
#define BENCH_NAME "nd_bench_flush"
#include "bench.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"

#define MAX_NODES 16

struct node {
	const char *url;
	const int64_t *ids;
	size_t n_ids, batch;
	double seconds;
	unsigned seed;
	/* out */
	size_t batches, busy;
	double *ms; /* per batch */
	size_t ms_cap;
};

static int collect(void *ctx, const struct nd_article_rec *a)
{
	struct {
		int64_t *ids;
		size_t n, cap;
	} *c = ctx;

	if (c->n < c->cap)
		c->ids[c->n++] = a->id;
	return 0;
}

/* Makes sure the store has n articles; their ids in ids (n of them). */
static size_t articles(struct nd_store *s, int64_t *ids, size_t n)
{
	struct {
		int64_t *ids;
		size_t n, cap;
	} c = {ids, 0, n};

	for (size_t i = 0; i < n; i++) {
		char ext[32], title[64];
		struct nd_article_in in = {.ext_id = ext,
		                           .title = title,
		                           .body = "Flush bench body.",
		                           .section = "Bench",
		                           .status = ND_STATUS_PUBLISHED,
		                           .published_at = 1700000000};

		snprintf(ext, sizeof(ext), "flush-%zu", i);
		snprintf(title, sizeof(title), "Flush bench article %zu", i);
		if (i == 0 && nd_store_begin(s))
			fail("cannot begin");
		if (nd_store_article_put(s, &in, NULL))
			fail("cannot add article %zu", i);
	}
	if (nd_store_commit(s))
		fail("cannot commit the articles");
	if (nd_store_each_article(s, ND_STATUS_PUBLISHED, INT64_MAX, collect, &c))
		fail("cannot list the articles");
	return c.n;
}

static void *run_node(void *arg)
{
	struct node *nd = arg;
	struct nd_store *s;
	struct nd_view_delta *d = calloc(nd->batch, sizeof(*d));
	int64_t hour = (int64_t)time(NULL) / 3600;
	double end;

	if (!d || nd_store_open(nd->url, &s))
		fail("node cannot open the store");
	end = now_s() + nd->seconds;
	while (now_s() < end) {
		double t0;
		int rc;

		for (size_t i = 0; i < nd->batch; i++)
			d[i] = (struct nd_view_delta){.article_id = nd->ids[rand_r(&nd->seed) % nd->n_ids],
			                              .hour = hour,
			                              .views = 1 + (uint32_t)(rand_r(&nd->seed) % 5)};
		t0 = now_s();
		rc = nd_store_counts_apply(s, d, nd->batch, NULL, 0);
		if (rc == ND_EBUSY) {
			nd->busy++;
			continue;
		}
		if (rc)
			fail("a flush failed (%d)", rc);
		if (nd->batches == nd->ms_cap) {
			nd->ms_cap = nd->ms_cap ? nd->ms_cap * 2 : 1024;
			if (!(nd->ms = realloc(nd->ms, nd->ms_cap * sizeof(double))))
				fail("out of memory");
		}
		nd->ms[nd->batches++] = (now_s() - t0) * 1000;
	}
	nd_store_close(s);
	free(d);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : NULL;
	size_t n_art = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
	size_t batch = argc > 3 ? strtoul(argv[3], NULL, 10) : 500;
	double seconds = argc > 4 ? strtod(argv[4], NULL) : 5;
	size_t nodes = argc > 5 ? strtoul(argv[5], NULL, 10) : 1;
	struct node nd[MAX_NODES] = {0};
	pthread_t th[MAX_NODES];
	struct nd_store *s;
	int64_t *ids;
	double *all, t0, wall;
	size_t n_ids, total = 0, busy = 0, k = 0;

	if (!url || !n_art || !batch || seconds <= 0 || !nodes || nodes > MAX_NODES)
		fail("usage: nd_bench_flush URL [ARTICLES [BATCH [SECONDS [NODES<=16]]]]");
	nd_log_level = ND_LOG_WARN;
	if (!(ids = calloc(n_art, sizeof(*ids))))
		fail("out of memory");
	if (nd_store_open(url, &s))
		fail("cannot open the store");
	progress("making sure of %zu articles", n_art);
	n_ids = articles(s, ids, n_art);
	nd_store_close(s);
	progress("%zu node(s) flushing batches of %zu deltas for %.0f s", nodes, batch, seconds);
	t0 = now_s();
	for (size_t i = 0; i < nodes; i++) {
		nd[i] = (struct node){.url = url,
		                      .ids = ids,
		                      .n_ids = n_ids,
		                      .batch = batch,
		                      .seconds = seconds,
		                      .seed = 7919u * (unsigned)(i + 1)};
		if (pthread_create(&th[i], NULL, run_node, &nd[i]))
			fail("cannot start a node thread");
	}
	for (size_t i = 0; i < nodes; i++) {
		pthread_join(th[i], NULL);
		total += nd[i].batches;
		busy += nd[i].busy;
	}
	wall = now_s() - t0;
	if (!total || !(all = malloc(total * sizeof(double))))
		fail("no batch was applied");
	for (size_t i = 0; i < nodes; i++) {
		memcpy(all + k, nd[i].ms, nd[i].batches * sizeof(double));
		k += nd[i].batches;
		free(nd[i].ms);
	}
	qsort(all, total, sizeof(double), cmp_double);
	printf("RESULT nodes=%zu batch=%zu batches_per_s=%.1f deltas_per_s=%.0f p50_ms=%.2f "
	       "p99_ms=%.2f busy=%zu\n",
	       nodes, batch, (double)total / wall, (double)total * (double)batch / wall,
	       all[total / 2], all[(size_t)((double)total * 0.99)], busy);
	free(all);
	free(ids);
	return 0;
}
