-- The admin page: its users (scrypt password hashes, never the password), their sessions (only a
-- hash of the cookie's token is stored), and who changed a channel's rules and from where.
CREATE TABLE admin_users (
	username TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL REFERENCES admin_users(username) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- origin: 'file' (the rules file, at start) or 'admin' (edited on the admin page); author: who.
ALTER TABLE rules_versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'file';
ALTER TABLE rules_versions ADD COLUMN author TEXT;
-- sha256 of the rules file's text when it was last read: a start overrides an admin edit only
-- when the file itself changed since.
ALTER TABLE channels ADD COLUMN rules_file_digest TEXT;
