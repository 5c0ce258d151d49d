/*
 * The write API (docs/internals/api-write.md): articles created, replaced,
 * merged and deleted by scripts holding a token, and their revisions.
 *
 *	POST   /api/articles                           create (201, Location)
 *	PUT    /api/articles/{id}                      replace, or create (201)
 *	PATCH  /api/articles/{id}                      change the fields given
 *	DELETE /api/articles/{id}                      delete (204)
 *	GET    /api/articles/{id}/revisions            list, newest first
 *	GET    /api/articles/{id}/revisions/{n}        one revision
 *	POST   /api/articles/{id}/revisions/{n}/restore  save it again
 *
 * Every request needs "Authorization: Bearer nd_..." (admin/token.h); a
 * cookie counts for nothing here, so there is no CSRF to check. A body is
 * the JSON object of one import line, validated by the import's own
 * function (ingest/jsonl.h) with its messages. The same paths under
 * /api/articles/{id}/reactions stay the readers' reactions (reaction.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin/role.h"
#include "admin/token.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "ingest/jsonl.h"
#include "render/escape.h"
#include "webhook/webhook.h"

/* Makes the answer never stored, by the page cache or anyone else. */
static void no_store(struct nd_http_response *res)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, "Cache-Control"))
			res->headers[i].value = "no-store";
}

static int send(struct nd_http_request *req, struct nd_http_response *res, json_t *doc, int status)
{
	status = nd__send_json(req, res, doc, status);
	no_store(res);
	return status;
}

static int error(struct nd_http_request *req, struct nd_http_response *res, int status,
                 const char *message)
{
	status = nd__api_error(req, res, status, message);
	no_store(res);
	return status;
}

/*
 * The token's user into *u and a store handle into *s: 0, or an HTTP
 * status with the answer set (401 with WWW-Authenticate, 503).
 */
static int auth(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                struct nd_token_user *u, struct nd_store **s)
{
	const char *h = nd_http_header(req, "Authorization");
	int rc;

	if (!h || strncasecmp(h, "Bearer ", 7)) {
		nd_http_add_header(res, "WWW-Authenticate", "Bearer realm=\"newsdesk\"");
		return error(req, res, 401,
		             "this needs an API token: send 'Authorization: Bearer <token>' "
		             "(newsdesk token add)");
	}
	h += 7;
	while (*h == ' ')
		h++;
	if (nd__admin_store(app, req, s))
		return error(req, res, 503, "the store cannot be opened; try again");
	rc = nd_token_check(*s, h, (int64_t)time(NULL), u);
	if (rc == ND_ENOTFOUND) {
		nd_http_add_header(res, "WWW-Authenticate",
		                   "Bearer realm=\"newsdesk\", error=\"invalid_token\"");
		return error(req, res, 401,
		             "the token is not valid: unknown, revoked, or its user is disabled");
	}
	if (rc)
		return error(req, res, 503, "the store failed; try again");
	return 0;
}

/* permitted for the API: 0, or 403 with the answer set. */
static int permitted(struct nd_http_request *req, struct nd_http_response *res,
                     const struct nd_token_user *u, const struct nd_article_state *cur,
                     enum nd_article_status status)
{
	const char *why = nd__article_refusal(req, u->role, u->user_id, cur, status);

	return why ? error(req, res, 403, why) : 0;
}

static int list_cb(void *ctx, const struct nd_revision_rec *r)
{
	json_array_append_new(ctx, nd__revision_json(r, false));
	return 0;
}

static int full_cb(void *ctx, const struct nd_revision_rec *r)
{
	*(json_t **)ctx = nd__revision_json(r, true);
	return 0;
}

/* The status an ingest error gets: 400 for text that is not JSON, else 422. */
static int invalid(struct nd_http_request *req, struct nd_http_response *res, int rc,
                   const struct nd_buf *why)
{
	return error(req, res, rc == ND_ESYNTAX ? 400 : 422,
	             nd_arena_strndup(req->arena, why->buf, why->len));
}

enum mode { CREATE, REPLACE, MERGE };

/*
 * Saves the body of req as the article id (NULL: the body's, for CREATE)
 * for u. MERGE applies the body's fields to the stored article (a null
 * field is removed, as in JSON Merge Patch, so it takes its default).
 */
