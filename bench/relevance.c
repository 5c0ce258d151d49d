/*
 * Relevance speed: the engine's index build, Related and search next to
 * SQLite FTS5 doing the same work on the same articles in the same run
 * (bench/README.md, "bench/relevance"; issue 3, "Speed").
 *
 *	nd_bench_relevance [--reuters DIR] [--synthetic N] [--related N]
 *	                   [--queries N] [--seed S] [--budget SECONDS]
 *	                   [--aim-ms MS] [--fts5-order bm25|rank]   (--help)
 *
 * One corpus per run: Reuters-21578 as it is, or N synthetic articles
 * drawn from Reuters' words and body lengths. Prints one table, details,
 * a RESULT line for scripts and a SUMMARY line. Everything is single
 * threaded and deterministic for a given seed (except the timings).
 */
#include <ctype.h>
#include <glob.h>
#include <inttypes.h>
#include <jansson.h>
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "nd_bench_relevance"
#include "bench.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze.h"
#include "index/index.h"
#include "index/query.h"
#include "index/search.h"
#include "related/related.h"

#define K               10   /* results per Related list and per search page */
#define WARMUP          100  /* queries run untimed first, at most */
#define WARMUP_SHARE    0.05 /* of the time budget, at most */
#define TITLE_WORDS_MIN 5
#define TITLE_WORDS_MAX 12

struct options {
	const char *reuters;
	size_t synthetic; /* 0: Reuters itself */
	size_t related;
	size_t queries;
	uint64_t seed;
	double budget; /* seconds per latency measurement */
	double aim_ms; /* Related p99 aim, 0: none */
	bool order_by_rank;
	bool fts5; /* false: the engine alone, for profiling */
	struct nd_related_params params;
	bool params_set;
};

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Resident set size in bytes, after giving freed heap back to the system. */
static size_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f;

	malloc_trim(0);
	f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* The process's peak resident set size in bytes (VmHWM), 0 if unknown. */
static size_t peak_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* n with thousands separators, in one of eight rotating static buffers. */
static const char *commas(uint64_t n)
{
	static char slots[8][32];
	static unsigned next;
	char tmp[32], *out = slots[next++ % 8];
	int len = snprintf(tmp, sizeof(tmp), "%" PRIu64, n), o = 0;

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

/* ---- corpora ---------------------------------------------------------- */

struct span {
	size_t off, len;
};

/* Articles as title and body spans into one text buffer. */
struct corpus {
	char name[64];
	struct nd_buf text;
	struct span *title, *body;
	uint32_t *keys;
	size_t count, cap;
	size_t text_len; /* title + body bytes */
};

static void corpus_add(struct corpus *c, uint32_t key, const char *title, size_t title_len,
                       const char *body, size_t body_len)
{
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->title = nd_xrealloc(c->title, c->cap * sizeof(*c->title));
		c->body = nd_xrealloc(c->body, c->cap * sizeof(*c->body));
		c->keys = nd_xrealloc(c->keys, c->cap * sizeof(*c->keys));
	}
	c->keys[c->count] = key;
	c->title[c->count] = (struct span){c->text.len, title_len};
	nd_buf_add(&c->text, title, title_len);
	c->body[c->count] = (struct span){c->text.len, body_len};
	nd_buf_add(&c->text, body, body_len);
	c->text_len += title_len + body_len;
	c->count++;
}

static const char *title_of(const struct corpus *c, size_t i)
{
	return c->text.buf + c->title[i].off;
}

static const char *body_of(const struct corpus *c, size_t i)
{
	return c->text.buf + c->body[i].off;
}

