/*
 * MIND-format logs: a strict line parser for behaviors.tsv and news.tsv
 * (mind.h).
 */
#include "recommend/mind.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"

#define NEWS_FIELDS     8
#define BEHAVIOR_FIELDS 5

struct nd_mind_ids {
	struct nd_map map; /* name -> number + 1 */
	char **names;
	size_t count, cap;
};

struct nd_mind_ids *nd_mind_ids_new(void)
{
	return nd_xcalloc(1, sizeof(struct nd_mind_ids));
}

void nd_mind_ids_free(struct nd_mind_ids *ids)
{
	if (!ids)
		return;
	nd_map_release(&ids->map);
	for (size_t i = 0; i < ids->count; i++)
		free(ids->names[i]);
	free(ids->names);
	free(ids);
}

uint32_t nd_mind_ids_intern(struct nd_mind_ids *ids, const char *s, size_t len)
{
	void *v = nd_map_get(&ids->map, s, len);

	if (v)
		return (uint32_t)((uintptr_t)v - 1);
	if (ids->count == ids->cap) {
		ids->cap = ids->cap ? 2 * ids->cap : 1024;
		ids->names = nd_xrealloc(ids->names, ids->cap * sizeof(*ids->names));
	}
	ids->names[ids->count] = nd_xstrndup(s, len);
	nd_map_put(&ids->map, ids->names[ids->count], len, (void *)(uintptr_t)(ids->count + 1));
	return (uint32_t)ids->count++;
}

size_t nd_mind_ids_count(const struct nd_mind_ids *ids)
{
	return ids->count;
}

const char *nd_mind_ids_name(const struct nd_mind_ids *ids, uint32_t n)
{
	return ids->names[n];
}

static int invalid(char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int invalid(char **why, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	if (why) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		*why = nd_xstrdup(buf);
	}
	return ND_EINVAL;
}

/* Cuts line[0..len) at tabs into at most max fields; returns the count. */
static size_t split_tabs(const char *line, size_t len, const char **f, size_t *flen, size_t max)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (n < max) {
			f[n] = line + start;
			flen[n] = i - start;
		}
		n++;
		start = i + 1;
	}
	return n;
}

static size_t trim_eol(const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	return len;
}

/* The number of space-separated tokens in s[0..len). */
static size_t count_tokens(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			n++;
	return n;
}

static int next_token(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len)
{
	size_t i = *pos;

	while (i < len && s[i] == ' ')
		i++;
	if (i == len)
		return 0;
	*tok = s + i;
	while (i < len && s[i] != ' ')
		i++;
	*tok_len = (size_t)(s + i - *tok);
	*pos = i;
	return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "11/15/2019 8:55:22 AM": 1 and the seconds since 1970 (UTC) in *t, or 0. */
static int valid_time(const char *s, size_t len, int64_t *t)
{
	char buf[64], ampm[3];
	unsigned mo, d, y, h, mi, sec;
	int used = 0;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (sscanf(buf, "%u/%u/%u %u:%u:%u %2[AP]M%n", &mo, &d, &y, &h, &mi, &sec, ampm, &used) !=
	        7 ||
	    (size_t)used != len)
		return 0;
	if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 1 && h <= 12 && mi < 60 && sec < 61))
		return 0;
	h = h % 12 + (ampm[0] == 'P' ? 12 : 0);
	*t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec;
	return 1;
}

int nd_mind_log_add_line(struct nd_mind_log *log, const char *line, size_t len,
                         struct nd_mind_ids *items, struct nd_mind_ids *users, char **why)
{
	const char *f[BEHAVIOR_FIELDS], *tok;
	size_t flen[BEHAVIOR_FIELDS], nf, pos, tok_len, n_hist, n_items;
	struct nd_mind_impression imp = {0};

	len = trim_eol(line, len);
	nf = split_tabs(line, len, f, flen, BEHAVIOR_FIELDS);
	if (nf != BEHAVIOR_FIELDS)
		return invalid(why, "%zu tab-separated fields, not %d", nf, BEHAVIOR_FIELDS);
	if (!flen[0])
		return invalid(why, "empty impression id");
	if (!flen[1] || memchr(f[1], ' ', flen[1]))
		return invalid(why, "bad user id '%.*s'", (int)flen[1], f[1]);
	if (!valid_time(f[2], flen[2], &imp.time))
		return invalid(why, "bad time '%.*s' (want M/D/YYYY H:MM:SS AM)", (int)flen[2],
		               f[2]);
	n_items = count_tokens(f[4], flen[4]);
	if (!n_items)
		return invalid(why, "no impressions");
	/* Check the candidates before interning anything. */
	pos = 0;
	while (next_token(f[4], flen[4], &pos, &tok, &tok_len))
		if (tok_len < 3 || tok[tok_len - 2] != '-' ||
		    (tok[tok_len - 1] != '0' && tok[tok_len - 1] != '1'))
			return invalid(why, "bad impression '%.*s' (want ID-0 or ID-1)",
			               (int)tok_len, tok);
	n_hist = count_tokens(f[3], flen[3]);
	if (n_hist > UINT32_MAX || n_items > UINT32_MAX)
		return invalid(why, "too many items");

