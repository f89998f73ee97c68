-- Letterbox schema: grants to groups of accounts (RFC 4314 §2 identifiers that are not one
-- account): "anyone" and "authenticated" (every account; nobody uses IMAP without logging in),
-- and "$example.com" (every account of that domain). A user's rights on a mailbox are its own
-- grant's and those of every group it belongs to, together. Goes with the mailbox.
CREATE TABLE mailbox_group_grant (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox (id),
    identifier TEXT NOT NULL,
    rights TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, identifier)
);
-- "what is shared with my groups": every LIST asks it
CREATE INDEX mailbox_group_grant_identifier ON mailbox_group_grant (identifier);

-- "Send on behalf": grantee may name the owner's addresses in From: of mail it submits under its
-- own envelope sender; Sender: then names the grantee (the server adds it when missing). Goes with
-- either account. ("Send as", in send_grant, lets the owner's addresses be the envelope sender.)
CREATE TABLE send_behalf_grant (
    owner_id BIGINT NOT NULL REFERENCES account (id),
    grantee_id BIGINT NOT NULL REFERENCES account (id),
    PRIMARY KEY (owner_id, grantee_id)
);
CREATE INDEX send_behalf_grant_grantee ON send_behalf_grant (grantee_id);
