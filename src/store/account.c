/*
 * The store's front end for accounts (0004-accounts.sql): checks what
 * callers hand in, folds logins to lowercase and dispatches to the backend.
 */
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/limits.h"
#include "core/str.h"
#include "store/store_int.h"

static const char *const role_names[] = {
    [ND_ROLE_AUTHOR] = "author",
    [ND_ROLE_EDITOR] = "editor",
    [ND_ROLE_ADMIN] = "admin",
};

const char *nd_role_name(enum nd_role role)
{
	if ((unsigned)role >= ND_COUNT(role_names))
		return NULL;
	return role_names[role];
}

int nd_role_parse(const char *name, enum nd_role *out)
{
	for (size_t i = 0; name && i < ND_COUNT(role_names); i++) {
		if (!strcmp(name, role_names[i])) {
			*out = (enum nd_role)i;
			return 0;
		}
	}
	return ND_EINVAL;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool nd_store_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;

	if (n == 0 || n > ND_STORE_LOGIN_MAX || !alnum(login[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(login[i]) && !strchr("._@-", login[i]))
			return false;
	return true;
}

/* login in ASCII lowercase into out (ND_STORE_LOGIN_MAX + 1 bytes); the length was checked. */
static void fold(const char *login, char *out)
{
	size_t i;

	for (i = 0; login[i]; i++)
		out[i] =
		    (login[i] >= 'A' && login[i] <= 'Z') ? (char)(login[i] - 'A' + 'a') : login[i];
	out[i] = '\0';
}

static int check_login(const struct nd_store *s, const char *login, char *out)
{
	if (!nd_store_login_valid(login))
		return nd_error(ND_EINVAL,
		                "store '%s': login '%.*s' is not 1 to %d letters, digits or ._@- "
		                "starting with a letter or digit",
		                s->url, 80, login ? login : "", ND_STORE_LOGIN_MAX);
	fold(login, out);
	return 0;
}

/* A lockout key: any UTF-8 text of 1 to ND_STORE_LOGIN_MAX bytes, folded. */
static int check_key(const struct nd_store *s, const char *login, char *out)
{
	size_t n = login ? strlen(login) : 0;

	if (n == 0 || n > ND_STORE_LOGIN_MAX || !nd_utf8_valid(login, n, NULL))
		return nd_error(ND_EINVAL, "store '%s': a login of %zu bytes (1 to %d of UTF-8)",
		                s->url, n, ND_STORE_LOGIN_MAX);
	fold(login, out);
	return 0;
}

static int check_hash(const struct nd_store *s, const char *password)
{
	if (nd__blank(password) || strlen(password) > ND_MAX_NAME)
		return nd_error(ND_EINVAL, "store '%s': a password hash must be 1 to %d bytes",
		                s->url, ND_MAX_NAME);
	return 0;
}

int nd_store_user_add(struct nd_store *s, const char *login, const char *name, enum nd_role role,
                      const char *password, int64_t *id)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	int64_t got = 0;
	int rc;

	if ((rc = check_login(s, login, key)) != 0 || (rc = check_hash(s, password)) != 0)
		return rc;
	if (!name)
		name = "";
	if (strlen(name) > ND_MAX_NAME || !nd_utf8_valid(name, strlen(name), NULL))
		return nd_error(ND_EINVAL,
		                "store '%s': the name of '%s' is not UTF-8 of at most %d "
		                "bytes",
		                s->url, key, ND_MAX_NAME);
	if (!nd_role_name(role))
		return nd_error(ND_EINVAL, "store '%s': unknown role %d for '%s'", s->url,
		                (int)role, key);
	ND__RETRIED(s, rc, s->be->user_add(s, key, name, role, password, &got));
	if (!rc && id)
		*id = got;
	return rc;
}

int nd_store_user_get(struct nd_store *s, const char *login, nd_user_cb cb, void *ctx)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	int rc;

	if ((rc = check_login(s, login, key)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->user_get(s, key, 0, cb, ctx));
	return rc;
}

int nd_store_user_get_id(struct nd_store *s, int64_t id, nd_user_cb cb, void *ctx)
{
	int rc;

	if (id <= 0)
		return nd_error(ND_EINVAL, "store '%s': user id %lld", s->url, (long long)id);
	ND__RETRIED(s, rc, s->be->user_get(s, NULL, id, cb, ctx));
	return rc;
}

int nd_store_each_user(struct nd_store *s, nd_user_cb cb, void *ctx)
{
	int rc;

	ND__RETRIED(s, rc, s->be->each_user(s, cb, ctx));
	return rc;
}

static int check_id(const struct nd_store *s, int64_t id)
{
	return id > 0 ? 0 : nd_error(ND_EINVAL, "store '%s': user id %lld", s->url, (long long)id);
}

int nd_store_user_set_password(struct nd_store *s, int64_t id, const char *password)
{
	int rc;

	if ((rc = check_id(s, id)) != 0 || (rc = check_hash(s, password)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->user_set(s, id, password, -1, 0));
	return rc;
}

int nd_store_user_set_role(struct nd_store *s, int64_t id, enum nd_role role)
{
	int rc;

	if ((rc = check_id(s, id)) != 0)
		return rc;
	if (!nd_role_name(role))
		return nd_error(ND_EINVAL, "store '%s': unknown role %d", s->url, (int)role);
	ND__RETRIED(s, rc, s->be->user_set(s, id, NULL, (int)role, 0));
	return rc;
}

int nd_store_user_set_last_login(struct nd_store *s, int64_t id, int64_t at)
{
	int rc;

	if ((rc = check_id(s, id)) != 0)
		return rc;
	if (at < 0)
		return nd_error(ND_EINVAL, "store '%s': login time %lld", s->url, (long long)at);
	ND__RETRIED(s, rc, s->be->user_set(s, id, NULL, -1, at));
	return rc;
}

int nd_store_user_remove(struct nd_store *s, const char *login)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	int rc;

	if ((rc = check_login(s, login, key)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->user_remove(s, key));
	return rc;
}

int nd_store_session_add(struct nd_store *s, const struct nd_session_rec *rec)
{
	int rc;

	if (!rec || rec->user_id <= 0 || rec->created_at < 0 || rec->last_seen < 0 ||
	    rec->expires_at < 0)
		return nd_error(ND_EINVAL, "store '%s': a session needs a user and times >= 0",
		                s->url);
	ND__RETRIED(s, rc, s->be->session_add(s, rec));
	return rc;
}

int nd_store_session_get(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN],
                         struct nd_session_rec *out)
{
	struct nd_session_rec got;
	int rc;

	ND__RETRIED(s, rc, s->be->session_get(s, id, &got));
	if (rc == 0)
		*out = got;
	return rc;
}

int nd_store_session_touch(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN],
                           int64_t last_seen)
{
	int rc;

	ND__RETRIED(s, rc, s->be->session_touch(s, id, last_seen));
	return rc;
}

