#pragma once
/*
 * What the bench programs share: a fatal error, a progress line and a
 * monotonic clock. Define BENCH_NAME ("nd_bench_rank") before including.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* "BENCH_NAME: message" on stderr, and exit(1). */
_Noreturn static inline void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(BENCH_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A progress line on stderr, "# " first (the figures go to stdout). */
static inline void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void progress(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
