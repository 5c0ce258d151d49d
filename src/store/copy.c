/*
 * nd_store_copy: a whole site from one store into a fresh one, between any
 * two SQL stores (SQLite, PostgreSQL), for `newsdesk migrate`
 * (docs/internals/migrate.md).
 *
 * Every table of the schema is either copied (tables[], parents before
 * children so that foreign keys hold row by row) or left out on purpose
 * (not_copied[]); store/test_copy fails when a migration adds a table or a
 * column that neither list knows. Each table is one SELECT of its columns
 * on the source (a cursor on PostgreSQL) and INSERTs of many rows on the
 * destination (struct chunk), every value bound with the type it was read
 * with, so ids and blobs arrive as they were. The statements are made
 * here, outside stmt_defs, and go straight to the driver (sql_driver.h)
 * with ids from ND__SQL_ADHOC_ID on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "store/sql_driver.h"
#include "store/store.h"
#include "store/store_int.h"

/*
 * PostgreSQL's driver holds a whole result in memory: the source is read
 * through a cursor, this many rows per FETCH.
 */
#define PG_BATCH  10000
#define PG_CURSOR "nd_copy"
/* Parameters of one INSERT of many rows: SQLite's oldest limit (999), far below PostgreSQL's. */
#define MAX_PARAMS 999
/* Rows between two calls of the progress callback. */
#define PROGRESS_EVERY 10000

/* The sections, parents first: a parent's id need not be the smaller. */
#define SECTIONS_BY_DEPTH                                                                          \
	"WITH RECURSIVE tree (id, depth) AS (SELECT id, 0 FROM sections WHERE parent_id IS NULL"   \
	" UNION ALL SELECT s.id, t.depth + 1 FROM sections s JOIN tree t ON s.parent_id = t.id)"   \
	" SELECT s.id, s.parent_id, s.slug, s.name, s.position FROM sections s"                    \
	" JOIN tree t ON t.id = s.id ORDER BY t.depth, s.id"

struct copy_table {
	const char *name;
	const char *cols; /* the schema's columns, in its order */
	const char *key;  /* ORDER BY: the primary key */
	bool identity;    /* PostgreSQL: id is an identity column, its sequence moved after */
	/* A fresh store already has rows matching this (meta's generation): not site data. */
	const char *fresh;
	/* Texts that replace the plain SELECT (… ORDER BY key) and INSERT; NULL: plain. */
	const char *select, *select_pg, *insert, *insert_pg;
};

/*
 * meta: SQLite keeps integers (the generation, meta_int) and secrets (blobs)
 * in its one untyped column value; PostgreSQL has value BIGINT and secret
 * BYTEA. Both sides read and write (key, value, secret). The destination's
 * migrations already wrote the generation, so meta's INSERT replaces.
 */
#define META_SELECT                                                                                \
	"SELECT key, CASE WHEN typeof(value) = 'blob' THEN NULL ELSE value END,"                   \
	" CASE WHEN typeof(value) = 'blob' THEN value END FROM meta ORDER BY key"
#define META_INSERT                                                                                \
	"INSERT INTO meta (key, value) VALUES (?1, coalesce(?3, ?2))"                              \
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value"
#define META_INSERT_PG                                                                             \
	"INSERT INTO meta (key, value, secret) VALUES (?1, ?2, ?3)"                                \
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value, secret = excluded.secret"

