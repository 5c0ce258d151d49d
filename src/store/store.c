/*
 * The store front end: picks a backend by URL, checks what callers hand in,
 * keeps track of the explicit transaction and dispatches through the
 * backend's ops table. Also the helpers every backend shares (section paths,
 * slugs, the embedded migrations).
 */
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "store/slug.h"
#include "store/store_int.h"

static const char *const status_names[] = {
    [ND_STATUS_PUBLISHED] = "published",
    [ND_STATUS_DRAFT] = "draft",
    [ND_STATUS_SCHEDULED] = "scheduled",
};

const char *nd_status_name(enum nd_article_status st)
{
	if ((unsigned)st >= ND_COUNT(status_names))
		return NULL;
	return status_names[st];
}

int nd_status_parse(const char *name, enum nd_article_status *out)
{
	for (size_t i = 0; name && i < ND_COUNT(status_names); i++) {
		if (!strcmp(name, status_names[i])) {
			*out = (enum nd_article_status)i;
			return 0;
		}
	}
	return ND_EINVAL;
}

/*
 * URL prefixes and their backends. A URL that matches none and has no
 * "scheme://" is a plain SQLite path.
 */
static const struct {
	const char *prefix;
	const char *name;
	bool strip;                   /* the backend gets the URL without the prefix */
	const struct nd_store_be *be; /* NULL: known, but not built yet */
} schemes[] = {
    {"sqlite:", "SQLite", true, &nd__sqlite_be},
    /* libpq takes these URIs as they are; "pg:" is a libpq "key=value" string. */
    {"postgres://", "PostgreSQL", false, &nd__pg_be},
    {"postgresql://", "PostgreSQL", false, &nd__pg_be},
    {"pg:", "PostgreSQL", true, &nd__pg_be},
};

const char *nd__store_pg_location(const char *url)
{
	for (size_t i = 0; url && i < ND_COUNT(schemes); i++)
		if (schemes[i].be == &nd__pg_be && nd_starts_with(url, schemes[i].prefix))
			return schemes[i].strip ? url + strlen(schemes[i].prefix) : url;
	return NULL;
}

/* Whether url starts with "scheme://" (RFC 3986 scheme characters). */
static bool has_scheme(const char *url)
{
	const char *p = url;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return nd_starts_with(p, "://");
}

/* Appends n bytes of p to the string being built at *o. */
static void put(char **o, const char *p, size_t n)
{
	memcpy(*o, p, n);
	*o += n;
}

