#include "handler/engage.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium/randombytes.h>
#include <sodium/utils.h>
#include <xxhash.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/ratelimit.h"
#include "counter/bots.h"
#include "counter/counter.h"
#include "counter/dedupe.h"
#include "counter/pace.h"
#include "handler/reading.h"
#include "rank/rank.h"
#include "site/site.h"
#include "store/store.h"

#define DEDUPE_SLOTS (1u << 21) /* 16 MB: 2 million recent (visitor, article) pairs */
#define PACE_SLOTS   (1u << 20)
#define SWEEP_MS     60000 /* dedupe and pace tables swept once a minute */
#define COOKIE_AGE   "31536000"

struct nd_engage {
	struct nd_counter *counter;
	struct nd_bots *bots;
	struct nd_visitor_keys keys;
	struct nd_dedupe *dedupe;
	struct nd_pace *pace;
	struct nd_ratelimit *rl_visitor, *rl_addr;
	struct nd_rank *rank;
	struct nd_reading *reading;     /* histories and the recommendation model */
	pthread_mutex_t catalogue_lock; /* one thread gives rank a new catalogue */
	_Atomic int64_t catalogue_gen;  /* the site generation rank has, -1: none */
	bool lock_ready;
	struct nd_hole_values values;
	const char *types[ND_REACTION_TYPES_MAX];
	const char *labels[ND_REACTION_TYPES_MAX];
	char *types_buf; /* the slugs and labels, NUL-separated */
	uint64_t nonce;
	int64_t last_sweep_ms;
	bool count_views;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t views_of(void *ctx, uint32_t id)
{
	return nd_counter_views(((struct nd_engage *)ctx)->counter, id);
}

static uint64_t reaction_of(void *ctx, uint32_t id, size_t type)
{
	return nd_counter_reactions(((struct nd_engage *)ctx)->counter, id, type);
}

/* The store's view deltas as the Ranking's, into rank. */
static void rank_add(struct nd_rank *rank, const struct nd_view_delta *d, size_t n, int64_t now)
{
	struct nd_rank_delta buf[256];

	if (!n) {
		nd_rank_tick(rank, now);
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t k = 0;

		for (; i < n && k < sizeof(buf) / sizeof(buf[0]); i++)
			if (d[i].article_id > 0 && d[i].article_id <= UINT32_MAX)
				buf[k++] = (struct nd_rank_delta){(uint32_t)d[i].article_id,
				                                  d[i].hour, d[i].views};
		nd_rank_add(rank, buf, k, now);
	}
}

struct loader {
	struct nd_view_delta d[1024];
	size_t n;
	struct nd_rank *rank;
	struct nd_reading *reading;
	int64_t now;
};

static int load_hour(void *ctx, int64_t article, int64_t hour, int64_t views)
{
	struct loader *l = ctx;

	if (views <= 0 || views > UINT32_MAX)
		return 0;
	l->d[l->n++] = (struct nd_view_delta){article, hour, (uint32_t)views};
	if (article > 0 && article <= UINT32_MAX)
		nd_reading_views(l->reading, (uint32_t)article, (uint32_t)views,
		                 hour * 3600 + 1800);
	if (l->n == sizeof(l->d) / sizeof(l->d[0])) {
		rank_add(l->rank, l->d, l->n, l->now);
		l->n = 0;
	}
	return 0;
}

/*
 * Inside the counter's start snapshot (its totals and the node log's end):
 * the Ranking's stored hours of the last 7 days, the popularity they give,
 * and the reading histories. Read in the same snapshot as the log's end,
 * they lack exactly what the log brings next (docs/internals/node-sync.md).
 */
static int load(void *ctx, struct nd_store *s)
{
	struct nd_engage *e = ctx;
	struct loader *l = nd_xcalloc(1, sizeof(*l));
	int64_t now = (int64_t)time(NULL);
	int rc;

	l->rank = e->rank;
	l->reading = e->reading;
	l->now = now;
	rc = nd_store_each_view_hour(s, nd_rank_first_hour(now, ND_RANK_7D), load_hour, l);
	if (!rc && l->n)
		rank_add(e->rank, l->d, l->n, now);
	free(l);
	return rc ? rc : nd_reading_load(e->reading, s, now);
}

/* On the flusher thread: what readers on the other nodes read. */
static void remote_reads(void *ctx, const struct nd_history_rec *r, size_t n)
{
	nd_reading_remote(((struct nd_engage *)ctx)->reading, r, n);
}

/* On the flusher thread after each flush (its deltas include the other
 * nodes'): the Ranking, the popularity, the histories' store queue, the
 * minute's sweeps. */
static void flushed(void *ctx, const struct nd_view_delta *d, size_t n, int64_t now)
{
	struct nd_engage *e = ctx;
	int64_t ms = now * 1000;

	rank_add(e->rank, d, n, now);
	for (size_t i = 0; i < n; i++)
		if (d[i].article_id > 0 && d[i].article_id <= UINT32_MAX)
			nd_reading_views(e->reading, (uint32_t)d[i].article_id, d[i].views, now);
	nd_reading_flush(e->reading, now);
	if (ms - e->last_sweep_ms < SWEEP_MS)
		return;
	e->last_sweep_ms = ms;
	nd_dedupe_sweep(e->dedupe, ms);
	nd_pace_sweep(e->pace, ms);
}

/* Splits cfg->reactions ("verygood:veryGood!,sad:Sad") into slugs. */
static int parse_types(struct nd_engage *e, const char *spec, size_t *count)
{
	char *p;

	*count = 0;
	e->types_buf = nd_xstrdup(spec);
	for (char *next = e->types_buf; next;) {
		char *colon;

		p = next;
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		colon = strchr(p, ':');

		if (colon)
			*colon = '\0';
		if (!*p)
			continue;
		if (*count == ND_REACTION_TYPES_MAX)
			return nd_error(ND_EINVAL, "reactions: at most %d types",
			                ND_REACTION_TYPES_MAX);
		e->labels[*count] = colon && colon[1] ? colon + 1 : p;
		for (const char *c = p; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' ||
			      *c == '-'))
				return nd_error(
				    ND_EINVAL,
				    "reactions: type '%s' may hold only a-z, 0-9, _ and -", p);
		e->types[(*count)++] = p;
	}
	return 0;
}

