package dev.letterbox.testing;

import dev.letterbox.server.RuntimeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Letterbox node as an operating-system process of its own: a child JVM running the built server
 * ({@code dev.letterbox.cli.Main serve}) from this JVM's class path, with its own data dir and a
 * config file written there. The point is what an in-process server cannot show: {@link #kill()} is
 * a real SIGKILL, so nothing in the node runs after it (no shutdown hook, no flush, no goodbye to
 * the database or the clients).
 *
 * <p>Lifecycle: {@link #start} returns once the node has written its {@link RuntimeInfo} (every
 * listener bound, the store open); {@link #kill()} or {@link #stop()} end it; {@link #close()} kills
 * whatever is still running. Output goes to {@code DATA/node.log}.
 */
public final class NodeProcess implements AutoCloseable {
    /** Small and quick to start: a node of a test cluster needs neither C2 nor a big heap. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true", "--enable-native-access=ALL-UNNAMED");

    private final String name;
    private final Path dataDir;
    private final Process process;
    private final Map<String, Integer> ports;

    private NodeProcess(String name, Path dataDir, Process process, Map<String, Integer> ports) {
        this.name = name;
        this.dataDir = dataDir;
        this.process = process;
        this.ports = ports;
    }

    /**
     * Launches a node from {@code toml} (its whole config; listeners on port 0 are fine) in
     * {@code dataDir}, waiting until every one of {@code listeners} is bound.
     */
    public static NodeProcess start(String name, Path dataDir, String toml, List<String> listeners) throws IOException {
        Files.createDirectories(dataDir);
        Files.deleteIfExists(dataDir.resolve("server.properties")); // a killed node's stale ports
        Path config = dataDir.resolve("node.toml");
        Files.writeString(config, toml);
        Path log = dataDir.resolve("node.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.letterbox.cli.Main",
                "serve", "--data", dataDir.toString(), "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                Optional<RuntimeInfo> info = RuntimeInfo.read(dataDir);
                if (info.isPresent() && info.get().ports().keySet().containsAll(listeners)) {
                    return new NodeProcess(name, dataDir, process, Map.copyOf(info.get().ports()));
                }
                if (!process.isAlive()) throw new IOException("node " + name + " exited (" + process.exitValue() + "):\n" + tail(log));
                if (System.nanoTime() > deadline) throw new IOException("node " + name + " did not start within 90 s:\n" + tail(log));
                Thread.sleep(25);
            }
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while node " + name + " started", e);
        }
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    /** The port a listener is bound to on 127.0.0.1. */
    public int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) throw new IllegalArgumentException("node " + name + " has no listener " + listener);
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone (its sockets closed by the kernel). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("node " + name + " survived SIGKILL");
    }

    /** SIGTERM: the node's graceful stop; true when it exited in time. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The last lines of the node's output, for a failure message. */
    public String logTail() {
        return tail(dataDir.resolve("node.log"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
