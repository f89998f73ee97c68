package dev.letterbox.testing;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Outcome;
import dev.letterbox.delivery.RecipientDecision;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.server.LetterboxServer;
import dev.letterbox.store.Account;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.Protocol;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Letterbox for a test class: its own temp data dir, every listener on 127.0.0.1 and an
 * ephemeral port, host name {@code mail.example.test}, domain {@code example.test} hosted (or
 * {@code mail.DOMAIN} and DOMAIN with {@link #TestServer(String, String)}).
 * Register with {@code @RegisterExtension static final TestServer server = new TestServer("toml");}.
 *
 * <p>Outbound delivery is on hold ({@code [delivery] hold = true}) and DNS points at a port where
 * nothing answers, unless the extra TOML has its own {@code [delivery]} / {@code [dns]} section:
 * a test that is not about the relay sees its queued mail stay as it was queued, and nothing ever
 * asks a real DNS server or sends mail off this machine.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {
    public static final String DOMAIN = "example.test";
    public static final String PASSWORD = "correct horse battery";
    private final java.util.Map<String, Integer> fixedPorts = new java.util.HashMap<>();
    private static final AtomicInteger USER_SEQ = new AtomicInteger();

    private final String domain;
    private String extraToml;
    private Path dataDir;
    private String databaseUrl; // kept across restarts: a server that comes back finds its mail
    private LetterboxServer server;
    private boolean samePorts;
    private Map<String, Integer> lastPorts = Map.of();
    private final List<Socket> heldPorts = new ArrayList<>();
    private String listenKeys = "";
    /** The server whose data directory this one opens too (a second node); null for a server of its own. */
    private TestServer firstNode;

    public TestServer() {
        this("");
    }

    /** {@code extraToml} is appended to the base test config (sections may be added, not repeated). */
    public TestServer(String extraToml) {
        this(DOMAIN, extraToml);
    }

    /** A server hosting {@code domain} as {@code mail.DOMAIN}. */
    public TestServer(String domain, String extraToml) {
        this.domain = domain;
        this.extraToml = extraToml;
    }

    /**
     * After a {@link #stopKeepingData()}, start again on the ports of the last run (a server that "comes
     * back"). While stopped, the ports are held so that nothing else on the machine (another test
     * JVM's server or outgoing connection) takes them: each by a socket bound to it, not listening,
     * so a client connecting meets a refusal as with any server that is down.
     */
    public TestServer samePortsOnRestart() {
        samePorts = true;
        return this;
    }

    /** Listens for {@code listener} on {@code port} instead of a free one (a peer must know it in advance). */
    public TestServer fixedPort(String listener, int port) {
        fixedPorts.put(listener, port);
        return this;
    }

    /**
     * While stopped: the extra TOML of the next {@link #start}. Two servers that deliver to each
     * other learn the other's port only once it runs: the first starts, the second starts pointed
     * at it, the first restarts ({@link #samePortsOnRestart}) pointed at the second.
     */
    public void reconfigure(String extraToml) {
        if (server != null) throw new IllegalStateException("stop the server before changing its configuration");
        this.extraToml = extraToml;
    }

    /**
     * Extra keys for the {@code [listen]} table, which the extra TOML cannot repeat, e.g.
     * {@code proxy_protocol = ["smtp"]}.
     */
    public TestServer listenKeys(String toml) {
        this.listenKeys = toml.endsWith("\n") ? toml : toml + "\n";
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /**
     * A second node: another server, same config, on this server's data directory, as a second
     * process on one database would be. Register it after this one ({@code @Order}), so that it
     * starts after and stops before; the data directory is this one's to delete.
     */
    /**
     * This server again, on its data directory and database, with another extra config (stop this
     * one first, keeping its data; stopping this one afterwards deletes the data).
     */
    public TestServer restartedWith(String extraToml) {
        TestServer again = new TestServer(domain, extraToml);
        again.firstNode = this;
        again.fixedPorts.putAll(fixedPorts);
        return again;
    }

    public TestServer secondNode() {
        TestServer second = new TestServer(domain, extraToml);
        second.firstNode = this;
        return second;
    }

    public void start() throws IOException {
        if (dataDir == null) dataDir = firstNode != null ? firstNode.dataDir() : Files.createTempDirectory("letterbox-test-");
        StringBuilder toml = new StringBuilder("hostname = \"" + hostname() + "\"\n[listen]\naddress = \"127.0.0.1\"\n" + listenKeys
                + "[listen.ports]\n");
        for (String name : Config.DEFAULT_PORTS.keySet()) {
            int port = fixedPorts.getOrDefault(name, samePorts ? lastPorts.getOrDefault(name, 0) : 0);
            toml.append(name).append(" = ").append(port).append('\n');
        }
        if (!extraToml.contains("[delivery]")) toml.append("[delivery]\nhold = true\n");
        if (!extraToml.contains("[dns]")) toml.append("[dns]\nservers = [\"127.0.0.1:9\"]\ntimeout = \"1s\"\n");
        // tests not about the checks of mail from the Internet have their loopback client trusted
        if (!extraToml.contains("[antispam]")) toml.append("[antispam]\ntrusted_networks = [\"127.0.0.0/8\"]\n");
        if (onPostgres() && !extraToml.contains("[store]")) {
            if (databaseUrl == null) {
                databaseUrl = firstNode != null ? firstNode.databaseUrl : PostgresServer.shared().newDatabase();
            }
            toml.append(storeToml());
        }
        toml.append(extraToml);
        if (onPostgres()) {
            // CLI commands run against this server's data dir must open the same database
            Files.writeString(dataDir.resolve("letterbox.toml"), toml);
        }
        Config config = ConfigLoader.parse(toml.toString(),
                new ConfigLoader.Overrides(Optional.of(dataDir), Optional.empty(), Optional.empty()), "test");
        try {
            server = LetterboxServer.start(config);
        } finally {
            releasePorts(); // both have SO_REUSEADDR and the holder does not listen, so the server could bind meanwhile
        }
        lastPorts = server.ports();
        if (!server.directory().hostsDomain(domain)) server.directory().addDomain(domain);
    }

    /**
     * Whether this test run puts every TestServer on PostgreSQL ({@code -Dletterbox.test.backend=postgresql},
     * the second pass of the suite) instead of the embedded store.
     */
    public static boolean onPostgres() {
        return "postgresql".equals(System.getProperty("letterbox.test.backend"));
    }

    /**
     * The {@code [store]} section of this server's config: empty on the embedded store, the
     * database on PostgreSQL. For tests that write their own config file for CLI commands.
     */
    public String storeToml() {
        if (databaseUrl == null) return "";
        return "[store]\nbackend = \"postgresql\"\nurl = \"" + databaseUrl + "\"\npool_size = 4\n";
    }

    /** A JDBC URL of this server's database, for tests that reach into it as another process would. */
    public String jdbcUrl() {
        if (databaseUrl == null) return "jdbc:sqlite:" + dataDir.resolve("letterbox.db");
        java.net.URI url = java.net.URI.create(databaseUrl);
        return "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath() + "?user=" + url.getUserInfo();
    }

    public String domain() {
        return domain;
    }

    public String hostname() {
        return "mail." + domain;
    }

    /** Stops the server, keeping its data dir (for restart tests). */
    public void stopKeepingData() {
        if (server != null) {
            server.close();
            if (samePorts) holdPorts();
        }
        server = null;
    }

    public void stop() {
        stopKeepingData();
        releasePorts();
        if (dataDir != null && firstNode == null) deleteTree(dataDir);
        dataDir = null;
        databaseUrl = null;
    }

    public LetterboxServer server() {
        return server;
    }

    public int port(String listener) {
        return server.port(listener);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A fresh account {@code prefix-N@DOMAIN} with {@link #PASSWORD}. */
    public String newUser(String prefix) {
        String address = prefix + "-" + USER_SEQ.incrementAndGet() + "@" + domain;
        server.directory().addAccount(address, PASSWORD.toCharArray(), 0, Protocol.all());
        return address;
    }

    public Account account(String address) {
        return server.directory().account(address).orElseThrow();
    }

    /** Delivers raw message bytes (stored exactly as given) to a local address; fails unless stored. */
    public void deliver(String address, byte[] message) throws IOException {
        Recipients recipients = new Recipients();
        recipients.add(address, new RecipientDecision.Accept(List.of(account(address)), List.of()), Optional.empty(),
                Optional.empty());
        Outcome out = server.pipeline().deliver(Envelope.local(Envelope.Origin.LOCAL, "", "test"), recipients,
                new ByteArrayInputStream(message), false);
        if (!(out instanceof Outcome.Delivered d) || d.stored() != 1) throw new IOException("not stored: " + out);
    }

    public void deliver(String address, String message) throws IOException {
        deliver(address, message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The messages in {@code address}'s INBOX, oldest first, as stored (trace fields included). */
    public List<String> inbox(String address) throws IOException {
        var store = server.store();
        long account = account(address).id();
        List<MessageMeta> metas = store.read(account, tx -> tx.messages(
                tx.mailbox(Mailbox.INBOX).orElseThrow().id(), 1, Long.MAX_VALUE, 10_000));
        List<String> out = new java.util.ArrayList<>();
        for (MessageMeta m : metas) {
            try (var in = store.blobs().open(m.blob())) {
                out.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A client TLS context that trusts this server's self-signed certificate. */
    public SSLContext clientTls() {
        return server.tls().clientContextTrustingThis();
    }

    public LineClient connect(String listener) throws IOException {
        return LineClient.plain("127.0.0.1", port(listener), clientTls());
    }

    public LineClient connectTls(String listener) throws IOException {
        return LineClient.tls("127.0.0.1", port(listener), clientTls());
    }

    /** A connection from the loopback address {@code from} (such as "127.0.0.7"), TLS started for a TLS listener. */
    public LineClient connectFrom(String from, String listener, boolean tls) throws IOException {
        LineClient c = LineClient.plainFrom(from, "127.0.0.1", port(listener), clientTls());
        if (tls) c.startTls();
        return c;
    }

    /**
     * As a load balancer would: connects from 127.0.0.1, sends the PROXY {@code header} (see
     * {@link ProxyHeaders}), then starts TLS when {@code tls}.
     */
    public LineClient connectProxied(String listener, byte[] header, boolean tls) throws IOException {
        LineClient c = LineClient.plainFrom("127.0.0.1", "127.0.0.1", port(listener), clientTls());
        c.sendRaw(header);
        if (tls) c.startTls();
        return c;
    }

    private void holdPorts() {
        for (int port : lastPorts.values()) {
            Socket holder = new Socket();
            try {
                holder.setReuseAddress(true);
                holder.bind(new InetSocketAddress("127.0.0.1", port));
                heldPorts.add(holder);
            } catch (IOException e) {
                // taken in the instant since the server let go: the restart will say so (BindException)
                closeQuietly(holder);
            }
        }
    }

    private void releasePorts() {
        heldPorts.forEach(TestServer::closeQuietly);
        heldPorts.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // a socket that only held a port
        }
    }

    /** Removes a temporary directory and everything in it (best effort). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
