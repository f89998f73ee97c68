package dev.letterbox.store.sql;

import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.StoreException;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Announces changes committed by other processes: every {@link #POLL_MILLIS} it reads the
 * {@code change_log} rows after the last one seen and publishes those another node wrote (this
 * node's own were published by the writer right after commit). Old rows are pruned by
 * {@link Housekeeping}.
 *
 * <p>The feed relies on rows becoming visible in {@code seq} order, which holds with SQLite's single
 * writer. PostgreSQL nodes, whose sequence values can commit out of order, use
 * {@link NotificationFeed} instead.
 */
final class ChangeFeed implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    static final long POLL_MILLIS = 250;
    private static final int BATCH = 1000;

    private final ReadPool reads;
    private final ChangeBus bus;
    private final MailboxIndexes indexes;
    private final String node;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastSeq;

    ChangeFeed(ReadPool reads, ChangeBus bus, MailboxIndexes indexes, String node) {
        this.reads = reads;
        this.bus = bus;
        this.indexes = indexes;
        this.node = node;
        this.lastSeq = reads.read(ChangeLog::lastSeq);
        // A platform thread: the poll is a JNI call that would pin a virtual thread's carrier anyway.
        this.thread = Thread.ofPlatform().name("letterbox-store-feed").daemon(true).unstarted(this::loop);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                if (!running) return;
            }
            try {
                poll();
            } catch (StoreException e) {
                if (running) LOG.log(System.Logger.Level.WARNING, "reading the change feed failed", e);
            }
        }
    }

    private void poll() {
        List<ChangeLog.Entry> entries;
        do {
            long after = lastSeq;
            entries = reads.read(db -> ChangeLog.after(db, after, BATCH));
            for (ChangeLog.Entry e : entries) {
                lastSeq = e.seq();
                if (e.node().equals(node)) continue;
                indexes.foreign(e.change());
                bus.publish(e.change());
            }
        } while (entries.size() == BATCH && running);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
