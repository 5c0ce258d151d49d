#pragma once
/*
 * JSON Lines import: one article per line, written to the store.
 *
 * A line is a JSON object with these fields (unknown ones are ignored, so
 * newer exports load into older builds):
 *
 *	id            string, required: the stable external id
 *	title         string, required, at most ND_MAX_TITLE bytes
 *	body          string, required: Markdown
 *	summary       string
 *	section       "World/Europe": levels joined by '/', created if new,
 *	              at most ND_MAX_SECTION_DEPTH levels; default "News"
 *	author        string, created if new
 *	tags          array of strings, at most ND_MAX_TAGS, created if new
 *	published_at updated_at   RFC 3339 (see rfc3339.h); default: now
 *	slug          default: derived from the title; at most ND_MAX_SLUG bytes
 *	language      a language tag like "en" or "pt-BR"; default "en"
 *	image         http(s) URL or a path; source_url: http(s) URL
 *	status        "published" (default), "draft" or "scheduled"
 *
 * Required strings must not be blank. An optional field that is null or
 * blank counts as absent. Names the store turns into slugs (author, tags,
 * section levels, slug) need a letter or digit. Importing the same id again
 * updates that article, so an import can be re-run safely.
 *
 * Three layers, each usable alone:
 *	nd_jsonl_parse_line()  one line -> validated struct nd_article_in, pure
 *	nd_import_jsonl()      a stream -> the store, with messages, batching,
 *	                       progress bar and summary
 *	nd_import_open()       what the CLI needs around it: a path or "-"
 *
 *	FILE *in;
 *	struct nd_import_opts o;
 *	struct nd_import_stats st;
 *	nd_import_opts_init(&o);
 *	if ((rc = nd_import_open(path, &in, &o)) < 0)
 *		return nd_import_exit_code(rc);
 *	o.strict = strict;
 *	o.progress = isatty(STDERR_FILENO);
 *	rc = nd_import_jsonl(store, in, &o, &st);
 *	nd_import_close(in);
 *	return nd_import_exit_code(rc);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store/store.h"

/*
 * What nd_import_jsonl() returns besides a negative enum nd_err. The import
 * ran to the end in both cases; the CLI maps them with nd_import_exit_code().
 */
enum nd_import_result {
	ND_IMPORT_OK = 0,       /* every non-blank line was stored */
	ND_IMPORT_REJECTED = 1, /* at least one line was rejected and reported */
};

/*
 * Whether line[0..len) holds only JSON whitespace (space, tab, CR, LF) or
 * nothing. Such lines are skipped silently.
 */
bool nd_jsonl_blank(const char *line, size_t len);

/*
 * Turns one line (without its line terminator; need not end in NUL) into a
 * validated article, checked so that the store accepts it. On success fills
 * *out and returns 0: its strings and tag array are borrowed from a (the
 * parsed JSON is kept alive by a), valid until a is freed; a must not be
 * NULL. Optional fields left out are NULL, status defaults to published,
 * and a missing date is 0, which the store reads as "now". Tags whose slugs
 * repeat an earlier tag's are dropped ("Tech" after "tech"). Nothing is
 * left in a when the line is refused.
 *
 * On failure *out is untouched, one sentence saying what is wrong is
 * appended to why (no file name, line number or newline), and the code is
 * ND_EINVAL for invalid UTF-8, a missing field, a wrong type or a bad value,
 * ND_ESYNTAX for text that is not JSON, or ND_ETOOBIG for a title, slug,
 * tag list or section path over its limit. Messages look like:
 *	invalid UTF-8 at byte 42
 *	bad JSON at column 17: invalid token near 'tru'
 *	line is not a JSON object but an array
 *	missing required field 'title'
 *	field 'id' must be a non-empty string, not a number
 *	field 'tags' must be an array of strings, but entry 3 is a number
 *	field 'published_at': invalid RFC 3339 date '2024-13-01'
 *	field 'status' must be one of published, draft, scheduled, not 'live'
 * Byte and column numbers count from 1 (a JSON column, from jansson, is
 * where the offending token ends). A blank line is an error here
 * ("empty line"); the import loop skips those before calling this.
 */
int nd_jsonl_parse_line(const char *line, size_t len, struct nd_arena *a, struct nd_article_in *out,
                        struct nd_buf *why);

/*
 * The two halves of nd_jsonl_parse_line, for a writer that gets the object
 * another way (the write API reads a request body, merges a PATCH into the
 * stored article): one function validates an article from either source,
 * with the same messages.
 *
 * nd_jsonl_load parses text[0..len) and checks that it is a JSON object:
 * 0 and *out a new reference (caller owns it: json_decref), or the error
 * and message of nd_jsonl_parse_line ("empty line", "invalid UTF-8 ...",
 * "bad JSON ...", "line is not a JSON object but ..."); *out is then NULL.
 *
 * nd_jsonl_parse_object validates the object root (borrowed; a keeps a
 * reference on success) into *out, with the field messages above.
 */
