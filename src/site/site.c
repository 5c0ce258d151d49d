#include "site/site.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "render/escape.h"
#include "index/analyze.h"
#include "index/index.h"
#include "related/dedup.h"
#include "related/related.h"
#include "render/markdown.h"
#include "site/page_cache.h"
#include "store/store.h"

/* Room a description (meta description, cards) gets when derived from the body. */
#define DESCRIPTION_LEN 220

struct raw_section {
	struct nd_site_section s;
	int64_t parent_id;
};

struct build {
	struct nd_site *site;
	const struct nd_site *prev;
	struct raw_section *sections;
	size_t nsections, section_cap;
	struct nd_site_person *authors, *tags;
	size_t author_cap, tag_cap;
	struct nd_site_article *articles;
	size_t article_cap;
	int64_t **article_tag_ids; /* parallel to articles, freed after linking */
	struct nd_site_retired *retired;
	size_t retired_cap;
	int64_t now;
	struct nd_buf scratch;
	const char *prev_language;      /* the last article's, in the site's arena */
	struct nd_index_writer *writer; /* on the previous snapshot's index */
	size_t reindexed;
	struct {
		char lang[16];
		struct nd_analyzer *an;
	} analyzers[8]; /* by language, made as articles need them */
	size_t nanalyzers;
};

static struct nd_analyzer *analyzer_for(struct build *b, const char *lang)
{
	size_t i;

	for (i = 0; i < b->nanalyzers; i++)
		if (!strcmp(b->analyzers[i].lang, lang))
			return b->analyzers[i].an;
	if (i == ND_COUNT(b->analyzers)) /* many languages: recycle the last slot */
		nd_analyzer_free(b->analyzers[--i].an);
	else
		b->nanalyzers++;
	snprintf(b->analyzers[i].lang, sizeof(b->analyzers[i].lang), "%s", lang);
	b->analyzers[i].an = nd_analyzer_new(lang);
	return b->analyzers[i].an;
}

/*
 * Indexes the article unless the previous snapshot holds the same text
 * under the same key (then its index already has it).
 */
static int index_article(struct build *b, struct nd_site_article *a, const char *body_md)
{
	const struct nd_site_article *old =
	    b->prev ? nd_site_article_by_key(b->prev, a->key) : NULL;
	struct nd_arena *tmp;
	struct nd_index_doc doc;
	const char *text;
	int rc;

	a->minhash = nd_arena_alloc(b->site->arena, sizeof(*a->minhash));
	if (old && old->text_hash == a->text_hash) {
		*a->minhash = *old->minhash;
		return 0;
	}
	/* The body as plain text, for the analysis only: the snapshot keeps
	 * the HTML (search snippets are made from it). */
	nd_buf_reset(&b->scratch);
	nd_markdown_to_text(body_md, strlen(body_md), SIZE_MAX / 4, &b->scratch);
	text = b->scratch.buf;
	nd_minhash_article(analyzer_for(b, a->language), a->title, strlen(a->title), text,
	                   strlen(text), a->minhash);
	tmp = nd_arena_new(64 * 1024);
	nd_related_doc(analyzer_for(b, a->language), a->title, strlen(a->title), text, strlen(text),
	               tmp, &doc);
	rc = nd_index_writer_add(b->writer, a->key, &doc);
	nd_arena_free(tmp);
	if (rc)
		nd_log(ND_LOG_WARN, "article '%s' could not be indexed: %s", a->ext_id,
		       nd_strerror(rc));
	b->reindexed++;
	return 0;
}

#define GROW(arr, count, cap)                                                                      \
	do {                                                                                       \
		if ((count) == (cap)) {                                                            \
			(cap) = (cap) ? (cap)*2 : 64;                                              \
			(arr) = nd_xrealloc((arr), (cap) * sizeof(*(arr)));                        \
		}                                                                                  \
	} while (0)

static const char *dup(struct build *b, const char *s)
{
	/* Empty strings (no summary, image or source) are all one. */
	return s && *s ? nd_arena_strdup(b->site->arena, s) : "";
}

static int on_section(void *ctx, const struct nd_section_rec *r)
{
	struct build *b = ctx;
	struct raw_section *rs;

	GROW(b->sections, b->nsections, b->section_cap);
	rs = &b->sections[b->nsections++];
	memset(rs, 0, sizeof(*rs));
	rs->s.id = r->id;
	rs->s.slug = dup(b, r->slug);
	rs->s.name = dup(b, r->name);
	rs->parent_id = r->parent_id;
	return 0;
}

