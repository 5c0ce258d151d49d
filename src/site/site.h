#pragma once
/*
 * The site: an immutable in-memory snapshot of everything the public pages
 * show (published articles with their HTML already rendered, sections,
 * authors, tags and the lookup tables from URL to object), built from the
 * store in one pass. Request handlers only ever read a snapshot, so they
 * take no lock; a writer builds the next snapshot and swaps it in
 * (site/snapshot.h).
 *
 * All strings and arrays live in the snapshot's arena and are valid for as
 * long as the snapshot is (borrowed, valid until the reader leaves its
 * read-side section).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "core/limits.h"

struct nd_store;
struct nd_arena;
struct nd_minhash;

/* A list of articles, newest first (indices into site->articles). */
struct nd_site_list {
	uint32_t *items;
	size_t count;
};

struct nd_site_section {
	int64_t id;
	struct nd_site_section *parent; /* NULL at the top level */
	const char *slug;               /* this level: "europe" */
	const char *name;               /* "Europe" */
	const char *path;               /* names from the top: "World/Europe" */
	const char *url;                /* "/world/europe", percent-encoded for links */
	const char *route;              /* the same path unencoded, as requests arrive */
	int depth;                      /* 0 at the top level */
	struct nd_site_list articles;   /* its own and its descendants' */
};

struct nd_site_person {
	int64_t id;
	const char *slug, *name, *url;
	struct nd_site_list articles;
};

struct nd_site_article {
	int64_t id;
	/* The body is kept as HTML only (its plain text, for the index and
	 * search snippets, is made when needed: render/escape.h). */
	const char *ext_id, *slug, *title, *summary, *description, *body_html;
	const char *language, *image, *source_url;
	const char *url;   /* "/world/europe/some-slug", percent-encoded for links */
	const char *route; /* the same path unencoded, as requests arrive */
	struct nd_site_section *section;
	struct nd_site_person *author; /* NULL when none */
	struct nd_site_person **tags;
	size_t tag_count;
	int64_t published_at, updated_at;
	uint64_t body_hash;         /* of the Markdown source, to reuse body_html */
	uint64_t text_hash;         /* of language, title and body: unchanged means indexed */
	uint32_t key;               /* in the text index: the store's row id */
	uint32_t cluster;           /* near-duplicate cluster: the smallest key among copies */
	struct nd_minhash *minhash; /* its fingerprint (related/dedup.h) */
};

/* Why an article path shows nothing any more (store: retired_urls). */
enum nd_site_retired_reason {
	ND_RETIRED_UNPUBLISHED,
	ND_RETIRED_DELETED,
	ND_RETIRED_MOVED,
};

/* A path that showed an article and shows none now (store.h,
 * nd_store_each_retired). */
struct nd_site_retired {
	const char *route; /* unencoded, as requests arrive: "/world/europe/slug" */
	enum nd_site_retired_reason reason;
	int64_t article_id; /* the store's row id; 0 when none */
	int64_t at;         /* when it was retired */
	/* The article it names when that is live in this snapshot (a moved
	 * article's current page); NULL when none is. */
	const struct nd_site_article *article;
};

struct nd_site {
	int64_t generation;               /* of the store when built */
	int64_t built_at;                 /* Unix seconds */
	bool simulated_activity;          /* the demo's reader activity is made up */
	int64_t next_scheduled_at;        /* first scheduled article not yet live; 0: none */
	struct nd_site_article *articles; /* newest first, every one */
	/* The lists pages show (home, feeds, the API's lists) hold one article
	 * per story: copies of a story (one near-duplicate cluster) are
	 * folded into its first copy, the one whose key is the cluster id.
	 * front is that list for the whole site; the section, author and tag
	 * lists are folded the same way. Each copy keeps its page and id. */
	struct nd_site_list front;
	size_t article_count;
	struct nd_site_section *sections; /* parents before children */
	size_t section_count;
	struct nd_site_person *authors, *tags;
	size_t author_count, tag_count;
	struct nd_map by_route;         /* article route -> article */
	struct nd_map by_ext_id;        /* ext_id -> article */
	struct nd_map section_by_route; /* section route -> section */
	struct nd_map tag_by_slug, author_by_slug;
	struct nd_site_retired *retired; /* by route */
	size_t retired_count;
	struct nd_map retired_by_route; /* route -> retired path */
	/* index key -> position in articles: open addressing on the key
	 * itself (0 marks a free slot; keys are row ids, never 0). */
	struct {
		uint32_t *keys, *pos;
		size_t mask;
	} by_key;
	/* The text index of the published articles (index/index.h), made
	 * from the previous snapshot's by adding what changed; owned. */
	struct nd_index *index;
	struct nd_arena *arena;
	/* Responses rendered from this snapshot (site/page_cache.h): the one
	 * part that changes after the build, lock-free. NULL: no caching. */
	struct nd_page_cache *pages;
};

/*
 * Builds a snapshot of the store as of now: articles published, plus those
 * scheduled whose time has come. prev (may be NULL) is the snapshot being
 * replaced; unchanged bodies reuse its rendered HTML instead of rendering
 * Markdown again. On success *out gets a snapshot the caller owns
 * (nd_site_free). Errors: those of the store.
 */
int nd_site_build(struct nd_store *store, const struct nd_site *prev, struct nd_site **out);
void nd_site_free(struct nd_site *site);

/* The article with index key key, or NULL. */
const struct nd_site_article *nd_site_article_by_key(const struct nd_site *site, uint32_t key);

/* The article at the decoded request path ("/world/europe/slug"), or NULL. */
const struct nd_site_article *nd_site_article_at(const struct nd_site *site, const char *path,
                                                 size_t len);
/* The section at the decoded request path ("/world/europe"), or NULL. */
const struct nd_site_section *nd_site_section_at(const struct nd_site *site, const char *path,
                                                 size_t len);
/*
 * The retired path at the decoded request path, or NULL. A path that shows
 * a live page is looked up first by the caller: a retired row can outlive
 * the moment its path shows an article again (a scheduled one going live).
 */
const struct nd_site_retired *nd_site_retired_at(const struct nd_site *site, const char *path,
                                                 size_t len);
