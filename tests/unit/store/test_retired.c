/*
 * Tests for the retired public paths of src/store (0007-retired-urls.sql):
 * every transition of an article's public path, kept by put and delete in
 * their transaction.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "retired"))
		return -1;
	nd_log_level = ND_LOG_ERROR + 1;
	if (nd_store_open(f->db.url, &f->s))
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

struct row {
	char path[128], reason[16];
	int64_t article_id;
};

struct rows {
	size_t n;
	struct row r[8];
};

static int collect(void *ctx, const struct nd_retired_rec *rec)
{
	struct rows *rs = ctx;

	if (rs->n < 8) {
		struct row *r = &rs->r[rs->n];
		snprintf(r->path, sizeof(r->path), "%s", rec->path);
		snprintf(r->reason, sizeof(r->reason), "%s", rec->reason);
		r->article_id = rec->article_id;
		assert_true(rec->at > 0);
	}
	rs->n++;
	return 0;
}

static struct rows retired(struct fixture *f)
{
	struct rows rs = {0};

	assert_int_equal(nd_store_each_retired(f->s, collect, &rs), 0);
	return rs;
}

static void assert_row(const struct rows *rs, size_t i, const char *path, const char *reason,
                       int64_t article_id)
{
	assert_true(i < rs->n);
	assert_string_equal(rs->r[i].path, path);
	assert_string_equal(rs->r[i].reason, reason);
	assert_int_equal(rs->r[i].article_id, article_id);
}

static struct nd_article_in article(const char *ext_id, const char *slug,
                                    enum nd_article_status status)
{
	struct nd_article_in in = {
	    .ext_id = ext_id,
	    .slug = slug,
	    .title = "A title",
	    .body = "Body",
	    .section = "World/Europe",
	    .status = status,
	    .published_at = 1700000000,
	};
	return in;
}

static void put(struct fixture *f, struct nd_article_in in)
{
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
}

static int get_id(void *ctx, const struct nd_article_rec *r)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int64_t id_of(struct fixture *f, const char *ext_id)
{
	int64_t id = 0;

	assert_int_equal(nd_store_article_get(f->s, ext_id, get_id, &id), 0);
	return id;
}

static void test_draft_records_nothing(void **state)
{
	struct fixture *f = *state;

	/* Never published: saved, renamed, moved, deleted, nothing retires. */
	put(f, article("d", "draft-one", ND_STATUS_DRAFT));
	put(f, article("d", "draft-two", ND_STATUS_DRAFT));
	{
		struct nd_article_in in = article("d", NULL, ND_STATUS_DRAFT);
		in.section = "Sport";
		put(f, in);
	}
	assert_int_equal(nd_store_article_delete(f->s, "d"), 0);
	assert_int_equal(retired(f).n, 0);
}

static void test_scheduled_not_live_records_nothing(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("s", "later", ND_STATUS_SCHEDULED);

	in.published_at = (int64_t)time(NULL) + 3600;
	put(f, in);
	in.slug = "later-still";
	put(f, in);
	in.status = ND_STATUS_DRAFT;
	put(f, in);
	assert_int_equal(nd_store_article_delete(f->s, "s"), 0);
	assert_int_equal(retired(f).n, 0);
}

static void test_publish_then_draft(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	assert_int_equal(retired(f).n, 0);
	put(f, article("a", NULL, ND_STATUS_DRAFT));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "unpublished", id_of(f, "a"));
	/* Saving the draft again changes nothing. */
	put(f, article("a", NULL, ND_STATUS_DRAFT));
	assert_int_equal(retired(f).n, 1);
}

static void test_publish_then_scheduled_again(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a", "one", ND_STATUS_PUBLISHED);
	struct rows rs;

	put(f, in);
	in.status = ND_STATUS_SCHEDULED;
	in.published_at = (int64_t)time(NULL) + 3600;
	put(f, in);
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "unpublished", id_of(f, "a"));
}

static void test_publish_then_delete(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	assert_int_equal(nd_store_article_delete(f->s, "a"), 0);
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "deleted", 0);
}

static void test_slug_change_moves(void **state)
{
	struct fixture *f = *state;
	struct rows rs;
	int64_t id;

	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	id = id_of(f, "a");
	put(f, article("a", "two", ND_STATUS_PUBLISHED));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "moved", id);
	/* A second move adds the next path; both lead to the article. */
	put(f, article("a", "three", ND_STATUS_PUBLISHED));
	rs = retired(f);
	assert_int_equal(rs.n, 2);
	assert_row(&rs, 0, "/world/europe/one", "moved", id);
	assert_row(&rs, 1, "/world/europe/two", "moved", id);
	/* Back to the first: that path is live again. */
	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	rs = retired(f);
	assert_int_equal(rs.n, 2);
	assert_row(&rs, 0, "/world/europe/three", "moved", id);
	assert_row(&rs, 1, "/world/europe/two", "moved", id);
	/* Deleting it leaves every path that named it 'deleted'. */
	assert_int_equal(nd_store_article_delete(f->s, "a"), 0);
	rs = retired(f);
	assert_int_equal(rs.n, 3);
	assert_row(&rs, 0, "/world/europe/one", "deleted", 0);
	assert_row(&rs, 1, "/world/europe/three", "deleted", 0);
	assert_row(&rs, 2, "/world/europe/two", "deleted", 0);
}