static int on_retired(void *ctx, const struct nd_retired_rec *r)
{
	struct build *b = ctx;
	struct nd_site_retired *x;

	GROW(b->retired, b->site->retired_count, b->retired_cap);
	x = &b->retired[b->site->retired_count++];
	memset(x, 0, sizeof(*x));
	x->route = dup(b, r->path);
	x->reason = !strcmp(r->reason, "moved")     ? ND_RETIRED_MOVED
	            : !strcmp(r->reason, "deleted") ? ND_RETIRED_DELETED
	                                            : ND_RETIRED_UNPUBLISHED;
	x->article_id = r->article_id;
	x->at = r->at;
	return 0;
}

static int on_person(struct build *b, struct nd_site_person **arr, size_t *count, size_t *cap,
                     int64_t id, const char *slug, const char *name, const char *prefix)
{
	struct nd_site_person *p;

	GROW(*arr, *count, *cap);
	p = &(*arr)[(*count)++];
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->slug = dup(b, slug);
	p->name = dup(b, name);
	nd_buf_reset(&b->scratch);
	nd_buf_adds(&b->scratch, prefix);
	nd_escape_url(&b->scratch, slug, strlen(slug));
	p->url = dup(b, b->scratch.buf);
	return 0;
}

static int on_author(void *ctx, const struct nd_author_rec *r)
{
	struct build *b = ctx;
	return on_person(b, &b->site->authors, &b->site->author_count, &b->author_cap, r->id,
	                 r->slug, r->name, "/author/");
}

static int on_tag(void *ctx, const struct nd_tag_rec *r)
{
	struct build *b = ctx;
	return on_person(b, &b->site->tags, &b->site->tag_count, &b->tag_cap, r->id, r->slug,
	                 r->name, "/tag/");
}

/* The previous snapshot's copy of the article, when its body is the same:
 * its HTML and plain text are reused instead of rendered again. */
static const struct nd_site_article *same_body(const struct build *b, const char *ext_id,
                                               uint64_t hash)
{
	const struct nd_site_article *old;

	if (!b->prev)
		return NULL;
	old = nd_map_get(&b->prev->by_ext_id, ext_id, strlen(ext_id));
	return old && old->body_hash == hash ? old : NULL;
}

static void *find_by_id(void *arr, size_t count, size_t size, int64_t id)
{
	/* Rows arrive ordered by id for authors and tags; sections are
	 * parents-first, so search linearly there (few sections). */
	for (size_t i = 0; i < count; i++) {
		int64_t *p = (int64_t *)((char *)arr + i * size);
		if (*p == id)
			return p;
	}
	return NULL;
}

