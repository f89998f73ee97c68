-- Letterbox schema 8: expunge tombstones are pruned after a while (see Housekeeping). Each knows when
-- it was written; a mailbox remembers the highest MODSEQ whose tombstones are gone, so QRESYNC from
-- before it answers with every UID that no longer exists instead of a partial list. Tombstones of
-- earlier versions count as written at 0: the first pruning takes them and sets the horizon.
ALTER TABLE expunged ADD COLUMN created BIGINT NOT NULL DEFAULT 0;
CREATE INDEX expunged_created ON expunged (created);
ALTER TABLE mailbox ADD COLUMN vanished_horizon BIGINT NOT NULL DEFAULT 0;
