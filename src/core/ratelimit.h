#pragma once
/*
 * nd_ratelimit: token buckets keyed by a 64-bit key (a hash of a visitor id
 * or of a client address), in a fixed-size table, so memory stays bounded
 * however many keys a client invents.
 *
 * A key starts with a full bucket of `burst` tokens; each request takes one,
 * and tokens come back at `per_minute` per minute up to `burst`. The table is
 * set-associative: a key lives in one of a few slots chosen by its hash.
 * When they are all taken, the entry evicted is the one whose bucket is the
 * fullest by now, and a full bucket is what a new key starts with anyway, so
 * eviction forgets as little as it can: a key loses its debt only when every
 * slot of its set holds a key in more debt.
 *
 * Thread-safe: each set is guarded by one of a fixed number of striped
 * mutexes. Meant for endpoints that write (reactions), not the page path.
 * Time is passed in (milliseconds on any monotonic clock), so tests need no
 * sleeping.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_ratelimit;

/*
 * A limiter with room for about `slots` keys (rounded up to a power of two,
 * at least one set), refilling per_minute tokens a minute up to burst
 * (burst below 1 counts as 1). per_minute <= 0 makes a limiter that allows
 * everything and holds no table. Caller owns the result (nd_ratelimit_free).
 */
struct nd_ratelimit *nd_ratelimit_new(size_t slots, double per_minute, double burst);

/* Frees rl (NULL is fine). */
void nd_ratelimit_free(struct nd_ratelimit *rl);

/*
 * Takes one token from key's bucket at time now_ms. Returns true when there
 * was one (the request may go ahead). Returns false when the bucket is
 * empty; then *retry_after_s, if not NULL, gets the whole seconds until a
 * token is back (at least 1), for a Retry-After header. A refused request
 * takes nothing, so a client that keeps hammering is let through again as
 * soon as its bucket refills. A clock that goes backwards refills nothing.
 */
bool nd_ratelimit_take(struct nd_ratelimit *rl, uint64_t key, int64_t now_ms, int *retry_after_s);
