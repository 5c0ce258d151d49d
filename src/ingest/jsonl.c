#include "ingest/jsonl.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"
#include "ingest/ingest_int.h"
#include "ingest/rfc3339.h"
#include "store/slug.h"

/* At most this many input bytes wait in one uncommitted batch. */
#define BATCH_MAX_BYTES (32u * 1024 * 1024)
/* Store failures in a row after which the store, not the data, is broken. */
#define MAX_STORE_FAILURES 100
/* How much of a bad value a message quotes. */
#define QUOTE_MAX 40

/* ---- validating one line ------------------------------------------------ */

bool nd_jsonl_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
			return false;
	return true;
}

/* Field values use the store's notion of blank: ASCII white space only. */
static bool blank_value(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && (s[i] < '\t' || s[i] > '\r'))
			return false;
	return true;
}

/*
 * Whether s[0..len) has a letter or digit, that is a non-empty slug: the
 * store refuses a tag, author, section level or slug without one. scratch
 * and slug are work buffers; slug keeps the result.
 */
static bool has_word(const char *s, size_t len, struct nd_buf *scratch, struct nd_buf *slug)
{
	nd_buf_reset(scratch);
	nd_buf_reset(slug);
	nd_buf_add(scratch, s, len);
	nd_slugify(scratch->buf, ND_MAX_SLUG, slug);
	return slug->len > 0;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/*
 * Appends s[0..len) with control characters shown as '?', so input quoted
 * in a message cannot break the one-line report or drive the terminal.
 */
static void add_defused(struct nd_buf *why, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		nd_buf_addch(why, c < 0x20 || c == 0x7F ? '?' : (char)c);
	}
}

/* Appends 'value' for a message: defused, and at most QUOTE_MAX bytes (cut
 * on a UTF-8 boundary, then "..."). */
static void add_quoted(struct nd_buf *why, const char *s, size_t len)
{
	size_t n = len;

	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	nd_buf_addch(why, '\'');
	add_defused(why, s, n);
	nd_buf_addch(why, '\'');
	if (n < len)
		nd_buf_adds(why, "...");
}

/* A string field: the value (NUL-terminated, borrowed from the JSON) and its
 * length; p is NULL when the field is absent, null or blank. */
struct field {
	const char *p;
	size_t len;
};

/*
 * Reads the optional string field key of obj into *f. Returns 0 (f->p NULL
 * when absent, null or blank) or ND_EINVAL for another type.
 */
static int opt_string(json_t *obj, const char *key, struct field *f, struct nd_buf *why)
{
	json_t *v = json_object_get(obj, key);

	f->p = NULL;
	f->len = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		nd_buf_addf(why, "field '%s' must be a string, not %s", key, type_name(v));
		return ND_EINVAL;
	}
	if (!blank_value(json_string_value(v), json_string_length(v))) {
		f->p = json_string_value(v);
		f->len = json_string_length(v);
	}
	return 0;
}

/* Reads the required string field key, which must not be blank. */
static int req_string(json_t *obj, const char *key, struct field *f, struct nd_buf *why)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		nd_buf_addf(why, "missing required field '%s'", key);
		return ND_EINVAL;
	}
	if (!json_is_string(v) || blank_value(json_string_value(v), json_string_length(v))) {
		nd_buf_addf(why, "field '%s' must be a non-empty string, not %s", key,
		            json_is_string(v) ? "a blank one" : type_name(v));
		return ND_EINVAL;
	}
	f->p = json_string_value(v);
	f->len = json_string_length(v);
	return 0;
}

static int check_max(const char *key, const struct field *f, size_t max, struct nd_buf *why)
{
	if (f->len <= max)
		return 0;
	nd_buf_addf(why, "field '%s' is %zu bytes, over the %zu-byte limit", key, f->len, max);
	return ND_ETOOBIG;
}

