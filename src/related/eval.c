/*
 * `newsdesk eval related`: the document set and its labels, the metrics,
 * the TF-IDF cosine baseline and the table (eval.h,
 * docs/internals/related-eval.md).
 */
#include "related/eval.h"

#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/mem.h"
#include "index/analyze.h"
#include "related/dedup.h"

/* The cutoffs of the metrics. */
#define CUT_P1   1
#define CUT_P5   5
#define CUT_RANK 10

/* The labels of one field: label text to id, and each label's documents
 * (their indices, increasing, since documents are only appended). */
struct label_field {
	char *name;        /* NULL: no such field */
	struct nd_map ids; /* text (in the set's arena) -> id + 1 */
	struct posting {
		uint32_t *docs;
		size_t count, cap;
	} * postings;
	size_t count, cap;
};

struct nd_eval_set {
	struct nd_arena *arena; /* document strings, label texts and label arrays */
	struct nd_eval_doc *docs;
	size_t count, cap;
	size_t queries;
	struct label_field story, topic;
	/* Scratch for the ideal DCG: a stamp per document. */
	uint32_t *mark;
	size_t mark_cap;
	uint32_t stamp;
};

struct nd_eval_set *nd_eval_set_new(const char *story_field, const char *topic_field)
{
	struct nd_eval_set *set = nd_xcalloc(1, sizeof(*set));

	set->arena = nd_arena_new(1 << 20);
	set->story.name = nd_xstrdup(story_field);
	if (topic_field)
		set->topic.name = nd_xstrdup(topic_field);
	return set;
}

static void field_release(struct label_field *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->postings[i].docs);
	free(f->postings);
	nd_map_release(&f->ids);
	free(f->name);
}

void nd_eval_set_free(struct nd_eval_set *set)
{
	if (!set)
		return;
	field_release(&set->story);
	field_release(&set->topic);
	nd_arena_free(set->arena);
	free(set->docs);
	free(set->mark);
	free(set);
}

size_t nd_eval_set_count(const struct nd_eval_set *set)
{
	return set->count;
}

size_t nd_eval_set_queries(const struct nd_eval_set *set)
{
	return set->queries;
}

const struct nd_eval_doc *nd_eval_set_doc(const struct nd_eval_set *set, size_t i)
{
	ND_ASSERT(i < set->count);
	return &set->docs[i];
}

/* The id of label text[0..len), made when new. */
static uint32_t label_id(struct nd_eval_set *set, struct label_field *f, const char *text,
                         size_t len)
{
	void *v = nd_map_get(&f->ids, text, len);
	char *key;

	if (v)
		return (uint32_t)((uintptr_t)v - 1);
	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->postings = nd_xrealloc(f->postings, f->cap * sizeof(*f->postings));
	}
	f->postings[f->count] = (struct posting){NULL, 0, 0};
	key = nd_arena_strndup(set->arena, text, len);
	nd_map_put(&f->ids, key, len, (void *)(uintptr_t)(f->count + 1));
	return (uint32_t)f->count++;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* The text of one label value into *buf; 0, or ND_EINVAL for a type that
 * is not a label. An empty string is no label (*buf stays empty). */
