#include "counter/visitor.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"

#define ID_B64_LEN  22 /* base64url of 16 bytes, unpadded */
#define TAG_B64_LEN 43 /* base64url of 32 bytes, unpadded */
#define TAG_LEN     crypto_auth_hmacsha512256_BYTES
#define ID_AT       2                        /* after "1." */
#define TAG_AT      (ID_AT + ID_B64_LEN + 1) /* after the second '.' */

_Static_assert(TAG_AT + TAG_B64_LEN == ND_VISITOR_COOKIE_LEN, "cookie length");
_Static_assert(crypto_auth_hmacsha512256_KEYBYTES == ND_VISITOR_KEY_LEN, "key length");
_Static_assert(TAG_LEN == 32, "tag length");

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	/* sodium_init opens the random source; without one no id can be
	 * minted, which is a broken machine rather than bad input. */
	if (sodium_init() < 0)
		ND_BUG("libsodium cannot initialise (no random source?)");
}

void nd_visitor_keys_init(struct nd_visitor_keys *k, const uint8_t cookie_key[ND_VISITOR_KEY_LEN],
                          const uint8_t salt_key[ND_VISITOR_KEY_LEN])
{
	pthread_once(&sodium_once, sodium_start);
	crypto_auth_hmacsha512256_init(&k->mac, cookie_key, ND_VISITOR_KEY_LEN);
	memcpy(k->salt_key, salt_key, ND_VISITOR_KEY_LEN);
	randombytes_buf(&k->generation, sizeof(k->generation));
}

void nd_visitor_keys_release(struct nd_visitor_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

/* The tag of a version-1 cookie: HMAC over "1." and the raw id. Copying
 * the keyed state skips hashing the key's two blocks on every call. */
static void tag_of(const struct nd_visitor_keys *k, const uint8_t id[ND_VISITOR_ID_LEN],
                   uint8_t tag[TAG_LEN])
{
	crypto_auth_hmacsha512256_state st = k->mac;

	crypto_auth_hmacsha512256_update(&st, (const uint8_t *)"1.", 2);
	crypto_auth_hmacsha512256_update(&st, id, ND_VISITOR_ID_LEN);
	crypto_auth_hmacsha512256_final(&st, tag);
	sodium_memzero(&st, sizeof(st));
}

/*
 * Base64url without padding (RFC 4648 section 5), our own: libsodium's
 * codec is constant-time, which a cookie's public id and tag do not need,
 * and costs 0.5 us per cookie here (a third of the whole check); and
 * 1.0.18 decodes every byte above 0x7f as if it were a base64url
 * character, so a cookie could be spelt many ways.
 */
static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Writes the 4 * len / 3 (rounded up) characters of bin, and a NUL. */
static void base64(char *out, const uint8_t *bin, size_t len)
{
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | bin[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			*out++ = b64_chars[(acc >> bits) & 63];
		}
	}
	if (bits)
		*out++ = b64_chars[(acc << (6 - bits)) & 63];
	*out = '\0';
}

/* Decodes exactly len characters into exactly bin_len bytes. Only the one
 * canonical spelling of each value passes: no character outside the
 * alphabet, no padding, no bits set past the last byte. */
static bool unbase64(const char *s, size_t len, uint8_t *bin, size_t bin_len)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	if (len != (bin_len * 8 + 5) / 6)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return false;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bin[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n == bin_len && (acc & ((UINT32_C(1) << bits) - 1)) == 0;
}

bool nd_visitor_from_cookie(const struct nd_visitor_keys *k, const char *value, size_t len,
                            struct nd_visitor *out)
{
	uint8_t id[ND_VISITOR_ID_LEN], tag[TAG_LEN], want[TAG_LEN];
	bool ok;

	if (!value || len != ND_VISITOR_COOKIE_LEN || value[0] != '1' || value[1] != '.' ||
	    value[TAG_AT - 1] != '.')
		return false;
	if (!unbase64(value + ID_AT, ID_B64_LEN, id, sizeof(id)) ||
	    !unbase64(value + TAG_AT, TAG_B64_LEN, tag, sizeof(tag)))
		return false;
	tag_of(k, id, want);
	ok = crypto_verify_32(tag, want) == 0;
	if (ok) {
		memcpy(out->id, id, sizeof(id));
		out->kind = ND_VISITOR_COOKIE;
	}
	return ok;
}

/*
 * Minting. randombytes_buf is a getrandom() system call per id (0.5 us
 * here); instead each thread seeds a ChaCha20 key once and expands it into
 * a block of key stream, of which the first 32 bytes become the next key
 * and the rest are handed out ("fast key erasure"): ids already handed out
 * cannot be recomputed from the state a later memory leak would show.
 * Each key encrypts one block, so the all-zero nonce is never reused.
 */
