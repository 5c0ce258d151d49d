#pragma once
/*
 * nd_str: a slice that does not own its bytes and need not end in NUL
 * (h2o's h2o_iovec_t). It points into a request buffer, an arena or a
 * string literal; whoever made it says how long it stays valid.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct nd_arena;

struct nd_str {
	const char *p;
	size_t len;
};

#define ND_STR_LIT(lit) ((struct nd_str){(lit), sizeof(lit) - 1})
#define ND_STR_NULL     ((struct nd_str){NULL, 0})

static inline struct nd_str nd_str_from(const char *s)
{
	return (struct nd_str){s, s ? strlen(s) : 0};
}

static inline bool nd_str_eq(struct nd_str a, struct nd_str b)
{
	return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len));
}

/* Whether slice a equals the C string s. */
static inline bool nd_str_eqs(struct nd_str a, const char *s)
{
	return nd_str_eq(a, nd_str_from(s));
}

static inline bool nd_str_startswith(struct nd_str a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && !memcmp(a.p, prefix, n);
}

/* Whether the C string s starts with prefix. */
static inline bool nd_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points past U+10FFFF). When it is not and bad_at is not NULL, it gets
 * the offset of the first bad byte. */
bool nd_utf8_valid(const char *s, size_t len, size_t *bad_at);

/*
 * Looks up field name in an application/x-www-form-urlencoded body
 * (body[0..len), need not end in NUL): fields are separated by '&', each is
 * "name=value" or a bare "name" (an empty value); '+' stands for a space
 * and %XX for a byte, in names and values alike. The first field whose
 * decoded name equals name wins.
 *
 * On success *out gets the decoded value, a NUL-terminated copy in a
 * (borrowed, valid until a is freed; from the heap when a is NULL, and then
 * the caller owns the result). The value may hold any byte, NUL included:
 * the caller checks what it accepts. Returns 0, ND_ENOTFOUND when no field
 * has that name, or ND_EINVAL when the field's value holds a malformed
 * escape ('%' not followed by two hex digits); out is left alone on error.
 * A field whose name holds a malformed escape is skipped: it names nothing.
 */
int nd_form_get(const char *body, size_t len, const char *name, struct nd_arena *a,
                struct nd_str *out);
