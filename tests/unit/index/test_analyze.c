#include "helpers/cmocka.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "core/str.h"
#include "index/analyze.h"
#include "index/analyze_int.h"

/*
 * Collects terms as one string: "well known us" (terms()), or with their
 * positions and flags, "the/0* who/1*" (positions()), so a test compares a
 * whole analysis in one assertion and a failure shows all of it.
 */
struct collect {
	struct nd_buf out;
	bool with_pos;
	size_t text_len;
	uint32_t last_pos;
	size_t count;
};

static void collect_cb(void *ctx, const struct nd_term *t)
{
	struct collect *c = ctx;

	/* What every caller may rely on, checked on every term of every test. */
	assert_true(t->len > 0 && t->len <= ND_TERM_MAX);
	assert_int_equal(strlen(t->p), t->len);
	assert_true(nd_utf8_valid(t->p, t->len, NULL));
	assert_true(t->start < t->end && t->end <= c->text_len);
	assert_true(c->count == 0 || t->pos >= c->last_pos);
	for (size_t k = 0; k < t->len; k++)
		assert_true(t->p[k] != ' ' && !(t->p[k] >= 'A' && t->p[k] <= 'Z'));
	c->last_pos = t->pos;
	c->count++;

	if (c->out.len)
		nd_buf_addch(&c->out, ' ');
	nd_buf_add(&c->out, t->p, t->len);
	if (c->with_pos)
		nd_buf_addf(&c->out, "/%u%s", (unsigned)t->pos, t->flags & ND_TERM_STOP ? "*" : "");
}

static char result[4096];

static const char *analyze(const char *lang, const char *text, size_t len, unsigned opts,
                           bool with_pos, uint32_t *npos)
{
	struct nd_analyzer *an = nd_analyzer_new(lang);
	struct collect c = {.with_pos = with_pos, .text_len = len};
	uint32_t n;

	nd_buf_init(&c.out, 0);
	n = nd_analyze(an, text, len, opts, collect_cb, &c);
	if (npos)
		*npos = n;
	assert_true(c.count == 0 || c.last_pos < n);
	snprintf(result, sizeof(result), "%s", c.out.buf);
	nd_buf_release(&c.out);
	nd_analyzer_free(an);
	return result;
}

static const char *terms(const char *lang, const char *text)
{
	return analyze(lang, text, strlen(text), 0, false, NULL);
}

static const char *positions(const char *lang, const char *text, unsigned opts)
{
	return analyze(lang, text, strlen(text), opts, true, NULL);
}

static void test_punctuation(void **state)
{
	/* "xx" is no language: no stop words, no stemming, so what is left
	 * is segmentation and folding. */
	assert_string_equal(terms("xx", "Hello, world! (foo) [bar]; a_b x/y \"q\" -- ok..."),
	                    "hello world foo bar a b x y q ok");
	assert_string_equal(terms("xx", "mail me@example.com or see https://www.example.com/a?q=1"),
	                    "mail me example com or see https www example com a q 1");
	assert_string_equal(terms("xx", "AT&T #hashtag @user C++ 50¢ 3×4 «guillemets» “quotes”"),
	                    "at t hashtag user c 50 3 4 guillemets quotes");
	assert_string_equal(terms("xx", ""), "");
	assert_string_equal(terms("xx", " \t\r\n.,;:!?-'’"), "");
}

