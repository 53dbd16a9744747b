-- Cloud API delivery statuses (sent, delivered, read, failed), as Meta's webhooks report them, in
-- any order and possibly more than once. Never the recipient's number: our broadcasts carry
-- "<broadcast id>:<recipient key>" in biz_opaque_callback_data, and that is what is kept.
CREATE TABLE whatsapp_statuses (
	wamid TEXT NOT NULL,
	status TEXT NOT NULL,
	at BIGINT NOT NULL,
	broadcast_id TEXT,
	recipient_key TEXT,
	error_code INTEGER,
	received_at BIGINT NOT NULL,
	PRIMARY KEY (wamid, status)
);
CREATE INDEX whatsapp_statuses_recipient ON whatsapp_statuses (broadcast_id, recipient_key);