static void corpus_release(struct corpus *c)
{
	nd_buf_release(&c->text);
	free(c->title);
	free(c->body);
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

static const char *json_str(json_t *o, const char *field, size_t *len)
{
	json_t *v = json_object_get(o, field);

	*len = json_is_string(v) ? json_string_length(v) : 0;
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Every record of the .jsonl files in dir (in name order): key newid, title, body. */
static void load_reuters(const char *dir, struct corpus *c)
{
	char pattern[4096];
	glob_t g;

	memset(c, 0, sizeof(*c));
	nd_buf_init(&c->text, 0);
	snprintf(c->name, sizeof(c->name), "reuters-21578");
	snprintf(pattern, sizeof(pattern), "%s/*.jsonl", dir);
	if (glob(pattern, 0, NULL, &g) || g.gl_pathc == 0)
		fail("no '*.jsonl' files in '%s'", dir);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		FILE *fp = fopen(g.gl_pathv[f], "r");
		char *line = NULL;
		size_t cap = 0;

		if (!fp)
			fail("cannot open '%s'", g.gl_pathv[f]);
		while (getline(&line, &cap, fp) > 0) {
			json_error_t err;
			json_t *o = json_loads(line, 0, &err);
			json_int_t id;
			const char *title, *body;
			size_t title_len, body_len;

			if (!o)
				fail("'%s': %s", g.gl_pathv[f], err.text);
			id = json_integer_value(json_object_get(o, "newid"));
			if (id <= 0 || id > UINT32_MAX)
				fail("'%s': record without a usable 'newid'", g.gl_pathv[f]);
			title = json_str(o, "title", &title_len);
			body = json_str(o, "body", &body_len);
			corpus_add(c, (uint32_t)id, title, title_len, body, body_len);
			json_decref(o);
		}
		free(line);
		fclose(fp);
	}
	globfree(&g);
}

/* Reuters' words: the vocabulary, every occurrence (to draw from the
 * unigram distribution in O(1)) and the body lengths in words. */
struct words {
	struct nd_arena *a;
	struct nd_map ids; /* word -> id + 1 */
	struct nd_str *vocab;
	size_t nvocab, vcap;
	uint32_t *occ;
	size_t nocc, ocap;
	const char *text; /* the text being analysed */
	size_t in_body;   /* words of the body being analysed */
};

static void on_word(void *ctx, const struct nd_term *t)
{
	struct words *w = ctx;
	char low[ND_TERM_MAX * 4 + 1];
	size_t len = t->end - t->start;
	uintptr_t id;

	if (len >= sizeof(low))
		return;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)w->text[t->start + i]);
	id = (uintptr_t)nd_map_get(&w->ids, low, len);
	if (!id) {
		if (w->nvocab == w->vcap) {
			w->vcap = w->vcap ? w->vcap * 2 : 4096;
			w->vocab = nd_xrealloc(w->vocab, w->vcap * sizeof(*w->vocab));
		}
		w->vocab[w->nvocab] = (struct nd_str){nd_arena_strndup(w->a, low, len), len};
		id = ++w->nvocab;
		nd_map_put(&w->ids, w->vocab[id - 1].p, len, (void *)id);
	}
	if (w->nocc == w->ocap) {
		w->ocap = w->ocap ? w->ocap * 2 : 65536;
		w->occ = nd_xrealloc(w->occ, w->ocap * sizeof(*w->occ));
	}
	w->occ[w->nocc++] = (uint32_t)(id - 1);
	w->in_body++;
}

/*
 * n synthetic articles: each body as long (in words) as a random Reuters
 * body, a title of 5-12 words, every word drawn from Reuters' word
 * frequencies (title and body words together, lowercased, stop words
 * included), separated by spaces. Words are what the analyser segments.
 */
static void make_synthetic(const struct corpus *r, size_t n, uint64_t seed, struct corpus *c)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct words w = {0};
	uint32_t *lens = nd_xmalloc((r->count + 1) * sizeof(*lens));
	uint64_t rng = seed ^ 0x5eed5eedull;

	w.a = nd_arena_new(256 * 1024);
	for (size_t i = 0; i < r->count; i++) {
		w.text = title_of(r, i);
		nd_analyze(an, w.text, r->title[i].len, ND_ANALYZE_KEEP_STOP, on_word, &w);
		w.text = body_of(r, i);
		w.in_body = 0;
		nd_analyze(an, w.text, r->body[i].len, ND_ANALYZE_KEEP_STOP, on_word, &w);
		lens[i] = (uint32_t)w.in_body;
	}
	memset(c, 0, sizeof(*c));
	nd_buf_init(&c->text, 0);
	snprintf(c->name, sizeof(c->name), "synthetic-%zu", n);
	{
		struct nd_buf title = ND_BUF_INIT, body = ND_BUF_INIT;

		for (size_t i = 0; i < n; i++) {
			size_t tw =
			    TITLE_WORDS_MIN + rnd(&rng) % (TITLE_WORDS_MAX - TITLE_WORDS_MIN + 1);
			size_t bw = lens[rnd(&rng) % r->count];

			nd_buf_reset(&title);
			nd_buf_reset(&body);
			for (size_t j = 0; j < tw + bw; j++) {
				const struct nd_str *word = &w.vocab[w.occ[rnd(&rng) % w.nocc]];
				struct nd_buf *b = j < tw ? &title : &body;

				if (b->len)
					nd_buf_addch(b, ' ');
				nd_buf_add(b, word->p, word->len);
			}
			corpus_add(c, (uint32_t)(i + 1), title.buf, title.len, body.buf, body.len);
		}
		nd_buf_release(&title);
		nd_buf_release(&body);
	}
	progress("synthetic: %s articles from %s Reuters words (%s distinct)", commas(n),
	         commas(w.nocc), commas(w.nvocab));
	free(lens);
	free(w.vocab);
	free(w.occ);
	nd_map_release(&w.ids);
	nd_arena_free(w.a);
	nd_analyzer_free(an);
}

/* ---- latency ---------------------------------------------------------- */

/* Runs query i, puts the time of its timed part in *secs and the rows it
 * returned in *rows; 0 or an error. */
