/* Wire feeds over HTTP (libcurl) into the store. */
#include <curl/curl.h>
#include <sodium.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "wire/addr.h"
#include "wire/parse.h"
#include "wire/sanitize.h"
#include "wire/wire.h"

#define USER_AGENT "newsdesk/" ND_VERSION " (feed fetcher)"
#define MAX_REDIRS 5
/* Bytes of plain text in a summary taken from a description. */
#define SUMMARY_LEN 300

int nd_wire_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) || sodium_init() < 0 ? ND_EIO : 0;
}

void nd_wire_global_cleanup(void)
{
	curl_global_cleanup();
}

void nd_wire_opts_from_config(struct nd_wire_opts *o, const struct nd_config *cfg, char **state_buf)
{
	const char *db = cfg->db;

	memset(o, 0, sizeof(*o));
	*state_buf = NULL;
	o->feeds = cfg->feeds;
	o->feed_count = cfg->feed_count;
	o->language = cfg->language;
	o->connect_timeout = cfg->fetch_connect_timeout;
	o->timeout = cfg->fetch_timeout;
	o->max_bytes = (size_t)cfg->fetch_max_kb * 1024;
	if (*cfg->fetch_state) {
		o->state_path = cfg->fetch_state;
		return;
	}
	if (!strncmp(db, "sqlite:", 7))
		db += 7;
	if (!*db || !strcmp(db, ":memory:"))
		return;
	/* A PostgreSQL store ("pg:…", "postgres://…") is no file to put the
	 * state next to: DB.feeds.json would be a relative path made of the URL. */
	if (!strncmp(db, "pg:", 3) || strstr(db, "://")) {
		nd_log(ND_LOG_INFO,
		       "wire: the store is not a file, so no feed state file by "
		       "default: set [wire] fetch_state to keep ETags between fetches");
		return;
	}
	{
		struct nd_buf b = ND_BUF_INIT;
		nd_buf_addf(&b, "%s.feeds.json", db);
		*state_buf = nd_buf_detach(&b, NULL);
		o->state_path = *state_buf;
	}
}

void nd_wire_ext_id(const char *feed, const char *key, char out[ND_WIRE_EXT_ID_SIZE])
{
	struct nd_buf b = ND_BUF_INIT;
	uint8_t h[16];

	nd_buf_addf(&b, "%s\n%s", feed, key);
	crypto_generichash(h, sizeof(h), (const uint8_t *)b.buf, b.len, NULL, 0);
	nd_buf_release(&b);
	memcpy(out, "wire-", 5);
	sodium_bin2hex(out + 5, ND_WIRE_EXT_ID_SIZE - 5, h, sizeof(h));
}

void nd_wire_legacy_ext_id(const char *feed, const char *key, char out[ND_WIRE_EXT_ID_SIZE])
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_addf(&b, "%s\n%s", feed, key);
	snprintf(out, ND_WIRE_EXT_ID_SIZE, "wire-%016llx",
	         (unsigned long long)nd_hash(b.buf, b.len));
	nd_buf_release(&b);
}

/* --- HTTP --- */

struct resp {
	long status;
	struct nd_buf body;
	char *etag, *last_modified;
	size_t max;
	bool too_big;
	const atomic_bool *stop;
	char first_ip[64]; /* the address the transfer started at */
	char refused[64];  /* an internal address a redirect led to */
};

/* Before each request, connected: a redirect from a public address to an
 * internal one is refused (wire/addr.h). */
static int on_prereq(void *ctx, char *ip, char *local_ip, int port, int local_port)
{
	struct resp *r = ctx;

	(void)local_ip;
	(void)port;
	(void)local_port;
	if (!*r->first_ip) {
		snprintf(r->first_ip, sizeof(r->first_ip), "%s", ip);
		return CURL_PREREQFUNC_OK;
	}
	if (nd_wire_redirect_allowed(r->first_ip, ip))
		return CURL_PREREQFUNC_OK;
	snprintf(r->refused, sizeof(r->refused), "%s", ip);
	return CURL_PREREQFUNC_ABORT;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct resp *r = ctx;

	n *= size;
	if (r->body.len + n > r->max) {
		r->too_big = true;
		return 0; /* stops the transfer: CURLE_WRITE_ERROR */
	}
	nd_buf_add(&r->body, p, n);
	return n;
}

