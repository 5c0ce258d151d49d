#pragma once
/*
 * Route patterns. The route table itself is routes.def (one line per
 * route), expanded by the handler layer; this module only matches.
 *
 * A pattern is a path where a segment ":name" matches one non-empty path
 * segment (no '/') and a final "*" matches the non-empty rest of the path.
 * Everything else matches literally. Examples: "/", "/tag/:slug",
 * "/api/articles/:id", and "/static/" followed by a star.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/str.h"

#define ND_ROUTE_MAX_PARAMS 4

struct nd_route_match {
	struct nd_str params[ND_ROUTE_MAX_PARAMS]; /* slices of the path, in order */
	size_t count;
};

/* Whether path[0..len) matches pattern; on a match m holds the captured
 * segments (borrowed from path). */
bool nd_route_match(const char *pattern, const char *path, size_t len, struct nd_route_match *m);
