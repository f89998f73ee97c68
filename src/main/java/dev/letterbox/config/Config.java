package dev.letterbox.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The whole server configuration. See {@code letterbox.example.toml} at the repository root for
 * every key with its default and meaning; {@link ConfigLoader} builds this from that file.
 */
public record Config(String hostname, Path dataDir, Listen listen, Tls tls, Limits limits, Auth auth,
                     Pop3 pop3, Imap imap, Smtp smtp, Log log) {

    /** Listener names in the order they start; each maps to its default port in {@link #DEFAULT_PORTS}. */
    public static final Map<String, Integer> DEFAULT_PORTS = orderedPorts();

    private static Map<String, Integer> orderedPorts() {
        var m = new java.util.LinkedHashMap<String, Integer>();
        m.put("smtp", 25);
        m.put("submission", 587);
        m.put("submissions", 465);
        m.put("imap", 143);
        m.put("imaps", 993);
        m.put("pop3", 110);
        m.put("pop3s", 995);
        m.put("http", 80);
        m.put("https", 443);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Where to listen. {@code ports} holds every listener's effective port (offset applied; 0 = any
     * free port, for tests); a listener set to {@code false} in the file is absent.
     */
    public record Listen(String address, int portOffset, Map<String, Integer> ports) {
        public Optional<Integer> port(String listener) {
            return Optional.ofNullable(ports.get(listener));
        }
    }

    /** Empty paths mean: use (and on first start generate) a self-signed certificate in the data dir. */
    public record Tls(Optional<Path> certificate, Optional<Path> privateKey, int maxHandshakes,
                      Duration handshakeTimeout) {}

    public record Limits(int maxConnections, int maxConnectionsPerIp) {}

    /**
     * Failed logins from one IP address (all protocols together): after {@code failuresBeforeDelay}
     * answers slow down; at {@code failuresBeforeBlock} within {@code blockTime} the address is
     * refused for {@code blockTime}.
     */
    public record Auth(int failuresBeforeDelay, int failuresBeforeBlock, Duration blockTime) {}

    /** {@code plaintextAuthOnLoopback}: allow USER/PASS and AUTH before STLS from 127.0.0.0/8 and ::1. */
    public record Pop3(Duration idleTimeout, boolean plaintextAuthOnLoopback) {}

    /**
     * {@code plaintextAuthOnLoopback}: allow LOGIN/AUTHENTICATE before STARTTLS from loopback.
     * {@code maxCommandLength}: longest command line (and in-memory literals) a client may send.
     * {@code appendLimit}: largest message APPEND accepts (advertised as APPENDLIMIT, RFC 7889).
     */
    public record Imap(Duration idleTimeout, boolean plaintextAuthOnLoopback, int maxCommandLength, long appendLimit) {}

    public record Smtp(Duration idleTimeout, long maxMessageSize, int maxRecipients) {}

    /** {@code level}: error, warning, info or debug. */
    public record Log(String level) {}

    public Path tlsDir() {
        return dataDir.resolve("tls");
    }
}
