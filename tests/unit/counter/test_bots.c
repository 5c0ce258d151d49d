#include "helpers/cmocka.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"

/* The pattern translator is static; the tests below pin its hand cases. */
#include "counter/bots.c"

/* Current browsers, as they send their User-Agent in 2025-2026. */
static const char *const browsers[] = {
    /* Chrome, Windows */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    /* Chrome, macOS and Linux */
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    /* Safari, macOS */
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    /* Safari, iPhone and iPad */
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    /* Chrome on iOS */
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    /* Firefox, Windows, Linux and Android */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    /* Chrome, Android */
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.104 Mobile Safari/537.36",
    /* Edge, Windows */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    /* Samsung Internet, Android */
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S928B) AppleWebKit/537.36 "
    "(KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
    /* Opera, Windows */
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
};

/* Tools and crawlers that fetch pages without a reader. */
static const char *const tools[] = {
    "curl/7.88.1",
    "Wget/1.21.3",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
};

static bool match(const struct nd_bots *b, const char *ua)
{
	return nd_bots_match(b, ua, strlen(ua));
}

static int setup(void **state)
{
	struct nd_bots *b;

	if (nd_bots_new_default(&b) < 0)
		return -1;
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	nd_bots_free(*state);
	return 0;
}

/* Every sample UA the list gives for its patterns is a bot. */
static void test_instances_match(void **state)
{
	const struct nd_bots *b = *state;
	json_t *root = json_loadb(nd_bots_json, nd_bots_json_size, 0, NULL);
	json_t *e, *ua;
	size_t i, j, n = 0;

	assert_non_null(root);
	assert_int_equal(nd_bots_count(b), json_array_size(root));
	json_array_foreach(root, i, e)
	{
		json_array_foreach(json_object_get(e, "instances"), j, ua)
		{
			if (!match(b, json_string_value(ua)))
				fail_msg("entry %zu: '%s' is not a bot", i, json_string_value(ua));
			n++;
		}
	}
	assert_true(n > 2000);
	json_decref(root);
}

static void test_browsers_are_not_bots(void **state)
{
	for (size_t i = 0; i < ND_COUNT(browsers); i++)
		if (match(*state, browsers[i]))
			fail_msg("'%s' is a bot", browsers[i]);
}

static void test_tools_are_bots(void **state)
{
	for (size_t i = 0; i < ND_COUNT(tools); i++)
		if (!match(*state, tools[i]))
			fail_msg("'%s' is not a bot", tools[i]);
}

static void test_missing_ua_is_bot(void **state)
{
	assert_true(nd_bots_match(*state, NULL, 0));
	assert_true(nd_bots_match(*state, "", 0));
	assert_true(nd_bots_match(*state, browsers[0], 0));
}

/* Only len bytes are the UA: a bot's name past them does not count, '$'
 * matches at len, and the UA needs no NUL. */
static void test_len_bounds_the_ua(void **state)
{
	const char *chrome = browsers[0];
	char buf[512];

	snprintf(buf, sizeof(buf), "%s Googlebot/2.1", chrome);
	assert_true(match(*state, buf));
	assert_false(nd_bots_match(*state, buf, strlen(chrome)));
	memcpy(buf, "curl/8.5.0", 10);
	assert_true(nd_bots_match(*state, buf, 10));
	/* The list has "GoogleAssociationService$". */
	snprintf(buf, sizeof(buf), "GoogleAssociationService 2");
	assert_false(match(*state, buf));
	assert_true(nd_bots_match(*state, buf, strlen("GoogleAssociationService")));
}

