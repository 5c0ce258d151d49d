#pragma once
/*
 * Who is reading: an anonymous visitor id for counting views once per
 * reader (issue 4). Two kinds:
 *
 *   'c'  a random 16-byte id the server minted and handed out in a signed
 *        cookie, `nd_v=1.<base64url id>.<base64url tag>`, where tag is
 *        HMAC-SHA-512/256 (libsodium crypto_auth_hmacsha512256) over
 *        "1." followed by the 16 raw id bytes;
 *   'h'  for a request without a valid cookie: keyed BLAKE2b-128 of the
 *        client address (IPv6 reduced to its /64) and User-Agent under a
 *        salt that changes every UTC day. Neither the address nor the
 *        User-Agent is kept; only this hash exists, and it cannot be linked
 *        from one day to the next.
 *
 * The two id spaces never meet: whoever stores or hashes an id takes the
 * kind byte with it.
 *
 * Every function here is thread-safe and allocates nothing. The keys are
 * read-only after nd_visitor_keys_init, so one struct serves every thread.
 * See docs/internals/visitor.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium/crypto_auth_hmacsha512256.h>

#define ND_VISITOR_COOKIE_NAME "nd_v"
#define ND_VISITOR_KEY_LEN     32
#define ND_VISITOR_ID_LEN      16
/* "1." + 22 characters of id + "." + 43 characters of tag. */
#define ND_VISITOR_COOKIE_LEN 68
/* A cookie value plus its NUL. */
#define ND_VISITOR_COOKIE_MAX (ND_VISITOR_COOKIE_LEN + 1)

#define ND_VISITOR_COOKIE 'c'
#define ND_VISITOR_HASH   'h'

/* Key material, derived once from two secrets the caller keeps (the store
 * creates them at random on first start, so every node shares them). */
struct nd_visitor_keys {
	/* HMAC state with the cookie key already absorbed: each message then
	 * costs two SHA-512 blocks instead of four. */
	crypto_auth_hmacsha512256_state mac;
	uint8_t salt_key[ND_VISITOR_KEY_LEN];
	/* Random, made by each init: names these keys in the per-thread
	 * cache of the day's salt, so keys made again at the same address
	 * never meet a salt derived from other ones. */
	uint64_t generation;
};

struct nd_visitor {
	uint8_t id[ND_VISITOR_ID_LEN];
	uint8_t kind; /* ND_VISITOR_COOKIE or ND_VISITOR_HASH */
};

/* Fills k from cookie_key (signs and verifies cookies) and salt_key (the
 * root of the daily salts of the fallback hash). Both are 32 secret random
 * bytes, borrowed for the call only. Initialises libsodium on first use;
 * aborts if it cannot (no usable random source), as no visitor could be
 * told apart without it. */
void nd_visitor_keys_init(struct nd_visitor_keys *k, const uint8_t cookie_key[ND_VISITOR_KEY_LEN],
                          const uint8_t salt_key[ND_VISITOR_KEY_LEN]);
/* Wipes the key material in k. */
void nd_visitor_keys_release(struct nd_visitor_keys *k);

/* Checks the cookie value (len bytes at value, no NUL needed; value may be
 * NULL when len is 0) and on success sets out to its id with kind 'c' and
 * returns true. Returns false, leaving out untouched, for anything but an
 * exact `1.<id>.<tag>` of the right length, canonical unpadded base64url
 * and a tag made with these keys (compared in constant time). */
bool nd_visitor_from_cookie(const struct nd_visitor_keys *k, const char *value, size_t len,
                            struct nd_visitor *out);

/* Makes a new visitor: a random id (kind 'c') in out and its signed cookie
 * value, NUL-terminated, in cookie. Ids come from a per-thread ChaCha20
 * key stream seeded once from the system's random source and rekeyed as it
 * goes, so a call makes no system call. Not fork-safe: a child process must
 * not mint ids on a thread that minted before the fork. */
void nd_visitor_mint(const struct nd_visitor_keys *k, struct nd_visitor *out,
                     char cookie[ND_VISITOR_COOKIE_MAX]);

/* The fallback visitor of a request without a valid cookie: out gets kind
 * 'h' and a 16-byte keyed hash of the client address, the User-Agent and
 * the UTC day unix_day (unix seconds / 86400).
 *
 * addr is the raw address in network byte order: addr_len 4 for IPv4, 16
 * for IPv6. An IPv6 address counts by its /64 (one subscriber's prefix),
 * except an IPv4-mapped one (::ffff:a.b.c.d), which is the IPv4 address.
 * Any other length (a Unix socket, an unknown peer) counts as one shared
 * "no address". ua may be NULL when ua_len is 0. Both are borrowed for the
 * call only and never kept. */
void nd_visitor_fallback(const struct nd_visitor_keys *k, const void *addr, size_t addr_len,
                         const char *ua, size_t ua_len, int64_t unix_day, struct nd_visitor *out);
