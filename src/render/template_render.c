/*
 * Rendering compiled templates. Everything a render changes lives in its
 * own struct render and on the C stack (the context stack and the chain of
 * block arguments are linked frames of the recursive calls), so any number
 * of threads can render from one set at once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "render/escape.h"
#include "render/template_int.h"

/* One level of the context stack. */
struct ctx {
	const json_t *v;
	const struct ctx *up;
};

/*
 * The block arguments in force: one link per parent being rendered,
 * innermost first. A partial is a parent without arguments and adds none.
 */
struct scope {
	const struct nd__tpl_node *parent; /* a PARENT node: its body is BLOCK nodes */
	const struct scope *up;
};

struct render {
	const struct nd_tpl_set *set;
	const char *name; /* the template asked for, for messages */
	struct nd_buf *out;
	struct nd_buf indent; /* added before each line of output */
	bool bol;             /* the next byte written starts a line */
	unsigned depth;       /* partials, parents and blocks being expanded */
	unsigned frames;      /* nested render_nodes calls */
};

static int render_nodes(struct render *r, const struct nd__tpl_node *n,
                        const struct nd__tpl_node *end, const struct ctx *cx,
                        const struct scope *sc);

/*
 * Resolves a name against the context stack: the first part in the nearest
 * object that has it, the rest inside that value only (so "a.b" never falls
 * back to an outer "a" when the inner one lacks "b").
 */
static const json_t *lookup(const struct ctx *cx, const struct nd__tpl_path *path)
{
	const json_t *v = NULL;

	if (!path->n)
		return cx->v;
	for (; cx; cx = cx->up) {
		if (json_is_object(cx->v) &&
		    (v = json_object_getn(cx->v, path->parts[0].p, path->parts[0].len)))
			break;
	}
	for (uint32_t i = 1; v && i < path->n; i++)
		v = json_is_object(v) ? json_object_getn(v, path->parts[i].p, path->parts[i].len)
		                      : NULL;
	return v;
}

/* Falsy, as in mustache.js: missing, null, false, 0, "" and []. */
static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT: return true;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_TRUE: return true;
	default: return false;
	}
}

static void put_indent(struct render *r)
{
	if (r->bol && r->indent.len)
		nd_buf_add(r->out, r->indent.buf, r->indent.len);
	r->bol = false;
}

/* Template text: the indentation goes before each line that has something
 * on it. */
static void put_text(struct render *r, const char *p, size_t len)
{
	if (!r->indent.len) {
		nd_buf_add(r->out, p, len);
		r->bol = len ? p[len - 1] == '\n' : r->bol;
		return;
	}
	while (len) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) + 1 : len;

		if (p[0] != '\n' && !(n == 2 && p[0] == '\r'))
			put_indent(r);
		nd_buf_add(r->out, p, n);
		r->bol = nl != NULL;
		p += n;
		len -= n;
	}
}

/* The shortest of %.15g and %.17g that reads back as d: 1.21 is "1.21",
 * not "1.2099999999999999". */
static size_t format_real(char *buf, size_t size, double d)
{
	int n = snprintf(buf, size, "%.15g", d);

	if (strtod(buf, NULL) != d)
		n = snprintf(buf, size, "%.17g", d);
	return n < 0 ? 0 : (size_t)n;
}

/* An interpolated value. Its own newlines are not indented. */
static void put_value(struct render *r, const json_t *v, bool escape)
{
	char num[48];
	const char *s;
	size_t len;

	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		s = num;
		len = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		                       json_integer_value(v));
		break;
	case JSON_REAL:
		s = num;
		len = format_real(num, sizeof(num), json_real_value(v));
		break;
	case JSON_TRUE:
		s = "true";
		len = 4;
		break;
	case JSON_FALSE:
		s = "false";
		len = 5;
		break;
	default: return; /* null, objects and arrays print nothing */
	}
	if (!len)
		return;
	put_indent(r);
	if (escape)
		nd_escape_html(r->out, s, len);
	else
		nd_buf_add(r->out, s, len);
}

static int section(struct render *r, const struct nd__tpl_node *n, const struct ctx *cx,
                   const struct scope *sc)
{
	const json_t *v = lookup(cx, &n->path);
	const struct nd__tpl_node *body = n + 1, *end = body + n->body;
	struct ctx top = {v, cx};
	int ret;

	if (!truthy(v))
		return 0;
	if (!json_is_array(v))
		return render_nodes(r, body, end, &top, sc);
	for (size_t i = 0; i < json_array_size(v); i++) {
		top.v = json_array_get(v, i);
		ret = render_nodes(r, body, end, &top, sc);
		if (ret)
			return ret;
	}
	return 0;
}

