-- 0006: webhook deliveries (issue 6, item 4). One row per event sent to one
-- webhook, updated after every attempt: status is 'pending' (more attempts
-- to come), 'delivered' (a 2xx answer) or 'failed' (gave up).
-- http_status: the last answer's status, 0 when none came (connection
-- refused, timeout). last_error: what went wrong last, '' when nothing.
CREATE TABLE webhook_deliveries (
	id INTEGER PRIMARY KEY,
	webhook TEXT NOT NULL,
	event TEXT NOT NULL,
	url TEXT NOT NULL,
	article TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	http_status INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
