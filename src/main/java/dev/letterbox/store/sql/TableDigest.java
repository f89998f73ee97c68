package dev.letterbox.store.sql;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * A table's row count and SHA-256 over all its rows in key order, every value encoded by
 * {@link ColumnType#digest}: computed the same way, in Java, on the SQLite source and on the
 * PostgreSQL copy, so equal digests mean equal rows whatever the two drivers return.
 */
record TableDigest(long rows, String sha256) {
    /** Rows fetched per round trip when reading PostgreSQL (streamed, not held). */
    private static final int FETCH_ROWS = 500;

    /**
     * Reads the whole table in one statement: one consistent snapshot on either database (on
     * PostgreSQL the caller's transaction, which must not be in auto-commit for the rows to stream).
     */
    static TableDigest of(Connection db, CopiedTable table, boolean postgres) throws SQLException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
        long rows = 0;
        try (PreparedStatement ps = db.prepareStatement(table.selectAll(postgres))) {
            ps.setFetchSize(FETCH_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 0; i < table.columns().size(); i++) {
                        ColumnType type = table.types().get(i);
                        type.digest(sha, type.read(rs, i + 1));
                    }
                    rows++;
                }
            }
        }
        return new TableDigest(rows, HexFormat.of().formatHex(sha.digest()));
    }
}
