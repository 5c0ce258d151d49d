/* Tests for src/handler/parts.c: a cached page cut at its holes, answered
 * in pieces, identity, gzip and brotli, with exact validators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/hash.h"
#include "encode/brotli.h"
#include "encode/gzip.h"
#include "handler/holes.h"
#include "handler/parts.h"

#define NONCE 0x0123456789abcdefull

static uint64_t shown_views = 53246; /* what the views hole shows now */
static unsigned personal;            /* changes the personal list */

static uint64_t views(void *ctx, uint32_t id)
{
	(void)ctx;
	return shown_views + id;
}

static uint64_t reaction(void *ctx, uint32_t id, size_t type)
{
	(void)ctx;
	return id * 10 + type;
}

static void frag(void *ctx, char kind, uint32_t id, uint32_t sub, struct nd_buf *out)
{
	(void)ctx;
	(void)sub;
	nd_buf_addf(out, "<ol data-%c=\"%u\">", kind, id);
	for (unsigned i = 0; i < 20; i++)
		nd_buf_addf(out, "<li><a href=\"/news/story-%u\">Story %u</a></li>", personal + i,
		            personal * 7 + i);
	nd_buf_adds(out, "</ol>");
}

static const char *const types[] = {"verygood", "sad"};
static const struct nd_hole_values values = {views, reaction, 2, types, NULL, frag, NULL};

/* An article page with its holes (markers of nonce), about 12 KB. */
static void page_with(struct nd_buf *b, uint64_t nonce)
{
	char m[ND_HOLE_MAX];

	nd_buf_adds(b, "<!doctype html><html><head><title>A story</title></head><body>");
	nd_buf_adds(b, "<h1>Peter Capaldi revealed as 12th Doctor</h1><p class=\"meta\">");
	nd_hole_marker(nonce, ND_HOLE_VIEWS, 7, 0, m);
	nd_buf_addf(b, "<span class=\"views\">%s views</span></p>", m);
	for (int i = 0; i < 60; i++)
		nd_buf_addf(b, "<p>Paragraph %d of the body, about the new Doctor and the BBC.</p>",
		            i);
	nd_hole_marker(nonce, ND_HOLE_REACTION, 7, 0, m);
	nd_buf_addf(b, "<button>veryGood! (<span class=\"count\">%s</span>)</button>", m);
	nd_hole_marker(nonce, ND_HOLE_REACTION, 7, 1, m);
	nd_buf_addf(b, "<button>sad (<span class=\"count\">%s</span>)</button>", m);
	nd_hole_marker(nonce, ND_HOLE_PERSONAL, 7, 0, m);
	nd_buf_addf(b, "<aside>%s</aside>", m);
	nd_buf_adds(b, "<footer>The end.</footer></body></html>");
}

static void page(struct nd_buf *b)
{
	page_with(b, NONCE);
}

/* The answer's body, gathered from its pieces. */
static void gather(const struct nd_http_response *res, struct nd_buf *out)
{
	for (size_t i = 0; i < res->iov_count; i++)
		nd_buf_add(out, res->iov[i].base, res->iov[i].len);
}

static const char *header(const struct nd_http_response *res, const char *name)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, name))
			return res->headers[i].value;
	return NULL;
}

struct got {
	int status;
	struct nd_buf body; /* decoded */
	size_t wire;        /* bytes sent */
	size_t pieces;      /* how many */
	char etag[64], coding[8], vary[64];
};

