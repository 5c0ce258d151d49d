/*
 * The admin's articles (docs/internals/admin-articles.md): the list with
 * its filters, the editor, delete, and the preview rendered by the site's
 * own article page.
 *
 *	GET  /admin/articles                 the list (?status section author mine q page)
 *	GET  /admin/articles/new             the editor, empty
 *	POST /admin/articles                 create (field action: draft, publish, schedule)
 *	GET  /admin/articles/{id}            the editor of article ext_id id
 *	POST /admin/articles/{id}            save (action: draft, publish, schedule, update,
 *	                                     unpublish)
 *	GET  /admin/articles/{id}/delete     "Delete 'Title'?"
 *	POST /admin/articles/{id}/delete     delete
 *	POST /admin/preview                  the article of the form, as the site shows it
 *	GET  /admin/static/admin.js          live preview and autosave (optional)
 *
 * A save builds the import's JSON object from the form and validates it
 * with the import's own function (ingest/jsonl.h), so the messages are the
 * import's; who may do what is decided as for the write API
 * (nd__article_refusal). Every write answers 303 back to a page with a
 * notice (POST-redirect-GET); an autosave (header X-Nd-Autosave: 1) gets 204.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "admin/role.h"
#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "handler/admin_int.h"
#include "ingest/jsonl.h"
#include "render/escape.h"
#include "render/markdown.h"
#include "store/slug.h"

/* Rows of the list per page. */
#define PER_PAGE 50
/* The words of a preview's description, as the site cuts them (site.c). */
#define PREVIEW_DESCRIPTION_LEN 220

/* The editor's fields, as typed (never NULL; "" when empty). */
struct form {
	const char *title, *slug, *summary, *body, *section, *author, *tags, *image, *language,
	    *publish_at;
};

/* What a submit button asks for (field "action"). */
enum action { A_DRAFT, A_PUBLISH, A_SCHEDULE, A_UPDATE, A_UNPUBLISH, A__COUNT };

static const char *const action_names[A__COUNT] = {"draft", "publish", "schedule", "update",
                                                   "unpublish"};
/* The notice after each, on the editor (?saved=NAME). */
static const char *const action_notices[A__COUNT] = {"Draft saved.", "Published.", "Scheduled.",
                                                     "Saved: the published article is updated.",
                                                     "Unpublished: the article is a draft again."};

/* ---- Small helpers ---- */

/* "/admin/articles/<id escaped>" + suffix, from req's arena. */
static const char *edit_url(struct nd_http_request *req, const char *id, const char *suffix)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *url;

	nd_buf_adds(&b, "/admin/articles/");
	nd_escape_url(&b, id, strlen(id));
	nd_buf_adds(&b, suffix);
	url = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return url;
}

/* t as "2026-11-29T15:00:00" (UTC), the value of a datetime-local input. */
static void local_time(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* "29 Nov 2026 15:00" (UTC), for the list. */
static const char *short_time(struct nd_http_request *req, int64_t t)
{
	return nd__admin_strftime(req, t, "%d %b %Y %H:%M");
}

/*
 * A datetime-local value ("2026-11-29T15:00" or with ":SS"), taken as UTC,
 * into *out. False when s is not one.
 */
static bool parse_local(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n < 16)
		return false;
	if (s[n] == ':') {
		int m2 = 0;

		if (sscanf(s + n, ":%2d%n", &sec, &m2) != 1 || m2 != 3)
			return false;
		n += m2;
		/* Browsers may add milliseconds. */
		if (s[n] == '.')
			for (n++; s[n] >= '0' && s[n] <= '9'; n++)
				;
	}
	if (s[n] || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 59 || h < 0 || mi < 0 || sec < 0)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm);
	return true;
}

/* A form field, "" when absent; textarea line ends (CRLF) become LF. */
static const char *field(struct nd_http_request *req, const char *name)
{
	const char *v = nd__admin_field(req, name);
	char *c, *w;

	if (!v)
		return "";
	if (!strchr(v, '\r'))
		return v;
	c = nd_arena_strdup(req->arena, v);
	w = c;
	for (const char *p = c; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	return c;
}

/*
 * Whether field name is absent or readable: a value with a NUL byte or a
 * broken %-escape reads as absent (nd__admin_field), and an absent field
 * saves as empty, so taken as such it would wipe the stored one.
 */
static bool readable(struct nd_http_request *req, const char *name)
{
	struct nd_str v;
	int rc;

	if (!req->body)
		return true;
	rc = nd_form_get(req->body, req->body_len, name, req->arena, &v);
	return rc == ND_ENOTFOUND || (!rc && !memchr(v.p, '\0', v.len));
}

/* The form's fields into *f; false when one is not UTF-8 or not readable (then 400). */
static bool read_form(struct nd_http_request *req, struct form *f)
{
	static const char *const names[] = {"title",  "slug", "summary", "body",     "section",
	                                    "author", "tags", "image",   "language", "publish_at"};
	size_t bad;

	for (size_t i = 0; i < ND_COUNT(names); i++)
		if (!readable(req, names[i]))
			return false;
	f->title = field(req, "title");
	f->slug = field(req, "slug");
	f->summary = field(req, "summary");
	f->body = field(req, "body");
	f->section = field(req, "section");
	f->author = field(req, "author");
	f->tags = field(req, "tags");
	f->image = field(req, "image");
	f->language = field(req, "language");
	f->publish_at = field(req, "publish_at");
	{
		const char *all[] = {f->title,  f->slug, f->summary, f->body,     f->section,
		                     f->author, f->tags, f->image,   f->language, f->publish_at};

		for (size_t i = 0; i < ND_COUNT(all); i++)
			if (!nd_utf8_valid(all[i], strlen(all[i]), &bad))
				return false;
	}
	return true;
}

#define NOT_UTF8                                                                                   \
	"The form's text is not valid UTF-8 (or holds a NUL byte or a broken %-escape): send it "  \
	"again from the editor."

/* Whether s holds more than white space. */
static bool given(const char *s)
{
	return s[strspn(s, " \t\r\n")] != '\0';
}

/* The trimmed copy of s[0..len) (req's arena). */
static char *trimmed(struct nd_http_request *req, const char *s, size_t len)
{
	while (len && strchr(" \t\r\n", *s)) {
		s++;
		len--;
	}
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	return nd_arena_strndup(req->arena, s, len);
}

/*
 * Splits s at sep into trimmed, non-empty parts (req's arena): at most max
 * go to out. Returns how many.
 */
static size_t split(struct nd_http_request *req, const char *s, char sep, char **out, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char *part = trimmed(req, s, len);

		if (*part)
			out[n++] = part;
		s += len + (end ? 1 : 0);
	}
	return n;
}

