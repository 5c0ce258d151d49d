/*
 * newsdesk migrate: a whole site from one store into a fresh one, SQLite
 * and PostgreSQL either way (nd_store_copy; docs/internals/migrate.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/mem.h"
#include "store/store.h"

#define USAGE "usage: newsdesk migrate --from URL --to URL\n"

#define HELP                                                                                       \
	USAGE                                                                                      \
	"\n"                                                                                       \
	"Copies a whole site from the store --from into the store --to: articles,\n"               \
	"revisions, sections, authors, tags, users, sessions, API tokens, view and\n"              \
	"reaction counters, reading histories, webhook deliveries, retired URLs and\n"             \
	"the site's secrets, every id kept. A URL is sqlite:PATH (or a plain path),\n"             \
	"postgres://USER[:PASSWORD]@HOST[:PORT]/DB or pg:KEY=VALUE... (libpq).\n"                  \
	"\n"                                                                                       \
	"--to must be a fresh store (a new SQLite file, or a new PostgreSQL database:\n"           \
	"createdb NAME); one holding site data is refused. Its schema is created on\n"             \
	"open. --from is read in one snapshot, so a running site can be copied; --to\n"            \
	"is written in one transaction: on an error nothing is left in it.\n"                      \
	"\n"                                                                                       \
	"Afterwards every table's rows are counted in both stores and printed;\n"                  \
	"the exit status is 0 only when all are equal (1: the copy failed or the\n"                \
	"counts differ, 2: bad usage or a store that cannot be opened).\n"                         \
	"\n"                                                                                       \
	"options:\n"                                                                               \
	"  --from URL             the store to copy (left unchanged)\n"                            \
	"  --to URL               the fresh store to fill\n"                                       \
	"  --log-level LEVEL      debug, info, warn or error (default: info)\n"

/* Tables with at least this many rows get progress lines on stderr. */
#define PROGRESS_MIN 10000

static void progress(void *ctx, const char *table, int64_t done, int64_t total)
{
	(void)ctx;
	if (total >= PROGRESS_MIN)
		fprintf(stderr, "newsdesk migrate: %s: %" PRId64 " of %" PRId64 " rows\n", table,
		        done, total);
}

static void print_report(const struct nd_store_copy_report *r)
{
	int64_t src = 0, dst = 0;

	printf("%-20s %10s %10s\n", "table", "source", "copied");
	for (size_t i = 0; i < r->n; i++) {
		const struct nd_store_copy_count *c = &r->tables[i];

		printf("%-20s %10" PRId64 " %10" PRId64 "%s\n", c->table, c->source, c->dest,
		       c->source == c->dest ? "" : "  DIFFERS");
		src += c->source;
		dst += c->dest;
	}
	printf("%-20s %10" PRId64 " %10" PRId64 "\n", "total", src, dst);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Opens both stores and copies; the exit status. */
static int migrate(const char *from, const char *to)
{
	struct nd_store *src = NULL, *dst = NULL;
	struct nd_store_copy_report report;
	struct timespec t0;
	char *from_shown = nd_store_url_shown(from), *to_shown = nd_store_url_shown(to);
	int rc = 2;

	if (nd_store_open(from, &src)) {
		nd__cli_store_error("migrate", from);
		goto out;
	}
	if (nd_store_open(to, &dst)) {
		nd__cli_store_error("migrate", to);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = nd_store_copy(src, dst, progress, NULL, &report);
	if (report.committed)
		print_report(&report);
	if (rc == ND_EEXIST)
		fprintf(stderr, "newsdesk migrate: '%s' already holds a site; nothing was copied\n",
		        to_shown);
	else if (rc && !report.committed)
		fprintf(stderr, "newsdesk migrate: nothing was copied into '%s'\n", to_shown);
	else if (rc)
		fprintf(stderr, "newsdesk migrate: the copy into '%s' does not match '%s'\n",
		        to_shown, from_shown);
	else
		printf("migrated '%s' to '%s' in %.2f s\n", from_shown, to_shown,
		       seconds_since(&t0));
	rc = rc ? 1 : 0;
out:
	nd_store_close(src);
	nd_store_close(dst);
	free(from_shown);
	free(to_shown);
	return rc;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int nd_cmd_migrate(int argc, char **argv)
{
	const struct nd_cli_cmd *cmd = nd__cli_cmd("migrate");
	static const char *const opts[] = {"--from", "--to"};
	const char *urls[2] = {NULL, NULL};
	struct nd_config cfg;
	char **pos = nd_xcalloc((size_t)argc + 1, sizeof(char *));
	int npos = 0, rc;

	nd_config_init(&cfg);
	if (wants_help(argc, argv)) {
		fputs(HELP, stdout);
		rc = 0;
		goto out;
	}
	if ((rc = nd__cli_take_options(&argc, argv, "migrate", opts, urls, 2)) != 0)
		goto out;
	nd_config_release(&cfg);
	if ((rc = nd__cli_parse(cmd, NULL, argc, argv, &cfg, pos, &npos)) != 0) {
		rc = 2;
		goto out;
	}
	if (npos || !urls[0] || !urls[1] || !*urls[0] || !*urls[1]) {
		fputs(USAGE "('newsdesk migrate --help' says more)\n", stderr);
		rc = 2;
		goto out;
	}
	if (!strcmp(urls[0], urls[1])) {
		fputs("newsdesk migrate: --from and --to name the same store\n", stderr);
		rc = 2;
		goto out;
	}
	nd_log_level = cfg.log_level;
	rc = migrate(urls[0], urls[1]);
out:
	nd_config_release(&cfg);
	free(pos);
	return rc;
}