static void ask(struct nd_parts *p, const char *ae, const char *inm, struct got *g)
{
	struct nd_arena *arena = nd_arena_new(4096);
	struct nd_parts_request q = {ae, inm, "Cookie", arena};
	struct nd_http_response res;
	struct nd_buf raw = ND_BUF_INIT;
	const char *ce;

	memset(&res, 0, sizeof(res));
	memset(g, 0, sizeof(*g));
	nd_buf_init(&g->body, 0);
	g->status = nd_parts_answer(p, &values, &q, &res);
	snprintf(g->etag, sizeof(g->etag), "%s", header(&res, "ETag"));
	snprintf(g->vary, sizeof(g->vary), "%s", header(&res, "Vary"));
	ce = header(&res, "Content-Encoding");
	snprintf(g->coding, sizeof(g->coding), "%s", ce ? ce : "");
	gather(&res, &raw);
	g->wire = raw.len;
	g->pieces = res.iov_count;
	if (!strcmp(g->coding, "gzip"))
		assert_int_equal(nd_gunzip(raw.buf, raw.len, &g->body), 0);
	else if (!strcmp(g->coding, "br"))
		assert_int_equal(nd_unbrotli(raw.buf, raw.len, &g->body), 0);
	else
		nd_buf_add(&g->body, raw.buf, raw.len);
	if (res.release) /* what the server does once it is sent */
		res.release(res.release_arg);
	nd_buf_release(&raw);
	nd_arena_free(arena);
}

/* The page as nd_holes_fill makes it from the markers. */
static void filled(struct nd_buf *out)
{
	page(out);
	nd_holes_fill(out, NONCE, &values, false);
}

static void test_identity_is_the_filled_page(void **state)
{
	struct nd_buf src = ND_BUF_INIT, want = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g;

	(void)state;
	page(&src);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	assert_int_equal(nd_parts_holes(p), 4);
	filled(&want);
	ask(p, NULL, NULL, &g);
	assert_int_equal(g.status, 200);
	assert_string_equal(g.coding, "");
	assert_string_equal(g.vary, "Accept-Encoding, Cookie");
	assert_int_equal(g.body.len, want.len);
	assert_memory_equal(g.body.buf, want.buf, want.len);
	assert_non_null(strstr(g.body.buf, "53,253 views"));
	nd_buf_release(&g.body);
	nd_parts_unref(p);
	nd_buf_release(&src);
	nd_buf_release(&want);
}

static void test_gzip_pieces(void **state)
{
	struct nd_buf src = ND_BUF_INIT, want = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g, id;

	(void)state;
	page(&src);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	for (unsigned round = 0; round < 5; round++) {
		personal = round * 13;
		shown_views = 53246 + round * round * 1000;
		nd_buf_reset(&want);
		filled(&want);
		ask(p, "gzip, deflate", NULL, &g);
		assert_int_equal(g.status, 200);
		assert_string_equal(g.coding, "gzip");
		assert_int_equal(g.body.len, want.len);
		assert_memory_equal(g.body.buf, want.buf, want.len);
		assert_true(g.wire < want.len / 3);
		/* One representation per coding: the same values, another tag. */
		ask(p, NULL, NULL, &id);
		assert_int_equal(strlen(g.etag), strlen(id.etag) + 3);
		assert_memory_equal(g.etag, id.etag, strlen(id.etag) - 1);
		assert_string_equal(g.etag + strlen(g.etag) - 4, "-gz\"");
		nd_buf_release(&g.body);
		nd_buf_release(&id.body);
	}
	nd_parts_unref(p);
	nd_buf_release(&src);
	nd_buf_release(&want);
	personal = 0;
	shown_views = 53246;
}

static void test_brotli_once_values_repeat(void **state)
{
	struct nd_buf src = ND_BUF_INIT, want = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g;

	(void)state;
	page(&src);
	filled(&want);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	/* First sight of these values: not worth a brotli yet; gzip instead. */
	ask(p, "gzip, br", NULL, &g);
	assert_string_equal(g.coding, "gzip");
	nd_buf_release(&g.body);
	/* Again: now the whole answer is made once and kept. */
	for (int i = 0; i < 3; i++) {
		ask(p, "gzip, br", NULL, &g);
		assert_string_equal(g.coding, "br");
		assert_int_equal(g.body.len, want.len);
		assert_memory_equal(g.body.buf, want.buf, want.len);
		assert_string_equal(g.etag + strlen(g.etag) - 4, "-br\"");
		nd_buf_release(&g.body);
	}
	/* A count changes: the kept brotli is not served for it. */
	shown_views++;
	ask(p, "gzip, br", NULL, &g);
	assert_string_equal(g.coding, "gzip");
	assert_non_null(strstr(g.body.buf, "53,254 views"));
	nd_buf_release(&g.body);
	shown_views--;
	nd_parts_unref(p);
	nd_buf_release(&src);
	nd_buf_release(&want);
}