/* A new article's id: "adm-" and 12 random base32 characters. */
static const char *new_id(struct nd_http_request *req)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	char id[17] = "adm-";

	for (size_t i = 4; i < 16; i++)
		id[i] = alphabet[randombytes_uniform(32)];
	id[16] = '\0';
	return nd_arena_strdup(req->arena, id);
}

/* The admin's message page (404, 400...) with a way back to the list. */
static int message(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                   const struct nd_admin_user *u, int status, const char *text)
{
	json_t *ctx = nd__admin_ctx(req, u, nd_http_reason(status), "articles");

	json_object_set_new(ctx, "message", json_string(text));
	json_object_set_new(ctx, "back", json_string("/admin/articles"));
	return nd__admin_render(app, req, res, "article_message", ctx, status);
}

/*
 * The start of every page here but the list: the session, the right to
 * write (ND_ACT_EDIT_OWN), for a POST the CSRF checks, and a store handle
 * into *s (s may be NULL). 0, or the status of an answer made.
 */
static int begin(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                 bool post, struct nd_admin_user *u, struct nd_store **s)
{
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_EDIT_OWN, u)) != 0 ||
	    (post && (status = nd__admin_check_post(app, req, res, u)) != 0))
		return status;
	if (s && nd__admin_store(app, req, s))
		return message(app, req, res, u, 503, "The store cannot be opened; try again.");
	return 0;
}

/* ---- Sections, authors and users by id, for the list and the editor ---- */

struct names {
	struct nd_http_request *req;
	json_t *sections;     /* "id" -> {path, url} */
	json_t *section_list; /* [{id, path}] in tree order */
	json_t *authors;      /* "id" -> name */
	json_t *author_list;  /* [{id, name}] by slug */
	json_t *users;        /* "id" -> login */
};

static const char *id_key(struct nd_http_request *req, int64_t id)
{
	return nd_arena_printf(req->arena, "%lld", (long long)id);
}

static int section_cb(void *ctx, const struct nd_section_rec *r)
{
	struct names *n = ctx;
	json_t *parent =
	    r->parent_id ? json_object_get(n->sections, id_key(n->req, r->parent_id)) : NULL;
	struct nd_buf url = ND_BUF_INIT;
	const char *path;

	if (parent) {
		path = nd_arena_printf(n->req->arena, "%s/%s",
		                       json_string_value(json_object_get(parent, "path")), r->name);
		nd_buf_adds(&url, json_string_value(json_object_get(parent, "url")));
	} else {
		path = r->name;
	}
	nd_buf_addch(&url, '/');
	nd_escape_url(&url, r->slug, strlen(r->slug));
	json_object_set_new(n->sections, id_key(n->req, r->id),
	                    json_pack("{s:s, s:s%}", "path", path, "url", url.buf, url.len));
	json_array_append_new(n->section_list,
	                      json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "path", path));
	nd_buf_release(&url);
	return 0;
}

static int author_cb(void *ctx, const struct nd_author_rec *r)
{
	struct names *n = ctx;

	json_object_set_new(n->authors, id_key(n->req, r->id), json_string(r->name));
	json_array_append_new(n->author_list,
	                      json_pack("{s:I, s:s}", "id", (json_int_t)r->id, "name", r->name));
	return 0;
}

static int user_cb(void *ctx, const struct nd_user_rec *r)
{
	struct names *n = ctx;

	json_object_set_new(n->users, id_key(n->req, r->id), json_string(r->login));
	return 0;
}

static void names_release(struct names *n)
{
	json_decref(n->sections);
	json_decref(n->section_list);
	json_decref(n->authors);
	json_decref(n->author_list);
	json_decref(n->users);
}

static int names_load(struct nd_store *s, struct nd_http_request *req, struct names *n)
{
	int rc;

	n->req = req;
	n->sections = json_object();
	n->section_list = json_array();
	n->authors = json_object();
	n->author_list = json_array();
	n->users = json_object();
	if ((rc = nd_store_each_section(s, section_cb, n)) != 0 ||
	    (rc = nd_store_each_author(s, author_cb, n)) != 0 ||
	    (rc = nd_store_each_user(s, user_cb, n)) != 0)
		names_release(n);
	return rc;
}

/* The public URL of an article: its section's URL and its slug. */
static const char *public_url(struct nd_http_request *req, const struct names *n,
                              int64_t section_id, const char *slug)
{
	json_t *sec = json_object_get(n->sections, id_key(req, section_id));
	struct nd_buf b = ND_BUF_INIT;
	const char *url;

	nd_buf_adds(&b, sec ? json_string_value(json_object_get(sec, "url")) : "");
	nd_buf_addch(&b, '/');
	nd_escape_url(&b, slug, strlen(slug));
	url = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return url;
}

static const char *name_of(struct nd_http_request *req, json_t *map, int64_t id)
{
	json_t *v = id ? json_object_get(map, id_key(req, id)) : NULL;

	if (json_is_object(v))
		v = json_object_get(v, "path");
	return v ? json_string_value(v) : "";
}

/* ---- The list ---- */

struct list_ctx {
	struct nd_http_request *req;
	const struct nd_admin_user *u;
	const struct names *n;
	json_t *rows;
};

