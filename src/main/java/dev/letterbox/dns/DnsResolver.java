package dev.letterbox.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The lookups mail routing needs. Implementations are thread-safe. */
public interface DnsResolver {
    /** MX records of {@code domain}, in the order to try them (see {@link #tryOrder}). */
    Lookup<MxHost> mx(String domain);

    /** A and AAAA records of {@code host} (IPv4 first). */
    Lookup<InetAddress> addresses(String host);

    /** TXT records of {@code name}, each one's strings joined. */
    Lookup<String> txt(String name);

    /**
     * RFC 5321 §5.1: lowest preference first, and random order among equal preferences so load
     * spreads over equal servers.
     */
    static List<MxHost> tryOrder(List<MxHost> records, Random random) {
        List<MxHost> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        shuffled.sort((a, b) -> Integer.compare(a.preference(), b.preference())); // stable: keeps the shuffle within a preference
        return shuffled;
    }
}
