#pragma once
/*
 * Inside the store: the backend interface and the helpers every backend
 * shares. Only src/store/ and its tests include this file.
 *
 * A backend is a struct of function pointers (git's ref_storage_be, curl's
 * Curl_ssl). store.c picks one by URL, checks arguments and input, tracks
 * the explicit transaction, and calls through the table; a backend only
 * talks to its database. Adding a backend is one file plus one line in the
 * schemes[] table of store.c; a SQL one is the shared logic of sql_store.c
 * (SQL_STORE_OPS) over a driver (sql_driver.h). Each backend's handle embeds
 * struct nd_store as its first member, so it can be cast both ways.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

struct nd_store_be;

/* What every handle starts with; the backend's own state follows. */
struct nd_store {
	const struct nd_store_be *be;
	char *url;   /* as given to nd_store_open, for messages; owned */
	bool in_txn; /* between nd_store_begin and commit/rollback */
	/*
	 * For store.c's retries: ops running on this handle (a walk's callback
	 * may come back in; only the outermost op retries), and the rows
	 * handed to callers' callbacks so far (the backend counts each before
	 * calling: a walk that delivered one is not run again).
	 */
	int depth;
	unsigned delivered;
	int64_t log_node; /* nd_store_nodelog_as: > 0, the writes log their rows */
};

/*
 * Inside the store only, never returned by store.h's functions: the
 * connection to the database broke (a server restart, a terminated
 * session) and the server rolled back whatever transaction was open.
 * store.c revives the connection and retries the op, or returns ND_ESTORE.
 */
#define ND__ELOST (-100)
/*
 * Inside the store only, likewise: the database said try again (SQLite
 * BUSY/LOCKED; PostgreSQL serialization failure, deadlock, lock timeout).
 * store.c retries (PostgreSQL) or returns ND_EBUSY; ND_EBUSY inside the
 * store is its own "in use" (a section with articles), never retried.
 */
#define ND__EAGAIN (-101)

/*
 * Runs call, a backend op on s, and again while it fails in a way a retry
 * may fix, its result in rc (an int lvalue): see nd__retry_again in
 * store.c for the rules. Every op of store.h goes through it but commit,
 * rollback, read_end and open.
 */
struct nd__retry {
	int tries;
	unsigned delivered;
	bool outer;
};
void nd__retry_start(struct nd_store *s, struct nd__retry *r);
bool nd__retry_again(struct nd_store *s, struct nd__retry *r, int *rc);
#define ND__RETRIED(s, rc, call)                                                                   \
	do {                                                                                       \
		struct nd__retry r_;                                                               \
		nd__retry_start((s), &r_);                                                         \
		do                                                                                 \
			(rc) = (call);                                                             \
		while (nd__retry_again((s), &r_, &(rc)));                                          \
	} while (0)

/*
 * The backend operations. store.c has already checked that pointers are not
 * NULL, that article input is valid (check_article) and that begin/commit/
 * rollback are properly paired, so a backend does neither. Return values
 * and callback rules are those of the matching nd_store_* function.
 */
typedef int nd_store_open_fn(const char *url, const char *location, struct nd_store **out);
typedef void nd_store_close_fn(struct nd_store *s);
typedef int nd_store_version_fn(struct nd_store *s, int *out);
typedef int nd_store_txn_fn(struct nd_store *s);
typedef int nd_store_put_fn(struct nd_store *s, const struct nd_article_in *in, bool *created);
typedef int nd_store_by_ext_id_fn(struct nd_store *s, const char *ext_id);
typedef int nd_store_count_fn(struct nd_store *s, int64_t *out);
typedef int nd_store_each_section_fn(struct nd_store *s, nd_section_cb cb, void *ctx);
typedef int nd_store_each_author_fn(struct nd_store *s, nd_author_cb cb, void *ctx);
typedef int nd_store_each_tag_fn(struct nd_store *s, nd_tag_cb cb, void *ctx);
typedef int nd_store_each_article_fn(struct nd_store *s, enum nd_article_status status,
                                     int64_t before, nd_article_cb cb, void *ctx);
typedef int nd_store_get_fn(struct nd_store *s, const char *ext_id, nd_article_cb cb, void *ctx);
typedef int nd_store_counts_apply_fn(struct nd_store *s, const struct nd_view_delta *v, size_t nv,
                                     struct nd_reaction_op *r, size_t nr);