static int row_cb(void *ctx, const struct nd_article_rec *r)
{
	struct list_ctx *l = ctx;
	struct nd_http_request *req = l->req;
	bool may_edit = r->owner_user_id == l->u->id || nd_role_may(l->u->role, ND_ACT_EDIT_ANY);
	const char *status = nd_status_name(r->status);
	json_t *row = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", r->ext_id, "title", r->title, "status",
	    status, "section", name_of(req, l->n->sections, r->section_id), "author",
	    name_of(req, l->n->authors, r->author_id), "owner",
	    name_of(req, l->n->users, r->owner_user_id), "updated", short_time(req, r->updated_at));

	if (may_edit)
		json_object_set_new(row, "edit_url", json_string(edit_url(req, r->ext_id, "")));
	if (r->status == ND_STATUS_PUBLISHED) {
		json_object_set_new(row, "published",
		                    json_string(short_time(req, r->published_at)));
		json_object_set_new(row, "view_url",
		                    json_string(public_url(req, l->n, r->section_id, r->slug)));
	} else if (r->status == ND_STATUS_SCHEDULED) {
		json_object_set_new(row, "scheduled",
		                    json_string(short_time(req, r->published_at)));
	}
	json_array_append_new(l->rows, row);
	return 0;
}

int nd__admin_article_rows(struct nd_http_request *req, struct nd_store *s,
                           const struct nd_admin_user *u, const struct nd_article_query *q,
                           json_t **rows, int64_t *total)
{
	struct names n;
	struct list_ctx l;
	int rc;

	*rows = NULL;
	if ((rc = names_load(s, req, &n)) != 0)
		return rc;
	l = (struct list_ctx){req, u, &n, json_array()};
	if ((rc = nd_store_article_find(s, q, total, row_cb, &l)) != 0)
		json_decref(l.rows);
	else
		*rows = l.rows;
	names_release(&n);
	return rc;
}

/* The list's query string without page (for the pager), escaped. */
static const char *filter_query(struct nd_http_request *req)
{
	static const char *const keys[] = {"status", "section", "author", "mine", "q"};
	struct nd_buf b = ND_BUF_INIT;
	const char *out;

	for (size_t i = 0; i < ND_COUNT(keys); i++) {
		const char *v = nd_http_query(req, keys[i]);

		if (!v || !*v)
			continue;
		nd_buf_addf(&b, "%s=", keys[i]);
		nd_escape_url(&b, v, strlen(v));
		nd_buf_addch(&b, '&');
	}
	out = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return out;
}

/* Marks the item of list whose key equals want as selected. */
static void mark_selected(json_t *list, const char *key, int64_t want)
{
	size_t i;
	json_t *item;

	json_array_foreach(list, i, item)
	{
		if (json_integer_value(json_object_get(item, key)) == want)
			json_object_set_new(item, "selected", json_true());
	}
}

ND_HANDLER(admin_articles)
{
	struct nd_admin_user u;
	struct nd_article_query q = {.status = -1, .limit = PER_PAGE};
	struct names n;
	struct nd_store *s;
	const char *status_arg = nd_http_query(req, "status");
	const char *mine = nd_http_query(req, "mine");
	long section = nd__query_long(req, "section", 0, INT32_MAX);
	long author = nd__query_long(req, "author", 0, INT32_MAX);
	long page = nd__query_long(req, "page", 1, 100000);
	json_t *ctx, *statuses;
	struct list_ctx l;
	int64_t total = 0;
	int status, rc;

	(void)site;
	(void)m;
	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	if (section < 0 || author < 0 || page < 1)
		return message(app, req, res, &u, 400,
		               "The filters of this address are not valid: section, author and "
		               "page must be whole numbers.");
	if (status_arg && *status_arg) {
		enum nd_article_status st;

		if (nd_status_parse(status_arg, &st))
			return message(app, req, res, &u, 400,
			               "The status filter must be published, draft or scheduled.");
		q.status = (int)st;
	}
	q.section_id = section;
	q.author_id = author;
	q.owner_user_id = mine && *mine ? u.id : 0;
	q.text = nd_http_query(req, "q");
	if (q.text && strlen(q.text) > ND_MAX_QUERY)
		return message(app, req, res, &u, 400, "The search text is too long.");
	q.offset = (size_t)(page - 1) * PER_PAGE;
	if (nd__admin_store(app, req, &s) || names_load(s, req, &n))
		return message(app, req, res, &u, 503, "The store cannot be read; try again.");
	ctx = nd__admin_ctx(req, &u, "Articles", "articles");
	l = (struct list_ctx){req, &u, &n, json_array()};
	rc = nd_store_article_find(s, &q, &total, row_cb, &l);
	if (rc) {
		json_decref(l.rows);
		json_decref(ctx);
		names_release(&n);
		return message(app, req, res, &u, rc == ND_EINVAL ? 400 : 503,
		               rc == ND_EINVAL ? "The search text is not valid UTF-8."
		                               : "The store cannot be read; try again.");
	}
	statuses = json_array();
	for (int i = 0; i <= ND_STATUS_SCHEDULED; i++)
		json_array_append_new(statuses, json_pack("{s:s, s:b}", "value",
		                                          nd_status_name((enum nd_article_status)i),
		                                          "selected", q.status == i));
	mark_selected(n.section_list, "id", section);
	mark_selected(n.author_list, "id", author);
	json_object_set_new(ctx, "rows", l.rows);
	json_object_set_new(ctx, "statuses", statuses);
	json_object_set(ctx, "sections", n.section_list);
	json_object_set(ctx, "authors", n.author_list);
	json_object_set_new(ctx, "q", json_string(q.text ? q.text : ""));
	json_object_set_new(ctx, "mine", json_boolean(q.owner_user_id != 0));
	json_object_set_new(ctx, "total", json_integer(total));
	json_object_set_new(ctx, "empty", json_boolean(json_array_size(l.rows) == 0));
	{
		const char *fq = filter_query(req);
		long pages = total ? (long)((total + PER_PAGE - 1) / PER_PAGE) : 1;
		json_t *p = json_pack("{s:i, s:i}", "page", (int)page, "pages", (int)pages);

		if (page > 1)
			json_object_set_new(
			    p, "prev_url",
			    json_string(nd_arena_printf(req->arena, "/admin/articles?%spage=%ld",
			                                fq, page - 1)));
		if (page < pages)
			json_object_set_new(
			    p, "next_url",
			    json_string(nd_arena_printf(req->arena, "/admin/articles?%spage=%ld",
			                                fq, page + 1)));
		json_object_set_new(ctx, "pagination", p);
	}
	{
		const char *deleted = nd_http_query(req, "deleted");

		if (deleted)
			json_object_set_new(
			    ctx, "notice",
			    json_string(nd_arena_printf(req->arena, "Deleted '%s'.", deleted)));
	}
	names_release(&n);
	return nd__admin_render(app, req, res, "articles", ctx, 200);
}

