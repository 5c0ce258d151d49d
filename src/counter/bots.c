#include "counter/bots.h"

#include <ctype.h>
#include <jansson.h>
#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"

/*
 * A pattern is split at its top-level '|' into alternatives. Each one is
 * translated into a POSIX extended regular expression for glibc's regcomp,
 * and its required literal (the longest run of plain bytes outside any
 * group that every match must contain) goes into an Aho-Corasick automaton.
 * nd_bots_match walks the automaton over the User-Agent and runs a regular
 * expression only when its literal occurs: a browser UA contains none, so it
 * costs one table lookup per byte. An alternative that is all literal needs
 * no regular expression at all; one without a literal is run on every UA.
 */

struct nd_bots {
	uint16_t cls[256]; /* byte -> class; 0 for bytes in no literal */
	uint32_t nclass;
	uint32_t nstates;
	uint32_t first_out;  /* states numbered from here on have outputs */
	uint32_t *next;      /* next[state * nclass + class]: next state * nclass */
	uint32_t *out_start; /* [state - first_out]: where its alternatives start in out */
	uint32_t *out;       /* alternatives whose literal ends at that state */
	regex_t **re;        /* [alternative]; NULL when its literal is all of it */
	size_t nalts;
	uint32_t *always; /* alternatives without a literal */
	size_t nalways;
	size_t count; /* patterns */
};

/* The set of bytes a bracket expression or a class escape stands for. */
struct byteset {
	uint64_t w[4];
};

static void set_add(struct byteset *s, unsigned c)
{
	s->w[c >> 6] |= (uint64_t)1 << (c & 63);
}

static bool set_has(const struct byteset *s, unsigned c)
{
	return s->w[c >> 6] >> (c & 63) & 1;
}

static void set_add_ctype(struct byteset *s, int (*is)(int), bool negate, bool underscore)
{
	for (unsigned c = 1; c < 256; c++)
		if (((is(c) || (underscore && c == '_')) != 0) != negate)
			set_add(s, c);
}

/* \d \D \s \S \w \W into s; false for any other letter. */
static bool class_escape(char e, struct byteset *s)
{
	switch (e) {
	case 'd': set_add_ctype(s, isdigit, false, false); return true;
	case 'D': set_add_ctype(s, isdigit, true, false); return true;
	case 's': set_add_ctype(s, isspace, false, false); return true;
	case 'S': set_add_ctype(s, isspace, true, false); return true;
	case 'w': set_add_ctype(s, isalnum, false, true); return true;
	case 'W': set_add_ctype(s, isalnum, true, true); return true;
	}
	return false;
}

