#pragma once
/*
 * API tokens of the write API: "nd_" followed by 32 random bytes in
 * base64url (no padding), shown once when made. The store keeps only the
 * BLAKE2b-256 hash of the token (nd_store_token_*), as for sessions, so a
 * copy of the database lets no one in. A request sends it as
 * "Authorization: Bearer nd_...".
 */
#include <stdint.h>

#include "core/limits.h"
#include "store/store.h"

/* The prefix that makes a token recognisable (secret scanners, logs). */
#define ND_TOKEN_PREFIX "nd_"
/* Characters of a token without its NUL: the prefix and 43 of base64url. */
#define ND_TOKEN_LEN (3 + 43)
/* last_used is not written again within this many seconds. */
#define ND_TOKEN_TOUCH_EVERY 60

/* Who a valid token speaks for. */
struct nd_token_user {
	int64_t token_id;
	int64_t user_id;
	char login[ND_STORE_LOGIN_MAX + 1];
	char name[ND_MAX_NAME + 1]; /* "" when none */
	enum nd_role role;
};

/* The hash the store keeps of token: 0, or ND_EINVAL when token is not one. */
int nd_token_hash(const char *token, uint8_t hash[ND_STORE_TOKEN_HASH_LEN]);

/*
 * Makes a token called name for the user with login at now: out gets the
 * token (NUL-terminated), *id (may be NULL) its id. Errors: ND_ENOTFOUND
 * (not logged) when there is no such user, ND_EINVAL for a bad name (as
 * nd_store_token_add), ND_EIO when libsodium cannot start; else the store's.
 */
int nd_token_create(struct nd_store *s, const char *login, const char *name, int64_t now,
                    char out[ND_TOKEN_LEN + 1], int64_t *id);

/*
 * The user token speaks for at now, into *out: 0, or ND_ENOTFOUND (not
 * logged) when token is NULL, malformed, unknown or revoked, or its user is
 * disabled. Notes the use (last_used) when the last one is older than
 * ND_TOKEN_TOUCH_EVERY. Else the store's errors.
 */
int nd_token_check(struct nd_store *s, const char *token, int64_t now, struct nd_token_user *out);
