-- Letterbox schema: URLAUTH mailbox access keys (RFC 4467 §3). Each (account, mailbox) has at most
-- one secret; the INTERNAL mechanism signs URLs with it. RESETKEY deletes it, which makes every URL
-- signed with it invalid; the next GENURLAUTH makes a new one. Mailbox ids are never reused, so a
-- key left behind by a deleted mailbox signs nothing that can still be fetched.
CREATE TABLE urlauth_key (
    account_id BIGINT NOT NULL REFERENCES account (id),
    mailbox_id BIGINT NOT NULL,
    -- 32 random octets in lower-case hex
    secret TEXT NOT NULL,
    -- epoch ms
    created BIGINT NOT NULL,
    PRIMARY KEY (account_id, mailbox_id)
);
