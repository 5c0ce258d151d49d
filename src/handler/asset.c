/* The theme's static files: loaded once, served from memory with
 * validators and long cache lifetimes for versioned URLs. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/mem.h"
#include "handler/handler_int.h"
#include "handler/parts.h"

#define MAX_ASSET (8 * 1024 * 1024)

struct asset {
	char *name;
	char *data;
	size_t len;
	char etag[24];   /* "\"<16 hex>\"" */
	char version[9]; /* first 8 hex digits, for ?v= */
	char last_modified[40];
	char *url; /* "/static/NAME?v=VERSION" */
	time_t mtime;
	const char *type;
	struct nd_parts *parts; /* the file, with its compressed forms */
};

struct nd_assets {
	struct asset *items;
	size_t count;
	struct nd_map by_name;
};

static const struct {
	const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < ND_COUNT(types); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

int nd__assets_load(const char *dir, struct nd_assets **out)
{
	struct nd_assets *as = nd_xcalloc(1, sizeof(*as));
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int rc = 0;

	if (!d) {
		/* A theme without static files is fine. */
		*out = as;
		return 0;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		struct asset *a;
		struct nd_buf b;
		struct tm tm;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		nd_buf_init(&b, MAX_ASSET);
		if ((rc = nd_buf_read_file(&b, path, "asset"))) {
			nd_buf_release(&b);
			break;
		}
		if (as->count == cap) {
			cap = cap ? cap * 2 : 16;
			as->items = nd_xrealloc(as->items, cap * sizeof(*as->items));
		}
		a = &as->items[as->count++];
		memset(a, 0, sizeof(*a));
		a->name = nd_xstrdup(e->d_name);
		a->data = nd_buf_detach(&b, &a->len);
		a->mtime = st.st_mtime;
		a->type = type_of(a->name);
		snprintf(a->etag, sizeof(a->etag), "\"%016llx\"",
		         (unsigned long long)nd_hash(a->data, a->len));
		memcpy(a->version, a->etag + 1, 8);
		gmtime_r(&a->mtime, &tm);
		strftime(a->last_modified, sizeof(a->last_modified), "%a, %d %b %Y %H:%M:%S GMT",
		         &tm);
		a->url = nd_arena_printf(NULL, "/static/%s?v=%s", a->name, a->version);
		/* Text is compressed once, here, at brotli's best. */
		a->parts = nd_parts_new(a->data, a->len, 0, false,
		                        !strncmp(a->type, "text/", 5) || strstr(a->type, "svg"));
		nd_parts_precompress(a->parts);
	}
	closedir(d);
	/* Index after loading: the array no longer moves. */
	for (size_t i = 0; i < as->count; i++)
		nd_map_put(&as->by_name, as->items[i].name, strlen(as->items[i].name),
		           &as->items[i]);
	if (rc) {
		nd__assets_free(as);
		return rc;
	}
	*out = as;
	return 0;
}

void nd__assets_free(struct nd_assets *as)
{
	if (!as)
		return;
	for (size_t i = 0; i < as->count; i++) {
		free(as->items[i].name);
		free(as->items[i].data);
		free(as->items[i].url);
		nd_parts_unref(as->items[i].parts);
	}
	free(as->items);
	nd_map_release(&as->by_name);
	free(as);
}

const char *nd__asset_url(const struct nd_assets *as, const char *name)
{
	const struct asset *a = nd_map_get(&as->by_name, name, strlen(name));
	return a ? a->url : NULL;
}

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 if it is not one. */
static time_t parse_http_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return (time_t)-1;
	return timegm(&tm);
}

ND_HANDLER(asset)
{
	const struct asset *a = nd_map_get(&app->assets->by_name, m->params[0].p, m->params[0].len);
	const char *v = nd_http_query(req, "v");
	const char *inm = nd_http_header(req, "If-None-Match");
	const char *ims = nd_http_header(req, "If-Modified-Since");
	struct nd_parts_request q = {nd_http_header(req, "Accept-Encoding"), inm, NULL, req->arena};

	(void)site;
	/* Names are looked up, never joined to a path: "../x" is simply absent. */
	if (!a)
		return nd__render_error(app, site, req, res, 404, "There is no such file.");
	nd_http_add_header(res, "Last-Modified", a->last_modified);
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	/* A URL that names the current version never changes: cache it for a
	 * year. Unversioned or stale-version URLs get a short lifetime. */
	nd_http_add_header(res, "Cache-Control",
	                   v && !strcmp(v, a->version) ? "public, max-age=31536000, immutable"
	                                               : "public, max-age=300");
	res->content_type = a->type;
	if (!inm && ims && parse_http_date(ims) != (time_t)-1 && parse_http_date(ims) >= a->mtime) {
		nd_http_add_header(res, "ETag", a->etag);
		return 304;
	}
	/* The ETag (per coding), If-None-Match and the body in pieces. */
	return nd_parts_answer(a->parts, NULL, &q, res);
}
