-- 0009: the node log (issue 7): what each node wrote of the counters and
-- reading histories, so that the other nodes on the same database add it to
-- what they hold in memory (docs/internals/node-sync.md).
--
-- A transient log, not data: a row is written in the same transaction as
-- the counter or history write it describes (nd_store_counts_apply,
-- nd_store_history_add on a handle given a node by nd_store_nodelog_as),
-- read by the other nodes about once a second (WHERE id > their mark) and
-- deleted about an hour later (nd_store_nodelog_prune). The counts
-- themselves stay in 0002's and 0003's tables; losing this table loses
-- nothing a restarted node would not reload from them.
--
-- id orders the rows: writers of the log hold the store's write lock from
-- before their first row to their commit (SQLite's BEGIN IMMEDIATE), so
-- rows become visible in id order and a reader's `id > mark` skips none.
-- The prune never deletes the newest row, so SQLite never hands out an id
-- again (a rowid is max(rowid) + 1).
--
-- node: the random id a node draws at start. logged_at: unix seconds when
-- the row was written (the prune goes by it; no index: logged_at grows with
-- id, so the prune walks the primary key from the oldest row to the first
-- young one, and a flush pays for no second b-tree). One row is one of:
--   views     deltas: every view delta of one flush, packed (20 bytes each,
--             little-endian: article id int64, hour int64 = unix seconds /
--             3600, views uint32), one row per flush rather than one per
--             article so that a node alone pays little for the log;
--             article_id 0, type and visitor NULL
--   reaction  article_id, type (the reaction slug) and reaction (+1 added,
--             -1 taken back), at (when); deltas and visitor NULL
--   read      article_id, visitor (17 bytes, as reading_history) and at
--             (when read); deltas and type NULL
-- article_id is articles.id but not a foreign key: a log of what happened
-- (a deleted article's rows are skipped by the readers).
CREATE TABLE node_log (
	id INTEGER PRIMARY KEY,
	node INTEGER NOT NULL,
	logged_at INTEGER NOT NULL,
	article_id INTEGER NOT NULL DEFAULT 0,
	deltas BLOB,
	type TEXT,
	reaction INTEGER NOT NULL DEFAULT 0,
	visitor BLOB,
	at INTEGER NOT NULL DEFAULT 0
);
