#pragma once
/*
 * What readers type into the search box, as an index query (search.h):
 *
 *	climate summit          every word must match (AND)
 *	"bank of england"       a phrase: these words in this order
 *	-football  -"world cup" leave out articles with the word or phrase
 *
 * Words go through the same analyser as articles (so "Running" finds
 * "runs"). Stop words alone match nothing, since articles are indexed
 * without them; inside a phrase they keep their place (the offsets).
 * An excluded phrase leaves out only the articles where its words occur
 * in that order ("world" and "cup" apart do not count); it becomes an
 * excluded nd_query_phrase, its words neither scored nor highlighted. An
 * excluded "phrase" of one word is that word excluded (a NOT term); an
 * empty one, or one of stop words only, is ignored.
 */
#include <stddef.h>

#include "core/buf.h"
#include "index/search.h"

struct nd_arena;
struct nd_analyzer;

/* A parsed query: the index query plus the words to highlight. */
struct nd_parsed_query {
	struct nd_query query;
	struct nd_str *highlight; /* analysed terms wanted in results */
	size_t highlight_count;
};

/*
 * Parses text (UTF-8, at most ND_MAX_QUERY bytes) with analyser an into
 * *out, everything allocated from arena a. Errors, with a sentence for the
 * reader appended to why: ND_ETOOBIG for a query over ND_MAX_QUERY bytes,
 * ND_EINVAL for text that is not UTF-8 or holds control characters, and
 * for a query with nothing to search for (only exclusions, words or
 * phrases, only stop words, only punctuation). An empty query is ND_EINVAL too ("type some
 * words"); callers usually show the empty search page instead.
 */
int nd_query_parse(struct nd_analyzer *an, const char *text, size_t len, struct nd_arena *a,
                   struct nd_parsed_query *out, struct nd_buf *why);
