#include "handler/reading.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "http/http.h"

#define PURGE_EVERY 86400
#define QUEUE_MAX   (1u << 20) /* rows held when the store cannot keep up */
#define FIRST_SLOTS (1u << 16) /* first views waiting for their reader's return */
#define FIRST_TTL   86400

struct first_view {
	uint8_t visitor[ND_HISTORY_VISITOR_LEN];
	uint32_t article;
	int64_t at;
};

struct nd_reading {
	struct nd_histories *hist;
	struct nd_recs_model *model;
	char *db_url;
	struct nd_store *store; /* the flusher's handle, opened on first use */
	int64_t node;           /* its node log id (nd_reading_log_as); 0: none */
	int64_t max_age;        /* seconds */
	int64_t last_purge;
	pthread_mutex_t lock; /* the queue */
	struct nd_history_rec *queue;
	size_t queued, cap, dropped;
	pthread_mutex_t first_lock;
	struct first_view *first; /* FIRST_SLOTS, by visitor hash */
};

struct replay {
	struct nd_reading *rd;
	struct nd_history_item items[ND_HISTORY_MAX];
};

static int replay_row(void *ctx, const struct nd_history_rec *rec)
{
	struct replay *r = ctx;
	size_t n;

	if (rec->article_id <= 0 || rec->article_id > UINT32_MAX)
		return 0;
	n = nd_histories_get(r->rd->hist, rec->visitor, r->items, ND_HISTORY_MAX);
	nd_recs_model_visit(r->rd->model, r->items, n, (uint32_t)rec->article_id, rec->at);
	nd_histories_add(r->rd->hist, rec->visitor, (uint32_t)rec->article_id, rec->at);
	return 0;
}

int nd_reading_open(struct nd_store *s, const char *db_url, int history_days, int64_t now,
                    struct nd_reading **out)
{
	struct nd_reading *rd = nd_xcalloc(1, sizeof(*rd));
	int64_t purged = 0;
	int rc = 0;

	*out = NULL;
	rd->hist = nd_histories_new(ND_HISTORY_MAX);
	rd->model = nd_recs_model_new(NULL, now);
	rd->db_url = nd_xstrdup(db_url);
	rd->max_age = (int64_t)history_days * 86400;
	/* Without s the purge runs with the first flush. */
	rd->last_purge = s ? now : now - PURGE_EVERY;
	pthread_mutex_init(&rd->lock, NULL);
	pthread_mutex_init(&rd->first_lock, NULL);
	rd->first = nd_xcalloc(FIRST_SLOTS, sizeof(*rd->first));
	if (s && (rc = nd_store_history_purge(s, now - rd->max_age, ND_HISTORY_MAX, &purged)) == 0)
		rc = nd_reading_load(rd, s, now);
	if (rc) {
		nd_reading_close(rd);
		return rc;
	}
	if (purged)
		nd_log(ND_LOG_INFO, "reading histories: purged %lld rows older than %d days",
		       (long long)purged, history_days);
	*out = rd;
	return 0;
}

int nd_reading_load(struct nd_reading *rd, struct nd_store *s, int64_t now)
{
	struct replay *r = nd_xcalloc(1, sizeof(*r));
	int rc;

	r->rd = rd;
	rc = nd_store_each_history(s, now - rd->max_age, replay_row, r);
	free(r);
	return rc;
}

void nd_reading_log_as(struct nd_reading *rd, int64_t node)
{
	rd->node = node;
}

void nd_reading_remote(struct nd_reading *rd, const struct nd_history_rec *r, size_t n)
{
	struct replay *rp = nd_xcalloc(1, sizeof(*rp));

	rp->rd = rd;
	for (size_t i = 0; i < n; i++)
		replay_row(rp, &r[i]);
	free(rp);
}

/* The flusher's handle, opened on first use; 0 or the store's error. */
static int flusher_store(struct nd_reading *rd)
{
	int rc;

	if (rd->store)
		return 0;
	if ((rc = nd_store_open(rd->db_url, &rd->store)) != 0) {
		rd->store = NULL;
		return rc;
	}
	return nd_store_nodelog_as(rd->store, rd->node);
}

void nd_reading_close(struct nd_reading *rd)
{
	if (!rd)
		return;
	if (rd->queued && flusher_store(rd) == 0 &&
	    nd_store_history_add(rd->store, rd->queue, rd->queued) != 0)
		nd_log(ND_LOG_WARN, "reading histories: %zu rows not saved", rd->queued);
	nd_store_close(rd->store);
	nd_histories_free(rd->hist);
	nd_recs_model_free(rd->model);
	pthread_mutex_destroy(&rd->lock);
	pthread_mutex_destroy(&rd->first_lock);
	free(rd->first);
	free(rd->queue);
	free(rd->db_url);
	free(rd);
}

static bool header_is_1(struct nd_http_request *req, const char *name)
{
	const char *v = nd_http_header(req, name);

	return v && v[0] == '1' && (v[1] == '\0' || v[1] == ' ' || v[1] == ',');
}

bool nd_reading_declined(struct nd_http_request *req)
{
	return header_is_1(req, "DNT") || header_is_1(req, "Sec-GPC");
}

