package dev.letterbox.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The DNS records a hosted domain needs, as zone-file lines each preceded by a one-line comment:
 * MX, SPF, DKIM (through {@link DkimRecords}), DMARC, the SRV records of RFC 6186, RFC 8314 and RFC 5804,
 * the autoconfig/autodiscover names, and MTA-STS with TLS reporting (RFC 8461, RFC 8460).
 *
 * <p>Ports come from the listeners as they run (or are configured); a mail listener that is turned
 * off gets the "not available here" SRV record of RFC 2782 ({@code 0 0 0 .}) so clients do not try it.
 */
public final class DnsRecords {
    /** A time to live for every record: an hour, short enough to correct a mistake the same day. */
    static final int TTL = 3600;
    /** Implicit TLS is preferred over STARTTLS (RFC 8314 §5.1): a lower SRV priority. */
    static final int PRIORITY_TLS = 0, PRIORITY_STARTTLS = 10;

    /** One line of output: a comment-only note, or a record with its explanation. */
    public sealed interface Item permits Note, Record {}

    public record Note(String text) implements Item {}

    /** {@code owner} is absolute (ends in a dot); {@code data} is the record data in zone-file syntax. */
    public record Record(String comment, String owner, String type, String data) implements Item {}

    /** SRV services in the order they are printed: listener name, service label, implicit TLS. */
    private record Service(String listener, String label, boolean implicitTls, String what) {}

    private static final List<Service> SERVICES = List.of(
            new Service("submissions", "_submissions._tcp", true, "mail submission over TLS (RFC 8314)"),
            new Service("submission", "_submission._tcp", false, "mail submission with STARTTLS (RFC 6186)"),
            new Service("imaps", "_imaps._tcp", true, "IMAP over TLS (RFC 6186, RFC 8314)"),
            new Service("imap", "_imap._tcp", false, "IMAP with STARTTLS (RFC 6186)"),
            new Service("pop3s", "_pop3s._tcp", true, "POP3 over TLS (RFC 6186, RFC 8314)"),
            new Service("pop3", "_pop3._tcp", false, "POP3 with STLS (RFC 6186)"),
            new Service("managesieve", "_sieve._tcp", false, "ManageSieve, filter management with STARTTLS (RFC 5804 §1.8)"));

    private DnsRecords() {}

