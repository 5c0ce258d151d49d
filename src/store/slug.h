#pragma once
/*
 * Slugs: the URL-safe names of articles, sections, tags and authors.
 */
#include <stddef.h>

#include "core/buf.h"

/*
 * Appends to out the slug of the UTF-8 text s:
 *
 *  - Unicode NFKD-normalised and case-folded ("Straße" -> "strasse",
 *    "ﬁ" -> "fi", full-width "Ａ" -> "a"); default-ignorable characters
 *    such as the soft hyphen vanish;
 *  - Latin and Greek letters lose their diacritics ("Café" -> "cafe");
 *    letters and digits of other scripts are kept as UTF-8 with their
 *    combining marks and recomposed (NFC), so "й", "ガ" and Devanagari
 *    vowel signs survive ("Москва 2024" -> "москва-2024", "東京" -> "東京");
 *  - every run of anything else (spaces, punctuation, symbols, emoji)
 *    becomes a single '-', with no leading or trailing '-';
 *  - cut to at most max_len bytes at the last '-' that fits, so words stay
 *    whole; a first word longer than max_len is cut at a code point
 *    boundary (never inside a UTF-8 sequence).
 *
 * Invalid UTF-8 bytes are dropped. Appends nothing when s is NULL, max_len
 * is 0 or s has no letter or digit ("  --  "); the caller then picks a
 * fallback. The result depends only on s, max_len and the Unicode version
 * of utf8proc. Errors go to out's sticky error (nd_buf_err).
 */
void nd_slugify(const char *s, size_t max_len, struct nd_buf *out);
