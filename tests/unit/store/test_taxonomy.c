/*
 * Tests for the store's section and tag writes of the admin (store.h,
 * "Sections and tags in the admin"): add, rename, move and delete a
 * section; rename, merge and delete a tag; the generation bump of each;
 * and a renamed one found again by its new name when articles are put.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/limits.h"
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

	if (!f || temp_db_make(&f->db, "taxonomy")) {
		free(f);
		return -1;
	}
	nd_log_level = ND_LOG_ERROR + 1; /* the tests provoke errors on purpose */
	if (nd_store_open(f->db.url, &f->s)) {
		temp_db_remove(&f->db);
		free(f);
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

/* The first column of the first row of sql, as an integer (-1: no row). */
static int64_t q1(struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (temp_db_is_pg())
		return temp_db_pg_int(&f->db, sql);
	assert_int_equal(sqlite3_prepare_v2(nd__sqlite_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row of sql as text into buf ("" when none). */
static const char *qs(struct fixture *f, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st;

	buf[0] = '\0';
	if (temp_db_is_pg()) {
		temp_db_pg_text(&f->db, sql, buf, size);
		return buf;
	}
	assert_int_equal(sqlite3_prepare_v2(nd__sqlite_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int64_t generation(struct fixture *f)
{
	int64_t g = -1;

	assert_int_equal(nd_store_generation(f->s, &g), 0);
	return g;
}

static void put(struct fixture *f, const char *id, const char *section, const char *const *tags,
                size_t ntags)
{
	struct nd_article_in in = {
	    .ext_id = id,
	    .title = id,
	    .body = "Body.",
	    .section = section,
	    .tags = tags,
	    .tag_count = ntags,
	};

	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
}

static int64_t section_id(struct fixture *f, const char *slug)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT id FROM sections WHERE slug = '%s'", slug);
	return q1(f, sql);
}

static int64_t tag_id(struct fixture *f, const char *slug)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT id FROM tags WHERE slug = '%s'", slug);
	return q1(f, sql);
}

static void test_section_add(void **state)
{
	struct fixture *f = *state;
	int64_t world, europe, g = generation(f), id;
	char buf[64];

	put(f, "a", "World", NULL, 0);
	world = section_id(f, "world");
	assert_int_equal(nd_store_section_add(f->s, 0, "  Science  ", &id), 0);
	assert_int_equal(id, section_id(f, "science"));
	assert_string_equal(
	    qs(f, "SELECT name FROM sections WHERE slug = 'science'", buf, sizeof(buf)), "Science");
	assert_int_equal(q1(f, "SELECT position FROM sections WHERE slug = 'science'"), 2);
	assert_true(generation(f) > g);

	/* A top-level slug that names a route gets -section; a child's does not. */
	assert_int_equal(nd_store_section_add(f->s, 0, "API", &id), 0);
	assert_int_equal(id, section_id(f, "api-section"));
	assert_int_equal(nd_store_section_add(f->s, world, "Europe", &europe), 0);
	assert_int_equal(q1(f, "SELECT parent_id FROM sections WHERE slug = 'europe'"), world);
	assert_int_equal(nd_store_section_add(f->s, world, "Tag", &id), 0);
	assert_int_equal(id, section_id(f, "tag"));

	/* The same name, or a name with the same slug, among siblings. */
	g = generation(f);
	assert_int_equal(nd_store_section_add(f->s, 0, "science", NULL), ND_EEXIST);
	assert_int_equal(nd_store_section_add(f->s, 0, "Science!", NULL), ND_EEXIST);
	assert_int_equal(nd_store_section_add(f->s, world, "EUROPE", NULL), ND_EEXIST);
	/* Under another parent it is another section. */
	assert_int_equal(nd_store_section_add(f->s, europe, "Science", NULL), 0);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections WHERE slug = 'science'"), 2);

	assert_int_equal(nd_store_section_add(f->s, 9999, "Lost", NULL), ND_ENOTFOUND);
	assert_int_equal(nd_store_section_add(f->s, 0, "Arts/Books", NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_add(f->s, 0, "   ", NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_add(f->s, 0, "!!!", NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_add(f->s, 0, NULL, NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_add(f->s, 0, "\xff", NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_add(f->s, -1, "Neg", NULL), ND_EINVAL);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections WHERE slug = 'lost'"), 0);
}

static void test_section_depth(void **state)
{
	struct fixture *f = *state;
	int64_t parent = 0;
	char name[16];

	for (int i = 0; i < ND_MAX_SECTION_DEPTH; i++) {
		snprintf(name, sizeof(name), "Level %d", i);
		assert_int_equal(nd_store_section_add(f->s, parent, name, &parent), 0);
	}
	assert_int_equal(nd_store_section_add(f->s, parent, "Too deep", NULL), ND_EINVAL);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections WHERE slug = 'too-deep'"), 0);
}

static void test_section_rename(void **state)
{
	struct fixture *f = *state;
	int64_t world, g;
	char buf[64];

	put(f, "a", "World/Europe", NULL, 0);
	put(f, "b", "Sports", NULL, 0);
	world = section_id(f, "world");
	g = generation(f);
	assert_int_equal(nd_store_section_rename(f->s, world, " Planet Earth "), 0);
	assert_true(generation(f) > g);
	assert_string_equal(
	    qs(f, "SELECT name FROM sections WHERE slug = 'world'", buf, sizeof(buf)),
	    "Planet Earth");
	/* The new name and the old slug both find it: no new section. */
	put(f, "c", "Planet Earth/Europe", NULL, 0);
	put(f, "d", "planet earth", NULL, 0);
	put(f, "e", "World", NULL, 0);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections"), 3);
	assert_int_equal(q1(f, "SELECT count(DISTINCT section_id) FROM articles "
	                       "WHERE ext_id IN ('a', 'c')"),
	                 1);
	assert_int_equal(q1(f, "SELECT count(*) FROM articles WHERE section_id = "
	                       "(SELECT id FROM sections WHERE slug = 'world')"),
	                 2);

	/* A sibling's name or slug is taken; its own is fine. */
	g = generation(f);
	assert_int_equal(nd_store_section_rename(f->s, world, "sports"), ND_EEXIST);
	assert_int_equal(nd_store_section_rename(f->s, world, "Sports!"), ND_EEXIST);
	assert_int_equal(generation(f), g);
	assert_int_equal(nd_store_section_rename(f->s, world, "World"), 0);
	assert_int_equal(nd_store_section_rename(f->s, 9999, "X"), ND_ENOTFOUND);
	assert_int_equal(nd_store_section_rename(f->s, world, "A/B"), ND_EINVAL);
	assert_int_equal(nd_store_section_rename(f->s, 0, "X"), ND_EINVAL);
}

/* Appends each top-level section's slug and a space to ctx (a 256-byte buffer). */
static int top_slugs(void *ctx, const struct nd_section_rec *r)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	if (!r->parent_id)
		snprintf(buf + len, 256 - len, "%s ", r->slug);
	return 0;
}

static const char *order(struct fixture *f, char *buf)
{
	buf[0] = '\0';
	assert_int_equal(nd_store_each_section(f->s, top_slugs, buf), 0);
	return buf;
}

static void test_section_move(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	bool moved = true;
	int64_t g;

	put(f, "a", "World", NULL, 0);
	put(f, "b", "Sports", NULL, 0);
	put(f, "c", "Arts", NULL, 0);
	put(f, "d", "Sports/Golf", NULL, 0);
	assert_string_equal(order(f, buf), "world sports arts ");
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "arts"), -1, &moved), 0);
	assert_true(moved);
	assert_string_equal(order(f, buf), "world arts sports ");
	g = generation(f);
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "world"), -1, &moved), 0);
	assert_false(moved);
	assert_int_equal(generation(f), g);
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "sports"), 1, &moved), 0);
	assert_false(moved);
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "world"), 1, &moved), 0);
	assert_true(moved);
	assert_true(generation(f) > g);
	assert_string_equal(order(f, buf), "arts world sports ");
	/* Positions are 1..n again. */
	assert_string_equal(qs(f,
	                       temp_db_is_pg()
	                           ? "SELECT string_agg(position::text, ',' ORDER BY position) "
	                             "FROM sections WHERE parent_id IS NULL"
	                           : "SELECT group_concat(position, ',') FROM (SELECT position "
	                             "FROM sections WHERE parent_id IS NULL ORDER BY position)",
	                       buf, sizeof(buf)),
	                    "1,2,3");
	/* The only child stays where it is. */
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "golf"), -1, &moved), 0);
	assert_false(moved);
	assert_int_equal(nd_store_section_move(f->s, section_id(f, "golf"), 2, NULL), ND_EINVAL);
	assert_int_equal(nd_store_section_move(f->s, 9999, 1, NULL), ND_ENOTFOUND);
}

