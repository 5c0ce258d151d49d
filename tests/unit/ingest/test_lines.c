/* Tests for src/ingest/lines.c: the bounded line reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "ingest/ingest_int.h"

/* A stream over data[0..len); caller closes it. */
static FILE *mem(const char *data, size_t len)
{
	FILE *f = fmemopen((void *)data, len, "r");

	assert_non_null(f);
	return f;
}

static void expect_line(struct nd__lines *r, const char *want, size_t want_len)
{
	struct nd_str line;
	uint64_t len;

	assert_int_equal(nd__lines_next(r, &line, &len), 1);
	assert_non_null(line.p);
	assert_int_equal(len, want_len);
	assert_int_equal(line.len, want_len);
	assert_memory_equal(line.p, want, want_len);
}

static void expect_end(struct nd__lines *r)
{
	struct nd_str line;
	uint64_t len;

	assert_int_equal(nd__lines_next(r, &line, &len), 0);
	assert_int_equal(nd__lines_next(r, &line, &len), 0);
}

static void test_lf_crlf_and_last_line(void **state)
{
	static const char data[] = "one\r\ntwo\n\nthree\r\n\r\nfour";
	FILE *f = mem(data, sizeof(data) - 1);
	struct nd__lines r;

	nd__lines_init(&r, f, 100);
	expect_line(&r, "one", 3);
	expect_line(&r, "two", 3);
	expect_line(&r, "", 0);
	expect_line(&r, "three", 5);
	expect_line(&r, "", 0);
	expect_line(&r, "four", 4); /* no newline at the end */
	assert_int_equal(r.lineno, 6);
	assert_int_equal(r.bytes, sizeof(data) - 1);
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
}

static void test_empty_and_final_newline(void **state)
{
	FILE *f = mem("x\n", 2);
	struct nd__lines r;

	nd__lines_init(&r, f, 100);
	expect_line(&r, "x", 1);
	expect_end(&r); /* "x\n" is one line, not two */
	nd__lines_release(&r);
	fclose(f);

	f = fopen("/dev/null", "r");
	assert_non_null(f);
	nd__lines_init(&r, f, 100);
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
}

static void test_bom_only_on_line_one(void **state)
{
	static const char data[] = "\xEF\xBB\xBF{}\n\xEF\xBB\xBF{}\n";
	FILE *f = mem(data, sizeof(data) - 1);
	struct nd__lines r;

	nd__lines_init(&r, f, 100);
	expect_line(&r, "{}", 2);
	expect_line(&r, "\xEF\xBB\xBF{}", 5); /* elsewhere it is data */
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
}

static void test_over_long_line(void **state)
{
	/* 10 000 bytes, then a short line; the limit is 100. */
	size_t n = 10000;
	char *data = malloc(n + 16);
	struct nd__lines r;
	struct nd_str line;
	uint64_t len;
	FILE *f;

	memset(data, 'a', n);
	memcpy(data + n, "\r\nok\n", 5);
	f = mem(data, n + 5);
	nd__lines_init(&r, f, 100);
	assert_int_equal(nd__lines_next(&r, &line, &len), 1);
	assert_null(line.p);
	assert_int_equal(len, n); /* the CR is not counted */
	/* The buffer never held more than the limit (plus the CR's byte). */
	assert_true(r.buf.alloc <= 102);
	expect_line(&r, "ok", 2);
	assert_int_equal(r.lineno, 2);
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
	free(data);
}

static void test_limit_is_exact(void **state)
{
	static const char data[] = "12345\n123456\n12345\r\n123456\r\n123456";
	FILE *f = mem(data, sizeof(data) - 1);
	struct nd__lines r;
	struct nd_str line;
	uint64_t len;

	nd__lines_init(&r, f, 5);
	expect_line(&r, "12345", 5);
	assert_int_equal(nd__lines_next(&r, &line, &len), 1);
	assert_null(line.p);
	assert_int_equal(len, 6);
	expect_line(&r, "12345", 5);
	assert_int_equal(nd__lines_next(&r, &line, &len), 1);
	assert_null(line.p);
	assert_int_equal(len, 6);
	assert_int_equal(nd__lines_next(&r, &line, &len), 1); /* last, no newline */
	assert_null(line.p);
	assert_int_equal(len, 6);
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
}

static void test_nul_bytes_kept(void **state)
{
	static const char data[] = "a\0b\nc";
	FILE *f = mem(data, sizeof(data) - 1);
	struct nd__lines r;

	nd__lines_init(&r, f, 100);
	expect_line(&r, "a\0b", 3);
	expect_line(&r, "c", 1);
	expect_end(&r);
	nd__lines_release(&r);
	fclose(f);
}

static void test_read_error(void **state)
{
	/* Reading a directory fails with EISDIR. */
	FILE *f = fopen("/", "r");
	struct nd__lines r;
	struct nd_str line;
	uint64_t len;

	if (!f)
		skip();
	nd__lines_init(&r, f, 100);
	assert_int_equal(nd__lines_next(&r, &line, &len), ND_EIO);
	assert_int_equal(nd__lines_next(&r, &line, &len), 0);
	nd__lines_release(&r);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lf_crlf_and_last_line),
	    cmocka_unit_test(test_empty_and_final_newline),
	    cmocka_unit_test(test_bom_only_on_line_one),
	    cmocka_unit_test(test_over_long_line),
	    cmocka_unit_test(test_limit_is_exact),
	    cmocka_unit_test(test_nul_bytes_kept),
	    cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
