/*
 * Tests for src/render/template*.c: every test of the official Mustache spec
 * files in tests/data/mustache-spec, then our own cases (escaping, syntax
 * errors, limits, loading a folder, concurrent rendering).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "render/template.h"

#define SPEC_DIR ND_SOURCE_DIR "/tests/data/mustache-spec/"

/* The name the spec runner gives a test's main template; no spec partial
 * uses it. */
#define MAIN "spec:main"

/*
 * Runs every test of one spec file and fails if any of them fails, after
 * printing each failure with the file and test name.
 */
static void run_spec(const char *file)
{
	char path[512];
	json_error_t jerr;
	json_t *doc, *tests, *test;
	size_t i, failed = 0;

	snprintf(path, sizeof(path), "%s%s", SPEC_DIR, file);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("cannot load '%s': %s (line %d)", path, jerr.text, jerr.line);
	tests = json_object_get(doc, "tests");
	assert_true(json_is_array(tests));
	assert_true(json_array_size(tests) > 0);

	json_array_foreach(tests, i, test)
	{
		const char *name = json_string_value(json_object_get(test, "name"));
		const char *tpl = json_string_value(json_object_get(test, "template"));
		const char *want = json_string_value(json_object_get(test, "expected"));
		json_t *partials = json_object_get(test, "partials");
		struct nd_tpl_set *set = nd_tpl_set_new();
		struct nd_buf out = ND_BUF_INIT;
		const char *pname;
		json_t *psrc;
		char *err = NULL;
		int ret;

		assert_non_null(name);
		assert_non_null(tpl);
		assert_non_null(want);
		json_object_foreach(partials, pname, psrc)
		{
			ret = nd_tpl_set_add(set, pname, json_string_value(psrc),
			                     json_string_length(psrc), &err);
			if (ret) {
				printf("FAIL %s: \"%s\": partial '%s' does not compile: %s\n", file,
				       name, pname, err);
				free(err);
				failed++;
				goto next;
			}
		}
		ret = nd_tpl_set_add(set, MAIN, tpl, strlen(tpl), &err);
		if (ret) {
			printf("FAIL %s: \"%s\": does not compile: %s\n", file, name, err);
			free(err);
			failed++;
			goto next;
		}
		ret = nd_tpl_render(set, MAIN, json_object_get(test, "data"), &out);
		if (ret || strcmp(out.buf, want)) {
			char *t = json_dumps(json_object_get(test, "template"), JSON_ENCODE_ANY);
			json_t *got = json_stringn(out.buf, out.len);
			char *g = json_dumps(got, JSON_ENCODE_ANY);
			char *w = json_dumps(json_object_get(test, "expected"), JSON_ENCODE_ANY);

			printf(
			    "FAIL %s: \"%s\" (ret %s)\n  template: %s\n  expected: %s\n  got:      "
			    "%s\n",
			    file, name, nd_err_name(ret), t, w, g);
			free(t);
			free(g);
			free(w);
			json_decref(got);
			failed++;
		}
	next:
		nd_buf_release(&out);
		nd_tpl_set_free(set);
	}
	printf("spec %s: %zu/%zu passed\n", file, json_array_size(tests) - failed,
	       json_array_size(tests));
	json_decref(doc);
	assert_int_equal(failed, 0);
}

static void test_spec_comments(void **state)
{
	run_spec("comments.json");
}

static void test_spec_delimiters(void **state)
{
	run_spec("delimiters.json");
}

static void test_spec_interpolation(void **state)
{
	run_spec("interpolation.json");
}

static void test_spec_inverted(void **state)
{
	run_spec("inverted.json");
}

static void test_spec_partials(void **state)
{
	run_spec("partials.json");
}

static void test_spec_sections(void **state)
{
	run_spec("sections.json");
}

static void test_spec_inheritance(void **state)
{
	run_spec("~inheritance.json");
}

static void test_spec_dynamic_names(void **state)
{
	run_spec("~dynamic-names.json");
}

/* ---- helpers for our own cases ---- */

