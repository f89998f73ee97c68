package dev.letterbox.setup;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.Lookup;
import dev.letterbox.dns.MxHost;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the records {@link DnsRecords} says to publish with what DNS answers now, through the
 * server's own resolver: the host's addresses and their PTR names, MX, SPF, DKIM, DMARC, MTA-STS
 * and TLS reporting, and the autoconfig/autodiscover/mta-sts names. SRV records are not checked
 * (the resolver does not look them up). Each finding is one line an operator can act on.
 */
public final class PublishedRecords {
    /** {@code perRecord}: a verdict for each record that was checked; {@code host}: the host's addresses and PTRs. */
    public record Report(Map<DnsRecords.Record, String> perRecord, List<String> host) {}

    private final DnsResolver dns;
    private final String hostname;
    private List<InetAddress> hostAddresses = List.of();

    private PublishedRecords(DnsResolver dns, String hostname) {
        this.dns = dns;
        this.hostname = hostname.toLowerCase(Locale.ROOT);
    }

    /** {@code dns} should be bounded in time ({@link DnsResolver#within}): a missing resolver answers nothing. */
    public static Report check(List<DnsRecords.Item> items, String hostname, DnsResolver dns) {
        PublishedRecords c = new PublishedRecords(dns, hostname);
        List<String> host = c.hostFindings(items);
        Map<DnsRecords.Record, String> perRecord = new LinkedHashMap<>();
        for (DnsRecords.Item item : items) {
            if (item instanceof DnsRecords.Record r) {
                String verdict = c.verdict(r);
                if (verdict != null) perRecord.put(r, verdict);
            }
        }
        return new Report(perRecord, host);
    }

    /** The host name's addresses (published or given with --ip) and whether each one's PTR names the host. */
    private List<String> hostFindings(List<DnsRecords.Item> items) {
        List<String> out = new ArrayList<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        Lookup<InetAddress> published = dns.addresses(hostname);
        switch (published) {
            case Lookup.Found<InetAddress> f -> {
                addresses.addAll(f.records());
                hostAddresses = f.records();
                out.add("ok: " + hostname + " has the addresses " + texts(f.records()));
            }
            case Lookup.TempFail<InetAddress> t -> out.add("not checked: " + hostname + ": " + t.reason());
            default -> out.add("MISSING: " + hostname + " has no A or AAAA record: other servers and clients cannot reach it");
        }
        for (DnsRecords.Item item : items) {
            if (item instanceof DnsRecords.Record r && (r.type().equals("A") || r.type().equals("AAAA"))) {
                literal(r.data()).ifPresent(addresses::add);
            }
        }
        for (InetAddress a : addresses) {
            String ip = a.getHostAddress();
            switch (dns.ptr(a)) {
                case Lookup.Found<String> f when f.records().contains(hostname) -> out.add("ok: the PTR of " + ip + " is " + hostname);
                case Lookup.Found<String> f -> out.add("WRONG: the PTR of " + ip + " is " + String.join(", ", f.records())
                        + ", not " + hostname + ": ask the address's provider to set it (receivers check it)");
                case Lookup.TempFail<String> t -> out.add("not checked: PTR of " + ip + ": " + t.reason());
                default -> out.add("MISSING: " + ip + " has no PTR record; ask the address's provider to set it to " + hostname);
            }
        }
        return out;
    }

    /** A verdict for one record to publish, or null when this kind is not checked. */
    private String verdict(DnsRecords.Record r) {
        String owner = bare(r.owner());
        String value = unquoted(r.data());
        return switch (r.type()) {
            case "A", "AAAA" -> address(owner, r.type(), r.data());
            case "MX" -> mx(owner);
            case "CNAME" -> alias(owner);
            case "TXT" -> {
                if (value.startsWith("v=spf1")) yield txt(owner, "v=spf1", value, true);
                if (value.startsWith("v=DKIM1")) yield dkim(owner, value);
                if (value.startsWith("v=DMARC1")) yield txt(owner, "v=DMARC1", value, false);
                if (value.startsWith("v=STSv1")) yield txt(owner, "v=STSv1", value, true);
                if (value.startsWith("v=TLSRPTv1")) yield txt(owner, "v=TLSRPTv1", value, false);
                yield null;
            }
            default -> null;
        };
    }

