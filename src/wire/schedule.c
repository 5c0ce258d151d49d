/* The wire fetch schedule of `serve`: one background thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"
#include "wire/wire.h"

struct nd_wire_sched {
	const struct nd_config *cfg;
	nd_wire_saved_fn saved;
	void *saved_ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
};

static void *run(void *arg)
{
	struct nd_wire_sched *w = arg;
	struct nd_wire_opts o;
	char *state = NULL;

	nd_wire_opts_from_config(&o, w->cfg, &state);
	o.stop = &w->stop;
	o.saved = w->saved;
	o.saved_ctx = w->saved_ctx;
	while (!atomic_load(&w->stop)) {
		struct nd_store *s = NULL;
		struct timespec until;

		/* A handle per run: the database may have been replaced, and an
		 * idle handle would hold nothing useful between runs. */
		if (nd_store_open(w->cfg->db, &s) == 0)
			nd_wire_run(s, &o, NULL);
		else
			nd_log(ND_LOG_WARN, "wire: cannot open store '%s': fetch skipped",
			       w->cfg->db);
		nd_store_close(s);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += w->cfg->fetch_interval;
		pthread_mutex_lock(&w->lock);
		while (!atomic_load(&w->stop) &&
		       pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&w->lock);
	}
	free(state);
	return NULL;
}

int nd_wire_sched_start(const struct nd_config *cfg, nd_wire_saved_fn saved, void *saved_ctx,
                        struct nd_wire_sched **out)
{
	struct nd_wire_sched *w;
	pthread_condattr_t ca;

	*out = NULL;
	if (!cfg->feed_count || cfg->fetch_interval <= 0)
		return 0;
	w = nd_xcalloc(1, sizeof(*w));
	w->cfg = cfg;
	w->saved = saved;
	w->saved_ctx = saved_ctx;
	atomic_init(&w->stop, false);
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, run, w)) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return nd_error(ND_EIO, "cannot start the wire fetch thread");
	}
	nd_log(ND_LOG_INFO, "wire: fetching %zu feeds now and every %d s", cfg->feed_count,
	       cfg->fetch_interval);
	*out = w;
	return 0;
}

void nd_wire_sched_stop(struct nd_wire_sched *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	atomic_store(&w->stop, true);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
