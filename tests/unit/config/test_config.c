#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/err.h"

static char path[64];

static void write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/nd-config-test-%d.ini", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int teardown(void **state)
{
	unlink(path);
	unsetenv("NEWSDESK_SITE_NAME");
	unsetenv("NEWSDESK_THREADS");
	return 0;
}

static void test_defaults(void **state)
{
	struct nd_config c;

	nd_config_init(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.db, "newsdesk.db");
	assert_int_equal(c.page_size, 20);
	assert_int_equal(c.log_level, ND_LOG_INFO);
	nd_config_release(&c);
}

static void test_file_env_flag_precedence(void **state)
{
	struct nd_config c;
	char *err = NULL;

	write_file(
	    "; comment\n[site]\nsite_name = From File\npage_size = 7\n[server]\nthreads = 3\n");
	nd_config_init(&c);
	assert_int_equal(nd_config_load_file(&c, path, &err), 0);
	assert_string_equal(c.site_name, "From File");
	assert_int_equal(c.page_size, 7);
	assert_int_equal(c.threads, 3);

	setenv("NEWSDESK_SITE_NAME", "From Env", 1);
	assert_int_equal(nd_config_load_env(&c, &err), 0);
	assert_string_equal(c.site_name, "From Env");
	assert_int_equal(c.page_size, 7); /* not in the environment: the file's */

	assert_int_equal(nd_config_set(&c, "site-name", "From Flag", &err), 0);
	assert_string_equal(c.site_name, "From Flag");
	nd_config_release(&c);
}

static void test_webhooks(void **state)
{
	struct nd_config c;
	char *err = NULL;

	write_file("[site]\nsite_name = x\n[webhook slack]\nurl = https://hooks.example/a\n"
	           "secret = s1\nevents = publish, unpublish\n[webhook audit]\n"
	           "url = http://127.0.0.1:9/\nsecret = s2\n");
	nd_config_init(&c);
	assert_int_equal(nd_config_load_file(&c, path, &err), 0);
	assert_non_null(c.webhooks);
	assert_string_equal(c.webhooks->name, "slack");
	assert_string_equal(c.webhooks->url, "https://hooks.example/a");
	assert_string_equal(c.webhooks->secret, "s1");
	assert_int_equal(c.webhooks->events, ND_WEBHOOK_PUBLISH | ND_WEBHOOK_UNPUBLISH);
	assert_non_null(c.webhooks->next);
	assert_string_equal(c.webhooks->next->name, "audit");
	assert_int_equal(c.webhooks->next->events,
	                 ND_WEBHOOK_PUBLISH | ND_WEBHOOK_UPDATE | ND_WEBHOOK_UNPUBLISH);
	assert_null(c.webhooks->next->next);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[webhook a]\nurl = ftp://x/\nsecret = s\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":2: webhook 'a': url must be http:// or https://"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[webhook a]\nurl = http://x/\nsecret = s\nevents = publish,boom\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":4: webhook 'a': unknown event 'boom'"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[webhook a]\nurl = http://x/\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, "webhook 'a' needs both url and secret"));
	free(err);
	nd_config_release(&c);

	assert_int_equal(nd_webhook_event_parse("update"), ND_WEBHOOK_UPDATE);
	assert_int_equal(nd_webhook_event_parse("Update"), 0);
	assert_string_equal(nd_webhook_event_name(ND_WEBHOOK_UNPUBLISH), "unpublish");
}

