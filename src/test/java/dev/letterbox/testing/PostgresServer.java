package dev.letterbox.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL, as a throw-away cluster in a temp dir on a free loopback port: initdb, then
 * {@code pg_ctl start}; no system service involved. Tests get a fresh database each with
 * {@link #newDatabase()}.
 *
 * <p>{@link #shared()} is one cluster per test JVM, stopped when the JVM exits; fault tests that stop
 * and restart the database take their own with {@link #startPrivate()}. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to (and runs as) the {@code postgres} user the package made.
 *
 * <p>Skipped when PostgreSQL is not installed, except in CI ({@code LETTERBOX_REQUIRE_TOOLS=1}),
 * where .ci/run installs it.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "letterbox";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The cluster the whole test JVM shares (started on first use). */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            try {
                shared = startPrivate();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start PostgreSQL for the tests", e);
            }
            PostgresServer started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    /** A cluster of the caller's own (the caller closes it). */
    public static PostgresServer startPrivate() throws IOException {
        Optional<Path> bin = binaries();
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(bin.isPresent(), "PostgreSQL not installed");
        if (bin.isEmpty()) throw new IllegalStateException("PostgreSQL is required (LETTERBOX_REQUIRE_TOOLS=1) but no /usr/lib/postgresql/*/bin/initdb");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("letterbox-pg-");
        PostgresServer server = new PostgresServer(bin.get(), dir, freePort(), root);
        try {
            if (root) run(List.of("chown", "postgres", dir.toString()));
            server.pg("initdb", "-D", server.data().toString(), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-locale");
            try {
                server.start();
            } catch (IOException first) {
                // a machine busy with other clusters may be slow to start one: once more, then give up with its log
                try {
                    server.start();
                } catch (IOException second) {
                    second.addSuppressed(first);
                    throw new IOException(second.getMessage() + "\nserver log:\n" + server.log(), second);
                }
            }
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Optional<Path> binaries() {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) return Optional.empty();
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Starts (or restarts after {@link #stop()}) the server; ready for connections when this returns. */
    public void start() throws IOException {
        pg("pg_ctl", "-D", data().toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                // fsync off: the tests prove what Letterbox does, not that PostgreSQL's disk writes
                // last (Letterbox still asks for synchronous_commit on every connection).
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=120"
                        + " -c shared_buffers=32MB -c log_min_messages=warning -c fsync=off",
                "start");
    }

    /** Stops the server at once (clients see their connections drop), keeping its data. */
    public void stop() throws IOException {
        pg("pg_ctl", "-D", data().toString(), "-w", "-m", "immediate", "stop");
    }

    public int port() {
        return port;
    }

    /** A new, empty database; returns its URL as Letterbox's {@code [store] url} takes it. */
    public String newDatabase() {
        String name = "letterbox_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
        return url(name);
    }

    /** {@code postgresql://letterbox@127.0.0.1:PORT/NAME}. */
    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /**
     * {@code postgresql://letterbox@%2Ftmp%2F…:PORT/NAME}: the same database through the cluster's
     * Unix-domain socket (its directory percent-encoded as the host, as libpq reads it).
     */
    public String socketUrl(String database) {
        return "postgresql://" + USER + "@" + java.net.URLEncoder.encode(dir.toString(), StandardCharsets.UTF_8)
                + ":" + port + "/" + database;
    }

    /** A JDBC URL of one of this cluster's databases, for tests that look at rows directly. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void pg(String tool, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) command.addAll(List.of("runuser", "-u", "postgres", "--"));
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            if (p.exitValue() != 0) throw new IOException(command + " failed (" + p.exitValue() + "): " + output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) stop();
        } catch (IOException e) {
            // the server may be gone already; its directory goes either way
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
