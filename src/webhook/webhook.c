/* Webhooks: a queue, one sender thread, libcurl, HMAC-SHA256 (webhook/webhook.h). */
#include "webhook/webhook.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"

struct job {
	const struct nd_webhook_cfg *hook; /* borrowed from the config */
	unsigned event;
	char *ext_id, *payload;
	int64_t delivery; /* webhook_deliveries.id; 0: not logged yet */
	int attempts;
	struct timespec due; /* CLOCK_MONOTONIC */
	struct job *next;
};

struct nd_webhooks {
	const struct nd_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *queue; /* by due time */
	bool stopping;
};

void nd_webhook_sign(const char *secret, const char *body, size_t len, char out[ND_WEBHOOK_SIG_LEN])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, ND_WEBHOOK_SIG_LEN - 7, mac, sizeof(mac));
}

static void job_free(struct job *j)
{
	free(j->ext_id);
	free(j->payload);
	free(j);
}

/* Inserts j by due time (the lock held). */
static void enqueue(struct nd_webhooks *w, struct job *j)
{
	struct job **p = &w->queue;

	while (*p && ((*p)->due.tv_sec < j->due.tv_sec ||
	              ((*p)->due.tv_sec == j->due.tv_sec && (*p)->due.tv_nsec <= j->due.tv_nsec)))
		p = &(*p)->next;
	j->next = *p;
	*p = j;
}

void nd_webhooks_emit(struct nd_webhooks *w, unsigned event, const char *ext_id,
                      const char *payload)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	for (const struct nd_webhook_cfg *h = w->cfg->webhooks; h; h = h->next) {
		struct job *j;

		if (!(h->events & event))
			continue;
		j = nd_xcalloc(1, sizeof(*j));
		j->hook = h;
		j->event = event;
		j->ext_id = nd_xstrdup(ext_id);
		j->payload = nd_xstrdup(payload);
		clock_gettime(CLOCK_MONOTONIC, &j->due);
		enqueue(w, j);
	}
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* One attempt: 0 and *http (2xx), or -1 with *http (0: no answer) and err. */
static int post(struct job *j, long *http, char *err, size_t errlen)
{
	char sig[ND_WEBHOOK_SIG_LEN], h_sig[100], h_event[64], h_id[64];
	char cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	CURL *c = curl_easy_init();
	CURLcode rc;
	int ret = -1;

	*http = 0;
	if (!c) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	nd_webhook_sign(j->hook->secret, j->payload, strlen(j->payload), sig);
	snprintf(h_sig, sizeof(h_sig), "X-Newsdesk-Signature: %s", sig);
	snprintf(h_event, sizeof(h_event), "X-Newsdesk-Event: %s", nd_webhook_event_name(j->event));
	snprintf(h_id, sizeof(h_id), "X-Newsdesk-Delivery: %lld", (long long)j->delivery);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "User-Agent: newsdesk-webhook/" ND_VERSION);
	hdrs = curl_slist_append(hdrs, h_sig);
	hdrs = curl_slist_append(hdrs, h_event);
	hdrs = curl_slist_append(hdrs, h_id);
	curl_easy_setopt(c, CURLOPT_URL, j->hook->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->payload);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(j->payload));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", *cerr ? cerr : curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
		if (*http >= 200 && *http < 300)
			ret = 0;
		else
			snprintf(err, errlen, "HTTP %ld", *http);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return ret;
}

/* Sends j once and logs it; returns true when it is done (delivered or given up). */
static bool attempt(struct nd_webhooks *w, struct nd_store *s, struct job *j)
{
	char err[CURL_ERROR_SIZE + 32] = "";
	const char *event = nd_webhook_event_name(j->event);
	int64_t now = (int64_t)time(NULL);
	bool done;
	long http;
	int rc;

	(void)w;
	if (!j->delivery && s)
		nd_store_delivery_add(s, j->hook->name, event, j->hook->url, j->ext_id, now,
		                      &j->delivery);
	rc = post(j, &http, err, sizeof(err));
	j->attempts++;
	done = rc == 0 || j->attempts >= ND_WEBHOOK_TRIES;
	if (s && j->delivery)
		nd_store_delivery_update(s, j->delivery,
		                         rc == 0 ? "delivered"
		                         : done  ? "failed"
		                                 : "pending",
		                         http, err, (int64_t)time(NULL));
	if (rc == 0)
		nd_log(ND_LOG_INFO, "webhook '%s': %s of '%s' delivered (HTTP %ld, try %d)",
		       j->hook->name, event, j->ext_id, http, j->attempts);
	else
		nd_log(ND_LOG_WARN, "webhook '%s': %s of '%s' to '%s' failed (try %d of %d): %s",
		       j->hook->name, event, j->ext_id, j->hook->url, j->attempts, ND_WEBHOOK_TRIES,
		       err);
	return done;
}

static void *run(void *arg)
{
	struct nd_webhooks *w = arg;
	struct nd_store *s = NULL;

	if (nd_store_open(w->cfg->db, &s))
		nd_log(ND_LOG_ERROR, "webhooks: cannot open store '%s': deliveries go unlogged",
		       w->cfg->db);
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct timespec now;
		struct job *j = w->queue;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!j) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		if (j->due.tv_sec > now.tv_sec ||
		    (j->due.tv_sec == now.tv_sec && j->due.tv_nsec > now.tv_nsec)) {
			pthread_cond_timedwait(&w->cond, &w->lock, &j->due);
			continue;
		}
		w->queue = j->next;
		pthread_mutex_unlock(&w->lock);
		if (attempt(w, s, j)) {
			job_free(j);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		/* Again after 1, 2, 4, 8 s. */
		clock_gettime(CLOCK_MONOTONIC, &j->due);
		j->due.tv_sec += (time_t)1 << (j->attempts - 1);
		pthread_mutex_lock(&w->lock);
		enqueue(w, j);
	}
	while (w->queue) {
		struct job *j = w->queue;

		w->queue = j->next;
		if (s && j->delivery)
			nd_store_delivery_update(s, j->delivery, "failed", 0, "shut down",
			                         (int64_t)time(NULL));
		else if (s)
			nd_log(ND_LOG_WARN, "webhook '%s': %s of '%s' not sent: shut down",
			       j->hook->name, nd_webhook_event_name(j->event), j->ext_id);
		job_free(j);
	}
	pthread_mutex_unlock(&w->lock);
	nd_store_close(s);
	return NULL;
}

int nd_webhooks_start(const struct nd_config *cfg, struct nd_webhooks **out)
{
	struct nd_webhooks *w;
	pthread_condattr_t ca;

	*out = NULL;
	if (!cfg->webhooks)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || sodium_init() < 0)
		return nd_error(ND_EIO, "webhooks: cannot start libcurl or libsodium");
	w = nd_xcalloc(1, sizeof(*w));
	w->cfg = cfg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, run, w)) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return nd_error(ND_EIO, "webhooks: cannot start the sender thread");
	}
	for (const struct nd_webhook_cfg *h = cfg->webhooks; h; h = h->next)
		nd_log(ND_LOG_INFO, "webhook '%s': %s", h->name, h->url);
	*out = w;
	return 0;
}

void nd_webhooks_stop(struct nd_webhooks *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	curl_global_cleanup();
}
