-- 0001: the first schema. Applied in one transaction by the migration runner
-- (src/store/sqlite.c), which records it in schema_migrations; a migration
-- must not contain BEGIN, COMMIT or PRAGMA foreign_keys.

-- Sections form a tree. A top-level section has parent_id NULL. UNIQUE
-- treats NULLs as distinct, so top-level slugs need the partial index below.
CREATE TABLE sections (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES sections (id),
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	position INTEGER NOT NULL,
	UNIQUE (parent_id, slug)
);
CREATE UNIQUE INDEX sections_top_slug ON sections (slug) WHERE parent_id IS NULL;

CREATE TABLE authors (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE tags (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

-- status: 0 published, 1 draft, 2 scheduled (enum nd_article_status).
-- Times are Unix seconds, UTC. Optional text is '' rather than NULL.
CREATE TABLE articles (
	id INTEGER PRIMARY KEY,
	ext_id TEXT NOT NULL UNIQUE,
	section_id INTEGER NOT NULL REFERENCES sections (id),
	author_id INTEGER REFERENCES authors (id),
	slug TEXT NOT NULL,
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	language TEXT NOT NULL DEFAULT 'en',
	image TEXT NOT NULL DEFAULT '',
	source_url TEXT NOT NULL DEFAULT '',
	status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
	published_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (section_id, slug)
);
-- Listings: one status, newest first (the rowid breaks ties).
CREATE INDEX articles_status_published ON articles (status, published_at);
CREATE INDEX articles_author ON articles (author_id);

CREATE TABLE article_tags (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	tag_id INTEGER NOT NULL REFERENCES tags (id),
	position INTEGER NOT NULL,
	PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id);

-- Small site-wide values. 'generation' counts the writes that change what
-- the site shows; servers poll it to know when to rebuild their snapshot.
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value
);
INSERT INTO meta (key, value) VALUES ('generation', 0);
