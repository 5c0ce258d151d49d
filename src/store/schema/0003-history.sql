-- 0003: what each visitor read, for the Recommendation list (issue 5).
--
-- One row per article view the recommender keeps: at most the newest 200 per
-- visitor and none older than the configured age (history_days), both
-- enforced by nd_store_history_purge. Visitors who send DNT: 1 or
-- Sec-GPC: 1 never get a row. visitor: 17 bytes as in reactions (kind byte
-- and 16 id bytes); at: unix seconds.
--
-- Rows are only ever inserted (or ignored when the same visitor read the
-- same article in the same second) and deleted by age, so several nodes may
-- write into one database (issue 7).
CREATE TABLE reading_history (
	visitor BLOB NOT NULL,
	at INTEGER NOT NULL,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	PRIMARY KEY (visitor, at, article_id)
) WITHOUT ROWID;
-- Loading at start and purging go by time.
CREATE INDEX reading_history_at ON reading_history (at);
-- ON DELETE CASCADE looks rows up by article.
CREATE INDEX reading_history_article ON reading_history (article_id);
