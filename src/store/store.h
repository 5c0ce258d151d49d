#pragma once
/*
 * The store: everything newsdesk keeps on disk, behind one interface with a
 * backend per database (git's ref_storage_be). Today: SQLite ("sqlite:PATH"
 * or a plain file path). The PostgreSQL backend comes later behind the same
 * functions. docs/internals/store.md describes the schema and invariants.
 *
 * A store handle is one connection and is NOT safe for concurrent use from
 * several threads; each thread that needs the database opens its own handle
 * (SQLite in WAL mode lets readers and one writer work side by side).
 *
 * Times are Unix seconds (UTC). Strings are UTF-8, NUL-terminated.
 * Every function returns 0 or a negative enum nd_err: ND_ESTORE when the
 * database fails and ND_EBUSY when another writer held it locked for longer
 * than the busy timeout (5 s), both with the database's message logged.
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
};

/* Rows as read back. Borrowed: valid only during the callback. */
struct nd_section_rec {
	int64_t id;
	int64_t parent_id; /* 0 for a top-level section */
	const char *slug;  /* this level only, e.g. "europe" */
	const char *name;  /* display name, e.g. "Europe" */
	int position;      /* order among siblings (creation order, from 1) */
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
	const int64_t *tag_ids; /* in the order given at put time; never NULL */
	size_t tag_count;
};

typedef int (*nd_section_cb)(void *ctx, const struct nd_section_rec *rec);
typedef int (*nd_author_cb)(void *ctx, const struct nd_author_rec *rec);
typedef int (*nd_tag_cb)(void *ctx, const struct nd_tag_rec *rec);
typedef int (*nd_article_cb)(void *ctx, const struct nd_article_rec *rec);

/*
 * Opens the store named by url: "sqlite:PATH" or a plain PATH (SQLite;
 * "sqlite::memory:" for a private in-memory database). Creates the database
 * if missing, sets WAL mode, foreign keys and a 5 s busy timeout, and
 * applies pending schema migrations (store/schema/), each in its own
 * transaction. On success *out gets a handle the caller owns
 * (nd_store_close); on failure *out is NULL. Errors, logged quoting url:
 * ND_EINVAL for an empty URL, an empty path or an unknown "scheme://";
 * ND_EUNSUPP for "postgres://" and "postgresql://" (not built yet);
 * ND_ESTORE when the database cannot be opened or migrated, or when its
 * schema is newer than this binary knows (it is then left untouched).
 */
int nd_store_open(const char *url, struct nd_store **out);
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
 * Bumps the site generation in the same transaction.
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
