#pragma once
/*
 * Brotli (RFC 7932) of whole texts: static files once at start, and a page
 * whose live values have stayed the same (handler/parts.h) once per change.
 *
 * Why not pieces, as for gzip: a brotli decoder carries state from one
 * meta-block to the next that an encoder working on a piece alone cannot
 * know: the last four distances (short distance codes), and the position,
 * which decides whether a distance is a back-reference or a word of the
 * built-in dictionary. libbrotli 1.1 has BROTLI_PARAM_STREAM_OFFSET for
 * the second; Debian 12 ships 1.0.9. Pieces made at quality 0-1 (no
 * dictionary, no short codes) do stitch, but came out 30 % larger than
 * gzip -9 of the same page (docs/internals/compression.md), so they are
 * not worth sending.
 */
#include <stddef.h>

#include "core/buf.h"

/* Quality for text compressed on a request's path (a page's first
 * answer): about 1.5 ms for 17 KB here. Static files get the best (11). */
#define ND_BROTLI_QUALITY_PAGE 5
#define ND_BROTLI_QUALITY_BEST 11

/* Appends the brotli stream of text[0, len) at quality (0-11) to out.
 * Returns 0, or ND_EIO when the compressor fails (out of memory). Thread-safe. */
int nd_brotli(const void *text, size_t len, int quality, struct nd_buf *out);

/* Decompresses a whole brotli stream into out (tests, checks): 0,
 * ND_EINVAL for an invalid stream, ND_ETOOBIG past out's maximum. */
int nd_unbrotli(const void *data, size_t len, struct nd_buf *out);