int nd_engage_open(const struct nd_config *cfg, struct nd_engage **out)
{
	struct nd_engage *e = nd_xcalloc(1, sizeof(*e));
	struct nd_counter_options o = {0};
	uint8_t cookie_key[ND_VISITOR_KEY_LEN], salt_key[ND_VISITOR_KEY_LEN];
	struct nd_store *s = NULL;
	size_t ntypes;
	int rc;

	*out = NULL;
	e->count_views = cfg->count_views;
	if ((rc = parse_types(e, cfg->reactions, &ntypes)))
		goto fail;
	/* The secrets live in the store, so every node and every restart
	 * recognise the same cookies. */
	if ((rc = nd_store_open(cfg->db, &s)) ||
	    (rc = nd_store_secret(s, "visitor_cookie_key", cookie_key, sizeof(cookie_key))) ||
	    (rc = nd_store_secret(s, "visitor_salt_key", salt_key, sizeof(salt_key))))
		goto fail;
	/* The Ranking and the histories are loaded with the counter's totals
	 * (load, below); the histories' purge runs with the first flush. */
	e->rank = nd_rank_new(NULL, (int64_t)time(NULL));
	if ((rc = nd_reading_open(NULL, cfg->db, cfg->history_days, (int64_t)time(NULL),
	                          &e->reading)))
		goto fail;
	/* This node's id in the node log: its counter and its histories write
	 * under it, and skip its rows when reading the others'. */
	randombytes_buf(&o.node, sizeof(o.node));
	o.node = (int64_t)((uint64_t)o.node & (uint64_t)INT64_MAX) | 1;
	nd_reading_log_as(e->reading, o.node);
	nd_store_close(s);
	s = NULL;
	pthread_mutex_init(&e->catalogue_lock, NULL);
	e->lock_ready = true;
	atomic_store(&e->catalogue_gen, -1);
	nd_visitor_keys_init(&e->keys, cookie_key, salt_key);
	sodium_memzero(cookie_key, sizeof(cookie_key));
	sodium_memzero(salt_key, sizeof(salt_key));
	if ((rc = nd_bots_new_default(&e->bots)))
		goto fail;
	e->dedupe = nd_dedupe_new(DEDUPE_SLOTS, cfg->dedupe_minutes);
	e->pace = nd_pace_new(PACE_SLOTS, 0, 0);
	e->rl_visitor = nd_ratelimit_new(16384, cfg->reaction_limit_visitor,
	                                 cfg->reaction_limit_visitor / 3.0 + 1);
	e->rl_addr =
	    nd_ratelimit_new(16384, cfg->reaction_limit_ip, cfg->reaction_limit_ip / 6.0 + 1);
	randombytes_buf(&e->nonce, sizeof(e->nonce));
	o.db_url = cfg->db;
	o.flush_ms = cfg->counter_flush_ms;
	memcpy(o.types, e->types, sizeof(o.types));
	o.type_count = ntypes;
	o.on_flush = flushed;
	o.on_flush_ctx = e;
	o.on_load = load;
	o.on_load_ctx = e;
	o.on_read = remote_reads;
	o.on_read_ctx = e;
	if ((rc = nd_counter_open(&o, &e->counter)))
		goto fail;
	e->values = (struct nd_hole_values){views_of, reaction_of, ntypes, e->types, e, NULL, NULL};
	*out = e;
	return 0;
fail:
	nd_store_close(s);
	nd_engage_close(e);
	return rc;
}

