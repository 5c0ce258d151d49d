/*
 * The text analyser: segmentation, normalisation, stop words, stemming.
 * docs/internals/analyze.md describes the rules; this file implements them
 * in one pass over the bytes, without allocating per word: each word is
 * copied into a fixed buffer in the analyser, folded there (ASCII and
 * other characters that NFKC leaves alone) or by utf8proc into a reusable
 * buffer, then looked up in the stem cache or stemmed.
 */
#include "index/analyze.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze_int.h"

/* NFKC with full case folding, dropping default-ignorable characters (soft
 * hyphen, zero-width joiners): utf8proc_NFKC_Casefold() without the
 * allocation. */
#define NORM_OPTS                                                                                  \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/* Source bytes of one CJK character with its marks that are normalised;
 * marks beyond (a pathological stack of them) are skipped. */
#define UNIT_MAX 32

enum cls {
	C_SEP,   /* anything else, and bytes that do not start well-formed UTF-8 */
	C_ALPHA, /* ASCII letter */
	C_DIGIT, /* ASCII digit */
	C_WORD,  /* any other letter or number */
	C_CJK,   /* a letter of a script written without spaces */
	C_MARK,  /* combining mark or invisible joiner: continues a word */
	C_APOS,  /* apostrophe: ' ’ ʼ */
	C_POINT, /* '.' or ',' */
	C_NBSP,  /* no-break or thin space: groups thousands in some languages */
};

/*
 * Snowball takes about 300 ns a word, more than everything else together,
 * and text repeats its words (Zipf), so each analyser remembers the stem
 * and stop-word status of recent words: a two-way set-associative cache of
 * 64-byte slots, the most recently used first in its set.
 */
#define CACHE_SETS 4096
#define CACHE_KEY  28

struct cache_slot {
	unsigned char klen; /* 0: empty */
	unsigned char vlen;
	unsigned char stop;
	char key[CACHE_KEY];
	char val[CACHE_KEY + 4]; /* the stem, NUL-terminated */
};

/* One CJK character, normalised, and the input bytes it came from. */
struct unit {
	char *p;
	size_t len, cap;
	size_t start, end;
};

/* The word being scanned: raw bytes in an->raw, flags for the folding. */
struct word {
	size_t start, end; /* input bytes */
	size_t len;        /* bytes in an->raw */
	bool too_long;
	bool ascii;     /* only ASCII in an->raw */
	bool plain;     /* NFKC and case folding change nothing but ASCII capitals */
	bool has_digit; /* ASCII digits: a number or code, not stemmed */
	bool has_I;     /* ASCII 'I', which Turkic languages fold to 'ı' */
};

struct nd_analyzer {
	const struct nd__lang *lang; /* NULL: unknown language */
	const struct nd__stopset *stop;
	struct sb_stemmer *stemmer;
	struct cache_slot *cache; /* NULL when there is nothing to cache */
	bool turkic, decimal_comma;

	/* The current call. */
	nd_term_cb cb;
	void *ctx;
	unsigned opts;
	uint32_t pos;
	size_t split_until; /* separators before this offset split numbers */

	/* Scratch, reused from word to word. */
	utf8proc_int32_t *u32;
	size_t u32_cap;
	char *norm;
	size_t norm_cap;
	char *term;
	size_t term_cap;
	struct unit unit[2];
	char raw[ND_TERM_MAX + 1];
};

static unsigned char ascii_cls[128];
static unsigned char ascii_lower[256];   /* other bytes map to themselves */
static uint8_t stable_bits[0x10000 / 8]; /* see classify() */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/*
 * Scripts written without spaces between words: Han, Hiragana, Katakana,
 * Bopomofo, Hangul (which has spaces, but CJK analysers bigram it too),
 * Thai, Lao, Khmer and Myanmar. Only letters and numbers in these ranges
 * count; their punctuation and symbols stay separators.
 */
