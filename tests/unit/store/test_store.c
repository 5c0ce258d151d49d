/*
 * Tests for src/store/store.c and the SQL store (src/store/sql_store.c)
 * over SQLite, and over PostgreSQL when ND_TEST_STORE=pg (CTest's
 * store-pg/test_store). Each test gets a fresh database (helpers/temp_db.h);
 * the tests of SQLite itself (files, PRAGMAs, raw SQLite) skip on PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "helpers/temp_db.h"

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "store/store.h"
#include "store/store_int.h"

#ifndef ND_SOURCE_DIR
#error "the build must define ND_SOURCE_DIR"
#endif

struct fixture {
	struct temp_db db;
	const char *dir;  /* SQLite: the database's folder */
	const char *path; /* SQLite: the database file */
	char url[520];    /* "sqlite:PATH", or the PostgreSQL database's URL */
	struct nd_store *s;
};

/* The current test's PostgreSQL URL, for sql_int and sql_text. */
static const char *pg_url;

/* A test of SQLite itself (files, PRAGMAs, raw SQLite statements). */
#define SQLITE_ONLY()                                                                              \
	do {                                                                                       \
		if (temp_db_is_pg())                                                               \
			skip();                                                                    \
	} while (0)

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "store")) {
		free(f);
		return -1;
	}
	f->dir = f->db.dir;
	f->path = f->db.path;
	if (temp_db_is_pg())
		snprintf(f->url, sizeof(f->url), "%s", f->db.url);
	else
		snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	pg_url = f->db.url;
	if (nd_store_open(f->url, &f->s) != 0) {
		temp_db_remove(&f->db);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[192];

	nd_store_close(f->s);
	snprintf(p, sizeof(p), "%s-journal", f->path);
	if (f->path[0])
		unlink(p);
	temp_db_remove(&f->db);
	free(f);
	return 0;
}

/* --- helpers --- */

static struct nd_article_in article(const char *ext_id, const char *title)
{
	struct nd_article_in in = {
	    .ext_id = ext_id,
	    .title = title,
	    .body = "Some *Markdown* body.",
	    .published_at = 1700000000,
	};
	return in;
}

static void put_ok(struct nd_store *s, const struct nd_article_in *in, bool want_created)
{
	bool created = !want_created;

	assert_int_equal(nd_store_article_put(s, in, &created), 0);
	assert_int_equal(created, want_created);
}

/* A copy of the fields the tests look at. */
struct got {
	int64_t id, section_id, author_id;
	char ext_id[64], slug[160], title[128], summary[64], language[16], image[64];
	enum nd_article_status status;
	int64_t published_at, updated_at, created_at;
	int64_t tag_ids[ND_MAX_TAGS];
	size_t tag_count;
};

static int copy_article(void *ctx, const struct nd_article_rec *r)
{
	struct got *g = ctx;

	g->id = r->id;
	g->section_id = r->section_id;
	g->author_id = r->author_id;
	snprintf(g->ext_id, sizeof(g->ext_id), "%s", r->ext_id);
	snprintf(g->slug, sizeof(g->slug), "%s", r->slug);
	snprintf(g->title, sizeof(g->title), "%s", r->title);
	snprintf(g->summary, sizeof(g->summary), "%s", r->summary);
	snprintf(g->language, sizeof(g->language), "%s", r->language);
	snprintf(g->image, sizeof(g->image), "%s", r->image);
	g->status = r->status;
	g->published_at = r->published_at;
	g->updated_at = r->updated_at;
	g->created_at = r->created_at;
	g->tag_count = r->tag_count;
	memcpy(g->tag_ids, r->tag_ids, r->tag_count * sizeof(*r->tag_ids));
	return 0;
}

static struct got get(struct nd_store *s, const char *ext_id)
{
	struct got g;

	memset(&g, 0, sizeof(g));
	assert_int_equal(nd_store_article_get(s, ext_id, copy_article, &g), 0);
	return g;
}

/* Collected rows of a walk, kept as "slug" strings plus ids. */
struct rows {
	size_t n;
	int64_t id[32], parent[32];
	char slug[32][160], name[32][64];
	int position[32];
	int stop_after; /* a callback returns 42 after this many rows; 0: never */
};

static int add_row(struct rows *rows, int64_t id, int64_t parent, const char *slug,
                   const char *name, int position)
{
	size_t i = rows->n++;

	assert_true(i < 32);
	rows->id[i] = id;
	rows->parent[i] = parent;
	rows->position[i] = position;
	snprintf(rows->slug[i], sizeof(rows->slug[i]), "%s", slug);
	snprintf(rows->name[i], sizeof(rows->name[i]), "%s", name);
	return rows->stop_after && rows->n == (size_t)rows->stop_after ? 42 : 0;
}

static int section_row(void *ctx, const struct nd_section_rec *r)
{
	return add_row(ctx, r->id, r->parent_id, r->slug, r->name, r->position);
}

static int tag_row(void *ctx, const struct nd_tag_rec *r)
{
	return add_row(ctx, r->id, 0, r->slug, r->name, 0);
}

static int author_row(void *ctx, const struct nd_author_rec *r)
{
	return add_row(ctx, r->id, 0, r->slug, r->name, 0);
}

static int article_row(void *ctx, const struct nd_article_rec *r)
{
	return add_row(ctx, r->id, r->section_id, r->ext_id, r->slug, (int)r->published_at);
}

static struct rows sections(struct nd_store *s)
{
	struct rows r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_section(s, section_row, &r), 0);
	return r;
}

static struct rows tags(struct nd_store *s)
{
	struct rows r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_tag(s, tag_row, &r), 0);
	return r;
}

/* The id of the tag or section with this slug in rows; fails when absent. */
static int64_t id_of(const struct rows *r, const char *slug)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->slug[i], slug))
			return r->id[i];
	fail_msg("no row with slug '%s'", slug);
	return 0;
}

/* Full slug path of a section ("world/europe"), built from the walk. */
static void section_path(const struct rows *r, int64_t id, char *out, size_t size)
{
	char tmp[256];

	out[0] = '\0';
	while (id) {
		size_t i;

		for (i = 0; i < r->n && r->id[i] != id; i++)
			;
		assert_true(i < r->n);
		snprintf(tmp, sizeof(tmp), "%s%s%s", r->slug[i], out[0] ? "/" : "", out);
		snprintf(out, size, "%s", tmp);
		id = r->parent[i];
	}
}

static int64_t count(struct nd_store *s)
{
	int64_t n = -1;

	assert_int_equal(nd_store_article_count(s, &n), 0);
	return n;
}

static int64_t generation(struct nd_store *s)
{
	int64_t g = -1;

	assert_int_equal(nd_store_generation(s, &g), 0);
	return g;
}

/* The first column of sql's first row, on a connection of its own (PostgreSQL). */
static void pg_value(const char *sql, char *out, size_t size)
{
	PGconn *c = PQconnectdb(pg_url);
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
}

/* One integer from raw SQL on the store's own connection (PostgreSQL: committed data). */
static int64_t sql_int(struct nd_store *s, const char *sql)
{
	sqlite3 *db = nd__sqlite_db(s);
	sqlite3_stmt *st = NULL;
	int64_t v;

	if (temp_db_is_pg()) {
		char buf[32];
		pg_value(sql, buf, sizeof(buf));
		return buf[0] == 't' ? 1 : buf[0] == 'f' ? 0 : strtoll(buf, NULL, 10);
	}
	assert_non_null(db);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void sql_text(struct nd_store *s, const char *sql, char *out, size_t size)
{
	sqlite3 *db = nd__sqlite_db(s);
	sqlite3_stmt *st = NULL;

	if (temp_db_is_pg()) {
		pg_value(sql, out, size);
		return;
	}

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The number of src/store/schema/NNNN-*.sql files in the source tree. */
static int schema_files(void)
{
	DIR *d = opendir(ND_SOURCE_DIR "/src/store/schema");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".sql"))
			n++;
	}
	closedir(d);
	return n;
}

/* --- opening and migrations --- */

static void test_open_applies_migrations(void **state)
{
	struct fixture *f = *state;
	int version = -1;
	char name[64];

	SQLITE_ONLY();
	assert_int_equal(nd_store_schema_version(f->s, &version), 0);
	assert_true(version >= 1);
	/* Every migration file in the tree is embedded, and all were applied. */
	assert_int_equal(version, schema_files());
	assert_int_equal(version, nd__migration_latest(nd__sqlite_migrations));
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM schema_migrations"), version);
	sql_text(f->s, "SELECT name FROM schema_migrations WHERE version = 1", name, sizeof(name));
	assert_string_equal(name, "0001-initial.sql");
	/* The 0001 tables exist and start empty, generation at 0. */
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
	                               "AND name IN ('sections', 'authors', 'tags', 'articles', "
	                               "'article_tags', 'meta')"),
	                 6);
	assert_int_equal(count(f->s), 0);
	assert_int_equal(generation(f->s), 0);
}

static void test_migration_blob_walk(void **state)
{
	const char *cursor = nd__sqlite_migrations;
	struct nd__migration m = {0};
	int n = 0;

	while (nd__migration_next(&cursor, &m)) {
		n++;
		assert_int_equal(m.version, n);
		assert_true(strlen(m.sql) > 0);
		assert_int_equal(atoi(m.name), n);
	}
	assert_int_equal(n, schema_files());
	/* 0001 is what the schema file says. */
	cursor = nd__sqlite_migrations;
	memset(&m, 0, sizeof(m));
	assert_true(nd__migration_next(&cursor, &m));
	assert_non_null(strstr(m.sql, "CREATE TABLE articles"));
}

static void test_reopen_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "Hello");
	int before = 0, after = 0;

	SQLITE_ONLY();
	put_ok(f->s, &in, true);
	assert_int_equal(nd_store_schema_version(f->s, &before), 0);
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	assert_int_equal(nd_store_schema_version(f->s, &after), 0);
	assert_int_equal(after, before);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM schema_migrations"), before);
	assert_int_equal(count(f->s), 1);
	assert_int_equal(generation(f->s), 1);
	/* A plain path names the same database. */
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->path, &f->s), 0);
	assert_int_equal(count(f->s), 1);
}

static void test_newer_database_refused(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = (struct nd_store *)0x1;
	char sql[128];
	int latest = nd__migration_latest(nd__sqlite_migrations);

	SQLITE_ONLY();
	snprintf(sql, sizeof(sql),
	         "INSERT INTO schema_migrations VALUES (%d, '%04d-future.sql', 0)", latest + 1,
	         latest + 1);
	assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s), sql, NULL, NULL, NULL), SQLITE_OK);
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &s), ND_ESTORE);
	assert_null(s);
	/* The refused database was left alone: without the future version it opens. */
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql), "DELETE FROM schema_migrations WHERE version = %d",
		         latest + 1);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
}

static void test_urls(void **state)
{
	struct nd_store *s = (struct nd_store *)0x1;

	/* PostgreSQL URLs go to libpq: port 1 on loopback refuses the connection. */
	assert_int_equal(nd_store_open("postgres://127.0.0.1:1/news?connect_timeout=2", &s),
	                 ND_ESTORE);
	assert_null(s);
	assert_int_equal(nd_store_open("postgresql://127.0.0.1:1/news", &s), ND_ESTORE);
	assert_int_equal(nd_store_open("pg:host=127.0.0.1 port=1 dbname=news", &s), ND_ESTORE);
	assert_int_equal(nd_store_open("mysql://localhost/news", &s), ND_EINVAL);
	assert_int_equal(nd_store_open("", &s), ND_EINVAL);
	assert_int_equal(nd_store_open("sqlite:", &s), ND_EINVAL);
	assert_int_equal(nd_store_open("/nonexistent-dir/sub/news.db", &s), ND_ESTORE);
	assert_null(s);
	assert_int_equal(nd_store_open("sqlite::memory:", &s), 0);
	assert_non_null(s);
	assert_int_equal(count(s), 0);
	nd_store_close(s);
	nd_store_close(NULL);
}