static int on_article(void *ctx, const struct nd_article_rec *r)
{
	struct build *b = ctx;
	struct nd_site *site = b->site;
	struct nd_site_article *a;
	const struct nd_site_article *old;
	uint64_t hash;
	int64_t *tag_ids;

	if (!find_by_id(b->sections, b->nsections, sizeof(*b->sections), r->section_id)) {
		/* The store's foreign keys and our read transaction rule this
		 * out; if it happens anyway, leave the article out, not the site. */
		nd_log(ND_LOG_WARN, "article '%s' names unknown section %lld: left out", r->ext_id,
		       (long long)r->section_id);
		return 0;
	}
	if (r->status == ND_STATUS_SCHEDULED && r->published_at > b->now) {
		if (!site->next_scheduled_at || r->published_at < site->next_scheduled_at)
			site->next_scheduled_at = r->published_at;
		return 0;
	}
	if (site->article_count == b->article_cap) {
		GROW(b->articles, site->article_count, b->article_cap);
		b->article_tag_ids =
		    nd_xrealloc(b->article_tag_ids, b->article_cap * sizeof(int64_t *));
	}
	a = &b->articles[site->article_count];
	memset(a, 0, sizeof(*a));
	a->id = r->id;
	a->ext_id = dup(b, r->ext_id);
	a->slug = dup(b, r->slug);
	a->title = dup(b, r->title);
	a->summary = dup(b, r->summary);
	/* One copy per language, not per article. */
	a->language = b->prev_language && !strcmp(b->prev_language, r->language)
	                  ? b->prev_language
	                  : (b->prev_language = dup(b, r->language));
	a->image = dup(b, r->image);
	a->source_url = dup(b, r->source_url);
	a->published_at = r->published_at;
	a->updated_at = r->updated_at;
	/* Section and author are resolved after every row is in. */
	a->section = (struct nd_site_section *)(intptr_t)r->section_id;
	a->author = (struct nd_site_person *)(intptr_t)r->author_id;

	hash = nd_hash(r->body, strlen(r->body));
	a->body_hash = hash;
	a->key = (uint32_t)r->id;
	{
		uint64_t parts[3] = {hash, nd_hash(r->title, strlen(r->title)),
		                     nd_hash(r->language, strlen(r->language))};
		a->text_hash = nd_hash(parts, sizeof(parts));
	}
	old = same_body(b, r->ext_id, hash);
	if (old) {
		a->body_html = dup(b, old->body_html);
	} else {
		nd_buf_reset(&b->scratch);
		nd_markdown_to_html(r->body, strlen(r->body), &b->scratch);
		a->body_html = dup(b, b->scratch.buf);
	}
	if (*r->summary) {
		nd_buf_reset(&b->scratch);
		nd_buf_adds(&b->scratch, r->summary);
		nd_buf_cut_words(&b->scratch, 0, DESCRIPTION_LEN);
		a->description =
		    b->scratch.len == strlen(r->summary) ? a->summary : dup(b, b->scratch.buf);
	} else {
		nd_buf_reset(&b->scratch);
		nd_markdown_to_text(r->body, strlen(r->body), DESCRIPTION_LEN, &b->scratch);
		a->description = dup(b, b->scratch.buf);
	}
	index_article(b, a, r->body);
	tag_ids = nd_xmalloc((r->tag_count + 1) * sizeof(*tag_ids));
	tag_ids[0] = (int64_t)r->tag_count;
	memcpy(tag_ids + 1, r->tag_ids, r->tag_count * sizeof(*tag_ids));
	b->article_tag_ids[site->article_count] = tag_ids;
	site->article_count++;
	return 0;
}

static int newest_first(const void *x, const void *y)
{
	const struct nd_site_article *a = x, *b = y;

	if (a->published_at != b->published_at)
		return a->published_at > b->published_at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int by_id(const void *x, const void *y)
{
	const struct nd_site_person *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

static struct nd_site_person *person_by_id(struct nd_site_person *arr, size_t count, int64_t id)
{
	struct nd_site_person key = {.id = id};
	return bsearch(&key, arr, count, sizeof(*arr), by_id);
}

static void link_sections(struct build *b)
{
	struct nd_site *site = b->site;

	site->section_count = b->nsections;
	site->sections = nd_arena_alloc(site->arena, (b->nsections + 1) * sizeof(*site->sections));
	for (size_t i = 0; i < b->nsections; i++) {
		struct nd_site_section *s = &site->sections[i];
		*s = b->sections[i].s;
		if (b->sections[i].parent_id)
			s->parent =
			    find_by_id(site->sections, i, sizeof(*s), b->sections[i].parent_id);
		nd_buf_reset(&b->scratch);
		if (s->parent) {
			s->depth = s->parent->depth + 1;
			nd_buf_adds(&b->scratch, s->parent->url);
		}
		nd_buf_addch(&b->scratch, '/');
		nd_escape_url(&b->scratch, s->slug, strlen(s->slug));
		s->url = dup(b, b->scratch.buf);
		s->route = nd_arena_printf(site->arena, "%s/%s", s->parent ? s->parent->route : "",
		                           s->slug);
		s->path = s->parent
		              ? nd_arena_printf(site->arena, "%s/%s", s->parent->path, s->name)
		              : s->name;
		nd_map_put(&site->section_by_route, s->route, strlen(s->route), s);
	}
}

/*
 * Between the two passes of list building: gives each object's list room for
 * the entries the first pass counted, and empties it for the second.
 */
static void alloc_lists(struct nd_arena *arena, void *objs, size_t n, size_t size, size_t off)
{
	for (size_t i = 0; i < n; i++) {
		struct nd_site_list *l = (struct nd_site_list *)((char *)objs + i * size + off);
		l->items = nd_arena_alloc(arena, (l->count + 1) * sizeof(uint32_t));
		l->count = 0;
	}
}

#define ALLOC_LISTS(arena, arr, n)                                                                 \
	alloc_lists((arena), (arr), (n), sizeof(*(arr)), offsetof(__typeof__(*(arr)), articles))

/* Fills each list from per-article membership in two passes: count, then place. */
static void link_articles(struct build *b)
{
	struct nd_site *site = b->site;
	size_t n = site->article_count;

	site->articles = nd_arena_alloc(site->arena, (n + 1) * sizeof(*site->articles));
	for (size_t i = 0; i < n; i++)
		b->articles[i].tags = (struct nd_site_person **)b->article_tag_ids[i];
	if (n) {
		qsort(b->articles, n, sizeof(*b->articles), newest_first);
		memcpy(site->articles, b->articles, n * sizeof(*site->articles));
	}

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct nd_site_article *a = &site->articles[i];
			struct nd_site_list *lists[ND_MAX_SECTION_DEPTH + 2];
			size_t nl = 0;

			if (pass == 0) {
				int64_t sid = (int64_t)(intptr_t)a->section;
				int64_t aid = (int64_t)(intptr_t)a->author;
				a->section = find_by_id(site->sections, site->section_count,
				                        sizeof(*site->sections), sid);
				ND_ASSERT(a->section);
				a->author =
				    aid ? person_by_id(site->authors, site->author_count, aid)
				        : NULL;
			}
			for (struct nd_site_section *s = a->section;
			     s && nl < ND_MAX_SECTION_DEPTH + 1; s = s->parent)
				lists[nl++] = &s->articles;
			if (a->author)
				lists[nl++] = &a->author->articles;
			for (size_t k = 0; k < nl; k++) {
				if (pass == 1)
					lists[k]->items[lists[k]->count] = (uint32_t)i;
				lists[k]->count++;
			}
		}
		if (pass == 0) {
			ALLOC_LISTS(site->arena, site->sections, site->section_count);
			ALLOC_LISTS(site->arena, site->authors, site->author_count);
		}
	}
}

