-- 0008: indexes for the admin (issue 6). The article list pages through
-- every article newest update first (nd_store_article_find): without an
-- index each page sorted every row; with it a page reads its 50 rows in
-- order. The site's daily views (the stats pages) read view_days by day.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX view_days_day ON view_days (day);
