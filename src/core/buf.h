#pragma once
/*
 * nd_buf: the one growable byte buffer (git strbuf + curl dynbuf + SQLite's
 * sticky error).
 *
 * Invariants: `buf` is never NULL and always NUL-terminated, so it can be
 * passed to C string functions; `len` counts bytes before that NUL. A buffer
 * has a hard maximum `max` (0 = unlimited): an append that would pass it
 * appends nothing and sets the sticky error ND_ETOOBIG, after which every
 * append is a no-op. Check once at the end with nd_buf_err().
 *
 *	struct nd_buf b = ND_BUF_INIT;
 *	nd_buf_addf(&b, "%d items", n);
 *	if (nd_buf_err(&b)) ...
 *	nd_buf_release(&b);
 */
#include <stdarg.h>
#include <stddef.h>

struct nd_buf {
	char *buf;
	size_t len;
	size_t alloc; /* 0 while buf points at the shared empty string */
	size_t max;
	int err;
};

extern char nd_buf_empty[];
#define ND_BUF_INIT                                                                                \
	{                                                                                          \
		nd_buf_empty, 0, 0, 0, 0                                                           \
	}

/* Initialises an empty buffer with maximum length max (0: no limit). */
void nd_buf_init(struct nd_buf *b, size_t max);
/* Frees the storage; the buffer is then as after nd_buf_init(b, max). */
void nd_buf_release(struct nd_buf *b);
/* Empties the buffer but keeps its storage and clears the sticky error. */
void nd_buf_reset(struct nd_buf *b);
/* Hands the storage to the caller (caller owns the result, free() it) and
 * resets b. *len_out, if not NULL, gets the length. */
char *nd_buf_detach(struct nd_buf *b, size_t *len_out);

/* Makes room for at least extra more bytes; 0 or ND_ETOOBIG (sticky). */
int nd_buf_grow(struct nd_buf *b, size_t extra);
void nd_buf_add(struct nd_buf *b, const void *data, size_t len);
void nd_buf_adds(struct nd_buf *b, const char *s);
void nd_buf_addch(struct nd_buf *b, char c);
void nd_buf_addf(struct nd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nd_buf_vaddf(struct nd_buf *b, const char *fmt, va_list ap);
/* Shortens the buffer to len bytes (len <= b->len). */
void nd_buf_truncate(struct nd_buf *b, size_t len);

/*
 * Shortens the text from offset start to at most max_len bytes plus "…",
 * cutting at the last space that fits (or, for one long word, between UTF-8
 * characters); trailing spaces go first. Text that fits is left alone.
 */
void nd_buf_cut_words(struct nd_buf *b, size_t start, size_t max_len);

/*
 * Appends the whole file at path to b. Errors (message logged, naming the
 * file as a `what`, e.g. "template"): ND_EIO when it cannot be opened or
 * read, ND_ETOOBIG when it would pass b's maximum (the size is counted while
 * reading, so a file that grows meanwhile cannot slip past the limit).
 */
int nd_buf_read_file(struct nd_buf *b, const char *path, const char *what);

/* The sticky error: 0, or ND_ETOOBIG once an append was refused. */
static inline int nd_buf_err(const struct nd_buf *b)
{
	return b->err;
}
