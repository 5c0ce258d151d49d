/*
 * libFuzzer target: one import line (ingest/jsonl.h nd_jsonl_parse_line),
 * the same validation the write API runs on a request body (its JSON is
 * loaded by nd_jsonl_load, then checked by nd_jsonl_parse_object).
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "ingest/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_arena *a = nd_arena_new(4096);
	struct nd_article_in art;
	struct nd_buf why;

	if (!a)
		return 0;
	nd_buf_init(&why, 4096);
	if (nd_jsonl_parse_line((const char *)data, size, a, &art, &why) != 0 && why.len == 0)
		abort(); /* a refused line always says why */
	nd_buf_release(&why);
	nd_arena_free(a);
	return 0;
}