typedef int (*query_fn)(void *ctx, size_t i, double *secs, size_t *rows);

struct latency {
	double p50, p99; /* seconds */
	size_t ran;      /* queries run */
	size_t done;     /* of which timed (the others failed) */
	size_t errors;
	double rows;  /* mean rows per query */
	bool cut;     /* stopped by the time budget */
	double *secs; /* [ran]: each query's time, NAN when it failed; caller frees */
};

static int by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The nearest-rank percentile of sorted v[0..n). */
static double percentile(const double *v, size_t n, double p)
{
	size_t r = (size_t)ceil(p * (double)n);

	return n ? v[r ? r - 1 : 0] : NAN;
}

/* The p50 and p99 of l's first n queries (those it timed). */
static void first_percentiles(const struct latency *l, size_t n, double *p50, double *p99)
{
	double *v = nd_xcalloc(n + 1, sizeof(*v));
	size_t m = 0;

	for (size_t i = 0; i < n && i < l->ran; i++)
		if (!isnan(l->secs[i]))
			v[m++] = l->secs[i];
	qsort(v, m, sizeof(*v), by_double);
	*p50 = percentile(v, m, 0.50);
	*p99 = percentile(v, m, 0.99);
	free(v);
}

/* Times fn on queries 0..count-1, stopping once budget seconds have
 * passed; first runs the first WARMUP of them untimed (for at most
 * WARMUP_SHARE of the budget). */
static void measure(query_fn fn, void *ctx, size_t count, double budget, struct latency *out)
{
	double start, secs;
	size_t rows, rows_sum = 0;

	memset(out, 0, sizeof(*out));
	out->secs = nd_xcalloc(count + 1, sizeof(*out->secs));
	start = now_s();
	for (size_t i = 0; i < count && i < WARMUP && now_s() - start < WARMUP_SHARE * budget; i++)
		fn(ctx, i, &secs, &rows);
	start = now_s();
	for (size_t i = 0; i < count; i++) {
		out->ran++;
		if (fn(ctx, i, &secs, &rows)) {
			out->errors++;
			out->secs[i] = NAN;
		} else {
			out->secs[i] = secs;
			out->done++;
			rows_sum += rows;
		}
		if (now_s() - start > budget) {
			out->cut = i + 1 < count;
			break;
		}
	}
	first_percentiles(out, out->ran, &out->p50, &out->p99);
	out->rows = out->done ? (double)rows_sum / (double)out->done : 0;
}

/* ---- the engine ------------------------------------------------------- */

struct engine {
	struct nd_index *idx;
	struct nd_analyzer *an;
	struct nd_related_params params;
	double build_secs;
	size_t memory_bytes, rss_delta, segments;
	/* the work */
	const uint32_t *related_keys;
	const struct nd_query *mlt; /* their More-Like-This queries */
	char **queries;
};

static void engine_build(const struct corpus *c, struct engine *e)
{
	struct nd_index *empty = nd_index_new_empty(NULL);
	struct nd_index_writer *w;
	struct nd_index_stats st;
	size_t rss0 = rss_bytes(), rss1;
	double t0 = now_s();
	int rc;

	w = nd_index_writer_new(empty);
	for (size_t i = 0; i < c->count; i++) {
		struct nd_arena *tmp = nd_arena_new(64 * 1024);
		struct nd_index_doc doc;

		nd_related_doc(e->an, title_of(c, i), c->title[i].len, body_of(c, i),
		               c->body[i].len, tmp, &doc);
		rc = nd_index_writer_add(w, c->keys[i], &doc);
		nd_arena_free(tmp);
		if (rc)
			fail("cannot index article %" PRIu32 ": %s", c->keys[i], nd_strerror(rc));
	}
	if ((rc = nd_index_writer_commit(w, &e->idx)))
		fail("cannot commit the index: %s", nd_strerror(rc));
	e->build_secs = now_s() - t0;
	nd_index_free(empty);
	nd_index_get_stats(e->idx, &st);
	e->memory_bytes = st.memory_bytes;
	e->segments = st.segment_count;
	rss1 = rss_bytes();
	e->rss_delta = rss1 > rss0 ? rss1 - rss0 : 0;
}

static int engine_related(void *ctx, size_t i, double *secs, size_t *rows)
{
	struct engine *e = ctx;
	struct nd_hits hits;
	double t0 = now_s();
	int rc = nd_related_find(e->idx, e->related_keys[i], &e->params, NULL, K, NULL, &hits);

	*secs = now_s() - t0;
	if (rc)
		return rc;
	*rows = hits.count;
	free(hits.items);
	return 0;
}

/* The More-Like-This query of nd_related_find alone (its candidates). */
static int engine_mlt(void *ctx, size_t i, double *secs, size_t *rows)
{
	struct engine *e = ctx;
	struct nd_hits hits;
	double t0 = now_s();
	int rc = nd_index_search(e->idx, &e->mlt[i], e->params.candidates + 1, NULL, &hits);

	*secs = now_s() - t0;
	if (rc)
		return rc;
	*rows = hits.count;
	free(hits.items);
	return 0;
}

