package dev.letterbox.store.sql;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;

/**
 * The three kinds of value the schema stores (see the migration scripts: BIGINT/INTEGER, TEXT and
 * {@code ${bytes}}), as {@link StoreMigration} moves them between SQLite and PostgreSQL. A value is
 * always read into its Java form ({@code Long}, {@code String}, {@code byte[]} or null) by the
 * column's type, on both sides, so that a row read from either database digests to the same bytes.
 */
enum ColumnType {
    INTEGER, TEXT, BYTES;

    /** The type of a PostgreSQL column by its {@code information_schema.columns.data_type}. */
    static ColumnType ofPostgres(String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "bigint", "integer", "smallint" -> INTEGER;
            case "text", "character varying" -> TEXT;
            case "bytea" -> BYTES;
            default -> throw new IllegalArgumentException("a column of type " + dataType + " (this Letterbox's schema has none)");
        };
    }

    Object read(ResultSet rs, int column) throws SQLException {
        Object v = switch (this) {
            case INTEGER -> rs.getLong(column);
            case TEXT -> rs.getString(column);
            case BYTES -> rs.getBytes(column);
        };
        return rs.wasNull() ? null : v;
    }

    void bind(PreparedStatement ps, int at, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(at, switch (this) {
                case INTEGER -> Types.BIGINT;
                case TEXT -> Types.VARCHAR;
                case BYTES -> Types.BINARY;
            });
            return;
        }
        switch (this) {
            case INTEGER -> ps.setLong(at, (Long) value);
            case TEXT -> ps.setString(at, (String) value);
            case BYTES -> ps.setBytes(at, (byte[]) value);
        }
    }

    /**
     * Feeds {@code value} to {@code digest} as a tag and, but for null, its length and bytes: the
     * encoding leaves no two different rows with the same byte sequence.
     */
    void digest(MessageDigest digest, Object value) {
        if (value == null) {
            digest.update((byte) 0);
            return;
        }
        byte[] bytes = switch (this) {
            case INTEGER -> ByteBuffer.allocate(8).putLong((Long) value).array();
            case TEXT -> ((String) value).getBytes(StandardCharsets.UTF_8);
            case BYTES -> (byte[]) value;
        };
        digest.update((byte) (ordinal() + 1));
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    /** Roughly what the value weighs in memory, to bound a batch by bytes as well as by rows. */
    static long weight(Object value) {
        return switch (value) {
            case null -> 8;
            case String s -> 16 + 2L * s.length();
            case byte[] b -> 16 + b.length;
            default -> 16;
        };
    }
}
