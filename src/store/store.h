#pragma once
/*
 * The store: everything newsdesk keeps on disk, behind one interface with a
 * backend per database (git's ref_storage_be): SQLite ("sqlite:PATH" or a
 * plain file path) and PostgreSQL ("postgres://", "postgresql://", "pg:"
 * and a libpq key=value string; docs/internals/postgres.md), one logic over
 * SQL drivers. docs/internals/store.md describes the schema and invariants.
 *
 * A store handle is one connection and is NOT safe for concurrent use from
 * several threads; each thread that needs the database opens its own handle
 * (SQLite in WAL mode lets readers and one writer work side by side; on
 * PostgreSQL a handle takes a pooled connection and gives it back at close,
 * docs/internals/pg-pool.md).
 *
 * Times are Unix seconds (UTC). Strings are UTF-8, NUL-terminated.
 * Every function returns 0 or a negative enum nd_err: ND_ESTORE when the
 * database fails and ND_EBUSY when another writer held it locked for longer
 * than the busy timeout (5 s), both with the database's message logged.
 *
 * PostgreSQL (docs/internals/pg-pool.md): opening is cheap (a process-wide
 * pool of idle connections per URL; the schema is checked on the first open
 * only), and an op that owns its transaction, or is a single statement, is
 * tried again, up to 5 times in all with a short backoff, when the database
 * says retry (serialization failure, deadlock, lock timeout) or the
 * connection broke (a restart: it reconnects). What fails anyway is
 * ND_EBUSY or ND_ESTORE as above. A walk whose callback already had a row
 * is not run again; a COMMIT whose connection dropped is ND_ESTORE, its
 * outcome unknown.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nd_store;

enum nd_article_status {
	ND_STATUS_PUBLISHED = 0,
	ND_STATUS_DRAFT = 1,
	ND_STATUS_SCHEDULED = 2,
};

/* "published", "draft", "scheduled"; NULL for an unknown value. */
const char *nd_status_name(enum nd_article_status st);
/* Parses a status name (exact, lowercase); 0 or ND_EINVAL, *out set only on success. */
int nd_status_parse(const char *name, enum nd_article_status *out);

/*
 * What a writer hands to nd_store_article_put(). Borrowed: the store copies
 * what it keeps. NULL optional fields mean "none" (or "derive" for slug);
 * a string of only white space counts as NULL where noted. Every string must
 * be valid UTF-8.
 */
struct nd_article_in {
	const char *ext_id; /* required: the stable external id */
	const char *title;  /* required, at most ND_MAX_TITLE bytes */
	const char *body;   /* required: Markdown source */
	const char *summary;
	/* Section path, levels separated by '/': "World/Europe". Names are
	 * trimmed, empty levels skipped, at most ND_MAX_SECTION_DEPTH levels;
	 * NULL or blank: the top-level section "News". */
	const char *section;
	const char *author;      /* display name; created if new; blank: none */
	const char *const *tags; /* display names, in order; created if new; blank ones skipped */
	size_t tag_count;        /* at most ND_MAX_TAGS */
	const char *slug;        /* NULL/blank: keep the stored one, or derive from title */
	const char *language;    /* NULL/blank: "en" */
	const char *image;
	const char *source_url;
	enum nd_article_status status;
	int64_t published_at; /* 0: now on create, unchanged on update */
	int64_t updated_at;   /* 0: published_at on create, now on update */
	/* Who saves (users.id): the owner of a new article (an existing one
	 * keeps its owner) and the author of the revision; 0: nobody (import,
	 * fetch, the CLI). */
	int64_t user_id;
};

/* Rows as read back. Borrowed: valid only during the callback. */
struct nd_section_rec {
	int64_t id;
	int64_t parent_id; /* 0 for a top-level section */
	const char *slug;  /* this level only, e.g. "europe" */
	const char *name;  /* display name, e.g. "Europe" */
	int position; /* order among siblings (creation order, from 1; nd_store_section_move) */
};

struct nd_author_rec {
	int64_t id;
	const char *slug;
	const char *name;
};

struct nd_tag_rec {
	int64_t id;
	const char *slug;
	const char *name;
};

struct nd_article_rec {
	int64_t id; /* internal row id */
	const char *ext_id;
	const char *slug;
	const char *title;
	const char *summary; /* "" when none */
	const char *body;    /* Markdown */
	const char *language;
	const char *image;      /* "" when none */
	const char *source_url; /* "" when none */
	int64_t section_id;     /* always set: every article has a section */
	int64_t author_id;      /* 0: none */
	enum nd_article_status status;
	int64_t published_at, updated_at, created_at;
	int64_t owner_user_id;  /* the user who created it (0005); 0: none */
	const int64_t *tag_ids; /* in the order given at put time; never NULL */
	size_t tag_count;
};

typedef int (*nd_section_cb)(void *ctx, const struct nd_section_rec *rec);
typedef int (*nd_author_cb)(void *ctx, const struct nd_author_rec *rec);
typedef int (*nd_tag_cb)(void *ctx, const struct nd_tag_rec *rec);
typedef int (*nd_article_cb)(void *ctx, const struct nd_article_rec *rec);

/*
 * Opens the store named by url: "sqlite:PATH" or a plain PATH (SQLite;
 * "sqlite::memory:" for a private in-memory database), or PostgreSQL:
 * "postgres://..." / "postgresql://..." (a libpq URI, given to libpq as
 * is) or "pg:" and a libpq "key=value" connection string; PG* environment
 * variables fill in what either leaves out. SQLite: creates the database
 * if missing, sets WAL mode, foreign keys and a 5 s busy timeout.
 * PostgreSQL: the database must exist. Then applies pending schema
 * migrations (store/schema/, store/schema/pg/), each in its own
 * transaction. On success *out gets a handle the caller owns
 * (nd_store_close); on failure *out is NULL. Errors, logged quoting url:
 * ND_EINVAL for an empty URL, an empty path or an unknown "scheme://";
 * ND_ESTORE when the database cannot be opened or migrated, or when its
 * schema is newer than this binary knows (it is then left untouched).
 */
