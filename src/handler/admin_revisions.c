/*
 * The admin's revisions pages (docs/internals/admin-revisions.md): an
 * article's saved revisions, one of them against the current text, and
 * restoring one. Reached through the editor's "/admin/articles/..." routes
 * (admin_int.h); the rules are the write API's (api_write.c): the history
 * of an article is its owner's and of the roles that edit any article, and
 * a restore is a save like any other (nd__article_refusal, a webhook).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/role.h"
#include "core/arena.h"
#include "core/diff.h"
#include "core/err.h"
#include "core/log.h"
#include "handler/admin_int.h"
#include "render/escape.h"

/* Unchanged lines shown around each change of the body. */
#define CONTEXT 3

/* The fields compared one by one (the body gets a line diff). */
static const struct {
	const char *key, *label;
} fields[] = {
    {"title", "Title"},
    {"summary", "Summary"},
    {"slug", "Slug"},
    {"status", "Status"},
    {"section", "Section"},
    {"author", "Author"},
    {"tags", "Tags"},
    {"language", "Language"},
    {"image", "Image"},
    {"source_url", "Source URL"},
    {"published_at", "Published at"},
    {"updated_at", "Updated at"},
};

/* --- The body's diff --- */

struct rows {
	json_t *all; /* every line, in order */
	size_t old_no, new_no;
};

static void row_cb(void *ctx, enum nd_diff_op op, const char *line, size_t len)
{
	struct rows *r = ctx;
	json_t *row = json_object(), *text;
	char mark[2] = {(char)op, '\0'};

	json_object_set_new(row, "op",
	                    json_string(op == ND_DIFF_SAME  ? "same"
	                                : op == ND_DIFF_DEL ? "del"
	                                                    : "add"));
	json_object_set_new(row, "mark", json_string(mark));
	if (op != ND_DIFF_ADD)
		json_object_set_new(row, "old", json_integer((json_int_t)++r->old_no));
	if (op != ND_DIFF_DEL)
		json_object_set_new(row, "new", json_integer((json_int_t)++r->new_no));
	text = json_stringn(line, len);
	/* Invalid UTF-8 cannot come from the store; an empty line would stand in. */
	json_object_set_new(row, "text", text ? text : json_string(""));
	json_object_set_new(row,
	                    op == ND_DIFF_SAME  ? "same"
	                    : op == ND_DIFF_DEL ? "del"
	                                        : "ins",
	                    json_true());
	json_array_append_new(r->all, row);
}

static bool is_same(json_t *row)
{
	return !strcmp(json_string_value(json_object_get(row, "op")), "same");
}

json_t *nd__admin_diff_rows(const char *a, const char *b, size_t context)
{
	struct rows r = {json_array(), 0, 0};
	json_t *out = json_array();
	size_t n, i, gap = 0;
	bool *show;

	nd_diff_lines(a, strlen(a), b, strlen(b), row_cb, &r);
	n = json_array_size(r.all);
	/* Shown: every change and the context lines on either side of it. */
	show = calloc(n ? n : 1, sizeof(*show));
	for (i = 0; i < n; i++) {
		if (is_same(json_array_get(r.all, i)))
			continue;
		for (size_t k = i > context ? i - context : 0; k <= i + context && k < n; k++)
			show[k] = true;
	}
	for (i = 0; i < n; i++) {
		if (!show[i]) {
			gap++;
			continue;
		}
		if (gap)
			json_array_append_new(out, json_pack("{s:I}", "gap", (json_int_t)gap));
		gap = 0;
		json_array_append(out, json_array_get(r.all, i));
	}
	/* A trailing cut is only shown when something was shown before it. */
	if (gap && json_array_size(out))
		json_array_append_new(out, json_pack("{s:I}", "gap", (json_int_t)gap));
	free(show);
	json_decref(r.all);
	return out;
}

/* --- Shared parts of the pages --- */

bool nd__admin_revision_path(struct nd_http_request *req, const struct nd_route_match *m,
                             bool restore)
{
	char *id;
	int64_t n;

	return nd__revision_path(req, &m->params[0], restore, &id, &n);
}

static int message(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                   int status, const char *title, const char *text)
{
	return nd__admin_render(
	    app, req, res, "message",
	    json_pack("{s:s, s:s, s:b}", "title", title, "message", text, "narrow", 1), status);
}