/* A small list of the pattern shapes the real one uses. */
static void test_pattern_semantics(void **state)
{
	static const char list[] =
	    "[{\"pattern\": \"^curl\"}, {\"pattern\": \"AdsBot-Google([^-]|$)\"},"
	    " {\"pattern\": \"[wW]get\"}, {\"pattern\": \"Spider[\\\\s\\\\S]*spider\\\\.com\"},"
	    " {\"pattern\": \"BlogTraffic\\\\/\\\\d\\\\.\\\\d+ Feed-Fetcher\"},"
	    " {\"pattern\": \"SSL Labs$\"}, {\"pattern\": \"Automaton|Newsify Feed Fetcher\"},"
	    " {\"pattern\": \"Mediapartners \\\\(Googlebot\\\\)\"}, {\"pattern\": \"^[0-9]+$\"}]";
	static const struct {
		const char *ua;
		bool bot;
	} cases[] = {
	    {"curl/8.5.0", true},
	    {"Mozilla curl/8.5.0", false}, /* anchored at the start */
	    {"AdsBot-Google (+http://www.google.com/adsbot.html)", true},
	    {"AdsBot-Google", true},
	    {"AdsBot-Google-Mobile", false},
	    {"GNU Wget/1.21", true},
	    {"wget", true},
	    {"WGET", false}, /* case matters */
	    {"Spider (+http://www.spider.com/bot)", true},
	    {"Spider (+http://www.spiderxcom/bot)", false},
	    {"BlogTraffic/1.42 Feed-Fetcher", true},
	    {"BlogTraffic/x.42 Feed-Fetcher", false},
	    {"Qualys SSL Labs", true},
	    {"SSL Labs scanner", false},
	    {"Automaton", true},
	    {"x Newsify Feed Fetcher y", true},
	    {"Newsify", false},
	    {"Mediapartners (Googlebot)", true},
	    {"Mediapartners Googlebot", false},
	    {"12345", true}, /* no literal: run on every UA */
	    {"12345a", false},
	};
	struct nd_bots *b;

	assert_int_equal(nd_bots_new(list, strlen(list), &b), 0);
	assert_int_equal(nd_bots_count(b), 9);
	for (size_t i = 0; i < ND_COUNT(cases); i++)
		if (match(b, cases[i].ua) != cases[i].bot)
			fail_msg("'%s': expected %s", cases[i].ua, cases[i].bot ? "bot" : "no bot");
	nd_bots_free(b);
}

/* Runs nd_bots_new on list with stderr sent to a file; returns its result
 * and the message logged in msg. */
static int load_logged(const char *list, char *msg, size_t size)
{
	struct nd_bots *b = (struct nd_bots *)1;
	FILE *f = tmpfile();
	int saved = dup(2), rc;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	rc = nd_bots_new(list, strlen(list), &b);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(msg, 1, size - 1, f);
	msg[n] = '\0';
	fclose(f);
	assert_null(b);
	return rc;
}

static void test_malformed_json(void **state)
{
	static const char *const lists[] = {
	    "",
	    "[",
	    "{\"pattern\": \"bot\"}",
	    "[{\"pattern\": \"bot\"},]",
	    "[\"bot\"]",
	    "[{\"pattern\": 3}]",
	    "[{\"url\": \"http://example.com\"}]",
	    "[{\"pattern\": \"\"}]",
	};
	char msg[1024];

	for (size_t i = 0; i < ND_COUNT(lists); i++)
		if (load_logged(lists[i], msg, sizeof(msg)) != ND_EINVAL)
			fail_msg("'%s' loads", lists[i]);
	load_logged("[{\"pattern\": \"bot\"}, {\"pattern\": 3}]", msg, sizeof(msg));
	assert_non_null(strstr(msg, "entry 1"));
}

