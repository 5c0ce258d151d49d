/* newsdesk demo: a site of real news to look at, from the built-in corpus. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "ingest/jsonl.h"
#include "ingest/rfc3339.h"
#include "store/store.h"

extern const char nd_demo_corpus[], nd_demo_corpus_end[];

/* Calls fn for each line of the corpus. */
static void each_line(void (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
	const char *p = nd_demo_corpus, *end = nd_demo_corpus_end;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len)
			fn(ctx, p, len);
		p += len + 1;
	}
}

static int64_t field_time(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	int64_t t;

	return s && !nd_rfc3339_parse(s, strlen(s), &t) ? t : 0;
}

struct shift {
	int64_t newest, delta;
	struct nd_buf out;
};

static void find_newest(void *ctx, const char *line, size_t len)
{
	struct shift *sh = ctx;
	json_t *obj = json_loadb(line, len, 0, NULL);
	int64_t t = field_time(obj, "published_at");

	if (t > sh->newest)
		sh->newest = t;
	json_decref(obj);
}

static void move_dates(void *ctx, const char *line, size_t len)
{
	static const char *const keys[] = {"published_at", "updated_at"};
	struct shift *sh = ctx;
	json_t *obj = json_loadb(line, len, 0, NULL);
	char *text;

	if (!obj)
		return;
	for (size_t i = 0; i < 2; i++) {
		int64_t t = field_time(obj, keys[i]);
		char iso[ND_RFC3339_SIZE];
		if (t && !nd_rfc3339_format(t + sh->delta, iso))
			json_object_set_new(obj, keys[i], json_string(iso));
	}
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	nd_buf_adds(&sh->out, text);
	nd_buf_addch(&sh->out, '\n');
	free(text);
	json_decref(obj);
}

int nd_cmd_demo(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("demo");
	struct nd_config cfg;
	struct nd_store *store = NULL;
	struct nd_import_opts o;
	struct nd_import_stats st;
	struct shift sh = {0, 0, ND_BUF_INIT};
	FILE *in = NULL;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos, rc;

	rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos);
	if (rc) {
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	if (npos) {
		fprintf(stderr, "newsdesk demo: unexpected argument '%s'\n", pos[0]);
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	/* The corpus spans 30 days up to a fixed date; move it so its newest
	 * story is an hour old whenever the demo is made. */
	each_line(find_newest, &sh);
	sh.delta = sh.newest ? (int64_t)time(NULL) - 3600 - sh.newest : 0;
	each_line(move_dates, &sh);
	if (nd_store_open(cfg.db, &store)) {
		nd__cli_store_error("demo", cfg.db);
		rc = 1;
		goto out;
	}
	in = fmemopen(sh.out.buf, sh.out.len, "r");
	if (!in) {
		rc = 1;
		goto out;
	}
	nd_import_opts_init(&o);
	o.name = "demo corpus";
	o.total_bytes = sh.out.len;
	o.progress = isatty(STDERR_FILENO);
	rc = nd_import_exit_code(nd_import_jsonl(store, in, &o, &st));
	if (!rc && nd__demo_activity(store, (int64_t)time(NULL))) {
		fprintf(stderr, "newsdesk demo: cannot add the simulated reader activity\n");
		rc = 1;
	}
	if (!rc)
		printf("demo site ready in '%s'; serve it with: newsdesk serve --db %s\n"
		       "the editors' admin is at /admin; make an account for it with: "
		       "newsdesk user add NAME --role admin --db %s\n",
		       cfg.db, cfg.db, cfg.db);
out:
	if (in)
		fclose(in);
	nd_store_close(store);
	nd_buf_release(&sh.out);
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
