#pragma once
/*
 * Admin sessions. A session is a random 32-byte token, sent to the browser
 * base64url-encoded in the cookie nd_s; the store keeps only its BLAKE2b-256
 * hash (the session id), so reading the database opens no session. A
 * session ends when it has not been used for idle_seconds, or
 * max_seconds after it began, whichever comes first; last_seen is written
 * at most once a minute, so a busy admin does not write on every request.
 */
#include <stdint.h>

#include "store/store.h"

/* Characters of a token (base64url of 32 bytes, no padding), without its NUL. */
#define ND_SESSION_TOKEN_LEN 43
/* last_seen is not written again within this many seconds. */
#define ND_SESSION_TOUCH_EVERY 60

struct nd_session_policy {
	int64_t idle_seconds; /* > 0 */
	int64_t max_seconds;  /* > 0 */
};

/*
 * The session id of token: 0, or ND_EINVAL for a string that is not a
 * token (wrong length or alphabet).
 */
int nd_session_id(const char *token, uint8_t id[ND_STORE_SESSION_ID_LEN]);

/*
 * Starts a session of user_id at now: a new random token (to out,
 * NUL-terminated) and csrf secret. *rec (may be NULL) gets the stored row.
 * Errors: those of nd_store_session_add (ND_ENOTFOUND: no such user);
 * ND_EIO when libsodium cannot start.
 */
int nd_session_create(struct nd_store *s, int64_t user_id, int64_t now,
                      const struct nd_session_policy *p, char out[ND_SESSION_TOKEN_LEN + 1],
                      struct nd_session_rec *rec);

/*
 * The live session of token at now into *rec: 0, or ND_ENOTFOUND (not
 * logged) when token is NULL, malformed, unknown or its session has ended
 * (an ended one is deleted). Writes last_seen when it is older than
 * ND_SESSION_TOUCH_EVERY. Else the store's errors.
 */
int nd_session_find(struct nd_store *s, const char *token, int64_t now,
                    const struct nd_session_policy *p, struct nd_session_rec *rec);

/* Ends the session of token (0 also when there is none or token is malformed). */
int nd_session_end(struct nd_store *s, const char *token);