char *nd_store_url_shown(const char *url)
{
	/* "***" for a password of at least one byte: never longer than url + 3 per password. */
	size_t n = strlen(url);
	char *out = nd_xmalloc(n * 4 + 4), *o = out;
	const char *p = url, *auth = strstr(url, "://");

	if (auth) {
		const char *host = auth + 3, *end = host + strcspn(host, "/?#"), *at = NULL;
		const char *colon;

		for (const char *q = host; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (colon) {
			put(&o, url, (size_t)(colon + 1 - url));
			put(&o, "***", 3);
			p = at;
		}
	}
	while (*p) {
		if (!strncmp(p, "password=", 9)) {
			put(&o, p, 9);
			p += 9;
			put(&o, "***", 3);
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					if (*p == '\\' && p[1])
						p++;
				if (*p)
					p++;
			} else {
				p += strcspn(p, " \t&#");
			}
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/*
 * --- retries (PostgreSQL; a backend with revive) ---
 *
 * An op is tried again, up to ND_STORE_TRIES times in all, when it failed
 * with ND__EAGAIN (a serialization failure, deadlock or lock timeout) or
 * ND__ELOST (the connection broke, the server rolled back what was open)
 * and running it again cannot do anything twice:
 * - the op owns its transaction or is a single statement: not inside the
 *   caller's nd_store_begin / nd_store_read_begin (the store cannot replay
 *   the caller's earlier statements: the error reaches the caller);
 * - it is the outermost op on the handle, not one called from a walk's
 *   callback (the outer op owns the connection's state);
 * - it handed no row to a callback yet (a walk delivers each row once).
 * A lost COMMIT (or autocommit write) is ND_ESTORE from the driver: its
 * outcome is unknown, so it is never retried. ND_EBUSY itself is the
 * store's answer "in use" (a section with articles), never retried.
 */
#define ND_STORE_TRIES 5

/* Sleeps before retry n (1, 2, ...): 10, 20, 40, 80 ms, each jittered by up to +-50%. */
static void backoff(int n)
{
	long ms = 10L << (n - 1);
	unsigned r = 0;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned)n * 2654435761u;
	ms = ms / 2 + (long)(r % (unsigned)ms);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Reconnects s when its connection is lost and no transaction of the caller's is open. */
static int revive(struct nd_store *s, struct nd__retry *r)
{
	if (!s->be->revive || !r->outer || s->in_txn)
		return 0;
	return s->be->revive(s);
}

void nd__retry_start(struct nd_store *s, struct nd__retry *r)
{
	r->tries = 1;
	r->delivered = s->delivered;
	r->outer = s->depth++ == 0;
	/* A failed revive is no error yet: the op fails fast with ND__ELOST and retries. */
	revive(s, r);
}

static bool retryable(struct nd_store *s, const struct nd__retry *r, int rc)
{
	return (rc == ND__EAGAIN || rc == ND__ELOST) && s->be->revive && r->outer && !s->in_txn &&
	       s->delivered == r->delivered && r->tries < ND_STORE_TRIES;
}

/*
 * The public code of rc: the internal ones become ND_EBUSY (the database
 * stayed busy: the backend has logged why) and ND_ESTORE (the connection
 * is lost: nothing of the op, or of the caller's transaction, was kept).
 */
static int outward(struct nd_store *s, int rc, int tries)
{
	if (rc == ND__EAGAIN && tries > 1)
		return nd_error(ND_EBUSY, "store '%s': the database stayed busy (%d tries)", s->url,
		                tries);
	if (rc == ND__EAGAIN)
		return ND_EBUSY;
	if (rc != ND__ELOST)
		return rc;
	if (s->in_txn)
		return nd_error(ND_ESTORE,
		                "store '%s': the connection to the database was lost; the "
		                "transaction was rolled back, nothing since its begin is stored",
		                s->url);
	return nd_error(ND_ESTORE,
	                "store '%s': the connection to the database is lost (%d tries); nothing "
	                "was stored",
	                s->url, tries);
}

/* After a try that gave *rc: whether to try again (having waited and reconnected). */
bool nd__retry_again(struct nd_store *s, struct nd__retry *r, int *rc)
{
	if (retryable(s, r, *rc)) {
		nd_log(ND_LOG_INFO, "store '%s': %s; trying again (%d of %d)", s->url,
		       *rc == ND__EAGAIN ? "busy" : "connection lost", r->tries + 1,
		       ND_STORE_TRIES);
		backoff(r->tries++);
		revive(s, r);
		return true;
	}
	s->depth--;
	*rc = outward(s, *rc, r->tries);
	return false;
}

int nd_store_open(const char *url, struct nd_store **out)
{
	const struct nd_store_be *be = &nd__sqlite_be;
	const char *location = url;
	struct nd_store *s = NULL;
	char *shown;
	int rc;

	*out = NULL;
	if (!url || !*url)
		return nd_error(ND_EINVAL, "cannot open store: empty URL");
	for (size_t i = 0; i < ND_COUNT(schemes); i++) {
		if (!nd_starts_with(url, schemes[i].prefix))
			continue;
		if (!schemes[i].be)
			return nd_error(ND_EUNSUPP,
			                "cannot open store '%s': the %s backend is not available "
			                "yet; use sqlite:PATH",
			                url, schemes[i].name);
		be = schemes[i].be;
		if (schemes[i].strip)
			location = url + strlen(schemes[i].prefix);
		goto found;
	}
	if (has_scheme(url))
		return nd_error(
		    ND_EINVAL, "cannot open store '%s': unknown scheme (use sqlite:PATH or a path)",
		    url);
found:
	if (!*location)
		return nd_error(ND_EINVAL, "cannot open store '%s': no database path", url);
	/* Messages quote the URL without its password (PostgreSQL). */
	shown = nd_store_url_shown(url);
	rc = be->open(shown, location, &s);
	/* Lost while migrating a fresh connection: nothing is half-applied. */
	if (rc == ND__ELOST)
		rc = nd_error(ND_ESTORE, "cannot open store '%s': the connection was lost", shown);
	if (rc == ND__EAGAIN)
		rc = ND_EBUSY;
	if (!rc) {
		s->be = be;
		s->in_txn = false;
		nd_trace("store", "opened store '%s' (%s)", shown, be->name);
		*out = s;
	}
	free(shown);
	return rc;
}

void nd_store_close(struct nd_store *s)
{
	if (!s)
		return;
	if (s->in_txn) {
		nd_log(ND_LOG_WARN, "store '%s' closed inside a transaction; rolling it back",
		       s->url);
		s->be->rollback(s);
	}
	s->be->close(s);
}

int nd_store_schema_version(struct nd_store *s, int *out)
{
	int rc;

	ND_ASSERT(s && out);
	ND__RETRIED(s, rc, s->be->schema_version(s, out));
	return rc;
}

int nd_store_begin(struct nd_store *s)
{
	int rc;

	ND_ASSERT(s);
	if (s->in_txn)
		return nd_error(ND_EINVAL, "store '%s': a transaction is already open", s->url);
	ND__RETRIED(s, rc, s->be->begin(s));
	if (!rc)
		s->in_txn = true;
	return rc;
}

int nd_store_commit(struct nd_store *s)
{
	ND_ASSERT(s);
	if (!s->in_txn)
		return nd_error(ND_EINVAL, "store '%s': commit without a transaction", s->url);
	/* A failed commit rolls back: either way the transaction is over. */
	s->in_txn = false;
	return outward(s, s->be->commit(s), 1);
}

int nd_store_rollback(struct nd_store *s)
{
	ND_ASSERT(s);
	if (!s->in_txn)
		return nd_error(ND_EINVAL, "store '%s': rollback without a transaction", s->url);
	s->in_txn = false;
	return outward(s, s->be->rollback(s), 1);
}

int nd_store_read_begin(struct nd_store *s)
{
	int rc;

	ND_ASSERT(s);
	if (s->in_txn)
		return nd_error(ND_EINVAL, "store '%s': a transaction is already open", s->url);
	ND__RETRIED(s, rc, s->be->read_begin(s));
	if (!rc)
		s->in_txn = true;
	return rc;
}

int nd_store_read_end(struct nd_store *s)
{
	ND_ASSERT(s);
	if (!s->in_txn)
		return nd_error(ND_EINVAL, "store '%s': read end without a read", s->url);
	s->in_txn = false;
	return outward(s, s->be->read_end(s), 1);
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool nd__blank(const char *s)
{
	if (!s)
		return true;
	while (is_blank_char(*s))
		s++;
	return *s == '\0';
}

/* Narrows [*start, *end) to leave out ASCII white space at both ends. */
static void trim(const char **start, const char **end)
{
	while (*start < *end && is_blank_char(**start))
		(*start)++;
	while (*end > *start && is_blank_char((*end)[-1]))
		(*end)--;
}

static int check_utf8(const char *ext_id, const char *field, const char *v)
{
	size_t bad;

	if (v && !nd_utf8_valid(v, strlen(v), &bad))
		return nd_error(ND_EINVAL, "article '%s': %s is not valid UTF-8 (byte %zu)", ext_id,
		                field, bad);
	return 0;
}

/* Everything a backend may rely on about in. */
static int check_article(const struct nd_article_in *in)
{
	const struct {
		const char *field;
		const char *v;
	} texts[] = {
	    {"ext_id", in->ext_id},   {"title", in->title},
	    {"body", in->body},       {"summary", in->summary},
	    {"section", in->section}, {"author", in->author},
	    {"slug", in->slug},       {"language", in->language},
	    {"image", in->image},     {"source_url", in->source_url},
	};
	int rc;

	if (nd__blank(in->ext_id))
		return nd_error(ND_EINVAL, "article has no ext_id");
	for (size_t i = 0; i < ND_COUNT(texts); i++)
		if ((rc = check_utf8(in->ext_id, texts[i].field, texts[i].v)) != 0)
			return rc;
	if (nd__blank(in->title))
		return nd_error(ND_EINVAL, "article '%s' has no title", in->ext_id);
	if (nd__blank(in->body))
		return nd_error(ND_EINVAL, "article '%s' has no body", in->ext_id);
	{
		const struct {
			const char *field;
			const char *v;
			size_t max;
		} limits[] = {
		    {"ext_id", in->ext_id, ND_MAX_ID},
		    {"title", in->title, ND_MAX_TITLE},
		    {"summary", in->summary, ND_MAX_SUMMARY},
		    {"section", in->section, ND_MAX_NAME * ND_MAX_SECTION_DEPTH},
		    {"author", in->author, ND_MAX_NAME},
		    {"image", in->image, ND_MAX_LINK},
		    {"source_url", in->source_url, ND_MAX_LINK},
		};
		for (size_t i = 0; i < ND_COUNT(limits); i++)
			if (limits[i].v && strlen(limits[i].v) > limits[i].max)
				return nd_error(ND_ETOOBIG,
				                "article '%.40s': %s is longer than %zu bytes",
				                in->ext_id, limits[i].field, limits[i].max);
	}
	if (!nd_status_name(in->status))
		return nd_error(ND_EINVAL, "article '%s': unknown status %d", in->ext_id,
		                (int)in->status);
	if (in->tag_count > ND_MAX_TAGS)
		return nd_error(ND_ETOOBIG, "article '%s' has %zu tags, more than %d", in->ext_id,
		                in->tag_count, ND_MAX_TAGS);
	if (in->tag_count && !in->tags)
		return nd_error(ND_EINVAL, "article '%s': tag_count %zu but no tags", in->ext_id,
		                in->tag_count);
	for (size_t i = 0; i < in->tag_count; i++) {
		if (!in->tags[i])
			return nd_error(ND_EINVAL, "article '%s': tag %zu is NULL", in->ext_id, i);
		if ((rc = check_utf8(in->ext_id, "tag", in->tags[i])) != 0)
			return rc;
		if (strlen(in->tags[i]) > ND_MAX_NAME)
			return nd_error(ND_ETOOBIG, "article '%s': tag %zu is longer than %d bytes",
			                in->ext_id, i + 1, ND_MAX_NAME);
	}
	return 0;
}

int nd_store_article_put(struct nd_store *s, const struct nd_article_in *in, bool *created)
{
	bool made = false;
	int rc;

	ND_ASSERT(s && in);
	if ((rc = check_article(in)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->article_put(s, in, &made));
	if (!rc && created)
		*created = made;
	return rc;
}

int nd_store_article_delete(struct nd_store *s, const char *ext_id)
{
	int rc;

	ND_ASSERT(s);
	if (nd__blank(ext_id))
		return nd_error(ND_EINVAL, "store '%s': delete without an ext_id", s->url);
	ND__RETRIED(s, rc, s->be->article_delete(s, ext_id));
	return rc;
}

int nd_store_article_count(struct nd_store *s, int64_t *out)
{
	int rc;

	ND_ASSERT(s && out);
	ND__RETRIED(s, rc, s->be->article_count(s, out));
	return rc;
}

int nd_store_each_section(struct nd_store *s, nd_section_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_section(s, cb, ctx));
	return rc;
}

int nd_store_each_author(struct nd_store *s, nd_author_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_author(s, cb, ctx));
	return rc;
}

int nd_store_each_tag(struct nd_store *s, nd_tag_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_tag(s, cb, ctx));
	return rc;
}

int nd_store_each_article(struct nd_store *s, enum nd_article_status status, int64_t before,
                          nd_article_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	if (!nd_status_name(status))
		return nd_error(ND_EINVAL, "store '%s': unknown status %d", s->url, (int)status);
	ND__RETRIED(s, rc, s->be->each_article(s, status, before, cb, ctx));
	return rc;
}

int nd_store_article_get(struct nd_store *s, const char *ext_id, nd_article_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	if (!ext_id)
		return ND_ENOTFOUND;
	ND__RETRIED(s, rc, s->be->article_get(s, ext_id, cb, ctx));
	return rc;
}

int nd_store_generation(struct nd_store *s, int64_t *out)
{
	int rc;

	ND_ASSERT(s && out);
	ND__RETRIED(s, rc, s->be->generation(s, out));
	return rc;
}

/* --- counters --- */

/* A reaction type: 1 to ND_MAX_SLUG bytes of [a-z0-9_-]. */
static bool valid_type(const char *type)
{
	size_t len = 0;

	if (!type)
		return false;
	for (const char *p = type; *p; p++, len++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return false;
	return len >= 1 && len <= ND_MAX_SLUG;
}

static int check_view(const struct nd_store *s, size_t i, const struct nd_view_delta *d)
{
	if (d->article_id <= 0)
		return nd_error(ND_EINVAL, "store '%s': view delta %zu: bad article id %lld",
		                s->url, i, (long long)d->article_id);
	if (d->hour < 0)
		return nd_error(ND_EINVAL, "store '%s': view delta %zu: negative hour %lld", s->url,
		                i, (long long)d->hour);
	return 0;
}

static int check_reaction(const struct nd_store *s, size_t i, const struct nd_reaction_op *op)
{
	if (op->article_id <= 0)
		return nd_error(ND_EINVAL, "store '%s': reaction %zu: bad article id %lld", s->url,
		                i, (long long)op->article_id);
	if (!valid_type(op->type))
		return nd_error(ND_EINVAL, "store '%s': reaction %zu: bad type '%.40s'", s->url, i,
		                op->type ? op->type : "(null)");
	if (op->op != ND_REACT_ADD && op->op != ND_REACT_REMOVE && op->op != ND_REACT_TOGGLE)
		return nd_error(ND_EINVAL, "store '%s': reaction %zu: unknown op %d", s->url, i,
		                (int)op->op);
	if (op->at < 0)
		return nd_error(ND_EINVAL, "store '%s': reaction %zu: negative time %lld", s->url,
		                i, (long long)op->at);
	return 0;
}

int nd_store_counts_apply(struct nd_store *s, const struct nd_view_delta *v, size_t nv,
                          struct nd_reaction_op *r, size_t nr)
{
	int rc;

	ND_ASSERT(s);
	if ((nv && !v) || (nr && !r))
		return nd_error(ND_EINVAL, "store '%s': counts without their array", s->url);
	for (size_t i = 0; i < nv; i++)
		if ((rc = check_view(s, i, &v[i])) != 0)
			return rc;
	for (size_t i = 0; i < nr; i++)
		if ((rc = check_reaction(s, i, &r[i])) != 0)
			return rc;
	for (size_t i = 0; i < nr; i++)
		r[i].result = 0;
	if (!nv && !nr)
		return 0;
	ND__RETRIED(s, rc, s->be->counts_apply(s, v, nv, r, nr));
	/* Nothing of a failed batch was stored, so no op did anything. */
	for (size_t i = 0; rc && i < nr; i++)
		r[i].result = 0;
	return rc;
}

int nd_store_each_article_views(struct nd_store *s, nd_stats_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_article_views(s, cb, ctx));
	return rc;
}

int nd_store_each_reaction_count(struct nd_store *s, nd_rcount_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_reaction_count(s, cb, ctx));
	return rc;
}

int nd_store_each_view_hour(struct nd_store *s, int64_t from_hour, nd_vhour_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_view_hour(s, from_hour, cb, ctx));
	return rc;
}

