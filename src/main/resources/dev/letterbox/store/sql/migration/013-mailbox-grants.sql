-- Letterbox schema: shared mailboxes. A grant gives another account rights (RFC 4314 letters, in
-- the canonical order "lrswipkxtea") on one mailbox of its owner; the grant follows the mailbox
-- through renames and goes with it. The owner always has every right and has no row here.
CREATE TABLE mailbox_grant (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    grantee_id BIGINT NOT NULL REFERENCES account (id),
    rights TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, grantee_id)
);
-- "what is shared with me": every LIST and every look-up of an "Other Users/..." name asks it
CREATE INDEX mailbox_grant_grantee ON mailbox_grant (grantee_id);

-- "Send as": grantee may submit mail with the owner's addresses (its own and its aliases') as
-- the envelope sender. Goes with either account.
CREATE TABLE send_grant (
    owner_id BIGINT NOT NULL REFERENCES account (id),
    grantee_id BIGINT NOT NULL REFERENCES account (id),
    PRIMARY KEY (owner_id, grantee_id)
);
CREATE INDEX send_grant_grantee ON send_grant (grantee_id);

-- \Seen is private to each grantee of a shared mailbox (the owner's is the message's own flag):
-- one row per message a grantee has seen. Goes with the mailbox and with the grantee.
CREATE TABLE private_seen (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    account_id BIGINT NOT NULL REFERENCES account (id),
    uid BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, account_id, uid)
);
