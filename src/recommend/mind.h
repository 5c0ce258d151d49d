#pragma once
/*
 * MIND-format click logs (Microsoft News Dataset, Wu et al. 2020) for
 * `newsdesk eval recs` (docs/internals/recommend-eval.md). A folder holds
 * news.tsv (id, category, subcategory, title, abstract, url, title
 * entities, abstract entities: eight tab-separated fields) and
 * behaviors.tsv (impression id, user id, time "11/15/2019 8:55:22 AM",
 * history: space-separated item ids, possibly empty, impressions:
 * space-separated "ITEM-1" (clicked) or "ITEM-0" (not)).
 *
 *	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
 *	struct nd_mind_log train = ND_MIND_LOG_INIT;
 *	rc = nd_mind_log_load(&train, "mind/train", items, users);
 *	...
 *	nd_mind_log_release(&train);
 *	nd_mind_ids_free(items);
 *
 * Item and user ids are interned to dense numbers from 0, so that the logs
 * of train and test share one numbering when they share the interners.
 */
#include <stddef.h>
#include <stdint.h>

/* An interner: string id <-> dense number. */
struct nd_mind_ids;

/* A new empty interner. Never fails; free it with nd_mind_ids_free(). */
struct nd_mind_ids *nd_mind_ids_new(void);

/* Frees the interner; NULL is a no-op. */
void nd_mind_ids_free(struct nd_mind_ids *ids);

/* The number of s[0..len), made on first sight (copied). */
uint32_t nd_mind_ids_intern(struct nd_mind_ids *ids, const char *s, size_t len);

/* The number of distinct ids. */
size_t nd_mind_ids_count(const struct nd_mind_ids *ids);

/* The string of number n (n < count), borrowed from ids. */
const char *nd_mind_ids_name(const struct nd_mind_ids *ids, uint32_t n);

/* One line of behaviors.tsv. */
struct nd_mind_impression {
	uint32_t user;
	int64_t time; /* seconds since 1970-01-01, the file's time read as UTC */
	uint32_t n_history, n_items;
	uint32_t *history; /* item numbers, oldest first, as in the file */
	uint32_t *items;   /* the candidates, in listing order */
	uint8_t *clicked;  /* 1 when items[i] was clicked */
};

/* One row of news.tsv: the fields the content signal reads. */
struct nd_mind_article {
	char *id; /* owns the row: every field below points into it */
	const char *category, *subcategory, *title, *abstract;
};

/* The impressions and the articles of a folder. */
struct nd_mind_log {
	struct nd_mind_impression *imps;
	size_t count, cap;
	size_t news;                      /* rows of news.tsv */
	struct nd_mind_article *articles; /* news of them, in file order */
	size_t articles_cap;
};

#define ND_MIND_LOG_INIT                                                                           \
	{                                                                                          \
		NULL, 0, 0, 0, NULL, 0                                                             \
	}

/*
 * Parses one behaviors.tsv line line[0..len) (a trailing "\n" or "\r\n" is
 * ignored) and appends it to log, numbering ids through items and users.
 * Errors: ND_EINVAL when the line is malformed (why, if not NULL, gets a
 * sentence that says how; caller owns it, free() it); log is unchanged.
 */
int nd_mind_log_add_line(struct nd_mind_log *log, const char *line, size_t len,
                         struct nd_mind_ids *items, struct nd_mind_ids *users, char **why);

/*
 * Loads dir/news.tsv (each row kept in log->articles) and dir/behaviors.tsv. Strict:
 * the first malformed line stops the load, logged as "FILE:LINE: why".
 * Errors: ND_EIO when a file cannot be read, ND_EINVAL for a bad line (the
 * impressions before it stay added).
 */
int nd_mind_log_load(struct nd_mind_log *log, const char *dir, struct nd_mind_ids *items,
                     struct nd_mind_ids *users);

/* Frees the impressions and articles of log and empties it. */
void nd_mind_log_release(struct nd_mind_log *log);