static bool is_cjk(int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) || (cp >= 0x1000 && cp <= 0x109F) ||
	       (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x1780 && cp <= 0x17FF) ||
	       (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xA960 && cp <= 0xA97F) ||
	       (cp >= 0xAC00 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFF66 && cp <= 0xFFDC) || (cp >= 0x1AFF0 && cp <= 0x1B2FF) ||
	       (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* Whether NFKC and case folding map the character cp to itself. */
static bool folds_to_itself(int32_t cp)
{
	utf8proc_int32_t buf[32];
	int boundclass = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 32, NORM_OPTS, &boundclass);

	if (n < 1 || n > 32)
		return false;
	n = utf8proc_normalize_utf32(buf, n, NORM_OPTS);
	return n == 1 && buf[0] == cp;
}

static void tables_init(void)
{
	/* Letters and numbers of the BMP outside CJK: a few milliseconds,
	 * once. */
	for (int32_t cp = 0x80; cp < 0x10000; cp++) {
		utf8proc_category_t cat = utf8proc_category(cp);

		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO &&
		    (cat < UTF8PROC_CATEGORY_MN || cat > UTF8PROC_CATEGORY_ME) && !is_cjk(cp) &&
		    folds_to_itself(cp))
			stable_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	}
	for (int c = 0; c < 256; c++)
		ascii_lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	for (int c = 0; c < 128; c++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			ascii_cls[c] = C_ALPHA;
		else if (c >= '0' && c <= '9')
			ascii_cls[c] = C_DIGIT;
		else if (c == '\'')
			ascii_cls[c] = C_APOS;
		else if (c == '.' || c == ',')
			ascii_cls[c] = C_POINT;
		else
			ascii_cls[c] = C_SEP;
	}
}

static void *reserve(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 64;
	return nd_xrealloc(p, *cap * elem);
}

struct nd_analyzer *nd_analyzer_new(const char *language)
{
	struct nd_analyzer *an = nd_xcalloc(1, sizeof(*an));

	pthread_once(&tables_once, tables_init);
	/* utf8proc writes through the buffer it is given, even to size it. */
	an->u32 = reserve(NULL, &an->u32_cap, 64, sizeof(*an->u32));
	an->lang = nd__lang_find(language);
	if (an->lang) {
		an->stop = nd__stopwords(an->lang->code);
		an->stemmer = nd__stemmer_new(an->lang);
		an->turkic = an->lang->flags & ND__LANG_TURKIC;
		an->decimal_comma = an->lang->flags & ND__LANG_DECIMAL_COMMA;
	}
	if (an->stop || an->stemmer)
		an->cache = nd_xcalloc(2 * CACHE_SETS, sizeof(*an->cache));
	return an;
}

void nd_analyzer_free(struct nd_analyzer *an)
{
	if (!an)
		return;
	sb_stemmer_delete(an->stemmer);
	free(an->cache);
	free(an->u32);
	free(an->norm);
	free(an->term);
	free(an->unit[0].p);
	free(an->unit[1].p);
	free(an);
}

const char *nd_analyzer_language(const struct nd_analyzer *an)
{
	return an->lang ? an->lang->code : "";
}

/*
 * Decodes the code point at s[i] (i < len) and sets *n to its length. A byte
 * that does not start a well-formed sequence (RFC 3629: no overlongs,
 * surrogates or values past U+10FFFF, not cut short) gives -1 with *n = 1,
 * so the caller steps over it as over a separator.
 */
static int32_t decode(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	unsigned c = s[i];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t k;
	int32_t cp;

	*n = 1;
	if (c < 0x80)
		return (int32_t)c;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 2;
		cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 3;
		cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return -1;
	if (len - i <= k || s[i + 1] < lo || s[i + 1] > hi)
		return -1;
	for (size_t j = 1; j <= k; j++) {
		if ((s[i + j] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i + j] & 0x3F);
	}
	*n = k + 1;
	return cp;
}

