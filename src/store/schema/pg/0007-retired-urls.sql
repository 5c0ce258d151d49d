-- 0007 (PostgreSQL): the dialect of ../0007-retired-urls.sql (read it for
-- what the columns mean): public article paths that no longer show an
-- article. What differs: INTEGER is BIGINT; the TEXT PRIMARY KEY is NOT
-- NULL, as PostgreSQL requires (SQLite would accept a NULL path, which the
-- store never writes).
CREATE TABLE retired_urls (
	path TEXT PRIMARY KEY,
	article_id BIGINT REFERENCES articles (id) ON DELETE SET NULL,
	reason TEXT NOT NULL CHECK (reason IN ('unpublished', 'deleted', 'moved')),
	at BIGINT NOT NULL
);
CREATE INDEX retired_urls_article ON retired_urls (article_id);