int nd_store_reaction_has(struct nd_store *s, int64_t article_id, const char *type,
                          const uint8_t visitor[ND_STORE_VISITOR_LEN], bool *out)
{
	bool has = false;
	int rc;

	ND_ASSERT(s && visitor && out);
	if (!valid_type(type))
		return nd_error(ND_EINVAL, "store '%s': bad reaction type '%.40s'", s->url,
		                type ? type : "(null)");
	ND__RETRIED(s, rc, s->be->reaction_has(s, article_id, type, visitor, &has));
	if (!rc)
		*out = has;
	return rc;
}

int nd_store_views_compact(struct nd_store *s, int64_t before_hour)
{
	int rc;

	ND_ASSERT(s);
	if (before_hour < 0 || before_hour % 24)
		return nd_error(ND_EINVAL,
		                "store '%s': compaction cutoff hour %lld is not a day boundary",
		                s->url, (long long)before_hour);
	ND__RETRIED(s, rc, s->be->views_compact(s, before_hour));
	return rc;
}

int nd_store_view_series(struct nd_store *s, const int64_t *ids, size_t n, int64_t from_hour,
                         int64_t to_hour, int bucket_hours, int64_t *out)
{
	int rc;

	size_t buckets;

	ND_ASSERT(s && out);
	if ((bucket_hours != 1 && bucket_hours != 24) || from_hour < 0 || to_hour <= from_hour ||
	    from_hour % bucket_hours || to_hour % bucket_hours ||
	    (to_hour - from_hour) / bucket_hours > ND_STORE_SERIES_MAX)
		return nd_error(ND_EINVAL,
		                "store '%s': bad view series: hours %lld to %lld in buckets of %d",
		                s->url, (long long)from_hour, (long long)to_hour, bucket_hours);
	if (!ids && n)
		return nd_error(ND_EINVAL, "store '%s': view series of no ids", s->url);
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return nd_error(ND_EINVAL, "store '%s': view series of article id %lld",
			                s->url, (long long)ids[i]);
	buckets = (size_t)((to_hour - from_hour) / bucket_hours);
	memset(out, 0, buckets * sizeof(*out));
	ND__RETRIED(s, rc, s->be->view_series(s, ids, n, from_hour, to_hour, bucket_hours, out));
	return rc;
}