/* Messages quote a PostgreSQL URL without its password. */
static void test_url_shown(void **state)
{
	static const char *const cases[][2] = {
	    {"sqlite:/tmp/news.db", "sqlite:/tmp/news.db"},
	    {"postgres://ann:s3cret@db:5432/news", "postgres://ann:***@db:5432/news"},
	    {"postgresql://ann@db/news", "postgresql://ann@db/news"},
	    {"postgresql://ann:p@ss@db/news", "postgresql://ann:***@db/news"},
	    {"postgresql://db/news?user=ann&password=x&sslmode=require",
	     "postgresql://db/news?user=ann&password=***&sslmode=require"},
	    {"pg:host=db password=s3cret dbname=news", "pg:host=db password=*** dbname=news"},
	    {"pg:password='a \\' b' dbname=news", "pg:password=*** dbname=news"},
	    {"pg:dbname=news password=", "pg:dbname=news password=***"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *shown = nd_store_url_shown(cases[i][0]);
		assert_string_equal(shown, cases[i][1]);
		free(shown);
	}
}

static void test_not_a_database(void **state)
{
	struct fixture *f = *state;
	struct nd_store *s = NULL;
	char path[192];
	FILE *fp;

	SQLITE_ONLY();
	snprintf(path, sizeof(path), "%s/junk.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text that is long enough to be a header.\n", fp);
	fclose(fp);
	assert_int_equal(nd_store_open(path, &s), ND_ESTORE);
	assert_null(s);
	unlink(path);
}

static void test_pragmas(void **state)
{
	struct fixture *f = *state;
	char mode[16];

	SQLITE_ONLY();
	assert_int_equal(sql_int(f->s, "PRAGMA foreign_keys"), 1);
	sql_text(f->s, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(sql_int(f->s, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(sql_int(f->s, "PRAGMA busy_timeout"), 5000);
	/* Foreign keys are enforced, not just declared. */
	assert_int_not_equal(sqlite3_exec(nd__sqlite_db(f->s),
	                                  "INSERT INTO article_tags VALUES (999, 999, 0)", NULL,
	                                  NULL, NULL),
	                     SQLITE_OK);
}

/* --- put --- */

static void test_put_creates_then_updates(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "First title");
	struct got g;

	in.summary = "Short";
	in.image = "https://example.org/a.jpg";
	in.published_at = 1000;
	put_ok(f->s, &in, true);
	g = get(f->s, "a1");
	assert_string_equal(g.title, "First title");
	assert_string_equal(g.summary, "Short");
	assert_string_equal(g.language, "en");
	assert_string_equal(g.image, "https://example.org/a.jpg");
	assert_int_equal(g.status, ND_STATUS_PUBLISHED);
	assert_int_equal(g.published_at, 1000);
	assert_int_equal(g.updated_at, 1000); /* 0: published_at on create */
	assert_true(g.created_at > 1600000000);
	assert_int_equal(g.author_id, 0);
	assert_int_equal(g.tag_count, 0);

	in.title = "Second title";
	in.summary = NULL;
	in.language = "fr";
	in.published_at = 0; /* keeps the stored one */
	in.status = ND_STATUS_DRAFT;
	put_ok(f->s, &in, false);
	assert_int_equal(count(f->s), 1);
	struct got h = get(f->s, "a1");
	assert_int_equal(h.id, g.id);
	assert_string_equal(h.title, "Second title");
	assert_string_equal(h.summary, "");
	assert_string_equal(h.language, "fr");
	assert_int_equal(h.status, ND_STATUS_DRAFT);
	assert_int_equal(h.published_at, 1000);
	assert_true(h.updated_at > 1600000000); /* 0: now on update */
	assert_int_equal(h.created_at, g.created_at);

	/* created may be NULL. */
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
}

static void test_slug_unique_within_section(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "Big News Today");

	in.section = "World";
	put_ok(f->s, &in, true);
	in.ext_id = "a2";
	put_ok(f->s, &in, true);
	in.ext_id = "a3";
	put_ok(f->s, &in, true);
	in.ext_id = "b1";
	in.section = "Sport";
	put_ok(f->s, &in, true);
	assert_string_equal(get(f->s, "a1").slug, "big-news-today");
	assert_string_equal(get(f->s, "a2").slug, "big-news-today-2");
	assert_string_equal(get(f->s, "a3").slug, "big-news-today-3");
	/* Another section may use the same slug. */
	assert_string_equal(get(f->s, "b1").slug, "big-news-today");
	/* Re-putting a2 unchanged does not move it to a new suffix. */
	in.ext_id = "a2";
	in.section = "World";
	put_ok(f->s, &in, false);
	assert_string_equal(get(f->s, "a2").slug, "big-news-today-2");
}

static void test_slug_stable_on_update(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "Original headline");
	struct nd_article_in other = article("a2", "Other");

	put_ok(f->s, &in, true);
	in.title = "Corrected headline";
	put_ok(f->s, &in, false);
	assert_string_equal(get(f->s, "a1").slug, "original-headline");

	/* A given slug is normalised and replaces the stored one. */
	in.slug = "  Brand New Slug!  ";
	put_ok(f->s, &in, false);
	assert_string_equal(get(f->s, "a1").slug, "brand-new-slug");
	in.slug = NULL;
	in.title = "Yet another";
	put_ok(f->s, &in, false);
	assert_string_equal(get(f->s, "a1").slug, "brand-new-slug");

	/* A given slug that another article has is made unique. */
	other.slug = "brand-new-slug";
	put_ok(f->s, &other, true);
	assert_string_equal(get(f->s, "a2").slug, "brand-new-slug-2");

	/* An empty slug means "none given". */
	in.slug = "";
	put_ok(f->s, &in, false);
	assert_string_equal(get(f->s, "a1").slug, "brand-new-slug");
}

static void test_slug_follows_section_move(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a1", "Same title");
	struct nd_article_in b = article("b1", "Same title");
	struct got g;

	a.section = "World";
	b.section = "Sport";
	put_ok(f->s, &a, true);
	put_ok(f->s, &b, true);
	/* Moving into a section where the slug is taken gets a suffix. */
	b.section = "World";
	put_ok(f->s, &b, false);
	g = get(f->s, "b1");
	assert_string_equal(g.slug, "same-title-2");
	assert_int_equal(g.section_id, get(f->s, "a1").section_id);
}

static void test_slug_fallbacks(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("AB 12", "!!! ???");

	put_ok(f->s, &in, true);
	assert_string_equal(get(f->s, "AB 12").slug, "ab-12");
	in = article("###", "...");
	put_ok(f->s, &in, true);
	assert_string_equal(get(f->s, "###").slug, "article");
	in = article("$$$", "...");
	put_ok(f->s, &in, true);
	assert_string_equal(get(f->s, "$$$").slug, "article-2");
	/* A given slug with nothing left in it is an error. */
	in = article("x1", "Fine");
	in.slug = "!!!";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
}

static void test_slug_length_with_suffix(void **state)
{
	struct fixture *f = *state;
	char title[400];
	struct got g;

	for (size_t i = 0, len = 0; i < 40; i++)
		len += (size_t)snprintf(title + len, sizeof(title) - len, "Wörter ");
	struct nd_article_in in = article("l1", title);
	put_ok(f->s, &in, true);
	in.ext_id = "l2";
	put_ok(f->s, &in, true);
	g = get(f->s, "l1");
	assert_true(strlen(g.slug) <= ND_MAX_SLUG);
	assert_true(strlen(g.slug) > ND_MAX_SLUG - 8);
	g = get(f->s, "l2");
	assert_true(strlen(g.slug) <= ND_MAX_SLUG);
	assert_string_equal(g.slug + strlen(g.slug) - 2, "-2");
	assert_int_not_equal(g.slug[strlen(g.slug) - 3], '-');
}

/* --- sections --- */

static void test_section_hierarchy(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");
	char path[256];
	struct rows r;

	in.section = "World/Europe";
	put_ok(f->s, &in, true);
	in = article("a2", "Two");
	in.section = "Sport";
	put_ok(f->s, &in, true);
	in = article("a3", "Three");
	in.section = "  World / Asia ";
	put_ok(f->s, &in, true);
	in = article("a4", "Four");
	in.section = "/world//Europe/"; /* empty levels ignored, same slugs */
	put_ok(f->s, &in, true);
	in = article("a5", "Five");
	in.section = "World/Europe/France";
	put_ok(f->s, &in, true);

	r = sections(f->s);
	assert_int_equal(r.n, 5);
	/* Depth first, each parent before its children, siblings by position. */
	const char *want[] = {"world", "europe", "france", "asia", "sport"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(r.slug[i], want[i]);
	assert_string_equal(r.name[0], "World"); /* the first spelling is kept */
	assert_string_equal(r.name[3], "Asia");
	assert_int_equal(r.parent[0], 0);
	assert_int_equal(r.parent[1], r.id[0]);
	assert_int_equal(r.parent[2], r.id[1]);
	assert_int_equal(r.parent[3], r.id[0]);
	assert_int_equal(r.parent[4], 0);
	assert_int_equal(r.position[0], 1);
	assert_int_equal(r.position[4], 2);
	assert_int_equal(r.position[1], 1);
	assert_int_equal(r.position[3], 2);
	for (size_t i = 0; i < r.n; i++) {
		bool parent_seen = r.parent[i] == 0;
		for (size_t j = 0; j < i; j++)
			parent_seen |= r.id[j] == r.parent[i];
		assert_true(parent_seen);
	}

	section_path(&r, get(f->s, "a1").section_id, path, sizeof(path));
	assert_string_equal(path, "world/europe");
	assert_int_equal(get(f->s, "a4").section_id, get(f->s, "a1").section_id);
	section_path(&r, get(f->s, "a5").section_id, path, sizeof(path));
	assert_string_equal(path, "world/europe/france");
}

static void test_section_limits(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");

	in.section = "A/B/C/D"; /* ND_MAX_SECTION_DEPTH levels */
	put_ok(f->s, &in, true);
	in.section = "A/B/C/D/E";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in.section = "World/???";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	/* Nothing of the failed puts was kept. */
	assert_int_equal(sections(f->s).n, 4);
}

static void test_default_section(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");
	struct rows r;

	put_ok(f->s, &in, true);
	in = article("a2", "Two");
	in.section = " / ";
	put_ok(f->s, &in, true);
	r = sections(f->s);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.slug[0], "news");
	assert_string_equal(r.name[0], "News");
	assert_int_equal(r.parent[0], 0);
	assert_int_equal(get(f->s, "a1").section_id, r.id[0]);
	assert_int_equal(get(f->s, "a2").section_id, r.id[0]);
}

static void test_reserved_section_slugs(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");
	struct rows r;

	in.section = "API";
	put_ok(f->s, &in, true);
	in = article("a2", "Two");
	in.section = "Search/Tag"; /* only the top level is reserved */
	put_ok(f->s, &in, true);
	in = article("a3", "Three");
	in.section = "Sitemap.xml";
	put_ok(f->s, &in, true);
	r = sections(f->s);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.slug[0], "api-section");
	assert_string_equal(r.name[0], "API");
	assert_string_equal(r.slug[1], "search-section");
	assert_string_equal(r.slug[2], "tag");
	/* "sitemap.xml" slugifies to "sitemap-xml", which no route uses. */
	assert_string_equal(r.slug[3], "sitemap-xml");
	assert_true(nd__section_slug_reserved("robots.txt"));
	assert_true(nd__section_slug_reserved("metrics"));
	assert_false(nd__section_slug_reserved("news"));
}