int nd_store_open(const char *url, struct nd_store **out);
/*
 * url as messages may quote it (the store's own, the command line's): the password of a
 * "scheme://user:password@host" URL and the value of every "password="
 * (a libpq key or URI parameter) replaced by "***". The caller frees it.
 */
char *nd_store_url_shown(const char *url);
/* Closes the handle (rolling back an open transaction); NULL is a no-op. */
void nd_store_close(struct nd_store *s);

/* The schema version now in the database (the number of the last migration). */
int nd_store_schema_version(struct nd_store *s, int *out);

/*
 * Explicit transactions, for batches (an import commits every few hundred
 * articles). Without them each put or delete is its own transaction. Inside
 * one, a put or delete that fails undoes only its own writes; the rest of
 * the transaction stands. Nesting, and commit or rollback without begin, are
 * ND_EINVAL. A failed commit rolls back; either way the transaction is over.
 * begin takes the write lock at once (readers go on; a second writer waits
 * up to the busy timeout, then gets ND_EBUSY).
 * The store cannot replay the caller's transaction, so nothing inside one is
 * retried: ND_EBUSY (or ND_ESTORE for a connection lost, the transaction
 * rolled back by the server) reaches the caller, who rolls back and may run
 * the whole transaction again. begin and read_begin themselves are retried.
 */
int nd_store_begin(struct nd_store *s);
int nd_store_commit(struct nd_store *s);
int nd_store_rollback(struct nd_store *s);

/*
 * A consistent view for a series of reads: between nd_store_read_begin and
 * nd_store_read_end every read sees the database as it was at the first
 * one, whatever other connections commit meanwhile (a site snapshot is
 * built this way). It does not block writers. No writes in between; no
 * nesting with nd_store_begin (ND_EINVAL).
 */
int nd_store_read_begin(struct nd_store *s);
int nd_store_read_end(struct nd_store *s);

/*
 * Inserts or updates the article with in->ext_id, all or nothing. Creates
 * its section path, author and tags when new; an existing row with the same
 * slug is reused (the stored name is kept): same slug, same section, author
 * or tag. A top-level section whose slug names a site route ("api", "tag",
 * "search", ...) gets the slug "<slug>-section".
 *
 * Slugs: a given slug is normalised (nd_slugify); without one, an existing
 * article keeps its stored slug (stable URLs) and a new one derives it from
 * the title, else from ext_id, else "article". The result is made unique
 * within the section with -2, -3, ... (also when the article moves section).
 *
 * Tags are replaced by in->tags, in that order; a tag named twice is
 * linked once. *created (may be NULL) tells whether a new article was made.
 * Bumps the site generation in the same transaction. In the same
 * transaction too, a revision of the article as now stored is kept
 * (nd_store_each_revision), unless it equals the latest one in everything
 * but updated_at (an unchanged re-import adds none).
 *
 * Errors (message names the article and field): ND_EINVAL for a missing
 * ext_id, title or body, invalid UTF-8, an unknown status, a section path
 * deeper than ND_MAX_SECTION_DEPTH, or a section level, author, tag or
 * given slug with no letter or digit; ND_ETOOBIG for a title longer than
 * ND_MAX_TITLE or more than ND_MAX_TAGS tags.
 */
int nd_store_article_put(struct nd_store *s, const struct nd_article_in *in, bool *created);

/*
 * Deletes the article with ext_id and its tag links, and bumps the
 * generation. Its section, author and tags stay. ND_ENOTFOUND (not logged)
 * if there is none, ND_EINVAL for a blank ext_id.
 */
int nd_store_article_delete(struct nd_store *s, const char *ext_id);

/*
 * --- Revisions (0005-revisions.sql) ---
 *
 * Every save that changes an article keeps a revision: the whole article
 * in the import's shape (names, not ids). Revisions go with their article
 * when it is deleted.
 */
struct nd_revision_rec {
	int64_t id;
	int64_t article_id;
	int64_t n; /* 1, 2, ... per article */
	const char *ext_id, *slug, *title, *summary, *body;
	const char *section; /* the path of names: "World/Europe" */
	const char *author;  /* "" when none */
	const char *const *tags;
	size_t tag_count;
	const char *language, *image, *source_url; /* "" when none */
	enum nd_article_status status;
	int64_t published_at, updated_at;
	int64_t user_id; /* who saved; 0: import, fetch, the CLI or a removed user */
	int64_t created_at;
};

/* Borrowed: valid only during the callback; non-zero stops the walk and is returned. */
typedef int (*nd_revision_cb)(void *ctx, const struct nd_revision_rec *rec);

/* Calls cb with every revision of the article with ext_id, newest first.
 * ND_ENOTFOUND (not logged) when there is no such article. */
int nd_store_each_revision(struct nd_store *s, const char *ext_id, nd_revision_cb cb, void *ctx);
/* Calls cb with revision n of the article (n 0: its latest); ND_ENOTFOUND (not logged) if none. */
int nd_store_revision_get(struct nd_store *s, const char *ext_id, int64_t n, nd_revision_cb cb,
                          void *ctx);
/*
 * Saves revision n of the article again (nd_store_article_put with its
 * fields, updated_at now, user_id the saver), which keeps a new revision
 * unless it is the latest already. *created as for put. ND_ENOTFOUND (not
 * logged) when there is no such revision; else the errors of put.
 */
int nd_store_revision_restore(struct nd_store *s, const char *ext_id, int64_t n, int64_t user_id);

