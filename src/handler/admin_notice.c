/*
 * Small helpers of the admin's people and taxonomy pages (admin_users.c,
 * admin_tokens.c, admin_taxonomy.c): the notice a POST-redirect-GET
 * shows, route parameters and times as the pages show them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "handler/admin_int.h"
#include "render/escape.h"

int nd__admin_done(struct nd_http_request *req, struct nd_http_response *res, const char *path,
                   const char *code, const char *subject)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, path);
	nd_buf_adds(&b, "?done=");
	nd_buf_adds(&b, code);
	if (subject) {
		nd_buf_adds(&b, "&name=");
		nd_escape_url(&b, subject, strlen(subject));
	}
	nd_http_add_header(res, "Location", nd_arena_strndup(req->arena, b.buf, b.len));
	nd_buf_release(&b);
	return 303;
}

const char *nd__admin_notice(struct nd_http_request *req, const struct nd_admin_notice *table,
                             size_t n)
{
	const char *code = nd_http_query(req, "done"), *name = nd_http_query(req, "name");

	if (!code)
		return NULL;
	/* Shown as text: only if it is text, and not a whole page of it. */
	if (!name || strlen(name) > 256 || !nd_utf8_valid(name, strlen(name), NULL))
		name = "";
	for (size_t i = 0; i < n; i++)
		if (!strcmp(code, table[i].code))
			return nd_arena_printf(req->arena, table[i].format, name);
	return NULL;
}

const char *nd__admin_param(struct nd_http_request *req, const struct nd_route_match *m, size_t i)
{
	if (i >= m->count)
		return "";
	return nd_arena_strndup(req->arena, m->params[i].p, m->params[i].len);
}

/* s as an id: 1 to 18 digits, else 0. */
static int64_t parse_id(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return 0;
	v = strtoll(s, &end, 10);
	return v > 0 ? (int64_t)v : 0;
}

int64_t nd__admin_param_id(struct nd_http_request *req, const struct nd_route_match *m, size_t i)
{
	return parse_id(nd__admin_param(req, m, i));
}

int64_t nd__admin_field_id(struct nd_http_request *req, const char *name)
{
	return parse_id(nd__admin_field(req, name));
}

const char *nd__admin_strftime(struct nd_http_request *req, int64_t t, const char *fmt)
{
	time_t tt = (time_t)t;
	char out[64];
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, sizeof(out), fmt, &tm))
		return "";
	return nd_arena_strdup(req->arena, out);
}

const char *nd__admin_time(struct nd_http_request *req, int64_t t, const char *never)
{
	const char *human = t > 0 ? nd__admin_strftime(req, t, "%e %B %Y, %H:%M UTC") : "";

	if (!*human)
		return never;
	return human[0] == ' ' ? human + 1 : human;
}
