#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter/visitor.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void keys_from(struct nd_visitor_keys *k, uint8_t cookie_seed, uint8_t salt_seed)
{
	uint8_t ck[ND_VISITOR_KEY_LEN], sk[ND_VISITOR_KEY_LEN];

	for (int i = 0; i < ND_VISITOR_KEY_LEN; i++) {
		ck[i] = (uint8_t)(cookie_seed + i);
		sk[i] = (uint8_t)(salt_seed + 7 * i);
	}
	nd_visitor_keys_init(k, ck, sk);
}

static bool verify(const struct nd_visitor_keys *k, const char *s, size_t len)
{
	struct nd_visitor v;

	memset(&v, 0xAA, sizeof(v));
	if (nd_visitor_from_cookie(k, s, len, &v))
		return true;
	/* A rejected cookie leaves the output alone. */
	for (size_t i = 0; i < sizeof(v.id); i++)
		assert_int_equal(v.id[i], 0xAA);
	assert_int_equal(v.kind, 0xAA);
	return false;
}

static void test_cookie_round_trip(void **state)
{
	struct nd_visitor_keys k;
	struct nd_visitor a, b;
	char cookie[ND_VISITOR_COOKIE_MAX];

	keys_from(&k, 1, 2);
	for (int i = 0; i < 100; i++) {
		memset(cookie, 'x', sizeof(cookie));
		nd_visitor_mint(&k, &a, cookie);
		assert_int_equal(a.kind, ND_VISITOR_COOKIE);
		assert_int_equal(strlen(cookie), ND_VISITOR_COOKIE_LEN);
		assert_memory_equal(cookie, "1.", 2);
		assert_int_equal(cookie[24], '.');
		assert_int_equal(strspn(cookie + 2, b64url), 22);
		assert_int_equal(strspn(cookie + 25, b64url), 43);
		memset(&b, 0, sizeof(b));
		assert_true(nd_visitor_from_cookie(&k, cookie, strlen(cookie), &b));
		assert_int_equal(b.kind, ND_VISITOR_COOKIE);
		assert_memory_equal(a.id, b.id, sizeof(a.id));
	}
	/* No NUL needed: the value may sit inside a Cookie header. */
	char header[200];
	snprintf(header, sizeof(header), "nd_v=%s; theme=dark", cookie);
	assert_true(nd_visitor_from_cookie(&k, header + 5, ND_VISITOR_COOKIE_LEN, &b));
	assert_memory_equal(a.id, b.id, sizeof(a.id));
	nd_visitor_keys_release(&k);
}

/* Every single-character change anywhere in a valid cookie is refused:
 * the version, both dots, every id and tag character, including the ones
 * that differ only in the unused low bits of the last character, and
 * bytes above 0x7f (which libsodium 1.0.18 decodes as base64url). */
static void test_cookie_every_character_change_rejected(void **state)
{
	static const char junk[] = "+/=. \t\"%\x80\x9f\xc3\xdf\xff";
	struct nd_visitor_keys k;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX], bad[ND_VISITOR_COOKIE_MAX];
	int tried = 0;

	keys_from(&k, 1, 2);
	nd_visitor_mint(&k, &v, cookie);
	for (size_t i = 0; i < ND_VISITOR_COOKIE_LEN; i++) {
		const char *sets[] = {b64url, junk, "0123456789."};
		for (size_t s = 0; s < 3; s++) {
			for (const char *c = sets[s]; *c; c++) {
				if (*c == cookie[i])
					continue;
				memcpy(bad, cookie, sizeof(bad));
				bad[i] = *c;
				assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
				tried++;
			}
		}
	}
	assert_true(tried > 68 * 70);
	assert_true(verify(&k, cookie, ND_VISITOR_COOKIE_LEN));
}

static void b64(char *out, const uint8_t *bin, size_t len)
{
	/* Unpadded base64url, written independently of libsodium. */
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | bin[i];
		bits += 8;
		while (bits >= 6) {
			*out++ = b64url[(acc >> (bits - 6)) & 63];
			bits -= 6;
		}
	}
	if (bits)
		*out++ = b64url[(acc << (6 - bits)) & 63];
	*out = '\0';
}

