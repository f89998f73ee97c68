package dev.letterbox.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A NetServer on 127.0.0.1 with two {@link EchoHandler} listeners: "plain" and "tls" (implicit). */
final class TestServer implements AutoCloseable {
    /** One self-signed certificate for every test in the JVM: generating is cheap but not free. */
    static final ServerTls TLS = sharedTls();

    final NetServer server;
    final EchoHandler handler = new EchoHandler();

    TestServer() throws IOException {
        this(NetLimits.defaults(), Duration.ofMinutes(5));
    }

    TestServer(NetLimits limits, Duration idleTimeout) throws IOException {
        this(limits, idleTimeout, null);
    }

    /** {@code loginTimeout}: null for none; EchoHandler's LOGIN command logs a session in. */
    TestServer(NetLimits limits, Duration idleTimeout, Duration loginTimeout) throws IOException {
        server = new NetServer(limits, TLS);
        server.listen(new ListenerSpec("plain", "127.0.0.1", 0, false, idleTimeout, loginTimeout, handler));
        server.listen(new ListenerSpec("tls", "127.0.0.1", 0, true, idleTimeout, loginTimeout, handler));
    }

    private static ServerTls sharedTls() {
        try {
            Path dir = Files.createTempDirectory("letterbox-net-test");
            dir.toFile().deleteOnExit(); // registered first, so deleted after the files in it
            ServerTls tls = ServerTls.selfSigned(dir, "localhost");
            dir.resolve("cert.pem").toFile().deleteOnExit();
            dir.resolve("key.pem").toFile().deleteOnExit();
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SSLContext clientContext() {
        return TLS.clientContextTrustingThis();
    }

    int plainPort() {
        return server.boundPort("plain");
    }

    int tlsPort() {
        return server.boundPort("tls");
    }

    /** A plaintext client from {@code localAddress} (a 127.x address), past the greeting. */
    TestClient plain(String localAddress) throws IOException {
        TestClient client = TestClient.connect(plainPort(), localAddress);
        client.expect("READY");
        return client;
    }

    /** A plaintext client past the greeting. */
    TestClient plain() throws IOException {
        TestClient client = TestClient.connect(plainPort());
        client.expect("READY");
        return client;
    }

    /** An implicit-TLS client past the greeting. */
    TestClient tls() throws IOException {
        TestClient client = TestClient.connectTls(tlsPort(), clientContext());
        client.expect("READY");
        return client;
    }

    /** The server side of the next session that started. */
    Connection nextSession() throws InterruptedException {
        Connection c = handler.sessions.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("no session started");
        }
        return c;
    }

    @Override
    public void close() {
        server.close();
    }
}
