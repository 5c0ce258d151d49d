#pragma once
/*
 * The current site snapshot, shared by every request thread, read without
 * locks (RCU: liburcu's bulletproof flavour, so threads libmicrohttpd
 * creates need no registration).
 *
 * A reader brackets its use:
 *	nd_snapshot_read_lock();
 *	const struct nd_site *site = nd_snapshot_site(snap);
 *	... use site, never past the unlock ...
 *	nd_snapshot_read_unlock();
 *
 * A background thread watches the store's generation counter (and the time
 * of the next scheduled article) and, when either says the site changed,
 * builds a new snapshot, swaps it in and frees the old one once no reader
 * can still hold it.
 */
#include <stddef.h>
#include <stdint.h>

struct nd_site;
struct nd_snapshot;

/*
 * Opens the store at db_url (a handle of its own), builds the first
 * snapshot and starts the watcher, which checks every interval_ms. Each
 * snapshot gets a page cache of cache_bytes (0: none). Errors: those of
 * nd_store_open and nd_site_build. Caller owns *out.
 */
int nd_snapshot_open(const char *db_url, int interval_ms, size_t cache_bytes,
                     struct nd_snapshot **out);
/* Stops the watcher and frees the snapshot; NULL is a no-op. */
void nd_snapshot_close(struct nd_snapshot *snap);

void nd_snapshot_read_lock(void);
void nd_snapshot_read_unlock(void);
/* The current site; borrowed, valid until nd_snapshot_read_unlock(). */
const struct nd_site *nd_snapshot_site(struct nd_snapshot *snap);

/*
 * fn (NULL: none) is called with ctx and the new site after each swap, on
 * the thread that made it (the watcher, or a caller of
 * nd_snapshot_refresh), never twice at once; the site stays valid during
 * the call. It is also called once at once with the current site, so it
 * sees the state it starts from. When nd_snapshot_on_swap returns, a
 * call to the fn it replaces is over.
 */
typedef void (*nd_snapshot_swap_fn)(void *ctx, const struct nd_site *site);
void nd_snapshot_on_swap(struct nd_snapshot *snap, nd_snapshot_swap_fn fn, void *ctx);

/* Rebuilds now if the store changed (or force is set) and waits for the
 * swap. 0 or the error of the rebuild (the old snapshot then stays). */
int nd_snapshot_refresh(struct nd_snapshot *snap, int force);
