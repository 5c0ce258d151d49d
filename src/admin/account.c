/* Accounts: users with checked passwords and the login check (admin/account.h). */
#include "admin/account.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"

static int copy_user(void *ctx, const struct nd_user_rec *rec)
{
	struct nd_account *a = ctx;

	a->id = rec->id;
	snprintf(a->login, sizeof(a->login), "%s", rec->login);
	snprintf(a->name, sizeof(a->name), "%s", rec->name);
	snprintf(a->password, sizeof(a->password), "%s", rec->password);
	a->role = rec->role;
	a->disabled = rec->disabled;
	a->created_at = rec->created_at;
	a->last_login = rec->last_login;
	return 0;
}

int nd_account_get(struct nd_store *s, const char *login, struct nd_account *out)
{
	struct nd_account a;
	int rc = nd_store_user_get(s, login, copy_user, &a);

	if (!rc)
		*out = a;
	return rc;
}

int nd_account_get_id(struct nd_store *s, int64_t id, struct nd_account *out)
{
	struct nd_account a;
	int rc = nd_store_user_get_id(s, id, copy_user, &a);

	if (!rc)
		*out = a;
	return rc;
}

int nd_account_add(struct nd_store *s, const char *login, const char *name, enum nd_role role,
                   const char *pw, size_t len, const char **why, int64_t *id)
{
	char hash[ND_PASSWORD_HASH_SIZE];
	int rc;

	if (why)
		*why = NULL;
	if ((rc = nd_password_check(pw, len, why)) != 0 ||
	    (rc = nd_password_hash(pw, len, hash)) != 0)
		return rc;
	return nd_store_user_add(s, login, name, role, hash, id);
}

int nd_account_set_password(struct nd_store *s, const char *login, const char *pw, size_t len,
                            const char **why)
{
	char hash[ND_PASSWORD_HASH_SIZE];
	struct nd_account a;
	int rc;

	if (why)
		*why = NULL;
	if ((rc = nd_password_check(pw, len, why)) != 0 ||
	    (rc = nd_account_get(s, login, &a)) != 0 || (rc = nd_password_hash(pw, len, hash)) != 0)
		return rc;
	/* A new password is the answer to a stolen one: every session of the
	 * account ends with it (a stolen cookie too), and its failed-login
	 * count starts again, in one transaction. */
	if ((rc = nd_store_begin(s)) != 0)
		return rc;
	if ((rc = nd_store_user_set_password(s, a.id, hash)) != 0 ||
	    (rc = nd_store_session_delete_user(s, a.id, NULL)) != 0 ||
	    (rc = nd_store_login_clear(s, login)) != 0) {
		nd_store_rollback(s);
		return rc;
	}
	return nd_store_commit(s);
}

/*
 * A hash no password matches, verified when the login is unknown so that
 * an unknown login takes as long as a wrong password.
 */
static char dummy[ND_PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (nd_password_hash("no password matches this one", 28, dummy))
		dummy[0] = '\0';
}

