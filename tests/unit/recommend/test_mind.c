#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "recommend/mind.h"

#define TINY ND_SOURCE_DIR "/tests/data/mind-tiny"

/* The fixture: ids shared between train and dev, labels, empty history. */
static void test_load_tiny(void **state)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log train = ND_MIND_LOG_INIT, dev = ND_MIND_LOG_INIT;
	const struct nd_mind_impression *imp;

	(void)state;
	assert_int_equal(nd_mind_log_load(&train, TINY "/train", items, users), 0);
	assert_int_equal(nd_mind_log_load(&dev, TINY "/dev", items, users), 0);
	assert_int_equal(train.count, 3);
	assert_int_equal(train.news, 2);
	assert_int_equal(dev.count, 4);
	assert_int_equal(nd_mind_ids_count(items), 7);
	assert_int_equal(nd_mind_ids_count(users), 4);
	/* The rows of news.tsv are kept, fields split; an empty one is "". */
	assert_string_equal(train.articles[0].id, "N1");
	assert_string_equal(train.articles[0].category, "news");
	assert_string_equal(train.articles[0].subcategory, "newsus");
	assert_string_equal(train.articles[0].title, "First title");
	assert_string_equal(train.articles[0].abstract, "An abstract.");
	assert_string_equal(train.articles[1].id, "N3");
	assert_string_equal(train.articles[1].abstract, "");

	imp = &train.imps[0];
	assert_string_equal(nd_mind_ids_name(users, imp->user), "U1");
	assert_int_equal(imp->n_history, 2);
	assert_string_equal(nd_mind_ids_name(items, imp->history[1]), "N2");
	assert_int_equal(imp->n_items, 3);
	assert_string_equal(nd_mind_ids_name(items, imp->items[0]), "N3");
	assert_int_equal(imp->clicked[0], 1);
	assert_int_equal(imp->clicked[1], 0);
	/* U1 again, in dev: the same numbers. */
	assert_int_equal(dev.imps[1].user, imp->user);
	assert_int_equal(dev.imps[1].items[0], imp->items[0]);
	assert_int_equal(dev.imps[2].n_history, 0);

	nd_mind_log_release(&train);
	nd_mind_log_release(&dev);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

/* Times: M/D/YYYY h:mm:ss AM/PM read as UTC seconds since 1970. */
static void test_time(void **state)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log log = ND_MIND_LOG_INIT;
	const char *a = "1\tU1\t11/15/2019 8:55:22 AM\t\tN2-1";
	const char *b = "2\tU1\t11/15/2019 12:05:00 PM\t\tN2-1";
	const char *c = "3\tU1\t1/1/1970 12:00:01 AM\t\tN2-1";

	(void)state;
	assert_int_equal(nd_mind_log_add_line(&log, a, strlen(a), items, users, NULL), 0);
	assert_int_equal(nd_mind_log_add_line(&log, b, strlen(b), items, users, NULL), 0);
	assert_int_equal(nd_mind_log_add_line(&log, c, strlen(c), items, users, NULL), 0);
	assert_int_equal(log.imps[0].time, 1573808122); /* date -u -d '2019-11-15 08:55:22' +%s */
	assert_int_equal(log.imps[1].time, 1573808122 + 3 * 3600 + 9 * 60 + 38);
	assert_int_equal(log.imps[2].time, 1);
	nd_mind_log_release(&log);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

static void expect_bad(const char *line, const char *why_part)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log log = ND_MIND_LOG_INIT;
	char *why = NULL;

	assert_int_equal(nd_mind_log_add_line(&log, line, strlen(line), items, users, &why),
	                 ND_EINVAL);
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("'%s': want '%s' in '%s'", line, why_part, why);
	assert_int_equal(log.count, 0);
	assert_int_equal(nd_mind_ids_count(items), 0);
	free(why);
	nd_mind_log_release(&log);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

static void test_bad_lines(void **state)
{
	(void)state;
	expect_bad("1\tU1\t11/15/2019 8:55:22 AM\tN1\n", "4 tab-separated fields");
	expect_bad("1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1\textra", "6 tab-separated");
	expect_bad("\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1", "empty impression id");
	expect_bad("1\t\t11/15/2019 8:55:22 AM\tN1\tN2-1", "bad user id");
	expect_bad("1\tU1\t2019-11-15 08:55:22\tN1\tN2-1", "bad time");
	expect_bad("1\tU1\t11/15/2019 8:55:22 XM\tN1\tN2-1", "bad time");
	expect_bad("1\tU1\t11/15/2019 8:55:22 AM\tN1\t", "no impressions");
	expect_bad("1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-1 N3", "bad impression 'N3'");
	expect_bad("1\tU1\t11/15/2019 8:55:22 AM\tN1\tN2-2", "bad impression 'N2-2'");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A bad line stops the load; the lines before it stay. */
static void test_load_stops_at_bad_line(void **state)
{
	char dir[] = "/tmp/nd-mind-XXXXXX", news[64], beh[64];
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log log = ND_MIND_LOG_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(news, sizeof(news), "%s/news.tsv", dir);
	snprintf(beh, sizeof(beh), "%s/behaviors.tsv", dir);
	write_file(news, "N1\ta\tb\tt\tx\tu\t[]\t[]\n");
	write_file(beh, "1\tU1\t11/15/2019 8:55:22 AM\t\tN1-1 N2-0\n"
	                "2\tU1\t11/15/2019 8:55:22 AM\tN1 N2-0\n"
	                "3\tU1\t11/15/2019 8:55:22 AM\t\tN1-1 N2-0\n");
	nd_log_level = ND_LOG_NONE;
	assert_int_equal(nd_mind_log_load(&log, dir, items, users), ND_EINVAL);
	assert_int_equal(log.count, 1);
	nd_mind_log_release(&log);

	write_file(news, "N1\ta\tb\tt\tx\tu\t[]\n");
	assert_int_equal(nd_mind_log_load(&log, dir, items, users), ND_EINVAL);
	assert_int_equal(log.count, 0);
	unlink(news);
	assert_int_equal(nd_mind_log_load(&log, dir, items, users), ND_EIO);
	nd_log_level = ND_LOG_INFO;
	unlink(beh);
	rmdir(dir);
	nd_mind_log_release(&log);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_tiny),
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_load_stops_at_bad_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
