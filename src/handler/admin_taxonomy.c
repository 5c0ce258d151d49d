/*
 * Sections and tags in the admin (issue 6, item 2): GET /admin/sections
 * shows the section tree and the tags with their URLs and article counts
 * (every role may look); editors and admins (ND_ACT_EDIT_ANY) add a
 * section, rename one (the name only: slugs and URLs stay), move it up or
 * down among its siblings (the site's navigation order), delete an empty
 * one; rename, merge and delete tags. Each change is one store write that
 * bumps the site generation, so the public site shows it at its next
 * snapshot reload (store.h, "Sections and tags in the admin").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/role.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "handler/admin_int.h"
#include "render/escape.h"
#include "store/slug.h"

static const struct nd_admin_notice notices[] = {
    {"section-added", "Added the section %s."},
    {"section-renamed", "Renamed the section: it is now called %s (its URL is unchanged)."},
    {"section-moved", "Moved the section %s."},
    {"section-kept", "The section %s is already at that end."},
    {"section-deleted", "Deleted the section %s."},
    {"tag-renamed", "Renamed the tag: it is now called %s (its URL is unchanged)."},
    {"tag-merged", "Merged the tags: their articles now have the tag %s."},
    {"tag-deleted", "Deleted the tag %s."},
};

/* One section as the page shows it. */
struct sec {
	int64_t id, parent, count;
	int64_t total; /* count with the subsections' */
	int depth;
	char *name, *url, *path; /* req's arena */
};

struct tree {
	struct nd_http_request *req;
	struct sec *v;
	size_t n, alloc;
};

static struct sec *sec_find(const struct tree *t, int64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

/* Sections come parents first, so a parent's URL and path are there already. */
static int add_sec(void *ctx, const struct nd_section_rec *r)
{
	struct tree *t = ctx;
	struct sec *parent = r->parent_id ? sec_find(t, r->parent_id) : NULL;
	struct nd_buf url = ND_BUF_INIT;
	struct sec *s;

	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 32;
		t->v = nd_xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	s = &t->v[t->n++];
	nd_buf_adds(&url, parent ? parent->url : "");
	nd_buf_addch(&url, '/');
	nd_escape_url(&url, r->slug, strlen(r->slug));
	*s = (struct sec){
	    .id = r->id,
	    .parent = r->parent_id,
	    .depth = parent ? parent->depth + 1 : 0,
	    .name = nd_arena_strdup(t->req->arena, r->name),
	    .url = nd_arena_strndup(t->req->arena, url.buf, url.len),
	    .path = parent ? nd_arena_printf(t->req->arena, "%s / %s", parent->path, r->name)
	                   : nd_arena_strdup(t->req->arena, r->name),
	};
	nd_buf_release(&url);
	return 0;
}

static int count_sec(void *ctx, int64_t id, int64_t count)
{
	struct sec *s = sec_find(ctx, id);

	if (s)
		s->count = count;
	return 0;
}

/* The section tree of the store into *t (free t->v); store errors. */
static int load_tree(struct nd_store *s, struct nd_http_request *req, struct tree *t)
{
	*t = (struct tree){.req = req};
	int rc = nd_store_each_section(s, add_sec, t);

	if (!rc)
		rc = nd_store_each_section_count(s, count_sec, t);
	/* Children come after their parent: adding from the end sums each subtree. */
	for (size_t i = t->n; i-- > 0;) {
		struct sec *p = t->v[i].parent ? sec_find(t, t->v[i].parent) : NULL;

		t->v[i].total += t->v[i].count;
		if (p)
			p->total += t->v[i].total;
	}
	return rc;
}

static json_t *tree_json(const struct tree *t, int64_t parent_chosen, json_t **parents)
{
	json_t *a = json_array();

	*parents = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const struct sec *s = &t->v[i];
		bool first = true, last = true, children = false;

		for (size_t j = 0; j < t->n; j++) {
			if (t->v[j].parent == s->id)
				children = true;
			if (j != i && t->v[j].parent == s->parent) {
				if (j < i)
					first = false;
				else
					last = false;
			}
		}
		json_array_append_new(
		    a, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:i, s:b, s:b, s:b}", "id",
		                 (json_int_t)s->id, "name", s->name, "slug",
		                 strrchr(s->url, '/') + 1, "url", s->url, "count",
		                 (json_int_t)s->count, "total", (json_int_t)s->total, "depth",
		                 s->depth, "first", first, "last", last, "children", children));
		if (s->depth + 1 < ND_MAX_SECTION_DEPTH)
			json_array_append_new(
			    *parents, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)s->id, "path",
			                        s->path, "selected", s->id == parent_chosen));
	}
	return a;
}

struct tags {
	struct nd_http_request *req;
	json_t *list;
};

