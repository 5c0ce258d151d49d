/*
 * The PostgreSQL driver (sql_driver.h) over libpq: one connection per
 * handle, made from the URL or libpq connection string as given (PG*
 * environment variables fill in what it leaves out), or taken from the
 * process's pool of idle connections to the same location, where close
 * puts it back. Every statement is a named server-side prepared statement
 * ("s<id>", prepared once per connection on first use, ?N rewritten to
 * $N), executed whole at its first step with text parameters (blobs in
 * binary) and text results, whose rows the steps then walk. A connection
 * found broken is marked lost: every statement on it fails with ND__ELOST
 * until the store revives it (reconnect, statements prepared again).
 * docs/internals/postgres.md, docs/internals/pg-pool.md.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/sql_driver.h"

/* How long a writer waits for another one's lock before ND_EBUSY (as SQLite's). */
#define LOCK_TIMEOUT "SET lock_timeout = '5s'"

/* Type oids of pg_type.h (server headers, not libpq's). */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700,
};

/* How many idle connections the pool keeps per location. */
#define POOL_IDLE 8

struct nd__sql_conn {
	PGconn *pg;
	char *url;            /* for messages; owned */
	char *location;       /* what PQconnectdb was given: the pool's key; owned */
	unsigned char *ready; /* ready[id]: "s<id>" is prepared on the server */
	size_t nready;
	int64_t changes;
	bool lost;     /* broken: statements fail with ND__ELOST until revive */
	char err[512]; /* the last error's message */
};

struct pg_stmt {
	struct nd__sql_stmt base; /* first, so the two pointers convert both ways */
	struct nd__sql_conn *c;
	int id; /* prepared again after a reconnect */
	/* Its text (the pg dialect's when there is one), owned: a reconnect
	 * prepares it again, and a caller's def need not outlive prepare. */
	char *sql;
	char name[16];
	int nparams;
	const char **vals; /* borrowed text or blobs, or ints[i]; NULL: SQL NULL */
	int *lens;
	int *fmts; /* 1 for a blob (binary bytea), else 0 */
	char (*ints)[24];
	PGresult *res; /* NULL until the first step */
	int row, nrows;
	unsigned char **blobs; /* per column: the current row's unescaped bytea */
	size_t *bloblens;
	int ncols;
};

static struct pg_stmt *of(struct nd__sql_stmt *st)
{
	return (struct pg_stmt *)st;
}

/* Keeps msg (libpq's, ending in a newline) as the connection's errmsg. */
static void set_err(struct nd__sql_conn *c, const char *msg)
{
	size_t n;

	snprintf(c->err, sizeof(c->err), "%s", msg && *msg ? msg : "unknown error");
	n = strlen(c->err);
	while (n && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
		c->err[--n] = '\0';
}

/*
 * Whether a failure with SQLSTATE state (NULL: none) means the connection
 * is gone: libpq says so, class 08 (connection exception), or the server
 * ended the session (57P01 admin_shutdown: a fast shutdown or
 * pg_terminate_backend; 57P02 crash_shutdown; 57P03 cannot_connect_now).
 */
static bool is_lost(struct nd__sql_conn *c, const char *state)
{
	if (PQstatus(c->pg) == CONNECTION_BAD)
		return true;
	return state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
	                 !strcmp(state, "57P02") || !strcmp(state, "57P03"));
}

/*
 * The nd_err of a failed result (res may be NULL: no answer, the message is
 * the connection's): ND__ELOST when the connection is gone (marked lost),
 * retry on a serialization failure or deadlock, exists on a unique
 * violation.
 */