int nd_store_each_article_range_views(struct nd_store *s, int64_t from_hour, int64_t to_hour,
                                      nd_stats_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	if (from_hour < 0 || to_hour <= from_hour || from_hour % 24 || to_hour % 24)
		return nd_error(ND_EINVAL, "store '%s': bad view range: hours %lld to %lld", s->url,
		                (long long)from_hour, (long long)to_hour);
	ND__RETRIED(s, rc, s->be->each_article_range_views(s, from_hour, to_hour, cb, ctx));
	return rc;
}

/* The meta key the store itself keeps up to date (nd_store_generation). */
#define GENERATION_KEY "generation"

static int check_meta_key(const struct nd_store *s, const char *what, const char *key, bool writing)
{
	if (nd__blank(key))
		return nd_error(ND_EINVAL, "store '%s': %s without a name", s->url, what);
	if (strlen(key) > ND_MAX_NAME)
		return nd_error(ND_EINVAL, "store '%s': %s name '%.40s...' is longer than %d bytes",
		                s->url, what, key, ND_MAX_NAME);
	if (writing && !strcmp(key, GENERATION_KEY))
		return nd_error(ND_EINVAL, "store '%s': '%s' is the store's own; not a %s", s->url,
		                key, what);
	return 0;
}

/* Fills buf with len bytes from the kernel's random source. */
static int random_fill(uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nd_error(ND_EIO, "cannot read random bytes: %s",
			                n < 0 ? strerror(errno) : "no data");
		got += (size_t)n;
	}
	return 0;
}

