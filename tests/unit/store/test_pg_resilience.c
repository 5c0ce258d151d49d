/*
 * The PostgreSQL store surviving a deployment (docs/internals/pg-pool.md):
 * the pool of idle connections (a second open reuses the first's backend; a
 * connection left in a transaction or broken is not reused; the schema is
 * checked on the first open only), reconnecting after the server ends a
 * session (pg_terminate_backend), and store.c's retries: a lock held
 * longer than lock_timeout by another session, an op the store owns retried
 * until it gets it, none inside the caller's nd_store_begin, a walk that
 * delivered a row never run again. Real cluster, no mocks: needs the pg
 * fixture (ND_TEST_STORE=pg, CTest's store-pg/store/test_pg_resilience);
 * skipped without. What an open costs, pooled and not: bench/pg-open.
 */
#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "helpers/temp_db.h"
#include "store/sql_driver.h"
#include "store/store.h"
#include "store/store_int.h"

/* sql_store.c's ND_PG_WRITE_LOCK: the writers' advisory lock. */
#define WRITE_LOCK "7954895654309163883"

/* Statement ids of the tests' own, past the store's. */
enum { ID_PID = 10000 };

static const struct nd__sql_def pid_def = {"SELECT pg_backend_pid()", "read the backend", NULL};

struct fixture {
	struct temp_db db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	nd_log_level = ND_LOG_ERROR + 1; /* the tests break connections on purpose */
	if (!f || temp_db_make(&f->db, "pgres")) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	temp_db_remove(&f->db);
	free(f);
	return 0;
}

static struct nd__sql_conn *conn(struct nd_store *s)
{
	struct nd__sql_conn *c = nd__sql_store_conn(s, &nd__pg_driver);

	assert_non_null(c);
	return c;
}

/* The server process behind s's connection. */
static long backend_pid(struct nd_store *s)
{
	struct nd__sql_stmt *st;
	long pid;

	assert_int_equal(nd__pg_driver.prepare(conn(s), ID_PID, &pid_def, false, &st), 0);
	assert_int_equal(nd__pg_driver.step(st), ND_SQL_ROW);
	pid = (long)nd__pg_driver.col_int(st, 0);
	nd__pg_driver.finalize(st);
	return pid;
}

static struct nd_store *open_ok(const struct fixture *f)
{
	struct nd_store *s = NULL;

	assert_int_equal(nd_store_open(f->db.url, &s), 0);
	return s;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Ends backend pid from another session, as a server restart would, and waits until it is gone. */
static void terminate(const struct fixture *f, long pid)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%ld)", pid);
	assert_int_equal(temp_db_pg_int(&f->db, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE pid = %ld", pid);
	for (int i = 0; i < 200 && temp_db_pg_int(&f->db, sql) != 0; i++)
		sleep_ms(10);
	assert_int_equal(temp_db_pg_int(&f->db, sql), 0);
}

/* A second open after a close gets the first one's connection: the same backend. */
static void test_pool_reuses(void **state)
{
	struct fixture *f = *state;
	struct nd_store *a = open_ok(f), *b;
	long pid = backend_pid(a);
	int64_t g;

	nd_store_close(a);
	b = open_ok(f);
	assert_int_equal(backend_pid(b), pid);
	assert_int_equal(nd_store_generation(b, &g), 0);
	/* Two open at once cannot share one. */
	a = open_ok(f);
	assert_int_not_equal(backend_pid(a), pid);
	nd_store_close(a);
	nd_store_close(b);
}

/* A connection closed inside a transaction of its own is closed, not pooled. */
static void test_pool_skips_open_transaction(void **state)
{
	struct fixture *f = *state;
	struct nd_store *a = open_ok(f), *b;
	long pid = backend_pid(a);

	/* Behind the store's back (nd_store_close would roll back the store's own). */
	assert_int_equal(nd__pg_driver.exec(conn(a), "BEGIN"), 0);
	assert_true(nd__pg_driver.in_txn(conn(a)));
	nd_store_close(a);
	b = open_ok(f);
	assert_int_not_equal(backend_pid(b), pid);
	assert_false(nd__pg_driver.in_txn(conn(b)));
	nd_store_close(b);
}

/* An idle pooled connection whose session the server ended is dropped at the next open. */
static void test_pool_skips_broken(void **state)
{
	struct fixture *f = *state;
	struct nd_store *a = open_ok(f), *b;
	long pid = backend_pid(a);
	int64_t n = -1;

	nd_store_close(a);
	terminate(f, pid);
	b = open_ok(f);
	assert_int_not_equal(backend_pid(b), pid);
	assert_int_equal(nd_store_article_count(b, &n), 0);
	assert_int_equal(n, 0);
	nd_store_close(b);
}

/* Later opens in this process do not check the schema again. */
static void test_schema_checked_once(void **state)
{
	struct fixture *f = *state;
	struct nd_store *a = open_ok(f), *b = NULL;
	char sql[160];
	int v;

	nd_store_close(a);
	/* A version from the future: a check would refuse to open ("newer than ..."). */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO schema_migrations VALUES (9999, '9999-future.sql', 0) "
	         "RETURNING version");
	assert_int_equal(temp_db_pg_int(&f->db, sql), 9999);
	assert_int_equal(nd_store_open(f->db.url, &b), 0);
	assert_int_equal(nd_store_schema_version(b, &v), 0);
	assert_int_equal(v, 9999);
	nd_store_close(b);
}