#define STREAM_LEN 512

struct stream {
	uint8_t key[crypto_stream_chacha20_KEYBYTES];
	uint8_t buf[STREAM_LEN];
	size_t left; /* unused bytes at the end of buf */
	bool seeded;
};

static _Thread_local struct stream stream;

static void stream_next(uint8_t *out, size_t len)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];
	struct stream *s = &stream;

	ND_ASSERT(len <= STREAM_LEN - sizeof(s->key));
	if (!s->seeded) {
		randombytes_buf(s->key, sizeof(s->key));
		s->seeded = true;
	}
	if (s->left < len) {
		crypto_stream_chacha20(s->buf, sizeof(s->buf), nonce, s->key);
		memcpy(s->key, s->buf, sizeof(s->key));
		sodium_memzero(s->buf, sizeof(s->key));
		s->left = sizeof(s->buf) - sizeof(s->key);
	}
	memcpy(out, s->buf + sizeof(s->buf) - s->left, len);
	sodium_memzero(s->buf + sizeof(s->buf) - s->left, len);
	s->left -= len;
}

void nd_visitor_mint(const struct nd_visitor_keys *k, struct nd_visitor *out,
                     char cookie[ND_VISITOR_COOKIE_MAX])
{
	uint8_t tag[TAG_LEN];

	stream_next(out->id, sizeof(out->id));
	out->kind = ND_VISITOR_COOKIE;
	tag_of(k, out->id, tag);
	cookie[0] = '1';
	cookie[1] = '.';
	/* Each encoder writes its NUL; the id's is overwritten by the '.'. */
	base64(cookie + ID_AT, out->id, sizeof(out->id));
	cookie[TAG_AT - 1] = '.';
	base64(cookie + TAG_AT, tag, sizeof(tag));
}

/* The address as it counts: 16 bytes, IPv4 as ::ffff:a.b.c.d, IPv6 cut to
 * its /64 (a household or phone gets a whole /64 and may rotate the rest
 * at will), anything else as all zeros. */
static void address_key(const void *addr, size_t addr_len, uint8_t ip[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(ip, 0, 16);
	if (addr_len == 4) {
		memcpy(ip, mapped, sizeof(mapped));
		memcpy(ip + 12, addr, 4);
	} else if (addr_len == 16) {
		if (!memcmp(addr, mapped, sizeof(mapped)))
			memcpy(ip, addr, 16);
		else
			memcpy(ip, addr, 8);
	}
}

/* The salt of the day, derived rather than stored: keyed BLAKE2b of
 * "nd-day" || le64(day) under the salt key. Once the day is over nothing
 * (no table, no log) relates its ids to the next day's. Each thread keeps
 * the last one it derived, which halves the cost of a fallback id. */
struct day_salt {
	const struct nd_visitor_keys *keys;
	uint64_t generation;
	int64_t day;
	uint8_t salt[crypto_generichash_KEYBYTES];
};

static _Thread_local struct day_salt day_salt;

static const uint8_t *salt_of(const struct nd_visitor_keys *k, int64_t unix_day)
{
	struct day_salt *c = &day_salt;
	uint64_t day = (uint64_t)unix_day;
	uint8_t msg[6 + 8];

	if (c->keys == k && c->generation == k->generation && c->day == unix_day)
		return c->salt;
	memcpy(msg, "nd-day", 6);
	for (int i = 0; i < 8; i++)
		msg[6 + i] = (uint8_t)(day >> (8 * i));
	crypto_generichash(c->salt, sizeof(c->salt), msg, sizeof(msg), k->salt_key,
	                   sizeof(k->salt_key));
	c->keys = k;
	c->generation = k->generation;
	c->day = unix_day;
	return c->salt;
}

void nd_visitor_fallback(const struct nd_visitor_keys *k, const void *addr, size_t addr_len,
                         const char *ua, size_t ua_len, int64_t unix_day, struct nd_visitor *out)
{
	uint8_t ip[16];
	crypto_generichash_state st;

	address_key(addr, addr_len, ip);
	crypto_generichash_init(&st, salt_of(k, unix_day), crypto_generichash_KEYBYTES,
	                        sizeof(out->id));
	crypto_generichash_update(&st, ip, sizeof(ip));
	crypto_generichash_update(&st, (const uint8_t *)"", 1);
	if (ua_len)
		crypto_generichash_update(&st, (const uint8_t *)ua, ua_len);
	crypto_generichash_final(&st, out->id, sizeof(out->id));
	out->kind = ND_VISITOR_HASH;
	sodium_memzero(&st, sizeof(st));
}
