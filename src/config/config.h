#pragma once
/*
 * Configuration: one table of every option (redis static_configs[]), read
 * from, in increasing precedence: built-in defaults, an INI file (inih),
 * NEWSDESK_* environment variables, command-line flags.
 *
 * Each option has one name used everywhere: the flag is --NAME (with '_'
 * written as '-'), the INI key is NAME in its [section], the environment
 * variable is NEWSDESK_NAME in capitals. Example: site_name is
 * `--site-name`, `[site] site_name = ...`, NEWSDESK_SITE_NAME.
 */
#include <stdbool.h>
#include <stdio.h>

#include "core/log.h"

/*
 * A wire feed for `newsdesk fetch` and `serve`: one [feed NAME] section of
 * the config file each (no flag or environment form). NAME is 1-64 of
 * [A-Za-z0-9_.-], unique; it keys the feed's articles, so renaming a feed
 * makes its items new articles.
 *
 *	[feed reuters-world]
 *	url = https://example.com/world.rss   (required, http or https)
 *	section = World/Europe                 (default: News)
 *	author = Reuters                       (when an item names none)
 *	tags = wire, europe                    (added to every item, comma-separated)
 *	language = en                          (default: the site's)
 */
struct nd_feed_conf {
	char *name, *url, *section, *author, *tags, *language; /* NULL: not set */
	int line; /* of the [feed NAME] header, for messages */
};

/* Webhook events (a bit each), as named in events= ("publish,update,unpublish"). */
enum nd_webhook_event {
	ND_WEBHOOK_PUBLISH = 1 << 0, /* an article became published */
	ND_WEBHOOK_UPDATE = 1 << 1,  /* a published article was saved again */
	ND_WEBHOOK_UNPUBLISH =
	    1 << 2, /* a published article became a draft, scheduled or deleted */
};

/* One "[webhook NAME]" section of the config file: url=, secret=, events=. */
struct nd_webhook_cfg {
	char *name, *url, *secret;
	unsigned events; /* enum nd_webhook_event bits; default: all */
	struct nd_webhook_cfg *next;
};

/* "publish" -> ND_WEBHOOK_PUBLISH...; 0 for an unknown name. */
unsigned nd_webhook_event_parse(const char *name);
/* The name of one event bit, or NULL. */
const char *nd_webhook_event_name(unsigned event);

struct nd_config {
	char *db;     /* store URL or SQLite path */
	char *listen; /* HOST:PORT */
	char *theme;  /* theme folder */
	char *site_name;
	char *site_url; /* public base URL for canonical links; "" = from Host */
	char *site_description;
	char *language;         /* default article language, BCP 47 */
	int threads;            /* HTTP worker threads; 0 = one per core */
	int page_size;          /* articles per list page */
	int related_count;      /* articles in an article page's Related block */
	int connection_timeout; /* seconds */
	int max_connections;
	int max_connections_per_ip;
	int reload_interval_ms;     /* how often serve checks the store for changes */
	int page_cache_mb;          /* rendered pages kept per snapshot; 0: none */
	int count_views;            /* 1: count article views (0: show counts only) */
	int counter_flush_ms;       /* how often counts are written to the store */
	int dedupe_minutes;         /* a visitor's repeat views of an article within: one */
	char *reactions;            /* "slug:Label,..." reaction buttons */
	int reaction_limit_visitor; /* reactions per minute per visitor; 0: no limit */
	int reaction_limit_ip;      /* reactions per minute per address; 0: no limit */
	char *ranking_window;       /* the article page's Ranking: 1h, 24h, 7d or trending */
	int recommend_count;        /* the Recommendation block's length; 0: none */
	int history_days;           /* reading histories older than this are purged */
	int login_max_failures;     /* consecutive failed logins that lock a login */
	int login_lockout_seconds;  /* how long a locked login stays locked */
	int login_limit_ip;         /* login attempts per minute per address; 0: no limit */
	int login_limit_login;      /* login attempts per minute per login name; 0: no limit */
	int session_idle_minutes;   /* an admin session unused this long ends */
	int session_max_days;       /* an admin session ends this long after login */
	int fetch_interval;         /* serve: seconds between wire fetches; 0: never */
	int fetch_timeout;          /* seconds one feed's transfer may take */
	int fetch_connect_timeout;  /* seconds to connect to a feed's server */
	int fetch_max_kb;           /* largest feed document, KiB */
	char *fetch_state;          /* ETag / Last-Modified file; "": DB.feeds.json */
	enum nd_log_level log_level;
	struct nd_feed_conf *feeds; /* [feed NAME] sections, in file order */
	size_t feed_count;
	/* "[webhook NAME]" sections, in file order (config file only); owned. */
	struct nd_webhook_cfg *webhooks;
};

enum nd_option_type { ND_OPT_STRING, ND_OPT_INT, ND_OPT_LOG_LEVEL };

struct nd_option {
	const char *name;    /* "site_name" */
	const char *section; /* INI section: "site" */
	enum nd_option_type type;
	size_t offset;   /* in struct nd_config */
	const char *def; /* default, as text */
	int min, max;    /* ND_OPT_INT bounds */
	const char *help;
};

/* The option table, terminated by an entry with a NULL name. */
extern const struct nd_option nd_options[];

/* Fills cfg with the defaults; release with nd_config_release. */
void nd_config_init(struct nd_config *cfg);
void nd_config_release(struct nd_config *cfg);

/* The option called name ("site_name" or "site-name"), or NULL. */
const struct nd_option *nd_config_find(const char *name);

/*
 * Sets option name from its text value. Errors: ND_ENOTFOUND for an unknown
 * option, ND_EINVAL for a bad value. On error *err (if not NULL) gets a
 * message naming the option and the value; caller owns it (free()).
 */
int nd_config_set(struct nd_config *cfg, const char *name, const char *value, char **err);

/*
 * Reads the INI file at path. Keys must be in their option's [section]
 * (keys before any section header are accepted too); [feed NAME] sections
 * add wire feeds (struct nd_feed_conf; a feed without url is an error). A
 * section "[webhook NAME]" defines a webhook: url (http or https,
 * required), secret (required), events (comma-separated: publish, update,
 * unpublish; default all). Errors: ND_EIO when
 * the file cannot be read, ND_EINVAL for a syntax error, an unknown key or a
 * bad value; *err gets "PATH:LINE: what is wrong" (caller owns it).
 */
int nd_config_load_file(struct nd_config *cfg, const char *path, char **err);

/* Applies every NEWSDESK_* variable that names an option. Same errors as
 * nd_config_set, message naming the variable. */
int nd_config_load_env(struct nd_config *cfg, char **err);

/* Prints the options as "  --flag VALUE   help (default: x)" lines. */
void nd_config_print_help(FILE *out);