/* Adds a template that must compile. */
static void add(struct nd_tpl_set *set, const char *name, const char *src)
{
	char *err = NULL;
	int ret = nd_tpl_set_add(set, name, src, strlen(src), &err);

	if (ret)
		fail_msg("template '%s' does not compile: %s", name, err ? err : "?");
	assert_null(err);
}

/* Renders name with the JSON text data and checks the output. */
static void expect_render(struct nd_tpl_set *set, const char *name, const char *data,
                          const char *want)
{
	json_error_t jerr;
	json_t *ctx = json_loads(data, JSON_DECODE_ANY, &jerr);
	struct nd_buf out = ND_BUF_INIT;

	if (!ctx)
		fail_msg("bad test data '%s': %s", data, jerr.text);
	assert_int_equal(nd_tpl_render(set, name, ctx, &out), 0);
	assert_string_equal(out.buf, want);
	assert_int_equal(out.len, strlen(want));
	nd_buf_release(&out);
	json_decref(ctx);
}

/* Compiles one template alone and renders it with data. */
static void expect_one(const char *src, const char *data, const char *want)
{
	struct nd_tpl_set *set = nd_tpl_set_new();

	add(set, "t", src);
	expect_render(set, "t", data, want);
	nd_tpl_set_free(set);
}

/* ---- escaping ---- */

static void test_escaped_by_default(void **state)
{
	const char *data = "{\"v\": \"<script>alert('x&y')</script>\"}";

	expect_one("{{v}}", data, "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;");
	expect_one("{{ v }}", data, "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;");
	expect_one("{{{v}}}", data, "<script>alert('x&y')</script>");
	expect_one("{{&v}}", data, "<script>alert('x&y')</script>");
	expect_one("{{& v }}", data, "<script>alert('x&y')</script>");
	/* In a section and through the implicit iterator too. */
	expect_one("{{#list}}[{{.}}]{{/list}}", "{\"list\": [\"<b>\", \"\\\"q\\\"\"]}",
	           "[&lt;b&gt;][&quot;q&quot;]");
	/* Custom delimiters keep the triple form. */
	expect_one("{{=<% %>=}}<%v%>|<%{v}%>", "{\"v\": \"<i>\"}", "&lt;i&gt;|<i>");
}

static void test_values(void **state)
{
	expect_one("{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}|{{h}}|{{i}}",
	           "{\"a\": 1.21, \"b\": 42, \"c\": -9007199254740993, \"d\": 0.1, \"e\": 1e300,"
	           " \"f\": 0.30000000000000004, \"g\": true, \"h\": false, \"i\": -2.5}",
	           "1.21|42|-9007199254740993|0.1|1e+300|0.30000000000000004|true|false|-2.5");
	/* null, objects and arrays print nothing; neither does a miss. */
	expect_one("[{{n}}{{o}}{{l}}{{missing}}{{o.x.y}}]", "{\"n\": null, \"o\": {}, \"l\": [1]}",
	           "[]");
	/* UTF-8 and embedded NUL-free strings pass through untouched. */
	expect_one("{{s}}", "{\"s\": \"caf\\u00e9 \\u2014 \\ud83d\\ude00\"}",
	           "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80");
}

static void test_truthiness(void **state)
{
	const char *tpl = "{{#v}}yes{{/v}}{{^v}}no{{/v}}";

	expect_one(tpl, "{\"v\": 0}", "no");
	expect_one(tpl, "{\"v\": 0.0}", "no");
	expect_one(tpl, "{\"v\": \"\"}", "no");
	expect_one(tpl, "{\"v\": []}", "no");
	expect_one(tpl, "{\"v\": null}", "no");
	expect_one(tpl, "{\"v\": false}", "no");
	expect_one(tpl, "{}", "no");
	expect_one(tpl, "{\"v\": 1}", "yes");
	expect_one(tpl, "{\"v\": \"0\"}", "yes");
	expect_one(tpl, "{\"v\": {}}", "yes");
	expect_one(tpl, "{\"v\": [0]}", "yes");
	/* A NULL context is an empty one. */
	{
		struct nd_tpl_set *set = nd_tpl_set_new();
		struct nd_buf out = ND_BUF_INIT;

		add(set, "t", "[{{a}}{{.}}{{^a}}none{{/a}}]");
		assert_int_equal(nd_tpl_render(set, "t", NULL, &out), 0);
		assert_string_equal(out.buf, "[none]");
		nd_buf_release(&out);
		nd_tpl_set_free(set);
	}
}

