#pragma once
/*
 * Evaluation of Related on labelled data (`newsdesk eval related`,
 * docs/internals/related-eval.md): loads a document set from JSON Lines,
 * asks a ranker for each query document's list, and scores the lists
 * against the labels, next to a TF-IDF cosine baseline.
 *
 *	struct nd_eval_set *set = nd_eval_set_new("subtopic", "topic");
 *	rc = nd_eval_set_load(set, "docs.jsonl");
 *	rc = nd_eval_clusters(set, "en", 0, &clusters);
 *	struct nd_eval_tfidf *tf = nd_eval_tfidf_new(set, "en");
 *	rc = nd_eval_run(set, nd_eval_tfidf_rank, tf, 10, clusters, &scores);
 *	nd_eval_print_header(stdout, 10);
 *	nd_eval_print_row(stdout, "tfidf", &scores);
 *
 * Metrics, for each query (a document with a non-empty story label), over
 * its ranked list, which never holds the query itself:
 *	P@1, P@5   share of the first 1 / 5 places (a missing item counts as
 *	           a miss) holding a document of the same story
 *	MRR@10     1 / the rank of the first same-story document in the first
 *	           10, or 0
 *	nDCG@10    DCG = sum over the first 10 ranks i of
 *	           (2^rel - 1) / log2(i + 1), rel 2 for the same story, 1 for
 *	           the same topic only (when there is a topic field), 0
 *	           otherwise; divided by the DCG of the best possible order of
 *	           all the other documents
 *	dup@N      1 when two of the first N items (N = the list limit) are
 *	           copies of each other (same story-folding cluster), else 0
 * and the figures printed are their means over the queries. A label field
 * may hold a list: documents are "the same" when their label sets
 * intersect.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The labels of one document in one field: sorted label ids, no repeats. */
struct nd_eval_labels {
	const uint32_t *ids;
	uint32_t count;
};

/*
 * One document. Its strings are borrowed from the set, valid until the set
 * is freed, and NUL-terminated; missing fields are "".
 */
struct nd_eval_doc {
	const char *id; /* "id", "doc" or "newid"; else "#N", the document number from 1 */
	const char *title;
	size_t title_len;
	const char *text; /* "text", else "body" */
	size_t text_len;
	struct nd_eval_labels story, topic; /* topic empty without a topic field */
};

/* A labelled document set. Not thread-safe: scoring uses scratch space in
 * the set. */
struct nd_eval_set;

/*
 * A new empty set whose story labels come from the field story_field and
 * whose topic labels, when topic_field is not NULL, from topic_field (both
 * copied). Never fails; caller owns the result and frees it with
 * nd_eval_set_free().
 */
struct nd_eval_set *nd_eval_set_new(const char *story_field, const char *topic_field);

/* Frees the set and its documents; NULL is a no-op. */
void nd_eval_set_free(struct nd_eval_set *set);

/*
 * Adds the document in one JSON Lines record, line[0..len) (need not end in
 * NUL). A label field may hold a string, a number (labels compare as text:
 * 7 and "7" are one label), or an array of those; null, "", [] or a missing
 * field mean no label. Errors: ND_EINVAL when the line is not a JSON object
 * or a label is of another type (why, if not NULL, gets a sentence that
 * says so; caller owns it, free() it). Blank lines are skipped (returns 0).
 */
int nd_eval_set_add_line(struct nd_eval_set *set, const char *line, size_t len, char **why);

/*
 * Adds every record of path: a JSON Lines file, "-" for standard input, a
 * directory (its *.jsonl files in name order), or a glob pattern such as
 * "data/reuters_*.jsonl" (its matches in name order). Errors, logged with the file
 * name and line number: ND_EIO when a file cannot be read, ND_ENOTFOUND
 * when a directory or pattern matches nothing, ND_EINVAL for a bad record
 * (the records before it stay added).
 */
int nd_eval_set_load(struct nd_eval_set *set, const char *path);