static int fail(struct nd__sql_conn *c, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	set_err(c, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
	if (!res || !*PQresultErrorMessage(res))
		set_err(c, PQerrorMessage(c->pg));
	if (is_lost(c, state)) {
		c->lost = true;
		return ND__ELOST;
	}
	if (!state)
		return ND_ESTORE;
	/* 55P03: a lock not had within lock_timeout (SQLite's busy timeout). */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return ND_EBUSY;
	if (!strcmp(state, "23505"))
		return ND_EEXIST;
	return ND_ESTORE;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	nd_log(ND_LOG_DEBUG, "postgresql: %s", msg);
}

static int pg_exec(struct nd__sql_conn *c, const char *sql);

/*
 * The pool: per location (libpq's connection string, PG* variables
 * included as they are at connect), up to POOL_IDLE idle connections with
 * their prepared statements, and whether this process has brought the
 * database's schema up to date. One mutex; never held across I/O.
 */
struct pool_entry {
	struct pool_entry *next;
	char *location;
	bool migrated;
	int n;
	struct nd__sql_conn *idle[POOL_IDLE];
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static struct pool_entry *pool;
static bool pool_drained; /* at exit: close connections instead of keeping them */

static void conn_free(struct nd__sql_conn *c)
{
	PQfinish(c->pg);
	free(c->ready);
	free(c->location);
	free(c->url);
	free(c);
}

/* The entry of location, made when missing (pool_lock held). */
static struct pool_entry *pool_find(const char *location)
{
	struct pool_entry *e;

	for (e = pool; e; e = e->next)
		if (!strcmp(e->location, location))
			return e;
	e = nd_xcalloc(1, sizeof(*e));
	e->location = nd_xstrdup(location);
	e->next = pool;
	pool = e;
	return e;
}

/*
 * Closes every idle connection and forgets the pool, once, at exit (the
 * server sees each session end instead of a dropped socket; ASan's leak
 * check finds nothing held). Connections still in use are closed by
 * their store as usual.
 */
static void pool_drain(void)
{
	struct pool_entry *e, *list;

	pthread_mutex_lock(&pool_lock);
	list = pool;
	pool = NULL;
	pool_drained = true;
	pthread_mutex_unlock(&pool_lock);
	while ((e = list) != NULL) {
		list = e->next;
		for (int i = 0; i < e->n; i++)
			conn_free(e->idle[i]);
		free(e->location);
		free(e);
	}
}

static void pool_init(void)
{
	atexit(pool_drain);
}

/*
 * Whether an idle connection can serve again: open, no transaction, and
 * nothing waiting on its socket. An idle session is sent nothing unasked
 * but by a server that ended it (an error, then EOF: a restart,
 * pg_terminate_backend) or, rarely, a parameter change; either way the
 * connection is dropped rather than read.
 */
static bool healthy(struct nd__sql_conn *c)
{
	struct pollfd p = {.fd = PQsocket(c->pg), .events = POLLIN};

	return !c->lost && PQstatus(c->pg) == CONNECTION_OK &&
	       PQtransactionStatus(c->pg) == PQTRANS_IDLE && p.fd >= 0 && poll(&p, 1, 0) == 0;
}

/* A healthy idle connection to location from the pool, or NULL. */
static struct nd__sql_conn *pool_take(const char *location)
{
	for (;;) {
		struct nd__sql_conn *c = NULL;

		pthread_mutex_lock(&pool_lock);
		if (!pool_drained) {
			struct pool_entry *e = pool_find(location);
			if (e->n)
				c = e->idle[--e->n];
		}
		pthread_mutex_unlock(&pool_lock);
		if (!c || healthy(c))
			return c;
		conn_free(c); /* broken while idle (a server restart): drop it */
	}
}

/* Gives c back to the pool when it can serve again, else closes it. */
static void pool_put(struct nd__sql_conn *c)
{
	bool kept = false;

	if (healthy(c)) {
		pthread_mutex_lock(&pool_lock);
		if (!pool_drained) {
			struct pool_entry *e = pool_find(c->location);
			if (e->n < POOL_IDLE) {
				e->idle[e->n++] = c;
				kept = true;
			}
		}
		pthread_mutex_unlock(&pool_lock);
	}
	if (!kept)
		conn_free(c);
}

static void pg_close(struct nd__sql_conn *c)
{
	if (c)
		pool_put(c);
}

/* Session settings of every connection, made or reset. */
static int setup(struct nd__sql_conn *c)
{
	if (PQsetClientEncoding(c->pg, "UTF8") != 0 || pg_exec(c, LOCK_TIMEOUT) != 0)
		return ND_ESTORE;
	return 0;
}

static int pg_open(const char *url, const char *location, struct nd__sql_conn **out)
{
	struct nd__sql_conn *c;
	int rc = 0;

	*out = NULL;
	pthread_once(&pool_once, pool_init);
	if ((c = pool_take(location)) != NULL) {
		free(c->url);
		c->url = nd_xstrdup(url);
		c->changes = 0;
		c->err[0] = '\0';
		*out = c;
		return 0;
	}
	c = nd_xcalloc(1, sizeof(*c));
	c->url = nd_xstrdup(url);
	c->location = nd_xstrdup(location);
	c->pg = PQconnectdb(location);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		rc = nd_error(ND_ESTORE, "cannot open store '%s': %s", url,
		              c->pg ? PQerrorMessage(c->pg) : "out of memory");
		conn_free(c);
		return rc;
	}
	/* Notices (CREATE ... IF NOT EXISTS skipping) go to the debug log, not stderr. */
	PQsetNoticeProcessor(c->pg, quiet, NULL);
	if (setup(c) != 0) {
		rc = nd_error(ND_ESTORE, "cannot open store '%s': cannot set up: %s", url,
		              PQerrorMessage(c->pg));
		conn_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/*
 * Reconnects a lost connection (PQreset: the same parameters) and sets it
 * up again; the server's prepared statements are gone with the old
 * session, so ready[] is forgotten and each statement is prepared again at
 * its next execution. A healthy connection is left as it is.
 */
static int pg_revive(struct nd__sql_conn *c)
{
	if (!c->lost && PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	c->lost = true;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		set_err(c, PQerrorMessage(c->pg));
		return ND__ELOST;
	}
	if (c->nready)
		memset(c->ready, 0, c->nready);
	c->lost = false;
	if (setup(c) != 0) {
		int rc = fail(c, NULL);
		return rc == ND__ELOST ? rc : ND_ESTORE;
	}
	nd_log(ND_LOG_INFO, "store '%s': reconnected to the database", c->url);
	return 0;
}

/* Whether the store may still have used c: else ND__ELOST, with a message. */
static int usable(struct nd__sql_conn *c)
{
	if (!c->lost)
		return 0;
	set_err(c, "the connection to the database was lost (reconnected at the start of the "
	           "next store operation)");
	return ND__ELOST;
}

/*
 * Schema bookkeeping per location: the store migrates on its first open
 * in this process and not again.
 */
static bool pg_schema_known(struct nd__sql_conn *c)
{
	bool known = false;

	pthread_mutex_lock(&pool_lock);
	if (!pool_drained)
		known = pool_find(c->location)->migrated;
	pthread_mutex_unlock(&pool_lock);
	return known;
}

static void pg_schema_done(struct nd__sql_conn *c)
{
	pthread_mutex_lock(&pool_lock);
	if (!pool_drained)
		pool_find(c->location)->migrated = true;
	pthread_mutex_unlock(&pool_lock);
}

/*
 * The text with ?N as $N outside string literals and quoted names, in a
 * new string; *nparams is the largest N.
 */
static char *rewrite(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	char *out = nd_xmalloc(n + 1), *o = out;
	char quote = 0;

	*nparams = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0; /* a doubled quote reopens at once */
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int v = (int)strtol(p + 1, NULL, 10);
			if (v > *nparams)
				*nparams = v;
			*o++ = '$';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static bool is_ready(struct nd__sql_conn *c, int id)
{
	return (size_t)id < c->nready && c->ready[id];
}

static void mark_ready(struct nd__sql_conn *c, int id)
{
	if ((size_t)id >= c->nready) {
		size_t n = (size_t)id + 64;
		c->ready = nd_xrealloc(c->ready, n);
		memset(c->ready + c->nready, 0, n - c->nready);
		c->nready = n;
	}
	c->ready[id] = 1;
}

/* Prepares "s<id>" on the server unless it is there (ready[]); *nparams from the text. */
static int server_prepare(struct nd__sql_conn *c, int id, const char *sql, const char *name,
                          int *nparams)
{
	char *text = rewrite(sql, nparams);
	int rc = 0;

	if (!is_ready(c, id)) {
		PGresult *res = PQprepare(c->pg, name, text, 0, NULL);

		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail(c, res);
		PQclear(res);
		if (!rc)
			mark_ready(c, id);
	}
	free(text);
	return rc;
}

static int pg_prepare(struct nd__sql_conn *c, int id, const struct nd__sql_def *def,
                      bool persistent, struct nd__sql_stmt **out)
{
	int nparams, rc;
	struct pg_stmt *s;

	(void)persistent; /* every statement stays prepared on the server */
	*out = NULL;
	if ((rc = usable(c)) != 0)
		return rc;
	s = nd_xcalloc(1, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "s%d", id);
	s->sql = nd_xstrdup(def->pg ? def->pg : def->sql);
	if ((rc = server_prepare(c, id, s->sql, s->name, &nparams)) != 0) {
		free(s->sql);
		free(s);
		return rc;
	}
	s->base.drv = &nd__pg_driver;
	s->c = c;
	s->id = id;
	s->nparams = nparams;
	if (nparams) {
		s->vals = nd_xcalloc((size_t)nparams, sizeof(*s->vals));
		s->lens = nd_xcalloc((size_t)nparams, sizeof(*s->lens));
		s->fmts = nd_xcalloc((size_t)nparams, sizeof(*s->fmts));
		s->ints = nd_xcalloc((size_t)nparams, sizeof(*s->ints));
	}
	*out = &s->base;
	return 0;
}

/* Frees the current row's unescaped blobs. */
static void drop_blobs(struct pg_stmt *s)
{
	for (int i = 0; i < s->ncols; i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static void pg_reset(struct nd__sql_stmt *st)
{
	struct pg_stmt *s = of(st);

	drop_blobs(s);
	free(s->blobs);
	free(s->bloblens);
	s->blobs = NULL;
	s->bloblens = NULL;
	s->ncols = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	for (int i = 0; i < s->nparams; i++) {
		s->vals[i] = NULL;
		s->lens[i] = s->fmts[i] = 0;
	}
}

static void pg_finalize(struct nd__sql_stmt *st)
{
	struct pg_stmt *s = of(st);

	if (!st)
		return;
	pg_reset(st);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->ints);
	free(s->sql);
	free(s);
}

/* Whether parameter i (1-based) exists; else an error message. */
static bool slot(struct pg_stmt *s, int i)
{
	if (i >= 1 && i <= s->nparams)
		return true;
	snprintf(s->c->err, sizeof(s->c->err), "parameter %d out of range (1..%d)", i, s->nparams);
	return false;
}

static int pg_bind_int(struct nd__sql_stmt *st, int i, int64_t v)
{
	struct pg_stmt *s = of(st);

	if (!slot(s, i))
		return ND_ESTORE;
	snprintf(s->ints[i - 1], sizeof(s->ints[i - 1]), "%lld", (long long)v);
	s->vals[i - 1] = s->ints[i - 1];
	s->fmts[i - 1] = 0;
	return 0;
}

static int pg_bind_text(struct nd__sql_stmt *st, int i, const char *v)
{
	struct pg_stmt *s = of(st);

	if (!slot(s, i))
		return ND_ESTORE;
	s->vals[i - 1] = v;
	s->fmts[i - 1] = 0;
	return 0;
}

static int pg_bind_blob(struct nd__sql_stmt *st, int i, const void *v, size_t len)
{
	struct pg_stmt *s = of(st);

	if (!slot(s, i))
		return ND_ESTORE;
	/* A bytea in binary format is its bytes; a zero-length one still needs a pointer. */
	s->vals[i - 1] = v ? v : (len ? NULL : "");
	s->lens[i - 1] = (int)len;
	s->fmts[i - 1] = 1;
	return 0;
}

static int pg_bind_null(struct nd__sql_stmt *st, int i)
{
	struct pg_stmt *s = of(st);

	if (!slot(s, i))
		return ND_ESTORE;
	s->vals[i - 1] = NULL;
	s->fmts[i - 1] = 0;
	return 0;
}

/*
 * Whether text, run with the connection idle (autocommit) or not, may have
 * made changes that outlive it: COMMIT, or a write outside a transaction.
 * If the connection drops while it runs, its outcome is unknown.
 */
static bool may_commit(const char *text, bool idle)
{
	static const char *const writes[] = {"INSERT", "UPDATE", "DELETE", "WITH", "DO"};

	text += strspn(text, " \t\n");
	if (!strncmp(text, "COMMIT", 6) || !strncmp(text, "END", 3))
		return true;
	for (size_t i = 0; idle && i < sizeof(writes) / sizeof(writes[0]); i++)
		if (!strncmp(text, writes[i], strlen(writes[i])))
			return true;
	return false;
}

/*
 * A lost connection while a statement that may_commit ran: ND_ESTORE, since
 * neither a retry nor giving up is known to be right. Else rc.
 */
static int unknown_outcome(struct pg_stmt *s, int rc, bool idle)
{
	static const char why[] = "the connection was lost while the database ran it, so whether "
	                          "it took effect is unknown (not retried): ";
	struct nd__sql_conn *c = s->c;
	size_t n = sizeof(why) - 1;

	if (rc != ND__ELOST || !may_commit(s->sql, idle))
		return rc;
	/* why, then as much of the server's message as fits. */
	memmove(c->err + n, c->err, sizeof(c->err) - n);
	memcpy(c->err, why, n);
	c->err[sizeof(c->err) - 1] = '\0';
	return ND_ESTORE;
}

/* Runs the statement with its parameters: the first step. */
static int execute(struct pg_stmt *s)
{
	struct nd__sql_conn *c = s->c;
	PGresult *res;
	ExecStatusType status;
	const char *n;
	bool idle;
	int rc, nparams;

	/* After a reconnect the server has forgotten the statement: prepare it again. */
	if ((rc = usable(c)) != 0 ||
	    (!is_ready(c, s->id) &&
	     (rc = server_prepare(c, s->id, s->sql, s->name, &nparams)) != 0))
		return rc;
	idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	res = PQexecPrepared(c->pg, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		rc = unknown_outcome(s, fail(c, res), idle);
		PQclear(res);
		return rc;
	}
	/* As SQLite's changes: counted by INSERT, UPDATE and DELETE only, not SELECT. */
	n = PQcmdStatus(res);
	if (!strncmp(n, "INSERT", 6) || !strncmp(n, "UPDATE", 6) || !strncmp(n, "DELETE", 6))
		c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	s->res = res;
	s->nrows = PQntuples(res);
	s->row = -1;
	s->ncols = PQnfields(res);
	if (s->ncols) {
		s->blobs = nd_xcalloc((size_t)s->ncols, sizeof(*s->blobs));
		s->bloblens = nd_xcalloc((size_t)s->ncols, sizeof(*s->bloblens));
	}
	return 0;
}

static int pg_step(struct nd__sql_stmt *st)
{
	struct pg_stmt *s = of(st);
	int rc;

	if (!s->res && (rc = execute(s)) != 0)
		return rc;
	drop_blobs(s);
	if (s->row < s->nrows)
		s->row++;
	return s->row < s->nrows ? ND_SQL_ROW : ND_SQL_DONE;
}

/* Whether column i of the current row can be read (in range, not NULL). */
static bool has(struct pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < s->ncols &&
	       !PQgetisnull(s->res, s->row, i);
}

static int64_t pg_col_int(struct nd__sql_stmt *st, int i)
{
	struct pg_stmt *s = of(st);
	const char *v;

	if (!has(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	if (v[0] == 't')
		return 1;
	if (v[0] == 'f')
		return 0;
	if (strpbrk(v, ".eE"))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(struct nd__sql_stmt *st, int i)
{
	struct pg_stmt *s = of(st);

	return has(s, i) ? PQgetvalue(s->res, s->row, i) : NULL;
}

static const void *pg_col_blob(struct nd__sql_stmt *st, int i, size_t *len)
{
	struct pg_stmt *s = of(st);

	*len = 0;
	if (!has(s, i))
		return NULL;
	if (PQftype(s->res, i) != OID_BYTEA) {
		*len = (size_t)PQgetlength(s->res, s->row, i);
		return PQgetvalue(s->res, s->row, i);
	}
	if (!s->blobs[i]) {
		s->blobs[i] = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i),
		                              &s->bloblens[i]);
		if (!s->blobs[i]) {
			nd_log(ND_LOG_ERROR, "postgresql: out of memory reading a bytea");
			abort();
		}
	}
	*len = s->bloblens[i];
	return s->blobs[i];
}

static enum nd__sql_type pg_col_type(struct nd__sql_stmt *st, int i)
{
	struct pg_stmt *s = of(st);

	if (!has(s, i))
		return ND_SQL_NULL;
	switch (PQftype(s->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
	case OID_NUMERIC: return ND_SQL_INT;
	case OID_FLOAT4:
	case OID_FLOAT8: return ND_SQL_FLOAT;
	case OID_BYTEA: return ND_SQL_BLOB;
	default: return ND_SQL_TEXT;
	}
}

static int64_t pg_changes(struct nd__sql_conn *c)
{
	return c->changes;
}

static int pg_exec(struct nd__sql_conn *c, const char *sql)
{
	/* The one place SQL text runs unprepared: trusted, embedded, value-free. */
	PGresult *res;
	ExecStatusType status;
	int rc;

	if ((rc = usable(c)) != 0)
		return rc;
	res = PQexec(c->pg, sql);
	status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
		rc = fail(c, res);
	PQclear(res);
	return rc;
}

static const char *pg_errmsg(struct nd__sql_conn *c)
{
	return c->err;
}

static bool pg_in_txn(struct nd__sql_conn *c)
{
	/* An aborted transaction (INERROR) is still open: the store rolls it back. */
	if (c->lost)
		return false; /* the server rolled it back when the session ended */
	switch (PQtransactionStatus(c->pg)) {
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
	case PQTRANS_ACTIVE: return true;
	default: return false;
	}
}

const struct nd__sql_driver nd__pg_driver = {
    .name = "postgresql",
    .arrays = true,
    .migrations = nd__pg_migrations,
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_type = pg_col_type,
    .changes = pg_changes,
    .exec = pg_exec,
    .errmsg = pg_errmsg,
    .in_txn = pg_in_txn,
    .revive = pg_revive,
    .schema_known = pg_schema_known,
    .schema_done = pg_schema_done,
};
