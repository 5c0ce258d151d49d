/*
 * The store's logic over SQL: every backend operation of store_int.h
 * (articles with their slugs, sections, tags, revisions and retired paths;
 * counters; histories; accounts; tokens; webhooks; stats; taxonomy; the
 * admin's article query) written once against the driver interface of
 * sql_driver.h. A backend is this logic plus a driver (nd__sqlite_be:
 * driver_sqlite.c; nd__pg_be: driver_pg.c). Every statement is prepared
 * once per handle (on first use) and every value bound.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/sql_driver.h"
#include "store/listen.h"
#include "store/store_int.h"

#define ARTICLE_COLS                                                                               \
	"id, ext_id, slug, title, summary, body, language, image, source_url, section_id, "        \
	"author_id, status, published_at, updated_at, created_at, owner_user_id"
#define REVISION_COLS                                                                              \
	"id, article_id, n, ext_id, slug, title, summary, body, section, author, language, "       \
	"image, "                                                                                  \
	"source_url, status, published_at, updated_at, user_id, created_at"

/*
 * The articles matching where, with their public path (route) and whether
 * the site shows them (live) at ?1: a recursive walk from the article's
 * section up to the top level, whose row (parent_id NULL) has the path.
 */
#define ARTICLE_ROUTES(where)                                                                      \
	"WITH RECURSIVE up (article_id, parent_id, route, live) AS ("                              \
	" SELECT a.id, s.parent_id, '/' || s.slug || '/' || a.slug,"                               \
	"  a.status = 0 OR (a.status = 2 AND a.published_at <= ?1)"                                \
	" FROM articles a JOIN sections s ON s.id = a.section_id WHERE " where " UNION ALL"        \
	" SELECT up.article_id, p.parent_id, '/' || p.slug || up.route, up.live"                   \
	" FROM sections p JOIN up ON p.id = up.parent_id)"

/*
 * The admin's article list: ?1 status (-1: any), ?2 section (0: any; its
 * subsections too), ?3 author, ?4 owner (0: any), ?5 a LIKE pattern with
 * '\' as escape (NULL: any). SQLite's LIKE folds ASCII case only.
 */
#define ARTICLE_QUERY_WHERE                                                                        \
	"WHERE (?1 < 0 OR status = ?1) "                                                           \
	"AND (?2 = 0 OR section_id IN (WITH RECURSIVE sub(id) AS (SELECT ?2 UNION ALL "            \
	"SELECT s.id FROM sections s JOIN sub ON s.parent_id = sub.id) SELECT id FROM sub)) "      \
	"AND (?3 = 0 OR author_id = ?3) AND (?4 = 0 OR owner_user_id = ?4) "                       \
	"AND (?5 IS NULL OR title LIKE ?5 ESCAPE '\\' OR summary LIKE ?5 ESCAPE '\\' "             \
	"OR body LIKE ?5 ESCAPE '\\') "

/* The key of PostgreSQL's advisory lock for writers: "newsdesk" in ASCII. */
#define ND_PG_WRITE_LOCK "7954895654309163883"

/* PostgreSQL's: typed parameters where it cannot infer them, ILIKE for LIKE. */
#define ARTICLE_QUERY_WHERE_PG                                                                     \
	"WHERE (?1::bigint < 0 OR status = ?1) "                                                   \
	"AND (?2::bigint = 0 OR section_id IN (WITH RECURSIVE sub(id) AS (SELECT ?2::bigint "      \
	"UNION ALL SELECT s.id FROM sections s JOIN sub ON s.parent_id = sub.id) "                 \
	"SELECT id FROM sub)) "                                                                    \
	"AND (?3::bigint = 0 OR author_id = ?3) AND (?4::bigint = 0 OR owner_user_id = ?4) "       \
	"AND (?5::text IS NULL OR title ILIKE ?5 ESCAPE '\\' OR summary ILIKE ?5 ESCAPE '\\' "     \
	"OR body ILIKE ?5 ESCAPE '\\') "

/* SQLite's NOCASE: ASCII case folded, whatever the database's locale. */
#define NOCASE_PG(col, param) "lower(" col " COLLATE \"C\") = lower(" param "::text COLLATE \"C\")"

/* printf('%010d.%019d', position, id): a section's place in the tree's sort key. */
#define SECTION_KEY_PG   "lpad(position::text, 10, '0') || '.' || lpad(id::text, 19, '0')"
#define SECTION_KEY_PG_S "lpad(s.position::text, 10, '0') || '.' || lpad(s.id::text, 19, '0')"

/* ST_EACH_SECTION's PostgreSQL text; the key sorts by bytes, as SQLite's does. */
#define EACH_SECTION_PG                                                                            \
	"WITH RECURSIVE tree (id, parent_id, slug, name, position, key) AS ("                      \
	" SELECT id, parent_id, slug, name, position, " SECTION_KEY_PG                             \
	" FROM sections WHERE parent_id IS NULL UNION ALL"                                         \
	" SELECT s.id, s.parent_id, s.slug, s.name, s.position, t.key || '/' || " SECTION_KEY_PG_S \
	" FROM sections s JOIN tree t ON s.parent_id = t.id)"                                      \
	" SELECT id, parent_id, slug, name, position FROM tree ORDER BY key COLLATE \"C\""

/*
 * Revisions (0005): the article ?1 as now stored, in the import's shape,
 * unless the latest revision holds the same in everything but updated_at
 * (and who and when). tags: the tag names as a JSON array; who_when: ?2
 * and ?3, the user and the time.
 */
#define REVISION_ADD(tags, who_when)                                                               \
	"WITH RECURSIVE paths (id, path) AS ("                                                     \
	" SELECT id, name FROM sections WHERE parent_id IS NULL"                                   \
	" UNION ALL"                                                                               \
	" SELECT s.id, p.path || '/' || s.name FROM sections s JOIN paths p ON s.parent_id = "     \
	"p.id),"                                                                                   \
	" cur AS (SELECT a.id AS article_id, a.ext_id, a.slug, a.title, a.summary, a.body,"        \
	"  (SELECT path FROM paths WHERE paths.id = a.section_id) AS section,"                     \
	"  coalesce((SELECT name FROM authors WHERE authors.id = a.author_id), '') AS author,"     \
	"  " tags " AS tags,"                                                                      \
	"  a.language, a.image, a.source_url, a.status, a.published_at, a.updated_at"              \
	"  FROM articles a WHERE a.id = ?1),"                                                      \
	" last AS (SELECT * FROM revisions WHERE article_id = ?1 ORDER BY n DESC LIMIT 1)"         \
	" INSERT INTO revisions (article_id, n, ext_id, slug, title, summary, body, section,"      \
	"  author, tags, language, image, source_url, status, published_at, updated_at,"           \
	"  user_id, created_at)"                                                                   \
	" SELECT cur.article_id, coalesce((SELECT n FROM last), 0) + 1, cur.ext_id, cur.slug,"     \
	"  cur.title, cur.summary, cur.body, cur.section, cur.author, cur.tags, cur.language,"     \
	"  cur.image, cur.source_url, cur.status, cur.published_at, cur.updated_at, " who_when     \
	" FROM cur WHERE NOT EXISTS (SELECT 1 FROM last WHERE last.ext_id = cur.ext_id"            \
	"  AND last.slug = cur.slug AND last.title = cur.title"                                    \
	"  AND last.summary = cur.summary AND last.body = cur.body"                                \
	"  AND last.section = cur.section AND last.author = cur.author"                            \
	"  AND last.tags = cur.tags AND last.language = cur.language"                              \
	"  AND last.image = cur.image AND last.source_url = cur.source_url"                        \
	"  AND last.status = cur.status AND last.published_at = cur.published_at)"

#define TOKEN_COLS "id, user_id, name, hash, created_at, last_used, revoked_at"
#define USER_COLS  "id, login, name, role, password, created_at, last_login, disabled"

enum stmt_id {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_VERSION,
	ST_VERSION_ADD,
	ST_GENERATION,
	ST_GENERATION_BUMP,
	ST_SECTION_FIND,
	ST_SECTION_NEXT_POSITION,
	ST_SECTION_ADD,
	ST_AUTHOR_FIND,
	ST_AUTHOR_ADD,
	ST_TAG_FIND,
	ST_TAG_ADD,
	ST_ARTICLE_FIND,
	ST_ARTICLE_SLUG_TAKEN,
	ST_ARTICLE_SLUG_YIELD,
	ST_ARTICLE_ADD,
	ST_ARTICLE_UPDATE,
	ST_ARTICLE_DELETE,
	ST_ARTICLE_COUNT,
	ST_ARTICLE_TAGS_CLEAR,
	ST_ARTICLE_TAG_ADD,
	ST_ARTICLE_TAG_IDS,
	ST_EACH_SECTION,
	ST_EACH_AUTHOR,
	ST_EACH_TAG,
	ST_EACH_ARTICLE,
	ST_ARTICLE_GET,
	ST_ARTICLE_EXISTS,
	ST_VIEW_HOUR_ADD,
	ST_ARTICLE_VIEWS_ADD,
	ST_REACTION_ADD,
	ST_REACTION_DELETE,
	ST_REACTION_HAS,
	ST_REACTION_COUNT_UP,
	ST_REACTION_COUNT_DOWN,
	ST_EACH_ARTICLE_VIEWS,
	ST_EACH_REACTION_COUNT,
	ST_EACH_VIEW_HOUR,
	ST_VIEWS_FOLD,
	ST_VIEWS_FOLD_DELETE,
	ST_META_GET,
	ST_META_SET,
	ST_META_ADD,
	ST_CLEAR_REACTION_COUNTS,
	ST_CLEAR_REACTIONS,
	ST_CLEAR_VIEW_DAYS,
	ST_CLEAR_VIEW_HOURS,
	ST_CLEAR_ARTICLE_STATS,
	ST_CLEAR_HISTORY,
	ST_HISTORY_ADD,
	ST_EACH_HISTORY,
	ST_HISTORY_PURGE_AGE,
	ST_HISTORY_PURGE_EXTRA,
	ST_USER_ADD,
	ST_USER_BY_LOGIN,
	ST_USER_BY_ID,
	ST_EACH_USER,
	ST_USER_SET_PASSWORD,
	ST_USER_SET_ROLE,
	ST_USER_SET_LAST_LOGIN,
	ST_USER_REMOVE,
	ST_SESSION_ADD,
	ST_SESSION_GET,
	ST_SESSION_TOUCH,
	ST_SESSION_DELETE,
	ST_SESSION_DELETE_USER,
	ST_SESSION_PURGE,
	ST_LOGIN_STATE,
	ST_LOGIN_SET,
	ST_LOGIN_CLEAR,
	ST_LOGIN_PURGE,
	ST_TOKEN_ADD,
	ST_TOKEN_BY_HASH,
	ST_TOKEN_BY_USER,
	ST_TOKEN_ALL,
	ST_TOKEN_USED,
	ST_TOKEN_REVOKE,
	ST_REVISION_ADD,
	ST_REVISION_ARTICLE,
	ST_REVISION_ALL,
	ST_REVISION_ONE,
	ST_REVISION_TAGS,
	ST_DELIVERY_ADD,
	ST_DELIVERY_UPDATE,
	ST_DELIVERY_ALL,
	/* Views over time (the admin's stats pages). */
	ST_SERIES_HOURS_ALL,
	ST_SERIES_DAYS_ALL,
	ST_SERIES_HOURS_ONE,
	ST_SERIES_DAYS_ONE,
	ST_RANGE_VIEWS,
	/* Retired public paths (0007). */
	ST_ARTICLE_ROUTE,
	ST_RETIRED_ADD,
	ST_RETIRED_CLEAR,
	ST_RETIRED_REVIVE,
	ST_RETIRED_GONE,
	ST_RETIRED_YIELD,
	ST_RETIRED_ALL,
	/* Sections and tags in the admin (issue 6, item 2). */
	ST_SECTION_FIND_NAME,
	ST_TAG_FIND_NAME,
	ST_SECTION_GET,
	ST_SECTION_CLASH,
	ST_SECTION_RENAME,
	ST_SECTION_SIBLINGS,
	ST_SECTION_SET_POSITION,
	ST_SECTION_USE,
	ST_SECTION_DELETE,
	ST_SECTION_COUNTS,
	ST_TAG_GET,
	ST_TAG_CLASH,
	ST_TAG_RENAME,
	ST_TAG_MERGE,
	ST_TAG_UNLINK,
	ST_TAG_USE,
	ST_TAG_DELETE,
	ST_TAG_COUNTS,
	/* The admin's article list (nd_store_article_find). */
	ST_ARTICLE_QUERY,
	ST_ARTICLE_QUERY_COUNT,
	/* PostgreSQL (issue 7): the writers' lock and the migrations' table. */
	ST_WRITE_LOCK,
	ST_MIGRATIONS_TABLE,
	/* The node log (0009): what the other nodes counted. */
	ST_NODELOG_VIEWS,
	ST_NODELOG_REACTION,
	ST_NODELOG_READ,
	ST_NODELOG_MARK,
	ST_NODELOG_SINCE,
	ST_NODELOG_PRUNE,
	/* A flush's views in one statement (drivers with arrays). */
	ST_VIEWS_BATCH,
	ST__COUNT
};

