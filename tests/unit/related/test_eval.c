#include "helpers/cmocka.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "related/eval.h"

#define ECBPLUS ND_SHARED_DIR "/data/ecbplus/docs.jsonl"

static void add(struct nd_eval_set *set, const char *line)
{
	char *why = NULL;
	int rc = nd_eval_set_add_line(set, line, strlen(line), &why);

	if (rc)
		fail_msg("'%s': %s", line, why ? why : "?");
}

static const char *doc_id(const struct nd_eval_set *set, size_t i)
{
	return nd_eval_set_doc(set, i)->id;
}

/* Field names, label types and list labels. */
static void test_fields_and_labels(void **state)
{
	struct nd_eval_set *set = nd_eval_set_new("story", "topic");
	const struct nd_eval_doc *d;

	add(set, "{\"id\": \"a\", \"title\": \"Title A\", \"text\": \"text a\", \"body\": \"no\", "
	         "\"story\": \"s1\", \"topic\": 1}");
	add(set, "{\"doc\": \"b\", \"body\": \"body b\", \"story\": [\"s2\", \"s1\", \"s2\"], "
	         "\"topic\": \"1\"}");
	add(set, "{\"newid\": 7, \"title\": \"T\", \"story\": 7, \"topic\": [2, 3.5]}");
	add(set, "{\"title\": \"unlabelled\", \"story\": null, \"topic\": []}");
	add(set, "{\"id\": \"e\", \"story\": [], \"topic\": \"\"}");
	add(set, "{\"id\": \"f\", \"story\": [\"7\", null, \"\"], \"topic\": 3.5}");
	add(set, "   \r\n");
	add(set, "");
	add(set, "{\"id\": 12, \"story\": \"\"}");

	assert_int_equal(nd_eval_set_count(set), 7);
	assert_int_equal(nd_eval_set_queries(set), 4); /* a, b, 7, f */

	d = nd_eval_set_doc(set, 0);
	assert_string_equal(d->id, "a");
	assert_string_equal(d->title, "Title A");
	assert_int_equal(d->title_len, 7);
	assert_string_equal(d->text, "text a"); /* "text" wins over "body" */
	assert_int_equal(d->story.count, 1);
	d = nd_eval_set_doc(set, 1);
	assert_string_equal(d->id, "b");
	assert_string_equal(d->title, "");
	assert_string_equal(d->text, "body b");
	assert_int_equal(d->story.count, 2); /* the repeat is gone */
	assert_true(d->story.ids[0] < d->story.ids[1]);
	assert_string_equal(doc_id(set, 2), "7");
	assert_string_equal(doc_id(set, 3), "#4"); /* no id: its number */
	assert_int_equal(nd_eval_set_doc(set, 3)->story.count, 0);
	assert_int_equal(nd_eval_set_doc(set, 3)->topic.count, 0);
	assert_int_equal(nd_eval_set_doc(set, 4)->topic.count, 0);
	assert_string_equal(doc_id(set, 6), "12");

	/* A shares s1 with b: the same story; 1 and "1" are one topic. */
	assert_int_equal(nd_eval_gain(set, 0, 1), 2);
	assert_int_equal(nd_eval_gain(set, 1, 0), 2);
	/* 7 and "7" are one label; 3.5 is a topic of both 7 and f. */
	assert_int_equal(nd_eval_gain(set, 2, 5), 2);
	/* No story in common, topic 1 vs topics 2 and 3.5. */
	assert_int_equal(nd_eval_gain(set, 0, 2), 0);
	/* Unlabelled documents are relevant to nothing. */
	assert_int_equal(nd_eval_gain(set, 0, 3), 0);
	assert_int_equal(nd_eval_gain(set, 3, 3), 0);
	nd_eval_set_free(set);
	nd_eval_set_free(NULL);
}

