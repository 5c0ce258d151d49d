#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "site/site.h"
#include "site/snapshot.h"
#include "helpers/temp_db.h"
#include "store/store.h"

/* The test's store: a SQLite file, or a PostgreSQL database (helpers/temp_db.h). */
static struct temp_db tdb;
static char db[512];

static int setup(void **state)
{
	(void)state;
	if (temp_db_make(&tdb, "site"))
		return -1;
	snprintf(db, sizeof(db), "%s", tdb.url);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	temp_db_remove(&tdb);
	return 0;
}

static void put(struct nd_store *s, const char *id, const char *title, const char *section,
                const char *author, int64_t at, enum nd_article_status st)
{
	static const char *const tags[] = {"Alpha", "Beta"};
	struct nd_article_in in = {
	    .ext_id = id,
	    .title = title,
	    .body = "Some *text* <script>x</script>",
	    .section = section,
	    .author = author,
	    .tags = tags,
	    .tag_count = 2,
	    .status = st,
	    .published_at = at,
	};
	assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
}

static void test_build_links_everything(void **state)
{
	struct nd_store *s;
	struct nd_site *site;
	const struct nd_site_article *a;
	const struct nd_site_section *world;
	const struct nd_site_person *tag;
	int64_t now = (int64_t)time(NULL);

	assert_int_equal(nd_store_open(db, &s), 0);
	put(s, "old", "Old story", "World/Europe", "Ann", now - 300, ND_STATUS_PUBLISHED);
	put(s, "new", "New story", "World", "Bob", now - 100, ND_STATUS_PUBLISHED);
	put(s, "draft", "Draft story", "World", NULL, now - 50, ND_STATUS_DRAFT);
	put(s, "soon", "Scheduled story", "World", NULL, now + 3600, ND_STATUS_SCHEDULED);
	put(s, "due", "Due story", "Sport", NULL, now - 10, ND_STATUS_SCHEDULED);
	assert_int_equal(nd_site_build(s, NULL, &site), 0);

	/* Published and due-scheduled only, newest first. */
	assert_int_equal(site->article_count, 3);
	assert_string_equal(site->articles[0].ext_id, "due");
	assert_string_equal(site->articles[1].ext_id, "new");
	assert_string_equal(site->articles[2].ext_id, "old");
	assert_int_equal(site->next_scheduled_at, now + 3600);

	a = nd_site_article_at(site, "/world/europe/old-story", 23);
	assert_non_null(a);
	assert_string_equal(a->ext_id, "old");
	assert_string_equal(a->section->path, "World/Europe");
	assert_string_equal(a->section->parent->name, "World");
	assert_string_equal(a->author->name, "Ann");
	assert_string_equal(a->author->url, "/author/ann");
	assert_int_equal(a->tag_count, 2);
	assert_string_equal(a->tags[0]->name, "Alpha");
	assert_non_null(strstr(a->body_html, "<em>text</em>"));
	assert_null(strstr(a->body_html, "<script>"));
	assert_string_equal(a->description, "Some text");

	/* A parent section lists its children's articles too. */
	world = nd_site_section_at(site, "/world", 6);
	assert_non_null(world);
	assert_int_equal(world->articles.count, 2);
	assert_string_equal(site->articles[world->articles.items[0]].ext_id, "new");
	tag = nd_map_get(&site->tag_by_slug, "beta", 4);
	assert_non_null(tag);
	assert_int_equal(tag->articles.count, 3);
	assert_null(nd_map_get(&site->by_ext_id, "draft", 5));
	assert_int_equal(site->generation > 0, 1);

	nd_site_free(site);
	nd_store_close(s);
}

static void test_rebuild_reuses_unchanged_html(void **state)
{
	struct nd_store *s;
	struct nd_site *one, *two;
	const struct nd_site_article *a;

	assert_int_equal(nd_store_open(db, &s), 0);
	put(s, "x", "X story", "World", NULL, 1000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_site_build(s, NULL, &one), 0);
	/* Corrupt the old copy's HTML: if the rebuild reuses it, we see it. */
	a = nd_map_get(&one->by_ext_id, "x", 1);
	((struct nd_site_article *)a)->body_html = "<p>cached</p>";
	assert_int_equal(nd_site_build(s, one, &two), 0);
	a = nd_map_get(&two->by_ext_id, "x", 1);
	assert_string_equal(a->body_html, "<p>cached</p>");
	nd_site_free(one);
	nd_site_free(two);
	nd_store_close(s);
}

/* Two copies of one story (the same long text under two ids) and another
 * story: every article keeps its page, the lists hold the story once, by
 * its first copy. */
