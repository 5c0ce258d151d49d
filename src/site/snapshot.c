#include "site/snapshot.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <urcu-bp.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/limits.h"
#include "site/page_cache.h"
#include "site/site.h"
#include "store/listen.h"
#include "store/store.h"

struct nd_snapshot {
	struct nd_site *current; /* RCU-protected */
	struct nd_store *store;  /* used by the watcher (and refresh) only */
	pthread_mutex_t lock;    /* serialises rebuilds; never taken by readers */
	pthread_cond_t wake;
	pthread_t watcher;
	bool stopping;
	/* PostgreSQL: a thread that hears other nodes' writes (store/listen.h)
	 * and wakes the watcher at once; NULL: the watcher only polls. */
	struct nd_store_listener *listener;
	pthread_t hearer;
	bool changed; /* under lock: heard since the watcher last looked */
	int interval_ms;
	size_t cache_bytes;
	nd_snapshot_swap_fn on_swap; /* under lock */
	void *on_swap_ctx;
};

/* Gives a snapshot not yet published its page cache. */
static void add_cache(struct nd_snapshot *snap, struct nd_site *site)
{
	if (snap->cache_bytes)
		site->pages = nd_page_cache_new(ND_PAGE_CACHE_SLOTS, snap->cache_bytes);
}

void nd_snapshot_read_lock(void)
{
	urcu_bp_read_lock();
}

void nd_snapshot_read_unlock(void)
{
	urcu_bp_read_unlock();
}

const struct nd_site *nd_snapshot_site(struct nd_snapshot *snap)
{
	return rcu_dereference(snap->current);
}

/* Caller holds snap->lock. */
static int rebuild(struct nd_snapshot *snap, bool force)
{
	struct nd_site *old = snap->current, *site;
	int64_t gen;
	int rc;

	if ((rc = nd_store_generation(snap->store, &gen)))
		return rc;
	if (!force && old && gen == old->generation &&
	    !(old->next_scheduled_at && old->next_scheduled_at <= (int64_t)time(NULL)))
		return 0;
	if ((rc = nd_site_build(snap->store, old, &site)))
		return rc;
	add_cache(snap, site);
	rcu_xchg_pointer(&snap->current, site);
	/* Wait until every reader that could hold the old snapshot left. */
	urcu_bp_synchronize_rcu();
	nd_log(ND_LOG_INFO, "site snapshot rebuilt: %zu articles, generation %lld",
	       site->article_count, (long long)site->generation);
	nd_site_free(old);
	/* A build allocates and frees far more than the site it keeps (the
	 * store's rows, the text analysis): give what is free back to the
	 * system, so the process holds what the site does. */
	malloc_trim(0);
	if (snap->on_swap)
		snap->on_swap(snap->on_swap_ctx, site);
	return 0;
}

