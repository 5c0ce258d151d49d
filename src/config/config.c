#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/mem.h"

#define OPT_STR(n, sec, field, d, h)                                                               \
	{                                                                                          \
		n, sec, ND_OPT_STRING, offsetof(struct nd_config, field), d, 0, 0, h               \
	}
#define OPT_INT(n, sec, field, d, lo, hi, h)                                                       \
	{                                                                                          \
		n, sec, ND_OPT_INT, offsetof(struct nd_config, field), d, lo, hi, h                \
	}

const struct nd_option nd_options[] = {
    OPT_STR("db", "store", db, "newsdesk.db",
            "store: SQLite path, sqlite:PATH, or postgres://... / pg:CONNINFO"),
    OPT_STR("listen", "server", listen, "127.0.0.1:8080", "address to serve on, HOST:PORT"),
    OPT_STR("theme", "site", theme, "", "theme folder (default: the built-in theme)"),
    OPT_STR("site_name", "site", site_name, "Newsdesk", "the site's name, shown in every page"),
    OPT_STR("site_url", "site", site_url, "",
            "public base URL for canonical links (default: from the Host header)"),
    OPT_STR("site_description", "site", site_description, "News as it happens",
            "one-line description for the home page"),
    OPT_STR("language", "site", language, "en", "site language (BCP 47)"),
    OPT_INT("threads", "server", threads, "0", 0, 256, "HTTP worker threads (0: one per core)"),
    OPT_INT("page_size", "site", page_size, "20", 1, 200, "articles per list page"),
    OPT_INT("related_count", "site", related_count, "6", 0, 50,
            "articles in the Related block of an article page"),
    OPT_INT("count_views", "counter", count_views, "1", 0, 1,
            "1: count article views (0: show the stored counts only)"),
    OPT_INT("counter_flush_ms", "counter", counter_flush_ms, "1000", 10, 60000,
            "milliseconds between writes of the counts to the store"),
    OPT_INT("dedupe_minutes", "counter", dedupe_minutes, "30", 1, 1440,
            "repeat views of an article by one visitor within this many minutes count once"),
    OPT_STR("reactions", "counter", reactions, "verygood:veryGood!",
            "reaction buttons, slug:Label separated by commas"),
    OPT_INT("reaction_limit_visitor", "counter", reaction_limit_visitor, "30", 0, 100000,
            "reactions per minute one visitor may send; 0: no limit"),
    OPT_INT("reaction_limit_ip", "counter", reaction_limit_ip, "600", 0, 1000000,
            "reactions per minute one address may send; 0: no limit"),
    OPT_STR("ranking_window", "site", ranking_window, "24h",
            "the Ranking block of article pages: 1h, 24h, 7d or trending"),
    OPT_INT("recommend_count", "recommend", recommend_count, "8", 0, 50,
            "articles in the Recommendation block of article pages and For you on the home page"),
    OPT_INT("history_days", "recommend", history_days, "90", 1, 3650,
            "days a visitor's reading history is kept for recommendations"),
    OPT_INT("login_max_failures", "admin", login_max_failures, "5", 1, 1000,
            "consecutive failed logins that lock a login name for a while"),
    OPT_INT("login_lockout_seconds", "admin", login_lockout_seconds, "900", 1, 604800,
            "seconds a login name stays locked after too many failures"),
    OPT_INT("login_limit_ip", "admin", login_limit_ip, "20", 0, 100000,
            "login attempts per minute one address may make; 0: no limit"),
    OPT_INT("login_limit_login", "admin", login_limit_login, "10", 0, 100000,
            "login attempts per minute for one login name; 0: no limit"),
    OPT_INT("session_idle_minutes", "admin", session_idle_minutes, "720", 1, 525600,
            "an admin session not used for this many minutes ends"),
    OPT_INT("session_max_days", "admin", session_max_days, "30", 1, 3650,
            "an admin session ends this many days after login, used or not"),
    OPT_INT("connection_timeout", "server", connection_timeout, "30", 1, 3600,
            "seconds an idle or slow connection is kept"),
    OPT_INT("max_connections", "server", max_connections, "1024", 1, 100000,
            "concurrent connections accepted"),
    OPT_INT("max_connections_per_ip", "server", max_connections_per_ip, "256", 0, 100000,
            "concurrent connections from one address (0: no limit)"),
    OPT_INT("reload_interval_ms", "server", reload_interval_ms, "1000", 50, 600000,
            "how often the server looks for store changes"),
    OPT_INT("page_cache_mb", "server", page_cache_mb, "64", 0, 65536,
            "megabytes of rendered pages kept until the site changes (0: no cache)"),
    OPT_INT("fetch_interval", "wire", fetch_interval, "600", 0, 604800,
            "serve: seconds between fetches of the [feed NAME] feeds; 0: never"),
    OPT_INT("fetch_timeout", "wire", fetch_timeout, "30", 1, 3600,
            "seconds a feed's transfer may take in all"),
    OPT_INT("fetch_connect_timeout", "wire", fetch_connect_timeout, "10", 1, 600,
            "seconds to connect to a feed's server"),
    OPT_INT("fetch_max_kb", "wire", fetch_max_kb, "5120", 1, 1048576,
            "largest feed accepted, KiB; a bigger transfer is stopped"),
    OPT_STR("fetch_state", "wire", fetch_state, "",
            "file keeping each feed's ETag and Last-Modified (default: the SQLite db path + "
            "'.feeds.json'; none for PostgreSQL)"),
    {"log_level", "server", ND_OPT_LOG_LEVEL, offsetof(struct nd_config, log_level), "info", 0, 0,
     "debug, info, warn or error"},
    {NULL, NULL, 0, 0, NULL, 0, 0, NULL},
};

