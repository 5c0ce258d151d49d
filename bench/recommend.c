/*
 * Recommendation speed (issue 5, "Speed"): the latency of one
 * Recommendation list, as the server makes it (nd__recommend in
 * handler/recommend.c), for a visitor with 200 history items on a site of
 * 100,000 articles with 1,000,000 visitors' histories, and the memory the
 * histories and the model take (bench/README.md, "bench/recommend").
 *
 *	nd_bench_recommend [--articles N] [--visitors N] [--measured N]
 *	                   [--requests N] [--seed S] [--threads 1|2]
 *	                   [--dir DIR | --keep]
 *
 * 1. N synthetic articles (topics, sections, a Zipf vocabulary) as JSON
 *    Lines, imported into a fresh SQLite store in a temp dir; then the
 *    snapshot (site + text index) and the app (nd_app_init), as serve does.
 * 2. Reading sessions of the visitors in time order over 30 days, each view
 *    counted as a counted page view is (nd_counter_view + nd_reading_view,
 *    handler/engage.c); the counter's flusher feeds the Ranking and the
 *    popularity and writes the histories to the store, as in the server.
 * 3. nd__recommend per request for the measured visitors (200 items each):
 *    the first request of each (cold: Related lists not cached yet), then
 *    a warm-up pass, then timed article-page and home-page requests.
 * 4. RSS and the histories' and model's own byte counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "nd_bench_recommend"
#include "bench.h"
#include "config/config.h"
#include "core/arena.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/mem.h"
#include "counter/counter.h"
#include "counter/visitor.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/reading.h"
#include "http/http.h"
#include "ingest/jsonl.h"
#include "ingest/rfc3339.h"
#include "recommend/history.h"
#include "recommend/model.h"
#include "site/site.h"
#include "site/snapshot.h"
#include "store/store.h"

#define DAY          86400
#define SPAN         (30 * DAY) /* articles and reads spread over the last 30 days */
#define VOCAB        30000      /* distinct words */
#define TOPIC_WORDS  200        /* words of one topic */
#define TOPICS       400
#define SECTIONS     20
#define MEAN_HISTORY 15.0 /* geometric, 1 .. ND_HISTORY_MAX */
#define MEAN_SESSION 3.0  /* reads per session, geometric */
#define LIMIT        8    /* the Recommendation list's length (recommend_count) */

struct options {
	size_t articles, visitors, measured, requests;
	uint64_t seed;
	int threads;
	bool keep;
	bool store_history; /* false: the store ignores history rows (a trigger) */
	const char *dir; /* the store's folder, the caller's; NULL: a temp dir made and removed */
};

static uint64_t rnd(uint64_t *s)
{
	return nd_splitmix64(s);
}

/* Uniform in [0, 1). */
static double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * 0x1.0p-53;
}

/* A rank in [0, n) with P(r) about 1 / (r + 1) (Zipf, s = 1). */
static size_t zipf(uint64_t *s, size_t n)
{
	size_t r = (size_t)pow((double)n + 1, unif(s)) - 1;

	return r < n ? r : n - 1;
}

/* Geometric on 1, 2, ... with mean m, at most cap. */
static size_t geometric(uint64_t *s, double m, size_t cap)
{
	size_t k = 1 + (size_t)floor(log(1 - unif(s)) / log(1 - 1 / m));

	return k < cap ? k : cap;
}

