/*
 * Tests for nd_store_copy (src/store/copy.c, newsdesk migrate): a site made
 * through the store's API, copied, and every table compared row by row;
 * SQLite to SQLite always, and under ND_TEST_STORE=pg (store-pg/) also
 * SQLite to PostgreSQL, PostgreSQL to SQLite and PostgreSQL to PostgreSQL.
 * Also: every table of the schema is copied or left out on purpose, a store
 * with data is refused, and a failed copy leaves nothing behind.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "store/sql_driver.h"
#include "store/store.h"
#include "store/store_int.h"

/* Statement ids of this test's own queries, clear of copy.c's. */
#define TEST_STMT_ID (ND__SQL_ADHOC_ID + 5000)

#define PG_ONLY()                                                                                  \
	do {                                                                                       \
		if (!temp_db_is_pg())                                                              \
			skip();                                                                    \
	} while (0)

enum kind { SQLITE, PG };

static int make(struct temp_db *db, enum kind k)
{
	return k == PG ? temp_db_make(db, "copy") : temp_db_make_sqlite(db, "copy");
}

static struct nd_store *open_store(const struct temp_db *db)
{
	struct nd_store *s = NULL;

	assert_int_equal(nd_store_open(db->url, &s), 0);
	return s;
}

/* The driver and connection behind s. */
static const struct nd__sql_driver *driver(struct nd_store *s, struct nd__sql_conn **conn)
{
	if ((*conn = nd__sql_store_conn(s, &nd__sqlite_driver)) != NULL)
		return &nd__sqlite_driver;
	*conn = nd__sql_store_conn(s, &nd__pg_driver);
	assert_non_null(*conn);
	return &nd__pg_driver;
}

/* --- queries of the test's own, through the driver --- */

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends column i of the row, tagged with its type. */
static void add_value(struct nd_buf *b, struct nd__sql_stmt *st, int i)
{
	const unsigned char *p;
	size_t len;

	switch (nd__sql_type(st, i)) {
	case ND_SQL_INT: nd_buf_addf(b, "i%lld", (long long)nd__sql_int(st, i)); break;
	case ND_SQL_TEXT: nd_buf_addf(b, "t'%s'", nd__sql_text(st, i)); break;
	case ND_SQL_BLOB:
		p = nd__sql_blob(st, i, &len);
		nd_buf_adds(b, "x");
		for (size_t k = 0; k < len; k++)
			nd_buf_addf(b, "%02x", p[k]);
		break;
	case ND_SQL_NULL: nd_buf_adds(b, "NULL"); break;
	default: fail_msg("a real number in a query's column %d", i);
	}
}

/*
 * Every row of sql's result on s, one line each with its values tagged by
 * type, sorted (text orders differ between the databases). skip_nulls
 * leaves out NULL columns: meta's value or secret, whichever is unused.
 */
static char *rows(struct nd_store *s, int id, const char *sql, int ncols, const char *param,
                  bool skip_nulls)
{
	struct nd__sql_conn *conn;
	const struct nd__sql_driver *drv = driver(s, &conn);
	const struct nd__sql_def def = {sql, "test query", NULL};
	struct nd__sql_stmt *st;
	struct nd_buf line = ND_BUF_INIT, out = ND_BUF_INIT;
	char **lines = NULL;
	size_t n = 0;
	int rc;

	if (drv->prepare(conn, TEST_STMT_ID + id, &def, false, &st))
		fail_msg("%s: %s", sql, drv->errmsg(conn));
	if (param)
		assert_int_equal(drv->bind_text(st, 1, param), 0);
	while ((rc = drv->step(st)) == ND_SQL_ROW) {
		nd_buf_reset(&line);
		for (int i = 0; i < ncols; i++) {
			if (skip_nulls && nd__sql_type(st, i) == ND_SQL_NULL)
				continue;
			if (i)
				nd_buf_addch(&line, '|');
			add_value(&line, st, i);
		}
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = strdup(line.buf);
	}
	if (rc != ND_SQL_DONE)
		fail_msg("%s: %s", sql, drv->errmsg(conn));
	drv->finalize(st);
	if (n) /* qsort wants an array, even of nothing */
		qsort(lines, n, sizeof(*lines), cmp_lines);
	for (size_t i = 0; i < n; i++) {
		nd_buf_adds(&out, lines[i]);
		nd_buf_addch(&out, '\n');
		free(lines[i]);
	}
	free(lines);
	nd_buf_release(&line);
	return nd_buf_detach(&out, NULL);
}

