/*
 * Tests for src/handler/reading.c: histories loaded from the store at
 * start (old rows purged, re-reads moved to the front, co-visitation
 * replayed), views queued and written by the flush and at close, and the
 * daily purge; other nodes' reads (nd_reading_remote). nd_reading_declined needs a live connection:
 * the e2e tests (6003) send it DNT and Sec-GPC.
 */
#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "handler/reading.h"
#include "helpers/temp_db.h"

#define NOW 1800000000
#define DAY 86400

struct fixture {
	struct temp_db db; /* SQLite, or PostgreSQL under ND_TEST_STORE=pg */
	char url[520];
	struct nd_store *s;
	int64_t a[5]; /* article ids, a[1] .. a[4] */
};

static int take_id(void *ctx, const struct nd_article_rec *r)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "reading"))
		return -1;
	snprintf(f->url, sizeof(f->url), "%s%s", temp_db_is_pg() ? "" : "sqlite:", f->db.url);
	if (nd_store_open(f->url, &f->s))
		return -1;
	for (int i = 1; i <= 4; i++) {
		char ext[8];
		struct nd_article_in in = {.ext_id = ext, .title = ext, .body = "Body."};

		snprintf(ext, sizeof(ext), "a%d", i);
		if (nd_store_article_put(f->s, &in, NULL) ||
		    nd_store_article_get(f->s, ext, take_id, &f->a[i]))
			return -1;
	}
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

static void visitor(uint8_t v[ND_HISTORY_VISITOR_LEN], uint8_t n)
{
	memset(v, 0, ND_HISTORY_VISITOR_LEN);
	v[0] = 'c';
	v[1] = n;
	v[16] = n;
}

static struct nd_history_rec row(uint8_t n, int64_t article, int64_t at)
{
	struct nd_history_rec r;

	visitor(r.visitor, n);
	r.article_id = article;
	r.at = at;
	return r;
}

static int count_row(void *ctx, const struct nd_history_rec *r)
{
	(void)r;
	++*(int *)ctx;
	return 0;
}

static int rows(struct nd_store *s)
{
	int n = 0;

	assert_int_equal(nd_store_each_history(s, 0, count_row, &n), 0);
	return n;
}

/* visitor n's history as "article@(NOW - at) ..." with article numbers 1..4. */
static void text_of(struct fixture *f, struct nd_reading *rd, uint8_t n, char *out, size_t size)
{
	struct nd_history_item it[ND_HISTORY_MAX];
	uint8_t v[ND_HISTORY_VISITOR_LEN];
	size_t k, len = 0;

	visitor(v, n);
	k = nd_histories_get(nd_reading_histories(rd), v, it, ND_HISTORY_MAX);
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		int num = 0;

		for (int j = 1; j <= 4; j++)
			if (f->a[j] == it[i].article)
				num = j;
		len += (size_t)snprintf(out + len, size - len, "%s%d@%lld", i ? " " : "", num,
		                        (long long)(NOW - (int64_t)it[i].at));
	}
}

/*
 * In the store: v1 read a1 100 days ago (past history_days 90: purged),
 * a2 1000 s ago, a3 500 s ago, a2 again 100 s ago; v2 read a3 then a4 a
 * second later. Loaded: v1 is "a2@100 a3@500" (one entry per article),
 * v2 "a4@1999 a3@2000"; the co-visitation pairs (a2,a3) and (a3,a4) are
 * in the model, (a1, anything) is not.
 */
static void test_open_replays(void **state)
{
	struct fixture *f = *state;
	struct nd_history_rec h[] = {row(1, f->a[1], NOW - 100 * DAY), row(1, f->a[2], NOW - 1000),
	                             row(1, f->a[3], NOW - 500),       row(1, f->a[2], NOW - 100),
	                             row(2, f->a[3], NOW - 2000),      row(2, f->a[4], NOW - 1999)};
	struct nd_recs_neighbour nb[8];
	struct nd_reading *rd = NULL;
	char s[128];
	size_t n;

	assert_int_equal(nd_store_history_add(f->s, h, 6), 0);
	assert_int_equal(nd_reading_open(f->s, f->url, 90, NOW, &rd), 0);
	assert_non_null(rd);
	assert_int_equal(rows(f->s), 5);
	text_of(f, rd, 1, s, sizeof(s));
	assert_string_equal(s, "2@100 3@500");
	text_of(f, rd, 2, s, sizeof(s));
	assert_string_equal(s, "4@1999 3@2000");

	n = nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[3], NOW, nb, 8);
	assert_int_equal(n, 2);
	assert_true((nb[0].id == f->a[2] && nb[1].id == f->a[4]) ||
	            (nb[0].id == f->a[4] && nb[1].id == f->a[2]));
	assert_int_equal(nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[1], NOW, nb, 8),
	                 0);
	nd_reading_close(rd);
	nd_reading_close(NULL);
}

