/*
 * The SQLite driver (sql_driver.h): one connection per handle, WAL mode,
 * foreign keys on, a busy timeout, every statement prepared once per
 * connection (on first use) and every value bound. The store's logic is
 * sql_store.c; the schema comes from the migrations embedded by schema.S.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/sql_driver.h"

/* How long a writer waits for another one before giving up with ND_EBUSY. */
#define BUSY_TIMEOUT_MS 5000

struct nd__sql_conn {
	sqlite3 *db;
	char *url; /* for messages; owned */
};

/*
 * An INSERT that ends in RETURNING id runs without it, and step makes its
 * row from sqlite3_last_insert_rowid: SQLite buffers RETURNING rows in a
 * temporary b-tree, a page allocated and zeroed per insert (2.6% more
 * instructions for a first import). Only for an INSERT of at most one row,
 * which is what the store's statements are.
 */
#define RETURNING_ID " RETURNING id"

/* Where a RETURNING id statement is: not stepped, its row out, done. */
enum returned { RET_NONE, RET_ROW, RET_DONE };

struct sqlite_stmt {
	struct nd__sql_stmt base; /* first, so the two pointers convert both ways */
	sqlite3_stmt *st;
	struct nd__sql_conn *c;
	bool returning_id; /* RETURNING_ID was cut off the text */
	enum returned ret;
	int64_t id; /* the row's id, when ret is RET_ROW */
};

static struct sqlite_stmt *of(struct nd__sql_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

static sqlite3_stmt *raw(struct nd__sql_stmt *st)
{
	return of(st)->st;
}

/* The nd_err for a SQLite result code (not SQLITE_OK, ROW or DONE). */
static int err_of(sqlite3 *db, int rc)
{
	int ext;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return ND_EBUSY;
	case SQLITE_CONSTRAINT:
		ext = sqlite3_extended_errcode(db);
		return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY
		           ? ND_EEXIST
		           : ND_ESTORE;
	default: return ND_ESTORE;
	}
}

static void sqlite_close(struct nd__sql_conn *c)
{
	if (!c)
		return;
	if (sqlite3_close(c->db) != SQLITE_OK)
		nd_log(ND_LOG_WARN, "store '%s': close: %s", c->url, sqlite3_errmsg(c->db));
	free(c->url);
	free(c);
}

/* For PRAGMAs at open: runs sql and copies the first column of its row to buf. */
static int pragma(struct nd__sql_conn *c, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *v = sqlite3_column_text(st, 0);
			snprintf(buf, size, "%s", v ? (const char *)v : "");
		}
	}
	if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = 0;
	else
		rc = nd_error(err_of(c->db, rc) == ND_EBUSY ? ND_EBUSY : ND_ESTORE,
		              "store '%s': cannot %s: %s", c->url, sql, sqlite3_errmsg(c->db));
	sqlite3_finalize(st);
	return rc;
}

static bool in_memory(const char *location)
{
	return !strcmp(location, ":memory:");
}

static int configure(struct nd__sql_conn *c, const char *location)
{
	char val[32];
	int rc;

	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	if ((rc = pragma(c, "PRAGMA foreign_keys = ON", val, sizeof(val))) != 0 ||
	    (rc = pragma(c, "PRAGMA foreign_keys", val, sizeof(val))) != 0)
		return rc;
	if (strcmp(val, "1"))
		return nd_error(ND_ESTORE, "cannot open store '%s': SQLite has no foreign keys",
		                c->url);
	/* WAL: readers never block the writer nor it them. Persistent in the file. */
	if ((rc = pragma(c, "PRAGMA journal_mode = WAL", val, sizeof(val))) != 0)
		return rc;
	if (strcmp(val, "wal") && !(in_memory(location) && !strcmp(val, "memory")))
		return nd_error(ND_ESTORE,
		                "cannot open store '%s': cannot use WAL (journal mode %s)", c->url,
		                val);
	/* In WAL mode NORMAL is durable across application crashes; a power loss may
	 * lose the last commits, never consistency. */
	return pragma(c, "PRAGMA synchronous = NORMAL", val, sizeof(val));
}

