#pragma once
/*
 * The text analyser: turns the UTF-8 text of an article or a query into the
 * terms the search index and Related work on (docs/internals/analyze.md).
 *
 * Pipeline, per word: segmentation (runs of letters, digits and combining
 * marks; CJK and other scripts written without spaces become overlapping
 * character bigrams), Unicode NFKC and case folding (utf8proc; plain ASCII
 * words take a table instead), stop-word removal, then Snowball stemming
 * (libstemmer) for the analyser's language.
 *
 *	struct nd_analyzer *an = nd_analyzer_new(article->language);
 *	uint32_t n = nd_analyze(an, body, body_len, 0, add_term, index);
 *	nd_analyzer_free(an);
 *
 * An analyser holds scratch buffers and a Snowball stemmer, which are not
 * thread-safe: use one analyser per thread (and per language). The shared
 * tables behind it (stop words, languages) are built once and then only
 * read, so any number of analysers may run at once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest term in bytes, before and after normalisation. A longer word
 * (a base64 blob, a URL without punctuation) yields no term but still takes
 * a position. */
#define ND_TERM_MAX 128

/* Options of nd_analyze(). */
enum nd_analyze_opt {
	/* Emit stop words too, flagged ND_TERM_STOP, instead of dropping them:
	 * for queries (a query made only of stop words, "the who", should still
	 * find something) and for indexes that keep them. */
	ND_ANALYZE_KEEP_STOP = 1 << 0,
};

/* Flags of a term. */
enum nd_term_flag {
	ND_TERM_STOP = 1 << 0,  /* a stop word (only with ND_ANALYZE_KEEP_STOP) */
	ND_TERM_NGRAM = 1 << 1, /* a CJK/Thai character bigram, or a lone character */
};

/*
 * One term. `p` is NUL-terminated, `len` bytes long; borrowed, valid until
 * the callback returns. `pos` is the word position, counted from 0 for each
 * call of nd_analyze(): every word takes one, including dropped stop words
 * and words too long to index, so a phrase query can test adjacency. `start`
 * and `end` delimit the bytes of the input that produced the term (for
 * highlighting); bigrams of one run overlap.
 */
struct nd_term {
	const char *p;
	size_t len;
	uint32_t pos;
	unsigned flags;
	size_t start, end;
};

typedef void (*nd_term_cb)(void *ctx, const struct nd_term *t);

struct nd_analyzer;

/*
 * A new analyser for language, a BCP 47 tag ("en", "fr", "pt-BR"; only the
 * primary subtag counts, case-insensitively). A language without a stemmer
 * or stop list, an unknown tag, "" and NULL all give an analyser that still
 * segments and folds text but neither stems nor drops stop words. Never
 * fails; caller owns the result and frees it with nd_analyzer_free().
 */
struct nd_analyzer *nd_analyzer_new(const char *language);

/* Frees an analyser and its stemmer; NULL is a no-op. */
void nd_analyzer_free(struct nd_analyzer *an);

/* The ISO 639-1 code the analyser works for ("en"), or "" when the
 * language is unknown. Borrowed, valid for the life of the program. */
const char *nd_analyzer_language(const struct nd_analyzer *an);

/*
 * Analyses text[0..len) and calls cb(ctx, term) for each term in order.
 * opts is 0 or ND_ANALYZE_KEEP_STOP. The text need not be valid UTF-8 or
 * NUL-terminated: a byte that does not start a well-formed sequence is a
 * word separator, so any input is safe. Returns the number of positions
 * used (the next free position), so a caller that analyses a title and
 * then a body can shift the body's positions past the title's.
 */
uint32_t nd_analyze(struct nd_analyzer *an, const char *text, size_t len, unsigned opts,
                    nd_term_cb cb, void *ctx);

/* Whether the installed libstemmer has a stemmer for language (a BCP 47
 * tag, as for nd_analyzer_new()). */
bool nd_analyzer_has_stemmer(const char *language);

/* Whether there is a built-in stop list for language. */
bool nd_analyzer_has_stopwords(const char *language);

/* The ISO 639-1 codes that have a stemmer in this build, sorted, as a
 * NULL-terminated array (for docs and `newsdesk help`). Borrowed, valid
 * for the life of the program. */
const char *const *nd_analyzer_languages(void);
