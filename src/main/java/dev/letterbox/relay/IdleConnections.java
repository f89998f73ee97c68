package dev.letterbox.relay;

import dev.letterbox.smtp.client.SmtpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections kept open for a few seconds after a transaction, per destination, so the next
 * message for the same domain skips TCP, TLS and EHLO (RFC 5321 §3.3 allows any number of
 * transactions per session). At most {@code perDestination} wait per destination; one idle for
 * longer than {@code limit} is closed with QUIT. A connection is only ever reused for the
 * destination (domain, or the smarthost) it was opened for, so its TLS policy still holds.
 */
final class IdleConnections {
    /** A session ready for its next MAIL: the client, which host it is, and since when it idles. */
    record Idle(SmtpClient client, String host, String where, long sinceNanos) {}

    private final int perDestination;
    private final long limitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>(); // guarded by lock
    private boolean closed; // guarded by lock

    IdleConnections(int perDestination, Duration limit) {
        this.perDestination = perDestination;
        this.limitNanos = limit.toNanos();
    }

    /** The most recently used idle connection of {@code destination} that is not too old. */
    Optional<Idle> take(String destination) {
        List<Idle> stale = new ArrayList<>();
        Optional<Idle> found = Optional.empty();
        lock.lock();
        try {
            ArrayDeque<Idle> q = idle.get(destination);
            while (q != null && !q.isEmpty() && found.isEmpty()) {
                Idle i = q.pollLast();
                if (System.nanoTime() - i.sinceNanos() > limitNanos) stale.add(i);
                else found = Optional.of(i);
            }
            if (q != null && q.isEmpty()) idle.remove(destination);
        } finally {
            lock.unlock();
        }
        stale.forEach(IdleConnections::quit); // network I/O outside the lock
        return found;
    }

    /** Keeps {@code client} for the next message to {@code destination}, or ends it when enough wait already. */
    void park(String destination, SmtpClient client, String host, String where) {
        lock.lock();
        try {
            ArrayDeque<Idle> q = idle.computeIfAbsent(destination, k -> new ArrayDeque<>());
            if (!closed && q.size() < perDestination) {
                q.addLast(new Idle(client, host, where, System.nanoTime()));
                return;
            }
        } finally {
            lock.unlock();
        }
        quit(new Idle(client, host, where, 0));
    }

    /** Ends the connections idle for longer than the limit (called regularly by the queue's scheduler). */
    void closeExpired() {
        List<Idle> stale = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            for (Iterator<ArrayDeque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Idle> q = it.next();
                while (!q.isEmpty() && now - q.peekFirst().sinceNanos() > limitNanos) stale.add(q.pollFirst());
                if (q.isEmpty()) it.remove();
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(IdleConnections::quit);
    }

    /** Ends every idle connection; later parked ones are ended at once. */
    void closeAll() {
        List<Idle> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(IdleConnections::quit);
    }

    private static void quit(Idle i) {
        try (SmtpClient c = i.client()) {
            c.quit();
        } catch (IOException ignored) {
            // the server may have hung up on an idle connection already
        }
    }
}