static int save(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                const char *id, enum mode mode)
{
	struct nd_token_user u;
	struct nd_store *s;
	struct nd_buf why = ND_BUF_INIT;
	struct nd_article_in art;
	struct nd_article_state cur;
	json_t *body = NULL, *doc = NULL, *given;
	bool created = false;
	int status, rc;

	if ((status = auth(app, req, res, &u, &s)) != 0)
		return status;
	if (!nd_http_content_type_is(req, "application/json"))
		return error(req, res, 415,
		             "send the article as JSON (Content-Type: application/json)");
	if ((rc = nd_jsonl_load(req->body ? req->body : "", req->body_len, &body, &why)) != 0) {
		status = invalid(req, res, rc, &why);
		goto out;
	}
	given = json_object_get(body, "id");
	if (id && given && !json_is_null(given) &&
	    (!json_is_string(given) || strcmp(json_string_value(given), id))) {
		status =
		    error(req, res, 422,
		          nd_arena_printf(req->arena,
		                          "field 'id' must be the id in the address, '%s'", id));
		goto out;
	}
	if (id)
		json_object_set_new(body, "id", json_string(id));
	if (mode == MERGE) {
		const char *key;
		json_t *v;

		if ((rc = nd__article_state(s, id, &cur)) != 0) {
			status = error(req, res, 503, "the store failed; try again");
			goto out;
		}
		if (!cur.exists) {
			status = error(req, res, 404,
			               nd_arena_printf(req->arena, "no article with id '%s'", id));
			goto out;
		}
		if (!(doc = nd__article_doc(s, id))) {
			status = error(req, res, 503, "the store failed; try again");
			goto out;
		}
		json_object_del(doc, "updated_at");
		json_object_foreach(body, key, v)
		{
			if (json_is_null(v))
				json_object_del(doc, key);
			else
				json_object_set(doc, key, v);
		}
		json_decref(body);
		body = doc;
		doc = NULL;
	}
	if ((rc = nd_jsonl_parse_object(body, req->arena, &art, &why)) != 0) {
		status = invalid(req, res, rc, &why);
		goto out;
	}
	if (mode != MERGE && (rc = nd__article_state(s, art.ext_id, &cur)) != 0) {
		status = error(req, res, 503, "the store failed; try again");
		goto out;
	}
	if (mode == CREATE && cur.exists) {
		status = error(req, res, 409,
		               nd_arena_printf(req->arena,
		                               "there is already an article with id '%s': PUT or "
		                               "PATCH /api/articles/{id} changes it",
		                               art.ext_id));
		goto out;
	}
	if ((status = permitted(req, res, &u, &cur, art.status)) != 0)
		goto out;
	art.user_id = u.user_id;
	rc = nd_store_article_put(s, &art, &created);
	if (rc == ND_EINVAL || rc == ND_ETOOBIG) {
		status = error(req, res, 422, "the store refused the article (see the server log)");
		goto out;
	}
	if (rc || !(doc = nd__article_doc(s, art.ext_id))) {
		status = error(req, res, 503, "the article could not be saved; try again");
		goto out;
	}
	nd_log(ND_LOG_INFO, "api: %s '%s' %s article '%s'", nd_role_name(u.role), u.login,
	       created ? "created" : "saved", art.ext_id);
	nd__article_notify(app, nd__article_saved_event(s, art.ext_id, &cur), art.ext_id, doc);
	if (created) {
		struct nd_buf loc = ND_BUF_INIT;

		nd_buf_adds(&loc, "/api/articles/");
		nd_escape_url(&loc, art.ext_id, strlen(art.ext_id));
		nd_http_add_header(res, "Location", nd_arena_strndup(req->arena, loc.buf, loc.len));
		nd_buf_release(&loc);
	}
	status = send(req, res, doc, created ? 201 : 200);
	doc = NULL;
out:
	json_decref(body);
	json_decref(doc);
	nd_buf_release(&why);
	return status;
}

ND_HANDLER(api_article_create)
{
	(void)site;
	(void)m;
	return save(app, req, res, NULL, CREATE);
}

/* The {id} of "/api/articles/{id}", from req's arena. */
static char *rest_id(struct nd_http_request *req, const struct nd_route_match *m, size_t cut)
{
	return nd_arena_strndup(req->arena, m->params[0].p, m->params[0].len - cut);
}

ND_HANDLER(api_article_put)
{
	(void)site;
	return save(app, req, res, rest_id(req, m, 0), REPLACE);
}

ND_HANDLER(api_article_patch)
{
	(void)site;
	return save(app, req, res, rest_id(req, m, 0), MERGE);
}

bool nd__revision_path(struct nd_http_request *req, const struct nd_str *rest, bool restore,
                       char **id, int64_t *n)
{
	const char *p = rest->p;
	size_t len = rest->len, k;

	*n = 0;
	if (restore) {
		if (len <= 8 || memcmp(p + len - 8, "/restore", 8))
			return false;
		len -= 8;
	}
	k = len;
	while (k > 0 && p[k - 1] >= '0' && p[k - 1] <= '9')
		k--;
	if (k < len && k > 0 && p[k - 1] == '/' && len - k <= 9 && p[k] != '0') {
		*n = strtoll(nd_arena_strndup(req->arena, p + k, len - k), NULL, 10);
		len = k - 1;
	} else if (restore) {
		return false;
	}
	if (len <= 10 || memcmp(p + len - 10, "/revisions", 10))
		return false;
	*id = nd_arena_strndup(req->arena, p, len - 10);
	return true;
}

bool nd__api_revision_path(struct nd_http_request *req, const struct nd_route_match *m)
{
	char *id;
	int64_t n;

	return nd__revision_path(req, &m->params[0], false, &id, &n);
}

