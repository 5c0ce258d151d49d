/*
 * Tests for the SQLite driver (driver_sqlite.c) against the contract of
 * sql_driver.h: step's results and errors (ND_EEXIST for a UNIQUE
 * violation, ND_ESTORE with the database's message), RETURNING read as a
 * row, binds and column types, changes, in_txn, exec, and two statements
 * of one id at once. The store's logic over it is tested by test_store.c
 * and the others.
 */
#include "helpers/cmocka.h"

#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "store/sql_driver.h"
#include "store/store.h"

static const struct nd__sql_driver *const drv = &nd__sqlite_driver;

static const struct nd__sql_def defs[] = {
    {"INSERT INTO t (name, data, n) VALUES (?1, ?2, ?3) RETURNING id", "add a row", NULL},
    {"SELECT id, name, data, n FROM t WHERE id >= ?1 ORDER BY id", "list rows", NULL},
    {"UPDATE t SET n = ?1", "update rows", NULL},
    {"SELECT nonsense FROM nowhere", "fail", NULL},
    /* Inserts a row when ?2 is not 0; the driver cuts RETURNING id off. */
    {"INSERT INTO t (name) SELECT ?1 WHERE ?2 RETURNING id", "maybe add a row", NULL},
    /* A RETURNING the driver leaves to SQLite. */
    {"INSERT INTO t (name) VALUES (?1) RETURNING id, name", "add and read a row", NULL},
};
enum { ADD, LIST, UPDATE, BAD, MAYBE_ADD, ADD_READ };

static int setup(void **state)
{
	struct nd__sql_conn *c;

	nd_log_level = ND_LOG_ERROR + 1; /* the tests provoke errors on purpose */
	if (drv->open("sqlite::memory:", ":memory:", &c) ||
	    drv->exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, "
	                 "data BLOB, n INTEGER)")) {
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	drv->close(*state);
	return 0;
}

/* Adds a row through ADD; returns step's result, the new id in *id. */
static int add(struct nd__sql_conn *c, const char *name, const void *data, size_t len, int64_t *id)
{
	struct nd__sql_stmt *st;
	int rc;

	assert_int_equal(drv->prepare(c, ADD, &defs[ADD], false, &st), 0);
	assert_int_equal(drv->bind_text(st, 1, name), 0);
	if (data)
		assert_int_equal(drv->bind_blob(st, 2, data, len), 0);
	else
		assert_int_equal(drv->bind_null(st, 2), 0);
	assert_int_equal(drv->bind_int(st, 3, 7), 0);
	rc = nd__sql_step(st);
	if (rc == ND_SQL_ROW)
		*id = nd__sql_int(st, 0);
	drv->finalize(st);
	return rc;
}

static void test_insert_returning(void **state)
{
	struct nd__sql_conn *c = *state;
	int64_t a = 0, b = 0;

	assert_int_equal(add(c, "a", "\x01\x02", 2, &a), ND_SQL_ROW);
	assert_int_equal(add(c, "b", NULL, 0, &b), ND_SQL_ROW);
	assert_true(a > 0);
	assert_int_equal(b, a + 1);
	/* The same name again: a UNIQUE violation, told apart from other errors. */
	assert_int_equal(add(c, "a", NULL, 0, &b), ND_EEXIST);
	assert_non_null(strstr(drv->errmsg(c), "UNIQUE"));
}

/* RETURNING id of an INSERT: one row when it inserted one, none otherwise. */
static void test_returning_id(void **state)
{
	struct nd__sql_conn *c = *state;
	struct nd__sql_stmt *st;
	int64_t a = 0, b;

	assert_int_equal(add(c, "a", NULL, 0, &a), ND_SQL_ROW);
	assert_int_equal(drv->prepare(c, MAYBE_ADD, &defs[MAYBE_ADD], true, &st), 0);
	assert_int_equal(drv->bind_text(st, 1, "b"), 0);
	assert_int_equal(drv->bind_int(st, 2, 1), 0);
	assert_int_equal(nd__sql_step(st), ND_SQL_ROW);
	assert_int_equal(nd__sql_type(st, 0), ND_SQL_INT);
	b = nd__sql_int(st, 0);
	assert_int_equal(b, a + 1);
	assert_int_equal(nd__sql_step(st), ND_SQL_DONE);
	assert_int_equal(drv->changes(c), 1);

	drv->reset(st);
	assert_int_equal(drv->bind_text(st, 1, "c"), 0);
	assert_int_equal(drv->bind_int(st, 2, 0), 0);
	assert_int_equal(nd__sql_step(st), ND_SQL_DONE); /* nothing inserted: no row */
	assert_int_equal(drv->changes(c), 0);

	drv->reset(st); /* a UNIQUE violation is an error, not a row */
	assert_int_equal(drv->bind_text(st, 1, "b"), 0);
	assert_int_equal(drv->bind_int(st, 2, 1), 0);
	assert_int_equal(nd__sql_step(st), ND_EEXIST);
	drv->finalize(st);

	assert_int_equal(drv->prepare(c, ADD_READ, &defs[ADD_READ], false, &st), 0);
	assert_int_equal(drv->bind_text(st, 1, "d"), 0);
	assert_int_equal(nd__sql_step(st), ND_SQL_ROW);
	assert_int_equal(nd__sql_int(st, 0), b + 1);
	assert_string_equal(nd__sql_text(st, 1), "d");
	assert_int_equal(nd__sql_step(st), ND_SQL_DONE);
	drv->finalize(st);
}

