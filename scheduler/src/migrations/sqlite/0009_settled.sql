-- What a person decided for a message and the send-time check must not undo: a category or an
-- emergency set by hand, and the findings the office approved or overrode (JSON, core's `Settled`).
ALTER TABLE messages ADD COLUMN settled TEXT;
