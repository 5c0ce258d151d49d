/*
 * Tests for src/ingest/jsonl.c: validating one JSON Lines record, and the
 * import loop against a real SQLite store in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "ingest/jsonl.h"
#include "helpers/temp_db.h"
#include "store/store.h"

#define DATA_DIR ND_SOURCE_DIR "/tests/data/import"

/* ---- validating one line ------------------------------------------------ */

/* Parses line and expects success; the arena keeps what *out borrows. */
static void parse_ok(struct nd_arena *a, const char *line, struct nd_article_in *out)
{
	struct nd_buf why = ND_BUF_INIT;
	int rc = nd_jsonl_parse_line(line, strlen(line), a, out, &why);

	if (rc != 0)
		fail_msg("'%s' refused: %s", line, why.buf);
	assert_int_equal(why.len, 0);
	nd_buf_release(&why);
}

static void test_parse_all_fields(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_article_in art;

	parse_ok(a,
	         "{\"id\": \"a-1\", \"title\": \"Café crème\", \"body\": \"# Hi\\n\\n*x*\", "
	         "\"summary\": \"S\", \"section\": \"World/Europe\", \"author\": \"Ada\", "
	         "\"tags\": [\"one\", \"two\"], \"published_at\": \"2024-03-01T12:00:00+01:00\", "
	         "\"updated_at\": \"2024-03-02\", \"slug\": \"cafe\", \"language\": \"fr-CA\", "
	         "\"image\": \"/media/cafe.jpg\", \"source_url\": \"https://example.com/c\", "
	         "\"status\": \"scheduled\"}",
	         &art);
	assert_string_equal(art.ext_id, "a-1");
	assert_string_equal(art.title, "Café crème");
	assert_string_equal(art.body, "# Hi\n\n*x*");
	assert_string_equal(art.summary, "S");
	assert_string_equal(art.section, "World/Europe");
	assert_string_equal(art.author, "Ada");
	assert_int_equal(art.tag_count, 2);
	assert_string_equal(art.tags[0], "one");
	assert_string_equal(art.tags[1], "two");
	assert_int_equal(art.published_at, 1709290800);
	assert_int_equal(art.updated_at, 1709337600);
	assert_string_equal(art.slug, "cafe");
	assert_string_equal(art.language, "fr-CA");
	assert_string_equal(art.image, "/media/cafe.jpg");
	assert_string_equal(art.source_url, "https://example.com/c");
	assert_int_equal(art.status, ND_STATUS_SCHEDULED);
	nd_arena_free(a);
}

static void test_parse_defaults(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_article_in art;

	parse_ok(a, "{\"id\":\"x\",\"title\":\"T\",\"body\":\"B\"}", &art);
	assert_null(art.summary);
	assert_null(art.section);
	assert_null(art.author);
	assert_null(art.tags);
	assert_int_equal(art.tag_count, 0);
	assert_null(art.slug);
	assert_null(art.language);
	assert_null(art.image);
	assert_null(art.source_url);
	assert_int_equal(art.status, ND_STATUS_PUBLISHED);
	assert_int_equal(art.published_at, 0);
	assert_int_equal(art.updated_at, 0);

	/* null and blank optional fields are absent; unknown fields ignored. */
	parse_ok(a,
	         "{\"id\":\"x\",\"title\":\"T\",\"body\":\"B\",\"summary\":null,\"section\":\"\","
	         "\"author\":\"  \",\"tags\":null,\"published_at\":null,\"slug\":\"\","
	         "\"language\":null,\"status\":null,\"image\":\"\",\"future\":{\"a\":[1,2]},"
	         "\"also\":17}",
	         &art);
	assert_null(art.summary);
	assert_null(art.section);
	assert_null(art.author);
	assert_null(art.tags);
	assert_null(art.slug);
	assert_null(art.language);
	assert_null(art.image);
	assert_int_equal(art.status, ND_STATUS_PUBLISHED);
	assert_int_equal(art.published_at, 0);

	parse_ok(a, "{\"id\":\"x\",\"title\":\"T\",\"body\":\"B\",\"tags\":[]}", &art);
	assert_int_equal(art.tag_count, 0);
	parse_ok(a, "  {\"id\":\"x\",\"title\":\"T\",\"body\":\"B\",\"status\":\"draft\"}\t", &art);
	assert_int_equal(art.status, ND_STATUS_DRAFT);
	nd_arena_free(a);
}

static void test_parse_tags_dedup(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_article_in art;

	/* Same slug, same tag: the first spelling wins. */
	parse_ok(a,
	         "{\"id\":\"x\",\"title\":\"T\",\"body\":\"B\","
	         "\"tags\":[\"Tech\",\"news\",\"tech\",\"TECH \",\"Café\",\"cafe\",\"News\"]}",
	         &art);
	assert_int_equal(art.tag_count, 3);
	assert_string_equal(art.tags[0], "Tech");
	assert_string_equal(art.tags[1], "news");
	assert_string_equal(art.tags[2], "Café");
	nd_arena_free(a);
}

struct bad_case {
	const char *line;
	int code;
	const char *message;
};

/*
 * The write API's path: nd_jsonl_load, then nd_jsonl_parse_object on the
 * object. Same code and message as the import's one call, and nothing
 * left in the arena or the object when refused.
 */
static void check_bad_in_two_steps(const struct bad_case *c, size_t len)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_buf why = ND_BUF_INIT;
	struct nd_article_in art = {.ext_id = "untouched"};
	json_t *root = NULL;
	int rc = nd_jsonl_load(c->line, len, &root, &why);

	if (!rc) {
		rc = nd_jsonl_parse_object(root, a, &art, &why);
		assert_int_equal(root->refcount, 1);
		json_decref(root);
	} else {
		assert_null(root);
	}
	assert_int_equal(rc, c->code);
	assert_string_equal(why.buf, c->message);
	assert_string_equal(art.ext_id, "untouched");
	nd_buf_release(&why);
	nd_arena_free(a);
}

static void check_bad(const struct bad_case *c, size_t len)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_buf why = ND_BUF_INIT;
	struct nd_article_in art = {.ext_id = "untouched"};
	int rc = nd_jsonl_parse_line(c->line, len, a, &art, &why);
	bool ok = rc == c->code && !strcmp(why.buf, c->message) && !strcmp(art.ext_id, "untouched");

	if (!ok)
		fprintf(stderr, "line '%s'\n got %s '%s'\nwant %s '%s'\n", c->line, nd_err_name(rc),
		        why.buf, nd_err_name(c->code), c->message);
	nd_buf_release(&why);
	nd_arena_free(a);
	assert_true(ok);
	check_bad_in_two_steps(c, len);
}