/*
 * Every statement the store runs, with what it does for messages and, when
 * PostgreSQL needs other text, its pg override (sql_driver.h lists the
 * differences). An entry names pg only when it has one: the others leave
 * the third field out, which the pragma allows.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct nd__sql_def stmt_defs[ST__COUNT] = {
    /* IMMEDIATE takes the write lock up front, so two writers never deadlock
     * upgrading from read to write; the second one waits (busy timeout). */
    [ST_BEGIN] = {"BEGIN IMMEDIATE", "begin a transaction",
                  /* READ COMMITTED, plus the writers' lock (ST_WRITE_LOCK). */
                  "BEGIN"},
    /* A deferred transaction that only reads sees one snapshot of the
     * database (WAL) and never blocks writers. */
    [ST_BEGIN_READ] = {"BEGIN DEFERRED", "begin a read", "BEGIN ISOLATION LEVEL REPEATABLE READ"},
    [ST_COMMIT] = {"COMMIT", "commit"},
    [ST_ROLLBACK] = {"ROLLBACK", "roll back"},
    [ST_SAVEPOINT] = {"SAVEPOINT nd_write", "set a savepoint"},
    [ST_RELEASE] = {"RELEASE nd_write", "release a savepoint"},
    [ST_ROLLBACK_TO] = {"ROLLBACK TO nd_write", "roll back to a savepoint"},
    [ST_VERSION] = {"SELECT coalesce(max(version), 0) FROM schema_migrations",
                    "read the schema version"},
    [ST_VERSION_ADD] = {"INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES (?1, ?2, ?3)",
                        "record a migration"},
    [ST_GENERATION] = {"SELECT value FROM meta WHERE key = 'generation'", "read the generation"},
    /* PostgreSQL: and tell every node (store/listen.h); NOTIFY is sent at COMMIT. */
    [ST_GENERATION_BUMP] = {"UPDATE meta SET value = value + 1 WHERE key = 'generation'",
                            "bump the generation",
                            "WITH g AS (UPDATE meta SET value = value + 1 "
                            "WHERE key = 'generation' RETURNING value) "
                            "SELECT pg_notify('" ND_STORE_CHANNEL "', value::text) FROM g"},
    [ST_SECTION_FIND] = {"SELECT id FROM sections WHERE parent_id IS ?1 AND slug = ?2",
                         "look up a section",
                         "SELECT id FROM sections WHERE parent_id IS NOT DISTINCT FROM ?1::bigint "
                         "AND slug = ?2"},
    [ST_SECTION_NEXT_POSITION] = {"SELECT coalesce(max(position), 0) + 1 FROM sections "
                                  "WHERE parent_id IS ?1",
                                  "number a section",
                                  "SELECT coalesce(max(position), 0) + 1 FROM sections "
                                  "WHERE parent_id IS NOT DISTINCT FROM ?1::bigint"},
    [ST_SECTION_ADD] = {"INSERT INTO sections (parent_id, slug, name, position) "
                        "VALUES (?1, ?2, ?3, ?4) RETURNING id",
                        "add a section"},
    [ST_AUTHOR_FIND] = {"SELECT id FROM authors WHERE slug = ?1", "look up an author"},
    [ST_AUTHOR_ADD] = {"INSERT INTO authors (slug, name) VALUES (?1, ?2) RETURNING id",
                       "add an author"},
    [ST_TAG_FIND] = {"SELECT id FROM tags WHERE slug = ?1", "look up a tag"},
    [ST_TAG_ADD] = {"INSERT INTO tags (slug, name) VALUES (?1, ?2) RETURNING id", "add a tag"},
    [ST_ARTICLE_FIND] = {"SELECT id, slug, published_at FROM articles WHERE ext_id = ?1",
                         "look up an article"},
    /* A child section's slug counts as taken: /world/europe is the section. */
    [ST_ARTICLE_SLUG_TAKEN] = {"SELECT 1 FROM articles "
                               "WHERE section_id = ?1 AND slug = ?2 AND id IS NOT ?3 "
                               "UNION ALL SELECT 1 FROM sections "
                               "WHERE parent_id = ?1 AND slug = ?2 LIMIT 1",
                               "check a slug",
                               "SELECT 1 FROM articles "
                               "WHERE section_id = ?1 AND slug = ?2 "
                               "AND id IS DISTINCT FROM ?3::bigint "
                               "UNION ALL SELECT 1 FROM sections "
                               "WHERE parent_id = ?1 AND slug = ?2 LIMIT 1"},
    /* A new section takes its path from an article already there. */
    [ST_ARTICLE_SLUG_YIELD] = {"UPDATE articles SET slug = slug || '-' || id "
                               "WHERE section_id = ?1 AND slug = ?2",
                               "move an article's slug out of a new section's way"},
    /* ADD and UPDATE number their shared columns alike (bind_article). */
    [ST_ARTICLE_ADD] = {"INSERT INTO articles (ext_id, section_id, author_id, slug, title, "
                        "summary, body, language, image, source_url, status, published_at, "
                        "updated_at, created_at, owner_user_id) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
                        "RETURNING id",
                        "add an article"},
    [ST_ARTICLE_UPDATE] = {"UPDATE articles SET section_id = ?2, author_id = ?3, slug = ?4, "
                           "title = ?5, summary = ?6, body = ?7, language = ?8, image = ?9, "
                           "source_url = ?10, status = ?11, published_at = ?12, "
                           "updated_at = ?13 WHERE id = ?1",
                           "update an article"},
    [ST_ARTICLE_DELETE] = {"DELETE FROM articles WHERE ext_id = ?1", "delete an article"},
    [ST_ARTICLE_COUNT] = {"SELECT count(*) FROM articles", "count articles"},
    [ST_ARTICLE_TAGS_CLEAR] = {"DELETE FROM article_tags WHERE article_id = ?1",
                               "clear the tags of an article"},
    /* A tag named twice (same slug) is linked once, at its first place. */
    [ST_ARTICLE_TAG_ADD] = {"INSERT INTO article_tags (article_id, tag_id, position) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                            "tag an article"},
    [ST_ARTICLE_TAG_IDS] = {"SELECT tag_id FROM article_tags WHERE article_id = ?1 "
                            "ORDER BY position",
                            "read the tags of an article"},
    /*
     * Depth-first: each parent just before its children, siblings by
     * position. The sort key is the path of zero-padded positions.
     */
    [ST_EACH_SECTION] = {"WITH RECURSIVE tree (id, parent_id, slug, name, position, key) AS ("
                         " SELECT id, parent_id, slug, name, position,"
                         "  printf('%010d.%019d', position, id)"
                         " FROM sections WHERE parent_id IS NULL"
                         " UNION ALL"
                         " SELECT s.id, s.parent_id, s.slug, s.name, s.position,"
                         "  t.key || '/' || printf('%010d.%019d', s.position, s.id)"
                         " FROM sections s JOIN tree t ON s.parent_id = t.id)"
                         " SELECT id, parent_id, slug, name, position FROM tree ORDER BY key",
                         "list sections", EACH_SECTION_PG},
    [ST_EACH_AUTHOR] = {"SELECT id, slug, name FROM authors ORDER BY slug", "list authors"},
    [ST_EACH_TAG] = {"SELECT id, slug, name FROM tags ORDER BY slug", "list tags"},
    [ST_EACH_ARTICLE] = {"SELECT " ARTICLE_COLS " FROM articles "
                         "WHERE status = ?1 AND published_at <= ?2 "
                         "ORDER BY published_at DESC, id DESC",
                         "list articles"},
    [ST_ARTICLE_GET] = {"SELECT " ARTICLE_COLS " FROM articles WHERE ext_id = ?1",
                        "read an article"},
    /*
     * Counters (0002). Every write adds to what is stored, never a value
     * computed here, so batches commute (issue 7: several nodes, one
     * PostgreSQL). The SQL is kept to what PostgreSQL runs as is: ON CONFLICT
     * with its target, and the table named in DO UPDATE.
     */
    [ST_ARTICLE_EXISTS] = {"SELECT 1 FROM articles WHERE id = ?1", "look up an article by id"},
    [ST_VIEW_HOUR_ADD] = {"INSERT INTO view_hours (article_id, hour, views) VALUES (?1, ?2, ?3) "
                          "ON CONFLICT (article_id, hour) "
                          "DO UPDATE SET views = view_hours.views + excluded.views",
                          "add hourly views"},
    [ST_ARTICLE_VIEWS_ADD] = {"INSERT INTO article_stats (article_id, views) VALUES (?1, ?2) "
                              "ON CONFLICT (article_id) "
                              "DO UPDATE SET views = article_stats.views + excluded.views",
                              "add article views"},
    [ST_REACTION_ADD] = {"INSERT INTO reactions (article_id, type, visitor, created_at) "
                         "VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (article_id, type, visitor) DO NOTHING",
                         "add a reaction"},
    [ST_REACTION_DELETE] = {"DELETE FROM reactions "
                            "WHERE article_id = ?1 AND type = ?2 AND visitor = ?3",
                            "remove a reaction"},
    [ST_REACTION_HAS] = {"SELECT 1 FROM reactions "
                         "WHERE article_id = ?1 AND type = ?2 AND visitor = ?3",
                         "look up a reaction"},
    [ST_REACTION_COUNT_UP] = {"INSERT INTO reaction_counts (article_id, type, count) "
                              "VALUES (?1, ?2, 1) ON CONFLICT (article_id, type) "
                              "DO UPDATE SET count = reaction_counts.count + 1",
                              "count a reaction"},
    [ST_REACTION_COUNT_DOWN] = {"UPDATE reaction_counts SET count = count - 1 "
                                "WHERE article_id = ?1 AND type = ?2",
                                "uncount a reaction"},
    [ST_EACH_ARTICLE_VIEWS] = {"SELECT article_id, views FROM article_stats "
                               "ORDER BY article_id",
                               "list article views"},
    [ST_EACH_REACTION_COUNT] = {"SELECT article_id, type, count FROM reaction_counts "
                                "WHERE count > 0 ORDER BY article_id, type",
                                "list reaction counts"},
    /* view_hours_hour (hour, then the key's article_id) gives this order. */
    [ST_EACH_VIEW_HOUR] = {"SELECT article_id, hour, views FROM view_hours "
                           "WHERE hour >= ?1 ORDER BY hour, article_id",
                           "list hourly views"},
    /* SQLite needs the WHERE to parse ON CONFLICT after a SELECT. */
    [ST_VIEWS_FOLD] = {"INSERT INTO view_days (article_id, day, views) "
                       "SELECT article_id, hour / 24, sum(views) FROM view_hours "
                       "WHERE hour < ?1 GROUP BY article_id, hour / 24 "
                       "ON CONFLICT (article_id, day) "
                       "DO UPDATE SET views = view_days.views + excluded.views",
                       "fold hourly views into days"},
    [ST_VIEWS_FOLD_DELETE] = {"DELETE FROM view_hours WHERE hour < ?1",
                              "delete folded hourly views"},
    /* Column 0 the integer, column 1 the secret: one column in SQLite, read as
     * each; PostgreSQL has value and secret (0001), a row one of them. */
    [ST_META_GET] = {"SELECT value, value FROM meta WHERE key = ?1", "read a meta value",
                     "SELECT value, secret FROM meta WHERE key = ?1"},
    [ST_META_SET] = {"INSERT INTO meta (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     "set a meta value",
                     "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value, secret = NULL"},
    /* A secret (nd_store_secret), kept when there is one already. */
    [ST_META_ADD] = {"INSERT INTO meta (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO NOTHING",
                     "add a meta value",
                     "INSERT INTO meta (key, secret) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO NOTHING"},
    [ST_CLEAR_REACTION_COUNTS] = {"DELETE FROM reaction_counts", "clear reaction counts"},
    [ST_CLEAR_REACTIONS] = {"DELETE FROM reactions", "clear reactions"},
    [ST_CLEAR_VIEW_DAYS] = {"DELETE FROM view_days", "clear daily views"},
    [ST_CLEAR_VIEW_HOURS] = {"DELETE FROM view_hours", "clear hourly views"},
    [ST_CLEAR_ARTICLE_STATS] = {"DELETE FROM article_stats", "clear article views"},
    [ST_CLEAR_HISTORY] = {"DELETE FROM reading_history", "clear reading histories"},
    /* Histories (0003). A row of an article deleted meanwhile is skipped
     * rather than failing the batch on the foreign key. */
    [ST_HISTORY_ADD] = {"INSERT INTO reading_history (visitor, at, article_id) "
                        "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?3) "
                        "ON CONFLICT DO NOTHING",
                        "add a history row",
                        "INSERT INTO reading_history (visitor, at, article_id) "
                        "SELECT ?1::bytea, ?2::bigint, ?3::bigint "
                        "WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?3) "
                        "ON CONFLICT DO NOTHING"},
    [ST_EACH_HISTORY] = {"SELECT visitor, article_id, at FROM reading_history "
                         "WHERE at >= ?1 ORDER BY at, visitor, article_id",
                         "list reading histories"},
    [ST_HISTORY_PURGE_AGE] = {"DELETE FROM reading_history WHERE at < ?1",
                              "delete old history rows"},
    [ST_HISTORY_PURGE_EXTRA] =
        {"DELETE FROM reading_history WHERE (visitor, at, article_id) IN "
         "(SELECT visitor, at, article_id FROM (SELECT visitor, at, "
         "article_id, row_number() OVER (PARTITION BY visitor "
         "ORDER BY at DESC, article_id DESC) AS n FROM reading_history) AS ranked "
         "WHERE n > ?1)",
         "delete history rows beyond a visitor's newest"},
    /* Accounts (0004). Logins arrive folded to lowercase (store/account.c). */
    [ST_USER_ADD] = {"INSERT INTO users (login, name, role, password, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                     "add a user"},
    [ST_USER_BY_LOGIN] = {"SELECT " USER_COLS " FROM users WHERE login = ?1", "read a user"},
    [ST_USER_BY_ID] = {"SELECT " USER_COLS " FROM users WHERE id = ?1", "read a user"},
    [ST_EACH_USER] = {"SELECT " USER_COLS " FROM users ORDER BY login", "list users"},
    [ST_USER_SET_PASSWORD] = {"UPDATE users SET password = ?2 WHERE id = ?1", "change a password"},
    [ST_USER_SET_ROLE] = {"UPDATE users SET role = ?2 WHERE id = ?1", "change a role"},
    [ST_USER_SET_LAST_LOGIN] = {"UPDATE users SET last_login = ?2 WHERE id = ?1", "note a login"},
    /* Sessions and tokens go with the user (ON DELETE CASCADE). */
    [ST_USER_REMOVE] = {"DELETE FROM users WHERE login = ?1", "remove a user"},
    /* A user removed meanwhile gets no session (no row: ND_ENOTFOUND). */
    [ST_SESSION_ADD] = {"INSERT INTO sessions (id, user_id, created_at, last_seen, expires_at, "
                        "csrf) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
                        "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)",
                        "add a session",
                        "INSERT INTO sessions (id, user_id, created_at, last_seen, expires_at, "
                        "csrf) SELECT ?1::bytea, ?2::bigint, ?3::bigint, ?4::bigint, ?5::bigint, "
                        "?6::bytea WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)"},
    [ST_SESSION_GET] = {"SELECT user_id, created_at, last_seen, expires_at, csrf "
                        "FROM sessions WHERE id = ?1",
                        "read a session"},
    [ST_SESSION_TOUCH] = {"UPDATE sessions SET last_seen = ?2 "
                          "WHERE id = ?1 AND last_seen < ?2",
                          "touch a session"},
    [ST_SESSION_DELETE] = {"DELETE FROM sessions WHERE id = ?1", "end a session"},
    [ST_SESSION_DELETE_USER] = {"DELETE FROM sessions WHERE user_id = ?1", "end a user's sessions"},
    [ST_SESSION_PURGE] = {"DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen < ?2",
                          "purge ended sessions"},
    [ST_LOGIN_STATE] = {"SELECT failures, locked_until, last_failure FROM login_failures "
                        "WHERE login = ?1",
                        "read a login's failures"},
    [ST_LOGIN_SET] = {"INSERT INTO login_failures (login, failures, last_failure, locked_until) "
                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (login) DO UPDATE SET "
                      "failures = excluded.failures, last_failure = excluded.last_failure, "
                      "locked_until = excluded.locked_until",
                      "count a failed login"},
    [ST_LOGIN_CLEAR] = {"DELETE FROM login_failures WHERE login = ?1", "clear a login's failures"},
    [ST_LOGIN_PURGE] = {"DELETE FROM login_failures WHERE locked_until <= ?1 AND last_failure < ?2",
                        "purge old failed logins"},
    /* A user removed meanwhile gets no token (no row: ND_ENOTFOUND). */
    [ST_TOKEN_ADD] = {"INSERT INTO api_tokens (user_id, name, hash, created_at) "
                      "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) "
                      "RETURNING id",
                      "add an API token",
                      "INSERT INTO api_tokens (user_id, name, hash, created_at) "
                      "SELECT ?1::bigint, ?2::text, ?3::bytea, ?4::bigint "
                      "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) RETURNING id"},
    [ST_TOKEN_BY_HASH] = {"SELECT " TOKEN_COLS " FROM api_tokens WHERE hash = ?1",
                          "look up an API token"},
    [ST_TOKEN_BY_USER] = {"SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = ?1 ORDER BY id",
                          "list a user's API tokens"},
    [ST_TOKEN_ALL] = {"SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", "list API tokens"},
    [ST_TOKEN_USED] = {"UPDATE api_tokens SET last_used = max(last_used, ?2) WHERE id = ?1",
                       "note an API token's use",
                       "UPDATE api_tokens SET last_used = greatest(last_used, ?2::bigint) "
                       "WHERE id = ?1"},
    [ST_TOKEN_REVOKE] = {"UPDATE api_tokens SET revoked_at = CASE WHEN revoked_at = 0 "
                         "THEN ?2 ELSE revoked_at END WHERE id = ?1",
                         "revoke an API token"},
    /*
     * Revisions (0005): the article ?1 as now stored, in the import's shape,
     * unless the latest revision holds the same in everything but
     * updated_at (and who and when).
     */
    [ST_REVISION_ADD] = {REVISION_ADD("(SELECT json_group_array(name) FROM"
                                      "   (SELECT t.name FROM article_tags x JOIN tags t"
                                      "    ON t.id = x.tag_id WHERE x.article_id = a.id"
                                      "    ORDER BY x.position))",
                                      "?2, ?3"),
                         "keep a revision",
                         /* SQLite's compact JSON, as 0005 writes it (schema/pg). */
                         REVISION_ADD("(SELECT '[' || coalesce(string_agg(to_json(t.name)::text,"
                                      " ',' ORDER BY x.position), '') || ']'"
                                      "  FROM article_tags x JOIN tags t ON t.id = x.tag_id"
                                      "  WHERE x.article_id = a.id)",
                                      "?2::bigint, ?3::bigint")},
    [ST_REVISION_ARTICLE] = {"SELECT id FROM articles WHERE ext_id = ?1", "look up an article"},
    [ST_REVISION_ALL] = {"SELECT " REVISION_COLS " FROM revisions WHERE article_id = ?1 "
                         "ORDER BY n DESC",
                         "list revisions"},
    [ST_REVISION_ONE] = {"SELECT " REVISION_COLS " FROM revisions WHERE article_id = ?1 "
                         "AND (n = ?2 OR ?2 = 0) ORDER BY n DESC LIMIT 1",
                         "read a revision"},
    [ST_REVISION_TAGS] = {"SELECT value FROM revisions, json_each(revisions.tags) "
                          "WHERE revisions.id = ?1 ORDER BY json_each.key",
                          "read the tags of a revision",
                          "SELECT t.value FROM revisions, "
                          "json_array_elements_text(revisions.tags::json) WITH ORDINALITY "
                          "AS t(value, n) WHERE revisions.id = ?1 ORDER BY t.n"},
    [ST_DELIVERY_ADD] = {"INSERT INTO webhook_deliveries (webhook, event, url, article, status, "
                         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5) "
                         "RETURNING id",
                         "log a webhook delivery"},
    [ST_DELIVERY_UPDATE] = {"UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, "
                            "http_status = ?3, last_error = ?4, updated_at = ?5 WHERE id = ?1",
                            "log a webhook attempt"},
    [ST_DELIVERY_ALL] = {"SELECT id, webhook, event, url, article, status, last_error, attempts, "
                         "http_status, created_at, updated_at FROM webhook_deliveries "
                         "ORDER BY id DESC",
                         "list webhook deliveries"},
    /* Views over time (the admin's stats pages): (bucket, views) rows. All
     * articles go by the view_hours_hour index; view_days has no index on
     * day, so the site's days scan it (a row per article per day). */
    [ST_SERIES_HOURS_ALL] = {"SELECT hour / ?3, sum(views) FROM view_hours "
                             "WHERE hour >= ?1 AND hour < ?2 GROUP BY 1",
                             "read the site's views per hour"},
    [ST_SERIES_DAYS_ALL] = {"SELECT day, sum(views) FROM view_days "
                            "WHERE day >= ?1 AND day < ?2 GROUP BY day",
                            "read the site's views per day"},
    [ST_SERIES_HOURS_ONE] = {"SELECT hour / ?4, sum(views) FROM view_hours "
                             "WHERE article_id = ?1 AND hour >= ?2 AND hour < ?3 GROUP BY 1",
                             "read an article's views per hour"},
    [ST_SERIES_DAYS_ONE] = {"SELECT day, views FROM view_days "
                            "WHERE article_id = ?1 AND day >= ?2 AND day < ?3",
                            "read an article's views per day"},
    [ST_RANGE_VIEWS] = {"SELECT article_id, sum(views) FROM ("
                        "SELECT article_id, views FROM view_hours WHERE hour >= ?1 AND hour < ?2 "
                        "UNION ALL SELECT article_id, views FROM view_days "
                        "WHERE day >= ?3 AND day < ?4) AS hours_and_days "
                        "GROUP BY article_id ORDER BY article_id",
                        "read views per article in a range"},
    /*
     * Retired public paths (0007). An article's path is the one the site
     * routes (site/site.c, link_sections and index_urls): "/" and each
     * section slug from the top, then "/" and the article slug, unencoded.
     * It is live (shown by the site) when published, or scheduled with its
     * time come (site.c, on_article). ?1 is now.
     */
    [ST_ARTICLE_ROUTE] =
        {ARTICLE_ROUTES(
             "a.ext_id = ?2") " SELECT article_id, route, live FROM up WHERE parent_id IS NULL",
         "read an article's path"},
    [ST_RETIRED_ADD] = {"INSERT INTO retired_urls (path, article_id, reason, at) "
                        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (path) DO UPDATE SET "
                        "article_id = excluded.article_id, reason = excluded.reason, "
                        "at = excluded.at",
                        "retire a path"},
    [ST_RETIRED_CLEAR] = {"DELETE FROM retired_urls WHERE path = ?1", "bring a path back"},
    /* An article live again: its older paths lead to it. */
    [ST_RETIRED_REVIVE] = {"UPDATE retired_urls SET reason = 'moved' "
                           "WHERE article_id = ?1 AND reason = 'unpublished'",
                           "point retired paths at a live article"},
    [ST_RETIRED_GONE] = {"UPDATE retired_urls SET reason = 'deleted' WHERE article_id = ?1",
                         "retire a deleted article's older paths"},
    /* The live article of section ?2 with slug ?3, about to yield its path
     * to a new section of that slug (ST_ARTICLE_SLUG_YIELD). */
    [ST_RETIRED_YIELD] =
        {ARTICLE_ROUTES(
             "a.section_id = ?2 AND a.slug = ?3") " INSERT INTO retired_urls (path, article_id, "
                                                  "reason, at)"
                                                  " SELECT route, article_id, 'moved', ?1 FROM up"
                                                  " WHERE parent_id IS NULL AND live"
                                                  " ON CONFLICT (path) DO UPDATE SET article_id = "
                                                  "excluded.article_id,"
                                                  " reason = excluded.reason, at = excluded.at",
         "retire the path a new section takes"},
    [ST_RETIRED_ALL] = {"SELECT path, coalesce(article_id, 0), reason, at FROM retired_urls "
                        "ORDER BY path",
                        "list retired paths"},
    /* Sections and tags in the admin (issue 6, item 2). A renamed one is
     * found by its new name when no slug matches (find_or_add). */
    [ST_SECTION_FIND_NAME] = {"SELECT id FROM sections WHERE parent_id IS ?1 "
                              "AND name = ?2 COLLATE NOCASE ORDER BY id LIMIT 1",
                              "look up a section by name",
                              "SELECT id FROM sections WHERE parent_id IS NOT DISTINCT FROM "
                              "?1::bigint AND " NOCASE_PG("name", "?2") " ORDER BY id LIMIT 1"},
    [ST_TAG_FIND_NAME] = {"SELECT id FROM tags WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                          "look up a tag by name",
                          "SELECT id FROM tags WHERE " NOCASE_PG("name", "?1") " ORDER BY id "
                                                                               "LIMIT 1"},
    [ST_SECTION_GET] = {"SELECT coalesce(parent_id, 0) FROM sections WHERE id = ?1",
                        "read a section"},
    [ST_SECTION_CLASH] = {"SELECT 1 FROM sections WHERE parent_id IS ?1 AND id IS NOT ?2 "
                          "AND (slug = ?3 OR name = ?4 COLLATE NOCASE)",
                          "look for a section of the same name",
                          "SELECT 1 FROM sections WHERE parent_id IS NOT DISTINCT FROM ?1::bigint "
                          "AND id IS DISTINCT FROM ?2::bigint "
                          "AND (slug = ?3 OR " NOCASE_PG("name", "?4") ")"},
    [ST_SECTION_RENAME] = {"UPDATE sections SET name = ?2 WHERE id = ?1", "rename a section"},
    [ST_SECTION_SIBLINGS] = {"SELECT id FROM sections WHERE parent_id IS ?1 ORDER BY position, id",
                             "list a section's siblings",
                             "SELECT id FROM sections WHERE parent_id IS NOT DISTINCT FROM "
                             "?1::bigint ORDER BY position, id"},
    [ST_SECTION_SET_POSITION] = {"UPDATE sections SET position = ?2 WHERE id = ?1",
                                 "reorder sections"},
    [ST_SECTION_USE] = {"SELECT (SELECT count(*) FROM articles WHERE section_id = ?1), "
                        "(SELECT count(*) FROM sections WHERE parent_id = ?1)",
                        "count a section's articles"},
    [ST_SECTION_DELETE] = {"DELETE FROM sections WHERE id = ?1", "delete a section"},
    [ST_SECTION_COUNTS] = {"SELECT section_id, count(*) FROM articles GROUP BY section_id "
                           "ORDER BY section_id",
                           "count articles per section"},
    [ST_TAG_GET] = {"SELECT 1 FROM tags WHERE id = ?1", "read a tag"},
    [ST_TAG_CLASH] =
        {"SELECT 1 FROM tags WHERE id <> ?1 AND (slug = ?2 OR name = ?3 COLLATE NOCASE)",
         "look for a tag of the same name",
         "SELECT 1 FROM tags WHERE id <> ?1 AND (slug = ?2 OR " NOCASE_PG("name", "?3") ")"},
    [ST_TAG_RENAME] = {"UPDATE tags SET name = ?2 WHERE id = ?1", "rename a tag"},
    [ST_TAG_MERGE] = {"INSERT INTO article_tags (article_id, tag_id, position) "
                      "SELECT article_id, ?2, position FROM article_tags WHERE tag_id = ?1 "
                      "ON CONFLICT DO NOTHING",
                      "give a tag's articles another tag",
                      "INSERT INTO article_tags (article_id, tag_id, position) "
                      "SELECT article_id, ?2::bigint, position FROM article_tags "
                      "WHERE tag_id = ?1 ON CONFLICT DO NOTHING"},
    [ST_TAG_UNLINK] = {"DELETE FROM article_tags WHERE tag_id = ?1", "take a tag off its articles"},
    [ST_TAG_USE] = {"SELECT count(*) FROM article_tags WHERE tag_id = ?1",
                    "count a tag's articles"},
    [ST_TAG_DELETE] = {"DELETE FROM tags WHERE id = ?1", "delete a tag"},
    [ST_TAG_COUNTS] = {"SELECT tag_id, count(*) FROM article_tags GROUP BY tag_id ORDER BY tag_id",
                       "count articles per tag"},
    /* The admin's article list (nd_store_article_find). */
    /* The page's ids first (by the articles_updated index, 0008), then
     * their rows: sorting whole rows would carry every body through the
     * sort. */
    [ST_ARTICLE_QUERY] = {"SELECT " ARTICLE_COLS " FROM articles WHERE id IN (SELECT id FROM "
                          "articles " ARTICLE_QUERY_WHERE "ORDER BY updated_at DESC, id DESC "
                          "LIMIT ?6 OFFSET ?7) ORDER BY updated_at DESC, id DESC",
                          "search articles",
                          "SELECT " ARTICLE_COLS " FROM articles WHERE id IN (SELECT id FROM "
                          "articles " ARTICLE_QUERY_WHERE_PG "ORDER BY updated_at DESC, id DESC "
                          "LIMIT ?6 OFFSET ?7) ORDER BY updated_at DESC, id DESC"},
    [ST_ARTICLE_QUERY_COUNT] = {"SELECT count(*) FROM articles " ARTICLE_QUERY_WHERE,
                                "count articles found",
                                "SELECT count(*) FROM articles " ARTICLE_QUERY_WHERE_PG},
    /*
     * PostgreSQL (issue 7). Its writers take one lock after BEGIN, as
     * SQLite's BEGIN IMMEDIATE does, so the store's read-modify-write
     * transactions (login failures, find-or-add, positions, migrations)
     * see each other whole. SQLite already holds its write lock.
     */
    [ST_WRITE_LOCK] = {"SELECT 1", "take the writers' lock",
                       "SELECT pg_advisory_xact_lock(" ND_PG_WRITE_LOCK ")"},
    /* The migrations' bookkeeping, not a migration: it must exist to read the
     * version. Two PostgreSQL nodes starting together would race on it. */
    [ST_MIGRATIONS_TABLE] = {"CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                             "applied_at INTEGER NOT NULL)",
                             "create the migrations' table",
                             "DO $$ BEGIN PERFORM pg_advisory_xact_lock(" ND_PG_WRITE_LOCK ");"
                             " CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                             "applied_at BIGINT NOT NULL); END $$"},
    /*
     * The node log (0009). Written only inside write_begin's transaction,
     * which holds the writers' lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
     * ST_WRITE_LOCK) from before the first id is taken to COMMIT, so ids
     * become visible in order. SINCE also returns the newest row, whoever
     * wrote it, so the reader's mark passes its own rows.
     */
    [ST_NODELOG_VIEWS] = {"INSERT INTO node_log (node, logged_at, deltas) VALUES (?1, ?2, ?3)",
                          "log views for the other nodes"},
    [ST_NODELOG_REACTION] = {"INSERT INTO node_log (node, logged_at, article_id, type, reaction, "
                             "at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             "log a reaction for the other nodes"},
    [ST_NODELOG_READ] = {"INSERT INTO node_log (node, logged_at, article_id, visitor, at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         "log a read for the other nodes"},
    [ST_NODELOG_MARK] = {"SELECT coalesce(max(id), 0) FROM node_log", "read the node log's end"},
    [ST_NODELOG_SINCE] = {"SELECT id, node, article_id, deltas, type, reaction, visitor, at "
                          "FROM node_log WHERE id > ?1 "
                          "AND (node <> ?2 OR id = (SELECT max(id) FROM node_log)) ORDER BY id",
                          "read the node log"},
    /* logged_at grows with id (one writer at a time): every row before the
     * first young one goes, walking the primary key (no index on
     * logged_at); with none young, all but the newest. */
    [ST_NODELOG_PRUNE] = {"DELETE FROM node_log WHERE id < coalesce("
                          "(SELECT id FROM node_log WHERE logged_at >= ?1 ORDER BY id LIMIT 1), "
                          "(SELECT max(id) FROM node_log))",
                          "prune the node log"},
    /*
     * A flush's view deltas in one statement, for a driver that takes
     * arrays (PostgreSQL: a network round trip per statement made a flush
     * of 500 articles cost three round trips each). ?1..?3 are the
     * articles, hours and views as '{…}' bigint arrays; deltas of articles
     * that no longer exist drop out at the join. The rows are the deltas
     * stored, for the node log. SQLite runs the three statements per delta
     * in process instead; its text is never prepared.
     */
    [ST_VIEWS_BATCH] = {"SELECT 0 WHERE 0", "add a flush's views",
                        "WITH d AS (SELECT d.article_id, d.hour, sum(d.views) AS views "
                        "FROM unnest(?1::bigint[], ?2::bigint[], ?3::bigint[]) "
                        "AS d(article_id, hour, views) "
                        "JOIN articles a ON a.id = d.article_id "
                        "WHERE d.views > 0 GROUP BY d.article_id, d.hour), "
                        "h AS (INSERT INTO view_hours (article_id, hour, views) "
                        "SELECT article_id, hour, views FROM d "
                        "ON CONFLICT (article_id, hour) "
                        "DO UPDATE SET views = view_hours.views + excluded.views), "
                        "t AS (INSERT INTO article_stats (article_id, views) "
                        "SELECT article_id, sum(views) FROM d GROUP BY article_id "
                        "ON CONFLICT (article_id) "
                        "DO UPDATE SET views = article_stats.views + excluded.views) "
                        "SELECT article_id, hour, views FROM d"},
};
#pragma GCC diagnostic pop

_Static_assert(ST__COUNT <= ND__SQL_ADHOC_ID, "statement ids would meet copy.c's");

struct sql_store {
	struct nd_store base; /* first, so the two pointers convert both ways */
	const struct nd__sql_driver *drv;
	struct nd__sql_conn *conn;
	struct nd__sql_stmt *stmts[ST__COUNT]; /* prepared on first use */
	bool held[ST__COUNT];                  /* stmts[i] is in use further up the stack */
};

static struct sql_store *sq(struct nd_store *s)
{
	return (struct sql_store *)s;
}

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

/*
 * Logs the database's message for a failed rc (an nd_err from the driver)
 * and returns ND__EAGAIN when the database said retry (ND_EBUSY), ND__ELOST
 * when the connection broke, else ND_ESTORE. What store.c retries
 * (PostgreSQL) is a warning until it gives up.
 */
static int db_fail(struct sql_store *q, int rc, const char *what)
{
	bool retried = q->drv->revive != NULL;

	if (rc == ND__ELOST || (rc == ND_EBUSY && retried)) {
		nd_log(ND_LOG_WARN, "store '%s': cannot %s: %s", q->base.url, what,
		       q->drv->errmsg(q->conn));
		return rc == ND_EBUSY ? ND__EAGAIN : rc;
	}
	if (rc == ND_EBUSY) {
		nd_error(ND_EBUSY, "store '%s': cannot %s: %s", q->base.url, what,
		         q->drv->errmsg(q->conn));
		return ND__EAGAIN;
	}
	return nd_error(ND_ESTORE, "store '%s': cannot %s: %s", q->base.url, what,
	                q->drv->errmsg(q->conn));
}

static bool sql_in_txn(struct sql_store *q)
{
	return q->drv->in_txn(q->conn);
}

static int64_t sql_changes(struct sql_store *q)
{
	return q->drv->changes(q->conn);
}

/*
 * The prepared statement id, ready to bind. Normally the handle's own copy;
 * when that one is in use further up the stack (a walk's callback came back
 * into the store and needs the same statement) a private one, finalized by
 * stmt_put. Every stmt_get is paired with a stmt_put.
 */
static int stmt_get(struct sql_store *q, enum stmt_id id, struct nd__sql_stmt **out)
{
	struct nd__sql_stmt *st = NULL;
	int rc;

	*out = NULL;
	if (q->stmts[id] && !q->held[id]) {
		q->held[id] = true;
		*out = q->stmts[id];
		return 0;
	}
	rc = q->drv->prepare(q->conn, id, &stmt_defs[id], !q->stmts[id], &st);
	if (rc)
		return db_fail(q, rc, stmt_defs[id].what);
	if (!q->stmts[id]) {
		q->stmts[id] = st;
		q->held[id] = true;
	}
	*out = st;
	return 0;
}

/* Gives back a statement from stmt_get: reset, unbound, or finalized. NULL is a no-op. */
static void stmt_put(struct sql_store *q, enum stmt_id id, struct nd__sql_stmt *st)
{
	if (!st)
		return;
	if (st != q->stmts[id]) {
		q->drv->finalize(st);
		return;
	}
	q->drv->reset(st);
	q->held[id] = false;
}

/*
 * Binding: the store binds borrowed strings, which is safe because every
 * statement is reset (stmt_put) before the strings go away. Bind errors
 * are sticky in *rc so a run of binds is checked once.
 */
static void bind_text(struct nd__sql_stmt *st, int i, const char *v, int *rc)
{
	if (!*rc)
		*rc = st->drv->bind_text(st, i, v);
}

static void bind_int(struct nd__sql_stmt *st, int i, int64_t v, int *rc)
{
	if (!*rc)
		*rc = st->drv->bind_int(st, i, v);
}

/* Binds v, or NULL when v is 0 (an optional reference). */
static void bind_id(struct nd__sql_stmt *st, int i, int64_t v, int *rc)
{
	if (!*rc)
		*rc = v ? st->drv->bind_int(st, i, v) : st->drv->bind_null(st, i);
}

/* Binds v, or NULL when v is NULL. */
static void bind_text_or_null(struct nd__sql_stmt *st, int i, const char *v, int *rc)
{
	if (!*rc)
		*rc = v ? st->drv->bind_text(st, i, v) : st->drv->bind_null(st, i);
}

static void bind_blob(struct nd__sql_stmt *st, int i, const void *v, size_t len, int *rc)
{
	if (!*rc)
		*rc = st->drv->bind_blob(st, i, v, len);
}

/* Column i as text; "" for NULL. */
static const char *col_text(struct nd__sql_stmt *st, int i)
{
	return nd__sql_text(st, i);
}

/* Column i's blob when it is exactly len bytes, else NULL. */
static const void *col_blob_of(struct nd__sql_stmt *st, int i, size_t len)
{
	size_t n;
	const void *v = nd__sql_blob(st, i, &n);

	return n == len ? v : NULL;
}

/* Steps a statement with no rows wanted (or only the first). */
static int step_done(struct sql_store *q, enum stmt_id id, struct nd__sql_stmt *st)
{
	int rc = nd__sql_step(st);

	if (rc == ND_SQL_DONE || rc == ND_SQL_ROW)
		return 0;
	return db_fail(q, rc, stmt_defs[id].what);
}

/* Runs a statement that takes no values. */
static int run(struct sql_store *q, enum stmt_id id)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	rc = step_done(q, id, st);
	stmt_put(q, id, st);
	return rc;
}

