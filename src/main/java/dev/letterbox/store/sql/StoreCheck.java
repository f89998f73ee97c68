package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code letterbox fsck}: checks the store's invariants (see this package's description) on a
 * store no server is writing to, reports each finding, and with {@code repair} fixes what can be
 * fixed without guessing. In the order the checks run (a repair early on can free what a later
 * check collects):
 * <ol>
 *   <li>queue: every recipient row has its message, every message has recipients, states are known;</li>
 *   <li>mailboxes: each belongs to an account, each account has an INBOX, names follow the store's
 *       rules. A level without a mailbox of its own ("a" of "a/b") is no finding: DELETE of a mailbox
 *       with children leaves them, and LIST shows the level as \Noselect (RFC 3501 §6.3.4);</li>
 *   <li>UIDs: every UID (of a message, or of an expunged one) is at least 1 and below UIDNEXT, every
 *       MODSEQ at most HIGHESTMODSEQ; no UIDVALIDITY is above the counter that hands them out;</li>
 *   <li>quota: each account's used bytes are the sum of its messages' sizes;</li>
 *   <li>blobs, both ways: every message and queued message has its blob row, every blob row is
 *       referred to, every big blob has its bytes (a file of the right size, or its chunks), and every
 *       blob file or chunk belongs to a blob row.</li>
 * </ol>
 * Lost content (a message whose blob is gone) is reported, never "repaired" by deleting the message:
 * that is for a restore from backup to mend.
 */
public final class StoreCheck {
    /** A blob file younger than this may be a delivery of another process about to commit: never removed. */
    static final Duration YOUNG_FILE = Duration.ofHours(1);
    private static final Set<String> QUEUE_STATES = Set.of("pending", "delivered", "deferred", "failed");

    /** One finding: what is wrong, and what was done about it (empty when nothing was). */
    public record Finding(String area, String problem, Optional<String> repaired) {
        @Override
        public String toString() {
            return area + ": " + problem + repaired.map(r -> " -> repaired: " + r).orElse("");
        }
    }

    private final SqlSession db;
    private final Config.Store config;
    private final boolean repair;
    private final List<Finding> findings = new ArrayList<>();
    /** Blob files to delete once the repairs are committed (their rows went in the same transaction). */
    private final List<Path> filesToDelete = new ArrayList<>();

    private StoreCheck(SqlSession db, Config.Store config, boolean repair) {
        this.db = db;
        this.config = config;
        this.repair = repair;
    }

    /** Runs every check on the configured store; the findings, in the order found. */
    public static List<Finding> run(Config.Store config, Path dataDir, boolean repair) throws IOException {
        try {
            return check(config, dataDir, repair);
        } catch (SQLException | RuntimeException e) {
            throw new IOException("cannot check the store: " + e.getMessage(), e);
        }
    }

    private static List<Finding> check(Config.Store config, Path dataDir, boolean repair) throws IOException, SQLException {
        Connection connection = connect(config, dataDir);
        try (SqlSession db = new SqlSession(connection)) {
            StoreCheck check = new StoreCheck(db, config, repair);
            connection.setAutoCommit(false); // one transaction: one consistent view, repairs all or nothing
            check.queue();
            check.uidValidityCounter();
            check.mailboxes();
            check.uids();
            check.quota();
            check.blobRows();
            if (config.blobs() == Config.Store.Blobs.FILES) check.blobFiles();
            else check.blobChunks();
            if (repair) connection.commit();
            else connection.rollback();
            for (Path f : check.filesToDelete) Files.deleteIfExists(f);
            return check.findings;
        }
    }