static void test_lists_fold_copies(void **state)
{
	static const char *body = "The river Maas peaked overnight at Rotterdam while the storm "
	                          "surge barrier stayed closed, and engineers said the dikes along "
	                          "the harbour held without damage as the water began to fall on "
	                          "Tuesday morning after three days of heavy rain in the region.";
	const char *ids[] = {"first", "copy", "other"};
	const char *bodies[] = {body, body,
	                        "Parliament passed the budget after a long night of debate on "
	                        "taxes, pensions and the cost of the new railway to the north."};
	struct nd_store *s;
	struct nd_site *site;
	int64_t now = (int64_t)time(NULL);
	const struct nd_site_article *first, *copy;

	(void)state;
	assert_int_equal(nd_store_open(db, &s), 0);
	for (int i = 0; i < 3; i++) {
		struct nd_article_in in = {.ext_id = ids[i],
		                           .title =
		                               i == 2 ? "Budget passes" : "Flood barrier holds",
		                           .body = bodies[i],
		                           .section = "World",
		                           .status = ND_STATUS_PUBLISHED,
		                           .published_at = now - 100 + i};
		assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
	}
	assert_int_equal(nd_site_build(s, NULL, &site), 0);
	assert_int_equal(site->article_count, 3);
	first = nd_map_get(&site->by_ext_id, "first", 5);
	copy = nd_map_get(&site->by_ext_id, "copy", 4);
	assert_non_null(first);
	assert_non_null(copy);
	assert_int_equal(copy->cluster, first->key);
	assert_ptr_equal(nd_site_article_by_key(site, copy->key), copy);
	assert_int_equal(site->front.count, 2);
	for (size_t i = 0; i < site->front.count; i++)
		assert_ptr_not_equal(&site->articles[site->front.items[i]], copy);
	assert_int_equal(nd_site_section_at(site, "/world", 6)->articles.count, 2);
	nd_site_free(site);
	nd_store_close(s);
}

static void test_empty_store(void **state)
{
	struct nd_store *s;
	struct nd_site *site;

	assert_int_equal(nd_store_open(db, &s), 0);
	assert_int_equal(nd_site_build(s, NULL, &site), 0);
	assert_int_equal(site->article_count, 0);
	assert_null(nd_site_article_at(site, "/x", 2));
	nd_site_free(site);
	nd_store_close(s);
}

static void test_snapshot_follows_the_store(void **state)
{
	struct nd_store *s;
	struct nd_snapshot *snap;
	size_t count;

	assert_int_equal(nd_store_open(db, &s), 0);
	put(s, "a", "A", "World", NULL, 1000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_snapshot_open(db, 60000, 1 << 20, &snap), 0);
	put(s, "b", "B", "World", NULL, 2000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_snapshot_refresh(snap, 0), 0);
	nd_snapshot_read_lock();
	count = nd_snapshot_site(snap)->article_count;
	nd_snapshot_read_unlock();
	assert_int_equal(count, 2);
	nd_snapshot_close(snap);
	nd_store_close(s);
}

/*
 * Another node's publish reaches the snapshot without a poll (the watcher
 * polls once a minute here): PostgreSQL's NOTIFY (store/listen.h) wakes
 * it. SQLite has no notifications and is only polled.
 */
static void test_snapshot_hears_other_nodes(void **state)
{
	struct nd_store *s;
	struct nd_snapshot *snap;
	size_t count = 0;
	(void)state;

	if (!temp_db_is_pg())
		skip();
	assert_int_equal(nd_store_open(db, &s), 0);
	put(s, "a", "A", "World", NULL, 1000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_snapshot_open(db, 60000, 0, &snap), 0);
	put(s, "b", "B", "World", NULL, 2000, ND_STATUS_PUBLISHED);
	for (int i = 0; i < 100 && count != 2; i++) {
		struct timespec ts = {0, 50 * 1000000L};

		nd_snapshot_read_lock();
		count = nd_snapshot_site(snap)->article_count;
		nd_snapshot_read_unlock();
		if (count != 2)
			nanosleep(&ts, NULL);
	}
	assert_int_equal(count, 2);
	nd_snapshot_close(snap);
	nd_store_close(s);
}

/*
 * The store records the path the site routes: every page of one snapshot,
 * taken down or moved, is a retired path of the next, which leads a moved
 * article to its new page.
 */
