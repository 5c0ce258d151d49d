-- 0004: accounts, sessions, login lockout and API tokens (issue 6).
--
-- users: the people who log in to /admin (and, through api_tokens, the
-- write API). login is kept in lowercase (nd_store_user_add folds it), so
-- lookups are case-insensitive; COLLATE NOCASE guards the rule in the
-- database too. password: an argon2id string from libsodium's
-- crypto_pwhash_str ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), never
-- the password. role: what the user may do (src/admin/role.c).
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
	password TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_login INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0
);

-- sessions: one per logged-in browser. id is the BLAKE2b-256 hash of the
-- random token in the visitor's cookie: the token itself is never stored,
-- so a copy of the database opens no session. csrf: the session's 32-byte
-- secret, the key of its CSRF tokens (src/admin/csrf.c). A session ends at
-- expires_at (absolute) or when last_seen is older than the idle timeout;
-- nd_store_session_purge deletes both kinds.
CREATE TABLE sessions (
	id BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	csrf BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- login_failures: consecutive failed logins per login name (lowercase,
-- whether or not such a user exists, so a lockout tells nothing about
-- which logins are real). Kept in the store so a lock survives a restart
-- and holds on every node. A success deletes the row.
CREATE TABLE login_failures (
	login TEXT PRIMARY KEY COLLATE NOCASE,
	failures INTEGER NOT NULL,
	last_failure INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- api_tokens: bearer tokens of the write API (a later step). Like
-- sessions, only the BLAKE2b-256 hash of the token is kept. A revoked
-- token stays listed (revoked_at > 0) so its last use can still be read.
CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	last_used INTEGER NOT NULL DEFAULT 0,
	revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
