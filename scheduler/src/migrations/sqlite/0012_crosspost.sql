-- Cross-posts (issue #14): the page a message's item stands for (canonical, core/crosspost.ts linkKey),
-- to find the same notice from another source; and, for a duplicate, the message sent in its place.
ALTER TABLE messages ADD COLUMN link_key TEXT;
ALTER TABLE messages ADD COLUMN duplicate_of TEXT;
CREATE INDEX messages_link_key ON messages (channel, link_key) WHERE link_key IS NOT NULL;
-- The items of the last few days, whose texts a new item is compared with.
CREATE INDEX messages_items_created ON messages (channel, created_at) WHERE item IS NOT NULL;
