-- Notifications to the office (issue #15). Self-contained: only new tables.
-- What each admin user chose to receive: their own address and the kinds (comma-separated).
CREATE TABLE notify_prefs (
	username TEXT PRIMARY KEY REFERENCES admin_users(username) ON DELETE CASCADE,
	email TEXT,
	kinds TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);

-- The notifier's cursor in the audit log ('cursor': the last audit id handled) and the markers of
-- what was already sent once (a weekly summary, an election period, a throttled alert).
CREATE TABLE notify_marks (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	at BIGINT NOT NULL
);
-- Events already in the log when notifications arrive are not announced.
INSERT INTO notify_marks (key, value, at) SELECT 'cursor', CAST(COALESCE(MAX(id), 0) AS TEXT), 0 FROM audit;

-- One e-mail to one address, or one webhook call: pending until sent (retried with backoff).
CREATE TABLE notify_outbox (
	id BIGSERIAL PRIMARY KEY,
	created_at BIGINT NOT NULL,
	kind TEXT NOT NULL,
	target TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	payload TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,
	lease_until BIGINT,
	error TEXT,
	sent_at BIGINT
);
CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at);
