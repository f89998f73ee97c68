package dev.letterbox.testing;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.delivery.DeliveryOutcome;
import dev.letterbox.server.LetterboxServer;
import dev.letterbox.store.Account;
import dev.letterbox.store.Protocol;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Letterbox for a test class: its own temp data dir, every listener on 127.0.0.1 and an
 * ephemeral port, host name {@code mail.example.test}, domain {@code example.test} hosted.
 * Register with {@code @RegisterExtension static final TestServer server = new TestServer("toml");}.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback {
    public static final String DOMAIN = "example.test";
    public static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger USER_SEQ = new AtomicInteger();

    private final String extraToml;
    private Path dataDir;
    private LetterboxServer server;

    public TestServer() {
        this("");
    }

    /** {@code extraToml} is appended to the base test config (sections may be added, not repeated). */
    public TestServer(String extraToml) {
        this.extraToml = extraToml;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public void start() throws IOException {
        if (dataDir == null) dataDir = Files.createTempDirectory("letterbox-test-");
        StringBuilder toml = new StringBuilder("hostname = \"mail.example.test\"\n[listen]\naddress = \"127.0.0.1\"\n[listen.ports]\n");
        for (String name : Config.DEFAULT_PORTS.keySet()) toml.append(name).append(" = 0\n");
        toml.append(extraToml);
        Config config = ConfigLoader.parse(toml.toString(),
                new ConfigLoader.Overrides(Optional.of(dataDir), Optional.empty(), Optional.empty()), "test");
        server = LetterboxServer.start(config);
        if (!server.directory().hostsDomain(DOMAIN)) server.directory().addDomain(DOMAIN);
    }

    /** Stops the server, keeping its data dir (for restart tests). */
    public void stopKeepingData() {
        if (server != null) server.close();
        server = null;
    }

    public void stop() {
        stopKeepingData();
        if (dataDir != null) deleteTree(dataDir);
        dataDir = null;
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

    /** A fresh account {@code prefix-N@example.test} with {@link #PASSWORD}. */
    public String newUser(String prefix) {
        String address = prefix + "-" + USER_SEQ.incrementAndGet() + "@" + DOMAIN;
        server.directory().addAccount(address, PASSWORD.toCharArray(), 0, Protocol.all());
        return address;
    }

    public Account account(String address) {
        return server.directory().account(address).orElseThrow();
    }

    /** Delivers raw message bytes (stored exactly as given) to a local address; fails unless stored. */
    public void deliver(String address, byte[] message) throws IOException {
        var delivery = server.delivery();
        var blob = delivery.storeBlob(new byte[0], new ByteArrayInputStream(message), false, 0);
        List<DeliveryOutcome> out = delivery.deliver(blob, List.of(account(address)), "test");
        if (!(out.get(0) instanceof DeliveryOutcome.Stored)) throw new IOException("not stored: " + out);
    }

    public void deliver(String address, String message) throws IOException {
        deliver(address, message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