/*
 * Every table copied, in an order that satisfies the foreign keys. An entry
 * leaves out the fields it does not need, which the pragma allows.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct copy_table tables[] = {
    {"sections", "id, parent_id, slug, name, position", "id", true, NULL, SECTIONS_BY_DEPTH,
     SECTIONS_BY_DEPTH, NULL, NULL},
    {"authors", "id, slug, name", "id", true},
    {"tags", "id, slug, name", "id", true},
    {"users", "id, login, name, role, password, created_at, last_login, disabled", "id", true},
    {"articles",
     "id, ext_id, section_id, author_id, slug, title, summary, body, language, image, "
     "source_url, status, published_at, updated_at, created_at, owner_user_id",
     "id", true},
    {"article_tags", "article_id, tag_id, position", "article_id, tag_id", false},
    {"revisions",
     "id, article_id, n, ext_id, slug, title, summary, body, section, author, tags, language, "
     "image, source_url, status, published_at, updated_at, user_id, created_at",
     "id", true},
    {"article_stats", "article_id, views", "article_id", false},
    {"view_hours", "article_id, hour, views", "article_id, hour", false},
    {"view_days", "article_id, day, views", "article_id, day", false},
    {"reactions", "article_id, type, visitor, created_at", "article_id, type, visitor", false},
    {"reaction_counts", "article_id, type, count", "article_id, type", false},
    {"reading_history", "visitor, at, article_id", "visitor, at, article_id", false},
    {"sessions", "id, user_id, created_at, last_seen, expires_at, csrf", "id", false},
    {"login_failures", "login, failures, last_failure, locked_until", "login", false},
    {"api_tokens", "id, user_id, name, hash, created_at, last_used, revoked_at", "id", true},
    {"webhook_deliveries",
     "id, webhook, event, url, article, status, attempts, http_status, last_error, created_at, "
     "updated_at",
     "id", true},
    {"retired_urls", "path, article_id, reason, at", "path", false},
    {"meta", "key, value, secret", "key", false, "key = 'generation'", META_SELECT,
     "SELECT key, value, secret FROM meta ORDER BY key", META_INSERT, META_INSERT_PG},
};
#pragma GCC diagnostic pop

_Static_assert(ND_COUNT(tables) <= ND_STORE_COPY_MAX_TABLES, "raise ND_STORE_COPY_MAX_TABLES");

/* The tables of the schema that are not site data, and why. */
static const char *const not_copied[] = {
    "schema_migrations", /* the destination's own: it migrated itself on open */
    "node_log",          /* what running nodes wrote lately: a log, not data (0009, node-sync.md) */
};

/* The statements made per table: id ND__SQL_ADHOC_ID + table * STMT__COUNT + kind. */
enum stmt_kind {
	STMT_SELECT,
	STMT_INSERT,
	STMT_INSERT_MANY,
	STMT_COUNT,
	STMT_FRESH,
	STMT_SETVAL,
	STMT__COUNT
};

/* One end of the copy: the store and the driver and connection behind it. */
struct side {
	struct nd_store *s;
	const struct nd__sql_driver *drv;
	struct nd__sql_conn *conn;
	bool pg;
};

struct copy {
	struct side src, dst;
	nd_store_copy_cb cb;
	void *ctx;
	struct nd_store_copy_report *report;
};

int nd__copy_table(const char *table, const char **cols)
{
	for (size_t i = 0; i < ND_COUNT(tables); i++) {
		if (!strcmp(tables[i].name, table)) {
			if (cols)
				*cols = tables[i].cols;
			return 1;
		}
	}
	for (size_t i = 0; i < ND_COUNT(not_copied); i++)
		if (!strcmp(not_copied[i], table))
			return 0;
	return -1;
}

const char *nd__copy_table_at(size_t i)
{
	return i < ND_COUNT(tables) ? tables[i].name : NULL;
}

static int side_of(struct nd_store *s, struct side *out)
{
	out->s = s;
	out->pg = false;
	out->drv = &nd__sqlite_driver;
	if ((out->conn = nd__sql_store_conn(s, out->drv)) != NULL)
		return 0;
	out->pg = true;
	out->drv = &nd__pg_driver;
	if ((out->conn = nd__sql_store_conn(s, out->drv)) != NULL)
		return 0;
	return nd_error(ND_EUNSUPP, "store '%s': cannot copy a store of the %s backend", s->url,
	                s->be->name);
}

/* The database's message for a failed call on sd, returned as ND_ESTORE. */
static int side_fail(const struct side *sd, const char *what, const char *table)
{
	return nd_error(ND_ESTORE, "store '%s': cannot %s %s: %s", sd->s->url, what, table,
	                sd->drv->errmsg(sd->conn));
}

/* Prepares sql on sd as statement kind of table t. */
static int prepare(const struct side *sd, size_t t, enum stmt_kind kind, const char *sql,
                   struct nd__sql_stmt **out)
{
	const struct nd__sql_def def = {sql, "copy", NULL};
	int id = ND__SQL_ADHOC_ID + (int)(t * STMT__COUNT + kind);