/* Runs a statement whose parameters ?1..?n are the n integers in v. */
static int run_ints(struct sql_store *q, enum stmt_id id, const int64_t *v, int n)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	for (int i = 0; i < n; i++)
		bind_int(st, i + 1, v[i], &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[id].what) : step_done(q, id, st);
	stmt_put(q, id, st);
	return rc;
}

/*
 * Steps an already bound statement and reads column 0 of its first row as
 * an integer. *found (may be NULL) tells whether there was a row; *out is
 * left alone when there was none.
 */
static int step_int(struct sql_store *q, enum stmt_id id, struct nd__sql_stmt *st, int64_t *out,
                    bool *found)
{
	int rc = nd__sql_step(st);

	if (found)
		*found = rc == ND_SQL_ROW;
	if (rc == ND_SQL_ROW) {
		*out = nd__sql_int(st, 0);
		return 0;
	}
	if (rc == ND_SQL_DONE)
		return 0;
	return db_fail(q, rc, stmt_defs[id].what);
}

/* A statement that takes no values and yields one integer. */
static int query_int(struct sql_store *q, enum stmt_id id, int64_t *out)
{
	struct nd__sql_stmt *st;
	int rc;

	*out = 0;
	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	rc = step_int(q, id, st, out, NULL);
	stmt_put(q, id, st);
	return rc;
}

/* --- transactions --- */

static int lost_txn(struct sql_store *q)
{
	return nd_error(ND_ESTORE,
	                "store '%s': the transaction was rolled back by an earlier error; "
	                "nothing since its begin is stored",
	                q->base.url);
}

/*
 * Begins a write transaction: BEGIN, then the writers' lock (ST_WRITE_LOCK;
 * a no-op in SQLite, whose BEGIN IMMEDIATE holds it).
 */
static int begin_write(struct sql_store *q)
{
	int rc = run(q, ST_BEGIN);

	if (!rc && (rc = run(q, ST_WRITE_LOCK)) != 0 && sql_in_txn(q))
		run(q, ST_ROLLBACK);
	return rc;
}

/*
 * Starts a write: its own transaction, or a savepoint inside the caller's
 * explicit one, so that a failed write leaves nothing behind either way.
 */
static int write_begin(struct sql_store *q)
{
	if (!q->base.in_txn)
		return begin_write(q);
	/*
	 * Some errors (SQLITE_FULL, IOERR, NOMEM) make SQLite roll back the whole
	 * transaction. A SAVEPOINT now would quietly start a new one, and the
	 * caller's batch would be committed piecemeal: refuse instead.
	 */
	if (!sql_in_txn(q))
		return lost_txn(q);
	return run(q, ST_SAVEPOINT);
}

/*
 * Ends a write started by write_begin: keeps it when rc is 0, else undoes
 * it. Returns rc, or the error that ending gave.
 */
static int write_end(struct sql_store *q, int rc)
{
	if (q->base.in_txn) {
		if (rc && sql_in_txn(q))
			run(q, ST_ROLLBACK_TO);
		/* RELEASE after ROLLBACK TO ends the savepoint; the transaction goes on. */
		if (sql_in_txn(q)) {
			int r = run(q, ST_RELEASE);
			if (!rc)
				rc = r;
		}
		return rc;
	}
	if (!rc)
		rc = run(q, ST_COMMIT);
	/* An error may already have ended the transaction (SQLITE_FULL, IOERR). */
	if (rc && sql_in_txn(q))
		run(q, ST_ROLLBACK);
	return rc;
}