int nd_account_login(struct nd_store *s, const char *login, const char *pw, size_t len, int64_t now,
                     const struct nd_login_policy *p, struct nd_account *out, int64_t *locked_until)
{
	struct nd_login_state st;
	struct nd_account a;
	bool ok = false, known;
	int rc;

	*locked_until = 0;
	/* A login the store cannot even count (empty, too long) is just wrong. */
	if (!login || !*login || strlen(login) > ND_STORE_LOGIN_MAX ||
	    !nd_utf8_valid(login, strlen(login), NULL))
		return ND_EINVAL;
	/* The attempt counts as a failure before the password is checked, and
	 * a success takes it back: parallel attempts each take a place in the
	 * count, so a burst of them cannot try more than max_failures
	 * passwords before the lock. */
	if ((rc = nd_store_login_failed(s, login, now, p->max_failures, p->lock_seconds, &st)) != 0)
		return rc == ND_EINVAL ? ND_EINVAL : rc;
	if (!st.counted) {
		*locked_until = st.locked_until;
		return ND_EBUSY;
	}
	rc = nd_store_login_valid(login) ? nd_account_get(s, login, &a) : ND_ENOTFOUND;
	if (rc && rc != ND_ENOTFOUND)
		return rc;
	known = rc == 0 && !a.disabled;
	if (known) {
		ok = nd_password_verify(a.password, pw, len);
	} else {
		pthread_once(&dummy_once, make_dummy);
		nd_password_verify(dummy, pw, len);
	}
	if (!ok) {
		if (now < st.locked_until) {
			nd_log(ND_LOG_WARN, "login '%.64s' locked until %lld after %d failures",
			       login, (long long)st.locked_until, p->max_failures);
			*locked_until = st.locked_until;
			return ND_EBUSY;
		}
		return ND_EINVAL;
	}
	if ((rc = nd_store_login_clear(s, login)) != 0 ||
	    (rc = nd_store_user_set_last_login(s, a.id, now)) != 0)
		return rc;
	a.last_login = now;
	if (nd_password_needs_rehash(a.password)) {
		char hash[ND_PASSWORD_HASH_SIZE];

		/* Not fatal: the old hash still works; next login tries again. */
		if (!nd_password_hash(pw, len, hash) && !nd_store_user_set_password(s, a.id, hash))
			memcpy(a.password, hash, sizeof(hash));
	}
	*out = a;
	return 0;
}

static int count_admins(void *ctx, const struct nd_user_rec *rec)
{
	if (rec->role == ND_ROLE_ADMIN && !rec->disabled)
		(*(int64_t *)ctx)++;
	return 0;
}

/*
 * Whether actor may take user a's role to role (remove: take it away
 * altogether), inside the caller's transaction: 0, ND_EBUSY with *why, or
 * the store's error.
 */
static int may_change(struct nd_store *s, int64_t actor, const struct nd_account *a,
                      enum nd_role role, bool remove, const char **why)
{
	int64_t admins = 0;
	int rc;

	if (a->id == actor && (remove || role != a->role)) {
		*why = remove ? "You cannot remove your own account: another admin must do it."
		              : "You cannot change your own role: another admin must do it.";
		return ND_EBUSY;
	}
	if (a->role != ND_ROLE_ADMIN || a->disabled || (!remove && role == ND_ROLE_ADMIN))
		return 0;
	if ((rc = nd_store_each_user(s, count_admins, &admins)) != 0)
		return rc;
	if (admins <= 1) {
		*why = remove ? "This is the last admin, who cannot be removed: make another "
		                "user an admin first."
		              : "This is the last admin, who must stay one: make another user "
		                "an admin first.";
		return ND_EBUSY;
	}
	return 0;
}

/* Changes (remove false) or removes user id for actor, in one transaction. */
static int change(struct nd_store *s, int64_t actor, int64_t id, enum nd_role role, bool remove,
                  const char **why)
{
	struct nd_account a;
	int rc;

	*why = NULL;
	if (!remove && !nd_role_name(role))
		return nd_error(ND_EINVAL, "unknown role %d", (int)role);
	/* begin takes the write lock: the admins counted stay the admins. */
	if ((rc = nd_store_begin(s)) != 0)
		return rc;
	if ((rc = nd_account_get_id(s, id, &a)) != 0 ||
	    (rc = may_change(s, actor, &a, role, remove, why)) != 0)
		goto out;
	if (remove)
		rc = nd_store_user_remove(s, a.login);
	else if (role != a.role)
		rc = nd_store_user_set_role(s, id, role);
out:
	if (rc) {
		nd_store_rollback(s);
		return rc;
	}
	return nd_store_commit(s);
}

int nd_account_set_role(struct nd_store *s, int64_t actor, int64_t id, enum nd_role role,
                        const char **why)
{
	return change(s, actor, id, role, false, why);
}

int nd_account_remove(struct nd_store *s, int64_t actor, int64_t id, const char **why)
{
	return change(s, actor, id, ND_ROLE_AUTHOR, true, why);
}
