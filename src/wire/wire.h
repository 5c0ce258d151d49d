#pragma once
/*
 * Wire import: the feeds listed in the config ([feed NAME] sections,
 * config/config.h) fetched with libcurl, parsed (wire/parse.h), their HTML
 * sanitised into Markdown (wire/sanitize.h) and stored as articles with
 * nd_store_article_put(). docs/internals/wire.md has the whole story.
 *
 * Each item gets the ext_id "wire-" + 16 hex digits of a hash of the feed's
 * name and the item's guid (else its link, else its title), so fetching
 * again updates the article instead of adding a copy; an item whose title,
 * body, summary, link and date are as stored is left alone (no write, no
 * site rebuild). Copies of one story from several feeds are different
 * articles; the site's near-duplicate folding (site/site.c) shows them as
 * one story.
 *
 * Conditional GET: each feed's ETag and Last-Modified are kept in a small
 * JSON file (the state file, default DB.feeds.json next to the database),
 * rewritten atomically (temporary file + rename) after a run; a 304 answer
 * costs nothing more. Losing the file only costs one full download.
 *
 * HTTP: http and https only (redirects too, at most 5), connect timeout
 * and total timeout from the config, a size cap (the transfer is stopped
 * beyond it, also when a gzip body grows past it), User-Agent
 * "newsdesk/VERSION (feed fetcher)".
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"

/*
 * Told after a feed's transaction has committed, once per article it
 * created or changed (never for an unchanged item): the run's store
 * handle, the article's ext_id, and what it was before the write (existed
 * false for a new article; else its status then). `serve` sends the
 * webhook events of the fetch with it.
 */
typedef void (*nd_wire_saved_fn)(void *ctx, struct nd_store *s, const char *ext_id, bool existed,
                                 enum nd_article_status before);

struct nd_wire_opts {
	const struct nd_feed_conf *feeds; /* borrowed */
	size_t feed_count;
	const char *state_path; /* NULL: no conditional GET state kept */
	const char *language;   /* for feeds without one; NULL: "en" */
	long connect_timeout;   /* seconds */
	long timeout;           /* seconds, the whole transfer */
	size_t max_bytes;       /* largest document */
	/* When not NULL and set (by another thread), transfers stop at once
	 * and the run ends after the feed in hand. */
	const atomic_bool *stop;
	nd_wire_saved_fn saved; /* NULL: nobody is told */
	void *saved_ctx;
};

/* Fills o from cfg (borrowed: o points into cfg). state_path is set to
 * cfg->fetch_state, or *state_buf = DB.feeds.json (caller frees) for a
 * SQLite file, or NULL for an in-memory database or a PostgreSQL store
 * (logged: every fetch then downloads every feed). */
void nd_wire_opts_from_config(struct nd_wire_opts *o, const struct nd_config *cfg,
                              char **state_buf);

struct nd_wire_stats {
	size_t feeds_ok;     /* fetched and stored, 304 included */
	size_t feeds_failed; /* reported, nothing of theirs changed */
	size_t not_modified; /* feeds that answered 304 */
	size_t imported;     /* new articles */
	size_t updated;      /* changed articles */
	size_t unchanged;    /* items as already stored */
	size_t kept;         /* changed at the source, but edited in the newsroom: not updated */
	size_t rejected;     /* items skipped (no title, refused by the store) */
};

/*
 * Once per process, before any thread starts: libcurl's global set-up.
 * Returns 0 or ND_EIO.
 */
int nd_wire_global_init(void);
void nd_wire_global_cleanup(void);

/*
 * Fetches every feed of o in turn and stores its items in s, one
 * transaction per feed. A feed that cannot be had (connection, timeout,
 * HTTP status other than 200 and 304, size cap, not a feed) is logged as
 * a warning naming it and the reason, and the others go on; nothing
 * stored before is touched. A summary line is logged at the end. *st (may
 * be NULL) gets the counts. Returns 0 when every feed was fetched, 1 when
 * at least one failed, ND_ESTORE when the store failed (the run stops).
 */
int nd_wire_run(struct nd_store *s, const struct nd_wire_opts *o, struct nd_wire_stats *st);

/*
 * The ext_id of an item of feed with key (guid, link or title): "wire-"
 * and the 32 hex digits of BLAKE2b-128 of "feed\nkey". A cryptographic
 * hash, so a feed cannot choose a key that lands on another article's id
 * (an unkeyed 64-bit hash could be collided on purpose).
 * nd_wire_legacy_ext_id: the id before stop 12 ("wire-" and 16 hex digits
 * of xxHash), which an article stored then keeps.
 */
#define ND_WIRE_EXT_ID_SIZE 38
void nd_wire_ext_id(const char *feed, const char *key, char out[ND_WIRE_EXT_ID_SIZE]);
void nd_wire_legacy_ext_id(const char *feed, const char *key, char out[ND_WIRE_EXT_ID_SIZE]);

/*
 * The schedule `serve` runs: a background thread that opens its own store
 * handle, fetches the feeds of cfg at once and then every
 * cfg->fetch_interval seconds. The site picks up what it stores by itself
 * (the snapshot reloads when the store's generation moves).
 */
struct nd_wire_sched;

/*
 * Starts the thread. cfg is borrowed, valid until nd_wire_sched_stop().
 * saved (may be NULL) is told of each article a run saves, on the thread
 * (nd_wire_opts.saved).
 * With no feeds or fetch_interval 0, *out is NULL and nothing starts.
 * Call nd_wire_global_init() first. Returns 0, or ND_EIO when the thread
 * cannot be started (*out NULL).
 */
int nd_wire_sched_start(const struct nd_config *cfg, nd_wire_saved_fn saved, void *saved_ctx,
                        struct nd_wire_sched **out);

/*
 * Stops the thread: a transfer in progress is aborted within about a
 * second, a store transaction in progress finishes; then it is joined and
 * freed. NULL is a no-op.
 */
void nd_wire_sched_stop(struct nd_wire_sched *w);
