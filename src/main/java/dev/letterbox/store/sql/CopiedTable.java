package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One table as {@link StoreMigration} copies it: its columns (in the source's order) with their
 * types, its primary key (the order rows are copied and digested in), the identity column whose
 * sequence must be moved past the copied ids, and the tables its foreign keys point at.
 *
 * <p>The shape is read from the two databases, not written down here, so a table or column a later
 * migration script adds is copied without anyone remembering to add it to a list.
 */
record CopiedTable(String name, List<String> columns, List<ColumnType> types, List<Integer> key,
                   Optional<String> identity, Set<String> parents) {

    /**
     * The tables of the SQLite {@code source} but {@code skipped}, parents before children, each
     * checked against the same table of the PostgreSQL {@code target}.
     *
     * @throws StoreException when the two schemas differ or a table has no primary key
     */
    static List<CopiedTable> plan(Connection source, Connection target, Set<String> skipped) throws SQLException {
        Map<String, CopiedTable> byName = new TreeMap<>();
        for (String table : sourceTables(source)) {
            if (!skipped.contains(table)) byName.put(table, shape(source, target, table));
        }
        return parentsFirst(byName);
    }

    private static List<String> sourceTables(Connection source) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static CopiedTable shape(Connection source, Connection target, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        Map<Integer, String> keyByPosition = new TreeMap<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                columns.add(rs.getString("name"));
                int pk = rs.getInt("pk");
                if (pk > 0) keyByPosition.put(pk, rs.getString("name"));
            }
        }
        if (keyByPosition.isEmpty()) {
            throw new StoreException("table " + table + " has no primary key: this Letterbox cannot copy it in order");
        }
        Set<String> parents = new LinkedHashSet<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("PRAGMA foreign_key_list(" + quote(table) + ")")) {
            while (rs.next()) {
                String parent = rs.getString("table");
                if (!parent.equals(table)) parents.add(parent);
            }
        }
        Map<String, ColumnType> targetTypes = new LinkedHashMap<>();
        String identity = null;
        try (PreparedStatement ps = target.prepareStatement("SELECT column_name, data_type, is_identity FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targetTypes.put(rs.getString(1), ColumnType.ofPostgres(rs.getString(2)));
                    if ("YES".equals(rs.getString(3))) identity = rs.getString(1);
                }
            }
        }
        if (targetTypes.isEmpty()) throw new StoreException("the PostgreSQL database has no table " + table);
        if (!targetTypes.keySet().equals(new LinkedHashSet<>(columns))) {
            throw new StoreException("table " + table + " has the columns " + columns + " here but " + targetTypes.keySet()
                    + " in PostgreSQL: the two schemas differ");
        }
        List<ColumnType> types = columns.stream().map(targetTypes::get).toList();
        List<Integer> key = keyByPosition.values().stream().map(columns::indexOf).toList();
        return new CopiedTable(table, List.copyOf(columns), types, key, Optional.ofNullable(identity), Set.copyOf(parents));
    }

    /** Foreign keys are checked at each insert, so a row's parents must have been copied before it. */
    private static List<CopiedTable> parentsFirst(Map<String, CopiedTable> byName) {
        List<CopiedTable> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (out.size() < byName.size()) {
            boolean progress = false;
            for (CopiedTable t : byName.values()) {
                if (placed.contains(t.name())) continue;
                if (placed.containsAll(t.parents().stream().filter(byName::containsKey).toList())) {
                    out.add(t);
                    placed.add(t.name());
                    progress = true;
                }
            }
            if (!progress) throw new StoreException("the tables' foreign keys form a cycle; cannot order the copy");
        }
        return out;
    }

    String columnList() {
        return String.join(", ", columns.stream().map(CopiedTable::quote).toList());
    }

    /**
     * The primary key columns for ORDER BY. On PostgreSQL text is compared byte by byte
     * ({@code COLLATE "C"}) as SQLite does, whatever the database's collation: both sides must list
     * the rows in the same order for their digests to agree.
     */
    String keyOrder(boolean postgres) {
        List<String> parts = new ArrayList<>();
        for (int i : key) {
            String column = quote(columns.get(i));
            parts.add(postgres && types.get(i) == ColumnType.TEXT ? column + " COLLATE \"C\"" : column);
        }
        return String.join(", ", parts);
    }

    /** Every row, in key order. */
    String selectAll(boolean postgres) {
        return "SELECT " + columnList() + " FROM " + quote(name) + " ORDER BY " + keyOrder(postgres);
    }

    /** The next rows of the SQLite source after a key (row-value comparison), or from the start. */
    String selectBatch(boolean afterKey) {
        String keyColumns = String.join(", ", key.stream().map(i -> quote(columns.get(i))).toList());
        String where = afterKey ? " WHERE (" + keyColumns + ") > (" + String.join(", ", key.stream().map(i -> "?").toList()) + ")" : "";
        return "SELECT " + columnList() + " FROM " + quote(name) + where + " ORDER BY " + keyOrder(false) + " LIMIT ?";
    }

    /**
     * An insert that overwrites a row of the same key: the rows a fresh schema already has (the
     * UIDVALIDITY counter at 0) take the source's values.
     */
    String upsert() {
        String keyColumns = String.join(", ", key.stream().map(i -> quote(columns.get(i))).toList());
        List<String> updates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!key.contains(i)) updates.add(quote(columns.get(i)) + " = EXCLUDED." + quote(columns.get(i)));
        }
        String placeholders = String.join(", ", columns.stream().map(c -> "?").toList());
        return "INSERT INTO " + quote(name) + " (" + columnList() + ") VALUES (" + placeholders + ") ON CONFLICT ("
                + keyColumns + ") " + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