/* The server ends the session under an open store: the next op reconnects and succeeds. */
static void test_reconnects(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = open_ok(f);
	long pid = backend_pid(s), pid2;
	int64_t v = 0;

	assert_int_equal(nd_store_meta_int_set(s, "k", 1), 0);
	terminate(f, pid);
	/* A read: its statements were prepared on the old session; prepared again. */
	assert_int_equal(nd_store_meta_int_get(s, "k", &v), 0);
	assert_int_equal(v, 1);
	pid2 = backend_pid(s);
	assert_int_not_equal(pid2, pid);
	/* A write in a transaction of the store's own. */
	terminate(f, pid2);
	assert_int_equal(nd_store_meta_int_set(s, "k", 2), 0);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT value FROM meta WHERE key = 'k'"), 2);
	nd_store_close(s);
}

/* Lost inside the caller's transaction: the caller hears of it, nothing is kept, then it works. */
static void test_lost_in_callers_transaction(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = open_ok(f);

	assert_int_equal(nd_store_meta_int_set(s, "k", 1), 0);
	assert_int_equal(nd_store_begin(s), 0);
	assert_int_equal(nd_store_meta_int_set(s, "k", 2), 0);
	terminate(f, backend_pid(s));
	assert_int_equal(nd_store_meta_int_set(s, "j", 3), ND_ESTORE);
	assert_int_not_equal(nd_store_commit(s), 0);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT value FROM meta WHERE key = 'k'"), 1);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT count(*) FROM meta WHERE key = 'j'"), 0);
	/* The next op revives the connection. */
	assert_int_equal(nd_store_meta_int_set(s, "k", 4), 0);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT value FROM meta WHERE key = 'k'"), 4);
	nd_store_close(s);
}

/* Another session holding a lock, released after ms by a thread of its own. */
struct holder {
	PGconn *pg;
	long ms;
	const char *release;
};

static void *release_later(void *arg)
{
	struct holder *h = arg;

	sleep_ms(h->ms);
	PQclear(PQexec(h->pg, h->release));
	return NULL;
}

static void hold(struct holder *h, const struct fixture *f, const char *take, const char *release,
                 long ms, pthread_t *t)
{
	PGresult *r;

	h->pg = PQconnectdb(f->db.url);
	assert_int_equal(PQstatus(h->pg), CONNECTION_OK);
	r = PQexec(h->pg, take);
	assert_true(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK);
	PQclear(r);
	h->ms = ms;
	h->release = release;
	assert_int_equal(pthread_create(t, NULL, release_later, h), 0);
}

