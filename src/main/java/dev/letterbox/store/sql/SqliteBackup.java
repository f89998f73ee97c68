package dev.letterbox.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Backup and restore of the embedded store: a point-in-time copy of {@code letterbox.db} and of the
 * blob files it refers to, taken while the server runs.
 *
 * <p>The database is copied with {@code VACUUM INTO}, which reads it in one read transaction: a
 * consistent snapshot that contains every commit made before it began (every message acknowledged
 * before the backup started), whatever the server writes meanwhile. Then each blob file the snapshot
 * refers to is copied, unless the backup already holds it (blobs never change, so a second backup
 * into the same directory copies only new ones). A blob that the server frees between the snapshot and
 * its copy (an expunge, then the grace period) makes the backup start over with a new snapshot.
 * Only when every blob is in place does the snapshot take the name {@code letterbox.db}, so a backup
 * directory always holds a database whose blobs are all there; then blobs of earlier backups that it
 * no longer refers to go.
 *
 * <p>Every file is written under a temporary name, fsynced, renamed into place, and its directory
 * fsynced. A restore goes only into an empty (or absent) data directory and checks the database
 * before it copies anything.
 */
public final class SqliteBackup {
    /** The database file in a data directory and in a backup. */
    public static final String DATABASE = "letterbox.db";
    /** What a backup directory is recognised by. */
    public static final String MANIFEST = "letterbox-backup.properties";
    /** Small files of the data directory a server needs besides the store (keys, secrets, config). */
    static final List<String> STATE_FILES = List.of("letterbox.toml", "srs-secrets", "admin-token.sha256", "dkim", "tls");
    private static final int ATTEMPTS = 5;
    private static final String PARTIAL = ".partial";

    public record Summary(long messages, long blobFiles, long blobsCopied, long blobsRemoved) {}

    private SqliteBackup() {}

    /**
     * Backs the store in {@code dataDir} (blob files in {@code blobDir}) up into {@code target}, which
     * may hold an earlier backup.
     */
    public static Summary backup(Path dataDir, Path blobDir, Path target) throws IOException, SQLException {
        Path database = dataDir.resolve(DATABASE);
        if (!Files.isRegularFile(database)) throw new NoSuchFileException(database + " (no store to back up)");
        Files.createDirectories(target.resolve("blobs"));
        try (FileChannel lockFile = FileChannel.open(target.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockFile, target)) {
            Path snapshot = target.resolve(DATABASE + PARTIAL);
            try {
                return backupLocked(dataDir, blobDir, target, database, snapshot);
            } catch (IOException | SQLException | RuntimeException e) {
                Files.deleteIfExists(snapshot); // the previous backup stays as it was
                throw e;
            }
        }
    }

    private static Summary backupLocked(Path dataDir, Path blobDir, Path target, Path database, Path snapshot)
            throws IOException, SQLException {
        for (int attempt = 1; ; attempt++) {
            Files.deleteIfExists(snapshot);
            try (Connection live = sqlite(database)) {
                try (Statement s = live.createStatement()) {
                    s.execute("VACUUM INTO '" + snapshot.toAbsolutePath().toString().replace("'", "''") + "'");
                }
            }
            Map<String, Long> blobs;
            long messages;
            try (Connection copy = sqlite(snapshot)) {
                quickCheck(copy, snapshot);
                blobs = fileBlobs(copy);
                messages = count(copy, "SELECT count(*) FROM message");
            }
            Set<String> vanished = new LinkedHashSet<>();
            long copied = copyBlobs(blobs, blobDir, target.resolve("blobs"), vanished);
            if (!vanished.isEmpty()) {
                if (attempt == ATTEMPTS) {
                    throw new IOException("blobs keep disappearing while the backup copies them (" + vanished.size()
                            + " in the last of " + ATTEMPTS + " attempts, e.g. " + vanished.iterator().next() + ")");
                }
                continue; // freed since the snapshot: a newer snapshot no longer refers to them
            }
            sync(snapshot);
            Files.move(snapshot, target.resolve(DATABASE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target);
            long removed = prune(target.resolve("blobs"), blobs.keySet());
            for (String name : STATE_FILES) copyTree(dataDir.resolve(name), target.resolve(name));
            Properties manifest = new Properties();
            manifest.setProperty("format", "1");
            manifest.setProperty("created", Instant.now().toString());
            manifest.setProperty("messages", Long.toString(messages));
            manifest.setProperty("blob_files", Long.toString(blobs.size()));
            writeManifest(target, manifest);
            return new Summary(messages, blobs.size(), copied, removed);
        }
    }

    /**
     * Restores the backup in {@code source} into {@code dataDir} (blob files into {@code blobDir}),
     * which must be empty or absent. The backup is checked first: its database must pass SQLite's
     * integrity check and every blob file it refers to must be there with its size.
     */
    public static Summary restore(Path source, Path dataDir, Path blobDir) throws IOException, SQLException {
        if (!Files.isRegularFile(source.resolve(MANIFEST))) {
            throw new IOException(source + " is not a backup (no " + MANIFEST + ")");
        }
        for (Path dir : List.of(dataDir, blobDir)) {
            if (Files.exists(dir) && !empty(dir)) throw new IOException(dir + " is not empty: restore only into an empty directory");
        }
        Path database = source.resolve(DATABASE);
        Map<String, Long> blobs;
        long messages;
        try (Connection backup = sqlite(database)) {
            try (Statement s = backup.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                String first = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(first)) throw new IOException(database + " is damaged: " + first);
            }
            blobs = fileBlobs(backup);
            messages = count(backup, "SELECT count(*) FROM message");
        } catch (SQLException e) {
            throw new IOException(database + " cannot be read: " + e.getMessage(), e);
        }
        for (var blob : blobs.entrySet()) {
            Path file = blobPath(source.resolve("blobs"), blob.getKey());
            if (!Files.isRegularFile(file) || Files.size(file) != blob.getValue()) {
                throw new IOException("the backup lacks the blob file " + file + " (or it has the wrong size)");
            }
        }
        Files.createDirectories(dataDir);
        try {
            Set<String> none = new LinkedHashSet<>();
            long copied = copyBlobs(blobs, source.resolve("blobs"), blobDir, none);
            if (!none.isEmpty()) throw new IOException("blob file vanished from the backup while restoring: " + none.iterator().next());
            for (String name : STATE_FILES) copyTree(source.resolve(name), dataDir.resolve(name));
            copyDurably(database, dataDir.resolve(DATABASE)); // last: a data directory with a database is complete
            return new Summary(messages, blobs.size(), copied, 0);
        } catch (IOException | RuntimeException e) {
            // both directories were empty: leave them so again, not half restored
            emptyOut(blobDir);
            emptyOut(dataDir);
            throw e;
        }
    }

