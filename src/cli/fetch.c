/* newsdesk fetch: the wire feeds of the config into the store, once. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"
#include "wire/wire.h"

int nd_cmd_fetch(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("fetch");
	struct nd_config cfg;
	struct nd_store *store = NULL;
	struct nd_wire_opts o;
	char *state = NULL;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	bool curl_ready = false;
	int npos, rc;

	rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	if (npos) {
		fprintf(stderr, "usage: newsdesk fetch [--db PATH] [--config FILE]\n");
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	if (!cfg.feed_count) {
		fprintf(stderr, "newsdesk fetch: no feeds configured (add [feed NAME] sections "
		                "with a url to the --config file)\n");
		rc = 2;
		goto out;
	}
	if (nd_wire_global_init()) {
		fprintf(stderr, "newsdesk fetch: cannot initialise libcurl\n");
		rc = 2;
		goto out;
	}
	curl_ready = true;
	if (nd_store_open(cfg.db, &store)) {
		nd__cli_store_error("fetch", cfg.db);
		rc = 2;
		goto out;
	}
	nd_wire_opts_from_config(&o, &cfg, &state);
	rc = nd_wire_run(store, &o, NULL);
	rc = rc < 0 ? 2 : rc;
out:
	nd_store_close(store);
	if (curl_ready)
		nd_wire_global_cleanup();
	free(state);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