/* Every row of copied table t (the i-th) on s. */
static char *table_rows(struct nd_store *s, size_t i, const char *t)
{
	struct nd__sql_conn *conn;
	bool pg = driver(s, &conn) == &nd__pg_driver;
	const char *cols;
	char sql[512];
	int ncols = 1;

	assert_int_equal(nd__copy_table(t, &cols), 1);
	for (const char *p = cols; *p; p++)
		ncols += *p == ',';
	if (!strcmp(t, "meta"))
		snprintf(sql, sizeof(sql), "SELECT key, value%s FROM meta", pg ? ", secret" : "");
	else
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s", cols, t);
	return rows(s, (int)i, sql, ncols, NULL, !strcmp(t, "meta"));
}

/* --- a realistic site, through the store's API --- */

static int64_t article(struct nd_store *s, const char *ext_id, const char *section,
                       const char *author, enum nd_article_status status, int64_t user)
{
	static const char *const tags[] = {"Économie", "Energy \"quoted\"", "back\\slash"};
	struct nd_article_in in = {
	    .ext_id = ext_id,
	    .title = ext_id,
	    .body = "Body of the *article*, with ünïcödé and a 'quote'.\n\nSecond paragraph.",
	    .summary = "Summary",
	    .section = section,
	    .author = author,
	    .tags = tags,
	    .tag_count = 3,
	    .status = status,
	    .published_at = 1700000000,
	    .user_id = user,
	};
	int64_t n;

	assert_int_equal(nd_store_article_put(s, &in, NULL), 0);
	assert_int_equal(nd_store_article_count(s, &n), 0);
	return n;
}

static int first_id(void *ctx, const struct nd_article_rec *rec)
{
	*(int64_t *)ctx = rec->id;
	return 0;
}

static int64_t article_id(struct nd_store *s, const char *ext_id)
{
	int64_t id = 0;

	assert_int_equal(nd_store_article_get(s, ext_id, first_id, &id), 0);
	return id;
}

static void fill_accounts(struct nd_store *s, int64_t *editor)
{
	struct nd_session_rec sess = {
	    .created_at = 1700000000, .last_seen = 1700000100, .expires_at = 1800000000};
	uint8_t hash[ND_STORE_TOKEN_HASH_LEN];
	int64_t admin, tok;

	assert_int_equal(
	    nd_store_user_add(s, "ann", "Ann Admin", ND_ROLE_ADMIN, "$argon2id$x", &admin), 0);
	assert_int_equal(
	    nd_store_user_add(s, "ed", "Ed Itor", ND_ROLE_EDITOR, "$argon2id$y", editor), 0);
	/* A removed user leaves a gap in the ids, which the copy keeps. */
	assert_int_equal(nd_store_user_add(s, "gone", NULL, ND_ROLE_AUTHOR, "$argon2id$z", NULL),
	                 0);
	assert_int_equal(nd_store_user_remove(s, "gone"), 0);
	assert_int_equal(nd_store_user_set_last_login(s, admin, 1700000050), 0);
	memset(sess.id, 0xa1, sizeof(sess.id));
	memset(sess.csrf, 0x00, sizeof(sess.csrf)); /* NUL bytes in a blob */
	sess.user_id = admin;
	assert_int_equal(nd_store_session_add(s, &sess), 0);
	memset(hash, 0x5c, sizeof(hash));
	assert_int_equal(nd_store_token_add(s, *editor, "CI import", hash, 1700000000, &tok), 0);
	assert_int_equal(nd_store_token_used(s, tok, 1700000200), 0);
	assert_int_equal(nd_store_login_failed(s, "mallory", 1700000000, 5, 900, NULL), 0);
}