void nd_engage_close(struct nd_engage *e)
{
	if (!e)
		return;
	nd_counter_close(e->counter); /* before rank: its last flush feeds it */
	nd_rank_free(e->rank);
	nd_reading_close(e->reading);
	if (e->lock_ready)
		pthread_mutex_destroy(&e->catalogue_lock);
	nd_bots_free(e->bots);
	nd_dedupe_free(e->dedupe);
	nd_pace_free(e->pace);
	nd_ratelimit_free(e->rl_visitor);
	nd_ratelimit_free(e->rl_addr);
	nd_visitor_keys_release(&e->keys);
	free(e->types_buf);
	free(e);
}

void nd_engage_reader(struct nd_engage *e, struct nd_http_request *req, struct nd_reader *r)
{
	const char *cookie = nd_http_cookie(req, ND_VISITOR_COOKIE_NAME);
	const char *ua = nd_http_header(req, "User-Agent");

	memset(r, 0, sizeof(*r));
	r->bot = nd_bots_match(e->bots, ua, ua ? strlen(ua) : 0);
	if (cookie && nd_visitor_from_cookie(&e->keys, cookie, strlen(cookie), &r->v))
		return;
	{
		uint8_t addr[16];
		bool has_addr = nd_http_client_addr(req, addr) == 0;

		nd_visitor_fallback(&e->keys, has_addr ? addr : NULL, has_addr ? sizeof(addr) : 0,
		                    ua, ua ? strlen(ua) : 0, (int64_t)time(NULL) / 86400, &r->v);
	}
	/* No cookie for bots: they would not send it back anyway. */
	if (!r->bot)
		nd_visitor_mint(&e->keys, &r->minted, r->cookie);
}

/* Puts a read of article into r's history (handler/reading.h). */
static void note_read(struct nd_engage *e, struct nd_http_request *req, const struct nd_reader *r,
                      uint32_t article, int64_t now)
{
	uint8_t who[ND_HISTORY_VISITOR_LEN];

	if (!nd_reading_declined(req) && nd_engage_history_id(r, who))
		nd_reading_view(e->reading, who, article, now, r->cookie[0] != '\0');
}

bool nd_engage_view(struct nd_engage *e, struct nd_http_request *req, const struct nd_reader *r,
                    uint32_t article)
{
	int64_t ms = now_ms();
	bool first;

	if (!e->count_views || req->head || strcmp(req->method, "GET") || r->bot)
		return false;
	if (nd_bots_is_prefetch(nd_http_header(req, "Sec-Purpose"), nd_http_header(req, "Purpose"),
	                        nd_http_header(req, "X-Purpose"), nd_http_header(req, "X-Moz")))
		return false;
	first = nd_dedupe_first(e->dedupe, &r->v, article, ms);
	/* The cookie set now comes back with the reader's next request: the
	 * view is the same one. */
	if (r->cookie[0])
		nd_dedupe_first(e->dedupe, &r->minted, article, ms);
	if (!first || !nd_pace_allow(e->pace, &r->v, ms)) {
		/* A reader new to us shares the fallback identity (address and
		 * User-Agent) with everyone behind one NAT: that the identity
		 * read the article, or reads too fast, says nothing about this
		 * reader, whose own cookie starts now. Not a view, but a read. */
		if (r->cookie[0])
			note_read(e, req, r, article, ms / 1000);
		return false;
	}
	nd_counter_view(e->counter, article, ms / 1000);
	/* A click on a Recommendation link (recommendation.mustache adds
	 * ?ref=rec): the list's click-through rate. */
	{
		const char *ref = nd_http_query(req, "ref");

		if (ref && !strcmp(ref, "rec"))
			nd_recs_model_clicked(nd_reading_model(e->reading), article, ms / 1000);
	}
	note_read(e, req, r, article, ms / 1000);
	return true;
}