static int label_text(json_t *v, struct nd_buf *buf)
{
	nd_buf_reset(buf);
	if (json_is_string(v))
		nd_buf_add(buf, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		nd_buf_addf(buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		nd_buf_addf(buf, "%.17g", json_real_value(v));
	else
		return ND_EINVAL;
	return 0;
}

/*
 * Reads field f of obj into labels (sorted, without repeats, in the arena).
 * A missing or null field, "" and [] give no labels.
 */
static int read_labels(struct nd_eval_set *set, struct label_field *f, json_t *obj,
                       struct nd_eval_labels *out, char **why)
{
	json_t *v = f->name ? json_object_get(obj, f->name) : NULL;
	struct nd_buf text = ND_BUF_INIT;
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, count;
	int rc = 0;

	*out = (struct nd_eval_labels){NULL, 0};
	if (!v || json_is_null(v))
		goto out;
	count = json_is_array(v) ? json_array_size(v) : 1;
	for (size_t i = 0; i < count; i++) {
		json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		if (json_is_null(item))
			continue;
		if (label_text(item, &text)) {
			if (why)
				*why = nd_xstrdup(
				    json_is_array(v)
				        ? "a label in the array is not a string or number"
				        : "the label is not a string, number or array");
			rc = ND_EINVAL;
			goto out;
		}
		if (!text.len)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			ids = nd_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = label_id(set, f, text.buf, text.len);
	}
	if (n) {
		uint32_t *sorted = nd_arena_alloc(set->arena, n * sizeof(*sorted));
		size_t m = 0;
		qsort(ids, n, sizeof(*ids), cmp_u32);
		for (size_t i = 0; i < n; i++)
			if (!m || sorted[m - 1] != ids[i])
				sorted[m++] = ids[i];
		*out = (struct nd_eval_labels){sorted, (uint32_t)m};
	}
out:
	free(ids);
	nd_buf_release(&text);
	return rc;
}

/* Appends document index doc to the postings of each of its labels. */
static void post_labels(struct label_field *f, const struct nd_eval_labels *l, uint32_t doc)
{
	for (uint32_t i = 0; i < l->count; i++) {
		struct posting *p = &f->postings[l->ids[i]];
		if (p->count == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 4;
			p->docs = nd_xrealloc(p->docs, p->cap * sizeof(*p->docs));
		}
		p->docs[p->count++] = doc;
	}
}

/* The string of the first of keys that obj has as a string (or, when
 * numbers is set, a number), copied into the arena; NULL when none. */
static const char *string_field(struct nd_eval_set *set, json_t *obj, const char *const *keys,
                                bool numbers, size_t *len)
{
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(obj, keys[i]);
		if (json_is_string(v)) {
			*len = json_string_length(v);
			return nd_arena_strndup(set->arena, json_string_value(v), *len);
		}
		if (numbers && json_is_integer(v)) {
			char *s = nd_arena_printf(set->arena, "%" JSON_INTEGER_FORMAT,
			                          json_integer_value(v));
			*len = strlen(s);
			return s;
		}
	}
	*len = 0;
	return NULL;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int nd_eval_set_add_line(struct nd_eval_set *set, const char *line, size_t len, char **why)
{
	static const char *const id_keys[] = {"id", "doc", "newid", NULL};
	static const char *const title_keys[] = {"title", NULL};
	static const char *const text_keys[] = {"text", "body", NULL};
	json_t *obj = NULL;
	json_error_t jerr;
	struct nd_eval_doc doc;
	size_t id_len;
	int rc = 0;

	if (why)
		*why = NULL;
	if (blank(line, len))
		goto out;
	obj = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
	if (!obj || !json_is_object(obj)) {
		if (why)
			*why = obj ? nd_xstrdup("the record is not a JSON object")
			           : nd_xstrdup(jerr.text);
		rc = ND_EINVAL;
		goto out;
	}
	memset(&doc, 0, sizeof(doc));
	if ((rc = read_labels(set, &set->story, obj, &doc.story, why)) ||
	    (rc = read_labels(set, &set->topic, obj, &doc.topic, why)))
		goto out;
	doc.id = string_field(set, obj, id_keys, true, &id_len);
	if (!doc.id)
		doc.id = nd_arena_printf(set->arena, "#%zu", set->count + 1);
	doc.title = string_field(set, obj, title_keys, false, &doc.title_len);
	doc.text = string_field(set, obj, text_keys, false, &doc.text_len);
	if (!doc.title)
		doc.title = "";
	if (!doc.text)
		doc.text = "";

	ND_ASSERT(set->count < UINT32_MAX);
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 1024;
		set->docs = nd_xrealloc(set->docs, set->cap * sizeof(*set->docs));
	}
	post_labels(&set->story, &doc.story, (uint32_t)set->count);
	post_labels(&set->topic, &doc.topic, (uint32_t)set->count);
	set->docs[set->count++] = doc;
	if (doc.story.count)
		set->queries++;
out:
	json_decref(obj);
	return rc;
}

/* Adds the records of one open stream; name is for messages. */
static int load_stream(struct nd_eval_set *set, FILE *in, const char *name)
{
	char *line = NULL, *why = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	errno = 0;
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if ((size_t)len > ND_MAX_IMPORT_LINE) {
			rc = nd_error(ND_ETOOBIG, "'%s' line %zu: longer than %d bytes", name,
			              lineno, ND_MAX_IMPORT_LINE);
			goto out;
		}
		if ((rc = nd_eval_set_add_line(set, line, (size_t)len, &why))) {
			nd_error(rc, "'%s' line %zu: %s", name, lineno, why ? why : "bad record");
			goto out;
		}
	}
	if (ferror(in))
		rc = nd_error(ND_EIO, "cannot read '%s': %s", name, strerror(errno));
out:
	free(why);
	free(line);
	return rc;
}

