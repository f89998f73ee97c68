-- Letterbox schema: the change log (how SQLite's other processes hear of a commit) without
-- AUTOINCREMENT and without its index on created. Each committed unit wrote three pages for its
-- row: the table's, the index's and sqlite_sequence's; now the table's alone. seq still never goes
-- back: pruning keeps the newest row (ChangeLog.prune), and the next seq follows the highest.
CREATE TABLE change_log_next (
    seq ${sequence},
    node TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    mailbox_id BIGINT,
    kind TEXT NOT NULL,
    created BIGINT NOT NULL
);
INSERT INTO change_log_next (seq, node, account_id, mailbox_id, kind, created)
    SELECT seq, node, account_id, mailbox_id, kind, created FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_next RENAME TO change_log;