static int engine_search(void *ctx, size_t i, double *secs, size_t *rows)
{
	struct engine *e = ctx;
	struct nd_arena *a = nd_arena_new(16 * 1024);
	struct nd_buf why = ND_BUF_INIT;
	struct nd_parsed_query pq;
	struct nd_hits hits = {0};
	const char *q = e->queries[i];
	double t0 = now_s();
	int rc = nd_query_parse(e->an, q, strlen(q), a, &pq, &why);

	if (!rc)
		rc = nd_index_search(e->idx, &pq.query, K, a, &hits);
	*secs = now_s() - t0;
	*rows = hits.count;
	nd_arena_free(a);
	nd_buf_release(&why);
	return rc;
}

/* ---- the work: sample articles and queries ---------------------------- */

/* count distinct articles (indexes into c) with at least one indexed term. */
static size_t *pick_articles(const struct corpus *c, const struct nd_index *idx, size_t count,
                             uint64_t *rng)
{
	size_t *pick = nd_xmalloc((count + 1) * sizeof(*pick)), n = 0, tries = 0;
	unsigned char *used = nd_xcalloc(c->count + 1, 1);

	while (n < count && tries++ < 100 * count + c->count) {
		size_t i = rnd(rng) % c->count;
		struct nd_index_doc_info info;

		if (used[i])
			continue;
		used[i] = 1;
		if (nd_index_doc_info(idx, c->keys[i], NULL, &info))
			continue;
		free(info.terms);
		if (info.term_count)
			pick[n++] = i;
	}
	free(used);
	if (n < count)
		fail("only %zu of %zu sample articles found", n, count);
	return pick;
}

/* The first surface form of each term of one article: term -> struct nd_str. */
struct surfaces {
	struct nd_arena *a;
	struct nd_map map;
	const char *text;
};

static void on_surface(void *ctx, const struct nd_term *t)
{
	struct surfaces *s = ctx;
	struct nd_str *w;

	if (nd_map_get(&s->map, t->p, t->len))
		return;
	w = nd_arena_alloc(s->a, sizeof(*w));
	*w = (struct nd_str){s->text + t->start, t->end - t->start};
	nd_map_put(&s->map, nd_arena_strndup(s->a, t->p, t->len), t->len, w);
}

/* s as an FTS5 string: in double quotes, inner quotes doubled. */
static void add_fts5_string(struct nd_buf *b, const char *s, size_t len)
{
	nd_buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			nd_buf_addch(b, '"');
		nd_buf_addch(b, s[i]);
	}
	nd_buf_addch(b, '"');
}

/* nd_related_find's first step on its own: article i's More-Like-This
 * query (from arena a), by nd_related_query. */
static void mlt_query(const struct engine *e, const struct corpus *c, size_t i, struct nd_arena *a,
                      struct nd_query *q)
{
	struct nd_query_term *t;
	size_t n;
	int rc;

	if ((rc = nd_related_query(e->idx, c->keys[i], &e->params, a, &t, &n)))
		fail("article %" PRIu32 ": %s", c->keys[i], nd_strerror(rc));
	*q = (struct nd_query){t, n, NULL, 0, false};
}

/*
 * The FTS5 form of article i's More-Like-This query: the same terms, each
 * written as the first word of the article that the engine's analyser
 * turned into it, so that FTS5's own tokenizer makes its term from the
 * same word; quoted, joined by OR.
 */
static char *fts5_related_query(const struct engine *e, const struct corpus *c, size_t i)
{
	struct surfaces s = {nd_arena_new(64 * 1024), ND_MAP_INIT, NULL};
	struct nd_buf q = ND_BUF_INIT;
	struct nd_query mlt;

	mlt_query(e, c, i, s.a, &mlt);
	s.text = title_of(c, i);
	nd_analyze(e->an, s.text, c->title[i].len, 0, on_surface, &s);
	s.text = body_of(c, i);
	nd_analyze(e->an, s.text, c->body[i].len, 0, on_surface, &s);
	for (size_t j = 0; j < mlt.term_count; j++) {
		const struct nd_str *t = &mlt.terms[j].term;
		const struct nd_str *w = nd_map_get(&s.map, t->p, t->len);

		if (!w)
			w = t; /* not reached: every term comes from a word */
		if (j)
			nd_buf_adds(&q, " OR ");
		add_fts5_string(&q, w->p, w->len);
	}
	nd_map_release(&s.map);
	nd_arena_free(s.a);
	return nd_buf_detach(&q, NULL);
}

struct title_words {
	struct nd_str w[64];
	size_t n;
	const char *text;
};

/* Words of a title that give an indexed term and are plain ASCII letters
 * and digits (so FTS5 splits them the same way). */