static void test_cookie_flipped_bits_rejected(void **state)
{
	struct nd_visitor_keys k;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX], bad[ND_VISITOR_COOKIE_MAX + 8], enc[64];
	uint8_t id[16];

	keys_from(&k, 1, 2);
	nd_visitor_mint(&k, &v, cookie);
	/* My encoder agrees with the minted id. */
	b64(enc, v.id, 16);
	assert_memory_equal(enc, cookie + 2, 22);
	/* Each bit of the id, re-encoded canonically, with the old tag. */
	for (int bit = 0; bit < 128; bit++) {
		memcpy(id, v.id, 16);
		id[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		memcpy(bad, cookie, sizeof(cookie));
		b64(enc, id, 16);
		memcpy(bad + 2, enc, 22);
		assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
	}
	/* Each bit of the tag: decode my way is not needed; flipping the
	 * encoded characters' bits covers every tag bit at least once. */
	for (int pos = 25; pos < ND_VISITOR_COOKIE_LEN; pos++) {
		for (int bit = 0; bit < 6; bit++) {
			const char *at = strchr(b64url, cookie[pos]);
			memcpy(bad, cookie, sizeof(cookie));
			bad[pos] = b64url[(at - b64url) ^ (1 << bit)];
			assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
		}
	}
}

static void test_cookie_shape_rejected(void **state)
{
	struct nd_visitor_keys k;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX], bad[ND_VISITOR_COOKIE_MAX + 8];

	keys_from(&k, 1, 2);
	nd_visitor_mint(&k, &v, cookie);

	/* Length: empty, NULL, truncated anywhere, one more character. */
	assert_false(verify(&k, NULL, 0));
	assert_false(verify(&k, "", 0));
	for (size_t len = 1; len < ND_VISITOR_COOKIE_LEN; len++)
		assert_false(verify(&k, cookie, len));
	memcpy(bad, cookie, sizeof(cookie));
	bad[ND_VISITOR_COOKIE_LEN] = 'A';
	bad[ND_VISITOR_COOKIE_LEN + 1] = '\0';
	assert_false(verify(&k, bad, strlen(bad)));
	bad[ND_VISITOR_COOKIE_LEN] = '=';
	assert_false(verify(&k, bad, strlen(bad)));

	/* Version: the same id and tag under another version. */
	memcpy(bad, cookie, sizeof(cookie));
	bad[0] = '2';
	assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
	bad[0] = '0';
	assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));

	/* Tag moved in front of the id, both halves swapped, padding. */
	snprintf(bad, sizeof(bad), "1.%.43s.%.22s", cookie + 25, cookie + 2);
	assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
	snprintf(bad, sizeof(bad), "1.%.22s==.%.43s", cookie + 2, cookie + 25);
	assert_false(verify(&k, bad, strlen(bad)));

	/* Standard base64 instead of base64url. */
	memcpy(bad, cookie, sizeof(cookie));
	for (char *c = bad; *c; c++) {
		if (*c == '-')
			*c = '+';
		else if (*c == '_')
			*c = '/';
	}
	if (strcmp(bad, cookie))
		assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));

	/* A NUL inside. */
	memcpy(bad, cookie, sizeof(cookie));
	bad[30] = '\0';
	assert_false(verify(&k, bad, ND_VISITOR_COOKIE_LEN));
	assert_true(verify(&k, cookie, ND_VISITOR_COOKIE_LEN));
}

static void test_cookie_other_keys_rejected(void **state)
{
	struct nd_visitor_keys k, other, same_cookie_key;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX];

	keys_from(&k, 1, 2);
	keys_from(&other, 3, 2);
	keys_from(&same_cookie_key, 1, 9);
	for (int i = 0; i < 20; i++) {
		nd_visitor_mint(&k, &v, cookie);
		assert_false(verify(&other, cookie, ND_VISITOR_COOKIE_LEN));
		/* The salt key plays no part in cookies. */
		assert_true(verify(&same_cookie_key, cookie, ND_VISITOR_COOKIE_LEN));
		nd_visitor_mint(&other, &v, cookie);
		assert_false(verify(&k, cookie, ND_VISITOR_COOKIE_LEN));
	}
	/* Released keys are wiped. */
	nd_visitor_keys_release(&other);
	const uint8_t *p = (const uint8_t *)&other;
	for (size_t i = 0; i < sizeof(other); i++)
		assert_int_equal(p[i], 0);
}

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, ND_VISITOR_ID_LEN);
}

