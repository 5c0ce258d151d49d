/* Tests for src/handler/webhook_events.c: scheduled articles going live are announced once. */
#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/err.h"
#include "core/mem.h"
#include "handler/handler_int.h"
#include "helpers/temp_db.h"
#include "webhook/webhook.h"

static void put(struct nd_store *s, const char *id, int64_t at)
{
	struct nd_article_in in = {.ext_id = id,
	                           .title = id,
	                           .body = "Body.",
	                           .status = ND_STATUS_SCHEDULED,
	                           .published_at = at};

	assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
}

static void test_golive_once(void **state)
{
	const int64_t t = 2000000000;
	struct nd_webhook_cfg *h = nd_xcalloc(1, sizeof(*h));
	struct nd_config cfg;
	struct nd_app app;
	struct nd_store *s;
	struct temp_db db;
	int64_t until;

	(void)state;
	/* A SQLite file, or a database on the test cluster (ND_TEST_STORE=pg). */
	assert_int_equal(temp_db_make(&db, "golive"), 0);
	nd_config_init(&cfg);
	free(cfg.db);
	cfg.db = nd_xstrdup(db.url);
	/* Nobody listens on port 1: the deliveries fail, which is not tested here. */
	h->name = nd_xstrdup("t");
	h->url = nd_xstrdup("http://127.0.0.1:1/");
	h->secret = nd_xstrdup("s");
	h->events = ND_WEBHOOK_PUBLISH;
	cfg.webhooks = h;
	memset(&app, 0, sizeof(app));
	app.cfg = &cfg;
	assert_int_equal(nd_store_open(db.url, &s), 0);
	put(s, "before", t - 10);
	put(s, "a", t + 100);
	put(s, "b", t + 100);

	/* Without webhooks: nothing, and no mark. */
	assert_int_equal(nd__golive(&app, t), 0);
	assert_int_equal(nd_store_meta_int_get(s, "webhook_live_until", &until), ND_ENOTFOUND);
	assert_int_equal(nd_webhooks_start(&cfg, &app.webhooks), 0);
	assert_non_null(app.webhooks);
	/* The first run marks the time: what went live before is not news. */
	assert_int_equal(nd__golive(&app, t), 0);
	assert_int_equal(nd_store_meta_int_get(s, "webhook_live_until", &until), 0);
	assert_int_equal(until, t);
	assert_int_equal(nd__golive(&app, t + 99), 0);
	/* Both at their second, once. */
	assert_int_equal(nd__golive(&app, t + 100), 2);
	assert_int_equal(nd__golive(&app, t + 100), 0);
	assert_int_equal(nd__golive(&app, t + 500), 0);
	/* A later one, also when a run comes late. */
	put(s, "c", t + 600);
	assert_int_equal(nd__golive(&app, t + 700), 1);
	/* A run with an earlier clock (another node) never moves the mark back. */
	assert_int_equal(nd__golive(&app, t + 650), 0);
	assert_int_equal(nd_store_meta_int_get(s, "webhook_live_until", &until), 0);
	assert_int_equal(until, t + 700);
	/* More than a day late: not announced any more. */
	put(s, "d", t + 800);
	assert_int_equal(nd__golive(&app, t + 800 + 2 * 86400), 0);
	assert_int_equal(nd__golive(&app, t + 800 + 2 * 86400 + 1), 0);

	nd_webhooks_stop(app.webhooks);
	nd_store_close(s);
	nd_config_release(&cfg);
	temp_db_remove(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golive_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