static int sql_begin(struct nd_store *s)
{
	return begin_write(sq(s));
}

static int sql_commit(struct nd_store *s)
{
	struct sql_store *q = sq(s);
	int rc;

	if (!sql_in_txn(q))
		return lost_txn(q);
	rc = run(q, ST_COMMIT);

	if (rc && sql_in_txn(q))
		run(q, ST_ROLLBACK);
	return rc;
}

static int sql_read_begin(struct nd_store *s)
{
	return run(sq(s), ST_BEGIN_READ);
}

static int sql_read_end(struct nd_store *s)
{
	struct sql_store *q = sq(s);

	return !sql_in_txn(q) ? 0 : run(q, ST_COMMIT);
}

static int sql_rollback(struct nd_store *s)
{
	struct sql_store *q = sq(s);

	/* Nothing to undo when an error has already rolled it back. */
	if (!sql_in_txn(q))
		return 0;
	return run(q, ST_ROLLBACK);
}

/* --- schema migrations --- */

static int read_version(struct sql_store *q, int *out)
{
	int64_t v;
	int rc = query_int(q, ST_VERSION, &v);

	*out = (int)v;
	return rc;
}

/* Applies m in a transaction of its own, unless another process already did. */
static int apply_migration(struct sql_store *q, const struct nd__migration *m)
{
	struct nd__sql_stmt *st = NULL;
	int rc, cur;

	if ((rc = begin_write(q)) != 0)
		return rc;
	/* The writers' lock is held: the version cannot move now. */
	if ((rc = read_version(q, &cur)) != 0 || cur >= m->version)
		goto out;
	if (q->drv->exec(q->conn, m->sql) != 0) {
		rc = nd_error(ND_ESTORE, "store '%s': migration %s failed: %s", q->base.url,
		              m->name, q->drv->errmsg(q->conn));
		goto out;
	}
	if ((rc = stmt_get(q, ST_VERSION_ADD, &st)) != 0)
		goto out;
	bind_int(st, 1, m->version, &rc);
	bind_text(st, 2, m->name, &rc);
	bind_int(st, 3, now(), &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_VERSION_ADD].what) : step_done(q, ST_VERSION_ADD, st);
	if (rc)
		goto out;
	nd_log(ND_LOG_INFO, "store '%s': applied migration %s", q->base.url, m->name);
out:
	stmt_put(q, ST_VERSION_ADD, st);
	return write_end(q, rc);
}

static int migrate(struct sql_store *q)
{
	const char *cursor = q->drv->migrations;
	struct nd__migration m = {0};
	int latest = nd__migration_latest(q->drv->migrations);
	int rc, cur;

	/* The bookkeeping table is not a migration: it must exist to read the version. */
	if ((rc = run(q, ST_MIGRATIONS_TABLE)) != 0 || (rc = read_version(q, &cur)) != 0)
		return rc;
	if (cur > latest)
		return nd_error(ND_ESTORE,
		                "cannot open store '%s': its schema version %d is newer than "
		                "this newsdesk knows (%d); upgrade newsdesk",
		                q->base.url, cur, latest);
	while (nd__migration_next(&cursor, &m))
		if (m.version > cur && (rc = apply_migration(q, &m)) != 0)
			return rc;
	return 0;
}

/* --- open and close --- */

static void sql_close(struct nd_store *s)
{
	struct sql_store *q = sq(s);

	for (size_t i = 0; i < ST__COUNT; i++)
		q->drv->finalize(q->stmts[i]);
	q->drv->close(q->conn);
	free(q->base.url);
	free(q);
}

/* Opens a store of the SQL logic over drv (the backends' open). */
static int sql_open(const struct nd__sql_driver *drv, const char *url, const char *location,
                    struct nd_store **out)
{
	struct sql_store *q = nd_xcalloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	q->base.url = nd_xstrdup(url);
	q->drv = drv;
	if ((rc = drv->open(url, location, &q->conn)) != 0)
		goto out;
	/* A pooling driver knows when this process has migrated the database already. */
	if (!(drv->schema_known && drv->schema_known(q->conn))) {
		if ((rc = migrate(q)) != 0)
			goto out;
		if (drv->schema_done)
			drv->schema_done(q->conn);
	}
	*out = &q->base;
out:
	if (rc)
		sql_close(&q->base);
	return rc;
}

static int sql_open_sqlite(const char *url, const char *location, struct nd_store **out)
{
	return sql_open(&nd__sqlite_driver, url, location, out);
}

static int sql_open_pg(const char *url, const char *location, struct nd_store **out)
{
	return sql_open(&nd__pg_driver, url, location, out);
}

/* Reconnects a lost connection (the driver's revive), with a warning when it cannot. */
static int sql_revive(struct nd_store *s)
{
	struct sql_store *q = sq(s);
	int rc;

	if (!q->drv->revive || (rc = q->drv->revive(q->conn)) == 0)
		return 0;
	nd_log(ND_LOG_WARN, "store '%s': cannot reconnect: %s", s->url, q->drv->errmsg(q->conn));
	return rc;
}

struct nd__sql_conn *nd__sql_store_conn(struct nd_store *s, const struct nd__sql_driver *drv)
{
	/* Every backend of this file shares close: that tells a store of the SQL logic. */
	if (!s || s->be->close != sql_close || sq(s)->drv != drv)
		return NULL;
	return sq(s)->conn;
}

int nd__sql_store_prepare_all(struct nd_store *s)
{
	struct sql_store *q;
	struct nd__sql_stmt *st;
	int rc;

	if (!s || s->be->close != sql_close)
		return ND_EINVAL;
	q = sq(s);
	for (int id = 0; id < ST__COUNT; id++) {
		if ((rc = stmt_get(q, id, &st)) != 0)
			return rc;
		stmt_put(q, id, st);
	}
	return 0;
}

static int sql_schema_version(struct nd_store *s, int *out)
{
	return read_version(sq(s), out);
}

static int sql_generation(struct nd_store *s, int64_t *out)
{
	return query_int(sq(s), ST_GENERATION, out);
}

static int sql_article_count(struct nd_store *s, int64_t *out)
{
	return query_int(sq(s), ST_ARTICLE_COUNT, out);
}

/* --- writing --- */

/*
 * A section (under parent) or tag renamed in the admin keeps its slug, so
 * its new name slugifies to something else: when no slug matches, the
 * name does (store.h). *found tells; authors are only found by slug.
 */
static int find_by_name(struct sql_store *q, enum stmt_id find, int64_t parent, const char *name,
                        int64_t *id, bool *found)
{
	enum stmt_id by = find == ST_SECTION_FIND ? ST_SECTION_FIND_NAME : ST_TAG_FIND_NAME;
	struct nd__sql_stmt *st;
	int rc;

	*found = false;
	if (find != ST_SECTION_FIND && find != ST_TAG_FIND)
		return 0;
	if ((rc = stmt_get(q, by, &st)) != 0)
		return rc;
	if (by == ST_SECTION_FIND_NAME)
		bind_id(st, 1, parent, &rc);
	bind_text(st, by == ST_SECTION_FIND_NAME ? 2 : 1, name, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[by].what) : step_int(q, by, st, id, found);
	stmt_put(q, by, st);
	return rc;
}

/*
 * The id of the row with this slug (under parent, for sections), added with
 * name when missing. Same slug means same row: a differently written name
 * ("world" for "World") finds the existing one, whose name is kept.
 */
static int find_or_add(struct sql_store *q, enum stmt_id find, enum stmt_id add, int64_t parent,
                       const char *slug, const char *name, int64_t *id)
{
	bool sections = find == ST_SECTION_FIND;
	int base = sections ? 2 : 1; /* the slug's parameter number */
	struct nd__sql_stmt *st = NULL;
	int64_t position = 0;
	bool found = false;
	int rc;

	if ((rc = stmt_get(q, find, &st)) != 0)
		return rc;
	if (sections)
		bind_id(st, 1, parent, &rc);
	bind_text(st, base, slug, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[find].what) : step_int(q, find, st, id, &found);
	stmt_put(q, find, st);
	if (rc || found || (rc = find_by_name(q, find, parent, name, id, &found)) != 0 || found)
		return rc;

	if (sections) {
		if ((rc = stmt_get(q, ST_SECTION_NEXT_POSITION, &st)) != 0)
			return rc;
		bind_id(st, 1, parent, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_SECTION_NEXT_POSITION].what)
		        : step_int(q, ST_SECTION_NEXT_POSITION, st, &position, NULL);
		stmt_put(q, ST_SECTION_NEXT_POSITION, st);
		if (rc)
			return rc;
	}
	if ((rc = stmt_get(q, add, &st)) != 0)
		return rc;
	if (sections)
		bind_id(st, 1, parent, &rc);
	bind_text(st, base, slug, &rc);
	bind_text(st, base + 1, name, &rc);
	if (sections)
		bind_int(st, 4, position, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[add].what) : step_int(q, add, st, id, NULL);
	stmt_put(q, add, st);
	if (rc)
		return rc;
	if (sections && parent) {
		/* An article of the parent with this slug would hide the new
		 * section's page (same URL): the article moves to slug-ID, and
		 * its old path, if live, leads there while the section has no
		 * page. */
		if ((rc = stmt_get(q, ST_RETIRED_YIELD, &st)) != 0)
			return rc;
		bind_int(st, 1, now(), &rc);
		bind_int(st, 2, parent, &rc);
		bind_text(st, 3, slug, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_RETIRED_YIELD].what)
		        : step_done(q, ST_RETIRED_YIELD, st);
		stmt_put(q, ST_RETIRED_YIELD, st);
		if (rc || (rc = stmt_get(q, ST_ARTICLE_SLUG_YIELD, &st)) != 0)
			return rc;
		bind_id(st, 1, parent, &rc);
		bind_text(st, 2, slug, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_SLUG_YIELD].what)
		        : step_done(q, ST_ARTICLE_SLUG_YIELD, st);
		stmt_put(q, ST_ARTICLE_SLUG_YIELD, st);
		if (!rc && sql_changes(q))
			nd_log(ND_LOG_WARN,
			       "store '%s': an article's slug '%s' moved to '%s-ID' for "
			       "the new section of that name",
			       q->base.url, slug, slug);
	}
	return rc;
}

/* The id of the deepest section of path, creating the levels that are missing. */
static int section_resolve(struct sql_store *q, const char *path, int64_t *id)
{
	struct nd__section_level levels[ND_MAX_SECTION_DEPTH];
	int64_t parent = 0;
	size_t n;
	int rc;

	if ((rc = nd__section_path_parse(path, levels, &n)) != 0)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		rc = find_or_add(q, ST_SECTION_FIND, ST_SECTION_ADD, parent, levels[i].slug,
		                 levels[i].name, &parent);
	}
	nd__section_levels_release(levels, n);
	if (!rc)
		*id = parent;
	return rc;
}

/* The id of the author or tag called name; 0 when name is blank. */
static int name_resolve(struct sql_store *q, const char *what, enum stmt_id find, enum stmt_id add,
                        const char *name, int64_t *id)
{
	struct nd_buf trimmed = ND_BUF_INIT, slug = ND_BUF_INIT;
	int rc;

	*id = 0;
	if (nd__blank(name))
		return 0;
	if ((rc = nd__name_slug(what, name, &trimmed, &slug)) == 0)
		rc = find_or_add(q, find, add, 0, slug.buf, trimmed.buf, id);
	nd_buf_release(&trimmed);
	nd_buf_release(&slug);
	return rc;
}

/* What an article has before the put. id 0: it is new. */
struct old_article {
	int64_t id;
	char *slug; /* owned */
	int64_t published_at;
};

static int article_find(struct sql_store *q, const char *ext_id, struct old_article *old)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_FIND, &st)) != 0)
		return rc;
	bind_text(st, 1, ext_id, &rc);
	if (!rc) {
		rc = nd__sql_step(st);
		if (rc == ND_SQL_ROW) {
			old->id = nd__sql_int(st, 0);
			old->slug = nd_xstrdup(col_text(st, 1));
			old->published_at = nd__sql_int(st, 2);
			rc = 0;
		} else if (rc == ND_SQL_DONE) {
			rc = 0;
		}
	}
	if (rc)
		rc = db_fail(q, rc, stmt_defs[ST_ARTICLE_FIND].what);
	stmt_put(q, ST_ARTICLE_FIND, st);
	return rc;
}

static int slug_taken(struct sql_store *q, int64_t section_id, const char *slug, int64_t self,
                      bool *taken)
{
	struct nd__sql_stmt *st;
	int64_t one;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_SLUG_TAKEN, &st)) != 0)
		return rc;
	bind_int(st, 1, section_id, &rc);
	bind_text(st, 2, slug, &rc);
	bind_id(st, 3, self, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_SLUG_TAKEN].what)
	        : step_int(q, ST_ARTICLE_SLUG_TAKEN, st, &one, taken);
	stmt_put(q, ST_ARTICLE_SLUG_TAKEN, st);
	return rc;
}

/*
 * The slug the article gets in section_id: the given one, else the stored
 * one (stable URLs), else one derived from the title; then made unique in
 * the section with -2, -3, ...
 */
static int choose_slug(struct sql_store *q, const struct nd_article_in *in,
                       const struct old_article *old, int64_t section_id, struct nd_buf *out)
{
	struct nd_buf base = ND_BUF_INIT;
	unsigned n = 2;
	bool taken;
	int rc = 0;

	if (old->id && !nd__article_slug_given(in))
		nd_buf_adds(&base, old->slug);
	else
		rc = nd__article_base_slug(in, &base);
	if (rc)
		goto out;
	nd_buf_add(out, base.buf, base.len);
	while ((rc = slug_taken(q, section_id, out->buf, old->id, &taken)) == 0 && taken) {
		nd_buf_reset(out);
		nd__slug_suffixed(base.buf, n++, out);
	}
out:
	nd_buf_release(&base);
	return rc;
}

/* Binds parameters 2..13, which ST_ARTICLE_ADD and ST_ARTICLE_UPDATE share. */
static void bind_article(struct nd__sql_stmt *st, const struct nd_article_in *in,
                         int64_t section_id, int64_t author_id, const char *slug, int64_t published,
                         int64_t updated, int *rc)
{
	bind_int(st, 2, section_id, rc);
	bind_id(st, 3, author_id, rc);
	bind_text(st, 4, slug, rc);
	bind_text(st, 5, in->title, rc);
	bind_text(st, 6, in->summary ? in->summary : "", rc);
	bind_text(st, 7, in->body, rc);
	bind_text(st, 8, nd__blank(in->language) ? "en" : in->language, rc);
	bind_text(st, 9, in->image ? in->image : "", rc);
	bind_text(st, 10, in->source_url ? in->source_url : "", rc);
	bind_int(st, 11, in->status, rc);
	bind_int(st, 12, published, rc);
	bind_int(st, 13, updated, rc);
}

/* Replaces the article's tags by in->tags, in their order. */
static int tags_set(struct sql_store *q, int64_t article_id, const struct nd_article_in *in)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_TAGS_CLEAR, &st)) != 0)
		return rc;
	bind_int(st, 1, article_id, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_TAGS_CLEAR].what)
	        : step_done(q, ST_ARTICLE_TAGS_CLEAR, st);
	stmt_put(q, ST_ARTICLE_TAGS_CLEAR, st);

	for (size_t i = 0; i < in->tag_count && !rc; i++) {
		int64_t tag_id;

		rc = name_resolve(q, "tag", ST_TAG_FIND, ST_TAG_ADD, in->tags[i], &tag_id);
		if (rc || !tag_id)
			continue;
		if ((rc = stmt_get(q, ST_ARTICLE_TAG_ADD, &st)) != 0)
			break;
		bind_int(st, 1, article_id, &rc);
		bind_int(st, 2, tag_id, &rc);
		bind_int(st, 3, (int64_t)i, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_TAG_ADD].what)
		        : step_done(q, ST_ARTICLE_TAG_ADD, st);
		stmt_put(q, ST_ARTICLE_TAG_ADD, st);
	}
	return rc;
}

/* Keeps a revision of article id as stored now, unless it is unchanged. */
static int revision_add(struct sql_store *q, int64_t id, int64_t user_id, int64_t t)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_REVISION_ADD, &st)) != 0)
		return rc;
	bind_int(st, 1, id, &rc);
	bind_id(st, 2, user_id, &rc);
	bind_int(st, 3, t, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_REVISION_ADD].what)
	        : step_done(q, ST_REVISION_ADD, st);
	stmt_put(q, ST_REVISION_ADD, st);
	return rc;
}

/* --- retired public paths (0007) --- */

_Static_assert(ND_STATUS_PUBLISHED == 0 && ND_STATUS_SCHEDULED == 2,
               "ARTICLE_ROUTES spells the statuses as numbers");

/* An article's public path and whether the site shows it. id 0: no article. */
struct article_route {
	int64_t id;
	char *route; /* owned */
	bool live;
};

static int article_route(struct sql_store *q, const char *ext_id, int64_t t,
                         struct article_route *out)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_ROUTE, &st)) != 0)
		return rc;
	bind_int(st, 1, t, &rc);
	bind_text(st, 2, ext_id, &rc);
	if (!rc) {
		rc = nd__sql_step(st);
		if (rc == ND_SQL_ROW) {
			out->id = nd__sql_int(st, 0);
			out->route = nd_xstrdup(col_text(st, 1));
			out->live = (int)nd__sql_int(st, 2) != 0;
			rc = 0;
		} else if (rc == ND_SQL_DONE) {
			rc = 0;
		}
	}
	if (rc)
		rc = db_fail(q, rc, stmt_defs[ST_ARTICLE_ROUTE].what);
	stmt_put(q, ST_ARTICLE_ROUTE, st);
	return rc;
}

/* Runs ST_RETIRED_ADD (path, article_id, reason, at) or, with reason NULL,
 * ST_RETIRED_CLEAR (path). */
static int retired_set(struct sql_store *q, const char *path, int64_t article_id,
                       const char *reason, int64_t t)
{
	enum stmt_id id = reason ? ST_RETIRED_ADD : ST_RETIRED_CLEAR;
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	bind_text(st, 1, path, &rc);
	if (reason) {
		bind_int(st, 2, article_id, &rc);
		bind_text(st, 3, reason, &rc);
		bind_int(st, 4, t, &rc);
	}
	rc = rc ? db_fail(q, rc, stmt_defs[id].what) : step_done(q, id, st);
	stmt_put(q, id, st);
	return rc;
}