/* A formatted message; caller owns the result. */
static char *__attribute__((format(printf, 1, 2))) msg(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *m;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	m = nd_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(m, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return m;
}

const struct nd_option *nd_config_find(const char *name)
{
	char norm[64];
	size_t i;

	for (i = 0; i < sizeof(norm) - 1 && name[i]; i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	norm[i] = '\0';
	for (const struct nd_option *o = nd_options; o->name; o++)
		if (!strcmp(o->name, norm))
			return o;
	return NULL;
}

static int set_option(struct nd_config *cfg, const struct nd_option *o, const char *value,
                      char **err)
{
	void *field = (char *)cfg + o->offset;

	switch (o->type) {
	case ND_OPT_STRING: {
		char **s = field;
		free(*s);
		*s = nd_xstrdup(value);
		return 0;
	}
	case ND_OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (errno || end == value || *end || v < o->min || v > o->max) {
			if (err)
				*err =
				    msg("bad value '%s' for option '%s' (an integer from %d to %d)",
				        value, o->name, o->min, o->max);
			return ND_EINVAL;
		}
		*(int *)field = (int)v;
		return 0;
	}
	case ND_OPT_LOG_LEVEL:
		if (nd_log_parse_level(value, field)) {
			if (err)
				*err = msg("bad value '%s' for option '%s' (debug, info, warn or "
				           "error)",
				           value, o->name);
			return ND_EINVAL;
		}
		return 0;
	}
	return ND_EINVAL;
}

void nd_config_init(struct nd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (const struct nd_option *o = nd_options; o->name; o++)
		if (set_option(cfg, o, o->def, NULL))
			ND_BUG("bad default for option '%s'", o->name);
}

void nd_config_release(struct nd_config *cfg)
{
	for (size_t i = 0; i < cfg->feed_count; i++) {
		struct nd_feed_conf *f = &cfg->feeds[i];
		free(f->name);
		free(f->url);
		free(f->section);
		free(f->author);
		free(f->tags);
		free(f->language);
	}
	free(cfg->feeds);
	cfg->feeds = NULL;
	cfg->feed_count = 0;
	while (cfg->webhooks) {
		struct nd_webhook_cfg *w = cfg->webhooks;

		cfg->webhooks = w->next;
		free(w->name);
		free(w->url);
		free(w->secret);
		free(w);
	}
	for (const struct nd_option *o = nd_options; o->name; o++) {
		if (o->type == ND_OPT_STRING) {
			char **s = (char **)((char *)cfg + o->offset);
			free(*s);
			*s = NULL;
		}
	}
}

int nd_config_set(struct nd_config *cfg, const char *name, const char *value, char **err)
{
	const struct nd_option *o = nd_config_find(name);

	if (!o) {
		if (err)
			*err = msg("unknown option '%s'", name);
		return ND_ENOTFOUND;
	}
	return set_option(cfg, o, value, err);
}

struct file_ctx {
	struct nd_config *cfg;
	const char *path;
	FILE *f;
	int lineno; /* of the line inih read last */
	char *err;
	char section[128]; /* the section of the last key */
	int section_line;  /* the line of that section's first key */
};

/* Debian's inih does not pass line numbers to the handler, so the reader
 * counts them: inih calls it once per line, then the handler for that line. */
static char *read_line(char *str, int num, void *stream)
{
	struct file_ctx *fc = stream;
	char *line = fgets(str, num, fc->f);

	if (line)
		fc->lineno++;
	return line;
}

/* A key of a [feed NAME] section; a message (caller owns) or NULL. */
static char *feed_key(struct file_ctx *fc, const char *fname, const char *name, const char *value)
{
	struct nd_config *cfg = fc->cfg;
	struct nd_feed_conf *f = NULL;
	char **field;
	size_t n = strlen(fname);

	if (!n || n > 64 ||
	    strspn(fname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                  "0123456789_.-") != n)
		return msg("bad feed name '%s' (1 to 64 letters, digits, '_', '.' or '-')", fname);
	for (size_t i = 0; i < cfg->feed_count; i++)
		if (!strcmp(cfg->feeds[i].name, fname))
			f = &cfg->feeds[i];
	if (f && f->line != fc->section_line)
		return msg("feed '%s' is defined twice", fname);
	if (!f) {
		cfg->feeds = nd_xrealloc(cfg->feeds, (cfg->feed_count + 1) * sizeof(*cfg->feeds));
		f = &cfg->feeds[cfg->feed_count++];
		memset(f, 0, sizeof(*f));
		f->name = nd_xstrdup(fname);
		f->line = fc->section_line;
	}
	if (!strcmp(name, "url"))
		field = &f->url;
	else if (!strcmp(name, "section"))
		field = &f->section;
	else if (!strcmp(name, "author"))
		field = &f->author;
	else if (!strcmp(name, "tags"))
		field = &f->tags;
	else if (!strcmp(name, "language"))
		field = &f->language;
	else
		return msg("unknown feed key '%s' (url, section, author, tags, language)", name);
	if (field == &f->url && strncasecmp(value, "http://", 7) &&
	    strncasecmp(value, "https://", 8))
		return msg("feed '%s': url '%s' is not http:// or https://", fname, value);
	free(*field);
	*field = nd_xstrdup(value);
	return NULL;
}

static const char *const event_names[] = {"publish", "update", "unpublish"};

unsigned nd_webhook_event_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (!strcmp(name, event_names[i]))
			return 1u << i;
	return 0;
}