/* Waits for the holder's release and closes its session. */
static void unhold(struct holder *h, pthread_t t)
{
	pthread_join(t, NULL);
	PQfinish(h->pg);
}

/* The store's session waits at most ms for a lock (lock_timeout, 5 s normally). */
static void lock_timeout(struct nd_store *s, int ms)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = '%dms'", ms);
	assert_int_equal(nd__pg_driver.exec(conn(s), sql), 0);
}

/*
 * The writers' lock held for 300 ms while the store waits at most 150 ms
 * for it: the first try fails (55P03, ND_EBUSY) and a retry gets it.
 */
static void test_retries_when_busy(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = open_ok(f);
	struct holder h;
	pthread_t t;

	lock_timeout(s, 150);
	hold(&h, f, "SELECT pg_advisory_lock(" WRITE_LOCK ")",
	     "SELECT pg_advisory_unlock(" WRITE_LOCK ")", 300, &t);
	assert_int_equal(nd_store_meta_int_set(s, "k", 7), 0);
	unhold(&h, t);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT value FROM meta WHERE key = 'k'"), 7);
	nd_store_close(s);
}

/* Inside the caller's transaction the same wait reaches the caller: no retry. */
static void test_no_retry_in_callers_transaction(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = open_ok(f);
	struct holder h;
	pthread_t t;

	assert_int_equal(nd_store_meta_int_set(s, "k", 1), 0);
	lock_timeout(s, 150);
	/* The caller's transaction has the writers' lock: the other session locks the row. */
	assert_int_equal(nd_store_begin(s), 0);
	hold(&h, f, "BEGIN; SELECT * FROM meta WHERE key = 'k' FOR UPDATE", "COMMIT", 300, &t);
	assert_int_equal(nd_store_meta_int_set(s, "k", 2), ND_EBUSY);
	assert_int_equal(nd_store_rollback(s), 0);
	unhold(&h, t);
	assert_int_equal(temp_db_pg_int(&f->db, "SELECT value FROM meta WHERE key = 'k'"), 1);
	assert_int_equal(nd_store_meta_int_set(s, "k", 3), 0);
	nd_store_close(s);
}

struct walk {
	const struct fixture *f;
	struct nd_store *s;
	int calls;
};

static int break_on_first(void *ctx, const struct nd_article_rec *rec)
{
	struct walk *w = ctx;

	(void)rec;
	if (w->calls++ == 0)
		terminate(w->f, backend_pid(w->s));
	return 0;
}

/*
 * The connection lost after a walk delivered a row (the next row's tags
 * are read with a statement of their own): the walk fails and is not run
 * again, so no row reaches the callback twice.
 */
static void test_walk_not_replayed(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = open_ok(f);
	struct nd_article_in in = {.title = "T", .body = "B", .published_at = 1700000000};
	struct walk w = {f, s, 0};
	int64_t n = 0;

	in.ext_id = "a1";
	assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
	in.ext_id = "a2";
	assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
	assert_int_equal(
	    nd_store_each_article(s, ND_STATUS_PUBLISHED, INT64_MAX, break_on_first, &w),
	    ND_ESTORE);
	assert_int_equal(w.calls, 1);
	assert_int_equal(nd_store_article_count(s, &n), 0);
	assert_int_equal(n, 2);
	nd_store_close(s);
}

static void test_needs_pg(void **state)
{
	(void)state;
	skip(); /* ND_TEST_STORE=pg: CTest's store-pg/store/test_pg_resilience */
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_pool_reuses),       T(test_pool_skips_open_transaction),
	    T(test_pool_skips_broken), T(test_schema_checked_once),
	    T(test_reconnects),        T(test_lost_in_callers_transaction),
	    T(test_retries_when_busy), T(test_no_retry_in_callers_transaction),
	    T(test_walk_not_replayed),
	};
	const struct CMUnitTest none[] = {cmocka_unit_test(test_needs_pg)};

	if (!temp_db_is_pg())
		return cmocka_run_group_tests(none, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
