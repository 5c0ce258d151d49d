#pragma once
/*
 * Bot and prefetch detection for the view counter (issue 4): a request whose
 * User-Agent matches the crawler-user-agents list, or that a browser sends
 * ahead of a click (prefetch, prerender, preview), is not a reader's view.
 *
 * The list (data/crawler-user-agents/, linked into the binary) is a JSON
 * array of objects whose "pattern" is a case-sensitive regular expression
 * searched for anywhere in the User-Agent. Matching costs well under a
 * microsecond for a browser UA: an Aho-Corasick automaton finds the literal
 * text each pattern must contain, and only a pattern whose literal occurs is
 * run as a regular expression (docs/internals/bots.md has the algorithm and
 * the figures).
 *
 *	struct nd_bots *bots;
 *	if (nd_bots_new_default(&bots) < 0) ...
 *	if (nd_bots_match(bots, ua, ua_len) || nd_bots_is_prefetch(...)) ... (not counted)
 *	nd_bots_free(bots);
 *
 * A struct nd_bots is immutable once built: any number of threads may call
 * nd_bots_match on one at the same time.
 */
#include <stdbool.h>
#include <stddef.h>

struct nd_bots;

/*
 * Builds a matcher from a crawler-user-agents JSON document of len bytes
 * (borrowed, only read during the call). Every entry must be an object with
 * a non-empty string "pattern"; other members are ignored. A pattern may use
 * POSIX extended regular expression syntax plus the escapes \d \D \s \S \w
 * \W, \b \B and a backslash before any punctuation; (?...) groups and
 * back-references are not supported. Patterns are matched against bytes, so
 * a non-ASCII character may only appear as plain text (not inside [] or
 * before a quantifier, where it would stand for one byte). On success *out is the
 * matcher (caller owns the result, free it with nd_bots_free) and 0 is
 * returned. Malformed JSON, an entry without a pattern, or a pattern that
 * does not compile give ND_EINVAL, logged with the entry's index and
 * pattern; *out is then NULL.
 */
int nd_bots_new(const char *json, size_t len, struct nd_bots **out);

/*
 * Builds a matcher from the list linked into the binary
 * (data/crawler-user-agents/crawler-user-agents.json), as nd_bots_new does.
 * Fails only if that list is broken, which the unit tests rule out.
 */
int nd_bots_new_default(struct nd_bots **out);

/* Frees b and everything it holds. NULL is a no-op. */
void nd_bots_free(struct nd_bots *b);

/*
 * True when the User-Agent ua (len bytes, borrowed, need not end in NUL)
 * matches any pattern of the list. A missing (NULL) or empty User-Agent is
 * a bot too: every browser sends one, and scripts that send none are the
 * ones we cannot tell apart otherwise. Safe to call from many threads.
 */
bool nd_bots_match(const struct nd_bots *b, const char *ua, size_t len);

/*
 * True when the request headers say the page is fetched ahead of (or
 * instead of) a reader looking at it. Each argument is the value of one
 * header, NULL when the header is absent (borrowed, NUL-terminated):
 *	Sec-Purpose: prefetch, prefetch;prerender  (Chromium, Safari, Firefox)
 *	Purpose: prefetch                          (older Chromium and Safari)
 *	X-Purpose: preview                         (Safari Top Sites thumbnails)
 *	X-Moz: prefetch                            (Firefox link prefetching)
 * A header counts when one of its tokens (split at , ; = and spaces) is
 * "prefetch", "prerender" or "preview", in any letter case. Any other value
 * is an ordinary request.
 */
bool nd_bots_is_prefetch(const char *sec_purpose, const char *purpose, const char *x_purpose,
                         const char *x_moz);

/* The number of patterns (list entries) b was built from. */
size_t nd_bots_count(const struct nd_bots *b);
