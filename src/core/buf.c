#include "core/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

char nd_buf_empty[1];

void nd_buf_init(struct nd_buf *b, size_t max)
{
	b->buf = nd_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->err = 0;
}

void nd_buf_release(struct nd_buf *b)
{
	size_t max = b->max;

	if (b->alloc)
		free(b->buf);
	nd_buf_init(b, max);
}

void nd_buf_reset(struct nd_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
	b->err = 0;
}

char *nd_buf_detach(struct nd_buf *b, size_t *len_out)
{
	char *p = b->alloc ? b->buf : nd_xstrdup("");

	if (len_out)
		*len_out = b->len;
	nd_buf_init(b, b->max);
	return p;
}

int nd_buf_grow(struct nd_buf *b, size_t extra)
{
	size_t need;

	if (b->err)
		return b->err;
	if (extra > SIZE_MAX - b->len - 1 || (b->max && b->len + extra > b->max)) {
		b->err = ND_ETOOBIG;
		return b->err;
	}
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return 0;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc < SIZE_MAX / 2 ? alloc * 2 : need;
	if (b->alloc) {
		b->buf = nd_xrealloc(b->buf, alloc);
	} else {
		b->buf = nd_xmalloc(alloc);
		b->buf[0] = '\0';
	}
	b->alloc = alloc;
	return 0;
}

void nd_buf_add(struct nd_buf *b, const void *data, size_t len)
{
	if (nd_buf_grow(b, len))
		return;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void nd_buf_adds(struct nd_buf *b, const char *s)
{
	nd_buf_add(b, s, strlen(s));
}

void nd_buf_addch(struct nd_buf *b, char c)
{
	nd_buf_add(b, &c, 1);
}

void nd_buf_vaddf(struct nd_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->err)
		return;
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		if (b->max && b->len + (size_t)n > b->max) {
			b->buf[b->len] = '\0';
			b->err = ND_ETOOBIG;
			return;
		}
		b->len += (size_t)n;
		return;
	}
	if (nd_buf_grow(b, (size_t)n))
		return;
	vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	b->len += (size_t)n;
}

void nd_buf_addf(struct nd_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nd_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void nd_buf_truncate(struct nd_buf *b, size_t len)
{
	if (len > b->len)
		ND_BUG("nd_buf_truncate past end (%zu > %zu)", len, b->len);
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

int nd_buf_read_file(struct nd_buf *b, const char *path, const char *what)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return nd_error(ND_EIO, "cannot open %s '%s': %s", what, path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		nd_buf_add(b, chunk, n);
		if (nd_buf_err(b)) {
			rc = nd_error(ND_ETOOBIG, "%s '%s' is over the limit of %zu bytes", what,
			              path, b->max);
			goto out;
		}
	}
	if (ferror(f))
		rc = nd_error(ND_EIO, "cannot read %s '%s': %s", what, path, strerror(errno));
out:
	fclose(f);
	return rc;
}

void nd_buf_cut_words(struct nd_buf *b, size_t start, size_t max_len)
{
	size_t cut;

	while (b->len > start && b->buf[b->len - 1] == ' ')
		nd_buf_truncate(b, b->len - 1);
	if (b->len - start <= max_len)
		return;
	cut = start + max_len;
	while (cut > start && b->buf[cut] != ' ')
		cut--;
	if (cut == start) /* one long word: cut before a UTF-8 continuation byte */
		for (cut = start + max_len;
		     cut > start && ((unsigned char)b->buf[cut] & 0xC0) == 0x80; cut--)
			;
	nd_buf_truncate(b, cut);
	nd_buf_adds(b, "…");
}