static int parse_date(json_t *obj, const char *key, int64_t *out, struct nd_buf *why)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		nd_buf_addf(why, "field '%s' must be an RFC 3339 date string, not %s", key,
		            type_name(v));
		return ND_EINVAL;
	}
	if (nd_rfc3339_parse(json_string_value(v), json_string_length(v), out) < 0) {
		nd_buf_addf(why, "field '%s': invalid RFC 3339 date ", key);
		add_quoted(why, json_string_value(v), json_string_length(v));
		return ND_EINVAL;
	}
	return 0;
}

/*
 * "World/Europe", read the way the store reads it: levels split at '/',
 * trimmed, empty ones skipped; at most ND_MAX_SECTION_DEPTH of them, each
 * with a letter or digit.
 */
static int check_section(const struct field *f, struct nd_buf *scratch, struct nd_buf *slug,
                         struct nd_buf *why)
{
	size_t levels = 0, start = 0;

	for (size_t i = 0; i <= f->len; i++) {
		if (i < f->len && f->p[i] != '/')
			continue;
		if (!blank_value(f->p + start, i - start)) {
			levels++;
			if (!has_word(f->p + start, i - start, scratch, slug)) {
				nd_buf_adds(why, "field 'section': level ");
				add_quoted(why, f->p + start, i - start);
				nd_buf_adds(why, " has no letter or digit");
				return ND_EINVAL;
			}
		}
		start = i + 1;
	}
	if (levels > ND_MAX_SECTION_DEPTH) {
		nd_buf_addf(why, "field 'section' has %zu levels, over the limit of %d", levels,
		            ND_MAX_SECTION_DEPTH);
		return ND_ETOOBIG;
	}
	return 0;
}