/* A view goes to the model and the history at once, to the store with the
 * next flush, or at close when no flush came. */
static void test_view_flush_close(void **state)
{
	struct fixture *f = *state;
	struct nd_reading *rd = NULL;
	uint8_t v[ND_HISTORY_VISITOR_LEN];
	struct nd_recs_neighbour nb[4];
	char s[128];

	assert_int_equal(nd_reading_open(f->s, f->url, 90, NOW, &rd), 0);
	visitor(v, 3);
	nd_reading_view(rd, v, (uint32_t)f->a[1], NOW - 60, false);
	nd_reading_view(rd, v, (uint32_t)f->a[2], NOW - 30, false);
	text_of(f, rd, 3, s, sizeof(s));
	assert_string_equal(s, "2@30 1@60");
	/* The pair is live before any flush. */
	assert_int_equal(nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[1], NOW, nb, 4),
	                 1);
	assert_int_equal(nb[0].id, f->a[2]);
	assert_int_equal(rows(f->s), 0);
	nd_reading_flush(rd, NOW);
	assert_int_equal(rows(f->s), 2);
	nd_reading_flush(rd, NOW); /* nothing queued: nothing written twice */
	assert_int_equal(rows(f->s), 2);
	nd_reading_view(rd, v, (uint32_t)f->a[3], NOW, false);
	nd_reading_close(rd);
	assert_int_equal(rows(f->s), 3);

	/* What was written comes back. */
	assert_int_equal(nd_reading_open(f->s, f->url, 90, NOW + 10, &rd), 0);
	text_of(f, rd, 3, s, sizeof(s));
	assert_string_equal(s, "3@0 2@30 1@60");
	nd_reading_close(rd);
}

/* A first view (the cookie minted by that answer) waits aside: nothing in
 * the history, the model or the store until the reader comes back with
 * the cookie; then it joins the history before the new view, with its
 * own time, and pairs with it. A first view never followed leaves
 * nothing; one followed more than a day later is dropped. */
static void test_first_view(void **state)
{
	struct fixture *f = *state;
	struct nd_reading *rd = NULL;
	uint8_t v[ND_HISTORY_VISITOR_LEN], gone[ND_HISTORY_VISITOR_LEN];
	uint8_t late[ND_HISTORY_VISITOR_LEN];
	struct nd_recs_neighbour nb[4];
	char s[128];

	assert_int_equal(nd_reading_open(f->s, f->url, 90, NOW, &rd), 0);
	visitor(v, 5);
	visitor(gone, 6);
	visitor(late, 7);
	nd_reading_view(rd, v, (uint32_t)f->a[1], NOW - 60, true);
	nd_reading_view(rd, gone, (uint32_t)f->a[1], NOW - 60, true);
	nd_reading_view(rd, late, (uint32_t)f->a[1], NOW - DAY - 1, true);
	text_of(f, rd, 5, s, sizeof(s));
	assert_string_equal(s, "");
	assert_int_equal(nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[1], NOW, nb, 4),
	                 0);
	nd_reading_view(rd, v, (uint32_t)f->a[2], NOW - 30, false);
	text_of(f, rd, 5, s, sizeof(s));
	assert_string_equal(s, "2@30 1@60");
	assert_int_equal(nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[1], NOW, nb, 4),
	                 1);
	assert_int_equal(nb[0].id, f->a[2]);
	nd_reading_view(rd, late, (uint32_t)f->a[2], NOW, false);
	text_of(f, rd, 7, s, sizeof(s));
	assert_string_equal(s, "2@0");
	nd_reading_flush(rd, NOW);
	assert_int_equal(rows(f->s), 3);
	nd_reading_close(rd);
}

