package dev.letterbox.checks;

import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.delivery.SpooledMessage;
import dev.letterbox.delivery.Verdict;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What the client's address and greeting say about it: DNS block lists and allow lists (RFC 5782)
 * asked about its address, and whether its HELO is a plausible name for it. A client on an allow
 * list skips the other two. Each finding files the message in Junk or refuses it, as configured.
 */
public final class Reputation implements Check {
    private final DnsResolver dns;
    private final Duration timeout;
    private final ClientFilter filter;
    private final List<String> blockLists;
    private final Config.Action blockAction;
    private final List<String> allowLists;
    private final Config.Action heloAction;
    private final String hostname;
    private final Predicate<String> hosted;

    /**
     * @param hostname our host name: a client greeting with it (or with a domain we host) is pretending
     * @param hosted   whether a domain is hosted here
     */
    public Reputation(DnsResolver dns, Duration timeout, ClientFilter filter, List<String> blockLists,
                      Config.Action blockAction, List<String> allowLists, Config.Action heloAction, String hostname,
                      Predicate<String> hosted) {
        this.dns = dns;
        this.timeout = timeout;
        this.filter = filter;
        this.blockLists = List.copyOf(blockLists);
        this.blockAction = blockAction;
        this.allowLists = List.copyOf(allowLists);
        this.heloAction = heloAction;
        this.hostname = hostname;
        this.hosted = hosted;
    }

    /** True when there is anything to look at. */
    public boolean isActive() {
        return !blockLists.isEmpty() || !allowLists.isEmpty() || heloAction != Config.Action.OFF;
    }

    @Override
    public Run start(Envelope envelope, Recipients recipients) {
        if (!filter.checks(envelope)) return null;
        Envelope.Client client = envelope.client().orElseThrow();
        DnsResolver bounded = dns.within(timeout);
        CompletableFuture<Optional<String>> allowed = lookUp("letterbox-dnswl", bounded, allowLists, client.address());
        CompletableFuture<Optional<String>> blocked = lookUp("letterbox-dnsbl", bounded, blockLists, client.address());
        return message -> verdict(client, Async.await(allowed, timeout.toMillis() + 1_000, Optional.empty()),
                Async.await(blocked, timeout.toMillis() + 1_000, Optional.empty()));
    }

    /** The first of {@code zones} listing the client, looked up on its own thread; no thread when there are no zones. */
    private static CompletableFuture<Optional<String>> lookUp(String thread, DnsResolver dns, List<String> zones,
                                                              InetAddress client) {
        if (zones.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
        return Async.start(thread, () -> firstListing(dns, zones, client));
    }

    private Verdict verdict(Envelope.Client client, Optional<String> allowed, Optional<String> blocked) {
        if (allowed.isPresent()) return Verdict.accept(List.of());
        List<Verdict> findings = new ArrayList<>();
        blocked.ifPresent(zone -> findings.add(act(blockAction, "5.7.1", "your address " + client.address().getHostAddress()
                + " is listed by " + zone)));
        heloProblem(client).ifPresent(problem -> findings.add(act(heloAction, "5.7.1", problem)));
        Verdict worst = Verdict.accept(List.of());
        for (Verdict v : findings) {
            if (v.action().compareTo(worst.action()) > 0) worst = v;
        }
        return worst;
    }

    private static Verdict act(Config.Action action, String code, String why) {
        return switch (action) {
            case REJECT -> Verdict.reject(code, why);
            case JUNK -> Verdict.junk(why, List.of());
            case OFF, RECORD -> {
                System.getLogger("letterbox.checks").log(System.Logger.Level.INFO, "noted: {0}", why);
                yield Verdict.accept(List.of());
            }
        };
    }

    /**
     * RFC 5321 §4.1.1.1 and §2.3.5: the HELO argument is the client's fully-qualified name or an
     * address literal. A bare word, a literal of another address, or a name of ours are what spam
     * software uses.
     */
    Optional<String> heloProblem(Envelope.Client client) {
        if (heloAction == Config.Action.OFF) return Optional.empty();
        String helo = client.helo().toLowerCase(Locale.ROOT);
        if (helo.startsWith("[") && helo.endsWith("]")) {
            String literal = helo.substring(1, helo.length() - 1);
            if (literal.startsWith("ipv6:")) literal = literal.substring(5);
            return literal.equalsIgnoreCase(client.address().getHostAddress())
                    || sameAddress(literal, client.address()) ? Optional.empty()
                    : Optional.of("HELO " + helo + " is not your address");
        }
        if (!helo.contains(".") || helo.endsWith(".")) return Optional.of("HELO " + AuthenticationResults.commentSafe(helo)
                + " is not a fully-qualified host name");
        if (helo.equals(hostname) || hosted.test(helo)) return Optional.of("HELO " + helo + " is our name, not yours");
        return Optional.empty();
    }

    private static boolean sameAddress(String literal, InetAddress address) {
        if (!literal.matches("[0-9a-f:.]+")) return false; // never a DNS lookup
        try {
            return InetAddress.getByName(literal).equals(address);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The first zone that lists {@code client} (RFC 5782 §2: an A record in 127.0.0.0/8), if any. */
    static Optional<String> firstListing(DnsResolver dns, List<String> zones, InetAddress client) {
        String reversed = reversed(client);
        for (String zone : zones) {
            if (dns.a(reversed + "." + zone) instanceof Lookup.Found<InetAddress> f && listed(f.records())) {
                return Optional.of(zone);
            }
        }
        return Optional.empty();
    }

    /**
     * RFC 5782 §2.1: listings answer with addresses in 127.0.0.0/8. Some lists answer 127.255.255.x
     * to say "you may not query" (an error, not a listing): those do not count.
     */
    private static boolean listed(List<InetAddress> answers) {
        for (InetAddress a : answers) {
            byte[] b = a.getAddress();
            if (b.length == 4 && b[0] == 127 && !(b[1] == (byte) 255 && b[2] == (byte) 255)) return true;
        }
        return false;
    }

    /** RFC 5782 §2.1 (IPv4: octets reversed) and §2.4 (IPv6: nibbles reversed). */
    static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = 3; i >= 0; i--) sb.append(b[i] & 0xff).append(i > 0 ? "." : "");
            return sb.toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0x0f, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0x0f, 16));
            if (i > 0) sb.append('.');
        }
        return sb.toString();
    }
}
