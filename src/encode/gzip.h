#pragma once
/*
 * gzip made of pieces (RFC 1951, 1952), the way Varnish stitches ESI
 * fragments: each piece is raw deflate blocks that refer only to its own
 * text and end on a byte boundary (a sync flush) without the final-block
 * bit, so pieces compressed at different times, at any level, can follow
 * one another in any order. A response is
 *
 *	nd_gzip_header  piece  piece ...  nd_gzip_trailer
 *
 * where the trailer closes the deflate stream (an empty final block) and
 * carries the CRC-32 and length of the whole text, combined from the
 * pieces' own (nd_gzip_crc_combine) without reading their text again.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define ND_GZIP_HEADER_LEN  10
#define ND_GZIP_TRAILER_LEN 10

extern const unsigned char nd_gzip_header[ND_GZIP_HEADER_LEN];

/*
 * Appends the piece of text[0, len) to out, compressed at level (1-9;
 * pages are made once and kept, so 9). Nothing for len 0. Returns 0, or
 * ND_EIO. Thread-safe.
 */
int nd_gzip_piece(const void *text, size_t len, int level, struct nd_buf *out);

/*
 * A piece for text made per request (a live count, a personal list):
 * short text goes as a stored block, longer through a small deflate stream
 * kept per thread, at level 1, and the piece is kept (by the text's
 * 128-bit hash, a few thousand of them) with its CRC-32 for the next
 * request that has the same text. *crc gets the text's CRC-32 (as
 * nd_gzip_crc). Same contract as nd_gzip_piece.
 */
int nd_gzip_piece_quick(const void *text, size_t len, struct nd_buf *out, uint32_t *crc);

/* CRC-32 of text (zlib's), and of a text made of a (crc_a) then b
 * (crc_b, len_b bytes). */
uint32_t nd_gzip_crc(uint32_t crc, const void *text, size_t len);
uint32_t nd_gzip_crc_combine(uint32_t crc_a, uint32_t crc_b, size_t len_b);

/* The end of a gzip member whose text has crc and len bytes. */
void nd_gzip_trailer(uint32_t crc, uint64_t len, unsigned char out[ND_GZIP_TRAILER_LEN]);

/*
 * Decompresses a whole gzip member (for tests and checks) into out.
 * Returns 0, ND_EINVAL when data is not one valid gzip member (bad CRC
 * included), or ND_ETOOBIG past out's maximum.
 */
int nd_gunzip(const void *data, size_t len, struct nd_buf *out);
