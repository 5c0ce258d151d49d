/*
 * The change listener (listen.h): one libpq connection that LISTENs on the
 * store's channel, waited on with poll() next to a pipe that interrupts it.
 */
#include "store/listen.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"
#include "store/store_int.h"

/* A dead connection is tried again at most this often. */
#define RETRY_MS 1000

struct nd_store_listener {
	PGconn *pg;       /* NULL while down */
	char *location;   /* what libpq gets */
	char *shown;      /* the URL for messages, password hidden */
	int pipe[2];      /* interrupt: written by any thread, read by wait */
	int64_t tried_at; /* monotonic ms of the last connection attempt */
	bool warned;      /* the outage is logged once */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drops the connection after a failure; logs the first of an outage. */
static void lost(struct nd_store_listener *l, const char *why)
{
	if (!l->warned)
		nd_log(ND_LOG_WARN,
		       "store '%s': change notifications lost (%s); polling until the "
		       "connection is back",
		       l->shown, why);
	l->warned = true;
	PQfinish(l->pg);
	l->pg = NULL;
}

/* Connects and LISTENs. 0, or ND_ESTORE (logged once per outage). */
static int connect_listen(struct nd_store_listener *l)
{
	/* dbname is expanded (a URI or key=value string); the keys after it win. */
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {l->location, "2", "newsdesk-listen", NULL};
	PGresult *r;
	bool ok;

	l->tried_at = now_ms();
	l->pg = PQconnectdbParams(keys, values, 1);
	if (!l->pg || PQstatus(l->pg) != CONNECTION_OK) {
		lost(l, l->pg ? PQerrorMessage(l->pg) : "out of memory");
		return ND_ESTORE;
	}
	r = PQexec(l->pg, "LISTEN " ND_STORE_CHANNEL);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok || PQsetnonblocking(l->pg, 1) != 0) {
		lost(l, PQerrorMessage(l->pg));
		return ND_ESTORE;
	}
	if (l->warned)
		nd_log(ND_LOG_INFO, "store '%s': change notifications back; resyncing", l->shown);
	l->warned = false;
	return 0;
}

int nd_store_listener_open(const char *url, struct nd_store_listener **out)
{
	const char *location = nd__store_pg_location(url);
	struct nd_store_listener *l;
	int rc;

	*out = NULL;
	if (!location)
		return ND_EUNSUPP;
	l = nd_xcalloc(1, sizeof(*l));
	l->location = nd_xstrdup(location);
	l->shown = nd_store_url_shown(url);
	if (pipe2(l->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		rc = nd_error(ND_EIO, "cannot make a pipe: %s", strerror(errno));
		l->pipe[0] = l->pipe[1] = -1;
		nd_store_listener_close(l);
		return rc;
	}
	if ((rc = connect_listen(l)) != 0) {
		nd_store_listener_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* Reads what libpq has; whether a notification came. A broken connection is dropped. */
static bool take_notifies(struct nd_store_listener *l)
{
	PGnotify *n;
	bool any = false;

	if (!PQconsumeInput(l->pg)) {
		lost(l, PQerrorMessage(l->pg));
		return false;
	}
	while ((n = PQnotifies(l->pg)) != NULL) {
		any = true;
		PQfreemem(n);
	}
	return any;
}

/* Whether the pipe was written to; empties it. */
static bool interrupted(struct nd_store_listener *l)
{
	char buf[64];
	bool any = false;

	while (read(l->pipe[0], buf, sizeof(buf)) > 0)
		any = true;
	return any;
}

/* Down: waits out the retry pause (interruptibly), then tries again. */
static int wait_down(struct nd_store_listener *l, int timeout_ms)
{
	int64_t due = l->tried_at + RETRY_MS - now_ms();

	if (due > 0) {
		struct pollfd p = {.fd = l->pipe[0], .events = POLLIN};

		poll(&p, 1, due < timeout_ms ? (int)due : timeout_ms);
		if (interrupted(l) || due > timeout_ms)
			return ND_LISTEN_QUIET;
	}
	if (connect_listen(l) != 0)
		return ND_ESTORE;
	return ND_LISTEN_CHANGED; /* whatever was sent meanwhile is lost: resync */
}

int nd_store_listener_wait(struct nd_store_listener *l, int timeout_ms)
{
	struct pollfd p[2];

	if (!l->pg)
		return wait_down(l, timeout_ms);
	/* One that arrived with an earlier read is already buffered. */
	if (take_notifies(l))
		return ND_LISTEN_CHANGED;
	if (!l->pg)
		return ND_ESTORE;
	p[0] = (struct pollfd){.fd = PQsocket(l->pg), .events = POLLIN};
	p[1] = (struct pollfd){.fd = l->pipe[0], .events = POLLIN};
	if (poll(p, 2, timeout_ms) < 0 && errno != EINTR)
		return ND_LISTEN_QUIET;
	if (p[1].revents && interrupted(l))
		return ND_LISTEN_QUIET;
	if (!p[0].revents)
		return ND_LISTEN_QUIET;
	if (take_notifies(l))
		return ND_LISTEN_CHANGED;
	return l->pg ? ND_LISTEN_QUIET : ND_ESTORE;
}

void nd_store_listener_interrupt(struct nd_store_listener *l)
{
	ssize_t n = write(l->pipe[1], "", 1);

	(void)n; /* a full pipe is already an interrupt */
}

void nd_store_listener_close(struct nd_store_listener *l)
{
	if (!l)
		return;
	PQfinish(l->pg);
	if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
	}
	free(l->location);
	free(l->shown);
	free(l);
}
