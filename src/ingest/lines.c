#include "ingest/ingest_int.h"

#include <errno.h>
#include <string.h>

#include "core/err.h"

void nd__lines_init(struct nd__lines *r, FILE *in, size_t max)
{
	r->in = in;
	r->max = max;
	/* One byte past max so a CR before the LF still fits. */
	nd_buf_init(&r->buf, max + 1);
	r->bytes = 0;
	r->lineno = 0;
	r->done = false;
}

void nd__lines_release(struct nd__lines *r)
{
	nd_buf_release(&r->buf);
}

int nd__lines_next(struct nd__lines *r, struct nd_str *line, uint64_t *len)
{
	char chunk[4096];
	size_t n = 0;
	uint64_t total = 0; /* bytes of this line, terminator excluded */
	int c, last = -1;
	bool any = false;

	if (r->done)
		return 0;
	nd_buf_reset(&r->buf);
	for (;;) {
		c = getc_unlocked(r->in);
		if (c == EOF)
			break;
		any = true;
		r->bytes++;
		if (c == '\n')
			break;
		total++;
		last = c;
		chunk[n++] = (char)c;
		if (n == sizeof(chunk)) {
			/* Past max the append fails, sets the sticky error and
			 * stores nothing: the rest of the line is only counted. */
			nd_buf_add(&r->buf, chunk, n);
			n = 0;
		}
	}
	nd_buf_add(&r->buf, chunk, n);
	if (c == EOF) {
		if (ferror(r->in)) {
			int e = errno;
			r->done = true;
			errno = e;
			return ND_EIO;
		}
		r->done = true;
		if (!any)
			return 0;
	}
	r->lineno++;
	if (last == '\r')
		total--;
	*len = total;
	if (total > r->max) {
		*line = ND_STR_NULL;
		return 1;
	}
	if (last == '\r')
		nd_buf_truncate(&r->buf, r->buf.len - 1);
	line->p = r->buf.buf;
	line->len = r->buf.len;
	if (r->lineno == 1 && line->len >= 3 && !memcmp(line->p, "\xEF\xBB\xBF", 3)) {
		line->p += 3;
		line->len -= 3;
		*len -= 3;
	}
	return 1;
}