/* ---- syntax errors ---- */

static void expect_syntax(const char *src, const char *want)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	char *err = NULL;

	assert_int_equal(nd_tpl_set_add(set, "article", src, strlen(src), &err), ND_ESYNTAX);
	assert_non_null(err);
	assert_string_equal(err, want);
	assert_false(nd_tpl_set_has(set, "article"));
	free(err);
	/* err may be NULL. */
	assert_int_equal(nd_tpl_set_add(set, "article", src, strlen(src), NULL), ND_ESYNTAX);
	nd_tpl_set_free(set);
}

static void test_syntax_errors(void **state)
{
	expect_syntax("<ul>\n{{#items}}\n<li>{{title}}</li>\n</ul>\n",
	              "article:2: unclosed section 'items'");
	expect_syntax("a\nb\n{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}",
	              "article:5: closing tag 'a' does not match section 'b' opened on line 4");
	expect_syntax("x\n\n{{/a}}", "article:3: closing tag 'a' but no section is open");
	expect_syntax("one\ntwo {{name\nthree", "article:2: unclosed tag: no '}}' after '{{'");
	expect_syntax("one\n{{{name}}\n", "article:2: unclosed tag: no '}}}' after '{{{'");
	expect_syntax("{{=<% %>=}}\n\n<%name", "article:3: unclosed tag: no '%>' after '<%'");
	expect_syntax("\n{{=<%>=}}",
	              "article:2: bad delimiter change '=<%>=': want two delimiters without "
	              "blanks or '=', like {{=<% %>=}}");
	expect_syntax("{{= a= b =}}",
	              "article:1: bad delimiter change '= a= b =': want two delimiters without "
	              "blanks or '=', like {{=<% %>=}}");
	expect_syntax("{{ }}", "article:1: empty tag '{{ }}'");
	expect_syntax("{{#}}{{/}}", "article:1: empty tag '{{}}'");
	expect_syntax("{{first name}}",
	              "article:1: bad tag name 'first name': names have no blanks");
	expect_syntax("{{a..b}}", "article:1: bad name 'a..b': empty part between dots");
	expect_syntax("{{#a.}}{{/a.}}", "article:1: bad name 'a.': empty part between dots");
	expect_syntax("{{<layout}}\n{{$body}}\n", "article:2: unclosed block 'body'");
	expect_syntax("{{<layout}}{{$body}}{{/body}}", "article:1: unclosed parent 'layout'");
	expect_syntax("{{<*x}}{{/x}}",
	              "article:1: closing tag 'x' does not match parent '*x' opened on line 1");
	/* A multi-line comment counts its lines. */
	expect_syntax("{{! one\ntwo\nthree }}\n{{#s}}", "article:4: unclosed section 's'");
}

static void test_nesting_limit(void **state)
{
	struct nd_buf src = ND_BUF_INIT;
	struct nd_tpl_set *set = nd_tpl_set_new();
	char *err = NULL;

	for (int i = 0; i < 100; i++)
		nd_buf_adds(&src, "{{#a}}");
	for (int i = 0; i < 100; i++)
		nd_buf_adds(&src, "{{/a}}");
	assert_int_equal(nd_tpl_set_add(set, "deep", src.buf, src.len, NULL), 0);
	nd_buf_reset(&src);
	for (int i = 0; i < 101; i++)
		nd_buf_adds(&src, "{{#a}}");
	assert_int_equal(nd_tpl_set_add(set, "deeper", src.buf, src.len, &err), ND_ESYNTAX);
	assert_string_equal(err, "deeper:1: sections nested more than 100 deep");
	free(err);
	nd_buf_release(&src);
	nd_tpl_set_free(set);
}