typedef int nd_store_each_article_views_fn(struct nd_store *s, nd_stats_cb cb, void *ctx);
typedef int nd_store_each_reaction_count_fn(struct nd_store *s, nd_rcount_cb cb, void *ctx);
typedef int nd_store_each_view_hour_fn(struct nd_store *s, int64_t from_hour, nd_vhour_cb cb,
                                       void *ctx);
typedef int nd_store_reaction_has_fn(struct nd_store *s, int64_t article_id, const char *type,
                                     const uint8_t visitor[ND_STORE_VISITOR_LEN], bool *out);
typedef int nd_store_views_compact_fn(struct nd_store *s, int64_t before_hour);
typedef int nd_store_view_series_fn(struct nd_store *s, const int64_t *ids, size_t n,
                                    int64_t from_hour, int64_t to_hour, int bucket_hours,
                                    int64_t *out);
typedef int nd_store_each_article_range_views_fn(struct nd_store *s, int64_t from_hour,
                                                 int64_t to_hour, nd_stats_cb cb, void *ctx);
typedef int nd_store_secret_fn(struct nd_store *s, const char *name, const uint8_t *fresh,
                               uint8_t *out, size_t len);
typedef int nd_store_meta_int_get_fn(struct nd_store *s, const char *key, int64_t *out);
typedef int nd_store_meta_int_set_fn(struct nd_store *s, const char *key, int64_t value);
typedef int nd_store_history_add_fn(struct nd_store *s, const struct nd_history_rec *h, size_t n);
typedef int nd_store_each_history_fn(struct nd_store *s, int64_t since, nd_history_cb cb,
                                     void *ctx);
typedef int nd_store_history_purge_fn(struct nd_store *s, int64_t before, int64_t keep,
                                      int64_t *deleted);
typedef int nd_store_user_add_fn(struct nd_store *s, const char *login, const char *name,
                                 enum nd_role role, const char *password, int64_t *id);
typedef int nd_store_user_get_fn(struct nd_store *s, const char *login, int64_t id, nd_user_cb cb,
                                 void *ctx);
typedef int nd_store_each_user_fn(struct nd_store *s, nd_user_cb cb, void *ctx);
typedef int nd_store_user_set_fn(struct nd_store *s, int64_t id, const char *password, int role,
                                 int64_t last_login);
typedef int nd_store_user_remove_fn(struct nd_store *s, const char *login);
typedef int nd_store_session_add_fn(struct nd_store *s, const struct nd_session_rec *rec);
typedef int nd_store_session_get_fn(struct nd_store *s, const uint8_t *id,
                                    struct nd_session_rec *out);
typedef int nd_store_session_touch_fn(struct nd_store *s, const uint8_t *id, int64_t last_seen);
typedef int nd_store_session_delete_fn(struct nd_store *s, const uint8_t *id, int64_t user_id,
                                       int64_t *deleted);
typedef int nd_store_session_purge_fn(struct nd_store *s, int64_t now, int64_t idle_before,
                                      int64_t *deleted);
typedef int nd_store_login_state_fn(struct nd_store *s, const char *login,
                                    struct nd_login_state *out);
typedef int nd_store_login_failed_fn(struct nd_store *s, const char *login, int64_t now,
                                     int max_failures, int64_t lock_seconds,
                                     struct nd_login_state *out);
typedef int nd_store_login_clear_fn(struct nd_store *s, const char *login);
typedef int nd_store_login_purge_fn(struct nd_store *s, int64_t now, int64_t *deleted);
typedef int nd_store_token_add_fn(struct nd_store *s, int64_t user_id, const char *name,
                                  const uint8_t *hash, int64_t at, int64_t *id);
typedef int nd_store_token_find_fn(struct nd_store *s, const uint8_t *hash, int64_t user_id,
                                   nd_token_cb cb, void *ctx);
/* Revisions of ext_id: n < 0 all (newest first), 0 the latest, else revision n. */
typedef int nd_store_each_revision_fn(struct nd_store *s, const char *ext_id, int64_t n,
                                      nd_revision_cb cb, void *ctx);
typedef int nd_store_token_set_fn(struct nd_store *s, int64_t id, int64_t at, bool revoke);

