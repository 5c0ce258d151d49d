/*
 * Tests for the node log of src/store (0009-node-log.sql): what a handle
 * given a node logs with its counter and history writes, in the same
 * transaction; what another node reads back, in order; the prune that never
 * lets an id be handed out twice.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s;
	int64_t a; /* an article's row id */
};

static int take_id(void *ctx, const struct nd_article_rec *r)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nd_article_in in = {.ext_id = "a", .title = "A", .body = "Body."};
	bool created;

	if (!f || temp_db_make(&f->db, "nodelog"))
		return -1;
	nd_log_level = ND_LOG_ERROR + 1;
	if (nd_store_open(f->db.url, &f->s) || nd_store_article_put(f->s, &in, &created) ||
	    nd_store_article_get(f->s, "a", take_id, &f->a) || f->a <= 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nd_store_close(f->s);
	temp_db_remove(&f->db);
	free(f);
	return 0;
}

/* What a walk saw; type and views are copied (into types[i], views[i]),
 * since they are borrowed for the callback only. */
struct seen {
	size_t n;
	struct nd_nodelog_rec r[16];
	char types[16][16];
	struct nd_view_delta views[16][4];
};

static int collect(void *ctx, const struct nd_nodelog_rec *rec)
{
	struct seen *w = ctx;

	if (w->n < 16) {
		w->r[w->n] = *rec;
		snprintf(w->types[w->n], sizeof(w->types[0]), "%s", rec->type);
		w->r[w->n].type = NULL; /* types[n] */
		assert_true(rec->nviews <= 4);
		if (rec->nviews)
			memcpy(w->views[w->n], rec->views, rec->nviews * sizeof(*rec->views));
		w->r[w->n].views = NULL; /* views[n] */
	}
	w->n++;
	return 0;
}

static struct seen since(struct fixture *f, int64_t after, int64_t node)
{
	struct seen w = {0};

	assert_int_equal(nd_store_nodelog_since(f->s, after, node, collect, &w), 0);
	return w;
}

static int64_t mark(struct fixture *f)
{
	int64_t m = -1;

	assert_int_equal(nd_store_nodelog_mark(f->s, &m), 0);
	return m;
}

static void test_no_node_no_log(void **state)
{
	struct fixture *f = *state;
	struct nd_view_delta v = {f->a, 400000, 3};
	struct nd_reaction_op r = {.article_id = f->a, .type = "verygood", .visitor = {'c', 1}};
	struct nd_history_rec h = {{'c', 1}, f->a, 1700000000};

	assert_int_equal(nd_store_counts_apply(f->s, &v, 1, &r, 1), 0);
	assert_int_equal(nd_store_history_add(f->s, &h, 1), 0);
	assert_int_equal(mark(f), 0);
	assert_int_equal(since(f, 0, 1).n, 0);
}

static void test_rows_of_each_kind(void **state)
{
	struct fixture *f = *state;
	/* One row for the flush's deltas; the 2nd's article does not exist. */
	struct nd_view_delta v[3] = {{f->a, 400000, 3}, {999999, 400000, 5}, {f->a, 400001, 70000}};
	struct nd_reaction_op r[3] = {
	    {.article_id = f->a, .type = "verygood", .visitor = {'c', 1}, .at = 1700000001},
	    {.article_id = f->a, .type = "verygood", .visitor = {'c', 1}}, /* again: no change */
	    {.article_id = f->a,
	     .type = "verygood",
	     .visitor = {'c', 1},
	     .op = ND_REACT_TOGGLE,
	     .at = 1700000002}};
	struct nd_history_rec h = {{'c', 9, 8}, f->a, 1700000003};
	struct seen w;

	assert_int_equal(nd_store_nodelog_as(f->s, 7), 0);
	assert_int_equal(nd_store_counts_apply(f->s, v, 3, r, 3), 0);
	assert_int_equal(nd_store_history_add(f->s, &h, 1), 0);
	assert_int_equal(nd_store_history_add(f->s, &h, 1), 0); /* not new: not logged */

	w = since(f, 0, 8); /* another node reads them all, in order */
	assert_int_equal(w.n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(w.r[i].node, 7);
		assert_int_equal(w.r[i].article_id, i ? f->a : 0);
		assert_true(i == 0 || w.r[i].id > w.r[i - 1].id);
	}
	assert_int_equal(w.r[0].kind, ND_NODELOG_VIEWS);
	assert_int_equal(w.r[0].nviews, 2);
	assert_int_equal(w.views[0][0].article_id, f->a);
	assert_int_equal(w.views[0][0].hour, 400000);
	assert_int_equal(w.views[0][0].views, 3);
	assert_int_equal(w.views[0][1].hour, 400001);
	assert_int_equal(w.views[0][1].views, 70000);
	assert_int_equal(w.r[1].nviews, 0);
	assert_int_equal(w.r[1].kind, ND_NODELOG_REACTION);
	assert_string_equal(w.types[1], "verygood");
	assert_int_equal(w.r[1].reaction, 1);
	assert_int_equal(w.r[1].at, 1700000001);
	assert_int_equal(w.r[2].kind, ND_NODELOG_REACTION);
	assert_int_equal(w.r[2].reaction, -1);
	assert_int_equal(w.r[3].kind, ND_NODELOG_READ);
	assert_memory_equal(w.r[3].visitor, h.visitor, ND_STORE_VISITOR_LEN);
	assert_int_equal(w.r[3].at, 1700000003);
	assert_int_equal(mark(f), w.r[3].id);

	/* From a mark: only what came after. */
	w = since(f, w.r[1].id, 8);
	assert_int_equal(w.n, 2);
	/* The writer itself gets only the newest row, to move its mark. */
	w = since(f, 0, 7);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.r[0].id, mark(f));
	assert_int_equal(since(f, mark(f), 7).n, 0);
	assert_int_equal(since(f, mark(f), 8).n, 0);

	/* Stopped: no more rows. */
	assert_int_equal(nd_store_nodelog_as(f->s, 0), 0);
	assert_int_equal(nd_store_counts_apply(f->s, v, 1, NULL, 0), 0);
	assert_int_equal(since(f, 0, 8).n, 4);
}