static char *header_value(const char *p, size_t n, const char *name)
{
	size_t l = strlen(name);

	if (n <= l || strncasecmp(p, name, l) || p[l] != ':')
		return NULL;
	p += l + 1, n -= l + 1;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	return n ? nd_xstrndup(p, n) : NULL;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct resp *r = ctx;
	char *v;

	n *= size;
	if (n > 5 && !strncmp(p, "HTTP/", 5)) {
		/* A new response (after a redirect): forget the last one's. */
		free(r->etag);
		free(r->last_modified);
		r->etag = r->last_modified = NULL;
	} else if ((v = header_value(p, n, "ETag"))) {
		free(r->etag);
		r->etag = v;
	} else if ((v = header_value(p, n, "Last-Modified"))) {
		free(r->last_modified);
		r->last_modified = v;
	}
	return n;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct resp *r = ctx;

	return r->stop && atomic_load(r->stop) ? 1 : 0;
}

/* The charset parameter of a Content-Type, or NULL; caller owns. */
static char *charset_of(const char *ct)
{
	const char *p = ct ? strcasestr(ct, "charset=") : NULL;
	size_t n;

	if (!p)
		return NULL;
	p += 8;
	if (*p == '"')
		p++;
	n = strcspn(p, "\"; \t");
	return n ? nd_xstrndup(p, n) : NULL;
}

/*
 * GETs url with the validators given (may be NULL). 0 with r filled
 * (status 200 or 304), or ND_EIO with the reason in why.
 */
static int http_get(const char *url, const char *etag, const char *lm, const struct nd_wire_opts *o,
                    struct resp *r, char **ctype, char **final, struct nd_buf *why)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode cc;
	char *s = NULL;
	int rc = ND_EIO;

	if (!c) {
		nd_buf_adds(why, "cannot start a transfer");
		return ND_EIO;
	}
	if (etag) {
		struct nd_buf b = ND_BUF_INIT;
		nd_buf_addf(&b, "If-None-Match: %s", etag);
		hdr = curl_slist_append(hdr, b.buf);
		nd_buf_release(&b);
	}
	if (lm) {
		struct nd_buf b = ND_BUF_INIT;
		nd_buf_addf(&b, "If-Modified-Since: %s", lm);
		hdr = curl_slist_append(hdr, b.buf);
		nd_buf_release(&b);
	}
	hdr = curl_slist_append(hdr, "Accept: application/rss+xml, application/atom+xml, "
	                             "application/rdf+xml;q=0.9, application/xml;q=0.8, "
	                             "text/xml;q=0.8, */*;q=0.1");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, r);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	switch (cc) {
	case CURLE_OK:
		if (r->status != 200 && r->status != 304) {
			nd_buf_addf(why, "HTTP %ld", r->status);
			goto out;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT: nd_buf_addf(why, "timed out (%s)", errbuf); goto out;
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_WRITE_ERROR:
		if (cc == CURLE_FILESIZE_EXCEEDED || r->too_big) {
			nd_buf_addf(why, "over the size limit of %zu KiB: transfer stopped",
			            o->max_bytes / 1024);
			goto out;
		}
		/* fall through */
	default:
		if (*r->refused)
			nd_buf_addf(why,
			            "redirected from the public address %s to the internal address "
			            "%s: refused",
			            r->first_ip, r->refused);
		else if (cc == CURLE_ABORTED_BY_CALLBACK)
			nd_buf_adds(why, "stopped: shutting down");
		else if (cc == CURLE_TOO_MANY_REDIRECTS)
			nd_buf_addf(why, "more than %d redirects", MAX_REDIRS);
		else
			nd_buf_addf(why, "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
		*ctype = nd_xstrdup(s);
	s = NULL;
	if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
		*final = nd_xstrdup(s);
	rc = 0;
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc;
}

/* --- State file --- */

static json_t *state_load(const char *path)
{
	json_error_t e;
	json_t *j;

	if (!path || access(path, F_OK))
		return json_object();
	j = json_load_file(path, 0, &e);
	if (!j || !json_is_object(j)) {
		nd_log(ND_LOG_WARN, "feed state file '%s' is unreadable (%s): fetching everything",
		       path, j ? "not an object" : e.text);
		json_decref(j);
		return json_object();
	}
	return j;
}

/*
 * Writes st to path as a whole or not at all: a new file made by mkstemp
 * next to it (never a name someone could have planted a link at), synced,
 * then renamed over path.
 */
static int state_save(const char *path, json_t *st)
{
	struct nd_buf tmp = ND_BUF_INIT;
	int fd, rc = 0;

	if (!path)
		return 0;
	nd_buf_addf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0) {
		nd_log(ND_LOG_WARN, "cannot write feed state file '%s': %s", path, strerror(errno));
		nd_buf_release(&tmp);
		return ND_EIO;
	}
	if (json_dumpfd(st, fd, JSON_INDENT(1) | JSON_SORT_KEYS) || fsync(fd))
		rc = ND_EIO;
	if (close(fd) || rc || rename(tmp.buf, path)) {
		nd_log(ND_LOG_WARN, "cannot write feed state file '%s': %s", path, strerror(errno));
		unlink(tmp.buf);
		rc = ND_EIO;
	}
	nd_buf_release(&tmp);
	return rc;
}

/* --- Items into articles --- */

struct stored {
	bool found;
	bool same;
	bool edited;                   /* its latest revision was saved by a user (admin, API) */
	enum nd_article_status status; /* as stored, when found */
	const struct nd_article_in *in;
};

/* What a feed's transaction saved, told to o->saved after the commit. */
struct saved {
	char ext_id[ND_WIRE_EXT_ID_SIZE];
	bool existed;
	enum nd_article_status before;
};

static bool eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int compare_cb(void *ctx, const struct nd_article_rec *rec)
{
	struct stored *s = ctx;
	const struct nd_article_in *in = s->in;

	s->found = true;
	s->status = rec->status;
	s->same = eq(rec->title, in->title) && eq(rec->body, in->body) &&
	          eq(rec->summary, in->summary) && eq(rec->source_url, in->source_url) &&
	          (!in->published_at || rec->published_at == in->published_at);
	return 0;
}

static int edited_cb(void *ctx, const struct nd_revision_rec *r)
{
	((struct stored *)ctx)->edited = r->user_id != 0;
	return 0;
}

static bool has_alnum(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			return true;
	return false;
}

static void add_tag(const char **tags, size_t *n, const char *t)
{
	if (!has_alnum(t) || strlen(t) > ND_MAX_NAME || *n >= ND_MAX_TAGS)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcasecmp(tags[i], t))
			return;
	tags[(*n)++] = t;
}

