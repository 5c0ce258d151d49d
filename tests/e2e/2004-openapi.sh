#!/usr/bin/env bash
# GET /api/openapi.json describes the whole JSON API: it is OpenAPI 3, every
# /api route of route/routes.def is in it (a new route without its
# description fails here), its references resolve, and what it says about
# an answer holds for the real one.
. "$(dirname "$0")/lib/common.sh"

ROUTES=$(dirname "$0")/../../src/route/routes.def

demo_site
check "demo site created" test $? -eq 0
start_server || exit 1

fetch /api/openapi.json
expect_status 200 "the description"
expect_header Content-Type '^application/json' "the description"
cp "$TMP/body" "$TMP/openapi.json"
check "it parses" jq -e . "$TMP/openapi.json"
check "OpenAPI 3" test "$(jq -r '.openapi | startswith("3.")' "$TMP/openapi.json")" = true

# Each /api route pattern: a documented path matches it ('*' stands for
# the rest of the path, {id} for one segment).
documented=$(jq -r '.paths | keys[]' "$TMP/openapi.json")
# (Not a pipe: check counts in this shell, not in a subshell.)
while read -r method pattern; do
	lower=$(printf '%s' "$method" | tr 'A-Z' 'a-z')
	re="^$(printf '%s' "$pattern" | sed 's/[.]/\\./g; s/[*]$/.+/; s/[*]/[^\/]+/g')\$"
	hit=0
	for p in $documented; do
		real=$(printf '%s' "$p" | sed 's/{[^}]*}/x/g')
		if printf '%s' "$real" | grep -qE "$re" &&
			[ "$(jq -r --arg p "$p" --arg m "$lower" '.paths[$p][$m] != null' "$TMP/openapi.json")" = true ]; then
			hit=1
		fi
	done
	check "$method $pattern is described" test $hit -eq 1
done < <(grep -o 'ND_ROUTE("[A-Z]*", "/api[^"]*"' "$ROUTES" |
	sed 's/ND_ROUTE("\([A-Z]*\)", "\(.*\)"/\1 \2/')

# Every $ref points at something.
for ref in $(jq -r '.. | objects | .["$ref"]? // empty' "$TMP/openapi.json" | sort -u); do
	path=$(printf '%s' "${ref#\#/}" | sed 's|/|"."|g')
	check "\$ref $ref resolves" test "$(jq -r ".\"$path\" != null" "$TMP/openapi.json")" = true
done

# The described shapes hold: the required keys of an article page.
fetch '/api/articles?limit=2'
for k in $(jq -r '.components.schemas.ArticlePage.required[]' "$TMP/openapi.json"); do
	check "/api/articles has '$k'" test "$(jq -r --arg k "$k" 'has($k)' "$TMP/body")" = true
done
for k in $(jq -r '.components.schemas.Article.required[]' "$TMP/openapi.json"); do
	check "an article has '$k'" test "$(jq -r --arg k "$k" '.items[0] | has($k)' "$TMP/body")" = true
done
fetch /api/recommendations
for k in $(jq -r '.components.schemas.Recommendations.required[]' "$TMP/openapi.json"); do
	check "/api/recommendations has '$k'" test "$(jq -r --arg k "$k" 'has($k)' "$TMP/body")" = true
done

# A validator: the same bytes, 304 when the client has them.
fetch /api/openapi.json
etag=$(header ETag)
check "it has an ETag" test -n "$etag"
fetch /api/openapi.json -H "If-None-Match: $etag"
expect_status 304 "the client's copy is current"

finish