typedef int nd_store_delivery_add_fn(struct nd_store *s, const char *webhook, const char *event,
                                     const char *url, const char *article, int64_t at, int64_t *id);
typedef int nd_store_delivery_update_fn(struct nd_store *s, int64_t id, const char *status,
                                        int64_t http_status, const char *last_error, int64_t at);
typedef int nd_store_each_delivery_fn(struct nd_store *s, nd_delivery_cb cb, void *ctx);
typedef int nd_store_each_retired_fn(struct nd_store *s, nd_retired_cb cb, void *ctx);

/* Sections and tags in the admin. */
typedef int nd_store_each_count_fn(struct nd_store *s, nd_count_cb cb, void *ctx);
typedef int nd_store_section_add_fn(struct nd_store *s, int64_t parent_id, const char *name,
                                    int64_t *id);
typedef int nd_store_rename_fn(struct nd_store *s, int64_t id, const char *name);
typedef int nd_store_section_move_fn(struct nd_store *s, int64_t id, int step, bool *moved);
typedef int nd_store_section_delete_fn(struct nd_store *s, int64_t id, int64_t *articles,
                                       int64_t *children);
typedef int nd_store_tag_merge_fn(struct nd_store *s, int64_t from, int64_t into, int64_t *moved);
typedef int nd_store_tag_delete_fn(struct nd_store *s, int64_t id, int64_t *articles);
typedef int nd_store_article_find_fn(struct nd_store *s, const struct nd_article_query *q,
                                     int64_t *total, nd_article_cb cb, void *ctx);

typedef int nd_store_nodelog_mark_fn(struct nd_store *s, int64_t *mark);
typedef int nd_store_nodelog_since_fn(struct nd_store *s, int64_t after, int64_t node,
                                      nd_nodelog_cb cb, void *ctx);
typedef int nd_store_nodelog_prune_fn(struct nd_store *s, int64_t max_age, int64_t *deleted);

struct nd_store_be {
	const char *name; /* "sqlite", for messages */
	/*
	 * Opens location (the URL without what store.c stripped) and applies
	 * pending migrations; url is the full URL, for messages. On success
	 * *out is a new handle with url set to a copy of url; store.c fills in
	 * be and in_txn.
	 */
	nd_store_open_fn *open;
	nd_store_close_fn *close; /* frees the handle, url included */
	nd_store_version_fn *schema_version;
	nd_store_txn_fn *begin;
	nd_store_txn_fn *commit; /* on failure the transaction is rolled back */
	nd_store_txn_fn *rollback;
	nd_store_txn_fn *read_begin; /* a consistent view for several reads */
	nd_store_txn_fn *read_end;
	nd_store_put_fn *article_put;
	nd_store_by_ext_id_fn *article_delete;
	nd_store_count_fn *article_count;
	nd_store_each_section_fn *each_section;
	nd_store_each_author_fn *each_author;
	nd_store_each_tag_fn *each_tag;
	nd_store_each_article_fn *each_article;
	nd_store_get_fn *article_get;
	nd_store_count_fn *generation;

	/*
	 * Counters (migration 0002). None may change the generation, and every
	 * write must be a commutative increment so that several nodes can
	 * apply their batches in any order. store.c has validated every delta
	 * and op (ids > 0, hours >= 0, type slugs, op values) and zeroed each
	 * result; counts_apply fills in the results.
	 */
	nd_store_counts_apply_fn *counts_apply;
	nd_store_each_article_views_fn *each_article_views;
	nd_store_each_reaction_count_fn *each_reaction_count;
	nd_store_each_view_hour_fn *each_view_hour;
	nd_store_reaction_has_fn *reaction_has;
	nd_store_views_compact_fn *views_compact; /* before_hour: a multiple of 24, >= 0 */
	/*
	 * Stores fresh (len random bytes from store.c) under name unless name
	 * is already set, then copies the stored value to out, all in one
	 * transaction. ND_EINVAL when the stored value is not len bytes.
	 */
	nd_store_secret_fn *secret;
	nd_store_meta_int_get_fn *meta_int_get;
	nd_store_meta_int_set_fn *meta_int_set;
	nd_store_txn_fn *counts_clear;
	nd_store_history_add_fn *history_add;
	nd_store_each_history_fn *each_history;
	nd_store_history_purge_fn *history_purge;

