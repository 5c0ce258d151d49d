-- 0007: public article paths that no longer show an article (issue 6,
-- item 2), so the site can answer 301 or 410 instead of 404. path is the
-- decoded request path as the site routes it ("/world/europe/my-slug":
-- the section slugs from the top, then the article slug). reason:
-- 'unpublished' (the article was taken off the site), 'deleted' (it is
-- gone from the store), 'moved' (its path changed; article_id names it).
-- A row goes when its path shows an article again. Written only inside
-- the article writes (nd_store_article_put, nd_store_article_delete).
CREATE TABLE retired_urls (
	path TEXT PRIMARY KEY,
	article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	reason TEXT NOT NULL CHECK (reason IN ('unpublished', 'deleted', 'moved')),
	at INTEGER NOT NULL
);
CREATE INDEX retired_urls_article ON retired_urls (article_id);
