/*
 * newsdesk eval: scores the relevance features on labelled public data and
 * prints the figures next to a simple baseline (DESIGN.md, "Evaluation is
 * a feature"; docs/internals/related-eval.md).
 *
 *	newsdesk eval related --docs FILE.jsonl --story-field F [--topic-field G]
 *	                      [--limit 10] [--language en] [--dup-threshold 0.5]
 *	                      [--param NAME=VALUE ...]
 *	newsdesk eval recs --train DIR --test DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/mem.h"
#include "core/arena.h"
#include "index/analyze.h"
#include "index/index.h"
#include "recommend/baselines.h"
#include "recommend/blend.h"
#include "recommend/content.h"
#include "recommend/covisit.h"
#include "recommend/fresh.h"
#include "recommend/metrics.h"
#include "recommend/mind.h"
#include "related/dedup.h"
#include "related/eval.h"
#include "related/related.h"

#define MAX_LIMIT 1000

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: newsdesk eval related --docs PATH --story-field F [--topic-field G]\n"
	        "                             [--limit N] [--language L] [--dup-threshold T]\n"
	        "                             [--param NAME=VALUE ...]\n"
	        "\n"
	        "Scores Related on labelled documents and prints, for the engine and for a\n"
	        "TF-IDF cosine baseline, P@1 and P@5 (same story), nDCG@10 (gain 2 for the\n"
	        "same story, 1 for the same topic only), MRR@10 and the share of lists that\n"
	        "hold two copies of one story. Every document with a story label is a query.\n"
	        "\n"
	        "options:\n"
	        "  --docs PATH          JSON Lines (fields id/doc, title, text/body): a file, a\n"
	        "                       directory of *.jsonl, a glob or -; may be repeated\n"
	        "  --story-field F      the story label (string, number or list: lists that\n"
	        "                       share a label are the same story)\n"
	        "  --topic-field G      a broader label for nDCG's gain 1 (default: none)\n"
	        "  --limit N            list length, for the copies figure (default 10; the\n"
	        "                       other figures always look at the first 10)\n"
	        "  --language L         analyser language of the documents (default en)\n"
	        "  --dup-threshold T    Jaccard similarity that makes two documents copies\n"
	        "                       (default %.2f)\n"
	        "  --param NAME=VALUE   an engine parameter other than its default, for tuning;\n"
	        "                       may be repeated. NAME: query_terms, candidates,\n"
	        "                       title_boost, cosine_share, neighbours, neighbour_share,\n"
	        "                       local_idf, max_postings\n"
	        "                       (related/related.h)\n",
	        ND_DEDUP_THRESHOLD);
}

/*
 * The engine row: the Related engine of the site (related/related.h) over
 * an index of the set's documents, key = document index + 1, with story
 * folding from clusters[] (shifted by one: 0 means "none" to the hook).
 */
struct engine {
	struct nd_index *idx;
	const uint32_t *clusters;
	struct nd_related_params params;
};

static uint32_t engine_cluster(void *ctx, uint32_t key)
{
	const struct engine *e = ctx;

	return e->clusters ? e->clusters[key - 1] + 1 : 0;
}

