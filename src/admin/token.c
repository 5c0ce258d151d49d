/* API tokens: random, prefixed, stored hashed (admin/token.h). */
#include "admin/token.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin/password.h"
#include "core/err.h"

#define TOKEN_BYTES 32
#define PREFIX_LEN  (sizeof(ND_TOKEN_PREFIX) - 1)

int nd_token_hash(const char *token, uint8_t hash[ND_STORE_TOKEN_HASH_LEN])
{
	uint8_t raw[TOKEN_BYTES];
	size_t n = 0;

	if (!token || strlen(token) != ND_TOKEN_LEN || memcmp(token, ND_TOKEN_PREFIX, PREFIX_LEN) ||
	    nd_crypto_init())
		return ND_EINVAL;
	if (sodium_base642bin(raw, sizeof(raw), token + PREFIX_LEN, ND_TOKEN_LEN - PREFIX_LEN, NULL,
	                      &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    n != TOKEN_BYTES)
		return ND_EINVAL;
	crypto_generichash(hash, ND_STORE_TOKEN_HASH_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

static int user_id_cb(void *ctx, const struct nd_user_rec *rec)
{
	*(int64_t *)ctx = rec->id;
	return 0;
}

int nd_token_create(struct nd_store *s, const char *login, const char *name, int64_t now,
                    char out[ND_TOKEN_LEN + 1], int64_t *id)
{
	uint8_t raw[TOKEN_BYTES], hash[ND_STORE_TOKEN_HASH_LEN];
	char token[ND_TOKEN_LEN + 1];
	int64_t user_id = 0;
	int rc;

	if ((rc = nd_crypto_init()) != 0)
		return rc;
	if ((rc = nd_store_user_get(s, login, user_id_cb, &user_id)) != 0)
		return rc == ND_EINVAL ? ND_ENOTFOUND : rc;
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, ND_TOKEN_PREFIX, PREFIX_LEN);
	sodium_bin2base64(token + PREFIX_LEN, sizeof(token) - PREFIX_LEN, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	nd_token_hash(token, hash);
	if ((rc = nd_store_token_add(s, user_id, name, hash, now, id)) != 0)
		goto out;
	memcpy(out, token, sizeof(token));
out:
	sodium_memzero(token, sizeof(token));
	return rc;
}

struct check_ctx {
	struct nd_token_rec tok;
	struct nd_token_user *out;
	bool disabled;
};

static int token_cb(void *ctx, const struct nd_token_rec *rec)
{
	struct check_ctx *c = ctx;

	c->tok = *rec;
	c->tok.name = NULL; /* borrowed: not kept */
	return 0;
}

static int user_cb(void *ctx, const struct nd_user_rec *rec)
{
	struct check_ctx *c = ctx;

	c->disabled = rec->disabled;
	c->out->user_id = rec->id;
	c->out->role = rec->role;
	snprintf(c->out->login, sizeof(c->out->login), "%s", rec->login);
	snprintf(c->out->name, sizeof(c->out->name), "%s", rec->name);
	return 0;
}

int nd_token_check(struct nd_store *s, const char *token, int64_t now, struct nd_token_user *out)
{
	uint8_t hash[ND_STORE_TOKEN_HASH_LEN];
	struct nd_token_user u = {0};
	struct check_ctx c = {.out = &u};
	int rc;

	if (nd_token_hash(token, hash))
		return ND_ENOTFOUND;
	if ((rc = nd_store_token_find(s, hash, token_cb, &c)) != 0)
		return rc;
	if (c.tok.revoked_at)
		return ND_ENOTFOUND;
	if ((rc = nd_store_user_get_id(s, c.tok.user_id, user_cb, &c)) != 0)
		return rc;
	if (c.disabled)
		return ND_ENOTFOUND;
	if (now - c.tok.last_used >= ND_TOKEN_TOUCH_EVERY &&
	    (rc = nd_store_token_used(s, c.tok.id, now)) != 0)
		return rc;
	u.token_id = c.tok.id;
	*out = u;
	return 0;
}