/* ---- The editor ---- */

/* The admin script's URL ("/admin/static/admin.js?v=..."), or NULL. */
static const char *script_url(void);

/* Which buttons the editor shows for an article in state cur, to role. */
static void buttons(json_t *ctx, enum nd_role role, const struct nd_article_state *cur)
{
	bool publisher = nd_role_may(role, ND_ACT_PUBLISH);
	bool live = cur->exists && cur->status == ND_STATUS_PUBLISHED;
	bool scheduled = cur->exists && cur->status == ND_STATUS_SCHEDULED;
	bool draft = !cur->exists || cur->status == ND_STATUS_DRAFT;

	json_object_set_new(ctx, "b_draft", json_boolean(draft));
	json_object_set_new(ctx, "b_publish", json_boolean(publisher && !live));
	json_object_set_new(ctx, "b_schedule", json_boolean(publisher && !live));
	json_object_set_new(ctx, "b_update", json_boolean(publisher && live));
	json_object_set_new(ctx, "b_unpublish", json_boolean(publisher && (live || scheduled)));
	/* An author cannot change what is no longer a draft. */
	json_object_set_new(ctx, "read_only", json_boolean(!publisher && !draft));
}

struct where {
	int64_t section_id;
	const char *slug;
};

static int where_cb(void *ctx, const struct nd_article_rec *r)
{
	struct where *w = ctx;

	w->section_id = r->section_id;
	w->slug = nd_xstrdup(r->slug);
	return 0;
}

/*
 * Renders the editor: f as typed (or loaded), id NULL for a new article,
 * cur its state, error and notice (NULL: none) and the status of the
 * answer.
 */
static int editor(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                  const struct nd_admin_user *u, struct nd_store *s, const struct form *f,
                  const char *id, const struct nd_article_state *cur, const char *error,
                  const char *notice, int status)
{
	json_t *ctx =
	    nd__admin_ctx(req, u, id ? "Edit article" : "New article", id ? "articles" : "new");
	struct names n;

	json_object_set_new(ctx, "a",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
	                              f->title, "slug", f->slug, "summary", f->summary, "body",
	                              f->body, "section", f->section, "author", f->author, "tags",
	                              f->tags, "image", f->image, "language", f->language,
	                              "publish_at", f->publish_at));
	json_object_set_new(ctx, "status",
	                    json_string(cur->exists ? nd_status_name(cur->status) : "new"));
	json_object_set_new(ctx, "form_action",
	                    json_string(id ? edit_url(req, id, "") : "/admin/articles"));
	if (id) {
		json_object_set_new(ctx, "id", json_string(id));
		json_object_set_new(ctx, "revisions_url",
		                    json_string(edit_url(req, id, "/revisions")));
		if (!nd__article_refusal(req, u->role, u->id, cur, ND_STATUS_DRAFT))
			json_object_set_new(ctx, "delete_url",
			                    json_string(edit_url(req, id, "/delete")));
	}
	buttons(ctx, u->role, cur);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	if (script_url())
		json_object_set_new(ctx, "script", json_string(script_url()));
	if (!names_load(s, req, &n)) {
		struct where w = {0};

		json_object_set(ctx, "sections", n.section_list);
		json_object_set(ctx, "authors", n.author_list);
		if (id && cur->exists && cur->status == ND_STATUS_PUBLISHED &&
		    !nd_store_article_get(s, id, where_cb, &w))
			json_object_set_new(ctx, "view_url",
			                    json_string(public_url(req, &n, w.section_id, w.slug)));
		free((char *)w.slug);
		names_release(&n);
	}
	return nd__admin_render(app, req, res, "article_edit", ctx, status);
}

