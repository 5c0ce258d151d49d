#pragma once
/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), compiled
 * once at start and rendered many times from any thread.
 *
 * A template set holds named, compiled templates: a theme loads every
 * *.mustache file of its folder under its base name ("article.mustache" is
 * "article"), and partials ({{> name}}) and parents ({{< name}}, layout
 * inheritance with {{$block}}) are looked up in the same set at render time;
 * a missing partial or parent renders as nothing, as the spec asks. A block
 * inside a partial of a layout is overridden like one in the layout itself.
 *
 * The context is a jansson value. Names are looked up the Mustache way: the
 * first part of "a.b.c" in the nearest enclosing object that has it, the
 * rest inside that value only; "." is the current value. Objects, arrays,
 * strings, numbers, true, false and null behave as the Mustache spec says
 * for hashes, lists and scalars. A section is skipped (and an inverted one
 * shown) for a missing value, null, false, 0, "" and [] (mustache.js's
 * rule); a non-empty array repeats it once per element. {{name}} is
 * HTML-escaped (nd_escape_html); {{{name}}} and {{& name}} are raw.
 * Numbers print as integers, or as the shortest of %.15g/%.17g that reads
 * back exactly (1.21 prints "1.21"); true and false print as words; null,
 * objects and arrays print nothing.
 *
 * Implements the spec modules comments, delimiters, interpolation, inverted,
 * partials, sections, ~inheritance and ~dynamic-names ({{>*name}} and
 * parents named the same way take the template name from the context);
 * tests/unit/render/test_template.c runs the official spec files. Lambdas
 * are not supported: a JSON context cannot hold code.
 *
 * Threads: rendering only reads the set, so any number of threads may
 * render from one set at once, as long as nothing adds to or frees the set
 * meanwhile. docs/internals/template.md describes the design.
 */
#include <jansson.h>

#include "core/buf.h"

struct nd_tpl_set;

/* A new empty set; caller owns the result (nd_tpl_set_free). */
struct nd_tpl_set *nd_tpl_set_new(void);
/* Frees the set and every template in it; set may be NULL. */
void nd_tpl_set_free(struct nd_tpl_set *set);

/*
 * Compiles src[0..len) (borrowed; the set keeps its own copy of what it
 * needs) and stores it under name, replacing any template of that name.
 * Errors: ND_ESYNTAX (unclosed tag or section, mismatched section end, bad
 * delimiter change, bad tag name, sections nested over 100 deep), message
 * logged as "NAME:LINE: what is wrong"; ND_ETOOBIG when len is over
 * ND_MAX_TEMPLATE. On error the set is unchanged, and when err is not NULL
 * it receives the message (caller owns the result, free()); on success
 * *err is NULL.
 */
int nd_tpl_set_add(struct nd_tpl_set *set, const char *name, const char *src, size_t len,
                   char **err);

/*
 * Adds every regular DIR/ *.mustache file (not recursive; names starting
 * with '.' are skipped) in name order. Errors, each logged: ND_EIO when dir
 * or a file cannot be read, ND_ETOOBIG for a file over ND_MAX_TEMPLATE
 * bytes, or the first compile error (as nd_tpl_set_add). On error the set
 * keeps the files added before the failing one.
 */
int nd_tpl_set_load_dir(struct nd_tpl_set *set, const char *dir);

/* 1 if a template of this name is in the set, else 0. */
int nd_tpl_set_has(const struct nd_tpl_set *set, const char *name);

/*
 * Renders template name with ctx (borrowed; may be NULL for an empty
 * context) and appends the output to out. Errors: ND_ENOTFOUND if there is
 * no such template (logged); ND_ETOOBIG when out's limit is reached, or was
 * already reached before the call (out's sticky error; then out holds a
 * truncated page); ND_EINVAL (logged) when partials, parents and blocks nest
 * more than 64 deep (a recursive partial) or rendering recursion passes a
 * fixed bound, with out holding what was rendered until then.
 */
int nd_tpl_render(const struct nd_tpl_set *set, const char *name, const json_t *ctx,
                  struct nd_buf *out);