/* VmRSS in bytes, after giving freed heap back. */
static size_t rss_bytes(void)
{
	FILE *f;
	char line[256];
	size_t kb = 0;

	malloc_trim(0);
	if (!(f = fopen("/proc/self/status", "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static double mb(size_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

/* ---- articles ----------------------------------------------------------- */

static const char *const syllables[] = {
    "ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "du", "fa", "fe", "fi", "fo", "fu",
    "ga", "ge", "gi", "go", "gu", "ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lo", "lu",
    "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "pa", "pe", "pi", "po", "pu",
    "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu"};
#define NSYL (sizeof(syllables) / sizeof(syllables[0]))

/* Word w: 2 to 4 syllables and a consonant, made from w alone. */
static void add_word(struct nd_buf *b, uint32_t w)
{
	uint64_t h = (uint64_t)w * 0x9e3779b97f4a7c15ull + 12345;
	size_t n = 2 + nd_splitmix64(&h) % 3;

	for (size_t i = 0; i < n; i++)
		nd_buf_adds(b, syllables[nd_splitmix64(&h) % NSYL]);
	nd_buf_addch(b, "nrstlk"[w % 6]);
}

/* Word j of topic t: rarer words (ranks above 1,000) of the vocabulary. */
static uint32_t topic_word(uint32_t t, size_t j)
{
	uint64_t h = ((uint64_t)t << 32) ^ j ^ 0x70b1cull;

	return 1000 + (uint32_t)(nd_splitmix64(&h) % (VOCAB - 1000));
}

static void add_text(struct nd_buf *b, uint64_t *rng, uint32_t topic, size_t words, double share,
                     bool paragraphs)
{
	for (size_t i = 0; i < words; i++) {
		uint32_t w = unif(rng) < share ? topic_word(topic, zipf(rng, TOPIC_WORDS))
		                               : (uint32_t)zipf(rng, VOCAB);

		if (i)
			nd_buf_adds(b, paragraphs && i % 60 == 0 ? "\\n\\n" : " ");
		add_word(b, w);
	}
}

/* Writes n articles as JSON Lines to f; article i is published at
 * t0 + (i + 1) * SPAN / n and is of topic topic[i]. */
static void write_articles(FILE *f, size_t n, int64_t t0, const uint16_t *topic, uint64_t seed)
{
	struct nd_buf b = ND_BUF_INIT;
	uint64_t rng = seed ^ 0xa271c1e5ull;
	char date[40];

	for (size_t i = 0; i < n; i++) {
		nd_buf_reset(&b);
		nd_rfc3339_format(t0 + (int64_t)((double)(i + 1) * SPAN / (double)n), date);
		nd_buf_addf(
		    &b,
		    "{\"id\":\"b%zu\",\"section\":\"Section %u/Topic %u\",\"tags\":[\"t%u\"],"
		    "\"published_at\":\"%s\",\"title\":\"",
		    i, topic[i] % SECTIONS + 1, topic[i], topic[i], date);
		add_text(&b, &rng, topic[i], 6 + rnd(&rng) % 5, 0.6, false);
		nd_buf_adds(&b, "\",\"body\":\"");
		add_text(&b, &rng, topic[i], 80 + rnd(&rng) % 170, 0.3, true);
		nd_buf_adds(&b, "\"}\n");
		if (fwrite(b.buf, 1, b.len, f) != b.len)
			fail("cannot write the articles: %s", strerror(errno));
	}
	nd_buf_release(&b);
}

/* ---- reading sessions --------------------------------------------------- */

struct world {
	size_t n; /* articles */
	int64_t t0;
	uint16_t *topic;
	uint32_t *by_topic; /* article indexes grouped by topic, ascending */
	uint32_t topic_start[TOPICS + 1];
	uint32_t *key; /* article index -> site key */
};

/* How many articles are out at t0 + t. */
static size_t out_at(const struct world *w, uint32_t t)
{
	size_t k = (size_t)floor((double)t * (double)w->n / SPAN);

	return k > w->n ? w->n : k;
}

/* An article to read at t0 + t: of topic (or any, topic < 0), popular
 * among the recent ones (Zipf over age); -1 when none is out yet. */
static int64_t pick_article(const struct world *w, uint64_t *rng, uint32_t t, int topic)
{
	size_t out = out_at(w, t);

	if (topic >= 0) {
		const uint32_t *a = w->by_topic + w->topic_start[topic];
		size_t lo = 0, hi = w->topic_start[topic + 1] - w->topic_start[topic];

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (a[mid] < out)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo)
			return a[lo - 1 - zipf(rng, lo)];
	}
	return out ? (int64_t)(out - 1 - zipf(rng, out)) : -1;
}

struct event {
	uint32_t at; /* seconds after t0 */
	uint32_t visitor;
	uint32_t article; /* index */
};

struct events {
	struct event *e;
	size_t n, cap;
};

static void event_add(struct events *ev, uint32_t at, uint32_t visitor, uint32_t article)
{
	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 1 << 20;
		ev->e = nd_xrealloc(ev->e, ev->cap * sizeof(*ev->e));
	}
	ev->e[ev->n++] = (struct event){at, visitor, article};
}

/*
 * The reads of visitor v: sessions of a few reads (a minute to ten apart)
 * at random times, each on one of the visitor's two topics half the time,
 * else the site's popular articles. With exact, the history holds exactly
 * `reads` distinct articles (re-reads are drawn again).
 */
static void visitor_reads(const struct world *w, uint64_t *rng, uint32_t v, size_t reads,
                          bool exact, uint32_t *seen, struct events *ev)
{
	uint32_t fav[2] = {(uint32_t)(rnd(rng) % TOPICS), (uint32_t)(rnd(rng) % TOPICS)};
	size_t done = 0, tries = 0;

	while (done < reads && tries < reads * 20) {
		size_t len = geometric(rng, MEAN_SESSION, reads - done);
		uint32_t t = (uint32_t)(rnd(rng) % (SPAN - 7200)) + 3600;
		int topic = (int)fav[rnd(rng) % 2];

		for (size_t i = 0; i < len && tries < reads * 20; tries++) {
			int64_t a = pick_article(w, rng, t, unif(rng) < 0.5 ? topic : -1);
			bool dup = false;

			if (a < 0)
				break;
			if (exact) {
				for (size_t j = 0; j < done && !dup; j++)
					dup = seen[j] == (uint32_t)a;
				if (dup)
					continue;
				seen[done] = (uint32_t)a;
			}
			event_add(ev, t, v, (uint32_t)a);
			done++;
			i++;
			t += 60 + (uint32_t)(rnd(rng) % 540);
		}
	}
}

/* Counting sort by time (stable: one visitor's reads keep their order). */
static void sort_events(struct events *ev)
{
	uint32_t *count = nd_xcalloc((size_t)SPAN + 1, sizeof(*count));
	struct event *out = nd_xmalloc(ev->n * sizeof(*out));
	uint32_t sum = 0;

	for (size_t i = 0; i < ev->n; i++)
		count[ev->e[i].at < SPAN ? ev->e[i].at : SPAN]++;
	for (size_t t = 0; t <= SPAN; t++) {
		uint32_t c = count[t];
		count[t] = sum;
		sum += c;
	}
	for (size_t i = 0; i < ev->n; i++)
		out[count[ev->e[i].at < SPAN ? ev->e[i].at : SPAN]++] = ev->e[i];
	free(ev->e);
	free(count);
	ev->e = out;
	ev->cap = ev->n;
}

/* Visitor v's 17 bytes: a cookie visitor with an id made from v. */
static void visitor_id(uint32_t v, uint8_t out[ND_HISTORY_VISITOR_LEN])
{
	uint64_t s = v, a = nd_splitmix64(&s), b = nd_splitmix64(&s);

	out[0] = ND_VISITOR_COOKIE;
	memcpy(out + 1, &a, 8);
	memcpy(out + 9, &b, 8);
}

/* ---- latency ------------------------------------------------------------ */

static int by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* For the RESULT line: "cold=P50/P99 article=... home=...". */
static char result_ms[256];

/* Prints one line of percentiles of ms[0..n) (sorted in place); key names
 * them in the RESULT line. */
static void print_latency(const char *what, const char *key, double *ms, size_t n, size_t items)
{
	size_t len = strlen(result_ms);
	double sum = 0;

	if (!n)
		return;

	for (size_t i = 0; i < n; i++)
		sum += ms[i];
	qsort(ms, n, sizeof(*ms), by_double);
	printf("%-34s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  mean %.3f ms  (%zu "
	       "requests, %.1f items/list)\n",
	       what, ms[n / 2], ms[n * 90 / 100], ms[n * 99 / 100], ms[n - 1], sum / (double)n, n,
	       (double)items / (double)n);
	snprintf(result_ms + len, sizeof(result_ms) - len, " %s_p50_ms=%.3f %s_p99_ms=%.3f", key,
	         ms[n / 2], key, ms[n * 99 / 100]);
}

/* The load average: other work on a shared machine shows in the tails. */
static void print_load(const char *when)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1 = 0, l5 = 0;

	if (f && fscanf(f, "%lf %lf", &l1, &l5) == 2)
		printf("load average %s: %.2f (1 min), %.2f (5 min)\n", when, l1, l5);
	if (f)
		fclose(f);
}

struct run {
	struct nd_app *app;
	const struct world *w;
	uint32_t first_measured, measured;
	size_t requests;
	bool home;
	uint64_t seed;
	double *ms; /* requests of them */
	size_t items;
};

/* One request as the server makes it: an arena of the size the server
 * uses (http/server.c), nd__recommend, the arena freed. Returns ms. */
static double one_request(struct nd_app *app, const struct nd_site *site, uint32_t v,
                          const struct nd_site_article *current, size_t *items)
{
	struct nd_recs_result out[LIMIT];
	struct nd_http_request req = {.method = "GET", .path = "/", .path_len = 1};
	uint8_t who[ND_HISTORY_VISITOR_LEN];
	double t;

	visitor_id(v, who);
	req.arena = nd_arena_new(8192);
	if (current) {
		/* The article page itself, made before its holes are filled,
		 * keeps its Related list for the list (handler/content.c): as
		 * the server does, untimed (the page is cached per snapshot). */
		const struct nd_site_article *rel[ND__RELATED_KEEP];
		double scores[ND__RELATED_KEEP];
		struct nd_recs_neighbour cached[ND_RECS_CONTENT_MAX];

		if (nd_recs_model_content(nd_reading_model(nd_engage_reading(app->engage)),
		                          current->key, (int64_t)time(NULL) - 3600, cached) < 0)
			nd__recommend_keep_related(
			    app, current, rel, scores,
			    nd__related(app, site, &req, current, ND__RELATED_KEEP, rel, scores));
	}
	t = now_s();
	*items += nd__recommend(app, site, &req, who, current, LIMIT, out);
	nd_arena_free(req.arena);
	return (now_s() - t) * 1e3;
}

/* The article page being read: a popular recent one. */
static const struct nd_site_article *current_article(const struct run *r,
                                                     const struct nd_site *site, uint64_t *rng)
{
	int64_t a = pick_article(r->w, rng, SPAN - 1, -1);

	return nd_site_article_by_key(site, r->w->key[a]);
}

static void *run_requests(void *arg)
{
	struct run *r = arg;
	uint64_t rng = r->seed;
	const struct nd_site *site;

	nd_snapshot_read_lock();
	site = nd_snapshot_site(r->app->snap);
	for (size_t i = 0; i < r->requests; i++) {
		uint32_t v = r->first_measured + (uint32_t)(rnd(&rng) % r->measured);
		const struct nd_site_article *cur = r->home ? NULL : current_article(r, site, &rng);

		r->ms[i] = one_request(r->app, site, v, cur, &r->items);
	}
	nd_snapshot_read_unlock();
	return NULL;
}

/* ---- main --------------------------------------------------------------- */

/*
 * Makes the store skip the reading_history rows the flusher writes. The
 * bench replays 30 days of reads in seconds, far faster than the table's
 * random-key inserts go (bench/README.md), and the flusher would take
 * minutes to write them (or drop what passes its queue) while the
 * figures are about memory: the histories and the model are the same.
 */
static void ignore_history_rows(const char *dir)
{
	char path[300], *err = NULL;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/bench.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE TRIGGER bench_no_history BEFORE INSERT ON reading_history "
	                 "BEGIN SELECT RAISE(IGNORE); END",
	                 NULL, NULL, &err) != SQLITE_OK)
		fail("cannot add the trigger to '%s': %s", path, err ? err : sqlite3_errmsg(db));
	sqlite3_close(db);
}

