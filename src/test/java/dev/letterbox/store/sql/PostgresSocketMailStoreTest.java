package dev.letterbox.store.sql;

import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole store contract again, every connection through the cluster's Unix-domain socket
 * ({@link UnixSocketFactory}): the pools, the LISTEN connection whose reads time out every 250 ms,
 * and a second node hearing the first.
 */
class PostgresSocketMailStoreTest extends PostgresMailStoreTest {
    @Override
    String newDatabase() {
        String tcp = PostgresServer.shared().newDatabase();
        return PostgresServer.shared().socketUrl(tcp.substring(tcp.lastIndexOf('/') + 1));
    }

    /** The server sees a socket client (no client address), not a TCP one. */
    @Test
    void theConnectionGoesThroughTheSocketFile() throws SQLException {
        String url = newDatabase();
        try (Connection c = DriverManager.getConnection(PostgresConnections.jdbcUrl(url),
                PostgresConnections.credentials(url, Optional.empty()));
             var rs = c.createStatement().executeQuery("SELECT inet_client_addr(), current_database()")) {
            assertTrue(rs.next());
            assertNull(rs.getString(1), "a Unix-domain client has no address");
            assertEquals(url.substring(url.lastIndexOf('/') + 1), rs.getString(2));
        }
    }

    /** A read with a timeout gives up after it (the driver's wait for notifications) and the connection goes on. */
    @Test
    void aTimedReadGivesUpAndTheConnectionStaysUsable() throws SQLException {
        String url = newDatabase();
        try (Connection c = DriverManager.getConnection(PostgresConnections.jdbcUrl(url),
                PostgresConnections.credentials(url, Optional.empty()))) {
            var pg = c.unwrap(org.postgresql.PGConnection.class);
            c.createStatement().execute("LISTEN nothing_here");
            long start = System.nanoTime();
            var none = pg.getNotifications(200);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(none == null || none.length == 0);
            assertTrue(waited >= 150 && waited < 5_000, "waited " + waited + " ms");
            c.createStatement().execute("NOTIFY nothing_here, 'hello'");
            var some = pg.getNotifications(2_000);
            assertEquals("hello", some[0].getParameter());
            try (var rs = c.createStatement().executeQuery("SELECT 41 + 1")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }
}