static int engine_new(struct nd_eval_set *set, const char *language, const uint32_t *clusters,
                      const struct nd_related_params *params, void **out)
{
	struct engine *e = nd_xcalloc(1, sizeof(*e));
	struct nd_analyzer *an = nd_analyzer_new(language);
	struct nd_index *empty = nd_index_new_empty(NULL);
	struct nd_index_writer *w = nd_index_writer_new(empty);
	int rc = 0;

	e->clusters = clusters;
	e->params = *params;
	for (size_t i = 0; i < nd_eval_set_count(set) && !rc; i++) {
		const struct nd_eval_doc *d = nd_eval_set_doc(set, i);
		struct nd_arena *a = nd_arena_new(64 * 1024);
		struct nd_index_doc doc;

		nd_related_doc(an, d->title, d->title_len, d->text, d->text_len, a, &doc);
		rc = nd_index_writer_add(w, (uint32_t)i + 1, &doc);
		nd_arena_free(a);
	}
	if (!rc)
		rc = nd_index_writer_commit(w, &e->idx);
	else
		nd_index_writer_free(w);
	nd_index_free(empty);
	nd_analyzer_free(an);
	if (rc) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

static int engine_rank(void *engine, size_t query, size_t k, uint32_t *out, size_t *n_out)
{
	struct engine *e = engine;
	struct nd_related_hooks hooks = {NULL, engine_cluster, e};
	struct nd_hits hits;
	int rc;

	rc = nd_related_find(e->idx, (uint32_t)query + 1, &e->params, &hooks, k, NULL, &hits);
	if (rc)
		return rc;
	*n_out = hits.count;
	for (size_t i = 0; i < hits.count; i++)
		out[i] = hits.items[i].key - 1;
	free(hits.items);
	return 0;
}

static void engine_free(void *engine)
{
	struct engine *e = engine;

	nd_index_free(e->idx);
	free(e);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct related_args {
	const char **docs;
	size_t ndocs;
	const char *story, *topic, *language;
	size_t limit;
	double threshold;
	struct nd_related_params params;
};

/*
 * The next "--name value" or "--name=value" of argv at *i for `eval cmd`:
 * 0 with *name, *name_len and *value set (and *i past them), 1 for --help
 * (usage printed by the caller), 2 after a usage error on stderr.
 */
static int next_option(int argc, char **argv, int *i, const char *cmd, const char **name,
                       size_t *name_len, const char **value)
{
	const char *arg = argv[*i], *eq;

	if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
		return 1;
	if (strncmp(arg, "--", 2) || !arg[2]) {
		fprintf(stderr, "newsdesk eval %s: unexpected argument '%s'\n", cmd, arg);
		return 2;
	}
	arg += 2;
	eq = strchr(arg, '=');
	*name = arg;
	*name_len = eq ? (size_t)(eq - arg) : strlen(arg);
	if (eq) {
		*value = eq + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		fprintf(stderr, "newsdesk eval %s: option '--%s' needs a value\n", cmd, arg);
		return 2;
	}
	return 0;
}

/* Parses the options of `eval related` (argv[0] is "related"); 0, 1 after
 * --help, or 2 after a usage error on stderr. */
static int parse_related(int argc, char **argv, struct related_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg, *value;
		char *end;
		size_t name_len;
		int rc = next_option(argc, argv, &i, "related", &arg, &name_len, &value);

		if (rc == 1)
			usage(stdout);
		if (rc)
			return rc;
#define IS(name) (name_len == sizeof(name) - 1 && !strncmp(arg, name, name_len))
		if (IS("docs")) {
			a->docs[a->ndocs++] = value;
		} else if (IS("story-field")) {
			a->story = value;
		} else if (IS("topic-field")) {
			a->topic = value;
		} else if (IS("language")) {
			a->language = value;
		} else if (IS("limit")) {
			unsigned long n;
			errno = 0;
			n = strtoul(value, &end, 10);
			if (errno || end == value || *end || value[0] == '-' || n < 1 ||
			    n > MAX_LIMIT) {
				fprintf(
				    stderr,
				    "newsdesk eval related: --limit must be 1 to %d, not '%s'\n",
				    MAX_LIMIT, value);
				return 2;
			}
			a->limit = n;
		} else if (IS("param")) {
			if (nd_related_param_set(&a->params, value))
				return 2;
		} else if (IS("dup-threshold")) {
			double t = strtod(value, &end);
			if (end == value || *end || !(t > 0 && t <= 1)) {
				fprintf(stderr,
				        "newsdesk eval related: --dup-threshold must be in (0, 1], "
				        "not '%s'\n",
				        value);
				return 2;
			}
			a->threshold = t;
		} else {
			fprintf(stderr, "newsdesk eval related: unknown option '--%.*s'\n",
			        (int)name_len, arg);
			return 2;
		}
#undef IS
	}
	if (!a->ndocs || !a->story || !*a->story) {
		fprintf(stderr, "newsdesk eval related: --docs and --story-field are required\n\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

static int eval_related(int argc, char **argv)
{
	struct related_args a = {0};
	struct nd_eval_set *set = NULL;
	struct nd_eval_scores engine_scores, tfidf_scores;
	struct nd_eval_tfidf *tfidf = NULL;
	void *engine = NULL;
	uint32_t *clusters = NULL;
	size_t folded = 0;
	double t0, t_load, t_dedup, t_tfidf_build, t_engine_build, t_engine, t_tfidf;
	int rc;

	a.docs = nd_xcalloc((size_t)argc + 1, sizeof(*a.docs));
	a.language = "en";
	a.limit = 10;
	a.threshold = ND_DEDUP_THRESHOLD;
	a.params = (struct nd_related_params)ND_RELATED_PARAMS_DEFAULT;
	rc = parse_related(argc, argv, &a);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}

	t0 = now();
	set = nd_eval_set_new(a.story, a.topic);
	for (size_t i = 0; i < a.ndocs; i++)
		if (nd_eval_set_load(set, a.docs[i])) {
			rc = 1;
			goto out;
		}
	if (!nd_eval_set_queries(set)) {
		fprintf(stderr, "newsdesk eval related: no document has a '%s' label\n", a.story);
		rc = 1;
		goto out;
	}
	t_load = now();
	nd_eval_clusters(set, a.language, a.threshold, &clusters);
	for (size_t i = 0; i < nd_eval_set_count(set); i++)
		folded += clusters[i] != i;
	t_dedup = now();

	tfidf = nd_eval_tfidf_new(set, a.language);
	t_tfidf_build = now();
	if (engine_new(set, a.language, clusters, &a.params, &engine)) {
		fprintf(stderr, "newsdesk eval related: cannot build the engine\n");
		rc = 1;
		goto out;
	}
	t_engine_build = now();
	if (nd_eval_run(set, engine_rank, engine, a.limit, clusters, &engine_scores)) {
		rc = 1;
		goto out;
	}
	t_engine = now();
	if (nd_eval_run(set, nd_eval_tfidf_rank, tfidf, a.limit, clusters, &tfidf_scores)) {
		rc = 1;
		goto out;
	}
	t_tfidf = now();

	fprintf(stderr,
	        "newsdesk eval related: %zu documents, %zu queries, limit %zu; %zu documents "
	        "are copies of an earlier one (Jaccard >= %.2f)\n",
	        nd_eval_set_count(set), nd_eval_set_queries(set), a.limit, folded, a.threshold);
	fprintf(stderr,
	        "newsdesk eval related: seconds: load %.2f, story folding %.2f; build engine "
	        "%.2f, tfidf %.2f; rank engine %.2f, tfidf %.2f\n",
	        t_load - t0, t_dedup - t_load, t_engine_build - t_tfidf_build,
	        t_tfidf_build - t_dedup, t_engine - t_engine_build, t_tfidf - t_engine);
	nd_eval_print_header(stdout, a.limit);
	nd_eval_print_row(stdout, "engine", &engine_scores);
	nd_eval_print_row(stdout, "tfidf", &tfidf_scores);
	rc = fflush(stdout) ? 1 : 0;
out:
	if (engine)
		engine_free(engine);
	nd_eval_tfidf_free(tfidf);
	free(clusters);
	nd_eval_set_free(set);
	free(a.docs);
	return rc;
}

static void usage_recs(FILE *f)
{
	fprintf(f, "usage: newsdesk eval recs --train DIR --test DIR\n"
	           "\n"
	           "Scores recommendation models on MIND-format click logs: learns from the\n"
	           "impressions of --train and from every history, scores the candidates of\n"
	           "each --test impression, and prints AUC, MRR, nDCG@5 and nDCG@10 (MIND's\n"
	           "definitions; means over impressions with both clicked and unclicked\n"
	           "candidates) for each model: blend (the signals weighted by a logistic\n"
	           "regression fitted on train alone; the weights go to stderr), popularity,\n"
	           "ctr, and the signals covisit, fresh, recent, local and content.\n"
	           "\n"
	           "options:\n"
	           "  --train DIR          a folder with news.tsv and behaviors.tsv\n"
	           "  --test DIR           the same, the impressions to score\n");
}

/* Parses the options of `eval recs` (argv[0] is "recs"); 0, 1 after --help,
 * or 2 after a usage error on stderr. */
static int parse_recs(int argc, char **argv, const char **train, const char **test)
{
	for (int i = 1; i < argc; i++) {
		const char *arg, *value;
		size_t name_len;
		int rc = next_option(argc, argv, &i, "recs", &arg, &name_len, &value);

		if (rc == 1)
			usage_recs(stdout);
		if (rc)
			return rc;
#define IS(name) (name_len == sizeof(name) - 1 && !strncmp(arg, name, name_len))
		if (IS("train")) {
			*train = value;
		} else if (IS("test")) {
			*test = value;
		} else {
			fprintf(stderr, "newsdesk eval recs: unknown option '--%.*s'\n",
			        (int)name_len, arg);
			return 2;
		}
#undef IS
	}
	if (!*train || !**train || !*test || !**test) {
		fprintf(stderr, "newsdesk eval recs: --train and --test are required\n\n");
		usage_recs(stderr);
		return 2;
	}
	return 0;
}

static int eval_recs(int argc, char **argv)
{
	const char *train_dir = NULL, *test_dir = NULL;
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log train = ND_MIND_LOG_INIT, test = ND_MIND_LOG_INIT;
	struct nd_recs_counts *counts = NULL;
	struct nd_recs_covisit *covisit = NULL;
	struct nd_recs_fresh *fresh = NULL;
	struct nd_recs_recent *recent = NULL;
	struct nd_recs_content *content = NULL;
	struct nd_recs_blend *blend = NULL;
	struct nd_recs_scores pop, ctr, cov, fr, rec, loc, ct, bl;
	const double *w;
	size_t counted = 0;
	double t0, t_load, t_learn, t_score;
	int rc;

	rc = parse_recs(argc, argv, &train_dir, &test_dir);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	t0 = now();
	if (nd_mind_log_load(&train, train_dir, items, users) ||
	    nd_mind_log_load(&test, test_dir, items, users)) {
		rc = 1;
		goto out;
	}
	t_load = now();
	counts =
	    nd_recs_counts_new(&train, &test, nd_mind_ids_count(items), nd_mind_ids_count(users));
	covisit =
	    nd_recs_covisit_new(&train, &test, nd_mind_ids_count(items), nd_mind_ids_count(users));
	fresh = nd_recs_fresh_new(&train, &test, nd_mind_ids_count(items));
	recent = nd_recs_recent_new(&train, nd_mind_ids_count(items));
	content = nd_recs_content_new(&train, &test, items);
	blend = nd_recs_blend_new(&train, &test, nd_mind_ids_count(items), nd_mind_ids_count(users),
	                          content);
	t_learn = now();
	nd_recs_eval(&test, nd_recs_popularity, counts, &pop, &counted);
	nd_recs_eval(&test, nd_recs_ctr, counts, &ctr, NULL);
	nd_recs_eval(&test, nd_recs_covisit_score, covisit, &cov, NULL);
	nd_recs_eval(&test, nd_recs_fresh_score, fresh, &fr, NULL);
	nd_recs_eval(&test, nd_recs_recent_score, recent, &rec, NULL);
	nd_recs_eval(&test, nd_recs_local_score, recent, &loc, NULL);
	nd_recs_eval(&test, nd_recs_content_score, content, &ct, NULL);
	nd_recs_blend_eval(&test, blend, &bl, NULL);
	t_score = now();

	fprintf(stderr,
	        "newsdesk eval recs: train %zu impressions, test %zu impressions (%zu "
	        "scored), %zu items, %zu users\n",
	        train.count, test.count, counted, nd_mind_ids_count(items),
	        nd_mind_ids_count(users));
	fprintf(stderr, "newsdesk eval recs: seconds: load %.2f, learn %.2f, score %.2f\n",
	        t_load - t0, t_learn - t_load, t_score - t_learn);
	w = nd_recs_blend_weights(blend);
	fprintf(stderr,
	        "newsdesk eval recs: blend weights (cross-fitted on %zu train impressions):",
	        nd_recs_blend_fitted(blend));
	for (size_t k = 0; k < ND_RECS_BLEND_SIGNALS; k++)
		fprintf(stderr, " %s %.4f", nd_recs_blend_names[k], w[k]);
	fprintf(stderr, " bias %.4f\n", w[ND_RECS_BLEND_SIGNALS]);
	fprintf(stderr, "newsdesk eval recs: blend signals selected (train CV AUC %.4f):",
	        nd_recs_blend_cv_auc(blend));
	for (size_t k = 0; k < ND_RECS_BLEND_SIGNALS; k++)
		if (nd_recs_blend_chosen(blend)[k])
			fprintf(stderr, " %s", nd_recs_blend_names[k]);
	fprintf(stderr, "\n");
	nd_recs_print_header(stdout);
	nd_recs_print_row(stdout, "blend", &bl);
	nd_recs_print_row(stdout, "popularity", &pop);
	nd_recs_print_row(stdout, "ctr", &ctr);
	nd_recs_print_row(stdout, "covisit", &cov);
	nd_recs_print_row(stdout, "fresh", &fr);
	nd_recs_print_row(stdout, "recent", &rec);
	nd_recs_print_row(stdout, "local", &loc);
	nd_recs_print_row(stdout, "content", &ct);
	rc = fflush(stdout) ? 1 : 0;
out:
	nd_recs_counts_free(counts);
	nd_recs_covisit_free(covisit);
	nd_recs_fresh_free(fresh);
	nd_recs_recent_free(recent);
	nd_recs_blend_free(blend);
	nd_recs_content_free(content);
	nd_mind_log_release(&train);
	nd_mind_log_release(&test);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
	return rc;
}

int nd_cmd_eval(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "related"))
		return eval_related(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "recs"))
		return eval_recs(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		usage_recs(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "newsdesk eval: unknown evaluation '%s'\n\n", argv[1]);
	usage(stderr);
	usage_recs(stderr);
	return 2;
}