int nd_store_session_delete(struct nd_store *s, const uint8_t id[ND_STORE_SESSION_ID_LEN])
{
	int rc;

	int64_t n;

	ND__RETRIED(s, rc, s->be->session_delete(s, id, 0, &n));
	return rc;
}

int nd_store_session_delete_user(struct nd_store *s, int64_t user_id, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	if ((rc = check_id(s, user_id)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->session_delete(s, NULL, user_id, &n));
	if (deleted)
		*deleted = rc ? 0 : n;
	return rc;
}

int nd_store_session_purge(struct nd_store *s, int64_t now, int64_t idle_before, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	ND__RETRIED(s, rc, s->be->session_purge(s, now, idle_before, &n));
	if (deleted)
		*deleted = rc ? 0 : n;
	return rc;
}

int nd_store_login_state(struct nd_store *s, const char *login, struct nd_login_state *out)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	struct nd_login_state st = {0};
	int rc;

	if ((rc = check_key(s, login, key)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->login_state(s, key, &st));
	if (rc == 0)
		*out = st;
	return rc;
}

int nd_store_login_failed(struct nd_store *s, const char *login, int64_t now, int max_failures,
                          int64_t lock_seconds, struct nd_login_state *out)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	struct nd_login_state st = {0};
	int rc;

	if ((rc = check_key(s, login, key)) != 0)
		return rc;
	if (max_failures < 1 || lock_seconds < 0)
		return nd_error(ND_EINVAL, "store '%s': lockout after %d failures for %lld s",
		                s->url, max_failures, (long long)lock_seconds);
	ND__RETRIED(s, rc, s->be->login_failed(s, key, now, max_failures, lock_seconds, &st));
	if (rc == 0 && out)
		*out = st;
	return rc;
}

int nd_store_login_clear(struct nd_store *s, const char *login)
{
	char key[ND_STORE_LOGIN_MAX + 1];
	int rc;

	if ((rc = check_key(s, login, key)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->login_clear(s, key));
	return rc;
}

int nd_store_login_purge(struct nd_store *s, int64_t now, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	ND__RETRIED(s, rc, s->be->login_purge(s, now, &n));
	if (deleted)
		*deleted = rc ? 0 : n;
	return rc;
}

int nd_store_token_add(struct nd_store *s, int64_t user_id, const char *name,
                       const uint8_t hash[ND_STORE_TOKEN_HASH_LEN], int64_t at, int64_t *id)
{
	int64_t got = 0;
	int rc;

	if ((rc = check_id(s, user_id)) != 0)
		return rc;
	if (at < 0 || nd__blank(name) || strlen(name) > ND_MAX_NAME ||
	    !nd_utf8_valid(name, strlen(name), NULL))
		return nd_error(ND_EINVAL,
		                "store '%s': a token needs a name (UTF-8, at most %d bytes) "
		                "and a time >= 0",
		                s->url, ND_MAX_NAME);
	ND__RETRIED(s, rc, s->be->token_add(s, user_id, name, hash, at, &got));
	if (!rc && id)
		*id = got;
	return rc;
}

int nd_store_token_find(struct nd_store *s, const uint8_t hash[ND_STORE_TOKEN_HASH_LEN],
                        nd_token_cb cb, void *ctx)
{
	int rc;

	ND__RETRIED(s, rc, s->be->token_find(s, hash, 0, cb, ctx));
	return rc;
}

int nd_store_each_token(struct nd_store *s, int64_t user_id, nd_token_cb cb, void *ctx)
{
	int rc;

	if (user_id < 0)
		return nd_error(ND_EINVAL, "store '%s': user id %lld", s->url, (long long)user_id);
	ND__RETRIED(s, rc, s->be->token_find(s, NULL, user_id, cb, ctx));
	return rc;
}

static int token_set(struct nd_store *s, int64_t id, int64_t at, bool revoke)
{
	int rc;

	if (id <= 0 || at <= 0)
		return nd_error(ND_EINVAL, "store '%s': token %lld at %lld", s->url, (long long)id,
		                (long long)at);
	ND__RETRIED(s, rc, s->be->token_set(s, id, at, revoke));
	return rc;
}

int nd_store_token_used(struct nd_store *s, int64_t id, int64_t at)
{
	return token_set(s, id, at, false);
}

int nd_store_token_revoke(struct nd_store *s, int64_t id, int64_t at)
{
	return token_set(s, id, at, true);
}
