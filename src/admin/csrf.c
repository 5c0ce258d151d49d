/* CSRF tokens: HMAC of a label under a per-session (or server) key. */
#include "admin/csrf.h"

#include <string.h>

#include <sodium.h>

_Static_assert(ND_CSRF_KEY_LEN == crypto_auth_KEYBYTES, "crypto_auth key size");

/* The label keeps these MACs apart from any other use of the same key. */
static const char label[] = "newsdesk csrf v1\n";

static void mac(const uint8_t key[ND_CSRF_KEY_LEN], const void *msg, size_t len,
                uint8_t out[crypto_auth_BYTES])
{
	crypto_auth_hmacsha512256_state st;

	crypto_auth_hmacsha512256_init(&st, key, ND_CSRF_KEY_LEN);
	crypto_auth_hmacsha512256_update(&st, (const unsigned char *)label, sizeof(label) - 1);
	if (len)
		crypto_auth_hmacsha512256_update(&st, msg, len);
	crypto_auth_hmacsha512256_final(&st, out);
}

void nd_csrf_token(const uint8_t key[ND_CSRF_KEY_LEN], const void *msg, size_t len,
                   char out[ND_CSRF_TOKEN_LEN + 1])
{
	uint8_t tag[crypto_auth_BYTES];

	mac(key, msg, len, tag);
	sodium_bin2base64(out, ND_CSRF_TOKEN_LEN + 1, tag, sizeof(tag),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool nd_csrf_verify(const uint8_t key[ND_CSRF_KEY_LEN], const void *msg, size_t len,
                    const char *token)
{
	char want[ND_CSRF_TOKEN_LEN + 1];

	if (!token || strlen(token) != ND_CSRF_TOKEN_LEN)
		return false;
	nd_csrf_token(key, msg, len, want);
	return sodium_memcmp(want, token, ND_CSRF_TOKEN_LEN) == 0;
}
