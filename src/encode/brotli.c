#include "encode/brotli.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdint.h>

#include "core/err.h"

int nd_brotli(const void *text, size_t len, int quality, struct nd_buf *out)
{
	size_t max = BrotliEncoderMaxCompressedSize(len), n;

	if (!max || nd_buf_grow(out, max))
		return ND_EIO;
	n = max;
	if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len, text, &n,
	                           (uint8_t *)out->buf + out->len))
		return ND_EIO;
	out->len += n;
	out->buf[out->len] = '\0';
	return 0;
}

int nd_unbrotli(const void *data, size_t len, struct nd_buf *out)
{
	BrotliDecoderState *d = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	const uint8_t *in = data;
	size_t avail_in = len;
	BrotliDecoderResult r;

	if (!d)
		return ND_EIO;
	do {
		uint8_t chunk[16384], *next = chunk;
		size_t avail_out = sizeof(chunk);

		r = BrotliDecoderDecompressStream(d, &avail_in, &in, &avail_out, &next, NULL);
		nd_buf_add(out, chunk, sizeof(chunk) - avail_out);
	} while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT && !nd_buf_err(out));
	BrotliDecoderDestroyInstance(d);
	if (nd_buf_err(out))
		return ND_ETOOBIG;
	return r == BROTLI_DECODER_RESULT_SUCCESS && !avail_in ? 0 : ND_EINVAL;
}
