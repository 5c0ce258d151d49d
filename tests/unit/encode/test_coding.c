/* Tests for src/encode/coding.c: Accept-Encoding to a coding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "encode/coding.h"

#define ALL (ND_CODING_BIT(ND_CODING_GZIP) | ND_CODING_BIT(ND_CODING_BR))
#define ID  ND_CODING_BIT(ND_CODING_IDENTITY)
#define GZ  ND_CODING_BIT(ND_CODING_GZIP)
#define BR  ND_CODING_BIT(ND_CODING_BR)

static void expect(const char *ae, unsigned offered, unsigned want_set, enum nd_coding want_best)
{
	enum nd_coding best;
	unsigned got = nd_coding_accepted(ae, offered, &best);

	if (got != want_set || best != want_best)
		fail_msg("'%s': set %#x best %d, want %#x %d", ae ? ae : "(none)", got, best,
		         want_set, want_best);
}

static void test_browsers(void **state)
{
	(void)state;
	expect("gzip, deflate, br", ALL, ID | GZ | BR, ND_CODING_BR);
	expect("gzip, deflate, br, zstd", ALL, ID | GZ | BR, ND_CODING_BR);
	expect("gzip, deflate", ALL, ID | GZ, ND_CODING_GZIP);
	expect("gzip", ALL, ID | GZ, ND_CODING_GZIP);
	expect("x-gzip", ALL, ID | GZ, ND_CODING_GZIP);
	expect("GZIP", ALL, ID | GZ, ND_CODING_GZIP);
	expect("br", ALL, ID | BR, ND_CODING_BR);
	/* Offered matters: a server without brotli never picks it. */
	expect("gzip, br", GZ, ID | GZ, ND_CODING_GZIP);
}

static void test_none_and_identity(void **state)
{
	(void)state;
	expect(NULL, ALL, ID, ND_CODING_IDENTITY);
	expect("", ALL, ID, ND_CODING_IDENTITY);
	expect("identity", ALL, ID, ND_CODING_IDENTITY);
	expect("deflate, compress", ALL, ID, ND_CODING_IDENTITY);
	/* Refusing identity, with nothing else we have: nothing allowed. */
	expect("identity;q=0", ALL, 0, ND_CODING_IDENTITY);
	expect("*;q=0", ALL, 0, ND_CODING_IDENTITY);
	expect("*;q=0, identity", ALL, ID, ND_CODING_IDENTITY);
}

static void test_qvalues(void **state)
{
	(void)state;
	expect("gzip;q=1.0, br;q=0.5", ALL, ID | GZ | BR, ND_CODING_GZIP);
	expect("gzip;q=0.5, br;q=0.8", ALL, ID | GZ | BR, ND_CODING_BR);
	expect("gzip;q=0, br", ALL, ID | BR, ND_CODING_BR);
	expect("br;q=0, gzip", ALL, ID | GZ, ND_CODING_GZIP);
	expect("gzip ; q=0.001", ALL, ID | GZ, ND_CODING_GZIP);
	expect("gzip;Q=0.5", ALL, ID | GZ, ND_CODING_GZIP);
	expect("identity;q=1, gzip;q=0.5", ALL, ID | GZ, ND_CODING_IDENTITY);
	/* "*" covers what is not named. */
	expect("*", ALL, ID | GZ | BR, ND_CODING_BR);
	expect("*;q=0.5, br;q=0", ALL, ID | GZ, ND_CODING_GZIP);
	expect("gzip;level=9;q=0.3", ALL, ID | GZ, ND_CODING_GZIP);
}

static void test_malformed(void **state)
{
	(void)state;
	/* A bad qvalue drops its element, not the header. */
	expect("gzip;q=2, br", ALL, ID | BR, ND_CODING_BR);
	expect("gzip;q=abc", ALL, ID, ND_CODING_IDENTITY);
	expect("gzip;q=0.12345", ALL, ID, ND_CODING_IDENTITY);
	expect(",,, ;;, gzip", ALL, ID | GZ, ND_CODING_GZIP);
	expect("gzipx, brr, g", ALL, ID, ND_CODING_IDENTITY);
	expect("gzip;q=", ALL, ID, ND_CODING_IDENTITY);
	expect("   ", ALL, ID, ND_CODING_IDENTITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_browsers),
	    cmocka_unit_test(test_none_and_identity),
	    cmocka_unit_test(test_qvalues),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
