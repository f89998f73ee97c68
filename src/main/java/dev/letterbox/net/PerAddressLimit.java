package dev.letterbox.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts open connections per client address (an IPv6 client per /64, see {@link ClientBlock}) so one
 * host cannot take every slot. An address with no connection has no entry, so the map's size follows
 * the number of distinct clients.
 */
final class PerAddressLimit {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    PerAddressLimit(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Counts one more connection from {@code address} unless it already has {@link #max()}. */
    boolean tryAcquire(InetAddress address) {
        boolean[] admitted = {false};
        open.compute(ClientBlock.of(address), (key, count) -> {
            int n = count == null ? 0 : count;
            if (n >= max) {
                return count;
            }
            admitted[0] = true;
            return n + 1;
        });
        return admitted[0];
    }

    /** Open connections of the network {@code block} (already a {@link ClientBlock}). */
    int count(InetAddress block) {
        Integer n = open.get(block);
        return n == null ? 0 : n;
    }

    void release(InetAddress address) {
        open.computeIfPresent(ClientBlock.of(address), (key, count) -> count <= 1 ? null : count - 1);
    }
}