/* An author or a given slug: must give a non-empty slug. */
static int check_word(const char *key, const struct field *f, struct nd_buf *scratch,
                      struct nd_buf *slug, struct nd_buf *why)
{
	if (has_word(f->p, f->len, scratch, slug))
		return 0;
	nd_buf_addf(why, "field '%s' has no letter or digit: ", key);
	add_quoted(why, f->p, f->len);
	return ND_EINVAL;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* A BCP 47 shape, loosely: 2-3 letters, then "-" and 1-8 letters or digits
 * any number of times ("en", "pt-BR", "zh-Hant-TW"), at most 35 bytes. */
static int check_language(const struct field *f, struct nd_buf *why)
{
	size_t i = 0, n;

	while (i < f->len && is_alpha(f->p[i]))
		i++;
	if (i < 2 || i > 3 || f->len > 35)
		goto bad;
	while (i < f->len) {
		if (f->p[i++] != '-')
			goto bad;
		for (n = 0; i < f->len && is_alnum(f->p[i]); i++)
			n++;
		if (n < 1 || n > 8)
			goto bad;
	}
	return 0;
bad:
	nd_buf_adds(why, "field 'language' must be a language tag like 'en' or 'pt-BR', not ");
	add_quoted(why, f->p, f->len);
	return ND_EINVAL;
}

/*
 * URLs end up in href and src attributes. Browsers drop spaces and control
 * characters in them before they look at the scheme ("java\tscript:"), so
 * those are refused outright; then source_url must be http(s) and image
 * either http(s) or a reference without a scheme ("/media/a.jpg").
 */
static int check_url(const char *key, const struct field *f, bool path_ok, struct nd_buf *why)
{
	size_t i = 0;

	for (size_t k = 0; k < f->len; k++) {
		unsigned char c = (unsigned char)f->p[k];
		if (c <= 0x20 || c == 0x7F) {
			nd_buf_addf(why,
			            "field '%s' must be a URL without spaces or control "
			            "characters",
			            key);
			return ND_EINVAL;
		}
	}
	if (!strncasecmp(f->p, "http://", 7) || !strncasecmp(f->p, "https://", 8))
		return 0;
	if (path_ok && f->len > 0 && is_alpha(f->p[0])) {
		/* RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
		while (i < f->len &&
		       (is_alnum(f->p[i]) || f->p[i] == '+' || f->p[i] == '-' || f->p[i] == '.'))
			i++;
	}
	if (path_ok && (i == f->len || f->p[i] != ':'))
		return 0;
	nd_buf_addf(why, "field '%s' must be %s, not ", key,
	            path_ok ? "an http or https URL or a path" : "an http or https URL");
	add_quoted(why, f->p, f->len);
	return ND_EINVAL;
}

static int parse_status(json_t *obj, enum nd_article_status *out, struct nd_buf *why)
{
	static const struct {
		const char *name;
		enum nd_article_status status;
	} names[] = {
	    {"published", ND_STATUS_PUBLISHED},
	    {"draft", ND_STATUS_DRAFT},
	    {"scheduled", ND_STATUS_SCHEDULED},
	};
	json_t *v = json_object_get(obj, "status");

	*out = ND_STATUS_PUBLISHED;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		for (size_t i = 0; i < ND_COUNT(names); i++) {
			if (!strcmp(json_string_value(v), names[i].name)) {
				*out = names[i].status;
				return 0;
			}
		}
	}
	nd_buf_adds(why, "field 'status' must be one of published, draft, scheduled, not ");
	if (json_is_string(v))
		add_quoted(why, json_string_value(v), json_string_length(v));
	else
		nd_buf_adds(why, type_name(v));
	return ND_EINVAL;
}

/*
 * tags: an array of at most ND_MAX_TAGS strings, each with a letter or
 * digit. *out gets the array, or NULL when the field is absent or null.
 */
static int check_tags(json_t *obj, json_t **out, struct nd_buf *scratch, struct nd_buf *slug,
                      struct nd_buf *why)
{
	json_t *v = json_object_get(obj, "tags"), *t;
	size_t i;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		nd_buf_addf(why, "field 'tags' must be an array of strings, not %s", type_name(v));
		return ND_EINVAL;
	}
	if (json_array_size(v) > ND_MAX_TAGS) {
		nd_buf_addf(why, "field 'tags' has %zu entries, over the limit of %d",
		            json_array_size(v), ND_MAX_TAGS);
		return ND_ETOOBIG;
	}
	json_array_foreach(v, i, t)
	{
		if (!json_is_string(t)) {
			nd_buf_addf(why,
			            "field 'tags' must be an array of strings, but entry %zu is %s",
			            i + 1, type_name(t));
			return ND_EINVAL;
		}
		if (json_string_length(t) > ND_MAX_NAME) {
			nd_buf_addf(why,
			            "field 'tags': entry %zu is %zu bytes, over the %d-byte limit",
			            i + 1, json_string_length(t), ND_MAX_NAME);
			return ND_ETOOBIG;
		}
		if (blank_value(json_string_value(t), json_string_length(t))) {
			nd_buf_addf(why,
			            "field 'tags' must be an array of non-empty strings, but entry "
			            "%zu is blank",
			            i + 1);
			return ND_EINVAL;
		}
		if (!has_word(json_string_value(t), json_string_length(t), scratch, slug)) {
			nd_buf_addf(why, "field 'tags': entry %zu ", i + 1);
			add_quoted(why, json_string_value(t), json_string_length(t));
			nd_buf_adds(why, " has no letter or digit");
			return ND_EINVAL;
		}
	}
	*out = v;
	return 0;
}

/*
 * The names of the checked tags array v, in an array from a, borrowed from
 * v. The store keys tags by slug and links an article to a tag once, so a
 * name whose slug came earlier ("Tech" after "tech") is dropped: the first
 * spelling wins. Called only once the whole line is valid, so a rejected
 * line leaves nothing in a.
 */
static void collect_tags(json_t *v, struct nd_arena *a, struct nd_article_in *art,
                         struct nd_buf *scratch, struct nd_buf *slug)
{
	size_t i, n = 0, size = json_array_size(v);
	const char **names;
	char **slugs;
	json_t *t;

	if (size == 0)
		return;
	names = nd_arena_alloc(a, size * sizeof(*names));
	slugs = nd_xmalloc(size * sizeof(*slugs));
	json_array_foreach(v, i, t)
	{
		size_t k = 0;

		has_word(json_string_value(t), json_string_length(t), scratch, slug);
		while (k < n && strcmp(slugs[k], slug->buf))
			k++;
		if (k < n)
			continue;
		slugs[n] = nd_xstrndup(slug->buf, slug->len);
		names[n++] = json_string_value(t);
	}
	for (i = 0; i < n; i++)
		free(slugs[i]);
	free(slugs);
	art->tags = names;
	art->tag_count = n;
}

static void decref_cb(void *p)
{
	json_decref(p);
}

int nd_jsonl_load(const char *text, size_t len, json_t **out, struct nd_buf *why)
{
	json_error_t jerr;
	const char *nul;
	json_t *root;
	size_t bad;

	*out = NULL;
	if (nd_jsonl_blank(text, len)) {
		nd_buf_adds(why, "empty line");
		return ND_EINVAL;
	}
	/* Checked before jansson, whose message for bad UTF-8 names no place. */
	if (!nd_utf8_valid(text, len, &bad)) {
		nd_buf_addf(why, "invalid UTF-8 at byte %zu", bad + 1);
		return ND_EINVAL;
	}
	/* jansson takes a raw NUL for the end of the input and says "end of
	 * file expected near end of file"; NUL is valid nowhere in JSON text. */
	nul = memchr(text, '\0', len);
	if (nul) {
		nd_buf_addf(why, "bad JSON at byte %zu: NUL byte", (size_t)(nul - text) + 1);
		return ND_ESYNTAX;
	}
	root = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson quotes the input near the fault ("near 'tru'"). */
		nd_buf_addf(why, "bad JSON at column %d: ", jerr.column);
		add_defused(why, jerr.text, strlen(jerr.text));
		return ND_ESYNTAX;
	}
	if (!json_is_object(root)) {
		nd_buf_addf(why, "line is not a JSON object but %s", type_name(root));
		json_decref(root);
		return ND_EINVAL;
	}
	*out = root;
	return 0;
}

int nd_jsonl_parse_object(json_t *root, struct nd_arena *a, struct nd_article_in *out,
                          struct nd_buf *why)
{
	struct field id, title, body, summary, section, author, slug, language, image, source_url;
	struct nd_article_in art = {0};
	struct nd_buf scratch = ND_BUF_INIT, slugbuf = ND_BUF_INIT;
	json_t *tags;
	int rc;

