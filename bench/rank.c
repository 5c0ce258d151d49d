/*
 * Ranking speed: the nd_rank engine at news-site scale (issue 4,
 * "Benchmark": the time to answer a ranking request with 100,000 articles
 * and 10 million recorded views; docs/internals/rank.md, "Measured").
 *
 *	nd_bench_rank [--articles N] [--sections N] [--views N] [--days N]
 *	              [--zipf S] [--requests N] [--rate VIEWS_PER_S]
 *	              [--seconds N] [--readers N] [--seed S]   (--help)
 *
 * Builds a synthetic site: N articles published evenly over the last
 * `days` days in `sections` sections (a quarter top-level, the rest their
 * children), and `views` views: the article of each view from a Zipf law
 * over a random popularity order, its time after publication from a mix of
 * a fast and a slow exponential decay (mean 18 hours, 80 %; mean 7 days,
 * 20 %) shaped by a time-of-day curve; views that would fall after `now`
 * are drawn again. The views are aggregated into hourly deltas, as the
 * store keeps them. Then it measures, on one thread unless said:
 *
 *  1. replay: the 30 days fed hour by hour into an engine (one
 *     nd_rank_add per hour of deltas), the incremental path with every
 *     hour's expiry;
 *  2. load: a fresh engine, the catalogue, then the last 7 days of buckets
 *     in one nd_rank_add (the start-up path); memory per article;
 *  3. catalogue replacement (nd_rank_set_articles of all articles);
 *  4. nd_rank_top per window, site-wide and per section (p50/p99 over
 *     `requests` calls each, each call timed alone, clock included; and
 *     the mean of a run of `requests` calls timed as a whole);
 *  5. nd_rank_add with one-second batches for `seconds` simulated seconds
 *     at `rate` views a second (drawn from the articles' last-24h
 *     popularity), crossing minute and hour boundaries, while `readers`
 *     threads call nd_rank_top in a loop (their latency reported too).
 *
 * Prints a table, and a RESULT line for scripts. Deterministic for a
 * given seed (except the timings).
 */
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "nd_bench_rank"
#include "bench.h"
#include "core/mem.h"
#include "core/hash.h"
#include "rank/rank.h"

/* 2024-03-31T12:30:00Z: mid-hour, so the 1h weight is not trivial. */
#define NOW 1711888200LL

struct options {
	uint32_t articles;
	uint32_t sections;
	uint64_t views;
	uint32_t days;
	double zipf;
	size_t requests;
	uint32_t rate;
	uint32_t seconds;
	uint32_t readers;
	uint64_t seed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rnd(uint64_t *s)
{
	return nd_splitmix64(s);
}

/* Uniform in [0, 1). */
static double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * (1.0 / 9007199254740992.0);
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Latency samples in nanoseconds. */
struct lat {
	uint64_t *ns;
	size_t n, cap;
};

static void lat_add(struct lat *l, uint64_t ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->ns = nd_xrealloc(l->ns, l->cap * sizeof(*l->ns));
	}
	l->ns[l->n++] = ns;
}

/* The q-quantile (0..1) in microseconds; sorts the samples. */
static double lat_q(struct lat *l, double q)
{
	size_t i;

	if (!l->n)
		return 0;
	qsort(l->ns, l->n, sizeof(*l->ns), cmp_u64);
	i = (size_t)(q * (double)(l->n - 1) + 0.5);
	return (double)l->ns[i] / 1000.0;
}

/*
 * The site.
 */
struct site {
	struct nd_rank_article *art; /* id = index + 1 */
	uint32_t n;
	uint32_t *section_ids; /* every section id, for requests */
	uint32_t nsections;
	struct nd_rank_delta *delta; /* by hour, then article */
	size_t ndelta;
	int64_t first_hour;
};

/* Reading intensity by hour of day (UTC): quiet at night, peaks in the
 * morning and evening. */
