package dev.letterbox.testing;

import dev.letterbox.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Everything a data dir holds that a message can leave behind: message rows, queued messages, blob
 * rows, and the files besides the database (blobs, temporary ones included, and whatever else a
 * message passes through on its way in). Read from the disk and a connection of its own, as another
 * process would see it. Two snapshots equal means nothing was kept.
 */
public record StoredState(long messages, long queued, long blobRows, Set<String> files) {
    /** The database's own files, which change with every write. */
    private static final Set<String> DATABASE = Set.of("letterbox.db", "letterbox.db-wal", "letterbox.db-shm", "letterbox.toml");

    public static StoredState of(TestServer server) {
        return of(server.dataDir());
    }

    public static StoredState of(Path dataDir) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(dataDir));
             Statement s = c.createStatement()) {
            return new StoredState(count(s, "message"), count(s, "queue_message"), count(s, "blob"), files(dataDir));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store in " + dataDir, e);
        }
    }

    /** The embedded database in the data dir, or the PostgreSQL database its letterbox.toml names. */
    private static String jdbcUrl(Path dataDir) {
        Path toml = dataDir.resolve("letterbox.toml");
        if (Files.isRegularFile(toml)) {
            var store = ConfigLoader.load(Optional.of(toml),
                    new ConfigLoader.Overrides(Optional.of(dataDir), Optional.empty(), Optional.empty())).store();
            if (store.url().isPresent()) {
                URI url = URI.create(store.url().get());
                return "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath() + "?user=" + url.getUserInfo();
            }
        }
        return "jdbc:sqlite:" + dataDir.resolve("letterbox.db");
    }

    private static long count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The files besides the database; walked again when one vanishes mid-walk (the server deletes as we look). */
    private static Set<String> files(Path dataDir) {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> walk = Files.walk(dataDir)) {
                Set<String> out = new TreeSet<>();
                walk.filter(Files::isRegularFile).map(p -> dataDir.relativize(p).toString())
                        .filter(name -> !DATABASE.contains(name)).forEach(out::add);
                return out;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 5) throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
            }
        }
    }
}
