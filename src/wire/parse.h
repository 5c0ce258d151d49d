#pragma once
/*
 * Wire feeds: RSS 0.9x, 1.0 (RDF) and 2.0, Atom 0.3 and 1.0, parsed with
 * libxml2 into items ready for the store. Untrusted input throughout: the
 * parser never loads anything from the network or the disk (XML_PARSE_NONET;
 * external entities and DTDs are never loaded or expanded: no XXE), it
 * recovers from the defects real feeds have (XML_PARSE_RECOVER), and HTML
 * entities that XML does not define (&nbsp;, &eacute;) are decoded by name.
 * Item HTML is NOT sanitised here: the fields hold the feed's HTML as is;
 * the caller passes it through wire/sanitize.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* One entry of a feed. Every string is UTF-8, NUL-terminated, or NULL. */
struct nd_wire_item {
	char *guid;    /* RSS guid, Atom id, RDF rdf:about */
	char *title;   /* plain text (markup stripped, entities decoded) */
	char *link;    /* absolute URL (resolved against xml:base / the feed URL) */
	char *author;  /* plain text */
	char *content; /* HTML: content:encoded, Atom content */
	char *summary; /* HTML: description, Atom summary */
	char *base;    /* the URL relative links in content/summary resolve against */
	char **tags;   /* category names, plain text */
	size_t tag_count;
	int64_t published; /* Unix seconds; 0 when missing or unreadable */
	int64_t updated;   /* 0 when missing or unreadable */
};

struct nd_wire_feed {
	char *title; /* plain text, or NULL */
	char *link;  /* the site's URL, or NULL */
	struct nd_wire_item *items;
	size_t item_count;
};

/*
 * Parses a feed document data[0..len). url (borrowed, may be NULL) is where
 * it was fetched from: the base for relative links. charset (may be NULL)
 * is the one an HTTP Content-Type named; it wins over the XML declaration
 * (RFC 3023), and when the document does not parse with it, the
 * declaration's (or UTF-8) is tried. On success fills *out (release it
 * with nd_wire_feed_release) and returns 0. On failure *out is zeroed, one
 * sentence is appended to why, and the code is ND_ESYNTAX when nothing XML
 * could be made of the data, ND_EINVAL when it is XML but no RSS or Atom
 * ("root element 'html' is not RSS, RDF or Atom").
 */
int nd_wire_parse(const char *data, size_t len, const char *url, const char *charset,
                  struct nd_wire_feed *out, struct nd_buf *why);

/* Frees what nd_wire_parse() put in f, and zeroes it. */
void nd_wire_feed_release(struct nd_wire_feed *f);

/*
 * Parses the dates feeds use into Unix seconds: RFC 822 / 1123 ("Sat, 07
 * Sep 2002 00:00:01 GMT", weekday optional, 2- or 4-digit years, seconds
 * optional, zones GMT UT UTC Z EST EDT CST CDT MST MDT PST PDT, military
 * letters, +hhmm / -hhmm / +hh:mm, none = UTC), RFC 3339 and W3CDTF
 * ("2003-12-13T18:30:02Z", "2003-12-13T18:30+01:00", "2003-12-13",
 * "2003-12", "2003"), and ISO 8601 basic ("20031213T183002Z"). Leading and
 * trailing white space is ignored. Returns 0 with *out set, or ND_EINVAL
 * (*out untouched).
 */
int nd_wire_date_parse(const char *s, int64_t *out);