static const double diurnal[24] = {0.25, 0.18, 0.14, 0.12, 0.14, 0.22, 0.45, 0.75,
                                   0.95, 1.00, 0.90, 0.80, 0.85, 0.80, 0.75, 0.72,
                                   0.75, 0.80, 0.88, 0.98, 1.00, 0.95, 0.70, 0.45};

static void make_catalogue(struct site *s, const struct options *o, uint64_t *seed)
{
	uint32_t top = o->sections >= 4 ? o->sections / 4 : 1;

	s->n = o->articles;
	s->art = nd_xcalloc(s->n, sizeof(*s->art));
	s->nsections = o->sections;
	s->section_ids = nd_xmalloc(o->sections * sizeof(*s->section_ids));
	/* Sections 1..top are top-level; top+1.. are children of
	 * 1 + (id - top - 1) % top. */
	for (uint32_t i = 0; i < o->sections; i++)
		s->section_ids[i] = i + 1;
	for (uint32_t i = 0; i < s->n; i++) {
		struct nd_rank_article *a = &s->art[i];
		uint32_t sec = 1 + (uint32_t)(rnd(seed) % o->sections);
		a->id = i + 1;
		a->published_at = NOW - (int64_t)(unif(seed) * o->days * 86400.0);
		a->scopes[a->nscopes++] = sec;
		if (sec > top)
			a->scopes[a->nscopes++] = 1 + (sec - top - 1) % top;
	}
}

/* LSD radix sort of keys by their low `bits` bits, 16 at a time. */
static void radix_sort(uint64_t *k, size_t n, unsigned bits)
{
	uint64_t *tmp = nd_xmalloc(n * sizeof(*k));
	size_t *count = nd_xmalloc(65536 * sizeof(*count));

	for (unsigned shift = 0; shift < bits; shift += 16) {
		size_t sum = 0;
		memset(count, 0, 65536 * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(k[i] >> shift) & 0xffff]++;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(k[i] >> shift) & 0xffff]++] = k[i];
		memcpy(k, tmp, n * sizeof(*k));
	}
	free(tmp);
	free(count);
}