/* The string field key of doc, "" when it has none. */
static const char *doc_str(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* The stored article's fields for the form. */
static void form_from_doc(struct nd_http_request *req, json_t *doc, struct form *f)
{
	struct nd_buf tags = ND_BUF_INIT;
	json_t *t;
	size_t i;
	int64_t at;

	f->title = nd_arena_strdup(req->arena, doc_str(doc, "title"));
	f->slug = nd_arena_strdup(req->arena, doc_str(doc, "slug"));
	f->summary = nd_arena_strdup(req->arena, doc_str(doc, "summary"));
	f->body = nd_arena_strdup(req->arena, doc_str(doc, "body"));
	f->section = nd_arena_strdup(req->arena, doc_str(doc, "section"));
	f->author = nd_arena_strdup(req->arena, doc_str(doc, "author"));
	f->image = nd_arena_strdup(req->arena, doc_str(doc, "image"));
	f->language = nd_arena_strdup(req->arena, doc_str(doc, "language"));
	json_array_foreach(json_object_get(doc, "tags"), i, t)
	{
		if (i)
			nd_buf_adds(&tags, ", ");
		nd_buf_adds(&tags, json_string_value(t));
	}
	f->tags = nd_arena_strndup(req->arena, tags.buf, tags.len);
	nd_buf_release(&tags);
	f->publish_at = "";
	{
		/* "2026-11-29T15:00:00Z" -> "2026-11-29T15:00:00" */
		const char *p = doc_str(doc, "published_at");
		size_t len = strlen(p);

		if (len == 20 && p[19] == 'Z' &&
		    parse_local(nd_arena_strndup(req->arena, p, 19), &at))
			f->publish_at = nd_arena_strndup(req->arena, p, 19);
	}
}

/* The {id} of "/admin/articles/{id}" (the path is percent-decoded already). */
static const char *path_id(struct nd_http_request *req, const struct nd_route_match *m, size_t cut)
{
	return nd_arena_strndup(req->arena, m->params[0].p, m->params[0].len - cut);
}

static bool ends_with(const struct nd_str *s, const char *suffix)
{
	size_t len = strlen(suffix);

	return s->len > len && !memcmp(s->p + s->len - len, suffix, len);
}

/* The state of id into *cur and a 0, else the status of an answer made (404, 403, 503). */
static int load_state(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_admin_user *u, struct nd_store *s, const char *id,
                      struct nd_article_state *cur)
{
	if (nd__article_state(s, id, cur))
		return message(app, req, res, u, 503, "The store cannot be read; try again.");
	if (!cur->exists)
		return message(
		    app, req, res, u, 404,
		    nd_arena_printf(req->arena, "There is no article with id '%s'.", id));
	if (cur->owner != u->id && !nd_role_may(u->role, ND_ACT_EDIT_ANY))
		return nd__admin_forbidden(
		    app, req, res,
		    nd_arena_printf(req->arena, "The role %s may change only its own articles.",
		                    nd_role_name(u->role)));
	return 0;
}

static int delete_page(struct nd_app *app, struct nd_http_request *req,
                       struct nd_http_response *res, const char *id);

ND_HANDLER(admin_article)
{
	struct nd_admin_user u;
	struct nd_article_state cur = {0};
	struct nd_store *s;
	struct form f = {"", "", "", "", "", "", "", "", "", ""};
	const char *id, *saved, *notice = NULL;
	json_t *doc;
	int status;

	(void)site;
	if (nd__admin_revision_path(req, m, false))
		return nd__admin_revisions_get(app, req, res, m);
	if (ends_with(&m->params[0], "/delete"))
		return delete_page(app, req, res, path_id(req, m, 7));
	if ((status = begin(app, req, res, false, &u, &s)) != 0)
		return status;
	id = path_id(req, m, 0);
	if (!strcmp(id, "new")) {
		f.language = app->cfg->language;
		return editor(app, req, res, &u, s, &f, NULL, &cur, NULL, NULL, 200);
	}
	if ((status = load_state(app, req, res, &u, s, id, &cur)) != 0)
		return status;
	if (!(doc = nd__article_doc(s, id)))
		return message(app, req, res, &u, 503, "The store cannot be read; try again.");
	form_from_doc(req, doc, &f);
	json_decref(doc);
	saved = nd_http_query(req, "saved");
	for (int a = 0; saved && a < A__COUNT; a++)
		if (!strcmp(saved, action_names[a]))
			notice = action_notices[a];
	return editor(app, req, res, &u, s, &f, id, &cur, NULL, notice, 200);
}

/* ---- Saving ---- */

/* Whether the request is the script's autosave (answered 204, not 303). */
static bool autosave(struct nd_http_request *req)
{
	const char *h = nd_http_header(req, "X-Nd-Autosave");

	return h && !strcmp(h, "1");
}

/*
 * The import's JSON object of the article: the stored one (doc, consumed;
 * NULL for a new article) with the form's fields over it, for action. On a
 * refusal that is not the import's to make (a publish time), *why gets the
 * message and NULL comes back.
 */
static json_t *article_json(struct nd_http_request *req, json_t *doc, const char *id,
                            const struct form *f, enum action act,
                            const struct nd_article_state *cur, const char **why)
{
	static const enum nd_article_status status_of[A__COUNT] = {
	    ND_STATUS_DRAFT, ND_STATUS_PUBLISHED, ND_STATUS_SCHEDULED, ND_STATUS_PUBLISHED,
	    ND_STATUS_DRAFT};
	json_t *o = doc ? doc : json_object();
	json_t *tags = json_array();
	char *parts[ND_MAX_TAGS + 1];
	size_t n = split(req, f->tags, ',', parts, ND_COUNT(parts));
	int64_t at = 0, now = nd__admin_now();
	bool has_at = given(f->publish_at);
	char iso[32];

	*why = NULL;
	if (has_at && !parse_local(trimmed(req, f->publish_at, strlen(f->publish_at)), &at)) {
		*why = nd_arena_printf(req->arena,
		                       "field 'publish time' must be a date and time like "
		                       "2026-11-29T15:00 (UTC), not '%s'",
		                       f->publish_at);
		goto fail;
	}
	if (act == A_SCHEDULE && (!has_at || at <= now)) {
		char nowtxt[24];

		local_time(now, nowtxt);
		*why = nd_arena_printf(req->arena,
		                       "scheduling needs a publish time in the future (UTC; it is "
		                       "now %s)%s",
		                       nowtxt, has_at ? "" : ": the field 'publish time' is empty");
		goto fail;
	}
	json_object_del(o, "updated_at");
	json_object_del(o, "published_at");
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "title", json_string(f->title));
	json_object_set_new(o, "slug", json_string(f->slug));
	json_object_set_new(o, "summary", json_string(f->summary));
	json_object_set_new(o, "body", json_string(f->body));
	json_object_set_new(o, "section", json_string(f->section));
	json_object_set_new(o, "author", json_string(f->author));
	json_object_set_new(o, "image", json_string(f->image));
	json_object_set_new(o, "language", json_string(f->language));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(tags, json_string(parts[i]));
	json_object_set_new(o, "tags", tags);
	tags = NULL;
	json_object_set_new(o, "status", json_string(nd_status_name(status_of[act])));
	/* Publishing now is now; a published article keeps its time unless the
	 * field changes it; unpublishing keeps it. */
	if (act == A_PUBLISH && !(cur->exists && cur->status == ND_STATUS_PUBLISHED))
		at = now, has_at = true;
	if (act == A_UNPUBLISH)
		has_at = false;
	if (has_at) {
		nd__iso_time(at, iso);
		json_object_set_new(o, "published_at", json_string(iso));
	}
	return o;
fail:
	json_decref(tags);
	json_decref(o);
	return NULL;
}

static enum action parse_action(const char *name)
{
	for (int a = 0; a < A__COUNT; a++)
		if (!strcmp(name, action_names[a]))
			return (enum action)a;
	return A__COUNT;
}

