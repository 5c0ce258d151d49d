#pragma once
/*
 * Change notifications from a shared store, for nodes that keep an
 * in-memory copy of it (site/snapshot.c).
 *
 * On PostgreSQL every write that bumps the store's generation also sends
 * NOTIFY on the channel ND_STORE_CHANNEL, delivered when its transaction
 * commits (sql_store.c, ST_GENERATION_BUMP). A listener holds a connection
 * of its own that LISTENs on it, so a node hears of a publish made by
 * another node, the admin or `newsdesk import` within milliseconds instead
 * of at its next poll.
 *
 * Notifications sent while the listener's connection is down are lost, so
 * a reconnect is reported as a change too: the caller then compares the
 * store's generation and rebuilds what it must (a full resync).
 *
 * SQLite has no such channel: nd_store_listener_open says ND_EUNSUPP and
 * the caller keeps polling the generation.
 *
 * A listener belongs to one thread; nd_store_listener_interrupt may be
 * called from any other.
 */

#define ND_STORE_CHANNEL "newsdesk_generation"

/* What nd_store_listener_wait saw. */
enum nd_listen_event {
	ND_LISTEN_QUIET = 0,   /* the time ran out, or interrupted */
	ND_LISTEN_CHANGED = 1, /* a notification, or a reconnect (notifications may be lost) */
};

struct nd_store_listener;

/*
 * Connects to the store at url and listens. Errors: ND_EUNSUPP for a store
 * that is not PostgreSQL (poll instead), ND_ESTORE when it cannot connect
 * (logged, password hidden). Caller owns *out.
 */
int nd_store_listener_open(const char *url, struct nd_store_listener **out);

/*
 * Waits up to timeout_ms for a notification; several pending ones count as
 * one. When the connection is down it first tries to reconnect (at most
 * once a second, each try bounded by libpq's connect_timeout of 2 s).
 * Returns an nd_listen_event, or ND_ESTORE when the connection is down and
 * could not be made again (the next call tries again).
 */
int nd_store_listener_wait(struct nd_store_listener *l, int timeout_ms);

/* Makes a wait in progress (or the next one) return ND_LISTEN_QUIET now. */
void nd_store_listener_interrupt(struct nd_store_listener *l);

/* NULL is a no-op. */
void nd_store_listener_close(struct nd_store_listener *l);