/*
 * The class of a non-ASCII code point (or of -1, a bad byte). For a C_WORD
 * character, *stable (when not NULL) tells whether NFKC and case folding
 * leave it as it is (precomputed for the BMP). Most letters of lower-case
 * text are (é, ж, α; not ß or capitals), so their words skip utf8proc. A
 * word of stable characters is stable as a whole: composition could only
 * join a character to a following combining mark (or Hangul jamo, which is
 * CJK here), and a mark sends the word through utf8proc.
 */
static enum cls classify(int32_t cp, bool *stable)
{

	switch (cp) {
	case 0x2019: /* right single quotation mark, the typographic apostrophe */
	case 0x02BC: /* modifier letter apostrophe */ return C_APOS;
	case 0x00A0: /* no-break space */
	case 0x2009: /* thin space */
	case 0x202F: /* narrow no-break space */ return C_NBSP;
	case 0x00AD: /* soft hyphen */
	case 0x200C: /* zero-width non-joiner */
	case 0x200D: /* zero-width joiner */
	case 0x2060: /* word joiner */
	case 0xFF9E: /* halfwidth katakana voiced sound marks, which NFKC */
	case 0xFF9F: /* turns into combining ones */ return C_MARK;
	}
	if (cp < 0)
		return C_SEP;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		if (is_cjk(cp))
			return C_CJK;
		if (stable)
			*stable = cp < 0x10000 && (stable_bits[cp >> 3] >> (cp & 7) & 1);
		return C_WORD;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME: return C_MARK;
	default: return C_SEP;
	}
}

static enum cls class_at(const unsigned char *s, size_t len, size_t i, size_t *n, bool *stable)
{
	if (s[i] < 0x80) {
		*n = 1;
		return (enum cls)ascii_cls[s[i]];
	}
	return classify(decode(s, len, i, n), stable);
}

/* Applied to each code point before utf8proc folds it. Case folding maps
 * İ (U+0130) to "i" plus a combining dot, which then matches nothing typed
 * on a keyboard: map it to plain i. Turkic languages also fold I to ı. */
static utf8proc_int32_t fold_custom(utf8proc_int32_t cp, void *data)
{
	const struct nd_analyzer *an = data;

	if (cp == 0x130)
		return 'i';
	if (cp == 'I' && an->turkic)
		return 0x131;
	return cp;
}

/*
 * NFKC + case folding of the valid UTF-8 src[0..len) into an->norm,
 * NUL-terminated. Returns the length in bytes; 0 when nothing is left.
 * Spaces that a compatibility decomposition brings in (an Arabic ligature
 * that spells a phrase) are dropped so a term never holds one.
 */
static size_t normalize(struct nd_analyzer *an, const char *src, size_t len)
{
	utf8proc_ssize_t n;
	size_t out = 0;

	for (;;) {
		n = utf8proc_decompose_custom((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)len,
		                              an->u32, (utf8proc_ssize_t)an->u32_cap, NORM_OPTS,
		                              fold_custom, an);
		if (n < 0)
			return 0; /* cannot happen: the scanner copies only valid UTF-8 */
		if ((size_t)n <= an->u32_cap)
			break;
		an->u32 = reserve(an->u32, &an->u32_cap, (size_t)n, sizeof(*an->u32));
	}
	n = utf8proc_normalize_utf32(an->u32, n, NORM_OPTS);
	if (n < 0)
		return 0;
	an->norm = reserve(an->norm, &an->norm_cap, 4 * (size_t)n + 1, 1);
	for (utf8proc_ssize_t k = 0; k < n; k++)
		if (an->u32[k] != ' ')
			out += (size_t)utf8proc_encode_char(an->u32[k],
			                                    (utf8proc_uint8_t *)an->norm + out);
	an->norm[out] = '\0';
	return out;
}