/*
 * After a put changed article id from was to is: a path the site showed and
 * no longer shows is retired ('moved' when the article is live elsewhere,
 * else 'unpublished'); the path it shows now is live again, and its older
 * paths lead to it.
 */
static int retire_put(struct sql_store *q, int64_t id, const struct article_route *was,
                      const struct article_route *is, int64_t t)
{
	int rc = 0;

	if (was->live && (!is->live || strcmp(was->route, is->route)))
		rc = retired_set(q, was->route, id, is->live ? "moved" : "unpublished", t);
	if (!rc && is->live && (rc = retired_set(q, is->route, 0, NULL, t)) == 0)
		rc = run_ints(q, ST_RETIRED_REVIVE, &id, 1);
	return rc;
}

static int sql_article_put(struct nd_store *s, const struct nd_article_in *in, bool *created)
{
	struct sql_store *q = sq(s);
	struct old_article old = {0};
	struct article_route was = {0}, is = {0};
	struct nd_buf slug = ND_BUF_INIT;
	int64_t section_id = 0, author_id = 0, id, published, updated, t = now();
	enum stmt_id write;
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	/* The path before anything moves: a new section may take it. */
	if ((rc = article_route(q, in->ext_id, t, &was)) != 0 ||
	    (rc = section_resolve(q, in->section, &section_id)) != 0 ||
	    (rc = name_resolve(q, "author", ST_AUTHOR_FIND, ST_AUTHOR_ADD, in->author,
	                       &author_id)) != 0 ||
	    (rc = article_find(q, in->ext_id, &old)) != 0 ||
	    (rc = choose_slug(q, in, &old, section_id, &slug)) != 0)
		goto out;

	if (old.id) {
		/* An update keeps its publication time unless a new one is given. */
		published = in->published_at ? in->published_at : old.published_at;
		updated = in->updated_at ? in->updated_at : t;
		write = ST_ARTICLE_UPDATE;
	} else {
		published = in->published_at ? in->published_at : t;
		updated = in->updated_at ? in->updated_at : published;
		write = ST_ARTICLE_ADD;
	}
	if ((rc = stmt_get(q, write, &st)) != 0)
		goto out;
	if (old.id)
		bind_int(st, 1, old.id, &rc);
	else
		bind_text(st, 1, in->ext_id, &rc);
	bind_article(st, in, section_id, author_id, slug.buf, published, updated, &rc);
	if (!old.id) {
		bind_int(st, 14, t, &rc);
		bind_id(st, 15, in->user_id, &rc);
	}
	/* ST_ARTICLE_ADD returns the new id; an update has no row and keeps old.id. */
	id = old.id;
	rc = rc ? db_fail(q, rc, stmt_defs[write].what) : step_int(q, write, st, &id, NULL);
	stmt_put(q, write, st);
	if (rc)
		goto out;

	if ((rc = tags_set(q, id, in)) != 0 || (rc = revision_add(q, id, in->user_id, t)) != 0 ||
	    (rc = article_route(q, in->ext_id, t, &is)) != 0 ||
	    (rc = retire_put(q, id, &was, &is, t)) != 0)
		goto out;
	rc = run(q, ST_GENERATION_BUMP);
out:
	rc = write_end(q, rc);
	if (!rc)
		*created = old.id == 0;
	free(old.slug);
	free(was.route);
	free(is.route);
	nd_buf_release(&slug);
	return rc;
}

static int sql_article_delete(struct nd_store *s, const char *ext_id)
{
	struct sql_store *q = sq(s);
	struct article_route was = {0};
	struct nd__sql_stmt *st = NULL;
	int64_t t = now();
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	/* Its paths say 'deleted' (the foreign key then forgets the id). */
	if ((rc = article_route(q, ext_id, t, &was)) != 0 ||
	    (was.id && (rc = run_ints(q, ST_RETIRED_GONE, &was.id, 1)) != 0) ||
	    (was.live && (rc = retired_set(q, was.route, was.id, "deleted", t)) != 0) ||
	    (rc = stmt_get(q, ST_ARTICLE_DELETE, &st)) != 0)
		goto out;
	bind_text(st, 1, ext_id, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_DELETE].what)
	        : step_done(q, ST_ARTICLE_DELETE, st);
	stmt_put(q, ST_ARTICLE_DELETE, st);
	if (rc)
		goto out;
	/* Not an error of the store: the caller decides whether to report it. */
	if (sql_changes(q) == 0) {
		rc = ND_ENOTFOUND;
		goto out;
	}
	rc = run(q, ST_GENERATION_BUMP);
out:
	free(was.route);
	return write_end(q, rc);
}

/* --- reading --- */

static int sql_each_section(struct nd_store *s, nd_section_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_EACH_SECTION, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		struct nd_section_rec r = {
		    .id = nd__sql_int(st, 0),
		    .parent_id = nd__sql_int(st, 1), /* NULL reads as 0 */
		    .slug = col_text(st, 2),
		    .name = col_text(st, 3),
		    .position = (int)nd__sql_int(st, 4),
		};
		q->base.delivered++; /* before: a retry must not deliver it twice */
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_EACH_SECTION].what);
out:
	stmt_put(q, ST_EACH_SECTION, st);
	return rc;
}

/* Authors and tags have the same shape: one walk for both, with one of the callbacks set. */
static int each_named(struct sql_store *q, enum stmt_id id, nd_author_cb author_cb,
                      nd_tag_cb tag_cb, void *ctx)
{
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		int64_t row_id = nd__sql_int(st, 0);
		const char *slug = col_text(st, 1), *name = col_text(st, 2);

		if (author_cb) {
			struct nd_author_rec r = {row_id, slug, name};
			q->base.delivered++;
			rc = author_cb(ctx, &r);
		} else {
			struct nd_tag_rec r = {row_id, slug, name};
			q->base.delivered++;
			rc = tag_cb(ctx, &r);
		}
		if (rc)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[id].what);
out:
	stmt_put(q, id, st);
	return rc;
}

static int sql_each_author(struct nd_store *s, nd_author_cb cb, void *ctx)
{
	return each_named(sq(s), ST_EACH_AUTHOR, cb, NULL, ctx);
}

static int sql_each_tag(struct nd_store *s, nd_tag_cb cb, void *ctx)
{
	return each_named(sq(s), ST_EACH_TAG, NULL, cb, ctx);
}

/* A growable list of tag ids, reused from row to row of one walk. */
struct id_list {
	int64_t *v;
	size_t n, alloc;
};

static int load_tag_ids(struct sql_store *q, int64_t article_id, struct id_list *ids)
{
	struct nd__sql_stmt *st;
	int rc, step;

	ids->n = 0;
	if ((rc = stmt_get(q, ST_ARTICLE_TAG_IDS, &st)) != 0)
		return rc;
	bind_int(st, 1, article_id, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_ARTICLE_TAG_IDS].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		if (ids->n == ids->alloc) {
			ids->alloc = ids->alloc ? ids->alloc * 2 : 8;
			ids->v = nd_xrealloc(ids->v, ids->alloc * sizeof(*ids->v));
		}
		ids->v[ids->n++] = nd__sql_int(st, 0);
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_ARTICLE_TAG_IDS].what);
out:
	stmt_put(q, ST_ARTICLE_TAG_IDS, st);
	return rc;
}

/* Fills r from the current row of st (ARTICLE_COLS order) and calls cb. */
static int article_row(struct sql_store *q, struct nd__sql_stmt *st, struct id_list *ids,
                       nd_article_cb cb, void *ctx)
{
	struct nd_article_rec r = {
	    .id = nd__sql_int(st, 0),
	    .ext_id = col_text(st, 1),
	    .slug = col_text(st, 2),
	    .title = col_text(st, 3),
	    .summary = col_text(st, 4),
	    .body = col_text(st, 5),
	    .language = col_text(st, 6),
	    .image = col_text(st, 7),
	    .source_url = col_text(st, 8),
	    .section_id = nd__sql_int(st, 9),
	    .author_id = nd__sql_int(st, 10),
	    .status = (enum nd_article_status)(int)nd__sql_int(st, 11),
	    .published_at = nd__sql_int(st, 12),
	    .updated_at = nd__sql_int(st, 13),
	    .created_at = nd__sql_int(st, 14),
	    .owner_user_id = nd__sql_int(st, 15),
	};
	int rc;

	/* Column pointers stay valid: reading another statement does not touch st. */
	if ((rc = load_tag_ids(q, r.id, ids)) != 0)
		return rc;
	static const int64_t no_tags[1];

	r.tag_ids = ids->n ? ids->v : no_tags; /* never NULL, so callers may memcpy */
	r.tag_count = ids->n;
	q->base.delivered++;
	return cb(ctx, &r);
}

/*
 * Calls cb with every row of statement id (st, its binds done; bound: the
 * binds' sticky result), then puts st back. The walk of every article list.
 */
static int article_rows(struct sql_store *q, enum stmt_id id, struct nd__sql_stmt *st, int bound,
                        nd_article_cb cb, void *ctx)
{
	struct id_list ids = {0};
	int rc = 0, step;

	if (bound) {
		rc = db_fail(q, bound, stmt_defs[id].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW)
		if ((rc = article_row(q, st, &ids, cb, ctx)) != 0)
			goto out;
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[id].what);
out:
	stmt_put(q, id, st);
	free(ids.v);
	return rc;
}

static int sql_each_article(struct nd_store *s, enum nd_article_status status, int64_t before,
                            nd_article_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_EACH_ARTICLE, &st)) != 0)
		return rc;
	bind_int(st, 1, status, &rc);
	bind_int(st, 2, before, &rc);
	return article_rows(q, ST_EACH_ARTICLE, st, rc, cb, ctx);
}

static int sql_article_get(struct nd_store *s, const char *ext_id, nd_article_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct id_list ids = {0};
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_ARTICLE_GET, &st)) != 0)
		return rc;
	bind_text(st, 1, ext_id, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_ARTICLE_GET].what);
		goto out;
	}
	step = nd__sql_step(st);
	if (step == ND_SQL_ROW)
		rc = article_row(q, st, &ids, cb, ctx);
	else if (step == ND_SQL_DONE)
		rc = ND_ENOTFOUND;
	else
		rc = db_fail(q, step, stmt_defs[ST_ARTICLE_GET].what);
out:
	stmt_put(q, ST_ARTICLE_GET, st);
	free(ids.v);
	return rc;
}

/* --- counters --- */

/*
 * Whether the article with row id exists. Asked once per run of equal ids
 * (a flush lists an article's hours together). Under the write lock the
 * answer holds until the commit.
 */
struct live_memo {
	int64_t id; /* 0: nothing asked yet */
	bool live;
};

static int article_live(struct sql_store *q, struct live_memo *m, int64_t id, bool *live)
{
	struct nd__sql_stmt *st;
	int64_t one;
	int rc;

	if (m->id == id) {
		*live = m->live;
		return 0;
	}
	if ((rc = stmt_get(q, ST_ARTICLE_EXISTS, &st)) != 0)
		return rc;
	bind_int(st, 1, id, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_EXISTS].what)
	        : step_int(q, ST_ARTICLE_EXISTS, st, &one, live);
	stmt_put(q, ST_ARTICLE_EXISTS, st);
	if (!rc) {
		m->id = id;
		m->live = *live;
	}
	return rc;
}

static int view_add(struct sql_store *q, const struct nd_view_delta *d)
{
	const int64_t hour[] = {d->article_id, d->hour, d->views};
	const int64_t total[] = {d->article_id, d->views};
	int rc;

	if ((rc = run_ints(q, ST_VIEW_HOUR_ADD, hour, 3)) != 0)
		return rc;
	return run_ints(q, ST_ARTICLE_VIEWS_ADD, total, 2);
}

/* The node log packs a flush's view deltas in one row (0009): article id
 * and hour as int64, views as uint32, little-endian. */
#define NODELOG_DELTA 20

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void delta_pack(uint8_t *p, const struct nd_view_delta *d)
{
	put_le(p, (uint64_t)d->article_id, 8);
	put_le(p + 8, (uint64_t)d->hour, 8);
	put_le(p + 16, d->views, 4);
}

/* The node log's row for the view deltas a flush stored (packed[0..n)). */
static int views_log(struct sql_store *q, const uint8_t *packed, size_t n)
{
	struct nd__sql_stmt *st;
	int rc;

	if (!n)
		return 0;
	if ((rc = stmt_get(q, ST_NODELOG_VIEWS, &st)) != 0)
		return rc;
	bind_int(st, 1, q->base.log_node, &rc);
	bind_int(st, 2, now(), &rc);
	bind_blob(st, 3, packed, n * NODELOG_DELTA, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_NODELOG_VIEWS].what)
	        : step_done(q, ST_NODELOG_VIEWS, st);
	stmt_put(q, ST_NODELOG_VIEWS, st);
	return rc;
}

/* The node log's row for a reaction op that changed a count (0009). */
static int reaction_log(struct sql_store *q, const struct nd_reaction_op *op)
{
	struct nd__sql_stmt *st;
	int rc;

	if (!q->base.log_node || (op->result != 1 && op->result != -1))
		return 0;
	if ((rc = stmt_get(q, ST_NODELOG_REACTION, &st)) != 0)
		return rc;
	bind_int(st, 1, q->base.log_node, &rc);
	bind_int(st, 2, now(), &rc);
	bind_int(st, 3, op->article_id, &rc);
	bind_text(st, 4, op->type, &rc);
	bind_int(st, 5, op->result, &rc);
	bind_int(st, 6, op->at ? op->at : now(), &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_NODELOG_REACTION].what)
	        : step_done(q, ST_NODELOG_REACTION, st);
	stmt_put(q, ST_NODELOG_REACTION, st);
	return rc;
}

/*
 * Runs a reaction statement keyed by (article, type[, visitor][, at]) and
 * tells how many rows it changed.
 */
static int reaction_run(struct sql_store *q, enum stmt_id id, const struct nd_reaction_op *op,
                        bool with_visitor, int64_t at, int *changes)
{
	struct nd__sql_stmt *st;
	int rc;

	*changes = 0;
	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	bind_int(st, 1, op->article_id, &rc);
	bind_text(st, 2, op->type, &rc);
	if (with_visitor)
		bind_blob(st, 3, op->visitor, sizeof(op->visitor), &rc);
	if (at)
		bind_int(st, 4, at, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[id].what) : step_done(q, id, st);
	if (!rc)
		*changes = sql_changes(q);
	stmt_put(q, id, st);
	return rc;
}

/* ADD: a new row counts +1; an existing one changes nothing. */
static int reaction_add(struct sql_store *q, const struct nd_reaction_op *op, int *result)
{
	int64_t at = op->at ? op->at : now();
	int changes, rc;

	if ((rc = reaction_run(q, ST_REACTION_ADD, op, true, at, &changes)) != 0 || !changes)
		return rc;
	if ((rc = reaction_run(q, ST_REACTION_COUNT_UP, op, false, 0, &changes)) != 0)
		return rc;
	*result = 1;
	return 0;
}

/* REMOVE: a deleted row counts -1; a missing one changes nothing. */
static int reaction_remove(struct sql_store *q, const struct nd_reaction_op *op, int *result)
{
	int changes, rc;

	if ((rc = reaction_run(q, ST_REACTION_DELETE, op, true, 0, &changes)) != 0 || !changes)
		return rc;
	if ((rc = reaction_run(q, ST_REACTION_COUNT_DOWN, op, false, 0, &changes)) != 0)
		return rc;
	/* Someone wrote reactions behind the store's back: refuse rather than guess. */
	if (changes != 1)
		return nd_error(ND_ESTORE,
		                "store '%s': article %lld has a '%s' reaction but no count for it",
		                q->base.url, (long long)op->article_id, op->type);
	*result = -1;
	return 0;
}

static int reaction_apply(struct sql_store *q, struct nd_reaction_op *op)
{
	int rc = 0;

	switch (op->op) {
	case ND_REACT_ADD: rc = reaction_add(q, op, &op->result); break;
	case ND_REACT_REMOVE: rc = reaction_remove(q, op, &op->result); break;
	case ND_REACT_TOGGLE:
		if ((rc = reaction_remove(q, op, &op->result)) == 0 && op->result == 0)
			rc = reaction_add(q, op, &op->result);
		break;
	}
	return rc;
}

/* Appends the '{a,b,…}' array literal of one field of the deltas. */
static void array_of(struct nd_buf *b, const struct nd_view_delta *v, size_t nv, int field)
{
	nd_buf_addch(b, '{');
	for (size_t i = 0; i < nv; i++)
		nd_buf_addf(b, "%s%lld", i ? "," : "",
		            (long long)(field == 0   ? v[i].article_id
		                        : field == 1 ? v[i].hour
		                                     : (int64_t)v[i].views));
	nd_buf_addch(b, '}');
}

/*
 * The views of counts_apply in one statement (ST_VIEWS_BATCH): packs what
 * was stored for the node log (packed may be NULL) and counts the deltas
 * of articles gone. The counter hands one delta per article and hour, so
 * the deltas stored are the rows.
 */
static int views_batch(struct sql_store *q, const struct nd_view_delta *v, size_t nv,
                       uint8_t *packed, size_t *logged, size_t *gone)
{
	struct nd_buf a[3] = {ND_BUF_INIT, ND_BUF_INIT, ND_BUF_INIT};
	struct nd__sql_stmt *st;
	size_t wanted = 0, rows = 0;
	int rc, step;

	for (size_t i = 0; i < nv; i++)
		wanted += v[i].views > 0;
	for (int f = 0; f < 3; f++)
		array_of(&a[f], v, nv, f); /* no limit: cannot fail */
	if ((rc = stmt_get(q, ST_VIEWS_BATCH, &st)) != 0)
		goto out;
	for (int f = 0; f < 3; f++)
		bind_text(st, f + 1, a[f].buf, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_VIEWS_BATCH].what);
		stmt_put(q, ST_VIEWS_BATCH, st);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		struct nd_view_delta d = {.article_id = nd__sql_int(st, 0),
		                          .hour = nd__sql_int(st, 1),
		                          .views = (uint32_t)nd__sql_int(st, 2)};

		if (packed && rows < nv)
			delta_pack(packed + NODELOG_DELTA * (*logged)++, &d);
		rows++;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_VIEWS_BATCH].what);
	stmt_put(q, ST_VIEWS_BATCH, st);
	*gone = wanted > rows ? wanted - rows : 0;
out:
	for (int f = 0; f < 3; f++)
		nd_buf_release(&a[f]);
	return rc;
}

