/*
 * Tests for src/wire/parse.c: RSS and Atom feeds. Most cases are files from
 * feedparser's test suite (tests/data/feeds/, BSD-2-Clause, see its
 * LICENSE): each begins with a comment whose "Expect:" line is a Python
 * expression; the simple ones, "entries[0]['title'] == u'...'" and the like
 * for title, link, id and author and "feed['title']" / "feed['link']", are
 * read and checked here against what the parser makes of the file.
 * ND_FEEDS_DIR=DIR runs them over another folder (the whole suite).
 */
#include "helpers/cmocka.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <strings.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/buf.h"
#include "core/err.h"
#include "wire/parse.h"
#include "wire/sanitize.h"

/* A Python string literal's body (after the opening quote) into UTF-8;
 * returns false when it is not one this test reads. */
static bool py_string(const char *s, struct nd_buf *out)
{
	for (; *s && *s != '\''; s++) {
		if (*s != '\\') {
			nd_buf_addch(out, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'x':
		case 'u': {
			int n = *s == 'x' ? 2 : 4;
			char hex[5] = {0};
			utf8proc_uint8_t u8[4];

			memcpy(hex, s + 1, (size_t)n);
			nd_buf_add(out, (const char *)u8,
			           (size_t)utf8proc_encode_char(
			               (utf8proc_int32_t)strtoul(hex, NULL, 16), u8));
			s += n;
			break;
		}
		case 'n': nd_buf_addch(out, '\n'); break;
		case 't': nd_buf_addch(out, '\t'); break;
		case '\'':
		case '\\':
		case '"': nd_buf_addch(out, *s); break;
		default: return false;
		}
	}
	return *s == '\'';
}

struct expect {
	char field[16]; /* "title", "link", "id", "author" */
	bool feed;      /* feed[...] rather than entries[0][...] */
	struct nd_buf value;
};

static bool read_expect(const char *text, struct expect *e)
{
	const char *p = strstr(text, "Expect:");
	const char *q;
	size_t n;

	if (!p)
		return false;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "not bozo and ", 13))
		p += 13;
	if (!strncmp(p, "entries[0]['", 12)) {
		e->feed = false;
		p += 12;
	} else if (!strncmp(p, "feed['", 6)) {
		e->feed = true;
		p += 6;
	} else {
		return false;
	}
	q = strchr(p, '\'');
	if (!q || (n = (size_t)(q - p)) >= sizeof(e->field))
		return false;
	memcpy(e->field, p, n);
	e->field[n] = '\0';
	if (strcmp(e->field, "title") && strcmp(e->field, "link") && strcmp(e->field, "id") &&
	    strcmp(e->field, "author"))
		return false;
	if (e->feed && strcmp(e->field, "title") && strcmp(e->field, "link"))
		return false;
	p = q + 1;
	if (strncmp(p, "] == ", 5))
		return false;
	p += 5;
	if (*p == 'u')
		p++;
	if (*p != '\'')
		return false;
	if (!py_string(p + 1, &e->value))
		return false;
	return true;
}

static const char *got_value(const struct nd_wire_feed *f, const struct expect *e)
{
	if (e->feed)
		return !strcmp(e->field, "title") ? f->title : f->link;
	if (!f->item_count)
		return NULL;
	if (!strcmp(e->field, "title"))
		return f->items[0].title;
	if (!strcmp(e->field, "link"))
		return f->items[0].link;
	if (!strcmp(e->field, "id"))
		return f->items[0].guid;
	return f->items[0].author;
}