int nd_store_secret(struct nd_store *s, const char *name, uint8_t *out, size_t len)
{
	uint8_t fresh[ND_STORE_SECRET_MAX], got[ND_STORE_SECRET_MAX];
	int rc;

	ND_ASSERT(s && out);
	if ((rc = check_meta_key(s, "secret", name, true)) != 0)
		return rc;
	if (len == 0 || len > ND_STORE_SECRET_MAX)
		return nd_error(ND_EINVAL, "store '%s': secret '%s' of %zu bytes (1 to %d)", s->url,
		                name, len, ND_STORE_SECRET_MAX);
	/* Drawn every time, used only by the first caller ever: cheap, and the
	 * backend can then settle the race in a single transaction. */
	if ((rc = random_fill(fresh, len)) != 0)
		goto out;
	ND__RETRIED(s, rc, s->be->secret(s, name, fresh, got, len));
	if (rc != 0)
		goto out;
	memcpy(out, got, len);
out:
	explicit_bzero(fresh, sizeof(fresh));
	explicit_bzero(got, sizeof(got));
	return rc;
}

int nd_store_meta_int_get(struct nd_store *s, const char *key, int64_t *out)
{
	int64_t v = 0;
	int rc;

	ND_ASSERT(s && out);
	if ((rc = check_meta_key(s, "meta value", key, false)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->meta_int_get(s, key, &v));
	if (!rc)
		*out = v;
	return rc;
}

int nd_store_meta_int_set(struct nd_store *s, const char *key, int64_t value)
{
	int rc;

	ND_ASSERT(s);
	if ((rc = check_meta_key(s, "meta value", key, true)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->meta_int_set(s, key, value));
	return rc;
}

int nd_store_counts_clear(struct nd_store *s)
{
	int rc;

	ND_ASSERT(s);
	ND__RETRIED(s, rc, s->be->counts_clear(s));
	return rc;
}

int nd_store_history_add(struct nd_store *s, const struct nd_history_rec *h, size_t n)
{
	int rc;

	ND_ASSERT(s);
	if (n && !h)
		return nd_error(ND_EINVAL, "store '%s': %zu history rows without an array", s->url,
		                n);
	for (size_t i = 0; i < n; i++)
		if (h[i].article_id <= 0 || h[i].at < 0)
			return nd_error(ND_EINVAL,
			                "store '%s': history row %zu has article %lld at %lld",
			                s->url, i, (long long)h[i].article_id, (long long)h[i].at);
	if (!n)
		return 0;
	ND__RETRIED(s, rc, s->be->history_add(s, h, n));
	return rc;
}

int nd_store_each_history(struct nd_store *s, int64_t since, nd_history_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_history(s, since, cb, ctx));
	return rc;
}

int nd_store_history_purge(struct nd_store *s, int64_t before, size_t keep, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	ND_ASSERT(s);
	if (keep < 1 || keep > INT64_MAX)
		return nd_error(ND_EINVAL, "store '%s': a history purge must keep at least one row",
		                s->url);
	ND__RETRIED(s, rc, s->be->history_purge(s, before, (int64_t)keep, &n));
	if (deleted)
		*deleted = rc ? 0 : n;
	return rc;
}

/* --- helpers shared by the backends (store_int.h) --- */

/*
 * Top-level slugs that the router serves itself (route/routes.def); a
 * section with one of these would be unreachable, so it becomes
 * "<slug>-section". Keep in step with the routes. ("sitemap.xml" and
 * "robots.txt" cannot come out of nd_slugify, which turns '.' into '-';
 * they are listed so the table reads as the list of routes.)
 */
static const char *const reserved_slugs[] = {
    "api",         "static",     "tag",   "author", "search",  "feed",     "feeds",
    "sitemap.xml", "robots.txt", "admin", "page",   "metrics", "sitemaps",
};

bool nd__section_slug_reserved(const char *slug)
{
	for (size_t i = 0; i < ND_COUNT(reserved_slugs); i++)
		if (!strcmp(slug, reserved_slugs[i]))
			return true;
	return false;
}

void nd__section_levels_release(struct nd__section_level *levels, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(levels[i].name);
		free(levels[i].slug);
		levels[i].name = levels[i].slug = NULL;
	}
}

