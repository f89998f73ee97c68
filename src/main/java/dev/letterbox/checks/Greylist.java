package dev.letterbox.checks;

import dev.letterbox.delivery.Check;
import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.delivery.SpooledMessage;
import dev.letterbox.delivery.Verdict;
import dev.letterbox.net.ClientBlock;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Greylisting: a message from a (client network, sender, recipient) triplet not seen before is
 * deferred (451 4.7.1); the same triplet retried after {@code delay} passes and is then remembered
 * for {@link #REMEMBER}. Real mail servers retry; most spam software does not. Clients count by /24
 * (IPv4) or /64 (IPv6), since big senders retry from another address of the same pool.
 *
 * <p>Kept in memory, bounded: after a restart known senders are greylisted once more, and on several
 * nodes each node keeps its own list.
 */
public final class Greylist implements Check {
    static final Duration REMEMBER = Duration.ofDays(36);
    static final int MAX_ENTRIES = 200_000;

    private final Duration delay;
    private final Clock clock;
    private final ClientFilter applies;
    private final ReentrantLock lock = new ReentrantLock();
    /** Triplet to when it was first seen (or last passed), oldest first, for eviction. Guarded by lock. */
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>(16, 0.75f, true);

    public Greylist(Duration delay, Clock clock, ClientFilter applies) {
        this.delay = delay;
        this.clock = clock;
        this.applies = applies;
    }

    @Override
    public Run start(Envelope envelope, Recipients recipients) {
        if (!applies.checks(envelope)) return null;
        InetAddress client = envelope.client().orElseThrow().address();
        return message -> verdict(network(client), envelope.sender(), recipients.written());
    }

    private Verdict verdict(String network, String sender, List<String> recipients) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        lock.lock();
        try {
            for (String rcpt : recipients) {
                String key = network + "/" + sender.toLowerCase(Locale.ROOT) + "/" + rcpt.toLowerCase(Locale.ROOT);
                Instant first = seen.get(key);
                if (first == null || now.isAfter(first.plus(REMEMBER))) {
                    seen.put(key, now);
                    wait = delay;
                } else if (now.isBefore(first.plus(delay))) {
                    Duration left = Duration.between(now, first.plus(delay));
                    if (left.compareTo(wait) > 0) wait = left;
                }
            }
            while (seen.size() > MAX_ENTRIES) {
                var eldest = seen.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        } finally {
            lock.unlock();
        }
        if (wait.isZero()) return Verdict.accept(List.of());
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return Verdict.tempfail("4.7.1", "greylisted: please try again in " + minutes + " minute" + (minutes == 1 ? "" : "s"));
    }

    /** The client's network: its /24 for IPv4, its /64 for IPv6. */
    static String network(InetAddress client) {
        if (client instanceof Inet4Address) {
            byte[] a = client.getAddress();
            a[3] = 0;
            try {
                return InetAddress.getByAddress(a).getHostAddress() + "/24";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return ClientBlock.of(client).getHostAddress() + "/64";
    }
}
