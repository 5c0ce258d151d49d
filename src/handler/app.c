/* Application set-up: theme, templates, assets; and small fixed routes. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/arena.h"
#include "core/mem.h"
#include "handler/engage.h"
#include "webhook/webhook.h"
#include "handler/handler_int.h"
#include "render/template.h"
#include "site/snapshot.h"

#ifndef ND_THEME_DIR
#define ND_THEME_DIR "themes/default"
#endif

static const char *const required[] = {"layout", "home", "section", "article", "list", "error"};

const char *nd_app_default_theme(void)
{
	struct stat st;

	/* The source tree's theme when run from a build; else relative. */
	if (!stat(ND_THEME_DIR, &st) && S_ISDIR(st.st_mode))
		return ND_THEME_DIR;
	return "themes/default";
}

static void golive_cb(void *ctx, const struct nd_site *site)
{
	nd__golive(ctx, site->built_at);
}

int nd_app_init(struct nd_app *app, const struct nd_config *cfg, struct nd_snapshot *snap)
{
	char path[PATH_MAX];
	int rc;

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	app->snap = snap;
	app->theme_dir = nd_xstrdup(*cfg->theme ? cfg->theme : nd_app_default_theme());
	app->tpl = nd_tpl_set_new();
	if ((rc = nd_tpl_set_load_dir(app->tpl, app->theme_dir))) {
		nd_error(rc, "cannot load theme '%s'", app->theme_dir);
		goto out;
	}
	for (size_t i = 0; i < ND_COUNT(required); i++) {
		if (!nd_tpl_set_has(app->tpl, required[i])) {
			rc = nd_error(ND_EINVAL, "theme '%s' has no template '%s.mustache'",
			              app->theme_dir, required[i]);
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/static", app->theme_dir);
	if ((rc = nd__assets_load(path, &app->assets)))
		goto out;
	if ((rc = nd_engage_open(cfg, &app->engage)) != 0)
		goto out;
	if ((rc = nd__admin_open(app)) != 0)
		goto out;
	if ((rc = nd_webhooks_start(cfg, &app->webhooks)) != 0)
		goto out;
	/* Scheduled articles going live get their "publish" (webhook_events.c). */
	if (app->webhooks && snap)
		nd_snapshot_on_swap(snap, golive_cb, app);
out:
	if (rc)
		nd_app_release(app);
	return rc;
}

void nd_app_set_base_url(struct nd_app *app, int port)
{
	const char *url = app->cfg->site_url, *listen = app->cfg->listen;
	const char *colon = strrchr(listen, ':');
	size_t n = strlen(url);
	char host[256];

	free(app->base_url);
	if (n) {
		while (n && url[n - 1] == '/')
			n--;
		app->base_url = nd_xstrndup(url, n);
		return;
	}
	snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - listen) : 0, listen);
	if (!*host || !strcmp(host, "*") || !strcmp(host, "0.0.0.0") || !strcmp(host, "[::]")) {
		nd_log(ND_LOG_WARN,
		       "site_url is not set: links will name 'localhost'; set site_url "
		       "to the site's public address");
		snprintf(host, sizeof(host), "localhost");
	}
	app->base_url = nd_arena_printf(NULL, "http://%s:%d", host, port);
}

void nd_app_release(struct nd_app *app)
{
	if (app->webhooks && app->snap)
		nd_snapshot_on_swap(app->snap, NULL, NULL);
	nd_webhooks_stop(app->webhooks); /* what is still queued is logged as failed */
	nd_engage_close(app->engage);    /* the last flush of the counts */
	nd__admin_close(app);
	free(app->base_url);
	nd_tpl_set_free(app->tpl);
	nd__assets_free(app->assets);
	nd__reader_blocks_free(app->reader_blocks);
	free(app->theme_dir);
	memset(app, 0, sizeof(*app));
}

ND_HANDLER(robots)
{
	(void)site;
	(void)m;
	nd_buf_adds(&res->body, "User-agent: *\nDisallow: /api/\n\nSitemap: ");
	nd_buf_adds(&res->body, nd__absolute_url(app, req, "/sitemap.xml"));
	nd_buf_addch(&res->body, '\n');
	res->content_type = "text/plain; charset=utf-8";
	nd_http_add_header(res, "Cache-Control", "public, max-age=3600");
	return 200;
}
