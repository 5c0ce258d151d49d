/* Tests for where the feeds' state file goes (src/wire/fetch.c, nd_wire_opts_from_config). */
#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/log.h"
#include "core/mem.h"
#include "wire/wire.h"

/* The state path the options get for a store named db; NULL when none. */
static void assert_state(const char *db, const char *fetch_state, const char *want)
{
	struct nd_config cfg;
	struct nd_wire_opts o;
	char *buf;

	nd_config_init(&cfg);
	free(cfg.db);
	cfg.db = nd_xstrdup(db);
	if (fetch_state) {
		free(cfg.fetch_state);
		cfg.fetch_state = nd_xstrdup(fetch_state);
	}
	nd_wire_opts_from_config(&o, &cfg, &buf);
	if (want)
		assert_string_equal(o.state_path, want);
	else
		assert_null(o.state_path);
	/* Only the default is the caller's to free. */
	if (buf)
		assert_ptr_equal(buf, o.state_path);
	free(buf);
	nd_config_release(&cfg);
}

static void test_next_to_a_sqlite_file(void **state)
{
	(void)state;
	assert_state("/srv/news.db", NULL, "/srv/news.db.feeds.json");
	assert_state("sqlite:/srv/news.db", NULL, "/srv/news.db.feeds.json");
	assert_state("news.db", NULL, "news.db.feeds.json");
}

static void test_none_without_a_file(void **state)
{
	(void)state;
	nd_log_level = ND_LOG_NONE; /* the PostgreSQL case says so at info */
	assert_state(":memory:", NULL, NULL);
	assert_state("sqlite::memory:", NULL, NULL);
	/* Not "postgresql:/…/news.feeds.json", a relative path made of the URL. */
	assert_state("postgresql://ann@db.example/news", NULL, NULL);
	assert_state("postgres://db/news", NULL, NULL);
	assert_state("pg:host=/run/postgresql dbname=news", NULL, NULL);
	nd_log_level = ND_LOG_INFO;
}

static void test_configured(void **state)
{
	(void)state;
	assert_state("/srv/news.db", "/var/lib/nd/feeds.json", "/var/lib/nd/feeds.json");
	assert_state("postgresql://db/news", "/var/lib/nd/feeds.json", "/var/lib/nd/feeds.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_to_a_sqlite_file),
	    cmocka_unit_test(test_none_without_a_file),
	    cmocka_unit_test(test_configured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