/*
 * --- Webhook deliveries (0006-webhooks.sql) ---
 *
 * The log of what the webhook sender (src/webhook) sent. add makes a
 * 'pending' row with no attempt and sets *id; update records an attempt:
 * status "pending", "delivered" or "failed", the HTTP status (0: none) and
 * the error ("" when none). ND_EINVAL for blank text, an unknown status or
 * an id <= 0; ND_ENOTFOUND (not logged) for an unknown id.
 */
struct nd_delivery_rec {
	int64_t id;
	const char *webhook, *event, *url, *article, *status, *last_error;
	int64_t attempts, http_status, created_at, updated_at;
};
typedef int (*nd_delivery_cb)(void *ctx, const struct nd_delivery_rec *rec);

int nd_store_delivery_add(struct nd_store *s, const char *webhook, const char *event,
                          const char *url, const char *article, int64_t at, int64_t *id);
int nd_store_delivery_update(struct nd_store *s, int64_t id, const char *status,
                             int64_t http_status, const char *last_error, int64_t at);
/* Calls cb with every delivery, newest first. */
int nd_store_each_delivery(struct nd_store *s, nd_delivery_cb cb, void *ctx);

/* Number of articles, all statuses. */
int nd_store_article_count(struct nd_store *s, int64_t *out);

/*
 * Iteration for building the in-memory site. Each calls cb once per row;
 * a non-zero return from cb stops the walk and is returned. Sections come
 * depth first: each parent just before its children, siblings by position.
 * Authors and tags come by slug. Callbacks may read through the same handle,
 * nested walks included; a write during a walk may or may not be seen by it.
 */
int nd_store_each_section(struct nd_store *s, nd_section_cb cb, void *ctx);
int nd_store_each_author(struct nd_store *s, nd_author_cb cb, void *ctx);
int nd_store_each_tag(struct nd_store *s, nd_tag_cb cb, void *ctx);
/*
 * Articles with this status whose published_at <= before (use INT64_MAX for
 * all), newest published first (ties: the later created first). ND_EINVAL
 * for an unknown status.
 */
int nd_store_each_article(struct nd_store *s, enum nd_article_status status, int64_t before,
                          nd_article_cb cb, void *ctx);
/* Calls cb with the one article with ext_id; ND_ENOTFOUND (not logged) if none. */
int nd_store_article_get(struct nd_store *s, const char *ext_id, nd_article_cb cb, void *ctx);

/*
 * The site generation: a counter bumped by every write that changes what
 * the site shows (put, delete). A server polls it to know when to rebuild
 * its snapshot. Starts at 0 in a new database.
 */
int nd_store_generation(struct nd_store *s, int64_t *out);

/*
 * --- Counters: views and reactions (migration 0002) ---
 *
 * article_id below is always the article's internal row id
 * (nd_article_rec.id), the value the site uses as an article's key
 * (nd_site_article.key), never its ext_id.
 *
 * None of these functions changes the site generation: counters move every
 * second and must not rebuild the snapshot. Every counter write is a
 * commutative increment (views = views + n, count = count +/- 1, insert-or-
 * ignore of a reaction row), so batches from several handles, processes or
 * nodes may be applied in any order and add up to the same totals.
 *
 * Like the article writes, each write function is one transaction of its
 * own, or a savepoint inside the caller's explicit transaction
 * (nd_store_begin); either way it is all or nothing. A writer that cannot
 * get the write lock within the busy timeout gets ND_EBUSY and nothing is
 * applied.
 */

/* Bytes of a reaction's visitor: a kind byte ('c', 'h', 'd', ...) and 16 id bytes. */
#define ND_STORE_VISITOR_LEN 17
/* The largest secret nd_store_secret hands out, in bytes. */
#define ND_STORE_SECRET_MAX 1024

/* Views of one article in one UTC hour, to be added. */
struct nd_view_delta {
	int64_t article_id; /* nd_article_rec.id, > 0 */
	int64_t hour;       /* unix seconds / 3600, >= 0 */
	uint32_t views;     /* how many to add; 0 is skipped */
};

enum nd_react_op {
	ND_REACT_ADD,    /* the visitor reacts (again: no change) */
	ND_REACT_REMOVE, /* the visitor takes it back (never reacted: no change) */
	ND_REACT_TOGGLE, /* remove if present, else add: "pressing again takes it back" */
};

/* One reaction change. All fields but result are input and borrowed. */
struct nd_reaction_op {
	int64_t article_id; /* nd_article_rec.id, > 0 */
	/* The configured reaction slug ("verygood"): 1 to ND_MAX_SLUG bytes of
	 * [a-z0-9_-]. */
	const char *type;
	uint8_t visitor[ND_STORE_VISITOR_LEN];
	enum nd_react_op op;
	int64_t at; /* created_at of an added row, unix seconds; 0: now */
	/* Out: +1 a row was added, -1 a row was removed, 0 unchanged;
	 * ND_ENOTFOUND when the article no longer exists (the op is skipped). */
	int result;
};

/*
 * Applies a flush in one transaction: each view delta is added to
 * view_hours (article, hour) and to article_stats (article), each reaction
 * op is applied in array order, and reaction_counts is kept equal to the
 * number of reactions rows: ADD counts only when the row is new, REMOVE
 * only when it existed, TOGGLE removes when present and else adds. So a
 * count never goes below 0 and one visitor reacts at most once per type
 * per article. r[i].result tells what each op did.
 *
 * A delta or op for an article that does not exist (deleted meanwhile) is
 * skipped (logged; its result is ND_ENOTFOUND) and the rest of the batch
 * commits. On any other failure nothing of the batch is stored, every
 * result is 0, and the error is returned: ND_EBUSY or ND_ESTORE as for any
 * write; ND_EINVAL (before anything is written) when a pointer is NULL
 * with a non-zero count, an article_id is <= 0, an hour or `at` is
 * negative, a type is not a valid slug or an op is unknown. v and r may be
 * NULL when nv and nr are 0.
 */
