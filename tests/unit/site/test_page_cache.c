#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "site/page_cache.h"

static void test_put_get(void **state)
{
	struct nd_page_cache *c = nd_page_cache_new(64, 1 << 20);
	const struct nd_page *p;
	size_t entries, bytes;

	assert_null(nd_page_cache_get(c, "/a", 2));
	assert_true(nd_page_cache_put(c, "/a", 2, "text/html\n", 10, "<p>a</p>", 8));
	p = nd_page_cache_get(c, "/a", 2);
	assert_non_null(p);
	assert_int_equal(p->body_len, 8);
	assert_memory_equal(p->body, "<p>a</p>", 8);
	assert_memory_equal(p->meta, "text/html\n", 10);
	assert_null(nd_page_cache_get(c, "/a?", 3));
	/* A second put of the same key keeps the first value. */
	assert_true(nd_page_cache_put(c, "/a", 2, "", 0, "other", 5));
	assert_memory_equal(nd_page_cache_get(c, "/a", 2)->body, "<p>a</p>", 8);
	nd_page_cache_stats(c, &entries, &bytes);
	assert_int_equal(entries, 1);
	nd_page_cache_free(c);
}

static void test_bounded_by_slots_and_bytes(void **state)
{
	struct nd_page_cache *c = nd_page_cache_new(16, 1 << 20);
	char key[16];
	int stored = 0;

	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "/k%d", i);
		stored += nd_page_cache_put(c, key, strlen(key), "", 0, "x", 1);
	}
	assert_int_equal(stored, 8); /* half of 16 slots */
	assert_non_null(nd_page_cache_get(c, "/k7", 3));
	assert_null(nd_page_cache_get(c, "/k8", 3));
	nd_page_cache_free(c);

	c = nd_page_cache_new(1024, 1000);
	char big[600];
	memset(big, 'b', sizeof(big));
	assert_true(nd_page_cache_put(c, "/1", 2, "", 0, big, sizeof(big)));
	assert_false(nd_page_cache_put(c, "/2", 2, "", 0, big, sizeof(big)));
	assert_true(nd_page_cache_put(c, "/3", 2, "", 0, "small", 5));
	nd_page_cache_free(c);
}

static struct nd_page_cache *shared;

static void *hammer(void *arg)
{
	char key[32], body[32];

	for (int i = 0; i < 2000; i++) {
		int k = (i * 7 + (int)(intptr_t)arg) % 500;
		snprintf(key, sizeof(key), "/page/%d", k);
		snprintf(body, sizeof(body), "body of %d", k);
		const struct nd_page *p = nd_page_cache_get(shared, key, strlen(key));
		if (p) {
			if (p->body_len != strlen(body) || memcmp(p->body, body, p->body_len))
				return (void *)1;
		} else {
			nd_page_cache_put(shared, key, strlen(key), "", 0, body, strlen(body));
		}
	}
	return NULL;
}

static void test_concurrent_readers_and_writers(void **state)
{
	pthread_t t[4];
	size_t entries, bytes;

	shared = nd_page_cache_new(4096, 1 << 20);
	for (intptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		assert_null(bad);
	}
	nd_page_cache_stats(shared, &entries, &bytes);
	assert_int_equal(entries, 500);
	nd_page_cache_free(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_get),
	    cmocka_unit_test(test_bounded_by_slots_and_bytes),
	    cmocka_unit_test(test_concurrent_readers_and_writers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
