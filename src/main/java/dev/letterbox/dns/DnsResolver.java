package dev.letterbox.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The lookups mail routing and sender authentication need. Implementations are thread-safe and
 * never throw for DNS trouble: every lookup answers one of the {@link Lookup} outcomes.
 */
public interface DnsResolver {
    /** MX records of {@code domain}, in the order to try them (see {@link #tryOrder}). */
    Lookup<MxHost> mx(String domain);

    /** A records of {@code host}: IPv4 addresses only. */
    Lookup<InetAddress> a(String host);

    /** AAAA records of {@code host}: IPv6 addresses only. */
    Lookup<InetAddress> aaaa(String host);

    /**
     * PTR records for {@code address} (in-addr.arpa or ip6.arpa): host names, lower case, without the
     * trailing dot, in the order the server gave them.
     */
    Lookup<String> ptr(InetAddress address);

    /** TXT records of {@code name}, each one's strings joined without separator (RFC 7208 §3.3). */
    Lookup<String> txt(String name);

    /**
     * The same resolver (same servers, same cache) under a deadline {@code budget} from now: every
     * lookup through the returned view gives up when the deadline passes, and once it has passed
     * answers {@link Lookup.TempFail} at once. For running a whole check (SPF, DKIM, ...) in bounded
     * time; the deadline of a view made from a view is the earlier of the two.
     */
    DnsResolver within(Duration budget);

    /**
     * A and AAAA records of {@code host} (IPv4 first). Found when either family has addresses;
     * otherwise a temporary failure of either lookup wins over "no such name", which wins over
     * "no data".
     */
    default Lookup<InetAddress> addresses(String host) {
        Lookup<InetAddress> v4 = a(host);
        Lookup<InetAddress> v6 = aaaa(host);
        List<InetAddress> all = new ArrayList<>();
        if (v4 instanceof Lookup.Found<InetAddress> f) all.addAll(f.records());
        if (v6 instanceof Lookup.Found<InetAddress> f) all.addAll(f.records());
        if (!all.isEmpty()) return new Lookup.Found<>(all);
        if (v4 instanceof Lookup.TempFail<InetAddress> t) return t;
        if (v6 instanceof Lookup.TempFail<InetAddress> t) return t;
        if (v4 instanceof Lookup.NoDomain<InetAddress>) return v4;
        return new Lookup.NoData<>();
    }

    /** A records for an IPv4 {@code client}, AAAA records for an IPv6 one (RFC 7208 §5). */
    default Lookup<InetAddress> addressesLike(InetAddress client, String host) {
        return client instanceof Inet6Address ? aaaa(host) : a(host);
    }

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