static void link_tags(struct build *b)
{
	struct nd_site *site = b->site;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < site->article_count; i++) {
			struct nd_site_article *a = &site->articles[i];
			int64_t *ids = (int64_t *)a->tags;
			size_t count = pass == 0 ? (size_t)ids[0] : a->tag_count;

			if (pass == 0) {
				a->tags =
				    nd_arena_alloc(site->arena, (count + 1) * sizeof(*a->tags));
				a->tag_count = 0;
				for (size_t k = 0; k < count; k++) {
					struct nd_site_person *t =
					    person_by_id(site->tags, site->tag_count, ids[k + 1]);
					if (t)
						a->tags[a->tag_count++] = t;
				}
				free(ids);
			}
			for (size_t k = 0; k < a->tag_count; k++) {
				struct nd_site_list *l = &a->tags[k]->articles;
				if (pass == 1)
					l->items[l->count] = (uint32_t)i;
				l->count++;
			}
		}
		if (pass == 0)
			ALLOC_LISTS(site->arena, site->tags, site->tag_count);
	}
}

/*
 * Story folding: near-copies of one story (MinHash, related/dedup.h) share
 * a cluster id, oldest first so the id is stable as copies arrive.
 */
static void cluster_copies(struct nd_site *site)
{
	struct nd_dedup *d = nd_dedup_new(0);

	for (size_t i = site->article_count; i-- > 0;) {
		struct nd_site_article *a = &site->articles[i];
		uint32_t c;
		if (nd_dedup_add(d, a->key, a->minhash, &c))
			c = a->key;
		a->cluster = c;
	}
	/* A cluster can take in an older article's cluster later: read the
	 * final ids once everything is in. */
	for (size_t i = 0; i < site->article_count; i++)
		site->articles[i].cluster = nd_dedup_cluster_of(d, site->articles[i].key);
	nd_dedup_free(d);
}

/* Whether a lists a story on its own: the first copy of its cluster, or
 * a copy whose first one is not on the site. */
static bool stands_for_its_story(const struct nd_site *site, const struct nd_site_article *a)
{
	return a->cluster == a->key || !nd_site_article_by_key(site, a->cluster);
}

static void fold_list(const struct nd_site *site, struct nd_site_list *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->count; i++)
		if (stands_for_its_story(site, &site->articles[l->items[i]]))
			l->items[k++] = l->items[i];
	l->count = k;
}

/* One article per story in every list (site.h, front). */
static void fold_copies(struct nd_site *site)
{
	site->front.items =
	    nd_arena_alloc(site->arena, (site->article_count + 1) * sizeof(*site->front.items));
	site->front.count = 0;
	for (size_t i = 0; i < site->article_count; i++)
		if (stands_for_its_story(site, &site->articles[i]))
			site->front.items[site->front.count++] = (uint32_t)i;
	for (size_t i = 0; i < site->section_count; i++)
		fold_list(site, &site->sections[i].articles);
	for (size_t i = 0; i < site->author_count; i++)
		fold_list(site, &site->authors[i].articles);
	for (size_t i = 0; i < site->tag_count; i++)
		fold_list(site, &site->tags[i].articles);
}