/*
 * Stores one item: 0 new, 1 updated (*done says what was saved), 2
 * unchanged, 3 kept (the newsroom edited it), ND_EINVAL skipped, ND_ESTORE.
 *
 * A stored item keeps its status (an editor may have taken it off the
 * site), and once someone has saved it in the admin or through the API
 * the source's changes no longer overwrite it: the newsroom's edit wins.
 */
static int store_item(struct nd_store *s, const struct nd_feed_conf *fc,
                      const struct nd_wire_opts *o, const struct nd_wire_item *it, char **conf_tags,
                      size_t conf_tag_count, struct saved *done)
{
	struct nd_buf title = ND_BUF_INIT, body = ND_BUF_INIT, summary = ND_BUF_INIT;
	const char *tags[ND_MAX_TAGS];
	const char *key = it->guid ? it->guid : it->link ? it->link : it->title;
	const char *html = it->content ? it->content : it->summary;
	struct nd_article_in in = {0};
	struct stored cur = {.status = ND_STATUS_PUBLISHED, .in = &in};
	char ext_id[ND_WIRE_EXT_ID_SIZE];
	size_t ntags = 0;
	bool created = false;
	int rc;

	if (it->title)
		nd_buf_adds(&title, it->title);
	else if (it->summary)
		nd_sanitize_text(it->summary, strlen(it->summary), 80, &title);
	if (!title.len || !key) {
		nd_log(ND_LOG_WARN, "feed '%s': an item without title or id skipped", fc->name);
		rc = ND_EINVAL;
		goto out;
	}
	if (title.len > ND_MAX_TITLE)
		nd_buf_cut_words(&title, 0, ND_MAX_TITLE - 8);
	if (html)
		nd_sanitize_markdown(html, strlen(html), it->base, &body);
	if (!body.len) {
		struct nd_buf esc = ND_BUF_INIT;
		for (const char *p = title.buf; *p; p++)
			*p == '<'   ? nd_buf_adds(&esc, "&lt;")
			: *p == '&' ? nd_buf_adds(&esc, "&amp;")
			            : nd_buf_addch(&esc, *p);
		nd_sanitize_markdown(esc.buf, esc.len, NULL, &body);
		nd_buf_release(&esc);
	}
	if (it->content && it->summary)
		nd_sanitize_text(it->summary, strlen(it->summary), SUMMARY_LEN, &summary);
	nd_wire_ext_id(fc->name, key, ext_id);
	for (size_t i = 0; i < conf_tag_count; i++)
		add_tag(tags, &ntags, conf_tags[i]);
	for (size_t i = 0; i < it->tag_count; i++)
		add_tag(tags, &ntags, it->tags[i]);
	in.ext_id = ext_id;
	in.title = title.buf;
	in.body = body.buf;
	in.summary = summary.len ? summary.buf : NULL;
	in.section = fc->section;
	in.author = it->author && has_alnum(it->author) && strlen(it->author) <= ND_MAX_NAME
	                ? it->author
	                : fc->author;
	in.tags = tags;
	in.tag_count = ntags;
	in.language = fc->language ? fc->language : o->language;
	in.source_url = it->link && strlen(it->link) <= ND_MAX_LINK ? it->link : NULL;
	in.status = ND_STATUS_PUBLISHED;
	in.published_at = it->published;
	in.updated_at = it->updated;
	rc = nd_store_article_get(s, ext_id, compare_cb, &cur);
	if (rc == ND_ENOTFOUND) {
		/* Stored before stop 12 under its xxHash id: it keeps that id. */
		char legacy[ND_WIRE_EXT_ID_SIZE];

		nd_wire_legacy_ext_id(fc->name, key, legacy);
		if ((rc = nd_store_article_get(s, legacy, compare_cb, &cur)) == 0)
			memcpy(ext_id, legacy, sizeof(legacy));
	}
	if (rc && rc != ND_ENOTFOUND) {
		rc = ND_ESTORE;
		goto out;
	}
	if (cur.found && cur.same) {
		rc = 2;
		goto out;
	}
	if (cur.found) {
		rc = nd_store_revision_get(s, ext_id, 0, edited_cb, &cur);
		if (rc && rc != ND_ENOTFOUND) {
			rc = ND_ESTORE;
			goto out;
		}
		if (cur.edited) {
			nd_log(ND_LOG_INFO,
			       "feed '%s': item '%s' changed at the source; article '%s' keeps the "
			       "newsroom's edit",
			       fc->name, title.buf, ext_id);
			rc = 3;
			goto out;
		}
		in.status = cur.status;
	}
	rc = nd_store_article_put(s, &in, &created);
	if (rc == ND_EINVAL || rc == ND_ETOOBIG) {
		nd_log(ND_LOG_WARN, "feed '%s': item '%s' refused by the store", fc->name,
		       title.buf);
		rc = ND_EINVAL;
	} else if (rc) {
		rc = ND_ESTORE;
	} else {
		rc = created ? 0 : 1;
		memcpy(done->ext_id, ext_id, sizeof(ext_id));
		done->existed = cur.found;
		done->before = cur.status;
	}
out:
	nd_buf_release(&title);
	nd_buf_release(&body);
	nd_buf_release(&summary);
	return rc;
}

