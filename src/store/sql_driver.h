#pragma once
/*
 * Inside the store: the SQL driver interface. The store's logic (sql_store.c:
 * articles, counters, histories, accounts, tokens, webhooks, stats,
 * taxonomy) runs its statements through this small table of functions, so
 * one implementation serves every SQL database; a driver (driver_sqlite.c,
 * driver_pg.c over libpq) only connects, prepares, binds, steps and reads
 * columns. Only src/store/ and its tests include this file.
 *
 * The contract, for every driver:
 * - A connection (struct nd__sql_conn, the driver's own) belongs to one
 *   thread at a time: from open to close, only the store handle that
 *   opened it uses it. A driver may keep closed connections for a later
 *   open of the same location, on any thread (driver_pg.c's pool: idle,
 *   healthy connections with their prepared statements); SQLite's close
 *   closes. Its statements are prepared by statement id from the table the
 *   store passes (struct nd__sql_def); a driver may cache per id on the
 *   server (SQLite's PERSISTENT, PostgreSQL's named prepared statements).
 *   The store may hold two statements of one id at once (a walk's callback
 *   that comes back into the store), so prepare must allow that.
 * - SQL text is written with numbered parameters ?1..?n, each number
 *   possibly used several times; a driver whose database wants $1..$n
 *   rewrites them when it prepares. The text is def->sql, or def->pg for
 *   the PostgreSQL driver when that is not NULL (the dialect override).
 * - Binding is by 1-based index; text and blobs are borrowed until the
 *   statement is reset (nd__sql_reset) or finalized: a driver copies them
 *   only if it must.
 * - step returns ND_SQL_ROW (a row is readable through the column
 *   functions until the next step or reset), ND_SQL_DONE (no more rows; the
 *   statement's changes are made), or an error: ND_EBUSY when the database
 *   says retry (SQLite BUSY/LOCKED, PostgreSQL serialization failure or
 *   deadlock), ND_EEXIST for a UNIQUE or PRIMARY KEY violation, ND__ELOST
 *   when the connection broke (the server rolled back any open
 *   transaction), ND_ESTORE for anything else, including a connection lost
 *   while COMMIT or a write outside a transaction ran (its outcome is
 *   unknown). After ND__ELOST every call on conn fails with ND__ELOST, and
 *   in_txn is false, until revive: a driver never reconnects by itself, so
 *   the rest of a transaction cannot run on a new session as autocommit.
 *   A driver that executes the whole statement at once
 *   (libpq's PQexecPrepared) does so at the first step and then walks its
 *   result rows. Errors are not logged by the driver: the store logs them
 *   with errmsg's text (which stays valid until the next call on conn).
 * - The last insert's id is never asked of the driver: statements that
 *   need it say RETURNING id and read it as a row (the SQLite driver makes
 *   that row itself for an INSERT ending in " RETURNING id": cheaper).
 * - changes: the rows changed by the last INSERT/UPDATE/DELETE that ran to
 *   ND_SQL_DONE on conn.
 * - exec runs a plain SQL string with no parameters and no rows wanted,
 *   possibly several statements (migrations).
 * - in_txn tells whether a transaction is open on conn; an error may have
 *   ended it (SQLite rolls back on SQLITE_FULL, IOERR, NOMEM; PostgreSQL's
 *   aborted transaction must be rolled back by the store).
 *
 * Column reads on a NULL give 0, NULL (text) and NULL/0 (blob); the store
 * turns a NULL text into "".
 *
 * SQL that still differs between SQLite and PostgreSQL: the PG driver
 * gives these statements (stmt_defs[] in sql_store.c) a pg text, or the
 * schema's PG dialect absorbs the difference.
 * - PRAGMAs (foreign_keys, journal_mode, synchronous) and the busy
 *   timeout: not statements; driver_sqlite.c only.
 * - ST_BEGIN "BEGIN IMMEDIATE", ST_BEGIN_READ "BEGIN DEFERRED": PostgreSQL
 *   says BEGIN (READ COMMITTED) and BEGIN ISOLATION LEVEL REPEATABLE READ.
 *   BEGIN IMMEDIATE's single writer is ST_WRITE_LOCK, run after every
 *   write BEGIN: an advisory transaction lock in PostgreSQL ("SELECT 1" in
 *   SQLite). Migrations take it too, and ST_MIGRATIONS_TABLE creates the
 *   bookkeeping table under it (a DO block).
 * - "x IS ?1" / "x IS NOT ?3", null-safe comparisons with a parameter
 *   (ST_SECTION_FIND, _NEXT_POSITION, _FIND_NAME, _CLASH, _SIBLINGS,
 *   ST_ARTICLE_SLUG_TAKEN): IS [NOT] DISTINCT FROM.
 * - "= ?2 COLLATE NOCASE" (ST_SECTION_FIND_NAME, ST_SECTION_CLASH,
 *   ST_TAG_FIND_NAME, ST_TAG_CLASH): lower() on both sides.
 * - printf('%010d.%019d', ...) (ST_EACH_SECTION's sort key): lpad().
 * - json_group_array (ST_REVISION_ADD) and json_each with its key
 *   (ST_REVISION_TAGS): json_agg / json_array_elements_text WITH
 *   ORDINALITY; revisions.tags compares as text.
 * - max(a, b) as a scalar (ST_TOKEN_USED): greatest(a, b).
 * - Booleans: a comparison is an integer 0/1 in SQLite. ARTICLE_ROUTES'
 *   live column is read with nd__sql_int (ST_ARTICLE_ROUTE) and used as a
 *   condition (ST_RETIRED_YIELD): PostgreSQL needs (...)::int for the one
 *   and a boolean for the other.
 * - Parameters whose type PostgreSQL cannot infer: the SELECT list of
 *   INSERT ... SELECT ?1, ?2 ... (ST_HISTORY_ADD, ST_SESSION_ADD,
 *   ST_TOKEN_ADD), "?5 IS NULL" and "SELECT ?2 UNION ALL" (the admin's
 *   ST_ARTICLE_QUERY, _COUNT): casts (?1::bigint) in the pg text, or the
 *   driver declares parameter types.
 * - sum() over bigint is numeric in PostgreSQL (ST_SERIES_*,
 *   ST_RANGE_VIEWS): read as text, it still parses as an integer.
 * - LIKE folds ASCII case in SQLite (ST_ARTICLE_QUERY, _COUNT): ILIKE.
 * - meta.value holds integers (generation, meta_int) and blobs (secrets)
 *   in one column (SQLite's dynamic typing, told apart by nd__sql_type);
 *   PostgreSQL has value BIGINT and secret BYTEA. ST_META_GET reads the
 *   integer as column 0 and the secret as column 1 (value twice in
 *   SQLite); ST_META_ADD writes secrets, ST_META_SET integers (clearing
 *   the secret in PostgreSQL).
 * - Ids come from INTEGER PRIMARY KEY (rowid) in SQLite: the PG schema
 *   uses identity columns; RETURNING id reads either.
 * - INSERT ... SELECT ... ON CONFLICT: SQLite needs a WHERE in the SELECT
 *   to parse it (every such statement has one); PostgreSQL does not mind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_int.h"

/* What step returns besides an error (a negative nd_err). */
enum { ND_SQL_DONE = 1, ND_SQL_ROW = 2 };