#define OK3 "\"id\":\"x\",\"title\":\"T\",\"body\":\"B\""

static void test_parse_errors(void **state)
{
	static const struct bad_case cases[] = {
	    /* not JSON */
	    {"{\"id\": \"x\",}", ND_ESYNTAX,
	     "bad JSON at column 12: string or '}' expected near '}'"},
	    {"{\"id\" \"x\"}", ND_ESYNTAX, "bad JSON at column 9: ':' expected near '\"x\"'"},
	    {"{\"id\": tru}", ND_ESYNTAX, "bad JSON at column 10: invalid token near 'tru'"},
	    {"{\"id\": \"x\"", ND_ESYNTAX, "bad JSON at column 10: '}' expected near end of file"},
	    {"{" OK3 "} {}", ND_ESYNTAX, "bad JSON at column 35: end of file expected near '{'"},
	    {"{\"id\": \"x\\u0000y\"}", ND_ESYNTAX,
	     "bad JSON at column 17: \\u0000 is not allowed without JSON_ALLOW_NUL near "
	     "'\"x\\u0000y\"'"},
	    {"{\"id\": \"\\ud800\"}", ND_ESYNTAX,
	     "bad JSON at column 15: invalid Unicode '\\uD800' near '\"\\ud800\"'"},
	    {"{\"id\":\"a\",\"id\":\"b\"}", ND_ESYNTAX,
	     "bad JSON at column 14: duplicate object key near '\"id\"'"},
	    {"{\"id\": \"\x01\"}", ND_ESYNTAX,
	     "bad JSON at column 8: control character 0x1 near '\"'"},
	    {"{\"id\": \x1b[2J}", ND_ESYNTAX, "bad JSON at column 8: invalid token near '?'"},
	    /* not an object */
	    {"[1, 2]", ND_EINVAL, "line is not a JSON object but an array"},
	    {"\"text\"", ND_EINVAL, "line is not a JSON object but a string"},
	    {"42", ND_EINVAL, "line is not a JSON object but a number"},
	    {"null", ND_EINVAL, "line is not a JSON object but null"},
	    {"true", ND_EINVAL, "line is not a JSON object but a boolean"},
	    /* required fields */
	    {"{}", ND_EINVAL, "missing required field 'id'"},
	    {"{\"title\":\"T\",\"body\":\"B\"}", ND_EINVAL, "missing required field 'id'"},
	    {"{\"id\":\"x\",\"body\":\"B\"}", ND_EINVAL, "missing required field 'title'"},
	    {"{\"id\":\"x\",\"title\":\"T\"}", ND_EINVAL, "missing required field 'body'"},
	    {"{\"id\":\"\",\"title\":\"T\",\"body\":\"B\"}", ND_EINVAL,
	     "field 'id' must be a non-empty string, not a blank one"},
	    {"{\"id\":\" \\t\",\"title\":\"T\",\"body\":\"B\"}", ND_EINVAL,
	     "field 'id' must be a non-empty string, not a blank one"},
	    {"{\"id\":7,\"title\":\"T\",\"body\":\"B\"}", ND_EINVAL,
	     "field 'id' must be a non-empty string, not a number"},
	    {"{\"id\":null,\"title\":\"T\",\"body\":\"B\"}", ND_EINVAL,
	     "field 'id' must be a non-empty string, not null"},
	    {"{\"id\":\"x\",\"title\":[\"T\"],\"body\":\"B\"}", ND_EINVAL,
	     "field 'title' must be a non-empty string, not an array"},
	    {"{\"id\":\"x\",\"title\":\"T\",\"body\":\"\"}", ND_EINVAL,
	     "field 'body' must be a non-empty string, not a blank one"},
	    {"{\"id\":\"x\",\"title\":\"T\",\"body\":{}}", ND_EINVAL,
	     "field 'body' must be a non-empty string, not an object"},
	    /* optional strings of the wrong type */
	    {"{" OK3 ",\"summary\":1.5}", ND_EINVAL,
	     "field 'summary' must be a string, not a number"},
	    {"{" OK3 ",\"section\":[\"World\"]}", ND_EINVAL,
	     "field 'section' must be a string, not an array"},
	    {"{" OK3 ",\"author\":{\"name\":\"A\"}}", ND_EINVAL,
	     "field 'author' must be a string, not an object"},
	    {"{" OK3 ",\"slug\":false}", ND_EINVAL, "field 'slug' must be a string, not a boolean"},
	    {"{" OK3 ",\"language\":1}", ND_EINVAL,
	     "field 'language' must be a string, not a number"},
	    {"{" OK3 ",\"image\":1}", ND_EINVAL, "field 'image' must be a string, not a number"},
	    {"{" OK3 ",\"source_url\":true}", ND_EINVAL,
	     "field 'source_url' must be a string, not a boolean"},
	    /* tags */
	    {"{" OK3 ",\"tags\":\"a,b\"}", ND_EINVAL,
	     "field 'tags' must be an array of strings, not a string"},
	    {"{" OK3 ",\"tags\":[\"a\",2]}", ND_EINVAL,
	     "field 'tags' must be an array of strings, but entry 2 is a number"},
	    {"{" OK3 ",\"tags\":[null]}", ND_EINVAL,
	     "field 'tags' must be an array of strings, but entry 1 is null"},
	    {"{" OK3 ",\"tags\":[\"a\",\" \"]}", ND_EINVAL,
	     "field 'tags' must be an array of non-empty strings, but entry 2 is blank"},
	    {"{" OK3 ",\"tags\":[\"a\",\"!!!\"]}", ND_EINVAL,
	     "field 'tags': entry 2 '!!!' has no letter or digit"},
	    /* dates */
	    {"{" OK3 ",\"published_at\":\"2024-13-01\"}", ND_EINVAL,
	     "field 'published_at': invalid RFC 3339 date '2024-13-01'"},
	    {"{" OK3 ",\"published_at\":\"2023-02-29T10:00:00Z\"}", ND_EINVAL,
	     "field 'published_at': invalid RFC 3339 date '2023-02-29T10:00:00Z'"},
	    {"{" OK3 ",\"updated_at\":\"yesterday\"}", ND_EINVAL,
	     "field 'updated_at': invalid RFC 3339 date 'yesterday'"},
	    {"{" OK3 ",\"updated_at\":\"2024-03-01T10:00:00\"}", ND_EINVAL,
	     "field 'updated_at': invalid RFC 3339 date '2024-03-01T10:00:00'"},
	    {"{" OK3 ",\"published_at\":1709251200}", ND_EINVAL,
	     "field 'published_at' must be an RFC 3339 date string, not a number"},
	    /* a long or hostile value is cut and defused in the message */
	    {"{" OK3 ",\"published_at\":\"2024-01-01\\n\\u001b[31mred and a very long tail here\"}",
	     ND_EINVAL,
	     "field 'published_at': invalid RFC 3339 date '2024-01-01??[31mred and a very long "
	     "tail'..."},
	    /* status */
	    {"{" OK3 ",\"status\":\"live\"}", ND_EINVAL,
	     "field 'status' must be one of published, draft, scheduled, not 'live'"},
	    {"{" OK3 ",\"status\":\"Published\"}", ND_EINVAL,
	     "field 'status' must be one of published, draft, scheduled, not 'Published'"},
	    {"{" OK3 ",\"status\":1}", ND_EINVAL,
	     "field 'status' must be one of published, draft, scheduled, not a number"},
	    /* sections, authors and slugs become slugs */
	    {"{" OK3 ",\"section\":\"A/B/C/D/E\"}", ND_ETOOBIG,
	     "field 'section' has 5 levels, over the limit of 4"},
	    {"{" OK3 ",\"section\":\"World/***\"}", ND_EINVAL,
	     "field 'section': level '***' has no letter or digit"},
	    {"{" OK3 ",\"author\":\"--\"}", ND_EINVAL,
	     "field 'author' has no letter or digit: '--'"},
	    {"{" OK3 ",\"slug\":\"---\"}", ND_EINVAL, "field 'slug' has no letter or digit: '---'"},
	    /* other values */
	    {"{" OK3 ",\"language\":\"english\"}", ND_EINVAL,
	     "field 'language' must be a language tag like 'en' or 'pt-BR', not 'english'"},
	    {"{" OK3 ",\"language\":\"e\"}", ND_EINVAL,
	     "field 'language' must be a language tag like 'en' or 'pt-BR', not 'e'"},
	    {"{" OK3 ",\"language\":\"en-\"}", ND_EINVAL,
	     "field 'language' must be a language tag like 'en' or 'pt-BR', not 'en-'"},
	    {"{" OK3 ",\"source_url\":\"javascript:alert(1)\"}", ND_EINVAL,
	     "field 'source_url' must be an http or https URL, not 'javascript:alert(1)'"},
	    {"{" OK3 ",\"source_url\":\"/relative\"}", ND_EINVAL,
	     "field 'source_url' must be an http or https URL, not '/relative'"},
	    {"{" OK3 ",\"image\":\"data:image/png;base64,xx\"}", ND_EINVAL,
	     "field 'image' must be an http or https URL or a path, not "
	     "'data:image/png;base64,xx'"},
	    {"{" OK3 ",\"image\":\"java\\tscript:alert(1)\"}", ND_EINVAL,
	     "field 'image' must be a URL without spaces or control characters"},
	    {"{" OK3 ",\"image\":\" javascript:alert(1)\"}", ND_EINVAL,
	     "field 'image' must be a URL without spaces or control characters"},
	    /* the first fault in field order is the one reported */
	    {"{\"title\":5}", ND_EINVAL, "missing required field 'id'"},
	    {"{" OK3 ",\"status\":\"x\",\"tags\":1}", ND_EINVAL,
	     "field 'tags' must be an array of strings, not a number"},
	    /* blank */
	    {"", ND_EINVAL, "empty line"},
	    {" \t ", ND_EINVAL, "empty line"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_bad(&cases[i], strlen(cases[i].line));
}

/* The object from nd_jsonl_load outlives the caller's reference: the arena keeps one. */
static void test_parse_object_keeps_reference(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_buf why = ND_BUF_INIT;
	struct nd_article_in art;
	const char *line = "{\"id\":\"x\",\"title\":\"T\",\"body\":\"B\",\"tags\":[\"a\",\"A\"]}";
	json_t *root;

	(void)state;
	assert_int_equal(nd_jsonl_load(line, strlen(line), &root, &why), 0);
	assert_int_equal(nd_jsonl_parse_object(root, a, &art, &why), 0);
	json_decref(root);
	assert_string_equal(art.title, "T");
	assert_int_equal(art.tag_count, 1);
	assert_string_equal(art.tags[0], "a");
	nd_buf_release(&why);
	nd_arena_free(a);
}

static void test_parse_bytes(void **state)
{
	/* Invalid UTF-8 is found before JSON parsing, with its byte (from 1). */
	static const struct bad_case cases[] = {
	    {"{\"id\":\"caf\xe9\"}", ND_EINVAL, "invalid UTF-8 at byte 11"},
	    {"\xff{}", ND_EINVAL, "invalid UTF-8 at byte 1"},
	    {"{\"id\":\"\xc0\xaf\"}", ND_EINVAL, "invalid UTF-8 at byte 8"},     /* overlong '/' */
	    {"{\"id\":\"\xed\xa0\x80\"}", ND_EINVAL, "invalid UTF-8 at byte 8"}, /* surrogate */
	    {"{\"id\":\"x\"}\xe2\x82", ND_EINVAL, "invalid UTF-8 at byte 11"},   /* truncated */
	};
	static const struct bad_case nul = {"{\"id\":\"x\0\"}", ND_ESYNTAX,
	                                    "bad JSON at byte 9: NUL byte"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_bad(&cases[i], strlen(cases[i].line));
	check_bad(&nul, 11);
}

static void test_parse_limits(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_buf line = ND_BUF_INIT, why = ND_BUF_INIT;
	struct nd_article_in art;

	/* A title of exactly ND_MAX_TITLE bytes is fine, one more is not. */
	nd_buf_adds(&line, "{\"id\":\"x\",\"body\":\"B\",\"title\":\"");
	for (int i = 0; i < ND_MAX_TITLE; i++)
		nd_buf_addch(&line, 'T');
	nd_buf_adds(&line, "\"}");
	assert_int_equal(nd_jsonl_parse_line(line.buf, line.len, a, &art, &why), 0);
	nd_buf_truncate(&line, line.len - 2);
	nd_buf_adds(&line, "T\"}");
	assert_int_equal(nd_jsonl_parse_line(line.buf, line.len, a, &art, &why), ND_ETOOBIG);
	assert_string_equal(why.buf, "field 'title' is 1001 bytes, over the 1000-byte limit");

	/* ND_MAX_TAGS tags are fine, one more is not. */
	nd_buf_reset(&line);
	nd_buf_reset(&why);
	nd_buf_adds(&line, "{" OK3 ",\"tags\":[");
	for (int i = 0; i < ND_MAX_TAGS; i++)
		nd_buf_addf(&line, "%s\"t%d\"", i ? "," : "", i);
	nd_buf_adds(&line, "]}");
	assert_int_equal(nd_jsonl_parse_line(line.buf, line.len, a, &art, &why), 0);
	assert_int_equal(art.tag_count, ND_MAX_TAGS);
	nd_buf_truncate(&line, line.len - 2);
	nd_buf_adds(&line, ",\"one-more\"]}");
	assert_int_equal(nd_jsonl_parse_line(line.buf, line.len, a, &art, &why), ND_ETOOBIG);
	assert_string_equal(why.buf, "field 'tags' has 101 entries, over the limit of 100");

	/* A slug over ND_MAX_SLUG bytes. */
	nd_buf_reset(&line);
	nd_buf_reset(&why);
	nd_buf_adds(&line, "{" OK3 ",\"slug\":\"");
	for (int i = 0; i <= ND_MAX_SLUG; i++)
		nd_buf_addch(&line, 's');
	nd_buf_adds(&line, "\"}");
	assert_int_equal(nd_jsonl_parse_line(line.buf, line.len, a, &art, &why), ND_ETOOBIG);
	assert_string_equal(why.buf, "field 'slug' is 121 bytes, over the 120-byte limit");

	/* Four section levels are fine; empty levels do not count. */
	assert_int_equal(nd_jsonl_parse_line("{" OK3 ",\"section\":\"/A//B/C/ D /\"}",
	                                     strlen("{" OK3 ",\"section\":\"/A//B/C/ D /\"}"), a,
	                                     &art, &why),
	                 0);
	assert_string_equal(art.section, "/A//B/C/ D /");
	nd_buf_release(&line);
	nd_buf_release(&why);
	nd_arena_free(a);
}

static void test_blank(void **state)
{
	assert_true(nd_jsonl_blank("", 0));
	assert_true(nd_jsonl_blank(" \t\r\n", 4));
	assert_false(nd_jsonl_blank(" x ", 3));
	assert_false(nd_jsonl_blank("\f", 1)); /* not JSON white space */
	assert_false(nd_jsonl_blank("\0", 1));
}

static void test_exit_codes(void **state)
{
	assert_int_equal(nd_import_exit_code(ND_IMPORT_OK), 0);
	assert_int_equal(nd_import_exit_code(ND_IMPORT_REJECTED), 1);
	assert_int_equal(nd_import_exit_code(ND_EIO), 2);
	assert_int_equal(nd_import_exit_code(ND_ESTORE), 2);
	assert_int_equal(nd_import_exit_code(ND_EINVAL), 2);
}

static void test_summary(void **state)
{
	struct nd_import_stats st = {
	    .lines = 125, .imported = 120, .updated = 3, .rejected = 2, .seconds = 0.394};
	struct nd_buf b = ND_BUF_INIT;

	nd_import_summary(&st, &b);
	assert_string_equal(b.buf, "imported 120, updated 3, rejected 2 (125 lines, 0.4 s, 312 "
	                           "articles/s)");
	nd_buf_reset(&b);
	memset(&st, 0, sizeof(st));
	nd_import_summary(&st, &b);
	assert_string_equal(b.buf,
	                    "imported 0, updated 0, rejected 0 (0 lines, 0.0 s, 0 articles/s)");
	nd_buf_release(&b);
}

static void test_open(void **state)
{
	struct nd_import_opts o;
	FILE *in = NULL;
	struct stat sb;

	nd_import_opts_init(&o);
	assert_int_equal(nd_import_open(DATA_DIR "/good.jsonl", &in, &o), 0);
	assert_non_null(in);
	assert_string_equal(o.name, DATA_DIR "/good.jsonl");
	assert_int_equal(stat(DATA_DIR "/good.jsonl", &sb), 0);
	assert_int_equal(o.total_bytes, (uint64_t)sb.st_size);
	nd_import_close(in);

	in = NULL;
	nd_import_opts_init(&o);
	assert_int_equal(nd_import_open("-", &in, &o), 0);
	assert_ptr_equal(in, stdin);
	assert_string_equal(o.name, "<stdin>");
	nd_import_close(in); /* stdin stays open */
	assert_int_equal(fileno(stdin), 0);

	in = NULL;
	nd_log_level = ND_LOG_NONE; /* the expected failures below log */
	assert_int_equal(nd_import_open(DATA_DIR "/no-such-file.jsonl", &in, &o), ND_EIO);
	assert_null(in);
	assert_int_equal(nd_import_exit_code(ND_EIO), 2);
	assert_int_equal(nd_import_open(DATA_DIR, &in, &o), ND_EIO);
	assert_null(in);
	nd_log_level = ND_LOG_INFO;
	nd_import_close(NULL);
}

/* ---- the import loop, against SQLite ------------------------------------ */

struct fx {
	struct temp_db db;
	struct nd_store *s;
	/* What the last import printed on its err stream. */
	char *out;
	size_t out_len;
	struct nd_import_stats st;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	/* A SQLite file, or a database on the test cluster (ND_TEST_STORE=pg). */
	if (!f || temp_db_make(&f->db, "test-jsonl"))
		return -1;
	if (nd_store_open(f->db.url, &f->s))
		return -1;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	nd_store_close(f->s);
	temp_db_remove(&f->db);
	free(f->out);
	free(f);
	return 0;
}

/* Imports data[0..len) with o (NULL: defaults), named "in.jsonl". */
static int import_opts(struct fx *f, const char *data, size_t len, struct nd_import_opts *o)
{
	struct nd_import_opts def;
	FILE *in, *err;
	int rc;

	if (!o) {
		nd_import_opts_init(&def);
		o = &def;
	}
	if (!o->name)
		o->name = "in.jsonl";
	free(f->out);
	f->out = NULL;
	err = open_memstream(&f->out, &f->out_len);
	assert_non_null(err);
	o->err = err;
	/* fmemopen cannot open an empty buffer for reading. */
	in = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");
	assert_non_null(in);
	rc = nd_import_jsonl(f->s, in, o, &f->st);
	fclose(in);
	fclose(err);
	o->err = NULL;
	return rc;
}

static int import_str(struct fx *f, const char *data)
{
	return import_opts(f, data, strlen(data), NULL);
}

static int import_file(struct fx *f, const char *name, struct nd_import_opts *o)
{
	struct nd_import_opts def;
	char path[512];
	FILE *in, *err;
	int rc;

	if (!o) {
		nd_import_opts_init(&def);
		o = &def;
	}
	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
	assert_int_equal(nd_import_open(path, &in, o), 0);
	o->name = name; /* shorter messages than the full path */
	free(f->out);
	f->out = NULL;
	err = open_memstream(&f->out, &f->out_len);
	o->err = err;
	rc = nd_import_jsonl(f->s, in, o, &f->st);
	nd_import_close(in);
	fclose(err);
	o->err = NULL;
	return rc;
}

/* The output without its last line, the summary (whose timing varies). */
static char *messages(struct fx *f)
{
	char *copy = strdup(f->out);
	size_t n = strlen(copy);

	assert_true(n > 0 && copy[n - 1] == '\n');
	copy[n - 1] = '\0';
	char *nl = strrchr(copy, '\n');
	if (nl)
		nl[1] = '\0';
	else
		copy[0] = '\0';
	return copy;
}

static void assert_messages(struct fx *f, const char *want)
{
	char *got = messages(f);
	bool same = !strcmp(got, want);

	if (!same)
		fprintf(stderr, "messages:\n%s\nwant:\n%s\n", got, want);
	free(got);
	assert_true(same);
}

/* The last line of the output: the summary, with its timing cut off. */
static void assert_summary(struct fx *f, const char *want_prefix)
{
	const char *last;

	assert_true(f->out_len > 0 && f->out[f->out_len - 1] == '\n');
	f->out[f->out_len - 1] = '\0';
	last = strrchr(f->out, '\n');
	last = last ? last + 1 : f->out;
	if (strncmp(last, want_prefix, strlen(want_prefix)))
		fail_msg("summary '%s' does not start with '%s'", last, want_prefix);
	f->out[f->out_len - 1] = '\n';
}

static int64_t count(struct fx *f)
{
	int64_t n = -1;

	assert_int_equal(nd_store_article_count(f->s, &n), 0);
	return n;
}

/* Collected names of sections and tags, to turn ids into readable text. */
struct names {
	int64_t id[64], parent[64];
	char *name[64];
	size_t n;
};

static int section_cb(void *ctx, const struct nd_section_rec *r)
{
	struct names *nm = ctx;

	assert_true(nm->n < 64);
	nm->id[nm->n] = r->id;
	nm->parent[nm->n] = r->parent_id;
	nm->name[nm->n++] = strdup(r->name);
	return 0;
}

static int tag_cb(void *ctx, const struct nd_tag_rec *r)
{
	struct names *nm = ctx;

	assert_true(nm->n < 64);
	nm->id[nm->n] = r->id;
	nm->parent[nm->n] = 0;
	nm->name[nm->n++] = strdup(r->name);
	return 0;
}

static void names_release(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->name[i]);
}

static const char *name_of(const struct names *nm, int64_t id, int64_t *parent)
{
	for (size_t i = 0; i < nm->n; i++) {
		if (nm->id[i] == id) {
			if (parent)
				*parent = nm->parent[i];
			return nm->name[i];
		}
	}
	fail_msg("no name for id %lld", (long long)id);
	return NULL;
}

struct got {
	struct fx *f;
	struct nd_buf b;
};

/* "title|section path|tag,tag|status|published_at|language|slug" */
static int article_cb(void *ctx, const struct nd_article_rec *r)
{
	struct got *g = ctx;
	struct names sec = {0}, tags = {0};
	const char *path[8];
	int depth = 0;
	int64_t id = r->section_id;

	assert_int_equal(nd_store_each_section(g->f->s, section_cb, &sec), 0);
	assert_int_equal(nd_store_each_tag(g->f->s, tag_cb, &tags), 0);
	while (id && depth < 8)
		path[depth++] = name_of(&sec, id, &id);
	nd_buf_addf(&g->b, "%s|", r->title);
	while (depth-- > 0)
		nd_buf_addf(&g->b, "%s%s", path[depth], depth ? "/" : "");
	nd_buf_addch(&g->b, '|');
	for (size_t i = 0; i < r->tag_count; i++)
		nd_buf_addf(&g->b, "%s%s", i ? "," : "", name_of(&tags, r->tag_ids[i], NULL));
	nd_buf_addf(&g->b, "|%s|%lld|%s|%s", nd_status_name(r->status), (long long)r->published_at,
	            r->language, r->slug);
	names_release(&sec);
	names_release(&tags);
	return 0;
}

/* The article with ext_id as a line of text; caller frees it. */
static char *article(struct fx *f, const char *ext_id)
{
	struct got g = {f, ND_BUF_INIT};
	int rc = nd_store_article_get(f->s, ext_id, article_cb, &g);

	if (rc == ND_ENOTFOUND) {
		nd_buf_release(&g.b);
		return strdup("(none)");
	}
	assert_int_equal(rc, 0);
	return nd_buf_detach(&g.b, NULL);
}

/* Compares article(f, ext_id) with want; a want ending in '|' is a prefix,
 * for articles whose date is "now" and slug not the point. */
static void assert_article(struct fx *f, const char *ext_id, const char *want)
{
	char *got = article(f, ext_id);
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '|') {
		if (strncmp(got, want, n))
			fail_msg("article '%s' is '%s', want it to start with '%s'", ext_id, got,
			         want);
	} else {
		assert_string_equal(got, want);
	}
	free(got);
}

static int body_cb(void *ctx, const struct nd_article_rec *r)
{
	*(char **)ctx = strdup(r->body);
	return 0;
}

static void test_import_good_file(void **state)
{
	struct fx *f = *state;
	char *body = NULL;

	assert_int_equal(import_file(f, "good.jsonl", NULL), ND_IMPORT_OK);
	assert_messages(f, "");
	assert_summary(f, "imported 5, updated 0, rejected 0 (5 lines, ");
	assert_int_equal(f->st.lines, 5);
	assert_int_equal(f->st.imported, 5);
	assert_int_equal(f->st.rejected, 0);
	assert_int_equal(count(f), 5);
	/* Stored as given: escaping and sanitising are the renderer's job. */
	assert_article(f, "good-1",
	               "<script>alert(1)</script> Breaking|News|Security,Web|published|1709294400|"
	               "en|script-alert-1-script-breaking");
	assert_int_equal(nd_store_article_get(f->s, "good-1", body_cb, &body), 0);
	assert_non_null(strstr(body, "<script>alert(2)</script>"));
	assert_non_null(strstr(body, "<b onclick=x>"));
	free(body);
	assert_article(f, "good-2",
	               "Café crème à Paris|World/Europe|Food,Paris,café|published|1709364600|fr|"
	               "cafe-creme-a-paris");
	assert_article(f, "good-3", "Budget leaks|Politics||draft|1709424000|en|budget-leaks");
	assert_article(f, "good-4",
	               "Launch day|Science/Space|Space,Rockets|scheduled|1893488400|en|launch-day");
	assert_article(f, "good-5",
	               "日本の経済ニュース|World/Asia|経済|published|1709532000|ja|"
	               "日本の経済ニュース");
}

static void test_import_malformed_file(void **state)
{
	struct fx *f = *state;

	/* tests/data/import/README.md lists the bad lines. */
	assert_int_equal(import_file(f, "malformed.jsonl", NULL), ND_IMPORT_REJECTED);
	assert_messages(
	    f, "malformed.jsonl:2: bad JSON at column 56: string or '}' expected near '}'\n"
	       "malformed.jsonl:3: missing required field 'title'\n"
	       "malformed.jsonl:5: field 'tags' must be an array of strings, not a string\n"
	       "malformed.jsonl:6: field 'published_at': invalid RFC 3339 date '2024-13-01'\n"
	       "malformed.jsonl:7: invalid UTF-8 at byte 30\n"
	       "malformed.jsonl:9: field 'status' must be one of published, draft, scheduled, "
	       "not 'live'\n"
	       "malformed.jsonl:10: field 'id' must be a non-empty string, not a blank one\n"
	       "malformed.jsonl:11: line is not a JSON object but an array\n"
	       "malformed.jsonl:12: field 'title' is 1001 bytes, over the 1000-byte limit\n"
	       "malformed.jsonl:13: field 'tags' has 101 entries, over the limit of 100\n"
	       "malformed.jsonl:14: missing required field 'body'\n"
	       "malformed.jsonl:15: field 'section' has 5 levels, over the limit of 4\n"
	       "malformed.jsonl:16: field 'published_at' must be an RFC 3339 date string, not "
	       "a number\n"
	       "malformed.jsonl:18: field 'tags' must be an array of strings, but entry 2 is a "
	       "number\n"
	       "malformed.jsonl:19: field 'source_url' must be an http or https URL, not "
	       "'javascript:alert(1)'\n"
	       "malformed.jsonl:20: bad JSON at column 21: duplicate object key near '\"id\"'\n"
	       "malformed.jsonl:21: field 'id' must be a non-empty string, not a number\n");
	assert_summary(f, "imported 3, updated 1, rejected 17 (23 lines, ");
	assert_int_equal(f->st.lines, 23);
	assert_int_equal(f->st.blank, 2);
	assert_int_equal(f->st.imported, 3);
	assert_int_equal(f->st.updated, 1);
	assert_int_equal(f->st.rejected, 17);
	assert_int_equal(count(f), 3);
	assert_article(f, "mal-1", "Good line 1, updated|News||published|");
	assert_article(f, "mal-8", "Good line 8|World/Europe||published|");
	assert_article(f, "mal-22", "Good line 22|News||published|1709251199|en|good-line-22");
	assert_article(f, "mal-2", "(none)");
	assert_article(f, "mal-20", "(none)");
	assert_int_equal(nd_import_exit_code(ND_IMPORT_REJECTED), 1);
}

static void test_reimport_is_idempotent(void **state)
{
	struct fx *f = *state;
	int64_t gen1, gen2;

	assert_int_equal(import_file(f, "good.jsonl", NULL), ND_IMPORT_OK);
	assert_int_equal(count(f), 5);
	assert_int_equal(nd_store_generation(f->s, &gen1), 0);
	assert_int_equal(import_file(f, "good.jsonl", NULL), ND_IMPORT_OK);
	assert_summary(f, "imported 0, updated 5, rejected 0 (5 lines, ");
	assert_int_equal(f->st.imported, 0);
	assert_int_equal(f->st.updated, 5);
	assert_int_equal(count(f), 5);
	/* Same slugs: an update must not make "-2" copies. */
	assert_article(f, "good-2",
	               "Café crème à Paris|World/Europe|Food,Paris,café|published|1709364600|fr|"
	               "cafe-creme-a-paris");
	assert_int_equal(nd_store_generation(f->s, &gen2), 0);
	assert_true(gen2 > gen1);

	/* A changed line updates that article only. */
	assert_int_equal(import_str(f, "{\"id\":\"good-3\",\"title\":\"Budget leaks, now out\","
	                               "\"body\":\"Out.\",\"section\":\"Politics\","
	                               "\"published_at\":\"2024-03-05\",\"tags\":[\"Money\"]}\n"),
	                 ND_IMPORT_OK);
	assert_int_equal(f->st.updated, 1);
	assert_int_equal(count(f), 5);
	assert_article(f, "good-3",
	               "Budget leaks, now out|Politics|Money|published|1709596800|en|budget-leaks");
}

static void test_same_id_twice_in_one_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(import_str(f, "{\"id\":\"d\",\"title\":\"One\",\"body\":\"B\"}\n"
	                               "{\"id\":\"d\",\"title\":\"Two\",\"body\":\"B\"}\n"),
	                 ND_IMPORT_OK);
	assert_int_equal(f->st.imported, 1);
	assert_int_equal(f->st.updated, 1);
	assert_int_equal(count(f), 1);
	assert_article(f, "d", "Two|News||published|");
}