static void test_bad_records(void **state)
{
	static const char *const bad[] = {
	    "[1, 2]",
	    "{\"story\": {\"a\": 1}}",
	    "{\"story\": [\"a\", [\"b\"]]}",
	    "{\"story\": true}",
	    "{\"story\": \"a\"",
	    "\"just a string\"",
	};
	struct nd_eval_set *set = nd_eval_set_new("story", NULL);

	for (size_t i = 0; i < ND_COUNT(bad); i++) {
		char *why = NULL;
		assert_int_equal(nd_eval_set_add_line(set, bad[i], strlen(bad[i]), &why),
		                 ND_EINVAL);
		assert_non_null(why);
		free(why);
		assert_int_equal(nd_eval_set_add_line(set, bad[i], strlen(bad[i]), NULL),
		                 ND_EINVAL);
	}
	assert_int_equal(nd_eval_set_count(set), 0);
	/* Without a topic field every topic is empty. */
	add(set, "{\"story\": \"x\", \"topic\": \"t\"}");
	assert_int_equal(nd_eval_set_doc(set, 0)->topic.count, 0);
	nd_eval_set_free(set);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A file, a directory of *.jsonl in name order, a glob, a bad line. */
static void test_load_paths(void **state)
{
	char dir[] = "/tmp/nd-eval-XXXXXX";
	char path[256], pattern[256];
	struct nd_eval_set *set;
	enum nd_log_level saved = nd_log_level;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.jsonl", dir);
	write_file(path,
	           "{\"id\": \"b1\", \"story\": \"s\"}\n\n{\"id\": \"b2\", \"story\": [\"s\"]}");
	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	write_file(path, "{\"id\": \"a1\", \"story\": 1}\n");
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	write_file(path, "not json\n");

	set = nd_eval_set_new("story", NULL);
	assert_int_equal(nd_eval_set_load(set, dir), 0);
	assert_int_equal(nd_eval_set_count(set), 3);
	assert_string_equal(doc_id(set, 0), "a1");
	assert_string_equal(doc_id(set, 1), "b1");
	assert_string_equal(doc_id(set, 2), "b2"); /* no final newline */
	snprintf(pattern, sizeof(pattern), "%s/b*.jsonl", dir);
	assert_int_equal(nd_eval_set_load(set, pattern), 0);
	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	assert_int_equal(nd_eval_set_load(set, path), 0);
	assert_int_equal(nd_eval_set_count(set), 6);
	assert_string_equal(doc_id(set, 5), "a1");
	assert_int_equal(nd_eval_set_queries(set), 6);

	nd_log_level = ND_LOG_NONE;
	snprintf(pattern, sizeof(pattern), "%s/z*.jsonl", dir);
	assert_int_equal(nd_eval_set_load(set, pattern), ND_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/missing.jsonl", dir);
	assert_int_equal(nd_eval_set_load(set, path), ND_EIO);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	assert_int_equal(nd_eval_set_load(set, path), ND_EINVAL);
	nd_log_level = saved;
	assert_int_equal(nd_eval_set_count(set), 6);
	nd_eval_set_free(set);

	set = nd_eval_set_new("story", NULL);
	snprintf(path, sizeof(path), "%s/empty", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	nd_log_level = ND_LOG_NONE;
	assert_int_equal(nd_eval_set_load(set, path), ND_ENOTFOUND);
	nd_log_level = saved;
	rmdir(path);
	nd_eval_set_free(set);

	for (const char *const *f = (const char *const[]){"a.jsonl", "b.jsonl", "notes.txt", NULL};
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * The hand-made set of the metric tests:
 *	0 A/X  1 A/X  2 B/X  3 C/Y  4 A/X  5 B/X  6 C/Y  7 [A,Q]/Z  8 Q/-
 * For query 0: same story 1, 4, 7; same topic only 2, 5; nothing 3, 6, 8.
 */
static struct nd_eval_set *metric_set(const char *topic_field)
{
	static const char *const lines[] = {
	    "{\"s\": \"A\", \"t\": \"X\"}",
	    "{\"s\": \"A\", \"t\": \"X\"}",
	    "{\"s\": \"B\", \"t\": \"X\"}",
	    "{\"s\": \"C\", \"t\": \"Y\"}",
	    "{\"s\": \"A\", \"t\": \"X\"}",
	    "{\"s\": \"B\", \"t\": \"X\"}",
	    "{\"s\": \"C\", \"t\": \"Y\"}",
	    "{\"s\": [\"A\", \"Q\"], \"t\": \"Z\"}",
	    "{\"s\": \"Q\"}",
	};
	struct nd_eval_set *set = nd_eval_set_new("s", topic_field);

	for (size_t i = 0; i < ND_COUNT(lines); i++)
		add(set, lines[i]);
	return set;
}

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.12f, want %.12f", got, want);
}

static void test_metrics(void **state)
{
	struct nd_eval_set *set = metric_set("t");
	struct nd_eval_scores s;
	/* 3 and 6 are copies of each other, as are 1 and 4. */
	const uint32_t clusters[] = {0, 1, 2, 3, 1, 5, 3, 7, 8};
	const double l3 = log2(3), l5 = log2(5), l6 = log2(6), l7 = log2(7);

	/* gains (2^rel - 1): 0, 3, 1, 3, 0 */
	{
		const uint32_t list[] = {3, 1, 2, 4, 6};
		nd_eval_score_list(set, 0, list, 5, clusters, 10, &s);
		near(s.p1, 0);
		near(s.p5, 2.0 / 5);
		near(s.mrr10, 1.0 / 2);
		/* ideal: 3, 3, 3, 1, 1 (1, 4, 7 then 2, 5) */
		near(s.ndcg10,
		     (3 / l3 + 1 / 2.0 + 3 / l5) / (3 + 3 / l3 + 3 / 2.0 + 1 / l5 + 1 / l6));
		near(s.dup, 1); /* 1 and 4; 3 and 6 */
		/* Within the first 3 (3, 1, 2) nothing repeats. */
		nd_eval_score_list(set, 0, list, 5, clusters, 3, &s);
		near(s.dup, 0);
		nd_eval_score_list(set, 0, list, 5, NULL, 10, &s);
		near(s.dup, 0);
	}
	/* The best list; P@5 counts the missing places as misses. */
	{
		const uint32_t list[] = {7, 1, 4, 2, 5};
		nd_eval_score_list(set, 0, list, 3, clusters, 10, &s);
		near(s.p1, 1);
		near(s.p5, 3.0 / 5);
		near(s.mrr10, 1);
		near(s.ndcg10, (3 + 3 / l3 + 3 / 2.0) / (3 + 3 / l3 + 3 / 2.0 + 1 / l5 + 1 / l6));
		nd_eval_score_list(set, 0, list, 5, clusters, 10, &s);
		near(s.ndcg10, 1);
		near(s.dup, 1);
	}
	/* Nothing found; an empty list. */
	{
		const uint32_t list[] = {3, 6, 8};
		nd_eval_score_list(set, 0, list, 3, NULL, 10, &s);
		near(s.p1 + s.p5 + s.mrr10 + s.ndcg10 + s.dup, 0);
		nd_eval_score_list(set, 0, list, 0, clusters, 10, &s);
		near(s.p1 + s.p5 + s.mrr10 + s.ndcg10 + s.dup, 0);
	}
	/* The first hit at rank 6: MRR 1/6, outside P@5. */
	{
		const uint32_t list[] = {3, 6, 8, 2, 5, 1};
		nd_eval_score_list(set, 0, list, 6, NULL, 10, &s);
		near(s.p5, 0);
		near(s.mrr10, 1.0 / 6);
		near(s.ndcg10,
		     (1 / l5 + 1 / l6 + 3 / l7) / (3 + 3 / l3 + 3 / 2.0 + 1 / l5 + 1 / l6));
	}
	/* List labels: 8 (Q) is the same story as 7 ([A, Q]), and 7's story
	 * covers 0, 1, 4 (A) and 8 (Q). */
	{
		const uint32_t list[] = {8, 0, 2};
		nd_eval_score_list(set, 7, list, 3, NULL, 10, &s);
		near(s.p1, 1);
		near(s.p5, 2.0 / 5);
		/* 7's topic Z has no one else: the ideal is four gains of 3 */
		near(s.ndcg10, (3 + 3 / l3) / (3 + 3 / l3 + 3 / 2.0 + 3 / l5));
	}
	nd_eval_set_free(set);

	/* Without a topic field the gains are 3 or 0. */
	set = metric_set(NULL);
	{
		const uint32_t list[] = {3, 1, 2, 4, 6};
		nd_eval_score_list(set, 0, list, 5, clusters, 10, &s);
		near(s.ndcg10, (3 / l3 + 3 / l5) / (3 + 3 / l3 + 3 / 2.0));
		assert_int_equal(nd_eval_gain(set, 0, 2), 0);
	}
	nd_eval_set_free(set);
}

/* A ranker that answers from a table, or misbehaves on request. */
struct canned {
	const uint32_t (*lists)[4];
	const size_t *lens;
	int mode; /* 0: as told; 1: fails; 2: returns the query; 3: too many */
	size_t calls, k;
};

static int canned_rank(void *ctx, size_t query, size_t k, uint32_t *out, size_t *n_out)
{
	struct canned *c = ctx;

	c->calls++;
	c->k = k;
	if (c->mode == 1)
		return ND_EIO;
	*n_out = c->lens[query];
	memcpy(out, c->lists[query], c->lens[query] * sizeof(*out));
	if (c->mode == 2)
		out[0] = (uint32_t)query;
	if (c->mode == 3)
		*n_out = k + 1;
	return 0;
}

static void test_run(void **state)
{
	struct nd_eval_set *set = nd_eval_set_new("s", NULL);
	/* Query 2 is unlabelled and never asked. */
	static const uint32_t lists[][4] = {{1, 3}, {3, 0}, {0}, {1, 2, 0}};
	static const size_t lens[] = {2, 2, 1, 3};
	struct canned c = {lists, lens, 0, 0, 0};
	struct nd_eval_scores s;
	enum nd_log_level saved = nd_log_level;

	add(set, "{\"s\": \"A\"}");
	add(set, "{\"s\": \"B\"}");
	add(set, "{\"title\": \"no label\"}");
	add(set, "{\"s\": [\"A\", \"B\"]}");
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 6, NULL, &s), 0);
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.k, 10); /* at least 10 for nDCG@10 and MRR@10 */
	/* P@1: 0 (1 is B), 1 (3 shares B), 1 (1 shares B) */
	near(s.p1, 2.0 / 3);
	near(s.mrr10, (1.0 / 2 + 1 + 1) / 3);
	near(s.p5, (1 + 1 + 2) / 15.0);
	c.calls = 0;
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 20, NULL, &s), 0);
	assert_int_equal(c.k, 20);

	nd_log_level = ND_LOG_NONE;
	c.mode = 1;
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 10, NULL, &s), ND_EIO);
	c.mode = 2;
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 10, NULL, &s), ND_EINVAL);
	c.mode = 3;
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 10, NULL, &s), ND_EINVAL);
	{
		static const uint32_t repeat[][4] = {{1, 1}, {0}, {0}, {0}};
		static const uint32_t range[][4] = {{9}, {0}, {0}, {0}};
		static const size_t rl[] = {2, 1, 1, 1}, gl[] = {1, 1, 1, 1};
		struct canned r = {repeat, rl, 0, 0, 0}, g = {range, gl, 0, 0, 0};
		assert_int_equal(nd_eval_run(set, canned_rank, &r, 10, NULL, &s), ND_EINVAL);
		assert_int_equal(nd_eval_run(set, canned_rank, &g, 10, NULL, &s), ND_EINVAL);
	}
	nd_log_level = saved;
	nd_eval_set_free(set);

	/* No queries: zeros. */
	set = nd_eval_set_new("s", NULL);
	add(set, "{\"title\": \"x\"}");
	assert_int_equal(nd_eval_run(set, canned_rank, &c, 10, NULL, &s), 0);
	near(s.p1 + s.p5 + s.ndcg10 + s.mrr10 + s.dup, 0);
	nd_eval_set_free(set);
}

