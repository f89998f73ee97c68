package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * {@link TestServer#samePortsOnRestart()}: while the server is down its ports stay bound — refused to
 * clients, as a down server's are, and taken for nobody else — and it comes back on them.
 */
class TestServerRestartTest {
    @Test
    void aStoppedServersPortsAreHeldUntilItComesBack() throws Exception {
        TestServer server = new TestServer().samePortsOnRestart();
        server.start();
        try {
            int smtp = server.port("smtp");
            server.stopKeepingData();
            // Bound, the port is out of the kernel's choice for port-0 binds and outgoing connections,
            // the way other test JVMs would take it. (A bind naming the port with SO_REUSEADDR could
            // still share it, as the restarting server does; no test names a port.)
            try (ServerSocketChannel intruder = ServerSocketChannel.open()) {
                intruder.setOption(StandardSocketOptions.SO_REUSEADDR, false);
                assertThrows(BindException.class, () -> intruder.bind(new InetSocketAddress("127.0.0.1", smtp)));
            }
            try (Socket client = new Socket()) {
                assertThrows(ConnectException.class, () -> client.connect(new InetSocketAddress("127.0.0.1", smtp), 2000));
            }
            server.start();
            assertEquals(smtp, server.port("smtp"));
            try (LineClient c = server.connect("smtp")) {
                c.expectPrefix("220 ");
            }
        } finally {
            server.stop();
        }
    }
}
