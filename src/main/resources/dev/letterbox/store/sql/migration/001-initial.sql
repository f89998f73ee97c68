-- Letterbox schema 1: directory, mailboxes, messages, blobs, the cross-process change feed.
-- Portable SQL; ${identity} and ${bytes} are filled in by the Dialect. Times are epoch milliseconds.
-- Statements end with ';' at the end of a line (the migration runner splits there).

CREATE TABLE domain (
    id ${identity},
    name TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL
);

CREATE TABLE account (
    id ${identity},
    address TEXT NOT NULL UNIQUE,
    domain_id BIGINT NOT NULL REFERENCES domain (id),
    password_hash TEXT NOT NULL,
    quota_bytes BIGINT NOT NULL DEFAULT 0,
    used_bytes BIGINT NOT NULL DEFAULT 0,
    protocols TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created BIGINT NOT NULL
);
CREATE INDEX account_domain ON account (domain_id);

-- One row per (address, target); address is a full address or '@domain' (catch-all).
CREATE TABLE alias (
    address TEXT NOT NULL,
    target TEXT NOT NULL,
    domain_id BIGINT NOT NULL REFERENCES domain (id),
    PRIMARY KEY (address, target)
);
CREATE INDEX alias_domain ON alias (domain_id);

-- Store-wide counters; 'uidvalidity' is the last UIDVALIDITY handed out (never reused).
CREATE TABLE counter (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counter (name, value) VALUES ('uidvalidity', 0);

CREATE TABLE mailbox (
    id ${identity},
    account_id BIGINT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    uidnext BIGINT NOT NULL,
    highest_modseq BIGINT NOT NULL,
    special_use TEXT,
    recent_mark BIGINT NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE subscription (
    account_id BIGINT NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- A row exists while something refers to the blob (a message; later an outbound queue entry).
CREATE TABLE blob (
    id TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    structure ${bytes},
    created BIGINT NOT NULL
);

CREATE TABLE message (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    uid BIGINT NOT NULL,
    modseq BIGINT NOT NULL,
    flags INTEGER NOT NULL,
    keywords TEXT NOT NULL,
    internal_date BIGINT NOT NULL,
    saved_date BIGINT NOT NULL,
    size BIGINT NOT NULL,
    blob_id TEXT NOT NULL REFERENCES blob (id),
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX message_modseq ON message (mailbox_id, modseq);
CREATE INDEX message_blob ON message (blob_id);

-- Expunged UIDs with the MODSEQ of their expunge (QRESYNC VANISHED).
CREATE TABLE expunged (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    uid BIGINT NOT NULL,
    modseq BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);

-- Committed changes, so other processes and nodes can announce them. kind: content | list | account.
CREATE TABLE change_log (
    seq ${identity},
    node TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    mailbox_id BIGINT,
    kind TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE INDEX change_log_created ON change_log (created);
