#pragma once
/*
 * Diagnostics. nd_log() tests the level before it formats anything (redis
 * serverLog), so a debug line costs one comparison when debug is off.
 * Messages go to stderr, one line each, prefixed with time and level.
 * Trace keys (ND_TRACE=store,http) switch on per-module debug output.
 */
#include <stdarg.h>
#include <stdbool.h>

enum nd_log_level { ND_LOG_DEBUG, ND_LOG_INFO, ND_LOG_WARN, ND_LOG_ERROR, ND_LOG_NONE };

extern enum nd_log_level nd_log_level;

#ifdef NDEBUG
#define ND_LOG_WHERE NULL, 0
#else
#define ND_LOG_WHERE __FILE__, __LINE__
#endif

#define nd_log(level, ...)                                                                         \
	do {                                                                                       \
		if ((level) >= nd_log_level)                                                       \
			nd_logf((level), ND_LOG_WHERE, __VA_ARGS__);                               \
	} while (0)

/* Writes one line when trace key is enabled through ND_TRACE. */
#define nd_trace(key, ...)                                                                         \
	do {                                                                                       \
		if (nd_trace_on(key))                                                              \
			nd_logf(ND_LOG_DEBUG, ND_LOG_WHERE, __VA_ARGS__);                          \
	} while (0)

/* Formats and writes one log line; use the nd_log() macro instead. */
void nd_logf(enum nd_log_level level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void nd_logv(enum nd_log_level level, const char *file, int line, const char *fmt, va_list ap);

/* Parses "debug", "info", "warn" or "error"; returns 0 or ND_EINVAL. */
int nd_log_parse_level(const char *name, enum nd_log_level *out);

/* Whether trace key (e.g. "store") is listed in $ND_TRACE (or ND_TRACE=all). */
bool nd_trace_on(const char *key);