/* ---- the set ---- */

static void test_missing_template(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	struct nd_buf out = ND_BUF_INIT;

	assert_int_equal(nd_tpl_render(set, "nope", NULL, &out), ND_ENOTFOUND);
	add(set, "yes", "y");
	assert_int_equal(nd_tpl_render(set, "nope", NULL, &out), ND_ENOTFOUND);
	assert_int_equal(out.len, 0);
	assert_true(nd_tpl_set_has(set, "yes"));
	assert_false(nd_tpl_set_has(set, "nope"));
	assert_false(nd_tpl_set_has(set, "ye"));
	/* A missing partial renders as nothing. */
	add(set, "p", "[{{>nope}}]");
	expect_render(set, "p", "{}", "[]");
	nd_buf_release(&out);
	nd_tpl_set_free(set);
}

static void test_replace_and_many(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	char name[32], src[64], want[32];

	add(set, "a", "first");
	add(set, "a", "second {{x}}");
	expect_render(set, "a", "{\"x\": 2}", "second 2");
	/* A failed compile keeps the old template. */
	assert_int_equal(nd_tpl_set_add(set, "a", "{{#x}}", 6, NULL), ND_ESYNTAX);
	expect_render(set, "a", "{\"x\": 3}", "second 3");
	/* Enough names to grow the table several times. */
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		snprintf(src, sizeof(src), "%d{{#more}}-{{>t%d}}{{/more}}", i, i + 1);
		add(set, name, src);
	}
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		assert_true(nd_tpl_set_has(set, name));
	}
	expect_render(set, "t10", "{}", "10");
	snprintf(want, sizeof(want), "497-498-499-");
	expect_render(set, "t497", "{\"more\": true}", want);
	nd_tpl_set_free(set);
}

static void test_recursive_partial(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	struct nd_buf out = ND_BUF_INIT;

	add(set, "self", "x{{>self}}");
	add(set, "ping", "{{>pong}}");
	add(set, "pong", "  {{<ping}}{{/ping}}\n");
	add(set, "dyn", "{{>*name}}");
	/* A block whose argument holds the same block expands forever. */
	add(set, "layout", "{{$a}}{{/a}}");
	add(set, "page", "{{<layout}}{{$a}}({{$a}}{{/a}}){{/a}}{{/layout}}");

	assert_int_equal(nd_tpl_render(set, "self", NULL, &out), ND_EINVAL);
	/* out holds what was rendered before the limit. */
	assert_true(out.len >= 64 && out.len <= 65);
	nd_buf_reset(&out);
	assert_int_equal(nd_tpl_render(set, "ping", NULL, &out), ND_EINVAL);
	nd_buf_reset(&out);
	json_t *ctx = json_pack("{s:s}", "name", "dyn");
	assert_int_equal(nd_tpl_render(set, "dyn", ctx, &out), ND_EINVAL);
	json_decref(ctx);
	nd_buf_reset(&out);
	assert_int_equal(nd_tpl_render(set, "page", NULL, &out), ND_EINVAL);

	/* Legitimate recursion that ends renders fine. The leaves need their
	 * own empty "kids": a missing one would be found in the parent's
	 * context and recurse until the limit. */
	nd_buf_reset(&out);
	add(set, "tree", "{{name}}{{#kids}}({{>tree}}){{/kids}}");
	ctx = json_loads("{\"name\":\"a\",\"kids\":[{\"name\":\"b\",\"kids\":[{\"name\":\"c\","
	                 "\"kids\":[]}]},{\"name\":\"d\",\"kids\":[]}]}",
	                 0, NULL);
	assert_int_equal(nd_tpl_render(set, "tree", ctx, &out), 0);
	assert_string_equal(out.buf, "a(b(c))(d)");
	json_decref(ctx);
	nd_buf_release(&out);
	nd_tpl_set_free(set);
}