int nd_jsonl_load(const char *text, size_t len, json_t **out, struct nd_buf *why);
int nd_jsonl_parse_object(json_t *root, struct nd_arena *a, struct nd_article_in *out,
                          struct nd_buf *why);

struct nd_import_opts {
	/* The input's name in messages, "FILE:LINE: ...": the path, or
	 * "<stdin>". Borrowed. NULL: "<input>". */
	const char *name;
	/* Where rejected lines, the progress bar and the summary go. NULL:
	 * stderr. */
	FILE *err;
	/* All or nothing: one transaction, rolled back at the first rejected
	 * line. Otherwise good lines are kept and bad ones skipped. */
	bool strict;
	/* Draw a progress bar on err (the CLI sets this when stderr is a
	 * terminal). */
	bool progress;
	/* Size of the input in bytes when known (a regular file), for the
	 * ETA; 0 when unknown. */
	uint64_t total_bytes;
	/* Good lines per transaction when not strict; 0: 1000. */
	size_t batch_lines;
	/* Longest line accepted, bytes; 0: ND_MAX_IMPORT_LINE. For tests. */
	size_t max_line;
};

/* Fills o with the defaults: not strict, no progress, stderr, unknown size. */
void nd_import_opts_init(struct nd_import_opts *o);

struct nd_import_stats {
	uint64_t lines;    /* lines read: every kind below plus blank ones */
	uint64_t imported; /* new articles stored */
	uint64_t updated;  /* existing articles (same id) updated */
	uint64_t rejected; /* lines reported and skipped */
	uint64_t blank;    /* empty or whitespace-only lines skipped */
	uint64_t bytes;    /* bytes read */
	double seconds;    /* wall time of the import */
};

/*
 * Reads JSON Lines from in and stores each article with
 * nd_store_article_put(). in is borrowed and not closed.
 *
 * A bad line (see nd_jsonl_parse_line(), plus a line over
 * opts->max_line bytes and an article the store refuses) is reported on
 * opts->err as "NAME:LINE: what is wrong" and counted as rejected.
 *
 * Not strict: the good lines are kept. They are committed in batches of
 * opts->batch_lines (and at most 32 MB of input), one transaction each, so
 * a crash loses at most the open batch. When the store refuses one article
 * of a batch, the batch is rolled back and replayed one article per
 * transaction, so only the refused one is lost. After 100 store failures
 * in a row the import stops with ND_ESTORE (the database is broken, not the
 * data).
 * Strict: one transaction for the whole input; at the first bad line it is
 * rolled back, the line is reported, and nothing is stored.
 *
 * Prints a one-line summary on opts->err at the end, also after a failure:
 *	imported 120, updated 3, rejected 2 (125 lines, 0.4 s, 312 articles/s)
 *
 * Returns ND_IMPORT_OK, or ND_IMPORT_REJECTED when at least one line was
 * rejected (strict: nothing was stored), or a negative enum nd_err when the
 * import could not be carried out: ND_EIO when reading in failed (what was
 * committed before stays), ND_ESTORE when a transaction could not be begun
 * or committed or the store kept failing. *stats, if not NULL, is filled in
 * every case and counts only what is stored in the end.
 */
int nd_import_jsonl(struct nd_store *s, FILE *in, const struct nd_import_opts *opts,
                    struct nd_import_stats *stats);

/*
 * Appends the summary line (no newline) for st to out:
 * "imported 120, updated 3, rejected 2 (125 lines, 0.4 s, 312 articles/s)".
 */
void nd_import_summary(const struct nd_import_stats *st, struct nd_buf *out);

/*
 * Opens the import input: path "-" is stdin, anything else a file. On
 * success *in gets the stream, which the caller owns (close it with
 * nd_import_close()), and opts->name and opts->total_bytes are set: the
 * name is "<stdin>" or path (borrowed, valid until path is freed), the size
 * that of a regular file (what is left of it for stdin), else 0. Other
 * fields of opts are left alone. Returns 0, or ND_EIO when the file cannot
 * be opened or is a directory (message logged, quoting path; *in is then
 * untouched).
 */
int nd_import_open(const char *path, FILE **in, struct nd_import_opts *opts);

/* Closes a stream from nd_import_open(); leaves stdin open; NULL is a no-op. */
void nd_import_close(FILE *in);

/*
 * The process exit status for a return value of nd_import_jsonl() or
 * nd_import_open(): 0 for ND_IMPORT_OK, 1 for ND_IMPORT_REJECTED, 2 for
 * any negative code (nothing could be read, or the store failed).
 */
int nd_import_exit_code(int rc);
