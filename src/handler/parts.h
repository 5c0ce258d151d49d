#pragma once
/*
 * A cached answer cut at its holes (handler/holes.h): the static parts of
 * its text, kept once per site snapshot, with the live values of the
 * moment put between them per request and the whole sent by scatter/gather
 * I/O (nd_http_response.iov), so no part is copied or scanned again.
 *
 * Compressed forms are made the first time a client asks for one, and
 * kept with the parts:
 *  - gzip: each static part as a gzip piece (encode/gzip.h). An answer is
 *    the header, the pieces with its values compressed in between (a few
 *    bytes stored, or a fast deflate of a personal list), and a trailer
 *    whose CRC is combined from the parts' own.
 *  - brotli (encode/brotli.h says why not in pieces): the whole text of an
 *    answer without holes; for one with holes, the whole answer once the
 *    same values have been asked for twice in a row (anonymous readers of
 *    a page whose counts stand still), kept until they change.
 *
 * The ETag is the static text's hash combined with the values, so it
 * changes exactly when something shown does; a compressed form's ends in
 * "-gz" or "-br" (each coding is its own representation).
 *
 * Parts are shared by the page cache and every answer still being sent
 * (reference counted), so a snapshot and its cache can go while an answer
 * made from them is still on the wire.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handler/holes.h"
#include "http/http.h"

struct nd_parts;

/*
 * Cuts text[0, len) at its markers of nonce (json: as nd_holes_fill
 * reads JSON). compress: whether the content may be sent compressed (a
 * text type worth it). Returns parts with one reference, the caller's.
 */
struct nd_parts *nd_parts_new(const char *text, size_t len, uint64_t nonce, bool json,
                              bool compress);
struct nd_parts *nd_parts_ref(struct nd_parts *p);
void nd_parts_unref(struct nd_parts *p);
/* nd_parts_unref for a void * (the page cache's release). */
void nd_parts_release(void *p);

/*
 * Makes the compressed forms of parts without holes now, brotli at its
 * best quality (static files, once at start). Does nothing for parts with
 * holes, or that are not to be compressed.
 */
void nd_parts_precompress(struct nd_parts *p);

/* Bytes held (text, tables and compressed forms made so far). */
size_t nd_parts_bytes(const struct nd_parts *p);
/* How many holes the text had. */
size_t nd_parts_holes(const struct nd_parts *p);

/* What of a request an answer depends on. */
struct nd_parts_request {
	const char *accept_encoding; /* the header's value, or NULL */
	const char *if_none_match;   /* the header's value, or NULL */
	const char *vary;            /* what else the answer varies on, or NULL */
	struct nd_arena *arena;      /* the request's: header values */
};

/*
 * Fills res with the answer to q from p: the hole values from v (NULL:
 * holes left empty, for an answer that is no reader's), in the coding
 * Accept-Encoding prefers among those p offers; sets ETag,
 * Content-Encoding and one Vary header (Accept-Encoding when p may be
 * compressed, then q->vary). Returns 304 with no body when If-None-Match
 * names the ETag, else 200 with res's body as pieces (res->iov) that hold
 * a reference to p until sent. res's content type and other headers are
 * the caller's.
 */
int nd_parts_answer(struct nd_parts *p, const struct nd_hole_values *v,
                    const struct nd_parts_request *q, struct nd_http_response *res);