static void test_numbers(void **state)
{
	assert_string_equal(terms("xx", "6.1 1,000 3.5% 1,000,000.25 -42 $1,000 0.5"),
	                    "6.1 1000 3.5 1000000.25 42 1000 0.5");
	/* Malformed groupings split at every separator, consistently. */
	assert_string_equal(terms("xx", "12.03.2009 192.168.1.1 3,5 10000,000 1,00"),
	                    "12 03 2009 192 168 1 1 3 5 10000 000 1 00");
	/* A number ends before a final point; letters may follow it. */
	assert_string_equal(terms("xx", "In 1987. In 1987, then 2009-era 1990s 3.5m v1.2"),
	                    "in 1987 in 1987 then 2009 era 1990s 3.5m v1 2");
	/* Languages that write 1.000,5 (and group with a no-break space). */
	assert_string_equal(terms("fr", "3,5 % 1.000.000 1\xc2\xa0"
	                                "000 1\xe2\x80\xaf"
	                                "000,25 1,000"),
	                    "3.5 1000000 1000 1000.25 1.000");
	assert_string_equal(terms("de", "1.234,5 Euro"), "1234.5 euro");
	/* English has no no-break-space grouping. */
	assert_string_equal(terms("en", "1\xc2\xa0"
	                                "000"),
	                    "1 000");
	/* Numbers are not stemmed: an English stemmer would cut "1990s". */
	assert_string_equal(terms("en", "1990s g7s"), "1990s g7s");
}

static void test_hyphens(void **state)
{
	assert_string_equal(positions("xx", "well-known state-of-the-art e-mail", 0),
	                    "well/0 known/1 state/2 of/3 the/4 art/5 e/6 mail/7");
	/* Stop words inside still take their positions. */
	assert_string_equal(positions("en", "state-of-the-art", 0), "state/0 art/3");
	/* Other dashes and a soft hyphen (which joins). */
	assert_string_equal(terms("xx", "pre\xe2\x80\x93war co\xc2\xad"
	                                "operate"),
	                    "pre war cooperate");
}

static void test_apostrophes(void **state)
{
	assert_string_equal(terms("xx", "don't O'Neill Obama's rock'n'roll students' 'quoted'"),
	                    "dont oneill obama rocknroll students quoted");
	/* Typographic and modifier apostrophes act like the ASCII one. */
	assert_string_equal(terms("xx", "don\xe2\x80\x99t Obama\xe2\x80\x99s Hawai\xca\xbci"),
	                    "dont obama hawaii");
	/* Only between letters: a leading or trailing one is punctuation. */
	assert_string_equal(terms("xx", "'90s rock' n' roll"), "90s rock n roll");
	/* In English the possessive goes and contractions are stop words. */
	assert_string_equal(terms("en", "Obama's plan didn't work; it's the U.S.'s turn"),
	                    "obama plan work us turn");
	/* French and Italian drop elided articles and pronouns. */
	assert_string_equal(terms("fr", "L'homme d\xe2\x80\x99"
	                                "accord qu'il aujourd'hui"),
	                    "homm accord aujourdhui");
	assert_string_equal(terms("it", "dell'Europa l'anno un'altra"), "europ anno altra");
	/* Elision is French and Italian: in English "d'" is part of a name. */
	assert_string_equal(terms("en", "d'Estaing"), "desta"); /* stem of "destaing" */
	assert_string_equal(terms("xx", "l'homme"), "lhomme");
}

static void test_acronyms(void **state)
{
	assert_string_equal(terms("xx", "U.S. U.K. e.g. U.S.A. i.e."), "us uk eg usa ie");
	/* Not acronyms: an initial before a name, a sentence end, a domain. */
	assert_string_equal(terms("xx", "J.Smith plan A.Then example.com"),
	                    "j smith plan a then example com");
	/* "us" is not an English stop word because of the U.S. */
	assert_string_equal(terms("en", "the U.S. economy"), "us economi");
}

static void test_nfkc(void **state)
{
	assert_string_equal(terms("xx", "\xef\xac\x81nance"), "finance"); /* ﬁ */
	assert_string_equal(terms("xx", "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3"),
	                    "abc");                                             /* ＡＢＣ */
	assert_string_equal(terms("xx", "\xef\xbc\x91\xef\xbc\x92"), "12");     /* １２ */
	assert_string_equal(terms("xx", "\xe2\x85\xab \xe2\x91\xa0"), "xii 1"); /* Ⅻ ① */
	/* Composed and decomposed é are one term; the accent stays. */
	assert_string_equal(terms("xx", "caf\xc3\xa9 cafe\xcc\x81"), "caf\xc3\xa9 caf\xc3\xa9");
	/* Zero-width joiners inside a word disappear. */
	assert_string_equal(terms("xx", "zero\xe2\x80\x8dwidth"), "zerowidth");
	/* A zero-width space separates, as Thai and Khmer use it. */
	assert_string_equal(terms("xx", "two\xe2\x80\x8bwords"), "two words");
}

