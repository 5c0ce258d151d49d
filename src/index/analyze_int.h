#pragma once
/*
 * Private to the text analyser (analyze.c, stem.c, stopwords.c): the
 * language table and the stop-word sets. Both are immutable once built and
 * shared by every analyser in every thread.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/hash.h"

enum nd__lang_flag {
	/* Numbers are written 1.000,5 (',' decimal, '.' or a no-break space
	 * between thousands) instead of 1,000.5. */
	ND__LANG_DECIMAL_COMMA = 1 << 0,
	/* Turkish and Azerbaijani case rules: I folds to dotless ı, İ to i. */
	ND__LANG_TURKIC = 1 << 1,
};

/* What the analyser does differently per language (stem.c). */
struct nd__lang {
	const char *code;     /* ISO 639-1, lower case: "en" */
	const char *snowball; /* libstemmer algorithm, or NULL */
	unsigned flags;       /* enum nd__lang_flag */
	/* Elided words dropped before an apostrophe ("l'" in "l'homme"),
	 * lower-case ASCII, NULL-terminated; NULL when the language has none. */
	const char *const *elisions;
};

/*
 * The table entry for a BCP 47 tag (primary subtag only, any case), or NULL
 * when the language is not in the table. Borrowed, static.
 */
const struct nd__lang *nd__lang_find(const char *tag);

struct sb_stemmer;

/*
 * A new Snowball stemmer for l, or NULL when l is NULL or the installed
 * libstemmer lacks its algorithm. Caller owns the result (sb_stemmer_delete);
 * a stemmer is not thread-safe.
 */
struct sb_stemmer *nd__stemmer_new(const struct nd__lang *l);

/* A stop list as a read-only hash set of normalised words. */
struct nd__stopset {
	struct nd_map map;
	size_t max_len; /* longest word, to skip lookups of longer ones */
};

/*
 * The stop set of language code ("en"), or NULL when there is none. Built on
 * first use (pthread_once), then read-only and shared. Borrowed, valid for
 * the life of the program.
 */
const struct nd__stopset *nd__stopwords(const char *code);

/* The source list of code as written in stopwords.c, NULL-terminated, or
 * NULL: for tests, which check every entry is already normalised. */
const char *const *nd__stopwords_list(const char *code);

static inline bool nd__stopset_has(const struct nd__stopset *s, const char *w, size_t len)
{
	return len <= s->max_len && nd_map_get(&s->map, w, len) != NULL;
}
