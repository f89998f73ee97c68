-- Letterbox schema 10: each account's Sieve scripts (RFC 5228), managed over ManageSieve (RFC 5804).
-- Times are epoch ms.

CREATE TABLE sieve_script (
    account_id BIGINT NOT NULL REFERENCES account (id),
    -- as the client named it: case-sensitive UTF-8 without control characters
    name TEXT NOT NULL,
    -- the script's text as uploaded (UTF-8)
    content TEXT NOT NULL,
    -- 1 for the one script that runs at delivery, else 0
    active INTEGER NOT NULL,
    -- when it was last uploaded or renamed
    updated BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);
-- At most one active script per account, whatever two sessions or nodes do at once.
CREATE UNIQUE INDEX sieve_script_active ON sieve_script (account_id) WHERE active = 1;
-- (change_log rows of kind 'sieve' announce changes to an account's scripts; the column needs no change.)