/* The history, the model and the store queue for one view. */
static void record(struct nd_reading *rd, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                   uint32_t article, int64_t now)
{
	struct nd_history_item items[ND_HISTORY_MAX];
	size_t n = nd_histories_get(rd->hist, visitor, items, ND_HISTORY_MAX);

	nd_recs_model_visit(rd->model, items, n, article, now);
	nd_histories_add(rd->hist, visitor, article, now);
	pthread_mutex_lock(&rd->lock);
	if (rd->queued == rd->cap && rd->cap < QUEUE_MAX) {
		rd->cap = rd->cap ? rd->cap * 2 : 256;
		rd->queue = nd_xrealloc(rd->queue, rd->cap * sizeof(*rd->queue));
	}
	if (rd->queued < rd->cap) {
		struct nd_history_rec *q = &rd->queue[rd->queued++];

		memcpy(q->visitor, visitor, ND_HISTORY_VISITOR_LEN);
		q->article_id = article;
		q->at = now;
	} else {
		rd->dropped++;
	}
	pthread_mutex_unlock(&rd->lock);
}

static struct first_view *first_slot(struct nd_reading *rd, const uint8_t *visitor)
{
	uint32_t h;

	memcpy(&h, visitor + 1, sizeof(h)); /* the id is random */
	return &rd->first[h & (FIRST_SLOTS - 1)];
}

void nd_reading_view(struct nd_reading *rd, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                     uint32_t article, int64_t now, bool first)
{
	struct nd_history_item newest;
	struct first_view *f = first_slot(rd, visitor), seen = {0};

	pthread_mutex_lock(&rd->first_lock);
	if (first) {
		memcpy(f->visitor, visitor, ND_HISTORY_VISITOR_LEN);
		f->article = article;
		f->at = now;
	} else if (f->article && !memcmp(f->visitor, visitor, ND_HISTORY_VISITOR_LEN)) {
		seen = *f;
		*f = (struct first_view){0};
	}
	pthread_mutex_unlock(&rd->first_lock);
	if (first)
		return;
	/* Back with the cookie: the first page joins the history first. */
	if (seen.article && now - seen.at < FIRST_TTL && seen.article != article &&
	    !nd_histories_get(rd->hist, visitor, &newest, 1))
		record(rd, visitor, seen.article, seen.at);
	record(rd, visitor, article, now);
}

size_t nd_reading_history(struct nd_reading *rd, const uint8_t visitor[ND_HISTORY_VISITOR_LEN],
                          struct nd_history_item *out, size_t max, int64_t now)
{
	size_t n = nd_histories_get(rd->hist, visitor, out, max);
	struct first_view *f = first_slot(rd, visitor);

	if (n || !max)
		return n;
	pthread_mutex_lock(&rd->first_lock);
	if (f->article && now - f->at < FIRST_TTL &&
	    !memcmp(f->visitor, visitor, ND_HISTORY_VISITOR_LEN))
		out[n++] = (struct nd_history_item){f->article, (uint32_t)f->at};
	pthread_mutex_unlock(&rd->first_lock);
	return n;
}

void nd_reading_views(struct nd_reading *rd, uint32_t article, uint32_t views, int64_t at)
{
	nd_recs_model_views(rd->model, article, views, at);
}

void nd_reading_flush(struct nd_reading *rd, int64_t now)
{
	struct nd_history_rec *batch;
	size_t n, dropped;
	int rc;

	pthread_mutex_lock(&rd->lock);
	batch = rd->queue;
	n = rd->queued;
	dropped = rd->dropped;
	rd->queue = NULL;
	rd->queued = rd->cap = rd->dropped = 0;
	pthread_mutex_unlock(&rd->lock);
	if (dropped)
		nd_log(ND_LOG_WARN, "reading histories: the store fell behind; %zu rows not saved",
		       dropped);
	if ((rc = flusher_store(rd)) != 0)
		nd_log(ND_LOG_WARN, "reading histories: %s", nd_strerror(rc));
	if (n && (!rd->store || nd_store_history_add(rd->store, batch, n) != 0)) {
		/* Put the batch back in front of what came meanwhile: the next
		 * flush tries again (also when the store could not be opened). */
		pthread_mutex_lock(&rd->lock);
		if (rd->queued + n <= QUEUE_MAX) {
			rd->queue = nd_xrealloc(rd->queue, (rd->queued + n) * sizeof(*batch));
			memmove(rd->queue + n, rd->queue, rd->queued * sizeof(*batch));
			memcpy(rd->queue, batch, n * sizeof(*batch));
			rd->queued += n;
			rd->cap = rd->queued;
		} else {
			rd->dropped += n;
		}
		pthread_mutex_unlock(&rd->lock);
	}
	free(batch);
	if (now - rd->last_purge >= PURGE_EVERY && rd->store) {
		int64_t purged = 0;

		rd->last_purge = now;
		nd_histories_purge(rd->hist, now - rd->max_age);
		if (nd_store_history_purge(rd->store, now - rd->max_age, ND_HISTORY_MAX, &purged) ==
		        0 &&
		    purged)
			nd_log(ND_LOG_INFO, "reading histories: purged %lld rows",
			       (long long)purged);
	}
}

struct nd_histories *nd_reading_histories(struct nd_reading *rd)
{
	return rd->hist;
}

struct nd_recs_model *nd_reading_model(struct nd_reading *rd)
{
	return rd->model;
}
