package dev.letterbox.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Answers by (name, type) until their TTL runs out. Bounded twice: by entry count and by the bytes
 * the answers took on the wire (a 60 KB TXT answer must not count as much as an A record), evicting
 * the oldest insertion first. Only definite answers are kept — found, no data, no such domain;
 * temporary failures never are, so a server that was briefly down is asked again at once.
 *
 * <p>Negative answers live for the SOA minimum of the zone (RFC 2308 §5), capped; a negative
 * answer without an SOA is not cached at all (RFC 2308 §5: "SHOULD NOT be cached").
 */
final class DnsCache {
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** 16 MiB of wire bytes; at the usual ~100 bytes per answer the entry cap binds first. */
    static final long DEFAULT_MAX_BYTES = 16L << 20;
    static final Duration MAX_POSITIVE_TTL = Duration.ofDays(1);
    static final Duration MAX_NEGATIVE_TTL = Duration.ofMinutes(15);

    record Key(Name name, int type) {}

    private record Entry(Lookup<Record> answer, Instant expires, long weight) {}

    private final Clock clock;
    private final int maxEntries;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(); // insertion order = age
    private long bytes;

    DnsCache(Clock clock, int maxEntries, long maxBytes) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached answer, or null when there is none or it has expired. */
    Lookup<Record> get(Key key) {
        Instant now = clock.instant();
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) return null;
            if (!now.isBefore(e.expires())) {
                remove(key);
                return null;
            }
            return e.answer();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps {@code answer} for {@code ttlSeconds} (capped by kind); does nothing for temporary
     * failures, a TTL of zero or less, or an answer bigger than a sixteenth of the byte budget.
     */
    void put(Key key, Lookup<Record> answer, long ttlSeconds, long weight) {
        if (answer instanceof Lookup.TempFail<Record> || ttlSeconds <= 0 || weight > maxBytes / 16) return;
        Duration cap = answer instanceof Lookup.Found<Record> ? MAX_POSITIVE_TTL : MAX_NEGATIVE_TTL;
        Duration ttl = Duration.ofSeconds(Math.min(ttlSeconds, cap.toSeconds()));
        Entry entry = new Entry(answer, clock.instant().plus(ttl), weight);
        lock.lock();
        try {
            remove(key); // re-inserting moves it to the young end
            entries.put(key, entry);
            bytes += weight;
            Iterator<Map.Entry<Key, Entry>> oldest = entries.entrySet().iterator();
            while ((entries.size() > maxEntries || bytes > maxBytes) && oldest.hasNext()) {
                bytes -= oldest.next().getValue().weight();
                oldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(Key key) {
        Entry old = entries.remove(key);
        if (old != null) bytes -= old.weight();
    }

    /** Approximate memory of an answer: its records' wire sizes plus a fixed overhead. */
    static long weightOf(List<Record> records) {
        long w = 64;
        for (Record r : records) w += r.getName().length() + 10 + r.rdataToWireCanonical().length;
        return w;
    }
}