static void test_strict_rolls_back(void **state)
{
	static const char later_bad[] =
	    "{\"id\":\"s1\",\"title\":\"A\",\"body\":\"B\"}\n"
	    "{\"id\":\"good-1\",\"title\":\"Changed\",\"body\":\"B\"}\n"
	    "{\"id\":\"s3\",\"title\":\"A\",\"body\":\"B\",\"status\":\"gone\"}\n";
	struct fx *f = *state;
	struct nd_import_opts o;
	int64_t gen1, gen2;

	assert_int_equal(import_str(f, "{\"id\":\"keep\",\"title\":\"Kept\",\"body\":\"B\"}\n"),
	                 ND_IMPORT_OK);
	assert_int_equal(nd_store_generation(f->s, &gen1), 0);

	nd_import_opts_init(&o);
	o.strict = true;
	assert_int_equal(import_file(f, "malformed.jsonl", &o), ND_IMPORT_REJECTED);
	/* Stops at the first bad line: line 2. */
	assert_messages(f, "malformed.jsonl:2: bad JSON at column 56: string or '}' expected "
	                   "near '}'\n");
	assert_summary(f, "imported 0, updated 0, rejected 1 (2 lines, ");
	assert_non_null(strstr(f->out, "; strict: rolled back, nothing stored\n"));
	assert_int_equal(f->st.imported, 0);
	assert_int_equal(f->st.rejected, 1);
	assert_int_equal(nd_import_exit_code(ND_IMPORT_REJECTED), 1);

	/* The database is as before: line 1 was put, then rolled back. */
	assert_int_equal(count(f), 1);
	assert_article(f, "mal-1", "(none)");
	assert_article(f, "keep", "Kept|News||published|");
	assert_int_equal(nd_store_generation(f->s, &gen2), 0);
	assert_int_equal(gen1, gen2);

	/* Strict on good input stores everything. */
	nd_import_opts_init(&o);
	o.strict = true;
	assert_int_equal(import_file(f, "good.jsonl", &o), ND_IMPORT_OK);
	assert_int_equal(f->st.imported, 5);
	assert_int_equal(count(f), 6);
	/* A later bad line also rolls back the earlier good ones. */
	nd_import_opts_init(&o);
	o.strict = true;
	assert_int_equal(import_opts(f, later_bad, strlen(later_bad), &o), ND_IMPORT_REJECTED);
	assert_messages(f, "in.jsonl:3: field 'status' must be one of published, draft, "
	                   "scheduled, not 'gone'\n");
	assert_int_equal(count(f), 6);
	assert_article(f, "s1", "(none)");
	assert_article(f, "good-1",
	               "<script>alert(1)</script> Breaking|News|Security,Web|published|1709294400|"
	               "en|script-alert-1-script-breaking");
}