static void test_case_folding(void **state)
{
	assert_string_equal(terms("xx", "Stra\xc3\x9f"
	                                "e STRASSE"),
	                    "strasse strasse");
	/* İ folds to a plain i (not i + combining dot), in every language. */
	assert_string_equal(terms("xx", "\xc4\xb0stanbul ISTANBUL"), "istanbul istanbul");
	/* Turkish: I is the capital of dotless ı. */
	assert_string_equal(terms("az", "\xc4\xb0zmir ISPARTA Istanbul"),
	                    "izmir \xc4\xb1sparta \xc4\xb1stanbul");
	/* Greek: final sigma folds to σ; accents stay without a stemmer. */
	assert_string_equal(
	    terms("xx", "\xce\x9f\xce\x94\xce\x9f\xce\xa3 \xce\xbf\xce\xb4\xce\xbf\xcf\x82"),
	    "\xce\xbf\xce\xb4\xce\xbf\xcf\x83 \xce\xbf\xce\xb4\xce\xbf\xcf\x83");
	/* Cyrillic and Armenian capitals. */
	assert_string_equal(terms("xx", "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90"),
	                    "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0"); /* МОСКВА */
}

struct one_term {
	char term[256];
	int count;
	unsigned flags;
};

static void one_term_cb(void *ctx, const struct nd_term *t)
{
	struct one_term *o = ctx;

	snprintf(o->term, sizeof(o->term), "%s", t->p);
	o->flags = t->flags;
	o->count++;
}

/*
 * Every letter and number of Unicode, in a word after "a", folds as
 * utf8proc_NFKC_Casefold() folds it (less spaces; İ and ʼ have their own
 * tests), whether the word takes the fast path (characters NFKC leaves
 * alone) or utf8proc.
 */
static void test_fold_all_letters(void **state)
{
	struct nd_analyzer *an = nd_analyzer_new("xx");
	size_t checked = 0;

	for (int32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
		utf8proc_category_t cat = utf8proc_category(cp);
		struct one_term o = {.count = 0};
		unsigned char word[8] = "a";
		utf8proc_uint8_t *want;
		size_t len = 1, k = 0;

		if (cp == 0x130 || cp == 0x2BC /* an apostrophe here */ ||
		    cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO ||
		    (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME))
			continue;
		len += (size_t)utf8proc_encode_char(cp, word + 1);
		nd_analyze(an, (const char *)word, len, 0, one_term_cb, &o);
		if (o.count != 1 || (o.flags & ND_TERM_NGRAM))
			continue; /* a CJK character, or one that splits off */
		word[len] = '\0';
		want = utf8proc_NFKC_Casefold(word);
		for (size_t i = 0; want[i]; i++)
			if (want[i] != ' ')
				want[k++] = want[i];
		want[k] = '\0';
		if (strcmp(o.term, (const char *)want))
			fail_msg("U+%04X folds to '%s', not '%s'", (unsigned)cp, o.term, want);
		free(want);
		checked++;
	}
	assert_true(checked > 20000); /* Unicode 15: 26,716 */
	nd_analyzer_free(an);
}