/* The same values twice: the answer is kept whole per coding and sent as
 * one piece from then on; new values go back to pieces. */
static void test_whole_when_values_repeat(void **state)
{
	struct nd_buf src = ND_BUF_INIT, want = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g;

	(void)state;
	page(&src);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	for (int coding = 0; coding < 2; coding++) {
		const char *ae = coding ? "gzip" : NULL;

		personal = 40 + (unsigned)coding;
		nd_buf_reset(&want);
		filled(&want);
		for (int i = 0; i < 4; i++) {
			ask(p, ae, NULL, &g);
			/* The second ask sees the repeat and keeps its answer. */
			if (i < 2)
				assert_true(g.pieces > 1);
			else
				assert_int_equal(g.pieces, 1);
			assert_int_equal(g.body.len, want.len);
			assert_memory_equal(g.body.buf, want.buf, want.len);
			nd_buf_release(&g.body);
		}
		personal = 50; /* other values: pieces again, the right page */
		nd_buf_reset(&want);
		filled(&want);
		ask(p, ae, NULL, &g);
		assert_true(g.pieces > 1);
		assert_int_equal(g.body.len, want.len);
		assert_memory_equal(g.body.buf, want.buf, want.len);
		nd_buf_release(&g.body);
	}
	personal = 0;
	nd_parts_unref(p);
	nd_buf_release(&src);
	nd_buf_release(&want);
}

static void test_etag_follows_values(void **state)
{
	struct nd_buf src = ND_BUF_INIT;
	struct nd_parts *p;
	struct got a, b, c, nm;

	(void)state;
	page(&src);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	ask(p, NULL, NULL, &a);
	ask(p, NULL, NULL, &b);
	assert_string_equal(a.etag, b.etag);
	personal = 1; /* the personal list changes: so does the tag */
	ask(p, NULL, NULL, &c);
	assert_string_not_equal(a.etag, c.etag);
	/* The client's copy is current: 304, nothing sent. */
	ask(p, NULL, c.etag, &nm);
	assert_int_equal(nm.status, 304);
	assert_int_equal(nm.wire, 0);
	/* An old tag, or the identity tag asked for in gzip: 200. */
	nd_buf_release(&nm.body);
	ask(p, NULL, a.etag, &nm);
	assert_int_equal(nm.status, 200);
	nd_buf_release(&nm.body);
	ask(p, "gzip", c.etag, &nm);
	assert_int_equal(nm.status, 200);
	personal = 0;
	nd_buf_release(&a.body);
	nd_buf_release(&b.body);
	nd_buf_release(&c.body);
	nd_buf_release(&nm.body);
	nd_parts_unref(p);
	nd_buf_release(&src);
}

/* The same page cut again (a new snapshot, another process: another
 * nonce) has the same ETag, whatever the heap held before: only the text
 * and the holes' names are hashed. */
static void test_etag_stable_across_cuts(void **state)
{
	struct nd_buf src = ND_BUF_INIT, other = ND_BUF_INIT;
	struct nd_parts *p;
	struct got a, b;

	(void)state;
	page(&src);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	ask(p, NULL, NULL, &a);
	nd_parts_unref(p);
	for (int i = 0; i < 64; i++) { /* other bytes where the next cut allocates */
		unsigned char *junk = malloc(48 + (size_t)i);

		memset(junk, 0xa5 + i, 48 + (size_t)i);
		free(junk);
	}
	page_with(&other, NONCE ^ 0xffff);
	p = nd_parts_new(other.buf, other.len, NONCE ^ 0xffff, false, true);
	ask(p, NULL, NULL, &b);
	assert_string_equal(a.etag, b.etag);
	nd_buf_release(&a.body);
	nd_buf_release(&b.body);
	nd_parts_unref(p);
	nd_buf_release(&src);
	nd_buf_release(&other);
}

