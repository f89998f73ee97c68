-- Letterbox schema: app passwords and SCRAM-SHA-256 keys (RFC 5802, RFC 7677). Binary values are
-- base64 text. Times are epoch ms.

-- One SCRAM salt and iteration count per account, shared by its password and its app passwords:
-- a SCRAM server names the salt before it knows which of them the client holds. The password's
-- StoredKey/ServerKey are NULL until derived (when the password is set, or at the next password
-- login of an account made before this schema).
ALTER TABLE account ADD COLUMN scram_salt TEXT;
ALTER TABLE account ADD COLUMN scram_iterations INTEGER;
ALTER TABLE account ADD COLUMN scram_stored_key TEXT;
ALTER TABLE account ADD COLUMN scram_server_key TEXT;
-- 1: the password is not accepted by the mail protocols, only app passwords are.
ALTER TABLE account ADD COLUMN require_app_passwords INTEGER NOT NULL DEFAULT 0;

CREATE TABLE app_password (
    id ${identity},
    account_id BIGINT NOT NULL REFERENCES account (id),
    -- as the owner named it ("Phone"), unique per account
    name TEXT NOT NULL,
    -- the protocols it may be used for: "imap,pop3,smtp,managesieve,jmap" or a subset
    protocols TEXT NOT NULL,
    -- SHA-256 of the generated password (it is random, so a fast hash cannot be reversed)
    secret_hash TEXT NOT NULL,
    -- its SCRAM keys under the account's salt
    scram_stored_key TEXT NOT NULL,
    scram_server_key TEXT NOT NULL,
    created BIGINT NOT NULL,
    last_used BIGINT,
    last_ip TEXT,
    UNIQUE (account_id, name)
);
