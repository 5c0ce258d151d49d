#pragma once
/*
 * Markdown to HTML with cmark-gfm (GitHub-flavoured: tables, strikethrough,
 * autolinks, task lists) in safe mode: raw HTML blocks and inline HTML are
 * replaced by a comment, and links or images with javascript:, vbscript:,
 * file: or data: (other than images) URLs are dropped. Article bodies come
 * from importers and wire feeds, so nothing in them is trusted.
 */
#include <stddef.h>

#include "core/buf.h"

/* Appends the HTML of md[0..len) to out. Never fails except through out's
 * sticky size limit. Thread-safe. */
void nd_markdown_to_html(const char *md, size_t len, struct nd_buf *out);

/* Appends the plain text of md[0..len) (no markup), for summaries and
 * descriptions, cut after about max_len bytes at a word boundary with "…". */
void nd_markdown_to_text(const char *md, size_t len, size_t max_len, struct nd_buf *out);