static void test_no_holes_and_not_compressible(void **state)
{
	const char *css = "body{margin:0}";
	struct nd_buf big = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g;
	char want_etag[32];

	(void)state;
	/* Small: sent as it is, whatever the client accepts. */
	p = nd_parts_new(css, strlen(css), NONCE, false, true);
	ask(p, "gzip, br", NULL, &g);
	assert_string_equal(g.coding, "");
	assert_string_equal(g.body.buf, css);
	nd_buf_release(&g.body);
	nd_parts_unref(p);
	/* Not compressible (an image): no Vary on Accept-Encoding. */
	for (int i = 0; i < 2000; i++)
		nd_buf_adds(&big, "GIF89a");
	p = nd_parts_new(big.buf, big.len, NONCE, false, false);
	ask(p, "gzip", NULL, &g);
	assert_string_equal(g.coding, "");
	assert_string_equal(g.vary, "Cookie");
	nd_buf_release(&g.body);
	nd_parts_unref(p);
	/* No holes: the ETag is the text's hash, brotli from the first ask. */
	p = nd_parts_new(big.buf, big.len, NONCE, false, true);
	ask(p, "br", NULL, &g);
	assert_string_equal(g.coding, "br");
	assert_int_equal(g.body.len, big.len);
	snprintf(want_etag, sizeof(want_etag), "\"%016llx-br\"",
	         (unsigned long long)nd_hash(big.buf, big.len));
	assert_string_equal(g.etag, want_etag);
	nd_buf_release(&g.body);
	nd_parts_unref(p);
	nd_buf_release(&big);
}

static void test_json_holes(void **state)
{
	char m[ND_HOLE_MAX];
	struct nd_buf src = ND_BUF_INIT;
	struct nd_parts *p;
	struct got g;

	(void)state;
	nd_hole_marker(NONCE, ND_HOLE_VIEWS, 1, 0, m);
	nd_buf_addf(&src, "{\"id\":1,\"views\":\"%s\",\"title\":\"x\"}", m);
	p = nd_parts_new(src.buf, src.len, NONCE, true, true);
	ask(p, NULL, NULL, &g);
	assert_string_equal(g.body.buf, "{\"id\":1,\"views\":53247,\"title\":\"x\"}");
	nd_buf_release(&g.body);
	nd_parts_unref(p);
	nd_buf_release(&src);
}

/* The parts outlive their cache: an answer holds its own reference. */
static void test_answer_outlives_cache_reference(void **state)
{
	struct nd_buf src = ND_BUF_INIT, body = ND_BUF_INIT, want = ND_BUF_INIT;
	struct nd_arena *arena = nd_arena_new(4096);
	struct nd_parts_request q = {"gzip", NULL, NULL, arena};
	struct nd_http_response res;
	struct nd_parts *p;

	(void)state;
	page(&src);
	filled(&want);
	p = nd_parts_new(src.buf, src.len, NONCE, false, true);
	memset(&res, 0, sizeof(res));
	assert_int_equal(nd_parts_answer(p, &values, &q, &res), 200);
	nd_parts_unref(p); /* the cache is gone (ASan would see a use after free) */
	gather(&res, &body);
	res.release(res.release_arg);
	nd_buf_reset(&src);
	assert_int_equal(nd_gunzip(body.buf, body.len, &src), 0);
	assert_int_equal(src.len, want.len);
	nd_buf_release(&src);
	nd_buf_release(&body);
	nd_buf_release(&want);
	nd_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity_is_the_filled_page),
	    cmocka_unit_test(test_gzip_pieces),
	    cmocka_unit_test(test_brotli_once_values_repeat),
	    cmocka_unit_test(test_whole_when_values_repeat),
	    cmocka_unit_test(test_etag_follows_values),
	    cmocka_unit_test(test_etag_stable_across_cuts),
	    cmocka_unit_test(test_no_holes_and_not_compressible),
	    cmocka_unit_test(test_json_holes),
	    cmocka_unit_test(test_answer_outlives_cache_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
