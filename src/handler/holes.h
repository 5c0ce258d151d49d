#pragma once
/*
 * Holes: live values (view and reaction counts) in pages that are cached
 * for the life of a site snapshot. A handler writes a marker where a live
 * value goes; the page is cached with its markers; every answer, fresh or
 * cached, has them replaced by the values of the moment, so a cache never
 * freezes a count (the WordPress failure issue 4 names).
 *
 * A marker is "ndh" + the app's 16-hex-digit nonce + "-" + kind + "-" +
 * article id + "-" + sub + "z": only [0-9a-z-], so HTML and JSON escaping
 * leave it alone, and no article text can forge one because the nonce is
 * random per process and never sent (every marker is replaced). In JSON a
 * marker that is a whole string value takes its quotes with it, so
 * "views":"ndh…z" becomes "views":123.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define ND_HOLE_MAX 64 /* bytes of a marker, NUL included */

enum nd_hole_kind {
	ND_HOLE_VIEWS = 'v',     /* views of the article, formatted ("12,345"; JSON: 12345) */
	ND_HOLE_REACTION = 'r',  /* the count of reaction type sub */
	ND_HOLE_REACTIONS = 'o', /* JSON object {"type": count, ...} of every type */
	ND_HOLE_FRAGMENT = 'k',  /* HTML the fragment callback makes for (id, sub) */
	ND_HOLE_PERSONAL = 'p',  /* HTML made for this reader (the Recommendation list) */
};

/* Supplies the values: what a hole of kind for (id, sub) shows now. */
struct nd_hole_values {
	uint64_t (*views)(void *ctx, uint32_t id);
	uint64_t (*reaction)(void *ctx, uint32_t id, size_t type);
	size_t type_count;
	const char *const *types; /* slugs, type_count of them */
	void *ctx;
	/* A fragment of HTML of kind ND_HOLE_FRAGMENT (the Ranking block) or
	 * ND_HOLE_PERSONAL, appended to out; may be NULL (the hole then
	 * becomes nothing). */
	void (*fragment)(void *frag_ctx, char kind, uint32_t id, uint32_t sub, struct nd_buf *out);
	void *frag_ctx;
};

/* Writes the marker of (kind, id, sub) with nonce into out. */
void nd_hole_marker(uint64_t nonce, enum nd_hole_kind kind, uint32_t id, uint32_t sub,
                    char out[ND_HOLE_MAX]);

/*
 * A marker found in a text: it spans [from, to) (with the quotes of a JSON
 * string value that is the marker alone, when json) and names (kind, id,
 * sub).
 */
struct nd_hole_at {
	size_t from, to;
	char kind;
	uint32_t id, sub;
};

/*
 * Finds the first well-formed marker of nonce in text[off, len); false
 * when there is none. Malformed markers are skipped (left as text).
 */
bool nd_hole_next(const char *text, size_t len, size_t off, uint64_t nonce, bool json,
                  struct nd_hole_at *at);

/* Appends the value of the hole (kind, id, sub) to out, as
 * nd_holes_fill writes it. */
void nd_hole_value(const struct nd_hole_values *v, char kind, uint32_t id, uint32_t sub, bool json,
                   struct nd_buf *out);

/*
 * Replaces every marker of nonce in body by its value: the whole-text form
 * of what answers do in pieces (handler/parts.h), and the reference their
 * tests compare with. json: the body is
 * JSON (numbers unformatted, quoted markers lose their quotes). Returns
 * how many were replaced; a malformed marker is left as it is.
 */
size_t nd_holes_fill(struct nd_buf *body, uint64_t nonce, const struct nd_hole_values *v,
                     bool json);

/* n with thousands separators: "12,345". */
void nd_hole_format_count(uint64_t n, char out[32]);