int nd__section_path_parse(const char *path, struct nd__section_level *levels, size_t *count)
{
	struct nd_buf slug = ND_BUF_INIT;
	const char *p = path ? path : "";
	size_t n = 0;
	int rc = 0;

	while (*p) {
		const char *start = p, *end = p + strcspn(p, "/");

		p = *end ? end + 1 : end;
		trim(&start, &end);
		if (start == end)
			continue;
		if (n == ND_MAX_SECTION_DEPTH) {
			rc = nd_error(ND_EINVAL, "section path '%s' is deeper than %d levels", path,
			              ND_MAX_SECTION_DEPTH);
			goto out;
		}
		levels[n].name = nd_xstrndup(start, (size_t)(end - start));
		levels[n].slug = NULL;
		nd_buf_reset(&slug);
		nd_slugify(levels[n].name, ND_MAX_SLUG, &slug);
		if (slug.len == 0) {
			rc = nd_error(ND_EINVAL, "section '%s' in path '%s' has no letter or digit",
			              levels[n].name, path);
			n++;
			goto out;
		}
		/* The reserved slugs are short, so the suffix cannot pass ND_MAX_SLUG. */
		if (n == 0 && nd__section_slug_reserved(slug.buf))
			nd_buf_adds(&slug, ND_RESERVED_SUFFIX);
		levels[n].slug = nd_xstrndup(slug.buf, slug.len);
		n++;
	}
	if (n == 0) {
		levels[0].name = nd_xstrdup(ND_DEFAULT_SECTION);
		levels[0].slug = NULL;
		nd_slugify(ND_DEFAULT_SECTION, ND_MAX_SLUG, &slug);
		levels[0].slug = nd_xstrndup(slug.buf, slug.len);
		n = 1;
	}
out:
	if (rc) {
		nd__section_levels_release(levels, n);
		n = 0;
	}
	nd_buf_release(&slug);
	*count = n;
	return rc;
}

int nd__name_slug(const char *what, const char *name, struct nd_buf *trimmed, struct nd_buf *slug)
{
	const char *start = name, *end = name + strlen(name);
	size_t before = slug->len;

	trim(&start, &end);
	nd_buf_add(trimmed, start, (size_t)(end - start));
	nd_slugify(trimmed->buf, ND_MAX_SLUG, slug);
	if (slug->len == before)
		return nd_error(ND_EINVAL, "%s '%s' has no letter or digit", what, name);
	return 0;
}

bool nd__article_slug_given(const struct nd_article_in *in)
{
	return !nd__blank(in->slug);
}

int nd__article_base_slug(const struct nd_article_in *in, struct nd_buf *out)
{
	size_t before = out->len;

	if (nd__article_slug_given(in)) {
		nd_slugify(in->slug, ND_MAX_SLUG, out);
		if (out->len == before)
			return nd_error(ND_EINVAL, "article '%s': slug '%s' has no letter or digit",
			                in->ext_id, in->slug);
		return 0;
	}
	nd_slugify(in->title, ND_MAX_SLUG, out);
	if (out->len == before)
		nd_slugify(in->ext_id, ND_MAX_SLUG, out);
	if (out->len == before)
		nd_buf_adds(out, "article");
	return 0;
}