static void test_columns(void **state)
{
	struct nd__sql_conn *c = *state;
	struct nd__sql_stmt *st;
	const void *blob;
	size_t len = 99;
	int64_t id;

	assert_int_equal(add(c, "a", "\x01\x02", 2, &id), ND_SQL_ROW);
	assert_int_equal(add(c, "b", NULL, 0, &id), ND_SQL_ROW);
	assert_int_equal(drv->prepare(c, LIST, &defs[LIST], true, &st), 0);
	assert_int_equal(drv->bind_int(st, 1, 0), 0);

	assert_int_equal(nd__sql_step(st), ND_SQL_ROW);
	assert_int_equal(nd__sql_type(st, 0), ND_SQL_INT);
	assert_int_equal(nd__sql_type(st, 1), ND_SQL_TEXT);
	assert_string_equal(nd__sql_text(st, 1), "a");
	assert_int_equal(nd__sql_type(st, 2), ND_SQL_BLOB);
	blob = nd__sql_blob(st, 2, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(blob, "\x01\x02", 2);
	assert_int_equal(nd__sql_int(st, 3), 7);

	assert_int_equal(nd__sql_step(st), ND_SQL_ROW);
	assert_int_equal(nd__sql_type(st, 2), ND_SQL_NULL);
	assert_null(drv->col_text(st, 2));
	assert_string_equal(nd__sql_text(st, 2), ""); /* NULL reads as "" */
	nd__sql_blob(st, 2, &len);
	assert_int_equal(len, 0);

	assert_int_equal(nd__sql_step(st), ND_SQL_DONE);
	/* Reset: bound again, walked again from the start. */
	drv->reset(st);
	assert_int_equal(drv->bind_int(st, 1, id), 0);
	assert_int_equal(nd__sql_step(st), ND_SQL_ROW);
	assert_string_equal(nd__sql_text(st, 1), "b");
	assert_int_equal(nd__sql_step(st), ND_SQL_DONE);
	drv->finalize(st);
}

/* The store may hold two statements of one id at once (a walk's callback). */
static void test_same_id_twice(void **state)
{
	struct nd__sql_conn *c = *state;
	struct nd__sql_stmt *outer, *inner;
	int64_t id;
	int rows = 0;

	assert_int_equal(add(c, "a", NULL, 0, &id), ND_SQL_ROW);
	assert_int_equal(add(c, "b", NULL, 0, &id), ND_SQL_ROW);
	assert_int_equal(drv->prepare(c, LIST, &defs[LIST], true, &outer), 0);
	assert_int_equal(drv->bind_int(outer, 1, 0), 0);
	while (nd__sql_step(outer) == ND_SQL_ROW) {
		assert_int_equal(drv->prepare(c, LIST, &defs[LIST], false, &inner), 0);
		assert_int_equal(drv->bind_int(inner, 1, nd__sql_int(outer, 0)), 0);
		assert_int_equal(nd__sql_step(inner), ND_SQL_ROW);
		assert_int_equal(nd__sql_int(inner, 0), nd__sql_int(outer, 0));
		drv->finalize(inner);
		rows++;
	}
	assert_int_equal(rows, 2);
	drv->finalize(outer);
}

static void test_changes_and_txn(void **state)
{
	struct nd__sql_conn *c = *state;
	struct nd__sql_stmt *st;
	int64_t id;

	assert_int_equal(add(c, "a", NULL, 0, &id), ND_SQL_ROW);
	assert_int_equal(add(c, "b", NULL, 0, &id), ND_SQL_ROW);
	assert_false(drv->in_txn(c));
	assert_int_equal(drv->exec(c, "BEGIN"), 0);
	assert_true(drv->in_txn(c));
	assert_int_equal(drv->prepare(c, UPDATE, &defs[UPDATE], false, &st), 0);
	assert_int_equal(drv->bind_int(st, 1, 3), 0);
	assert_int_equal(nd__sql_step(st), ND_SQL_DONE);
	assert_int_equal(drv->changes(c), 2);
	drv->finalize(st);
	assert_int_equal(drv->exec(c, "COMMIT"), 0);
	assert_false(drv->in_txn(c));
}

static void test_errors(void **state)
{
	struct nd__sql_conn *c = *state;
	struct nd__sql_stmt *st = (struct nd__sql_stmt *)1;

	assert_int_equal(drv->prepare(c, BAD, &defs[BAD], false, &st), ND_ESTORE);
	assert_null(st);
	assert_non_null(strstr(drv->errmsg(c), "nowhere"));
	assert_int_equal(drv->exec(c, "CREATE TABLE t (x)"), ND_ESTORE);
	assert_non_null(strstr(drv->errmsg(c), "already exists"));
	/* A parameter out of range is a bind error, not a crash. */
	assert_int_equal(drv->prepare(c, UPDATE, &defs[UPDATE], false, &st), 0);
	assert_int_equal(drv->bind_int(st, 5, 1), ND_ESTORE);
	drv->finalize(st);
	drv->finalize(NULL);
	drv->close(NULL);
}

/* Every statement of the store's logic parses against the migrated schema. */
static void test_store_statements(void **state)
{
	struct nd_store *s;

	(void)state;
	assert_int_equal(nd_store_open("sqlite::memory:", &s), 0);
	assert_int_equal(nd__sql_store_prepare_all(s), 0);
	assert_non_null(nd__sql_store_conn(s, drv));
	assert_non_null(nd__sqlite_db(s));
	nd_store_close(s);
	assert_int_equal(nd__sql_store_prepare_all(NULL), ND_EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_insert_returning),
	    T(test_returning_id),
	    T(test_columns),
	    T(test_same_id_twice),
	    T(test_changes_and_txn),
	    T(test_errors),
	    cmocka_unit_test(test_store_statements),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