	/*
	 * Accounts (migration 0004). store.c (account.c) has checked the input
	 * and folded every login to lowercase. user_get looks up by login when
	 * it is not NULL, else by id. user_set changes the password when it is
	 * not NULL, else the role when role >= 0, else last_login. session_delete
	 * deletes the session id when it is not NULL, else every session of
	 * user_id (*deleted gets how many).
	 */
	nd_store_user_add_fn *user_add;
	nd_store_user_get_fn *user_get;
	nd_store_each_user_fn *each_user;
	nd_store_user_set_fn *user_set;
	nd_store_user_remove_fn *user_remove;
	nd_store_session_add_fn *session_add;
	nd_store_session_get_fn *session_get;
	nd_store_session_touch_fn *session_touch;
	nd_store_session_delete_fn *session_delete;
	nd_store_session_purge_fn *session_purge;
	nd_store_login_state_fn *login_state;
	nd_store_login_failed_fn *login_failed;
	nd_store_login_clear_fn *login_clear;
	nd_store_login_purge_fn *login_purge;
	/*
	 * API tokens. token_find walks the token with hash when it is not
	 * NULL, else those of user_id (0: all), by id; it returns ND_ENOTFOUND
	 * only for a hash with no row. token_set notes a use at `at`, or
	 * revokes when revoke is true.
	 */
	nd_store_token_add_fn *token_add;
	nd_store_token_find_fn *token_find;
	nd_store_token_set_fn *token_set;
	/* Revisions (0005); ND_ENOTFOUND (not logged) when ext_id has no article
	 * (or, for n >= 0, no such revision). */
	nd_store_each_revision_fn *each_revision;
	/* Webhook deliveries (0006); store.c has checked the input. */
	nd_store_delivery_add_fn *delivery_add;
	nd_store_delivery_update_fn *delivery_update;
	nd_store_each_delivery_fn *each_delivery;
	/*
	 * Views over time (the admin's stats). store.c has checked the range
	 * and the ids and zeroed out[]; view_series adds each bucket's views
	 * to it, both tables in one read transaction.
	 */
	nd_store_view_series_fn *view_series;
	nd_store_each_article_range_views_fn *each_article_range_views;
	/* Retired public paths (0007). */
	nd_store_each_retired_fn *each_retired;
	/*
	 * Sections and tags in the admin. store.c has checked the ids and that
	 * a name is UTF-8, at most ND_MAX_NAME bytes, not blank and (for a
	 * section) without '/'; the backend trims it and makes its slug with
	 * nd__section_name_slug or nd__name_slug. *moved, *articles and
	 * *children are never NULL here.
	 */
	nd_store_each_count_fn *each_section_count;
	nd_store_each_count_fn *each_tag_count;
	nd_store_section_add_fn *section_add;
	nd_store_rename_fn *section_rename;
	nd_store_section_move_fn *section_move;
	nd_store_section_delete_fn *section_delete;
	nd_store_rename_fn *tag_rename;
	nd_store_tag_merge_fn *tag_merge;
	nd_store_tag_delete_fn *tag_delete;
	/* The admin's article list; store.c has checked q, and q->text is
	 * NULL or not blank. */
	nd_store_article_find_fn *article_find;
	/*
	 * Optional (NULL: SQLite; store.c then never retries). Reconnects s's
	 * lost connection, if it is lost, before an op's first try and each
	 * retry; ND__ELOST while the database cannot be reached. Setting it
	 * also lets store.c retry ND__EAGAIN and ND__ELOST (see store.c).
	 */
	nd_store_txn_fn *revive;
	/* The node log (0009); store.c has checked the arguments. */
	nd_store_nodelog_mark_fn *nodelog_mark;
	nd_store_nodelog_since_fn *nodelog_since;
	nd_store_nodelog_prune_fn *nodelog_prune;
};

extern const struct nd_store_be nd__sqlite_be;
extern const struct nd_store_be nd__pg_be; /* sql_store.c over driver_pg.c */

/* What libpq gets for a PostgreSQL store URL (the URI, or a "pg:" URL's
 * key=value string), or NULL when url names another backend. */
const char *nd__store_pg_location(const char *url);

/*
 * The SQLite connection behind s, or NULL when s is not a SQLite store.
 * Borrowed, valid until nd_store_close. For tests that inspect PRAGMAs and
 * raw tables; the rest of the program goes through store.h.
 */
