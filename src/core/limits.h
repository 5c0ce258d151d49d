#pragma once
/* Every size limit in one place (curl's dynbuf.h DYN_* limits). */

#define ND_MAX_URL            (8 * 1024)         /* request target, bytes */
#define ND_MAX_HEADER         (16 * 1024)        /* all request headers together */
#define ND_MAX_BODY           (1024 * 1024)      /* request body read or skipped, bytes */
#define ND_MAX_FORM_BODY      4096               /* body of a route that takes one, bytes */
#define ND_MAX_API_BODY       (1024 * 1024)      /* body of a write API article, bytes */
#define ND_MAX_PAGE           (4 * 1024 * 1024)  /* a rendered page */
#define ND_MAX_IMPORT_LINE    (4 * 1024 * 1024)  /* one JSON Lines record */
#define ND_MAX_TITLE          1000               /* bytes of a headline */
#define ND_MAX_ID             256                /* bytes of an article's external id */
#define ND_MAX_SUMMARY        2000               /* bytes of a summary */
#define ND_MAX_NAME           200                /* bytes of an author, tag or section name */
#define ND_MAX_LINK           2048               /* bytes of an image or source URL */
#define ND_MAX_QUERY          1024               /* bytes of a search query */
#define ND_MAX_SLUG           120                /* bytes of a slug */
#define ND_MAX_TAGS           100                /* tags on one article */
#define ND_MAX_SECTION_DEPTH  4                  /* levels of sections */
#define ND_MAX_TEMPLATE       (1024 * 1024)      /* one template file */
#define ND_MAX_CONNECTIONS    1024               /* concurrent HTTP connections */
#define ND_CONNECTION_MEMORY  (32 * 1024)        /* per connection: headers, target, args */
#define ND_CONNECTION_TIMEOUT 30                 /* seconds a connection may idle */
#define ND_PAGE_CACHE_SLOTS   65536              /* per snapshot; half can be filled */
#define ND_MAX_PAGE_NUMBER    100000             /* ?page= upper bound */
#define ND_SITEMAP_URLS       50000              /* URLs in one sitemap file (the protocol's) */
#define ND_MAX_SITEMAP        (50 * 1024 * 1024) /* bytes of one sitemap file (the protocol's) */
#define ND_NEWS_SITEMAP_URLS  1000               /* URLs in the Google News sitemap */
#define ND_NEWS_SITEMAP_AGE   (48 * 3600)        /* seconds an article stays in it */