int nd_store_counts_apply(struct nd_store *s, const struct nd_view_delta *v, size_t nv,
                          struct nd_reaction_op *r, size_t nr);

/* Row callbacks of the counter walks; a non-zero return stops the walk and is returned. */
typedef int (*nd_stats_cb)(void *ctx, int64_t article_id, int64_t views);
/* type is borrowed, valid only during the callback. */
typedef int (*nd_rcount_cb)(void *ctx, int64_t article_id, const char *type, int64_t count);
typedef int (*nd_vhour_cb)(void *ctx, int64_t article_id, int64_t hour, int64_t views);

/* Calls cb with the all-time views of every article that has any, by article_id. */
int nd_store_each_article_views(struct nd_store *s, nd_stats_cb cb, void *ctx);
/* Calls cb with every non-zero reaction count, by article_id and then type. */
int nd_store_each_reaction_count(struct nd_store *s, nd_rcount_cb cb, void *ctx);
/*
 * Calls cb with every hourly bucket whose hour >= from_hour, ordered by
 * hour and then article_id (the Ranking loads its last days this way).
 */
int nd_store_each_view_hour(struct nd_store *s, int64_t from_hour, nd_vhour_cb cb, void *ctx);

/*
 * Sets *out to whether the visitor has reacted with type to the article.
 * ND_EINVAL for an invalid type (as in nd_store_counts_apply).
 */
int nd_store_reaction_has(struct nd_store *s, int64_t article_id, const char *type,
                          const uint8_t visitor[ND_STORE_VISITOR_LEN], bool *out);

/*
 * Folds every view_hours row with hour < before_hour into view_days (day =
 * hour / 24, views summed and added to what the day already has) and
 * deletes those hours, in one transaction; article_stats is unchanged.
 * before_hour must be a day boundary: a multiple of 24, >= 0 (ND_EINVAL).
 */
int nd_store_views_compact(struct nd_store *s, int64_t before_hour);

/*
 * Copies the secret called name (len bytes, at most ND_STORE_SECRET_MAX) to
 * out, creating it from the system's random source (getrandom) the first
 * time. It is kept in meta, so it is the same after a reopen and for every
 * handle, process or node on the database: concurrent first callers agree
 * on one value (insert-or-ignore, then read, in one transaction). Errors:
 * ND_EINVAL for a blank or reserved name ("generation"), a name longer than
 * ND_MAX_NAME, a bad len, or a stored value under name that is not a
 * secret of len bytes; ND_EIO when no random bytes can be had. out is
 * written only on success.
 */
int nd_store_secret(struct nd_store *s, const char *name, uint8_t *out, size_t len);

/*
 * A small integer setting in meta ("simulated_activity"). get sets *out,
 * or returns ND_ENOTFOUND (not logged) when key is absent, ND_EINVAL when
 * its value is not an integer. set inserts or replaces the value; it does
 * not touch the generation, and refuses to set "generation" itself
 * (ND_EINVAL). Keys: non-blank, at most ND_MAX_NAME bytes (ND_EINVAL).
 */
int nd_store_meta_int_get(struct nd_store *s, const char *key, int64_t *out);
int nd_store_meta_int_set(struct nd_store *s, const char *key, int64_t value);

/*
 * Deletes every counter row (article_stats, view_hours, view_days,
 * reactions, reaction_counts) and every reading_history row in one
 * transaction, for the demo to reseed.
 * Articles, meta and the generation are untouched.
 */
int nd_store_counts_clear(struct nd_store *s);

/*
 * Reading histories (0003-history.sql): which visitor read which article
 * when, for the Recommendation list.
 */
struct nd_history_rec {
	uint8_t visitor[ND_STORE_VISITOR_LEN];
	int64_t article_id; /* articles.id */
	int64_t at;         /* unix seconds, >= 0 */
};

/*
 * Adds h[0..n) in one transaction; a row already there (same visitor,
 * article and second) is ignored, one of an article that no longer exists
 * is skipped. Errors: ND_EINVAL (nothing written) for a NULL h with n > 0,
 * an article_id <= 0 or a negative time; else those of any write.
 */
int nd_store_history_add(struct nd_store *s, const struct nd_history_rec *h, size_t n);

/* Row callback of nd_store_each_history; rec is borrowed for the call. */
typedef int (*nd_history_cb)(void *ctx, const struct nd_history_rec *rec);

/* Calls cb with every row whose at >= since, oldest first. */
int nd_store_each_history(struct nd_store *s, int64_t since, nd_history_cb cb, void *ctx);

/*
 * Deletes, in one transaction, every row older than before (at < before)
 * and, per visitor, every row beyond its newest keep (keep >= 1, else
 * ND_EINVAL). *deleted (may be NULL) gets how many rows went.
 */
int nd_store_history_purge(struct nd_store *s, int64_t before, size_t keep, int64_t *deleted);

/*
 * --- Accounts (0004-accounts.sql): users, sessions, login lockout ---
 *
 * The people who log in to /admin; docs/internals/admin.md has the whole
 * picture. The store keeps what it is given: hashing passwords and
 * tokens, checking them, and deciding who may do what is src/admin/'s
 * job. None of these writes changes the site generation. Each write is one
 * transaction (or a savepoint inside the caller's, as for articles).
 */

enum nd_role {
	ND_ROLE_AUTHOR = 0, /* writes and edits own articles; cannot publish */
	ND_ROLE_EDITOR = 1, /* publishes and edits any article */
	ND_ROLE_ADMIN = 2,  /* also manages users and settings */
};

