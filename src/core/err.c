#include "core/err.h"

#include <stdarg.h>
#include <stddef.h>

#include "core/log.h"

static const struct {
	int code;
	const char *name;
	const char *text;
} errors[] = {
    {ND_OK, "ND_OK", "success"},
    {ND_EINVAL, "ND_EINVAL", "invalid argument"},
    {ND_ENOTFOUND, "ND_ENOTFOUND", "not found"},
    {ND_ESTORE, "ND_ESTORE", "database error"},
    {ND_ETOOBIG, "ND_ETOOBIG", "too big"},
    {ND_EIO, "ND_EIO", "input/output error"},
    {ND_EEXIST, "ND_EEXIST", "already exists"},
    {ND_ESYNTAX, "ND_ESYNTAX", "syntax error"},
    {ND_EBUSY, "ND_EBUSY", "resource busy"},
    {ND_EUNSUPP, "ND_EUNSUPP", "not supported"},
};

const char *nd_strerror(int err)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == err)
			return errors[i].text;
	return "unknown error";
}

const char *nd_err_name(int err)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == err)
			return errors[i].name;
	return "ND_EUNKNOWN";
}

int nd_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nd_logv(ND_LOG_ERROR, NULL, 0, fmt, ap);
	va_end(ap);
	return err;
}
