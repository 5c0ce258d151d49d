/*
 * libFuzzer target: the Accept-Encoding header (encode/coding.h
 * nd_coding_accepted), and the gzip pieces (encode/gzip.h) of the same
 * bytes cut in three, which must stitch into a stream that decodes to
 * them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode/coding.h"
#include "encode/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	enum nd_coding best;
	unsigned ok;
	struct nd_buf gz = ND_BUF_INIT, out = ND_BUF_INIT;
	unsigned char tail[ND_GZIP_TRAILER_LEN];
	size_t cut1 = size / 3, cut2 = size - size / 4;
	uint32_t crc, qcrc;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	ok = nd_coding_accepted(text, ND_CODING_BIT(ND_CODING_GZIP) | ND_CODING_BIT(ND_CODING_BR),
	                        &best);
	/* The preferred coding is an allowed one, or identity when none is. */
	if (ok >> ND_CODING_COUNT || (ok && !(ok & ND_CODING_BIT(best))) ||
	    (!ok && best != ND_CODING_IDENTITY))
		abort();
	nd_buf_add(&gz, nd_gzip_header, ND_GZIP_HEADER_LEN);
	if (nd_gzip_piece(data, cut1, 9, &gz) ||
	    nd_gzip_piece_quick(data + cut1, cut2 - cut1, &gz, &qcrc) ||
	    nd_gzip_piece(data + cut2, size - cut2, 1, &gz))
		abort();
	if (qcrc != nd_gzip_crc(0, data + cut1, cut2 - cut1))
		abort();
	crc = nd_gzip_crc(0, data, cut1);
	crc = nd_gzip_crc_combine(crc, nd_gzip_crc(0, data + cut1, cut2 - cut1), cut2 - cut1);
	crc = nd_gzip_crc_combine(crc, nd_gzip_crc(0, data + cut2, size - cut2), size - cut2);
	nd_gzip_trailer(crc, size, tail);
	nd_buf_add(&gz, tail, sizeof(tail));
	if (nd_gunzip(gz.buf, gz.len, &out) || out.len != size || memcmp(out.buf, data, size))
		abort();
	nd_buf_release(&gz);
	nd_buf_release(&out);
	free(text);
	return 0;
}