	ND_ASSERT(a && json_is_object(root));
	/* One field after the other, in a fixed order, so a line with several
	 * faults always gets the same message. */
	if ((rc = req_string(root, "id", &id, why)) ||
	    (rc = req_string(root, "title", &title, why)) ||
	    (rc = req_string(root, "body", &body, why)) ||
	    (rc = check_max("id", &id, ND_MAX_ID, why)) ||
	    (rc = check_max("title", &title, ND_MAX_TITLE, why)) ||
	    (rc = opt_string(root, "summary", &summary, why)) ||
	    (rc = opt_string(root, "section", &section, why)) ||
	    (rc = opt_string(root, "author", &author, why)) ||
	    (rc = check_tags(root, &tags, &scratch, &slugbuf, why)) ||
	    (rc = parse_date(root, "published_at", &art.published_at, why)) ||
	    (rc = parse_date(root, "updated_at", &art.updated_at, why)) ||
	    (rc = opt_string(root, "slug", &slug, why)) ||
	    (rc = opt_string(root, "language", &language, why)) ||
	    (rc = opt_string(root, "image", &image, why)) ||
	    (rc = opt_string(root, "source_url", &source_url, why)) ||
	    (rc = parse_status(root, &art.status, why)))
		goto out;
	if ((summary.p && (rc = check_max("summary", &summary, ND_MAX_SUMMARY, why))) ||
	    (section.p &&
	     (rc = check_max("section", &section, ND_MAX_NAME * ND_MAX_SECTION_DEPTH, why))) ||
	    (author.p && (rc = check_max("author", &author, ND_MAX_NAME, why))) ||
	    (image.p && (rc = check_max("image", &image, ND_MAX_LINK, why))) ||
	    (source_url.p && (rc = check_max("source_url", &source_url, ND_MAX_LINK, why))) ||
	    (section.p && (rc = check_section(&section, &scratch, &slugbuf, why))) ||
	    (author.p && (rc = check_word("author", &author, &scratch, &slugbuf, why))) ||
	    (slug.p && (rc = check_max("slug", &slug, ND_MAX_SLUG, why))) ||
	    (slug.p && (rc = check_word("slug", &slug, &scratch, &slugbuf, why))) ||
	    (language.p && (rc = check_language(&language, why))) ||
	    (image.p && (rc = check_url("image", &image, true, why))) ||
	    (source_url.p && (rc = check_url("source_url", &source_url, false, why))))
		goto out;

