/* newsdesk import: JSON Lines into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/mem.h"
#include "ingest/jsonl.h"
#include "store/store.h"

int nd_cmd_import(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("import");
	bool strict = false, quiet = false;
	const struct nd_cli_flag flags[] = {
	    {"strict", &strict, "all or nothing: roll back everything at the first bad line"},
	    {"quiet", &quiet, "no progress bar"},
	    {NULL, NULL, NULL},
	};
	struct nd_config cfg;
	struct nd_store *store = NULL;
	struct nd_import_opts o;
	struct nd_import_stats st;
	FILE *in = NULL;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos, rc;

	rc = nd__cli_parse(cmd, flags, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	if (npos != 1) {
		fprintf(stderr, "usage: newsdesk import [--db PATH] [--strict] FILE.jsonl|-\n");
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	nd_import_opts_init(&o);
	if ((rc = nd_import_open(pos[0], &in, &o)) < 0) {
		rc = nd_import_exit_code(rc);
		goto out;
	}
	if (nd_store_open(cfg.db, &store)) {
		nd__cli_store_error("import", cfg.db);
		rc = 2;
		goto out;
	}
	o.strict = strict;
	o.progress = !quiet && isatty(STDERR_FILENO);
	rc = nd_import_exit_code(nd_import_jsonl(store, in, &o, &st));
out:
	nd_import_close(in);
	nd_store_close(store);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