static void emit(struct nd_analyzer *an, const char *p, size_t len, unsigned flags, size_t start,
                 size_t end)
{
	struct nd_term t = {p, len, an->pos, flags, start, end};

	an->cb(an->ctx, &t);
}

/* Stems t[0..len), a folded word, into an->term when the language has a
 * stemmer; returns the stem (t itself otherwise) and sets *out_len. */
static const char *stem(struct nd_analyzer *an, const char *t, size_t len, size_t *out_len)
{
	const sb_symbol *r;
	int rlen;

	*out_len = len;
	if (!an->stemmer)
		return t;
	r = sb_stemmer_stem(an->stemmer, (const sb_symbol *)t, (int)len);
	rlen = r ? sb_stemmer_length(an->stemmer) : 0;
	if (rlen <= 0 || rlen > ND_TERM_MAX)
		return t;
	an->term = reserve(an->term, &an->term_cap, (size_t)rlen + 1, 1);
	memcpy(an->term, r, (size_t)rlen);
	an->term[rlen] = '\0';
	*out_len = (size_t)rlen;
	return an->term;
}

/* Folds, filters and stems a scanned word, then hands it on. */
static void emit_word(struct nd_analyzer *an, struct word *w)
{
	struct cache_slot *slot = NULL;
	const char *t = an->raw;
	size_t len = w->len;
	bool stop;

	if (w->too_long)
		goto skip;
	if (w->plain && !(an->turkic && w->has_I)) {
		/* NFKC leaves ASCII letters and digits alone, and the other
		 * characters are stable (classify()); folding is lower case.
		 * This path takes nearly every word of English text. */
		for (size_t k = 0; k < len; k++)
			an->raw[k] = (char)ascii_lower[(unsigned char)an->raw[k]];
		an->raw[len] = '\0';
	} else {
		len = normalize(an, an->raw, w->len);
		if (!len)
			return; /* nothing but ignorable characters: not a word */
		if (len > ND_TERM_MAX)
			goto skip;
		t = an->norm;
	}
	/* Numbers and codes ("6.1", "1990s", "g7") are identifiers, not words
	 * with endings to strip, and no stop list has digits. */
	if (w->has_digit || !an->cache) {
		emit(an, t, len, 0, w->start, w->end);
		goto skip;
	}
	if (len <= CACHE_KEY) {
		struct cache_slot *set = &an->cache[2 * (nd_hash(t, len) & (CACHE_SETS - 1))];

		for (int k = 0; k < 2; k++) {
			if (set[k].klen == len && !memcmp(set[k].key, t, len)) {
				if (k) {
					struct cache_slot tmp = set[0];
					set[0] = set[1];
					set[1] = tmp;
				}
				t = set[0].val;
				len = set[0].vlen;
				stop = set[0].stop;
				goto found;
			}
		}
		set[1] = set[0];
		slot = &set[0];
		slot->klen = 0;
	}
	stop = an->stop && nd__stopset_has(an->stop, t, len);
	if (slot) {
		size_t klen = len;

		memcpy(slot->key, t, klen);
		t = stem(an, t, len, &len);
		if (len < sizeof(slot->val)) {
			memcpy(slot->val, t, len + 1);
			slot->klen = (unsigned char)klen;
			slot->vlen = (unsigned char)len;
			slot->stop = stop;
		}
	} else {
		t = stem(an, t, len, &len);
	}
found:
	if (!stop)
		emit(an, t, len, 0, w->start, w->end);
	else if (an->opts & ND_ANALYZE_KEEP_STOP)
		emit(an, t, len, ND_TERM_STOP, w->start, w->end);
skip:
	an->pos++;
}