static void test_non_latin(void **state)
{
	/* Russian, stemmed: Книгами → книг, Москве → москв; "в" is kept (no
	 * Russian stop list). */
	assert_string_equal(
	    terms("ru", "\xd0\x9a\xd0\xbd\xd0\xb8\xd0\xb3\xd0\xb0\xd0\xbc\xd0\xb8 "
	                "\xd0\xb2 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb5"),
	    "\xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3 \xd0\xb2 \xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2");
	/* Greek, folded then stemmed (the stemmer drops accents): Καλημέρα. */
	assert_string_equal(
	    terms("el", "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1"),
	    "\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xb5\xcf\x81");
	/* Arabic: الكتاب → كتاب. */
	assert_string_equal(terms("ar", "\xd8\xa7\xd9\x84\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8"),
	                    "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8");
	/* Japanese: 東京都に住む。日本 → bigrams within each run. */
	assert_string_equal(
	    positions("ja",
	              "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd\xe3\x81\xab"
	              "\xe4\xbd\x8f\xe3\x82\x80\xe3\x80\x82\xe6\x97\xa5\xe6\x9c\xac",
	              0),
	    "\xe6\x9d\xb1\xe4\xba\xac/0 \xe4\xba\xac\xe9\x83\xbd/1 \xe9\x83\xbd\xe3\x81\xab/2 "
	    "\xe3\x81\xab\xe4\xbd\x8f/3 \xe4\xbd\x8f\xe3\x82\x80/4 \xe6\x97\xa5\xe6\x9c\xac/5");
	/* Chinese: a lone character is a unigram; 北京大学 → 北京 京大 大学. */
	assert_string_equal(
	    terms("zh", "\xe4\xb8\xad \xe5\x8c\x97\xe4\xba\xac\xe5\xa4\xa7\xe5\xad\xa6"),
	    "\xe4\xb8\xad \xe5\x8c\x97\xe4\xba\xac \xe4\xba\xac\xe5\xa4\xa7 "
	    "\xe5\xa4\xa7\xe5\xad\xa6");
	/* Korean: 한국어 → 한국 국어. */
	assert_string_equal(terms("ko", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"),
	                    "\xed\x95\x9c\xea\xb5\xad \xea\xb5\xad\xec\x96\xb4");
	/* Halfwidth katakana with voiced marks: ｶﾞｷﾞ → ガギ, one bigram. */
	assert_string_equal(terms("ja", "\xef\xbd\xb6\xef\xbe\x9e\xef\xbd\xb7\xef\xbe\x9e"),
	                    "\xe3\x82\xac\xe3\x82\xae");
	/* Thai is bigrammed like CJK: ภาษา → ภา าษ ษา. */
	assert_string_equal(
	    terms("th", "\xe0\xb8\xa0\xe0\xb8\xb2\xe0\xb8\xa9\xe0\xb8\xb2"),
	    "\xe0\xb8\xa0\xe0\xb8\xb2 \xe0\xb8\xb2\xe0\xb8\xa9 \xe0\xb8\xa9\xe0\xb8\xb2");
	/* A change of script ends a word: 日本語text → 日本 本語 text. */
	assert_string_equal(terms("xx", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9etext"),
	                    "\xe6\x97\xa5\xe6\x9c\xac \xe6\x9c\xac\xe8\xaa\x9e text");
	/* Devanagari vowel signs (combining marks) stay inside the word. */
	assert_string_equal(
	    terms("xx", "\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82\xe0\xa4\xa6\xe0\xa5\x80 x"),
	    "\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82\xe0\xa4\xa6\xe0\xa5\x80 x"); /* हिंदी */
}

static void test_offsets(void **state)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct collect c = {.with_pos = true};
	const char *text = "Obama's U.S. caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87";

	/* Spans cover the input that made each term, for highlighting. */
	nd_buf_init(&c.out, 0);
	c.text_len = strlen(text);
	nd_analyze(an, text, c.text_len, 0, collect_cb, &c);
	assert_string_equal(c.out.buf, "obama/0 us/1 caf\xc3\xa9/2 \xe4\xb8\xad\xe6\x96\x87/3");
	nd_buf_release(&c.out);
	nd_analyzer_free(an);
}

struct span {
	size_t start[8], end[8];
	size_t n;
};

static void span_cb(void *ctx, const struct nd_term *t)
{
	struct span *s = ctx;

	if (s->n < 8) {
		s->start[s->n] = t->start;
		s->end[s->n] = t->end;
	}
	s->n++;
}

static void test_spans(void **state)
{
	struct nd_analyzer *an = nd_analyzer_new("fr");
	const char *text = "Obama's l'homme 1,5 \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97";
	struct span s = {0};

	nd_analyze(an, text, strlen(text), 0, span_cb, &s);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.start[0], 0); /* "Obama's" with its 's */
	assert_int_equal(s.end[0], 7);
	assert_int_equal(s.start[1], 10); /* "homme", without "l'" */
	assert_int_equal(s.end[1], 15);
	assert_int_equal(s.start[2], 16); /* "1,5" */
	assert_int_equal(s.end[2], 19);
	assert_int_equal(s.start[3], 20); /* 中文, then 文字: they overlap */
	assert_int_equal(s.end[3], 26);
	assert_int_equal(s.start[4], 23);
	assert_int_equal(s.end[4], 29);
	nd_analyzer_free(an);
}

