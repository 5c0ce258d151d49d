#include "route/route.h"

bool nd_route_match(const char *pattern, const char *path, size_t len, struct nd_route_match *m)
{
	const char *p = pattern;
	size_t i = 0;

	m->count = 0;
	while (*p) {
		if (*p == '*' && !p[1]) {
			if (i >= len || m->count == ND_ROUTE_MAX_PARAMS)
				return false;
			m->params[m->count++] = (struct nd_str){path + i, len - i};
			return true;
		}
		if (*p == ':' && i > 0 && path[i - 1] == '/') {
			size_t start = i;

			while (*p && *p != '/')
				p++;
			while (i < len && path[i] != '/')
				i++;
			if (i == start || m->count == ND_ROUTE_MAX_PARAMS)
				return false;
			m->params[m->count++] = (struct nd_str){path + start, i - start};
			continue;
		}
		if (i >= len || path[i] != *p)
			return false;
		p++;
		i++;
	}
	return i == len;
}