	art.ext_id = id.p;
	art.title = title.p;
	art.body = body.p;
	art.summary = summary.p;
	art.section = section.p;
	art.author = author.p;
	if (tags)
		collect_tags(tags, a, &art, &scratch, &slugbuf);
	art.slug = slug.p;
	art.language = language.p;
	art.image = image.p;
	art.source_url = source_url.p;
	/* The strings above live in root; a keeps a reference until it is freed. */
	nd_arena_defer(a, decref_cb, json_incref(root));
	*out = art;
	rc = 0;
out:
	nd_buf_release(&scratch);
	nd_buf_release(&slugbuf);
	return rc;
}

int nd_jsonl_parse_line(const char *line, size_t len, struct nd_arena *a, struct nd_article_in *out,
                        struct nd_buf *why)
{
	json_t *root;
	int rc;

	ND_ASSERT(a);
	if ((rc = nd_jsonl_load(line, len, &root, why)) != 0)
		return rc;
	rc = nd_jsonl_parse_object(root, a, out, why);
	json_decref(root);
	return rc;
}

/* ---- the import loop ---------------------------------------------------- */

/* A good line waiting in the open batch, kept so it can be replayed. */
struct pending {
	struct nd_article_in art; /* borrowed from struct import.arena */
	uint64_t lineno;
};

struct import {
	struct nd_store *s;
	const char *name;
	FILE *err;
	bool strict, progress;
	uint64_t total_bytes;
	size_t batch_lines;

	struct nd__lines lines;
	struct nd_arena *arena; /* the parsed lines of the open batch */
	struct pending *batch;
	size_t batch_count, batch_alloc;
	uint64_t batch_bytes;
	uint64_t batch_new, batch_updated; /* counted into stats at commit */
	bool in_tx;
	int store_failures; /* in a row */

