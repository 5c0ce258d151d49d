/*
 * libFuzzer target: feed XML (wire/parse.h): RSS, RDF and Atom documents
 * from the network, with a feed URL as the base for relative links.
 */
#include <stdint.h>
#include <stdlib.h>

#include "wire/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_wire_feed feed;
	struct nd_buf why;

	nd_buf_init(&why, 4096);
	if (nd_wire_parse((const char *)data, size, "https://example.org/feed/", NULL, &feed,
	                  &why) == 0)
		nd_wire_feed_release(&feed);
	else if (why.len == 0)
		abort(); /* a refused feed always says why */
	nd_buf_release(&why);
	return 0;
}