static void add(struct nd_analyzer *an, struct word *w, const unsigned char *p, size_t n)
{
	if (w->too_long)
		return;
	if (w->len + n > ND_TERM_MAX) {
		w->too_long = true;
		return;
	}
	memcpy(an->raw + w->len, p, n);
	w->len += n;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static size_t count_digits(const unsigned char *s, size_t len, size_t i)
{
	size_t k = i;

	while (k < len && is_digit(s[k]))
		k++;
	return k - i;
}

/*
 * Whether a number separator starts at s[i]: 'g' groups thousands, 'p' is
 * the decimal point, 0 neither; *n gets its length. English writes
 * 1,000.5; languages with ND__LANG_DECIMAL_COMMA write 1.000,5 or 1 000,5.
 */
static int separator_at(const struct nd_analyzer *an, const unsigned char *s, size_t len, size_t i,
                        size_t *n)
{
	*n = 1;
	if (s[i] == '.')
		return an->decimal_comma ? 'g' : 'p';
	if (s[i] == ',')
		return an->decimal_comma ? 'p' : 'g';
	if (!an->decimal_comma)
		return 0;
	if (i + 1 < len && s[i] == 0xC2 && s[i + 1] == 0xA0) {
		*n = 2;
		return 'g';
	}
	if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xAF || s[i + 2] == 0x89)) {
		*n = 3;
		return 'g';
	}
	return 0;
}

/*
 * Reads the number at s[i]: groups of ASCII digits joined by single
 * separators, each followed by a digit. Sets *end past its last digit and
 * returns whether it is well formed: thousands separators each followed by
 * exactly three digits after a first group of one to three, then at most one
 * decimal point. A well-formed number is one token ("1,000.5" gives
 * "1000.5"); any other run ("12.03.2009", "192.168.1.1", "3,5" in English)
 * splits at every separator, so the same digits always give the same terms.
 */
static bool number_plan(const struct nd_analyzer *an, const unsigned char *s, size_t len, size_t i,
                        size_t *end)
{
	size_t first = count_digits(s, len, i);
	bool point = false, ok = true;

	i += first;
	for (;;) {
		size_t n, d;
		int k = i < len ? separator_at(an, s, len, i, &n) : 0;

		if (!k || i + n >= len || !is_digit(s[i + n]))
			break;
		d = count_digits(s, len, i + n);
		if (k == 'g' && (point || d != 3 || first > 3))
			ok = false;
		if (k == 'p') {
			if (point)
				ok = false;
			point = true;
		}
		i += n + d;
	}
	*end = i;
	return ok;
}

/* Whether the dot at s[i] joins an acronym: "U.S." and "e.g." give "us" and
 * "eg" (one letter, a dot, one letter not followed by another letter or
 * digit), where splitting would leave single letters. */
static bool acronym_dot(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] != '.' || i + 1 >= len || s[i + 1] >= 0x80 || ascii_cls[s[i + 1]] != C_ALPHA)
		return false;
	if (i + 2 >= len)
		return true;
	return s[i + 2] < 0x80 && ascii_cls[s[i + 2]] != C_ALPHA && ascii_cls[s[i + 2]] != C_DIGIT;
}

/* Whether the code point at s[i] continues a word. */
static bool continues(const unsigned char *s, size_t len, size_t i)
{
	size_t n;
	enum cls c;

	if (i >= len)
		return false;
	c = class_at(s, len, i, &n, NULL);
	return c == C_ALPHA || c == C_DIGIT || c == C_WORD || c == C_MARK;
}

/* If a possessive or clitic 's starts at s[i] ("'s" of "Obama's", "it's",
 * with any apostrophe), the offset after it; else 0. */
static size_t possessive_at(const unsigned char *s, size_t len, size_t i)
{
	size_t n;

	if (i >= len || class_at(s, len, i, &n, NULL) != C_APOS)
		return 0;
	i += n;
	if (i >= len || (s[i] != 's' && s[i] != 'S') || continues(s, len, i + 1))
		return 0;
	return i + 1;
}

/* Whether the word so far is an elided article or pronoun of the
 * language ("l" before "l'homme"). */
