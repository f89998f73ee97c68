package dev.letterbox.bench;

import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.net.ListenerSpec;
import dev.letterbox.net.NetLimits;
import dev.letterbox.net.NetServer;
import dev.letterbox.net.ServerTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * Heap per idle connection after traffic: the number that decides whether 50,000 IMAP IDLE clients
 * fit in 2 GB. Run it with {@code bench/idle-connections/run.sh}; not a unit test.
 *
 * <p>{@code server N [tls|plain|sslsocket]} starts a NetServer whose handler reads lines like an
 * IMAP session in IDLE, warms up, measures the heap, starts a second JVM ({@link BenchClients})
 * that opens N connections, sends 64 KiB up and reads 64 KiB down on each and leaves them idle,
 * measures again and prints (after - before) / N. With {@code -Dbench.histogram=true} it also
 * prints what each connection holds, by class, and the stack a parked session keeps.
 */
public final class IdleConnections {
    /** Warm-up connections stay open through both measurements, so their cost cancels out. */
    private static final List<Socket> WARM_UP = new ArrayList<>();
    /** Held so the level sticks: a log line per connection is not what this measures. */
    private static final Logger NET_LOG = Logger.getLogger("letterbox.net");
    private static volatile Thread lastIdleSession;

    private IdleConnections() {}

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "server" -> {
                int n = Integer.parseInt(args[1]);
                String mode = args.length > 2 ? args[2] : "tls";
                switch (mode) {
                    case "tls", "plain" -> server(n, mode.equals("plain"));
                    case "sslsocket" -> SslSocketComparison.server(n);
                    default -> throw new IllegalArgumentException("mode: tls, plain or sslsocket");
                }
            }
            case "clients" -> BenchClients.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
            default -> System.err.println("usage: IdleConnections server N [tls|plain|sslsocket]");
        }
    }

    private static void server(int n, boolean plain) throws Exception {
        NET_LOG.setLevel(Level.WARNING);
        boolean histogram = Boolean.getBoolean("bench.histogram");
        Path tlsDir = Files.createTempDirectory("letterbox-bench");
        ServerTls tls = ServerTls.selfSigned(tlsDir, "localhost");
        AtomicInteger idle = new AtomicInteger();
        NetLimits limits = new NetLimits(n + 100, n + 100, 64, Duration.ofSeconds(60));
        try (NetServer server = new NetServer(limits, tls)) {
            server.listen(new ListenerSpec("bench", "127.0.0.1", 0, !plain, Duration.ofHours(1), idleSession(idle)));
            int port = server.boundPort("bench");

            warmUp(port, plain ? null : tls.clientContextTrustingThis(), idle);
            long before = HeapMeasure.settledHeap();
            Map<String, long[]> histogramBefore = histogram ? HeapMeasure.histogram() : null;

            long started = System.nanoTime();
            Process clients = BenchClients.start(port, n, plain ? "plain" : tlsDir.resolve("cert.pem").toString());
            awaitIdle(idle, WARM_UP.size() + n, clients);
            double setupSeconds = (System.nanoTime() - started) / 1e9;
            TimeUnit.SECONDS.sleep(2); // the last sessions park in their reads
            long after = HeapMeasure.settledHeap();

            System.out.printf(Locale.ROOT, "%s: %d idle connections after %d KiB up + %d KiB down each (setup %.1f s)%n",
                    plain ? "plaintext" : "TLS", n, BenchClients.TRAFFIC / 1024, BenchClients.TRAFFIC / 1024, setupSeconds);
            System.out.printf(Locale.ROOT, "heap used before %.1f MiB, after %.1f MiB%n", before / 1048576.0, after / 1048576.0);
            System.out.printf(Locale.ROOT, "heap per idle connection: %.2f KiB%n", (after - before) / 1024.0 / n);
            if (histogram) {
                HeapMeasure.printGrowth(histogramBefore, HeapMeasure.histogram(), n);
                System.out.println("a parked session's stack:");
                for (StackTraceElement frame : lastIdleSession.getStackTrace()) {
                    System.out.println("    " + frame);
                }
            }
            clients.destroy();
            clients.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Like an IMAP session: read a command; PUSH answers with bulk data; IDLE counts and waits. */
    private static ConnectionHandler idleSession(AtomicInteger idle) {
        return connection -> {
            write(connection, "* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line;
            while ((line = connection.readLine(BenchClients.LINE + 2)) != null) {
                String command = new String(line, StandardCharsets.US_ASCII).trim();
                if (command.startsWith("PUSH ")) {
                    byte[] data = new byte[Integer.parseInt(command.substring(5))];
                    Arrays.fill(data, (byte) 'x');
                    write(connection, data);
                } else if (command.equals("IDLE")) {
                    write(connection, "+ idling\r\n".getBytes(StandardCharsets.US_ASCII));
                    idle.incrementAndGet();
                    lastIdleSession = Thread.currentThread();
                }
            }
        };
    }

    private static void write(Connection connection, byte[] bytes) throws IOException {
        connection.output().write(bytes);
        connection.flush();
    }

    /**
     * Runs the same traffic over 2,000 short-lived connections first, so the measured sessions park
     * in JIT-compiled frames as in a server that has been up for a while (interpreted frames make
     * much bigger stack chunks). Then 20 connections stay open through both measurements.
     */
    private static void warmUp(int port, SSLContext context, AtomicInteger idle) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                inFlight.acquire();
                threads.submit(() -> {
                    try {
                        BenchClients.openAndExercise(port, context).close();
                        return null;
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        idle.set(0); // every warm-up session counted itself before its client closed
        for (int i = 0; i < 20; i++) {
            WARM_UP.add(BenchClients.openAndExercise(port, context));
        }
        awaitIdle(idle, WARM_UP.size(), null);
    }

    static void awaitIdle(AtomicInteger idle, int expected, Process clients) throws InterruptedException {
        while (idle.get() < expected) {
            if (clients != null && !clients.isAlive()) {
                throw new IllegalStateException("client JVM exited with " + clients.exitValue());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
