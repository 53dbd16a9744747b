-- Subscribers of channels delivered over the Cloud API. A number is kept only encrypted (number_enc,
-- AES-256-GCM, key id in key_id) and found through a keyed hash (number_hash); a pending sign-up keeps
-- no number at all. Consent records, reply counters and the broadcast send log hold the hash or the
-- subscriber id, never the number.
CREATE TABLE subscribers (
	id TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	number_hash TEXT NOT NULL,
	number_enc TEXT,
	key_id TEXT,
	state TEXT NOT NULL,
	pending_since BIGINT,
	confirmed_at BIGINT,
	last_inbound_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (channel, number_hash)
);
CREATE INDEX subscribers_state ON subscribers (channel, state);
CREATE INDEX subscribers_key ON subscribers (key_id);

-- Consent given and withdrawn: when, which policy version, which channel. Kept for the configured
-- retention after the person left, as proof; deleted at once on an erasure request.
CREATE TABLE subscriber_consents (
	id BIGSERIAL PRIMARY KEY,
	channel TEXT NOT NULL,
	number_hash TEXT NOT NULL,
	event TEXT NOT NULL,
	policy_version TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX subscriber_consents_hash ON subscriber_consents (number_hash);
CREATE INDEX subscriber_consents_at ON subscriber_consents (at);

-- Automatic replies per sender in the current hour: a loop of messages gets a few answers, not one each.
CREATE TABLE subscriber_replies (
	channel TEXT NOT NULL,
	number_hash TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (channel, number_hash)
);

-- Inbound messages already handled, by a keyed digest of Meta's id (the id itself embeds the sender).
CREATE TABLE subscriber_inbound (
	digest TEXT PRIMARY KEY,
	at BIGINT NOT NULL
);
CREATE INDEX subscriber_inbound_at ON subscriber_inbound (at);

-- The broadcast engine's send log: intent before each request, outcome after, by subscriber id.
CREATE TABLE subscriber_sends (
	seq BIGSERIAL PRIMARY KEY,
	broadcast_id TEXT NOT NULL,
	subscriber_id TEXT NOT NULL,
	event TEXT NOT NULL,
	at BIGINT NOT NULL,
	code INTEGER,
	reason TEXT
);
CREATE INDEX subscriber_sends_broadcast ON subscriber_sends (broadcast_id, seq);
CREATE INDEX subscriber_sends_subscriber ON subscriber_sends (subscriber_id);