/* "author", "editor", "admin"; NULL for an unknown value. */
const char *nd_role_name(enum nd_role role);
/* Parses a role name (exact, lowercase); 0 or ND_EINVAL, *out set only on success. */
int nd_role_parse(const char *name, enum nd_role *out);

/* The longest login, in bytes. */
#define ND_STORE_LOGIN_MAX 64
/* Bytes of a session id (the hash of its token) and of a session's CSRF secret. */
#define ND_STORE_SESSION_ID_LEN 32
#define ND_STORE_CSRF_LEN       32

/*
 * Whether login is a valid login name: 1 to ND_STORE_LOGIN_MAX bytes of
 * ASCII letters, digits and ". _ @ -", starting with a letter or digit.
 * Case does not matter (logins are stored in lowercase).
 */
bool nd_store_login_valid(const char *login);

/* A user as read back. Borrowed: valid only during the callback. */
struct nd_user_rec {
	int64_t id;
	const char *login; /* lowercase */
	const char *name;  /* display name; "" when none */
	enum nd_role role;
	const char *password; /* the argon2id string (crypto_pwhash_str) */
	int64_t created_at;
	int64_t last_login; /* 0: never */
	bool disabled;
};

typedef int (*nd_user_cb)(void *ctx, const struct nd_user_rec *rec);

/*
 * Adds a user. login is folded to lowercase; name may be NULL (none);
 * password is the hash string to keep (never a password). *id (may be NULL)
 * gets the new user's id. Errors: ND_EINVAL for an invalid login
 * (nd_store_login_valid), a name that is not UTF-8 or longer than
 * ND_MAX_NAME, a blank password hash or an unknown role; ND_EEXIST (not
 * logged) when a user already has that login, in any case.
 */
int nd_store_user_add(struct nd_store *s, const char *login, const char *name, enum nd_role role,
                      const char *password, int64_t *id);
/*
 * Calls cb with the user whose login is login, compared without case, or
 * with id. ND_ENOTFOUND (not logged) if there is none; ND_EINVAL for an
 * invalid login or an id <= 0.
 */
int nd_store_user_get(struct nd_store *s, const char *login, nd_user_cb cb, void *ctx);
int nd_store_user_get_id(struct nd_store *s, int64_t id, nd_user_cb cb, void *ctx);
/* Calls cb with every user, by login; a non-zero return stops the walk and is returned. */
int nd_store_each_user(struct nd_store *s, nd_user_cb cb, void *ctx);
/*
 * Changes one field of user id: the password hash (non-blank), the role,
 * or the time of the last successful login (>= 0). ND_ENOTFOUND (not
 * logged) when there is no such user, ND_EINVAL for bad input.
 */
int nd_store_user_set_password(struct nd_store *s, int64_t id, const char *password);
int nd_store_user_set_role(struct nd_store *s, int64_t id, enum nd_role role);
int nd_store_user_set_last_login(struct nd_store *s, int64_t id, int64_t at);
/*
 * Deletes the user with login and, in the same transaction, all of its
 * sessions and API tokens. ND_ENOTFOUND (not logged) if there is none.
 */
int nd_store_user_remove(struct nd_store *s, const char *login);

/* A session row. Filled by the caller for add, by the store for get. */
struct nd_session_rec {
	uint8_t id[ND_STORE_SESSION_ID_LEN]; /* the hash of the cookie's token */
	int64_t user_id;
	int64_t created_at;
	int64_t last_seen;
	int64_t expires_at; /* absolute end */
	uint8_t csrf[ND_STORE_CSRF_LEN];
};

/*
 * Adds a session. Errors: ND_EINVAL for a user_id <= 0 or a negative time;
 * ND_ENOTFOUND (not logged) when the user does not exist (removed
 * meanwhile); ND_EEXIST when the id is taken (a 256-bit collision: a bug).
 */
int nd_store_session_add(struct nd_store *s, const struct nd_session_rec *rec);
/*
 * Copies the session with id to *out, expired or not (the caller decides).
 * ND_ENOTFOUND (not logged) if there is none; *out is written only on success.
 */
int nd_store_session_get(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN],
                         struct nd_session_rec *out);
/* Sets the session's last_seen (never backwards). No session: 0, nothing done. */
int nd_store_session_touch(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN],
                           int64_t last_seen);
/* Deletes the session with id; 0 also when there was none. */
int nd_store_session_delete(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN]);
/* Deletes every session of user_id (> 0); *deleted (may be NULL) gets how many. */
int nd_store_session_delete_user(struct nd_store *s, int64_t user_id, int64_t *deleted);
/*
 * Deletes every session that has ended: expires_at <= now, or last_seen <
 * idle_before. *deleted (may be NULL) gets how many.
 */
int nd_store_session_purge(struct nd_store *s, int64_t now, int64_t idle_before, int64_t *deleted);

/*
 * Login lockout: consecutive failed logins per login name, whether or not
 * a user has it (an unknown login locks just the same, so a lock tells
 * nothing). login: any UTF-8 text of 1 to ND_STORE_LOGIN_MAX bytes, folded
 * to lowercase (ASCII); else ND_EINVAL.
 */
struct nd_login_state {
	int64_t failures;     /* consecutive failures since the last success or lock */
	int64_t locked_until; /* unix seconds; locked while now < locked_until */
	/* Out of nd_store_login_failed: this failure was counted (false:
	 * the login was locked, nothing changed). */
	bool counted;
};

/* Failures further apart than this (seconds) do not add up: one a day for
 * a month is forgetfulness, not an attack. */
#define ND_STORE_LOGIN_WINDOW 86400