static void test_inside_a_transaction(void **state)
{
	struct fixture *f = *state;
	struct nd_view_delta v = {f->a, 400000, 2};

	/* Logged with the counts it goes with: a rollback takes both. */
	assert_int_equal(nd_store_nodelog_as(f->s, 7), 0);
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_counts_apply(f->s, &v, 1, NULL, 0), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_int_equal(mark(f), 0);
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_counts_apply(f->s, &v, 1, NULL, 0), 0);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(since(f, 0, 8).n, 1);
}

static void test_prune_keeps_the_newest(void **state)
{
	struct fixture *f = *state;
	struct nd_view_delta v = {f->a, 400000, 1};
	int64_t deleted = -1, last;

	assert_int_equal(nd_store_nodelog_as(f->s, 7), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(nd_store_counts_apply(f->s, &v, 1, NULL, 0), 0);
	last = mark(f);
	assert_int_equal(nd_store_nodelog_prune(f->s, 3600, &deleted), 0);
	assert_int_equal(deleted, 0); /* all younger than an hour */
	/* A second later every row is older than 0 s; all go but the newest. */
	sleep(1);
	assert_int_equal(nd_store_nodelog_prune(f->s, 0, &deleted), 0);
	assert_int_equal(deleted, 2);
	assert_int_equal(since(f, 0, 8).n, 1);
	assert_int_equal(mark(f), last);
	v.views = 4;
	assert_int_equal(nd_store_counts_apply(f->s, &v, 1, NULL, 0), 0);
	/* The next id is still above every mark handed out. */
	assert_true(mark(f) > last);
	assert_int_equal(since(f, last, 8).n, 1);
	assert_int_equal(since(f, last, 8).r[0].nviews, 1);
	assert_int_equal(since(f, last, 8).views[0][0].views, 4);
	assert_int_equal(nd_store_nodelog_prune(f->s, -1, NULL), ND_EINVAL);
	assert_int_equal(nd_store_nodelog_as(f->s, -1), ND_EINVAL);
}

/* Concurrent writers and a reader that polls from its mark. */
struct writer {
	const char *url;
	int64_t a, node;
	int batches;
	int rc;
	int *done; /* incremented at the end */
};

static void *write_views(void *arg)
{
	struct writer *w = arg;
	struct nd_view_delta v = {w->a, 400000, 1};
	struct nd_store *s;

	if ((w->rc = nd_store_open(w->url, &s)) != 0 || (w->rc = nd_store_nodelog_as(s, w->node))) {
		__atomic_add_fetch(w->done, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	/* Each batch waits a little between its insert and its commit, as a
	 * slow flush would: without the lock a later id would commit first. */
	for (int i = 0; i < w->batches && !w->rc; i++) {
		if ((w->rc = nd_store_begin(s)) != 0)
			break;
		if ((w->rc = nd_store_counts_apply(s, &v, 1, NULL, 0)) != 0) {
			nd_store_rollback(s);
			break;
		}
		usleep((useconds_t)(i * 7919 % 1000));
		w->rc = nd_store_commit(s);
	}
	nd_store_close(s);
	__atomic_add_fetch(w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

struct poller {
	int64_t mark, views;
};

static int add_views(void *ctx, const struct nd_nodelog_rec *rec)
{
	struct poller *p = ctx;

	p->mark = rec->id;
	for (size_t i = 0; i < rec->nviews; i++)
		p->views += rec->views[i].views;
	return 0;
}

/*
 * Ids are taken at insert but rows show at commit: a reader of `id > mark`
 * relies on the writers' lock to never pass over a row that commits late.
 * Four writers race while the reader polls; every view must reach it.
 */
static void test_reader_misses_nothing(void **state)
{
	struct fixture *f = *state;
	struct writer w[4];
	pthread_t t[4];
	struct poller p = {0};
	int done = 0;

	for (int i = 0; i < 4; i++) {
		/* An article each: no row lock of the counts orders them. */
		char ext_id[8];
		struct nd_article_in in = {.ext_id = ext_id, .title = "W", .body = "Body."};
		bool created;
		int64_t id = 0;

		snprintf(ext_id, sizeof(ext_id), "w%d", i);
		assert_int_equal(nd_store_article_put(f->s, &in, &created), 0);
		assert_int_equal(nd_store_article_get(f->s, ext_id, take_id, &id), 0);
		w[i] = (struct writer){f->db.url, id, 100 + i, 150, 0, &done};
	}
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, write_views, &w[i]);
	/* The reader polls while they write (a skipped row is never read). */
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < 4)
		assert_int_equal(nd_store_nodelog_since(f->s, p.mark, 1, add_views, &p), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, 0);
	}
	assert_int_equal(nd_store_nodelog_since(f->s, p.mark, 1, add_views, &p), 0);
	assert_int_equal(p.views, 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_node_no_log, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_of_each_kind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inside_a_transaction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prune_keeps_the_newest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_misses_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