/* --- authors and tags --- */

static void test_authors(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");
	struct rows r;

	in.author = " Jane Doe ";
	put_ok(f->s, &in, true);
	in = article("a2", "Two");
	in.author = "jane doe"; /* same slug: same author */
	put_ok(f->s, &in, true);
	in = article("a3", "Three");
	in.author = "José Álvarez";
	put_ok(f->s, &in, true);
	in = article("a4", "Four");
	in.author = "  "; /* blank: none */
	put_ok(f->s, &in, true);

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_author(f->s, author_row, &r), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.slug[0], "jane-doe");
	assert_string_equal(r.name[0], "Jane Doe");
	assert_string_equal(r.slug[1], "jose-alvarez");
	assert_int_equal(get(f->s, "a1").author_id, r.id[0]);
	assert_int_equal(get(f->s, "a2").author_id, r.id[0]);
	assert_int_equal(get(f->s, "a3").author_id, r.id[1]);
	assert_int_equal(get(f->s, "a4").author_id, 0);

	in = article("a5", "Five");
	in.author = "???";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
}

static void test_tags_keep_order_and_are_replaced(void **state)
{
	struct fixture *f = *state;
	const char *first[] = {"Zeta", "alpha", "Économie", "ALPHA", " ", "Mid"};
	const char *second[] = {"economie", "New one"};
	struct nd_article_in in = article("a1", "One");
	struct rows r;
	struct got g;

	in.tags = first;
	in.tag_count = 6;
	put_ok(f->s, &in, true);
	r = tags(f->s);
	/* Same slug, same tag; blank names skipped; listed by slug. */
	assert_int_equal(r.n, 4);
	assert_string_equal(r.slug[0], "alpha");
	assert_string_equal(r.slug[1], "economie");
	assert_string_equal(r.name[1], "Économie");
	assert_string_equal(r.slug[2], "mid");
	assert_string_equal(r.slug[3], "zeta");
	g = get(f->s, "a1");
	assert_int_equal(g.tag_count, 4);
	assert_int_equal(g.tag_ids[0], id_of(&r, "zeta"));
	assert_int_equal(g.tag_ids[1], id_of(&r, "alpha"));
	assert_int_equal(g.tag_ids[2], id_of(&r, "economie"));
	assert_int_equal(g.tag_ids[3], id_of(&r, "mid"));

	in.tags = second;
	in.tag_count = 2;
	put_ok(f->s, &in, false);
	r = tags(f->s);
	assert_int_equal(r.n, 5); /* tags outlive their articles */
	g = get(f->s, "a1");
	assert_int_equal(g.tag_count, 2);
	assert_int_equal(g.tag_ids[0], id_of(&r, "economie"));
	assert_int_equal(g.tag_ids[1], id_of(&r, "new-one"));

	in.tags = NULL;
	in.tag_count = 0;
	put_ok(f->s, &in, false);
	assert_int_equal(get(f->s, "a1").tag_count, 0);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM article_tags"), 0);
}

/* --- reading --- */

static void put_at(struct nd_store *s, const char *ext_id, int64_t when, enum nd_article_status st)
{
	struct nd_article_in in = article(ext_id, ext_id);

	in.published_at = when;
	in.status = st;
	put_ok(s, &in, true);
}

static void test_each_article_filters_and_orders(void **state)
{
	struct fixture *f = *state;
	struct rows r;

	put_at(f->s, "p100", 100, ND_STATUS_PUBLISHED);
	put_at(f->s, "p300", 300, ND_STATUS_PUBLISHED);
	put_at(f->s, "p200", 200, ND_STATUS_PUBLISHED);
	put_at(f->s, "d150", 150, ND_STATUS_DRAFT);
	put_at(f->s, "s900", 900, ND_STATUS_SCHEDULED);
	put_at(f->s, "q200", 200, ND_STATUS_PUBLISHED);

	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    nd_store_each_article(f->s, ND_STATUS_PUBLISHED, INT64_MAX, article_row, &r), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.slug[0], "p300");
	/* Equal times: the later insert first. */
	assert_string_equal(r.slug[1], "q200");
	assert_string_equal(r.slug[2], "p200");
	assert_string_equal(r.slug[3], "p100");
	assert_int_equal(r.position[0], 300);

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_article(f->s, ND_STATUS_PUBLISHED, 200, article_row, &r), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.slug[0], "q200");
	assert_string_equal(r.slug[2], "p100");

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_article(f->s, ND_STATUS_PUBLISHED, 99, article_row, &r), 0);
	assert_int_equal(r.n, 0);

	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_article(f->s, ND_STATUS_DRAFT, INT64_MAX, article_row, &r),
	                 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.slug[0], "d150");

	/* A non-zero return stops the walk and comes back. */
	memset(&r, 0, sizeof(r));
	r.stop_after = 2;
	assert_int_equal(
	    nd_store_each_article(f->s, ND_STATUS_PUBLISHED, INT64_MAX, article_row, &r), 42);
	assert_int_equal(r.n, 2);
	/* And the statement is usable again. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    nd_store_each_article(f->s, ND_STATUS_PUBLISHED, INT64_MAX, article_row, &r), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(
	    nd_store_each_article(f->s, (enum nd_article_status)7, INT64_MAX, article_row, &r),
	    ND_EINVAL);
}

struct nested {
	struct nd_store *s;
	int outer, inner;
};

static int count_inner(void *ctx, const struct nd_article_rec *r)
{
	((struct nested *)ctx)->inner++;
	return 0;
}

/* A callback that comes back into the store, with the very same query. */
static int reenter(void *ctx, const struct nd_article_rec *r)
{
	struct nested *n = ctx;
	struct got g;

	n->outer++;
	memset(&g, 0, sizeof(g));
	assert_int_equal(nd_store_article_get(n->s, r->ext_id, copy_article, &g), 0);
	assert_int_equal(g.id, r->id);
	assert_int_equal(g.tag_count, r->tag_count);
	return nd_store_each_article(n->s, ND_STATUS_PUBLISHED, INT64_MAX, count_inner, n);
}

static void test_callbacks_may_reenter(void **state)
{
	struct fixture *f = *state;
	const char *t[] = {"x", "y"};
	struct nd_article_in in = article("a1", "One");
	struct nested n = {f->s, 0, 0};

	in.tags = t;
	in.tag_count = 2;
	put_ok(f->s, &in, true);
	put_at(f->s, "a2", 5, ND_STATUS_PUBLISHED);
	put_at(f->s, "a3", 6, ND_STATUS_PUBLISHED);
	assert_int_equal(nd_store_each_article(f->s, ND_STATUS_PUBLISHED, INT64_MAX, reenter, &n),
	                 0);
	assert_int_equal(n.outer, 3);
	assert_int_equal(n.inner, 9);
}

static void test_article_get(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "Title");
	struct got g;

	in.source_url = "https://wire.example/1";
	put_ok(f->s, &in, true);
	g = get(f->s, "a1");
	assert_string_equal(g.ext_id, "a1");
	assert_string_equal(g.title, "Title");
	assert_string_equal(g.slug, "title");
	assert_true(g.section_id > 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(nd_store_article_get(f->s, "nope", copy_article, &g), ND_ENOTFOUND);
	assert_int_equal(g.id, 0);
	assert_int_equal(nd_store_article_get(f->s, NULL, copy_article, &g), ND_ENOTFOUND);
}

/* --- delete, generation, transactions --- */

static void test_delete_cascades(void **state)
{
	struct fixture *f = *state;
	const char *t[] = {"one", "two"};
	struct nd_article_in in = article("a1", "One");

	in.tags = t;
	in.tag_count = 2;
	put_ok(f->s, &in, true);
	in.ext_id = "a2";
	put_ok(f->s, &in, true);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM article_tags"), 4);
	assert_int_equal(nd_store_article_delete(f->s, "a1"), 0);
	assert_int_equal(count(f->s), 1);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM article_tags"), 2);
	assert_int_equal(tags(f->s).n, 2);
	assert_int_equal(nd_store_article_get(f->s, "a1", copy_article, NULL), ND_ENOTFOUND);
	assert_int_equal(nd_store_article_delete(f->s, "a1"), ND_ENOTFOUND);
	assert_int_equal(nd_store_article_delete(f->s, ""), ND_EINVAL);
	/* The slug is free again. */
	in.ext_id = "a3";
	put_ok(f->s, &in, true);
	assert_string_equal(get(f->s, "a3").slug, "one");
}

static void test_generation_bumps(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in in = article("a1", "One");

	assert_int_equal(generation(f->s), 0);
	put_ok(f->s, &in, true);
	assert_int_equal(generation(f->s), 1);
	put_ok(f->s, &in, false);
	assert_int_equal(generation(f->s), 2);
	in.title = NULL;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	assert_int_equal(generation(f->s), 2);
	assert_int_equal(nd_store_article_delete(f->s, "zzz"), ND_ENOTFOUND);
	assert_int_equal(generation(f->s), 2);
	assert_int_equal(nd_store_article_delete(f->s, "a1"), 0);
	assert_int_equal(generation(f->s), 3);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a1", "One"), b = article("b1", "Two");

	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_begin(f->s), ND_EINVAL); /* no nesting */
	put_ok(f->s, &a, true);
	put_ok(f->s, &b, true);
	assert_int_equal(count(f->s), 2); /* visible inside */
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_int_equal(count(f->s), 0);
	assert_int_equal(generation(f->s), 0);
	assert_int_equal(sections(f->s).n, 0);

	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &a, true);
	put_ok(f->s, &b, true);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(count(f->s), 2);
	assert_int_equal(generation(f->s), 2);

	assert_int_equal(nd_store_commit(f->s), ND_EINVAL);
	assert_int_equal(nd_store_rollback(f->s), ND_EINVAL);

	/* Committed writes survive a reopen. */
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	assert_int_equal(count(f->s), 2);
}

static void test_failed_put_inside_transaction(void **state)
{
	struct fixture *f = *state;
	const char *bad[] = {"fine", "###"};
	struct nd_article_in a = article("a1", "One"), b = article("b1", "Two");

	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &a, true);
	b.section = "Elsewhere";
	b.tags = bad;
	b.tag_count = 2;
	/* Fails after its section and first tag were written: those go, a1 stays. */
	assert_int_equal(nd_store_article_put(f->s, &b, NULL), ND_EINVAL);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(count(f->s), 1);
	assert_int_equal(tags(f->s).n, 0);
	assert_int_equal(sections(f->s).n, 1);
	assert_int_equal(generation(f->s), 1);
}

static void test_close_inside_transaction_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a1", "One");

	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &a, true);
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	assert_int_equal(count(f->s), 0);
}

