-- Only claimed messages (in flight, sent, counted) are ever looked up by claim time, and only those
-- sending by lease: partial indexes leave a message that is just enqueued out of three of the six
-- indexes of its table, so an enqueue writes three index entries instead of six.
CREATE INDEX messages_counted_claimed ON messages (channel, counted, claimed_at) INCLUDE (state, emergency) WHERE claimed_at IS NOT NULL;
DROP INDEX messages_counted_cover;
CREATE INDEX messages_claimed_at ON messages (channel, claimed_at) INCLUDE (state) WHERE claimed_at IS NOT NULL;
DROP INDEX messages_claimed_cover;
CREATE INDEX messages_sending_lease ON messages (lease_until) WHERE state = 'sending';
DROP INDEX messages_lease;