	if (sd->drv->prepare(sd->conn, id, &def, false, out))
		return side_fail(sd, "prepare the copy of", tables[t].name);
	return 0;
}

/* The first row's integer of a statement that takes no values, on sd. */
static int query_int(const struct side *sd, size_t t, enum stmt_kind kind, const char *sql,
                     int64_t *out)
{
	struct nd__sql_stmt *st;
	int rc;

	*out = 0;
	if ((rc = prepare(sd, t, kind, sql, &st)) != 0)
		return rc;
	rc = sd->drv->step(st);
	if (rc == ND_SQL_ROW)
		*out = nd__sql_int(st, 0);
	rc = rc == ND_SQL_ROW || rc == ND_SQL_DONE ? 0 : side_fail(sd, "read", tables[t].name);
	sd->drv->finalize(st);
	return rc;
}

/* Rows of table t on sd; fresh_only: only those a fresh store would not have. */
static int count_rows(const struct side *sd, size_t t, bool fresh_only, int64_t *out)
{
	struct nd_buf sql = ND_BUF_INIT;
	int rc;

	nd_buf_addf(&sql, "SELECT count(*) FROM %s", tables[t].name);
	if (fresh_only && tables[t].fresh)
		nd_buf_addf(&sql, " WHERE NOT (%s)", tables[t].fresh);
	rc = query_int(sd, t, fresh_only ? STMT_FRESH : STMT_COUNT, sql.buf, out);
	nd_buf_release(&sql);
	return rc;
}

/* Refuses a destination holding site data, naming every table that has rows. */
static int check_fresh(struct copy *c)
{
	struct nd_buf what = ND_BUF_INIT;
	int64_t n;
	int rc = 0;

	for (size_t t = 0; t < ND_COUNT(tables) && !rc; t++) {
		if ((rc = count_rows(&c->dst, t, true, &n)) != 0 || !n)
			continue;
		nd_buf_addf(&what, "%s%s (%" PRId64 " row%s)", what.len ? ", " : "", tables[t].name,
		            n, n == 1 ? "" : "s");
	}
	if (!rc && what.len)
		rc = nd_error(ND_EEXIST,
		              "store '%s' is not empty: %s; migrate copies only into a fresh store "
		              "(a new SQLite file, or a new PostgreSQL database: createdb NAME)",
		              c->dst.s->url, what.buf);
	nd_buf_release(&what);
	return rc;
}

/*
 * Rows on their way to the destination. A source row's values are valid
 * only until its next step, so a chunk keeps copies: a cell per value, the
 * bytes of texts and blobs in data. A full chunk goes in one INSERT of
 * many rows (one round trip to PostgreSQL instead of one per row); the
 * rest of a table, and a chunk whose INSERT failed (to name the row that
 * did), go row by row. A table with its own INSERT (meta) goes row by row.
 */
struct cell {
	enum nd__sql_type type;
	int64_t i;       /* ND_SQL_INT */
	size_t off, len; /* ND_SQL_TEXT (NUL-terminated in data), ND_SQL_BLOB */
};

struct chunk {
	size_t t; /* tables[t] */
	int ncols, rows, cap;
	int64_t first;      /* the table's row number of the first row kept, from 1 */
	struct cell *cells; /* cap rows of ncols */
	struct nd_buf data;
	struct nd__sql_stmt *one, *many; /* INSERT of one row, of cap rows (NULL: cap is 1) */
	bool cursor;                     /* the source's PostgreSQL cursor is open */
};

/* Appends what row r's first column holds ("id 17"), for a message. */
static void describe(const struct chunk *k, int r, struct nd_buf *out)
{
	const struct cell *x = &k->cells[r * k->ncols];
	const char *cols = tables[k->t].cols;

	nd_buf_addf(out, "%.*s ", (int)strcspn(cols, ","), cols);
	switch (x->type) {
	case ND_SQL_INT: nd_buf_addf(out, "%" PRId64, x->i); break;
	case ND_SQL_TEXT: nd_buf_addf(out, "'%.80s'", k->data.buf + x->off); break;
	case ND_SQL_BLOB: nd_buf_addf(out, "(%zu bytes)", x->len); break;
	default: nd_buf_adds(out, "NULL");
	}
}