static void test_transaction_lost_to_an_error(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a1", "One"), b = article("b1", "Two");

	SQLITE_ONLY();
	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &a, true);
	/* What SQLite does on SQLITE_FULL or an I/O error: the whole transaction goes. */
	assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s), "ROLLBACK", NULL, NULL, NULL),
	                 SQLITE_OK);
	/* Later writes must not quietly commit on their own. */
	assert_int_equal(nd_store_article_put(f->s, &b, NULL), ND_ESTORE);
	assert_int_equal(nd_store_commit(f->s), ND_ESTORE);
	assert_int_equal(count(f->s), 0);
	/* The handle is usable again. */
	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &b, true);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(count(f->s), 1);
}

static void test_two_handles(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a1", "One");
	struct nd_store *reader = NULL;

	assert_int_equal(nd_store_open(f->url, &reader), 0);
	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &a, true);
	/* WAL: the reader is not blocked and sees the last commit only. */
	assert_int_equal(count(reader), 0);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(count(reader), 1);
	assert_int_equal(generation(reader), 1);
	nd_store_close(reader);
}

/* --- validation --- */

static void test_invalid_input(void **state)
{
	struct fixture *f = *state;
	const char *tags[ND_MAX_TAGS + 1];
	char long_title[ND_MAX_TITLE + 2];
	struct nd_article_in in;

	in = article(NULL, "T");
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("  ", "T");
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", NULL);
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", " \t ");
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", "T");
	in.body = "";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", "Bad \xff UTF-8");
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", "T");
	in.summary = "\xc3";
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", "T");
	in.status = (enum nd_article_status)9;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	in = article("a1", "T");
	in.tag_count = 1;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	for (size_t i = 0; i <= ND_MAX_TAGS; i++)
		tags[i] = "t";
	in.tags = tags;
	in.tag_count = ND_MAX_TAGS + 1;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_ETOOBIG);
	in.tag_count = ND_MAX_TAGS;
	tags[3] = NULL;
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_EINVAL);
	memset(long_title, 'x', sizeof(long_title) - 1);
	long_title[sizeof(long_title) - 1] = '\0';
	in = article("a1", long_title);
	assert_int_equal(nd_store_article_put(f->s, &in, NULL), ND_ETOOBIG);

	/* Nothing was written. */
	assert_int_equal(count(f->s), 0);
	assert_int_equal(generation(f->s), 0);
	assert_int_equal(sections(f->s).n, 0);

	/* The longest allowed title is fine. */
	long_title[ND_MAX_TITLE] = '\0';
	in = article("a1", long_title);
	put_ok(f->s, &in, true);
}

static void test_status_names(void **state)
{
	enum nd_article_status st = ND_STATUS_PUBLISHED;

	assert_string_equal(nd_status_name(ND_STATUS_PUBLISHED), "published");
	assert_string_equal(nd_status_name(ND_STATUS_DRAFT), "draft");
	assert_string_equal(nd_status_name(ND_STATUS_SCHEDULED), "scheduled");
	assert_null(nd_status_name((enum nd_article_status)3));
	assert_int_equal(nd_status_parse("draft", &st), 0);
	assert_int_equal(st, ND_STATUS_DRAFT);
	assert_int_equal(nd_status_parse("scheduled", &st), 0);
	assert_int_equal(st, ND_STATUS_SCHEDULED);
	assert_int_equal(nd_status_parse("Draft", &st), ND_EINVAL);
	assert_int_equal(nd_status_parse(NULL, &st), ND_EINVAL);
	assert_int_equal(st, ND_STATUS_SCHEDULED);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* An article's URL and a subsection's URL can never be the same. */
static void test_article_and_subsection_slugs(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a", "Europe"), b = article("b", "Europe"),
	                     c = article("c", "Story");
	char want[64];

	a.section = "World";
	put_ok(f->s, &a, true);
	assert_string_equal(get(f->s, "a").slug, "europe");
	/* The new section World/Europe takes /world/europe; the article moves. */
	c.section = "World/Europe";
	put_ok(f->s, &c, true);
	snprintf(want, sizeof(want), "europe-%lld", (long long)get(f->s, "a").id);
	assert_string_equal(get(f->s, "a").slug, want);
	/* A new article cannot take the subsection's slug either. */
	b.section = "World";
	put_ok(f->s, &b, true);
	assert_string_equal(get(f->s, "b").slug, "europe-2");
}

static void test_read_transaction(void **state)
{
	struct fixture *f = *state;
	struct nd_store *other;
	struct nd_article_in a = article("a", "A"), b = article("b", "B");
	int64_t n;

	put_ok(f->s, &a, true);
	assert_int_equal(nd_store_open(f->url, &other), 0);
	assert_int_equal(nd_store_read_begin(f->s), 0);
	assert_int_equal(nd_store_article_count(f->s, &n), 0);
	assert_int_equal(n, 1);
	/* Another connection commits; the open read still sees the old state. */
	put_ok(other, &b, true);
	assert_int_equal(nd_store_article_count(f->s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(nd_store_begin(f->s), ND_EINVAL);
	assert_int_equal(nd_store_read_end(f->s), 0);
	assert_int_equal(nd_store_article_count(f->s, &n), 0);
	assert_int_equal(n, 2);
	nd_store_close(other);
}

static void test_field_limits(void **state)
{
	struct fixture *f = *state;
	struct nd_article_in a = article("a", "A");
	char big[ND_MAX_SUMMARY + 2];

	memset(big, 's', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a.summary = big;
	assert_int_equal(nd_store_article_put(f->s, &a, NULL), ND_ETOOBIG);
	a.summary = NULL;
	big[ND_MAX_NAME + 1] = '\0';
	a.author = big;
	assert_int_equal(nd_store_article_put(f->s, &a, NULL), ND_ETOOBIG);
	a.author = NULL;
	put_ok(f->s, &a, true);
}

/* --- counters (migration 0002) --- */

/* Puts an article and returns its row id, the key counters use. */
static int64_t new_article(struct nd_store *s, const char *ext_id)
{
	struct nd_article_in in = article(ext_id, ext_id);

	put_ok(s, &in, true);
	return get(s, ext_id).id;
}

static struct nd_view_delta vd(int64_t article_id, int64_t hour, uint32_t views)
{
	struct nd_view_delta d = {article_id, hour, views};
	return d;
}

/* A reaction op by visitor kind 'c' number n. */
static struct nd_reaction_op rop(int64_t article_id, const char *type, uint8_t n,
                                 enum nd_react_op op)
{
	struct nd_reaction_op r;

	memset(&r, 0, sizeof(r));
	r.article_id = article_id;
	r.type = type;
	r.visitor[0] = 'c';
	r.visitor[16] = n;
	r.op = op;
	r.at = 1700000000;
	r.result = 99; /* must be overwritten */
	return r;
}

static void apply_ok(struct nd_store *s, const struct nd_view_delta *v, size_t nv,
                     struct nd_reaction_op *r, size_t nr)
{
	assert_int_equal(nd_store_counts_apply(s, v, nv, r, nr), 0);
}

/* One op alone; returns its result. */
static int react(struct nd_store *s, int64_t article_id, const char *type, uint8_t visitor,
                 enum nd_react_op op)
{
	struct nd_reaction_op r = rop(article_id, type, visitor, op);

	apply_ok(s, NULL, 0, &r, 1);
	return r.result;
}

/* dump's rows on PostgreSQL, on a connection of its own (committed data). */
static void dump_pg(const char *sql, char *out, size_t size)
{
	PGconn *c = PQconnectdb(pg_url);
	const char *hex = strstr(sql, "hex(visitor)");
	char text[256];
	PGresult *r;
	size_t len = 0;

	/* SQLite's hex() is upper-case encode(). */
	if (hex)
		snprintf(text, sizeof(text), "%.*supper(encode(visitor, 'hex'))%s",
		         (int)(hex - sql), sql, hex + strlen("hex(visitor)"));
	else
		snprintf(text, sizeof(text), "%s", sql);
	r = PQexec(c, text);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQerrorMessage(c));
	for (int row = 0; row < PQntuples(r); row++)
		for (int i = 0; i < PQnfields(r); i++) {
			int n = snprintf(out + len, size - len, "%s%c",
			                 PQgetisnull(r, row, i) ? "NULL" : PQgetvalue(r, row, i),
			                 i + 1 < PQnfields(r) ? ':' : ',');
			assert_true(n > 0 && (size_t)n < size - len);
			len += (size_t)n;
		}
	PQclear(r);
	PQfinish(c);
}

/* The rows of a query, as "a:b:c," text, for comparing whole tables. */
static void dump(struct nd_store *s, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int step;

	out[0] = '\0';
	if (temp_db_is_pg()) {
		dump_pg(sql, out, size);
		return;
	}
	assert_int_equal(sqlite3_prepare_v2(nd__sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			int n = snprintf(out + len, size - len, "%s%c", v ? v : "NULL",
			                 i + 1 < sqlite3_column_count(st) ? ':' : ',');
			assert_true(n > 0 && (size_t)n < size - len);
			len += (size_t)n;
		}
	}
	assert_int_equal(step, SQLITE_DONE);
	sqlite3_finalize(st);
}

#define DUMP_HOURS     "SELECT article_id, hour, views FROM view_hours ORDER BY 1, 2"
#define DUMP_DAYS      "SELECT article_id, day, views FROM view_days ORDER BY 1, 2"
#define DUMP_STATS     "SELECT article_id, views FROM article_stats ORDER BY 1"
#define DUMP_REACTIONS "SELECT article_id, type, hex(visitor) FROM reactions ORDER BY 1, 2, 3"
#define DUMP_RCOUNTS   "SELECT article_id, type, count FROM reaction_counts ORDER BY 1, 2"

/* Every counter table of s, in one string. */
static void dump_counters(struct nd_store *s, char *out, size_t size)
{
	const char *tables[] = {DUMP_HOURS, DUMP_DAYS, DUMP_STATS, DUMP_REACTIONS, DUMP_RCOUNTS};
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		dump(s, tables[i], out + len, size - len);
		len += strlen(out + len);
		assert_true(len + 1 < size);
		out[len++] = '|';
		out[len] = '\0';
	}
}

/* The counters are equal to the rows they summarise. */
static void assert_counters_consistent(struct nd_store *s)
{
	/* Every article's total is the sum of its hours and days. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM article_stats a WHERE views != "
	                            "coalesce((SELECT sum(views) FROM view_hours h "
	                            "WHERE h.article_id = a.article_id), 0) + "
	                            "coalesce((SELECT sum(views) FROM view_days d "
	                            "WHERE d.article_id = a.article_id), 0)"),
	                 0);
	assert_int_equal(sql_int(s,
	                         "SELECT count(*) FROM (SELECT article_id FROM view_hours "
	                         "UNION SELECT article_id FROM view_days) AS counted "
	                         "WHERE article_id NOT IN (SELECT article_id FROM article_stats)"),
	                 0);
	/* Every reaction count is its number of rows. */
	assert_int_equal(sql_int(s, "SELECT count(*) FROM reaction_counts c WHERE count != "
	                            "(SELECT count(*) FROM reactions r "
	                            "WHERE r.article_id = c.article_id AND r.type = c.type)"),
	                 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM (SELECT DISTINCT article_id, type "
	                            "FROM reactions) r WHERE NOT EXISTS (SELECT 1 FROM "
	                            "reaction_counts c WHERE c.article_id = r.article_id "
	                            "AND c.type = r.type)"),
	                 0);
}

static int64_t views_of(struct nd_store *s, int64_t article_id)
{
	char sql[128];

	snprintf(sql, sizeof(sql),
	         "SELECT coalesce((SELECT views FROM article_stats WHERE article_id = %lld), 0)",
	         (long long)article_id);
	return sql_int(s, sql);
}

static int64_t rcount(struct nd_store *s, int64_t article_id, const char *type)
{
	char sql[160];

	snprintf(sql, sizeof(sql),
	         "SELECT coalesce((SELECT count FROM reaction_counts "
	         "WHERE article_id = %lld AND type = '%s'), 0)",
	         (long long)article_id, type);
	return sql_int(s, sql);
}

static void test_counter_tables_exist(void **state)
{
	struct fixture *f = *state;

	SQLITE_ONLY();
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
	                               "AND name IN ('article_stats', 'view_hours', 'view_days', "
	                               "'reactions', 'reaction_counts')"),
	                 5);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
	                               "AND name = 'view_hours_hour'"),
	                 1);
	/* A reaction count can never go below zero, whoever writes it. */
	new_article(f->s, "a1");
	assert_int_not_equal(sqlite3_exec(nd__sqlite_db(f->s),
	                                  "INSERT INTO reaction_counts VALUES (1, 'x', -1)", NULL,
	                                  NULL, NULL),
	                     SQLITE_OK);
	/* Counters of an unknown article are refused by the database too. */
	assert_int_not_equal(sqlite3_exec(nd__sqlite_db(f->s),
	                                  "INSERT INTO view_hours VALUES (999, 1, 1)", NULL, NULL,
	                                  NULL),
	                     SQLITE_OK);
}

