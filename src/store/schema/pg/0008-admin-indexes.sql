-- 0008: indexes for the admin (issue 6): the same as the SQLite file.
-- The article list pages through every article newest update first
-- (nd_store_article_find); the site's daily views read view_days by day.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX view_days_day ON view_days (day);
