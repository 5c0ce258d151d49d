#include "handler/holes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

void nd_hole_marker(uint64_t nonce, enum nd_hole_kind kind, uint32_t id, uint32_t sub,
                    char out[ND_HOLE_MAX])
{
	snprintf(out, ND_HOLE_MAX, "ndh%016llx-%c-%u-%uz", (unsigned long long)nonce, (char)kind,
	         id, sub);
}

void nd_hole_format_count(uint64_t n, char out[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n), o = 0;

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Parses "-k-id-subz" at p (end exclusive); the bytes used, or 0. */
static size_t parse_tail(const char *p, const char *end, char *kind, uint32_t *id, uint32_t *sub)
{
	const char *q = p;
	uint64_t v[2] = {0, 0};

	if (end - q < 4 || q[0] != '-' || q[2] != '-')
		return 0;
	*kind = q[1];
	q += 3;
	for (int f = 0; f < 2; f++) {
		const char *start = q;

		while (q < end && *q >= '0' && *q <= '9' && q - start < 10)
			v[f] = v[f] * 10 + (uint64_t)(*q++ - '0');
		if (q == start || v[f] > UINT32_MAX || q >= end)
			return 0;
		if (f == 0 && *q++ != '-')
			return 0;
	}
	if (*q++ != 'z')
		return 0;
	*id = (uint32_t)v[0];
	*sub = (uint32_t)v[1];
	return (size_t)(q - p);
}

/* The value of one hole into out. */
void nd_hole_value(const struct nd_hole_values *v, char kind, uint32_t id, uint32_t sub, bool json,
                   struct nd_buf *out)
{
	char num[32];

	switch (kind) {
	case ND_HOLE_VIEWS:
		if (json)
			nd_buf_addf(out, "%llu", (unsigned long long)v->views(v->ctx, id));
		else {
			nd_hole_format_count(v->views(v->ctx, id), num);
			nd_buf_adds(out, num);
		}
		break;
	case ND_HOLE_REACTION:
		if (json)
			nd_buf_addf(out, "%llu",
			            (unsigned long long)(sub < v->type_count
			                                     ? v->reaction(v->ctx, id, sub)
			                                     : 0));
		else {
			nd_hole_format_count(sub < v->type_count ? v->reaction(v->ctx, id, sub) : 0,
			                     num);
			nd_buf_adds(out, num);
		}
		break;
	case ND_HOLE_FRAGMENT:
	case ND_HOLE_PERSONAL:
		if (v->fragment)
			v->fragment(v->frag_ctx, kind, id, sub, out);
		break;
	default: /* ND_HOLE_REACTIONS; the slugs are [a-z0-9_-], no escaping */
		nd_buf_addch(out, '{');
		for (size_t i = 0; i < v->type_count; i++)
			nd_buf_addf(out, "%s\"%s\":%llu", i ? "," : "", v->types[i],
			            (unsigned long long)v->reaction(v->ctx, id, i));
		nd_buf_addch(out, '}');
		break;
	}
}

static bool known_kind(char kind)
{
	return kind == ND_HOLE_VIEWS || kind == ND_HOLE_REACTION || kind == ND_HOLE_REACTIONS ||
	       kind == ND_HOLE_FRAGMENT || kind == ND_HOLE_PERSONAL;
}

bool nd_hole_next(const char *text, size_t len, size_t off, uint64_t nonce, bool json,
                  struct nd_hole_at *at)
{
	char prefix[24];
	const char *p = text + off, *end = text + len, *hit;
	size_t plen =
	    (size_t)snprintf(prefix, sizeof(prefix), "ndh%016llx", (unsigned long long)nonce);

	while (p < end && (hit = memmem(p, (size_t)(end - p), prefix, plen))) {
		const char *from = hit, *to;
		size_t used = parse_tail(hit + plen, end, &at->kind, &at->id, &at->sub);

		if (!used || !known_kind(at->kind)) {
			p = hit + plen;
			continue;
		}
		to = hit + plen + used;
		if (json && from > text && from[-1] == '"' && to < end && *to == '"') {
			from--;
			to++;
		}
		at->from = (size_t)(from - text);
		at->to = (size_t)(to - text);
		return true;
	}
	return false;
}

size_t nd_holes_fill(struct nd_buf *body, uint64_t nonce, const struct nd_hole_values *v, bool json)
{
	struct nd_buf out = ND_BUF_INIT;
	struct nd_hole_at at;
	size_t off = 0, n = 0;

	while (nd_hole_next(body->buf, body->len, off, nonce, json, &at)) {
		nd_buf_add(&out, body->buf + off, at.from - off);
		nd_hole_value(v, at.kind, at.id, at.sub, json, &out);
		off = at.to;
		n++;
	}
	if (!n) {
		nd_buf_release(&out);
		return 0;
	}
	nd_buf_add(&out, body->buf + off, body->len - off);
	out.max = body->max;
	nd_buf_release(body);
	*body = out;
	return n;
}
