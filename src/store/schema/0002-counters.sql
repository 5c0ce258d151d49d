-- 0002: what readers do. Views per article, hourly and daily view buckets
-- for the Ranking, and reactions with their counts.
--
-- Every write to these tables is a commutative increment (views = views + n,
-- count = count + 1, insert-or-ignore of a reaction), never a read-modify-
-- write from the program, so several nodes can flush into one database
-- (issue 7) without losing updates. They never bump meta.generation: the
-- site snapshot rebuilds when it moves, and counters change every second.
--
-- article_id is articles.id, the row id the site uses as an article's key.
-- Deleting an article deletes its counters (ON DELETE CASCADE).

-- The all-time views of an article: the sum of its view_hours and view_days.
CREATE TABLE article_stats (
	article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	views INTEGER NOT NULL DEFAULT 0
);

-- hour = unix_seconds / 3600 (UTC). Kept about 30 days, then folded into
-- view_days by nd_store_views_compact.
CREATE TABLE view_hours (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	hour INTEGER NOT NULL,
	views INTEGER NOT NULL,
	PRIMARY KEY (article_id, hour)
) WITHOUT ROWID;
-- Loading the last days at start, and compaction, go by hour.
CREATE INDEX view_hours_hour ON view_hours (hour);

-- day = unix_seconds / 86400 (UTC) = hour / 24.
CREATE TABLE view_days (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	views INTEGER NOT NULL,
	PRIMARY KEY (article_id, day)
) WITHOUT ROWID;

-- One row per visitor per type per article. type: a configured reaction
-- slug ("verygood"). visitor: 17 bytes, a kind byte ('c' cookie id, 'h'
-- salted daily hash, 'd' demo) and 16 id bytes.
CREATE TABLE reactions (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	visitor BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (article_id, type, visitor)
) WITHOUT ROWID;

-- The number of reactions rows per (article, type), kept equal to them by
-- the same transaction that adds or removes a row.
CREATE TABLE reaction_counts (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	count INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (article_id, type)
) WITHOUT ROWID;
