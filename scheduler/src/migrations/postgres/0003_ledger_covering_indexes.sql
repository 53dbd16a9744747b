-- The ledger's counts (ledger.ts, one statement per decision) read only index columns: the counted
-- messages of the window with their state, the emergencies, the latest claim. Same number of
-- indexes as before (each replaces one).
CREATE INDEX messages_counted_cover ON messages (channel, counted, claimed_at) INCLUDE (state, emergency);
DROP INDEX messages_counted;
CREATE INDEX messages_claimed_cover ON messages (channel, claimed_at) INCLUDE (state);
DROP INDEX messages_claimed;
