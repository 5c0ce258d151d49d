#pragma once
/*
 * Accounts: adding users with a checked password, changing it, and the
 * login check with its lockout (docs/internals/admin.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admin/password.h"
#include "core/limits.h"
#include "store/store.h"

/* A user, copied out of the store. */
struct nd_account {
	int64_t id;
	char login[ND_STORE_LOGIN_MAX + 1];
	char name[ND_MAX_NAME + 1];
	enum nd_role role;
	bool disabled;
	int64_t created_at, last_login;
	char password[ND_PASSWORD_HASH_SIZE]; /* the hash */
};

/* Consecutive failures that lock a login, and for how long. */
struct nd_login_policy {
	int max_failures;     /* >= 1 */
	int64_t lock_seconds; /* >= 0 */
};

/* Copies the user with login (any case) or id to *out. ND_ENOTFOUND (not logged) if none. */
int nd_account_get(struct nd_store *s, const char *login, struct nd_account *out);
int nd_account_get_id(struct nd_store *s, int64_t id, struct nd_account *out);

/*
 * Adds a user with password pw[0..len) (hashed here). *id (may be NULL)
 * gets the new id. Errors: ND_EINVAL for a weak password (*why, may be
 * NULL, gets the reason: a literal) or bad input; ND_EEXIST for a login
 * taken; else those of the store and of hashing.
 */
int nd_account_add(struct nd_store *s, const char *login, const char *name, enum nd_role role,
                   const char *pw, size_t len, const char **why, int64_t *id);

/* Sets the password of login; errors as nd_account_add, ND_ENOTFOUND for no such user. */
int nd_account_set_password(struct nd_store *s, const char *login, const char *pw, size_t len,
                            const char **why);

/*
 * Checks a login at now. Returns 0 and fills *out when login names an
 * enabled user whose password is pw; then the failures are forgotten,
 * last_login is set, and a hash made with old limits is replaced.
 * ND_EBUSY when the login is locked, before or by this failure:
 * *locked_until gets the time it opens. ND_EINVAL for a wrong login or
 * password, whichever it was (the time taken does not tell either). Else
 * the store's errors. Every failure counts against login, known or not.
 */
int nd_account_login(struct nd_store *s, const char *login, const char *pw, size_t len, int64_t now,
                     const struct nd_login_policy *p, struct nd_account *out,
                     int64_t *locked_until);

/*
 * What an admin does to another account in the browser (issue 6, item 2:
 * /admin/users). Both run in one transaction that holds the write lock, so
 * two admins demoting each other at once cannot leave the site without
 * one. actor is the id of the user who asks.
 *
 * Refused with ND_EBUSY and *why (a sentence for the user, a literal) when
 * actor is id (no one removes or demotes themself; setting one's own role
 * to the one held is a no-op), or when id is the last enabled admin and
 * would stop being one. ND_ENOTFOUND (not logged) when there is no user
 * id; ND_EINVAL for an unknown role. Else the store's errors. *why is NULL
 * unless refused.
 */
int nd_account_set_role(struct nd_store *s, int64_t actor, int64_t id, enum nd_role role,
                        const char **why);
/* Removes user id with its sessions and tokens (nd_store_user_remove); refusals as above. */
int nd_account_remove(struct nd_store *s, int64_t actor, int64_t id, const char **why);
