#include "encode/gzip.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>

#include "core/err.h"
#include "core/mem.h"

/* Magic, deflate, no flags, no time, no extra flags, OS unknown. */
const unsigned char nd_gzip_header[ND_GZIP_HEADER_LEN] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};

/* Below this, a stored block (5 bytes of framing) beats Huffman tables. */
#define STORED_BELOW 64

/* Runs the text through strm with a sync flush, appending to out. */
static int deflate_into(z_stream *strm, const void *text, size_t len, struct nd_buf *out)
{
	strm->next_in = (Bytef *)(uintptr_t)text;
	strm->avail_in = (uInt)len;
	do {
		unsigned char chunk[16384];
		int rc;

		strm->next_out = chunk;
		strm->avail_out = sizeof(chunk);
		rc = deflate(strm, Z_SYNC_FLUSH);
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return ND_EIO;
		nd_buf_add(out, chunk, sizeof(chunk) - strm->avail_out);
	} while (strm->avail_out == 0 || strm->avail_in);
	return nd_buf_err(out) ? ND_EIO : 0;
}

int nd_gzip_piece(const void *text, size_t len, int level, struct nd_buf *out)
{
	z_stream strm;
	int rc;

	if (!len)
		return 0;
	if (len > UINT32_MAX)
		return ND_ETOOBIG;
	memset(&strm, 0, sizeof(strm));
	/* Raw deflate (negative window bits): no zlib header or trailer. */
	if (deflateInit2(&strm, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return ND_EIO;
	rc = deflate_into(&strm, text, len, out);
	deflateEnd(&strm);
	return rc;
}

/* Stored blocks: BFINAL 0, BTYPE 00 (padded to the byte), LEN, NLEN. */
static int stored(const unsigned char *p, size_t len, struct nd_buf *out)
{
	while (len) {
		size_t n = len > 65535 ? 65535 : len;
		unsigned char head[5] = {0, (unsigned char)n, (unsigned char)(n >> 8),
		                         (unsigned char)~n, (unsigned char)(~n >> 8)};

		nd_buf_add(out, head, sizeof(head));
		nd_buf_add(out, p, n);
		p += n;
		len -= n;
	}
	return nd_buf_err(out) ? ND_EIO : 0;
}

static pthread_key_t quick_key;
static pthread_once_t quick_once = PTHREAD_ONCE_INIT;

static void quick_free(void *p)
{
	deflateEnd(p);
	free(p);
}

static void quick_init(void)
{
	pthread_key_create(&quick_key, quick_free);
}

/* Compresses text as a piece on this thread's stream. */
static int quick_deflate(const void *text, size_t len, struct nd_buf *out)
{
	z_stream *strm;

	pthread_once(&quick_once, quick_init);
	strm = pthread_getspecific(quick_key);
	if (strm) {
		deflateReset(strm);
	} else {
		/* A 4 KB window and small hash: cheap to reset per request,
		 * plenty for a fragment of a few kilobytes. */
		strm = calloc(1, sizeof(*strm));
		if (!strm ||
		    deflateInit2(strm, 1, Z_DEFLATED, -12, 4, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(strm);
			return stored(text, len, out);
		}
		pthread_setspecific(quick_key, strm);
	}
	return deflate_into(strm, text, len, out);
}

/*
 * The pieces made lately, by the text's 128-bit hash: per-request values
 * repeat (the Ranking block is every reader's, a reader's list comes back
 * on a reload), and deflating 2 KB costs about 20 us, more than the rest of
 * an answer. Sets of CACHE_WAYS, the oldest replaced, locked by stripes;
 * each piece its own allocation. Made on first use; freed at exit.
 */
#define CACHE_SETS    2048
#define CACHE_WAYS    4
#define CACHE_STRIPES 64
#define CACHE_MAX     16384 /* longer texts are not kept */

struct cached_piece {
	XXH128_hash_t hash;
	uint32_t crc;
	size_t len, zlen, cap;
	unsigned long long used;
	unsigned char *z;
};

static struct piece_cache {
	pthread_mutex_t locks[CACHE_STRIPES];
	struct cached_piece slots[CACHE_SETS * CACHE_WAYS];
	unsigned long long tick;
} * cache;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void)
{
	for (size_t i = 0; i < CACHE_SETS * CACHE_WAYS; i++)
		free(cache->slots[i].z);
	for (size_t i = 0; i < CACHE_STRIPES; i++)
		pthread_mutex_destroy(&cache->locks[i]);
	free(cache);
}

static void cache_init(void)
{
	cache = nd_xcalloc(1, sizeof(*cache));
	for (size_t i = 0; i < CACHE_STRIPES; i++)
		pthread_mutex_init(&cache->locks[i], NULL);
	atexit(cache_free);
}

static bool same_text(const struct cached_piece *c, XXH128_hash_t h, size_t len)
{
	return c->z && c->len == len && XXH128_isEqual(c->hash, h);
}

int nd_gzip_piece_quick(const void *text, size_t len, struct nd_buf *out, uint32_t *crc)
{
	XXH128_hash_t h;
	struct cached_piece *set, *c = NULL;
	pthread_mutex_t *lock;
	size_t start = out->len;
	int rc;

	if (len < STORED_BELOW || len > CACHE_MAX) {
		*crc = nd_gzip_crc(0, text, len);
		return len < STORED_BELOW ? stored(text, len, out) : quick_deflate(text, len, out);
	}
	pthread_once(&cache_once, cache_init);
	h = XXH3_128bits(text, len);
	set = &cache->slots[(h.low64 % CACHE_SETS) * CACHE_WAYS];
	lock = &cache->locks[h.low64 % CACHE_SETS % CACHE_STRIPES];
	pthread_mutex_lock(lock);
	for (size_t w = 0; w < CACHE_WAYS; w++)
		if (same_text(&set[w], h, len)) {
			set[w].used = ++cache->tick;
			*crc = set[w].crc;
			nd_buf_add(out, set[w].z, set[w].zlen);
			pthread_mutex_unlock(lock);
			return nd_buf_err(out) ? ND_EIO : 0;
		}
	pthread_mutex_unlock(lock);
	if ((rc = quick_deflate(text, len, out)))
		return rc;
	*crc = nd_gzip_crc(0, text, len);
	pthread_mutex_lock(lock);
	for (size_t w = 0; w < CACHE_WAYS; w++) /* the oldest (or an empty) way */
		if (!c || set[w].used < c->used)
			c = &set[w];
	if (c->cap < out->len - start) {
		c->cap = out->len - start;
		c->z = nd_xrealloc(c->z, c->cap);
	}
	c->hash = h;
	c->crc = *crc;
	c->len = len;
	c->zlen = out->len - start;
	c->used = ++cache->tick;
	memcpy(c->z, out->buf + start, c->zlen);
	pthread_mutex_unlock(lock);
	return 0;
}

uint32_t nd_gzip_crc(uint32_t crc, const void *text, size_t len)
{
	const unsigned char *p = text;

	while (len) { /* zlib takes uInt lengths */
		uInt n = len > (1u << 30) ? 1u << 30 : (uInt)len;

		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

uint32_t nd_gzip_crc_combine(uint32_t crc_a, uint32_t crc_b, size_t len_b)
{
	return (uint32_t)crc32_combine(crc_a, crc_b, (z_off_t)len_b);
}

void nd_gzip_trailer(uint32_t crc, uint64_t len, unsigned char out[ND_GZIP_TRAILER_LEN])
{
	/* An empty final block with fixed codes: BFINAL 1, BTYPE 01, code 256. */
	out[0] = 0x03;
	out[1] = 0x00;
	for (int i = 0; i < 4; i++) {
		out[2 + i] = (unsigned char)(crc >> (8 * i));
		out[6 + i] = (unsigned char)(len >> (8 * i)); /* ISIZE: len mod 2^32 */
	}
}

int nd_gunzip(const void *data, size_t len, struct nd_buf *out)
{
	z_stream strm;
	int rc;

	memset(&strm, 0, sizeof(strm));
	if (inflateInit2(&strm, 16 + 15) != Z_OK) /* gzip wrapper only */
		return ND_EIO;
	strm.next_in = (Bytef *)(uintptr_t)data;
	strm.avail_in = (uInt)len;
	do {
		unsigned char chunk[16384];

		strm.next_out = chunk;
		strm.avail_out = sizeof(chunk);
		rc = inflate(&strm, Z_NO_FLUSH);
		nd_buf_add(out, chunk, sizeof(chunk) - strm.avail_out);
	} while (rc == Z_OK && !nd_buf_err(out));
	inflateEnd(&strm);
	if (nd_buf_err(out))
		return ND_ETOOBIG;
	return rc == Z_STREAM_END && strm.avail_in == 0 ? 0 : ND_EINVAL;
}