/* Renders body..end with node n's indentation added, one level deeper. */
static int expand(struct render *r, const struct nd__tpl_node *n, const char *what,
                  const struct nd__tpl_node *body, const struct nd__tpl_node *end,
                  const struct ctx *cx, const struct scope *sc)
{
	size_t mark = r->indent.len;
	int ret;

	if (r->depth >= ND__TPL_MAX_DEPTH)
		return nd_error(ND_EINVAL,
		                "template '%s': more than %d partials, parents and blocks nested "
		                "at '%s' (recursive partial?)",
		                r->name, ND__TPL_MAX_DEPTH, what);
	r->depth++;
	if (n->indent.len)
		nd_buf_add(&r->indent, n->indent.p, n->indent.len);
	if (n->flags & ND__TPL_BOL)
		r->bol = true;
	ret = render_nodes(r, body, end, cx, sc);
	nd_buf_truncate(&r->indent, mark);
	r->depth--;
	return ret;
}

/* {{>name}} and {{<name}}...{{/name}}. A template that is not in the set
 * renders as nothing. */
static int include(struct render *r, const struct nd__tpl_node *n, const struct ctx *cx,
                   const struct scope *sc)
{
	const struct nd__tpl *t;
	struct scope link = {n, sc};

	if (n->flags & ND__TPL_DYNAMIC) {
		const json_t *v = lookup(cx, &n->path);
		const char *s;
		size_t len;

		if (!json_is_string(v))
			return 0;
		s = json_string_value(v);
		len = json_string_length(v);
		t = nd__tpl_set_find(r->set, s, len, nd__tpl_hash(s, len));
	} else {
		t = nd__tpl_set_find(r->set, n->str.p, n->str.len, n->hash);
	}
	if (!t)
		return 0;
	return expand(r, n, t->name, t->nodes, t->nodes + t->count, cx,
	              n->op == ND__TPL_PARENT ? &link : sc);
}

/*
 * {{$name}}: the argument of that name from the outermost parent call that
 * passes one (the page overrides its layout, which overrides its own
 * layout), or else the block's own content.
 */
static int block(struct render *r, const struct nd__tpl_node *n, const struct ctx *cx,
                 const struct scope *sc)
{
	const struct nd__tpl_node *body = n + 1, *end = body + n->body;

	for (const struct scope *s = sc; s; s = s->up) {
		const struct nd__tpl_node *a = s->parent + 1, *aend = a + s->parent->body;

		for (; a < aend; a += 1 + a->body) {
			if (nd_str_eq(a->str, n->str)) {
				body = a + 1;
				end = body + a->body;
				break;
			}
		}
	}
	return expand(r, n, n->str.p, body, end, cx, sc);
}

static int render_nodes(struct render *r, const struct nd__tpl_node *n,
                        const struct nd__tpl_node *end, const struct ctx *cx,
                        const struct scope *sc)
{
	int ret = 0;

	if (++r->frames > ND__TPL_MAX_FRAMES) {
		ret = nd_error(ND_EINVAL, "template '%s': nested more than %d deep", r->name,
		               ND__TPL_MAX_FRAMES);
		goto out;
	}
	for (; n < end; n += 1 + n->body) {
		ret = nd_buf_err(r->out);
		if (ret)
			goto out;
		switch (n->op) {
		case ND__TPL_TEXT: put_text(r, n->str.p, n->str.len); break;
		case ND__TPL_VAR: put_value(r, lookup(cx, &n->path), true); break;
		case ND__TPL_RAW: put_value(r, lookup(cx, &n->path), false); break;
		case ND__TPL_SECTION: ret = section(r, n, cx, sc); break;
		case ND__TPL_INVERTED:
			if (!truthy(lookup(cx, &n->path)))
				ret = render_nodes(r, n + 1, n + 1 + n->body, cx, sc);
			break;
		case ND__TPL_PARTIAL:
		case ND__TPL_PARENT: ret = include(r, n, cx, sc); break;
		case ND__TPL_BLOCK: ret = block(r, n, cx, sc); break;
		default: ND_BUG("bad template node %d", n->op);
		}
		if (ret)
			goto out;
	}
out:
	r->frames--;
	return ret;
}

int nd_tpl_render(const struct nd_tpl_set *set, const char *name, const json_t *ctx,
                  struct nd_buf *out)
{
	size_t len = strlen(name);
	const struct nd__tpl *t = nd__tpl_set_find(set, name, len, nd__tpl_hash(name, len));
	struct render r = {.set = set, .name = name, .out = out, .bol = true};
	struct ctx root = {ctx, NULL};
	int ret;

	if (nd_buf_err(out))
		return nd_buf_err(out);
	if (!t)
		return nd_error(ND_ENOTFOUND, "no template '%s'", name);
	nd_buf_init(&r.indent, 0);
	ret = render_nodes(&r, t->nodes, t->nodes + t->count, &root, NULL);
	nd_buf_release(&r.indent);
	if (!ret)
		ret = nd_buf_err(out);
	return ret;
}
