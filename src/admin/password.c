/* Argon2id password hashes (libsodium crypto_pwhash_str). */
#include "admin/password.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"

_Static_assert(ND_PASSWORD_HASH_SIZE >= crypto_pwhash_STRBYTES, "hash buffer too small");

int nd_crypto_init(void)
{
	/* sodium_init is thread-safe and returns 1 once already done. */
	if (sodium_init() < 0)
		return nd_error(ND_EIO, "cannot start libsodium (no random source?)");
	return 0;
}

static void warn_fast(void)
{
	nd_log(ND_LOG_WARN, "ND_TEST_FAST_HASH=1: passwords are hashed with the MIN argon2id "
	                    "limits, for tests only; unset it on a real site");
}

/* The limits in use: INTERACTIVE, or MIN under ND_TEST_FAST_HASH=1. */
static void limits(unsigned long long *ops, size_t *mem)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *fast = getenv("ND_TEST_FAST_HASH");

	if (fast && !strcmp(fast, "1")) {
		pthread_once(&once, warn_fast);
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
		return;
	}
	*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

int nd_password_check(const char *pw, size_t len, const char **why)
{
	const char *msg = NULL;
	bool blank = true;

	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", pw[i]))
			blank = false;
	if (len < ND_PASSWORD_MIN)
		msg = "the password is too short: at least 10 characters";
	else if (len > ND_PASSWORD_MAX)
		msg = "the password is too long: at most 1024 bytes";
	else if (memchr(pw, '\0', len) || !nd_utf8_valid(pw, len, NULL))
		msg = "the password is not valid UTF-8 text";
	else if (blank)
		msg = "the password is only white space";
	if (why)
		*why = msg;
	return msg ? ND_EINVAL : 0;
}

int nd_password_hash(const char *pw, size_t len, char out[ND_PASSWORD_HASH_SIZE])
{
	unsigned long long ops;
	size_t mem;
	int rc;

	if (len > ND_PASSWORD_MAX)
		return ND_EINVAL;
	if ((rc = nd_crypto_init()) != 0)
		return rc;
	limits(&ops, &mem);
	if (crypto_pwhash_str(out, pw, len, ops, mem) != 0)
		return nd_error(ND_EIO, "cannot hash a password: out of memory");
	return 0;
}

bool nd_password_verify(const char *hash, const char *pw, size_t len)
{
	if (!hash || len > ND_PASSWORD_MAX || nd_crypto_init())
		return false;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

bool nd_password_needs_rehash(const char *hash)
{
	unsigned long long ops;
	size_t mem;

	limits(&ops, &mem);
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}
