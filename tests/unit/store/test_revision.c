/*
 * Tests for the revisions of src/store (0005-revisions.sql): every changing
 * save keeps one, an unchanged one does not, restore is a save, and
 * revisions go with their article.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"
#include "store/store_int.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "rev"))
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

static const char *const tags[] = {"Climate", "Energy"};

static struct nd_article_in article(const char *title, const char *body)
{
	struct nd_article_in in = {
	    .ext_id = "a1",
	    .title = title,
	    .body = body,
	    .section = "World/Europe",
	    .author = "Jane Doe",
	    .tags = tags,
	    .tag_count = 2,
	    .published_at = 1700000000,
	};
	return in;
}

struct seen {
	size_t count;
	int64_t n[8], user_id[8];
	char title[8][64], body[8][64], section[64], author[64], tags[128];
	enum nd_article_status status[8];
};

static int collect(void *ctx, const struct nd_revision_rec *r)
{
	struct seen *s = ctx;
	size_t i = s->count++;

	if (i >= 8)
		return 0;
	s->n[i] = r->n;
	s->user_id[i] = r->user_id;
	s->status[i] = r->status;
	snprintf(s->title[i], sizeof(s->title[i]), "%s", r->title);
	snprintf(s->body[i], sizeof(s->body[i]), "%s", r->body);
	snprintf(s->section, sizeof(s->section), "%s", r->section);
	snprintf(s->author, sizeof(s->author), "%s", r->author);
	s->tags[0] = '\0';
	for (size_t k = 0; k < r->tag_count; k++)
		snprintf(s->tags + strlen(s->tags), sizeof(s->tags) - strlen(s->tags), "%s%s",
		         k ? "," : "", r->tags[k]);
	return 0;
}

static void test_save_keeps_revision(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("One", "Body one");
	struct seen s = {0};

	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	assert_int_equal(nd_store_each_revision(f->s, "a1", collect, &s), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.n[0], 1);
	assert_int_equal(s.user_id[0], 0);
	assert_string_equal(s.title[0], "One");
	assert_string_equal(s.section, "World/Europe");
	assert_string_equal(s.author, "Jane Doe");
	assert_string_equal(s.tags, "Climate,Energy");
}

static void test_unchanged_save_keeps_none(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("One", "Body one");
	struct seen s = {0};

	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	/* Again, and with only updated_at changed: no new revision. */
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	in.updated_at = 1800000000;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	assert_int_equal(nd_store_each_revision(f->s, "a1", collect, &s), 0);
	assert_int_equal(s.count, 1);
}

static void test_order_and_get(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("One", "Body one");
	struct seen s = {0}, one = {0};

	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	in.title = "Two";
	in.user_id = 0;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	in.body = "Body three";
	in.status = ND_STATUS_DRAFT;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	assert_int_equal(nd_store_each_revision(f->s, "a1", collect, &s), 0);
	assert_int_equal(s.count, 3);
	/* Newest first. */
	assert_int_equal(s.n[0], 3);
	assert_int_equal(s.n[2], 1);
	assert_string_equal(s.body[0], "Body three");
	assert_int_equal(s.status[0], ND_STATUS_DRAFT);
	assert_string_equal(s.title[1], "Two");
	assert_int_equal(nd_store_revision_get(f->s, "a1", 2, collect, &one), 0);
	assert_string_equal(one.title[0], "Two");
	assert_int_equal(nd_store_revision_get(f->s, "a1", 0, collect, &one), 0);
	assert_int_equal(one.n[1], 3);
	assert_int_equal(nd_store_revision_get(f->s, "a1", 9, collect, &one), ND_ENOTFOUND);
	assert_int_equal(nd_store_revision_get(f->s, "nope", 1, collect, &one), ND_ENOTFOUND);
	assert_int_equal(nd_store_each_revision(f->s, "nope", collect, &one), ND_ENOTFOUND);
}

static void test_restore_is_a_revision(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("One", "Old text");
	struct seen s = {0};
	int64_t uid;

	assert_int_equal(nd_store_user_add(f->s, "ed", "Ed", ND_ROLE_EDITOR, "x", &uid), 0);
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	in.body = "New text";
	in.tag_count = 1;
	in.section = "Sport";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	assert_int_equal(nd_store_revision_restore(f->s, "a1", 1, uid), 0);
	assert_int_equal(nd_store_each_revision(f->s, "a1", collect, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.n[0], 3);
	assert_string_equal(s.body[0], "Old text");
	assert_int_equal(s.user_id[0], uid);
	/* The last collected is revision 1; the restored one has its fields. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(nd_store_revision_get(f->s, "a1", 0, collect, &s), 0);
	assert_string_equal(s.section, "World/Europe");
	assert_string_equal(s.tags, "Climate,Energy");
	/* Restoring the latest again changes nothing: no revision. */
	assert_int_equal(nd_store_revision_restore(f->s, "a1", 3, uid), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(nd_store_each_revision(f->s, "a1", collect, &s), 0);
	assert_int_equal(s.count, 3);
	assert_int_equal(nd_store_revision_restore(f->s, "a1", 7, uid), ND_ENOTFOUND);
}

static int64_t count_rows(struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (temp_db_is_pg())
		return temp_db_pg_int(&f->db, sql);
	assert_int_equal(sqlite3_prepare_v2(nd__sqlite_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_cascade_and_owner(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("One", "Body");
	int64_t uid;

	assert_int_equal(nd_store_user_add(f->s, "au", "Au", ND_ROLE_AUTHOR, "x", &uid), 0);
	in.user_id = uid;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
	assert_int_equal(count_rows(f, "SELECT owner_user_id FROM articles"), uid);
	/* Removing the user keeps the article and its revisions, without them. */
	assert_int_equal(nd_store_user_remove(f->s, "au"), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM articles WHERE owner_user_id IS NULL"),
	                 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM revisions WHERE user_id IS NULL"), 1);
	/* Deleting the article deletes its revisions. */
	assert_int_equal(nd_store_article_delete(f->s, "a1"), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM revisions"), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_save_keeps_revision),   T(test_unchanged_save_keeps_none), T(test_order_and_get),
	    T(test_restore_is_a_revision), T(test_cascade_and_owner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