/* A pattern that does not compile fails the whole list, naming it. */
static void test_bad_patterns(void **state)
{
	static const char *const pats[] = {
	    "a(b",
	    "a)b",
	    "(?i)bot",
	    "x\\\\1y",
	    "[z-a]bot",
	    "[bot",
	    "bot\\\\",
	    "a||b",
	    "bot|",
	    "*bot",
	    "a{2,1}",
	    "\\\\qbot",
	    "[[:foo:]]bot",
	    "[^\\\\s\\\\S]x",
	    /* UTF-8 "é", where it would stand for one byte */
	    "[\xc3\xa9]te",
	    "caf\xc3\xa9?",
	};
	char list[256], msg[1024];

	for (size_t i = 0; i < ND_COUNT(pats); i++) {
		snprintf(list, sizeof(list), "[{\"pattern\": \"ok\"}, {\"pattern\": \"%s\"}]",
		         pats[i]);
		if (load_logged(list, msg, sizeof(msg)) != ND_EINVAL)
			fail_msg("pattern '%s' loads", pats[i]);
		if (!strstr(msg, "entry 1"))
			fail_msg("pattern '%s': message '%s' names no entry", pats[i], msg);
	}
}

/* Splits p, translates its first alternative and checks the ERE, the
 * literal and whether the literal is all of it. */
static void check_translate(const char *p, const char *ere, const char *lit, bool pure)
{
	struct nd_buf e = ND_BUF_INIT, l = ND_BUF_INIT;
	bool is_pure;
	const char *why = translate(p, alt_end(p, strlen(p), 0), &e, &l, &is_pure);

	if (why)
		fail_msg("'%s': %s", p, why);
	if (strcmp(e.buf, ere) || strcmp(l.buf, lit) || is_pure != pure)
		fail_msg("'%s': ERE '%s' literal '%s' pure %d", p, e.buf, l.buf, is_pure);
	nd_buf_release(&e);
	nd_buf_release(&l);
}

static void test_translate(void **state)
{
	check_translate("Googlebot", "Googlebot", "Googlebot", true);
	check_translate("Mediapartners \\(Googlebot\\)", "Mediapartners \\(Googlebot\\)",
	                "Mediapartners (Googlebot)", true);
	check_translate("^HTTPie\\/", "^HTTPie/", "HTTPie/", false);
	check_translate("[wW]get", "[Ww]get", "get", false);
	check_translate("AdsBot-Google([^-]|$)", "AdsBot-Google([^-]|$)", "AdsBot-Google", false);
	check_translate("(^| )sentry\\/", "(^| )sentry/", "sentry/", false);
	check_translate("Automaton|Newsify Feed Fetcher", "Automaton", "Automaton", true);
	check_translate("BlogTraffic\\/\\d\\.\\d+ Feed-Fetcher",
	                "BlogTraffic/[0-9]\\.[0-9]+ Feed-Fetcher", " Feed-Fetcher", false);
	check_translate("Spider[\\s\\S]*spider\\.com", "Spider.*spider\\.com", "spider.com", false);
	check_translate("a\\sb\\Sc\\wd", "a[\t-\r ]b[^\t-\r ]c[0-9A-Z_a-z]d", "a", false);
	/* Quantifiers: a byte that may be absent leaves the literal. */
	check_translate("abcd?e", "abcd?e", "abc", false);
	check_translate("abcx*yz", "abcx*yz", "abc", false);
	check_translate("abx+yz", "abx+yz", "abx", false);
	check_translate("ab{0,2}cde", "ab{0,2}cde", "cde", false);
	check_translate("abc{2}de", "abc{2}de", "abc", false);
	check_translate("a{b}", "a\\{b}", "a{b}", true); /* a plain '{' */
	/* Brackets come out in an order POSIX reads as plain members. */
	check_translate("[-^]x", "[-^]x", "x", false);
	check_translate("[]a]x", "[]a]x", "x", false);
	check_translate("[\\]\\[a-c^-]x", "[]a-c[^-]x", "x", false);
	check_translate("[^-]x", "[^-]x", "x", false);
	check_translate("[.]x", "\\.x", "x", false);
	check_translate("[[:digit:]ab]x", "[0-9ab]x", "x", false);
}

/* The prefilter is what makes matching cheap: every alternative of the
 * list must have a literal of at least 3 bytes, or it runs on every UA. */
