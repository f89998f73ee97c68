package dev.letterbox.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load clients were told, by message id: acknowledged (250 after DATA, tagged OK to
 * APPEND), or in doubt (the connection broke after the message went out and before its answer came:
 * the server may or may not have committed it). Each id is sent once, never retried, so a message
 * stored twice is a duplicate the server made.
 */
final class Ledger {
    /** Acknowledged ids, each with the account it was for. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, String> inDoubt = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final java.util.Queue<Long> ackTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A fresh message id with the kind's prefix ("smtp-17", "imap-18"). */
    String newId(String kind) {
        return kind + "-" + next.incrementAndGet();
    }

    void acknowledged(String id, String account) {
        acknowledged.put(id, account);
        ackTimes.add(System.nanoTime());
    }

    /** Acknowledgements per {@code slice} from {@code start} on (nanoTime), for the throughput around the kill. */
    java.util.List<Integer> ackTimeline(long start, java.time.Duration slice) {
        java.util.List<Integer> counts = new java.util.ArrayList<>();
        for (long t : ackTimes) {
            int i = (int) Math.max(0, (t - start) / slice.toNanos());
            while (counts.size() <= i) counts.add(0);
            counts.set(i, counts.get(i) + 1);
        }
        return counts;
    }

    void inDoubt(String id, String account) {
        inDoubt.put(id, account);
    }

    /** A message answered with a failure (4xx/5xx or tagged NO): the client was told it is not stored. */
    void refused() {
        refused.incrementAndGet();
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    Set<String> inDoubt() {
        return Set.copyOf(inDoubt.keySet());
    }

    int refusedCount() {
        return refused.get();
    }

    int reconnects() {
        return reconnects.get();
    }

    /** The subject line every load message carries, by which the check finds it in the store. */
    static String subject(String id) {
        return "load " + id;
    }

    /** A small message for {@code to} whose Subject and Message-ID name {@code id}. */
    static byte[] message(String id, String to) {
        return ("From: <load@client.test>\r\nTo: <" + to + ">\r\nSubject: " + subject(id)
                + "\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + id + "@load.test>\r\n\r\n"
                + "message " + id + " of the failover load\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
