#pragma once
/*
 * Passwords: argon2id hashes through libsodium (crypto_pwhash_str), with
 * the INTERACTIVE limits (64 MiB, ~0.1 s). When the environment variable
 * ND_TEST_FAST_HASH is set to 1, the MIN limits are used instead, so that
 * test suites (under ASan too) are not slowed down; a production server
 * must never set it (it is logged as a warning when taken). A hash made
 * with other limits still verifies; nd_password_needs_rehash tells when to
 * make a new one.
 */
#include <stdbool.h>
#include <stddef.h>

/* Password length limits, in bytes. */
#define ND_PASSWORD_MIN 10
#define ND_PASSWORD_MAX 1024
/* Room for a hash string, NUL included (crypto_pwhash_STRBYTES). */
#define ND_PASSWORD_HASH_SIZE 128

/*
 * Checks the policy: ND_PASSWORD_MIN to ND_PASSWORD_MAX bytes, valid UTF-8,
 * no NUL, not only white space. Returns 0, or ND_EINVAL with a sentence
 * for the user in *why (a literal; may be NULL).
 */
int nd_password_check(const char *pw, size_t len, const char **why);

/*
 * Hashes pw[0..len) into out (a NUL-terminated "$argon2id$..." string).
 * The policy is not checked here. Errors: ND_EINVAL for a length over
 * ND_PASSWORD_MAX; ND_EIO when libsodium cannot start or runs out of
 * memory (logged).
 */
int nd_password_hash(const char *pw, size_t len, char out[ND_PASSWORD_HASH_SIZE]);

/*
 * Whether pw[0..len) matches hash, in time that does not depend on where
 * they differ. False for a malformed hash or a password over
 * ND_PASSWORD_MAX.
 */
bool nd_password_verify(const char *hash, const char *pw, size_t len);

/* Whether hash was made with other limits than nd_password_hash uses now. */
bool nd_password_needs_rehash(const char *hash);

/* 0, or ND_EIO when libsodium cannot start (no random source). Idempotent, thread-safe. */
int nd_crypto_init(void);
