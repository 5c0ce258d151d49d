/*
 * libFuzzer target: URL routing. Matches the input, as a request path,
 * against every pattern of the real route table (route/routes.def) and
 * checks that each captured parameter is a non-empty slice of the path.
 */
#include <stdint.h>
#include <stdlib.h>

#include "route/route.h"

static const char *const patterns[] = {
#define ND_ROUTE(method, pattern, name, cache, args) pattern,
#include "route/routes.def"
#undef ND_ROUTE
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = (const char *)data;

	for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
		struct nd_route_match m = {0};
		if (!nd_route_match(patterns[i], path, size, &m))
			continue;
		if (m.count > ND_ROUTE_MAX_PARAMS)
			abort();
		for (size_t j = 0; j < m.count; j++) {
			const struct nd_str *p = &m.params[j];
			if (p->len == 0 || p->p < path || p->p + p->len > path + size)
				abort();
		}
	}
	return 0;
}
