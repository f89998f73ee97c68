-- Letterbox schema 16: a limit on the number of messages per account (IMAP QUOTA=RES-MESSAGE, RFC 9208
-- §5.2), 0 = unlimited, and the count it is checked against, kept like used_bytes in the statement that
-- adds or removes messages (so a check is one row read, exact under concurrent writers).
ALTER TABLE account ADD COLUMN quota_messages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN used_messages BIGINT NOT NULL DEFAULT 0;
UPDATE account SET used_messages = (SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id
    WHERE b.account_id = account.id);
