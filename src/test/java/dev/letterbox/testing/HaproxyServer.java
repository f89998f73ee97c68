package dev.letterbox.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's haproxy, started for a test from its own configuration in a temp dir: one TCP-mode
 * frontend per {@link Frontend} on a free 127.0.0.1 port, balancing round-robin over its backends
 * ("host:port" each, e.g. the same listener of several Letterbox nodes) and sending each a PROXY
 * protocol header ({@code send-proxy-v2} or, with {@code v1}, {@code send-proxy}). No health checks,
 * no stats, nothing outside the dir; a connection a backend refuses is tried again on another.
 *
 * <p>Skipped when haproxy is not installed, except in CI ({@code LETTERBOX_REQUIRE_TOOLS=1}), where
 * .ci/run installs it.
 */
public final class HaproxyServer implements AutoCloseable {
    public static final String PATH = "/usr/sbin/haproxy";

    /** One frontend: its name (letters, digits, '-', '_') and the backends it forwards to. */
    public record Frontend(String name, List<String> backends) {
        public Frontend {
            if (!name.matches("[A-Za-z0-9_-]+")) throw new IllegalArgumentException("frontend name: " + name);
            if (backends.isEmpty()) throw new IllegalArgumentException("frontend " + name + " has no backend");
            backends = List.copyOf(backends);
        }

        /** One backend on 127.0.0.1. */
        public static Frontend of(String name, int... loopbackPorts) {
            return new Frontend(name, java.util.Arrays.stream(loopbackPorts).mapToObj(p -> "127.0.0.1:" + p).toList());
        }
    }

    private final Path dir;
    private final Map<String, Integer> ports;
    private Process process;

    private HaproxyServer(Path dir, Map<String, Integer> ports) {
        this.dir = dir;
        this.ports = ports;
    }

    /** Starts haproxy in {@code dir} with PROXY protocol v2 to every backend; ready when this returns. */
    public static HaproxyServer start(Path dir, List<Frontend> frontends) throws IOException, InterruptedException {
        return start(dir, frontends, false);
    }

    /** As {@link #start(Path, List)}; {@code v1} sends the text header ({@code send-proxy}) instead. */
    public static HaproxyServer start(Path dir, List<Frontend> frontends, boolean v1) throws IOException, InterruptedException {
        requireInstalled();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Frontend f : frontends) ports.put(f.name(), freePort());
        HaproxyServer haproxy = new HaproxyServer(dir, ports);
        try {
            Files.writeString(dir.resolve("haproxy.cfg"), config(frontends, ports, v1 ? "send-proxy" : "send-proxy-v2"));
            haproxy.run();
            return haproxy;
        } catch (IOException | InterruptedException | RuntimeException e) {
            haproxy.close();
            throw e;
        }
    }

    /** The 127.0.0.1 port of a frontend. */
    public int port(String frontend) {
        Integer port = ports.get(frontend);
        if (port == null) throw new IllegalArgumentException("no frontend named " + frontend);
        return port;
    }

    private static String config(List<Frontend> frontends, Map<String, Integer> ports, String sendProxy) {
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 1000
                defaults
                    mode tcp
                    # a backend that refuses (a node that died) costs the client nothing: the
                    # connection is retried on another backend, as in a real deployment
                    retries 2
                    option redispatch 1
                    timeout connect 5s
                    timeout client 2m
                    timeout server 2m
                """);
        for (Frontend f : frontends) {
            cfg.append("frontend ").append(f.name()).append('\n')
                    .append("    bind 127.0.0.1:").append(ports.get(f.name())).append('\n')
                    .append("    default_backend ").append(f.name()).append("_nodes\n")
                    .append("backend ").append(f.name()).append("_nodes\n")
                    .append("    balance roundrobin\n");
            for (int i = 0; i < f.backends().size(); i++) {
                cfg.append("    server node").append(i + 1).append(' ').append(f.backends().get(i)).append(' ')
                        .append(sendProxy).append('\n');
            }
        }
        return cfg.toString();
    }

    private void run() throws IOException, InterruptedException {
        Path out = dir.resolve("haproxy.out");
        // -db: stay in the foreground, so destroying the process stops it
        process = new ProcessBuilder(PATH, "-db", "-f", dir.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : ports.values()) {
            while (!listening(port)) {
                if (!process.isAlive()) throw new IOException("haproxy exited with " + process.exitValue() + ":\n" + read(out));
                if (System.nanoTime() > deadline) throw new IOException("haproxy did not listen within 30 s:\n" + read(out));
                Thread.sleep(20);
            }
        }
    }

    /** Whether the frontend's port takes connections (the probe reaches a backend as an empty connection). */
    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void requireInstalled() {
        boolean installed = Files.isExecutable(Path.of(PATH));
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(installed, "haproxy not installed");
        if (!installed) throw new IllegalStateException("haproxy is required (LETTERBOX_REQUIRE_TOOLS=1) but missing: " + PATH);
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) return;
        process.destroy(); // SIGTERM: haproxy stops at once
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