static void on_title_word(void *ctx, const struct nd_term *t)
{
	struct title_words *tw = ctx;
	const char *p = tw->text + t->start;
	size_t len = t->end - t->start;

	if (tw->n == ND_COUNT(tw->w))
		return;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)p[i]))
			return;
	tw->w[tw->n++] = (struct nd_str){p, len};
}

/*
 * count search queries as a reader might type them: 2 or 3 consecutive
 * words (lowercased, stop words skipped) of the title of a random article.
 * Each matches at least that article.
 */
static char **make_queries(const struct engine *e, const struct corpus *c, size_t count,
                           uint64_t *rng)
{
	char **q = nd_xcalloc(count + 1, sizeof(*q));
	size_t n = 0, tries = 0;

	while (n < count && tries++ < 1000 * count) {
		size_t i = rnd(rng) % c->count, want = 2 + rnd(rng) % 2, start;
		struct title_words tw = {.text = title_of(c, i)};
		struct nd_buf b = ND_BUF_INIT;

		nd_analyze(e->an, tw.text, c->title[i].len, 0, on_title_word, &tw);
		if (tw.n < 2)
			continue;
		if (want > tw.n)
			want = tw.n;
		start = rnd(rng) % (tw.n - want + 1);
		for (size_t j = start; j < start + want; j++) {
			if (j > start)
				nd_buf_addch(&b, ' ');
			for (size_t k = 0; k < tw.w[j].len; k++)
				nd_buf_addch(&b, (char)tolower((unsigned char)tw.w[j].p[k]));
		}
		q[n++] = nd_buf_detach(&b, NULL);
	}
	if (n < count)
		fail("only %zu of %zu search queries could be made", n, count);
	return q;
}

/* A search query for FTS5: each word quoted, space-separated (AND). */
static char *fts5_search_query(const char *q)
{
	struct nd_buf b = ND_BUF_INIT;

	while (*q) {
		size_t len = strcspn(q, " ");

		if (b.len)
			nd_buf_addch(&b, ' ');
		add_fts5_string(&b, q, len);
		q += len;
		q += strspn(q, " ");
	}
	return nd_buf_detach(&b, NULL);
}

/* ---- FTS5 ------------------------------------------------------------- */

struct fts5 {
	sqlite3 *db;
	sqlite3_stmt *st;
	bool order_by_rank;
	double build_secs, optimize_secs;
	int64_t pages, page_size;
	int64_t heap_bytes; /* sqlite3_memory_used() */
	char **queries;     /* the current set */
};

static void exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail("sqlite: '%s': %s", sql, err ? err : sqlite3_errmsg(db));
}

static int64_t pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail("sqlite: '%s': %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * An in-memory database with a contentless FTS5 table of the articles
 * (contentless: like the engine's index it keeps no copy of the text, only
 * the index with positions), bm25 with the engine's field weights (title
 * 2, body 1). The build is the insert in one transaction; 'optimize'
 * (merging its b-trees into one, for the fastest queries) is timed apart.
 */
