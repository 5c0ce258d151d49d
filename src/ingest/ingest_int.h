#pragma once
/*
 * Private to src/ingest/: the bounded line reader under the JSON Lines
 * importer. Declared here so the unit tests can drive it directly.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/str.h"

/*
 * Reads lines of at most max bytes without ever holding more than that:
 * the rest of a longer line is read, counted and thrown away. Unlike
 * getline(), memory stays bounded whatever the input. '\n' ends a line; a
 * '\r' right before it (CRLF) is dropped, as is a UTF-8 byte-order mark at
 * the start of line 1; a last line without '\n' is still a line.
 *
 * Bytes are taken one read() at a time (getc_unlocked), so lines arriving on
 * a pipe are handed over as they come instead of waiting for a full block.
 */
struct nd__lines {
	FILE *in;
	size_t max;        /* longest line kept, bytes, terminator excluded */
	struct nd_buf buf; /* the current line */
	uint64_t bytes;    /* bytes consumed so far, terminators included */
	uint64_t lineno;   /* number of the line last returned, from 1 */
	bool done;         /* end of input or a read error was seen */
};

/* Initialises r to read from in (borrowed, valid until nd__lines_release). */
void nd__lines_init(struct nd__lines *r, FILE *in, size_t max);
/* Frees the line buffer; does not close the stream. */
void nd__lines_release(struct nd__lines *r);

/*
 * Reads the next line. Returns 1 with *line pointing at its bytes (borrowed,
 * valid until the next call; NUL-terminated; may contain NUL bytes) and *len
 * its length, terminator excluded; 0 at end of input; ND_EIO when reading
 * fails (errno is kept). For a line longer than max, returns 1 with
 * line->p NULL and *len the full length.
 */
int nd__lines_next(struct nd__lines *r, struct nd_str *line, uint64_t *len);
