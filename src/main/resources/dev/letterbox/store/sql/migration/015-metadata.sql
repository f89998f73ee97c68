-- Letterbox schema 15: IMAP METADATA (RFC 5464) entries of mailboxes and of the server, per account.
CREATE TABLE metadata_entry (
    account_id BIGINT NOT NULL REFERENCES account (id),
    -- the mailbox the entry annotates, 0 for the server (METADATA-SERVER); follows RENAME, goes with DELETE
    mailbox_id BIGINT NOT NULL,
    -- the entry name as the client wrote it under /private or /shared, lower-cased (names are case-insensitive)
    name TEXT NOT NULL,
    -- the value's octets
    value ${bytes} NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, name)
);