static void test_every_alternative_has_a_literal(void **state)
{
	json_t *root = json_loadb(nd_bots_json, nd_bots_json_size, 0, NULL);
	struct nd_buf e = ND_BUF_INIT, l = ND_BUF_INIT;
	json_t *entry;
	size_t i, alts = 0;
	bool pure;

	assert_non_null(root);
	json_array_foreach(root, i, entry)
	{
		const char *p = json_string_value(json_object_get(entry, "pattern"));
		size_t len = strlen(p);
		for (size_t a = 0; a < len; a++, alts++) {
			size_t end = alt_end(p, len, a);
			nd_buf_reset(&e);
			nd_buf_reset(&l);
			assert_null(translate(p + a, end - a, &e, &l, &pure));
			if (l.len < 3)
				fail_msg("entry %zu: '%s' has literal '%s'", i, p, l.buf);
			a = end;
		}
	}
	assert_true(alts > json_array_size(root));
	assert_int_equal(((const struct nd_bots *)*state)->nalways, 0);
	nd_buf_release(&e);
	nd_buf_release(&l);
	json_decref(root);
}

static void *match_all(void *arg)
{
	const struct nd_bots *b = arg;
	uintptr_t wrong = 0;

	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < ND_COUNT(browsers); i++)
			wrong += match(b, browsers[i]);
		for (size_t i = 0; i < ND_COUNT(tools); i++)
			wrong += !match(b, tools[i]);
	}
	return (void *)wrong;
}

/* One matcher serves every thread. */
static void test_threads(void **state)
{
	pthread_t t[4];
	void *wrong;

	for (size_t i = 0; i < ND_COUNT(t); i++)
		assert_int_equal(pthread_create(&t[i], NULL, match_all, *state), 0);
	for (size_t i = 0; i < ND_COUNT(t); i++) {
		assert_int_equal(pthread_join(t[i], &wrong), 0);
		assert_null(wrong);
	}
}

static void test_prefetch(void **state)
{
	/* Sec-Purpose, as Chromium, Safari and Firefox send it. */
	assert_true(nd_bots_is_prefetch("prefetch", NULL, NULL, NULL));
	assert_true(nd_bots_is_prefetch("prefetch;prerender", NULL, NULL, NULL));
	assert_true(nd_bots_is_prefetch("prefetch; anonymous-client-ip", NULL, NULL, NULL));
	assert_true(nd_bots_is_prefetch("Prefetch", NULL, NULL, NULL));
	/* The older headers. */
	assert_true(nd_bots_is_prefetch(NULL, "prefetch", NULL, NULL));
	assert_true(nd_bots_is_prefetch(NULL, NULL, "preview", NULL));
	assert_true(nd_bots_is_prefetch(NULL, NULL, NULL, "prefetch"));
	assert_true(nd_bots_is_prefetch("", "", "", "prefetch"));
	/* Absent, empty or other values: an ordinary request. */
	assert_false(nd_bots_is_prefetch(NULL, NULL, NULL, NULL));
	assert_false(nd_bots_is_prefetch("", "", "", ""));
	assert_false(nd_bots_is_prefetch(" ; ,", NULL, NULL, NULL));
	assert_false(nd_bots_is_prefetch("navigate", "document", "view", "microsummary"));
	assert_false(nd_bots_is_prefetch("prefetcher", "no-prefetch", "previews", "pre fetch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_instances_match, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_browsers_are_not_bots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tools_are_bots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_ua_is_bot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_len_bounds_the_ua, setup, teardown),
	    cmocka_unit_test(test_pattern_semantics),
	    cmocka_unit_test(test_malformed_json),
	    cmocka_unit_test(test_bad_patterns),
	    cmocka_unit_test(test_translate),
	    cmocka_unit_test_setup_teardown(test_every_alternative_has_a_literal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	    cmocka_unit_test(test_prefetch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