static int load_file(struct nd_eval_set *set, const char *path)
{
	FILE *in = fopen(path, "r");
	int rc;

	if (!in)
		return nd_error(ND_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = load_stream(set, in, path);
	fclose(in);
	return rc;
}

int nd_eval_set_load(struct nd_eval_set *set, const char *path)
{
	struct stat st;
	glob_t g;
	char *pattern = NULL;
	int rc = 0, grc;

	if (!strcmp(path, "-"))
		return load_stream(set, stdin, "<stdin>");
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		pattern = nd_xmalloc(strlen(path) + sizeof("/*.jsonl"));
		memcpy(pattern, path, strlen(path));
		memcpy(pattern + strlen(path), "/*.jsonl", sizeof("/*.jsonl"));
	} else if (!stat(path, &st) || !strpbrk(path, "*?[")) {
		return load_file(set, path);
	}
	grc = glob(pattern ? pattern : path, 0, NULL, &g);
	if (grc == GLOB_NOMATCH) {
		rc = nd_error(ND_ENOTFOUND, "no *.jsonl files match '%s'", path);
		goto out;
	}
	if (grc) {
		rc = nd_error(ND_EIO, "cannot list '%s'", path);
		goto out;
	}
	for (size_t i = 0; i < g.gl_pathc && !rc; i++)
		rc = load_file(set, g.gl_pathv[i]);
	globfree(&g);
out:
	free(pattern);
	return rc;
}

static bool intersect(const struct nd_eval_labels *a, const struct nd_eval_labels *b)
{
	uint32_t i = 0, j = 0;

	while (i < a->count && j < b->count) {
		if (a->ids[i] == b->ids[j])
			return true;
		if (a->ids[i] < b->ids[j])
			i++;
		else
			j++;
	}
	return false;
}

int nd_eval_gain(const struct nd_eval_set *set, size_t query, size_t doc)
{
	const struct nd_eval_doc *q = &set->docs[query], *d = &set->docs[doc];

	if (intersect(&q->story, &d->story))
		return 2;
	return intersect(&q->topic, &d->topic) ? 1 : 0;
}

/* Counts the other documents of query's story (*same) and of its topic
 * only (*topic), through the label postings and a stamp per document. */
static void count_relevant(struct nd_eval_set *set, size_t query, size_t *same, size_t *topic)
{
	const struct nd_eval_doc *q = &set->docs[query];
	uint32_t s_story, s_topic;

	if (set->mark_cap < set->count) {
		free(set->mark);
		set->mark_cap = set->count;
		set->mark = nd_xcalloc(set->mark_cap, sizeof(*set->mark));
		set->stamp = 0;
	}
	if (set->stamp > UINT32_MAX - 2) {
		memset(set->mark, 0, set->mark_cap * sizeof(*set->mark));
		set->stamp = 0;
	}
	s_story = ++set->stamp;
	s_topic = ++set->stamp;
	*same = *topic = 0;
	set->mark[query] = s_story;
	for (uint32_t i = 0; i < q->story.count; i++) {
		const struct posting *p = &set->story.postings[q->story.ids[i]];
		for (size_t j = 0; j < p->count; j++)
			if (set->mark[p->docs[j]] != s_story) {
				set->mark[p->docs[j]] = s_story;
				(*same)++;
			}
	}
	for (uint32_t i = 0; i < q->topic.count; i++) {
		const struct posting *p = &set->topic.postings[q->topic.ids[i]];
		for (size_t j = 0; j < p->count; j++) {
			uint32_t *m = &set->mark[p->docs[j]];
			if (*m != s_story && *m != s_topic) {
				*m = s_topic;
				(*topic)++;
			}
		}
	}
}