#define MINTS 100000

static void test_minted_ids_distinct(void **state)
{
	struct nd_visitor_keys k;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX];
	uint8_t(*ids)[ND_VISITOR_ID_LEN] = malloc(MINTS * sizeof(*ids));
	long ones = 0;

	keys_from(&k, 1, 2);
	for (int i = 0; i < MINTS; i++) {
		nd_visitor_mint(&k, &v, cookie);
		memcpy(ids[i], v.id, ND_VISITOR_ID_LEN);
		for (int j = 0; j < ND_VISITOR_ID_LEN; j++)
			ones += __builtin_popcount(v.id[j]);
		if (i % 997 == 0)
			assert_true(verify(&k, cookie, ND_VISITOR_COOKIE_LEN));
	}
	qsort(ids, MINTS, sizeof(*ids), cmp_id);
	for (int i = 1; i < MINTS; i++)
		assert_true(memcmp(ids[i - 1], ids[i], ND_VISITOR_ID_LEN) != 0);
	/* Looks random: half the 12.8 M bits set, within 0.1 %. */
	long bits = (long)MINTS * ND_VISITOR_ID_LEN * 8;
	assert_true(ones > bits / 2 - bits / 2000 && ones < bits / 2 + bits / 2000);
	free(ids);
}

/* Each thread seeds its own stream: two threads never mint the same ids. */
#define THREAD_MINTS 5000
static struct nd_visitor_keys shared_keys;

static void *mint_many(void *arg)
{
	uint8_t(*ids)[ND_VISITOR_ID_LEN] = arg;
	struct nd_visitor v;
	char cookie[ND_VISITOR_COOKIE_MAX];

	for (int i = 0; i < THREAD_MINTS; i++) {
		nd_visitor_mint(&shared_keys, &v, cookie);
		memcpy(ids[i], v.id, ND_VISITOR_ID_LEN);
	}
	return NULL;
}

static void test_minted_ids_distinct_across_threads(void **state)
{
	uint8_t(*ids)[ND_VISITOR_ID_LEN] = malloc(4 * THREAD_MINTS * sizeof(*ids));
	pthread_t t[4];

	keys_from(&shared_keys, 1, 2);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, mint_many, ids + i * THREAD_MINTS);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	qsort(ids, 4 * THREAD_MINTS, sizeof(*ids), cmp_id);
	for (int i = 1; i < 4 * THREAD_MINTS; i++)
		assert_true(memcmp(ids[i - 1], ids[i], ND_VISITOR_ID_LEN) != 0);
	free(ids);
}

#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define CHROME                                                                                     \
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "        \
	"Chrome/126.0.0.0 Safari/537.36"

static struct nd_visitor fb(const struct nd_visitor_keys *k, const void *addr, size_t addr_len,
                            const char *ua, int64_t day)
{
	struct nd_visitor v;

	memset(&v, 0, sizeof(v));
	nd_visitor_fallback(k, addr, addr_len, ua, ua ? strlen(ua) : 0, day, &v);
	assert_int_equal(v.kind, ND_VISITOR_HASH);
	return v;
}

static bool same(struct nd_visitor a, struct nd_visitor b)
{
	return a.kind == b.kind && !memcmp(a.id, b.id, sizeof(a.id));
}

