/* newsdesk serve: the site over HTTP until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/mem.h"
#include "core/log.h"
#include "handler/handler.h"
#include "http/http.h"
#include "site/site.h"
#include "site/snapshot.h"
#include "wire/wire.h"

/* The wire fetch's saves get the webhook events of the write API's. */
static void wire_saved(void *ctx, struct nd_store *s, const char *ext_id, bool existed,
                       enum nd_article_status before)
{
	nd_app_article_saved(ctx, s, ext_id, existed, (int)before);
}

/* In-flight requests get this long to finish at shutdown. */
#define GRACE_MS 10000

int nd_cmd_serve(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("serve");
	struct nd_config cfg;
	struct nd_snapshot *snap = NULL;
	struct nd_http_server *srv = NULL;
	struct nd_app app;
	struct nd_wire_sched *wire = NULL;
	bool app_ready = false, curl_ready = false;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos, rc, sig;
	sigset_t set;

	rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	if (npos) {
		fprintf(stderr, "newsdesk serve: unexpected argument '%s'\n", pos[0]);
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	/* Block the stop signals before any thread starts, so every thread
	 * inherits the mask and only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (nd_snapshot_open(cfg.db, cfg.reload_interval_ms, (size_t)cfg.page_cache_mb << 20,
	                     &snap)) {
		nd__cli_store_error("serve", cfg.db);
		rc = 1;
		goto out;
	}
	if (nd_app_init(&app, &cfg, snap)) {
		fprintf(stderr, "newsdesk serve: cannot start the site (theme '%s', store '%s')\n",
		        *cfg.theme ? cfg.theme : nd_app_default_theme(), cfg.db);
		rc = 1;
		goto out;
	}
	app_ready = true;
	{
		struct nd_http_options o = {.listen = cfg.listen,
		                            .threads = cfg.threads,
		                            .timeout = cfg.connection_timeout,
		                            .max_connections = cfg.max_connections,
		                            .max_connections_per_ip = cfg.max_connections_per_ip,
		                            .accepts_body = nd_app_accepts_body};
		if (nd_http_server_bind(&o, &srv)) {
			rc = 1;
			goto out;
		}
		nd_app_set_base_url(&app, nd_http_server_port(srv));
		if (nd_http_server_serve(srv, nd_app_handle, &app)) {
			rc = 1;
			goto out;
		}
	}
	nd_snapshot_read_lock();
	nd_log(ND_LOG_INFO, "serving %zu articles from '%s' on http://%.*s:%d/",
	       nd_snapshot_site(snap)->article_count, cfg.db,
	       (int)(strrchr(cfg.listen, ':') - cfg.listen), cfg.listen, nd_http_server_port(srv));
	nd_snapshot_read_unlock();
	/* The wire schedule starts once the site is up; curl's global set-up
	 * happens here, before its thread. */
	if (cfg.feed_count && cfg.fetch_interval > 0) {
		if (nd_wire_global_init()) {
			fprintf(stderr, "newsdesk serve: cannot initialise libcurl\n");
			rc = 1;
			goto out;
		}
		curl_ready = true;
		if (nd_wire_sched_start(&cfg, wire_saved, &app, &wire)) {
			rc = 1;
			goto out;
		}
	}
	fflush(stderr);

	if (sigwait(&set, &sig) == 0)
		nd_log(ND_LOG_INFO, "%s received: finishing requests in flight, then stopping",
		       sig == SIGINT ? "SIGINT" : "SIGTERM");
	nd_wire_sched_stop(wire);
	wire = NULL;
	nd_http_server_stop(srv, GRACE_MS);
	srv = NULL;
	nd_log(ND_LOG_INFO, "stopped");
	rc = 0;
out:
	nd_wire_sched_stop(wire);
	if (curl_ready)
		nd_wire_global_cleanup();
	nd_http_server_stop(srv, 0);
	if (app_ready)
		nd_app_release(&app);
	nd_snapshot_close(snap);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