void nd_eval_score_list(struct nd_eval_set *set, size_t query, const uint32_t *list, size_t n,
                        const uint32_t *clusters, size_t limit, struct nd_eval_scores *out)
{
	size_t same, topic, hits = 0;
	double dcg = 0, idcg = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n && i < CUT_RANK; i++) {
		int g = nd_eval_gain(set, query, list[i]);
		if (g == 2) {
			if (i < CUT_P1)
				out->p1 += 1;
			if (i < CUT_P5)
				hits++;
			if (out->mrr10 == 0)
				out->mrr10 = 1.0 / (double)(i + 1);
		}
		dcg += ((1 << g) - 1) / log2((double)i + 2);
	}
	out->p5 = (double)hits / CUT_P5;

	count_relevant(set, query, &same, &topic);
	for (size_t i = 0; i < CUT_RANK && i < same + topic; i++)
		idcg += (i < same ? 3 : 1) / log2((double)i + 2);
	out->ndcg10 = idcg > 0 ? dcg / idcg : 0;

	if (clusters)
		for (size_t i = 0; i < n && i < limit && out->dup == 0; i++)
			for (size_t j = 0; j < i; j++)
				if (clusters[list[i]] == clusters[list[j]]) {
					out->dup = 1;
					break;
				}
}

int nd_eval_run(struct nd_eval_set *set, nd_eval_rank_fn rank, void *ctx, size_t limit,
                const uint32_t *clusters, struct nd_eval_scores *out)
{
	size_t k = limit > CUT_RANK ? limit : CUT_RANK, queries = 0;
	uint32_t *list = nd_xmalloc(k * sizeof(*list));
	uint32_t *seen = nd_xcalloc(set->count ? set->count : 1, sizeof(*seen));
	struct nd_eval_scores sum = {0}, one;
	int rc = 0;

	for (size_t q = 0; q < set->count; q++) {
		size_t n = 0;
		if (!set->docs[q].story.count)
			continue;
		if ((rc = rank(ctx, q, k, list, &n)))
			goto out;
		if (n > k) {
			rc = nd_error(ND_EINVAL, "ranker returned %zu items for %zu places", n, k);
			goto out;
		}
		/* seen[] holds the query's number + 1 for the items met so far. */
		seen[q] = (uint32_t)q + 1;
		for (size_t i = 0; i < n; i++) {
			if (list[i] >= set->count || seen[list[i]] == q + 1) {
				rc = nd_error(ND_EINVAL,
				              "ranker returned a bad item %" PRIu32
				              " for document '%s'",
				              list[i], set->docs[q].id);
				goto out;
			}
			seen[list[i]] = (uint32_t)q + 1;
		}
		nd_eval_score_list(set, q, list, n, clusters, limit, &one);
		sum.p1 += one.p1;
		sum.p5 += one.p5;
		sum.ndcg10 += one.ndcg10;
		sum.mrr10 += one.mrr10;
		sum.dup += one.dup;
		queries++;
	}
	if (queries) {
		sum.p1 /= (double)queries;
		sum.p5 /= (double)queries;
		sum.ndcg10 /= (double)queries;
		sum.mrr10 /= (double)queries;
		sum.dup /= (double)queries;
	}
	*out = sum;
out:
	free(seen);
	free(list);
	return rc;
}

int nd_eval_clusters(const struct nd_eval_set *set, const char *language, double threshold,
                     uint32_t **out)
{
	struct nd_analyzer *an = nd_analyzer_new(language);
	struct nd_dedup *d = nd_dedup_new(threshold);
	uint32_t *clusters = nd_xmalloc((set->count ? set->count : 1) * sizeof(*clusters));

	for (size_t i = 0; i < set->count; i++) {
		const struct nd_eval_doc *doc = &set->docs[i];
		struct nd_minhash mh;
		nd_minhash_article(an, doc->title, doc->title_len, doc->text, doc->text_len, &mh);
		nd_dedup_add(d, (uint32_t)i, &mh, NULL);
	}
	/* Read at the end: a later document can join two earlier clusters. */
	for (size_t i = 0; i < set->count; i++)
		clusters[i] = nd_dedup_cluster_of(d, (uint32_t)i);
	nd_dedup_free(d);
	nd_analyzer_free(an);
	*out = clusters;
	return 0;
}

/*
 * The baseline's vectors in two compressed sparse layouts over the same
 * weights: by document (doc_start[d] .. doc_start[d + 1] into doc_term,
 * doc_w) to read a query's vector, and by term (post_start, post_doc,
 * post_w) to accumulate the dot products of all documents at once.
 */
struct nd_eval_tfidf {
	size_t count; /* documents */
	size_t *doc_start;
	uint32_t *doc_term;
	double *doc_w;
	size_t *post_start;
	uint32_t *post_doc;
	double *post_w;
	double *acc; /* per document, 0 between queries */
};