static void fill_counters(struct nd_store *s, int64_t a, int64_t b)
{
	const int64_t h = 1700000000 / 3600;
	struct nd_view_delta v[] = {{a, h - 48, 3}, {a, h, 5}, {b, h, 1}, {b, h + 1, 2}};
	struct nd_reaction_op r[] = {
	    {.article_id = a, .type = "like", .op = ND_REACT_ADD, .at = 1700000000},
	    {.article_id = a, .type = "verygood", .op = ND_REACT_ADD, .at = 1700000001},
	    {.article_id = b, .type = "like", .op = ND_REACT_ADD, .at = 1700000002},
	};
	struct nd_history_rec hist[] = {{.article_id = a, .at = 1700000000},
	                                {.article_id = b, .at = 1700000300}};

	memset(r[0].visitor, 'c', ND_STORE_VISITOR_LEN);
	memset(r[1].visitor, 'c', ND_STORE_VISITOR_LEN);
	memset(r[2].visitor, 'h', ND_STORE_VISITOR_LEN);
	memset(hist[0].visitor, 'c', ND_STORE_VISITOR_LEN);
	memset(hist[1].visitor, 'd', ND_STORE_VISITOR_LEN);
	assert_int_equal(nd_store_counts_apply(s, v, 4, r, 3), 0);
	/* Hours of past days go to view_days. */
	assert_int_equal(nd_store_views_compact(s, (h / 24) * 24), 0);
	assert_int_equal(nd_store_history_add(s, hist, 2), 0);
}

/* Fills every table the copy knows, and checks it did. */
static void fill(struct nd_store *s)
{
	uint8_t key[32];
	int64_t editor, world, a, b, d;

	fill_accounts(s, &editor);
	assert_int_equal(nd_store_section_add(s, 0, "World", &world), 0);
	assert_int_equal(nd_store_section_add(s, world, "Europe", NULL), 0);
	article(s, "a", "World/Europe/France", "Jean Dupont", ND_STATUS_PUBLISHED, editor);
	article(s, "b", "Business", "", ND_STATUS_PUBLISHED, 0);
	article(s, "c", "World", "Ann", ND_STATUS_DRAFT, editor);
	article(s, "d", "Sport", "Ann", ND_STATUS_PUBLISHED, 0);
	/* A second revision; an unpublished and a deleted path (retired_urls). */
	article(s, "a", "World/Europe/France", "Jean Dupont", ND_STATUS_PUBLISHED, editor);
	assert_int_equal(nd_store_revision_restore(s, "a", 1, editor), 0);
	article(s, "b", "Business", "", ND_STATUS_DRAFT, 0);
	assert_int_equal(nd_store_article_delete(s, "d"), 0);
	a = article_id(s, "a");
	b = article_id(s, "b");
	fill_counters(s, a, b);
	assert_int_equal(nd_store_delivery_add(s, "hook", "article.published", "http://x/y", "a",
	                                       1700000000, &d),
	                 0);
	assert_int_equal(nd_store_delivery_update(s, d, "failed", 500, "it broke", 1700000010), 0);
	assert_int_equal(nd_store_secret(s, "session_key", key, sizeof(key)), 0);
	assert_int_equal(nd_store_meta_int_set(s, "simulated_activity", 42), 0);
}

/* The copy's report: every table has rows (the fill covers them all) and matches. */
static void check_report(const struct nd_store_copy_report *r)
{
	size_t n = 0;

	while (nd__copy_table_at(n))
		n++;
	assert_true(r->committed);
	assert_int_equal(r->n, n);
	for (size_t i = 0; i < r->n; i++) {
		if (!r->tables[i].source)
			fail_msg("the fill left table %s empty: it tests nothing",
			         r->tables[i].table);
		assert_int_equal(r->tables[i].dest, r->tables[i].source);
		assert_string_equal(r->tables[i].table, nd__copy_table_at(i));
	}
}