static void *watch(void *arg)
{
	struct nd_snapshot *snap = arg;

	pthread_mutex_lock(&snap->lock);
	while (!snap->stopping) {
		struct timespec ts;
		int64_t next;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += snap->interval_ms / 1000;
		ts.tv_nsec += (long)(snap->interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		/* A scheduled article goes live at its second, not at the next poll. */
		next = snap->current->next_scheduled_at;
		if (next && next < ts.tv_sec) {
			ts.tv_sec = next;
			ts.tv_nsec = 0;
		}
		if (!snap->changed)
			pthread_cond_timedwait(&snap->wake, &snap->lock, &ts);
		snap->changed = false;
		if (snap->stopping)
			break;
		if (rebuild(snap, false))
			nd_log(ND_LOG_WARN,
			       "site snapshot rebuild failed; still serving generation %lld",
			       (long long)snap->current->generation);
	}
	pthread_mutex_unlock(&snap->lock);
	return NULL;
}

/* The listener's thread: each change heard wakes the watcher. */
static void *hear(void *arg)
{
	struct nd_snapshot *snap = arg;
	bool stopping = false;

	while (!stopping) {
		int ev = nd_store_listener_wait(snap->listener, snap->interval_ms);

		pthread_mutex_lock(&snap->lock);
		stopping = snap->stopping;
		if (ev == ND_LISTEN_CHANGED && !stopping) {
			snap->changed = true;
			pthread_cond_signal(&snap->wake);
		}
		pthread_mutex_unlock(&snap->lock);
	}
	return NULL;
}

/*
 * Listens for other writers when the store can say (PostgreSQL). Opened
 * before the first build, so no change between the two goes unheard. A
 * store that cannot is polled; one whose listener cannot connect now is
 * polled too (the store itself works, or the build fails next).
 */
static void listen_open(struct nd_snapshot *snap, const char *db_url)
{
	int rc = nd_store_listener_open(db_url, &snap->listener);

	if (rc && rc != ND_EUNSUPP)
		nd_log(ND_LOG_WARN, "site snapshot: polling the store every %d ms instead",
		       snap->interval_ms);
}

int nd_snapshot_open(const char *db_url, int interval_ms, size_t cache_bytes,
                     struct nd_snapshot **out)
{
	struct nd_snapshot *snap = nd_xcalloc(1, sizeof(*snap));
	int rc;

	pthread_mutex_init(&snap->lock, NULL);
	/* Deadlines are wall-clock times: scheduled articles are. */
	pthread_cond_init(&snap->wake, NULL);
	snap->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	if ((rc = nd_store_open(db_url, &snap->store)))
		goto out;
	snap->cache_bytes = cache_bytes;
	listen_open(snap, db_url);
	if ((rc = nd_site_build(snap->store, NULL, &snap->current)))
		goto out;
	malloc_trim(0);
	add_cache(snap, snap->current);
	if (pthread_create(&snap->watcher, NULL, watch, snap)) {
		rc = nd_error(ND_EIO, "cannot start the snapshot watcher thread");
		goto out;
	}
	if (snap->listener && pthread_create(&snap->hearer, NULL, hear, snap)) {
		nd_log(ND_LOG_WARN, "cannot start the change listener's thread; polling instead");
		nd_store_listener_close(snap->listener);
		snap->listener = NULL;
	}
	*out = snap;
out:
	if (rc) {
		nd_store_listener_close(snap->listener);
		nd_site_free(snap->current);
		nd_store_close(snap->store);
		pthread_cond_destroy(&snap->wake);
		pthread_mutex_destroy(&snap->lock);
		free(snap);
	}
	return rc;
}

void nd_snapshot_close(struct nd_snapshot *snap)
{
	if (!snap)
		return;
	pthread_mutex_lock(&snap->lock);
	snap->stopping = true;
	pthread_cond_signal(&snap->wake);
	pthread_mutex_unlock(&snap->lock);
	pthread_join(snap->watcher, NULL);
	if (snap->listener) {
		nd_store_listener_interrupt(snap->listener);
		pthread_join(snap->hearer, NULL);
		nd_store_listener_close(snap->listener);
	}
	urcu_bp_synchronize_rcu();
	nd_site_free(snap->current);
	nd_store_close(snap->store);
	pthread_cond_destroy(&snap->wake);
	pthread_mutex_destroy(&snap->lock);
	free(snap);
}

void nd_snapshot_on_swap(struct nd_snapshot *snap, nd_snapshot_swap_fn fn, void *ctx)
{
	pthread_mutex_lock(&snap->lock);
	snap->on_swap = fn;
	snap->on_swap_ctx = ctx;
	if (fn)
		fn(ctx, snap->current);
	pthread_mutex_unlock(&snap->lock);
}

int nd_snapshot_refresh(struct nd_snapshot *snap, int force)
{
	int rc;

	pthread_mutex_lock(&snap->lock);
	rc = rebuild(snap, force != 0);
	pthread_mutex_unlock(&snap->lock);
	return rc;
}