/* Collects a document's term ids while it is analysed. */
struct collect {
	struct nd_map *dict;
	struct nd_arena *arena; /* term bytes */
	size_t *terms;          /* distinct terms so far */
	uint32_t *ids;
	size_t n, cap;
};

static void collect_term(void *ctx, const struct nd_term *t)
{
	struct collect *c = ctx;
	void *v;

	if (t->flags & ND_TERM_STOP)
		return;
	v = nd_map_get(c->dict, t->p, t->len);
	if (!v) {
		char *key = nd_arena_strndup(c->arena, t->p, t->len);
		v = (void *)(uintptr_t)(++*c->terms);
		nd_map_put(c->dict, key, t->len, v);
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->ids = nd_xrealloc(c->ids, c->cap * sizeof(*c->ids));
	}
	c->ids[c->n++] = (uint32_t)((uintptr_t)v - 1);
}

struct nd_eval_tfidf *nd_eval_tfidf_new(const struct nd_eval_set *set, const char *language)
{
	struct nd_eval_tfidf *t = nd_xcalloc(1, sizeof(*t));
	struct nd_analyzer *an = nd_analyzer_new(language);
	struct nd_map dict = ND_MAP_INIT;
	struct nd_arena *arena = nd_arena_new(1 << 20);
	size_t terms = 0, entries = 0, cap = 1024;
	struct collect c = {&dict, arena, &terms, NULL, 0, 0};
	uint32_t *tf, *df = NULL;
	size_t df_cap = 0;
	size_t n = set->count;

	t->count = n;
	t->doc_start = nd_xcalloc(n + 1, sizeof(*t->doc_start));
	t->doc_term = nd_xmalloc(cap * sizeof(*t->doc_term));
	tf = nd_xmalloc(cap * sizeof(*tf));
	for (size_t d = 0; d < n; d++) {
		const struct nd_eval_doc *doc = &set->docs[d];
		c.n = 0;
		nd_analyze(an, doc->title, doc->title_len, 0, collect_term, &c);
		nd_analyze(an, doc->text, doc->text_len, 0, collect_term, &c);
		qsort(c.ids, c.n, sizeof(*c.ids), cmp_u32);
		if (df_cap < terms) {
			size_t old = df_cap;
			df_cap = terms * 2;
			df = nd_xrealloc(df, df_cap * sizeof(*df));
			memset(df + old, 0, (df_cap - old) * sizeof(*df));
		}
		for (size_t i = 0; i < c.n;) {
			size_t j = i;
			while (j < c.n && c.ids[j] == c.ids[i])
				j++;
			if (entries == cap) {
				cap *= 2;
				t->doc_term = nd_xrealloc(t->doc_term, cap * sizeof(*t->doc_term));
				tf = nd_xrealloc(tf, cap * sizeof(*tf));
			}
			t->doc_term[entries] = c.ids[i];
			tf[entries++] = (uint32_t)(j - i);
			df[c.ids[i]]++;
			i = j;
		}
		t->doc_start[d + 1] = entries;
	}
	free(c.ids);
	nd_map_release(&dict);
	nd_arena_free(arena);
	nd_analyzer_free(an);

	/* Weights, then unit length per document. A term in every document
	 * has idf 0 and drops out. */
	t->doc_w = nd_xmalloc((entries ? entries : 1) * sizeof(*t->doc_w));
	for (size_t d = 0; d < n; d++) {
		double norm = 0;
		for (size_t i = t->doc_start[d]; i < t->doc_start[d + 1]; i++) {
			double w = (1 + log(tf[i])) * log((double)n / df[t->doc_term[i]]);
			t->doc_w[i] = w;
			norm += w * w;
		}
		norm = sqrt(norm);
		for (size_t i = t->doc_start[d]; i < t->doc_start[d + 1]; i++)
			t->doc_w[i] = norm > 0 ? t->doc_w[i] / norm : 0;
	}
	free(tf);

