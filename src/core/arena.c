#include "core/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct block {
	struct block *next;
	size_t size, used;
	alignas(max_align_t) char data[];
};

struct defer {
	struct defer *next;
	void (*fn)(void *);
	void *data;
};

struct nd_arena {
	struct block *head;
	struct defer *defers;
	size_t block_size;
};

struct nd_arena *nd_arena_new(size_t block_size)
{
	struct nd_arena *a = nd_xcalloc(1, sizeof(*a));

	a->block_size = block_size ? block_size : 4096;
	return a;
}

void nd_arena_free(struct nd_arena *a)
{
	if (!a)
		return;
	while (a->defers) {
		struct defer *d = a->defers;
		a->defers = d->next;
		d->fn(d->data);
	}
	while (a->head) {
		struct block *b = a->head;
		a->head = b->next;
		free(b);
	}
	free(a);
}

void *nd_arena_alloc(struct nd_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct block *b;
	size_t off;

	if (!a)
		return nd_xcalloc(1, size);
	b = a->head;
	off = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || off + size > b->size) {
		size_t bsize = size > a->block_size ? size : a->block_size;
		b = nd_xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		b->used = 0;
		/* An oversized allocation gets its own block behind the head so
		 * the head's free space stays usable. */
		if (size > a->block_size && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		off = 0;
	}
	b->used = off + size;
	memset(b->data + off, 0, size);
	return b->data + off;
}

char *nd_arena_strndup(struct nd_arena *a, const char *s, size_t len)
{
	char *p = a ? nd_arena_alloc(a, len + 1) : nd_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *nd_arena_strdup(struct nd_arena *a, const char *s)
{
	return nd_arena_strndup(a, s, strlen(s));
}

char *nd_arena_printf(struct nd_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = a ? nd_arena_alloc(a, (size_t)n + 1) : nd_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void nd_arena_defer(struct nd_arena *a, void (*fn)(void *), void *data)
{
	struct defer *d = nd_arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->data = data;
	d->next = a->defers;
	a->defers = d;
}
