-- 0002 (PostgreSQL): the dialect of ../0002-counters.sql (read it for what
-- the tables mean). Views per article, hourly and daily view buckets for
-- the Ranking, and reactions with their counts. What differs: INTEGER is
-- BIGINT, BLOB is BYTEA, WITHOUT ROWID is dropped; article_stats.article_id
-- (a rowid alias in SQLite) is a plain BIGINT key, never generated.
--
-- Every write to these tables is a commutative increment (views = views + n,
-- count = count + 1, insert-or-ignore of a reaction), never a read-modify-
-- write from the program, so several nodes can flush into one database
-- without losing updates. They never bump meta.generation.

-- The all-time views of an article: the sum of its view_hours and view_days.
CREATE TABLE article_stats (
	article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	views BIGINT NOT NULL DEFAULT 0
);

-- hour = unix_seconds / 3600 (UTC). Kept about 30 days, then folded into
-- view_days by nd_store_views_compact.
CREATE TABLE view_hours (
	article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	hour BIGINT NOT NULL,
	views BIGINT NOT NULL,
	PRIMARY KEY (article_id, hour)
);
-- Loading the last days at start, and compaction, go by hour.
CREATE INDEX view_hours_hour ON view_hours (hour);

-- day = unix_seconds / 86400 (UTC) = hour / 24.
CREATE TABLE view_days (
	article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	day BIGINT NOT NULL,
	views BIGINT NOT NULL,
	PRIMARY KEY (article_id, day)
);

-- One row per visitor per type per article. visitor: 17 bytes, a kind byte
-- ('c' cookie id, 'h' salted daily hash, 'd' demo) and 16 id bytes.
CREATE TABLE reactions (
	article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	visitor BYTEA NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (article_id, type, visitor)
);

-- The number of reactions rows per (article, type), kept equal to them by
-- the same transaction that adds or removes a row.
CREATE TABLE reaction_counts (
	article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	count BIGINT NOT NULL CHECK (count >= 0),
	PRIMARY KEY (article_id, type)
);
