#pragma once
/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), compiled
 * once at start and rendered many times from any thread.
 *
 * A template set holds named, compiled templates: a theme loads every
 * *.mustache file of its folder under its base name ("article.mustache" is
 * "article"), and partials ({{> name}}) and parents ({{< name}}, layout
 * inheritance with {{$block}}) are looked up in the same set at render time;
 * a missing partial renders as nothing, as the spec asks.
 *
 * The context is a jansson value: objects, arrays, strings, numbers, true,
 * false and null behave as the Mustache spec says for hashes, lists and
 * scalars. {{name}} is HTML-escaped; {{{name}}} and {{& name}} are raw.
 *
 * Implements the spec modules comments, delimiters, interpolation, inverted,
 * partials, sections and ~inheritance (tests/unit/render/test_template.c runs
 * the official spec files). Lambdas are not supported: a JSON context cannot
 * hold code.
 */
#include <jansson.h>

#include "core/buf.h"

struct nd_tpl_set;

/* A new empty set; caller owns it (nd_tpl_set_free). */
struct nd_tpl_set *nd_tpl_set_new(void);
void nd_tpl_set_free(struct nd_tpl_set *set);

/*
 * Compiles src[0..len) and stores it under name, replacing any template of
 * that name. Errors: ND_ESYNTAX (unclosed tag or section, mismatched section
 * end, bad delimiter change), message logged as "NAME:LINE: what is wrong";
 * when err is not NULL it also receives that message (caller owns it, free()).
 */
int nd_tpl_set_add(struct nd_tpl_set *set, const char *name, const char *src, size_t len,
		   char **err);

/*
 * Adds every DIR/ *.mustache file (not recursive). Errors: ND_EIO when dir
 * cannot be read, or the first compile error (as nd_tpl_set_add).
 */
int nd_tpl_set_load_dir(struct nd_tpl_set *set, const char *dir);

/* Whether a template of this name is in the set. */
int nd_tpl_set_has(const struct nd_tpl_set *set, const char *name);

/*
 * Renders template name with ctx (borrowed) and appends the output to out.
 * Errors: ND_ENOTFOUND if there is no such template, ND_ETOOBIG when out's
 * limit is reached (then out holds a truncated page), ND_EINVAL when
 * partial/parent nesting passes a fixed depth (a recursive partial).
 */
int nd_tpl_render(const struct nd_tpl_set *set, const char *name, const json_t *ctx,
		  struct nd_buf *out);