/* POST /admin/articles (id NULL) and POST /admin/articles/{id}. */
static int save(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                const char *id)
{
	struct nd_admin_user u;
	struct nd_article_state cur = {0};
	struct nd_article_in art;
	struct nd_buf why = ND_BUF_INIT;
	struct nd_store *s;
	struct form f;
	enum action act;
	json_t *obj = NULL, *doc = NULL, *stored = NULL;
	const char *refusal, *err;
	bool created = false;
	int status, rc;

	if ((status = begin(app, req, res, true, &u, &s)) != 0)
		return status;
	act = parse_action(field(req, "action"));
	if (act == A__COUNT)
		return message(app, req, res, &u, 400,
		               "The form did not say what to do: its button 'action' must be "
		               "draft, publish, schedule, update or unpublish.");
	if (id && (status = load_state(app, req, res, &u, s, id, &cur)) != 0)
		return status;
	if (!read_form(req, &f))
		return message(app, req, res, &u, 400, NOT_UTF8);
	if (act == A_UPDATE && !(cur.exists && cur.status == ND_STATUS_PUBLISHED)) {
		return editor(app, req, res, &u, s, &f, id, &cur,
		              "\"Update\" saves a published article; this one is not published: "
		              "use \"Save draft\", \"Schedule\" or \"Publish now\"",
		              NULL, 409);
	}
	/* An autosave only ever keeps a draft: a live article changes only on a click. */
	if (autosave(req) && (act != A_DRAFT || (cur.exists && cur.status != ND_STATUS_DRAFT)))
		return message(app, req, res, &u, 409,
		               "Autosave keeps drafts only; save a published or scheduled "
		               "article with its buttons.");
	if (id && !(stored = nd__article_doc(s, id)))
		return message(app, req, res, &u, 503, "The store cannot be read; try again.");
	if (!(obj = article_json(req, stored, id ? id : new_id(req), &f, act, &cur, &err))) {
		status = editor(app, req, res, &u, s, &f, id, &cur, err, NULL, 422);
		goto out;
	}
	if ((rc = nd_jsonl_parse_object(obj, req->arena, &art, &why)) != 0) {
		status = editor(app, req, res, &u, s, &f, id, &cur,
		                nd_arena_strndup(req->arena, why.buf, why.len), NULL, 422);
		goto out;
	}
	if ((refusal = nd__article_refusal(req, u.role, u.id, &cur, art.status)) != NULL) {
		status = editor(app, req, res, &u, s, &f, id, &cur, refusal, NULL, 403);
		goto out;
	}
	art.user_id = u.id;
	rc = nd_store_article_put(s, &art, &created);
	if (rc == ND_EINVAL || rc == ND_ETOOBIG) {
		status = editor(app, req, res, &u, s, &f, id, &cur,
		                "the store refused the article (see the server log)", NULL, 422);
		goto out;
	}
	if (rc || !(doc = nd__article_doc(s, art.ext_id))) {
		status = editor(app, req, res, &u, s, &f, id, &cur,
		                "the article could not be saved; try again", NULL, 503);
		goto out;
	}
	nd_log(ND_LOG_INFO, "admin: %s '%s' %s article '%s' (%s)", nd_role_name(u.role), u.login,
	       created ? "created" : "saved", art.ext_id, action_names[act]);
	nd__article_notify(app, nd__article_saved_event(s, art.ext_id, &cur), art.ext_id, doc);
	if (autosave(req)) {
		nd_http_add_header(res, "X-Nd-Edit-Url", edit_url(req, art.ext_id, ""));
		status = 204;
		goto out;
	}
	nd_http_add_header(
	    res, "Location",
	    edit_url(req, art.ext_id, nd_arena_printf(req->arena, "?saved=%s", action_names[act])));
	status = 303;
out:
	json_decref(obj);
	json_decref(doc);
	nd_buf_release(&why);
	return status;
}

ND_HANDLER(admin_article_create)
{
	(void)site;
	(void)m;
	return save(app, req, res, NULL);
}

static int delete_post(struct nd_app *app, struct nd_http_request *req,
                       struct nd_http_response *res, const char *id);

ND_HANDLER(admin_article_save)
{
	(void)site;
	if (nd__admin_revision_path(req, m, true))
		return nd__admin_revision_restore(app, req, res, m);
	if (ends_with(&m->params[0], "/delete"))
		return delete_post(app, req, res, path_id(req, m, 7));
	return save(app, req, res, path_id(req, m, 0));
}

/* ---- Delete ---- */

struct title {
	char *title;
};

static int title_cb(void *ctx, const struct nd_article_rec *r)
{
	((struct title *)ctx)->title = nd_xstrdup(r->title);
	return 0;
}

/*
 * The checks before a delete of id: the user may delete it (as the API's
 * DELETE: nd__article_refusal with ND_STATUS_DRAFT). 0 with *cur and *title
 * (req's arena), else the status of an answer made.
 */
static int may_delete(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res,
                      const struct nd_admin_user *u, struct nd_store *s, const char *id,
                      struct nd_article_state *cur, const char **title)
{
	struct title t = {0};
	const char *why;
	int status;

	if ((status = load_state(app, req, res, u, s, id, cur)) != 0)
		return status;
	if ((why = nd__article_refusal(req, u->role, u->id, cur, ND_STATUS_DRAFT)) != NULL)
		return nd__admin_forbidden(app, req, res, why);
	if (nd_store_article_get(s, id, title_cb, &t))
		return message(app, req, res, u, 503, "The store cannot be read; try again.");
	*title = nd_arena_strdup(req->arena, t.title ? t.title : id);
	free(t.title);
	return 0;
}

static int delete_page(struct nd_app *app, struct nd_http_request *req,
                       struct nd_http_response *res, const char *id)
{
	struct nd_admin_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	const char *title;
	json_t *ctx;
	int status;