/* Reads the state of login into *out (zeros when it has none). */
int nd_store_login_state(struct nd_store *s, const char *login, struct nd_login_state *out);
/*
 * Records a failed login at now, in one transaction, and copies the new
 * state to *out (may be NULL). While locked (now < locked_until) nothing
 * changes (counted false). Else failures goes up by one, from 0 when the
 * last failure is more than ND_STORE_LOGIN_WINDOW old; when it reaches
 * max_failures the login is locked until now + lock_seconds and failures
 * starts again at 0. ND_EINVAL for max_failures < 1 or lock_seconds < 0.
 */
int nd_store_login_failed(struct nd_store *s, const char *login, int64_t now, int max_failures,
                          int64_t lock_seconds, struct nd_login_state *out);
/* Forgets the failures of login (after a successful login). */
int nd_store_login_clear(struct nd_store *s, const char *login);
/*
 * Deletes every row that no longer matters at now: not locked, last
 * failure more than ND_STORE_LOGIN_WINDOW ago. *deleted (may be NULL) gets
 * how many.
 */
int nd_store_login_purge(struct nd_store *s, int64_t now, int64_t *deleted);

/*
 * API tokens (0004): bearer tokens of the write API, one user each. The
 * store keeps the BLAKE2b-256 hash of a token, never the token. A revoked
 * token stays listed (revoked_at > 0); whoever checks a token refuses it.
 */
#define ND_STORE_TOKEN_HASH_LEN 32

/* A token as read back. Borrowed: valid only during the callback. */
struct nd_token_rec {
	int64_t id;
	int64_t user_id;
	const char *name; /* what it is for: "CI import" */
	uint8_t hash[ND_STORE_TOKEN_HASH_LEN];
	int64_t created_at;
	int64_t last_used;  /* 0: never */
	int64_t revoked_at; /* 0: valid */
};

typedef int (*nd_token_cb)(void *ctx, const struct nd_token_rec *rec);

/*
 * Adds a token of user_id created at `at`; *id (may be NULL) gets its id.
 * Errors: ND_EINVAL for a user_id <= 0, a negative time, or a name that is
 * blank, not UTF-8 or longer than ND_MAX_NAME; ND_ENOTFOUND (not logged)
 * when the user does not exist; ND_EEXIST when the hash is taken.
 */
int nd_store_token_add(struct nd_store *s, int64_t user_id, const char *name,
                       const uint8_t hash[ND_STORE_TOKEN_HASH_LEN], int64_t at, int64_t *id);
/* Calls cb with the token whose hash is hash, revoked or not; ND_ENOTFOUND (not logged) if none. */
int nd_store_token_find(struct nd_store *s, const uint8_t hash[ND_STORE_TOKEN_HASH_LEN],
                        nd_token_cb cb, void *ctx);
/* Calls cb with every token of user_id (0: of every user), by id; a non-zero return stops. */
int nd_store_each_token(struct nd_store *s, int64_t user_id, nd_token_cb cb, void *ctx);
/*
 * Notes a use of token id at `at` (last_used never goes back), or revokes
 * it at `at` (a revoked token keeps its first revoked_at). ND_ENOTFOUND (not
 * logged) when there is no such token; ND_EINVAL for an id <= 0 or at <= 0.
 */
int nd_store_token_used(struct nd_store *s, int64_t id, int64_t at);
int nd_store_token_revoke(struct nd_store *s, int64_t id, int64_t at);

/*
 * Views over time (the admin's stats pages, docs/internals/admin-stats.md).
 * Hours are unix seconds / 3600 (UTC), days hours / 24.
 *
 * nd_store_view_series fills out[0..(to_hour - from_hour) / bucket_hours)
 * with the views of the articles ids[0..n) (n 0: of every article) in each
 * bucket of bucket_hours hours from from_hour (inclusive) to to_hour
 * (exclusive): out[i] counts hours [from_hour + i * bucket_hours, from_hour
 * + (i + 1) * bucket_hours). bucket_hours is 1 or 24:
 * - 1: from view_hours only. Hours already folded into view_days
 *   (nd_store_views_compact, older than about 30 days) count 0.
 * - 24: each day is its view_days row plus the sum of its view_hours rows,
 *   so it is right before, during and after compaction. from_hour and
 *   to_hour must be day boundaries (multiples of 24).
 * Both tables are read in one read transaction (unless the caller is in
 * one), so a compaction running meanwhile is seen whole or not at all.
 * An id with no views, or no article, adds nothing; an id given twice
 * counts twice. Errors: ND_EINVAL (out untouched) when bucket_hours is
 * not 1 or 24, from_hour < 0, to_hour <= from_hour, the range is not a
 * whole number of buckets, it spans more than ND_STORE_SERIES_MAX
 * buckets, ids is NULL with n > 0, or an id is <= 0; ND_ESTORE (out
 * partly written) when a read fails.
 */
#define ND_STORE_SERIES_MAX 100000
int nd_store_view_series(struct nd_store *s, const int64_t *ids, size_t n, int64_t from_hour,
                         int64_t to_hour, int bucket_hours, int64_t *out);

/*
 * Calls cb with the views of each article that has any in the days
 * [from_hour / 24, to_hour / 24): its view_hours in that range plus its
 * view_days rows of those days, by article_id (a non-zero return stops
 * the walk and is returned). from_hour and to_hour are day boundaries
 * with 0 <= from_hour < to_hour (ND_EINVAL). One read transaction, as
 * above.
 */
int nd_store_each_article_range_views(struct nd_store *s, int64_t from_hour, int64_t to_hour,
                                      nd_stats_cb cb, void *ctx);

