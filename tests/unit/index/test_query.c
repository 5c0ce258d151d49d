#include "helpers/cmocka.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
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

/* The excluded phrase of q, checked to be the only one. */
static const struct nd_query_phrase *excluded_phrase(const struct nd_parsed_query *q)
{
	assert_int_equal(q->query.phrase_count, 1);
	assert_true(q->query.phrases[0].exclude);
	return &q->query.phrases[0];
}

static void test_excluded_phrases(void **state)
{
	struct nd_parsed_query q;
	struct nd_buf why = ND_BUF_INIT;
	const struct nd_query_phrase *ph;
	static const char *const empty[] = {"news -\"\"", "news -\"", "news -\"  \"",
	                                    "news -\"of the\""};
	static const char *const only[] = {"-\"cyber attack\"", "-\"cyber attack\" -war",
	                                   "the -\"cyber attack\"", "-\"cyber attack", "-\"\""};

	/* An excluded phrase, not two excluded words: its words are no
	 * query terms at all, and not highlighted. */
	assert_int_equal(parse("ransomware -\"Cyber Attacks\"", &q, &why), 0);
	assert_int_equal(q.query.term_count, 1);
	assert_int_equal(q.query.terms[0].op, ND_QUERY_MUST);
	assert_true(nd_str_eqs(q.query.terms[0].term, "ransomwar"));
	ph = excluded_phrase(&q);
	assert_int_equal(ph->count, 2);
	assert_true(nd_str_eqs(ph->terms[0], "cyber"));
	assert_true(nd_str_eqs(ph->terms[1], "attack"));
	assert_int_equal(ph->offsets[0], 0);
	assert_int_equal(ph->offsets[1], 1);
	assert_int_equal(q.highlight_count, 1);
	assert_true(nd_str_eqs(q.highlight[0], "ransomwar"));

	/* Stop words keep their gap, after a leading one is dropped. */
	assert_int_equal(parse("rates -\"the Bank of England\"", &q, &why), 0);
	assert_int_equal(q.query.term_count, 1);
	ph = excluded_phrase(&q);
	assert_int_equal(ph->count, 2);
	assert_true(nd_str_eqs(ph->terms[0], "bank"));
	assert_true(nd_str_eqs(ph->terms[1], "england"));
	assert_int_equal(ph->offsets[0], 0);
	assert_int_equal(ph->offsets[1], 2);

	/* Beside a required phrase and an excluded word, in any order. */
	assert_int_equal(parse("-\"time lord\" \"peter capaldi\" -dalek", &q, &why), 0);
	assert_int_equal(q.query.phrase_count, 2);
	assert_true(q.query.phrases[0].exclude);
	assert_true(nd_str_eqs(q.query.phrases[0].terms[0], "time"));
	assert_false(q.query.phrases[1].exclude);
	assert_true(nd_str_eqs(q.query.phrases[1].terms[0], "peter"));
	assert_int_equal(q.query.term_count, 3);
	assert_int_equal(q.query.terms[0].op, ND_QUERY_MUST);
	assert_int_equal(q.query.terms[1].op, ND_QUERY_MUST);
	assert_int_equal(q.query.terms[2].op, ND_QUERY_NOT);
	assert_true(nd_str_eqs(q.query.terms[2].term, "dalek"));
	assert_int_equal(q.highlight_count, 2);
	/* Two excluded phrases. */
	assert_int_equal(parse("news -\"cyber attack\" -\"data breach\"", &q, &why), 0);
	assert_int_equal(q.query.term_count, 1);
	assert_int_equal(q.query.phrase_count, 2);
	assert_true(q.query.phrases[0].exclude && q.query.phrases[1].exclude);
	assert_true(nd_str_eqs(q.query.phrases[1].terms[1], "breach"));

	/* An unclosed quote runs to the end, excluded too. */
	assert_int_equal(parse("news -\"cyber attack", &q, &why), 0);
	assert_int_equal(q.query.term_count, 1);
	ph = excluded_phrase(&q);
	assert_int_equal(ph->count, 2);
	assert_true(nd_str_eqs(ph->terms[1], "attack"));

	/* One word in quotes is just that word excluded, stop words and
	 * all; an empty phrase, or one of stop words, excludes nothing. */
	assert_int_equal(parse("news -\"Attacks\"", &q, &why), 0);
	assert_int_equal(q.query.phrase_count, 0);
	assert_int_equal(q.query.term_count, 2);
	assert_int_equal(q.query.terms[1].op, ND_QUERY_NOT);
	assert_true(nd_str_eqs(q.query.terms[1].term, "attack"));
	assert_int_equal(parse("news -\"the attacks\"", &q, &why), 0);
	assert_int_equal(q.query.phrase_count, 0);
	assert_int_equal(q.query.term_count, 2);
	assert_int_equal(q.query.terms[1].op, ND_QUERY_NOT);
	for (size_t i = 0; i < ND_COUNT(empty); i++) {
		assert_int_equal(parse(empty[i], &q, &why), 0);
		assert_int_equal(q.query.term_count, 1);
		assert_int_equal(q.query.terms[0].op, ND_QUERY_MUST);
		assert_int_equal(q.query.phrase_count, 0);
	}

	/* Only exclusions: nothing to search for, as with -word alone. */
	for (size_t i = 0; i < ND_COUNT(only); i++) {
		assert_int_equal(parse(only[i], &q, &why), ND_EINVAL);
		assert_non_null(strstr(why.buf, "Nothing to search for"));
	}
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
	    cmocka_unit_test(test_excluded_phrases),
	    cmocka_unit_test(test_bad_queries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