/* A column's type in the current row. */
enum nd__sql_type { ND_SQL_NULL, ND_SQL_INT, ND_SQL_FLOAT, ND_SQL_TEXT, ND_SQL_BLOB };

/* One statement of the store: its text, the PostgreSQL override, and what it does. */
struct nd__sql_def {
	const char *sql;  /* ?N parameters; both dialects unless pg is set */
	const char *what; /* for messages: "add an article" */
	const char *pg;   /* PostgreSQL's own text; NULL: sql */
};

struct nd__sql_conn; /* the driver's connection */
struct nd__sql_driver;

/* What every driver's statement starts with. */
struct nd__sql_stmt {
	const struct nd__sql_driver *drv;
};

struct nd__sql_driver {
	const char *name; /* "sqlite", for messages */
	/* The embedded migrations of this dialect (see nd__migration_next). */
	const char *migrations;
	/*
	 * Connects to location (url is the full URL, for messages) and sets
	 * the connection up (SQLite: busy timeout, foreign keys, WAL). Logs
	 * and returns ND_ESTORE on failure. Migrations are the store's.
	 */
	int (*open)(const char *url, const char *location, struct nd__sql_conn **out);
	void (*close)(struct nd__sql_conn *c); /* NULL is a no-op */
	/*
	 * Prepares statement id, whose text is def (see above). persistent
	 * says the store keeps it for the life of the connection. Errors as
	 * step's, with errmsg.
	 */
	int (*prepare)(struct nd__sql_conn *c, int id, const struct nd__sql_def *def,
	               bool persistent, struct nd__sql_stmt **out);
	void (*reset)(struct nd__sql_stmt *st);    /* ready to bind and step again, unbound */
	void (*finalize)(struct nd__sql_stmt *st); /* NULL is a no-op */
	int (*bind_int)(struct nd__sql_stmt *st, int i, int64_t v);
	int (*bind_text)(struct nd__sql_stmt *st, int i, const char *v); /* NUL-terminated */
	int (*bind_blob)(struct nd__sql_stmt *st, int i, const void *v, size_t len);
	int (*bind_null)(struct nd__sql_stmt *st, int i);
	int (*step)(struct nd__sql_stmt *st);
	int64_t (*col_int)(struct nd__sql_stmt *st, int i);
	const char *(*col_text)(struct nd__sql_stmt *st, int i);
	const void *(*col_blob)(struct nd__sql_stmt *st, int i, size_t *len);
	enum nd__sql_type (*col_type)(struct nd__sql_stmt *st, int i);
	int64_t (*changes)(struct nd__sql_conn *c);
	int (*exec)(struct nd__sql_conn *c, const char *sql);
	const char *(*errmsg)(struct nd__sql_conn *c);
	bool (*in_txn)(struct nd__sql_conn *c);
	/* Whether a '{1,2,3}' text binds as a bigint[] (PostgreSQL): the store
	 * then sends a batch of rows in one statement (ST_VIEWS_BATCH). */
	bool arrays;
	/*
	 * Optional (NULL: the connection cannot be lost, SQLite). Reconnects
	 * a connection that gave ND__ELOST, its statements prepared again on
	 * their next use; 0 at once when it is healthy. ND__ELOST (errmsg)
	 * while the database cannot be reached.
	 */
	int (*revive)(struct nd__sql_conn *c);
	/*
	 * Optional: whether this process has already migrated the database
	 * behind c (schema_known), and recording that it has (schema_done),
	 * so that later opens skip the migrations' check. NULL: check on
	 * every open.
	 */
	bool (*schema_known)(struct nd__sql_conn *c);
	void (*schema_done)(struct nd__sql_conn *c);
};

