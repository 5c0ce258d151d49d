#include "encode/coding.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

const char *nd_coding_name(enum nd_coding c)
{
	return c == ND_CODING_GZIP ? "gzip" : c == ND_CODING_BR ? "br" : NULL;
}

/* A qvalue ("1", "0.5", "1.000") in thousandths; -1 when malformed. */
static int parse_q(const char *p, size_t n)
{
	int q, scale = 100;

	if (!n || (p[0] != '0' && p[0] != '1'))
		return -1;
	q = (p[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (p[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		q += (p[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces around [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
	while (*n && is_space(**p))
		(*p)++, (*n)--;
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

/* Which coding the token names: a coding, "*" (ND_CODING_COUNT), or -1. */
static int token_coding(const char *t, size_t n)
{
	if (n == 1 && *t == '*')
		return ND_CODING_COUNT;
	if ((n == 4 && !strncasecmp(t, "gzip", 4)) || (n == 6 && !strncasecmp(t, "x-gzip", 6)))
		return ND_CODING_GZIP;
	if (n == 2 && !strncasecmp(t, "br", 2))
		return ND_CODING_BR;
	if (n == 8 && !strncasecmp(t, "identity", 8))
		return ND_CODING_IDENTITY;
	return -1;
}

unsigned nd_coding_accepted(const char *ae, unsigned offered, enum nd_coding *best)
{
	int q[ND_CODING_COUNT + 1]; /* thousandths; -1: not named; [COUNT] is "*" */
	unsigned ok = 0;
	int best_q = 0;

	*best = ND_CODING_IDENTITY;
	if (!ae)
		return ND_CODING_BIT(ND_CODING_IDENTITY);
	for (int i = 0; i <= ND_CODING_COUNT; i++)
		q[i] = -1;
	for (const char *p = ae; *p;) {
		size_t n = strcspn(p, ","), tn;
		const char *elem = p, *t = p, *semi, *e = p + n;
		int c, v = 1000;

		p += n + (p[n] == ',');
		semi = memchr(elem, ';', n);
		tn = semi ? (size_t)(semi - elem) : n;
		trim(&t, &tn);
		if ((c = token_coding(t, tn)) < 0)
			continue;
		/* Parameters: ";q=0.5", maybe among others. */
		for (const char *param = semi ? semi + 1 : e; param < e;) {
			const char *end = memchr(param, ';', (size_t)(e - param)), *val = param;
			size_t vn = end ? (size_t)(end - param) : (size_t)(e - param);

			trim(&val, &vn);
			if (vn >= 2 && (val[0] == 'q' || val[0] == 'Q') && val[1] == '=') {
				const char *num = val + 2;
				size_t nn = vn - 2;

				trim(&num, &nn);
				v = parse_q(num, nn);
			}
			param = end ? end + 1 : e;
		}
		if (v >= 0)
			q[c] = v;
	}
	for (int c = 0; c < ND_CODING_COUNT; c++) {
		int v = q[c] >= 0 ? q[c] : q[ND_CODING_COUNT];

		if (c == ND_CODING_IDENTITY && v < 0)
			v = 1; /* allowed, least preferred, unless refused */
		if (!(offered & ND_CODING_BIT(c)) && c != ND_CODING_IDENTITY)
			continue;
		if (v <= 0)
			continue;
		ok |= ND_CODING_BIT(c);
		if (v > best_q || (v == best_q && c > (int)*best)) {
			best_q = v;
			*best = (enum nd_coding)c;
		}
	}
	return ok;
}
