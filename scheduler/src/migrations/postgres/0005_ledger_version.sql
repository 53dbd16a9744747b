-- A channel's ledger version changes whenever a message that a decision counts changes (a claimed
-- message: in flight, sent, counted, emergency), in the same transaction, by trigger, so no code
-- path can forget it. A decision that finds the version it last saw reuses the counts it read then
-- instead of counting the window again. From a sequence, not +1: sequences never roll back, so a
-- value from a rolled-back transaction is never seen again.
ALTER TABLE channels ADD COLUMN ledger_version BIGINT NOT NULL DEFAULT 0;
CREATE SEQUENCE ledger_version_seq;

CREATE FUNCTION banditore_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE channels SET ledger_version = nextval('ledger_version_seq') WHERE id = OLD.channel;
	ELSE
		UPDATE channels SET ledger_version = nextval('ledger_version_seq') WHERE id = NEW.channel;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER messages_ledger_insert AFTER INSERT ON messages FOR EACH ROW
WHEN (NEW.claimed_at IS NOT NULL) EXECUTE FUNCTION banditore_ledger_changed();

CREATE TRIGGER messages_ledger_update AFTER UPDATE OF state, counted, claimed_at, emergency ON messages FOR EACH ROW
WHEN ((OLD.claimed_at IS NOT NULL OR NEW.claimed_at IS NOT NULL)
	AND (NEW.state IS DISTINCT FROM OLD.state OR NEW.counted IS DISTINCT FROM OLD.counted
		OR NEW.claimed_at IS DISTINCT FROM OLD.claimed_at OR NEW.emergency IS DISTINCT FROM OLD.emergency))
EXECUTE FUNCTION banditore_ledger_changed();

CREATE TRIGGER messages_ledger_delete AFTER DELETE ON messages FOR EACH ROW
WHEN (OLD.claimed_at IS NOT NULL) EXECUTE FUNCTION banditore_ledger_changed();