/* Every copied table's rows, equal in src and dst. */
static void check_same(struct nd_store *src, struct nd_store *dst)
{
	const char *t;

	for (size_t i = 0; (t = nd__copy_table_at(i)) != NULL; i++) {
		char *a = table_rows(src, i, t), *b = table_rows(dst, i, t);

		if (strcmp(a, b))
			fail_msg("table %s differs:\n--- source\n%s--- copy\n%s", t, a, b);
		free(a);
		free(b);
	}
}

/* New rows in the copy get new ids: past those copied (PostgreSQL's sequences). */
static void check_new_ids(struct nd_store *dst, int64_t max_article)
{
	int64_t user, section;

	article(dst, "new", "World/Europe/Germany", "New Author", ND_STATUS_PUBLISHED, 0);
	assert_true(article_id(dst, "new") > max_article);
	assert_int_equal(nd_store_user_add(dst, "new", NULL, ND_ROLE_AUTHOR, "$argon2id$n", &user),
	                 0);
	assert_true(user > 2); /* 3 was removed: SQLite gives it again, a sequence would not */
	assert_int_equal(nd_store_section_add(dst, 0, "Fresh", &section), 0);
}

static void copy_between(enum kind from, enum kind to)
{
	struct temp_db a, b;
	struct nd_store *src, *dst;
	struct nd_store_copy_report report;
	uint8_t k1[32], k2[32];
	int64_t gen1, gen2;

	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(make(&a, from), 0);
	assert_int_equal(make(&b, to), 0);
	src = open_store(&a);
	dst = open_store(&b);
	fill(src);
	assert_int_equal(nd_store_copy(src, dst, NULL, NULL, &report), 0);
	check_report(&report);
	check_same(src, dst);
	/* What the site reads back is the same too. */
	assert_int_equal(nd_store_secret(src, "session_key", k1, sizeof(k1)), 0);
	assert_int_equal(nd_store_secret(dst, "session_key", k2, sizeof(k2)), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_int_equal(nd_store_generation(src, &gen1), 0);
	assert_int_equal(nd_store_generation(dst, &gen2), 0);
	assert_int_equal(gen1, gen2);
	check_new_ids(dst, article_id(src, "c"));
	nd_store_close(src);
	nd_store_close(dst);
	temp_db_remove(&a);
	temp_db_remove(&b);
}

static void test_sqlite_to_sqlite(void **state)
{
	(void)state;
	copy_between(SQLITE, SQLITE);
}

static void test_sqlite_to_pg(void **state)
{
	(void)state;
	PG_ONLY();
	copy_between(SQLITE, PG);
}

static void test_pg_to_sqlite(void **state)
{
	(void)state;
	PG_ONLY();
	copy_between(PG, SQLITE);
}

static void test_pg_to_pg(void **state)
{
	(void)state;
	PG_ONLY();
	copy_between(PG, PG);
}

/* --- the table list --- */

/* Whether name is a line of list ("a\nb\n"). */
static bool has_line(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/*
 * Every table of a fresh store's schema is copied or left out on purpose,
 * with the schema's columns, and every table copied exists: a migration
 * that adds a table or a column fails here until copy.c knows it.
 */
static void test_every_table_listed(void **state)
{
	struct temp_db db;
	struct nd_store *s;
	struct nd__sql_conn *conn;
	char *names, *name;
	bool pg;

	(void)state;
	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(temp_db_make(&db, "copy"), 0);
	s = open_store(&db);
	pg = driver(s, &conn) == &nd__pg_driver;
	names = rows(s, 0,
	             pg ? "SELECT table_name::text FROM information_schema.tables"
	                  " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	                : "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                  " AND name NOT LIKE 'sqlite_%'",
	             1, NULL, false);
	assert_true(has_line(names, "t'articles'"));
	for (char *line = strtok_r(names, "\n", &name); line; line = strtok_r(NULL, "\n", &name)) {
		char table[128], *cols_found, expect[512];
		const char *cols;
		int role;

		snprintf(table, sizeof(table), "%.*s", (int)strlen(line) - 3, line + 2);
		role = nd__copy_table(table, &cols);
		if (role < 0)
			fail_msg("table %s is neither copied nor left out on purpose: add it to "
			         "tables[] or not_copied[] in src/store/copy.c",
			         table);
		if (!role)
			continue;
		cols_found = rows(s, 1,
		                  pg ? "SELECT string_agg(column_name::text, ', ' ORDER BY "
		                       "ordinal_position) FROM information_schema.columns WHERE "
		                       "table_schema = current_schema() AND table_name = ?1"
		                     : "SELECT group_concat(name, ', ') FROM (SELECT name FROM "
		                       "pragma_table_info(?1) ORDER BY cid)",
		                  1, table, false);
		/* SQLite's meta has one untyped value for integers and secrets. */
		snprintf(expect, sizeof(expect), "t'%s'\n",
		         !pg && !strcmp(table, "meta") ? "key, value" : cols);
		if (strcmp(cols_found, expect))
			fail_msg("table %s has the columns %s but copy.c copies %s", table,
			         cols_found, cols);
		free(cols_found);
	}
	free(names);
	names = rows(s, 2,
	             pg ? "SELECT table_name::text FROM information_schema.tables"
	                  " WHERE table_schema = current_schema()"
	                : "SELECT name FROM sqlite_schema WHERE type = 'table'",
	             1, NULL, false);
	for (size_t i = 0; nd__copy_table_at(i); i++) {
		char line[128];

		snprintf(line, sizeof(line), "t'%s'", nd__copy_table_at(i));
		if (!has_line(names, line))
			fail_msg("copy.c copies %s, which the schema does not have",
			         nd__copy_table_at(i));
	}
	assert_int_equal(nd__copy_table("no_such_table", NULL), -1);
	assert_int_equal(nd__copy_table("schema_migrations", NULL), 0);
	free(names);
	nd_store_close(s);
	temp_db_remove(&db);
}

/* --- refusals and failures --- */

static int64_t count(struct nd_store *s, const char *table)
{
	char sql[128], *r;
	long long n;

	size_t i = 0;

	/* PostgreSQL's driver keeps each id's text: one id per table. */
	while (nd__copy_table_at(i) && strcmp(nd__copy_table_at(i), table))
		i++;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	r = rows(s, 100 + (int)i, sql, 1, NULL, false);
	assert_int_equal(sscanf(r, "i%lld", &n), 1);
	free(r);
	return n;
}

/* Runs f with stderr going to a file; returns what was written there. */
static char *stderr_of(int (*f)(void *), void *ctx, int *rc)
{
	char path[] = "/tmp/nd-copy-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct nd_buf b = ND_BUF_INIT;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	*rc = f(ctx);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	assert_int_equal(nd_buf_read_file(&b, path, "log"), 0);
	unlink(path);
	return nd_buf_detach(&b, NULL);
}

struct pair {
	struct nd_store *src, *dst;
	struct nd_store_copy_report report;
};

static int run_copy(void *ctx)
{
	struct pair *p = ctx;

	return nd_store_copy(p->src, p->dst, NULL, NULL, &p->report);
}

/* A destination with site data is refused, named, and left as it was. */
static void test_refuses_non_empty(void **state)
{
	struct temp_db a, b;
	struct pair p;
	uint8_t key[16];
	char *log;
	int rc;

	(void)state;
	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(temp_db_make(&a, "copy"), 0);
	assert_int_equal(temp_db_make(&b, "copy"), 0);
	p.src = open_store(&a);
	p.dst = open_store(&b);
	fill(p.src);
	assert_int_equal(nd_store_user_add(p.dst, "zed", NULL, ND_ROLE_ADMIN, "$argon2id$q", NULL),
	                 0);
	log = stderr_of(run_copy, &p, &rc);
	assert_int_equal(rc, ND_EEXIST);
	assert_false(p.report.committed);
	assert_non_null(strstr(log, "is not empty: users (1 row)"));
	assert_non_null(strstr(log, "fresh store"));
	free(log);
	assert_int_equal(count(p.dst, "users"), 1);
	assert_int_equal(count(p.dst, "articles"), 0);

	/* A secret alone (a server was started on it) is site data too. */
	assert_int_equal(nd_store_user_remove(p.dst, "zed"), 0);
	assert_int_equal(nd_store_secret(p.dst, "k", key, sizeof(key)), 0);
	log = stderr_of(run_copy, &p, &rc);
	assert_int_equal(rc, ND_EEXIST);
	assert_non_null(strstr(log, "meta (1 row)"));
	free(log);
	/* The store and the same handle twice. */
	assert_int_equal(nd_store_copy(p.src, p.src, NULL, NULL, &p.report), ND_EINVAL);
	nd_store_close(p.src);
	nd_store_close(p.dst);
	temp_db_remove(&a);
	temp_db_remove(&b);
}

/*
 * A row the destination refuses (a SQLite trigger here) fails the copy with
 * its table and row named, and leaves nothing: the same store then takes
 * the whole copy.
 */
static void test_failure_leaves_nothing(void **state)
{
	struct temp_db a, b;
	struct pair p;
	char *log;
	int rc;

	(void)state;
	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(temp_db_make(&a, "copy"), 0);
	assert_int_equal(temp_db_make_sqlite(&b, "copy"), 0);
	p.src = open_store(&a);
	p.dst = open_store(&b);
	fill(p.src);
	for (int i = 0; i < 700; i++) {
		/* After the fill's two rows (visitors 'c' and 'd'): rows 3 to 702. */
		struct nd_history_rec h = {.article_id = article_id(p.src, "a"),
		                           .at = 1800000000 + i};

		memset(h.visitor, 'z', sizeof(h.visitor));
		assert_int_equal(nd_store_history_add(p.src, &h, 1), 0);
	}
	for (int step = 0; step < 2; step++) {
		assert_int_equal(sqlite3_exec(nd__sqlite_db(p.dst),
		                              step
		                                  ? "CREATE TEMP TRIGGER no BEFORE INSERT ON "
		                                    "main.reactions WHEN NEW.type = 'verygood' "
		                                    "BEGIN SELECT RAISE(ABORT, 'boom'); END"
		                                  : "CREATE TEMP TRIGGER no BEFORE INSERT ON "
		                                    "main.reading_history WHEN NEW.at = 1800000500 "
		                                    "BEGIN SELECT RAISE(ABORT, 'boom'); END",
		                              NULL, NULL, NULL),
		                 SQLITE_OK);
		log = stderr_of(run_copy, &p, &rc);
		assert_int_equal(rc, ND_ESTORE);
		assert_false(p.report.committed);
		assert_non_null(strstr(log, step ? "cannot copy reactions row 2 (article_id "
		                                 : "cannot copy reading_history row 503 (visitor "
		                                   "(17 bytes)): boom"));
		free(log);
		for (size_t i = 0; nd__copy_table_at(i); i++)
			if (strcmp(nd__copy_table_at(i), "meta"))
				assert_int_equal(count(p.dst, nd__copy_table_at(i)), 0);
		assert_int_equal(count(p.dst, "meta"), 1);
		assert_int_equal(
		    sqlite3_exec(nd__sqlite_db(p.dst), "DROP TRIGGER temp.no", NULL, NULL, NULL),
		    SQLITE_OK);
	}
	assert_int_equal(nd_store_copy(p.src, p.dst, NULL, NULL, &p.report), 0);
	check_report(&p.report);
	check_same(p.src, p.dst);
	nd_store_close(p.src);
	nd_store_close(p.dst);
	temp_db_remove(&a);
	temp_db_remove(&b);
}

struct progress {
	int calls;
	int64_t last_done, last_total;
	char last_table[32];
};

static void on_progress(void *ctx, const char *table, int64_t done, int64_t total)
{
	struct progress *pr = ctx;

	pr->calls++;
	pr->last_done = done;
	pr->last_total = total;
	snprintf(pr->last_table, sizeof(pr->last_table), "%s", table);
	assert_true(done <= total);
}

/*
 * Sections whose parent has the larger id (not made by the store today,
 * but allowed by the schema) are copied parents first; progress reaches
 * every table's total.
 */
static void test_parents_first_and_progress(void **state)
{
	struct temp_db a, b;
	struct nd_store *src, *dst;
	struct nd_store_copy_report report;
	struct progress pr = {0};
	int64_t x, y;

	(void)state;
	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(temp_db_make_sqlite(&a, "copy"), 0);
	assert_int_equal(temp_db_make(&b, "copy"), 0);
	src = open_store(&a);
	dst = open_store(&b);
	assert_int_equal(nd_store_section_add(src, 0, "Child", &x), 0);
	assert_int_equal(nd_store_section_add(src, 0, "Parent", &y), 0);
	assert_true(x < y);
	assert_int_equal(sqlite3_exec(nd__sqlite_db(src),
	                              "UPDATE sections SET parent_id = 2 WHERE id = 1", NULL, NULL,
	                              NULL),
	                 SQLITE_OK);
	assert_int_equal(nd_store_copy(src, dst, on_progress, &pr, &report), 0);
	assert_int_equal(report.tables[0].dest, 2);
	check_same(src, dst);
	assert_int_equal(pr.calls, (int)report.n);
	assert_string_equal(pr.last_table, "meta");
	assert_int_equal(pr.last_done, pr.last_total);
	nd_store_close(src);
	nd_store_close(dst);
	temp_db_remove(&a);
	temp_db_remove(&b);
}

struct writer {
	struct nd_store *other; /* a second handle on the source */
	bool wrote;
};

/* Writes to the source while the copy is under way (after the sections). */
static void write_meanwhile(void *ctx, const char *table, int64_t done, int64_t total)
{
	struct writer *w = ctx;

	if (!w->wrote && !strcmp(table, "sections") && done == total) {
		article(w->other, "late", "Late", "Late Author", ND_STATUS_PUBLISHED, 0);
		w->wrote = true;
	}
}

/* The source is read in one snapshot: what is written meanwhile is not copied. */
static void test_source_snapshot(void **state)
{
	struct temp_db a, b;
	struct nd_store *src, *dst;
	struct nd_store_copy_report report;
	struct writer w = {0};
	int64_t n;

	(void)state;
	nd_log_level = ND_LOG_ERROR;
	assert_int_equal(temp_db_make(&a, "copy"), 0);
	assert_int_equal(temp_db_make_sqlite(&b, "copy"), 0);
	src = open_store(&a);
	dst = open_store(&b);
	w.other = open_store(&a);
	fill(src);
	assert_int_equal(nd_store_copy(src, dst, write_meanwhile, &w, &report), 0);
	assert_true(w.wrote);
	check_report(&report);
	assert_int_equal(nd_store_article_count(src, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(nd_store_article_count(dst, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(count(dst, "sections"), count(src, "sections") - 1);
	nd_store_close(w.other);
	nd_store_close(src);
	nd_store_close(dst);
	temp_db_remove(&a);
	temp_db_remove(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_table_listed),
	    cmocka_unit_test(test_sqlite_to_sqlite),
	    cmocka_unit_test(test_sqlite_to_pg),
	    cmocka_unit_test(test_pg_to_sqlite),
	    cmocka_unit_test(test_pg_to_pg),
	    cmocka_unit_test(test_refuses_non_empty),
	    cmocka_unit_test(test_failure_leaves_nothing),
	    cmocka_unit_test(test_parents_first_and_progress),
	    cmocka_unit_test(test_source_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