static void test_section_delete(void **state)
{
	struct fixture *f = *state;
	int64_t articles = -1, children = -1, id, g;

	put(f, "a", "World/Europe", NULL, 0);
	put(f, "b", "World/Europe", NULL, 0);
	assert_int_equal(
	    nd_store_section_delete(f->s, section_id(f, "europe"), &articles, &children), ND_EBUSY);
	assert_int_equal(articles, 2);
	assert_int_equal(children, 0);
	assert_int_equal(
	    nd_store_section_delete(f->s, section_id(f, "world"), &articles, &children), ND_EBUSY);
	assert_int_equal(articles, 0);
	assert_int_equal(children, 1);

	assert_int_equal(nd_store_section_add(f->s, 0, "Empty", &id), 0);
	g = generation(f);
	assert_int_equal(nd_store_section_delete(f->s, id, &articles, &children), 0);
	assert_int_equal(articles + children, 0);
	assert_true(generation(f) > g);
	assert_int_equal(section_id(f, "empty"), -1);
	assert_int_equal(nd_store_section_delete(f->s, id, &articles, &children), ND_ENOTFOUND);

	/* Once its articles go, it can go. */
	assert_int_equal(nd_store_article_delete(f->s, "a"), 0);
	assert_int_equal(nd_store_article_delete(f->s, "b"), 0);
	assert_int_equal(
	    nd_store_section_delete(f->s, section_id(f, "europe"), &articles, &children), 0);
	assert_int_equal(
	    nd_store_section_delete(f->s, section_id(f, "world"), &articles, &children), 0);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections"), 0);
}

