/*
 * What opening a store costs on PostgreSQL (docs/internals/pg-pool.md): the
 * server opens one per admin request, webhook delivery, engage or reading
 * call. Times, on the database URL given, the first open of the process
 * (connect, set up, check the schema), then N rounds of what a request
 * does: open, read the generation, close. Uses only store.h, so the same
 * file measures a build without the pool. bench/pg-open runs it.
 *	nd_bench_pg_open URL [N]
 */
#define BENCH_NAME "nd_bench_pg_open"

#include <stdlib.h>

#include "bench.h"
#include "core/err.h"
#include "store/store.h"

/* Opens url, reads the generation, closes: a request's use of the store. */
static void one(const char *url)
{
	struct nd_store *s;
	int64_t g;
	int rc;

	if ((rc = nd_store_open(url, &s)) != 0)
		fail("cannot open %s: %s", url, nd_strerror(rc));
	if ((rc = nd_store_generation(s, &g)) != 0)
		fail("cannot read the generation: %s", nd_strerror(rc));
	nd_store_close(s);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 500;
	double t0, first, each;

	if (argc < 2 || n < 1)
		fail("usage: nd_bench_pg_open URL [N]");
	t0 = now_s();
	one(argv[1]);
	first = now_s() - t0;
	t0 = now_s();
	for (int i = 0; i < n; i++)
		one(argv[1]);
	each = (now_s() - t0) / n;
	printf("first open + read + close   %8.3f ms\n", first * 1e3);
	printf("then each (%d rounds)      %8.3f ms  (%.0f per second)\n", n, each * 1e3, 1 / each);
	return 0;
}