	imp.user = nd_mind_ids_intern(users, f[1], flen[1]);
	imp.n_history = (uint32_t)n_hist;
	imp.n_items = (uint32_t)n_items;
	imp.history = nd_xmalloc((n_hist + 1) * sizeof(*imp.history));
	imp.items = nd_xmalloc(n_items * sizeof(*imp.items));
	imp.clicked = nd_xmalloc(n_items);
	pos = 0;
	for (size_t i = 0; next_token(f[3], flen[3], &pos, &tok, &tok_len); i++)
		imp.history[i] = nd_mind_ids_intern(items, tok, tok_len);
	pos = 0;
	for (size_t i = 0; next_token(f[4], flen[4], &pos, &tok, &tok_len); i++) {
		imp.items[i] = nd_mind_ids_intern(items, tok, tok_len - 2);
		imp.clicked[i] = tok[tok_len - 1] == '1';
	}
	if (log->count == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 256;
		log->imps = nd_xrealloc(log->imps, log->cap * sizeof(*log->imps));
	}
	log->imps[log->count++] = imp;
	return 0;
}

typedef int (*line_fn)(void *ctx, const char *line, size_t len, char **why);

/* Calls fn on every line of path; names the first bad one as FILE:LINE. */
static int each_line(const char *path, line_fn fn, void *ctx)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *why = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!fp)
		return nd_error(ND_EIO, "cannot read '%s'", path);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		rc = fn(ctx, line, (size_t)n, &why);
		if (rc) {
			nd_error(rc, "%s:%zu: %s", path, lineno, why ? why : nd_strerror(rc));
			free(why);
			break;
		}
	}
	if (!rc && ferror(fp))
		rc = nd_error(ND_EIO, "cannot read '%s'", path);
	free(line);
	fclose(fp);
	return rc;
}

static int news_line(void *ctx, const char *line, size_t len, char **why)
{
	struct nd_mind_log *log = ctx;
	const char *f[NEWS_FIELDS];
	size_t flen[NEWS_FIELDS], nf;
	struct nd_mind_article *a;

	len = trim_eol(line, len);
	nf = split_tabs(line, len, f, flen, NEWS_FIELDS);
	if (nf != NEWS_FIELDS)
		return invalid(why, "%zu tab-separated fields, not %d", nf, NEWS_FIELDS);
	if (!flen[0] || memchr(f[0], ' ', flen[0]))
		return invalid(why, "bad news id '%.*s'", (int)flen[0], f[0]);
	if (log->news == log->articles_cap) {
		log->articles_cap = log->articles_cap ? 2 * log->articles_cap : 256;
		log->articles =
		    nd_xrealloc(log->articles, log->articles_cap * sizeof(*log->articles));
	}
	/*
	 * One copy of the row, its tabs made NULs: the fields point into it
	 * (memcpy, not strndup: a NUL byte inside the row must not cut the copy
	 * short of the fields' offsets).
	 */
	a = &log->articles[log->news++];
	a->id = nd_xmalloc(len + 1);
	memcpy(a->id, line, len);
	a->id[len] = 0;
	for (size_t i = 0; i < len; i++)
		if (a->id[i] == '\t')
			a->id[i] = 0;
	a->category = a->id + (f[1] - line);
	a->subcategory = a->id + (f[2] - line);
	a->title = a->id + (f[3] - line);
	a->abstract = a->id + (f[4] - line);
	return 0;
}

struct behaviors_ctx {
	struct nd_mind_log *log;
	struct nd_mind_ids *items, *users;
};

static int behaviors_line(void *ctx, const char *line, size_t len, char **why)
{
	struct behaviors_ctx *b = ctx;

	return nd_mind_log_add_line(b->log, line, len, b->items, b->users, why);
}

int nd_mind_log_load(struct nd_mind_log *log, const char *dir, struct nd_mind_ids *items,
                     struct nd_mind_ids *users)
{
	struct behaviors_ctx b = {log, items, users};
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/news.tsv", dir);
	rc = each_line(path, news_line, log);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/behaviors.tsv", dir);
	return each_line(path, behaviors_line, &b);
}

void nd_mind_log_release(struct nd_mind_log *log)
{
	for (size_t i = 0; i < log->count; i++) {
		free(log->imps[i].history);
		free(log->imps[i].items);
		free(log->imps[i].clicked);
	}
	free(log->imps);
	for (size_t i = 0; i < log->news; i++)
		free(log->articles[i].id);
	free(log->articles);
	*log = (struct nd_mind_log)ND_MIND_LOG_INIT;
}