static void test_section_move(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a", "one", ND_STATUS_PUBLISHED);
	struct rows rs;

	put(f, in);
	in.slug = NULL; /* keeps its slug */
	in.section = "Sport/Boxing";
	put(f, in);
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "moved", id_of(f, "a"));
	/* A top-level section that names a route has its own slug. */
	in.section = "API";
	put(f, in);
	rs = retired(f);
	assert_int_equal(rs.n, 2);
	assert_row(&rs, 0, "/sport/boxing/one", "moved", id_of(f, "a"));
	in.section = "World";
	put(f, in);
	rs = retired(f);
	assert_int_equal(rs.n, 3);
	assert_row(&rs, 0, "/api-section/one", "moved", id_of(f, "a"));
}

static void test_republish_clears(void **state)
{
	struct fixture *f = *state;

	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	put(f, article("a", NULL, ND_STATUS_DRAFT));
	assert_int_equal(retired(f).n, 1);
	put(f, article("a", NULL, ND_STATUS_PUBLISHED));
	assert_int_equal(retired(f).n, 0);
}

static void test_republish_elsewhere_leads_back(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	/* Unpublished, renamed as a draft, published again: the old path
	 * leads to the new one. */
	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	put(f, article("a", NULL, ND_STATUS_DRAFT));
	put(f, article("a", "two", ND_STATUS_DRAFT));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "unpublished", id_of(f, "a"));
	put(f, article("a", NULL, ND_STATUS_PUBLISHED));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "moved", id_of(f, "a"));
}

static void test_another_article_takes_the_path(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	put(f, article("a", "one", ND_STATUS_PUBLISHED));
	assert_int_equal(nd_store_article_delete(f->s, "a"), 0);
	assert_int_equal(retired(f).n, 1);
	/* A draft there does not bring the path back; publishing it does. */
	put(f, article("b", "one", ND_STATUS_DRAFT));
	assert_int_equal(retired(f).n, 1);
	put(f, article("b", NULL, ND_STATUS_PUBLISHED));
	assert_int_equal(retired(f).n, 0);
	/* Then b goes: the path is retired again, now for b. */
	put(f, article("b", NULL, ND_STATUS_DRAFT));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "unpublished", id_of(f, "b"));
}

static void test_live_scheduled_counts(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a", "one", ND_STATUS_SCHEDULED);
	struct rows rs;

	/* Scheduled with its time come: the site shows it, so it is live. */
	in.published_at = (int64_t)time(NULL) - 10;
	put(f, in);
	in.slug = "two";
	put(f, in);
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe/one", "moved", id_of(f, "a"));
}

static void test_new_section_takes_the_path(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a", "europe", ND_STATUS_PUBLISHED);
	struct rows rs;

	/* /world/europe is an article of World until a section Europe is made
	 * beneath World: the article yields its slug (europe-ID). */
	in.section = "World";
	put(f, in);
	put(f, article("b", "other", ND_STATUS_DRAFT));
	rs = retired(f);
	assert_int_equal(rs.n, 1);
	assert_row(&rs, 0, "/world/europe", "moved", id_of(f, "a"));
}

static void test_failed_put_keeps_nothing(void **state)
{
	struct fixture *f = *state;
	const char *const bad[] = {"!!!"}; /* a tag with no letter or digit */
	struct nd_article_in in = article("a", "one", ND_STATUS_PUBLISHED);

	put(f, in);
	assert_int_equal(nd_store_begin(f->s), 0);
	in.status = ND_STATUS_DRAFT;
	in.tags = bad;
	in.tag_count = 1;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(retired(f).n, 0);
	/* A delete of nothing retires nothing either. */
	assert_int_equal(nd_store_article_delete(f->s, "nope"), ND_ENOTFOUND);
	assert_int_equal(retired(f).n, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_draft_records_nothing),
	    T(test_scheduled_not_live_records_nothing),
	    T(test_publish_then_draft),
	    T(test_publish_then_scheduled_again),
	    T(test_publish_then_delete),
	    T(test_slug_change_moves),
	    T(test_section_move),
	    T(test_republish_clears),
	    T(test_republish_elsewhere_leads_back),
	    T(test_another_article_takes_the_path),
	    T(test_live_scheduled_counts),
	    T(test_new_section_takes_the_path),
	    T(test_failed_put_keeps_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