/* Splits "a, b ,c" into trimmed pieces; caller frees each and the array. */
static char **split_tags(const char *s, size_t *n)
{
	char **v = NULL;

	*n = 0;
	while (s && *s) {
		size_t len = strcspn(s, ",");
		const char *p = s, *e = s + len;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p) {
			v = nd_xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = nd_xstrndup(p, (size_t)(e - p));
		}
		s += len;
		if (*s)
			s++;
	}
	return v;
}

/* One feed: 0 fetched and stored, 1 failed (reported), ND_ESTORE. */
static int run_feed(struct nd_store *s, const struct nd_feed_conf *fc, const struct nd_wire_opts *o,
                    json_t *state, struct nd_wire_stats *st)
{
	json_t *prev = json_object_get(state, fc->name);
	const char *etag = NULL, *lm = NULL;
	struct resp r = {0};
	struct nd_buf why = ND_BUF_INIT;
	struct nd_wire_feed feed = {0};
	char *ctype = NULL, *final = NULL, *charset = NULL;
	char **conf_tags = NULL;
	size_t conf_tag_count = 0, added = 0, changed = 0, same = 0, skipped = 0, kept = 0;
	struct saved *done = NULL;
	int rc = 1;

	/* Validators count only for the URL they were given for. */
	if (prev && eq(json_string_value(json_object_get(prev, "url")), fc->url)) {
		etag = json_string_value(json_object_get(prev, "etag"));
		lm = json_string_value(json_object_get(prev, "last_modified"));
	}
	nd_buf_init(&r.body, 0);
	r.max = o->max_bytes;
	r.stop = o->stop;
	if (http_get(fc->url, etag, lm, o, &r, &ctype, &final, &why))
		goto fail;
	if (r.status == 304) {
		nd_log(ND_LOG_INFO, "feed '%s': not modified (304)", fc->name);
		st->not_modified++;
		rc = 0;
		goto out;
	}
	charset = charset_of(ctype);
	if (nd_wire_parse(r.body.buf, r.body.len, final ? final : fc->url, charset, &feed, &why))
		goto fail;
	conf_tags = split_tags(fc->tags, &conf_tag_count);
	if (nd_store_begin(s)) {
		rc = ND_ESTORE;
		goto out;
	}
	done = nd_xcalloc(feed.item_count ? feed.item_count : 1, sizeof(*done));
	for (size_t i = 0; i < feed.item_count; i++) {
		int k = store_item(s, fc, o, &feed.items[i], conf_tags, conf_tag_count,
		                   &done[added + changed]);
		if (k == ND_ESTORE) {
			nd_store_rollback(s);
			nd_buf_adds(&why, "the store failed");
			rc = ND_ESTORE;
			goto out;
		}
		k == 0   ? added++
		: k == 1 ? changed++
		: k == 2 ? same++
		: k == 3 ? kept++
		         : skipped++;
	}
	if (nd_store_commit(s)) {
		rc = ND_ESTORE;
		goto out;
	}
	for (size_t i = 0; o->saved && i < added + changed; i++)
		o->saved(o->saved_ctx, s, done[i].ext_id, done[i].existed, done[i].before);
	st->imported += added;
	st->updated += changed;
	st->unchanged += same;
	st->kept += kept;
	st->rejected += skipped;
	nd_log(ND_LOG_INFO,
	       "feed '%s': %zu items: %zu new, %zu updated, %zu unchanged, %zu skipped, %zu kept "
	       "as the newsroom edited them",
	       fc->name, feed.item_count, added, changed, same, skipped, kept);
	{
		json_t *e = json_object();
		/* json_string() refuses invalid UTF-8: such a validator is not kept. */
		json_t *url = json_string(fc->url);
		json_t *et = r.etag ? json_string(r.etag) : NULL;
		json_t *lmv = r.last_modified ? json_string(r.last_modified) : NULL;
		if (url)
			json_object_set_new(e, "url", url);
		if (et)
			json_object_set_new(e, "etag", et);
		if (lmv)
			json_object_set_new(e, "last_modified", lmv);
		json_object_set_new(e, "fetched_at", json_integer((json_int_t)time(NULL)));
		json_object_set_new(state, fc->name, e);
	}
	rc = 0;
	goto out;
fail:
	nd_log(ND_LOG_WARN, "feed '%s' (%s) failed: %s", fc->name, fc->url, why.buf);
out:
	if (rc == 0)
		st->feeds_ok++;
	else
		st->feeds_failed++;
	for (size_t i = 0; i < conf_tag_count; i++)
		free(conf_tags[i]);
	free(conf_tags);
	free(done);
	nd_wire_feed_release(&feed);
	nd_buf_release(&r.body);
	nd_buf_release(&why);
	free(r.etag);
	free(r.last_modified);
	free(ctype);
	free(final);
	free(charset);
	return rc;
}

int nd_wire_run(struct nd_store *s, const struct nd_wire_opts *o, struct nd_wire_stats *stats)
{
	struct nd_wire_stats st = {0};
	json_t *state = state_load(o->state_path);
	int rc = 0;

	for (size_t i = 0; i < o->feed_count; i++) {
		int k;

		if (o->stop && atomic_load(o->stop))
			break;
		k = run_feed(s, &o->feeds[i], o, state, &st);
		if (k == ND_ESTORE) {
			rc = ND_ESTORE;
			break;
		}
		if (k)
			rc = 1;
	}
	state_save(o->state_path, state);
	json_decref(state);
	nd_log(ND_LOG_INFO,
	       "fetched %zu feeds (%zu not modified), %zu failed: imported %zu, updated %zu, "
	       "unchanged %zu, skipped %zu",
	       st.feeds_ok, st.not_modified, st.feeds_failed, st.imported, st.updated, st.unchanged,
	       st.rejected);
	if (stats)
		*stats = st;
	return rc;
}
