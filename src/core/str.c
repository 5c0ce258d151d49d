#include "core/str.h"

#include "core/arena.h"
#include "core/err.h"

/*
 * A strict validator per RFC 3629 table 3-7: overlong forms, surrogates and
 * values above U+10FFFF are rejected at their lead or second byte.
 */
bool nd_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			goto bad;
		if (i + n >= len) /* truncated sequence */
			goto bad;
		if (p[i + 1] < lo || p[i + 1] > hi)
			goto bad;
		for (size_t k = 2; k <= n; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
		i += n + 1;
	}
	return true;
bad:
	if (bad_at)
		*bad_at = i;
	return false;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the form-encoded byte at *p (p < end) and advances past it: the
 * byte, or -1 for a malformed escape. */
static int form_byte(const char **p, const char *end)
{
	const char *s = *p;
	int hi, lo;

	if (*s == '+') {
		*p = s + 1;
		return ' ';
	}
	if (*s != '%') {
		*p = s + 1;
		return (unsigned char)*s;
	}
	if (end - s < 3 || (hi = hex_digit(s[1])) < 0 || (lo = hex_digit(s[2])) < 0)
		return -1;
	*p = s + 3;
	return hi << 4 | lo;
}

/* Whether the encoded name s[0..len) decodes to exactly name. */
static bool form_name_is(const char *s, size_t len, const char *name)
{
	const char *p = s, *end = s + len;
	const unsigned char *n = (const unsigned char *)name;

	while (p < end) {
		int c = form_byte(&p, end);
		if (c < 0 || !*n || c != *n)
			return false;
		n++;
	}
	return !*n;
}

int nd_form_get(const char *body, size_t len, const char *name, struct nd_arena *a,
                struct nd_str *out)
{
	const char *p = body, *end;

	if (!body) /* a request without a body */
		return ND_ENOTFOUND;
	for (end = body + len; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *field_end = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(field_end - p));
		const char *name_end = eq ? eq : field_end;

		if (form_name_is(p, (size_t)(name_end - p), name)) {
			const char *v0 = eq ? eq + 1 : field_end, *v = v0;
			size_t n = 0;
			char *dst;

			/* Validate and measure first, so an error allocates nothing. */
			while (v < field_end) {
				if (form_byte(&v, field_end) < 0)
					return ND_EINVAL;
				n++;
			}
			dst = nd_arena_alloc(a, n + 1);
			for (v = v0, n = 0; v < field_end;)
				dst[n++] = (char)form_byte(&v, field_end);
			dst[n] = '\0';
			*out = (struct nd_str){dst, n};
			return 0;
		}
		p = amp ? amp + 1 : end;
	}
	return ND_ENOTFOUND;
}