/* The views of counts_apply one statement at a time: as views_batch. */
static int views_each(struct sql_store *q, struct live_memo *memo, const struct nd_view_delta *v,
                      size_t nv, uint8_t *packed, size_t *logged, size_t *gone)
{
	bool live;
	int rc = 0;

	for (size_t i = 0; i < nv && !rc; i++) {
		if (!v[i].views)
			continue;
		if ((rc = article_live(q, memo, v[i].article_id, &live)) != 0)
			break;
		if (!live) {
			nd_trace("store", "views for deleted article %lld skipped",
			         (long long)v[i].article_id);
			(*gone)++;
			continue;
		}
		if ((rc = view_add(q, &v[i])) == 0 && packed)
			delta_pack(packed + NODELOG_DELTA * (*logged)++, &v[i]);
	}
	return rc;
}

static int sql_counts_apply(struct nd_store *s, const struct nd_view_delta *v, size_t nv,
                            struct nd_reaction_op *r, size_t nr)
{
	struct sql_store *q = sq(s);
	struct live_memo memo = {0};
	size_t gone_views = 0, gone_ops = 0, logged = 0;
	/* The stored deltas, for the node log. */
	uint8_t *packed = q->base.log_node && nv ? nd_xmalloc(nv * NODELOG_DELTA) : NULL;
	bool live;
	int rc;

	/* From zero on every try: store.c may run a batch again after a rollback. */
	for (size_t i = 0; i < nr; i++)
		r[i].result = 0;
	if ((rc = write_begin(q)) != 0) {
		free(packed);
		return rc;
	}
	if (q->drv->arrays && nv > 1)
		rc = views_batch(q, v, nv, packed, &logged, &gone_views);
	else
		rc = views_each(q, &memo, v, nv, packed, &logged, &gone_views);
	if (!rc && packed)
		rc = views_log(q, packed, logged);
	free(packed);
	for (size_t i = 0; i < nr && !rc; i++) {
		if ((rc = article_live(q, &memo, r[i].article_id, &live)) != 0)
			break;
		if (!live) {
			nd_trace("store", "reaction for deleted article %lld skipped",
			         (long long)r[i].article_id);
			r[i].result = ND_ENOTFOUND;
			gone_ops++;
			continue;
		}
		if ((rc = reaction_apply(q, &r[i])) == 0)
			rc = reaction_log(q, &r[i]);
	}
	rc = write_end(q, rc);
	if (!rc && (gone_views || gone_ops))
		nd_log(ND_LOG_INFO,
		       "store '%s': skipped %zu view deltas and %zu reactions of articles that "
		       "no longer exist",
		       q->base.url, gone_views, gone_ops);
	return rc;
}

/* A walk of statement id's rows of two integers: one row, one callback. */
static int each_count(struct sql_store *q, enum stmt_id id, nd_count_cb cb, void *ctx)
{
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		q->base.delivered++;
		if ((rc = cb(ctx, nd__sql_int(st, 0), nd__sql_int(st, 1))) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[id].what);
out:
	stmt_put(q, id, st);
	return rc;
}

/* The counter walks: one row, one callback. */
static int sql_each_article_views(struct nd_store *s, nd_stats_cb cb, void *ctx)
{
	return each_count(sq(s), ST_EACH_ARTICLE_VIEWS, cb, ctx);
}

static int sql_each_reaction_count(struct nd_store *s, nd_rcount_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_EACH_REACTION_COUNT, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		q->base.delivered++;
		if ((rc = cb(ctx, nd__sql_int(st, 0), col_text(st, 1), nd__sql_int(st, 2))) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_EACH_REACTION_COUNT].what);
out:
	stmt_put(q, ST_EACH_REACTION_COUNT, st);
	return rc;
}

static int sql_each_view_hour(struct nd_store *s, int64_t from_hour, nd_vhour_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_EACH_VIEW_HOUR, &st)) != 0)
		return rc;
	bind_int(st, 1, from_hour, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_EACH_VIEW_HOUR].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		q->base.delivered++;
		if ((rc = cb(ctx, nd__sql_int(st, 0), nd__sql_int(st, 1), nd__sql_int(st, 2))) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_EACH_VIEW_HOUR].what);
out:
	stmt_put(q, ST_EACH_VIEW_HOUR, st);
	return rc;
}

static int sql_reaction_has(struct nd_store *s, int64_t article_id, const char *type,
                            const uint8_t visitor[ND_STORE_VISITOR_LEN], bool *out)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int64_t one;
	int rc;

	if ((rc = stmt_get(q, ST_REACTION_HAS, &st)) != 0)
		return rc;
	bind_int(st, 1, article_id, &rc);
	bind_text(st, 2, type, &rc);
	bind_blob(st, 3, visitor, ND_STORE_VISITOR_LEN, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_REACTION_HAS].what)
	        : step_int(q, ST_REACTION_HAS, st, &one, out);
	stmt_put(q, ST_REACTION_HAS, st);
	return rc;
}

static int sql_views_compact(struct nd_store *s, int64_t before_hour)
{
	struct sql_store *q = sq(s);
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = run_ints(q, ST_VIEWS_FOLD, &before_hour, 1)) == 0 &&
	    (rc = run_ints(q, ST_VIEWS_FOLD_DELETE, &before_hour, 1)) == 0)
		nd_trace("store",
		         "store '%s': folded %lld hourly view rows before hour %lld into days",
		         q->base.url, (long long)sql_changes(q), (long long)before_hour);
	return write_end(q, rc);
}

/*
 * Steps ST_META_GET for key: *found tells whether there is a row, whose
 * value is then column 0 of *out. The caller puts *out back (stmt_put), on
 * failure too.
 */
static int meta_read(struct sql_store *q, const char *key, struct nd__sql_stmt **out, bool *found)
{
	struct nd__sql_stmt *st;
	int rc;

	*found = false;
	if ((rc = stmt_get(q, ST_META_GET, &st)) != 0)
		return rc;
	*out = st;
	bind_text(st, 1, key, &rc);
	if (rc)
		return db_fail(q, rc, stmt_defs[ST_META_GET].what);
	rc = nd__sql_step(st);
	if (rc == ND_SQL_ROW)
		*found = true;
	else if (rc != ND_SQL_DONE)
		return db_fail(q, rc, stmt_defs[ST_META_GET].what);
	return 0;
}

static int sql_secret(struct nd_store *s, const char *name, const uint8_t *fresh, uint8_t *out,
                      size_t len)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	const void *v = NULL;
	bool found;
	int rc;

	/* One transaction: of several first callers, one inserts and all read its value. */
	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_META_ADD, &st)) != 0)
		goto out;
	bind_text(st, 1, name, &rc);
	bind_blob(st, 2, fresh, len, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_META_ADD].what) : step_done(q, ST_META_ADD, st);
	stmt_put(q, ST_META_ADD, st);
	st = NULL;
	if (rc)
		goto out;
	if ((rc = meta_read(q, name, &st, &found)) != 0)
		goto out;
	if (!found || nd__sql_type(st, 1) != ND_SQL_BLOB || !(v = col_blob_of(st, 1, len))) {
		rc = nd_error(ND_EINVAL, "store '%s': meta '%s' is not a secret of %zu bytes",
		              q->base.url, name, len);
		goto out;
	}
	memcpy(out, v, len);
out:
	stmt_put(q, ST_META_GET, st);
	return write_end(q, rc);
}

static int sql_meta_int_get(struct nd_store *s, const char *key, int64_t *out)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	bool found;
	int rc;

	if ((rc = meta_read(q, key, &st, &found)) != 0)
		goto out;
	if (!found)
		rc = ND_ENOTFOUND;
	else if (nd__sql_type(st, 0) != ND_SQL_INT)
		rc = nd_error(ND_EINVAL, "store '%s': meta '%s' is not an integer", q->base.url,
		              key);
	else
		*out = nd__sql_int(st, 0);
out:
	stmt_put(q, ST_META_GET, st);
	return rc;
}

static int sql_meta_int_set(struct nd_store *s, const char *key, int64_t value)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_META_SET, &st)) == 0) {
		bind_text(st, 1, key, &rc);
		bind_int(st, 2, value, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_META_SET].what)
		        : step_done(q, ST_META_SET, st);
		stmt_put(q, ST_META_SET, st);
	}
	return write_end(q, rc);
}

static int sql_counts_clear(struct nd_store *s)
{
	static const enum stmt_id clear[] = {
	    ST_CLEAR_REACTION_COUNTS, ST_CLEAR_REACTIONS,     ST_CLEAR_VIEW_DAYS,
	    ST_CLEAR_VIEW_HOURS,      ST_CLEAR_ARTICLE_STATS, ST_CLEAR_HISTORY,
	};
	struct sql_store *q = sq(s);
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	for (size_t i = 0; i < ND_COUNT(clear) && !rc; i++)
		rc = run(q, clear[i]);
	return write_end(q, rc);
}

/* The node log's row for a new history row (0009). */
static int history_log(struct sql_store *q, const struct nd_history_rec *h)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_NODELOG_READ, &st)) != 0)
		return rc;
	bind_int(st, 1, q->base.log_node, &rc);
	bind_int(st, 2, now(), &rc);
	bind_int(st, 3, h->article_id, &rc);
	bind_blob(st, 4, h->visitor, ND_STORE_VISITOR_LEN, &rc);
	bind_int(st, 5, h->at, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_NODELOG_READ].what)
	        : step_done(q, ST_NODELOG_READ, st);
	stmt_put(q, ST_NODELOG_READ, st);
	return rc;
}

static int sql_history_add(struct nd_store *s, const struct nd_history_rec *h, size_t n)
{
	struct sql_store *q = sq(s);
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		struct nd__sql_stmt *st;

		if ((rc = stmt_get(q, ST_HISTORY_ADD, &st)) != 0)
			break;
		bind_blob(st, 1, h[i].visitor, ND_STORE_VISITOR_LEN, &rc);
		bind_int(st, 2, h[i].at, &rc);
		bind_int(st, 3, h[i].article_id, &rc);
		rc = rc ? db_fail(q, rc, stmt_defs[ST_HISTORY_ADD].what)
		        : step_done(q, ST_HISTORY_ADD, st);
		stmt_put(q, ST_HISTORY_ADD, st);
		/* Only a new row is news for the other nodes. */
		if (!rc && q->base.log_node && sql_changes(q) == 1)
			rc = history_log(q, &h[i]);
	}
	return write_end(q, rc);
}

static int sql_each_history(struct nd_store *s, int64_t since, nd_history_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd_history_rec rec;
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_EACH_HISTORY, &st)) != 0)
		return rc;
	bind_int(st, 1, since, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_EACH_HISTORY].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		/* Rows are written only by nd_store_history_add; a visitor of
		 * another length was put there by hand and is not ours. */
		const void *visitor = col_blob_of(st, 0, ND_STORE_VISITOR_LEN);

		if (!visitor)
			continue;
		memcpy(rec.visitor, visitor, ND_STORE_VISITOR_LEN);
		rec.article_id = nd__sql_int(st, 1);
		rec.at = nd__sql_int(st, 2);
		q->base.delivered++;
		if ((rc = cb(ctx, &rec)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_EACH_HISTORY].what);
out:
	stmt_put(q, ST_EACH_HISTORY, st);
	return rc;
}

static int sql_history_purge(struct nd_store *s, int64_t before, int64_t keep, int64_t *deleted)
{
	struct sql_store *q = sq(s);
	int rc;

	*deleted = 0;
	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = run_ints(q, ST_HISTORY_PURGE_AGE, &before, 1)) == 0) {
		*deleted = sql_changes(q);
		if ((rc = run_ints(q, ST_HISTORY_PURGE_EXTRA, &keep, 1)) == 0)
			*deleted += sql_changes(q);
	}
	return write_end(q, rc);
}

/* --- the node log (0009) --- */

static int sql_nodelog_mark(struct nd_store *s, int64_t *mark)
{
	return query_int(sq(s), ST_NODELOG_MARK, mark);
}

/* The packed deltas of a views row into *buf (grown as needed); how many. */
static size_t deltas_unpack(const uint8_t *p, size_t len, struct nd_view_delta **buf, size_t *cap)
{
	size_t n = len / NODELOG_DELTA;

	if (n > *cap) {
		*cap = n;
		*buf = nd_xrealloc(*buf, n * sizeof(**buf));
	}
	for (size_t i = 0; i < n; i++, p += NODELOG_DELTA)
		(*buf)[i] = (struct nd_view_delta){(int64_t)get_le(p, 8), (int64_t)get_le(p + 8, 8),
		                                   (uint32_t)get_le(p + 16, 4)};
	return n;
}

/* A node log row into rec, its kind told by which optional column is set;
 * deltas decode into *buf. False for a row this build cannot read. */
static bool nodelog_row(struct nd__sql_stmt *st, struct nd_nodelog_rec *rec,
                        struct nd_view_delta **buf, size_t *cap)
{
	const void *visitor = col_blob_of(st, 6, ND_STORE_VISITOR_LEN);
	size_t len = 0;
	const uint8_t *deltas = nd__sql_blob(st, 3, &len);

	memset(rec, 0, sizeof(*rec));
	rec->id = nd__sql_int(st, 0);
	rec->node = nd__sql_int(st, 1);
	rec->article_id = nd__sql_int(st, 2);
	rec->type = col_text(st, 4);
	rec->reaction = (int)nd__sql_int(st, 5);
	rec->at = nd__sql_int(st, 7);
	if (deltas && len) {
		rec->kind = ND_NODELOG_VIEWS;
		rec->nviews = deltas_unpack(deltas, len, buf, cap);
		rec->views = *buf;
		return len % NODELOG_DELTA == 0;
	}
	if (visitor) {
		rec->kind = ND_NODELOG_READ;
		memcpy(rec->visitor, visitor, ND_STORE_VISITOR_LEN);
		return true;
	}
	rec->kind = ND_NODELOG_REACTION;
	return rec->type[0] && (rec->reaction == 1 || rec->reaction == -1);
}

static int sql_nodelog_since(struct nd_store *s, int64_t after, int64_t node, nd_nodelog_cb cb,
                             void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd_nodelog_rec rec;
	struct nd_view_delta *buf = NULL;
	size_t cap = 0;
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_NODELOG_SINCE, &st)) != 0)
		return rc;
	bind_int(st, 1, after, &rc);
	bind_int(st, 2, node, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_NODELOG_SINCE].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		/* One this build cannot read still moves the mark, as no views. */
		if (!nodelog_row(st, &rec, &buf, &cap)) {
			rec.kind = ND_NODELOG_VIEWS;
			rec.nviews = 0;
		}
		q->base.delivered++; /* before: a retry must not deliver it twice */
		if ((rc = cb(ctx, &rec)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_NODELOG_SINCE].what);
out:
	stmt_put(q, ST_NODELOG_SINCE, st);
	free(buf);
	return rc;
}

static int sql_nodelog_prune(struct nd_store *s, int64_t max_age, int64_t *deleted)
{
	struct sql_store *q = sq(s);
	int64_t before = now() - max_age;
	int rc;

	if ((rc = run_ints(q, ST_NODELOG_PRUNE, &before, 1)) == 0)
		*deleted = sql_changes(q);
	return rc;
}

/* --- accounts (0004) --- */

static int read_user(struct sql_store *q, struct nd__sql_stmt *st, nd_user_cb cb, void *ctx)
{
	struct nd_user_rec rec = {
	    .id = nd__sql_int(st, 0),
	    .login = col_text(st, 1),
	    .name = col_text(st, 2),
	    .role = ND_ROLE_AUTHOR,
	    .password = col_text(st, 4),
	    .created_at = nd__sql_int(st, 5),
	    .last_login = nd__sql_int(st, 6),
	    .disabled = nd__sql_int(st, 7) != 0,
	};

	/* The CHECK constraint keeps role one of the names. */
	nd_role_parse(col_text(st, 3), &rec.role);
	q->base.delivered++;
	return cb(ctx, &rec);
}

static int sql_user_add(struct nd_store *s, const char *login, const char *name, enum nd_role role,
                        const char *password, int64_t *id)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_USER_ADD, &st)) != 0)
		goto out;
	bind_text(st, 1, login, &rc);
	bind_text(st, 2, name, &rc);
	bind_text(st, 3, nd_role_name(role), &rc);
	bind_text(st, 4, password, &rc);
	bind_int(st, 5, now(), &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_USER_ADD].what);
		goto out;
	}
	rc = nd__sql_step(st);
	if (rc == ND_SQL_ROW) {
		rc = 0;
		*id = nd__sql_int(st, 0);
	} else if (rc == ND_EEXIST) {
		rc = ND_EEXIST; /* the caller's to report: a user's mistake, not the store's */
	} else {
		rc = db_fail(q, rc, stmt_defs[ST_USER_ADD].what);
	}
out:
	stmt_put(q, ST_USER_ADD, st);
	return write_end(q, rc);
}

static int sql_user_get(struct nd_store *s, const char *login, int64_t id, nd_user_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	enum stmt_id sid = login ? ST_USER_BY_LOGIN : ST_USER_BY_ID;
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, sid, &st)) != 0)
		return rc;
	if (login)
		bind_text(st, 1, login, &rc);
	else
		bind_int(st, 1, id, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[sid].what);
		goto out;
	}
	step = nd__sql_step(st);
	if (step == ND_SQL_ROW)
		rc = read_user(q, st, cb, ctx);
	else if (step == ND_SQL_DONE)
		rc = ND_ENOTFOUND;
	else
		rc = db_fail(q, step, stmt_defs[sid].what);
out:
	stmt_put(q, sid, st);
	return rc;
}

static int sql_each_user(struct nd_store *s, nd_user_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_EACH_USER, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW)
		if ((rc = read_user(q, st, cb, ctx)) != 0)
			goto out;
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_EACH_USER].what);
out:
	stmt_put(q, ST_EACH_USER, st);
	return rc;
}

static int sql_user_set(struct nd_store *s, int64_t id, const char *password, int role,
                        int64_t last_login)
{
	struct sql_store *q = sq(s);
	enum stmt_id sid = password    ? ST_USER_SET_PASSWORD
	                   : role >= 0 ? ST_USER_SET_ROLE
	                               : ST_USER_SET_LAST_LOGIN;
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, sid, &st)) != 0)
		goto out;
	bind_int(st, 1, id, &rc);
	if (password)
		bind_text(st, 2, password, &rc);
	else if (role >= 0)
		bind_text(st, 2, nd_role_name((enum nd_role)role), &rc);
	else
		bind_int(st, 2, last_login, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[sid].what) : step_done(q, sid, st);
	if (!rc && sql_changes(q) == 0)
		rc = ND_ENOTFOUND;