/*
 * --- Retired public paths (0007-retired-urls.sql) ---
 *
 * The article paths the site showed and shows no more, so that it answers
 * 301 or 410 there instead of 404 (docs/internals/gone.md). A path is the
 * decoded request path the site routes: "/world/europe/my-slug". Kept by
 * nd_store_article_put and nd_store_article_delete in their transaction:
 *   - a live article (published, or scheduled with its time come) that
 *     stops being live leaves its path 'unpublished';
 *   - a live article that stays live at another path (new slug, other
 *     section, or its slug yielded to a new section) leaves its old path
 *     'moved', with its id;
 *   - a deleted article leaves its live path, and every path that named
 *     it, 'deleted' (article_id then 0);
 *   - an article live at a path removes that path's row, and its own
 *     'unpublished' paths become 'moved' (they lead to it again).
 * A draft or a scheduled article not yet live records nothing.
 */
struct nd_retired_rec {
	const char *path;
	int64_t article_id; /* the article's row id; 0 when none (deleted) */
	const char *reason; /* "unpublished", "deleted" or "moved" */
	int64_t at;         /* when it was retired, Unix seconds */
};
typedef int (*nd_retired_cb)(void *ctx, const struct nd_retired_rec *rec);

/* Calls cb with every retired path, by path; a non-zero return stops the
 * walk and is returned. Borrowed strings, valid during the callback. */
int nd_store_each_retired(struct nd_store *s, nd_retired_cb cb, void *ctx);
/*
 * --- Sections and tags in the admin (issue 6, item 2: /admin/sections) ---
 *
 * Every write below is one transaction (or a savepoint inside the
 * caller's), all or nothing, and bumps the site generation in it, so a
 * server shows the change at its next snapshot reload. ids are > 0
 * (ND_EINVAL otherwise); an unknown id is ND_ENOTFOUND (not logged).
 *
 * Names are display names: trimmed, valid UTF-8, at most ND_MAX_NAME
 * bytes, with a letter or digit (ND_EINVAL, logged with the reason);
 * a section name cannot hold '/' (it separates the levels of a path).
 * A rename changes the name only: the slug, so every URL, stays. To keep
 * imports and the write API finding a renamed section or tag by its new
 * name, nd_store_article_put looks a level or tag up by its slug and,
 * when no slug matches, by its name (ASCII case folded); so no two
 * siblings, or no two tags, may share a name or have a name whose slug
 * is another's slug (ND_EEXIST, not logged).
 */

/* Row callback of the count walks: id and its number of articles (every status). */
typedef int (*nd_count_cb)(void *ctx, int64_t id, int64_t count);
/* Calls cb with each section that has articles of its own (not its
 * subsections'), and with each tag that has articles, by id. */
int nd_store_each_section_count(struct nd_store *s, nd_count_cb cb, void *ctx);
int nd_store_each_tag_count(struct nd_store *s, nd_count_cb cb, void *ctx);

/*
 * Adds the section name under parent_id (0: top level), last among its
 * siblings. Its slug is made as nd_store_article_put makes one (a
 * top-level slug naming a site route gets "-section"; an article of the
 * parent with that slug moves to slug-ID). *id (may be NULL) gets its id.
 * ND_ENOTFOUND for an unknown parent; ND_EEXIST when a sibling has that
 * name or slug; ND_EINVAL past ND_MAX_SECTION_DEPTH levels.
 */
int nd_store_section_add(struct nd_store *s, int64_t parent_id, const char *name, int64_t *id);
/* Renames section id (slug and URL stay); ND_EEXIST as for add. */
int nd_store_section_rename(struct nd_store *s, int64_t id, const char *name);
/*
 * Moves section id one place up (step -1) or down (step +1) among its
 * siblings: the order of the site's navigation. Positions are renumbered
 * 1..n in the new order. *moved (may be NULL) is false when it was already
 * first (last); then nothing is written. ND_EINVAL for another step.
 */
int nd_store_section_move(struct nd_store *s, int64_t id, int step, bool *moved);
/*
 * Deletes section id when it has no article (of any status) and no
 * subsection. Else ND_EBUSY (not logged) with *articles and *children
 * (both required, set on every return) saying how many it has.
 */
int nd_store_section_delete(struct nd_store *s, int64_t id, int64_t *articles, int64_t *children);

/* Renames tag id (slug and URL stay); ND_EEXIST as above. */
int nd_store_tag_rename(struct nd_store *s, int64_t id, const char *name);
/*
 * Merges tag from into tag into: every article of from gets into (where
 * it already has into, it keeps its place there), and from is deleted.
 * *moved (may be NULL) gets the number of articles from had. ND_EINVAL
 * when from == into. Revisions keep the names they were saved with.
 */
int nd_store_tag_merge(struct nd_store *s, int64_t from, int64_t into, int64_t *moved);
/* Deletes tag id when no article has it; else ND_EBUSY (not logged) with
 * *articles (required, set on every return) the number that do. */
int nd_store_tag_delete(struct nd_store *s, int64_t id, int64_t *articles);

/*
 * --- The admin's article list (nd_store_article_find) ---
 *
 * Articles of every status, filtered and paged, for the admin's list. Each
 * filter left at its zero value matches everything.
 */
struct nd_article_query {
	int status;            /* an enum nd_article_status, or -1: any */
	int64_t section_id;    /* 0: any; else that section and its subsections */
	int64_t author_id;     /* 0: any */
	int64_t owner_user_id; /* 0: any */
	/* Matched case-insensitively (ASCII letters; SQL LIKE) as a plain
	 * substring of title, summary or body: '%' and '_' are literal. NULL
	 * or blank: any. At most ND_MAX_QUERY bytes. */
	const char *text;
	size_t limit; /* rows to return; 0: none (only the count) */
	size_t offset;
};

