package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Writes from another thread while the session thread is blocked reading, as an IMAP IDLE notifier
 * does: over plaintext and over TLS, where wrap and unwrap then run at the same time.
 */
@Timeout(30)
class ConcurrentWriteTest {
    /** Own threads: the common pool has one worker on two cores, which would run reader and writer in turn. */
    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestClient connect(boolean tls) throws IOException {
        return tls ? server.tls() : server.plain();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aNotifierWritesWhileTheSessionIsBlockedInReadLine(boolean tls) throws Exception {
        try (TestClient client = connect(tls)) {
            Connection session = server.nextSession();
            TimeUnit.MILLISECONDS.sleep(100); // the session is now parked in readLine
            CompletableFuture.runAsync(() -> push(session, "* 3 EXISTS\r\n"), THREADS).get(5, TimeUnit.SECONDS);
            client.expect("* 3 EXISTS");
            client.send("DONE");
            client.expect("ECHO DONE<CRLF>");
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void notifierLinesAndSessionRepliesInterleaveWholeUnderFullDuplexLoad(boolean tls) throws Exception {
        int notices = 20_000;
        int upload = 4 * 1024 * 1024;
        try (TestClient client = connect(tls)) {
            Connection session = server.nextSession();
            List<String> lines = new ArrayList<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < notices + 1; i++) {
                        lines.add(client.line());
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, THREADS);
            CompletableFuture<Void> notifier = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < notices; i++) {
                    push(session, "* " + i + " EXISTS\r\n");
                }
            }, THREADS);
            // meanwhile the session thread reads a large upload and answers it
            client.send("RECV " + upload);
            TestData.writePattern(client.out(), upload);
            client.out().flush();

            notifier.get(20, TimeUnit.SECONDS);
            reader.get(20, TimeUnit.SECONDS);

            int next = 0;
            int crcLines = 0;
            for (String line : lines) {
                if (line.startsWith("CRC ")) {
                    assertEquals("CRC " + TestData.patternCrc(upload), line);
                    crcLines++;
                } else {
                    assertEquals("* " + next + " EXISTS", line, "notices arrive whole and in order");
                    next++;
                }
            }
            assertEquals(notices, next);
            assertEquals(1, crcLines);
            client.send("still fine");
            client.expect("ECHO still fine<CRLF>");
        }
    }

    private static void push(Connection session, String line) {
        try {
            OutputStream out = session.output();
            out.write(line.getBytes(StandardCharsets.US_ASCII));
            session.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void closeFromAnotherThreadEndsABlockedRead(boolean tls) throws Exception {
        try (TestClient client = connect(tls)) {
            Connection session = server.nextSession();
            TimeUnit.MILLISECONDS.sleep(100);
            session.close();
            assertTrue(client.closedByServer());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.server.activeConnections() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertEquals(0, server.server.activeConnections(), "the session thread ended and released its slot");
        }
    }
}
