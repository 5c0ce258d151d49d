/*
 * The Mustache compiler: source text to the flat node array of
 * template_int.h, in three passes over a token list.
 *
 *  1. tokenize: text and tags, with delimiter changes applied as they come
 *     (they change how the rest is cut). Text is cut after every "\n", so a
 *     line is a run of tokens ending in a text token that ends in "\n".
 *  2. analyse_lines + match_tags: which tags are alone on their line
 *     ("standalone"), which open tag each close tag ends, and which
 *     blank text the standalone rules remove. Every syntax error is found
 *     here or in pass 1.
 *  3. emit: the nodes, with text runs merged and block indentation
 *     (see docs/internals/template.md) worked out.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "render/template_int.h"

enum tok_kind {
	TK_TEXT,
	TK_VAR,      /* {{name}} */
	TK_RAW,      /* {{{name}}} {{&name}} */
	TK_SECTION,  /* {{#name}} */
	TK_INVERTED, /* {{^name}} */
	TK_CLOSE,    /* {{/name}} */
	TK_PARTIAL,  /* {{>name}} */
	TK_PARENT,   /* {{<name}} */
	TK_BLOCK,    /* {{$name}} */
	TK_COMMENT,  /* {{! ...}} */
	TK_DELIM,    /* {{=<% %>=}} */
};

/* Token flags. */
#define TF_WS         0x01u /* text: blanks only, perhaps with the line end */
#define TF_NL         0x02u /* text: ends with "\n" */
#define TF_BOL        0x04u /* the first token of its line */
#define TF_LCLEAR     0x08u /* tag: only blanks before it on its line */
#define TF_RCLEAR     0x10u /* tag: only blanks and the line end after it */
#define TF_REMOVED    0x20u /* text: dropped by the standalone rules */
#define TF_DYNAMIC    0x40u /* partial/parent: {{>*name}} */
#define TF_STANDALONE 0x80u /* partial/parent: indented by its line's blanks */

struct tok {
	uint8_t kind; /* enum tok_kind */
	uint8_t flags;
	unsigned line;
	/* Text: its bytes. Tags: the name, trimmed, without the '*' of a
	 * dynamic name; a close tag keeps its whole trimmed content. */
	struct nd_str s;
	size_t first, last; /* the tokens of its line, inclusive */
	size_t match;       /* open and close tags: the index of the other */
};

/* An open section, parent or block while emitting. */
struct frame {
	size_t node;
	size_t tok;
	struct nd_str strip; /* the strip in force outside it */
};

struct compiler {
	const char *name;
	const char *src;
	size_t len;
	char **err;

	struct tok *toks;
	size_t count, alloc;

	struct nd__tpl *t;
	struct nd__tpl_node *nodes;
	size_t nnodes, nalloc;
	struct nd_buf run; /* text not yet turned into a node */
};

