#include "core/ratelimit.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/mem.h"

#define WAYS    8  /* slots a key may live in: one set */
#define STRIPES 64 /* mutexes; set i is guarded by lock i % STRIPES */

/* An unused slot reads as key 0 with a full bucket, which is exactly what a
 * key seen for the first time gets: no "empty" flag is needed, and key 0
 * works like any other. */
struct slot {
	uint64_t key;
	double tokens;
	int64_t last_ms;
};

struct nd_ratelimit {
	double per_ms; /* tokens per millisecond; 0: no limit */
	double burst;
	size_t set_mask; /* sets - 1; sets is a power of two */
	struct slot *slots;
	pthread_mutex_t locks[STRIPES];
};

/* splitmix64's finalizer: callers may pass keys that are not hashes. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct nd_ratelimit *nd_ratelimit_new(size_t slots, double per_minute, double burst)
{
	struct nd_ratelimit *rl = nd_xcalloc(1, sizeof(*rl));
	size_t sets = 1;

	if (!(per_minute > 0)) /* also NaN */
		return rl;
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst >= 1 ? burst : 1;
	while (sets * WAYS < slots && sets < SIZE_MAX / (2 * WAYS * sizeof(struct slot)))
		sets *= 2;
	rl->set_mask = sets - 1;
	rl->slots = nd_xmalloc(sets * WAYS * sizeof(struct slot));
	for (size_t i = 0; i < sets * WAYS; i++)
		rl->slots[i] = (struct slot){0, rl->burst, 0};
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_init(&rl->locks[i], NULL);
	return rl;
}

void nd_ratelimit_free(struct nd_ratelimit *rl)
{
	if (!rl)
		return;
	if (rl->slots)
		for (size_t i = 0; i < STRIPES; i++)
			pthread_mutex_destroy(&rl->locks[i]);
	free(rl->slots);
	free(rl);
}

/* The tokens s holds at now_ms. */
static double refill(const struct nd_ratelimit *rl, const struct slot *s, int64_t now_ms)
{
	double t = s->tokens;

	if (now_ms > s->last_ms)
		t += (double)(now_ms - s->last_ms) * rl->per_ms;
	return t < rl->burst ? t : rl->burst;
}

bool nd_ratelimit_take(struct nd_ratelimit *rl, uint64_t key, int64_t now_ms, int *retry_after_s)
{
	size_t set;
	struct slot *ways, *s = NULL;
	pthread_mutex_t *lock;
	bool ok;

	if (!rl->slots)
		return true;
	set = (size_t)mix(key) & rl->set_mask;
	ways = &rl->slots[set * WAYS];
	lock = &rl->locks[set % STRIPES];
	pthread_mutex_lock(lock);
	for (size_t i = 0; i < WAYS && !s; i++)
		if (ways[i].key == key)
			s = &ways[i];
	if (!s) {
		/* Evict the fullest bucket: it is the closest to what a new key
		 * gets, so replacing it forgets the least. */
		double best = -1;
		for (size_t i = 0; i < WAYS; i++) {
			double t = refill(rl, &ways[i], now_ms);
			if (t > best) {
				best = t;
				s = &ways[i];
			}
		}
		*s = (struct slot){key, rl->burst, now_ms};
	}
	s->tokens = refill(rl, s, now_ms);
	if (now_ms > s->last_ms)
		s->last_ms = now_ms;
	ok = s->tokens >= 1;
	if (ok) {
		s->tokens -= 1;
	} else if (retry_after_s) {
		/* Rounded up, less a hair so 2.0000000001 s is not 3. */
		double wait_s = (1 - s->tokens) / rl->per_ms / 1000.0 - 1e-6;
		int whole = wait_s >= INT_MAX ? INT_MAX : (int)wait_s;
		if (whole < wait_s && whole < INT_MAX)
			whole++;
		*retry_after_s = whole < 1 ? 1 : whole;
	}
	pthread_mutex_unlock(lock);
	return ok;
}
