-- Letterbox schema 7: several nodes share one queue. A node claims a message before attempting it
-- by writing its id and the lease's end here; nobody else attempts the message until the lease is
-- released (the outcome is recorded) or has run out (the node died). Both NULL: nobody holds it.

ALTER TABLE queue_message ADD COLUMN lease_owner TEXT;
-- epoch ms; a lease that ended is as good as none
ALTER TABLE queue_message ADD COLUMN lease_until BIGINT;
-- a node renews and (at start) takes back its own leases by owner
CREATE INDEX queue_message_lease ON queue_message (lease_owner);
