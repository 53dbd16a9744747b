-- A channel's ledger version changes whenever a message that a decision counts changes (a claimed
-- message: in flight, sent, counted, emergency), in the same transaction, by trigger, so no code
-- path can forget it. A decision that finds the version it last saw reuses the counts it read then
-- instead of counting the window again. Random, not +1: a value rolled back is never seen again.
ALTER TABLE channels ADD COLUMN ledger_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER messages_ledger_insert AFTER INSERT ON messages
WHEN NEW.claimed_at IS NOT NULL
BEGIN
	UPDATE channels SET ledger_version = abs(random() % 9007199254740991) WHERE id = NEW.channel;
END;

CREATE TRIGGER messages_ledger_update AFTER UPDATE OF state, counted, claimed_at, emergency ON messages
WHEN (OLD.claimed_at IS NOT NULL OR NEW.claimed_at IS NOT NULL)
	AND (NEW.state IS NOT OLD.state OR NEW.counted IS NOT OLD.counted OR NEW.claimed_at IS NOT OLD.claimed_at OR NEW.emergency IS NOT OLD.emergency)
BEGIN
	UPDATE channels SET ledger_version = abs(random() % 9007199254740991) WHERE id = NEW.channel;
END;

CREATE TRIGGER messages_ledger_delete AFTER DELETE ON messages
WHEN OLD.claimed_at IS NOT NULL
BEGIN
	UPDATE channels SET ledger_version = abs(random() % 9007199254740991) WHERE id = OLD.channel;
END;
