package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;

/**
 * The {@code blob} table: one row per blob something refers to, holding its size and parsed
 * structure. A row is added with the first reference and removed with the last one, in the same
 * transaction; a big blob's bytes (file or chunks) are deleted after that transaction commits (by the writer).
 *
 * <p>"Referenced" is decided in one place, {@link #dropIfUnreferenced} and its form for an EXPUNGE's
 * statement {@link #DROP_EXPUNGED}: a table that starts referring to blobs must be added to their
 * condition, and must create the row with {@link #ensureRow} (or {@link #ensureRowAndInsert}) before
 * referring to it. Referring tables: {@code message} and {@code queue_message}.
 */
final class BlobRefs {
    private BlobRefs() {}

    /**
     * Adds the blob's row unless it exists. A small blob's bytes ({@code content}, from
     * {@link SqlBlobStore#stagedContent}) go into the row, so this transaction makes them durable;
     * the unit notes that, so the staged copy can be dropped once it commits.
     */
    static void ensureRow(SqlSession db, SqlBlobStore blobs, UnitEffects effects, BlobId blob, long size, byte[] structure) {
        byte[] content = blobs.stagedContent(blob);
        int added = db.update(INSERT_ROW, rowValues(blob, size, structure, content));
        if (added > 0) stored(blobs, effects, blob, structure, content);
    }

    /**
     * The blob's row was added: its structure is remembered now (an entry for an id that a rolled-back
     * unit never stored is never asked for: ids are not reused), its staged bytes after the commit.
     */
    static void stored(SqlBlobStore blobs, UnitEffects effects, BlobId blob, byte[] structure, byte[] content) {
        blobs.cache().putStructure(blob.value(), structure);
        if (content != null) effects.persisted(blob);
    }

    private static final String INSERT_ROW = "INSERT INTO blob (id, size, structure, created, content) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING";

    private static Object[] rowValues(BlobId blob, long size, byte[] structure, byte[] content) {
        return new Object[] {blob.value(), size, structure == null ? SqlSession.Null.BYTES : structure,
                System.currentTimeMillis(), content == null ? SqlSession.Null.BYTES : content};
    }

    /**
     * {@link #ensureRow} and then {@code INSERT INTO message} (with {@code messageColumns} and
     * {@code messageValues}), which refers to the blob: in one statement where the dialect can
     * ({@link Dialect#dataModifyingWith}; the message row's foreign key is checked at the end of
     * the statement, when the blob row is there), as two elsewhere.
     */
    static void ensureRowAndInsert(SqlSession db, Dialect dialect, SqlBlobStore blobs, UnitEffects effects, BlobId blob,
                                   long size, byte[] structure, String messageColumns, Object... messageValues) {
        if (!dialect.dataModifyingWith) {
            ensureRow(db, blobs, effects, blob, size, structure);
            db.update("INSERT INTO message (" + messageColumns + ") VALUES (" + placeholders(messageValues.length) + ")",
                    messageValues);
            return;
        }
        byte[] content = blobs.stagedContent(blob);
        Object[] row = rowValues(blob, size, structure, content);
        Object[] args = java.util.Arrays.copyOf(row, row.length + messageValues.length);
        System.arraycopy(messageValues, 0, args, row.length, messageValues.length);
        long added = db.firstLong("WITH b AS (" + INSERT_ROW + " RETURNING 1) INSERT INTO message (" + messageColumns
                + ") VALUES (" + placeholders(messageValues.length) + ") RETURNING (SELECT count(*) FROM b)", args)
                .orElseThrow();
        if (added > 0) stored(blobs, effects, blob, structure, content);
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** Deletes the blob's row when no message and no queued message refers to it; true when it did. */
    static boolean dropIfUnreferenced(SqlSession db, String blob) {
        return db.update("DELETE FROM blob WHERE id = ? AND NOT EXISTS (SELECT 1 FROM message WHERE blob_id = ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM queue_message WHERE blob_id = ?)",
                blob, blob, blob) > 0;
    }

    /**
     * PostgreSQL: a WITH item {@code f} for a statement whose item {@code d} deletes messages of one
     * mailbox ({@code RETURNING blob_id}): deletes the rows of their blobs that nothing else refers
     * to, returning their ids, so an EXPUNGE drops them without a statement per blob. The statement
     * still sees the rows {@code d} deletes, so they are left out by hand. Parameters: the mailbox id
     * and the UIDs ({@link Dialect#list}) that {@code d} deletes.
     */
    static final String DROP_EXPUNGED = "f AS (DELETE FROM blob b WHERE b.id IN (SELECT blob_id FROM d)"
            + " AND NOT EXISTS (SELECT 1 FROM message x WHERE x.blob_id = b.id AND NOT (x.mailbox_id = ? AND x.uid = ANY(?)))"
            + " AND NOT EXISTS (SELECT 1 FROM queue_message q WHERE q.blob_id = b.id) RETURNING b.id)";

    static boolean hasRow(SqlSession db, String blob) {
        return db.firstLong("SELECT 1 FROM blob WHERE id = ?", blob).isPresent();
    }

    /**
     * The stored structures of these blobs, in one query: a blob without one maps to null; a blob
     * without a row is absent. For blobs the caller found in rows the account may read.
     */
    static java.util.Map<String, byte[]> structures(SqlSession db, Dialect dialect, java.util.Collection<String> blobs) {
        java.util.Map<String, byte[]> out = new java.util.HashMap<>();
        record Row(String id, byte[] structure) {}
        for (Row r : db.list("SELECT id, structure FROM blob WHERE id" + dialect.inList(),
                rs -> new Row(rs.getString(1), rs.getBytes(2)), dialect.list(blobs.toArray(String[]::new)))) {
            out.put(r.id(), r.structure());
        }
        return out;
    }

    /** The stored structure, only when a message of {@code accountId} refers to the blob. */
    static byte[] structure(SqlSession db, long accountId, BlobId blob) {
        return db.first("SELECT b.structure FROM blob b WHERE b.id = ? AND EXISTS ("
                        + "SELECT 1 FROM message m JOIN mailbox x ON x.id = m.mailbox_id "
                        + "WHERE m.blob_id = b.id AND x.account_id = ?)",
                rs -> rs.getBytes(1), blob.value(), accountId).orElse(null);
    }
}