struct sqlite3 *nd__sqlite_db(struct nd_store *s);

/*
 * Schema migrations, embedded by schema.S: for each one its file name
 * ("0001-initial.sql"), NUL, its SQL, NUL; after the last, one more NUL.
 */
extern const char nd__sqlite_migrations[];
extern const char nd__pg_migrations[]; /* schema/pg/: PostgreSQL's dialect */

struct nd__migration {
	int version;      /* from the first four digits of name */
	const char *name; /* "0001-initial.sql" */
	const char *sql;
};

/*
 * Steps *cursor (start it at the blob, with m zeroed) to the next migration:
 * fills m and returns true, or returns false after the last. Names must be
 * "NNNN-what.sql" and versions count up from 1 without gaps, a build
 * invariant (ND_BUG otherwise). Everything in m is borrowed from the blob
 * and valid for the life of the program.
 */
bool nd__migration_next(const char **cursor, struct nd__migration *m);
/* The version of the last migration in blob; 0 when it is empty. */
int nd__migration_latest(const char *blob);

/* The section an article without one is filed under. */
#define ND_DEFAULT_SECTION "News"
/* Appended to a top-level section slug that would shadow a site route. */
#define ND_RESERVED_SUFFIX "-section"

/* One level of a parsed section path. */
struct nd__section_level {
	char *name; /* trimmed display name; owned */
	char *slug; /* nd_slugify(name), "-section" added when reserved; owned */
};

/*
 * Splits path ("World/Europe") into at most ND_MAX_SECTION_DEPTH levels,
 * top first: names are trimmed, empty levels skipped, and a path with no
 * level (NULL, "", " / ") gives the single level "News". A top-level slug
 * that names a site route (nd__section_slug_reserved) gets "-section".
 * Fills levels[] and *count. Errors: ND_EINVAL when the path is too deep or
 * a level has no letter or digit. The caller owns the strings, freed with
 * nd__section_levels_release (also on failure, which leaves *count at 0).
 */
int nd__section_path_parse(const char *path, struct nd__section_level *levels, size_t *count);
void nd__section_levels_release(struct nd__section_level *levels, size_t count);
/* Whether a top-level section with this slug would shadow a site route. */
bool nd__section_slug_reserved(const char *slug);

/*
 * Trims name and slugifies it into slug (both appended). what names the
 * field for the message ("tag", "author"). Errors: ND_EINVAL when the name
 * has no letter or digit.
 */
int nd__name_slug(const char *what, const char *name, struct nd_buf *trimmed, struct nd_buf *slug);

/*
 * The trimmed name and slug of one section level (name holds no '/'), as
 * nd__section_path_parse makes them: top says it is a top-level section,
 * whose slug gets "-section" when it names a site route. Errors: ND_EINVAL
 * when the name has no letter or digit.
 */
int nd__section_name_slug(const char *name, bool top, struct nd_buf *trimmed, struct nd_buf *slug);

/* Whether s is NULL, empty or only ASCII white space (then it counts as absent). */
bool nd__blank(const char *s);
/* Whether in->slug holds more than white space (else: keep or derive one). */
bool nd__article_slug_given(const struct nd_article_in *in);
/*
 * Appends the slug an article starts from: in->slug normalised if given,
 * else from the title, else from ext_id, else "article". Errors: ND_EINVAL
 * when a given slug has no letter or digit.
 */
int nd__article_base_slug(const struct nd_article_in *in, struct nd_buf *out);
/*
 * Appends base with the suffix "-n" (n >= 2), shortening base on a code
 * point boundary so the result stays within ND_MAX_SLUG bytes.
 */
void nd__slug_suffixed(const char *base, unsigned n, struct nd_buf *out);

/*
 * nd_store_copy's tables (copy.c), for the test that every table of the
 * schema is either copied or left out on purpose: 1 when table is copied
 * (*cols, may be NULL, gets its columns as "a, b, c"; meta's are "key,
 * value, secret", PostgreSQL's), 0 when it is left out, -1 when copy.c does
 * not know it. nd__copy_table_at gives the i-th copied table, NULL past
 * the last.
 */
int nd__copy_table(const char *table, const char **cols);
const char *nd__copy_table_at(size_t i);
