#pragma once
/*
 * A line diff, for comparing an article's revisions (the admin shows one
 * against the current text). Pure: no I/O, no allocation visible to the
 * caller. Lines end at '\n' (kept out of the line); a last line without
 * one counts the same.
 *
 * The common head and tail are matched first; what is left in between is
 * compared with a longest-common-subsequence table, which gives a minimal
 * diff. When that middle part is too large for the table (more than
 * ND_DIFF_MAX_CELLS line pairs) it is reported as all removed, then all
 * added: still a correct diff, just not a minimal one.
 */
#include <stddef.h>

#include "core/buf.h"

#define ND_DIFF_MAX_CELLS (4u * 1024 * 1024)

enum nd_diff_op {
	ND_DIFF_SAME = ' ',
	ND_DIFF_DEL = '-', /* in a only */
	ND_DIFF_ADD = '+', /* in b only */
};

/* One line of the diff, in order; line is borrowed from a or b for the call. */
typedef void (*nd_diff_cb)(void *ctx, enum nd_diff_op op, const char *line, size_t len);

/* Calls cb for every line of the diff from a[0..alen) to b[0..blen). */
void nd_diff_lines(const char *a, size_t alen, const char *b, size_t blen, nd_diff_cb cb,
                   void *ctx);

/*
 * Appends the diff as text to out: each line with a prefix of two
 * characters, "  " same, "- " removed, "+ " added, and a '\n'.
 */
void nd_diff_text(const char *a, size_t alen, const char *b, size_t blen, struct nd_buf *out);
