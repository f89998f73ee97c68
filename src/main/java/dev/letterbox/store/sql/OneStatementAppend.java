package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.NewMessage;

import java.time.Instant;
import java.util.Optional;

/**
 * PostgreSQL: an append by mailbox name in ONE statement, where it was three (take the UID and the
 * MODSEQ, charge the quota, insert the blob's and the message's rows): a data-modifying WITH whose
 * items see each other's RETURNING rows. The quota is charged only when the mailbox was found, the
 * rows are inserted only when the quota was charged; the caller tells the refusals apart from what
 * the statement returns, and the unit's failure rolls back the UID it took.
 */
final class OneStatementAppend {
    private OneStatementAppend() {}

    /** What the statement did: the mailbox's row after it ({@code charged} false: the quota refused). */
    record Outcome(MailboxQueries.TakenUids taken, boolean charged, boolean blobRowAdded) {}

    private static final String SQL = "WITH t AS (UPDATE mailbox SET uidnext = uidnext + 1, highest_modseq = highest_modseq + 1"
            + " WHERE account_id = ? AND name = ? AND uidnext <= ? RETURNING id, uidnext - 1 AS uid, uidvalidity, highest_modseq, recent_mark),"
            + " q AS (UPDATE account SET used_bytes = used_bytes + ?, used_messages = used_messages + 1"
            + " WHERE id = ? AND EXISTS (SELECT 1 FROM t) AND (quota_bytes <= 0 OR used_bytes + ? <= quota_bytes)"
            + " AND (quota_messages <= 0 OR used_messages + 1 <= quota_messages) RETURNING 1),"
            + " b AS (INSERT INTO blob (id, size, structure, created, content) SELECT ?, ?, ?, ?, ? FROM q"
            + " ON CONFLICT (id) DO NOTHING RETURNING 1),"
            + " n AS (INSERT INTO message (" + MessageQueries.INSERT_COLUMNS + ")"
            + " SELECT t.id, t.uid, t.highest_modseq, ?, ?, ?, ?, ?, ? FROM t, q RETURNING 1)"
            + " SELECT t.id, t.uid, t.uidvalidity, t.highest_modseq, t.recent_mark, (SELECT count(*) FROM q), (SELECT count(*) FROM b) FROM t";

    /** Empty when no mailbox of that name took a UID (none there, or out of UIDs). */
    static Optional<Outcome> run(SqlSession db, long accountId, String canonicalName, long maxUid, NewMessage message,
                                 byte[] content, Instant internalDate, Instant savedDate) {
        BlobId blob = message.blob();
        Object[] messageValues = MessageQueries.values(0, 0, 0, message.flags(), internalDate, savedDate,
                message.size(), blob);
        return db.first(SQL, rs -> new Outcome(new MailboxQueries.TakenUids(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(2) + 1, rs.getLong(5)), rs.getLong(6) > 0, rs.getLong(7) > 0),
                accountId, canonicalName, maxUid,
                message.size(), accountId, message.size(),
                blob.value(), message.size(), message.structure() == null ? SqlSession.Null.BYTES : message.structure(),
                System.currentTimeMillis(), content == null ? SqlSession.Null.BYTES : content,
                // the message's own values: those after mailbox, uid and modseq, which come from t
                messageValues[3], messageValues[4], messageValues[5], messageValues[6], messageValues[7], messageValues[8]);
    }
}