static int not_found(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const char *text)
{
	return message(app, req, res, 404, "Not found", text);
}

static int store_failed(struct nd_app *app, struct nd_http_request *req,
                        struct nd_http_response *res)
{
	return message(app, req, res, 503, "Try again",
	               "The store could not be read or written just now. Try again.");
}

/* "/admin/articles/<id, escaped>" from req's arena. */
static const char *article_url(struct nd_http_request *req, const char *id)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *url;

	nd_buf_adds(&b, "/admin/articles/");
	nd_escape_url(&b, id, strlen(id));
	url = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return url;
}

/*
 * The start of every revisions page: session, the article (404), the
 * right to its history (403, as the write API's history_access). 0 with
 * *u, *s, *cur set, or the status of an answer ready to send.
 */
static int begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                 const char *id, bool post, struct nd_admin_user *u, struct nd_store **s,
                 struct nd_article_state *cur)
{
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, u)) != 0 ||
	    (post && (status = nd__admin_check_post(app, req, res, u)) != 0))
		return status;
	if (nd__admin_store(app, req, s) || nd__article_state(*s, id, cur))
		return store_failed(app, req, res);
	if (!cur->exists)
		return not_found(
		    app, req, res,
		    nd_arena_printf(req->arena, "There is no article with id '%s'.", id));
	if (cur->owner != u->id && !nd_role_may(u->role, ND_ACT_EDIT_ANY))
		return nd__admin_forbidden(
		    app, req, res,
		    nd_arena_printf(req->arena,
		                    "The role %s may see the history of its own articles only; "
		                    "'%s' is someone else's.",
		                    nd_role_name(u->role), id));
	return 0;
}

static int full_cb(void *ctx, const struct nd_revision_rec *r)
{
	*(json_t **)ctx = nd__revision_json(r, true);
	return 0;
}

/* Revision n (0: the latest) of id into *rev (caller owns): 0, or 404 or 503 with the page set. */
static int get_revision(struct nd_app *app, struct nd_http_request *req,
                        struct nd_http_response *res, struct nd_store *s, const char *id, int64_t n,
                        json_t **rev)
{
	int rc;

	*rev = NULL;
	rc = nd_store_revision_get(s, id, n, full_cb, rev);
	if (rc == ND_ENOTFOUND)
		return not_found(app, req, res,
		                 nd_arena_printf(req->arena, "Article '%s' has no revision %lld.",
		                                 id, (long long)n));
	if (rc || !*rev) {
		json_decref(*rev);
		*rev = NULL;
		return store_failed(app, req, res);
	}
	return 0;
}

/* The status a revision document names. */
static enum nd_article_status rev_status(json_t *rev)
{
	enum nd_article_status st;

	if (nd_status_parse(json_string_value(json_object_get(rev, "status")), &st))
		st = ND_STATUS_PUBLISHED;
	return st;
}

/* "2026-11-28 18:00:05 UTC" of t, from req's arena. */
static const char *when(struct nd_http_request *req, int64_t t)
{
	return nd__admin_strftime(req, t, "%Y-%m-%d %H:%M:%S UTC");
}

/* Who saved: "Name (login)", the login, "import/CLI" for 0, or "user N". */
struct who {
	struct nd_http_request *req;
	struct nd_store *s;
	const char *label;
};

static int who_cb(void *ctx, const struct nd_user_rec *rec)
{
	struct who *w = ctx;

	w->label = *rec->name ? nd_arena_printf(w->req->arena, "%s (%s)", rec->name, rec->login)
	                      : nd_arena_strdup(w->req->arena, rec->login);
	return 0;
}

static const char *saved_by(struct nd_http_request *req, struct nd_store *s, int64_t user_id)
{
	struct who w = {req, s, NULL};

	if (!user_id)
		return "import/CLI";
	if (nd_store_user_get_id(s, user_id, who_cb, &w) || !w.label)
		return nd_arena_printf(req->arena, "user %lld (removed)", (long long)user_id);
	return w.label;
}

/* --- GET .../revisions --- */

struct list {
	struct nd_http_request *req;
	struct nd_store *s;
	const char *base; /* ".../revisions/" */
	json_t *items;
	/* Who saved, by user id: few people save one article. */
	int64_t ids[16];
	const char *names[16];
	size_t nnames;
};