/*
 * The baseline on a corpus small enough to compute by hand (N = 7; "news"
 * is in every document, so its idf is 0 and it drops out):
 *	0 apple banana cherry      idf ln(7/4) ln(7/4) ln(7/2)
 *	1 apple banana             cos with 0: 0.534 (the words in the title)
 *	2 apple durian             0.104
 *	3 elderberry fig           shares only "news": never listed
 *	4 banana cherry grape kiwi 0.413
 *	5 banana apple             the same vector as 1: a tie, lower index first
 *	6 nothing but "news"
 */
static void test_tfidf(void **state)
{
	struct nd_eval_set *set = nd_eval_set_new("s", NULL);
	struct nd_eval_tfidf *t;
	uint32_t out[10];
	size_t n;
	enum nd_log_level saved = nd_log_level;

	add(set, "{\"s\": \"a\", \"text\": \"news apple banana cherry\"}");
	add(set, "{\"s\": \"a\", \"title\": \"apple banana\", \"text\": \"news\"}");
	add(set, "{\"s\": \"b\", \"text\": \"apple news durian\"}");
	add(set, "{\"s\": \"c\", \"body\": \"elderberry fig news\"}");
	add(set, "{\"s\": \"a\", \"title\": \"News\", \"text\": \"banana cherry grape kiwi\"}");
	add(set, "{\"s\": \"d\", \"text\": \"banana apple news\"}");
	add(set, "{\"s\": \"d\", \"text\": \"news\"}");
	t = nd_eval_tfidf_new(set, "en");

	assert_int_equal(nd_eval_tfidf_rank(t, 0, 10, out, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 5);
	assert_int_equal(out[2], 4);
	assert_int_equal(out[3], 2);
	/* k cuts the list; ranking again gives the same answer. */
	assert_int_equal(nd_eval_tfidf_rank(t, 0, 2, out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 5);
	assert_int_equal(nd_eval_tfidf_rank(t, 0, 0, out, &n), 0);
	assert_int_equal(n, 0);
	/* 5 finds its twin first (cos 1), then 0 (0.534), 2 (0.195), 4
	 * (0.129). */
	assert_int_equal(nd_eval_tfidf_rank(t, 5, 10, out, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 2);
	assert_int_equal(out[3], 4);
	/* Nothing in common with anyone. */
	assert_int_equal(nd_eval_tfidf_rank(t, 3, 10, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nd_eval_tfidf_rank(t, 6, 10, out, &n), 0);
	assert_int_equal(n, 0);
	nd_log_level = ND_LOG_NONE;
	assert_int_equal(nd_eval_tfidf_rank(t, 7, 10, out, &n), ND_EINVAL);
	nd_log_level = saved;
	nd_eval_tfidf_free(t);
	nd_eval_tfidf_free(NULL);
	nd_eval_set_free(set);
}

static void test_print(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct nd_eval_scores s = {0.9899, 0.95, 0.9534, 1, 0.0626};

	assert_non_null(f);
	nd_eval_print_header(f, 6);
	nd_eval_print_row(f, "tfidf", &s);
	fclose(f);
	assert_string_equal(text, "model       P@1    P@5  nDCG@10  MRR@10   dup@6\n"
	                          "tfidf     0.990  0.950    0.953   1.000   0.063\n");
	free(text);
}

/* The baseline on ECB+ lands next to the figures the data's README gives
 * for a TF-IDF cosine over title and text (P@1 0.988, P@5 0.957, nDCG@10
 * 0.950, MRR@10 0.992). */
static void test_ecbplus_baseline(void **state)
{
	struct nd_eval_set *set;
	struct nd_eval_tfidf *t;
	struct nd_eval_scores s;
	uint32_t *clusters;

	if (access(ECBPLUS, R_OK)) {
		skip();
		return;
	}
	set = nd_eval_set_new("subtopic", "topic");
	assert_int_equal(nd_eval_set_load(set, ECBPLUS), 0);
	assert_int_equal(nd_eval_set_queries(set), 496);
	assert_int_equal(nd_eval_clusters(set, "en", 0, &clusters), 0);
	t = nd_eval_tfidf_new(set, "en");
	assert_int_equal(nd_eval_run(set, nd_eval_tfidf_rank, t, 10, clusters, &s), 0);
	if (fabs(s.p1 - 0.988) > 0.01 || fabs(s.p5 - 0.957) > 0.01 ||
	    fabs(s.ndcg10 - 0.950) > 0.01 || fabs(s.mrr10 - 0.992) > 0.01)
		fail_msg("P@1 %.3f P@5 %.3f nDCG@10 %.3f MRR@10 %.3f", s.p1, s.p5, s.ndcg10,
		         s.mrr10);
	/* The baseline puts copies side by side in a quarter of its lists. */
	assert_true(s.dup > 0.1 && s.dup < 0.5);
	free(clusters);
	nd_eval_tfidf_free(t);
	nd_eval_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_and_labels),
	    cmocka_unit_test(test_bad_records),
	    cmocka_unit_test(test_load_paths),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_run),
	    cmocka_unit_test(test_tfidf),
	    cmocka_unit_test(test_print),
	    cmocka_unit_test(test_ecbplus_baseline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
