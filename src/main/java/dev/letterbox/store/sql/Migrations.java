package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database up to the schema this code expects. Migration {@code n} is the n-th script of
 * {@link #SCRIPTS}; each runs in its own write transaction together with the row recording it in
 * {@code schema_version}, so a crash leaves the database at a whole version. The version is re-read
 * inside that transaction: two processes starting at once migrate once.
 *
 * <p>To change the schema, append a script (never edit a released one): {@code 002-queue.sql}, ...
 */
final class Migrations {
    private static final System.Logger LOG = System.getLogger("letterbox.store");

    /** In order; the position (from 1) is the version. */
    static final List<String> SCRIPTS = List.of(
            "001-initial.sql",
            "002-queue.sql",
            "003-inline-blobs.sql",
            "004-queue-reports.sql",
            "005-dmarc-reports.sql",
            "006-coordination.sql",
            "007-queue-leases.sql",
            "008-tombstone-horizon.sql",
            "009-blob-chunks.sql",
            "010-sieve-scripts.sql",
            "011-forwarding.sql",
            "012-urlauth-keys.sql",
            "013-mailbox-grants.sql",
            "014-credentials.sql",
            "015-metadata.sql",
            "016-message-quota.sql",
            "017-group-and-behalf-grants.sql",
            "018-change-log-pages.sql");

    private Migrations() {}

    static int latest() {
        return SCRIPTS.size();
    }

    /** Applies the missing migrations; refuses a database written by a newer Letterbox. */
    static void apply(SqlSession db, Dialect dialect) {
        db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)");
        long found = currentVersion(db);
        if (found > latest()) throw tooNew(found);
        if (found == latest()) return; // the usual case: no write lock taken at all
        for (int version = 1; version <= SCRIPTS.size(); version++) {
            db.execute(dialect.beginWrite);
            boolean done = false;
            try {
                if (!dialect.migrationLock.isEmpty()) db.execute(dialect.migrationLock);
                long current = currentVersion(db);
                if (current > latest()) throw tooNew(current);
                if (current < version) {
                    String name = SCRIPTS.get(version - 1);
                    for (String statement : statements(dialect.ddl(load(name)))) db.execute(statement);
                    db.update("INSERT INTO schema_version (version, name, applied) VALUES (?, ?, ?)",
                            (long) version, name, System.currentTimeMillis());
                    LOG.log(System.Logger.Level.INFO, "database schema migrated to version {0} ({1})", version, name);
                }
                db.execute("COMMIT");
                done = true;
            } finally {
                if (!done) rollbackQuietly(db);
            }
        }
        long current = currentVersion(db);
        if (current > latest()) throw tooNew(current);
    }

    static long currentVersion(SqlSession db) {
        return db.firstLong("SELECT max(version) FROM schema_version").orElse(0);
    }

    private static StoreException tooNew(long current) {
        return new StoreException("the database has schema version " + current + " but this Letterbox knows only up to "
                + latest() + ": it was written by a newer Letterbox; run that version (or restore a backup)");
    }

    private static void rollbackQuietly(SqlSession db) {
        try {
            db.execute("ROLLBACK");
        } catch (StoreException ignored) {
            // the transaction may already be gone; the original failure is what matters
        }
    }

    private static String load(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream("migration/" + name)) {
            if (in == null) throw new StoreException("migration script missing from the build: " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script at ';' ending a line; drops '--' comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) continue;
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String s = current.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }
}
