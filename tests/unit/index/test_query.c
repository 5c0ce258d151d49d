#include "helpers/cmocka.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "index/analyze.h"
#include "index/query.h"

static struct nd_analyzer *an;
static struct nd_arena *a;

static int setup(void **state)
{
	an = nd_analyzer_new("en");
	a = nd_arena_new(0);
	return 0;
}

static int teardown(void **state)
{
	nd_analyzer_free(an);
	nd_arena_free(a);
	return 0;
}

static int parse(const char *q, struct nd_parsed_query *out, struct nd_buf *why)
{
	nd_buf_reset(why);
	return nd_query_parse(an, q, strlen(q), a, out, why);
}

static void test_words_are_required(void **state)
{
	struct nd_parsed_query q;
	struct nd_buf why = ND_BUF_INIT;

	assert_int_equal(parse("Running  Summits", &q, &why), 0);
	assert_int_equal(q.query.term_count, 2);
	assert_int_equal(q.query.terms[0].op, ND_QUERY_MUST);
	assert_true(nd_str_eqs(q.query.terms[0].term, "run"));
	assert_true(nd_str_eqs(q.query.terms[1].term, "summit"));
	assert_int_equal(q.query.phrase_count, 0);
	assert_int_equal(q.highlight_count, 2);
	nd_buf_release(&why);
}

static void test_phrase_keeps_stop_word_gaps(void **state)
{
	struct nd_parsed_query q;
	struct nd_buf why = ND_BUF_INIT;

	assert_int_equal(parse("\"Bank of England\" rates", &q, &why), 0);
	assert_int_equal(q.query.phrase_count, 1);
	assert_int_equal(q.query.phrases[0].count, 2);
	assert_true(nd_str_eqs(q.query.phrases[0].terms[0], "bank"));
	assert_true(nd_str_eqs(q.query.phrases[0].terms[1], "england"));
	assert_int_equal(q.query.phrases[0].offsets[0], 0);
	assert_int_equal(q.query.phrases[0].offsets[1], 2);
	assert_int_equal(q.query.term_count, 3);
	/* An unclosed quote runs to the end. */
	assert_int_equal(parse("\"peter capaldi", &q, &why), 0);
	assert_int_equal(q.query.phrase_count, 1);
	nd_buf_release(&why);
}

static void test_exclusions(void **state)
{
	struct nd_parsed_query q;
	struct nd_buf why = ND_BUF_INIT;

	assert_int_equal(parse("earthquake -Indonesia", &q, &why), 0);
	assert_int_equal(q.query.term_count, 2);
	assert_int_equal(q.query.terms[1].op, ND_QUERY_NOT);
	assert_int_equal(q.highlight_count, 1);
	assert_int_equal(parse("-alone", &q, &why), ND_EINVAL);
	assert_non_null(strstr(why.buf, "Nothing to search for"));
	nd_buf_release(&why);
}

static void test_bad_queries(void **state)
{
	struct nd_parsed_query q;
	struct nd_buf why = ND_BUF_INIT;
	char big[2000];

	assert_int_equal(parse("", &q, &why), ND_EINVAL);
	assert_non_null(strstr(why.buf, "Type some words"));
	assert_int_equal(parse("the of and", &q, &why), ND_EINVAL);
	assert_int_equal(parse("!!! ???", &q, &why), ND_EINVAL);
	assert_int_equal(parse("bad \xff byte", &q, &why), ND_EINVAL);
	assert_non_null(strstr(why.buf, "not valid text"));
	assert_int_equal(parse("a\x01z", &q, &why), ND_EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big, &q, &why), ND_ETOOBIG);
	nd_buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_are_required),
	    cmocka_unit_test(test_phrase_keeps_stop_word_gaps),
	    cmocka_unit_test(test_exclusions),
	    cmocka_unit_test(test_bad_queries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