/* Once a day the flush purges what is older than history_days, in memory
 * and in the store. */
static void test_daily_purge(void **state)
{
	struct fixture *f = *state;
	struct nd_reading *rd = NULL;
	uint8_t v1[ND_HISTORY_VISITOR_LEN], v2[ND_HISTORY_VISITOR_LEN];
	char s[128];

	assert_int_equal(nd_reading_open(f->s, f->url, 1, NOW, &rd), 0);
	visitor(v1, 4);
	visitor(v2, 5);
	nd_reading_view(rd, v1, (uint32_t)f->a[1], NOW, false);
	nd_reading_view(rd, v2, (uint32_t)f->a[2], NOW + DAY / 2, false);
	nd_reading_flush(rd, NOW + DAY / 2); /* not a day yet: no purge */
	assert_int_equal(rows(f->s), 2);
	/* A day and a half on: v1's read is older than a day, v2's is not. */
	nd_reading_flush(rd, NOW + DAY + DAY / 2 - 1);
	assert_int_equal(rows(f->s), 1);
	text_of(f, rd, 4, s, sizeof(s));
	assert_string_equal(s, "");
	text_of(f, rd, 5, s, sizeof(s));
	assert_string_equal(s, "2@-43200");
	nd_reading_close(rd);
}

/* Counts the node log's reads by node 42. */
static int read_of_42(void *ctx, const struct nd_nodelog_rec *r)
{
	*(int *)ctx += r->node == 42 && r->kind == ND_NODELOG_READ;
	return 0;
}

/* Several nodes (docs/internals/node-sync.md): another node's reads join
 * the histories and the model as this node's own, without being stored
 * again; this node's rows are logged under its node; with no store at
 * open, nothing is loaded until nd_reading_load. */
static void test_other_nodes(void **state)
{
	struct fixture *f = *state;
	struct nd_history_rec other[2] = {row(5, f->a[1], NOW - 60), row(5, f->a[2], NOW - 30)};
	struct nd_history_rec stored = row(6, f->a[4], NOW - 10);
	struct nd_recs_neighbour nb[4];
	struct nd_reading *rd = NULL;
	uint8_t v[ND_HISTORY_VISITOR_LEN];
	int logged = 0;
	char s[128];

	assert_int_equal(nd_store_history_add(f->s, &stored, 1), 0);
	assert_int_equal(nd_reading_open(NULL, f->url, 90, NOW, &rd), 0);
	text_of(f, rd, 6, s, sizeof(s));
	assert_string_equal(s, ""); /* not loaded yet */
	assert_int_equal(nd_reading_load(rd, f->s, NOW), 0);
	text_of(f, rd, 6, s, sizeof(s));
	assert_string_equal(s, "4@10");

	nd_reading_remote(rd, other, 2);
	text_of(f, rd, 5, s, sizeof(s));
	assert_string_equal(s, "2@30 1@60");
	assert_int_equal(nd_recs_model_covisit(nd_reading_model(rd), (uint32_t)f->a[1], NOW, nb, 4),
	                 1);
	assert_int_equal(nb[0].id, f->a[2]);
	assert_int_equal(rows(f->s), 1); /* not stored again */

	/* The visitor goes on reading here: one history across nodes, and
	 * this node's row is logged under its node for the others. */
	nd_reading_log_as(rd, 42);
	visitor(v, 5);
	nd_reading_view(rd, v, (uint32_t)f->a[3], NOW, false);
	text_of(f, rd, 5, s, sizeof(s));
	assert_string_equal(s, "3@0 2@30 1@60");
	nd_reading_flush(rd, NOW);
	assert_int_equal(rows(f->s), 2);
	assert_int_equal(nd_store_nodelog_since(f->s, 0, 1, read_of_42, &logged), 0);
	assert_int_equal(logged, 1);
	nd_reading_close(rd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_replays, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_view_flush_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_first_view, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_daily_purge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_nodes, setup, teardown),
	};

	if (!getenv("ND_TEST_VERBOSE"))
		nd_log_level = ND_LOG_NONE;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
