package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import dev.letterbox.store.LocalChangeBus;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Announces the changes other nodes commit to a PostgreSQL store, as soon as they commit: each write
 * unit sends {@code NOTIFY} on {@link ChangeLog#CHANNEL} (delivered only if it commits, in commit
 * order), and this thread LISTENs on a connection of its own.
 *
 * <p>When that connection breaks, notifications sent meanwhile are lost; so after reconnecting it
 * tells every account someone is listening to that its mailboxes may have changed, and listeners
 * re-read (changes carry no data, so a spurious one costs a query, a missed one would cost a stale view).
 */
final class NotificationFeed implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    /** How long one wait for notifications lasts; bounds how long close() waits. */
    private static final int WAIT_MILLIS = 250;
    private static final long RECONNECT_MILLIS = 1_000;
    private static final int LISTEN_WAIT_SECONDS = 10;

    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final LocalChangeBus bus;
    private final MailboxIndexes indexes;
    private final String node;
    private final Thread thread;
    /** Open once the first LISTEN is in force (or the first attempt failed). */
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean running = true;

    NotificationFeed(Opener opener, LocalChangeBus bus, MailboxIndexes indexes, String node) {
        this.opener = opener;
        this.bus = bus;
        this.indexes = indexes;
        this.node = node;
        // A platform thread: it blocks in a socket read most of its life and is one per store.
        this.thread = Thread.ofPlatform().name("letterbox-store-notifications").daemon(true).unstarted(this::loop);
        thread.start();
        // A store that has opened hears every change committed after it: without this wait, a write
        // made by another node before the thread's LISTEN ran would never be announced here.
        try {
            if (!listening.await(LISTEN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "change notifications: not listening yet after "
                        + LISTEN_WAIT_SECONDS + " s; going on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        boolean first = true;
        while (running) {
            try (Connection c = opener.open()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + ChangeLog.CHANNEL);
                }
                listening.countDown();
                if (!first) {
                    LOG.log(System.Logger.Level.INFO, "change notifications: connected again");
                    indexes.allStale(); // notifications were lost meanwhile
                    for (long account : bus.accounts()) bus.publish(new Change.MailboxList(account));
                }
                first = false;
                listen(c.unwrap(PGConnection.class));
            } catch (SQLException e) {
                listening.countDown(); // the store opens anyway; the reconnect tells listeners to re-read
                if (!running) return;
                if (first) first = false; // a feed that never connected still owes listeners a re-read
                LOG.log(System.Logger.Level.WARNING, "change notifications: connection lost (" + e.getMessage()
                        + "); reconnecting");
                try {
                    Thread.sleep(RECONNECT_MILLIS);
                } catch (InterruptedException interrupted) {
                    if (!running) return;
                }
            }
        }
    }

    private void listen(PGConnection connection) throws SQLException {
        while (running) {
            PGNotification[] notes = connection.getNotifications(WAIT_MILLIS);
            if (notes == null) continue;
            for (PGNotification n : notes) {
                Optional<ChangeLog.Entry> entry = ChangeLog.fromPayload(n.getParameter());
                if (entry.isEmpty() || entry.get().node().equals(node)) continue;
                indexes.foreign(entry.get().change());
                bus.publish(entry.get().change());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