static void test_line_endings_bom_blank(void **state)
{
	struct fx *f = *state;
	static const char data[] =
	    "\xEF\xBB\xBF{\"id\":\"e1\",\"title\":\"BOM\",\"body\":\"B\"}\r\n"
	    "\r\n"
	    "   \n"
	    "{\"id\":\"e2\",\"title\":\"CRLF\",\"body\":\"B\\r\\nC\"}\r\n"
	    "\n"
	    "\t\n"
	    "{\"id\":\"e3\",\"title\":\"No newline\",\"body\":\"B\"}";

	assert_int_equal(import_opts(f, data, sizeof(data) - 1, NULL), ND_IMPORT_OK);
	assert_messages(f, "");
	assert_summary(f, "imported 3, updated 0, rejected 0 (7 lines, ");
	assert_int_equal(f->st.blank, 4);
	assert_int_equal(f->st.bytes, sizeof(data) - 1);
	assert_article(f, "e1", "BOM|News||published|");
	assert_article(f, "e3", "No newline|News||published|");
	assert_int_equal(count(f), 3);

	/* A BOM is only skipped on line 1. */
	assert_int_equal(import_str(f,
	                            "{\"id\":\"e4\",\"title\":\"x\",\"body\":\"B\"}\n"
	                            "\xEF\xBB\xBF{\"id\":\"e5\",\"title\":\"x\",\"body\":\"B\"}\n"),
	                 ND_IMPORT_REJECTED);
	assert_messages(f, "in.jsonl:2: bad JSON at column 1: invalid token near '\xEF\xBB\xBF'\n");

	/* Empty input: nothing to do, and that is fine. */
	assert_int_equal(import_opts(f, "", 0, NULL), ND_IMPORT_OK);
	assert_summary(f, "imported 0, updated 0, rejected 0 (0 lines, ");
}