	struct nd_import_stats *st;
	struct timespec t0;
	double last_draw;
	bool bar_shown;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void clear_bar(struct import *im)
{
	if (!im->bar_shown)
		return;
	/* Carriage return, then erase to the end of the line (ANSI EL). */
	fputs("\r\033[K", im->err);
	im->bar_shown = false;
}

/* Redraws the bar on one line, at most ten times a second. */
static void draw_bar(struct import *im)
{
	double t = seconds_since(&im->t0), rate;
	uint64_t done = im->st->imported + im->st->updated + im->batch_new + im->batch_updated;

	if (!im->progress || t - im->last_draw < 0.1)
		return;
	im->last_draw = t;
	rate = t > 0 ? (double)done / t : 0;
	fprintf(im->err, "\r%" PRIu64 " articles, %.0f/s", done, rate);
	if (im->total_bytes > 0) {
		uint64_t b = im->lines.bytes < im->total_bytes ? im->lines.bytes : im->total_bytes;
		double bps = t > 0 ? (double)b / t : 0;
		fprintf(im->err, ", %.0f%%", 100.0 * (double)b / (double)im->total_bytes);
		if (bps > 0) {
			long eta = (long)((double)(im->total_bytes - b) / bps + 0.5);
			if (eta >= 3600)
				fprintf(im->err, ", ETA %ld:%02ld:%02ld", eta / 3600, eta / 60 % 60,
				        eta % 60);
			else
				fprintf(im->err, ", ETA %ld:%02ld", eta / 60, eta % 60);
		}
	}
	fputs("\033[K", im->err);
	fflush(im->err);
	im->bar_shown = true;
}

/* Reports "NAME:LINE: message" on its own line, below any progress bar. */
static void __attribute__((format(printf, 3, 4)))
report(struct import *im, uint64_t lineno, const char *fmt, ...)
{
	va_list ap;

	clear_bar(im);
	if (lineno)
		fprintf(im->err, "%s:%" PRIu64 ": ", im->name, lineno);
	else
		fprintf(im->err, "%s: ", im->name);
	va_start(ap, fmt);
	vfprintf(im->err, fmt, ap);
	va_end(ap);
	fputc('\n', im->err);
}

/* Reports an article the store refused. The id is quoted like any input. */
static void report_refused(struct import *im, uint64_t lineno, const char *ext_id, int err)
{
	struct nd_buf id = ND_BUF_INIT;

	add_quoted(&id, ext_id, strlen(ext_id));
	report(im, lineno, "cannot store article %s: %s", id.buf, nd_strerror(err));
	nd_buf_release(&id);
}

/* Drops the parsed lines (the JSON their articles borrow from). */
static void free_parsed(struct import *im)
{
	nd_arena_free(im->arena);
	im->arena = nd_arena_new(64 * 1024);
}

static void reset_batch(struct import *im)
{
	free_parsed(im);
	im->batch_count = 0;
	im->batch_bytes = 0;
	im->batch_new = im->batch_updated = 0;
}

static int begin(struct import *im)
{
	if (im->in_tx)
		return 0;
	if (nd_store_begin(im->s) < 0) {
		report(im, 0, "cannot begin a transaction");
		return ND_ESTORE;
	}
	im->in_tx = true;
	return 0;
}

static int commit(struct import *im)
{
	uint64_t first = im->batch_count ? im->batch[0].lineno : 0;

	if (!im->in_tx)
		return 0;
	im->in_tx = false;
	if (nd_store_commit(im->s) < 0) {
		if (first)
			report(im, 0, "cannot commit lines %" PRIu64 "-%" PRIu64 ", not stored",
			       first, im->batch[im->batch_count - 1].lineno);
		else
			report(im, 0, "cannot commit");
		/* The store has rolled the transaction back. */
		return ND_ESTORE;
	}
	im->st->imported += im->batch_new;
	im->st->updated += im->batch_updated;
	return 0;
}

static int rollback(struct import *im)
{
	if (!im->in_tx)
		return 0;
	im->in_tx = false;
	if (nd_store_rollback(im->s) < 0) {
		report(im, 0, "cannot roll back");
		return ND_ESTORE;
	}
	return 0;
}

/* Counts one article the store refused; too many in a row is fatal. */
static int store_failed(struct import *im, uint64_t lineno, const char *ext_id, int err)
{
	report_refused(im, lineno, ext_id, err);
	im->st->rejected++;
	if (++im->store_failures >= MAX_STORE_FAILURES) {
		report(im, 0, "giving up after %d store failures in a row", MAX_STORE_FAILURES);
		return ND_ESTORE;
	}
	return 0;
}

/*
 * The store refused an article inside a batch. The store has no savepoints,
 * and what the failed put left behind is unknown, so the whole batch is
 * rolled back and put again one article per transaction (no begin: each
 * put is atomic alone). Only the refused articles are lost. This is slow,
 * but it only happens on the rare line that passes validation and still
 * fails in the database.
 */
static int replay_batch(struct import *im)
{
	int rc;

	if ((rc = rollback(im)) < 0)
		return rc;
	im->batch_new = im->batch_updated = 0;
	for (size_t i = 0; i < im->batch_count; i++) {
		struct pending *p = &im->batch[i];
		bool created = false;

		rc = nd_store_article_put(im->s, &p->art, &created);
		if (rc < 0) {
			if ((rc = store_failed(im, p->lineno, p->art.ext_id, rc)) < 0)
				return rc;
			continue;
		}
		im->store_failures = 0;
		if (created)
			im->st->imported++;
		else
			im->st->updated++;
	}
	reset_batch(im);
	return 0;
}

/*
 * Stores one validated article. Returns 0, ND_IMPORT_REJECTED when strict
 * and the store refused it (reported), or a negative code to stop.
 */
static int put(struct import *im, const struct nd_article_in *art, uint64_t lineno, size_t len)
{
	bool created = false;
	int rc;

	if ((rc = begin(im)) < 0)
		return rc;
	rc = nd_store_article_put(im->s, art, &created);
	if (im->strict) {
		if (rc < 0) {
			report_refused(im, lineno, art->ext_id, rc);
			im->st->rejected++;
			return ND_IMPORT_REJECTED;
		}
		/* Nothing to replay in one transaction, so each article's JSON
		 * can go as soon as it is put: memory stays flat. */
		free_parsed(im);
	} else {
		if (im->batch_count == im->batch_alloc) {
			im->batch_alloc = im->batch_alloc ? 2 * im->batch_alloc : 64;
			im->batch = nd_xrealloc(im->batch, im->batch_alloc * sizeof(*im->batch));
		}
		im->batch[im->batch_count].art = *art;
		im->batch[im->batch_count].lineno = lineno;
		im->batch_count++;
		im->batch_bytes += len;
		if (rc < 0)
			return replay_batch(im);
	}
	im->store_failures = 0;
	if (created)
		im->batch_new++;
	else
		im->batch_updated++;
	if (!im->strict &&
	    (im->batch_count >= im->batch_lines || im->batch_bytes >= BATCH_MAX_BYTES)) {
		if ((rc = commit(im)) < 0)
			return rc;
		reset_batch(im);
	}
	return 0;
}

/* Handles one line. Returns 0, ND_IMPORT_REJECTED (strict: stop), or a
 * negative code to stop. */
static int one_line(struct import *im, struct nd_str line, uint64_t len, struct nd_buf *why)
{
	struct nd_article_in art;
	uint64_t lineno = im->lines.lineno;
	int rc;

	if (!line.p) {
		report(im, lineno, "line is %" PRIu64 " bytes, over the %zu-byte limit", len,
		       im->lines.max);
		im->st->rejected++;
		return im->strict ? ND_IMPORT_REJECTED : 0;
	}
	if (nd_jsonl_blank(line.p, line.len)) {
		im->st->blank++;
		return 0;
	}
	nd_buf_reset(why);
	if (nd_jsonl_parse_line(line.p, line.len, im->arena, &art, why) < 0) {
		report(im, lineno, "%s", why->buf);
		im->st->rejected++;
		return im->strict ? ND_IMPORT_REJECTED : 0;
	}
	rc = put(im, &art, lineno, line.len);
	return rc;
}

void nd_import_opts_init(struct nd_import_opts *o)
{
	memset(o, 0, sizeof(*o));
}

int nd_import_jsonl(struct nd_store *s, FILE *in, const struct nd_import_opts *opts,
                    struct nd_import_stats *stats)
{
	struct nd_import_stats local = {0};
	struct import im = {0};
	struct nd_buf why = ND_BUF_INIT;
	struct nd_buf sum = ND_BUF_INIT;
	struct nd_str line;
	uint64_t len;
	int rc = 0, n;