/* The error for row r of k, with the destination's message or why. */
static int row_fail(const struct copy *c, const struct chunk *k, int r, const char *why)
{
	struct nd_buf where = ND_BUF_INIT;
	int rc;

	describe(k, r, &where);
	rc = nd_error(ND_ESTORE, "store '%s': cannot copy %s row %" PRId64 " (%s): %s",
	              c->dst.s->url, tables[k->t].name, k->first + r, where.buf,
	              why ? why : c->dst.drv->errmsg(c->dst.conn));
	nd_buf_release(&where);
	return rc;
}

/* Keeps the source's current row in k; ND_EINVAL for a real number (no column has one). */
static int chunk_add(struct chunk *k, struct nd__sql_stmt *sel)
{
	struct cell *row = &k->cells[k->rows * k->ncols];
	const char *text;
	const void *blob;

	for (int i = 0; i < k->ncols; i++) {
		struct cell *x = &row[i];

		x->type = nd__sql_type(sel, i);
		x->off = k->data.len;
		x->len = 0;
		switch (x->type) {
		case ND_SQL_INT: x->i = nd__sql_int(sel, i); break;
		case ND_SQL_TEXT:
			text = nd__sql_text(sel, i);
			x->len = strlen(text);
			nd_buf_add(&k->data, text, x->len + 1);
			break;
		case ND_SQL_BLOB:
			/* An empty one binds data's bytes, not NULL (which SQLite would store). */
			if ((blob = nd__sql_blob(sel, i, &x->len)) != NULL)
				nd_buf_add(&k->data, blob, x->len);
			break;
		case ND_SQL_NULL: break;
		default: k->rows++; return ND_EINVAL;
		}
	}
	k->rows++;
	return nd_buf_err(&k->data);
}

/* Binds the n rows of k from row `from` to ins, then runs it. */
static int insert(const struct chunk *k, struct nd__sql_stmt *ins, int from, int n)
{
	int rc = 0;

	for (int r = 0; r < n; r++) {
		const struct cell *row = &k->cells[(from + r) * k->ncols];

		for (int i = 0; i < k->ncols && !rc; i++) {
			const struct cell *x = &row[i];
			const char *p = k->data.buf + x->off;
			int at = r * k->ncols + i + 1;

			switch (x->type) {
			case ND_SQL_INT: rc = ins->drv->bind_int(ins, at, x->i); break;
			case ND_SQL_TEXT: rc = ins->drv->bind_text(ins, at, p); break;
			case ND_SQL_BLOB: rc = ins->drv->bind_blob(ins, at, p, x->len); break;
			default: rc = ins->drv->bind_null(ins, at);
			}
		}
	}
	if (!rc && (rc = ins->drv->step(ins)) == ND_SQL_DONE)
		rc = 0;
	ins->drv->reset(ins);
	return rc;
}

/* One INSERT for a full chunk, under a savepoint so that a failure can be retried row by row. */
static bool insert_many(struct copy *c, struct chunk *k)
{
	const struct side *d = &c->dst;

	if (d->drv->exec(d->conn, "SAVEPOINT nd_copy"))
		return false;
	if (!insert(k, k->many, 0, k->rows) && !d->drv->exec(d->conn, "RELEASE nd_copy"))
		return true;
	d->drv->exec(d->conn, "ROLLBACK TO nd_copy");
	return false;
}

/* Writes the rows kept in k to the destination and empties k. */
static int chunk_flush(struct copy *c, struct chunk *k)
{
	if (!(k->many && k->rows == k->cap && insert_many(c, k)))
		for (int r = 0; r < k->rows; r++)
			if (insert(k, k->one, r, 1))
				return row_fail(c, k, r, NULL);
	k->first += k->rows;
	k->rows = 0;
	nd_buf_reset(&k->data);
	return 0;
}

/* The SELECT of table t, by its key. */
static void select_text(const struct copy *c, size_t t, struct nd_buf *sel)
{
	const struct copy_table *ct = &tables[t];
	const char *s = c->src.pg ? ct->select_pg : ct->select;

	if (s)
		nd_buf_adds(sel, s);
	else
		nd_buf_addf(sel, "SELECT %s FROM %s ORDER BY %s", ct->cols, ct->name, ct->key);
}