static void make_views(struct site *s, const struct options *o, uint64_t *seed)
{
	double *cdf = nd_xmalloc(s->n * sizeof(*cdf)), total = 0;
	uint32_t *order = nd_xmalloc(s->n * sizeof(*order));
	uint64_t *key = nd_xmalloc(o->views * sizeof(*key)), drawn = 0;
	int64_t start = NOW - (int64_t)o->days * 86400;
	unsigned hour_bits = 0, art_bits = 0;
	size_t nd = 0;

	s->first_hour = nd_rank_hour(start);
	while ((1ull << art_bits) <= s->n)
		art_bits++;
	while ((1ll << hour_bits) <= nd_rank_hour(NOW) - s->first_hour)
		hour_bits++;
	/* Popularity order: a random permutation, Zipf weights down it. */
	for (uint32_t i = 0; i < s->n; i++)
		order[i] = i;
	for (uint32_t i = s->n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd(seed) % (i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t k = 0; k < s->n; k++) {
		total += 1.0 / pow(k + 1, o->zipf);
		cdf[k] = total;
	}
	for (uint64_t v = 0; v < o->views;) {
		double u = unif(seed) * total, age;
		uint32_t lo = 0, hi = s->n - 1, a;
		int64_t t;
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		a = order[lo];
		drawn++;
		age = unif(seed) < 0.8 ? -18 * 3600.0 * log(1 - unif(seed))
		                       : -7 * 86400.0 * log(1 - unif(seed));
		t = s->art[a].published_at + (int64_t)age;
		if (t > NOW || t < start)
			continue;
		if (unif(seed) > diurnal[((t % 86400) + 86400) % 86400 / 3600])
			continue;
		key[v++] = (uint64_t)(nd_rank_hour(t) - s->first_hour) << art_bits | a;
	}
	progress("drew %" PRIu64 " views (%" PRIu64 " draws), aggregating", o->views, drawn);
	radix_sort(key, o->views, hour_bits + art_bits);
	s->delta = nd_xmalloc(o->views * sizeof(*s->delta) / 2 + 16 * sizeof(*s->delta));
	for (uint64_t i = 0; i < o->views;) {
		uint64_t j = i;
		while (j < o->views && key[j] == key[i])
			j++;
		if (nd == o->views / 2 + 16)
			fail("too many distinct (article, hour) pairs");
		s->delta[nd].id = (uint32_t)(key[i] & ((1ull << art_bits) - 1)) + 1;
		s->delta[nd].hour = (int64_t)(key[i] >> art_bits) + s->first_hour;
		s->delta[nd].views = (uint32_t)(j - i);
		nd++;
		i = j;
	}
	s->ndelta = nd;
	free(key);
	free(cdf);
	free(order);
}

static void usage(void)
{
	puts("usage: nd_bench_rank [--articles N] [--sections N] [--views N] [--days N]\n"
	     "                     [--zipf S] [--requests N] [--rate VIEWS_PER_S]\n"
	     "                     [--seconds N] [--readers N] [--seed S]\n"
	     "defaults: 100000 articles, 20 sections, 10000000 views over 30 days, Zipf 1.0,\n"
	     "200000 requests per measurement, 1000 views/s for 7200 s with 1 reader thread");
}

static uint64_t parse_u64(const char *name, const char *v)
{
	char *end;
	unsigned long long x = strtoull(v ? v : "", &end, 10);

	if (!v || !*v || *end)
		fail("%s needs a number, got '%s'", name, v ? v : "");
	return x;
}

static void parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){100000, 20, 10000000, 30, 1.0, 200000, 1000, 7200, 1, 42};
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage();
			exit(0);
		} else if (!strcmp(a, "--articles")) {
			o->articles = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--sections")) {
			o->sections = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--views")) {
			o->views = parse_u64(a, v);
		} else if (!strcmp(a, "--days")) {
			o->days = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--zipf")) {
			o->zipf = v ? strtod(v, NULL) : 0;
		} else if (!strcmp(a, "--requests")) {
			o->requests = parse_u64(a, v);
		} else if (!strcmp(a, "--rate")) {
			o->rate = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--seconds")) {
			o->seconds = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--readers")) {
			o->readers = (uint32_t)parse_u64(a, v);
		} else if (!strcmp(a, "--seed")) {
			o->seed = parse_u64(a, v);
		} else {
			fail("unknown option '%s' (--help)", a);
		}
	}
	if (!o->articles || o->articles > (1u << 24) || !o->sections || o->sections > 60000 ||
	    !o->views || !o->days || o->zipf <= 0 || !o->requests)
		fail("an option is out of range (--help)");
}

static const char *const window_name[ND_RANK_WINDOWS] = {"1h", "24h", "7d", "trending"};

/* Step 4: nd_rank_top latency of (w, scope set). */
static void bench_top(struct nd_rank *r, const struct site *s, const struct options *o,
                      enum nd_rank_window w, bool sections, size_t limit, uint64_t *seed,
                      double *p50, double *p99, double *batch, size_t *items)
{
	struct nd_rank_item out[ND_RANK_MAX];
	struct lat l = {0};
	size_t got = 0;
	uint32_t *scopes = nd_xmalloc(o->requests * sizeof(*scopes));
	uint64_t t0;

	/* The whole run timed once, scopes drawn beforehand: the cost of a
	 * call without the clock's. */
	for (size_t i = 0; i < o->requests; i++)
		scopes[i] = sections ? s->section_ids[rnd(seed) % s->nsections] : ND_RANK_SITE;
	t0 = now_ns();
	for (size_t i = 0; i < o->requests; i++)
		got += nd_rank_top(r, w, scopes[i], limit, out);
	*batch = (double)(now_ns() - t0) / (double)o->requests / 1000.0;
	free(scopes);
	got = 0;

	for (size_t i = 0; i < o->requests; i++) {
		uint32_t scope = sections ? s->section_ids[rnd(seed) % s->nsections] : ND_RANK_SITE;
		uint64_t start = now_ns();
		got += nd_rank_top(r, w, scope, limit, out);
		lat_add(&l, now_ns() - start);
	}
	*items = got / o->requests;
	*p50 = lat_q(&l, 0.5);
	*p99 = lat_q(&l, 0.99);
	free(l.ns);
}