    private String address(String owner, String type, String expected) {
        Lookup<InetAddress> found = type.equals("A") ? dns.a(owner) : dns.aaaa(owner);
        InetAddress want = literal(expected).orElse(null);
        return switch (found) {
            case Lookup.Found<InetAddress> f when f.records().contains(want) -> "ok: published";
            case Lookup.Found<InetAddress> f -> "WRONG: published " + texts(f.records());
            case Lookup.TempFail<InetAddress> t -> "not checked: " + t.reason();
            default -> "MISSING: not published";
        };
    }

    private String mx(String domain) {
        return switch (dns.mx(domain)) {
            case Lookup.Found<MxHost> f when f.records().stream().anyMatch(m -> m.host().equalsIgnoreCase(hostname)) ->
                    "ok: published";
            case Lookup.Found<MxHost> f -> "WRONG: the MX is " + String.join(", ", f.records().stream()
                    .map(m -> m.preference() + " " + m.host()).toList()) + ": mail for " + domain + " does not come here";
            case Lookup.TempFail<MxHost> t -> "not checked: " + t.reason();
            default -> "MISSING: not published: other servers cannot send mail for " + domain + " here";
        };
    }

    /** A CNAME to the host: fine when the name leads to one of the host's addresses, by CNAME or by A/AAAA. */
    private String alias(String owner) {
        return switch (dns.addresses(owner)) {
            case Lookup.Found<InetAddress> f when f.records().stream().anyMatch(hostAddresses::contains) -> "ok: published";
            case Lookup.Found<InetAddress> f -> "WRONG: " + owner + " leads to " + texts(f.records()) + ", not to " + hostname;
            case Lookup.TempFail<InetAddress> t -> "not checked: " + t.reason();
            default -> "MISSING: not published";
        };
    }

    /**
     * The TXT record at {@code owner} starting with {@code tag}. {@code exact}: anything else than
     * the value to publish is wrong (an SPF that may not cover this server, an MTA-STS id senders
     * would not refetch for); otherwise any such record is fine and shown when it differs.
     */
    private String txt(String owner, String tag, String value, boolean exact) {
        Lookup<String> found = dns.txt(owner);
        if (found instanceof Lookup.TempFail<String> t) return "not checked: " + t.reason();
        List<String> tagged = found instanceof Lookup.Found<String> f
                ? f.records().stream().filter(t -> t.toLowerCase(Locale.ROOT).startsWith(tag.toLowerCase(Locale.ROOT))).toList()
                : List.of();
        if (tagged.isEmpty()) return "MISSING: not published";
        if (tagged.size() > 1) return "WRONG: " + tagged.size() + " " + tag + " records are published; there must be one";
        String published = tagged.getFirst();
        if (published.equals(value)) return "ok: published";
        return (exact ? "WRONG: published \"" : "ok: published, differently: \"") + published + "\"";
    }

    /** A DKIM key is right when its p= (the public key) is the one this server signs with. */
    private String dkim(String owner, String value) {
        Lookup<String> found = dns.txt(owner);
        if (found instanceof Lookup.TempFail<String> t) return "not checked: " + t.reason();
        if (!(found instanceof Lookup.Found<String> f)) return "MISSING: not published: receivers cannot check signatures";
        String key = tag(value, "p");
        for (String published : f.records()) {
            if (key.equals(tag(published, "p"))) return "ok: published";
        }
        return "WRONG: the published key is not the one this server signs with";
    }

    /** The value of {@code name=} in a tag list (RFC 6376 §3.2), whitespace removed; "" when absent. */
    private static String tag(String tagList, String name) {
        for (String part : tagList.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) return part.substring(eq + 1).replaceAll("\\s", "");
        }
        return "";
    }

    /** Zone-file TXT data back to the value: the quoted strings joined, escapes undone. */
    static String unquoted(String data) {
        if (!data.startsWith("\"")) return data;
        StringBuilder sb = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '"') inside = !inside;
            else if (inside && c == '\\' && i + 1 < data.length()) sb.append(data.charAt(++i));
            else if (inside) sb.append(c);
        }
        return sb.toString();
    }

    private static String bare(String owner) {
        return owner.endsWith(".") ? owner.substring(0, owner.length() - 1) : owner;
    }

    /** An A/AAAA record's data, an IP literal (so never looked up). */
    private static Optional<InetAddress> literal(String ip) {
        if (!ip.matches("[0-9a-fA-F:.]+")) return Optional.empty();
        try {
            return Optional.of(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String texts(List<InetAddress> addresses) {
        return String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }
}
