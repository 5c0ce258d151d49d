#pragma once
/*
 * CSRF tokens. Every form under /admin carries a hidden field "csrf"
 * whose value is made from a secret the server keeps and the browser
 * cannot read: for a session, its 32-byte csrf secret (sessions table);
 * before login, the server's key applied to the random value of the
 * login-form cookie. A token is base64url (no padding) of the HMAC
 * (libsodium crypto_auth, HMAC-SHA-512-256) of a fixed label under key.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_CSRF_KEY_LEN 32
/* Characters of a token, without its NUL. */
#define ND_CSRF_TOKEN_LEN 43

/*
 * Writes the token of key for msg[0..len) (msg may be NULL with len 0:
 * the session form) to out, NUL-terminated.
 */
void nd_csrf_token(const uint8_t key[ND_CSRF_KEY_LEN], const void *msg, size_t len,
                   char out[ND_CSRF_TOKEN_LEN + 1]);

/* Whether token (may be NULL) is the token of key for msg, compared in constant time. */
bool nd_csrf_verify(const uint8_t key[ND_CSRF_KEY_LEN], const void *msg, size_t len,
                    const char *token);