const char *nd_webhook_event_name(unsigned event)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (event == 1u << i)
			return event_names[i];
	return NULL;
}

/* The webhook called name, added at the end of the list when new. */
static struct nd_webhook_cfg *webhook_get(struct nd_config *cfg, const char *name)
{
	struct nd_webhook_cfg **p = &cfg->webhooks;

	for (; *p; p = &(*p)->next)
		if (!strcmp((*p)->name, name))
			return *p;
	*p = nd_xcalloc(1, sizeof(**p));
	(*p)->name = nd_xstrdup(name);
	(*p)->events = ND_WEBHOOK_PUBLISH | ND_WEBHOOK_UPDATE | ND_WEBHOOK_UNPUBLISH;
	return *p;
}

/* A key of a "[webhook NAME]" section; a message in *why when it is bad. */
static void webhook_set(struct nd_config *cfg, const char *wname, const char *key,
                        const char *value, char **why)
{
	struct nd_webhook_cfg *w;

	while (*wname == ' ')
		wname++;
	if (!*wname) {
		*why = msg("a [webhook NAME] section needs a name");
		return;
	}
	w = webhook_get(cfg, wname);
	if (!strcmp(key, "url")) {
		if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) {
			*why = msg("webhook '%s': url must be http:// or https://, not '%s'", wname,
			           value);
			return;
		}
		free(w->url);
		w->url = nd_xstrdup(value);
	} else if (!strcmp(key, "secret")) {
		if (!*value) {
			*why = msg("webhook '%s': secret must not be empty", wname);
			return;
		}
		free(w->secret);
		w->secret = nd_xstrdup(value);
	} else if (!strcmp(key, "events")) {
		char *list = nd_xstrdup(value), *save = NULL;
		unsigned events = 0;

		for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			unsigned e = nd_webhook_event_parse(t);
			if (!e) {
				*why = msg("webhook '%s': unknown event '%s' (publish, update, "
				           "unpublish)",
				           wname, t);
				free(list);
				return;
			}
			events |= e;
		}
		free(list);
		if (!events) {
			*why = msg("webhook '%s': events lists no event", wname);
			return;
		}
		w->events = events;
	} else {
		*why = msg("webhook '%s': unknown key '%s' (url, secret, events)", wname, key);
	}
}