bool nd_engage_history_id(const struct nd_reader *r, uint8_t out[ND_HISTORY_VISITOR_LEN])
{
	const struct nd_visitor *v = r->cookie[0] ? &r->minted : &r->v;

	/* Only a cookie names one reader over days; the fallback hash changes
	 * daily and is shared behind one address. */
	if (r->bot || v->kind != ND_VISITOR_COOKIE)
		return false;
	out[0] = v->kind;
	memcpy(out + 1, v->id, ND_VISITOR_ID_LEN);
	return true;
}

struct nd_reading *nd_engage_reading(struct nd_engage *e)
{
	return e->reading;
}

void nd_engage_set_cookie(struct nd_engage *e, struct nd_http_request *req,
                          struct nd_http_response *res, const struct nd_reader *r, bool secure)
{
	(void)e;
	if (!r->cookie[0])
		return;
	nd_http_add_header(
	    res, "Set-Cookie",
	    nd_arena_printf(req->arena,
	                    "%s=%s; Path=/; Max-Age=" COOKIE_AGE "; HttpOnly; SameSite=Lax%s",
	                    ND_VISITOR_COOKIE_NAME, r->cookie, secure ? "; Secure" : ""));
}

void nd_engage_sync(struct nd_engage *e, const struct nd_site *site)
{
	struct nd_rank_article *a;

	if (atomic_load_explicit(&e->catalogue_gen, memory_order_acquire) == site->generation)
		return;
	pthread_mutex_lock(&e->catalogue_lock);
	if (atomic_load_explicit(&e->catalogue_gen, memory_order_relaxed) != site->generation) {
		a = nd_xcalloc(site->article_count + 1, sizeof(*a));
		for (size_t i = 0; i < site->article_count; i++) {
			const struct nd_site_article *x = &site->articles[i];

			a[i].id = x->key;
			a[i].published_at = x->published_at;
			for (const struct nd_site_section *sec = x->section;
			     sec && a[i].nscopes < ND_MAX_SECTION_DEPTH; sec = sec->parent)
				a[i].scopes[a[i].nscopes++] = (uint32_t)sec->id;
		}
		nd_rank_set_articles(e->rank, a, site->article_count);
		free(a);
		atomic_store_explicit(&e->catalogue_gen, site->generation, memory_order_release);
	}
	pthread_mutex_unlock(&e->catalogue_lock);
}

const struct nd_rank *nd_engage_rank(const struct nd_engage *e)
{
	return e->rank;
}

uint64_t nd_engage_nonce(const struct nd_engage *e)
{
	return e->nonce;
}

const struct nd_hole_values *nd_engage_values(const struct nd_engage *e)
{
	return &e->values;
}

size_t nd_engage_types(const struct nd_engage *e, const char *const **slugs,
                       const char *const **labels)
{
	*slugs = e->types;
	*labels = e->labels;
	return e->values.type_count;
}

struct nd_counter *nd_engage_counter(struct nd_engage *e)
{
	return e->counter;
}

bool nd_engage_may_react(struct nd_engage *e, struct nd_http_request *req,
                         const struct nd_reader *r, int *retry_after)
{
	uint8_t addr[16] = {0};
	int64_t ms = now_ms();
	int wait = 0;

	*retry_after = 0;
	nd_http_client_addr(req, addr);
	if (!nd_ratelimit_take(e->rl_visitor, XXH3_64bits(&r->v, sizeof(r->v)), ms, &wait)) {
		*retry_after = wait;
		return false;
	}
	if (!nd_ratelimit_take(e->rl_addr, XXH3_64bits(addr, sizeof(addr)), ms, &wait)) {
		*retry_after = wait;
		return false;
	}
	return true;
}
