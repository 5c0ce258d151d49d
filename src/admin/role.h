#pragma once
/*
 * Who may do what (issue 6): a pure function of the role and the action,
 * so every handler asks the same table.
 *
 *   action                  author  editor  admin
 *   use the admin              x       x      x
 *   write, edit own article    x       x      x
 *   edit any article                   x      x
 *   publish, unpublish                 x      x
 *   manage users                              x
 *   change settings                           x
 */
#include <stdbool.h>

#include "store/store.h"

enum nd_action {
	ND_ACT_ADMIN,    /* log in to /admin, see the dashboard */
	ND_ACT_EDIT_OWN, /* write and edit one's own articles (drafts) */
	ND_ACT_EDIT_ANY, /* edit anyone's articles */
	ND_ACT_PUBLISH,  /* publish, schedule and unpublish */
	ND_ACT_USERS,    /* add, change and remove users */
	ND_ACT_SETTINGS, /* change the site's settings */
	ND_ACT__COUNT
};

/* Whether role may do action; false for an unknown role or action. */
bool nd_role_may(enum nd_role role, enum nd_action action);

/* "edit own articles", ... for messages; "?" for an unknown action. */
const char *nd_action_name(enum nd_action action);
