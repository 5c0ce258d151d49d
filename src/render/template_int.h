#pragma once
/*
 * Private to src/render/template*.c: the compiled form of a Mustache
 * template and the pieces the compiler, the set and the renderer share.
 * docs/internals/template.md describes the design.
 *
 * A compiled template is one flat array of nodes in source order. A node
 * that has a body (section, inverted section, parent, block) is followed
 * directly by the nodes of its body, and `body` says how many there are, so
 * the body of nodes[i] is nodes[i + 1 .. i + 1 + body) and the next sibling
 * is nodes[i + 1 + body]. Nothing in a compiled template changes after
 * compilation, which is what lets many threads render it at once.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/str.h"
#include "render/template.h"

/*
 * Partials, parents and overridden blocks nested deeper than this at render
 * time fail with ND_EINVAL: it is how a recursive partial ends.
 */
#define ND__TPL_MAX_DEPTH 64
/*
 * Render recursion of any kind (sections too) deeper than this fails with
 * ND_EINVAL. It bounds the C stack a render can use, whatever the templates.
 */
#define ND__TPL_MAX_FRAMES 1000
/* Sections, parents and blocks nested deeper than this in one template are a
 * syntax error. */
#define ND__TPL_MAX_NESTING 100

enum nd__tpl_op {
	ND__TPL_TEXT,     /* str: bytes to copy */
	ND__TPL_VAR,      /* {{name}}: path, HTML-escaped */
	ND__TPL_RAW,      /* {{{name}}} or {{&name}}: path, as is */
	ND__TPL_SECTION,  /* {{#name}}: path; body */
	ND__TPL_INVERTED, /* {{^name}}: path; body */
	ND__TPL_PARTIAL,  /* {{>name}}: str or path (dynamic); indent */
	ND__TPL_PARENT,   /* {{<name}}: str or path; indent; body = its BLOCK arguments */
	ND__TPL_BLOCK,    /* {{$name}}: str; indent; body = default content */
};

/*
 * Node flags. DYNAMIC: a PARTIAL/PARENT whose name is `path`, looked up in
 * the context. BOL: a PARTIAL/PARENT/BLOCK whose first line starts a line
 * of output, so that line gets the indentation too.
 */
#define ND__TPL_DYNAMIC 0x1u
#define ND__TPL_BOL     0x2u

/*
 * A dotted name split at compile time: "a.b.c" is {"a", "b", "c"}; the
 * implicit iterator "." has n == 0. Each part is NUL-terminated.
 */
struct nd__tpl_path {
	const struct nd_str *parts;
	uint32_t n;
};

struct nd__tpl_node {
	uint8_t op;    /* enum nd__tpl_op */
	uint8_t flags; /* ND__TPL_DYNAMIC, ND__TPL_BOL */
	uint32_t body; /* number of nodes in the body that follows */
	uint32_t hash; /* static PARTIAL/PARENT: nd__tpl_hash(str) */
	struct nd_str str;
	struct nd_str indent; /* PARTIAL/PARENT/BLOCK: added to each line it renders */
	struct nd__tpl_path path;
};

struct nd__tpl {
	char *name;
	size_t name_len;
	uint32_t hash;
	struct nd_arena *arena; /* owns name, every string and the nodes */
	struct nd__tpl_node *nodes;
	size_t count;
};

/* FNV-1a over s[0..len): the hash the set and the nodes use for names. */
uint32_t nd__tpl_hash(const char *s, size_t len);

/*
 * Compiles src[0..len) into a template named name. On success *out gets it
 * (caller owns the result, nd__tpl_free). On a syntax error returns
 * ND_ESYNTAX and, when err is not NULL, *err gets "NAME:LINE: message"
 * (caller owns the result, free()); nothing is logged.
 */
int nd__tpl_compile(const char *name, const char *src, size_t len, struct nd__tpl **out,
                    char **err);
/* Frees t and everything it owns; t may be NULL. */
void nd__tpl_free(struct nd__tpl *t);

/* The template called name[0..len) (hash = nd__tpl_hash(name, len)), or NULL.
 * Borrowed, valid until the set changes. */
const struct nd__tpl *nd__tpl_set_find(const struct nd_tpl_set *set, const char *name, size_t len,
                                       uint32_t hash);
