-- Many comuni in one installation (issue #17): a comune owns its channels, its admin users (a role in
-- each comune), its API tokens and its audit rows. Today's installation becomes the one comune
-- "default" with everything it had; the configuration names it, or the comuni that replace it.
CREATE TABLE comuni (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	istat TEXT,
	email TEXT,
	phone TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
INSERT INTO comuni (id, name, created_at, updated_at) VALUES ('default', 'default', 0, 0);

ALTER TABLE channels ADD COLUMN comune TEXT NOT NULL DEFAULT 'default';

-- The comune of the rows without a channel (users, logins, tokens); rows with a channel belong to its comune.
ALTER TABLE audit ADD COLUMN comune TEXT;
UPDATE audit SET comune = 'default';
CREATE INDEX audit_comune ON audit (comune, at);

-- An installation administrator manages the comuni and sees everything; everyone else sees the
-- comuni they are members of, with a role in each. Existing users keep their role in "default".
ALTER TABLE admin_users ADD COLUMN installation_admin INTEGER NOT NULL DEFAULT 0;
CREATE TABLE admin_memberships (
	username TEXT NOT NULL REFERENCES admin_users(username) ON DELETE CASCADE,
	comune TEXT NOT NULL,
	role TEXT NOT NULL,
	PRIMARY KEY (username, comune)
);
CREATE INDEX admin_memberships_comune ON admin_memberships (comune, role);
INSERT INTO admin_memberships (username, comune, role) SELECT username, 'default', role FROM admin_users;
ALTER TABLE admin_users DROP COLUMN role;

-- A comune's API tokens: only the sha256 of the token is kept (shown once, at creation).
CREATE TABLE api_tokens (
	id TEXT PRIMARY KEY,
	comune TEXT NOT NULL,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	created_by TEXT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX api_tokens_comune ON api_tokens (comune, created_at);
