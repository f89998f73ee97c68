package dev.letterbox.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * Connections a listener has accepted and not yet admitted. The kernel's accept queue is first come,
 * first served: under a flood of connections a real client waits behind every attacker's reconnect.
 * The listener therefore drains that queue as fast as it can into this small room, and admits from
 * it the client whose network ({@link ClientBlock}) has the fewest connections, open or waiting —
 * a lone client goes before a host that holds a hundred. When the room is full, the waiting
 * connection of the busiest network is closed (the newest of its own): the many pay, not the few.
 *
 * <p>Thread-safe: the accept thread adds, the admitting thread takes.
 */
final class Lobby {
    /** A connection waiting: its client's address and network, and its place in the order of arrival. */
    record Waiting(SocketChannel channel, InetSocketAddress remote, InetAddress block, long seq) {
        InetAddress address() {
            return remote.getAddress();
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final List<Waiting> waiting = new ArrayList<>();
    private final Map<InetAddress, Integer> perBlock = new HashMap<>();
    private long seq;
    private boolean closed;
    private long turnedAway;

    Lobby(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Lets {@code channel} wait; when the room is full, closes the newest waiting connection of the
     * busiest network (which may be this one). {@code open} counts a network's open connections.
     */
    void add(SocketChannel channel, ToIntFunction<InetAddress> open) {
        InetSocketAddress remote = remoteOf(channel);
        if (remote == null) {
            closeQuietly(channel); // gone already
            return;
        }
        InetAddress block = ClientBlock.of(remote.getAddress());
        SocketChannel refused = null;
        lock.lock();
        try {
            if (closed) {
                refused = channel;
            } else {
                Waiting newcomer = new Waiting(channel, remote, block, ++seq);
                waiting.add(newcomer);
                perBlock.merge(block, 1, Integer::sum);
                if (waiting.size() > capacity) {
                    Waiting busiest = pick(open, true);
                    remove(busiest);
                    refused = busiest.channel();
                    turnedAway++;
                }
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) closeQuietly(refused);
    }

    /** The waiting connection whose network is least busy (the oldest of those); waits for one. */
    Waiting take(ToIntFunction<InetAddress> open) throws InterruptedException {
        lock.lock();
        try {
            while (waiting.isEmpty()) {
                if (closed) throw new InterruptedException("lobby closed");
                notEmpty.await();
            }
            Waiting next = pick(open, false);
            remove(next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Lets a connection taken a moment ago wait again, in its old place (no slot was free for it). */
    void putBack(Waiting w) {
        lock.lock();
        try {
            if (!closed) {
                waiting.add(w);
                perBlock.merge(w.block(), 1, Integer::sum);
                notEmpty.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(w.channel());
    }

    /** Connections waiting now. */
    int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Connections closed because the room was full. */
    long turnedAway() {
        lock.lock();
        try {
            return turnedAway;
        } finally {
            lock.unlock();
        }
    }

    /** Closes everyone still waiting; later adds are closed at once. */
    void close() {
        List<Waiting> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
            perBlock.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        for (Waiting w : left) closeQuietly(w.channel());
    }

    /**
     * Least busy network first and, among equals, the one waiting longest ({@code busiest} false); or
     * the busiest network, its newest connection ({@code busiest} true). Lock held; the room is small.
     */
    private Waiting pick(ToIntFunction<InetAddress> open, boolean busiest) {
        Waiting best = null;
        int bestLoad = 0;
        for (Waiting w : waiting) {
            int load = open.applyAsInt(w.block()) + perBlock.getOrDefault(w.block(), 0);
            boolean better = best == null
                    || (busiest ? load > bestLoad || (load == bestLoad && w.seq() > best.seq())
                                : load < bestLoad || (load == bestLoad && w.seq() < best.seq()));
            if (better) {
                best = w;
                bestLoad = load;
            }
        }
        return best;
    }

    private void remove(Waiting w) {
        waiting.remove(w);
        perBlock.computeIfPresent(w.block(), (k, n) -> n <= 1 ? null : n - 1);
    }

    private static InetSocketAddress remoteOf(SocketChannel channel) {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