static int sqlite_open(const char *url, const char *location, struct nd__sql_conn **out)
{
	struct nd__sql_conn *c = nd_xcalloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	c->url = nd_xstrdup(url);
	/* NOMUTEX: a handle belongs to one thread, so SQLite need not lock it. */
	rc =
	    sqlite3_open_v2(location, &c->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = nd_error(ND_ESTORE, "cannot open store '%s': %s", url,
		              c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto out;
	}
	rc = configure(c, location);
out:
	if (rc)
		sqlite_close(c);
	else
		*out = c;
	return rc;
}

static int sqlite_prepare(struct nd__sql_conn *c, int id, const struct nd__sql_def *def,
                          bool persistent, struct nd__sql_stmt **out)
{
	size_t len = strlen(def->sql), cut = strlen(RETURNING_ID);
	bool returning_id = !strncmp(def->sql, "INSERT ", 7) && len > cut &&
	                    !strcmp(def->sql + len - cut, RETURNING_ID);
	sqlite3_stmt *st = NULL;
	struct sqlite_stmt *s;
	int rc;

	(void)id;
	*out = NULL;
	if (returning_id)
		len -= cut;
	rc = sqlite3_prepare_v3(c->db, def->sql, (int)len,
	                        persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return err_of(c->db, rc);
	}
	s = nd_xcalloc(1, sizeof(*s));
	s->base.drv = &nd__sqlite_driver;
	s->st = st;
	s->c = c;
	s->returning_id = returning_id;
	*out = &s->base;
	return 0;
}

/* Whether column reads go to the row step made for a RETURNING id statement. */
static bool made_row(struct nd__sql_stmt *st)
{
	return of(st)->ret == RET_ROW;
}

static void sqlite_reset(struct nd__sql_stmt *st)
{
	of(st)->ret = RET_NONE;
	sqlite3_reset(raw(st));
	sqlite3_clear_bindings(raw(st));
}

static void sqlite_finalize(struct nd__sql_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(raw(st));
	free(st);
}

/* A bind's result as an nd_err. */
static int bound(struct nd__sql_stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : err_of(of(st)->c->db, rc);
}

/* Strings and blobs are bound SQLITE_STATIC: the store keeps them until the reset. */
static int sqlite_bind_int(struct nd__sql_stmt *st, int i, int64_t v)
{
	return bound(st, sqlite3_bind_int64(raw(st), i, v));
}

static int sqlite_bind_text(struct nd__sql_stmt *st, int i, const char *v)
{
	return bound(st, sqlite3_bind_text(raw(st), i, v, -1, SQLITE_STATIC));
}

static int sqlite_bind_blob(struct nd__sql_stmt *st, int i, const void *v, size_t len)
{
	return bound(st, sqlite3_bind_blob(raw(st), i, v, (int)len, SQLITE_STATIC));
}

static int sqlite_bind_null(struct nd__sql_stmt *st, int i)
{
	return bound(st, sqlite3_bind_null(raw(st), i));
}

/* Steps an INSERT whose RETURNING id was cut off: one row when it inserted one. */
static int step_returning_id(struct sqlite_stmt *s)
{
	int rc;

	if (s->ret != RET_NONE) {
		s->ret = RET_DONE;
		return ND_SQL_DONE;
	}
	rc = sqlite3_step(s->st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? ND_ESTORE : err_of(s->c->db, rc);
	/* Completed: changes counts its rows, 0 when it inserted none. */
	if (sqlite3_changes64(s->c->db) == 0) {
		s->ret = RET_DONE;
		return ND_SQL_DONE;
	}
	s->id = sqlite3_last_insert_rowid(s->c->db);
	s->ret = RET_ROW;
	return ND_SQL_ROW;
}

static int sqlite_step(struct nd__sql_stmt *st)
{
	int rc;

	if (of(st)->returning_id)
		return step_returning_id(of(st));
	rc = sqlite3_step(raw(st));

	if (rc == SQLITE_ROW)
		return ND_SQL_ROW;
	if (rc == SQLITE_DONE)
		return ND_SQL_DONE;
	return err_of(of(st)->c->db, rc);
}

static int64_t sqlite_col_int(struct nd__sql_stmt *st, int i)
{
	if (made_row(st))
		return i == 0 ? of(st)->id : 0;
	return sqlite3_column_int64(raw(st), i);
}

static const char *sqlite_col_text(struct nd__sql_stmt *st, int i)
{
	if (made_row(st))
		return NULL; /* the id is read as an integer */
	return (const char *)sqlite3_column_text(raw(st), i);
}

static const void *sqlite_col_blob(struct nd__sql_stmt *st, int i, size_t *len)
{
	const void *v;

	if (made_row(st)) {
		*len = 0;
		return NULL;
	}
	/* The pointer first, then the size (SQLite's rule for conversions). */
	v = sqlite3_column_blob(raw(st), i);

	*len = (size_t)sqlite3_column_bytes(raw(st), i);
	return v;
}

static enum nd__sql_type sqlite_col_type(struct nd__sql_stmt *st, int i)
{
	if (made_row(st))
		return i == 0 ? ND_SQL_INT : ND_SQL_NULL;
	switch (sqlite3_column_type(raw(st), i)) {
	case SQLITE_INTEGER: return ND_SQL_INT;
	case SQLITE_FLOAT: return ND_SQL_FLOAT;
	case SQLITE_TEXT: return ND_SQL_TEXT;
	case SQLITE_BLOB: return ND_SQL_BLOB;
	default: return ND_SQL_NULL;
	}
}

static int64_t sqlite_changes(struct nd__sql_conn *c)
{
	return sqlite3_changes64(c->db);
}

static int sqlite_exec(struct nd__sql_conn *c, const char *sql)
{
	/* The one place SQL text runs unprepared: trusted, embedded, value-free.
	 * On failure sqlite3_errmsg holds exec's message. */
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : err_of(c->db, rc);
}

static const char *sqlite_errmsg(struct nd__sql_conn *c)
{
	return sqlite3_errmsg(c->db);
}

static bool sqlite_in_txn(struct nd__sql_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

const struct nd__sql_driver nd__sqlite_driver = {
    .name = "sqlite",
    .migrations = nd__sqlite_migrations,
    .open = sqlite_open,
    .close = sqlite_close,
    .prepare = sqlite_prepare,
    .reset = sqlite_reset,
    .finalize = sqlite_finalize,
    .bind_int = sqlite_bind_int,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .col_int = sqlite_col_int,
    .col_text = sqlite_col_text,
    .col_blob = sqlite_col_blob,
    .col_type = sqlite_col_type,
    .changes = sqlite_changes,
    .exec = sqlite_exec,
    .errmsg = sqlite_errmsg,
    .in_txn = sqlite_in_txn,
};

struct sqlite3 *nd__sqlite_db(struct nd_store *s)
{
	struct nd__sql_conn *c = nd__sql_store_conn(s, &nd__sqlite_driver);

	return c ? c->db : NULL;
}
