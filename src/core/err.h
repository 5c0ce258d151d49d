#pragma once
/*
 * One error type for the whole program (libuv's rule): a function that can
 * fail returns int, 0 on success or one of these negative codes.
 */

enum nd_err {
	ND_OK = 0,
	ND_EINVAL = -1,    /* bad argument or malformed input */
	ND_ENOTFOUND = -2, /* no such object */
	ND_ESTORE = -3,    /* the database failed */
	ND_ETOOBIG = -4,   /* a size limit was exceeded */
	ND_EIO = -5,       /* a file or socket failed */
	ND_EEXIST = -6,    /* the object already exists */
	ND_ESYNTAX = -7,   /* a template, config or query does not parse */
	ND_EBUSY = -8,     /* the resource is locked or in use */
	ND_EUNSUPP = -9,   /* valid, but not supported here */
};

/* A human sentence for err ("not found"); never NULL. */
const char *nd_strerror(int err);

/* The symbolic name of err ("ND_ENOTFOUND"); never NULL. */
const char *nd_err_name(int err);

/*
 * Logs the formatted message at error level and returns err, so a failure is
 * reported and propagated in one line:
 *	return nd_error(ND_EINVAL, "bad slug '%s'", s);
 */
int nd_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