static const char *list_who(struct list *l, int64_t user_id)
{
	const char *name;

	for (size_t i = 0; i < l->nnames; i++)
		if (l->ids[i] == user_id)
			return l->names[i];
	name = saved_by(l->req, l->s, user_id);
	if (l->nnames < sizeof(l->ids) / sizeof(l->ids[0])) {
		l->ids[l->nnames] = user_id;
		l->names[l->nnames++] = name;
	}
	return name;
}

static int list_cb(void *ctx, const struct nd_revision_rec *r)
{
	struct list *l = ctx;

	json_array_append_new(
	    l->items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "n", (json_int_t)r->n,
	                        "status", nd_status_name(r->status), "title", r->title, "by",
	                        list_who(l, r->user_id), "when", when(l->req, r->created_at), "url",
	                        nd_arena_printf(l->req->arena, "%s%lld", l->base, (long long)r->n),
	                        "current", json_array_size(l->items) == 0));
	return 0;
}

static int list_page(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                     const struct nd_admin_user *u, struct nd_store *s, const char *id)
{
	const char *url = article_url(req, id);
	struct list l = {
	    req,    s, nd_arena_printf(req->arena, "%s/revisions/", url), json_array(), {0},
	    {NULL}, 0};
	long restored = nd__query_long(req, "restored", 0, 999999999);
	json_t *ctx;

	if (nd_store_each_revision(s, id, list_cb, &l)) {
		json_decref(l.items);
		return store_failed(app, req, res);
	}
	ctx =
	    nd__admin_ctx(req, u, nd_arena_printf(req->arena, "Revisions of '%s'", id), "articles");
	json_object_set_new(
	    ctx, "article",
	    json_pack("{s:s, s:s, s:s}", "id", id, "url", url, "title",
	              json_array_size(l.items)
	                  ? json_string_value(json_object_get(json_array_get(l.items, 0), "title"))
	                  : id));
	json_object_set_new(ctx, "revisions", l.items);
	if (restored > 0)
		json_object_set_new(
		    ctx, "notice",
		    json_string(nd_arena_printf(
		        req->arena, "Revision %ld restored: it is the current text now.",
		        restored)));
	return nd__admin_render(app, req, res, "revisions", ctx, 200);
}

/* --- GET .../revisions/{n} --- */

/* A field of the import's shape as text: tags joined, null as "". */
static const char *field_text(struct nd_http_request *req, json_t *v)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *out;
	size_t i;
	json_t *t;

	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_array(v))
		return "";
	json_array_foreach(v, i, t)
	{
		if (i)
			nd_buf_adds(&b, ", ");
		nd_buf_adds(&b, json_string_value(t) ? json_string_value(t) : "");
	}
	out = nd_arena_strndup(req->arena, b.buf ? b.buf : "", b.len);
	nd_buf_release(&b);
	return out;
}