static const struct {
	const char *name;
	int (*is)(int);
} posix_classes[] = {
    {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
    {"lower", islower}, {"space", isspace}, {"blank", isblank}, {"punct", ispunct},
    {"print", isprint}, {"graph", isgraph}, {"cntrl", iscntrl}, {"xdigit", isxdigit},
};

/* Outside brackets, these need a backslash to be literal in an ERE. */
static bool ere_special(char c)
{
	return c && strchr(".[()*+?{|^$\\", c) != NULL;
}

static void emit_literal(struct nd_buf *ere, char c)
{
	if (ere_special(c))
		nd_buf_addch(ere, '\\');
	nd_buf_addch(ere, c);
}

/*
 * Writes the bytes of s (never NUL: a C string cannot hold one) as an ERE
 * atom: one byte, '.', or a bracket of the members or, for more than half
 * of all bytes, of the others ("[^...]"). POSIX brackets have no escapes, so
 * the members that are special in one ('^' first, ']' not first, '-'
 * between two, '[' before ':', '.' or '=') go where they are plain: ']'
 * first, then '[' and '^', '-' last.
 */
static void emit_set(struct nd_buf *ere, const struct byteset *s)
{
	struct byteset m = {{0}};
	unsigned n = 0, only = 0;
	bool negate;
	size_t start;

	for (unsigned c = 1; c < 256; c++)
		if (set_has(s, c))
			n++, only = c;
	if (n == 255) {
		nd_buf_addch(ere, '.');
		return;
	}
	if (n == 1) {
		emit_literal(ere, (char)only);
		return;
	}
	negate = n > 127;
	for (unsigned c = 1; c < 256; c++)
		if (set_has(s, c) != negate)
			set_add(&m, c);
	nd_buf_adds(ere, negate ? "[^" : "[");
	start = ere->len;
	if (set_has(&m, ']'))
		nd_buf_addch(ere, ']');
	for (unsigned c = 1; c < 256; c++) {
		if (!set_has(&m, c) || strchr("]^-[", (int)c))
			continue;
		unsigned e = c;
		while (e + 1 < 256 && set_has(&m, e + 1) && !strchr("]^-[", (int)(e + 1)))
			e++;
		nd_buf_addch(ere, (char)c);
		if (e >= c + 2)
			nd_buf_addch(ere, '-');
		if (e >= c + 1)
			nd_buf_addch(ere, (char)e);
		c = e;
	}
	if (set_has(&m, '['))
		nd_buf_addch(ere, '[');
	if (!negate && ere->len == start && set_has(&m, '^')) {
		nd_buf_adds(ere, "-^"); /* just '^' and '-': "[^-]" would negate */
	} else {
		if (set_has(&m, '^'))
			nd_buf_addch(ere, '^');
		if (set_has(&m, '-'))
			nd_buf_addch(ere, '-');
	}
	nd_buf_addch(ere, ']');
}

/*
 * One member of a bracket at p[*i] (a byte, or a \-escape, which a JS-style
 * pattern allows in brackets): its byte in *c, or the class escape added to
 * s and *c = -1. Returns the error text, or NULL.
 */
static const char *bracket_member(const char *p, size_t len, size_t *i, struct byteset *s, int *c)
{
	if (p[*i] != '\\') {
		*c = (unsigned char)p[(*i)++];
		return *c < 0x80 ? NULL : "non-ASCII character in []";
	}
	if (*i + 1 >= len)
		return "unterminated [";
	char e = p[*i + 1];
	*i += 2;
	*c = -1;
	if (class_escape(e, s))
		return NULL;
	if (isalnum((unsigned char)e))
		return "unsupported escape in []";
	*c = (unsigned char)e;
	return *c < 0x80 ? NULL : "non-ASCII character in []";
}

/* Parses the bracket expression that opens at p[*i] into s and moves *i past
 * its ']'. Returns the error text, or NULL. */
static const char *bracket(const char *p, size_t len, size_t *i, struct byteset *s)
{
	struct byteset m = {{0}};
	bool negate = false, first = true;
	size_t j = *i + 1;

	if (j < len && p[j] == '^')
		negate = true, j++;
	for (;; first = false) {
		if (j >= len)
			return "unterminated [";
		if (p[j] == ']' && !first)
			break;
		if (p[j] == '[' && j + 1 < len && strchr(":.=", p[j + 1])) {
			const char *end =
			    p[j + 1] == ':' ? memmem(p + j + 2, len - j - 2, ":]", 2) : NULL;
			size_t k, nlen = end ? (size_t)(end - (p + j + 2)) : 0;
			for (k = 0; end && k < ND_COUNT(posix_classes); k++)
				if (strlen(posix_classes[k].name) == nlen &&
				    !memcmp(posix_classes[k].name, p + j + 2, nlen))
					break;
			if (!end || k == ND_COUNT(posix_classes))
				return "unsupported [: :], [. .] or [= =] in []";
			set_add_ctype(&m, posix_classes[k].is, false, false);
			j = (size_t)(end - p) + 2;
			continue;
		}
		int lo, hi;
		const char *why = bracket_member(p, len, &j, &m, &lo);
		if (why)
			return why;
		if (lo < 0)
			continue;
		if (j + 1 < len && p[j] == '-' && p[j + 1] != ']') {
			j++;
			if ((why = bracket_member(p, len, &j, &m, &hi)))
				return why;
			if (hi < lo)
				return "bad range in []";
		} else {
			hi = lo;
		}
		for (int c = lo; c <= hi; c++)
			set_add(&m, (unsigned)c);
	}
	for (unsigned c = 1; c < 256; c++)
		if (set_has(&m, c) != negate)
			set_add(s, c);
	if (!s->w[0] && !s->w[1] && !s->w[2] && !s->w[3])
		return "[] matches nothing";
	*i = j + 1;
	return NULL;
}

/* Length of the interval {n}, {n,} or {n,m} at p[i], or 0 when p[i] is a
 * plain '{' (as in JavaScript); *min gets n. */
static size_t interval(const char *p, size_t len, size_t i, unsigned long *min)
{
	size_t j = i + 1;

	if (j >= len || !isdigit((unsigned char)p[j]))
		return 0;
	*min = 0;
	while (j < len && isdigit((unsigned char)p[j]))
		*min = *min * 10 + (unsigned long)(p[j++] - '0');
	if (j < len && p[j] == ',')
		while (++j < len && isdigit((unsigned char)p[j]))
			;
	return j < len && p[j] == '}' ? j + 1 - i : 0;
}

/*
 * Translates one alternative p[0..len) (no '|' outside a group) into an ERE
 * in ere, its required literal into lit and whether the alternative is that
 * literal and nothing else into *pure. Returns the error text, or NULL.
 *
 * The literal is the longest run of plain bytes at group depth 0: such a
 * byte is in every match, unless a quantifier that allows zero ('?', '*',
 * '{0,...}') follows it, which drops it from the run. '+' and '{n,...}'
 * keep their byte but end the run, since more copies may follow it.
 */
static const char *translate(const char *p, size_t len, struct nd_buf *ere, struct nd_buf *lit,
                             bool *pure)
{
	struct nd_buf run = ND_BUF_INIT;
	const char *why = NULL;
	unsigned depth = 0;
	bool last_lit = false; /* the previous atom is the last byte of run */
	int prev = -1;         /* the previous atom, if a plain byte */

	*pure = true;
	for (size_t i = 0; i < len;) {
		char c = p[i];
		int byte = -1;
		bool keep = false; /* a quantifier that keeps its byte */
		unsigned long min = 1;
		size_t n = 0;

		if (c == '\\') {
			struct byteset s = {{0}};
			if (i + 1 >= len) {
				why = "trailing backslash";
				break;
			}
			char e = p[i + 1];
			i += 2;
			if (class_escape(e, &s)) {
				emit_set(ere, &s);
			} else if (e == 'b' || e == 'B') {
				nd_buf_addch(ere, '\\'); /* glibc's word boundaries */
				nd_buf_addch(ere, e);
			} else if (isalnum((unsigned char)e)) {
				why = "unsupported escape";
				break;
			} else {
				byte = (unsigned char)e;
			}
		} else if (c == '[') {
			struct byteset s = {{0}};
			if ((why = bracket(p, len, &i, &s)))
				break;
			emit_set(ere, &s);
		} else if (c == '(') {
			if (i + 1 < len && p[i + 1] == '?') {
				why = "(?...) groups are not supported";
				break;
			}
			depth++, i++;
			nd_buf_addch(ere, c);
		} else if (c == ')') {
			if (depth == 0) {
				why = "unmatched )";
				break;
			}
			depth--, i++;
			nd_buf_addch(ere, c);
		} else if (c == '?' || c == '*' || c == '+' ||
		           (c == '{' && (n = interval(p, len, i, &min)) > 0)) {
			if (c == '{')
				nd_buf_add(ere, p + i, n), i += n;
			else
				nd_buf_addch(ere, c), i++;
			keep = c == '+' || (c == '{' && min > 0);
			if (prev >= 0x80) {
				/* It would repeat one byte of a UTF-8 character. */
				why = "quantifier after a non-ASCII character";
				break;
			}
			if (last_lit && !keep)
				nd_buf_truncate(&run, run.len - 1);
		} else if (c == '.' || c == '^' || c == '$' || c == '|') {
			nd_buf_addch(ere, c), i++;
		} else {
			byte = (unsigned char)c, i++;
		}

		prev = byte;
		if (byte >= 0 && depth == 0) {
			emit_literal(ere, (char)byte);
			nd_buf_addch(&run, (char)byte);
			last_lit = true;
			continue;
		}
		if (byte >= 0)
			emit_literal(ere, (char)byte);
		/* Anything but a plain byte at depth 0 ends the run. */
		if (run.len > lit->len) {
			nd_buf_reset(lit);
			nd_buf_add(lit, run.buf, run.len);
		}
		nd_buf_reset(&run);
		last_lit = false;
		*pure = false;
	}
	if (!why && depth > 0)
		why = "unmatched (";
	if (run.len > lit->len) {
		nd_buf_reset(lit);
		nd_buf_add(lit, run.buf, run.len);
	}
	nd_buf_release(&run);
	return why;
}

/* Where the alternative that starts at p[i] ends: at the next '|' outside
 * groups and brackets, or at len. Skips brackets as bracket() reads them. */
static size_t alt_end(const char *p, size_t len, size_t i)
{
	unsigned depth = 0;

	while (i < len) {
		if (p[i] == '\\') {
			i += 2;
			continue;
		}
		if (p[i] == '[') {
			size_t j = i + 1;
			j += j < len && p[j] == '^';
			j += j < len && p[j] == ']';
			while (j < len && p[j] != ']') {
				const char *end;
				if (p[j] == '\\')
					j += 2;
				else if (p[j] == '[' && j + 1 < len && p[j + 1] == ':' &&
				         (end = memmem(p + j + 2, len - j - 2, ":]", 2)))
					j = (size_t)(end - p) + 2;
				else
					j++;
			}
			i = j + 1;
			continue;
		}
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && depth > 0)
			depth--;
		else if (p[i] == '|' && depth == 0)
			return i;
		i++;
	}
	return len;
}

