/* Tests for src/webhook/webhook.c: the signature, and a sender with no webhooks. */
#include "helpers/cmocka.h"

#include <string.h>

#include "webhook/webhook.h"

static void test_sign(void **state)
{
	char sig[ND_WEBHOOK_SIG_LEN];
	const char *msg = "The quick brown fox jumps over the lazy dog";

	(void)state;
	/* The well-known HMAC-SHA256 example (key "key"). */
	nd_webhook_sign("key", msg, strlen(msg), sig);
	assert_string_equal(
	    sig, "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	nd_webhook_sign("key", "", 0, sig);
	assert_string_equal(
	    sig, "sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
}

static void test_none_configured(void **state)
{
	struct nd_config c;
	struct nd_webhooks *w = (struct nd_webhooks *)&c;

	(void)state;
	nd_config_init(&c);
	assert_int_equal(nd_webhooks_start(&c, &w), 0);
	assert_null(w);
	nd_webhooks_emit(w, ND_WEBHOOK_PUBLISH, "a", "{}"); /* no-op */
	nd_webhooks_stop(w);
	nd_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign),
	    cmocka_unit_test(test_none_configured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
