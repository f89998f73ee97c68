package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;

/**
 * The {@code blob} table: one row per blob something refers to, holding its size and parsed
 * structure. A row is added with the first reference and removed with the last one, in the same
 * transaction; a big blob's bytes (file or chunks) are deleted after that transaction commits (by the writer).
 *
 * <p>"Referenced" is decided in one place, {@link #dropIfUnreferenced}: a table that starts referring
 * to blobs must be added to its condition, and must create the row with {@link #ensureRow} before
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
        int added = db.update("INSERT INTO blob (id, size, structure, created, content) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING",
                blob.value(), size, structure == null ? SqlSession.Null.BYTES : structure,
                System.currentTimeMillis(), content == null ? SqlSession.Null.BYTES : content);
        if (added > 0 && content != null) effects.persisted(blob);
    }

    /** Deletes the blob's row when no message and no queued message refers to it; true when it did. */
    static boolean dropIfUnreferenced(SqlSession db, String blob) {
        return db.update("DELETE FROM blob WHERE id = ? AND NOT EXISTS (SELECT 1 FROM message WHERE blob_id = ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM queue_message WHERE blob_id = ?)",
                blob, blob, blob) > 0;
    }

    static boolean hasRow(SqlSession db, String blob) {
        return db.firstLong("SELECT 1 FROM blob WHERE id = ?", blob).isPresent();
    }

    /** The stored structure, only when a message of {@code accountId} refers to the blob. */
    static byte[] structure(SqlSession db, long accountId, BlobId blob) {
        return db.first("SELECT b.structure FROM blob b WHERE b.id = ? AND EXISTS ("
                        + "SELECT 1 FROM message m JOIN mailbox x ON x.id = m.mailbox_id "
                        + "WHERE m.blob_id = b.id AND x.account_id = ?)",
                rs -> rs.getBytes(1), blob.value(), accountId).orElse(null);
    }
}