static void test_tag_rename(void **state)
{
	static const char *const t1[] = {"Brexit", "Trade"};
	static const char *const t2[] = {"UK and the EU"};
	struct fixture *f = *state;
	int64_t brexit, g;
	char buf[64];

	put(f, "a", "World", t1, 2);
	brexit = tag_id(f, "brexit");
	g = generation(f);
	assert_int_equal(nd_store_tag_rename(f->s, brexit, "UK and the EU"), 0);
	assert_true(generation(f) > g);
	assert_string_equal(qs(f, "SELECT name FROM tags WHERE slug = 'brexit'", buf, sizeof(buf)),
	                    "UK and the EU");
	put(f, "b", "World", t2, 1);
	assert_int_equal(q1(f, "SELECT count(*) FROM tags"), 2);
	assert_int_equal(q1(f, "SELECT count(*) FROM article_tags WHERE tag_id = "
	                       "(SELECT id FROM tags WHERE slug = 'brexit')"),
	                 2);

	assert_int_equal(nd_store_tag_rename(f->s, brexit, "trade"), ND_EEXIST);
	assert_int_equal(nd_store_tag_rename(f->s, brexit, "Trade!"), ND_EEXIST);
	assert_int_equal(nd_store_tag_rename(f->s, brexit, "--"), ND_EINVAL);
	assert_int_equal(nd_store_tag_rename(f->s, 9999, "X"), ND_ENOTFOUND);
	/* A tag name may hold '/'. */
	assert_int_equal(nd_store_tag_rename(f->s, brexit, "UK/EU"), 0);
}

static int sum_counts(void *ctx, int64_t id, int64_t count)
{
	int64_t *sum = ctx;

	assert_true(id > 0);
	*sum += count;
	return 0;
}

