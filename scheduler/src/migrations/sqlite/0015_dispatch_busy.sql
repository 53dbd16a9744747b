-- A dispatcher pass visits only the channels with something to do (issue #17): a province has a
-- thousand channels, nearly all idle at any moment, and visiting each took longer than the pass
-- interval. Busy: a message waiting or held, or a digest that ended lately (its parts may have to go
-- back in line). Both indexes are small: they hold only such messages.
CREATE INDEX messages_waiting_channel ON messages (channel) WHERE state IN ('queued', 'scheduled', 'deferred', 'held');
CREATE INDEX messages_digest_ended ON messages (updated_at) WHERE category = 'riepilogo' AND state IN ('failed', 'cancelled', 'expired', 'rejected');
