-- Letterbox schema 6: what the nodes on one database agree on. Times are epoch ms.

-- Named locks (one POP3 session per account): the holder renews its expiry while it works; a row
-- whose expiry has passed may be taken over, so a node that died holds nothing for long.
CREATE TABLE coordination_lock (
    name TEXT PRIMARY KEY,
    -- node and session that hold it
    owner TEXT NOT NULL,
    expires BIGINT NOT NULL
);
CREATE INDEX coordination_lock_expires ON coordination_lock (expires);

-- Failed logins: scope 'client' (subject: an address or /64), 'account' (subject: the name as
-- typed, normalised) or 'client-account' (subject: client, space, account name).
CREATE TABLE login_failure (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    -- 0 when not blocked
    blocked_until BIGINT NOT NULL,
    -- the record counts as none from then on; pruned after
    expires BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX login_failure_expires ON login_failure (expires);