static void test_over_long_line(void **state)
{
	struct fx *f = *state;
	const size_t big = 5000000;
	struct nd_buf data = ND_BUF_INIT;

	/* A valid article, but over ND_MAX_IMPORT_LINE; then a good line. */
	nd_buf_adds(&data, "{\"id\":\"big\",\"title\":\"Big\",\"body\":\"");
	nd_buf_grow(&data, big);
	memset(data.buf + data.len, 'x', big - data.len - 2);
	data.len = big - 2;
	nd_buf_adds(&data, "\"}\n{\"id\":\"after\",\"title\":\"After\",\"body\":\"B\"}\n");
	assert_int_equal(import_opts(f, data.buf, data.len, NULL), ND_IMPORT_REJECTED);
	assert_messages(f, "in.jsonl:1: line is 5000000 bytes, over the 4194304-byte limit\n");
	assert_summary(f, "imported 1, updated 0, rejected 1 (2 lines, ");
	assert_article(f, "big", "(none)");
	assert_article(f, "after", "After|News||published|");
	nd_buf_release(&data);

	/* The limit can be lowered; a CRLF does not count toward it. */
	{
		struct nd_import_opts o;
		static const char small[] =
		    "{\"id\":\"s\",\"title\":\"T\",\"body\":\"B\"}\r\n"
		    "{\"id\":\"s2\",\"title\":\"Too long\",\"body\":\"B\"}\n";
		nd_import_opts_init(&o);
		o.max_line = 34;
		assert_int_equal(import_opts(f, small, sizeof(small) - 1, &o), ND_IMPORT_REJECTED);
		assert_messages(f, "in.jsonl:2: line is 41 bytes, over the 34-byte limit\n");
		assert_int_equal(f->st.imported, 1);
	}
}

