/*
 * libFuzzer target: what readers type into the search box
 * (index/query.h nd_query_parse), with the English analyser (stemmer and
 * stop words) the default site uses.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "index/analyze.h"
#include "index/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_analyzer *an;
	struct nd_parsed_query q;
	struct nd_arena *a;
	struct nd_buf why;

	if (!an)
		an = nd_analyzer_new("en");
	a = nd_arena_new(4096);
	if (!an || !a)
		abort();
	nd_buf_init(&why, 4096);
	if (nd_query_parse(an, (const char *)data, size, a, &q, &why) != 0 && why.len == 0)
		abort(); /* a refused query always says why */
	nd_buf_release(&why);
	nd_arena_free(a);
	return 0;
}
