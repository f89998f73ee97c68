-- Letterbox schema 4: what the relay keeps per queued recipient so each delivery report (DSN) is
-- sent once: the server that gave the last answer, whether the report owed for the recipient's
-- final state is done (queued, or not wanted), and whether a delay warning went out.

ALTER TABLE queue_recipient ADD COLUMN remote_mta TEXT;
-- 1: the DSN owed for this recipient's final state (delivered/failed) is queued, or none is wanted
ALTER TABLE queue_recipient ADD COLUMN notified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_recipient ADD COLUMN delay_warned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX queue_recipient_unreported ON queue_recipient (notified, state);