/* The list's alternatives while they are read: their literals, one after
 * the other in text. */
struct loader {
	struct nd_bots *b;
	size_t cap;
	struct nd_buf text;
	struct lit {
		uint32_t off, len;
	} * lits;
};

static int add_alt(struct loader *l, size_t entry, const char *pat, const char *p, size_t len)
{
	struct nd_buf ere = ND_BUF_INIT, lit = ND_BUF_INIT;
	struct nd_bots *b = l->b;
	regex_t *re = NULL;
	const char *why = NULL;
	char msg[128];
	bool pure = false;
	int rc = 0;

	if (len == 0)
		why = "empty alternative (it would match every User-Agent)";
	else
		why = translate(p, len, &ere, &lit, &pure);
	if (!why && !pure) {
		int err;
		re = nd_xmalloc(sizeof(*re));
		if ((err = regcomp(re, ere.buf, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(err, re, msg, sizeof(msg));
			free(re);
			re = NULL;
			why = msg;
		}
	}
	if (why) {
		rc = nd_error(ND_EINVAL, "crawler list entry %zu: pattern '%s': %s", entry, pat,
		              why);
		goto out;
	}
	if (b->nalts == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		b->re = nd_xrealloc(b->re, l->cap * sizeof(*b->re));
		l->lits = nd_xrealloc(l->lits, l->cap * sizeof(*l->lits));
	}
	if (lit.len == 0) {
		b->always = nd_xrealloc(b->always, (b->nalways + 1) * sizeof(*b->always));
		b->always[b->nalways++] = (uint32_t)b->nalts;
	}
	l->lits[b->nalts] = (struct lit){(uint32_t)l->text.len, (uint32_t)lit.len};
	nd_buf_add(&l->text, lit.buf, lit.len);
	b->re[b->nalts++] = re;
out:
	nd_buf_release(&ere);
	nd_buf_release(&lit);
	return rc;
}

static int add_pattern(struct loader *l, size_t entry, const char *pat, size_t len)
{
	for (size_t i = 0;; i++) {
		size_t end = alt_end(pat, len, i);
		int rc = add_alt(l, entry, pat, pat + i, end - i);
		if (rc < 0)
			return rc;
		if ((i = end) >= len)
			return 0;
	}
}

/*
 * Builds the Aho-Corasick automaton over the literals, as a full
 * transition table so that matching is one lookup per byte. Bytes are
 * mapped to classes first (the bytes that occur in some literal, plus one
 * class for all others), which keeps the table about 3.4 times smaller than
 * 256 columns would. States are renumbered breadth first, so the shallow
 * ones that browser text keeps returning to share cache lines, with those
 * that have outputs last: the matching loop tells them apart by one
 * comparison. Entries hold the next state's row offset (state * classes),
 * not its number, which takes a multiplication off the chain of dependent
 * loads: about 30% faster than 16-bit state numbers, for twice the memory
 * (4.3 MB for the 1.60.0 list).
 */
static int build(struct nd_bots *b, const struct loader *l)
{
	const unsigned char *text = (const unsigned char *)l->text.buf;
	size_t cap = l->text.len + 1, ns = 1, k, head = 0, tail = 1;
	uint32_t *go, *fail, *order, *outn, *perm, *own_head, *own_next, *fill;
	int rc = 0;

	for (size_t i = 0; i < l->text.len; i++)
		b->cls[text[i]] = 1;
	b->nclass = 1;
	for (unsigned c = 0; c < 256; c++)
		b->cls[c] = b->cls[c] ? (uint16_t)b->nclass++ : 0;
	k = b->nclass;

	go = nd_xcalloc(cap * k, sizeof(*go));
	own_head = nd_xmalloc(cap * sizeof(*own_head));
	own_next = nd_xmalloc((b->nalts + 1) * sizeof(*own_next));
	memset(own_head, 0xff, cap * sizeof(*own_head));
	for (size_t a = 0; a < b->nalts; a++) {
		uint32_t s = 0;
		for (uint32_t i = 0; i < l->lits[a].len; i++) {
			uint32_t *t = &go[s * k + b->cls[text[l->lits[a].off + i]]];
			if (!*t)
				*t = (uint32_t)ns++;
			s = *t;
		}
		if (s) {
			own_next[a] = own_head[s];
			own_head[s] = (uint32_t)a;
		}
	}
	if (ns * k > UINT32_MAX) {
		rc = nd_error(ND_ETOOBIG,
		              "crawler list: %zu matcher states of %zu classes, too many", ns, k);
		free(go), free(own_head), free(own_next);
		return rc;
	}

	/* Breadth first, so a state's fail state (shallower) is complete
	 * before it: missing transitions are copied from there. */
	fail = nd_xcalloc(ns, sizeof(*fail));
	order = nd_xmalloc(ns * sizeof(*order));
	outn = nd_xcalloc(ns, sizeof(*outn));
	order[0] = 0;
	while (head < tail) {
		uint32_t s = order[head++];
		for (size_t c = 0; c < k; c++) {
			uint32_t t = go[s * k + c], via = s ? go[fail[s] * k + c] : 0;
			if (t) {
				fail[t] = via;
				order[tail++] = t;
			} else {
				go[s * k + c] = via;
			}
		}
		for (uint32_t a = own_head[s]; a != UINT32_MAX; a = own_next[a])
			outn[s]++;
		if (s)
			outn[s] += outn[fail[s]];
	}

	perm = nd_xmalloc(ns * sizeof(*perm));
	for (size_t i = 0, n = 0, pass = 0; pass < 2; pass++) {
		for (i = 0; i < ns; i++)
			if ((outn[order[i]] > 0) == (pass == 1))
				perm[order[i]] = (uint32_t)n++;
		if (pass == 0)
			b->first_out = (uint32_t)n;
	}
	b->nstates = (uint32_t)ns;
	b->next = nd_xmalloc(ns * k * sizeof(*b->next));
	for (size_t s = 0; s < ns; s++)
		for (size_t c = 0; c < k; c++)
			b->next[perm[s] * k + c] = perm[go[s * k + c]] * (uint32_t)k;

	/* Outputs: a state's own alternatives, then its fail state's. */
	b->out_start = nd_xcalloc(ns - b->first_out + 1, sizeof(*b->out_start));
	for (size_t s = 0; s < ns; s++)
		if (outn[s])
			b->out_start[perm[s] - b->first_out + 1] = outn[s];
	for (size_t i = 1; i <= ns - b->first_out; i++)
		b->out_start[i] += b->out_start[i - 1];
	b->out = nd_xmalloc((b->out_start[ns - b->first_out] + 1) * sizeof(*b->out));
	for (size_t i = 0; i < ns; i++) {
		uint32_t s = order[i];
		if (!outn[s])
			continue;
		fill = b->out + b->out_start[perm[s] - b->first_out];
		for (uint32_t a = own_head[s]; a != UINT32_MAX; a = own_next[a])
			*fill++ = a;
		if (outn[fail[s]])
			memcpy(fill, b->out + b->out_start[perm[fail[s]] - b->first_out],
			       outn[fail[s]] * sizeof(*fill));
	}
	free(go), free(own_head), free(own_next), free(fail), free(order), free(outn), free(perm);
	return rc;
}

int nd_bots_new(const char *json, size_t len, struct nd_bots **out)
{
	struct loader l = {.b = nd_xcalloc(1, sizeof(struct nd_bots)), .text = ND_BUF_INIT};
	locale_t c_locale, prev = (locale_t)0;
	json_error_t jerr;
	json_t *root, *e;
	size_t i;
	int rc = 0;

	*out = NULL;
	/* The classes \d \s \w and [:alpha:] and glibc's regcomp follow the
	 * locale; the patterns are meant for bytes, whatever the program's. */
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_locale)
		prev = uselocale(c_locale);
	root = json_loadb(json, len, 0, &jerr);
	if (!root) {
		rc = nd_error(ND_EINVAL, "crawler list: %s (line %d, column %d)", jerr.text,
		              jerr.line, jerr.column);
		goto out;
	}
	if (!json_is_array(root)) {
		rc = nd_error(ND_EINVAL, "crawler list: not a JSON array");
		goto out;
	}
	json_array_foreach(root, i, e)
	{
		json_t *pat = json_object_get(e, "pattern");
		if (!json_is_string(pat) || json_string_length(pat) == 0) {
			rc =
			    nd_error(ND_EINVAL, "crawler list entry %zu: no \"pattern\" string", i);
			goto out;
		}
		rc = add_pattern(&l, i, json_string_value(pat), json_string_length(pat));
		if (rc < 0)
			goto out;
	}
	l.b->count = json_array_size(root);
	rc = build(l.b, &l);
out:
	if (c_locale) {
		uselocale(prev);
		freelocale(c_locale);
	}
	json_decref(root);
	nd_buf_release(&l.text);
	free(l.lits);
	if (rc < 0)
		nd_bots_free(l.b);
	else
		*out = l.b;
	return rc;
}

/* bots_data.S */
extern const char nd_bots_json[];
extern const size_t nd_bots_json_size;

int nd_bots_new_default(struct nd_bots **out)
{
	return nd_bots_new(nd_bots_json, nd_bots_json_size, out);
}

void nd_bots_free(struct nd_bots *b)
{
	if (!b)
		return;
	for (size_t a = 0; a < b->nalts; a++) {
		if (b->re[a]) {
			regfree(b->re[a]);
			free(b->re[a]);
		}
	}
	free(b->re);
	free(b->always);
	free(b->next);
	free(b->out_start);
	free(b->out);
	free(b);
}

size_t nd_bots_count(const struct nd_bots *b)
{
	return b->count;
}

/* Whether alternative a matches ua, once its literal is known to occur. */
static bool confirm(const struct nd_bots *b, uint32_t a, const char *ua, size_t len)
{
	/* REG_STARTEND: the UA need not end in NUL. glibc's regexec takes a
	 * lock per regex_t, so threads wait on each other only here, and
	 * only for UAs that contain a literal (bots, nearly always). */
	regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)(len < INT32_MAX ? len : INT32_MAX)};

	return !b->re[a] || regexec(b->re[a], ua, 1, &m, REG_STARTEND) == 0;
}

