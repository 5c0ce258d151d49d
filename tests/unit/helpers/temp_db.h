#pragma once
/*
 * A fresh database for tests that open a store, and its removal.
 *
 * SQLite (the default): a store file in a fresh folder of its own under
 * /tmp; remove deletes the file, its WAL files and the folder.
 *
 * PostgreSQL, when the environment says ND_TEST_STORE=pg (CTest's
 * store-pg/<name> tests, fixture "pg"): a fresh database nd_t_<pid>_<n> on
 * the test cluster whose URL is in the file named by ND_TEST_PG_URL_FILE
 * (tests/pg/cluster); remove drops it.
 *
 * Either way, url is what nd_store_open takes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

struct temp_db {
	char dir[64];
	char path[128];    /* dir + "/news.db"; "" on PostgreSQL */
	char url[512];     /* the store's URL: path, or the fresh database's */
	char pg_base[448]; /* the cluster's URL; "" with SQLite */
	char pg_name[48];  /* the fresh database's name */
};

/* Whether the tests run against PostgreSQL (ND_TEST_STORE=pg). */
static inline bool temp_db_is_pg(void)
{
	const char *v = getenv("ND_TEST_STORE");

	return v && !strcmp(v, "pg");
}

/* Runs sql on the cluster's own database; 0, or -1 (printed) when it fails. */
static inline int temp_db_pg_run(const char *base, const char *sql)
{
	PGconn *c = PQconnectdb(base);
	PGresult *r = NULL;
	int rc = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	}
	if (rc)
		fprintf(stderr, "temp_db: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/*
 * The first column of sql's first row on t's PostgreSQL database, as text
 * into buf, on a connection of its own (so committed data only). Returns
 * whether there was a non-NULL value; buf is "" when not, or when sql fails
 * (printed).
 */
static inline bool temp_db_pg_text(const struct temp_db *t, const char *sql, char *buf, size_t size)
{
	PGconn *c = PQconnectdb(t->url);
	PGresult *r = PQexec(c, sql);
	bool found = false;

	buf[0] = '\0';
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "temp_db: %s: %s", sql, PQerrorMessage(c));
	else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
		snprintf(buf, size, "%s", PQgetvalue(r, 0, 0));
		found = true;
	}
	PQclear(r);
	PQfinish(c);
	return found;
}

/* The same as an integer ("t"/"f" as 1/0); -1 when there is no value. */
static inline long long temp_db_pg_int(const struct temp_db *t, const char *sql)
{
	char v[64];

	if (!temp_db_pg_text(t, sql, v, sizeof(v)))
		return -1;
	return *v == 't' ? 1 : *v == 'f' ? 0 : strtoll(v, NULL, 10);
}

static inline int temp_db_make_pg(struct temp_db *t)
{
	static unsigned n;
	const char *file = getenv("ND_TEST_PG_URL_FILE");
	char sql[128], *slash;
	FILE *fp = file ? fopen(file, "r") : NULL;

	if (!fp) {
		fprintf(stderr,
		        "temp_db: ND_TEST_STORE=pg needs ND_TEST_PG_URL_FILE (fixture pg)\n");
		return -1;
	}
	if (!fgets(t->pg_base, sizeof(t->pg_base), fp))
		t->pg_base[0] = '\0';
	fclose(fp);
	t->pg_base[strcspn(t->pg_base, "\r\n")] = '\0';
	/* postgresql://user@host:port/db: the fresh database replaces db. */
	slash = strrchr(t->pg_base, '/');
	if (!slash || slash < strstr(t->pg_base, "://") + 3) {
		fprintf(stderr, "temp_db: bad cluster URL '%s'\n", t->pg_base);
		return -1;
	}
	snprintf(t->pg_name, sizeof(t->pg_name), "nd_t_%ld_%u_%ld", (long)getpid(), n++,
	         (long)(time(NULL) % 100000));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", t->pg_name);
	if (temp_db_pg_run(t->pg_base, sql))
		return -1;
	snprintf(t->url, sizeof(t->url), "%.*s/%s", (int)(slash - t->pg_base), t->pg_base,
	         t->pg_name);
	return 0;
}

/* Makes a SQLite store in /tmp/nd-<what>-XXXXXX whatever the environment
 * says (a copy between the two kinds); 0, or -1 when it cannot. */
static inline int temp_db_make_sqlite(struct temp_db *t, const char *what)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/nd-%s-XXXXXX", what);
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/news.db", t->dir);
	snprintf(t->url, sizeof(t->url), "%s", t->path);
	return 0;
}

/* Makes /tmp/nd-<what>-XXXXXX, or a PostgreSQL database; 0, or -1 when it cannot. */
static inline int temp_db_make(struct temp_db *t, const char *what)
{
	memset(t, 0, sizeof(*t));
	return temp_db_is_pg() ? temp_db_make_pg(t) : temp_db_make_sqlite(t, what);
}

static inline void temp_db_remove(const struct temp_db *t)
{
	char p[160];

	if (t->pg_name[0]) {
		char sql[128];
		/* FORCE: a handle a failed test left open does not keep it. */
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->pg_name);
		temp_db_pg_run(t->pg_base, sql);
		return;
	}
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
	rmdir(t->dir);
}