/* The INSERT of rows rows of table t (its own when it has one). */
static void insert_text(const struct copy *c, size_t t, int ncols, int rows, struct nd_buf *ins)
{
	const struct copy_table *ct = &tables[t];
	const char *own = c->dst.pg ? ct->insert_pg : ct->insert;

	if (own) {
		nd_buf_adds(ins, own);
		return;
	}
	nd_buf_addf(ins, "INSERT INTO %s (%s) VALUES ", ct->name, ct->cols);
	for (int r = 0; r < rows; r++) {
		nd_buf_adds(ins, r ? ", (" : "(");
		for (int i = 1; i <= ncols; i++)
			nd_buf_addf(ins, "%s?%d", i > 1 ? ", " : "", r * ncols + i);
		nd_buf_addch(ins, ')');
	}
}

/* Copies the rows sel gives (all, or one FETCH): *got rows, *done in all. */
static int copy_batch(struct copy *c, struct chunk *k, struct nd__sql_stmt *sel, int64_t *done,
                      int64_t *got)
{
	const char *name = tables[k->t].name;
	int rc;

	*got = 0;
	while ((rc = sel->drv->step(sel)) == ND_SQL_ROW) {
		++*got;
		++*done;
		if ((rc = chunk_add(k, sel)) != 0)
			rc = row_fail(c, k, k->rows - 1, "a value of a type the schema has not");
		else if (k->rows == k->cap)
			rc = chunk_flush(c, k);
		if (rc) {
			sel->drv->reset(sel);
			return rc;
		}
		if (c->cb && *done % PROGRESS_EVERY == 0)
			c->cb(c->ctx, name, *done, c->report->tables[k->t].source);
	}
	rc = rc == ND_SQL_DONE ? 0 : side_fail(&c->src, "read", name);
	sel->drv->reset(sel);
	return rc;
}

/* Prepares the statements of table t's copy; fills k but its buffers. */
static int copy_prepare(struct copy *c, size_t t, struct chunk *k, struct nd__sql_stmt **sel)
{
	struct nd_buf sql = ND_BUF_INIT;
	int rc;

	k->t = t;
	k->ncols = 1;
	for (const char *p = tables[t].cols; *p; p++)
		k->ncols += *p == ',';
	k->cap = tables[t].insert ? 1 : MAX_PARAMS / k->ncols;
	k->first = 1;
	if (c->src.pg) {
		/* In the read transaction's snapshot; copy_table closes it. */
		nd_buf_adds(&sql, "DECLARE " PG_CURSOR " NO SCROLL CURSOR FOR ");
		select_text(c, t, &sql);
		if (c->src.drv->exec(c->src.conn, sql.buf)) {
			rc = side_fail(&c->src, "read", tables[t].name);
			goto out;
		}
		k->cursor = true;
		nd_buf_reset(&sql);
		nd_buf_addf(&sql, "FETCH FORWARD %d FROM " PG_CURSOR, PG_BATCH);
	} else {
		select_text(c, t, &sql);
	}
	if ((rc = prepare(&c->src, t, STMT_SELECT, sql.buf, sel)) != 0)
		goto out;
	nd_buf_reset(&sql);
	insert_text(c, t, k->ncols, 1, &sql);
	if ((rc = prepare(&c->dst, t, STMT_INSERT, sql.buf, &k->one)) != 0 || k->cap == 1)
		goto out;
	nd_buf_reset(&sql);
	insert_text(c, t, k->ncols, k->cap, &sql);
	rc = prepare(&c->dst, t, STMT_INSERT_MANY, sql.buf, &k->many);
out:
	nd_buf_release(&sql);
	return rc;
}