    private static void emptyOut(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // what stays is reported by the next attempt's "not empty"
        }
    }

    /** Ids and sizes of the blobs kept as files: those whose row holds no content (bigger than the inline limit). */
    private static Map<String, Long> fileBlobs(Connection db) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id, size FROM blob WHERE content IS NULL")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    /** Copies each blob not already at {@code to} with its size; ids missing at {@code from} go to {@code vanished}. */
    private static long copyBlobs(Map<String, Long> blobs, Path from, Path to, Set<String> vanished) throws IOException {
        long copied = 0;
        Set<Path> touched = new LinkedHashSet<>();
        for (var blob : blobs.entrySet()) {
            Path dest = blobPath(to, blob.getKey());
            if (Files.isRegularFile(dest) && Files.size(dest) == blob.getValue()) continue;
            Path src = blobPath(from, blob.getKey());
            try {
                Files.createDirectories(dest.getParent());
                copyDurably(src, dest, false);
            } catch (NoSuchFileException e) {
                vanished.add(blob.getKey());
                continue;
            }
            touched.add(dest.getParent());
            copied++;
        }
        for (Path dir : touched) syncDirectory(dir);
        return copied;
    }

    /** Removes the blob files of earlier backups that the new database does not refer to; the count removed. */
    private static long prune(Path blobs, Set<String> keep) throws IOException {
        long removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(blobs, Files::isDirectory)) {
            for (Path dir : dirs) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (!keep.contains(name)) {
                            Files.delete(f);
                            removed++;
                        }
                    }
                }
            }
        }
        return removed;
    }

    /** A file or a directory tree, each file written durably; nothing when {@code from} does not exist. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            copyDurably(from, to);
        } else if (Files.isDirectory(from)) {
            Files.createDirectories(to);
            try (Stream<Path> children = Files.list(from)) {
                for (Path child : children.toList()) copyTree(child, to.resolve(child.getFileName().toString()));
            }
        }
    }

    private static void copyDurably(Path from, Path to) throws IOException {
        copyDurably(from, to, true);
    }

    /** Copies to a temporary name beside {@code to}, fsyncs, renames; {@code syncDir}: also fsyncs the directory. */
    private static void copyDurably(Path from, Path to, boolean syncDir) throws IOException {
        Path partial = to.resolveSibling(to.getFileName() + PARTIAL);
        try (InputStream in = Files.newInputStream(from);
             FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(java.nio.channels.Channels.newOutputStream(out));
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        var attributes = Files.getPosixFilePermissions(from);
        Files.setPosixFilePermissions(partial, attributes); // keys and secrets stay 0600
        Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (syncDir) syncDirectory(to.getParent());
    }

    private static void writeManifest(Path target, Properties manifest) throws IOException {
        Path partial = target.resolve(MANIFEST + PARTIAL);
        try (OutputStream out = Files.newOutputStream(partial); Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8)) {
            manifest.store(w, "a Letterbox backup; restore with 'letterbox restore DIR --data NEW-DATA-DIR'");
        }
        sync(partial);
        Files.move(partial, target.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target);
    }

    /** The manifest of a backup directory (format, created, messages, blob_files). */
    public static Properties manifest(Path backup) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(backup.resolve(MANIFEST))) {
            p.load(r);
        }
        return p;
    }

    static Path blobPath(Path root, String id) {
        return root.resolve(id.substring(0, 2).toLowerCase(Locale.ROOT)).resolve(id);
    }

    private static Connection sqlite(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000"); // the server may hold the write lock for a moment
        }
        return c;
    }

    private static void quickCheck(Connection db, Path file) throws SQLException, IOException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equals(first)) throw new IOException("the snapshot " + file + " fails SQLite's check: " + first);
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static boolean empty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static FileLock tryLock(FileChannel channel, Path target) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) return lock;
        } catch (OverlappingFileLockException e) {
            // this process already backs up into it
        }
        throw new IOException("another backup into " + target + " is running");
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