static void test_deep_sections_bounded(void **state)
{
	/* 99 nested sections in a partial that recurses: 64 partials deep would
	 * be 6400 frames, more than the render allows, so it stops cleanly
	 * well before the partial limit. */
	struct nd_buf src = ND_BUF_INIT, out = ND_BUF_INIT;
	struct nd_tpl_set *set = nd_tpl_set_new();

	for (int i = 0; i < 99; i++)
		nd_buf_adds(&src, "{{#a}}");
	nd_buf_adds(&src, "{{#more}}{{>deep}}{{/more}}");
	for (int i = 0; i < 99; i++)
		nd_buf_adds(&src, "{{/a}}");
	assert_int_equal(nd_tpl_set_add(set, "deep", src.buf, src.len, NULL), 0);
	json_t *ctx = json_pack("{s:b,s:b}", "a", 1, "more", 1);
	assert_int_equal(nd_tpl_render(set, "deep", ctx, &out), ND_EINVAL);
	json_decref(ctx);
	nd_buf_release(&src);
	nd_buf_release(&out);
	nd_tpl_set_free(set);
}

static void test_output_limit(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	struct nd_buf out;
	json_t *ctx = json_pack("{s:[i,i,i,i,i,i,i,i,i,i]}", "n", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

	add(set, "t", "{{#n}}<{{.}}>{{/n}}");
	nd_buf_init(&out, 12);
	assert_int_equal(nd_tpl_render(set, "t", ctx, &out), ND_ETOOBIG);
	assert_true(out.len <= 12);
	assert_string_equal(out.buf, "<1><2><3><4>");
	/* The error is sticky: a later render does nothing. */
	assert_int_equal(nd_tpl_render(set, "t", ctx, &out), ND_ETOOBIG);
	assert_int_equal(out.len, 12);
	nd_buf_release(&out);

	/* Exactly at the limit is fine. */
	nd_buf_init(&out, 13);
	add(set, "u", "{{#n}}{{.}}{{/n}}ab");
	assert_int_equal(nd_tpl_render(set, "u", ctx, &out), 0);
	assert_string_equal(out.buf, "12345678910ab");
	nd_buf_release(&out);
	json_decref(ctx);
	nd_tpl_set_free(set);
}

/* ---- layouts, partials, indentation ---- */

static void test_layout(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();

	add(set, "layout",
	    "<html>\n"
	    "<head><title>{{$title}}News{{/title}}</title></head>\n"
	    "<body>\n"
	    "  {{>header}}\n"
	    "  <main>\n"
	    "    {{$body}}\n"
	    "    <p>nothing</p>\n"
	    "    {{/body}}\n"
	    "  </main>\n"
	    "</body>\n"
	    "</html>\n");
	add(set, "header", "<header>\n  <h1>{{site}}</h1>\n</header>\n");
	add(set, "article",
	    "{{<layout}}\n"
	    "{{$title}}{{title}} - News{{/title}}\n"
	    "{{$body}}\n"
	    "<article>\n"
	    "  <h2>{{title}}</h2>\n"
	    "  {{#tags}}\n"
	    "  <a href=\"/tag/{{slug}}\">{{name}}</a>\n"
	    "  {{/tags}}\n"
	    "</article>\n"
	    "{{/body}}\n"
	    "{{/layout}}\n");
	expect_render(set, "article",
	              "{\"site\": \"Daily\", \"title\": \"Rain & sun\", \"tags\": "
	              "[{\"slug\": \"wx\", \"name\": \"Weather\"}, {\"slug\": \"uk\", "
	              "\"name\": \"<UK>\"}]}",
	              "<html>\n"
	              "<head><title>Rain &amp; sun - News</title></head>\n"
	              "<body>\n"
	              "  <header>\n"
	              "    <h1>Daily</h1>\n"
	              "  </header>\n"
	              "  <main>\n"
	              "    <article>\n"
	              "      <h2>Rain &amp; sun</h2>\n"
	              "      <a href=\"/tag/wx\">Weather</a>\n"
	              "      <a href=\"/tag/uk\">&lt;UK&gt;</a>\n"
	              "    </article>\n"
	              "  </main>\n"
	              "</body>\n"
	              "</html>\n");
	/* The layout alone shows its defaults. */
	expect_render(set, "layout", "{\"site\": \"Daily\"}",
	              "<html>\n"
	              "<head><title>News</title></head>\n"
	              "<body>\n"
	              "  <header>\n"
	              "    <h1>Daily</h1>\n"
	              "  </header>\n"
	              "  <main>\n"
	              "    <p>nothing</p>\n"
	              "  </main>\n"
	              "</body>\n"
	              "</html>\n");
	nd_tpl_set_free(set);
}

static void test_blocks_through_partials(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();

	/* A block in a partial of the layout is overridden too: a partial is a
	 * parent without arguments. */
	add(set, "layout", "[{{>head}}|{{$body}}B{{/body}}]");
	add(set, "head", "{{$title}}T{{/title}}");
	add(set, "page", "{{<layout}}{{$title}}mine{{/title}}{{/layout}}");
	expect_render(set, "page", "{}", "[mine|B]");
	/* Dynamic parent. */
	add(set, "dynpage", "{{<*which}}{{$body}}dyn{{/body}}{{/*which}}");
	expect_render(set, "dynpage", "{\"which\": \"layout\"}", "[T|dyn]");
	expect_render(set, "dynpage", "{\"which\": \"nothing\"}", "");
	expect_render(set, "dynpage", "{\"which\": 3}", "");
	nd_tpl_set_free(set);
}

static void test_partial_indentation(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();

	add(set, "list", "<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n");
	add(set, "item", "<li>\n  {{name}}\n\n</li>\n");
	/* Blank lines of a partial are not indented; interpolated newlines
	 * never are. */
	expect_render(set, "list", "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\\nc\"}]}",
	              "<ul>\n  <li>\n    a\n\n  </li>\n  <li>\n    b\nc\n\n  </li>\n</ul>\n");
	/* Indentation adds up through nested partials. */
	add(set, "outer", "<div>\n  {{>a}}\n</div>\n");
	add(set, "a", "x\n  {{>b}}\ny\n");
	add(set, "b", "1\n2\n");
	expect_render(set, "outer", "{}", "<div>\n  x\n    1\n    2\n  y\n</div>\n");
	/* CRLF lines. */
	add(set, "crlf", "a\r\n  {{>p}}\r\nb\r\n");
	add(set, "p", "x\r\ny\r\n");
	expect_render(set, "crlf", "{}", "a\r\n  x\r\n  y\r\nb\r\n");
	nd_tpl_set_free(set);
}

/* ---- loading a folder ---- */

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_load_dir(void **state)
{
	char dir[] = "/tmp/nd_tpl_XXXXXX", sub[600];
	struct nd_tpl_set *set = nd_tpl_set_new();
	char *big;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "article.mustache", "<h1>{{title}}</h1>{{>footer}}", 29);
	write_file(dir, "footer.mustache", "<footer>{{site}}</footer>\n", 26);
	write_file(dir, "notes.txt", "{{#unclosed}}", 13);
	write_file(dir, ".hidden.mustache", "{{#unclosed}}", 13);
	write_file(dir, ".mustache", "x", 1);
	snprintf(sub, sizeof(sub), "%s/folder.mustache", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	assert_int_equal(nd_tpl_set_load_dir(set, dir), 0);
	assert_true(nd_tpl_set_has(set, "article"));
	assert_true(nd_tpl_set_has(set, "footer"));
	assert_false(nd_tpl_set_has(set, "notes"));
	assert_false(nd_tpl_set_has(set, "notes.txt"));
	assert_false(nd_tpl_set_has(set, ".hidden"));
	assert_false(nd_tpl_set_has(set, "folder"));
	assert_false(nd_tpl_set_has(set, "article.mustache"));
	expect_render(set, "article", "{\"title\": \"T<\", \"site\": \"S\"}",
	              "<h1>T&lt;</h1><footer>S</footer>\n");

	/* A syntax error stops the load. */
	write_file(dir, "broken.mustache", "ok\n{{#s}}\n", 10);
	assert_int_equal(nd_tpl_set_load_dir(set, dir), ND_ESYNTAX);
	assert_false(nd_tpl_set_has(set, "broken"));
	snprintf(sub, sizeof(sub), "%s/broken.mustache", dir);
	assert_int_equal(unlink(sub), 0);

	/* Exactly the limit loads; one byte more does not. */
	big = malloc(ND_MAX_TEMPLATE + 1);
	assert_non_null(big);
	memset(big, 'x', ND_MAX_TEMPLATE + 1);
	write_file(dir, "big.mustache", big, ND_MAX_TEMPLATE);
	assert_int_equal(nd_tpl_set_load_dir(set, dir), 0);
	assert_true(nd_tpl_set_has(set, "big"));
	write_file(dir, "huge.mustache", big, ND_MAX_TEMPLATE + 1);
	assert_int_equal(nd_tpl_set_load_dir(set, dir), ND_ETOOBIG);
	assert_false(nd_tpl_set_has(set, "huge"));
	assert_int_equal(nd_tpl_set_add(set, "huge", big, ND_MAX_TEMPLATE + 1, NULL), ND_ETOOBIG);
	free(big);

	remove_tree(dir);
	assert_int_equal(nd_tpl_set_load_dir(set, dir), ND_EIO);
	nd_tpl_set_free(set);
}

/* ---- threads ---- */

struct job {
	const struct nd_tpl_set *set;
	const json_t *ctx;
	const char *want;
	int bad;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	struct nd_buf out = ND_BUF_INIT;

	for (int i = 0; i < 200; i++) {
		nd_buf_reset(&out);
		if (nd_tpl_render(j->set, "page", j->ctx, &out) || strcmp(out.buf, j->want))
			j->bad++;
	}
	nd_buf_release(&out);
	return NULL;
}

static void test_concurrent_render(void **state)
{
	struct nd_tpl_set *set = nd_tpl_set_new();
	pthread_t th[4];
	struct job jobs[4];
	json_t *ctx = json_loads("{\"items\": [{\"n\": 1}, {\"n\": 2}], \"t\": \"<T>\"}", 0, NULL);

	add(set, "layout", "<{{$b}}{{/b}}>\n");
	add(set, "row", "  {{n}}\n");
	add(set, "page",
	    "{{<layout}}{{$b}}\n{{t}}\n{{#items}}\n{{>row}}\n{{/items}}\n{{/b}}"
	    "{{/layout}}");
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){set, ctx, "<&lt;T&gt;\n  1\n  2\n>\n", 0};
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].bad, 0);
	}
	json_decref(ctx);
	nd_tpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_comments),
	    cmocka_unit_test(test_spec_delimiters),
	    cmocka_unit_test(test_spec_interpolation),
	    cmocka_unit_test(test_spec_inverted),
	    cmocka_unit_test(test_spec_partials),
	    cmocka_unit_test(test_spec_sections),
	    cmocka_unit_test(test_spec_inheritance),
	    cmocka_unit_test(test_spec_dynamic_names),
	    cmocka_unit_test(test_escaped_by_default),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_truthiness),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_nesting_limit),
	    cmocka_unit_test(test_missing_template),
	    cmocka_unit_test(test_replace_and_many),
	    cmocka_unit_test(test_recursive_partial),
	    cmocka_unit_test(test_deep_sections_bounded),
	    cmocka_unit_test(test_output_limit),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_blocks_through_partials),
	    cmocka_unit_test(test_partial_indentation),
	    cmocka_unit_test(test_load_dir),
	    cmocka_unit_test(test_concurrent_render),
	};

	/* Errors under test would otherwise fill the output; the tests check
	 * the messages through the err argument. */
	nd_log_level = ND_LOG_NONE;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
