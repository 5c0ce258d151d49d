/*
 * TEMPORARY stand-ins for the editor's handlers of "/admin/articles/..."
 * (another branch writes the real ones under the same names): they hand
 * the revisions paths to admin_revisions.c and answer 404 otherwise. At
 * the merge, the editor's handlers start with the same two tests and this
 * file goes.
 */
#include "admin/role.h"
#include "handler/admin_int.h"

/* The admin's 404 page, for a signed-in user. */
static int not_found(struct nd_app *app, struct nd_http_request *req, struct nd_http_response *res)
{
	struct nd_admin_user u;
	int status;

	if ((status = nd__admin_begin(app, req, res, ND_ACT_ADMIN, &u)) != 0)
		return status;
	return nd__admin_render(app, req, res, "message",
	                        json_pack("{s:s, s:s, s:b}", "title", "Not found", "message",
	                                  "There is no such admin page.", "narrow", 1),
	                        404);
}

ND_HANDLER(admin_article_get)
{
	(void)site;
	if (nd__admin_revision_path(req, m, false))
		return nd__admin_revisions_get(app, req, res, m);
	return not_found(app, req, res);
}

ND_HANDLER(admin_article_post)
{
	(void)site;
	if (nd__admin_revision_path(req, m, true))
		return nd__admin_revision_restore(app, req, res, m);
	return not_found(app, req, res);
}
