#include "store/slug.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/mem.h"

/*
 * Whether a combining mark after base is dropped. Only Latin and Greek lose
 * their diacritics ("Café" -> "cafe", "Αθήνα" -> "αθηνα"), as readers of
 * those scripts expect in URLs. In other scripts a mark is part of the
 * spelling: the breve of Cyrillic "й", the voicing mark of Japanese "ガ",
 * the vowel signs of Devanagari. Dropping those would turn words into
 * other words, so they are kept and recomposed.
 */
static bool strips_marks(utf8proc_int32_t base)
{
	return base < 0x0300 ||                     /* Latin, IPA, spacing modifiers */
	       (base >= 0x0370 && base < 0x0400) || /* Greek */
	       (base >= 0x1D00 && base < 0x1DC0) || /* phonetic extensions */
	       (base >= 0x1E00 && base < 0x2000) || /* Latin and Greek extended */
	       (base >= 0x2C60 && base < 0x2C80) || /* Latin extended-C */
	       (base >= 0xA720 && base < 0xA800) || /* Latin extended-D */
	       (base >= 0xAB30 && base < 0xAB70);   /* Latin extended-E */
}

/*
 * Latin letters whose diacritic is not a combining mark (a stroke, a
 * ligature), so NFKD leaves them whole. Spelled the way a reader would
 * type them without the diacritic: "Łódź" -> "lodz", "Ærø" -> "aero".
 * Case folding runs first, so only lowercase forms appear.
 */
static const struct {
	utf8proc_int32_t cp;
	const char *ascii;
} latin_fold[] = {
    {0x00E6, "ae"}, /* æ */
    {0x00F0, "d"},  /* ð */
    {0x00F8, "o"},  /* ø */
    {0x00FE, "th"}, /* þ */
    {0x0111, "d"},  /* đ */
    {0x0127, "h"},  /* ħ */
    {0x0131, "i"},  /* dotless ı */
    {0x0142, "l"},  /* ł */
    {0x0153, "oe"}, /* œ */
    {0x0167, "t"},  /* ŧ */
};

static const char *latin_ascii(utf8proc_int32_t cp)
{
	if (cp < 0x00E6 || cp > 0x0167)
		return NULL;
	for (size_t i = 0; i < sizeof(latin_fold) / sizeof(latin_fold[0]); i++)
		if (latin_fold[i].cp == cp)
			return latin_fold[i].ascii;
	return NULL;
}

static bool is_word_char(utf8proc_category_t cat)
{
	switch (cat) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO: return true;
	default: return false;
	}
}

/* Copies s to out without its invalid UTF-8 bytes. */
static void copy_valid_utf8(const char *s, struct nd_buf *out)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t len = strlen(s);

	while (len > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);

		if (n <= 0) {
			n = 1; /* drop one bad byte and resynchronise */
		} else {
			nd_buf_add(out, p, (size_t)n);
		}
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Where slug[0..len) is cut to fit max_len bytes: at the last '-' that fits,
 * so no word is split; for a single word longer than max_len, at the last
 * code point start that fits. Never inside a UTF-8 sequence.
 */
static size_t cut_point(const char *slug, size_t len, size_t max_len)
{
	size_t cut;

	if (len <= max_len)
		return len;
	for (cut = max_len; cut > 0; cut--)
		if (slug[cut] == '-')
			return cut;
	cut = max_len;
	while (cut > 0 && ((unsigned char)slug[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

void nd_slugify(const char *s, size_t max_len, struct nd_buf *out)
{
	const utf8proc_option_t decompose =
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	struct nd_buf clean = ND_BUF_INIT, slug = ND_BUF_INIT;
	utf8proc_int32_t *cps = NULL, *kept32 = NULL, base = 0;
	utf8proc_ssize_t n, kept = 0;
	bool dash = false;

	if (!s || max_len == 0)
		return;
	copy_valid_utf8(s, &clean);
	if (clean.len == 0)
		goto out;

	/* NFKD + case fold. The first call only measures. */
	n = utf8proc_decompose((const utf8proc_uint8_t *)clean.buf, (utf8proc_ssize_t)clean.len,
	                       NULL, 0, decompose);
	if (n <= 0)
		goto out;
	cps = nd_xcalloc((size_t)n, sizeof(*cps));
	n = utf8proc_decompose((const utf8proc_uint8_t *)clean.buf, (utf8proc_ssize_t)clean.len,
	                       cps, n, decompose);
	if (n <= 0)
		goto out;

	/*
	 * Keep letters, digits and the marks of scripts that keep them; collapse
	 * every run of anything else into one '-'. One input code point gives at
	 * most three output ones ('-' and a two-letter latin_fold[] spelling).
	 */
	kept32 = nd_xcalloc((size_t)n * 3, sizeof(*kept32));
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		utf8proc_int32_t cp = cps[i];
		utf8proc_category_t cat = utf8proc_category(cp);
		const char *ascii;

		if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC) {
			/* A mark belongs to the letter before it, if that was kept. */
			if (base == 0 || (cat == UTF8PROC_CATEGORY_MN && strips_marks(base)))
				continue;
			kept32[kept++] = cp;
		} else if (is_word_char(cat)) {
			if (dash && kept > 0)
				kept32[kept++] = '-';
			dash = false;
			base = cp;
			if ((ascii = latin_ascii(cp)) != NULL) {
				while (*ascii)
					kept32[kept++] = (unsigned char)*ascii++;
			} else {
				kept32[kept++] = cp;
			}
		} else {
			dash = true;
			base = 0;
		}
	}
	if (kept == 0)
		goto out;

	/* Recompose (NFC) so kept marks and Hangul jamo form their syllables again. */
	kept = utf8proc_normalize_utf32(kept32, kept, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (kept <= 0)
		goto out;
	for (utf8proc_ssize_t i = 0; i < kept; i++) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t len = utf8proc_encode_char(kept32[i], enc);

		nd_buf_add(&slug, enc, (size_t)len);
	}
	nd_buf_add(out, slug.buf, cut_point(slug.buf, slug.len, max_len));
out:
	free(cps);
	free(kept32);
	nd_buf_release(&clean);
	nd_buf_release(&slug);
}