static int add_tag(void *ctx, const struct nd_tag_rec *r)
{
	struct tags *t = ctx;
	struct nd_buf url = ND_BUF_INIT;

	nd_buf_adds(&url, "/tag/");
	nd_escape_url(&url, r->slug, strlen(r->slug));
	json_array_append_new(t->list,
	                      json_pack("{s:I, s:s, s:s, s:s%, s:I}", "id", (json_int_t)r->id,
	                                "name", r->name, "slug", r->slug, "url", url.buf, url.len,
	                                "count", (json_int_t)0));
	nd_buf_release(&url);
	return 0;
}

static int count_tag(void *ctx, int64_t id, int64_t count)
{
	struct tags *t = ctx;
	size_t i;
	json_t *o;

	json_array_foreach(t->list, i, o)
	{
		if (json_integer_value(json_object_get(o, "id")) == id) {
			json_object_set_new(o, "count", json_integer(count));
			break;
		}
	}
	return 0;
}

/* The page, with error and status (a refused change), else the notice of the query. */
static int page(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                const struct nd_admin_user *u, const char *error, int status)
{
	struct tags tags = {req, json_array()};
	json_t *ctx, *sections, *parents;
	struct nd_store *s;
	struct tree t;
	int rc;

	if (nd__admin_store(app, req, &s))
		return 503;
	rc = load_tree(s, req, &t);
	if (!rc)
		rc = nd_store_each_tag(s, add_tag, &tags);
	if (!rc)
		rc = nd_store_each_tag_count(s, count_tag, &tags);
	if (rc) {
		free(t.v);
		json_decref(tags.list);
		return 503;
	}
	sections = tree_json(&t, error ? nd__admin_field_id(req, "parent") : 0, &parents);
	free(t.v);
	ctx = nd__admin_ctx(req, u, "Sections & tags", "sections");
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "parents", parents);
	json_object_set_new(ctx, "tags", tags.list);
	json_object_set_new(ctx, "edit", json_boolean(nd_role_may(u->role, ND_ACT_EDIT_ANY)));
	if (error) {
		json_object_set_new(ctx, "error", json_string(error));
	} else {
		const char *notice = nd__admin_notice(req, notices, ND_COUNT(notices));

		if (notice)
			json_object_set_new(ctx, "notice", json_string(notice));
	}
	return nd__admin_render(app, req, res, "sections", ctx, status);
}

ND_HANDLER(admin_sections)
{
	struct nd_admin_user u;
	int status;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	return page(app, req, res, &u, NULL, 200);
}

/* The start of every change: an editor's or admin's CSRF-checked POST, and the store. */
static int edit_begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      struct nd_admin_user *u, struct nd_store **s)
{
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_EDIT_ANY, u)) != 0 ||
	    (status = nd__admin_check_post(app, req, res, u)) != 0)
		return status;
	return nd__admin_store(app, req, s) ? 503 : 0;
}

/* What is wrong with a new name (what: "section" or "tag"), with *status; NULL when fine. */
static const char *name_problem(struct nd_http_request *req, const char *name, const char *what,
                                int *status)
{
	struct nd_buf slug = ND_BUF_INIT;
	bool empty;

	*status = 400;
	if (!name || !*name)
		return nd_arena_printf(req->arena, "Type the %s's name.", what);
	*status = 422;
	if (strlen(name) > ND_MAX_NAME || !nd_utf8_valid(name, strlen(name), NULL))
		return nd_arena_printf(req->arena, "A %s name is text of at most %d bytes.", what,
		                       ND_MAX_NAME);
	if (!strcmp(what, "section") && strchr(name, '/'))
		return "A section name cannot hold '/': it separates the levels of a section path "
		       "(\"World/Europe\"). Add the level under its parent instead.";
	nd_slugify(name, ND_MAX_SLUG, &slug);
	empty = slug.len == 0;
	nd_buf_release(&slug);
	if (empty)
		return nd_arena_printf(req->arena,
		                       "A %s name needs a letter or a digit (its URL is made of "
		                       "them).",
		                       what);
	return NULL;
}

static const char *no_such(const char *what)
{
	return !strcmp(what, "section") ? "There is no such section (deleted meanwhile?)."
	                                : "There is no such tag (deleted or merged meanwhile?).";
}

/*
 * The answer to a rename or add of what called name: the store's rc
 * turned into a page (refused) or a 303 with the notice code.
 */
