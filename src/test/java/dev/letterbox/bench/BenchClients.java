package dev.letterbox.bench;

import dev.letterbox.net.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The client side of the bench, run in its own JVM so its (SSLSocket) buffers are not counted: N
 * connections that each send 64 KiB of lines, read 64 KiB back, enter IDLE and stay open.
 */
final class BenchClients {
    static final int TRAFFIC = 64 * 1024;
    static final int LINE = 1000;

    private BenchClients() {}

    /** Starts {@code java ... IdleConnections clients port n trust} with this JVM's class path. */
    static Process start(int port, int n, String trust) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx3g", "-cp", System.getProperty("java.class.path"),
                IdleConnections.class.getName(), "clients", String.valueOf(port), String.valueOf(n), trust);
        return new ProcessBuilder(command).inheritIO().start();
    }

    /** The client JVM's main: opens the connections, then holds them until the process is destroyed. */
    static void run(int port, int n, String trust) throws Exception {
        SSLContext context = trust.equals("plain") ? null : trusting(Path.of(trust));
        List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                threads.submit(() -> {
                    try {
                        open.add(openAndExercise(port, context));
                    } catch (IOException e) {
                        if (failures.incrementAndGet() < 5) {
                            System.err.println("client: " + e);
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        System.err.println("client JVM: " + open.size() + " connections idle, " + failures.get() + " failed");
        TimeUnit.DAYS.sleep(1);
    }

    /** Connects, sends 64 KiB of lines, reads 64 KiB back, then enters IDLE and returns the open socket. */
    static Socket openAndExercise(int port, SSLContext context) throws IOException {
        Socket socket = context == null ? new Socket() : context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
        socket.setSoTimeout(60_000);
        if (socket instanceof SSLSocket tls) {
            tls.startHandshake();
        }
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        skipLine(in);
        byte[] line = ("DATA " + "y".repeat(LINE - 7) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int sent = 0; sent < TRAFFIC; sent += line.length) {
            out.write(line);
        }
        out.write(("PUSH " + TRAFFIC + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (in.readNBytes(TRAFFIC).length != TRAFFIC) {
            throw new IOException("short PUSH");
        }
        out.write("IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        skipLine(in);
        return socket;
    }

    private static void skipLine(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed by server");
            }
        }
    }

    private static SSLContext trusting(Path certificatePem) throws Exception {
        try (InputStream in = Files.newInputStream(certificatePem)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return ServerTls.clientContextTrusting(cert);
        }
    }
}
