-- One message, several outlets (issue #16): what each outlet did with each message of a channel that
-- delivers to more than one. A message counts once however many outlets it reaches; an outlet that
-- has it is never asked again; one that failed is retried by itself (next_at) until maxAttempts.
CREATE TABLE outlet_deliveries (
	message_id TEXT NOT NULL,
	channel TEXT NOT NULL,
	outlet TEXT NOT NULL,
	-- sent | retrying | sending | failed | unknown
	state TEXT NOT NULL,
	provider_message_id TEXT,
	reason TEXT,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT,
	lease_until BIGINT,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (message_id, outlet)
);
CREATE INDEX outlet_deliveries_due ON outlet_deliveries (state, next_at);
