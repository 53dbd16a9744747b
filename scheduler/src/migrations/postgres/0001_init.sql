-- Times are epoch milliseconds; JSON is text; booleans are 0/1: the same SQL runs on both databases.
CREATE TABLE channels (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	delivery TEXT NOT NULL,
	paused INTEGER NOT NULL DEFAULT 0,
	pause_reason TEXT,
	rules_version INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE rules_versions (
	channel TEXT NOT NULL REFERENCES channels(id),
	version INTEGER NOT NULL,
	digest TEXT NOT NULL,
	source TEXT NOT NULL,
	data TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (channel, version)
);

CREATE TABLE messages (
	id TEXT PRIMARY KEY,
	channel TEXT NOT NULL REFERENCES channels(id),
	dedupe_key TEXT NOT NULL,
	state TEXT NOT NULL,
	text TEXT NOT NULL,
	category TEXT,
	priority INTEGER NOT NULL,
	emergency INTEGER NOT NULL,
	justification TEXT,
	image TEXT,
	earliest_at BIGINT NOT NULL,
	expires_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	sent_at BIGINT,
	provider_message_id TEXT,
	reasons TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	item TEXT,
	via TEXT,
	claimed_at BIGINT,
	counted INTEGER NOT NULL DEFAULT 0,
	lease_until BIGINT,
	UNIQUE (channel, dedupe_key)
);
CREATE INDEX messages_due ON messages (channel, state, earliest_at);
CREATE INDEX messages_counted ON messages (channel, counted, claimed_at);
CREATE INDEX messages_lease ON messages (state, lease_until);
CREATE INDEX messages_claimed ON messages (channel, claimed_at);

CREATE TABLE history (
	id BIGSERIAL PRIMARY KEY,
	message_id TEXT NOT NULL,
	at BIGINT NOT NULL,
	state TEXT NOT NULL,
	note TEXT
);
CREATE INDEX history_message ON history (message_id, id);

CREATE TABLE slots (
	id TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	message_id TEXT NOT NULL,
	state TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX slots_state ON slots (state, expires_at);
CREATE INDEX slots_message ON slots (message_id);

CREATE TABLE audit (
	id BIGSERIAL PRIMARY KEY,
	at BIGINT NOT NULL,
	channel TEXT,
	type TEXT NOT NULL,
	message_id TEXT,
	actor TEXT NOT NULL,
	details TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_channel ON audit (channel, at);