static void test_invalid_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
	    {"abc\xff"
	     "def",
	     7, "abc def"},
	    {"caf\xc3", 4, "caf"},    /* cut short at the end */
	    {"caf\xc3x", 5, "caf x"}, /* cut short inside */
	    {"a\xc0\xaf"
	     "b",
	     4, "a b"}, /* overlong '/' */
	    {"a\xed\xa0\x80"
	     "b",
	     5, "a b"}, /* surrogate */
	    {"a\xf4\x90\x80\x80"
	     "b",
	     7, "a b"}, /* past U+10FFFF */
	    {"a\x80\x80"
	     "b",
	     4, "a b"},         /* stray continuations */
	    {"a\0b", 3, "a b"}, /* NUL is a separator */
	    {"\xe4\xb8\xad\xff\xe6\x96\x87", 7, "\xe4\xb8\xad \xe6\x96\x87"}, /* breaks a CJK run */
	    {"don'\xff"
	     "t",
	     6, "don t"},
	    {"1,\xff"
	     "000",
	     6, "1 000"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(analyze("xx", cases[i].in, cases[i].len, 0, false, NULL),
		                    cases[i].out);
}

/* Random bytes, biased towards the interesting ones, through every
 * language's code path: no crash (ASan), and collect_cb checks each term. */
static void test_garbage(void **state)
{
	static const unsigned char pick[] = {
	    'a',  'Z',  '0',  '9',  ' ',  '.',  ',',  '\'', '-',  0xC2, 0xA0, 0xC3, 0xA9, 0xE2,
	    0x80, 0x99, 0xE4, 0xB8, 0xAD, 0xEF, 0xBD, 0xB6, 0xBE, 0x9E, 0xCC, 0x81, 0xF0, 0x9F,
	    0xFF, 0x00, 0xC4, 0xB0, 'I',  's',  'l',  0xAF, 0x8D, 0xE0, 0xB8, 0xED, 0xF4, 0x90,
	};
	static const char *langs[] = {"en", "fr", "tr", "de", "ja", "xx"};
	unsigned seed = 12345;
	char text[300];

	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(round % 300);

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			text[k] = (char)(seed >> 24 & 1 ? pick[(seed >> 8) % sizeof(pick)]
			                                : (seed >> 8) & 0xFF);
		}
		analyze(langs[round % 6], text, len, (unsigned)round & 1, true, NULL);
	}
}

