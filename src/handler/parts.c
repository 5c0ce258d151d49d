#include "handler/parts.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/hash.h"
#include "core/mem.h"
#include "encode/brotli.h"
#include "encode/coding.h"
#include "encode/gzip.h"

/* Smaller answers go as they are: compressing would save too little. */
#define COMPRESS_MIN 256

struct seg {
	size_t off, len; /* in text */
};

struct hole {
	char kind;
	uint32_t id, sub;
};

/* The gzip pieces of every static part, back to back, with their CRCs. */
struct gz_form {
	char *data;
	size_t *off; /* seg_count + 1 offsets into data */
	uint32_t *crc;
	size_t bytes;
};

/* A whole brotli answer: the text without holes, or one set of values. */
struct filled {
	atomic_int refs;
	uint64_t values; /* the values' hash (the ETag's) */
	size_t len;
	char data[];
};

struct nd_parts {
	atomic_int refs;
	bool json, compress;
	uint64_t hash; /* of the static text and the holes' names */
	char *text;    /* the static parts back to back */
	size_t text_len;
	size_t seg_count; /* holes + 1 */
	struct seg *segs;
	struct hole *holes;
	_Atomic(struct gz_form *) gz;
	_Atomic(struct filled *) br_text; /* no holes: the text's brotli */
	pthread_mutex_t lock;             /* guards the three below */
	struct filled *filled;            /* holes: brotli of the last values asked twice */
	struct filled *whole[2];          /* identity, gzip: the last answer asked twice */
	atomic_uint_least64_t last_values;
	atomic_size_t bytes;
};

struct nd_parts *nd_parts_new(const char *text, size_t len, uint64_t nonce, bool json,
                              bool compress)
{
	struct nd_parts *p = nd_xcalloc(1, sizeof(*p));
	struct nd_hole_at at;
	size_t off = 0, cap = 4;

	atomic_init(&p->refs, 1);
	p->json = json;
	p->compress = compress;
	p->text = nd_xmalloc(len + 1);
	p->segs = nd_xmalloc(cap * sizeof(*p->segs));
	p->holes = nd_xmalloc(cap * sizeof(*p->holes));
	for (;;) {
		bool more = nd_hole_next(text, len, off, nonce, json, &at);
		size_t end = more ? at.from : len;

		if (p->seg_count == cap) {
			cap *= 2;
			p->segs = nd_xrealloc(p->segs, cap * sizeof(*p->segs));
			p->holes = nd_xrealloc(p->holes, cap * sizeof(*p->holes));
		}
		p->segs[p->seg_count++] = (struct seg){p->text_len, end - off};
		memcpy(p->text + p->text_len, text + off, end - off);
		p->text_len += end - off;
		if (!more)
			break;
		p->holes[p->seg_count - 1] = (struct hole){at.kind, at.id, at.sub};
		off = at.to;
	}
	p->text[p->text_len] = '\0';
	/* Without holes, the hash of the text itself (as nd__validate's); with
	 * them, of the text and what each hole shows, never of the markers,
	 * whose nonce differs from process to process. */
	p->hash = nd_hash(p->text, p->text_len);
	if (p->seg_count > 1) {
		/* Field by field: the struct's padding is not initialised. */
		uint32_t *names = nd_xmalloc((p->seg_count - 1) * 3 * sizeof(*names));

		for (size_t i = 0; i + 1 < p->seg_count; i++) {
			names[3 * i] = (uint32_t)(unsigned char)p->holes[i].kind;
			names[3 * i + 1] = p->holes[i].id;
			names[3 * i + 2] = p->holes[i].sub;
		}
		p->hash ^= nd_hash(names, (p->seg_count - 1) * 3 * sizeof(*names)) * 31;
		free(names);
	}
	pthread_mutex_init(&p->lock, NULL);
	atomic_init(&p->bytes, sizeof(*p) + p->text_len +
	                           p->seg_count * (sizeof(struct seg) + sizeof(struct hole)));
	return p;
}

