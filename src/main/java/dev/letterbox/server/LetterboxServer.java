package dev.letterbox.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.LoginThrottle;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.config.Config;
import dev.letterbox.delivery.LocalDelivery;
import dev.letterbox.imap.server.ImapService;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.net.ListenerSpec;
import dev.letterbox.net.NetLimits;
import dev.letterbox.net.NetServer;
import dev.letterbox.net.ServerTls;
import dev.letterbox.pop3.server.Pop3Service;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.sql.SqlMailStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running Letterbox: opens the store, loads or creates the certificate, starts a listener for
 * each configured port whose protocol is built, and stops them all on {@link #close()}.
 */
public final class LetterboxServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.server");
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final Config config;
    private final MailStore store;
    private final Directory directory;
    private final LocalDelivery delivery;
    private final ServerTls tls;
    private final NetServer net;
    private final Metrics metrics = new Metrics();
    private final Map<String, Integer> boundPorts = new LinkedHashMap<>();
    private volatile boolean closed;

    private LetterboxServer(Config config, MailStore store, ServerTls tls) {
        this.config = config;
        this.store = store;
        this.tls = tls;
        this.directory = new Directory(store.directory(), new PasswordHasher());
        this.delivery = new LocalDelivery(store);
        this.net = new NetServer(new NetLimits(config.limits().maxConnections(), config.limits().maxConnectionsPerIp(),
                config.tls().maxHandshakes(), config.tls().handshakeTimeout()), tls);
    }

    /** Starts everything or nothing: on any failure what was started is stopped again. */
    public static LetterboxServer start(Config config) throws IOException {
        Files.createDirectories(config.dataDir());
        SystemLimits.warnIfLow();
        MailStore store = SqlMailStore.openSqlite(config.dataDir());
        LetterboxServer server = null;
        try {
            ServerTls tls = config.tls().certificate().isPresent()
                    ? ServerTls.fromPem(config.tls().certificate().get(), config.tls().privateKey().orElseThrow())
                    : ServerTls.selfSigned(config.tlsDir(), config.hostname());
            server = new LetterboxServer(config, store, tls);
            server.startListeners();
            new RuntimeInfo(config.hostname(), server.boundPorts).write(config.dataDir());
            LOG.log(INFO, "Letterbox ready as {0}, data in {1}, listening: {2}", config.hostname(),
                    config.dataDir().toAbsolutePath(), server.boundPorts);
            return server;
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
            else store.close();
            throw e;
        }
    }

    private void startListeners() throws IOException {
        LoginThrottle throttle = LoginThrottle.of(config.auth().failuresBeforeDelay(),
                config.auth().failuresBeforeBlock(), config.auth().blockTime());
        ImapService imap = new ImapService(store, directory, throttle, metrics, config.imap(), config.hostname());
        listen("imap", false, config.imap().idleTimeout(), imap);
        listen("imaps", true, config.imap().idleTimeout(), imap);
        Pop3Service pop3 = new Pop3Service(store, directory, throttle, metrics, config.pop3(), config.hostname());
        listen("pop3", false, config.pop3().idleTimeout(), pop3);
        listen("pop3s", true, config.pop3().idleTimeout(), pop3);
    }

    private void listen(String name, boolean implicitTls, Duration idle, ConnectionHandler handler) throws IOException {
        var port = config.listen().port(name);
        if (port.isEmpty()) return; // disabled in the config
        String address = config.listen().address().equals("*") ? "0.0.0.0" : config.listen().address();
        net.listen(new ListenerSpec(name, address, port.get(), implicitTls, idle, handler));
        boundPorts.put(name, net.boundPort(name));
    }

    public Config config() {
        return config;
    }

    public MailStore store() {
        return store;
    }

    public Directory directory() {
        return directory;
    }

    public LocalDelivery delivery() {
        return delivery;
    }

    public Metrics metrics() {
        return metrics;
    }

    public ServerTls tls() {
        return tls;
    }

    /** The port a listener is bound to; fails when that listener is not running. */
    public int port(String listener) {
        Integer p = boundPorts.get(listener);
        if (p == null) throw new IllegalArgumentException("listener " + listener + " is not running");
        return p;
    }

    public Map<String, Integer> ports() {
        return Map.copyOf(boundPorts);
    }

    /** Graceful stop: no new connections, sessions get a few seconds, then the store closes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        LOG.log(INFO, "shutting down");
        try {
            net.shutdown(SHUTDOWN_GRACE);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "error while stopping listeners: {0}", e.toString());
        }
        RuntimeInfo.remove(config.dataDir());
        store.close();
        LOG.log(INFO, "stopped");
    }
}