static void test_positions(void **state)
{
	uint32_t n;

	assert_string_equal(analyze("en", "The quick brown fox", 19, 0, true, &n),
	                    "quick/1 brown/2 fox/3");
	assert_int_equal(n, 4);
	/* A word too long to index yields nothing but takes a position. */
	{
		char text[400];

		memset(text, 'x', sizeof(text));
		memcpy(text, "alpha ", 6);
		memcpy(text + sizeof(text) - 5, " beta", 5);
		assert_string_equal(analyze("xx", text, sizeof(text), 0, true, &n),
		                    "alpha/0 beta/2");
		assert_int_equal(n, 3);
	}
	/* Exactly ND_TERM_MAX bytes is still a term. */
	{
		char text[ND_TERM_MAX];

		memset(text, 'y', sizeof(text));
		analyze("xx", text, sizeof(text), 0, false, &n);
		assert_int_equal(strlen(result), ND_TERM_MAX);
		assert_int_equal(n, 1);
	}
	/* Each bigram takes a position; a lone CJK character takes one. */
	assert_string_equal(
	    analyze("xx", "a \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 b \xe4\xb8\xad c",
	            strlen("a \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 b \xe4\xb8\xad c"), 0, true, &n),
	    "a/0 \xe4\xb8\xad\xe6\x96\x87/1 \xe6\x96\x87\xe5\xad\x97/2 b/3 \xe4\xb8\xad/4 c/5");
	assert_int_equal(n, 6);
}

/* Marks piled on characters, fillers: bounded work, sane output. */
static void test_pathological(void **state)
{
	struct nd_buf text = ND_BUF_INIT;
	uint32_t n;

	/* 中 and 文, each under 40 acute accents: one bigram, marks capped. */
	nd_buf_adds(&text, "\xe4\xb8\xad");
	for (int i = 0; i < 40; i++)
		nd_buf_adds(&text, "\xcc\x81");
	nd_buf_adds(&text, "\xe6\x96\x87");
	for (int i = 0; i < 40; i++)
		nd_buf_adds(&text, "\xcc\x81");
	analyze("xx", text.buf, text.len, 0, false, &n);
	assert_int_equal(n, 1);
	assert_true(strlen(result) > 6 && strlen(result) <= ND_TERM_MAX);
	/* A letter under 10,000 marks is too long: a position, no term. */
	nd_buf_reset(&text);
	nd_buf_adds(&text, "a");
	for (int i = 0; i < 10000; i++)
		nd_buf_adds(&text, "\xcc\x81");
	nd_buf_adds(&text, " b");
	assert_string_equal(analyze("xx", text.buf, text.len, 0, true, &n), "b/1");
	/* A Hangul filler alone normalises to nothing: not even a position. */
	assert_string_equal(analyze("ko", "\xe3\x85\xa4 a", 5, 0, true, &n), "a/0");
	nd_buf_release(&text);
}

static void test_stop_words(void **state)
{
	assert_string_equal(positions("en", "To be or not to be, that is the question", 0),
	                    "question/9");
	/* Query mode keeps them, flagged, so "the who" finds something. */
	assert_string_equal(positions("en", "the Who", ND_ANALYZE_KEEP_STOP), "the/0* who/1*");
	assert_string_equal(positions("en", "the band", ND_ANALYZE_KEEP_STOP), "the/0* band/1");
	assert_string_equal(positions("en", "the who", 0), "");
	/* Each language drops its own, after folding (DER, Für, À). */
	assert_string_equal(terms("de", "DER Hund und die Katze f\xc3\xbcr F\xc3\xbcR dich"),
	                    "hund katz");
	assert_string_equal(terms("fr", "Le chat et \xc3\x80 la maison"), "chat maison");
	assert_string_equal(terms("es", "El perro y los gatos de la casa"), "perr gat cas");
	assert_string_equal(terms("it", "Il cane e il gatto della casa"), "can gatt cas");
	assert_string_equal(terms("pt", "O c\xc3\xa3o e o gato da casa"), "c\xc3\xa3 gat cas");
	assert_string_equal(terms("nl", "De hond en de kat van het huis"), "hond kat huis");
	/* No list: Russian and unknown languages keep everything. */
	assert_string_equal(terms("xx", "the who"), "the who");
	/* Not stop words on purpose: the US, the Estados Unidos. */
	assert_string_equal(terms("es", "Estados Unidos"), "estad unid");
}

/* Every stop word must already be in the analyser's normal form, or it
 * would never match: analysed without a stemmer, it comes back unchanged. */
