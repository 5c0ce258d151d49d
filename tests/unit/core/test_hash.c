#include "helpers/cmocka.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/hash.h"

static void test_map_put_get_replace(void **state)
{
	struct nd_map m = ND_MAP_INIT;
	struct nd_arena *a = nd_arena_new(0);
	int values[2000];

	assert_null(nd_map_get(&m, "x", 1));
	for (int i = 0; i < 2000; i++) {
		char *key = nd_arena_printf(a, "key-%d", i);
		values[i] = i;
		nd_map_put(&m, key, strlen(key), &values[i]);
	}
	assert_int_equal(m.count, 2000);
	for (int i = 0; i < 2000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "key-%d", i);
		int *v = nd_map_get(&m, key, strlen(key));
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	assert_null(nd_map_get(&m, "key-2000", 8));
	assert_null(nd_map_get(&m, "key-1", 4)); /* a prefix is another key */
	nd_map_put(&m, "key-7", 5, &values[0]);
	assert_int_equal(m.count, 2000);
	assert_ptr_equal(nd_map_get(&m, "key-7", 5), &values[0]);
	nd_map_release(&m);
	nd_arena_free(a);
}

static int freed;
static void count_free(void *p)
{
	freed += *(int *)p;
}

static void test_arena(void **state)
{
	struct nd_arena *a = nd_arena_new(64);
	int one = 1, two = 2;
	char *big, *s;

	s = nd_arena_strdup(a, "hello");
	big = nd_arena_alloc(a, 10000); /* larger than a block */
	memset(big, 'x', 10000);
	assert_string_equal(s, "hello");
	assert_string_equal(nd_arena_printf(a, "%d/%s", 5, "y"), "5/y");
	assert_int_equal((uintptr_t)nd_arena_alloc(a, 3) % sizeof(void *), 0);
	nd_arena_defer(a, count_free, &one);
	nd_arena_defer(a, count_free, &two);
	freed = 0;
	nd_arena_free(a);
	assert_int_equal(freed, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map_put_get_replace),
	    cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
