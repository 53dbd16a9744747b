-- Webhooks of n8n Scheduler Trigger nodes: registered when their workflow is activated, removed
-- when it is deactivated. A registered webhook takes over delivery for its channels (all when null).
CREATE TABLE webhooks (
	id TEXT PRIMARY KEY,
	url TEXT NOT NULL UNIQUE,
	channels TEXT,
	created_at BIGINT NOT NULL
);