bool nd_bots_match(const struct nd_bots *b, const char *ua, size_t len)
{
	const unsigned char *p = (const unsigned char *)ua;
	uint32_t row = 0, out_row = b->first_out * b->nclass;

	if (!ua || len == 0)
		return true;
	for (size_t i = 0; i < len; i++) {
		row = b->next[row + b->cls[p[i]]];
		if (row >= out_row) {
			const uint32_t *o = b->out_start + (row / b->nclass - b->first_out);
			for (uint32_t j = o[0]; j < o[1]; j++)
				if (confirm(b, b->out[j], ua, len))
					return true;
		}
	}
	for (size_t j = 0; j < b->nalways; j++)
		if (confirm(b, b->always[j], ua, len))
			return true;
	return false;
}

/* Whether a header value has the token prefetch, prerender or preview. */
static bool says_prefetch(const char *v)
{
	static const char *const words[] = {"prefetch", "prerender", "preview"};
	static const char sep[] = " \t,;=";

	while (v && *v) {
		size_t n;
		v += strspn(v, sep);
		n = strcspn(v, sep);
		for (size_t i = 0; i < ND_COUNT(words); i++)
			if (n == strlen(words[i]) && !strncasecmp(v, words[i], n))
				return true;
		v += n;
	}
	return false;
}

bool nd_bots_is_prefetch(const char *sec_purpose, const char *purpose, const char *x_purpose,
                         const char *x_moz)
{
	return says_prefetch(sec_purpose) || says_prefetch(purpose) || says_prefetch(x_purpose) ||
	       says_prefetch(x_moz);
}