extern const struct nd__sql_driver nd__sqlite_driver;
extern const struct nd__sql_driver nd__pg_driver; /* driver_pg.c, over libpq */

/*
 * Statement ids from here on are free for statements made outside
 * sql_store.c's stmt_defs (copy.c): a driver caches per id on the server,
 * so each such text needs an id of its own.
 */
#define ND__SQL_ADHOC_ID 1000

/* The connection behind a store of the SQL logic; NULL when s is another kind. */
struct nd__sql_conn *nd__sql_store_conn(struct nd_store *s, const struct nd__sql_driver *drv);

/*
 * Prepares every statement of the store's logic on s (a store of the SQL
 * logic, else ND_EINVAL): a test that each text, in the driver's dialect,
 * parses against the schema of its migrations. Errors as nd_store's.
 */
int nd__sql_store_prepare_all(struct nd_store *s);

/* Calls through the statement's driver, for the store's logic. */
static inline int nd__sql_step(struct nd__sql_stmt *st)
{
	return st->drv->step(st);
}

static inline int64_t nd__sql_int(struct nd__sql_stmt *st, int i)
{
	return st->drv->col_int(st, i);
}

/* Column i as text; "" for NULL. */
static inline const char *nd__sql_text(struct nd__sql_stmt *st, int i)
{
	const char *v = st->drv->col_text(st, i);

	return v ? v : "";
}

static inline const void *nd__sql_blob(struct nd__sql_stmt *st, int i, size_t *len)
{
	return st->drv->col_blob(st, i, len);
}

static inline enum nd__sql_type nd__sql_type(struct nd__sql_stmt *st, int i)
{
	return st->drv->col_type(st, i);
}
