/* Tests for src/wire/addr.c: which addresses a redirect may not lead to. */
#include "helpers/cmocka.h"

#include "wire/addr.h"

static void test_internal_v4(void **state)
{
	static const char *internal[] = {
	    "0.0.0.0",         "10.0.0.5",    "10.255.255.255",  "100.64.0.1", "100.127.255.254",
	    "127.0.0.1",       "127.8.9.10",  "169.254.169.254", "172.16.0.1", "172.31.255.255",
	    "192.0.0.8",       "192.0.2.1",   "192.168.1.1",     "198.18.0.1", "198.19.255.255",
	    "198.51.100.7",    "203.0.113.9", "224.0.0.1",       "239.1.2.3",  "240.0.0.1",
	    "255.255.255.255",
	};
	static const char *public[] = {
	    "1.1.1.1",     "8.8.8.8",         "100.63.255.255", "100.128.0.0",    "172.15.255.255",
	    "172.32.0.0",  "192.0.1.1",       "192.169.0.1",    "198.17.255.255", "198.20.0.0",
	    "203.0.114.1", "223.255.255.255", "93.184.216.34",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		if (!nd_wire_addr_internal(internal[i]))
			fail_msg("%s should be internal", internal[i]);
	for (size_t i = 0; i < sizeof(public) / sizeof(public[0]); i++)
		if (nd_wire_addr_internal(public[i]))
			fail_msg("%s should be public", public[i]);
}

static void test_internal_v6(void **state)
{
	static const char *internal[] = {
	    "::",
	    "::1",
	    "fe80::1",
	    "fc00::1",
	    "fd12:3456::9",
	    "ff02::1",
	    "2001:db8::1",
	    "2001::1",
	    "2001:1ff::1",
	    "2002:c0a8:101::1",
	    "::ffff:127.0.0.1",
	    "::ffff:169.254.169.254",
	    "64:ff9b::a00:1",
	    "::ffff:10.0.0.1",
	    "4000::1",
	    "100::1",
	};
	static const char *public[] = {
	    "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2001:200::1",
	    "::ffff:8.8.8.8",       "64:ff9b::808:808",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		if (!nd_wire_addr_internal(internal[i]))
			fail_msg("%s should be internal", internal[i]);
	for (size_t i = 0; i < sizeof(public) / sizeof(public[0]); i++)
		if (nd_wire_addr_internal(public[i]))
			fail_msg("%s should be public", public[i]);
}

static void test_not_an_address(void **state)
{
	(void)state;
	assert_true(nd_wire_addr_internal(NULL));
	assert_true(nd_wire_addr_internal(""));
	assert_true(nd_wire_addr_internal("localhost"));
	assert_true(nd_wire_addr_internal("1.2.3"));
	assert_true(nd_wire_addr_internal("[::1]"));
}

static void test_redirects(void **state)
{
	(void)state;
	/* Public to public, internal to anything: as configured. */
	assert_true(nd_wire_redirect_allowed("93.184.216.34", "1.1.1.1"));
	assert_true(nd_wire_redirect_allowed("127.0.0.1", "127.0.0.1"));
	assert_true(nd_wire_redirect_allowed("10.0.0.5", "192.168.1.1"));
	assert_true(nd_wire_redirect_allowed("::1", "2606:4700:4700::1111"));
	/* Public to internal: refused. */
	assert_false(nd_wire_redirect_allowed("93.184.216.34", "169.254.169.254"));
	assert_false(nd_wire_redirect_allowed("93.184.216.34", "127.0.0.1"));
	assert_false(nd_wire_redirect_allowed("2606:4700:4700::1111", "::ffff:10.0.0.1"));
	assert_false(nd_wire_redirect_allowed("8.8.8.8", "fd00::1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_internal_v4),
	    cmocka_unit_test(test_internal_v6),
	    cmocka_unit_test(test_not_an_address),
	    cmocka_unit_test(test_redirects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
