-- Letterbox schema 2: the outbound queue. A queue_message row refers to its blob like a message row
-- does (BlobRefs counts both); recipients carry their own delivery state. Times are epoch ms.

CREATE TABLE queue_message (
    id ${identity},
    -- '' for the null reverse-path <>
    sender TEXT NOT NULL,
    blob_id TEXT NOT NULL REFERENCES blob (id),
    size BIGINT NOT NULL,
    received BIGINT NOT NULL,
    -- 7BIT | 8BITMIME | BINARYMIME
    body TEXT NOT NULL,
    smtputf8 INTEGER NOT NULL,
    -- RFC 3461: FULL | HDRS | NULL, and the ENVID (decoded) or NULL
    ret TEXT,
    env_id TEXT,
    -- the submitting account; NULL for mail received from other servers (alias forwards)
    account_id BIGINT
);
CREATE INDEX queue_message_blob ON queue_message (blob_id);

CREATE TABLE queue_recipient (
    id ${identity},
    message_id BIGINT NOT NULL REFERENCES queue_message (id),
    address TEXT NOT NULL,
    -- RFC 3461 NOTIFY: NULL (not given), 'NEVER', or a comma list of SUCCESS, FAILURE, DELAY
    notify TEXT,
    -- RFC 3461 ORCPT as addr-type;address, or NULL
    orcpt TEXT,
    -- pending | delivered | deferred | failed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX queue_recipient_message ON queue_recipient (message_id);
CREATE INDEX queue_recipient_due ON queue_recipient (state, next_attempt);