static void fts5_build(const struct corpus *c, struct fts5 *f)
{
	sqlite3_stmt *ins;
	sqlite3_int64 heap0 = sqlite3_memory_used();
	double t0;

	if (sqlite3_open(":memory:", &f->db) != SQLITE_OK)
		fail("sqlite: cannot open an in-memory database");
	exec_sql(f->db, "CREATE VIRTUAL TABLE t USING fts5(title, body, content='', "
	                "tokenize='porter unicode61')");
	exec_sql(f->db, "INSERT INTO t(t, rank) VALUES('rank', 'bm25(2.0, 1.0)')");
	t0 = now_s();
	exec_sql(f->db, "BEGIN");
	if (sqlite3_prepare_v2(f->db, "INSERT INTO t(rowid, title, body) VALUES(?, ?, ?)", -1, &ins,
	                       NULL) != SQLITE_OK)
		fail("sqlite: %s", sqlite3_errmsg(f->db));
	for (size_t i = 0; i < c->count; i++) {
		sqlite3_bind_int64(ins, 1, c->keys[i]);
		sqlite3_bind_text(ins, 2, title_of(c, i), (int)c->title[i].len, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, body_of(c, i), (int)c->body[i].len, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			fail("sqlite: inserting article %" PRIu32 ": %s", c->keys[i],
			     sqlite3_errmsg(f->db));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec_sql(f->db, "COMMIT");
	f->build_secs = now_s() - t0;
	t0 = now_s();
	exec_sql(f->db, "INSERT INTO t(t) VALUES('optimize')");
	f->optimize_secs = now_s() - t0;
	f->pages = pragma_int(f->db, "PRAGMA page_count");
	f->page_size = pragma_int(f->db, "PRAGMA page_size");
	f->heap_bytes = sqlite3_memory_used() - heap0;
	if (sqlite3_prepare_v2(f->db,
	                       f->order_by_rank
	                           ? "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10"
	                           : "SELECT rowid FROM t WHERE t MATCH ? "
	                             "ORDER BY bm25(t, 2.0, 1.0) LIMIT 10",
	                       -1, &f->st, NULL) != SQLITE_OK)
		fail("sqlite: %s", sqlite3_errmsg(f->db));
}

static int fts5_query(void *ctx, size_t i, double *secs, size_t *rows)
{
	struct fts5 *f = ctx;
	const char *q = f->queries[i];
	double t0 = now_s();
	int rc;

	*rows = 0;
	sqlite3_bind_text(f->st, 1, q, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(f->st)) == SQLITE_ROW)
		(*rows)++;
	sqlite3_reset(f->st);
	*secs = now_s() - t0;
	return rc == SQLITE_DONE ? 0 : ND_ESTORE;
}

static void fts5_close(struct fts5 *f)
{
	sqlite3_finalize(f->st);
	sqlite3_close(f->db);
}

/* ---- report ----------------------------------------------------------- */

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const char *cut_note(const struct latency *l, size_t of)
{
	static char note[4][96];
	static unsigned next;
	char *s = note[next++ % 4];

	if (l->cut)
		snprintf(s, sizeof(note[0]), " (time budget: the first %s of %s)", commas(l->ran),
		         commas(of));
	else
		s[0] = '\0';
	return s;
}

_Noreturn static void usage(int status)
{
	fputs("usage: nd_bench_relevance [options]\n"
	      "  --reuters DIR         Reuters-21578 *.jsonl folder "
	      "(/work/shared/data/reuters21578)\n"
	      "  --synthetic N         N synthetic articles from Reuters' words and lengths "
	      "(0: Reuters itself)\n"
	      "  --related N           sample articles for Related (2000)\n"
	      "  --queries N           search queries (1000)\n"
	      "  --seed S              the seed of every random choice (1)\n"
	      "  --budget SECONDS      most seconds per latency measurement (120)\n"
	      "  --aim-ms MS           Related p99 aim for the SUMMARY line (none)\n"
	      "  --fts5-order bm25|rank  FTS5's ORDER BY: bm25(t, 2.0, 1.0), or rank set to it "
	      "(bm25)\n"
	      "  --fts5 on|off         off: the engine alone, no comparison (for profiling)\n"
	      "  --param NAME=VALUE    a Related parameter other than its default "
	      "(related/related.h; repeatable)\n",
	      status ? stderr : stdout);
	exit(status);
}

static size_t arg_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end || end == s)
		usage(2);
	return (size_t)v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){"/work/shared/data/reuters21578", 0, 2000, 1000, 1, 120.0, 0, false, true,
	                      ND_RELATED_PARAMS_DEFAULT, false};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			usage(0);
		if (!v)
			usage(2);
		i++;
		if (!strcmp(a, "--reuters"))
			o->reuters = v;
		else if (!strcmp(a, "--synthetic"))
			o->synthetic = arg_size(v);
		else if (!strcmp(a, "--related"))
			o->related = arg_size(v);
		else if (!strcmp(a, "--queries"))
			o->queries = arg_size(v);
		else if (!strcmp(a, "--seed"))
			o->seed = arg_size(v);
		else if (!strcmp(a, "--budget"))
			o->budget = atof(v);
		else if (!strcmp(a, "--aim-ms"))
			o->aim_ms = atof(v);
		else if (!strcmp(a, "--fts5-order") && (!strcmp(v, "rank") || !strcmp(v, "bm25")))
			o->order_by_rank = !strcmp(v, "rank");
		else if (!strcmp(a, "--param")) {
			if (nd_related_param_set(&o->params, v))
				exit(2);
			o->params_set = true;
		} else if (!strcmp(a, "--fts5") && (!strcmp(v, "on") || !strcmp(v, "off")))
			o->fts5 = !strcmp(v, "on");
		else
			usage(2);
	}
	if (!o->related || !o->queries || o->budget <= 0)
		usage(2);
}

