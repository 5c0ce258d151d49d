#pragma once
/*
 * The store: everything newsdesk keeps on disk, behind one interface with a
 * backend per database (git's ref_storage_be). Today: SQLite ("sqlite:PATH"
 * or a plain file path). The PostgreSQL backend comes later behind the same
 * functions.
 *
 * A store handle is one connection and is NOT safe for concurrent use from
 * several threads; each thread that needs the database opens its own handle
 * (SQLite in WAL mode lets readers and one writer work side by side).
 *
 * Times are Unix seconds (UTC). Strings are UTF-8, NUL-terminated.
 * Every function returns 0 or a negative enum nd_err (ND_ESTORE when the
 * database fails, with the database's message logged).
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
/* Parses a status name; 0 or ND_EINVAL. */
int nd_status_parse(const char *name, enum nd_article_status *out);

/*
 * What a writer hands to nd_store_article_put(). Borrowed: the store copies
 * what it keeps. NULL optional fields mean "none" (or "derive" for slug).
 */
struct nd_article_in {
	const char *ext_id; /* required: the stable external id */
	const char *title;  /* required */
	const char *body;   /* required: Markdown source */
	const char *summary;
	const char *section;     /* section path, levels separated by '/': "World/Europe" */
	const char *author;      /* display name; created if new */
	const char *const *tags; /* display names; created if new */
	size_t tag_count;
	const char *slug;     /* NULL: keep the stored one, or derive from title */
	const char *language; /* NULL: "en" */
	const char *image;
	const char *source_url;
	enum nd_article_status status;
	int64_t published_at; /* 0: now */
	int64_t updated_at;   /* 0: published_at on create, now on update */
};

/* Rows as read back. Borrowed: valid only during the callback. */
struct nd_section_rec {
	int64_t id;
	int64_t parent_id; /* 0 for a top-level section */
	const char *slug;  /* this level only, e.g. "europe" */
	const char *name;  /* display name, e.g. "Europe" */
	int position;      /* order among siblings (creation order) */
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
	int64_t section_id;     /* 0: none */
	int64_t author_id;      /* 0: none */
	enum nd_article_status status;
	int64_t published_at, updated_at, created_at;
	const int64_t *tag_ids; /* in the order given at put time */
	size_t tag_count;
};

typedef int (*nd_section_cb)(void *ctx, const struct nd_section_rec *rec);
typedef int (*nd_author_cb)(void *ctx, const struct nd_author_rec *rec);
typedef int (*nd_tag_cb)(void *ctx, const struct nd_tag_rec *rec);
typedef int (*nd_article_cb)(void *ctx, const struct nd_article_rec *rec);

/*
 * Opens the store named by url: "sqlite:PATH" or a plain PATH (SQLite).
 * Creates the database if missing and applies pending schema migrations
 * (see store/schema/). On success *out gets a handle the caller owns
 * (nd_store_close). Errors: ND_EINVAL for an unknown scheme, ND_ESTORE when
 * the database cannot be opened or migrated (message logged, quoting url).
 */
int nd_store_open(const char *url, struct nd_store **out);
/* Closes the handle; NULL is a no-op. */
void nd_store_close(struct nd_store *s);

/* The schema version now in the database (the number of the last migration). */
int nd_store_schema_version(struct nd_store *s, int *out);

/*
 * Explicit transactions. Without them each put is its own transaction.
 * Nesting is an error (ND_EINVAL).
 */
int nd_store_begin(struct nd_store *s);
int nd_store_commit(struct nd_store *s);
int nd_store_rollback(struct nd_store *s);

/*
 * Inserts or updates the article with in->ext_id. Creates its section path,
 * author and tags when new. Derives a slug when none is given and the
 * article has none yet, unique within its section (suffix -2, -3, ...); a
 * given slug is normalised the same way and made unique. *created (may be
 * NULL) tells whether a new article was made. Bumps the site generation.
 * Errors: ND_EINVAL for a missing required field (message names it).
 */
int nd_store_article_put(struct nd_store *s, const struct nd_article_in *in, bool *created);

/* Deletes the article with ext_id; ND_ENOTFOUND if there is none. */
int nd_store_article_delete(struct nd_store *s, const char *ext_id);

/* Number of articles, all statuses. */
int nd_store_article_count(struct nd_store *s, int64_t *out);

/*
 * Iteration for building the in-memory site. Each calls cb once per row;
 * a non-zero return from cb stops the walk and is returned. Sections come
 * parents first (so a parent is always seen before its children), then by
 * position; articles newest published first.
 */
int nd_store_each_section(struct nd_store *s, nd_section_cb cb, void *ctx);
int nd_store_each_author(struct nd_store *s, nd_author_cb cb, void *ctx);
int nd_store_each_tag(struct nd_store *s, nd_tag_cb cb, void *ctx);
/* Articles with this status whose published_at <= before (use INT64_MAX for all). */
int nd_store_each_article(struct nd_store *s, enum nd_article_status status, int64_t before,
                          nd_article_cb cb, void *ctx);
/* The one article with ext_id; ND_ENOTFOUND if none. */
int nd_store_article_get(struct nd_store *s, const char *ext_id, nd_article_cb cb, void *ctx);

/*
 * The site generation: a counter bumped by every write that changes what
 * the site shows. A server polls it to know when to rebuild its snapshot.
 */
int nd_store_generation(struct nd_store *s, int64_t *out);