out:
	stmt_put(q, sid, st);
	return write_end(q, rc);
}

static int sql_user_remove(struct nd_store *s, const char *login)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_USER_REMOVE, &st)) != 0)
		goto out;
	bind_text(st, 1, login, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_USER_REMOVE].what) : step_done(q, ST_USER_REMOVE, st);
	if (!rc && sql_changes(q) == 0)
		rc = ND_ENOTFOUND;
out:
	stmt_put(q, ST_USER_REMOVE, st);
	return write_end(q, rc);
}

static int sql_session_add(struct nd_store *s, const struct nd_session_rec *r)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_SESSION_ADD, &st)) != 0)
		goto out;
	bind_blob(st, 1, r->id, ND_STORE_SESSION_ID_LEN, &rc);
	bind_int(st, 2, r->user_id, &rc);
	bind_int(st, 3, r->created_at, &rc);
	bind_int(st, 4, r->last_seen, &rc);
	bind_int(st, 5, r->expires_at, &rc);
	bind_blob(st, 6, r->csrf, ND_STORE_CSRF_LEN, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_SESSION_ADD].what);
		goto out;
	}
	rc = nd__sql_step(st);
	if (rc == ND_SQL_DONE)
		rc = sql_changes(q) ? 0 : ND_ENOTFOUND;
	else if (rc == ND_EEXIST)
		rc = nd_error(ND_EEXIST, "store '%s': a session with this id exists", q->base.url);
	else
		rc = db_fail(q, rc, stmt_defs[ST_SESSION_ADD].what);
out:
	stmt_put(q, ST_SESSION_ADD, st);
	return write_end(q, rc);
}

static int sql_session_get(struct nd_store *s, const uint8_t *id, struct nd_session_rec *out)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	const void *csrf;
	int rc, step;

	if ((rc = stmt_get(q, ST_SESSION_GET, &st)) != 0)
		return rc;
	bind_blob(st, 1, id, ND_STORE_SESSION_ID_LEN, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_SESSION_GET].what);
		goto out;
	}
	step = nd__sql_step(st);
	if (step == ND_SQL_ROW && (csrf = col_blob_of(st, 4, ND_STORE_CSRF_LEN)) != NULL) {
		memcpy(out->id, id, ND_STORE_SESSION_ID_LEN);
		out->user_id = nd__sql_int(st, 0);
		out->created_at = nd__sql_int(st, 1);
		out->last_seen = nd__sql_int(st, 2);
		out->expires_at = nd__sql_int(st, 3);
		memcpy(out->csrf, csrf, ND_STORE_CSRF_LEN);
	} else if (step == ND_SQL_ROW || step == ND_SQL_DONE) {
		rc = ND_ENOTFOUND; /* a row not written by us is no session */
	} else {
		rc = db_fail(q, step, stmt_defs[ST_SESSION_GET].what);
	}
out:
	stmt_put(q, ST_SESSION_GET, st);
	return rc;
}

/* Runs sid with the session id as ?1 and, when has_int, v as ?2, in a write. */
static int session_write(struct sql_store *q, enum stmt_id sid, const uint8_t *id, int64_t v,
                         bool has_int, int64_t *changes)
{
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, sid, &st)) != 0)
		goto out;
	if (id)
		bind_blob(st, 1, id, ND_STORE_SESSION_ID_LEN, &rc);
	else
		bind_int(st, 1, v, &rc);
	if (id && has_int)
		bind_int(st, 2, v, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[sid].what) : step_done(q, sid, st);
	if (!rc && changes)
		*changes = sql_changes(q);
out:
	stmt_put(q, sid, st);
	return write_end(q, rc);
}

static int sql_session_touch(struct nd_store *s, const uint8_t *id, int64_t last_seen)
{
	return session_write(sq(s), ST_SESSION_TOUCH, id, last_seen, true, NULL);
}

static int sql_session_delete(struct nd_store *s, const uint8_t *id, int64_t user_id,
                              int64_t *deleted)
{
	if (id)
		return session_write(sq(s), ST_SESSION_DELETE, id, 0, false, deleted);
	return session_write(sq(s), ST_SESSION_DELETE_USER, NULL, user_id, false, deleted);
}

static int sql_session_purge(struct nd_store *s, int64_t when, int64_t idle_before,
                             int64_t *deleted)
{
	struct sql_store *q = sq(s);
	int64_t v[2] = {when, idle_before};
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = run_ints(q, ST_SESSION_PURGE, v, 2)) == 0)
		*deleted = sql_changes(q);
	return write_end(q, rc);
}

/* Reads login's row into *out (zeros when none) and its last failure into *last. */
static int login_read(struct sql_store *q, const char *login, struct nd_login_state *out,
                      int64_t *last)
{
	struct nd__sql_stmt *st;
	int rc, step;

	out->failures = out->locked_until = *last = 0;
	out->counted = false;
	if ((rc = stmt_get(q, ST_LOGIN_STATE, &st)) != 0)
		return rc;
	bind_text(st, 1, login, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_LOGIN_STATE].what);
		goto out;
	}
	step = nd__sql_step(st);
	if (step == ND_SQL_ROW) {
		out->failures = nd__sql_int(st, 0);
		out->locked_until = nd__sql_int(st, 1);
		*last = nd__sql_int(st, 2);
	} else if (step != ND_SQL_DONE) {
		rc = db_fail(q, step, stmt_defs[ST_LOGIN_STATE].what);
	}
out:
	stmt_put(q, ST_LOGIN_STATE, st);
	return rc;
}

static int sql_login_state(struct nd_store *s, const char *login, struct nd_login_state *out)
{
	int64_t last;

	return login_read(sq(s), login, out, &last);
}

static int sql_login_failed(struct nd_store *s, const char *login, int64_t when, int max_failures,
                            int64_t lock_seconds, struct nd_login_state *out)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int64_t last;
	int rc;

	/* Read and write in one transaction: concurrent failures all count. */
	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = login_read(q, login, out, &last)) != 0 || when < out->locked_until)
		goto out;
	if (last < when - ND_STORE_LOGIN_WINDOW)
		out->failures = 0;
	out->counted = true;
	if (++out->failures >= max_failures) {
		out->failures = 0;
		out->locked_until = when + lock_seconds;
	}
	if ((rc = stmt_get(q, ST_LOGIN_SET, &st)) != 0)
		goto out;
	bind_text(st, 1, login, &rc);
	bind_int(st, 2, out->failures, &rc);
	bind_int(st, 3, when, &rc);
	bind_int(st, 4, out->locked_until, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_LOGIN_SET].what) : step_done(q, ST_LOGIN_SET, st);
out:
	stmt_put(q, ST_LOGIN_SET, st);
	return write_end(q, rc);
}

static int sql_login_purge(struct nd_store *s, int64_t when, int64_t *deleted)
{
	struct sql_store *q = sq(s);
	int64_t v[2] = {when, when - ND_STORE_LOGIN_WINDOW};
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = run_ints(q, ST_LOGIN_PURGE, v, 2)) == 0)
		*deleted = sql_changes(q);
	return write_end(q, rc);
}

static int sql_login_clear(struct nd_store *s, const char *login)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_LOGIN_CLEAR, &st)) != 0)
		goto out;
	bind_text(st, 1, login, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_LOGIN_CLEAR].what) : step_done(q, ST_LOGIN_CLEAR, st);
out:
	stmt_put(q, ST_LOGIN_CLEAR, st);
	return write_end(q, rc);
}

static int sql_token_add(struct nd_store *s, int64_t user_id, const char *name, const uint8_t *hash,
                         int64_t at, int64_t *id)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st = NULL;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_TOKEN_ADD, &st)) != 0)
		goto out;
	bind_int(st, 1, user_id, &rc);
	bind_text(st, 2, name, &rc);
	bind_blob(st, 3, hash, ND_STORE_TOKEN_HASH_LEN, &rc);
	bind_int(st, 4, at, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_TOKEN_ADD].what);
		goto out;
	}
	rc = nd__sql_step(st);
	if (rc == ND_SQL_ROW) {
		rc = 0;
		*id = nd__sql_int(st, 0);
	} else if (rc == ND_SQL_DONE) {
		rc = ND_ENOTFOUND; /* the user was removed meanwhile: no row */
	} else if (rc == ND_EEXIST) {
		rc = nd_error(ND_EEXIST, "store '%s': an API token with this hash exists",
		              q->base.url);
	} else {
		rc = db_fail(q, rc, stmt_defs[ST_TOKEN_ADD].what);
	}
out:
	stmt_put(q, ST_TOKEN_ADD, st);
	return write_end(q, rc);
}

static int sql_token_find(struct nd_store *s, const uint8_t *hash, int64_t user_id, nd_token_cb cb,
                          void *ctx)
{
	struct sql_store *q = sq(s);
	enum stmt_id sid = hash ? ST_TOKEN_BY_HASH : user_id ? ST_TOKEN_BY_USER : ST_TOKEN_ALL;
	struct nd_token_rec rec;
	bool any = false;
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, sid, &st)) != 0)
		return rc;
	if (hash)
		bind_blob(st, 1, hash, ND_STORE_TOKEN_HASH_LEN, &rc);
	else if (user_id)
		bind_int(st, 1, user_id, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[sid].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		const void *stored = col_blob_of(st, 3, ND_STORE_TOKEN_HASH_LEN);

		if (!stored)
			continue; /* not written by us */
		any = true;
		rec.id = nd__sql_int(st, 0);
		rec.user_id = nd__sql_int(st, 1);
		rec.name = col_text(st, 2);
		memcpy(rec.hash, stored, ND_STORE_TOKEN_HASH_LEN);
		rec.created_at = nd__sql_int(st, 4);
		rec.last_used = nd__sql_int(st, 5);
		rec.revoked_at = nd__sql_int(st, 6);
		q->base.delivered++;
		if ((rc = cb(ctx, &rec)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[sid].what);
	else if (hash && !any)
		rc = ND_ENOTFOUND;
out:
	stmt_put(q, sid, st);
	return rc;
}

static int sql_token_set(struct nd_store *s, int64_t id, int64_t at, bool revoke)
{
	struct sql_store *q = sq(s);
	int64_t v[2] = {id, at};
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	rc = run_ints(q, revoke ? ST_TOKEN_REVOKE : ST_TOKEN_USED, v, 2);
	if (!rc && sql_changes(q) == 0)
		rc = ND_ENOTFOUND;
	return write_end(q, rc);
}

/* --- revisions --- */

/* A revision's tag names, reused from row to row of one walk. */
struct name_list {
	char **v;
	size_t n, alloc;
};

static void names_clear(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static int load_revision_tags(struct sql_store *q, int64_t rev_id, struct name_list *l)
{
	struct nd__sql_stmt *st;
	int rc, step;

	names_clear(l);
	if ((rc = stmt_get(q, ST_REVISION_TAGS, &st)) != 0)
		return rc;
	bind_int(st, 1, rev_id, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_REVISION_TAGS].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		if (l->n == l->alloc) {
			l->alloc = l->alloc ? l->alloc * 2 : 8;
			l->v = nd_xrealloc(l->v, l->alloc * sizeof(*l->v));
		}
		l->v[l->n++] = nd_xstrdup(col_text(st, 0));
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_REVISION_TAGS].what);
out:
	stmt_put(q, ST_REVISION_TAGS, st);
	return rc;
}

static int revision_row(struct sql_store *q, struct nd__sql_stmt *st, struct name_list *tags,
                        nd_revision_cb cb, void *ctx)
{
	struct nd_revision_rec r = {
	    .id = nd__sql_int(st, 0),
	    .article_id = nd__sql_int(st, 1),
	    .n = nd__sql_int(st, 2),
	    .ext_id = col_text(st, 3),
	    .slug = col_text(st, 4),
	    .title = col_text(st, 5),
	    .summary = col_text(st, 6),
	    .body = col_text(st, 7),
	    .section = col_text(st, 8),
	    .author = col_text(st, 9),
	    .language = col_text(st, 10),
	    .image = col_text(st, 11),
	    .source_url = col_text(st, 12),
	    .status = (enum nd_article_status)(int)nd__sql_int(st, 13),
	    .published_at = nd__sql_int(st, 14),
	    .updated_at = nd__sql_int(st, 15),
	    .user_id = nd__sql_int(st, 16),
	    .created_at = nd__sql_int(st, 17),
	};
	int rc;

	if ((rc = load_revision_tags(q, r.id, tags)) != 0)
		return rc;
	r.tags = (const char *const *)tags->v;
	r.tag_count = tags->n;
	q->base.delivered++;
	return cb(ctx, &r);
}

static int sql_each_revision(struct nd_store *s, const char *ext_id, int64_t n, nd_revision_cb cb,
                             void *ctx)
{
	struct sql_store *q = sq(s);
	enum stmt_id id = n < 0 ? ST_REVISION_ALL : ST_REVISION_ONE;
	struct name_list tags = {0};
	struct nd__sql_stmt *st = NULL;
	int64_t article_id = 0;
	bool found = false;
	int rc, step;

	if ((rc = stmt_get(q, ST_REVISION_ARTICLE, &st)) != 0)
		return rc;
	bind_text(st, 1, ext_id, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_REVISION_ARTICLE].what)
	        : step_int(q, ST_REVISION_ARTICLE, st, &article_id, &found);
	stmt_put(q, ST_REVISION_ARTICLE, st);
	if (rc)
		return rc;
	if (!found)
		return ND_ENOTFOUND;
	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	bind_int(st, 1, article_id, &rc);
	if (n >= 0)
		bind_int(st, 2, n, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[id].what);
		goto out;
	}
	found = false;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		found = true;
		if ((rc = revision_row(q, st, &tags, cb, ctx)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[id].what);
	else if (n >= 0 && !found)
		rc = ND_ENOTFOUND;
out:
	stmt_put(q, id, st);
	names_clear(&tags);
	free(tags.v);
	return rc;
}

/* --- webhook deliveries --- */

static int sql_delivery_add(struct nd_store *s, const char *webhook, const char *event,
                            const char *url, const char *article, int64_t at, int64_t *id)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int64_t row = 0;
	int rc;

	if ((rc = stmt_get(q, ST_DELIVERY_ADD, &st)) != 0)
		return rc;
	bind_text(st, 1, webhook, &rc);
	bind_text(st, 2, event, &rc);
	bind_text(st, 3, url, &rc);
	bind_text(st, 4, article, &rc);
	bind_int(st, 5, at, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_DELIVERY_ADD].what)
	        : step_int(q, ST_DELIVERY_ADD, st, &row, NULL);
	stmt_put(q, ST_DELIVERY_ADD, st);
	if (!rc && id)
		*id = row;
	return rc;
}

static int sql_delivery_update(struct nd_store *s, int64_t id, const char *status,
                               int64_t http_status, const char *last_error, int64_t at)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_DELIVERY_UPDATE, &st)) != 0)
		return rc;
	bind_int(st, 1, id, &rc);
	bind_text(st, 2, status, &rc);
	bind_int(st, 3, http_status, &rc);
	bind_text(st, 4, last_error, &rc);
	bind_int(st, 5, at, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_DELIVERY_UPDATE].what)
	        : step_done(q, ST_DELIVERY_UPDATE, st);
	stmt_put(q, ST_DELIVERY_UPDATE, st);
	if (!rc && sql_changes(q) == 0)
		rc = ND_ENOTFOUND;
	return rc;
}

static int sql_each_delivery(struct nd_store *s, nd_delivery_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_DELIVERY_ALL, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		struct nd_delivery_rec r = {
		    .id = nd__sql_int(st, 0),
		    .webhook = col_text(st, 1),
		    .event = col_text(st, 2),
		    .url = col_text(st, 3),
		    .article = col_text(st, 4),
		    .status = col_text(st, 5),
		    .last_error = col_text(st, 6),
		    .attempts = nd__sql_int(st, 7),
		    .http_status = nd__sql_int(st, 8),
		    .created_at = nd__sql_int(st, 9),
		    .updated_at = nd__sql_int(st, 10),
		};
		q->base.delivered++;
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_DELIVERY_ALL].what);
out:
	stmt_put(q, ST_DELIVERY_ALL, st);
	return rc;
}

/* --- views over time (the admin's stats pages) --- */

/*
 * Runs statement id with ?1..?nv = v, and adds each row's views (column 1)
 * to out[column 0 - base]; rows outside [base, base + len) are skipped.
 */
static int series_add(struct sql_store *q, enum stmt_id id, const int64_t *v, int nv, int64_t base,
                      size_t len, int64_t *out)
{
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	for (int i = 0; i < nv; i++)
		bind_int(st, i + 1, v[i], &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[id].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		int64_t at = nd__sql_int(st, 0) - base;
		if (at >= 0 && (uint64_t)at < len)
			out[at] += nd__sql_int(st, 1);
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[id].what);
out:
	stmt_put(q, id, st);
	return rc;
}

/* --- sections and tags in the admin --- */

/*
 * Runs statement id with the integers v[0..n) as ?1..?n and reads the
 * first row's columns 0 and 1 (when out1 is not NULL) as integers.
 * *found (may be NULL) tells whether there was a row.
 */
static int query_ints(struct sql_store *q, enum stmt_id id, const int64_t *v, int n, int64_t *out0,
                      int64_t *out1, bool *found)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	for (int i = 0; i < n; i++)
		bind_id(st, i + 1, v[i], &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[id].what);
	} else {
		rc = nd__sql_step(st);
		if (found)
			*found = rc == ND_SQL_ROW;
		if (rc == ND_SQL_ROW) {
			*out0 = nd__sql_int(st, 0);
			if (out1)
				*out1 = nd__sql_int(st, 1);
			rc = 0;
		} else {
			rc = rc == ND_SQL_DONE ? 0 : db_fail(q, rc, stmt_defs[id].what);
		}
	}
	stmt_put(q, id, st);
	return rc;
}

/* Starts a read transaction unless the caller is in one; *own tells whether to end it. */
static int series_begin(struct sql_store *q, bool *own)
{
	*own = !q->base.in_txn;
	return *own ? run(q, ST_BEGIN_READ) : 0;
}

static int series_end(struct sql_store *q, bool own, int rc)
{
	if (own && sql_in_txn(q)) {
		int r = run(q, ST_COMMIT);
		if (!rc)
			rc = r;
	}
	return rc;
}