/* Two batches applied in either order give the same tables. */
static void test_counts_commute(void **state)
{
	struct fixture *f = *state;
	struct nd_store *other = NULL;
	char one[4096], two[4096];
	int64_t a1, a2, a3;

	SQLITE_ONLY();
	assert_int_equal(nd_store_open("sqlite::memory:", &other), 0);
	a1 = new_article(f->s, "a1");
	a2 = new_article(f->s, "a2");
	a3 = new_article(f->s, "a3");
	/* The same articles get the same row ids in the other database. */
	assert_int_equal(new_article(other, "a1"), a1);
	assert_int_equal(new_article(other, "a2"), a2);
	assert_int_equal(new_article(other, "a3"), a3);

	const struct nd_view_delta va[] = {vd(a1, 100, 3), vd(a2, 100, 1), vd(a1, 101, 7)};
	const struct nd_view_delta vb[] = {vd(a1, 100, 5), vd(a3, 99, 2), vd(a1, 101, 1),
	                                   vd(a2, 102, 4)};
	struct nd_reaction_op ra[] = {rop(a1, "verygood", 1, ND_REACT_ADD),
	                              rop(a2, "sad", 2, ND_REACT_ADD),
	                              rop(a1, "verygood", 3, ND_REACT_ADD)};
	struct nd_reaction_op rb[] = {rop(a1, "verygood", 1, ND_REACT_ADD),
	                              rop(a1, "verygood", 4, ND_REACT_ADD),
	                              rop(a3, "sad", 2, ND_REACT_ADD)};

	apply_ok(f->s, va, 3, ra, 3);
	apply_ok(f->s, vb, 4, rb, 3);
	apply_ok(other, vb, 4, rb, 3);
	apply_ok(other, va, 3, ra, 3);
	dump_counters(f->s, one, sizeof(one));
	dump_counters(other, two, sizeof(two));
	assert_string_equal(one, two);
	/* And the tables hold the sums. */
	dump(f->s, DUMP_HOURS, one, sizeof(one));
	assert_string_equal(one, "1:100:8,1:101:8,2:100:1,2:102:4,3:99:2,");
	dump(f->s, DUMP_STATS, one, sizeof(one));
	assert_string_equal(one, "1:16,2:5,3:2,");
	dump(f->s, DUMP_RCOUNTS, one, sizeof(one));
	assert_string_equal(one, "1:verygood:3,2:sad:1,3:sad:1,");
	assert_counters_consistent(f->s);
	assert_counters_consistent(other);
	nd_store_close(other);
}

struct walked {
	size_t n;
	int64_t a[64], b[64], c[64];
	char type[64][16];
	size_t stop_after;
};

static int walk_stats(void *ctx, int64_t article_id, int64_t views)
{
	struct walked *w = ctx;

	assert_true(w->n < 64);
	w->a[w->n] = article_id;
	w->b[w->n++] = views;
	return w->stop_after && w->n == w->stop_after ? 42 : 0;
}

static int walk_hours(void *ctx, int64_t article_id, int64_t hour, int64_t views)
{
	struct walked *w = ctx;

	assert_true(w->n < 64);
	w->a[w->n] = article_id;
	w->b[w->n] = hour;
	w->c[w->n++] = views;
	return w->stop_after && w->n == w->stop_after ? 42 : 0;
}

static int walk_rcounts(void *ctx, int64_t article_id, const char *type, int64_t count)
{
	struct walked *w = ctx;

	assert_true(w->n < 64);
	w->a[w->n] = article_id;
	snprintf(w->type[w->n], sizeof(w->type[0]), "%s", type);
	w->c[w->n++] = count;
	return 0;
}

static void test_article_views_sum_of_buckets(void **state)
{
	struct fixture *f = *state;
	int64_t id[3];
	int64_t want[3] = {0, 0, 0};
	struct walked w;
	unsigned seed = 7;

	id[0] = new_article(f->s, "a1");
	id[1] = new_article(f->s, "a2");
	id[2] = new_article(f->s, "a3");
	/* Many small batches over a few hours, some hours repeated. */
	for (int batch = 0; batch < 20; batch++) {
		struct nd_view_delta d[5];

		for (int i = 0; i < 5; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t k = (seed >> 16) % 3;
			uint32_t n = (seed >> 8) % 50 + 1;

			d[i] = vd(id[k], 400000 + (int64_t)((seed >> 4) % 6), n);
			want[k] += n;
		}
		apply_ok(f->s, d, 5, NULL, 0);
	}
	/* A zero delta writes nothing. */
	{
		struct nd_view_delta z = vd(id[0], 1, 0);
		apply_ok(f->s, &z, 1, NULL, 0);
		assert_int_equal(sql_int(f->s, "SELECT count(*) FROM view_hours WHERE hour = 1"),
		                 0);
	}
	assert_counters_consistent(f->s);
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_article_views(f->s, walk_stats, &w), 0);
	assert_int_equal(w.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(w.a[i], id[i]); /* by article id */
		assert_int_equal(w.b[i], want[i]);
		assert_int_equal(views_of(f->s, id[i]), want[i]);
	}
	/* A non-zero return stops the walk and comes back. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	assert_int_equal(nd_store_each_article_views(f->s, walk_stats, &w), 42);
	assert_int_equal(w.n, 2);
}

static void test_reaction_once_per_visitor(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	uint8_t visitor[ND_STORE_VISITOR_LEN];
	bool has = true;

	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_ADD), 1);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_ADD), 0);
	assert_int_equal(rcount(f->s, a1, "verygood"), 1);
	/* Another visitor, another type, another article: each counts once. */
	assert_int_equal(react(f->s, a1, "verygood", 2, ND_REACT_ADD), 1);
	assert_int_equal(react(f->s, a1, "sad", 1, ND_REACT_ADD), 1);
	assert_int_equal(react(f->s, a2, "verygood", 1, ND_REACT_ADD), 1);
	assert_int_equal(rcount(f->s, a1, "verygood"), 2);
	assert_int_equal(rcount(f->s, a1, "sad"), 1);
	assert_int_equal(rcount(f->s, a2, "verygood"), 1);
	/* The kind byte is part of the visitor: 'h' 1 is not 'c' 1. */
	{
		struct nd_reaction_op r = rop(a1, "verygood", 1, ND_REACT_ADD);
		r.visitor[0] = 'h';
		apply_ok(f->s, NULL, 0, &r, 1);
		assert_int_equal(r.result, 1);
		assert_int_equal(rcount(f->s, a1, "verygood"), 3);
	}
	/* Twice in one batch: the second is a no-op. */
	{
		struct nd_reaction_op r[] = {rop(a2, "angry", 5, ND_REACT_ADD),
		                             rop(a2, "angry", 5, ND_REACT_ADD)};
		apply_ok(f->s, NULL, 0, r, 2);
		assert_int_equal(r[0].result, 1);
		assert_int_equal(r[1].result, 0);
		assert_int_equal(rcount(f->s, a2, "angry"), 1);
	}
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reactions"), 6);
	assert_counters_consistent(f->s);

	memset(visitor, 0, sizeof(visitor));
	visitor[0] = 'c';
	visitor[16] = 1;
	assert_int_equal(nd_store_reaction_has(f->s, a1, "verygood", visitor, &has), 0);
	assert_true(has);
	assert_int_equal(nd_store_reaction_has(f->s, a1, "angry", visitor, &has), 0);
	assert_false(has);
	visitor[16] = 9;
	assert_int_equal(nd_store_reaction_has(f->s, a1, "verygood", visitor, &has), 0);
	assert_false(has);
	has = true;
	assert_int_equal(nd_store_reaction_has(f->s, 999, "verygood", visitor, &has), 0);
	assert_false(has);
	assert_int_equal(nd_store_reaction_has(f->s, a1, "Very Good", visitor, &has), ND_EINVAL);
}

