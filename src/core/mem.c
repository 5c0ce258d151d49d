#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t size)
{
	fprintf(stderr, "newsdesk: out of memory allocating %zu bytes\n", size);
	abort();
}

void *nd_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *nd_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *nd_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		oom(size);
	return q;
}

char *nd_xstrndup(const char *s, size_t len)
{
	char *p = nd_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *nd_xstrdup(const char *s)
{
	return nd_xstrndup(s, strlen(s));
}

void nd_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "newsdesk: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