static void test_fallback(void **state)
{
	static const uint8_t v4a[4] = {192, 0, 2, 10}, v4b[4] = {192, 0, 2, 11};
	static const uint8_t mapped_a[16] = {0, 0, 0,    0,    0,   0, 0, 0,
	                                     0, 0, 0xff, 0xff, 192, 0, 2, 10};
	static const uint8_t mapped_b[16] = {0, 0, 0,    0,    0,   0, 0, 0,
	                                     0, 0, 0xff, 0xff, 192, 0, 2, 11};
	/* 2001:db8:1:2::1, 2001:db8:1:2:a:b:c:d (same /64), 2001:db8:1:3::1. */
	static const uint8_t v6a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
	static const uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1,    0, 2,
	                                0,    0x0a, 0,    0x0b, 0, 0x0c, 0, 0x0d};
	static const uint8_t v6c[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1};
	const int64_t day = 19800; /* 2024-03-18 */
	struct nd_visitor_keys k, other_salt, other_cookie;

	keys_from(&k, 1, 2);
	keys_from(&other_salt, 1, 3);
	keys_from(&other_cookie, 4, 2);

	struct nd_visitor a = fb(&k, v4a, 4, FIREFOX, day);
	/* Stable within the day, whatever else happens. */
	assert_true(same(a, fb(&k, v4a, 4, FIREFOX, day)));
	assert_true(same(a, fb(&other_cookie, v4a, 4, FIREFOX, day)));
	/* Different next day, previous day, under another salt key. */
	assert_false(same(a, fb(&k, v4a, 4, FIREFOX, day + 1)));
	assert_false(same(a, fb(&k, v4a, 4, FIREFOX, day - 1)));
	assert_false(same(fb(&k, v4a, 4, FIREFOX, day + 1), fb(&k, v4a, 4, FIREFOX, day + 2)));
	assert_false(same(a, fb(&other_salt, v4a, 4, FIREFOX, day)));
	/* Different User-Agent, different (neighbouring) IPv4 address. */
	assert_false(same(a, fb(&k, v4a, 4, CHROME, day)));
	assert_false(same(a, fb(&k, v4a, 4, NULL, day)));
	assert_false(same(a, fb(&k, v4a, 4, FIREFOX " ", day)));
	assert_false(same(a, fb(&k, v4b, 4, FIREFOX, day)));
	/* An IPv4-mapped IPv6 address is its IPv4 address, all 32 bits. */
	assert_true(same(a, fb(&k, mapped_a, 16, FIREFOX, day)));
	assert_false(same(a, fb(&k, mapped_b, 16, FIREFOX, day)));
	/* IPv6 counts by /64. */
	struct nd_visitor six = fb(&k, v6a, 16, FIREFOX, day);
	assert_true(same(six, fb(&k, v6b, 16, FIREFOX, day)));
	assert_false(same(six, fb(&k, v6c, 16, FIREFOX, day)));
	assert_false(same(six, fb(&k, v6a, 16, CHROME, day)));
	assert_false(same(six, fb(&k, v6a, 16, FIREFOX, day + 1)));
	assert_false(same(six, a));
	/* No address at all is one address, not a crash. */
	assert_true(same(fb(&k, NULL, 0, FIREFOX, day), fb(&k, "", 0, FIREFOX, day)));
	assert_false(same(fb(&k, NULL, 0, FIREFOX, day), a));
	/* Keys made again in the same place with another salt key give other
	 * ids (the per-thread salt of the day is not reused across keys). */
	struct nd_visitor before = fb(&other_salt, v4a, 4, FIREFOX, day);
	keys_from(&other_salt, 1, 2);
	assert_true(same(a, fb(&other_salt, v4a, 4, FIREFOX, day)));
	keys_from(&other_salt, 1, 3);
	assert_true(same(before, fb(&other_salt, v4a, 4, FIREFOX, day)));
	/* Days far apart, and before 1970, are days like any other. */
	assert_false(same(fb(&k, v4a, 4, FIREFOX, -1), fb(&k, v4a, 4, FIREFOX, 0)));
	assert_false(same(fb(&k, v4a, 4, FIREFOX, day), fb(&k, v4a, 4, FIREFOX, day + (1 << 20))));
	/* The UA is taken by length, not up to a NUL. */
	struct nd_visitor cut;
	nd_visitor_fallback(&k, v4a, 4, FIREFOX "garbage", strlen(FIREFOX), day, &cut);
	assert_true(same(a, cut));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cookie_round_trip),
	    cmocka_unit_test(test_cookie_every_character_change_rejected),
	    cmocka_unit_test(test_cookie_flipped_bits_rejected),
	    cmocka_unit_test(test_cookie_shape_rejected),
	    cmocka_unit_test(test_cookie_other_keys_rejected),
	    cmocka_unit_test(test_minted_ids_distinct),
	    cmocka_unit_test(test_minted_ids_distinct_across_threads),
	    cmocka_unit_test(test_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