	if ((status = begin(app, req, res, false, &u, &s)) != 0 ||
	    (status = may_delete(app, req, res, &u, s, id, &cur, &title)) != 0)
		return status;
	ctx = nd__admin_ctx(req, &u, "Delete article", "articles");
	json_object_set_new(ctx, "article_title", json_string(title));
	json_object_set_new(ctx, "action", json_string(edit_url(req, id, "/delete")));
	json_object_set_new(ctx, "back", json_string(edit_url(req, id, "")));
	json_object_set_new(ctx, "published", json_boolean(cur.status == ND_STATUS_PUBLISHED));
	json_object_set_new(ctx, "narrow", json_true());
	return nd__admin_render(app, req, res, "article_delete", ctx, 200);
}

static int delete_post(struct nd_app *app, struct nd_http_request *req,
                       struct nd_http_response *res, const char *id)
{
	struct nd_admin_user u;
	struct nd_article_state cur;
	struct nd_store *s;
	struct nd_buf loc = ND_BUF_INIT;
	const char *title;
	int status, rc;

	if ((status = begin(app, req, res, true, &u, &s)) != 0 ||
	    (status = may_delete(app, req, res, &u, s, id, &cur, &title)) != 0)
		return status;
	/* As the API's DELETE: a published article's delete is an unpublish. */
	rc = nd__article_delete(app, s, id, &cur);
	if (rc == ND_ENOTFOUND)
		return message(
		    app, req, res, &u, 404,
		    nd_arena_printf(req->arena, "There is no article with id '%s'.", id));
	if (rc)
		return message(app, req, res, &u, 503,
		               "The article could not be deleted; try again.");
	nd_log(ND_LOG_INFO, "admin: %s '%s' deleted article '%s'", nd_role_name(u.role), u.login,
	       id);
	nd_buf_adds(&loc, "/admin/articles?deleted=");
	nd_escape_url(&loc, title, strlen(title));
	nd_http_add_header(res, "Location", nd_arena_strndup(req->arena, loc.buf, loc.len));
	nd_buf_release(&loc);
	return 303;
}

/* ---- The preview ---- */

/* An article built from the form, with what it points to (req's arena). */
struct preview {
	struct nd_site_article a;
	struct nd_site_section sections[ND_MAX_SECTION_DEPTH];
	struct nd_site_person author;
	struct nd_site_person tags[ND_MAX_TAGS];
	struct nd_site_person *tag_ptrs[ND_MAX_TAGS];
};

/* The slug of name (req's arena); fallback when it has no letter or digit. */
static const char *slug_of(struct nd_http_request *req, const char *name, const char *fallback)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *slug;

	nd_slugify(name, ND_MAX_SLUG, &b);
	slug = b.len ? nd_arena_strndup(req->arena, b.buf, b.len) : fallback;
	nd_buf_release(&b);
	return slug;
}

static const char *escaped(struct nd_http_request *req, const char *prefix, const char *s)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *out;

	nd_buf_adds(&b, prefix);
	nd_escape_url(&b, s, strlen(s));
	out = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
	return out;
}

/* The site's section for path ("World/Europe"), or one made up for the preview. */
static struct nd_site_section *preview_section(struct nd_app *app, const struct nd_site *site,
                                               struct nd_http_request *req, struct preview *p,
                                               const char *path)
{
	char *levels[ND_MAX_SECTION_DEPTH];
	size_t n = split(req, path, '/', levels, ND_COUNT(levels));
	struct nd_buf route = ND_BUF_INIT, url = ND_BUF_INIT, names = ND_BUF_INIT;
	const struct nd_site_section *real;

	(void)app;
	if (!n) {
		levels[0] = "News";
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct nd_site_section *sec = &p->sections[i];
		const char *slug = slug_of(req, levels[i], "section");

		nd_buf_addch(&route, '/');
		nd_buf_adds(&route, slug);
		nd_buf_addch(&url, '/');
		nd_escape_url(&url, slug, strlen(slug));
		if (i)
			nd_buf_addch(&names, '/');
		nd_buf_adds(&names, levels[i]);
		sec->parent = i ? &p->sections[i - 1] : NULL;
		sec->slug = slug;
		sec->name = levels[i];
		sec->path = nd_arena_strndup(req->arena, names.buf, names.len);
		sec->url = nd_arena_strndup(req->arena, url.buf, url.len);
		sec->route = nd_arena_strndup(req->arena, route.buf, route.len);
		sec->depth = (int)i;
	}
	real = nd_site_section_at(site, route.buf, route.len);
	nd_buf_release(&route);
	nd_buf_release(&url);
	nd_buf_release(&names);
	/* A section the site has: its breadcrumb and its other stories. */
	return real ? (struct nd_site_section *)real : &p->sections[n - 1];
}

/* The site's person of map by slug, or one made up (url: prefix + slug). */
static struct nd_site_person *preview_person(struct nd_http_request *req, const struct nd_map *map,
                                             struct nd_site_person *made, const char *name,
                                             const char *prefix)
{
	const char *slug = slug_of(req, name, "name");
	struct nd_site_person *real = nd_map_get(map, slug, strlen(slug));

	if (real)
		return real;
	made->slug = slug;
	made->name = name;
	made->url = escaped(req, prefix, slug);
	return made;
}

static void preview_article(struct nd_app *app, const struct nd_site *site,
                            struct nd_http_request *req, const struct form *f, struct preview *p)
{
	struct nd_site_article *a = &p->a;
	char *tags[ND_MAX_TAGS];
	size_t n = split(req, f->tags, ',', tags, ND_COUNT(tags));
	struct nd_buf b = ND_BUF_INIT;
	int64_t at;