struct nd_parts *nd_parts_ref(struct nd_parts *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

static void filled_unref(struct filled *f)
{
	if (f && atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
		free(f);
}

static void gz_free(struct gz_form *g)
{
	if (!g)
		return;
	free(g->data);
	free(g->off);
	free(g->crc);
	free(g);
}

void nd_parts_unref(struct nd_parts *p)
{
	if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	gz_free(atomic_load(&p->gz));
	filled_unref(atomic_load(&p->br_text));
	filled_unref(p->filled);
	filled_unref(p->whole[0]);
	filled_unref(p->whole[1]);
	pthread_mutex_destroy(&p->lock);
	free(p->text);
	free(p->segs);
	free(p->holes);
	free(p);
}

void nd_parts_release(void *p)
{
	nd_parts_unref(p);
}

size_t nd_parts_bytes(const struct nd_parts *p)
{
	return atomic_load(&((struct nd_parts *)p)->bytes);
}

size_t nd_parts_holes(const struct nd_parts *p)
{
	return p->seg_count - 1;
}

/* The gzip pieces, made by the first request that wants them. */
static struct gz_form *gz_form(struct nd_parts *p)
{
	struct gz_form *g = atomic_load_explicit(&p->gz, memory_order_acquire), *none = NULL;
	struct nd_buf data = ND_BUF_INIT;

	if (g)
		return g;
	g = nd_xcalloc(1, sizeof(*g));
	g->off = nd_xmalloc((p->seg_count + 1) * sizeof(*g->off));
	g->crc = nd_xmalloc(p->seg_count * sizeof(*g->crc));
	for (size_t i = 0; i < p->seg_count; i++) {
		const char *t = p->text + p->segs[i].off;

		g->off[i] = data.len;
		g->crc[i] = nd_gzip_crc(0, t, p->segs[i].len);
		if (nd_gzip_piece(t, p->segs[i].len, 9, &data)) {
			nd_buf_release(&data);
			gz_free(g);
			return NULL;
		}
	}
	g->off[p->seg_count] = data.len;
	g->bytes = data.len;
	g->data = nd_buf_detach(&data, NULL);
	if (!atomic_compare_exchange_strong_explicit(&p->gz, &none, g, memory_order_acq_rel,
	                                             memory_order_acquire)) {
		gz_free(g); /* another request made them first */
		return none;
	}
	atomic_fetch_add(&p->bytes, g->bytes + p->seg_count * (sizeof(size_t) + sizeof(uint32_t)));
	return g;
}

static struct filled *filled_new(const char *text, size_t len, uint64_t values, int quality)
{
	struct nd_buf br = ND_BUF_INIT;
	struct filled *f;

	if (nd_brotli(text, len, quality, &br)) {
		nd_buf_release(&br);
		return NULL;
	}
	f = nd_xmalloc(sizeof(*f) + br.len);
	atomic_init(&f->refs, 1);
	f->values = values;
	f->len = br.len;
	memcpy(f->data, br.buf, br.len);
	nd_buf_release(&br);
	return f;
}

/* The brotli of a text without holes (a reference), made on first use. */
static struct filled *br_text(struct nd_parts *p, int quality)
{
	struct filled *f = atomic_load_explicit(&p->br_text, memory_order_acquire), *none = NULL;

	if (!f) {
		if (!(f = filled_new(p->text, p->text_len, p->hash, quality)))
			return NULL;
		if (atomic_compare_exchange_strong_explicit(
		        &p->br_text, &none, f, memory_order_acq_rel, memory_order_acquire)) {
			atomic_fetch_add(&p->bytes, sizeof(*f) + f->len);
		} else {
			filled_unref(f);
			f = none;
		}
	}
	atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	return f;
}

/* The text with the values in (vals, voff: the values back to back). */
static void assemble(const struct nd_parts *p, const struct nd_buf *vals, const size_t *voff,
                     struct nd_buf *out)
{
	for (size_t i = 0; i < p->seg_count; i++) {
		nd_buf_add(out, p->text + p->segs[i].off, p->segs[i].len);
		if (i + 1 < p->seg_count)
			nd_buf_add(out, vals->buf + voff[i], voff[i + 1] - voff[i]);
	}
}

/* The kept whole answer of slot for these values (a reference), or NULL. */
static struct filled *whole_get(struct nd_parts *p, struct filled **slot, uint64_t values)
{
	struct filled *f;

	pthread_mutex_lock(&p->lock);
	f = *slot;
	if (f && f->values == values)
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	else
		f = NULL;
	pthread_mutex_unlock(&p->lock);
	return f;
}

/* Puts f (the caller's reference passes to slot) in slot, in place of the
 * one there. */
static void slot_put(struct nd_parts *p, struct filled **slot, struct filled *f)
{
	struct filled *old;

	pthread_mutex_lock(&p->lock);
	old = *slot;
	*slot = f;
	pthread_mutex_unlock(&p->lock);
	atomic_fetch_add(&p->bytes, f->len);
	if (old)
		atomic_fetch_sub(&p->bytes, old->len);
	filled_unref(old);
}

/*
 * The brotli of the answer with these values (a reference), or NULL: kept
 * when the same values come twice in a row, so a page whose values change
 * with every request (a personal list) never pays for it.
 */
static struct filled *br_filled(struct nd_parts *p, uint64_t values, const struct nd_buf *vals,
                                const size_t *voff, bool repeat)
{
	struct filled *f = whole_get(p, &p->filled, values);
	struct nd_buf whole = ND_BUF_INIT;

	if (f || !repeat)
		return f;
	assemble(p, vals, voff, &whole);
	f = filled_new(whole.buf, whole.len, values, ND_BROTLI_QUALITY_PAGE);
	nd_buf_release(&whole);
	if (!f)
		return NULL;
	atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed); /* the slot's */
	slot_put(p, &p->filled, f);
	return f;
}

/* Keeps the answer in pieces (iov) whole in slot for these values. */
static void whole_keep(struct nd_parts *p, struct filled **slot, uint64_t values,
                       const struct nd_http_iov *iov, size_t n)
{
	struct filled *f;
	size_t len = 0, off = 0;

	for (size_t i = 0; i < n; i++)
		len += iov[i].len;
	f = nd_xmalloc(sizeof(*f) + len);
	atomic_init(&f->refs, 1);
	f->values = values;
	f->len = len;
	for (size_t i = 0; i < n; i++) {
		memcpy(f->data + off, iov[i].base, iov[i].len);
		off += iov[i].len;
	}
	slot_put(p, slot, f);
}

void nd_parts_precompress(struct nd_parts *p)
{
	if (!p->compress || p->seg_count > 1 || p->text_len < COMPRESS_MIN)
		return;
	gz_form(p);
	filled_unref(br_text(p, ND_BROTLI_QUALITY_BEST));
}

/* What an answer being sent holds. */
struct answer {
	struct nd_parts *parts;
	struct filled *filled;
	struct nd_buf vals; /* the hole values back to back */
	struct nd_buf gz;   /* their gzip pieces */
	unsigned char tail[ND_GZIP_TRAILER_LEN];
	size_t iov_count;
	struct nd_http_iov iov[];
};

static void answer_free(void *arg)
{
	struct answer *a = arg;

	filled_unref(a->filled);
	nd_parts_unref(a->parts);
	nd_buf_release(&a->vals);
	nd_buf_release(&a->gz);
	free(a);
}

static void add_iov(struct answer *a, const void *base, size_t len)
{
	if (len)
		a->iov[a->iov_count++] = (struct nd_http_iov){base, len};
}

static int gzip_pieces(struct nd_parts *p, struct answer *a, const size_t *voff)
{
	struct gz_form *g = gz_form(p);
	size_t h = p->seg_count - 1, *goff;
	uint32_t crc = 0, *vcrc;
	uint64_t total = 0;

	if (!g)
		return -1;
	goff = nd_xmalloc((h + 1) * sizeof(*goff));
	vcrc = nd_xmalloc((h + 1) * sizeof(*vcrc));
	for (size_t i = 0; i < h; i++) {
		goff[i] = a->gz.len;
		if (nd_gzip_piece_quick(a->vals.buf + voff[i], voff[i + 1] - voff[i], &a->gz,
		                        &vcrc[i])) {
			free(goff);
			free(vcrc);
			return -1;
		}
	}
	goff[h] = a->gz.len;
	add_iov(a, nd_gzip_header, ND_GZIP_HEADER_LEN);
	for (size_t i = 0; i < p->seg_count; i++) {
		add_iov(a, g->data + g->off[i], g->off[i + 1] - g->off[i]);
		crc = nd_gzip_crc_combine(crc, g->crc[i], p->segs[i].len);
		total += p->segs[i].len;
		if (i < h) {
			size_t n = voff[i + 1] - voff[i];

			add_iov(a, a->gz.buf + goff[i], goff[i + 1] - goff[i]);
			crc = nd_gzip_crc_combine(crc, vcrc[i], n);
			total += n;
		}
	}
	nd_gzip_trailer(crc, total, a->tail);
	add_iov(a, a->tail, ND_GZIP_TRAILER_LEN);
	free(goff);
	free(vcrc);
	return 0;
}

int nd_parts_answer(struct nd_parts *p, const struct nd_hole_values *v,
                    const struct nd_parts_request *q, struct nd_http_response *res)
{
	size_t h = p->seg_count - 1;
	struct answer *a = nd_xcalloc(1, sizeof(*a) + (2 * p->seg_count + 2) * sizeof(a->iov[0]));
	size_t *voff = nd_arena_alloc(q->arena, (h + 1) * sizeof(*voff));
	enum nd_coding coding = ND_CODING_IDENTITY, best;
	uint64_t etag = p->hash;
	const char *etag_s;
	struct filled **slot;
	bool repeat;

	a->parts = nd_parts_ref(p);
	nd_buf_init(&a->vals, 0);
	nd_buf_init(&a->gz, 0);
	for (size_t i = 0; i < h; i++) {
		voff[i] = a->vals.len;
		if (v)
			nd_hole_value(v, p->holes[i].kind, p->holes[i].id, p->holes[i].sub, p->json,
			              &a->vals);
	}
	voff[h] = a->vals.len;
	if (h) {
		uint64_t parts[3] = {p->hash, nd_hash(a->vals.buf, a->vals.len),
		                     nd_hash(voff, (h + 1) * sizeof(*voff))};

		etag = nd_hash(parts, sizeof(parts));
	}
	/* The same values as the request before: worth keeping whole. */
	repeat = !h || atomic_exchange(&p->last_values, etag) == etag;
	if (p->compress && p->text_len + a->vals.len >= COMPRESS_MIN) {
		unsigned ok = nd_coding_accepted(
		    q->accept_encoding, ND_CODING_BIT(ND_CODING_GZIP) | ND_CODING_BIT(ND_CODING_BR),
		    &best);

		if (best == ND_CODING_BR)
			a->filled = h ? br_filled(p, etag, &a->vals, voff, repeat)
			              : br_text(p, ND_BROTLI_QUALITY_PAGE);
		if (a->filled)
			coding = ND_CODING_BR;
		else if (ok & ND_CODING_BIT(ND_CODING_GZIP) && best != ND_CODING_IDENTITY)
			coding = ND_CODING_GZIP;
	}
	etag_s = nd_arena_printf(q->arena, "\"%016llx%s\"", (unsigned long long)etag,
	                         coding == ND_CODING_GZIP ? "-gz"
	                         : coding == ND_CODING_BR ? "-br"
	                                                  : "");
	nd_http_add_header(res, "ETag", etag_s);
	if (p->compress)
		nd_http_add_header(res, "Vary",
		                   q->vary
		                       ? nd_arena_printf(q->arena, "Accept-Encoding, %s", q->vary)
		                       : "Accept-Encoding");
	else if (q->vary)
		nd_http_add_header(res, "Vary", q->vary);
	if (nd_http_etag_matches(q->if_none_match, etag_s)) {
		answer_free(a);
		return 304;
	}
	/*
	 * An answer asked for twice with the same values (a page whose counts
	 * stand still: robots, anonymous readers between views) is kept whole
	 * per coding and sent as one buffer from then on. A page without holes
	 * is one piece already in identity.
	 */
	slot = coding == ND_CODING_GZIP ? &p->whole[1] : &p->whole[0];
	if (coding != ND_CODING_BR && (h || coding == ND_CODING_GZIP) &&
	    (a->filled = whole_get(p, slot, etag))) {
		add_iov(a, a->filled->data, a->filled->len);
	} else {
		if (coding == ND_CODING_GZIP && gzip_pieces(p, a, voff)) {
			a->iov_count = 0; /* the compressor failed: send it as it is */
			coding = ND_CODING_IDENTITY;
		}
		if (coding == ND_CODING_BR) {
			add_iov(a, a->filled->data, a->filled->len);
		} else if (coding == ND_CODING_IDENTITY) {
			for (size_t i = 0; i < p->seg_count; i++) {
				add_iov(a, p->text + p->segs[i].off, p->segs[i].len);
				if (i < h)
					add_iov(a, a->vals.buf + voff[i], voff[i + 1] - voff[i]);
			}
		}
		if (coding != ND_CODING_BR && repeat && a->iov_count > 1)
			/* (coding may have fallen back to identity: not slot) */
			whole_keep(p, &p->whole[coding == ND_CODING_GZIP], etag, a->iov,
			           a->iov_count);
	}
	if (coding != ND_CODING_IDENTITY)
		nd_http_add_header(res, "Content-Encoding", nd_coding_name(coding));
	if (!a->iov_count) { /* an empty body */
		answer_free(a);
		return 200;
	}
	res->iov = a->iov;
	res->iov_count = a->iov_count;
	res->release = answer_free;
	res->release_arg = a;
	return 200;
}