    /**
     * @param hostname this server's name (the MX and SRV target)
     * @param ports    listener name to port; an absent mail listener is announced as not available
     * @param ipv4     addresses for the host's A records (may be empty: then none are printed)
     * @param ipv6     addresses for the host's AAAA records
     */
    public static List<Item> forDomain(String domain, String hostname, Map<String, Integer> ports,
                                       List<String> ipv4, List<String> ipv6, MtaStsPolicy policy, DkimRecords dkim) {
        String d = domain + ".";
        String host = hostname + ".";
        List<Item> out = new ArrayList<>();
        for (String ip : ipv4) out.add(new Record("the mail host's IPv4 address", host, "A", ip));
        for (String ip : ipv6) out.add(new Record("the mail host's IPv6 address", host, "AAAA", ip));
        out.add(new Record("SPF for the host name: its HELO, and the sender (SRS) of mail it forwards", host, "TXT",
                txt(ipv4.isEmpty() && ipv6.isEmpty() ? "v=spf1 a -all" : spf(ipv4, ipv6))));

        out.add(new Record("MX: other servers deliver mail for " + domain + " to " + hostname, d, "MX", "10 " + host));
        out.add(new Record("SPF: only " + (ipv4.isEmpty() && ipv6.isEmpty() ? "the MX hosts" : "these addresses")
                + " may send mail from " + domain, d, "TXT", txt(spf(ipv4, ipv6))));
        out.addAll(dkim.forDomain(domain));
        out.add(new Record("DMARC: receivers quarantine mail failing SPF and DKIM alignment and report to postmaster",
                "_dmarc." + d, "TXT", txt("v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain)));

        for (Service s : SERVICES) {
            Integer port = ports.get(s.listener());
            String owner = s.label() + "." + d;
            if (port == null) {
                out.add(new Record(s.what() + ": not offered here (a target of \".\", RFC 2782)", owner, "SRV", "0 0 0 ."));
            } else if (port > 0) {
                int priority = s.implicitTls() ? PRIORITY_TLS : PRIORITY_STARTTLS;
                out.add(new Record(s.what(), owner, "SRV", priority + " 1 " + port + " " + host));
            }
        }

        out.add(new Record("Thunderbird and K-9 Mail fetch their settings from this name", "autoconfig." + d, "CNAME", host));
        out.add(new Record("Outlook fetches its settings from this name", "autodiscover." + d, "CNAME", host));
        Integer https = ports.get("https");
        if (https != null && https > 0) {
            out.add(new Record("Outlook also looks for its settings service here", "_autodiscover._tcp." + d, "SRV",
                    "0 1 " + https + " " + host));
        }

        out.add(new Record("MTA-STS: senders fetch the policy from https://mta-sts." + domain + MtaStsPolicy.PATH,
                "mta-sts." + d, "CNAME", host));
        out.add(new Record("MTA-STS: the policy's id; it changes whenever the policy does (RFC 8461)",
                "_mta-sts." + d, "TXT", txt("v=STSv1; id=" + policy.id())));
        out.add(new Record("TLS reporting: senders report TLS failures to postmaster (RFC 8460)",
                "_smtp._tls." + d, "TXT", txt("v=TLSRPTv1; rua=mailto:postmaster@" + domain)));
        if (https == null || https != 443) {
            out.add(new Note("MTA-STS and autoconfig over HTTPS need the https listener on port 443; it is "
                    + (https == null ? "turned off" : "on port " + https)));
        }
        out.add(new Note("The certificate must also cover autoconfig." + domain + ", autodiscover." + domain
                + " and mta-sts." + domain));
        out.add(new Note("The HTTPS listener serves this policy at https://mta-sts." + domain + MtaStsPolicy.PATH + ":"));
        for (String line : policy.text().split("\r\n")) out.add(new Note("  " + line));
        return out;
    }

    private static String spf(List<String> ipv4, List<String> ipv6) {
        if (ipv4.isEmpty() && ipv6.isEmpty()) return "v=spf1 mx -all";
        StringBuilder sb = new StringBuilder("v=spf1");
        for (String ip : ipv4) sb.append(" ip4:").append(ip);
        for (String ip : ipv6) sb.append(" ip6:").append(ip);
        return sb.append(" -all").toString();
    }

    /**
     * TXT data: quoted, with {@code "} and {@code \} escaped, split into strings of at most 255
     * characters (RFC 1035 §3.3.14), which receivers join again (a DKIM key needs two).
     */
    public static String txt(String value) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) chunks.add(value.substring(i, Math.min(value.length(), i + 255)));
        if (chunks.isEmpty()) chunks.add("");
        StringBuilder sb = new StringBuilder();
        for (String chunk : chunks) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append('"').append(chunk.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    /** Zone-file text: each record preceded by its comment, notes as comments. */
    public static String zoneText(List<Item> items) {
        return zoneText(items, Map.of());
    }

    /** As {@link #zoneText(List)}, with a "published now" verdict under the comment of each record that has one. */
    public static String zoneText(List<Item> items, Map<Record, String> verdicts) {
        StringBuilder sb = new StringBuilder();
        for (Item item : items) {
            switch (item) {
                case Note n -> sb.append("; ").append(n.text()).append('\n');
                case Record r -> {
                    sb.append("; ").append(r.comment()).append('\n');
                    String verdict = verdicts.get(r);
                    if (verdict != null) sb.append(";   check: ").append(verdict).append('\n');
                    sb.append(String.format("%-40s %5d IN %-5s %s\n", r.owner(), TTL, r.type(), r.data()));
                }
            }
        }
        return sb.toString();
    }
}