static void test_reaction_remove_and_toggle(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct walked w;

	/* Removing what was never there changes nothing and counts nothing. */
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_REMOVE), 0);
	assert_int_equal(rcount(f->s, a1, "verygood"), 0);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reaction_counts"), 0);

	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_TOGGLE), 1);
	assert_int_equal(rcount(f->s, a1, "verygood"), 1);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_TOGGLE), -1);
	assert_int_equal(rcount(f->s, a1, "verygood"), 0);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_REMOVE), 0);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_TOGGLE), 1);
	assert_int_equal(react(f->s, a1, "verygood", 2, ND_REACT_ADD), 1);
	assert_int_equal(rcount(f->s, a1, "verygood"), 2);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_REMOVE), -1);
	assert_int_equal(react(f->s, a1, "verygood", 1, ND_REACT_REMOVE), 0);
	assert_int_equal(react(f->s, a1, "verygood", 2, ND_REACT_REMOVE), -1);
	assert_int_equal(react(f->s, a1, "verygood", 2, ND_REACT_REMOVE), 0);
	assert_int_equal(rcount(f->s, a1, "verygood"), 0);
	assert_int_equal(sql_int(f->s, "SELECT min(count) FROM reaction_counts"), 0);

	/* A mixed batch, in order: toggle on, toggle off, remove again, add. */
	{
		struct nd_reaction_op r[] = {
		    rop(a1, "sad", 3, ND_REACT_TOGGLE), rop(a1, "sad", 3, ND_REACT_TOGGLE),
		    rop(a1, "sad", 3, ND_REACT_REMOVE), rop(a1, "sad", 4, ND_REACT_ADD),
		    rop(a1, "sad", 4, ND_REACT_TOGGLE), rop(a1, "sad", 5, ND_REACT_TOGGLE)};
		apply_ok(f->s, NULL, 0, r, 6);
		assert_int_equal(r[0].result, 1);
		assert_int_equal(r[1].result, -1);
		assert_int_equal(r[2].result, 0);
		assert_int_equal(r[3].result, 1);
		assert_int_equal(r[4].result, -1);
		assert_int_equal(r[5].result, 1);
		assert_int_equal(rcount(f->s, a1, "sad"), 1);
	}
	assert_counters_consistent(f->s);
	/* Zero counts are not listed. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_reaction_count(f->s, walk_rcounts, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.a[0], a1);
	assert_string_equal(w.type[0], "sad");
	assert_int_equal(w.c[0], 1);
}

static void test_each_reaction_count_order(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	struct nd_reaction_op r[] = {
	    rop(a2, "verygood", 1, ND_REACT_ADD), rop(a1, "verygood", 1, ND_REACT_ADD),
	    rop(a1, "angry", 1, ND_REACT_ADD),    rop(a1, "verygood", 2, ND_REACT_ADD),
	    rop(a2, "angry", 2, ND_REACT_ADD),
	};
	struct walked w;

	apply_ok(f->s, NULL, 0, r, 5);
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_reaction_count(f->s, walk_rcounts, &w), 0);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.a[0], a1);
	assert_string_equal(w.type[0], "angry");
	assert_int_equal(w.c[0], 1);
	assert_int_equal(w.a[1], a1);
	assert_string_equal(w.type[1], "verygood");
	assert_int_equal(w.c[1], 2);
	assert_int_equal(w.a[2], a2);
	assert_string_equal(w.type[2], "angry");
	assert_int_equal(w.a[3], a2);
	assert_string_equal(w.type[3], "verygood");
}

/* A delta or op for an article that is gone is skipped; the rest commits. */
static void test_counts_skip_deleted_article(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	char rows[512];

	assert_int_equal(nd_store_article_delete(f->s, "a2"), 0);
	const struct nd_view_delta v[] = {vd(a1, 10, 2), vd(a2, 10, 5), vd(999, 10, 1),
	                                  vd(a1, 11, 3)};
	struct nd_reaction_op r[] = {
	    rop(a2, "verygood", 1, ND_REACT_ADD), rop(a1, "verygood", 1, ND_REACT_ADD),
	    rop(a2, "verygood", 1, ND_REACT_TOGGLE), rop(a1, "sad", 1, ND_REACT_TOGGLE)};

	apply_ok(f->s, v, 4, r, 4);
	assert_int_equal(r[0].result, ND_ENOTFOUND);
	assert_int_equal(r[1].result, 1);
	assert_int_equal(r[2].result, ND_ENOTFOUND);
	assert_int_equal(r[3].result, 1);
	dump(f->s, DUMP_HOURS, rows, sizeof(rows));
	assert_string_equal(rows, "1:10:2,1:11:3,");
	assert_int_equal(views_of(f->s, a1), 5);
	assert_int_equal(views_of(f->s, a2), 0);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reactions"), 2);
	assert_counters_consistent(f->s);

	/* Deleting an article deletes its counters. */
	apply_ok(f->s, v, 1, NULL, 0);
	assert_int_equal(nd_store_article_delete(f->s, "a1"), 0);
	dump_counters(f->s, rows, sizeof(rows));
	assert_string_equal(rows, "|||||");
}

/* A batch that fails part way leaves nothing behind and says so. */
static void test_counts_failed_batch_applies_nothing(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct nd_article_in b = article("b1", "B");
	const struct nd_view_delta v[] = {vd(a1, 10, 2), vd(a1, 666, 1)};
	struct nd_reaction_op r[] = {rop(a1, "verygood", 1, ND_REACT_ADD),
	                             rop(a1, "verygood", 2, ND_REACT_ADD)};
	char before[1024], after[1024];

	SQLITE_ONLY();
	react(f->s, a1, "sad", 1, ND_REACT_ADD);
	dump_counters(f->s, before, sizeof(before));
	/* The second hourly write fails, after the first one and its total went in. */
	assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s),
	                              "CREATE TEMP TRIGGER boom BEFORE INSERT ON view_hours "
	                              "WHEN NEW.hour = 666 BEGIN SELECT RAISE(ABORT, 'boom'); END",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(nd_store_counts_apply(f->s, v, 2, r, 2), ND_ESTORE);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, 0);
	dump_counters(f->s, after, sizeof(after));
	assert_string_equal(after, before);

	/* A reaction that fails undoes the views of the same batch too. */
	assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s),
	                              "CREATE TEMP TRIGGER boom2 BEFORE INSERT ON reactions "
	                              "WHEN hex(NEW.visitor) LIKE '%02' "
	                              "BEGIN SELECT RAISE(ABORT, 'boom'); END",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(nd_store_counts_apply(f->s, v, 1, r, 2), ND_ESTORE);
	assert_int_equal(r[0].result, 0);
	dump_counters(f->s, after, sizeof(after));
	assert_string_equal(after, before);

	/* Inside the caller's transaction only the batch is undone. */
	assert_int_equal(nd_store_begin(f->s), 0);
	put_ok(f->s, &b, true);
	assert_int_equal(nd_store_counts_apply(f->s, v, 2, NULL, 0), ND_ESTORE);
	apply_ok(f->s, v, 1, r, 1);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(count(f->s), 2);
	assert_int_equal(views_of(f->s, a1), 2);
	assert_int_equal(rcount(f->s, a1, "verygood"), 1);
	assert_counters_consistent(f->s);

	/* The handle goes on working once the cause is gone. */
	assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s), "DROP TRIGGER boom; DROP TRIGGER boom2",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	apply_ok(f->s, v, 2, r, 2);
	assert_int_equal(views_of(f->s, a1), 5);
	assert_int_equal(r[1].result, 1);
}

/* Another writer holds the lock past the busy timeout: ND_EBUSY, nothing applied. */
static void test_counts_busy(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct nd_store *other = NULL;
	const struct nd_view_delta v = vd(a1, 10, 2);
	struct nd_reaction_op r = rop(a1, "verygood", 1, ND_REACT_ADD);

	SQLITE_ONLY();
	assert_int_equal(nd_store_open(f->url, &other), 0);
	assert_int_equal(nd_store_begin(other), 0);
	sqlite3_busy_timeout(nd__sqlite_db(f->s), 50);
	assert_int_equal(nd_store_counts_apply(f->s, &v, 1, &r, 1), ND_EBUSY);
	assert_int_equal(r.result, 0);
	assert_int_equal(nd_store_rollback(other), 0);
	nd_store_close(other);
	assert_int_equal(views_of(f->s, a1), 0);
	apply_ok(f->s, &v, 1, &r, 1);
	assert_int_equal(views_of(f->s, a1), 2);
	assert_int_equal(r.result, 1);
}

static void test_counts_invalid_input(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	const struct nd_view_delta good = vd(a1, 10, 1);
	struct nd_view_delta v[2] = {good, good};
	struct nd_reaction_op r[2];
	char empty[64];

	v[1] = vd(0, 10, 1);
	assert_int_equal(nd_store_counts_apply(f->s, v, 2, NULL, 0), ND_EINVAL);
	v[1] = vd(a1, -1, 1);
	assert_int_equal(nd_store_counts_apply(f->s, v, 2, NULL, 0), ND_EINVAL);
	assert_int_equal(nd_store_counts_apply(f->s, NULL, 1, NULL, 0), ND_EINVAL);
	assert_int_equal(nd_store_counts_apply(f->s, &good, 1, NULL, 1), ND_EINVAL);

	const char *bad_types[] = {NULL, "", "Very", "very good", "x/y", "\xc3\xa9"};
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		r[0] = rop(a1, "verygood", 1, ND_REACT_ADD);
		r[1] = rop(a1, "verygood", 2, ND_REACT_ADD);
		r[1].type = bad_types[i];
		assert_int_equal(nd_store_counts_apply(f->s, &good, 1, r, 2), ND_EINVAL);
		assert_int_equal(r[0].result, 99); /* untouched: nothing was tried */
	}
	r[0] = rop(a1, "verygood", 1, ND_REACT_ADD);
	r[0].op = (enum nd_react_op)7;
	assert_int_equal(nd_store_counts_apply(f->s, &good, 1, r, 1), ND_EINVAL);
	r[0] = rop(a1, "verygood", 1, ND_REACT_ADD);
	r[0].article_id = -3;
	assert_int_equal(nd_store_counts_apply(f->s, &good, 1, r, 1), ND_EINVAL);
	r[0] = rop(a1, "verygood", 1, ND_REACT_ADD);
	r[0].at = -1;
	assert_int_equal(nd_store_counts_apply(f->s, &good, 1, r, 1), ND_EINVAL);
	dump_counters(f->s, empty, sizeof(empty));
	assert_string_equal(empty, "|||||");

	/* Slug characters and the length limit. */
	{
		char longest[ND_MAX_SLUG + 2];

		memset(longest, 'a', sizeof(longest) - 1);
		longest[sizeof(longest) - 1] = '\0';
		r[0] = rop(a1, longest, 1, ND_REACT_ADD);
		assert_int_equal(nd_store_counts_apply(f->s, NULL, 0, r, 1), ND_EINVAL);
		longest[ND_MAX_SLUG] = '\0';
		assert_int_equal(react(f->s, a1, longest, 1, ND_REACT_ADD), 1);
		assert_int_equal(react(f->s, a1, "a_b-9", 1, ND_REACT_ADD), 1);
	}
	/* An empty batch is fine. */
	apply_ok(f->s, NULL, 0, NULL, 0);
	/* 0 for `at` means now. */
	r[0] = rop(a1, "verygood", 1, ND_REACT_ADD);
	r[0].at = 0;
	apply_ok(f->s, NULL, 0, r, 1);
	assert_true(sql_int(f->s, "SELECT created_at FROM reactions WHERE type = 'verygood'") >
	            1700000000);
}

static void test_views_compact(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	const int64_t d10 = 10 * 24, d11 = 11 * 24, d12 = 12 * 24;
	char rows[512];

	/* Day 10 in full for a1, two hours of it for a2; day 11 first and last
	 * hour; day 12 first hour (the cutoff). */
	for (int64_t h = d10; h < d11; h++) {
		struct nd_view_delta d = vd(a1, h, (uint32_t)(h - d10 + 1));
		apply_ok(f->s, &d, 1, NULL, 0);
	}
	const struct nd_view_delta v[] = {vd(a2, d10 + 3, 5), vd(a2, d10 + 23, 6),
	                                  vd(a1, d11, 7),     vd(a1, d12 - 1, 8),
	                                  vd(a2, d12, 9),     vd(a1, d12 + 1, 10)};
	apply_ok(f->s, v, 6, NULL, 0);
	assert_int_equal(views_of(f->s, a1), 300 + 7 + 8 + 10);
	assert_int_equal(views_of(f->s, a2), 20);

	assert_int_equal(nd_store_views_compact(f->s, d12), 0);
	dump(f->s, DUMP_HOURS, rows, sizeof(rows));
	assert_string_equal(rows, "1:289:10,2:288:9,");
	dump(f->s, DUMP_DAYS, rows, sizeof(rows));
	assert_string_equal(rows, "1:10:300,1:11:15,2:10:11,");
	/* Totals are unchanged: hours and days still add up to them. */
	assert_int_equal(views_of(f->s, a1), 300 + 7 + 8 + 10);
	assert_int_equal(views_of(f->s, a2), 20);
	assert_counters_consistent(f->s);

	/* A late delta for a compacted day is folded into that day next time. */
	{
		struct nd_view_delta late = vd(a1, d11 + 5, 4);
		apply_ok(f->s, &late, 1, NULL, 0);
	}
	assert_int_equal(nd_store_views_compact(f->s, d12), 0);
	dump(f->s, DUMP_DAYS, rows, sizeof(rows));
	assert_string_equal(rows, "1:10:300,1:11:19,2:10:11,");
	dump(f->s, DUMP_HOURS, rows, sizeof(rows));
	assert_string_equal(rows, "1:289:10,2:288:9,");
	assert_counters_consistent(f->s);

	/* Only day boundaries. */
	assert_int_equal(nd_store_views_compact(f->s, d12 + 1), ND_EINVAL);
	assert_int_equal(nd_store_views_compact(f->s, -24), ND_EINVAL);
	assert_int_equal(nd_store_views_compact(f->s, 0), 0);
	dump(f->s, DUMP_HOURS, rows, sizeof(rows));
	assert_string_equal(rows, "1:289:10,2:288:9,");
}