void nd__slug_suffixed(const char *base, unsigned n, struct nd_buf *out)
{
	char suffix[16];
	size_t room, len = strlen(base);
	int slen;

	ND_ASSERT(n >= 2);
	slen = snprintf(suffix, sizeof(suffix), "-%u", n);
	room = ND_MAX_SLUG - (size_t)slen;
	if (len > room) {
		len = room;
		while (len > 0 && ((unsigned char)base[len] & 0xC0) == 0x80)
			len--;
		while (len > 0 && base[len - 1] == '-')
			len--;
	}
	nd_buf_add(out, base, len);
	nd_buf_add(out, suffix, (size_t)slen);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool nd__migration_next(const char **cursor, struct nd__migration *m)
{
	const char *name = *cursor, *sql;
	size_t len;
	int version;

	if (!*name)
		return false;
	len = strlen(name);
	if (len < 10 || !is_digit(name[0]) || !is_digit(name[1]) || !is_digit(name[2]) ||
	    !is_digit(name[3]) || name[4] != '-' || strcmp(name + len - 4, ".sql"))
		ND_BUG("embedded migration '%s' is not named NNNN-what.sql", name);
	version =
	    (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + (name[3] - '0');
	if (version != m->version + 1)
		ND_BUG("embedded migration '%s' follows version %d: versions must count up by 1",
		       name, m->version);
	sql = name + len + 1;
	m->version = version;
	m->name = name;
	m->sql = sql;
	*cursor = sql + strlen(sql) + 1;
	return true;
}

int nd__migration_latest(const char *blob)
{
	struct nd__migration m = {0};
	const char *cursor = blob;

	while (nd__migration_next(&cursor, &m))
		;
	return m.version;
}

/* --- revisions --- */

int nd_store_each_revision(struct nd_store *s, const char *ext_id, nd_revision_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	if (nd__blank(ext_id))
		return nd_error(ND_EINVAL, "store '%s': revisions without an ext_id", s->url);
	ND__RETRIED(s, rc, s->be->each_revision(s, ext_id, -1, cb, ctx));
	return rc;
}

int nd_store_revision_get(struct nd_store *s, const char *ext_id, int64_t n, nd_revision_cb cb,
                          void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	if (nd__blank(ext_id) || n < 0)
		return nd_error(ND_EINVAL, "store '%s': bad revision %lld of '%s'", s->url,
		                (long long)n, ext_id ? ext_id : "");
	ND__RETRIED(s, rc, s->be->each_revision(s, ext_id, n, cb, ctx));
	return rc;
}

/* A revision copied out of its callback, as an article to put. */
struct restore {
	struct nd_article_in in;
	char **tags;
	char *strs[10];
};

static int copy_revision(void *ctx, const struct nd_revision_rec *r)
{
	struct restore *x = ctx;
	const char *src[10] = {r->ext_id,  r->slug,   r->title,    r->summary, r->body,
	                       r->section, r->author, r->language, r->image,   r->source_url};

	for (size_t i = 0; i < 10; i++)
		x->strs[i] = nd_xstrdup(src[i]);
	x->tags = nd_xcalloc(r->tag_count + 1, sizeof(*x->tags));
	for (size_t i = 0; i < r->tag_count; i++)
		x->tags[i] = nd_xstrdup(r->tags[i]);
	x->in = (struct nd_article_in){
	    .ext_id = x->strs[0],
	    .slug = x->strs[1],
	    .title = x->strs[2],
	    .summary = x->strs[3],
	    .body = x->strs[4],
	    .section = x->strs[5],
	    .author = x->strs[6],
	    .language = x->strs[7],
	    .image = *x->strs[8] ? x->strs[8] : NULL,
	    .source_url = *x->strs[9] ? x->strs[9] : NULL,
	    .tags = (const char *const *)x->tags,
	    .tag_count = r->tag_count,
	    .status = r->status,
	    .published_at = r->published_at,
	};
	return 0;
}

int nd_store_revision_restore(struct nd_store *s, const char *ext_id, int64_t n, int64_t user_id)
{
	struct restore x = {0};
	int rc;

	if ((rc = nd_store_revision_get(s, ext_id, n, copy_revision, &x)) != 0)
		return rc;
	x.in.user_id = user_id;
	rc = nd_store_article_put(s, &x.in, NULL);
	for (size_t i = 0; i < 10; i++)
		free(x.strs[i]);
	for (size_t i = 0; i < x.in.tag_count; i++)
		free(x.tags[i]);
	free(x.tags);
	return rc;
}

/* --- webhook deliveries --- */

int nd_store_delivery_add(struct nd_store *s, const char *webhook, const char *event,
                          const char *url, const char *article, int64_t at, int64_t *id)
{
	int rc;

	ND_ASSERT(s);
	if (nd__blank(webhook) || nd__blank(event) || nd__blank(url) || !article || at < 0)
		return nd_error(ND_EINVAL, "store '%s': bad webhook delivery", s->url);
	ND__RETRIED(s, rc, s->be->delivery_add(s, webhook, event, url, article, at, id));
	return rc;
}

int nd_store_delivery_update(struct nd_store *s, int64_t id, const char *status,
                             int64_t http_status, const char *last_error, int64_t at)
{
	int rc;

	ND_ASSERT(s);
	if (id <= 0 || !status || !last_error || at < 0 ||
	    (strcmp(status, "pending") && strcmp(status, "delivered") && strcmp(status, "failed")))
		return nd_error(ND_EINVAL, "store '%s': bad webhook delivery update", s->url);
	ND__RETRIED(s, rc, s->be->delivery_update(s, id, status, http_status, last_error, at));
	return rc;
}

int nd_store_each_delivery(struct nd_store *s, nd_delivery_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_delivery(s, cb, ctx));
	return rc;
}

/* --- retired public paths --- */

int nd_store_each_retired(struct nd_store *s, nd_retired_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_retired(s, cb, ctx));
	return rc;
}

/* --- sections and tags in the admin --- */

int nd__section_name_slug(const char *name, bool top, struct nd_buf *trimmed, struct nd_buf *slug)
{
	int rc;

	if ((rc = nd__name_slug("section", name, trimmed, slug)) != 0)
		return rc;
	/* The reserved slugs are short, so the suffix cannot pass ND_MAX_SLUG. */
	if (top && nd__section_slug_reserved(slug->buf))
		nd_buf_adds(slug, ND_RESERVED_SUFFIX);
	return 0;
}

/* What every new name must be (store.h); what: "section" or "tag". */
static int check_name(const struct nd_store *s, const char *what, const char *name)
{
	size_t bad;

	if (!name || nd__blank(name))
		return nd_error(ND_EINVAL, "store '%s': a %s needs a name", s->url, what);
	if (!nd_utf8_valid(name, strlen(name), &bad))
		return nd_error(ND_EINVAL, "store '%s': %s name is not valid UTF-8 (byte %zu)",
		                s->url, what, bad);
	if (strlen(name) > ND_MAX_NAME)
		return nd_error(ND_EINVAL, "store '%s': %s name '%.40s...' is longer than %d bytes",
		                s->url, what, name, ND_MAX_NAME);
	if (!strcmp(what, "section") && strchr(name, '/'))
		return nd_error(ND_EINVAL,
		                "store '%s': section name '%s' holds '/', which separates the "
		                "levels of a section path",
		                s->url, name);
	return 0;
}

static int check_id(const struct nd_store *s, const char *what, int64_t id)
{
	if (id <= 0)
		return nd_error(ND_EINVAL, "store '%s': bad %s id %lld", s->url, what,
		                (long long)id);
	return 0;
}

int nd_store_each_section_count(struct nd_store *s, nd_count_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_section_count(s, cb, ctx));
	return rc;
}