static bool elided(const struct nd_analyzer *an, const struct word *w)
{
	char low[8];

	if (!an->lang || !an->lang->elisions || !w->ascii || w->len >= sizeof(low))
		return false;
	for (size_t k = 0; k < w->len; k++)
		low[k] = (char)ascii_lower[(unsigned char)an->raw[k]];
	low[w->len] = '\0';
	for (const char *const *e = an->lang->elisions; *e; e++)
		if (!strcmp(*e, low))
			return true;
	return false;
}

/*
 * Scans the word that starts at s[i] (a letter or digit), emits it and
 * returns the offset after it. A word is a run of letters, digits and
 * combining marks, plus:
 * - an apostrophe between letters is dropped ("don't" gives "dont",
 *   "O'Neill" "oneill"); a final "'s" goes with it ("Obama's" gives
 *   "obama"); an elided article before it goes too (French "l'homme");
 * - '.' and ',' inside a well-formed number (number_plan());
 * - dots inside an acronym (acronym_dot()).
 * Anything else ends the word, including a change to a CJK script.
 */
static size_t scan_word(struct nd_analyzer *an, const unsigned char *s, size_t len, size_t i)
{
	struct word w = {.start = i, .ascii = true, .plain = true};
	bool stable = false;
	bool numeric = true; /* only ASCII digits so far: separators may join */
	bool acro = true;    /* single ASCII letters joined by dots so far */
	bool apos = false;   /* an apostrophe was dropped */
	size_t seg = 0;      /* letters since the last acronym dot */
	size_t dots = 0;     /* acronym dots joined */
	int num = 0;         /* number plan: 0 not made yet, 1 join, -1 split */
	size_t num_end = 0;

	while (i < len) {
		size_t n, n2, j;
		enum cls c;

		/* The common case first: a run of ASCII letters and digits. */
		while (i < len && s[i] < 0x80 &&
		       (ascii_cls[s[i]] == C_ALPHA || ascii_cls[s[i]] == C_DIGIT)) {
			if (ascii_cls[s[i]] == C_ALPHA) {
				numeric = false;
				if (++seg > 1)
					acro = false;
				if (s[i] == 'I')
					w.has_I = true;
			} else {
				acro = false;
				w.has_digit = true;
			}
			if (w.len < ND_TERM_MAX)
				an->raw[w.len++] = (char)s[i];
			else
				w.too_long = true;
			i++;
		}
		if (i >= len)
			break;
		/* Not ASCII alphanumeric: the run above took those. */
		c = class_at(s, len, i, &n, &stable);
		switch (c) {
		case C_WORD:
		case C_MARK:
			numeric = acro = false;
			w.ascii = false;
			if (c == C_MARK || !stable)
				w.plain = false;
			add(an, &w, s + i, n);
			i += n;
			continue;
		case C_APOS:
			/* Only between letters or digits; elsewhere it is a quote. */
			j = i + n;
			if (j >= len)
				break;
			c = class_at(s, len, j, &n2, NULL);
			if (c != C_ALPHA && c != C_DIGIT && c != C_WORD)
				break;
			if ((j = possessive_at(s, len, i))) {
				i = j; /* the 's goes with the word */
				goto done;
			}
			j = i + n;
			if (!apos && elided(an, &w)) {
				/* Keep "homme" of "l'homme": start the word again. */
				w = (struct word){.start = j, .ascii = true, .plain = true};
				numeric = acro = true;
				seg = 0;
			} else {
				numeric = acro = false;
			}
			apos = true;
			i = j;
			continue;
		case C_POINT:
		case C_NBSP:
			if (numeric) {
				/* Inside a number, or one that just ended. */
				if (i < an->split_until)
					break;
				if (!num) {
					num = number_plan(an, s, len, w.start, &num_end) ? 1 : -1;
					if (num < 0)
						an->split_until = num_end;
				}
				if (num < 0 || i >= num_end)
					break;
				if (s[i] == (an->decimal_comma ? ',' : '.'))
					add(an, &w, (const unsigned char *)".", 1);
				i += n;
				continue;
			}
			if (acro && seg == 1 && acronym_dot(s, len, i)) {
				seg = 0;
				dots++;
				i++;
				continue;
			}
			if (acro && dots && s[i] == '.' && (j = possessive_at(s, len, i + 1))) {
				i = j; /* "U.S.'s" */
				goto done;
			}
			break;
		default: break;
		}
		break;
	}
done:
	w.end = i;
	emit_word(an, &w);
	return i;
}

