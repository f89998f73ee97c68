package dev.letterbox.bench;

import dev.letterbox.net.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The design Letterbox does not use, measured on the same workload for comparison: an
 * {@code SSLServerSocket} with a virtual thread per connection reading unbuffered from the
 * {@code SSLSocket} (so only the JDK's own record buffers count, no BufferedInputStream).
 */
final class SslSocketComparison {
    private SslSocketComparison() {}

    static void server(int n) throws Exception {
        Path tlsDir = Files.createTempDirectory("letterbox-bench");
        ServerTls tls = ServerTls.selfSigned(tlsDir, "localhost");
        AtomicInteger idle = new AtomicInteger();
        try (SSLServerSocket listener = (SSLServerSocket) tls.sslContext().getServerSocketFactory()
                .createServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    try {
                        SSLSocket socket = (SSLSocket) listener.accept();
                        Thread.ofVirtual().start(() -> session(socket, idle));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            int port = listener.getLocalPort();
            for (int i = 0; i < 2_000; i++) { // same warm-up as the NetServer run
                BenchClients.openAndExercise(port, tls.clientContextTrustingThis()).close();
            }
            TimeUnit.SECONDS.sleep(1);
            long before = HeapMeasure.settledHeap();
            Map<String, long[]> histogramBefore = HeapMeasure.histogram();
            idle.set(0);
            Process clients = BenchClients.start(port, n, tlsDir.resolve("cert.pem").toString());
            IdleConnections.awaitIdle(idle, n, clients);
            TimeUnit.SECONDS.sleep(2);
            long after = HeapMeasure.settledHeap();
            System.out.printf(Locale.ROOT, "SSLSocket (for comparison): %d idle connections after %d KiB each way%n",
                    n, BenchClients.TRAFFIC / 1024);
            System.out.printf(Locale.ROOT, "heap per idle connection: %.2f KiB%n", (after - before) / 1024.0 / n);
            if (Boolean.getBoolean("bench.histogram")) {
                HeapMeasure.printGrowth(histogramBefore, HeapMeasure.histogram(), n);
            }
            clients.destroy();
        }
    }

    private static void session(SSLSocket socket, AtomicInteger idle) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = new byte[BenchClients.LINE + 2];
            int length;
            while ((length = readLine(in, line)) >= 0) {
                String command = new String(line, 0, length, StandardCharsets.US_ASCII).trim();
                if (command.startsWith("PUSH ")) {
                    byte[] data = new byte[Integer.parseInt(command.substring(5))];
                    Arrays.fill(data, (byte) 'x');
                    out.write(data);
                } else if (command.equals("IDLE")) {
                    out.write("+ idling\r\n".getBytes(StandardCharsets.US_ASCII));
                    idle.incrementAndGet();
                }
            }
        } catch (IOException ignored) {
            // client gone
        }
    }

    private static int readLine(InputStream in, byte[] line) throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (length < line.length) {
                line[length++] = (byte) b;
            }
            if (b == '\n') {
                return length;
            }
        }
        return -1;
    }
}
