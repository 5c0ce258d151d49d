#pragma once
/*
 * Shared by the admin tests that need a store: a fresh SQLite database in a
 * temporary directory with one user, "ann" (editor, password "correct horse").
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/account.h"
#include "admin/session.h"
#include "core/err.h"
#include "core/log.h"

static const struct nd_session_policy policy = {.idle_seconds = 3600, .max_seconds = 86400};
static const struct nd_login_policy lp = {.max_failures = 3, .lock_seconds = 60};

struct fixture {
	struct temp_db db;
	struct nd_store *s;
	int64_t uid;
};

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "admin"))
		return -1;
	nd_log_level = ND_LOG_ERROR + 1;
	if (nd_store_open(f->db.url, &f->s) || nd_account_add(f->s, "Ann", "Ann A", ND_ROLE_EDITOR,
	                                                      "correct horse", 13, NULL, &f->uid))
		return -1;
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	nd_store_close(f->s);
	temp_db_remove(&f->db);
	free(f);
	return 0;
}