/* Runs sql (SQLite's) or pg_sql (PostgreSQL's) on the database behind the
 * store, through a second connection. */
static void exec_sql(struct fx *f, const char *sql, const char *pg_sql)
{
	sqlite3 *db;
	char *msg = NULL;

	if (temp_db_is_pg()) {
		assert_int_equal(temp_db_pg_run(f->db.url, pg_sql), 0);
		return;
	}
	assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* Makes the database refuse to insert the articles whose ext_id is LIKE
 * pattern, as a failing disk or a constraint the import cannot see would. */
static void refuse_articles(struct fx *f, const char *pattern)
{
	char sql[256], pg_sql[512];

	snprintf(sql, sizeof(sql),
	         "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.ext_id LIKE '%s' "
	         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
	         pattern);
	snprintf(pg_sql, sizeof(pg_sql),
	         "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	         "IF NEW.ext_id LIKE '%s' THEN RAISE EXCEPTION 'injected failure'; END IF; "
	         "RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON articles "
	         "FOR EACH ROW EXECUTE FUNCTION refuse();",
	         pattern);
	exec_sql(f, sql, pg_sql);
}

static void test_store_failure_replays_batch(void **state)
{
	struct fx *f = *state;
	struct nd_import_opts o;
	struct nd_buf data = ND_BUF_INIT;

	/* The database refuses one article that passes validation. */
	refuse_articles(f, "r-5");
	for (int i = 1; i <= 10; i++)
		nd_buf_addf(&data,
		            "{\"id\":\"r-%d\",\"title\":\"R %d\",\"body\":\"B\","
		            "\"section\":\"S%d\",\"tags\":[\"t%d\"]}\n",
		            i, i, i, i);
	nd_import_opts_init(&o);
	o.batch_lines = 4;          /* r-5 fails in the second batch: r-5 .. r-8 */
	nd_log_level = ND_LOG_NONE; /* the store logs the injected failure */
	assert_int_equal(import_opts(f, data.buf, data.len, &o), ND_IMPORT_REJECTED);
	nd_log_level = ND_LOG_INFO;
	assert_messages(f, "in.jsonl:5: cannot store article 'r-5': database error\n");
	assert_summary(f, "imported 9, updated 0, rejected 1 (10 lines, ");
	assert_int_equal(count(f), 9);
	assert_article(f, "r-4", "R 4|S4|t4|published|");
	assert_article(f, "r-5", "(none)");
	assert_article(f, "r-6", "R 6|S6|t6|published|");
	assert_article(f, "r-10", "R 10|S10|t10|published|");

	/* Strict: the same failure rolls everything back. */
	exec_sql(f, "DELETE FROM article_tags; DELETE FROM articles;",
	         "DELETE FROM article_tags; DELETE FROM articles;");
	nd_import_opts_init(&o);
	o.strict = true;
	nd_log_level = ND_LOG_NONE;
	assert_int_equal(import_opts(f, data.buf, data.len, &o), ND_IMPORT_REJECTED);
	nd_log_level = ND_LOG_INFO;
	assert_messages(f, "in.jsonl:5: cannot store article 'r-5': database error\n");
	assert_int_equal(count(f), 0);
	nd_buf_release(&data);
}

static void test_store_keeps_failing(void **state)
{
	struct fx *f = *state;
	struct nd_buf data = ND_BUF_INIT;
	int rc;

	refuse_articles(f, "x%");
	nd_buf_adds(&data, "{\"id\":\"ok-1\",\"title\":\"T\",\"body\":\"B\"}\n");
	for (int i = 0; i < 150; i++)
		nd_buf_addf(&data, "{\"id\":\"x%d\",\"title\":\"T\",\"body\":\"B\"}\n", i);
	nd_log_level = ND_LOG_NONE;
	rc = import_opts(f, data.buf, data.len, NULL);
	nd_log_level = ND_LOG_INFO;
	assert_int_equal(rc, ND_ESTORE);
	assert_int_equal(nd_import_exit_code(rc), 2);
	assert_non_null(strstr(f->out, "in.jsonl: giving up after 100 store failures in a row\n"));
	assert_int_equal(f->st.rejected, 100);
	assert_int_equal(f->st.imported, 1);
	assert_int_equal(count(f), 1);
	nd_buf_release(&data);
}

static void test_batches_commit(void **state)
{
	struct fx *f = *state;
	struct nd_import_opts o;
	struct nd_buf data = ND_BUF_INIT;

	for (int i = 1; i <= 2500; i++)
		nd_buf_addf(&data, "{\"id\":\"b-%d\",\"title\":\"B %d\",\"body\":\"B\"}\n", i, i);
	nd_import_opts_init(&o);
	assert_int_equal(import_opts(f, data.buf, data.len, &o), ND_IMPORT_OK);
	assert_int_equal(f->st.imported, 2500);
	assert_int_equal(count(f), 2500);
	/* No transaction is left open: the store takes a new one. */
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
	nd_buf_release(&data);
}

static void test_read_error(void **state)
{
	struct fx *f = *state;
	struct nd_import_opts o;
	FILE *in = fopen("/", "r"); /* reading a directory fails: EISDIR */
	FILE *err;
	int rc;

	if (!in)
		skip();
	nd_import_opts_init(&o);
	o.name = "dir";
	err = open_memstream(&f->out, &f->out_len);
	o.err = err;
	rc = nd_import_jsonl(f->s, in, &o, &f->st);
	fclose(in);
	fclose(err);
	assert_int_equal(rc, ND_EIO);
	assert_int_equal(nd_import_exit_code(rc), 2);
	assert_non_null(strstr(f->out, "dir:1: read error: Is a directory\n"));
	assert_int_equal(count(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_all_fields),
	    cmocka_unit_test(test_parse_defaults),
	    cmocka_unit_test(test_parse_tags_dedup),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_parse_object_keeps_reference),
	    cmocka_unit_test(test_parse_bytes),
	    cmocka_unit_test(test_parse_limits),
	    cmocka_unit_test(test_blank),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_open),
	    cmocka_unit_test_setup_teardown(test_import_good_file, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_import_malformed_file, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reimport_is_idempotent, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_same_id_twice_in_one_file, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_strict_rolls_back, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_line_endings_bom_blank, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_over_long_line, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_failure_replays_batch, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_store_keeps_failing, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_batches_commit, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_read_error, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
