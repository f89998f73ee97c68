package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listener lifecycle, limits, timeouts and shutdown. */
@Timeout(30)
class NetServerTest {
    private static NetLimits limits(int max, int perIp) {
        return new NetLimits(max, perIp, 8, Duration.ofSeconds(10));
    }

    @Test
    void aSilentConnectionIsClosedAfterItsIdleTimeout() throws Exception {
        try (TestServer server = new TestServer(NetLimits.defaults(), Duration.ofMillis(300));
             TestClient client = server.plain()) {
            long started = System.nanoTime();
            assertTrue(client.closedByServer());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited >= 250 && waited < 5_000, "closed after " + waited + " ms");
        }
    }

    @Test
    void activityKeepsAConnectionOpenAndTheSessionCanChangeItsTimeout() throws Exception {
        try (TestServer server = new TestServer(NetLimits.defaults(), Duration.ofMillis(400));
             TestClient client = server.plain()) {
            for (int i = 0; i < 6; i++) { // 6 x 150 ms: well past the timeout, but never idle that long
                TimeUnit.MILLISECONDS.sleep(150);
                client.send("tick");
                client.expect("ECHO tick<CRLF>");
            }
            client.send("TIMEOUT 100");
            client.expect("OK");
            client.setReadTimeout(3_000);
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void aTlsClientThatNeverCompletesItsHandshakeIsClosed() throws Exception {
        NetLimits limits = new NetLimits(100, 10, 4, Duration.ofMillis(300));
        try (TestServer server = new TestServer(limits, Duration.ofMinutes(5));
             TestClient client = TestClient.connect(server.tlsPort())) {
            assertTrue(client.closedByServer(), "a client silent on the TLS port is dropped at the handshake timeout");
        }
    }

    @Test
    @SuppressWarnings("try") // clients are opened for the slots they take, and one closed early
    void overTheGlobalLimitTheServerStopsAcceptingUntilASlotFrees() throws Exception {
        try (TestServer server = new TestServer(limits(2, 10), Duration.ofMinutes(5));
             TestClient first = server.plain();
             TestClient second = server.plain();
             TestClient third = TestClient.connect(server.plainPort())) {
            third.setReadTimeout(300);
            assertFalse(third.closedByServer(), "third client waits in the kernel's queue, unanswered");
            first.close();
            third.setReadTimeout(5_000);
            third.expect("READY");
            second.send("still here");
            second.expect("ECHO still here<CRLF>");
        }
    }

    @Test
    @SuppressWarnings("try") // clients are opened for the slots they take, and one closed early
    void overThePerAddressLimitAConnectionIsClosedAtOnce() throws Exception {
        try (TestServer server = new TestServer(limits(100, 2), Duration.ofMinutes(5));
             TestClient first = server.plain();
             TestClient second = server.plain();
             TestClient third = TestClient.connect(server.plainPort())) {
            assertTrue(third.closedByServer());
            try (TestClient otherAddress = TestClient.connect(server.plainPort(), "127.0.0.2")) {
                otherAddress.expect("READY"); // the limit is per client address
            }
            first.close();
            waitFor(() -> server.server.activeConnections() == 1); // only second is left
            try (TestClient again = TestClient.connect(server.plainPort())) {
                again.expect("READY");
            }
        }
    }

    @Test
    void aFailingHandlerEndsOnlyItsOwnSession() throws Exception {
        try (TestServer server = new TestServer()) {
            try (TestClient client = server.plain()) {
                client.send("THROW");
                assertTrue(client.closedByServer());
            }
            try (TestClient client = server.plain()) {
                client.send("fine");
                client.expect("ECHO fine<CRLF>");
            }
            waitFor(() -> server.server.activeConnections() == 0);
        }
    }

    @Test
    void shutdownStopsAcceptingAndWaitsForSessionsToFinish() throws Exception {
        TestServer server = new TestServer();
        int port = server.plainPort();
        try (TestClient client = server.plain()) {
            long started = System.nanoTime();
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> server.server.shutdown(Duration.ofSeconds(10)));
            waitFor(() -> refusesConnections(port));
            assertFalse(shutdown.isDone(), "a session is still running");
            client.send("still served");
            client.expect("ECHO still served<CRLF>");
            client.send("QUIT");
            client.expect("BYE");
            shutdown.get(5, TimeUnit.SECONDS);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5_000,
                    "shutdown returned when the last session ended, not after the full grace");
        }
    }

    @Test
    void shutdownClosesSessionsStillOpenAfterTheGrace() throws Exception {
        TestServer server = new TestServer();
        try (TestClient client = server.plain()) {
            long started = System.nanoTime();
            server.server.shutdown(Duration.ofMillis(200));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(took >= 150 && took < 3_000, "shutdown took " + took + " ms");
            assertTrue(client.closedByServer());
            assertEquals(0, server.server.activeConnections());
        }
    }

    @Test
    void listeningOnAPortInUseFailsWithOneClearLine() throws Exception {
        try (TestServer first = new TestServer(); NetServer second = new NetServer(NetLimits.defaults(), null)) {
            int port = first.plainPort();
            IOException e = assertThrows(IOException.class, () -> second.listen(
                    new ListenerSpec("imap", "127.0.0.1", port, false, Duration.ofMinutes(30), c -> { })));
            assertEquals("cannot listen on 127.0.0.1:" + port + " (imap): address already in use — another mail "
                    + "server running? stop it or change [listen.ports] in the config", e.getMessage());
        }
    }

    @Test
    void anImplicitTlsListenerWithoutACertificateIsAConfigurationError() {
        try (NetServer server = new NetServer(NetLimits.defaults(), null)) {
            assertThrows(IllegalArgumentException.class, () -> server.listen(
                    new ListenerSpec("imaps", "127.0.0.1", 0, true, Duration.ofMinutes(30), c -> { })));
        }
    }

    @Test
    void boundPortNamesTheEphemeralPort() throws Exception {
        try (TestServer server = new TestServer()) {
            assertTrue(server.plainPort() > 0);
            assertTrue(server.tlsPort() > 0);
            assertThrows(IllegalArgumentException.class, () -> server.server.boundPort("nope"));
        }
    }

    private static boolean refusesConnections(int port) {
        try {
            new Socket("127.0.0.1", port).close();
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
