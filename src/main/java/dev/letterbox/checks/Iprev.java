package dev.letterbox.checks;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 8601 §3 "iprev" (forward-confirmed reverse DNS): the client's address has a reverse name that
 * resolves back to that address. Many spam sources sit on addresses without one; most real mail
 * servers have one.
 */
final class Iprev {
    /** Reverse names tried at most (RFC 8601 §3 leaves it open; RFC 7208's 10 for PTR is a sane bound). */
    static final int MAX_NAMES = 10;

    enum Result { PASS, FAIL, TEMPERROR }

    /** {@code name}: the confirmed name on pass, else the first reverse name if any. */
    record Outcome(Result result, InetAddress client, Optional<String> name) {
        /** "iprev=pass policy.iprev=192.0.2.1 (mail.example.org)". */
        String authResultsText() {
            String text = "iprev=" + result.name().toLowerCase(Locale.ROOT) + " policy.iprev=" + client.getHostAddress();
            return name.map(n -> text + " (" + AuthenticationResults.commentSafe(n) + ")").orElse(text);
        }
    }

    private Iprev() {}

    static Outcome check(DnsResolver dns, InetAddress client) {
        Lookup<String> names = dns.ptr(client);
        return switch (names) {
            case Lookup.TempFail<String> t -> new Outcome(Result.TEMPERROR, client, Optional.empty());
            case Lookup.NoDomain<String> n -> new Outcome(Result.FAIL, client, Optional.empty());
            case Lookup.NoData<String> n -> new Outcome(Result.FAIL, client, Optional.empty());
            case Lookup.Found<String> found -> confirm(dns, client, found.records());
        };
    }

    private static Outcome confirm(DnsResolver dns, InetAddress client, List<String> names) {
        boolean tempfail = false;
        for (String name : names.subList(0, Math.min(MAX_NAMES, names.size()))) {
            switch (dns.addressesLike(client, name)) {
                case Lookup.Found<InetAddress> f -> {
                    for (InetAddress a : f.records()) {
                        if (Arrays.equals(a.getAddress(), client.getAddress())) {
                            return new Outcome(Result.PASS, client, Optional.of(name));
                        }
                    }
                }
                case Lookup.TempFail<InetAddress> t -> tempfail = true;
                default -> { }
            }
        }
        return new Outcome(tempfail ? Result.TEMPERROR : Result.FAIL, client, Optional.of(names.get(0)));
    }
}