static int copy_table(struct copy *c, size_t t)
{
	struct chunk k = {.data = ND_BUF_INIT};
	struct nd__sql_stmt *sel = NULL;
	int64_t done = 0, got;
	int rc;

	if ((rc = copy_prepare(c, t, &k, &sel)) != 0)
		goto out;
	k.cells = nd_xcalloc((size_t)(k.cap * k.ncols), sizeof(*k.cells));
	/* SQLite steps through the rows as they are read: one batch. */
	do
		rc = copy_batch(c, &k, sel, &done, &got);
	while (!rc && c->src.pg && got == PG_BATCH);
	if (!rc)
		rc = chunk_flush(c, &k);
	if (!rc && c->cb)
		c->cb(c->ctx, tables[t].name, done, c->report->tables[t].source);
out:
	c->src.drv->finalize(sel);
	if (k.cursor)
		c->src.drv->exec(c->src.conn, "CLOSE " PG_CURSOR);
	c->dst.drv->finalize(k.one);
	c->dst.drv->finalize(k.many);
	free(k.cells);
	nd_buf_release(&k.data);
	return rc;
}

/* PostgreSQL: each identity sequence past the ids copied, so new rows get new ids. */
static int move_sequences(struct copy *c)
{
	struct nd_buf sql = ND_BUF_INIT;
	int64_t ignored;
	int rc = 0;

	for (size_t t = 0; t < ND_COUNT(tables) && !rc; t++) {
		if (!tables[t].identity)
			continue;
		nd_buf_reset(&sql);
		/* max(id) is NULL on an empty table, and setval(…, NULL) does nothing. */
		nd_buf_addf(&sql,
		            "SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s",
		            tables[t].name, tables[t].name);
		rc = query_int(&c->dst, t, STMT_SETVAL, sql.buf, &ignored);
	}
	nd_buf_release(&sql);
	return rc;
}

/* Everything between the two stores' transactions. */
static int copy_all(struct copy *c)
{
	int rc;

	if ((rc = check_fresh(c)) != 0)
		return rc;
	for (size_t t = 0; t < ND_COUNT(tables); t++) {
		c->report->tables[t].table = tables[t].name;
		if ((rc = count_rows(&c->src, t, false, &c->report->tables[t].source)) != 0)
			return rc;
	}
	c->report->n = ND_COUNT(tables);
	for (size_t t = 0; t < ND_COUNT(tables); t++)
		if ((rc = copy_table(c, t)) != 0)
			return rc;
	return c->dst.pg ? move_sequences(c) : 0;
}

/* Reads back every table's rows from the destination, after the commit. */
static int verify(struct copy *c)
{
	struct nd_buf diff = ND_BUF_INIT;
	int rc = 0;

	for (size_t t = 0; t < ND_COUNT(tables) && !rc; t++) {
		struct nd_store_copy_count *n = &c->report->tables[t];

		if ((rc = count_rows(&c->dst, t, false, &n->dest)) == 0 && n->dest != n->source)
			nd_buf_addf(&diff, "%s%s %" PRId64 " (source %" PRId64 ")",
			            diff.len ? ", " : "", n->table, n->dest, n->source);
	}
	if (!rc && diff.len)
		rc = nd_error(ND_ESTORE, "store '%s': after the copy the row counts differ: %s",
		              c->dst.s->url, diff.buf);
	nd_buf_release(&diff);
	return rc;
}

int nd_store_copy(struct nd_store *src, struct nd_store *dst, nd_store_copy_cb cb, void *ctx,
                  struct nd_store_copy_report *report)
{
	struct copy c = {.cb = cb, .ctx = ctx, .report = report};
	int rc;

	ND_ASSERT(src && dst && report);
	memset(report, 0, sizeof(*report));
	if (src == dst)
		return nd_error(ND_EINVAL, "store '%s': cannot copy a store into itself", src->url);
	if ((rc = side_of(src, &c.src)) != 0 || (rc = side_of(dst, &c.dst)) != 0)
		return rc;
	/* One snapshot of the source, so a running site copies consistently. */
	if ((rc = nd_store_read_begin(src)) != 0)
		return rc;
	if ((rc = nd_store_begin(dst)) != 0) {
		nd_store_read_end(src);
		return rc;
	}
	rc = copy_all(&c);
	if (rc)
		nd_store_rollback(dst);
	else if ((rc = nd_store_commit(dst)) == 0)
		report->committed = true;
	nd_store_read_end(src);
	return rc ? rc : verify(&c);
}
