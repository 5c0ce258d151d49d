/* A line diff: common head and tail, then LCS on the middle (core/diff.h). */
#include "core/diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct line {
	const char *p;
	size_t len;
};

/* Splits s into lines (caller frees *out); returns the count. */
static size_t split(const char *s, size_t len, struct line **out)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	n += len > 0 && s[len - 1] != '\n';
	*out = nd_xcalloc(n ? n : 1, sizeof(**out));
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;

		(*out)[k++] = (struct line){s + start, end - start};
		start = end + 1;
	}
	return n;
}

static int same(const struct line *x, const struct line *y)
{
	return x->len == y->len && !memcmp(x->p, y->p, x->len);
}

void nd_diff_lines(const char *a, size_t alen, const char *b, size_t blen, nd_diff_cb cb, void *ctx)
{
	struct line *la, *lb;
	size_t na = split(a, alen, &la), nb = split(b, blen, &lb);
	size_t head = 0, tail = 0, n, m;

	while (head < na && head < nb && same(&la[head], &lb[head]))
		head++;
	while (tail < na - head && tail < nb - head && same(&la[na - 1 - tail], &lb[nb - 1 - tail]))
		tail++;
	for (size_t i = 0; i < head; i++)
		cb(ctx, ND_DIFF_SAME, la[i].p, la[i].len);
	n = na - head - tail;
	m = nb - head - tail;
	if (n && m && (n + 1) * (m + 1) <= ND_DIFF_MAX_CELLS) {
		/* t[i][j]: LCS length of a's middle from i and b's from j. */
		const struct line *x = la + head, *y = lb + head;
		uint32_t *t = nd_xcalloc((n + 1) * (m + 1), sizeof(*t));
		size_t i = 0, j = 0;

#define T(i, j) t[(i) * (m + 1) + (j)]
		for (size_t ii = n; ii-- > 0;)
			for (size_t jj = m; jj-- > 0;)
				T(ii, jj) = same(&x[ii], &y[jj])             ? T(ii + 1, jj + 1) + 1
				            : T(ii + 1, jj) >= T(ii, jj + 1) ? T(ii + 1, jj)
				                                             : T(ii, jj + 1);
		while (i < n && j < m) {
			if (same(&x[i], &y[j])) {
				cb(ctx, ND_DIFF_SAME, x[i].p, x[i].len);
				i++;
				j++;
			} else if (T(i + 1, j) >= T(i, j + 1)) {
				cb(ctx, ND_DIFF_DEL, x[i].p, x[i].len);
				i++;
			} else {
				cb(ctx, ND_DIFF_ADD, y[j].p, y[j].len);
				j++;
			}
		}
#undef T
		for (; i < n; i++)
			cb(ctx, ND_DIFF_DEL, x[i].p, x[i].len);
		for (; j < m; j++)
			cb(ctx, ND_DIFF_ADD, y[j].p, y[j].len);
		free(t);
	} else {
		for (size_t i = 0; i < n; i++)
			cb(ctx, ND_DIFF_DEL, la[head + i].p, la[head + i].len);
		for (size_t j = 0; j < m; j++)
			cb(ctx, ND_DIFF_ADD, lb[head + j].p, lb[head + j].len);
	}
	for (size_t i = na - tail; i < na; i++)
		cb(ctx, ND_DIFF_SAME, la[i].p, la[i].len);
	free(la);
	free(lb);
}

static void to_text(void *ctx, enum nd_diff_op op, const char *line, size_t len)
{
	struct nd_buf *out = ctx;

	nd_buf_addch(out, (char)op);
	nd_buf_addch(out, ' ');
	nd_buf_add(out, line, len);
	nd_buf_addch(out, '\n');
}

void nd_diff_text(const char *a, size_t alen, const char *b, size_t blen, struct nd_buf *out)
{
	nd_diff_lines(a, alen, b, blen, to_text, out);
}