static void test_stop_lists_normalised(void **state)
{
	static const char *langs[] = {"en", "fr", "de", "es", "it", "pt", "nl"};

	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		const char *const *list = nd__stopwords_list(langs[i]);
		size_t n = 0;

		assert_non_null(list);
		assert_true(nd_analyzer_has_stopwords(langs[i]));
		for (; *list; list++, n++) {
			if (strcmp(terms("xx", *list), *list))
				fail_msg("%s stop word '%s' analyses to '%s'", langs[i], *list,
				         result);
			/* And the language's own analyser drops it. */
			assert_string_equal(terms(langs[i], *list), "");
		}
		assert_true(n >= 90);
	}
	assert_null(nd__stopwords_list("ru"));
	assert_false(nd_analyzer_has_stopwords("ru"));
	assert_false(nd_analyzer_has_stopwords("xx"));
}

static void test_stemming(void **state)
{
	static const struct {
		const char *lang, *in, *out;
	} cases[] = {
	    {"en", "running generously connections", "run generous connect"},
	    {"en-GB", "ponies", "poni"},
	    {"fr", "continuait d\xc3\xa9veloppement", "continu d\xc3\xa9velopp"},
	    {"de",
	     "H\xc3\xa4user Stra\xc3\x9f"
	     "en",
	     "haus strass"},
	    {"es", "corriendo canci\xc3\xb3n", "corr cancion"},
	    {"it", "mangiando politica", "mang polit"},
	    {"pt-BR",
	     "cora\xc3\xa7\xc3\xb5"
	     "es pol\xc3\xadticas",
	     "cora\xc3\xa7\xc3\xb5 pol\xc3\xadt"},
	    {"nl", "fietsen politieke", "fiets politiek"},
	    {"sv", "flickorna", "flick"},
	    {"tr", "kitaplar", "kitap"},
	    {"fi", "taloissa", "talo"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(terms(cases[i].lang, cases[i].in), cases[i].out);
}

static void test_unknown_language(void **state)
{
	static const char *tags[] = {"xx", "", NULL, "zh", "klingon", "e"};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct nd_analyzer *an = nd_analyzer_new(tags[i]);

		assert_string_equal(nd_analyzer_language(an), "");
		nd_analyzer_free(an);
		assert_string_equal(terms(tags[i], "The Running CATS, \xef\xac\x81ne"),
		                    "the running cats fine");
	}
}

static void test_languages(void **state)
{
	static const struct {
		const char *tag, *code;
	} cases[] = {
	    {"en", "en"},    {"EN", "en"}, {"pt-BR", "pt"}, {"en_US.UTF-8", "en"},
	    {"de-AT", "de"}, {"nb", "nb"}, {"zh-Hant", ""}, {"english", ""},
	};
	const char *const *list = nd_analyzer_languages();
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nd_analyzer *an = nd_analyzer_new(cases[i].tag);

		assert_string_equal(nd_analyzer_language(an), cases[i].code);
		nd_analyzer_free(an);
	}
	assert_true(nd_analyzer_has_stemmer("en"));
	assert_true(nd_analyzer_has_stemmer("ru-RU"));
	assert_false(nd_analyzer_has_stemmer("az")); /* rules, but no stemmer */
	assert_false(nd_analyzer_has_stemmer("zh"));
	assert_false(nd_analyzer_has_stemmer(NULL));
	for (; list[n]; n++) {
		assert_true(nd_analyzer_has_stemmer(list[n]));
		if (n)
			assert_true(strcmp(list[n - 1], list[n]) < 0);
	}
	assert_true(n >= 20);
}

/* The stem cache must give what the stemmer gives, whatever it evicted:
 * 30,000 distinct words (more than the cache holds) between stop words. */