/* Fibonacci hashing: keys are consecutive row ids, which this spreads. */
static size_t key_slot(uint32_t key, size_t mask)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

/* Fills site->by_key (in the site's arena) from its articles. */
static void keys_build(struct nd_site *site)
{
	size_t cap = 16;

	while (cap < 2 * site->article_count)
		cap *= 2;
	site->by_key.mask = cap - 1;
	site->by_key.keys = nd_arena_alloc(site->arena, cap * sizeof(uint32_t));
	site->by_key.pos = nd_arena_alloc(site->arena, cap * sizeof(uint32_t));
	memset(site->by_key.keys, 0, cap * sizeof(uint32_t));
	for (size_t i = 0; i < site->article_count; i++) {
		uint32_t key = site->articles[i].key;
		size_t j = key_slot(key, site->by_key.mask);

		if (!key)
			continue;
		while (site->by_key.keys[j] && site->by_key.keys[j] != key)
			j = (j + 1) & site->by_key.mask;
		site->by_key.keys[j] = key;
		site->by_key.pos[j] = (uint32_t)i;
	}
}

static void index_urls(struct build *b)
{
	struct nd_site *site = b->site;

	for (size_t i = 0; i < site->article_count; i++) {
		struct nd_site_article *a = &site->articles[i];
		nd_buf_reset(&b->scratch);
		nd_buf_adds(&b->scratch, a->section->url);
		nd_buf_addch(&b->scratch, '/');
		nd_escape_url(&b->scratch, a->slug, strlen(a->slug));
		a->url = dup(b, b->scratch.buf);
		nd_buf_reset(&b->scratch);
		nd_buf_addf(&b->scratch, "%s/%s", a->section->route, a->slug);
		/* Most paths need no percent-encoding: one string for both. */
		a->route = strcmp(a->url, b->scratch.buf) ? dup(b, b->scratch.buf) : a->url;
		nd_map_put(&site->by_route, a->route, strlen(a->route), a);
		nd_map_put(&site->by_ext_id, a->ext_id, strlen(a->ext_id), a);
	}
	keys_build(site);
	for (size_t i = 0; i < site->tag_count; i++)
		nd_map_put(&site->tag_by_slug, site->tags[i].slug, strlen(site->tags[i].slug),
		           &site->tags[i]);
	for (size_t i = 0; i < site->author_count; i++)
		nd_map_put(&site->author_by_slug, site->authors[i].slug,
		           strlen(site->authors[i].slug), &site->authors[i]);
}

/* Moves a heap array into the arena so the snapshot frees in one go. */
static void *to_arena(struct nd_arena *a, void *arr, size_t count, size_t size)
{
	void *p = nd_arena_alloc(a, (count + 1) * size);

	if (count)
		memcpy(p, arr, count * size);
	free(arr);
	return p;
}

/* Once the articles are keyed: each retired path finds its live article. */
static void link_retired(struct build *b)
{
	struct nd_site *site = b->site;

	site->retired =
	    to_arena(site->arena, b->retired, site->retired_count, sizeof(*site->retired));
	b->retired = NULL;
	for (size_t i = 0; i < site->retired_count; i++) {
		struct nd_site_retired *x = &site->retired[i];
		if (x->article_id > 0 && x->article_id <= UINT32_MAX)
			x->article = nd_site_article_by_key(site, (uint32_t)x->article_id);
		nd_map_put(&site->retired_by_route, x->route, strlen(x->route), x);
	}
}