static int revision_page(struct nd_app *app, struct nd_http_request *req,
                         struct nd_http_response *res, const struct nd_admin_user *u,
                         struct nd_store *s, const char *id, const struct nd_article_state *cur,
                         int64_t n)
{
	const char *url = article_url(req, id);
	json_t *rev, *now, *ctx, *changed, *shown, *diff;
	int64_t latest;
	int status;

	if ((status = get_revision(app, req, res, s, id, n, &rev)) != 0 ||
	    (status = get_revision(app, req, res, s, id, 0, &now)) != 0) {
		json_decref(rev);
		return status;
	}
	latest = json_integer_value(json_object_get(now, "revision"));
	changed = json_array();
	shown = json_array();
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *a = json_object_get(rev, fields[i].key),
		       *b = json_object_get(now, fields[i].key);
		const char *ta = field_text(req, a), *tb = field_text(req, b);

		json_array_append_new(
		    shown, json_pack("{s:s, s:s}", "label", fields[i].label, "value", ta));
		if (strcmp(ta, tb))
			json_array_append_new(changed,
			                      json_pack("{s:s, s:s, s:s}", "label", fields[i].label,
			                                "old", ta, "new", tb));
	}
	diff = nd__admin_diff_rows(json_string_value(json_object_get(rev, "body")),
	                           json_string_value(json_object_get(now, "body")), CONTEXT);
	ctx = nd__admin_ctx(req, u,
	                    nd_arena_printf(req->arena, "Revision %lld of '%s'", (long long)n, id),
	                    "articles");
	json_object_set_new(ctx, "article",
	                    json_pack("{s:s, s:s, s:s, s:s}", "id", id, "url", url, "revisions",
	                              nd_arena_printf(req->arena, "%s/revisions", url), "title",
	                              json_string_value(json_object_get(now, "title"))));
	json_object_set_new(
	    ctx, "revision",
	    json_pack("{s:I, s:I, s:b, s:s, s:s, s:s, s:O, s:o}", "n", (json_int_t)n, "latest",
	              (json_int_t)latest, "current", n == latest, "by",
	              saved_by(req, s, json_integer_value(json_object_get(rev, "saved_by"))),
	              "when", json_string_value(json_object_get(rev, "saved_at")), "restore",
	              nd_arena_printf(req->arena, "%s/revisions/%lld/restore", url, (long long)n),
	              "body", json_object_get(rev, "body"), "fields", shown));
	/* A restore or an unchanged re-save differs only in updated_at. */
	if (json_array_size(changed) == 1 && !json_array_size(diff) &&
	    !strcmp(json_string_value(json_object_get(json_array_get(changed, 0), "label")),
	            "Updated at")) {
		json_object_set(ctx, "only_time", json_array_get(changed, 0));
		json_array_clear(changed);
	}
	json_object_set_new(ctx, "same",
	                    json_boolean(!json_array_size(changed) && !json_array_size(diff)));
	json_object_set_new(ctx, "has_changed", json_boolean(json_array_size(changed)));
	json_object_set_new(ctx, "has_diff", json_boolean(json_array_size(diff)));
	json_object_set_new(ctx, "changed", changed);
	if (json_array_size(diff))
		json_object_set_new(ctx, "diff", diff);
	else
		json_decref(diff);
	/* Offered when it changes something and the role may make that save. */
	json_object_set_new(
	    ctx, "may_restore",
	    json_boolean(n != latest &&
	                 !nd__article_refusal(req, u->role, u->id, cur, rev_status(rev))));
	json_decref(rev);
	json_decref(now);
	return nd__admin_render(app, req, res, "revision", ctx, 200);
}

int nd__admin_revisions_get(struct nd_app *app, struct nd_http_request *req,
                            struct nd_http_response *res, const struct nd_route_match *m)
{
	struct nd_admin_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	char *id;
	int64_t n;
	int status;

	nd__revision_path(req, &m->params[0], false, &id, &n);
	if ((status = begin(app, req, res, id, false, &u, &s, &cur)) != 0)
		return status;
	return n ? revision_page(app, req, res, &u, s, id, &cur, n)
	         : list_page(app, req, res, &u, s, id);
}

/* --- POST .../revisions/{n}/restore --- */

int nd__admin_revision_restore(struct nd_app *app, struct nd_http_request *req,
                               struct nd_http_response *res, const struct nd_route_match *m)
{
	enum nd_article_status st;
	struct nd_admin_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	const char *why;
	json_t *doc;
	char *id;
	int64_t n;
	int status;

	nd__revision_path(req, &m->params[0], true, &id, &n);
	if ((status = begin(app, req, res, id, true, &u, &s, &cur)) != 0)
		return status;
	if ((status = get_revision(app, req, res, s, id, n, &doc)) != 0)
		return status;
	st = rev_status(doc);
	json_decref(doc);
	if ((why = nd__article_refusal(req, u.role, u.id, &cur, st)) != NULL)
		return nd__admin_forbidden(
		    app, req, res,
		    nd_arena_printf(req->arena, "Revision %lld (%s) cannot be restored: %s.",
		                    (long long)n, nd_status_name(st), why));
	if (nd_store_revision_restore(s, id, n, u.id) || !(doc = nd__article_doc(s, id)))
		return store_failed(app, req, res);
	nd_log(ND_LOG_INFO, "admin: %s '%s' restored revision %lld of '%s'", nd_role_name(u.role),
	       u.login, (long long)n, id);
	nd__article_notify(app, nd__article_saved_event(s, id, &cur), id, doc);
	json_decref(doc);
	nd_http_add_header(res, "Location",
	                   nd_arena_printf(req->arena, "%s/revisions?restored=%lld",
	                                   article_url(req, id), (long long)n));
	return 303;
}