static int answer(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                  const struct nd_admin_user *u, int rc, const char *what, const char *name,
                  const char *code)
{
	if (rc == ND_EEXIST)
		return page(app, req, res, u,
		            !strcmp(what, "section")
		                ? nd_arena_printf(req->arena,
		                                  "There is already a section called '%s', or with "
		                                  "its URL, at that level.",
		                                  name)
		                : nd_arena_printf(req->arena,
		                                  "There is already a tag called '%s', or with its "
		                                  "URL: merge the two instead.",
		                                  name),
		            409);
	if (rc == ND_ENOTFOUND)
		return page(app, req, res, u, no_such(what), 404);
	if (rc == ND_EINVAL)
		return page(app, req, res, u,
		            nd_arena_printf(req->arena,
		                            "The section cannot go there: sections nest at most %d "
		                            "levels deep.",
		                            ND_MAX_SECTION_DEPTH),
		            422);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s': %s '%s'", u->login, code, name);
	return nd__admin_done(req, res, "/admin/sections", code, name);
}

ND_HANDLER(admin_section_add)
{
	const char *name, *why, *parent_field;
	struct nd_admin_user u;
	struct nd_store *s;
	int64_t parent = 0;
	int status, rc;

	(void)site;
	(void)m;
	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	name = nd__admin_field(req, "name");
	parent_field = nd__admin_field(req, "parent");
	if ((why = name_problem(req, name, "section", &status)) != NULL)
		return page(app, req, res, &u, why, status);
	if (parent_field && *parent_field && strcmp(parent_field, "0") &&
	    !(parent = nd__admin_field_id(req, "parent")))
		return page(app, req, res, &u, "Choose the parent section from the list.", 400);
	rc = nd_store_section_add(s, parent, name, NULL);
	/* An unknown parent is the form's fault, not a missing page. */
	if (rc == ND_ENOTFOUND)
		return page(app, req, res, &u,
		            "The parent section no longer exists: choose another.", 422);
	return answer(app, req, res, &u, rc, "section", name, "section-added");
}

/* A rename of section or tag (what) id: the field name. */
static int rename_one(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_route_match *m, const char *what)
{
	struct nd_admin_user u;
	struct nd_store *s;
	const char *name, *why;
	int64_t id;
	int status, rc;

	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	if (!(id = nd__admin_param_id(req, m, 0)))
		return page(app, req, res, &u, no_such(what), 404);
	name = nd__admin_field(req, "name");
	if ((why = name_problem(req, name, what, &status)) != NULL)
		return page(app, req, res, &u, why, status);
	rc = !strcmp(what, "section") ? nd_store_section_rename(s, id, name)
	                              : nd_store_tag_rename(s, id, name);
	return answer(app, req, res, &u, rc, what, name,
	              !strcmp(what, "section") ? "section-renamed" : "tag-renamed");
}

ND_HANDLER(admin_section_rename)
{
	(void)site;
	return rename_one(app, req, res, m, "section");
}

ND_HANDLER(admin_tag_rename)
{
	(void)site;
	return rename_one(app, req, res, m, "tag");
}

/* The name of section id into *name (req's arena): 0, ND_ENOTFOUND or a store error. */
static int section_name(struct nd_store *s, struct nd_http_request *req, int64_t id,
                        const char **name)
{
	struct tree t;
	struct sec *sec;
	int rc = load_tree(s, req, &t);

	if (!rc)
		rc = (sec = sec_find(&t, id)) != NULL ? (*name = sec->name, 0) : ND_ENOTFOUND;
	free(t.v);
	return rc;
}

ND_HANDLER(admin_section_move)
{
	const char *dir, *name = NULL;
	struct nd_admin_user u;
	struct nd_store *s;
	bool moved = false;
	int64_t id;
	int status, rc;

	(void)site;
	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	dir = nd__admin_field(req, "dir");
	if (!dir || (strcmp(dir, "up") && strcmp(dir, "down")))
		return page(app, req, res, &u, "Move a section up or down.", 400);
	id = nd__admin_param_id(req, m, 0);
	if (!id || (rc = section_name(s, req, id, &name)) == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("section"), 404);
	if (rc || (rc = nd_store_section_move(s, id, strcmp(dir, "up") ? 1 : -1, &moved)) < 0)
		return rc == ND_ENOTFOUND ? page(app, req, res, &u, no_such("section"), 404) : 503;
	return nd__admin_done(req, res, "/admin/sections", moved ? "section-moved" : "section-kept",
	                      name);
}

/* "3 articles", "1 subsection" (req's arena). */
static const char *how_many(struct nd_http_request *req, int64_t n, const char *what)
{
	return nd_arena_printf(req->arena, "%lld %s%s", (long long)n, what, n == 1 ? "" : "s");
}