static void test_feedparser_files(void **state)
{
	const char *dir =
	    getenv("ND_FEEDS_DIR") ? getenv("ND_FEEDS_DIR") : ND_SOURCE_DIR "/tests/data/feeds";
	DIR *d = opendir(dir);
	struct dirent *de;
	int checked = 0, failed = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[4096];
		struct nd_buf data = ND_BUF_INIT, why = ND_BUF_INIT;
		struct expect e = {.value = ND_BUF_INIT};
		struct nd_wire_feed f;
		const char *got;
		char url[4200];

		if (!strstr(de->d_name, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(nd_buf_read_file(&data, path, "feed"), 0);
		if (!read_expect(data.buf, &e)) {
			nd_buf_release(&data);
			nd_buf_release(&e.value);
			continue;
		}
		/* feedparser's suite serves the files from this URL. */
		snprintf(url, sizeof(url), "http://127.0.0.1:8097/tests/%s", de->d_name);
		if (nd_wire_parse(data.buf, data.len, url, NULL, &f, &why)) {
			fprintf(stderr, "FAIL %s: does not parse: %s\n", de->d_name, why.buf);
			failed++;
		} else {
			got = got_value(&f, &e);
			if (!got || strcmp(got, e.value.buf)) {
				fprintf(stderr, "FAIL %s: %s['%s'] is '%s', expected '%s'\n",
				        de->d_name, e.feed ? "feed" : "entries[0]", e.field,
				        got ? got : "(none)", e.value.buf);
				failed++;
			}
			nd_wire_feed_release(&f);
		}
		checked++;
		nd_buf_release(&data);
		nd_buf_release(&why);
		nd_buf_release(&e.value);
	}
	closedir(d);
	fprintf(stderr, "feedparser cases: %d checked, %d failed\n", checked, failed);
	assert_true(checked >= 40 || getenv("ND_FEEDS_DIR"));
	assert_int_equal(failed, 0);
}

static struct nd_wire_feed parse_ok(const char *xml, const char *url)
{
	struct nd_wire_feed f;
	struct nd_buf why = ND_BUF_INIT;

	if (nd_wire_parse(xml, strlen(xml), url, NULL, &f, &why))
		fail_msg("does not parse: %s", why.buf);
	nd_buf_release(&why);
	return f;
}

static void test_rss2_item(void **state)
{
	struct nd_wire_feed f = parse_ok(
	    "<?xml version='1.0'?><rss version='2.0' "
	    "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
	    "<title>Wire</title><link>http://example.com/</link>"
	    "<item><title>  Storm &amp; rain\n hit coast </title><link> /news/1 </link>"
	    "<guid isPermaLink='false'>abc-1</guid>"
	    "<description>&lt;p&gt;Short&lt;/p&gt;</description>"
	    "<content:encoded><![CDATA[<p>Long <b>story</b></p>]]></content:encoded>"
	    "<pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
	    "<author>jane@example.com (Jane Doe)</author>"
	    "<category>Weather</category><category>weather</category><category>Coast</category>"
	    "</item><item><title>Second</title></item></channel></rss>",
	    "http://example.com/feed.xml");

	assert_string_equal(f.title, "Wire");
	assert_int_equal(f.item_count, 2);
	assert_string_equal(f.items[0].title, "Storm & rain hit coast");
	assert_string_equal(f.items[0].link, "http://example.com/news/1");
	assert_string_equal(f.items[0].guid, "abc-1");
	assert_string_equal(f.items[0].summary, "<p>Short</p>");
	assert_string_equal(f.items[0].content, "<p>Long <b>story</b></p>");
	assert_int_equal(f.items[0].published, 1055217600);
	assert_string_equal(f.items[0].author, "Jane Doe");
	assert_int_equal(f.items[0].tag_count, 2);
	assert_string_equal(f.items[0].tags[1], "Coast");
	assert_int_equal(f.items[1].published, 0);
	assert_null(f.items[1].link);
	nd_wire_feed_release(&f);
}

/* Found by fuzz/fuzz_wire.c: a second permalink guid leaked the first's
 * URL (the ASan build's leak check fails this test without the fix). */
static void test_repeated_guid(void **state)
{
	struct nd_wire_feed f = parse_ok("<rss version=\"2.0\"><channel><item><title>T</title>"
	                                 "<guid>http://a.example/1</guid>"
	                                 "<guid>/2</guid></item></channel></rss>",
	                                 "http://b.example/feed");

	assert_int_equal(f.item_count, 1);
	assert_string_equal(f.items[0].link, "http://b.example/2");
	nd_wire_feed_release(&f);
}

static void test_atom_item(void **state)
{
	struct nd_wire_feed f = parse_ok(
	    "<feed xmlns='http://www.w3.org/2005/Atom' xml:base='http://example.org/blog/'>"
	    "<title type='html'>A &lt;b&gt;bold&lt;/b&gt; feed</title>"
	    "<author><name>Feed Author</name></author>"
	    "<entry xml:base='posts/'><title>Entry</title><id>urn:x:1</id>"
	    "<link rel='edit' href='edit/1'/><link href='one.html'/>"
	    "<updated>2024-03-01T12:00:00+01:00</updated>"
	    "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>Hi "
	    "<a href='two.html'>there</a></p></div></content>"
	    "<category term='Tech'/></entry></feed>",
	    "http://example.org/feed");

	assert_string_equal(f.title, "A bold feed");
	assert_int_equal(f.item_count, 1);
	assert_string_equal(f.items[0].link, "http://example.org/blog/posts/one.html");
	assert_string_equal(f.items[0].guid, "urn:x:1");
	assert_string_equal(f.items[0].author, "Feed Author");
	assert_int_equal(f.items[0].published, 1709290800);
	assert_non_null(strstr(f.items[0].content, "<a href=\"two.html\">there</a>"));
	assert_string_equal(f.items[0].base, "http://example.org/blog/posts/");
	assert_string_equal(f.items[0].tags[0], "Tech");
	nd_wire_feed_release(&f);
}

static void test_rdf_and_entities(void **state)
{
	struct nd_wire_feed f =
	    parse_ok("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
	             "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
	             "<channel rdf:about='http://e.com/'><title>T&nbsp;1</title></channel>"
	             "<item rdf:about='http://e.com/a'><title>Caf&eacute; &mdash; ok</title>"
	             "<link>http://e.com/a</link><dc:date>2002-09-07T00:00:01Z</dc:date>"
	             "<dc:creator>Ann</dc:creator></item></rdf:RDF>",
	             NULL);

	assert_string_equal(f.title, "T\xc2\xa0"
	                             "1");
	assert_int_equal(f.item_count, 1);
	assert_string_equal(f.items[0].title, "Caf\xc3\xa9 \xe2\x80\x94 ok");
	assert_string_equal(f.items[0].guid, "http://e.com/a");
	assert_string_equal(f.items[0].author, "Ann");
	assert_int_equal(f.items[0].published, 1031356801);
	nd_wire_feed_release(&f);
}

static void test_no_xxe(void **state)
{
	/* An external entity is neither loaded nor expanded, and neither is
	 * an internal one: one big entity referenced many times would cost
	 * memory out of all proportion to the feed (no real feed declares
	 * entities). HTML's names still work. */
	struct nd_wire_feed f = parse_ok(
	    "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>"
	    "<!ENTITY big 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'>]>"
	    "<rss><channel><item><title>a&xxe;b &big;&big;&big;&eacute;</title>"
	    "</item></channel></rss>",
	    NULL);

	assert_string_equal(f.items[0].title, "ab \u00e9");
	nd_wire_feed_release(&f);
}

static void test_broken(void **state)
{
	struct nd_wire_feed f;
	struct nd_buf why = ND_BUF_INIT;

	assert_int_equal(nd_wire_parse("not xml at all", 14, NULL, NULL, &f, &why), ND_ESYNTAX);
	assert_non_null(strstr(why.buf, "not XML"));
	nd_buf_reset(&why);
	assert_int_equal(nd_wire_parse("<html><body>x</body></html>", 27, NULL, NULL, &f, &why),
	                 ND_EINVAL);
	assert_string_equal(why.buf, "root element 'html' is not RSS, RDF or Atom");
	nd_buf_reset(&why);
	assert_int_equal(nd_wire_parse("", 0, NULL, NULL, &f, &why), ND_ESYNTAX);
	nd_buf_release(&why);
	/* Cut off mid-way: what came before is kept. */
	f = parse_ok("<rss><channel><item><title>One</title></item><item><title>Tw", NULL);
	assert_true(f.item_count >= 1);
	assert_string_equal(f.items[0].title, "One");
	nd_wire_feed_release(&f);
}

static void test_charset(void **state)
{
	/* ISO-8859-1 declared in the prolog, and the same bytes named by HTTP. */
	const char doc[] = "<?xml version='1.0' encoding='iso-8859-1'?><rss><channel><item>"
	                   "<title>Caf\xe9</title></item></channel></rss>";
	const char bare[] = "<rss><channel><item><title>Caf\xe9</title></item></channel></rss>";
	struct nd_wire_feed f;
	struct nd_buf why = ND_BUF_INIT;

	f = parse_ok(doc, NULL);
	assert_string_equal(f.items[0].title, "Caf\xc3\xa9");
	nd_wire_feed_release(&f);
	assert_int_equal(nd_wire_parse(bare, strlen(bare), NULL, "ISO-8859-1", &f, &why), 0);
	assert_string_equal(f.items[0].title, "Caf\xc3\xa9");
	nd_wire_feed_release(&f);
	nd_buf_release(&why);
}

static int suite_files, suite_parsed, suite_items;

/* Every item's HTML through both sanitiser outputs: nothing unsafe may come out. */
static void sanitise_all(const struct nd_wire_item *it)
{
	const char *fields[] = {it->content, it->summary};

	for (size_t i = 0; i < 2; i++) {
		struct nd_buf h = ND_BUF_INIT, m = ND_BUF_INIT;

		if (!fields[i])
			continue;
		nd_sanitize_html(fields[i], strlen(fields[i]), it->base, &h);
		nd_sanitize_markdown(fields[i], strlen(fields[i]), it->base, &m);
		if (strcasestr(h.buf, "<script") || strcasestr(h.buf, "href=\"javascript") ||
		    strcasestr(h.buf, " style=") || strcasestr(h.buf, " onclick=") ||
		    strcasestr(h.buf, "<iframe"))
			fail_msg("unsafe HTML kept: %s", h.buf);
		if (strcasestr(m.buf, "](javascript") || strcasestr(m.buf, "](data:"))
			fail_msg("unsafe link kept: %s", m.buf);
		nd_buf_release(&h);
		nd_buf_release(&m);
	}
}

static int suite_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct nd_buf data = ND_BUF_INIT, why = ND_BUF_INIT;
	struct nd_wire_feed f;

	if (type != FTW_F || !strstr(path, ".xml"))
		return 0;
	suite_files++;
	assert_int_equal(nd_buf_read_file(&data, path, "feed"), 0);
	if (nd_wire_parse(data.buf, data.len, "http://example.com/feed/", NULL, &f, &why) == 0) {
		suite_parsed++;
		for (size_t i = 0; i < f.item_count; i++) {
			suite_items++;
			sanitise_all(&f.items[i]);
		}
		nd_wire_feed_release(&f);
	}
	nd_buf_release(&data);
	nd_buf_release(&why);
	return 0;
}

/*
 * Robustness: every file of feedparser's suite (well-formed, ill-formed,
 * odd encodings, entities; about 1,100) parses or is refused cleanly, and
 * every item's HTML sanitises to something safe. Skipped when the shared
 * data is not there.
 */
static void test_whole_suite(void **state)
{
	const char *dir = ND_SHARED_DIR "/data/feedparser-tests";
	struct stat st;

	if (stat(dir, &st)) {
		fprintf(stderr, "skipped: no '%s'\n", dir);
		skip();
	}
	assert_int_equal(nftw(dir, suite_file, 16, FTW_PHYS), 0);
	fprintf(stderr, "feedparser suite: %d files, %d parsed, %d items sanitised\n", suite_files,
	        suite_parsed, suite_items);
	assert_true(suite_files > 1000);
	assert_true(suite_parsed > suite_files * 9 / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_feedparser_files), cmocka_unit_test(test_rss2_item),
	    cmocka_unit_test(test_atom_item),        cmocka_unit_test(test_repeated_guid),
	    cmocka_unit_test(test_rdf_and_entities), cmocka_unit_test(test_no_xxe),
	    cmocka_unit_test(test_broken),           cmocka_unit_test(test_charset),
	    cmocka_unit_test(test_whole_suite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