	/* The inverted layout: counts, prefix sums, then fill in document
	 * order so each term's postings are sorted. */
	t->post_start = nd_xcalloc(terms + 2, sizeof(*t->post_start));
	for (size_t i = 0; i < entries; i++)
		if (t->doc_w[i] > 0)
			t->post_start[t->doc_term[i] + 2]++;
	for (size_t i = 2; i < terms + 2; i++)
		t->post_start[i] += t->post_start[i - 1];
	t->post_doc = nd_xmalloc((entries ? entries : 1) * sizeof(*t->post_doc));
	t->post_w = nd_xmalloc((entries ? entries : 1) * sizeof(*t->post_w));
	for (size_t d = 0; d < n; d++)
		for (size_t i = t->doc_start[d]; i < t->doc_start[d + 1]; i++) {
			size_t at;
			if (!(t->doc_w[i] > 0))
				continue;
			at = t->post_start[t->doc_term[i] + 1]++;
			t->post_doc[at] = (uint32_t)d;
			t->post_w[at] = t->doc_w[i];
		}
	free(df);
	t->acc = nd_xcalloc(n ? n : 1, sizeof(*t->acc));
	return t;
}

void nd_eval_tfidf_free(struct nd_eval_tfidf *t)
{
	if (!t)
		return;
	free(t->doc_start);
	free(t->doc_term);
	free(t->doc_w);
	free(t->post_start);
	free(t->post_doc);
	free(t->post_w);
	free(t->acc);
	free(t);
}

/* Whether document a ranks before document b: higher score, then lower
 * index. */
static bool before(const double *acc, uint32_t a, uint32_t b)
{
	double x = acc[a], y = acc[b];

	return x > y || (x == y && a < b);
}

/* Restores the heap (worst item at the root) below position i. */
static void sift_down(const double *acc, uint32_t *heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && before(acc, heap[w], heap[l]))
			w = l;
		if (r < n && before(acc, heap[w], heap[r]))
			w = r;
		if (w == i)
			return;
		uint32_t x = heap[i];
		heap[i] = heap[w];
		heap[w] = x;
		i = w;
	}
}

int nd_eval_tfidf_rank(void *tfidf, size_t query, size_t k, uint32_t *out, size_t *n_out)
{
	struct nd_eval_tfidf *t = tfidf;
	double *acc = t->acc;
	size_t n = 0;

	if (query >= t->count)
		return nd_error(ND_EINVAL, "no document %zu", query);
	/* Branch-free accumulation, then one scan of all the scores: cheaper
	 * than tracking the documents touched, which the frequent terms make
	 * nearly all of them anyway. */
	for (size_t i = t->doc_start[query]; i < t->doc_start[query + 1]; i++) {
		const uint32_t *doc = t->post_doc + t->post_start[t->doc_term[i]];
		const double *w = t->post_w + t->post_start[t->doc_term[i]];
		size_t len = t->post_start[t->doc_term[i] + 1] - t->post_start[t->doc_term[i]];
		double wq = t->doc_w[i];
		for (size_t p = 0; p < len; p++)
			acc[doc[p]] += wq * w[p];
	}
	acc[query] = 0;
	/* Top k by a heap whose root is the worst item kept. */
	for (uint32_t d = 0; d < t->count && k; d++) {
		if (!(acc[d] > 0))
			continue;
		if (n < k) {
			out[n++] = d;
			for (size_t j = n - 1; j > 0; j = (j - 1) / 2) {
				size_t parent = (j - 1) / 2;
				if (!before(acc, out[parent], out[j]))
					break;
				uint32_t x = out[j];
				out[j] = out[parent];
				out[parent] = x;
			}
		} else if (before(acc, d, out[0])) {
			out[0] = d;
			sift_down(acc, out, n, 0);
		}
	}
	/* Heap order to best first: move the worst to the end, repeatedly. */
	for (size_t m = n; m > 1; m--) {
		uint32_t x = out[0];
		out[0] = out[m - 1];
		out[m - 1] = x;
		sift_down(acc, out, m - 1, 0);
	}
	memset(acc, 0, t->count * sizeof(*acc));
	*n_out = n;
	return 0;
}

void nd_eval_print_header(FILE *f, size_t limit)
{
	char dup[32];

	snprintf(dup, sizeof(dup), "dup@%zu", limit);
	fprintf(f, "%-8s %6s %6s %8s %7s %7s\n", "model", "P@1", "P@5", "nDCG@10", "MRR@10", dup);
}

void nd_eval_print_row(FILE *f, const char *model, const struct nd_eval_scores *s)
{
	fprintf(f, "%-8s %6.3f %6.3f %8.3f %7.3f %7.3f\n", model, s->p1, s->p5, s->ndcg10, s->mrr10,
	        s->dup);
}