static size_t arg_size(const char *name, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s ? s : "", &end, 10);
	if (!s || !*s || *end || errno || v == 0)
		fail("%s wants a positive whole number, not '%s'", name, s ? s : "");
	return (size_t)v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){100000, 1000000, 1000, 20000, 1, 1, false, false, NULL};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: nd_bench_recommend [--articles N] [--visitors N] "
			       "[--measured N] [--requests N] [--seed S] [--threads 1|2] "
			       "[--dir DIR | --keep] [--store-history]\n"
			       "defaults: 100000 articles, 1000000 visitors, 1000 of them "
			       "measured (200 history items each), 20000 requests, seed 1;\n"
			       "the store goes to DIR (left there), else to a temp dir removed "
			       "at the end unless --keep; without --store-history the store "
			       "ignores the reading_history rows the flusher writes\n");
			exit(0);
		} else if (!strcmp(a, "--keep")) {
			o->keep = true;
			continue;
		} else if (!strcmp(a, "--store-history")) {
			o->store_history = true;
			continue;
		} else if (!strcmp(a, "--dir")) {
			if (!v)
				fail("--dir wants a folder");
			o->dir = v;
		} else if (!strcmp(a, "--articles")) {
			o->articles = arg_size(a, v);
		} else if (!strcmp(a, "--visitors")) {
			o->visitors = arg_size(a, v);
		} else if (!strcmp(a, "--measured")) {
			o->measured = arg_size(a, v);
		} else if (!strcmp(a, "--requests")) {
			o->requests = arg_size(a, v);
		} else if (!strcmp(a, "--seed")) {
			o->seed = arg_size(a, v);
		} else if (!strcmp(a, "--threads")) {
			o->threads = (int)arg_size(a, v);
		} else {
			fail("unknown option '%s' (see --help)", a);
		}
		i++;
	}
	if (o->articles < 1000)
		fail("--articles must be at least 1000");
	if (o->threads > 2)
		fail("--threads is 1 or 2");
	if ((uint64_t)o->visitors + o->measured > UINT32_MAX)
		fail("too many visitors");
}