static void test_cache(void **state)
{
	struct nd_buf text = ND_BUF_INIT, want = ND_BUF_INIT, first = ND_BUF_INIT;
	struct sb_stemmer *st = sb_stemmer_new("english", "UTF_8");
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct collect c = {.with_pos = true};

	for (int i = 0; i < 30000; i++) {
		char w[16];
		const sb_symbol *r;

		snprintf(w, sizeof(w), "%s%c%c%c%c%s", i % 3 ? "walk" : "talk", 'a' + i % 26,
		         'a' + i / 26 % 26, 'a' + i / 676 % 26, 'a' + i / 17576 % 26,
		         i % 2 ? "ing" : "ed");
		nd_buf_addf(&text, "%s the ", w);
		r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)strlen(w));
		nd_buf_addf(&want, "%s%.*s/%d the/%d*", i ? " " : "", sb_stemmer_length(st),
		            (const char *)r, 2 * i, 2 * i + 1);
	}
	c.text_len = text.len;
	nd_buf_init(&c.out, 0);
	for (int round = 0; round < 3; round++) {
		c.count = 0;
		nd_buf_reset(&c.out);
		nd_analyze(an, text.buf, text.len, round == 2 ? ND_ANALYZE_KEEP_STOP : 0,
		           collect_cb, &c);
		if (!round)
			nd_buf_add(&first, c.out.buf, c.out.len);
		else if (round == 1)
			assert_true(!strcmp(c.out.buf, first.buf));
	}
	assert_int_equal(c.count, 60000);
	assert_true(!strcmp(c.out.buf, want.buf)); /* too long to print */
	nd_buf_release(&first);
	nd_buf_release(&want);
	nd_buf_release(&c.out);
	nd_buf_release(&text);
	nd_analyzer_free(an);
	sb_stemmer_delete(st);
}

/* Analysers in several threads at once, the first ones racing to build the
 * shared tables: each must give the single-threaded result. */
static const char thread_text[] = "Die H\xc3\xa4user der Stadt, the running dogs, "
                                  "\xe4\xb8\xad\xe6\x96\x87 l'homme";

static void thread_cb(void *ctx, const struct nd_term *t)
{
	struct nd_buf *out = ctx;

	nd_buf_add(out, t->p, t->len);
	nd_buf_addch(out, ' ');
}

static void *thread_main(void *arg)
{
	static const char *langs[] = {"de", "en", "fr", "xx"};
	const char *lang = langs[(size_t)arg % 4];
	char *out = NULL;

	for (int i = 0; i < 200; i++) {
		struct nd_analyzer *an = nd_analyzer_new(lang);
		struct nd_buf b = ND_BUF_INIT;

		/* No cmocka assertion here: it cannot fail from another thread. */
		nd_analyze(an, thread_text, sizeof(thread_text) - 1, 0, thread_cb, &b);
		if (!out)
			out = nd_buf_detach(&b, NULL);
		else if (strcmp(out, b.buf))
			abort();
		nd_buf_release(&b);
		nd_analyzer_free(an);
	}
	return out;
}

static void test_threads(void **state)
{
	pthread_t th[8];

	for (size_t i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, (void *)i), 0);
	for (size_t i = 0; i < 8; i++) {
		void *out;
		static const char *langs[] = {"de", "en", "fr", "xx"};

		char want[256];

		assert_int_equal(pthread_join(th[i], &out), 0);
		snprintf(want, sizeof(want), "%s ", terms(langs[i % 4], thread_text));
		assert_string_equal(out, want);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_punctuation),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_hyphens),
	    cmocka_unit_test(test_apostrophes),
	    cmocka_unit_test(test_acronyms),
	    cmocka_unit_test(test_nfkc),
	    cmocka_unit_test(test_case_folding),
	    cmocka_unit_test(test_fold_all_letters),
	    cmocka_unit_test(test_non_latin),
	    cmocka_unit_test(test_offsets),
	    cmocka_unit_test(test_spans),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_positions),
	    cmocka_unit_test(test_pathological),
	    cmocka_unit_test(test_stop_words),
	    cmocka_unit_test(test_stop_lists_normalised),
	    cmocka_unit_test(test_stemming),
	    cmocka_unit_test(test_unknown_language),
	    cmocka_unit_test(test_languages),
	    cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
