#pragma once
/*
 * A store file in a fresh folder of its own under /tmp, for tests that
 * open a store: make it, then remove the file, its WAL files and the
 * folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct temp_db {
	char dir[64];
	char path[128]; /* dir + "/news.db" */
};

/* Makes /tmp/nd-<what>-XXXXXX; 0, or -1 when it cannot. */
static inline int temp_db_make(struct temp_db *t, const char *what)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/nd-%s-XXXXXX", what);
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/news.db", t->dir);
	return 0;
}

static inline void temp_db_remove(const struct temp_db *t)
{
	char p[160];

	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
	rmdir(t->dir);
}