/* Step 5's reader threads. */
struct reader {
	pthread_t th;
	struct nd_rank *r;
	const struct site *s;
	atomic_bool *stop;
	uint64_t seed;
	struct lat l;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct nd_rank_item out[ND_RANK_MAX];

	while (!atomic_load_explicit(rd->stop, memory_order_relaxed)) {
		enum nd_rank_window w = (enum nd_rank_window)(rnd(&rd->seed) % ND_RANK_WINDOWS);
		uint32_t scope = rnd(&rd->seed) % 2
		                     ? ND_RANK_SITE
		                     : rd->s->section_ids[rnd(&rd->seed) % rd->s->nsections];
		uint64_t t0 = now_ns();
		nd_rank_top(rd->r, w, scope, 10, out);
		lat_add(&rd->l, now_ns() - t0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct options o;
	struct site s = {0};
	struct nd_rank *r;
	struct nd_rank_stats st;
	uint64_t seed;
	double t, t_gen, t_replay, t_load, t_cat;
	struct lat per_hour = {0};
	size_t rss0, rss1, first7d;

	parse(argc, argv, &o);
	seed = o.seed;
	progress("site: %u articles in %u sections, %" PRIu64 " views over %u days, Zipf %.2f",
	         o.articles, o.sections, o.views, o.days, o.zipf);
	t = now_s();
	make_catalogue(&s, &o, &seed);
	make_views(&s, &o, &seed);
	t_gen = now_s() - t;
	progress("%zu hourly deltas (article, hour) in %.1f s", s.ndelta, t_gen);

	/* 1. Replay, hour by hour. */
	r = nd_rank_new(NULL, s.first_hour * 3600);
	nd_rank_set_articles(r, s.art, s.n);
	t = now_s();
	for (size_t i = 0; i < s.ndelta;) {
		size_t j = i;
		int64_t h = s.delta[i].hour, end = h * 3600 + 3599;
		uint64_t t0;
		while (j < s.ndelta && s.delta[j].hour == h)
			j++;
		if (end > NOW)
			end = NOW;
		t0 = now_ns();
		nd_rank_add(r, s.delta + i, j - i, end);
		lat_add(&per_hour, now_ns() - t0);
		i = j;
	}
	nd_rank_tick(r, NOW);
	t_replay = now_s() - t;
	nd_rank_stats(r, &st);
	progress("replay: %zu hour calls in %.2f s, %" PRIu64 " rebuilds", per_hour.n, t_replay,
	         st.rebuilds);
	nd_rank_free(r);

	/* 2. Start-up load: catalogue, then the last 7 days in one call. */
	first7d = 0;
	while (first7d < s.ndelta && s.delta[first7d].hour < nd_rank_first_hour(NOW, ND_RANK_7D))
		first7d++;
	rss0 = rss_bytes();
	t = now_s();
	r = nd_rank_new(NULL, NOW);
	nd_rank_set_articles(r, s.art, s.n);
	nd_rank_add(r, s.delta + first7d, s.ndelta - first7d, NOW);
	t_load = now_s() - t;
	rss1 = rss_bytes();
	nd_rank_stats(r, &st);

	/* 3. Catalogue replacement. */
	t = now_s();
	nd_rank_set_articles(r, s.art, s.n);
	t_cat = now_s() - t;

	printf("nd_bench_rank: %u articles, %u sections, %" PRIu64
	       " views over %u days (Zipf %.2f), %zu hourly deltas (%zu in the last 7 days)\n\n",
	       o.articles, o.sections, o.views, o.days, o.zipf, s.ndelta, s.ndelta - first7d);
	printf("data generation            %8.2f s\n", t_gen);
	printf("replay 30 days by hour     %8.2f s   (%zu calls: p50 %.0f us, p99 %.0f us, max "
	       "%.0f us)\n",
	       t_replay, per_hour.n, lat_q(&per_hour, 0.5), lat_q(&per_hour, 0.99),
	       lat_q(&per_hour, 1.0));
	printf("load (catalogue + 7 days)  %8.3f s\n", t_load);
	printf("catalogue replacement      %8.3f s\n", t_cat);
	printf("memory                     %8.1f MB held (%zu B per article), RSS +%.1f MB\n",
	       (double)st.bytes / 1e6, st.bytes / o.articles, (double)(rss1 - rss0) / 1e6);
	printf("                           %zu articles known, %zu (article, hour) records\n\n",
	       st.articles, st.hour_entries);

	/* 4. nd_rank_top. */
	{
		uint64_t t0 = now_ns(), t1 = 0;
		for (int i = 0; i < 1000; i++)
			t1 = now_ns();
		printf(
		    "nd_rank_top, %zu calls each: p50/p99 of each call timed alone (a clock read "
		    "costs %.0f ns, included), batch = mean of the run timed whole\n",
		    o.requests, (double)(t1 - t0) / 1000.0);
	}
	printf("  %-9s %-8s %5s %6s %9s %9s %11s\n", "window", "scope", "limit", "items", "p50 us",
	       "p99 us", "batch us");
	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		for (int sec = 0; sec < 2; sec++) {
			for (int li = 0; li < 2; li++) {
				size_t limit = li ? 100 : 10, items;
				double p50, p99, batch;
				if (li && sec)
					continue;
				bench_top(r, &s, &o, (enum nd_rank_window)w, sec, limit, &seed,
				          &p50, &p99, &batch, &items);
				printf("  %-9s %-8s %5zu %6zu %9.3f %9.3f %11.4f\n", window_name[w],
				       sec ? "section" : "site", limit, items, p50, p99, batch);
			}
		}
	}

	/* 5. One-second batches, with readers. */
	{
		uint32_t *pick = nd_xmalloc(o.rate * sizeof(*pick) + 1);
		struct nd_rank_delta *d = nd_xmalloc((o.rate + 1) * sizeof(*d));
		uint32_t *count = nd_xcalloc(s.n + 1, sizeof(*count));
		double *cdf = nd_xmalloc(s.n * sizeof(*cdf)), total = 0;
		struct lat add = {0}, minute = {0}, hour = {0}, reads = {0};
		struct nd_rank_item top[10];
		struct reader *rd = nd_xcalloc(o.readers + 1, sizeof(*rd));
		atomic_bool stop;
		double t_add;
		size_t distinct = 0;

		/* Current popularity: the articles' last-24h views. */
		for (uint32_t i = 0; i < s.n; i++)
			count[i + 1] = 0;
		for (size_t i = first7d; i < s.ndelta; i++)
			if (s.delta[i].hour >= nd_rank_first_hour(NOW, ND_RANK_24H))
				count[s.delta[i].id] += s.delta[i].views;
		for (uint32_t i = 0; i < s.n; i++) {
			total += count[i + 1] + 0.01;
			cdf[i] = total;
		}
		memset(count, 0, (s.n + 1) * sizeof(*count));
		atomic_init(&stop, false);
		for (uint32_t i = 0; i < o.readers; i++) {
			rd[i].r = r;
			rd[i].s = &s;
			rd[i].stop = &stop;
			rd[i].seed = o.seed + 1000 + i;
			if (pthread_create(&rd[i].th, NULL, reader_main, &rd[i]))
				fail("cannot start a reader thread");
		}
		t = now_s();
		for (uint32_t sec = 1; sec <= o.seconds; sec++) {
			int64_t when = NOW + sec;
			size_t nd = 0;
			uint64_t t0;
			for (uint32_t v = 0; v < o.rate; v++) {
				double u = unif(&seed) * total;
				uint32_t lo = 0, hi = s.n - 1;
				while (lo < hi) {
					uint32_t mid = (lo + hi) / 2;
					if (cdf[mid] < u)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (!count[lo + 1]++)
					pick[nd++] = lo + 1;
			}
			for (size_t i = 0; i < nd; i++) {
				d[i] = (struct nd_rank_delta){pick[i], nd_rank_hour(when),
				                              count[pick[i]]};
				count[pick[i]] = 0;
			}
			distinct += nd;
			t0 = now_ns();
			nd_rank_add(r, d, nd, when);
			t0 = now_ns() - t0;
			if (nd_rank_minute(when) != nd_rank_minute(when - 1) &&
			    nd_rank_hour(when) != nd_rank_hour(when - 1))
				lat_add(&hour, t0);
			else if (nd_rank_minute(when) != nd_rank_minute(when - 1))
				lat_add(&minute, t0);
			else
				lat_add(&add, t0);
		}
		t_add = now_s() - t;
		atomic_store(&stop, true);
		for (uint32_t i = 0; i < o.readers; i++) {
			pthread_join(rd[i].th, NULL);
			for (size_t k = 0; k < rd[i].l.n; k++)
				lat_add(&reads, rd[i].l.ns[k]);
			free(rd[i].l.ns);
		}
		nd_rank_stats(r, &st);
		printf("\nnd_rank_add, one-second batches of %u views (%zu distinct articles a "
		       "batch on average), %u s simulated in %.2f s\n",
		       o.rate, o.seconds ? distinct / o.seconds : 0, o.seconds, t_add);
		printf(
		    "  within a minute     %6zu calls  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n",
		    add.n, lat_q(&add, 0.5), lat_q(&add, 0.99), lat_q(&add, 1.0));
		printf(
		    "  minute boundary     %6zu calls  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n",
		    minute.n, lat_q(&minute, 0.5), lat_q(&minute, 0.99), lat_q(&minute, 1.0));
		printf(
		    "  hour boundary       %6zu calls  p50 %8.1f us               max %8.1f us\n",
		    hour.n, lat_q(&hour, 0.5), lat_q(&hour, 1.0));
		printf("  readers meanwhile   %6zu reads  p50 %8.3f us  p99 %8.3f us  (%u threads, "
		       "limit 10, random window and scope)\n",
		       reads.n, lat_q(&reads, 0.5), lat_q(&reads, 0.99), o.readers);
		printf("  after: %zu articles known, %zu records, %.1f MB, %" PRIu64
		       " rebuilds, %" PRIu64 " publishes\n",
		       st.articles, st.hour_entries, (double)st.bytes / 1e6, st.rebuilds,
		       st.publishes);
		nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 10, top);
		printf("\nRESULT articles=%u views=%" PRIu64 " load_s=%.3f bytes_per_article=%zu "
		       "add_p50_us=%.1f add_p99_us=%.1f read_p99_us=%.3f\n",
		       o.articles, o.views, t_load, st.bytes / o.articles, lat_q(&add, 0.5),
		       lat_q(&add, 0.99), lat_q(&reads, 0.99));
		fflush(stdout);
		free(pick);
		free(d);
		free(count);
		free(cdf);
		free(rd);
		free(add.ns);
		free(minute.ns);
		free(hour.ns);
		free(reads.ns);
	}
	nd_rank_free(r);
	free(per_hour.ns);
	free(s.art);
	free(s.section_ids);
	free(s.delta);
	return 0;
}
