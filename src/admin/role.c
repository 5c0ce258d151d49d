/* The permissions table of issue 6 (admin/role.h). */
#include "admin/role.h"

/* The weakest role that may do each action: roles are ordered. */
static const struct {
	enum nd_role least;
	const char *name;
} table[ND_ACT__COUNT] = {
    [ND_ACT_ADMIN] = {ND_ROLE_AUTHOR, "use the admin"},
    [ND_ACT_EDIT_OWN] = {ND_ROLE_AUTHOR, "edit own articles"},
    [ND_ACT_EDIT_ANY] = {ND_ROLE_EDITOR, "edit any article"},
    [ND_ACT_PUBLISH] = {ND_ROLE_EDITOR, "publish articles"},
    [ND_ACT_USERS] = {ND_ROLE_ADMIN, "manage users"},
    [ND_ACT_SETTINGS] = {ND_ROLE_ADMIN, "change settings"},
};

bool nd_role_may(enum nd_role role, enum nd_action action)
{
	if ((unsigned)action >= ND_ACT__COUNT || !nd_role_name(role))
		return false;
	return role >= table[action].least;
}

const char *nd_action_name(enum nd_action action)
{
	return (unsigned)action < ND_ACT__COUNT ? table[action].name : "?";
}
