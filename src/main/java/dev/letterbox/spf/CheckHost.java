package dev.letterbox.spf;

import com.google.common.cache.Cache;
import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import dev.letterbox.dns.MxHost;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One evaluation of check_host() (RFC 7208 §4), with its include and redirect recursion. Holds the
 * counters that bound the work of the whole evaluation: at most {@value #MAX_DNS_TERMS} terms that
 * query DNS (§4.6.4), at most {@value #MAX_VOID_LOOKUPS} void lookups, at most
 * {@value #MAX_NAMES_PER_TERM} MX or PTR names looked at per term. Recursion depth follows from the
 * term limit (each include or redirect is one term). Used once, by one thread.
 */
final class CheckHost {
    static final int MAX_DNS_TERMS = 10;
    static final int MAX_VOID_LOOKUPS = 2;
    static final int MAX_NAMES_PER_TERM = 10;
    /** Explanations go into a 550 reply line; longer ones are cut. */
    static final int MAX_EXPLANATION = 400;

    /** What a (possibly recursive) evaluation found, and in which record, for exp= (§6.2). */
    record Verdict(SpfResult.Result result, String mechanism, SpfRecord record, String domain) {}

    private final DnsResolver dns;
    private final InetAddress client;
    private final String sender;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private final String receiver;
    private final Instant now;
    private final Cache<String, SpfRecord> parsed;

    private int dnsTerms;
    private int voidLookups;
    private boolean pMacroCounted;
    private List<String> validatedNames; // the client's PTR names that resolve back to it; computed once

    CheckHost(DnsResolver dns, InetAddress client, String localPart, String senderDomain, String helo,
              String receiver, Instant now, Cache<String, SpfRecord> parsed) {
        this.parsed = parsed;
        this.dns = dns;
        this.client = client;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.sender = localPart + "@" + senderDomain;
        this.helo = helo;
        this.receiver = receiver;
        this.now = now;
    }

    /** check_host(&lt;ip&gt;, domain, &lt;sender&gt;): a verdict, or an SpfException for the errors. */
    Verdict check(String domain) throws SpfException {
        if (!SpfDomains.isCheckable(domain)) return new Verdict(SpfResult.Result.NONE, "not a valid domain: " + domain, null, domain);
        SpfRecord record = fetch(domain);
        if (record == null) return new Verdict(SpfResult.Result.NONE, "no SPF record at " + domain, null, domain);
        for (SpfRecord.Directive d : record.directives()) {
            if (matches(d.mechanism(), domain)) return new Verdict(d.qualifier().result(), d.text(), record, domain);
        }
        if (record.redirect() != null && !record.hasAll()) {
            countDnsTerm();
            String target = targetName(record.redirect(), domain, false);
            Verdict redirected = check(target);
            if (redirected.result() == SpfResult.Result.NONE) {
                throw SpfException.perm("redirect=" + target + ": " + redirected.mechanism());
            }
            return redirected; // §6.2: the redirected record's exp= applies, ours does not
        }
        return new Verdict(SpfResult.Result.NEUTRAL, "default", record, domain);
    }

    /** §4.4, §4.5: the one "v=spf1" TXT record of {@code domain}, or null when there is none. */
    private SpfRecord fetch(String domain) throws SpfException {
        Lookup<String> txt = dns.txt(domain);
        if (txt instanceof Lookup.TempFail<String> t) throw SpfException.temp("TXT lookup of " + domain + ": " + t.reason());
        if (!(txt instanceof Lookup.Found<String> found)) return null;
        String only = null;
        for (String record : found.records()) {
            if (!SpfRecord.isSpf(record)) continue;
            if (only != null) throw SpfException.perm("more than one SPF record at " + domain);
            only = record;
        }
        if (only == null) return null;
        SpfRecord record = parsed.getIfPresent(only);
        if (record == null) {
            record = SpfRecord.parse(only); // a record that fails to parse is not remembered: it fails again
            parsed.put(only, record);
        }
        return record;
    }

    private boolean matches(SpfRecord.Mechanism mechanism, String domain) throws SpfException {
        return switch (mechanism) {
            case SpfRecord.Mechanism.All all -> true;
            case SpfRecord.Mechanism.Ip ip -> ip.network().contains(client);
            case SpfRecord.Mechanism.Include include -> {
                countDnsTerm();
                String target = targetName(include.domain(), domain, false);
                Verdict inner = check(target); // §5.2: temperror and permerror propagate as exceptions
                if (inner.result() == SpfResult.Result.NONE) throw SpfException.perm("include:" + target + ": " + inner.mechanism());
                yield inner.result() == SpfResult.Result.PASS;
            }
            case SpfRecord.Mechanism.A a -> {
                countDnsTerm();
                String target = a.domain() == null ? domain : targetName(a.domain(), domain, false);
                Lookup<InetAddress> addresses = dns.addressesLike(client, target);
                yield anyContains(checked(addresses, target), a.ip4Prefix(), a.ip6Prefix());
            }
            case SpfRecord.Mechanism.Mx mx -> {
                countDnsTerm();
                String target = mx.domain() == null ? domain : targetName(mx.domain(), domain, false);
                yield mxMatches(target, mx.ip4Prefix(), mx.ip6Prefix());
            }
            case SpfRecord.Mechanism.Ptr ptr -> {
                countDnsTerm();
                String target = ptr.domain() == null ? domain : targetName(ptr.domain(), domain, false);
                yield validatedNames().stream().anyMatch(name -> isSameOrSubdomain(name, target));
            }
            case SpfRecord.Mechanism.Exists exists -> {
                countDnsTerm();
                String target = targetName(exists.domain(), domain, false);
                yield !checked(dns.a(target), target).isEmpty(); // §5.7: always A, whatever the client's family
            }
        };
    }

    /** §5.4: more than ten MX names is a permerror; each name's addresses are compared. */
    private boolean mxMatches(String target, int ip4Prefix, int ip6Prefix) throws SpfException {
        List<MxHost> hosts = checked(dns.mx(target), target);
        if (hosts.size() > MAX_NAMES_PER_TERM) throw SpfException.perm("more than " + MAX_NAMES_PER_TERM + " MX records at " + target);
        for (MxHost host : hosts) {
            if (host.isNullMx()) continue; // RFC 7505: no mail host at all
            Lookup<InetAddress> addresses = dns.addressesLike(client, host.host());
            if (addresses instanceof Lookup.TempFail<InetAddress> t) throw SpfException.temp("address lookup of " + host.host() + ": " + t.reason());
            if (addresses instanceof Lookup.Found<InetAddress> f && anyContains(f.records(), ip4Prefix, ip6Prefix)) return true;
        }
        return false;
    }

    /**
     * §5.5: the client's PTR names (the first ten) whose own addresses include the client. A failed
     * PTR lookup gives none; a failed address lookup skips that name.
     */
    private List<String> validatedNames() {
        if (validatedNames != null) return validatedNames;
        List<String> names = new ArrayList<>();
        if (dns.ptr(client) instanceof Lookup.Found<String> ptr) {
            for (String name : ptr.records().subList(0, Math.min(MAX_NAMES_PER_TERM, ptr.records().size()))) {
                if (dns.addressesLike(client, name) instanceof Lookup.Found<InetAddress> f && f.records().contains(client)) {
                    names.add(name);
                }
            }
        }
        validatedNames = List.copyOf(names);
        return validatedNames;
    }

    /**
     * %{p} (§7.3): the validated name equal to {@code domain}, else one under it, else any, else
     * "unknown".
     */
    private String validatedName(String domain) {
        List<String> names = validatedNames();
        for (String n : names) if (n.equalsIgnoreCase(domain)) return n;
        for (String n : names) if (isSameOrSubdomain(n, domain)) return n;
        return names.isEmpty() ? "unknown" : names.getFirst();
    }

    private static boolean isSameOrSubdomain(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }

    /**
     * §5: addresses found, or none for "no such name" / "no data" (a void lookup, §4.6.4); a
     * temporary failure ends the check with temperror.
     */
    private <T> List<T> checked(Lookup<T> lookup, String name) throws SpfException {
        return switch (lookup) {
            case Lookup.Found<T> f -> f.records();
            case Lookup.TempFail<T> t -> throw SpfException.temp("lookup of " + name + ": " + t.reason());
            case Lookup.NoData<T> n -> voidLookup(name);
            case Lookup.NoDomain<T> n -> voidLookup(name);
        };
    }

    private <T> List<T> voidLookup(String name) throws SpfException {
        if (++voidLookups > MAX_VOID_LOOKUPS) throw SpfException.perm("more than " + MAX_VOID_LOOKUPS + " void lookups (" + name + ")");
        return List.of();
    }

    private void countDnsTerm() throws SpfException {
        if (++dnsTerms > MAX_DNS_TERMS) throw SpfException.perm("more than " + MAX_DNS_TERMS + " DNS lookups");
    }

    private boolean anyContains(List<InetAddress> addresses, int ip4Prefix, int ip6Prefix) {
        int prefix = Network.isIp6(client) ? ip6Prefix : ip4Prefix;
        for (InetAddress a : addresses) {
            if (new Network(a.getAddress(), prefix).contains(client)) return true;
        }
        return false;
    }

    /**
     * A domain-spec expanded into the name to look up (§7.3): the trailing dot dropped, and labels
     * taken off the left until it fits in 253 characters.
     */
    private String targetName(MacroString spec, String domain, boolean forExplanation) throws SpfException {
        String name = spec.expand(letter -> value(letter, domain, forExplanation));
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        while (name.length() > 253) {
            int dot = name.indexOf('.');
            if (dot < 0) break; // one huge label: no DNS name, the lookup finds nothing
            name = name.substring(dot + 1);
        }
        return name;
    }

    /** §7.2: the value of one macro letter while evaluating the record of {@code domain}. */
    private String value(char letter, String domain, boolean forExplanation) throws SpfException {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> domain;
            case 'i' -> IpText.dotted(client);
            case 'v' -> Network.isIp6(client) ? "ip6" : "in-addr";
            case 'h' -> helo;
            case 'c' -> IpText.readable(client);
            case 'r' -> receiver;
            case 't' -> Long.toString(now.getEpochSecond());
            case 'p' -> {
                // §4.6.4: the PTR lookup behind %{p} counts once against the limit, except in an explanation
                if (!forExplanation && !pMacroCounted && validatedNames == null) {
                    countDnsTerm();
                    pMacroCounted = true;
                }
                yield validatedName(domain);
            }
            default -> throw SpfException.perm("unknown macro letter " + letter);
        };
    }

    /**
     * §6.2: for a fail, the explanation of the record whose mechanism failed, if its exp= names one
     * TXT record that is a valid explain-string in US-ASCII. Any problem: no explanation, never an
     * error — the verdict stands.
     */
    Optional<String> explanation(Verdict verdict) {
        if (verdict.result() != SpfResult.Result.FAIL || verdict.record() == null || verdict.record().explanation() == null) {
            return Optional.empty();
        }
        try {
            String target = targetName(verdict.record().explanation(), verdict.domain(), true);
            if (!(dns.txt(target) instanceof Lookup.Found<String> found) || found.records().size() != 1) return Optional.empty();
            String text = MacroString.explainString(found.records().getFirst())
                    .expand(letter -> value(letter, verdict.domain(), true));
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) < 0x20 || text.charAt(i) > 0x7E) return Optional.empty();
            }
            return Optional.of(text.length() > MAX_EXPLANATION ? text.substring(0, MAX_EXPLANATION) : text);
        } catch (SpfException e) {
            return Optional.empty();
        }
    }
}