/*
 * Calls cb with the articles matching q, most recently updated first (ties:
 * the higher id first), skipping the first q->offset and stopping after
 * q->limit; a non-zero return from cb stops the walk and is returned. *total
 * (may be NULL) gets how many articles match in all, whatever the limit.
 * Both are read in one snapshot of the database. Errors: ND_EINVAL for an
 * unknown status, a negative id, a text longer than ND_MAX_QUERY or not
 * UTF-8.
 */
int nd_store_article_find(struct nd_store *s, const struct nd_article_query *q, int64_t *total,
                          nd_article_cb cb, void *ctx);

/*
 * --- Copying a whole site between stores (issue 7: newsdesk migrate) ---
 *
 * nd_store_copy copies every table of the site (articles, revisions,
 * taxonomy, accounts, sessions, tokens, counters, histories, webhook
 * deliveries, retired paths, and meta with its secrets and generation)
 * from src into dst, two SQL stores of any kind (SQLite, PostgreSQL; the
 * same kind too). Row ids are kept; on PostgreSQL each identity sequence is
 * then moved past the largest id copied. The migrations' bookkeeping is
 * not copied: each store migrated itself when it was opened.
 *
 * - dst must hold no site data (a freshly created store: no row in any
 *   copied table but the generation in meta). Otherwise ND_EEXIST, logged
 *   with each table that has rows, and nothing is written.
 * - src is read in one snapshot (nd_store_read_begin), so a site that is
 *   running copies consistently; dst is written in one transaction, all or
 *   nothing: on an error nothing is left in dst, and the logged message
 *   names the table and the row that failed.
 * - After the commit, every table's rows are counted again in dst: report
 *   gets each table's count in src and in dst (report->tables[0..n), in
 *   copy order); any difference is ND_ESTORE (logged), the copy being
 *   committed.
 * - cb (may be NULL) is called every 10,000 rows of a table and once at
 *   the end of each table, with the rows done and the table's total.
 * Neither store may be inside a transaction (ND_EINVAL), nor be the same
 * handle; ND_EUNSUPP for a store that is not SQL.
 */
#define ND_STORE_COPY_MAX_TABLES 32

struct nd_store_copy_count {
	const char *table; /* static */
	int64_t source, dest;
};

struct nd_store_copy_report {
	struct nd_store_copy_count tables[ND_STORE_COPY_MAX_TABLES];
	size_t n;
	bool committed; /* the copy is in dst (then only the counts can have failed) */
};

typedef void (*nd_store_copy_cb)(void *ctx, const char *table, int64_t done, int64_t total);

int nd_store_copy(struct nd_store *src, struct nd_store *dst, nd_store_copy_cb cb, void *ctx,
                  struct nd_store_copy_report *report);

/*
 * --- The node log (0009-node-log.sql): what the other nodes counted ---
 *
 * Several newsdesk nodes may share one database (issue 7). Each keeps its
 * live counts, its Ranking and its recommendation model in memory and
 * writes its own views, reactions and reads to the store; the node log
 * tells every node what the others wrote, about once a second
 * (docs/internals/node-sync.md).
 *
 * A handle given a node (nd_store_nodelog_as) adds log rows for what
 * nd_store_counts_apply and nd_store_history_add store, in the same
 * transaction: one row for all the view deltas of a call, one per reaction
 * that was added or taken back, one per history row that was new. Other handles log nothing (the
 * demo, the tests, a single command). Log writers hold the store's write lock from their first row
 * to their commit, so rows become visible in id order and a reader that remembers the highest id it
 * has seen never misses one.
 */

/* What a node log row records. */
enum nd_nodelog_kind {
	ND_NODELOG_VIEWS,    /* views, nviews: the view deltas of one flush */
	ND_NODELOG_REACTION, /* article_id, type, reaction, at */
	ND_NODELOG_READ,     /* article_id, visitor, at */
};

/* One node log row; borrowed by the callback for its call. */
struct nd_nodelog_rec {
	int64_t id;   /* > 0; increases with every row written */
	int64_t node; /* the node that wrote it */
	enum nd_nodelog_kind kind;
	const struct nd_view_delta *views; /* views: the deltas stored */
	size_t nviews;
	int64_t article_id;                    /* reaction, read */
	const char *type;                      /* reaction: the slug */
	int reaction;                          /* reaction: +1 added, -1 taken back */
	uint8_t visitor[ND_STORE_VISITOR_LEN]; /* read: who */
	int64_t at;                            /* reaction, read: when (unix seconds) */
};

typedef int (*nd_nodelog_cb)(void *ctx, const struct nd_nodelog_rec *rec);

/*
 * From now on, s's nd_store_counts_apply and nd_store_history_add log what
 * they store as node's (> 0); 0 stops. ND_EINVAL for a negative node.
 */
int nd_store_nodelog_as(struct nd_store *s, int64_t node);

/*
 * *mark = the highest id in the log (0 when empty): read inside
 * nd_store_read_begin with the counts it goes with, a node starts there.
 */
int nd_store_nodelog_mark(struct nd_store *s, int64_t *mark);

/*
 * Calls cb, in id order, with every row whose id > after written by another
 * node than node, and with the newest row whatever its node (so a caller
 * that moves its mark to each id it sees passes its own rows too). One
 * statement: one snapshot. A non-zero return from cb stops the walk and is
 * returned. A row this build cannot read comes as views with nviews 0 (it
 * still moves the mark).
 */
int nd_store_nodelog_since(struct nd_store *s, int64_t after, int64_t node, nd_nodelog_cb cb,
                           void *ctx);

/*
 * Deletes the rows logged more than max_age seconds ago (by the wall
 * clock; max_age >= 0, else ND_EINVAL), and any row before them, except
 * the newest row: ids are never handed out twice. *deleted (may be NULL)
 * gets how many went.
 */
int nd_store_nodelog_prune(struct nd_store *s, int64_t max_age, int64_t *deleted);
