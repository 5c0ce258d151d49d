/*
 * The PostgreSQL driver (sql_driver.h) over libpq: one connection per
 * handle, made from the URL or libpq connection string as given (PG*
 * environment variables fill in what it leaves out). Every statement is a
 * named server-side prepared statement ("s<id>", prepared once per
 * connection on first use, ?N rewritten to $N), executed whole at its
 * first step with text parameters (blobs in binary) and text results,
 * whose rows the steps then walk. docs/internals/postgres.md.
 */
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

struct nd__sql_conn {
	PGconn *pg;
	char *url;            /* for messages; owned */
	unsigned char *ready; /* ready[id]: "s<id>" is prepared on the server */
	size_t nready;
	int64_t changes;
	char err[512]; /* the last error's message */
};

struct pg_stmt {
	struct nd__sql_stmt base; /* first, so the two pointers convert both ways */
	struct nd__sql_conn *c;
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
 * The nd_err of a failed result (res may be NULL: no answer, the message is
 * the connection's): retry on a serialization failure or deadlock, exists
 * on a unique violation.
 */
static int fail(struct nd__sql_conn *c, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	set_err(c, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
	if (!res || !*PQresultErrorMessage(res))
		set_err(c, PQerrorMessage(c->pg));
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

static void pg_close(struct nd__sql_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c->ready);
	free(c->url);
	free(c);
}

static int pg_open(const char *url, const char *location, struct nd__sql_conn **out)
{
	struct nd__sql_conn *c = nd_xcalloc(1, sizeof(*c));
	int rc = 0;

	*out = NULL;
	c->url = nd_xstrdup(url);
	c->pg = PQconnectdb(location);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		rc = nd_error(ND_ESTORE, "cannot open store '%s': %s", url,
		              c->pg ? PQerrorMessage(c->pg) : "out of memory");
		pg_close(c);
		return rc;
	}
	/* Notices (CREATE ... IF NOT EXISTS skipping) go to the debug log, not stderr. */
	PQsetNoticeProcessor(c->pg, quiet, NULL);
	if (PQsetClientEncoding(c->pg, "UTF8") != 0 || pg_exec(c, LOCK_TIMEOUT) != 0) {
		rc = nd_error(ND_ESTORE, "cannot open store '%s': cannot set up: %s", url,
		              PQerrorMessage(c->pg));
		pg_close(c);
		return rc;
	}
	*out = c;
	return 0;
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

static int pg_prepare(struct nd__sql_conn *c, int id, const struct nd__sql_def *def,
                      bool persistent, struct nd__sql_stmt **out)
{
	int nparams;
	char *text = rewrite(def->pg ? def->pg : def->sql, &nparams);
	struct pg_stmt *s;

	(void)persistent; /* every statement stays prepared on the server */
	*out = NULL;
	s = nd_xcalloc(1, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "s%d", id);
	if (!is_ready(c, id)) {
		PGresult *res = PQprepare(c->pg, s->name, text, 0, NULL);
		int rc = 0;

		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail(c, res);
		PQclear(res);
		if (rc) {
			free(text);
			free(s);
			return rc;
		}
		mark_ready(c, id);
	}
	free(text);
	s->base.drv = &nd__pg_driver;
	s->c = c;
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

/* Runs the statement with its parameters: the first step. */
static int execute(struct pg_stmt *s)
{
	struct nd__sql_conn *c = s->c;
	PGresult *res = PQexecPrepared(c->pg, s->name, s->nparams, s->vals, s->lens, s->fmts, 0);
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *n;

	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		int rc = fail(c, res);
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
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

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
	switch (PQtransactionStatus(c->pg)) {
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
	case PQTRANS_ACTIVE: return true;
	default: return false;
	}
}

const struct nd__sql_driver nd__pg_driver = {
    .name = "postgresql",
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
};