static void test_file_errors_name_the_line(void **state)
{
	struct nd_config c;
	char *err = NULL;

	write_file("[site]\nsite_name = ok\nbogus = 1\n");
	nd_config_init(&c);
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":3: unknown option 'bogus'"));
	assert_non_null(strstr(err, path));
	free(err);

	write_file("[server]\nthreads = many\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":2: bad value 'many' for option 'threads'"));
	free(err);

	write_file("[server]\nsite_name = x\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, "belongs in section [site]"));
	free(err);

	write_file("[site\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":1: syntax error"));
	free(err);

	assert_int_equal(nd_config_load_file(&c, "/nonexistent/x.ini", &err), ND_EIO);
	assert_non_null(strstr(err, "'/nonexistent/x.ini'"));
	free(err);
	nd_config_release(&c);
}

static void test_bad_values(void **state)
{
	struct nd_config c;
	char *err = NULL;

	nd_config_init(&c);
	assert_int_equal(nd_config_set(&c, "page_size", "0", &err), ND_EINVAL);
	assert_non_null(strstr(err, "from 1 to 200"));
	free(err);
	assert_int_equal(nd_config_set(&c, "page_size", "12x", &err), ND_EINVAL);
	free(err);
	assert_int_equal(nd_config_set(&c, "log_level", "loud", &err), ND_EINVAL);
	free(err);
	assert_int_equal(nd_config_set(&c, "nope", "1", &err), ND_ENOTFOUND);
	free(err);
	assert_int_equal(nd_config_set(&c, "log-level", "debug", NULL), 0);
	assert_int_equal(c.log_level, ND_LOG_DEBUG);
	assert_int_equal(c.page_size, 20); /* failed sets change nothing */

	setenv("NEWSDESK_THREADS", "-1", 1);
	assert_int_equal(nd_config_load_env(&c, &err), ND_EINVAL);
	assert_non_null(strstr(err, "NEWSDESK_THREADS"));
	free(err);
	nd_config_release(&c);
}

static void test_feeds(void **state)
{
	struct nd_config c;
	char *err = NULL;

	write_file("[wire]\nfetch_interval = 60\n[feed world]\nurl = https://e.com/w.rss\n"
	           "section = World/Europe\ntags = a, b\n[feed  x.y-2]\nurl = http://e.com/x\n"
	           "author = Desk\n");
	nd_config_init(&c);
	assert_int_equal(c.fetch_interval, 600);
	assert_int_equal(c.fetch_max_kb, 5120);
	assert_int_equal(nd_config_load_file(&c, path, &err), 0);
	assert_int_equal(c.fetch_interval, 60);
	assert_int_equal(c.feed_count, 2);
	assert_string_equal(c.feeds[0].name, "world");
	assert_string_equal(c.feeds[0].url, "https://e.com/w.rss");
	assert_string_equal(c.feeds[0].section, "World/Europe");
	assert_string_equal(c.feeds[0].tags, "a, b");
	assert_null(c.feeds[0].author);
	assert_string_equal(c.feeds[1].name, "x.y-2");
	assert_string_equal(c.feeds[1].author, "Desk");
	nd_config_release(&c);
	assert_int_equal(c.feed_count, 0);

	nd_config_init(&c);
	write_file("[feed a]\nsection = News\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":2: feed 'a' has no url"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[feed a]\nurl = ftp://e.com/x\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":2: feed 'a': url 'ftp://e.com/x' is not http"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[feed a]\nurl = http://e.com/\ncolour = red\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":3: unknown feed key 'colour'"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[feed a b]\nurl = http://e.com/\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, "bad feed name 'a b'"));
	free(err);
	nd_config_release(&c);

	nd_config_init(&c);
	write_file("[feed a]\nurl = http://e.com/\n[site]\npage_size = 3\n[feed a]\nurl = "
	           "http://e.com/2\n");
	assert_int_equal(nd_config_load_file(&c, path, &err), ND_EINVAL);
	assert_non_null(strstr(err, ":6: feed 'a' is defined twice"));
	free(err);
	nd_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_defaults, teardown),
	    cmocka_unit_test_teardown(test_file_env_flag_precedence, teardown),
	    cmocka_unit_test_teardown(test_file_errors_name_the_line, teardown),
	    cmocka_unit_test_teardown(test_webhooks, teardown),
	    cmocka_unit_test_teardown(test_bad_values, teardown),
	    cmocka_unit_test_teardown(test_feeds, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
