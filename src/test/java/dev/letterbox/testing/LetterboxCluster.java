package dev.letterbox.testing;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.config.Config;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.sql.StoreFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * A Letterbox deployment on one machine as it would run on several: a private PostgreSQL cluster,
 * N nodes ({@link NodeProcess}, one JVM each, data dir each) on one database and one blob directory
 * (standing in for a shared file system), and haproxy in TCP mode sending PROXY v2 in front of
 * their SMTP (25) and IMAP (143) listeners. Used by the failover test and usable from a benchmark.
 *
 * <p>The cluster keeps a store of its own open on the database ({@link #store()}): it created the
 * schema, the domain and the accounts before any node started, and lets a test look at what the
 * nodes committed without going through any of them.
 */
public final class LetterboxCluster implements AutoCloseable {
    public static final String DOMAIN = "example.test";
    public static final String PASSWORD = TestServer.PASSWORD;
    /** The node listeners the cluster uses: SMTP and IMAP behind haproxy, submissions directly. */
    public static final List<String> LISTENERS = List.of("smtp", "submissions", "imap");

    private final PostgresServer postgres;
    private final String databaseUrl;
    private final MailStore store;
    private final Directory directory;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private HaproxyServer haproxy;

    private LetterboxCluster(PostgresServer postgres, String databaseUrl, MailStore store) {
        this.postgres = postgres;
        this.databaseUrl = databaseUrl;
        this.store = store;
        this.directory = new Directory(store.directory(), new PasswordHasher());
    }

    /**
     * Starts PostgreSQL, {@code count} nodes (in parallel) and haproxy under {@code dir}. Node i (from
     * 1) is named "node<i>", has host name {@code node<i>.example.test} and gets {@code extraToml.apply(i)}
     * appended to its config (whole sections such as {@code [dns]} or {@code [delivery]}).
     */
    public static LetterboxCluster start(Path dir, int count, IntFunction<String> extraToml) throws Exception {
        PostgresServer postgres = PostgresServer.startPrivate();
        LetterboxCluster cluster = null;
        try {
            String url = postgres.newDatabase();
            Path blobs = Files.createDirectories(dir.resolve("shared-blobs"));
            Config.Store storeConfig = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(url), Optional.empty(), 4,
                    Config.Store.Blobs.FILES, blobs);
            // opened (and migrated) once here, so the nodes do not race to create the schema
            cluster = new LetterboxCluster(postgres, url, StoreFactory.open(storeConfig, dir.resolve("observer")));
            cluster.directory.addDomain(DOMAIN);
            cluster.startNodes(dir, count, i -> nodeToml(i, url, blobs) + extraToml.apply(i));
            List<HaproxyServer.Frontend> frontends = List.of(
                    HaproxyServer.Frontend.of("smtp", cluster.nodes.stream().mapToInt(n -> n.port("smtp")).toArray()),
                    HaproxyServer.Frontend.of("imap", cluster.nodes.stream().mapToInt(n -> n.port("imap")).toArray()));
            cluster.haproxy = HaproxyServer.start(Files.createDirectories(dir.resolve("haproxy")), frontends);
            return cluster;
        } catch (Exception | Error e) {
            if (cluster != null) cluster.close();
            else postgres.close();
            throw e;
        }
    }

    private void startNodes(Path dir, int count, IntFunction<String> toml) throws Exception {
        List<Callable<NodeProcess>> starts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int index = i;
            starts.add(() -> NodeProcess.start("node" + index, dir.resolve("node" + index), toml.apply(index), LISTENERS));
        }
        // in parallel: each JVM start is mostly waiting on class loading, and three in a row add up
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<NodeProcess>> started = pool.invokeAll(starts);
            Exception failure = null;
            for (Future<NodeProcess> f : started) {
                try {
                    nodes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) failure = e.getCause() instanceof Exception c ? c : e;
                }
            }
            if (failure != null) throw failure;
        }
    }

    /** A node's config: every listener but SMTP, submissions and IMAP off; SMTP and IMAP take PROXY headers. */
    private static String nodeToml(int index, String url, Path blobs) {
        return "hostname = \"node" + index + "." + DOMAIN + "\"\n"
                + "[listen]\naddress = \"127.0.0.1\"\nproxy_protocol = [\"smtp\", \"imap\"]\nproxy_trusted = [\"127.0.0.0/8\"]\n"
                + "[listen.ports]\nsmtp = 0\nsubmission = false\nsubmissions = 0\nimap = 0\nimaps = false\n"
                + "pop3 = false\npop3s = false\nmanagesieve = false\nhttp = false\nhttps = false\n"
                // the clients are the test on 127.0.0.1: no STARTTLS needed before LOGIN
                + "[imap]\nplaintext_auth_on_loopback = true\n"
                + "[store]\nbackend = \"postgresql\"\nurl = \"" + url + "\"\npool_size = 4\nblob_dir = \"" + blobs + "\"\n"
                // loopback clients are not the Internet: no SPF/DKIM/DMARC lookups, no report mail
                + "[antispam]\ntrusted_networks = [\"127.0.0.0/8\"]\ndmarc_reports = false\n";
    }

    /** A new account {@code local@example.test} with {@link #PASSWORD}; returns its address. */
    public String addUser(String local) {
        String address = local + "@" + DOMAIN;
        directory.addAccount(address, PASSWORD.toCharArray(), 0, Protocol.all());
        return address;
    }

    public long accountId(String address) {
        return directory.requireAccount(address).id();
    }

    /** The cluster's own store on the nodes' database (and blob directory). */
    public MailStore store() {
        return store;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    public NodeProcess node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    /** haproxy's port for "smtp" or "imap". */
    public int haproxyPort(String frontend) {
        return haproxy.port(frontend);
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /**
     * Deadlocks PostgreSQL has broken in the nodes' database so far (each cost the transactions in
     * it a {@code deadlock_timeout}, 1 s by default): nodes' group commits lock mailboxes of several
     * accounts in whatever order their writes came.
     */
    public long deadlocks() throws java.sql.SQLException {
        String database = java.net.URI.create(databaseUrl).getPath().substring(1);
        try (var c = java.sql.DriverManager.getConnection(postgres.jdbcUrl(database));
             var s = c.createStatement();
             var r = s.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    @Override
    public void close() {
        if (haproxy != null) haproxy.close();
        nodes.forEach(NodeProcess::close);
        try {
            store.close();
        } finally {
            postgres.close();
        }
    }

    /** For failure messages: each node's state and last log lines. */
    public String describe() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes) {
            sb.append("--- ").append(n).append(n.isAlive() ? " running" : " gone").append('\n').append(n.logTail()).append('\n');
        }
        return sb.toString();
    }
}