static int syntax(struct compiler *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "NAME:LINE: message" for the caller and returns ND_ESYNTAX. */
static int syntax(struct compiler *c, unsigned line, const char *fmt, ...)
{
	struct nd_buf b = ND_BUF_INIT;
	va_list ap;

	if (!c->err)
		return ND_ESYNTAX;
	nd_buf_addf(&b, "%s:%u: ", c->name, line);
	va_start(ap, fmt);
	nd_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	*c->err = nd_buf_detach(&b, NULL);
	return ND_ESYNTAX;
}

/* At most this much of a name goes into a message. */
#define SHOW(s) (int)((s).len > 60 ? 60 : (s).len), (s).p

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool space(char ch)
{
	return blank(ch) || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static struct nd_str trim(struct nd_str s)
{
	while (s.len && space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && space(s.p[s.len - 1]))
		s.len--;
	return s;
}

static struct nd_str leading_blanks(struct nd_str s)
{
	size_t n = 0;

	while (n < s.len && blank(s.p[n]))
		n++;
	return (struct nd_str){s.p, n};
}

/* How many leading blanks a and b share. */
static size_t common_blanks(struct nd_str a, struct nd_str b)
{
	size_t n = 0;

	while (n < a.len && n < b.len && a.p[n] == b.p[n] && blank(a.p[n]))
		n++;
	return n;
}

static bool has_space(struct nd_str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (space(s.p[i]))
			return true;
	return false;
}

static size_t count_newlines(const char *p, size_t len)
{
	size_t n = 0;
	const char *nl;

	while ((nl = memchr(p, '\n', len))) {
		n++;
		len -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return n;
}

/* ---- pass 1: tokens ---- */

static struct tok *push_tok(struct compiler *c, enum tok_kind kind, unsigned line)
{
	struct tok *t;

	if (c->count == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 64;
		c->toks = nd_xrealloc(c->toks, c->alloc * sizeof(*c->toks));
	}
	t = &c->toks[c->count++];
	memset(t, 0, sizeof(*t));
	t->kind = (uint8_t)kind;
	t->line = line;
	return t;
}

/* Whether text is blanks, perhaps followed by "\n" or "\r\n". */
static bool blank_line(struct nd_str s)
{
	if (s.len && s.p[s.len - 1] == '\n') {
		s.len--;
		if (s.len && s.p[s.len - 1] == '\r')
			s.len--;
	}
	return leading_blanks(s).len == s.len;
}

/* Adds src[from..to) as text tokens, cut after each "\n". */
static void add_text(struct compiler *c, size_t from, size_t to, unsigned *line)
{
	while (from < to) {
		const char *nl = memchr(c->src + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - c->src) + 1 : to;
		struct tok *t = push_tok(c, TK_TEXT, *line);

		t->s = (struct nd_str){c->src + from, end - from};
		if (nl) {
			t->flags |= TF_NL;
			(*line)++;
		}
		if (blank_line(t->s))
			t->flags |= TF_WS;
		from = end;
	}
}

/* Checks a name used as a context path: "." or dot-separated non-empty
 * parts. */
static int check_path(struct compiler *c, unsigned line, struct nd_str name)
{
	if (nd_str_eqs(name, "."))
		return 0;
	for (size_t i = 0; i <= name.len; i++) {
		bool end = i == name.len || name.p[i] == '.';
		bool prev_end = i == 0 || name.p[i - 1] == '.';

		if (end && prev_end)
			return syntax(c, line, "bad name '%.*s': empty part between dots",
			              SHOW(name));
	}
	return 0;
}

/* Parses the inside of {{=OPEN CLOSE=}} into new delimiters. */
static int set_delimiters(struct compiler *c, unsigned line, struct nd_str content,
                          struct nd_str *open, struct nd_str *close)
{
	struct nd_str s = trim(content), o, e;
	size_t i = 0;

	while (i < s.len && !space(s.p[i]))
		i++;
	o = (struct nd_str){s.p, i};
	e = trim((struct nd_str){s.p + i, s.len - i});
	if (!o.len || !e.len || has_space(e) || memchr(o.p, '=', o.len) || memchr(e.p, '=', e.len))
		return syntax(c, line,
		              "bad delimiter change '=%.*s=': want two delimiters without "
		              "blanks or '=', like {{=<%% %%>=}}",
		              SHOW(content));
	*open = o;
	*close = e;
	return 0;
}

/*
 * Reads the tag whose opening delimiter is at *pos, appends its token and
 * moves *pos past it.
 */
static int read_tag(struct compiler *c, size_t *pos, unsigned *line, struct nd_str *open,
                    struct nd_str *close)
{
	size_t start = *pos, p = start + open->len, q, cend;
	unsigned tline = *line;
	char sigil = p < c->len ? c->src[p] : '\0';
	char need = '\0'; /* what must come right before the closing delimiter */
	enum tok_kind kind;
	const char *e;
	struct nd_str content, name;
	struct tok *t;

	switch (sigil) {
	case '{':
		kind = TK_RAW;
		need = '}';
		break;
	case '&': kind = TK_RAW; break;
	case '#': kind = TK_SECTION; break;
	case '^': kind = TK_INVERTED; break;
	case '/': kind = TK_CLOSE; break;
	case '>': kind = TK_PARTIAL; break;
	case '<': kind = TK_PARENT; break;
	case '$': kind = TK_BLOCK; break;
	case '!': kind = TK_COMMENT; break;
	case '=':
		kind = TK_DELIM;
		need = '=';
		break;
	default: kind = TK_VAR; break;
	}
	if (kind != TK_VAR)
		p++;

	for (q = p;; q = (size_t)(e - c->src) + 1) {
		e = memmem(c->src + q, c->len - q, close->p, close->len);
		if (!e) {
			if (need)
				return syntax(c, tline, "unclosed tag: no '%c%.*s' after '%.*s%c'",
				              need, SHOW(*close), SHOW(*open), sigil);
			return syntax(c, tline, "unclosed tag: no '%.*s' after '%.*s'",
			              SHOW(*close), SHOW(*open));
		}
		if (!need || ((size_t)(e - c->src) > p && e[-1] == need))
			break;
	}
	cend = (size_t)(e - c->src) - (need ? 1 : 0);
	content = (struct nd_str){c->src + p, cend - p};
	*pos = (size_t)(e - c->src) + close->len;
	*line += (unsigned)count_newlines(c->src + start, *pos - start);

	t = push_tok(c, kind, tline);
	if (kind == TK_COMMENT)
		return 0;
	if (kind == TK_DELIM)
		return set_delimiters(c, tline, content, open, close);

	name = trim(content);
	if ((kind == TK_PARTIAL || kind == TK_PARENT) && name.len && name.p[0] == '*') {
		t->flags |= TF_DYNAMIC;
		name = trim((struct nd_str){name.p + 1, name.len - 1});
	}
	t->s = name;
	if (!name.len)
		return syntax(c, tline, "empty tag '%.*s%.*s%.*s'", SHOW(*open), SHOW(content),
		              SHOW(*close));
	if (kind == TK_CLOSE)
		return 0; /* checked against its open tag later */
	if (has_space(name))
		return syntax(c, tline, "bad tag name '%.*s': names have no blanks", SHOW(name));
	if (kind == TK_VAR || kind == TK_RAW || kind == TK_SECTION || kind == TK_INVERTED ||
	    (t->flags & TF_DYNAMIC))
		return check_path(c, tline, name);
	return 0;
}

static int tokenize(struct compiler *c)
{
	struct nd_str open = ND_STR_LIT("{{"), close = ND_STR_LIT("}}");
	size_t pos = 0;
	unsigned line = 1;
	int ret;

	while (pos < c->len) {
		const char *tag = memmem(c->src + pos, c->len - pos, open.p, open.len);
		size_t at = tag ? (size_t)(tag - c->src) : c->len;

		add_text(c, pos, at, &line);
		if (!tag)
			break;
		pos = at;
		ret = read_tag(c, &pos, &line, &open, &close);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- pass 2: lines and pairs ---- */

/*
 * Marks, on every line, the first and last token that is not blank text:
 * a tag is left-clear when nothing but blanks come before it on its line,
 * right-clear when nothing but blanks and the line end come after it, and
 * standalone when both.
 */
static void analyse_lines(struct compiler *c)
{
	size_t first = 0;

	while (first < c->count) {
		size_t last = first, lbad = SIZE_MAX, rbad = SIZE_MAX;

		while (last + 1 < c->count &&
		       !(c->toks[last].kind == TK_TEXT && (c->toks[last].flags & TF_NL)))
			last++;
		for (size_t i = first; i <= last; i++) {
			struct tok *t = &c->toks[i];

			t->first = first;
			t->last = last;
			if (t->kind == TK_TEXT && (t->flags & TF_WS))
				continue;
			if (lbad == SIZE_MAX)
				lbad = i;
			rbad = i;
		}
		c->toks[first].flags |= TF_BOL;
		if (lbad != SIZE_MAX && c->toks[lbad].kind != TK_TEXT)
			c->toks[lbad].flags |= TF_LCLEAR;
		if (rbad != SIZE_MAX && c->toks[rbad].kind != TK_TEXT)
			c->toks[rbad].flags |= TF_RCLEAR;
		first = last + 1;
	}
}

static bool standalone(const struct tok *t)
{
	return (t->flags & TF_LCLEAR) && (t->flags & TF_RCLEAR);
}

/* Drops the blank text before token k on its line. */
static void remove_before(struct compiler *c, size_t k)
{
	for (size_t i = c->toks[k].first; i < k; i++)
		if (c->toks[i].kind == TK_TEXT)
			c->toks[i].flags |= TF_REMOVED;
}

/* Drops the blank text and the line end after token k. */
static void remove_after(struct compiler *c, size_t k)
{
	for (size_t i = k + 1; i <= c->toks[k].last; i++)
		if (c->toks[i].kind == TK_TEXT)
			c->toks[i].flags |= TF_REMOVED;
}

static const char *kind_name(const struct tok *t)
{
	switch (t->kind) {
	case TK_PARENT: return "parent";
	case TK_BLOCK: return "block";
	default: return "section";
	}
}

static bool close_matches(const struct tok *open, struct nd_str name)
{
	if (open->flags & TF_DYNAMIC) {
		if (!name.len || name.p[0] != '*')
			return false;
		name = trim((struct nd_str){name.p + 1, name.len - 1});
	}
	return nd_str_eq(open->s, name);
}

/* Applies the standalone rules of a close tag k that ends open tag o. */
static void close_lines(struct compiler *c, size_t o, size_t k, bool in_parent)
{
	struct tok *ot = &c->toks[o], *t = &c->toks[k];

	if (standalone(t)) {
		remove_before(c, k);
		remove_after(c, k);
	}
	if (ot->kind == TK_PARENT && (ot->flags & TF_LCLEAR) &&
	    ((ot->flags & TF_RCLEAR) || (t->flags & TF_RCLEAR))) {
		/* A parent pair is standalone when its open tag starts the line
		 * and either tag ends one, even on one line ("  {{<p}}{{/p}}"):
		 * its blanks become indentation, as for a partial. */
		ot->flags |= TF_STANDALONE;
		remove_before(c, o);
		if (t->flags & TF_RCLEAR)
			remove_after(c, k);
	} else if (ot->kind == TK_BLOCK && in_parent && (t->flags & TF_LCLEAR)) {
		/* What follows a block's end inside a parent is dropped anyway,
		 * so the blanks before the end tag are not content. */
		remove_before(c, k);
	}
}

static int match_tags(struct compiler *c)
{
	size_t *stack = nd_xmalloc(ND__TPL_MAX_NESTING * sizeof(*stack));
	size_t depth = 0;
	int ret = 0;

	for (size_t k = 0; k < c->count; k++) {
		struct tok *t = &c->toks[k], *ot;
		size_t o;

		switch (t->kind) {
		case TK_SECTION:
		case TK_INVERTED:
		case TK_PARENT:
		case TK_BLOCK:
			if (depth == ND__TPL_MAX_NESTING) {
				ret = syntax(c, t->line, "sections nested more than %d deep",
				             ND__TPL_MAX_NESTING);
				goto out;
			}
			stack[depth++] = k;
			if (t->kind == TK_BLOCK) {
				/* A block's open tag that ends its line takes the line
				 * end, whatever comes before it on the line. */
				if (t->flags & TF_RCLEAR)
					remove_after(c, k);
				if (standalone(t))
					remove_before(c, k);
			} else if (standalone(t)) {
				remove_before(c, k);
				remove_after(c, k);
			}
			break;
		case TK_CLOSE:
			if (!depth) {
				ret =
				    syntax(c, t->line, "closing tag '%.*s' but no section is open",
				           SHOW(t->s));
				goto out;
			}
			o = stack[--depth];
			ot = &c->toks[o];
			if (!close_matches(ot, t->s)) {
				ret = syntax(c, t->line,
				             "closing tag '%.*s' does not match %s '%s%.*s' opened "
				             "on line %u",
				             SHOW(t->s), kind_name(ot),
				             (ot->flags & TF_DYNAMIC) ? "*" : "", SHOW(ot->s),
				             ot->line);
				goto out;
			}
			ot->match = k;
			t->match = o;
			close_lines(c, o, k, depth && c->toks[stack[depth - 1]].kind == TK_PARENT);
			break;
		case TK_PARTIAL:
			if (standalone(t))
				t->flags |= TF_STANDALONE;
			/* fall through */
		case TK_COMMENT:
		case TK_DELIM:
			if (standalone(t)) {
				remove_before(c, k);
				remove_after(c, k);
			}
			break;
		default: break;
		}
	}
	if (depth) {
		struct tok *ot = &c->toks[stack[depth - 1]];

		ret = syntax(c, ot->line, "unclosed %s '%s%.*s'", kind_name(ot),
		             (ot->flags & TF_DYNAMIC) ? "*" : "", SHOW(ot->s));
	}
out:
	free(stack);
	return ret;
}

/* ---- pass 3: nodes ---- */

static struct nd_str copy_str(struct compiler *c, const char *p, size_t len)
{
	return (struct nd_str){nd_arena_strndup(c->t->arena, p, len), len};
}

static struct nd__tpl_node *push_node(struct compiler *c, enum nd__tpl_op op)
{
	struct nd__tpl_node *n;

	if (c->nnodes == c->nalloc) {
		c->nalloc = c->nalloc ? c->nalloc * 2 : 32;
		c->nodes = nd_xrealloc(c->nodes, c->nalloc * sizeof(*c->nodes));
	}
	n = &c->nodes[c->nnodes++];
	memset(n, 0, sizeof(*n));
	n->op = (uint8_t)op;
	return n;
}

/* Turns the pending text into a TEXT node. */
static void flush_text(struct compiler *c)
{
	struct nd__tpl_node *n;

	if (!c->run.len)
		return;
	n = push_node(c, ND__TPL_TEXT);
	n->str = copy_str(c, c->run.buf, c->run.len);
	nd_buf_reset(&c->run);
}

/* A new node after the pending text. The pointer is valid until the next
 * node is added. */
static struct nd__tpl_node *new_node(struct compiler *c, enum nd__tpl_op op)
{
	flush_text(c);
	return push_node(c, op);
}

static struct nd__tpl_path make_path(struct compiler *c, struct nd_str name)
{
	struct nd_str *parts;
	uint32_t n = 1, i = 0;
	size_t from = 0;

	if (nd_str_eqs(name, "."))
		return (struct nd__tpl_path){NULL, 0};
	for (size_t k = 0; k < name.len; k++)
		n += name.p[k] == '.';
	parts = nd_arena_alloc(c->t->arena, n * sizeof(*parts));
	for (size_t k = 0; k <= name.len; k++) {
		if (k < name.len && name.p[k] != '.')
			continue;
		parts[i++] = copy_str(c, name.p + from, k - from);
		from = k + 1;
	}
	return (struct nd__tpl_path){parts, n};
}

/* The name of a partial or parent node: a static name or a context path. */
static void set_target(struct compiler *c, struct nd__tpl_node *n, const struct tok *t)
{
	if (t->flags & TF_DYNAMIC) {
		n->flags |= ND__TPL_DYNAMIC;
		n->path = make_path(c, t->s);
	} else {
		n->str = copy_str(c, t->s.p, t->s.len);
		n->hash = nd__tpl_hash(t->s.p, t->s.len);
	}
}

/* The blanks before tag k on its line, less what strip takes away. */
static struct nd_str line_indent(struct compiler *c, size_t k, struct nd_str strip)
{
	const struct tok *t = &c->toks[k];
	struct nd_str lead = ND_STR_LIT("");
	size_t n;

	if (k > t->first)
		lead = leading_blanks(c->toks[t->first].s);
	n = common_blanks(lead, strip);
	return copy_str(c, lead.p + n, lead.len - n);
}

/*
 * Builds the nodes. Indentation of blocks: when a block's open tag ends its
 * line, the blanks that start the next line are the block's intrinsic
 * indentation. They are stripped from every line of the block here ("removed
 * at the site of definition") and become the block's indent, which the
 * renderer adds to each line of whatever content fills the block ("added at
 * the site of expansion"). Nested blocks strip their own, longer
 * indentation, so their indent is relative to the outer block.
 */
static void emit(struct compiler *c)
{
	struct frame *stack = nd_xmalloc(ND__TPL_MAX_NESTING * sizeof(*stack));
	struct nd_str strip = ND_STR_LIT("");
	size_t depth = 0;

	for (size_t k = 0; k < c->count; k++) {
		const struct tok *t = &c->toks[k];
		struct nd__tpl_node *n;
		struct nd_str s;
		size_t m;

		if (depth && c->nodes[stack[depth - 1].node].op == ND__TPL_PARENT &&
		    t->kind != TK_BLOCK &&
		    !(t->kind == TK_CLOSE && t->match == stack[depth - 1].tok)) {
			/* Between {{<name}} and {{/name}} only blocks count: they
			 * are the arguments. Text and other tags, sections with
			 * all they hold, are dropped. */
			if (t->kind == TK_SECTION || t->kind == TK_INVERTED || t->kind == TK_PARENT)
				k = t->match;
			continue;
		}
		switch (t->kind) {
		case TK_TEXT:
			if (t->flags & TF_REMOVED)
				break;
			s = t->s;
			if (t->flags & TF_BOL) {
				m = common_blanks(s, strip);
				s.p += m;
				s.len -= m;
			}
			nd_buf_add(&c->run, s.p, s.len);
			break;
		case TK_VAR:
		case TK_RAW:
			n = new_node(c, t->kind == TK_VAR ? ND__TPL_VAR : ND__TPL_RAW);
			n->path = make_path(c, t->s);
			break;
		case TK_SECTION:
		case TK_INVERTED:
			n = new_node(c, t->kind == TK_SECTION ? ND__TPL_SECTION : ND__TPL_INVERTED);
			n->path = make_path(c, t->s);
			stack[depth++] = (struct frame){c->nnodes - 1, k, strip};
			break;
		case TK_PARTIAL:
		case TK_PARENT:
			n = new_node(c, t->kind == TK_PARTIAL ? ND__TPL_PARTIAL : ND__TPL_PARENT);
			set_target(c, n, t);
			if (t->flags & TF_STANDALONE) {
				n->flags |= ND__TPL_BOL;
				n->indent = line_indent(c, k, strip);
			}
			if (t->kind == TK_PARENT)
				stack[depth++] = (struct frame){c->nnodes - 1, k, strip};
			break;
		case TK_BLOCK:
			n = new_node(c, ND__TPL_BLOCK);
			n->str = copy_str(c, t->s.p, t->s.len);
			stack[depth++] = (struct frame){c->nnodes - 1, k, strip};
			if (t->flags & TF_RCLEAR) {
				struct nd_str intrinsic = ND_STR_LIT("");

				if (t->last + 1 < c->count && c->toks[t->last + 1].kind == TK_TEXT)
					intrinsic = leading_blanks(c->toks[t->last + 1].s);
				m = common_blanks(intrinsic, strip);
				n->indent = copy_str(c, intrinsic.p + m, intrinsic.len - m);
				if (t->flags & TF_LCLEAR)
					n->flags |= ND__TPL_BOL;
				strip = intrinsic;
			} else if (t->flags & TF_LCLEAR) {
				/* "  {{$b}}one line{{/b}}": the blanks stay as text,
				 * and the block's later lines line up with them. */
				n->indent = line_indent(c, k, strip);
			}
			break;
		case TK_CLOSE:
			flush_text(c);
			depth--;
			c->nodes[stack[depth].node].body =
			    (uint32_t)(c->nnodes - stack[depth].node - 1);
			strip = stack[depth].strip;
			break;
		default: break; /* comments and delimiter changes leave nothing */
		}
	}
	flush_text(c);
	free(stack);
}

int nd__tpl_compile(const char *name, const char *src, size_t len, struct nd__tpl **out, char **err)
{
	struct compiler c = {.name = name, .src = src, .len = len, .err = err};
	struct nd__tpl *t = NULL;
	int ret;

	*out = NULL;
	if (err)
		*err = NULL;
	nd_buf_init(&c.run, 0);
	if (len > UINT32_MAX / 2) {
		ret = syntax(&c, 1, "template of %zu bytes is too big", len);
		goto out;
	}
	ret = tokenize(&c);
	if (ret)
		goto out;
	analyse_lines(&c);
	ret = match_tags(&c);
	if (ret)
		goto out;

	t = nd_xcalloc(1, sizeof(*t));
	t->arena = nd_arena_new(len < 2048 ? 4096 : len * 2);
	c.t = t;
	emit(&c);
	t->count = c.nnodes;
	t->nodes = nd_arena_alloc(t->arena, (c.nnodes ? c.nnodes : 1) * sizeof(*t->nodes));
	if (c.nnodes)
		memcpy(t->nodes, c.nodes, c.nnodes * sizeof(*t->nodes));
	t->name_len = strlen(name);
	t->name = nd_arena_strndup(t->arena, name, t->name_len);
	t->hash = nd__tpl_hash(name, t->name_len);
	*out = t;
	t = NULL;
out:
	free(c.toks);
	free(c.nodes);
	nd_buf_release(&c.run);
	nd__tpl_free(t);
	return ret;
}

void nd__tpl_free(struct nd__tpl *t)
{
	if (!t)
		return;
	nd_arena_free(t->arena);
	free(t);
}