static void test_retired_paths_are_the_site_routes(void **state)
{
	static const struct {
		const char *id, *title, *section;
	} arts[] = {
	    {"a", "Top story", "World"}, {"b", "Deep story", "World/Europe/Baltics"},
	    {"c", "Новости дня", "Мир"}, {"d", "Routed", "API"},
	    {"e", "Under", "World/API"},
	};
	struct nd_store *s;
	struct nd_site *before, *after;
	char routes[ND_COUNT(arts)][256];
	int64_t now = (int64_t)time(NULL);
	(void)state;

	assert_int_equal(nd_store_open(db, &s), 0);
	for (size_t i = 0; i < ND_COUNT(arts); i++)
		put(s, arts[i].id, arts[i].title, arts[i].section, NULL, now - 100,
		    ND_STATUS_PUBLISHED);
	assert_int_equal(nd_site_build(s, NULL, &before), 0);
	assert_int_equal(before->retired_count, 0);
	for (size_t i = 0; i < ND_COUNT(arts); i++) {
		const struct nd_site_article *a = NULL;
		for (size_t j = 0; j < before->article_count; j++)
			if (!strcmp(before->articles[j].ext_id, arts[i].id))
				a = &before->articles[j];
		assert_non_null(a);
		snprintf(routes[i], sizeof(routes[i]), "%s", a->route);
	}
	/* a: unpublished; b: deleted; c: new slug; d: other section; e: stays. */
	put(s, "a", "Top story", "World", NULL, now - 100, ND_STATUS_DRAFT);
	assert_int_equal(nd_store_article_delete(s, "b"), 0);
	{
		struct nd_article_in in = {.ext_id = "c",
		                           .title = "Новости дня",
		                           .body = "x",
		                           .section = "Мир",
		                           .slug = "другой"};
		assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
		in = (struct nd_article_in){
		    .ext_id = "d", .title = "Routed", .body = "x", .section = "Sport"};
		assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
	}
	assert_int_equal(nd_site_build(s, before, &after), 0);
	assert_int_equal(after->retired_count, 4);
	{
		const struct nd_site_retired *r;

		r = nd_site_retired_at(after, routes[0], strlen(routes[0]));
		assert_non_null(r);
		assert_int_equal(r->reason, ND_RETIRED_UNPUBLISHED);
		assert_null(r->article);
		r = nd_site_retired_at(after, routes[1], strlen(routes[1]));
		assert_non_null(r);
		assert_int_equal(r->reason, ND_RETIRED_DELETED);
		assert_null(r->article);
		r = nd_site_retired_at(after, routes[2], strlen(routes[2]));
		assert_non_null(r);
		assert_int_equal(r->reason, ND_RETIRED_MOVED);
		assert_non_null(r->article);
		assert_string_equal(r->article->ext_id, "c");
		assert_string_equal(r->article->route, "/мир/другой");
		r = nd_site_retired_at(after, routes[3], strlen(routes[3]));
		assert_non_null(r);
		assert_int_equal(r->reason, ND_RETIRED_MOVED);
		assert_string_equal(r->article->url, "/sport/routed");
		assert_null(nd_site_retired_at(after, routes[4], strlen(routes[4])));
		assert_null(nd_site_retired_at(after, "/nowhere", 8));
	}
	nd_site_free(before);
	nd_site_free(after);
	nd_store_close(s);
}

struct swaps {
	int calls;
	size_t last_count;
};

static void on_swap(void *ctx, const struct nd_site *site)
{
	struct swaps *w = ctx;

	w->calls++;
	w->last_count = site->article_count;
}

static void test_snapshot_swap_hook(void **state)
{
	struct swaps w = {0, 0};
	struct nd_store *s;
	struct nd_snapshot *snap;

	assert_int_equal(nd_store_open(db, &s), 0);
	put(s, "a", "A", "World", NULL, 1000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_snapshot_open(db, 60000, 0, &snap), 0);
	/* Called at once with the current site... */
	nd_snapshot_on_swap(snap, on_swap, &w);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.last_count, 1);
	/* ...not when nothing changed... */
	assert_int_equal(nd_snapshot_refresh(snap, 0), 0);
	assert_int_equal(w.calls, 1);
	/* ...and with the new site after a swap. */
	put(s, "b", "B", "World", NULL, 2000, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_snapshot_refresh(snap, 0), 0);
	assert_int_equal(w.calls, 2);
	assert_int_equal(w.last_count, 2);
	/* Removed: no more calls. */
	nd_snapshot_on_swap(snap, NULL, NULL);
	assert_int_equal(nd_snapshot_refresh(snap, 1), 0);
	assert_int_equal(w.calls, 2);
	nd_snapshot_close(snap);
	nd_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_build_links_everything, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rebuild_reuses_unchanged_html, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists_fold_copies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_follows_the_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retired_paths_are_the_site_routes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_swap_hook, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_hears_other_nodes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
