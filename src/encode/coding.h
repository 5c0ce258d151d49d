#pragma once
/*
 * Content codings: which one a response is sent in, from the request's
 * Accept-Encoding (RFC 9110, section 12.5.3). newsdesk sends gzip, br or
 * the bytes as they are ("identity").
 */
#include <stdbool.h>

enum nd_coding { ND_CODING_IDENTITY, ND_CODING_GZIP, ND_CODING_BR, ND_CODING_COUNT };

/* A set of codings: bit 1 << coding. */
#define ND_CODING_BIT(c) (1u << (c))

/*
 * The codings of offered (a set; identity is always offered) that the
 * Accept-Encoding value accept_encoding allows, as a set: each coding
 * named with q > 0, or covered by "*" with q > 0 and not named. Identity is
 * allowed unless "identity;q=0", or "*;q=0" without identity named. NULL
 * (no header) allows identity alone: a client that says nothing gets the
 * plain bytes. "x-gzip" is gzip. Malformed elements are skipped.
 * *best gets the allowed coding of highest q, ties going to the smaller
 * encoding (br, then gzip, then identity); ND_CODING_IDENTITY when none
 * is allowed (the caller then sends identity anyway, as servers do, or
 * 406).
 */
unsigned nd_coding_accepted(const char *accept_encoding, unsigned offered, enum nd_coding *best);

/* The Content-Encoding token of c ("gzip", "br"); NULL for identity. */
const char *nd_coding_name(enum nd_coding c);
