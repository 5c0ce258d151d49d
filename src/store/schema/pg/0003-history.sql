-- 0003 (PostgreSQL): the dialect of ../0003-history.sql (read it for what
-- the table means): what each visitor read, for the Recommendation list.
-- What differs: INTEGER is BIGINT, BLOB is BYTEA, WITHOUT ROWID is dropped.
-- SQLite's INSERT OR IGNORE into it is INSERT ... ON CONFLICT DO NOTHING.
CREATE TABLE reading_history (
	visitor BYTEA NOT NULL,
	at BIGINT NOT NULL,
	article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	PRIMARY KEY (visitor, at, article_id)
);
-- Loading at start and purging go by time.
CREATE INDEX reading_history_at ON reading_history (at);
-- ON DELETE CASCADE looks rows up by article.
CREATE INDEX reading_history_article ON reading_history (article_id);