/* The checks before reading or restoring the history of id: 0 or a status. */
static int history_access(struct nd_http_request *req, struct nd_http_response *res,
                          struct nd_store *s, const struct nd_token_user *u, const char *id,
                          struct nd_article_state *cur)
{
	if (nd__article_state(s, id, cur))
		return error(req, res, 503, "the store failed; try again");
	if (!cur->exists)
		return error(req, res, 404,
		             nd_arena_printf(req->arena, "no article with id '%s'", id));
	if (cur->owner != u->user_id && !nd_role_may(u->role, ND_ACT_EDIT_ANY))
		return error(req, res, 403,
		             nd_arena_printf(req->arena,
		                             "the role %s may see the history of its own articles "
		                             "only",
		                             nd_role_name(u->role)));
	return 0;
}

int nd__api_revisions(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_route_match *m)
{
	struct nd_token_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	char *id;
	int64_t n;
	int status, rc;

	nd__revision_path(req, &m->params[0], false, &id, &n);
	if ((status = auth(app, req, res, &u, &s)) != 0 ||
	    (status = history_access(req, res, s, &u, id, &cur)) != 0)
		return status;
	if (!n) {
		json_t *items = json_array();

		if (nd_store_each_revision(s, id, list_cb, items)) {
			json_decref(items);
			return error(req, res, 503, "the store failed; try again");
		}
		return send(req, res,
		            json_pack("{s:s, s:I, s:o}", "id", id, "total",
		                      (json_int_t)json_array_size(items), "items", items),
		            200);
	}
	{
		json_t *doc = NULL;

		rc = nd_store_revision_get(s, id, n, full_cb, &doc);
		if (rc == ND_ENOTFOUND)
			return error(req, res, 404,
			             nd_arena_printf(req->arena,
			                             "article '%s' has no revision %lld", id,
			                             (long long)n));
		if (rc)
			return error(req, res, 503, "the store failed; try again");
		return send(req, res, doc, 200);
	}
}

static int status_cb(void *ctx, const struct nd_revision_rec *r)
{
	*(enum nd_article_status *)ctx = r->status;
	return 0;
}

static int restore(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                   const char *id, int64_t n)
{
	enum nd_article_status st = ND_STATUS_PUBLISHED;
	struct nd_token_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	json_t *doc;
	int status, rc;

	if ((status = auth(app, req, res, &u, &s)) != 0 ||
	    (status = history_access(req, res, s, &u, id, &cur)) != 0)
		return status;
	rc = nd_store_revision_get(s, id, n, status_cb, &st);
	if (rc == ND_ENOTFOUND)
		return error(req, res, 404,
		             nd_arena_printf(req->arena, "article '%s' has no revision %lld", id,
		                             (long long)n));
	if (rc)
		return error(req, res, 503, "the store failed; try again");
	if ((status = permitted(req, res, &u, &cur, st)) != 0)
		return status;
	if (nd_store_revision_restore(s, id, n, u.user_id) || !(doc = nd__article_doc(s, id)))
		return error(req, res, 503, "the revision could not be restored; try again");
	nd_log(ND_LOG_INFO, "api: %s '%s' restored revision %lld of '%s'", nd_role_name(u.role),
	       u.login, (long long)n, id);
	nd__article_notify(app, nd__article_saved_event(s, id, &cur), id, doc);
	return send(req, res, doc, 200);
}

/* POST /api/articles/{id}/reactions (readers) or .../revisions/{n}/restore. */
ND_HANDLER(api_article_post)
{
	char *id;
	int64_t n;

	if (nd__revision_path(req, &m->params[0], true, &id, &n))
		return restore(app, req, res, id, n);
	if (m->params[0].len > 10 &&
	    !memcmp(m->params[0].p + m->params[0].len - 10, "/reactions", 10))
		return nd_handle_api_reaction(app, site, req, res, m);
	nd_http_add_header(res, "Allow", "GET, HEAD, PUT, PATCH, DELETE");
	return error(req, res, 405,
	             "an article is created with POST /api/articles, changed with PUT or PATCH");
}

ND_HANDLER(api_article_delete)
{
	size_t len = m->params[0].len;
	struct nd_token_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	char *id;
	int status, rc;

	/* ?type= or a body: a reader takes a reaction back. */
	if (len > 10 && !memcmp(m->params[0].p + len - 10, "/reactions", 10))
		return nd_handle_api_reaction(app, site, req, res, m);
	id = rest_id(req, m, 0);
	if ((status = auth(app, req, res, &u, &s)) != 0)
		return status;
	if (nd__article_state(s, id, &cur))
		return error(req, res, 503, "the store failed; try again");
	if (!cur.exists)
		return error(req, res, 404,
		             nd_arena_printf(req->arena, "no article with id '%s'", id));
	if ((status = permitted(req, res, &u, &cur, ND_STATUS_DRAFT)) != 0)
		return status;
	rc = nd__article_delete(app, s, id, &cur);
	if (rc == ND_ENOTFOUND)
		return error(req, res, 404,
		             nd_arena_printf(req->arena, "no article with id '%s'", id));
	if (rc)
		return error(req, res, 503, "the article could not be deleted; try again");
	nd_log(ND_LOG_INFO, "api: %s '%s' deleted article '%s'", nd_role_name(u.role), u.login, id);
	nd_http_add_header(res, "Cache-Control", "no-store");
	return 204;
}