static void test_each_view_hour(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2"),
	        a3 = new_article(f->s, "a3");
	const struct nd_view_delta v[] = {vd(a2, 5, 1), vd(a1, 7, 2), vd(a1, 5, 3),
	                                  vd(a3, 6, 4), vd(a1, 3, 5), vd(a3, 5, 6)};
	struct walked w;

	apply_ok(f->s, v, 6, NULL, 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_view_hour(f->s, 5, walk_hours, &w), 0);
	assert_int_equal(w.n, 5);
	const int64_t want[5][3] = {{a1, 5, 3}, {a2, 5, 1}, {a3, 5, 6}, {a3, 6, 4}, {a1, 7, 2}};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(w.a[i], want[i][0]);
		assert_int_equal(w.b[i], want[i][1]);
		assert_int_equal(w.c[i], want[i][2]);
	}
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_view_hour(f->s, 0, walk_hours, &w), 0);
	assert_int_equal(w.n, 6);
	assert_int_equal(w.b[0], 3);
	memset(&w, 0, sizeof(w));
	assert_int_equal(nd_store_each_view_hour(f->s, 8, walk_hours, &w), 0);
	assert_int_equal(w.n, 0);
	memset(&w, 0, sizeof(w));
	w.stop_after = 1;
	assert_int_equal(nd_store_each_view_hour(f->s, 0, walk_hours, &w), 42);
	assert_int_equal(w.n, 1);
}

/* Every kind of counter write leaves the generation (and the snapshot) alone. */
static void test_counter_writes_keep_generation(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	const struct nd_view_delta v = vd(a1, 48, 3);
	struct nd_reaction_op r = rop(a1, "verygood", 1, ND_REACT_TOGGLE);
	uint8_t key[32];
	int64_t g = generation(f->s);

	assert_int_equal(g, 1);
	apply_ok(f->s, &v, 1, &r, 1);
	assert_int_equal(generation(f->s), g);
	apply_ok(f->s, &v, 1, &r, 1); /* toggled off */
	assert_int_equal(generation(f->s), g);
	assert_int_equal(nd_store_views_compact(f->s, 72), 0);
	assert_int_equal(nd_store_secret(f->s, "visitor_key", key, sizeof(key)), 0);
	assert_int_equal(nd_store_meta_int_set(f->s, "simulated_activity", 1234), 0);
	assert_int_equal(nd_store_counts_clear(f->s), 0);
	assert_int_equal(generation(f->s), g);
	/* And nobody may set it through the meta functions. */
	assert_int_equal(nd_store_meta_int_set(f->s, "generation", 99), ND_EINVAL);
	assert_int_equal(nd_store_secret(f->s, "generation", key, sizeof(key)), ND_EINVAL);
	assert_int_equal(generation(f->s), g);
}

static void test_secret_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct nd_store *other = NULL;
	uint8_t key[32], again[32], salt[32], zero[32];

	memset(zero, 0, sizeof(zero));
	assert_int_equal(nd_store_secret(f->s, "visitor_key", key, sizeof(key)), 0);
	assert_memory_not_equal(key, zero, sizeof(key));
	assert_int_equal(nd_store_secret(f->s, "visitor_key", again, sizeof(again)), 0);
	assert_memory_equal(key, again, sizeof(key));
	/* Another name, another secret. */
	assert_int_equal(nd_store_secret(f->s, "visitor_salt_key", salt, sizeof(salt)), 0);
	assert_memory_not_equal(key, salt, sizeof(key));
	/* Another handle, and after a reopen: the same bytes. */
	assert_int_equal(nd_store_open(f->url, &other), 0);
	memset(again, 0, sizeof(again));
	assert_int_equal(nd_store_secret(other, "visitor_key", again, sizeof(again)), 0);
	assert_memory_equal(key, again, sizeof(key));
	nd_store_close(other);
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	memset(again, 0, sizeof(again));
	assert_int_equal(nd_store_secret(f->s, "visitor_key", again, sizeof(again)), 0);
	assert_memory_equal(key, again, sizeof(key));
	assert_int_equal(nd_store_secret(f->s, "visitor_salt_key", again, sizeof(again)), 0);
	assert_memory_equal(salt, again, sizeof(salt));

	/* The wrong length, a meta integer, bad names and sizes: refused, out untouched. */
	memset(again, 0xAB, sizeof(again));
	assert_int_equal(nd_store_secret(f->s, "visitor_key", again, 16), ND_EINVAL);
	assert_int_equal(again[0], 0xAB);
	assert_int_equal(nd_store_meta_int_set(f->s, "an_int", 5), 0);
	assert_int_equal(nd_store_secret(f->s, "an_int", again, 8), ND_EINVAL);
	assert_int_equal(nd_store_secret(f->s, " ", again, 8), ND_EINVAL);
	assert_int_equal(nd_store_secret(f->s, NULL, again, 8), ND_EINVAL);
	assert_int_equal(nd_store_secret(f->s, "x", again, 0), ND_EINVAL);
	assert_int_equal(nd_store_secret(f->s, "x", again, ND_STORE_SECRET_MAX + 1), ND_EINVAL);
	assert_int_equal(again[0], 0xAB);
	/* A secret is not a meta integer. */
	{
		int64_t v = 7;
		assert_int_equal(nd_store_meta_int_get(f->s, "visitor_key", &v), ND_EINVAL);
		assert_int_equal(v, 7);
	}
}

struct secret_race {
	const char *url;
	pthread_barrier_t *start;
	uint8_t key[32];
	int rc;
};

static void *secret_racer(void *arg)
{
	struct secret_race *r = arg;
	struct nd_store *s = NULL;

	r->rc = nd_store_open(r->url, &s);
	pthread_barrier_wait(r->start);
	if (!r->rc)
		r->rc = nd_store_secret(s, "race_key", r->key, sizeof(r->key));
	nd_store_close(s);
	return NULL;
}

/* First callers on several handles at once all get the one stored value. */
static void test_secret_concurrent_creators(void **state)
{
	struct fixture *f = *state;
	struct secret_race r[4];
	pthread_t t[4];
	pthread_barrier_t start;

	assert_int_equal(pthread_barrier_init(&start, NULL, 4), 0);
	for (size_t i = 0; i < 4; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].url = f->url;
		r[i].start = &start;
		assert_int_equal(pthread_create(&t[i], NULL, secret_racer, &r[i]), 0);
	}
	for (size_t i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_memory_equal(r[i].key, r[0].key, sizeof(r[0].key));
	}
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM meta WHERE key = 'race_key'"), 1);
}

static void test_meta_int(void **state)
{
	struct fixture *f = *state;
	int64_t v = 42;
	char name[ND_MAX_NAME + 2];

	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v), ND_ENOTFOUND);
	assert_int_equal(v, 42);
	assert_int_equal(nd_store_meta_int_set(f->s, "simulated_activity", 1700000000), 0);
	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v), 0);
	assert_int_equal(v, 1700000000);
	assert_int_equal(nd_store_meta_int_set(f->s, "simulated_activity", -5), 0);
	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v), 0);
	assert_int_equal(v, -5);
	/* The generation can be read like any meta integer. */
	assert_int_equal(nd_store_meta_int_get(f->s, "generation", &v), 0);
	assert_int_equal(v, 0);
	/* Inside a transaction it rolls back with it. */
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_meta_int_set(f->s, "simulated_activity", 9), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v), 0);
	assert_int_equal(v, -5);
	/* Bad keys. */
	memset(name, 'k', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(nd_store_meta_int_set(f->s, name, 1), ND_EINVAL);
	assert_int_equal(nd_store_meta_int_get(f->s, "", &v), ND_EINVAL);
	assert_int_equal(nd_store_meta_int_set(f->s, NULL, 1), ND_EINVAL);
	/* Kept across a reopen. */
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v), 0);
	assert_int_equal(v, -5);
}

static void test_counts_clear(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	const struct nd_view_delta v[] = {vd(a1, 10, 2), vd(a2, 30, 5), vd(a2, 50, 1)};
	struct nd_reaction_op r[] = {rop(a1, "verygood", 1, ND_REACT_ADD),
	                             rop(a2, "sad", 1, ND_REACT_ADD)};
	uint8_t key[16], again[16];
	int64_t g, v_meta = 0;
	char rows[256];

	apply_ok(f->s, v, 3, r, 2);
	assert_int_equal(nd_store_views_compact(f->s, 48), 0);
	assert_int_equal(nd_store_secret(f->s, "k", key, sizeof(key)), 0);
	assert_int_equal(nd_store_meta_int_set(f->s, "simulated_activity", 1), 0);
	dump_counters(f->s, rows, sizeof(rows));
	assert_string_not_equal(rows, "|||||");
	g = generation(f->s);

	assert_int_equal(nd_store_counts_clear(f->s), 0);
	dump_counters(f->s, rows, sizeof(rows));
	assert_string_equal(rows, "|||||");
	/* Articles, meta and the generation stay. */
	assert_int_equal(count(f->s), 2);
	assert_int_equal(generation(f->s), g);
	assert_int_equal(nd_store_meta_int_get(f->s, "simulated_activity", &v_meta), 0);
	assert_int_equal(v_meta, 1);
	assert_int_equal(nd_store_secret(f->s, "k", again, sizeof(again)), 0);
	assert_memory_equal(key, again, sizeof(key));
	/* And counting starts again from zero. */
	apply_ok(f->s, v, 1, r, 1);
	assert_int_equal(views_of(f->s, a1), 2);
	assert_int_equal(r[0].result, 1);
	/* Inside a transaction a clear rolls back with it. */
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_counts_clear(f->s), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_int_equal(views_of(f->s, a1), 2);
}

struct flusher {
	const char *url;
	int batches;
	int rc;
	int64_t article_id;
};

static void *flusher_thread(void *arg)
{
	struct flusher *fl = arg;
	struct nd_store *s = NULL;

	fl->rc = nd_store_open(fl->url, &s);
	for (int i = 0; i < fl->batches && !fl->rc; i++) {
		struct nd_view_delta d = {fl->article_id, 1000 + i % 3, 1};
		fl->rc = nd_store_counts_apply(s, &d, 1, NULL, 0);
	}
	nd_store_close(s);
	return NULL;
}

