/*
 * libFuzzer target: the cookie values a reader sends back, as the
 * handlers check them (libmicrohttpd splits the Cookie header; these are
 * our parsers of the values): the visitor cookie (counter/visitor.h), the
 * session token (admin/session.h) and the login form's CSRF token
 * (admin/csrf.h). Fixed keys: a forged value must never pass.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "admin/csrf.h"
#include "admin/session.h"
#include "counter/visitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_visitor_keys keys;
	static int ready;
	static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct nd_visitor v;
	uint8_t id[ND_STORE_SESSION_ID_LEN];
	char *s;

	if (!ready) {
		nd_visitor_keys_init(&keys, key, key);
		ready = 1;
	}
	nd_visitor_from_cookie(&keys, (const char *)data, size, &v);

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nd_session_id(s, id);
	nd_csrf_verify(key, "form", 4, s);
	free(s);
	return 0;
}
