/*
 * Tests for the admin's article list (nd_store_article_find): every
 * status, each filter alone and together, the search text taken literally
 * and without case, the order, paging and the total.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "store/store.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s;
	int64_t alice, bob; /* users */
};

static struct nd_article_in article(const char *id, const char *title, const char *body,
                                    const char *section, const char *author,
                                    enum nd_article_status status, int64_t updated)
{
	struct nd_article_in in = {
	    .ext_id = id,
	    .title = title,
	    .body = body,
	    .section = section,
	    .author = author,
	    .status = status,
	    .published_at = 1700000000,
	    .updated_at = updated,
	};
	return in;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nd_article_in in[5];

	if (!f || temp_db_make(&f->db, "find"))
		return -1;
	nd_log_level = ND_LOG_ERROR + 1;
	if (nd_store_open(f->db.url, &f->s) ||
	    nd_store_user_add(f->s, "alice", NULL, ND_ROLE_AUTHOR, "x", &f->alice) ||
	    nd_store_user_add(f->s, "bob", NULL, ND_ROLE_EDITOR, "x", &f->bob))
		return -1;
	in[0] = article("a1", "Rain in Paris", "Wet streets.", "World/Europe", "Jane Doe",
	                ND_STATUS_DRAFT, 1700000100);
	in[0].user_id = f->alice;
	in[1] = article("a2", "Markets", "We are 100% sure.", "World", "Bob Roe",
	                ND_STATUS_PUBLISHED, 1700000200);
	in[1].user_id = f->bob;
	in[2] =
	    article("a3", "The final", "Goals.", "Sport", NULL, ND_STATUS_SCHEDULED, 1700000300);
	in[2].summary = "Cup_final tonight";
	in[2].published_at = 1900000000;
	in[3] = article("a4", "RAIN again", "More of it.", "Weather", "Jane Doe",
	                ND_STATUS_PUBLISHED, 1700000300);
	in[3].user_id = f->alice;
	in[4] = article("a5", "Back\\slash", "Path c:\\temp here.", "World", NULL, ND_STATUS_DRAFT,
	                1700000050);
	for (size_t i = 0; i < 5; i++)
		if (nd_store_article_put(f->s, &in[i], NULL))
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

/* The ext_ids seen, space-separated, in order. */
struct seen {
	char ids[128];
	int stop_after; /* 0: never */
	int n;
};

static int collect(void *ctx, const struct nd_article_rec *r)
{
	struct seen *s = ctx;
	size_t len = strlen(s->ids);

	snprintf(s->ids + len, sizeof(s->ids) - len, "%s%s", len ? " " : "", r->ext_id);
	if (s->stop_after && ++s->n == s->stop_after)
		return 42;
	return 0;
}

static struct nd_article_query all(void)
{
	struct nd_article_query q = {.status = -1, .limit = 50};
	return q;
}

/* Runs q and checks the ids seen and the total. */
static void expect(struct fixture *f, const struct nd_article_query *q, const char *ids,
                   int64_t total)
{
	struct seen s = {0};
	int64_t n = -1;

	assert_int_equal(nd_store_article_find(f->s, q, &n, collect, &s), 0);
	assert_string_equal(s.ids, ids);
	assert_int_equal(n, total);
}

struct lookup {
	const char *slug;
	int64_t id;
};

static int section_cb(void *ctx, const struct nd_section_rec *r)
{
	struct lookup *l = ctx;

	if (!strcmp(r->slug, l->slug))
		l->id = r->id;
	return 0;
}

static int author_cb(void *ctx, const struct nd_author_rec *r)
{
	struct lookup *l = ctx;

	if (!strcmp(r->slug, l->slug))
		l->id = r->id;
	return 0;
}

static void test_every_status_newest_first(void **state)
{
	struct fixture *f = *state;
	struct nd_article_query q = all();

	/* a3 and a4 share updated_at: the higher id first. */
	expect(f, &q, "a4 a3 a2 a1 a5", 5);
	q.status = ND_STATUS_PUBLISHED;
	expect(f, &q, "a4 a2", 2);
	q.status = ND_STATUS_DRAFT;
	expect(f, &q, "a1 a5", 2);
	q.status = ND_STATUS_SCHEDULED;
	expect(f, &q, "a3", 1);
}

static void test_section_author_owner(void **state)
{
	struct fixture *f = *state;
	struct nd_article_query q = all();
	struct lookup world = {"world", 0}, europe = {"europe", 0}, jane = {"jane-doe", 0};

	assert_int_equal(nd_store_each_section(f->s, section_cb, &world), 0);
	assert_int_equal(nd_store_each_section(f->s, section_cb, &europe), 0);
	assert_int_equal(nd_store_each_author(f->s, author_cb, &jane), 0);
	assert_true(world.id > 0 && europe.id > 0 && jane.id > 0);
	/* A section holds its subsections' articles too. */
	q.section_id = world.id;
	expect(f, &q, "a2 a1 a5", 3);
	q.section_id = europe.id;
	expect(f, &q, "a1", 1);
	q = all();
	q.author_id = jane.id;
	expect(f, &q, "a4 a1", 2);
	q = all();
	q.owner_user_id = f->alice;
	expect(f, &q, "a4 a1", 2);
	q.owner_user_id = f->bob;
	expect(f, &q, "a2", 1);
	/* Filters add up. */
	q = all();
	q.owner_user_id = f->alice;
	q.section_id = world.id;
	q.status = ND_STATUS_DRAFT;
	expect(f, &q, "a1", 1);
	q.status = ND_STATUS_PUBLISHED;
	expect(f, &q, "", 0);
	/* An unknown id matches nothing. */
	q = all();
	q.author_id = 999999;
	expect(f, &q, "", 0);
}

static void test_text_literal_and_caseless(void **state)
{
	struct fixture *f = *state;
	struct nd_article_query q = all();

	q.text = "rain";
	expect(f, &q, "a4 a1", 2); /* titles "RAIN again", "Rain in Paris" */
	q.text = "WET";
	expect(f, &q, "a1", 1); /* in the body */
	q.text = "cup_final";
	expect(f, &q, "a3", 1); /* in the summary */
	/* '%' and '_' are themselves, not wildcards. */
	q.text = "%";
	expect(f, &q, "a2", 1);
	q.text = "100%";
	expect(f, &q, "a2", 1);
	q.text = "1_0";
	expect(f, &q, "", 0);
	q.text = "_";
	expect(f, &q, "a3", 1);
	q.text = "\\";
	expect(f, &q, "a5", 1);
	q.text = "c:\\t";
	expect(f, &q, "a5", 1);
	/* Blank text: any. */
	q.text = "  ";
	expect(f, &q, "a4 a3 a2 a1 a5", 5);
	q.text = "rain";
	q.status = ND_STATUS_DRAFT;
	expect(f, &q, "a1", 1);
}

static void test_paging_and_total(void **state)
{
	struct fixture *f = *state;
	struct nd_article_query q = all();
	struct seen s = {0};
	int64_t n = -1;

	q.limit = 2;
	expect(f, &q, "a4 a3", 5);
	q.offset = 2;
	expect(f, &q, "a2 a1", 5);
	q.offset = 4;
	expect(f, &q, "a5", 5);
	q.offset = 10;
	expect(f, &q, "", 5);
	/* limit 0: only the count. */
	q.offset = 0;
	q.limit = 0;
	expect(f, &q, "", 5);
	/* No total asked for. */
	q.limit = 1;
	assert_int_equal(nd_store_article_find(f->s, &q, NULL, collect, &s), 0);
	assert_string_equal(s.ids, "a4");
	/* A callback's non-zero return stops the walk and comes back. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	q.limit = 50;
	assert_int_equal(nd_store_article_find(f->s, &q, &n, collect, &s), 42);
	assert_string_equal(s.ids, "a4 a3");
	/* The store still works after a stopped walk. */
	expect(f, &q, "a4 a3 a2 a1 a5", 5);
}

static void test_bad_queries(void **state)
{
	struct fixture *f = *state;
	struct nd_article_query q = all();
	struct seen s = {0};
	char big[ND_MAX_QUERY + 2];

	q.status = 7;
	assert_int_equal(nd_store_article_find(f->s, &q, NULL, collect, &s), ND_EINVAL);
	q = all();
	q.section_id = -1;
	assert_int_equal(nd_store_article_find(f->s, &q, NULL, collect, &s), ND_EINVAL);
	q = all();
	q.text = "\xff\xfe";
	assert_int_equal(nd_store_article_find(f->s, &q, NULL, collect, &s), ND_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	q.text = big;
	assert_int_equal(nd_store_article_find(f->s, &q, NULL, collect, &s), ND_EINVAL);
	assert_string_equal(s.ids, "");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_every_status_newest_first),
	    T(test_section_author_owner),
	    T(test_text_literal_and_caseless),
	    T(test_paging_and_total),
	    T(test_bad_queries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
