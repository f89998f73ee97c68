-- Letterbox schema: per-account forwarding. All mail of the account goes on to target (an address,
-- usually in another domain); keep_copy 1 also stores it in the account as before.
CREATE TABLE account_forward (
    account_id BIGINT PRIMARY KEY REFERENCES account (id),
    target TEXT NOT NULL,
    keep_copy INTEGER NOT NULL,
    created BIGINT NOT NULL
);