int main(int argc, char **argv)
{
	struct options o;
	struct world w = {0};
	struct events ev = {0};
	struct nd_config cfg;
	struct nd_snapshot *snap = NULL;
	struct nd_app app;
	struct nd_store *store = NULL;
	struct nd_import_opts io;
	struct nd_import_stats is;
	char dir[256] = "/tmp/nd-bench-recommend.XXXXXX", path[300], url[300];
	char *err = NULL;
	uint64_t rng;
	int64_t wall = (int64_t)time(NULL);
	size_t rss0, rss_site, rss_hist, rss_end, total_reads = 0;
	double t;
	FILE *f;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = o.seed;
	nd_log_level = ND_LOG_WARN;
	rss0 = rss_bytes();
	if (o.dir)
		snprintf(dir, sizeof(dir), "%s", o.dir);
	else if (!mkdtemp(dir))
		fail("cannot make a temp dir: %s", strerror(errno));

	/* 1. The articles, the store, the snapshot and the app. */
	w.n = o.articles;
	w.t0 = wall - SPAN;
	w.topic = nd_xmalloc(w.n * sizeof(*w.topic));
	w.by_topic = nd_xmalloc(w.n * sizeof(*w.by_topic));
	w.key = nd_xcalloc(w.n, sizeof(*w.key));
	for (size_t i = 0; i < w.n; i++) {
		w.topic[i] = (uint16_t)(rnd(&rng) % TOPICS);
		w.topic_start[w.topic[i] + 1]++;
	}
	for (size_t k = 0; k < TOPICS; k++)
		w.topic_start[k + 1] += w.topic_start[k];
	{
		uint32_t fillp[TOPICS];

		memcpy(fillp, w.topic_start, sizeof(fillp));
		for (size_t i = 0; i < w.n; i++)
			w.by_topic[fillp[w.topic[i]]++] = (uint32_t)i;
	}
	snprintf(path, sizeof(path), "%s/articles.jsonl", dir);
	snprintf(url, sizeof(url), "sqlite:%s/bench.db", dir);
	t = now_s();
	if (!(f = fopen(path, "w+")))
		fail("cannot create '%s': %s", path, strerror(errno));
	write_articles(f, w.n, w.t0, w.topic, o.seed);
	printf("articles: %zu synthetic (%d topics in %d sections, %d-word vocabulary), %.0f "
	       "bytes of JSON each, made in %.1f s\n",
	       w.n, TOPICS, SECTIONS, VOCAB, (double)ftell(f) / (double)w.n, now_s() - t);
	rewind(f);
	if (nd_store_open(url, &store))
		fail("cannot open store '%s'", url);
	nd_import_opts_init(&io);
	io.name = path;
	io.batch_lines = 5000;
	{
		FILE *devnull = fopen("/dev/null", "w");

		io.err = devnull;
		t = now_s();
		if (nd_import_jsonl(store, f, &io, &is) != ND_IMPORT_OK)
			fail("the import failed (%" PRIu64 " rejected)", is.rejected);
		fclose(devnull);
	}
	printf("import: %" PRIu64 " articles in %.1f s (%.0f articles/s)\n", is.imported,
	       now_s() - t, (double)is.imported / (now_s() - t));
	fclose(f);
	unlink(path);
	nd_store_close(store);
	if (!o.store_history)
		ignore_history_rows(dir);

	nd_config_init(&cfg);
	if (nd_config_set(&cfg, "db", url, &err) ||
	    nd_config_set(&cfg, "reload_interval_ms", "600000", &err))
		fail("config: %s", err ? err : "?");
	cfg.log_level = ND_LOG_WARN;
	t = now_s();
	if (nd_snapshot_open(cfg.db, cfg.reload_interval_ms, (size_t)cfg.page_cache_mb << 20,
	                     &snap))
		fail("cannot open the snapshot of '%s'", cfg.db);
	printf("snapshot: %.1f s (site and text index)\n", now_s() - t);
	if (nd_app_init(&app, &cfg, snap))
		fail("cannot start the app");
	nd_snapshot_read_lock();
	{
		const struct nd_site *site = nd_snapshot_site(snap);
		char id[32];

		if (site->article_count != w.n)
			fail("the site has %zu articles, not %zu", site->article_count, w.n);
		for (size_t i = 0; i < w.n; i++) {
			const struct nd_site_article *a;
			int len = snprintf(id, sizeof(id), "b%zu", i);

			if (!(a = nd_map_get(&site->by_ext_id, id, (size_t)len)))
				fail("article '%s' is not on the site", id);
			w.key[i] = a->key;
		}
	}
	nd_snapshot_read_unlock();
	rss_site = rss_bytes();
	printf("RSS after the articles, snapshot and app: %.1f MB (%.1f MB at start)\n",
	       mb(rss_site), mb(rss0));

	/* 2. The histories. */
	{
		uint32_t *seen = nd_xmalloc(ND_HISTORY_MAX * sizeof(*seen));
		struct nd_reading *rd = nd_engage_reading(app.engage);
		struct nd_counter *counter = nd_engage_counter(app.engage);
		uint8_t who[ND_HISTORY_VISITOR_LEN];

		t = now_s();
		for (uint32_t v = 0; v < o.visitors; v++)
			visitor_reads(&w, &rng, v, geometric(&rng, MEAN_HISTORY, ND_HISTORY_MAX),
			              false, seen, &ev);
		for (uint32_t v = 0; v < o.measured; v++)
			visitor_reads(&w, &rng, (uint32_t)o.visitors + v, ND_HISTORY_MAX, true,
			              seen, &ev);
		sort_events(&ev);
		free(seen);
		progress("%zu reads drawn and sorted in %.1f s", ev.n, now_s() - t);
		/* The store drops these rows anyway (ignore_history_rows): no
		 * warning that the flusher's queue overflowed. */
		if (!o.store_history)
			nd_log_level = ND_LOG_ERROR;
		t = now_s();
		for (size_t i = 0; i < ev.n; i++) {
			uint32_t key = w.key[ev.e[i].article];
			int64_t at = w.t0 + ev.e[i].at;

			visitor_id(ev.e[i].visitor, who);
			nd_counter_view(counter, key, at);
			nd_reading_view(rd, who, key, at, false);
		}
		t = now_s() - t;
		total_reads = ev.n;
		printf("histories: %zu reads of %zu visitors (+ %zu with %d) in %.1f s: %.0f "
		       "views/s (nd_counter_view + nd_reading_view, one thread; the flusher "
		       "writes to the store meanwhile)\n",
		       ev.n, o.visitors, o.measured, ND_HISTORY_MAX, t, (double)ev.n / t);
		free(ev.e);
		ev.e = NULL;
		t = now_s();
		if (nd_counter_flush(counter))
			fail("the last flush failed");
		printf("flush of what was left (views, histories to the store%s): %.1f s\n",
		       o.store_history ? "" : ", which ignores their rows", now_s() - t);
		nd_log_level = ND_LOG_WARN;
	}
	rss_hist = rss_bytes();
	{
		struct nd_histories_stats hs;
		size_t model_articles, model_bytes;
		struct nd_reading *rd = nd_engage_reading(app.engage);
		double grown = (double)rss_hist - (double)rss_site;

		nd_histories_stats(nd_reading_histories(rd), &hs);
		nd_recs_model_stats(nd_reading_model(rd), &model_articles, &model_bytes);
		printf("RSS after the histories: %.1f MB (%+.1f MB; %.0f bytes/visitor, %.1f "
		       "bytes/history item)\n",
		       mb(rss_hist), grown / 1048576, grown / (double)hs.visitors,
		       grown / (double)hs.items);
		printf("histories: %zu visitors, %zu items (%.1f each), %.1f MB: %.0f "
		       "bytes/visitor, %.1f bytes/item\n",
		       hs.visitors, hs.items, (double)hs.items / (double)hs.visitors, mb(hs.bytes),
		       (double)hs.bytes / (double)hs.visitors, (double)hs.bytes / (double)hs.items);
		printf("model: %zu articles, %.1f MB (%.0f bytes/article)\n", model_articles,
		       mb(model_bytes), (double)model_bytes / (double)model_articles);
	}

	/* 3. Latency. */
	{
		struct run r = {.app = &app,
		                .w = &w,
		                .first_measured = (uint32_t)o.visitors,
		                .measured = (uint32_t)o.measured,
		                .requests = o.requests,
		                .seed = o.seed ^ 0x1a7e};
		double *cold = nd_xmalloc(o.measured * sizeof(*cold));
		size_t cold_items = 0;

		r.ms = nd_xmalloc(o.requests * sizeof(*r.ms));
		print_load("before the requests");
		/* Cold: the first request of each measured visitor, on the home
		 * page, while their latest reads' Related lists are not cached
		 * (another visitor's request may have cached some). */
		nd_snapshot_read_lock();
		for (uint32_t v = 0; v < o.measured; v++)
			cold[v] = one_request(&app, nd_snapshot_site(snap),
			                      (uint32_t)o.visitors + v, NULL, &cold_items);
		nd_snapshot_read_unlock();
		print_latency("cold (first request, home):", "cold", cold, o.measured, cold_items);
		free(cold);
		/* Warm-up: one pass of each kind, untimed. */
		for (int home = 0; home < 2; home++) {
			r.home = home;
			r.requests = o.requests / 4 ? o.requests / 4 : 1;
			run_requests(&r);
		}
		r.requests = o.requests;
		for (int home = 0; home < 2; home++) {
			r.home = home;
			r.items = 0;
			run_requests(&r);
			print_latency(home ? "home page (no current article):"
			                   : "article page (current article):",
			              home ? "home" : "article", r.ms, r.requests, r.items);
		}
		if (o.threads == 2) {
			struct run r2[2] = {r, r};
			pthread_t th[2];
			double *all = nd_xmalloc(o.requests * sizeof(*all));

			for (int i = 0; i < 2; i++) {
				r2[i].home = false;
				r2[i].items = 0;
				r2[i].requests = o.requests / 2;
				r2[i].seed = o.seed ^ (0x2222u + (unsigned)i);
				r2[i].ms = all + (size_t)i * (o.requests / 2);
			}
			t = now_s();
			for (int i = 0; i < 2; i++)
				if (pthread_create(&th[i], NULL, run_requests, &r2[i]))
					fail("cannot start a thread");
			for (int i = 0; i < 2; i++)
				pthread_join(th[i], NULL);
			t = now_s() - t;
			print_latency("article page, 2 threads at once:", "threads2", all,
			              2 * (o.requests / 2), r2[0].items + r2[1].items);
			printf("2 threads: %.0f requests/s together\n",
			       (double)(2 * (o.requests / 2)) / t);
			free(all);
		}
		free(r.ms);
	}
	print_load("after the requests");
	rss_end = rss_bytes();
	printf("RSS at the end: %.1f MB (%+.1f MB during the requests: the Related lists "
	       "cached)\n",
	       mb(rss_end), ((double)rss_end - (double)rss_hist) / 1048576);
	printf("RESULT articles=%zu visitors=%zu reads=%zu rss_site_mb=%.1f rss_hist_mb=%.1f%s\n",
	       w.n, o.visitors + o.measured, total_reads, mb(rss_site), mb(rss_hist), result_ms);

	nd_app_release(&app);
	nd_snapshot_close(snap);
	nd_config_release(&cfg);
	free(w.topic);
	free(w.by_topic);
	free(w.key);
	if (!o.keep && !o.dir) {
		char p[300];
		const char *const files[] = {"bench.db", "bench.db-wal", "bench.db-shm"};

		for (size_t i = 0; i < 3; i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
			unlink(p);
		}
		if (rmdir(dir))
			progress("could not remove '%s': %s", dir, strerror(errno));
	} else if (o.keep) {
		progress("kept '%s'", dir);
	}
	return 0;
}