/* The number of documents. */
size_t nd_eval_set_count(const struct nd_eval_set *set);

/* The number of queries: documents that have a story label. */
size_t nd_eval_set_queries(const struct nd_eval_set *set);

/* Document i (i < count), borrowed, valid until the next add or the set is
 * freed. */
const struct nd_eval_doc *nd_eval_set_doc(const struct nd_eval_set *set, size_t i);

/* The relevance grade of document doc for query: 2 when they share a
 * story label, 1 when they share only a topic label, 0 otherwise. */
int nd_eval_gain(const struct nd_eval_set *set, size_t query, size_t doc);

/* The figures of one list, or their means over the queries. */
struct nd_eval_scores {
	double p1, p5, ndcg10, mrr10, dup;
};

/*
 * Scores the ranked list list[0..n) (document indices, best first) of
 * query, as the header comment defines; dup looks at the first limit items
 * and their clusters[] (a cluster id per document index, as
 * nd_eval_clusters() makes; NULL: dup is 0). Writes *out.
 */
void nd_eval_score_list(struct nd_eval_set *set, size_t query, const uint32_t *list, size_t n,
                        const uint32_t *clusters, size_t limit, struct nd_eval_scores *out);

/*
 * A ranker: writes to out[0..*n_out) at most k document indices, best
 * first, for document query; never query itself, never one twice. Returns
 * 0 or a negative enum nd_err.
 */
typedef int (*nd_eval_rank_fn)(void *ctx, size_t query, size_t k, uint32_t *out, size_t *n_out);

/*
 * Asks rank for a list of max(limit, 10) documents for every query, scores
 * each with nd_eval_score_list(), and writes the means to *out (all 0 when
 * there are no queries). Errors: the ranker's, or ND_EINVAL (logged) when
 * it returns an index out of range, the query itself or a repeat.
 */
int nd_eval_run(struct nd_eval_set *set, nd_eval_rank_fn rank, void *ctx, size_t limit,
                const uint32_t *clusters, struct nd_eval_scores *out);

/*
 * The story-folding clusters of the set (related/dedup.h): each document's
 * title and text analysed for language, folded at threshold (0:
 * ND_DEDUP_THRESHOLD). On success *out gets an array of one cluster id per
 * document index (caller owns it, free() it), equal for copies of one
 * story. Returns 0 (it cannot fail today; the int leaves room).
 */
int nd_eval_clusters(const struct nd_eval_set *set, const char *language, double threshold,
                     uint32_t **out);

/*
 * The TF-IDF cosine baseline: each document (title and text, analysed for
 * language) as a vector of (1 + ln tf) * ln(N / df), L2-normalised;
 * documents are ranked by cosine with the query's vector, exhaustively,
 * through an inverted list of the vectors. Only documents sharing a term
 * with the query are ranked; ties go to the lower index.
 */
struct nd_eval_tfidf;

/* Builds the vectors of set (borrowed: it must outlive the result; no
 * documents may be added meanwhile). Never fails; caller owns the result
 * and frees it with nd_eval_tfidf_free(). */
struct nd_eval_tfidf *nd_eval_tfidf_new(const struct nd_eval_set *set, const char *language);

/* An nd_eval_rank_fn with the baseline as ctx. Not thread-safe (it keeps
 * its score accumulator in ctx). Returns 0, or ND_EINVAL when query is out
 * of range. */
int nd_eval_tfidf_rank(void *tfidf, size_t query, size_t k, uint32_t *out, size_t *n_out);

/* Frees the baseline; NULL is a no-op. */
void nd_eval_tfidf_free(struct nd_eval_tfidf *t);

/* Writes the header line of the table: model and the figures' names, with
 * limit in the dup column's name. */
void nd_eval_print_header(FILE *f, size_t limit);

/* Writes one row: the model's name, then the figures of s as decimals. */
void nd_eval_print_row(FILE *f, const char *model, const struct nd_eval_scores *s);