int nd_store_each_tag_count(struct nd_store *s, nd_count_cb cb, void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->each_tag_count(s, cb, ctx));
	return rc;
}

int nd_store_section_add(struct nd_store *s, int64_t parent_id, const char *name, int64_t *id)
{
	int64_t made = 0;
	int rc;

	ND_ASSERT(s);
	if (parent_id < 0)
		return check_id(s, "section", parent_id);
	if ((rc = check_name(s, "section", name)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->section_add(s, parent_id, name, &made));
	if (rc != 0)
		return rc;
	if (id)
		*id = made;
	return 0;
}

int nd_store_section_rename(struct nd_store *s, int64_t id, const char *name)
{
	int rc;

	ND_ASSERT(s);
	if ((rc = check_id(s, "section", id)) != 0 || (rc = check_name(s, "section", name)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->section_rename(s, id, name));
	return rc;
}

int nd_store_section_move(struct nd_store *s, int64_t id, int step, bool *moved)
{
	bool m = false;
	int rc;

	ND_ASSERT(s);
	if (moved)
		*moved = false;
	if ((rc = check_id(s, "section", id)) != 0)
		return rc;
	if (step != -1 && step != 1)
		return nd_error(ND_EINVAL, "store '%s': a section moves by -1 or +1, not %d",
		                s->url, step);
	ND__RETRIED(s, rc, s->be->section_move(s, id, step, &m));
	if (!rc && moved)
		*moved = m;
	return rc;
}

int nd_store_section_delete(struct nd_store *s, int64_t id, int64_t *articles, int64_t *children)
{
	int rc;

	ND_ASSERT(s && articles && children);
	*articles = *children = 0;
	if ((rc = check_id(s, "section", id)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->section_delete(s, id, articles, children));
	return rc;
}

int nd_store_tag_rename(struct nd_store *s, int64_t id, const char *name)
{
	int rc;

	ND_ASSERT(s);
	if ((rc = check_id(s, "tag", id)) != 0 || (rc = check_name(s, "tag", name)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->tag_rename(s, id, name));
	return rc;
}

int nd_store_tag_merge(struct nd_store *s, int64_t from, int64_t into, int64_t *moved)
{
	int64_t n = 0;
	int rc;

	ND_ASSERT(s);
	if ((rc = check_id(s, "tag", from)) != 0 || (rc = check_id(s, "tag", into)) != 0)
		return rc;
	if (from == into)
		return nd_error(ND_EINVAL, "store '%s': cannot merge tag %lld into itself", s->url,
		                (long long)from);
	ND__RETRIED(s, rc, s->be->tag_merge(s, from, into, &n));
	if (rc != 0)
		return rc;
	if (moved)
		*moved = n;
	return 0;
}

int nd_store_tag_delete(struct nd_store *s, int64_t id, int64_t *articles)
{
	int rc;

	ND_ASSERT(s && articles);
	*articles = 0;
	if ((rc = check_id(s, "tag", id)) != 0)
		return rc;
	ND__RETRIED(s, rc, s->be->tag_delete(s, id, articles));
	return rc;
}

/* --- The admin's article list --- */

int nd_store_article_find(struct nd_store *s, const struct nd_article_query *q, int64_t *total,
                          nd_article_cb cb, void *ctx)
{
	int rc;

	struct nd_article_query c;
	size_t bad;

	ND_ASSERT(s && q && cb);
	c = *q;
	if (c.status != -1 && !nd_status_name((enum nd_article_status)c.status))
		return nd_error(ND_EINVAL, "store '%s': unknown status %d", s->url, c.status);
	if (c.section_id < 0 || c.author_id < 0 || c.owner_user_id < 0)
		return nd_error(ND_EINVAL, "store '%s': negative id in an article query", s->url);
	if (nd__blank(c.text))
		c.text = NULL;
	if (c.text &&
	    (strlen(c.text) > ND_MAX_QUERY || !nd_utf8_valid(c.text, strlen(c.text), &bad)))
		return nd_error(ND_EINVAL,
		                "store '%s': the search text is longer than %d bytes or not UTF-8",
		                s->url, ND_MAX_QUERY);
	if (total)
		*total = 0;
	ND__RETRIED(s, rc, s->be->article_find(s, &c, total, cb, ctx));
	return rc;
}

/* --- The node log (0009) --- */

int nd_store_nodelog_as(struct nd_store *s, int64_t node)
{
	ND_ASSERT(s);
	if (node < 0)
		return nd_error(ND_EINVAL, "store '%s': node %lld is negative", s->url,
		                (long long)node);
	s->log_node = node;
	return 0;
}

int nd_store_nodelog_mark(struct nd_store *s, int64_t *mark)
{
	int rc;

	ND_ASSERT(s && mark);
	*mark = 0;
	ND__RETRIED(s, rc, s->be->nodelog_mark(s, mark));
	return rc;
}

int nd_store_nodelog_since(struct nd_store *s, int64_t after, int64_t node, nd_nodelog_cb cb,
                           void *ctx)
{
	int rc;

	ND_ASSERT(s && cb);
	ND__RETRIED(s, rc, s->be->nodelog_since(s, after, node, cb, ctx));
	return rc;
}

int nd_store_nodelog_prune(struct nd_store *s, int64_t max_age, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	ND_ASSERT(s);
	if (max_age < 0)
		return nd_error(ND_EINVAL, "store '%s': a negative age (%lld s) for the node log",
		                s->url, (long long)max_age);
	ND__RETRIED(s, rc, s->be->nodelog_prune(s, max_age, &n));
	if (deleted)
		*deleted = rc ? 0 : n;
	return rc;
}
