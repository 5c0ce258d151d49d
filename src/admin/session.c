/* Admin sessions: random tokens, stored hashed (admin/session.h). */
#include "admin/session.h"

#include <string.h>

#include <sodium.h>

#include "admin/password.h"
#include "core/err.h"

#define TOKEN_BYTES 32

int nd_session_id(const char *token, uint8_t id[ND_STORE_SESSION_ID_LEN])
{
	uint8_t raw[TOKEN_BYTES];
	size_t n = 0;

	if (!token || strlen(token) != ND_SESSION_TOKEN_LEN || nd_crypto_init())
		return ND_EINVAL;
	if (sodium_base642bin(raw, sizeof(raw), token, ND_SESSION_TOKEN_LEN, NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    n != TOKEN_BYTES)
		return ND_EINVAL;
	crypto_generichash(id, ND_STORE_SESSION_ID_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int nd_session_create(struct nd_store *s, int64_t user_id, int64_t now,
                      const struct nd_session_policy *p, char out[ND_SESSION_TOKEN_LEN + 1],
                      struct nd_session_rec *rec)
{
	struct nd_session_rec r = {0};
	uint8_t raw[TOKEN_BYTES];
	char token[ND_SESSION_TOKEN_LEN + 1];
	int rc;

	if ((rc = nd_crypto_init()) != 0)
		return rc;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	nd_session_id(token, r.id);
	r.user_id = user_id;
	r.created_at = r.last_seen = now;
	r.expires_at = now + p->max_seconds;
	randombytes_buf(r.csrf, sizeof(r.csrf));
	if ((rc = nd_store_session_add(s, &r)) != 0)
		goto out;
	memcpy(out, token, sizeof(token));
	if (rec)
		*rec = r;
out:
	sodium_memzero(token, sizeof(token));
	return rc;
}

int nd_session_find(struct nd_store *s, const char *token, int64_t now,
                    const struct nd_session_policy *p, struct nd_session_rec *rec)
{
	uint8_t id[ND_STORE_SESSION_ID_LEN];
	struct nd_session_rec r;
	int rc;

	if (nd_session_id(token, id))
		return ND_ENOTFOUND;
	if ((rc = nd_store_session_get(s, id, &r)) != 0)
		return rc;
	if (now >= r.expires_at || now - r.last_seen >= p->idle_seconds) {
		nd_store_session_delete(s, id);
		return ND_ENOTFOUND;
	}
	if (now - r.last_seen >= ND_SESSION_TOUCH_EVERY) {
		if ((rc = nd_store_session_touch(s, id, now)) != 0)
			return rc;
		r.last_seen = now;
	}
	*rec = r;
	return 0;
}

int nd_session_end(struct nd_store *s, const char *token)
{
	uint8_t id[ND_STORE_SESSION_ID_LEN];

	if (nd_session_id(token, id))
		return 0;
	return nd_store_session_delete(s, id);
}
