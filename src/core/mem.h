#pragma once
/*
 * Allocation that never fails: on out-of-memory the process logs and aborts
 * (the redis and h2o choice for a server), so no caller handles NULL.
 * ND_BUG/ND_ASSERT report broken invariants and stay on in release builds;
 * never use them for bad input, a failing database or a client that hangs up.
 */
#include <stddef.h>

void *nd_xmalloc(size_t size);
void *nd_xcalloc(size_t n, size_t size);
void *nd_xrealloc(void *p, size_t size);
/* Copies of a C string / of len bytes plus a NUL. Caller owns the result. */
char *nd_xstrdup(const char *s);
char *nd_xstrndup(const char *s, size_t len);

/* Reports a broken invariant with its place and aborts. */
_Noreturn void nd_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ND_BUG(...) nd_bug(__FILE__, __LINE__, __VA_ARGS__)
#define ND_ASSERT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ND_BUG("assertion failed: %s", #cond);                                     \
	} while (0)

#define ND_COUNT(a) (sizeof(a) / sizeof((a)[0]))