int nd_site_build(struct nd_store *store, const struct nd_site *prev, struct nd_site **out)
{
	struct build b;
	struct nd_site *site = nd_xcalloc(1, sizeof(*site));
	struct nd_index *empty = NULL;
	int rc;

	memset(&b, 0, sizeof(b));
	b.site = site;
	b.prev = prev;
	b.now = (int64_t)time(NULL);
	nd_buf_init(&b.scratch, 0);
	/* The index grows from the previous snapshot's: only what changed is
	 * analysed and added (index/index.h shares the unchanged segments). */
	if (!prev || !prev->index)
		empty = nd_index_new_empty(NULL);
	b.writer = nd_index_writer_new(empty ? empty : prev->index);
	site->arena = nd_arena_new(256 * 1024);
	site->built_at = b.now;

	/* One read transaction: an import committing meanwhile cannot hand us
	 * an article whose section we did not see. */
	if ((rc = nd_store_read_begin(store)))
		goto out;
	if ((rc = nd_store_generation(store, &site->generation)) ||
	    (rc = nd_store_each_section(store, on_section, &b)) ||
	    (rc = nd_store_each_author(store, on_author, &b)) ||
	    (rc = nd_store_each_tag(store, on_tag, &b)) ||
	    (rc = nd_store_each_article(store, ND_STATUS_PUBLISHED, INT64_MAX, on_article, &b)) ||
	    (rc = nd_store_each_article(store, ND_STATUS_SCHEDULED, INT64_MAX, on_article, &b)) ||
	    (rc = nd_store_each_retired(store, on_retired, &b))) {
		nd_store_read_end(store);
		goto out;
	}
	if ((rc = nd_store_read_end(store)))
		goto out;
	{
		int64_t mark;
		site->simulated_activity =
		    nd_store_meta_int_get(store, "simulated_activity", &mark) == 0;
	}
	site->authors =
	    to_arena(site->arena, site->authors, site->author_count, sizeof(*site->authors));
	site->tags = to_arena(site->arena, site->tags, site->tag_count, sizeof(*site->tags));
	if (site->author_count)
		qsort(site->authors, site->author_count, sizeof(*site->authors), by_id);
	if (site->tag_count)
		qsort(site->tags, site->tag_count, sizeof(*site->tags), by_id);
	link_sections(&b);
	link_articles(&b);
	link_tags(&b);
	index_urls(&b);
	link_retired(&b);
	cluster_copies(site);
	fold_copies(site);
	for (size_t i = 0; prev && i < prev->article_count; i++)
		if (!nd_site_article_by_key(site, prev->articles[i].key))
			nd_index_writer_delete(b.writer, prev->articles[i].key);
	rc = nd_index_writer_commit(b.writer, &site->index);
	b.writer = NULL;
	if (rc) {
		nd_log(ND_LOG_ERROR, "the text index could not be updated: %s", nd_strerror(rc));
		site->index = nd_index_new_empty(NULL);
		rc = 0;
	}
out:
	if (rc) {
		/* Only the store can fail, and it does before anything moved into
		 * the arena. */
		for (size_t i = 0; i < site->article_count; i++)
			free(b.article_tag_ids[i]);
		free(site->authors);
		free(site->tags);
		nd_site_free(site);
	} else {
		*out = site;
	}
	nd_index_writer_free(b.writer);
	nd_index_free(empty);
	for (size_t i = 0; i < b.nanalyzers; i++)
		nd_analyzer_free(b.analyzers[i].an);
	free(b.sections);
	free(b.articles);
	free(b.article_tag_ids);
	free(b.retired);
	nd_buf_release(&b.scratch);
	return rc;
}

void nd_site_free(struct nd_site *site)
{
	if (!site)
		return;
	nd_index_free(site->index);
	nd_map_release(&site->by_route);
	nd_map_release(&site->by_ext_id);
	nd_map_release(&site->section_by_route);
	nd_map_release(&site->tag_by_slug);
	nd_map_release(&site->author_by_slug);
	nd_map_release(&site->retired_by_route);
	nd_page_cache_free(site->pages);
	nd_arena_free(site->arena);
	free(site);
}

const struct nd_site_article *nd_site_article_at(const struct nd_site *site, const char *path,
                                                 size_t len)
{
	return nd_map_get(&site->by_route, path, len);
}

const struct nd_site_article *nd_site_article_by_key(const struct nd_site *site, uint32_t key)
{
	size_t mask = site->by_key.mask;

	if (!key || !site->by_key.keys)
		return NULL;
	for (size_t i = key_slot(key, mask);; i = (i + 1) & mask) {
		if (site->by_key.keys[i] == key)
			return &site->articles[site->by_key.pos[i]];
		if (!site->by_key.keys[i])
			return NULL;
	}
}

const struct nd_site_section *nd_site_section_at(const struct nd_site *site, const char *path,
                                                 size_t len)
{
	return nd_map_get(&site->section_by_route, path, len);
}

const struct nd_site_retired *nd_site_retired_at(const struct nd_site *site, const char *path,
                                                 size_t len)
{
	return nd_map_get(&site->retired_by_route, path, len);
}