/* Two flushers on their own handles while an import writes: no increment is lost. */
static void test_counts_from_several_handles(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct flusher fl[2] = {{f->url, 150, 0, a1}, {f->url, 150, 0, a1}};
	pthread_t t[2];
	char ext[16];

	for (size_t i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, flusher_thread, &fl[i]), 0);
	for (int i = 0; i < 30; i++) {
		struct nd_article_in in;

		snprintf(ext, sizeof(ext), "imp-%d", i);
		in = article(ext, ext);
		assert_int_equal(nd_store_begin(f->s), 0);
		put_ok(f->s, &in, true);
		assert_int_equal(nd_store_commit(f->s), 0);
	}
	for (size_t i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(fl[i].rc, 0);
	}
	assert_int_equal(views_of(f->s, a1), 300);
	assert_int_equal(sql_int(f->s, "SELECT sum(views) FROM view_hours"), 300);
	assert_int_equal(generation(f->s), 31);
	assert_counters_consistent(f->s);
}

/* --- reading histories (migration 0003) --- */

/* A history row of visitor kind 'c' number n. */
static struct nd_history_rec hr(uint8_t n, int64_t article_id, int64_t at)
{
	struct nd_history_rec h;

	memset(&h, 0, sizeof(h));
	h.visitor[0] = 'c';
	h.visitor[16] = n;
	h.article_id = article_id;
	h.at = at;
	return h;
}

struct hist_walk {
	char text[512];
	size_t len;
	int stop_after; /* 0: never */
	int seen;
};

/* Each row as "visitor:article:at,". */
static int hist_row(void *ctx, const struct nd_history_rec *h)
{
	struct hist_walk *w = ctx;
	int n = snprintf(w->text + w->len, sizeof(w->text) - w->len, "%u:%lld:%lld,",
	                 h->visitor[16], (long long)h->article_id, (long long)h->at);

	assert_true(n > 0 && (size_t)n < sizeof(w->text) - w->len);
	assert_int_equal(h->visitor[0], 'c');
	w->len += (size_t)n;
	if (++w->seen == w->stop_after)
		return 42;
	return 0;
}

static const char *history(struct nd_store *s, int64_t since, struct hist_walk *w)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(nd_store_each_history(s, since, hist_row, w), 0);
	return w->text;
}

static void test_history_add_and_each(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	struct nd_history_rec h[] = {hr(1, a1, 100), hr(2, a2, 50), hr(1, a2, 200), hr(1, a1, 300),
	                             hr(3, a1, 100)};
	struct hist_walk w;
	int64_t g = generation(f->s);

	assert_int_equal(
	    sql_int(f->s, temp_db_is_pg()
	                      ? "SELECT count(*) FROM pg_tables "
	                        "WHERE tablename = 'reading_history'"
	                      : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
	                        "AND name = 'reading_history'"),
	    1);
	assert_string_equal(history(f->s, 0, &w), "");
	assert_int_equal(nd_store_history_add(f->s, h, 5), 0);
	/* Oldest first; one time: by visitor, then article. */
	assert_string_equal(history(f->s, 0, &w), "2:2:50,1:1:100,3:1:100,1:2:200,1:1:300,");
	/* since is inclusive. */
	assert_string_equal(history(f->s, 200, &w), "1:2:200,1:1:300,");
	assert_string_equal(history(f->s, 301, &w), "");
	/* The same row again (visitor, article, second): ignored, in a batch
	 * of its own or twice in one. */
	assert_int_equal(nd_store_history_add(f->s, h, 2), 0);
	{
		struct nd_history_rec twice[] = {hr(4, a2, 400), hr(4, a2, 400)};

		assert_int_equal(nd_store_history_add(f->s, twice, 2), 0);
	}
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reading_history"), 6);
	/* A non-zero return stops the walk and comes back. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	assert_int_equal(nd_store_each_history(f->s, 0, hist_row, &w), 42);
	assert_string_equal(w.text, "2:2:50,1:1:100,");
	/* Nothing shown changed: the generation stays. */
	assert_int_equal(generation(f->s), g);
	assert_int_equal(nd_store_history_add(f->s, NULL, 0), 0);
}

/* A row of an article deleted meanwhile is skipped, the batch commits; a
 * deleted article takes its rows with it. */
static void test_history_missing_and_deleted_articles(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1"), a2 = new_article(f->s, "a2");
	struct nd_history_rec h[] = {hr(1, a1, 10), hr(1, 999, 11), hr(1, a2, 12), hr(2, a1, 13)};
	struct hist_walk w;

	assert_int_equal(nd_store_history_add(f->s, h, 4), 0);
	assert_string_equal(history(f->s, 0, &w), "1:1:10,1:2:12,2:1:13,");
	assert_int_equal(nd_store_article_delete(f->s, "a1"), 0);
	assert_string_equal(history(f->s, 0, &w), "1:2:12,");
	/* A batch of only missing articles is no error either. */
	h[0] = hr(1, a1, 20);
	assert_int_equal(nd_store_history_add(f->s, h, 2), 0);
	assert_string_equal(history(f->s, 0, &w), "1:2:12,");
	(void)a2;
}

static void test_history_invalid_input(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct nd_history_rec h[] = {hr(1, a1, 10), hr(1, a1, 11)};
	int64_t deleted = 99;

	assert_int_equal(nd_store_history_add(f->s, NULL, 1), ND_EINVAL);
	h[1].article_id = 0;
	assert_int_equal(nd_store_history_add(f->s, h, 2), ND_EINVAL);
	h[1].article_id = -3;
	assert_int_equal(nd_store_history_add(f->s, h, 2), ND_EINVAL);
	h[1] = hr(1, a1, -1);
	assert_int_equal(nd_store_history_add(f->s, h, 2), ND_EINVAL);
	/* The good row before a bad one was not written either. */
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reading_history"), 0);
	assert_int_equal(nd_store_history_purge(f->s, 0, 0, &deleted), ND_EINVAL);
	assert_int_equal(nd_store_history_add(f->s, h, 1), 0);
	assert_int_equal(sql_int(f->s, "SELECT count(*) FROM reading_history"), 1);
}

/* Purge by age, then per visitor beyond the newest `keep`. */
static void test_history_purge(void **state)
{
	struct fixture *f = *state;
	int64_t a[6];
	struct nd_history_rec h[9];
	struct hist_walk w;
	int64_t deleted = -1;

	for (int i = 1; i <= 5; i++) {
		char ext[8];

		snprintf(ext, sizeof(ext), "a%d", i);
		a[i] = new_article(f->s, ext);
	}
	/* v1 read a1..a5 at 10..50; v2 a1 at 5 and a2 at 45; v3 a1 and a2 at 60. */
	for (int i = 1; i <= 5; i++)
		h[i - 1] = hr(1, a[i], 10 * i);
	h[5] = hr(2, a[1], 5);
	h[6] = hr(2, a[2], 45);
	h[7] = hr(3, a[1], 60);
	h[8] = hr(3, a[2], 60);
	assert_int_equal(nd_store_history_add(f->s, h, 9), 0);

	/* Before 15: v1@10 and v2@5 (2); then v1 keeps its newest 3 of
	 * 20..50: 20 goes (1). v3's two rows are within 3. */
	assert_int_equal(nd_store_history_purge(f->s, 15, 3, &deleted), 0);
	assert_int_equal(deleted, 3);
	assert_string_equal(history(f->s, 0, &w), "1:3:30,1:4:40,2:2:45,1:5:50,3:1:60,3:2:60,");
	/* Keep 1: v1 keeps 50; v3's two at one second: the higher article. */
	assert_int_equal(nd_store_history_purge(f->s, 0, 1, &deleted), 0);
	assert_int_equal(deleted, 3);
	assert_string_equal(history(f->s, 0, &w), "2:2:45,1:5:50,3:2:60,");
	/* Nothing to do; deleted may be NULL. */
	assert_int_equal(nd_store_history_purge(f->s, 45, 1, NULL), 0);
	assert_int_equal(nd_store_history_purge(f->s, 45, 1, &deleted), 0);
	assert_int_equal(deleted, 0);
	/* at < before: 45 itself stayed; now everything goes. */
	assert_int_equal(nd_store_history_purge(f->s, 61, 200, &deleted), 0);
	assert_int_equal(deleted, 3);
	assert_string_equal(history(f->s, 0, &w), "");
}

/* Rows survive a reopen; counts_clear clears them; a rolled-back
 * transaction takes its rows back. */
static void test_history_reopen_clear_rollback(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = new_article(f->s, "a1");
	struct nd_history_rec h[] = {hr(1, a1, 10), hr(2, a1, 20)};
	struct hist_walk w;

	assert_int_equal(nd_store_history_add(f->s, h, 2), 0);
	nd_store_close(f->s);
	f->s = NULL;
	assert_int_equal(nd_store_open(f->url, &f->s), 0);
	assert_string_equal(history(f->s, 0, &w), "1:1:10,2:1:20,");

	assert_int_equal(nd_store_counts_clear(f->s), 0);
	assert_string_equal(history(f->s, 0, &w), "");
	assert_int_equal(count(f->s), 1);

	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_history_add(f->s, h, 2), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_string_equal(history(f->s, 0, &w), "");
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_history_add(f->s, h, 1), 0);
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_string_equal(history(f->s, 0, &w), "1:1:10,");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_open_applies_migrations),
	    T(test_migration_blob_walk),
	    T(test_reopen_is_idempotent),
	    T(test_newer_database_refused),
	    T(test_urls),
	    cmocka_unit_test(test_url_shown),
	    T(test_not_a_database),
	    T(test_pragmas),
	    T(test_put_creates_then_updates),
	    T(test_article_and_subsection_slugs),
	    T(test_read_transaction),
	    T(test_field_limits),
	    T(test_slug_unique_within_section),
	    T(test_slug_stable_on_update),
	    T(test_slug_follows_section_move),
	    T(test_slug_fallbacks),
	    T(test_slug_length_with_suffix),
	    T(test_section_hierarchy),
	    T(test_section_limits),
	    T(test_default_section),
	    T(test_reserved_section_slugs),
	    T(test_authors),
	    T(test_tags_keep_order_and_are_replaced),
	    T(test_each_article_filters_and_orders),
	    T(test_callbacks_may_reenter),
	    T(test_article_get),
	    T(test_delete_cascades),
	    T(test_generation_bumps),
	    T(test_transactions),
	    T(test_failed_put_inside_transaction),
	    T(test_close_inside_transaction_rolls_back),
	    T(test_transaction_lost_to_an_error),
	    T(test_two_handles),
	    T(test_invalid_input),
	    T(test_status_names),
	    T(test_counter_tables_exist),
	    T(test_counts_commute),
	    T(test_article_views_sum_of_buckets),
	    T(test_reaction_once_per_visitor),
	    T(test_reaction_remove_and_toggle),
	    T(test_each_reaction_count_order),
	    T(test_counts_skip_deleted_article),
	    T(test_counts_failed_batch_applies_nothing),
	    T(test_counts_busy),
	    T(test_counts_invalid_input),
	    T(test_views_compact),
	    T(test_each_view_hour),
	    T(test_counter_writes_keep_generation),
	    T(test_secret_survives_reopen),
	    T(test_secret_concurrent_creators),
	    T(test_meta_int),
	    T(test_counts_clear),
	    T(test_counts_from_several_handles),
	    T(test_history_add_and_each),
	    T(test_history_missing_and_deleted_articles),
	    T(test_history_invalid_input),
	    T(test_history_purge),
	    T(test_history_reopen_clear_rollback),
	};

	/* The error paths are exercised on purpose; ND_TEST_VERBOSE=1 shows their logs. */
	if (!getenv("ND_TEST_VERBOSE"))
		nd_log_level = ND_LOG_NONE;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