static int ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct file_ctx *fc = user;
	const struct nd_option *o = nd_config_find(name);
	char *why = NULL;

	if (strcmp(section, fc->section)) {
		/* inih does not tell where a section starts: the line of its first key. */
		snprintf(fc->section, sizeof(fc->section), "%s", section);
		fc->section_line = fc->lineno;
	}
	if (!strncmp(section, "feed ", 5))
		why = feed_key(fc, section + 5 + strspn(section + 5, " "), name, value);
	else if (!strncmp(section, "webhook ", 8) || !strcmp(section, "webhook"))
		webhook_set(fc->cfg, section + 7, name, value, &why);
	else if (!o)
		why = msg("unknown option '%s'", name);
	else if (*section && strcmp(section, o->section))
		why = msg("option '%s' belongs in section [%s]", name, o->section);
	else
		set_option(fc->cfg, o, value, &why);
	if (!why)
		return 1;
	if (!fc->err)
		fc->err = msg("%s:%d: %s", fc->path, fc->lineno, why);
	free(why);
	return 0;
}

int nd_config_load_file(struct nd_config *cfg, const char *path, char **err)
{
	struct file_ctx fc = {cfg, path, fopen(path, "r"), 0, NULL, "", 0};
	struct stat st;
	bool read_error;
	int rc;

	if (!fc.f || fstat(fileno(fc.f), &st) || !S_ISREG(st.st_mode)) {
		if (err)
			*err = msg("cannot read config file '%s': %s", path,
			           fc.f ? "not a regular file" : strerror(errno));
		if (fc.f)
			fclose(fc.f);
		return ND_EIO;
	}
	rc = ini_parse_stream(read_line, &fc, ini_cb, &fc);
	read_error = ferror(fc.f);
	fclose(fc.f);
	if (read_error) {
		free(fc.err);
		if (err)
			*err = msg("cannot read config file '%s': read error", path);
		return ND_EIO;
	}
	for (size_t i = 0; rc == 0 && i < cfg->feed_count; i++)
		if (!cfg->feeds[i].url) {
			fc.err = msg("%s:%d: feed '%s' has no url", path, cfg->feeds[i].line,
			             cfg->feeds[i].name);
			rc = cfg->feeds[i].line;
		}
	for (struct nd_webhook_cfg *w = cfg->webhooks; rc == 0 && w; w = w->next) {
		if (!w->url || !w->secret) {
			fc.err = msg("%s: webhook '%s' needs both url and secret", path, w->name);
			rc = -1;
		}
	}
	if (rc == 0)
		return 0;
	if (!fc.err)
		fc.err =
		    msg("%s:%d: syntax error (expected 'key = value' or '[section]')", path, rc);
	if (err)
		*err = fc.err;
	else
		free(fc.err);
	return ND_EINVAL;
}

int nd_config_load_env(struct nd_config *cfg, char **err)
{
	for (const struct nd_option *o = nd_options; o->name; o++) {
		char var[80];
		const char *value;
		char *why = NULL;
		size_t i;

		i = (size_t)snprintf(var, sizeof(var), "NEWSDESK_");
		for (const char *p = o->name; *p && i < sizeof(var) - 1; p++)
			var[i++] = (char)toupper((unsigned char)*p);
		var[i] = '\0';
		value = getenv(var);
		if (!value)
			continue;
		if (set_option(cfg, o, value, &why)) {
			if (err)
				*err = msg("environment variable %s: %s", var, why);
			free(why);
			return ND_EINVAL;
		}
	}
	return 0;
}

void nd_config_print_help(FILE *out)
{
	for (const struct nd_option *o = nd_options; o->name; o++) {
		char flag[64];
		size_t i = 0;

		for (const char *p = o->name; *p && i < sizeof(flag) - 1; p++)
			flag[i++] = *p == '_' ? '-' : *p;
		flag[i] = '\0';
		fprintf(out, "  --%-20s %s", flag, o->help);
		if (*o->def)
			fprintf(out, " (default: %s)", o->def);
		fputc('\n', out);
	}
}
