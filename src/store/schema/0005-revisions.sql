-- 0005: article revisions and owners (issue 6, items 3 and 5).
--
-- owner_user_id: the user who created the article through the write API
-- (or, later, the admin); NULL for import, fetch and the CLI. An author may
-- edit only the articles they own (src/admin/role.c). Removing the user
-- leaves the article without an owner.
ALTER TABLE articles ADD COLUMN owner_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- revisions: every save of an article that changed it, written by
-- nd_store_article_put in the same transaction. A revision is the whole
-- article as it was stored, in the import's shape (section as a path of
-- names, author name, tags as a JSON array of names), so restoring one is a
-- save of those fields. n numbers the revisions of one article from 1.
-- user_id: who saved (NULL for import, fetch and the CLI, or a removed
-- user). Deleting the article deletes its revisions (ON DELETE CASCADE): a
-- deleted article is gone, history included.
CREATE TABLE revisions (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	n INTEGER NOT NULL,
	ext_id TEXT NOT NULL,
	slug TEXT NOT NULL,
	title TEXT NOT NULL,
	summary TEXT NOT NULL,
	body TEXT NOT NULL,
	section TEXT NOT NULL,
	author TEXT NOT NULL,
	tags TEXT NOT NULL,
	language TEXT NOT NULL,
	image TEXT NOT NULL,
	source_url TEXT NOT NULL,
	status INTEGER NOT NULL,
	published_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (article_id, n)
);

-- Every article there is gets its first revision: what it is now.
WITH RECURSIVE paths (id, path) AS (
	SELECT id, name FROM sections WHERE parent_id IS NULL
	UNION ALL
	SELECT s.id, p.path || '/' || s.name FROM sections s JOIN paths p ON s.parent_id = p.id
)
INSERT INTO revisions (article_id, n, ext_id, slug, title, summary, body, section, author, tags,
                       language, image, source_url, status, published_at, updated_at, user_id,
                       created_at)
SELECT a.id, 1, a.ext_id, a.slug, a.title, a.summary, a.body,
       (SELECT path FROM paths WHERE paths.id = a.section_id),
       coalesce((SELECT name FROM authors WHERE authors.id = a.author_id), ''),
       (SELECT json_group_array(name) FROM
        (SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
         WHERE x.article_id = a.id ORDER BY x.position)),
       a.language, a.image, a.source_url, a.status, a.published_at, a.updated_at, NULL,
       a.updated_at
FROM articles a;
