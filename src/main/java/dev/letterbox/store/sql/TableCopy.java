package dev.letterbox.store.sql;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Copies one table from SQLite to PostgreSQL in batches in key order, each batch one target
 * transaction that also records, in {@value #PROGRESS}, the last key it copied. A run that stops
 * anywhere (killed, the network gone) has committed whole batches only, and the next run goes on
 * after the recorded key: nothing is copied twice and nothing is skipped.
 *
 * <p>Each batch is one SELECT on the source, so it reads one consistent snapshot; the source should
 * not change at all while the migration runs (the server stopped), and the final verification says
 * so when it did.
 */
final class TableCopy {
    /** The target's record of a migration in progress; dropped once the copy is verified. */
    static final String PROGRESS = "migrate_store_progress";

    /** Told after each committed batch (the CLI prints progress; tests stop a run midway). */
    interface Listener {
        void batchCommitted(String table, long rowsCopied);
    }

    /** Where a table's copy stands. */
    record State(long rowsCopied, Optional<String> lastKey, boolean done) {}

    private final Connection source;
    private final Connection target;
    private final int batchRows;
    private final long batchBytes;

    /** {@code target} must have auto-commit off: each batch is committed here. */
    TableCopy(Connection source, Connection target, int batchRows, long batchBytes) {
        this.source = source;
        this.target = target;
        this.batchRows = batchRows;
        this.batchBytes = batchBytes;
    }

    static boolean progressExists(Connection target) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, PROGRESS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Creates the progress table (if missing) with a row for each table that has none yet. */
    static void startProgress(Connection target, List<CopiedTable> tables) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + PROGRESS + " (table_name TEXT PRIMARY KEY, last_key TEXT,"
                    + " rows_copied BIGINT NOT NULL, done INTEGER NOT NULL)");
        }
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + PROGRESS
                + " (table_name, last_key, rows_copied, done) VALUES (?, NULL, 0, 0) ON CONFLICT (table_name) DO NOTHING")) {
            for (CopiedTable t : tables) {
                ps.setString(1, t.name());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        target.commit();
    }

    static void dropProgress(Connection target) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + PROGRESS);
        }
        target.commit();
    }

    State state(CopiedTable table) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT rows_copied, last_key, done FROM " + PROGRESS + " WHERE table_name = ?")) {
            ps.setString(1, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new IllegalStateException("no progress row for " + table.name());
                return new State(rs.getLong(1), Optional.ofNullable(rs.getString(2)), rs.getInt(3) == 1);
            } finally {
                target.commit(); // end the read's transaction: the next batch starts its own
            }
        }
    }

    /** Copies what is left of {@code table}; returns the rows copied by this and earlier runs. */
    long copy(CopiedTable table, Listener listener) throws SQLException {
        State state = state(table);
        if (state.done()) return state.rowsCopied();
        long rows = state.rowsCopied();
        Optional<List<Object>> after = state.lastKey().map(k -> decodeKey(table, k));
        while (true) {
            List<Object[]> batch = read(table, after);
            if (batch.isEmpty()) break;
            Object[] last = batch.getLast();
            List<Object> lastKey = table.key().stream().map(i -> last[i]).toList();
            rows += batch.size();
            write(table, batch, encodeKey(table, lastKey), rows);
            after = Optional.of(lastKey);
            listener.batchCommitted(table.name(), rows);
        }
        try (PreparedStatement ps = target.prepareStatement("UPDATE " + PROGRESS + " SET done = 1 WHERE table_name = ?")) {
            ps.setString(1, table.name());
            ps.executeUpdate();
        }
        target.commit();
        return rows;
    }

    /** Up to {@link #batchRows} rows after the key, fewer when they weigh more than {@link #batchBytes}. */
    private List<Object[]> read(CopiedTable table, Optional<List<Object>> after) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement(table.selectBatch(after.isPresent()))) {
            int at = 1;
            if (after.isPresent()) {
                List<Object> key = after.get();
                for (int k = 0; k < key.size(); k++) ps.setObject(at++, key.get(k));
            }
            ps.setInt(at, batchRows);
            long weight = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[table.columns().size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = table.types().get(i).read(rs, i + 1);
                        weight += ColumnType.weight(row[i]);
                    }
                    out.add(row);
                    if (weight >= batchBytes) break; // the next batch starts after this row
                }
            }
        }
        return out;
    }

    private void write(CopiedTable table, List<Object[]> batch, String lastKey, long rows) throws SQLException {
        boolean done = false;
        try {
            try (PreparedStatement ps = target.prepareStatement(table.upsert())) {
                for (Object[] row : batch) {
                    for (int i = 0; i < row.length; i++) table.types().get(i).bind(ps, i + 1, row[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = target.prepareStatement(
                    "UPDATE " + PROGRESS + " SET last_key = ?, rows_copied = ? WHERE table_name = ?")) {
                ps.setString(1, lastKey);
                ps.setLong(2, rows);
                ps.setString(3, table.name());
                ps.executeUpdate();
            }
            target.commit();
            done = true;
        } finally {
            if (!done) target.rollback();
        }
    }

    /** A key as text: each column {@code i<number>} or {@code t<url-encoded text>}, joined by commas. */
    static String encodeKey(CopiedTable table, List<Object> key) {
        List<String> parts = new ArrayList<>();
        for (Object v : key) {
            parts.add(switch (v) {
                case Long n -> "i" + n;
                case String s -> "t" + URLEncoder.encode(s, StandardCharsets.UTF_8);
                case null, default -> throw new IllegalStateException("table " + table.name() + " has a key that is not a number or text: " + v);
            });
        }
        return String.join(",", parts);
    }

    static List<Object> decodeKey(CopiedTable table, String encoded) {
        String[] parts = encoded.split(",", -1);
        if (parts.length != table.key().size()) {
            throw new IllegalStateException("the recorded progress of " + table.name() + " does not fit its key: " + encoded);
        }
        List<Object> out = new ArrayList<>();
        for (String p : parts) {
            out.add(p.startsWith("i") ? (Object) Long.parseLong(p.substring(1)) : URLDecoder.decode(p.substring(1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