ND_HANDLER(admin_section_delete)
{
	struct nd_admin_user u;
	struct nd_store *s;
	const char *name = NULL;
	int64_t id, articles = 0, children = 0;
	int status, rc;

	(void)site;
	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	id = nd__admin_param_id(req, m, 0);
	if (!id || (rc = section_name(s, req, id, &name)) == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("section"), 404);
	if (rc)
		return 503;
	rc = nd_store_section_delete(s, id, &articles, &children);
	if (rc == ND_EBUSY && (articles || children)) {
		const char *has = articles && children
		                      ? nd_arena_printf(req->arena, "%s and %s",
		                                        how_many(req, articles, "article"),
		                                        how_many(req, children, "subsection"))
		                  : articles ? how_many(req, articles, "article")
		                             : how_many(req, children, "subsection");

		return page(app, req, res, &u,
		            nd_arena_printf(req->arena,
		                            "The section '%s' has %s: only an empty section can be "
		                            "deleted. Move or delete %s first.",
		                            name, has, articles + children == 1 ? "it" : "them"),
		            409);
	}
	if (rc == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("section"), 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' deleted section '%s'", u.login, name);
	return nd__admin_done(req, res, "/admin/sections", "section-deleted", name);
}

/* A tag: by id (text NULL), or by its name (any ASCII case) or slug. */
struct tag_find {
	int64_t id;
	const char *text;
	int64_t found;
	char name[ND_MAX_NAME + 1];
};

static int find_tag(void *ctx, const struct nd_tag_rec *r)
{
	struct tag_find *f = ctx;

	if (f->text ? strcasecmp(r->name, f->text) && strcmp(r->slug, f->text) : r->id != f->id)
		return 0;
	f->found = r->id;
	snprintf(f->name, sizeof(f->name), "%s", r->name);
	return 1;
}

static int tag_lookup(struct nd_store *s, struct tag_find *f)
{
	int rc = nd_store_each_tag(s, find_tag, f);

	return rc < 0 ? rc : f->found ? 0 : ND_ENOTFOUND;
}

ND_HANDLER(admin_tag_merge)
{
	struct tag_find from = {0}, into = {0};
	struct nd_admin_user u;
	struct nd_store *s;
	int64_t moved = 0;
	int status, rc;

	(void)site;
	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	from.id = nd__admin_param_id(req, m, 0);
	into.text = nd__admin_field(req, "into");
	if (!into.text || !*into.text)
		return page(app, req, res, &u, "Type the name of the tag to merge it into.", 400);
	if (!from.id || (rc = tag_lookup(s, &from)) == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("tag"), 404);
	if (rc)
		return 503;
	/* Shown in the message only if it is a name at all. */
	if (strlen(into.text) > ND_MAX_NAME || !nd_utf8_valid(into.text, strlen(into.text), NULL))
		into.text = "?";
	if ((rc = tag_lookup(s, &into)) == ND_ENOTFOUND)
		return page(app, req, res, &u,
		            nd_arena_printf(req->arena,
		                            "There is no tag called '%s' to merge '%s' into: "
		                            "rename the tag instead.",
		                            into.text, from.name),
		            422);
	if (rc)
		return 503;
	if (into.found == from.found)
		return page(app, req, res, &u,
		            nd_arena_printf(req->arena,
		                            "A tag cannot be merged into itself ('%s').",
		                            from.name),
		            422);
	rc = nd_store_tag_merge(s, from.found, into.found, &moved);
	if (rc == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("tag"), 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' merged tag '%s' into '%s' (%lld articles)", u.login,
	       from.name, into.name, (long long)moved);
	return nd__admin_done(req, res, "/admin/sections", "tag-merged",
	                      nd_arena_strdup(req->arena, into.name));
}

ND_HANDLER(admin_tag_delete)
{
	struct tag_find f = {0};
	struct nd_admin_user u;
	struct nd_store *s;
	int64_t articles = 0;
	int status, rc;

	(void)site;
	if ((status = edit_begin(app, req, res, &u, &s)) != 0)
		return status;
	f.id = nd__admin_param_id(req, m, 0);
	if (!f.id || (rc = tag_lookup(s, &f)) == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("tag"), 404);
	if (rc)
		return 503;
	rc = nd_store_tag_delete(s, f.found, &articles);
	if (rc == ND_EBUSY && articles)
		return page(app, req, res, &u,
		            nd_arena_printf(req->arena,
		                            "The tag '%s' is on %s: only an unused tag can be "
		                            "deleted. Merge it into another tag instead.",
		                            f.name, how_many(req, articles, "article")),
		            409);
	if (rc == ND_ENOTFOUND)
		return page(app, req, res, &u, no_such("tag"), 404);
	if (rc)
		return 503;
	nd_log(ND_LOG_INFO, "admin: '%s' deleted tag '%s'", u.login, f.name);
	return nd__admin_done(req, res, "/admin/sections", "tag-deleted",
	                      nd_arena_strdup(req->arena, f.name));
}