	/* The stored article's id (the editor's hidden field), "" for a new one. */
	a->ext_id = field(req, "id");
	a->title = given(f->title) ? f->title : "(untitled)";
	a->summary = f->summary;
	a->slug = slug_of(req, given(f->slug) ? f->slug : a->title, "article");
	a->language = given(f->language) ? f->language : app->cfg->language;
	a->image = f->image;
	a->source_url = "";
	a->section = preview_section(app, site, req, p, f->section);
	a->url = nd_arena_printf(req->arena, "%s%s", a->section->url, escaped(req, "/", a->slug));
	a->route = a->url;
	if (given(f->author))
		a->author = preview_person(req, &site->author_by_slug, &p->author,
		                           trimmed(req, f->author, strlen(f->author)), "/author/");
	for (size_t i = 0; i < n; i++)
		p->tag_ptrs[i] =
		    preview_person(req, &site->tag_by_slug, &p->tags[i], tags[i], "/tag/");
	a->tags = p->tag_ptrs;
	a->tag_count = n;
	a->published_at =
	    given(f->publish_at) &&
	            parse_local(trimmed(req, f->publish_at, strlen(f->publish_at)), &at)
	        ? at
	        : nd__admin_now();
	a->updated_at = a->published_at;
	/* The site's own renderer (site.c), the same description rule. */
	nd_buf_init(&b, ND_MAX_PAGE);
	nd_markdown_to_html(f->body, strlen(f->body), &b);
	a->body_html = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_reset(&b);
	if (given(f->summary)) {
		nd_buf_adds(&b, f->summary);
		nd_buf_cut_words(&b, 0, PREVIEW_DESCRIPTION_LEN);
	} else {
		nd_markdown_to_text(f->body, strlen(f->body), PREVIEW_DESCRIPTION_LEN, &b);
	}
	a->description = nd_arena_strndup(req->arena, b.buf, b.len);
	nd_buf_release(&b);
}

/* Sets header name to value alone: every other copy goes (value NULL: all go). */
static void set_only(struct nd_http_response *res, const char *name, const char *value)
{
	size_t w = 0;

	for (size_t i = 0; i < res->header_count; i++)
		if (strcasecmp(res->headers[i].name, name))
			res->headers[w++] = res->headers[i];
	res->header_count = w;
	if (value)
		nd_http_add_header(res, name, value);
}

/* The banner a preview carries, just inside its <body>. */
#define PREVIEW_BANNER                                                                             \
	"\n<p role=\"status\" class=\"nd-preview-banner\" style=\"margin:0;padding:.5rem 1rem;"    \
	"background:#fff2c2;color:#1f2328;border-bottom:2px solid #c9a400;font:600 15px/1.4 "      \
	"system-ui,sans-serif;text-align:center\">Preview \xe2\x80\x94 not published</p>"

static void add_banner(struct nd_http_response *res)
{
	const char *body = res->body.len ? strstr(res->body.buf, "<body") : NULL;
	const char *gt = body ? strchr(body, '>') : NULL;
	struct nd_buf b = ND_BUF_INIT;
	size_t at;

	if (!gt)
		return;
	at = (size_t)(gt + 1 - res->body.buf);
	nd_buf_add(&b, res->body.buf, at);
	nd_buf_adds(&b, PREVIEW_BANNER);
	nd_buf_add(&b, res->body.buf + at, res->body.len - at);
	nd_buf_reset(&res->body);
	nd_buf_add(&res->body, b.buf, b.len);
	nd_buf_release(&b);
}

ND_HANDLER(admin_preview)
{
	struct nd_admin_user u;
	struct preview *p;
	struct form f;
	size_t bad;
	int status;

	(void)m;
	if ((status = begin(app, req, res, true, &u, NULL)) != 0)
		return status;
	if (!read_form(req, &f) || !nd_utf8_valid(field(req, "id"), strlen(field(req, "id")), &bad))
		return message(app, req, res, &u, 400, NOT_UTF8);
	p = nd_arena_alloc(req->arena, sizeof(*p));
	preview_article(app, site, req, &f, p);
	status = nd__article_page(app, site, req, res, &p->a, true);
	if (status == 200)
		add_banner(res);
	/* The one admin answer the admin may frame (the editor's iframe),
	 * with what the site's page needs: its stylesheet and images. The
	 * inline style is the banner's. No script at all: the frame is of
	 * the admin's origin, so a script in it could act as the user, and
	 * a preview has no live values for the site's script to fill. */
	set_only(res, "ETag", NULL);
	set_only(res, "Cache-Control", "no-store");
	set_only(res, "X-Frame-Options", "SAMEORIGIN");
	set_only(res, "Content-Security-Policy",
	         "default-src 'self'; img-src 'self' https: data:; style-src 'self' "
	         "'unsafe-inline'; script-src 'none'; object-src 'none'; base-uri 'self'; "
	         "form-action 'self'; frame-ancestors 'self'");
	set_only(res, "Referrer-Policy", "same-origin");
	set_only(res, "X-Content-Type-Options", "nosniff");
	return status;
}

/* ---- The admin's script ---- */

static struct {
	pthread_once_t once;
	char *data;
	size_t len;
	char etag[24];
	char *url;
} script = {PTHREAD_ONCE_INIT, NULL, 0, "", NULL};

/* Loads themes/default/admin/admin.js once; without it the admin works without JS. */
static void script_load(void)
{
	struct nd_buf b;
	char path[4096];

	snprintf(path, sizeof(path), "%s/admin/admin.js", nd_app_default_theme());
	nd_buf_init(&b, 1024 * 1024);
	if (nd_buf_read_file(&b, path, "admin script")) {
		nd_buf_release(&b);
		return;
	}
	script.data = nd_buf_detach(&b, &script.len);
	snprintf(script.etag, sizeof(script.etag), "\"%016llx\"",
	         (unsigned long long)nd_hash(script.data, script.len));
	script.url = nd_arena_printf(NULL, "/admin/static/admin.js?v=%.8s", script.etag + 1);
}

static const char *script_url(void)
{
	pthread_once(&script.once, script_load);
	return script.url;
}

ND_HANDLER(admin_script)
{
	const char *v = nd_http_query(req, "v");

	(void)site;
	(void)m;
	if (!script_url())
		return nd__render_error(app, site, req, res, 404, "There is no such file.");
	nd_http_add_header(res, "ETag", script.etag);
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	/* The editor names the current version: cache it for a year. */
	nd_http_add_header(res, "Cache-Control",
	                   v && !strncmp(v, script.etag + 1, 8) && strlen(v) == 8
	                       ? "public, max-age=31536000, immutable"
	                       : "no-cache");
	res->content_type = "text/javascript; charset=utf-8";
	if (nd_http_etag_matches(nd_http_header(req, "If-None-Match"), script.etag))
		return 304;
	res->static_body = script.data;
	res->static_len = script.len;
	return 200;
}