    private static Connection connect(Config.Store config, Path dataDir) throws SQLException, IOException {
        if (config.backend() == Config.Store.Backend.POSTGRESQL) {
            String url = config.url().orElseThrow(() -> new IOException("[store] url is not set"));
            return DriverManager.getConnection(PostgresConnections.jdbcUrl(url), PostgresConnections.credentials(url, config.passwordFile()));
        }
        Path file = dataDir.resolve(SqliteBackup.DATABASE);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file + " (no store here)");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (var s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
        }
        return c;
    }

    private void found(String area, String problem) {
        findings.add(new Finding(area, problem, Optional.empty()));
    }

    private void found(String area, String problem, String repaired) {
        findings.add(new Finding(area, problem, repair ? Optional.of(repaired) : Optional.empty()));
    }

    private void queue() {
        for (long id : db.longs("SELECT id FROM queue_recipient r WHERE NOT EXISTS (SELECT 1 FROM queue_message m WHERE m.id = r.message_id)")) {
            found("queue", "recipient row " + id + " belongs to no queued message", "deleted");
            if (repair) db.update("DELETE FROM queue_recipient WHERE id = ?", id);
        }
        for (long id : db.longs("SELECT id FROM queue_message m WHERE NOT EXISTS (SELECT 1 FROM queue_recipient r WHERE r.message_id = m.id)")) {
            found("queue", "queued message " + id + " has no recipients", "deleted (nothing was left to send)");
            if (repair) db.update("DELETE FROM queue_message WHERE id = ?", id);
        }
        db.list("SELECT id, state FROM queue_recipient", rs -> Map.entry(rs.getLong(1), rs.getString(2))).forEach(r -> {
            if (!QUEUE_STATES.contains(r.getValue())) found("queue", "recipient row " + r.getKey() + " has the unknown state '" + r.getValue() + "'");
        });
    }

    private void mailboxes() {
        for (var m : db.list("SELECT id, name FROM mailbox b WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = b.account_id)",
                rs -> Map.entry(rs.getLong(1), rs.getString(2)))) {
            found("mailboxes", "mailbox " + m.getKey() + " '" + m.getValue() + "' belongs to no account");
        }
        for (var a : db.list("SELECT id, address FROM account a WHERE NOT EXISTS "
                + "(SELECT 1 FROM mailbox b WHERE b.account_id = a.id AND b.name = 'INBOX')", rs -> Map.entry(rs.getLong(1), rs.getString(2)))) {
            found("mailboxes", a.getValue() + " has no INBOX", "an empty INBOX was created");
            if (repair) MailboxQueries.insert(db, a.getKey(), "INBOX", Optional.empty());
        }
        for (var m : db.list("SELECT b.id, b.name, a.address FROM mailbox b JOIN account a ON a.id = b.account_id",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})) {
            Optional<String> form = MailboxNames.lookupForm(m[1]);
            if (form.isEmpty() || !form.get().equals(m[1])) {
                found("mailboxes", m[2] + ": mailbox " + m[0] + " has a name the store does not make: '" + m[1] + "'");
            }
        }
    }

    private void uids() {
        record Box(long id, String name, String account, long uidnext, long highest, long minUid, long maxUid, long maxModseq) {}
        List<Box> boxes = db.list("SELECT b.id, b.name, a.address, b.uidnext, b.highest_modseq,"
                + " (SELECT min(uid) FROM message WHERE mailbox_id = b.id), "
                + " (SELECT max(uid) FROM message WHERE mailbox_id = b.id), (SELECT max(uid) FROM expunged WHERE mailbox_id = b.id),"
                + " (SELECT max(modseq) FROM message WHERE mailbox_id = b.id), (SELECT max(modseq) FROM expunged WHERE mailbox_id = b.id)"
                + " FROM mailbox b JOIN account a ON a.id = b.account_id",
                rs -> new Box(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getObject(6) == null ? 1 : rs.getLong(6), Math.max(rs.getLong(7), rs.getLong(8)),
                        Math.max(rs.getLong(9), rs.getLong(10))));
        for (Box b : boxes) {
            String where = b.account() + " " + b.name();
            if (b.minUid() < 1) found("uids", where + ": a message has UID " + b.minUid() + " (UIDs start at 1)");
            if (b.maxUid() >= b.uidnext()) {
                found("uids", where + ": UID " + b.maxUid() + " is not below UIDNEXT " + b.uidnext()
                        + " (the next message would reuse a UID)", "UIDNEXT set to " + (b.maxUid() + 1));
                if (repair) db.update("UPDATE mailbox SET uidnext = ? WHERE id = ?", b.maxUid() + 1, b.id());
            }
            if (b.maxModseq() > b.highest()) {
                found("uids", where + ": MODSEQ " + b.maxModseq() + " is above HIGHESTMODSEQ " + b.highest()
                        + " (clients would miss changes)", "HIGHESTMODSEQ set to " + b.maxModseq());
                if (repair) db.update("UPDATE mailbox SET highest_modseq = ? WHERE id = ?", b.maxModseq(), b.id());
            }
        }
    }

    /** Runs before a repair may create a mailbox, so that mailbox gets a UIDVALIDITY never used. */
    private void uidValidityCounter() {
        long counter = db.firstLong("SELECT value FROM counter WHERE name = 'uidvalidity'").orElse(0);
        long highest = db.firstLong("SELECT max(uidvalidity) FROM mailbox").orElse(0);
        if (highest > counter) {
            found("uids", "a mailbox has UIDVALIDITY " + highest + ", above the counter " + counter
                    + " (a new mailbox could get a UIDVALIDITY already used)", "counter set to " + highest);
            if (repair) db.update("UPDATE counter SET value = ? WHERE name = 'uidvalidity'", highest);
        }
    }

    private void quota() {
        for (var a : db.list("SELECT a.id, a.used_bytes, a.used_messages, (SELECT coalesce(sum(m.size), 0) FROM message m"
                + " JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = a.id), (SELECT count(*) FROM message m"
                + " JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = a.id) FROM account a",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)})) {
            if (a[1] != a[3]) {
                found("quota", address(a[0]) + " counts " + a[1] + " bytes used; its messages hold " + a[3], "set to " + a[3]);
                if (repair) db.update("UPDATE account SET used_bytes = ? WHERE id = ?", a[3], a[0]);
            }
            if (a[2] != a[4]) {
                found("quota", address(a[0]) + " counts " + a[2] + " messages; it holds " + a[4], "set to " + a[4]);
                if (repair) db.update("UPDATE account SET used_messages = ? WHERE id = ?", a[4], a[0]);
            }
        }
    }

    private String address(long accountId) {
        return db.first("SELECT address FROM account WHERE id = ?", rs -> rs.getString(1), accountId).orElse("?");
    }

    private void blobRows() {
        for (String table : List.of("message", "queue_message")) {
            long lost = db.firstLong("SELECT count(*) FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.id = t.blob_id)")
                    .orElse(0);
            if (lost > 0) {
                found("blobs", lost + " rows of " + table + " refer to blobs that do not exist: their content is lost"
                        + " (restore them from a backup)");
            }
        }
        for (var b : db.list("SELECT id, content IS NULL FROM blob b WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.blob_id = b.id)"
                + " AND NOT EXISTS (SELECT 1 FROM queue_message q WHERE q.blob_id = b.id)", rs -> Map.entry(rs.getString(1), rs.getBoolean(2)))) {
            found("blobs", "blob " + b.getKey() + " is referred to by no message", "deleted");
            if (repair) {
                db.update("DELETE FROM blob WHERE id = ?", b.getKey());
                if (b.getValue() && config.blobs() == Config.Store.Blobs.FILES) filesToDelete.add(SqliteBackup.blobPath(config.blobDir(), b.getKey()));
                if (config.blobs() == Config.Store.Blobs.DATABASE) db.update("DELETE FROM blob_chunk WHERE blob_id = ?", b.getKey());
            }
        }
    }

    /** Big blobs as files: each row's file with its size, and no file without a row. */
    private void blobFiles() throws IOException {
        Map<String, Long> rows = new HashMap<>();
        db.list("SELECT id, size FROM blob WHERE content IS NULL", rs -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> rows.put(e.getKey(), e.getValue()));
        for (var row : rows.entrySet()) {
            Path file = SqliteBackup.blobPath(config.blobDir(), row.getKey());
            if (filesToDelete.contains(file)) continue;
            if (!Files.isRegularFile(file)) {
                found("blobs", "the file of blob " + row.getKey() + " is missing (" + messagesOf(row.getKey())
                        + " messages show no content; restore it from a backup)");
            } else if (Files.size(file) != row.getValue()) {
                found("blobs", "the file of blob " + row.getKey() + " has " + Files.size(file) + " bytes, not " + row.getValue());
            }
        }
        if (!Files.isDirectory(config.blobDir())) return;
        Instant young = Instant.now().minus(YOUNG_FILE);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(config.blobDir(), p -> Files.isDirectory(p) && p.getFileName().toString().length() == 2)) {
            for (Path dir : dirs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        if (rows.containsKey(f.getFileName().toString()) || filesToDelete.contains(f)) continue;
                        if (Files.getLastModifiedTime(f).toInstant().isAfter(young)) {
                            found("blobs", "file " + f + " belongs to no blob (left: younger than an hour, it may be a delivery in progress)");
                        } else {
                            found("blobs", "file " + f + " belongs to no blob", "deleted");
                            if (repair) filesToDelete.add(f);
                        }
                    }
                }
            }
        }
    }

    /** Big blobs in the database ({@code blobs = "database"}): each row's chunks, and no chunk without a row. */
    private void blobChunks() {
        for (var b : db.list("SELECT id, size, (SELECT coalesce(sum(length(c.content)), 0) FROM blob_chunk c WHERE c.blob_id = b.id)"
                + " FROM blob b WHERE content IS NULL", rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3)})) {
            if (!b[1].equals(b[2])) {
                found("blobs", "blob " + b[0] + " has " + b[2] + " bytes in chunks, not " + b[1] + " (" + messagesOf((String) b[0])
                        + " messages affected; restore them from a backup)");
            }
        }
        long orphans = db.firstLong("SELECT count(DISTINCT blob_id) FROM blob_chunk c WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.id = c.blob_id)"
                + " AND c.created < ?", Instant.now().minus(YOUNG_FILE).toEpochMilli()).orElse(0);
        if (orphans > 0) {
            found("blobs", orphans + " blobs' chunks belong to no blob row", "deleted");
            if (repair) {
                db.update("DELETE FROM blob_chunk WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.id = blob_chunk.blob_id) AND created < ?",
                        Instant.now().minus(YOUNG_FILE).toEpochMilli());
            }
        }
    }

    private long messagesOf(String blob) {
        return db.firstLong("SELECT count(*) FROM message WHERE blob_id = ?", blob).orElse(0);
    }
}
