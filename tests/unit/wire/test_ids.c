/* Tests for the ids of wire items (src/wire/fetch.c, nd_wire_ext_id). */
#include "helpers/cmocka.h"

#include <sodium.h>
#include <string.h>

#include "core/hash.h"
#include "wire/wire.h"

static void test_ext_id(void **state)
{
	char id[ND_WIRE_EXT_ID_SIZE], other[ND_WIRE_EXT_ID_SIZE], hex[33];
	uint8_t h[16];

	(void)state;
	nd_wire_ext_id("world", "urn:guid:1", id);
	assert_int_equal(strlen(id), 37);
	assert_memory_equal(id, "wire-", 5);
	/* BLAKE2b-128 of "feed\nkey", unkeyed, as hex. */
	crypto_generichash(h, sizeof(h), (const uint8_t *)"world\nurn:guid:1", 16, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(id + 5, hex);
	/* The feed is part of the id: one guid in two feeds is two items. */
	nd_wire_ext_id("europe", "urn:guid:1", other);
	assert_string_not_equal(id, other);
	nd_wire_ext_id("world", "urn:guid:2", other);
	assert_string_not_equal(id, other);
}

static void test_legacy_ext_id(void **state)
{
	char id[ND_WIRE_EXT_ID_SIZE], want[ND_WIRE_EXT_ID_SIZE];

	(void)state;
	nd_wire_legacy_ext_id("world", "urn:guid:1", id);
	snprintf(want, sizeof(want), "wire-%016llx",
	         (unsigned long long)nd_hash("world\nurn:guid:1", 16));
	assert_string_equal(id, want);
	assert_int_equal(strlen(id), 21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ext_id),
	    cmocka_unit_test(test_legacy_ext_id),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