	im.st = stats ? stats : &local;
	memset(im.st, 0, sizeof(*im.st));
	im.s = s;
	im.name = opts && opts->name ? opts->name : "<input>";
	im.err = opts && opts->err ? opts->err : stderr;
	im.strict = opts && opts->strict;
	im.progress = opts && opts->progress;
	im.total_bytes = opts ? opts->total_bytes : 0;
	im.batch_lines = opts && opts->batch_lines ? opts->batch_lines : 1000;
	nd__lines_init(&im.lines, in, opts && opts->max_line ? opts->max_line : ND_MAX_IMPORT_LINE);
	im.arena = nd_arena_new(64 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &im.t0);

	if (im.strict && (rc = begin(&im)) < 0)
		goto out;
	for (;;) {
		n = nd__lines_next(&im.lines, &line, &len);
		if (n == 0)
			break;
		if (n < 0) {
			report(&im, im.lines.lineno + 1, "read error: %s", strerror(errno));
			rc = ND_EIO;
			break;
		}
		im.st->lines++;
		rc = one_line(&im, line, len, &why);
		if (rc)
			break;
		draw_bar(&im);
	}

	if (im.strict && rc) {
		/* All or nothing: nothing of this input stays. */
		int rb = rollback(&im);
		im.st->imported = im.st->updated = 0;
		im.batch_new = im.batch_updated = 0;
		if (rb < 0)
			rc = rb;
	} else if (im.in_tx) {
		/* Not strict, also after a read error: what was good is kept. */
		int c = commit(&im);
		if (c < 0)
			rc = c;
	}
	if (rc == 0 && im.st->rejected > 0)
		rc = ND_IMPORT_REJECTED;
out:
	im.st->bytes = im.lines.bytes;
	im.st->seconds = seconds_since(&im.t0);
	clear_bar(&im);
	nd_import_summary(im.st, &sum);
	if (im.strict && rc != 0)
		nd_buf_adds(&sum, "; strict: rolled back, nothing stored");
	fprintf(im.err, "%s\n", sum.buf);
	fflush(im.err);
	nd_buf_release(&sum);
	nd_buf_release(&why);
	nd_arena_free(im.arena);
	free(im.batch);
	nd__lines_release(&im.lines);
	return rc;
}

void nd_import_summary(const struct nd_import_stats *st, struct nd_buf *out)
{
	uint64_t done = st->imported + st->updated;
	double rate = st->seconds > 0 ? (double)done / st->seconds : 0;

	nd_buf_addf(out,
	            "imported %" PRIu64 ", updated %" PRIu64 ", rejected %" PRIu64 " (%" PRIu64
	            " lines, %.1f s, %.0f articles/s)",
	            st->imported, st->updated, st->rejected, st->lines, st->seconds, rate);
}

int nd_import_open(const char *path, FILE **in, struct nd_import_opts *opts)
{
	struct stat sb;
	FILE *fp;
	bool is_stdin = !strcmp(path, "-");
	uint64_t size = 0;
	int rc = 0;

	fp = is_stdin ? stdin : fopen(path, "r");
	if (!fp)
		return nd_error(ND_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fileno(fp), &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			rc = nd_error(ND_EIO, "cannot import '%s': is a directory", path);
			goto out;
		}
		if (S_ISREG(sb.st_mode)) {
			/* stdin may be a file someone already read part of. */
			off_t at = ftello(fp);
			if (at >= 0 && at <= sb.st_size)
				size = (uint64_t)(sb.st_size - at);
		}
	}
	opts->name = is_stdin ? "<stdin>" : path;
	opts->total_bytes = size;
	*in = fp;
out:
	if (rc < 0 && !is_stdin)
		fclose(fp);
	return rc;
}

void nd_import_close(FILE *in)
{
	if (in && in != stdin)
		fclose(in);
}

int nd_import_exit_code(int rc)
{
	if (rc == ND_IMPORT_OK)
		return 0;
	if (rc == ND_IMPORT_REJECTED)
		return 1;
	return 2;
}