static int sql_view_series(struct nd_store *s, const int64_t *ids, size_t n, int64_t from_hour,
                           int64_t to_hour, int bucket_hours, int64_t *out)
{
	struct sql_store *q = sq(s);
	int64_t base = from_hour / bucket_hours;
	size_t len = (size_t)((to_hour - from_hour) / bucket_hours);
	bool own;
	int rc;

	if ((rc = series_begin(q, &own)) != 0)
		return rc;
	if (!n) {
		int64_t h[] = {from_hour, to_hour, bucket_hours},
		        d[] = {from_hour / 24, to_hour / 24};
		rc = series_add(q, ST_SERIES_HOURS_ALL, h, 3, base, len, out);
		if (!rc && bucket_hours == 24)
			rc = series_add(q, ST_SERIES_DAYS_ALL, d, 2, base, len, out);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t h[] = {ids[i], from_hour, to_hour, bucket_hours},
		        d[] = {ids[i], from_hour / 24, to_hour / 24};
		rc = series_add(q, ST_SERIES_HOURS_ONE, h, 4, base, len, out);
		if (!rc && bucket_hours == 24)
			rc = series_add(q, ST_SERIES_DAYS_ONE, d, 3, base, len, out);
	}
	return series_end(q, own, rc);
}

static int sql_each_article_range_views(struct nd_store *s, int64_t from_hour, int64_t to_hour,
                                        nd_stats_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	bool own;
	int rc, step;

	if ((rc = series_begin(q, &own)) != 0)
		return rc;
	if ((rc = stmt_get(q, ST_RANGE_VIEWS, &st)) != 0)
		return series_end(q, own, rc);
	bind_int(st, 1, from_hour, &rc);
	bind_int(st, 2, to_hour, &rc);
	bind_int(st, 3, from_hour / 24, &rc);
	bind_int(st, 4, to_hour / 24, &rc);
	if (rc) {
		rc = db_fail(q, rc, stmt_defs[ST_RANGE_VIEWS].what);
		goto out;
	}
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		q->base.delivered++;
		if ((rc = cb(ctx, nd__sql_int(st, 0), nd__sql_int(st, 1))) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_RANGE_VIEWS].what);
out:
	stmt_put(q, ST_RANGE_VIEWS, st);
	return series_end(q, own, rc);
}

static int sql_each_retired(struct nd_store *s, nd_retired_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	struct nd__sql_stmt *st;
	int rc, step;

	if ((rc = stmt_get(q, ST_RETIRED_ALL, &st)) != 0)
		return rc;
	while ((step = nd__sql_step(st)) == ND_SQL_ROW) {
		struct nd_retired_rec r = {
		    .path = col_text(st, 0),
		    .article_id = nd__sql_int(st, 1),
		    .reason = col_text(st, 2),
		    .at = nd__sql_int(st, 3),
		};
		q->base.delivered++;
		if ((rc = cb(ctx, &r)) != 0)
			goto out;
	}
	if (step != ND_SQL_DONE)
		rc = db_fail(q, step, stmt_defs[ST_RETIRED_ALL].what);
out:
	stmt_put(q, ST_RETIRED_ALL, st);
	return rc;
}

static int sql_each_section_count(struct nd_store *s, nd_count_cb cb, void *ctx)
{
	return each_count(sq(s), ST_SECTION_COUNTS, cb, ctx);
}

static int sql_each_tag_count(struct nd_store *s, nd_count_cb cb, void *ctx)
{
	return each_count(sq(s), ST_TAG_COUNTS, cb, ctx);
}

/* The parent of section id (0: top level); ND_ENOTFOUND when there is none. */
static int section_parent(struct sql_store *q, int64_t id, int64_t *parent)
{
	bool found = false;
	int rc = query_ints(q, ST_SECTION_GET, &id, 1, parent, NULL, &found);

	return rc ? rc : found ? 0 : ND_ENOTFOUND;
}

/*
 * Whether a section under parent other than self (0: none), or a tag
 * other than self (sections false), has the name or the slug; both are
 * what nd_store_article_put looks a name up by.
 */
static int name_clash(struct sql_store *q, bool sections, int64_t parent, int64_t self,
                      const char *slug, const char *name, bool *clash)
{
	enum stmt_id id = sections ? ST_SECTION_CLASH : ST_TAG_CLASH;
	int at = sections ? 3 : 2; /* the slug's parameter number */
	struct nd__sql_stmt *st;
	int64_t one;
	int rc;

	if ((rc = stmt_get(q, id, &st)) != 0)
		return rc;
	if (sections)
		bind_id(st, 1, parent, &rc);
	bind_id(st, at - 1, self, &rc);
	bind_text(st, at, slug, &rc);
	bind_text(st, at + 1, name, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[id].what) : step_int(q, id, st, &one, clash);
	stmt_put(q, id, st);
	return rc;
}

/* Sets the name of section or tag id (the statement rename) after the clash check. */
static int rename_row(struct sql_store *q, bool sections, int64_t id, const char *name)
{
	struct nd_buf trimmed = ND_BUF_INIT, slug = ND_BUF_INIT;
	enum stmt_id set = sections ? ST_SECTION_RENAME : ST_TAG_RENAME;
	int64_t parent = 0, one;
	struct nd__sql_stmt *st = NULL;
	bool found, clash;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if (sections)
		rc = section_parent(q, id, &parent);
	else if (!(rc = query_ints(q, ST_TAG_GET, &id, 1, &one, NULL, &found)) && !found)
		rc = ND_ENOTFOUND;
	if (rc)
		goto out;
	rc = sections ? nd__section_name_slug(name, parent == 0, &trimmed, &slug)
	              : nd__name_slug("tag", name, &trimmed, &slug);
	if (rc || (rc = name_clash(q, sections, parent, id, slug.buf, trimmed.buf, &clash)) != 0)
		goto out;
	if (clash) {
		rc = ND_EEXIST;
		goto out;
	}
	if ((rc = stmt_get(q, set, &st)) != 0)
		goto out;
	bind_int(st, 1, id, &rc);
	bind_text(st, 2, trimmed.buf, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[set].what) : step_done(q, set, st);
	stmt_put(q, set, st);
	if (!rc)
		rc = run(q, ST_GENERATION_BUMP);
out:
	nd_buf_release(&trimmed);
	nd_buf_release(&slug);
	return write_end(q, rc);
}

static int sql_section_add(struct nd_store *s, int64_t parent_id, const char *name, int64_t *id)
{
	struct sql_store *q = sq(s);
	struct nd_buf trimmed = ND_BUF_INIT, slug = ND_BUF_INIT;
	int64_t up = parent_id;
	int depth = 1, rc;
	bool clash;

	if ((rc = write_begin(q)) != 0)
		return rc;
	/* The new level's depth: one more than its parent's. */
	while (up && !rc && depth <= ND_MAX_SECTION_DEPTH) {
		rc = section_parent(q, up, &up);
		depth++;
	}
	if (rc)
		goto out;
	if (depth > ND_MAX_SECTION_DEPTH) {
		rc = nd_error(ND_EINVAL, "store '%s': section '%s' would be deeper than %d levels",
		              q->base.url, name, ND_MAX_SECTION_DEPTH);
		goto out;
	}
	if ((rc = nd__section_name_slug(name, parent_id == 0, &trimmed, &slug)) != 0 ||
	    (rc = name_clash(q, true, parent_id, 0, slug.buf, trimmed.buf, &clash)) != 0)
		goto out;
	if (clash) {
		rc = ND_EEXIST;
		goto out;
	}
	if ((rc = find_or_add(q, ST_SECTION_FIND, ST_SECTION_ADD, parent_id, slug.buf, trimmed.buf,
	                      id)) == 0)
		rc = run(q, ST_GENERATION_BUMP);
out:
	nd_buf_release(&trimmed);
	nd_buf_release(&slug);
	return write_end(q, rc);
}

static int sql_section_rename(struct nd_store *s, int64_t id, const char *name)
{
	return rename_row(sq(s), true, id, name);
}

static int sql_section_move(struct nd_store *s, int64_t id, int step, bool *moved)
{
	struct sql_store *q = sq(s);
	struct id_list ids = {0};
	struct nd__sql_stmt *st = NULL;
	int64_t parent;
	size_t at = 0, other;
	int rc, row = ND_SQL_DONE;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = section_parent(q, id, &parent)) != 0 ||
	    (rc = stmt_get(q, ST_SECTION_SIBLINGS, &st)))
		goto out;
	bind_id(st, 1, parent, &rc);
	while (!rc && (row = nd__sql_step(st)) == ND_SQL_ROW) {
		if (ids.n == ids.alloc) {
			ids.alloc = ids.alloc ? ids.alloc * 2 : 16;
			ids.v = nd_xrealloc(ids.v, ids.alloc * sizeof(*ids.v));
		}
		ids.v[ids.n] = nd__sql_int(st, 0);
		if (ids.v[ids.n] == id)
			at = ids.n;
		ids.n++;
	}
	if (!rc && row != ND_SQL_DONE)
		rc = db_fail(q, row, stmt_defs[ST_SECTION_SIBLINGS].what);
	stmt_put(q, ST_SECTION_SIBLINGS, st);
	if (rc || (step < 0 && at == 0) || (step > 0 && at + 1 >= ids.n))
		goto out;
	other = step < 0 ? at - 1 : at + 1;
	ids.v[at] = ids.v[other];
	ids.v[other] = id;
	/* Renumbered 1..n: positions with gaps or ties (old data) become plain. */
	for (size_t i = 0; i < ids.n && !rc; i++)
		rc = run_ints(q, ST_SECTION_SET_POSITION, (int64_t[]){ids.v[i], (int64_t)i + 1}, 2);
	if (!rc && !(rc = run(q, ST_GENERATION_BUMP)))
		*moved = true;
out:
	free(ids.v);
	return write_end(q, rc);
}

static int sql_section_delete(struct nd_store *s, int64_t id, int64_t *articles, int64_t *children)
{
	struct sql_store *q = sq(s);
	int64_t parent;
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = section_parent(q, id, &parent)) != 0 ||
	    (rc = query_ints(q, ST_SECTION_USE, &id, 1, articles, children, NULL)) != 0)
		goto out;
	if (*articles || *children) {
		rc = ND_EBUSY;
		goto out;
	}
	if ((rc = run_ints(q, ST_SECTION_DELETE, &id, 1)) == 0)
		rc = run(q, ST_GENERATION_BUMP);
out:
	return write_end(q, rc);
}

static int sql_tag_rename(struct nd_store *s, int64_t id, const char *name)
{
	return rename_row(sq(s), false, id, name);
}

/* ND_ENOTFOUND unless tag id exists. */
static int tag_exists(struct sql_store *q, int64_t id)
{
	int64_t one;
	bool found;
	int rc = query_ints(q, ST_TAG_GET, &id, 1, &one, NULL, &found);

	return rc ? rc : found ? 0 : ND_ENOTFOUND;
}

static int sql_tag_merge(struct nd_store *s, int64_t from, int64_t into, int64_t *moved)
{
	struct sql_store *q = sq(s);
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = tag_exists(q, from)) != 0 || (rc = tag_exists(q, into)) != 0 ||
	    (rc = query_ints(q, ST_TAG_USE, &from, 1, moved, NULL, NULL)) != 0 ||
	    (rc = run_ints(q, ST_TAG_MERGE, (int64_t[]){from, into}, 2)) != 0 ||
	    (rc = run_ints(q, ST_TAG_UNLINK, &from, 1)) != 0 ||
	    (rc = run_ints(q, ST_TAG_DELETE, &from, 1)) != 0)
		goto out;
	rc = run(q, ST_GENERATION_BUMP);
out:
	return write_end(q, rc);
}

static int sql_tag_delete(struct nd_store *s, int64_t id, int64_t *articles)
{
	struct sql_store *q = sq(s);
	int rc;

	if ((rc = write_begin(q)) != 0)
		return rc;
	if ((rc = tag_exists(q, id)) != 0 ||
	    (rc = query_ints(q, ST_TAG_USE, &id, 1, articles, NULL, NULL)) != 0)
		goto out;
	if (*articles) {
		rc = ND_EBUSY;
		goto out;
	}
	if ((rc = run_ints(q, ST_TAG_DELETE, &id, 1)) == 0)
		rc = run(q, ST_GENERATION_BUMP);
out:
	return write_end(q, rc);
}

/* --- The admin's article list --- */

/* Binds q's filters to ?1..?5 of st; pattern: the LIKE pattern or NULL. */
static void bind_query(struct nd__sql_stmt *st, const struct nd_article_query *q,
                       const char *pattern, int *rc)
{
	bind_int(st, 1, q->status, rc);
	bind_int(st, 2, q->section_id, rc);
	bind_int(st, 3, q->author_id, rc);
	bind_int(st, 4, q->owner_user_id, rc);
	if (!*rc)
		bind_text_or_null(st, 5, pattern, rc);
}

static int query_count(struct sql_store *q, const struct nd_article_query *aq, const char *pattern,
                       int64_t *total)
{
	struct nd__sql_stmt *st;
	bool found;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_QUERY_COUNT, &st)) != 0)
		return rc;
	bind_query(st, aq, pattern, &rc);
	rc = rc ? db_fail(q, rc, stmt_defs[ST_ARTICLE_QUERY_COUNT].what)
	        : step_int(q, ST_ARTICLE_QUERY_COUNT, st, total, &found);
	stmt_put(q, ST_ARTICLE_QUERY_COUNT, st);
	return rc;
}

static int query_rows(struct sql_store *q, const struct nd_article_query *aq, const char *pattern,
                      nd_article_cb cb, void *ctx)
{
	struct nd__sql_stmt *st;
	int rc;

	if ((rc = stmt_get(q, ST_ARTICLE_QUERY, &st)) != 0)
		return rc;
	bind_query(st, aq, pattern, &rc);
	bind_int(st, 6, aq->limit > INT64_MAX ? INT64_MAX : (int64_t)aq->limit, &rc);
	bind_int(st, 7, aq->offset > INT64_MAX ? INT64_MAX : (int64_t)aq->offset, &rc);
	return article_rows(q, ST_ARTICLE_QUERY, st, rc, cb, ctx);
}

static int sql_article_find(struct nd_store *s, const struct nd_article_query *aq, int64_t *total,
                            nd_article_cb cb, void *ctx)
{
	struct sql_store *q = sq(s);
	/* Outside a transaction, the count and the rows read one snapshot. */
	bool own = !sql_in_txn(q);
	struct nd_buf pat = ND_BUF_INIT;
	int64_t n = 0;
	int rc, end;

	if (aq->text) {
		/* A substring anywhere: '%' + the text with \, % and _ escaped + '%'. */
		nd_buf_addch(&pat, '%');
		for (const char *p = aq->text; *p; p++) {
			if (*p == '\\' || *p == '%' || *p == '_')
				nd_buf_addch(&pat, '\\');
			nd_buf_addch(&pat, *p);
		}
		nd_buf_addch(&pat, '%');
	}
	if (own && (rc = run(q, ST_BEGIN_READ)) != 0)
		goto out;
	rc = query_count(q, aq, aq->text ? pat.buf : NULL, &n);
	if (!rc && aq->limit)
		rc = query_rows(q, aq, aq->text ? pat.buf : NULL, cb, ctx);
	if (own && (end = sql_read_end(s)) != 0 && !rc)
		rc = end;
	if (!rc && total)
		*total = n;
out:
	nd_buf_release(&pat);
	return rc;
}

/*
 * Every operation but open: the same for each driver. A backend over
 * another driver is its own table, {.name = "...", .open = ...,
 * SQL_STORE_OPS}, plus its line in store.c's backends[].
 */
/* clang-format off */
#define SQL_STORE_OPS \
	.close = sql_close, \
	.schema_version = sql_schema_version, \
	.begin = sql_begin, \
	.commit = sql_commit, \
	.rollback = sql_rollback, \
	.read_begin = sql_read_begin, \
	.read_end = sql_read_end, \
	.article_put = sql_article_put, \
	.article_delete = sql_article_delete, \
	.article_count = sql_article_count, \
	.each_section = sql_each_section, \
	.each_author = sql_each_author, \
	.each_tag = sql_each_tag, \
	.each_article = sql_each_article, \
	.article_get = sql_article_get, \
	.generation = sql_generation, \
	.counts_apply = sql_counts_apply, \
	.each_article_views = sql_each_article_views, \
	.each_reaction_count = sql_each_reaction_count, \
	.each_view_hour = sql_each_view_hour, \
	.reaction_has = sql_reaction_has, \
	.views_compact = sql_views_compact, \
	.secret = sql_secret, \
	.meta_int_get = sql_meta_int_get, \
	.meta_int_set = sql_meta_int_set, \
	.counts_clear = sql_counts_clear, \
	.history_add = sql_history_add, \
	.each_history = sql_each_history, \
	.history_purge = sql_history_purge, \
	.user_add = sql_user_add, \
	.user_get = sql_user_get, \
	.each_user = sql_each_user, \
	.user_set = sql_user_set, \
	.user_remove = sql_user_remove, \
	.session_add = sql_session_add, \
	.session_get = sql_session_get, \
	.session_touch = sql_session_touch, \
	.session_delete = sql_session_delete, \
	.session_purge = sql_session_purge, \
	.login_state = sql_login_state, \
	.login_failed = sql_login_failed, \
	.login_clear = sql_login_clear, \
	.login_purge = sql_login_purge, \
	.token_add = sql_token_add, \
	.token_find = sql_token_find, \
	.token_set = sql_token_set, \
	.each_revision = sql_each_revision, \
	.delivery_add = sql_delivery_add, \
	.delivery_update = sql_delivery_update, \
	.each_delivery = sql_each_delivery, \
	.view_series = sql_view_series, \
	.each_article_range_views = sql_each_article_range_views, \
	.each_retired = sql_each_retired, \
	.each_section_count = sql_each_section_count, \
	.each_tag_count = sql_each_tag_count, \
	.section_add = sql_section_add, \
	.section_rename = sql_section_rename, \
	.section_move = sql_section_move, \
	.section_delete = sql_section_delete, \
	.tag_rename = sql_tag_rename, \
	.tag_merge = sql_tag_merge, \
	.tag_delete = sql_tag_delete, \
	.article_find = sql_article_find, \
	.nodelog_mark = sql_nodelog_mark, \
	.nodelog_since = sql_nodelog_since, \
	.nodelog_prune = sql_nodelog_prune
/* clang-format on */

const struct nd_store_be nd__sqlite_be = {
    .name = "sqlite",
    .open = sql_open_sqlite,
    SQL_STORE_OPS,
};

const struct nd_store_be nd__pg_be = {
    .name = "postgresql",
    .open = sql_open_pg,
    SQL_STORE_OPS,
    .revive = sql_revive,
};