static void test_tag_merge(void **state)
{
	static const char *const t1[] = {"Climate", "Energy"};
	static const char *const t2[] = {"Climate change"};
	static const char *const t3[] = {"Energy", "Climate change"};
	static const char *const t4[] = {"Climate", "Climate change"};
	struct fixture *f = *state;
	int64_t from, into, moved = -1, g, sum = 0;

	put(f, "a", "World", t1, 2);
	put(f, "b", "World", t2, 1);
	put(f, "c", "World", t3, 2);
	from = tag_id(f, "climate-change");
	into = tag_id(f, "climate");
	assert_int_equal(nd_store_each_tag_count(f->s, sum_counts, &sum), 0);
	assert_int_equal(sum, 5);
	g = generation(f);
	assert_int_equal(nd_store_tag_merge(f->s, from, into, &moved), 0);
	assert_int_equal(moved, 2);
	assert_true(generation(f) > g);
	assert_int_equal(tag_id(f, "climate-change"), -1);
	assert_int_equal(q1(f, "SELECT count(*) FROM article_tags WHERE tag_id = "
	                       "(SELECT id FROM tags WHERE slug = 'climate')"),
	                 3);
	/* c keeps its order: Energy, then the merged tag where the old one was. */
	assert_int_equal(q1(f, "SELECT position FROM article_tags WHERE article_id = "
	                       "(SELECT id FROM articles WHERE ext_id = 'c') AND tag_id = "
	                       "(SELECT id FROM tags WHERE slug = 'climate')"),
	                 1);

	/* An article with both keeps one link, at the target's place. */
	put(f, "d", "World", t4, 2);
	from = tag_id(f, "climate-change");
	assert_int_equal(nd_store_tag_merge(f->s, into, from, &moved), 0);
	assert_int_equal(moved, 4);
	assert_int_equal(q1(f, "SELECT position FROM article_tags WHERE article_id = "
	                       "(SELECT id FROM articles WHERE ext_id = 'd')"),
	                 1);
	assert_int_equal(q1(f, "SELECT count(*) FROM article_tags WHERE tag_id = "
	                       "(SELECT id FROM tags WHERE slug = 'climate-change')"),
	                 4);

	assert_int_equal(nd_store_tag_merge(f->s, from, from, NULL), ND_EINVAL);
	assert_int_equal(nd_store_tag_merge(f->s, from, 9999, NULL), ND_ENOTFOUND);
	assert_int_equal(nd_store_tag_merge(f->s, 9999, from, NULL), ND_ENOTFOUND);
	assert_int_equal(tag_id(f, "climate-change"), from);
}

static void test_tag_delete(void **state)
{
	static const char *const t1[] = {"Climate"};
	struct fixture *f = *state;
	int64_t articles = -1, g;

	put(f, "a", "World", t1, 1);
	assert_int_equal(nd_store_tag_delete(f->s, tag_id(f, "climate"), &articles), ND_EBUSY);
	assert_int_equal(articles, 1);
	put(f, "a", "World", NULL, 0);
	g = generation(f);
	assert_int_equal(nd_store_tag_delete(f->s, tag_id(f, "climate"), &articles), 0);
	assert_int_equal(articles, 0);
	assert_true(generation(f) > g);
	assert_int_equal(tag_id(f, "climate"), -1);
	assert_int_equal(nd_store_tag_delete(f->s, 9999, &articles), ND_ENOTFOUND);
}

static void test_section_counts(void **state)
{
	struct fixture *f = *state;
	int64_t sum = 0;

	put(f, "a", "World/Europe", NULL, 0);
	put(f, "b", "World", NULL, 0);
	put(f, "c", "Sports", NULL, 0);
	assert_int_equal(nd_store_each_section_count(f->s, sum_counts, &sum), 0);
	assert_int_equal(sum, 3);
}

/* A failed write inside the caller's transaction leaves the rest of it standing. */
static void test_in_transaction(void **state)
{
	struct fixture *f = *state;
	int64_t id;

	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_section_add(f->s, 0, "One", &id), 0);
	assert_int_equal(nd_store_section_add(f->s, 0, "one", NULL), ND_EEXIST);
	assert_int_equal(nd_store_section_add(f->s, 0, "Two", NULL), 0);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(q1(f, "SELECT count(*) FROM sections"), 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_section_add),    T(test_section_depth),  T(test_section_rename),
	    T(test_section_move),   T(test_section_delete), T(test_tag_rename),
	    T(test_tag_merge),      T(test_tag_delete),     T(test_section_counts),
	    T(test_in_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
