#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"

enum nd_log_level nd_log_level = ND_LOG_INFO;

static const char *level_names[] = {"debug", "info", "warn", "error"};

void nd_logv(enum nd_log_level level, const char *file, int line, const char *fmt, va_list ap)
{
	char msg[2048], stamp[32];
	struct timespec ts;
	struct tm tm;

	if (level < nd_log_level || level >= ND_LOG_NONE)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line so concurrent threads do not interleave. */
	if (file)
		fprintf(stderr, "%s.%03ldZ %s %s (%s:%d)\n", stamp, ts.tv_nsec / 1000000,
		        level_names[level], msg, file, line);
	else
		fprintf(stderr, "%s.%03ldZ %s %s\n", stamp, ts.tv_nsec / 1000000,
		        level_names[level], msg);
}

void nd_logf(enum nd_log_level level, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nd_logv(level, file, line, fmt, ap);
	va_end(ap);
}

int nd_log_parse_level(const char *name, enum nd_log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(name, level_names[i])) {
			*out = (enum nd_log_level)i;
			return 0;
		}
	}
	if (!strcasecmp(name, "warning")) {
		*out = ND_LOG_WARN;
		return 0;
	}
	return ND_EINVAL;
}

bool nd_trace_on(const char *key)
{
	const char *list = getenv("ND_TRACE");
	size_t klen = strlen(key);

	if (!list || !*list)
		return false;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if ((n == klen && !strncmp(p, key, n)) || (n == 3 && !strncmp(p, "all", 3)))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