int main(int argc, char **argv)
{
	struct options o;
	struct corpus c;
	struct engine e = {0};
	struct fts5 f = {0};
	struct latency er, em, es, fr, fs;
	struct nd_arena *mlt_arena = nd_arena_new(256 * 1024);
	struct nd_query *mlt;
	size_t *pick;
	uint32_t *keys;
	char **fts_related, **fts_search;
	uint64_t rng;
	double t0, mb, n;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now_s();
	load_reuters(o.reuters, &c);
	if (o.synthetic) {
		struct corpus r = c;

		make_synthetic(&r, o.synthetic, o.seed, &c);
		corpus_release(&r);
	}
	progress("%s: %s articles, %.1f MB of title+body text, made in %.1f s", c.name,
	         commas(c.count), (double)c.text_len / 1e6, now_s() - t0);
	if (c.count < 2)
		fail("too few articles");
	n = (double)c.count;
	mb = (double)c.text_len / 1e6;

	/* The engine: build, then the work, timed. */
	e.an = nd_analyzer_new("en");
	e.params = o.params;
	engine_build(&c, &e);
	progress("engine built in %.2f s", e.build_secs);
	rng = o.seed;
	if (o.related > c.count)
		o.related = c.count;
	pick = pick_articles(&c, e.idx, o.related, &rng);
	keys = nd_xmalloc(o.related * sizeof(*keys));
	for (size_t i = 0; i < o.related; i++)
		keys[i] = c.keys[pick[i]];
	e.related_keys = keys;
	mlt = nd_arena_alloc(mlt_arena, (o.related + 1) * sizeof(*mlt));
	for (size_t i = 0; i < o.related; i++)
		mlt_query(&e, &c, pick[i], mlt_arena, &mlt[i]);
	e.mlt = mlt;
	e.queries = make_queries(&e, &c, o.queries, &rng);
	measure(engine_related, &e, o.related, o.budget, &er);
	measure(engine_mlt, &e, o.related, o.budget, &em);
	measure(engine_search, &e, o.queries, o.budget, &es);
	progress("engine measured");
	if (!o.fts5) {
		printf("\n== %s: %s articles, engine alone ==\n", c.name, commas(c.count));
		printf("build %.1f MB/s; Related p50 %.3f ms, p99 %.3f ms (MLT query alone p50 "
		       "%.3f ms, p99 %.3f ms); search p50 %.3f ms, p99 %.3f ms; %.0f B/article\n",
		       mb / e.build_secs, er.p50 * 1e3, er.p99 * 1e3, em.p50 * 1e3, em.p99 * 1e3,
		       es.p50 * 1e3, es.p99 * 1e3, (double)e.memory_bytes / n);
		goto out;
	}

	/* FTS5: the same articles, the same terms, the same queries. */
	fts_related = nd_xcalloc(o.related + 1, sizeof(*fts_related));
	for (size_t i = 0; i < o.related; i++)
		fts_related[i] = fts5_related_query(&e, &c, pick[i]);
	fts_search = nd_xcalloc(o.queries + 1, sizeof(*fts_search));
	for (size_t i = 0; i < o.queries; i++)
		fts_search[i] = fts5_search_query(e.queries[i]);
	f.order_by_rank = o.order_by_rank;
	fts5_build(&c, &f);
	progress("fts5 built in %.2f s (+ %.2f s optimize)", f.build_secs, f.optimize_secs);
	f.queries = fts_related;
	measure(fts5_query, &f, o.related, o.budget, &fr);
	f.queries = fts_search;
	measure(fts5_query, &f, o.queries, o.budget, &fs);
	progress("fts5 measured");

	printf("\n== %s: %s articles, %.1f MB of title+body text ==\n", c.name, commas(c.count),
	       mb);
	printf("%-12s %8s %9s %9s %9s %9s %9s\n", "", "build", "Related", "Related", "search",
	       "search", "bytes/");
	printf("%-12s %8s %9s %9s %9s %9s %9s\n", "", "MB/s", "p50 ms", "p99 ms", "p50 ms",
	       "p99 ms", "article");
	printf("%-12s %8.1f %9.3f %9.3f %9.3f %9.3f %9.0f\n", "engine", mb / e.build_secs,
	       er.p50 * 1e3, er.p99 * 1e3, es.p50 * 1e3, es.p99 * 1e3, (double)e.memory_bytes / n);
	printf("%-12s %8.1f %9.3f %9.3f %9.3f %9.3f %9.0f\n", "fts5", mb / f.build_secs,
	       fr.p50 * 1e3, fr.p99 * 1e3, fs.p50 * 1e3, fs.p99 * 1e3,
	       (double)(f.pages * f.page_size) / n);
	printf("%-12s %8s %8.1fx %8.1fx %8.1fx %8.1fx %9s\n", "fts5/engine", "", fr.p50 / er.p50,
	       fr.p99 / er.p99, fs.p50 / es.p50, fs.p99 / es.p99, "");
	printf("\n  engine: analyse + index %.2f s (%s segment%s); index %.1f MB (memory_bytes), "
	       "RSS +%.1f MB (%.0f B/article)\n",
	       e.build_secs, commas(e.segments), e.segments == 1 ? "" : "s",
	       (double)e.memory_bytes / 1e6, (double)e.rss_delta / 1e6, (double)e.rss_delta / n);
	printf(
	    "          Related: nd_related_find k=%d, %s (MLT of the top "
	    "%zu terms, %zu candidates rescored), no folding hooks; %s articles%s, %.2f hits/call, "
	    "%s errors\n",
	    K, o.params_set ? "parameters set by --param" : "ND_RELATED_PARAMS_DEFAULT",
	    e.params.query_terms, e.params.candidates, commas(er.done), cut_note(&er, o.related),
	    er.rows, commas(er.errors));
	printf(
	    "          of which its MLT query alone (nd_index_search, %zu weighted SHOULD terms, "
	    "k=%zu): p50 %.3f ms, p99 %.3f ms%s\n",
	    e.params.query_terms, e.params.candidates + 1, em.p50 * 1e3, em.p99 * 1e3,
	    cut_note(&em, o.related));
	printf("          search: nd_query_parse + nd_index_search k=%d, %s queries (2-3 title "
	       "words, AND)%s, %.2f hits/query, %s errors\n",
	       K, commas(es.done), cut_note(&es, o.queries), es.rows, commas(es.errors));
	printf(
	    "  fts5:   SQLite %s, in-memory, contentless fts5(title, body), tokenize 'porter "
	    "unicode61'; insert in one transaction %.2f s, then 'optimize' %.2f s (not in MB/s)\n",
	    sqlite3_libversion(), f.build_secs, f.optimize_secs);
	printf("          %s pages x %s B = %.1f MB; SQLite heap %.1f MB (%.0f B/article)\n",
	       commas((uint64_t)f.pages), commas((uint64_t)f.page_size),
	       (double)(f.pages * f.page_size) / 1e6, (double)f.heap_bytes / 1e6,
	       (double)f.heap_bytes / n);
	printf("          Related: the same articles' %zu MLT terms (as the article's words), "
	       "quoted, OR; ORDER BY %s LIMIT %d; %s articles%s, %.2f rows/query, %s errors\n",
	       e.params.query_terms,
	       f.order_by_rank ? "rank (= bm25(t, 2.0, 1.0))" : "bm25(t, 2.0, 1.0)", K,
	       commas(fr.done), cut_note(&fr, o.related), fr.rows, commas(fr.errors));
	if (fr.cut) {
		double p50, p99;

		first_percentiles(&er, fr.ran, &p50, &p99);
		printf("          the engine's Related on the same first %s articles: p50 %.3f ms, "
		       "p99 %.3f ms (fts5/engine %.1fx, %.1fx)\n",
		       commas(fr.ran), p50 * 1e3, p99 * 1e3, fr.p50 / p50, fr.p99 / p99);
	}
	printf("          search: the same queries, words quoted (AND); %s queries%s, %.2f "
	       "rows/query, %s errors\n",
	       commas(fs.done), cut_note(&fs, o.queries), fs.rows, commas(fs.errors));
	printf("  process: peak RSS (VmHWM) %.0f MB, with the text of the articles and both "
	       "indexes\n",
	       (double)peak_rss_bytes() / 1e6);
	printf("\nRESULT corpus=%s articles=%zu text_mb=%.1f engine_build_mbs=%.1f "
	       "engine_related_p50_ms=%.3f engine_related_p99_ms=%.3f engine_search_p50_ms=%.3f "
	       "engine_search_p99_ms=%.3f engine_bytes_per_article=%.0f fts5_build_mbs=%.1f "
	       "fts5_related_p50_ms=%.3f fts5_related_p99_ms=%.3f fts5_search_p50_ms=%.3f "
	       "fts5_search_p99_ms=%.3f fts5_bytes_per_article=%.0f\n",
	       c.name, c.count, mb, mb / e.build_secs, er.p50 * 1e3, er.p99 * 1e3, es.p50 * 1e3,
	       es.p99 * 1e3, (double)e.memory_bytes / n, mb / f.build_secs, fr.p50 * 1e3,
	       fr.p99 * 1e3, fs.p50 * 1e3, fs.p99 * 1e3, (double)(f.pages * f.page_size) / n);
	{
		char aim[64] = "";
		double lo = fmin(fr.p50 / er.p50, fr.p99 / er.p99);

		if (o.aim_ms > 0)
			snprintf(aim, sizeof(aim), " (aim < %g ms: %s)", o.aim_ms,
			         er.p99 * 1e3 < o.aim_ms ? "met" : "NOT met");
		printf("SUMMARY %s (%s articles): Related p99 %.3f ms%s; FTS5/engine Related %.1fx "
		       "at p50, %.1fx at p99 (aim >= 10x: %s)\n",
		       c.name, commas(c.count), er.p99 * 1e3, aim, fr.p50 / er.p50, fr.p99 / er.p99,
		       lo >= 10 ? "met" : "NOT met");
	}

	free(fr.secs);
	free(fs.secs);
	fts5_close(&f);
	free_strings(fts_related, o.related);
	free_strings(fts_search, o.queries);
out:
	free(er.secs);
	free(em.secs);
	free(es.secs);
	free_strings(e.queries, o.queries);
	free(keys);
	free(pick);
	nd_arena_free(mlt_arena);
	nd_index_free(e.idx);
	nd_analyzer_free(e.an);
	corpus_release(&c);
	return 0;
}