static bool cjk_verbatim(int32_t cp)
{
	/* Ideographs, kana and Hangul syllables: NFKC and case folding leave
	 * them as they are, so their bytes are copied without utf8proc. */
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3);
}

static void unit_set(struct nd_analyzer *an, struct unit *u, const unsigned char *p, size_t len,
                     bool verbatim)
{
	const char *src = (const char *)p;

	if (!verbatim) {
		len = normalize(an, src, len);
		src = an->norm;
	}
	u->p = reserve(u->p, &u->cap, len + 1, 1);
	memcpy(u->p, src, len);
	u->p[len] = '\0';
	u->len = len;
}

/*
 * Scans a run of CJK characters at s[i] and emits overlapping bigrams, one
 * position each ("東京都" gives "東京" and "京都"), or the character itself
 * when the run has only one: Lucene's CJKAnalyzer. A phrase query on the
 * same text gives the same bigrams at adjacent positions. Combining marks
 * stay with their character. Returns the offset after the run.
 */
static size_t scan_cjk(struct nd_analyzer *an, const unsigned char *s, size_t len, size_t i)
{
	struct unit *prev = &an->unit[0], *cur = &an->unit[1], *tmp;
	size_t count = 0;

	while (i < len) {
		size_t n, m, start = i, cut;
		int32_t cp = decode(s, len, i, &n);

		if (cp < 0x80 || classify(cp, NULL) != C_CJK)
			break;
		i += n;
		cut = i;
		while (i < len && s[i] >= 0x80) {
			int32_t mark = decode(s, len, i, &m);

			if (classify(mark, NULL) != C_MARK)
				break;
			i += m;
			if (i - start <= UNIT_MAX)
				cut = i;
		}
		unit_set(an, cur, s + start, cut - start, i == start + n && cjk_verbatim(cp));
		if (!cur->len)
			continue; /* an ignorable filler */
		cur->start = start;
		cur->end = i;
		/* A bigram longer than ND_TERM_MAX (marks piled on both
		 * characters) keeps its position but is not emitted. */
		if (count && prev->len + cur->len <= ND_TERM_MAX) {
			an->term = reserve(an->term, &an->term_cap, prev->len + cur->len + 1, 1);
			memcpy(an->term, prev->p, prev->len);
			memcpy(an->term + prev->len, cur->p, cur->len + 1);
			emit(an, an->term, prev->len + cur->len, ND_TERM_NGRAM, prev->start,
			     cur->end);
		}
		if (count)
			an->pos++;
		tmp = prev;
		prev = cur;
		cur = tmp;
		count++;
	}
	if (count == 1) {
		if (prev->len <= ND_TERM_MAX)
			emit(an, prev->p, prev->len, ND_TERM_NGRAM, prev->start, prev->end);
		an->pos++;
	}
	return i;
}

uint32_t nd_analyze(struct nd_analyzer *an, const char *text, size_t len, unsigned opts,
                    nd_term_cb cb, void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	an->cb = cb;
	an->ctx = ctx;
	an->opts = opts;
	an->pos = 0;
	an->split_until = 0;
	while (i < len) {
		size_t n;

		switch (class_at(s, len, i, &n, NULL)) {
		case C_ALPHA:
		case C_DIGIT:
		case C_WORD: i = scan_word(an, s, len, i); break;
		case C_CJK: i = scan_cjk(an, s, len, i); break;
		default: i += n; break;
		}
	}
	return an->pos;
}
